/* SPDX-License-Identifier: MIT */
/*
 * `capsim run [SCENARIO]`: N virtual APs join a WLC (a real one with
 * --wlc, or the embedded mock WLC) and stay in Run for --duration.
 * Without a scenario: exit 0 when every AP reached Run and stayed there,
 * 3 otherwise.  With a scenario (scenarios/README.md): its settings, its
 * impairments and timeline, and exit 0 exactly when its expectations
 * hold.  Either way the run ends with a diagnosis of what went wrong.
 */
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capsim/capture.h"
#include "capsim/diagnose.h"
#include "capsim/dtls.h"
#include "capsim/engine.h"
#include "capsim/events.h"
#include "capsim/impair.h"
#include "capsim/metrics_http.h"
#include "capsim/pki.h"
#include "capsim/profile.h"
#include "capsim/progress.h"
#include "capsim/prom.h"
#include "capsim/report.h"
#include "capsim/scenario.h"
#include "capsim/udp.h"
#include "run_discover.h"
#include "sim.h"
#include "simutil.h"

static void
run_usage(FILE *f)
{
	fputs(
	    "usage: capsim run [SCENARIO.yaml] [OPTIONS]\n"
	    "\n"
	    "Simulates access points that join a CAPWAP controller the way "
	    "real\n"
	    "ones do: Discovery, DTLS with certificates, Join, Configure, "
	    "Data\n"
	    "Check, then Run with echoes and data-channel keep-alives.  "
	    "Without\n"
	    "--wlc the mock WLC runs embedded on 127.0.0.1.  A SCENARIO "
	    "file\n"
	    "(scenarios/README.md) sets APs, WLC, impairments, a timeline "
	    "and\n"
	    "expectations; options given as well override it.  At the end "
	    "the\n"
	    "run is diagnosed: where the APs stopped and why.\n"
	    "Exit status: 0 pass (every expectation holds; without a "
	    "scenario:\n"
	    "every AP reached Run and stayed), 3 fail, 2 usage or scenario "
	    "error,\n"
	    "1 runtime error.\n"
	    "\n"
	    "APs and controller:\n"
	    "  --wlc ADDR[:PORT]      controller to join (default: embedded "
	    "mock)\n"
	    "  --wlc-listen ADDR[:PORT]  embedded WLC address "
	    "(127.0.0.1:5246)\n"
	    "  --wlc-max-wtps N       capacity of the embedded WLC (1000000)\n"
	    "  --wlc-cisco            the embedded WLC behaves like a Cisco "
	    "9800/AireOS\n"
	    "                         (insists on Cisco payloads: use "
	    "--profile)\n"
	    "  --aps N                number of APs (default 1)\n"
	    "  --duration D           how long to run: 60s, 2m, 500ms "
	    "(default 60s)\n"
	    "  --ap-base-ip ADDR      first AP address (default 127.1.0.1); "
	    "APs take\n"
	    "                         consecutive addresses, which must be "
	    "local:\n"
	    "                         any 127.x.y.z is; else e.g. ip route "
	    "add local\n"
	    "                         198.18.0.0/15 dev lo\n"
	    "  --ap-base-mac MAC      first AP MAC (02:ca:75:00:00:01)\n"
	    "  --ap-name PREFIX       AP names PREFIX00001... (capsim-ap-)\n"
	    "  --profile NAME|FILE    AP model profile (profiles/: c2700, "
	    "c9130, ...)\n"
	    "  --image-policy adopt|download   WLC software differs: adopt "
	    "its\n"
	    "                         version (default) or download the "
	    "image\n"
	    "  --skip-discovery       join the WLC directly (primed "
	    "controller)\n"
	    "Load:\n"
	    "  --rate R               APs started per second (default: all "
	    "at once)\n"
	    "  --ramp D               grow the rate linearly from 0 over D\n"
	    "  --max-inflight N       DTLS handshakes in flight at most; "
	    "more APs\n"
	    "                         wait their turn (256; 0 = no cap)\n"
	    "  --workers N            worker threads, each with its share "
	    "of the APs\n"
	    "                         and an embedded-WLC shard (default: "
	    "CPUs)\n"
	    "RFC 5415 timers (defaults in brackets; short ones make fast "
	    "labs):\n"
	    "  --discovery-interval D [5s]  --max-discovery-interval D "
	    "[20s]\n"
	    "  --echo-interval D [30s]      --keepalive-interval D [30s]\n"
	    "  --retransmit-interval D [3s] --max-retransmit N [5]\n"
	    "  --wait-dtls D [60s]          --silent-interval D [30s]\n"
	    "  --data-dead-interval D [60s]\n"
	    "PKI (default: the lab PKI in $CAPSIM_PKI or\n"
	    "~/.local/share/capsim/pki, shared with `capsim wlc`):\n"
	    "  --pki DIR              lab PKI directory (ca.pem, "
	    "ca-key.pem)\n"
	    "  --ca-cert FILE --ca-key FILE   CA that signs the AP "
	    "certificates\n"
	    "  --ap-cert FILE --ap-key FILE   one fixed certificate for "
	    "every AP\n"
	    "  --wlc-ca FILE          CA bundle that verifies the "
	    "controller\n"
	    "  --no-verify-wlc        do not verify the controller "
	    "(reported)\n"
	    "  --clock-skew SECONDS   AP clocks off by this much (may be "
	    "<0)\n"
	    "DTLS:\n"
	    "  --dtls-version 1.2|1.0|any   --ciphers LIST   --mtu BYTES\n"
	    "Impairment (see also scenarios/README.md):\n"
	    "  --rule 'TEXT'          an impairment rule, e.g. --rule "
	    "'dir=down\n"
	    "                         kind=dtls-handshake action=drop' "
	    "(repeatable)\n"
	    "Outputs:\n"
	    "  --json FILE            JSON report (histograms, rates, "
	    "diagnosis)\n"
	    "  --junit FILE           JUnit XML, one test case per "
	    "expectation\n"
	    "  --events FILE          every AP transition as JSON lines\n"
	    "  --metrics-listen ADDR:PORT   Prometheus text at /metrics\n"
	    "  --pcap FILE            pcapng of the wire with the DTLS keys "
	    "in it\n"
	    "  --pcap-at wlc|ap       where --pcap looks: the WLC's side of "
	    "the\n"
	    "                         impairments and NAT (default) or the "
	    "APs'\n"
	    "  --pcap-clear FILE      every control message decrypted, as "
	    "plain CAPWAP\n"
	    "  --keylog FILE          DTLS secrets (SSLKEYLOGFILE format)\n"
	    "  --progress             progress line even when not a "
	    "terminal\n"
	    "  -q, --quiet            no progress line\n"
	    "  -v, --verbose          log every state change\n"
	    "  --seed N               seed for every random choice "
	    "(default 1)\n",
	    f);
	fputs(sim_disc_usage, f);
	fputs("\n"
	      "Examples:\n"
	      "  capsim run --aps 200 --duration 60s --json r.json\n"
	      "  capsim run scenarios/vpn-dtls-return-drop.yaml --pcap "
	      "founding.pcapng\n"
	      "  capsim run --wlc 192.0.2.10 --profile c9130 --aps 50 "
	      "--junit j.xml\n",
	    f);
}

