/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the pcapng encoder, reader and IPv4/UDP framing
 * (lib/wire/pcapng.c): golden bytes, round trips in both byte orders,
 * truncation at every byte, corrupt blocks and writer limits.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/cursor.h"
#include "capsim/pcapng.h"
#include "testutil.h"

static const struct cs_udp4_endpoints ep = {
	.src_addr = 0x7f010203, /* 127.1.2.3 */
	.dst_addr = 0x7f000001,
	.src_port = 40000,
	.dst_port = 5246,
};

static const char keylog[] = "CLIENT_RANDOM "
                             "0102030405060708091011121314151617181920212223242"
                             "526272829303132 "
                             "aabb\n";

/* SHB "capsim" + IDB raw IPv4 "lo" + DSB + EPB(UDP "hello") */
static size_t
build_file(uint8_t *buf, size_t cap, uint16_t *ip_id)
{
	struct cs_wr wr;
	static const uint8_t hello[] = "hello";

	cs_wr_init(&wr, buf, cap);
	assert_int_equal(cs_pcapng_put_shb(&wr, "capsim"), 0);
	assert_int_equal(cs_pcapng_put_idb(&wr, CS_LINKTYPE_IPV4, "lo"), 0);
	assert_int_equal(
	    cs_pcapng_put_dsb_tls(&wr, keylog, sizeof(keylog) - 1), 0);
	assert_int_equal(cs_pcapng_put_epb_udp4(
	                     &wr, 0, 1700000000123456ull, &ep, ip_id, hello, 5),
	    0);
	return wr.len;
}

static void
test_golden_blocks(void **state)
{
	uint8_t buf[512], want[512];
	struct cs_wr wr;
	size_t n;

	(void)state;
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_pcapng_put_shb(&wr, "capsim"), 0);
	n = cs_test_unhex("0a0d0d0a 0000002c 1a2b3c4d 0001 0000"
	                  "ffffffff ffffffff"
	                  "0004 0006 63617073 696d 0000" /* shb_userappl */
	                  "0000 0000 0000002c",
	    want, sizeof(want));
	assert_bytes_equal(buf, wr.len, want, n);

	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_pcapng_put_idb(&wr, CS_LINKTYPE_IPV4, "lo"), 0);
	n = cs_test_unhex("00000001 00000028 00e4 0000 0000ffff"
	                  "0002 0002 6c6f 0000" /* if_name "lo" */
	                  "0009 0001 06 000000" /* if_tsresol 6 */
	                  "0000 0000 00000028",
	    want, sizeof(want));
	assert_bytes_equal(buf, wr.len, want, n);

	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_pcapng_put_shb(&wr, NULL), 0);
	assert_int_equal(wr.len, 28);

	/* EPB with an IPv4/UDP datagram: 28 + 5 bytes, padded to 36. */
	{
		uint16_t id = 0x1234;
		static const uint8_t hello[] = "hello";

		cs_wr_init(&wr, buf, sizeof(buf));
		assert_int_equal(cs_pcapng_put_epb_udp4(&wr, 0,
		                     0x0000000100000002ull, &ep, &id, hello, 5),
		    0);
		assert_int_equal(id, 0x1235);
		n = cs_test_unhex(
		    "00000006 00000044 00000000 00000001 00000002"
		    "00000021 00000021"
		    /* IPv4: 45 00 len 33, id 1234, no frag, TTL 64, UDP */
		    "4500 0021 1234 0000 4011 6893 7f010203 7f000001"
		    /* UDP 40000 -> 5246, len 13, checksum 0 */
		    "9c40 147e 000d 0000 68656c6c6f 000000 00000044",
		    want, sizeof(want));
		/* 6893 = ~(4500+0021+1234+4011+7f01+0203+7f00+0001), folded
		 * (RFC 1071) by hand. */
		assert_bytes_equal(buf, wr.len, want, n);
	}
}

/* One's-complement sum over an IPv4 header including its checksum is
 * 0xffff when the checksum is right. */
