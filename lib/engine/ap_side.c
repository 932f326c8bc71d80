/* SPDX-License-Identifier: MIT */
/*
 * AP side of a worker: AP identity and construction, pacing of starts,
 * the client handshake slots (max in flight), the AP-side packet path
 * (input and delivery) and the glue between cs_ap and its DTLS session.
 */
#include "engine-internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/dtls.h"
#include "capsim/dtls_peek.h"
#include "capsim/values.h"

static void eng_hs_next(struct eng_w *w);

/* The probe hook of AP a, or NULL (one AP only: cs_engine_cfg.probe). */
static const struct cs_engine_probe *
eng_probe(const struct eng_ap *a)
{
	return a->idx == 0 ? a->w->e->cfg.probe : NULL;
}

/* Handshakes this worker may run at once: the adaptive window under
 * --max-inflight; 0 = no cap (a real storm: every AP at once). */
static unsigned
eng_hs_limit(const struct eng_w *w)
{
	return w->max_inflight == 0 ? 0 : cs_admit_window(&w->admit);
}

static struct eng_ap *
eng_ap_by_ip(struct eng_w *w, uint32_t ip)
{
	const struct cs_engine *e = w->e;
	uint32_t off = ip - e->cfg.ap_base_ip;

	if (ip < e->cfg.ap_base_ip || off >= e->cfg.n_aps)
		return NULL;
	if (e->aps[off].w != w)
		return NULL; /* not ours: stray */
	return &e->aps[off];
}

/* A step of AP a's DTLS session, told to the probe hook. */
static void
eng_probe_dtls(struct eng_ap *a, enum cs_engine_dtls_step step)
{
	const struct cs_engine_probe *pr = eng_probe(a);

	if (pr != NULL && pr->dtls != NULL && a->d != NULL)
		pr->dtls(pr->ctx, step, a->d->s, a->ac_ip, a->ac_port);
}

struct cs_ap_facts *
eng_facts(struct eng_ap *a)
{
	return &a->w->e->facts[a->idx];
}

struct cs_ap_facts *
eng_facts_by_ip(struct eng_w *w, uint32_t ip)
{
	struct eng_ap *a = eng_ap_by_ip(w, ip);

	return a != NULL && w->e->facts != NULL ? eng_facts(a) : NULL;
}

void
eng_wlc_seen(struct cs_engine *e, uint32_t ip, enum cs_dir dir, size_t len)
{
	uint32_t off = ip - e->cfg.ap_base_ip;
	struct eng_wlc_seen *s;
	unsigned c = cs_facts_size_class(len);

	/* a NAT address or a stray: no AP of this run to count it for */
	if (e->aps == NULL || ip < e->cfg.ap_base_ip || off >= e->cfg.n_aps)
		return;
	s = &e->aps[off].wlc_seen;
	if (dir == CS_DIR_UP)
		atomic_fetch_add_explicit(&s->rx[c], 1, memory_order_relaxed);
	else if (dir == CS_DIR_DOWN)
		atomic_fetch_add_explicit(&s->tx[c], 1, memory_order_relaxed);
}

void
eng_wlc_seen_reset(struct eng_ap *a)
{
	for (unsigned c = 0; c < CS_FACTS_SIZE_CLASSES; c++) {
		atomic_store_explicit(
		    &a->wlc_seen.rx[c], 0, memory_order_relaxed);
		atomic_store_explicit(
		    &a->wlc_seen.tx[c], 0, memory_order_relaxed);
	}
}

/* The facts count in 16 bits and saturate (cs_facts_*): so does this. */
static uint16_t
eng_sat16(unsigned v)
{
	return v > UINT16_MAX ? UINT16_MAX : (uint16_t)v;
}

void
eng_wlc_seen_fold(struct cs_engine *e)
{
	if (e->aps == NULL || e->facts == NULL)
		return;
	for (unsigned i = 0; i < e->cfg.n_aps; i++) {
		struct eng_wlc_seen *s = &e->aps[i].wlc_seen;
		struct cs_ap_facts *f = &e->facts[i];

		for (unsigned c = 0; c < CS_FACTS_SIZE_CLASSES; c++) {
			f->wlc_rx[c] = eng_sat16(atomic_load_explicit(
			    &s->rx[c], memory_order_relaxed));
			f->wlc_tx[c] = eng_sat16(atomic_load_explicit(
			    &s->tx[c], memory_order_relaxed));
		}
	}
}

static int
ap_send_clear(void *ctx, enum cs_chan ch, uint32_t dst_ip, uint16_t dst_port,
    const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	struct eng_ap *a = ctx;
	const struct cs_engine_probe *pr = eng_probe(a);

	/* RFC 5415 §4.6.1 D: the data channel inside its own session */
	if (ch == CS_CHAN_DATA &&
	    eng_ddtls_ap_send(a, dst_port, pkt, len, hint)) {
		if (pr != NULL && pr->sent != NULL)
			pr->sent(pr->ctx, ch, /* is_secure= */ true, dst_ip,
			    dst_port, len, hint);
		return 0;
	}
	if (pr != NULL && pr->sent != NULL)
		pr->sent(pr->ctx, ch, /* is_secure= */ false, dst_ip, dst_port,
		    len, hint);
	eng_path_up(a, ch, dst_ip, dst_port, pkt, len, hint);
	return 0;
}

