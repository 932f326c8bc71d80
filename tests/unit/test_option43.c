/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for Cisco option 43 (lib/wire/option43.c): every pasted text
 * form, every error class with its exact message and position, the
 * binary decoders and both encoders with round trips.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/cursor.h"
#include "capsim/option43.h"
#include "testutil.h"

#define IP(a, b, c, d)                                                         \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const uint8_t two_tlv[] = { 0xf1, 0x08, 0x0a, 0x7e, 0x7e, 0x02, 0x0a,
	0x7f, 0x7f, 0x02 };

struct good_text {
	const char *text;
	enum cs_opt43_text text_form;
	enum cs_opt43_form form;
};

/* All of these mean 10.126.126.2 then 10.127.127.2. */
static const struct good_text good[] = {
	{ "f1080a7e7e020a7f7f02", CS_OPT43_TEXT_HEX, CS_OPT43_FORM_TLV },
	{ "  F1080A7E7E020A7F7F02\n", CS_OPT43_TEXT_HEX, CS_OPT43_FORM_TLV },
	{ "f1 08 0a7e7e02 0a7f7f02", CS_OPT43_TEXT_HEX, CS_OPT43_FORM_TLV },
	{ "f1:08:0a:7e:7e:02:0a:7f:7f:02", CS_OPT43_TEXT_COLON,
	    CS_OPT43_FORM_TLV },
	{ "0xf1 0x08 0x0a 0x7e 0x7e 0x02 0x0a 0x7f 0x7f 0x02", CS_OPT43_TEXT_0X,
	    CS_OPT43_FORM_TLV },
	{ "0xF1,0x08,0x0A,0x7E,0x7E,0x02,0x0A,0x7F,0x7F,0x02", CS_OPT43_TEXT_0X,
	    CS_OPT43_FORM_TLV }, /* PowerShell -Value */
	{ "F108.0A7E.7E02.0A7F.7F02", CS_OPT43_TEXT_IOS_DOTTED,
	    CS_OPT43_FORM_TLV },
	{ "option 43 hex f108.0a7e.7e02.0a7f.7f02", CS_OPT43_TEXT_IOS_HEX,
	    CS_OPT43_FORM_TLV },
	{ " Option  43  HEX  f108.0a7e.7e02.0a7f.7f02 ", CS_OPT43_TEXT_IOS_HEX,
	    CS_OPT43_FORM_TLV },
	{ "option vendor-encapsulated-options "
	  "f1:08:0a:7e:7e:02:0a:7f:7f:02;",
	    CS_OPT43_TEXT_ISC, CS_OPT43_FORM_TLV },
	{ "10.126.126.2,10.127.127.2", CS_OPT43_TEXT_ASCII,
	    CS_OPT43_FORM_ASCII },
	{ "10.126.126.2, 10.127.127.2", CS_OPT43_TEXT_ASCII,
	    CS_OPT43_FORM_ASCII },
	{ "option 43 ascii \"10.126.126.2,10.127.127.2\"",
	    CS_OPT43_TEXT_IOS_ASCII, CS_OPT43_FORM_ASCII },
	{ "option 43 ascii 10.126.126.2,10.127.127.2", CS_OPT43_TEXT_IOS_ASCII,
	    CS_OPT43_FORM_ASCII },
};

static void
test_text_forms(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(good); i++) {
		struct cs_opt43 o;
		struct cs_opt43_err err = { 0 };

		print_message("text '%s'\n", good[i].text);
		if (cs_opt43_parse_text(good[i].text, &o, &err) != 0)
			fail_msg("%s at %zu", err.what, err.offset);
		assert_int_equal(o.text, good[i].text_form);
		assert_int_equal(o.form, good[i].form);
		assert_int_equal(o.n, 2);
		assert_int_equal(o.ctrl[0], IP(10, 126, 126, 2));
		assert_int_equal(o.ctrl[1], IP(10, 127, 127, 2));
		if (o.form == CS_OPT43_FORM_TLV)
			assert_bytes_equal(
			    o.data, o.len, two_tlv, sizeof(two_tlv));
		else if (strstr(good[i].text, ", ") != NULL)
			/* the value keeps the text as written */
			assert_bytes_equal(
			    o.data, o.len, "10.126.126.2, 10.127.127.2", 26);
		else
			assert_bytes_equal(
			    o.data, o.len, "10.126.126.2,10.127.127.2", 25);
	}
}

