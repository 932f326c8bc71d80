/* SPDX-License-Identifier: MIT */
/*
 * WLC side of a worker: the embedded controller's shard sockets, the
 * peer table (one entry per AP address and port), DTLS admission of
 * peers and the glue between cs_wlc and its sessions.
 */
#include "engine-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "capsim/dtls.h"
#include "capsim/dtls_peek.h"
#include "capsim/values.h"
#include "capsim/wlc_admit.h"

static size_t
peer_hash(const struct eng_w *w, uint32_t ip, uint16_t port)
{
	uint64_t k = ((uint64_t)ip << 16 | port) * 0x9E3779B97F4A7C15ULL;

	return (size_t)(k >> 32) & (w->peer_buckets - 1);
}

static struct eng_peer *
peer_find(struct eng_w *w, uint32_t ip, uint16_t port)
{
	struct eng_peer *p = w->peers[peer_hash(w, ip, port)];

	while (p != NULL && (p->ip != ip || p->port != port))
		p = p->next;
	return p;
}

static int
peer_grow(struct eng_w *w)
{
	size_t nb = w->peer_buckets * 2;
	struct eng_peer **nt = calloc(nb, sizeof(*nt));
	size_t ob = w->peer_buckets;
	struct eng_peer **ot = w->peers;

	if (nt == NULL)
		return -ENOMEM;
	w->peers = nt;
	w->peer_buckets = nb;
	for (size_t i = 0; i < ob; i++) {
		struct eng_peer *p = ot[i], *next;

		for (; p != NULL; p = next) {
			size_t h = peer_hash(w, p->ip, p->port);

			next = p->next;
			p->next = nt[h];
			nt[h] = p;
		}
	}
	free(ot);
	return 0;
}

static size_t
src_bucket(uint32_t ip)
{
	return (size_t)(((uint64_t)ip * 0x9E3779B97F4A7C15ULL) >> 32) &
	    (ENG_SRC_BUCKETS - 1);
}

/* Counts p in (or out of) the half-open handshakes, in total and for its
 * source address. */
static void
peer_half_open(struct eng_w *w, struct eng_peer *p, bool on)
{
	if (p->is_half_open == on)
		return;
	p->is_half_open = on;
	if (on) {
		w->n_half_open++;
		if (w->half_open_src != NULL)
			w->half_open_src[src_bucket(p->ip)]++;
		return;
	}
	w->n_half_open--;
	if (w->half_open_src != NULL && w->half_open_src[src_bucket(p->ip)])
		w->half_open_src[src_bucket(p->ip)]--;
}

/* Whether a new handshake from ip is over a cap: in total or for the
 * address.  Counted, and logged at the 1st, 2nd, 4th, ... time. */
static bool
half_open_capped(struct eng_w *w, uint32_t ip)
{
	const char *what = NULL;
	unsigned cap = 0;
	char a[16];

	if (w->half_open_src == NULL &&
	    (w->half_open_src = calloc(
	         ENG_SRC_BUCKETS, sizeof(*w->half_open_src))) == NULL) {
		what = "no memory to count them";
	} else if (w->n_half_open >= ENG_MAX_HALF_OPEN) {
		what = "the shard's cap";
		cap = ENG_MAX_HALF_OPEN;
	} else if (w->half_open_src[src_bucket(ip)] >= ENG_MAX_HALF_OPEN_SRC) {
		what = "the per-address cap";
		cap = ENG_MAX_HALF_OPEN_SRC;
	}
	if (what == NULL)
		return false;
	w->wlc_hello_bad++;
	w->half_open_capped++;
	if ((w->half_open_capped & (w->half_open_capped - 1)) == 0)
		cs_logf(w->e->cfg.log, CS_LOG_WARN,
		    "wlc: proven ClientHello from %s dropped: half-open "
		    "handshakes at %s (%u; %llu dropped so far)",
		    cs_ipv4_str(ip, a), what, cap,
		    (unsigned long long)w->half_open_capped);
	return true;
}

static void
peer_link(struct eng_w *w, struct eng_peer *p)
{
	size_t h;

	if (w->n_peers >= w->peer_buckets)
		(void)peer_grow(w); /* else longer chains */
	h = peer_hash(w, p->ip, p->port);
	p->next = w->peers[h];
	w->peers[h] = p;
	w->n_peers++;
}

/* The owner of shadow `p` is gone: `p` takes its place in the table. */
static void
peer_promote(struct eng_w *w, struct eng_peer *p)
{
	p->owner = NULL;
	peer_link(w, p);
}

