/* SPDX-License-Identifier: MIT */
/*
 * `capsim lab`: validate a firewall ruleset before rollout.  Builds a
 * network-namespace topology (addresses from 198.18.0.0/15 only):
 *
 *   [svc: dnsmasq 198.18.2.2]--[ap: capsim run, relay 198.18.16.1,
 *   APs 198.18.16.10+]--[fw: the user's nftables ruleset, forwarding]--
 *   [wlc: capsim wlc 198.19.1.10]
 *
 * dnsmasq serves DHCP (option 43 with the WLC address for vendor class
 * "Cisco AP*", options 6 and 15) and DNS (CISCO-CAPWAP-CONTROLLER.<domain>).
 * Runs `capsim run` in the AP namespace, propagates its exit status (0
 * pass, 3 expectations failed) and removes every namespace, interface,
 * process and file at exit, also after a failure or SIGINT/SIGTERM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capsim/option43.h"
#include "capsim/pki.h"
#include "capsim/udp.h"
#include "capsim/values.h"
#include "sim.h"
#include "simutil.h"

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

static volatile sig_atomic_t lab_signalled;

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
static const char *const lab_ns_role[4] = { "ap", "fw", "wlc", "svc" };

static void
lab_usage(FILE *f)
{
	fprintf(f,
	    "usage: capsim lab [OPTIONS] [SCENARIO.yaml] [-- RUN-OPTIONS]\n"
	    "\n"
	    "SCENARIO is run by `capsim run` in the AP namespace (its "
	    "aps.count and\n"
	    "duration apply unless --aps/--duration are given); "
	    "RUN-OPTIONS after\n"
	    "-- are passed to `capsim run` as well.\n"
	    "\n"
	    "Validates a firewall ruleset before rollout: builds network "
	    "namespaces\n"
	    "  svc (dnsmasq: DHCP option 43 + DNS) -- ap (capsim run) -- "
	    "fw (your\n"
	    "  nftables ruleset) -- wlc (capsim wlc)\n"
	    "with addresses from 198.18.0.0/15, runs the APs through the "
	    "firewall\n"
	    "and removes everything at exit.  Exit status of capsim run: 0 "
	    "pass,\n"
	    "3 expectations not met; 2 usage error (also: not root); 1 "
	    "runtime.\n"
	    "\n"
	    "Options:\n"
	    "  --ruleset FILE       nftables ruleset for the firewall "
	    "(nft -f);\n"
	    "                       default: forward everything\n"
	    "  --aps N              APs (default 2, at most %d)\n"
	    "  --duration D         run time (default 20s)\n"
	    "  --discovery dhcp|dns|static|broadcast   how APs find the "
	    "WLC\n"
	    "                       (default dhcp; broadcast: a Discovery "
	    "Request to\n"
	    "                       255.255.255.255, implies "
	    "--wlc-on-ap-segment)\n"
	    "  --wlc-on-ap-segment  the WLC on the APs' segment as "
	    "198.18.16.254\n"
	    "                       (listening on 0.0.0.0), not behind the "
	    "firewall\n"
	    "  --option43 TEXT      option 43 dnsmasq serves, any form "
	    "`capsim\n"
	    "                       option43` reads (default f104 + WLC "
	    "address)\n"
	    "  --no-dns-record      no CISCO-CAPWAP-CONTROLLER record "
	    "(then a bad\n"
	    "                       option 43 leaves the APs without "
	    "controller)\n"
	    "  --fw-sysctl KEY=VALUE  a sysctl of the firewall namespace, "
	    "set after\n"
	    "                       the ruleset is loaded (repeatable, "
	    "net.* only: those\n"
	    "                       are per namespace), e.g.\n"
	    "                       "
	    "net.netfilter.nf_conntrack_udp_timeout=2\n"
	    "  --fast               short AP timers (tests): echo/keep-alive "
	    "1s ...\n"
	    "  --echo-interval D    EchoInterval the WLC sends (the APs "
	    "adopt it) and\n"
	    "                       the APs' keep-alive interval, whole "
	    "seconds (after\n"
	    "                       --fast; default 30s, --fast 1s); "
	    "data-channel\n"
	    "                       dead interval three times that\n"
	    "  --captures DIR       keep the two captures there: ap.pcapng "
	    "(the APs'\n"
	    "                       side) and wlc.pcapng (the controller's); "
	    "default:\n"
	    "                       the lab's own directory, removed at "
	    "exit.  Either\n"
	    "                       way, after the run the lab reads them "
	    "side by side\n"
	    "                       (capsim analyze ap.pcapng --peer "
	    "wlc.pcapng): the\n"
	    "                       controller's side tells forward from "
	    "return path\n"
	    "  -v, --verbose        show commands, dnsmasq log and nft "
	    "counters\n"
	    "\n"
	    "Topology: APs 198.18.16.10.. (relay 198.18.16.1), dnsmasq "
	    "198.18.2.2,\n"
	    "WLC 198.19.1.10, domain " LAB_DOMAIN ".  The ruleset sees "
	    "AP->WLC traffic\n"
	    "in the forward hook (CAPWAP control UDP 5246, data 5247).\n"
	    "Example:  capsim lab --ruleset examples/nft/pass.nft\n",
	    LAB_MAX_APS);
}

/* execvp with the const-correct argv execve really takes. */
static void
lab_execvp(const char *const argv[])
{
	union {
		const char *const *c;
		char *const *v;
	} u = { argv };

	execvp(argv[0], u.v);
	_exit(127);
}

