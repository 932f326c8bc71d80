/* SPDX-License-Identifier: MIT */
/*
 * The engine: binds AP and WLC state machines to UDP sockets, DTLS
 * sessions, one timer queue and a libevent loop; see capsim/engine.h.
 *
 * Ownership and callback safety (STYLE G6): DTLS sessions are wrapped in
 * struct eng_dtls; a role may ask to stop a session from inside that
 * session's own callback, so stopping only marks the wrapper dead and
 * queues it; the queue is emptied when control returns to the loop.
 * Callbacks of a dead wrapper are ignored.
 */
#include "capsim/engine.h"

#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capsim/dtls.h"
#include "capsim/dtls_peek.h"
#include "capsim/pki.h"
#include "capsim/timerq.h"
#include "capsim/udp.h"

#define ENG_RX_BATCH      32
#define ENG_RX_BUDGET     8     /* batches per wakeup (STYLE G9) */
#define ENG_MAX_DGRAM     9216  /* larger than any CAPWAP datagram we send */
#define ENG_UNVERIFIED_MS 10000 /* server session without a valid cookie */
#define ENG_WAIT_DTLS_MS  60000 /* WaitDTLS, RFC 5415 §4.7.15 (AC side) */

/* Timer slot kinds: AP slots use enum cs_ap_timer directly. */
enum {
	K_AP_DTLS = 100,
	K_PEER = 200, /* + enum cs_wlc_timer */
	K_PEER_DTLS = 300,
	K_PEER_REAP = 301,
	K_PACE = 400,
};

struct eng_ap;
struct eng_peer;

struct eng_dtls {
	struct cs_dtls *s;
	struct cs_engine *e;
	struct eng_ap *ap;     /* client side owner, or */
	struct eng_peer *peer; /* server side owner */
	bool dead;
	bool established;
};

struct eng_ap {
	struct cs_engine *e;
	struct cs_ap *ap;
	struct eng_dtls *d;
	unsigned idx;
	uint32_t ip;
	uint8_t mac[6];
	uint32_t ac_ip;
	uint16_t ac_port;
	struct cs_tslot t[CS_AP_T__COUNT];
	struct cs_tslot t_dtls;
	struct cs_ap_track track;
};

struct eng_peer {
	struct eng_peer *next; /* hash chain */
	struct cs_engine *e;
	uint32_t ip;
	uint16_t port;
	bool dead;
	bool is_verified; /* returned our DTLS cookie */
	struct eng_dtls *d;
	struct cs_wlc_sess *sess;
	struct cs_tslot t[CS_WLC_T__COUNT];
	struct cs_tslot t_dtls;
	struct cs_tslot t_reap;
};

struct cs_engine {
	struct cs_engine_cfg cfg;
	struct event_base *base;
	struct timespec t0;
	uint64_t rng;

	struct cs_timerq tq;
	struct event *ev_timer;
	uint64_t ev_timer_due; /* UINT64_MAX when not armed */
	bool in_dispatch;

	/* APs */
	struct eng_ap *aps;
	int ap_fd[2]; /* control, data */
	uint16_t ap_port[2];
	struct event *ap_ev[2];
	unsigned started;
	unsigned in_dtls;
	struct cs_tslot t_pace;
	bool stopping;
	struct cs_metrics metrics;

	/* WLC */
	struct cs_wlc *wlc;
	int wlc_fd[2];
	struct event *wlc_ev[2];
	struct eng_peer **peers;
	size_t peer_buckets, n_peers;

	/* deferred frees */
	struct eng_dtls **grave_d;
	size_t n_grave_d, cap_grave_d;
	struct eng_peer **grave_p;
	size_t n_grave_p, cap_grave_p;

	uint8_t rx[ENG_RX_BATCH][ENG_MAX_DGRAM];
};

/* --- time, randomness, scheduling ------------------------------------ */

