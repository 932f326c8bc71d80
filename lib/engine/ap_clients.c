/* SPDX-License-Identifier: MIT */
/*
 * The wireless clients behind an AP of a worker (cs_engine_cfg.clients):
 * the AP's stations (capsim/ap_station.h) learn the WLAN from the
 * controller's Add WLAN, start at the arrival rate once the AP is in
 * Run, and send their 802.11 frames through the AP's data channel on the
 * packet path (impairment, NAT, captures), like its keep-alives.  Their
 * timers are slots of the worker's heap (ENG_SLOT_STA), their events feed
 * the worker's client metrics.
 */
#include "engine-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/ap_station.h"
#include "capsim/capwap.h"
#include "capsim/client_metrics.h"
#include "capsim/diagnose_clients.h"

struct eng_ap_cl {
	struct cs_ap_stations *st;
	unsigned n;       /* stations */
	unsigned next;    /* next station to start */
	uint64_t run_ms;  /* when starting began (AP in Run + WLAN) */
	bool has_wlan;    /* the controller's Add WLAN arrived */
	unsigned joining; /* of its stations, in Auth..Ping */
	bool waiting;     /* on the worker's queue for a join slot */
	struct eng_ap *wait_next;
	uint64_t rng; /* the stations' own, from (seed, AP index) */
	struct cs_tslot t_start;
	struct cs_tslot t[]; /* n * CS_STA_T__COUNT */
};

static int
cl_send_data(void *ctx, const uint8_t *pkt, size_t len)
{
	struct eng_ap *a = ctx;

	if (a->ap == NULL || cs_ap_state(a->ap) != CS_AP_RUN)
		return -ENOTCONN; /* no data channel outside Run */
	eng_path_up(a, CS_CHAN_DATA, a->ac_ip, (uint16_t)(a->ac_port + 1), pkt,
	    len, NULL);
	return 0;
}

static void
cl_timer_arm(void *ctx, unsigned sta, enum cs_sta_timer t, uint64_t delay_ms)
{
	struct eng_ap *a = ctx;

	eng_arm(a->w, &a->cl->t[sta * CS_STA_T__COUNT + t], delay_ms);
}

static void
cl_timer_cancel(void *ctx, unsigned sta, enum cs_sta_timer t)
{
	struct eng_ap *a = ctx;

	cs_timerq_cancel(&a->w->tq, &a->cl->t[sta * CS_STA_T__COUNT + t]);
}

static bool
cl_is_joining(enum cs_sta_state st)
{
	return st >= CS_STA_AUTH && st <= CS_STA_PING;
}

/* AP a waits for a join slot of its worker (FIFO, once). */
static void
cl_wait(struct eng_ap *a)
{
	struct eng_w *w = a->w;

	if (a->cl->waiting)
		return;
	a->cl->waiting = true;
	a->cl->wait_next = NULL;
	if (w->cl_wait_tail != NULL)
		w->cl_wait_tail->cl->wait_next = a;
	else
		w->cl_wait_head = a;
	w->cl_wait_tail = a;
}

static void
cl_unwait(struct eng_ap *a)
{
	struct eng_w *w = a->w;
	struct eng_ap **pp = &w->cl_wait_head, *prev = NULL;

	if (!a->cl->waiting)
		return;
	while (*pp != NULL && *pp != a) {
		prev = *pp;
		pp = &(*pp)->cl->wait_next;
	}
	if (*pp == a)
		*pp = a->cl->wait_next;
	if (w->cl_wait_tail == a)
		w->cl_wait_tail = prev;
	a->cl->waiting = false;
	a->cl->wait_next = NULL;
}

/* A station of a stopped joining: the first AP waiting may start one. */
static void
cl_slot_freed(struct eng_w *w)
{
	struct eng_ap *a = w->cl_wait_head;

	if (a == NULL || w->stopping)
		return;
	cl_unwait(a);
	eng_arm(w, &a->cl->t_start, 0);
}

