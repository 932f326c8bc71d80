/* SPDX-License-Identifier: MIT */
/*
 * Options of `capsim run`: usage text, defaults, the scenario's settings
 * applied first and the command line over them (run_options.h).
 */
#include "run_options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capsim/impair.h"
#include "capsim/scenario.h"
#include "capsim/udp.h"
#include "capsim/values.h"
#include "image_opts.h"
#include "run_peer.h"
#include "run_series.h"
#include "sim.h"
#include "simutil.h"

static int
run_timer_opt(const char *arg, uint32_t *ms)
{
	uint64_t v;

	if (sim_parse_duration_ms(arg, &v) < 0 || v == 0 || v > UINT32_MAX)
		return -EINVAL;
	*ms = (uint32_t)v;
	return 0;
}

/* --clock-skew: a signed duration in whole seconds ("-3d", "90s"). */
static int
run_parse_skew(const char *arg, int64_t *sec)
{
	struct cs_val_err e;
	int64_t ms;

	if (cs_val_duration_ms(arg, CS_VAL_NEG, &ms, &e) < 0) {
		fprintf(stderr, "capsim: %s: %s\n", arg, e.why);
		return -EINVAL;
	}
	if (ms % 1000 != 0) {
		fprintf(stderr, "capsim: %s: give whole seconds\n", arg);
		return -EINVAL;
	}
	*sec = ms / 1000;
	return 0;
}

static const char *
run_dtls_ver_name(enum cs_dtls_version v)
{
	return v == CS_DTLS_V1_0 ? "1.0" : v == CS_DTLS_V_ANY ? "any" : "1.2";
}

/* The scenario's clients: (the options come over them). */
static void
run_apply_clients(const struct cs_scn_clients *c, struct sim_clients *o)
{
	if (!c->given)
		return;
	o->per_ap = c->count;
	if (c->has_mac_base)
		memcpy(o->mac_base, c->mac_base, 6);
	if (c->mac_increment != 0)
		o->mac_step = c->mac_increment;
	if (c->ssid != NULL)
		snprintf(o->ssid, sizeof(o->ssid), "%s", c->ssid);
	if (c->security == CS_SCN_SEC_WPA2_PSK)
		o->psk = c->psk;
	if (c->has_rate)
		o->rate = c->rate;
	o->lifetime_ms = c->lifetime_ms;
	o->wlc_psk = c->wlc_psk;
	o->dhcp_timeout_ms = (uint32_t)c->dhcp_timeout_ms;
	o->dhcp_tries = c->dhcp_tries;
	if (c->wlc_refuse_assoc != 0)
		o->refuse_assoc = c->wlc_refuse_assoc;
}

/* "NAME@ADDR": NAME primes controller `rank` (0 primary) by AC Name
 * (RFC 5415 §4.6.4, 1..512 bytes); *arg moves past the '@'. */
static int
run_primed_name(struct run_opts *o, unsigned rank, const char **arg)
{
	const char *at = strrchr(*arg, '@');
	size_t n;

	if (at == NULL)
		return 0;
	n = (size_t)(at - *arg);
	if (n == 0 || n >= sizeof(o->wlc_names[rank]))
		return -EINVAL;
	memcpy(o->wlc_names[rank], *arg, n);
	o->wlc_names[rank][n] = '\0';
	o->ec.ap.primed[rank] = o->wlc_names[rank];
	*arg = at + 1;
	return 0;
}

/* Applies a scenario's settings; command-line options given afterwards
 * override them.  Returns 0 or an exit code. */
