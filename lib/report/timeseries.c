/* SPDX-License-Identifier: MIT */
/*
 * Run time series; see capsim/timeseries.h.  Each row is the difference of
 * two cumulative snapshots, so the run command only has to take the
 * snapshots it already takes for the progress line.  Per-interval
 * percentiles come from the difference of the cumulative histograms (same
 * shape, counts only grow), so they are as exact as the histograms.
 */
#include "capsim/timeseries.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/hist.h"
#include "capsim/roles.h"
#include "report-internal.h"

struct cs_ts {
	uint64_t interval_ms;
	struct cs_ts_row *rows;
	size_t n_rows, cap_rows;
	struct cs_ts_mark *marks;
	size_t n_marks, cap_marks;
	uint64_t not_recorded; /* refused: the series was full */
	/* the previous snapshot */
	bool has_prev;
	uint64_t prev_t_ms, prev_joins, prev_failures, prev_retransmits;
	uint64_t prev_fail_phase[CS_PHASE__COUNT];
	uint32_t *prev_lat[CS_LAT__COUNT]; /* bucket counts, NULL = empty */
	uint64_t prev_lat_count[CS_LAT__COUNT];
	uint32_t *prev_late;
	uint64_t prev_late_count;
	bool has_prev_drops;
	uint64_t prev_drops;
};

int
cs_ts_new(struct cs_ts **ret, uint64_t interval_ms)
{
	struct cs_ts *ts;

	if (ret == NULL || interval_ms == 0)
		return -EINVAL;
	if ((ts = calloc(1, sizeof(*ts))) == NULL)
		return -ENOMEM;
	ts->interval_ms = interval_ms;
	*ret = ts;
	return 0;
}

void
cs_ts_free(struct cs_ts *ts)
{
	if (ts == NULL)
		return;
	for (size_t i = 0; i < ts->n_marks; i++)
		free(ts->marks[i].what);
	for (int l = 0; l < CS_LAT__COUNT; l++)
		free(ts->prev_lat[l]);
	free(ts->prev_late);
	free(ts->marks);
	free(ts->rows);
	free(ts);
}

uint64_t
cs_ts_interval_ms(const struct cs_ts *ts)
{
	return ts != NULL ? ts->interval_ms : 0;
}

/* Value at quantile q (nearest rank, as cs_hist_quantile) of the n > 0
 * samples in cur but not in prev (prev NULL = none): the upper edge of the
 * bucket, capped at the largest value ever seen. */
static double
ts_quantile_ms(
    const struct cs_hist *cur, const uint32_t *prev, uint64_t n, double q)
{
	uint64_t rank, seen = 0;

	rank = (uint64_t)(q * (double)n);
	if ((double)rank < q * (double)n)
		rank++;
	if (rank < 1)
		rank = 1;
	for (unsigned i = 0; cur->b != NULL && i < CS_HIST_BUCKETS; i++) {
		seen += cur->b[i] - (prev != NULL ? prev[i] : 0);
		if (seen >= rank) {
			uint64_t hi = cs_hist_bucket_hi(i);

			return (double)(hi < cur->max_us ? hi : cur->max_us) /
			    1000.0;
		}
	}
	return (double)cur->max_us / 1000.0;
}

/* Keeps a copy of h's buckets in *keep (allocated on first need). */
static int
ts_keep_hist(uint32_t **keep, const struct cs_hist *h)
{
	if (h->b == NULL)
		return 0;
	if (*keep == NULL &&
	    (*keep = malloc(CS_HIST_BUCKETS * sizeof(**keep))) == NULL)
		return -ENOMEM;
	memcpy(*keep, h->b, CS_HIST_BUCKETS * sizeof(**keep));
	return 0;
}

/* Every counter of s at least its previous value (a snapshot of the same
 * run never goes back; anything else is a caller error). */
