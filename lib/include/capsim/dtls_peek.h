/* SPDX-License-Identifier: MIT */
/*
 * DTLS record peek: walks the record layer of a datagram without any
 * cryptography (RFC 6347 §4.1, RFC 4347 §4.1 for DTLS 1.0) so that the
 * impairment engine and the diagnosis can tell flights apart ("the WLC's
 * Certificate flight") from what is visible on the wire.
 */
#ifndef CS_DTLS_PEEK_H
#define CS_DTLS_PEEK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

/* Record content types, RFC 6347 §4.1 / RFC 5246 §6.2.1, RFC 6520. */
enum cs_dtls_ct {
	CS_DTLS_CT_CHANGE_CIPHER_SPEC = 20,
	CS_DTLS_CT_ALERT = 21,
	CS_DTLS_CT_HANDSHAKE = 22,
	CS_DTLS_CT_APPLICATION_DATA = 23,
	CS_DTLS_CT_HEARTBEAT = 24,
};

/* Handshake message types, RFC 6347 §4.3.2 / RFC 5246 §7.4. */
enum cs_dtls_hs {
	CS_DTLS_HS_HELLO_REQUEST = 0,
	CS_DTLS_HS_CLIENT_HELLO = 1,
	CS_DTLS_HS_SERVER_HELLO = 2,
	CS_DTLS_HS_HELLO_VERIFY_REQUEST = 3,
	CS_DTLS_HS_NEW_SESSION_TICKET = 4,
	CS_DTLS_HS_CERTIFICATE = 11,
	CS_DTLS_HS_SERVER_KEY_EXCHANGE = 12,
	CS_DTLS_HS_CERTIFICATE_REQUEST = 13,
	CS_DTLS_HS_SERVER_HELLO_DONE = 14,
	CS_DTLS_HS_CERTIFICATE_VERIFY = 15,
	CS_DTLS_HS_CLIENT_KEY_EXCHANGE = 16,
	CS_DTLS_HS_FINISHED = 20,
};

/* Record-layer versions (one's complement of the TLS numbers). */
#define CS_DTLS_VERSION_1_0 0xfeffu /* RFC 4347 */
#define CS_DTLS_VERSION_1_2 0xfefdu /* RFC 6347 */

#define CS_DTLS_RECORD_HDR_LEN 13 /* type, version, epoch, seq48, length */
#define CS_DTLS_HS_HDR_LEN     12 /* RFC 6347 §4.2.2 */
/* RFC 6347 §4.1.1.1 / RFC 5246 §6.2.3: a record never exceeds 2^14+2048. */
#define CS_DTLS_MAX_RECORD_LEN (16384 + 2048)
/* Limits of one peek; a datagram needing more fails with -E2BIG. */
#define CS_DTLS_MAX_RECORDS 16
#define CS_DTLS_MAX_HS_MSGS 32

/* One record header (RFC 6347 §4.1).  Read-only to callers. */
struct cs_dtls_record {
	uint8_t content_type; /* enum cs_dtls_ct */
	uint16_t version;     /* CS_DTLS_VERSION_* */
	uint16_t epoch;
	uint64_t seq;    /* 48-bit sequence number */
	uint16_t length; /* of the fragment */
	size_t offset;   /* of the record header in the caller's buffer */
	const uint8_t *fragment; /* view into the caller's datagram */
	/* Plaintext alert (epoch 0), RFC 5246 §7.2. */
	bool has_alert;
	uint8_t alert_level; /* 1 warning, 2 fatal */
	uint8_t alert_desc;
};

/* One plaintext handshake message header (epoch 0), RFC 6347 §4.2.2.  A
 * handshake record may carry several messages or one fragment of one. */
struct cs_dtls_hs_msg {
	uint8_t msg_type; /* enum cs_dtls_hs */
	uint32_t length;  /* whole message, 24-bit */
	uint16_t message_seq;
	uint32_t frag_offset; /* 24-bit */
	uint32_t frag_length; /* 24-bit */
	unsigned record;      /* index into cs_dtls_peek.rec[] */
	size_t offset;        /* of this header in the caller's buffer */
};

/* Everything the record layer shows of one datagram.  A value type: put it
 * on the stack; the views point into the caller's datagram. */
struct cs_dtls_peek {
	unsigned n_records;
	unsigned n_hs;
	struct cs_dtls_record rec[CS_DTLS_MAX_RECORDS];
	struct cs_dtls_hs_msg hs[CS_DTLS_MAX_HS_MSGS];
};

