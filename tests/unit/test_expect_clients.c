/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the wireless clients' expectations (issue 14):
 * clients.joined >= 99%, clients.failed == 0, client.phase.dhcp.p99 < 2s
 * parsed, refused with a clear reason when malformed, evaluated against
 * the run summary the reports are built from (percentages of the
 * clients, not of the APs), and shown in the JUnit report like the AP
 * ones.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/client_metrics.h"
#include "capsim/diagnose_clients.h"
#include "capsim/report.h"
#include "capsim/scenario.h"
#include "testutil.h"

/* 200 clients: 198 joined (DHCP 100 ms each, 2 of them 1.5 s and 3 s),
 * 2 refused at Association with status 17. */
static void
fill(struct cs_client_metrics *c)
{
	struct cs_sta_info info = { .auth_ms = 2,
		.assoc_ms = 3,
		.dhcp_ms = 100,
		.arp_ms = 10,
		.total_ms = 115 };

	for (int i = 0; i < 200; i++) {
		struct cs_sta_event ev = { .t_ms = 1000 + (uint64_t)i * 10,
			.kind = CS_STA_EV_STATE,
			.from = CS_STA_IDLE,
			.to = CS_STA_RUN };

		cs_client_metrics_add(c);
		if (i < 2) {
			ev.kind = CS_STA_EV_FAILURE;
			ev.from = ev.to = CS_STA_IDLE;
			ev.value = 17;
			ev.reason = "association refused: AP unable to handle "
			            "more stations";
			assert_int_equal(
			    cs_client_metrics_event(c, &ev, NULL), 0);
			ev.kind = CS_STA_EV_STATE;
			ev.to = CS_STA_FAILED;
			assert_int_equal(
			    cs_client_metrics_event(c, &ev, NULL), 0);
			continue;
		}
		info.dhcp_ms = i == 2 ? 3000 : i == 3 ? 1500 : 100;
		assert_int_equal(cs_client_metrics_event(c, &ev, &info), 0);
	}
}

static void
eval(const char *text, const struct cs_run_summary *s, bool pass,
    const char *measured)
{
	struct cs_expect_result res;
	struct cs_expect e;
	struct cs_err err = { 0 };

	if (cs_expect_parse(&e, text, &err) != 0)
		fail_msg("parse '%s': %s", text, err.what);
	assert_int_equal(cs_expect_eval_summary(&e, s, &res), 0);
	/* measured NULL: a quantile of the bucketed histogram, near but not
	 * exactly the sample */
	if (res.pass != pass ||
	    (measured != NULL && strcmp(res.measured, measured) != 0))
		fail_msg("'%s': got pass=%d '%s' (%s)", text, res.pass,
		    res.measured, res.message);
	cs_expect_clear(&e);
}

static void
eval_missing(const char *text, const struct cs_run_summary *s)
{
	struct cs_expect_result res;
	struct cs_expect e;

	assert_int_equal(cs_expect_parse(&e, text, NULL), 0);
	assert_int_equal(cs_expect_eval_summary(&e, s, &res), 0);
	assert_false(res.pass);
	assert_true(res.missing);
	cs_expect_clear(&e);
}