static struct cs_pkt_meta
ap_plain_meta(struct eng_ap *a, enum cs_dir dir, const uint8_t *pkt, size_t len,
    uint64_t now)
{
	bool up = dir == CS_DIR_UP;
	uint16_t port = a->w->ap_port[CS_CHAN_CONTROL];

	return (struct cs_pkt_meta){ .dir = dir,
		.chan = CS_CHAN_CONTROL,
		.src_ip = up ? a->ip : a->ac_ip,
		.src_port = up ? port : a->ac_port,
		.dst_ip = up ? a->ac_ip : a->ip,
		.dst_port = up ? a->ac_port : port,
		.pkt = pkt,
		.len = len,
		.now_ms = now };
}

/* What goes into each DTLS record the AP sends: the message or one of
 * its fragments. */
static void
ap_tap_record(void *arg, const uint8_t *pkt, size_t len)
{
	struct eng_ap *a = arg;
	struct cs_pkt_meta m =
	    ap_plain_meta(a, CS_DIR_UP, pkt, len, eng_now(a->w->e));

	eng_tap_plain_rec(a->w, a, &m);
}

static int
ap_send_secure(
    void *ctx, const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	struct eng_ap *a = ctx;
	const struct cs_engine_probe *pr = eng_probe(a);
	struct cs_pkt_meta m;
	int r;

	if (a->d == NULL || a->d->dead)
		return -ENOTCONN;
	if (pr != NULL && pr->sent != NULL)
		pr->sent(pr->ctx, CS_CHAN_CONTROL, /* is_secure= */ true,
		    a->ac_ip, a->ac_port, len, hint);
	m = ap_plain_meta(a, CS_DIR_UP, pkt, len, eng_now(a->w->e));
	eng_tap_plain_msg(a->w, a, &m);
	a->hint = hint;
	r = eng_dtls_send_msg(a->d, pkt, len, ap_tap_record, a);
	a->hint = NULL;
	return r;
}

static int
ap_dtls_wire_send(void *ctx, const uint8_t *dgram, size_t len)
{
	struct eng_dtls *d = ctx;
	struct eng_ap *a = d->ap;

	if (d->dead)
		return 0;
	if (!d->established && !a->hs_sent_ch1 &&
	    eng_hs_seq_from(dgram, len, CS_DTLS_HS_CLIENT_HELLO, 1))
		a->hs_sent_ch1 = true; /* the cookie went back */
	eng_path_up(a, 0, a->ac_ip, a->ac_port, dgram, len, a->hint);
	return 0;
}

static void
ap_dtls_recv(void *ctx, const uint8_t *plain, size_t len)
{
	struct eng_dtls *d = ctx;
	struct eng_ap *a = d->ap;
	const struct cs_engine_probe *pr = eng_probe(a);
	uint64_t now = eng_now(d->w->e);
	struct cs_pkt_meta m;
	const uint8_t *msg;
	size_t mlen;

	if (d->dead)
		return;
	m = ap_plain_meta(a, CS_DIR_DOWN, plain, len, now);
	eng_tap_plain_rec(d->w, a, &m);
	/* RFC 5415 §3.4: fragments are joined before the state machine */
	if (eng_dtls_reasm(d, plain, len, now, &msg, &mlen) != 1)
		return;
	m = ap_plain_meta(a, CS_DIR_DOWN, msg, mlen, now);
	eng_tap_plain_msg(d->w, a, &m);
	if (pr != NULL && pr->received != NULL)
		pr->received(pr->ctx, CS_CHAN_CONTROL, /* is_secure= */ true,
		    a->ac_ip, a->ac_port, msg, mlen);
	cs_ap_input_secure(a->ap, msg, mlen, now);
}

static const struct cs_dtls_io ap_dtls_io = {
	.send = ap_dtls_wire_send,
	.recv = ap_dtls_recv,
};

/* A handshake that began with `load` in flight took latency_ms. */
static void
eng_load_record(struct eng_w *w, uint32_t load, uint32_t latency_ms)
{
	unsigned g = 0;

	while (load > 1 && g + 1 < ENG_LOAD_GROUPS) {
		load >>= 1;
		g++;
	}
	cs_hist_record(&w->hs_by_load[g], (uint64_t)latency_ms * 1000);
}

/* The handshake of `a` ended (or never began): free its slot. */
static void
eng_hs_release(struct eng_ap *a)
{
	struct eng_w *w = a->w;

	a->hs_queued = false;
	if (!a->hs_active)
		return;
	a->hs_active = false;
	w->hs_active--;
	eng_hs_next(w);
}

