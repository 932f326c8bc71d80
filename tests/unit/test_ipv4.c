/* SPDX-License-Identifier: MIT */
/*
 * Frames to UDP datagrams: each link type, IPv4 header checks with their
 * offsets, UDP header checks, and fragment reassembly (in order, reversed,
 * duplicates, overlap with different bytes, disagreeing ends, timeout,
 * eviction by count and by memory).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/ipv4.h"
#include "testutil.h"

#define SRC 0x7f000029u /* 127.0.0.41 */
#define DST 0x7f00002au

static void
cksum(uint8_t *ip)
{
	uint32_t sum = 0;
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;

	ip[10] = ip[11] = 0;
	for (size_t i = 0; i < ihl; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8);
	ip[11] = (uint8_t)~sum;
}

/* IPv4 header (20 bytes) + payload at b; returns total length. */
static size_t
ip_pkt(uint8_t *b, uint16_t id, uint16_t off8, bool mf, uint8_t proto,
    const uint8_t *pl, size_t len)
{
	size_t tot = 20 + len;

	memset(b, 0, 20);
	b[0] = 0x45;
	b[2] = (uint8_t)(tot >> 8);
	b[3] = (uint8_t)tot;
	b[4] = (uint8_t)(id >> 8);
	b[5] = (uint8_t)id;
	b[6] = (uint8_t)((mf ? 0x20 : 0) | (off8 >> 8));
	b[7] = (uint8_t)off8;
	b[8] = 64;
	b[9] = proto;
	b[12] = 0x7f;
	b[15] = 0x29;
	b[16] = 0x7f;
	b[19] = 0x2a;
	memcpy(b + 20, pl, len);
	cksum(b);
	return tot;
}

/* UDP header + n payload bytes (value i & 0xff) */
static size_t
udp(uint8_t *b, uint16_t sport, uint16_t dport, size_t n)
{
	size_t l = 8 + n;

	b[0] = (uint8_t)(sport >> 8);
	b[1] = (uint8_t)sport;
	b[2] = (uint8_t)(dport >> 8);
	b[3] = (uint8_t)dport;
	b[4] = (uint8_t)(l >> 8);
	b[5] = (uint8_t)l;
	b[6] = b[7] = 0;
	for (size_t i = 0; i < n; i++)
		b[8 + i] = (uint8_t)i;
	return l;
}

