/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the CAPWAP Data Channel Keep-Alive codec
 * (lib/wire/capwap_keepalive.c): the golden packet, strict and lenient
 * decoding, truncation at every byte and lying lengths.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/capwap_keepalive.h"
#include "capsim/cursor.h"
#include "testutil.h"

static const uint8_t sid[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };

/* RFC 5415 §4.4.1: header 00 | HLEN 2, K | zero fragment fields; then
 * Message Element Length 22 (bytes after the header); Session ID 35/16. */
static const char golden[] = "00 100008 0000 0000"
                             "0016"
                             "0023 0010 00112233445566778899aabbccddeeff";

static void
test_encode_golden(void **state)
{
	uint8_t buf[64], want[64];
	struct cs_wr wr;
	size_t n;

	(void)state;
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_keepalive_encode(&wr, sid), 0);
	n = cs_test_unhex(golden, want, sizeof(want));
	assert_int_equal(n, CS_KEEPALIVE_LEN);
	assert_bytes_equal(buf, wr.len, want, n);
	assert_true(cs_keepalive_is(buf, wr.len));

	for (size_t cap = 0; cap < CS_KEEPALIVE_LEN; cap++) {
		cs_wr_init(&wr, buf, cap);
		assert_int_equal(cs_keepalive_encode(&wr, sid), -ENOBUFS);
	}
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_keepalive_encode(&wr, NULL), -EINVAL);
	assert_int_equal(cs_keepalive_encode(NULL, sid), -EINVAL);
}

static void
test_decode_roundtrip(void **state)
{
	uint8_t buf[64], got[16];
	struct cs_wr wr;

	(void)state;
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_keepalive_encode(&wr, sid), 0);
	memset(got, 0, sizeof(got));
	assert_int_equal(cs_keepalive_decode(buf, wr.len, 0, got, NULL), 0);
	assert_memory_equal(got, sid, 16);
	memset(got, 0, sizeof(got));
	assert_int_equal(
	    cs_keepalive_decode(buf, wr.len, CS_KEEPALIVE_F_LENIENT, got, NULL),
	    0);
	assert_memory_equal(got, sid, 16);
}

struct kcase {
	const char *name;
	const char *hex;
	int strict;       /* expected return without flags */
	int lenient;      /* with CS_KEEPALIVE_F_LENIENT */
	const char *what; /* strict err.what */
	size_t offset;
};

#define SID "0023 0010 00112233445566778899aabbccddeeff"
#define HDR "00 100008 0000 0000"
static const struct kcase kcases[] = {
	{ "golden", HDR "0016" SID, 0, 0, NULL, 0 },
	{ "K clear", "00 100000 0000 0000 0016" SID, -EBADMSG, -EBADMSG,
	    "K bit not set", 3 },
	{ "WBID 1 (copied from data)", "00 100208 0000 0000 0016" SID, -EBADMSG,
	    0, "keep-alive header field not zero", 1 },
	{ "RID 1", "00 104008 0000 0000 0016" SID, -EBADMSG, 0,
	    "keep-alive header field not zero", 1 },
	{ "T set", "00 100108 0000 0000 0016" SID, -EBADMSG, 0,
	    "keep-alive header field not zero", 1 },
	{ "reserved flag", "00 100009 0000 0000 0016" SID, -EBADMSG, 0,
	    "keep-alive header field not zero", 1 },
	{ "F set", "00 100088 0000 0000 0016" SID, -EBADMSG, -EBADMSG,
	    "keep-alive with F, L, W or M set", 3 },
	{ "fragment id", "00 100008 0001 0000 0016" SID, -EBADMSG, 0,
	    "keep-alive fragment fields not zero", 4 },
	{ "HLEN 3 padded", "00 180008 0000 0000 00000000 0016" SID, -EBADMSG, 0,
	    "keep-alive HLEN not 2", 1 },
	{ "length counts elements only", HDR "0014" SID, -EBADMSG, 0,
	    "Message Element Length disagrees with packet", 8 },
	{ "length too long", HDR "0017" SID, -EBADMSG, -EBADMSG,
	    "Message Element Length disagrees with packet", 8 },
	{ "length too short", HDR "0015" SID, -EBADMSG, -EBADMSG,
	    "Message Element Length disagrees with packet", 8 },
	{ "trailing byte", HDR "0017" SID "00", -EBADMSG, -EBADMSG,
	    "element header truncated", 30 },
	{ "no elements", HDR "0002", -EBADMSG, -EBADMSG, "Session ID missing",
	    10 },
	{ "session id 15", HDR "0015 0023 000f 00112233445566778899aabbccddee",
	    -EBADMSG, -EBADMSG, "Session ID length not 16", 12 },
	{ "element beyond",
	    HDR "0016 0023 0011 00112233445566778899aabbccddeeff", -EBADMSG,
	    -EBADMSG, "element length beyond packet", 12 },
	{ "two session ids", HDR "002a" SID SID, -EBADMSG, -EBADMSG,
	    "second Session ID", 30 },
	{ "extra VSP element", HDR "0020" SID "0025 0006 000000090001",
	    -EBADMSG, 0, "element other than Session ID in keep-alive", 30 },
	{ "only a VSP", HDR "000c 0025 0006 000000090001", -EBADMSG, -EBADMSG,
	    "element other than Session ID in keep-alive", 10 },
	{ "DTLS preamble", "01 000000", -EBADMSG, -EBADMSG, NULL, 0 },
};

