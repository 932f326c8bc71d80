/* SPDX-License-Identifier: MIT */
/*
 * One shard folded into the merged run: checked to be of the same run,
 * then its metrics, APs, diagnosis context, rule and WLC counters and time
 * series added to the run's.
 */
#include "capsim/merge.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/diagnose.h"
#include "capsim/hist.h"
#include "capsim/metrics.h"
#include "capsim/report.h"
#include "merge-internal.h"
#include "report-internal.h"

/* json_equal, with two absent members equal */
static bool
mg_same(const json_t *a, const json_t *b)
{
	return (a == NULL && b == NULL) || json_equal(a, b);
}

/* The shards belong to one run: same N, AP count, seed, scenario, and
 * clients in all or none. */
int
mg_check_one_run(struct cs_merge *m, char *why, size_t len)
{
	const struct mg_shard *a = &m->sh[0];
	const json_t *ra = a->root;

	for (size_t i = 1; i < m->n_sh; i++) {
		const struct mg_shard *b = &m->sh[i];
		const json_t *rb = b->root;
		const char *what = NULL;

		if (a->count != b->count)
			what = "a different number of shards";
		else if (a->total_aps != b->total_aps)
			what = "a different number of APs";
		else if (!mg_same(json_object_get(ra, "seed"),
		             json_object_get(rb, "seed")))
			what = "a different seed";
		else if (!mg_same(json_object_get(ra, "scenario"),
		             json_object_get(rb, "scenario")))
			what = "a different scenario";
		else if ((json_object_get(ra, "clients") == NULL) !=
		    (json_object_get(rb, "clients") == NULL))
			what = "wireless clients in one, none in the other";
		if (what != NULL) {
			mg_why(why, len,
			    "%s and %s are not shards of one run: %s",
			    a->origin, b->origin, what);
			return -EPROTO;
		}
	}
	return 0;
}

static int
mg_phase_of(const char *key)
{
	char k[32];

	for (int p = 0; p < CS_PHASE__COUNT; p++)
		if (strcmp(cs_report_key(cs_phase_name(p), k, sizeof(k)),
		        key) == 0)
			return p;
	return -1;
}

static int
mg_add_reason(struct cs_metrics *m, int p, const char *reason, uint64_t n)
{
	if (strcmp(reason, "other") == 0) {
		m->other_reasons[p] += n;
		return 0;
	}
	for (unsigned k = 0; k < m->n_reasons[p]; k++)
		if (strcmp(m->reasons[p][k].reason, reason) == 0) {
			m->reasons[p][k].count += n;
			return 0;
		}
	if (m->n_reasons[p] == CS_METRICS_MAX_REASONS) {
		m->other_reasons[p] += n;
		return 0;
	}
	if ((m->reasons[p][m->n_reasons[p]].reason = strdup(reason)) == NULL)
		return -ENOMEM;
	m->reasons[p][m->n_reasons[p]++].count = n;
	return 0;
}

