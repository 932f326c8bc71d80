/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the CAPWAP preamble, DTLS header, CAPWAP header and
 * control header codec (lib/wire/capwap_hdr.c, RFC 5415 §4.1-§4.3).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "testutil.h"

static void
test_preamble_peek(void **state)
{
	static const uint8_t capwap[] = { 0x00 }, dtls[] = { 0x01 },
	                     v1[] = { 0x10 }, t2[] = { 0x02 };
	uint8_t t = 0xee;

	(void)state;
	assert_int_equal(cs_capwap_preamble_peek(capwap, 1, &t), 0);
	assert_int_equal(t, CS_PREAMBLE_CAPWAP);
	assert_int_equal(cs_capwap_preamble_peek(dtls, 1, &t), 0);
	assert_int_equal(t, CS_PREAMBLE_DTLS);
	t = 0xee;
	assert_int_equal(cs_capwap_preamble_peek(v1, 1, &t), -EBADMSG);
	assert_int_equal(cs_capwap_preamble_peek(t2, 1, &t), -EBADMSG);
	assert_int_equal(cs_capwap_preamble_peek(capwap, 0, &t), -EBADMSG);
	assert_int_equal(t, 0xee);
}

static void
test_dtls_hdr(void **state)
{
	static const uint8_t want[] = { 0x01, 0x00, 0x00, 0x00, 0x16 };
	static const uint8_t bad_rsv[] = { 0x01, 0x00, 0x01, 0x00 };
	static const uint8_t bad_type[] = { 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t bad_ver[] = { 0x11, 0x00, 0x00, 0x00 };
	uint8_t buf[8];
	struct cs_wr wr;
	struct cs_rd rd;
	struct cs_err err = { 0 };

	(void)state;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_capwap_dtls_hdr_put(&wr);
	assert_int_equal(wr.err, 0);
	assert_bytes_equal(buf, wr.len, want, 4);

	cs_rd_init(&rd, want, sizeof(want));
	assert_int_equal(cs_capwap_dtls_hdr_get(&rd, &err), 0);
	assert_int_equal(rd.left, 1);

	cs_rd_init(&rd, bad_rsv, sizeof(bad_rsv));
	assert_int_equal(cs_capwap_dtls_hdr_get(&rd, &err), -EBADMSG);
	assert_int_equal(rd.left, 4);
	assert_int_equal(err.offset, 1);
	cs_rd_init(&rd, bad_type, sizeof(bad_type));
	assert_int_equal(cs_capwap_dtls_hdr_get(&rd, &err), -EBADMSG);
	cs_rd_init(&rd, bad_ver, sizeof(bad_ver));
	assert_int_equal(cs_capwap_dtls_hdr_get(&rd, &err), -EBADMSG);
	cs_rd_init(&rd, want, 3);
	assert_int_equal(cs_capwap_dtls_hdr_get(&rd, NULL), -EBADMSG);
	assert_int_equal(rd.left, 3);
}

static void
assert_hdr_equal(const struct cs_capwap_hdr *a, const struct cs_capwap_hdr *b)
{
	assert_int_equal(a->rid, b->rid);
	assert_int_equal(a->wbid, b->wbid);
	assert_int_equal(a->is_native, b->is_native);
	assert_int_equal(a->is_fragment, b->is_fragment);
	assert_int_equal(a->is_last, b->is_last);
	assert_int_equal(a->has_wsi, b->has_wsi);
	assert_int_equal(a->has_radio_mac, b->has_radio_mac);
	assert_int_equal(a->is_keepalive, b->is_keepalive);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->frag_id, b->frag_id);
	assert_int_equal(a->frag_off, b->frag_off);
	if (a->has_radio_mac) {
		assert_int_equal(a->radio_mac_len, b->radio_mac_len);
		assert_memory_equal(
		    a->radio_mac, b->radio_mac, a->radio_mac_len);
	}
	if (a->has_wsi) {
		assert_int_equal(a->wsi_len, b->wsi_len);
		assert_memory_equal(a->wsi, b->wsi, a->wsi_len);
	}
}