static uint64_t
eng_now(const struct cs_engine *e)
{
	struct timespec t;
	int64_t ms;

	clock_gettime(CLOCK_MONOTONIC, &t);
	ms = (int64_t)(t.tv_sec - e->t0.tv_sec) * 1000 +
	    (t.tv_nsec - e->t0.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (uint64_t)ms;
}

/* xorshift64*: fast, seedable, good enough for protocol jitter */
static uint32_t
eng_rand(struct cs_engine *e, uint32_t bound)
{
	uint64_t x = e->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	e->rng = x;
	if (bound <= 1)
		return 0;
	return (uint32_t)(((x * 0x2545F4914F6CDD1DULL) >> 32) % bound);
}

uint64_t
cs_engine_now_ms(const struct cs_engine *e)
{
	return eng_now(e);
}

static void eng_reap(struct cs_engine *e);

/* Arms the one libevent timer for the earliest slot. */
static void
eng_sched(struct cs_engine *e)
{
	uint64_t due, now;
	struct timeval tv;

	if (!cs_timerq_next(&e->tq, &due)) {
		if (e->ev_timer_due != UINT64_MAX)
			evtimer_del(e->ev_timer);
		e->ev_timer_due = UINT64_MAX;
		return;
	}
	if (due == e->ev_timer_due)
		return;
	now = eng_now(e);
	due = due > now ? due - now : 0;
	tv.tv_sec = (time_t)(due / 1000);
	tv.tv_usec = (suseconds_t)((due % 1000) * 1000);
	evtimer_add(e->ev_timer, &tv);
	e->ev_timer_due = now + due;
}

static void
eng_arm(struct cs_engine *e, struct cs_tslot *s, uint64_t delay_ms)
{
	if (cs_timerq_arm(&e->tq, s, eng_now(e) + delay_ms) < 0)
		cs_logf(e->cfg.log, CS_LOG_ERR,
		    "engine: out of memory arming "
		    "a timer");
}

/* Called at the end of every loop callback. */
static void
eng_after(struct cs_engine *e)
{
	eng_reap(e);
	eng_sched(e);
}

/* --- DTLS wrapper ----------------------------------------------------- */

static void
eng_bury_dtls(struct cs_engine *e, struct eng_dtls *d)
{
	if (d == NULL || d->dead)
		return;
	d->dead = true;
	if (e->n_grave_d == e->cap_grave_d) {
		size_t cap = e->cap_grave_d ? e->cap_grave_d * 2 : 64;
		struct eng_dtls **g = realloc(e->grave_d, cap * sizeof(*g));

		if (g == NULL) {
			/* leak rather than free under a live callback */
			cs_logf(e->cfg.log, CS_LOG_ERR,
			    "engine: out of memory; leaking a DTLS session");
			return;
		}
		e->grave_d = g;
		e->cap_grave_d = cap;
	}
	e->grave_d[e->n_grave_d++] = d;
}

static void eng_peer_forget(struct cs_engine *e, struct eng_peer *p);

static void
eng_reap(struct cs_engine *e)
{
	for (size_t i = 0; i < e->n_grave_d; i++) {
		cs_dtls_free(e->grave_d[i]->s);
		free(e->grave_d[i]);
	}
	e->n_grave_d = 0;
	for (size_t i = 0; i < e->n_grave_p; i++)
		free(e->grave_p[i]);
	e->n_grave_p = 0;
}

static struct eng_dtls *
eng_dtls_new(struct cs_engine *e, struct cs_dtls_ctx *ctx,
    const struct cs_dtls_io *tmpl, int64_t skew_s)
{
	struct eng_dtls *d = calloc(1, sizeof(*d));
	struct cs_dtls_io io = *tmpl;

	if (d == NULL)
		return NULL;
	d->e = e;
	io.ctx = d;
	io.clock_skew_s = skew_s;
	if (cs_dtls_new(&d->s, ctx, &io) < 0) {
		free(d);
		return NULL;
	}
	return d;
}

static void
eng_dtls_timer(struct cs_engine *e, struct eng_dtls *d, struct cs_tslot *slot)
{
	uint64_t ms;

	if (d == NULL || d->dead || d->established ||
	    cs_dtls_timeout_ms(d->s, &ms) != 1) {
		cs_timerq_cancel(&e->tq, slot);
		return;
	}
	eng_arm(e, slot, ms);
}

/* --- AP side ---------------------------------------------------------- */

static struct eng_ap *
eng_ap_by_ip(struct cs_engine *e, uint32_t ip)
{
	uint32_t off = ip - e->cfg.ap_base_ip;

	if (ip < e->cfg.ap_base_ip || off >= e->cfg.n_aps)
		return NULL;
	return &e->aps[off];
}

static int
ap_send_clear(void *ctx, enum cs_chan ch, uint32_t dst_ip, uint16_t dst_port,
    const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	struct eng_ap *a = ctx;

	(void)hint;
	return cs_udp_send(
	    a->e->ap_fd[ch == CS_CHAN_DATA], a->ip, dst_ip, dst_port, pkt, len);
}

static int
ap_send_secure(
    void *ctx, const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	struct eng_ap *a = ctx;

	(void)hint;
	if (a->d == NULL || a->d->dead)
		return -ENOTCONN;
	return cs_dtls_send(a->d->s, pkt, len);
}

static int
ap_dtls_wire_send(void *ctx, const uint8_t *dgram, size_t len)
{
	struct eng_dtls *d = ctx;
	struct eng_ap *a = d->ap;

	if (d->dead)
		return 0;
	return cs_udp_send(
	    d->e->ap_fd[0], a->ip, a->ac_ip, a->ac_port, dgram, len);
}

static void
ap_dtls_recv(void *ctx, const uint8_t *plain, size_t len)
{
	struct eng_dtls *d = ctx;

	if (d->dead)
		return;
	cs_ap_input_secure(d->ap->ap, plain, len, eng_now(d->e));
}

static const struct cs_dtls_io ap_dtls_io = {
	.send = ap_dtls_wire_send,
	.recv = ap_dtls_recv,
};

static void
ap_dtls_stop(void *ctx, bool graceful)
{
	struct eng_ap *a = ctx;

	if (a->d == NULL)
		return;
	if (graceful && a->d->established && !a->d->dead)
		cs_dtls_shutdown(a->d->s);
	eng_bury_dtls(a->e, a->d);
	a->d = NULL;
	cs_timerq_cancel(&a->e->tq, &a->t_dtls);
}

static int
ap_dtls_start(void *ctx, uint32_t ac_ip, uint16_t ac_port)
{
	struct eng_ap *a = ctx;
	struct cs_engine *e = a->e;
	struct cs_cred *cred = NULL;
	int r;

	ap_dtls_stop(a, false);
	a->ac_ip = ac_ip;
	a->ac_port = ac_port;
	if ((a->d = eng_dtls_new(e, e->cfg.ap_dtls, &ap_dtls_io,
	         e->cfg.ap_clock_skew_s)) == NULL)
		return -ENOMEM;
	a->d->ap = a;
	if (e->cfg.ap_cred != NULL) {
		r = cs_dtls_set_cred(a->d->s, e->cfg.ap_cred);
	} else if (e->cfg.ap_pki != NULL) {
		/* issued on demand so idle APs hold no certificate */
		r = cs_pki_issue_ap(e->cfg.ap_pki, a->mac, CS_PKI_GOOD, &cred);
		if (r == 0)
			r = cs_dtls_set_cred(a->d->s, cred);
		cs_cred_free(cred);
	} else {
		r = 0; /* the ctx carries the credential */
	}
	if (r == 0 && (r = cs_dtls_start(a->d->s)) > 0)
		r = 0;
	if (r < 0) {
		ap_dtls_stop(a, false);
		return r;
	}
	eng_dtls_timer(e, a->d, &a->t_dtls);
	return 0;
}

static void
ap_timer_arm(void *ctx, enum cs_ap_timer t, uint64_t delay_ms)
{
	struct eng_ap *a = ctx;

	eng_arm(a->e, &a->t[t], delay_ms);
}

static void
ap_timer_cancel(void *ctx, enum cs_ap_timer t)
{
	struct eng_ap *a = ctx;

	cs_timerq_cancel(&a->e->tq, &a->t[t]);
}

static void
ap_event(void *ctx, const struct cs_ap_event *ev)
{
	struct eng_ap *a = ctx;
	struct cs_engine *e = a->e;

	if (ev->kind == CS_AP_EV_STATE) {
		if (ev->to == CS_AP_DTLS_SETUP && ev->from != CS_AP_DTLS_SETUP)
			e->in_dtls++;
		if (ev->from == CS_AP_DTLS_SETUP &&
		    ev->to != CS_AP_DTLS_SETUP && e->in_dtls > 0)
			e->in_dtls--;
	}
	cs_metrics_ap_event(&e->metrics, &a->track, ev);
	if (e->cfg.on_ap_event != NULL)
		e->cfg.on_ap_event(e->cfg.obs_ctx, a->idx, a->mac, ev);
}

static uint32_t
ap_rand(void *ctx, uint32_t bound)
{
	struct eng_ap *a = ctx;

	return eng_rand(a->e, bound);
}

static const struct cs_ap_io eng_ap_io = {
	.send_clear = ap_send_clear,
	.send_secure = ap_send_secure,
	.dtls_start = ap_dtls_start,
	.dtls_stop = ap_dtls_stop,
	.timer_arm = ap_timer_arm,
	.timer_cancel = ap_timer_cancel,
	.event = ap_event,
	.rand = ap_rand,
};

static void
ap_dtls_result(struct eng_ap *a, int r, uint64_t now)
{
	struct cs_engine *e = a->e;
	struct eng_dtls *d = a->d;
	struct cs_dtls_outcome o = { 0 };

	if (r == CS_DTLS_ESTABLISHED && !d->established) {
		d->established = true;
		cs_timerq_cancel(&e->tq, &a->t_dtls);
		o.ok = true;
		cs_ap_dtls_done(a->ap, &o, now);
		return;
	}
	if (r == CS_DTLS_CLOSED) {
		o.reason = "WLC closed the DTLS session (close_notify)";
		o.reason_code = CS_DTLS_FAIL_PEER_ALERT;
		ap_dtls_stop(a, false);
		cs_ap_dtls_done(a->ap, &o, now);
		return;
	}
	if (r == -EPROTO || r == -ETIMEDOUT) {
		const struct cs_dtls_failure *f = cs_dtls_failure(d->s);
		char reason[sizeof(f->reason)];

		snprintf(reason, sizeof(reason), "%s",
		    f->reason[0] ? f->reason : "DTLS handshake failed");
		o.reason = reason;
		o.reason_code = (int)f->code;
		ap_dtls_stop(a, false);
		cs_ap_dtls_done(a->ap, &o, now);
		return;
	}
	eng_dtls_timer(e, a->d, &a->t_dtls);
}

static void
ap_input(struct cs_engine *e, int ch, const struct cs_udp_pkt *pk)
{
	struct eng_ap *a = eng_ap_by_ip(e, pk->dst_ip);
	uint64_t now = eng_now(e);

	if (a == NULL || a->ap == NULL || pk->is_truncated || pk->len == 0)
		return;
	if (ch == 0 && (pk->buf[0] & 0x0f) == 1) {
		/* DTLS from the AC we talk to; anything else is stray */
		if (a->d == NULL || a->d->dead || pk->src_ip != a->ac_ip ||
		    pk->src_port != a->ac_port)
			return;
		ap_dtls_result(
		    a, cs_dtls_input(a->d->s, pk->buf, pk->len), now);
		return;
	}
	cs_ap_input_clear(a->ap, ch ? CS_CHAN_DATA : CS_CHAN_CONTROL,
	    pk->src_ip, pk->src_port, pk->buf, pk->len, now);
}

static void
ap_timer(struct cs_engine *e, struct eng_ap *a, int kind, uint64_t now)
{
	if (kind == K_AP_DTLS) {
		if (a->d != NULL && !a->d->dead)
			ap_dtls_result(a, cs_dtls_on_timer(a->d->s), now);
		return;
	}
	(void)e;
	cs_ap_timer_fired(a->ap, (enum cs_ap_timer)kind, now);
}

/* Starts APs as the arrival rate and the in-flight cap allow. */
static void
eng_pace(struct cs_engine *e, uint64_t now)
{
	unsigned want = e->cfg.n_aps;

	if (e->stopping)
		return;
	if (e->cfg.rate > 0) {
		double due = (double)now / 1000.0 * e->cfg.rate + 1.0;

		if (due < (double)want)
			want = (unsigned)due;
	}
	while (e->started < want &&
	    (e->cfg.max_inflight == 0 || e->in_dtls < e->cfg.max_inflight)) {
		struct eng_ap *a = &e->aps[e->started++];

		cs_metrics_ap_start(&a->track, now);
		if (cs_ap_start(a->ap, now) < 0)
			cs_logf(e->cfg.log, CS_LOG_ERR,
			    "engine: AP %u failed to start", a->idx);
	}
	if (e->started < e->cfg.n_aps) {
		uint64_t step = 10;

		if (e->cfg.rate > 0 && e->cfg.rate < 100)
			step = (uint64_t)(1000.0 / e->cfg.rate);
		eng_arm(e, &e->t_pace, step);
	}
}

/* --- WLC side --------------------------------------------------------- */

static size_t
peer_hash(const struct cs_engine *e, uint32_t ip, uint16_t port)
{
	uint64_t k = ((uint64_t)ip << 16 | port) * 0x9E3779B97F4A7C15ULL;

	return (size_t)(k >> 32) & (e->peer_buckets - 1);
}

static struct eng_peer *
peer_find(struct cs_engine *e, uint32_t ip, uint16_t port)
{
	struct eng_peer *p = e->peers[peer_hash(e, ip, port)];

	while (p != NULL && (p->ip != ip || p->port != port))
		p = p->next;
	return p;
}

static int
peer_grow(struct cs_engine *e)
{
	size_t nb = e->peer_buckets * 2;
	struct eng_peer **nt = calloc(nb, sizeof(*nt));
	size_t ob = e->peer_buckets;
	struct eng_peer **ot = e->peers;

	if (nt == NULL)
		return -ENOMEM;
	e->peers = nt;
	e->peer_buckets = nb;
	for (size_t i = 0; i < ob; i++) {
		struct eng_peer *p = ot[i], *next;

		for (; p != NULL; p = next) {
			size_t h = peer_hash(e, p->ip, p->port);

			next = p->next;
			p->next = nt[h];
			nt[h] = p;
		}
	}
	free(ot);
	return 0;
}

/* Unlinks a peer, stops its timers and DTLS, and queues it for freeing. */
static void
eng_peer_forget(struct cs_engine *e, struct eng_peer *p)
{
	struct eng_peer **pp;

	if (p->dead)
		return;
	p->dead = true;
	for (pp = &e->peers[peer_hash(e, p->ip, p->port)]; *pp != NULL;
	     pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	e->n_peers--;
	for (int t = 0; t < CS_WLC_T__COUNT; t++)
		cs_timerq_cancel(&e->tq, &p->t[t]);
	cs_timerq_cancel(&e->tq, &p->t_dtls);
	cs_timerq_cancel(&e->tq, &p->t_reap);
	eng_bury_dtls(e, p->d);
	p->d = NULL;
	if (e->n_grave_p == e->cap_grave_p) {
		size_t cap = e->cap_grave_p ? e->cap_grave_p * 2 : 64;
		struct eng_peer **g = realloc(e->grave_p, cap * sizeof(*g));

		if (g == NULL)
			return; /* leak one small struct rather than crash */
		e->grave_p = g;
		e->cap_grave_p = cap;
	}
	e->grave_p[e->n_grave_p++] = p;
}

static int
peer_dtls_wire_send(void *ctx, const uint8_t *dgram, size_t len)
{
	struct eng_dtls *d = ctx;

	if (d->dead)
		return 0;
	return cs_udp_send(
	    d->e->wlc_fd[0], 0, d->peer->ip, d->peer->port, dgram, len);
}

static void
peer_dtls_recv(void *ctx, const uint8_t *plain, size_t len)
{
	struct eng_dtls *d = ctx;

	if (d->dead || d->peer->sess == NULL)
		return;
	cs_wlc_sess_input(d->peer->sess, plain, len, eng_now(d->e));
}

static const struct cs_dtls_io peer_dtls_io = {
	.send = peer_dtls_wire_send,
	.recv = peer_dtls_recv,
};

static struct eng_peer *
peer_new(struct cs_engine *e, uint32_t ip, uint16_t port)
{
	struct eng_peer *p;
	uint8_t addr[6] = { ip >> 24, ip >> 16, ip >> 8, ip, port >> 8, port };
	size_t h;

	if (e->n_peers >= e->peer_buckets && peer_grow(e) < 0)
		return NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->e = e;
	p->ip = ip;
	p->port = port;
	for (int t = 0; t < CS_WLC_T__COUNT; t++)
		cs_tslot_init(&p->t[t], p, K_PEER + t);
	cs_tslot_init(&p->t_dtls, p, K_PEER_DTLS);
	cs_tslot_init(&p->t_reap, p, K_PEER_REAP);
	if ((p->d = eng_dtls_new(e, e->cfg.wlc_dtls, &peer_dtls_io, 0)) ==
	    NULL) {
		free(p);
		return NULL;
	}
	p->d->peer = p;
	cs_dtls_set_peer(p->d->s, addr, sizeof(addr));
	h = peer_hash(e, ip, port);
	p->next = e->peers[h];
	e->peers[h] = p;
	e->n_peers++;
	eng_arm(e, &p->t_reap, ENG_UNVERIFIED_MS);
	return p;
}

static void
peer_dtls_failed(struct cs_engine *e, struct eng_peer *p, uint64_t now)
{
	const struct cs_dtls_failure *f = cs_dtls_failure(p->d->s);
	struct cs_dtls_outcome o = { 0 };

	o.reason = f->reason[0] ? f->reason : "DTLS handshake failed";
	o.reason_code = (int)f->code;
	cs_wlc_sess_dtls_failed(e->wlc, p->ip, p->port, &o, now);
	eng_peer_forget(e, p);
}

static void
peer_dtls_result(struct cs_engine *e, struct eng_peer *p, int r, uint64_t now)
{
	if (r == CS_DTLS_ESTABLISHED && !p->d->established) {
		struct cs_cert_info ci;
		const char *cn = NULL;

		p->d->established = true;
		cs_timerq_cancel(&e->tq, &p->t_dtls);
		cs_timerq_cancel(&e->tq, &p->t_reap);
		if (cs_dtls_peer_cert(p->d->s, &ci) == 0)
			cn = ci.subject_cn;
		if (cs_wlc_sess_open(
		        e->wlc, &p->sess, p->ip, p->port, cn, now) < 0) {
			cs_logf(e->cfg.log, CS_LOG_ERR,
			    "wlc: cannot open a session (out of memory)");
			eng_peer_forget(e, p);
			return;
		}
		cs_wlc_sess_set_ctx(p->sess, p);
		return;
	}
	if (r == CS_DTLS_CLOSED) {
		struct cs_wlc_sess *s = p->sess;

		p->sess = NULL;
		eng_peer_forget(e, p);
		if (s != NULL)
			cs_wlc_sess_closed(s);
		return;
	}
	if (r == -EPROTO || r == -ETIMEDOUT) {
		struct cs_wlc_sess *s = p->sess;

		if (s == NULL) {
			peer_dtls_failed(e, p, now);
			return;
		}
		p->sess = NULL;
		eng_peer_forget(e, p);
		cs_wlc_sess_closed(s);
		return;
	}
	if (!p->is_verified && cs_dtls_peer_verified(p->d->s)) {
		/* a returned cookie proves the address: allow WaitDTLS */
		p->is_verified = true;
		eng_arm(e, &p->t_reap, ENG_WAIT_DTLS_MS);
	}
	eng_dtls_timer(e, p->d, &p->t_dtls);
}

static void
wlc_input(struct cs_engine *e, int ch, const struct cs_udp_pkt *pk)
{
	uint64_t now = eng_now(e);
	struct eng_peer *p;

	if (pk->is_truncated || pk->len == 0)
		return;
	if (ch == 1 || (pk->buf[0] & 0x0f) == 0) {
		cs_wlc_input_clear(e->wlc, ch ? CS_CHAN_DATA : CS_CHAN_CONTROL,
		    pk->src_ip, pk->src_port, pk->buf, pk->len, now);
		return;
	}
	p = peer_find(e, pk->src_ip, pk->src_port);
	if (p != NULL && p->d != NULL && p->d->established &&
	    cs_dtls_classify_dgram(pk->buf, pk->len, true) ==
	        CS_DTLS_KIND_CLIENT_HELLO) {
		/* The AP restarted its DTLS session from the same address:
		 * the old session is gone on its side. */
		struct cs_wlc_sess *s = p->sess;

		p->sess = NULL;
		eng_peer_forget(e, p);
		if (s != NULL)
			cs_wlc_sess_closed(s);
		p = NULL;
	}
	if (p == NULL) {
		if (cs_dtls_classify_dgram(pk->buf, pk->len, true) !=
		    CS_DTLS_KIND_CLIENT_HELLO)
			return; /* not the start of a handshake: stray */
		if ((p = peer_new(e, pk->src_ip, pk->src_port)) == NULL) {
			cs_logf(e->cfg.log, CS_LOG_ERR,
			    "wlc: no memory for a DTLS peer");
			return;
		}
	}
	peer_dtls_result(e, p, cs_dtls_input(p->d->s, pk->buf, pk->len), now);
}

static int
wlc_send_clear(void *ctx, enum cs_chan ch, uint32_t dst_ip, uint16_t dst_port,
    const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	struct cs_engine *e = ctx;

	(void)hint;
	return cs_udp_send(
	    e->wlc_fd[ch == CS_CHAN_DATA], 0, dst_ip, dst_port, pkt, len);
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
	return cs_dtls_send(p->d->s, pkt, len);
}

static void
wlc_sess_close(void *ctx, struct cs_wlc_sess *s, bool graceful)
{
	struct cs_engine *e = ctx;
	struct eng_peer *p = cs_wlc_sess_ctx(s);

	if (p != NULL) {
		if (graceful && p->d != NULL && p->d->established &&
		    !p->d->dead)
			cs_dtls_shutdown(p->d->s);
		p->sess = NULL;
		eng_peer_forget(e, p);
	}
	cs_wlc_sess_closed(s);
}

static void
wlc_timer_arm(
    void *ctx, struct cs_wlc_sess *s, enum cs_wlc_timer t, uint64_t delay_ms)
{
	struct cs_engine *e = ctx;
	struct eng_peer *p = cs_wlc_sess_ctx(s);

	if (p != NULL && !p->dead)
		eng_arm(e, &p->t[t], delay_ms);
}

static void
wlc_timer_cancel(void *ctx, struct cs_wlc_sess *s, enum cs_wlc_timer t)
{
	struct cs_engine *e = ctx;
	struct eng_peer *p = cs_wlc_sess_ctx(s);

	if (p != NULL)
		cs_timerq_cancel(&e->tq, &p->t[t]);
}

static void
wlc_event(void *ctx, const struct cs_wlc_event *ev)
{
	struct cs_engine *e = ctx;

	if (e->cfg.on_wlc_event != NULL)
		e->cfg.on_wlc_event(e->cfg.obs_ctx, ev);
}

static uint32_t
wlc_rand(void *ctx, uint32_t bound)
{
	return eng_rand(ctx, bound);
}

static void
peer_timer(struct cs_engine *e, struct eng_peer *p, int kind, uint64_t now)
{
	if (p->dead)
		return;
	if (kind == K_PEER_DTLS) {
		if (p->d != NULL && !p->d->dead)
			peer_dtls_result(e, p, cs_dtls_on_timer(p->d->s), now);
		return;
	}
	if (kind == K_PEER_REAP) {
		if (p->d != NULL && !p->d->established) {
			if (cs_dtls_peer_verified(p->d->s))
				peer_dtls_failed(e, p, now);
			else
				eng_peer_forget(e, p); /* never proved itself */
		}
		return;
	}
	if (p->sess != NULL)
		cs_wlc_sess_timer_fired(
		    p->sess, (enum cs_wlc_timer)(kind - K_PEER), now);
}

/* --- loop callbacks --------------------------------------------------- */

static void
eng_on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct cs_engine *e = arg;
	uint64_t now = eng_now(e);
	struct cs_tslot *s;

	(void)fd;
	(void)what;
	e->ev_timer_due = UINT64_MAX;
	while ((s = cs_timerq_pop_due(&e->tq, now)) != NULL) {
		if (s->kind == K_PACE)
			eng_pace(e, now);
		else if (s->kind >= K_PEER)
			peer_timer(e, s->owner, s->kind, now);
		else
			ap_timer(e, s->owner, s->kind, now);
	}
	eng_after(e);
}

static void
eng_on_read(struct cs_engine *e, int fd, bool is_wlc, int ch)
{
	struct cs_udp_pkt pk[ENG_RX_BATCH];

	for (int round = 0; round < ENG_RX_BUDGET; round++) {
		int n;

		for (int i = 0; i < ENG_RX_BATCH; i++) {
			pk[i].buf = e->rx[i];
			pk[i].cap = sizeof(e->rx[i]);
		}
		n = cs_udp_recv_batch(fd, pk, ENG_RX_BATCH);
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			if (is_wlc)
				wlc_input(e, ch, &pk[i]);
			else
				ap_input(e, ch, &pk[i]);
		}
		if (n < ENG_RX_BATCH)
			break;
	}
	eng_after(e);
}

