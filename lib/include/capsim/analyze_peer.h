/* SPDX-License-Identifier: MIT */
/*
 * Two-sided evidence: a capture taken at the APs' side read beside one
 * taken at the controller (a SPAN port, a 9800 Embedded Packet Capture,
 * `capsim wlc --pcap`).  What the controller received and sent for each
 * AP becomes that AP's controller-side facts (wlc_rx / wlc_tx), which the
 * diagnosis compares with what the AP sent and received.
 */
#ifndef CS_ANALYZE_PEER_H
#define CS_ANALYZE_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/analyze.h"
#include "capsim/common.h"

struct cs_peer_log;

/** A log of one capture's CAPWAP datagrams (a digest of each payload,
 * its AP, direction and time).  @return 0, -EINVAL, -ENOMEM. */
CS_API int cs_peer_log_new(struct cs_peer_log **ret);
CS_API void cs_peer_log_free(struct cs_peer_log *l);

/** The cs_analyze_dgram_fn that fills a log: set cs_analyze_cfg.on_dgram
 * to it and dgram_ctx to the log.  @return 0, -ENOMEM. */
CS_API int cs_peer_log_dgram(void *ctx, size_t ap, enum cs_dir dir,
    enum cs_chan ch, uint32_t wlc_ip, uint64_t t_us, const uint8_t *payload,
    size_t len);

/** The capture the log holds ran until @p t_us (a live run that kept
 * listening after its last datagram): its span reaches that far. */
CS_API void cs_peer_log_ran_until(struct cs_peer_log *l, uint64_t t_us);

/* Outcome of cs_peer_merge(). */
struct cs_peer_stats {
	size_t aps_here, aps_peer; /* APs in each capture */
	size_t aps_matched;        /* APs here found in the peer capture */
	size_t aps_by_content;     /* of which by datagrams in common only
	                              (no WTP identity in one of them) */
	uint64_t dgrams_here, dgrams_peer; /* CAPWAP datagrams of each */
	uint64_t common;                   /* datagrams found in both */
	uint64_t common_unique; /* of which of one session only (DTLS, data
	                           channel); 0: aligned by discovery
	                           messages and the clocks alone */
	uint64_t up_lost;       /* sent by an AP to the controller (an address
	                           at which datagrams in common reached it)
	                           while the peer capture ran, never received */
	uint64_t down_lost;     /* sent by the controller while this capture
	                           ran, never received by the AP */
	uint64_t not_judged;    /* sent outside the other capture's span, or
	                           to another controller */
	uint64_t peer_only;     /* received by one end, never sent by the
	                           other; more than the losses: the
	                           captures the wrong way round (why) */
	bool has_offset;
	int64_t offset_us;       /* peer clock minus this capture's clock, from
	                            the datagrams in common (path delay included) */
	int64_t margin_start_us; /* not judged this close to the other
	                            capture's first datagram (round trip) */
	int64_t margin_end_us;   /* ... and to its last (2 s + twice the
	                            longest path delay seen) */
	const char *why; /* NULL when the controller's side was taken for
	                    at least one AP; else why nothing was */
};

/**
 * Matches the APs of @p here (the AP-side capture's analysis, logged in
 * @p here_log) with those of @p peer (the controller side, @p peer_log):
 * by WTP identity (a NAT between the two changes addresses and ports,
 * never the CAPWAP payload), else by the datagrams they share.  Datagrams
 * are matched by content, never by time; the clock offset between the
 * captures is estimated from the matched ones only to tell which of the
 * unmatched ones were sent while the other capture was running (only
 * those count as lost, and on the way up only those sent to an address
 * at which the controller received datagrams in common: an AP asking
 * several controllers loses nothing to the others).  The logs' match
 * marks are rewritten.  Each matched AP's controller-side counts in
 * @p here are then replaced (cs_analyze_set_wlc_side): received = what
 * the AP sent less what was lost on the way, sent = what the AP received
 * plus what was lost on the way back.  Call after both captures are read
 * and before cs_analyze_finish(@p here) (which it runs once itself, to
 * settle the answers the AP-side analysis holds).
 * @return 0 (st->why says when nothing could be taken), -EINVAL,
 *         -ENOMEM (@p here unchanged).
 */
CS_API int cs_peer_merge(struct cs_analyze *here, struct cs_peer_log *here_log,
    const struct cs_analyze *peer, struct cs_peer_log *peer_log,
    struct cs_peer_stats *st);

#endif /* CS_ANALYZE_PEER_H */
