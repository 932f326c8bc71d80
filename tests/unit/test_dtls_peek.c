/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the DTLS record peek and classifier (lib/wire/dtls_peek.c):
 * real OpenSSL datagrams from tests/vectors/dtls, hand-made malformed
 * records, truncation at every byte and lying lengths.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/dtls_peek.h"
#include "testutil.h"

/* What each captured datagram holds (see tests/vectors/dtls/README.md). */
struct vec {
	const char *file;
	enum cs_dtls_kind kind;
	unsigned n_records;
	uint16_t version; /* of the first record */
	const char *hs;   /* plaintext handshake types, comma-separated */
};

static const struct vec vecs[] = {
	{ "dtls12-01-c2s", CS_DTLS_KIND_CLIENT_HELLO, 1, 0xfeff, "1" },
	{ "dtls12-02-s2c", CS_DTLS_KIND_HELLO_VERIFY_REQUEST, 1, 0xfeff, "3" },
	{ "dtls12-03-c2s", CS_DTLS_KIND_CLIENT_HELLO, 1, 0xfeff, "1" },
	{ "dtls12-04-s2c", CS_DTLS_KIND_SERVER_HELLO_FLIGHT, 2, 0xfefd,
	    "2,11" },
	{ "dtls12-05-s2c", CS_DTLS_KIND_SERVER_HELLO_FLIGHT, 2, 0xfefd,
	    "11,14" },
	{ "dtls12-06-c2s", CS_DTLS_KIND_CLIENT_KEY_EXCHANGE_FLIGHT, 3, 0xfefd,
	    "16" },
	{ "dtls12-07-s2c", CS_DTLS_KIND_CCS_FINISHED, 3, 0xfefd, "4" },
	{ "dtls12-08-c2s", CS_DTLS_KIND_APPLICATION_DATA, 1, 0xfefd, "" },
	{ "dtls12-09-s2c", CS_DTLS_KIND_ALERT, 1, 0xfefd, "" },
	{ "dtls12-10-c2s", CS_DTLS_KIND_ALERT, 1, 0xfefd, "" },
	{ "dtls10-clientauth-01-c2s", CS_DTLS_KIND_CLIENT_HELLO, 1, 0xfeff,
	    "1" },
	{ "dtls10-clientauth-02-s2c", CS_DTLS_KIND_HELLO_VERIFY_REQUEST, 1,
	    0xfeff, "3" },
	{ "dtls10-clientauth-03-c2s", CS_DTLS_KIND_CLIENT_HELLO, 1, 0xfeff,
	    "1" },
	{ "dtls10-clientauth-04-s2c", CS_DTLS_KIND_SERVER_HELLO_FLIGHT, 2,
	    0xfeff, "2,11" },
	{ "dtls10-clientauth-05-s2c", CS_DTLS_KIND_CERTIFICATE, 1, 0xfeff,
	    "11" },
	{ "dtls10-clientauth-06-s2c", CS_DTLS_KIND_SERVER_HELLO_FLIGHT, 2,
	    0xfeff, "13,14" },
	{ "dtls10-clientauth-07-c2s", CS_DTLS_KIND_CERTIFICATE, 1, 0xfeff,
	    "11" },
	{ "dtls10-clientauth-08-c2s", CS_DTLS_KIND_CLIENT_KEY_EXCHANGE_FLIGHT,
	    2, 0xfeff, "11,16" },
	{ "dtls10-clientauth-09-c2s", CS_DTLS_KIND_CLIENT_KEY_EXCHANGE_FLIGHT,
	    2, 0xfeff, "16,15" },
	{ "dtls10-clientauth-10-c2s", CS_DTLS_KIND_CLIENT_KEY_EXCHANGE_FLIGHT,
	    3, 0xfeff, "15" },
	{ "dtls10-clientauth-11-s2c", CS_DTLS_KIND_CCS_FINISHED, 1, 0xfeff,
	    "4" },
	{ "dtls10-clientauth-12-s2c", CS_DTLS_KIND_CCS_FINISHED, 1, 0xfeff,
	    "4" },
	{ "dtls10-clientauth-13-s2c", CS_DTLS_KIND_CCS_FINISHED, 3, 0xfeff,
	    "4" },
	{ "dtls10-clientauth-14-c2s", CS_DTLS_KIND_APPLICATION_DATA, 1, 0xfeff,
	    "" },
	{ "dtls10-clientauth-15-s2c", CS_DTLS_KIND_ALERT, 1, 0xfeff, "" },
	{ "dtls10-clientauth-16-c2s", CS_DTLS_KIND_ALERT, 1, 0xfeff, "" },
	{ "dtls12-alert-04-s2c", CS_DTLS_KIND_SERVER_HELLO_FLIGHT, 2, 0xfefd,
	    "2,11" },
	{ "dtls12-alert-05-s2c", CS_DTLS_KIND_CERTIFICATE, 1, 0xfefd, "11" },
	{ "dtls12-alert-06-s2c", CS_DTLS_KIND_CERTIFICATE, 1, 0xfefd, "11" },
	{ "dtls12-alert-07-s2c", CS_DTLS_KIND_CERTIFICATE, 1, 0xfefd, "11" },
	{ "dtls12-alert-08-s2c", CS_DTLS_KIND_SERVER_HELLO_FLIGHT, 2, 0xfefd,
	    "11,12" },
	{ "dtls12-alert-09-s2c", CS_DTLS_KIND_SERVER_HELLO_FLIGHT, 1, 0xfefd,
	    "12" },
	{ "dtls12-alert-10-c2s", CS_DTLS_KIND_ALERT, 1, 0xfefd, "" },
	{ "dtls12-alert-11-s2c", CS_DTLS_KIND_SERVER_HELLO_FLIGHT, 1, 0xfefd,
	    "14" },
};

