/* SPDX-License-Identifier: MIT */
/*
 * The in-process network (capsim/transport.h): delivery by destination
 * address, a closed port, groups steered by source as SO_REUSEPORT with
 * cs_udp_reuseport_by_src, broadcast, a full queue reported as the
 * kernel's SO_RXQ_OVFL count, spoofed sources, ports and the wake.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/impair.h"
#include "capsim/transport.h"
#include "capsim/udp.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static int
net_send(struct cs_transport *t, uint32_t src_ip, uint16_t src_port,
    uint32_t dst_ip, uint16_t dst_port, const char *text)
{
	struct cs_pkt_meta m = {
		.src_ip = src_ip,
		.src_port = src_port,
		.dst_ip = dst_ip,
		.dst_port = dst_port,
		.pkt = (const uint8_t *)text,
		.len = strlen(text),
		.ap = CS_AP_UNKNOWN,
	};

	return cs_transport_send(t, &m);
}

/* Receives one datagram and checks its text; returns its packet. */
static struct cs_udp_pkt
net_recv_one(struct cs_transport *t, const char *text)
{
	static uint8_t buf[256];
	struct cs_udp_pkt pk = { .buf = buf, .cap = sizeof(buf) };

	assert_int_equal(cs_transport_recv(t, &pk, 1), 1);
	assert_int_equal(pk.len, strlen(text));
	assert_memory_equal(pk.buf, text, pk.len);
	return pk;
}

static void
count_wake(void *arg)
{
	(*(unsigned *)arg)++;
}

static void
test_net_deliver(void **state)
{
	struct cs_mem_net *net;
	struct cs_transport *ap, *wlc, *any;
	struct cs_mem_net_stats st;
	struct cs_udp_pkt pk;
	unsigned wakes = 0;
	uint16_t ap_port;

	(void)state;
	assert_int_equal(cs_mem_net_new(&net), 0);
	assert_int_equal(cs_transport_mem_bind(&wlc, net, IP(127, 9, 0, 250),
	                     5246, NULL, count_wake, &wakes),
	    0);
	assert_int_equal(
	    cs_transport_mem_bind(&ap, net, 0, 0, NULL, NULL, NULL), 0);
	assert_true(cs_transport_is_mem(ap));
	ap_port = cs_transport_mem_port(ap);
	assert_true(ap_port >= 32768);
	assert_int_equal(cs_transport_mem_port(wlc), 5246);
	/* the same address again: in use; another port: free */
	assert_int_equal(cs_transport_mem_bind(&any, net, IP(127, 9, 0, 250),
	                     5246, NULL, NULL, NULL),
	    -EADDRINUSE);
	assert_int_equal(
	    cs_transport_mem_bind(&any, net, 0, 0, NULL, NULL, NULL), 0);
	assert_int_not_equal(cs_transport_mem_port(any), ap_port);

	/* AP -> WLC: the source is the AP's address as given and its bound
	 * port; the receiver was woken */
	assert_int_equal(
	    net_send(ap, IP(127, 9, 0, 1), 0, IP(127, 9, 0, 250), 5246, "join"),
	    0);
	assert_int_equal(wakes, 1);
	assert_int_equal(cs_transport_mem_pending(wlc), 1);
	pk = net_recv_one(wlc, "join");
	assert_int_equal(pk.src_ip, IP(127, 9, 0, 1));
	assert_int_equal(pk.src_port, ap_port);
	assert_int_equal(pk.dst_ip, IP(127, 9, 0, 250));
	assert_false(pk.is_truncated);
	/* WLC -> AP: the AP's endpoint binds every address */
	assert_int_equal(
	    net_send(wlc, 0, 0, IP(127, 9, 0, 1), ap_port, "resp"), 0);
	pk = net_recv_one(ap, "resp");
	assert_int_equal(pk.src_ip, IP(127, 9, 0, 250));
	assert_int_equal(pk.src_port, 5246);
	assert_int_equal(pk.dst_ip, IP(127, 9, 0, 1));
	/* a spoofed source, as from a raw socket */
	assert_int_equal(
	    net_send(any, IP(10, 1, 2, 3), 999, IP(127, 9, 0, 250), 5246, "x"),
	    0);
	pk = net_recv_one(wlc, "x");
	assert_int_equal(pk.src_ip, IP(10, 1, 2, 3));
	assert_int_equal(pk.src_port, 999);
	/* a closed port swallows it, without an error */
	assert_int_equal(
	    net_send(ap, IP(127, 9, 0, 1), 0, IP(127, 9, 0, 250), 5247, "d"),
	    0);
	assert_int_equal(cs_transport_recv(wlc, &pk, 1), 0);
	cs_mem_net_stats(net, &st);
	assert_int_equal(st.delivered, 3);
	assert_int_equal(st.no_listener, 1);
	/* unbound: the port is closed */
	cs_transport_free(wlc);
	assert_int_equal(
	    net_send(ap, IP(127, 9, 0, 1), 0, IP(127, 9, 0, 250), 5246, "join"),
	    0);
	cs_mem_net_stats(net, &st);
	assert_int_equal(st.no_listener, 2);
	cs_transport_free(ap);
	cs_transport_free(any);
	cs_mem_net_free(net);
}