/* Unlinks a peer, stops its timers and DTLS, and queues it for freeing. */
void
eng_peer_forget(struct eng_w *w, struct eng_peer *p)
{
	struct eng_peer **pp;

	if (p->dead)
		return;
	p->dead = true;
	peer_half_open(w, p, false);
	if (p->owner != NULL) {
		/* a shadow handshake that failed: its owner goes on */
		p->owner->shadow = NULL;
		p->owner = NULL;
	} else {
		for (pp = &w->peers[peer_hash(w, p->ip, p->port)]; *pp != NULL;
		     pp = &(*pp)->next)
			if (*pp == p) {
				*pp = p->next;
				break;
			}
		w->n_peers--;
		if (p->shadow != NULL)
			peer_promote(w, p->shadow);
		p->shadow = NULL;
	}
	for (int t = 0; t < CS_WLC_T__COUNT; t++)
		cs_timerq_cancel(&w->tq, &p->t[t]);
	cs_timerq_cancel(&w->tq, &p->t_dtls);
	cs_wlc_admit_stop(&p->adm);
	eng_bury_dtls(w, p->d);
	p->d = NULL;
	if (w->n_grave_p == w->cap_grave_p) {
		size_t cap = w->cap_grave_p ? w->cap_grave_p * 2 : 64;
		struct eng_peer **g = realloc(w->grave_p, cap * sizeof(*g));

		if (g == NULL)
			return; /* leak one small struct rather than crash */
		w->grave_p = g;
		w->cap_grave_p = cap;
	}
	w->grave_p[w->n_grave_p++] = p;
}

static int
peer_dtls_wire_send(void *ctx, const uint8_t *dgram, size_t len)
{
	struct eng_dtls *d = ctx;

	const struct cs_wlc_misbehave *mb;

	if (d->dead)
		return 0;
	/* a mute (hung) controller sends nothing, DTLS retransmissions
	 * included; a slow one holds its handshake flights */
	if (cs_wlc_mute_swallow(d->w->wlc))
		return 0;
	mb = cs_wlc_get_misbehave(d->w->wlc);
	if (!d->established && mb != NULL && mb->handshake_delay_ms > 0) {
		eng_wlc_send_later(d->w, d->peer->ip, d->peer->port, dgram, len,
		    mb->handshake_delay_ms);
		return 0;
	}
	return eng_send(
	    d->w, Q_WLC_CTL, 0, d->peer->ip, d->peer->port, dgram, len);
}

void
eng_wlc_send_later(struct eng_w *w, uint32_t dst_ip, uint16_t dst_port,
    const uint8_t *pkt, size_t len, uint64_t delay_ms)
{
	struct eng_wlc_held *h = malloc(sizeof(*h) + len);

	if (h == NULL)
		return; /* lost, as by a controller out of memory */
	cs_tslot_init(&h->t, h, ENG_SLOT_WLC_HELD);
	h->dst_ip = dst_ip;
	h->dst_port = dst_port;
	h->len = len;
	memcpy(h->data, pkt, len);
	if (cs_timerq_arm(&w->tq, &h->t, eng_now(w->e) + delay_ms) < 0)
		free(h);
}

void
eng_slot_wlc_held(struct eng_w *w, struct cs_tslot *s, uint64_t now)
{
	struct eng_wlc_held *h = s->owner;

	(void)now;
	(void)eng_send(
	    w, Q_WLC_CTL, 0, h->dst_ip, h->dst_port, h->data, h->len);
	free(h);
}

static void
peer_dtls_recv(void *ctx, const uint8_t *plain, size_t len)
{
	struct eng_dtls *d = ctx;
	uint64_t now = eng_now(d->w->e);
	const uint8_t *msg;
	size_t mlen;

	if (d->dead || d->peer->sess == NULL)
		return;
	/* RFC 5415 §3.4: fragments are joined before the state machine */
	if (eng_dtls_reasm(d, plain, len, now, &msg, &mlen) != 1)
		return;
	cs_wlc_sess_input(d->peer->sess, msg, mlen, now);
}

static const struct cs_dtls_io peer_dtls_io = {
	.send = peer_dtls_wire_send,
	.recv = peer_dtls_recv,
};

static void
peer_admit_arm(void *ctx, uint64_t delay_ms)
{
	struct eng_peer *p = ctx;

	eng_arm(p->w, &p->t_reap, delay_ms);
}

static void
peer_admit_cancel(void *ctx)
{
	struct eng_peer *p = ctx;

	cs_timerq_cancel(&p->w->tq, &p->t_reap);
}

static const struct cs_wlc_admit_io peer_admit_io = {
	.timer_arm = peer_admit_arm,
	.timer_cancel = peer_admit_cancel,
};

/* A peer for a proven ClientHello; in the table, or when `owner` is not
 * NULL its shadow (outside the table). */
