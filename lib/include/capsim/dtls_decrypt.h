/* SPDX-License-Identifier: MIT */
/*
 * Passive DTLS 1.0/1.2 decryption for `capsim analyze`: given the master
 * secrets of an NSS key log (SSLKEYLOGFILE "CLIENT_RANDOM <client random>
 * <master secret>" lines, from a file or a pcapng Decryption Secrets
 * Block), a watcher follows one DTLS association in both directions,
 * reads the randoms and the chosen cipher suite from the clear
 * ClientHello/ServerHello (RFC 6347 §4.2, RFC 5246 §7.4.1), derives the
 * key block with the TLS PRF (RFC 5246 §5 and §6.3; RFC 4346 §5 MD5/SHA-1
 * for DTLS 1.0) and opens the protected records: AES-GCM (RFC 5288),
 * ChaCha20-Poly1305 (RFC 7905) and AES-CBC with HMAC-SHA1/SHA256/SHA384
 * (RFC 5246 §6.2.3.2, Encrypt-then-MAC per RFC 7366), keys per epoch and
 * direction (a renegotiation inside epoch 1 is followed too).  It never
 * answers anything; hostile bytes are counted, never trusted.
 */
#ifndef CS_DTLS_DECRYPT_H
#define CS_DTLS_DECRYPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

#define CS_TLS_RANDOM_LEN 32
#define CS_TLS_MASTER_LEN 48

/* A set of master secrets keyed by client random. */
struct cs_keylog;

/** @return 0 with *ret set; -ENOMEM; -EINVAL. */
CS_API int cs_keylog_new(struct cs_keylog **ret);
/** Wipes the secrets.  Accepts NULL. */
CS_API void cs_keylog_free(struct cs_keylog *kl);

/**
 * Adds the CLIENT_RANDOM lines of NSS key log text (LF or CRLF lines,
 * '#' comments and other labels such as the TLS 1.3 ones are skipped; a
 * repeated client random keeps the first secret).
 * @return number of lines added (>= 0); -EBADMSG a CLIENT_RANDOM line
 *         with bad hex or lengths (err->offset: byte offset of the line in
 *         @p text; the lines before it are kept), -ENOMEM, -EINVAL.
 */
CS_API int cs_keylog_add_text(
    struct cs_keylog *kl, const char *text, size_t len, struct cs_err *err);
/** Number of secrets held. */
CS_API size_t cs_keylog_count(const struct cs_keylog *kl);
/** Copies the master secret for @p client_random; -ENOENT when absent. */
CS_API int cs_keylog_find(const struct cs_keylog *kl,
    const uint8_t client_random[CS_TLS_RANDOM_LEN],
    uint8_t master[CS_TLS_MASTER_LEN]);

/* One DTLS association as seen on the wire (both directions). */
struct cs_dtls_dec;

/* Why the protected records of an association cannot be read. */
enum cs_dtls_dec_state {
	CS_DTLS_DEC_CLEAR,       /* no protected record seen yet */
	CS_DTLS_DEC_OK,          /* keys derived */
	CS_DTLS_DEC_NO_HELLO,    /* ClientHello or ServerHello missing */
	CS_DTLS_DEC_NO_KEY,      /* no CLIENT_RANDOM line for this session */
	CS_DTLS_DEC_UNSUPPORTED, /* cipher suite or version not handled */
};

struct cs_dtls_dec_stats {
	enum cs_dtls_dec_state state;
	uint16_t version;       /* from ServerHello, 0 when unknown */
	uint16_t suite;         /* IANA cipher suite, 0 when unknown */
	bool etm;               /* Encrypt-then-MAC negotiated */
	unsigned handshakes;    /* ServerHellos followed (1 + renegotiations) */
	uint64_t records;       /* protected records seen */
	uint64_t decrypted;     /* opened and authenticated */
	uint64_t failed;        /* bad tag/MAC/padding (corrupt or wrong key) */
	uint64_t undecryptable; /* no keys for their epoch */
};

/* A decrypted record: @p from_client true for client -> server.  The
 * plaintext is valid during the call only. */
typedef void cs_dtls_dec_fn(void *ctx, bool from_client, uint8_t content_type,
    uint16_t epoch, uint64_t seq, const uint8_t *plain, size_t len);

/** @p keys is borrowed (may be NULL: nothing decrypts, the handshake is
 * still followed); @return 0, -ENOMEM, -EINVAL. */
CS_API int cs_dtls_dec_new(
    struct cs_dtls_dec **ret, const struct cs_keylog *keys);
/** Wipes keys.  Accepts NULL. */
CS_API void cs_dtls_dec_free(struct cs_dtls_dec *d);

/**
 * One datagram of the association.  @p capwap: it starts with the 4-byte
 * CAPWAP DTLS header (RFC 5415 §4.2), skipped.  Records are walked with
 * the bounded cursor; clear handshake messages update the hello state, a
 * new ClientHello random starts a new session; protected records are
 * opened and handed to @p cb (which may be NULL).  Secrets are looked up
 * lazily, so key log lines may arrive after the handshake (a DSB later in
 * the file) as long as they come before the records.
 * @return number of records decrypted (>= 0); -EBADMSG the record layer is
 *         malformed (records before the bad one are processed; err says
 *         what and where), -EINVAL.
 */
CS_API int cs_dtls_dec_input(struct cs_dtls_dec *d, bool from_client,
    const uint8_t *dgram, size_t len, bool capwap, cs_dtls_dec_fn *cb,
    void *cb_ctx, struct cs_err *err);

/**
 * Whether the first protected record of @p dgram opens with this
 * association's keys (a datagram from an unknown port that belongs to
 * it: NAT rebinding).  Nothing is counted and no state changes but the
 * lazily derived keys.
 */
CS_API bool cs_dtls_dec_opens(struct cs_dtls_dec *d, bool from_client,
    const uint8_t *dgram, size_t len, bool capwap);
CS_API void cs_dtls_dec_stats(
    const struct cs_dtls_dec *d, struct cs_dtls_dec_stats *out);

/**
 * Validity of the server's certificate (the first of the chain in its
 * clear Certificate message, reassembled from DTLS fragments; the last
 * complete one, kept across new sessions on the same addresses), Unix
 * seconds: what an AP compares with its clock (RFC 5415 §12.4 and RFC
 * 5280 §4.1.2.5).  @return 0; -ENOENT not seen (yet) or not parsable,
 * -EINVAL.
 */
CS_API int cs_dtls_dec_server_cert_validity(
    const struct cs_dtls_dec *d, int64_t *not_before, int64_t *not_after);

/** Name of a state ("ok", "no-key", ...); never NULL. */
CS_API const char *cs_dtls_dec_state_name(enum cs_dtls_dec_state s);
/** IANA name of a suite this module decrypts
 * ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), NULL otherwise. */
CS_API const char *cs_dtls_dec_suite_name(uint16_t suite);

/**
 * TLS PRF (RFC 5246 §5; with @p tls12 false the RFC 4346 §5 MD5 xor SHA-1
 * PRF of DTLS 1.0): @p out_len bytes of PRF(secret, label, seed).
 * @p sha384 selects P_SHA384 for TLS 1.2.  @return 0, -EIO (OpenSSL).
 */
CS_API int cs_tls_prf(bool tls12, bool sha384, const uint8_t *secret,
    size_t secret_len, const char *label, const uint8_t *seed, size_t seed_len,
    uint8_t *out, size_t out_len);

#endif /* CS_DTLS_DECRYPT_H */
