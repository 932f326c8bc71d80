/* SPDX-License-Identifier: MIT */
/*
 * DTLS sessions for CAPWAP (RFC 5415 §2.4, §4.2, §12), sans-I/O: the caller
 * feeds wire datagrams in, gets wire datagrams out through a callback, and
 * owns the retransmission timer.  Wire datagrams carry the 4-byte CAPWAP
 * DTLS preamble 01 00 00 00.  Failures come back as a reason a person
 * understands ("peer certificate has expired ...") and a short code.
 */
#ifndef CS_DTLS_H
#define CS_DTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/log.h"
#include "capsim/pki.h"

struct cs_dtls_ctx; /* shared configuration (one SSL_CTX) */
struct cs_dtls;     /* one session with one peer */

#define CS_DTLS_PREAMBLE_LEN 4    /* RFC 5415 §4.2: 01 00 00 00 */
#define CS_DTLS_DEFAULT_MTU  1400 /* wire bytes incl. the preamble */
#define CS_DTLS_MIN_MTU      256
#define CS_DTLS_DEFAULT_CIPHERS                                                \
	"ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:AES128-SHA"
/* The pre-shared-key offer (RFC 5415 §2.4.4.2, RFC 4279, RFC 5487): the
 * forward-secret and AEAD suites OpenSSL has for DTLS first, then RFC
 * 5415's mandatory TLS_PSK_WITH_AES_128_CBC_SHA and its SHOULD
 * TLS_DHE_PSK_WITH_AES_128_CBC_SHA (the only ones DTLS 1.0 can use). */
#define CS_DTLS_PSK_CIPHERS                                                    \
	"ECDHE-PSK-AES128-CBC-SHA256:DHE-PSK-AES128-GCM-SHA256:"               \
	"PSK-AES128-GCM-SHA256:DHE-PSK-AES128-CBC-SHA:PSK-AES128-CBC-SHA"
/* What older ACs need to agree on a suite (RFC 5415 §2.4.4.2: MUST
 * TLS_RSA_WITH_AES_128_CBC_SHA, SHOULD TLS_DHE_RSA_WITH_AES_128_CBC_SHA,
 * MAY the AES-256 variants), after the default offer: `--ciphers legacy`. */
#define CS_DTLS_LEGACY_CIPHERS                                                 \
	CS_DTLS_DEFAULT_CIPHERS ":DHE-RSA-AES128-SHA:AES256-SHA:"              \
	                        "DHE-RSA-AES256-SHA"
#define CS_DTLS_PSK_MAX_LEN 64  /* key bytes (OpenSSL allows 256) */
#define CS_DTLS_PSK_ID_MAX  128 /* identity bytes (RFC 4279 allows 2^16-1) */

/* Non-negative outcomes of cs_dtls_start / _input / _on_timer. */
enum {
	CS_DTLS_WANT_READ = 1,   /* handshake in progress, feed more input */
	CS_DTLS_ESTABLISHED = 2, /* handshake done (returned once and then
	                            on every later call) */
	CS_DTLS_CLOSED = 3,      /* peer sent close_notify */
};

enum cs_dtls_role {
	CS_DTLS_CLIENT, /* the AP (WTP) is always the DTLS client (§2.4) */
	CS_DTLS_SERVER, /* the WLC (AC) */
};

enum cs_dtls_version {
	CS_DTLS_V1_2, /* default */
	CS_DTLS_V1_0, /* RFC 5415's DTLS (RFC 4347); needs security level 0 */
	CS_DTLS_V_ANY /* 1.0 or 1.2, whichever the peer does (dtls_all) */
};

enum cs_dtls_eku_policy {
	CS_DTLS_EKU_IF_PRESENT, /* RFC 5415 §12.8: if the peer certificate has
	                           an EKU, it must hold the CAPWAP one for the
	                           peer's role or anyExtendedKeyUsage */
	CS_DTLS_EKU_REQUIRED,   /* the CAPWAP EKU must be there */
	CS_DTLS_EKU_IGNORE,
};

/* One pre-shared key.  identity NULL: any identity (one key for all). */
struct cs_dtls_psk {
	const char *identity;
	const uint8_t *key;
	size_t key_len; /* 1..CS_DTLS_PSK_MAX_LEN */
};

/*
 * Pre-shared keys as text (`--dtls-psk`): lines of "HEX" (the key for any
 * identity) or "IDENTITY HEX" (the key of one WTP, its identity usually
 * the MAC in any spelling), 1..64 key bytes as hex digits; blank lines and
 * '#' comments skipped.  An identity twice, or two keys for any identity,
 * are refused.  A set that parsed owns its identities and keys.
 */