/* Every combination of the optional fields and flag bits round-trips. */
static void
test_hdr_roundtrip_combos(void **state)
{
	static const uint8_t mac_lens[] = { 0, 6, 8 };
	static const int wsi_lens[] = { -1, 0, 1, 3, 4, 7, 100 };
	unsigned n = 0;

	(void)state;
	for (size_t m = 0; m < CS_ARRAY_SIZE(mac_lens); m++)
		for (size_t w = 0; w < CS_ARRAY_SIZE(wsi_lens); w++)
			for (unsigned bits = 0; bits < 32; bits++) {
				struct cs_capwap_hdr h, d;
				uint8_t buf[CS_CAPWAP_HDR_MAX + 4];
				struct cs_wr wr;
				struct cs_rd rd;
				struct cs_err err = { 0 };

				cs_capwap_hdr_init(&h, (uint8_t)(bits % 32));
				h.is_native = bits & 1;
				h.is_fragment = bits & 2;
				h.is_last = bits & 4;
				h.is_keepalive = bits & 8;
				h.flags = (uint8_t)(bits & 7);
				h.frag_id = (uint16_t)(0xa55a + bits);
				h.frag_off = (uint16_t)(bits * 257 & 0x1fff);
				if (mac_lens[m] != 0) {
					h.has_radio_mac = true;
					h.radio_mac_len = mac_lens[m];
					for (int i = 0; i < 8; i++)
						h.radio_mac[i] =
						    (uint8_t)(0x10 + i);
				}
				if (wsi_lens[w] >= 0) {
					h.has_wsi = true;
					h.wsi_len = (uint8_t)wsi_lens[w];
					for (int i = 0; i < wsi_lens[w]; i++)
						h.wsi[i] = (uint8_t)(i + 1);
				}
				cs_wr_init(&wr, buf, sizeof(buf));
				cs_capwap_hdr_encode(&wr, &h);
				assert_int_equal(wr.err, 0);
				assert_int_equal(wr.len % 4, 0);
				assert_int_equal(wr.len, cs_capwap_hdr_len(&h));
				/* trailing payload byte stays unread */
				buf[wr.len] = 0x77;
				cs_rd_init(&rd, buf, wr.len + 1);
				assert_int_equal(
				    cs_capwap_hdr_decode(&rd, &d, &err), 0);
				assert_int_equal(rd.left, 1);
				assert_int_equal(d.hlen * 4, wr.len);
				assert_hdr_equal(&h, &d);
				n++;
			}
	assert_int_equal(n, 3 * 7 * 32);
}

static void
test_hdr_known_bytes(void **state)
{
	/* HLEN 4, RID 1, WBID 1, M; radio MAC 00:11:22:33:44:55 + pad */
	static const uint8_t want[] = { 0x00, 0x20, 0x42, 0x10, 0x12, 0x34,
		0x00, 0x08, 0x06, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00 };
	struct cs_capwap_hdr h;
	uint8_t buf[32];
	struct cs_wr wr;

	(void)state;
	cs_capwap_hdr_init(&h, 1);
	h.frag_id = 0x1234;
	h.frag_off = 1;
	h.has_radio_mac = true;
	h.radio_mac_len = 6;
	memcpy(h.radio_mac, "\x00\x11\x22\x33\x44\x55", 6);
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_capwap_hdr_encode(&wr, &h);
	assert_int_equal(wr.err, 0);
	assert_bytes_equal(buf, wr.len, want, sizeof(want));
}

struct bad_hdr {
	const char *name;
	const char *hex;
	const char *what;
};

static const struct bad_hdr bad_hdrs[] = {
	{ "short", "00 10 42", "CAPWAP header truncated" },
	{ "version 1", "10 10 42 00 00 00 00 00", "preamble version not 0" },
	{ "dtls type", "01 10 42 00 00 00 00 00", "preamble type not CAPWAP" },
	{ "hlen 1", "00 08 42 00 00 00 00 00", "HLEN below 2" },
	{ "hlen beyond", "00 18 42 00 00 00 00 00", "HLEN beyond datagram" },
	{ "mac beyond hlen", "00 10 42 10 00 00 00 00 06 00 11 22",
	    "radio MAC beyond HLEN" },
	{ "mac len 7", "00 20 42 10 00 00 00 00 07 00 11 22 33 44 55 66",
	    "radio MAC length not 6 or 8" },
	{ "mac pad", "00 20 42 10 00 00 00 00 06 00 11 22 33 44 55 01",
	    "radio MAC padding not zero" },
	{ "wsi beyond", "00 18 42 20 00 00 00 00 08 01 02 03",
	    "wireless specific information beyond HLEN" },
	{ "wsi pad", "00 18 42 20 00 00 00 00 01 aa 00 01",
	    "wireless specific information padding not zero" },
	{ "extra word", "00 18 42 00 00 00 00 00 00 00 01 00",
	    "header padding not zero" },
};

