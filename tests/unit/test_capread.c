/* SPDX-License-Identifier: MIT */
/*
 * Capture reader: classic pcap in both byte orders with microsecond and
 * nanosecond magic, pcapng (written with lib/wire/pcapng.c) with a
 * Decryption Secrets Block, and every way a file can be cut or corrupted:
 * the error names the offset and the records before it were returned.
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

#include "capsim/capread.h"
#include "capsim/cursor.h"
#include "capsim/pcapng.h"
#include "testutil.h"

static void
put32(uint8_t *p, uint32_t v, bool le)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(le ? v >> (8 * i) : v >> (24 - 8 * i));
}

static void
put16(uint8_t *p, uint16_t v, bool le)
{
	p[le ? 0 : 1] = (uint8_t)v;
	p[le ? 1 : 0] = (uint8_t)(v >> 8);
}

/* A classic pcap with 3 packets of 5, 0 and 7 bytes. */
static size_t
make_pcap(uint8_t *b, bool le, bool ns, uint16_t lt)
{
	size_t at = 24;
	static const uint32_t lens[3] = { 5, 0, 7 };

	put32(b, ns ? CS_PCAP_MAGIC_NS : CS_PCAP_MAGIC_US, le);
	put16(b + 4, 2, le);
	put16(b + 6, 4, le);
	put32(b + 8, 0, le);
	put32(b + 12, 0, le);
	put32(b + 16, 65535, le);
	put32(b + 20, lt, le);
	for (unsigned i = 0; i < 3; i++) {
		put32(b + at, 1700000000u + i, le);
		put32(b + at + 4, ns ? 123456789u : 123456u, le);
		put32(b + at + 8, lens[i], le);
		put32(b + at + 12, lens[i] + 10, le);
		at += 16;
		memset(b + at, (int)(0xa0 + i), lens[i]);
		at += lens[i];
	}
	return at;
}

static void
check_pcap(bool le, bool ns)
{
	uint8_t b[256];
	size_t len = make_pcap(b, le, ns, 113);
	struct cs_capread cr;
	struct cs_cap_rec rec;
	struct cs_err err = { 0 };
	size_t at = 24;

	assert_int_equal(cs_capread_init(&cr, b, len, &err), 0);
	assert_int_equal(cr.format, CS_CAP_PCAP);
	assert_int_equal(cr.linktype, 113);
	assert_int_equal(cr.nsec, ns);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(cs_capread_next(&cr, &rec, &err), 1);
		assert_int_equal(rec.kind, CS_CAP_PACKET);
		assert_int_equal(rec.offset, at);
		assert_int_equal(rec.linktype, 113);
		assert_int_equal(
		    rec.ts_us, (1700000000ull + i) * 1000000u + 123456u);
		assert_int_equal(rec.orig_len, rec.cap_len + 10);
		assert_ptr_equal(rec.data, b + at + 16);
		at += 16 + rec.cap_len;
	}
	assert_int_equal(cs_capread_next(&cr, &rec, &err), 0);
	assert_int_equal(cs_capread_next(&cr, &rec, &err), 0);
	assert_string_equal(cs_capread_format_name(cr.format), "pcap");
}

static void
test_pcap_orders(void **state)
{
	(void)state;
	check_pcap(true, false);
	check_pcap(false, false);
	check_pcap(true, true);
	check_pcap(false, true);
}

/* Cut at every length: init or next fails with the right offset, and
 * each complete record before the cut was returned. */
static void
test_pcap_truncated(void **state)
{
	uint8_t b[256];
	size_t len = make_pcap(b, true, false, 1);

	(void)state;
	for (size_t cut = 0; cut < len; cut++) {
		struct cs_capread cr;
		struct cs_cap_rec rec;
		struct cs_err err = { 0 };
		unsigned got = 0;
		int r;

		r = cs_capread_init(&cr, b, cut, &err);
		if (cut < 24) {
			assert_int_equal(r, -EBADMSG);
			continue;
		}
		assert_int_equal(r, 0);
		while ((r = cs_capread_next(&cr, &rec, &err)) == 1)
			got++;
		if (cut == 24 || cut == 24 + 16 + 5 ||
		    cut == 24 + 16 + 5 + 16) {
			assert_int_equal(r, 0); /* a clean record boundary */
			continue;
		}
		assert_int_equal(r, -EBADMSG);
		/* the error is at or inside the first incomplete record */
		assert_true(err.offset >= cr.off && err.offset <= cut);
		assert_int_equal(got, cut < 45 ? 0 : cut < 61 ? 1 : 2);
		/* the reader stays put: the same error again */
		{
			size_t off = err.offset;

			assert_int_equal(
			    cs_capread_next(&cr, &rec, &err), -EBADMSG);
			assert_int_equal(err.offset, off);
		}
	}
}