struct run_ctx {
	struct event_base *base;
	struct cs_engine *e;
	unsigned n_aps;
	bool verbose, quiet, progress, interrupted;
	uint64_t duration_ms;
	uint64_t seed;
	const char *name_prefix;
	struct cs_events *events;
	struct cs_capture *cap;
	const struct cs_scenario *scn;
	/* progress and the per-second join series */
	struct cs_progress_snap prev;
	uint32_t *joins_per_sec;
	size_t n_sec, cap_sec;
	uint64_t joins_seen;
	/* end of run: the diagnosis */
	struct cs_diagnosis diag;
	bool has_diag;
	char **rule_names;
	size_t n_rules;
};

static void
run_on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct run_ctx *rc = arg;
	struct timeval now = { 0, 0 };

	(void)sig;
	(void)what;
	if (rc->interrupted) /* second signal: exit at once */
		_exit(SIM_EXIT_RUNTIME);
	rc->interrupted = true;
	/* from now on the default action: a second signal ends the process
	 * at once, even while the APs stop and the reports are written */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	fprintf(stderr,
	    "\ncapsim: run: interrupted: stopping the APs and writing the "
	    "reports (again to quit at once)\n");
	/* leave after the callbacks already due (a second signal among
	 * them still counts) */
	event_base_loopexit(rc->base, &now);
}

static void
run_on_end(evutil_socket_t fd, short what, void *arg)
{
	struct run_ctx *rc = arg;

	(void)fd;
	(void)what;
	event_base_loopbreak(rc->base);
}

static void
run_snap(struct run_ctx *rc, struct cs_progress_snap *sn)
{
	const struct cs_metrics *m = cs_engine_metrics(rc->e);

	memset(sn, 0, sizeof(*sn));
	sn->t_ms = cs_engine_now_ms(rc->e);
	sn->aps = rc->n_aps;
	cs_engine_ap_states(rc->e, sn->states);
	sn->joins = m->joins;
	for (int p = 0; p < CS_PHASE__COUNT; p++)
		sn->failures[p] = m->failures_by_phase[p];
}

/* Once a second: the join series, and the progress line on a terminal. */
static void
run_on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct run_ctx *rc = arg;
	struct cs_progress_snap now;
	char line[256];

	(void)fd;
	(void)what;
	run_snap(rc, &now);
	if (rc->n_sec == rc->cap_sec) {
		size_t cap = rc->cap_sec ? rc->cap_sec * 2 : 64;
		uint32_t *v = realloc(rc->joins_per_sec, cap * sizeof(*v));

		if (v != NULL) {
			rc->joins_per_sec = v;
			rc->cap_sec = cap;
		}
	}
	if (rc->n_sec < rc->cap_sec)
		rc->joins_per_sec[rc->n_sec++] =
		    (uint32_t)(now.joins - rc->joins_seen);
	rc->joins_seen = now.joins;
	if (rc->events != NULL)
		cs_events_flush(rc->events);
	if (rc->progress &&
	    cs_progress_line(line, sizeof(line), &now,
	        rc->prev.t_ms || rc->prev.joins ? &rc->prev : NULL) >= 0)
		fprintf(stderr, "\r%s\033[K", line);
	rc->prev = now;
}

static void
run_on_ap_event(
    void *ctx, unsigned ap, const uint8_t mac[6], const struct cs_ap_event *ev)
{
	struct run_ctx *rc = ctx;
	char m[18];

	if (rc->events != NULL) {
		char name[64];
		struct cs_events_ap who = {
			.index = ap, .mac = mac, .name = name
		};

		snprintf(name, sizeof(name), "%s%05u", rc->name_prefix, ap + 1);
		cs_events_ap(rc->events, &who, ev);
	}
	if (!rc->verbose && ev->kind != CS_AP_EV_FAILURE)
		return;
	if (ev->kind != CS_AP_EV_STATE && ev->kind != CS_AP_EV_FAILURE)
		return;
	cs_pki_mac_str(mac, m);
	if (ev->kind == CS_AP_EV_FAILURE)
		fprintf(stderr, "%s%8.3f AP %u %s: %s failed: %s\n",
		    rc->progress ? "\r\033[K" : "", (double)ev->t_ms / 1000.0,
		    ap + 1, m, cs_phase_name(ev->phase),
		    ev->reason ? ev->reason : "?");
	else
		fprintf(stderr, "%8.3f AP %u %s: %s -> %s (%s)\n",
		    (double)ev->t_ms / 1000.0, ap + 1, m,
		    cs_ap_state_name(ev->from), cs_ap_state_name(ev->to),
		    ev->reason ? ev->reason : "");
}

static void
run_keylog(void *ctx, const char *line)
{
	cs_capture_keylog(ctx, line);
}

/* --- the scenario timeline -------------------------------------------- */

struct run_tl {
	struct run_ctx *rc;
	const struct cs_scn_event *ev;
	struct event *timer;
};

static bool
run_sel(void *ctx, unsigned ap, const uint8_t mac[6])
{
	struct run_tl *t = ctx;

	return cs_scn_apsel_match(&t->ev->sel, ap, mac, t->rc->seed);
}