/* Counters, failures and histograms of one shard into the merged run. */
int
mg_metrics(struct cs_merge *m, const struct mg_shard *sh, char *why, size_t len)
{
	json_t *r = sh->root, *f, *h, *states, *reasons, *v;
	const char *key, *rk, *w = NULL;
	uint64_t x;
	int ret;

	if (mg_uint(r, "aps", MG_MAX_APS, &x) < 0 || x != sh->n_aps) {
		mg_why(why, len, "%s: \"aps\" is not the shard's %u APs",
		    sh->origin, sh->n_aps);
		return -EBADMSG;
	}
	{
		static const char *const k[] = { "joined", "in_run", "failed",
			"left_run" };
		unsigned *dst[] = { &m->s.joined, &m->s.in_run, &m->s.failed,
			&m->s.left_run };

		for (size_t i = 0; i < 4; i++) {
			if (mg_uint(r, k[i], sh->n_aps, &x) < 0) {
				mg_why(why, len,
				    "%s: \"%s\" missing or more than its APs",
				    sh->origin, k[i]);
				return -EBADMSG;
			}
			*dst[i] += (unsigned)x;
		}
	}
	if (mg_uint(r, "retransmits", INT64_MAX, &x) < 0)
		goto bad;
	m->m.retransmits += x;
	if (mg_uint(r, "joins", INT64_MAX, &x) < 0)
		goto bad;
	m->m.joins += x;
	if (mg_uint(r, "failures_total", INT64_MAX, &x) < 0)
		goto bad;
	m->m.failures_total += x;
	f = json_object_get(r, "failures");
	if (!json_is_object(f))
		goto bad;
	json_object_foreach(f, key, reasons)
	{
		int p = mg_phase_of(key);

		if (p < 0 || !json_is_object(reasons)) {
			mg_why(why, len, "%s: failures: unknown phase \"%s\"",
			    sh->origin, key);
			return -EBADMSG;
		}
		json_object_foreach(reasons, rk, v)
		{
			if (!json_is_integer(v) || json_integer_value(v) < 0)
				goto bad;
			m->m.failures_by_phase[p] +=
			    (uint64_t)json_integer_value(v);
			if (mg_add_reason(&m->m, p, rk,
			        (uint64_t)json_integer_value(v)) < 0)
				return -ENOMEM;
		}
	}
	states = json_object_get(r, "states");
	if (!json_is_object(states))
		goto bad;
	for (int st = 0; st < CS_AP__COUNT; st++) {
		char k[32];

		if (mg_uint(states,
		        cs_report_key(cs_ap_state_name(st), k, sizeof(k)),
		        sh->n_aps, &x) < 0) {
			mg_why(why, len,
			    "%s: states: \"%s\" missing or out of "
			    "range",
			    sh->origin, k);
			return -EBADMSG;
		}
		m->s.states[st] += (unsigned)x;
	}
	h = json_object_get(r, "histograms");
	for (int l = 0; l < CS_LAT__COUNT; l++) {
		struct cs_hist one;
		char k[32];

		cs_report_key(cs_lat_name(l), k, sizeof(k));
		if ((ret = cs_merge_hist_from_json(
		         json_object_get(h, k), &one, &w)) < 0) {
			if (ret == -EBADMSG)
				mg_why(why, len, "%s: histograms.%s: %s",
				    sh->origin, k, w);
			return ret;
		}
		ret = cs_hist_merge(&m->m.lat[l], &one);
		cs_hist_free(&one);
		if (ret < 0)
			return ret;
	}
	return 0;
bad:
	mg_why(why, len,
	    "%s: retransmits, joins, failures_total or failures missing or "
	    "out of range",
	    sh->origin);
	return -EBADMSG;
}

/* Every AP of one shard: facts, identity, track.  t_first moves to the
 * merged run's clock (each shard's clock starts at its own start). */
int
mg_aps(struct cs_merge *m, const struct mg_shard *sh, char *why, size_t len)
{
	const json_t *a =
	    json_object_get(json_object_get(sh->root, "ap_results"), "aps");
	const json_t *e;
	size_t i;
	uint64_t shift = sh->started_ms > m->start_ms && m->start_ms != 0
	    ? sh->started_ms - m->start_ms
	    : 0;

	if (json_array_size(a) != sh->n_aps) {
		mg_why(why, len,
		    "%s: ap_results lists %zu APs, the shard ran %u",
		    sh->origin, json_array_size(a), sh->n_aps);
		return -EBADMSG;
	}
	json_array_foreach(a, i, e)
	{
		struct mg_ap *ap;
		const char *w = NULL;
		uint64_t idx;

		if (mg_uint(e, "index", m->total_aps - 1, &idx) < 0 ||
		    idx < sh->first_ap || idx - sh->first_ap >= sh->n_aps) {
			mg_why(why, len,
			    "%s: ap_results[%zu]: index outside the shard's "
			    "APs %u..%u",
			    sh->origin, i, sh->first_ap + 1,
			    sh->first_ap + sh->n_aps);
			return -EBADMSG;
		}
		ap = &m->aps[idx];
		if (ap->present) {
			mg_why(why, len, "%s: AP %llu is in two reports",
			    sh->origin, (unsigned long long)idx + 1);
			return -EBADMSG;
		}
		if (cs_facts_from_json(
		        json_object_get(e, "facts"), &ap->facts, &w) < 0) {
			mg_why(why, len, "%s: ap_results[%zu]: %s", sh->origin,
			    i, w);
			return -EBADMSG;
		}
		if (ap->facts.t_first != 0)
			ap->facts.t_first += shift;
		snprintf(ap->name, sizeof(ap->name), "%s",
		    json_is_string(json_object_get(e, "name"))
		        ? json_string_value(json_object_get(e, "name"))
		        : "");
		snprintf(ap->mac, sizeof(ap->mac), "%s",
		    json_is_string(json_object_get(e, "mac"))
		        ? json_string_value(json_object_get(e, "mac"))
		        : "");
		snprintf(ap->addr, sizeof(ap->addr), "%s",
		    json_is_string(json_object_get(e, "address"))
		        ? json_string_value(json_object_get(e, "address"))
		        : "");
		ap->joined = json_is_true(json_object_get(e, "joined"));
		ap->in_run = json_is_true(json_object_get(e, "in_run"));
		ap->failed = json_is_true(json_object_get(e, "failed"));
		ap->left_run = json_is_true(json_object_get(e, "left_run"));
		ap->present = true;
	}
	return 0;
}