static int
run_apply_scenario(const struct cs_scenario *sc, struct run_opts *o)
{
	const struct cs_scn_aps *ap = &sc->aps;
	const struct cs_scn_wlc *w = &sc->wlc;

	/* the engine's, the APs' and the WLC's DTLS settings */
	if (cs_scenario_apply(sc, &o->ec, &o->dc, &o->wdc) < 0)
		return SIM_EXIT_USAGE;
	/* the program's own */
	o->duration_ms = sc->duration_ms;
	if (ap->profile != NULL)
		o->profile = ap->profile;
	if (ap->discovery != CS_SCN_DISC_STATIC &&
	    sim_disc_opt(&o->disc, 0, cs_scn_discovery_name(ap->discovery)) < 0)
		return SIM_EXIT_USAGE;
	/* aps.discovery as a mapping: where DHCP and DNS are */
	if (ap->dhcp_server != 0)
		o->disc.server_ip = ap->dhcp_server;
	if (ap->dhcp_relay != 0)
		o->disc.relay_ip = ap->dhcp_relay;
	if (ap->dns_server != 0)
		o->disc.dns_server = ap->dns_server;
	if (ap->dns_domain != NULL)
		o->disc.dns_domain = ap->dns_domain;
	if (ap->vendor_class != NULL)
		o->disc.vendor_class = ap->vendor_class;
	if (ap->discovery_timeout_ms != 0)
		o->disc.timeout_ms = ap->discovery_timeout_ms;
	o->dtls_ver = run_dtls_ver_name(ap->dtls_version);
	o->embedded = w->embedded;
	/* wlc.listen places the embedded WLC (kept with DHCP or DNS
	 * discovery, as --wlc-listen) */
	o->wlc_listen_given = w->embedded && w->has_listen;
	if (w->embedded) {
		o->wlc_ip = w->listen_ip;
		o->wlc_port = w->listen_port;
	} else {
		o->wlc_ip = w->address;
		o->wlc_port = w->port;
	}
	o->wlc_dtls_set = true;
	o->wlc_cert = w->cert;
	run_apply_clients(&sc->clients, &o->clients);
	return 0;
}

enum {
	O_WLC = 256,
	O_APS,
	O_DURATION,
	O_JSON,
	O_BASE_IP,
	O_BASE_MAC,
	O_NAME,
	O_RATE,
	O_INFLIGHT,
	O_IMAGE,
	O_SKIP_DISC,
	O_T_DISC,
	O_T_MAXDISC,
	O_T_ECHO,
	O_T_KA,
	O_T_RETR,
	O_MAX_RETR,
	O_T_WAITDTLS,
	O_T_SILENT,
	O_T_DEAD,
	O_PKI,
	O_CA_CERT,
	O_CA_KEY,
	O_AP_CERT,
	O_AP_KEY,
	O_WLC_CA,
	O_NO_VERIFY,
	O_SKEW,
	O_VERSION,
	O_CIPHERS,
	O_MTU,
	O_SEED,
	O_WLC_MAX,
	O_WLC_HS_RATE,
	O_WLC_GATE,
	O_WLC_LISTEN,
	O_WORKERS,
	O_RAMP,
	O_JUNIT,
	O_EVENTS,
	O_METRICS_LISTEN,
	O_PCAP,
	O_PCAP_CLEAR,
	O_KEYLOG,
	O_PROGRESS,
	O_HTML,
	O_CSV,
	O_INTERVAL,
	O_INTERVAL_LINES,
	O_RULE,
	O_PROFILE,
	O_PCAP_AT,
	O_PEER_PCAP,
	O_PCAP_WLC,
	O_WLC_CISCO,
	O_WLC_IMAGE_SIZE,
	O_WLC_IMAGE,
	O_WLC_IMAGE_MAX,
	O_WLC_IMAGE_RATE,
	O_WLC_SECONDARY,
	O_WLC_TERTIARY,
	O_DATA_DTLS,
	O_WLC_DATA_DTLS,
	O_DTLS_PSK,
	O_CHECK,
	O_LINGER,
	O_SHARD,
	O_PER_AP,
	O_UNTIL_RUN,
	O_SHARDS,
	O_START_AT,
	O_SHARD_IP,
	O_CLIENTS,                          /* SIM_CLIENTS_N of them */
	O_DISC = O_CLIENTS + SIM_CLIENTS_N, /* SIM_DISC_N of them */
};

