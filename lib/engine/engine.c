/* SPDX-License-Identifier: MIT */
/*
 * The engine: binds AP and WLC state machines to UDP sockets, DTLS
 * sessions, timer queues and libevent loops; see capsim/engine.h.
 *
 * Workers (DESIGN.md "Scale model"): each worker thread has its own
 * event_base, timer heap, AP sockets (one control and one data socket on
 * ports of its own, so replies come back to the worker that owns the AP)
 * and, when the mock WLC is embedded, its own WLC shard on a SO_REUSEPORT
 * group steered by source address (control and data of one AP reach the
 * same shard).  AP i belongs to worker i mod N.  Every loop callback of a
 * worker runs with the worker's mutex held; the main thread takes the same
 * mutex for the rare things it does to a running worker (snapshots,
 * timeline actions), so no per-packet locking or message passing exists.
 *
 * Ownership and callback safety (STYLE G6): DTLS sessions are wrapped in
 * struct eng_dtls; a role may ask to stop a session from inside that
 * session's own callback, so stopping only marks the wrapper dead and
 * queues it; the queue is emptied when control returns to the loop.
 * Callbacks of a dead wrapper are ignored.
 *
 * Sends are queued per socket and leave in sendmmsg batches when the
 * callback returns to the loop (or when a queue fills).
 */
#include "capsim/engine.h"

#include <assert.h>
#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capsim/capture.h"
#include "capsim/diagnose.h"
#include "capsim/dtls.h"
#include "capsim/dtls_peek.h"
#include "capsim/impair.h"
#include "capsim/pki.h"
#include "capsim/timerq.h"
#include "capsim/udp.h"

#define ENG_RX_BATCH      32
#define ENG_RX_BUDGET     8     /* batches per wakeup (STYLE G9) */
#define ENG_MAX_DGRAM     9216  /* larger than any CAPWAP datagram we send */
#define ENG_UNVERIFIED_MS 10000 /* server session without a valid cookie */
#define ENG_WAIT_DTLS_MS  60000 /* WaitDTLS, RFC 5415 §4.7.15 (AC side) */
#define ENG_TXQ_MAX       64
#define ENG_TXQ_ARENA     (128 * 1024)

/* Timer slot kinds: AP slots use enum cs_ap_timer directly. */
enum {
	K_AP_DTLS = 100,
	K_PEER = 200, /* + enum cs_wlc_timer */
	K_PEER_DTLS = 300,
	K_PEER_REAP = 301,
	K_PACE = 400,
	K_DELAY = 500,  /* a datagram the impairment engine delayed */
	K_IMPAIR = 501, /* release held (reordered) datagrams */
	K_NAT = 502,    /* NAT idle expiry sweep */
};

/* Send queues of a worker. */
enum {
	Q_AP_CTL,
	Q_AP_DATA,
	Q_WLC_CTL,
	Q_WLC_DATA,
	Q__COUNT
};

struct eng_ap;
struct eng_peer;
struct eng_w;

struct eng_dtls {
	struct cs_dtls *s;
	struct eng_w *w;
	struct eng_ap *ap;     /* client side owner, or */
	struct eng_peer *peer; /* server side owner */
	bool dead;
	bool established;
};

struct eng_ap {
	struct eng_w *w;
	struct cs_ap *ap;
	struct eng_dtls *d;
	unsigned idx;
	uint32_t ip;
	uint8_t mac[6];
	uint32_t ac_ip;
	uint16_t ac_port;
	bool hs_active;                 /* counts against the handshake cap */
	bool hs_queued;                 /* waits for a handshake slot */
	const struct cs_pkt_hint *hint; /* of the message being encrypted */
	struct cs_tslot t[CS_AP_T__COUNT];
	struct cs_tslot t_dtls;
	struct cs_ap_track track;
};

struct eng_peer {
	struct eng_peer *next; /* hash chain */
	struct eng_w *w;
	uint32_t ip;
	uint16_t port;
	bool dead;
	bool is_verified; /* returned our DTLS cookie */
	uint16_t hellos;  /* ClientHellos seen while unverified */
	struct eng_dtls *d;
	struct cs_wlc_sess *sess;
	struct cs_tslot t[CS_WLC_T__COUNT];
	struct cs_tslot t_dtls;
	struct cs_tslot t_reap;
};

struct eng_txq {
	int fd;
	unsigned n;
	size_t used;
	uint64_t lost;
	struct cs_udp_out out[ENG_TXQ_MAX];
	uint8_t arena[ENG_TXQ_ARENA];
};

/* A datagram held back by a delay action. */
struct eng_delayed {
	struct cs_tslot t;
	enum cs_dir dir;
	uint8_t ch;
	unsigned ap;
	uint32_t src_ip, dst_ip; /* down: the WLC's address (src) */
	uint16_t src_port, dst_port;
	size_t len;
	uint8_t data[];
};

/* A NAT external port: a socket of its own, as a real NAT has a port. */
struct eng_natsock {
	struct eng_w *w;
	int fd;
	uint16_t port;
	struct event *ev;
};

struct eng_w {
	struct cs_engine *e;
	unsigned id;
	pthread_t th;
	bool th_running;
	pthread_mutex_t mu;
	struct event_base *base;
	uint64_t rng;

	struct cs_timerq tq;
	struct event *ev_timer;
	uint64_t ev_timer_due; /* UINT64_MAX when not armed */
	struct cs_hist lateness;

	/* APs: indices id, id + N, id + 2N, ... */
	unsigned n_aps;
	int ap_fd[2]; /* control, data */
	uint16_t ap_port[2];
	struct event *ap_ev[2];
	unsigned started;
	unsigned hs_active;    /* client handshakes running */
	unsigned max_inflight; /* cap on hs_active, 0 = none */
	unsigned *hs_wait;     /* FIFO of AP indices waiting for a slot */
	size_t hs_head, hs_len, hs_cap;
	double rate; /* this worker's share */
	struct cs_tslot t_pace;
	bool stopping;
	struct cs_metrics metrics;
	unsigned states[CS_AP__COUNT];

	/* WLC shard */
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

	/* packet path: impairment, NAT, link state (AP side) */
	struct cs_impair *imp;
	struct cs_verdict *verdict; /* one per worker: it is large */
	struct cs_tslot t_impair;
	struct cs_nat *nat;
	struct cs_tslot t_nat;
	struct eng_natsock **natsocks;
	size_t n_natsocks, cap_natsocks;
	uint64_t link_down_until; /* ms; datagrams lost before it */
	uint64_t link_down_lost;
	uint64_t wlc_client_hellos; /* ClientHellos the WLC shard got */

	struct eng_txq txq[Q__COUNT];
	uint8_t rx[ENG_RX_BATCH][ENG_MAX_DGRAM];
};

struct cs_engine {
	struct cs_engine_cfg cfg;
	struct timespec t0;
	uint64_t t0_wall_us; /* CLOCK_REALTIME at t0 */
	unsigned n_w;
	struct eng_w **w;
	struct eng_ap *aps;
	struct cs_ap_facts *facts; /* per AP, for the diagnosis */
	pthread_mutex_t pki_mu;
	bool started, stopped;
	struct cs_metrics merged; /* last cs_engine_metrics() result */
	struct cs_hist lateness;  /* last cs_engine_timer_lateness() */
};

/* --- time, randomness, scheduling ------------------------------------ */

static uint64_t
eng_now_us(const struct cs_engine *e)
{
	struct timespec t;
	int64_t us;

	clock_gettime(CLOCK_MONOTONIC, &t);
	us = (int64_t)(t.tv_sec - e->t0.tv_sec) * 1000000 +
	    (t.tv_nsec - e->t0.tv_nsec) / 1000;
	return us < 0 ? 0 : (uint64_t)us;
}

/* Wall-clock microseconds (Unix time) for captures: monotonic since the
 * engine started, anchored to the real time then, so a capture's dates can
 * be compared with certificates' validity. */
static uint64_t
eng_wall_us(const struct cs_engine *e)
{
	return e->t0_wall_us + eng_now_us(e);
}

static uint64_t
eng_now(const struct cs_engine *e)
{
	return eng_now_us(e) / 1000;
}

/* xorshift64*: fast, seedable, good enough for protocol jitter */
static uint32_t
eng_rand(struct eng_w *w, uint32_t bound)
{
	uint64_t x = w->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	w->rng = x;
	if (bound <= 1)
		return 0;
	return (uint32_t)(((x * 0x2545F4914F6CDD1DULL) >> 32) % bound);
}

uint64_t
cs_engine_now_ms(const struct cs_engine *e)
{
	return eng_now(e);
}

static void eng_reap(struct eng_w *w);
static void eng_flush(struct eng_w *w);

/* Arms the worker's one libevent timer for the earliest slot. */
static void
eng_sched(struct eng_w *w)
{
	uint64_t due, now;
	struct timeval tv;

	if (!cs_timerq_next(&w->tq, &due)) {
		/* noblock: the main thread may hold this worker's lock
		 * while the worker's timer callback waits for it */
		if (w->ev_timer_due != UINT64_MAX)
			event_del_noblock(w->ev_timer);
		w->ev_timer_due = UINT64_MAX;
		return;
	}
	if (due == w->ev_timer_due)
		return;
	now = eng_now(w->e);
	due = due > now ? due - now : 0;
	tv.tv_sec = (time_t)(due / 1000);
	tv.tv_usec = (suseconds_t)((due % 1000) * 1000);
	evtimer_add(w->ev_timer, &tv);
	w->ev_timer_due = now + due;
}

