/* SPDX-License-Identifier: MIT */
/*
 * `capsim lab`'s wireless clients (issue 14): the WLAN's client subnet
 * and gateway behind the firewall, on the controller's side, with a real
 * DHCP server (dnsmasq) there that the WLC relays client DHCP to, so the
 * stations' 802.11 frames, DHCP, ARP and echo cross the firewall inside
 * the CAPWAP data channel (UDP 5247) as they do at a site.
 */
#define _GNU_SOURCE
#include "lab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capsim/scenario.h"
#include "capsim/udp.h"
#include "capsim/wpa_crypto.h"
#include "simutil.h"

int
lab_cl_option(struct lab *l, int which, const char *arg)
{
	struct lab_cl *c = &l->cl;
	uint64_t v;
	size_t n;

	switch (which) {
	case 0:
		if (sim_parse_uint(arg, 0, LAB_MAX_CLIENTS_PER_AP, &v) < 0) {
			fprintf(stderr,
			    "capsim: lab: --clients-per-ap '%s': expected 0 "
			    "to %d (the client subnet " LAB_CL_NET
			    " holds %d APs x %d)\n",
			    arg, LAB_MAX_CLIENTS_PER_AP, LAB_MAX_APS,
			    LAB_MAX_CLIENTS_PER_AP);
			return -EINVAL;
		}
		c->per_ap = (unsigned)v;
		c->per_ap_given = true;
		return 0;
	case 1:
		n = strlen(arg);
		if (n == 0 || n > 32) {
			fprintf(stderr,
			    "capsim: lab: --wlan: an SSID has 1..32 octets\n");
			return -EINVAL;
		}
		memcpy(c->ssid, arg, n + 1);
		c->ssid_given = true;
		return 0;
	case 2:
		c->psk = arg;
		c->psk_given = true;
		return 0;
	default:
		return -EINVAL;
	}
}

int
lab_cl_settle(struct lab *l, const char *scenario)
{
	struct lab_cl *c = &l->cl;
	struct cs_scenario *sc = NULL;
	struct cs_err err = { 0 };
	uint8_t pmk[CS_WPA_PMK_LEN];
	const char *why = NULL;

	/* the scenario's clients: unless the command line says otherwise
	 * (capsim run reads the same section for the stations) */
	if (scenario != NULL &&
	    (!c->per_ap_given || !c->ssid_given || !c->psk_given)) {
		if (cs_scenario_load(&sc, scenario, &err) < 0) {
			fprintf(stderr, "capsim: lab: %s\n",
			    err.what != NULL ? err.what : scenario);
			return -EINVAL;
		}
		if (sc->clients.given) {
			const struct cs_scn_clients *s = &sc->clients;

			if (!c->per_ap_given)
				c->per_ap = s->count;
			if (!c->ssid_given && s->ssid != NULL)
				snprintf(
				    c->ssid, sizeof(c->ssid), "%s", s->ssid);
			/* the PSK outlives the scenario: kept in opt[] */
			if (!c->psk_given &&
			    s->security == CS_SCN_SEC_WPA2_PSK &&
			    s->psk != NULL) {
				snprintf(
				    c->opt[3], sizeof(c->opt[3]), "%s", s->psk);
				c->psk = c->opt[3];
			}
		}
		cs_scenario_free(sc);
		if (c->per_ap > LAB_MAX_CLIENTS_PER_AP) {
			fprintf(stderr,
			    "capsim: lab: %s: clients.count %u: the lab runs "
			    "at most %d per AP\n",
			    scenario, c->per_ap, LAB_MAX_CLIENTS_PER_AP);
			return -EINVAL;
		}
	}
	if (c->per_ap == 0) {
		if (c->ssid_given || c->psk_given) {
			fprintf(stderr,
			    "capsim: lab: --wlan/--psk need clients "
			    "(--clients-per-ap N or the scenario's "
			    "clients:)\n");
			return -EINVAL;
		}
		return 0;
	}
	if (c->ssid[0] == '\0')
		snprintf(c->ssid, sizeof(c->ssid), "capsim"); /* as run's */
	/* a bad PSK stops the lab here, not the controller in its
	 * namespace later */
	if (c->psk != NULL &&
	    cs_wpa_pmk_from_psk(c->psk, (const uint8_t *)c->ssid,
	        strlen(c->ssid), pmk, &why) < 0) {
		fprintf(stderr, "capsim: lab: --psk: %s\n",
		    why != NULL ? why : "not a valid pre-shared key");
		return -EINVAL;
	}
	cs_wpa_cleanse(pmk, sizeof(pmk));
	return 0;
}

/* Polls the DHCP server's log until it serves the range (up to 20 s:
 * generous on a loaded host): 0, or -1 when it died or never did. */
static int
lab_cl_wait_dnsmasq(struct lab *l, const char *log)
{
	char line[512];
	int st;

	for (int i = 0; i < 400; i++) {
		FILE *f = fopen(log, "r");
		bool up = false;

		while (f != NULL && !up && fgets(line, sizeof(line), f) != NULL)
			up = strstr(line, "DHCP, IP range") != NULL;
		if (f != NULL)
			fclose(f);
		if (up)
			return 0;
		if (waitpid(l->cl.dnsmasq, &st, WNOHANG) == l->cl.dnsmasq) {
			l->cl.dnsmasq = 0;
			break;
		}
		usleep(50000);
	}
	fprintf(stderr,
	    "capsim: lab: the client DHCP server (dnsmasq) did "
	    "not start\n");
	lab_print_file(log, "client DHCP server log");
	return -1;
}