static uint8_t *
load_vec(const char *name, size_t *len)
{
	char path[256];

	snprintf(path, sizeof(path), "tests/vectors/dtls/%s.bin", name);
	return cs_test_read_src(path, len);
}

static void
hs_list(const struct cs_dtls_peek *pk, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < pk->n_hs && n < cap; i++)
		n += (size_t)snprintf(
		    out + n, cap - n, "%s%u", i ? "," : "", pk->hs[i].msg_type);
}

static void
test_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(vecs); i++) {
		const struct vec *v = &vecs[i];
		struct cs_dtls_peek pk;
		struct cs_err err = { 0 };
		char hs[128];
		size_t len;
		uint8_t *b = load_vec(v->file, &len);
		int r = cs_dtls_peek(b, len, &pk, &err);

		if (r < 0)
			fail_msg("%s: %d %s at %zu", v->file, r, err.what,
			    err.offset);
		assert_int_equal(r, (int)v->n_records);
		assert_int_equal(pk.n_records, v->n_records);
		assert_int_equal(pk.rec[0].version, v->version);
		assert_int_equal(pk.rec[0].offset, 0);
		hs_list(&pk, hs, sizeof(hs));
		if (strcmp(hs, v->hs) != 0)
			fail_msg("%s: handshake types %s, want %s", v->file, hs,
			    v->hs);
		if (cs_dtls_classify(&pk) != v->kind)
			fail_msg("%s: kind %s, want %s", v->file,
			    cs_dtls_kind_name(cs_dtls_classify(&pk)),
			    cs_dtls_kind_name(v->kind));
		assert_int_equal(
		    cs_dtls_classify_dgram(b, len, false), v->kind);
		/* Records tile the datagram exactly. */
		{
			size_t end = 0;

			for (unsigned k = 0; k < pk.n_records; k++) {
				assert_int_equal(pk.rec[k].offset, end);
				assert_ptr_equal(pk.rec[k].fragment,
				    b + end + CS_DTLS_RECORD_HDR_LEN);
				end +=
				    CS_DTLS_RECORD_HDR_LEN + pk.rec[k].length;
			}
			assert_int_equal(end, len);
		}
		free(b);
	}
}

