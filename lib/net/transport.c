/* SPDX-License-Identifier: MIT */
/*
 * Transports: the vtable's entry points, the UDP transport over a socket
 * and the in-process pair (see capsim/transport.h).
 */
#include "capsim/transport.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/impair.h"
#include "capsim/udp.h"

int
cs_transport_send(struct cs_transport *t, const struct cs_pkt_meta *m)
{
	if (t == NULL || m == NULL || (m->pkt == NULL && m->len > 0))
		return -EINVAL;
	return t->ops->send(t, m);
}

int
cs_transport_recv(struct cs_transport *t, struct cs_udp_pkt *pk, unsigned n)
{
	if (t == NULL || (pk == NULL && n > 0))
		return -EINVAL;
	if (t->ops->recv == NULL)
		return -EOPNOTSUPP;
	return t->ops->recv(t, pk, n);
}

void
cs_transport_free(struct cs_transport *t)
{
	if (t != NULL && t->ops->free != NULL)
		t->ops->free(t);
}

/* ------------------------------------------------------------------ */
/* UDP */

struct transport_udp {
	struct cs_transport t;
	int fd;
};

static int
udp_send(struct cs_transport *t, const struct cs_pkt_meta *m)
{
	struct transport_udp *u = (struct transport_udp *)t;
	int r = cs_udp_send(
	    u->fd, m->src_ip, m->dst_ip, m->dst_port, m->pkt, m->len);

	return r < 0 ? r : 0;
}

static int
udp_recv(struct cs_transport *t, struct cs_udp_pkt *pk, unsigned n)
{
	struct transport_udp *u = (struct transport_udp *)t;

	return cs_udp_recv_batch(u->fd, pk, n);
}

static void
udp_free(struct cs_transport *t)
{
	free(t);
}

static const struct cs_transport_ops udp_ops = {
	.name = "udp",
	.send = udp_send,
	.recv = udp_recv,
	.free = udp_free,
};

int
cs_transport_udp_new(struct cs_transport **ret, int fd)
{
	struct transport_udp *u;

	if (ret == NULL || fd < 0)
		return -EINVAL;
	if ((u = calloc(1, sizeof(*u))) == NULL)
		return -ENOMEM;
	u->t.ops = &udp_ops;
	u->fd = fd;
	*ret = &u->t;
	return 0;
}

/* ------------------------------------------------------------------ */
/* In-process pair */

struct mem_dgram {
	struct mem_dgram *next;
	enum cs_dir dir;
	enum cs_chan chan;
	uint32_t src_ip, dst_ip;
	uint16_t src_port, dst_port;
	size_t len;
	uint8_t data[];
};

struct transport_mem {
	struct cs_transport t;
	struct transport_mem *peer; /* NULL once the other end is freed */
	struct mem_dgram *head, **tail;
	size_t n;
};

static int
mem_send(struct cs_transport *t, const struct cs_pkt_meta *m)
{
	struct transport_mem *a = (struct transport_mem *)t;
	struct transport_mem *b = a->peer;
	struct mem_dgram *d;

	if (b == NULL)
		return -ENOTCONN;
	if (b->n >= CS_TRANSPORT_MEM_MAX)
		return -ENOBUFS;
	if ((d = malloc(sizeof(*d) + m->len)) == NULL)
		return -ENOMEM;
	d->next = NULL;
	d->dir = m->dir;
	d->chan = m->chan;
	d->src_ip = m->src_ip;
	d->src_port = m->src_port;
	d->dst_ip = m->dst_ip;
	d->dst_port = m->dst_port;
	d->len = m->len;
	if (m->len > 0)
		memcpy(d->data, m->pkt, m->len);
	*b->tail = d;
	b->tail = &d->next;
	b->n++;
	return 0;
}

static int
mem_recv(struct cs_transport *t, struct cs_udp_pkt *pk, unsigned n)
{
	struct transport_mem *a = (struct transport_mem *)t;
	unsigned i;

	for (i = 0; i < n && a->head != NULL; i++) {
		struct mem_dgram *d = a->head;
		size_t len = d->len < pk[i].cap ? d->len : pk[i].cap;

		memcpy(pk[i].buf, d->data, len);
		pk[i].len = len;
		pk[i].is_truncated = d->len > pk[i].cap;
		pk[i].src_ip = d->src_ip;
		pk[i].src_port = d->src_port;
		pk[i].dst_ip = d->dst_ip;
		if ((a->head = d->next) == NULL)
			a->tail = &a->head;
		a->n--;
		free(d);
	}
	return (int)i;
}

static void
mem_free(struct cs_transport *t)
{
	struct transport_mem *a = (struct transport_mem *)t;
	struct mem_dgram *d, *next;

	if (a->peer != NULL)
		a->peer->peer = NULL;
	for (d = a->head; d != NULL; d = next) {
		next = d->next;
		free(d);
	}
	free(a);
}

static const struct cs_transport_ops mem_ops = {
	.name = "mem",
	.send = mem_send,
	.recv = mem_recv,
	.free = mem_free,
};

int
cs_transport_mem_pair(struct cs_transport **a, struct cs_transport **b)
{
	struct transport_mem *x, *y;

	if (a == NULL || b == NULL)
		return -EINVAL;
	x = calloc(1, sizeof(*x));
	y = calloc(1, sizeof(*y));
	if (x == NULL || y == NULL) {
		free(x);
		free(y);
		return -ENOMEM;
	}
	x->t.ops = y->t.ops = &mem_ops;
	x->peer = y;
	y->peer = x;
	x->tail = &x->head;
	y->tail = &y->head;
	*a = &x->t;
	*b = &y->t;
	return 0;
}

size_t
cs_transport_mem_pending(const struct cs_transport *t)
{
	if (t == NULL || t->ops != &mem_ops)
		return 0;
	return ((const struct transport_mem *)t)->n;
}

int
cs_transport_mem_peek(const struct cs_transport *t, struct cs_pkt_meta *m)
{
	const struct transport_mem *a = (const struct transport_mem *)t;

	if (t == NULL || m == NULL || t->ops != &mem_ops)
		return -EINVAL;
	if (a->head == NULL)
		return -ENOENT;
	memset(m, 0, sizeof(*m));
	m->dir = a->head->dir;
	m->chan = a->head->chan;
	m->src_ip = a->head->src_ip;
	m->src_port = a->head->src_port;
	m->dst_ip = a->head->dst_ip;
	m->dst_port = a->head->dst_port;
	m->pkt = a->head->data;
	m->len = a->head->len;
	m->ap = CS_AP_UNKNOWN;
	return 0;
}
