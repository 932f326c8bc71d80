/* SPDX-License-Identifier: MIT */
/*
 * UDP transport for many source addresses on few sockets (DESIGN.md
 * "Scale model"): one socket bound to a wildcard or specific address
 * sends each datagram with its own source address (IP_PKTINFO) and
 * receives, in batches (recvmmsg), datagrams for many local addresses,
 * each tagged with the address it was sent to, so the caller can
 * demultiplex by destination.  IPv4 addresses are in host byte order.
 */
#ifndef CS_UDP_H
#define CS_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

struct cs_udp_pkt {
	uint8_t *buf;    /* caller's buffer */
	size_t cap;      /* its size */
	size_t len;      /* received length */
	uint32_t src_ip; /* sender */
	uint16_t src_port;
	uint32_t dst_ip;    /* local address it was sent to (IP_PKTINFO) */
	bool is_truncated;  /* datagram was longer than cap */
	bool has_rxq_drops; /* rxq_drops below was reported */
	uint32_t rxq_drops; /* datagrams the kernel dropped on this socket's
	                       full receive queue since it opened
	                       (SO_RXQ_OVFL; wraps at 2^32) */
};

/* Opens a non-blocking UDP socket bound to bind_ip:bind_port (0 = any /
 * ephemeral) with IP_PKTINFO, SO_RXQ_OVFL (kernel drops reported with
 * each datagram), and IP_FREEBIND when `freebind` so that a specific
 * address need not be configured yet.  Returns the fd or -errno. */
CS_API int cs_udp_open(uint32_t bind_ip, uint16_t bind_port, bool freebind);
/* The same with SO_REUSEPORT, for a group of sockets on one address
 * (one per worker thread). */
CS_API int cs_udp_open_reuseport(uint32_t bind_ip, uint16_t bind_port);
/* A socket on a specific address beside a wildcard one on the same port
 * (SO_REUSEADDR): a DHCP relay agent's giaddr socket next to a local
 * DHCP server that listens on 0.0.0.0 (the kernel delivers to the most
 * specific bind). */
CS_API int cs_udp_open_shared(uint32_t bind_ip, uint16_t bind_port);
/* Steers the datagrams of a SO_REUSEPORT group by source address: every
 * datagram from one peer IPv4 address reaches the same socket (index =
 * address mod n_socks, in the order the sockets were bound).  Set on one
 * socket of the group once all n_socks are bound.  -errno on failure. */
CS_API int cs_udp_reuseport_by_src(int fd, unsigned n_socks);
/* Allows sending to broadcast addresses (SO_BROADCAST): an AP's
 * Discovery Request to 255.255.255.255 (RFC 5415 §3.3) goes out of the
 * interface that owns its source address.  0 or -errno. */
CS_API int cs_udp_set_broadcast(int fd);
CS_API int cs_udp_local_port(int fd, uint16_t *port);
/* The source address the kernel picks for datagrams to dst (a connected
 * UDP socket, no datagram sent): 0 and *src_ip, or -errno (-ENETUNREACH:
 * no route). */
CS_API int cs_udp_route_src(
    uint32_t dst_ip, uint16_t dst_port, uint32_t *src_ip);
/* Sizes the receive and send buffers (bytes; 0 leaves one as it is):
 * SO_RCVBUFFORCE/SO_SNDBUFFORCE when allowed (CAP_NET_ADMIN), else up
 * to the system's rmem_max/wmem_max.  *rcv_got (may be NULL) receives
 * the receive buffer the kernel granted, as it accounts it (about twice
 * the payload it holds).  0 or -errno. */
CS_API int cs_udp_set_buffers(
    int fd, size_t rcv_bytes, size_t snd_bytes, size_t *rcv_got);
/* Sends one datagram from src_ip (0 = let the kernel choose). */
CS_API int cs_udp_send(int fd, uint32_t src_ip, uint32_t dst_ip,
    uint16_t dst_port, const void *p, size_t len);
/* One datagram to send in a batch. */
struct cs_udp_out {
	const uint8_t *buf;
	size_t len;
	uint32_t src_ip; /* 0 = let the kernel choose */
	uint32_t dst_ip;
	uint16_t dst_port;
};

/* Sends up to 64 datagrams with one sendmmsg call (more calls when the
 * kernel takes fewer).  Returns how many left, or -errno when the first
 * one failed; the caller counts the rest as lost. */
CS_API int cs_udp_send_batch(int fd, const struct cs_udp_out *out, unsigned n);
/* Receives up to n datagrams without blocking; returns how many (0 when
 * none is waiting) or -errno. */
CS_API int cs_udp_recv_batch(int fd, struct cs_udp_pkt *pkts, unsigned n);
/* Formats a host-order IPv4 address into buf (at least 16 bytes). */
CS_API const char *cs_ipv4_str(uint32_t ip, char *buf);
/* Parses dotted-quad text; -EINVAL when it is not one. */
CS_API int cs_ipv4_parse(const char *s, uint32_t *ip);

#endif /* CS_UDP_H */
