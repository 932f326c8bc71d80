/* SPDX-License-Identifier: MIT */
/*
 * The AP's data channel DTLS session (RFC 5415 §4.6.1 DTLS Policy D,
 * §2.3.1 "q"): when the AP state machine chose a DTLS data channel at
 * Join, its first keep-alive starts a second DTLS session to the AC's
 * data port that resumes the control session (cs_dtls_resume_from); the
 * keep-alive waits for the handshake, then it and every later data packet
 * travel inside the session.  Its end is reported to the AP with
 * cs_ap_data_dtls_done.
 */
#include "engine-internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capsim/ap.h"
#include "capsim/capwap.h"
#include "capsim/diagnose.h"
#include "capsim/dtls.h"

/* What the AP sends (up) or receives (down) inside the session: facts
 * and the clear capture. */
static void
ddtls_tap(struct eng_ap *a, enum cs_dir dir, const uint8_t *pkt, size_t len,
    uint64_t now)
{
	bool up = dir == CS_DIR_UP;
	uint16_t port = a->w->ap_port[CS_CHAN_DATA];
	struct cs_pkt_meta m = { .dir = dir,
		.chan = CS_CHAN_DATA,
		.src_ip = up ? a->ip : a->ac_ip,
		.src_port = up ? port : a->dd_port,
		.dst_ip = up ? a->ac_ip : a->ip,
		.dst_port = up ? a->dd_port : port,
		.pkt = pkt,
		.len = len,
		.now_ms = now };

	eng_tap_plain_data(a->w, a, &m);
}

static int
ddtls_wire_send(void *ctx, const uint8_t *dgram, size_t len)
{
	struct eng_dtls *d = ctx;
	struct eng_ap *a = d->ap;

	if (d->dead)
		return 0;
	eng_path_up(
	    a, CS_CHAN_DATA, a->ac_ip, a->dd_port, dgram, len, a->dd_hint);
	return 0;
}

static void
ddtls_recv(void *ctx, const uint8_t *plain, size_t len)
{
	struct eng_dtls *d = ctx;
	struct eng_ap *a = d->ap;
	const struct cs_engine_probe *pr =
	    a->idx == 0 ? a->w->e->cfg.probe : NULL;
	uint64_t now = eng_now(d->w->e);

	if (d->dead || a->ap == NULL)
		return;
	ddtls_tap(a, CS_DIR_DOWN, plain, len, now);
	if (pr != NULL && pr->received != NULL)
		pr->received(pr->ctx, CS_CHAN_DATA, /* is_secure= */ true,
		    a->ac_ip, a->dd_port, plain, len);
	cs_ap_input_clear(
	    a->ap, CS_CHAN_DATA, a->ac_ip, a->dd_port, plain, len, now);
}

static const struct cs_dtls_io ddtls_io = {
	.send = ddtls_wire_send,
	.recv = ddtls_recv,
};

void
eng_ddtls_ap_stop(struct eng_ap *a, bool graceful)
{
	a->dd_held_len = 0;
	a->dd_fail = NULL;
	cs_timerq_cancel(&a->w->tq, &a->t_ddtls);
	if (a->dd == NULL)
		return;
	if (graceful && a->dd->established && !a->dd->dead)
		cs_dtls_shutdown(a->dd->s);
	eng_bury_dtls(a->w, a->dd);
	a->dd = NULL;
}

/* Reports a failure from the session's timer slot: never from inside the
 * AP's own send callback (the AP is in the middle of a transition). */
static void
ddtls_fail_later(struct eng_ap *a, const char *why)
{
	a->dd_fail = why;
	eng_arm(a->w, &a->t_ddtls, 0);
}

/* Starts the data session: resumes the control session (same ctx, the
 * AP's credential for a full handshake should the WLC not resume). */
static int
ddtls_begin(struct eng_ap *a)
{
	struct eng_w *w = a->w;
	struct cs_engine *e = w->e;
	const struct cs_engine_ap_group *g = eng_ap_group(e, a->idx);
	struct cs_dtls_ctx *dctx = g != NULL ? g->ap_dtls : e->cfg.ap_dtls;
	int r;

	if (a->d == NULL || a->d->dead || !a->d->established)
		return -ENOTCONN;
	if ((a->dd = eng_dtls_new(
	         w, dctx, &ddtls_io, eng_ap_skew(e, a->idx))) == NULL)
		return -ENOMEM;
	a->dd->ap = a;
	if ((r = cs_dtls_resume_from(a->dd->s, a->d->s)) < 0 ||
	    (r = cs_dtls_start(a->dd->s)) < 0) {
		eng_ddtls_ap_stop(a, false);
		return r;
	}
	eng_dtls_timer(w, a->dd, &a->t_ddtls);
	return 0;
}

