/* SPDX-License-Identifier: MIT */
/*
 * The station lab shared by test_ap_station.c and test_wpa_lab.c: see
 * sta_lab.h.
 */
#include "sta_lab.h"

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

#define IP(a, b, c, d)                                                         \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static void
push(struct sta_lab *l, bool to_wlc, int ap, const uint8_t *b, size_t len)
{
	struct sta_lab_pkt *p;

	assert_true(l->tail - l->head < STA_LAB_QMAX);
	p = &l->q[l->tail++ % STA_LAB_QMAX];
	p->to_wlc = to_wlc;
	p->ap = ap;
	assert_true(len <= sizeof(p->b));
	memcpy(p->b, b, len);
	p->len = len;
}

static int
ap_send_data(void *ctx, const uint8_t *pkt, size_t len)
{
	struct sta_lab_ap *a = ctx;

	push(a->l, true, a->ap, pkt, len);
	return 0;
}

static void
ap_arm(void *ctx, unsigned sta, enum cs_sta_timer t, uint64_t d)
{
	struct sta_lab_ap *a = ctx;

	(void)sta;
	(void)t;
	(void)d;
	a->l->armed++;
}

static void
ap_cancel(void *ctx, unsigned sta, enum cs_sta_timer t)
{
	(void)ctx;
	(void)sta;
	(void)t;
}

static uint32_t
ap_rand(void *ctx, uint32_t bound)
{
	struct sta_lab_ap *a = ctx;

	return (a->l->rnd = a->l->rnd * 1103515245u + 12345u) % bound;
}

/* The WLC-side glue: the frame goes into CAPWAP data to the AP. */
static int
wlc_send_frame(
    void *ctx, void *ap, uint8_t rid, const uint8_t *frame, size_t len)
{
	struct sta_lab *l = ctx;
	uint8_t pkt[1700];
	struct cs_wr wr;

	cs_wr_init(&wr, pkt, sizeof(pkt));
	cs_dot11_capwap_wrap(&wr, rid, NULL, frame, len);
	assert_int_equal(wr.err, 0);
	push(l, false, *(int *)ap, pkt, wr.len);
	return 0;
}

/* The control channel, shortcut: the AP takes the WLAN Configuration
 * Request's Add WLAN as ap_fsm would hand it over. */
static int
wlc_send_control(
    void *ctx, void *ap, uint32_t type, const uint8_t *elems, size_t len)
{
	struct sta_lab *l = ctx;
	uint8_t buf[512];
	const struct cs_elem *e;
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_msg m;
	struct cs_wr wr;

	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_msgb_begin(&b, &wr, &h, type, 7);
	cs_wr_bytes(&wr, elems, len);
	assert_int_equal(cs_msgb_end(&b), 0);
	assert_int_equal(cs_msg_decode(&m, buf, wr.len, 0, NULL), 0);
	if (type == CS_MSG_WLAN_CONFIG_REQ) {
		e = cs_msg_find(&m, CS_EL_80211_ADD_WLAN, 0);
		assert_non_null(e);
		assert_int_equal(cs_ap_stations_add_wlan(
		                     l->aps[*(int *)ap], e->val, e->len, NULL),
		    0);
	}
	return 0;
}

/* The DHCP server behind the relay: 10.30.<mac[4]>.<mac[5]>. */
static int
wlc_relay(
    void *ctx, uint32_t server, uint32_t giaddr, const uint8_t *p, size_t len)
{
	static const uint8_t routers[4] = { 10, 30, 0, 1 };
	struct sta_lab *l = ctx;
	struct cs_dhcp_server_params sp = { .server_id = server,
		.lease_s = 3600,
		.subnet_mask = IP(255, 255, 0, 0),
		.routers = routers,
		.routers_len = 4 };
	struct cs_dhcp_msg req, rep;
	enum cs_dhcp_type t;
	uint8_t out[600];
	struct cs_wr wr;

	(void)giaddr;
	assert_int_equal(cs_dhcp_decode(&req, p, len, NULL), 0);
	assert_int_equal(cs_dhcp_get_type(&req, &t), 0);
	if (t == CS_DHCP_RELEASE)
		return 0;
	sp.type = t == CS_DHCP_DISCOVER ? CS_DHCP_OFFER : CS_DHCP_ACK;
	sp.yiaddr = IP(10, 30, req.chaddr[4], req.chaddr[5]);
	assert_int_equal(cs_dhcp_build_reply(&rep, &req, &sp), 0);
	cs_wr_init(&wr, out, sizeof(out));
	assert_int_equal(cs_dhcp_encode(&rep, &wr), 0);
	return cs_wlc_clients_dhcp_reply(l->wlc, out, wr.len, 0, NULL);
}