static uint16_t
ipv4_sum(const uint8_t *h, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void
test_udp4_header(void **state)
{
	uint8_t buf[128];
	struct cs_wr wr;
	uint16_t id = 0xffff;
	static const uint8_t pl[] = { 0x00, 0x10, 0x02, 0x00 };

	(void)state;
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_udp4_put(&wr, &ep, &id, pl, sizeof(pl)), 0);
	assert_int_equal(id, 0); /* wraps */
	assert_int_equal(wr.len, 32);
	assert_int_equal(buf[0], 0x45);
	assert_int_equal(buf[2] << 8 | buf[3], 32);
	assert_int_equal(buf[4] << 8 | buf[5], 0xffff);
	assert_int_equal(buf[8], 64);
	assert_int_equal(buf[9], 17);
	assert_int_equal(ipv4_sum(buf, 20), 0xffff);
	assert_int_equal(buf[20] << 8 | buf[21], 40000);
	assert_int_equal(buf[22] << 8 | buf[23], 5246);
	assert_int_equal(buf[24] << 8 | buf[25], 12);
	assert_int_equal(buf[26] << 8 | buf[27], 0); /* RFC 5415 §3.1 */
	assert_memory_equal(buf + 28, pl, sizeof(pl));

	/* A known header: 192.168.0.1 -> 192.168.0.199, 115 bytes total. */
	{
		struct cs_udp4_endpoints e2 = { 0xc0a80001, 0xc0a800c7, 1, 2 };
		uint8_t big[200] = { 0 };
		static const uint8_t zeros[87];

		id = 0;
		cs_wr_init(&wr, big, sizeof(big));
		assert_int_equal(cs_udp4_put(&wr, &e2, &id, zeros, 87), 0);
		assert_int_equal(big[2] << 8 | big[3], 115);
		/* The textbook header 4500 0073 0000 4000 4011 b861 c0a8 0001
		 * c0a8 00c7 has DF set; without DF the checksum is b861 +
		 * 4000. */
		assert_int_equal(big[10] << 8 | big[11], 0xf861);
		assert_int_equal(ipv4_sum(big, 20), 0xffff);
	}
	/* Every ip_id keeps the checksum right. */
	for (unsigned i = 0; i < 70000; i += 997) {
		id = (uint16_t)i;
		cs_wr_init(&wr, buf, sizeof(buf));
		assert_int_equal(cs_udp4_put(&wr, &ep, &id, pl, sizeof(pl)), 0);
		assert_int_equal(ipv4_sum(buf, 20), 0xffff);
	}
}

static void
test_roundtrip(void **state)
{
	uint8_t buf[1024];
	struct cs_pcapng_rd rd;
	struct cs_pcapng_block b;
	struct cs_udp4_endpoints got;
	const uint8_t *pl;
	size_t pl_len, n;
	uint16_t id = 7;

	(void)state;
	n = build_file(buf, sizeof(buf), &id);
	assert_int_equal(id, 8);
	cs_pcapng_rd_init(&rd, buf, n);
	assert_int_equal(cs_pcapng_rd_next(&rd, &b, NULL), 1);
	assert_int_equal(b.type, CS_PCAPNG_BT_SHB);
	assert_true(rd.is_big_endian);
	assert_int_equal(cs_pcapng_rd_next(&rd, &b, NULL), 1);
	assert_int_equal(b.type, CS_PCAPNG_BT_IDB);
	assert_int_equal(rd.n_ifaces, 1);
	assert_int_equal(rd.iface[0].linktype, CS_LINKTYPE_IPV4);
	assert_int_equal(rd.iface[0].snaplen, 65535);
	assert_int_equal(rd.iface[0].tsresol, 6);
	assert_int_equal(cs_pcapng_rd_next(&rd, &b, NULL), 1);
	assert_int_equal(b.type, CS_PCAPNG_BT_DSB);
	assert_int_equal(b.secrets_type, CS_PCAPNG_SECRETS_TLS);
	assert_int_equal(b.secrets_len, sizeof(keylog) - 1);
	assert_memory_equal(b.secrets, keylog, sizeof(keylog) - 1);
	assert_int_equal(cs_pcapng_rd_next(&rd, &b, NULL), 1);
	assert_int_equal(b.type, CS_PCAPNG_BT_EPB);
	assert_int_equal(b.if_id, 0);
	assert_int_equal(b.linktype, CS_LINKTYPE_IPV4);
	assert_true(b.ts_us == 1700000000123456ull);
	assert_int_equal(b.cap_len, 33);
	assert_int_equal(b.orig_len, 33);
	assert_int_equal(cs_udp4_parse(b.linktype, b.data, b.cap_len, &got, &pl,
	                     &pl_len, NULL),
	    0);
	assert_int_equal(got.src_addr, ep.src_addr);
	assert_int_equal(got.dst_addr, ep.dst_addr);
	assert_int_equal(got.src_port, ep.src_port);
	assert_int_equal(got.dst_port, ep.dst_port);
	assert_int_equal(pl_len, 5);
	assert_memory_equal(pl, "hello", 5);
	assert_int_equal(cs_pcapng_rd_next(&rd, &b, NULL), 0);
	assert_int_equal(cs_pcapng_rd_next(&rd, &b, NULL), 0);
}