/* Whether `prog` is an executable on $PATH. */
static bool
lab_have(const char *prog)
{
	const char *path = getenv("PATH");
	char dirs[4096], file[4200], *save = NULL;

	snprintf(dirs, sizeof(dirs), "%s", path ? path : "/usr/bin:/bin");
	for (char *d = strtok_r(dirs, ":", &save); d != NULL;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(file, sizeof(file), "%s/%s", d, prog);
		if (access(file, X_OK) == 0)
			return true;
	}
	return false;
}

static void
lab_on_signal(int sig)
{
	lab_signalled = sig;
}

/* Runs argv (NULL-terminated) and waits; returns its exit status, or -1.
 * Output goes to the terminal unless `quiet`. */
static int
lab_exec(struct lab *l, bool quiet, const char *const argv[])
{
	pid_t p;
	int st;

	if (l->verbose) {
		fprintf(stderr, "capsim: lab: +");
		for (int i = 0; argv[i] != NULL; i++)
			fprintf(stderr, " %s", argv[i]);
		fprintf(stderr, "\n");
	}
	if ((p = fork()) < 0)
		return -1;
	if (p == 0) {
		signal(SIGPIPE, SIG_DFL);
		if (quiet && !l->verbose) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
		}
		lab_execvp(argv);
	}
	while (waitpid(p, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Formats a command line into words (split on spaces) and runs it. */
static int lab_sh(struct lab *l, bool quiet, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
lab_sh(struct lab *l, bool quiet, const char *fmt, ...)
{
	char line[1024], *save = NULL, *w;
	const char *argv[64];
	int n = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (w = strtok_r(line, " ", &save); w != NULL && n < 63;
	     w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
	return lab_exec(l, quiet, argv);
}

/* Starts argv in the background, in namespace ns; output to `log` (or
 * the terminal when NULL).  The child dies with the lab (PDEATHSIG). */
static pid_t
lab_spawn(
    struct lab *l, const char *ns, const char *log, const char *const argv[])
{
	const char *full[LAB_MAX_ARGS + 8];
	int n = 0;
	pid_t p;

	full[n++] = "ip";
	full[n++] = "netns";
	full[n++] = "exec";
	full[n++] = ns;
	for (int i = 0; argv[i] != NULL && n < LAB_MAX_ARGS + 6; i++)
		full[n++] = argv[i];
	full[n] = NULL;
	if (l->verbose) {
		fprintf(stderr, "capsim: lab: +");
		for (int i = 0; full[i] != NULL; i++)
			fprintf(stderr, " %s", full[i]);
		fprintf(stderr, "%s%s &\n", log ? " >" : "", log ? log : "");
	}
	if ((p = fork()) < 0)
		return -1;
	if (p == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (log != NULL) {
			int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
				close(fd);
			}
		}
		lab_execvp(full);
	}
	return p;
}

/* SIGTERM, then SIGKILL after @p tries x 50 ms. */
static void
lab_stop_child_within(pid_t *p, const char *what, struct lab *l, int tries)
{
	int st;

	if (*p <= 0)
		return;
	kill(*p, SIGTERM);
	for (int i = 0; i < tries; i++) {
		if (waitpid(*p, &st, WNOHANG) == *p) {
			*p = 0;
			return;
		}
		usleep(50000);
	}
	if (l->verbose)
		fprintf(
		    stderr, "capsim: lab: %s did not stop, killing it\n", what);
	kill(*p, SIGKILL);
	waitpid(*p, &st, 0);
	*p = 0;
}

static void
lab_stop_child(pid_t *p, const char *what, struct lab *l)
{
	lab_stop_child_within(p, what, l, 40);
}

/* After the run: the controller stops (its capture completes on
 * SIGTERM), then both captures are read side by side. */
static void
lab_two_sided(
    struct lab *l, const char *self, const char *ap_pcap, const char *wlc_pcap)
{
	const char *argv[] = { self, "analyze", ap_pcap, "--peer", wlc_pcap,
		NULL };
	int r;

	/* generous: a loaded host writes the capture slowly */
	lab_stop_child_within(&l->wlc, "capsim wlc", l, 400);
	if (access(ap_pcap, R_OK) != 0 || access(wlc_pcap, R_OK) != 0) {
		fprintf(stderr,
		    "capsim: lab: no two-sided diagnosis: %s missing (%s)\n",
		    access(ap_pcap, R_OK) != 0 ? ap_pcap : wlc_pcap,
		    strerror(errno));
		return;
	}
	fprintf(stderr,
	    "capsim: lab: both sides: capsim analyze %s --peer %s\n", ap_pcap,
	    wlc_pcap);
	fflush(NULL); /* the child inherits unwritten buffers otherwise */
	r = lab_exec(l, false, argv);
	fprintf(stderr,
	    "capsim: lab: two-sided diagnosis exited %d (the run's status "
	    "is the lab's)\n",
	    r);
}

static int
lab_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
lab_cleanup(struct lab *l)
{
	lab_stop_child(&l->run, "capsim run", l);
	lab_stop_child(&l->wlc, "capsim wlc", l);
	lab_stop_child(&l->dnsmasq, "dnsmasq", l);
	/* deleting a namespace deletes the veth ends inside it (and their
	 * peers); no interface was ever in the caller's namespace */
	for (int i = 0; i < 4; i++)
		if (l->ns_made[i]) {
			lab_sh(l, true, "ip netns del %s", l->ns[i]);
			l->ns_made[i] = false;
		}
	if (l->dir[0] != '\0') {
		nftw(l->dir, lab_rm, 8, FTW_DEPTH | FTW_PHYS);
		l->dir[0] = '\0';
	}
}

static void
lab_print_file(const char *path, const char *title)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return;
	fprintf(stderr, "capsim: lab: --- %s ---\n", title);
	while (fgets(line, sizeof(line), f) != NULL)
		fputs(line, stderr);
	fclose(f);
}

/* Kills the processes still in namespace capsim-PID-ROLE (dnsmasq drops
 * capabilities, which clears its PDEATHSIG). */
static void
lab_kill_ns_pids(int pid, const char *role)
{
	char cmd[96], line[32];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ip netns pids capsim-%d-%s 2>/dev/null",
	    pid, role);
	if ((f = popen(cmd, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		int p = atoi(line);

		if (p > 1)
			kill(p, SIGKILL);
	}
	pclose(f);
}

/* Removes what an earlier lab left when it was killed with SIGKILL (its
 * children died with it through PDEATHSIG): namespaces capsim-PID-* and
 * /tmp/capsim-lab-PID of PIDs that no longer exist. */
static void
lab_reap_stale(struct lab *l)
{
	char line[256], path[64];
	FILE *f = popen("ip netns list 2>/dev/null", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char role[16];
		int pid;

		if (sscanf(line, "capsim-%d-%15[a-z]", &pid, role) != 2 ||
		    pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		fprintf(stderr,
		    "capsim: lab: removing namespace capsim-%d-%s left by a "
		    "killed lab\n",
		    pid, role);
		lab_kill_ns_pids(pid, role);
		lab_sh(l, true, "ip netns del capsim-%d-%s", pid, role);
		snprintf(path, sizeof(path), "/tmp/capsim-lab-%d", pid);
		nftw(path, lab_rm, 8, FTW_DEPTH | FTW_PHYS);
	}
	if (f != NULL)
		pclose(f);
}

/* Builds namespaces, links, addresses and routes. */
static int
lab_topology(struct lab *l)
{
	const char *ap = l->ns[NS_AP], *fw = l->ns[NS_FW];
	const char *wlc = l->ns[NS_WLC], *svc = l->ns[NS_SVC];
	unsigned p = (unsigned)l->pid;
	int r = 0;

	for (int i = 0; i < 4; i++) {
		if (lab_sh(l, false, "ip netns add %s", l->ns[i]) != 0)
			return -1;
		l->ns_made[i] = true;
		r |= lab_sh(l, false, "ip -n %s link set lo up", l->ns[i]);
	}
	/* veth pairs created directly inside the namespaces */
	r |= lab_sh(l, false,
	    "ip link add cs%ua netns %s type veth peer name cs%uf netns %s", p,
	    ap, p, fw);
	r |= lab_sh(l, false,
	    "ip link add cs%us netns %s type veth peer name cs%ud netns %s", p,
	    svc, p, ap);
	/* the WLC's link: to the firewall, or (segment) to the AP
	 * namespace, where it is the APs' L2 segment */
	r |= lab_sh(l, false,
	    "ip link add cs%uw netns %s type veth peer name cs%ug netns %s", p,
	    wlc, p, l->segment ? ap : fw);
	if (r != 0)
		return -1;
	r |= lab_sh(
	    l, false, "ip -n %s addr add %s/24 dev cs%ua", ap, LAB_AP_FW_AP, p);
	r |= lab_sh(l, false, "ip -n %s addr add %s/24 dev cs%ud", ap,
	    LAB_AP_SVC_AP, p);
	r |= lab_sh(
	    l, false, "ip -n %s addr add %s/24 dev cs%uf", fw, LAB_AP_FW_FW, p);
	if (!l->segment)
		r |= lab_sh(l, false, "ip -n %s addr add %s/24 dev cs%ug", fw,
		    LAB_FW_WLC_FW, p);
	r |= lab_sh(
	    l, false, "ip -n %s addr add %s/24 dev cs%us", svc, LAB_SVC, p);
	r |= lab_sh(
	    l, false, "ip -n %s addr add %s/24 dev cs%uw", wlc, l->wlc_ip, p);
	r |= lab_sh(l, false, "ip -n %s link set cs%ua up", ap, p);
	r |= lab_sh(l, false, "ip -n %s link set cs%ud up", ap, p);
	r |= lab_sh(l, false, "ip -n %s link set cs%uf up", fw, p);
	r |= lab_sh(
	    l, false, "ip -n %s link set cs%ug up", l->segment ? ap : fw, p);
	r |= lab_sh(l, false, "ip -n %s link set cs%us up", svc, p);
	r |= lab_sh(l, false, "ip -n %s link set cs%uw up", wlc, p);
	/* the APs' leased addresses are local in the AP namespace */
	if (!l->segment) {
		r |= lab_sh(l, false, "ip -n %s route add local %s dev lo", ap,
		    LAB_AP_NET);
	} else {
		/* local on the segment's interface: a datagram to
		 * 255.255.255.255 from an AP address leaves through the
		 * device that owns the address (the kernel's local-table
		 * lookup), and ARP for them is answered there.  .0-.223,
		 * the WLC's .254 stays remote (LAB_MAX_APS fits). */
		static const char *const loc[] = { "198.18.16.0/25",
			"198.18.16.128/26", "198.18.16.192/27" };

		for (size_t i = 0; i < sizeof(loc) / sizeof(loc[0]); i++)
			r |= lab_sh(l, false,
			    "ip -n %s route add local %s dev cs%ug", ap, loc[i],
			    p);
		r |= lab_sh(l, false, "ip -n %s route add %s dev cs%ug", ap,
		    LAB_AP_NET, p);
	}
	r |= lab_sh(l, false, "ip -n %s route add 198.19.0.0/16 via %s", ap,
	    LAB_AP_FW_FW);
	r |= lab_sh(l, false, "ip -n %s route add %s via %s", svc, LAB_AP_NET,
	    LAB_AP_SVC_AP);
	r |= lab_sh(l, false, "ip -n %s route add %s via %s", fw, LAB_AP_NET,
	    LAB_AP_FW_AP);
	if (!l->segment)
		r |= lab_sh(l, false, "ip -n %s route add 198.18.0.0/15 via %s",
		    wlc, LAB_FW_WLC_FW);
	r |= lab_sh(
	    l, true, "ip netns exec %s sysctl -qw net.ipv4.ip_forward=1", fw);
	return r != 0 ? -1 : 0;
}

static int
lab_dnsmasq(struct lab *l, const char *mac0, const struct cs_opt43 *o43)
{
	const char *argv[4];
	char hex[CS_OPT43_MAX_LEN * 3 + 1], log[96], conf[96], cf[112];
	uint8_t base[6];
	FILE *f;
	int st;

	if (cs_val_mac(mac0, base, NULL) < 0)
		return -1;
	/* dnsmasq reads "f1:04:..." as hex bytes */
	hex[0] = '\0';
	for (size_t i = 0, o = 0; i < o43->len; i++)
		o += (size_t)snprintf(hex + o, sizeof(hex) - o, "%s%02x",
		    i ? ":" : "", o43->data[i]);
	snprintf(log, sizeof(log), "%s/dnsmasq.log", l->dir);
	snprintf(conf, sizeof(conf), "%s/dnsmasq.conf", l->dir);
	if ((f = fopen(conf, "w")) == NULL)
		return -1;
	fprintf(f,
	    "no-resolv\nno-hosts\nuser=root\nbind-interfaces\n"
	    "listen-address=%s\npid-file=%s/dnsmasq.pid\n"
	    "dhcp-leasefile=%s/leases\nlog-facility=%s\nlog-dhcp\n"
	    "log-queries\ndomain=%s\n"
	    "dhcp-range=198.18.16.%u,198.18.16.250,255.255.255.0,2m\n"
	    "# option 43 only for Cisco APs (option 60), capwap-facts 4.3\n"
	    "dhcp-vendorclass=set:cisco,Cisco AP\n"
	    "dhcp-option=tag:cisco,43,%s\n"
	    "dhcp-option=6,%s\ndhcp-option=15,%s\n",
	    LAB_SVC, l->dir, l->dir, log, LAB_DOMAIN, LAB_AP_FIRST, hex,
	    LAB_SVC, LAB_DOMAIN);
	if (!l->no_dns_record)
		fprintf(f, "host-record=CISCO-CAPWAP-CONTROLLER.%s,%s\n",
		    LAB_DOMAIN, l->wlc_ip);
	/* capsim gives AP i the address base + i: reserve them for every
	 * AP the lab allows, so a scenario's count fits too */
	for (unsigned i = 0; i < LAB_MAX_APS; i++) {
		uint8_t mac[6];
		char ms[18];

		if (cs_ap_id_mac(base, i, mac) < 0)
			break;
		cs_val_mac_str(mac, ms);
		fprintf(f, "dhcp-host=%s,198.18.16.%u\n", ms, LAB_AP_FIRST + i);
	}
	if (fclose(f) != 0)
		return -1;
	snprintf(cf, sizeof(cf), "--conf-file=%s", conf);
	argv[0] = "dnsmasq";
	argv[1] = "--keep-in-foreground";
	argv[2] = cf;
	argv[3] = NULL;
	if ((l->dnsmasq = lab_spawn(l, l->ns[NS_SVC], log, argv)) < 0)
		return -1;
	usleep(300000);
	if (waitpid(l->dnsmasq, &st, WNOHANG) == l->dnsmasq) {
		l->dnsmasq = 0;
		fprintf(stderr, "capsim: lab: dnsmasq did not start\n");
		lab_print_file(log, "dnsmasq log");
		return -1;
	}
	return 0;
}

/* A --fw-sysctl argument: KEY=VALUE with KEY under net. (network
 * sysctls are per namespace; any other would change the host) made of
 * [a-z0-9_.-], VALUE one word of [A-Za-z0-9_.:-].  0 or -EINVAL. */
static int
lab_sysctl_check(const char *kv)
{
	const char *eq = strchr(kv, '=');

	if (eq == NULL || strncmp(kv, "net.", 4) != 0 || eq - kv < 5 ||
	    eq[1] == '\0')
		return -EINVAL;
	for (const char *p = kv; p < eq; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		        *p == '_' || *p == '.' || *p == '-'))
			return -EINVAL;
	for (const char *p = eq + 1; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		        (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
		        *p == ':' || *p == '-'))
			return -EINVAL;
	return 0;
}

int
sim_cmd_lab(int argc, char **argv)
{
	enum {
		O_RULESET = 256,
		O_APS,
		O_DURATION,
		O_DISCOVERY,
		O_OPT43,
		O_FAST,
		O_NO_DNS,
		O_FW_SYSCTL,
		O_ECHO,
		O_SEGMENT,
		O_CAPTURES,
	};
	static const struct option opts[] = {
		{ "ruleset", required_argument, NULL, O_RULESET },
		{ "aps", required_argument, NULL, O_APS },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "discovery", required_argument, NULL, O_DISCOVERY },
		{ "option43", required_argument, NULL, O_OPT43 },
		{ "fast", no_argument, NULL, O_FAST },
		{ "no-dns-record", no_argument, NULL, O_NO_DNS },
		{ "fw-sysctl", required_argument, NULL, O_FW_SYSCTL },
		{ "echo-interval", required_argument, NULL, O_ECHO },
		{ "wlc-on-ap-segment", no_argument, NULL, O_SEGMENT },
		{ "captures", required_argument, NULL, O_CAPTURES },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct lab lab;
	struct lab *l = &lab;
	struct cs_opt43 o43;
	struct cs_opt43_err oe = { 0 };
	struct sigaction sa;
	const char *ruleset = NULL, *discovery = "dhcp", *o43_text = NULL;
	const char *scenario = NULL, *duration = "20s", *captures = NULL;
	char wlc_pcap[256], ap_pcap[256], wlc_pcap_o[272], ap_pcap_o[272];
	const char *mac0 = "02:ca:75:00:00:01";
	char self[4096], pki[128], wlclog[128], aps_s[16], base_ip[32];
	char echo_w[40], echo_r[40], ka_r[40], dd_r[40];
	const char *rargv[LAB_MAX_ARGS], *wargv[32];
	char **extra = NULL;
	const char *sysctls[LAB_MAX_SYSCTLS];
	unsigned aps = 2, rn = 0, wn = 0, n_sysctls = 0, echo_s = 0;
	bool fast = false, aps_given = false, duration_given = false;
	uint64_t v;
	int c, st, exit_code = SIM_EXIT_RUNTIME;
	ssize_t sl;

	/* our own options stop at the first non-option or "--" */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			extra = &argv[i + 1];
			argc = i;
			break;
		}
	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case O_RULESET:
			ruleset = optarg;
			break;
		case O_APS:
			if (sim_parse_uint(optarg, 1, LAB_MAX_APS, &v) < 0)
				goto bad_arg;
			aps = (unsigned)v;
			aps_given = true;
			break;
		case O_DURATION:
			if (sim_parse_duration_ms(optarg, &v) < 0)
				goto bad_arg;
			duration = optarg;
			duration_given = true;
			break;
		case O_DISCOVERY:
			if (strcmp(optarg, "dhcp") != 0 &&
			    strcmp(optarg, "dns") != 0 &&
			    strcmp(optarg, "static") != 0 &&
			    strcmp(optarg, "broadcast") != 0)
				goto bad_arg;
			discovery = optarg;
			/* broadcasts stay on the segment (RFC 5415 §3.3):
			 * the WLC must be on it */
			if (strcmp(optarg, "broadcast") == 0)
				l->segment = true;
			break;
		case O_SEGMENT:
			l->segment = true;
			break;
		case O_CAPTURES:
			captures = optarg;
			break;
		case O_OPT43:
			o43_text = optarg;
			break;
		case O_FAST:
			fast = true;
			break;
		case O_NO_DNS:
			l->no_dns_record = true;
			break;
		case O_FW_SYSCTL:
			if (lab_sysctl_check(optarg) < 0) {
				fprintf(stderr,
				    "capsim: lab: --fw-sysctl '%s': expected "
				    "KEY=VALUE with KEY under net. (a "
				    "per-namespace sysctl)\n",
				    optarg);
				return SIM_EXIT_USAGE;
			}
			if (n_sysctls == LAB_MAX_SYSCTLS) {
				fprintf(stderr,
				    "capsim: lab: at most %d --fw-sysctl\n",
				    LAB_MAX_SYSCTLS);
				return SIM_EXIT_USAGE;
			}
			sysctls[n_sysctls++] = optarg;
			break;
		case O_ECHO:
			/* RFC 5415 §4.7.7: EchoInterval 1..65535 s (the WLC's
			 * Timers element carries one octet: at most 255) */
			if (sim_parse_duration_s(optarg, 1, 255, &v) < 0)
				goto bad_arg;
			echo_s = (unsigned)v;
			break;
		case 'v':
			l->verbose = true;
			break;
		case 'h':
			lab_usage(stdout);
			return SIM_EXIT_OK;
		default:
			lab_usage(stderr);
			return SIM_EXIT_USAGE;
		}
	}
	l->wlc_ip = l->segment ? LAB_WLC_SEG : LAB_WLC;
	if (optind < argc)
		scenario = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "capsim: lab: unexpected argument '%s'\n",
		    argv[optind]);
		return SIM_EXIT_USAGE;
	}
	if (ruleset != NULL && access(ruleset, R_OK) != 0) {
		fprintf(stderr, "capsim: lab: cannot read ruleset %s: %s\n",
		    ruleset, strerror(errno));
		return SIM_EXIT_USAGE;
	}
	if (captures != NULL && access(captures, W_OK) != 0) {
		fprintf(stderr, "capsim: lab: cannot write to %s: %s\n",
		    captures, strerror(errno));
		return SIM_EXIT_USAGE;
	}
	if (scenario != NULL && access(scenario, R_OK) != 0) {
		fprintf(stderr, "capsim: lab: cannot read scenario %s: %s\n",
		    scenario, strerror(errno));
		return SIM_EXIT_USAGE;
	}
	if (o43_text != NULL) {
		if (cs_opt43_parse_text(o43_text, &o43, &oe) < 0 &&
		    oe.in_text) {
			fprintf(stderr,
			    "capsim: lab: --option43: %s (at character "
			    "%zu)\n",
			    oe.what, oe.offset);
			return SIM_EXIT_USAGE;
		}
		if (oe.code != 0) {
			/* a deliberately broken option 43: serve its bytes
			 * (hex text only) */
			size_t n = 0;

			memset(&o43, 0, sizeof(o43));
			if (cs_val_hex(o43_text, strlen(o43_text),
			        CS_VAL_HEX_SEP, o43.data, sizeof(o43.data), &n,
			        NULL) < 0)
				n = 0;
			o43.len = n;
			if (n == 0) {
				fprintf(stderr, "capsim: lab: --option43: %s\n",
				    oe.what);
				return SIM_EXIT_USAGE;
			}
		}
	} else {
		/* TLV 0xF1 with the WLC address (capwap-facts §4.3):
		 * 198.19.1.10 or, on the AP segment, 198.18.16.254 */
		cs_opt43_parse_text(
		    l->segment ? "f104c61210fe" : "f104c613010a", &o43, &oe);
	}
	if (geteuid() != 0) {
		fprintf(stderr,
		    "capsim: lab: needs root (it creates network namespaces, "
		    "veth links and nftables rules); run it as root, e.g. "
		    "sudo capsim lab ...\n");
		return SIM_EXIT_USAGE;
	}
	{
		/* ip, nft and dnsmasq live in sbin, which sudo's PATH may lack
		 */
		const char *path = getenv("PATH");
		char np[4096];

		snprintf(np, sizeof(np), "%s:/usr/sbin:/sbin",
		    path ? path : "/usr/bin:/bin");
		setenv("PATH", np, 1);
	}
	{
		const char *need[3] = { "ip",
			strcmp(discovery, "static") != 0 ? "dnsmasq" : NULL,
			ruleset != NULL ? "nft" : NULL };

		for (int i = 0; i < 3; i++)
			if (need[i] != NULL && !lab_have(need[i])) {
				fprintf(stderr,
				    "capsim: lab: '%s' is not installed "
				    "(Debian: "
				    "apt-get install %s)\n",
				    need[i],
				    strcmp(need[i], "ip") == 0 ? "iproute2"
				        : strcmp(need[i], "nft") == 0
				        ? "nftables"
				        : "dnsmasq-base");
				return SIM_EXIT_USAGE;
			}
	}
	if ((sl = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0) {
		perror("capsim: lab: /proc/self/exe");
		return SIM_EXIT_RUNTIME;
	}
	self[sl] = '\0';

	/* a closed output pipe (| head) must not skip the cleanup */
	signal(SIGPIPE, SIG_IGN);
	l->pid = getpid();
	lab_reap_stale(l);
	for (int i = 0; i < 4; i++)
		snprintf(l->ns[i], sizeof(l->ns[i]), "capsim-%d-%s",
		    (int)l->pid, lab_ns_role[i]);
	snprintf(l->dir, sizeof(l->dir), "/tmp/capsim-lab-%d", (int)l->pid);
	if (mkdir(l->dir, 0700) < 0) {
		fprintf(stderr, "capsim: lab: mkdir %s: %s\n", l->dir,
		    strerror(errno));
		l->dir[0] = '\0';
		return SIM_EXIT_RUNTIME;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = lab_on_signal; /* no SA_RESTART: waitpid returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	fprintf(stderr,
	    "capsim: lab: namespaces capsim-%d-{ap,fw,wlc,svc}; APs "
	    "%s.%u.., WLC %s, DHCP/DNS %s, ruleset %s\n",
	    (int)l->pid, "198.18.16", LAB_AP_FIRST, l->wlc_ip, LAB_SVC,
	    ruleset ? ruleset : "(none: forward all)");
	if (l->segment && ruleset != NULL)
		fprintf(stderr,
		    "capsim: lab: note: the WLC is on the AP segment, the "
		    "ruleset is not in the path between APs and WLC\n");
	if (lab_topology(l) < 0) {
		fprintf(stderr, "capsim: lab: building the topology failed\n");
		goto out;
	}
	if (lab_signalled)
		goto out;
	if (ruleset != NULL &&
	    lab_sh(l, false, "ip netns exec %s nft -f %s", l->ns[NS_FW],
	        ruleset) != 0) {
		fprintf(stderr, "capsim: lab: nft rejected %s\n", ruleset);
		exit_code = SIM_EXIT_USAGE;
		goto out;
	}
	/* after the ruleset: conntrack sysctls exist once it is in use */
	for (unsigned i = 0; i < n_sysctls; i++)
		if (lab_sh(l, false, "ip netns exec %s sysctl -w %s",
		        l->ns[NS_FW], sysctls[i]) != 0) {
			fprintf(stderr,
			    "capsim: lab: the firewall namespace refused "
			    "sysctl %s\n",
			    sysctls[i]);
			exit_code = SIM_EXIT_USAGE;
			goto out;
		}
	if (strcmp(discovery, "static") != 0 && lab_dnsmasq(l, mac0, &o43) < 0)
		goto out;

	/* the two sides' captures */
	if (snprintf(ap_pcap, sizeof(ap_pcap), "%s/ap.pcapng",
	        captures != NULL ? captures : l->dir) >= (int)sizeof(ap_pcap) ||
	    snprintf(wlc_pcap, sizeof(wlc_pcap), "%s/wlc.pcapng",
	        captures != NULL ? captures : l->dir) >=
	        (int)sizeof(wlc_pcap)) {
		fprintf(stderr, "capsim: lab: --captures: path too long\n");
		exit_code = SIM_EXIT_USAGE;
		goto out;
	}
	snprintf(ap_pcap_o, sizeof(ap_pcap_o), "--pcap=%s", ap_pcap);
	snprintf(wlc_pcap_o, sizeof(wlc_pcap_o), "--pcap=%s", wlc_pcap);

	/* the WLC */
	snprintf(pki, sizeof(pki), "--pki=%s/pki", l->dir);
	snprintf(wlclog, sizeof(wlclog), "%s/wlc.log", l->dir);
	wargv[wn++] = self;
	wargv[wn++] = "wlc";
	if (l->segment) {
		/* a socket bound to 0.0.0.0 receives the APs' broadcasts;
		 * the Discovery Response names the segment address */
		wargv[wn++] = "--listen=0.0.0.0";
		wargv[wn++] = "--advertise=" LAB_WLC_SEG;
	} else {
		wargv[wn++] = "--listen=" LAB_WLC;
	}
	wargv[wn++] = "-v"; /* joins and NAT detection into wlc.log */
	wargv[wn++] = pki;
	wargv[wn++] = wlc_pcap_o;
	if (fast) {
		wargv[wn++] = "--echo-interval=1s";
		wargv[wn++] = "--discovery-interval=2s";
	}
	if (echo_s != 0) {
		snprintf(echo_w, sizeof(echo_w), "--echo-interval=%us", echo_s);
		wargv[wn++] = echo_w;
	}
	wargv[wn] = NULL;
	if ((l->wlc = lab_spawn(l, l->ns[NS_WLC], wlclog, wargv)) < 0)
		goto out;

	/* the APs */
	snprintf(aps_s, sizeof(aps_s), "--aps=%u", aps);
	rargv[rn++] = self;
	rargv[rn++] = "run";
	rargv[rn++] = pki;
	/* a scenario sets count and duration unless given here */
	if (scenario == NULL || aps_given)
		rargv[rn++] = aps_s;
	if (scenario == NULL || duration_given) {
		rargv[rn++] = "--duration";
		rargv[rn++] = duration;
	}
	rargv[rn++] = "--ap-base-mac";
	rargv[rn++] = mac0;
	rargv[rn++] = ap_pcap_o; /* before RUN-OPTIONS: theirs win */
	if (strcmp(discovery, "static") == 0) {
		snprintf(base_ip, sizeof(base_ip), "--ap-base-ip=198.18.16.%u",
		    LAB_AP_FIRST);
		rargv[rn++] = base_ip;
		rargv[rn++] =
		    l->segment ? "--wlc=" LAB_WLC_SEG : "--wlc=" LAB_WLC;
	} else {
		rargv[rn++] = "--discovery";
		rargv[rn++] = discovery;
		rargv[rn++] = "--dhcp-server=" LAB_SVC;
		rargv[rn++] = "--dhcp-relay=" LAB_RELAY;
	}
	if (fast) {
		static const char *const ft[] = { "--discovery-interval=1s",
			"--max-discovery-interval=1s", "--echo-interval=1s",
			"--keepalive-interval=1s",
			"--retransmit-interval=500ms", "--max-retransmit=3",
			"--wait-dtls=5s", "--silent-interval=2s",
			"--data-dead-interval=3s", "--dhcp-time-factor=0.05",
			"--discovery-timeout=20s" };

		for (size_t i = 0; i < sizeof(ft) / sizeof(ft[0]); i++)
			rargv[rn++] = ft[i];
	}
	if (echo_s != 0) {
		snprintf(echo_r, sizeof(echo_r), "--echo-interval=%us", echo_s);
		snprintf(
		    ka_r, sizeof(ka_r), "--keepalive-interval=%us", echo_s);
		/* DataChannelDeadInterval must exceed the keep-alive
		 * interval (RFC 5415 §4.7.4): three of them */
		snprintf(
		    dd_r, sizeof(dd_r), "--data-dead-interval=%us", 3 * echo_s);
		rargv[rn++] = echo_r;
		rargv[rn++] = ka_r;
		rargv[rn++] = dd_r;
	}
	for (int i = 0;
	     extra != NULL && extra[i] != NULL && rn < LAB_MAX_ARGS - 2; i++)
		rargv[rn++] = extra[i];
	if (scenario != NULL)
		rargv[rn++] = scenario; /* capsim run [OPTIONS] FILE */
	rargv[rn] = NULL;
	usleep(300000); /* the WLC creates the lab PKI first */
	if ((l->run = lab_spawn(l, l->ns[NS_AP], NULL, rargv)) < 0)
		goto out;
	while (waitpid(l->run, &st, 0) < 0) {
		if (errno != EINTR || lab_signalled)
			break;
	}
	if (lab_signalled) {
		fprintf(stderr,
		    "capsim: lab: interrupted (signal %d), "
		    "cleaning up\n",
		    (int)lab_signalled);
		goto out;
	}
	l->run = 0;
	if (WIFEXITED(st))
		exit_code = WEXITSTATUS(st);
	if (l->verbose) {
		char p[128];

		lab_sh(l, false, "ip netns exec %s nft list ruleset",
		    l->ns[NS_FW]);
		snprintf(p, sizeof(p), "%s/dnsmasq.log", l->dir);
		lab_print_file(p, "dnsmasq log");
		lab_print_file(wlclog, "capsim wlc log");
	}
	fprintf(stderr, "capsim: lab: capsim run exited with %d (%s)\n",
	    exit_code,
	    exit_code == 0       ? "pass"
	        : exit_code == 3 ? "expectations not met"
	        : exit_code == 2 ? "usage error"
	                         : "runtime error");
	if (!lab_signalled)
		lab_two_sided(l, self, ap_pcap, wlc_pcap);
out:
	lab_cleanup(l);
	return exit_code;
bad_arg:
	fprintf(stderr, "capsim: lab: invalid value '%s' for --%s\n", optarg,
	    opts[c - O_RULESET].name);
	return SIM_EXIT_USAGE;
}
