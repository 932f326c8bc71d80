/* SPDX-License-Identifier: MIT */
/*
 * AIMD window for handshakes in flight; see capsim/admit.h.  TCP's
 * congestion control (RFC 5681 §3.1) is the model for the window, a
 * delay-based detector (TCP Vegas; LEDBAT, RFC 6817) for the signal.
 */
#include "capsim/admit.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#define ADMIT_START      8
#define ADMIT_MIN        4
#define ADMIT_LATENCY_MS 1000
#define ADMIT_LATENESS   20
#define ADMIT_CPU        950
#define ADMIT_HOLD_MS    1000
#define ADMIT_MARGIN_MS  50    /* jitter a median may show on its own */
#define ADMIT_EPOCH_MS   30000 /* base latency: min over two epochs */

int
cs_admit_init(struct cs_admit *a, unsigned max)
{
	if (a == NULL || max == 0)
		return -EINVAL;
	memset(a, 0, sizeof(*a));
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
	a->cpu_permille = ADMIT_CPU;
	a->hold_ms = ADMIT_HOLD_MS;
	a->min_seen = (unsigned)a->win;
	a->base_ms = UINT32_MAX;
	a->base_next_ms = UINT32_MAX;
	return 0;
}

unsigned
cs_admit_window(const struct cs_admit *a)
{
	return (unsigned)a->win;
}

static void
admit_cut(struct cs_admit *a, enum cs_admit_cause why, uint64_t now_ms)
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
	a->cuts_by[why]++;
	a->hold_until_ms = now_ms + a->hold_ms;
	/* the samples in hand were taken at the old window */
	a->n_sample = 0;
	a->median_ms = 0;
}

static uint32_t
admit_median(const struct cs_admit *a)
{
	uint32_t s[CS_ADMIT_SAMPLES];

	memcpy(s, a->sample, sizeof(s));
	for (unsigned i = 1; i < CS_ADMIT_SAMPLES; i++) /* insertion sort */
		for (unsigned j = i; j > 0 && s[j - 1] > s[j]; j--) {
			uint32_t t = s[j];

			s[j] = s[j - 1];
			s[j - 1] = t;
		}
	return s[CS_ADMIT_SAMPLES / 2];
}

/* Is the median of the last clean handshakes congested? */
static bool
admit_slow(struct cs_admit *a, uint32_t latency_ms, uint64_t now_ms)
{
	uint32_t m, bound;

	a->sample[a->sample_at] = latency_ms;
	a->sample_at = (a->sample_at + 1) % CS_ADMIT_SAMPLES;
	if (a->n_sample < CS_ADMIT_SAMPLES)
		a->n_sample++;
	if (a->n_sample < CS_ADMIT_SAMPLES)
		return latency_ms > a->latency_ms;
	a->median_ms = m = admit_median(a);
	/* the base: the smallest median of this epoch and the last */
	if (m < a->base_next_ms)
		a->base_next_ms = m;
	if (m < a->base_ms)
		a->base_ms = m;
	if (now_ms >= a->base_epoch_ms) {
		a->base_ms = a->base_next_ms;
		a->base_next_ms = m;
		a->base_epoch_ms = now_ms + ADMIT_EPOCH_MS;
	}
	if (m > a->latency_ms)
		return true;
	bound = a->base_ms * 2;
	if (bound < a->base_ms + ADMIT_MARGIN_MS)
		bound = a->base_ms + ADMIT_MARGIN_MS;
	return m > bound;
}

void
cs_admit_done(struct cs_admit *a, uint32_t latency_ms, bool retransmitted,
    uint64_t now_ms)
{
	if (retransmitted) {
		a->losses++;
		return;
	}
	if (admit_slow(a, latency_ms, now_ms)) {
		admit_cut(a, CS_ADMIT_CAUSE_LATENCY, now_ms);
		return;
	}
	a->win += a->in_slow_start ? 1.0 : 1.0 / a->win;
	if (a->win > a->max)
		a->win = a->max;
	a->grows++;
}

void
cs_admit_loss(struct cs_admit *a, uint64_t now_ms)
{
	(void)now_ms;
	a->losses++;
}

void
cs_admit_late(struct cs_admit *a, uint32_t late_ms, uint64_t now_ms)
{
	if (late_ms > a->lateness_ms)
		admit_cut(a, CS_ADMIT_CAUSE_LATENESS, now_ms);
}

void
cs_admit_drops(struct cs_admit *a, uint64_t n, uint64_t now_ms)
{
	if (n > 0)
		admit_cut(a, CS_ADMIT_CAUSE_DROPS, now_ms);
}

void
cs_admit_cpu(struct cs_admit *a, uint32_t busy_permille, uint64_t now_ms)
{
	if (busy_permille > a->cpu_permille)
		admit_cut(a, CS_ADMIT_CAUSE_CPU, now_ms);
}

static const char *const admit_cause_names[] = {
	[CS_ADMIT_CAUSE_LATENCY] = "latency",
	[CS_ADMIT_CAUSE_LATENESS] = "lateness",
	[CS_ADMIT_CAUSE_DROPS] = "drops",
	[CS_ADMIT_CAUSE_CPU] = "cpu",
};
_Static_assert(sizeof(admit_cause_names) / sizeof(admit_cause_names[0]) ==
        CS_ADMIT_CAUSE__COUNT,
    "one name per admission cause");

const char *
cs_admit_cause_name(enum cs_admit_cause c)
{
	return (unsigned)c < CS_ADMIT_CAUSE__COUNT ? admit_cause_names[c] : "?";
}
