/* SPDX-License-Identifier: MIT */
/*
 * DTLS record peek: record headers, and in epoch 0 the plaintext handshake
 * headers, alerts and ChangeCipherSpec, read through the bounded cursor
 * (RFC 6347 §4.1-4.2, RFC 4347 §4.1-4.2).  No cryptography.
 */
#include "capsim/dtls_peek.h"

#include <errno.h>
#include <string.h>

#include "capsim/cursor.h"

static const char *const dtls_kind_names[] = {
	[CS_DTLS_KIND_CLIENT_HELLO] = "client-hello",
	[CS_DTLS_KIND_HELLO_VERIFY_REQUEST] = "hello-verify-request",
	[CS_DTLS_KIND_SERVER_HELLO_FLIGHT] = "server-hello-flight",
	[CS_DTLS_KIND_CERTIFICATE] = "certificate",
	[CS_DTLS_KIND_CLIENT_KEY_EXCHANGE_FLIGHT] =
	    "client-key-exchange-flight",
	[CS_DTLS_KIND_CCS_FINISHED] = "ccs-finished",
	[CS_DTLS_KIND_APPLICATION_DATA] = "application-data",
	[CS_DTLS_KIND_ALERT] = "alert",
	[CS_DTLS_KIND_ENCRYPTED_HANDSHAKE] = "encrypted-handshake",
	[CS_DTLS_KIND_OTHER] = "other",
	[CS_DTLS_KIND_MALFORMED] = "malformed",
};
_Static_assert(CS_ARRAY_SIZE(dtls_kind_names) == CS_DTLS_KIND__COUNT,
    "dtls_kind_names[] out of sync with enum cs_dtls_kind");

const char *
cs_dtls_ct_name(uint8_t content_type)
{
	switch (content_type) {
	case CS_DTLS_CT_CHANGE_CIPHER_SPEC:
		return "change_cipher_spec";
	case CS_DTLS_CT_ALERT:
		return "alert";
	case CS_DTLS_CT_HANDSHAKE:
		return "handshake";
	case CS_DTLS_CT_APPLICATION_DATA:
		return "application_data";
	case CS_DTLS_CT_HEARTBEAT:
		return "heartbeat";
	default:
		return NULL;
	}
}

const char *
cs_dtls_hs_name(uint8_t msg_type)
{
	switch (msg_type) {
	case CS_DTLS_HS_HELLO_REQUEST:
		return "HelloRequest";
	case CS_DTLS_HS_CLIENT_HELLO:
		return "ClientHello";
	case CS_DTLS_HS_SERVER_HELLO:
		return "ServerHello";
	case CS_DTLS_HS_HELLO_VERIFY_REQUEST:
		return "HelloVerifyRequest";
	case CS_DTLS_HS_NEW_SESSION_TICKET:
		return "NewSessionTicket";
	case CS_DTLS_HS_CERTIFICATE:
		return "Certificate";
	case CS_DTLS_HS_SERVER_KEY_EXCHANGE:
		return "ServerKeyExchange";
	case CS_DTLS_HS_CERTIFICATE_REQUEST:
		return "CertificateRequest";
	case CS_DTLS_HS_SERVER_HELLO_DONE:
		return "ServerHelloDone";
	case CS_DTLS_HS_CERTIFICATE_VERIFY:
		return "CertificateVerify";
	case CS_DTLS_HS_CLIENT_KEY_EXCHANGE:
		return "ClientKeyExchange";
	case CS_DTLS_HS_FINISHED:
		return "Finished";
	default:
		return NULL;
	}
}

const char *
cs_dtls_kind_name(enum cs_dtls_kind kind)
{
	if ((unsigned)kind >= CS_DTLS_KIND__COUNT)
		return "invalid";
	return dtls_kind_names[kind];
}

const char *
cs_dtls_version_name(uint16_t version)
{
	switch (version) {
	case CS_DTLS_VERSION_1_0:
		return "DTLS 1.0";
	case CS_DTLS_VERSION_1_2:
		return "DTLS 1.2";
	default:
		return NULL;
	}
}

/*
 * Plaintext handshake messages of one epoch-0 record (RFC 6347 §4.2.2):
 * msg_type u8, length u24, message_seq u16, fragment_offset u24,
 * fragment_length u24, then fragment_length bytes.  A record may hold
 * several messages; each must fit in the record and in its message.
 */
