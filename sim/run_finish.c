/* SPDX-License-Identifier: MIT */
/*
 * The end of `capsim run`: the diagnosis printed, the report (JSON,
 * JUnit) built from the engine's final numbers and written, the exit
 * code from the expectations.
 */
#include "run_ctx.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capsim/capture.h"
#include "capsim/client_metrics.h"
#include "capsim/diagnose.h"
#include "capsim/diagnose_clients.h"
#include "capsim/dtls.h"
#include "capsim/events.h"
#include "capsim/impair.h"
#include "capsim/pki.h"
#include "capsim/udp.h"
#include "capsim/values.h"
#include "run_peer.h"
#include "run_shard.h"
#include "sim.h"
#include "simutil.h"

/* Name, MAC and address of every AP, for the causes in the reports. */
struct run_names {
	char (*name)[40];
	char (*mac)[18];
	char (*addr)[16];
	struct cs_report_ap *aps;
};

static int
run_names_build(
    struct run_names *nm, const struct cs_engine_cfg *ec, const char *prefix)
{
	unsigned n = ec->n_aps;

	nm->name = calloc(n ? n : 1, sizeof(*nm->name));
	nm->mac = calloc(n ? n : 1, sizeof(*nm->mac));
	nm->addr = calloc(n ? n : 1, sizeof(*nm->addr));
	nm->aps = calloc(n ? n : 1, sizeof(*nm->aps));
	if (nm->name == NULL || nm->mac == NULL || nm->addr == NULL ||
	    nm->aps == NULL)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		uint8_t mac[6];

		/* AP i: the engine's identity (capsim/values.h), base IP + i;
		 * the engine refused a base MAC the APs run past */
		cs_ap_id_name(prefix, ec->ap_index_base + i, nm->name[i],
		    sizeof(nm->name[i]));
		if (cs_ap_id_mac(ec->ap_base_mac, i, mac) < 0)
			return -ERANGE;
		cs_val_mac_str(mac, nm->mac[i]);
		cs_ipv4_str(ec->ap_base_ip + i, nm->addr[i]);
		nm->aps[i].name = nm->name[i];
		nm->aps[i].mac = nm->mac[i];
		nm->aps[i].address = nm->addr[i];
	}
	return 0;
}

static void
run_names_free(struct run_names *nm)
{
	free(nm->name);
	free(nm->mac);
	free(nm->addr);
	free(nm->aps);
}

/* Start-up (the lab PKI, 20 000 APs' sockets) can take many seconds
 * before the event loop owns SIGINT/SIGTERM: a signal then is remembered
 * and the run ends as soon as the engine exists, with its reports marked
 * interrupted; a second one exits at once. */
static void
run_print_diag(const struct cs_diagnosis *d, const struct cs_report_diag *rd,
    bool progress)
{
	fprintf(stderr,
	    "%scapsim: run: diagnosis: %s (confidence %s; %u of %u APs)\n",
	    progress ? "\r\033[K" : "", d->code,
	    cs_diag_conf_name(d->confidence), d->aps_affected, d->aps);
	if (d->summary != NULL && d->summary[0])
		fprintf(stderr, "  %s\n", d->summary);
	for (size_t i = 0; rd != NULL && i < rd->n_causes; i++) {
		const struct cs_report_cause *c = &rd->causes[i];

		fprintf(stderr, "  %s: %u AP%s (%s)%s%s\n", c->cause, c->aps,
		    c->aps == 1 ? "" : "s", c->confidence,
		    c->ap_names != NULL ? ": " : "",
		    c->ap_names != NULL ? c->ap_names : "");
	}
	if (d->hint != NULL && d->hint[0])
		fprintf(stderr, "  hint: %s\n", d->hint);
	if (d->self_bad)
		fprintf(stderr,
		    "capsim: run: capsim itself limited this run: %s\n",
		    d->self_text != NULL ? d->self_text : "see the diagnosis");
	else if (d->self_text != NULL)
		fprintf(stderr, "capsim: run: warning: %s\n", d->self_text);
}

