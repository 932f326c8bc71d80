/* SPDX-License-Identifier: MIT */
/*
 * The engine over the in-process network (cs_engine_cfg.net): no socket
 * is opened, yet the APs join the embedded WLC to Run; the packet path's
 * executor drops, duplicates and reorders datagrams on the live path; the
 * WLC's shards get each AP's datagrams by its source address; fragmented
 * control messages are reassembled on the live path.
 */
#include <dirent.h>
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

#include "capsim/capwap.h"
#include "capsim/capwap_keepalive.h"
#include "capsim/cursor.h"
#include "capsim/dtls.h"
#include "capsim/engine.h"
#include "capsim/impair.h"
#include "capsim/pki.h"
#include "capsim/profile.h"
#include "capsim/transport.h"
#include "capsim/udp.h"
#include "engine/engine-internal.h"
#include "wlc/wlc-internal.h"

#define AP_BASE 0x0a090001u /* 10.9.0.1: in process, nothing is routed */
#define WLC_IP  0x0a0900fau /* 10.9.0.250 */
#define MAX_APS 16

struct fix {
	struct cs_pki *pki;
	struct cs_dtls_ctx *actx, *wctx;
	struct cs_mem_net *net;
	struct cs_engine *e;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool in_run[MAX_APS];
	unsigned n_run;
};

static void
on_ap_event(
    void *ctx, unsigned ap, const uint8_t mac[6], const struct cs_ap_event *ev)
{
	struct fix *f = ctx;

	(void)mac;
	if (ev->kind != CS_AP_EV_STATE || ap >= MAX_APS)
		return;
	pthread_mutex_lock(&f->mu);
	if (ev->to == CS_AP_RUN && !f->in_run[ap]) {
		f->in_run[ap] = true;
		f->n_run++;
	} else if (ev->to != CS_AP_RUN && f->in_run[ap]) {
		f->in_run[ap] = false;
		f->n_run--;
	}
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

/* Waits until n APs are in Run: at most 180 waits of a second (a loaded
 * machine is slow; the count bounds the test). */
static bool
wait_run(struct fix *f, unsigned n)
{
	bool ok;

	pthread_mutex_lock(&f->mu);
	for (int i = 0; i < 180 && f->n_run < n; i++) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec++;
		pthread_cond_timedwait(&f->cv, &f->mu, &ts);
	}
	ok = f->n_run >= n;
	pthread_mutex_unlock(&f->mu);
	return ok;
}

/* Sockets this process has open (/proc/self/fd links "socket:[...]"). */
static unsigned
count_sockets(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	unsigned n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char path[300], link[64];
		ssize_t k;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		k = readlink(path, link, sizeof(link) - 1);
		if (k > 0) {
			link[k] = '\0';
			n += strncmp(link, "socket:", 7) == 0;
		}
	}
	closedir(d);
	return n;
}

static void
fix_dtls(struct fix *f, unsigned mtu)
{
	struct cs_dtls_cfg ac, wc;
	struct cs_err err = { 0 };

	cs_dtls_cfg_init(&ac, CS_DTLS_CLIENT);
	cs_dtls_cfg_init(&wc, CS_DTLS_SERVER);
	ac.trust = wc.trust = cs_pki_ca(f->pki);
	wc.cred = cs_pki_wlc(f->pki);
	ac.mtu = wc.mtu = mtu;
	if (cs_dtls_ctx_new(&f->actx, &ac, &err) < 0 ||
	    cs_dtls_ctx_new(&f->wctx, &wc, &err) < 0)
		fail_msg("dtls ctx: %s", err.what);
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct cs_pki_cfg pc = { 0 };

	assert_non_null(f);
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	pc.now = (int64_t)time(NULL) - 3600;
	assert_int_equal(cs_pki_new(&f->pki, &pc), 0);
	assert_int_equal(cs_mem_net_new(&f->net), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	cs_engine_stop(f->e);
	cs_engine_free(f->e);
	cs_mem_net_free(f->net);
	cs_dtls_ctx_free(f->actx);
	cs_dtls_ctx_free(f->wctx);
	cs_pki_free(f->pki);
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->mu);
	free(f);
	return 0;
}

/* n APs from AP_BASE (+ ap_off) on `workers` workers, the embedded WLC
 * unless wlc_ip is another address (then the APs look for it there). */