/* Field-level checks on known datagrams. */
static void
test_vector_fields(void **state)
{
	struct cs_dtls_peek pk;
	size_t len;
	uint8_t *b;

	(void)state;
	/* Second server datagram: rest of the Certificate + ServerHelloDone. */
	b = load_vec("dtls12-05-s2c", &len);
	assert_int_equal(cs_dtls_peek(b, len, &pk, NULL), 2);
	assert_int_equal(pk.rec[0].content_type, CS_DTLS_CT_HANDSHAKE);
	assert_int_equal(pk.rec[0].epoch, 0);
	assert_int_equal(pk.n_hs, 2);
	assert_int_equal(pk.hs[0].msg_type, CS_DTLS_HS_CERTIFICATE);
	assert_int_equal(pk.hs[0].length, 799);
	assert_int_equal(pk.hs[0].frag_offset, 465);
	assert_int_equal(pk.hs[0].frag_length, 334);
	assert_int_equal(pk.hs[0].record, 0);
	assert_int_equal(pk.hs[0].offset, 13);
	assert_int_equal(pk.hs[1].msg_type, CS_DTLS_HS_SERVER_HELLO_DONE);
	assert_int_equal(pk.hs[1].length, 0);
	assert_int_equal(pk.hs[1].record, 1);
	/* message_seq: ServerHello 1, Certificate 2, ServerHelloDone 3 (the
	 * HelloVerifyRequest exchange used 0). */
	assert_int_equal(pk.hs[0].message_seq, 2);
	assert_int_equal(pk.hs[1].message_seq, 3);
	assert_true(pk.rec[1].seq > pk.rec[0].seq);
	free(b);

	/* Client's last flight: CKE, CCS, encrypted Finished in epoch 1. */
	b = load_vec("dtls12-06-c2s", &len);
	assert_int_equal(cs_dtls_peek(b, len, &pk, NULL), 3);
	assert_int_equal(pk.rec[1].content_type, CS_DTLS_CT_CHANGE_CIPHER_SPEC);
	assert_int_equal(pk.rec[2].content_type, CS_DTLS_CT_HANDSHAKE);
	assert_int_equal(pk.rec[2].epoch, 1);
	assert_int_equal(pk.rec[2].seq, 0);
	assert_int_equal(pk.n_hs, 1); /* Finished is not visible */
	free(b);

	/* Plaintext fatal alert unknown_ca. */
	b = load_vec("dtls12-alert-10-c2s", &len);
	assert_int_equal(cs_dtls_peek(b, len, &pk, NULL), 1);
	assert_true(pk.rec[0].has_alert);
	assert_int_equal(pk.rec[0].alert_level, 2);
	assert_int_equal(pk.rec[0].alert_desc, 48);
	free(b);

	/* Encrypted alert: level and description are not visible. */
	b = load_vec("dtls12-09-s2c", &len);
	assert_int_equal(cs_dtls_peek(b, len, &pk, NULL), 1);
	assert_false(pk.rec[0].has_alert);
	assert_int_equal(pk.rec[0].epoch, 1);
	free(b);
}

/* A prefix of a datagram parses only when it ends on a record boundary;
 * otherwise -EBADMSG and the output is untouched. */
static void
test_truncation_every_byte(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(vecs); i++) {
		struct cs_dtls_peek full;
		size_t len;
		uint8_t *b = load_vec(vecs[i].file, &len);

		assert_true(cs_dtls_peek(b, len, &full, NULL) > 0);
		for (size_t cut = 0; cut < len; cut++) {
			struct cs_dtls_peek pk, before;
			struct cs_err err = { 0 };
			unsigned boundary = 0;
			int r;

			for (unsigned k = 1; k < full.n_records; k++)
				if (full.rec[k].offset == cut)
					boundary = k;
			memset(&pk, 0xa5, sizeof(pk));
			before = pk;
			r = cs_dtls_peek(b, cut, &pk, &err);
			if (boundary != 0) {
				assert_int_equal(r, (int)boundary);
				continue;
			}
			assert_int_equal(r, -EBADMSG);
			assert_int_equal(err.code, -EBADMSG);
			assert_non_null(err.what);
			assert_true(err.offset <= cut);
			assert_memory_equal(&pk, &before, sizeof(pk));
		}
		free(b);
	}
}

/* The last record claims one byte more than the datagram holds. */
static void
test_lying_record_length(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(vecs); i++) {
		struct cs_dtls_peek pk;
		struct cs_err err = { 0 };
		size_t len, at;
		uint8_t *b = load_vec(vecs[i].file, &len);
		uint16_t l;

		assert_true(cs_dtls_peek(b, len, &pk, NULL) > 0);
		at = pk.rec[pk.n_records - 1].offset + 11;
		l = (uint16_t)(b[at] << 8 | b[at + 1]);
		l++;
		b[at] = (uint8_t)(l >> 8);
		b[at + 1] = (uint8_t)l;
		assert_int_equal(cs_dtls_peek(b, len, &pk, &err), -EBADMSG);
		assert_string_equal(
		    err.what, "DTLS record length beyond datagram");
		assert_int_equal(err.offset, at);
		free(b);
	}
}

