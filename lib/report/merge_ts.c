/* SPDX-License-Identifier: MIT */
/*
 * The time series of a merged run (capsim merge, issue 17): each shard's
 * rows moved to the run's wall clock (its start offset, in whole
 * intervals), counts and gauges summed; per-interval percentiles kept
 * only where one shard alone had samples (elsewhere null: percentiles do
 * not add, and the run's histograms, merged exactly, stay the figures).
 */
#include "report-internal.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "capsim/common.h"

/* --- the time series on wall-clock time ------------------------------- */

static json_t *
mg_col(json_t *o, const char *key)
{
	json_t *a = json_object_get(o, key);

	if (a == NULL) {
		a = json_array();
		if (a == NULL || json_object_set_new(o, key, a) < 0)
			return NULL;
	}
	return a;
}

static json_t *
mg_col_obj(json_t *o, const char *key)
{
	json_t *a = json_object_get(o, key);

	if (a == NULL) {
		a = json_object();
		if (a == NULL || json_object_set_new(o, key, a) < 0)
			return NULL;
	}
	return a;
}

/* column[j] of merged o, grown with nulls up to j */
static json_t *
mg_cell(json_t *col, size_t j)
{
	while (json_array_size(col) <= j)
		if (json_array_append_new(col, json_null()) < 0)
			return NULL;
	return json_array_get(col, j);
}

static void
mg_cell_add(json_t *col, size_t j, const json_t *v)
{
	json_t *c = mg_cell(col, j);

	if (c == NULL || !json_is_integer(v))
		return;
	if (json_is_integer(c))
		json_integer_set(
		    c, json_integer_value(c) + json_integer_value(v));
	else
		json_array_set_new(col, j, json_integer(json_integer_value(v)));
}

/* A percentile cell: kept when one shard alone had samples there; with
 * samples in several shards it is not knowable from their percentiles
 * (null, "unknown"); the whole run's histograms stay exact. */
static void
mg_cell_pct(json_t *col, json_t *seen, size_t j, const json_t *v)
{
	json_t *c = mg_cell(col, j), *n = mg_cell(seen, j);

	if (c == NULL || n == NULL || !json_is_number(v))
		return;
	if (json_is_null(n)) {
		json_array_set_new(seen, j, json_integer(1));
		json_array_set_new(col, j, json_real(json_number_value(v)));
	} else {
		json_array_set_new(seen, j, json_integer(2));
		json_array_set_new(col, j, json_null());
	}
}

static void
mg_cell_max(json_t *col, size_t j, const json_t *v)
{
	json_t *c = mg_cell(col, j);

	if (c == NULL || !json_is_number(v))
		return;
	if (!json_is_number(c) || json_number_value(v) > json_number_value(c))
		json_array_set_new(col, j, json_real(json_number_value(v)));
}

static int
mg_ts_shard(json_t *out, json_t *seen, const json_t *ts, uint64_t off_ms,
    double interval_s)
{
	const json_t *t0 = json_object_get(ts, "t_start_s");
	const json_t *t1 = json_object_get(ts, "t_s");
	double off_s = (double)off_ms / 1000.0;
	size_t off = (size_t)llround(off_s / interval_s), rows;
	static const char *const sums[] = { "aps", "joins", "failures",
		"retransmits" };
	static const char *const groups[] = { "states", "failures_by_phase" };
	const char *k;
	json_t *v;

	if (!json_is_array(t0) || !json_is_array(t1) ||
	    json_array_size(t0) != json_array_size(t1))
		return 0;
	rows = json_array_size(t0);
	for (size_t r = 0; r < rows; r++) {
		size_t j = off + r;
		double a = json_number_value(json_array_get(t0, r)) + off_s;
		double b = json_number_value(json_array_get(t1, r)) + off_s;
		json_t *c0 = mg_cell(mg_col(out, "t_start_s"), j);
		json_t *c1 = mg_cell(mg_col(out, "t_s"), j);

		if (c0 == NULL || c1 == NULL)
			return -ENOMEM;
		if (!json_is_number(c0) || a < json_number_value(c0))
			json_array_set_new(
			    json_object_get(out, "t_start_s"), j, json_real(a));
		if (!json_is_number(c1) || b > json_number_value(c1))
			json_array_set_new(
			    json_object_get(out, "t_s"), j, json_real(b));
		for (size_t i = 0; i < CS_ARRAY_SIZE(sums); i++)
			mg_cell_add(mg_col(out, sums[i]), j,
			    json_array_get(json_object_get(ts, sums[i]), r));
		for (size_t g = 0; g < CS_ARRAY_SIZE(groups); g++)
			json_object_foreach(
			    json_object_get(ts, groups[g]), k, v)
			    mg_cell_add(mg_col(mg_col_obj(out, groups[g]), k),
			        j, json_array_get(v, r));
		json_object_foreach(json_object_get(ts, "latency_ms"), k, v)
		{
			json_t *lo =
			    mg_col_obj(mg_col_obj(out, "latency_ms"), k);
			json_t *so = mg_col_obj(seen, k);

			mg_cell_add(mg_col(lo, "count"), j,
			    json_array_get(json_object_get(v, "count"), r));
			mg_cell_pct(mg_col(lo, "p50"), mg_col(so, "p50"), j,
			    json_array_get(json_object_get(v, "p50"), r));
			mg_cell_pct(mg_col(lo, "p99"), mg_col(so, "p99"), j,
			    json_array_get(json_object_get(v, "p99"), r));
		}
		{
			const json_t *h = json_object_get(ts, "health");
			json_t *ho = mg_col_obj(out, "health");

			mg_cell_pct(mg_col(ho, "timer_lateness_p99_ms"),
			    mg_col(mg_col_obj(seen, "health"), "p99"), j,
			    json_array_get(
			        json_object_get(h, "timer_lateness_p99_ms"),
			        r));
			mg_cell_max(mg_col(ho, "timer_lateness_max_ms"), j,
			    json_array_get(
			        json_object_get(h, "timer_lateness_max_ms"),
			        r));
			if (json_object_get(h, "kernel_drops") != NULL)
				mg_cell_add(mg_col(ho, "kernel_drops"), j,
				    json_array_get(
				        json_object_get(h, "kernel_drops"), r));
		}
	}
	{
		const json_t *marks = json_object_get(ts, "marks"), *e;
		json_t *mo = mg_col(out, "marks");
		size_t i, q;

		json_array_foreach(marks, i, e)
		{
			const char *what =
			    json_string_value(json_object_get(e, "what"));
			double t =
			    json_number_value(json_object_get(e, "t_s")) +
			    off_s;
			bool dup = false;
			json_t *x;

			if (what == NULL)
				continue;
			/* the same timeline action in every shard: once */
			json_array_foreach(mo, q,
			    x) if (strcmp(json_string_value(json_object_get(x,
			                      "what")),
			               what) == 0 &&
			    fabs(json_number_value(json_object_get(x, "t_s")) -
			        t) < interval_s) dup = true;
			if (!dup)
				json_array_append_new(mo,
				    json_pack(
				        "{s:f, s:s}", "t_s", t, "what", what));
		}
	}
	if (json_integer_value(json_object_get(ts, "intervals_not_recorded")) >
	    0)
		mg_cell_add(mg_col(out, "_not_recorded"), 0,
		    json_object_get(ts, "intervals_not_recorded"));
	return 0;
}

