/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the split-MAC controller side (lib/wlc/wlc_clients.c):
 * real stations (lib/wifi/station.c) talk to it through an in-process
 * "tunnel" (a FIFO standing in for the AP and its CAPWAP data channel),
 * the test plays the DHCP server behind the relay, and every CAPWAP
 * request the controller asks for is decoded with the element table.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "capsim/dhcp.h"
#include "capsim/ieee80211.h"
#include "capsim/inet.h"
#include "capsim/pcapng.h"
#include "capsim/station.h"
#include "capsim/wlc_clients.h"
#include "testutil.h"

#define IP(a, b, c, d)                                                         \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define N_AP   2
#define N_STA  4 /* per AP */
#define QMAX   256
#define SERVER IP(127, 0, 0, 53)
#define GW     IP(10, 20, 0, 1)

struct msg {
	bool to_wlc; /* else to a station */
	int ap;
	uint8_t b[1600];
	size_t len;
};

struct ctl {
	int ap;
	uint32_t type;
	uint8_t elems[256];
	size_t len;
};

struct world {
	struct cs_wlc_clients *wlc;
	int ap_id[N_AP];
	struct cs_sta *sta[N_AP][N_STA];
	uint8_t bssid[N_AP][6];
	struct msg *q;
	unsigned qhead, qtail;
	struct ctl ctls[64];
	unsigned nctl;
	uint32_t next_ip;
	unsigned relayed;
	uint32_t rnd;
	struct cs_wlc_clients_cfg cfg;
};

struct sta_ctx {
	struct world *w;
	int ap;
};

static struct sta_ctx sctx[N_AP][N_STA];

/* The exchange as it crosses the CAPWAP data channel, for tshark
 * (tests/integration/clients_tshark.sh sets CS_PCAP_OUT). */
static uint8_t cap_buf[1 << 20];
static struct cs_wr capwr;
static bool capturing;
static uint16_t cap_ip_id = 1;
static uint64_t cap_ts = 1700000000000000ull;

static void
capture(bool to_wlc, int ap, const uint8_t *bssid, const uint8_t *b, size_t len)
{
	struct cs_udp4_endpoints ep = { .src_addr = 0x7f003201 + (uint32_t)ap,
		.dst_addr = 0x7f0032fe,
		.src_port = (uint16_t)(40000 + ap),
		.dst_port = CS_CAPWAP_DATA_PORT };
	uint8_t pkt[1700], rid = 0;
	const uint8_t *frame;
	size_t flen;
	struct cs_wr wr;

	cs_wr_init(&wr, pkt, sizeof(pkt));
	cs_dot11_capwap_wrap(&wr, 1, bssid, b, len);
	assert_int_equal(wr.err, 0);
	/* what the AP and the controller read back is the frame */
	assert_int_equal(
	    cs_dot11_capwap_unwrap(pkt, wr.len, &rid, &frame, &flen, NULL), 0);
	assert_int_equal(rid, 1);
	assert_bytes_equal(frame, flen, b, len);
	if (!capturing)
		return;
	if (!to_wlc) {
		uint32_t a = ep.src_addr;
		uint16_t p = ep.src_port;

		ep.src_addr = ep.dst_addr;
		ep.src_port = ep.dst_port;
		ep.dst_addr = a;
		ep.dst_port = p;
	}
	assert_int_equal(cs_pcapng_put_epb_udp4(&capwr, 0, cap_ts += 1000, &ep,
	                     &cap_ip_id, pkt, wr.len),
	    0);
}

static void
push(struct world *w, bool to_wlc, int ap, const uint8_t *b, size_t len)
{
	struct msg *m;

	assert_true(w->qtail - w->qhead < QMAX);
	m = &w->q[w->qtail++ % QMAX];
	m->to_wlc = to_wlc;
	m->ap = ap;
	assert_true(len <= sizeof(m->b));
	memcpy(m->b, b, len);
	m->len = len;
	capture(to_wlc, ap, w->bssid[ap], b, len);
}