_Static_assert(CS_REPORT_ADMIT_CAUSES == CS_ADMIT_CAUSE__COUNT,
    "the report carries every admission cause");

/* capsim's own health from the engine into the report (issue 12). */
static void
run_health(struct cs_engine *e, struct cs_report_resources *res)
{
	struct cs_engine_health h;

	if (cs_engine_health(e, &h) < 0)
		return;
	res->has_health = true;
	res->rxq_drops = h.rxq_drops;
	res->rcvbuf_bytes = h.rcvbuf_bytes;
	res->hs_waiting = h.hs_waiting;
	res->hs_queue_own = h.hs_queue_own;
	if (h.hs_wait_us.count > 0) {
		res->hs_wait_p99_ms =
		    (double)cs_hist_quantile(&h.hs_wait_us, 0.99) / 1000.0;
		res->hs_wait_max_ms = (double)h.hs_wait_us.max_us / 1000.0;
	}
	/* the APs still waiting waited at least this long */
	if ((double)h.hs_wait_open_ms > res->hs_wait_max_ms)
		res->hs_wait_max_ms = (double)h.hs_wait_open_ms;
	res->hs_window = h.hs_window;
	res->hs_window_min = h.hs_window_min;
	res->hs_window_cuts = h.hs_window_cuts;
	for (unsigned c = 0; c < CS_REPORT_ADMIT_CAUSES; c++)
		res->hs_window_cuts_by[c] = h.hs_window_cuts_by[c];
	res->hs_losses = h.hs_losses;
	res->loop_turns = h.turns;
	res->loop_budget_hits = h.budget_hits;
	res->loop_timers_inline = h.timers_inline;
	res->stale_flights = h.stale_flights;
	res->frag_msgs_split = h.frag_msgs_split;
	res->frag_sent = h.frag_sent;
	res->frag_rcvd = h.frag_rcvd;
	res->frag_reassembled = h.frag_reassembled;
	res->frag_sets_dropped = h.frag_sets_dropped;
	res->frag_peer_evicted = h.frag_peer_evicted;
	res->frag_cap_drops = h.frag_cap_drops;
	res->n_workers = h.n_workers < CS_REPORT_MAX_WORKERS
	    ? h.n_workers
	    : CS_REPORT_MAX_WORKERS;
	for (unsigned k = 0; k < res->n_workers; k++)
		res->worker_cpu_s[k] = h.cpu_s[k];
	cs_engine_health_free(&h);
	(void)cs_report_health_limited(res);
}

/* After the run: diagnosis, expectations, reports; returns the exit
 * code. */
/* Writes text into a report opened at start and renames it into place. */
static int
run_write(struct cs_ofile **of, const char *text)
{
	char why[512];
	FILE *f;

	if (*of == NULL)
		return 0;
	f = cs_ofile_fp(*of);
	if (text == NULL || fputs(text, f) == EOF) {
		fprintf(stderr, "capsim: run: cannot write %s: %s\n",
		    cs_ofile_path(*of),
		    text == NULL ? "out of memory" : strerror(errno));
		cs_ofile_discard(*of);
		*of = NULL;
		return -EIO;
	}
	if (cs_ofile_commit(*of, why, sizeof(why)) < 0) {
		*of = NULL;
		fprintf(stderr, "capsim: run: cannot write %s\n", why);
		return -EIO;
	}
	*of = NULL;
	return 0;
}

/* What the end of a run builds: the summary the reports show and the
 * storage its pointers lead to. */
