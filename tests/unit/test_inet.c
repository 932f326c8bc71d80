/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the client's IPv4 toolkit (lib/wifi/inet.c): ARP, UDP
 * and ICMP echo against hand-made bytes (RFC 826, 768, 792, checksums
 * computed outside the code with RFC 1071), and every failure path.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/cursor.h"
#include "capsim/inet.h"
#include "capsim/ipv4.h"
#include "testutil.h"

/* who-has 10.0.0.1 tell 10.0.0.2, from 02:00:0a:00:00:01 */
static const char arp_hex[] = "0001 0800 06 04 0001 02000a000001 0a000002"
                              "000000000000 0a000001";

static void
test_arp(void **state)
{
	uint8_t b[64], out[64];
	struct cs_arp a, keep;
	struct cs_err err;
	struct cs_wr wr;
	size_t n = cs_test_unhex(arp_hex, b, sizeof(b));

	(void)state;
	assert_int_equal(cs_arp_decode(&a, b, n, NULL), 0);
	assert_int_equal(a.op, CS_ARP_REQUEST);
	assert_int_equal(a.spa, 0x0a000002);
	assert_int_equal(a.tpa, 0x0a000001);
	cs_wr_init(&wr, out, sizeof(out));
	cs_arp_encode(&a, &wr);
	assert_bytes_equal(out, wr.len, b, n);
	/* Ethernet padding after the 28 bytes is ignored */
	memset(b + n, 0, 18);
	assert_int_equal(cs_arp_decode(&a, b, n + 18, NULL), 0);
	memset(&keep, 0x5a, sizeof(keep));
	a = keep;
	assert_int_equal(cs_arp_decode(&a, b, 27, &err), -EBADMSG);
	assert_string_equal(err.what, "ARP packet truncated");
	assert_memory_equal(&a, &keep, sizeof(a));
	b[1] = 6; /* IEEE 802 hardware */
	assert_int_equal(cs_arp_decode(&a, b, n, &err), -EBADMSG);
	b[1] = 1;
	b[4] = 8;
	assert_int_equal(cs_arp_decode(&a, b, n, &err), -EBADMSG);
	b[4] = 6;
	b[7] = 3; /* RARP */
	assert_int_equal(cs_arp_decode(&a, b, n, &err), -EBADMSG);
	assert_string_equal(err.what, "ARP opcode not 1 or 2");
	assert_int_equal(cs_arp_decode(NULL, b, n, &err), -EINVAL);
}

static void
test_udp(void **state)
{
	/* 10.0.0.2:68 -> 255.255.255.255:67, payload "hi": the IP checksum
	 * and the UDP checksum below were computed with Python,
	 * independently of the code under test */
	static const char want_hex[] = "4500001e 00070000 4011 70c7 0a000002"
	                               "ffffffff 00440043 000a 8ce8 6869";
	uint8_t out[64], want[64];
	struct cs_ip4_hdr h;
	const uint8_t *d;
	struct cs_err err;
	struct cs_wr wr;
	uint16_t sp, dp;
	size_t dl, n = cs_test_unhex(want_hex, want, sizeof(want));

	(void)state;
	cs_wr_init(&wr, out, sizeof(out));
	cs_udp4_build(
	    &wr, 0x0a000002, 0xffffffff, 68, 67, 7, (const uint8_t *)"hi", 2);
	assert_int_equal(wr.err, 0);
	assert_bytes_equal(out, wr.len, want, n);
	assert_int_equal(cs_ip4_parse(out, wr.len, &h, NULL), 0);
	assert_int_equal(cs_udp_hdr_parse(h.src, h.dst, h.payload,
	                     h.payload_len, &sp, &dp, &d, &dl, NULL),
	    0);
	assert_int_equal(sp, 68);
	assert_int_equal(dl, 2);
	assert_memory_equal(d, "hi", 2);
	/* wrong pseudo-header (other source) */
	assert_int_equal(cs_udp_hdr_parse(h.src + 1, h.dst, h.payload,
	                     h.payload_len, &sp, &dp, &d, &dl, &err),
	    -EBADMSG);
	assert_string_equal(err.what, "UDP checksum wrong");
	/* checksum 0: not computed, accepted (RFC 768) */
	out[26] = out[27] = 0;
	assert_int_equal(cs_udp_hdr_parse(h.src + 1, h.dst, h.payload,
	                     h.payload_len, &sp, &dp, &d, &dl, NULL),
	    0);
	/* length beyond the IP payload, below 8, truncated header */
	out[25] = 11;
	assert_int_equal(cs_udp_hdr_parse(h.src, h.dst, h.payload,
	                     h.payload_len, &sp, &dp, &d, &dl, &err),
	    -EBADMSG);
	out[25] = 7;
	assert_int_equal(cs_udp_hdr_parse(h.src, h.dst, h.payload,
	                     h.payload_len, &sp, &dp, &d, &dl, &err),
	    -EBADMSG);
	assert_int_equal(cs_udp_hdr_parse(h.src, h.dst, h.payload, 7, &sp, &dp,
	                     &d, &dl, &err),
	    -EBADMSG);
	/* too big for IPv4 */
	cs_wr_init(&wr, out, sizeof(out));
	cs_udp4_build(&wr, 1, 2, 3, 4, 5, out, 65530);
	assert_int_equal(wr.err, -EMSGSIZE);
}

static void
test_icmp(void **state)
{
	struct cs_icmp_echo e = { .type = CS_ICMP_ECHO_REQUEST,
		.id = 0x1234,
		.seq = 1,
		.data = (const uint8_t *)"capsim",
		.data_len = 6 };
	struct cs_icmp_echo g;
	uint8_t out[64];
	struct cs_ip4_hdr h;
	struct cs_err err;
	struct cs_wr wr;

	(void)state;
	cs_wr_init(&wr, out, sizeof(out));
	cs_icmp4_echo_build(&wr, 0x0a000002, 0x0a000001, 1, &e);
	assert_int_equal(wr.err, 0);
	assert_int_equal(cs_ip4_parse(out, wr.len, &h, NULL), 0);
	assert_int_equal(h.proto, CS_IP_ICMP);
	/* the checksum of this message, computed with Python: 0xa888 */
	assert_int_equal(h.payload[2] << 8 | h.payload[3], 0xa888);
	assert_int_equal(
	    cs_icmp_echo_parse(&g, h.payload, h.payload_len, NULL), 0);
	assert_int_equal(g.id, 0x1234);
	assert_int_equal(g.seq, 1);
	assert_int_equal(g.data_len, 6);
	out[h.ihl + 9] ^= 1;
	assert_int_equal(
	    cs_icmp_echo_parse(&g, h.payload, h.payload_len, &err), -EBADMSG);
	assert_string_equal(err.what, "ICMP checksum wrong");
	out[h.ihl + 9] ^= 1;
	assert_int_equal(cs_icmp_echo_parse(&g, h.payload, 7, &err), -EBADMSG);
	/* destination unreachable (type 3), checksum fixed up */
	out[h.ihl] = 3;
	out[h.ihl + 2] = 0xad;
	out[h.ihl + 3] = 0x88;
	assert_int_equal(cs_icmp_echo_parse(&g, h.payload, h.payload_len, &err),
	    -EPROTONOSUPPORT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_icmp),
	};

	return cmocka_run_group_tests_name("inet", tests, NULL, NULL);
}