static int
sta_send(void *ctx, const uint8_t *frame, size_t len)
{
	struct sta_ctx *s = ctx;

	push(s->w, true, s->ap, frame, len);
	return 0;
}

static void
sta_arm(void *ctx, enum cs_sta_timer t, uint64_t d)
{
	(void)ctx;
	(void)t;
	(void)d;
}

static void
sta_cancel(void *ctx, enum cs_sta_timer t)
{
	(void)ctx;
	(void)t;
}

static uint32_t
sta_rand(void *ctx, uint32_t bound)
{
	struct sta_ctx *s = ctx;

	return (s->w->rnd = s->w->rnd * 1103515245u + 12345u) % bound;
}

static int
wlc_send_frame(
    void *ctx, void *ap, uint8_t rid, const uint8_t *frame, size_t len)
{
	struct world *w = ctx;

	assert_int_equal(rid, 1);
	push(w, false, *(int *)ap, frame, len);
	return 0;
}

static int
wlc_send_control(
    void *ctx, void *ap, uint32_t type, const uint8_t *elems, size_t len)
{
	struct world *w = ctx;
	struct ctl *c;

	assert_true(w->nctl < CS_ARRAY_SIZE(w->ctls));
	c = &w->ctls[w->nctl++];
	c->ap = *(int *)ap;
	c->type = type;
	assert_true(len <= sizeof(c->elems));
	memcpy(c->elems, elems, len);
	c->len = len;
	return 0;
}

/* The DHCP server behind the relay: a pool from 10.20.0.100, answers
 * to giaddr as RFC 2131 §4.1 says. */
static int
wlc_relay(
    void *ctx, uint32_t server, uint32_t giaddr, const uint8_t *p, size_t len)
{
	static const uint8_t routers[4] = { 10, 20, 0, 1 };
	struct world *w = ctx;
	struct cs_dhcp_server_params sp = { .server_id = SERVER,
		.lease_s = 600,
		.subnet_mask = IP(255, 255, 255, 0),
		.routers = routers,
		.routers_len = 4 };
	struct cs_dhcp_msg req, rep;
	enum cs_dhcp_type t;
	uint8_t out[600];
	struct cs_wr wr;

	assert_int_equal(server, SERVER);
	assert_int_equal(giaddr, GW);
	assert_int_equal(cs_dhcp_decode(&req, p, len, NULL), 0);
	assert_int_equal(req.giaddr, GW); /* the relay filled it */
	assert_int_equal(req.hops, 1);
	assert_int_equal(cs_dhcp_get_type(&req, &t), 0);
	w->relayed++;
	if (t == CS_DHCP_RELEASE)
		return 0;
	sp.type = t == CS_DHCP_DISCOVER ? CS_DHCP_OFFER : CS_DHCP_ACK;
	/* one address per client: the last byte of its MAC */
	sp.yiaddr = IP(10, 20, 0, 100) + req.chaddr[5];
	assert_int_equal(cs_dhcp_build_reply(&rep, &req, &sp), 0);
	cs_wr_init(&wr, out, sizeof(out));
	assert_int_equal(cs_dhcp_encode(&rep, &wr), 0);
	assert_int_equal(
	    cs_wlc_clients_dhcp_reply(w->wlc, out, wr.len, 0, NULL), 0);
	return 0;
}

static void
deliver_to_stations(struct world *w, const struct msg *m)
{
	for (int s = 0; s < N_STA; s++)
		if (w->sta[m->ap][s] != NULL)
			(void)cs_sta_input(w->sta[m->ap][s], m->b, m->len, 0);
}

static void
pump(struct world *w)
{
	while (w->qhead != w->qtail) {
		struct msg m = w->q[w->qhead++ % QMAX];

		if (m.to_wlc)
			(void)cs_wlc_clients_input(
			    w->wlc, &w->ap_id[m.ap], 1, m.b, m.len, 0);
		else
			deliver_to_stations(w, &m);
	}
}

