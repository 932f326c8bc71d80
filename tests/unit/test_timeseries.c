/* SPDX-License-Identifier: MIT */
/* Time series: per-interval differences of cumulative snapshots, interval
 * percentiles from histogram differences, unknown values kept unknown,
 * JSON columns, CSV, interval lines, argument and order checks. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/hist.h"
#include "capsim/metrics.h"
#include "capsim/timeseries.h"
#include "report/report-internal.h"

static void
sample_init(struct cs_ts_sample *s, uint64_t t_ms, const struct cs_metrics *m)
{
	memset(s, 0, sizeof(*s));
	s->t_ms = t_ms;
	s->aps = 10;
	s->m = m;
}

/* Records n latencies of value us into series l. */
static void
lat_record(struct cs_metrics *m, enum cs_lat l, unsigned n, uint64_t us)
{
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(cs_hist_record(&m->lat[l], us), 0);
}

static void
test_rows_are_interval_differences(void **state)
{
	struct cs_metrics m;
	struct cs_ts_sample s;
	struct cs_hist late;
	const struct cs_ts_row *r;
	struct cs_ts *ts;

	(void)state;
	cs_metrics_init(&m);
	cs_hist_init(&late);
	assert_int_equal(cs_ts_new(&ts, 1000), 0);

	/* first second: 4 joins at 100 ms, one DTLS failure, 2 retransmits */
	m.joins = 4;
	m.failures_total = 1;
	m.failures_by_phase[CS_PHASE_DTLS] = 1;
	m.retransmits = 2;
	lat_record(&m, CS_LAT_TOTAL, 4, 100000);
	assert_int_equal(cs_hist_record(&late, 2000), 0);
	sample_init(&s, 1000, &m);
	s.states[CS_AP_RUN] = 4;
	s.states[CS_AP_DISCOVERY] = 6;
	s.lateness = &late;
	assert_int_equal(cs_ts_add(ts, &s), 0);

	/* second 2 (2.5 s long): 6 more joins, all at 400 ms; no failures */
	m.joins = 10;
	lat_record(&m, CS_LAT_TOTAL, 6, 400000);
	sample_init(&s, 3500, &m);
	s.states[CS_AP_RUN] = 10;
	s.lateness = &late; /* no timer fired since: lateness unknown */
	assert_int_equal(cs_ts_add(ts, &s), 0);

	assert_int_equal(cs_ts_rows(ts), 2);
	r = cs_ts_row(ts, 0);
	assert_non_null(r);
	assert_int_equal(r->t0_ms, 0);
	assert_int_equal(r->t_ms, 1000);
	assert_int_equal(r->joins, 4);
	assert_int_equal(r->failures, 1);
	assert_int_equal(r->failures_by_phase[CS_PHASE_DTLS], 1);
	assert_int_equal(r->retransmits, 2);
	assert_int_equal(r->states[CS_AP_DISCOVERY], 6);
	assert_true(fabs(r->joins_per_s - 4.0) < 1e-9);
	assert_true(r->has_lat[CS_LAT_TOTAL]);
	assert_false(r->has_lat[CS_LAT_DTLS]);
	assert_int_equal(r->lat_count[CS_LAT_TOTAL], 4);
	/* within the histogram's 0.78 % */
	assert_true(fabs(r->lat_p50_ms[CS_LAT_TOTAL] - 100.0) <= 0.8);
	assert_true(r->has_lateness);
	assert_true(fabs(r->lateness_max_ms - 2.0) <= 0.02);

	r = cs_ts_row(ts, 1);
	assert_int_equal(r->t0_ms, 1000);
	assert_int_equal(r->t_ms, 3500);
	assert_int_equal(r->joins, 6);
	assert_int_equal(r->failures, 0);
	assert_int_equal(r->failures_by_phase[CS_PHASE_DTLS], 0);
	assert_int_equal(r->retransmits, 0);
	assert_true(fabs(r->joins_per_s - 6.0 / 2.5) < 1e-9);
	/* only this interval's samples: 400 ms, not the cumulative p50 */
	assert_int_equal(r->lat_count[CS_LAT_TOTAL], 6);
	assert_true(fabs(r->lat_p50_ms[CS_LAT_TOTAL] - 400.0) <= 3.2);
	assert_true(fabs(r->lat_p99_ms[CS_LAT_TOTAL] - 400.0) <= 3.2);
	assert_false(r->has_lateness);
	assert_false(r->has_kernel_drops);
	assert_null(cs_ts_row(ts, 2));

	cs_ts_free(ts);
	cs_hist_free(&late);
	cs_metrics_free(&m);
}

