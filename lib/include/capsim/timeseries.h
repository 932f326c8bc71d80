/* SPDX-License-Identifier: MIT */
/*
 * Run time series: the run command hands in a cumulative snapshot at the
 * end of each interval; this module keeps one row per interval (APs per
 * state, joins, joins/s, failures, retransmits, per-phase p50/p99 of the
 * latencies recorded in that interval, capsim's own timer lateness) plus
 * the timeline events marked on the time axis, and writes them as JSON
 * columns, CSV and iperf3-style interval lines.  Pure: no clock, no I/O.
 */
#ifndef CS_TIMESERIES_H
#define CS_TIMESERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/ap.h"
#include "capsim/common.h"
#include "capsim/metrics.h"

struct cs_hist;
struct cs_ts;

#define CS_TS_DEFAULT_INTERVAL_MS 1000
#define CS_TS_MAX_ROWS            100000 /* ~28 h at 1 s, ~40 MB */
#define CS_TS_MAX_MARKS           10000

/* One cumulative snapshot (everything since the run started). */
struct cs_ts_sample {
	uint64_t t_ms; /* since the run started */
	unsigned aps;
	unsigned states[CS_AP__COUNT]; /* APs per state now */
	const struct cs_metrics *m;    /* required: merged run metrics */
	/* capsim's timer lateness since the start; NULL when not measured */
	const struct cs_hist *lateness;
	/* datagrams the kernel dropped on capsim's sockets since the start,
	 * when the engine reports them */
	bool has_kernel_drops;
	uint64_t kernel_drops;
};

/* One interval (t0_ms, t_ms].  Counts are for the interval only;
 * latencies are of the phases that ended in it (has_lat[l] false: none
 * did, the value is unknown, not zero). */
struct cs_ts_row {
	uint64_t t0_ms, t_ms;
	unsigned aps;
	unsigned states[CS_AP__COUNT]; /* at t_ms */
	uint64_t joins, failures, retransmits;
	uint64_t failures_by_phase[CS_PHASE__COUNT];
	double joins_per_s;
	uint64_t lat_count[CS_LAT__COUNT];
	bool has_lat[CS_LAT__COUNT];
	double lat_p50_ms[CS_LAT__COUNT], lat_p99_ms[CS_LAT__COUNT];
	bool has_lateness; /* timers fired in the interval and were timed */
	double lateness_p99_ms, lateness_max_ms;
	bool has_kernel_drops;
	uint64_t kernel_drops;
};

/* A timeline event as it happened ("link-down 5 s", "wlc-restart"). */
struct cs_ts_mark {
	uint64_t t_ms;
	char *what; /* owned */
};

/* *ret = a new, empty series of interval_ms (> 0): 0, -EINVAL, -ENOMEM. */
CS_API int cs_ts_new(struct cs_ts **ret, uint64_t interval_ms);
CS_API void cs_ts_free(struct cs_ts *ts);
CS_API uint64_t cs_ts_interval_ms(const struct cs_ts *ts);

/*
 * Closes the interval that ends at s->t_ms: differences against the
 * previous snapshot (or zero at the start), one row appended.  The first
 * snapshot may come at any time (a partial last interval too).  Returns 0,
 * -EINVAL (NULL, no metrics, time going backwards or counters
 * decreasing), -E2BIG (CS_TS_MAX_ROWS reached: counted, and the JSON
 * says how many intervals were not recorded) or -ENOMEM; on error the
 * series is unchanged.  A snapshot at the same t_ms as the previous one
 * adds nothing and returns 0.
 */
CS_API int cs_ts_add(struct cs_ts *ts, const struct cs_ts_sample *s);

/* Records a timeline event at t_ms (text copied): 0, -EINVAL, -E2BIG,
 * -ENOMEM. */
CS_API int cs_ts_mark(struct cs_ts *ts, uint64_t t_ms, const char *what);

CS_API size_t cs_ts_rows(const struct cs_ts *ts);
/* Snapshots refused because the series was full. */
CS_API uint64_t cs_ts_not_recorded(const struct cs_ts *ts);
/* Row i (0 = first interval), or NULL when out of range. */
CS_API const struct cs_ts_row *cs_ts_row(const struct cs_ts *ts, size_t i);
CS_API size_t cs_ts_marks(const struct cs_ts *ts);
CS_API const struct cs_ts_mark *cs_ts_mark_at(const struct cs_ts *ts, size_t i);

/*
 * The series as CSV (malloc'ed, caller frees; NULL on -ENOMEM): a header
 * line, then one line per row: t_start_s, t_end_s, aps, one column per
 * state (state names), joins, joins_per_s, failures, one failures_<phase>
 * column per phase, retransmits, <lat>_count/<lat>_p50_ms/<lat>_p99_ms per
 * latency series, timer_lateness_p99_ms, timer_lateness_max_ms,
 * kernel_drops.  Unknown values are empty fields.
 */
CS_API char *cs_ts_csv(const struct cs_ts *ts);

/* The header printed once before the interval lines. */
CS_API const char *cs_ts_line_header(void);
/*
 * One iperf3-style line for row r (always NUL-terminated when len > 0):
 *   "[  0.0-  1.0 s]  run 10/10  joins 5  5.0/s  fail 0  retx 0  join
 *    p50 12.3 p99 20.1 ms  late p99 0.4 ms"
 * Returns the length the full line needs (like snprintf), or -EINVAL.
 */
CS_API int cs_ts_line(char *buf, size_t len, const struct cs_ts_row *r);

#endif /* CS_TIMESERIES_H */