static void
cl_event(void *ctx, unsigned sta, const struct cs_sta_event *ev)
{
	struct eng_ap *a = ctx;
	struct cs_sta_info info;
	struct cs_sta *s = cs_ap_stations_get(a->cl->st, sta);

	struct cs_sta_event e2;
	enum cs_wpa_fail f;
	char why[96];

	if (s != NULL)
		cs_sta_info(s, &info);
	/* the worker's join window: slots taken on Auth, given back when
	 * the join ends (Run, Failed, Done) */
	if (ev->kind == CS_STA_EV_STATE &&
	    cl_is_joining(ev->from) != cl_is_joining(ev->to)) {
		if (cl_is_joining(ev->to)) {
			a->cl->joining++;
			a->w->cl_joining++;
		} else if (a->cl->joining > 0) {
			a->cl->joining--;
			a->w->cl_joining--;
			cl_slot_freed(a->w);
		}
	}
	/* a failed 4-way handshake: the supplicant's verdict with it, as a
	 * client says it (no message 3 after message 2: the PSK) */
	if (ev->kind == CS_STA_EV_FAILURE && ev->from == CS_STA_L2AUTH &&
	    (f = cs_ap_stations_l2_fail(a->cl->st, sta)) != CS_WPA_FAIL_NONE) {
		e2 = *ev;
		snprintf(why, sizeof(why), "four-way handshake failed: %s%s",
		    cs_wpa_fail_name(f),
		    f == CS_WPA_FAIL_NO_MSG3 ? " (pre-shared key may be "
		                               "incorrect)"
		                             : "");
		e2.reason = why;
		ev = &e2;
	}
	(void)cs_client_metrics_event(&a->w->cm, ev, s != NULL ? &info : NULL);
}

/* xorshift64* of the AP's stations: their choices (xids, jitter,
 * nonces) depend on (seed, global AP index) only */
static uint32_t
cl_rand(void *ctx, uint32_t bound)
{
	struct eng_ap *a = ctx;
	uint64_t x = a->cl->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	a->cl->rng = x;
	if (bound <= 1)
		return 0;
	return (uint32_t)(((x * 0x2545F4914F6CDD1DULL) >> 32) % bound);
}