struct bad_text {
	const char *text;
	int code;
	bool in_text;
	size_t offset;
	const char *what;
};

/* One row per error class; messages are asserted verbatim. */
static const struct bad_text bad[] = {
	{ "", -EBADMSG, true, 0, "empty input" },
	{ "   \t ", -EBADMSG, true, 0, "empty input" },
	{ "f1080a7e7e020a7f7f0", -EBADMSG, true, 18,
	    "odd number of hex digits (19)" },
	{ "f1 08 0a 7e 7e 2", -EBADMSG, true, 15,
	    "odd number of hex digits (11)" },
	{ "f1080a7e7e020a7g7f02", -EBADMSG, true, 15, "non-hex character 'g'" },
	{ "f1:08:0a;7e", -EBADMSG, true, 8, "non-hex character ';'" },
	{ "f108\x01", -EBADMSG, true, 4, "non-hex character 0x01" },
	{ "f2040a010101", -ENOTSUP, false, 0,
	    "unsupported sub-option type 0xf2 (only 0xf1, the controller IPv4 "
	    "list, is supported)" },
	{ "f1040a010101f2040a010102", -ENOTSUP, false, 6,
	    "unsupported sub-option type 0xf2 (only 0xf1, the controller IPv4 "
	    "list, is supported)" },
	{ "f1070a7e7e020a7f7f", -EBADMSG, false, 1,
	    "sub-option length 7 is not a multiple of 4" },
	{ "f100", -EBADMSG, false, 1,
	    "sub-option length 0: no controller address" },
	{ "f1080a7e7e02", -EBADMSG, false, 1,
	    "sub-option length 8 beyond data (4 bytes available)" },
	{ "f1040a7e7e02f1080a7f", -EBADMSG, false, 7,
	    "sub-option length 8 beyond data (2 bytes available)" },
	{ "f1", -EBADMSG, false, 0,
	    "sub-option 0xf1 truncated: length byte missing" },
	{ "f1040a7e7e0200", -EBADMSG, false, 6,
	    "1 trailing byte after the last sub-option" },
	{ "f1040a7e7e02ff00", -EBADMSG, false, 6,
	    "2 trailing bytes after the last sub-option" },
	{ "10.1.1.256", -EBADMSG, true, 0, "bad IPv4 address '10.1.1.256'" },
	{ "10.1.1.1,10.2.2", -EBADMSG, true, 9, "bad IPv4 address '10.2.2'" },
	{ "10.1.1.1, 010.2.2.2", -EBADMSG, true, 10,
	    "bad IPv4 address '010.2.2.2'" },
	{ "10.1.1.1,,10.2.2.2", -EBADMSG, true, 9,
	    "empty address in comma list" },
	{ "10.1.1.1,", -EBADMSG, true, 9, "empty address in comma list" },
	{ "option 43 ascii \"10.1.1.1", -EBADMSG, true, 25,
	    "missing closing quote" },
	{ "option 43 ascii \"10.1.1.1,x\"", -EBADMSG, true, 26,
	    "bad IPv4 address 'x'" },
	{ "option 43 binary f1", -EBADMSG, true, 10,
	    "expected 'hex' or 'ascii' after 'option 43'" },
	{ "option 60 ascii foo", -EBADMSG, true, 7,
	    "expected '43' or 'vendor-encapsulated-options' after 'option'" },
	{ "option 43 hex", -EBADMSG, true, 13,
	    "nothing after the option keyword" },
	{ "option 43 hex f1.04.0a.zz", -EBADMSG, true, 23,
	    "non-hex character 'z'" },
	{ "option 43 hex f108.0a7e.7e02", -EBADMSG, false, 1,
	    "sub-option length 8 beyond data (4 bytes available)" },
	{ "0x 0x", -EBADMSG, true, 5, "no hex digits" },
};