struct run_fin {
	struct cs_run_summary s;
	struct cs_expect_result *res;
	struct cs_report_diag rd;
	struct cs_report_kv diag_counts[CS_DIAG__COUNT];
	struct cs_report_rule *rr;
	struct cs_report_kv (*rkv)[CS_REPORT_IMPAIR_COUNTERS];
	struct cs_report_kv wkv[26], nkv[CS_REPORT_NAT_COUNTERS], lkv[1];
	uint64_t msg_rx[CS_WLC_MSG_SLOTS], msg_tx[CS_WLC_MSG_SLOTS];
	const struct cs_ap_facts **fp;
	struct cs_diag_ctx dctx;
	struct run_names nm;
	struct cs_report_causes rcs;
	struct cs_report_ap_result *apr; /* a shard's per-AP results */
	size_t n_expect;
	unsigned failed_expect;
	char host[256];
	struct cs_client_metrics cm;   /* the wireless clients, merged */
	struct cs_client_diagnosis cd; /* ... and their diagnosis */
	bool has_cd;
	size_t cl_configured, cl_never_started; /* stations of the APs */
	struct cs_client_facts *cf;             /* ... and their facts */
};

/* The APs' states and counts. */
static void
run_fin_clients_diag(struct run_fin *f, struct run_ctx *rc)
{
	struct cs_client_facts *cf = NULL;
	size_t n = 0;

	if (f->s.clients == NULL ||
	    cs_engine_client_facts(rc->e, &cf, &n) < 0 || n == 0) {
		free(cf);
		return;
	}
	f->cl_configured = n;
	for (size_t i = 0; i < n; i++)
		f->cl_never_started += cf[i].never_started;
	if (cs_diagnose_clients(cf, n, &f->cd) == 0) {
		f->has_cd = true;
		f->s.client_diag = &f->cd;
	}
	/* a shard's report lists every client's facts for `capsim merge`;
	 * --per-ap lists them as it lists the APs */
	if ((rc->shard != NULL && rc->shard->enabled) || rc->per_ap) {
		f->cf = cf;
		f->s.client_facts = cf;
		f->s.n_client_facts = n;
	} else {
		free(cf);
	}
}

static void
run_fin_counts(
    struct run_fin *f, struct run_ctx *rc, const struct cs_engine_cfg *ec)
{
	struct cs_run_summary *s = &f->s;

	cs_engine_ap_states(rc->e, s->states);
	s->aps = ec->n_aps;
	for (unsigned i = 0; i < ec->n_aps; i++) {
		const struct cs_ap_track *t = cs_engine_ap_track(rc->e, i);

		s->joined += t->has_joined;
		s->in_run += t->in_run;
		s->failed += t->has_failed;
	}
	s->m = cs_engine_metrics(rc->e);
	for (unsigned i = 0; i < ec->n_aps; i++)
		s->left_run += cs_engine_ap_track(rc->e, i)->has_left_run;
	if (ec->clients.per_ap > 0 &&
	    cs_engine_client_metrics(rc->e, &f->cm) == 0)
		s->clients = &f->cm;
	run_fin_clients_diag(f, rc);
}

/* The diagnosis, from every AP's facts; printed, and its causes named. */
static void
run_fin_diag(struct run_fin *f, struct run_ctx *rc,
    const struct cs_engine_cfg *ec, uint64_t elapsed_ms)
{
	if (ec->n_aps > 0 &&
	    (f->fp = calloc(ec->n_aps, sizeof(*f->fp))) != NULL) {
		for (unsigned i = 0; i < ec->n_aps; i++)
			f->fp[i] = cs_engine_ap_facts(rc->e, i);
		cs_engine_diag_ctx(rc->e, &f->dctx);
		/* capsim's side of it: how long it ran against how long the
		 * APs need to start and discover (RFC 5415 §4.7.10: the
		 * first Discovery Request waits up to MaxDiscoveryInterval),
		 * and whether the route was there at all */
		f->dctx.self.run_ms = elapsed_ms;
		f->dctx.self.discovery_window_ms =
		    (uint32_t)((ec->rate > 0
		                       ? (double)ec->n_aps / ec->rate * 1000.0
		                       : 0.0) +
		        ec->rate_ramp_s * 1000.0 +
		        (ec->ap.skip_discovery
		                ? 0.0
		                : (double)ec->ap.max_discovery_interval_ms +
		                    ec->ap.discovery_interval_ms));
		f->dctx.self.route_err = rc->route_err;
		snprintf(f->dctx.self.route_detail,
		    sizeof(f->dctx.self.route_detail), "%s",
		    rc->route_err != 0 ? rc->route_detail : "");
		/* --peer-pcap: the controller's side (wire_ctx is its) */
		sim_run_peer_facts(ec->wire_ctx, f->fp, ec->n_aps);
		if (ec->on_ap_wire == sim_run_peer_wire)
			f->s.peer = sim_run_peer_report(ec->wire_ctx);
		if (cs_diagnose(f->fp, ec->n_aps, &f->dctx, &rc->diag) == 0)
			rc->has_diag = true;
	}
	if (!rc->has_diag)
		return;
	cs_report_diag_from(&f->rd, f->diag_counts, CS_DIAG__COUNT, &rc->diag);
	if (run_names_build(&f->nm, ec,
	        rc->name_prefix != NULL          ? rc->name_prefix
	            : ec->ap_name_prefix != NULL ? ec->ap_name_prefix
	                                         : "capsim-ap-") < 0 ||
	    cs_report_causes_build(
	        &f->rcs, &f->rd, &rc->diag, f->nm.aps, ec->n_aps, 16) < 0)
		fputs("capsim: run: out of memory naming the APs\n", stderr);
	run_print_diag(&rc->diag, &f->rd, false);
	f->s.diag = &f->rd;
}