/* base + k * step on 48 bits */
static void
cl_mac_add(const uint8_t base[6], uint64_t k, uint8_t out[6])
{
	uint64_t v = 0;

	for (int i = 0; i < 6; i++)
		v = v << 8 | base[i];
	v += k;
	for (int i = 5; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

int
eng_ap_cl_new(struct eng_ap *a)
{
	const struct cs_engine_clients *c = &a->w->e->cfg.clients;
	struct cs_ap_stations_cfg sc;
	struct cs_ap_stations_io io = {
		.send_data = cl_send_data,
		.timer_arm = cl_timer_arm,
		.timer_cancel = cl_timer_cancel,
		.event = cl_event,
		.rand = cl_rand,
		.ctx = a,
	};
	uint32_t step = c->mac_step != 0 ? c->mac_step : 1;
	struct eng_ap_cl *cl;
	int r;

	if (c->per_ap == 0)
		return 0;
	if ((cl = calloc(1,
	         sizeof(*cl) +
	             (size_t)c->per_ap * CS_STA_T__COUNT * sizeof(cl->t[0]))) ==
	    NULL)
		return -ENOMEM;
	memset(&sc, 0, sizeof(sc));
	memcpy(sc.radio_mac, a->mac, 6);
	sc.rid = 1;
	sc.count = c->per_ap;
	/* from the global AP index: shards slice the clients disjointly */
	cl_mac_add(
	    c->mac_base, (uint64_t)a->gidx * c->per_ap * step, sc.mac_base);
	sc.mac_step = step;
	sc.sta = c->sta;
	sc.has_pmk = c->has_pmk;
	memcpy(sc.pmk, c->pmk, sizeof(sc.pmk));
	r = cs_ap_stations_new(&cl->st, &sc, &io);
	cs_wpa_cleanse(sc.pmk, sizeof(sc.pmk));
	if (r < 0) {
		free(cl);
		return r;
	}
	cl->n = c->per_ap;
	cl->rng = cs_mix64(a->w->e->cfg.seed ^ 0x73746120726e67ull) ^
	    cs_mix64((uint64_t)a->gidx + 1);
	if (cl->rng == 0)
		cl->rng = 1;
	cs_tslot_init(&cl->t_start, a, ENG_SLOT_STA_START);
	for (size_t i = 0; i < (size_t)cl->n * CS_STA_T__COUNT; i++)
		cs_tslot_init(&cl->t[i], a, ENG_SLOT_STA);
	a->cl = cl;
	return 0;
}

unsigned
eng_ap_cl_count(const struct eng_ap *a)
{
	return a->cl != NULL ? a->cl->n : 0;
}

void
eng_ap_cl_facts(
    const struct eng_ap *a, struct cs_client_facts *f, char (*names)[18])
{
	const struct cs_engine_clients *c = &a->w->e->cfg.clients;
	const struct cs_ap_stats *as =
	    a->ap != NULL ? cs_ap_stats(a->ap) : NULL;
	uint32_t step = c->mac_step != 0 ? c->mac_step : 1;

	for (unsigned i = 0; a->cl != NULL && i < a->cl->n; i++) {
		struct cs_sta *s = cs_ap_stations_get(a->cl->st, i);
		struct cs_sta_info info;
		uint8_t mac[6];

		memset(&f[i], 0, sizeof(f[i]));
		if (s != NULL) {
			cs_sta_info(s, &info);
			(void)cs_client_facts_from_sta(
			    &f[i], &info, cs_ap_stations_l2_fail(a->cl->st, i));
		}
		/* the AP's data channel carries the station's frames; a
		 * station not started for want of a WLAN has only these
		 * facts (one the arrival rate had not reached yet is just
		 * pending) */
		f[i].never_started = i >= a->cl->next && !a->cl->has_wlan;
		if (as != NULL) {
			f[i].has_ap_side = true;
			f[i].ap_ka_sent = as->keepalives_sent;
			f[i].ap_ka_received = as->keepalives_received;
		}
		cl_mac_add(c->mac_base,
		    ((uint64_t)a->gidx * a->cl->n + i) * step, mac);
		snprintf(names[i], sizeof(names[i]),
		    "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		    mac[3], mac[4], mac[5]);
		/* named and placed even when its station was never created:
		 * it is one of the run's clients */
		f[i].name = names[i];
		f[i].ap = a->gidx;
	}
}

void
eng_ap_cl_stop(struct eng_ap *a)
{
	struct eng_ap_cl *cl = a->cl;

	if (cl == NULL)
		return;
	cs_timerq_cancel(&a->w->tq, &cl->t_start);
	for (size_t i = 0; i < (size_t)cl->n * CS_STA_T__COUNT; i++)
		cs_timerq_cancel(&a->w->tq, &cl->t[i]);
	/* its stations stop here: their join slots go back */
	cl_unwait(a);
	a->w->cl_joining -= cl->joining;
	cl->joining = 0;
}

void
eng_ap_cl_free(struct eng_ap *a)
{
	if (a->cl == NULL)
		return;
	eng_ap_cl_stop(a);
	cs_ap_stations_free(a->cl->st);
	free(a->cl);
	a->cl = NULL;
}

/* Starts the stations the arrival rate allows by now. */
static void
cl_start_due(struct eng_ap *a, uint64_t now)
{
	struct eng_ap_cl *cl = a->cl;
	double rate = a->w->e->cfg.clients.rate;
	unsigned want = cl->n;

	if (a->w->stopping || a->ap == NULL ||
	    cs_ap_state(a->ap) != CS_AP_RUN || !cl->has_wlan)
		return;
	if (rate > 0) {
		double due = rate * (double)(now - cl->run_ms) / 1000.0 + 1.0;

		if (due < (double)want)
			want = (unsigned)due;
	}
	while (cl->next < want) {
		unsigned i;

		/* the worker's window: at most ENG_CL_JOINING stations
		 * join at once; the rest start as joins end, so an offered
		 * rate over what the host can serve paces the arrivals
		 * instead of timing out every join (capsim's own limit) */
		if (a->w->cl_joining >= ENG_CL_JOINING) {
			if (!a->w->cl_window_logged) {
				a->w->cl_window_logged = true;
				cs_logf(a->w->e->cfg.log, CS_LOG_WARN,
				    "engine: worker %u: %u clients joining at "
				    "once: more start as joins end (capsim "
				    "paces the client arrivals)",
				    a->w->id, ENG_CL_JOINING);
			}
			cl_wait(a);
			return;
		}
		i = cl->next++;

		cs_client_metrics_add(&a->w->cm);
		if (cs_ap_stations_start(cl->st, i, now) < 0)
			cs_logf(a->w->e->cfg.log, CS_LOG_ERR,
			    "engine: AP %u: client %u failed to start",
			    a->gidx + 1, i + 1);
	}
	if (cl->next < cl->n) {
		uint64_t step = (uint64_t)(1000.0 / rate);

		eng_arm(a->w, &cl->t_start, step > 0 ? step : 1);
	}
}

int
eng_ap_cl_wlan(void *ctx, const uint8_t *val, size_t len)
{
	struct eng_ap *a = ctx;
	struct cs_err err = { 0 };
	uint64_t now = eng_now(a->w->e);
	int r;

	if (a->cl == NULL)
		return 0;
	if ((r = cs_ap_stations_add_wlan(a->cl->st, val, len, &err)) < 0) {
		cs_logf(a->w->e->cfg.log, CS_LOG_WARN,
		    "engine: AP %u: Add WLAN refused: %s at offset %zu",
		    a->gidx + 1, err.what != NULL ? err.what : "?", err.offset);
		return r;
	}
	/* the WLAN for the stations' radio (a rejoin brings it again):
	 * the stations not yet started may start */
	if (!cs_ap_stations_has_wlan(a->cl->st))
		return 0;
	if (!a->cl->has_wlan) {
		a->cl->has_wlan = true;
		a->cl->run_ms = now;
	}
	if (a->cl->next < a->cl->n)
		eng_arm(a->w, &a->cl->t_start, 0);
	return 0;
}

int
eng_ap_cl_input(struct eng_ap *a, uint32_t src_ip, const uint8_t *pkt,
    size_t len, uint64_t now)
{
	struct cs_err err = { 0 };
	int r;

	if (a->cl == NULL)
		return 0;
	if (cs_ap_state(a->ap) != CS_AP_RUN || src_ip != a->ac_ip)
		return 0; /* the AP's own checks say why */
	r = cs_ap_stations_input(a->cl->st, pkt, len, now, &err);
	if (r < 0) {
		cs_logf(a->w->e->cfg.log, CS_LOG_DEBUG,
		    "engine: AP %u: 802.11 data dropped: %s at offset %zu",
		    a->gidx + 1, err.what != NULL ? err.what : "?", err.offset);
		return 1;
	}
	return r;
}

void
eng_slot_sta(struct eng_w *w, struct cs_tslot *s, uint64_t now)
{
	struct eng_ap *a = s->owner;
	size_t k = (size_t)(s - a->cl->t);

	(void)w;
	cs_ap_stations_timer(a->cl->st, (unsigned)(k / CS_STA_T__COUNT),
	    (enum cs_sta_timer)(k % CS_STA_T__COUNT), now);
}

void
eng_slot_sta_start(struct eng_w *w, struct cs_tslot *s, uint64_t now)
{
	cl_start_due(s->owner, now);
	/* a slot it left free (its rate allows no more yet, or it left
	 * Run): the next AP waiting may take it */
	if (w->cl_joining < ENG_CL_JOINING)
		cl_slot_freed(w);
}
