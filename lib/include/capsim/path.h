/* SPDX-License-Identifier: MIT */
/*
 * The packet path's executor: a transport decorator that carries out what
 * the impairment engine decides (capsim/impair.h) over the transport
 * below it.  One executor for `capsim run` (the engine, per worker) and
 * `capsim proxy`: link-down windows, drops, duplicates, delays, held
 * (reordered) datagrams and their release.  Sans-I/O apart from the
 * transport below: the caller gives "now" with every datagram and polls
 * at cs_path_next_due().
 */
#ifndef CS_PATH_H
#define CS_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

struct cs_impair;
struct cs_pkt_meta;
struct cs_transport;
struct cs_verdict;
struct cs_path;

/* Called for every verdict (proxy -v output); m and v valid for the call. */
typedef void cs_path_verdict_fn(
    void *ctx, const struct cs_pkt_meta *m, const struct cs_verdict *v);

struct cs_path_cfg {
	struct cs_transport *next; /* borrowed: where deliveries go */
	struct cs_impair *imp;     /* borrowed; NULL = no rules, pass all */
	cs_path_verdict_fn *on_verdict; /* may be NULL */
	void *ctx;
};

struct cs_path_stats {
	uint64_t passed; /* deliveries handed to next (incl. later) */
	uint64_t dropped, held, delayed;
	uint64_t link_down_dropped; /* lost to cs_path_link_down windows */
	uint64_t send_errors;       /* next's send failed, or no memory */
};

/* @return 0; -EINVAL; -ENOMEM. */
CS_API int cs_path_new(struct cs_path **ret, const struct cs_path_cfg *cfg);
/* Frees the executor and the datagrams it still delays (lost, as on a
 * router switched off).  NULL is a no-op. */
CS_API void cs_path_free(struct cs_path *p);
/* The executor as a transport (its send is cs_path_send with m->now_ms). */
CS_API struct cs_transport *cs_path_transport(struct cs_path *p);

/**
 * One datagram onto the path at m->now_ms: lost inside a link-down
 * window, else the impairment verdict carried out (deliveries now go to
 * next at once, later ones wait for cs_path_poll), then held datagrams
 * that are due are released.  m->ap/ap_mac/hint as the rules need them.
 * @return 0 (whatever the verdict), -EINVAL.
 */
CS_API int cs_path_send(struct cs_path *p, const struct cs_pkt_meta *m);
/* Hands on every delayed or held datagram due at @now_ms, oldest due
 * first.  @return the number handed on. */
CS_API int cs_path_poll(struct cs_path *p, uint64_t now_ms);
/* Earliest time cs_path_poll has work.  @return 0; -ENOENT when none. */
CS_API int cs_path_next_due(const struct cs_path *p, uint64_t *when_ms);
/* Drops every datagram both ways until @until_ms (the caller's clock). */
CS_API void cs_path_link_down(struct cs_path *p, uint64_t until_ms);
/* Datagrams waiting for their delay. */
CS_API size_t cs_path_delayed(const struct cs_path *p);
/* Calls @fn for every datagram still waiting for its delay (in no
 * particular order; m valid for the call): what is on its way, not lost,
 * when a run ends. */
typedef void cs_path_each_fn(void *ctx, const struct cs_pkt_meta *m);
CS_API void cs_path_each_delayed(
    const struct cs_path *p, cs_path_each_fn *fn, void *ctx);
CS_API void cs_path_stats(const struct cs_path *p, struct cs_path_stats *out);

#endif /* CS_PATH_H */