static const struct option run_longopts[] = {
	{ "wlc", required_argument, NULL, O_WLC },
	{ "aps", required_argument, NULL, O_APS },
	{ "duration", required_argument, NULL, O_DURATION },
	{ "json", required_argument, NULL, O_JSON },
	{ "ap-base-ip", required_argument, NULL, O_BASE_IP },
	{ "ap-base-mac", required_argument, NULL, O_BASE_MAC },
	{ "ap-name", required_argument, NULL, O_NAME },
	{ "rate", required_argument, NULL, O_RATE },
	{ "max-inflight", required_argument, NULL, O_INFLIGHT },
	{ "image-policy", required_argument, NULL, O_IMAGE },
	{ "skip-discovery", no_argument, NULL, O_SKIP_DISC },
	{ "discovery-interval", required_argument, NULL, O_T_DISC },
	{ "max-discovery-interval", required_argument, NULL, O_T_MAXDISC },
	{ "echo-interval", required_argument, NULL, O_T_ECHO },
	{ "keepalive-interval", required_argument, NULL, O_T_KA },
	{ "retransmit-interval", required_argument, NULL, O_T_RETR },
	{ "max-retransmit", required_argument, NULL, O_MAX_RETR },
	{ "wait-dtls", required_argument, NULL, O_T_WAITDTLS },
	{ "silent-interval", required_argument, NULL, O_T_SILENT },
	{ "data-dead-interval", required_argument, NULL, O_T_DEAD },
	{ "pki", required_argument, NULL, O_PKI },
	{ "ca-cert", required_argument, NULL, O_CA_CERT },
	{ "ca-key", required_argument, NULL, O_CA_KEY },
	{ "ap-cert", required_argument, NULL, O_AP_CERT },
	{ "ap-key", required_argument, NULL, O_AP_KEY },
	{ "wlc-ca", required_argument, NULL, O_WLC_CA },
	{ "no-verify-wlc", no_argument, NULL, O_NO_VERIFY },
	{ "clock-skew", required_argument, NULL, O_SKEW },
	{ "dtls-version", required_argument, NULL, O_VERSION },
	{ "ciphers", required_argument, NULL, O_CIPHERS },
	{ "mtu", required_argument, NULL, O_MTU },
	{ "seed", required_argument, NULL, O_SEED },
	{ "wlc-max-wtps", required_argument, NULL, O_WLC_MAX },
	{ "wlc-max-handshake-rate", required_argument, NULL, O_WLC_HS_RATE },
	{ "wlc-overload-gate", no_argument, NULL, O_WLC_GATE },
	{ "wlc-listen", required_argument, NULL, O_WLC_LISTEN },
	{ "workers", required_argument, NULL, O_WORKERS },
	{ "ramp", required_argument, NULL, O_RAMP },
	{ "junit", required_argument, NULL, O_JUNIT },
	{ "events", required_argument, NULL, O_EVENTS },
	{ "metrics-listen", required_argument, NULL, O_METRICS_LISTEN },
	{ "metrics-linger", required_argument, NULL, O_LINGER },
	{ "shard", required_argument, NULL, O_SHARD },
	{ "per-ap", no_argument, NULL, O_PER_AP },
	{ "until-run", no_argument, NULL, O_UNTIL_RUN },
	{ "shards", required_argument, NULL, O_SHARDS },
	{ "start-at", required_argument, NULL, O_START_AT },
	{ "shard-ip", required_argument, NULL, O_SHARD_IP },
	{ "check", no_argument, NULL, O_CHECK },
	{ "pcap", required_argument, NULL, O_PCAP },
	{ "pcap-clear", required_argument, NULL, O_PCAP_CLEAR },
	{ "keylog", required_argument, NULL, O_KEYLOG },
	{ "progress", no_argument, NULL, O_PROGRESS },
	{ "html", required_argument, NULL, O_HTML },
	{ "csv", required_argument, NULL, O_CSV },
	{ "interval", required_argument, NULL, O_INTERVAL },
	{ "interval-lines", no_argument, NULL, O_INTERVAL_LINES },
	{ "rule", required_argument, NULL, O_RULE },
	{ "profile", required_argument, NULL, O_PROFILE },
	{ "pcap-at", required_argument, NULL, O_PCAP_AT },
	{ "peer-pcap", required_argument, NULL, O_PEER_PCAP },
	{ "pcap-wlc", required_argument, NULL, O_PCAP_WLC },
	{ "wlc-cisco", no_argument, NULL, O_WLC_CISCO },
	{ "wlc-image-size", required_argument, NULL, O_WLC_IMAGE_SIZE },
	{ "wlc-image", required_argument, NULL, O_WLC_IMAGE },
	{ "wlc-image-max-downloads", required_argument, NULL, O_WLC_IMAGE_MAX },
	{ "wlc-image-starts-per-min", required_argument, NULL,
	    O_WLC_IMAGE_RATE },
	{ "wlc-secondary", required_argument, NULL, O_WLC_SECONDARY },
	{ "wlc-tertiary", required_argument, NULL, O_WLC_TERTIARY },
	{ "data-dtls", required_argument, NULL, O_DATA_DTLS },
	{ "wlc-data-dtls", required_argument, NULL, O_WLC_DATA_DTLS },
	{ "dtls-psk", required_argument, NULL, O_DTLS_PSK },
	SIM_DISC_OPTIONS(O_DISC),
	SIM_CLIENTS_OPTIONS(O_CLIENTS),
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The long name of option c (the table's order is not the enum's). */
static const char *
run_opt_name(int c)
{
	for (const struct option *op = run_longopts; op->name != NULL; op++)
		if (op->val == c)
			return op->name;
	return "?";
}

/* The defaults of `capsim run`, before the scenario and the options. */
static void
run_opts_defaults(struct run_opts *o)
{
	o->dtls_ver = "1.2";
	o->wlc_cert = CS_PKI_GOOD;
	o->wlc_port = CS_WLC_CONTROL_PORT;
	o->embedded = true;
	sim_pki_default_dir(o->pkidir, sizeof(o->pkidir));
	cs_dtls_cfg_init(&o->dc, CS_DTLS_CLIENT);
	cs_dtls_cfg_init(&o->wdc, CS_DTLS_SERVER);
	cs_ap_cfg_defaults(&o->ec.ap);
	cs_wlc_cfg_defaults(&o->ec.wlc);
	sim_disc_init(&o->disc);
	sim_clients_init(&o->clients);
	o->ec.wlc.max_wtps = CS_WLC_DEFAULT_MAX_WTPS;
	o->ec.n_aps = 1;
	o->ec.seed = 1;
	o->ec.max_inflight = 256;
	{
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

		o->ec.workers = ncpu < 1           ? 1
		    : ncpu > CS_ENGINE_MAX_WORKERS ? CS_ENGINE_MAX_WORKERS
		                                   : (unsigned)ncpu;
	}
	cs_ipv4_parse("127.1.0.1", &o->ec.ap_base_ip);
	memcpy(o->ec.ap_base_mac, "\x02\xca\x75\x00\x00\x01", 6);
	o->duration_ms = 60000;
	o->quiet = !isatty(STDERR_FILENO);
}

/* An option of the APs (population, identity, timers): 0, -EINVAL for a
 * bad value, 1 when c is not one of them. */
static int
run_opt_ap(struct run_opts *o, int c, const char *arg)
{
	uint64_t v;

	switch (c) {
	case O_WLC:
		if (run_primed_name(o, 0, &arg) < 0 ||
		    sim_parse_addr_port(arg, &o->wlc_ip, &o->wlc_port) < 0)
			return -EINVAL;
		o->embedded = false;
		return 0;
	case O_WLC_SECONDARY:
	case O_WLC_TERTIARY: {
		unsigned rank = c == O_WLC_SECONDARY ? 1 : 2;

		if (run_primed_name(o, rank, &arg) < 0 ||
		    cs_ipv4_parse(arg, &o->wlc_backup[rank - 1]) < 0 ||
		    o->wlc_backup[rank - 1] == 0)
			return -EINVAL;
		return 0;
	}
	case O_APS:
		if (sim_parse_uint(arg, 1, 1000000, &v) < 0)
			return -EINVAL;
		o->ec.n_aps = (unsigned)v;
		return 0;
	case O_DURATION:
		if (sim_parse_duration_ms(arg, &o->duration_ms) < 0)
			return -EINVAL;
		return 0;
	case O_JSON:
		o->json_path = arg;
		return 0;
	case O_BASE_IP:
		if (cs_ipv4_parse(arg, &o->ec.ap_base_ip) < 0)
			return -EINVAL;
		return 0;
	case O_BASE_MAC:
		if (sim_parse_mac(arg, o->ec.ap_base_mac) < 0)
			return -EINVAL;
		return 0;
	case O_NAME:
		o->ec.ap_name_prefix = arg;
		return 0;
	case O_RATE:
		if (sim_parse_number(arg, 0, 1e9, &o->ec.rate) < 0 ||
		    o->ec.rate <= 0)
			return -EINVAL;
		return 0;
	case O_WORKERS:
		if (sim_parse_uint(arg, 1, CS_ENGINE_MAX_WORKERS, &v) < 0)
			return -EINVAL;
		o->ec.workers = (unsigned)v;
		return 0;
	case O_RAMP:
		if (sim_parse_duration_ms(arg, &v) < 0)
			return -EINVAL;
		o->ec.rate_ramp_s = (double)v / 1000.0;
		return 0;
	case O_INFLIGHT:
		if (sim_parse_uint(arg, 0, 1000000, &v) < 0)
			return -EINVAL;
		o->ec.max_inflight = (unsigned)v;
		return 0;
	case O_IMAGE:
		return cs_ap_image_policy_parse(arg, &o->ec.ap.image_policy);
	case O_SKIP_DISC:
		o->ec.ap.skip_discovery = true;
		return 0;
	case O_T_DISC:
		if (run_timer_opt(arg, &o->ec.ap.discovery_interval_ms) < 0)
			return -EINVAL;
		return 0;
	case O_T_MAXDISC:
		if (run_timer_opt(arg, &o->ec.ap.max_discovery_interval_ms) < 0)
			return -EINVAL;
		return 0;
	case O_T_ECHO:
		if (run_timer_opt(arg, &o->ec.ap.echo_interval_ms) < 0)
			return -EINVAL;
		return 0;
	case O_T_KA:
		if (run_timer_opt(arg, &o->ec.ap.keepalive_ms) < 0)
			return -EINVAL;
		return 0;
	case O_T_RETR:
		if (run_timer_opt(arg, &o->ec.ap.retransmit_interval_ms) < 0)
			return -EINVAL;
		return 0;
	case O_MAX_RETR:
		if (sim_parse_uint(arg, 0, 100, &v) < 0)
			return -EINVAL;
		o->ec.ap.max_retransmit = (uint32_t)v;
		return 0;
	case O_T_WAITDTLS:
		if (run_timer_opt(arg, &o->ec.ap.wait_dtls_ms) < 0)
			return -EINVAL;
		return 0;
	case O_T_SILENT:
		if (run_timer_opt(arg, &o->ec.ap.silent_interval_ms) < 0)
			return -EINVAL;
		return 0;
	case O_T_DEAD:
		if (run_timer_opt(arg, &o->ec.ap.data_dead_ms) < 0)
			return -EINVAL;
		return 0;
	default:
		return 1;
	}
}

/* An option of the certificates, DTLS, the WLC and the outputs: 0,
 * -EINVAL for a bad value, 1 when c is not one of them. */
static int
run_opt_io(struct run_opts *o, int c, const char *arg)
{
	uint64_t v;

	if (c >= O_WLC_IMAGE_SIZE && c <= O_WLC_IMAGE_RATE)
		return sim_image_opt("run", &o->ec.wlc, &o->image_buf,
		    (enum sim_image_opt)(c - O_WLC_IMAGE_SIZE), arg);
	switch (c) {
	case O_PKI:
		snprintf(o->pkidir, sizeof(o->pkidir), "%s", arg);
		return 0;
	case O_CA_CERT:
		o->ca_cert = arg;
		return 0;
	case O_CA_KEY:
		o->ca_key = arg;
		return 0;
	case O_AP_CERT:
		o->ap_cert = arg;
		return 0;
	case O_AP_KEY:
		o->ap_key = arg;
		return 0;
	case O_WLC_CA:
		o->wlc_ca = arg;
		return 0;
	case O_NO_VERIFY:
		o->dc.no_verify = true;
		return 0;
	case O_SKEW:
		if (run_parse_skew(arg, &o->ec.ap_clock_skew_s) < 0)
			return -EINVAL;
		return 0;
	case O_VERSION:
		if (sim_parse_dtls_version(arg, &o->dc.version) < 0)
			return -EINVAL;
		o->dtls_ver = arg;
		return 0;
	case O_CIPHERS:
		o->dc.ciphers = sim_ciphers_opt(arg);
		return 0;
	case O_MTU:
		if (sim_parse_uint(arg, CS_DTLS_MIN_MTU, 65000, &v) < 0)
			return -EINVAL;
		o->dc.mtu = (unsigned)v;
		o->wdc.mtu = (unsigned)v;
		return 0;
	case O_SEED:
		if (sim_parse_uint(arg, 0, UINT64_MAX, &o->ec.seed) < 0)
			return -EINVAL;
		return 0;
	case O_WLC_LISTEN:
		if (sim_parse_addr_port(arg, &o->wlc_ip, &o->wlc_port) < 0)
			return -EINVAL;
		o->wlc_listen_given = true;
		return 0;
	case O_WLC_CISCO:
		o->ec.wlc.cisco = true;
		return 0;
	case O_DATA_DTLS:
		if (cs_data_dtls_parse(arg, &o->ec.ap.data_dtls) < 0)
			return -EINVAL;
		if (!o->wlc_data_dtls_given)
			o->ec.wlc.data_dtls = o->ec.ap.data_dtls;
		return 0;
	case O_WLC_DATA_DTLS:
		if (cs_data_dtls_parse(arg, &o->ec.wlc.data_dtls) < 0)
			return -EINVAL;
		o->wlc_data_dtls_given = true;
		return 0;
	case O_WLC_MAX:
		if (sim_parse_uint(arg, 0, 10000000, &v) < 0)
			return -EINVAL;
		o->ec.wlc.max_wtps = (uint32_t)v;
		return 0;
	case O_WLC_HS_RATE:
		if (sim_parse_uint(arg, 0, 1000000, &v) < 0)
			return -EINVAL;
		o->ec.wlc_max_hs_rate = (double)v;
		return 0;
	case O_WLC_GATE:
		o->ec.wlc_gate = true;
		return 0;
	case O_JUNIT:
		o->junit_path = arg;
		return 0;
	case O_EVENTS:
		o->events_path = arg;
		return 0;
	case O_METRICS_LISTEN:
		o->listen = arg;
		return 0;
	case O_PCAP:
		o->pcap_path = arg;
		return 0;
	case O_PCAP_CLEAR:
		o->clear_path = arg;
		return 0;
	case O_KEYLOG:
		o->keylog_path = arg;
		return 0;
	case O_PROGRESS:
		o->force_progress = true;
		return 0;
	case O_HTML:
		o->html_path = arg;
		return 0;
	case O_CSV:
		o->csv_path = arg;
		return 0;
	case O_INTERVAL:
		if (sim_series_parse_interval(arg, &o->interval_ms) < 0)
			return -EINVAL;
		return 0;
	case O_INTERVAL_LINES:
		o->interval_lines = true;
		return 0;
	case O_PROFILE:
		o->profile = arg;
		return 0;
	case O_CHECK:
		o->check = true;
		return 0;
	case O_LINGER:
		if (sim_parse_duration_ms(arg, &o->linger_ms) < 0)
			return -EINVAL;
		return 0;
	case O_PEER_PCAP:
		sim_run_peer_free(o->peer);
		o->peer = NULL;
		if (sim_run_peer_new(&o->peer, arg) < 0)
			return -ENOMEM;
		o->ec.on_ap_wire = sim_run_peer_wire;
		o->ec.wire_ctx = o->peer;
		return 0;
	case O_PCAP_WLC:
		o->pcap_wlc_path = arg;
		return 0;
	case O_PCAP_AT:
		if (strcmp(arg, "ap") == 0)
			o->ec.capture_at_ap = true;
		else if (strcmp(arg, "wlc") == 0)
			o->ec.capture_at_ap = false;
		else
			return -EINVAL;
		return 0;
	default:
		return 1;
	}
}

/* --rule: one more impairment rule.  -1, or the exit code. */
static int
run_opt_rule(struct run_opts *o, const char *arg)
{
	struct cs_impair_rule *nr =
	    realloc(o->rules, (o->n_rules + 1) * sizeof(*nr));
	struct cs_err err = { 0 };

	if (nr == NULL)
		return SIM_EXIT_RUNTIME;
	o->rules = nr;
	if (cs_impair_rule_parse(arg, &o->rules[o->n_rules], &err) < 0) {
		fprintf(stderr, "capsim: run: --rule '%s': at offset %zu: %s\n",
		    arg, err.offset, err.what);
		return SIM_EXIT_USAGE;
	}
	o->n_rules++;
	return -1;
}

/* Pass 1: the scenario file (a positional argument), whose settings the
 * options then override.  -1, or the exit code. */
static int
run_pass_scenario(struct run_opts *o, int argc, char **argv)
{
	struct cs_err err = { 0 };
	int c, r;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "qvh", run_longopts, NULL)) != -1) {
		/* a misspelt option is an error, not the scenario file: its
		 * value would otherwise become the positional argument */
		if (c == '?') {
			sim_bad_option("run", run_longopts, argc, argv);
			opterr = 1;
			return SIM_EXIT_USAGE;
		}
	}
	opterr = 1;
	if (optind < argc)
		o->scn_path = argv[optind];
	if (optind + 1 < argc) {
		fprintf(stderr, "capsim: run: unexpected argument '%s'\n",
		    argv[optind + 1]);
		return SIM_EXIT_USAGE;
	}
	if (o->scn_path != NULL) {
		if ((r = cs_scenario_load(&o->scn, o->scn_path, &err)) < 0) {
			if (r == -EINVAL)
				fprintf(stderr, "capsim: run: %s\n", err.what);
			else
				fprintf(stderr,
				    "capsim: run: cannot read %s: %s\n",
				    o->scn_path, strerror(-r));
			return SIM_EXIT_USAGE;
		}
		if ((r = run_apply_scenario(o->scn, o)) != 0)
			return r;
	}
	return -1;
}

