/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the packet path's executor (lib/net/path.c) and the
 * transports (lib/net/transport.c): verdicts carried out over the
 * in-process transport, without sockets (drop, delay in order, duplicate,
 * reorder, link-down windows, the executor as a transport itself), the
 * in-process pair's limits, and the UDP transport on loopback.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/impair.h"
#include "capsim/path.h"
#include "capsim/transport.h"
#include "capsim/udp.h"
#include "testutil.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

struct rig {
	struct cs_transport *near, *far; /* the path sends on near */
	struct cs_impair *imp;
	struct cs_path *path;
	unsigned verdicts;
};

static void
on_verdict(void *ctx, const struct cs_pkt_meta *m, const struct cs_verdict *v)
{
	struct rig *r = ctx;

	(void)m;
	(void)v;
	r->verdicts++;
}

static void
rig_open(struct rig *r, const char *rule)
{
	struct cs_path_cfg cfg = { 0 };

	memset(r, 0, sizeof(*r));
	assert_int_equal(cs_transport_mem_pair(&r->near, &r->far), 0);
	if (rule != NULL) {
		struct cs_impair_rule ir;
		struct cs_err err = { 0 };
		unsigned id;

		assert_int_equal(cs_impair_new(&r->imp, 42), 0);
		assert_int_equal(cs_impair_rule_parse(rule, &ir, &err), 0);
		assert_int_equal(cs_impair_add(r->imp, &ir, &id), 0);
	}
	cfg.next = r->near;
	cfg.imp = r->imp;
	cfg.on_verdict = on_verdict;
	cfg.ctx = r;
	assert_int_equal(cs_path_new(&r->path, &cfg), 0);
}

static void
rig_close(struct rig *r)
{
	cs_path_free(r->path);
	cs_impair_free(r->imp);
	cs_transport_free(r->near);
	cs_transport_free(r->far);
}

/* A datagram of one byte @tag from AP 0 (up) or to it (down). */
static void
send_at(struct rig *r, enum cs_dir dir, uint8_t tag, uint64_t now_ms)
{
	static uint8_t b[1];
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct cs_pkt_meta m = {
		.dir = dir,
		.chan = CS_CHAN_CONTROL,
		.src_ip =
		    dir == CS_DIR_UP ? IP(127, 9, 0, 2) : IP(127, 9, 0, 1),
		.src_port = dir == CS_DIR_UP ? 40000 : 5246,
		.dst_ip =
		    dir == CS_DIR_UP ? IP(127, 9, 0, 1) : IP(127, 9, 0, 2),
		.dst_port = dir == CS_DIR_UP ? 5246 : 40000,
		.ap = 0,
		.ap_mac = mac,
		.pkt = b,
		.len = 1,
		.now_ms = now_ms,
	};

	b[0] = tag;
	assert_int_equal(cs_path_send(r->path, &m), 0);
}

/* The tags waiting at the far end, in order, as a string. */
static void
far_tags(struct rig *r, char *out, size_t cap)
{
	uint8_t buf[64];
	struct cs_udp_pkt pk = { .buf = buf, .cap = sizeof(buf) };
	size_t n = 0;

	while (n + 1 < cap && cs_transport_recv(r->far, &pk, 1) == 1)
		out[n++] = (char)buf[0];
	out[n] = '\0';
}

static void
test_pass_and_link_down(void **state)
{
	struct cs_path_stats st;
	struct rig r;
	char got[16];

	(void)state;
	rig_open(&r, NULL);
	send_at(&r, CS_DIR_UP, 'a', 10);
	cs_path_link_down(r.path, 100);
	send_at(&r, CS_DIR_UP, 'b', 50);
	send_at(&r, CS_DIR_DOWN, 'c', 99);
	send_at(&r, CS_DIR_DOWN, 'd', 100);
	far_tags(&r, got, sizeof(got));
	assert_string_equal(got, "ad");
	cs_path_stats(r.path, &st);
	assert_int_equal(st.passed, 2);
	assert_int_equal(st.link_down_dropped, 2);
	assert_int_equal(r.verdicts, 0); /* no rules, no verdicts */
	assert_int_equal(cs_path_next_due(r.path, &(uint64_t){ 0 }), -ENOENT);
	rig_close(&r);
}