static void
run_on_timeline(evutil_socket_t fd, short what, void *arg)
{
	struct run_tl *t = arg;
	struct run_ctx *rc = t->rc;
	const struct cs_scn_event *ev = t->ev;
	double at = (double)cs_engine_now_ms(rc->e) / 1000.0;
	const char *rule = "";
	unsigned n;

	(void)fd;
	(void)what;
	if ((ev->action == CS_SCN_ACT_ENABLE ||
	        ev->action == CS_SCN_ACT_DISABLE) &&
	    ev->rule_index < rc->n_rules)
		rule = rc->rule_names[ev->rule_index];
	switch (ev->action) {
	case CS_SCN_ACT_ENABLE:
	case CS_SCN_ACT_DISABLE:
		cs_engine_rule_enable(
		    rc->e, ev->rule_index, ev->action == CS_SCN_ACT_ENABLE);
		fprintf(stderr, "%scapsim: run: %.1f s: rule '%s' %s\n",
		    rc->progress ? "\r\033[K" : "", at, rule,
		    ev->action == CS_SCN_ACT_ENABLE ? "on" : "off");
		break;
	case CS_SCN_ACT_WLC_RESTART:
		if (cs_engine_wlc_restart(rc->e) < 0)
			fprintf(stderr,
			    "capsim: run: %.1f s: wlc-restart ignored: the "
			    "WLC is not embedded\n",
			    at);
		else
			fprintf(stderr, "%scapsim: run: %.1f s: WLC restart\n",
			    rc->progress ? "\r\033[K" : "", at);
		break;
	case CS_SCN_ACT_AP_REBOOT:
		n = cs_engine_ap_reboot(rc->e, run_sel, t);
		fprintf(stderr, "%scapsim: run: %.1f s: %u APs power-cycled\n",
		    rc->progress ? "\r\033[K" : "", at, n);
		break;
	case CS_SCN_ACT_LINK_DOWN:
		cs_engine_link_down(rc->e, ev->for_ms);
		fprintf(stderr, "%scapsim: run: %.1f s: link down for %.1f s\n",
		    rc->progress ? "\r\033[K" : "", at,
		    (double)ev->for_ms / 1000.0);
		break;
	case CS_SCN_ACT_NAT_REBIND:
		cs_engine_nat_rebind(rc->e);
		fprintf(stderr, "%scapsim: run: %.1f s: NAT rebinding\n",
		    rc->progress ? "\r\033[K" : "", at);
		break;
	case CS_SCN_ACT_NAT_EXPIRE:
		cs_engine_nat_expire(rc->e);
		fprintf(stderr, "%scapsim: run: %.1f s: NAT mappings expired\n",
		    rc->progress ? "\r\033[K" : "", at);
		break;
	}
}

/* --- /metrics ------------------------------------------------------------ */

static int
run_prom_fill(void *ctx, struct cs_prom_snapshot *snap)
{
	struct run_ctx *rc = ctx;

	snap->aps = rc->n_aps;
	cs_engine_ap_states(rc->e, snap->states);
	snap->m = cs_engine_metrics(rc->e);
	snap->uptime_s = (double)cs_engine_now_ms(rc->e) / 1000.0;
	return 0;
}

static int
run_timer_opt(const char *arg, uint32_t *ms)
{
	uint64_t v;

	if (sim_parse_duration_ms(arg, &v) < 0 || v == 0 || v > UINT32_MAX)
		return -EINVAL;
	*ms = (uint32_t)v;
	return 0;
}

/* Applies a scenario's settings; command-line options given afterwards
 * override them.  Returns 0 or an exit code. */
struct run_setup {
	struct cs_engine_cfg *ec;
	struct cs_dtls_cfg *dc, *wdc;
	uint32_t *wlc_ip;
	uint16_t *wlc_port;
	bool *embedded;
	const char **dtls_ver;
	const char **profile;
	enum cs_pki_broken *wlc_cert;
	bool *wlc_dtls_set;
	struct sim_disc *disc;
	struct run_ctx *rc;
};

static const char *
run_dtls_ver_name(enum cs_dtls_version v)
{
	return v == CS_DTLS_V1_0 ? "1.0" : v == CS_DTLS_V_ANY ? "any" : "1.2";
}

static int
run_apply_scenario(const struct cs_scenario *sc, struct run_setup *st)
{
	struct cs_engine_cfg *ec = st->ec;
	const struct cs_scn_aps *ap = &sc->aps;
	const struct cs_scn_wlc *w = &sc->wlc;

	ec->seed = sc->seed;
	st->rc->duration_ms = sc->duration_ms;
	ec->n_aps = ap->count;
	ec->ap_base_ip = ap->base_ip;
	memcpy(ec->ap_base_mac, ap->base_mac, 6);
	if (ap->name != NULL)
		ec->ap_name_prefix = ap->name;
	if (ap->profile != NULL)
		*st->profile = ap->profile;
	if (ap->discovery != CS_SCN_DISC_STATIC &&
	    sim_disc_opt(st->disc, 0, cs_scn_discovery_name(ap->discovery)) < 0)
		return SIM_EXIT_USAGE;
	ec->ap.skip_discovery = ap->skip_discovery;
	ec->ap_clock_skew_s = ap->clock_skew_s;
	st->dc->version = ap->dtls_version;
	*st->dtls_ver = run_dtls_ver_name(ap->dtls_version);
	st->dc->ciphers = ap->ciphers;
	if (ap->mtu)
		st->dc->mtu = st->wdc->mtu = ap->mtu;
	ec->ap_cert_kind = ap->cert;
	ec->rate = ap->rate_per_s;
	if (ap->max_inflight)
		ec->max_inflight = ap->max_inflight;
	ec->ap.image_policy = ap->image_policy;
	cs_scenario_apply_ap_timers(sc, &ec->ap);

	*st->embedded = w->embedded;
	if (w->embedded) {
		*st->wlc_ip = w->listen_ip;
		*st->wlc_port = w->listen_port;
	} else {
		*st->wlc_ip = w->address;
		*st->wlc_port = w->port;
	}
	if (ap->n_controllers > 0) {
		size_t n = ap->n_controllers;

		if (n > CS_AP_MAX_TARGETS)
			n = CS_AP_MAX_TARGETS;
		memcpy(ec->ap.targets, ap->controllers,
		    n * sizeof(ap->controllers[0]));
		ec->ap.target_count = (uint8_t)n;
	}
	ec->wlc.advertise_ip = w->advertise_ip;
	ec->wlc.max_wtps = w->has_max_aps ? w->max_aps : 1000000;
	ec->wlc.auth_enabled = w->auth_enabled;
	ec->wlc.auth_macs = (const uint8_t(*)[6])w->auth_macs;
	ec->wlc.auth_count = w->n_auth_macs;
	st->wdc->version = w->dtls_version;
	st->wdc->ciphers = w->ciphers;
	*st->wlc_dtls_set = true;
	*st->wlc_cert = w->cert;
	ec->wlc.cisco = w->cisco;
	if (w->echo_interval_ms)
		ec->wlc.echo_interval_s =
		    (uint8_t)((w->echo_interval_ms + 999) / 1000 > 255
		            ? 255
		            : (w->echo_interval_ms + 999) / 1000);
	if (w->discovery_interval_ms)
		ec->wlc.discovery_interval_s =
		    (uint8_t)((w->discovery_interval_ms + 999) / 1000 > 255
		            ? 255
		            : (w->discovery_interval_ms + 999) / 1000);
	if (w->wait_join_ms)
		ec->wlc.wait_join_ms = w->wait_join_ms;
	if (w->data_check_ms)
		ec->wlc.data_check_ms = w->data_check_ms;
	ec->wlc.image_size = w->image_size;
	ec->wlc.misbehave = w->misbehave;
	if (sc->nat.enabled)
		ec->nat = &sc->nat.cfg;
	return 0;
}

/* Whole seconds (rounded up) for a CAPWAP Timers field, 1..255. */
static uint8_t
run_secs_u8(uint32_t ms)
{
	uint32_t sec = (ms + 999) / 1000;

	return (uint8_t)(sec < 1 ? 1 : sec > 255 ? 255 : sec);
}

