/* SPDX-License-Identifier: MIT */
/* Unit tests for the bounded byte cursor (lib/wire/cursor.c). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/cursor.h"
#include "testutil.h"

static void
test_rd_reads_big_endian(void **state)
{
	static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
		0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10 };
	struct cs_rd rd;
	uint8_t u8;
	uint16_t u16;
	uint32_t u24, u32;
	uint64_t u48;

	(void)state;
	cs_rd_init(&rd, b, sizeof(b));
	assert_int_equal(cs_rd_u8(&rd, &u8), 0);
	assert_int_equal(u8, 0x01);
	assert_int_equal(cs_rd_u16(&rd, &u16), 0);
	assert_int_equal(u16, 0x0203);
	assert_int_equal(cs_rd_u24(&rd, &u24), 0);
	assert_int_equal(u24, 0x040506);
	assert_int_equal(cs_rd_u32(&rd, &u32), 0);
	assert_int_equal(u32, 0x0708090a);
	assert_int_equal(cs_rd_u48(&rd, &u48), 0);
	assert_true(u48 == 0x0b0c0d0e0f10ULL);
	assert_int_equal(rd.left, 0);
	assert_int_equal(cs_rd_off(&rd), sizeof(b));
}

/* Every reader, at every length short of what it needs, fails with
 * -EBADMSG and leaves the cursor and the output untouched. */
static void
test_rd_truncated_untouched(void **state)
{
	static const uint8_t b[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	(void)state;
	for (size_t have = 0; have < 6; have++) {
		struct cs_rd rd;
		uint8_t u8 = 0xaa, bytes[6] = { 0 };
		uint16_t u16 = 0xdead;
		uint32_t u32 = 0xdeadbeef;
		uint64_t u48 = 0x1234;
		const uint8_t *view = NULL;

		cs_rd_init(&rd, b, have);
		if (have < 1) {
			assert_int_equal(cs_rd_u8(&rd, &u8), -EBADMSG);
			assert_int_equal(u8, 0xaa);
		}
		if (have < 2) {
			assert_int_equal(cs_rd_u16(&rd, &u16), -EBADMSG);
			assert_int_equal(u16, 0xdead);
		}
		if (have < 3) {
			assert_int_equal(cs_rd_u24(&rd, &u32), -EBADMSG);
			assert_int_equal(u32, 0xdeadbeef);
		}
		if (have < 4) {
			assert_int_equal(cs_rd_u32(&rd, &u32), -EBADMSG);
			assert_int_equal(u32, 0xdeadbeef);
		}
		assert_int_equal(cs_rd_u48(&rd, &u48), -EBADMSG);
		assert_true(u48 == 0x1234);
		assert_int_equal(cs_rd_bytes(&rd, bytes, have + 1), -EBADMSG);
		assert_int_equal(bytes[0], 0);
		assert_int_equal(cs_rd_view(&rd, have + 1, &view), -EBADMSG);
		assert_null(view);
		assert_int_equal(cs_rd_skip(&rd, have + 1), -EBADMSG);
		assert_int_equal(rd.left, have);
		assert_ptr_equal(rd.p, b);
	}
}

static void
test_rd_sub_keeps_base(void **state)
{
	static const uint8_t b[] = { 1, 2, 3, 4, 5 };
	struct cs_rd rd, sub, bad;
	uint8_t v, p;

	(void)state;
	cs_rd_init(&rd, b, sizeof(b));
	assert_int_equal(cs_rd_skip(&rd, 1), 0);
	assert_int_equal(cs_rd_sub(&rd, 3, &sub), 0);
	assert_int_equal(rd.left, 1);
	assert_int_equal(sub.left, 3);
	assert_int_equal(cs_rd_off(&sub), 1);
	assert_int_equal(cs_rd_peek_u8(&sub, 2, &p), 0);
	assert_int_equal(p, 4);
	assert_int_equal(cs_rd_peek_u8(&sub, 3, &p), -EBADMSG);
	assert_int_equal(cs_rd_u8(&sub, &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(cs_rd_off(&sub), 2);
	/* A lying length never escapes the enclosing cursor. */
	assert_int_equal(cs_rd_sub(&rd, 2, &bad), -EBADMSG);
	assert_int_equal(rd.left, 1);
}

static void
test_wr_sticky_error(void **state)
{
	uint8_t buf[5];
	struct cs_wr wr;

	(void)state;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_wr_u32(&wr, 0x01020304);
	assert_int_equal(wr.err, 0);
	cs_wr_u16(&wr, 0xffff); /* does not fit */
	assert_int_equal(wr.err, -ENOBUFS);
	assert_int_equal(wr.len, 4);
	cs_wr_u8(&wr, 9); /* would fit, but the error is sticky */
	assert_int_equal(wr.len, 4);
	assert_int_equal(wr.err, -ENOBUFS);
}

static void
test_wr_writes_and_patches(void **state)
{
	static const uint8_t want[] = { 0xab, 0x00, 0x07, 0x01, 0x02, 0x03,
		0x04, 0x05, 0x06, 0x00, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
		0x66, 0x10, 0x20, 0x30 };
	uint8_t buf[64];
	struct cs_wr wr;
	size_t at;

	(void)state;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_wr_u8(&wr, 0xab);
	at = cs_wr_mark16(&wr);
	cs_wr_bytes(&wr, "\x01\x02\x03\x04\x05\x06", 6);
	cs_wr_zero(&wr, 1);
	cs_wr_patch16(&wr, at);
	cs_wr_put16_at(&wr, wr.len - 1, 0x0000); /* out of range */
	assert_int_equal(wr.err, -EINVAL);
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_wr_u8(&wr, 0xab);
	at = cs_wr_mark16(&wr);
	cs_wr_bytes(&wr, "\x01\x02\x03\x04\x05\x06", 6);
	cs_wr_zero(&wr, 1);
	cs_wr_patch16(&wr, at);
	cs_wr_u8(&wr, 0);
	cs_wr_u48(&wr, 0x112233445566ULL);
	cs_wr_u24(&wr, 0x102030);
	assert_int_equal(wr.err, 0);
	assert_bytes_equal(buf, wr.len, want, sizeof(want));
	cs_wr_u24(&wr, 0x1000000); /* not a 24-bit value */
	assert_int_equal(wr.err, -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rd_reads_big_endian),
		cmocka_unit_test(test_rd_truncated_untouched),
		cmocka_unit_test(test_rd_sub_keeps_base),
		cmocka_unit_test(test_wr_sticky_error),
		cmocka_unit_test(test_wr_writes_and_patches),
	};

	return cmocka_run_group_tests_name("cursor", tests, NULL, NULL);
}
