/* SPDX-License-Identifier: MIT */
/*
 * CAPWAP fragmentation and reassembly (RFC 5415 §3.4, §4.3 F/L bits,
 * Fragment ID, Fragment Offset in 8-octet units).  Pure: bytes and "now"
 * in, fragments or a reassembled message out.  One reassembly context per
 * peer and direction; keying by peer is the caller's.
 */
#ifndef CS_CAPWAP_FRAG_H
#define CS_CAPWAP_FRAG_H

#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

/* Called once per fragment, in order; the bytes are valid only during the
 * call.  A negative return stops cs_capwap_fragment(), which returns it. */
typedef int cs_frag_emit_fn(void *arg, const uint8_t *pkt, size_t len);

/* Largest payload a fragment set can carry: 13-bit offset * 8 + a last
 * fragment ending below 2^16. */
#define CS_FRAG_MAX_PAYLOAD 65535

/**
 * Splits a complete CAPWAP packet (@p msg: CAPWAP header, preamble type 0,
 * F clear, then the payload) into fragments of at most @p mtu bytes.
 *
 * Every fragment repeats the header (same RID, WBID, T, W, M, K, radio MAC
 * and wireless specific information, re-encoded with the minimal HLEN)
 * with F set, L set on the last, Fragment ID @p frag_id and Fragment
 * Offset in 8-octet units; the payload of every fragment but the last is
 * the largest multiple of 8 that fits in @p mtu.  When @p len <= @p mtu
 * the packet is emitted unchanged, unfragmented.
 *
 * @return the number of packets emitted (>= 1); -EBADMSG when @p msg's
 *         header does not decode (see @p err); -EINVAL for NULL arguments
 *         or a packet that is already a fragment; -EMSGSIZE when @p mtu
 *         leaves less than 8 payload bytes after the header or the payload
 *         exceeds CS_FRAG_MAX_PAYLOAD; -ENOMEM; or the first negative value
 *         @p emit returned.
 */
CS_API int cs_capwap_fragment(const uint8_t *msg, size_t len, size_t mtu,
    uint16_t frag_id, cs_frag_emit_fn *emit, void *arg, struct cs_err *err);

/** Number of fragments cs_capwap_fragment() would emit for a packet of
 * @p len bytes whose header is @p hdr_len bytes; 0 when @p mtu is too
 * small or the payload too large. */
CS_API unsigned cs_capwap_fragment_count(
    size_t len, size_t hdr_len, size_t mtu);

struct cs_reasm;

struct cs_reasm_cfg {
	unsigned max_frags;  /* fragments per message (default 16, max 256) */
	size_t max_size;     /* reassembled header + payload (default
	                      * CS_CAPWAP_MAX_MSG) */
	uint32_t timeout_ms; /* from a set's first fragment (default 5000) */
	unsigned max_sets;   /* messages in progress at once (default 4);
	                      * a new one evicts the oldest */
};

struct cs_reasm_stats {
	uint64_t fragments;    /* fragments offered */
	uint64_t completed;    /* messages reassembled */
	uint64_t duplicates;   /* identical fragments ignored */
	uint64_t overlaps;     /* sets dropped: overlapping or conflicting */
	uint64_t timeouts;     /* sets dropped by expiry */
	uint64_t oversize;     /* sets dropped: over max_size */
	uint64_t too_many;     /* sets dropped: over max_frags */
	uint64_t inconsistent; /* sets dropped: header differs, bad length */
	uint64_t evicted;      /* sets dropped for a newer one (max_sets) */
	uint64_t malformed;    /* packets whose header did not decode */
};

/** Fills @p cfg with the defaults above. */
CS_API void cs_reasm_cfg_default(struct cs_reasm_cfg *cfg);

/** Creates a context; @p cfg NULL means defaults, zero fields take their
 * default.  -EINVAL for max_frags > 256, max_size below 16 or above
 * CS_FRAG_MAX_PAYLOAD + header, -ENOMEM. */
CS_API int cs_reasm_new(struct cs_reasm **out, const struct cs_reasm_cfg *cfg);
/** Frees a context and everything it holds; NULL is a no-op. */
CS_API void cs_reasm_free(struct cs_reasm *r);

/**
 * Offers one received CAPWAP packet (preamble type 0).  Stale sets are
 * expired first (as cs_reasm_expire(r, now_ms)).
 *
 * @return 1 complete: *out / *out_len give the message, the header with F,
 *           L and Fragment Offset cleared (Fragment ID kept) followed by
 *           the joined payload, owned by @p r and valid until the next
 *           call on @p r.  An unfragmented packet (F clear) is returned
 *           as is: *out == pkt.
 *         0 need more (the fragment was stored, or was an identical
 *           duplicate and ignored).
 *         -EBADMSG the header does not decode (nothing dropped), or the
 *           fragment overlaps or conflicts with one already held, differs
 *           in its header from its set, ends beyond the set's last
 *           fragment, is empty, or is not a multiple of 8 bytes without L
 *           (the whole set is dropped; RFC 5415 §3.4 forbids overlaps);
 *         -E2BIG more than max_frags fragments (set dropped);
 *         -EMSGSIZE the message would exceed max_size (set dropped);
 *         -EINVAL NULL argument; -ENOMEM.
 *         *out and *out_len are written only on 1.
 */
CS_API int cs_reasm_input(struct cs_reasm *r, const uint8_t *pkt, size_t len,
    uint64_t now_ms, const uint8_t **out, size_t *out_len, struct cs_err *err);

/** Drops sets whose first fragment is timeout_ms or more old; returns how
 * many (also counted in stats.timeouts). */
CS_API unsigned cs_reasm_expire(struct cs_reasm *r, uint64_t now_ms);

/** When the oldest pending set expires: 0 with *at_ms set, -ENOENT when
 * nothing is pending. */
CS_API int cs_reasm_next_expiry(const struct cs_reasm *r, uint64_t *at_ms);

/** Sets in progress. */
CS_API unsigned cs_reasm_pending(const struct cs_reasm *r);

/** 1 when a set with Fragment ID @p frag_id is in progress, else 0 (also
 * for NULL): a caller capping sets over many contexts asks before it
 * offers a fragment that would start a new one. */
CS_API int cs_reasm_holds(const struct cs_reasm *r, uint16_t frag_id);

/** Copies the counters. */
CS_API void cs_reasm_get_stats(
    const struct cs_reasm *r, struct cs_reasm_stats *st);

#endif /* CS_CAPWAP_FRAG_H */