static void
fix_cfg(struct fix *f, struct cs_engine_cfg *ec, unsigned n, unsigned workers,
    bool has_wlc)
{
	memset(ec, 0, sizeof(*ec));
	ec->net = f->net;
	ec->workers = workers;
	ec->seed = 11;
	ec->n_aps = n;
	ec->ap_base_ip = AP_BASE;
	memcpy(ec->ap_base_mac, "\x02\xe9\x00\x00\x01\x01", 6);
	ec->ap_name_prefix = "net-ap-";
	cs_ap_cfg_defaults(&ec->ap);
	ec->ap.targets[0] = WLC_IP;
	ec->ap.target_count = 1;
	ec->ap.ac_port = CS_CAPWAP_CONTROL_PORT;
	ec->ap.discovery_interval_ms = 200;
	ec->ap.max_discovery_interval_ms = 200;
	ec->ap_dtls = f->actx;
	ec->ap_pki = f->pki;
	ec->wlc_enabled = has_wlc;
	cs_wlc_cfg_defaults(&ec->wlc);
	ec->wlc.listen_ip = WLC_IP;
	ec->wlc_port = CS_CAPWAP_CONTROL_PORT;
	ec->wlc_dtls = f->wctx;
	ec->on_ap_event = on_ap_event;
	ec->obs_ctx = f;
}

/* 12 APs on 2 workers join the embedded WLC (2 shards) to Run, and not
 * one socket was opened on the way. */
static void
test_net_aps_join_without_sockets(void **state)
{
	struct fix *f = *state;
	struct cs_engine_cfg ec;
	struct cs_mem_net_stats st;
	unsigned socks = count_sockets();

	fix_dtls(f, 0);
	fix_cfg(f, &ec, 12, 2, true);
	assert_int_equal(cs_engine_new(&f->e, &ec), 0);
	assert_int_equal(cs_engine_start(f->e), 0);
	assert_true(wait_run(f, 12));
	assert_int_equal(count_sockets(), socks);
	cs_mem_net_stats(f->net, &st);
	assert_true(st.delivered > 12 * 10); /* discovery, DTLS, join... */
	cs_engine_stop(f->e);
	/* the APs said goodbye (close_notify) to the WLC: nothing was lost
	 * to a full queue */
	cs_mem_net_stats(f->net, &st);
	assert_int_equal(st.queue_full, 0);
}

/* The CAPWAP sequence numbers of Discovery Requests that reached `wlc`
 * (our own endpoint standing in for a controller), in order. */
static unsigned
recv_disc_seqs(struct cs_transport *wlc, uint8_t *seq, unsigned want)
{
	unsigned n = 0;

	for (int tries = 0; tries < 600 && n < want; tries++) {
		uint8_t buf[2048];
		struct cs_udp_pkt pk = { .buf = buf, .cap = sizeof(buf) };
		struct cs_msg m;

		if (cs_transport_recv(wlc, &pk, 1) != 1) {
			usleep(20000);
			continue;
		}
		if (cs_msg_decode(&m, pk.buf, pk.len, 0, NULL) == 0 &&
		    m.ctl.type == CS_MSG_DISCOVERY_REQ)
			seq[n++] = m.ctl.seq;
	}
	return n;
}

/* The executor on the live path: with rules "drop the 1st Discovery
 * Request", "duplicate the next" and "hold every 2nd one until one more
 * went by", a controller sees requests s+1, s+1, s+3, s+2, s+5, s+4. */
static void
test_net_path_drop_dup_reorder(void **state)
{
	struct fix *f = *state;
	struct cs_engine_cfg ec;
	struct cs_impair_rule r[3];
	struct cs_transport *wlc;
	uint8_t seq[6];

	memset(r, 0, sizeof(r));
	for (int i = 0; i < 3; i++) {
		r[i].enabled = true;
		r[i].match.dir_mask = 1u << CS_DIR_UP;
		r[i].match.n_msg_types = 1;
		r[i].match.msg_types[0] = CS_MSG_DISCOVERY_REQ;
	}
	snprintf(r[0].name, sizeof(r[0].name), "drop-first");
	r[0].match.first = 1;
	r[0].action.has_drop = true;
	r[0].action.drop_prob = 1.0;
	snprintf(r[1].name, sizeof(r[1].name), "dup-next");
	r[1].match.first = 1;
	r[1].action.has_duplicate = true;
	r[1].action.dup_copies = 1;
	snprintf(r[2].name, sizeof(r[2].name), "hold-2nd");
	r[2].match.every = 2;
	r[2].action.has_reorder = true;
	r[2].action.hold_pkts = 1;

	fix_dtls(f, 0);
	fix_cfg(f, &ec, 1, 1, false);
	ec.ap.max_discoveries = 20;
	ec.rules = r;
	ec.n_rules = 3;
	assert_int_equal(cs_transport_mem_bind(&wlc, f->net, WLC_IP,
	                     CS_CAPWAP_CONTROL_PORT, NULL, NULL, NULL),
	    0);
	assert_int_equal(cs_engine_new(&f->e, &ec), 0);
	assert_int_equal(cs_engine_start(f->e), 0);
	assert_int_equal(recv_disc_seqs(wlc, seq, 6), 6);
	cs_engine_stop(f->e);
	{
		uint8_t s = (uint8_t)(seq[0] - 1);
		const uint8_t want[6] = { (uint8_t)(s + 1), (uint8_t)(s + 1),
			(uint8_t)(s + 3), (uint8_t)(s + 2), (uint8_t)(s + 5),
			(uint8_t)(s + 4) };

		assert_memory_equal(seq, want, 6);
	}
	cs_transport_free(wlc);
}

