/* SPDX-License-Identifier: MIT */
/*
 * `capsim wlc --timeline FILE` (sim/wlc_timeline.c): a scenario file's
 * timeline run by the standalone mock WLC from its start.
 */
#ifndef SIM_WLC_TIMELINE_H
#define SIM_WLC_TIMELINE_H

#include <event2/event.h>
#include <stdint.h>

#include "capsim/scenario.h"

struct sim_wlc_tl {
	struct cs_scenario *sc; /* NULL: no --timeline */
	unsigned after_run;     /* 0 starts at once; else when this many
	                           WTPs have joined (--timeline-after) */
	struct cs_scn_timeline tl;
	struct cs_engine *e;
	uint64_t seed;
	struct event *timer, *wait;
};

/* Reads FILE and checks that `capsim wlc` can run every entry (WLC
 * requests, misbehaviour, restarts; APs selected by MAC).  0, or -1 after
 * saying why on stderr. */
int sim_wlc_tl_load(struct sim_wlc_tl *t, const char *path);
/* Starts the timeline now (engine time), or once t->after_run WTPs have
 * joined; nothing without a file.  0 or -1. */
int sim_wlc_tl_start(struct sim_wlc_tl *t, struct event_base *base,
    struct cs_engine *e, uint64_t seed);
void sim_wlc_tl_free(struct sim_wlc_tl *t);

#endif /* SIM_WLC_TIMELINE_H */
