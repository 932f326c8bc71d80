/* SPDX-License-Identifier: MIT */
/*
 * `capsim probe`: one AP, step by step, against a real controller (or
 * capsim's mock WLC), to troubleshoot a join: where the controller list
 * came from, each Discovery Response (AC name, software version, load),
 * the DTLS handshake (version, cipher, the controller's certificate with
 * its dates and EKU, or where and why it failed), the Join Response,
 * configuration, Run, and a hint.  `--json` writes the same steps as JSON.
 *
 * The AP runs on the engine like every AP of `capsim run` (n_aps = 1);
 * the engine's probe hook (probe_show.c) shows every datagram and DTLS
 * step.  The verdict is the diagnosis of the AP's facts (cs_diagnose),
 * the same one `capsim run` gives.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <jansson.h>

#include "capsim/capwap.h"
#include "capsim/ofile.h"
#include "capsim/pki.h"
#include "capsim/profile.h"
#include "capsim/udp.h"
#include "capsim/values.h"
#include "probe.h"
#include "run_discover.h"
#include "sim.h"
#include "simutil.h"

/* What the command line asks for. */
struct probe_opts {
	struct cs_ap_cfg ac;
	struct cs_dtls_cfg dc;
	struct sim_disc disc;
	bool vc_given; /* --option60 given: the profile's does not count */
	const char *profile, *json_path, *ap_cert, *ap_key, *wlc_ca;
	char pkidir[4096];
	uint64_t timeout_ms;
	uint16_t port;
	uint32_t ap_ip;
	uint8_t mac[6];
	struct cs_dtls_psk_set psk; /* --dtls-psk, owned */
};

/* What the run holds (freed by probe_res_free). */
struct probe_res {
	struct cs_profile *prof;
	struct cs_pki *pki;
	struct cs_cred *cred;
	struct cs_dtls_ctx *dctx;
	struct event_base *base; /* the engine's loop; discovery's first */
	struct cs_engine *e;
	struct cs_ofile *json_out;
};

static const char *
ipstr(uint32_t ip, char *buf)
{
	return cs_ipv4_str(ip, buf);
}

/* ---- where the controller list came from ---- */

static void
probe_static_step(struct probe *p, const struct cs_ap_cfg *ac, uint16_t port)
{
	json_t *o = json_object();
	json_t *t = json_array();
	char list[200] = "", ip[16];

	for (unsigned i = 0; i < ac->target_count; i++) {
		size_t n = strlen(list);

		json_array_append_new(
		    t, json_string(ipstr(ac->targets[i], ip)));
		snprintf(
		    list + n, sizeof(list) - n, "%s%s", i > 0 ? ", " : "", ip);
	}
	json_object_set_new(o, "source", json_string("static"));
	json_object_set_new(o, "controllers", t);
	probe_step(p, "controllers", o,
	    "controller list from static --wlc: %s (port %u)", list, port);
}

/* DHCP (option 43 / 138) or DNS discovery with lib/engine/discover.c
 * through sim/run_discover.c, for one AP, on the loop the engine runs on
 * later (its lease is renewed there); the result configures the AP.
 * 0, or an exit code. */
