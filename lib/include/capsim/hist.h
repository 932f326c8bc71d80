/* SPDX-License-Identifier: MIT */
/*
 * Log-linear latency histogram: values in microseconds, each power-of-two
 * range split into CS_HIST_SUB linear buckets, so any quantile read back
 * is within 1/CS_HIST_SUB (< 1 %) of a recorded value.  Histograms of the
 * same shape merge exactly (add counts), across workers, runs and shards.
 */
#ifndef CS_HIST_H
#define CS_HIST_H

#include <stdint.h>

#include "capsim/common.h"

#define CS_HIST_SUB_BITS 7 /* 128 sub-buckets: 0.78 % worst-case error */
#define CS_HIST_SUB      (1u << CS_HIST_SUB_BITS)
#define CS_HIST_MAX_EXP  40 /* up to 2^40 us, about 12.7 days */
#define CS_HIST_BUCKETS  ((CS_HIST_MAX_EXP + 1) * CS_HIST_SUB)

struct cs_hist {
	uint64_t count;
	uint64_t sum_us;
	uint64_t min_us, max_us;
	uint32_t *b; /* CS_HIST_BUCKETS counters, allocated on first record */
};

CS_API void cs_hist_init(struct cs_hist *h);
CS_API void cs_hist_free(struct cs_hist *h);
CS_API int cs_hist_record(struct cs_hist *h, uint64_t us);
/* Adds src into dst. */
CS_API int cs_hist_merge(struct cs_hist *dst, const struct cs_hist *src);
/* Value at quantile q in [0, 1] (upper edge of its bucket, capped at the
 * maximum seen); 0 when empty. */
CS_API uint64_t cs_hist_quantile(const struct cs_hist *h, double q);
/* Bucket index of a value and the value range of a bucket. */
CS_API unsigned cs_hist_bucket(uint64_t us);
CS_API uint64_t cs_hist_bucket_hi(unsigned idx);

#endif /* CS_HIST_H */