static int
setup(void **state)
{
	static const struct cs_wlc_wlan wlan = { .wlan_id = 1,
		.ssid = "capsim-open",
		.gateway = GW,
		.mask = IP(255, 255, 255, 0),
		.gateway_mac = { 0x02, 0x00, 0x5e, 0x14, 0x00, 0x01 } };
	struct world *w = calloc(1, sizeof(*w));

	w->q = calloc(QMAX, sizeof(*w->q));
	w->cfg.wlans[0] = wlan;
	w->cfg.n_wlans = 1;
	w->cfg.max_per_ap = 3;
	w->cfg.dhcp_server = SERVER;
	w->cfg.log.fn = cs_test_log;
	w->cfg.log.max_level = CS_LOG_INFO;
	for (int a = 0; a < N_AP; a++) {
		w->ap_id[a] = a;
		memcpy(w->bssid[a], "\x02\x00\xc0\xa8\x01\x00", 6);
		w->bssid[a][5] = (uint8_t)(a + 1);
	}
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;

	for (int a = 0; a < N_AP; a++)
		for (int s = 0; s < N_STA; s++)
			cs_sta_free(w->sta[a][s]);
	cs_wlc_clients_free(w->wlc);
	free(w->q);
	free(w);
	return 0;
}

static void
new_world(struct world *w)
{
	struct cs_wlc_clients_io io = { .send_frame = wlc_send_frame,
		.send_control = wlc_send_control,
		.relay = wlc_relay,
		.ctx = w };

	assert_int_equal(cs_wlc_clients_new(&w->wlc, &w->cfg, &io), 0);
	for (int a = 0; a < N_AP; a++)
		for (int s = 0; s < N_STA; s++) {
			struct cs_sta_io sio = { .send = sta_send,
				.timer_arm = sta_arm,
				.timer_cancel = sta_cancel,
				.rand = sta_rand,
				.ctx = &sctx[a][s] };
			struct cs_sta_cfg cfg;

			sctx[a][s].w = w;
			sctx[a][s].ap = a;
			cs_sta_cfg_defaults(&cfg);
			memcpy(cfg.mac, "\x02\x00\x0a\x00\x00\x00", 6);
			cfg.mac[5] = (uint8_t)(a * N_STA + s + 1);
			memcpy(cfg.bssid, w->bssid[a], 6);
			strcpy(cfg.ssid, "capsim-open");
			cfg.has_ht = true;
			assert_int_equal(
			    cs_sta_new(&w->sta[a][s], &cfg, &sio), 0);
		}
}

/* Wraps elements in a CAPWAP request and decodes it with the table. */
static void
decode_ctl(const struct ctl *c, struct cs_msg *m, uint8_t *buf, size_t cap)
{
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;
	uint16_t missing;

	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, buf, cap);
	cs_msgb_begin(&b, &wr, &h, c->type, 1);
	cs_wr_bytes(&wr, c->elems, c->len);
	assert_int_equal(cs_msgb_end(&b), 0);
	assert_int_equal(cs_msg_decode(m, buf, wr.len, 0, NULL), 0);
	assert_int_equal(m->n_unknown, 0);
	assert_int_equal(cs_msg_missing(m, 0, &missing), 0);
}

