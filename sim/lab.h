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
/* Wireless clients (lab_clients.c): the client subnet of the WLAN lives
 * behind the firewall, on the controller's side, as a site's client
 * VLAN does.  The WLC is its gateway and the DHCP relay (giaddr); the
 * DHCP server (dnsmasq) sits in the controller's namespace too.  Both
 * addresses are local there (/32 on lo); the subnet needs no route: its
 * frames come and go inside the CAPWAP data channel (UDP 5247). */
#define LAB_CL_NET             "198.19.64.0/18"
#define LAB_CL_GW              "198.19.64.1"
#define LAB_CL_FIRST           "198.19.64.10"
#define LAB_CL_LAST            "198.19.127.250"
#define LAB_CL_MASK            "255.255.192.0"
#define LAB_CL_DHCP            "198.19.2.2"
#define LAB_MAX_CLIENTS_PER_AP 64 /* x LAB_MAX_APS fits the range */

/* The clients the lab runs: from --clients-per-ap/--wlan/--psk, else
 * from the scenario's clients: section. */
struct lab_cl {
	unsigned per_ap; /* 0: no clients */
	char ssid[33];
	const char *psk; /* NULL: open system */
	bool per_ap_given, ssid_given, psk_given;
	pid_t dnsmasq;    /* the client DHCP server */
	char opt[4][160]; /* argument strings for capsim run / wlc */
};

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
	struct lab_cl cl;
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

/* lab_clients.c.  Option `which` (0 --clients-per-ap, 1 --wlan, 2 --psk)
 * with its argument: 0, or -EINVAL after printing why. */
int lab_cl_option(struct lab *l, int which, const char *arg);
/* Takes what the options left open from SCENARIO's clients: section
 * (NULL: none) and checks the whole: 0, or -EINVAL after printing why. */
int lab_cl_settle(struct lab *l, const char *scenario);
/* The client subnet's gateway and DHCP server addresses in the WLC's
 * namespace, and the DHCP server started there: 0 or -1 (no-op without
 * clients). */
int lab_cl_start(struct lab *l);
/* Appends the WLC's (is_wlc) or the APs' client options to argv at *n
 * (at most 4). */
void lab_cl_args(struct lab *l, bool is_wlc, const char **argv, unsigned *n);
/* After the run, the controller stopped (its log `wlclog` complete):
 * the WLC's client counts and the DHCP server's leases. */
void lab_cl_report(struct lab *l, const char *wlclog);

#endif /* CS_SIM_LAB_H */