static void
test_interval_p50_differs_from_cumulative(void **state)
{
	struct cs_metrics m;
	struct cs_ts_sample s;
	struct cs_ts *ts;
	const struct cs_ts_row *r;

	(void)state;
	cs_metrics_init(&m);
	assert_int_equal(cs_ts_new(&ts, 1000), 0);
	lat_record(&m, CS_LAT_DTLS, 90, 10000); /* 90 x 10 ms */
	sample_init(&s, 1000, &m);
	assert_int_equal(cs_ts_add(ts, &s), 0);
	lat_record(&m, CS_LAT_DTLS, 10, 800000); /* then 10 x 800 ms */
	sample_init(&s, 2000, &m);
	assert_int_equal(cs_ts_add(ts, &s), 0);
	r = cs_ts_row(ts, 1);
	/* cumulative p50 is 10 ms; the second interval's is 800 ms */
	assert_true(cs_hist_quantile(&m.lat[CS_LAT_DTLS], 0.5) < 11000);
	assert_true(fabs(r->lat_p50_ms[CS_LAT_DTLS] - 800.0) <= 6.3);
	assert_true(fabs(r->lat_p99_ms[CS_LAT_DTLS] - 800.0) <= 6.3);
	cs_ts_free(ts);
	cs_metrics_free(&m);
}

static void
test_kernel_drops_and_order(void **state)
{
	struct cs_metrics m;
	struct cs_ts_sample s;
	struct cs_ts *ts;

	(void)state;
	cs_metrics_init(&m);
	assert_int_equal(cs_ts_new(&ts, 500), 0);
	assert_int_equal(cs_ts_interval_ms(ts), 500);
	sample_init(&s, 500, &m);
	s.has_kernel_drops = true;
	s.kernel_drops = 7;
	assert_int_equal(cs_ts_add(ts, &s), 0);
	s.t_ms = 1000;
	s.kernel_drops = 12;
	assert_int_equal(cs_ts_add(ts, &s), 0);
	assert_int_equal(cs_ts_row(ts, 0)->kernel_drops, 7);
	assert_int_equal(cs_ts_row(ts, 1)->kernel_drops, 5);
	/* the same instant again adds nothing */
	assert_int_equal(cs_ts_add(ts, &s), 0);
	assert_int_equal(cs_ts_rows(ts), 2);
	/* time going back, counters going back: refused, nothing added */
	s.t_ms = 900;
	assert_int_equal(cs_ts_add(ts, &s), -EINVAL);
	s.t_ms = 1500;
	s.kernel_drops = 3;
	assert_int_equal(cs_ts_add(ts, &s), -EINVAL);
	s.kernel_drops = 12;
	m.joins = 1;
	assert_int_equal(cs_ts_add(ts, &s), 0);
	m.joins = 0;
	s.t_ms = 2000;
	assert_int_equal(cs_ts_add(ts, &s), -EINVAL);
	assert_int_equal(cs_ts_rows(ts), 3);
	/* bad arguments */
	assert_int_equal(cs_ts_add(NULL, &s), -EINVAL);
	assert_int_equal(cs_ts_add(ts, NULL), -EINVAL);
	s.m = NULL;
	assert_int_equal(cs_ts_add(ts, &s), -EINVAL);
	assert_int_equal(cs_ts_new(&ts, 0), -EINVAL);
	assert_int_equal(cs_ts_mark(NULL, 0, "x"), -EINVAL);
	cs_ts_free(ts);
	cs_ts_free(NULL);
	cs_metrics_free(&m);
}

