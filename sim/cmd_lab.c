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
 * With --clients-per-ap (or a scenario's clients:) the WLC serves a WLAN
 * whose client subnet 198.19.64.0/18 and gateway sit behind the
 * firewall, with a second dnsmasq in the WLC's namespace as the client
 * DHCP server (lab_clients.c).
 * Runs `capsim run` in the AP namespace, propagates its exit status (0
 * pass, 3 expectations failed) and removes every namespace, interface,
 * process and file at exit, also after a failure or SIGINT/SIGTERM.
 */
#define _GNU_SOURCE
#include "lab.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capsim/option43.h"
#include "capsim/values.h"
#include "sim.h"
#include "simutil.h"

#define LAB_GO (-1) /* a step's "go on" (any other value: exit status) */

static volatile sig_atomic_t lab_signalled;

static const char *const lab_ns_role[4] = { "ap", "fw", "wlc", "svc" };

/* What the command line asked for, and the paths the run uses. */
struct lab_opts {
	const char *ruleset, *discovery, *o43_text, *scenario, *duration;
	const char *captures, *mac0;
	const char *sysctls[LAB_MAX_SYSCTLS];
	unsigned n_sysctls, aps, echo_s;
	bool fast, aps_given, duration_given;
	char **extra; /* RUN-OPTIONS after "--" */
	struct cs_opt43 o43;
	char self[4096];
	char ap_pcap[256], wlc_pcap[256], pki[128], wlclog[128];
};

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
	    "Wireless clients (split MAC: 802.11, DHCP, ARP and echo in "
	    "the CAPWAP\n"
	    "data channel, UDP 5247, through the firewall):\n"
	    "  --clients-per-ap N   stations behind every AP (default: the "
	    "scenario's\n"
	    "                       clients:, else 0; at most %d); the WLC "
	    "serves the\n"
	    "                       WLAN with client subnet " LAB_CL_NET
	    ", gateway\n"
	    "                       " LAB_CL_GW " (the WLC), and relays "
	    "client DHCP to a\n"
	    "                       dnsmasq at " LAB_CL_DHCP " in its "
	    "namespace\n"
	    "  --wlan SSID          the WLAN (default: the scenario's, else "
	    "capsim)\n"
	    "  --psk PASSPHRASE     WPA2-PSK on both sides (default: the "
	    "scenario's,\n"
	    "                       else open system); `-- --psk OTHER` "
	    "gives the\n"
	    "                       stations another one\n"
	    "\n"
	    "Topology: APs 198.18.16.10.. (relay 198.18.16.1), dnsmasq "
	    "198.18.2.2,\n"
	    "WLC 198.19.1.10, domain " LAB_DOMAIN ".  The ruleset sees "
	    "AP->WLC traffic\n"
	    "in the forward hook (CAPWAP control UDP 5246, data 5247).\n"
	    "Example:  capsim lab --ruleset examples/nft/pass.nft\n"
	    "          capsim lab --ruleset examples/nft/pass.nft "
	    "--clients-per-ap 4 \\\n"
	    "              --wlan corp --psk 'correct horse battery'\n",
	    LAB_MAX_APS, LAB_MAX_CLIENTS_PER_AP);
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
	O_CLIENTS, /* --clients-per-ap, --wlan, --psk */
	O_WLAN,
	O_PSK,
};

