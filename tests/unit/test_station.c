/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the station state machine (lib/wifi/station.c) with a
 * fake I/O (STYLE G10): scripts of (frame or timer, now) steps, checking
 * after each the state, the frames sent (decoded again with the codecs)
 * and the timers armed.  A small fake controller builds the answers.
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

#include "capsim/cursor.h"
#include "capsim/dhcp.h"
#include "capsim/ieee80211.h"
#include "capsim/inet.h"
#include "capsim/ipv4.h"
#include "capsim/station.h"
#include "testutil.h"

#define IP(a, b, c, d)                                                         \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const uint8_t bssid[6] = { 0x02, 0x00, 0xc0, 0xa8, 0x01, 0x01 };
static const uint8_t mac[6] = { 0x02, 0x00, 0x0a, 0x00, 0x00, 0x01 };
static const uint8_t gw_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint32_t gw_ip = IP(10, 0, 0, 1);
static const uint32_t sta_ip = IP(10, 0, 0, 42);

#define MAX_SENT 16
#define MAX_EVS  32

struct fake {
	uint8_t sent[MAX_SENT][1600];
	size_t sent_len[MAX_SENT];
	unsigned nsent;
	uint64_t armed[CS_STA_T__COUNT]; /* 0: not armed */
	struct cs_sta_event evs[MAX_EVS];
	char ev_reason[MAX_EVS][128];
	unsigned nevs;
	uint32_t rnd;
	/* L2 hook */
	unsigned l2_started;
	uint8_t l2_rsn[64];
	size_t l2_rsn_len;
	unsigned l2_frames;
	struct cs_sta **free_in_event; /* cs_sta_free from the callback */
};

static int
fk_send(void *ctx, const uint8_t *frame, size_t len)
{
	struct fake *fk = ctx;

	assert_true(fk->nsent < MAX_SENT);
	assert_true(len <= sizeof(fk->sent[0]));
	memcpy(fk->sent[fk->nsent], frame, len);
	fk->sent_len[fk->nsent++] = len;
	return 0;
}

static void
fk_arm(void *ctx, enum cs_sta_timer t, uint64_t delay_ms)
{
	struct fake *fk = ctx;

	fk->armed[t] = delay_ms == 0 ? 1 : delay_ms;
}

static void
fk_cancel(void *ctx, enum cs_sta_timer t)
{
	struct fake *fk = ctx;

	fk->armed[t] = 0;
}

static void
fk_event(void *ctx, const struct cs_sta_event *ev)
{
	struct fake *fk = ctx;

	assert_true(fk->nevs < MAX_EVS);
	fk->evs[fk->nevs] = *ev;
	snprintf(fk->ev_reason[fk->nevs], sizeof(fk->ev_reason[0]), "%s",
	    ev->reason ? ev->reason : "");
	fk->nevs++;
	if (fk->free_in_event != NULL && ev->kind == CS_STA_EV_FAILURE) {
		cs_sta_free(*fk->free_in_event);
		*fk->free_in_event = NULL;
	}
}

static uint32_t
fk_rand(void *ctx, uint32_t bound)
{
	struct fake *fk = ctx;

	return fk->rnd++ % bound;
}

static int
fk_l2_start(void *ctx, const uint8_t *rsn, size_t len, const uint8_t *b)
{
	struct fake *fk = ctx;

	fk->l2_started++;
	assert_memory_equal(b, bssid, 6);
	memcpy(fk->l2_rsn, rsn, len);
	fk->l2_rsn_len = len;
	return 0;
}

static void
fk_l2_input(void *ctx, const uint8_t *eapol, size_t len)
{
	struct fake *fk = ctx;

	(void)eapol;
	(void)len;
	fk->l2_frames++;
}

struct fix {
	struct fake fk;
	struct cs_sta_io io;
	struct cs_sta_cfg cfg;
	struct cs_sta *sta;
};

static int
setup(void **state)
{
	struct fix *x = calloc(1, sizeof(*x));

	x->io = (struct cs_sta_io){ .send = fk_send,
		.timer_arm = fk_arm,
		.timer_cancel = fk_cancel,
		.event = fk_event,
		.rand = fk_rand,
		.ctx = &x->fk };
	cs_sta_cfg_defaults(&x->cfg);
	memcpy(x->cfg.mac, mac, 6);
	memcpy(x->cfg.bssid, bssid, 6);
	strcpy(x->cfg.ssid, "capsim-open");
	x->cfg.has_ht = true;
	x->cfg.log.fn = cs_test_log;
	x->cfg.log.max_level = CS_LOG_DEBUG;
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *x = *state;

	cs_sta_free(x->sta);
	free(x);
	return 0;
}

static void
fix_new(struct fix *x)
{
	assert_int_equal(cs_sta_new(&x->sta, &x->cfg, &x->io), 0);
}

/* ---- the fake controller's frames ---------------------------------- */

static void
feed(struct fix *x, const struct cs_dot11_frame *f, uint64_t now)
{
	uint8_t buf[1600];
	struct cs_wr wr;

	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_dot11_encode(f, &wr), 0);
	assert_int_equal(cs_sta_input(x->sta, buf, wr.len, now), 0);
}

static void
feed_mgmt(struct fix *x, uint8_t subtype, uint16_t code, uint64_t now)
{
	struct cs_dot11_frame f;

	cs_dot11_init_mgmt(&f, subtype, mac, bssid, bssid);
	switch (subtype) {
	case CS_DOT11_AUTH:
		f.auth_seq = 2;
		f.status = code;
		break;
	case CS_DOT11_ASSOC_RESP:
		f.status = code;
		f.aid = code == 0 ? 1 : 0;
		break;
	default:
		f.reason = code;
		break;
	}
	feed(x, &f, now);
}

