/* SPDX-License-Identifier: MIT */
/*
 * The controller's DTLS admission of one AP address: see capsim/wlc_admit.h.
 * RFC 6347 §4.2.1: the server keeps no state for an address until the
 * address has returned its cookie; RFC 5415 §4.7.15: WaitDTLS bounds the
 * handshake once it may start.
 */
#include "capsim/wlc_admit.h"

#include "capsim/dtls_peek.h"

void
cs_wlc_admit_classify(
    const uint8_t *buf, size_t len, struct cs_wlc_admit_dgram *d)
{
	struct cs_dtls_peek pk;

	d->is_hello = false;
	d->is_fresh = false;
	d->has_cookie = false;
	d->is_retransmit = false;
	if (cs_dtls_peek_capwap(buf, len, &pk, NULL) < 0 ||
	    cs_dtls_classify(&pk) != CS_DTLS_KIND_CLIENT_HELLO)
		return;
	d->is_hello = true;
	/* message_seq 0: no cookie yet, the handshake starts (§4.2.2) */
	for (unsigned i = 0; i < pk.n_hs; i++)
		if (pk.hs[i].msg_type == CS_DTLS_HS_CLIENT_HELLO &&
		    pk.hs[i].message_seq == 0)
			d->is_fresh = true;
}

enum cs_wlc_admit_verdict
cs_wlc_admit_input(
    const struct cs_wlc_admit *a, const struct cs_wlc_admit_dgram *d)
{
	if (!d->is_hello)
		return a == NULL ? CS_WLC_ADMIT_STRAY : CS_WLC_ADMIT_FEED;
	/* Without our cookie a ClientHello proves nothing (it may be
	 * spoofed from an AP's address): answer it, keep nothing, leave the
	 * address's session alone. */
	if (!d->has_cookie)
		return CS_WLC_ADMIT_VERIFY;
	if (a == NULL)
		return CS_WLC_ADMIT_NEW;
	/* the same proven ClientHello again: the handshake's own
	 * retransmission */
	if (!a->is_established && d->is_retransmit)
		return CS_WLC_ADMIT_FEED;
	/* The AP proved the address and starts over: its old session is
	 * gone on its side, if this really is the AP.  An on-path sender
	 * can prove the address too, so an established session is kept
	 * until the new handshake has completed (issue 18); a handshake
	 * still running has nothing to keep. */
	return a->is_established ? CS_WLC_ADMIT_SHADOW : CS_WLC_ADMIT_REPLACE;
}

void
cs_wlc_admit_init(
    struct cs_wlc_admit *a, const struct cs_wlc_admit_io *io, void *ctx)
{
	*a = (struct cs_wlc_admit){ .io = io, .ctx = ctx, .is_verified = true };
	a->io->timer_arm(a->ctx, CS_WLC_ADMIT_WAIT_DTLS_MS);
}

void
cs_wlc_admit_fed(struct cs_wlc_admit *a)
{
	if (!a->is_verified && a->hellos < UINT16_MAX)
		a->hellos++;
}

enum cs_wlc_admit_step
cs_wlc_admit_result(struct cs_wlc_admit *a, enum cs_wlc_admit_dtls r,
    bool is_cookie_back, bool has_sess)
{
	switch (r) {
	case CS_WLC_ADMIT_DTLS_ESTABLISHED:
		if (a->is_established)
			break;
		a->is_established = true;
		a->io->timer_cancel(a->ctx);
		return CS_WLC_ADMIT_OPEN;
	case CS_WLC_ADMIT_DTLS_CLOSED:
		return CS_WLC_ADMIT_CLOSE;
	case CS_WLC_ADMIT_DTLS_ERROR:
		return has_sess ? CS_WLC_ADMIT_CLOSE : CS_WLC_ADMIT_FAIL;
	case CS_WLC_ADMIT_DTLS_PROGRESS:
		break;
	}
	if (!a->is_verified && is_cookie_back) {
		/* a returned cookie proves the address: allow WaitDTLS */
		a->is_verified = true;
		a->io->timer_arm(a->ctx, CS_WLC_ADMIT_WAIT_DTLS_MS);
	}
	return CS_WLC_ADMIT_CONTINUE;
}

enum cs_wlc_admit_expiry
cs_wlc_admit_expired(const struct cs_wlc_admit *a)
{
	if (a->is_established)
		return CS_WLC_ADMIT_EXP_NONE;
	return a->is_verified ? CS_WLC_ADMIT_EXP_WAIT_DTLS
	                      : CS_WLC_ADMIT_EXP_NO_COOKIE;
}

void
cs_wlc_admit_stop(struct cs_wlc_admit *a)
{
	if (a->io != NULL)
		a->io->timer_cancel(a->ctx);
}

static const char *const admit_verdict_names[] = {
	[CS_WLC_ADMIT_STRAY] = "stray",
	[CS_WLC_ADMIT_FEED] = "feed",
	[CS_WLC_ADMIT_NEW] = "new",
	[CS_WLC_ADMIT_REPLACE] = "replace",
	[CS_WLC_ADMIT_VERIFY] = "verify",
	[CS_WLC_ADMIT_SHADOW] = "shadow",
};
_Static_assert(sizeof(admit_verdict_names) / sizeof(admit_verdict_names[0]) ==
        CS_WLC_ADMIT__COUNT,
    "one name per admission verdict");

