/* SPDX-License-Identifier: MIT */
/* Log-linear histogram: bucket maths, 1 % quantile accuracy, merging. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/hist.h"

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
test_buckets_monotonic_and_tight(void **state)
{
	(void)state;
	for (uint64_t v = 0; v < (1u << 22); v += 1 + v / 300) {
		unsigned i = cs_hist_bucket(v);

		assert_true(cs_hist_bucket_hi(i) >= v);
		/* the bucket's upper edge is within 1 % of the value */
		assert_true((double)(cs_hist_bucket_hi(i) - v) <=
		    0.01 * (double)v + 0.0001);
		if (v > 0)
			assert_true(cs_hist_bucket(v - 1) <= i);
	}
	assert_int_equal(cs_hist_bucket(UINT64_MAX), CS_HIST_BUCKETS - 1);
}

/* Quantiles of a skewed sample agree with the exact sorted values within
 * 1 % at p50, p95, p99 and p99.9. */
static void
test_quantiles_within_one_percent(void **state)
{
	enum {
		N = 20000
	};
	static uint64_t v[N];
	static const double qs[] = { 0.5, 0.95, 0.99, 0.999 };
	struct cs_hist h;
	uint64_t s = 7;

	(void)state;
	cs_hist_init(&h);
	for (int i = 0; i < N; i++) {
		s = s * 6364136223846793005ULL + 1;
		/* log-uniform from 100 us to 100 s */
		v[i] = (uint64_t)(100.0 *
		    pow(1e6, (double)(s >> 11) / (double)(1ULL << 53)));
		assert_int_equal(cs_hist_record(&h, v[i]), 0);
	}
	qsort(v, N, sizeof(v[0]), cmp_u64);
	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		uint64_t exact = v[(size_t)ceil(qs[k] * N) - 1];
		uint64_t got = cs_hist_quantile(&h, qs[k]);

		assert_true(
		    fabs((double)got - (double)exact) <= 0.01 * (double)exact);
	}
	assert_int_equal(cs_hist_quantile(&h, 1.0), v[N - 1]);
	assert_int_equal(cs_hist_quantile(&h, 0.0), v[0]);
	cs_hist_free(&h);
}

static void
test_merge_equals_union(void **state)
{
	struct cs_hist a, b, all;

	(void)state;
	cs_hist_init(&a);
	cs_hist_init(&b);
	cs_hist_init(&all);
	for (uint64_t i = 1; i <= 1000; i++) {
		cs_hist_record(i % 2 ? &a : &b, i * 1000);
		cs_hist_record(&all, i * 1000);
	}
	assert_int_equal(cs_hist_merge(&a, &b), 0);
	assert_int_equal(a.count, all.count);
	assert_int_equal(a.sum_us, all.sum_us);
	assert_int_equal(a.min_us, 1000);
	assert_int_equal(a.max_us, 1000000);
	assert_memory_equal(a.b, all.b, CS_HIST_BUCKETS * sizeof(*a.b));
	assert_int_equal(
	    cs_hist_quantile(&a, 0.5), cs_hist_quantile(&all, 0.5));
	assert_int_equal(cs_hist_merge(NULL, &a), -EINVAL);
	cs_hist_free(&a);
	cs_hist_free(&b);
	cs_hist_free(&all);
}

static void
test_empty(void **state)
{
	struct cs_hist h;

	(void)state;
	cs_hist_init(&h);
	assert_int_equal(cs_hist_quantile(&h, 0.99), 0);
	assert_int_equal(cs_hist_record(NULL, 1), -EINVAL);
	cs_hist_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets_monotonic_and_tight),
		cmocka_unit_test(test_quantiles_within_one_percent),
		cmocka_unit_test(test_merge_equals_union),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests_name("hist", tests, NULL, NULL);
}