static void
ap_dtls_stop(void *ctx, bool graceful)
{
	struct eng_ap *a = ctx;

	a->hs_queued = false;           /* its queue entry is skipped */
	eng_ddtls_ap_stop(a, graceful); /* the data session goes with it */
	if (a->d == NULL)
		return;
	eng_hs_release(a);
	if (graceful && a->d->established && !a->d->dead)
		cs_dtls_shutdown(a->d->s);
	eng_bury_dtls(a->w, a->d);
	a->d = NULL;
	cs_timerq_cancel(&a->w->tq, &a->t_dtls);
}

/* The AP state machine ends its session (DTLSShutdown, RFC 5415 §2.3.1):
 * the WLC is told with close_notify whatever the cause, so it leaves Run
 * at once; only a simulated power cycle (eng_ap_reboot) is silent. */
static void
ap_io_dtls_stop(void *ctx, bool graceful)
{
	(void)graceful;
	ap_dtls_stop(ctx, true);
}

/* Sends the ClientHello of `a`, taking a handshake slot. */
static int
eng_hs_begin(struct eng_ap *a)
{
	struct eng_w *w = a->w;
	struct cs_engine *e = w->e;
	const struct cs_engine_ap_group *g = eng_ap_group(e, a->idx);
	struct cs_dtls_ctx *dctx = e->cfg.ap_dtls;
	enum cs_pki_broken kind = e->cfg.ap_cert_kind;
	struct cs_cred *cred = NULL;
	int r;

	a->hs_queued = false;
	if (g != NULL) {
		dctx = g->ap_dtls;
		kind = g->ap_cert_kind;
	}
	/* the session and the certificate are made only now, when the
	 * handshake may run: a queued AP holds neither */
	if ((a->d = eng_dtls_new(
	         w, dctx, &ap_dtls_io, eng_ap_skew(e, a->idx))) == NULL)
		return -ENOMEM;
	a->d->ap = a;
	if (e->cfg.ap_cred != NULL) {
		r = cs_dtls_set_cred(a->d->s, e->cfg.ap_cred);
	} else if (e->cfg.ap_pki != NULL) {
		/* issued on demand so idle APs hold no certificate.  Signing
		 * with the shared CA key runs in parallel; the broken kinds
		 * make their extra key or CA on first use, under the lock */
		bool lock = kind != CS_PKI_GOOD;

		if (lock)
			pthread_mutex_lock(&e->pki_mu);
		r = cs_pki_issue_ap(e->cfg.ap_pki, a->mac, kind, &cred);
		if (lock)
			pthread_mutex_unlock(&e->pki_mu);
		if (r == 0)
			r = cs_dtls_set_cred(a->d->s, cred);
		cs_cred_free(cred);
	} else {
		r = 0; /* the ctx carries the credential */
	}
	/* RFC 5415 §2.4.4.2: the WTP's PSK identity is its MAC */
	if (r == 0 && cs_dtls_ctx_has_psk(dctx))
		r = cs_dtls_set_psk_identity_mac(a->d->s, a->mac);
	a->hs_active = true;
	a->hs_retx = false;
	a->hs_sent_ch1 = false;
	a->hs_t0_ms = (uint32_t)eng_now(e);
	w->hs_active++;
	if (r == 0)
		eng_probe_dtls(a, CS_ENGINE_DTLS_BEGIN);
	a->hs_load = w->hs_active * e->n_w; /* the workers share alike */
	if (r < 0 || (r = cs_dtls_start(a->d->s)) < 0) {
		ap_dtls_stop(a, false);
		return r;
	}
	eng_dtls_timer(w, a->d, &a->t_dtls);
	return 0;
}

/* Starts waiting handshakes while slots are free.  Not while the worker
 * stops: stopping the APs frees their slots one by one, and each freed
 * slot would begin a queued AP's handshake (a certificate signed, a
 * ClientHello sent) only to stop it at once; the run's last seconds
 * would then be spent on handshakes no one waits for, and their late
 * answers read as a slow return path. */
static void
eng_hs_next(struct eng_w *w)
{
	while (!w->stopping && w->hs_len > 0 &&
	    (eng_hs_limit(w) == 0 || w->hs_active < eng_hs_limit(w))) {
		struct eng_ap *a = &w->e->aps[w->hs_wait[w->hs_head]];
		uint64_t now = eng_now(w->e);

		w->hs_head = (w->hs_head + 1) % w->hs_cap;
		w->hs_len--;
		if (!a->hs_queued)
			continue; /* stopped while waiting */
		cs_hist_record(&w->hs_wait_us,
		    (now - a->hs_t0_ms) * 1000); /* capsim's own queue */
		if (eng_hs_begin(a) < 0) {
			struct cs_dtls_outcome o = { .reason =
				                         "cannot start DTLS" };

			cs_ap_dtls_done(a->ap, &o, eng_now(w->e));
			continue;
		}
		/* the AP's WaitDTLS starts with its first ClientHello */
		cs_ap_dtls_sent(a->ap, eng_now(w->e));
	}
}

