/* SPDX-License-Identifier: MIT */
/*
 * What `capsim lab`'s files share: the topology's addresses, the lab's
 * state, the processes it runs (lab_net.c: namespaces, links, dnsmasq,
 * children, cleanup) and the steps of the command (cmd_lab.c).
 */
#ifndef CS_SIM_LAB_H
#define CS_SIM_LAB_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct cs_opt43;

#define LAB_MAX_ARGS    128
#define LAB_MAX_APS     200
#define LAB_MAX_SYSCTLS 8

/* The topology (all inside 198.18.0.0/15, RFC 2544). */
#define LAB_AP_FW_AP  "198.18.1.1"
#define LAB_AP_FW_FW  "198.18.1.2"
#define LAB_AP_SVC_AP "198.18.2.1"
#define LAB_SVC       "198.18.2.2"
#define LAB_AP_NET    "198.18.16.0/24"
#define LAB_RELAY     "198.18.16.1"
#define LAB_AP_FIRST  10 /* 198.18.16.10 */
#define LAB_FW_WLC_FW "198.19.1.1"
#define LAB_WLC       "198.19.1.10"
/* --wlc-on-ap-segment: the WLC on the APs' L2 segment, outside the
 * local routes of the AP addresses (198.18.16.0..223) and the DHCP range */
#define LAB_WLC_SEG "198.18.16.254"
#define LAB_DOMAIN  "lab.test"

struct lab {
	pid_t pid;
	char ns[4][32]; /* ap, fw, wlc, svc */
	bool ns_made[4];
	char dir[64];
	pid_t dnsmasq, wlc, run;
	bool verbose;
	bool no_dns_record; /* no CISCO-CAPWAP-CONTROLLER record */
	bool segment;       /* WLC on the AP segment, not behind fw */
	const char *wlc_ip; /* LAB_WLC or LAB_WLC_SEG */
};

enum {
	NS_AP,
	NS_FW,
	NS_WLC,
	NS_SVC
};

/* Runs argv (NULL-terminated) and waits; returns its exit status, or -1.
 * Output goes to the terminal unless `quiet`. */
int lab_exec(struct lab *l, bool quiet, const char *const argv[]);
/* Formats a command line into words (split on spaces) and runs it. */
int lab_sh(struct lab *l, bool quiet, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Starts argv in the background, in namespace ns; output to `log` (or
 * the terminal when NULL).  The child dies with the lab (PDEATHSIG). */
pid_t lab_spawn(
    struct lab *l, const char *ns, const char *log, const char *const argv[]);
/* SIGTERM, then SIGKILL after `tries` x 50 ms (lab_stop_child: 40). */
void lab_stop_child_within(
    pid_t *p, const char *what, struct lab *l, int tries);
void lab_stop_child(pid_t *p, const char *what, struct lab *l);
/* Stops the children, deletes the namespaces and the lab's directory. */
void lab_cleanup(struct lab *l);
/* Copies a file to stderr under a title (nothing when it is absent). */
void lab_print_file(const char *path, const char *title);
/* Removes what an earlier lab killed with SIGKILL left behind. */
void lab_reap_stale(struct lab *l);
/* Builds namespaces, links, addresses and routes: 0 or -1. */
int lab_topology(struct lab *l);
/* Starts dnsmasq (DHCP with option 43 o43, DNS) in the svc namespace for
 * the APs from base MAC mac0: 0 or -1. */
int lab_dnsmasq(struct lab *l, const char *mac0, const struct cs_opt43 *o43);

#endif /* CS_SIM_LAB_H */