static void
run_print_diag(const struct cs_diagnosis *d, bool progress)
{
	fprintf(stderr, "%scapsim: run: diagnosis: %s (%u of %u APs)\n",
	    progress ? "\r\033[K" : "", d->code, d->aps_affected, d->aps);
	if (d->summary != NULL && d->summary[0])
		fprintf(stderr, "  %s\n", d->summary);
	if (d->hint != NULL && d->hint[0])
		fprintf(stderr, "  hint: %s\n", d->hint);
}

/* After the run: diagnosis, expectations, reports; returns the exit
 * code. */
static int
run_finish(struct run_ctx *rc, const struct cs_engine_cfg *ec,
    const struct cs_dtls_cfg *dc, const struct cs_scenario *scn,
    const char *wlcdesc, const char *dtls_ver, uint64_t elapsed_ms,
    const char *json_path, const char *junit_path)
{
	struct cs_run_summary s = { 0 };
	struct cs_expect_result *res = NULL;
	struct cs_report_diag rd = { 0 };
	struct cs_report_kv diag_counts[CS_DIAG__COUNT];
	struct cs_report_rule *rr = NULL;
	struct cs_report_kv(*rkv)[CS_REPORT_IMPAIR_COUNTERS] = NULL;
	struct cs_report_kv wkv[12], nkv[CS_REPORT_NAT_COUNTERS], lkv[1];
	struct cs_wlc_counters wc;
	struct cs_nat_stats ns;
	const struct cs_ap_facts **fp = NULL;
	struct cs_diag_ctx dctx;
	size_t n_expect = scn != NULL ? scn->n_expect : 0;
	unsigned failed_expect = 0;
	int exit_code = SIM_EXIT_RUNTIME;
	char *text = NULL;

	cs_engine_ap_states(rc->e, s.states);
	s.aps = ec->n_aps;
	for (unsigned i = 0; i < ec->n_aps; i++) {
		const struct cs_ap_track *t = cs_engine_ap_track(rc->e, i);

		s.joined += t->has_joined;
		s.in_run += t->in_run;
		s.failed += t->has_failed;
	}
	s.m = cs_engine_metrics(rc->e);
	for (unsigned i = 0; i < ec->n_aps; i++)
		s.left_run += cs_engine_ap_track(rc->e, i)->has_left_run;

	/* the diagnosis, from every AP's facts */
	if (ec->n_aps > 0 && (fp = calloc(ec->n_aps, sizeof(*fp))) != NULL) {
		for (unsigned i = 0; i < ec->n_aps; i++)
			fp[i] = cs_engine_ap_facts(rc->e, i);
		cs_engine_diag_ctx(rc->e, &dctx);
		if (cs_diagnose(fp, ec->n_aps, &dctx, &rc->diag) == 0)
			rc->has_diag = true;
	}
	if (rc->has_diag) {
		run_print_diag(&rc->diag, false);
		cs_report_diag_from(
		    &rd, diag_counts, CS_DIAG__COUNT, &rc->diag);
		s.diag = &rd;
	}

	/* impairment and NAT counters, WLC counters */
	rr = calloc(rc->n_rules + 2, sizeof(*rr)); /* + NAT, link down */
	if (rc->n_rules > 0 && rr != NULL &&
	    (rkv = calloc(rc->n_rules, sizeof(*rkv))) != NULL) {
		for (size_t i = 0; i < rc->n_rules; i++) {
			struct cs_impair_stats st = { 0 };

			cs_engine_rule_stats(rc->e, (unsigned)i, &st);
			cs_report_rule_impair(&rr[i], rkv[i],
			    rc->rule_names[i][0] ? rc->rule_names[i]
			                         : "(unnamed)",
			    &st);
		}
		s.rules = rr;
		s.n_rules = rc->n_rules;
	}
	if (cs_engine_nat_stats(rc->e, &ns) == 0 && rr != NULL) {
		cs_report_rule_nat(&rr[s.n_rules], nkv, "nat", &ns);
		s.rules = rr;
		s.n_rules++;
	}
	lkv[0] = (struct cs_report_kv){ "dropped", cs_engine_link_lost(rc->e) };
	if (lkv[0].value > 0 && rr != NULL) {
		/* the timeline's link-down windows */
		rr[s.n_rules].name = "link-down";
		rr[s.n_rules].counters = lkv;
		rr[s.n_rules].n_counters = 1;
		s.rules = rr;
		s.n_rules++;
	}
	if (cs_engine_wlc_counters(rc->e, &wc) == 0) {
		size_t n = 0;

		wkv[n++] = (struct cs_report_kv){ "discovery_requests",
			wc.discovery_rx };
		wkv[n++] = (struct cs_report_kv){ "client_hellos",
			fp != NULL ? dctx.wlc_client_hello : 0 };
		wkv[n++] =
		    (struct cs_report_kv){ "dtls_failed", wc.dtls_failed };
		wkv[n++] = (struct cs_report_kv){ "sessions", wc.sess_opened };
		wkv[n++] = (struct cs_report_kv){ "join_ok", wc.join_ok };
		wkv[n++] =
		    (struct cs_report_kv){ "join_failed", wc.join_failed };
		wkv[n++] =
		    (struct cs_report_kv){ "keepalives", wc.keepalive_rx };
		wkv[n++] = (struct cs_report_kv){ "echoes", wc.echo_rx };
		wkv[n++] = (struct cs_report_kv){ "restarts", wc.restarts };
		s.wlc_counters = wkv;
		s.n_wlc_counters = n;
	}

	/* expectations, measured from the summary the JSON report shows */
	if (n_expect > 0 && (res = calloc(n_expect, sizeof(*res))) != NULL) {
		for (size_t i = 0; i < n_expect; i++) {
			cs_expect_eval_summary(&scn->expect[i], &s, &res[i]);
			fprintf(stderr, "  %s %s\n",
			    res[i].pass ? "PASS" : "FAIL", res[i].message);
			failed_expect += !res[i].pass;
		}
		s.expect = res;
		s.n_expect = n_expect;
	}

	s.duration_s = (double)elapsed_ms / 1000.0;
	s.seed = ec->seed;
	s.wlc = wlcdesc;
	s.wlc_verify_off = dc->no_verify;
	s.dtls_version = dtls_ver;
	s.ciphers = dc->ciphers ? dc->ciphers : CS_DTLS_DEFAULT_CIPHERS;
	if (scn != NULL) {
		s.scenario_name = scn->name;
		s.scenario_file = scn->file;
	}
	s.joins_per_sec = rc->joins_per_sec;
	s.n_joins_per_sec = rc->n_sec;
	(void)cs_report_resources_get(&s.res);
	{
		const struct cs_hist *h = cs_engine_timer_lateness(rc->e);

		if (h->count > 0) {
			s.res.has_lateness = true;
			s.res.lateness_p50_ms =
			    (double)cs_hist_quantile(h, 0.5) / 1000.0;
			s.res.lateness_p99_ms =
			    (double)cs_hist_quantile(h, 0.99) / 1000.0;
			s.res.lateness_max_ms = (double)h->max_us / 1000.0;
		}
	}
	if (n_expect > 0)
		s.passed = !rc->interrupted && failed_expect == 0;
	else
		s.passed =
		    !rc->interrupted && s.in_run == s.aps && s.left_run == 0;
	fprintf(stderr,
	    "capsim: run: %u APs: %u joined, %u in Run at the end, %u had "
	    "failures; join p50 %.0f ms p99 %.0f ms%s\n",
	    s.aps, s.joined, s.in_run, s.failed,
	    (double)cs_hist_quantile(&s.m->lat[CS_LAT_TOTAL], 0.5) / 1000.0,
	    (double)cs_hist_quantile(&s.m->lat[CS_LAT_TOTAL], 0.99) / 1000.0,
	    n_expect == 0  ? ""
	        : s.passed ? "; expectations met"
	                   : "; expectations NOT met");
	exit_code = s.passed ? SIM_EXIT_OK : SIM_EXIT_FAILED;
	if (json_path != NULL) {
		text = cs_report_json(&s);
		if (text == NULL || cs_report_write(json_path, text) < 0) {
			fprintf(stderr, "capsim: run: cannot write %s: %s\n",
			    json_path, strerror(errno));
			exit_code = SIM_EXIT_RUNTIME;
		}
		free(text);
	}
	if (junit_path != NULL) {
		text = cs_report_junit(&s);
		if (text == NULL || cs_report_write(junit_path, text) < 0) {
			fprintf(stderr, "capsim: run: cannot write %s: %s\n",
			    junit_path, strerror(errno));
			exit_code = SIM_EXIT_RUNTIME;
		}
		free(text);
	}
	free(fp);
	free(res);
	free(rr);
	free(rkv);
	return exit_code;
}