static int
ap_dtls_start(void *ctx, uint32_t ac_ip, uint16_t ac_port)
{
	struct eng_ap *a = ctx;
	struct eng_w *w = a->w;

	ap_dtls_stop(a, false);
	a->ac_ip = ac_ip;
	a->ac_port = ac_port;
	if (eng_hs_limit(w) != 0 && w->hs_active >= eng_hs_limit(w) &&
	    w->hs_len < w->hs_cap) {
		/* a join storm: wait for a slot rather than flood the
		 * controller (and the socket buffers) with handshakes that
		 * then time out and retransmit */
		w->hs_wait[(w->hs_head + w->hs_len++) % w->hs_cap] = a->idx;
		a->hs_queued = true;
		a->hs_t0_ms = (uint32_t)eng_now(w->e);
		return CS_AP_DTLS_QUEUED;
	}
	return eng_hs_begin(a);
}

static void
ap_timer_arm(void *ctx, enum cs_ap_timer t, uint64_t delay_ms)
{
	struct eng_ap *a = ctx;

	eng_arm(a->w, &a->t[t], delay_ms);
}

static void
ap_timer_cancel(void *ctx, enum cs_ap_timer t)
{
	struct eng_ap *a = ctx;

	cs_timerq_cancel(&a->w->tq, &a->t[t]);
}

static void
ap_event(void *ctx, const struct cs_ap_event *ev)
{
	struct eng_ap *a = ctx;
	struct eng_w *w = a->w;
	struct cs_engine *e = w->e;

	if (ev->kind == CS_AP_EV_STATE) {
		if (ev->from < CS_AP__COUNT && w->states[ev->from] > 0)
			w->states[ev->from]--;
		if (ev->to < CS_AP__COUNT)
			w->states[ev->to]++;
	}
	cs_metrics_ap_event(&w->metrics, &a->track, ev);
	cs_facts_ap_event(&e->facts[a->idx], ev);
	if (e->cfg.on_ap_event != NULL)
		e->cfg.on_ap_event(e->cfg.obs_ctx, a->gidx, a->mac, ev);
}

/* xorshift64* of the AP's own, so that its jitter depends on (seed,
 * global index) only: not on its worker, its shard or the other APs */
static uint32_t
ap_rand(void *ctx, uint32_t bound)
{
	struct eng_ap *a = ctx;
	uint64_t x = a->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	a->rng = x;
	if (bound <= 1)
		return 0;
	return (uint32_t)(((x * 0x2545F4914F6CDD1DULL) >> 32) % bound);
}

static const struct cs_ap_io eng_ap_io = {
	.send_clear = ap_send_clear,
	.send_secure = ap_send_secure,
	.dtls_start = ap_dtls_start,
	.dtls_stop = ap_io_dtls_stop,
	.timer_arm = ap_timer_arm,
	.timer_cancel = ap_timer_cancel,
	.event = ap_event,
	.rand = ap_rand,
	.wlan_config = eng_ap_cl_wlan,
};

static void
ap_dtls_result(struct eng_ap *a, int r, uint64_t now)
{
	struct eng_w *w = a->w;
	struct eng_dtls *d = a->d;
	struct cs_dtls_outcome o = { 0 };

	/* the AP may have stopped the session from inside its own
	 * callback (a failed Join tears DTLS down): nothing left to do */
	if (d == NULL || d->dead)
		return;
	if (r == CS_DTLS_ESTABLISHED && !d->established) {
		d->established = true;
		eng_probe_dtls(a, CS_ENGINE_DTLS_ESTABLISHED);
		cs_timerq_cancel(&w->tq, &a->t_dtls);
		if (w->max_inflight != 0 && a->hs_active)
			cs_admit_done(&w->admit, (uint32_t)(now - a->hs_t0_ms),
			    a->hs_retx, now);
		if (a->hs_active)
			eng_load_record(
			    w, a->hs_load, (uint32_t)(now - a->hs_t0_ms));
		eng_hs_release(a);
		o.ok = true;
		cs_ap_dtls_done(a->ap, &o, now);
		return;
	}
	if (r == CS_DTLS_CLOSED) {
		o.reason = "WLC closed the DTLS session (close_notify)";
		o.reason_code = CS_DTLS_FAIL_PEER_ALERT;
		eng_probe_dtls(a, CS_ENGINE_DTLS_CLOSED);
		ap_dtls_stop(a, false);
		cs_ap_dtls_done(a->ap, &o, now);
		return;
	}
	if (r == -EPROTO || r == -ETIMEDOUT) {
		const struct cs_dtls_failure *f = cs_dtls_failure(d->s);
		char reason[sizeof(f->reason)];

		if (r == -ETIMEDOUT && w->max_inflight != 0 && a->hs_active)
			cs_admit_loss(&w->admit, now);
		eng_probe_dtls(a, CS_ENGINE_DTLS_FAILED);
		snprintf(reason, sizeof(reason), "%s",
		    f->reason[0] ? f->reason : "DTLS handshake failed");
		o.reason = reason;
		o.reason_code = (int)f->code;
		cs_facts_dtls_fail(eng_facts(a), (int)f->code, f->local,
		    f->alert, reason, now);
		ap_dtls_stop(a, false);
		cs_ap_dtls_done(a->ap, &o, now);
		return;
	}
	eng_dtls_timer(w, a->d, &a->t_dtls);
}