/* Hand-made malformed and edge-case datagrams. */
struct bad {
	const char *name;
	const char *hex;
	int ret;          /* expected return */
	const char *what; /* expected err.what when ret < 0 */
	size_t offset;
};

#define REC(ct, ver, epoch, len) ct ver epoch " 000000000001 " len
static const struct bad bads[] = {
	{ "empty", "", -EBADMSG, "no DTLS record", 0 },
	{ "short header", "16 fefd 0000 000000000000 00", -EBADMSG,
	    "DTLS record header truncated", 0 },
	{ "unknown content type", REC("19", "fefd", "0000", "0000"), -EBADMSG,
	    "unknown DTLS content type", 0 },
	{ "TLS version", REC("17", "0303", "0001", "0000"), -EBADMSG,
	    "unknown DTLS record version", 1 },
	{ "record too long", REC("17", "fefd", "0001", "4801"), -EBADMSG,
	    "DTLS record longer than 2^14+2048", 11 },
	{ "record beyond datagram", REC("17", "fefd", "0001", "0002") "00",
	    -EBADMSG, "DTLS record length beyond datagram", 11 },
	{ "empty handshake", REC("16", "fefd", "0000", "0000"), -EBADMSG,
	    "empty handshake record", 13 },
	{ "handshake header truncated",
	    REC("16", "fefd", "0000", "000b") "0e 000000 0000 000000 0000",
	    -EBADMSG, "handshake header truncated", 13 },
	{ "fragment beyond message",
	    REC("16", "fefd", "0000", "000d") "01 000000 0000 000000 000001 00",
	    -EBADMSG, "handshake fragment beyond message length", 19 },
	{ "fragment beyond record",
	    REC("16", "fefd", "0000", "000c") "01 000001 0000 000000 000001",
	    -EBADMSG, "handshake fragment beyond record", 22 },
	{ "second message truncated",
	    REC("16", "fefd", "0000", "000d") "0e 000000 0003 000000 000000 ff",
	    -EBADMSG, "handshake header truncated", 25 },
	{ "alert 3 bytes", REC("15", "fefd", "0000", "0003") "020a00", -EBADMSG,
	    "plaintext alert not 2 bytes", 13 },
	{ "alert level 3", REC("15", "fefd", "0000", "0002") "030a", -EBADMSG,
	    "alert level not 1 or 2", 13 },
	{ "CCS value 2", REC("14", "fefd", "0000", "0001") "02", -EBADMSG,
	    "ChangeCipherSpec value not 1", 13 },
	{ "CCS 2 bytes", REC("14", "fefd", "0000", "0002") "0101", -EBADMSG,
	    "ChangeCipherSpec not 1 byte", 13 },
	{ "second record bad",
	    REC("17", "fefd", "0001", "0000") REC("18", "0000", "0001", "0000"),
	    -EBADMSG, "unknown DTLS record version", 14 },
	/* Valid edge cases. */
	{ "empty app data", REC("17", "fefd", "0001", "0000"), 1, NULL, 0 },
	{ "encrypted alert any length",
	    REC("15", "fefd", "0002", "0003") "00"
	                                      "0000",
	    1, NULL, 0 },
	{ "heartbeat", REC("18", "feff", "0001", "0000"), 1, NULL, 0 },
	{ "encrypted handshake empty", REC("16", "fefd", "0001", "0000"), 1,
	    NULL, 0 },
	{ "max record length passes the cap", REC("17", "fefd", "0001", "4800"),
	    -EBADMSG, "DTLS record length beyond datagram", 11 },
};