/* Every column as long as t_s: counts 0 where no shard had a row,
 * percentiles null; joins_per_s from the merged joins. */
static void
mg_ts_pad(json_t *col, size_t n, bool counts)
{
	for (size_t j = 0; j < n; j++) {
		json_t *c = mg_cell(col, j);

		if (c != NULL && counts && json_is_null(c))
			json_array_set_new(col, j, json_integer(0));
	}
}

static json_t *
mg_ts_finish(json_t *out, double interval_s)
{
	size_t n = json_array_size(json_object_get(out, "t_s"));
	json_t *jps = json_array(), *nr;
	static const char *const sums[] = { "aps", "joins", "failures",
		"retransmits" };
	const char *k;
	json_t *v;

	if (jps == NULL)
		return NULL;
	for (size_t i = 0; i < CS_ARRAY_SIZE(sums); i++)
		mg_ts_pad(mg_col(out, sums[i]), n, true);
	json_object_foreach(mg_col_obj(out, "states"), k, v)
	    mg_ts_pad(v, n, true);
	json_object_foreach(mg_col_obj(out, "failures_by_phase"), k, v)
	    mg_ts_pad(v, n, true);
	json_object_foreach(mg_col_obj(out, "latency_ms"), k, v)
	{
		mg_ts_pad(mg_col(v, "count"), n, true);
		mg_ts_pad(mg_col(v, "p50"), n, false);
		mg_ts_pad(mg_col(v, "p99"), n, false);
	}
	json_object_foreach(mg_col_obj(out, "health"), k, v)
	    mg_ts_pad(v, n, strcmp(k, "kernel_drops") == 0);
	mg_ts_pad(mg_col(out, "t_start_s"), n, false);
	for (size_t j = 0; j < n; j++) {
		double a = json_number_value(
		    json_array_get(json_object_get(out, "t_start_s"), j));
		double b = json_number_value(
		    json_array_get(json_object_get(out, "t_s"), j));
		double joins = (double)json_integer_value(
		    json_array_get(json_object_get(out, "joins"), j));

		json_array_append_new(
		    jps, json_real(b > a ? joins / (b - a) : 0.0));
	}
	json_object_set_new(out, "joins_per_s", jps);
	json_object_set_new(out, "interval_s", json_real(interval_s));
	(void)mg_col(out, "marks");
	nr = json_array_get(json_object_get(out, "_not_recorded"), 0);
	if (json_is_integer(nr) && json_integer_value(nr) > 0)
		json_object_set_new(out, "intervals_not_recorded",
		    json_integer(json_integer_value(nr)));
	json_object_del(out, "_not_recorded");
	return out;
}

json_t *
cs_merge_ts(const json_t *const *series, const uint64_t *off_ms, size_t n,
    double interval_s)
{
	json_t *out = json_object(), *seen = json_object(), *r;

	if (out == NULL || seen == NULL)
		goto oom;
	for (size_t i = 0; i < n; i++)
		if (mg_ts_shard(out, seen, series[i], off_ms[i], interval_s) <
		    0)
			goto oom;
	json_decref(seen);
	if ((r = mg_ts_finish(out, interval_s)) == NULL)
		json_decref(out);
	return r;
oom:
	json_decref(out);
	json_decref(seen);
	return NULL;
}
