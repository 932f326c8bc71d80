/* SPDX-License-Identifier: MIT */
/*
 * Log-linear histogram; see capsim/hist.h.  Values below CS_HIST_SUB us
 * are exact (one bucket per microsecond); above, bucket width is
 * 2^(e - SUB_BITS) in the range [2^e, 2^(e+1)).
 */
#include "capsim/hist.h"

#include <errno.h>
#include <stdlib.h>

void
cs_hist_init(struct cs_hist *h)
{
	h->count = 0;
	h->sum_us = 0;
	h->min_us = UINT64_MAX;
	h->max_us = 0;
	h->b = NULL;
}

void
cs_hist_free(struct cs_hist *h)
{
	free(h->b);
	cs_hist_init(h);
}

unsigned
cs_hist_bucket(uint64_t us)
{
	unsigned e;

	if (us < CS_HIST_SUB)
		return (unsigned)us;
	e = 63u - (unsigned)__builtin_clzll(us); /* us in [2^e, 2^(e+1)) */
	if (e > CS_HIST_MAX_EXP)
		return CS_HIST_BUCKETS - 1;
	/* rows: row 0 holds 0..SUB-1 exactly; row r >= 1 holds exponent
	 * e = r + SUB_BITS - 1 */
	return (e - CS_HIST_SUB_BITS + 1) * CS_HIST_SUB +
	    (unsigned)((us >> (e - CS_HIST_SUB_BITS)) - CS_HIST_SUB);
}

uint64_t
cs_hist_bucket_hi(unsigned idx)
{
	unsigned row = idx / CS_HIST_SUB, sub = idx % CS_HIST_SUB;
	unsigned e;

	if (row == 0)
		return sub;
	e = row + CS_HIST_SUB_BITS - 1;
	return ((uint64_t)(CS_HIST_SUB + sub + 1) << (e - CS_HIST_SUB_BITS)) -
	    1;
}

static int
hist_alloc(struct cs_hist *h)
{
	if (h->b != NULL)
		return 0;
	h->b = calloc(CS_HIST_BUCKETS, sizeof(*h->b));
	return h->b != NULL ? 0 : -ENOMEM;
}

int
cs_hist_record(struct cs_hist *h, uint64_t us)
{
	int r;

	if (h == NULL)
		return -EINVAL;
	if ((r = hist_alloc(h)) < 0)
		return r;
	h->b[cs_hist_bucket(us)]++;
	h->count++;
	h->sum_us += us;
	if (us < h->min_us)
		h->min_us = us;
	if (us > h->max_us)
		h->max_us = us;
	return 0;
}

int
cs_hist_merge(struct cs_hist *dst, const struct cs_hist *src)
{
	int r;

	if (dst == NULL || src == NULL)
		return -EINVAL;
	if (src->count == 0)
		return 0;
	if ((r = hist_alloc(dst)) < 0)
		return r;
	for (unsigned i = 0; i < CS_HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->count += src->count;
	dst->sum_us += src->sum_us;
	if (src->min_us < dst->min_us)
		dst->min_us = src->min_us;
	if (src->max_us > dst->max_us)
		dst->max_us = src->max_us;
	return 0;
}

uint64_t
cs_hist_quantile(const struct cs_hist *h, double q)
{
	uint64_t rank, seen = 0;

	if (h == NULL || h->count == 0)
		return 0;
	if (q <= 0)
		return h->min_us;
	if (q >= 1)
		return h->max_us;
	/* nearest-rank definition: the smallest value with at least
	 * ceil(q * count) values at or below it */
	rank = (uint64_t)(q * (double)h->count);
	if ((double)rank < q * (double)h->count)
		rank++;
	for (unsigned i = 0; i < CS_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank) {
			uint64_t hi = cs_hist_bucket_hi(i);

			return hi < h->max_us ? hi : h->max_us;
		}
	}
	return h->max_us;
}
