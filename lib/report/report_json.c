/* SPDX-License-Identifier: MIT */
/*
 * JSON run report with jansson (a kept library, not hand-made JSON); see
 * capsim/report.h for the keys.  Every value comes from the summary the
 * caller filled; nothing here measures.
 */
#include "capsim/report.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/client_metrics.h"
#include "capsim/diagnose.h"
#include "capsim/diagnose_clients.h"
#include "capsim/wlc.h"
#include "report-internal.h"

/* 12 significant digits: microsecond resolution up to ~11 days in ms */
#define REPORT_JSON_FLAGS                                                      \
	(JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12))

static double
us_to_ms(uint64_t us)
{
	return (double)us / 1000.0;
}

/* A name as a JSON key: lower case, '-' as '_' ("DTLS-Setup" ->
 * "dtls_setup"), so that the report has one key style. */
const char *
cs_report_key(const char *name, char *buf, size_t len)
{
	size_t i;

	for (i = 0; name != NULL && name[i] != '\0' && i + 1 < len; i++)
		buf[i] = name[i] == '-' || name[i] == ' '
		    ? '_'
		    : (char)tolower((unsigned char)name[i]);
	buf[i] = '\0';
	return buf;
}

static json_t *
report_phase(const struct cs_hist *h)
{
	return json_pack("{s:I, s:f, s:f, s:f, s:f, s:f}", "count",
	    (json_int_t)h->count, "p50_ms", us_to_ms(cs_hist_quantile(h, 0.50)),
	    "p95_ms", us_to_ms(cs_hist_quantile(h, 0.95)), "p99_ms",
	    us_to_ms(cs_hist_quantile(h, 0.99)), "p999_ms",
	    us_to_ms(cs_hist_quantile(h, 0.999)), "max_ms",
	    us_to_ms(h->max_us));
}

/* Full histogram: quantiles plus the non-empty buckets as
 * [inclusive upper edge in ms, count], in increasing order. */
json_t *
cs_report_hist_json(const struct cs_hist *h)
{
	json_t *o, *buckets;

	o = json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "count",
	    (json_int_t)h->count, "sum_ms", us_to_ms(h->sum_us), "min_ms",
	    h->count > 0 ? us_to_ms(h->min_us) : 0.0, "max_ms",
	    us_to_ms(h->max_us), "p50_ms", us_to_ms(cs_hist_quantile(h, 0.50)),
	    "p95_ms", us_to_ms(cs_hist_quantile(h, 0.95)), "p99_ms",
	    us_to_ms(cs_hist_quantile(h, 0.99)), "p999_ms",
	    us_to_ms(cs_hist_quantile(h, 0.999)));
	if (o == NULL)
		return NULL;
	if ((buckets = json_array()) == NULL) {
		json_decref(o);
		return NULL;
	}
	for (unsigned i = 0; h->b != NULL && i < CS_HIST_BUCKETS; i++) {
		uint64_t hi;

		if (h->b[i] == 0)
			continue;
		/* the last bucket also holds everything beyond the range */
		hi =
		    i == CS_HIST_BUCKETS - 1 ? h->max_us : cs_hist_bucket_hi(i);
		if (json_array_append_new(buckets,
		        json_pack(
		            "[f, I]", us_to_ms(hi), (json_int_t)h->b[i])) < 0) {
			json_decref(buckets);
			json_decref(o);
			return NULL;
		}
	}
	cs_json_set(o, "buckets", buckets);
	return o;
}

static json_t *
report_kv_object(const struct cs_report_kv *kv, size_t n)
{
	json_t *o = json_object();

	for (size_t i = 0; o != NULL && i < n; i++)
		if (kv[i].name != NULL)
			cs_json_set(o, kv[i].name,
			    json_integer((json_int_t)kv[i].value));
	return o;
}