/* A full series refuses more and counts what it refused. */
static void
test_full_series_counts_refusals(void **state)
{
	struct cs_metrics m;
	struct cs_ts_sample s;
	struct cs_ts *ts;

	(void)state;
	cs_metrics_init(&m);
	assert_int_equal(cs_ts_new(&ts, 100), 0);
	sample_init(&s, 0, &m);
	for (uint64_t i = 1; i <= CS_TS_MAX_ROWS; i++) {
		s.t_ms = i * 100;
		assert_int_equal(cs_ts_add(ts, &s), 0);
	}
	assert_int_equal(cs_ts_rows(ts), CS_TS_MAX_ROWS);
	assert_int_equal(cs_ts_not_recorded(ts), 0);
	s.t_ms += 100;
	assert_int_equal(cs_ts_add(ts, &s), -E2BIG);
	assert_int_equal(cs_ts_rows(ts), CS_TS_MAX_ROWS);
	assert_int_equal(cs_ts_not_recorded(ts), 1);
	cs_ts_free(ts);
	cs_metrics_free(&m);
}

static void
test_json_columns_and_marks(void **state)
{
	struct cs_metrics m;
	struct cs_ts_sample s;
	struct cs_ts *ts;
	json_t *o, *a;

	(void)state;
	cs_metrics_init(&m);
	assert_int_equal(cs_ts_new(&ts, 1000), 0);
	m.joins = 3;
	lat_record(&m, CS_LAT_JOIN, 3, 5000);
	sample_init(&s, 1000, &m);
	s.states[CS_AP_DTLS_SETUP] = 2;
	assert_int_equal(cs_ts_add(ts, &s), 0);
	sample_init(&s, 2000, &m);
	assert_int_equal(cs_ts_add(ts, &s), 0);
	assert_int_equal(cs_ts_mark(ts, 1500, "link-down 2 s <b>\"x\""), 0);
	assert_int_equal(cs_ts_marks(ts), 1);
	assert_string_equal(
	    cs_ts_mark_at(ts, 0)->what, "link-down 2 s <b>\"x\"");

	o = cs_ts_json(ts);
	assert_non_null(o);
	assert_true(json_real_value(json_object_get(o, "interval_s")) == 1.0);
	a = json_object_get(o, "t_s");
	assert_int_equal(json_array_size(a), 2);
	assert_true(json_real_value(json_array_get(a, 1)) == 2.0);
	a = json_object_get(json_object_get(o, "states"), "dtls_setup");
	assert_int_equal(json_integer_value(json_array_get(a, 0)), 2);
	assert_int_equal(json_integer_value(json_array_get(a, 1)), 0);
	a = json_object_get(o, "joins");
	assert_int_equal(json_integer_value(json_array_get(a, 0)), 3);
	assert_int_equal(json_integer_value(json_array_get(a, 1)), 0);
	/* the second interval had no Join latency: null, not 0 */
	a = json_object_get(
	    json_object_get(json_object_get(o, "latency_ms"), "join"), "p50");
	assert_true(fabs(json_real_value(json_array_get(a, 0)) - 5.0) < 0.05);
	assert_true(json_is_null(json_array_get(a, 1)));
	assert_non_null(json_object_get(
	    json_object_get(o, "failures_by_phase"), "dtls_handshake"));
	assert_non_null(
	    json_object_get(json_object_get(o, "latency_ms"), "data_check"));
	/* no kernel drops measured: no column rather than zeros */
	assert_null(
	    json_object_get(json_object_get(o, "health"), "kernel_drops"));
	a = json_object_get(o, "marks");
	assert_int_equal(json_array_size(a), 1);
	assert_true(json_real_value(
	                json_object_get(json_array_get(a, 0), "t_s")) == 1.5);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(a, 0), "what")),
	    "link-down 2 s <b>\"x\"");
	json_decref(o);
	cs_ts_free(ts);
	/* before the first interval the columns are there, empty */
	assert_int_equal(cs_ts_new(&ts, 1000), 0);
	o = cs_ts_json(ts);
	assert_non_null(o);
	assert_true(json_is_array(json_object_get(o, "t_s")));
	assert_int_equal(json_array_size(json_object_get(o, "t_s")), 0);
	assert_true(json_is_array(json_object_get(o, "joins_per_s")));
	assert_true(json_is_array(json_object_get(o, "marks")));
	json_decref(o);
	cs_ts_free(ts);
	cs_metrics_free(&m);
}