static void
test_clients_join_through_the_controller(void **state)
{
	struct world *w = *state;
	struct cs_wlc_clients_stats st;
	unsigned run = 0, refused = 0, adds = 0;
	uint8_t buf[512];
	struct cs_msg m;

	capturing = getenv("CS_PCAP_OUT") != NULL;
	cs_wr_init(&capwr, cap_buf, sizeof(cap_buf));
	cs_pcapng_put_shb(&capwr, "capsim test_wlc_clients");
	cs_pcapng_put_idb(&capwr, CS_LINKTYPE_IPV4, "lo");
	new_world(w);
	/* the APs reach Run: one WLAN Configuration Request each */
	for (int a = 0; a < N_AP; a++)
		assert_int_equal(
		    cs_wlc_clients_ap_run(w->wlc, &w->ap_id[a], 1), 1);
	assert_int_equal(w->nctl, N_AP);
	for (unsigned i = 0; i < w->nctl; i++) {
		const struct cs_elem *e;

		assert_int_equal(w->ctls[i].type, CS_MSG_WLAN_CONFIG_REQ);
		decode_ctl(&w->ctls[i], &m, buf, sizeof(buf));
		e = cs_msg_find(&m, CS_EL_80211_ADD_WLAN, 0);
		assert_non_null(e);
		assert_int_equal(e->val[0], 1);  /* radio */
		assert_int_equal(e->val[1], 1);  /* WLAN ID */
		assert_int_equal(e->val[15], 0); /* auth: open system */
		assert_int_equal(e->val[16], 1); /* MAC mode: split */
		assert_int_equal(e->val[17], 2); /* tunnel: 802.11 */
		assert_int_equal(e->len, 19 + 11);
		assert_memory_equal(e->val + 19, "capsim-open", 11);
	}
	w->nctl = 0;

	for (int a = 0; a < N_AP; a++)
		for (int s = 0; s < N_STA; s++)
			assert_int_equal(cs_sta_start(w->sta[a][s], 0), 0);
	pump(w);

	for (int a = 0; a < N_AP; a++)
		for (int s = 0; s < N_STA; s++) {
			struct cs_sta_info info;

			cs_sta_info(w->sta[a][s], &info);
			if (info.state == CS_STA_RUN) {
				run++;
				assert_int_equal(info.gateway, GW);
				assert_int_equal(info.ip,
				    IP(10, 20, 0, 100) + a * N_STA + s + 1);
				assert_memory_equal(info.gateway_mac,
				    w->cfg.wlans[0].gateway_mac, 6);
			} else {
				/* per-AP limit 3: the fourth is refused */
				assert_int_equal(info.state, CS_STA_FAILED);
				assert_int_equal(info.failed_in, CS_STA_ASSOC);
				refused++;
			}
		}
	assert_int_equal(run, N_AP * 3);
	assert_int_equal(refused, N_AP);

	/* one Station Configuration Request (Add Station + 802.11 Station)
	 * per associated client */
	for (unsigned i = 0; i < w->nctl; i++) {
		const struct cs_elem *add, *sta;

		assert_int_equal(w->ctls[i].type, CS_MSG_STATION_CONFIG_REQ);
		decode_ctl(&w->ctls[i], &m, buf, sizeof(buf));
		add = cs_msg_find(&m, CS_EL_ADD_STATION, 0);
		sta = cs_msg_find(&m, CS_EL_80211_STATION, 0);
		assert_non_null(add);
		assert_non_null(sta);
		assert_memory_equal(add->val + 2, sta->val + 4, 6);
		assert_int_equal(sta->val[12], 1);   /* WLAN ID */
		assert_int_equal(sta->len, 13 + 12); /* 12 rates */
		adds++;
	}
	assert_int_equal(adds, N_AP * 3);

	cs_wlc_clients_stats(w->wlc, &st);
	assert_int_equal(st.per_state[CS_WLC_CL_RUN], N_AP * 3);
	assert_int_equal(st.assocs, N_AP * 3);
	assert_int_equal(st.assoc_refused_full, N_AP);
	assert_int_equal(st.acks, N_AP * 3);
	assert_int_equal(st.dhcp_relayed, N_AP * 3 * 2);
	assert_int_equal(st.arp_answered, N_AP * 3);
	assert_int_equal(st.echo_answered, N_AP * 3);
	assert_int_equal(w->relayed, N_AP * 3 * 2);

	/* they leave: RELEASE relayed, Disassociation, Delete Station */
	w->nctl = 0;
	for (int a = 0; a < N_AP; a++)
		for (int s = 0; s < 3; s++)
			cs_sta_leave(w->sta[a][s], 1000);
	pump(w);
	cs_wlc_clients_stats(w->wlc, &st);
	assert_int_equal(st.deleted, N_AP * 3);
	assert_int_equal(st.per_state[CS_WLC_CL_RUN], 0);
	assert_int_equal(w->nctl, N_AP * 3);
	decode_ctl(&w->ctls[0], &m, buf, sizeof(buf));
	assert_non_null(cs_msg_find(&m, CS_EL_DELETE_STATION, 0));
	cs_wlc_clients_log_stats(w->wlc);
	assert_non_null(strstr(cs_test_last_log, "6 deleted"));
	if (capturing) {
		FILE *fp = fopen(getenv("CS_PCAP_OUT"), "wb");

		assert_int_equal(capwr.err, 0);
		assert_non_null(fp);
		assert_int_equal(fwrite(cap_buf, 1, capwr.len, fp), capwr.len);
		assert_int_equal(fclose(fp), 0);
		capturing = false;
	}
}

