/* SPDX-License-Identifier: MIT */
/*
 * `capsim proxy` relay: listening sockets for the AP side (control and
 * data), one upstream socket per client like a real middlebox, and the
 * packet path's executor (capsim/path.h, the same as `capsim run`'s) in
 * between, over this relay's sockets as its transport.  Delayed and held
 * packets are handed on from a timer armed at the executor's next due time
 * (and a 5 ms tick).  Kinds come from the wire only (no sender hints).
 */
#include "capsim/proxy.h"

#include <errno.h>
#include <event2/event.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capsim/path.h"
#include "capsim/transport.h"
#include "capsim/udp.h"

#define PROXY_MAX_DGRAM  65536
#define PROXY_BATCH      16
#define PROXY_TICK_MS    5
#define PROXY_MAX_APS    65536
#define PROXY_DEF_CLIENT 512

struct proxy_client {
	struct cs_proxy *p;
	uint32_t ip;
	uint16_t port;
	enum cs_chan chan;
	unsigned ap;
	int fd; /* upstream socket */
	struct event *ev;
	uint64_t last_ms;
	bool used;
};

struct cs_proxy {
	struct cs_proxy_cfg cfg;
	struct event_base *base;
	int lfd[2]; /* by enum cs_chan */
	struct event *lev[2];
	struct event *tick;
	struct event *due; /* the executor's next due time */
	struct proxy_client *cl;
	unsigned n_cl;
	uint32_t *ap_ips; /* AP index -> client IP */
	unsigned n_aps, cap_aps;
	struct cs_transport wire; /* this relay's sockets, below the path */
	struct cs_path *path;
	uint64_t t0_ns;
	struct cs_proxy_stats st;
	uint8_t buf[PROXY_BATCH][PROXY_MAX_DGRAM];
};

static uint64_t
proxy_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t
cs_proxy_now_ms(const struct cs_proxy *p)
{
	return (proxy_mono_ns() - p->t0_ns) / 1000000ull;
}

void
cs_proxy_link_down(struct cs_proxy *p, uint64_t until_ms)
{
	if (p != NULL)
		cs_path_link_down(p->path, until_ms);
}

void
cs_proxy_stats(const struct cs_proxy *p, struct cs_proxy_stats *out)
{
	struct cs_path_stats ps;

	if (p == NULL || out == NULL)
		return;
	*out = p->st;
	cs_path_stats(p->path, &ps);
	out->dropped = ps.dropped;
	out->held = ps.held;
	out->delayed = ps.delayed;
	out->link_down_dropped = ps.link_down_dropped;
	out->send_errors += ps.send_errors;
}

static uint16_t
proxy_port(const struct cs_proxy *p, enum cs_chan ch, bool upstream)
{
	uint16_t base = upstream ? p->cfg.upstream_port : p->cfg.listen_port;

	return (uint16_t)(base + (ch == CS_CHAN_DATA ? 1 : 0));
}

/* AP index of a client address: order of first appearance. */
static unsigned
proxy_ap_index(struct cs_proxy *p, uint32_t ip)
{
	unsigned i;

	for (i = 0; i < p->n_aps; i++)
		if (p->ap_ips[i] == ip)
			return i;
	if (p->n_aps >= PROXY_MAX_APS)
		return CS_AP_UNKNOWN;
	if (p->n_aps == p->cap_aps) {
		unsigned cap = p->cap_aps ? p->cap_aps * 2 : 64;
		uint32_t *n = realloc(p->ap_ips, cap * sizeof(*n));

		if (n == NULL)
			return CS_AP_UNKNOWN;
		p->ap_ips = n;
		p->cap_aps = cap;
	}
	p->ap_ips[p->n_aps] = ip;
	return p->n_aps++;
}

static struct proxy_client *
proxy_client_find(
    struct cs_proxy *p, uint32_t ip, uint16_t port, enum cs_chan ch)
{
	unsigned i;