static void
eng_on_ap_ctl(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	eng_on_read(arg, fd, false, 0);
}

static void
eng_on_ap_data(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	eng_on_read(arg, fd, false, 1);
}

static void
eng_on_wlc_ctl(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	eng_on_read(arg, fd, true, 0);
}

static void
eng_on_wlc_data(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	eng_on_read(arg, fd, true, 1);
}

/* --- construction ----------------------------------------------------- */

static int
eng_check_local(struct cs_engine *e, uint32_t ip)
{
	char a[16], b[16];
	int fd = cs_udp_open(ip, 0, false);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	cs_logf(e->cfg.log, CS_LOG_ERR,
	    "AP address %s is not local to this host (%s).  Make the AP range "
	    "local first, e.g.:  ip route add local %s/%u dev lo   (any "
	    "127.x.y.z address already is)",
	    cs_ipv4_str(ip, a), strerror(-fd),
	    cs_ipv4_str(e->cfg.ap_base_ip & 0xffff0000u, b), 16);
	return -EADDRNOTAVAIL;
}

static int
eng_new_aps(struct cs_engine *e)
{
	const struct cs_engine_cfg *c = &e->cfg;
	char name[64];
	int r;

	if (c->n_aps == 0)
		return 0;
	if (c->ap_dtls == NULL)
		return cs_log_err(c->log, -EINVAL,
		    "engine: APs need a DTLS "
		    "client context");
	if ((uint64_t)c->ap_base_ip + c->n_aps > UINT32_MAX)
		return cs_log_err(c->log, -EINVAL,
		    "engine: %u APs from the base address run past "
		    "255.255.255.255",
		    c->n_aps);
	if ((r = eng_check_local(e, c->ap_base_ip)) < 0 ||
	    (r = eng_check_local(e, c->ap_base_ip + c->n_aps - 1)) < 0)
		return r;
	if ((e->aps = calloc(c->n_aps, sizeof(*e->aps))) == NULL)
		return -ENOMEM;
	for (int ch = 0; ch < 2; ch++) {
		if ((e->ap_fd[ch] = cs_udp_open(0, 0, false)) < 0)
			return cs_log_err(c->log, e->ap_fd[ch],
			    "engine: cannot open the AP socket: %s",
			    strerror(-e->ap_fd[ch]));
		cs_udp_local_port(e->ap_fd[ch], &e->ap_port[ch]);
	}
	for (unsigned i = 0; i < c->n_aps; i++) {
		struct eng_ap *a = &e->aps[i];
		struct cs_ap_cfg apc = c->ap;
		struct cs_ap_io io = eng_ap_io;
		uint64_t mac = 0;

		a->e = e;
		a->idx = i;
		a->ip = c->ap_base_ip + i;
		for (int k = 0; k < 6; k++)
			mac = mac << 8 | c->ap_base_mac[k];
		mac += i;
		for (int k = 5; k >= 0; k--) {
			a->mac[k] = (uint8_t)mac;
			mac >>= 8;
		}
		for (int t = 0; t < CS_AP_T__COUNT; t++)
			cs_tslot_init(&a->t[t], a, t);
		cs_tslot_init(&a->t_dtls, a, K_AP_DTLS);
		cs_ap_track_init(&a->track);
		snprintf(name, sizeof(name), "%s%05u",
		    c->ap_name_prefix ? c->ap_name_prefix : "capsim-ap-",
		    i + 1);
		memcpy(apc.mac, a->mac, 6);
		apc.ip = a->ip;
		apc.name = name;
		apc.serial = name;
		io.ctx = a;
		if ((r = cs_ap_new(&a->ap, &apc, &io)) < 0)
			return cs_log_err(c->log, r,
			    "engine: invalid AP configuration (AP %u)", i + 1);
	}
	for (int ch = 0; ch < 2; ch++) {
		e->ap_ev[ch] =
		    event_new(e->base, e->ap_fd[ch], EV_READ | EV_PERSIST,
		        ch ? eng_on_ap_data : eng_on_ap_ctl, e);
		if (e->ap_ev[ch] == NULL)
			return -ENOMEM;
	}
	return 0;
}

