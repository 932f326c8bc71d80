/* SPDX-License-Identifier: MIT */
/*
 * A transport moves datagrams, described by a struct cs_pkt_meta
 * (direction, channel, addresses, bytes).  One vtable (in the style of
 * Redis's connection types) with these kinds behind it: a UDP socket
 * (cs_transport_udp_new), an in-process network of endpoints bound to
 * addresses (cs_transport_mem_bind: the engine runs on it without
 * sockets, cs_engine_cfg.net), an in-process pair for tests
 * (cs_transport_mem_pair), and decorators such as the packet path's
 * impairment executor (capsim/path.h), which is a transport over another.
 * Every socket of the engine is one of the first two.
 */
#ifndef CS_TRANSPORT_H
#define CS_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

struct cs_pkt_meta;
struct cs_udp_out;
struct cs_udp_pkt;
struct cs_transport;
struct cs_mem_net;

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
	/* Sends out[0..n) in one go (sendmmsg).  @return how many left (>=
	 * 1), or -errno when the first failed.  NULL: one send each. */
	int (*send_batch)(
	    struct cs_transport *t, const struct cs_udp_out *out, unsigned n);
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
/* Sends a batch (struct cs_udp_out: bytes, source address, destination)
 * on the channel's transport.  @return how many left (>= 1) or -errno
 * when the first was refused (the caller counts it and goes on); n == 0
 * returns 0. */
CS_API int cs_transport_send_batch(
    struct cs_transport *t, const struct cs_udp_out *out, unsigned n);
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
/* Datagrams waiting at end @t (of a pair, or an endpoint of a
 * cs_mem_net below); 0 for any other transport. */
CS_API size_t cs_transport_mem_pending(const struct cs_transport *t);
/* Direction and channel of the next waiting datagram (in-process only:
 * a socket does not carry them).  @return 0; -ENOENT when none waits. */
CS_API int cs_transport_mem_peek(
    const struct cs_transport *t, struct cs_pkt_meta *m);

/*
 * An in-process network: endpoints bound to (address, port) inside one
 * process, no sockets.  A datagram sent by one endpoint is queued at the
 * endpoint bound to its destination, which is told through its wake
 * callback (the engine activates a libevent event, so delivery happens on
 * the receiver's event loop).  Thread-safe: endpoints may live on
 * different threads.  Semantics follow UDP over the kernel's loopback:
 *   - a destination nobody is bound to swallows the datagram (counted,
 *     as a closed port would; no error for the sender);
 *   - a full receive queue (CS_MEM_NET_QUEUE_MAX datagrams) drops it
 *     and the receiver sees the count with its next datagrams, as
 *     SO_RXQ_OVFL reports it (cs_udp_pkt.rxq_drops);
 *   - address 0 binds every address; 255.255.255.255 reaches every
 *     endpoint bound to the port;
 *   - endpoints that bind one (address, port) with the same non-NULL
 *     group key form a group, like SO_REUSEPORT steered by source
 *     (cs_udp_reuseport_by_src): the datagrams of one source address
 *     go to member (address mod n) in bind order;
 *   - a sender's meta gives the source: src_ip (0 = the bound address)
 *     and src_port (0 = the bound port), so tests can spoof as a raw
 *     socket could.
 */
#define CS_MEM_NET_QUEUE_MAX 4096

/* Called with the network's lock held, from the sender's thread, when a
 * datagram was queued at the endpoint: must not call into the network
 * (libevent's event_active is fine). */
typedef void cs_mem_wake_fn(void *arg);

CS_API int cs_mem_net_new(struct cs_mem_net **ret);
/* Every endpoint must be freed first.  NULL is a no-op. */
CS_API void cs_mem_net_free(struct cs_mem_net *net);

struct cs_mem_net_stats {
	uint64_t delivered; /* queued at an endpoint */
	uint64_t no_listener;
	uint64_t queue_full;
};
CS_API void cs_mem_net_stats(
    struct cs_mem_net *net, struct cs_mem_net_stats *out);

/* Binds an endpoint of @net (borrowed: it must outlive the endpoint) to
 * @ip:@port (port 0: a free port of the net's own, from 32768).  @group
 * as above (NULL: the address is its alone).  @wake may be NULL (the
 * owner polls).  @return 0; -EADDRINUSE; -EINVAL; -ENOMEM. */
CS_API int cs_transport_mem_bind(struct cs_transport **ret,
    struct cs_mem_net *net, uint32_t ip, uint16_t port, const void *group,
    cs_mem_wake_fn *wake, void *wake_arg);
/* The bound port of an endpoint (0 for another kind of transport). */
CS_API uint16_t cs_transport_mem_port(const struct cs_transport *t);
/* Whether @t is an endpoint of an in-process network. */
CS_API bool cs_transport_is_mem(const struct cs_transport *t);

#endif /* CS_TRANSPORT_H */
