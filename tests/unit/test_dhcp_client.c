/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the relay-agent DHCP client (lib/net/dhcp_client.c) and
 * the pure controller-list part of discovery (cs_disc_from_options): the
 * DORA exchange as a relay sends it (giaddr, hops, options 60/61/50/54),
 * the RFC 2131 §4.1 retransmission schedule and its scaling, giving up,
 * NAK, DECLINE with the 10 s wait, T1/T2 renewal and rebinding, expiry,
 * and every input it must ignore.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/cursor.h"
#include "capsim/dhcp.h"
#include "capsim/dhcp_client.h"
#include "capsim/discover.h"
#include "capsim/udp.h"
#include "testutil.h"

#define IP(a, b, c, d)                                                         \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const uint8_t mac[6] = { 0x02, 0xca, 0x75, 0x00, 0x00, 0x01 };
static const uint8_t opt43_tlv[] = { 0xf1, 0x04, 0xc6, 0x13, 0x01, 0x0a };

#define RELAY  IP(198, 18, 16, 1)
#define SERVER IP(198, 18, 2, 2)
#define LEASED IP(198, 18, 16, 10)

struct fake {
	unsigned n_sent;
	uint8_t last[600];
	size_t last_len;
	uint32_t last_dst;
	uint16_t last_port;
	bool armed;
	uint64_t delay_ms;
	unsigned n_ev[CS_DHCPC_EV__COUNT];
	struct cs_dhcpc_event last_ev;
	const char *last_reason;
	uint32_t jitter; /* what rand returns */
};

static int
f_send(void *ctx, uint32_t dst, uint16_t port, const uint8_t *p, size_t len)
{
	struct fake *f = ctx;

	f->n_sent++;
	assert_true(len <= sizeof(f->last));
	memcpy(f->last, p, len);
	f->last_len = len;
	f->last_dst = dst;
	f->last_port = port;
	return 0;
}

static void
f_arm(void *ctx, uint64_t d)
{
	struct fake *f = ctx;

	f->armed = true;
	f->delay_ms = d;
}

static void
f_cancel(void *ctx)
{
	struct fake *f = ctx;

	f->armed = false;
}

static void
f_event(void *ctx, const struct cs_dhcpc_event *ev)
{
	struct fake *f = ctx;

	f->n_ev[ev->kind]++;
	f->last_ev = *ev;
	if (ev->kind != CS_DHCPC_EV_SENT && ev->kind != CS_DHCPC_EV_STATE)
		f->last_reason = ev->reason;
}

static uint32_t
f_rand(void *ctx, uint32_t bound)
{
	struct fake *f = ctx;

	return f->jitter % bound;
}

static struct cs_dhcpc *
mk(struct fake *f, double factor, unsigned tries)
{
	struct cs_dhcpc_cfg cfg = { 0 };
	struct cs_dhcpc_io io = { f_send, f_arm, f_cancel, f_event, f_rand, f };
	struct cs_dhcpc *c = NULL;

	memset(f, 0, sizeof(*f));
	f->jitter = 1000; /* no jitter */
	memcpy(cfg.mac, mac, 6);
	cfg.vendor_class = "Cisco AP c2700";
	cfg.giaddr = RELAY;
	cfg.server_ip = SERVER;
	cfg.xid = 0x1000;
	cfg.time_factor = factor;
	cfg.max_tries = tries;
	assert_int_equal(cs_dhcpc_new(&c, &cfg, &io), 0);
	return c;
}

static void
last_msg(struct fake *f, struct cs_dhcp_msg *m)
{
	assert_int_equal(cs_dhcp_decode(m, f->last, f->last_len, NULL), 0);
}

/* A server reply to the client's last message. */
static size_t
reply(struct fake *f, enum cs_dhcp_type type, uint32_t yiaddr, uint32_t lease,
    uint8_t *buf, size_t cap)
{
	static const uint8_t dns[4] = { 198, 18, 2, 2 };
	static const uint8_t ac138[4] = { 198, 19, 1, 11 };
	struct cs_dhcp_msg req, m;
	struct cs_dhcp_server_params p = { 0 };
	struct cs_wr wr;

	last_msg(f, &req);
	p.type = type;
	p.yiaddr = yiaddr;
	p.server_id = SERVER;
	p.lease_s = lease;
	p.subnet_mask = IP(255, 255, 255, 0);
	p.dns = dns;
	p.dns_len = 4;
	p.domain = "lab.test";
	p.vendor = opt43_tlv;
	p.vendor_len = sizeof(opt43_tlv);
	p.capwap_ac = ac138;
	p.capwap_ac_len = 4;
	assert_int_equal(cs_dhcp_build_reply(&m, &req, &p), 0);
	cs_wr_init(&wr, buf, cap);
	assert_int_equal(cs_dhcp_encode(&m, &wr), 0);
	return wr.len;
}

