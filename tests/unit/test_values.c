/* SPDX-License-Identifier: MIT */
/* Unit tests for the one value grammar (lib/wire/values.c). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/values.h"
#include "testutil.h"

static const uint8_t mac_ref[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };

/* Parses s as microseconds and checks the value. */
static void
dur_us_ok(const char *s, int64_t want)
{
	struct cs_val_err err;
	int64_t v = -7;

	assert_int_equal(cs_val_duration_us(s, CS_VAL_NEG, &v, &err), 0);
	assert_true(v == want);
}

/* Checks that s is refused with code, offset and a why containing part. */
static void
dur_bad(const char *s, int code, size_t offset, const char *part)
{
	struct cs_val_err err;
	int64_t v = 12345;

	memset(&err, 0, sizeof(err));
	assert_int_equal(cs_val_duration_us(s, 0, &v, &err), code);
	assert_true(v == 12345); /* untouched */
	assert_int_equal(err.offset, offset);
	if (strstr(err.why, part) == NULL)
		fail_msg("why for '%s' is '%s', wanted '%s' in it", s, err.why,
		    part);
}

static void
test_duration_units(void **state)
{
	(void)state;
	dur_us_ok("100us", 100);
	dur_us_ok("250ms", 250000);
	dur_us_ok("2s", 2000000);
	dur_us_ok("1.5s", 1500000);
	dur_us_ok("0.25ms", 250);
	dur_us_ok("2m", 120000000);
	dur_us_ok("1h", 3600000000ll);
	dur_us_ok("3d", 3ll * 86400000000ll);
	dur_us_ok("1m30s", 90000000);
	dur_us_ok("1h1m1s1ms1us", 3661001001ll);
	dur_us_ok("0s", 0);
	dur_us_ok("+5s", 5000000);
	dur_us_ok("-2s", -2000000);
	dur_us_ok("1.000000000s", 1000000);
}

static void
test_duration_ms(void **state)
{
	struct cs_val_err err;
	int64_t ms;
	uint64_t ums;

	(void)state;
	assert_int_equal(cs_val_duration_ms("1.5s", 0, &ms, &err), 0);
	assert_true(ms == 1500);
	assert_int_equal(cs_val_duration_ms("2000us", 0, &ms, &err), 0);
	assert_true(ms == 2);
	assert_int_equal(cs_val_ms("250ms", &ums, &err), 0);
	assert_true(ums == 250);
	assert_int_equal(cs_val_ms("1m", &ums, &err), 0);
	assert_true(ums == 60000);
	/* finer than the result counts: an error, not rounded */
	ms = 9;
	assert_int_equal(cs_val_duration_ms("1500us", 0, &ms, &err), -EINVAL);
	assert_true(ms == 9);
	assert_non_null(strstr(err.why, "finer than a millisecond"));
	assert_int_equal(cs_val_ms("-5ms", &ums, &err), -EINVAL);
	assert_non_null(strstr(err.why, "must not be negative"));
	/* the largest value and one past it */
	assert_int_equal(cs_val_ms("9007199254740992ms", &ums, &err), 0);
	assert_true(ums == (uint64_t)1 << 53);
	assert_int_equal(cs_val_ms("9007199254740993ms", &ums, &err), -ERANGE);
}

static void
test_duration_errors(void **state)
{
	(void)state;
	/* a bare number says which unit to add */
	dur_bad("250", -EINVAL, 3, "add a unit (250ms or 250s)");
	dur_bad("1.5", -EINVAL, 3, "add a unit (1.5ms or 1.5s)");
	dur_bad("1m30", -EINVAL, 4, "add a unit (30ms or 30s)");
	dur_bad("0", -EINVAL, 1, "add a unit (0ms or 0s)");
	dur_bad("", -EINVAL, 0, "expected a duration");
	dur_bad("s", -EINVAL, 0, "expected a duration");
	dur_bad("ms5", -EINVAL, 0, "expected a duration");
	dur_bad("5 s", -EINVAL, 1, "unknown unit ' s'");
	dur_bad("5sec", -EINVAL, 1, "unknown unit 'sec'");
	dur_bad("5x", -EINVAL, 1, "unknown unit 'x'");
	dur_bad("1e3ms", -EINVAL, 1, "unknown unit 'e'");
	dur_bad("-5s", -EINVAL, 0, "must not be negative");
	dur_bad("1.s", -EINVAL, 0, "expected a duration");
	dur_bad(".5s", -EINVAL, 0, "expected a duration");
	dur_bad("1s-", -EINVAL, 1, "unknown unit 's-'");
	dur_bad("1s 2s", -EINVAL, 1, "unknown unit 's '");
	dur_bad("0.0000001s", -EINVAL, 0, "finer than a microsecond");
	dur_bad("0.0000000001s", -ERANGE, 0, "too precise");
	dur_bad("99999999999999999999s", -ERANGE, 0, "too large");
	dur_bad("200000000000000d", -ERANGE, 0, "too large");
	/* the sum of the parts is bounded too */
	dur_bad("9007199254740992ms1ms", -ERANGE, 18, "too large");
	assert_int_equal(cs_val_duration_us(NULL, 0, NULL, NULL), -EINVAL);
}

