/* SPDX-License-Identifier: MIT */
/*
 * Worker core: per-worker time and randomness, the timer heap and its
 * dispatch, send queues (sendmmsg batches), the DTLS graveyard and the
 * loop callbacks and lifecycle of a worker thread.
 */
#include "engine-internal.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capsim/dtls.h"
#include "capsim/path.h"

static void eng_reap(struct eng_w *w);
static void eng_flush(struct eng_w *w);
static void eng_cpu_sample(struct eng_w *w, uint64_t now_us);

uint64_t
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
uint64_t
eng_wall_us(const struct cs_engine *e)
{
	return e->t0_wall_us + eng_now_us(e);
}

uint64_t
eng_now(const struct cs_engine *e)
{
	return eng_now_us(e) / 1000;
}

/* xorshift64*: fast, seedable, good enough for protocol jitter */
uint32_t
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

void
eng_arm(struct eng_w *w, struct cs_tslot *s, uint64_t delay_ms)
{
	if (cs_timerq_arm(&w->tq, s, eng_now(w->e) + delay_ms) < 0)
		cs_logf(w->e->cfg.log, CS_LOG_ERR,
		    "engine: out of memory arming a timer");
}

/* Called at the end of every loop callback (and of every main-thread
 * action on a worker). */
void
eng_after(struct eng_w *w)
{
	eng_flush(w);
	eng_reap(w);
	eng_sched(w);
}