static int
eng_new_wlc(struct cs_engine *e)
{
	const struct cs_engine_cfg *c = &e->cfg;
	struct cs_wlc_io io = {
		.send_clear = wlc_send_clear,
		.send_secure = wlc_send_secure,
		.sess_close = wlc_sess_close,
		.timer_arm = wlc_timer_arm,
		.timer_cancel = wlc_timer_cancel,
		.event = wlc_event,
		.rand = wlc_rand,
		.ctx = e,
	};
	uint16_t port = c->wlc_port ? c->wlc_port : CS_WLC_CONTROL_PORT;
	char a[16];
	int r;

	if (!c->wlc_enabled)
		return 0;
	if (c->wlc_dtls == NULL)
		return cs_log_err(c->log, -EINVAL,
		    "engine: the WLC needs a DTLS server context");
	for (int ch = 0; ch < 2; ch++) {
		e->wlc_fd[ch] =
		    cs_udp_open(c->wlc.listen_ip, (uint16_t)(port + ch), false);
		if (e->wlc_fd[ch] < 0)
			return cs_log_err(c->log, e->wlc_fd[ch],
			    "wlc: cannot listen on %s:%u: %s",
			    cs_ipv4_str(c->wlc.listen_ip, a), port + ch,
			    strerror(-e->wlc_fd[ch]));
		e->wlc_ev[ch] =
		    event_new(e->base, e->wlc_fd[ch], EV_READ | EV_PERSIST,
		        ch ? eng_on_wlc_data : eng_on_wlc_ctl, e);
		if (e->wlc_ev[ch] == NULL)
			return -ENOMEM;
	}
	e->peer_buckets = 1024;
	if ((e->peers = calloc(e->peer_buckets, sizeof(*e->peers))) == NULL)
		return -ENOMEM;
	if ((r = cs_wlc_new(&e->wlc, &c->wlc, &io)) < 0)
		return cs_log_err(c->log, r, "wlc: invalid configuration");
	return 0;
}

