/* SPDX-License-Identifier: MIT */
/*
 * Pure decisions of the AP state machine: retransmission back-off,
 * discovery pacing, sequence-number ordering and controller selection.
 * No state, no clock, no randomness of their own (STYLE G8).
 */
#include "ap-internal.h"

#include <stddef.h>
#include <stdint.h>

uint64_t
cs_ap_rtx_delay_ms(const struct cs_ap_cfg *cfg, unsigned n)
{
	uint64_t d = cfg->retransmit_interval_ms;

	/* RFC 5415 §4.5.3: RetransmitInterval for the first retransmit,
	 * doubled every subsequent time the same request is resent. */
	for (unsigned i = 0; i < n && d < UINT32_MAX; i++)
		d *= 2;
	if (d > UINT32_MAX)
		d = UINT32_MAX;
	if (cfg->retransmit_cap_half_echo) {
		uint64_t cap = cfg->echo_interval_ms / 2;

		if (cap < cfg->retransmit_interval_ms)
			cap = cfg->retransmit_interval_ms;
		if (d > cap)
			d = cap;
	}
	return d;
}

uint64_t
cs_ap_discovery_delay_ms(
    const struct cs_ap_cfg *cfg, uint32_t sent, uint32_t rnd)
{
	/* RFC 5415 §3.3: the first Discovery Request goes out after a
	 * random delay below MaxDiscoveryInterval; §2.3.1 "Discovery to
	 * Discovery": the next ones when DiscoveryInterval expires. */
	if (sent == 0)
		return rnd;
	return cfg->discovery_interval_ms;
}

bool
cs_ap_seq_older(uint8_t s1, uint8_t s2)
{
	/* RFC 5415 §4.5.3 note */
	return (s1 < s2 && (uint8_t)(s2 - s1) < 128) ||
	    (s1 > s2 && (uint8_t)(s1 - s2) > 128);
}

static uint32_t
ap_spare(const struct cs_ap_cand *c)
{
	return c->max_wtps > c->active_wtps
	    ? (uint32_t)(c->max_wtps - c->active_wtps)
	    : 0;
}

/* true when a is a better choice than b */
static bool
ap_cand_better(const struct cs_ap_cand *a, const struct cs_ap_cand *b)
{
	/* 1. primed primary, secondary, tertiary (matched by AC Name) */
	if (a->primed_rank != b->primed_rank) {
		if (a->primed_rank == 0)
			return false;
		if (b->primed_rank == 0)
			return true;
		return a->primed_rank < b->primed_rank;
	}
	/* 2. least loaded: greatest excess capacity */
	if (ap_spare(a) != ap_spare(b))
		return ap_spare(a) > ap_spare(b);
	/* 3. first responder */
	return a->order < b->order;
}

int
cs_ap_select(const struct cs_ap_cand *c, unsigned n)
{
	int best = -1;

	for (unsigned i = 0; i < n; i++)
		if (best < 0 || ap_cand_better(&c[i], &c[best]))
			best = (int)i;
	return best;
}