static void
eng_flush_q(struct eng_w *w, struct eng_txq *q)
{
	unsigned off = 0;

	while (off < q->n) {
		int r = cs_transport_send_batch(q->t, q->out + off, q->n - off);

		if (r < 0) {
			/* the first datagram was refused: count it lost, as
			 * on a wire, and go on; the diagnosis must know that
			 * nothing left this host (never the network's fault) */
			bool ap_q =
			    q == &w->txq[Q_AP_CTL] || q == &w->txq[Q_AP_DATA];
			struct cs_ap_facts *f = ap_q
			    ? eng_facts_by_ip(w, q->out[off].src_ip)
			    : NULL;

			cs_self_send_error(&w->self, -r);
			cs_facts_send_error(f, -r, eng_now(w->e));
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
int
eng_send(struct eng_w *w, int qi, uint32_t src_ip, uint32_t dst_ip,
    uint16_t dst_port, const uint8_t *pkt, size_t len)
{
	struct eng_txq *q = &w->txq[qi];
	struct cs_udp_out *o;

	if (q->t == NULL)
		return -ENOTCONN;
	if (len > ENG_TXQ_ARENA)
		return -EMSGSIZE;
	if (q->n == ENG_TXQ_MAX || q->used + len > ENG_TXQ_ARENA)
		eng_flush_q(w, q);
	/* what the embedded WLC sent an AP, before any impairment: with
	 * what the AP received it shows which sizes are lost */
	if (qi == Q_WLC_CTL || qi == Q_WLC_DATA) {
		eng_wlc_seen(w->e, dst_ip, CS_DIR_DOWN, len);
		eng_tap_wlc(w, CS_DIR_DOWN,
		    qi == Q_WLC_DATA ? CS_CHAN_DATA : CS_CHAN_CONTROL, src_ip,
		    dst_ip, dst_port, pkt, len);
	}
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

void
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

static void
eng_reap(struct eng_w *w)
{
	for (size_t i = 0; i < w->n_grave_d; i++) {
		eng_dtls_reasm_free(w->grave_d[i]);
		cs_dtls_free(w->grave_d[i]->s);
		free(w->grave_d[i]);
	}
	w->n_grave_d = 0;
	for (size_t i = 0; i < w->n_grave_p; i++)
		free(w->grave_p[i]);
	w->n_grave_p = 0;
}

struct eng_dtls *
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

void
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

/* One handler per slot kind; every kind has one. */
static eng_slot_fn *const eng_slot_handlers[ENG_SLOT__COUNT] = {
	[ENG_SLOT_AP] = eng_slot_ap,
	[ENG_SLOT_AP_DTLS] = eng_slot_ap_dtls,
	[ENG_SLOT_PEER] = eng_slot_peer,
	[ENG_SLOT_PEER_DTLS] = eng_slot_peer_dtls,
	[ENG_SLOT_PEER_REAP] = eng_slot_peer_reap,
	[ENG_SLOT_PACE] = eng_slot_pace,
	[ENG_SLOT_PATH] = eng_slot_path,
	[ENG_SLOT_NAT] = eng_slot_nat,
	[ENG_SLOT_WLC_HELD] = eng_slot_wlc_held,
	[ENG_SLOT_WLC_SERVE] = eng_slot_wlc_serve,
	[ENG_SLOT_STA] = eng_slot_sta,
	[ENG_SLOT_STA_START] = eng_slot_sta_start,
	[ENG_SLOT_WLC_TICK] = eng_slot_wlc_tick,
	[ENG_SLOT_AP_DDTLS] = eng_slot_ap_ddtls,
	[ENG_SLOT_WLC_DDTLS] = eng_slot_wlc_ddtls,
};
_Static_assert(ENG_SLOT__COUNT == 15,
    "a new timer slot kind needs a handler in eng_slot_handlers");

/*
 * Serves due timers, oldest first: at most `budget` of them, and no
 * longer than ENG_TURN_US after `t0_us` (checked after every timer: one
 * timer may be a handshake step, milliseconds of CPU).  Returns true
 * when due timers were left for later.  The first one served feeds the
 * loop's lateness to the admission window and the WLC's gate.
 */
static bool
eng_run_timers(struct eng_w *w, uint64_t t0_us, unsigned budget)
{
	uint64_t now_us = eng_now_us(w->e), now = now_us / 1000;
	struct cs_tslot *s;

	for (unsigned n = 0;; n++) {
		uint64_t due_us, late_us;

		if (n > 0 &&
		    (n == budget ||
		        (now_us = eng_now_us(w->e)) - t0_us > ENG_TURN_US))
			return cs_timerq_next(&w->tq, &due_us) &&
			    due_us <= now_us / 1000;
		if ((s = cs_timerq_pop_due(&w->tq, now)) == NULL)
			return false;
		due_us = s->due_ms * 1000;
		late_us = now_us > due_us ? now_us - due_us : 0;
		/* how late the loop serves timers (bench/scale) */
		cs_hist_record(&w->lateness, late_us);
		if (n == 0 && w->max_inflight != 0)
			cs_admit_late(
			    &w->admit, (uint32_t)(late_us / 1000), now);
		if (n == 0 && w->e->cfg.wlc_gate)
			cs_wlc_gate_late(
			    &w->gate, (uint32_t)(late_us / 1000), now);
		assert(s->kind >= 0 && s->kind < ENG_SLOT__COUNT);
		eng_slot_handlers[s->kind](w, s, now);
	}
}

static void
eng_on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct eng_w *w = arg;
	uint64_t now_us;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&w->mu);
	now_us = eng_now_us(w->e);
	w->ev_timer_due = UINT64_MAX;
	w->turns++;
	/* bounded work per turn: the rest waits for the next turn, after
	 * the sockets were read (eng_sched arms it at once) */
	if (eng_run_timers(w, now_us, ENG_TIMER_BUDGET))
		w->budget_hits++;
	eng_cpu_sample(w, now_us);
	eng_after(w);
	pthread_mutex_unlock(&w->mu);
}

/* Between two datagrams of a read turn: serves the timers that fell due
 * meanwhile, so that a burst of handshake datagrams (each a step of
 * milliseconds) cannot hold a retransmission or an echo back for a whole
 * turn, let alone for the other sockets' turns that libevent runs before
 * its timer (issue 12: p99 lateness < 50 ms at any offered load). */
static void
eng_timers_between(struct eng_w *w)
{
	uint64_t due, now_us;

	if (!cs_timerq_next(&w->tq, &due))
		return;
	now_us = eng_now_us(w->e);
	if (due > now_us / 1000)
		return;
	w->timers_inline++;
	(void)eng_run_timers(w, now_us, ENG_TIMER_INLINE);
}

/* Once a second: the share of a core this worker's thread used, one of
 * the admission window's signals (a saturated worker serves everything
 * later; more handshakes in flight would only queue). */
static void
eng_cpu_sample(struct eng_w *w, uint64_t now_us)
{
	struct timespec t;
	uint64_t cpu_us;

	if (now_us - w->cpu_mark_us < 1000000)
		return;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0)
		return;
	cpu_us = (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
	if (w->cpu_mark_us != 0 && w->max_inflight != 0)
		cs_admit_cpu(&w->admit,
		    (uint32_t)((cpu_us - w->cpu_mark_cpu_us) * 1000 /
		        (now_us - w->cpu_mark_us)),
		    now_us / 1000);
	w->cpu_mark_us = now_us;
	w->cpu_mark_cpu_us = cpu_us;
}

/* Adds the kernel's drops on socket `k` that pk reports (the count is
 * cumulative per socket and wraps at 2^32). */
static void
eng_rxq_account(
    struct eng_w *w, enum eng_rx_sock k, const struct cs_udp_pkt *pk)
{
	uint32_t d;

	if (!pk->has_rxq_drops)
		return;
	d = pk->rxq_drops - w->rxq_last[k];
	if (d == 0)
		return;
	if (w->rxq_drops == 0)
		cs_logf(w->e->cfg.log, CS_LOG_WARN,
		    "engine: worker %u: the kernel dropped %u datagram(s) on a "
		    "full receive queue (capsim could not keep up; counted in "
		    "the report)",
		    w->id, d);
	w->rxq_drops += d;
	w->rxq_last[k] = pk->rxq_drops;
	if (w->max_inflight != 0)
		cs_admit_drops(&w->admit, d, eng_now(w->e));
}

/* Sizes a socket's buffers for `peers` addresses behind it: a storm's
 * flights of every handshake in flight plus a datagram per peer, in the
 * kernel's accounting (a small datagram costs about 1 KiB of buffer). */
void
eng_size_bufs(struct eng_w *w, int fd, unsigned peers)
{
	size_t want = (size_t)peers * 2048 +
	    (size_t)(w->max_inflight ? w->max_inflight : peers) * 8192;
	size_t got = 0;

	if (want < ((size_t)4 << 20))
		want = (size_t)4 << 20;
	if (want > ((size_t)64 << 20))
		want = (size_t)64 << 20;
	if (cs_udp_set_buffers(fd, want, want, &got) < 0)
		return;
	if (w->rcvbuf == 0 || got < w->rcvbuf)
		w->rcvbuf = got;
}

static void
eng_on_read(struct eng_w *w, struct eng_sock *s, bool is_wlc, enum cs_chan ch)
{
	struct cs_udp_pkt pk[ENG_RX_BATCH];
	enum eng_rx_sock k =
	    (is_wlc ? ENG_RX_WLC_CTL : ENG_RX_AP_CTL) + (ch == CS_CHAN_DATA);
	uint64_t t0_us;

	pthread_mutex_lock(&w->mu);
	t0_us = eng_now_us(w->e);
	w->turns++;
	for (int round = 0; round < ENG_RX_BUDGET; round++) {
		int n = eng_sock_recv(w, s, pk, ENG_RX_BATCH);

		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			eng_rxq_account(w, k, &pk[i]);
			if (is_wlc)
				eng_wlc_input(w, ch, &pk[i]);
			else
				eng_ap_input(w, ch, &pk[i]);
			eng_timers_between(w);
		}
		if (n < ENG_RX_BATCH)
			break;
		if (round == ENG_RX_BUDGET - 1 ||
		    eng_now_us(w->e) - t0_us > ENG_TURN_US) {
			w->budget_hits++; /* more waits: next turn */
			break;
		}
	}
	eng_sock_again(s);
	eng_after(w);
	pthread_mutex_unlock(&w->mu);
}

void
eng_on_ap_ctl(evutil_socket_t fd, short what, void *arg)
{
	struct eng_w *w = arg;

	(void)fd;
	(void)what;
	eng_on_read(w, &w->ap_sock[CS_CHAN_CONTROL], false, CS_CHAN_CONTROL);
}

void
eng_on_ap_data(evutil_socket_t fd, short what, void *arg)
{
	struct eng_w *w = arg;

	(void)fd;
	(void)what;
	eng_on_read(w, &w->ap_sock[CS_CHAN_DATA], false, CS_CHAN_DATA);
}

void
eng_on_wlc_ctl(evutil_socket_t fd, short what, void *arg)
{
	struct eng_w *w = arg;

	(void)fd;
	(void)what;
	eng_on_read(w, &w->wlc_sock[CS_CHAN_CONTROL], true, CS_CHAN_CONTROL);
}

void
eng_on_wlc_data(evutil_socket_t fd, short what, void *arg)
{
	struct eng_w *w = arg;

	(void)fd;
	(void)what;
	eng_on_read(w, &w->wlc_sock[CS_CHAN_DATA], true, CS_CHAN_DATA);
}

struct eng_w *
eng_w_new(struct cs_engine *e, unsigned id)
{
	struct eng_w *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->e = e;
	w->id = id;
	pthread_mutex_init(&w->mu, NULL);
	for (enum cs_chan ch = CS_CHAN_CONTROL; ch <= CS_CHAN_DATA; ch++)
		w->ap_sock[ch].fd = w->wlc_sock[ch].fd = -1;
	w->rng = (e->cfg.seed ? e->cfg.seed : 0x9E3779B97F4A7C15ULL) ^
	    ((uint64_t)(id + 1) * 0xD1B54A32D192ED03ULL);
	if (w->rng == 0)
		w->rng = 1;
	w->ev_timer_due = UINT64_MAX;
	cs_timerq_init(&w->tq);
	cs_metrics_init(&w->metrics);
	cs_hist_init(&w->lateness);
	cs_hist_init(&w->hs_wait_us);
	for (unsigned g = 0; g < ENG_LOAD_GROUPS; g++)
		cs_hist_init(&w->hs_by_load[g]);
	cs_tslot_init(&w->t_pace, w, ENG_SLOT_PACE);
	cs_tslot_init(&w->t_path, w, ENG_SLOT_PATH);
	cs_tslot_init(&w->t_nat, w, ENG_SLOT_NAT);
	cs_tslot_init(&w->t_serve, w, ENG_SLOT_WLC_SERVE);
	cs_tslot_init(&w->t_wlc_tick, w, ENG_SLOT_WLC_TICK);
	cs_client_metrics_init(&w->cm);
	pthread_mutex_init(&w->mb_mu, NULL);
	w->relay_sock.fd = -1;
	cs_wlc_gate_init(&w->gate);
	/* the caller's loop (cs_engine_cfg.base) is worker 0's */
	w->base_borrowed = id == 0 && e->cfg.base != NULL;
	w->base = w->base_borrowed ? e->cfg.base : event_base_new();
	if (w->base == NULL ||
	    (w->ev_timer = evtimer_new(w->base, eng_on_timer, w)) == NULL)
		return w; /* caller checks base/ev_timer */
	return w;
}

void
eng_w_free(struct eng_w *w)
{
	struct cs_tslot *ts;

	if (w == NULL)
		return;
	cs_nat_free(w->nat); /* releases (closes) every NAT port */
	free(w->natsocks);
	cs_path_free(w->path); /* datagrams still delayed are lost */
	cs_impair_free(w->imp);
	while ((ts = cs_timerq_pop_due(&w->tq, UINT64_MAX)) != NULL)
		if (ts->kind == ENG_SLOT_WLC_HELD)
			free(ts->owner); /* a held flight never leaves */
	for (enum cs_chan ch = CS_CHAN_CONTROL; ch <= CS_CHAN_DATA; ch++) {
		eng_sock_close(&w->ap_sock[ch]);
		eng_sock_close(&w->wlc_sock[ch]);
	}
	for (size_t i = 0; w->peers != NULL && i < w->peer_buckets; i++)
		while (w->peers[i] != NULL) {
			struct eng_peer *p = w->peers[i];

			p->sess = NULL; /* cs_wlc_free frees the sessions */
			if (p->shadow != NULL) {
				p->shadow->sess = NULL;
				eng_peer_forget(w, p->shadow);
			}
			eng_peer_forget(w, p);
		}
	eng_ddtls_wlc_free(w);
	eng_reap(w);
	eng_wlc_held_free(w);
	eng_wlc_cl_free(w);
	cs_wlc_free(w->wlc);
	free(w->peers);
	free(w->half_open_src);
	free(w->hs_wait);
	free(w->grave_d);
	free(w->grave_p);
	if (w->ev_timer != NULL)
		event_free(w->ev_timer);
	if (w->base != NULL && !w->base_borrowed)
		event_base_free(w->base);
	cs_timerq_free(&w->tq);
	cs_metrics_free(&w->metrics);
	cs_client_metrics_free(&w->cm);
	pthread_mutex_destroy(&w->mb_mu);
	cs_hist_free(&w->lateness);
	cs_hist_free(&w->hs_wait_us);
	for (unsigned g = 0; g < ENG_LOAD_GROUPS; g++)
		cs_hist_free(&w->hs_by_load[g]);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

void
eng_w_begin(struct eng_w *w)
{
	pthread_mutex_lock(&w->mu);
	for (enum cs_chan ch = CS_CHAN_CONTROL; ch <= CS_CHAN_DATA; ch++) {
		eng_sock_listen(&w->wlc_sock[ch]);
		eng_sock_listen(&w->ap_sock[ch]);
	}
	eng_wlc_cl_begin(w);
	eng_pace(w, eng_now(w->e));
	eng_after(w);
	pthread_mutex_unlock(&w->mu);
}

void *
eng_thread(void *arg)
{
	struct eng_w *w = arg;

	eng_w_begin(w);
	event_base_loop(w->base, EVLOOP_NO_EXIT_ON_EMPTY);
	/* the thread's CPU, kept for the report after it is joined */
	{
		struct timespec t;

		if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) == 0) {
			pthread_mutex_lock(&w->mu);
			w->cpu_s = (double)t.tv_sec + (double)t.tv_nsec / 1e9;
			pthread_mutex_unlock(&w->mu);
		}
	}
	return NULL;
}