/* A shard's report carries every AP's facts: `capsim merge` diagnoses all
 * shards' APs as one run.  --per-ap gives every AP's status and last
 * failure without the facts. */
static void
run_fin_shard(
    struct run_fin *f, struct run_ctx *rc, const struct cs_engine_cfg *ec)
{
	bool shard = rc->shard != NULL && rc->shard->enabled && f->fp != NULL;

	if (!shard && !rc->per_ap)
		return;
	if (shard) {
		f->s.shard = &rc->shard->rep;
		f->s.diag_ctx = &f->dctx;
	}
	if (run_shard_ap_results(&f->apr, rc->e, ec, f->nm.aps,
	        rc->has_diag ? &rc->diag : NULL) < 0) {
		fputs("capsim: run: out of memory listing the APs\n", stderr);
		return;
	}
	f->s.ap_results = f->apr;
	f->s.n_ap_results = ec->n_aps;
	for (unsigned i = 0; !shard && i < ec->n_aps; i++)
		f->apr[i].facts = NULL;
}

/* --per-ap: the table a 9800 shows as `show wireless stats ap join
 * summary`, from capsim's side. */
static void
run_fin_per_ap(const struct run_fin *f, const struct run_ctx *rc)
{
	if (!rc->per_ap || f->apr == NULL)
		return;
	fprintf(stderr, "%-18s %-17s %-15s %-10s %-18s %-16s %s\n", "AP Name",
	    "AP MAC", "IP Address", "Status", "Last Failure Phase", "Verdict",
	    "Last Failure Reason");
	for (size_t i = 0; i < f->s.n_ap_results; i++) {
		const struct cs_report_ap_result *r = &f->apr[i];
		bool has = r->last_reason != NULL && r->last_reason[0] != '\0';
		/* the facts keep CS_FACTS_REASON_LEN bytes of it: say so */
		bool cut =
		    has && strlen(r->last_reason) + 1 >= CS_FACTS_REASON_LEN;

		fprintf(stderr, "%-18s %-17s %-15s %-10s %-18s %-16s %s%s\n",
		    r->name ? r->name : "-", r->mac ? r->mac : "-",
		    r->address ? r->address : "-",
		    r->in_run       ? "Joined"
		        : r->joined ? "Left Run"
		                    : "Not Joined",
		    r->last_phase ? r->last_phase : "-",
		    r->verdict ? r->verdict : "-", has ? r->last_reason : "-",
		    cut ? "..." : "");
	}
}