static void
test_decode_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(kcases); i++) {
		const struct kcase *t = &kcases[i];
		uint8_t b[128], got[16];
		size_t n = cs_test_unhex(t->hex, b, sizeof(b));
		struct cs_err err = { 0 };
		int r;

		memset(got, 0xee, sizeof(got));
		r = cs_keepalive_decode(b, n, 0, got, &err);
		if (r != t->strict)
			fail_msg("%s strict: got %d (%s), want %d", t->name, r,
			    err.what ? err.what : "-", t->strict);
		if (r < 0) {
			for (size_t k = 0; k < 16; k++)
				assert_int_equal(got[k], 0xee);
			if (t->what != NULL &&
			    (strcmp(err.what, t->what) != 0 ||
			        err.offset != t->offset))
				fail_msg("%s: '%s' at %zu, want '%s' at %zu",
				    t->name, err.what, err.offset, t->what,
				    t->offset);
		} else {
			assert_memory_equal(got, sid, 16);
		}
		r = cs_keepalive_decode(
		    b, n, CS_KEEPALIVE_F_LENIENT, got, NULL);
		if (r != t->lenient)
			fail_msg("%s lenient: got %d, want %d", t->name, r,
			    t->lenient);
		if (r == 0)
			assert_memory_equal(got, sid, 16);
	}
}

static void
test_truncation_every_byte(void **state)
{
	uint8_t b[64], got[16];
	size_t n;

	(void)state;
	n = cs_test_unhex(golden, b, sizeof(b));
	for (size_t cut = 0; cut < n; cut++) {
		struct cs_err err = { 0 };

		memset(got, 0xee, sizeof(got));
		assert_int_equal(
		    cs_keepalive_decode(b, cut, 0, got, &err), -EBADMSG);
		assert_int_equal(cs_keepalive_decode(
		                     b, cut, CS_KEEPALIVE_F_LENIENT, got, NULL),
		    -EBADMSG);
		assert_int_equal(err.code, -EBADMSG);
		assert_true(err.offset <= cut);
		for (size_t k = 0; k < 16; k++)
			assert_int_equal(got[k], 0xee);
		assert_int_equal(cs_keepalive_is(b, cut), cut >= 4);
	}
	/* Every single-bit change in the header or lengths is caught
	 * strictly (the session id bytes themselves are free; byte 7's low
	 * 3 bits are reserved, which receivers ignore, RFC 5415 §4.3). */
	for (size_t at = 0; at < 14; at++) {
		uint8_t c[64];

		if (at == 7)
			continue;
		memcpy(c, b, n);
		c[at] ^= 0x01;
		assert_int_equal(
		    cs_keepalive_decode(c, n, 0, got, NULL), -EBADMSG);
	}
}

static void
test_args(void **state)
{
	uint8_t b[64], got[16];
	size_t n;

	(void)state;
	n = cs_test_unhex(golden, b, sizeof(b));
	assert_int_equal(cs_keepalive_decode(NULL, n, 0, got, NULL), -EINVAL);
	assert_int_equal(cs_keepalive_decode(b, n, 0, NULL, NULL), -EINVAL);
	assert_false(cs_keepalive_is(NULL, 10));
	b[3] = 0;
	assert_false(cs_keepalive_is(b, n));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_golden),
		cmocka_unit_test(test_decode_roundtrip),
		cmocka_unit_test(test_decode_table),
		cmocka_unit_test(test_truncation_every_byte),
		cmocka_unit_test(test_args),
	};

	return cmocka_run_group_tests_name(
	    "capwap_keepalive", tests, NULL, NULL);
}
