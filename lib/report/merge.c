/* SPDX-License-Identifier: MIT */
/*
 * Merging shard reports into one run's report (capsim/merge.h).  Every
 * number is read back from the shards' JSON and checked; the histograms
 * are rebuilt bucket by bucket from their [upper edge, count] pairs (an
 * upper edge names exactly one bucket of the log-linear layout), so the
 * merged histogram is the one a single run would have built.
 */
#include "capsim/merge.h"

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
#include "merge-internal.h"
#include "report-internal.h"

void
mg_why(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
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
	cs_client_metrics_init(&m->cm);
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
	mg_clients_free(m);
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

int __attribute__((format(printf, 3, 4)))
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
int
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
int
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