static int
peek_handshake(struct cs_rd *body, unsigned recno, struct cs_dtls_peek *pk,
    struct cs_err *err)
{
	if (body->left == 0)
		return cs_err_set(
		    err, -EBADMSG, "empty handshake record", cs_rd_off(body));
	while (body->left > 0) {
		struct cs_dtls_hs_msg m;
		size_t at = cs_rd_off(body);

		if (body->left < CS_DTLS_HS_HDR_LEN)
			return cs_err_set(
			    err, -EBADMSG, "handshake header truncated", at);
		if (pk->n_hs >= CS_DTLS_MAX_HS_MSGS)
			return cs_err_set(err, -E2BIG,
			    "too many handshake messages in datagram", at);
		memset(&m, 0, sizeof(m));
		/* Header length checked above: these reads cannot fail. */
		(void)cs_rd_u8(body, &m.msg_type);
		(void)cs_rd_u24(body, &m.length);
		(void)cs_rd_u16(body, &m.message_seq);
		(void)cs_rd_u24(body, &m.frag_offset);
		(void)cs_rd_u24(body, &m.frag_length);
		if ((uint64_t)m.frag_offset + m.frag_length > m.length)
			return cs_err_set(err, -EBADMSG,
			    "handshake fragment beyond message length", at + 6);
		if (cs_rd_skip(body, m.frag_length) < 0)
			return cs_err_set(err, -EBADMSG,
			    "handshake fragment beyond record", at + 9);
		m.record = recno;
		m.offset = at;
		pk->hs[pk->n_hs++] = m;
	}
	return 0;
}

/* Plaintext bodies that are checked in epoch 0. */
static int
peek_plain_body(struct cs_dtls_record *rec, struct cs_rd *body, unsigned recno,
    struct cs_dtls_peek *pk, struct cs_err *err)
{
	size_t at = cs_rd_off(body);
	uint8_t b;

	switch (rec->content_type) {
	case CS_DTLS_CT_HANDSHAKE:
		return peek_handshake(body, recno, pk, err);
	case CS_DTLS_CT_ALERT:
		/* RFC 5246 §7.2: level u8, description u8. */
		if (body->left != 2)
			return cs_err_set(
			    err, -EBADMSG, "plaintext alert not 2 bytes", at);
		(void)cs_rd_u8(body, &rec->alert_level);
		(void)cs_rd_u8(body, &rec->alert_desc);
		if (rec->alert_level != 1 && rec->alert_level != 2)
			return cs_err_set(
			    err, -EBADMSG, "alert level not 1 or 2", at);
		rec->has_alert = true;
		return 0;
	case CS_DTLS_CT_CHANGE_CIPHER_SPEC:
		/* RFC 5246 §7.1: a single byte of value 1. */
		if (body->left != 1)
			return cs_err_set(
			    err, -EBADMSG, "ChangeCipherSpec not 1 byte", at);
		(void)cs_rd_u8(body, &b);
		if (b != 1)
			return cs_err_set(
			    err, -EBADMSG, "ChangeCipherSpec value not 1", at);
		return 0;
	default:
		return 0;
	}
}

static int
peek_records(struct cs_rd *rd, struct cs_dtls_peek *pk, struct cs_err *err)
{
	if (rd->left == 0)
		return cs_err_set(
		    err, -EBADMSG, "no DTLS record", cs_rd_off(rd));
	while (rd->left > 0) {
		struct cs_dtls_record rec;
		struct cs_rd body;
		size_t at = cs_rd_off(rd);
		int r;

		if (rd->left < CS_DTLS_RECORD_HDR_LEN)
			return cs_err_set(
			    err, -EBADMSG, "DTLS record header truncated", at);
		if (pk->n_records >= CS_DTLS_MAX_RECORDS)
			return cs_err_set(err, -E2BIG,
			    "too many DTLS records in datagram", at);
		memset(&rec, 0, sizeof(rec));
		(void)cs_rd_u8(rd, &rec.content_type);
		(void)cs_rd_u16(rd, &rec.version);
		(void)cs_rd_u16(rd, &rec.epoch);
		(void)cs_rd_u48(rd, &rec.seq);
		(void)cs_rd_u16(rd, &rec.length);
		if (cs_dtls_ct_name(rec.content_type) == NULL)
			return cs_err_set(
			    err, -EBADMSG, "unknown DTLS content type", at);
		if (cs_dtls_version_name(rec.version) == NULL)
			return cs_err_set(err, -EBADMSG,
			    "unknown DTLS record version", at + 1);
		if (rec.length > CS_DTLS_MAX_RECORD_LEN)
			return cs_err_set(err, -EBADMSG,
			    "DTLS record longer than 2^14+2048", at + 11);
		if (cs_rd_sub(rd, rec.length, &body) < 0)
			return cs_err_set(err, -EBADMSG,
			    "DTLS record length beyond datagram", at + 11);
		rec.offset = at;
		rec.fragment = body.p;
		if (rec.epoch == 0 &&
		    (r = peek_plain_body(&rec, &body, pk->n_records, pk, err)) <
		        0)
			return r;
		pk->rec[pk->n_records++] = rec;
	}
	return (int)pk->n_records;
}

int
cs_dtls_peek(const uint8_t *buf, size_t len, struct cs_dtls_peek *out,
    struct cs_err *err)
{
	struct cs_dtls_peek pk;
	struct cs_rd rd;
	int r;