static void
test_text_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
		struct cs_opt43 o;
		struct cs_opt43_err err = { 0 };
		int r;

		memset(&o, 0x5a, sizeof(o));
		print_message("bad '%s'\n", bad[i].text);
		r = cs_opt43_parse_text(bad[i].text, &o, &err);
		assert_int_equal(r, bad[i].code);
		assert_int_equal(err.code, bad[i].code);
		assert_string_equal(err.what, bad[i].what);
		assert_int_equal(err.in_text, bad[i].in_text);
		assert_int_equal(err.offset, bad[i].offset);
		assert_int_equal(o.n, 0x5a5a5a5a5a5a5a5aULL); /* untouched */
	}
}

/* Over-long inputs: 256 bytes of hex, and an ASCII list over 255. */
static void
test_too_long(void **state)
{
	char text[1200];
	struct cs_opt43 o;
	struct cs_opt43_err err;
	size_t at = 0;

	(void)state;
	for (int i = 0; i < 256; i++)
		at += (size_t)snprintf(text + at, sizeof(text) - at, "f1");
	assert_int_equal(cs_opt43_parse_text(text, &o, &err), -EMSGSIZE);
	assert_string_equal(err.what, "more than 255 bytes of hex");
	assert_int_equal(err.offset, 510);
	at = 0;
	for (int i = 0; i < 20; i++)
		at += (size_t)snprintf(text + at, sizeof(text) - at,
		    "%s192.168.100.%d", i > 0 ? "," : "", 100 + i);
	assert_int_equal(cs_opt43_parse_text(text, &o, &err), -EMSGSIZE);
	assert_string_equal(err.what, "option 43 is 319 bytes, more than 255");
	assert_int_equal(
	    cs_opt43_decode_tlv((const uint8_t *)text, 256, &o, &err),
	    -EMSGSIZE);
	assert_string_equal(err.what, "option 43 is 256 bytes, more than 255");
}

static void
test_binary_decode(void **state)
{
	static const uint8_t multi[] = { 0xf1, 0x04, 10, 1, 1, 1, 0xf1, 0x08,
		10, 2, 2, 2, 10, 3, 3, 3 };
	static const uint8_t ascii_nul[] = "10.1.1.1,10.2.2.2";
	struct cs_opt43 o;
	struct cs_opt43_err err;

	(void)state;
	assert_int_equal(cs_opt43_decode(multi, sizeof(multi), &o, &err), 0);
	assert_int_equal(o.form, CS_OPT43_FORM_TLV);
	assert_int_equal(o.text, CS_OPT43_TEXT_NONE);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.ctrl[2], IP(10, 3, 3, 3));
	/* with its C string NUL, as some servers send it */
	assert_int_equal(
	    cs_opt43_decode(ascii_nul, sizeof(ascii_nul), &o, &err), 0);
	assert_int_equal(o.form, CS_OPT43_FORM_ASCII);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.len, sizeof(ascii_nul) - 1);
	assert_int_equal(cs_opt43_decode(multi, 0, &o, &err), -EBADMSG);
	assert_string_equal(err.what, "empty option 43");
	assert_int_equal(cs_opt43_decode_ascii(multi, 0, &o, &err), -EBADMSG);
	assert_string_equal(err.what, "empty controller list");
	assert_int_equal(cs_opt43_decode(NULL, 1, &o, &err), -EINVAL);
	assert_int_equal(cs_opt43_decode(multi, 1, NULL, &err), -EINVAL);
	assert_int_equal(cs_opt43_parse_text(NULL, &o, &err), -EINVAL);
	/* every truncation of a good TLV fails and leaves o alone */
	for (size_t cut = 0; cut < sizeof(multi); cut++) {
		if (cut == 6)
			continue; /* a complete first TLV */
		memset(&o, 0x33, sizeof(o));
		assert_true(cs_opt43_decode_tlv(multi, cut, &o, NULL) < 0);
		assert_int_equal(o.len, 0x3333333333333333ULL);
	}
}

