/* SPDX-License-Identifier: MIT */
/* Adaptive admission (AIMD window of handshakes in flight). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "capsim/admit.h"

static void
test_init(void **state)
{
	struct cs_admit a;

	(void)state;
	assert_int_equal(cs_admit_init(NULL, 4), -EINVAL);
	assert_int_equal(cs_admit_init(&a, 0), -EINVAL);
	assert_int_equal(cs_admit_init(&a, 3), 0);
	assert_int_equal(cs_admit_window(&a), 3);
	assert_int_equal(a.min, 3);
	assert_int_equal(cs_admit_init(&a, 256), 0);
	assert_int_equal(cs_admit_window(&a), 8);
	assert_true(a.in_slow_start);
}

/* Clean handshakes grow the window to the cap and never past it. */
static void
test_slow_start_to_cap(void **state)
{
	struct cs_admit a;

	(void)state;
	cs_admit_init(&a, 64);
	for (int i = 0; i < 10; i++)
		cs_admit_done(&a, 50, false, (uint64_t)i);
	assert_int_equal(cs_admit_window(&a), 18);
	for (int i = 0; i < 200; i++)
		cs_admit_done(&a, 50, false, 100);
	assert_int_equal(cs_admit_window(&a), 64);
	assert_int_equal(a.cuts, 0);
}

/* Capsim's own health halves once per hold; afterwards growth is
 * additive. */
static void
test_cut_and_hold(void **state)
{
	struct cs_admit a;

	(void)state;
	cs_admit_init(&a, 64);
	assert_int_equal(a.min, 4);
	for (int i = 0; i < 56; i++)
		cs_admit_done(&a, 50, false, 0);
	assert_int_equal(cs_admit_window(&a), 64);
	cs_admit_late(&a, 500, 1000); /* the loop ran 500 ms late */
	assert_int_equal(cs_admit_window(&a), 32);
	assert_false(a.in_slow_start);
	/* the same episode: no second cut within the hold */
	cs_admit_drops(&a, 3, 1500);
	cs_admit_cpu(&a, 1000, 1999);
	assert_int_equal(cs_admit_window(&a), 32);
	assert_int_equal(a.cuts, 1);
	assert_int_equal(a.cuts_by[CS_ADMIT_CAUSE_LATENESS], 1);
	/* small lateness, no drops, a busy but not saturated worker: no
	 * trouble */
	cs_admit_late(&a, 5, 2500);
	cs_admit_drops(&a, 0, 2500);
	cs_admit_cpu(&a, 900, 2500);
	assert_int_equal(cs_admit_window(&a), 32);
	cs_admit_drops(&a, 1, 2500);
	assert_int_equal(cs_admit_window(&a), 16);
	assert_int_equal(a.cuts_by[CS_ADMIT_CAUSE_DROPS], 1);
	/* congestion avoidance: a window of clean handshakes adds one */
	for (int i = 0; i < 17; i++)
		cs_admit_done(&a, 50, false, 3000);
	assert_int_equal(cs_admit_window(&a), 17);
	cs_admit_cpu(&a, 990, 9000); /* a worker at 99 % of a core */
	assert_int_equal(cs_admit_window(&a), 8);
	assert_int_equal(a.cuts_by[CS_ADMIT_CAUSE_CPU], 1);
	assert_int_equal(a.cuts, 3);
}

/* Losses the network causes (a firewall dropping the controller's
 * flights: retransmissions, handshakes timing out) never shrink the
 * window, and a retransmitted handshake does not grow it either. */
static void
test_losses_do_not_cut(void **state)
{
	struct cs_admit a;

	(void)state;
	cs_admit_init(&a, 64);
	for (uint64_t t = 0; t < 100000; t += 500) {
		cs_admit_loss(&a, t);             /* a flight repeated */
		cs_admit_loss(&a, t);             /* a handshake timed out */
		cs_admit_done(&a, 3000, true, t); /* done after a loss */
	}
	assert_int_equal(cs_admit_window(&a), 8);
	assert_int_equal(a.cuts, 0);
	assert_int_equal(a.grows, 0);
	assert_int_equal(a.losses, 600);
	assert_true(a.in_slow_start);
	/* the clean ones beside them still grow it */
	for (int i = 0; i < 8; i++)
		cs_admit_done(&a, 40, false, 100000);
	assert_int_equal(cs_admit_window(&a), 16);
}

/* The controller's answers slowing down: the median of 8 clean
 * handshakes above twice the base (and 50 ms over it) cuts; one slow
 * handshake among fast ones does not. */