static void
feed_ip(struct fix *x, const uint8_t *src_mac, const uint8_t *ip, size_t len,
    uint64_t now)
{
	struct cs_dot11_frame f;

	cs_dot11_init_data(
	    &f, /* to_ds= */ false, bssid, src_mac, mac, CS_ETH_P_IP, ip, len);
	feed(x, &f, now);
}

static void
feed_dhcp(struct fix *x, const struct cs_dhcp_msg *req, enum cs_dhcp_type t,
    bool with_router, uint64_t now)
{
	static const uint8_t routers[4] = { 10, 0, 0, 1 };
	struct cs_dhcp_server_params p = { .type = t,
		.yiaddr = t == CS_DHCP_NAK ? 0 : sta_ip,
		.server_id = gw_ip,
		.lease_s = 3600,
		.subnet_mask = IP(255, 255, 255, 0),
		.routers = with_router ? routers : NULL,
		.routers_len = with_router ? 4 : 0 };
	uint8_t d[600], ip[700];
	struct cs_dhcp_msg m;
	struct cs_wr dw, iw;

	assert_int_equal(cs_dhcp_build_reply(&m, req, &p), 0);
	cs_wr_init(&dw, d, sizeof(d));
	assert_int_equal(cs_dhcp_encode(&m, &dw), 0);
	cs_wr_init(&iw, ip, sizeof(ip));
	cs_udp4_build(&iw, gw_ip, t == CS_DHCP_NAK ? 0xffffffff : sta_ip, 67,
	    68, 1, d, dw.len);
	assert_int_equal(iw.err, 0);
	feed_ip(x, gw_mac, ip, iw.len, now);
}

static void
feed_arp(struct fix *x, uint16_t op, uint32_t spa, const uint8_t *sha,
    uint32_t tpa, uint64_t now)
{
	struct cs_arp a = { .op = op, .spa = spa, .tpa = tpa };
	struct cs_dot11_frame f;
	uint8_t b[28];
	struct cs_wr wr;

	memcpy(a.sha, sha, 6);
	if (op == CS_ARP_REPLY)
		memcpy(a.tha, mac, 6);
	cs_wr_init(&wr, b, sizeof(b));
	cs_arp_encode(&a, &wr);
	cs_dot11_init_data(
	    &f, false, bssid, sha, mac, CS_ETH_P_ARP, b, sizeof(b));
	feed(x, &f, now);
}

static void
feed_echo(struct fix *x, uint8_t type, uint32_t src, uint16_t id, uint16_t seq,
    uint64_t now)
{
	struct cs_icmp_echo e = { .type = type,
		.id = id,
		.seq = seq,
		.data = (const uint8_t *)"abcd",
		.data_len = 4 };
	uint8_t b[100];
	struct cs_wr wr;

	cs_wr_init(&wr, b, sizeof(b));
	cs_icmp4_echo_build(&wr, src, sta_ip, 7, &e);
	feed_ip(x, gw_mac, b, wr.len, now);
}

/* ---- reading what the station sent --------------------------------- */

static void
sent_frame(struct fix *x, unsigned i, struct cs_dot11_frame *f)
{
	assert_true(i < x->fk.nsent);
	assert_int_equal(
	    cs_dot11_decode(f, x->fk.sent[i], x->fk.sent_len[i], NULL), 0);
	assert_memory_equal(f->addr2, f->type == CS_DOT11_DATA ? mac : mac, 6);
}

/* The DHCP message in sent frame i; checks the IP/UDP layers on the way. */
static void
sent_dhcp(struct fix *x, unsigned i, struct cs_dhcp_msg *m, uint32_t *dst,
    const uint8_t **da)
{
	static struct cs_dot11_frame f;
	const uint8_t *data;
	struct cs_ip4_hdr h;
	uint16_t sp, dp;
	size_t dlen;

	sent_frame(x, i, &f);
	assert_int_equal(f.type, CS_DOT11_DATA);
	assert_int_equal(f.flags & 3, CS_DOT11_FC_TODS);
	assert_memory_equal(f.addr1, bssid, 6);
	assert_int_equal(f.ethertype, CS_ETH_P_IP);
	assert_int_equal(cs_ip4_parse(f.payload, f.payload_len, &h, NULL), 0);
	assert_int_equal(h.proto, CS_IP_UDP);
	assert_int_equal(cs_udp_hdr_parse(h.src, h.dst, h.payload,
	                     h.payload_len, &sp, &dp, &data, &dlen, NULL),
	    0);
	assert_int_equal(sp, 68);
	assert_int_equal(dp, 67);
	assert_int_equal(cs_dhcp_decode(m, data, dlen, NULL), 0);
	*dst = h.dst;
	*da = cs_dot11_data_da(&f);
}

static enum cs_dhcp_type
dhcp_type(const struct cs_dhcp_msg *m)
{
	enum cs_dhcp_type t = 0;

	assert_int_equal(cs_dhcp_get_type(m, &t), 0);
	return t;
}

static void
clear_sent(struct fix *x)
{
	x->fk.nsent = 0;
}

