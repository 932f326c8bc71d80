/* SPDX-License-Identifier: MIT */
/*
 * Adaptive admission of DTLS handshakes (issue 12): the number of
 * handshakes a load generator keeps in flight follows what the system
 * can do.  AIMD on a window bounded by a cap: slow start (+1 per clean
 * handshake) until the first cut, then +1/window per clean handshake,
 * and halve on congestion, at most once per hold time so one episode
 * costs one cut.
 *
 * Congestion is what more handshakes in flight make worse, and nothing
 * else:
 *  - the controller's answers slowing down: the median latency of the
 *    last clean handshakes (no flight repeated) rises above twice the
 *    base latency (the smallest median of the last two base epochs,
 *    as LEDBAT's base delay, RFC 6817 §3.4.2) and 50 ms over it, or
 *    above the absolute bound (1 s: OpenSSL's first retransmission);
 *  - capsim's own health: its loop serving a timer late, the kernel
 *    dropping datagrams on its sockets (SO_RXQ_OVFL), a worker thread
 *    using (nearly) a whole core.
 * Losses (a flight repeated, a handshake that timed out or failed) are
 * counted but do not cut: on a path that drops the controller's
 * flights (a firewall, a VPN) they are the network's, and a smaller
 * window would only queue the other APs behind the lost ones.  A
 * controller that sheds load shows up as latency before it loses.
 * Pure: the caller gives every time.
 */
#ifndef CS_ADMIT_H
#define CS_ADMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "capsim/common.h"

#define CS_ADMIT_SAMPLES 8 /* clean latencies the median is taken over */

/* Why the window was cut. */
enum cs_admit_cause {
	CS_ADMIT_CAUSE_LATENCY,  /* the controller's answers slowed down */
	CS_ADMIT_CAUSE_LATENESS, /* capsim's loop served a timer late */
	CS_ADMIT_CAUSE_DROPS,    /* the kernel dropped capsim's datagrams */
	CS_ADMIT_CAUSE_CPU,      /* a worker used a whole core */
	CS_ADMIT_CAUSE__COUNT
};

struct cs_admit {
	/* read-only to callers */
	double win;             /* current window (>= min, <= max) */
	unsigned max;           /* the cap (--max-inflight share) */
	unsigned min;           /* never below: 4 (or max when smaller) */
	bool in_slow_start;     /* no cut yet */
	uint32_t latency_ms;    /* a clean median slower than this: cut */
	uint32_t lateness_ms;   /* a loop later than this: cut */
	uint32_t cpu_permille;  /* a worker busier than this: cut */
	uint32_t hold_ms;       /* at most one cut per hold */
	uint64_t hold_until_ms; /* no cut before */
	uint64_t cuts;          /* times the window was halved */
	uint64_t cuts_by[CS_ADMIT_CAUSE__COUNT];
	uint64_t grows;    /* clean handshakes that grew it */
	uint64_t losses;   /* losses seen (not cuts) */
	unsigned min_seen; /* smallest window since init */
	/* latency trend */
	uint32_t sample[CS_ADMIT_SAMPLES]; /* last clean latencies (ring) */
	unsigned n_sample;                 /* valid in sample[] */
	unsigned sample_at;                /* next slot */
	uint32_t base_ms;       /* base latency (UINT32_MAX: none yet) */
	uint32_t base_next_ms;  /* smallest median of this epoch */
	uint64_t base_epoch_ms; /* the epoch ends at */
	uint32_t median_ms;     /* last median (0: fewer than 8 samples) */
};

/* Window of at most `max` (>= 1), starting at min(max, 8).  -EINVAL for
 * NULL or max 0. */
CS_API int cs_admit_init(struct cs_admit *a, unsigned max);
/* Handshakes that may be in flight now (floor of the window). */
CS_API unsigned cs_admit_window(const struct cs_admit *a);
/* A handshake completed after latency_ms (from its ClientHello);
 * `retransmitted`: its flights had to be repeated (a loss: counted,
 * no latency sample, no growth). */
CS_API void cs_admit_done(struct cs_admit *a, uint32_t latency_ms,
    bool retransmitted, uint64_t now_ms);
/* A loss that is not a completion: a handshake failed or timed out, or
 * a flight had to be retransmitted.  Counted; the window stays. */
CS_API void cs_admit_loss(struct cs_admit *a, uint64_t now_ms);
/* The event loop served a timer late_ms after it was due. */
CS_API void cs_admit_late(
    struct cs_admit *a, uint32_t late_ms, uint64_t now_ms);
/* The kernel dropped n datagrams on capsim's sockets since the last
 * call. */
CS_API void cs_admit_drops(struct cs_admit *a, uint64_t n, uint64_t now_ms);
/* The worker's thread used busy_permille of one core over the last
 * sample (>= 250 ms of wall clock). */
CS_API void cs_admit_cpu(
    struct cs_admit *a, uint32_t busy_permille, uint64_t now_ms);
/* "latency", "lateness", "drops", "cpu"; "?" out of range. */
CS_API const char *cs_admit_cause_name(enum cs_admit_cause c);

#endif /* CS_ADMIT_H */