static struct eng_peer *
peer_new(struct eng_w *w, uint32_t ip, uint16_t port, struct eng_peer *owner)
{
	struct eng_peer *p;
	uint8_t addr[6] = { ip >> 24, ip >> 16, ip >> 8, ip, port >> 8, port };

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->w = w;
	p->ip = ip;
	p->port = port;
	for (int t = 0; t < CS_WLC_T__COUNT; t++)
		cs_tslot_init(&p->t[t], p, ENG_SLOT_PEER);
	cs_tslot_init(&p->t_dtls, p, ENG_SLOT_PEER_DTLS);
	cs_tslot_init(&p->t_reap, p, ENG_SLOT_PEER_REAP);
	if ((p->d = eng_dtls_new(w, w->e->cfg.wlc_dtls, &peer_dtls_io, 0)) ==
	    NULL) {
		free(p);
		return NULL;
	}
	p->d->peer = p;
	cs_dtls_set_peer(p->d->s, addr, sizeof(addr));
	if (owner != NULL) {
		p->owner = owner;
		owner->shadow = p;
	} else {
		peer_link(w, p);
	}
	peer_half_open(w, p, true);
	cs_wlc_admit_init(&p->adm, &peer_admit_io, p);
	return p;
}

static void
peer_dtls_failed(struct eng_w *w, struct eng_peer *p, uint64_t now)
{
	const struct cs_dtls_failure *f = cs_dtls_failure(p->d->s);
	struct cs_dtls_outcome o = { 0 };

	o.reason = f->reason[0] ? f->reason : "DTLS handshake failed";
	o.reason_code = (int)f->code;
	/* a shadow's owner is the established session from the same address:
	 * the failed newcomer is rejected, the AP has not failed */
	if (p->owner != NULL)
		cs_wlc_shadow_failed(
		    w->wlc, p->owner->sess, p->ip, p->port, &o);
	else
		cs_wlc_sess_dtls_failed(w->wlc, p->ip, p->port, &o, now);
	eng_peer_forget(w, p);
}

/* Closes what a forgotten peer had open: its WLC session, if any; an
 * orderly close (close_notify) is a disconnect, not a failure in Run. */
static void
peer_close(struct eng_w *w, struct eng_peer *p, bool orderly)
{
	struct cs_wlc_sess *s = p->sess;

	p->sess = NULL;
	eng_peer_forget(w, p);
	if (s != NULL && orderly)
		cs_wlc_sess_closed_orderly(s);
	else if (s != NULL)
		cs_wlc_sess_closed(s);
}

static void
peer_open(struct eng_w *w, struct eng_peer *p, uint64_t now)
{
	struct cs_cert_info ci;
	const char *cn = NULL;
	char mac[18];

	if (p->owner != NULL) {
		/* the new handshake completed: now it replaces the old
		 * session (closing the owner promotes p into the table) */
		char a[16];

		cs_logf(w->e->cfg.log, CS_LOG_INFO,
		    "wlc: peer %s:%u completed a new DTLS handshake; it "
		    "replaces the established session",
		    cs_ipv4_str(p->ip, a), p->port);
		peer_close(w, p->owner, false);
	}
	p->d->established = true;
	peer_half_open(w, p, false);
	cs_timerq_cancel(&w->tq, &p->t_dtls);
	/* the AP's identity: the MAC in its verified certificate's CN or
	 * subjectAltName (RFC 5415 §12.6) */
	if (cs_dtls_peer_cert(p->d->s, &ci) == 0 && ci.has_mac) {
		cs_val_mac_str(ci.mac, mac);
		cn = mac;
	}
	if (cs_wlc_sess_open(w->wlc, &p->sess, p->ip, p->port, cn, now) < 0) {
		cs_logf(w->e->cfg.log, CS_LOG_ERR,
		    "wlc: cannot open a session (out of memory)");
		eng_peer_forget(w, p);
		return;
	}
	cs_wlc_sess_set_ctx(p->sess, p);
}

static void
peer_dtls_result(struct eng_w *w, struct eng_peer *p, int r, uint64_t now)
{
	enum cs_wlc_admit_dtls dr = CS_WLC_ADMIT_DTLS_PROGRESS;

	/* the WLC may have closed the session from inside the callback
	 * (Join refused: result code, then teardown) */
	if (p->dead || p->d == NULL || p->d->dead)
		return;
	if (r == CS_DTLS_ESTABLISHED)
		dr = CS_WLC_ADMIT_DTLS_ESTABLISHED;
	else if (r == CS_DTLS_CLOSED)
		dr = CS_WLC_ADMIT_DTLS_CLOSED;
	else if (r == -EPROTO || r == -ETIMEDOUT)
		dr = CS_WLC_ADMIT_DTLS_ERROR;
	switch (cs_wlc_admit_result(
	    &p->adm, dr, cs_dtls_peer_verified(p->d->s), p->sess != NULL)) {
	case CS_WLC_ADMIT_OPEN:
		peer_open(w, p, now);
		return;
	case CS_WLC_ADMIT_CLOSE:
		/* close_notify: the AP left in order (not a failure in Run) */
		peer_close(w, p, r == CS_DTLS_CLOSED);
		return;
	case CS_WLC_ADMIT_FAIL:
		peer_dtls_failed(w, p, now);
		return;
	case CS_WLC_ADMIT_CONTINUE:
	case CS_WLC_ADMIT_STEP__COUNT:
		break;
	}
	eng_dtls_timer(w, p->d, &p->t_dtls);
}