static int
probe_discover(struct probe *p, struct sim_disc *disc, struct cs_ap_cfg *ac,
    const struct cs_profile *prof, struct event_base *base)
{
	struct cs_engine_cfg ec;
	const struct cs_disc_result *r;
	json_t *o = json_object(), *t = json_array();
	char list[200] = "", ip[16], lease[16], hex[520] = "";
	int rc;

	if (prof != NULL && prof->option60 != NULL)
		disc->vendor_class = prof->option60;
	memset(&ec, 0, sizeof(ec));
	ec.n_aps = 1;
	ec.seed = 1;
	ec.ap = *ac;
	ec.ap_base_ip = p->ap_ip;
	memcpy(ec.ap_base_mac, p->mac, 6);
	probe_step(p, "controllers", NULL,
	    "discovery %s, option 60 '%s' (progress on stderr)",
	    cs_disc_mode_name(disc->mode), disc->vendor_class);
	rc = sim_disc_run(disc, &ec, base);
	r = disc->res != NULL ? &disc->res[0] : NULL;
	if (r != NULL && r->has_opt43)
		for (size_t i = 0; i < r->opt43_len && 2 * i + 3 < sizeof(hex);
		     i++)
			snprintf(hex + 2 * i, 3, "%02x", r->opt43[i]);
	if (r != NULL) {
		json_object_set_new(
		    o, "source", json_string(cs_disc_source_name(r->source)));
		json_object_set_new(
		    o, "lease_ip", json_string(ipstr(r->ip, lease)));
		if (r->has_opt43) {
			json_object_set_new(o, "option43", json_string(hex));
			json_object_set_new(
			    o, "option43_error", json_string(r->opt43_error));
		}
		if (r->dns_name[0] != '\0') {
			json_object_set_new(
			    o, "dns_name", json_string(r->dns_name));
			json_object_set_new(
			    o, "dns_error", json_string(r->dns_error));
		}
		for (size_t i = 0; i < r->n_targets; i++) {
			size_t n = strlen(list);

			json_array_append_new(
			    t, json_string(ipstr(r->targets[i], ip)));
			snprintf(list + n, sizeof(list) - n, "%s%s",
			    i > 0 ? ", " : "", ip);
		}
	}
	json_object_set_new(o, "controllers", t);
	if (rc != 0 || r == NULL || r->status != 0) {
		bool pending = r != NULL && r->status > 0;

		p->fail_phase =
		    !pending && r != NULL && r->phase == CS_PHASE_DHCP
		    ? CS_PHASE_DHCP
		    : pending && disc->mode == CS_DISC_MODE_DHCP
		    ? CS_PHASE_DHCP
		    : CS_PHASE_DISCOVERY;
		snprintf(p->fail_reason, sizeof(p->fail_reason), "%s",
		    pending ? "no result before the discovery timeout (no DHCP "
		              "offer or DNS answer)"
		        : r != NULL && r->reason[0] ? r->reason
		                                    : "discovery failed");
		probe_step(p, "controllers", o, "no controller list: %s%s%s%s",
		    p->fail_reason,
		    r != NULL && r->has_opt43 ? " (option 43 " : "",
		    r != NULL && r->has_opt43 ? hex : "",
		    r != NULL && r->has_opt43 ? ")" : "");
		probe_step(p, "hint",
		    json_pack("{s:s,s:s,s:s}", "result", "failed", "phase",
		        cs_phase_name(p->fail_phase), "reason", p->fail_reason),
		    "the AP got no controller list: check the DHCP scope's "
		    "option 43 for this option 60 (type 0xf1, 4 bytes per "
		    "controller) or the DNS name "
		    "CISCO-CAPWAP-CONTROLLER.<domain>");
		return rc != 0 ? rc : SIM_EXIT_FAILED;
	}
	probe_step(p, "controllers", o,
	    "controller list from %s: %s; AP address %s%s%s%s%s",
	    cs_disc_source_name(r->source), list, lease,
	    r->has_opt43 ? ", option 43 " : "", r->has_opt43 ? hex : "",
	    r->dns_name[0] ? ", DNS name " : "", r->dns_name);
	ac->target_count = ec.ap.target_count;
	memcpy(ac->targets, ec.ap.targets, sizeof(ac->targets));
	ac->discovery_type = ec.ap.discovery_type;
	p->ap_ip = ec.ap_base_ip;
	return 0;
}

/* ---- main ---- */