static void
test_class3_frame_gets_deauth(void **state)
{
	struct world *w = *state;
	struct cs_dot11_frame f, got;
	uint8_t b[128];
	struct cs_wr wr;
	static const uint8_t arp[28] = { 0 };
	struct cs_wlc_clients_stats st;

	new_world(w);
	cs_dot11_init_data(&f, true, w->bssid[0],
	    (const uint8_t *)"\x02\x00\x0a\x00\x00\x63",
	    (const uint8_t *)"\xff\xff\xff\xff\xff\xff", CS_ETH_P_ARP, arp,
	    sizeof(arp));
	cs_wr_init(&wr, b, sizeof(b));
	assert_int_equal(cs_dot11_encode(&f, &wr), 0);
	assert_int_equal(
	    cs_wlc_clients_input(w->wlc, &w->ap_id[0], 1, b, wr.len, 0), 0);
	assert_int_equal(w->qtail - w->qhead, 1);
	assert_int_equal(
	    cs_dot11_decode(&got, w->q[w->qhead].b, w->q[w->qhead].len, NULL),
	    0);
	assert_int_equal(got.subtype, CS_DOT11_DEAUTH);
	assert_int_equal(got.reason, 7);
	/* malformed input is counted, never fatal */
	assert_int_equal(
	    cs_wlc_clients_input(w->wlc, &w->ap_id[0], 1, b, 3, 0), 0);
	cs_wlc_clients_stats(w->wlc, &st);
	assert_int_equal(st.frames_dropped, 2);
}

static void
test_unknown_ssid_refused(void **state)
{
	struct world *w = *state;
	struct cs_sta_info info;

	strcpy(w->cfg.wlans[0].ssid, "other");
	new_world(w);
	assert_int_equal(cs_sta_start(w->sta[0][0], 0), 0);
	pump(w);
	cs_sta_info(w->sta[0][0], &info);
	assert_int_equal(info.state, CS_STA_FAILED);
	assert_int_equal(info.failed_in, CS_STA_ASSOC);
}

static void
test_no_dhcp_server(void **state)
{
	struct world *w = *state;
	struct cs_wlc_clients_stats st;
	struct cs_sta_info info;

	w->cfg.dhcp_server = 0;
	new_world(w);
	assert_int_equal(cs_sta_start(w->sta[0][0], 0), 0);
	pump(w);
	cs_sta_info(w->sta[0][0], &info);
	assert_int_equal(info.state, CS_STA_DHCP); /* waiting, timers run */
	cs_wlc_clients_stats(w->wlc, &st);
	assert_int_equal(st.per_state[CS_WLC_CL_ASSOC], 1);
	assert_int_equal(st.dhcp_relayed, 0);
	assert_int_equal(st.frames_dropped, 1);
}