struct cs_dtls_psk_set {
	struct cs_dtls_psk *v;
	size_t n;
};

struct cs_dtls_psk_err {
	unsigned line; /* 1-based */
	size_t offset; /* into the text */
	char why[96];  /* e.g. "key: odd number of hex digits" */
};

/* 0 (out filled), -EBADMSG (err says where and why; out untouched),
 * -ENOMEM, -EINVAL. */
CS_API int cs_dtls_psk_parse(const char *text, size_t len,
    struct cs_dtls_psk_set *out, struct cs_dtls_psk_err *err);
/* Wipes the keys and frees; accepts NULL and an empty set. */
CS_API void cs_dtls_psk_set_free(struct cs_dtls_psk_set *set);

/* Receives one NSS key log line ("CLIENT_RANDOM <hex> <hex>", no newline);
 * the line is a secret: do not keep it longer than needed. */
typedef void cs_dtls_keylog_fn(void *ctx, const char *line);

struct cs_dtls_cfg {
	enum cs_dtls_role role;
	enum cs_dtls_version version;
	/* NULL = CS_DTLS_DEFAULT_CIPHERS; with pre-shared keys the default
	 * means CS_DTLS_PSK_CIPHERS (a client) or both lists (a server) */
	const char *ciphers;
	/* -1 = default: 2 for DTLS 1.2 (Debian's), 0 when DTLS 1.0 is
	 * allowed (OpenSSL 3 refuses DTLS 1.0 above 0); 0..5 explicit. */
	int security_level;
	unsigned mtu; /* wire bytes incl. preamble; 0 = 1400 */
	/* Initial handshake retransmission timeout (doubles per try up to
	 * 60 s, RFC 6347 §4.2.4.1); 0 = 1000 ms (RFC, Cisco). */
	unsigned initial_timeout_ms;

	/* Own credential: an object, or PEM files.  A server needs one; a
	 * client may get one per session with cs_dtls_set_cred(). */
	const struct cs_cred *cred;
	const char *cert_file;
	const char *key_file;
	/* Trust anchors to verify the peer: an object and/or a PEM file. */
	const struct cs_cred *trust;
	const char *ca_file;
	bool no_verify; /* verification off: only when explicitly asked */

	enum cs_dtls_eku_policy eku_policy;

	/* Pre-shared keys (RFC 5415 §2.4.4.2, RFC 4279): with any, the
	 * PSK suites are offered (a client: only them; a server: beside
	 * its certificate suites, which then need no certificate).  A
	 * client uses the first key whose identity is its own (set by
	 * cs_dtls_set_psk_identity) or NULL; a server looks the client's
	 * identity up the same way.  Copied; the ctx wipes its copy. */
	const struct cs_dtls_psk *psk;
	size_t n_psk;
	const char *psk_hint; /* server: the identity hint (names the AC) */

	cs_dtls_keylog_fn *keylog;
	void *keylog_ctx;
	const struct cs_log *log; /* borrowed; may be NULL */
};

/* Fills defaults: version 1.2, default ciphers, security level -1, MTU 1400,
 * 1 s initial timeout, EKU if present, verification on. */
CS_API void cs_dtls_cfg_init(struct cs_dtls_cfg *cfg, enum cs_dtls_role role);

/*
 * Builds the shared context.  Everything in cfg is copied or loaded; cfg
 * and the objects it points to may go away afterwards (log excepted: it is
 * borrowed for the ctx's life).  -EINVAL (bad cipher list, bad MTU, server
 * without a credential), -ENOENT (file missing), -EBADMSG (bad PEM),
 * -EKEYREJECTED (key does not match, or too weak for the security level).
 * On failure, err (may be NULL) gets a static text.
 */
CS_API int cs_dtls_ctx_new(struct cs_dtls_ctx **out,
    const struct cs_dtls_cfg *cfg, struct cs_err *err);
/* Accepts NULL.  Sessions hold a reference; the ctx lives until the last
 * one is freed. */
CS_API void cs_dtls_ctx_free(struct cs_dtls_ctx *ctx);

/* Default size of a server's resumption cache: OpenSSL's own default. */
#define CS_DTLS_RESUME_CACHE_DEFAULT 20480