static void
bind_client(struct cs_dhcpc *c, struct fake *f, uint32_t lease)
{
	uint8_t b[600];
	size_t n;

	assert_int_equal(cs_dhcpc_start(c, 0), 0);
	n = reply(f, CS_DHCP_OFFER, LEASED, lease, b, sizeof(b));
	assert_int_equal(cs_dhcpc_input(c, b, n, 100, NULL), 0);
	n = reply(f, CS_DHCP_ACK, LEASED, lease, b, sizeof(b));
	assert_int_equal(cs_dhcpc_input(c, b, n, 200, NULL), 0);
	assert_int_equal(cs_dhcpc_state(c), CS_DHCPC_BOUND);
}

static void
test_backoff(void **state)
{
	(void)state;
	assert_int_equal(cs_dhcpc_backoff_ms(1), 4000);
	assert_int_equal(cs_dhcpc_backoff_ms(2), 8000);
	assert_int_equal(cs_dhcpc_backoff_ms(3), 16000);
	assert_int_equal(cs_dhcpc_backoff_ms(4), 32000);
	assert_int_equal(cs_dhcpc_backoff_ms(5), 64000);
	assert_int_equal(cs_dhcpc_backoff_ms(9), 64000);
}

static void
test_new_invalid(void **state)
{
	struct cs_dhcpc_cfg cfg = { 0 };
	struct cs_dhcpc_io io = { f_send, f_arm, f_cancel, NULL, NULL, NULL };
	struct cs_dhcpc *c = (struct cs_dhcpc *)0x1;

	(void)state;
	cfg.server_ip = SERVER;
	assert_int_equal(cs_dhcpc_new(&c, &cfg, &io), -EINVAL); /* giaddr */
	cfg.giaddr = RELAY;
	io.send = NULL;
	assert_int_equal(cs_dhcpc_new(&c, &cfg, &io), -EINVAL);
	assert_ptr_equal(c, (struct cs_dhcpc *)0x1);
	cs_dhcpc_free(NULL);
}