static void
test_latency_trend(void **state)
{
	struct cs_admit a;
	uint64_t t = 0;

	(void)state;
	cs_admit_init(&a, 256);
	for (int i = 0; i < 40; i++)
		cs_admit_done(&a, 30 + (uint32_t)(i % 3), false, t += 10);
	assert_int_equal(a.base_ms, 31);
	assert_int_equal(cs_admit_window(&a), 48);
	/* one outlier (a lost and quickly recovered flight) is no trend */
	cs_admit_done(&a, 900, false, t += 10);
	for (int i = 0; i < 3; i++)
		cs_admit_done(&a, 35, false, t += 10);
	assert_int_equal(a.cuts, 0);
	/* 70 ms: over 2 x 31 but not 50 ms over it */
	for (int i = 0; i < 8; i++)
		cs_admit_done(&a, 70, false, t += 10);
	assert_int_equal(a.cuts, 0);
	assert_int_equal(a.median_ms, 70);
	/* answers slow down: 3 of 8 at 90 ms is not yet the (upper)
	 * median ... */
	for (int i = 0; i < 3; i++)
		cs_admit_done(&a, 90, false, t += 10);
	assert_int_equal(a.cuts, 0);
	/* ... 4 of 8 is */
	cs_admit_done(&a, 90, false, t += 10);
	assert_int_equal(a.cuts, 1);
	assert_int_equal(a.cuts_by[CS_ADMIT_CAUSE_LATENCY], 1);
	assert_false(a.in_slow_start);
	unsigned w = cs_admit_window(&a);
	/* after a cut the next decision waits for 8 fresh samples */
	for (int i = 0; i < 7; i++)
		cs_admit_done(&a, 200, false, t += 1000);
	assert_int_equal(a.cuts, 1);
	cs_admit_done(&a, 200, false, t += 1000);
	assert_int_equal(a.cuts, 2);
	assert_int_equal(cs_admit_window(&a), w / 2);
	assert_int_equal(a.base_ms, 31);
}

/* A handshake slower than 1 s is congestion even before 8 samples, and
 * a median over 1 s is whatever the base. */
static void
test_latency_absolute(void **state)
{
	struct cs_admit a;

	(void)state;
	cs_admit_init(&a, 64);
	cs_admit_done(&a, 1500, false, 0);
	assert_int_equal(cs_admit_window(&a), 4);
	assert_int_equal(a.cuts_by[CS_ADMIT_CAUSE_LATENCY], 1);
}

/* The base follows a lasting change: after two 30 s epochs of slower
 * but steady answers the old base is forgotten. */
static void
test_base_epochs(void **state)
{
	struct cs_admit a;
	uint64_t t = 0;

	(void)state;
	cs_admit_init(&a, 64);
	for (int i = 0; i < 8; i++)
		cs_admit_done(&a, 10, false, t += 10);
	assert_int_equal(a.base_ms, 10);
	/* 55 ms: not 50 ms over 10 */
	while (t < 70000)
		cs_admit_done(&a, 55, false, t += 100);
	assert_int_equal(a.base_ms, 55);
	assert_int_equal(a.cuts, 0);
}

/* Under constant trouble the window stays at its floor, not 0. */
static void
test_floor(void **state)
{
	struct cs_admit a;

	(void)state;
	cs_admit_init(&a, 256);
	for (uint64_t t = 0; t < 100000; t += 1000)
		cs_admit_late(&a, 100, t);
	assert_int_equal(cs_admit_window(&a), 4);
	cs_admit_init(&a, 16);
	for (uint64_t t = 0; t < 100000; t += 1000)
		cs_admit_drops(&a, 1, t);
	assert_int_equal(cs_admit_window(&a), 4);
	assert_int_equal(a.min_seen, 4);
	cs_admit_init(&a, 2);
	cs_admit_cpu(&a, 1000, 0);
	assert_int_equal(cs_admit_window(&a), 2);
	assert_string_equal(cs_admit_cause_name(CS_ADMIT_CAUSE_CPU), "cpu");
	assert_string_equal(cs_admit_cause_name(CS_ADMIT_CAUSE__COUNT), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_slow_start_to_cap),
		cmocka_unit_test(test_cut_and_hold),
		cmocka_unit_test(test_losses_do_not_cut),
		cmocka_unit_test(test_latency_trend),
		cmocka_unit_test(test_latency_absolute),
		cmocka_unit_test(test_base_epochs),
		cmocka_unit_test(test_floor),
	};

	return cmocka_run_group_tests_name("admit", tests, NULL, NULL);
}