static void
test_eval(void **state)
{
	struct cs_client_metrics c;
	struct cs_metrics m;
	struct cs_run_summary s;
	struct cs_expect_result res;
	struct cs_expect e;

	(void)state;
	cs_metrics_init(&m);
	cs_client_metrics_init(&c);
	fill(&c);
	memset(&s, 0, sizeof(s));
	s.aps = 4; /* percentages of clients must not use this */
	s.m = &m;
	s.clients = &c;
	eval("clients.joined >= 99%", &s, true, "198 (99%)");
	eval("clients.joined == 100%", &s, false, "198 (99%)");
	eval("clients.failed == 0", &s, false, "2");
	eval("clients.failed <= 1%", &s, true, "2 (1%)");
	eval("clients == 200", &s, true, "200");
	eval("clients.in_run >= 198", &s, true, "198");
	eval("clients.joined_per_s > 50", &s, true, "100");
	/* 198 samples: 196 at 100 ms, 1.5 s and 3 s; p99 is the 197th */
	eval("client.phase.dhcp.p50 < 200ms", &s, true, NULL);
	eval("client.phase.dhcp.p50 < 90ms", &s, false, NULL);
	eval("client.phase.dhcp.max < 2s", &s, false, "3000 ms");
	eval("client.phase.dhcp.count == 198", &s, true, "198");
	eval("client.phase.assoc.max <= 5ms", &s, true, "5 ms");
	eval("client.phase.total.p99 < 2s", &s, true, NULL);
	eval("client.phase.dhcp.p99 < 1s", &s, false, NULL);
	/* an open WLAN: no L2 authentication samples, so no latency */
	assert_int_equal(
	    cs_expect_parse(&e, "client.phase.l2auth.p99 < 1s", NULL), 0);
	assert_int_equal(cs_expect_eval_summary(&e, &s, &res), 0);
	assert_false(res.pass);
	assert_true(res.missing);
	cs_expect_clear(&e);
	/* the clients' diagnosis as a word */
	{
		struct cs_client_diagnosis d;
		struct cs_client_facts f[2] = {
			{ .name = "a",
			    .failed = true,
			    .failed_in = CS_STA_ASSOC,
			    .assoc_status = 17 },
			{ .name = "b", .joined = true },
		};

		eval_missing("clients.diagnosis == ok", &s);
		assert_int_equal(cs_diagnose_clients(f, 2, &d), 0);
		s.client_diag = &d;
		eval("clients.diagnosis == association-refused", &s, true,
		    "association-refused");
		eval("clients.diagnosis != association-refused", &s, false,
		    "association-refused");
		eval("clients.diagnosis == ok", &s, false,
		    "association-refused");
		s.client_diag = NULL;
		cs_client_diagnosis_free(&d);
	}
	/* a run without clients: missing, not 0 and not a pass */
	s.clients = NULL;
	assert_int_equal(cs_expect_parse(&e, "clients.failed == 0", NULL), 0);
	assert_int_equal(cs_expect_eval_summary(&e, &s, &res), 0);
	assert_false(res.pass);
	assert_true(res.missing);
	assert_non_null(strstr(res.message, "not available"));
	cs_expect_clear(&e);
	cs_client_metrics_free(&c);
	cs_metrics_free(&m);
}

static void
test_parse_errors(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "clients.joind >= 99%", "clients.SUB" },
		{ "client.phase.dhcpp.p99 < 2s", "assoc, l2auth, dhcp" },
		{ "client.phase.dhcp.p98 < 2s", "a statistic" },
		{ "client.dhcp.p99 < 2s", "client.phase.PHASE.STAT" },
		{ "client.phase.dhcp.p99 < 50%", "latency" },
		{ "clients.joined >= 2s", "percentage of the clients" },
		{ "clients.joined_per_s > 10%", "percentage" },
		{ "clients{phase=dhcp} == 0", "no {labels}" },
		{ "clients.diagnosis == wrong-pks",
		    "did you mean 'wrong-psk'" },
		{ "clients.diagnosis == return-path-loss",
		    "unknown client diagnosis" },
		{ "clients.diagnosis >= ok", "== or !=" },
	};
	struct cs_expect e;
	struct cs_err err;

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
		memset(&err, 0, sizeof(err));
		if (cs_expect_parse(&e, bad[i].text, &err) != -EINVAL)
			fail_msg("'%s' accepted", bad[i].text);
		assert_non_null(err.what);
		if (strstr(err.what, bad[i].why) == NULL)
			fail_msg("'%s': '%s' does not say '%s'", bad[i].text,
			    err.what, bad[i].why);
	}
}

static void
test_junit(void **state)
{
	static const char *const texts[] = { "clients.joined >= 99%",
		"clients.failed == 0", "client.phase.dhcp.p99 < 2s" };
	struct cs_expect_result res[3];
	struct cs_client_metrics c;
	struct cs_metrics m;
	struct cs_run_summary s;
	struct cs_expect e[3];
	char *x;

	(void)state;
	cs_metrics_init(&m);
	cs_client_metrics_init(&c);
	fill(&c);
	memset(&s, 0, sizeof(s));
	s.aps = 4;
	s.m = &m;
	s.clients = &c;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(cs_expect_parse(&e[i], texts[i], NULL), 0);
		assert_int_equal(cs_expect_eval_summary(&e[i], &s, &res[i]), 0);
	}
	s.expect = res;
	s.n_expect = 3;
	x = cs_report_junit(&s);
	assert_non_null(x);
	assert_non_null(strstr(x, "name=\"clients.joined &gt;= 99%\""));
	assert_non_null(strstr(x, "name=\"clients.failed == 0\""));
	/* the failed one carries what was measured */
	assert_non_null(strstr(x, "clients.failed == 0: FAILED, measured 2"));
	assert_non_null(strstr(x, "tests=\"3\""));
	assert_non_null(strstr(x, "failures=\"1\""));
	free(x);
	for (int i = 0; i < 3; i++)
		cs_expect_clear(&e[i]);
	cs_client_metrics_free(&c);
	cs_metrics_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eval),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_junit),
	};

	return cmocka_run_group_tests_name("expect_clients", tests, NULL, NULL);
}
