/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the clients' numbers (lib/report/client_metrics.c): the
 * events of real stations joining and failing folded into states,
 * latencies, failures by phase and reason, and the progress, Prometheus
 * and JSON renderings of them.
 */
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/client_metrics.h"
#include "capsim/diagnose_clients.h"
#include "capsim/prom.h"
#include "capsim/report.h"
#include "testutil.h"

static void
step(struct cs_client_metrics *m, uint64_t t, enum cs_sta_state from,
    enum cs_sta_state to, const struct cs_sta_info *info)
{
	struct cs_sta_event ev = {
		.t_ms = t, .kind = CS_STA_EV_STATE, .from = from, .to = to
	};

	assert_int_equal(cs_client_metrics_event(m, &ev, info), 0);
}

static void
give_up(struct cs_client_metrics *m, enum cs_sta_state in, const char *why)
{
	struct cs_sta_event ev = {
		.kind = CS_STA_EV_FAILURE, .from = in, .to = in, .reason = why
	};

	assert_int_equal(cs_client_metrics_event(m, &ev, NULL), 0);
	step(m, 0, in, CS_STA_FAILED, NULL);
}

/* A client refused at Association with 802.11 status `status`. */
static void
refuse(struct cs_client_metrics *m, uint32_t status)
{
	struct cs_sta_event ev = { .t_ms = 0,
		.kind = CS_STA_EV_FAILURE,
		.from = CS_STA_ASSOC,
		.to = CS_STA_ASSOC,
		.value = status,
		.reason = "association refused: AP unable to handle more "
		          "stations" };

	cs_client_metrics_add(m);
	step(m, 0, CS_STA_IDLE, CS_STA_AUTH, NULL);
	step(m, 0, CS_STA_AUTH, CS_STA_ASSOC, NULL);
	assert_int_equal(cs_client_metrics_event(m, &ev, NULL), 0);
	step(m, 0, CS_STA_ASSOC, CS_STA_FAILED, NULL);
}

/* Two clients join (at 1.0 s and 1.5 s, 400 and 800 ms in all), one
 * fails in DHCP. */
static void
fill(struct cs_client_metrics *m)
{
	static const enum cs_sta_state path[] = { CS_STA_IDLE, CS_STA_AUTH,
		CS_STA_ASSOC, CS_STA_DHCP, CS_STA_ARP, CS_STA_PING,
		CS_STA_RUN };
	struct cs_sta_info a = { .auth_ms = 5,
		.assoc_ms = 7,
		.dhcp_ms = 188,
		.arp_ms = 200,
		.total_ms = 400 };
	struct cs_sta_info b = a;

	b.dhcp_ms = 588;
	b.total_ms = 800;
	for (int c = 0; c < 3; c++)
		cs_client_metrics_add(m);
	for (size_t i = 1; i < CS_ARRAY_SIZE(path); i++) {
		step(m, 1000, path[i - 1], path[i], &a);
		step(m, 1500, path[i - 1], path[i], &b);
		if (path[i] <= CS_STA_DHCP)
			step(m, 0, path[i - 1], path[i], NULL);
	}
	give_up(m, CS_STA_DHCP, "no DHCPOFFER to DISCOVER after 4 tries");
}

static void
test_counts_and_latency(void **state)
{
	struct cs_client_metrics m;
	char buf[128];

	(void)state;
	cs_client_metrics_init(&m);
	fill(&m);
	assert_int_equal(m.clients, 3);
	assert_int_equal(m.joined, 2);
	assert_int_equal(m.per_state[CS_STA_RUN], 2);
	assert_int_equal(m.per_state[CS_STA_FAILED], 1);
	assert_int_equal(m.per_state[CS_STA_DHCP], 0);
	assert_int_equal(m.per_state[CS_STA_IDLE], 0);
	assert_int_equal(m.failed[CS_STA_DHCP], 1);
	assert_int_equal(m.n_reasons, 1);
	assert_string_equal(
	    m.reasons[0].reason, "no DHCPOFFER to DISCOVER after 4 tries");
	assert_int_equal(m.ph[CS_CLIENT_PH_TOTAL].count, 2);
	assert_int_equal(m.ph[CS_CLIENT_PH_ASSOC].max_us, 12000);
	assert_int_equal(m.ph[CS_CLIENT_PH_L2AUTH].count, 0); /* open */
	/* 2 joins 500 ms apart: 1 more join in 0.5 s */
	assert_true(cs_client_metrics_rate(&m) > 1.99 &&
	    cs_client_metrics_rate(&m) < 2.01);
	assert_string_equal(cs_client_metrics_progress(&m, buf, sizeof(buf)),
	    "clients 2/3 run, 1 failed (dhcp 1)");
	cs_client_metrics_free(&m);
}

/* WPA2-PSK: a 4-way handshake under a millisecond (0 ms on the clock)
 * is still an L2 phase that ran: counted, as the one of 3 ms is. */