/*
 * A ClientHello through the stateless cookie check (RFC 6347 §4.2.1): a
 * HelloVerifyRequest is prepared in w->hvr when the hello lacks our
 * cookie (nothing else is kept); -EBADMSG for a datagram that only looks
 * like a ClientHello.
 */
static int
wlc_hello_check(struct eng_w *w, struct eng_peer *p,
    const struct cs_udp_pkt *pk, struct cs_wlc_admit_dgram *dg)
{
	uint8_t addr[6] = { pk->src_ip >> 24, pk->src_ip >> 16, pk->src_ip >> 8,
		pk->src_ip, pk->src_port >> 8, pk->src_port };
	int r;

	w->hvr_len = 0;
	r = cs_dtls_ctx_check_hello(w->e->cfg.wlc_dtls, addr, sizeof(addr),
	    pk->buf, pk->len, w->hvr, sizeof(w->hvr), &w->hvr_len);
	if (r != CS_DTLS_HELLO_VERIFY && r != CS_DTLS_HELLO_PROVEN) {
		w->wlc_hello_bad++;
		return -EBADMSG;
	}
	dg->has_cookie = r == CS_DTLS_HELLO_PROVEN;
	dg->is_retransmit = dg->has_cookie && p != NULL && p->d != NULL &&
	    cs_dtls_same_hello(p->d->s, pk->buf, pk->len);
	return 0;
}

static void wlc_input(struct eng_w *w, enum cs_chan ch,
    const struct cs_udp_pkt *pk, bool is_served);

/* Whether a CAPWAP-DTLS datagram carries a record of epoch 1 or later
 * (RFC 6347 §4.1: epoch at record offset 3). */
static bool
wlc_has_protected(const uint8_t *pkt, size_t len)
{
	struct cs_rd rd;
	uint8_t hdr[CS_DTLS_RECORD_HDR_LEN];

	if (len < CS_DTLS_PREAMBLE_LEN)
		return false;
	cs_rd_init(&rd, pkt + CS_DTLS_PREAMBLE_LEN, len - CS_DTLS_PREAMBLE_LEN);
	while (cs_rd_bytes(&rd, hdr, sizeof(hdr)) == 0) {
		size_t rlen = (size_t)hdr[11] << 8 | hdr[12];

		if ((hdr[3] | hdr[4]) != 0)
			return true;
		if (cs_rd_skip(&rd, rlen) < 0)
			break;
	}
	return false;
}

/* This shard's share of the service rate (handshakes/s; 0 = none). */
static double
wlc_hs_rate(const struct eng_w *w)
{
	return w->e->cfg.wlc_max_hs_rate / w->e->n_w;
}

/* Takes a token of the service rate (token bucket of this shard's share,
 * a 50 ms burst: the rate holds over any second) if one is there. */
static bool
wlc_hs_token(struct eng_w *w, uint64_t now)
{
	double rate = wlc_hs_rate(w);
	double burst = rate * 0.05 < 1.0 ? 1.0 : rate * 0.05;

	if (now > w->hs_tokens_ms) {
		w->hs_tokens += rate * (double)(now - w->hs_tokens_ms) / 1000.0;
		w->hs_tokens_ms = now;
	}
	if (w->hs_tokens > burst)
		w->hs_tokens = burst;
	if (w->hs_tokens < 1.0)
		return false;
	w->hs_tokens -= 1.0;
	return true;
}

/* Arms the service queue for the next token (of the service rate and
 * of the overload gate). */
static void
wlc_serve_arm(struct eng_w *w)
{
	double rate = wlc_hs_rate(w);
	double need = 1.0 - w->hs_tokens;
	uint64_t ms =
	    need <= 0 || rate <= 0 ? 0 : (uint64_t)(need * 1000.0 / rate) + 1;

	if (w->e->cfg.wlc_gate && cs_wlc_gate_wait_ms(&w->gate) > ms)
		ms = cs_wlc_gate_wait_ms(&w->gate);
	eng_arm(w, &w->t_serve, ms);
}