/* A datagram reaches the AP (after NAT and impairment). */
void
eng_ap_deliver(struct eng_ap *a, enum cs_chan ch, uint32_t src_ip,
    uint16_t src_port, const uint8_t *pkt, size_t len)
{
	struct cs_engine *e = a->w->e;
	const struct cs_engine_probe *pr = eng_probe(a);
	uint64_t now = eng_now(e);

	if (a->ap == NULL || len == 0)
		return;
	eng_tap_ap(a->w, a,
	    &(struct cs_pkt_meta){ .dir = CS_DIR_DOWN,
	        .chan = ch,
	        .src_ip = src_ip,
	        .src_port = src_port,
	        .dst_ip = a->ip,
	        .dst_port = a->w->ap_port[ch],
	        .pkt = pkt,
	        .len = len,
	        .now_ms = now });
	if (ch == CS_CHAN_CONTROL &&
	    eng_preamble_is(pkt, len, CS_PREAMBLE_DTLS)) {
		/* DTLS from the AC we talk to; anything else is stray */
		if (a->d == NULL || a->d->dead || src_ip != a->ac_ip ||
		    src_port != a->ac_port)
			return;
		/* RFC 6347 §4.2.2: until our ClientHello with the cookie
		 * (message_seq 1) left, the server can only answer with
		 * message_seq 0 (HelloVerifyRequest, or a ServerHello without
		 * a cookie exchange).  A later message is an earlier
		 * handshake's flight on the same addresses and ports; fed to
		 * OpenSSL it is kept for later and spoils the new handshake
		 * ("bad signature", "digest check failed"). */
		if (!a->d->established && !a->hs_sent_ch1 &&
		    eng_hs_seq_from(pkt, len, -1, 1)) {
			a->w->stale_flights++;
			return;
		}
		ap_dtls_result(a, cs_dtls_input(a->d->s, pkt, len), now);
		return;
	}
	if (ch == CS_CHAN_DATA && eng_preamble_is(pkt, len, CS_PREAMBLE_DTLS)) {
		eng_ddtls_ap_input(a, src_ip, src_port, pkt, len, now);
		return;
	}
	/* a data channel secured by DTLS takes nothing in clear text: a
	 * spoofed clear keep-alive must not keep it alive */
	if (ch == CS_CHAN_DATA && cs_ap_data_dtls(a->ap))
		return;
	if (pr != NULL && pr->received != NULL)
		pr->received(pr->ctx, ch, /* is_secure= */ false, src_ip,
		    src_port, pkt, len);
	/* 802.11 in CAPWAP data: the AP's clients (ap_clients.c) */
	if (ch == CS_CHAN_DATA && eng_ap_cl_input(a, src_ip, pkt, len, now))
		return;
	cs_ap_input_clear(a->ap, ch, src_ip, src_port, pkt, len, now);
}

/* A datagram for AP address dst_ip arrived on the wire (from an AP
 * socket, or from a NAT port after translation back). */
void
eng_ap_input_from(struct eng_w *w, enum cs_chan ch, uint32_t dst_ip,
    uint32_t src_ip, uint16_t src_port, const uint8_t *pkt, size_t len)
{
	struct eng_ap *a = eng_ap_by_ip(w, dst_ip);
	struct cs_pkt_meta m;

	if (a == NULL || a->ap == NULL || len == 0)
		return;
	if (w->nat != NULL)
		src_ip = cs_nat_return_src(w->nat, src_ip);
	memset(&m, 0, sizeof(m));
	m.dir = CS_DIR_DOWN;
	m.chan = ch;
	m.src_ip = src_ip;
	m.src_port = src_port;
	m.dst_ip = a->ip;
	m.dst_port = w->ap_port[ch];
	m.pkt = pkt;
	m.len = len;
	m.now_ms = eng_now(w->e);
	eng_impair(w, a, &m);
}

void
eng_ap_input(struct eng_w *w, enum cs_chan ch, const struct cs_udp_pkt *pk)
{
	struct cs_engine *e = w->e;

	if (pk->is_truncated || pk->len == 0)
		return;
	eng_tap_wire(w, NULL,
	    &(struct cs_pkt_meta){ .dir = CS_DIR_DOWN,
	        .chan = ch,
	        .src_ip = pk->src_ip,
	        .src_port = pk->src_port,
	        .dst_ip = pk->dst_ip,
	        .dst_port = w->ap_port[ch],
	        .pkt = pk->buf,
	        .len = pk->len,
	        .now_ms = eng_now(e) });
	eng_ap_input_from(
	    w, ch, pk->dst_ip, pk->src_ip, pk->src_port, pk->buf, pk->len);
}