static void
probe_usage(FILE *f)
{
	fputs("usage: capsim probe --wlc ADDR[:PORT] [OPTIONS]\n"
	      "One AP joins a controller step by step and says where it "
	      "stops.\n"
	      "Controller:\n"
	      "  --wlc ADDR[:PORT]      controller to discover (repeat for "
	      "several; static list;\n"
	      "                         or --discovery below, as a real AP "
	      "does)\n"
	      "AP:\n"
	      "  --profile NAME|FILE    AP model profile (default c9120; "
	      "rfc5415 = plain RFC AP)\n"
	      "  --ap-ip ADDR           source address (default: chosen by "
	      "the kernel)\n"
	      "  --ap-mac MAC           base MAC (default 02:ca:75:00:00:01)\n"
	      "  --ap-name NAME         AP name (default capsim-probe)\n"
	      "  --image-policy adopt|download  (default adopt)\n"
	      "Certificates (default: lab PKI in ~/.local/share/capsim/pki):\n"
	      "  --pki DIR              lab PKI directory\n"
	      "  --ap-cert FILE --ap-key FILE  this AP's certificate and key\n"
	      "  --wlc-ca FILE          CA that verifies the controller\n"
	      "  --no-verify-wlc        do not verify the controller (says "
	      "so)\n"
	      "  --dtls-version 1.2|1.0|any (default 1.2)   --ciphers LIST "
	      "(default\n"
	      "                         the 9800 set; legacy adds RFC 5415's "
	      "DHE-RSA\n"
	      "                         and AES-256 suites)\n"
	      "  --dtls-psk HEX|@FILE   pre-shared key instead of a "
	      "certificate\n"
	      "                         (identity = the AP's MAC in hex)\n",
	    f);
	fputs(sim_disc_usage, f);
	fputs("Output:\n"
	      "  --timeout DURATION     give up after this (default 90s)\n"
	      "  --json FILE            steps as JSON ('-' = stdout, then "
	      "no text)\n"
	      "Exit: 0 Run reached, 3 join failed, 1 runtime, 2 usage.\n",
	    f);
}

/* ---- options ---- */

enum {
	O_WLC = 256,
	O_PROFILE,
	O_AP_IP,
	O_AP_MAC,
	O_AP_NAME,
	O_IMAGE,
	O_PKI,
	O_AP_CERT,
	O_AP_KEY,
	O_WLC_CA,
	O_NO_VERIFY,
	O_VERSION,
	O_CIPHERS,
	O_DTLS_PSK,
	O_TIMEOUT,
	O_JSON,
	O_DISC, /* SIM_DISC_N values from here */
};

static const struct option probe_longopts[] = {
	{ "wlc", required_argument, NULL, O_WLC },
	{ "profile", required_argument, NULL, O_PROFILE },
	{ "ap-ip", required_argument, NULL, O_AP_IP },
	{ "ap-mac", required_argument, NULL, O_AP_MAC },
	{ "ap-name", required_argument, NULL, O_AP_NAME },
	{ "image-policy", required_argument, NULL, O_IMAGE },
	{ "pki", required_argument, NULL, O_PKI },
	{ "ap-cert", required_argument, NULL, O_AP_CERT },
	{ "ap-key", required_argument, NULL, O_AP_KEY },
	{ "wlc-ca", required_argument, NULL, O_WLC_CA },
	{ "no-verify-wlc", no_argument, NULL, O_NO_VERIFY },
	{ "dtls-version", required_argument, NULL, O_VERSION },
	{ "ciphers", required_argument, NULL, O_CIPHERS },
	{ "dtls-psk", required_argument, NULL, O_DTLS_PSK },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "json", required_argument, NULL, O_JSON },
	SIM_DISC_OPTIONS(O_DISC),
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
probe_opts_init(struct probe_opts *o)
{
	memset(o, 0, sizeof(*o));
	sim_pki_default_dir(o->pkidir, sizeof(o->pkidir));
	sim_disc_init(&o->disc);
	cs_ap_cfg_defaults(&o->ac);
	cs_dtls_cfg_init(&o->dc, CS_DTLS_CLIENT);
	memcpy(o->mac, "\x02\xca\x75\x00\x00\x01", 6);
	o->ac.name = "capsim-probe";
	o->ac.target_count = 0;
	o->profile = "c9120";
	o->timeout_ms = 90000;
	o->port = CS_CAPWAP_CONTROL_PORT;
}

