/* SPDX-License-Identifier: MIT */
/* UDP transport over loopback: per-datagram source and destination
 * addresses (IP_PKTINFO) and batched receive. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/udp.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static void
wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	assert_int_equal(poll(&p, 1, 2000), 1);
}

static void
test_source_and_destination_addresses(void **state)
{
	int wild, srv;
	uint16_t wport, sport;
	uint8_t b[4][64];
	struct cs_udp_pkt pk[4];
	int n;

	(void)state;
	wild = cs_udp_open(0, 0, false);
	assert_true(wild >= 0);
	srv = cs_udp_open(IP(127, 0, 0, 1), 0, false);
	assert_true(srv >= 0);
	assert_int_equal(cs_udp_local_port(wild, &wport), 0);
	assert_int_equal(cs_udp_local_port(srv, &sport), 0);

	/* Two "APs" on one socket, each with its own source address. */
	assert_int_equal(cs_udp_send(wild, IP(127, 1, 0, 7), IP(127, 0, 0, 1),
	                     sport, "ap7", 3),
	    0);
	assert_int_equal(cs_udp_send(wild, IP(127, 1, 0, 8), IP(127, 0, 0, 1),
	                     sport, "ap8", 3),
	    0);
	wait_readable(srv);
	for (int i = 0; i < 4; i++)
		pk[i] = (struct cs_udp_pkt){ .buf = b[i], .cap = sizeof(b[i]) };
	n = cs_udp_recv_batch(srv, pk, 4);
	if (n == 1) { /* the second may trail the poll wakeup */
		wait_readable(srv);
		n += cs_udp_recv_batch(srv, pk + 1, 3);
	}
	assert_int_equal(n, 2);
	assert_int_equal(pk[0].src_ip, IP(127, 1, 0, 7));
	assert_int_equal(pk[1].src_ip, IP(127, 1, 0, 8));
	assert_int_equal(pk[0].src_port, wport);
	assert_int_equal(pk[0].dst_ip, IP(127, 0, 0, 1));
	assert_memory_equal(pk[1].buf, "ap8", 3);

	/* Replies to each AP address come back to the one wildcard socket,
	 * tagged with the AP address they were sent to. */
	assert_int_equal(
	    cs_udp_send(srv, 0, IP(127, 1, 0, 8), wport, "re", 2), 0);
	wait_readable(wild);
	n = cs_udp_recv_batch(wild, pk, 4);
	assert_int_equal(n, 1);
	assert_int_equal(pk[0].dst_ip, IP(127, 1, 0, 8));
	assert_int_equal(pk[0].src_port, sport);
	assert_int_equal(pk[0].len, 2);

	/* Nothing waiting: 0, not an error. */
	assert_int_equal(cs_udp_recv_batch(wild, pk, 4), 0);
	close(wild);
	close(srv);
}

static void
test_truncation_flagged(void **state)
{
	int a, b;
	uint16_t bport;
	uint8_t small[4], big[32];
	struct cs_udp_pkt pk = { .buf = small, .cap = sizeof(small) };

	(void)state;
	memset(big, 0xab, sizeof(big));
	a = cs_udp_open(IP(127, 0, 0, 1), 0, false);
	b = cs_udp_open(IP(127, 0, 0, 1), 0, false);
	assert_int_equal(cs_udp_local_port(b, &bport), 0);
	assert_int_equal(
	    cs_udp_send(a, 0, IP(127, 0, 0, 1), bport, big, sizeof(big)), 0);
	wait_readable(b);
	assert_int_equal(cs_udp_recv_batch(b, &pk, 1), 1);
	assert_true(pk.is_truncated);
	close(a);
	close(b);
}

/* A receive queue sized small overflows; the kernel's drop count
 * (SO_RXQ_OVFL) comes with the next datagram and accounts for every
 * datagram sent that was not received. */
static void
test_rxq_drops_counted(void **state)
{
	int a, b;
	uint16_t bport;
	uint8_t msg[512], buf[8][600];
	struct cs_udp_pkt pk[8];
	size_t got = 0;
	unsigned sent = 0, recvd = 0, last_drops = 0;
	bool seen = false;
	int n;

	(void)state;
	memset(msg, 0x5a, sizeof(msg));
	a = cs_udp_open(IP(127, 0, 0, 1), 0, false);
	b = cs_udp_open(IP(127, 0, 0, 1), 0, false);
	assert_true(a >= 0 && b >= 0);
	assert_int_equal(cs_udp_set_buffers(b, 4096, 0, &got), 0);
	assert_true(got > 0 && got < 64 * 1024);
	assert_int_equal(cs_udp_set_buffers(-1, 1, 1, NULL), -EINVAL);
	assert_int_equal(cs_udp_local_port(b, &bport), 0);
	/* far more than 4 KiB of queue can hold */
	for (int i = 0; i < 200; i++)
		if (cs_udp_send(
		        a, 0, IP(127, 0, 0, 1), bport, msg, sizeof(msg)) == 0)
			sent++;
	assert_int_equal(sent, 200);
	/* drain what the queue kept, then one more carries the count */
	do {
		for (int i = 0; i < 8; i++)
			pk[i] = (struct cs_udp_pkt){ .buf = buf[i],
				.cap = sizeof(buf[i]) };
		n = cs_udp_recv_batch(b, pk, 8);
		assert_true(n >= 0);
		recvd += (unsigned)n;
	} while (n > 0);
	assert_true(recvd > 0 && recvd < sent);
	assert_int_equal(cs_udp_send(a, 0, IP(127, 0, 0, 1), bport, msg, 8), 0);
	wait_readable(b);
	pk[0] = (struct cs_udp_pkt){ .buf = buf[0], .cap = sizeof(buf[0]) };
	assert_int_equal(cs_udp_recv_batch(b, pk, 1), 1);
	seen = pk[0].has_rxq_drops;
	last_drops = pk[0].rxq_drops;
	assert_true(seen);
	assert_int_equal(last_drops + recvd, sent);
	close(a);
	close(b);
}

