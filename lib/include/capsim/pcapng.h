/* SPDX-License-Identifier: MIT */
/*
 * pcapng encoder and reader (draft-ietf-opsawg-pcapng): the capture tap
 * writes what the peer really received, with DTLS keys as a Decryption
 * Secrets Block; the reader serves tests and `capsim analyze`.  Pure: the
 * encoder fills a struct cs_wr and the caller writes the bytes out.
 */
#ifndef CS_PCAPNG_H
#define CS_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

struct cs_wr;

/* Block types. */
#define CS_PCAPNG_BT_SHB           0x0a0d0d0au /* Section Header */
#define CS_PCAPNG_BT_IDB           0x00000001u /* Interface Description */
#define CS_PCAPNG_BT_SPB           0x00000003u /* Simple Packet */
#define CS_PCAPNG_BT_ISB           0x00000005u /* Interface Statistics */
#define CS_PCAPNG_BT_EPB           0x00000006u /* Enhanced Packet */
#define CS_PCAPNG_BT_DSB           0x0000000au /* Decryption Secrets */
#define CS_PCAPNG_BYTE_ORDER_MAGIC 0x1a2b3c4du
/* DSB secrets type: TLS key log (NSS SSLKEYLOGFILE lines). */
#define CS_PCAPNG_SECRETS_TLS 0x544c534bu

/* Link types (tcpdump.org LINKTYPE_*). */
#define CS_LINKTYPE_ETHERNET  1
#define CS_LINKTYPE_RAW       101 /* raw IPv4/IPv6 */
#define CS_LINKTYPE_LINUX_SLL 113
#define CS_LINKTYPE_IPV4      228 /* raw IPv4 */

#define CS_PCAPNG_SNAPLEN 65535
/* Largest UDP payload in one IPv4 datagram: 65535 - 20 - 8. */
#define CS_UDP4_MAX_PAYLOAD  65507
#define CS_PCAPNG_MAX_IFACES 64

/* An IPv4/UDP 4-tuple, addresses and ports in host byte order. */
struct cs_udp4_endpoints {
	uint32_t src_addr;
	uint32_t dst_addr;
	uint16_t src_port;
	uint16_t dst_port;
};

/*
 * Encoder.  Every block is written big-endian (the Section Header's
 * byte-order magic says so; every pcapng reader handles both orders), which
 * keeps golden files identical on every host.  Failures are sticky in
 * wr->err (-ENOBUFS full, -EMSGSIZE too large, -EINVAL bad argument); each
 * function also returns wr->err after writing (0 on success).
 */

/** Section Header Block, version 1.0, section length unknown (-1), with an
 * optional shb_userappl option (@p user_appl may be NULL). */
CS_API int cs_pcapng_put_shb(struct cs_wr *wr, const char *user_appl);

/** Interface Description Block: @p linktype, snaplen CS_PCAPNG_SNAPLEN,
 * if_tsresol 6 (microseconds), optional if_name (may be NULL).  Interfaces
 * are numbered from 0 in the order written within a section. */
CS_API int cs_pcapng_put_idb(
    struct cs_wr *wr, uint16_t linktype, const char *if_name);

/** As cs_pcapng_put_idb() with an explicit IDB snaplen (0 = no limit). */
CS_API int cs_pcapng_put_idb_snaplen(
    struct cs_wr *wr, uint16_t linktype, uint32_t snaplen, const char *if_name);

/** Enhanced Packet Block holding the first @p cap_len bytes of a packet
 * that was @p orig_len bytes long (cap_len <= orig_len, cap_len <=
 * CS_PCAPNG_SNAPLEN; -EINVAL / -EMSGSIZE otherwise). */
CS_API int cs_pcapng_put_epb_cut(struct cs_wr *wr, uint32_t if_id,
    uint64_t ts_us, const uint8_t *pkt, size_t cap_len, size_t orig_len);

/** Enhanced Packet Block carrying @p len bytes of @p pkt as captured
 * (len <= CS_PCAPNG_SNAPLEN), timestamp in microseconds. */
CS_API int cs_pcapng_put_epb(struct cs_wr *wr, uint32_t if_id, uint64_t ts_us,
    const uint8_t *pkt, size_t len);

/** Writes an IPv4 + UDP header and @p payload (RFC 791, RFC 768): version
 * 4, IHL 5, TOS 0, identification *ip_id, no flags, TTL 64, protocol 17,
 * correct header checksum; UDP checksum 0 as RFC 5415 §3.1 requires over
 * IPv4.  *ip_id is incremented (mod 2^16) on success. */