static const struct option lab_longopts[] = {
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
	{ "clients-per-ap", required_argument, NULL, O_CLIENTS },
	{ "wlan", required_argument, NULL, O_WLAN },
	{ "psk", required_argument, NULL, O_PSK },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* One option: LAB_GO, or -EINVAL for a bad value, or an exit status. */
static int
lab_option(struct lab *l, struct lab_opts *o, int c)
{
	uint64_t v;

	switch (c) {
	case O_RULESET:
		o->ruleset = optarg;
		break;
	case O_APS:
		if (sim_parse_uint(optarg, 1, LAB_MAX_APS, &v) < 0)
			return -EINVAL;
		o->aps = (unsigned)v;
		o->aps_given = true;
		break;
	case O_DURATION:
		if (sim_parse_duration_ms(optarg, &v) < 0)
			return -EINVAL;
		o->duration = optarg;
		o->duration_given = true;
		break;
	case O_DISCOVERY:
		if (strcmp(optarg, "dhcp") != 0 && strcmp(optarg, "dns") != 0 &&
		    strcmp(optarg, "static") != 0 &&
		    strcmp(optarg, "broadcast") != 0)
			return -EINVAL;
		o->discovery = optarg;
		/* broadcasts stay on the segment (RFC 5415 §3.3): the WLC
		 * must be on it */
		if (strcmp(optarg, "broadcast") == 0)
			l->segment = true;
		break;
	case O_SEGMENT:
		l->segment = true;
		break;
	case O_CAPTURES:
		o->captures = optarg;
		break;
	case O_OPT43:
		o->o43_text = optarg;
		break;
	case O_FAST:
		o->fast = true;
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
		if (o->n_sysctls == LAB_MAX_SYSCTLS) {
			fprintf(stderr, "capsim: lab: at most %d --fw-sysctl\n",
			    LAB_MAX_SYSCTLS);
			return SIM_EXIT_USAGE;
		}
		o->sysctls[o->n_sysctls++] = optarg;
		break;
	case O_ECHO:
		/* RFC 5415 §4.7.7: EchoInterval 1..65535 s (the WLC's Timers
		 * element carries one octet: at most 255) */
		if (sim_parse_duration_s(optarg, 1, 255, &v) < 0)
			return -EINVAL;
		o->echo_s = (unsigned)v;
		break;
	case O_CLIENTS:
	case O_WLAN:
	case O_PSK:
		/* lab_cl_option says why */
		if (lab_cl_option(l, c - O_CLIENTS, optarg) < 0)
			return SIM_EXIT_USAGE;
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
	return LAB_GO;
}

/* The command line, and the files it names readable: LAB_GO or an exit
 * status. */
static int
lab_options(struct lab *l, struct lab_opts *o, int argc, char **argv)
{
	int c, r;

	/* our own options stop at the first non-option or "--" */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			o->extra = &argv[i + 1];
			argc = i;
			break;
		}
	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", lab_longopts, NULL)) != -1) {
		if ((r = lab_option(l, o, c)) == -EINVAL) {
			fprintf(stderr,
			    "capsim: lab: invalid value '%s' for --%s\n",
			    optarg, lab_longopts[c - O_RULESET].name);
			return SIM_EXIT_USAGE;
		}
		if (r != LAB_GO)
			return r;
	}
	l->wlc_ip = l->segment ? LAB_WLC_SEG : LAB_WLC;
	if (optind < argc)
		o->scenario = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "capsim: lab: unexpected argument '%s'\n",
		    argv[optind]);
		return SIM_EXIT_USAGE;
	}
	if (o->ruleset != NULL && access(o->ruleset, R_OK) != 0) {
		fprintf(stderr, "capsim: lab: cannot read ruleset %s: %s\n",
		    o->ruleset, strerror(errno));
		return SIM_EXIT_USAGE;
	}
	if (o->captures != NULL && access(o->captures, W_OK) != 0) {
		fprintf(stderr, "capsim: lab: cannot write to %s: %s\n",
		    o->captures, strerror(errno));
		return SIM_EXIT_USAGE;
	}
	if (o->scenario != NULL && access(o->scenario, R_OK) != 0) {
		fprintf(stderr, "capsim: lab: cannot read scenario %s: %s\n",
		    o->scenario, strerror(errno));
		return SIM_EXIT_USAGE;
	}
	if (lab_cl_settle(l, o->scenario) < 0)
		return SIM_EXIT_USAGE;
	return LAB_GO;
}

/* The option 43 dnsmasq serves: --option43 (even a deliberately broken
 * one, as hex), else TLV 0xF1 with the WLC's address.  LAB_GO or an exit
 * status. */
static int
lab_option43(const struct lab *l, struct lab_opts *o)
{
	struct cs_opt43_err oe = { 0 };
	size_t n = 0;

	if (o->o43_text == NULL) {
		/* TLV 0xF1 with the WLC address (capwap-facts §4.3):
		 * 198.19.1.10 or, on the AP segment, 198.18.16.254 */
		cs_opt43_parse_text(
		    l->segment ? "f104c61210fe" : "f104c613010a", &o->o43, &oe);
		return LAB_GO;
	}
	if (cs_opt43_parse_text(o->o43_text, &o->o43, &oe) < 0 && oe.in_text) {
		fprintf(stderr,
		    "capsim: lab: --option43: %s (at character %zu)\n", oe.what,
		    oe.offset);
		return SIM_EXIT_USAGE;
	}
	if (oe.code == 0)
		return LAB_GO;
	/* a deliberately broken option 43: serve its bytes (hex text only) */
	memset(&o->o43, 0, sizeof(o->o43));
	if (cs_val_hex(o->o43_text, strlen(o->o43_text), CS_VAL_HEX_SEP,
	        o->o43.data, sizeof(o->o43.data), &n, NULL) < 0)
		n = 0;
	o->o43.len = n;
	if (n == 0) {
		fprintf(stderr, "capsim: lab: --option43: %s\n", oe.what);
		return SIM_EXIT_USAGE;
	}
	return LAB_GO;
}