int
cs_engine_new(struct cs_engine **ret, const struct cs_engine_cfg *cfg)
{
	struct cs_engine *e;
	int r;

	if (ret == NULL || cfg == NULL || cfg->base == NULL)
		return -EINVAL;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -ENOMEM;
	e->cfg = *cfg;
	e->base = cfg->base;
	e->ap_fd[0] = e->ap_fd[1] = e->wlc_fd[0] = e->wlc_fd[1] = -1;
	e->rng = cfg->seed ? cfg->seed : 0x9E3779B97F4A7C15ULL;
	e->ev_timer_due = UINT64_MAX;
	clock_gettime(CLOCK_MONOTONIC, &e->t0);
	cs_timerq_init(&e->tq);
	cs_metrics_init(&e->metrics);
	cs_tslot_init(&e->t_pace, e, K_PACE);
	if ((e->ev_timer = evtimer_new(e->base, eng_on_timer, e)) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	if ((r = eng_new_wlc(e)) < 0 || (r = eng_new_aps(e)) < 0)
		goto fail;
	*ret = e;
	return 0;
fail:
	cs_engine_free(e);
	return r;
}

int
cs_engine_start(struct cs_engine *e)
{
	if (e == NULL)
		return -EINVAL;
	for (int ch = 0; ch < 2; ch++) {
		if (e->wlc_ev[ch] != NULL)
			event_add(e->wlc_ev[ch], NULL);
		if (e->ap_ev[ch] != NULL)
			event_add(e->ap_ev[ch], NULL);
	}
	eng_pace(e, eng_now(e));
	eng_after(e);
	return 0;
}

void
cs_engine_stop(struct cs_engine *e)
{
	if (e == NULL)
		return;
	e->stopping = true;
	cs_timerq_cancel(&e->tq, &e->t_pace);
	for (unsigned i = 0; i < e->cfg.n_aps; i++) {
		struct eng_ap *a = &e->aps[i];

		if (a->d != NULL)
			ap_dtls_stop(a, true);
		for (int t = 0; t < CS_AP_T__COUNT; t++)
			cs_timerq_cancel(&e->tq, &a->t[t]);
	}
	eng_after(e);
}

void
cs_engine_free(struct cs_engine *e)
{
	if (e == NULL)
		return;
	for (int ch = 0; ch < 2; ch++) {
		if (e->ap_ev[ch] != NULL)
			event_free(e->ap_ev[ch]);
		if (e->wlc_ev[ch] != NULL)
			event_free(e->wlc_ev[ch]);
		if (e->ap_fd[ch] >= 0)
			close(e->ap_fd[ch]);
		if (e->wlc_fd[ch] >= 0)
			close(e->wlc_fd[ch]);
	}
	if (e->aps != NULL) {
		for (unsigned i = 0; i < e->cfg.n_aps; i++) {
			if (e->aps[i].d != NULL)
				eng_bury_dtls(e, e->aps[i].d);
			cs_ap_free(e->aps[i].ap);
		}
	}
	for (size_t i = 0; e->peers != NULL && i < e->peer_buckets; i++)
		while (e->peers[i] != NULL) {
			struct eng_peer *p = e->peers[i];

			p->sess = NULL; /* cs_wlc_free frees the sessions */
			eng_peer_forget(e, p);
		}
	eng_reap(e);
	cs_wlc_free(e->wlc);
	free(e->peers);
	free(e->aps);
	free(e->grave_d);
	free(e->grave_p);
	if (e->ev_timer != NULL)
		event_free(e->ev_timer);
	cs_timerq_free(&e->tq);
	cs_metrics_free(&e->metrics);
	free(e);
}

void
cs_engine_ap_states(const struct cs_engine *e, unsigned *counts)
{
	memset(counts, 0, sizeof(*counts) * CS_AP__COUNT);
	for (unsigned i = 0; i < e->cfg.n_aps; i++) {
		enum cs_ap_state s = cs_ap_state(e->aps[i].ap);

		if (s < CS_AP__COUNT)
			counts[s]++;
	}
}

const struct cs_metrics *
cs_engine_metrics(const struct cs_engine *e)
{
	return &e->metrics;
}

const struct cs_ap_track *
cs_engine_ap_track(const struct cs_engine *e, unsigned idx)
{
	if (idx >= e->cfg.n_aps)
		return NULL;
	return &e->aps[idx].track;
}

struct cs_ap *
cs_engine_ap(const struct cs_engine *e, unsigned idx)
{
	if (idx >= e->cfg.n_aps)
		return NULL;
	return e->aps[idx].ap;
}

struct cs_wlc *
cs_engine_wlc(const struct cs_engine *e)
{
	return e->wlc;
}

void
cs_engine_ap_ports(const struct cs_engine *e, uint16_t *ctl, uint16_t *data)
{
	*ctl = e->ap_port[0];
	*data = e->ap_port[1];
}
