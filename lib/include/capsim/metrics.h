/* SPDX-License-Identifier: MIT */
/*
 * Run metrics fed by the AP event stream (DESIGN.md "Events, metrics,
 * diagnosis"): per-phase latency histograms, failures by phase and reason,
 * APs per state.  Pure: events carry their own timestamps.  One
 * struct cs_metrics per worker; cs_metrics_merge() combines them.
 */
#ifndef CS_METRICS_H
#define CS_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "capsim/ap.h"
#include "capsim/common.h"
#include "capsim/hist.h"
#include "capsim/roles.h"

/* Latency series reported: one per join phase plus the whole join. */
enum cs_lat {
	CS_LAT_DISCOVERY,  /* Discovery entered -> left */
	CS_LAT_DTLS,       /* DTLS Setup entered -> Join */
	CS_LAT_JOIN,       /* Join entered -> left for Image/Configure */
	CS_LAT_IMAGE,      /* Image Data */
	CS_LAT_CONFIGURE,  /* Configure */
	CS_LAT_DATA_CHECK, /* Data Check */
	CS_LAT_TOTAL,      /* AP start (or restart after failure) -> Run */
	/* failover: last good Echo Response before the controller was lost
	 * in Run -> Run again (on the next controller, or the same one) */
	CS_LAT_FAILOVER,
	CS_LAT__COUNT
};

#define CS_METRICS_MAX_REASONS 32 /* distinct reasons kept per phase */

/* The fixed bounds of the Prometheus phase histogram (docs/metrics.md):
 * 5, 10, 25, 50, 100, 250, 500 ms, 1, 2.5, 5, 10, 30, 60, 120 s.  Each
 * latency is counted against them exactly when it is recorded. */
#define CS_METRICS_N_LE 14
CS_API extern const uint64_t cs_metrics_le_us[CS_METRICS_N_LE];

struct cs_reason_count {
	char *reason; /* owned */
	uint64_t count;
};

struct cs_metrics {
	struct cs_hist lat[CS_LAT__COUNT];
	/* samples <= cs_metrics_le_us[k] (cumulative, exact) */
	uint64_t le_count[CS_LAT__COUNT][CS_METRICS_N_LE];
	uint64_t failures_total;
	uint64_t failures_by_phase[CS_PHASE__COUNT];
	/* distinct reasons per phase; the rest are counted under "other" */
	struct cs_reason_count reasons[CS_PHASE__COUNT][CS_METRICS_MAX_REASONS];
	unsigned n_reasons[CS_PHASE__COUNT];
	uint64_t other_reasons[CS_PHASE__COUNT];
	uint64_t retransmits;
	uint64_t joins;             /* times any AP reached Run */
	uint64_t left_run;          /* times an AP left Run */
	uint64_t controller_losses; /* Run left on a failure (lost AC) */
	uint64_t failovers;         /* back in Run after such a loss */
};

/* Per-AP tracking, kept by the caller beside each AP (24 bytes). */
struct cs_ap_track {
	uint64_t t_state; /* when the current state was entered */
	uint64_t t_cycle; /* start of the current join attempt */
	uint8_t state;    /* enum cs_ap_state */
	bool started, has_joined, has_failed, in_run, has_left_run;
};

CS_API void cs_metrics_init(struct cs_metrics *m);
CS_API void cs_metrics_free(struct cs_metrics *m);
CS_API void cs_ap_track_init(struct cs_ap_track *t);
/* Accounts one AP event. */
CS_API void cs_metrics_ap_event(
    struct cs_metrics *m, struct cs_ap_track *t, const struct cs_ap_event *ev);
/* Records one latency of series l: the histogram and the fixed bounds. */
CS_API void cs_metrics_lat(struct cs_metrics *m, enum cs_lat l, uint64_t us);
/* Marks the AP started at now_ms (the start of its first join attempt). */
CS_API void cs_metrics_ap_start(struct cs_ap_track *t, uint64_t now_ms);
CS_API int cs_metrics_merge(
    struct cs_metrics *dst, const struct cs_metrics *src);
/*
 * A bounded label for a failure reason (Prometheus `reason`): the text up
 * to its first number, lower-case, runs of anything but letters and
 * digits as one '-', at most 47 bytes; a number right after "code" is
 * kept (a result code is part of the reason, a timer length is not).
 * "WaitDTLS expired after 8 s" -> "waitdtls-expired-after", "Join
 * Response result code 4" -> "join-response-result-code-4".  Empty or
 * NULL text -> "unknown".  Writes a NUL-terminated string (len >= 8).
 */
CS_API void cs_reason_code(const char *text, char *out, size_t len);

/* "discovery", "dtls", "join", "image", "configure", "data-check",
 * "total", "failover" (the keys of the JSON report). */
CS_API const char *cs_lat_name(enum cs_lat l);

#endif /* CS_METRICS_H */