/* The diagnosis context of the whole run from the shards' own. */
int
mg_ctx(struct cs_merge *m, const struct mg_shard *sh, bool first, char *why,
    size_t len)
{
	struct cs_diag_ctx c, *d = &m->dctx;
	const char *w = NULL;

	if (cs_diag_ctx_from_json(
	        json_object_get(sh->root, "diag_context"), &c, &w) < 0) {
		mg_why(why, len, "%s: %s", sh->origin, w);
		return -EBADMSG;
	}
	if (first) {
		*d = c;
		return 0;
	}
	d->live = d->live && c.live;
	/* the controller's own counters count for the run only when every
	 * shard knew them (an embedded WLC per shard is not one controller) */
	d->wlc_known = d->wlc_known && c.wlc_known && d->wlc_ip == c.wlc_ip;
	d->wlc_disc_req += c.wlc_disc_req;
	d->wlc_client_hello += c.wlc_client_hello;
	d->wlc_hs_done += c.wlc_hs_done;
	d->wlc_join_req += c.wlc_join_req;
	if (c.wlc_restarts > d->wlc_restarts)
		d->wlc_restarts = c.wlc_restarts;
	d->has_self = d->has_self || c.has_self;
	d->self.has_lateness = d->self.has_lateness || c.self.has_lateness;
	if (c.self.lateness_p99_ms > d->self.lateness_p99_ms)
		d->self.lateness_p99_ms = c.self.lateness_p99_ms;
	if (c.self.lateness_max_ms > d->self.lateness_max_ms)
		d->self.lateness_max_ms = c.self.lateness_max_ms;
	d->self.has_rxq = d->self.has_rxq || c.self.has_rxq;
	d->self.rxq_drops += c.self.rxq_drops;
	d->self.send_errors += c.self.send_errors;
	for (int i = 0; i < CS_SELF_ERRNOS; i++) {
		int err = c.self.send_errno[i].err, k;

		if (err == 0)
			continue;
		for (k = 0; k < CS_SELF_ERRNOS; k++)
			if (d->self.send_errno[k].err == err ||
			    d->self.send_errno[k].err == 0)
				break;
		if (k == CS_SELF_ERRNOS)
			continue; /* counted in send_errors only */
		d->self.send_errno[k].err = err;
		d->self.send_errno[k].count += c.self.send_errno[i].count;
	}
	d->self.has_hs_queue = d->self.has_hs_queue || c.self.has_hs_queue;
	if (c.self.hs_queue_wait_max_ms > d->self.hs_queue_wait_max_ms)
		d->self.hs_queue_wait_max_ms = c.self.hs_queue_wait_max_ms;
	if (c.self.run_ms > d->self.run_ms)
		d->self.run_ms = c.self.run_ms;
	if (c.self.discovery_window_ms > d->self.discovery_window_ms)
		d->self.discovery_window_ms = c.self.discovery_window_ms;
	if (d->self.route_err == 0 && c.self.route_err != 0) {
		d->self.route_err = c.self.route_err;
		memcpy(d->self.route_detail, c.self.route_detail,
		    sizeof(d->self.route_detail));
	}
	return 0;
}

