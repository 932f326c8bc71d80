/* SPDX-License-Identifier: MIT */
/*
 * The merged run completed: shards in order, each folded in, rules and
 * WLC counters out, the diagnosis over all APs, and the run's JSON.
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

static int
mg_rules_out(struct cs_merge *m, json_t *imp, json_t *wlc)
{
	size_t n = json_array_size(imp), nk = 0, k;
	json_t *e, *v;
	const char *key;

	json_array_foreach(imp, k, e) nk += json_object_size(e);
	nk += json_object_size(wlc);
	m->rules = calloc(n ? n : 1, sizeof(*m->rules));
	m->rule_kv = calloc(nk ? nk : 1, sizeof(*m->rule_kv));
	m->kv_names = calloc(nk ? nk : 1, sizeof(*m->kv_names));
	m->rule_names = calloc(n ? n : 1, sizeof(*m->rule_names));
	if (m->rules == NULL || m->rule_kv == NULL || m->kv_names == NULL ||
	    m->rule_names == NULL)
		return -ENOMEM;
	nk = 0;
	json_array_foreach(imp, k, e)
	{
		struct cs_report_rule *r = &m->rules[k];

		if ((m->rule_names[k] = strdup(json_string_value(
		         json_object_get(e, "name")))) == NULL)
			return -ENOMEM;
		m->n_rules = k + 1;
		r->name = m->rule_names[k];
		r->counters = &m->rule_kv[nk];
		json_object_foreach(e, key, v)
		{
			if (!json_is_integer(v))
				continue;
			if ((m->kv_names[m->n_kv_names] = strdup(key)) == NULL)
				return -ENOMEM;
			m->rule_kv[nk].name = m->kv_names[m->n_kv_names++];
			m->rule_kv[nk++].value =
			    (uint64_t)json_integer_value(v);
			r->n_counters++;
		}
	}
	m->wlc_kv = &m->rule_kv[nk];
	json_object_foreach(wlc, key, v)
	{
		if ((m->kv_names[m->n_kv_names] = strdup(key)) == NULL)
			return -ENOMEM;
		m->rule_kv[nk].name = m->kv_names[m->n_kv_names++];
		m->rule_kv[nk++].value = (uint64_t)json_integer_value(v);
		m->n_wlc++;
	}
	if (m->n_wlc == 0)
		m->wlc_kv = NULL;
	return 0;
}

/* The diagnosis over every merged AP, and its causes named. */
static int
mg_diagnose(struct cs_merge *m)
{
	size_t n = 0;

	m->fp = calloc(m->total_aps, sizeof(*m->fp));
	m->ids = calloc(m->total_aps, sizeof(*m->ids));
	m->apr = calloc(m->total_aps, sizeof(*m->apr));
	if (m->fp == NULL || m->ids == NULL || m->apr == NULL)
		return -ENOMEM;
	/* APs of shards that gave no report are not diagnosed: the merged
	 * diagnosis speaks of the APs it has facts for, and the result says
	 * it is incomplete */
	for (unsigned i = 0; i < m->total_aps; i++) {
		struct mg_ap *a = &m->aps[i];
		struct cs_report_ap_result *r = &m->apr[n];

		if (!a->present)
			continue;
		m->fp[n] = &a->facts;
		m->ids[n].name = a->name[0] ? a->name : NULL;
		m->ids[n].mac = a->mac[0] ? a->mac : NULL;
		m->ids[n].address = a->addr[0] ? a->addr : NULL;
		r->index = i;
		r->name = m->ids[n].name;
		r->mac = m->ids[n].mac;
		r->address = m->ids[n].address;
		r->joined = a->joined;
		r->in_run = a->in_run;
		r->failed = a->failed;
		r->left_run = a->left_run;
		r->facts = &a->facts;
		n++;
	}
	if (n == 0)
		return 0;
	if (cs_diagnose(m->fp, n, &m->dctx, &m->diag) < 0)
		return -ENOMEM;
	m->has_diag = true;
	for (int c = 0; c < CS_DIAG__COUNT; c++)
		for (unsigned k = 0;
		     m->diag.ap_idx[c] != NULL && k < m->diag.count[c]; k++)
			if (m->diag.ap_idx[c][k] < n)
				m->apr[m->diag.ap_idx[c][k]].verdict =
				    cs_diag_code_name((enum cs_diag_code)c);
	cs_report_diag_from(&m->rd, m->diag_counts, CS_DIAG__COUNT, &m->diag);
	if (cs_report_causes_build(&m->rcs, &m->rd, &m->diag, m->ids, n, 16) <
	    0)
		return -ENOMEM;
	m->s.diag = &m->rd;
	m->s.ap_results = m->apr;
	m->s.n_ap_results = n;
	m->s.diag_ctx = &m->dctx;
	return 0;
}

static int
mg_cmp_shard(const void *a, const void *b)
{
	const struct mg_shard *x = a, *y = b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return x->duplicate - y->duplicate;
}