	for (i = 0; i < p->n_cl; i++) {
		struct proxy_client *c = &p->cl[i];

		if (c->used && c->ip == ip && c->port == port && c->chan == ch)
			return c;
	}
	return NULL;
}

static void
proxy_client_close(struct proxy_client *c)
{
	if (!c->used)
		return;
	if (c->ev != NULL)
		event_free(c->ev);
	if (c->fd >= 0)
		close(c->fd);
	c->ev = NULL;
	c->fd = -1;
	c->used = false;
	c->p->st.clients_now--;
}

static void proxy_on_upstream(evutil_socket_t fd, short what, void *arg);

static struct proxy_client *
proxy_client_new(
    struct cs_proxy *p, uint32_t ip, uint16_t port, enum cs_chan ch)
{
	struct proxy_client *c = NULL;
	uint32_t src =
	    p->cfg.upstream_src_ip ? p->cfg.upstream_src_ip : p->cfg.listen_ip;
	unsigned i;
	int fd;

	for (i = 0; i < p->n_cl; i++)
		if (!p->cl[i].used) {
			c = &p->cl[i];
			break;
		}
	if (c == NULL) {
		p->st.clients_refused++;
		return NULL;
	}
	if ((fd = cs_udp_open(src, 0, false)) < 0) {
		p->st.clients_refused++;
		cs_logf(&p->cfg.log, CS_LOG_WARN,
		    "proxy: cannot open an upstream socket: %s", strerror(-fd));
		return NULL;
	}
	memset(c, 0, sizeof(*c));
	c->p = p;
	c->ip = ip;
	c->port = port;
	c->chan = ch;
	c->fd = fd;
	c->ap = proxy_ap_index(p, ip);
	c->ev =
	    event_new(p->base, fd, EV_READ | EV_PERSIST, proxy_on_upstream, c);
	if (c->ev == NULL || event_add(c->ev, NULL) < 0) {
		if (c->ev != NULL)
			event_free(c->ev);
		close(fd);
		p->st.clients_refused++;
		return NULL;
	}
	c->used = true;
	p->st.clients++;
	p->st.clients_now++;
	return c;
}

/* Sends one datagram on its way: up through the client's upstream
 * socket, down from the listening socket of its channel. */
static void
proxy_emit(struct cs_proxy *p, enum cs_dir dir, enum cs_chan ch, uint32_t ip,
    uint16_t port, const uint8_t *pkt, size_t len)
{
	int r;

	if (dir == CS_DIR_UP) {
		struct proxy_client *c = proxy_client_find(p, ip, port, ch);

		if (c == NULL) {
			p->st.send_errors++; /* client expired meanwhile */
			return;
		}
		r = cs_udp_send(c->fd, 0, p->cfg.upstream_ip,
		    proxy_port(p, ch, true), pkt, len);
		if (r >= 0)
			p->st.up_tx++;
	} else {
		r = cs_udp_send(
		    p->lfd[ch], p->cfg.listen_ip, ip, port, pkt, len);
		if (r >= 0)
			p->st.down_tx++;
	}
	if (r < 0)
		p->st.send_errors++;
}

/* The transport below the executor: up through the client's upstream
 * socket (the client is the source), down to the client. */
static int
proxy_wire_send(struct cs_transport *t, const struct cs_pkt_meta *m)
{
	struct cs_proxy *p =
	    (struct cs_proxy *)((char *)t - offsetof(struct cs_proxy, wire));

	if (m->dir == CS_DIR_UP)
		proxy_emit(
		    p, m->dir, m->chan, m->src_ip, m->src_port, m->pkt, m->len);
	else
		proxy_emit(
		    p, m->dir, m->chan, m->dst_ip, m->dst_port, m->pkt, m->len);
	return 0; /* proxy_emit counts its own send errors */
}