static void
eng_arm(struct eng_w *w, struct cs_tslot *s, uint64_t delay_ms)
{
	if (cs_timerq_arm(&w->tq, s, eng_now(w->e) + delay_ms) < 0)
		cs_logf(w->e->cfg.log, CS_LOG_ERR,
		    "engine: out of memory arming a timer");
}

/* Called at the end of every loop callback (and of every main-thread
 * action on a worker). */
static void
eng_after(struct eng_w *w)
{
	eng_flush(w);
	eng_reap(w);
	eng_sched(w);
}

/* --- send queues ------------------------------------------------------- */

static void
eng_flush_q(struct eng_w *w, struct eng_txq *q)
{
	unsigned off = 0;

	while (off < q->n) {
		int r = cs_udp_send_batch(q->fd, q->out + off, q->n - off);

		if (r < 0) {
			/* the first datagram was refused: count it lost, as
			 * on a wire, and go on */
			if (q->lost++ == 0)
				cs_logf(w->e->cfg.log, CS_LOG_WARN,
				    "engine: worker %u: send failed: %s "
				    "(further failures are only counted)",
				    w->id, strerror(-r));
			off++;
			continue;
		}
		off += (unsigned)r;
	}
	q->n = 0;
	q->used = 0;
}

static void
eng_flush(struct eng_w *w)
{
	for (int i = 0; i < Q__COUNT; i++)
		if (w->txq[i].n > 0)
			eng_flush_q(w, &w->txq[i]);
}

/* Queues one datagram; it leaves when the callback returns. */
static int
eng_send(struct eng_w *w, int qi, uint32_t src_ip, uint32_t dst_ip,
    uint16_t dst_port, const uint8_t *pkt, size_t len)
{
	struct eng_txq *q = &w->txq[qi];
	struct cs_udp_out *o;

	if (q->fd < 0)
		return -ENOTCONN;
	if (len > ENG_TXQ_ARENA)
		return -EMSGSIZE;
	if (q->n == ENG_TXQ_MAX || q->used + len > ENG_TXQ_ARENA)
		eng_flush_q(w, q);
	o = &q->out[q->n++];
	memcpy(q->arena + q->used, pkt, len);
	o->buf = q->arena + q->used;
	o->len = len;
	o->src_ip = src_ip;
	o->dst_ip = dst_ip;
	o->dst_port = dst_port;
	q->used += (len + 7) & ~(size_t)7;
	if (q->used > ENG_TXQ_ARENA)
		q->used = ENG_TXQ_ARENA;
	return 0;
}

/* --- DTLS wrapper ----------------------------------------------------- */

static void
eng_bury_dtls(struct eng_w *w, struct eng_dtls *d)
{
	if (d == NULL || d->dead)
		return;
	d->dead = true;
	if (w->n_grave_d == w->cap_grave_d) {
		size_t cap = w->cap_grave_d ? w->cap_grave_d * 2 : 64;
		struct eng_dtls **g = realloc(w->grave_d, cap * sizeof(*g));

		if (g == NULL) {
			/* leak rather than free under a live callback */
			cs_logf(w->e->cfg.log, CS_LOG_ERR,
			    "engine: out of memory; leaking a DTLS session");
			return;
		}
		w->grave_d = g;
		w->cap_grave_d = cap;
	}
	w->grave_d[w->n_grave_d++] = d;
}

static void eng_peer_forget(struct eng_w *w, struct eng_peer *p);

static void
eng_reap(struct eng_w *w)
{
	for (size_t i = 0; i < w->n_grave_d; i++) {
		cs_dtls_free(w->grave_d[i]->s);
		free(w->grave_d[i]);
	}
	w->n_grave_d = 0;
	for (size_t i = 0; i < w->n_grave_p; i++)
		free(w->grave_p[i]);
	w->n_grave_p = 0;
}

static struct eng_dtls *
eng_dtls_new(struct eng_w *w, struct cs_dtls_ctx *ctx,
    const struct cs_dtls_io *tmpl, int64_t skew_s)
{
	struct eng_dtls *d = calloc(1, sizeof(*d));
	struct cs_dtls_io io = *tmpl;

	if (d == NULL)
		return NULL;
	d->w = w;
	io.ctx = d;
	io.clock_skew_s = skew_s;
	if (cs_dtls_new(&d->s, ctx, &io) < 0) {
		free(d);
		return NULL;
	}
	return d;
}

static void
eng_dtls_timer(struct eng_w *w, struct eng_dtls *d, struct cs_tslot *slot)
{
	uint64_t ms;

	if (d == NULL || d->dead || d->established ||
	    cs_dtls_timeout_ms(d->s, &ms) != 1) {
		cs_timerq_cancel(&w->tq, slot);
		return;
	}
	eng_arm(w, slot, ms);
}

/* --- AP side ---------------------------------------------------------- */

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

static struct cs_ap_facts *
eng_facts(struct eng_ap *a)
{
	return &a->w->e->facts[a->idx];
}

static void ap_deliver(struct eng_ap *a, int ch, uint32_t src_ip,
    uint16_t src_port, const uint8_t *pkt, size_t len);
static void eng_path_arm(struct eng_w *w);

static struct eng_natsock *
eng_natsock_find(struct eng_w *w, uint16_t port)
{
	for (size_t i = 0; i < w->n_natsocks; i++)
		if (w->natsocks[i] != NULL && w->natsocks[i]->port == port)
			return w->natsocks[i];
	return NULL;
}

/* The datagram leaves the AP side: through the NAT when there is one,
 * then to the capture (what the WLC receives) and the socket. */
static void
eng_wire_up(struct eng_w *w, struct eng_ap *a, int ch, uint32_t dst_ip,
    uint16_t dst_port, const uint8_t *pkt, size_t len)
{
	struct cs_engine *e = w->e;
	uint32_t src_ip = a->ip;
	uint16_t src_port = w->ap_port[ch];
	uint64_t now_us = eng_now_us(e);

	if (w->nat != NULL) {
		struct eng_natsock *ns;
		uint32_t eip;
		uint16_t eport;

		if (cs_nat_out(w->nat, a->ip, src_port, now_us / 1000, &eip,
		        &eport) < 0 ||
		    (ns = eng_natsock_find(w, eport)) == NULL)
			return; /* no port: the NAT drops it */
		cs_facts_nat(eng_facts(a), eip, eport);
		if (e->cfg.capture != NULL && !e->cfg.capture_at_ap)
			cs_capture_wire(e->cfg.capture, eng_wall_us(e),
			    CS_DIR_UP, eip, eport, dst_ip, dst_port, pkt, len);
		(void)cs_udp_send(ns->fd, eip, dst_ip, dst_port, pkt, len);
		return;
	}
	if (e->cfg.capture != NULL && !e->cfg.capture_at_ap)
		cs_capture_wire(e->cfg.capture, eng_wall_us(e), CS_DIR_UP,
		    src_ip, src_port, dst_ip, dst_port, pkt, len);
	(void)eng_send(
	    w, ch ? Q_AP_DATA : Q_AP_CTL, src_ip, dst_ip, dst_port, pkt, len);
}

static void
eng_delay(struct eng_w *w, enum cs_dir dir, unsigned ap, int ch,
    uint32_t src_ip, uint16_t src_port, uint32_t dst_ip, uint16_t dst_port,
    const uint8_t *pkt, size_t len, uint64_t delay_ms)
{
	struct eng_delayed *d = malloc(sizeof(*d) + len);

	if (d == NULL)
		return; /* lost, as under memory pressure on a router */
	cs_tslot_init(&d->t, d, K_DELAY);
	d->dir = dir;
	d->ch = (uint8_t)ch;
	d->ap = ap;
	d->src_ip = src_ip;
	d->src_port = src_port;
	d->dst_ip = dst_ip;
	d->dst_port = dst_port;
	d->len = len;
	memcpy(d->data, pkt, len);
	if (cs_timerq_arm(&w->tq, &d->t, eng_now(w->e) + delay_ms) < 0)
		free(d);
}

/* Hands a verdict's deliveries on: now or after their delay. */
static void
eng_verdict(struct eng_w *w, const struct cs_pkt_meta *m, struct eng_ap *a)
{
	const struct cs_verdict *v = w->verdict;

	if (v->kind != CS_VERDICT_PASS)
		return;
	for (unsigned i = 0; i < v->n_deliver; i++) {
		if (v->delay_ms[i] > 0) {
			eng_delay(w, m->dir, a->idx, m->chan, m->src_ip,
			    m->src_port, m->dst_ip, m->dst_port, v->pkt, v->len,
			    v->delay_ms[i]);
			continue;
		}
		if (m->dir == CS_DIR_UP)
			eng_wire_up(w, a, m->chan, m->dst_ip, m->dst_port,
			    v->pkt, v->len);
		else
			ap_deliver(
			    a, m->chan, m->src_ip, m->src_port, v->pkt, v->len);
	}
}

static void
eng_release(void *ctx, const struct cs_pkt_meta *m)
{
	struct eng_w *w = ctx;
	struct eng_ap *a;

	if (m->ap >= w->e->cfg.n_aps)
		return;
	a = &w->e->aps[m->ap];
	if (m->dir == CS_DIR_UP)
		eng_wire_up(
		    w, a, m->chan, m->dst_ip, m->dst_port, m->pkt, m->len);
	else
		ap_deliver(a, m->chan, m->src_ip, m->src_port, m->pkt, m->len);
}