static void
test_drop_one_way(void **state)
{
	struct cs_path_stats st;
	struct rig r;
	char got[16];
	struct cs_pkt_meta m;

	(void)state;
	rig_open(&r, "dir=down action=drop");
	send_at(&r, CS_DIR_UP, 'u', 1);
	send_at(&r, CS_DIR_DOWN, 'x', 2);
	assert_int_equal(cs_transport_mem_peek(r.far, &m), 0);
	assert_int_equal(m.dir, CS_DIR_UP);
	assert_int_equal(m.dst_port, 5246);
	far_tags(&r, got, sizeof(got));
	assert_string_equal(got, "u");
	cs_path_stats(r.path, &st);
	assert_int_equal(st.dropped, 1);
	assert_int_equal(r.verdicts, 2);
	rig_close(&r);
}

static void
test_delay_keeps_order(void **state)
{
	struct cs_path_stats st;
	uint64_t when = 0;
	struct rig r;
	char got[16];

	(void)state;
	rig_open(&r, "dir=up action=delay delay=100ms");
	send_at(&r, CS_DIR_UP, '1', 1000);
	send_at(&r, CS_DIR_UP, '2', 1000);
	send_at(&r, CS_DIR_UP, '3', 1001);
	send_at(&r, CS_DIR_DOWN, 'd', 1002); /* not delayed */
	far_tags(&r, got, sizeof(got));
	assert_string_equal(got, "d");
	assert_int_equal(cs_path_delayed(r.path), 3);
	assert_int_equal(cs_path_next_due(r.path, &when), 0);
	assert_int_equal(when, 1100);
	assert_int_equal(cs_path_poll(r.path, 1099), 0);
	assert_int_equal(cs_path_poll(r.path, 1100), 2);
	far_tags(&r, got, sizeof(got));
	assert_string_equal(got, "12");
	assert_int_equal(cs_path_poll(r.path, 5000), 1);
	far_tags(&r, got, sizeof(got));
	assert_string_equal(got, "3");
	cs_path_stats(r.path, &st);
	assert_int_equal(st.delayed, 3);
	assert_int_equal(st.passed, 4);
	/* a delayed datagram still waiting when the path goes is freed */
	send_at(&r, CS_DIR_UP, '4', 6000);
	assert_int_equal(cs_path_delayed(r.path), 1);
	rig_close(&r);
}

/* cs_path_each_fn: collects the tags and directions still delayed. */
struct each_seen {
	char tags[8];
	unsigned n, down;
};

static void
each_collect(void *ctx, const struct cs_pkt_meta *m)
{
	struct each_seen *e = ctx;

	if (e->n + 1 < sizeof(e->tags))
		e->tags[e->n++] = (char)m->pkt[0];
	e->down += m->dir == CS_DIR_DOWN;
}

/* What is still delayed when a run ends is visited (on its way, not
 * lost); what was handed on is not. */
static void
test_each_delayed(void **state)
{
	struct each_seen e = { { 0 }, 0, 0 };
	struct rig r;

	(void)state;
	rig_open(&r, "dir=down action=delay delay=100ms");
	cs_path_each_delayed(r.path, each_collect, &e);
	assert_int_equal(e.n, 0);
	send_at(&r, CS_DIR_DOWN, 'a', 1000);
	send_at(&r, CS_DIR_UP, 'u', 1000); /* not delayed */
	send_at(&r, CS_DIR_DOWN, 'b', 1050);
	assert_int_equal(cs_path_poll(r.path, 1100), 1); /* 'a' goes */
	cs_path_each_delayed(r.path, each_collect, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.tags[0], 'b');
	assert_int_equal(e.down, 1);
	/* NULL path or callback: nothing happens */
	cs_path_each_delayed(NULL, each_collect, &e);
	cs_path_each_delayed(r.path, NULL, &e);
	assert_int_equal(e.n, 1);
	rig_close(&r);
}

static void
test_duplicate(void **state)
{
	struct rig r;
	char got[16];

	(void)state;
	rig_open(&r, "dir=up action=duplicate copies=2");
	send_at(&r, CS_DIR_UP, 'x', 1);
	far_tags(&r, got, sizeof(got));
	assert_string_equal(got, "xxx");
	rig_close(&r);
}

static void
test_reorder(void **state)
{
	struct cs_path_stats st;
	struct rig r;
	char got[16];

	(void)state;
	rig_open(&r, "dir=up action=reorder hold=1 first=1");
	send_at(&r, CS_DIR_UP, 'a', 1);
	far_tags(&r, got, sizeof(got));
	assert_string_equal(got, "");
	send_at(&r, CS_DIR_UP, 'b', 2);
	far_tags(&r, got, sizeof(got));
	assert_string_equal(got, "ba");
	cs_path_stats(r.path, &st);
	assert_int_equal(st.held, 1);
	rig_close(&r);
}

