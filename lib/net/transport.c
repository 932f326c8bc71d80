/* SPDX-License-Identifier: MIT */
/*
 * Transports: the vtable's entry points, the UDP transport over a socket,
 * the in-process pair and the in-process network (see capsim/transport.h).
 */
#include "capsim/transport.h"

#include <errno.h>
#include <pthread.h>
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

int
cs_transport_send_batch(
    struct cs_transport *t, const struct cs_udp_out *out, unsigned n)
{
	unsigned i;

	if (t == NULL || (out == NULL && n > 0))
		return -EINVAL;
	if (n == 0)
		return 0;
	if (t->ops->send_batch != NULL)
		return t->ops->send_batch(t, out, n);
	for (i = 0; i < n; i++) {
		struct cs_pkt_meta m = {
			.src_ip = out[i].src_ip,
			.dst_ip = out[i].dst_ip,
			.dst_port = out[i].dst_port,
			.pkt = out[i].buf,
			.len = out[i].len,
			.ap = CS_AP_UNKNOWN,
		};
		int r = t->ops->send(t, &m);

		if (r < 0)
			return i == 0 ? r : (int)i;
	}
	return (int)i;
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

static int
udp_send_batch(struct cs_transport *t, const struct cs_udp_out *out, unsigned n)
{
	struct transport_udp *u = (struct transport_udp *)t;

	return cs_udp_send_batch(u->fd, out, n);
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
	.send_batch = udp_send_batch,
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

static size_t net_pending(const struct cs_transport *t);

size_t
cs_transport_mem_pending(const struct cs_transport *t)
{
	if (cs_transport_is_mem(t) && t->ops != &mem_ops)
		return net_pending(t);
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

/* ------------------------------------------------------------------ */
/* In-process network */

struct net_ep {
	struct cs_transport t;
	struct cs_mem_net *net;
	struct net_ep *next; /* the network's list, in bind order */
	uint32_t ip;
	uint16_t port;
	const void *group;
	cs_mem_wake_fn *wake;
	void *wake_arg;
	struct mem_dgram *head, **tail;
	size_t n;
	uint32_t drops; /* queue full, since bound (wraps, as SO_RXQ_OVFL) */
};

struct cs_mem_net {
	pthread_mutex_t mu;
	struct net_ep *eps, **eps_tail;
	uint16_t next_port;
	struct cs_mem_net_stats st;
};

int
cs_mem_net_new(struct cs_mem_net **ret)
{
	struct cs_mem_net *net;

	if (ret == NULL)
		return -EINVAL;
	if ((net = calloc(1, sizeof(*net))) == NULL)
		return -ENOMEM;
	pthread_mutex_init(&net->mu, NULL);
	net->eps_tail = &net->eps;
	net->next_port = 32768;
	*ret = net;
	return 0;
}

void
cs_mem_net_free(struct cs_mem_net *net)
{
	if (net == NULL)
		return;
	pthread_mutex_destroy(&net->mu);
	free(net);
}

void
cs_mem_net_stats(struct cs_mem_net *net, struct cs_mem_net_stats *out)
{
	if (net == NULL || out == NULL)
		return;
	pthread_mutex_lock(&net->mu);
	*out = net->st;
	pthread_mutex_unlock(&net->mu);
}

/* The member of (ip, port)'s group that datagrams from src_ip go to:
 * address mod members, in bind order (cs_udp_reuseport_by_src).  The
 * caller holds the lock; first is the first endpoint on (ip, port). */
static struct net_ep *
net_steer(struct net_ep *first, uint32_t src_ip)
{
	struct net_ep *e;
	unsigned n = 0, k;

	if (first->group == NULL)
		return first;
	for (e = first; e != NULL; e = e->next)
		if (e->ip == first->ip && e->port == first->port)
			n++;
	k = src_ip % n;
	for (e = first; e != NULL; e = e->next)
		if (e->ip == first->ip && e->port == first->port && k-- == 0)
			return e;
	return first; /* not reached */
}

/* The first endpoint bound to exactly (ip, port), or NULL. */
static struct net_ep *
net_find(struct cs_mem_net *net, uint32_t ip, uint16_t port)
{
	for (struct net_ep *e = net->eps; e != NULL; e = e->next)
		if (e->ip == ip && e->port == port)
			return e;
	return NULL;
}

static bool
net_port_used(struct cs_mem_net *net, uint16_t port)
{
	for (struct net_ep *e = net->eps; e != NULL; e = e->next)
		if (e->port == port)
			return true;
	return false;
}

/* Queues a copy at @to (lock held) and wakes its owner. */
static void
net_enqueue(struct cs_mem_net *net, struct net_ep *to,
    const struct cs_pkt_meta *m, uint32_t src_ip, uint16_t src_port)
{
	struct mem_dgram *d;

	if (to->n >= CS_MEM_NET_QUEUE_MAX) {
		to->drops++;
		net->st.queue_full++;
		return;
	}
	if ((d = malloc(sizeof(*d) + m->len)) == NULL) {
		to->drops++; /* as a kernel short of buffers would */
		net->st.queue_full++;
		return;
	}
	d->next = NULL;
	d->dir = m->dir;
	d->chan = m->chan;
	d->src_ip = src_ip;
	d->src_port = src_port;
	d->dst_ip = m->dst_ip;
	d->dst_port = m->dst_port;
	d->len = m->len;
	if (m->len > 0)
		memcpy(d->data, m->pkt, m->len);
	*to->tail = d;
	to->tail = &d->next;
	to->n++;
	net->st.delivered++;
	if (to->wake != NULL)
		to->wake(to->wake_arg);
}

static int
net_send(struct cs_transport *t, const struct cs_pkt_meta *m)
{
	struct net_ep *a = (struct net_ep *)t;
	struct cs_mem_net *net = a->net;
	uint32_t src_ip = m->src_ip != 0 ? m->src_ip : a->ip;
	uint16_t src_port = m->src_port != 0 ? m->src_port : a->port;
	struct net_ep *to;

	pthread_mutex_lock(&net->mu);
	if (m->dst_ip == 0xffffffffu) {
		bool any = false;

		/* every address bound to the port hears it once */
		for (struct net_ep *e = net->eps; e != NULL; e = e->next)
			if (e->port == m->dst_port &&
			    net_find(net, e->ip, e->port) == e) {
				net_enqueue(net, net_steer(e, src_ip), m,
				    src_ip, src_port);
				any = true;
			}
		if (!any)
			net->st.no_listener++;
	} else if ((to = net_find(net, m->dst_ip, m->dst_port)) != NULL ||
	    (to = net_find(net, 0, m->dst_port)) != NULL) {
		net_enqueue(net, net_steer(to, src_ip), m, src_ip, src_port);
	} else {
		net->st.no_listener++; /* a closed port: the datagram is lost */
	}
	pthread_mutex_unlock(&net->mu);
	return 0;
}

static int
net_recv(struct cs_transport *t, struct cs_udp_pkt *pk, unsigned n)
{
	struct net_ep *a = (struct net_ep *)t;
	unsigned i;

	pthread_mutex_lock(&a->net->mu);
	for (i = 0; i < n && a->head != NULL; i++) {
		struct mem_dgram *d = a->head;
		size_t len = d->len < pk[i].cap ? d->len : pk[i].cap;

		memcpy(pk[i].buf, d->data, len);
		pk[i].len = len;
		pk[i].is_truncated = d->len > pk[i].cap;
		pk[i].src_ip = d->src_ip;
		pk[i].src_port = d->src_port;
		pk[i].dst_ip = d->dst_ip;
		pk[i].has_rxq_drops = true;
		pk[i].rxq_drops = a->drops;
		if ((a->head = d->next) == NULL)
			a->tail = &a->head;
		a->n--;
		free(d);
	}
	pthread_mutex_unlock(&a->net->mu);
	return (int)i;
}

static void
net_free(struct cs_transport *t)
{
	struct net_ep *a = (struct net_ep *)t;
	struct cs_mem_net *net = a->net;
	struct mem_dgram *d, *next;

	pthread_mutex_lock(&net->mu);
	for (struct net_ep **pp = &net->eps; *pp != NULL; pp = &(*pp)->next)
		if (*pp == a) {
			*pp = a->next;
			break;
		}
	net->eps_tail = &net->eps;
	while (*net->eps_tail != NULL)
		net->eps_tail = &(*net->eps_tail)->next;
	pthread_mutex_unlock(&net->mu);
	for (d = a->head; d != NULL; d = next) {
		next = d->next;
		free(d);
	}
	free(a);
}

static const struct cs_transport_ops net_ops = {
	.name = "in-process",
	.send = net_send,
	.recv = net_recv,
	.free = net_free,
};

static size_t
net_pending(const struct cs_transport *t)
{
	struct net_ep *a = (struct net_ep *)(uintptr_t)t;
	size_t n;

	pthread_mutex_lock(&a->net->mu);
	n = a->n;
	pthread_mutex_unlock(&a->net->mu);
	return n;
}

int
cs_transport_mem_bind(struct cs_transport **ret, struct cs_mem_net *net,
    uint32_t ip, uint16_t port, const void *group, cs_mem_wake_fn *wake,
    void *wake_arg)
{
	struct net_ep *a, *old;
	int r = 0;

	if (ret == NULL || net == NULL)
		return -EINVAL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return -ENOMEM;
	a->t.ops = &net_ops;
	a->net = net;
	a->ip = ip;
	a->group = group;
	a->wake = wake;
	a->wake_arg = wake_arg;
	a->tail = &a->head;
	pthread_mutex_lock(&net->mu);
	if (port == 0) {
		/* a free port of the net's own, as the kernel's ephemeral
		 * range; 32768 ports before it gives up */
		for (unsigned tries = 0; tries < 32768; tries++) {
			uint16_t p = net->next_port;

			net->next_port = p == 65535 ? 32768 : (uint16_t)(p + 1);
			if (!net_port_used(net, p)) {
				port = p;
				break;
			}
		}
		if (port == 0)
			r = -EADDRINUSE;
	} else if ((old = net_find(net, ip, port)) != NULL &&
	    (group == NULL || old->group != group)) {
		r = -EADDRINUSE;
	}
	if (r == 0) {
		a->port = port;
		*net->eps_tail = a;
		net->eps_tail = &a->next;
	}
	pthread_mutex_unlock(&net->mu);
	if (r < 0) {
		free(a);
		return r;
	}
	*ret = &a->t;
	return 0;
}

uint16_t
cs_transport_mem_port(const struct cs_transport *t)
{
	if (t == NULL || t->ops != &net_ops)
		return 0;
	return ((const struct net_ep *)t)->port;
}

bool
cs_transport_is_mem(const struct cs_transport *t)
{
	return t != NULL && (t->ops == &net_ops || t->ops == &mem_ops);
}