static void
check_dgram(const struct cs_udp4_dgram *d, size_t n)
{
	assert_int_equal(d->src, SRC);
	assert_int_equal(d->dst, DST);
	assert_int_equal(d->sport, 40000);
	assert_int_equal(d->dport, 5246);
	assert_int_equal(d->len, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(d->payload[i], (uint8_t)i);
}

static void
test_link_types(void **state)
{
	uint8_t u[64], ip[128], f[256];
	size_t ul = udp(u, 40000, 5246, 10);
	size_t il = ip_pkt(ip, 1, 0, false, 17, u, ul);
	struct cs_udp4_dgram d;
	struct cs_err err = { 0 };

	(void)state;
	/* raw 101, 228 */
	assert_int_equal(cs_udp4_from_frame(NULL, 101, ip, il, 0, &d, &err), 1);
	check_dgram(&d, 10);
	assert_false(d.reassembled);
	assert_int_equal(cs_udp4_from_frame(NULL, 228, ip, il, 0, &d, &err), 1);
	check_dgram(&d, 10);
	/* Ethernet, with a trailer (padding) the total length cuts off */
	memset(f, 0, sizeof(f));
	f[12] = 0x08;
	memcpy(f + 14, ip, il);
	assert_int_equal(
	    cs_udp4_from_frame(NULL, 1, f, 14 + il + 6, 0, &d, &err), 1);
	check_dgram(&d, 10);
	/* two 802.1Q tags (QinQ) */
	f[12] = 0x88;
	f[13] = 0xa8;
	f[16] = 0x81;
	f[17] = 0x00;
	f[20] = 0x08;
	f[21] = 0x00;
	memcpy(f + 22, ip, il);
	assert_int_equal(
	    cs_udp4_from_frame(NULL, 1, f, 22 + il, 0, &d, &err), 1);
	check_dgram(&d, 10);
	/* IPv6 EtherType: not supported, offset of the type */
	f[20] = 0x86;
	f[21] = 0xdd;
	assert_int_equal(cs_udp4_from_frame(NULL, 1, f, 22 + il, 0, &d, &err),
	    -EPROTONOSUPPORT);
	assert_int_equal(err.offset, 20);
	/* SLL */
	memset(f, 0, sizeof(f));
	f[14] = 0x08;
	memcpy(f + 16, ip, il);
	assert_int_equal(
	    cs_udp4_from_frame(NULL, 113, f, 16 + il, 0, &d, &err), 1);
	check_dgram(&d, 10);
	/* SLL2 */
	memset(f, 0, sizeof(f));
	f[0] = 0x08;
	memcpy(f + 20, ip, il);
	assert_int_equal(
	    cs_udp4_from_frame(NULL, 276, f, 20 + il, 0, &d, &err), 1);
	check_dgram(&d, 10);
	assert_int_equal(
	    cs_udp4_from_frame(NULL, 276, f, 19, 0, &d, &err), -EBADMSG);
	/* BSD loopback, both orders of AF_INET */
	memset(f, 0, 4);
	f[0] = 2;
	memcpy(f + 4, ip, il);
	assert_int_equal(
	    cs_udp4_from_frame(NULL, 0, f, 4 + il, 0, &d, &err), 1);
	f[0] = 0;
	f[3] = 2;
	assert_int_equal(
	    cs_udp4_from_frame(NULL, 108, f, 4 + il, 0, &d, &err), 1);
	/* unknown link type, short Ethernet, raw IPv6 */
	assert_int_equal(cs_udp4_from_frame(NULL, 147, ip, il, 0, &d, &err),
	    -EPROTONOSUPPORT);
	assert_int_equal(
	    cs_udp4_from_frame(NULL, 1, f, 13, 0, &d, &err), -EBADMSG);
	ip[0] = 0x60;
	assert_int_equal(cs_udp4_from_frame(NULL, 101, ip, il, 0, &d, &err),
	    -EPROTONOSUPPORT);
	assert_int_equal(
	    cs_udp4_from_frame(NULL, 101, NULL, 0, 0, NULL, &err), -EINVAL);
}

static void
test_ip_header_errors(void **state)
{
	uint8_t u[64], ip[128];
	size_t ul = udp(u, 40000, 5246, 10), il;
	struct cs_ip4_hdr h;
	struct cs_udp4_dgram d;
	struct cs_err err = { 0 };

	(void)state;
	il = ip_pkt(ip, 7, 0, false, 17, u, ul);
	assert_int_equal(cs_ip4_parse(ip, il, &h, &err), 0);
	assert_int_equal(h.id, 7);
	assert_int_equal(h.ihl, 20);
	assert_int_equal(h.payload_len, ul);
	memset(&h, 0x5a, sizeof(h));
	ip[11] ^= 1; /* checksum */
	assert_int_equal(cs_ip4_parse(ip, il, &h, &err), -EBADMSG);
	assert_int_equal(err.offset, 10);
	assert_int_equal(h.ihl, 0x5a); /* untouched */
	ip[11] ^= 1;
	assert_int_equal(cs_ip4_parse(ip, il - 1, &h, &err), -EBADMSG);
	assert_int_equal(err.offset, 2); /* total length */
	assert_int_equal(cs_ip4_parse(ip, 19, &h, &err), -EBADMSG);
	ip[0] = 0x44; /* IHL 4 */
	assert_int_equal(cs_ip4_parse(ip, il, &h, &err), -EBADMSG);
	assert_int_equal(err.offset, 0);
	ip[0] = 0x45;
	ip[6] |= 0x80; /* reserved flag */
	cksum(ip);
	assert_int_equal(cs_ip4_parse(ip, il, &h, &err), -EBADMSG);
	assert_int_equal(err.offset, 6);
	/* a non-last fragment whose size is not a multiple of 8 */
	il = ip_pkt(ip, 7, 0, true, 17, u, 13);
	assert_int_equal(cs_ip4_parse(ip, il, &h, &err), -EBADMSG);
	/* fragment beyond 65535 */
	il = ip_pkt(ip, 7, 8191, false, 17, u, 16);
	assert_int_equal(cs_ip4_parse(ip, il, &h, &err), -EBADMSG);
	/* TCP: not UDP, offset of the protocol field */
	il = ip_pkt(ip, 7, 0, false, 6, u, ul);
	assert_int_equal(cs_udp4_from_frame(NULL, 101, ip, il, 0, &d, &err),
	    -EPROTONOSUPPORT);
	assert_int_equal(err.offset, 9);
	/* UDP length too large / too small / header cut */
	u[5] = (uint8_t)(ul + 1);
	il = ip_pkt(ip, 7, 0, false, 17, u, ul);
	assert_int_equal(
	    cs_udp4_from_frame(NULL, 101, ip, il, 0, &d, &err), -EBADMSG);
	assert_int_equal(err.offset, 24);
	u[5] = 7;
	il = ip_pkt(ip, 7, 0, false, 17, u, ul);
	assert_int_equal(
	    cs_udp4_from_frame(NULL, 101, ip, il, 0, &d, &err), -EBADMSG);
	il = ip_pkt(ip, 7, 0, false, 17, u, 5);
	assert_int_equal(
	    cs_udp4_from_frame(NULL, 101, ip, il, 0, &d, &err), -EBADMSG);
	assert_int_equal(err.offset, 20);
	/* fragments without a reassembler */
	il = ip_pkt(ip, 7, 0, true, 17, u, 16);
	assert_int_equal(cs_udp4_from_frame(NULL, 101, ip, il, 0, &d, &err),
	    -EPROTONOSUPPORT);
}

/* A UDP datagram of n payload bytes cut into fragments of fs bytes. */
struct frags {
	size_t n;
	uint8_t pkt[16][1600];
	size_t len[16];
};

static void
fragment(struct frags *fr, uint16_t id, size_t n, size_t fs)
{
	static uint8_t u[8192];
	size_t ul = udp(u, 40000, 5246, n);

	fr->n = 0;
	for (size_t off = 0; off < ul; off += fs) {
		size_t l = ul - off < fs ? ul - off : fs;

		fr->len[fr->n] = ip_pkt(fr->pkt[fr->n], id, (uint16_t)(off / 8),
		    off + l < ul, 17, u + off, l);
		fr->n++;
	}
}

static void
test_reassembly(void **state)
{
	static struct frags fr;
	struct cs_ip4_reasm *r;
	struct cs_ip4_reasm_stats st;
	struct cs_udp4_dgram d;
	struct cs_err err = { 0 };

	(void)state;
	assert_int_equal(cs_ip4_reasm_new(&r, NULL), 0);
	/* in order */
	fragment(&fr, 1, 3000, 1400);
	assert_int_equal(fr.n, 3);
	for (size_t i = 0; i < fr.n; i++) {
		int rc = cs_udp4_from_frame(
		    r, 101, fr.pkt[i], fr.len[i], 10, &d, &err);

		assert_int_equal(rc, i + 1 == fr.n ? 1 : 0);
	}
	check_dgram(&d, 3000);
	assert_true(d.reassembled);
	/* reversed, with a duplicate in the middle */
	fragment(&fr, 2, 2000, 512);
	assert_int_equal(fr.n, 4);
	assert_int_equal(
	    cs_udp4_from_frame(r, 101, fr.pkt[3], fr.len[3], 10, &d, &err), 0);
	assert_int_equal(
	    cs_udp4_from_frame(r, 101, fr.pkt[2], fr.len[2], 10, &d, &err), 0);
	assert_int_equal(
	    cs_udp4_from_frame(r, 101, fr.pkt[2], fr.len[2], 10, &d, &err), 0);
	assert_int_equal(
	    cs_udp4_from_frame(r, 101, fr.pkt[1], fr.len[1], 10, &d, &err), 0);
	assert_int_equal(cs_ip4_reasm_pending(r, 10), 1);
	assert_int_equal(
	    cs_udp4_from_frame(r, 101, fr.pkt[0], fr.len[0], 10, &d, &err), 1);
	check_dgram(&d, 2000);
	assert_int_equal(cs_ip4_reasm_pending(r, 10), 0);
	cs_ip4_reasm_stats(r, &st);
	assert_int_equal(st.reassembled, 2);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.fragments, 8);

	/* overlap with different bytes: the datagram is dropped */
	fragment(&fr, 3, 2000, 512);
	assert_int_equal(
	    cs_udp4_from_frame(r, 101, fr.pkt[0], fr.len[0], 10, &d, &err), 0);
	fr.pkt[0][20 + 100] ^= 0xff;
	cksum(fr.pkt[0]);
	assert_int_equal(
	    cs_udp4_from_frame(r, 101, fr.pkt[0], fr.len[0], 10, &d, &err),
	    -EBADMSG);
	assert_string_equal(
	    err.what, "IPv4 fragment overlaps with different bytes");
	assert_int_equal(cs_ip4_reasm_pending(r, 10), 0);
	/* two different last fragments */
	fragment(&fr, 4, 2000, 512);
	assert_int_equal(
	    cs_udp4_from_frame(r, 101, fr.pkt[3], fr.len[3], 10, &d, &err), 0);
	{
		uint8_t x[64];
		size_t xl = ip_pkt(x, 4, 1024 / 8, false, 17, x + 40, 8);

		assert_int_equal(
		    cs_udp4_from_frame(r, 101, x, xl, 10, &d, &err), -EBADMSG);
	}
	cs_ip4_reasm_stats(r, &st);
	assert_int_equal(st.overlaps, 2);

	/* timeout: 30 s after the first fragment it is gone */
	fragment(&fr, 5, 2000, 512);
	assert_int_equal(
	    cs_udp4_from_frame(r, 101, fr.pkt[0], fr.len[0], 1000, &d, &err),
	    0);
	assert_int_equal(cs_ip4_reasm_pending(r, 31000), 1);
	assert_int_equal(cs_ip4_reasm_pending(r, 31001), 0);
	for (size_t i = 1; i < fr.n; i++)
		assert_int_equal(cs_udp4_from_frame(r, 101, fr.pkt[i],
		                     fr.len[i], 31001, &d, &err),
		    0);
	cs_ip4_reasm_stats(r, &st);
	assert_int_equal(st.timed_out, 1);
	cs_ip4_reasm_free(r);
}