/* A little-endian file as libpcap/dumpcap write it on x86, with an
 * nanosecond interface, an unknown block and an SPB. */
static const char le_file[] =
    /* SHB */
    "0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffffffffffff 1c000000"
    /* IDB: linktype 1 (Ethernet), snaplen 262144, if_tsresol 9 */
    "01000000 20000000 0100 0000 00000400 0900 0100 09000000 0000 0000"
    "20000000"
    /* unknown block type 0x0bad */
    "ad0b0000 10000000 01020304 10000000"
    /* EPB: if 0, ts 1.5 s in ns = 1500000000 = 0x59682f00, cap 4 */
    "06000000 24000000 00000000 00000000 002f6859 04000000 3c000000"
    "deadbeef 24000000"
    /* SPB: original length 3 */
    "03000000 14000000 03000000 aabbcc00 14000000";

static void
test_little_endian(void **state)
{
	uint8_t buf[256];
	size_t n;
	struct cs_pcapng_rd rd;
	struct cs_pcapng_block b;

	(void)state;
	n = cs_test_unhex(le_file, buf, sizeof(buf));
	cs_pcapng_rd_init(&rd, buf, n);
	assert_int_equal(cs_pcapng_rd_next(&rd, &b, NULL), 1);
	assert_false(rd.is_big_endian);
	assert_int_equal(cs_pcapng_rd_next(&rd, &b, NULL), 1);
	assert_int_equal(rd.iface[0].linktype, CS_LINKTYPE_ETHERNET);
	assert_int_equal(rd.iface[0].snaplen, 262144);
	assert_int_equal(rd.iface[0].tsresol, 9);
	assert_int_equal(cs_pcapng_rd_next(&rd, &b, NULL), 1);
	assert_int_equal(b.type, 0x0bad);
	assert_int_equal(b.body_len, 4);
	assert_int_equal(cs_pcapng_rd_next(&rd, &b, NULL), 1);
	assert_int_equal(b.type, CS_PCAPNG_BT_EPB);
	assert_true(b.ts_raw == 1500000000u);
	assert_true(b.ts_us == 1500000u);
	assert_int_equal(b.cap_len, 4);
	assert_int_equal(b.orig_len, 60);
	assert_memory_equal(b.data, "\xde\xad\xbe\xef", 4);
	assert_int_equal(cs_pcapng_rd_next(&rd, &b, NULL), 1);
	assert_int_equal(b.type, CS_PCAPNG_BT_SPB);
	assert_int_equal(b.cap_len, 3);
	assert_memory_equal(b.data, "\xaa\xbb\xcc", 3);
	assert_int_equal(cs_pcapng_rd_next(&rd, &b, NULL), 0);
}

/* Reads a prefix: every cut inside a block fails with -EBADMSG at or after
 * the block's start, leaves the reader on that block and never crashes;
 * a cut at a block boundary is a clean end. */
static void
check_prefixes(const uint8_t *buf, size_t n)
{
	for (size_t cut = 0; cut <= n; cut++) {
		struct cs_pcapng_rd rd;
		struct cs_pcapng_block b;
		struct cs_err err = { 0 };
		size_t last = 0;
		int r;

		cs_pcapng_rd_init(&rd, buf, cut);
		while ((r = cs_pcapng_rd_next(&rd, &b, &err)) == 1)
			last = b.offset + b.total_len;
		if (r == 0) {
			assert_int_equal(last, cut);
			continue;
		}
		assert_int_equal(r, -EBADMSG);
		assert_int_equal(err.code, -EBADMSG);
		assert_int_equal(rd.off, last);
		assert_true(err.offset >= last && err.offset <= cut);
	}
}

static void
test_truncation_every_byte(void **state)
{
	uint8_t buf[1024];
	size_t n;
	uint16_t id = 0;

	(void)state;
	n = build_file(buf, sizeof(buf), &id);
	check_prefixes(buf, n);
	n = cs_test_unhex(le_file, buf, sizeof(buf));
	check_prefixes(buf, n);
}