/* One datagram through the impairment engine (AP side, both ways). */
static void
eng_impair(struct eng_w *w, struct eng_ap *a, struct cs_pkt_meta *m)
{
	if (m->now_ms < w->link_down_until) {
		w->link_down_lost++;
		return;
	}
	if (w->imp == NULL) {
		if (m->dir == CS_DIR_UP)
			eng_wire_up(w, a, m->chan, m->dst_ip, m->dst_port,
			    m->pkt, m->len);
		else
			ap_deliver(
			    a, m->chan, m->src_ip, m->src_port, m->pkt, m->len);
		return;
	}
	m->ap = a->idx;
	m->ap_mac = a->mac;
	if (cs_impair_apply(w->imp, m, w->verdict) == 0)
		eng_verdict(w, m, a);
	cs_impair_poll(w->imp, m->now_ms, eng_release, w);
	eng_path_arm(w);
}

/* Arms the timer that releases held datagrams by time. */
static void
eng_path_arm(struct eng_w *w)
{
	uint64_t when;

	if (w->imp != NULL && cs_impair_next_due(w->imp, &when) == 0)
		cs_timerq_arm(&w->tq, &w->t_impair, when);
	else
		cs_timerq_cancel(&w->tq, &w->t_impair);
}

/* A datagram the AP sends: facts (what the AP did), then the path. */
static void
eng_path_up(struct eng_ap *a, int ch, uint32_t dst_ip, uint16_t dst_port,
    const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	struct eng_w *w = a->w;
	struct cs_pkt_meta m = {
		.dir = CS_DIR_UP,
		.chan = ch ? CS_CHAN_DATA : CS_CHAN_CONTROL,
		.src_ip = a->ip,
		.src_port = w->ap_port[ch],
		.dst_ip = dst_ip,
		.dst_port = dst_port,
		.pkt = pkt,
		.len = len,
		.hint = hint,
		.now_ms = eng_now(w->e),
	};

	cs_facts_wire_peer(eng_facts(a), CS_DIR_UP, m.chan, dst_ip, dst_port,
	    pkt, len, m.now_ms);
	if (w->e->cfg.capture != NULL && w->e->cfg.capture_at_ap)
		cs_capture_wire(w->e->cfg.capture, eng_wall_us(w->e), CS_DIR_UP,
		    a->ip, m.src_port, dst_ip, dst_port, pkt, len);
	/* the clear file: discovery and data keep-alives as they are (the
	 * protected messages are added before encryption) */
	if (w->e->cfg.capture != NULL &&
	    (ch == 1 || (len > 0 && (pkt[0] & 0x0f) == 0)))
		cs_capture_clear(w->e->cfg.capture, eng_wall_us(w->e),
		    CS_DIR_UP, m.chan, a->ip, m.src_port, dst_ip, dst_port, pkt,
		    len);
	eng_impair(w, a, &m);
}

static int
ap_send_clear(void *ctx, enum cs_chan ch, uint32_t dst_ip, uint16_t dst_port,
    const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	struct eng_ap *a = ctx;

	eng_path_up(a, ch == CS_CHAN_DATA, dst_ip, dst_port, pkt, len, hint);
	return 0;
}

static int
ap_send_secure(
    void *ctx, const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	struct eng_ap *a = ctx;
	struct cs_engine *e = a->w->e;
	int r;

	if (a->d == NULL || a->d->dead)
		return -ENOTCONN;
	cs_facts_control(eng_facts(a), CS_DIR_UP, pkt, len, eng_now(e));
	if (e->cfg.capture != NULL)
		cs_capture_clear(e->cfg.capture, eng_wall_us(e), CS_DIR_UP,
		    CS_CHAN_CONTROL, a->ip, a->w->ap_port[0], a->ac_ip,
		    a->ac_port, pkt, len);
	a->hint = hint;
	r = cs_dtls_send(a->d->s, pkt, len);
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
	eng_path_up(a, 0, a->ac_ip, a->ac_port, dgram, len, a->hint);
	return 0;
}

static void
ap_dtls_recv(void *ctx, const uint8_t *plain, size_t len)
{
	struct eng_dtls *d = ctx;
	struct eng_ap *a = d->ap;
	struct cs_engine *e = d->w->e;

	if (d->dead)
		return;
	cs_facts_control(eng_facts(a), CS_DIR_DOWN, plain, len, eng_now(e));
	if (e->cfg.capture != NULL)
		cs_capture_clear(e->cfg.capture, eng_wall_us(e), CS_DIR_DOWN,
		    CS_CHAN_CONTROL, a->ac_ip, a->ac_port, a->ip,
		    a->w->ap_port[0], plain, len);
	cs_ap_input_secure(a->ap, plain, len, eng_now(e));
}

static const struct cs_dtls_io ap_dtls_io = {
	.send = ap_dtls_wire_send,
	.recv = ap_dtls_recv,
};

static void eng_hs_next(struct eng_w *w);

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

	a->hs_queued = false; /* its queue entry is skipped */
	if (a->d == NULL)
		return;
	eng_hs_release(a);
	if (graceful && a->d->established && !a->d->dead)
		cs_dtls_shutdown(a->d->s);
	eng_bury_dtls(a->w, a->d);
	a->d = NULL;
	cs_timerq_cancel(&a->w->tq, &a->t_dtls);
}

/* Sends the ClientHello of `a`, taking a handshake slot. */
static int
eng_hs_begin(struct eng_ap *a)
{
	struct eng_w *w = a->w;
	struct cs_engine *e = w->e;
	struct cs_cred *cred = NULL;
	int r;

	a->hs_queued = false;
	/* the session and the certificate are made only now, when the
	 * handshake may run: a queued AP holds neither */
	if ((a->d = eng_dtls_new(w, e->cfg.ap_dtls, &ap_dtls_io,
	         e->cfg.ap_clock_skew_s)) == NULL)
		return -ENOMEM;
	a->d->ap = a;
	if (e->cfg.ap_cred != NULL) {
		r = cs_dtls_set_cred(a->d->s, e->cfg.ap_cred);
	} else if (e->cfg.ap_pki != NULL) {
		/* issued on demand so idle APs hold no certificate.  Signing
		 * with the shared CA key runs in parallel; the broken kinds
		 * make their extra key or CA on first use, under the lock */
		bool lock = e->cfg.ap_cert_kind != CS_PKI_GOOD;

		if (lock)
			pthread_mutex_lock(&e->pki_mu);
		r = cs_pki_issue_ap(
		    e->cfg.ap_pki, a->mac, e->cfg.ap_cert_kind, &cred);
		if (lock)
			pthread_mutex_unlock(&e->pki_mu);
		if (r == 0)
			r = cs_dtls_set_cred(a->d->s, cred);
		cs_cred_free(cred);
	} else {
		r = 0; /* the ctx carries the credential */
	}
	a->hs_active = true;
	w->hs_active++;
	if (r < 0 || (r = cs_dtls_start(a->d->s)) < 0) {
		ap_dtls_stop(a, false);
		return r;
	}
	eng_dtls_timer(w, a->d, &a->t_dtls);
	return 0;
}