static void
test_reassembly_limits(void **state)
{
	static struct frags fr;
	struct cs_ip4_reasm_cfg cfg = { .max_pending = 2, .max_bytes = 3000 };
	struct cs_ip4_reasm *r;
	struct cs_ip4_reasm_stats st;
	struct cs_udp4_dgram d;

	(void)state;
	assert_int_equal(cs_ip4_reasm_new(&r, &cfg), 0);
	/* three datagrams started: the oldest goes */
	for (uint16_t id = 10; id < 13; id++) {
		fragment(&fr, id, 2000, 512);
		assert_int_equal(cs_udp4_from_frame(r, 101, fr.pkt[0],
		                     fr.len[0], id, &d, NULL),
		    0);
	}
	assert_int_equal(cs_ip4_reasm_pending(r, 20), 2);
	cs_ip4_reasm_stats(r, &st);
	assert_int_equal(st.evicted, 1);
	/* a datagram whose buffer would pass 3000 bytes evicts the others,
	 * then itself */
	fragment(&fr, 20, 4000, 1400);
	assert_int_equal(
	    cs_udp4_from_frame(r, 101, fr.pkt[2], fr.len[2], 30, &d, NULL), 0);
	assert_int_equal(cs_ip4_reasm_pending(r, 30), 0);
	cs_ip4_reasm_stats(r, &st);
	assert_int_equal(st.evicted, 4);
	cs_ip4_reasm_free(r);
	cs_ip4_reasm_free(NULL);
	assert_int_equal(cs_ip4_reasm_new(NULL, NULL), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_types),
		cmocka_unit_test(test_ip_header_errors),
		cmocka_unit_test(test_reassembly),
		cmocka_unit_test(test_reassembly_limits),
	};

	return cmocka_run_group_tests_name("ipv4", tests, NULL, NULL);
}