int
lab_cl_start(struct lab *l)
{
	const char *wlc = l->ns[NS_WLC];
	const char *argv[4];
	char conf[96], log[96], cf[112];
	FILE *f;

	if (l->cl.per_ap == 0)
		return 0;
	if (lab_sh(l, false, "ip -n %s addr add %s/32 dev lo", wlc,
	        LAB_CL_GW) != 0 ||
	    lab_sh(l, false, "ip -n %s addr add %s/32 dev lo", wlc,
	        LAB_CL_DHCP) != 0)
		return -1;
	snprintf(conf, sizeof(conf), "%s/clients-dnsmasq.conf", l->dir);
	snprintf(log, sizeof(log), "%s/clients-dnsmasq.log", l->dir);
	if ((f = fopen(conf, "w")) == NULL)
		return -1;
	/* DHCP only (port=0: no DNS).  The WLC relays from the gateway
	 * (giaddr, RFC 2131 §4.1): the range is chosen by giaddr, the
	 * answers go to it on port 67.  no-ping: the client addresses are
	 * not routed outside the tunnel, a conflict ping would only wait */
	fprintf(f,
	    "no-resolv\nno-hosts\nport=0\nuser=root\nbind-interfaces\n"
	    "interface=lo\nlisten-address=%s\npid-file=%s/clients-dnsmasq."
	    "pid\ndhcp-leasefile=%s/clients-leases\nlog-facility=%s\n"
	    "log-dhcp\nno-ping\ndhcp-authoritative\n"
	    "dhcp-range=%s,%s,%s,1h\ndhcp-option=3,%s\n",
	    LAB_CL_DHCP, l->dir, l->dir, log, LAB_CL_FIRST, LAB_CL_LAST,
	    LAB_CL_MASK, LAB_CL_GW);
	if (fclose(f) != 0)
		return -1;
	snprintf(cf, sizeof(cf), "--conf-file=%s", conf);
	argv[0] = "dnsmasq";
	argv[1] = "--keep-in-foreground";
	argv[2] = cf;
	argv[3] = NULL;
	if ((l->cl.dnsmasq = lab_spawn(l, wlc, log, argv)) < 0) {
		l->cl.dnsmasq = 0;
		return -1;
	}
	return lab_cl_wait_dnsmasq(l, log);
}

void
lab_cl_args(struct lab *l, bool is_wlc, const char **argv, unsigned *n)
{
	struct lab_cl *c = &l->cl;

	if (c->per_ap == 0)
		return;
	snprintf(c->opt[0], sizeof(c->opt[0]), "--wlan=%s", c->ssid);
	argv[(*n)++] = c->opt[0];
	if (c->psk != NULL) {
		snprintf(c->opt[1], sizeof(c->opt[1]), "--psk=%s", c->psk);
		argv[(*n)++] = c->opt[1];
	}
	if (is_wlc) {
		argv[(*n)++] = "--client-subnet=" LAB_CL_NET;
		argv[(*n)++] = "--client-dhcp-server=" LAB_CL_DHCP;
	} else {
		snprintf(c->opt[2], sizeof(c->opt[2]), "--clients-per-ap=%u",
		    c->per_ap);
		argv[(*n)++] = c->opt[2];
	}
}

/* The last line of `path` that starts with `prefix` into buf: 0 or -1. */
static int
lab_cl_last_line(const char *path, const char *prefix, char *buf, size_t len)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	int r = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, prefix, strlen(prefix)) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, len, "%s", line);
			r = 0;
		}
	fclose(f);
	return r;
}

void
lab_cl_report(struct lab *l, const char *wlclog)
{
	char path[112], line[1024], ip[64], lo[16], hi[16], range[48] = "";
	uint32_t net, gw, a, amin = UINT32_MAX, amax = 0;
	unsigned leases = 0, inside = 0, acks = 0;
	FILE *f;

	if (l->cl.per_ap == 0)
		return;
	/* the controller's client counts (printed by capsim wlc at exit) */
	if (lab_cl_last_line(wlclog, "clients: ", line, sizeof(line)) == 0)
		/* per-state counts are of the clients still there at exit
		 * (none once the APs left); the rest are totals */
		fprintf(
		    stderr, "capsim: lab: the controller at exit: %s\n", line);
	else
		fprintf(stderr,
		    "capsim: lab: controller: no client counts in its log "
		    "(it did not stop cleanly)\n");
	/* the DHCP server's side: its leases, in the client subnet? */
	(void)cs_ipv4_parse(LAB_CL_GW, &gw);
	net = gw & 0xffffc000u; /* LAB_CL_NET is a /18 */
	snprintf(path, sizeof(path), "%s/clients-leases", l->dir);
	if ((f = fopen(path, "r")) != NULL) {
		/* "EXPIRY MAC IP HOSTNAME CLIENT-ID" per lease */
		while (fgets(line, sizeof(line), f) != NULL) {
			if (sscanf(line, "%*s %*s %63s", ip) != 1 ||
			    cs_ipv4_parse(ip, &a) < 0)
				continue;
			leases++;
			if ((a & 0xffffc000u) != net)
				continue;
			inside++;
			amin = a < amin ? a : amin;
			amax = a > amax ? a : amax;
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/clients-dnsmasq.log", l->dir);
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			acks += strstr(line, "DHCPACK(") != NULL;
		fclose(f);
	}
	if (inside > 0) {
		cs_ipv4_str(amin, lo);
		cs_ipv4_str(amax, hi);
		snprintf(range, sizeof(range), " (%s .. %s)", lo, hi);
	}
	fprintf(stderr,
	    "capsim: lab: client DHCP server %s (dnsmasq, relayed by the WLC "
	    "from gateway %s): %u DHCPACKs, %u leases, %u in %s%s\n",
	    LAB_CL_DHCP, LAB_CL_GW, acks, leases, inside, LAB_CL_NET, range);
}
