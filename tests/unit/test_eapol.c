/* SPDX-License-Identifier: MIT */
/*
 * EAPOL-Key codec, key data and RSN element: the vectors of
 * tests/vectors/eapol/ decode to the fields gen.py put in, re-encode to
 * the same bytes, and every malformed input fails with the reason and
 * offset, output untouched.
 */
#include "capsim/eapol.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capsim/cursor.h"
#include "capsim/wpa_crypto.h"
#include "testutil.h"

static uint8_t *
vec(const char *name, size_t *len)
{
	char path[128];

	snprintf(path, sizeof(path), "tests/vectors/eapol/%s.bin", name);
	return cs_test_read_src(path, len);
}

static void
test_vectors_roundtrip(void **state)
{
	static const struct {
		const char *name;
		enum cs_eapol_msg msg;
		uint16_t info;
		uint64_t replay;
		uint16_t key_len, data_len;
	} v[] = {
		{ "m1", CS_EAPOL_MSG_1, 0x008a, 1, 16, 0 },
		{ "m2", CS_EAPOL_MSG_2, 0x010a, 1, 0, 22 },
		{ "m3", CS_EAPOL_MSG_3, 0x13ca, 2, 16, 56 },
		{ "m4", CS_EAPOL_MSG_4, 0x030a, 2, 0, 0 },
		{ "g1", CS_EAPOL_MSG_G1, 0x1382, 3, 0, 32 },
		{ "g2", CS_EAPOL_MSG_G2, 0x0302, 3, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct cs_eapol_key k;
		uint8_t out[400];
		struct cs_wr wr;
		size_t n, pdu;
		uint8_t *b = vec(v[i].name, &n);

		assert_int_equal(cs_eapol_key_decode(&k, b, n, &pdu, NULL), 0);
		assert_int_equal(pdu, n);
		assert_int_equal(k.version, 2);
		assert_int_equal(k.descriptor, CS_EAPOL_DESC_RSN);
		assert_int_equal(k.info, v[i].info);
		assert_int_equal(k.replay, v[i].replay);
		assert_int_equal(k.key_len, v[i].key_len);
		assert_int_equal(k.data_len, v[i].data_len);
		assert_int_equal(cs_eapol_key_msg(&k), v[i].msg);
		cs_wr_init(&wr, out, sizeof(out));
		assert_int_equal(cs_eapol_key_encode(&k, &wr), 0);
		assert_int_equal(wr.err, 0);
		assert_bytes_equal(out, wr.len, b, n);
		free(b);
	}
	assert_string_equal(cs_eapol_msg_name(CS_EAPOL_MSG_3), "4-way 3/4");
	assert_string_equal(cs_eapol_msg_name(CS_EAPOL_MSG__COUNT), "unknown");
}

/* Ethernet pads short frames: octets after the 802.1X body are ignored,
 * and the MIC covers only the PDU (pdu_len says how much). */
static void
test_trailing_padding(void **state)
{
	struct cs_eapol_key k;
	uint8_t buf[200];
	size_t n, pdu;
	uint8_t *b = vec("m4", &n);

	(void)state;
	memcpy(buf, b, n);
	memset(buf + n, 0, 10);
	assert_int_equal(cs_eapol_key_decode(&k, buf, n + 10, &pdu, NULL), 0);
	assert_int_equal(pdu, n);
	free(b);
}

static void
test_decode_errors(void **state)
{
	static const struct {
		const char *what;
		size_t cut;    /* frame length to keep, 0 = all */
		size_t at;     /* octet to change */
		uint8_t val;   /* its new value */
		size_t offset; /* expected error offset */
	} v[] = {
		{ "EAPOL header truncated", 3, 0, 2, 0 },
		{ "EAPOL protocol version 0", 0, 0, 0, 0 },
		{ "EAPOL packet not a Key", 0, 1, 0, 1 },
		{ "EAPOL body length beyond frame", 98, 0, 2, 2 },
		{ "EAPOL-Key body shorter than 95 octets", 0, 3, 94, 2 },
		{ "EAPOL-Key descriptor type not RSN (2)", 0, 4, 254, 4 },
		{ "Key Data Length beyond EAPOL body", 0, 98, 1, 97 },
	};
	size_t n;
	uint8_t *m4 = vec("m4", &n);

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct cs_eapol_key k;
		struct cs_err err = { 0 };
		uint8_t buf[128];
		size_t len = v[i].cut ? v[i].cut : n;

		memcpy(buf, m4, n);
		buf[v[i].at] = v[i].val;
		memset(&k, 0xee, sizeof(k));
		assert_int_equal(
		    cs_eapol_key_decode(&k, buf, len, NULL, &err), -EBADMSG);
		assert_string_equal(err.what, v[i].what);
		assert_int_equal(err.offset, v[i].offset);
		assert_int_equal(k.version, 0xee); /* untouched */
	}
	/* key data shorter than the body leaves octets after it */
	{
		struct cs_eapol_key k;
		struct cs_err err = { 0 };
		uint8_t buf[128];

		memcpy(buf, m4, n);
		buf[3] = 96; /* body one octet longer */
		buf[n] = 0;
		assert_int_equal(
		    cs_eapol_key_decode(&k, buf, n + 1, NULL, &err), -EBADMSG);
		assert_string_equal(
		    err.what, "octets after Key Data inside EAPOL body");
	}
	assert_int_equal(cs_eapol_key_decode(NULL, m4, n, NULL, NULL), -EINVAL);
	free(m4);
}