void
sta_lab_init(struct sta_lab *l)
{
	l->cfg.n_wlans = 1;
	l->cfg.wlans[0].wlan_id = 2;
	strcpy(l->cfg.wlans[0].ssid, "lab-clients");
	l->cfg.wlans[0].gateway = IP(10, 30, 0, 1);
	l->cfg.wlans[0].mask = IP(255, 255, 0, 0);
	memcpy(l->cfg.wlans[0].gateway_mac, "\x02\x00\x5e\x1e\x00\x01", 6);
	l->cfg.dhcp_server = IP(127, 0, 0, 67);
	for (int a = 0; a < STA_LAB_N_AP; a++) {
		l->actx[a].l = l;
		l->actx[a].ap = a;
		l->ap_id[a] = a;
	}
}

struct cs_wlc_clients_io
sta_lab_wlc_io(struct sta_lab *l)
{
	return (struct cs_wlc_clients_io){ .send_frame = wlc_send_frame,
		.send_control = wlc_send_control,
		.relay = wlc_relay,
		.ctx = l };
}

struct cs_ap_stations_io
sta_lab_ap_io(struct sta_lab *l, int a)
{
	return (struct cs_ap_stations_io){ .send_data = ap_send_data,
		.timer_arm = ap_arm,
		.timer_cancel = ap_cancel,
		.rand = ap_rand,
		.ctx = &l->actx[a] };
}

void
sta_lab_ap_cfg(struct cs_ap_stations_cfg *cfg, int a)
{
	*cfg = (struct cs_ap_stations_cfg){
		.rid = 1, .count = STA_LAB_N_STA, .mac_step = 1
	};
	memcpy(cfg->radio_mac, "\x02\x00\xc0\x00\x00\x10", 6);
	cfg->radio_mac[4] = (uint8_t)a;
	memcpy(cfg->mac_base, "\x02\x00\x0b\x00\x00\xfe", 6);
	cfg->mac_base[3] = (uint8_t)a;
	cs_sta_cfg_defaults(&cfg->sta);
}

void
sta_lab_new_aps(struct sta_lab *l,
    void (*tune)(struct cs_ap_stations_cfg *cfg, void *arg), void *arg)
{
	for (int a = 0; a < STA_LAB_N_AP; a++) {
		struct cs_ap_stations_io io = sta_lab_ap_io(l, a);
		struct cs_ap_stations_cfg cfg;

		sta_lab_ap_cfg(&cfg, a);
		if (tune != NULL)
			tune(&cfg, arg);
		assert_int_equal(cs_ap_stations_new(&l->aps[a], &cfg, &io), 0);
	}
}

void
sta_lab_pump(struct sta_lab *l,
    bool (*drop)(const struct sta_lab_pkt *p, void *arg), void *arg)
{
	while (l->head != l->tail) {
		struct sta_lab_pkt p = l->q[l->head++ % STA_LAB_QMAX];

		if (drop != NULL && drop(&p, arg))
			continue;
		if (p.to_wlc) {
			const uint8_t *frame;
			uint8_t rid;
			size_t flen;

			assert_int_equal(cs_dot11_capwap_unwrap(p.b, p.len,
			                     &rid, &frame, &flen, NULL),
			    0);
			(void)cs_wlc_clients_input(
			    l->wlc, &l->ap_id[p.ap], rid, frame, flen, l->now);
		} else {
			assert_int_equal(cs_ap_stations_input(l->aps[p.ap], p.b,
			                     p.len, l->now, NULL),
			    1);
		}
	}
}

void
sta_lab_fini(struct sta_lab *l)
{
	for (int a = 0; a < STA_LAB_N_AP; a++)
		cs_ap_stations_free(l->aps[a]);
	cs_wlc_clients_free(l->wlc);
}
