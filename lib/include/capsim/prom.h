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
#include "capsim/hist.h"
#include "capsim/impair.h"
#include "capsim/metrics.h"
#include "capsim/report.h"
#include "capsim/wlc.h"

/* One impairment rule's counters (capsim_impairment_packets_total). */
struct cs_prom_rule {
	const char *name; /* the rule's name, or NULL: "rule-<index>" */
	struct cs_impair_stats st;
};

/* capsim's own health (issue 12; docs/metrics.md "capsim itself"). */
#define CS_PROM_MAX_WORKERS 64
struct cs_prom_health {
	const struct cs_hist *lateness; /* loop lateness (histogram family) */
	uint64_t rxq_drops;             /* kernel drops, full receive queues */
	unsigned hs_active;             /* AP handshakes in flight */
	unsigned hs_waiting;            /* APs waiting for a handshake slot */
	bool has_window;                /* the AP side runs a window */
	unsigned hs_window;             /* ... its size now (all workers) */
	uint64_t window_cuts[4]; /* by cause: latency, lateness, drops, cpu */
	bool has_wlc;            /* the WLC families below */
	unsigned wlc_queued;     /* new handshakes the WLC holds back */
	uint64_t wlc_gate[3];    /* its gate: admitted, deferred, shed */
	unsigned n_workers;      /* worker_cpu_s[0 .. n_workers - 1] */
	double worker_cpu_s[CS_PROM_MAX_WORKERS];
};

/* What the caller sees at one moment; all pointers borrowed, NULL = the
 * families are left out. */
struct cs_prom_snapshot {
	unsigned aps;                  /* APs simulated */
	unsigned states[CS_AP__COUNT]; /* APs per state now */
	const struct cs_metrics *m;    /* NULL: no AP families (capsim wlc) */
	double uptime_s;
	const struct cs_wlc_counters *wlc; /* the mock WLC's counters */
	unsigned wlc_joined;               /* APs joined to it now */
	const struct cs_prom_rule *rules;  /* impairment rules */
	size_t n_rules;
	const struct cs_hist *lateness;        /* engine timer lateness */
	const struct cs_report_resources *res; /* process resources */
	const struct cs_prom_health *health;   /* capsim's own health */
	/* wireless clients (capsim/client_metrics.h); NULL: no client
	 * families */
	const struct cs_client_metrics *clients;
};

/* Number of finite `le` bounds of capsim_phase_duration_seconds. */
#define CS_PROM_N_LE CS_METRICS_N_LE

/* The finite `le` bounds in microseconds (cs_metrics_le_us): 5, 10, 25,
 * 50, 100, 250, 500 ms, 1, 2.5, 5, 10, 30, 60 and 120 s; the cumulative
 * counts are exact.  idx < CS_PROM_N_LE, else 0. */
CS_API uint64_t cs_prom_le_us(unsigned idx);

/*
 * The exposition text (malloc'ed, caller frees), or NULL when s is NULL
 * or out of memory.  The families, their types, units and labels are
 * documented in docs/metrics.md; every one has # HELP and # TYPE, and
 * `promtool check metrics` accepts the text.
 */
CS_API char *cs_prom_text(const struct cs_prom_snapshot *s);

#endif /* CS_PROM_H */