static const struct cs_transport_ops proxy_wire_ops = {
	.name = "proxy-udp",
	.send = proxy_wire_send,
};

/* Arms the timer at the executor's next due time. */
static void
proxy_arm(struct cs_proxy *p)
{
	uint64_t when, now = cs_proxy_now_ms(p);
	struct timeval tv;

	if (cs_path_next_due(p->path, &when) < 0) {
		evtimer_del(p->due);
		return;
	}
	when = when > now ? when - now : 0;
	tv.tv_sec = (time_t)(when / 1000);
	tv.tv_usec = (suseconds_t)(when % 1000) * 1000;
	evtimer_add(p->due, &tv);
}

static void
proxy_on_due(evutil_socket_t fd, short what, void *arg)
{
	struct cs_proxy *p = arg;

	(void)fd;
	(void)what;
	(void)cs_path_poll(p->path, cs_proxy_now_ms(p));
	proxy_arm(p);
}

/* One datagram onto the packet path.  (ip, port) is the client. */
static void
proxy_handle(struct cs_proxy *p, struct proxy_client *c, enum cs_dir dir,
    const uint8_t *pkt, size_t len)
{
	struct cs_pkt_meta m;
	uint64_t now = cs_proxy_now_ms(p);

	memset(&m, 0, sizeof(m));
	m.dir = dir;
	m.chan = c->chan;
	m.ap = c->ap;
	m.pkt = pkt;
	m.len = len;
	m.now_ms = now;
	if (dir == CS_DIR_UP) {
		m.src_ip = c->ip;
		m.src_port = c->port;
		m.dst_ip = p->cfg.upstream_ip;
		m.dst_port = proxy_port(p, c->chan, true);
	} else {
		m.src_ip = p->cfg.upstream_ip;
		m.src_port = proxy_port(p, c->chan, true);
		m.dst_ip = c->ip;
		m.dst_port = c->port;
	}
	c->last_ms = now;
	(void)cs_path_send(p->path, &m);
	proxy_arm(p);
}

static void
proxy_on_listen(evutil_socket_t fd, short what, void *arg)
{
	struct cs_proxy *p = arg;
	enum cs_chan ch =
	    fd == p->lfd[CS_CHAN_DATA] ? CS_CHAN_DATA : CS_CHAN_CONTROL;
	struct cs_udp_pkt pk[PROXY_BATCH];
	int n, i;

	(void)what;
	for (i = 0; i < PROXY_BATCH; i++) {
		pk[i].buf = p->buf[i];
		pk[i].cap = PROXY_MAX_DGRAM;
	}
	if ((n = cs_udp_recv_batch(fd, pk, PROXY_BATCH)) <= 0)
		return;
	for (i = 0; i < n; i++) {
		struct proxy_client *c;

		p->st.up_rx++;
		if (pk[i].is_truncated)
			continue;
		c = proxy_client_find(p, pk[i].src_ip, pk[i].src_port, ch);
		if (c == NULL &&
		    (c = proxy_client_new(
		         p, pk[i].src_ip, pk[i].src_port, ch)) == NULL)
			continue;
		proxy_handle(p, c, CS_DIR_UP, pk[i].buf, pk[i].len);
	}
}

static void
proxy_on_upstream(evutil_socket_t fd, short what, void *arg)
{
	struct proxy_client *c = arg;
	struct cs_proxy *p = c->p;
	struct cs_udp_pkt pk[PROXY_BATCH];
	int n, i;

	(void)what;
	for (i = 0; i < PROXY_BATCH; i++) {
		pk[i].buf = p->buf[i];
		pk[i].cap = PROXY_MAX_DGRAM;
	}
	if ((n = cs_udp_recv_batch(fd, pk, PROXY_BATCH)) <= 0)
		return;
	for (i = 0; i < n; i++) {
		if (pk[i].src_ip != p->cfg.upstream_ip || pk[i].is_truncated) {
			p->st.stray++;
			continue;
		}
		p->st.down_rx++;
		proxy_handle(p, c, CS_DIR_DOWN, pk[i].buf, pk[i].len);
		if (!c->used)
			break;
	}
}