static void
test_uint(void **state)
{
	struct cs_val_err err;
	uint64_t u = 7;

	(void)state;
	assert_int_equal(cs_val_uint("0", 10, &u, &err), 0);
	assert_true(u == 0);
	assert_int_equal(
	    cs_val_uint("18446744073709551615", UINT64_MAX, &u, &err), 0);
	assert_true(u == UINT64_MAX);
	u = 7;
	assert_int_equal(
	    cs_val_uint("18446744073709551616", UINT64_MAX, &u, &err), -ERANGE);
	assert_string_equal(err.why, "too large");
	assert_int_equal(cs_val_uint("11", 10, &u, &err), -ERANGE);
	assert_string_equal(err.why, "too large");
	assert_int_equal(cs_val_uint("12x", 100, &u, &err), -EINVAL);
	assert_int_equal(err.offset, 2);
	assert_string_equal(err.why, "expected a whole number");
	assert_int_equal(cs_val_uint("+1", 10, &u, &err), -EINVAL);
	assert_int_equal(cs_val_uint(" 1", 10, &u, &err), -EINVAL);
	assert_int_equal(cs_val_uint("-1", 10, &u, &err), -EINVAL);
	assert_int_equal(cs_val_uint("", 10, &u, &err), -EINVAL);
	assert_true(u == 7);
}

static void
test_dotted4(void **state)
{
	struct cs_val_err err;
	uint8_t b[4] = { 9, 9, 9, 9 };
	static const uint8_t want[4] = { 17, 9, 4, 27 };
	static const uint8_t keep[4] = { 9, 9, 9, 9 };

	(void)state;
	assert_int_equal(cs_val_dotted4("17.9.4.27", b, &err), 0);
	assert_memory_equal(b, want, 4);
	memcpy(b, keep, 4);
	assert_int_equal(cs_val_dotted4("1.2.3", b, &err), -EINVAL);
	assert_int_equal(err.offset, 5);
	assert_string_equal(
	    err.why, "expected four numbers 0-255 such as 192.0.2.1");
	assert_int_equal(cs_val_dotted4("1.2.3.256", b, &err), -EINVAL);
	assert_int_equal(cs_val_dotted4("1.2.3.0004", b, &err), -EINVAL);
	assert_int_equal(cs_val_dotted4("1.2.3.010", b, &err), -EINVAL);
	assert_int_equal(err.offset, 9);
	assert_int_equal(cs_val_dotted4("1.2.3.4.5", b, &err), -EINVAL);
	assert_int_equal(cs_val_dotted4("1..3.4", b, &err), -EINVAL);
	assert_int_equal(cs_val_dotted4(" 1.2.3.4", b, &err), -EINVAL);
	assert_int_equal(cs_val_dotted4("+1.2.3.4", b, &err), -EINVAL);
	assert_int_equal(cs_val_dotted4("1.2.3.4 ", b, &err), -EINVAL);
	assert_memory_equal(b, keep, 4);
}

