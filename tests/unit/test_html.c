/* SPDX-License-Identifier: MIT */
/* HTML report: escaping of every report string (as HTML text and as JSON
 * inside <script>), the data round-trips, the verdict headline, the
 * embedded assets, and clear errors for what is not a run report. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/html.h"
#include "capsim/metrics.h"
#include "capsim/report.h"
#include "capsim/timeseries.h"

#define EVIL "</script><script>alert(1)</script><!-- & \"'"

static size_t
count_ci(const char *hay, const char *needle)
{
	size_t n = 0, k = strlen(needle);

	for (const char *p = hay; *p != '\0'; p++)
		n += strncasecmp(p, needle, k) == 0;
	return n;
}

static void
test_escape(void **state)
{
	char buf[64], small[6];

	(void)state;
	assert_int_equal(cs_html_escape(buf, sizeof(buf), "a<b>&\"c'"),
	    strlen("a&lt;b&gt;&amp;&quot;c&#39;"));
	assert_string_equal(buf, "a&lt;b&gt;&amp;&quot;c&#39;");
	assert_int_equal(cs_html_escape(buf, sizeof(buf), "plain"), 5);
	assert_string_equal(buf, "plain");
	/* truncation never splits a reference, and still counts */
	assert_int_equal(cs_html_escape(small, sizeof(small), "ab<cd"), 8);
	assert_string_equal(small, "ab");
	assert_int_equal(cs_html_escape(NULL, 0, "<"), 4);
	assert_int_equal(cs_html_escape(buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "");
}

/* A JSON report as capsim run writes it, with hostile text everywhere a
 * string from the run or the scenario can appear. */
static char *
hostile_report(bool passed)
{
	struct cs_metrics m;
	struct cs_run_summary s;
	struct cs_ts_sample smp;
	struct cs_report_diag d = { 0 };
	struct cs_ts *ts;
	char *text;

	cs_metrics_init(&m);
	m.joins = 3;
	assert_int_equal(cs_hist_record(&m.lat[CS_LAT_TOTAL], 120000), 0);
	m.reasons[CS_PHASE_JOIN][0].reason = strdup(EVIL);
	m.reasons[CS_PHASE_JOIN][0].count = 2;
	m.n_reasons[CS_PHASE_JOIN] = 1;
	m.failures_by_phase[CS_PHASE_JOIN] = 2;
	m.failures_total = 2;
	assert_int_equal(cs_ts_new(&ts, 1000), 0);
	memset(&smp, 0, sizeof(smp));
	smp.t_ms = 1000;
	smp.aps = 3;
	smp.states[CS_AP_RUN] = 3;
	smp.m = &m;
	assert_int_equal(cs_ts_add(ts, &smp), 0);
	assert_int_equal(cs_ts_mark(ts, 500, EVIL), 0);
	memset(&s, 0, sizeof(s));
	s.aps = 3;
	s.joined = 3;
	s.in_run = 3;
	s.m = &m;
	s.passed = passed;
	s.duration_s = 1.0;
	s.scenario_name = EVIL;
	s.scenario_file = "x.yaml";
	s.wlc = EVIL;
	d.code = "return-path-loss";
	d.summary = EVIL;
	d.aps_affected = 2;
	s.diag = &d;
	s.timeseries = ts;
	text = cs_report_json(&s);
	assert_non_null(text);
	cs_ts_free(ts);
	cs_metrics_free(&m);
	return text;
}

/* The JSON text of the page's capsim-data element, parsed. */
static json_t *
page_data(const char *page)
{
	const char *tag = "<script type=\"application/json\" "
	                  "id=\"capsim-data\">";
	const char *a = strstr(page, tag), *b;
	json_error_t je;

	assert_non_null(a);
	a += strlen(tag);
	b = strstr(a, "</script>");
	assert_non_null(b);
	return json_loadb(a, (size_t)(b - a), 0, &je);
}