/* Impairment and NAT counters, WLC counters. */
static void
run_fin_counters(struct run_fin *f, struct run_ctx *rc)
{
	struct cs_run_summary *s = &f->s;
	struct cs_wlc_counters wc;
	struct cs_nat_stats ns;

	f->rr = calloc(rc->n_rules + 2, sizeof(*f->rr)); /* + NAT, link */
	if (rc->n_rules > 0 && f->rr != NULL &&
	    (f->rkv = calloc(rc->n_rules, sizeof(*f->rkv))) != NULL) {
		for (size_t i = 0; i < rc->n_rules; i++) {
			struct cs_impair_stats st = { 0 };

			cs_engine_rule_stats(rc->e, (unsigned)i, &st);
			cs_report_rule_impair(&f->rr[i], f->rkv[i],
			    rc->rule_names[i][0] ? rc->rule_names[i]
			                         : "(unnamed)",
			    &st);
		}
		s->rules = f->rr;
		s->n_rules = rc->n_rules;
	}
	if (cs_engine_nat_stats(rc->e, &ns) == 0 && f->rr != NULL) {
		cs_report_rule_nat(&f->rr[s->n_rules], f->nkv, "nat", &ns);
		s->rules = f->rr;
		s->n_rules++;
	}
	f->lkv[0] =
	    (struct cs_report_kv){ "dropped", cs_engine_link_lost(rc->e) };
	if (f->lkv[0].value > 0 && f->rr != NULL) {
		/* the timeline's link-down windows */
		f->rr[s->n_rules].name = "link-down";
		f->rr[s->n_rules].counters = f->lkv;
		f->rr[s->n_rules].n_counters = 1;
		s->rules = f->rr;
		s->n_rules++;
	}
	if (cs_engine_wlc_counters(rc->e, &wc) == 0) {
		struct cs_report_kv *w = f->wkv;
		size_t n = 0;

		w[n++] = (struct cs_report_kv){ "discovery_requests",
			wc.discovery_rx };
		w[n++] = (struct cs_report_kv){ "client_hellos",
			f->fp != NULL ? f->dctx.wlc_client_hello : 0 };
		w[n++] = (struct cs_report_kv){ "dtls_failed", wc.dtls_failed };
		w[n++] = (struct cs_report_kv){ "sessions", wc.sess_opened };
		w[n++] = (struct cs_report_kv){ "join_ok", wc.join_ok };
		w[n++] = (struct cs_report_kv){ "join_failed", wc.join_failed };
		w[n++] = (struct cs_report_kv){ "keepalives", wc.keepalive_rx };
		/* data channel DTLS (RFC 5415 §4.6.1 D) */
		w[n++] = (struct cs_report_kv){ "keepalives_dtls",
			wc.keepalive_dtls };
		w[n++] =
		    (struct cs_report_kv){ "data_dtls_ok", wc.data_dtls_ok };
		w[n++] = (struct cs_report_kv){ "data_dtls_resumed",
			wc.data_dtls_resumed };
		w[n++] = (struct cs_report_kv){ "data_dtls_failed",
			wc.data_dtls_failed };
		w[n++] = (struct cs_report_kv){ "data_clear_refused",
			wc.data_clear_refused };
		w[n++] = (struct cs_report_kv){ "echoes", wc.echo_rx };
		w[n++] = (struct cs_report_kv){ "restarts", wc.restarts };
		w[n++] = (struct cs_report_kv){ "shadow_rejected",
			wc.shadow_rejected };
		/* Run (RFC 5415 §8.4-§9.6) */
		w[n++] = (struct cs_report_kv){ "wtp_events", wc.wtp_events };
		w[n++] = (struct cs_report_kv){ "wtp_events_bad",
			wc.wtp_events_bad };
		w[n++] = (struct cs_report_kv){ "ac_requests_sent",
			wc.commands_sent };
		w[n++] = (struct cs_report_kv){ "ac_requests_busy",
			wc.commands_busy };
		w[n++] = (struct cs_report_kv){ "data_transfer_bytes",
			wc.data_transfer_bytes };
		w[n++] = (struct cs_report_kv){ "reboots_reported",
			wc.reboots_reported };
		/* image downloads through the controller's gate (§9.1) */
		w[n++] = (struct cs_report_kv){ "images_started",
			wc.images_started };
		w[n++] =
		    (struct cs_report_kv){ "images_served", wc.images_served };
		w[n++] =
		    (struct cs_report_kv){ "images_failed", wc.images_failed };
		w[n++] = (struct cs_report_kv){ "image_downloads_max",
			wc.image_active_max };
		w[n++] = (struct cs_report_kv){ "image_waiting_max",
			wc.image_waiting_max };
		assert(n <= CS_ARRAY_SIZE(f->wkv));
		s->wlc_counters = w;
		s->n_wlc_counters = n;
		memcpy(f->msg_rx, wc.msg_rx, sizeof(f->msg_rx));
		memcpy(f->msg_tx, wc.msg_tx, sizeof(f->msg_tx));
		s->wlc_msg_rx = f->msg_rx;
		s->wlc_msg_tx = f->msg_tx;
		s->n_wlc_msg = CS_WLC_MSG_SLOTS;
	}
}

