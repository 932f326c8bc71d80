/* SPDX-License-Identifier: MIT */
/*
 * The engine as a whole, from its public API: one AP joins the embedded
 * WLC on loopback (a 127.X.Y.0/24 claimed for this test) and the probe hook
 * hears every step `capsim probe` shows (the Discovery Request and Response,
 * the DTLS session's begin and end with its details, the secure
 * messages), then a scenario's timeline runs on that engine, and a
 * paced storm stops without beginning the handshakes still queued; an
 * engine runs on a loop it is given, with what the caller put there.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <event2/event.h>

#include "capsim/capwap.h"
#include "capsim/diagnose.h"
#include "capsim/dtls.h"
#include "capsim/engine.h"
#include "capsim/pki.h"
#include "capsim/scenario.h"
#include "capsim/udp.h"
#include "testutil.h"

/* What the hooks heard (written on the worker thread, under mu). */
struct rec {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	enum cs_engine_dtls_step steps[16];
	unsigned n_steps;
	uint32_t begin_ip;
	uint16_t begin_port;
	char version[32];
	unsigned disc_req, disc_resp, secure_out, secure_in, join_resp;
	unsigned stall_ms; /* the second Discovery Response takes this long */
	bool in_run;
	/* the timeline */
	unsigned n_done;
	struct cs_scn_done done[4];
};

struct fix {
	struct cs_pki *pki;
	struct cs_dtls_ctx *actx, *wctx;
	struct cs_engine *e;
	struct cs_engine_probe hook;
	struct rec rec;
	uint32_t net, ap_ip, wlc_ip;
};

static void
hook_sent(void *ctx, enum cs_chan ch, bool is_secure, uint32_t dst_ip,
    uint16_t dst_port, size_t len, const struct cs_pkt_hint *h)
{
	struct rec *r = ctx;

	(void)ch;
	(void)dst_ip;
	(void)dst_port;
	(void)len;
	pthread_mutex_lock(&r->mu);
	if (is_secure)
		r->secure_out++;
	else if (h != NULL && h->msg_type == CS_MSG_DISCOVERY_REQ)
		r->disc_req++;
	pthread_mutex_unlock(&r->mu);
}

static void
hook_received(void *ctx, enum cs_chan ch, bool is_secure, uint32_t src_ip,
    uint16_t src_port, const uint8_t *pkt, size_t len)
{
	struct rec *r = ctx;
	struct cs_msg m;

	(void)src_ip;
	(void)src_port;
	if (ch != CS_CHAN_CONTROL)
		return;
	pthread_mutex_lock(&r->mu);
	if (cs_msg_decode(&m, pkt, len, CS_MSG_F_CISCO, NULL) == 0) {
		if (!is_secure && m.ctl.type == CS_MSG_DISCOVERY_RESP &&
		    r->disc_resp == 1 && r->stall_ms > 0) {
			/* a datagram whose handling takes long (as a
			 * handshake step on a starved host does) */
			unsigned ms = r->stall_ms;

			r->stall_ms = 0;
			pthread_mutex_unlock(&r->mu);
			usleep(ms * 1000u);
			pthread_mutex_lock(&r->mu);
		}
		if (!is_secure && m.ctl.type == CS_MSG_DISCOVERY_RESP)
			r->disc_resp++;
		if (is_secure && m.ctl.type == CS_MSG_JOIN_RESP)
			r->join_resp++;
	}
	if (is_secure)
		r->secure_in++;
	pthread_mutex_unlock(&r->mu);
}

static void
hook_dtls(void *ctx, enum cs_engine_dtls_step st, const struct cs_dtls *s,
    uint32_t ip, uint16_t port)
{
	struct rec *r = ctx;
	struct cs_dtls_info di;

	pthread_mutex_lock(&r->mu);
	if (r->n_steps < 16)
		r->steps[r->n_steps++] = st;
	if (st == CS_ENGINE_DTLS_BEGIN) {
		r->begin_ip = ip;
		r->begin_port = port;
	}
	if (st == CS_ENGINE_DTLS_ESTABLISHED && cs_dtls_get_info(s, &di) == 0)
		snprintf(r->version, sizeof(r->version), "%s", di.version);
	pthread_mutex_unlock(&r->mu);
}