int
cs_merge_finish(struct cs_merge *m, struct cs_run_summary **out,
    struct cs_merge_status *st, char *why, size_t why_len)
{
	json_t *imp = NULL, *wlc = NULL;
	unsigned merged = 0, aps_merged = 0, dups = 0, unsynced = 0;
	uint64_t spread = 0;
	double duration = 0;
	bool interrupted = false;
	int r;

	if (m == NULL || out == NULL || st == NULL || m->finished)
		return -EINVAL;
	if (m->n_sh == 0) {
		mg_why(why, why_len, "no shard report to merge");
		return -ENODATA;
	}
	if ((r = mg_check_one_run(m, why, why_len)) < 0)
		return r;
	m->finished = true;
	/* shard order, duplicates after the first of their index */
	qsort(m->sh, m->n_sh, sizeof(*m->sh), mg_cmp_shard);
	m->declared = m->sh[0].count;
	m->total_aps = m->sh[0].total_aps;
	if ((m->aps = calloc(m->total_aps, sizeof(*m->aps))) == NULL ||
	    (imp = json_array()) == NULL || (wlc = json_object()) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < m->n_sh; i++)
		if (!m->sh[i].duplicate && m->sh[i].started_ms != 0 &&
		    (m->start_ms == 0 || m->sh[i].started_ms < m->start_ms))
			m->start_ms = m->sh[i].started_ms;
	for (size_t i = 0; i < m->n_sh; i++) {
		const struct mg_shard *sh = &m->sh[i];
		double d = 0;

		if (sh->duplicate) {
			dups++;
			if ((r = mg_push(&m->problems, &m->n_problems,
			         "%s: a second report of shard %u/%u: left out",
			         sh->origin, sh->index, sh->count)) < 0)
				goto out;
			continue;
		}
		if ((r = mg_metrics(m, sh, why, why_len)) < 0 ||
		    (r = mg_aps(m, sh, why, why_len)) < 0 ||
		    (r = mg_ctx(m, sh, merged == 0, why, why_len)) < 0 ||
		    (r = mg_counters(m, sh, imp, wlc)) < 0 ||
		    (r = mg_clients(m, sh, why, why_len)) < 0)
			goto out;
		if (json_is_true(json_object_get(sh->root, "interrupted"))) {
			interrupted = true;
			if ((r = mg_push(&m->problems, &m->n_problems,
			         "%s: shard %u/%u was interrupted: its APs' "
			         "results are cut short",
			         sh->origin, sh->index, sh->count)) < 0)
				goto out;
		}
		(void)mg_ms(sh->root, "duration_s", &d);
		d += sh->started_ms > m->start_ms
		    ? (double)(sh->started_ms - m->start_ms) / 1000.0
		    : 0;
		if (d > duration)
			duration = d;
		merged++;
		aps_merged += sh->n_aps;
		if (sh->started_ms > m->start_ms &&
		    sh->started_ms - m->start_ms > spread)
			spread = sh->started_ms - m->start_ms;
		if (!json_is_true(json_object_get(
		        json_object_get(
		            json_object_get(sh->root, "shard"), "clock"),
		        "synchronized")))
			unsynced++;
	}
	/* shards sorted by index: the gaps are the missing ones */
	for (size_t i = 0, next = 0; i <= m->n_sh; i++) {
		unsigned upto = i < m->n_sh ? m->sh[i].index : m->declared;

		if (i < m->n_sh && m->sh[i].duplicate)
			continue;
		for (; next < upto; next++)
			if ((r = mg_push(&m->problems, &m->n_problems,
			         "shard %zu/%u: no report (its APs are missing "
			         "from the merge)",
			         next, m->declared)) < 0)
				goto out;
		next = upto + 1;
	}
	for (size_t i = 0; i < m->n_failed; i++)
		if ((r = mg_push(
		         &m->problems, &m->n_problems, "%s", m->failed[i])) < 0)
			goto out;
	if ((r = mg_diagnose(m)) < 0 || (r = mg_rules_out(m, imp, wlc)) < 0 ||
	    (r = mg_timeseries(m)) < 0 || (r = mg_clients_finish(m)) < 0)
		goto out;
	m->s.aps = m->total_aps;
	m->s.m = &m->m;
	m->s.duration_s = duration;
	m->s.seed = (uint64_t)json_integer_value(
	    json_object_get(m->sh[0].root, "seed"));
	m->s.wlc = json_string_value(json_object_get(m->sh[0].root, "wlc"));
	m->s.wlc_verify_off = json_is_string(json_object_get(
	                          m->sh[0].root, "wlc_verification")) &&
	    strcmp(json_string_value(
	               json_object_get(m->sh[0].root, "wlc_verification")),
	        "off") == 0;
	m->s.dtls_version =
	    json_string_value(json_object_get(m->sh[0].root, "dtls_version"));
	m->s.ciphers =
	    json_string_value(json_object_get(m->sh[0].root, "ciphers"));
	m->s.scenario_name = json_string_value(json_object_get(
	    json_object_get(m->sh[0].root, "scenario"), "name"));
	m->s.scenario_file = json_string_value(json_object_get(
	    json_object_get(m->sh[0].root, "scenario"), "file"));
	m->s.rules = m->n_rules > 0 ? m->rules : NULL;
	m->s.n_rules = m->n_rules;
	m->s.wlc_counters = m->wlc_kv;
	m->s.n_wlc_counters = m->n_wlc;
	m->s.joins_per_sec = m->joins_per_sec;
	m->s.n_joins_per_sec = m->n_joins_per_sec;
	m->s.started_unix_ms = m->start_ms;
	m->s.interrupted = interrupted;
	st->declared = m->declared;
	st->start_spread_ms = spread;
	st->clocks_unsynced = unsynced;
	st->merged = merged;
	st->aps = m->total_aps;
	st->aps_merged = aps_merged;
	st->complete = merged == m->declared && m->n_failed == 0 && dups == 0 &&
	    aps_merged == m->total_aps && !interrupted;
	st->problems = (const char *const *)m->problems;
	st->n_problems = m->n_problems;
	m->s.passed =
	    st->complete && m->s.in_run == m->s.aps && m->s.left_run == 0;
	*out = &m->s;
	r = 0;
out:
	json_decref(imp);
	json_decref(wlc);
	return r;
}

