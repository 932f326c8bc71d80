/* SPDX-License-Identifier: MIT */
/*
 * The controller's DTLS admission of one AP address (AC side), sans-I/O:
 * which datagram starts a peer (only a ClientHello that returned our
 * cookie: no state before the address is proven, RFC 6347 §4.2.1), when
 * a proven ClientHello replaces the old session (a spoofed one never
 * does), and how long a peer may take to finish the handshake (WaitDTLS,
 * RFC 5415 §4.7.15).  The glue (lib/engine) owns the
 * peer table, the DTLS session and the sockets; it asks this object what
 * to do and arms the one timer it owns through struct cs_wlc_admit_io.
 */
#ifndef CS_WLC_ADMIT_H
#define CS_WLC_ADMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

#define CS_WLC_ADMIT_UNVERIFIED_MS 10000 /* without a valid cookie */
#define CS_WLC_ADMIT_WAIT_DTLS_MS  60000 /* WaitDTLS, RFC 5415 §4.7.15 */

/* What a DTLS datagram on the control channel is to admission. */
struct cs_wlc_admit_dgram {
	bool is_hello; /* carries a ClientHello */
	bool is_fresh; /* ... with message_seq 0: a handshake starts over */
	/* Set by the glue from the DTLS layer (cs_dtls_ctx_check_hello,
	 * cs_dtls_same_hello); classify leaves them false. */
	bool has_cookie;    /* ... returning our cookie: address proven */
	bool is_retransmit; /* ... the one the peer's handshake began with */
};

/* What to do with a datagram (cs_wlc_admit_input). */
enum cs_wlc_admit_verdict {
	CS_WLC_ADMIT_STRAY,   /* no peer and no ClientHello: drop it */
	CS_WLC_ADMIT_FEED,    /* give it to the peer's DTLS session */
	CS_WLC_ADMIT_NEW,     /* make a peer (cs_wlc_admit_init), then feed */
	CS_WLC_ADMIT_REPLACE, /* forget the old peer and its session, make a
	                       * new one, then feed */
	CS_WLC_ADMIT_VERIFY,  /* answer with a HelloVerifyRequest and keep
	                       * nothing (RFC 6347 §4.2.1) */
	CS_WLC_ADMIT_SHADOW,  /* the address has an established session: make
	                       * a new peer beside it and feed it; the old
	                       * session stays until the new handshake
	                       * completes (then it is replaced) or fails
	                       * (then it goes on) */
	CS_WLC_ADMIT__COUNT
};

/* What a DTLS result means for the peer (cs_wlc_admit_result). */
enum cs_wlc_admit_step {
	CS_WLC_ADMIT_CONTINUE, /* handshake goes on: rearm DTLS's timer */
	CS_WLC_ADMIT_OPEN,     /* established: open the WLC session */
	CS_WLC_ADMIT_CLOSE,    /* forget the peer, close its session */
	CS_WLC_ADMIT_FAIL,     /* handshake failed before any session: tell
	                        * the WLC (cs_wlc_sess_dtls_failed), forget */
	CS_WLC_ADMIT_STEP__COUNT
};

/* What the admission timer's expiry means (cs_wlc_admit_expired). */
enum cs_wlc_admit_expiry {
	CS_WLC_ADMIT_EXP_NONE,      /* established meanwhile */
	CS_WLC_ADMIT_EXP_WAIT_DTLS, /* verified, no handshake in WaitDTLS:
	                             * a handshake failure (cs_wlc_admit_fail)
	                             */
	CS_WLC_ADMIT_EXP_NO_COOKIE, /* never returned the cookie: forget
	                             * quietly but for one warning (replies
	                             * not reaching the AP?) */
};

/* DTLS results as the glue sees them (cs_dtls_input/cs_dtls_on_timer). */
enum cs_wlc_admit_dtls {
	CS_WLC_ADMIT_DTLS_PROGRESS,    /* more to come */
	CS_WLC_ADMIT_DTLS_ESTABLISHED, /* handshake done */
	CS_WLC_ADMIT_DTLS_CLOSED,      /* close_notify */
	CS_WLC_ADMIT_DTLS_ERROR,       /* protocol error or timeout */
};

struct cs_wlc_admit_io {
	void (*timer_arm)(void *ctx, uint64_t delay_ms);
	void (*timer_cancel)(void *ctx);
};

/* One per peer address; the glue embeds it in its peer.  Fields are
 * read-only to callers. */
struct cs_wlc_admit {
	const struct cs_wlc_admit_io *io;
	void *ctx;
	bool is_verified;    /* returned our cookie */
	bool is_established; /* handshake done */
	uint16_t hellos;     /* datagrams fed while unverified */
};

/* Classifies a CAPWAP-DTLS datagram (preamble included). */
CS_API void cs_wlc_admit_classify(
    const uint8_t *buf, size_t len, struct cs_wlc_admit_dgram *d);

