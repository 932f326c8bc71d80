/* SPDX-License-Identifier: MIT */
/*
 * A worker's sockets behind the transport interface: a UDP socket with a
 * libevent read event, or an endpoint of the in-process network
 * (cs_engine_cfg.net) whose wake activates the event, so a datagram is
 * read on the owning worker's loop either way and the engine's code above
 * cannot tell the two apart.
 */
#include "engine-internal.h"

#include <errno.h>
#include <unistd.h>

/* cs_mem_wake_fn: a datagram waits at the endpoint (any thread). */
static void
eng_sock_wake(void *arg)
{
	struct eng_sock *s = arg;

	if (s->ev != NULL)
		event_active(s->ev, EV_READ, 0);
}

int
eng_sock_open(struct eng_w *w, struct eng_sock *s, uint32_t ip, uint16_t port,
    bool is_group, event_callback_fn cb, void *arg)
{
	struct cs_mem_net *net = w->e->cfg.net;
	int r;

	s->t = NULL;
	s->fd = -1;
	s->ev = NULL;
	if (net != NULL) {
		/* the group key is the engine: another engine on the net
		 * cannot silently join its WLC's group */
		if ((r = cs_transport_mem_bind(&s->t, net, ip, port,
		         is_group ? (const void *)w->e : NULL, eng_sock_wake,
		         s)) < 0)
			return r;
		s->ev = event_new(w->base, -1, 0, cb, arg);
	} else {
		int fd = is_group ? cs_udp_open_reuseport(ip, port)
		                  : cs_udp_open(ip, port, false);

		if (fd < 0)
			return fd;
		s->fd = fd;
		if ((r = cs_transport_udp_new(&s->t, fd)) < 0) {
			eng_sock_close(s);
			return r;
		}
		s->ev = event_new(w->base, fd, EV_READ | EV_PERSIST, cb, arg);
	}
	if (s->ev == NULL) {
		eng_sock_close(s);
		return -ENOMEM;
	}
	return 0;
}

void
eng_sock_listen(struct eng_sock *s)
{
	if (s->ev == NULL)
		return;
	if (s->fd >= 0)
		event_add(s->ev, NULL);
	else
		eng_sock_again(s); /* what came before the loop ran */
}

void
eng_sock_again(struct eng_sock *s)
{
	if (s->fd < 0 && s->ev != NULL && cs_transport_mem_pending(s->t) > 0)
		event_active(s->ev, EV_READ, 0);
}

void
eng_sock_close(struct eng_sock *s)
{
	/* unbound first: no sender wakes the event once it is freed */
	cs_transport_free(s->t);
	s->t = NULL;
	if (s->ev != NULL)
		event_free(s->ev);
	s->ev = NULL;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

uint16_t
eng_sock_port(const struct eng_sock *s)
{
	uint16_t port = 0;

	if (s->fd >= 0)
		(void)cs_udp_local_port(s->fd, &port);
	else
		port = cs_transport_mem_port(s->t);
	return port;
}

int
eng_sock_send(struct eng_sock *s, uint32_t src_ip, uint32_t dst_ip,
    uint16_t dst_port, const uint8_t *pkt, size_t len)
{
	struct cs_pkt_meta m = {
		.src_ip = src_ip,
		.dst_ip = dst_ip,
		.dst_port = dst_port,
		.pkt = pkt,
		.len = len,
		.ap = CS_AP_UNKNOWN,
	};

	if (s->t == NULL)
		return -ENOTCONN;
	return cs_transport_send(s->t, &m);
}

int
eng_sock_recv(
    struct eng_w *w, struct eng_sock *s, struct cs_udp_pkt *pk, unsigned n)
{
	if (n > ENG_RX_BATCH)
		n = ENG_RX_BATCH;
	for (unsigned i = 0; i < n; i++) {
		pk[i].buf = w->rx[i];
		pk[i].cap = sizeof(w->rx[i]);
	}
	return cs_transport_recv(s->t, pk, n);
}