bool
eng_ddtls_ap_send(struct eng_ap *a, uint16_t dst_port, const uint8_t *pkt,
    size_t len, const struct cs_pkt_hint *hint)
{
	uint64_t now = eng_now(a->w->e);

	if (!cs_ap_data_dtls(a->ap))
		return false;
	if (a->dd == NULL && a->dd_fail == NULL) {
		a->dd_port = dst_port;
		if (ddtls_begin(a) < 0) {
			ddtls_fail_later(a,
			    "cannot start the data channel "
			    "DTLS session (control session gone)");
			return true;
		}
	}
	if (a->dd == NULL || a->dd->dead)
		return true; /* failed: reported from the slot */
	if (!a->dd->established) {
		/* RFC 5415 §2.3.1 "q": the keep-alive follows the handshake;
		 * a newer one replaces a waiting one */
		if (len <= sizeof(a->dd_held)) {
			memcpy(a->dd_held, pkt, len);
			a->dd_held_len = (uint8_t)len;
		}
		return true;
	}
	ddtls_tap(a, CS_DIR_UP, pkt, len, now);
	a->dd_hint = hint;
	(void)cs_dtls_send(a->dd->s, pkt, len);
	a->dd_hint = NULL;
	return true;
}

static void
ddtls_failed(struct eng_ap *a, const char *why, int code, uint64_t now)
{
	struct cs_dtls_outcome o = { .reason = why, .reason_code = code };

	cs_facts_data_dtls_fail(eng_facts(a));
	eng_ddtls_ap_stop(a, false);
	cs_ap_data_dtls_done(a->ap, &o, now);
}

static void
ddtls_result(struct eng_ap *a, int r, uint64_t now)
{
	struct eng_dtls *d = a->dd;
	struct cs_pkt_hint hint = { .is_keepalive = true };

	if (d == NULL || d->dead)
		return;
	if (r == CS_DTLS_ESTABLISHED && !d->established) {
		struct cs_dtls_outcome o = { .ok = true };

		d->established = true;
		cs_timerq_cancel(&a->w->tq, &a->t_ddtls);
		cs_ap_data_dtls_done(a->ap, &o, now);
		if (a->dd == d && a->dd_held_len > 0) {
			ddtls_tap(
			    a, CS_DIR_UP, a->dd_held, a->dd_held_len, now);
			a->dd_hint = &hint;
			(void)cs_dtls_send(d->s, a->dd_held, a->dd_held_len);
			a->dd_hint = NULL;
			a->dd_held_len = 0;
		}
		return;
	}
	if (r == CS_DTLS_CLOSED) {
		ddtls_failed(a,
		    "WLC closed the data channel DTLS session (close_notify)",
		    CS_DTLS_FAIL_PEER_ALERT, now);
		return;
	}
	if (r == -EPROTO || r == -ETIMEDOUT) {
		const struct cs_dtls_failure *f = cs_dtls_failure(d->s);
		char reason[sizeof(f->reason) + 32];

		snprintf(reason, sizeof(reason), "%s",
		    f->reason[0] ? f->reason : "handshake failed");
		ddtls_failed(a, reason, (int)f->code, now);
		return;
	}
	eng_dtls_timer(a->w, d, &a->t_ddtls);
}

void
eng_ddtls_ap_input(struct eng_ap *a, uint32_t src_ip, uint16_t src_port,
    const uint8_t *pkt, size_t len, uint64_t now)
{
	/* DTLS from the AC's data port of our session; anything else is
	 * stray */
	if (a->dd == NULL || a->dd->dead || src_ip != a->ac_ip ||
	    src_port != a->dd_port)
		return;
	ddtls_result(a, cs_dtls_input(a->dd->s, pkt, len), now);
}

void
eng_slot_ap_ddtls(struct eng_w *w, struct cs_tslot *s, uint64_t now)
{
	struct eng_ap *a = s->owner;

	(void)w;
	if (a->dd_fail != NULL) {
		const char *why = a->dd_fail;

		a->dd_fail = NULL;
		ddtls_failed(a, why, 0, now);
		return;
	}
	if (a->dd != NULL && !a->dd->dead)
		ddtls_result(a, cs_dtls_on_timer(a->dd->s), now);
}
