/* SPDX-License-Identifier: MIT */
/*
 * A transport moves datagrams, described by a struct cs_pkt_meta
 * (direction, channel, addresses, bytes).  One vtable (in the style of
 * Redis's connection types) with three kinds behind it: a UDP socket
 * (cs_transport_udp_new), an in-process pair for tests
 * (cs_transport_mem_pair), and decorators such as the packet path's
 * impairment executor (capsim/path.h), which is a transport over another.
 * The engine and the proxy give their own sockets a send op of this shape.
 */
#ifndef CS_TRANSPORT_H
#define CS_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

struct cs_pkt_meta;
struct cs_udp_pkt;
struct cs_transport;

struct cs_transport_ops {
	const char *name;
	/* Sends m->pkt[0..m->len) from m->src to m->dst.  The bytes and
	 * m are borrowed for the call.  @return 0 or -errno. */
	int (*send)(struct cs_transport *t, const struct cs_pkt_meta *m);
	/* Receives up to @n datagrams into the caller's pk[i].buf/cap.
	 * @return the number received (0: none waiting), -errno.  NULL
	 * when the transport only sends (a sink). */
	int (*recv)(struct cs_transport *t, struct cs_udp_pkt *pk, unsigned n);
	/* Frees the transport (not what it decorates).  May be NULL. */
	void (*free)(struct cs_transport *t);
};

/* The common head of every transport; kinds embed it first. */
struct cs_transport {
	const struct cs_transport_ops *ops;
};

CS_API int cs_transport_send(
    struct cs_transport *t, const struct cs_pkt_meta *m);
/* @return as ops->recv; -EOPNOTSUPP for a send-only transport. */
CS_API int cs_transport_recv(
    struct cs_transport *t, struct cs_udp_pkt *pk, unsigned n);
/* NULL is a no-op. */
CS_API void cs_transport_free(struct cs_transport *t);

/* A UDP socket (borrowed: the caller closes it).  send uses m->src_ip as
 * the source address (IP_PKTINFO; 0 = the kernel's choice). */
CS_API int cs_transport_udp_new(struct cs_transport **ret, int fd);

/* Two connected in-process ends: what one sends, the other receives, in
 * order, with its addresses (dst_ip as IP_PKTINFO would give it).  At
 * most CS_TRANSPORT_MEM_MAX datagrams wait at an end; more are refused
 * with -ENOBUFS, as a full socket buffer would. */
#define CS_TRANSPORT_MEM_MAX 1024
CS_API int cs_transport_mem_pair(
    struct cs_transport **a, struct cs_transport **b);
/* Datagrams waiting at end @t. */
CS_API size_t cs_transport_mem_pending(const struct cs_transport *t);
/* Direction and channel of the next waiting datagram (in-process only:
 * a socket does not carry them).  @return 0; -ENOENT when none waits. */
CS_API int cs_transport_mem_peek(
    const struct cs_transport *t, struct cs_pkt_meta *m);

#endif /* CS_TRANSPORT_H */
