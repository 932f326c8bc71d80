/* SPDX-License-Identifier: MIT */
/*
 * Shards of `capsim run` (issue 17): --shard I/N (or a Kubernetes Indexed
 * Job's JOB_COMPLETION_INDEX with --shards N / CAPSIM_SHARDS) runs one
 * disjoint slice of the population, and --start-at makes the shards
 * begin together, so that N of them are the one big run.
 */
#ifndef CS_SIM_RUN_SHARD_H
#define CS_SIM_RUN_SHARD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "capsim/report.h"

struct cs_diagnosis;
struct cs_engine;
struct cs_engine_cfg;

struct run_shard {
	bool index_given, count_given; /* --shard / --shards */
	unsigned index, count;
	uint64_t start_at_unix_ms; /* --start-at; 0 none */
	uint32_t site_ip;          /* --shard-ip: this shard's first AP's
	                              address (its site), 0: its slice */
	bool enabled; /* resolved: this run is one shard of count */
	struct cs_report_shard rep; /* what the JSON says ("shard") */
};

/* Option values; each prints why and returns -EINVAL when bad. */
int run_shard_opt(struct run_shard *sh, const char *arg); /* I/N */
int run_shard_opt_count(struct run_shard *sh, const char *arg);
int run_shard_opt_start_at(struct run_shard *sh, const char *arg);
int run_shard_opt_ip(struct run_shard *sh, const char *arg);
/* RFC 3339 time ("2026-12-07T15:40:00Z", "...T15:40:00.250+01:00") to
 * Unix milliseconds; -EINVAL. */
int run_shard_parse_time(const char *s, uint64_t *unix_ms);

/* After the options: takes JOB_COMPLETION_INDEX / CAPSIM_SHARDS when the
 * options did not say, then cuts this shard's slice out of ec (n_aps,
 * bases, global index, in-flight cap).  0, or an exit code after
 * printing why. */
int run_shard_resolve(struct run_shard *sh, struct cs_engine_cfg *ec);
/* Waits for --start-at (a signal flag set ends the wait early: returns
 * false); then call run_shard_started() with the run's start. */
bool run_shard_wait(struct run_shard *sh, volatile sig_atomic_t *stop);
void run_shard_started(struct run_shard *sh, uint64_t started_unix_ms);

/* Every AP's result for the report (ap_results): global index, the
 * identity in ids (may be NULL), the verdict from d (may be NULL) and the
 * facts (borrowed from the engine, after cs_engine_stop).  *out is
 * calloc'ed (free it); 0 or -ENOMEM. */
int run_shard_ap_results(struct cs_report_ap_result **out,
    const struct cs_engine *e, const struct cs_engine_cfg *ec,
    const struct cs_report_ap *ids, const struct cs_diagnosis *d);

#endif /* CS_SIM_RUN_SHARD_H */