struct corrupt {
	const char *name;
	size_t at; /* byte to overwrite */
	uint8_t val;
	int ret;
	const char *what;
	size_t offset;
};

/* Offsets into build_file(): SHB 0..43, IDB 44..83, DSB 84.., EPB. */
#define DSB_AT  84
#define DSB_LEN (12 + 8 + ((sizeof(keylog) - 1 + 3) & ~(size_t)3))
#define EPB_AT  (DSB_AT + DSB_LEN)
static const struct corrupt corrupts[] = {
	{ "not pcapng", 0, 0x0b, -EBADMSG,
	    "not pcapng: no section header block first", 0 },
	{ "bad magic", 8, 0x1b, -EBADMSG, "bad byte-order magic", 8 },
	{ "major 2", 13, 2, -EBADMSG, "unsupported pcapng major version", 12 },
	{ "SHB length odd", 7, 0x29, -EBADMSG,
	    "block total length not a multiple of 4 or too small", 4 },
	{ "SHB trailing length", 43, 0x30, -EBADMSG,
	    "trailing block length differs from leading", 40 },
	{ "SHB option too long", 27, 0x40, -EBADMSG,
	    "option length beyond block", 26 },
	{ "IDB huge length", 48, 0x7f, -EBADMSG,
	    "block total length beyond end of file", 48 },
	{ "tsresol length 2", 71, 2, -EBADMSG, "if_tsresol length not 1", 70 },
	{ "DSB secrets length lies", DSB_AT + 14, 1, -EBADMSG,
	    "secrets length beyond block", DSB_AT + 12 },
	{ "EPB unknown interface", EPB_AT + 11, 1, -EBADMSG,
	    "packet names an undeclared interface", EPB_AT + 8 },
	{ "EPB caplen lies", EPB_AT + 23, 37, -EBADMSG,
	    "captured length beyond block", EPB_AT + 20 },
	{ "EPB too short", EPB_AT + 7, 24, -EBADMSG,
	    "trailing block length differs from leading", EPB_AT + 20 },
};

static void
test_corrupt_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(corrupts); i++) {
		const struct corrupt *t = &corrupts[i];
		uint8_t buf[1024];
		struct cs_pcapng_rd rd;
		struct cs_pcapng_block b;
		struct cs_err err = { 0 };
		uint16_t id = 0;
		size_t n = build_file(buf, sizeof(buf), &id);
		int r;

		assert_true(t->at < n);
		buf[t->at] = t->val;
		cs_pcapng_rd_init(&rd, buf, n);
		while ((r = cs_pcapng_rd_next(&rd, &b, &err)) == 1)
			;
		if (r != t->ret || strcmp(err.what, t->what) != 0 ||
		    err.offset != t->offset)
			fail_msg("%s: got %d '%s' at %zu, want %d '%s' at %zu",
			    t->name, r, err.what ? err.what : "-", err.offset,
			    t->ret, t->what, t->offset);
	}
}

static void
test_too_many_interfaces(void **state)
{
	static uint8_t buf[64 * 1024];
	struct cs_wr wr;
	struct cs_pcapng_rd rd;
	struct cs_pcapng_block b;
	struct cs_err err = { 0 };
	int r;
	unsigned blocks = 0;

	(void)state;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_pcapng_put_shb(&wr, NULL);
	for (unsigned i = 0; i <= CS_PCAPNG_MAX_IFACES; i++)
		cs_pcapng_put_idb(&wr, CS_LINKTYPE_RAW, NULL);
	assert_int_equal(wr.err, 0);
	cs_pcapng_rd_init(&rd, buf, wr.len);
	while ((r = cs_pcapng_rd_next(&rd, &b, &err)) == 1)
		blocks++;
	assert_int_equal(r, -E2BIG);
	assert_int_equal(blocks, 1 + CS_PCAPNG_MAX_IFACES);
	/* A new section resets the interface list. */
	cs_wr_init(&wr, buf, sizeof(buf));
	for (unsigned s = 0; s < 3; s++) {
		cs_pcapng_put_shb(&wr, NULL);
		for (unsigned i = 0; i < CS_PCAPNG_MAX_IFACES; i++)
			cs_pcapng_put_idb(&wr, CS_LINKTYPE_RAW, NULL);
	}
	assert_int_equal(wr.err, 0);
	cs_pcapng_rd_init(&rd, buf, wr.len);
	while ((r = cs_pcapng_rd_next(&rd, &b, &err)) == 1)
		;
	assert_int_equal(r, 0);
}