static void
test_l2auth_under_1ms(void **state)
{
	struct cs_sta_info fast = { .auth_ms = 1,
		.assoc_ms = 1,
		.l2auth_ms = 0,
		.has_l2auth = true,
		.dhcp_ms = 5,
		.total_ms = 7 };
	static const enum cs_sta_state path[] = { CS_STA_IDLE, CS_STA_AUTH,
		CS_STA_ASSOC, CS_STA_L2AUTH, CS_STA_DHCP, CS_STA_ARP,
		CS_STA_PING, CS_STA_RUN };
	struct cs_sta_info slow = fast;
	struct cs_client_metrics m;

	(void)state;
	slow.l2auth_ms = 3;
	cs_client_metrics_init(&m);
	for (int c = 0; c < 2; c++)
		cs_client_metrics_add(&m);
	for (size_t i = 1; i < CS_ARRAY_SIZE(path); i++) {
		step(&m, 10, path[i - 1], path[i], &fast);
		step(&m, 20, path[i - 1], path[i], &slow);
	}
	assert_int_equal(m.per_state[CS_STA_RUN], 2);
	assert_int_equal(m.ph[CS_CLIENT_PH_L2AUTH].count, 2);
	assert_int_equal(m.ph[CS_CLIENT_PH_L2AUTH].max_us, 3000);
	assert_int_equal(m.ph[CS_CLIENT_PH_DHCP].count, 2);
	cs_client_metrics_free(&m);
}

static void
test_prom_and_json(void **state)
{
	struct cs_client_metrics m;
	json_t *j, *v;
	char *t;

	(void)state;
	cs_client_metrics_init(&m);
	fill(&m);
	refuse(&m, 17);
	refuse(&m, 17);
	t = cs_client_metrics_prom(&m);
	if (getenv("CS_PROM_OUT") != NULL) {
		/* tests/integration/metrics_promtool.sh lints this text */
		FILE *f = fopen(getenv("CS_PROM_OUT"), "w");

		assert_non_null(f);
		fputs(t, f);
		fclose(f);
	}
	assert_non_null(t);
	assert_non_null(strstr(t, "capsim_clients{state=\"run\"} 2\n"));
	assert_non_null(strstr(t, "capsim_clients_joined_total 2\n"));
	assert_non_null(strstr(t,
	    "capsim_client_failures_total{phase=\"dhcp\",reason=\"no-dhcpoffer-"
	    "to-discover-after\",code=\"0\"} 1\n"));
	assert_non_null(strstr(t,
	    "capsim_client_failures_total{phase=\"assoc\",reason=\"association"
	    "-refused\",code=\"17\"} 2\n"));
	assert_non_null(strstr(t, "capsim_clients_configured 5\n"));
	/* total 400 ms and 800 ms: one at or below 0.5 s, both by 1 s */
	assert_non_null(strstr(t,
	    "capsim_client_phase_duration_seconds_bucket{phase=\"total\","
	    "le=\"0.5\"} 1\n"));
	assert_non_null(strstr(t,
	    "capsim_client_phase_duration_seconds_bucket{phase=\"total\","
	    "le=\"1\"} 2\n"));
	assert_non_null(strstr(t,
	    "capsim_client_phase_duration_seconds_sum{phase=\"total\"} "
	    "1.200000\n"));
	free(t);
	t = cs_client_metrics_json(&m);
	assert_non_null(t);
	j = json_loads(t, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "joined")), 2);
	v = json_object_get(json_object_get(j, "states"), "failed");
	assert_int_equal(json_integer_value(v), 3);
	assert_int_equal(json_integer_value(json_object_get(j, "failed")), 3);
	v = json_array_get(json_object_get(j, "reasons"), 0);
	assert_string_equal(
	    json_string_value(json_object_get(v, "phase")), "dhcp");
	assert_string_equal(json_string_value(json_object_get(v, "reason")),
	    "no DHCPOFFER to DISCOVER after 4 tries");
	assert_string_equal(
	    json_string_value(json_object_get(v, "reason_code")),
	    "no-dhcpoffer-to-discover-after");
	v = json_object_get(json_object_get(j, "failures"), "assoc");
	assert_int_equal(
	    json_integer_value(json_object_get(v, "association_refused_17")),
	    2);
	v = json_object_get(json_object_get(j, "phases"), "dhcp");
	assert_int_equal(json_integer_value(json_object_get(v, "count")), 2);
	assert_true(json_real_value(json_object_get(v, "max_ms")) > 587.9);
	assert_true(json_real_value(json_object_get(v, "p50_ms")) > 150.0);
	json_decref(j);
	free(t);
	cs_client_metrics_free(&m);
}