static void
test_pcap_corrupt(void **state)
{
	uint8_t b[256];
	size_t len;
	struct cs_capread cr;
	struct cs_cap_rec rec;
	struct cs_err err = { 0 };

	(void)state;
	len = make_pcap(b, true, false, 1);
	b[0] ^= 1;
	assert_int_equal(cs_capread_init(&cr, b, len, &err), -EBADMSG);
	assert_int_equal(err.offset, 0);
	b[0] ^= 1;
	b[4] = 3; /* version 3.4 */
	assert_int_equal(cs_capread_init(&cr, b, len, &err), -EBADMSG);
	assert_int_equal(err.offset, 4);
	b[4] = 2;
	/* third record (7 bytes): caplen > origlen */
	put32(b + 61 + 12, 6, true);
	assert_int_equal(cs_capread_init(&cr, b, len, &err), 0);
	assert_int_equal(cs_capread_next(&cr, &rec, &err), 1);
	assert_int_equal(cs_capread_next(&cr, &rec, &err), 1);
	assert_int_equal(cs_capread_next(&cr, &rec, &err), -EBADMSG);
	assert_int_equal(err.offset, 61 + 8);
	/* absurd caplen */
	put32(b + 45 + 8, 0x10000000u, true);
	put32(b + 45 + 12, 0x10000000u, true);
	assert_int_equal(cs_capread_init(&cr, b, len, &err), 0);
	assert_int_equal(cs_capread_next(&cr, &rec, &err), 1);
	assert_int_equal(cs_capread_next(&cr, &rec, &err), -EBADMSG);
	assert_int_equal(err.offset, 45 + 8);
	/* microseconds out of range */
	len = make_pcap(b, false, false, 1);
	put32(b + 24 + 4, 1000000u, false);
	assert_int_equal(cs_capread_init(&cr, b, len, &err), 0);
	assert_int_equal(cs_capread_next(&cr, &rec, &err), -EBADMSG);
	assert_int_equal(err.offset, 28);
	/* NULLs and an empty buffer */
	assert_int_equal(cs_capread_init(NULL, b, len, &err), -EINVAL);
	assert_int_equal(cs_capread_init(&cr, NULL, 0, &err), -EBADMSG);
	assert_int_equal(cs_capread_next(NULL, &rec, &err), -EINVAL);
}

static size_t
make_pcapng(uint8_t *b, size_t cap, size_t *dsb_at, size_t *epb2_at)
{
	struct cs_wr wr;
	static const uint8_t p1[] = { 1, 2, 3 }, p2[] = { 4, 5, 6, 7 };
	static const char kl[] = "CLIENT_RANDOM aa bb\n";

	cs_wr_init(&wr, b, cap);
	cs_pcapng_put_shb(&wr, "test");
	cs_pcapng_put_idb(&wr, CS_LINKTYPE_ETHERNET, "eth0");
	cs_pcapng_put_idb(&wr, CS_LINKTYPE_RAW, "tun0");
	cs_pcapng_put_epb(&wr, 0, 1000001, p1, sizeof(p1));
	*dsb_at = wr.len;
	cs_pcapng_put_dsb_tls(&wr, kl, strlen(kl));
	*epb2_at = wr.len;
	cs_pcapng_put_epb_cut(&wr, 1, 2000002, p2, 3, sizeof(p2));
	assert_int_equal(wr.err, 0);
	return wr.len;
}

static void
test_pcapng(void **state)
{
	uint8_t b[1024];
	size_t dsb_at, epb2_at,
	    len = make_pcapng(b, sizeof(b), &dsb_at, &epb2_at);
	struct cs_capread cr;
	struct cs_cap_rec rec;
	struct cs_err err = { 0 };

	(void)state;
	assert_int_equal(cs_capread_init(&cr, b, len, &err), 0);
	assert_int_equal(cr.format, CS_CAP_PCAPNG);
	assert_string_equal(cs_capread_format_name(cr.format), "pcapng");
	assert_int_equal(cs_capread_next(&cr, &rec, &err), 1);
	assert_int_equal(rec.kind, CS_CAP_PACKET);
	assert_int_equal(rec.linktype, CS_LINKTYPE_ETHERNET);
	assert_int_equal(rec.ts_us, 1000001);
	assert_int_equal(rec.cap_len, 3);
	assert_int_equal(rec.data[2], 3);
	assert_int_equal(cs_capread_next(&cr, &rec, &err), 1);
	assert_int_equal(rec.kind, CS_CAP_SECRETS);
	assert_int_equal(rec.offset, dsb_at);
	assert_int_equal(rec.secrets_type, CS_PCAPNG_SECRETS_TLS);
	assert_int_equal(rec.secrets_len, 20);
	assert_memory_equal(rec.secrets, "CLIENT_RANDOM aa bb\n", 20);
	assert_int_equal(cs_capread_next(&cr, &rec, &err), 1);
	assert_int_equal(rec.offset, epb2_at);
	assert_int_equal(rec.if_id, 1);
	assert_int_equal(rec.linktype, CS_LINKTYPE_RAW);
	assert_int_equal(rec.cap_len, 3);
	assert_int_equal(rec.orig_len, 4);
	assert_int_equal(cs_capread_next(&cr, &rec, &err), 0);

	/* cut inside the last block: two items, then an error at or after
	 * the block's start */
	assert_int_equal(cs_capread_init(&cr, b, len - 5, &err), 0);
	assert_int_equal(cs_capread_next(&cr, &rec, &err), 1);
	assert_int_equal(cs_capread_next(&cr, &rec, &err), 1);
	assert_int_equal(cs_capread_next(&cr, &rec, &err), -EBADMSG);
	assert_true(err.offset >= epb2_at && err.offset <= len - 5);
	/* cut inside the magic */
	assert_int_equal(cs_capread_init(&cr, b, 3, &err), -EBADMSG);
	assert_int_equal(err.offset, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcap_orders),
		cmocka_unit_test(test_pcap_truncated),
		cmocka_unit_test(test_pcap_corrupt),
		cmocka_unit_test(test_pcapng),
	};

	return cmocka_run_group_tests_name("capread", tests, NULL, NULL);
}