static void
test_encode_roundtrip(void **state)
{
	uint32_t ctrl[CS_OPT43_MAX_CTRL + 1];
	uint8_t buf[300];
	struct cs_opt43 o;
	struct cs_wr wr;

	(void)state;
	ctrl[0] = IP(10, 126, 126, 2);
	ctrl[1] = IP(10, 127, 127, 2);
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_opt43_encode_tlv(ctrl, 2, &wr), 0);
	assert_bytes_equal(buf, wr.len, two_tlv, sizeof(two_tlv));
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_opt43_encode_ascii(ctrl, 2, &wr), 0);
	assert_bytes_equal(buf, wr.len, "10.126.126.2,10.127.127.2", 25);

	for (size_t i = 0; i < CS_ARRAY_SIZE(ctrl); i++)
		ctrl[i] = IP(192, 168, 1, i);
	/* 63 controllers fill one TLV (254 bytes) and decode back */
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_opt43_encode_tlv(ctrl, CS_OPT43_MAX_CTRL, &wr), 0);
	assert_int_equal(wr.len, 254);
	assert_int_equal(cs_opt43_decode(buf, wr.len, &o, NULL), 0);
	assert_int_equal(o.n, CS_OPT43_MAX_CTRL);
	assert_memory_equal(o.ctrl, ctrl, sizeof(o.ctrl));
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(
	    cs_opt43_encode_tlv(ctrl, CS_OPT43_MAX_CTRL + 1, &wr), -E2BIG);
	assert_int_equal(wr.len, 0);
	assert_int_equal(cs_opt43_encode_tlv(ctrl, 0, &wr), -EINVAL);
	/* ASCII: 22 x "192.168.1.nnn" fits, 30 does not */
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_opt43_encode_ascii(ctrl, 18, &wr), 0);
	assert_int_equal(cs_opt43_decode(buf, wr.len, &o, NULL), 0);
	assert_int_equal(o.n, 18);
	assert_memory_equal(o.ctrl, ctrl, 18 * sizeof(ctrl[0]));
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_opt43_encode_ascii(ctrl, 30, &wr), -EMSGSIZE);
	assert_int_equal(wr.len, 0);
	/* writer too small */
	cs_wr_init(&wr, buf, 5);
	assert_int_equal(cs_opt43_encode_tlv(ctrl, 2, &wr), -ENOBUFS);
}

static void
test_parse_ipv4(void **state)
{
	static const struct {
		const char *s;
		int r;
		uint32_t a;
	} cases[] = {
		{ "0.0.0.0", 0, 0 },
		{ "255.255.255.255", 0, 0xffffffff },
		{ "10.126.126.2", 0, IP(10, 126, 126, 2) },
		{ "256.1.1.1", -EINVAL, 0 },
		{ "1.1.1", -EINVAL, 0 },
		{ "1.1.1.1.1", -EINVAL, 0 },
		{ "01.1.1.1", -EINVAL, 0 },
		{ "1.1.1.1 ", -EINVAL, 0 },
		{ "1..1.1", -EINVAL, 0 },
		{ "1111.1.1.1", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "a.b.c.d", -EINVAL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		uint32_t a = 0x12345678;

		assert_int_equal(
		    cs_opt43_parse_ipv4(cases[i].s, strlen(cases[i].s), &a),
		    cases[i].r);
		assert_int_equal(a, cases[i].r == 0 ? cases[i].a : 0x12345678);
	}
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(
	    cs_opt43_text_name(CS_OPT43_TEXT_IOS_DOTTED), "IOS dotted hex");
	assert_string_equal(
	    cs_opt43_text_name(CS_OPT43_TEXT__COUNT), "unknown");
	assert_string_equal(
	    cs_opt43_form_name(CS_OPT43_FORM_TLV), "TLV (sub-option 0xf1)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_forms),
		cmocka_unit_test(test_text_errors),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_binary_decode),
		cmocka_unit_test(test_encode_roundtrip),
		cmocka_unit_test(test_parse_ipv4),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("option43", tests, NULL, NULL);
}