static void
on_ap_event(
    void *ctx, unsigned ap, const uint8_t mac[6], const struct cs_ap_event *ev)
{
	struct rec *r = ctx;

	(void)ap;
	(void)mac;
	if (ev->kind != CS_AP_EV_STATE)
		return;
	pthread_mutex_lock(&r->mu);
	r->in_run = ev->to == CS_AP_RUN;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

/* One AP (index 0 at ap_ip + ap_off, MAC 02:e9:00:00:<mac4>:01) against
 * the embedded WLC at wlc_ip - wlc_back, one worker; the caller adds the
 * probe hook or changes what it tests. */
static void
one_ap_cfg(struct fix *f, struct cs_engine_cfg *ec, unsigned ap_off,
    unsigned wlc_back, uint8_t mac4, const char *name)
{
	memset(ec, 0, sizeof(*ec));
	ec->workers = 1;
	ec->seed = 7;
	ec->n_aps = 1;
	ec->ap_base_ip = f->ap_ip + ap_off;
	memcpy(ec->ap_base_mac, "\x02\xe9\x00\x00\x00\x01", 6);
	ec->ap_base_mac[4] = mac4;
	ec->ap_name = name;
	cs_ap_cfg_defaults(&ec->ap);
	ec->ap.targets[0] = f->wlc_ip - wlc_back;
	ec->ap.target_count = 1;
	ec->ap.ac_port = CS_CAPWAP_CONTROL_PORT;
	ec->ap.discovery_interval_ms = 200;
	ec->ap.max_discovery_interval_ms = 200;
	ec->ap_dtls = f->actx;
	ec->ap_pki = f->pki;
	ec->wlc_enabled = true;
	cs_wlc_cfg_defaults(&ec->wlc);
	ec->wlc.listen_ip = f->wlc_ip - wlc_back;
	ec->wlc_port = CS_CAPWAP_CONTROL_PORT;
	ec->wlc_dtls = f->wctx;
	ec->on_ap_event = on_ap_event;
	ec->obs_ctx = &f->rec;
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct cs_pki_cfg pc = { 0 };
	struct cs_dtls_cfg ac, wc;
	struct cs_engine_cfg ec;
	struct cs_err err = { 0 };
	uint32_t net = cs_test_net_claim();

	assert_non_null(f);
	pthread_mutex_init(&f->rec.mu, NULL);
	pthread_cond_init(&f->rec.cv, NULL);
	f->net = net;
	f->ap_ip = net | 1;
	f->wlc_ip = net | 250;
	pc.now = (int64_t)time(NULL) - 3600;
	assert_int_equal(cs_pki_new(&f->pki, &pc), 0);
	cs_dtls_cfg_init(&ac, CS_DTLS_CLIENT);
	cs_dtls_cfg_init(&wc, CS_DTLS_SERVER);
	ac.trust = wc.trust = cs_pki_ca(f->pki);
	wc.cred = cs_pki_wlc(f->pki);
	if (cs_dtls_ctx_new(&f->actx, &ac, &err) < 0 ||
	    cs_dtls_ctx_new(&f->wctx, &wc, &err) < 0)
		fail_msg("dtls ctx: %s", err.what);

	f->hook = (struct cs_engine_probe){ .sent = hook_sent,
		.received = hook_received,
		.dtls = hook_dtls,
		.ctx = &f->rec };
	one_ap_cfg(f, &ec, 0, 0, 0x00, "engine-test");
	ec.probe = &f->hook;
	assert_int_equal(cs_engine_new(&f->e, &ec), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	cs_engine_stop(f->e);
	cs_engine_free(f->e);
	cs_dtls_ctx_free(f->actx);
	cs_dtls_ctx_free(f->wctx);
	cs_pki_free(f->pki);
	pthread_cond_destroy(&f->rec.cv);
	pthread_mutex_destroy(&f->rec.mu);
	cs_test_net_release(f->net);
	free(f);
	return 0;
}

/* Waits for Run: at most 120 waits of a second each (a loaded machine
 * is slow; the count bounds the test). */
static bool
wait_run(struct rec *r)
{
	bool ok;

	pthread_mutex_lock(&r->mu);
	for (int i = 0; i < 120 && !r->in_run; i++) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec++;
		pthread_cond_timedwait(&r->cv, &r->mu, &ts);
	}
	ok = r->in_run;
	pthread_mutex_unlock(&r->mu);
	return ok;
}

/* The invalid uses of the hook and the fixed name: one AP only. */
static void
test_engine_probe_needs_one_ap(void **state)
{
	struct fix *f = *state;
	struct cs_engine_cfg ec;
	struct cs_engine *e = NULL;

	memset(&ec, 0, sizeof(ec));
	ec.n_aps = 2;
	ec.ap_base_ip = f->ap_ip + 10;
	cs_ap_cfg_defaults(&ec.ap);
	ec.ap_dtls = f->actx;
	ec.probe = &f->hook;
	assert_int_equal(cs_engine_new(&e, &ec), -EINVAL);
	assert_null(e);
	ec.probe = NULL;
	ec.ap_name = "two-aps";
	assert_int_equal(cs_engine_new(&e, &ec), -EINVAL);
	assert_null(e);
}

static void
test_engine_join_probe_hook(void **state)
{
	struct fix *f = *state;
	const struct cs_ap_facts *facts;
	struct rec *r = &f->rec;
	char why[256];

	assert_int_not_equal(cs_engine_ap_port(f->e, 0, CS_CHAN_CONTROL), 0);
	assert_int_not_equal(cs_engine_ap_port(f->e, 0, CS_CHAN_DATA), 0);
	assert_int_equal(cs_engine_ap_port(f->e, 1, CS_CHAN_CONTROL), 0);
	assert_int_equal(cs_engine_wlc_active_wtps(f->e), 0);
	assert_int_equal(cs_engine_start(f->e), 0);
	assert_true(wait_run(r));
	/* the AP in Run is a joined WTP of the embedded WLC */
	assert_int_equal(cs_engine_wlc_active_wtps(f->e), 1);
	/* a WLC without data channel DTLS resumes nothing, so it caches
	 * no session (each would outlive its AP with its certificates) */
	assert_int_equal(cs_dtls_ctx_resume_cached(f->wctx), 0);
	cs_engine_stop(f->e);

	/* stopped: the workers are joined, the record is final */
	assert_true(r->disc_req >= 1);
	assert_true(r->disc_resp >= 1);
	assert_true(r->n_steps >= 2);
	assert_int_equal(r->steps[0], CS_ENGINE_DTLS_BEGIN);
	assert_int_equal(r->steps[r->n_steps - 1], CS_ENGINE_DTLS_ESTABLISHED);
	for (unsigned i = 1; i + 1 < r->n_steps; i++)
		assert_int_equal(r->steps[i], CS_ENGINE_DTLS_RETRANSMIT);
	assert_int_equal(r->begin_ip, f->wlc_ip);
	assert_int_equal(r->begin_port, CS_CAPWAP_CONTROL_PORT);
	assert_string_equal(r->version, "DTLSv1.2");
	/* Join, Configuration Status, Change State Event at least */
	assert_true(r->secure_out >= 3);
	assert_int_equal(r->join_resp, 1);
	assert_true(r->secure_in >= 3);
	/* the diagnosis of the one AP's facts: in Run */
	facts = cs_engine_ap_facts(f->e, 0);
	assert_non_null(facts);
	assert_int_equal(
	    cs_diagnose_ap(facts, NULL, why, sizeof(why)), CS_DIAG_OK);
}

static void
tl_done(void *ctx, const struct cs_scn_done *d)
{
	struct rec *r = ctx;

	if (r->n_done < 4)
		r->done[r->n_done++] = *d;
}

/* lib/scenario runs a timeline on the engine: what is due at once, and
 * how long until the next entry. */
static void
test_engine_timeline(void **state)
{
	static const char yaml[] = "name: tl\n"
	                           "duration: 90s\n"
	                           "timeline:\n"
	                           "  - {at: 0s, wlc-restart: true}\n"
	                           "  - {at: 0s, link-down: 2s}\n"
	                           "  - {at: 60s, ap-reboot: true}\n";
	struct fix *f = *state;
	struct cs_scenario *sc = NULL;
	struct cs_scn_timeline tl;
	struct cs_err err = { 0 };
	uint64_t next;

	if (cs_scenario_parse_mem(&sc, yaml, strlen(yaml), "tl", &err) < 0)
		fail_msg("scenario: %s", err.what);
	assert_int_equal(sc->n_timeline, 3);
	assert_int_equal(
	    cs_scn_timeline_init(NULL, sc, f->e, 1, NULL, NULL), -EINVAL);
	assert_int_equal(
	    cs_scn_timeline_init(&tl, sc, NULL, 1, NULL, NULL), -EINVAL);
	assert_int_equal(cs_engine_start(f->e), 0);
	assert_int_equal(
	    cs_scn_timeline_init(&tl, sc, f->e, 1, tl_done, &f->rec), 0);
	next = cs_scn_timeline_run(&tl);
	/* the two entries at 0 ran, in order; the third waits ~60 s */
	assert_int_equal(f->rec.n_done, 2);
	assert_int_equal(f->rec.done[0].ev->action, CS_SCN_ACT_WLC_RESTART);
	assert_int_equal(f->rec.done[0].r, 0); /* the WLC is embedded */
	assert_int_equal(f->rec.done[1].ev->action, CS_SCN_ACT_LINK_DOWN);
	assert_true(next > 50000 && next <= 60000);
	/* not due yet: nothing more runs */
	assert_true(cs_scn_timeline_run(&tl) <= next);
	assert_int_equal(f->rec.n_done, 2);
	/* as if the run reached 60 s: the reboot runs, on the one AP */
	tl.t0_ms -= 60000;
	assert_int_equal(cs_scn_timeline_run(&tl), UINT64_MAX);
	assert_int_equal(f->rec.n_done, 3);
	assert_int_equal(f->rec.done[2].ev->action, CS_SCN_ACT_AP_REBOOT);
	assert_int_equal(f->rec.done[2].r, 0);
	assert_int_equal(f->rec.done[2].n, 1);
	cs_scenario_free(sc);
}

/* A timer that falls due while a datagram is being handled is served
 * right after that datagram, inside the read turn, not after the rest of
 * the turn and the other sockets' turns.  The AP asks the same WLC
 * twice (two targets): the first Discovery Response arms its
 * DiscoveryInterval (200 ms, RFC 5415 §4.7.4), the second takes 500 ms
 * to handle (the probe hook sleeps under the worker's lock, as a
 * handshake step on a starved host would), so the interval is due when
 * that datagram is done. */
static void
test_engine_timers_between_reads(void **state)
{
	struct fix *f = *state;
	struct cs_engine_cfg ec;
	struct cs_engine_health h;
	struct cs_engine *e = NULL;

	one_ap_cfg(f, &ec, 80, 3, 0x02, "engine-test-stall");
	ec.ap.targets[1] = ec.ap.targets[0];
	ec.ap.target_count = 2;
	ec.probe = &f->hook;
	f->rec.stall_ms = 500;
	assert_int_equal(cs_engine_new(&e, &ec), 0);
	assert_int_equal(cs_engine_start(e), 0);
	assert_true(wait_run(&f->rec));
	cs_engine_stop(e);
	assert_int_equal(f->rec.stall_ms, 0); /* the stall happened */
	assert_true(f->rec.disc_resp >= 2);
	assert_int_equal(cs_engine_health(e, &h), 0);
	assert_true(h.timers_inline >= 1);
	/* the timer served then was late by most of the stall */
	assert_true(h.lateness_us.max_us >= 250 * 1000);
	cs_engine_health_free(&h);
	cs_engine_free(e);
}

/* An engine of n APs behind a cap of 2 handshakes (one worker), from
 * `off` in the test's /24; with `wlc_rate` >= 0 against the embedded WLC
 * (taking that many handshakes/s, 0 = as fast as it can), else against
 * an address where nothing listens.  Started, and polled until the two
 * slots are taken and most of the rest queued (at most 200 polls of
 * 50 ms). */
static struct cs_engine *
queued_storm(struct fix *f, unsigned n, unsigned off, double wlc_rate)
{
	struct cs_engine_cfg ec;
	struct cs_engine_health h;
	struct cs_engine *e = NULL;
	bool queued = false;

	memset(&ec, 0, sizeof(ec));
	ec.workers = 1;
	ec.seed = 7;
	ec.n_aps = n;
	ec.ap_base_ip = f->ap_ip + off;
	memcpy(ec.ap_base_mac, "\x02\xe9\x00\x00\x01\x01", 6);
	ec.ap_base_mac[5] = (uint8_t)off;
	cs_ap_cfg_defaults(&ec.ap);
	ec.ap.skip_discovery = true;
	ec.ap.target_count = 1;
	ec.ap.ac_port = CS_CAPWAP_CONTROL_PORT;
	ec.ap_dtls = f->actx;
	ec.ap_pki = f->pki;
	ec.max_inflight = 2;
	if (wlc_rate >= 0) {
		ec.ap.targets[0] = f->wlc_ip - 2;
		ec.wlc_enabled = true;
		cs_wlc_cfg_defaults(&ec.wlc);
		ec.wlc.listen_ip = f->wlc_ip - 2;
		ec.wlc_port = CS_CAPWAP_CONTROL_PORT;
		ec.wlc_dtls = f->wctx;
		ec.wlc_max_hs_rate = wlc_rate;
	} else {
		ec.ap.targets[0] = f->wlc_ip - 1; /* nothing listens there */
	}
	assert_int_equal(cs_engine_new(&e, &ec), 0);
	assert_int_equal(cs_engine_start(e), 0);
	/* sampled often: against the embedded WLC the queue drains at
	 * capsim's own handshake speed (~1 ms each on an idle core) */
	for (int i = 0; i < 5000 && !queued; i++) {
		assert_int_equal(cs_engine_health(e, &h), 0);
		queued = h.hs_active == 2 && h.hs_waiting >= n * 3 / 4;
		cs_engine_health_free(&h);
		if (!queued)
			usleep(2 * 1000);
	}
	assert_true(queued);
	return e;
}

/* Stopping a paced storm leaves the APs that wait for a handshake slot
 * waiting: no handshake begins while the engine stops (each stopped AP
 * frees a slot; filling it would sign a certificate and send a
 * ClientHello only to stop it, and its late answer would read as a slow
 * return path).  No controller listens, so no handshake ends before the
 * stop; the queue then is the cap's, not capsim's own limit. */
static void
test_engine_stop_keeps_queue(void **state)
{
	struct fix *f = *state;
	struct cs_engine_health h;
	struct cs_diag_ctx dc;
	struct cs_engine *e = queued_storm(f, 24, 10, -1);
	unsigned began = 0;

	usleep(100 * 1000); /* the queue waits a while */
	cs_engine_stop(e);
	assert_int_equal(cs_engine_health(e, &h), 0);
	assert_int_equal(h.hs_active, 0);
	assert_int_equal(h.hs_waiting, 22); /* still waiting, not begun */
	assert_true(h.hs_wait_open_ms >= 100);
	assert_false(h.hs_queue_own); /* no window cut, no embedded WLC */
	cs_engine_health_free(&h);
	for (unsigned i = 0; i < 24; i++) {
		const struct cs_ap_facts *fa = cs_engine_ap_facts(e, i);

		assert_non_null(fa);
		began += fa->ch > 0;
	}
	assert_int_equal(began, 2); /* only the two that had a slot */
	cs_engine_diag_ctx(e, &dc);
	assert_false(dc.self.has_hs_queue);
	cs_engine_free(e);
}

/* Against a plain embedded WLC every handshake's latency is capsim's
 * own CPU: APs still waiting in capsim's queue at the end are capsim's
 * limit, given to the diagnosis (simulator-overloaded) with the longest
 * wait, theirs included.  200 APs behind 2 slots keep a queue for a
 * while.  The same with the WLC's service rate set (a deliberately slow
 * controller, 1 handshake/s) is the controller's limit, not capsim's. */
static void
test_engine_queue_own_embedded(void **state)
{
	struct fix *f = *state;
	struct cs_engine_health h;
	struct cs_diag_ctx dc;
	struct cs_engine *e = queued_storm(f, 200, 40, 0);
	uint64_t open_ms;

	/* stopped soon: 150 or more were waiting, and the queue drains at
	 * capsim's own speed (100 ms here let a fast host empty it) */
	usleep(20 * 1000);
	cs_engine_stop(e);
	assert_int_equal(cs_engine_health(e, &h), 0);
	assert_true(h.hs_waiting >= 18);
	assert_true(h.hs_queue_own);
	assert_true(h.hs_wait_open_ms > 0);
	open_ms = h.hs_wait_open_ms;
	cs_engine_health_free(&h);
	cs_engine_diag_ctx(e, &dc);
	assert_true(dc.self.has_hs_queue);
	assert_true(dc.self.hs_queue_wait_max_ms >= open_ms);
	cs_engine_free(e);

	e = queued_storm(f, 24, 10, 1.0);
	usleep(100 * 1000);
	cs_engine_stop(e);
	assert_int_equal(cs_engine_health(e, &h), 0);
	assert_true(h.hs_waiting >= 12); /* 1 handshake/s: most still wait */
	assert_false(h.hs_queue_own);    /* the slow controller's queue */
	cs_engine_health_free(&h);
	cs_engine_diag_ctx(e, &dc);
	assert_false(dc.self.has_hs_queue);
	cs_engine_free(e);
}

/* The caller's own event on the loop it gives the engine (as capsim
 * probe's DHCP client is): it fires on the worker's thread. */
static void
own_event(evutil_socket_t fd, short what, void *arg)
{
	struct rec *r = arg;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&r->mu);
	r->n_done++;
	pthread_mutex_unlock(&r->mu);
}

