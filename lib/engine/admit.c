/* SPDX-License-Identifier: MIT */
/*
 * AIMD window for handshakes in flight; see capsim/admit.h.  TCP's
 * congestion control (RFC 5681 §3.1) is the model: slow start, then one
 * more per window of clean completions, and half on congestion.
 */
#include "capsim/admit.h"

#include <errno.h>
#include <stddef.h>

#define ADMIT_START      8
#define ADMIT_MIN        4
#define ADMIT_LATENCY_MS 1000
#define ADMIT_LATENESS   20
#define ADMIT_HOLD_MS    1000

int
cs_admit_init(struct cs_admit *a, unsigned max)
{
	if (a == NULL || max == 0)
		return -EINVAL;
	a->max = max;
	/* a small floor: on a starved host (capsim with a fraction of a
	 * core) every handshake in flight beyond what the CPU completes in
	 * a second is retransmitted and costs twice.  (capsim capacity runs
	 * without the cap, so the floor never measures capsim's backoff.) */
	a->min = max < ADMIT_MIN ? max : ADMIT_MIN;
	a->win = max < ADMIT_START ? max : ADMIT_START;
	a->in_slow_start = true;
	a->latency_ms = ADMIT_LATENCY_MS;
	a->lateness_ms = ADMIT_LATENESS;
	a->hold_ms = ADMIT_HOLD_MS;
	a->hold_until_ms = 0;
	a->cuts = 0;
	a->grows = 0;
	a->min_seen = (unsigned)a->win;
	return 0;
}

unsigned
cs_admit_window(const struct cs_admit *a)
{
	return (unsigned)a->win;
}

static void
admit_cut(struct cs_admit *a, uint64_t now_ms)
{
	a->in_slow_start = false;
	if (now_ms < a->hold_until_ms)
		return; /* the same episode */
	a->win /= 2;
	if (a->win < a->min)
		a->win = a->min;
	if ((unsigned)a->win < a->min_seen)
		a->min_seen = (unsigned)a->win;
	a->cuts++;
	a->hold_until_ms = now_ms + a->hold_ms;
}

void
cs_admit_done(struct cs_admit *a, uint32_t latency_ms, bool retransmitted,
    uint64_t now_ms)
{
	if (retransmitted || latency_ms > a->latency_ms) {
		admit_cut(a, now_ms);
		return;
	}
	a->win += a->in_slow_start ? 1.0 : 1.0 / a->win;
	if (a->win > a->max)
		a->win = a->max;
	a->grows++;
}

void
cs_admit_trouble(struct cs_admit *a, uint64_t now_ms)
{
	admit_cut(a, now_ms);
}

void
cs_admit_late(struct cs_admit *a, uint32_t late_ms, uint64_t now_ms)
{
	if (late_ms > a->lateness_ms)
		admit_cut(a, now_ms);
}