/* A cookie-bearing ClientHello beyond the service rate waits its turn
 * in FIFO order, as in the CPU queue of a busy controller; the AP's own
 * retransmissions (RFC 6347 §4.2.4) go on meanwhile. */
static void
wlc_hold(struct eng_w *w, const struct cs_udp_pkt *pk, bool by_gate)
{
	struct eng_held *h;

	if (w->held == NULL &&
	    (w->held = calloc(ENG_HELD_MAX, sizeof(*w->held))) == NULL) {
		w->hs_overflow++;
		return;
	}
	if (w->held_len == ENG_HELD_MAX ||
	    (h = malloc(sizeof(*h) + pk->len)) == NULL) {
		w->hs_overflow++;
		return;
	}
	h->src_ip = pk->src_ip;
	h->src_port = pk->src_port;
	h->len = pk->len;
	memcpy(h->data, pk->buf, pk->len);
	w->held[(w->held_head + w->held_len++) % ENG_HELD_MAX] = h;
	if (!by_gate)
		w->hs_deferred++; /* the gate counts its own */
	if (w->held_len == 1)
		wlc_serve_arm(w);
}

void
eng_slot_wlc_serve(struct eng_w *w, struct cs_tslot *s, uint64_t now)
{
	(void)s;
	while (w->held_len > 0) {
		struct eng_held *h = w->held[w->held_head];
		struct eng_peer *p = peer_find(w, h->src_ip, h->src_port);
		struct eng_peer *q =
		    p != NULL && p->shadow != NULL ? p->shadow : p;
		struct cs_udp_pkt pk = { .buf = h->data,
			.cap = h->len,
			.len = h->len,
			.src_ip = h->src_ip,
			.src_port = h->src_port };

		/* an AP's repeat of a ClientHello already taken on costs
		 * no new handshake: OpenSSL answers it with its flight */
		if ((q == NULL || !q->adm.is_verified) &&
		    ((wlc_hs_rate(w) > 0 && !wlc_hs_token(w, now)) ||
		        (w->e->cfg.wlc_gate &&
		            !cs_wlc_gate_take(&w->gate, now))))
			break;
		w->held_head = (w->held_head + 1) % ENG_HELD_MAX;
		w->held_len--;
		wlc_input(w, CS_CHAN_CONTROL, &pk, /* is_served= */ true);
		free(h);
	}
	if (w->held_len > 0)
		wlc_serve_arm(w);
}

void
eng_wlc_held_free(struct eng_w *w)
{
	while (w->held_len > 0) {
		free(w->held[w->held_head]);
		w->held_head = (w->held_head + 1) % ENG_HELD_MAX;
		w->held_len--;
	}
	free(w->held);
	w->held = NULL;
}

void
eng_wlc_input(struct eng_w *w, enum cs_chan ch, const struct cs_udp_pkt *pk)
{
	wlc_input(w, ch, pk, false);
}

/* A datagram "from" one of the controller's own ports at the address it
 * came to: nobody sends that but a spoofer, and answering it (a
 * keep-alive echo, a Discovery Response) would send the controller its
 * own answer, and so on forever (a reflection loop, found by
 * fuzz_engine_demux).  Dropped and counted; logged the first time. */
static bool
wlc_from_itself(struct eng_w *w, const struct cs_udp_pkt *pk)
{
	const struct cs_engine_cfg *c = &w->e->cfg;
	uint16_t port = c->wlc_port ? c->wlc_port : CS_WLC_CONTROL_PORT;
	char a[16];

	if ((pk->src_port != port && pk->src_port != port + 1) ||
	    (pk->src_ip != pk->dst_ip && pk->src_ip != c->wlc.listen_ip))
		return false;
	if (w->wlc_self_dropped++ == 0)
		cs_logf(c->log, CS_LOG_WARN,
		    "wlc: a datagram from the controller's own address %s:%u "
		    "dropped (spoofed; answering it would loop); further ones "
		    "are only counted",
		    cs_ipv4_str(pk->src_ip, a), pk->src_port);
	return true;
}