static void
test_malformed_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(bads); i++) {
		const struct bad *t = &bads[i];
		uint8_t b[512];
		size_t len = cs_test_unhex(t->hex, b, sizeof(b));
		struct cs_dtls_peek pk, before;
		struct cs_err err = { 0 };
		int r;

		memset(&pk, 0x5a, sizeof(pk));
		before = pk;
		r = cs_dtls_peek(b, len, &pk, &err);
		if (r != t->ret)
			fail_msg("%s: got %d (%s), want %d", t->name, r,
			    err.what ? err.what : "-", t->ret);
		if (r < 0) {
			assert_int_equal(err.code, r);
			if (strcmp(err.what, t->what) != 0)
				fail_msg("%s: what '%s', want '%s'", t->name,
				    err.what, t->what);
			if (err.offset != t->offset)
				fail_msg("%s: offset %zu, want %zu", t->name,
				    err.offset, t->offset);
			assert_memory_equal(&pk, &before, sizeof(pk));
			assert_int_equal(cs_dtls_classify_dgram(b, len, false),
			    CS_DTLS_KIND_MALFORMED);
		}
	}
}

static void
test_limits(void **state)
{
	uint8_t b[2048];
	struct cs_dtls_peek pk;
	struct cs_err err = { 0 };
	size_t n = 0;

	(void)state;
	/* CS_DTLS_MAX_RECORDS empty application-data records parse... */
	for (unsigned i = 0; i < CS_DTLS_MAX_RECORDS; i++)
		n += cs_test_unhex(
		    REC("17", "fefd", "0001", "0000"), b + n, sizeof(b) - n);
	assert_int_equal(cs_dtls_peek(b, n, &pk, NULL), CS_DTLS_MAX_RECORDS);
	assert_int_equal(cs_dtls_classify(&pk), CS_DTLS_KIND_APPLICATION_DATA);
	/* ...one more is -E2BIG at its offset. */
	n += cs_test_unhex(
	    REC("17", "fefd", "0001", "0000"), b + n, sizeof(b) - n);
	assert_int_equal(cs_dtls_peek(b, n, &pk, &err), -E2BIG);
	assert_int_equal(err.offset, CS_DTLS_MAX_RECORDS * 13);

	/* Handshake messages: CS_DTLS_MAX_HS_MSGS ServerHelloDone in one
	 * record parse, one more does not. */
	for (unsigned extra = 0; extra < 2; extra++) {
		unsigned count = CS_DTLS_MAX_HS_MSGS + extra;
		size_t body = count * 12u;

		n = 0;
		b[n++] = 22;
		b[n++] = 0xfe;
		b[n++] = 0xfd;
		memset(b + n, 0, 8);
		n += 8;
		b[n++] = (uint8_t)(body >> 8);
		b[n++] = (uint8_t)body;
		for (unsigned i = 0; i < count; i++) {
			memset(b + n, 0, 12);
			b[n] = 14;
			n += 12;
		}
		if (extra == 0) {
			assert_int_equal(cs_dtls_peek(b, n, &pk, NULL), 1);
			assert_int_equal(pk.n_hs, CS_DTLS_MAX_HS_MSGS);
			assert_int_equal(cs_dtls_classify(&pk),
			    CS_DTLS_KIND_SERVER_HELLO_FLIGHT);
		} else {
			assert_int_equal(cs_dtls_peek(b, n, &pk, &err), -E2BIG);
			assert_string_equal(err.what,
			    "too many handshake messages in datagram");
			assert_int_equal(err.offset, 13 + 12 * 32);
		}
	}
}