/* Runs the whole open join to Run; returns the last DHCP request. */
static void
join(struct fix *x, struct cs_dhcp_msg *req)
{
	struct cs_dhcp_msg m;
	const uint8_t *da;
	uint32_t dst;

	fix_new(x);
	assert_int_equal(cs_sta_start(x->sta, 1000), 0);
	feed_mgmt(x, CS_DOT11_AUTH, 0, 1010);
	feed_mgmt(x, CS_DOT11_ASSOC_RESP, 0, 1020);
	/* the DISCOVER went out on association */
	assert_int_equal(cs_sta_state(x->sta), CS_STA_DHCP);
	sent_dhcp(x, x->fk.nsent - 1, &m, &dst, &da);
	(void)dhcp_type(&m);
	clear_sent(x);
	feed_dhcp(x, &m, CS_DHCP_OFFER, true, 1030);
	sent_dhcp(x, 0, req, &dst, &da);
	clear_sent(x);
	feed_dhcp(x, req, CS_DHCP_ACK, true, 1040);
	feed_arp(x, CS_ARP_REPLY, gw_ip, gw_mac, sta_ip, 1050);
	{
		struct cs_dot11_frame f;
		struct cs_ip4_hdr h;
		struct cs_icmp_echo e;

		sent_frame(x, x->fk.nsent - 1, &f);
		assert_int_equal(
		    cs_ip4_parse(f.payload, f.payload_len, &h, NULL), 0);
		assert_int_equal(
		    cs_icmp_echo_parse(&e, h.payload, h.payload_len, NULL), 0);
		feed_echo(x, CS_ICMP_ECHO_REPLY, gw_ip, e.id, e.seq, 1060);
	}
	assert_int_equal(cs_sta_state(x->sta), CS_STA_RUN);
	clear_sent(x);
}

/* ---- tests --------------------------------------------------------- */

static void
test_open_join_step_by_step(void **state)
{
	struct fix *x = *state;
	struct cs_dot11_frame f;
	struct cs_dhcp_msg m, req;
	struct cs_sta_info info;
	const uint8_t *da;
	uint32_t dst, a;
	struct cs_arp arp;

	fix_new(x);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_IDLE);
	assert_int_equal(cs_sta_start(x->sta, 1000), 0);
	assert_int_equal(cs_sta_start(x->sta, 1000), -EPROTO);
	/* Authentication, open system, seq 1 */
	assert_int_equal(cs_sta_state(x->sta), CS_STA_AUTH);
	assert_int_equal(x->fk.nsent, 1);
	sent_frame(x, 0, &f);
	assert_int_equal(f.subtype, CS_DOT11_AUTH);
	assert_int_equal(f.auth_alg, CS_DOT11_AUTH_OPEN);
	assert_int_equal(f.auth_seq, 1);
	assert_memory_equal(f.addr1, bssid, 6);
	assert_memory_equal(f.addr3, bssid, 6);
	assert_int_equal(x->fk.armed[CS_STA_T_RETRY], 1000);
	clear_sent(x);

	/* Association Request with SSID, rates, HT; no RSN (open) */
	feed_mgmt(x, CS_DOT11_AUTH, 0, 1005);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_ASSOC);
	sent_frame(x, 0, &f);
	assert_int_equal(f.subtype, CS_DOT11_ASSOC_REQ);
	assert_int_equal(f.ies.ssid_len, 11);
	assert_memory_equal(f.ies.ssid, "capsim-open", 11);
	assert_int_equal(f.ies.n_rates, 12);
	assert_true(f.ies.has_ht);
	assert_false(f.ies.has_rsn);
	assert_int_equal(f.capability & CS_DOT11_CAP_PRIVACY, 0);
	clear_sent(x);

	/* DHCPDISCOVER, broadcast, from 0.0.0.0 */
	feed_mgmt(x, CS_DOT11_ASSOC_RESP, 0, 1012);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_DHCP);
	sent_dhcp(x, 0, &m, &dst, &da);
	assert_int_equal(dhcp_type(&m), CS_DHCP_DISCOVER);
	assert_int_equal(dst, 0xffffffff);
	assert_memory_equal(da, "\xff\xff\xff\xff\xff\xff", 6);
	assert_memory_equal(m.chaddr, mac, 6);
	/* RFC 2131 §4.1: 4 s +- 1 s */
	assert_in_range(x->fk.armed[CS_STA_T_RETRY], 3000, 5000);
	clear_sent(x);

	/* OFFER -> REQUEST with options 50 and 54 */
	feed_dhcp(x, &m, CS_DHCP_OFFER, true, 1100);
	sent_dhcp(x, 0, &req, &dst, &da);
	assert_int_equal(dhcp_type(&req), CS_DHCP_REQUEST);
	assert_int_equal(req.xid, m.xid);
	assert_int_equal(cs_dhcp_get_ipv4(&req, 50, &a), 0);
	assert_int_equal(a, sta_ip);
	assert_int_equal(cs_dhcp_get_ipv4(&req, 54, &a), 0);
	assert_int_equal(a, gw_ip);
	clear_sent(x);

	/* ACK -> ARP announcement and the gateway request */
	feed_dhcp(x, &req, CS_DHCP_ACK, true, 1200);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_ARP);
	assert_int_equal(x->fk.nsent, 2);
	sent_frame(x, 0, &f);
	assert_int_equal(f.ethertype, CS_ETH_P_ARP);
	assert_int_equal(
	    cs_arp_decode(&arp, f.payload, f.payload_len, NULL), 0);
	assert_int_equal(arp.spa, sta_ip);
	assert_int_equal(arp.tpa, sta_ip); /* announcement, RFC 5227 */
	sent_frame(x, 1, &f);
	assert_int_equal(
	    cs_arp_decode(&arp, f.payload, f.payload_len, NULL), 0);
	assert_int_equal(arp.op, CS_ARP_REQUEST);
	assert_int_equal(arp.tpa, gw_ip);
	assert_int_equal(x->fk.armed[CS_STA_T_RENEW], 1800000); /* T1 */
	assert_int_equal(x->fk.armed[CS_STA_T_LEASE], 3600000);
	clear_sent(x);

	/* gateway's ARP reply -> echo request to its MAC */
	feed_arp(x, CS_ARP_REPLY, gw_ip, gw_mac, sta_ip, 1300);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_PING);
	sent_frame(x, 0, &f);
	assert_memory_equal(cs_dot11_data_da(&f), gw_mac, 6);
	{
		struct cs_ip4_hdr h;
		struct cs_icmp_echo e;

		assert_int_equal(
		    cs_ip4_parse(f.payload, f.payload_len, &h, NULL), 0);
		assert_int_equal(h.dst, gw_ip);
		assert_int_equal(h.src, sta_ip);
		assert_int_equal(
		    cs_icmp_echo_parse(&e, h.payload, h.payload_len, NULL), 0);
		assert_int_equal(e.type, CS_ICMP_ECHO_REQUEST);
		/* a reply with the wrong sequence is not the answer */
		feed_echo(x, CS_ICMP_ECHO_REPLY, gw_ip, e.id, e.seq + 1, 1350);
		assert_int_equal(cs_sta_state(x->sta), CS_STA_PING);
		feed_echo(x, CS_ICMP_ECHO_REPLY, gw_ip, e.id, e.seq, 1400);
	}
	assert_int_equal(cs_sta_state(x->sta), CS_STA_RUN);
	assert_int_equal(x->fk.armed[CS_STA_T_RETRY], 0);

	cs_sta_info(x->sta, &info);
	assert_int_equal(info.ip, sta_ip);
	assert_int_equal(info.gateway, gw_ip);
	assert_int_equal(info.mask, IP(255, 255, 255, 0));
	assert_memory_equal(info.gateway_mac, gw_mac, 6);
	assert_int_equal(info.aid, 1);
	assert_int_equal(info.auth_ms, 5);
	assert_int_equal(info.assoc_ms, 7);
	assert_int_equal(info.dhcp_ms, 188);
	assert_int_equal(info.arp_ms, 200);
	assert_int_equal(info.total_ms, 400);

	/* events: one per transition, in order */
	{
		static const enum cs_sta_state path[] = { CS_STA_AUTH,
			CS_STA_ASSOC, CS_STA_DHCP, CS_STA_ARP, CS_STA_PING,
			CS_STA_RUN };
		unsigned n = 0;

		for (unsigned i = 0; i < x->fk.nevs; i++) {
			if (x->fk.evs[i].kind != CS_STA_EV_STATE)
				continue;
			assert_true(n < CS_ARRAY_SIZE(path));
			assert_int_equal(x->fk.evs[i].to, path[n]);
			n++;
		}
		assert_int_equal(n, CS_ARRAY_SIZE(path));
	}
}