static void
test_path_is_a_transport(void **state)
{
	struct rig r;
	char got[16];
	uint8_t b = 'z';
	struct cs_pkt_meta m = { .dir = CS_DIR_UP, .pkt = &b, .len = 1 };

	(void)state;
	rig_open(&r, "dir=down action=drop");
	assert_int_equal(cs_transport_send(cs_path_transport(r.path), &m), 0);
	m.dir = CS_DIR_DOWN;
	assert_int_equal(cs_transport_send(cs_path_transport(r.path), &m), 0);
	far_tags(&r, got, sizeof(got));
	assert_string_equal(got, "z");
	assert_int_equal(
	    cs_transport_recv(cs_path_transport(r.path), NULL, 0), -EOPNOTSUPP);
	assert_int_equal(cs_path_send(NULL, &m), -EINVAL);
	rig_close(&r);
}

static void
test_mem_pair(void **state)
{
	struct cs_transport *a, *b;
	uint8_t d[3] = { 1, 2, 3 }, buf[2];
	struct cs_pkt_meta m = { .src_ip = IP(127, 9, 0, 5),
		.src_port = 7,
		.dst_ip = IP(127, 9, 0, 6),
		.dst_port = 8,
		.pkt = d,
		.len = sizeof(d) };
	struct cs_udp_pkt pk = { .buf = buf, .cap = sizeof(buf) };
	unsigned i;

	(void)state;
	assert_int_equal(cs_transport_mem_pair(&a, &b), 0);
	assert_int_equal(cs_transport_recv(b, &pk, 1), 0);
	assert_int_equal(cs_transport_send(a, &m), 0);
	assert_int_equal(cs_transport_mem_pending(b), 1);
	assert_int_equal(cs_transport_mem_pending(a), 0);
	assert_int_equal(cs_transport_recv(b, &pk, 1), 1);
	assert_true(pk.is_truncated); /* 3 bytes into 2 */
	assert_int_equal(pk.len, 2);
	assert_int_equal(pk.src_ip, IP(127, 9, 0, 5));
	assert_int_equal(pk.src_port, 7);
	assert_int_equal(pk.dst_ip, IP(127, 9, 0, 6));
	for (i = 0; i < CS_TRANSPORT_MEM_MAX; i++)
		assert_int_equal(cs_transport_send(b, &m), 0);
	assert_int_equal(cs_transport_send(b, &m), -ENOBUFS);
	cs_transport_free(a); /* with datagrams waiting */
	assert_int_equal(cs_transport_send(b, &m), -ENOTCONN);
	cs_transport_free(b);
	cs_transport_free(NULL);
}

static void
test_udp(void **state)
{
	struct cs_transport *tx, *rx;
	int fa, fb, n = 0;
	uint16_t port;
	uint8_t d[4] = { 9, 8, 7, 6 }, buf[16];
	struct cs_udp_pkt pk = { .buf = buf, .cap = sizeof(buf) };
	struct cs_pkt_meta m = {
		.dst_ip = IP(127, 0, 0, 1), .pkt = d, .len = sizeof(d)
	};

	(void)state;
	fa = cs_udp_open(IP(127, 0, 0, 1), 0, false);
	fb = cs_udp_open(IP(127, 0, 0, 1), 0, false);
	assert_true(fa >= 0 && fb >= 0);
	assert_int_equal(cs_udp_local_port(fb, &port), 0);
	m.dst_port = port;
	assert_int_equal(cs_transport_udp_new(&tx, fa), 0);
	assert_int_equal(cs_transport_udp_new(&rx, fb), 0);
	assert_int_equal(cs_transport_send(tx, &m), 0);
	for (int tries = 0; tries < 500 && n == 0; tries++) {
		struct pollfd p = { .fd = fb, .events = POLLIN };

		(void)poll(&p, 1, 20);
		n = cs_transport_recv(rx, &pk, 1);
	}
	assert_int_equal(n, 1);
	assert_bytes_equal(buf, pk.len, d, sizeof(d));
	assert_int_equal(cs_transport_udp_new(&tx, -1) < 0, true);
	cs_transport_free(tx);
	cs_transport_free(rx);
	close(fa);
	close(fb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pass_and_link_down),
		cmocka_unit_test(test_drop_one_way),
		cmocka_unit_test(test_delay_keeps_order),
		cmocka_unit_test(test_each_delayed),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_reorder),
		cmocka_unit_test(test_path_is_a_transport),
		cmocka_unit_test(test_mem_pair),
		cmocka_unit_test(test_udp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