/* The options that go together or exclude each other.  -1, or the exit
 * code. */
static int
run_options_check(struct run_opts *o)
{
	int r;

	if ((o->ap_cert == NULL) != (o->ap_key == NULL)) {
		fprintf(stderr,
		    "capsim: run: --ap-cert and --ap-key go together\n");
		return SIM_EXIT_USAGE;
	}
	if (o->interval_lines &&
	    ((o->json_path != NULL && strcmp(o->json_path, "-") == 0) ||
	        (o->html_path != NULL && strcmp(o->html_path, "-") == 0) ||
	        (o->csv_path != NULL && strcmp(o->csv_path, "-") == 0))) {
		fprintf(stderr,
		    "capsim: run: --interval-lines and a report on standard "
		    "output ('-') would mix; write the report to a file\n");
		return SIM_EXIT_USAGE;
	}
	/* said before the run, not after it */
	if (sim_series_check_path("html", o->html_path) < 0 ||
	    sim_series_check_path("csv", o->csv_path) < 0)
		return SIM_EXIT_USAGE;
	/* a shard: this process's slice of the population (issue 17) */
	if ((r = run_shard_resolve(&o->shard, &o->ec)) != 0)
		return r;
	/* the APs' stations, and the embedded WLC's WLAN from the same
	 * options */
	if (sim_clients_apply(&o->clients, &o->ec, true, o->embedded, "run") <
	    0)
		return SIM_EXIT_USAGE;
	/* a timeline's effects come after its entries (a restart at 6 s
	 * leaves every AP in Run until they notice it): no "every AP in Run"
	 * can say the scenario is over */
	if (o->until_run && o->scn != NULL && o->scn->n_timeline > 0) {
		fprintf(stderr,
		    "capsim: run: --until-run cannot end scenario %s early: "
		    "its timeline's effects come after its entries; the "
		    "run lasts its duration\n",
		    o->scn->name);
		return SIM_EXIT_USAGE;
	}
	if (o->ec.clients.per_ap > 0) {
		/* the stations' data-path probe: the largest IP datagram
		 * whose 802.11 frame fits one CAPWAP data datagram of the
		 * AP's MTU (--mtu, default 1400) unfragmented: CAPWAP header
		 * with the radio MAC 16, 802.11 header 24, LLC/SNAP 8 */
		unsigned mtu = o->dc.mtu != 0 ? o->dc.mtu : 1400;
		unsigned ip = mtu > 48 + 28 ? mtu - 48 : 28;

		o->ec.clients.sta.large_echo_bytes =
		    (uint16_t)(ip > 1500 ? 1500 : ip);
	}
	/* said before the run (and by --check), not when discovery starts */
	if (o->disc.enabled && o->disc.mode == CS_DISC_MODE_DHCP &&
	    o->disc.server_ip == 0) {
		fprintf(stderr,
		    "capsim: run: --discovery dhcp needs --dhcp-server and "
		    "--dhcp-relay (in a scenario: aps.discovery: {method: "
		    "dhcp, dhcp-server: ADDR, dhcp-relay: ADDR})\n");
		return SIM_EXIT_USAGE;
	}
	/* APs that find their controllers by DHCP or DNS do not need the
	 * embedded one, unless it is placed explicitly */
	if (o->disc.enabled && o->disc.mode != CS_DISC_MODE_STATIC &&
	    o->embedded && !o->wlc_listen_given)
		o->embedded = false;
	sim_run_peer_port(o->peer, o->wlc_port);
	/* the network's side of capsim's own host is the controller's only
	 * when the controller is the embedded one */
	if (o->pcap_wlc_path != NULL && !o->embedded) {
		fprintf(stderr,
		    "capsim: run: --pcap-wlc is the embedded WLC's capture; "
		    "with --wlc, capture at the controller (SPAN port, "
		    "Embedded Packet Capture) and pass it to --peer-pcap or "
		    "capsim analyze --peer\n");
		return SIM_EXIT_USAGE;
	}
	return -1;
}