static void
test_writer_limits(void **state)
{
	static uint8_t big[70000];
	uint8_t buf[64];
	struct cs_wr wr;
	uint16_t id = 5;

	(void)state;
	cs_wr_init(&wr, buf, 20);
	assert_int_equal(cs_pcapng_put_shb(&wr, NULL), -ENOBUFS);
	assert_int_equal(cs_pcapng_put_idb(&wr, 1, NULL), -ENOBUFS);

	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_pcapng_put_epb_udp4(
	                     &wr, 0, 0, &ep, &id, big, CS_UDP4_MAX_PAYLOAD + 1),
	    -EMSGSIZE);
	assert_int_equal(wr.len, 0);
	assert_int_equal(id, 5);
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(
	    cs_pcapng_put_epb_udp4(&wr, 0, 0, &ep, &id, big, 100), -ENOBUFS);
	assert_int_equal(id, 5); /* not consumed on failure */
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_pcapng_put_epb(&wr, 0, 0, big, 65536), -EMSGSIZE);

	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_pcapng_put_epb(&wr, 0, 0, NULL, 1), -EINVAL);
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_udp4_put(&wr, NULL, &id, big, 1), -EINVAL);
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_udp4_put(&wr, &ep, NULL, big, 1), -EINVAL);
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_pcapng_put_dsb_tls(&wr, NULL, 3), -EINVAL);
	assert_int_equal(cs_pcapng_put_shb(NULL, NULL), -EINVAL);
	assert_int_equal(cs_pcapng_put_idb(NULL, 1, NULL), -EINVAL);
	assert_int_equal(cs_pcapng_put_epb(NULL, 0, 0, big, 1), -EINVAL);
	assert_int_equal(cs_pcapng_put_dsb_tls(NULL, "", 0), -EINVAL);
	assert_int_equal(cs_udp4_put(NULL, &ep, &id, big, 1), -EINVAL);
	{
		struct cs_pcapng_rd rd;
		struct cs_pcapng_block b;

		assert_int_equal(cs_pcapng_rd_next(NULL, &b, NULL), -EINVAL);
		cs_pcapng_rd_init(&rd, NULL, 5);
		assert_int_equal(cs_pcapng_rd_next(&rd, &b, NULL), 0);
		assert_int_equal(cs_pcapng_rd_next(&rd, NULL, NULL), -EINVAL);
	}
}

struct pkt {
	const char *name;
	uint16_t linktype;
	const char *hex;
	int ret;
	const char *what;
	size_t offset;
};

#define IP_UDP                                                                 \
	"4500 0021 0001 0000 4011 0000 0a000001 0a000002"                      \
	"1234 147e 000d 0000 68656c6c6f"
