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
	CS_LAT__COUNT
};

#define CS_METRICS_MAX_REASONS 32 /* distinct reasons kept per phase */

struct cs_reason_count {
	char *reason; /* owned */
	uint64_t count;
};

struct cs_metrics {
	struct cs_hist lat[CS_LAT__COUNT];
	uint64_t failures_total;
	uint64_t failures_by_phase[CS_PHASE__COUNT];
	/* distinct reasons per phase; the rest are counted under "other" */
	struct cs_reason_count reasons[CS_PHASE__COUNT][CS_METRICS_MAX_REASONS];
	unsigned n_reasons[CS_PHASE__COUNT];
	uint64_t other_reasons[CS_PHASE__COUNT];
	uint64_t retransmits;
	uint64_t joins;    /* times any AP reached Run */
	uint64_t left_run; /* times an AP left Run */
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
/* Marks the AP started at now_ms (the start of its first join attempt). */
CS_API void cs_metrics_ap_start(struct cs_ap_track *t, uint64_t now_ms);
CS_API int cs_metrics_merge(
    struct cs_metrics *dst, const struct cs_metrics *src);
/* "discovery", "dtls", "join", "image", "configure", "data-check",
 * "total" (the keys of the JSON report). */
CS_API const char *cs_lat_name(enum cs_lat l);

#endif /* CS_METRICS_H */
