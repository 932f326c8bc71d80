/* SPDX-License-Identifier: MIT */
/*
 * `capsim run` discovery phase (see run_discover.h): DHCP through a relay,
 * DNS, static or broadcast controllers for every AP before the engine
 * starts, with the diagnosis of APs that found no controller.
 */
#include "run_discover.h"

#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/engine.h"
#include "capsim/pki.h"
#include "capsim/roles.h"
#include "capsim/udp.h"
#include "capsim/values.h"
#include "sim.h"
#include "simutil.h"

const char sim_disc_usage[] =
    "Discovery (how APs learn address and controllers; default: --wlc):\n"
    "  --discovery dhcp|dns|static|broadcast\n"
    "                         dhcp: lease through capsim as DHCP relay,\n"
    "                         controllers from option 43 (Cisco TLV or\n"
    "                         comma list) or 138, else DNS; dns: "
    "CISCO-CAPWAP-\n"
    "                         CONTROLLER.<domain> (options 6/15 or "
    "below)\n"
    "  --dhcp-server ADDR     DHCP server (relayed to, UDP 67)\n"
    "  --dhcp-relay ADDR      relay address (giaddr; must be local, the\n"
    "                         leases must be local too: ip route add "
    "local)\n"
    "  --dns-domain NAME      domain instead of option 15\n"
    "  --dns-server ADDR      DNS server instead of option 6\n"
    "  --vendor-class TEXT    option 60 (default: the profile's, else\n"
    "                         \"Cisco AP c2700\")\n"
    "  --dhcp-time-factor F   scale DHCP retransmission (0.01 = 100x "
    "faster;\n"
    "                         default 1)\n"
    "  --discovery-timeout D  give up on APs without result (default "
    "150s)\n";

void
sim_disc_init(struct sim_disc *s)
{
	memset(s, 0, sizeof(*s));
	s->mode = CS_DISC_MODE_STATIC;
	s->vendor_class = "Cisco AP c2700";
	s->time_factor = 1.0;
	s->timeout_ms = 150000;
}

int
sim_disc_opt(struct sim_disc *s, int which, const char *arg)
{
	uint64_t v;

	s->enabled = true;
	switch (which) {
	case 0:
		return cs_disc_mode_parse(arg, &s->mode);
	case 1:
		return cs_ipv4_parse(arg, &s->server_ip);
	case 2:
		return cs_ipv4_parse(arg, &s->relay_ip);
	case 3:
		s->dns_domain = arg;
		return arg[0] ? 0 : -EINVAL;
	case 4:
		return cs_ipv4_parse(arg, &s->dns_server);
	case 5:
		s->vendor_class = arg;
		return strlen(arg) <= 255 ? 0 : -EINVAL;
	case 6:
		return sim_parse_number(arg, 0, 100, &s->time_factor) == 0 &&
		        s->time_factor > 0
		    ? 0
		    : -EINVAL;
	case 7:
		if (sim_parse_duration_ms(arg, &v) < 0 || v == 0)
			return -EINVAL;
		s->timeout_ms = v;
		return 0;
	default:
		return -EINVAL;
	}
}

static void
disc_ident(void *ctx, unsigned ap, uint8_t mac[6], const char **vc)
{
	struct sim_disc *s = ctx;

	/* the engine refuses APs whose MAC would run past ff:ff:..:ff */
	(void)cs_ap_id_mac(s->ec->ap_base_mac, ap, mac);
	*vc = s->vendor_class;
}

static void
disc_on_ready(void *ctx, unsigned ap, const struct cs_disc_result *r)
{
	struct sim_disc *s = ctx;
	char ip[16], ip2[16];

	if (s->running) {
		/* a new lease after NAK/expiry/DECLINE while the APs run:
		 * the engine cannot move an AP to another address */
		if (r->status != 0 || r->ip != s->res[ap].ip)
			fprintf(stderr,
			    "capsim: run: AP %u: DHCP now gives %s%s%s (the AP "
			    "keeps %s)\n",
			    ap + 1,
			    r->status == 0 ? cs_ipv4_str(r->ip, ip) : "",
			    r->status == 0 ? "" : "no address: ",
			    r->status == 0 ? "" : r->reason,
			    cs_ipv4_str(s->res[ap].ip, ip2));
		return;
	}
	s->res[ap] = *r;
	if (r->status == 0)
		cs_logf(&sim_log_verbose, CS_LOG_INFO,
		    "AP %u: address %s, %zu controller(s) from %s", ap + 1,
		    cs_ipv4_str(r->ip, ip), r->n_targets,
		    cs_disc_source_name(r->source));
	if (cs_discover_done(s->d) == s->ec->n_aps)
		event_base_loopbreak(s->base);
}

