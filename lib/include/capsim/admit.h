/* SPDX-License-Identifier: MIT */
/*
 * Adaptive admission of DTLS handshakes (issue 12): the number of
 * handshakes a load generator keeps in flight follows what the system
 * can do.  AIMD on a window bounded by a cap: slow start (+1 per clean
 * handshake) until the first sign of trouble, then +1/window per clean
 * handshake, and halve on trouble (a handshake slower than the latency
 * bound, a retransmission, a failure, or the event loop running late),
 * at most once per hold time so one episode costs one cut.  Pure: the
 * caller gives every time.
 */
#ifndef CS_ADMIT_H
#define CS_ADMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "capsim/common.h"

struct cs_admit {
	/* read-only to callers */
	double win;             /* current window (>= min, <= max) */
	unsigned max;           /* the cap (--max-inflight share) */
	unsigned min;           /* never below: 4 (or max when smaller) */
	bool in_slow_start;     /* no trouble seen yet */
	uint32_t latency_ms;    /* a handshake slower than this is trouble */
	uint32_t lateness_ms;   /* a loop later than this is trouble */
	uint32_t hold_ms;       /* at most one cut per hold */
	uint64_t hold_until_ms; /* no cut before */
	uint64_t cuts;          /* times the window was halved */
	uint64_t grows;         /* clean handshakes that grew it */
	unsigned min_seen;      /* smallest window since init */
};

/* Window of at most `max` (>= 1), starting at min(max, 8); the bounds
 * default to a 1 s handshake (OpenSSL's first DTLS retransmission) and
 * a 20 ms late loop.  -EINVAL for NULL or max 0. */
CS_API int cs_admit_init(struct cs_admit *a, unsigned max);
/* Handshakes that may be in flight now (floor of the window). */
CS_API unsigned cs_admit_window(const struct cs_admit *a);
/* A handshake completed after latency_ms (from its ClientHello);
 * `retransmitted`: its flights had to be repeated. */
CS_API void cs_admit_done(struct cs_admit *a, uint32_t latency_ms,
    bool retransmitted, uint64_t now_ms);
/* Trouble that is not a completion: a handshake failed, or a flight had
 * to be retransmitted while it is still running. */
CS_API void cs_admit_trouble(struct cs_admit *a, uint64_t now_ms);
/* The event loop served a timer late_ms after it was due. */
CS_API void cs_admit_late(
    struct cs_admit *a, uint32_t late_ms, uint64_t now_ms);

#endif /* CS_ADMIT_H */
