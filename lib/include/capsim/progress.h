/* SPDX-License-Identifier: MIT */
/*
 * The live progress line a terminal shows once per second, e.g.
 *   "  12.0s  run 950/1000  disc 25  dtls 20  join 5  | 81.3 joins/s
 *    fail 3 (dtls-handshake 3)"
 * Pure: counts in, text out; the program prints it with '\r'.
 */
#ifndef CS_PROGRESS_H
#define CS_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "capsim/ap.h"
#include "capsim/common.h"
#include "capsim/metrics.h"
#include "capsim/roles.h"

struct cs_progress_snap {
	uint64_t t_ms;                 /* since the run started */
	unsigned aps;                  /* APs simulated */
	unsigned states[CS_AP__COUNT]; /* APs per state now */
	uint64_t joins;                /* cumulative times Run was reached */
	uint64_t failures[CS_PHASE__COUNT];    /* cumulative, by phase */
	uint64_t controller_losses, failovers; /* cumulative */
};

/* Fills *out from merged run metrics and the current state counts. */
CS_API void cs_progress_snap_fill(struct cs_progress_snap *out, uint64_t t_ms,
    unsigned aps, const unsigned states[CS_AP__COUNT],
    const struct cs_metrics *m);

/*
 * Formats the line into buf (always NUL-terminated when len > 0):
 * elapsed seconds (one decimal, width 6), "run R/N", then every other
 * non-empty state in FSM order with a short name (idle, disc, sulk, dtls,
 * join, image, config, check, reset, teardown), " | ", the join rate since
 * `prev` (or since the start when prev is NULL or not older), "fail F"
 * and, when F > 0, the non-zero phases in parentheses; once a controller
 * was lost in Run, "  lost L, failed over O".  Returns the
 * length the full line needs (like snprintf), or -EINVAL.
 */
CS_API int cs_progress_line(char *buf, size_t len,
    const struct cs_progress_snap *now, const struct cs_progress_snap *prev);

#endif /* CS_PROGRESS_H */