static void
test_hdr_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad_hdrs); i++) {
		uint8_t buf[64];
		size_t n = cs_test_unhex(bad_hdrs[i].hex, buf, sizeof(buf));
		struct cs_capwap_hdr h, before;
		struct cs_rd rd;
		struct cs_err err = { 0 };

		memset(&h, 0xa5, sizeof(h));
		before = h;
		cs_rd_init(&rd, buf, n);
		if (cs_capwap_hdr_decode(&rd, &h, &err) != -EBADMSG)
			fail_msg("%s: accepted", bad_hdrs[i].name);
		assert_int_equal(err.code, -EBADMSG);
		assert_string_equal(err.what, bad_hdrs[i].what);
		assert_int_equal(rd.left, n);
		assert_memory_equal(&h, &before, sizeof(h));
	}
}

static void
test_hdr_extra_zero_word_ok(void **state)
{
	/* HLEN 3 with a zero word and no optional field: accepted. */
	static const uint8_t b[] = { 0x00, 0x18, 0x42, 0x00, 0, 0, 0, 0, 0, 0,
		0, 0 };
	struct cs_capwap_hdr h;
	struct cs_rd rd;

	(void)state;
	cs_rd_init(&rd, b, sizeof(b));
	assert_int_equal(cs_capwap_hdr_decode(&rd, &h, NULL), 0);
	assert_int_equal(h.hlen, 3);
	assert_int_equal(rd.left, 0);
}

static void
test_hdr_encode_errors(void **state)
{
	struct cs_capwap_hdr h;
	uint8_t buf[512];
	struct cs_wr wr;

	(void)state;
	cs_capwap_hdr_init(&h, 32);
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_capwap_hdr_encode(&wr, &h);
	assert_int_equal(wr.err, -EINVAL);

	cs_capwap_hdr_init(&h, 1);
	h.has_radio_mac = true;
	h.radio_mac_len = 5;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_capwap_hdr_encode(&wr, &h);
	assert_int_equal(wr.err, -EINVAL);

	cs_capwap_hdr_init(&h, 1);
	h.frag_off = 0x2000;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_capwap_hdr_encode(&wr, &h);
	assert_int_equal(wr.err, -EINVAL);

	cs_capwap_hdr_init(&h, 1);
	h.has_wsi = true;
	h.wsi_len = 255;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_capwap_hdr_encode(&wr, &h);
	assert_int_equal(wr.err, -EMSGSIZE);
	assert_int_equal(wr.len, 0);

	cs_capwap_hdr_init(&h, 1);
	cs_wr_init(&wr, buf, 7);
	cs_capwap_hdr_encode(&wr, &h);
	assert_int_equal(wr.err, -ENOBUFS);
}

static void
test_ctl_hdr(void **state)
{
	static const uint8_t want[] = { 0x00, 0x00, 0x00, 0x03, 0x09, 0x00,
		0x03, 0x00 };
	struct cs_ctl_hdr c = { .type = 3, .seq = 9, .elem_len = 3 }, d;
	uint8_t buf[8];
	struct cs_wr wr;
	struct cs_rd rd;
	struct cs_err err = { 0 };

	(void)state;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_ctl_hdr_encode(&wr, &c);
	assert_bytes_equal(buf, wr.len, want, sizeof(want));
	cs_rd_init(&rd, buf, 8);
	assert_int_equal(cs_ctl_hdr_decode(&rd, &d, &err), 0);
	assert_int_equal(d.type, 3);
	assert_int_equal(d.seq, 9);
	assert_int_equal(d.elem_len, 3);
	assert_int_equal(d.flags, 0);
	for (size_t n = 0; n < 8; n++) {
		memset(&d, 0xa5, sizeof(d));
		cs_rd_init(&rd, buf, n);
		assert_int_equal(cs_ctl_hdr_decode(&rd, &d, &err), -EBADMSG);
		assert_int_equal(rd.left, n);
		assert_int_equal(d.seq, 0xa5);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preamble_peek),
		cmocka_unit_test(test_dtls_hdr),
		cmocka_unit_test(test_hdr_roundtrip_combos),
		cmocka_unit_test(test_hdr_known_bytes),
		cmocka_unit_test(test_hdr_malformed),
		cmocka_unit_test(test_hdr_extra_zero_word_ok),
		cmocka_unit_test(test_hdr_encode_errors),
		cmocka_unit_test(test_ctl_hdr),
	};

	return cmocka_run_group_tests_name("capwap_hdr", tests, NULL, NULL);
}