static void
test_key_data(void **state)
{
	uint8_t kd[80], gtk[16];
	struct cs_eapol_kd p;
	struct cs_wr wr;
	const uint8_t pmkid[2 + 20] = { 0xdd, 20, 0x00, 0x0f, 0xac, 4, 1 };

	(void)state;
	for (int i = 0; i < 16; i++)
		gtk[i] = (uint8_t)i;
	cs_wr_init(&wr, kd, sizeof(kd));
	cs_rsne_build(&wr, 2, 0);
	cs_eapol_kd_put_gtk(&wr, 2, true, gtk, sizeof(gtk));
	assert_int_equal(wr.len, 22 + 24);
	cs_eapol_kd_pad(&wr, 0);
	assert_int_equal(wr.err, 0);
	assert_int_equal(wr.len, 48);
	assert_int_equal(kd[46], 0xdd);
	assert_int_equal(kd[47], 0);
	assert_int_equal(cs_eapol_kd_parse(&p, kd, wr.len, NULL), 0);
	assert_int_equal(p.rsne_len, 22);
	assert_ptr_equal(p.rsne, kd);
	assert_true(p.has_gtk);
	assert_int_equal(p.gtk_keyid, 2);
	assert_true(p.gtk_tx);
	assert_bytes_equal(p.gtk, p.gtk_len, gtk, 16);
	assert_null(p.pmkid);

	/* a PMKID KDE (as message 1 may carry) */
	assert_int_equal(cs_eapol_kd_parse(&p, pmkid, sizeof(pmkid), NULL), 0);
	assert_non_null(p.pmkid);
	assert_int_equal(p.n_kde, 1);

	/* padding of an already aligned length adds nothing; a short one
	 * grows to 16 */
	cs_wr_init(&wr, kd, sizeof(kd));
	cs_eapol_kd_put_gtk(&wr, 1, false, gtk, 10);
	cs_eapol_kd_pad(&wr, 0);
	assert_int_equal(wr.len, 24);
	cs_wr_init(&wr, kd, sizeof(kd));
	cs_wr_zero(&wr, 3);
	cs_eapol_kd_pad(&wr, 0);
	assert_int_equal(wr.len, 16);
	/* bad GTK arguments make the writer fail */
	cs_wr_init(&wr, kd, sizeof(kd));
	cs_eapol_kd_put_gtk(&wr, 4, false, gtk, 16);
	assert_int_equal(wr.err, -EINVAL);
}