/* sendmmsg with a source address per datagram; a SO_REUSEPORT group
 * steered by source address sends every datagram of one peer (control
 * and data alike) to the same member. */
static void
test_batch_send_and_steering(void **state)
{
	int g[2], tx;
	uint16_t port;
	struct cs_udp_out out[6];
	uint8_t b[8][16];
	struct cs_udp_pkt pk[8];
	unsigned got[2] = { 0, 0 };

	(void)state;
	g[0] = cs_udp_open_reuseport(IP(127, 0, 0, 81), 0);
	assert_true(g[0] >= 0);
	assert_int_equal(cs_udp_local_port(g[0], &port), 0);
	g[1] = cs_udp_open_reuseport(IP(127, 0, 0, 81), port);
	assert_true(g[1] >= 0);
	assert_int_equal(cs_udp_reuseport_by_src(g[0], 2), 0);
	assert_int_equal(cs_udp_reuseport_by_src(g[0], 0), -EINVAL);
	tx = cs_udp_open(0, 0, false);
	assert_true(tx >= 0);
	for (unsigned i = 0; i < 6; i++) {
		/* sources 127.81.0.10 .. 127.81.0.15 */
		out[i] = (struct cs_udp_out){ .buf = (const uint8_t *)"x",
			.len = 1,
			.src_ip = IP(127, 81, 0, 10 + i),
			.dst_ip = IP(127, 0, 0, 81),
			.dst_port = port };
	}
	assert_int_equal(cs_udp_send_batch(tx, out, 6), 6);
	for (int s = 0; s < 2; s++) {
		int n;

		wait_readable(g[s]);
		usleep(20000);
		for (int i = 0; i < 8; i++)
			pk[i] = (struct cs_udp_pkt){ .buf = b[i], .cap = 16 };
		n = cs_udp_recv_batch(g[s], pk, 8);
		assert_int_equal(n, 3);
		for (int i = 0; i < n; i++) {
			assert_int_equal(pk[i].src_ip % 2, (unsigned)s);
			assert_int_equal(pk[i].dst_ip, IP(127, 0, 0, 81));
			got[s]++;
		}
	}
	assert_int_equal(got[0] + got[1], 6);
	close(tx);
	close(g[0]);
	close(g[1]);
}

static void
test_ipv4_text(void **state)
{
	char buf[16];
	uint32_t ip = 0x11;

	(void)state;
	assert_int_equal(cs_ipv4_parse("10.126.126.2", &ip), 0);
	assert_int_equal(ip, IP(10, 126, 126, 2));
	assert_string_equal(cs_ipv4_str(ip, buf), "10.126.126.2");
	assert_int_equal(cs_ipv4_parse("10.126.126", &ip), -EINVAL);
	assert_int_equal(ip, IP(10, 126, 126, 2));
	assert_int_equal(cs_ipv4_parse("256.1.1.1", &ip), -EINVAL);
	assert_int_equal(cs_ipv4_parse(NULL, &ip), -EINVAL);
}

/* The kernel's source address towards a destination (capsim probe
 * without --ap-ip): a loopback one for a loopback controller. */
static void
test_route_src(void **state)
{
	uint32_t src = 0xdeadbeef;

	(void)state;
	assert_int_equal(cs_udp_route_src(0x7f5d0afa, 5246, NULL), -EINVAL);
	assert_int_equal(cs_udp_route_src(0x7f5d0afa, 5246, &src), 0);
	assert_int_equal(src >> 24, 127);
	src = 0xdeadbeef;
	/* port 0 cannot be connected to: the error, src untouched */
	assert_true(
	    cs_udp_route_src(0x7f5d0afa, 0, &src) < 0 || src >> 24 == 127);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_source_and_destination_addresses),
		cmocka_unit_test(test_truncation_flagged),
		cmocka_unit_test(test_rxq_drops_counted),
		cmocka_unit_test(test_batch_send_and_steering),
		cmocka_unit_test(test_ipv4_text),
		cmocka_unit_test(test_route_src),
	};

	return cmocka_run_group_tests_name("udp", tests, NULL, NULL);
}