/* One option c with its argument: 0, or -EINVAL for a bad value. */
static int
probe_opt(struct probe_opts *o, int c, const char *arg)
{
	uint64_t v;

	switch (c) {
	case O_WLC: {
		uint32_t a;
		uint16_t pt = CS_CAPWAP_CONTROL_PORT;

		if (sim_parse_addr_port(arg, &a, &pt) < 0 ||
		    o->ac.target_count >= CS_AP_MAX_TARGETS)
			return -EINVAL;
		o->ac.targets[o->ac.target_count++] = a;
		o->port = pt;
		return 0;
	}
	case O_PROFILE:
		o->profile = arg;
		return 0;
	case O_AP_IP:
		return cs_ipv4_parse(arg, &o->ap_ip) < 0 ? -EINVAL : 0;
	case O_AP_MAC:
		return sim_parse_mac(arg, o->mac) < 0 ? -EINVAL : 0;
	case O_AP_NAME:
		o->ac.name = arg;
		return 0;
	case O_IMAGE: {
		enum cs_ap_image_policy ip;

		/* one AP's join: no pre-download in Run to watch */
		if (cs_ap_image_policy_parse(arg, &ip) < 0 ||
		    ip == CS_AP_IMAGE_PREDOWNLOAD)
			return -EINVAL;
		o->ac.image_policy = ip;
		return 0;
	}
	case O_PKI:
		snprintf(o->pkidir, sizeof(o->pkidir), "%s", arg);
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
	case O_VERSION:
		return sim_parse_dtls_version(arg, &o->dc.version) < 0 ? -EINVAL
		                                                       : 0;
	case O_CIPHERS:
		o->dc.ciphers = sim_ciphers_opt(arg);
		return 0;
	case O_TIMEOUT:
		if (sim_parse_duration_ms(arg, &v) < 0 || v == 0)
			return -EINVAL;
		o->timeout_ms = v;
		return 0;
	case O_JSON:
		o->json_path = arg;
		return 0;
	default:
		if (c >= O_DISC && c < O_DISC + SIM_DISC_N) {
			if (c == O_DISC + 5)
				o->vc_given = true;
			return sim_disc_opt(&o->disc, c - O_DISC, arg);
		}
		return -EINVAL;
	}
}

/* The command line into o: -1 to go on, else the exit code. */
static int
probe_options(int argc, char **argv, struct probe_opts *o)
{
	int c;

	probe_opts_init(o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", probe_longopts, NULL)) != -1) {
		if (c == 'h') {
			probe_usage(stdout);
			return SIM_EXIT_OK;
		}
		if (c == '?' || c == ':') {
			probe_usage(stderr);
			return SIM_EXIT_USAGE;
		}
		if (c == O_DTLS_PSK) {
			/* its own message: the value is a secret */
			if (sim_psk_opt("probe", optarg, &o->psk) < 0)
				return SIM_EXIT_USAGE;
			o->dc.psk = o->psk.v;
			o->dc.n_psk = o->psk.n;
			continue;
		}
		if (probe_opt(o, c, optarg) < 0) {
			fprintf(
			    stderr, "capsim: probe: bad value '%s'\n", optarg);
			probe_usage(stderr);
			return SIM_EXIT_USAGE;
		}
	}
	if (optind != argc || (o->ac.target_count == 0 && !o->disc.enabled)) {
		fprintf(stderr,
		    "capsim: probe: --wlc ADDR or --discovery is required\n");
		probe_usage(stderr);
		return SIM_EXIT_USAGE;
	}
	if ((o->ap_cert == NULL) != (o->ap_key == NULL)) {
		fprintf(stderr,
		    "capsim: probe: --ap-cert and --ap-key go together\n");
		return SIM_EXIT_USAGE;
	}
	return -1;
}

/* ---- setup ---- */

/* The AP's configuration: the profile, then the probe's fail-fast
 * timers.  -1 to go on, else the exit code. */
static int
probe_setup_ap(struct probe_opts *o, struct probe_res *res)
{
	char why[512];

	if (cs_profile_load(&res->prof, o->profile, NULL, why, sizeof(why)) <
	    0) {
		fprintf(stderr, "capsim: probe: %s\n", why);
		return SIM_EXIT_USAGE;
	}
	cs_profile_apply(res->prof, &o->ac);
	memcpy(o->ac.mac, o->mac, 6);
	o->ac.serial = o->ac.name;
	o->ac.ac_port = o->port;
	o->ac.discovery_type = CS_DISC_STATIC;
	/* one try per step is enough for a probe: fail fast */
	o->ac.max_discoveries = 3;
	o->ac.discovery_interval_ms = 3000;
	o->ac.max_discovery_interval_ms = 1000;
	o->ac.max_failed_dtls = 1;
	o->ac.wait_dtls_ms = 30000;
	return -1;
}

/* The AP's credential and the DTLS client context.  -1 to go on, else
 * the exit code. */
