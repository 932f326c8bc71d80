/* SPDX-License-Identifier: MIT */
/*
 * What lib/dtls's files share: the bodies of the PKI objects (so the DTLS
 * code can hand them to OpenSSL), the datagram BIO that keeps datagram
 * boundaries on OpenSSL 3.0, which has no datagram memory BIO, and the
 * bodies of the context and the session with the helpers their files
 * (dtls_ctx.c, dtls_verify.c, dtls_fail.c, dtls.c, dtls_record.c) share.
 */
#ifndef CS_DTLS_INTERNAL_H
#define CS_DTLS_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
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
#define DTLS_SID_CTX "capsim-capwap" /* session ID context (resumption) */

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

/* --- the context and the session (dtls_ctx.c, dtls.c) ------------------ */

#define DTLS_COOKIE_SECRET_LEN 32
#define DTLS_PEER_MAX          64

struct cs_dtls_ctx {
	SSL_CTX *ssl;
	atomic_int refs;
	enum cs_dtls_role role;
	enum cs_dtls_version version;
	int seclevel;
	unsigned mtu;
	unsigned initial_timeout_ms;
	enum cs_dtls_eku_policy eku_policy;
	bool no_verify;
	uint8_t cookie_secret[DTLS_COOKIE_SECRET_LEN];
	cs_dtls_keylog_fn *keylog;
	void *keylog_ctx;
	const struct cs_log *log;
	struct dtls_psk_key *psk; /* owned, wiped (dtls_psk.c) */
	size_t n_psk;
};

/* One pre-shared key as the ctx keeps it. */
struct dtls_psk_key {
	char *identity; /* NULL: any */
	bool has_mac;   /* identity is a MAC (any form cs_val_mac reads) */
	uint8_t mac[6];
	uint8_t key[CS_DTLS_PSK_MAX_LEN];
	size_t key_len;
};

struct cs_dtls {
	struct cs_dtls_ctx *ctx;
	SSL *ssl;
	BIO *bio; /* owned by ssl */
	struct cs_dtls_io io;
	uint8_t peer[DTLS_PEER_MAX];
	size_t peer_len;
	uint8_t peer_mac[6];
	bool has_peer_mac;
	bool started;
	bool established;
	bool closed;
	bool dead;
	bool peer_verified;
	bool shut;
	bool buffers_freed;
	int64_t now; /* this endpoint's clock at the last call */
	/* Set by the verify callback; becomes the failure if the handshake
	 * then fails. */
	enum cs_dtls_fail vfail;
	char vreason[256];
	int alert_sent;
	int alert_rcvd;
	struct cs_dtls_failure fail;
	struct dtls_rfilter rf; /* records checked before OpenSSL */
	struct cs_dtls_drops drops;
	uint64_t n_app;                  /* application datagrams delivered */
	uint8_t cookie[DTLS_COOKIE_LEN]; /* the proven cookie (server) */
	unsigned cookie_len;
	bool listened; /* server: DTLSv1_listen accepted the ClientHello */
	/* PSK (dtls_psk.c): the client's identity; the server's count of
	 * the client's Finished that did not decrypt, and the next
	 * sequence number of its own epoch-0 records (to send the alert
	 * OpenSSL does not: it discards such records silently) */
	char psk_id[CS_DTLS_PSK_ID_MAX + 1];
	unsigned psk_bad_finished;
	uint64_t w0_seq;
	uint16_t w_version;
};

static inline struct cs_dtls *
dtls_of(const SSL *ssl)
{
	return SSL_get_app_data(ssl);
}

static inline const char *
dtls_self_name(const struct cs_dtls_ctx *c)
{
	return c->role == CS_DTLS_CLIENT ? "AP" : "WLC";
}

static inline const char *
dtls_peer_name(const struct cs_dtls_ctx *c)
{
	return c->role == CS_DTLS_CLIENT ? "WLC" : "AP";
}

/* The certificate policy (dtls_verify.c): OpenSSL's verify callback
 * with CAPWAP's EKU and MAC checks; the first problem, in words, lands
 * in s->vfail / s->vreason. */
int dtls_verify_cb(int ok, X509_STORE_CTX *xs);

/* Failures (dtls_fail.c).  The handshake phase OpenSSL is in. */
enum cs_dtls_phase dtls_phase_of(const SSL *ssl);
/* Marks the session dead and records its first failure (logged). */
void dtls_set_failure(struct cs_dtls *s, enum cs_dtls_fail code, bool local,
    int alert, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Turns OpenSSL's error state into a failure a person can read;
 * -EPROTO. */
int dtls_handshake_failed(struct cs_dtls *s);

/* The session's steps (dtls.c). */
/* RFC 6347 §4.2.4.1 retransmission timer (set again after
 * DTLSv1_listen). */
unsigned int dtls_timer_cb(SSL *ssl, unsigned int timer_us);
/* Points certificate checks at this endpoint's clock. */
void dtls_set_clock(struct cs_dtls *s);
/* Runs the handshake, then reads what application data OpenSSL holds:
 * CS_DTLS_WANT_READ, _ESTABLISHED, _CLOSED or a negative errno. */
int dtls_drive(struct cs_dtls *s);
/* Re-creates / frees OpenSSL's buffers around every call after the
 * handshake. */
int dtls_buffers_on(struct cs_dtls *s);
void dtls_buffers_off(struct cs_dtls *s);

/* Pre-shared keys (dtls_psk.c). */
/* Copies cfg's keys into c and sets the callbacks; err on failure. */
int dtls_psk_setup(
    struct cs_dtls_ctx *c, const struct cs_dtls_cfg *cfg, struct cs_err *err);
/* Wipes and frees c's keys. */
void dtls_psk_free(struct cs_dtls_ctx *c);
/* Whether the session's (pending or current) suite is a PSK one. */
bool dtls_is_psk(const SSL *ssl);
/* Notes the sequence number of s's outbound epoch-0 records (the
 * datagram without preamble). */
void dtls_psk_note_out(struct cs_dtls *s, const uint8_t *d, size_t len);
/* Server, after a protected handshake record went to OpenSSL: when it
 * was the client's Finished and did not decrypt (a different key), a
 * second such one ends the handshake with a decrypt_error alert (RFC
 * 4279 §2).  Returns r, or -EPROTO when it ended the handshake. */
int dtls_psk_check_finished(struct cs_dtls *s, int r);

/* Record I/O (dtls_record.c): the smallest protected record the
 * session's cipher allows, 0 when unknown. */
size_t dtls_cipher_min_len(const SSL *ssl);

#endif /* CS_DTLS_INTERNAL_H */