/* A group: every datagram of one source address reaches one member,
 * member = address mod members in bind order; a stranger cannot join. */
static void
test_net_group_steering(void **state)
{
	static const int key;
	struct cs_mem_net *net;
	struct cs_transport *m[3], *other, *src;
	uint32_t wlc = IP(127, 9, 1, 250);

	(void)state;
	assert_int_equal(cs_mem_net_new(&net), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(cs_transport_mem_bind(
		                     &m[i], net, wlc, 5246, &key, NULL, NULL),
		    0);
	assert_int_equal(
	    cs_transport_mem_bind(&other, net, wlc, 5246, NULL, NULL, NULL),
	    -EADDRINUSE);
	assert_int_equal(cs_transport_mem_bind(&other, net, wlc, 5246,
	                     (const void *)&net, NULL, NULL),
	    -EADDRINUSE);
	assert_int_equal(
	    cs_transport_mem_bind(&src, net, 0, 0, NULL, NULL, NULL), 0);
	for (uint32_t a = 1; a <= 30; a++) {
		/* twice from each address, from two ports */
		assert_int_equal(
		    net_send(src, IP(127, 9, 1, 0) + a, 40000, wlc, 5246, "a"),
		    0);
		assert_int_equal(
		    net_send(src, IP(127, 9, 1, 0) + a, 40001, wlc, 5246, "b"),
		    0);
		for (unsigned i = 0; i < 3; i++) {
			size_t want = (IP(127, 9, 1, 0) + a) % 3 == i ? 2 : 0;

			assert_int_equal(cs_transport_mem_pending(m[i]), want);
		}
		for (unsigned i = 0; i < 3; i++) {
			uint8_t buf[8];
			struct cs_udp_pkt pk[2] = { { .buf = buf, .cap = 8 },
				{ .buf = buf, .cap = 8 } };

			(void)cs_transport_recv(m[i], pk, 2);
		}
	}
	for (int i = 0; i < 3; i++)
		cs_transport_free(m[i]);
	cs_transport_free(src);
	cs_mem_net_free(net);
}

/* Broadcast reaches every address bound to the port once; a full queue
 * drops and the receiver hears the count with its next datagram. */
static void
test_net_broadcast_and_full(void **state)
{
	struct cs_mem_net *net;
	struct cs_transport *a, *b, *src;
	struct cs_mem_net_stats st;
	struct cs_udp_pkt pk;

	(void)state;
	assert_int_equal(cs_mem_net_new(&net), 0);
	assert_int_equal(cs_transport_mem_bind(
	                     &a, net, IP(127, 9, 2, 1), 5246, NULL, NULL, NULL),
	    0);
	assert_int_equal(cs_transport_mem_bind(
	                     &b, net, IP(127, 9, 2, 2), 5246, NULL, NULL, NULL),
	    0);
	assert_int_equal(
	    cs_transport_mem_bind(&src, net, 0, 0, NULL, NULL, NULL), 0);
	assert_int_equal(
	    net_send(src, IP(127, 9, 2, 9), 0, 0xffffffffu, 5246, "disc"), 0);
	pk = net_recv_one(a, "disc");
	assert_int_equal(pk.dst_ip, 0xffffffffu);
	(void)net_recv_one(b, "disc");

	for (unsigned i = 0; i < CS_MEM_NET_QUEUE_MAX + 5; i++)
		assert_int_equal(net_send(src, IP(127, 9, 2, 9), 0,
		                     IP(127, 9, 2, 1), 5246, "f"),
		    0);
	assert_int_equal(cs_transport_mem_pending(a), CS_MEM_NET_QUEUE_MAX);
	cs_mem_net_stats(net, &st);
	assert_int_equal(st.queue_full, 5);
	pk = net_recv_one(a, "f");
	assert_true(pk.has_rxq_drops);
	assert_int_equal(pk.rxq_drops, 5);
	/* truncation, as recvmmsg with a short buffer */
	{
		uint8_t small[2];
		struct cs_udp_pkt p2 = { .buf = small, .cap = 2 };

		cs_transport_free(a);
		assert_int_equal(
		    net_send(src, 0, 0, IP(127, 9, 2, 2), 5246, "longer"), 0);
		assert_int_equal(cs_transport_recv(b, &p2, 1), 1);
		assert_true(p2.is_truncated);
		assert_int_equal(p2.len, 2);
	}
	cs_transport_free(b);
	cs_transport_free(src);
	cs_mem_net_free(net);
}

/* Batches go through send_batch, or one send each. */
static void
test_net_send_batch(void **state)
{
	struct cs_mem_net *net;
	struct cs_transport *a, *src;
	struct cs_udp_out out[3] = {
		{ .buf = (const uint8_t *)"1",
		    .len = 1,
		    .src_ip = 7,
		    .dst_ip = IP(127, 9, 3, 1),
		    .dst_port = 5246 },
		{ .buf = (const uint8_t *)"2",
		    .len = 1,
		    .src_ip = 7,
		    .dst_ip = IP(127, 9, 3, 1),
		    .dst_port = 5246 },
		{ .buf = (const uint8_t *)"3",
		    .len = 1,
		    .src_ip = 7,
		    .dst_ip = IP(127, 9, 3, 1),
		    .dst_port = 5246 },
	};

	(void)state;
	assert_int_equal(cs_mem_net_new(&net), 0);
	assert_int_equal(cs_transport_mem_bind(
	                     &a, net, IP(127, 9, 3, 1), 5246, NULL, NULL, NULL),
	    0);
	assert_int_equal(
	    cs_transport_mem_bind(&src, net, 0, 0, NULL, NULL, NULL), 0);
	assert_int_equal(cs_transport_send_batch(src, out, 3), 3);
	assert_int_equal(cs_transport_send_batch(src, out, 0), 0);
	assert_int_equal(cs_transport_send_batch(NULL, out, 1), -EINVAL);
	(void)net_recv_one(a, "1");
	(void)net_recv_one(a, "2");
	(void)net_recv_one(a, "3");
	assert_int_equal(
	    cs_transport_mem_bind(NULL, net, 0, 0, NULL, NULL, NULL), -EINVAL);
	assert_int_equal(
	    cs_transport_mem_bind(&a, NULL, 0, 0, NULL, NULL, NULL), -EINVAL);
	cs_transport_free(a);
	cs_transport_free(src);
	cs_mem_net_free(net);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_net_deliver),
		cmocka_unit_test(test_net_group_steering),
		cmocka_unit_test(test_net_broadcast_and_full),
		cmocka_unit_test(test_net_send_batch),
	};

	return cmocka_run_group_tests_name("transport", tests, NULL, NULL);
}