/*
 * Server: how many sessions it keeps for resumption by session ID (the
 * data channel resumes the control channel's, RFC 5415 §4.6.1 D).  A
 * cached session holds the peer's certificates (~11 KiB once its
 * connection is gone: bench/raw_dtls --hold); cs_dtls_free() of the
 * connection that made it drops it.  A controller that never resumes
 * needs none: 0 turns the cache off and drops what it holds.  A new ctx
 * has CS_DTLS_RESUME_CACHE_DEFAULT.  Call before sessions run on other
 * threads.  -EINVAL: NULL or a client ctx.
 */
CS_API int cs_dtls_ctx_set_resume_cache(
    struct cs_dtls_ctx *ctx, unsigned long max_sessions);
/* Sessions a server keeps for resumption now (0 for a client or NULL). */
CS_API unsigned long cs_dtls_ctx_resume_cached(const struct cs_dtls_ctx *ctx);

struct cs_dtls_io {
	/* One wire datagram (with preamble) to send.  Return value ignored
	 * (UDP may lose it anyway).  Called from inside start/input/send/
	 * on_timer/shutdown; it must not free the session. */
	int (*send)(void *ctx, const uint8_t *dgram, size_t len);
	/* One decrypted application datagram (a CAPWAP message).  Called
	 * from cs_dtls_input; must not free the session. */
	void (*recv)(void *ctx, const uint8_t *plain, size_t len);
	/* This endpoint's wall clock in unix seconds, used for certificate
	 * validity checks (a scenario may skew an AP's clock).  NULL =
	 * time(NULL) + clock_skew_s. */
	int64_t (*wall_clock)(void *ctx);
	int64_t clock_skew_s; /* added to time(NULL) when wall_clock NULL */
	void *ctx;
};

/*
 * New session (client or server per the ctx).  Copies io.  Nothing is
 * sent yet.
 *
 * Server model: the caller answers ClientHellos with
 * cs_dtls_ctx_check_hello and creates a session only for a ClientHello
 * that returned the cookie (RFC 6347 §4.2.1: no state before the address
 * is proven).  A server session fed a ClientHello without a valid cookie
 * answers it the same stateless way and stays pristine; the first proven
 * ClientHello starts the handshake (DTLSv1_listen, then SSL_accept).
 */
CS_API int cs_dtls_new(
    struct cs_dtls **out, struct cs_dtls_ctx *ctx, const struct cs_dtls_io *io);
/* Accepts NULL.  Wipes key material (OpenSSL cleanses its own). */
CS_API void cs_dtls_free(struct cs_dtls *s);

/*
 * Server, before any session exists (RFC 6347 §4.2.1, stateless): looks
 * at one wire datagram from addr.  CS_DTLS_HELLO_PROVEN: a ClientHello
 * whose cookie this ctx issued to addr (create a session, set the same
 * peer address, feed it this datagram).  CS_DTLS_HELLO_VERIFY: a
 * ClientHello without a valid cookie; the HelloVerifyRequest to send back
 * is in out (*out_len bytes, never more than len; cap >= 64), and nothing
 * was kept.  -EBADMSG: not a whole ClientHello (drop it); -ENOBUFS.
 */
enum {
	CS_DTLS_HELLO_VERIFY = 1,
	CS_DTLS_HELLO_PROVEN = 2,
};
CS_API int cs_dtls_ctx_check_hello(struct cs_dtls_ctx *ctx, const void *addr,
    size_t alen, const uint8_t *wire, size_t len, uint8_t *out, size_t cap,
    size_t *out_len);

/* Server: whether wire is the ClientHello this session was started with
 * (a retransmission: same cookie), as opposed to a new handshake. */
CS_API bool cs_dtls_same_hello(
    const struct cs_dtls *s, const uint8_t *wire, size_t len);

/* Per-session credential (e.g. this AP's certificate); before start/first
 * input.  The session takes its own references. -EBUSY once started. */
CS_API int cs_dtls_set_cred(struct cs_dtls *s, const struct cs_cred *cred);

/*
 * Client: offers to resume `from`'s session (a second session to the same
 * server from the same ctx, e.g. CAPWAP's data channel after the control
 * channel, RFC 5415 §4.6.1 D): the abbreviated handshake when the server
 * still knows the session or its ticket, a full one otherwise (also when
 * the session's ticket would not leave the ClientHello one datagram at
 * the ctx's MTU: a server cannot check the cookie of a fragmented one).  The
 * credential `from` used is taken too, for that full handshake.  Before
 * start.  0; -EINVAL (NULL, a server, different ctx), -EBUSY (s started),
 * -ENOENT (`from` has no resumable session: not established, or no
 * session ID and no ticket), -EKEYREJECTED.
 */
