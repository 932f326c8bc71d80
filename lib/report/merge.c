/* SPDX-License-Identifier: MIT */
/*
 * Merging shard reports into one run's report (capsim/merge.h).  Every
 * number is read back from the shards' JSON and checked; the histograms
 * are rebuilt bucket by bucket from their [upper edge, count] pairs (an
 * upper edge names exactly one bucket of the log-linear layout), so the
 * merged histogram is the one a single run would have built.
 */
#include "capsim/merge.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/diagnose.h"
#include "capsim/hist.h"
#include "capsim/metrics.h"
#include "capsim/report.h"
#include "report-internal.h"

#define MG_MAX_SHARDS 100000
#define MG_MAX_APS    1000000u /* capsim run --aps at most */

struct mg_shard {
	char *origin;
	json_t *root;
	unsigned index, count, first_ap, n_aps, total_aps;
	uint64_t started_ms; /* 0 unknown */
	bool duplicate;      /* another report of the same shard came first */
};

struct mg_ap {
	bool present;
	struct cs_ap_facts facts;
	char name[40], mac[18], addr[16];
	bool joined, in_run, failed, left_run;
};

struct cs_merge {
	struct mg_shard *sh;
	size_t n_sh, cap_sh;
	char **failed; /* "ORIGIN: why" */
	size_t n_failed;
	char **problems;
	size_t n_problems;
	/* the merged run */
	bool finished;
	struct cs_run_summary s;
	struct cs_metrics m;
	struct mg_ap *aps; /* total_aps of them, by global index */
	unsigned total_aps;
	uint64_t start_ms; /* earliest shard start */
	struct cs_diag_ctx dctx;
	struct cs_diagnosis diag;
	bool has_diag;
	struct cs_report_diag rd;
	struct cs_report_kv diag_counts[CS_DIAG__COUNT];
	struct cs_report_causes rcs;
	struct cs_report_ap *ids;
	struct cs_report_ap_result *apr;
	const struct cs_ap_facts **fp;
	struct cs_report_rule *rules;
	struct cs_report_kv *rule_kv;
	char **rule_names;
	size_t n_rules;
	struct cs_report_kv *wlc_kv;
	size_t n_wlc;
	char **kv_names; /* owned names of rule and WLC counters */
	size_t n_kv_names;
	uint32_t *joins_per_sec;
	size_t n_joins_per_sec;
	json_t *ts; /* the merged time series */
	unsigned declared;
};

static void __attribute__((format(printf, 3, 4)))
mg_why(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/* "DTLS-Setup" -> "dtls_setup": the report's key style */
static const char *
mg_key(const char *name, char *buf, size_t len)
{
	size_t i;

	for (i = 0; name != NULL && name[i] != '\0' && i + 1 < len; i++)
		buf[i] = name[i] == '-' || name[i] == ' '
		    ? '_'
		    : (char)tolower((unsigned char)name[i]);
	buf[i] = '\0';
	return buf;
}

int
cs_merge_new(struct cs_merge **ret)
{
	struct cs_merge *m;

	if (ret == NULL)
		return -EINVAL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return -ENOMEM;
	cs_metrics_init(&m->m);
	*ret = m;
	return 0;
}

static void
mg_strv_free(char **v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

void
cs_merge_free(struct cs_merge *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n_sh; i++) {
		free(m->sh[i].origin);
		json_decref(m->sh[i].root);
	}
	free(m->sh);
	mg_strv_free(m->failed, m->n_failed);
	mg_strv_free(m->problems, m->n_problems);
	mg_strv_free(m->rule_names, m->n_rules);
	mg_strv_free(m->kv_names, m->n_kv_names);
	cs_metrics_free(&m->m);
	if (m->has_diag)
		cs_diagnosis_free(&m->diag);
	cs_report_causes_free(&m->rcs);
	free(m->aps);
	free(m->ids);
	free(m->apr);
	free(m->fp);
	free(m->rules);
	free(m->rule_kv);
	free(m->wlc_kv);
	free(m->joins_per_sec);
	json_decref(m->ts);
	free(m);
}

static int __attribute__((format(printf, 3, 4)))
mg_push(char ***v, size_t *n, const char *fmt, ...)
{
	char **nv, *s;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0 || (s = malloc((size_t)len + 1)) == NULL)
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)len + 1, fmt, ap);
	va_end(ap);
	if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL) {
		free(s);
		return -ENOMEM;
	}
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

int
cs_merge_add_failed(struct cs_merge *m, const char *origin, const char *why)
{
	if (m == NULL || origin == NULL || why == NULL || m->finished)
		return -EINVAL;
	return mg_push(&m->failed, &m->n_failed, "%s: %s", origin, why);
}