/* Starts waiting handshakes while slots are free. */
static void
eng_hs_next(struct eng_w *w)
{
	while (w->hs_len > 0 &&
	    (w->max_inflight == 0 || w->hs_active < w->max_inflight)) {
		struct eng_ap *a = &w->e->aps[w->hs_wait[w->hs_head]];

		w->hs_head = (w->hs_head + 1) % w->hs_cap;
		w->hs_len--;
		if (!a->hs_queued)
			continue; /* stopped while waiting */
		if (eng_hs_begin(a) < 0) {
			struct cs_dtls_outcome o = { .reason =
				                         "cannot start DTLS" };

			cs_ap_dtls_done(a->ap, &o, eng_now(w->e));
		}
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
	if (w->max_inflight != 0 && w->hs_active >= w->max_inflight &&
	    w->hs_len < w->hs_cap) {
		/* a join storm: wait for a slot rather than flood the
		 * controller (and the socket buffers) with handshakes that
		 * then time out and retransmit */
		w->hs_wait[(w->hs_head + w->hs_len++) % w->hs_cap] = a->idx;
		a->hs_queued = true;
		return 0;
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
		e->cfg.on_ap_event(e->cfg.obs_ctx, a->idx, a->mac, ev);
}

static uint32_t
ap_rand(void *ctx, uint32_t bound)
{
	struct eng_ap *a = ctx;

	return eng_rand(a->w, bound);
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
	struct eng_w *w = a->w;
	struct eng_dtls *d = a->d;
	struct cs_dtls_outcome o = { 0 };

	/* the AP may have stopped the session from inside its own
	 * callback (a failed Join tears DTLS down): nothing left to do */
	if (d == NULL || d->dead)
		return;
	if (r == CS_DTLS_ESTABLISHED && !d->established) {
		d->established = true;
		cs_timerq_cancel(&w->tq, &a->t_dtls);
		eng_hs_release(a);
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
		cs_facts_dtls_fail(eng_facts(a), (int)f->code, f->local,
		    f->alert, reason, now);
		ap_dtls_stop(a, false);
		cs_ap_dtls_done(a->ap, &o, now);
		return;
	}
	eng_dtls_timer(w, a->d, &a->t_dtls);
}

/* A datagram reaches the AP (after NAT and impairment). */
static void
ap_deliver(struct eng_ap *a, int ch, uint32_t src_ip, uint16_t src_port,
    const uint8_t *pkt, size_t len)
{
	struct cs_engine *e = a->w->e;
	uint64_t now = eng_now(e);

	if (a->ap == NULL || len == 0)
		return;
	cs_facts_wire_peer(eng_facts(a), CS_DIR_DOWN,
	    ch ? CS_CHAN_DATA : CS_CHAN_CONTROL, src_ip, src_port, pkt, len,
	    now);
	if (e->cfg.capture != NULL && e->cfg.capture_at_ap)
		cs_capture_wire(e->cfg.capture, eng_wall_us(e), CS_DIR_DOWN,
		    src_ip, src_port, a->ip, a->w->ap_port[ch], pkt, len);
	if (ch == 0 && (pkt[0] & 0x0f) == 1) {
		/* DTLS from the AC we talk to; anything else is stray */
		if (a->d == NULL || a->d->dead || src_ip != a->ac_ip ||
		    src_port != a->ac_port)
			return;
		ap_dtls_result(a, cs_dtls_input(a->d->s, pkt, len), now);
		return;
	}
	if (e->cfg.capture != NULL)
		cs_capture_clear(e->cfg.capture, eng_wall_us(e), CS_DIR_DOWN,
		    ch ? CS_CHAN_DATA : CS_CHAN_CONTROL, src_ip, src_port,
		    a->ip, a->w->ap_port[ch], pkt, len);
	cs_ap_input_clear(a->ap, ch ? CS_CHAN_DATA : CS_CHAN_CONTROL, src_ip,
	    src_port, pkt, len, now);
}

/* A datagram for AP address dst_ip arrived on the wire (from an AP
 * socket, or from a NAT port after translation back). */
static void
ap_input_from(struct eng_w *w, int ch, uint32_t dst_ip, uint32_t src_ip,
    uint16_t src_port, const uint8_t *pkt, size_t len)
{
	struct eng_ap *a = eng_ap_by_ip(w, dst_ip);
	struct cs_pkt_meta m;

	if (a == NULL || a->ap == NULL || len == 0)
		return;
	if (w->nat != NULL)
		src_ip = cs_nat_return_src(w->nat, src_ip);
	memset(&m, 0, sizeof(m));
	m.dir = CS_DIR_DOWN;
	m.chan = ch ? CS_CHAN_DATA : CS_CHAN_CONTROL;
	m.src_ip = src_ip;
	m.src_port = src_port;
	m.dst_ip = a->ip;
	m.dst_port = w->ap_port[ch];
	m.pkt = pkt;
	m.len = len;
	m.now_ms = eng_now(w->e);
	eng_impair(w, a, &m);
}

static void
ap_input(struct eng_w *w, int ch, const struct cs_udp_pkt *pk)
{
	struct cs_engine *e = w->e;

	if (pk->is_truncated || pk->len == 0)
		return;
	if (e->cfg.capture != NULL && !e->cfg.capture_at_ap)
		cs_capture_wire(e->cfg.capture, eng_wall_us(e), CS_DIR_DOWN,
		    pk->src_ip, pk->src_port, pk->dst_ip, w->ap_port[ch],
		    pk->buf, pk->len);
	ap_input_from(
	    w, ch, pk->dst_ip, pk->src_ip, pk->src_port, pk->buf, pk->len);
}

/* A datagram on a NAT port: translate back (or drop, as the NAT would). */
static void
nat_input(struct eng_w *w, struct eng_natsock *ns, const struct cs_udp_pkt *pk)
{
	struct cs_engine *e = w->e;
	uint32_t ap_ip;
	uint16_t ap_port;

	if (pk->is_truncated || pk->len == 0)
		return;
	if (e->cfg.capture != NULL && !e->cfg.capture_at_ap)
		cs_capture_wire(e->cfg.capture, eng_wall_us(e), CS_DIR_DOWN,
		    pk->src_ip, pk->src_port, pk->dst_ip, ns->port, pk->buf,
		    pk->len);
	if (cs_nat_in(
	        w->nat, pk->dst_ip, ns->port, eng_now(e), &ap_ip, &ap_port) < 0)
		return;
	ap_input_from(w, ap_port == w->ap_port[1], ap_ip, pk->src_ip,
	    pk->src_port, pk->buf, pk->len);
}

static void
ap_timer(struct eng_ap *a, int kind, uint64_t now)
{
	if (kind == K_AP_DTLS) {
		if (a->d != NULL && !a->d->dead)
			ap_dtls_result(a, cs_dtls_on_timer(a->d->s), now);
		return;
	}
	cs_ap_timer_fired(a->ap, (enum cs_ap_timer)kind, now);
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
static void
eng_pace(struct eng_w *w, uint64_t now)
{
	struct cs_engine *e = w->e;
	unsigned want = w->n_aps;

	if (w->stopping)
		return;
	if (w->rate > 0) {
		double due = eng_pace_due(
		    w->rate, e->cfg.rate_ramp_s, (double)now / 1000.0);

		if (due < (double)want)
			want = (unsigned)due;
	}
	while (w->started < want) {
		struct eng_ap *a = &e->aps[w->id + w->started * e->n_w];

		w->started++;
		cs_metrics_ap_start(&a->track, now);
		if (cs_ap_start(a->ap, now) < 0)
			cs_logf(e->cfg.log, CS_LOG_ERR,
			    "engine: AP %u failed to start", a->idx + 1);
	}
	if (w->started < w->n_aps) {
		uint64_t step = 10;

		if (w->rate > 0 && w->rate < 100 && e->cfg.rate_ramp_s <= 0)
			step = (uint64_t)(1000.0 / w->rate);
		eng_arm(w, &w->t_pace, step);
	}
}

/* --- WLC side --------------------------------------------------------- */

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

/* Unlinks a peer, stops its timers and DTLS, and queues it for freeing. */
static void
eng_peer_forget(struct eng_w *w, struct eng_peer *p)
{
	struct eng_peer **pp;

	if (p->dead)
		return;
	p->dead = true;
	for (pp = &w->peers[peer_hash(w, p->ip, p->port)]; *pp != NULL;
	     pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	w->n_peers--;
	for (int t = 0; t < CS_WLC_T__COUNT; t++)
		cs_timerq_cancel(&w->tq, &p->t[t]);
	cs_timerq_cancel(&w->tq, &p->t_dtls);
	cs_timerq_cancel(&w->tq, &p->t_reap);
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

	if (d->dead)
		return 0;
	return eng_send(
	    d->w, Q_WLC_CTL, 0, d->peer->ip, d->peer->port, dgram, len);
}

static void
peer_dtls_recv(void *ctx, const uint8_t *plain, size_t len)
{
	struct eng_dtls *d = ctx;

	if (d->dead || d->peer->sess == NULL)
		return;
	cs_wlc_sess_input(d->peer->sess, plain, len, eng_now(d->w->e));
}

static const struct cs_dtls_io peer_dtls_io = {
	.send = peer_dtls_wire_send,
	.recv = peer_dtls_recv,
};

static struct eng_peer *
peer_new(struct eng_w *w, uint32_t ip, uint16_t port)
{
	struct eng_peer *p;
	uint8_t addr[6] = { ip >> 24, ip >> 16, ip >> 8, ip, port >> 8, port };
	size_t h;

	if (w->n_peers >= w->peer_buckets && peer_grow(w) < 0)
		return NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->w = w;
	p->ip = ip;
	p->port = port;
	for (int t = 0; t < CS_WLC_T__COUNT; t++)
		cs_tslot_init(&p->t[t], p, K_PEER + t);
	cs_tslot_init(&p->t_dtls, p, K_PEER_DTLS);
	cs_tslot_init(&p->t_reap, p, K_PEER_REAP);
	if ((p->d = eng_dtls_new(w, w->e->cfg.wlc_dtls, &peer_dtls_io, 0)) ==
	    NULL) {
		free(p);
		return NULL;
	}
	p->d->peer = p;
	cs_dtls_set_peer(p->d->s, addr, sizeof(addr));
	h = peer_hash(w, ip, port);
	p->next = w->peers[h];
	w->peers[h] = p;
	w->n_peers++;
	eng_arm(w, &p->t_reap, ENG_UNVERIFIED_MS);
	return p;
}

static void
peer_dtls_failed(struct eng_w *w, struct eng_peer *p, uint64_t now)
{
	const struct cs_dtls_failure *f = cs_dtls_failure(p->d->s);
	struct cs_dtls_outcome o = { 0 };

	o.reason = f->reason[0] ? f->reason : "DTLS handshake failed";
	o.reason_code = (int)f->code;
	cs_wlc_sess_dtls_failed(w->wlc, p->ip, p->port, &o, now);
	eng_peer_forget(w, p);
}

static void
peer_dtls_result(struct eng_w *w, struct eng_peer *p, int r, uint64_t now)
{
	/* the WLC may have closed the session from inside the callback
	 * (Join refused: result code, then teardown) */
	if (p->dead || p->d == NULL || p->d->dead)
		return;
	if (r == CS_DTLS_ESTABLISHED && !p->d->established) {
		struct cs_cert_info ci;
		const char *cn = NULL;

		p->d->established = true;
		cs_timerq_cancel(&w->tq, &p->t_dtls);
		cs_timerq_cancel(&w->tq, &p->t_reap);
		if (cs_dtls_peer_cert(p->d->s, &ci) == 0)
			cn = ci.subject_cn;
		if (cs_wlc_sess_open(
		        w->wlc, &p->sess, p->ip, p->port, cn, now) < 0) {
			cs_logf(w->e->cfg.log, CS_LOG_ERR,
			    "wlc: cannot open a session (out of memory)");
			eng_peer_forget(w, p);
			return;
		}
		cs_wlc_sess_set_ctx(p->sess, p);
		return;
	}
	if (r == CS_DTLS_CLOSED) {
		struct cs_wlc_sess *s = p->sess;

		p->sess = NULL;
		eng_peer_forget(w, p);
		if (s != NULL)
			cs_wlc_sess_closed(s);
		return;
	}
	if (r == -EPROTO || r == -ETIMEDOUT) {
		struct cs_wlc_sess *s = p->sess;

		if (s == NULL) {
			peer_dtls_failed(w, p, now);
			return;
		}
		p->sess = NULL;
		eng_peer_forget(w, p);
		cs_wlc_sess_closed(s);
		return;
	}
	if (!p->is_verified && cs_dtls_peer_verified(p->d->s)) {
		/* a returned cookie proves the address: allow WaitDTLS */
		p->is_verified = true;
		eng_arm(w, &p->t_reap, ENG_WAIT_DTLS_MS);
	}
	eng_dtls_timer(w, p->d, &p->t_dtls);
}

/* Whether the datagram is a ClientHello, and whether it starts a
 * handshake (message_seq 0: no cookie yet, RFC 6347 §4.2.2). */
static bool
wlc_first_hello(const uint8_t *buf, size_t len, bool *fresh)
{
	struct cs_dtls_peek pk;

	*fresh = false;
	if (cs_dtls_peek_capwap(buf, len, &pk, NULL) < 0 ||
	    cs_dtls_classify(&pk) != CS_DTLS_KIND_CLIENT_HELLO)
		return false;
	for (unsigned i = 0; i < pk.n_hs; i++)
		if (pk.hs[i].msg_type == CS_DTLS_HS_CLIENT_HELLO &&
		    pk.hs[i].message_seq == 0)
			*fresh = true;
	return true;
}

static void
wlc_input(struct eng_w *w, int ch, const struct cs_udp_pkt *pk)
{
	uint64_t now = eng_now(w->e);
	struct eng_peer *p;
	bool is_hello, fresh;

	if (pk->is_truncated || pk->len == 0)
		return;
	if (ch == 1 || (pk->buf[0] & 0x0f) == 0) {
		cs_wlc_input_clear(w->wlc, ch ? CS_CHAN_DATA : CS_CHAN_CONTROL,
		    pk->src_ip, pk->src_port, pk->buf, pk->len, now);
		return;
	}
	is_hello = wlc_first_hello(pk->buf, pk->len, &fresh);
	if (is_hello)
		w->wlc_client_hellos++;
	p = peer_find(w, pk->src_ip, pk->src_port);
	if (p != NULL && p->d != NULL && is_hello &&
	    (p->d->established || (fresh && !p->is_verified))) {
		/* The AP restarted its DTLS session from the same address:
		 * the old session is gone on its side.  Before the cookie
		 * came back nothing is kept either (RFC 6347 §4.2.1: the
		 * server stays stateless until then): a ClientHello that
		 * starts over gets a new session, not the old one's
		 * expectations (the cookie of a lost HelloVerifyRequest). */
		struct cs_wlc_sess *s = p->sess;

		p->sess = NULL;
		eng_peer_forget(w, p);
		if (s != NULL)
			cs_wlc_sess_closed(s);
		p = NULL;
	}
	if (p == NULL) {
		if (!is_hello)
			return; /* not the start of a handshake: stray */
		if ((p = peer_new(w, pk->src_ip, pk->src_port)) == NULL) {
			cs_logf(w->e->cfg.log, CS_LOG_ERR,
			    "wlc: no memory for a DTLS peer");
			return;
		}
	}
	if (!p->is_verified && p->hellos < UINT16_MAX)
		p->hellos++;
	peer_dtls_result(w, p, cs_dtls_input(p->d->s, pk->buf, pk->len), now);
}

static int
wlc_send_clear(void *ctx, enum cs_chan ch, uint32_t dst_ip, uint16_t dst_port,
    const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	struct eng_w *w = ctx;

	(void)hint;
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
	return cs_dtls_send(p->d->s, pkt, len);
}

static void
wlc_sess_close(void *ctx, struct cs_wlc_sess *s, bool graceful)
{
	struct eng_w *w = ctx;
	struct eng_peer *p = cs_wlc_sess_ctx(s);

	if (p != NULL) {
		if (graceful && p->d != NULL && p->d->established &&
		    !p->d->dead)
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

static void
peer_timer(struct eng_w *w, struct eng_peer *p, int kind, uint64_t now)
{
	if (p->dead)
		return;
	if (kind == K_PEER_DTLS) {
		if (p->d != NULL && !p->d->dead)
			peer_dtls_result(w, p, cs_dtls_on_timer(p->d->s), now);
		return;
	}
	if (kind == K_PEER_REAP) {
		if (p->d != NULL && !p->d->established) {
			if (cs_dtls_peer_verified(p->d->s)) {
				peer_dtls_failed(w, p, now);
			} else {
				/* the controller's side of a return-path loss:
				 * it answered, the AP never came back with the
				 * cookie */
				char a[16];

				cs_logf(w->e->cfg.log, CS_LOG_WARN,
				    "wlc: DTLS handshake failure with peer "
				    "%s:%u: %u ClientHello(s) answered with a "
				    "HelloVerifyRequest, none came back with "
				    "the "
				    "cookie in %u s (replies not reaching the "
				    "AP?)",
				    cs_ipv4_str(p->ip, a), p->port, p->hellos,
				    ENG_UNVERIFIED_MS / 1000);
				eng_peer_forget(w, p); /* never proved itself */
			}
		}
		return;
	}
	if (p->sess != NULL)
		cs_wlc_sess_timer_fired(
		    p->sess, (enum cs_wlc_timer)(kind - K_PEER), now);
}

/* --- delayed datagrams and NAT ports ---------------------------------- */

static void
eng_delayed_fire(struct eng_w *w, struct eng_delayed *d)
{
	if (d->ap < w->e->cfg.n_aps) {
		struct eng_ap *a = &w->e->aps[d->ap];

		if (d->dir == CS_DIR_UP)
			eng_wire_up(w, a, d->ch, d->dst_ip, d->dst_port,
			    d->data, d->len);
		else
			ap_deliver(
			    a, d->ch, d->src_ip, d->src_port, d->data, d->len);
	}
	free(d);
}

static void eng_on_nat(evutil_socket_t fd, short what, void *arg);

/* cs_nat_alloc_fn: a new external port is a new socket on the NAT's
 * external address (the kernel picks a free port). */
static int
eng_nat_alloc(void *ctx, uint32_t ap_ip, uint16_t ap_port, uint16_t *ext_port)
{
	struct eng_w *w = ctx;
	struct eng_natsock *ns;
	int fd;

	(void)ap_ip;
	(void)ap_port;
	if (w->n_natsocks == w->cap_natsocks) {
		size_t cap = w->cap_natsocks ? w->cap_natsocks * 2 : 16;
		struct eng_natsock **v = realloc(w->natsocks, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		w->natsocks = v;
		w->cap_natsocks = cap;
	}
	if ((fd = cs_udp_open(w->e->cfg.nat->ext_ip, 0, false)) < 0)
		return fd;
	if ((ns = calloc(1, sizeof(*ns))) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	ns->w = w;
	ns->fd = fd;
	cs_udp_local_port(fd, &ns->port);
	ns->ev = event_new(w->base, fd, EV_READ | EV_PERSIST, eng_on_nat, ns);
	if (ns->ev == NULL) {
		close(fd);
		free(ns);
		return -ENOMEM;
	}
	event_add(ns->ev, NULL);
	w->natsocks[w->n_natsocks++] = ns;
	*ext_port = ns->port;
	return 0;
}

static void
eng_natsock_free(struct eng_natsock *ns)
{
	if (ns == NULL)
		return;
	event_free(ns->ev);
	close(ns->fd);
	free(ns);
}

/* cs_nat_release_fn: the mapping is gone; so is its port.  Datagrams
 * still in flight to it meet a closed port, as after a NAT timeout. */
static void
eng_nat_release(void *ctx, uint16_t ext_port)
{
	struct eng_w *w = ctx;

	for (size_t i = 0; i < w->n_natsocks; i++)
		if (w->natsocks[i]->port == ext_port) {
			eng_natsock_free(w->natsocks[i]);
			w->natsocks[i] = w->natsocks[--w->n_natsocks];
			return;
		}
}

/* --- loop callbacks --------------------------------------------------- */

static void
eng_on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct eng_w *w = arg;
	uint64_t now_us, now;
	struct cs_tslot *s;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&w->mu);
	now_us = eng_now_us(w->e);
	now = now_us / 1000;
	w->ev_timer_due = UINT64_MAX;
	while ((s = cs_timerq_pop_due(&w->tq, now)) != NULL) {
		uint64_t due_us = s->due_ms * 1000;

		/* how late the loop serves timers (bench/scale) */
		cs_hist_record(
		    &w->lateness, now_us > due_us ? now_us - due_us : 0);
		if (s->kind == K_PACE)
			eng_pace(w, now);
		else if (s->kind == K_DELAY)
			eng_delayed_fire(w, s->owner);
		else if (s->kind == K_IMPAIR) {
			cs_impair_poll(w->imp, now, eng_release, w);
			eng_path_arm(w);
		} else if (s->kind == K_NAT) {
			cs_nat_expire_idle(w->nat, now);
			eng_arm(w, &w->t_nat, 1000);
		} else if (s->kind >= K_PEER)
			peer_timer(w, s->owner, s->kind, now);
		else
			ap_timer(s->owner, s->kind, now);
	}
	eng_after(w);
	pthread_mutex_unlock(&w->mu);
}

static void
eng_on_read(struct eng_w *w, int fd, bool is_wlc, int ch)
{
	struct cs_udp_pkt pk[ENG_RX_BATCH];

	pthread_mutex_lock(&w->mu);
	for (int round = 0; round < ENG_RX_BUDGET; round++) {
		int n;

		for (int i = 0; i < ENG_RX_BATCH; i++) {
			pk[i].buf = w->rx[i];
			pk[i].cap = sizeof(w->rx[i]);
		}
		n = cs_udp_recv_batch(fd, pk, ENG_RX_BATCH);
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			if (is_wlc)
				wlc_input(w, ch, &pk[i]);
			else
				ap_input(w, ch, &pk[i]);
		}
		if (n < ENG_RX_BATCH)
			break;
	}
	eng_after(w);
	pthread_mutex_unlock(&w->mu);
}

static void
eng_on_nat(evutil_socket_t fd, short what, void *arg)
{
	struct eng_natsock *ns = arg;
	struct eng_w *w = ns->w;
	struct cs_udp_pkt pk[ENG_RX_BATCH];
	int n;

	(void)what;
	pthread_mutex_lock(&w->mu);
	for (int i = 0; i < ENG_RX_BATCH; i++) {
		pk[i].buf = w->rx[i];
		pk[i].cap = sizeof(w->rx[i]);
	}
	n = cs_udp_recv_batch(fd, pk, ENG_RX_BATCH);
	/* nat_input may close this very socket (idle expiry on the way):
	 * look it up again for every datagram */
	for (int i = 0; i < n; i++) {
		struct eng_natsock *cur = NULL;

		for (size_t k = 0; k < w->n_natsocks; k++)
			if (w->natsocks[k]->fd == fd)
				cur = w->natsocks[k];
		if (cur == NULL)
			break;
		nat_input(w, cur, &pk[i]);
	}
	eng_after(w);
	pthread_mutex_unlock(&w->mu);
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

/* Creates the state machine of AP a (identity from its index). */
static int
eng_ap_make(struct cs_engine *e, struct eng_ap *a)
{
	const struct cs_engine_cfg *c = &e->cfg;
	struct cs_ap_cfg apc = c->ap;
	struct cs_ap_io io = eng_ap_io;
	char name[64];
	int r;

	snprintf(name, sizeof(name), "%s%05u",
	    c->ap_name_prefix ? c->ap_name_prefix : "capsim-ap-", a->idx + 1);
	memcpy(apc.mac, a->mac, 6);
	apc.ip = a->ip;
	apc.name = name;
	apc.serial = name;
	io.ctx = a;
	if ((r = cs_ap_new(&a->ap, &apc, &io)) < 0)
		return cs_log_err(c->log, r,
		    "engine: invalid AP configuration (AP %u)", a->idx + 1);
	return 0;
}

static int
eng_new_ap(struct cs_engine *e, unsigned i)
{
	const struct cs_engine_cfg *c = &e->cfg;
	struct eng_ap *a = &e->aps[i];
	uint64_t mac = 0;
	int r;

	a->w = e->w[i % e->n_w];
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
	if ((r = eng_ap_make(e, a)) < 0)
		return r;
	a->w->states[CS_AP_IDLE]++;
	return 0;
}

static int
eng_new_aps(struct cs_engine *e)
{
	const struct cs_engine_cfg *c = &e->cfg;
	int r;

	if (c->n_aps == 0)
		return 0;
	if (c->ap_dtls == NULL)
		return cs_log_err(
		    c->log, -EINVAL, "engine: APs need a DTLS client context");
	if ((uint64_t)c->ap_base_ip + c->n_aps > UINT32_MAX)
		return cs_log_err(c->log, -EINVAL,
		    "engine: %u APs from the base address run past "
		    "255.255.255.255",
		    c->n_aps);
	if ((r = eng_check_local(e, c->ap_base_ip)) < 0 ||
	    (r = eng_check_local(e, c->ap_base_ip + c->n_aps - 1)) < 0)
		return r;
	if ((e->aps = calloc(c->n_aps, sizeof(*e->aps))) == NULL ||
	    (e->facts = calloc(c->n_aps, sizeof(*e->facts))) == NULL)
		return -ENOMEM;
	for (unsigned i = 0; i < c->n_aps; i++) {
		cs_facts_init(&e->facts[i]);
		if (c->ap_clock_skew_s != 0)
			cs_facts_clock_skew(&e->facts[i], c->ap_clock_skew_s);
	}
	for (unsigned k = 0; k < e->n_w; k++) {
		struct eng_w *w = e->w[k];

		w->n_aps = c->n_aps / e->n_w + (k < c->n_aps % e->n_w);
		w->rate = c->rate / e->n_w;
		w->max_inflight = c->max_inflight == 0
		    ? 0
		    : (c->max_inflight + e->n_w - 1) / e->n_w;
		w->hs_cap = 2 * (size_t)w->n_aps + 1;
		if ((w->hs_wait = calloc(w->hs_cap, sizeof(*w->hs_wait))) ==
		    NULL)
			return -ENOMEM;
		for (int ch = 0; ch < 2; ch++) {
			if ((w->ap_fd[ch] = cs_udp_open(0, 0, false)) < 0)
				return cs_log_err(c->log, w->ap_fd[ch],
				    "engine: cannot open an AP socket: %s",
				    strerror(-w->ap_fd[ch]));
			/* broadcast discovery (RFC 5415 §3.3) sends to
			 * 255.255.255.255 from the control socket */
			if (ch == 0)
				(void)cs_udp_set_broadcast(w->ap_fd[ch]);
			cs_udp_local_port(w->ap_fd[ch], &w->ap_port[ch]);
			w->txq[ch == 0 ? Q_AP_CTL : Q_AP_DATA].fd =
			    w->ap_fd[ch];
			w->ap_ev[ch] = event_new(w->base, w->ap_fd[ch],
			    EV_READ | EV_PERSIST,
			    ch ? eng_on_ap_data : eng_on_ap_ctl, w);
			if (w->ap_ev[ch] == NULL)
				return -ENOMEM;
		}
	}
	for (unsigned i = 0; i < c->n_aps; i++)
		if ((r = eng_new_ap(e, i)) < 0)
			return r;
	return 0;
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
		.ctx = w,
	};
	char a[16];
	int r;

	for (int ch = 0; ch < 2; ch++) {
		uint16_t p = (uint16_t)(port + ch);

		w->wlc_fd[ch] = e->n_w > 1
		    ? cs_udp_open_reuseport(c->wlc.listen_ip, p)
		    : cs_udp_open(c->wlc.listen_ip, p, false);
		if (w->wlc_fd[ch] < 0)
			return cs_log_err(c->log, w->wlc_fd[ch],
			    "wlc: cannot listen on %s:%u: %s",
			    cs_ipv4_str(c->wlc.listen_ip, a), p,
			    strerror(-w->wlc_fd[ch]));
		w->txq[ch == 0 ? Q_WLC_CTL : Q_WLC_DATA].fd = w->wlc_fd[ch];
		w->wlc_ev[ch] =
		    event_new(w->base, w->wlc_fd[ch], EV_READ | EV_PERSIST,
		        ch ? eng_on_wlc_data : eng_on_wlc_ctl, w);
		if (w->wlc_ev[ch] == NULL)
			return -ENOMEM;
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

static int
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
	if (e->n_w > 1) {
		/* SO_REUSEPORT would let a second capsim on the same address
		 * silently take half of the APs: make sure nobody listens
		 * there before forming the group */
		for (int ch = 0; ch < 2; ch++) {
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
	if (e->n_w > 1)
		for (int ch = 0; ch < 2; ch++)
			if ((r = cs_udp_reuseport_by_src(
			         e->w[0]->wlc_fd[ch], e->n_w)) < 0)
				return cs_log_err(c->log, r,
				    "wlc: cannot steer the listening sockets "
				    "by source address: %s (run with "
				    "--workers 1)",
				    strerror(-r));
	return 0;
}

static struct eng_w *
eng_w_new(struct cs_engine *e, unsigned id)
{
	struct eng_w *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->e = e;
	w->id = id;
	pthread_mutex_init(&w->mu, NULL);
	w->ap_fd[0] = w->ap_fd[1] = w->wlc_fd[0] = w->wlc_fd[1] = -1;
	for (int i = 0; i < Q__COUNT; i++)
		w->txq[i].fd = -1;
	w->rng = (e->cfg.seed ? e->cfg.seed : 0x9E3779B97F4A7C15ULL) ^
	    ((uint64_t)(id + 1) * 0xD1B54A32D192ED03ULL);
	if (w->rng == 0)
		w->rng = 1;
	w->ev_timer_due = UINT64_MAX;
	cs_timerq_init(&w->tq);
	cs_metrics_init(&w->metrics);
	cs_hist_init(&w->lateness);
	cs_tslot_init(&w->t_pace, w, K_PACE);
	cs_tslot_init(&w->t_impair, w, K_IMPAIR);
	cs_tslot_init(&w->t_nat, w, K_NAT);
	if ((w->base = event_base_new()) == NULL ||
	    (w->ev_timer = evtimer_new(w->base, eng_on_timer, w)) == NULL)
		return w; /* caller checks base/ev_timer */
	return w;
}

/* The worker's packet path: its own impairment engine (same rules and
 * seed everywhere: verdicts depend on the AP, not on the worker) and its
 * own NAT (each AP's mappings live with the AP). */
static int
eng_w_path(struct eng_w *w)
{
	const struct cs_engine_cfg *c = &w->e->cfg;
	int r;

	if (c->n_rules > 0) {
		if ((r = cs_impair_new(&w->imp, c->seed)) < 0)
			return r;
		if ((w->verdict = malloc(sizeof(*w->verdict))) == NULL)
			return -ENOMEM;
		for (size_t i = 0; i < c->n_rules; i++) {
			unsigned id;

			if ((r = cs_impair_add(w->imp, &c->rules[i], &id)) < 0)
				return cs_log_err(c->log, r,
				    "engine: impairment rule %zu ('%s') is "
				    "invalid: %s",
				    i + 1, c->rules[i].name, strerror(-r));
		}
	}
	if (c->nat != NULL) {
		struct cs_nat_cfg nc = *c->nat;

		nc.alloc = eng_nat_alloc;
		nc.release = eng_nat_release;
		nc.alloc_ctx = w;
		if ((r = eng_check_local(w->e, nc.ext_ip)) < 0)
			return r;
		if ((r = cs_nat_new(&w->nat, &nc)) < 0)
			return cs_log_err(
			    c->log, r, "engine: invalid NAT configuration");
		if (nc.idle_timeout_ms > 0)
			eng_arm(w, &w->t_nat, 1000);
	}
	return 0;
}

static void
eng_w_free(struct eng_w *w)
{
	struct cs_tslot *ts;

	if (w == NULL)
		return;
	cs_nat_free(w->nat); /* releases (closes) every NAT port */
	free(w->natsocks);
	cs_impair_free(w->imp);
	free(w->verdict);
	while ((ts = cs_timerq_pop_due(&w->tq, UINT64_MAX)) != NULL)
		if (ts->kind == K_DELAY)
			free(ts->owner);
	for (int ch = 0; ch < 2; ch++) {
		if (w->ap_ev[ch] != NULL)
			event_free(w->ap_ev[ch]);
		if (w->wlc_ev[ch] != NULL)
			event_free(w->wlc_ev[ch]);
		if (w->ap_fd[ch] >= 0)
			close(w->ap_fd[ch]);
		if (w->wlc_fd[ch] >= 0)
			close(w->wlc_fd[ch]);
	}
	for (size_t i = 0; w->peers != NULL && i < w->peer_buckets; i++)
		while (w->peers[i] != NULL) {
			struct eng_peer *p = w->peers[i];

			p->sess = NULL; /* cs_wlc_free frees the sessions */
			eng_peer_forget(w, p);
		}
	eng_reap(w);
	cs_wlc_free(w->wlc);
	free(w->peers);
	free(w->hs_wait);
	free(w->grave_d);
	free(w->grave_p);
	if (w->ev_timer != NULL)
		event_free(w->ev_timer);
	if (w->base != NULL)
		event_base_free(w->base);
	cs_timerq_free(&w->tq);
	cs_metrics_free(&w->metrics);
	cs_hist_free(&w->lateness);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

int
cs_engine_new(struct cs_engine **ret, const struct cs_engine_cfg *cfg)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct cs_engine *e;
	int r;

	if (ret == NULL || cfg == NULL)
		return -EINVAL;
	if (cfg->workers > CS_ENGINE_MAX_WORKERS)
		return cs_log_err(cfg->log, -EINVAL,
		    "engine: at most %u workers", CS_ENGINE_MAX_WORKERS);
	/* bases are created from this thread and driven from others */
	pthread_once(&once, (void (*)(void))evthread_use_pthreads);
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -ENOMEM;
	e->cfg = *cfg;
	e->n_w = cfg->workers ? cfg->workers : 1;
	if (cfg->n_aps > 0 && e->n_w > cfg->n_aps && !cfg->wlc_enabled)
		e->n_w = cfg->n_aps;
	pthread_mutex_init(&e->pki_mu, NULL);
	cs_metrics_init(&e->merged);
	cs_hist_init(&e->lateness);
	clock_gettime(CLOCK_MONOTONIC, &e->t0);
	{
		struct timespec rt;

		clock_gettime(CLOCK_REALTIME, &rt);
		e->t0_wall_us =
		    (uint64_t)rt.tv_sec * 1000000 + (uint64_t)rt.tv_nsec / 1000;
	}
	if ((e->w = calloc(e->n_w, sizeof(*e->w))) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	for (unsigned k = 0; k < e->n_w; k++) {
		if ((e->w[k] = eng_w_new(e, k)) == NULL ||
		    e->w[k]->ev_timer == NULL) {
			r = -ENOMEM;
			goto fail;
		}
	}
	if ((r = eng_new_wlc(e)) < 0 || (r = eng_new_aps(e)) < 0)
		goto fail;
	for (unsigned k = 0; k < e->n_w; k++)
		if ((r = eng_w_path(e->w[k])) < 0)
			goto fail;
	*ret = e;
	return 0;
fail:
	cs_engine_free(e);
	return r;
}

static void *
eng_thread(void *arg)
{
	struct eng_w *w = arg;

	pthread_mutex_lock(&w->mu);
	for (int ch = 0; ch < 2; ch++) {
		if (w->wlc_ev[ch] != NULL)
			event_add(w->wlc_ev[ch], NULL);
		if (w->ap_ev[ch] != NULL)
			event_add(w->ap_ev[ch], NULL);
	}
	eng_pace(w, eng_now(w->e));
	eng_after(w);
	pthread_mutex_unlock(&w->mu);
	event_base_loop(w->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

int
cs_engine_start(struct cs_engine *e)
{
	if (e == NULL || e->started)
		return -EINVAL;
	e->started = true;
	for (unsigned k = 0; k < e->n_w; k++) {
		int r = pthread_create(&e->w[k]->th, NULL, eng_thread, e->w[k]);

		if (r != 0)
			return cs_log_err(e->cfg.log, -r,
			    "engine: cannot start worker %u: %s", k,
			    strerror(r));
		e->w[k]->th_running = true;
	}
	return 0;
}

static void
eng_w_stop_aps(struct eng_w *w)
{
	struct cs_engine *e = w->e;

	w->stopping = true;
	cs_timerq_cancel(&w->tq, &w->t_pace);
	for (unsigned i = w->id; i < e->cfg.n_aps; i += e->n_w) {
		struct eng_ap *a = &e->aps[i];

		if (a->d != NULL)
			ap_dtls_stop(a, true);
		for (int t = 0; t < CS_AP_T__COUNT; t++)
			cs_timerq_cancel(&w->tq, &a->t[t]);
	}
	eng_after(w);
}

void
cs_engine_stop(struct cs_engine *e)
{
	if (e == NULL || e->stopped)
		return;
	e->stopped = true;
	for (unsigned k = 0; k < e->n_w; k++) {
		struct eng_w *w = e->w[k];

		pthread_mutex_lock(&w->mu);
		eng_w_stop_aps(w);
		pthread_mutex_unlock(&w->mu);
	}
	if (!e->started)
		return;
	/* let the close_notify datagrams reach an embedded WLC */
	usleep(50000);
	for (unsigned k = 0; k < e->n_w; k++)
		event_base_loopexit(e->w[k]->base, NULL);
	for (unsigned k = 0; k < e->n_w; k++)
		if (e->w[k]->th_running) {
			pthread_join(e->w[k]->th, NULL);
			e->w[k]->th_running = false;
		}
}

void
cs_engine_free(struct cs_engine *e)
{
	if (e == NULL)
		return;
	if (e->started && !e->stopped)
		cs_engine_stop(e);
	if (e->aps != NULL) {
		for (unsigned i = 0; i < e->cfg.n_aps; i++) {
			struct eng_ap *a = &e->aps[i];

			if (a->d != NULL)
				eng_bury_dtls(a->w, a->d);
			cs_ap_free(a->ap);
		}
	}
	for (unsigned k = 0; e->w != NULL && k < e->n_w; k++)
		eng_w_free(e->w[k]);
	free(e->w);
	free(e->aps);
	free(e->facts);
	cs_metrics_free(&e->merged);
	cs_hist_free(&e->lateness);
	pthread_mutex_destroy(&e->pki_mu);
	free(e);
}

unsigned
cs_engine_workers(const struct cs_engine *e)
{
	return e->n_w;
}

void
cs_engine_ap_states(const struct cs_engine *e, unsigned *counts)
{
	memset(counts, 0, sizeof(*counts) * CS_AP__COUNT);
	for (unsigned k = 0; k < e->n_w; k++) {
		struct eng_w *w = e->w[k];

		pthread_mutex_lock(&w->mu);
		for (int s = 0; s < CS_AP__COUNT; s++)
			counts[s] += w->states[s];
		pthread_mutex_unlock(&w->mu);
	}
}

const struct cs_metrics *
cs_engine_metrics(const struct cs_engine *ce)
{
	struct cs_engine *e = (struct cs_engine *)(uintptr_t)ce;

	cs_metrics_free(&e->merged);
	cs_metrics_init(&e->merged);
	for (unsigned k = 0; k < e->n_w; k++) {
		struct eng_w *w = e->w[k];

		pthread_mutex_lock(&w->mu);
		if (cs_metrics_merge(&e->merged, &w->metrics) < 0)
			cs_logf(e->cfg.log, CS_LOG_ERR,
			    "engine: out of memory merging metrics");
		pthread_mutex_unlock(&w->mu);
	}
	return &e->merged;
}

const struct cs_hist *
cs_engine_timer_lateness(const struct cs_engine *ce)
{
	struct cs_engine *e = (struct cs_engine *)(uintptr_t)ce;

	cs_hist_free(&e->lateness);
	cs_hist_init(&e->lateness);
	for (unsigned k = 0; k < e->n_w; k++) {
		pthread_mutex_lock(&e->w[k]->mu);
		cs_hist_merge(&e->lateness, &e->w[k]->lateness);
		pthread_mutex_unlock(&e->w[k]->mu);
	}
	return &e->lateness;
}

const struct cs_ap_track *
cs_engine_ap_track(const struct cs_engine *e, unsigned idx)
{
	if (idx >= e->cfg.n_aps)
		return NULL;
	return &e->aps[idx].track;
}

struct cs_wlc *
cs_engine_wlc_shard(const struct cs_engine *e, unsigned k)
{
	return k < e->n_w ? e->w[k]->wlc : NULL;
}

void
cs_engine_with_worker(struct cs_engine *e, unsigned k,
    void (*fn)(void *arg, struct cs_engine *e, unsigned k), void *arg)
{
	struct eng_w *w;

	if (k >= e->n_w)
		return;
	w = e->w[k];
	pthread_mutex_lock(&w->mu);
	fn(arg, e, k);
	eng_after(w);
	pthread_mutex_unlock(&w->mu);
}

/* --- timeline actions (main thread) ------------------------------------ */

struct eng_rule_op {
	unsigned id;
	bool on;
	int r;
	struct cs_impair_stats st;
};

static void
eng_rule_enable_w(void *arg, struct cs_engine *e, unsigned k)
{
	struct eng_rule_op *op = arg;
	struct eng_w *w = e->w[k];

	if (w->imp == NULL) {
		op->r = -ENOENT;
		return;
	}
	op->r = cs_impair_enable(w->imp, op->id, op->on);
}

int
cs_engine_rule_enable(struct cs_engine *e, unsigned id, bool on)
{
	struct eng_rule_op op = { .id = id, .on = on, .r = -ENOENT };

	for (unsigned k = 0; k < e->n_w; k++)
		cs_engine_with_worker(e, k, eng_rule_enable_w, &op);
	return op.r;
}

static void
eng_rule_stats_w(void *arg, struct cs_engine *e, unsigned k)
{
	struct eng_rule_op *op = arg;
	struct cs_impair_stats st;

	if (e->w[k]->imp == NULL ||
	    cs_impair_rule_stats(e->w[k]->imp, op->id, &st) < 0) {
		op->r = -ENOENT;
		return;
	}
	op->st.matched += st.matched;
	op->st.dropped += st.dropped;
	op->st.delayed += st.delayed;
	op->st.duplicated += st.duplicated;
	op->st.corrupted += st.corrupted;
	op->st.truncated += st.truncated;
	op->st.held += st.held;
	op->st.released += st.released;
}

int
cs_engine_rule_stats(
    struct cs_engine *e, unsigned id, struct cs_impair_stats *out)
{
	struct eng_rule_op op = { .id = id, .r = 0 };

	for (unsigned k = 0; k < e->n_w && op.r == 0; k++)
		cs_engine_with_worker(e, k, eng_rule_stats_w, &op);
	if (op.r == 0)
		*out = op.st;
	return op.r;
}

static void
eng_link_down_w(void *arg, struct cs_engine *e, unsigned k)
{
	e->w[k]->link_down_until = *(const uint64_t *)arg;
}

void
cs_engine_link_down(struct cs_engine *e, uint64_t for_ms)
{
	uint64_t until = eng_now(e) + for_ms;

	for (unsigned k = 0; k < e->n_w; k++)
		cs_engine_with_worker(e, k, eng_link_down_w, &until);
}

static void
eng_nat_op_w(void *arg, struct cs_engine *e, unsigned k)
{
	struct eng_w *w = e->w[k];

	if (w->nat == NULL)
		return;
	if (*(const int *)arg == 0)
		cs_nat_rebind(w->nat, eng_now(e));
	else
		cs_nat_expire_all(w->nat, eng_now(e));
}

int
cs_engine_nat_rebind(struct cs_engine *e)
{
	int op = 0;

	if (e->cfg.nat == NULL)
		return -ENOENT;
	for (unsigned k = 0; k < e->n_w; k++)
		cs_engine_with_worker(e, k, eng_nat_op_w, &op);
	return 0;
}

int
cs_engine_nat_expire(struct cs_engine *e)
{
	int op = 1;

	if (e->cfg.nat == NULL)
		return -ENOENT;
	for (unsigned k = 0; k < e->n_w; k++)
		cs_engine_with_worker(e, k, eng_nat_op_w, &op);
	return 0;
}

static void
eng_nat_stats_w(void *arg, struct cs_engine *e, unsigned k)
{
	struct cs_nat_stats *sum = arg, st;

	if (e->w[k]->nat == NULL)
		return;
	cs_nat_stats(e->w[k]->nat, &st);
	sum->mappings += st.mappings;
	sum->active += st.active;
	sum->expired_idle += st.expired_idle;
	sum->expired_forced += st.expired_forced;
	sum->rebound += st.rebound;
	sum->out_pkts += st.out_pkts;
	sum->in_pkts += st.in_pkts;
	sum->in_no_mapping += st.in_no_mapping;
	sum->in_no_reverse += st.in_no_reverse;
	sum->alloc_failures += st.alloc_failures;
}

int
cs_engine_nat_stats(struct cs_engine *e, struct cs_nat_stats *out)
{
	if (e->cfg.nat == NULL)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	for (unsigned k = 0; k < e->n_w; k++)
		cs_engine_with_worker(e, k, eng_nat_stats_w, out);
	return 0;
}

static void
eng_wlc_restart_w(void *arg, struct cs_engine *e, unsigned k)
{
	(void)arg;
	if (e->w[k]->wlc != NULL)
		cs_wlc_restart(e->w[k]->wlc, eng_now(e));
}

int
cs_engine_wlc_restart(struct cs_engine *e)
{
	if (!e->cfg.wlc_enabled)
		return -ENOENT;
	for (unsigned k = 0; k < e->n_w; k++)
		cs_engine_with_worker(e, k, eng_wlc_restart_w, NULL);
	return 0;
}

/* Power-cycles AP a: no close_notify, a fresh state machine, a new
 * start (a reboot storm is many of these at once). */
static int
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
	cs_ap_free(a->ap);
	a->ap = NULL;
	ap_event(a, &ev);
	/* a power cycle starts a new life: the diagnosis explains the
	 * current one (the metrics keep that Run was left) */
	cs_facts_init(&e->facts[a->idx]);
	if (e->cfg.ap_clock_skew_s != 0)
		cs_facts_clock_skew(&e->facts[a->idx], e->cfg.ap_clock_skew_s);
	if ((r = eng_ap_make(e, a)) < 0)
		return r;
	if (started && !a->w->stopping) {
		cs_metrics_ap_start(&a->track, now);
		return cs_ap_start(a->ap, now);
	}
	return 0;
}

struct eng_reboot_op {
	bool (*sel)(void *ctx, unsigned ap, const uint8_t mac[6]);
	void *ctx;
	unsigned n;
};

static void
eng_reboot_w(void *arg, struct cs_engine *e, unsigned k)
{
	struct eng_reboot_op *op = arg;
	uint64_t now = eng_now(e);

	for (unsigned i = k; i < e->cfg.n_aps; i += e->n_w) {
		struct eng_ap *a = &e->aps[i];

		if (op->sel != NULL && !op->sel(op->ctx, i, a->mac))
			continue;
		if (eng_ap_reboot(a, now) == 0)
			op->n++;
	}
}

unsigned
cs_engine_ap_reboot(struct cs_engine *e,
    bool (*sel)(void *ctx, unsigned ap, const uint8_t mac[6]), void *ctx)
{
	struct eng_reboot_op op = { .sel = sel, .ctx = ctx };

	for (unsigned k = 0; k < e->n_w; k++)
		cs_engine_with_worker(e, k, eng_reboot_w, &op);
	return op.n;
}

const struct cs_ap_facts *
cs_engine_ap_facts(const struct cs_engine *e, unsigned idx)
{
	if (idx >= e->cfg.n_aps || e->facts == NULL)
		return NULL;
	return &e->facts[idx];
}

static void
eng_diag_w(void *arg, struct cs_engine *e, unsigned k)
{
	struct cs_diag_ctx *d = arg;
	struct eng_w *w = e->w[k];
	const struct cs_wlc_counters *c;

	if (w->wlc == NULL)
		return;
	c = cs_wlc_counters(w->wlc);
	d->wlc_known = true;
	d->wlc_disc_req += c->discovery_rx;
	d->wlc_client_hello += w->wlc_client_hellos;
	d->wlc_hs_done += c->sess_opened;
	d->wlc_join_req += c->join_ok + c->join_failed;
	/* every shard restarts together: count the controller once */
	if (c->restarts > d->wlc_restarts)
		d->wlc_restarts = (unsigned)c->restarts;
}

void
cs_engine_diag_ctx(struct cs_engine *e, struct cs_diag_ctx *out)
{
	memset(out, 0, sizeof(*out));
	out->live = true;
	out->echo_interval_ms = e->cfg.ap.echo_interval_ms;
	for (unsigned k = 0; k < e->n_w; k++)
		cs_engine_with_worker(e, k, eng_diag_w, out);
}

uint64_t
cs_engine_link_lost(struct cs_engine *e)
{
	uint64_t n = 0;

	for (unsigned k = 0; k < e->n_w; k++) {
		pthread_mutex_lock(&e->w[k]->mu);
		n += e->w[k]->link_down_lost;
		pthread_mutex_unlock(&e->w[k]->mu);
	}
	return n;
}

static_assert(sizeof(struct cs_wlc_counters) % sizeof(uint64_t) == 0,
    "cs_wlc_counters must stay an array of uint64_t");

static void
eng_wlc_counters_w(void *arg, struct cs_engine *e, unsigned k)
{
	uint64_t *sum = arg;
	const uint64_t *c;

	if (e->w[k]->wlc == NULL)
		return;
	/* struct cs_wlc_counters is all uint64_t */
	c = (const uint64_t *)(const void *)cs_wlc_counters(e->w[k]->wlc);
	for (size_t i = 0; i < sizeof(struct cs_wlc_counters) / 8; i++)
		sum[i] += c[i];
	/* the shards restart together: one controller restart */
	((struct cs_wlc_counters *)arg)->restarts =
	    cs_wlc_counters(e->w[k]->wlc)->restarts;
}

int
cs_engine_wlc_counters(struct cs_engine *e, struct cs_wlc_counters *out)
{
	if (!e->cfg.wlc_enabled)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	for (unsigned k = 0; k < e->n_w; k++)
		cs_engine_with_worker(e, k, eng_wlc_counters_w, out);
	return 0;
}