static void
test_page_escapes_and_round_trips(void **state)
{
	char *json = hostile_report(false), *page = NULL;
	struct cs_html_err err;
	json_t *data;

	(void)state;
	assert_int_equal(cs_report_html(&page, json, strlen(json), &err), 0);
	assert_non_null(page);
	assert_true(strncmp(page, "<!DOCTYPE html>", 15) == 0);
	/* exactly the page's own three scripts end; no report text can */
	assert_int_equal(count_ci(page, "</script"), 3);
	assert_int_equal(count_ci(page, "<script"), 3);
	assert_null(strstr(page, "<!--"));
	assert_null(strstr(page, "alert(1)</"));
	/* the headline: escaped text, verdict and diagnosis */
	assert_non_null(strstr(page,
	    "<p id=\"verdict\" class=\"fail\">FAIL: return-path-loss "
	    "\xe2\x80\x94 &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
	    "&lt;!-- &amp; &quot;&#39;</p>"));
	assert_non_null(strstr(page, "<title>capsim &lt;/script&gt;"));
	/* the data element is the same report, strings intact */
	data = page_data(page);
	assert_non_null(data);
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(data, "scenario"), "name")),
	    EVIL);
	assert_string_equal(
	    json_string_value(json_object_get(data, "wlc")), EVIL);
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_array_get(
	            json_object_get(
	                json_object_get(data, "timeseries"), "marks"),
	            0),
	        "what")),
	    EVIL);
	json_decref(data);
	/* the assets are in: uPlot, its CSS, the page script */
	assert_non_null(strstr(page, "uPlot"));
	assert_non_null(strstr(page, ".uplot"));
	assert_non_null(strstr(page, "capsim-status"));
	free(page);
	free(json);
}

static void
test_verdicts(void **state)
{
	char *json = hostile_report(true), *page = NULL;
	const char *interrupted =
	    "{\"aps\": 2, \"phases\": {}, \"passed\": false, "
	    "\"interrupted\": true}";
	const char *no_verdict = "{\"aps\": 2, \"phases\": {}}";

	(void)state;
	assert_int_equal(cs_report_html(&page, json, strlen(json), NULL), 0);
	assert_non_null(strstr(
	    page, "<p id=\"verdict\" class=\"pass\">PASS: return-path-loss"));
	free(page);
	free(json);
	assert_int_equal(
	    cs_report_html(&page, interrupted, strlen(interrupted), NULL), 0);
	assert_non_null(strstr(
	    page, "<p id=\"verdict\" class=\"inconclusive\">INTERRUPTED</p>"));
	free(page);
	/* a failure capsim caused, or one nobody can explain, is no FAIL */
	{
		const char *self =
		    "{\"aps\": 2, \"phases\": {}, \"passed\": false, "
		    "\"diagnosis\": {\"code\": \"simulator-overloaded\", "
		    "\"self_health\": {\"ok\": false}}}";
		const char *unk =
		    "{\"aps\": 2, \"phases\": {}, \"passed\": false, "
		    "\"diagnosis\": {\"code\": \"inconclusive\"}}";

		assert_int_equal(
		    cs_report_html(&page, self, strlen(self), NULL), 0);
		assert_non_null(strstr(page,
		    "<p id=\"verdict\" class=\"inconclusive\">CAPSIM LIMITED "
		    "THE RUN: simulator-overloaded</p>"));
		free(page);
		assert_int_equal(
		    cs_report_html(&page, unk, strlen(unk), NULL), 0);
		assert_non_null(strstr(page,
		    "<p id=\"verdict\" class=\"inconclusive\">INCONCLUSIVE: "
		    "inconclusive</p>"));
		free(page);
	}
	/* a report without pass/fail never reads as a pass */
	assert_int_equal(
	    cs_report_html(&page, no_verdict, strlen(no_verdict), NULL), 0);
	assert_non_null(strstr(
	    page, "<p id=\"verdict\" class=\"inconclusive\">INCONCLUSIVE</p>"));
	free(page);
}