CS_API int cs_dtls_resume_from(struct cs_dtls *s, const struct cs_dtls *from);

/*
 * The peer's address as opaque bytes (e.g. the sockaddr, or IP + port);
 * the server's cookie (RFC 6347 §4.2.1) is an HMAC over them with a
 * per-ctx secret.  Set before the first input.  len <= 64.
 */
CS_API int cs_dtls_set_peer(struct cs_dtls *s, const void *addr, size_t len);

/* Expected MAC in the peer certificate's CN (RFC 5415 §12.6): a mismatch
 * fails the handshake with CS_DTLS_FAIL_CN_MISMATCH.  NULL = no check. */
CS_API int cs_dtls_expect_peer_mac(struct cs_dtls *s, const uint8_t mac[6]);

/* Client, PSK: this WTP's identity, its MAC as 12 lower-case hex digits
 * (RFC 5415 §2.4.4.2: the WTP's identity, hex MAC recommended).  Before
 * start.  -EINVAL, -EBUSY. */
CS_API int cs_dtls_set_psk_identity_mac(
    struct cs_dtls *s, const uint8_t mac[6]);
/* Whether the ctx has pre-shared keys. */
CS_API bool cs_dtls_ctx_has_psk(const struct cs_dtls_ctx *ctx);

/* Client: sends the ClientHello.  Server: no-op.  Returns WANT_READ or
 * negative. */
CS_API int cs_dtls_start(struct cs_dtls *s);

/*
 * Feeds one wire datagram.  Drives the handshake (sending replies), then
 * delivers application datagrams through io->recv.  Returns WANT_READ,
 * ESTABLISHED, CLOSED, or: -EBADMSG (bad preamble: the datagram is dropped,
 * the session lives on; *why* goes to the log), -EPROTO (handshake failed
 * or fatal alert: see cs_dtls_failure; the session is dead), -EINVAL.
 */
CS_API int cs_dtls_input(struct cs_dtls *s, const uint8_t *wire, size_t len);

/* Encrypts one plaintext CAPWAP message into one datagram and sends it.
 * -ENOTCONN before the handshake, -EMSGSIZE above cs_dtls_data_mtu(). */
CS_API int cs_dtls_send(struct cs_dtls *s, const uint8_t *plain, size_t len);

/* Largest plaintext cs_dtls_send accepts (MTU minus preamble, record
 * header, IV, MAC, padding for the negotiated cipher); 0 before the
 * handshake. */
CS_API size_t cs_dtls_data_mtu(const struct cs_dtls *s);

/*
 * Handshake retransmission timer (DTLSv1_get_timeout).  1 and *ms set when
 * a timer is running (0 = already due), 0 when none is needed.  The timer
 * runs on OpenSSL's real-time clock; the caller arms its own timer with ms
 * and calls cs_dtls_on_timer when it fires.
 */
CS_API int cs_dtls_timeout_ms(const struct cs_dtls *s, uint64_t *ms);
/* Retransmits the last flight if the timer is due (DTLSv1_handle_timeout).
 * Returns WANT_READ / ESTABLISHED, or -ETIMEDOUT after OpenSSL's limit of
 * retransmissions (CS_DTLS_FAIL_TIMEOUT). */
CS_API int cs_dtls_on_timer(struct cs_dtls *s);

/* Sends close_notify (once).  0, or -ENOTCONN. */
CS_API int cs_dtls_shutdown(struct cs_dtls *s);

/* True from the end of the handshake until the session fails or either
 * side sends close_notify (cs_dtls_shutdown here, or the peer's). */
CS_API bool cs_dtls_is_established(const struct cs_dtls *s);
/* Whether the peer returned a valid cookie (server); until then a session
 * may be from a spoofed address and should be reaped quickly. */
CS_API bool cs_dtls_peer_verified(const struct cs_dtls *s);

/* --- records discarded before OpenSSL (RFC 6347 §4.1.2.7) -------------- */

enum cs_dtls_drop {
	CS_DTLS_DROP_HEADER,  /* fewer than 13 bytes left for a header */
	CS_DTLS_DROP_LENGTH,  /* length past the datagram or over 2^14+2048 */
	CS_DTLS_DROP_VERSION, /* record version not 0xfeXX */
	CS_DTLS_DROP_EPOCH,   /* protected record of an epoch not read now */
	CS_DTLS_DROP_SHORT,   /* shorter than the cipher's nonce + tag/MAC */
	CS_DTLS_DROP_REPLAY,  /* sequence number seen or left of the window */
	CS_DTLS_DROP_TYPE,    /* unknown content type, or plaintext app data */
	CS_DTLS_DROP__COUNT
};