void
eng_slot_ap(struct eng_w *w, struct cs_tslot *s, uint64_t now)
{
	struct eng_ap *a = s->owner;

	(void)w;
	cs_ap_timer_fired(a->ap, (enum cs_ap_timer)(s - a->t), now);
}

void
eng_slot_ap_dtls(struct eng_w *w, struct cs_tslot *s, uint64_t now)
{
	struct eng_ap *a = s->owner;

	if (a->d != NULL && !a->d->dead) {
		/* the handshake's flight must be repeated: no answer in
		 * time.  A loss, counted but no cut: the network may have
		 * dropped it (capsim/admit.h) */
		bool in_hs = !a->d->established;
		int r;

		if (in_hs && a->hs_active) {
			a->hs_retx = true;
			if (w->max_inflight != 0)
				cs_admit_loss(&w->admit, now);
		}
		r = cs_dtls_on_timer(a->d->s);
		if (in_hs && r >= 0)
			eng_probe_dtls(a, CS_ENGINE_DTLS_RETRANSMIT);
		ap_dtls_result(a, r, now);
	}
}

/* APs the arrival curve allows by now: rate r/s after a linear ramp of
 * `ramp` seconds from 0 (area under the curve), plus the first one. */
static double
eng_pace_due(double rate, double ramp, double t)
{
	if (ramp > 0 && t < ramp)
		return rate * t * t / (2.0 * ramp) + 1.0;
	if (ramp > 0)
		return rate * (t - ramp / 2.0) + 1.0;
	return rate * t + 1.0;
}

/* Starts this worker's APs as the arrival rate and the in-flight cap
 * allow. */
void
eng_pace(struct eng_w *w, uint64_t now)
{
	struct cs_engine *e = w->e;
	unsigned want = w->n_aps;

	if (w->stopping)
		return;
	if (w->rate > 0 && e->cfg.ap_index_base == 0) {
		double due = eng_pace_due(
		    w->rate, e->cfg.rate_ramp_s, (double)now / 1000.0);

		if (due < (double)want)
			want = (unsigned)due;
	} else if (w->rate > 0) {
		/* a shard: its APs start when the whole run's arrival curve
		 * reaches their global indexes (local AP j is on worker
		 * j mod n_w) */
		double due = eng_pace_due(e->cfg.rate, e->cfg.rate_ramp_s,
		                 (double)now / 1000.0) -
		    (double)e->cfg.ap_index_base;
		unsigned local = due <= 0         ? 0
		    : due >= (double)e->cfg.n_aps ? e->cfg.n_aps
		                                  : (unsigned)due;
		unsigned mine =
		    local > w->id ? (local - w->id + e->n_w - 1) / e->n_w : 0;

		if (mine < want)
			want = mine;
	}
	for (unsigned n = 0; w->started < want; n++) {
		struct eng_ap *a = &e->aps[w->id + w->started * e->n_w];

		if (n == ENG_START_BUDGET) {
			/* bounded work per turn: the rest next turn */
			w->budget_hits++;
			eng_arm(w, &w->t_pace, 0);
			return;
		}
		w->started++;
		cs_metrics_ap_start(&a->track, now);
		if (cs_ap_start(a->ap, now) < 0)
			cs_logf(e->cfg.log, CS_LOG_ERR,
			    "engine: AP %u failed to start", a->gidx + 1);
	}
	if (w->started < w->n_aps) {
		uint64_t step = 10;

		if (w->rate > 0 && w->rate < 100 && e->cfg.rate_ramp_s <= 0)
			step = (uint64_t)(1000.0 / w->rate);
		eng_arm(w, &w->t_pace, step);
	}
}

void
eng_slot_pace(struct eng_w *w, struct cs_tslot *s, uint64_t now)
{
	(void)s;
	eng_pace(w, now);
}

const struct cs_engine_ap_group *
eng_ap_group(const struct cs_engine *e, unsigned local)
{
	unsigned idx = e->cfg.ap_index_base + local; /* groups are global */

	for (size_t i = 0; i < e->cfg.n_ap_groups; i++) {
		const struct cs_engine_ap_group *g = &e->cfg.ap_groups[i];

		if (idx >= g->first && idx - g->first < g->count)
			return g;
	}
	return NULL;
}

int64_t
eng_ap_skew(const struct cs_engine *e, unsigned idx)
{
	const struct cs_engine_ap_group *g = eng_ap_group(e, idx);

	return g != NULL ? g->ap_clock_skew_s : e->cfg.ap_clock_skew_s;
}