static void
test_csv(void **state)
{
	struct cs_metrics m;
	struct cs_ts_sample s;
	struct cs_ts *ts;
	char *csv, *nl, *second;
	size_t commas_head = 0, commas_row = 0;

	(void)state;
	cs_metrics_init(&m);
	assert_int_equal(cs_ts_new(&ts, 1000), 0);
	m.joins = 2;
	m.failures_total = 1;
	m.failures_by_phase[CS_PHASE_JOIN] = 1;
	sample_init(&s, 1000, &m);
	s.states[CS_AP_RUN] = 2;
	assert_int_equal(cs_ts_add(ts, &s), 0);
	csv = cs_ts_csv(ts);
	assert_non_null(csv);
	assert_true(
	    strncmp(csv, "t_start_s,t_end_s,aps,idle,discovery,", 37) == 0);
	assert_non_null(strstr(csv, ",dtls_setup,"));
	assert_non_null(strstr(csv, ",failures_dtls_handshake,"));
	assert_non_null(strstr(csv, ",total_count,total_p50_ms,total_p99_ms,"));
	nl = strchr(csv, '\n');
	assert_non_null(nl);
	second = nl + 1;
	for (char *p = csv; p < nl; p++)
		commas_head += *p == ',';
	for (char *p = second; *p != '\0' && *p != '\n'; p++)
		commas_row += *p == ',';
	assert_int_equal(commas_head, commas_row);
	assert_true(strncmp(second, "0.000,1.000,10,0,0,", 19) == 0);
	assert_non_null(strstr(second, ",2,2.000,1,"));
	/* unknown latencies and lateness are empty fields */
	assert_non_null(strstr(second, ",0,,,"));
	assert_string_equal(second + strlen(second) - 3, ",,\n");
	free(csv);
	cs_ts_free(ts);
	cs_metrics_free(&m);
}

static void
test_interval_line(void **state)
{
	struct cs_ts_row r;
	char buf[160], small[8];
	int n;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.t0_ms = 1000;
	r.t_ms = 2000;
	r.aps = 10;
	r.states[CS_AP_RUN] = 7;
	r.joins = 3;
	r.joins_per_s = 3.0;
	r.failures = 1;
	r.retransmits = 4;
	r.has_lat[CS_LAT_TOTAL] = true;
	r.lat_p50_ms[CS_LAT_TOTAL] = 12.34;
	r.lat_p99_ms[CS_LAT_TOTAL] = 20.06;
	r.has_lateness = true;
	r.lateness_p99_ms = 0.44;
	n = cs_ts_line(buf, sizeof(buf), &r);
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf,
	    "[  1.0-  2.0 s]         7/10      3      3.0     1     4        "
	    "12.3/20.1  0.4");
	/* the header's columns end where the line's do */
	assert_int_equal(
	    strstr(cs_ts_line_header(), "run/APs") + 7 - cs_ts_line_header(),
	    strstr(buf, "7/10") + 4 - buf);
	r.has_lat[CS_LAT_TOTAL] = false;
	r.has_lateness = false;
	cs_ts_line(buf, sizeof(buf), &r);
	assert_string_equal(buf,
	    "[  1.0-  2.0 s]         7/10      3      3.0     1     4         "
	    "       -  -");
	/* truncation like snprintf */
	assert_int_equal(
	    cs_ts_line(small, sizeof(small), &r), (int)strlen(buf));
	assert_int_equal(strlen(small), 7);
	assert_int_equal(cs_ts_line(NULL, 4, &r), -EINVAL);
	assert_int_equal(cs_ts_line(buf, sizeof(buf), NULL), -EINVAL);
	assert_non_null(strstr(cs_ts_line_header(), "joins/s"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_are_interval_differences),
		cmocka_unit_test(test_interval_p50_differs_from_cumulative),
		cmocka_unit_test(test_kernel_drops_and_order),
		cmocka_unit_test(test_full_series_counts_refusals),
		cmocka_unit_test(test_json_columns_and_marks),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_interval_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