/* Shard demultiplexing: with 3 workers, AP i on worker i mod 3, the WLC
 * shard of AP address a is a mod 3 (cs_udp_reuseport_by_src's rule),
 * so an AP's peer lives in exactly that shard, control and data. */
static void
test_net_shards_by_source(void **state)
{
	struct fix *f = *state;
	struct cs_engine_cfg ec;
	unsigned per_shard[3] = { 0 }, total = 0, n = 0;
	struct {
		unsigned shard;
		uint32_t ip;
		uint16_t port;
	} got[16];

	fix_dtls(f, 0);
	fix_cfg(f, &ec, 9, 3, true);
	assert_int_equal(cs_engine_new(&f->e, &ec), 0);
	assert_int_equal(cs_engine_workers(f->e), 3);
	assert_int_equal(cs_engine_start(f->e), 0);
	assert_true(wait_run(f, 9));
	/* read under each worker's lock, asserted after (a failed assert
	 * must not leave a worker locked) */
	for (unsigned k = 0; k < 3; k++) {
		struct eng_w *w = f->e->w[k];

		pthread_mutex_lock(&w->mu);
		for (size_t b = 0; b < w->peer_buckets; b++)
			for (struct eng_peer *p = w->peers[b]; p != NULL;
			     p = p->next)
				if (p->sess != NULL && n < 16) {
					got[n].shard = k;
					got[n].ip = p->ip;
					got[n++].port = p->port;
				}
		pthread_mutex_unlock(&w->mu);
	}
	for (unsigned i = 0; i < n; i++) {
		/* the AP's address picks the shard */
		assert_int_equal(got[i].ip % 3, got[i].shard);
		assert_true(got[i].ip >= AP_BASE && got[i].ip < AP_BASE + 9);
		/* from the AP's own worker's control port */
		assert_int_equal(got[i].port,
		    f->e->w[(got[i].ip - AP_BASE) % 3]
		        ->ap_port[CS_CHAN_CONTROL]);
		per_shard[got[i].shard]++;
		total++;
	}
	assert_int_equal(total, 9);
	for (unsigned k = 0; k < 3; k++)
		assert_int_equal(per_shard[k], 3);
	/* ... and the data channel's keep-alives reached the same shard:
	 * every AP is in Run, which needs the echo (RFC 5415 §4.4.1) */
}

/* A 576-byte MTU and the c9120 profile: its ~1300-byte Join Request
 * does not fit one DTLS record, so it travels in CAPWAP fragments (RFC
 * 5415 §3.4), and the WLC reassembles it on the live path (or the AP
 * would never join). */
static void
test_net_fragments_live(void **state)
{
	struct fix *f = *state;
	struct cs_engine_cfg ec;
	struct cs_profile *prof = NULL;
	struct eng_frag_stats fs = { 0 };
	char why[256];

	if (cs_profile_load(&prof, "c9120", NULL, why, sizeof(why)) < 0)
		fail_msg("profile: %s", why);
	fix_dtls(f, 576);
	fix_cfg(f, &ec, 2, 1, true);
	assert_int_equal(cs_profile_apply(prof, &ec.ap), 0);
	assert_int_equal(cs_engine_new(&f->e, &ec), 0);
	assert_int_equal(cs_engine_start(f->e), 0);
	assert_true(wait_run(f, 2));
	cs_engine_stop(f->e);
	fs = f->e->w[0]->frag;
	/* both Join Requests, each in at least 2 fragments */
	assert_true(fs.msgs_split >= 2);
	assert_true(fs.frags_sent >= 2 * fs.msgs_split);
	assert_int_equal(fs.frags_rcvd, fs.frags_sent);
	assert_int_equal(fs.reassembled, fs.msgs_split);
	assert_int_equal(fs.sets_dropped, 0);
	cs_engine_free(f->e); /* before the profile it borrows */
	f->e = NULL;
	cs_profile_free(prof);
}

/* A keep-alive with a live Session ID "from" the WLC's own data port
 * to itself: answering it would echo it to itself forever (a
 * reflection loop); the WLC drops it, counts it, and the APs stay. */