static int
probe_setup_dtls(struct probe_opts *o, struct probe_res *res)
{
	struct cs_err err = { 0 };
	char why[512];
	int r;

	if (o->ap_cert != NULL &&
	    cs_cred_load_why(
	        &res->cred, o->ap_cert, o->ap_key, why, sizeof(why)) < 0) {
		fprintf(stderr, "capsim: probe: certificate: %s\n", why);
		return SIM_EXIT_USAGE;
	}
	if (o->ap_cert == NULL || o->wlc_ca == NULL) {
		if (sim_pki_open(&res->pki, o->pkidir, NULL, NULL, &sim_log) <
		    0)
			return SIM_EXIT_USAGE;
		if (res->cred == NULL &&
		    (r = cs_pki_issue_ap(
		         res->pki, o->mac, CS_PKI_GOOD, &res->cred)) < 0) {
			fprintf(stderr,
			    "capsim: probe: cannot issue the AP certificate: "
			    "%s\n",
			    strerror(-r));
			return SIM_EXIT_RUNTIME;
		}
	}
	o->dc.trust = o->wlc_ca == NULL ? cs_pki_ca(res->pki) : NULL;
	o->dc.ca_file = o->wlc_ca;
	o->dc.log = &sim_log;
	if ((r = cs_dtls_ctx_new(&res->dctx, &o->dc, &err)) < 0) {
		fprintf(stderr, "capsim: probe: DTLS setup failed: %s\n",
		    err.what != NULL ? err.what : strerror(-r));
		return SIM_EXIT_USAGE;
	}
	return -1;
}

/* The engine with the one AP, its probe hook and observer.  -1 to go
 * on, else the exit code. */
static int
probe_setup_engine(struct probe *p, struct probe_opts *o, struct probe_res *res,
    struct cs_engine_probe *hook)
{
	struct cs_engine_cfg ec;
	char ip[16];
	int r;

	if (p->ap_ip == 0 &&
	    (r = cs_udp_route_src(o->ac.targets[0], o->port, &p->ap_ip)) < 0) {
		/* as a socket bound to any address would: the kernel's
		 * choice for the first controller */
		fprintf(stderr,
		    "capsim: probe: no source address towards %s: %s\n",
		    ipstr(o->ac.targets[0], ip), strerror(-r));
		return SIM_EXIT_RUNTIME;
	}
	o->ac.ip = p->ap_ip;
	*hook = probe_hook_tmpl;
	hook->ctx = p;
	memset(&ec, 0, sizeof(ec));
	ec.log = &sim_log;
	ec.workers = 1;
	ec.base = res->base;
	ec.seed = 1;
	ec.n_aps = 1;
	ec.ap_base_ip = p->ap_ip;
	memcpy(ec.ap_base_mac, p->mac, 6);
	ec.ap_name = o->ac.name;
	ec.ap = o->ac;
	ec.ap_dtls = res->dctx;
	ec.ap_cred = res->cred;
	ec.on_ap_event = probe_on_ap_event;
	ec.obs_ctx = p;
	ec.probe = hook;
	if ((r = cs_engine_new(&res->e, &ec)) < 0) {
		fprintf(stderr,
		    "capsim: probe: cannot start the AP on %s: %s\n",
		    ipstr(p->ap_ip, ip), strerror(-r));
		return r == -EINVAL ? SIM_EXIT_USAGE : SIM_EXIT_RUNTIME;
	}
	return -1;
}

/* ---- the run ---- */

static void
probe_ap_step(
    struct probe *p, const struct probe_opts *o, const struct probe_res *res)
{
	const struct cs_profile *prof = res->prof;
	json_t *js = json_object();
	char macs[18];

	cs_val_mac_str(p->mac, macs);
	json_object_set_new(js, "profile", json_string(prof->name));
	json_object_set_new(js, "model", json_string(prof->model));
	json_object_set_new(js, "mac", json_string(macs));
	json_object_set_new(js, "cisco", json_boolean(prof->is_cisco));
	probe_step(p, "ap", js,
	    "AP %s, MAC %s, profile %s (%s, %s), software %s, source "
	    "port %u, certificate CN %s",
	    o->ac.name, macs, prof->name, prof->model,
	    prof->is_cisco ? "Cisco encodings" : "RFC 5415", prof->sw_version,
	    cs_engine_ap_port(res->e, 0, CS_CHAN_CONTROL), macs);
}