	if (buf == NULL || out == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	memset(&pk, 0, sizeof(pk));
	cs_rd_init(&rd, buf, len);
	if ((r = peek_records(&rd, &pk, err)) < 0)
		return r;
	*out = pk;
	return r;
}

int
cs_dtls_peek_capwap(const uint8_t *buf, size_t len, struct cs_dtls_peek *out,
    struct cs_err *err)
{
	struct cs_dtls_peek pk;
	struct cs_rd rd;
	uint8_t preamble;
	int r;

	if (buf == NULL || out == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	cs_rd_init(&rd, buf, len);
	/* RFC 5415 §4.1-4.2: version nibble 0, type nibble 1, 24 reserved
	 * bits that receivers MUST ignore. */
	if (cs_rd_u8(&rd, &preamble) < 0 || rd.left < 3)
		return cs_err_set(
		    err, -EBADMSG, "CAPWAP DTLS header truncated", 0);
	if (preamble >> 4 != 0)
		return cs_err_set(
		    err, -EBADMSG, "CAPWAP preamble version not 0", 0);
	if ((preamble & 0x0f) != 1)
		return cs_err_set(
		    err, -EBADMSG, "CAPWAP preamble type not 1 (DTLS)", 0);
	(void)cs_rd_skip(&rd, 3);
	memset(&pk, 0, sizeof(pk));
	if ((r = peek_records(&rd, &pk, err)) < 0)
		return r;
	*out = pk;
	return r;
}

static bool
peek_has_hs(const struct cs_dtls_peek *pk, uint8_t msg_type)
{
	for (unsigned i = 0; i < pk->n_hs; i++)
		if (pk->hs[i].msg_type == msg_type)
			return true;
	return false;
}

static bool
peek_has_ct(const struct cs_dtls_peek *pk, uint8_t ct, bool encrypted_only)
{
	for (unsigned i = 0; i < pk->n_records; i++)
		if (pk->rec[i].content_type == ct &&
		    (!encrypted_only || pk->rec[i].epoch != 0))
			return true;
	return false;
}

enum cs_dtls_kind
cs_dtls_classify(const struct cs_dtls_peek *pk)
{
	if (pk == NULL || pk->n_records == 0)
		return CS_DTLS_KIND_MALFORMED;
	if (peek_has_ct(pk, CS_DTLS_CT_ALERT, false))
		return CS_DTLS_KIND_ALERT;
	if (peek_has_hs(pk, CS_DTLS_HS_CLIENT_HELLO))
		return CS_DTLS_KIND_CLIENT_HELLO;
	if (peek_has_hs(pk, CS_DTLS_HS_HELLO_VERIFY_REQUEST))
		return CS_DTLS_KIND_HELLO_VERIFY_REQUEST;
	if (peek_has_hs(pk, CS_DTLS_HS_SERVER_HELLO))
		return CS_DTLS_KIND_SERVER_HELLO_FLIGHT;
	if (peek_has_hs(pk, CS_DTLS_HS_CLIENT_KEY_EXCHANGE) ||
	    peek_has_hs(pk, CS_DTLS_HS_CERTIFICATE_VERIFY))
		return CS_DTLS_KIND_CLIENT_KEY_EXCHANGE_FLIGHT;
	if (peek_has_hs(pk, CS_DTLS_HS_SERVER_KEY_EXCHANGE) ||
	    peek_has_hs(pk, CS_DTLS_HS_CERTIFICATE_REQUEST) ||
	    peek_has_hs(pk, CS_DTLS_HS_SERVER_HELLO_DONE))
		return CS_DTLS_KIND_SERVER_HELLO_FLIGHT;
	if (peek_has_hs(pk, CS_DTLS_HS_CERTIFICATE))
		return CS_DTLS_KIND_CERTIFICATE;
	if (peek_has_ct(pk, CS_DTLS_CT_CHANGE_CIPHER_SPEC, false) ||
	    peek_has_hs(pk, CS_DTLS_HS_NEW_SESSION_TICKET))
		return CS_DTLS_KIND_CCS_FINISHED;
	if (peek_has_ct(pk, CS_DTLS_CT_HANDSHAKE, true))
		return CS_DTLS_KIND_ENCRYPTED_HANDSHAKE;
	if (peek_has_ct(pk, CS_DTLS_CT_APPLICATION_DATA, false))
		return CS_DTLS_KIND_APPLICATION_DATA;
	return CS_DTLS_KIND_OTHER;
}

enum cs_dtls_kind
cs_dtls_classify_dgram(const uint8_t *buf, size_t len, bool has_capwap_preamble)
{
	struct cs_dtls_peek pk;
	int r;

	r = has_capwap_preamble ? cs_dtls_peek_capwap(buf, len, &pk, NULL)
	                        : cs_dtls_peek(buf, len, &pk, NULL);
	if (r < 0)
		return CS_DTLS_KIND_MALFORMED;
	return cs_dtls_classify(&pk);
}