/* Expectations, measured from the summary the JSON report shows. */
static void
run_fin_expect(struct run_fin *f, const struct cs_scenario *scn)
{
	f->n_expect = scn != NULL ? scn->n_expect : 0;
	if (f->n_expect == 0 ||
	    (f->res = calloc(f->n_expect, sizeof(*f->res))) == NULL)
		return;
	for (size_t i = 0; i < f->n_expect; i++) {
		cs_expect_eval_summary(&scn->expect[i], &f->s, &f->res[i]);
		fprintf(stderr, "  %s %s\n", f->res[i].pass ? "PASS" : "FAIL",
		    f->res[i].message);
		f->failed_expect += !f->res[i].pass;
	}
	f->s.expect = f->res;
	f->s.n_expect = f->n_expect;
}

/* The run's settings and capsim's own resources into the summary. */
static void
run_fin_settings(struct run_fin *f, struct run_ctx *rc,
    const struct cs_engine_cfg *ec, const struct cs_dtls_cfg *dc,
    const struct cs_scenario *scn, const char *wlcdesc, const char *dtls_ver,
    uint64_t elapsed_ms)
{
	struct cs_run_summary *s = &f->s;
	const struct cs_hist *h = cs_engine_timer_lateness(rc->e);

	s->duration_s = (double)elapsed_ms / 1000.0;
	s->seed = ec->seed;
	s->wlc = wlcdesc;
	s->wlc_verify_off = dc->no_verify;
	s->dtls_version = dtls_ver;
	s->ciphers = dc->ciphers ? dc->ciphers : CS_DTLS_DEFAULT_CIPHERS;
	/* with pre-shared keys the default offer is the PSK one */
	if (dc->n_psk > 0 && strcmp(s->ciphers, CS_DTLS_DEFAULT_CIPHERS) == 0)
		s->ciphers = CS_DTLS_PSK_CIPHERS;
	if (scn != NULL) {
		s->scenario_name = scn->name;
		s->scenario_file = scn->file;
	}
	s->joins_per_sec = rc->joins_per_sec;
	s->timeseries = rc->series.ts;
	s->n_joins_per_sec = rc->n_sec;
	(void)cs_report_resources_get(&s->res);
	if (h->count > 0) {
		s->res.has_lateness = true;
		s->res.lateness_p50_ms =
		    (double)cs_hist_quantile(h, 0.5) / 1000.0;
		s->res.lateness_p99_ms =
		    (double)cs_hist_quantile(h, 0.99) / 1000.0;
		s->res.lateness_max_ms = (double)h->max_us / 1000.0;
	}
	run_health(rc->e, &s->res);
	if (f->n_expect > 0)
		s->passed = !rc->interrupted && f->failed_expect == 0;
	else
		s->passed =
		    !rc->interrupted && s->in_run == s->aps && s->left_run == 0;
}

/* The clients' diagnosis ("clients"."diagnosis" in the JSON), from
 * every station's side; printed after the counts. */