/* Decides what to do with datagram @d from an address whose peer is @a
 * (NULL: none yet). */
CS_API enum cs_wlc_admit_verdict cs_wlc_admit_input(
    const struct cs_wlc_admit *a, const struct cs_wlc_admit_dgram *d);

/* Starts admission of a new peer, made for a ClientHello that returned
 * the cookie (the address is proven): arms WaitDTLS. */
CS_API void cs_wlc_admit_init(
    struct cs_wlc_admit *a, const struct cs_wlc_admit_io *io, void *ctx);

/* Counts a datagram about to be fed to the peer's DTLS session. */
CS_API void cs_wlc_admit_fed(struct cs_wlc_admit *a);

/* Takes a DTLS result; @is_cookie_back is whether the session has seen
 * our cookie returned, @has_sess whether a WLC session is open.  Arms
 * WaitDTLS when the cookie first comes back, cancels the timer when the
 * handshake is done. */
CS_API enum cs_wlc_admit_step cs_wlc_admit_result(struct cs_wlc_admit *a,
    enum cs_wlc_admit_dtls r, bool is_cookie_back, bool has_sess);

/* The admission timer fired. */
CS_API enum cs_wlc_admit_expiry cs_wlc_admit_expired(
    const struct cs_wlc_admit *a);

/* Stops admission (the peer is forgotten): cancels the timer. */
CS_API void cs_wlc_admit_stop(struct cs_wlc_admit *a);

/*
 * The controller's own overload gate (issue 12), the way a real
 * controller's control-plane policing (CoPP) guards its CPU: when the
 * controller's loop serves its timers late, new handshakes (a ClientHello
 * that returned the cookie: where the server's work begins) are admitted
 * at a limited rate; those beyond it wait in a short FIFO (deferred) and,
 * when that is full, are dropped (shed; the AP retransmits, RFC 6347
 * §4.2.4).  Handshakes already taken on, and stateless cookie exchanges,
 * are never gated.
 * AIMD on the admitted rate: open (no limit) until the loop runs later
 * than CS_WLC_GATE_LATE_MS; then half the rate of the last second (at
 * least CS_WLC_GATE_MIN_RATE); halved again on lateness (at most once a
 * second), +1/8 per second on time; open again after
 * CS_WLC_GATE_OPEN_MS on time.  Pure: the caller gives every time.
 */
#define CS_WLC_GATE_LATE_MS  50    /* a loop this late is overloaded */
#define CS_WLC_GATE_MIN_RATE 2.0   /* handshakes/s at the least */
#define CS_WLC_GATE_QUEUE_S  1.0   /* FIFO: one second at the rate */
#define CS_WLC_GATE_OPEN_MS  10000 /* on time this long: no limit */

enum cs_wlc_gate_verdict {
	CS_WLC_GATE_ADMIT, /* start the handshake now */
	CS_WLC_GATE_DEFER, /* hold it in the FIFO */
	CS_WLC_GATE_SHED,  /* drop it: the FIFO is full */
	CS_WLC_GATE__COUNT
};

/* Fields are read-only to callers. */
struct cs_wlc_gate {
	double rate;                /* admitted handshakes/s; 0: open */
	double tokens;              /* token bucket at rate, 1 s of burst */
	uint64_t tokens_ms;         /* when it was filled */
	uint64_t hold_until_ms;     /* no second cut before */
	uint64_t grow_ms;           /* next additive step */
	uint64_t late_ms;           /* last time the loop was late */
	uint64_t sec_ms;            /* start of the current second */
	uint64_t sec_n, last_sec_n; /* admitted in it / in the last one */
	uint64_t admitted, deferred, shed, cuts;
};

CS_API void cs_wlc_gate_init(struct cs_wlc_gate *g);
/* The controller's loop served a timer late_ms after it was due. */
CS_API void cs_wlc_gate_late(
    struct cs_wlc_gate *g, uint32_t late_ms, uint64_t now_ms);
/* A new handshake arrives while `queued` wait in the FIFO: admit (takes
 * a token), defer or shed (each counted). */
CS_API enum cs_wlc_gate_verdict cs_wlc_gate_input(
    struct cs_wlc_gate *g, size_t queued, uint64_t now_ms);
/* The FIFO's head may start now (takes a token, counts it admitted). */
CS_API bool cs_wlc_gate_take(struct cs_wlc_gate *g, uint64_t now_ms);
/* Milliseconds until cs_wlc_gate_take can succeed (0: now). */
CS_API uint64_t cs_wlc_gate_wait_ms(const struct cs_wlc_gate *g);
CS_API const char *cs_wlc_gate_verdict_name(enum cs_wlc_gate_verdict v);

CS_API const char *cs_wlc_admit_verdict_name(enum cs_wlc_admit_verdict v);
CS_API const char *cs_wlc_admit_step_name(enum cs_wlc_admit_step s);

#endif /* CS_WLC_ADMIT_H */