/* The last sent frame's ICMP echo (and its IP total length). */
static void
sent_echo(struct fix *x, struct cs_icmp_echo *e, uint16_t *ip_len)
{
	struct cs_dot11_frame f;
	struct cs_ip4_hdr h;

	sent_frame(x, x->fk.nsent - 1, &f);
	assert_int_equal(cs_ip4_parse(f.payload, f.payload_len, &h, NULL), 0);
	assert_int_equal(h.dst, gw_ip);
	assert_int_equal(
	    cs_icmp_echo_parse(e, h.payload, h.payload_len, NULL), 0);
	assert_int_equal(e->type, CS_ICMP_ECHO_REQUEST);
	*ip_len = h.total_len;
}

/* The data-path probe: after the small echo, one of large_echo_bytes of
 * IP; lost every time, the station still goes to Run and says so. */
static void
test_large_echo_probe(void **state)
{
	struct fix *x = *state;
	struct cs_dhcp_msg m, req;
	struct cs_icmp_echo e;
	struct cs_sta_info info;
	const uint8_t *da;
	uint32_t dst;
	uint16_t len;

	x->cfg.large_echo_bytes = 27; /* below IP + ICMP headers */
	assert_int_equal(cs_sta_new(&x->sta, &x->cfg, &x->io), -EINVAL);
	x->cfg.large_echo_bytes = 1501;
	assert_int_equal(cs_sta_new(&x->sta, &x->cfg, &x->io), -EINVAL);
	x->cfg.large_echo_bytes = 1352;
	fix_new(x);
	assert_int_equal(cs_sta_start(x->sta, 1000), 0);
	feed_mgmt(x, CS_DOT11_AUTH, 0, 1010);
	feed_mgmt(x, CS_DOT11_ASSOC_RESP, 0, 1020);
	sent_dhcp(x, x->fk.nsent - 1, &m, &dst, &da);
	clear_sent(x);
	feed_dhcp(x, &m, CS_DHCP_OFFER, true, 1030);
	sent_dhcp(x, 0, &req, &dst, &da);
	clear_sent(x);
	feed_dhcp(x, &req, CS_DHCP_ACK, true, 1040);
	feed_arp(x, CS_ARP_REPLY, gw_ip, gw_mac, sta_ip, 1050);
	sent_echo(x, &e, &len);
	assert_int_equal(len, 20 + 8 + 32); /* the small one */
	feed_echo(x, CS_ICMP_ECHO_REPLY, gw_ip, e.id, e.seq, 1060);
	/* still checking: the large probe is out */
	assert_int_equal(cs_sta_state(x->sta), CS_STA_PING);
	sent_echo(x, &e, &len);
	assert_int_equal(len, 1352);
	assert_int_equal(x->fk.armed[CS_STA_T_RETRY], 1000);
	/* lost three times (ping_tries): Run all the same */
	cs_sta_timer_fired(x->sta, CS_STA_T_RETRY, 2060);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_PING);
	sent_echo(x, &e, &len);
	assert_int_equal(len, 1352);
	cs_sta_timer_fired(x->sta, CS_STA_T_RETRY, 3060);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_PING);
	cs_sta_timer_fired(x->sta, CS_STA_T_RETRY, 4060);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_RUN);
	cs_sta_info(x->sta, &info);
	assert_int_equal(info.small_echo_sent, 1);
	assert_int_equal(info.small_echo_answered, 1);
	assert_int_equal(info.large_echo_sent, 3);
	assert_int_equal(info.large_echo_answered, 0);
	assert_int_equal(info.large_echo_bytes, 1352);
	cs_sta_free(x->sta);
	x->sta = NULL;

	/* answered: Run at once, one probe */
	memset(&x->fk, 0, sizeof(x->fk));
	fix_new(x);
	assert_int_equal(cs_sta_start(x->sta, 1000), 0);
	feed_mgmt(x, CS_DOT11_AUTH, 0, 1010);
	feed_mgmt(x, CS_DOT11_ASSOC_RESP, 0, 1020);
	sent_dhcp(x, x->fk.nsent - 1, &m, &dst, &da);
	clear_sent(x);
	feed_dhcp(x, &m, CS_DHCP_OFFER, true, 1030);
	sent_dhcp(x, 0, &req, &dst, &da);
	clear_sent(x);
	feed_dhcp(x, &req, CS_DHCP_ACK, true, 1040);
	feed_arp(x, CS_ARP_REPLY, gw_ip, gw_mac, sta_ip, 1050);
	sent_echo(x, &e, &len);
	feed_echo(x, CS_ICMP_ECHO_REPLY, gw_ip, e.id, e.seq, 1060);
	sent_echo(x, &e, &len);
	assert_int_equal(len, 1352);
	feed_echo(x, CS_ICMP_ECHO_REPLY, gw_ip, e.id, e.seq, 1070);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_RUN);
	cs_sta_info(x->sta, &info);
	assert_int_equal(info.large_echo_sent, 1);
	assert_int_equal(info.large_echo_answered, 1);
}

