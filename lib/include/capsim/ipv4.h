/* SPDX-License-Identifier: MIT */
/*
 * From a captured frame to a UDP datagram: link layers (Ethernet II with
 * 802.1Q/802.1ad tags, raw IP LINKTYPE_RAW 101 and LINKTYPE_IPV4 228,
 * Linux cooked capture SLL 113 and SLL2 276), the IPv4 header (RFC 791
 * §3.1: version, IHL, total length, header checksum, RFC 1122 §3.2.1) and
 * fragment reassembly (RFC 791 §3.2, RFC 815 hole bookkeeping in a
 * bitmap) with limits on pending datagrams, memory and age, then the UDP
 * header (RFC 768).  Pure: "now" comes from the caller (capture time).
 */
#ifndef CS_IPV4_H
#define CS_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

#define CS_LINKTYPE_LINUX_SLL2 276
#define CS_IP4_HDR_MIN         20
#define CS_IP4_MAX_LEN         65535
#define CS_IP4_PROTO_UDP       17

/* A decoded IPv4 header (host byte order).  Read-only to callers. */
struct cs_ip4_hdr {
	uint8_t ihl; /* header length in bytes */
	uint8_t tos, ttl, proto;
	uint16_t total_len; /* from the header */
	uint16_t id;
	bool df, mf;
	uint16_t frag_off; /* in bytes */
	uint32_t src, dst;
	const uint8_t *payload; /* view: total_len - ihl bytes */
	size_t payload_len;
};

/**
 * Strips the link layer of a frame captured with @p linktype.
 * @return 0 with *ip / *ip_len set to the network-layer bytes (for
 *         Ethernet trailers are cut by the IPv4 total length later);
 *         -EPROTONOSUPPORT not IPv4 (ARP, IPv6, LLC, ...) or a link type
 *         not listed above; -EBADMSG frame shorter than its link header;
 *         -EINVAL NULL argument.  Offsets in err are relative to @p frame.
 */
CS_API int cs_link_ipv4(uint16_t linktype, const uint8_t *frame, size_t len,
    const uint8_t **ip, size_t *ip_len, struct cs_err *err);

/**
 * Decodes and checks an IPv4 header: version 4, IHL >= 5, IHL and total
 * length within the bytes present, header checksum (RFC 1071), fragment
 * offset + payload <= 65535, reserved flag bit 0.
 * @return 0 with *h filled; -EBADMSG (err names the field, offsets
 *         relative to @p p), -EPROTONOSUPPORT version is not 4, -EINVAL.
 */
CS_API int cs_ip4_parse(
    const uint8_t *p, size_t len, struct cs_ip4_hdr *h, struct cs_err *err);

/* A UDP datagram over IPv4, addresses and ports in host order. */
struct cs_udp4_dgram {
	uint32_t src, dst;
	uint16_t sport, dport;
	bool reassembled;       /* came from two or more fragments */
	const uint8_t *payload; /* view: the frame, or the reassembler's
	                           buffer valid until the next call */
	size_t len;
};

/* Reassembly limits (0 fields take the defaults in brackets). */
struct cs_ip4_reasm_cfg {
	unsigned max_pending; /* datagrams being reassembled [64] */
	size_t max_bytes;     /* total buffer memory [4 MiB] */
	uint32_t timeout_ms;  /* age of an incomplete datagram [30000,
	                         the Linux ipfrag_time; RFC 791 suggests 15 s] */
};

struct cs_ip4_reasm_stats {
	uint64_t fragments;   /* fragments taken in */
	uint64_t reassembled; /* datagrams completed */
	uint64_t timed_out;   /* incomplete datagrams aged out */
	uint64_t evicted;     /* dropped to honour max_pending/max_bytes */
	uint64_t overlaps;    /* datagrams dropped: overlapping fragments
	                         with different bytes, or inconsistent ends */
	uint64_t duplicates;  /* identical fragments seen again */
};

struct cs_ip4_reasm;

/** @return 0 with *ret set; -ENOMEM; -EINVAL (ret NULL). */
CS_API int cs_ip4_reasm_new(
    struct cs_ip4_reasm **ret, const struct cs_ip4_reasm_cfg *cfg);
/** Accepts NULL. */
CS_API void cs_ip4_reasm_free(struct cs_ip4_reasm *r);
CS_API void cs_ip4_reasm_stats(
    const struct cs_ip4_reasm *r, struct cs_ip4_reasm_stats *out);
/** Number of incomplete datagrams held (after expiring old ones). */
CS_API unsigned cs_ip4_reasm_pending(struct cs_ip4_reasm *r, uint64_t now_ms);

/**
 * Takes one IPv4 packet (from cs_ip4_parse).  Unfragmented packets pass
 * straight through.  Key: (src, dst, proto, id), RFC 791.
 * @return 1 with *payload / *len set to the whole IP payload (for a
 *         reassembled datagram in a buffer valid until the next call);
 *         0 fragment kept, datagram not complete yet (or dropped: see
 *         the stats); -EBADMSG inconsistent fragment (err: why, offset
 *         relative to the IP header), -ENOMEM.
 */
CS_API int cs_ip4_reasm_input(struct cs_ip4_reasm *r,
    const struct cs_ip4_hdr *h, uint64_t now_ms, const uint8_t **payload,
    size_t *len, struct cs_err *err);

/**
 * Frame to UDP datagram in one call: link layer, IPv4 header, reassembly
 * (when @p r is not NULL; fragments are then -EPROTONOSUPPORT), UDP
 * header (length within the IP payload, >= 8).  The UDP checksum is not
 * verified (zero over IPv4 is normal for CAPWAP, RFC 5415 §3.1).
 * @return 1 with *out filled; 0 fragment held; -EPROTONOSUPPORT not
 *         IPv4/UDP; -EBADMSG malformed (err: what and offset relative to
 *         @p frame, or to the first fragment's IP header for a reassembled
 *         one); -ENOMEM; -EINVAL NULL argument.
 */
CS_API int cs_udp4_from_frame(struct cs_ip4_reasm *r, uint16_t linktype,
    const uint8_t *frame, size_t len, uint64_t now_ms,
    struct cs_udp4_dgram *out, struct cs_err *err);

#endif /* CS_IPV4_H */