int
sim_cmd_run(int argc, char **argv)
{
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
		O_RULE,
		O_PROFILE,
		O_PCAP_AT,
		O_WLC_CISCO,
		O_DISC, /* SIM_DISC_N of them */
	};
	static const struct option opts[] = {
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
		{ "max-discovery-interval", required_argument, NULL,
		    O_T_MAXDISC },
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
		{ "wlc-listen", required_argument, NULL, O_WLC_LISTEN },
		{ "workers", required_argument, NULL, O_WORKERS },
		{ "ramp", required_argument, NULL, O_RAMP },
		{ "junit", required_argument, NULL, O_JUNIT },
		{ "events", required_argument, NULL, O_EVENTS },
		{ "metrics-listen", required_argument, NULL, O_METRICS_LISTEN },
		{ "pcap", required_argument, NULL, O_PCAP },
		{ "pcap-clear", required_argument, NULL, O_PCAP_CLEAR },
		{ "keylog", required_argument, NULL, O_KEYLOG },
		{ "progress", no_argument, NULL, O_PROGRESS },
		{ "rule", required_argument, NULL, O_RULE },
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "pcap-at", required_argument, NULL, O_PCAP_AT },
		{ "wlc-cisco", no_argument, NULL, O_WLC_CISCO },
		SIM_DISC_OPTIONS(O_DISC),
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cs_engine_cfg ec = { 0 };
	struct cs_dtls_cfg dc, wdc;
	struct cs_dtls_ctx *dctx = NULL, *wctx = NULL;
	struct cs_pki *pki = NULL;
	struct cs_cred *ap_cred = NULL, *wlc_cred = NULL;
	struct cs_err err = { 0 };
	struct run_ctx rc = { 0 };
	struct sim_disc disc;
	struct cs_scenario *scn = NULL;
	struct cs_profile *prof = NULL;
	struct cs_metrics_http *http = NULL;
	struct cs_impair_rule *rules = NULL;
	struct run_tl *tl = NULL;
	size_t n_rules = 0, n_tl = 0;
	struct event *sigs[2] = { NULL, NULL }, *end = NULL, *tick = NULL;
	char pkidir[4096], wlcdesc[64], addr[16];
	const char *json_path = NULL, *ca_cert = NULL, *ca_key = NULL;
	const char *ap_cert = NULL, *ap_key = NULL, *wlc_ca = NULL;
	const char *junit_path = NULL, *events_path = NULL, *listen = NULL;
	const char *pcap_path = NULL, *clear_path = NULL, *keylog_path = NULL;
	const char *profile = NULL, *scn_path = NULL;
	const char *dtls_ver = "1.2";
	enum cs_pki_broken wlc_cert = CS_PKI_GOOD;
	bool wlc_dtls_set = false, force_progress = false;
	bool wlc_listen_given = false;
	uint32_t wlc_ip = 0;
	uint16_t wlc_port = CS_WLC_CONTROL_PORT;
	bool embedded = true;
	uint64_t v, run_elapsed_ms = 0;
	int c, r, exit_code = SIM_EXIT_RUNTIME;
	struct run_setup st = { &ec, &dc, &wdc, &wlc_ip, &wlc_port, &embedded,
		&dtls_ver, &profile, &wlc_cert, &wlc_dtls_set, &disc, &rc };

	sim_pki_default_dir(pkidir, sizeof(pkidir));
	cs_dtls_cfg_init(&dc, CS_DTLS_CLIENT);
	cs_dtls_cfg_init(&wdc, CS_DTLS_SERVER);
	cs_ap_cfg_defaults(&ec.ap);
	cs_wlc_cfg_defaults(&ec.wlc);
	sim_disc_init(&disc);
	ec.wlc.max_wtps = 1000000;
	ec.n_aps = 1;
	ec.seed = 1;
	ec.max_inflight = 256;
	{
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

		ec.workers = ncpu < 1              ? 1
		    : ncpu > CS_ENGINE_MAX_WORKERS ? CS_ENGINE_MAX_WORKERS
		                                   : (unsigned)ncpu;
	}
	cs_ipv4_parse("127.1.0.1", &ec.ap_base_ip);
	cs_pki_mac_parse("02:ca:75:00:00:01", ec.ap_base_mac);
	rc.duration_ms = 60000;
	rc.quiet = !isatty(STDERR_FILENO);

	/* pass 1: the scenario file (a positional argument), whose settings
	 * the options then override */
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1)
		;
	opterr = 1;
	if (optind < argc)
		scn_path = argv[optind];
	if (optind + 1 < argc) {
		fprintf(stderr, "capsim: run: unexpected argument '%s'\n",
		    argv[optind + 1]);
		return SIM_EXIT_USAGE;
	}
	if (scn_path != NULL) {
		if ((r = cs_scenario_load(&scn, scn_path, &err)) < 0) {
			if (r == -EINVAL)
				fprintf(stderr, "capsim: run: %s\n", err.what);
			else
				fprintf(stderr,
				    "capsim: run: cannot read %s: %s\n",
				    scn_path, strerror(-r));
			return SIM_EXIT_USAGE;
		}
		if ((r = run_apply_scenario(scn, &st)) != 0) {
			exit_code = r;
			goto out;
		}
	}

	/* pass 2: options */
	optind = 0;
	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		if (c >= O_DISC && c < O_DISC + SIM_DISC_N) {
			if (sim_disc_opt(&disc, c - O_DISC, optarg) < 0) {
				exit_code = SIM_EXIT_USAGE;
				goto out;
			}
			continue;
		}
		switch (c) {
		case O_WLC:
			if (sim_parse_addr_port(optarg, &wlc_ip, &wlc_port) < 0)
				goto bad_arg;
			embedded = false;
			break;
		case O_APS:
			if (sim_parse_uint(optarg, 1, 1000000, &v) < 0)
				goto bad_arg;
			ec.n_aps = (unsigned)v;
			break;
		case O_DURATION:
			if (sim_parse_duration_ms(optarg, &rc.duration_ms) < 0)
				goto bad_arg;
			break;
		case O_JSON:
			json_path = optarg;
			break;
		case O_BASE_IP:
			if (cs_ipv4_parse(optarg, &ec.ap_base_ip) < 0)
				goto bad_arg;
			break;
		case O_BASE_MAC:
			if (cs_pki_mac_parse(optarg, ec.ap_base_mac) < 0)
				goto bad_arg;
			break;
		case O_NAME:
			ec.ap_name_prefix = optarg;
			break;
		case O_RATE:
			ec.rate = strtod(optarg, NULL);
			if (ec.rate <= 0)
				goto bad_arg;
			break;
		case O_WORKERS:
			if (sim_parse_uint(
			        optarg, 1, CS_ENGINE_MAX_WORKERS, &v) < 0)
				goto bad_arg;
			ec.workers = (unsigned)v;
			break;
		case O_RAMP:
			if (sim_parse_duration_ms(optarg, &v) < 0)
				goto bad_arg;
			ec.rate_ramp_s = (double)v / 1000.0;
			break;
		case O_INFLIGHT:
			if (sim_parse_uint(optarg, 0, 1000000, &v) < 0)
				goto bad_arg;
			ec.max_inflight = (unsigned)v;
			break;
		case O_IMAGE:
			if (strcmp(optarg, "adopt") == 0)
				ec.ap.image_policy = CS_AP_IMAGE_ADOPT;
			else if (strcmp(optarg, "download") == 0)
				ec.ap.image_policy = CS_AP_IMAGE_DOWNLOAD;
			else
				goto bad_arg;
			break;
		case O_SKIP_DISC:
			ec.ap.skip_discovery = true;
			break;
		case O_T_DISC:
			if (run_timer_opt(
			        optarg, &ec.ap.discovery_interval_ms) < 0)
				goto bad_arg;
			break;
		case O_T_MAXDISC:
			if (run_timer_opt(
			        optarg, &ec.ap.max_discovery_interval_ms) < 0)
				goto bad_arg;
			break;
		case O_T_ECHO:
			if (run_timer_opt(optarg, &ec.ap.echo_interval_ms) < 0)
				goto bad_arg;
			break;
		case O_T_KA:
			if (run_timer_opt(optarg, &ec.ap.keepalive_ms) < 0)
				goto bad_arg;
			break;
		case O_T_RETR:
			if (run_timer_opt(
			        optarg, &ec.ap.retransmit_interval_ms) < 0)
				goto bad_arg;
			break;
		case O_MAX_RETR:
			if (sim_parse_uint(optarg, 0, 100, &v) < 0)
				goto bad_arg;
			ec.ap.max_retransmit = (uint32_t)v;
			break;
		case O_T_WAITDTLS:
			if (run_timer_opt(optarg, &ec.ap.wait_dtls_ms) < 0)
				goto bad_arg;
			break;
		case O_T_SILENT:
			if (run_timer_opt(optarg, &ec.ap.silent_interval_ms) <
			    0)
				goto bad_arg;
			break;
		case O_T_DEAD:
			if (run_timer_opt(optarg, &ec.ap.data_dead_ms) < 0)
				goto bad_arg;
			break;
		case O_PKI:
			snprintf(pkidir, sizeof(pkidir), "%s", optarg);
			break;
		case O_CA_CERT:
			ca_cert = optarg;
			break;
		case O_CA_KEY:
			ca_key = optarg;
			break;
		case O_AP_CERT:
			ap_cert = optarg;
			break;
		case O_AP_KEY:
			ap_key = optarg;
			break;
		case O_WLC_CA:
			wlc_ca = optarg;
			break;
		case O_NO_VERIFY:
			dc.no_verify = true;
			break;
		case O_SKEW: {
			char *endp;
			long long s = strtoll(optarg, &endp, 10);

			if (*endp != '\0')
				goto bad_arg;
			ec.ap_clock_skew_s = s;
			break;
		}
		case O_VERSION:
			if (sim_parse_dtls_version(optarg, &dc.version) < 0)
				goto bad_arg;
			dtls_ver = optarg;
			break;
		case O_CIPHERS:
			dc.ciphers = optarg;
			break;
		case O_MTU:
			if (sim_parse_uint(optarg, CS_DTLS_MIN_MTU, 65000, &v) <
			    0)
				goto bad_arg;
			dc.mtu = (unsigned)v;
			wdc.mtu = (unsigned)v;
			break;
		case O_SEED:
			if (sim_parse_uint(optarg, 0, UINT64_MAX, &ec.seed) < 0)
				goto bad_arg;
			break;
		case O_WLC_LISTEN:
			if (sim_parse_addr_port(optarg, &wlc_ip, &wlc_port) < 0)
				goto bad_arg;
			wlc_listen_given = true;
			break;
		case O_WLC_CISCO:
			ec.wlc.cisco = true;
			break;
		case O_WLC_MAX:
			if (sim_parse_uint(optarg, 0, 10000000, &v) < 0)
				goto bad_arg;
			ec.wlc.max_wtps = (uint32_t)v;
			break;
		case O_JUNIT:
			junit_path = optarg;
			break;
		case O_EVENTS:
			events_path = optarg;
			break;
		case O_METRICS_LISTEN:
			listen = optarg;
			break;
		case O_PCAP:
			pcap_path = optarg;
			break;
		case O_PCAP_CLEAR:
			clear_path = optarg;
			break;
		case O_KEYLOG:
			keylog_path = optarg;
			break;
		case O_PROGRESS:
			force_progress = true;
			break;
		case O_RULE: {
			struct cs_impair_rule *nr =
			    realloc(rules, (n_rules + 1) * sizeof(*nr));

			if (nr == NULL)
				goto out;
			rules = nr;
			if (cs_impair_rule_parse(
			        optarg, &rules[n_rules], &err) < 0) {
				fprintf(stderr,
				    "capsim: run: --rule '%s': at offset %zu: "
				    "%s\n",
				    optarg, err.offset, err.what);
				exit_code = SIM_EXIT_USAGE;
				goto out;
			}
			n_rules++;
			break;
		}
		case O_PROFILE:
			profile = optarg;
			break;
		case O_PCAP_AT:
			if (strcmp(optarg, "ap") == 0)
				ec.capture_at_ap = true;
			else if (strcmp(optarg, "wlc") == 0)
				ec.capture_at_ap = false;
			else
				goto bad_arg;
			break;
		case 'q':
			rc.quiet = true;
			break;
		case 'v':
			rc.verbose = true;
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
	if ((ap_cert == NULL) != (ap_key == NULL)) {
		fprintf(stderr,
		    "capsim: run: --ap-cert and --ap-key go together\n");
		exit_code = SIM_EXIT_USAGE;
		goto out;
	}
	/* APs that find their controllers by DHCP or DNS do not need the
	 * embedded one, unless it is placed explicitly */
	if (disc.enabled && disc.mode != CS_DISC_MODE_STATIC && embedded &&
	    !wlc_listen_given)
		embedded = false;
	rc.progress = force_progress || !rc.quiet;
	rc.seed = ec.seed;
	rc.scn = scn;
	rc.name_prefix = ec.ap_name_prefix ? ec.ap_name_prefix : "capsim-ap-";
	if (embedded && wlc_ip == 0)
		cs_ipv4_parse("127.0.0.1", &wlc_ip);
	if (ec.ap.target_count == 0 || scn == NULL ||
	    scn->aps.n_controllers == 0) {
		ec.ap.targets[0] = wlc_ip;
		ec.ap.target_count = 1;
	}
	ec.ap.ac_port = wlc_port;

	/* the model profile (shared by every AP) */
	if (profile != NULL) {
		char why[256];

		if ((r = cs_profile_load(
		         &prof, profile, NULL, why, sizeof(why))) < 0) {
			fprintf(stderr, "capsim: run: profile %s: %s\n",
			    profile, why);
			exit_code = SIM_EXIT_USAGE;
			goto out;
		}
		if ((r = cs_profile_apply(prof, &ec.ap)) < 0) {
			fprintf(stderr, "capsim: run: profile %s: %s\n",
			    profile, strerror(-r));
			exit_code = SIM_EXIT_USAGE;
			goto out;
		}
		/* the model's option 60 unless --vendor-class said otherwise */
		if (prof->option60 != NULL &&
		    strcmp(disc.vendor_class, "Cisco AP c2700") == 0)
			disc.vendor_class = prof->option60;
	}

	/* impairment rules: the scenario's, then --rule ones */
	if (scn != NULL && scn->n_impairments > 0) {
		struct cs_impair_rule *nr = realloc(
		    rules, (n_rules + scn->n_impairments) * sizeof(*nr));

		if (nr == NULL)
			goto out;
		rules = nr;
		memmove(rules + scn->n_impairments, rules,
		    n_rules * sizeof(*rules));
		for (size_t i = 0; i < scn->n_impairments; i++)
			rules[i] = scn->impairments[i].rule;
		n_rules += scn->n_impairments;
	}
	ec.rules = rules;
	ec.n_rules = n_rules;
	if (n_rules > 0 &&
	    (rc.rule_names = calloc(n_rules, sizeof(*rc.rule_names))) != NULL) {
		for (size_t i = 0; i < n_rules; i++)
			rc.rule_names[i] = rules[i].name;
		rc.n_rules = n_rules;
	}

	/* captures and the event log */
	if (pcap_path != NULL || clear_path != NULL || keylog_path != NULL) {
		struct cs_capture_cfg cc = { .pcap_path = pcap_path,
			.clear_path = clear_path,
			.keylog_path = keylog_path };

		if (cs_capture_open(&rc.cap, &cc, &err) < 0) {
			fprintf(stderr, "capsim: run: %s\n", err.what);
			exit_code = SIM_EXIT_USAGE;
			goto out;
		}
		ec.capture = rc.cap;
		dc.keylog = run_keylog;
		dc.keylog_ctx = rc.cap;
	}
	if (events_path != NULL &&
	    (r = cs_events_open(&rc.events, events_path)) < 0) {
		fprintf(stderr, "capsim: run: cannot write %s: %s\n",
		    events_path, strerror(-r));
		exit_code = SIM_EXIT_USAGE;
		goto out;
	}

	/* PKI: AP certificates from the lab CA (or the user's), the
	 * controller verified against the lab CA (or --wlc-ca). */
	if (ap_cert != NULL) {
		if ((r = cs_cred_load(&ap_cred, ap_cert, ap_key)) < 0) {
			fprintf(stderr,
			    "capsim: run: cannot load %s / %s: %s\n", ap_cert,
			    ap_key, strerror(-r));
			exit_code = SIM_EXIT_USAGE;
			goto out;
		}
		ec.ap_cred = ap_cred;
	}
	if (ap_cert == NULL || wlc_ca == NULL || embedded) {
		if (sim_pki_open(&pki, pkidir, ca_cert, ca_key, &sim_log) < 0) {
			exit_code = SIM_EXIT_USAGE;
			goto out;
		}
		if (ap_cert == NULL)
			ec.ap_pki = pki;
	}
	dc.trust = wlc_ca == NULL ? cs_pki_ca(pki) : NULL;
	dc.ca_file = wlc_ca;
	dc.log = &sim_log_verbose;
	if ((r = cs_dtls_ctx_new(&dctx, &dc, &err)) < 0) {
		fprintf(stderr, "capsim: run: DTLS setup failed: %s\n",
		    err.what ? err.what : strerror(-r));
		exit_code = SIM_EXIT_USAGE;
		goto out;
	}
	ec.ap_dtls = dctx;
	if (dc.no_verify)
		fprintf(stderr,
		    "capsim: run: WARNING: the controller's "
		    "certificate is NOT verified (--no-verify-wlc)\n");
	if (embedded) {
		if (wlc_cert != CS_PKI_GOOD &&
		    (r = cs_pki_issue_wlc(pki, wlc_cert, &wlc_cred)) < 0) {
			fprintf(stderr,
			    "capsim: run: cannot issue the WLC certificate: "
			    "%s\n",
			    strerror(-r));
			goto out;
		}
		wdc.cred = wlc_cred != NULL ? wlc_cred : cs_pki_wlc(pki);
		wdc.trust = cs_pki_ca(pki);
		if (!wlc_dtls_set) {
			wdc.version = dc.version;
			wdc.ciphers = dc.ciphers;
		}
		wdc.log = &sim_log_verbose;
		if ((r = cs_dtls_ctx_new(&wctx, &wdc, &err)) < 0) {
			fprintf(stderr,
			    "capsim: run: WLC DTLS setup failed: %s\n",
			    err.what ? err.what : strerror(-r));
			goto out;
		}
		ec.wlc_enabled = true;
		ec.wlc_dtls = wctx;
		ec.wlc_port = wlc_port;
		ec.wlc.listen_ip = wlc_ip;
		ec.wlc.log = sim_log_verbose;
		/* the embedded WLC hands out the AP's own echo interval in
		 * CAPWAP Timers (whole seconds, RFC 5415 §4.6.13) unless the
		 * scenario sets the WLC's */
		if (scn == NULL || scn->wlc.echo_interval_ms == 0)
			ec.wlc.echo_interval_s =
			    run_secs_u8(ec.ap.echo_interval_ms);
		/* and the APs' MaxDiscoveryInterval, which they adopt from
		 * CAPWAP Timers after a join (a rejoin must not wait the
		 * RFC default 20 s when the lab runs short timers) */
		if (scn == NULL || scn->wlc.discovery_interval_ms == 0)
			ec.wlc.discovery_interval_s =
			    run_secs_u8(ec.ap.max_discovery_interval_ms);
		snprintf(wlcdesc, sizeof(wlcdesc), "embedded %s:%u",
		    cs_ipv4_str(wlc_ip, addr), wlc_port);
	} else {
		snprintf(wlcdesc, sizeof(wlcdesc), "%s:%u",
		    cs_ipv4_str(wlc_ip, addr), wlc_port);
	}

	if ((rc.base = event_base_new()) == NULL)
		goto out;
	if (disc.enabled && (r = sim_disc_run(&disc, &ec, rc.base)) != 0) {
		exit_code = r;
		goto out;
	}
	rc.n_aps = ec.n_aps;
	ec.log = &sim_log;
	ec.on_ap_event = run_on_ap_event;
	ec.obs_ctx = &rc;
	if ((r = cs_engine_new(&rc.e, &ec)) < 0) {
		exit_code = r == -EINVAL || r == -EADDRNOTAVAIL
		    ? SIM_EXIT_USAGE
		    : SIM_EXIT_RUNTIME;
		goto out;
	}
	if (listen != NULL) {
		struct cs_metrics_http_ops ops = { .fill = run_prom_fill,
			.ctx = &rc };

		if ((r = cs_metrics_http_new(&http, rc.base, listen, &ops)) <
		    0) {
			fprintf(stderr,
			    "capsim: run: cannot serve /metrics on %s: %s\n",
			    listen, strerror(-r));
			exit_code = SIM_EXIT_USAGE;
			goto out;
		}
		fprintf(stderr,
		    "capsim: run: Prometheus metrics at http://%s/metrics\n",
		    listen);
	}
	sigs[0] = evsignal_new(rc.base, SIGINT, run_on_signal, &rc);
	sigs[1] = evsignal_new(rc.base, SIGTERM, run_on_signal, &rc);
	for (int i = 0; i < 2; i++)
		if (sigs[i] != NULL)
			evsignal_add(sigs[i], NULL);
	end = evtimer_new(rc.base, run_on_end, &rc);
	{
		struct timeval tv = { (time_t)(rc.duration_ms / 1000),
			(suseconds_t)(rc.duration_ms % 1000) * 1000 };
		struct timeval one = { 1, 0 };

		evtimer_add(end, &tv);
		tick = event_new(rc.base, -1, EV_PERSIST, run_on_tick, &rc);
		event_add(tick, &one);
	}
	if (scn != NULL && scn->n_timeline > 0 &&
	    (tl = calloc(scn->n_timeline, sizeof(*tl))) != NULL) {
		for (size_t i = 0; i < scn->n_timeline; i++) {
			struct timeval tv = { (time_t)(scn->timeline[i].at_ms /
				                  1000),
				(suseconds_t)(scn->timeline[i].at_ms % 1000) *
				    1000 };

			tl[i].rc = &rc;
			tl[i].ev = &scn->timeline[i];
			tl[i].timer =
			    evtimer_new(rc.base, run_on_timeline, &tl[i]);
			if (tl[i].timer != NULL)
				evtimer_add(tl[i].timer, &tv);
			n_tl = i + 1;
		}
	}
	fprintf(stderr,
	    "capsim: run: %s%s%s%u APs from %s against %s for %.1f s\n",
	    scn != NULL ? "scenario " : "", scn != NULL ? scn->name : "",
	    scn != NULL ? ": " : "", ec.n_aps, cs_ipv4_str(ec.ap_base_ip, addr),
	    wlcdesc, (double)rc.duration_ms / 1000.0);
	cs_engine_start(rc.e);
	event_base_dispatch(rc.base);
	if (rc.progress)
		fprintf(stderr, "\n");
	run_elapsed_ms = cs_engine_now_ms(rc.e);
	/* APs send close_notify; workers stop; results are final */
	cs_engine_stop(rc.e);
	exit_code = run_finish(&rc, &ec, &dc, scn, wlcdesc, dtls_ver,
	    run_elapsed_ms, json_path, junit_path);
out:
	for (int i = 0; i < 2; i++)
		if (sigs[i] != NULL)
			event_free(sigs[i]);
	for (size_t i = 0; i < n_tl; i++)
		if (tl[i].timer != NULL)
			event_free(tl[i].timer);
	free(tl);
	if (end != NULL)
		event_free(end);
	if (tick != NULL)
		event_free(tick);
	cs_metrics_http_free(http);
	cs_engine_free(rc.e);
	if (rc.cap != NULL && cs_capture_close(rc.cap, &err) < 0) {
		fprintf(stderr, "capsim: run: capture: %s\n", err.what);
		if (exit_code == SIM_EXIT_OK)
			exit_code = SIM_EXIT_RUNTIME;
	}
	if (rc.events != NULL && cs_events_close(rc.events) < 0) {
		fprintf(
		    stderr, "capsim: run: writing %s failed\n", events_path);
		if (exit_code == SIM_EXIT_OK)
			exit_code = SIM_EXIT_RUNTIME;
	}
	sim_disc_free(&disc);
	if (rc.base != NULL)
		event_base_free(rc.base);
	if (rc.has_diag)
		cs_diagnosis_free(&rc.diag);
	free(rc.joins_per_sec);
	free(rc.rule_names);
	free(rules);
	cs_profile_free(prof);
	cs_scenario_free(scn);
	cs_dtls_ctx_free(dctx);
	cs_dtls_ctx_free(wctx);
	cs_cred_free(ap_cred);
	cs_cred_free(wlc_cred);
	cs_pki_free(pki);
	return exit_code;
bad_arg:
	fprintf(stderr, "capsim: run: invalid value '%s' for --%s\n", optarg,
	    opts[c - O_WLC].name);
	exit_code = SIM_EXIT_USAGE;
	goto out;
}
