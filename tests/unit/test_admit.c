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

/* Trouble halves once per hold; afterwards growth is additive. */
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
	cs_admit_done(&a, 1500, false, 1000); /* slower than 1 s */
	assert_int_equal(cs_admit_window(&a), 32);
	assert_false(a.in_slow_start);
	/* the same episode: no second cut within the hold */
	cs_admit_trouble(&a, 1500);
	cs_admit_late(&a, 500, 1999);
	assert_int_equal(cs_admit_window(&a), 32);
	assert_int_equal(a.cuts, 1);
	/* a small lateness is not trouble */
	cs_admit_late(&a, 5, 2500);
	assert_int_equal(cs_admit_window(&a), 32);
	cs_admit_late(&a, 21, 2500);
	assert_int_equal(cs_admit_window(&a), 16);
	/* congestion avoidance: a window of clean handshakes adds one */
	for (int i = 0; i < 17; i++)
		cs_admit_done(&a, 50, false, 3000);
	assert_int_equal(cs_admit_window(&a), 17);
	/* a retransmitted handshake is trouble whatever its latency */
	cs_admit_done(&a, 10, true, 9000);
	assert_int_equal(cs_admit_window(&a), 8);
}

/* Under constant trouble the window stays at its floor, not 0. */
static void
test_floor(void **state)
{
	struct cs_admit a;

	(void)state;
	cs_admit_init(&a, 256);
	for (uint64_t t = 0; t < 100000; t += 1000)
		cs_admit_trouble(&a, t);
	assert_int_equal(cs_admit_window(&a), 4);
	cs_admit_init(&a, 16);
	for (uint64_t t = 0; t < 100000; t += 1000)
		cs_admit_trouble(&a, t);
	assert_int_equal(cs_admit_window(&a), 4);
	assert_int_equal(a.min_seen, 4);
	cs_admit_init(&a, 2);
	cs_admit_trouble(&a, 0);
	assert_int_equal(cs_admit_window(&a), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_slow_start_to_cap),
		cmocka_unit_test(test_cut_and_hold),
		cmocka_unit_test(test_floor),
	};

	return cmocka_run_group_tests_name("admit", tests, NULL, NULL);
}