static void
proxy_on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct cs_proxy *p = arg;
	uint64_t now = cs_proxy_now_ms(p);
	unsigned i;

	(void)fd;
	(void)what;
	(void)cs_path_poll(p->path, now);
	proxy_arm(p);
	for (i = 0; i < p->n_cl; i++) {
		struct proxy_client *c = &p->cl[i];

		if (c->used && now > c->last_ms &&
		    now - c->last_ms > p->cfg.client_idle_ms) {
			proxy_client_close(c);
			p->st.clients_expired++;
		}
	}
}

int
cs_proxy_new(struct cs_proxy **ret, struct event_base *base,
    const struct cs_proxy_cfg *cfg)
{
	struct cs_proxy *p;
	struct timeval tv = { 0, PROXY_TICK_MS * 1000 };
	struct cs_path_cfg pc = { 0 };
	int r, ch;

	if (ret == NULL || base == NULL || cfg == NULL || cfg->listen_ip == 0 ||
	    cfg->upstream_ip == 0 || cfg->listen_port == 0 ||
	    cfg->listen_port == 65535 || cfg->upstream_port == 0 ||
	    cfg->upstream_port == 65535)
		return -EINVAL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -ENOMEM;
	p->cfg = *cfg;
	p->base = base;
	p->lfd[0] = p->lfd[1] = -1;
	if (p->cfg.max_clients == 0)
		p->cfg.max_clients = PROXY_DEF_CLIENT;
	if (p->cfg.client_idle_ms == 0)
		p->cfg.client_idle_ms = 300000;
	p->t0_ns = proxy_mono_ns();
	p->wire.ops = &proxy_wire_ops;
	pc.next = &p->wire;
	pc.imp = cfg->imp;
	pc.on_verdict = cfg->on_verdict;
	pc.ctx = cfg->ctx;
	if ((r = cs_path_new(&p->path, &pc)) < 0)
		goto fail;
	if ((p->due = evtimer_new(base, proxy_on_due, p)) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	p->n_cl = p->cfg.max_clients;
	if ((p->cl = calloc(p->n_cl, sizeof(*p->cl))) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	for (ch = 0; ch < 2; ch++) {
		uint16_t port = proxy_port(p, (enum cs_chan)ch, false);

		if ((r = cs_udp_open(p->cfg.listen_ip, port, false)) < 0)
			goto fail;
		p->lfd[ch] = r;
		p->lev[ch] = event_new(
		    base, r, EV_READ | EV_PERSIST, proxy_on_listen, p);
		if (p->lev[ch] == NULL || event_add(p->lev[ch], NULL) < 0) {
			r = -ENOMEM;
			goto fail;
		}
	}
	p->tick = event_new(base, -1, EV_PERSIST, proxy_on_tick, p);
	if (p->tick == NULL || event_add(p->tick, &tv) < 0) {
		r = -ENOMEM;
		goto fail;
	}
	*ret = p;
	return 0;
fail:
	cs_proxy_free(p);
	return r;
}

void
cs_proxy_free(struct cs_proxy *p)
{
	unsigned i;
	int ch;

	if (p == NULL)
		return;
	if (p->due != NULL)
		event_free(p->due);
	cs_path_free(p->path);
	for (i = 0; p->cl != NULL && i < p->n_cl; i++)
		proxy_client_close(&p->cl[i]);
	for (ch = 0; ch < 2; ch++) {
		if (p->lev[ch] != NULL)
			event_free(p->lev[ch]);
		if (p->lfd[ch] >= 0)
			close(p->lfd[ch]);
	}
	if (p->tick != NULL)
		event_free(p->tick);
	free(p->cl);
	free(p->ap_ips);
	free(p);
}