static void
test_number(void **state)
{
	struct cs_val_err err;
	double d = 7;

	(void)state;
	assert_int_equal(cs_val_number("1.25", 0, &d, &err), 0);
	assert_true(d == 1.25);
	assert_int_equal(cs_val_number("-1.25", CS_VAL_NEG, &d, &err), 0);
	assert_true(d == -1.25);
	d = 7;
	assert_int_equal(cs_val_number("-1", 0, &d, &err), -EINVAL);
	assert_string_equal(err.why, "expected a number");
	assert_int_equal(cs_val_number("1e5", 0, &d, &err), -EINVAL);
	assert_int_equal(err.offset, 1);
	assert_int_equal(cs_val_number("+1", 0, &d, &err), -EINVAL);
	assert_int_equal(cs_val_number("0x10", 0, &d, &err), -EINVAL);
	assert_int_equal(cs_val_number("", 0, &d, &err), -EINVAL);
	assert_int_equal(cs_val_number("1.0000000001", 0, &d, &err), -ERANGE);
	assert_true(d == 7);
}

static void
test_size(void **state)
{
	struct cs_val_err err;
	uint64_t b = 3;

	(void)state;
	assert_int_equal(cs_val_size("1500", &b, &err), 0);
	assert_true(b == 1500);
	assert_int_equal(cs_val_size("1500B", &b, &err), 0);
	assert_true(b == 1500);
	assert_int_equal(cs_val_size("64k", &b, &err), 0);
	assert_true(b == 65536);
	assert_int_equal(cs_val_size("64K", &b, &err), 0);
	assert_true(b == 65536);
	assert_int_equal(cs_val_size("1.5M", &b, &err), 0);
	assert_true(b == 1572864);
	assert_int_equal(cs_val_size("0", &b, &err), 0);
	assert_true(b == 0);
	b = 3;
	assert_int_equal(cs_val_size("1.1k", &b, &err), -EINVAL);
	assert_non_null(strstr(err.why, "not a whole number of bytes"));
	assert_int_equal(cs_val_size("10G", &b, &err), -EINVAL);
	assert_int_equal(err.offset, 2);
	assert_non_null(strstr(err.why, "unknown size unit 'G'"));
	assert_int_equal(cs_val_size("k", &b, &err), -EINVAL);
	assert_non_null(strstr(err.why, "expected a size"));
	assert_int_equal(cs_val_size("-1", &b, &err), -EINVAL);
	assert_int_equal(
	    cs_val_size("18446744073709551615M", &b, &err), -ERANGE);
	assert_true(b == 3);
}

static void
mac_ok(const char *s)
{
	struct cs_val_err err;
	uint8_t m[6] = { 0 };

	if (cs_val_mac(s, m, &err) != 0)
		fail_msg("'%s' refused: %s", s, err.why);
	assert_memory_equal(m, mac_ref, 6);
}

static void
test_mac_forms(void **state)
{
	struct cs_val_err err;
	uint8_t m[6];
	char buf[18];

	(void)state;
	mac_ok("00:11:22:33:44:55");
	mac_ok("00-11-22-33-44-55");
	mac_ok("0011.2233.4455");
	mac_ok("001122334455");
	assert_int_equal(cs_val_mac("AA:bb:CC:dd:EE:ff", m, &err), 0);
	cs_val_mac_str(m, buf);
	assert_string_equal(buf, "aa:bb:cc:dd:ee:ff");
	assert_int_equal(cs_val_mac("AABB.CCDD.EEFF", m, &err), 0);
	assert_string_equal(buf, "aa:bb:cc:dd:ee:ff");
}

static void
mac_bad(const char *s, size_t offset)
{
	struct cs_val_err err;
	uint8_t m[6] = { 9, 9, 9, 9, 9, 9 };
	static const uint8_t keep[6] = { 9, 9, 9, 9, 9, 9 };

	if (cs_val_mac(s, m, &err) != -EINVAL)
		fail_msg("'%s' accepted", s);
	assert_memory_equal(m, keep, 6);
	assert_int_equal(err.offset, offset);
	assert_non_null(strstr(err.why, "expected a MAC such as"));
}

static void
test_mac_errors(void **state)
{
	(void)state;
	mac_bad("00:11:22:33:44", 0);
	mac_bad("00:11-22:33:44:55", 0); /* mixed separators */
	mac_bad("0g:11:22:33:44:55", 1); /* offset of the bad character */
	mac_bad("00:11:22:33:44:55:66", 0);
	mac_bad("001.122.334.455", 0); /* dots in the wrong places */
	mac_bad("00112233445", 0);
	mac_bad("0011223344556", 0);
	mac_bad("00 11 22 33 44 55", 2);
	mac_bad("", 0);
	mac_bad("00.11.22.33.44.55", 0);
	mac_bad("0011.2233:4455", 0);
	mac_bad("capsim-wlc", 2);
}