static const char *const admit_step_names[] = {
	[CS_WLC_ADMIT_CONTINUE] = "continue",
	[CS_WLC_ADMIT_OPEN] = "open",
	[CS_WLC_ADMIT_CLOSE] = "close",
	[CS_WLC_ADMIT_FAIL] = "fail",
};
_Static_assert(sizeof(admit_step_names) / sizeof(admit_step_names[0]) ==
        CS_WLC_ADMIT_STEP__COUNT,
    "one name per admission step");

const char *
cs_wlc_admit_verdict_name(enum cs_wlc_admit_verdict v)
{
	return (unsigned)v < CS_WLC_ADMIT__COUNT ? admit_verdict_names[v] : "?";
}

const char *
cs_wlc_admit_step_name(enum cs_wlc_admit_step s)
{
	return (unsigned)s < CS_WLC_ADMIT_STEP__COUNT ? admit_step_names[s]
	                                              : "?";
}

/* ---------------------------------------------------------------------
 * The controller's overload gate
 */

void
cs_wlc_gate_init(struct cs_wlc_gate *g)
{
	*g = (struct cs_wlc_gate){ 0 };
}

/* Rolls the per-second count and, while limited, the additive step and
 * the return to open. */
static void
gate_tick(struct cs_wlc_gate *g, uint64_t now_ms)
{
	if (now_ms >= g->sec_ms + 1000) {
		g->last_sec_n = now_ms < g->sec_ms + 2000 ? g->sec_n : 0;
		g->sec_n = 0;
		g->sec_ms = now_ms;
	}
	if (g->rate == 0)
		return;
	if (now_ms >= g->late_ms + CS_WLC_GATE_OPEN_MS) {
		g->rate = 0; /* on time long enough: no limit */
		return;
	}
	while (now_ms >= g->grow_ms) {
		g->rate += g->rate / 8 < 1.0 ? 1.0 : g->rate / 8;
		g->grow_ms += 1000;
	}
	if (now_ms > g->tokens_ms) {
		g->tokens += g->rate * (double)(now_ms - g->tokens_ms) / 1000.0;
		g->tokens_ms = now_ms;
	}
	if (g->tokens > g->rate)
		g->tokens = g->rate; /* one second of burst */
}

void
cs_wlc_gate_late(struct cs_wlc_gate *g, uint32_t late_ms, uint64_t now_ms)
{
	double base;

	gate_tick(g, now_ms);
	if (late_ms <= CS_WLC_GATE_LATE_MS)
		return;
	g->late_ms = now_ms;
	g->grow_ms = now_ms + 1000;
	if (now_ms < g->hold_until_ms)
		return; /* the same episode */
	/* open: start from what it admitted in the last second */
	base = g->rate != 0
	    ? g->rate
	    : (double)(g->last_sec_n > g->sec_n ? g->last_sec_n : g->sec_n);
	g->rate =
	    base / 2 < CS_WLC_GATE_MIN_RATE ? CS_WLC_GATE_MIN_RATE : base / 2;
	if (g->tokens > 1.0)
		g->tokens = 1.0;
	g->tokens_ms = now_ms;
	g->hold_until_ms = now_ms + 1000;
	g->cuts++;
}

static bool
gate_take(struct cs_wlc_gate *g, uint64_t now_ms)
{
	gate_tick(g, now_ms);
	if (g->rate != 0) {
		if (g->tokens < 1.0)
			return false;
		g->tokens -= 1.0;
	}
	g->admitted++;
	g->sec_n++;
	return true;
}

enum cs_wlc_gate_verdict
cs_wlc_gate_input(struct cs_wlc_gate *g, size_t queued, uint64_t now_ms)
{
	double cap;

	gate_tick(g, now_ms);
	/* first come, first served: nothing overtakes the FIFO */
	if (queued == 0 && gate_take(g, now_ms))
		return CS_WLC_GATE_ADMIT;
	cap = g->rate * CS_WLC_GATE_QUEUE_S;
	if (g->rate == 0 || (double)queued < (cap < 1.0 ? 1.0 : cap)) {
		g->deferred++;
		return CS_WLC_GATE_DEFER;
	}
	g->shed++;
	return CS_WLC_GATE_SHED;
}

bool
cs_wlc_gate_take(struct cs_wlc_gate *g, uint64_t now_ms)
{
	return gate_take(g, now_ms);
}

uint64_t
cs_wlc_gate_wait_ms(const struct cs_wlc_gate *g)
{
	if (g->rate == 0 || g->tokens >= 1.0)
		return 0;
	return (uint64_t)((1.0 - g->tokens) * 1000.0 / g->rate) + 1;
}

static const char *const gate_verdict_names[] = {
	[CS_WLC_GATE_ADMIT] = "admit",
	[CS_WLC_GATE_DEFER] = "defer",
	[CS_WLC_GATE_SHED] = "shed",
};
_Static_assert(sizeof(gate_verdict_names) / sizeof(gate_verdict_names[0]) ==
        CS_WLC_GATE__COUNT,
    "one name per gate verdict");

const char *
cs_wlc_gate_verdict_name(enum cs_wlc_gate_verdict v)
{
	return (unsigned)v < CS_WLC_GATE__COUNT ? gate_verdict_names[v] : "?";
}