static void
wlc_input(struct eng_w *w, enum cs_chan ch, const struct cs_udp_pkt *pk,
    bool is_served)
{
	uint64_t now = eng_now(w->e);
	struct cs_wlc_admit_dgram dg;
	enum cs_wlc_admit_verdict step;
	struct eng_peer *p, *q;

	if (pk->is_truncated || pk->len == 0)
		return;
	/* a held ClientHello was counted (and tapped) when it arrived */
	if (!is_served) {
		eng_tap_wlc(w, CS_DIR_UP, ch, pk->dst_ip, pk->src_ip,
		    pk->src_port, pk->buf, pk->len);
		eng_wlc_seen(w->e, pk->src_ip, CS_DIR_UP, pk->len);
	}
	if (wlc_from_itself(w, pk))
		return;
	if (ch == CS_CHAN_DATA &&
	    eng_preamble_is(pk->buf, pk->len, CS_PREAMBLE_DTLS)) {
		eng_ddtls_wlc_input(w, pk); /* RFC 5415 §4.6.1 D */
		return;
	}
	if (ch == CS_CHAN_DATA ||
	    !eng_preamble_is(pk->buf, pk->len, CS_PREAMBLE_DTLS)) {
		cs_wlc_input_clear(w->wlc, ch, pk->src_ip, pk->src_port,
		    pk->buf, pk->len, now);
		return;
	}
	if (cs_wlc_mute_swallow(w->wlc))
		return; /* a hung controller reads nothing */
	cs_wlc_admit_classify(pk->buf, pk->len, &dg);
	p = peer_find(w, pk->src_ip, pk->src_port);
	/* a hello is judged against the newest handshake of the address:
	 * the shadow of an established peer when there is one */
	q = p != NULL && p->shadow != NULL ? p->shadow : p;
	/* RFC 6347 §4.2.1: a ClientHello without our cookie is answered and
	 * forgotten (cs_wlc_admit_input: VERIFY); only a proven one may
	 * start, or replace, a handshake */
	if (dg.is_hello && !is_served)
		w->wlc_client_hellos++;
	if (dg.is_hello && wlc_hello_check(w, q, pk, &dg) < 0)
		return;
	/* the cookie-bearing ClientHello is where a server's work begins
	 * (ServerHello, certificate, key exchange): the service rate */
	if (dg.is_hello && dg.has_cookie && !dg.is_retransmit && !is_served &&
	    wlc_hs_rate(w) > 0 && (w->held_len > 0 || !wlc_hs_token(w, now))) {
		wlc_hold(w, pk, false);
		return;
	}
	/* the controller's overload gate: its loop runs late, so new
	 * handshakes wait (or are shed) instead of all timing out */
	if (dg.is_hello && dg.has_cookie && !dg.is_retransmit && !is_served &&
	    w->e->cfg.wlc_gate && (q == NULL || !q->adm.is_verified)) {
		switch (cs_wlc_gate_input(&w->gate, w->held_len, now)) {
		case CS_WLC_GATE_DEFER:
			wlc_hold(w, pk, true);
			return;
		case CS_WLC_GATE_SHED:
			return;
		case CS_WLC_GATE_ADMIT:
		case CS_WLC_GATE__COUNT:
			break;
		}
	}
	step = cs_wlc_admit_input(q != NULL ? &q->adm : NULL, &dg);
	switch (step) {
	case CS_WLC_ADMIT_STRAY:
		return; /* not the start of a handshake */
	case CS_WLC_ADMIT_VERIFY:
		w->wlc_hello_verify++;
		eng_send(w, Q_WLC_CTL, 0, pk->src_ip, pk->src_port, w->hvr,
		    w->hvr_len);
		return;
	case CS_WLC_ADMIT_REPLACE:
	case CS_WLC_ADMIT_NEW:
	case CS_WLC_ADMIT_SHADOW:
		if (half_open_capped(w, pk->src_ip))
			return;
		if (step == CS_WLC_ADMIT_REPLACE && q != p) {
			/* a newer proven hello than the shadow's: it becomes
			 * the shadow; the established peer stays */
			eng_peer_forget(w, q);
			step = CS_WLC_ADMIT_SHADOW;
		} else if (step == CS_WLC_ADMIT_REPLACE) {
			/* a handshake still running has nothing to keep */
			peer_close(w, p, false);
			p = NULL;
		}
		q = peer_new(w, pk->src_ip, pk->src_port,
		    step == CS_WLC_ADMIT_SHADOW ? p : NULL);
		if (q == NULL) {
			cs_logf(w->e->cfg.log, CS_LOG_ERR,
			    "wlc: no memory for a DTLS peer");
			return;
		}
		break;
	case CS_WLC_ADMIT_FEED:
	case CS_WLC_ADMIT__COUNT:
		break;
	}
	/* While a shadow handshake runs, the established session still
	 * gets its records (epoch 1); the shadow gets the handshake (epoch
	 * 0) and, from its Finished on, epoch 1 too.  A record is fed to
	 * both when it may be either's: the wrong one drops it silently
	 * (bad MAC, RFC 6347 §4.1.2.7), and neither is harmed. */
	if (q != p && p != NULL && wlc_has_protected(pk->buf, pk->len)) {
		cs_wlc_admit_fed(&p->adm);
		peer_dtls_result(
		    w, p, cs_dtls_input(p->d->s, pk->buf, pk->len), now);
		if (q->dead)
			return;
	}
	cs_wlc_admit_fed(&q->adm);
	peer_dtls_result(w, q, cs_dtls_input(q->d->s, pk->buf, pk->len), now);
}