CS_API int cs_udp4_put(struct cs_wr *wr, const struct cs_udp4_endpoints *ep,
    uint16_t *ip_id, const uint8_t *payload, size_t len);

/** Enhanced Packet Block holding cs_udp4_put() output; for an interface of
 * link type CS_LINKTYPE_RAW or CS_LINKTYPE_IPV4. */
CS_API int cs_pcapng_put_epb_udp4(struct cs_wr *wr, uint32_t if_id,
    uint64_t ts_us, const struct cs_udp4_endpoints *ep, uint16_t *ip_id,
    const uint8_t *payload, size_t len);

/** Decryption Secrets Block of type TLS key log: @p keylog holds NSS key
 * log lines ("CLIENT_RANDOM <hex> <hex>\n"...), copied as is.  Must come
 * before the first record it decrypts. */
/** An Interface Statistics Block for interface @p if_id (microsecond
 * resolution, as cs_pcapng_put_idb declares) stamped @p ts_us, with
 * isb_starttime and isb_endtime: when the capture began and ended
 * (pcapng §4.6), which readers use as the capture's span. */
CS_API int cs_pcapng_put_isb(struct cs_wr *wr, uint32_t if_id, uint64_t ts_us,
    uint64_t start_us, uint64_t end_us);

CS_API int cs_pcapng_put_dsb_tls(
    struct cs_wr *wr, const void *keylog, size_t len);

/*
 * Reader.  A value type the caller keeps on the stack; views returned point
 * into the caller's buffer.  Handles both byte orders and several sections;
 * errors name the offset of the bad field and leave the reader where it was,
 * so the caller may stop and still use what it had.
 */
struct cs_pcapng_iface {
	uint16_t linktype;
	uint32_t snaplen;
	uint8_t tsresol; /* raw if_tsresol: 6 unless the IDB says otherwise */
};

struct cs_pcapng_rd {
	const uint8_t *buf;
	size_t len;
	size_t off; /* next block */
	bool is_big_endian;
	bool has_section;
	unsigned n_ifaces;
	struct cs_pcapng_iface iface[CS_PCAPNG_MAX_IFACES];
};

struct cs_pcapng_block {
	uint32_t type;       /* CS_PCAPNG_BT_* or any other */
	size_t offset;       /* of the block in the buffer */
	uint32_t total_len;  /* whole block */
	const uint8_t *body; /* between the length fields */
	size_t body_len;
	/* EPB and SPB */
	uint32_t if_id;
	uint16_t linktype;
	uint64_t ts_raw; /* in the interface's resolution (0 for SPB) */
	uint64_t ts_us;  /* converted to microseconds */
	uint32_t cap_len;
	uint32_t orig_len;
	const uint8_t *data;
	/* ISB: isb_endtime (option 3) in microseconds, 0 when absent; the
	 * block's own timestamp is in ts_us */
	uint64_t isb_end_us;
	/* DSB */
	uint32_t secrets_type;
	uint32_t secrets_len;
	const uint8_t *secrets;
};

/** Starts reading a whole pcapng file held in memory. */
CS_API void cs_pcapng_rd_init(
    struct cs_pcapng_rd *rd, const uint8_t *buf, size_t len);

/**
 * Returns the next block.  SHB, IDB, EPB, SPB and DSB are checked and
 * decoded; other blocks are returned with only their body.
 * @return 1 with *blk filled, 0 at the end of the buffer, or -EBADMSG
 *         (truncated or corrupt, see err->what/offset), -E2BIG (more than
 *         CS_PCAPNG_MAX_IFACES interfaces), -EINVAL NULL argument.
 */
CS_API int cs_pcapng_rd_next(
    struct cs_pcapng_rd *rd, struct cs_pcapng_block *blk, struct cs_err *err);

/**
 * Finds the UDP payload of an IPv4 packet captured with @p linktype
 * (Ethernet II with up to two 802.1Q/802.1ad tags, Linux cooked SLL, raw).
 * Offsets in @p err are relative to @p pkt.
 * @return 0 with *ep, *payload, *payload_len set; -EBADMSG malformed IPv4
 *         or UDP header; -EPROTONOSUPPORT not IPv4, not UDP, an IP fragment
 *         or an unsupported link type; -EINVAL NULL argument.
 */
CS_API int cs_udp4_parse(uint16_t linktype, const uint8_t *pkt, size_t len,
    struct cs_udp4_endpoints *ep, const uint8_t **payload, size_t *payload_len,
    struct cs_err *err);

#endif /* CS_PCAPNG_H */