static void
test_merge(void **state)
{
	struct cs_client_metrics a, b;

	(void)state;
	cs_client_metrics_init(&a);
	cs_client_metrics_init(&b);
	fill(&a);
	fill(&b);
	assert_int_equal(cs_client_metrics_merge(&a, &b), 0);
	assert_int_equal(a.clients, 6);
	assert_int_equal(a.joined, 4);
	assert_int_equal(a.per_state[CS_STA_RUN], 4);
	assert_int_equal(a.n_reasons, 1); /* same phase and reason */
	assert_int_equal(a.reasons[0].count, 2);
	assert_int_equal(a.ph[CS_CLIENT_PH_TOTAL].count, 4);
	assert_int_equal(a.le[CS_CLIENT_PH_TOTAL][CS_METRICS_N_LE - 1], 4);
	assert_int_equal(cs_client_metrics_merge(NULL, &b), -EINVAL);
	assert_int_equal(cs_client_metrics_event(&a, NULL, NULL), -EINVAL);
	assert_string_equal(cs_client_phase_name(CS_CLIENT_PH_ARP), "arp");
	assert_null(cs_client_phase_name(CS_CLIENT_PH__COUNT));
	cs_client_metrics_free(&a);
	cs_client_metrics_free(&b);
}

static void
test_reason_cap(void **state)
{
	struct cs_client_metrics m;
	char why[32];

	(void)state;
	cs_client_metrics_init(&m);
	for (int i = 0; i < CS_CLIENT_MAX_REASONS + 5; i++) {
		cs_client_metrics_add(&m);
		snprintf(why, sizeof(why), "reason %d", i);
		give_up(&m, CS_STA_IDLE, why);
	}
	assert_int_equal(m.n_reasons, CS_CLIENT_MAX_REASONS);
	assert_int_equal(m.reasons_other, 5);
	cs_client_metrics_free(&m);
}

/* The run report and /metrics carry the clients when the summary has
 * them, and leave them out when it has none. */
static void
test_in_report_and_prom(void **state)
{
	struct cs_client_facts facts[3] = {
		{ .name = "sta-1", .joined = true },
		{ .name = "sta-2", .joined = true },
		{ .name = "sta-3",
		    .ap = 1,
		    .failed = true,
		    .failed_in = CS_STA_DHCP,
		    .dhcp_sent = 4 },
	};
	struct cs_client_diagnosis cd;
	struct cs_client_metrics cm;
	struct cs_metrics m;
	struct cs_run_summary s;
	struct cs_prom_snapshot ps;
	json_t *j, *c, *v;
	char *t;

	(void)state;
	cs_metrics_init(&m);
	cs_client_metrics_init(&cm);
	fill(&cm);
	assert_int_equal(cs_diagnose_clients(facts, 3, &cd), 0);
	memset(&s, 0, sizeof(s));
	s.aps = 1;
	s.m = &m;
	t = cs_report_json(&s);
	assert_non_null(t);
	j = json_loads(t, 0, NULL);
	assert_non_null(j);
	assert_null(json_object_get(j, "clients"));
	json_decref(j);
	free(t);
	s.clients = &cm;
	s.client_diag = &cd;
	t = cs_report_json(&s);
	assert_non_null(t);
	j = json_loads(t, 0, NULL);
	assert_non_null(j);
	if (getenv("CS_REPORT_OUT") != NULL) {
		/* tests/integration/report_schema.sh validates it */
		FILE *f = fopen(getenv("CS_REPORT_OUT"), "w");

		assert_non_null(f);
		fputs(t, f);
		fclose(f);
	}
	c = json_object_get(j, "clients");
	assert_non_null(c);
	assert_int_equal(json_integer_value(json_object_get(c, "clients")), 3);
	assert_int_equal(json_integer_value(json_object_get(
	                     json_object_get(c, "states"), "run")),
	    2);
	v = json_object_get(c, "diagnosis");
	assert_string_equal(
	    json_string_value(json_object_get(v, "code")), "dhcp-unanswered");
	v = json_array_get(json_object_get(v, "causes"), 0);
	assert_string_equal(json_string_value(json_object_get(v, "evidence")),
	    "4 DHCP requests sent, no reply; whether the controller relayed "
	    "them is unknown");
	assert_string_equal(
	    json_string_value(json_object_get(v, "client_names")), "sta-3");
	json_decref(j);
	free(t);
	memset(&ps, 0, sizeof(ps));
	ps.aps = 1;
	ps.m = &m;
	t = cs_prom_text(&ps);
	assert_non_null(t);
	assert_null(strstr(t, "capsim_clients"));
	free(t);
	ps.clients = &cm;
	t = cs_prom_text(&ps);
	assert_non_null(t);
	assert_non_null(strstr(t, "capsim_clients{state=\"run\"} 2\n"));
	assert_non_null(strstr(t, "capsim_aps_configured 1\n"));
	free(t);
	cs_client_diagnosis_free(&cd);
	cs_client_metrics_free(&cm);
	cs_metrics_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_and_latency),
		cmocka_unit_test(test_l2auth_under_1ms),
		cmocka_unit_test(test_prom_and_json),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_reason_cap),
		cmocka_unit_test(test_in_report_and_prom),
	};

	return cmocka_run_group_tests_name("client_metrics", tests, NULL, NULL);
}