/* Creates the state machine of AP a (identity from its index). */
static int
eng_ap_make(struct cs_engine *e, struct eng_ap *a)
{
	const struct cs_engine_cfg *c = &e->cfg;
	const struct cs_engine_ap_group *g = eng_ap_group(e, a->idx);
	struct cs_ap_cfg apc = g != NULL ? g->ap : c->ap;
	struct cs_ap_io io = eng_ap_io;
	char name[64];
	int r;

	if (c->ap_name != NULL)
		snprintf(name, sizeof(name), "%s", c->ap_name);
	else
		cs_ap_id_name(c->ap_name_prefix, a->gidx, name, sizeof(name));
	memcpy(apc.mac, a->mac, 6);
	apc.ip = a->ip;
	apc.name = name;
	apc.serial = name;
	io.ctx = a;
	if ((r = cs_ap_new(&a->ap, &apc, &io)) < 0)
		return cs_log_err(c->log, r,
		    "engine: invalid AP configuration (AP %u)", a->gidx + 1);
	return 0;
}

static int
eng_new_ap(struct cs_engine *e, unsigned i)
{
	const struct cs_engine_cfg *c = &e->cfg;
	struct eng_ap *a = &e->aps[i];
	int r;

	a->w = e->w[i % e->n_w];
	a->idx = i;
	a->gidx = c->ap_index_base + i;
	a->rng = cs_mix64(c->seed ^ 0x61702d726e67ull) ^
	    cs_mix64((uint64_t)a->gidx + 1);
	if (a->rng == 0)
		a->rng = 1;
	a->ip = c->ap_base_ip + i;
	(void)cs_ap_id_mac(c->ap_base_mac, i, a->mac); /* fits: eng_new_aps */
	for (int t = 0; t < CS_AP_T__COUNT; t++)
		cs_tslot_init(&a->t[t], a, ENG_SLOT_AP);
	cs_tslot_init(&a->t_dtls, a, ENG_SLOT_AP_DTLS);
	cs_tslot_init(&a->t_ddtls, a, ENG_SLOT_AP_DDTLS);
	cs_ap_track_init(&a->track);
	if ((r = eng_ap_make(e, a)) < 0)
		return r;
	if ((r = eng_ap_cl_new(a)) < 0)
		return cs_log_err(c->log, r,
		    "engine: invalid client configuration (AP %u)",
		    a->gidx + 1);
	a->w->states[CS_AP_IDLE]++;
	return 0;
}

int
eng_new_aps(struct cs_engine *e)
{
	const struct cs_engine_cfg *c = &e->cfg;
	uint8_t last_mac[6];
	int r;

	if (c->n_aps == 0)
		return 0;
	if (c->ap_dtls == NULL)
		return cs_log_err(
		    c->log, -EINVAL, "engine: APs need a DTLS client context");
	if ((c->probe != NULL || c->ap_name != NULL) && c->n_aps != 1)
		return cs_log_err(c->log, -EINVAL,
		    "engine: a probe hook or a fixed AP name needs one AP");
	if ((uint64_t)c->ap_index_base + c->n_aps > UINT_MAX ||
	    (c->ap_index_total != 0 &&
	        c->ap_index_base + c->n_aps > c->ap_index_total))
		return cs_log_err(c->log, -EINVAL,
		    "engine: APs %u..%u lie outside the run's %u",
		    c->ap_index_base + 1, c->ap_index_base + c->n_aps,
		    c->ap_index_total);
	for (size_t i = 0; i < c->n_ap_groups; i++) {
		const struct cs_engine_ap_group *g = &c->ap_groups[i];
		unsigned total = c->ap_index_total != 0
		    ? c->ap_index_total
		    : c->ap_index_base + c->n_aps;

		if (g->ap_dtls == NULL || g->count == 0 || g->first > total ||
		    g->count > total - g->first ||
		    (i > 0 &&
		        g->first < c->ap_groups[i - 1].first +
		                c->ap_groups[i - 1].count))
			return cs_log_err(c->log, -EINVAL,
			    "engine: AP group %zu is empty, overlaps another, "
			    "runs past the %u APs or has no DTLS context",
			    i + 1, total);
	}
	if ((uint64_t)c->ap_base_ip + c->n_aps > UINT32_MAX)
		return cs_log_err(c->log, -EINVAL,
		    "engine: %u APs from the base address run past "
		    "255.255.255.255",
		    c->n_aps);
	if (cs_ap_id_mac(c->ap_base_mac, c->n_aps - 1, last_mac) < 0)
		return cs_log_err(c->log, -EINVAL,
		    "engine: %u APs from the base MAC run past "
		    "ff:ff:ff:ff:ff:ff",
		    c->n_aps);
	if ((r = eng_check_local(e, c->ap_base_ip)) < 0 ||
	    (r = eng_check_local(e, c->ap_base_ip + c->n_aps - 1)) < 0)
		return r;
	if ((e->aps = calloc(c->n_aps, sizeof(*e->aps))) == NULL ||
	    (e->facts = calloc(c->n_aps, sizeof(*e->facts))) == NULL)
		return -ENOMEM;
	for (unsigned i = 0; i < c->n_aps; i++) {
		int64_t skew = eng_ap_skew(e, i);

		cs_facts_init(&e->facts[i]);
		eng_wlc_seen_reset(&e->aps[i]);
		if (skew != 0)
			cs_facts_clock_skew(&e->facts[i], skew);
	}
	for (unsigned k = 0; k < e->n_w; k++) {
		struct eng_w *w = e->w[k];

		w->n_aps = c->n_aps / e->n_w + (k < c->n_aps % e->n_w);
		w->rate = c->rate / e->n_w;
		w->max_inflight = c->max_inflight == 0
		    ? 0
		    : (c->max_inflight + e->n_w - 1) / e->n_w;
		if (w->max_inflight != 0)
			(void)cs_admit_init(&w->admit, w->max_inflight);
		w->hs_cap = 2 * (size_t)w->n_aps + 1;
		if ((w->hs_wait = calloc(w->hs_cap, sizeof(*w->hs_wait))) ==
		    NULL)
			return -ENOMEM;
		for (enum cs_chan ch = CS_CHAN_CONTROL; ch <= CS_CHAN_DATA;
		     ch++) {
			struct eng_sock *s = &w->ap_sock[ch];

			if ((r = eng_sock_open(w, s, 0, 0, false,
			         ch == CS_CHAN_DATA ? eng_on_ap_data
			                            : eng_on_ap_ctl,
			         w)) < 0)
				return cs_log_err(c->log, r,
				    "engine: cannot open an AP socket: %s",
				    strerror(-r));
			/* broadcast discovery (RFC 5415 §3.3) sends to
			 * 255.255.255.255 from the control socket */
			if (ch == CS_CHAN_CONTROL && s->fd >= 0)
				(void)cs_udp_set_broadcast(s->fd);
			w->ap_port[ch] = eng_sock_port(s);
			if (s->fd >= 0)
				eng_size_bufs(w, s->fd, w->n_aps);
			w->txq[ch == CS_CHAN_CONTROL ? Q_AP_CTL : Q_AP_DATA].t =
			    s->t;
		}
	}
	for (unsigned i = 0; i < c->n_aps; i++)
		if ((r = eng_new_ap(e, i)) < 0)
			return r;
	return 0;
}

