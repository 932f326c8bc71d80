/* SPDX-License-Identifier: MIT */
/*
 * `capsim lab`'s network and processes: the namespaces, veth links,
 * addresses and routes of the topology (198.18.0.0/15 only), dnsmasq,
 * the children it runs in them, and the cleanup that removes all of it
 * (also what a lab killed with SIGKILL left).
 */
#define _GNU_SOURCE
#include "lab.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capsim/option43.h"
#include "capsim/values.h"

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

int
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

int
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

pid_t
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

void
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

void
lab_stop_child(pid_t *p, const char *what, struct lab *l)
{
	lab_stop_child_within(p, what, l, 40);
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

void
lab_cleanup(struct lab *l)
{
	lab_stop_child(&l->run, "capsim run", l);
	lab_stop_child(&l->wlc, "capsim wlc", l);
	lab_stop_child(&l->dnsmasq, "dnsmasq", l);
	lab_stop_child(&l->cl.dnsmasq, "client dnsmasq", l);
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

void
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
void
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

int
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

int
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