static void
disc_on_lost(void *ctx, unsigned ap)
{
	(void)ctx;
	fprintf(stderr, "capsim: run: AP %u lost its DHCP lease\n", ap + 1);
}

static void
disc_on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct sim_disc *s = arg;

	(void)fd;
	(void)what;
	event_base_loopbreak(s->base);
}

/* Prints the failures and a one-line diagnosis; returns the exit code. */
static int
disc_report_failures(struct sim_disc *s, unsigned n)
{
	unsigned shown = 0, n_dhcp = 0, n_disc = 0, n_none = 0;
	const char *first = NULL;
	uint8_t mac[6];
	const char *vc;
	char m[18];

	for (unsigned i = 0; i < n; i++) {
		const struct cs_disc_result *r = &s->res[i];

		if (r->status == 0)
			continue;
		if (r->status == 1) /* no result at all */
			n_none++;
		else if (r->phase == CS_PHASE_DHCP)
			n_dhcp++;
		else
			n_disc++;
		if (first == NULL && r->status != 1)
			first = r->reason;
		if (shown++ < 5) {
			disc_ident(s, i, mac, &vc);
			cs_val_mac_str(mac, m);
			fprintf(stderr,
			    "capsim: run: AP %u %s: %s failed: %s\n", i + 1, m,
			    r->status == 1
			        ? "dhcp"
			        : cs_phase_name((enum cs_phase)r->phase),
			    r->status == 1 ? "no result before the discovery "
			                     "timeout"
			                   : r->reason);
		}
	}
	fprintf(stderr,
	    "capsim: run: diagnosis: %s: %u of %u APs got no controller "
	    "(dhcp %u, discovery %u, timeout %u)%s%s\n",
	    n_dhcp >= n_disc ? "dhcp" : "controller-discovery",
	    n_dhcp + n_disc + n_none, n, n_dhcp, n_disc, n_none,
	    first ? "; first: " : "", first ? first : "");
	return SIM_EXIT_FAILED;
}

int
sim_disc_run(
    struct sim_disc *s, struct cs_engine_cfg *ec, struct event_base *base)
{
	struct cs_discover_cfg dc = { 0 };
	struct event *tmo;
	const struct cs_disc_result *r0;
	unsigned n = ec->n_aps;
	char a[16], b[16], c[16];
	int r;

	if (!s->enabled)
		return 0;
	s->ec = ec;
	s->base = base;
	if (s->mode != CS_DISC_MODE_STATIC && s->mode != CS_DISC_MODE_DNS &&
	    s->mode != CS_DISC_MODE_BROADCAST && s->server_ip == 0) {
		fprintf(stderr,
		    "capsim: run: --discovery %s needs "
		    "--dhcp-server\n",
		    cs_disc_mode_name(s->mode));
		return SIM_EXIT_USAGE;
	}
	if (s->server_ip != 0 && s->relay_ip == 0) {
		fprintf(stderr,
		    "capsim: run: --dhcp-server needs --dhcp-relay "
		    "(capsim relays from that local address)\n");
		return SIM_EXIT_USAGE;
	}
	if ((s->res = calloc(n, sizeof(*s->res))) == NULL)
		return SIM_EXIT_RUNTIME;
	for (unsigned i = 0; i < n; i++)
		s->res[i].status = 1; /* pending */
	dc.base = base;
	dc.log = &sim_log_verbose;
	dc.mode = s->mode;
	dc.n_aps = n;
	dc.seed = ec->seed;
	dc.index_base = ec->ap_index_base;
	dc.ap_ident = disc_ident;
	dc.on_ready = disc_on_ready;
	dc.on_lease_lost = disc_on_lost;
	dc.ctx = s;
	dc.relay_ip = s->relay_ip;
	dc.server_ip = s->server_ip;
	dc.time_factor = s->time_factor;
	dc.dhcp_max_tries = s->dhcp_tries;
	dc.base_ip = ec->ap_base_ip;
	dc.n_static = ec->ap.target_count;
	memcpy(dc.static_targets, ec->ap.targets,
	    ec->ap.target_count * sizeof(uint32_t));
	dc.dns_server = s->dns_server;
	dc.dns_domain = s->dns_domain;
	if ((r = cs_discover_new(&s->d, &dc)) < 0)
		return r == -EINVAL ? SIM_EXIT_USAGE : SIM_EXIT_RUNTIME;
	fprintf(stderr, "capsim: run: discovery %s for %u APs%s%s%s%s%s\n",
	    cs_disc_mode_name(s->mode), n, s->server_ip ? " (DHCP server " : "",
	    s->server_ip ? cs_ipv4_str(s->server_ip, a) : "",
	    s->server_ip ? " via relay " : "",
	    s->server_ip ? cs_ipv4_str(s->relay_ip, b) : "",
	    s->server_ip ? ")" : "");
	for (unsigned i = 0; i < n; i++)
		cs_discover_start_ap(s->d, i);
	tmo = evtimer_new(base, disc_on_timeout, s);
	if (tmo != NULL) {
		struct timeval tv = { (time_t)(s->timeout_ms / 1000),
			(suseconds_t)(s->timeout_ms % 1000) * 1000 };

		evtimer_add(tmo, &tv);
	}
	event_base_dispatch(base);
	if (tmo != NULL)
		event_free(tmo);
	for (unsigned i = 0; i < n; i++)
		if (s->res[i].status != 0)
			return disc_report_failures(s, n);