static void
test_dora(void **state)
{
	struct fake f;
	struct cs_dhcpc *c = mk(&f, 1.0, 0);
	struct cs_dhcp_msg m;
	const struct cs_dhcpc_lease *l;
	enum cs_dhcp_type t;
	uint8_t b[600], cid[16];
	char vc[64];
	size_t n;
	uint32_t v;

	(void)state;
	assert_int_equal(cs_dhcpc_state(c), CS_DHCPC_INIT);
	assert_null(cs_dhcpc_lease(c));
	assert_int_equal(cs_dhcpc_start(c, 0), 0);
	assert_int_equal(cs_dhcpc_start(c, 0), -EALREADY);
	assert_int_equal(cs_dhcpc_state(c), CS_DHCPC_SELECTING);
	/* relayed DISCOVER: to server:67, giaddr, hops 1, 60, 61 */
	assert_int_equal(f.n_sent, 1);
	assert_int_equal(f.last_dst, SERVER);
	assert_int_equal(f.last_port, 67);
	last_msg(&f, &m);
	assert_int_equal(m.op, CS_DHCP_BOOTREQUEST);
	assert_int_equal(m.giaddr, RELAY);
	assert_int_equal(m.hops, 1);
	assert_int_equal(m.xid, 0x1000);
	assert_memory_equal(m.chaddr, mac, 6);
	assert_int_equal(cs_dhcp_get_type(&m, &t), 0);
	assert_int_equal(t, CS_DHCP_DISCOVER);
	assert_int_equal(cs_dhcp_get_string(&m, 60, vc, sizeof(vc)), 0);
	assert_string_equal(vc, "Cisco AP c2700");
	assert_int_equal(cs_dhcp_opt_get(&m, 61, cid, sizeof(cid), &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(cid[0], 1);
	assert_memory_equal(cid + 1, mac, 6);
	assert_true(f.armed);
	assert_int_equal(f.delay_ms, 4000);

	/* OFFER -> REQUEST with 50 and 54, same xid, ciaddr 0 */
	n = reply(&f, CS_DHCP_OFFER, LEASED, 3600, b, sizeof(b));
	assert_int_equal(cs_dhcpc_input(c, b, n, 1000, NULL), 0);
	assert_int_equal(cs_dhcpc_state(c), CS_DHCPC_REQUESTING);
	last_msg(&f, &m);
	assert_int_equal(cs_dhcp_get_type(&m, &t), 0);
	assert_int_equal(t, CS_DHCP_REQUEST);
	assert_int_equal(m.xid, 0x1000);
	assert_int_equal(m.ciaddr, 0);
	assert_int_equal(m.secs, 1);
	assert_int_equal(cs_dhcp_get_ipv4(&m, 50, &v), 0);
	assert_int_equal(v, LEASED);
	assert_int_equal(cs_dhcp_get_ipv4(&m, 54, &v), 0);
	assert_int_equal(v, SERVER);
	/* the same OFFER again is not expected now */
	assert_int_equal(cs_dhcpc_input(c, b, n, 1100, NULL), -EPROTO);

	/* ACK -> BOUND with every option kept, T1 armed at lease/2 */
	n = reply(&f, CS_DHCP_ACK, LEASED, 3600, b, sizeof(b));
	assert_int_equal(cs_dhcpc_input(c, b, n, 2000, NULL), 0);
	assert_int_equal(cs_dhcpc_state(c), CS_DHCPC_BOUND);
	assert_int_equal(f.n_ev[CS_DHCPC_EV_BOUND], 1);
	assert_non_null(l = cs_dhcpc_lease(c));
	assert_int_equal(l->ip, LEASED);
	assert_int_equal(l->server_id, SERVER);
	assert_int_equal(l->lease_s, 3600);
	assert_int_equal(l->t1_s, 1800);
	assert_int_equal(l->t2_s, 3150);
	assert_int_equal(l->mask, IP(255, 255, 255, 0));
	assert_int_equal(l->n_dns, 1);
	assert_int_equal(l->dns[0], SERVER);
	assert_string_equal(l->domain, "lab.test");
	assert_true(l->has_opt43);
	assert_int_equal(l->opt43_len, sizeof(opt43_tlv));
	assert_memory_equal(l->opt43, opt43_tlv, sizeof(opt43_tlv));
	assert_int_equal(l->n_capwap_ac, 1);
	assert_int_equal(l->capwap_ac[0], IP(198, 19, 1, 11));
	assert_int_equal(f.delay_ms, 1800000);
	cs_dhcpc_free(c);
}

static void
test_retransmit_and_give_up(void **state)
{
	static const uint64_t want[] = { 40, 80, 160, 320, 640 };
	struct fake f;
	struct cs_dhcpc *c = mk(&f, 0.01, 0);

	(void)state;
	assert_int_equal(cs_dhcpc_start(c, 0), 0);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(f.n_sent, i + 1);
		assert_true(f.armed);
		assert_int_equal(f.delay_ms, want[i]);
		cs_dhcpc_timeout(c, 1000 * (i + 1));
	}
	/* 5 transmissions, no answer: FAILED, nothing more sent */
	assert_int_equal(f.n_sent, 5);
	assert_int_equal(cs_dhcpc_state(c), CS_DHCPC_FAILED);
	assert_int_equal(f.n_ev[CS_DHCPC_EV_FAILED], 1);
	assert_non_null(strstr(f.last_reason, "no DHCPOFFER"));
	/* can be started again, with a new xid */
	assert_int_equal(cs_dhcpc_start(c, 9000), 0);
	assert_int_equal(cs_dhcpc_xid(c), 0x1001);
	cs_dhcpc_free(c);
}

static void
test_jitter(void **state)
{
	struct fake f;
	struct cs_dhcpc *c = mk(&f, 1.0, 0);

	(void)state;
	f.jitter = 0; /* -1 s */
	assert_int_equal(cs_dhcpc_start(c, 0), 0);
	assert_int_equal(f.delay_ms, 3000);
	f.jitter = 2000; /* +1 s */
	cs_dhcpc_timeout(c, 3000);
	assert_int_equal(f.delay_ms, 9000);
	cs_dhcpc_free(c);
}

static void
test_not_mine(void **state)
{
	struct fake f;
	struct cs_dhcpc *c = mk(&f, 1.0, 0);
	struct cs_dhcp_msg m;
	struct cs_err err = { 0 };
	uint8_t b[600];
	size_t n;

	(void)state;
	assert_int_equal(cs_dhcpc_start(c, 0), 0);
	n = reply(&f, CS_DHCP_OFFER, LEASED, 3600, b, sizeof(b));
	/* other xid */
	b[4] ^= 0xff;
	assert_int_equal(cs_dhcpc_input(c, b, n, 1, NULL), -ENOENT);
	b[4] ^= 0xff;
	/* other chaddr */
	b[28 + 5] ^= 1;
	assert_int_equal(cs_dhcpc_input(c, b, n, 1, NULL), -ENOENT);
	b[28 + 5] ^= 1;
	/* truncated */
	assert_int_equal(cs_dhcpc_input(c, b, 100, 1, &err), -EBADMSG);
	assert_int_equal(err.code, -EBADMSG);
	/* our own request echoed back is no reply */
	assert_int_equal(
	    cs_dhcpc_input(c, f.last, f.last_len, 1, NULL), -ENOENT);
	assert_int_equal(cs_dhcpc_state(c), CS_DHCPC_SELECTING);
	/* ACK while selecting is dropped with a reason */
	n = reply(&f, CS_DHCP_ACK, LEASED, 3600, b, sizeof(b));
	assert_int_equal(cs_dhcpc_input(c, b, n, 1, NULL), -EPROTO);
	assert_int_equal(f.n_ev[CS_DHCPC_EV_DROPPED], 1);
	/* OFFER without address */
	n = reply(&f, CS_DHCP_OFFER, 0, 3600, b, sizeof(b));
	assert_int_equal(cs_dhcpc_input(c, b, n, 1, NULL), -EPROTO);
	assert_int_equal(cs_dhcpc_state(c), CS_DHCPC_SELECTING);
	last_msg(&f, &m);
	cs_dhcpc_free(c);
}

static void
test_nak_restarts(void **state)
{
	struct fake f;
	struct cs_dhcpc *c = mk(&f, 1.0, 0);
	struct cs_dhcp_msg m;
	enum cs_dhcp_type t;
	uint8_t b[600];
	size_t n;

	(void)state;
	assert_int_equal(cs_dhcpc_start(c, 0), 0);
	n = reply(&f, CS_DHCP_OFFER, LEASED, 3600, b, sizeof(b));
	assert_int_equal(cs_dhcpc_input(c, b, n, 10, NULL), 0);
	n = reply(&f, CS_DHCP_NAK, 0, 0, b, sizeof(b));
	assert_int_equal(cs_dhcpc_input(c, b, n, 20, NULL), 0);
	assert_int_equal(f.n_ev[CS_DHCPC_EV_NAK], 1);
	assert_int_equal(cs_dhcpc_state(c), CS_DHCPC_SELECTING);
	last_msg(&f, &m);
	assert_int_equal(cs_dhcp_get_type(&m, &t), 0);
	assert_int_equal(t, CS_DHCP_DISCOVER);
	assert_int_equal(m.xid, 0x1001);
	assert_null(cs_dhcpc_lease(c));
	cs_dhcpc_free(c);
}

static void
test_request_timeout_reverts_to_init(void **state)
{
	struct fake f;
	struct cs_dhcpc *c = mk(&f, 1.0, 2);
	struct cs_dhcp_msg m;
	enum cs_dhcp_type t;
	uint8_t b[600];
	size_t n;

	(void)state;
	assert_int_equal(cs_dhcpc_start(c, 0), 0);
	n = reply(&f, CS_DHCP_OFFER, LEASED, 3600, b, sizeof(b));
	assert_int_equal(cs_dhcpc_input(c, b, n, 10, NULL), 0);
	cs_dhcpc_timeout(c, 4000); /* REQUEST #2 */
	assert_int_equal(f.n_sent, 3);
	cs_dhcpc_timeout(c, 12000); /* gave up: DISCOVER again */
	assert_int_equal(cs_dhcpc_state(c), CS_DHCPC_SELECTING);
	last_msg(&f, &m);
	assert_int_equal(cs_dhcp_get_type(&m, &t), 0);
	assert_int_equal(t, CS_DHCP_DISCOVER);
	cs_dhcpc_free(c);
}

static void
test_decline(void **state)
{
	struct fake f;
	struct cs_dhcpc *c = mk(&f, 0.5, 0);
	struct cs_dhcp_msg m;
	enum cs_dhcp_type t;
	uint32_t v;

	(void)state;
	assert_int_equal(cs_dhcpc_decline(c, 0), -EPROTO);
	bind_client(c, &f, 3600);
	assert_int_equal(cs_dhcpc_decline(c, 300), 0);
	last_msg(&f, &m);
	assert_int_equal(cs_dhcp_get_type(&m, &t), 0);
	assert_int_equal(t, CS_DHCP_DECLINE);
	assert_int_equal(m.ciaddr, 0);
	assert_int_equal(cs_dhcp_get_ipv4(&m, 50, &v), 0);
	assert_int_equal(v, LEASED);
	assert_int_equal(cs_dhcp_get_ipv4(&m, 54, &v), 0);
	assert_int_equal(v, SERVER);
	assert_int_equal(cs_dhcpc_state(c), CS_DHCPC_INIT);
	assert_null(cs_dhcpc_lease(c));
	assert_int_equal(f.delay_ms, 5000); /* 10 s x 0.5 */
	cs_dhcpc_timeout(c, 5300);
	assert_int_equal(cs_dhcpc_state(c), CS_DHCPC_SELECTING);
	cs_dhcpc_free(c);
}

static void
test_renew_rebind_expire(void **state)
{
	struct fake f;
	struct cs_dhcpc *c = mk(&f, 1.0, 0);
	struct cs_dhcp_msg m;
	enum cs_dhcp_type t;
	uint8_t b[600];
	uint64_t now;
	uint32_t v;
	size_t n;

	(void)state;
	bind_client(c, &f, 1000); /* T1 500 s, T2 875 s */
	assert_int_equal(f.delay_ms, 500000);
	cs_dhcpc_timeout(c, 200 + 500000);
	assert_int_equal(cs_dhcpc_state(c), CS_DHCPC_RENEWING);
	last_msg(&f, &m);
	assert_int_equal(cs_dhcp_get_type(&m, &t), 0);
	assert_int_equal(t, CS_DHCP_REQUEST);
	assert_int_equal(m.ciaddr, LEASED);
	assert_int_equal(m.giaddr, RELAY);
	assert_int_equal(cs_dhcp_get_ipv4(&m, 50, &v), -ENOENT);
	assert_int_equal(cs_dhcp_get_ipv4(&m, 54, &v), -ENOENT);
	/* retransmission: half of the 375 s left until T2 */
	assert_int_equal(f.delay_ms, 187500);
	/* renewed: back to BOUND, T1 from the new ACK */
	n = reply(&f, CS_DHCP_ACK, LEASED, 1000, b, sizeof(b));
	assert_int_equal(cs_dhcpc_input(c, b, n, 600000, NULL), 0);
	assert_int_equal(f.n_ev[CS_DHCPC_EV_RENEWED], 1);
	assert_int_equal(cs_dhcpc_state(c), CS_DHCPC_BOUND);
	assert_int_equal(f.delay_ms, 500000);
	/* an ACK changing the address on renewal is refused */
	cs_dhcpc_timeout(c, 1100000);
	n = reply(&f, CS_DHCP_ACK, LEASED + 1, 1000, b, sizeof(b));
	assert_int_equal(cs_dhcpc_input(c, b, n, 1100001, NULL), -EPROTO);
	/* no answer: retransmissions until T2, then REBINDING */
	now = 1100000;
	for (int i = 0; i < 20 && cs_dhcpc_state(c) == CS_DHCPC_RENEWING; i++) {
		now += f.delay_ms;
		cs_dhcpc_timeout(c, now);
	}
	assert_int_equal(cs_dhcpc_state(c), CS_DHCPC_REBINDING);
	assert_true(now >= 600000 + 875000);
	for (int i = 0; i < 20 && cs_dhcpc_state(c) == CS_DHCPC_REBINDING;
	     i++) {
		now += f.delay_ms;
		cs_dhcpc_timeout(c, now);
	}
	assert_true(now >= 600000 + 1000000);
	/* lease ran out: EXPIRED, DISCOVER again */
	assert_int_equal(f.n_ev[CS_DHCPC_EV_EXPIRED], 1);
	assert_int_equal(cs_dhcpc_state(c), CS_DHCPC_SELECTING);
	assert_null(cs_dhcpc_lease(c));
	cs_dhcpc_stop(c);
	assert_int_equal(cs_dhcpc_state(c), CS_DHCPC_STOPPED);
	assert_false(f.armed);
	cs_dhcpc_free(c);
}

static void
test_disc_from_options(void **state)
{
	static const uint8_t ascii[] = "198.19.1.10,198.19.1.11";
	static const uint8_t bad[] = { 0xf2, 0x04, 0xc6, 0x13, 0x01, 0x0a };
	const uint32_t ac138[1] = { IP(198, 19, 1, 20) };
	struct cs_disc_result r;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(cs_disc_from_options(
	                     opt43_tlv, sizeof(opt43_tlv), true, NULL, 0, &r),
	    0);
	assert_int_equal(r.source, CS_DISC_SRC_OPT43);
	assert_int_equal(r.n_targets, 1);
	assert_int_equal(r.targets[0], IP(198, 19, 1, 10));

	memset(&r, 0, sizeof(r));
	assert_int_equal(
	    cs_disc_from_options(ascii, sizeof(ascii) - 1, true, NULL, 0, &r),
	    0);
	assert_int_equal(r.n_targets, 2);
	assert_int_equal(r.targets[1], IP(198, 19, 1, 11));

	/* wrong sub-option type: 138 is used, the 43 error is kept */
	memset(&r, 0, sizeof(r));
	assert_int_equal(
	    cs_disc_from_options(bad, sizeof(bad), true, ac138, 1, &r), 0);
	assert_int_equal(r.source, CS_DISC_SRC_OPT138);
	assert_int_equal(r.targets[0], IP(198, 19, 1, 20));
	assert_true(r.opt43_error[0] != '\0');
	assert_memory_equal(r.opt43, bad, sizeof(bad));

	/* nothing usable */
	memset(&r, 0, sizeof(r));
	assert_int_equal(
	    cs_disc_from_options(bad, sizeof(bad), true, NULL, 0, &r), -ENOENT);
	assert_int_equal(r.n_targets, 0);
	assert_non_null(strstr(r.opt43_error, "at byte 0"));
	assert_int_equal(
	    cs_disc_from_options(NULL, 0, false, NULL, 0, &r), -ENOENT);
	assert_false(r.has_opt43);
	assert_int_equal(
	    cs_disc_from_options(NULL, 0, false, NULL, 1, &r), -EINVAL);
}

static void
test_mode_names(void **state)
{
	enum cs_disc_mode m = CS_DISC_MODE_STATIC;

	(void)state;
	assert_int_equal(cs_disc_mode_parse("dns", &m), 0);
	assert_int_equal(m, CS_DISC_MODE_DNS);
	assert_int_equal(cs_disc_mode_parse("bogus", &m), -EINVAL);
	assert_int_equal(m, CS_DISC_MODE_DNS);
	assert_string_equal(
	    cs_disc_source_name(CS_DISC_SRC_OPT43), "dhcp-option-43");
	assert_string_equal(
	    cs_dhcpc_state_name(CS_DHCPC_REBINDING), "Rebinding");
}

/* ---- discovery over loopback: fake DHCP and DNS servers in the loop ---- */

struct lo {
	struct event_base *base;
	struct cs_discover *d;
	int srv_fd, dns_fd;
	uint16_t srv_port, relay_port, dns_port;
	struct event *srv_ev, *dns_ev, *guard;
	const uint8_t *opt43;
	size_t opt43_len;
	bool mute;
	const char *domain; /* NULL: lab.test; "": no options 6/15 */
	unsigned n_aps, n_ready, n_discover, n_request;
	uint8_t giaddr_hops;
	struct cs_disc_result res[4];
};

static uint16_t
lo_free_port(void)
{
	int fd = cs_udp_open(IP(127, 0, 0, 1), 0, false);
	uint16_t p = 0;

	assert_true(fd >= 0);
	assert_int_equal(cs_udp_local_port(fd, &p), 0);
	close(fd);
	return p;
}

/* The DHCP server: OFFER for DISCOVER, ACK for REQUEST, to giaddr. */
static void
lo_srv_rx(evutil_socket_t fd, short what, void *arg)
{
	struct lo *t = arg;
	static const uint8_t dns[4] = { 127, 0, 0, 1 };
	uint8_t buf[1500], out[600];
	struct cs_udp_pkt pk = { .buf = buf, .cap = sizeof(buf) };
	struct cs_dhcp_msg req, m;
	struct cs_dhcp_server_params p = { 0 };
	enum cs_dhcp_type type;
	struct cs_wr wr;

	(void)fd;
	(void)what;
	while (cs_udp_recv_batch(t->srv_fd, &pk, 1) == 1) {
		assert_int_equal(cs_dhcp_decode(&req, buf, pk.len, NULL), 0);
		assert_int_equal(cs_dhcp_get_type(&req, &type), 0);
		t->giaddr_hops = req.hops;
		assert_int_equal(req.giaddr, IP(127, 0, 0, 1));
		if (type == CS_DHCP_DISCOVER)
			t->n_discover++;
		else
			t->n_request++;
		if (t->mute)
			continue;
		p.type = type == CS_DHCP_DISCOVER ? CS_DHCP_OFFER : CS_DHCP_ACK;
		/* address by MAC: consecutive, like reservations */
		p.yiaddr = IP(127, 77, 0, 10) + req.chaddr[5] - 1;
		p.server_id = IP(127, 0, 0, 1);
		p.lease_s = 3600;
		if (t->domain == NULL || t->domain[0] != '\0') {
			p.dns = dns;
			p.dns_len = 4;
			p.domain = t->domain ? t->domain : "lab.test";
		}
		p.vendor = t->opt43;
		p.vendor_len = t->opt43_len;
		assert_int_equal(cs_dhcp_build_reply(&m, &req, &p), 0);
		cs_wr_init(&wr, out, sizeof(out));
		assert_int_equal(cs_dhcp_encode(&m, &wr), 0);
		assert_true(cs_udp_send(t->srv_fd, 0, req.giaddr, t->relay_port,
		                out, wr.len) >= 0);
	}
}

/* The DNS server (RFC 1035 §4.1): CISCO-CAPWAP-CONTROLLER.lab.test has
 * A 127.0.0.99, every other name NXDOMAIN. */
static void
lo_dns_rx(evutil_socket_t fd, short what, void *arg)
{
	struct lo *t = arg;
	uint8_t q[512], a[600], lab;
	struct cs_udp_pkt pk = { .buf = q, .cap = sizeof(q) };
	char name[256];
	size_t n = 0, off = 12, qend;
	struct cs_wr wr;
	bool hit;

	(void)fd;
	(void)what;
	if (cs_udp_recv_batch(t->dns_fd, &pk, 1) != 1 || pk.len < 17)
		return;
	while (off < pk.len && (lab = q[off]) != 0 && n + lab + 1 < 255) {
		memcpy(name + n, q + off + 1, lab);
		n += lab;
		name[n++] = '.';
		off += 1u + lab;
	}
	name[n ? n - 1 : 0] = '\0';
	qend = off + 5; /* root label, QTYPE, QCLASS */
	assert_true(qend <= pk.len);
	hit = strcasecmp(name, "CISCO-CAPWAP-CONTROLLER.lab.test") == 0;
	cs_wr_init(&wr, a, sizeof(a));
	cs_wr_u16(&wr, (uint16_t)(q[0] << 8 | q[1])); /* ID */
	cs_wr_u16(&wr, hit ? 0x8180 : 0x8183);        /* QR RD RA, rcode */
	cs_wr_u16(&wr, 1);
	cs_wr_u16(&wr, hit ? 1 : 0);
	cs_wr_u16(&wr, 0);
	cs_wr_u16(&wr, 0);
	cs_wr_bytes(&wr, q + 12, qend - 12);
	if (hit) {
		cs_wr_u16(&wr, 0xc00c); /* name: pointer to the question */
		cs_wr_u16(&wr, 1);      /* A */
		cs_wr_u16(&wr, 1);      /* IN */
		cs_wr_u32(&wr, 60);
		cs_wr_u16(&wr, 4);
		cs_wr_u32(&wr, IP(127, 0, 0, 99));
	}
	assert_int_equal(wr.err, 0);
	assert_true(
	    cs_udp_send(t->dns_fd, 0, pk.src_ip, pk.src_port, a, wr.len) >= 0);
}

static void
lo_ident(void *ctx, unsigned ap, uint8_t m[6], const char **vc)
{
	(void)ctx;
	memcpy(m, mac, 6);
	m[5] = (uint8_t)(1 + ap);
	*vc = "Cisco AP c2700";
}

static void
lo_ready(void *ctx, unsigned ap, const struct cs_disc_result *r)
{
	struct lo *t = ctx;

	assert_true(ap < t->n_aps);
	t->res[ap] = *r;
	if (++t->n_ready == t->n_aps)
		event_base_loopbreak(t->base);
}

static void
lo_guard(evutil_socket_t fd, short what, void *arg)
{
	struct lo *t = arg;

	(void)fd;
	(void)what;
	event_base_loopbreak(t->base);
}

static void
lo_run(struct lo *t, enum cs_disc_mode mode, unsigned n_aps)
{
	struct cs_discover_cfg c = { 0 };
	struct timeval five = { 5, 0 };

	t->base = event_base_new();
	assert_non_null(t->base);
	t->n_aps = n_aps;
	t->srv_fd = cs_udp_open(IP(127, 0, 0, 1), 0, false);
	t->dns_fd = cs_udp_open(IP(127, 0, 0, 1), 0, false);
	assert_true(t->srv_fd >= 0 && t->dns_fd >= 0);
	cs_udp_local_port(t->srv_fd, &t->srv_port);
	cs_udp_local_port(t->dns_fd, &t->dns_port);
	t->relay_port = lo_free_port();
	t->srv_ev =
	    event_new(t->base, t->srv_fd, EV_READ | EV_PERSIST, lo_srv_rx, t);
	t->dns_ev =
	    event_new(t->base, t->dns_fd, EV_READ | EV_PERSIST, lo_dns_rx, t);
	t->guard = evtimer_new(t->base, lo_guard, t);
	event_add(t->srv_ev, NULL);
	event_add(t->dns_ev, NULL);
	evtimer_add(t->guard, &five);

	c.base = t->base;
	c.mode = mode;
	c.n_aps = n_aps;
	c.seed = 7;
	c.ap_ident = lo_ident;
	c.on_ready = lo_ready;
	c.ctx = t;
	c.relay_ip = IP(127, 0, 0, 1);
	c.relay_port = t->relay_port;
	c.server_ip = mode == CS_DISC_MODE_STATIC ? 0 : IP(127, 0, 0, 1);
	c.server_port = t->srv_port;
	c.time_factor = 0.001;
	c.dhcp_max_tries = 2;
	c.dns_port = t->dns_port;
	c.base_ip = IP(127, 88, 0, 1);
	c.n_static = 1;
	c.static_targets[0] = IP(127, 0, 0, 5);
	assert_int_equal(cs_discover_new(&t->d, &c), 0);
	for (unsigned i = 0; i < n_aps; i++)
		assert_int_equal(cs_discover_start_ap(t->d, i), 0);
	assert_int_equal(cs_discover_start_ap(t->d, 0), -EALREADY);
	assert_int_equal(cs_discover_start_ap(t->d, n_aps), -EINVAL);
	event_base_dispatch(t->base);
	assert_int_equal(t->n_ready, n_aps);
	assert_int_equal(cs_discover_done(t->d), n_aps);
	cs_discover_free(t->d);
	event_free(t->srv_ev);
	event_free(t->dns_ev);
	event_free(t->guard);
	close(t->srv_fd);
	close(t->dns_fd);
	event_base_free(t->base);
}

static const uint8_t lo43[] = { 0xf1, 0x04, 127, 0, 0, 50 };
static const uint8_t lo43_bad[] = { 0xf2, 0x04, 127, 0, 0, 50 };

static void
test_disc_lo_option43(void **state)
{
	struct lo t = { 0 };

	(void)state;
	t.opt43 = lo43;
	t.opt43_len = sizeof(lo43);
	lo_run(&t, CS_DISC_MODE_DHCP, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(t.res[i].status, 0);
		assert_int_equal(t.res[i].ip, IP(127, 77, 0, 10) + i);
		assert_int_equal(t.res[i].lease_s, 3600);
		assert_int_equal(t.res[i].source, CS_DISC_SRC_OPT43);
		assert_int_equal(t.res[i].n_targets, 1);
		assert_int_equal(t.res[i].targets[0], IP(127, 0, 0, 50));
	}
	/* one each, or more when a loaded machine let a retransmission
	 * timer (RFC 2131 §4.1) fire first */
	assert_true(t.n_discover >= 3);
	assert_true(t.n_request >= 3);
	assert_int_equal(t.giaddr_hops, 1);
}

static void
test_disc_lo_dns_fallback(void **state)
{
	struct lo t = { 0 };

	(void)state;
	t.opt43 = lo43_bad;
	t.opt43_len = sizeof(lo43_bad);
	lo_run(&t, CS_DISC_MODE_DHCP, 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(t.res[i].status, 0);
		assert_int_equal(t.res[i].source, CS_DISC_SRC_DNS);
		assert_int_equal(t.res[i].targets[0], IP(127, 0, 0, 99));
		assert_true(t.res[i].has_opt43);
		assert_true(t.res[i].opt43_error[0] != '\0');
		assert_string_equal(
		    t.res[i].dns_name, "CISCO-CAPWAP-CONTROLLER.lab.test");
	}
}

static void
test_disc_lo_dns_mode(void **state)
{
	struct lo t = { 0 };

	(void)state;
	t.opt43 = lo43; /* present, but mode dns looks only at DNS */
	t.opt43_len = sizeof(lo43);
	lo_run(&t, CS_DISC_MODE_DNS, 1);
	assert_int_equal(t.res[0].status, 0);
	assert_int_equal(t.res[0].source, CS_DISC_SRC_DNS);
	assert_int_equal(t.res[0].targets[0], IP(127, 0, 0, 99));
}

static void
test_disc_lo_no_controller(void **state)
{
	struct lo t = { 0 };

	(void)state;
	/* bad option 43, no DNS server/domain in the lease */
	t.opt43 = lo43_bad;
	t.opt43_len = sizeof(lo43_bad);
	t.domain = "";
	lo_run(&t, CS_DISC_MODE_DHCP, 1);
	assert_int_equal(t.res[0].status, -ENOENT);
	assert_int_equal(t.res[0].phase, 1 /* CS_PHASE_DISCOVERY */);
	assert_int_equal(t.res[0].ip, IP(127, 77, 0, 10));
	assert_non_null(strstr(t.res[0].reason, "option 43 unusable"));
	assert_non_null(
	    strstr(t.res[0].reason, "received [f2 04 7f 00 00 32]"));
	assert_non_null(strstr(t.res[0].reason, "no DNS lookup"));

	/* bad option 43, DNS says NXDOMAIN */
	memset(&t, 0, sizeof(t));
	t.opt43 = lo43_bad;
	t.opt43_len = sizeof(lo43_bad);
	t.domain = "other.test";
	lo_run(&t, CS_DISC_MODE_DHCP, 1);
	assert_int_equal(t.res[0].status, -ENOENT);
	assert_non_null(strstr(
	    t.res[0].reason, "DNS CISCO-CAPWAP-CONTROLLER.other.test: "));

	/* no option 43 at all */
	memset(&t, 0, sizeof(t));
	t.domain = "";
	lo_run(&t, CS_DISC_MODE_DHCP, 1);
	assert_int_equal(t.res[0].status, -ENOENT);
	assert_false(t.res[0].has_opt43);
	assert_non_null(strstr(t.res[0].reason, "no DHCP option 43 or 138"));
}

static void
test_disc_lo_dhcp_timeout(void **state)
{
	struct lo t = { 0 };

	(void)state;
	t.mute = true;
	lo_run(&t, CS_DISC_MODE_DHCP, 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(t.res[i].status, -ETIMEDOUT);
		assert_int_equal(t.res[i].phase, 0 /* CS_PHASE_DHCP */);
		assert_non_null(strstr(t.res[i].reason, "no DHCPOFFER"));
	}
	assert_int_equal(t.n_discover, 4); /* 2 tries each */
}

static void
test_disc_lo_static(void **state)
{
	struct lo t = { 0 };

	(void)state;
	lo_run(&t, CS_DISC_MODE_STATIC, 2);
	assert_int_equal(t.res[1].status, 0);
	assert_int_equal(t.res[1].ip, IP(127, 88, 0, 2));
	assert_int_equal(t.res[1].source, CS_DISC_SRC_STATIC);
	assert_int_equal(t.res[1].targets[0], IP(127, 0, 0, 5));
	assert_int_equal(t.n_discover, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_new_invalid),
		cmocka_unit_test(test_dora),
		cmocka_unit_test(test_retransmit_and_give_up),
		cmocka_unit_test(test_jitter),
		cmocka_unit_test(test_not_mine),
		cmocka_unit_test(test_nak_restarts),
		cmocka_unit_test(test_request_timeout_reverts_to_init),
		cmocka_unit_test(test_decline),
		cmocka_unit_test(test_renew_rebind_expire),
		cmocka_unit_test(test_disc_from_options),
		cmocka_unit_test(test_mode_names),
		cmocka_unit_test(test_disc_lo_option43),
		cmocka_unit_test(test_disc_lo_dns_fallback),
		cmocka_unit_test(test_disc_lo_dns_mode),
		cmocka_unit_test(test_disc_lo_no_controller),
		cmocka_unit_test(test_disc_lo_dhcp_timeout),
		cmocka_unit_test(test_disc_lo_static),
	};

	return cmocka_run_group_tests_name("dhcp_client", tests, NULL, NULL);
}
