/* SPDX-License-Identifier: MIT */
/*
 * Merging the JSON reports of a sharded run (`capsim run --shard I/N`,
 * issue 17) into the report of the one run they make: counters summed,
 * latency histograms merged bucket by bucket (so every percentile is the
 * one a single run holding the same samples reports), the time series
 * aligned on wall-clock time, and the diagnosis recomputed from every
 * AP's facts.  Missing, duplicate and failed shards are named and make
 * the result incomplete.  Reports are hostile input: every value is
 * checked, and a bad one is refused with where and why.
 */
#ifndef CS_MERGE_H
#define CS_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

struct cs_merge;
struct cs_run_summary; /* capsim/report.h */
struct cs_diagnosis;   /* capsim/diagnose.h */

/** @return 0 with *ret set, -EINVAL, -ENOMEM. */
CS_API int cs_merge_new(struct cs_merge **ret);
/** Frees m and everything it made (NULL is fine). */
CS_API void cs_merge_free(struct cs_merge *m);

/**
 * Adds one shard's report (@p len bytes of JSON; @p origin, e.g. the file
 * name, names it in messages; copied).  A report that is not a capsim
 * shard report, or whose values are out of range, is refused: -EBADMSG
 * with @p why (len bytes) saying where and why; the merge is unchanged.
 * A second report of the same shard is kept aside and named (not an
 * error here).  -ENOMEM, -EINVAL.
 */
CS_API int cs_merge_add(struct cs_merge *m, const char *origin,
    const char *text, size_t len, char *why, size_t why_len);
/** A shard that gave no usable report (its file is missing, unreadable
 * or refused): named in the result as failed.  0, -ENOMEM. */
CS_API int cs_merge_add_failed(
    struct cs_merge *m, const char *origin, const char *why);

struct cs_merge_status {
	unsigned declared;   /* N, as the shards say */
	unsigned merged;     /* distinct shards merged */
	unsigned aps;        /* APs of the whole run (declared) */
	unsigned aps_merged; /* ... of which the merged shards ran */
	bool complete;       /* every shard 0..N-1 once, none failed */
	/* the shards' common clock: the latest start minus the earliest
	 * (their started_at), and how many merged shards did not say their
	 * clock was NTP-synchronised (their offsets are only as good) */
	uint64_t start_spread_ms;
	unsigned clocks_unsynced;
	const char *const *problems; /* one line each: missing, duplicate,
	                                failed or interrupted shards */
	size_t n_problems;
};

/**
 * Merges what was added: *s (owned by m, valid until cs_merge_free) is
 * the merged run's summary with the diagnosis recomputed over every AP
 * merged; expectations are not evaluated (s->expect NULL, s->passed from
 * the APs alone: every AP of the run in Run and stayed, and complete).
 * @return 0; -EPROTO when the reports are not shards of one run (other N,
 * seed, AP count or scenario; @p why names the two reports), -ENODATA
 * when no report was added, -ENOMEM.
 */
CS_API int cs_merge_finish(struct cs_merge *m, struct cs_run_summary **s,
    struct cs_merge_status *st, char *why, size_t why_len);
/** The recomputed diagnosis (after cs_merge_finish; NULL without APs). */
CS_API const struct cs_diagnosis *cs_merge_diagnosis(const struct cs_merge *m);
/** The expectations the shards evaluated (their text, first shard's
 * order), for the caller to evaluate on the merged summary. */
CS_API size_t cs_merge_n_expect(const struct cs_merge *m);
CS_API const char *cs_merge_expect_text(const struct cs_merge *m, size_t i);

/**
 * The merged report as JSON text (malloc'ed): cs_report_json(s) plus
 * "merge" (the shards, their start offsets and clocks, what is missing)
 * and the time series of every shard aligned on wall-clock time.  NULL
 * when out of memory.
 */
CS_API char *cs_merge_json(struct cs_merge *m, const struct cs_run_summary *s);

#endif /* CS_MERGE_H */
