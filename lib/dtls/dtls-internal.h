/* SPDX-License-Identifier: MIT */
/*
 * What lib/dtls's files share: the bodies of the PKI objects (so the DTLS
 * code can hand them to OpenSSL) and the datagram BIO that keeps datagram
 * boundaries on OpenSSL 3.0, which has no datagram memory BIO.
 */
#ifndef CS_DTLS_INTERNAL_H
#define CS_DTLS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "capsim/dtls.h"
#include "capsim/pki.h"

struct cs_rd;

struct cs_pki_key {
	EVP_PKEY *pkey;
};

struct cs_cred {
	X509 *cert;             /* leaf (or first certificate of a bundle) */
	STACK_OF(X509) * chain; /* the rest, may be NULL */
	EVP_PKEY *key;          /* may be NULL */
};

/* Fills a certificate summary (shared with the DTLS peer summary). */
int cs_pki_x509_info(X509 *x, struct cs_cert_info *out);
/* The MAC in x's CN, else in its first subjectAltName dNSName or
 * directoryName CN that holds one (RFC 5415 §12.6); *has_mac false when
 * none does.  0 or -EINVAL. */
int cs_pki_x509_mac(X509 *x, uint8_t mac[6], bool *has_mac);
/* CS_PKI_EKU_* bits of a certificate; *present says whether it has one. */
unsigned cs_pki_x509_eku(X509 *x, int *present);
/* ASN1_TIME -> unix seconds; -EINVAL when it does not parse. */
int cs_pki_asn1_time(const ASN1_TIME *t, int64_t *out);

/*
 * The datagram BIO.  Inbound: a queue of whole datagrams (the preamble
 * already stripped); BIO_read returns exactly one, or "retry" when empty.
 * Outbound: every BIO_write is one datagram, handed to `out` right away
 * with the CAPWAP DTLS preamble prepended.
 */
typedef void dtls_bio_out_fn(void *arg, const uint8_t *wire, size_t len);

BIO *dtls_bio_new(dtls_bio_out_fn *out, void *arg, unsigned mtu);
/* Queues a copy of one datagram (without preamble).  -ENOMEM; when the
 * queue is full the oldest datagram is dropped, as a socket would. */
int dtls_bio_push(BIO *b, const uint8_t *dgram, size_t len);
/* Frees the BIO method (at process exit; optional). */
void dtls_bio_method_free(void);

/*
 * The record filter (dtls_filter.c).  epoch and min_len are the session's
 * read epoch and the smallest protected record its cipher allows; min_len
 * 0 means no cipher yet (every protected record is dropped).  Once
 * sealed, epoch-0 records are dropped too.
 */
struct dtls_rfilter {
	uint16_t epoch;
	size_t min_len;
	bool is_sealed; /* handshake done: plaintext (epoch 0) is stale */
	bool has_top;
	uint64_t top;    /* highest authenticated sequence number */
	uint64_t window; /* bit i: top - i was authenticated */
};

struct dtls_rec {
	const uint8_t *hdr; /* record header in the caller's datagram */
	size_t len;         /* header + fragment */
	uint8_t type;
	uint16_t epoch;
	uint64_t seq;
};

void dtls_rfilter_init(struct dtls_rfilter *f);
/* The next record of a datagram: 1 keep it, 0 drop it (*why says why),
 * -ENODATA at the end.  After a broken header or length nothing more of
 * the datagram is read. */
int dtls_rfilter_next(struct dtls_rfilter *f, struct cs_rd *rd,
    struct dtls_rec *rec, enum cs_dtls_drop *why);
/* Marks an authenticated record's sequence number (window update only
 * after the MAC verified, RFC 6347 §4.1.2.6). */
void dtls_rfilter_seen(struct dtls_rfilter *f, uint64_t seq);

/* A ClientHello as the stateless cookie exchange sees it (dtls_cookie.c):
 * views into the caller's record. */
#define DTLS_COOKIE_LEN 16 /* HMAC-SHA-256 truncated to 128 bits */

struct dtls_hello {
	uint8_t rec_seq[6];
	uint16_t msg_seq;
	uint16_t version;
	const uint8_t *params; /* client_version, random, session_id */
	size_t params_len;
	const uint8_t *suites; /* cipher_suites, compression_methods */
	size_t suites_len;
	uint8_t cookie_len;
	uint8_t cookie[255];
};

/* One DTLS record (no preamble) holding a whole ClientHello: 0, or
 * -EBADMSG for anything else. */
int dtls_hello_parse(const uint8_t *rec, size_t len, struct dtls_hello *h);
/* 1 when the hello's cookie is the one for this address now (or one
 * period ago), else 0. */
int dtls_cookie_check(const uint8_t *master, size_t mlen, int64_t now_s,
    const void *addr, size_t alen, const struct dtls_hello *h);
/* The HelloVerifyRequest answering h, with the CAPWAP preamble. */
int dtls_hello_verify_build(const uint8_t *master, size_t mlen, int64_t now_s,
    const void *addr, size_t alen, const struct dtls_hello *h, uint8_t *out,
    size_t cap, size_t *out_len);

#endif /* CS_DTLS_INTERNAL_H */
