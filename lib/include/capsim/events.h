/* SPDX-License-Identifier: MIT */
/*
 * The event log (`--events FILE`): JSON lines, one per AP transition,
 * failure or other AP event, written with jansson.  Thread-safe: engine
 * workers call cs_events_ap() concurrently; each line is serialised
 * outside the lock and written with one fwrite into a buffered FILE.
 */
#ifndef CS_EVENTS_H
#define CS_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "capsim/ap.h"
#include "capsim/common.h"

struct cs_events;

/* Identity of the AP an event belongs to. */
struct cs_events_ap {
	unsigned index;     /* AP index in the run */
	const uint8_t *mac; /* 6 bytes, or NULL */
	const char *name;   /* WTP name, or NULL */
};

/*
 * A free-form record for events that are not AP FSM events (timeline
 * actions, WLC restarts): every pointer may be NULL (key left out), ap
 * may be NULL.
 */
struct cs_events_rec {
	uint64_t t_ms;
	const struct cs_events_ap *ap;
	const char *kind, *from, *to, *phase, *msg, *reason;
	bool has_value;
	int64_t value;
	uint32_t peer_ip; /* host order, 0 = none */
};

/* Opens `path` safely (cs_ofile_open_live: no link followed, a stale file
 * removed, created anew and written in place so that `tail -f` follows
 * it); "-" writes to stdout.  Returns 0 and
 * *ret, or a negative errno (*ret untouched). */
CS_API int cs_events_open(struct cs_events **ret, const char *path);
/* Same on an open stream; closes it in cs_events_close iff close_fp.  A
 * stream we close also gets a 1 MiB stdio buffer (it must be unused). */
CS_API int cs_events_open_fp(struct cs_events **ret, FILE *fp, bool close_fp);

/*
 * Writes one line for an AP event:
 *   {"t_ms":N, "time":"2026-12-07T12:00:01.250Z" (with an epoch set),
 *    "ap":N (from 1, as the log numbers APs), "mac":"aa:bb:..", "name":"..",
 * "kind":"state", "from":"Discovery", "to":"DTLS-Setup", "phase":"discovery",
 *    "msg":"Join Request", "reason":"..", "value":N, "peer":"a.b.c.d"}
 * ("from"/"to" only for state events, "msg" only with a message type,
 * "reason" when set, "peer" when non-zero, "value" always, "mac"/"name"
 * when given).  Safe from any thread.  Returns 0 or the first write
 * error (negative errno), which is sticky.
 */
CS_API int cs_events_ap(struct cs_events *w, const struct cs_events_ap *ap,
    const struct cs_ap_event *ev);
/* The wall clock (Unix ms) at t_ms 0: every later line gets "time". */
CS_API void cs_events_set_epoch(struct cs_events *w, uint64_t unix_ms);
/* Writes a free-form record (same keys). */
CS_API int cs_events_write(struct cs_events *w, const struct cs_events_rec *r);
/* Pushes buffered lines to the file (e.g. once per second, so that
 * `tail -f` follows a long run).  Safe from any thread.  Returns 0 or the
 * sticky error. */
CS_API int cs_events_flush(struct cs_events *w);
/* Lines written so far. */
CS_API uint64_t cs_events_count(struct cs_events *w);
/* For a process about to _exit: removes the temporary cs_events_open
 * writes to (renamed into place at close).  Async-signal-safe. */
CS_API void cs_events_unlink_tmp(const struct cs_events *w);
/* Flushes, closes and frees; returns 0 or the first error seen (NULL is
 * a no-op returning 0).  Not concurrently with writers. */
CS_API int cs_events_close(struct cs_events *w);

#endif /* CS_EVENTS_H */