static int
wlc_send_clear(void *ctx, enum cs_chan ch, uint32_t dst_ip, uint16_t dst_port,
    const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	struct eng_w *w = ctx;

	(void)hint;
	/* an AP with a data channel DTLS session gets its answers in it */
	if (ch == CS_CHAN_DATA &&
	    eng_ddtls_wlc_send(w, dst_ip, dst_port, pkt, len))
		return 0;
	return eng_send(w, ch == CS_CHAN_DATA ? Q_WLC_DATA : Q_WLC_CTL, 0,
	    dst_ip, dst_port, pkt, len);
}

static int
wlc_send_secure(void *ctx, struct cs_wlc_sess *s, const uint8_t *pkt,
    size_t len, const struct cs_pkt_hint *hint)
{
	struct eng_peer *p = cs_wlc_sess_ctx(s);

	(void)ctx;
	(void)hint;
	if (p == NULL || p->d == NULL || p->d->dead)
		return -ENOTCONN;
	return eng_dtls_send_msg(p->d, pkt, len, NULL, NULL);
}

static void
wlc_sess_close(void *ctx, struct cs_wlc_sess *s, bool notify)
{
	struct eng_w *w = ctx;
	struct eng_peer *p = cs_wlc_sess_ctx(s);

	if (p != NULL) {
		if (notify && p->d != NULL && p->d->established && !p->d->dead)
			cs_dtls_shutdown(p->d->s);
		p->sess = NULL;
		eng_peer_forget(w, p);
	}
	cs_wlc_sess_closed(s);
}

static void
wlc_timer_arm(
    void *ctx, struct cs_wlc_sess *s, enum cs_wlc_timer t, uint64_t delay_ms)
{
	struct eng_w *w = ctx;
	struct eng_peer *p = cs_wlc_sess_ctx(s);

	if (p != NULL && !p->dead)
		eng_arm(w, &p->t[t], delay_ms);
}

static void
wlc_timer_cancel(void *ctx, struct cs_wlc_sess *s, enum cs_wlc_timer t)
{
	struct eng_w *w = ctx;
	struct eng_peer *p = cs_wlc_sess_ctx(s);

	if (p != NULL)
		cs_timerq_cancel(&w->tq, &p->t[t]);
}

static void
wlc_event(void *ctx, const struct cs_wlc_event *ev)
{
	struct eng_w *w = ctx;

	if (w->e->cfg.on_wlc_event != NULL)
		w->e->cfg.on_wlc_event(w->e->cfg.obs_ctx, ev);
}

static uint32_t
wlc_rand(void *ctx, uint32_t bound)
{
	return eng_rand(ctx, bound);
}

void
eng_slot_peer_dtls(struct eng_w *w, struct cs_tslot *s, uint64_t now)
{
	struct eng_peer *p = s->owner;

	if (!p->dead && p->d != NULL && !p->d->dead)
		peer_dtls_result(w, p, cs_dtls_on_timer(p->d->s), now);
}

void
eng_slot_peer_reap(struct eng_w *w, struct cs_tslot *s, uint64_t now)
{
	struct eng_peer *p = s->owner;
	char a[16];

	if (p->dead || p->d == NULL)
		return;
	switch (cs_wlc_admit_expired(&p->adm)) {
	case CS_WLC_ADMIT_EXP_NONE:
		return;
	case CS_WLC_ADMIT_EXP_WAIT_DTLS:
		peer_dtls_failed(w, p, now);
		return;
	case CS_WLC_ADMIT_EXP_NO_COOKIE:
		/* the controller's side of a return-path loss: it answered,
		 * the AP never came back with the cookie */
		cs_logf(w->e->cfg.log, CS_LOG_WARN,
		    "wlc: DTLS handshake failure with peer %s:%u: %u "
		    "ClientHello(s) answered with a HelloVerifyRequest, none "
		    "came back with the cookie in %u s (replies not reaching "
		    "the AP?)",
		    cs_ipv4_str(p->ip, a), p->port, p->adm.hellos,
		    CS_WLC_ADMIT_UNVERIFIED_MS / 1000);
		eng_peer_forget(w, p); /* never proved itself */
		return;
	}
}

void
eng_slot_peer(struct eng_w *w, struct cs_tslot *s, uint64_t now)
{
	struct eng_peer *p = s->owner;

	(void)w;
	if (!p->dead && p->sess != NULL)
		cs_wlc_sess_timer_fired(
		    p->sess, (enum cs_wlc_timer)(s - p->t), now);
}