static void
test_run_answers_arp_and_ping(void **state)
{
	struct fix *x = *state;
	struct cs_dhcp_msg req;
	struct cs_dot11_frame f;
	struct cs_sta_info info;
	struct cs_arp arp;
	struct cs_ip4_hdr h;
	struct cs_icmp_echo e;

	join(x, &req);
	feed_arp(x, CS_ARP_REQUEST, gw_ip, gw_mac, sta_ip, 2000);
	assert_int_equal(x->fk.nsent, 1);
	sent_frame(x, 0, &f);
	assert_int_equal(
	    cs_arp_decode(&arp, f.payload, f.payload_len, NULL), 0);
	assert_int_equal(arp.op, CS_ARP_REPLY);
	assert_int_equal(arp.spa, sta_ip);
	assert_memory_equal(arp.sha, mac, 6);
	assert_memory_equal(arp.tha, gw_mac, 6);
	assert_memory_equal(cs_dot11_data_da(&f), gw_mac, 6);
	clear_sent(x);
	/* ARP for another address: not ours to answer */
	feed_arp(x, CS_ARP_REQUEST, gw_ip, gw_mac, IP(10, 0, 0, 43), 2001);
	assert_int_equal(x->fk.nsent, 0);

	feed_echo(x, CS_ICMP_ECHO_REQUEST, gw_ip, 0x77, 3, 2002);
	assert_int_equal(x->fk.nsent, 1);
	sent_frame(x, 0, &f);
	assert_int_equal(cs_ip4_parse(f.payload, f.payload_len, &h, NULL), 0);
	assert_int_equal(h.dst, gw_ip);
	assert_int_equal(
	    cs_icmp_echo_parse(&e, h.payload, h.payload_len, NULL), 0);
	assert_int_equal(e.type, CS_ICMP_ECHO_REPLY);
	assert_int_equal(e.id, 0x77);
	assert_int_equal(e.seq, 3);
	assert_int_equal(e.data_len, 4);
	cs_sta_info(x->sta, &info);
	assert_int_equal(info.arp_answered, 1);
	assert_int_equal(info.echo_answered, 1);
}

static void
test_renew_at_t1(void **state)
{
	struct fix *x = *state;
	struct cs_dhcp_msg req, m;
	struct cs_sta_info info;
	const uint8_t *da;
	uint32_t dst, a;

	join(x, &req);
	cs_sta_timer_fired(x->sta, CS_STA_T_RENEW, 1801040);
	sent_dhcp(x, 0, &m, &dst, &da);
	/* RFC 2131 §4.3.2 RENEWING: unicast, ciaddr, no 50/54 */
	assert_int_equal(dhcp_type(&m), CS_DHCP_REQUEST);
	assert_int_equal(dst, gw_ip);
	assert_memory_equal(da, gw_mac, 6);
	assert_int_equal(m.ciaddr, sta_ip);
	assert_int_equal(cs_dhcp_get_ipv4(&m, 50, &a), -ENOENT);
	assert_in_range(x->fk.armed[CS_STA_T_RENEW], 3000, 5000);
	feed_dhcp(x, &m, CS_DHCP_ACK, true, 1801100);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_RUN);
	cs_sta_info(x->sta, &info);
	assert_int_equal(info.renewals, 1);
	assert_int_equal(x->fk.armed[CS_STA_T_RENEW], 1800000);
	/* the lease then runs out without an answer to the next renewal */
	cs_sta_timer_fired(x->sta, CS_STA_T_LEASE, 5401100);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_FAILED);
	cs_sta_info(x->sta, &info);
	assert_int_equal(info.failed_in, CS_STA_RUN);
}