/* cfg.base: the one worker runs on the caller's loop (capsim probe's
 * discovery loop) instead of one of its own, the caller's events on it
 * fire while the AP joins, and the loop outlives the engine.  More than
 * one worker on one given loop is refused. */
static void
test_engine_given_loop(void **state)
{
	struct fix *f = *state;
	struct event_base *base = cs_engine_base_new();
	struct cs_engine_cfg ec;
	struct cs_engine *e = NULL;
	struct timeval tv = { 0, 0 }; /* due at the first turn */
	struct event *ev;
	unsigned fired;

	assert_non_null(base);
	ev = evtimer_new(base, own_event, &f->rec);
	assert_non_null(ev);
	one_ap_cfg(f, &ec, 5, 4, 0x03, "engine-test-loop");
	ec.workers = 2;
	ec.base = base;
	assert_int_equal(cs_engine_new(&e, &ec), -EINVAL);
	assert_null(e);
	ec.workers = 1;
	assert_int_equal(cs_engine_new(&e, &ec), 0);
	assert_int_equal(evtimer_add(ev, &tv), 0);
	assert_int_equal(cs_engine_start(e), 0);
	assert_true(wait_run(&f->rec));
	cs_engine_stop(e);
	pthread_mutex_lock(&f->rec.mu);
	fired = f->rec.n_done;
	pthread_mutex_unlock(&f->rec.mu);
	assert_int_equal(fired, 1);
	cs_engine_free(e);
	/* the loop is the caller's still: usable, then freed once */
	assert_int_equal(evtimer_add(ev, &tv), 0);
	assert_int_equal(event_base_loop(base, EVLOOP_ONCE), 0);
	assert_int_equal(f->rec.n_done, 2);
	event_free(ev);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_engine_probe_needs_one_ap, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_engine_join_probe_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_engine_timeline, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_engine_timers_between_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_engine_stop_keeps_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_engine_queue_own_embedded, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_engine_given_loop, setup, teardown),
	};

	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