/* Adds the integer members of src into the object dst (same keys). */
static int
mg_sum_members(json_t *dst, json_t *src)
{
	const char *k;
	json_t *v;

	json_object_foreach(src, k, v)
	{
		json_t *d = json_object_get(dst, k);

		if (!json_is_integer(v) || json_integer_value(v) < 0)
			continue; /* names and non-counters stay the first's */
		if (d == NULL) {
			if (json_object_set_new(dst, k,
			        json_integer(json_integer_value(v))) < 0)
				return -ENOMEM;
		} else if (json_is_integer(d)) {
			json_integer_set(
			    d, json_integer_value(d) + json_integer_value(v));
		}
	}
	return 0;
}

/* Impairment rules (by name, in first-seen order) and WLC counters. */
int
mg_counters(
    struct cs_merge *m, const struct mg_shard *sh, json_t *imp, json_t *wlc)
{
	json_t *a = json_object_get(sh->root, "impairments"), *e;
	json_t *w = json_object_get(sh->root, "wlc_counters");
	size_t i;

	(void)m;
	json_array_foreach(a, i, e)
	{
		const char *name =
		    json_string_value(json_object_get(e, "name"));
		json_t *d = NULL, *x;
		size_t k;

		if (name == NULL)
			continue;
		json_array_foreach(imp, k,
		    x) if (strcmp(json_string_value(json_object_get(x, "name")),
		               name) == 0) d = x;
		if (d == NULL) {
			if ((d = json_pack("{s:s}", "name", name)) == NULL ||
			    json_array_append_new(imp, d) < 0)
				return -ENOMEM;
		}
		if (mg_sum_members(d, e) < 0)
			return -ENOMEM;
	}
	if (json_is_object(w) && mg_sum_members(wlc, w) < 0)
		return -ENOMEM;
	return 0;
}

/* The time series of every shard that has one, if they share an
 * interval; none (and a problem line) otherwise. */
int
mg_timeseries(struct cs_merge *m)
{
	const json_t **series;
	uint64_t *off;
	double interval = 0;
	size_t n = 0;

	series = calloc(m->n_sh ? m->n_sh : 1, sizeof(*series));
	off = calloc(m->n_sh ? m->n_sh : 1, sizeof(*off));
	if (series == NULL || off == NULL) {
		free(series);
		free(off);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->n_sh; i++) {
		const json_t *ts = json_object_get(m->sh[i].root, "timeseries");
		double iv;

		if (m->sh[i].duplicate || ts == NULL ||
		    mg_ms(ts, "interval_s", &iv) < 0 || iv <= 0)
			continue;
		if (n > 0 && fabs(iv - interval) > 1e-9) {
			free(series);
			free(off);
			return mg_push(&m->problems, &m->n_problems,
			    "%s: time series interval differs from the other "
			    "shards': no merged time series",
			    m->sh[i].origin);
		}
		interval = iv;
		off[n] = m->sh[i].started_ms > m->start_ms
		    ? m->sh[i].started_ms - m->start_ms
		    : 0;
		series[n++] = ts;
	}
	if (n > 0 && (m->ts = cs_merge_ts(series, off, n, interval)) == NULL) {
		free(series);
		free(off);
		return -ENOMEM;
	}
	free(series);
	free(off);
	/* joins per second for the peak rate (1 s intervals only) */
	if (m->ts != NULL && fabs(interval - 1.0) < 1e-9) {
		const json_t *j = json_object_get(m->ts, "joins");
		size_t rows = json_array_size(j);

		if (rows > 0 &&
		    (m->joins_per_sec = calloc(rows, sizeof(uint32_t))) !=
		        NULL) {
			for (size_t k = 0; k < rows; k++) {
				json_int_t x =
				    json_integer_value(json_array_get(j, k));

				m->joins_per_sec[k] = x < 0 ? 0
				    : x > UINT32_MAX        ? UINT32_MAX
				                            : (uint32_t)x;
			}
			m->n_joins_per_sec = rows;
		}
	}
	return 0;
}