/* Root, the tools on $PATH (sbin added) and our own executable: LAB_GO or
 * an exit status. */
static int
lab_host(const struct lab *l, struct lab_opts *o)
{
	const char *path = getenv("PATH");
	const char *need[3] = { "ip",
		strcmp(o->discovery, "static") != 0 || l->cl.per_ap > 0
		    ? "dnsmasq"
		    : NULL,
		o->ruleset != NULL ? "nft" : NULL };
	char np[4096];
	ssize_t sl;

	if (geteuid() != 0) {
		fprintf(stderr,
		    "capsim: lab: needs root (it creates network namespaces, "
		    "veth links and nftables rules); run it as root, e.g. "
		    "sudo capsim lab ...\n");
		return SIM_EXIT_USAGE;
	}
	/* ip, nft and dnsmasq live in sbin, which sudo's PATH may lack */
	snprintf(np, sizeof(np), "%s:/usr/sbin:/sbin",
	    path ? path : "/usr/bin:/bin");
	setenv("PATH", np, 1);
	for (int i = 0; i < 3; i++)
		if (need[i] != NULL && !lab_have(need[i])) {
			fprintf(stderr,
			    "capsim: lab: '%s' is not installed (Debian: "
			    "apt-get install %s)\n",
			    need[i],
			    strcmp(need[i], "ip") == 0        ? "iproute2"
			        : strcmp(need[i], "nft") == 0 ? "nftables"
			                                      : "dnsmasq-base");
			return SIM_EXIT_USAGE;
		}
	if ((sl = readlink("/proc/self/exe", o->self, sizeof(o->self) - 1)) <
	    0) {
		perror("capsim: lab: /proc/self/exe");
		return SIM_EXIT_RUNTIME;
	}
	o->self[sl] = '\0';
	return LAB_GO;
}

/* The lab's names and directory, and the signals that end it in order:
 * LAB_GO or an exit status. */
static int
lab_prepare(struct lab *l)
{
	struct sigaction sa;

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
	return LAB_GO;
}

/* The user's ruleset and sysctls in the firewall namespace: LAB_GO or an
 * exit status. */
static int
lab_firewall(struct lab *l, const struct lab_opts *o)
{
	if (o->ruleset != NULL &&
	    lab_sh(l, false, "ip netns exec %s nft -f %s", l->ns[NS_FW],
	        o->ruleset) != 0) {
		fprintf(stderr, "capsim: lab: nft rejected %s\n", o->ruleset);
		return SIM_EXIT_USAGE;
	}
	/* after the ruleset: conntrack sysctls exist once it is in use */
	for (unsigned i = 0; i < o->n_sysctls; i++)
		if (lab_sh(l, false, "ip netns exec %s sysctl -w %s",
		        l->ns[NS_FW], o->sysctls[i]) != 0) {
			fprintf(stderr,
			    "capsim: lab: the firewall namespace refused "
			    "sysctl %s\n",
			    o->sysctls[i]);
			return SIM_EXIT_USAGE;
		}
	return LAB_GO;
}

/* The controller in its namespace, capturing its side: 0 or -1. */
static int
lab_start_wlc(struct lab *l, const struct lab_opts *o)
{
	const char *wargv[32];
	char pcap_o[272], echo_w[40];
	unsigned wn = 0;

	snprintf(pcap_o, sizeof(pcap_o), "--pcap=%s", o->wlc_pcap);
	wargv[wn++] = o->self;
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
	wargv[wn++] = o->pki;
	wargv[wn++] = pcap_o;
	if (o->fast) {
		wargv[wn++] = "--echo-interval=1s";
		wargv[wn++] = "--discovery-interval=2s";
	}
	if (o->echo_s != 0) {
		snprintf(
		    echo_w, sizeof(echo_w), "--echo-interval=%us", o->echo_s);
		wargv[wn++] = echo_w;
	}
	lab_cl_args(l, /* is_wlc= */ true, wargv, &wn);
	wargv[wn] = NULL;
	l->wlc = lab_spawn(l, l->ns[NS_WLC], o->wlclog, wargv);
	return l->wlc < 0 ? -1 : 0;
}