static const struct pkt pkts[] = {
	{ "raw", CS_LINKTYPE_RAW, IP_UDP, 0, NULL, 0 },
	{ "ipv4", CS_LINKTYPE_IPV4, IP_UDP "0000", 0, NULL, 0 },
	{ "ethernet", CS_LINKTYPE_ETHERNET,
	    "ffffffffffff 020000000001 0800" IP_UDP, 0, NULL, 0 },
	{ "ethernet qinq", CS_LINKTYPE_ETHERNET,
	    "ffffffffffff 020000000001 88a8 0064 8100 00c8 0800" IP_UDP, 0,
	    NULL, 0 },
	{ "sll", CS_LINKTYPE_LINUX_SLL,
	    "0000 0001 0006 020000000001 0000 0800" IP_UDP, 0, NULL, 0 },
	{ "ipv6 ethertype", CS_LINKTYPE_ETHERNET,
	    "ffffffffffff 020000000001 86dd" IP_UDP, -EPROTONOSUPPORT,
	    "not an IPv4 frame", 12 },
	{ "ethernet short", CS_LINKTYPE_ETHERNET, "ffffffffffff 0200", -EBADMSG,
	    "Ethernet header truncated", 0 },
	{ "three tags", CS_LINKTYPE_ETHERNET,
	    "ffffffffffff 020000000001 8100 0001 8100 0002 8100 0003 "
	    "0800" IP_UDP,
	    -EPROTONOSUPPORT, "not an IPv4 frame", 20 },
	{ "link type 105", 105, IP_UDP, -EPROTONOSUPPORT,
	    "unsupported link type", 0 },
	{ "ipv6", CS_LINKTYPE_RAW, "6000000000000000", -EPROTONOSUPPORT,
	    "not IPv4", 0 },
	{ "empty", CS_LINKTYPE_RAW, "", -EBADMSG, "IPv4 header truncated", 0 },
	{ "ihl 4", CS_LINKTYPE_RAW, "4400", -EBADMSG, "IPv4 IHL below 5", 0 },
	{ "short header", CS_LINKTYPE_RAW, "4500 0021 0001", -EBADMSG,
	    "IPv4 header truncated", 0 },
	{ "total too long", CS_LINKTYPE_RAW,
	    "4500 0022 0001 0000 4011 0000 0a000001 0a000002"
	    "1234 147e 000d 0000 68656c6c6f",
	    -EBADMSG, "IPv4 total length beyond capture", 2 },
	{ "total below ihl", CS_LINKTYPE_RAW,
	    "4500 0010 0001 0000 4011 0000 0a000001 0a000002", -EBADMSG,
	    "IPv4 total length below header length", 2 },
	{ "fragment", CS_LINKTYPE_RAW,
	    "4500 0021 0001 2000 4011 0000 0a000001 0a000002"
	    "1234 147e 000d 0000 68656c6c6f",
	    -EPROTONOSUPPORT, "IPv4 fragment", 6 },
	{ "DF is fine", CS_LINKTYPE_RAW,
	    "4500 0021 0001 4000 4011 0000 0a000001 0a000002"
	    "1234 147e 000d 0000 68656c6c6f",
	    0, NULL, 0 },
	{ "tcp", CS_LINKTYPE_RAW,
	    "4500 0021 0001 0000 4006 0000 0a000001 0a000002"
	    "1234 147e 000d 0000 68656c6c6f",
	    -EPROTONOSUPPORT, "not UDP", 9 },
	{ "udp short", CS_LINKTYPE_RAW,
	    "4500 001a 0001 0000 4011 0000 0a000001 0a000002 1234 147e 000d",
	    -EBADMSG, "UDP header truncated", 20 },
	{ "udp length lies", CS_LINKTYPE_RAW,
	    "4500 0021 0001 0000 4011 0000 0a000001 0a000002"
	    "1234 147e 000e 0000 68656c6c6f",
	    -EBADMSG, "UDP length disagrees with IPv4 length", 24 },
	{ "udp length 7", CS_LINKTYPE_RAW,
	    "4500 0021 0001 0000 4011 0000 0a000001 0a000002"
	    "1234 147e 0007 0000 68656c6c6f",
	    -EBADMSG, "UDP length disagrees with IPv4 length", 24 },
	{ "ip options", CS_LINKTYPE_RAW,
	    "4600 0025 0001 0000 4011 0000 0a000001 0a000002 01010100"
	    "1234 147e 000d 0000 68656c6c6f",
	    0, NULL, 0 },
};

static void
test_udp4_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(pkts); i++) {
		const struct pkt *t = &pkts[i];
		uint8_t b[256];
		size_t n = cs_test_unhex(t->hex, b, sizeof(b));
		struct cs_udp4_endpoints e = { 0 };
		const uint8_t *pl = NULL;
		size_t pl_len = 99;
		struct cs_err err = { 0 };
		int r =
		    cs_udp4_parse(t->linktype, b, n, &e, &pl, &pl_len, &err);

		if (r != t->ret)
			fail_msg("%s: got %d (%s), want %d", t->name, r,
			    err.what ? err.what : "-", t->ret);
		if (r == 0) {
			assert_int_equal(pl_len, 5);
			assert_memory_equal(pl, "hello", 5);
			assert_int_equal(e.src_addr, 0x0a000001);
			assert_int_equal(e.dst_port, 5246);
			assert_int_equal(e.src_port, 0x1234);
			continue;
		}
		assert_int_equal(pl_len, 99);
		assert_null(pl);
		if (strcmp(err.what, t->what) != 0 || err.offset != t->offset)
			fail_msg("%s: '%s' at %zu, want '%s' at %zu", t->name,
			    err.what, err.offset, t->what, t->offset);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_blocks),
		cmocka_unit_test(test_udp4_header),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_little_endian),
		cmocka_unit_test(test_truncation_every_byte),
		cmocka_unit_test(test_corrupt_table),
		cmocka_unit_test(test_too_many_interfaces),
		cmocka_unit_test(test_writer_limits),
		cmocka_unit_test(test_udp4_parse_table),
	};

	return cmocka_run_group_tests_name("pcapng", tests, NULL, NULL);
}