static void
test_ap_gone_and_args(void **state)
{
	struct world *w = *state;
	struct cs_wlc_clients_stats st;
	struct cs_wlc_clients *c = NULL;
	struct cs_wlc_clients_io io = { .send_frame = wlc_send_frame,
		.send_control = wlc_send_control };

	new_world(w);
	for (int s = 0; s < 3; s++)
		assert_int_equal(cs_sta_start(w->sta[0][s], 0), 0);
	pump(w);
	cs_wlc_clients_ap_gone(w->wlc, &w->ap_id[0]);
	cs_wlc_clients_stats(w->wlc, &st);
	for (int i = 0; i < CS_WLC_CL__COUNT; i++)
		assert_int_equal(st.per_state[i], 0);

	assert_int_equal(cs_wlc_clients_new(&c, NULL, &io), -EINVAL);
	w->cfg.wlans[0].wlan_id = 17;
	assert_int_equal(cs_wlc_clients_new(&c, &w->cfg, &io), -EINVAL);
	w->cfg.wlans[0].wlan_id = 1;
	w->cfg.n_wlans = 0;
	assert_int_equal(cs_wlc_clients_new(&c, &w->cfg, &io), -EINVAL);
	assert_null(c);
	assert_int_equal(
	    cs_wlc_clients_input(NULL, NULL, 1, NULL, 0, 0), -EINVAL);
	assert_int_equal(
	    cs_wlc_clients_ap_run(w->wlc, &w->ap_id[0], 0), -EINVAL);
	assert_string_equal(
	    cs_wlc_cl_state_name(CS_WLC_CL_IP_LEARN), "IP-Learn");
	cs_wlc_clients_free(NULL);
}

/* A station that authenticates on another AP has moved: the old AP is
 * told to delete it, and its slot is free again there. */
static void
test_roaming_deletes_on_old_ap(void **state)
{
	struct world *w = *state;
	struct cs_wlc_clients_stats st;
	struct cs_dot11_frame f;
	const struct cs_elem *e;
	uint8_t buf[512], b[64];
	struct cs_msg m;
	struct cs_wr wr;

	new_world(w);
	assert_int_equal(cs_sta_start(w->sta[0][0], 0), 0);
	pump(w);
	cs_wlc_clients_stats(w->wlc, &st);
	assert_int_equal(st.per_state[CS_WLC_CL_RUN], 1);
	w->nctl = 0;
	cs_dot11_init_mgmt(&f, CS_DOT11_AUTH, w->bssid[1],
	    (const uint8_t *)"\x02\x00\x0a\x00\x00\x01", w->bssid[1]);
	f.auth_seq = 1;
	cs_wr_init(&wr, b, sizeof(b));
	assert_int_equal(cs_dot11_encode(&f, &wr), 0);
	assert_int_equal(
	    cs_wlc_clients_input(w->wlc, &w->ap_id[1], 1, b, wr.len, 0), 0);
	assert_int_equal(w->nctl, 1);
	assert_int_equal(w->ctls[0].ap, 0);
	decode_ctl(&w->ctls[0], &m, buf, sizeof(buf));
	e = cs_msg_find(&m, CS_EL_DELETE_STATION, 0);
	assert_non_null(e);
	assert_memory_equal(e->val + 2, "\x02\x00\x0a\x00\x00\x01", 6);
	cs_wlc_clients_stats(w->wlc, &st);
	assert_int_equal(st.per_state[CS_WLC_CL_RUN], 0);
	assert_int_equal(st.per_state[CS_WLC_CL_AUTH], 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_clients_join_through_the_controller, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_class3_frame_gets_deauth, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_unknown_ssid_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_no_dhcp_server, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_ap_gone_and_args, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_roaming_deletes_on_old_ap, setup, teardown),
	};

	return cmocka_run_group_tests_name("wlc_clients", tests, NULL, NULL);
}