/* `capsim run` in the AP namespace, capturing the APs' side: 0 or -1. */
static int
lab_start_run(struct lab *l, const struct lab_opts *o)
{
	static const char *const fast[] = { "--discovery-interval=1s",
		"--max-discovery-interval=1s", "--echo-interval=1s",
		"--keepalive-interval=1s", "--retransmit-interval=500ms",
		"--max-retransmit=3", "--wait-dtls=5s", "--silent-interval=2s",
		"--data-dead-interval=3s", "--dhcp-time-factor=0.05",
		"--discovery-timeout=20s" };
	const char *rargv[LAB_MAX_ARGS];
	char aps_s[16], base_ip[32], pcap_o[272];
	char echo_r[40], ka_r[40], dd_r[40];
	unsigned rn = 0;

	snprintf(aps_s, sizeof(aps_s), "--aps=%u", o->aps);
	snprintf(pcap_o, sizeof(pcap_o), "--pcap=%s", o->ap_pcap);
	rargv[rn++] = o->self;
	rargv[rn++] = "run";
	rargv[rn++] = o->pki;
	/* a scenario sets count and duration unless given here */
	if (o->scenario == NULL || o->aps_given)
		rargv[rn++] = aps_s;
	if (o->scenario == NULL || o->duration_given) {
		rargv[rn++] = "--duration";
		rargv[rn++] = o->duration;
	}
	rargv[rn++] = "--ap-base-mac";
	rargv[rn++] = o->mac0;
	rargv[rn++] = pcap_o; /* before RUN-OPTIONS: theirs win */
	lab_cl_args(l, /* is_wlc= */ false, rargv, &rn);
	if (strcmp(o->discovery, "static") == 0) {
		snprintf(base_ip, sizeof(base_ip), "--ap-base-ip=198.18.16.%u",
		    LAB_AP_FIRST);
		rargv[rn++] = base_ip;
		rargv[rn++] =
		    l->segment ? "--wlc=" LAB_WLC_SEG : "--wlc=" LAB_WLC;
	} else {
		rargv[rn++] = "--discovery";
		rargv[rn++] = o->discovery;
		rargv[rn++] = "--dhcp-server=" LAB_SVC;
		rargv[rn++] = "--dhcp-relay=" LAB_RELAY;
	}
	for (size_t i = 0; o->fast && i < sizeof(fast) / sizeof(fast[0]); i++)
		rargv[rn++] = fast[i];
	if (o->echo_s != 0) {
		snprintf(
		    echo_r, sizeof(echo_r), "--echo-interval=%us", o->echo_s);
		snprintf(
		    ka_r, sizeof(ka_r), "--keepalive-interval=%us", o->echo_s);
		/* DataChannelDeadInterval must exceed the keep-alive
		 * interval (RFC 5415 §4.7.4): three of them */
		snprintf(dd_r, sizeof(dd_r), "--data-dead-interval=%us",
		    3 * o->echo_s);
		rargv[rn++] = echo_r;
		rargv[rn++] = ka_r;
		rargv[rn++] = dd_r;
	}
	for (int i = 0;
	     o->extra != NULL && o->extra[i] != NULL && rn < LAB_MAX_ARGS - 2;
	     i++)
		rargv[rn++] = o->extra[i];
	if (o->scenario != NULL)
		rargv[rn++] = o->scenario; /* capsim run [OPTIONS] FILE */
	rargv[rn] = NULL;
	l->run = lab_spawn(l, l->ns[NS_AP], NULL, rargv);
	return l->run < 0 ? -1 : 0;
}

/* Waits for `capsim run`: its exit status, or LAB_GO when a signal
 * interrupted the lab. */
static int
lab_wait_run(struct lab *l, const struct lab_opts *o)
{
	int st, exit_code = SIM_EXIT_RUNTIME;

	while (waitpid(l->run, &st, 0) < 0) {
		if (errno != EINTR || lab_signalled)
			break;
	}
	if (lab_signalled) {
		fprintf(stderr,
		    "capsim: lab: interrupted (signal %d), cleaning up\n",
		    (int)lab_signalled);
		return LAB_GO;
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
		snprintf(p, sizeof(p), "%s/clients-dnsmasq.log", l->dir);
		lab_print_file(p, "client DHCP server log");
		lab_print_file(o->wlclog, "capsim wlc log");
	}
	fprintf(stderr, "capsim: lab: capsim run exited with %d (%s)\n",
	    exit_code,
	    exit_code == 0       ? "pass"
	        : exit_code == 3 ? "expectations not met"
	        : exit_code == 2 ? "usage error"
	                         : "runtime error");
	return exit_code;
}