static void
test_mac_cn(void **state)
{
	static const char *const ok[] = {
		"00:11:22:33:44:55",
		"001122334455",
		"0011.2233.4455",
		"00-11-22-33-44-55",
		"C9120-001122334455",
		"C9120AXI-0011.2233.4455",
		"AIR-CAP3702I-A-K9-001122334455",
		"AIR-CAP3702I-A-K9-0011.2233.4455",
		"C9130AXE-00-11-22-33-44-55",
		"AP3G2-00:11:22:33:44:55",
		NULL,
	};
	static const char *const bad[] = {
		"capsim-wlc",
		"C9120-0011223344",
		"C9120-001122334455-extra",
		"C9120_001122334455",
		"",
		"-",
		NULL,
	};
	struct cs_val_err err;
	uint8_t m[6];

	(void)state;
	for (size_t i = 0; ok[i] != NULL; i++) {
		memset(m, 0, 6);
		if (cs_val_mac_cn(ok[i], m, &err) != 0)
			fail_msg("CN '%s' refused: %s", ok[i], err.why);
		assert_memory_equal(m, mac_ref, 6);
	}
	for (size_t i = 0; bad[i] != NULL; i++) {
		if (cs_val_mac_cn(bad[i], m, &err) != -EINVAL)
			fail_msg("CN '%s' accepted", bad[i]);
		assert_non_null(strstr(err.why, "holds no MAC"));
	}
}

