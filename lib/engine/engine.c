/* SPDX-License-Identifier: MIT */
/*
 * The engine: binds AP and WLC state machines to UDP sockets (or the
 * in-process network, cs_engine_cfg.net: sock.c), DTLS sessions, timer
 * queues and libevent loops; see capsim/engine.h.
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

#include "engine-internal.h"

#include <assert.h>
#include <errno.h>
#include <event2/thread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capsim/diagnose_clients.h"
#include "capsim/path.h"
#include "capsim/values.h"

int
eng_check_local(struct cs_engine *e, uint32_t ip)
{
	char a[16], b[16];
	int fd;

	if (e->cfg.net != NULL)
		return 0; /* in process: every address is local */
	if ((fd = cs_udp_open(ip, 0, false)) >= 0) {
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

/* Bases are created from one thread and driven from others: libevent's
 * locking must be on before the first one is made. */
static void
eng_threads_once(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, (void (*)(void))evthread_use_pthreads);
}

struct event_base *
cs_engine_base_new(void)
{
	eng_threads_once();
	return event_base_new();
}

int
cs_engine_new(struct cs_engine **ret, const struct cs_engine_cfg *cfg)
{
	struct cs_engine *e;
	int r;

	if (ret == NULL || cfg == NULL)
		return -EINVAL;
	if (cfg->workers > CS_ENGINE_MAX_WORKERS)
		return cs_log_err(cfg->log, -EINVAL,
		    "engine: at most %u workers", CS_ENGINE_MAX_WORKERS);
	if (cfg->base != NULL && cfg->workers > 1)
		return cs_log_err(cfg->log, -EINVAL,
		    "engine: a given loop (base) runs one worker, not %u",
		    cfg->workers);
	eng_threads_once();
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
	if ((r = eng_new_wlc(e)) < 0 || (r = eng_wlc_cl_open(e)) < 0 ||
	    (r = eng_new_aps(e)) < 0)
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

int
cs_engine_start(struct cs_engine *e)
{
	if (e == NULL || e->started || e->polled)
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

int
cs_engine_poll(struct cs_engine *e)
{
	if (e == NULL || e->stopped)
		return -EINVAL;
	if (e->started)
		return -EBUSY;
	if (!e->polled) {
		e->polled = true;
		for (unsigned k = 0; k < e->n_w; k++)
			eng_w_begin(e->w[k]);
	}
	for (unsigned k = 0; k < e->n_w; k++)
		event_base_loop(e->w[k]->base, EVLOOP_NONBLOCK);
	return 0;
}

/* cs_path_each_fn: a datagram still delayed toward an AP when the run
 * stops was on its way, not lost; the diagnosis must not read the tail of
 * a delay impairment as loss. */
static void
eng_in_flight(void *ctx, const struct cs_pkt_meta *m)
{
	struct cs_engine *e = ctx;

	if (m->dir == CS_DIR_DOWN && e->facts != NULL && m->ap < e->cfg.n_aps)
		cs_facts_wlc_in_flight(&e->facts[m->ap], m->len);
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
	if (!e->started && !e->polled)
		return;
	if (e->polled) {
		/* the close_notify datagrams reach an embedded WLC in one
		 * more turn (in process, nothing is in flight) */
		for (unsigned k = 0; k < e->n_w; k++)
			event_base_loop(e->w[k]->base, EVLOOP_NONBLOCK);
	} else {
		/* let the close_notify datagrams reach an embedded WLC */
		usleep(50000);
		for (unsigned k = 0; k < e->n_w; k++)
			event_base_loopexit(e->w[k]->base, NULL);
	}
	for (unsigned k = 0; k < e->n_w; k++)
		if (e->w[k]->th_running) {
			pthread_join(e->w[k]->th, NULL);
			e->w[k]->th_running = false;
		}
	/* joined: every WLC shard's counts are final and visible here;
	 * then what is still on its way is taken out of what was sent */
	eng_wlc_seen_fold(e);
	for (unsigned k = 0; k < e->n_w; k++)
		cs_path_each_delayed(e->w[k]->path, eng_in_flight, e);
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
			eng_ap_cl_free(a);
			if (a->dd != NULL)
				eng_bury_dtls(a->w, a->dd);
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

uint16_t
cs_engine_ap_port(const struct cs_engine *e, unsigned idx, enum cs_chan ch)
{
	if (e == NULL || idx >= e->cfg.n_aps || e->aps == NULL ||
	    (ch != CS_CHAN_CONTROL && ch != CS_CHAN_DATA))
		return 0;
	return e->aps[idx].w->ap_port[ch];
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

int
cs_engine_client_metrics(
    const struct cs_engine *e, struct cs_client_metrics *out)
{
	int r = 0;

	if (out == NULL)
		return -EINVAL;
	cs_client_metrics_init(out);
	if (e == NULL)
		return -EINVAL;
	for (unsigned k = 0; k < e->n_w && r == 0; k++) {
		struct eng_w *w = e->w[k];

		pthread_mutex_lock(&w->mu);
		r = cs_client_metrics_merge(out, &w->cm);
		pthread_mutex_unlock(&w->mu);
	}
	return r;
}

int
cs_engine_client_facts(
    const struct cs_engine *e, struct cs_client_facts **out, size_t *n)
{
	struct cs_client_facts *f;
	char(*names)[18];
	size_t total = 0, k = 0;

	if (e == NULL || out == NULL || n == NULL)
		return -EINVAL;
	*out = NULL;
	*n = 0;
	for (unsigned i = 0; e->aps != NULL && i < e->cfg.n_aps; i++)
		total += eng_ap_cl_count(&e->aps[i]);
	if (total == 0)
		return 0;
	/* the facts, then their names, in one allocation */
	if ((f = calloc(total, sizeof(*f) + sizeof(*names))) == NULL)
		return -ENOMEM;
	names = (char(*)[18])(void *)(f + total);
	for (unsigned i = 0; i < e->cfg.n_aps; i++) {
		const struct eng_ap *a = &e->aps[i];

		pthread_mutex_lock(&a->w->mu);
		eng_ap_cl_facts(a, f + k, names + k);
		pthread_mutex_unlock(&a->w->mu);
		k += eng_ap_cl_count(a);
	}
	*out = f;
	*n = total;
	return 0;
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

static double
eng_cpu_s(clockid_t cid)
{
	struct timespec t;

	if (clock_gettime(cid, &t) != 0)
		return 0;
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * Whether the APs' wait for a handshake slot is capsim's own limit, not
 * the controller's or the path's: a window halved for lateness, a busy
 * core or kernel drops was cut for capsim's sake; and with a plain
 * embedded WLC (no service-rate knob, no slow-handshake misbehaviour, no
 * impairment rules, no NAT) every handshake's latency is capsim's own
 * CPU, both ends running here.  A window cut only because an external
 * (or deliberately slow) controller's answers slowed down is the
 * controller's (controller-overloaded); lost handshakes holding slots
 * behind a lossy path are the path's.
 */
static bool
eng_queue_own(const struct eng_w *w)
{
	const struct cs_engine_cfg *c = &w->e->cfg;
	const uint64_t *by = w->admit.cuts_by;

	if (w->max_inflight == 0)
		return false;
	if (by[CS_ADMIT_CAUSE_LATENESS] > 0 || by[CS_ADMIT_CAUSE_CPU] > 0 ||
	    by[CS_ADMIT_CAUSE_DROPS] > 0)
		return true;
	return c->wlc_enabled && c->wlc_max_hs_rate <= 0 && c->n_rules == 0 &&
	    c->nat == NULL && c->wlc.misbehave.handshake_delay_ms == 0;
}

int
cs_engine_health(struct cs_engine *e, struct cs_engine_health *h)
{
	if (e == NULL || h == NULL)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	cs_hist_init(&h->lateness_us);
	cs_hist_init(&h->hs_wait_us);
	h->n_workers = e->n_w;
	for (unsigned k = 0; k < e->n_w; k++) {
		struct eng_w *w = e->w[k];
		clockid_t cid;

		pthread_mutex_lock(&w->mu);
		cs_hist_merge(&h->lateness_us, &w->lateness);
		cs_hist_merge(&h->hs_wait_us, &w->hs_wait_us);
		h->rxq_drops += w->rxq_drops;
		if (w->rcvbuf != 0 &&
		    (h->rcvbuf_bytes == 0 || w->rcvbuf < h->rcvbuf_bytes))
			h->rcvbuf_bytes = w->rcvbuf;
		h->hs_active += w->hs_active;
		h->hs_waiting += (unsigned)w->hs_len;
		if (w->hs_wait_open_ms > h->hs_wait_open_ms)
			h->hs_wait_open_ms = w->hs_wait_open_ms;
		h->hs_queue_own = h->hs_queue_own || eng_queue_own(w);
		if (w->max_inflight != 0) {
			h->hs_window += cs_admit_window(&w->admit);
			h->hs_window_min += w->admit.min_seen;
			h->hs_window_cuts += w->admit.cuts;
			for (unsigned c = 0; c < CS_ADMIT_CAUSE__COUNT; c++)
				h->hs_window_cuts_by[c] += w->admit.cuts_by[c];
			h->hs_losses += w->admit.losses;
		}
		h->wlc_hs_deferred += w->hs_deferred;
		h->wlc_hs_overflow += w->hs_overflow;
		h->wlc_gate_admitted += w->gate.admitted;
		h->wlc_gate_deferred += w->gate.deferred;
		h->wlc_gate_shed += w->gate.shed;
		h->wlc_gate_cuts += w->gate.cuts;
		h->wlc_gate_rate += w->gate.rate;
		h->wlc_hs_queued += (unsigned)w->held_len;
		h->turns += w->turns;
		h->stale_flights += w->stale_flights;
		h->budget_hits += w->budget_hits;
		h->timers_inline += w->timers_inline;
		h->frag_msgs_split += w->frag.msgs_split;
		h->frag_sent += w->frag.frags_sent;
		h->frag_rcvd += w->frag.frags_rcvd;
		h->frag_reassembled += w->frag.reassembled;
		h->frag_sets_dropped += w->frag.sets_dropped;
		h->frag_peer_evicted += w->frag.peer_evicted;
		h->frag_cap_drops += w->frag.cap_drops;
		if (w->th_running && pthread_getcpuclockid(w->th, &cid) == 0)
			w->cpu_s = eng_cpu_s(cid);
		h->cpu_s[k] = w->cpu_s;
		pthread_mutex_unlock(&w->mu);
	}
	h->cpu_total_s = eng_cpu_s(CLOCK_PROCESS_CPUTIME_ID);
	return 0;
}

bool
cs_engine_has_wlc(const struct cs_engine *e)
{
	return e != NULL && e->cfg.wlc_enabled;
}

bool
cs_engine_cfg_wlc_gate(const struct cs_engine *e)
{
	return e != NULL && e->cfg.wlc_enabled && e->cfg.wlc_gate;
}

void
cs_engine_health_free(struct cs_engine_health *h)
{
	if (h == NULL)
		return;
	cs_hist_free(&h->lateness_us);
	cs_hist_free(&h->hs_wait_us);
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
	cs_path_link_down(e->w[k]->path, *(const uint64_t *)arg);
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

		if (op->sel != NULL && !op->sel(op->ctx, a->gidx, a->mac))
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

struct eng_cmd_op {
	bool (*sel)(void *ctx, unsigned ap, const uint8_t mac[6]);
	void *ctx;
	const struct cs_wlc_cmd *cmd;
	uint8_t (*macs)[6]; /* the selected APs, sorted */
	size_t n_macs;
	unsigned n, busy;
};

static int
eng_mac_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 6);
}

static void
eng_cmd_pick_w(void *arg, struct cs_engine *e, unsigned k)
{
	struct eng_cmd_op *op = arg;

	for (unsigned i = k; i < e->cfg.n_aps; i += e->n_w) {
		const struct eng_ap *a = &e->aps[i];

		if (op->sel == NULL || op->sel(op->ctx, a->gidx, a->mac))
			memcpy(op->macs[op->n_macs++], a->mac, 6);
	}
}

static bool
eng_cmd_has(void *ctx, const uint8_t mac[6])
{
	const struct eng_cmd_op *op = ctx;

	return bsearch(mac, op->macs, op->n_macs, 6, eng_mac_cmp) != NULL;
}

/* A standalone WLC (no APs of its own) knows its WTPs by MAC only. */
static bool
eng_cmd_by_mac(void *ctx, const uint8_t mac[6])
{
	const struct eng_cmd_op *op = ctx;

	return op->sel == NULL || op->sel(op->ctx, CS_APSEL_NO_AP, mac);
}

static void
eng_cmd_send_w(void *arg, struct cs_engine *e, unsigned k)
{
	struct eng_cmd_op *op = arg;
	unsigned busy = 0;

	if (e->w[k]->wlc == NULL)
		return;
	op->n += cs_wlc_command(e->w[k]->wlc, op->cmd,
	    e->cfg.n_aps > 0 ? eng_cmd_has : eng_cmd_by_mac, op, eng_now(e),
	    &busy);
	op->busy += busy;
}

int
cs_engine_wlc_command(struct cs_engine *e, const struct cs_wlc_cmd *cmd,
    bool (*sel)(void *ctx, unsigned ap, const uint8_t mac[6]), void *ctx,
    unsigned *busy)
{
	struct eng_cmd_op op = { .sel = sel, .ctx = ctx, .cmd = cmd };

	if (e == NULL || cmd == NULL)
		return -EINVAL;
	if (!e->cfg.wlc_enabled)
		return -ENOENT;
	/* the APs are picked by index on their workers, the sessions found
	 * by MAC on the WLC shards (an AP's session may live on another) */
	if (e->cfg.n_aps > 0 &&
	    (op.macs = calloc(e->cfg.n_aps, sizeof(*op.macs))) == NULL)
		return -ENOMEM;
	for (unsigned k = 0; k < e->n_w; k++)
		cs_engine_with_worker(e, k, eng_cmd_pick_w, &op);
	if (op.n_macs > 0) /* a standalone WLC picks none: macs NULL */
		qsort(op.macs, op.n_macs, 6, eng_mac_cmp);
	for (unsigned k = 0; k < e->n_w && (op.n_macs > 0 || e->cfg.n_aps == 0);
	     k++)
		cs_engine_with_worker(e, k, eng_cmd_send_w, &op);
	free(op.macs);
	if (busy != NULL)
		*busy = op.busy;
	return (int)op.n;
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

	/* capsim's own send failures, every errno of every worker */
	d->self.send_errors += w->self.send_errors;
	for (unsigned i = 0; i < CS_SELF_ERRNOS; i++) {
		unsigned j = 0;

		if (w->self.send_errno[i].err == 0)
			continue;
		while (j < CS_SELF_ERRNOS && d->self.send_errno[j].err != 0 &&
		    d->self.send_errno[j].err != w->self.send_errno[i].err)
			j++;
		if (j == CS_SELF_ERRNOS)
			continue; /* more errnos than slots: total only */
		d->self.send_errno[j].err = w->self.send_errno[i].err;
		d->self.send_errno[j].count += w->self.send_errno[i].count;
	}
	/* kernel drops on full receive queues (SO_RXQ_OVFL) */
	d->self.has_rxq = true;
	d->self.rxq_drops += w->rxq_drops;
	/* the wait for a handshake slot, when it is capsim's own limit
	 * (eng_queue_own).  An AP's WaitDTLS starts with its ClientHello,
	 * so the wait costs no protocol time; but a storm that capsim's
	 * CPU paces to minutes of waiting (or that leaves APs waiting when
	 * the run ends) measured capsim, and its timing verdicts are
	 * capsim's (simulator-overloaded), never the network's */
	if (eng_queue_own(w)) {
		uint64_t wmax = w->hs_wait_us.max_us / 1000;

		if (w->hs_wait_open_ms > wmax)
			wmax = w->hs_wait_open_ms;
		d->self.has_hs_queue = true;
		if (wmax > UINT32_MAX)
			wmax = UINT32_MAX;
		if (wmax > d->self.hs_queue_wait_max_ms)
			d->self.hs_queue_wait_max_ms = (uint32_t)wmax;
	}
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

/* The handshake latency against the load offered (cs_diag_load). */
static void
eng_diag_load(struct cs_engine *e, struct cs_diag_load *out)
{
	struct cs_hist g[ENG_LOAD_GROUPS];
	int lo = -1, hi = -1;

	for (unsigned i = 0; i < ENG_LOAD_GROUPS; i++)
		cs_hist_init(&g[i]);
	for (unsigned k = 0; k < e->n_w; k++) {
		pthread_mutex_lock(&e->w[k]->mu);
		for (unsigned i = 0; i < ENG_LOAD_GROUPS; i++)
			(void)cs_hist_merge(&g[i], &e->w[k]->hs_by_load[i]);
		pthread_mutex_unlock(&e->w[k]->mu);
	}
	for (int i = 0; i < ENG_LOAD_GROUPS; i++)
		if (g[i].count >= CS_DIAG_LOAD_MIN_N) {
			if (lo < 0)
				lo = i;
			hi = i;
		}
	if (lo >= 0 && hi >= lo + 2) { /* at least 4x the load */
		out->has = true;
		out->lo_inflight = 1u << lo;
		out->hi_inflight = 1u << hi;
		out->lo_p50_ms =
		    (uint32_t)(cs_hist_quantile(&g[lo], 0.5) / 1000);
		out->hi_p50_ms =
		    (uint32_t)(cs_hist_quantile(&g[hi], 0.5) / 1000);
		out->lo_n = g[lo].count;
		out->hi_n = g[hi].count;
	}
	for (unsigned i = 0; i < ENG_LOAD_GROUPS; i++)
		cs_hist_free(&g[i]);
}

void
cs_engine_diag_ctx(struct cs_engine *e, struct cs_diag_ctx *out)
{
	const struct cs_hist *late;

	memset(out, 0, sizeof(*out));
	out->live = true;
	out->echo_interval_ms = e->cfg.ap.echo_interval_ms;
	out->ka_interval_ms = e->cfg.ap.keepalive_ms;
	out->has_self = true;
	out->self.wait_dtls_ms = e->cfg.ap.wait_dtls_ms;
	for (unsigned k = 0; k < e->n_w; k++)
		cs_engine_with_worker(e, k, eng_diag_w, out);
	/* how late capsim's own loop ran (the caller adds run length,
	 * discovery window, route check) */
	late = cs_engine_timer_lateness(e);
	if (late != NULL && late->count > 0) {
		out->self.has_lateness = true;
		out->self.lateness_p99_ms =
		    (uint32_t)(cs_hist_quantile(late, 0.99) / 1000u);
		out->self.lateness_max_ms = (uint32_t)(late->max_us / 1000u);
	}
	eng_diag_load(e, &out->load);
}

uint64_t
cs_engine_link_lost(struct cs_engine *e)
{
	uint64_t n = 0;

	for (unsigned k = 0; k < e->n_w; k++) {
		pthread_mutex_lock(&e->w[k]->mu);
		n += eng_path_link_down_lost(e->w[k]);
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

static void
eng_wlc_active_w(void *arg, struct cs_engine *e, unsigned k)
{
	unsigned *n = arg;

	if (e->w[k]->wlc != NULL)
		*n += cs_wlc_active_wtps(e->w[k]->wlc);
}

unsigned
cs_engine_wlc_active_wtps(struct cs_engine *e)
{
	unsigned n = 0;

	for (unsigned k = 0; e != NULL && k < e->n_w; k++)
		cs_engine_with_worker(e, k, eng_wlc_active_w, &n);
	return n;
}