static void
test_net_wlc_ignores_itself(void **state)
{
	struct fix *f = *state;
	struct cs_engine_cfg ec;
	struct cs_transport *inj;
	struct cs_mem_net_stats st0, st1;
	uint8_t sid[16], ka[64];
	bool has_sid = false;
	struct cs_wr wr;
	struct cs_pkt_meta m = { .ap = CS_AP_UNKNOWN };
	uint64_t dropped;

	fix_dtls(f, 0);
	fix_cfg(f, &ec, 1, 1, true);
	assert_int_equal(cs_engine_new(&f->e, &ec), 0);
	assert_int_equal(cs_engine_start(f->e), 0);
	assert_true(wait_run(f, 1));
	{
		struct eng_w *w = f->e->w[0];

		pthread_mutex_lock(&w->mu);
		for (size_t b = 0; b < w->peer_buckets; b++)
			for (struct eng_peer *p = w->peers[b]; p != NULL;
			     p = p->next)
				if (p->sess != NULL) {
					memcpy(sid, p->sess->session_id, 16);
					has_sid = true;
				}
		pthread_mutex_unlock(&w->mu);
	}
	assert_true(has_sid);
	cs_wr_init(&wr, ka, sizeof(ka));
	assert_int_equal(cs_keepalive_encode(&wr, sid), 0);
	assert_int_equal(wr.err, 0);
	assert_int_equal(
	    cs_transport_mem_bind(&inj, f->net, 0, 0, NULL, NULL, NULL), 0);
	m.src_ip = WLC_IP;
	m.src_port = CS_CAPWAP_CONTROL_PORT + 1;
	m.dst_ip = WLC_IP;
	m.dst_port = CS_CAPWAP_CONTROL_PORT + 1;
	m.pkt = ka;
	m.len = wr.len;
	cs_mem_net_stats(f->net, &st0);
	assert_int_equal(cs_transport_send(inj, &m), 0);
	/* a loop would deliver thousands in this time; wait bounded */
	for (int i = 0; i < 100; i++) {
		pthread_mutex_lock(&f->e->w[0]->mu);
		dropped = f->e->w[0]->wlc_self_dropped;
		pthread_mutex_unlock(&f->e->w[0]->mu);
		if (dropped > 0)
			break;
		usleep(20000);
	}
	usleep(200000);
	cs_mem_net_stats(f->net, &st1);
	assert_int_equal(dropped, 1);
	/* the one injected, and at most a few keep-alives of the AP's */
	assert_true(st1.delivered - st0.delivered < 20);
	assert_true(wait_run(f, 1));
	cs_engine_stop(f->e);
	cs_transport_free(inj);
}

/* Source NAT in front of the APs: its external ports are endpoints of
 * the network too (no socket); the WLC sees every AP at the NAT's
 * address on a port of its own, and the replies find their way back. */
static void
test_net_nat(void **state)
{
	struct fix *f = *state;
	struct cs_engine_cfg ec;
	struct cs_nat_cfg nc = { .ext_ip = 0x0a090101u }; /* 10.9.1.1 */
	unsigned socks = count_sockets(), n = 0, n_nat = 0;
	struct {
		uint32_t ip;
		uint16_t port;
		bool is_nat_port;
	} got[8];

	fix_dtls(f, 0);
	fix_cfg(f, &ec, 4, 1, true);
	ec.nat = &nc;
	assert_int_equal(cs_engine_new(&f->e, &ec), 0);
	assert_int_equal(cs_engine_start(f->e), 0);
	assert_true(wait_run(f, 4));
	assert_int_equal(count_sockets(), socks);
	{
		struct eng_w *w = f->e->w[0];

		pthread_mutex_lock(&w->mu);
		n_nat = (unsigned)w->n_natsocks;
		for (size_t b = 0; b < w->peer_buckets; b++)
			for (struct eng_peer *p = w->peers[b]; p != NULL;
			     p = p->next)
				if (p->sess != NULL && n < 8) {
					got[n].ip = p->ip;
					got[n].port = p->port;
					got[n].is_nat_port = false;
					for (size_t k = 0; k < w->n_natsocks;
					     k++)
						if (w->natsocks[k]->port ==
						    p->port)
							got[n].is_nat_port =
							    true;
					n++;
				}
		pthread_mutex_unlock(&w->mu);
	}
	assert_int_equal(n, 4);
	/* control and data of 4 APs: 8 mappings, 8 external ports */
	assert_int_equal(n_nat, 8);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(got[i].ip, nc.ext_ip);
		assert_true(got[i].is_nat_port);
		for (unsigned j = 0; j < i; j++)
			assert_int_not_equal(got[i].port, got[j].port);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_net_aps_join_without_sockets, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_net_path_drop_dup_reorder, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_net_shards_by_source, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_net_fragments_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_nat, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_net_wlc_ignores_itself, setup, teardown),
	};

	return cmocka_run_group_tests_name("engine_net", tests, NULL, NULL);
}