/* Waits (mu held) until the AP failed, answered the data channel
 * keep-alive in Run (RFC 5415 §4.4.1: UDP 5247 open both ways) or 5 s
 * passed in Run, or the timeout. */
static void
probe_wait(struct probe *p, uint64_t timeout_ms)
{
	while (!p->done) {
		uint64_t now = probe_rel(p), until = timeout_ms;
		struct timespec ts;

		if (p->run_at_ms != 0 && p->ka_seen > 0)
			break;
		if (p->run_at_ms != 0 && p->run_at_ms + 5000 < until)
			until = p->run_at_ms + 5000;
		if (now >= until)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)((until - now) / 1000);
		ts.tv_nsec += (long)((until - now) % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&p->cv, &p->mu, &ts);
	}
}

/* Runs the AP to its outcome, then stops the engine (close_notify). */
static int
probe_run(struct probe *p, const struct probe_opts *o, struct probe_res *res)
{
	int r;

	if ((r = cs_engine_start(res->e)) < 0) {
		fprintf(
		    stderr, "capsim: probe: cannot start: %s\n", strerror(-r));
		return SIM_EXIT_RUNTIME;
	}
	pthread_mutex_lock(&p->mu);
	probe_wait(p, o->timeout_ms);
	p->closed = true; /* the hooks are silent from here */
	pthread_mutex_unlock(&p->mu);
	if (!p->done && p->run_at_ms != 0) {
		p->ka_ok = p->ka_seen > 0;
		probe_step(p, "run",
		    json_pack("{s:b}", "keepalive_answered", p->ka_ok),
		    p->ka_ok ? "data channel keep-alive answered "
		               "(UDP %u both ways)"
		             : "no answer to the data channel "
		               "keep-alive within 5 s (UDP %u)",
		    (unsigned)o->port + 1);
		p->done = true;
		p->ok = true;
	}
	if (!p->done) {
		p->fail_phase = p->state == CS_AP_DISCOVERY ? CS_PHASE_DISCOVERY
		                                            : CS_PHASE_DTLS;
		snprintf(p->fail_reason, sizeof(p->fail_reason),
		    "no progress within %" PRIu64 " ms (AP in %s)",
		    o->timeout_ms, cs_ap_state_name(p->state));
		probe_step(p, "failure", NULL, "%s", p->fail_reason);
	}
	cs_engine_stop(res->e);
	return -1;
}

/* The verdict: the diagnosis of the AP's facts, and the hint. */
static int
probe_verdict(struct probe *p, struct probe_res *res)
{
	const struct cs_ap_facts *f = cs_engine_ap_facts(res->e, 0);
	struct cs_diagnosis d;
	struct cs_diag_ctx ctx;
	const char *hint;
	json_t *js;

	memset(&d, 0, sizeof(d));
	cs_engine_diag_ctx(res->e, &ctx);
	if (cs_diagnose(&f, 1, &ctx, &d) < 0) {
		fprintf(stderr, "capsim: probe: out of memory\n");
		return SIM_EXIT_RUNTIME;
	}
	js = json_object();
	json_object_set_new(js, "diagnosis", json_string(d.code));
	json_object_set_new(
	    js, "confidence", json_string(cs_diag_conf_name(d.confidence)));
	probe_step(p, "diagnosis", js, "%s (confidence %s): %s", d.code,
	    cs_diag_conf_name(d.confidence),
	    d.summary != NULL ? d.summary : "");
	hint = probe_hint(p, &d);
	p->has_doc = true;
	js = json_object();
	json_object_set_new(
	    js, "result", json_string(p->ok ? "run" : "failed"));
	json_object_set_new(js, "diagnosis", json_string(d.code));
	if (!p->ok) {
		json_object_set_new(
		    js, "phase", json_string(cs_phase_name(p->fail_phase)));
		json_object_set_new(js, "reason", json_string(p->fail_reason));
	}
	json_object_set_new(js, "hint", json_string(hint));
	probe_step(p, "hint", js, "%s", hint);
	cs_diagnosis_free(&d);
	return p->ok ? SIM_EXIT_OK : SIM_EXIT_FAILED;
}

/* --json: the result and every step, one document.  The exit code. */
static int
probe_write_json(
    struct probe *p, struct probe_res *res, const char *path, int rc)
{
	json_t *doc = json_object();
	FILE *f = cs_ofile_fp(res->json_out);
	char why[512];
	bool written;