void
eng_w_stop_aps(struct eng_w *w)
{
	struct cs_engine *e = w->e;

	w->stopping = true;
	cs_timerq_cancel(&w->tq, &w->t_pace);
	/* the APs still waiting for a slot keep waiting (eng_hs_next):
	 * their wait so far is capsim's own, though no slot ended it */
	for (size_t k = 0; k < w->hs_len; k++) {
		const struct eng_ap *q =
		    &e->aps[w->hs_wait[(w->hs_head + k) % w->hs_cap]];
		uint64_t now = eng_now(e);

		if (q->hs_queued && now - q->hs_t0_ms > w->hs_wait_open_ms)
			w->hs_wait_open_ms = now - q->hs_t0_ms;
	}
	for (unsigned i = w->id; i < e->cfg.n_aps; i += e->n_w) {
		struct eng_ap *a = &e->aps[i];

		if (a->d != NULL)
			ap_dtls_stop(a, true);
		for (int t = 0; t < CS_AP_T__COUNT; t++)
			cs_timerq_cancel(&w->tq, &a->t[t]);
		eng_ap_cl_stop(a);
	}
	eng_after(w);
}

/* Power-cycles AP a: no close_notify, a fresh state machine, a new
 * start (a reboot storm is many of these at once). */
int
eng_ap_reboot(struct eng_ap *a, uint64_t now)
{
	struct cs_engine *e = a->w->e;
	struct cs_ap_event ev = { 0 };
	bool started = cs_ap_state(a->ap) != CS_AP_IDLE || a->track.started;
	int r;

	ev.t_ms = now;
	ev.kind = CS_AP_EV_STATE;
	ev.from = cs_ap_state(a->ap);
	ev.to = CS_AP_IDLE;
	ev.phase = cs_ap_phase(a->ap);
	ev.reason = "power-cycled (scenario timeline)";
	if (a->d != NULL)
		ap_dtls_stop(a, false);
	for (int t = 0; t < CS_AP_T__COUNT; t++)
		cs_timerq_cancel(&a->w->tq, &a->t[t]);
	cs_timerq_cancel(&a->w->tq, &a->t_dtls);
	eng_ddtls_ap_stop(a, false);
	cs_ap_free(a->ap);
	a->ap = NULL;
	ap_event(a, &ev);
	/* a power cycle starts a new life: the diagnosis explains the
	 * current one (the metrics keep that Run was left) */
	cs_facts_init(&e->facts[a->idx]);
	eng_wlc_seen_reset(a);
	if (eng_ap_skew(e, a->idx) != 0)
		cs_facts_clock_skew(&e->facts[a->idx], eng_ap_skew(e, a->idx));
	if ((r = eng_ap_make(e, a)) < 0)
		return r;
	if (started && !a->w->stopping) {
		cs_metrics_ap_start(&a->track, now);
		return cs_ap_start(a->ap, now);
	}
	return 0;
}