/* The topology, the firewall, DHCP/DNS, the controller and the APs; the
 * run's exit status (SIM_EXIT_RUNTIME when it did not get that far). */
static int
lab_run(struct lab *l, struct lab_opts *o)
{
	const char *cap = o->captures != NULL ? o->captures : l->dir;
	int r;

	fprintf(stderr,
	    "capsim: lab: namespaces capsim-%d-{ap,fw,wlc,svc}; APs "
	    "%s.%u.., WLC %s, DHCP/DNS %s, ruleset %s\n",
	    (int)l->pid, "198.18.16", LAB_AP_FIRST, l->wlc_ip, LAB_SVC,
	    o->ruleset ? o->ruleset : "(none: forward all)");
	if (l->cl.per_ap > 0)
		fprintf(stderr,
		    "capsim: lab: clients: %u per AP on WLAN '%s' (%s), "
		    "subnet %s %s, gateway %s (the WLC), DHCP server %s "
		    "relayed by the WLC\n",
		    l->cl.per_ap, l->cl.ssid,
		    l->cl.psk != NULL ? "WPA2-PSK" : "open", LAB_CL_NET,
		    l->segment ? "at the WLC on the AP segment (not behind "
		                 "the firewall)"
		               : "behind the firewall",
		    LAB_CL_GW, LAB_CL_DHCP);
	if (l->segment && o->ruleset != NULL)
		fprintf(stderr,
		    "capsim: lab: note: the WLC is on the AP segment, the "
		    "ruleset is not in the path between APs and WLC\n");
	if (lab_topology(l) < 0) {
		fprintf(stderr, "capsim: lab: building the topology failed\n");
		return SIM_EXIT_RUNTIME;
	}
	if (lab_signalled)
		return SIM_EXIT_RUNTIME;
	if ((r = lab_firewall(l, o)) != LAB_GO)
		return r;
	if (strcmp(o->discovery, "static") != 0 &&
	    lab_dnsmasq(l, o->mac0, &o->o43) < 0)
		return SIM_EXIT_RUNTIME;
	if (lab_cl_start(l) < 0) {
		fprintf(stderr,
		    "capsim: lab: the client subnet and its DHCP server "
		    "failed\n");
		return SIM_EXIT_RUNTIME;
	}
	/* the two sides' captures */
	if (snprintf(o->ap_pcap, sizeof(o->ap_pcap), "%s/ap.pcapng", cap) >=
	        (int)sizeof(o->ap_pcap) ||
	    snprintf(o->wlc_pcap, sizeof(o->wlc_pcap), "%s/wlc.pcapng", cap) >=
	        (int)sizeof(o->wlc_pcap)) {
		fprintf(stderr, "capsim: lab: --captures: path too long\n");
		return SIM_EXIT_USAGE;
	}
	snprintf(o->pki, sizeof(o->pki), "--pki=%s/pki", l->dir);
	snprintf(o->wlclog, sizeof(o->wlclog), "%s/wlc.log", l->dir);
	if (lab_start_wlc(l, o) < 0)
		return SIM_EXIT_RUNTIME;
	usleep(300000); /* the WLC creates the lab PKI first */
	if (lab_start_run(l, o) < 0)
		return SIM_EXIT_RUNTIME;
	if ((r = lab_wait_run(l, o)) == LAB_GO)
		return SIM_EXIT_RUNTIME; /* interrupted */
	if (!lab_signalled) {
		lab_two_sided(l, o->self, o->ap_pcap, o->wlc_pcap);
		lab_cl_report(l, o->wlclog);
	}
	return r;
}

int
sim_cmd_lab(int argc, char **argv)
{
	static struct lab lab;
	static struct lab_opts opts;
	struct lab *l = &lab;
	struct lab_opts *o = &opts;
	int r;

	o->discovery = "dhcp";
	o->duration = "20s";
	o->mac0 = "02:ca:75:00:00:01";
	o->aps = 2;
	if ((r = lab_options(l, o, argc, argv)) != LAB_GO ||
	    (r = lab_option43(l, o)) != LAB_GO ||
	    (r = lab_host(l, o)) != LAB_GO || (r = lab_prepare(l)) != LAB_GO)
		return r;
	r = lab_run(l, o);
	lab_cleanup(l);
	return r;
}