	/* The engine gives AP i the address base + i. */
	r0 = &s->res[0];
	for (unsigned i = 1; i < n; i++) {
		if (s->res[i].ip != r0->ip + i) {
			fprintf(stderr,
			    "capsim: run: AP %u leased %s, AP %u leased %s: "
			    "capsim needs consecutive AP addresses; reserve "
			    "them on the DHCP server (e.g. dnsmasq "
			    "--dhcp-host=MAC,ADDR)\n",
			    1u, cs_ipv4_str(r0->ip, a), i + 1,
			    cs_ipv4_str(s->res[i].ip, b));
			return SIM_EXIT_USAGE;
		}
		if (s->res[i].n_targets != r0->n_targets ||
		    memcmp(s->res[i].targets, r0->targets,
		        r0->n_targets * sizeof(uint32_t)) != 0)
			fprintf(stderr,
			    "capsim: run: warning: AP %u got other "
			    "controllers than AP 1; all use AP 1's\n",
			    i + 1);
	}
	if (r0->has_opt43 && r0->opt43_error[0] != '\0' &&
	    r0->source != CS_DISC_SRC_OPT43) {
		char hex[256 * 3] = "";

		for (size_t i = 0, o = 0; i < r0->opt43_len; i++)
			o += (size_t)snprintf(hex + o, sizeof(hex) - o,
			    "%s%02x", i ? " " : "", r0->opt43[i]);
		fprintf(stderr,
		    "capsim: run: warning: DHCP option 43 unusable (%s), "
		    "received [%s]; controllers came from %s instead\n",
		    r0->opt43_error, hex, cs_disc_source_name(r0->source));
	}
	s->running = true; /* later results are lease changes */
	ec->ap_base_ip = r0->ip;
	ec->ap.target_count =
	    (uint8_t)(r0->n_targets < CS_AP_MAX_TARGETS ? r0->n_targets
	                                                : CS_AP_MAX_TARGETS);
	memcpy(ec->ap.targets, r0->targets,
	    ec->ap.target_count * sizeof(uint32_t));
	switch (r0->source) {
	case CS_DISC_SRC_OPT43:
	case CS_DISC_SRC_OPT138:
		ec->ap.discovery_type = CS_DISC_DHCP;
		break;
	case CS_DISC_SRC_DNS:
		ec->ap.discovery_type = CS_DISC_DNS;
		break;
	case CS_DISC_SRC_STATIC:
		ec->ap.discovery_type = CS_DISC_STATIC;
		break;
	default:
		ec->ap.discovery_type = CS_DISC_UNKNOWN;
		break;
	}
	fprintf(stderr,
	    "capsim: run: discovery: %u APs at %s..%s, controller %s%s from "
	    "%s\n",
	    n, cs_ipv4_str(r0->ip, a), cs_ipv4_str(r0->ip + n - 1, b),
	    cs_ipv4_str(r0->targets[0], c), r0->n_targets > 1 ? " (+more)" : "",
	    cs_disc_source_name(r0->source));
	return 0;
}

void
sim_disc_free(struct sim_disc *s)
{
	cs_discover_free(s->d);
	s->d = NULL;
	free(s->res);
	s->res = NULL;
}