static void
test_hex(void **state)
{
	struct cs_val_err err;
	uint8_t b[8];
	size_t n = 99;
	static const uint8_t want[] = { 0xde, 0xad, 0xbe, 0xef };

	(void)state;
	assert_int_equal(
	    cs_val_hex("deadBEEF", 8, 0, b, sizeof(b), &n, &err), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(b, want, 4);
	n = 99;
	assert_int_equal(cs_val_hex("de:ad be-ef", 11, CS_VAL_HEX_SEP, b,
	                     sizeof(b), &n, &err),
	    0);
	assert_int_equal(n, 4);
	assert_memory_equal(b, want, 4);
	/* len bounds the text; no NUL needed */
	assert_int_equal(cs_val_hex("deadzz", 4, 0, b, sizeof(b), &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(cs_val_hex("", 0, 0, b, sizeof(b), &n, &err), 0);
	assert_int_equal(n, 0);
}

static void
test_hex_errors(void **state)
{
	struct cs_val_err err;
	uint8_t b[2];
	size_t n = 77;

	(void)state;
	assert_int_equal(
	    cs_val_hex("de:ad", 5, 0, b, sizeof(b), &n, &err), -EINVAL);
	assert_int_equal(err.offset, 2);
	assert_string_equal(err.why, "not a hex digit at character 3");
	assert_int_equal(
	    cs_val_hex("dea", 3, 0, b, sizeof(b), &n, &err), -EINVAL);
	assert_int_equal(err.offset, 2);
	assert_non_null(strstr(err.why, "odd number of hex digits"));
	assert_int_equal(
	    cs_val_hex("d e", 3, CS_VAL_HEX_SEP, b, sizeof(b), &n, &err),
	    -EINVAL);
	assert_int_equal(err.offset, 1);
	assert_non_null(strstr(err.why, "a byte needs two hex digits"));
	assert_int_equal(
	    cs_val_hex("0g", 2, 0, b, sizeof(b), &n, &err), -EINVAL);
	assert_int_equal(err.offset, 1);
	assert_int_equal(
	    cs_val_hex("010203", 6, 0, b, sizeof(b), &n, &err), -EMSGSIZE);
	assert_string_equal(err.why, "more than 2 bytes");
	assert_int_equal(n, 77); /* untouched on failure */
	assert_int_equal(cs_val_hexdigit('f'), 15);
	assert_int_equal(cs_val_hexdigit('F'), 15);
	assert_int_equal(cs_val_hexdigit('g'), -1);
}

static void
test_ap_ranges(void **state)
{
	struct cs_val_err err;
	struct cs_apsel sel;

	(void)state;
	memset(&sel, 0, sizeof(sel));
	assert_int_equal(cs_val_ap_ranges("0-9, 20 ,30-39", 40, &sel, &err), 0);
	assert_int_equal(sel.n_ranges, 3);
	assert_int_equal(sel.ranges[0].lo, 0);
	assert_int_equal(sel.ranges[0].hi, 9);
	assert_int_equal(sel.ranges[1].lo, 20);
	assert_int_equal(sel.ranges[1].hi, 20);
	assert_int_equal(sel.ranges[2].lo, 30);
	assert_int_equal(sel.ranges[2].hi, 39);
	/* errors leave the selection as it was */
	assert_int_equal(cs_val_ap_ranges("5-3", 0, &sel, &err), -EINVAL);
	assert_string_equal(err.why, "range 5-3 runs backwards");
	assert_int_equal(cs_val_ap_ranges("0,40", 40, &sel, &err), -ERANGE);
	assert_int_equal(err.offset, 2);
	assert_string_equal(
	    err.why, "AP index 40 beyond the 40 APs (indexes 0-39)");
	assert_int_equal(cs_val_ap_ranges("1,,2", 0, &sel, &err), -EINVAL);
	assert_int_equal(err.offset, 2);
	assert_non_null(strstr(err.why, "expected AP index ranges"));
	assert_int_equal(cs_val_ap_ranges("x", 0, &sel, &err), -EINVAL);
	assert_int_equal(cs_val_ap_ranges("1.5", 0, &sel, &err), -EINVAL);
	assert_int_equal(
	    cs_val_ap_ranges("4294967295", 0, &sel, &err), -EINVAL);
	assert_int_equal(
	    cs_val_ap_ranges(
	        "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", 0, &sel, &err),
	    -E2BIG);
	assert_int_equal(sel.n_ranges, 3);
}

static void
test_percent(void **state)
{
	struct cs_val_err err;
	double f = -1;

	(void)state;
	assert_int_equal(cs_val_percent("50%", &f, &err), 0);
	assert_true(f == 0.5);
	assert_int_equal(cs_val_percent("0.5%", &f, &err), 0);
	assert_true(f == 0.005);
	assert_int_equal(cs_val_percent("100%", &f, &err), 0);
	assert_true(f == 1.0);
	assert_int_equal(cs_val_percent("0%", &f, &err), 0);
	assert_true(f == 0.0);
	f = -1;
	assert_int_equal(cs_val_percent("50", &f, &err), -EINVAL);
	assert_int_equal(err.offset, 2);
	assert_string_equal(
	    err.why, "expected a percentage such as 50% or 0.5%");
	assert_int_equal(cs_val_percent("100.5%", &f, &err), -ERANGE);
	assert_string_equal(err.why, "must be between 0% and 100%");
	assert_int_equal(cs_val_percent("-1%", &f, &err), -EINVAL);
	assert_int_equal(cs_val_percent("5%%", &f, &err), -EINVAL);
	assert_int_equal(cs_val_percent("%", &f, &err), -EINVAL);
	assert_true(f == -1);
}

static void
test_apsel_match(void **state)
{
	struct cs_apsel sel;
	unsigned picked = 0;

	(void)state;
	memset(&sel, 0, sizeof(sel));
	assert_true(cs_apsel_match(&sel, 123, NULL, 1));
	assert_true(cs_apsel_match(&sel, CS_APSEL_NO_AP, NULL, 1));
	sel.n_ranges = 1;
	sel.ranges[0].lo = 10;
	sel.ranges[0].hi = 19;
	assert_false(cs_apsel_match(&sel, 9, NULL, 1));
	assert_true(cs_apsel_match(&sel, 10, NULL, 1));
	assert_true(cs_apsel_match(&sel, 19, NULL, 1));
	assert_false(cs_apsel_match(&sel, 20, NULL, 1));
	assert_false(cs_apsel_match(&sel, CS_APSEL_NO_AP, NULL, 1));
	sel.every = 2;
	assert_false(cs_apsel_match(&sel, 11, NULL, 1));
	assert_true(cs_apsel_match(&sel, 12, NULL, 1));
	memset(&sel, 0, sizeof(sel));
	sel.n_macs = 1;
	memcpy(sel.macs[0], mac_ref, 6);
	assert_true(cs_apsel_match(&sel, 0, mac_ref, 1));
	assert_true(cs_apsel_match(&sel, CS_APSEL_NO_AP, mac_ref, 1));
	assert_false(cs_apsel_match(&sel, 0, NULL, 1));
	{
		uint8_t other[6];

		memcpy(other, mac_ref, 6);
		other[5] ^= 1;
		assert_false(cs_apsel_match(&sel, 0, other, 1));
	}
	memset(&sel, 0, sizeof(sel));
	sel.has_share = true;
	sel.share = 0.25;
	for (unsigned ap = 0; ap < 4000; ap++) {
		bool a = cs_apsel_match(&sel, ap, NULL, 42);

		/* the same AP on every call; the draw decides */
		assert_true(a == cs_apsel_match(&sel, ap, NULL, 42));
		assert_true(a == (cs_apsel_draw(42, ap) < 0.25));
		picked += a;
	}
	assert_in_range(picked, 900, 1100);
	assert_false(cs_apsel_match(&sel, CS_APSEL_NO_AP, NULL, 42));
	sel.share = 0;
	assert_false(cs_apsel_match(&sel, 5, NULL, 42));
	assert_false(cs_apsel_match(NULL, 5, NULL, 42));
	/* the draw is splitmix64 of (seed, ap): a fixed vector pins it */
	assert_true(cs_mix64(0) == 0xe220a8397b1dcdafull);
	assert_true(cs_apsel_draw(1, 0) != cs_apsel_draw(2, 0));
}

static void
test_ap_identity(void **state)
{
	static const uint8_t base[6] = { 0x02, 0xca, 0x75, 0x00, 0x00, 0xff };
	static const uint8_t top[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe };
	uint8_t m[6], keep[6];
	char name[32];

	(void)state;
	assert_int_equal(cs_ap_id_mac(base, 0, m), 0);
	assert_memory_equal(m, base, 6);
	assert_int_equal(cs_ap_id_mac(base, 1, m), 0);
	assert_int_equal(m[4], 0x01); /* carries */
	assert_int_equal(m[5], 0x00);
	assert_int_equal(cs_ap_id_mac(top, 1, m), 0);
	assert_int_equal(m[0], 0xff);
	assert_int_equal(m[5], 0xff);
	memcpy(keep, m, 6);
	assert_int_equal(cs_ap_id_mac(top, 2, m), -ERANGE);
	assert_memory_equal(m, keep, 6);
	cs_ap_id_name(NULL, 0, name, sizeof(name));
	assert_string_equal(name, "capsim-ap-00001");
	cs_ap_id_name("lab-", 41, name, sizeof(name));
	assert_string_equal(name, "lab-00042");
	cs_ap_id_name(NULL, 123455, name, sizeof(name));
	assert_string_equal(name, "capsim-ap-123456");
}

/* Line-oriented files: blanks, tabs and CR cut, blank and '#' lines
 * skipped, line numbers counted over every line. */
static void
test_next_line(void **state)
{
	static const char t[] = "  a b \r\n\n# c\n\tdd\t\n   \ne";
	size_t pos = 0, no = 0, s, e;

	(void)state;
	assert_true(cs_val_next_line(t, sizeof(t) - 1, &pos, &no, &s, &e));
	assert_int_equal(no, 1);
	assert_int_equal(e - s, 3);
	assert_memory_equal(t + s, "a b", 3);
	assert_true(cs_val_next_line(t, sizeof(t) - 1, &pos, &no, &s, &e));
	assert_int_equal(no, 4);
	assert_memory_equal(t + s, "dd", e - s);
	assert_true(cs_val_next_line(t, sizeof(t) - 1, &pos, &no, &s, &e));
	assert_int_equal(no, 6);
	assert_int_equal(e - s, 1);
	assert_int_equal(t[s], 'e');
	assert_false(cs_val_next_line(t, sizeof(t) - 1, &pos, &no, &s, &e));
	assert_int_equal(no, 6);
	pos = no = 0;
	assert_false(cs_val_next_line("", 0, &pos, &no, &s, &e));
	assert_int_equal(no, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_units),
		cmocka_unit_test(test_duration_ms),
		cmocka_unit_test(test_duration_errors),
		cmocka_unit_test(test_uint),
		cmocka_unit_test(test_dotted4),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_mac_forms),
		cmocka_unit_test(test_mac_errors),
		cmocka_unit_test(test_mac_cn),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_hex_errors),
		cmocka_unit_test(test_ap_ranges),
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_apsel_match),
		cmocka_unit_test(test_ap_identity),
		cmocka_unit_test(test_next_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