static json_t *
report_rates(const struct cs_run_summary *s)
{
	json_t *o = json_object();
	uint32_t peak = 0;

	if (o == NULL)
		return NULL;
	cs_json_set(o, "joins_per_s",
	    json_real(
	        s->duration_s > 0 ? (double)s->m->joins / s->duration_s : 0.0));
	if (s->joins_per_sec != NULL && s->n_joins_per_sec > 0) {
		for (size_t i = 0; i < s->n_joins_per_sec; i++)
			if (s->joins_per_sec[i] > peak)
				peak = s->joins_per_sec[i];
		cs_json_set(
		    o, "peak_joins_per_s", json_integer((json_int_t)peak));
	}
	if (s->n_wlc_msg > 0 && s->duration_s > 0 && s->wlc_msg_rx != NULL &&
	    s->wlc_msg_tx != NULL) {
		/* the controller's load: control messages per second by type
		 * and direction (types that occurred; bounded by the RFC 5415
		 * message types) */
		json_t *c = json_object(), *up = json_object(),
		       *down = json_object();

		for (size_t t = 0; c != NULL && up != NULL && down != NULL &&
		     t < s->n_wlc_msg;
		     t++) {
			const char *n = cs_wlc_msg_slot_name((unsigned)t);

			if (n == NULL)
				break;
			if (s->wlc_msg_rx[t] > 0)
				cs_json_set(up, n,
				    json_real((double)s->wlc_msg_rx[t] /
				        s->duration_s));
			if (s->wlc_msg_tx[t] > 0)
				cs_json_set(down, n,
				    json_real((double)s->wlc_msg_tx[t] /
				        s->duration_s));
		}
		cs_json_set(c, "ap_to_wlc", up);
		cs_json_set(c, "wlc_to_ap", down);
		cs_json_set(o, "control_messages_per_s", c);
	}
	return o;
}

static json_t *
report_expectations(const struct cs_run_summary *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < s->n_expect; i++) {
		const struct cs_expect_result *r = &s->expect[i];
		json_t *o = json_object();

		if (o == NULL)
			break;
		cs_json_set(
		    o, "expr", cs_json_str(r->text != NULL ? r->text : ""));
		cs_json_set(o, "measured", cs_json_str(r->measured));
		cs_json_set(o, "pass", json_boolean(r->pass));
		cs_json_set(o, "missing", json_boolean(r->missing));
		cs_json_set(o, "message", cs_json_str(r->message));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
report_diag(const struct cs_report_diag *d)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	cs_json_set(o, "code", cs_json_str(d->code));
	if (d->summary != NULL)
		cs_json_set(o, "summary", cs_json_str(d->summary));
	if (d->hint != NULL)
		cs_json_set(o, "hint", cs_json_str(d->hint));
	cs_json_set(
	    o, "aps_affected", json_integer((json_int_t)d->aps_affected));
	cs_json_set(o, "counts", report_kv_object(d->counts, d->n_counts));
	if (d->confidence != NULL)
		cs_json_set(o, "confidence", cs_json_str(d->confidence));
	if (d->evidence != NULL)
		cs_json_set(o, "evidence", cs_json_str(d->evidence));
	if (d->causes != NULL) {
		json_t *a = json_array();

		for (size_t i = 0; a != NULL && i < d->n_causes; i++) {
			const struct cs_report_cause *c = &d->causes[i];
			json_t *co = json_object(), *l = json_array();

			if (co == NULL || l == NULL) {
				json_decref(co);
				json_decref(l);
				break;
			}
			cs_json_set(co, "cause", cs_json_str(c->cause));
			cs_json_set(
			    co, "aps", json_integer((json_int_t)c->aps));
			cs_json_set(
			    co, "confidence", cs_json_str(c->confidence));
			cs_json_set(co, "evidence", cs_json_str(c->evidence));
			cs_json_set(co, "ap_names",
			    cs_json_str(
			        c->ap_names != NULL ? c->ap_names : ""));
			for (size_t k = 0; k < c->n_ap_list; k++) {
				const struct cs_report_ap *ap = &c->ap_list[k];
				json_t *ao = json_object();

				if (ao == NULL)
					break;
				if (ap->name != NULL)
					cs_json_set(
					    ao, "name", cs_json_str(ap->name));
				if (ap->mac != NULL)
					cs_json_set(
					    ao, "mac", cs_json_str(ap->mac));
				if (ap->address != NULL)
					cs_json_set(ao, "address",
					    cs_json_str(ap->address));
				json_array_append_new(l, ao);
			}
			cs_json_set(co, "ap_list", l);
			json_array_append_new(a, co);
		}
		cs_json_set(o, "causes", a);
	}
	if (d->causes != NULL || d->self_bad || d->self_text != NULL) {
		json_t *h = json_object();

		if (h != NULL) {
			cs_json_set(h, "ok", json_boolean(!d->self_bad));
			if (d->self_text != NULL)
				cs_json_set(
				    h, "detail", cs_json_str(d->self_text));
		}
		cs_json_set(o, "self_health", h);
	}
	return o;
}