static bool
ts_monotonic(const struct cs_ts *ts, const struct cs_ts_sample *s)
{
	const struct cs_metrics *m = s->m;

	if (!ts->has_prev)
		return true;
	if (s->t_ms < ts->prev_t_ms || m->joins < ts->prev_joins ||
	    m->failures_total < ts->prev_failures ||
	    m->retransmits < ts->prev_retransmits)
		return false;
	for (int p = 0; p < CS_PHASE__COUNT; p++)
		if (m->failures_by_phase[p] < ts->prev_fail_phase[p])
			return false;
	for (int l = 0; l < CS_LAT__COUNT; l++)
		if (m->lat[l].count < ts->prev_lat_count[l])
			return false;
	if (s->lateness != NULL && s->lateness->count < ts->prev_late_count)
		return false;
	if (s->has_kernel_drops && ts->has_prev_drops &&
	    s->kernel_drops < ts->prev_drops)
		return false;
	return true;
}

int
cs_ts_add(struct cs_ts *ts, const struct cs_ts_sample *s)
{
	const struct cs_metrics *m;
	struct cs_ts_row *r;
	uint64_t n, dt;

	if (ts == NULL || s == NULL || s->m == NULL || !ts_monotonic(ts, s))
		return -EINVAL;
	m = s->m;
	if (ts->has_prev && s->t_ms == ts->prev_t_ms)
		return 0;
	if (ts->n_rows >= CS_TS_MAX_ROWS) {
		ts->not_recorded++;
		return -E2BIG;
	}
	if (ts->n_rows == ts->cap_rows) {
		size_t cap = ts->cap_rows ? ts->cap_rows * 2 : 64;
		struct cs_ts_row *v = realloc(ts->rows, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		ts->rows = v;
		ts->cap_rows = cap;
	}
	/* the copies first: once they are taken nothing can fail */
	for (int l = 0; l < CS_LAT__COUNT; l++)
		if (m->lat[l].b != NULL && ts->prev_lat[l] == NULL &&
		    (ts->prev_lat[l] = calloc(
		         CS_HIST_BUCKETS, sizeof(*ts->prev_lat[l]))) == NULL)
			return -ENOMEM;
	if (s->lateness != NULL && s->lateness->b != NULL &&
	    ts->prev_late == NULL &&
	    (ts->prev_late = calloc(CS_HIST_BUCKETS, sizeof(uint32_t))) == NULL)
		return -ENOMEM;

	r = &ts->rows[ts->n_rows];
	memset(r, 0, sizeof(*r));
	r->t0_ms = ts->has_prev ? ts->prev_t_ms : 0;
	r->t_ms = s->t_ms;
	r->aps = s->aps;
	memcpy(r->states, s->states, sizeof(r->states));
	r->joins = m->joins - ts->prev_joins;
	r->failures = m->failures_total - ts->prev_failures;
	r->retransmits = m->retransmits - ts->prev_retransmits;
	for (int p = 0; p < CS_PHASE__COUNT; p++)
		r->failures_by_phase[p] =
		    m->failures_by_phase[p] - ts->prev_fail_phase[p];
	dt = r->t_ms - r->t0_ms;
	r->joins_per_s = dt > 0 ? (double)r->joins * 1000.0 / (double)dt : 0.0;
	for (int l = 0; l < CS_LAT__COUNT; l++) {
		n = m->lat[l].count - ts->prev_lat_count[l];
		r->lat_count[l] = n;
		if (n == 0)
			continue;
		r->has_lat[l] = true;
		r->lat_p50_ms[l] =
		    ts_quantile_ms(&m->lat[l], ts->prev_lat[l], n, 0.50);
		r->lat_p99_ms[l] =
		    ts_quantile_ms(&m->lat[l], ts->prev_lat[l], n, 0.99);
	}
	if (s->lateness != NULL &&
	    (n = s->lateness->count - ts->prev_late_count) > 0) {
		r->has_lateness = true;
		r->lateness_p99_ms =
		    ts_quantile_ms(s->lateness, ts->prev_late, n, 0.99);
		r->lateness_max_ms =
		    ts_quantile_ms(s->lateness, ts->prev_late, n, 1.0);
	}
	if (s->has_kernel_drops) {
		r->has_kernel_drops = true;
		r->kernel_drops =
		    s->kernel_drops - (ts->has_prev_drops ? ts->prev_drops : 0);
	}

	/* this snapshot becomes the previous one */
	for (int l = 0; l < CS_LAT__COUNT; l++) {
		(void)ts_keep_hist(&ts->prev_lat[l], &m->lat[l]);
		ts->prev_lat_count[l] = m->lat[l].count;
	}
	if (s->lateness != NULL) {
		(void)ts_keep_hist(&ts->prev_late, s->lateness);
		ts->prev_late_count = s->lateness->count;
	}
	ts->has_prev_drops = s->has_kernel_drops;
	ts->prev_drops = s->kernel_drops;
	ts->prev_t_ms = s->t_ms;
	ts->prev_joins = m->joins;
	ts->prev_failures = m->failures_total;
	ts->prev_retransmits = m->retransmits;
	memcpy(ts->prev_fail_phase, m->failures_by_phase,
	    sizeof(ts->prev_fail_phase));
	ts->has_prev = true;
	ts->n_rows++;
	return 0;
}

int
cs_ts_mark(struct cs_ts *ts, uint64_t t_ms, const char *what)
{
	char *copy;

	if (ts == NULL || what == NULL)
		return -EINVAL;
	if (ts->n_marks >= CS_TS_MAX_MARKS)
		return -E2BIG;
	if (ts->n_marks == ts->cap_marks) {
		size_t cap = ts->cap_marks ? ts->cap_marks * 2 : 16;
		struct cs_ts_mark *v = realloc(ts->marks, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		ts->marks = v;
		ts->cap_marks = cap;
	}
	if ((copy = strdup(what)) == NULL)
		return -ENOMEM;
	ts->marks[ts->n_marks++] = (struct cs_ts_mark){ t_ms, copy };
	return 0;
}

size_t
cs_ts_rows(const struct cs_ts *ts)
{
	return ts != NULL ? ts->n_rows : 0;
}

uint64_t
cs_ts_not_recorded(const struct cs_ts *ts)
{
	return ts != NULL ? ts->not_recorded : 0;
}

const struct cs_ts_row *
cs_ts_row(const struct cs_ts *ts, size_t i)
{
	return ts != NULL && i < ts->n_rows ? &ts->rows[i] : NULL;
}

size_t
cs_ts_marks(const struct cs_ts *ts)
{
	return ts != NULL ? ts->n_marks : 0;
}

const struct cs_ts_mark *
cs_ts_mark_at(const struct cs_ts *ts, size_t i)
{
	return ts != NULL && i < ts->n_marks ? &ts->marks[i] : NULL;
}

/* snake_case key of a name ("DTLS-Setup" -> "dtls_setup"). */
static void
ts_key(char *dst, size_t len, const char *name)
{
	size_t i = 0;

	for (; name != NULL && name[i] != '\0' && i + 1 < len; i++)
		dst[i] = name[i] == '-' ? '_'
		    : name[i] >= 'A' && name[i] <= 'Z'
		    ? (char)(name[i] - 'A' + 'a')
		    : name[i];
	dst[i] = '\0';
}

/* Growing text buffer with a sticky error, for the CSV. */
struct ts_buf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void __attribute__((format(printf, 2, 3)))
ts_put(struct ts_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p != NULL ? b->p + b->len : NULL,
		    b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = (b->cap + (size_t)n + 1) * 2;
		char *v = realloc(b->p, cap);

		if (v == NULL) {
			b->oom = true;
			return;
		}
		b->p = v;
		b->cap = cap;
	}
}

char *
cs_ts_csv(const struct cs_ts *ts)
{
	struct ts_buf b = { NULL, 0, 0, false };
	char key[32];

	if (ts == NULL)
		return NULL;
	ts_put(&b, "t_start_s,t_end_s,aps");
	for (int st = 0; st < CS_AP__COUNT; st++) {
		ts_key(key, sizeof(key), cs_ap_state_name(st));
		ts_put(&b, ",%s", key);
	}
	ts_put(&b, ",joins,joins_per_s,failures");
	for (int p = 0; p < CS_PHASE__COUNT; p++) {
		ts_key(key, sizeof(key), cs_phase_name(p));
		ts_put(&b, ",failures_%s", key);
	}
	ts_put(&b, ",retransmits");
	for (int l = 0; l < CS_LAT__COUNT; l++) {
		ts_key(key, sizeof(key), cs_lat_name(l));
		ts_put(&b, ",%s_count,%s_p50_ms,%s_p99_ms", key, key, key);
	}
	ts_put(
	    &b, ",timer_lateness_p99_ms,timer_lateness_max_ms,kernel_drops\n");
	for (size_t i = 0; i < ts->n_rows; i++) {
		const struct cs_ts_row *r = &ts->rows[i];

		ts_put(&b, "%.3f,%.3f,%u", (double)r->t0_ms / 1000.0,
		    (double)r->t_ms / 1000.0, r->aps);
		for (int st = 0; st < CS_AP__COUNT; st++)
			ts_put(&b, ",%u", r->states[st]);
		ts_put(&b, ",%llu,%.3f,%llu", (unsigned long long)r->joins,
		    r->joins_per_s, (unsigned long long)r->failures);
		for (int p = 0; p < CS_PHASE__COUNT; p++)
			ts_put(&b, ",%llu",
			    (unsigned long long)r->failures_by_phase[p]);
		ts_put(&b, ",%llu", (unsigned long long)r->retransmits);
		for (int l = 0; l < CS_LAT__COUNT; l++) {
			ts_put(
			    &b, ",%llu", (unsigned long long)r->lat_count[l]);
			if (r->has_lat[l])
				ts_put(&b, ",%.3f,%.3f", r->lat_p50_ms[l],
				    r->lat_p99_ms[l]);
			else
				ts_put(&b, ",,");
		}
		if (r->has_lateness)
			ts_put(&b, ",%.3f,%.3f", r->lateness_p99_ms,
			    r->lateness_max_ms);
		else
			ts_put(&b, ",,");
		if (r->has_kernel_drops)
			ts_put(
			    &b, ",%llu\n", (unsigned long long)r->kernel_drops);
		else
			ts_put(&b, ",\n");
	}
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

const char *
cs_ts_line_header(void)
{
	return "[ interval    ]      run/APs  joins  joins/s  fail  retx  "
	       "join p50/p99 ms  late p99 ms";
}

int
cs_ts_line(char *buf, size_t len, const struct cs_ts_row *r)
{
	char run[24], lat[48], late[24];
	int n;

	if (r == NULL || (buf == NULL && len > 0))
		return -EINVAL;
	snprintf(run, sizeof(run), "%u/%u", r->states[CS_AP_RUN], r->aps);
	if (r->has_lat[CS_LAT_TOTAL])
		snprintf(lat, sizeof(lat), "%.1f/%.1f",
		    r->lat_p50_ms[CS_LAT_TOTAL], r->lat_p99_ms[CS_LAT_TOTAL]);
	else
		snprintf(lat, sizeof(lat), "-");
	if (r->has_lateness)
		snprintf(late, sizeof(late), "%.1f", r->lateness_p99_ms);
	else
		snprintf(late, sizeof(late), "-");
	/* the columns line up under cs_ts_line_header() */
	n = snprintf(buf, len,
	    "[%5.1f-%5.1f s]  %11s  %5llu  %7.1f  %4llu  %4llu  %15s  %s",
	    (double)r->t0_ms / 1000.0, (double)r->t_ms / 1000.0, run,
	    (unsigned long long)r->joins, r->joins_per_s,
	    (unsigned long long)r->failures, (unsigned long long)r->retransmits,
	    lat, late);
	return n < 0 ? -EINVAL : n;
}

/* A number, or null when unknown. */
static json_t *
ts_num(bool known, double v)
{
	return known ? json_real(v) : json_null();
}

/* Appends v to the array under key in o (created on first use). */
static void
ts_push(json_t *o, const char *key, json_t *v, bool *oom)
{
	json_t *a = json_object_get(o, key);

	if (a == NULL) {
		if ((a = json_array()) == NULL || cs_json_set(o, key, a) < 0) {
			json_decref(v);
			*oom = true;
			return;
		}
	}
	if (v == NULL || json_array_append_new(a, v) < 0)
		*oom = true;
}

/* o[key], an object created on first use. */
static json_t *
ts_obj(json_t *o, const char *key, bool *oom)
{
	json_t *c = json_object_get(o, key);

	if (c == NULL &&
	    ((c = json_object()) == NULL || cs_json_set(o, key, c) < 0)) {
		*oom = true;
		return NULL;
	}
	return c;
}

static const char *const ts_columns[] = { "t_start_s", "t_s", "aps", "joins",
	"joins_per_s", "failures", "retransmits" };

json_t *
cs_ts_json(const struct cs_ts *ts)
{
	json_t *o, *states, *fails, *lat, *health, *marks, *c;
	bool oom = false, any_drops = false;
	char key[32];

	if (ts == NULL || (o = json_object()) == NULL)
		return NULL;
	cs_json_set(
	    o, "interval_s", json_real((double)ts->interval_ms / 1000.0));
	if (ts->not_recorded > 0) /* capsim limited the series: say so */
		cs_json_set(o, "intervals_not_recorded",
		    json_integer((json_int_t)ts->not_recorded));
	/* the columns are there even before the first interval */
	for (size_t i = 0; i < CS_ARRAY_SIZE(ts_columns); i++)
		if (cs_json_set(o, ts_columns[i], json_array()) < 0)
			oom = true;
	states = ts_obj(o, "states", &oom);
	fails = ts_obj(o, "failures_by_phase", &oom);
	lat = ts_obj(o, "latency_ms", &oom);
	health = ts_obj(o, "health", &oom);
	for (size_t i = 0; i < ts->n_rows; i++)
		any_drops = any_drops || ts->rows[i].has_kernel_drops;
	for (size_t i = 0; !oom && i < ts->n_rows; i++) {
		const struct cs_ts_row *r = &ts->rows[i];

		ts_push(
		    o, "t_start_s", json_real((double)r->t0_ms / 1000.0), &oom);
		ts_push(o, "t_s", json_real((double)r->t_ms / 1000.0), &oom);
		ts_push(o, "aps", json_integer(r->aps), &oom);
		for (int st = 0; st < CS_AP__COUNT; st++) {
			ts_key(key, sizeof(key), cs_ap_state_name(st));
			ts_push(states, key, json_integer(r->states[st]), &oom);
		}
		ts_push(o, "joins", json_integer((json_int_t)r->joins), &oom);
		ts_push(o, "joins_per_s", json_real(r->joins_per_s), &oom);
		ts_push(
		    o, "failures", json_integer((json_int_t)r->failures), &oom);
		for (int p = 0; p < CS_PHASE__COUNT; p++) {
			ts_key(key, sizeof(key), cs_phase_name(p));
			ts_push(fails, key,
			    json_integer((json_int_t)r->failures_by_phase[p]),
			    &oom);
		}
		ts_push(o, "retransmits",
		    json_integer((json_int_t)r->retransmits), &oom);
		for (int l = 0; l < CS_LAT__COUNT; l++) {
			ts_key(key, sizeof(key), cs_lat_name(l));
			if ((c = ts_obj(lat, key, &oom)) == NULL)
				break;
			ts_push(c, "count",
			    json_integer((json_int_t)r->lat_count[l]), &oom);
			ts_push(c, "p50",
			    ts_num(r->has_lat[l], r->lat_p50_ms[l]), &oom);
			ts_push(c, "p99",
			    ts_num(r->has_lat[l], r->lat_p99_ms[l]), &oom);
		}
		ts_push(health, "timer_lateness_p99_ms",
		    ts_num(r->has_lateness, r->lateness_p99_ms), &oom);
		ts_push(health, "timer_lateness_max_ms",
		    ts_num(r->has_lateness, r->lateness_max_ms), &oom);
		if (any_drops)
			ts_push(health, "kernel_drops",
			    r->has_kernel_drops
			        ? json_integer((json_int_t)r->kernel_drops)
			        : json_null(),
			    &oom);
	}
	if ((marks = json_array()) == NULL ||
	    cs_json_set(o, "marks", marks) < 0)
		oom = true;
	for (size_t i = 0; !oom && i < ts->n_marks; i++)
		if (json_array_append_new(marks,
		        json_pack("{s:f, s:o}", "t_s",
		            (double)ts->marks[i].t_ms / 1000.0, "what",
		            cs_json_str(ts->marks[i].what))) < 0)
			oom = true;
	if (oom) {
		json_decref(o);
		return NULL;
	}
	return o;
}