static void
test_lifetime_leaves(void **state)
{
	struct fix *x = *state;
	struct cs_dhcp_msg req, m;
	struct cs_dot11_frame f;
	const uint8_t *da;
	uint32_t dst;

	x->cfg.lifetime_ms = 30000;
	join(x, &req);
	assert_int_equal(x->fk.armed[CS_STA_T_LIFETIME], 30000);
	cs_sta_timer_fired(x->sta, CS_STA_T_LIFETIME, 31060);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_DONE);
	assert_int_equal(x->fk.nsent, 2);
	sent_dhcp(x, 0, &m, &dst, &da);
	assert_int_equal(dhcp_type(&m), CS_DHCP_RELEASE);
	sent_frame(x, 1, &f);
	assert_int_equal(f.subtype, CS_DOT11_DISASSOC);
	assert_int_equal(f.reason, CS_DOT11_REASON_DISASSOC_LEAV);
	for (int t = 0; t < CS_STA_T__COUNT; t++)
		assert_int_equal(x->fk.armed[t], 0);
}

static const struct cs_sta_event *
last_failure(struct fix *x, const char **reason)
{
	for (unsigned i = x->fk.nevs; i-- > 0;)
		if (x->fk.evs[i].kind == CS_STA_EV_FAILURE) {
			*reason = x->fk.ev_reason[i];
			return &x->fk.evs[i];
		}
	fail_msg("no failure event");
	return NULL;
}

static void
test_assoc_refused(void **state)
{
	struct fix *x = *state;
	const struct cs_sta_event *ev;
	const char *why;

	fix_new(x);
	(void)cs_sta_start(x->sta, 0);
	feed_mgmt(x, CS_DOT11_AUTH, 0, 5);
	feed_mgmt(x, CS_DOT11_ASSOC_RESP, CS_DOT11_STATUS_AP_FULL, 9);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_FAILED);
	ev = last_failure(x, &why);
	assert_int_equal(ev->from, CS_STA_ASSOC);
	assert_int_equal(ev->value, 17);
	assert_string_equal(
	    why, "association refused: AP unable to handle more stations");
	assert_non_null(strstr(cs_test_last_log, "assoc -> failed"));
}

static void
test_no_auth_answer(void **state)
{
	struct fix *x = *state;
	struct cs_dot11_frame f;
	const char *why;

	fix_new(x);
	(void)cs_sta_start(x->sta, 0);
	cs_sta_timer_fired(x->sta, CS_STA_T_RETRY, 1000);
	sent_frame(x, 1, &f);
	assert_int_equal(f.flags & CS_DOT11_FC_RETRY, CS_DOT11_FC_RETRY);
	sent_frame(x, 0, &f);
	assert_int_equal(f.flags & CS_DOT11_FC_RETRY, 0);
	cs_sta_timer_fired(x->sta, CS_STA_T_RETRY, 2000);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_AUTH);
	cs_sta_timer_fired(x->sta, CS_STA_T_RETRY, 3000);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_FAILED);
	(void)last_failure(x, &why);
	assert_string_equal(why, "no Authentication response after 3 tries");
	assert_int_equal(x->fk.nsent, 3); /* no deauth: never authenticated */
}

static void
test_no_dhcp_offer(void **state)
{
	struct fix *x = *state;
	struct cs_dot11_frame f;
	const struct cs_sta_event *ev;
	const char *why;
	uint64_t now = 20;

	x->cfg.dhcp_timeout_ms = 1000; /* below 2 s: no jitter */
	fix_new(x);
	(void)cs_sta_start(x->sta, 0);
	feed_mgmt(x, CS_DOT11_AUTH, 0, 5);
	feed_mgmt(x, CS_DOT11_ASSOC_RESP, 0, 9);
	assert_int_equal(x->fk.armed[CS_STA_T_RETRY], 1000);
	for (unsigned i = 1; i < 4; i++) {
		now += x->fk.armed[CS_STA_T_RETRY];
		cs_sta_timer_fired(x->sta, CS_STA_T_RETRY, now);
		if (i < 4)
			assert_int_equal(
			    x->fk.armed[CS_STA_T_RETRY], 1000u << i);
	}
	cs_sta_timer_fired(x->sta, CS_STA_T_RETRY, now + 8000);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_FAILED);
	ev = last_failure(x, &why);
	assert_int_equal(ev->from, CS_STA_DHCP);
	assert_string_equal(why, "no DHCPOFFER to DISCOVER after 4 tries");
	/* associated: the station says it leaves */
	sent_frame(x, x->fk.nsent - 1, &f);
	assert_int_equal(f.subtype, CS_DOT11_DEAUTH);
	assert_int_equal(f.reason, CS_DOT11_REASON_LEAVING);
}

static void
test_ack_without_router(void **state)
{
	struct fix *x = *state;
	struct cs_dhcp_msg m, req;
	const uint8_t *da;
	uint32_t dst;
	const char *why;

	fix_new(x);
	(void)cs_sta_start(x->sta, 0);
	feed_mgmt(x, CS_DOT11_AUTH, 0, 5);
	feed_mgmt(x, CS_DOT11_ASSOC_RESP, 0, 9);
	sent_dhcp(x, 2, &m, &dst, &da);
	feed_dhcp(x, &m, CS_DHCP_OFFER, false, 20);
	sent_dhcp(x, 3, &req, &dst, &da);
	feed_dhcp(x, &req, CS_DHCP_ACK, false, 30);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_FAILED);
	(void)last_failure(x, &why);
	assert_string_equal(
	    why, "DHCPACK without a router (option 3): no gateway");
}