static json_t *
report_rules(const struct cs_run_summary *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < s->n_rules; i++) {
		const struct cs_report_rule *r = &s->rules[i];
		json_t *o = json_object();

		if (o == NULL)
			break;
		cs_json_set(
		    o, "name", cs_json_str(r->name != NULL ? r->name : ""));
		for (size_t k = 0; k < r->n_counters; k++)
			if (r->counters[k].name != NULL &&
			    strcmp(r->counters[k].name, "name") != 0)
				cs_json_set(o, r->counters[k].name,
				    json_integer(
				        (json_int_t)r->counters[k].value));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
report_failures(const struct cs_metrics *m)
{
	json_t *failures = json_object();

	for (int p = 0; failures != NULL && p < CS_PHASE__COUNT; p++) {
		json_t *reasons;

		if (m->failures_by_phase[p] == 0)
			continue;
		reasons = json_object();
		for (unsigned k = 0; reasons != NULL && k < m->n_reasons[p];
		     k++)
			cs_json_set(reasons, m->reasons[p][k].reason,
			    json_integer((json_int_t)m->reasons[p][k].count));
		if (reasons != NULL && m->other_reasons[p] > 0)
			cs_json_set(reasons, "other",
			    json_integer((json_int_t)m->other_reasons[p]));
		{
			char k[32];

			cs_json_set(failures,
			    cs_report_key(cs_phase_name(p), k, sizeof(k)),
			    reasons);
		}
	}
	return failures;
}

/* json_object_set_new that remembers an allocation failure (a NULL value
 * would otherwise vanish silently). */
static void
report_set(json_t *o, const char *key, json_t *v, bool *oom)
{
	if (v == NULL || cs_json_set(o, key, v) < 0)
		*oom = true;
}

/* Version, start, host, command line, interrupted. */
static void
report_meta(json_t *root, const struct cs_run_summary *s, bool *oom)
{
	json_t *argv = json_array();
	char t[32];

	report_set(root, "capsim_version", cs_json_str(cs_version()), oom);
	if (s->started_unix_ms != 0) {
		cs_report_rfc3339(s->started_unix_ms, t, sizeof(t));
		report_set(root, "started_at", cs_json_str(t), oom);
	} else {
		report_set(root, "started_at", json_null(), oom);
	}
	if (s->host != NULL)
		report_set(root, "host", cs_json_str(s->host), oom);
	for (int i = 0; argv != NULL && s->argv != NULL && i < s->argc; i++)
		if (json_array_append_new(argv, cs_json_str(s->argv[i])) < 0)
			*oom = true;
	report_set(root, "command_line", argv, oom);
	report_set(root, "interrupted", json_boolean(s->interrupted), oom);
}

/* capsim's own health: what tells the simulator's limit from the
 * controller's (issue 12). */
static json_t *
report_health(const struct cs_report_resources *r)
{
	json_t *o = json_object(), *cpu = json_array();
	bool oom = false;

	if (o == NULL || cpu == NULL) {
		json_decref(o);
		json_decref(cpu);
		return NULL;
	}
	for (unsigned k = 0;
	     cpu != NULL && k < r->n_workers && k < CS_REPORT_MAX_WORKERS; k++)
		if (json_array_append_new(cpu, json_real(r->worker_cpu_s[k])))
			oom = true;
	report_set(o, "limited_by_capsim", json_boolean(r->limited), &oom);
	report_set(o, "kernel_rxq_drops",
	    json_integer((json_int_t)r->rxq_drops), &oom);
	report_set(
	    o, "rcvbuf_bytes", json_integer((json_int_t)r->rcvbuf_bytes), &oom);
	report_set(o, "handshake_queue",
	    json_pack("{s:I, s:f, s:f, s:b}", "waiting",
	        (json_int_t)r->hs_waiting, "wait_p99_ms", r->hs_wait_p99_ms,
	        "wait_max_ms", r->hs_wait_max_ms, "capsim_limit",
	        r->hs_queue_own),
	    &oom);
	report_set(o, "inflight_window",
	    json_pack("{s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I}, s:I}", "now",
	        (json_int_t)r->hs_window, "min", (json_int_t)r->hs_window_min,
	        "cuts", (json_int_t)r->hs_window_cuts, "cuts_by", "latency",
	        (json_int_t)r->hs_window_cuts_by[0], "lateness",
	        (json_int_t)r->hs_window_cuts_by[1], "drops",
	        (json_int_t)r->hs_window_cuts_by[2], "cpu",
	        (json_int_t)r->hs_window_cuts_by[3], "losses",
	        (json_int_t)r->hs_losses),
	    &oom);
	report_set(o, "loop",
	    json_pack("{s:I, s:I, s:I}", "turns", (json_int_t)r->loop_turns,
	        "budget_hits", (json_int_t)r->loop_budget_hits,
	        "timers_between_reads", (json_int_t)r->loop_timers_inline),
	    &oom);
	report_set(o, "stale_handshake_flights",
	    json_integer((json_int_t)r->stale_flights), &oom);
	report_set(o, "capwap_fragments",
	    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "messages_split",
	        (json_int_t)r->frag_msgs_split, "sent",
	        (json_int_t)r->frag_sent, "received", (json_int_t)r->frag_rcvd,
	        "reassembled", (json_int_t)r->frag_reassembled, "sets_dropped",
	        (json_int_t)r->frag_sets_dropped, "peer_cap_evicted",
	        (json_int_t)r->frag_peer_evicted, "total_cap_dropped",
	        (json_int_t)r->frag_cap_drops),
	    &oom);
	report_set(o, "worker_cpu_s", cpu, &oom);
	if (oom) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
report_shard(const struct cs_report_shard *sh)
{
	json_t *o;
	char t[32];

	o = json_pack("{s:I, s:I, s:I, s:I, s:I}", "index",
	    (json_int_t)sh->index, "count", (json_int_t)sh->count, "first_ap",
	    (json_int_t)sh->first_ap, "aps", (json_int_t)sh->n_aps, "total_aps",
	    (json_int_t)sh->total_aps);
	if (o == NULL)
		return NULL;
	if (sh->start_at_unix_ms != 0) {
		cs_report_rfc3339(sh->start_at_unix_ms, t, sizeof(t));
		cs_json_set(o, "start_at", cs_json_str(t));
		cs_json_set(o, "start_offset_ms",
		    json_integer((json_int_t)sh->start_offset_ms));
	}
	if (sh->has_clock)
		cs_json_set(o, "clock",
		    json_pack("{s:b, s:f, s:f}", "synchronized",
		        sh->clock_synced, "est_error_ms",
		        (double)sh->clock_est_error_us / 1000.0, "max_error_ms",
		        (double)sh->clock_max_error_us / 1000.0));
	return o;
}

static json_t *
report_ap_results(const struct cs_run_summary *s)
{
	json_t *o = json_object(), *a = json_array();

	if (o == NULL || a == NULL || cs_json_set(o, "aps", a) < 0) {
		json_decref(o);
		return NULL;
	}
	if (s->n_ap_results > 0 && s->ap_results[0].facts != NULL &&
	    cs_json_set(o, "fact_fields", cs_facts_json_names()) < 0) {
		json_decref(o);
		return NULL;
	}
	for (size_t i = 0; i < s->n_ap_results; i++) {
		const struct cs_report_ap_result *r = &s->ap_results[i];
		json_t *ao = json_pack("{s:I, s:b, s:b, s:b, s:b}", "index",
		    (json_int_t)r->index, "joined", r->joined, "in_run",
		    r->in_run, "failed", r->failed, "left_run", r->left_run);

		if (ao == NULL || json_array_append_new(a, ao) < 0) {
			json_decref(o);
			return NULL;
		}
		if (r->name != NULL)
			cs_json_set(ao, "name", cs_json_str(r->name));
		if (r->mac != NULL)
			cs_json_set(ao, "mac", cs_json_str(r->mac));
		if (r->address != NULL)
			cs_json_set(ao, "address", cs_json_str(r->address));
		if (r->verdict != NULL)
			cs_json_set(ao, "verdict", cs_json_str(r->verdict));
		if (r->last_phase != NULL)
			cs_json_set(ao, "last_failure_phase",
			    cs_json_str(r->last_phase));
		if (r->last_reason != NULL)
			cs_json_set(ao, "last_failure_reason",
			    cs_json_str(r->last_reason));
		if (r->facts != NULL &&
		    cs_json_set(ao, "facts", cs_facts_json(r->facts)) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static json_t *
report_peer(const struct cs_report_peer *p)
{
	return json_pack("{s:s?, s:s?, s:b, s:s?, s:I, s:I, s:I, s:I, s:I, "
	                 "s:I, s:I, s:I, s:o}",
	    "path", p->path, "format", p->format, "used",
	    p->why_not == NULL && p->aps_taken > 0, "not_used_because",
	    p->why_not, "capwap", (json_int_t)p->capwap, "aps",
	    (json_int_t)p->aps, "aps_in_common", (json_int_t)p->aps_in_common,
	    "datagrams_in_common", (json_int_t)p->datagrams_in_common,
	    "lost_ap_to_wlc", (json_int_t)p->lost_ap_to_wlc, "lost_wlc_to_ap",
	    (json_int_t)p->lost_wlc_to_ap, "not_judged",
	    (json_int_t)p->not_judged, "aps_taken", (json_int_t)p->aps_taken,
	    "clock_offset_s",
	    p->has_offset ? json_real((double)p->offset_us / 1e6)
	                  : json_null());
}

/* The clients' diagnosis (capsim/diagnose_clients.h), in the shape of
 * the APs' "diagnosis". */
static json_t *
report_client_diag(const struct cs_client_diagnosis *d)
{
	json_t *o, *causes;

	o = json_pack("{s:s, s:o, s:o, s:I}", "code", d->code, "summary",
	    cs_json_str(d->summary ? d->summary : ""), "hint",
	    cs_json_str(d->hint ? d->hint : ""), "clients_affected",
	    (json_int_t)d->affected);
	if (o == NULL || (causes = json_array()) == NULL ||
	    cs_json_set(o, "causes", causes) < 0) {
		json_decref(o);
		return NULL;
	}
	for (int k = 0; k < CS_CDIAG__COUNT; k++) {
		if (k == CS_CDIAG_OK || d->count[k] == 0)
			continue;
		if (json_array_append_new(causes,
		        json_pack("{s:s, s:I, s:I, s:s, s:o, s:o}", "cause",
		            cs_cdiag_code_name(k), "clients",
		            (json_int_t)d->count[k], "aps",
		            (json_int_t)d->aps[k], "confidence",
		            cs_diag_conf_name(d->conf[k]), "evidence",
		            cs_json_str(d->evidence[k] ? d->evidence[k] : ""),
		            "client_names",
		            cs_json_str(d->names[k] ? d->names[k] : ""))) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

char *
cs_report_json(const struct cs_run_summary *s)
{
	json_t *root, *phases, *states, *hists;
	bool oom = false;
	char *out;

	if (s == NULL || s->m == NULL)
		return NULL;
	root = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:f, s:I, s:b}",
	    "tool", "capsim", "aps", (json_int_t)s->aps, "joined",
	    (json_int_t)s->joined, "in_run", (json_int_t)s->in_run, "failed",
	    (json_int_t)s->failed, "left_run", (json_int_t)s->left_run,
	    "duration_s", s->duration_s, "seed", (json_int_t)s->seed, "passed",
	    s->passed);
	if (root == NULL)
		return NULL;
	report_meta(root, s, &oom);
	report_set(root, "wlc", cs_json_str(s->wlc ? s->wlc : ""), &oom);
	report_set(root, "wlc_verification",
	    cs_json_str(s->wlc_verify_off ? "off" : "on"), &oom);
	if (s->dtls_version != NULL)
		report_set(
		    root, "dtls_version", cs_json_str(s->dtls_version), &oom);
	if (s->ciphers != NULL)
		report_set(root, "ciphers", cs_json_str(s->ciphers), &oom);
	if (s->scenario_name != NULL || s->scenario_file != NULL) {
		json_t *scn = json_object();

		if (scn != NULL && s->scenario_name != NULL)
			cs_json_set(scn, "name", cs_json_str(s->scenario_name));
		if (scn != NULL && s->scenario_file != NULL)
			cs_json_set(scn, "file", cs_json_str(s->scenario_file));
		report_set(root, "scenario", scn, &oom);
	}
	report_set(root, "failures", report_failures(s->m), &oom);
	report_set(root, "failures_total",
	    json_integer((json_int_t)s->m->failures_total), &oom);
	phases = json_object();
	hists = json_object();
	for (int l = 0; phases != NULL && hists != NULL && l < CS_LAT__COUNT;
	     l++) {
		char k[32];

		cs_report_key(cs_lat_name(l), k, sizeof(k));
		report_set(phases, k, report_phase(&s->m->lat[l]), &oom);
		report_set(hists, k, cs_report_hist_json(&s->m->lat[l]), &oom);
	}
	report_set(root, "phases", phases, &oom);
	states = json_object();
	for (int st = 0; states != NULL && st < CS_AP__COUNT; st++) {
		char k[32];

		report_set(states,
		    cs_report_key(cs_ap_state_name(st), k, sizeof(k)),
		    json_integer(s->states[st]), &oom);
	}
	report_set(root, "states", states, &oom);
	report_set(root, "retransmits",
	    json_integer((json_int_t)s->m->retransmits), &oom);
	report_set(root, "joins", json_integer((json_int_t)s->m->joins), &oom);
	/* lost controllers in Run and failovers back to Run (the failover
	 * phase holds their times) */
	report_set(root, "failover",
	    json_pack("{s:I, s:I}", "controller_losses",
	        (json_int_t)s->m->controller_losses, "failovers",
	        (json_int_t)s->m->failovers),
	    &oom);
	report_set(root, "histograms", hists, &oom);
	report_set(root, "rates", report_rates(s), &oom);
	if (s->res.valid) {
		json_t *res = json_pack("{s:I, s:f, s:f, s:I}", "max_rss_kib",
		    (json_int_t)s->res.max_rss_kib, "cpu_user_s",
		    s->res.cpu_user_s, "cpu_sys_s", s->res.cpu_sys_s, "fds",
		    (json_int_t)s->res.fds);

		if (res != NULL && s->res.has_lateness)
			report_set(res, "timer_lateness_ms",
			    json_pack("{s:f, s:f, s:f}", "p50",
			        s->res.lateness_p50_ms, "p99",
			        s->res.lateness_p99_ms, "max",
			        s->res.lateness_max_ms),
			    &oom);
		if (res != NULL && s->res.has_health)
			report_set(
			    res, "capsim_health", report_health(&s->res), &oom);
		report_set(root, "resources", res, &oom);
	}
	if (s->expect != NULL || s->n_expect > 0)
		report_set(root, "expectations", report_expectations(s), &oom);
	if (s->diag != NULL && s->diag->code != NULL)
		report_set(root, "diagnosis", report_diag(s->diag), &oom);
	if (s->rules != NULL && s->n_rules > 0)
		report_set(root, "impairments", report_rules(s), &oom);
	if (s->wlc_counters != NULL && s->n_wlc_counters > 0)
		report_set(root, "wlc_counters",
		    report_kv_object(s->wlc_counters, s->n_wlc_counters), &oom);
	if (s->timeseries != NULL)
		report_set(root, "timeseries", cs_ts_json(s->timeseries), &oom);
	if (s->shard != NULL)
		report_set(root, "shard", report_shard(s->shard), &oom);
	if (s->diag_ctx != NULL)
		report_set(
		    root, "diag_context", cs_diag_ctx_json(s->diag_ctx), &oom);
	if (s->ap_results != NULL)
		report_set(root, "ap_results", report_ap_results(s), &oom);
	if (s->peer != NULL)
		report_set(root, "peer", report_peer(s->peer), &oom);
	if (s->clients != NULL) {
		json_t *c = cs_client_metrics_json_obj(s->clients);

		if (c != NULL && s->client_diag != NULL)
			report_set(c, "diagnosis",
			    report_client_diag(s->client_diag), &oom);
		/* a shard's: what `capsim merge` needs to be exact */
		if (c != NULL && s->shard != NULL &&
		    cs_client_shard_json(c, s->clients) < 0)
			oom = true;
		if (c != NULL && s->client_facts != NULL)
			report_set(c, "results",
			    cs_client_results_json(
			        s->client_facts, s->n_client_facts),
			    &oom);
		report_set(root, "clients", c, &oom);
	}
	out = oom ? NULL : json_dumps(root, REPORT_JSON_FLAGS);
	json_decref(root);
	return out;
}

int
cs_report_write(const char *path, const char *text)
{
	FILE *f;
	size_t n;
	int r = 0;

	if (path == NULL || text == NULL)
		return -EINVAL;
	n = strlen(text);
	if (strcmp(path, "-") == 0) {
		if (fwrite(text, 1, n, stdout) != n || fflush(stdout) != 0)
			return -EIO;
		return 0;
	}
	if ((f = fopen(path, "w")) == NULL)
		return -errno;
	if (fwrite(text, 1, n, f) != n)
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = errno != 0 ? -errno : -EIO;
	return r;
}