static void
test_errors(void **state)
{
	struct cs_html_err err;
	char untouched[] = "untouched", *page = untouched;
	const char *bad = "{\"aps\": 2,\n  \"phases\": [1, }";

	(void)state;
	memset(&err, 0, sizeof(err));
	assert_int_equal(
	    cs_report_html(&page, bad, strlen(bad), &err), -EBADMSG);
	assert_int_equal(err.line, 2);
	assert_true(err.column > 0);
	assert_non_null(strstr(err.what, "not JSON"));
	assert_ptr_equal(page, untouched);

	assert_int_equal(cs_report_html(&page, "[1, 2]", 6, &err), -EBADMSG);
	assert_non_null(strstr(err.what, "top level is not an object"));
	assert_int_equal(cs_report_html(&page, "{}", 2, &err), -EBADMSG);
	assert_non_null(strstr(err.what, "not a capsim run report"));
	assert_int_equal(err.line, 0);
	/* the shape the page relies on: the key and what it is instead */
	{
		static const struct {
			const char *json, *what;
		} bad_shape[] = {
			{ "{\"phases\": {}}",
			    "not a capsim run report: no \"aps\"" },
			{ "{\"aps\": 1.5, \"phases\": {}}",
			    "\"aps\" is a number with a fraction, expected an "
			    "integer" },
			{ "{\"aps\": 1, \"phases\": {\"total\": 5}}",
			    "\"phases.total\" is an integer, expected an "
			    "object" },
			{ "{\"aps\": 1, \"phases\": {}, \"passed\": 1}",
			    "\"passed\" is an integer, expected a boolean" },
			{ "{\"aps\": 1, \"phases\": {}, \"expectations\": "
			  "[{}, null]}",
			    "\"expectations[1]\" is null, expected an object" },
			{ "{\"aps\": 1, \"phases\": {}, \"timeseries\": "
			  "{\"t_s\": \"x\"}}",
			    "\"timeseries.t_s\" is a string, expected an "
			    "array" },
			{ "{\"aps\": 1, \"phases\": {}, \"clients\": 3}",
			    "\"clients\" is an integer, expected an object" },
			{ "{\"aps\": 1, \"phases\": {}, \"clients\": "
			  "{\"phases\": {\"dhcp\": 1}}}",
			    "\"clients.phases.dhcp\" is an integer, expected "
			    "an object" },
			{ "{\"aps\": 1, \"phases\": {}, \"timeseries\": "
			  "{\"marks\": [1]}}",
			    "\"timeseries.marks[0]\" is an integer, expected "
			    "an "
			    "object" },
		};

		for (size_t i = 0; i < CS_ARRAY_SIZE(bad_shape); i++) {
			memset(&err, 0, sizeof(err));
			assert_int_equal(
			    cs_report_html(&page, bad_shape[i].json,
			        strlen(bad_shape[i].json), &err),
			    -EBADMSG);
			if (strstr(err.what, bad_shape[i].what) == NULL)
				fail_msg("%s: got '%s'", bad_shape[i].json,
				    err.what);
		}
	}
	/* not NUL-terminated input: only len bytes are read */
	assert_int_equal(cs_report_html(&page, "{}xx", 2, &err), -EBADMSG);
	assert_non_null(strstr(err.what, "not a capsim run report"));
	assert_int_equal(cs_report_html(&page, "", 0, &err), -EBADMSG);
	assert_int_equal(cs_report_html(&page, "{}", 2, NULL), -EBADMSG);
	assert_int_equal(cs_report_html(NULL, "{}", 2, &err), -EINVAL);
	assert_int_equal(cs_report_html(&page, NULL, 0, &err), -EINVAL);
	assert_ptr_equal(page, untouched);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_page_escapes_and_round_trips),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