static void
run_fin_clients_diag_print(const struct run_fin *f)
{
	const struct cs_client_diagnosis *d = &f->cd;

	if (!f->has_cd)
		return;
	fprintf(stderr, "capsim: run: clients: %s: %s\n", d->code,
	    d->summary ? d->summary : "");
	if (d->primary != CS_CDIAG_OK && d->hint != NULL)
		fprintf(stderr, "  hint: %s\n", d->hint);
}

/* The run's last lines on stderr: the counts, capsim's health. */
static void
run_fin_print(const struct run_fin *f)
{
	const struct cs_run_summary *s = &f->s;

	fprintf(stderr,
	    "capsim: run: %u APs: %u joined, %u in Run at the end, %u had "
	    "failures; join p50 %.0f ms p99 %.0f ms%s\n",
	    s->aps, s->joined, s->in_run, s->failed,
	    (double)cs_hist_quantile(&s->m->lat[CS_LAT_TOTAL], 0.5) / 1000.0,
	    (double)cs_hist_quantile(&s->m->lat[CS_LAT_TOTAL], 0.99) / 1000.0,
	    f->n_expect == 0 ? ""
	        : s->passed  ? "; expectations met"
	                     : "; expectations NOT met");
	if (s->clients != NULL) {
		char cl[256];

		const struct cs_client_metrics *c = s->clients;
		int64_t joining = 0;

		fprintf(stderr, "capsim: run: %s\n",
		    cs_client_metrics_progress(c, cl, sizeof(cl)));
		/* the counts cover started stations only */
		if (f->cl_never_started > 0)
			fprintf(stderr,
			    "capsim: run: clients: %zu of %zu never started "
			    "(their AP never got the WLAN from the "
			    "controller)\n",
			    f->cl_never_started, f->cl_configured);
		/* neither in Run nor failed: the run ended first */
		for (int st = CS_STA_IDLE; st < CS_STA_RUN; st++)
			joining += c->per_state[st];
		if (joining > 0) {
			fprintf(stderr,
			    "capsim: run: clients: %lld still joining when the "
			    "run ended (",
			    (long long)joining);
			for (int st = CS_STA_IDLE, n = 0; st < CS_STA_RUN; st++)
				if (c->per_state[st] > 0)
					fprintf(stderr, "%s%s %lld",
					    n++ ? ", " : "",
					    cs_sta_state_name(st),
					    (long long)c->per_state[st]);
			fprintf(stderr, "): inconclusive for them\n");
		}
		for (unsigned i = 0; i < s->clients->n_reasons; i++)
			fprintf(stderr,
			    "capsim: run: clients failed in %s: %llu x %s\n",
			    cs_sta_state_name(s->clients->reasons[i].phase),
			    (unsigned long long)s->clients->reasons[i].count,
			    s->clients->reasons[i].reason);
		run_fin_clients_diag_print(f);
	}
	if (s->m->controller_losses > 0 || s->m->failovers > 0)
		fprintf(stderr,
		    "capsim: failover: %llu controller losses in Run, %llu "
		    "back in Run after one; failover (last good echo -> "
		    "Run) p50 %.0f ms p99 %.0f ms max %.0f ms; %u of %u APs "
		    "in Run at the end\n",
		    (unsigned long long)s->m->controller_losses,
		    (unsigned long long)s->m->failovers,
		    (double)cs_hist_quantile(&s->m->lat[CS_LAT_FAILOVER], 0.5) /
		        1000.0,
		    (double)cs_hist_quantile(
		        &s->m->lat[CS_LAT_FAILOVER], 0.99) /
		        1000.0,
		    (double)s->m->lat[CS_LAT_FAILOVER].max_us / 1000.0,
		    s->in_run, s->aps);
	if (s->res.has_health)
		fprintf(stderr,
		    "capsim: health: timer lateness p99 %.0f ms max %.0f ms; "
		    "kernel drops %llu; handshake slot wait p99 %.0f ms, "
		    "%u still waiting at the end; "
		    "window %u (min %u, halved %llu times: latency %llu, "
		    "lateness %llu, drops %llu, cpu %llu; losses %llu); "
		    "CPU %.1f s%s\n",
		    s->res.lateness_p99_ms, s->res.lateness_max_ms,
		    (unsigned long long)s->res.rxq_drops, s->res.hs_wait_p99_ms,
		    s->res.hs_waiting, s->res.hs_window, s->res.hs_window_min,
		    (unsigned long long)s->res.hs_window_cuts,
		    (unsigned long long)s->res.hs_window_cuts_by[0],
		    (unsigned long long)s->res.hs_window_cuts_by[1],
		    (unsigned long long)s->res.hs_window_cuts_by[2],
		    (unsigned long long)s->res.hs_window_cuts_by[3],
		    (unsigned long long)s->res.hs_losses,
		    s->res.cpu_user_s + s->res.cpu_sys_s,
		    s->res.limited ? "; capsim itself limited this run "
		                     "(simulator-overloaded): its figures "
		                     "understate the controller"
		                   : "");
}