struct cs_dtls_drops {
	uint64_t n[CS_DTLS_DROP__COUNT];
};

/* "replayed or too old sequence number", ... */
CS_API const char *cs_dtls_drop_name(enum cs_dtls_drop d);
/* Records this session discarded, silently, by reason.  Such records
 * never reach OpenSSL, so they can neither fail nor end the session. */
CS_API void cs_dtls_drops(const struct cs_dtls *s, struct cs_dtls_drops *out);

/* --- why it failed ---------------------------------------------------- */

enum cs_dtls_fail {
	CS_DTLS_FAIL_NONE,
	CS_DTLS_FAIL_CERT_EXPIRED,
	CS_DTLS_FAIL_NOT_YET_VALID,
	CS_DTLS_FAIL_UNKNOWN_CA,
	CS_DTLS_FAIL_BAD_EKU,
	CS_DTLS_FAIL_CN_MISMATCH,
	CS_DTLS_FAIL_WEAK_SIG,
	CS_DTLS_FAIL_WEAK_KEY,
	CS_DTLS_FAIL_BAD_CERT, /* other certificate problem */
	CS_DTLS_FAIL_NO_CERT,  /* peer sent no certificate */
	CS_DTLS_FAIL_VERSION,
	CS_DTLS_FAIL_NO_SHARED_CIPHER,
	CS_DTLS_FAIL_COOKIE,
	CS_DTLS_FAIL_PEER_ALERT, /* the peer found a problem and told us */
	CS_DTLS_FAIL_TIMEOUT,
	CS_DTLS_FAIL_PROTOCOL, /* anything else */
	CS_DTLS_FAIL_PSK,      /* pre-shared key or identity not the peer's */
	CS_DTLS_FAIL__COUNT
};

/* Handshake phase (coarse, for reports). */
enum cs_dtls_phase {
	CS_DTLS_PH_INIT,
	CS_DTLS_PH_HELLO,        /* ClientHello / HelloVerifyRequest */
	CS_DTLS_PH_SERVER_HELLO, /* ServerHello */
	CS_DTLS_PH_SERVER_CERT,  /* WLC certificate */
	CS_DTLS_PH_KEY_EXCHANGE, /* (Server|Client)KeyExchange, Done */
	CS_DTLS_PH_CLIENT_CERT,  /* AP certificate + CertificateVerify */
	CS_DTLS_PH_FINISHED,     /* ChangeCipherSpec, Finished */
	CS_DTLS_PH_ESTABLISHED,
	CS_DTLS_PH__COUNT
};

struct cs_dtls_failure {
	enum cs_dtls_fail code;
	enum cs_dtls_phase phase;
	bool local;           /* true: we detected it; false: peer's alert */
	const char *detector; /* "AP" or "WLC": who detected it */
	int alert;            /* TLS alert sent or received, -1 if none */
	char reason[256];     /* e.g. "peer certificate has expired (...)" */
};

/* "cert-expired", "not-yet-valid", ... (short machine names). */
CS_API const char *cs_dtls_fail_name(enum cs_dtls_fail f);
CS_API const char *cs_dtls_phase_name(enum cs_dtls_phase p);
/* The first failure of the session; code NONE when it has not failed. */
CS_API const struct cs_dtls_failure *cs_dtls_failure(const struct cs_dtls *s);

/* --- for reports and `capsim probe` ------------------------------------ */

struct cs_dtls_info {
	const char *version; /* "DTLSv1.2" */
	const char
	    *cipher; /* OpenSSL name, e.g. "ECDHE-RSA-AES128-GCM-SHA256" */
	bool resumed;
	bool is_psk;              /* a pre-shared-key suite */
	const char *psk_identity; /* the identity used, NULL without PSK */
	enum cs_dtls_phase phase;
};
/* Valid after the handshake; the strings are static or live as long as
 * the session. */
CS_API int cs_dtls_get_info(const struct cs_dtls *s, struct cs_dtls_info *out);
/* Summary of the peer's certificate; -ENOENT when it sent none. */
CS_API int cs_dtls_peer_cert(const struct cs_dtls *s, struct cs_cert_info *out);

#endif /* CS_DTLS_H */
