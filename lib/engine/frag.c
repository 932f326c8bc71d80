/* SPDX-License-Identifier: MIT */
/*
 * CAPWAP fragments on the live path (RFC 5415 §3.4) for both roles: a
 * control message longer than the session's DTLS record payload goes out
 * in fragments, each in a record of its own (the CAPWAP header sits inside
 * the DTLS payload, RFC 5415 §4.1); received fragments are reassembled per
 * session, with caps per session and per worker.
 */
#include "engine-internal.h"

#include <errno.h>
#include <stdlib.h>

#include "capsim/capwap.h"
#include "capsim/capwap_frag.h"
#include "capsim/cursor.h"
#include "capsim/dtls.h"
#include "capsim/log.h"

struct frag_out {
	struct eng_dtls *d;
	eng_frag_tap_fn *tap;
	void *arg;
};

static int
frag_emit(void *arg, const uint8_t *pkt, size_t len)
{
	struct frag_out *o = arg;

	if (o->tap != NULL)
		o->tap(o->arg, pkt, len);
	return cs_dtls_send(o->d->s, pkt, len);
}

int
eng_dtls_send_msg(struct eng_dtls *d, const uint8_t *msg, size_t len,
    eng_frag_tap_fn *tap, void *arg)
{
	struct frag_out o = { .d = d, .tap = tap, .arg = arg };
	struct eng_w *w = d->w;
	struct cs_err err = { 0 };
	size_t mtu = cs_dtls_data_mtu(d->s);
	int r;

	if (mtu == 0 || len <= mtu)
		return frag_emit(&o, msg, len);
	/* §3.4: the Fragment ID counts fragment sets per direction of the
	 * WTP/AC pair, wrapping */
	r = cs_capwap_fragment(
	    msg, len, mtu, d->frag_id++, frag_emit, &o, &err);
	if (r < 0) {
		w->frag.send_fail++;
		return cs_log_err(w->e->cfg.log, r,
		    "capwap: a %zu-byte control message cannot be sent in "
		    "fragments of %zu bytes: %s (offset %zu)",
		    len, mtu, err.what != NULL ? err.what : "send failed",
		    err.offset);
	}
	w->frag.msgs_split++;
	w->frag.frags_sent += (uint64_t)r;
	return 0;
}

/* Logged at the 1st, 2nd, 4th, 8th, ... occurrence: a cap that keeps
 * being hit writes a few lines, never one per datagram. */
static bool
frag_log_now(uint64_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

static void
frag_count(struct eng_dtls *d, const struct cs_reasm_stats *a,
    const struct cs_reasm_stats *b)
{
	struct eng_w *w = d->w;
	uint64_t dropped = (b->overlaps - a->overlaps) +
	    (b->timeouts - a->timeouts) + (b->oversize - a->oversize) +
	    (b->too_many - a->too_many) + (b->inconsistent - a->inconsistent) +
	    (b->evicted - a->evicted);

	w->frag.frags_rcvd += b->fragments - a->fragments;
	w->frag.reassembled += b->completed - a->completed;
	w->frag.sets_dropped += dropped;
	if (b->evicted != a->evicted) {
		w->frag.peer_evicted += b->evicted - a->evicted;
		if (frag_log_now(w->frag.peer_evicted))
			cs_logf(w->e->cfg.log, CS_LOG_WARN,
			    "capwap: a peer had more than %u fragmented "
			    "messages in progress; the oldest was dropped "
			    "(%llu times so far)",
			    ENG_REASM_PEER_SETS,
			    (unsigned long long)w->frag.peer_evicted);
	}
}

static void
frag_recount(struct eng_dtls *d)
{
	unsigned n = cs_reasm_pending(d->reasm);

	d->w->reasm_sets = d->w->reasm_sets - d->reasm_sets + n;
	d->reasm_sets = n;
}

int
eng_dtls_reasm(struct eng_dtls *d, const uint8_t *pkt, size_t len,
    uint64_t now_ms, const uint8_t **out, size_t *out_len)
{
	struct eng_w *w = d->w;
	struct cs_reasm_stats a, b;
	struct cs_capwap_hdr h;
	struct cs_err err = { 0 };
	struct cs_rd rd;
	int r;

	cs_rd_init(&rd, pkt, len);
	if (cs_capwap_hdr_decode(&rd, &h, NULL) < 0 || !h.is_fragment) {
		/* whole (or for the state machine to refuse) */
		*out = pkt;
		*out_len = len;
		return 1;
	}
	if (d->reasm == NULL) {
		struct cs_reasm_cfg cfg;

		cs_reasm_cfg_default(&cfg);
		cfg.max_sets = ENG_REASM_PEER_SETS;
		if (cs_reasm_new(&d->reasm, &cfg) < 0) {
			w->frag.cap_drops++;
			return 0;
		}
	}
	cs_reasm_expire(d->reasm, now_ms);
	frag_recount(d);
	if (w->reasm_sets >= ENG_REASM_MAX_SETS &&
	    !cs_reasm_holds(d->reasm, h.frag_id)) {
		w->frag.cap_drops++;
		if (frag_log_now(w->frag.cap_drops))
			cs_logf(w->e->cfg.log, CS_LOG_WARN,
			    "capwap: %u fragmented messages in progress on "
			    "this worker (its cap); a new one was dropped "
			    "(%llu so far)",
			    ENG_REASM_MAX_SETS,
			    (unsigned long long)w->frag.cap_drops);
		return 0;
	}
	cs_reasm_get_stats(d->reasm, &a);
	r = cs_reasm_input(d->reasm, pkt, len, now_ms, out, out_len, &err);
	cs_reasm_get_stats(d->reasm, &b);
	frag_count(d, &a, &b);
	frag_recount(d);
	if (r < 0 && r != -ENOMEM)
		cs_logf(w->e->cfg.log, CS_LOG_DEBUG,
		    "capwap: fragment %u of set %u dropped: %s (offset %zu)",
		    (unsigned)h.frag_off, (unsigned)h.frag_id,
		    err.what != NULL ? err.what : "?", err.offset);
	return r == 1 ? 1 : 0;
}

void
eng_dtls_reasm_free(struct eng_dtls *d)
{
	if (d == NULL || d->reasm == NULL)
		return;
	d->w->reasm_sets -= d->reasm_sets;
	d->reasm_sets = 0;
	cs_reasm_free(d->reasm);
	d->reasm = NULL;
}
