/* SPDX-License-Identifier: MIT */
/*
 * Run reports: the JSON report (`--json`), built with jansson.  Keys kept
 * stable for tools: aps, joined, in_run, failed, failures (phase -> reason
 * -> count), phases (phase -> {count, p50_ms, p95_ms, p99_ms, max_ms}).
 */
#ifndef CS_REPORT_H
#define CS_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "capsim/ap.h"
#include "capsim/common.h"
#include "capsim/metrics.h"

struct cs_run_summary {
	unsigned aps;      /* APs simulated */
	unsigned joined;   /* reached Run at least once */
	unsigned in_run;   /* in Run at the end */
	unsigned failed;   /* had at least one failure */
	unsigned left_run; /* APs that left Run at some point */
	unsigned states[CS_AP__COUNT];
	double duration_s;
	uint64_t seed;
	const char *wlc;          /* "embedded 127.0.0.1:5246" or the address */
	bool wlc_verify_off;      /* AP side did not verify the controller */
	const char *dtls_version; /* configured, e.g. "1.2" */
	const char *ciphers;
	bool passed;
	const struct cs_metrics *m;
};

/* The report as a JSON text (malloc'ed, caller frees), or NULL when out
 * of memory. */
CS_API char *cs_report_json(const struct cs_run_summary *s);

#endif /* CS_REPORT_H */