static void
test_capwap_preamble(void **state)
{
	struct cs_dtls_peek pk, plain;
	struct cs_err err = { 0 };
	size_t len;
	uint8_t *b = load_vec("dtls12-04-s2c", &len);
	uint8_t *p = malloc(len + 4);

	(void)state;
	assert_non_null(p);
	memcpy(p + 4, b, len);
	p[0] = 0x01;
	p[1] = p[2] = p[3] = 0;
	assert_int_equal(cs_dtls_peek(b, len, &plain, NULL), 2);
	assert_int_equal(cs_dtls_peek_capwap(p, len + 4, &pk, NULL), 2);
	assert_int_equal(pk.rec[0].offset, 4);
	assert_int_equal(pk.rec[1].offset, plain.rec[1].offset + 4);
	assert_int_equal(pk.hs[1].offset, plain.hs[1].offset + 4);
	assert_int_equal(cs_dtls_classify_dgram(p, len + 4, true),
	    CS_DTLS_KIND_SERVER_HELLO_FLIGHT);
	assert_int_equal(
	    cs_dtls_classify_dgram(p, len + 4, false), CS_DTLS_KIND_MALFORMED);
	/* Reserved bits are ignored by receivers (RFC 5415 §4.2). */
	p[2] = 0xff;
	assert_int_equal(cs_dtls_peek_capwap(p, len + 4, &pk, NULL), 2);
	/* Type 0 is clear CAPWAP, not DTLS. */
	p[0] = 0x00;
	assert_int_equal(cs_dtls_peek_capwap(p, len + 4, &pk, &err), -EBADMSG);
	assert_string_equal(err.what, "CAPWAP preamble type not 1 (DTLS)");
	p[0] = 0x11;
	assert_int_equal(cs_dtls_peek_capwap(p, len + 4, &pk, &err), -EBADMSG);
	assert_string_equal(err.what, "CAPWAP preamble version not 0");
	p[0] = 0x01;
	for (size_t cut = 0; cut < 4; cut++) {
		assert_int_equal(
		    cs_dtls_peek_capwap(p, cut, &pk, &err), -EBADMSG);
		assert_string_equal(err.what, "CAPWAP DTLS header truncated");
	}
	assert_int_equal(cs_dtls_peek_capwap(p, 4, &pk, &err), -EBADMSG);
	assert_string_equal(err.what, "no DTLS record");
	assert_int_equal(err.offset, 4);
	/* A lying record length reports the offset in the whole buffer. */
	p[4 + 11] ^= 0x40;
	assert_int_equal(cs_dtls_peek_capwap(p, len + 4, &pk, &err), -EBADMSG);
	assert_int_equal(err.offset, 15);
	free(p);
	free(b);
}

static void
test_args_and_names(void **state)
{
	uint8_t b[1] = { 0 };
	struct cs_dtls_peek pk;
	struct cs_err err = { 0 };

	(void)state;
	assert_int_equal(cs_dtls_peek(NULL, 0, &pk, &err), -EINVAL);
	assert_int_equal(err.code, -EINVAL);
	assert_int_equal(cs_dtls_peek(b, 1, NULL, NULL), -EINVAL);
	assert_int_equal(cs_dtls_peek_capwap(NULL, 0, &pk, NULL), -EINVAL);
	assert_int_equal(cs_dtls_peek_capwap(b, 1, NULL, NULL), -EINVAL);
	assert_int_equal(cs_dtls_classify(NULL), CS_DTLS_KIND_MALFORMED);
	assert_int_equal(
	    cs_dtls_classify_dgram(NULL, 0, false), CS_DTLS_KIND_MALFORMED);
	for (int k = 0; k < CS_DTLS_KIND__COUNT; k++) {
		assert_non_null(cs_dtls_kind_name((enum cs_dtls_kind)k));
		for (int j = 0; j < k; j++)
			assert_string_not_equal(
			    cs_dtls_kind_name((enum cs_dtls_kind)k),
			    cs_dtls_kind_name((enum cs_dtls_kind)j));
	}
	assert_string_equal(cs_dtls_kind_name(CS_DTLS_KIND__COUNT), "invalid");
	assert_string_equal(cs_dtls_ct_name(22), "handshake");
	assert_string_equal(cs_dtls_ct_name(20), "change_cipher_spec");
	assert_null(cs_dtls_ct_name(25));
	assert_string_equal(cs_dtls_hs_name(1), "ClientHello");
	assert_string_equal(cs_dtls_hs_name(3), "HelloVerifyRequest");
	assert_string_equal(cs_dtls_hs_name(16), "ClientKeyExchange");
	assert_string_equal(cs_dtls_hs_name(20), "Finished");
	assert_null(cs_dtls_hs_name(5));
	assert_null(cs_dtls_hs_name(21));
	assert_string_equal(cs_dtls_version_name(0xfeff), "DTLS 1.0");
	assert_string_equal(cs_dtls_version_name(0xfefd), "DTLS 1.2");
	assert_null(cs_dtls_version_name(0xfefe));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_vector_fields),
		cmocka_unit_test(test_truncation_every_byte),
		cmocka_unit_test(test_lying_record_length),
		cmocka_unit_test(test_malformed_table),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_capwap_preamble),
		cmocka_unit_test(test_args_and_names),
	};

	return cmocka_run_group_tests_name("dtls_peek", tests, NULL, NULL);
}