static void
test_key_data_errors(void **state)
{
	static const struct {
		const char *what;
		uint8_t bytes[40];
		size_t len;
	} v[] = {
		{ "key data element beyond key data", { 48, 20, 1, 0 }, 4 },
		{ "KDE shorter than 4 octets", { 0xdd, 2, 0, 0x0f }, 4 },
		{ "GTK KDE length out of range",
		    { 0xdd, 8, 0, 0x0f, 0xac, 1, 1, 0, 1, 2 }, 10 },
		{ "PMKID KDE not 16 octets",
		    { 0xdd, 6, 0, 0x0f, 0xac, 4, 1, 2 }, 8 },
		{ "second RSN element in key data",
		    { 48, 2, 1, 0, 48, 2, 1, 0 }, 8 },
		{ "second GTK KDE",
		    { 0xdd, 11, 0, 0x0f, 0xac, 1, 1, 0, 1, 2, 3, 4, 5, 0xdd, 11,
		        0, 0x0f, 0xac, 1, 1, 0, 1, 2, 3, 4, 5 },
		    26 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct cs_eapol_kd p;
		struct cs_err err = { 0 };

		memset(&p, 0xee, sizeof(p));
		assert_int_equal(
		    cs_eapol_kd_parse(&p, v[i].bytes, v[i].len, &err),
		    -EBADMSG);
		assert_string_equal(err.what, v[i].what);
		assert_int_equal(p.n_kde, 0xeeeeeeee); /* untouched */
	}
}

static void
test_rsne(void **state)
{
	uint8_t ie[40];
	struct cs_rsne r;
	struct cs_wr wr;
	struct cs_err err = { 0 };
	/* version, group, 2 pairwise, 1 AKM, caps, 1 PMKID */
	static const uint8_t full[] = { 48, 42, 1, 0, 0, 0x0f, 0xac, 4, 2, 0, 0,
		0x0f, 0xac, 4, 0, 0x0f, 0xac, 2, 1, 0, 0, 0x0f, 0xac, 6, 0x80,
		0, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
		16 };

	(void)state;
	cs_wr_init(&wr, ie, sizeof(ie));
	cs_rsne_build(&wr, 2, 0x000c);
	assert_int_equal(wr.len, 22);
	assert_int_equal(cs_rsne_decode(&r, ie, wr.len, NULL), 0);
	assert_int_equal(r.version, 1);
	assert_int_equal(r.group, CS_RSN_CIPHER_CCMP);
	assert_int_equal(r.n_pairwise, 1);
	assert_int_equal(r.pairwise[0], CS_RSN_CIPHER_CCMP);
	assert_int_equal(r.n_akm, 1);
	assert_int_equal(r.akm[0], 0x000fac02);
	assert_true(r.has_caps);
	assert_int_equal(r.caps, 0x000c);

	assert_int_equal(cs_rsne_decode(&r, full, sizeof(full), NULL), 0);
	assert_int_equal(r.n_pairwise, 2);
	assert_int_equal(r.pairwise[1], CS_RSN_CIPHER_TKIP);
	assert_int_equal(r.akm[0], 0x000fac06);
	assert_int_equal(r.caps, 0x0080);
	assert_int_equal(r.n_pmkid, 1);

	/* only the version: everything else is optional */
	assert_int_equal(
	    cs_rsne_decode(&r, (const uint8_t[]){ 48, 2, 1, 0 }, 4, NULL), 0);
	assert_false(r.has_group);

	memset(&r, 0xee, sizeof(r));
	assert_int_equal(
	    cs_rsne_decode(&r, (const uint8_t[]){ 48, 2, 2, 0 }, 4, &err),
	    -EBADMSG);
	assert_string_equal(err.what, "RSN version not 1");
	assert_int_equal(r.version, 0xeeee);
	assert_int_equal(
	    cs_rsne_decode(&r, (const uint8_t[]){ 48, 9, 1, 0 }, 4, &err),
	    -EBADMSG);
	assert_string_equal(err.what, "RSN element length beyond buffer");
	assert_int_equal(
	    cs_rsne_decode(&r,
	        (const uint8_t[]){ 48, 8, 1, 0, 0, 0x0f, 0xac, 4, 9, 0 }, 10,
	        &err),
	    -E2BIG);
	assert_int_equal(
	    cs_rsne_decode(&r,
	        (const uint8_t[]){ 48, 9, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0 }, 11,
	        &err),
	    -EBADMSG);
	assert_string_equal(err.what, "RSN pairwise suite list truncated");
	assert_int_equal(
	    cs_rsne_decode(&r, (const uint8_t[]){ 221, 2, 1, 0 }, 4, &err),
	    -EBADMSG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_roundtrip),
		cmocka_unit_test(test_trailing_padding),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_key_data),
		cmocka_unit_test(test_key_data_errors),
		cmocka_unit_test(test_rsne),
	};

	return cmocka_run_group_tests_name("eapol", tests, NULL, NULL);
}
