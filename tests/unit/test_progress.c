/* SPDX-License-Identifier: MIT */
/* Live progress line: exact text, rates against the previous snapshot,
 * truncation like snprintf, argument checks. */
#include <errno.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/progress.h"

static void
snap_example(struct cs_progress_snap *s)
{
	memset(s, 0, sizeof(*s));
	s->t_ms = 12000;
	s->aps = 1000;
	s->states[CS_AP_RUN] = 950;
	s->states[CS_AP_DTLS_SETUP] = 20;
	s->states[CS_AP_JOIN] = 5;
	s->states[CS_AP_DISCOVERY] = 25;
	s->joins = 950;
	s->failures[CS_PHASE_DTLS] = 3;
}

static void
test_line_with_prev(void **state)
{
	struct cs_progress_snap now, prev;
	char buf[256];
	int n;

	(void)state;
	snap_example(&now);
	/* 813 joins in the last 10 s */
	prev = now;
	prev.t_ms = 2000;
	prev.joins = now.joins - 813;
	n = cs_progress_line(buf, sizeof(buf), &now, &prev);
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf,
	    "  12.0s  run 950/1000  disc 25  dtls 20  join 5  "
	    "| 81.3 joins/s  fail 3 (dtls-handshake 3)");
	/* 81 joins over 1.003 s: 80.76 -> "80.8" */
	prev.t_ms = 10997;
	prev.joins = now.joins - 81;
	cs_progress_line(buf, sizeof(buf), &now, &prev);
	assert_string_equal(buf,
	    "  12.0s  run 950/1000  disc 25  dtls 20  join 5  "
	    "| 80.8 joins/s  fail 3 (dtls-handshake 3)");
	/* a counter that went backwards (merged shards restarted): the rate
	 * falls back to the average since the start, 950 / 12 s */
	prev.joins = now.joins + 1;
	cs_progress_line(buf, sizeof(buf), &now, &prev);
	assert_string_equal(buf,
	    "  12.0s  run 950/1000  disc 25  dtls 20  join 5  "
	    "| 79.2 joins/s  fail 3 (dtls-handshake 3)");
}

static void
test_line_no_prev_no_failures(void **state)
{
	struct cs_progress_snap now;
	char buf[256];

	(void)state;
	memset(&now, 0, sizeof(now));
	now.t_ms = 2500;
	now.aps = 10;
	now.states[CS_AP_RUN] = 5;
	now.states[CS_AP_IDLE] = 5;
	now.joins = 5;
	/* no prev: rate since the start, 5 / 2.5 s */
	cs_progress_line(buf, sizeof(buf), &now, NULL);
	assert_string_equal(
	    buf, "   2.5s  run 5/10  idle 5  | 2.0 joins/s  fail 0");
	/* a prev that is not older than now also falls back to the start */
	cs_progress_line(buf, sizeof(buf), &now, &now);
	assert_string_equal(
	    buf, "   2.5s  run 5/10  idle 5  | 2.0 joins/s  fail 0");
	/* t = 0: no division by zero */
	now.t_ms = 0;
	cs_progress_line(buf, sizeof(buf), &now, NULL);
	assert_string_equal(
	    buf, "   0.0s  run 5/10  idle 5  | 0.0 joins/s  fail 0");
}

static void
test_line_every_state_and_phase(void **state)
{
	struct cs_progress_snap now;
	char buf[512];

	(void)state;
	memset(&now, 0, sizeof(now));
	now.t_ms = 123456;
	now.aps = 66;
	for (int st = 0; st < CS_AP__COUNT; st++)
		now.states[st] = (unsigned)st + 1;
	for (int p = 0; p < CS_PHASE__COUNT; p++)
		now.failures[p] = (uint64_t)p + 1;
	cs_progress_line(buf, sizeof(buf), &now, NULL);
	assert_string_equal(buf,
	    " 123.5s  run 9/66  idle 1  disc 2  sulk 3  dtls 4  join 5  "
	    "image 6  config 7  check 8  reset 10  teardown 11  "
	    "| 0.0 joins/s  fail 36 (dhcp 1, discovery 2, dtls-handshake 3, "
	    "join 4, image 5, configure 6, data-check 7, run 8)");
}

static void
test_truncation_and_args(void **state)
{
	struct cs_progress_snap now;
	char small[10], full[256];
	int n;

	(void)state;
	snap_example(&now);
	n = cs_progress_line(full, sizeof(full), &now, NULL);
	memset(small, 'x', sizeof(small));
	assert_int_equal(cs_progress_line(small, sizeof(small), &now, NULL), n);
	assert_int_equal(small[9], '\0');
	assert_memory_equal(small, full, 9);
	assert_int_equal(cs_progress_line(NULL, 0, &now, NULL), n);
	assert_int_equal(
	    cs_progress_line(full, sizeof(full), NULL, NULL), -EINVAL);
	assert_int_equal(cs_progress_line(NULL, 5, &now, NULL), -EINVAL);
}

static void
test_snap_fill(void **state)
{
	struct cs_progress_snap s;
	struct cs_metrics m;
	unsigned st[CS_AP__COUNT] = { 0 };
	char buf[256];

	(void)state;
	cs_metrics_init(&m);
	m.joins = 7;
	m.failures_by_phase[CS_PHASE_JOIN] = 2;
	st[CS_AP_RUN] = 7;
	st[CS_AP_SULKING] = 1;
	cs_progress_snap_fill(&s, 3500, 8, st, &m);
	assert_int_equal(s.joins, 7);
	assert_int_equal(s.failures[CS_PHASE_JOIN], 2);
	cs_progress_line(buf, sizeof(buf), &s, NULL);
	assert_string_equal(
	    buf, "   3.5s  run 7/8  sulk 1  | 2.0 joins/s  fail 2 (join 2)");
	/* controllers lost in Run and failovers back */
	m.controller_losses = 3;
	m.failovers = 2;
	cs_progress_snap_fill(&s, 3500, 8, st, &m);
	cs_progress_line(buf, sizeof(buf), &s, NULL);
	assert_string_equal(buf,
	    "   3.5s  run 7/8  sulk 1  | 2.0 joins/s  fail 2 (join 2)  lost "
	    "3, failed over 2");
	cs_progress_snap_fill(&s, 0, 8, NULL, NULL);
	assert_int_equal(s.states[CS_AP_RUN], 0);
	assert_int_equal(s.joins, 0);
	cs_metrics_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_with_prev),
		cmocka_unit_test(test_line_no_prev_no_failures),
		cmocka_unit_test(test_line_every_state_and_phase),
		cmocka_unit_test(test_truncation_and_args),
		cmocka_unit_test(test_snap_fill),
	};

	return cmocka_run_group_tests_name("progress", tests, NULL, NULL);
}