/* An integer member within [min, max]. */
static int
mg_uint(const json_t *o, const char *key, uint64_t max, uint64_t *v)
{
	const json_t *j = json_object_get(o, key);

	if (!json_is_integer(j) || json_integer_value(j) < 0 ||
	    (uint64_t)json_integer_value(j) > max)
		return -EBADMSG;
	*v = (uint64_t)json_integer_value(j);
	return 0;
}

/* A number of milliseconds >= 0 (a JSON integer or real). */
static int
mg_ms(const json_t *o, const char *key, double *v)
{
	const json_t *j = json_object_get(o, key);

	if (!json_is_number(j) || !(json_number_value(j) >= 0) ||
	    json_number_value(j) > 1e15)
		return -EBADMSG;
	*v = json_number_value(j);
	return 0;
}

/* "2026-12-07T12:00:00.123Z" (cs_report_rfc3339's form) -> Unix ms */
static int
mg_time(const char *s, uint64_t *ms)
{
	unsigned y, mo, d, h, mi, sec, frac = 0;
	int n = 0;
	int64_t days, yy;

	if (s == NULL ||
	    sscanf(s, "%4u-%2u-%2uT%2u:%2u:%2u%n", &y, &mo, &d, &h, &mi, &sec,
	        &n) != 6 ||
	    n != 19)
		return -EBADMSG;
	if (s[19] == '.') {
		unsigned k = 0;

		for (n = 20; s[n] >= '0' && s[n] <= '9'; n++, k++)
			if (k < 3)
				frac = frac * 10 + (unsigned)(s[n] - '0');
		if (k == 0)
			return -EBADMSG;
		for (; k < 3; k++)
			frac *= 10;
	}
	if (s[n] != 'Z' || s[n + 1] != '\0' || y < 1970 || mo < 1 || mo > 12 ||
	    d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -EBADMSG;
	yy = (int64_t)y - (mo <= 2);
	{
		int64_t era = yy / 400;
		unsigned yoe = (unsigned)(yy - era * 400);
		unsigned doy =
		    (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1;
		unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

		days = era * 146097 + (int64_t)doe - 719468;
	}
	*ms = (uint64_t)(days * 86400 + h * 3600 + mi * 60 + sec) * 1000 + frac;
	return 0;
}

int
cs_merge_add(struct cs_merge *m, const char *origin, const char *text,
    size_t len, char *why, size_t why_len)
{
	json_t *root, *sh, *apr;
	json_error_t je;
	struct mg_shard s = { 0 };
	uint64_t v;

	if (m == NULL || origin == NULL || text == NULL || m->finished)
		return -EINVAL;
	if ((root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je)) ==
	    NULL) {
		mg_why(why, why_len, "%s: not JSON: line %d column %d: %s",
		    origin, je.line, je.column, je.text);
		return -EBADMSG;
	}
	if (!json_is_object(root) ||
	    !json_is_string(json_object_get(root, "tool")) ||
	    strcmp(json_string_value(json_object_get(root, "tool")),
	        "capsim") != 0) {
		mg_why(why, why_len,
		    "%s: not a capsim report (no \"tool\": "
		    "\"capsim\")",
		    origin);
		goto bad;
	}
	sh = json_object_get(root, "shard");
	if (!json_is_object(sh)) {
		mg_why(why, why_len,
		    "%s: not a shard report (no \"shard\": run capsim run "
		    "with --shard I/N)",
		    origin);
		goto bad;
	}
	if (mg_uint(sh, "count", MG_MAX_SHARDS, &v) < 0 || v == 0)
		goto bad_shard;
	s.count = (unsigned)v;
	if (mg_uint(sh, "index", s.count - 1, &v) < 0)
		goto bad_shard;
	s.index = (unsigned)v;
	if (mg_uint(sh, "total_aps", MG_MAX_APS, &v) < 0 || v == 0)
		goto bad_shard;
	s.total_aps = (unsigned)v;
	if (mg_uint(sh, "first_ap", s.total_aps - 1, &v) < 0)
		goto bad_shard;
	s.first_ap = (unsigned)v;
	if (mg_uint(sh, "aps", s.total_aps - s.first_ap, &v) < 0)
		goto bad_shard;
	s.n_aps = (unsigned)v;
	if (json_is_string(json_object_get(root, "started_at")) &&
	    mg_time(json_string_value(json_object_get(root, "started_at")),
	        &s.started_ms) < 0) {
		mg_why(why, why_len,
		    "%s: \"started_at\" is not an RFC 3339 UTC "
		    "time",
		    origin);
		goto bad;
	}
	apr = json_object_get(root, "ap_results");
	if (!json_is_object(apr) ||
	    !json_is_array(json_object_get(apr, "aps"))) {
		mg_why(why, why_len,
		    "%s: no \"ap_results\": the merge needs every AP's "
		    "result",
		    origin);
		goto bad;
	}
	{
		const char *w = NULL;

		if (cs_facts_json_names_check(
		        json_object_get(apr, "fact_fields"), &w) < 0) {
			mg_why(why, why_len, "%s: ap_results: %s", origin, w);
			goto bad;
		}
	}
	for (size_t i = 0; i < m->n_sh; i++)
		if (!m->sh[i].duplicate && m->sh[i].index == s.index &&
		    m->sh[i].count == s.count)
			s.duplicate = true;
	if (m->n_sh == m->cap_sh) {
		size_t nc = m->cap_sh ? m->cap_sh * 2 : 8;
		struct mg_shard *n = realloc(m->sh, nc * sizeof(*n));

		if (n == NULL) {
			json_decref(root);
			return -ENOMEM;
		}
		m->sh = n;
		m->cap_sh = nc;
	}
	if ((s.origin = strdup(origin)) == NULL) {
		json_decref(root);
		return -ENOMEM;
	}
	s.root = root;
	m->sh[m->n_sh++] = s;
	return 0;
bad_shard:
	mg_why(why, why_len,
	    "%s: \"shard\" wants index < count, total_aps > 0 and first_ap + "
	    "aps <= total_aps",
	    origin);
bad:
	json_decref(root);
	return -EBADMSG;
}

/* --- histograms ---------------------------------------------------------- */

/* A histogram of the report back into h: each [upper_ms, count] names the
 * bucket its upper edge falls in. */
int
cs_merge_hist_from_json(const json_t *o, struct cs_hist *h, const char **why)
{
	const json_t *b = json_object_get(o, "buckets");
	uint64_t count, total = 0;
	double sum_ms, min_ms, max_ms;
	struct cs_hist t;
	size_t i;
	const json_t *e;

	*why = "histogram: count, sum_ms, min_ms, max_ms or buckets missing "
	       "or out of range";
	if (mg_uint(o, "count", INT64_MAX, &count) < 0 ||
	    mg_ms(o, "sum_ms", &sum_ms) < 0 ||
	    mg_ms(o, "min_ms", &min_ms) < 0 || mg_ms(o, "max_ms", &max_ms) < 0)
		return -EBADMSG;
	cs_hist_init(&t);
	if (count == 0) {
		*h = t;
		return 0;
	}
	if (!json_is_array(b) || json_array_size(b) > CS_HIST_BUCKETS)
		return -EBADMSG;
	if ((t.b = calloc(CS_HIST_BUCKETS, sizeof(*t.b))) == NULL)
		return -ENOMEM;
	json_array_foreach(b, i, e)
	{
		const json_t *u = json_array_get(e, 0),
		             *c = json_array_get(e, 1);
		double us;
		unsigned idx;

		if (!json_is_array(e) || json_array_size(e) != 2 ||
		    !json_is_number(u) || !json_is_integer(c) ||
		    json_integer_value(c) <= 0 ||
		    json_integer_value(c) > UINT32_MAX ||
		    !(json_number_value(u) >= 0) ||
		    json_number_value(u) > 1e13) {
			*why = "histogram: a bucket is not [upper_ms >= 0, "
			       "count > 0]";
			cs_hist_free(&t);
			return -EBADMSG;
		}
		us = round(json_number_value(u) * 1000.0);
		idx = cs_hist_bucket((uint64_t)us);
		if ((uint64_t)t.b[idx] + (uint64_t)json_integer_value(c) >
		    UINT32_MAX) {
			*why = "histogram: a bucket overflows";
			cs_hist_free(&t);
			return -EBADMSG;
		}
		t.b[idx] += (uint32_t)json_integer_value(c);
		total += (uint64_t)json_integer_value(c);
	}
	if (total != count) {
		*why = "histogram: the buckets do not add up to count";
		cs_hist_free(&t);
		return -EBADMSG;
	}
	t.count = count;
	t.sum_us = (uint64_t)llround(sum_ms * 1000.0);
	t.min_us = (uint64_t)llround(min_ms * 1000.0);
	t.max_us = (uint64_t)llround(max_ms * 1000.0);
	*h = t;
	return 0;
}

/* --- the merged run -------------------------------------------------- */

/* json_equal, with two absent members equal */
static bool
mg_same(const json_t *a, const json_t *b)
{
	return (a == NULL && b == NULL) || json_equal(a, b);
}

/* The shards belong to one run: same N, AP count, seed, scenario. */
static int
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
		if (strcmp(mg_key(cs_phase_name(p), k, sizeof(k)), key) == 0)
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
static int
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

		if (mg_uint(states, mg_key(cs_ap_state_name(st), k, sizeof(k)),
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

		mg_key(cs_lat_name(l), k, sizeof(k));
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
static int
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
static int
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
static int
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
static int
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

/* --- finish --------------------------------------------------------- */

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
	unsigned merged = 0, aps_merged = 0, dups = 0;
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
		    (r = mg_counters(m, sh, imp, wlc)) < 0)
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
	    (r = mg_timeseries(m)) < 0)
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