const struct cs_diagnosis *
cs_merge_diagnosis(const struct cs_merge *m)
{
	return m != NULL && m->has_diag ? &m->diag : NULL;
}

size_t
cs_merge_n_expect(const struct cs_merge *m)
{
	if (m == NULL || m->n_sh == 0)
		return 0;
	return json_array_size(json_object_get(m->sh[0].root, "expectations"));
}

const char *
cs_merge_expect_text(const struct cs_merge *m, size_t i)
{
	if (i >= cs_merge_n_expect(m))
		return NULL;
	return json_string_value(json_object_get(
	    json_array_get(json_object_get(m->sh[0].root, "expectations"), i),
	    "expr"));
}

char *
cs_merge_json(struct cs_merge *m, const struct cs_run_summary *s)
{
	char *text, *out = NULL;
	json_t *root, *mo, *shards, *missing;
	bool oom = false;

	if (m == NULL || s == NULL || !m->finished)
		return NULL;
	if ((text = cs_report_json(s)) == NULL)
		return NULL;
	root = json_loads(text, JSON_PRESERVE_ORDER, NULL);
	free(text);
	if (root == NULL)
		return NULL;
	mo = json_object();
	shards = json_array();
	missing = json_array();
	if (mo == NULL || shards == NULL || missing == NULL) {
		json_decref(mo);
		json_decref(shards);
		json_decref(missing);
		json_decref(root);
		return NULL;
	}
	for (size_t i = 0; i < m->n_sh; i++) {
		const struct mg_shard *sh = &m->sh[i];
		const json_t *sj = json_object_get(sh->root, "shard");
		json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:b, s:b}",
		    "file", sh->origin, "index", (json_int_t)sh->index,
		    "first_ap", (json_int_t)sh->first_ap, "aps",
		    (json_int_t)sh->n_aps, "start_offset_ms",
		    (json_int_t)(sh->started_ms > m->start_ms
		            ? sh->started_ms - m->start_ms
		            : 0),
		    "merged", !sh->duplicate, "passed",
		    json_is_true(json_object_get(sh->root, "passed")));

		if (o == NULL || json_array_append_new(shards, o) < 0) {
			oom = true;
			break;
		}
		if (json_object_get(sh->root, "host") != NULL)
			json_object_set(
			    o, "host", json_object_get(sh->root, "host"));
		if (json_object_get(sh->root, "started_at") != NULL)
			json_object_set(o, "started_at",
			    json_object_get(sh->root, "started_at"));
		if (json_object_get(sj, "start_at") != NULL)
			json_object_set(
			    o, "start_at", json_object_get(sj, "start_at"));
		if (json_object_get(sj, "start_offset_ms") != NULL)
			json_object_set(o, "late_ms",
			    json_object_get(sj, "start_offset_ms"));
		if (json_object_get(sj, "clock") != NULL)
			json_object_set(
			    o, "clock", json_object_get(sj, "clock"));
	}
	for (size_t i = 0; i < m->n_problems; i++)
		if (json_array_append_new(missing, json_string(m->problems[i])))
			oom = true;
	cs_json_set(mo, "shards_declared", json_integer(m->declared));
	cs_json_set(mo, "complete",
	    json_boolean(m->n_problems == 0 && !s->interrupted));
	cs_json_set(mo, "shards", shards);
	cs_json_set(mo, "problems", missing);
	if (cs_json_set(root, "merge", mo) < 0)
		oom = true;
	if (m->ts != NULL)
		json_object_set(root, "timeseries", m->ts);
	json_object_del(root, "host");
	if (!oom)
		out = json_dumps(root,
		    JSON_INDENT(2) | JSON_PRESERVE_ORDER |
		        JSON_REAL_PRECISION(12));
	json_decref(root);
	return out;
}