/* The reports: JSON, --csv and --html (the page is made from the JSON
 * text), JUnit.  The exit code, made 1 by a report not written. */
static int
run_fin_write(struct run_fin *f, struct run_ctx *rc, int exit_code)
{
	struct cs_run_summary *s = &f->s;
	char *text = NULL;

	s->started_unix_ms = rc->started_unix_ms;
	if (gethostname(f->host, sizeof(f->host)) == 0) {
		f->host[sizeof(f->host) - 1] = '\0';
		s->host = f->host;
	}
	s->argv = (const char *const *)sim_argv;
	s->argc = sim_argc;
	s->interrupted = rc->interrupted;
	if (rc->json_out != NULL || rc->series.html_path != NULL)
		text = cs_report_json(s);
	if (rc->json_out != NULL && run_write(&rc->json_out, text) < 0)
		exit_code = SIM_EXIT_RUNTIME;
	if (sim_series_write(&rc->series, text) < 0)
		exit_code = SIM_EXIT_RUNTIME;
	free(text);
	if (rc->junit_out != NULL) {
		text = cs_report_junit(s);
		if (run_write(&rc->junit_out, text) < 0)
			exit_code = SIM_EXIT_RUNTIME;
		free(text);
	}
	return exit_code;
}

int
run_finish(struct run_ctx *rc, const struct cs_engine_cfg *ec,
    const struct cs_dtls_cfg *dc, const struct cs_scenario *scn,
    const char *wlcdesc, const char *dtls_ver, uint64_t elapsed_ms)
{
	struct run_fin *f = calloc(1, sizeof(*f));
	int exit_code;

	if (f == NULL)
		return SIM_EXIT_RUNTIME;
	run_fin_counts(f, rc, ec);
	run_fin_diag(f, rc, ec, elapsed_ms);
	run_fin_shard(f, rc, ec);
	run_fin_counters(f, rc);
	run_fin_expect(f, scn);
	run_fin_settings(f, rc, ec, dc, scn, wlcdesc, dtls_ver, elapsed_ms);
	run_fin_print(f);
	run_fin_per_ap(f, rc);
	exit_code = f->s.passed ? SIM_EXIT_OK : SIM_EXIT_FAILED;
	/* a failed run tells CI who failed: capsim itself (5), nobody can
	 * tell (4), or the network / the controller (3) */
	if (!f->s.passed && rc->has_diag && !rc->interrupted) {
		if (rc->diag.self_bad)
			exit_code = SIM_EXIT_SELF;
		else if (rc->diag.primary == CS_DIAG_INCONCLUSIVE &&
		    f->n_expect == 0)
			exit_code = SIM_EXIT_INCONCLUSIVE;
	}
	exit_code = run_fin_write(f, rc, exit_code);
	cs_report_causes_free(&f->rcs);
	cs_client_metrics_free(&f->cm);
	if (f->has_cd)
		cs_client_diagnosis_free(&f->cd);
	free(f->apr);
	free(f->cf);
	run_names_free(&f->nm);
	free(f->fp);
	free(f->res);
	free(f->rr);
	free(f->rkv);
	free(f);
	return exit_code;
}