static void
test_gateway_silent(void **state)
{
	struct fix *x = *state;
	struct cs_dhcp_msg m, req;
	const uint8_t *da;
	uint32_t dst;
	const char *why;

	fix_new(x);
	(void)cs_sta_start(x->sta, 0);
	feed_mgmt(x, CS_DOT11_AUTH, 0, 5);
	feed_mgmt(x, CS_DOT11_ASSOC_RESP, 0, 9);
	sent_dhcp(x, 2, &m, &dst, &da);
	feed_dhcp(x, &m, CS_DHCP_OFFER, true, 20);
	sent_dhcp(x, 3, &req, &dst, &da);
	feed_dhcp(x, &req, CS_DHCP_ACK, true, 30);
	/* an ARP reply from someone else is not the gateway's */
	feed_arp(x, CS_ARP_REPLY, IP(10, 0, 0, 9), gw_mac, sta_ip, 40);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_ARP);
	for (int i = 0; i < 3; i++)
		cs_sta_timer_fired(x->sta, CS_STA_T_RETRY, 1030 + i * 1000);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_FAILED);
	(void)last_failure(x, &why);
	assert_string_equal(
	    why, "gateway 10.0.0.1 did not answer ARP after 3 tries");
}

static void
test_deauth_by_ap(void **state)
{
	struct fix *x = *state;
	const struct cs_sta_event *ev;
	const char *why;
	unsigned sent;

	fix_new(x);
	(void)cs_sta_start(x->sta, 0);
	feed_mgmt(x, CS_DOT11_AUTH, 0, 5);
	feed_mgmt(x, CS_DOT11_ASSOC_RESP, 0, 9);
	sent = x->fk.nsent;
	feed_mgmt(x, CS_DOT11_DEAUTH, CS_DOT11_REASON_INACTIVITY, 50);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_FAILED);
	ev = last_failure(x, &why);
	assert_int_equal(ev->from, CS_STA_DHCP);
	assert_int_equal(ev->value, CS_DOT11_REASON_INACTIVITY);
	assert_string_equal(why, "deauthenticated by the AP: inactivity");
	assert_int_equal(x->fk.nsent, sent); /* nothing sent back */
	for (int t = 0; t < CS_STA_T__COUNT; t++)
		assert_int_equal(x->fk.armed[t], 0);
}

static void
test_wpa2_without_module(void **state)
{
	struct fix *x = *state;
	const struct cs_sta_event *ev;
	struct cs_dot11_frame f;
	const char *why;

	x->cfg.security = CS_STA_WPA2_PSK;
	fix_new(x);
	(void)cs_sta_start(x->sta, 0);
	feed_mgmt(x, CS_DOT11_AUTH, 0, 5);
	sent_frame(x, 1, &f);
	assert_true(f.ies.has_rsn);
	assert_int_equal(f.ies.rsn.akm[0], CS_DOT11_SUITE_PSK);
	assert_int_equal(
	    f.capability & CS_DOT11_CAP_PRIVACY, CS_DOT11_CAP_PRIVACY);
	feed_mgmt(x, CS_DOT11_ASSOC_RESP, 0, 9);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_FAILED);
	ev = last_failure(x, &why);
	assert_int_equal(ev->from, CS_STA_L2AUTH);
	assert_string_equal(
	    why, "no L2 authentication module for this security");
}

static void
test_wpa2_hook(void **state)
{
	struct fix *x = *state;
	struct cs_dot11_frame f, assoc;
	static const uint8_t eapol[] = { 0x02, 0x03, 0x00, 0x00 };

	x->cfg.security = CS_STA_WPA2_PSK;
	x->io.l2auth_start = fk_l2_start;
	x->io.l2auth_input = fk_l2_input;
	fix_new(x);
	(void)cs_sta_start(x->sta, 0);
	feed_mgmt(x, CS_DOT11_AUTH, 0, 5);
	sent_frame(x, 1, &assoc);
	assert_int_equal(cs_sta_send_eapol(x->sta, eapol, 4), -EPROTO);
	feed_mgmt(x, CS_DOT11_ASSOC_RESP, 0, 9);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_L2AUTH);
	assert_int_equal(x->fk.l2_started, 1);
	/* the module gets exactly the RSN IE of the Association Request */
	assert_int_equal(x->fk.l2_rsn_len, assoc.ies.rsn_ie_len);
	assert_memory_equal(x->fk.l2_rsn, assoc.ies.rsn_ie, x->fk.l2_rsn_len);
	assert_int_equal(x->fk.armed[CS_STA_T_RETRY], 10000);
	/* EAPOL both ways */
	cs_dot11_init_data(
	    &f, false, bssid, bssid, mac, CS_ETH_P_EAPOL, eapol, sizeof(eapol));
	feed(x, &f, 20);
	assert_int_equal(x->fk.l2_frames, 1);
	clear_sent(x);
	assert_int_equal(cs_sta_send_eapol(x->sta, eapol, 4), 0);
	sent_frame(x, 0, &f);
	assert_int_equal(f.ethertype, CS_ETH_P_EAPOL);
	assert_memory_equal(cs_dot11_data_da(&f), bssid, 6);
	assert_int_equal(cs_sta_l2auth_done(x->sta, true, 0, NULL, 30), 0);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_DHCP);
	assert_int_equal(
	    cs_sta_l2auth_done(x->sta, true, 0, NULL, 31), -EPROTO);
}

static void
test_wpa2_hook_fails(void **state)
{
	struct fix *x = *state;
	const struct cs_sta_event *ev;
	struct cs_dot11_frame f;
	const char *why;

	x->cfg.security = CS_STA_WPA2_PSK;
	x->io.l2auth_start = fk_l2_start;
	fix_new(x);
	(void)cs_sta_start(x->sta, 0);
	feed_mgmt(x, CS_DOT11_AUTH, 0, 5);
	feed_mgmt(x, CS_DOT11_ASSOC_RESP, 0, 9);
	assert_int_equal(cs_sta_l2auth_done(x->sta, false, 15,
	                     "4-way handshake: MIC failure on message 3", 40),
	    0);
	ev = last_failure(x, &why);
	assert_int_equal(ev->from, CS_STA_L2AUTH);
	assert_int_equal(ev->value, 15);
	assert_string_equal(why, "4-way handshake: MIC failure on message 3");
	sent_frame(x, x->fk.nsent - 1, &f);
	assert_int_equal(f.subtype, CS_DOT11_DEAUTH);
}

