/* SPDX-License-Identifier: MIT */
/*
 * Prometheus text exposition format 0.0.4 of a run's metrics (served at
 * /metrics by capsim/metrics_http.h).  Pure: a snapshot in, text out.
 */
#ifndef CS_PROM_H
#define CS_PROM_H

#include <stddef.h>
#include <stdint.h>

#include "capsim/ap.h"
#include "capsim/common.h"
#include "capsim/metrics.h"
#include "capsim/report.h"

/* What the caller sees at one moment; all pointers borrowed. */
struct cs_prom_snapshot {
	unsigned aps;                  /* APs simulated */
	unsigned states[CS_AP__COUNT]; /* APs per state now */
	const struct cs_metrics *m;    /* required */
	double uptime_s;
	const struct cs_report_kv *wlc; /* capsim_wlc_<name>_total counters */
	size_t n_wlc;
};

/* Number of finite `le` bounds of capsim_phase_duration_seconds. */
#define CS_PROM_N_LE 14

/*
 * The finite `le` bounds in microseconds: the inclusive upper edges of
 * the histogram buckets (capsim/hist.h) holding 5, 10, 25, 50, 100, 250,
 * 500 ms, 1, 2.5, 5, 10, 30, 60 and 120 s, so every cumulative count is
 * exact (no interpolation) and each bound is at most 0.8 % above its
 * nominal value (e.g. le="0.005023").  idx < CS_PROM_N_LE.
 */
CS_API uint64_t cs_prom_le_us(unsigned idx);

/*
 * The exposition text (malloc'ed, caller frees), or NULL when s or s->m
 * is NULL or out of memory.  Families (each with # HELP and # TYPE):
 *   capsim_aps{state="run"} gauge (one per AP state), capsim_aps_total
 *   gauge, capsim_joins_total, capsim_left_run_total,
 *   capsim_failures_total{phase,reason} counter (plus reason="other"),
 *   capsim_retransmits_total counter, capsim_phase_duration_seconds
 *   histogram {phase} with _bucket{le}, _sum, _count, capsim_uptime_seconds
 *   gauge and capsim_wlc_<name>_total counters.
 */
CS_API char *cs_prom_text(const struct cs_prom_snapshot *s);

#endif /* CS_PROM_H */