/* Parses the command line of `capsim run` into o: defaults, then the
 * scenario file (a positional argument) whose settings the options given
 * afterwards override.  Returns true when the run goes on; false with
 * *exit_code set (usage error, --help) otherwise.  The caller frees o
 * with run_options_free() either way. */
bool
run_options_parse(struct run_opts *o, int argc, char **argv, int *exit_code_out)
{
	int c, r, exit_code;

	run_opts_defaults(o);
	if ((exit_code = run_pass_scenario(o, argc, argv)) >= 0)
		goto out;
	/* pass 2: options */
	optind = 0;
	while ((c = getopt_long(argc, argv, "qvh", run_longopts, NULL)) != -1) {
		if (c >= O_DISC && c < O_DISC + SIM_DISC_N) {
			if (sim_disc_opt(&o->disc, c - O_DISC, optarg) < 0) {
				exit_code = SIM_EXIT_USAGE;
				goto out;
			}
			continue;
		}
		if (c >= O_CLIENTS && c < O_CLIENTS + SIM_CLIENTS_N) {
			if (sim_clients_opt(
			        &o->clients, c - O_CLIENTS, optarg) < 0) {
				exit_code = SIM_EXIT_USAGE;
				goto out;
			}
			continue;
		}
		if ((r = run_opt_ap(o, c, optarg)) == 1)
			r = run_opt_io(o, c, optarg);
		if (r < 0)
			goto bad_arg;
		if (r == 0)
			continue;
		switch (c) {
		case O_RULE:
			if ((exit_code = run_opt_rule(o, optarg)) >= 0)
				goto out;
			break;
		case O_PER_AP:
			o->per_ap = true;
			break;
		case O_UNTIL_RUN:
			o->until_run = true;
			break;
		case O_DTLS_PSK:
			/* its own message: the value is a secret */
			if (sim_psk_opt("run", optarg, &o->psk) < 0) {
				exit_code = SIM_EXIT_USAGE;
				goto out;
			}
			/* the APs' keys, the embedded WLC's too (its AC
			 * Descriptor's S flag says so, §4.6.1) */
			o->dc.psk = o->wdc.psk = o->psk.v;
			o->dc.n_psk = o->wdc.n_psk = o->psk.n;
			o->ec.wlc.security_psk = true;
			break;
		case O_SHARD:
			if (run_shard_opt(&o->shard, optarg) < 0) {
				exit_code = SIM_EXIT_USAGE;
				goto out;
			}
			break;
		case O_SHARDS:
			if (run_shard_opt_count(&o->shard, optarg) < 0) {
				exit_code = SIM_EXIT_USAGE;
				goto out;
			}
			break;
		case O_SHARD_IP:
			if (run_shard_opt_ip(&o->shard, optarg) < 0) {
				exit_code = SIM_EXIT_USAGE;
				goto out;
			}
			break;
		case O_START_AT:
			if (run_shard_opt_start_at(&o->shard, optarg) < 0) {
				exit_code = SIM_EXIT_USAGE;
				goto out;
			}
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			o->verbose = true;
			sim_log_verbose.max_level = CS_LOG_INFO;
			break;
		case 'h':
			run_usage(stdout);
			exit_code = SIM_EXIT_OK;
			goto out;
		default:
			run_usage(stderr);
			exit_code = SIM_EXIT_USAGE;
			goto out;
		}
	}
	if ((exit_code = run_options_check(o)) >= 0)
		goto out;
	return true;
out:
	*exit_code_out = exit_code;
	return false;
bad_arg:
	fprintf(stderr, "capsim: run: invalid value '%s' for --%s\n", optarg,
	    run_opt_name(c));
	exit_code = SIM_EXIT_USAGE;
	goto out;
}

void
run_options_free(struct run_opts *o)
{
	cs_dtls_psk_set_free(&o->psk);
	o->dc.psk = o->wdc.psk = NULL;
	o->dc.n_psk = o->wdc.n_psk = 0;
	sim_disc_free(&o->disc);
	free(o->image_buf);
	o->image_buf = NULL;
	free(o->rules);
	cs_scenario_free(o->scn);
	sim_run_peer_free(o->peer);
	o->peer = NULL;
	o->rules = NULL;
	o->scn = NULL;
}