static void
test_dhcp_nak_restarts(void **state)
{
	struct fix *x = *state;
	struct cs_dhcp_msg m, req, m2;
	const uint8_t *da;
	uint32_t dst;

	fix_new(x);
	(void)cs_sta_start(x->sta, 0);
	feed_mgmt(x, CS_DOT11_AUTH, 0, 5);
	feed_mgmt(x, CS_DOT11_ASSOC_RESP, 0, 9);
	sent_dhcp(x, 2, &m, &dst, &da);
	feed_dhcp(x, &m, CS_DHCP_OFFER, true, 20);
	sent_dhcp(x, 3, &req, &dst, &da);
	feed_dhcp(x, &req, CS_DHCP_NAK, true, 30);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_DHCP);
	sent_dhcp(x, 4, &m2, &dst, &da);
	assert_int_equal(dhcp_type(&m2), CS_DHCP_DISCOVER);
	assert_int_not_equal(m2.xid, m.xid);
	/* the old transaction's OFFER is ignored */
	feed_dhcp(x, &m, CS_DHCP_OFFER, true, 40);
	assert_int_equal(x->fk.nsent, 5);
}

static void
test_junk_is_dropped(void **state)
{
	struct fix *x = *state;
	static const uint8_t junk[] = { 0xb0, 0x00, 0x01 };
	struct cs_dot11_frame f;
	struct cs_sta_info info;
	static const uint8_t other[6] = { 2, 0, 0, 0, 0, 9 };

	fix_new(x);
	(void)cs_sta_start(x->sta, 0);
	assert_int_equal(cs_sta_input(x->sta, junk, sizeof(junk), 1), 0);
	/* an Authentication for another station */
	cs_dot11_init_mgmt(&f, CS_DOT11_AUTH, other, bssid, bssid);
	f.auth_seq = 2;
	feed(x, &f, 2);
	/* from another BSS */
	cs_dot11_init_mgmt(&f, CS_DOT11_AUTH, mac, other, other);
	f.auth_seq = 2;
	feed(x, &f, 3);
	assert_int_equal(cs_sta_state(x->sta), CS_STA_AUTH);
	cs_sta_info(x->sta, &info);
	assert_int_equal(info.dropped, 3);
	assert_int_equal(cs_sta_input(NULL, junk, 1, 1), -EINVAL);
	assert_int_equal(cs_sta_input(x->sta, NULL, 1, 1), -EINVAL);
}

static void
test_free_from_callback(void **state)
{
	struct fix *x = *state;

	fix_new(x);
	x->fk.free_in_event = &x->sta;
	(void)cs_sta_start(x->sta, 0);
	feed_mgmt(x, CS_DOT11_AUTH, 1, 5); /* refused: failure event */
	assert_null(x->sta); /* freed after the call returned (ASan) */
}

static void
test_args_and_backoff(void **state)
{
	struct fix *x = *state;
	struct cs_sta *s = NULL;
	struct cs_sta_io io = x->io;

	assert_int_equal(cs_sta_new(NULL, &x->cfg, &x->io), -EINVAL);
	assert_int_equal(cs_sta_new(&s, NULL, &x->io), -EINVAL);
	io.rand = NULL;
	assert_int_equal(cs_sta_new(&s, &x->cfg, &io), -EINVAL);
	x->cfg.ssid[0] = '\0';
	assert_int_equal(cs_sta_new(&s, &x->cfg, &x->io), -EINVAL);
	assert_null(s);
	assert_int_equal(cs_sta_start(NULL, 0), -EINVAL);
	cs_sta_free(NULL);
	assert_string_equal(cs_sta_state_name(CS_STA_L2AUTH), "l2auth");
	assert_null(cs_sta_state_name(CS_STA__COUNT));
	assert_string_equal(cs_sta_timer_name(CS_STA_T_RENEW), "Renew");
	/* RFC 2131 §4.1: 4, 8, 16, 32, 64, 64 s; jitter -1..+1 s */
	assert_int_equal(cs_sta_dhcp_backoff_ms(4000, 1, 1000), 4000);
	assert_int_equal(cs_sta_dhcp_backoff_ms(4000, 2, 1000), 8000);
	assert_int_equal(cs_sta_dhcp_backoff_ms(4000, 5, 1000), 64000);
	assert_int_equal(cs_sta_dhcp_backoff_ms(4000, 9, 1000), 64000);
	assert_int_equal(cs_sta_dhcp_backoff_ms(4000, 1, 0), 3000);
	assert_int_equal(cs_sta_dhcp_backoff_ms(4000, 1, 2000), 5000);
	assert_int_equal(cs_sta_dhcp_backoff_ms(500, 2, 2000), 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_large_echo_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_open_join_step_by_step, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_run_answers_arp_and_ping, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_renew_at_t1, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_lifetime_leaves, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_assoc_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_no_auth_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_no_dhcp_offer, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_ack_without_router, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_gateway_silent, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_deauth_by_ap, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_wpa2_without_module, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_wpa2_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_wpa2_hook_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_dhcp_nak_restarts, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_junk_is_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_free_from_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_args_and_backoff, setup, teardown),
	};

	return cmocka_run_group_tests_name("station", tests, NULL, NULL);
}
