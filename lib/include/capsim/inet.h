/* SPDX-License-Identifier: MIT */
/*
 * The small IPv4 toolkit a wireless client needs in the tunnel: ARP
 * (RFC 826, Ethernet/IPv4), IPv4 headers to send (RFC 791, checksum RFC
 * 1071), UDP with its pseudo-header checksum (RFC 768) and ICMP echo
 * (RFC 792).  IPv4 headers are parsed by cs_ip4_parse (capsim/ipv4.h).
 * Pure: no I/O, no allocation.  Addresses are host order.
 */
#ifndef CS_INET_H
#define CS_INET_H

#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

struct cs_wr;

#define CS_ETH_P_IP          0x0800
#define CS_ETH_P_ARP         0x0806
#define CS_ETH_P_EAPOL       0x888e
#define CS_ARP_LEN           28 /* Ethernet/IPv4 ARP body */
#define CS_ARP_REQUEST       1
#define CS_ARP_REPLY         2
#define CS_IP_ICMP           1
#define CS_IP_UDP            17
#define CS_ICMP_ECHO_REPLY   0
#define CS_ICMP_ECHO_REQUEST 8

/* An ARP packet for Ethernet hardware and IPv4 (RFC 826). */
struct cs_arp {
	uint16_t op; /* CS_ARP_REQUEST / CS_ARP_REPLY */
	uint8_t sha[6];
	uint32_t spa;
	uint8_t tha[6];
	uint32_t tpa;
};

/* Decodes an ARP body; bytes after the 28 (Ethernet padding) are
 * ignored.  -EBADMSG (truncated, hardware type not 1, protocol not IPv4,
 * lengths not 6/4, op not 1/2) with err set, *a untouched; -EINVAL. */
CS_API int cs_arp_decode(
    struct cs_arp *a, const uint8_t *p, size_t len, struct cs_err *err);
CS_API void cs_arp_encode(const struct cs_arp *a, struct cs_wr *wr);

/* RFC 1071 one's-complement sum folded to 16 bits, starting from `sum`
 * (for pseudo-headers); not complemented. */
CS_API uint32_t cs_inet_sum(uint32_t sum, const uint8_t *p, size_t len);

/* Writes IPv4 (20 bytes, DF clear, TTL 64) + UDP headers + payload with
 * both checksums.  Errors go to wr->err (-EMSGSIZE above 65535). */
CS_API void cs_udp4_build(struct cs_wr *wr, uint32_t src, uint32_t dst,
    uint16_t sport, uint16_t dport, uint16_t ip_id, const uint8_t *payload,
    size_t len);

/* Parses a UDP header in an IPv4 payload: length >= 8 and within the
 * bytes; a non-zero checksum must verify against src/dst.  0 with the
 * ports and a view of the data; -EBADMSG with err set. */
CS_API int cs_udp_hdr_parse(uint32_t src, uint32_t dst, const uint8_t *p,
    size_t len, uint16_t *sport, uint16_t *dport, const uint8_t **data,
    size_t *data_len, struct cs_err *err);

/* An ICMP echo request or reply (RFC 792). */
struct cs_icmp_echo {
	uint8_t type; /* CS_ICMP_ECHO_REQUEST / _REPLY */
	uint16_t id, seq;
	const uint8_t *data; /* view */
	size_t data_len;
};

/* Writes IPv4 (protocol 1) + the echo message with its checksum. */
CS_API void cs_icmp4_echo_build(struct cs_wr *wr, uint32_t src, uint32_t dst,
    uint16_t ip_id, const struct cs_icmp_echo *e);

/* Parses an ICMP message that must be an echo request or reply with a
 * correct checksum.  -EBADMSG (truncated, bad checksum),
 * -EPROTONOSUPPORT (another ICMP type). */
CS_API int cs_icmp_echo_parse(
    struct cs_icmp_echo *e, const uint8_t *p, size_t len, struct cs_err *err);

#endif /* CS_INET_H */
