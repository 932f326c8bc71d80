/* SPDX-License-Identifier: MIT */
/* Timer queue (lib/engine/timerq.c) against a brute-force model. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/timerq.h"

#define N 500

static uint64_t
lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

static void
test_fifo_for_equal_deadlines(void **state)
{
	struct cs_timerq q;
	struct cs_tslot s[4];

	(void)state;
	cs_timerq_init(&q);
	for (int i = 0; i < 4; i++) {
		cs_tslot_init(&s[i], NULL, i);
		assert_int_equal(cs_timerq_arm(&q, &s[i], 100), 0);
	}
	assert_null(cs_timerq_pop_due(&q, 99));
	for (int i = 0; i < 4; i++)
		assert_ptr_equal(cs_timerq_pop_due(&q, 100), &s[i]);
	assert_null(cs_timerq_pop_due(&q, 1000));
	cs_timerq_free(&q);
}

static void
test_rearm_and_cancel(void **state)
{
	struct cs_timerq q;
	struct cs_tslot a, b;
	uint64_t next;

	(void)state;
	cs_timerq_init(&q);
	cs_tslot_init(&a, NULL, 0);
	cs_tslot_init(&b, NULL, 1);
	assert_false(cs_timerq_next(&q, &next));
	assert_int_equal(cs_timerq_arm(&q, &a, 50), 0);
	assert_int_equal(cs_timerq_arm(&q, &b, 70), 0);
	assert_int_equal(cs_timerq_arm(&q, &a, 90), 0); /* moves, no dup */
	assert_int_equal(q.n, 2);
	assert_true(cs_timerq_next(&q, &next));
	assert_int_equal(next, 70);
	cs_timerq_cancel(&q, &b);
	cs_timerq_cancel(&q, &b); /* idle: no-op */
	assert_false(cs_tslot_armed(&b));
	assert_ptr_equal(cs_timerq_pop_due(&q, 100), &a);
	assert_false(cs_tslot_armed(&a));
	assert_int_equal(cs_timerq_arm(NULL, &a, 1), -EINVAL);
	cs_timerq_free(&q);
}

/* Random arm/re-arm/cancel/pop against a model: pops come out in
 * deadline order and exactly the armed slots come out. */
static void
test_random_against_model(void **state)
{
	static struct cs_tslot s[N];
	static uint64_t due[N];
	static int armed[N];
	struct cs_timerq q;
	uint64_t seed = 42, now = 0;

	(void)state;
	cs_timerq_init(&q);
	for (int i = 0; i < N; i++)
		cs_tslot_init(&s[i], NULL, i);
	for (int step = 0; step < 20000; step++) {
		int i = (int)(lcg(&seed) % N);
		int op = (int)(lcg(&seed) % 4);

		if (op < 2) {
			due[i] = now + lcg(&seed) % 1000;
			armed[i] = 1;
			assert_int_equal(cs_timerq_arm(&q, &s[i], due[i]), 0);
		} else if (op == 2) {
			armed[i] = 0;
			cs_timerq_cancel(&q, &s[i]);
		} else {
			struct cs_tslot *t;
			uint64_t last = 0;

			now += lcg(&seed) % 50;
			while ((t = cs_timerq_pop_due(&q, now)) != NULL) {
				int k = t->kind;

				assert_true(armed[k]);
				assert_true(due[k] <= now);
				assert_true(due[k] >= last);
				last = due[k];
				armed[k] = 0;
			}
			for (int k = 0; k < N; k++)
				if (armed[k])
					assert_true(due[k] > now);
		}
		for (int k = 0; k < N; k++)
			assert_int_equal(cs_tslot_armed(&s[k]), armed[k]);
	}
	cs_timerq_free(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_for_equal_deadlines),
		cmocka_unit_test(test_rearm_and_cancel),
		cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests_name("timerq", tests, NULL, NULL);
}