	json_object_set_new(
	    doc, "result", json_string(p->ok ? "run" : "failed"));
	json_object_set(doc, "steps", p->steps);
	/* one stream, written once: the document, then its newline */
	written =
	    json_dumpf(doc, f, JSON_INDENT(2)) == 0 && fputc('\n', f) != EOF;
	if (!written) {
		cs_ofile_discard(res->json_out);
		fprintf(stderr, "capsim: probe: cannot write %s\n", path);
	} else if (cs_ofile_commit(res->json_out, why, sizeof(why)) < 0) {
		fprintf(stderr, "capsim: probe: cannot write %s\n", why);
		written = false;
	}
	res->json_out = NULL;
	json_decref(doc);
	return !written && rc == SIM_EXIT_OK ? SIM_EXIT_RUNTIME : rc;
}

/* The engine first, then the discovery's DHCP client and resolver
 * (their events are on the engine's loop), then the loop. */
static void
probe_res_free(struct probe_res *res, struct sim_disc *disc)
{
	cs_engine_free(res->e);
	sim_disc_free(disc);
	if (res->base != NULL)
		event_base_free(res->base);
	cs_ofile_discard(res->json_out);
	cs_dtls_ctx_free(res->dctx);
	cs_cred_free(res->cred);
	cs_pki_free(res->pki);
	cs_profile_free(res->prof);
}

/* The steps in order; the exit code. */
static int
probe_steps(struct probe *p, struct probe_opts *o, struct probe_res *res)
{
	int rc;

	if ((rc = probe_setup_ap(o, res)) >= 0)
		return rc;
	if ((res->base = cs_engine_base_new()) == NULL)
		return SIM_EXIT_RUNTIME;
	/* step 1: the controller list (and, with DHCP, the AP address) */
	if (o->disc.enabled) {
		if ((rc = probe_discover(p, &o->disc, &o->ac,
		         o->vc_given ? NULL : res->prof, res->base)) != 0) {
			p->has_doc = true;
			return rc;
		}
	} else {
		probe_static_step(p, &o->ac, o->port);
	}
	if ((rc = probe_setup_dtls(o, res)) >= 0 ||
	    (rc = probe_setup_engine(p, o, res, &p->hook)) >= 0)
		return rc;
	probe_ap_step(p, o, res);
	if ((rc = probe_run(p, o, res)) >= 0)
		return rc;
	return probe_verdict(p, res);
}

int
sim_cmd_probe(int argc, char **argv)
{
	struct probe_opts o;
	struct probe_res res = { 0 };
	struct probe p = { .state = CS_AP_IDLE };
	char why[512];
	int rc;

	if ((rc = probe_options(argc, argv, &o)) >= 0)
		return rc;
	p.ap_ip = o.ap_ip;
	memcpy(p.mac, o.mac, 6);
	p.json = o.json_path != NULL && strcmp(o.json_path, "-") == 0;
	/* the output is checked (and a stale one removed) before any work */
	if (o.json_path != NULL &&
	    cs_ofile_open(&res.json_out, o.json_path, 0644, why, sizeof(why)) <
	        0) {
		fprintf(stderr, "capsim: probe: cannot write %s\n", why);
		return SIM_EXIT_USAGE;
	}
	p.steps = json_array();
	p.verify_off = o.dc.no_verify;
	p.ciphers = o.dc.ciphers;
	p.psk = o.dc.n_psk > 0;
	if (o.dc.n_psk > 0 &&
	    (p.ciphers == NULL ||
	        strcmp(p.ciphers, CS_DTLS_DEFAULT_CIPHERS) == 0))
		p.ciphers = CS_DTLS_PSK_CIPHERS;
	p.t0_ms = probe_now();
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	rc = probe_steps(&p, &o, &res);
	/* a usage or runtime error writes no document; a result does, a
	 * failed discovery's too (its steps say why) */
	if (res.json_out != NULL && p.has_doc)
		rc = probe_write_json(&p, &res, o.json_path, rc);
	probe_res_free(&res, &o.disc);
	cs_dtls_psk_set_free(&o.psk);
	json_decref(p.steps);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	return rc;
}