/*
 * Short label for a whole datagram, for impairment matching and diagnosis.
 * cs_dtls_classify() applies these rules in order, first match wins
 * ("plaintext" = epoch 0):
 *  1. any alert record (plaintext or not)            -> ALERT
 *  2. plaintext ClientHello                          -> CLIENT_HELLO
 *  3. plaintext HelloVerifyRequest                   -> HELLO_VERIFY_REQUEST
 *  4. plaintext ServerHello                          -> SERVER_HELLO_FLIGHT
 *  5. plaintext ClientKeyExchange or CertificateVerify
 *                                                    ->
 * CLIENT_KEY_EXCHANGE_FLIGHT
 *  6. plaintext ServerKeyExchange, CertificateRequest or ServerHelloDone
 *     (the rest of a server flight split over datagrams)
 *                                                    -> SERVER_HELLO_FLIGHT
 *  7. plaintext Certificate (alone: either side)     -> CERTIFICATE
 *  8. a ChangeCipherSpec record, or a plaintext NewSessionTicket (which
 *     opens the server's last flight)                -> CCS_FINISHED
 *  9. a handshake record in epoch > 0 (encrypted: Finished, retransmitted
 *     alone, or a renegotiation)                     -> ENCRYPTED_HANDSHAKE
 * 10. an application-data record                     -> APPLICATION_DATA
 * 11. anything else (HelloRequest, heartbeat)
 *                                                    -> OTHER
 * A datagram that does not parse is MALFORMED (cs_dtls_classify_dgram).
 */
enum cs_dtls_kind {
	CS_DTLS_KIND_CLIENT_HELLO,
	CS_DTLS_KIND_HELLO_VERIFY_REQUEST,
	CS_DTLS_KIND_SERVER_HELLO_FLIGHT,
	CS_DTLS_KIND_CERTIFICATE,
	CS_DTLS_KIND_CLIENT_KEY_EXCHANGE_FLIGHT,
	CS_DTLS_KIND_CCS_FINISHED,
	CS_DTLS_KIND_APPLICATION_DATA,
	CS_DTLS_KIND_ALERT,
	CS_DTLS_KIND_ENCRYPTED_HANDSHAKE,
	CS_DTLS_KIND_OTHER,
	CS_DTLS_KIND_MALFORMED,
	CS_DTLS_KIND__COUNT
};

/**
 * Walks the DTLS records of one datagram (no CAPWAP preamble).
 *
 * Checks every record header (known content type, DTLS version, length
 * within the datagram and at most CS_DTLS_MAX_RECORD_LEN); in epoch 0 also
 * the plaintext bodies: handshake headers (fragment within the message and
 * within the record), alerts (exactly 2 bytes, level 1 or 2) and
 * ChangeCipherSpec (exactly the byte 1).
 *
 * @param buf, len  the datagram; @p out keeps views into it.
 * @param out       filled only on success.
 * @param err       optional; on failure says what and at which offset.
 * @return number of records (>= 1); -EBADMSG malformed or empty, -E2BIG more
 *         than CS_DTLS_MAX_RECORDS records or CS_DTLS_MAX_HS_MSGS messages,
 *         -EINVAL NULL argument.
 */
CS_API int cs_dtls_peek(const uint8_t *buf, size_t len,
    struct cs_dtls_peek *out, struct cs_err *err);

/**
 * Same as cs_dtls_peek() for a datagram that starts with the 4-byte CAPWAP
 * DTLS header (RFC 5415 §4.2: preamble version 0, type 1, 24 reserved bits
 * which receivers ignore).  Offsets count from the start of @p buf.
 * A preamble of type 0 (clear CAPWAP) or version != 0 is -EBADMSG.
 */
CS_API int cs_dtls_peek_capwap(const uint8_t *buf, size_t len,
    struct cs_dtls_peek *out, struct cs_err *err);

/** Classifies a peeked datagram by the rules above. */
CS_API enum cs_dtls_kind cs_dtls_classify(const struct cs_dtls_peek *pk);

/** Peeks and classifies in one call; MALFORMED when the peek fails.
 * @p has_capwap_preamble selects cs_dtls_peek_capwap(). */
CS_API enum cs_dtls_kind cs_dtls_classify_dgram(
    const uint8_t *buf, size_t len, bool has_capwap_preamble);

/** Name of a content type ("handshake", ...), NULL when unknown. */
CS_API const char *cs_dtls_ct_name(uint8_t content_type);
/** Name of a handshake type ("ClientHello", ...), NULL when unknown. */
CS_API const char *cs_dtls_hs_name(uint8_t msg_type);
/** Name of a kind ("client-hello", ...); never NULL. */
CS_API const char *cs_dtls_kind_name(enum cs_dtls_kind kind);
/** Name of a record version ("DTLS 1.2"), NULL when unknown. */
CS_API const char *cs_dtls_version_name(uint16_t version);

#endif /* CS_DTLS_PEEK_H */