static int
eng_new_wlc_shard(struct eng_w *w, uint16_t port)
{
	struct cs_engine *e = w->e;
	const struct cs_engine_cfg *c = &e->cfg;
	struct cs_wlc_cfg wc = c->wlc;
	struct cs_wlc_io io = {
		.send_clear = wlc_send_clear,
		.send_secure = wlc_send_secure,
		.sess_close = wlc_sess_close,
		.timer_arm = wlc_timer_arm,
		.timer_cancel = wlc_timer_cancel,
		.event = wlc_event,
		.rand = wlc_rand,
		.relay = eng_wlc_relay,
		.ctx = w,
	};
	char a[16];
	int r;

	for (enum cs_chan ch = CS_CHAN_CONTROL; ch <= CS_CHAN_DATA; ch++) {
		uint16_t p = (uint16_t)(port + ch);

		struct eng_sock *s = &w->wlc_sock[ch];

		if ((r = eng_sock_open(w, s, c->wlc.listen_ip, p, e->n_w > 1,
		         ch == CS_CHAN_DATA ? eng_on_wlc_data : eng_on_wlc_ctl,
		         w)) < 0)
			return cs_log_err(c->log, r,
			    "wlc: cannot listen on %s:%u: %s",
			    cs_ipv4_str(c->wlc.listen_ip, a), p, strerror(-r));
		if (s->fd >= 0)
			eng_size_bufs(w, s->fd,
			    c->n_aps / e->n_w + 1); /* its share of peers */
		w->txq[ch == CS_CHAN_CONTROL ? Q_WLC_CTL : Q_WLC_DATA].t = s->t;
	}
	w->peer_buckets = 1024;
	if ((w->peers = calloc(w->peer_buckets, sizeof(*w->peers))) == NULL)
		return -ENOMEM;
	/* the shards share the capacity: APs spread evenly by address */
	if (wc.max_wtps != 0 && e->n_w > 1)
		wc.max_wtps = (uint32_t)(c->wlc.max_wtps / e->n_w +
		    (w->id < c->wlc.max_wtps % e->n_w));
	if ((r = cs_wlc_new(&w->wlc, &wc, &io)) < 0)
		return cs_log_err(c->log, r, "wlc: invalid configuration");
	return 0;
}

int
eng_new_wlc(struct cs_engine *e)
{
	const struct cs_engine_cfg *c = &e->cfg;
	uint16_t port = c->wlc_port ? c->wlc_port : CS_WLC_CONTROL_PORT;
	int r;

	if (!c->wlc_enabled)
		return 0;
	if (c->wlc_dtls == NULL)
		return cs_log_err(c->log, -EINVAL,
		    "engine: the WLC needs a DTLS server context");
	/* Only a data channel DTLS session resumes (RFC 5415 §4.6.1 D): a
	 * WLC that offers none needs no resumption cache at all. */
	if ((r = cs_dtls_ctx_set_resume_cache(c->wlc_dtls,
	         c->wlc.data_dtls == CS_DATA_DTLS_OFF
	             ? 0
	             : CS_DTLS_RESUME_CACHE_DEFAULT)) < 0)
		return cs_log_err(c->log, r,
		    "engine: the WLC's DTLS context is not a server's");
	if (e->n_w > 1 && c->net == NULL) {
		/* SO_REUSEPORT would let a second capsim on the same address
		 * silently take half of the APs: make sure nobody listens
		 * there before forming the group */
		for (enum cs_chan ch = CS_CHAN_CONTROL; ch <= CS_CHAN_DATA;
		     ch++) {
			char a[16];
			int fd = cs_udp_open(
			    c->wlc.listen_ip, (uint16_t)(port + ch), false);

			if (fd < 0)
				return cs_log_err(c->log, fd,
				    "wlc: cannot listen on %s:%u: %s",
				    cs_ipv4_str(c->wlc.listen_ip, a), port + ch,
				    strerror(-fd));
			close(fd);
		}
	}
	for (unsigned k = 0; k < e->n_w; k++)
		if ((r = eng_new_wlc_shard(e->w[k], port)) < 0)
			return r;
	/* (an in-process group is steered by source as it is) */
	if (e->n_w > 1 && c->net == NULL)
		for (enum cs_chan ch = CS_CHAN_CONTROL; ch <= CS_CHAN_DATA;
		     ch++)
			if ((r = cs_udp_reuseport_by_src(
			         e->w[0]->wlc_sock[ch].fd, e->n_w)) < 0)
				return cs_log_err(c->log, r,
				    "wlc: cannot steer the listening sockets "
				    "by source address: %s (run with "
				    "--workers 1)",
				    strerror(-r));
	return 0;
}
