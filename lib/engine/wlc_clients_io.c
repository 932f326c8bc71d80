/* SPDX-License-Identifier: MIT */
/*
 * The mock WLC's client I/O in the engine (issue 14): the DHCP relay
 * socket and the clients' periodic tick.
 *
 * The relay is one UDP socket of worker 0 bound to the first WLAN's
 * gateway address (the relay agent's giaddr) and the server's port: a
 * DHCP server answers a relay agent on the server port at giaddr (RFC
 * 2131 §4.1), so every answer reaches that one socket.  The clients live
 * in the WLC shard of their AP (the shards are steered by the AP's
 * address); a reply for a client of another shard is handed to that
 * shard's thread through its mailbox and served on its loop.
 */
#include "engine-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/udp.h"
#include "capsim/values.h"
#include "capsim/wlc_clients.h"

#define ENG_TICK_MS  100  /* WPA2-PSK retransmissions are 1 s apart */
#define ENG_MAIL_MAX 4096 /* replies waiting per shard; more are lost */

struct eng_mail {
	struct eng_mail *next;
	size_t len;
	uint8_t data[];
};

int
eng_wlc_relay(void *ctx, uint32_t server, uint32_t giaddr, const uint8_t *dhcp,
    size_t len)
{
	struct eng_w *w = ctx;
	struct cs_engine *e = w->e;
	struct eng_w *w0 = e->w[0];
	uint16_t port = e->cfg.wlc_dhcp_port ? e->cfg.wlc_dhcp_port : 67;

	(void)giaddr; /* the socket's own address */
	/* a datagram send on a socket: safe from any worker's thread */
	return eng_sock_send(&w0->relay_sock, 0, server, port, dhcp, len);
}

/* One reply on the shard of w (locked): its client's, else -ENOENT. */
static int
eng_reply_here(struct eng_w *w, const uint8_t *p, size_t len, uint64_t now)
{
	struct cs_err err = { 0 };
	int r = cs_wlc_dhcp_reply(w->wlc, p, len, now, &err);

	if (r == -EBADMSG)
		cs_logf(w->e->cfg.log, CS_LOG_WARN,
		    "wlc: DHCP reply from the server dropped: %s at offset "
		    "%zu",
		    err.what != NULL ? err.what : "?", err.offset);
	return r;
}

static void
eng_mail_post(struct eng_w *to, const uint8_t *p, size_t len)
{
	struct eng_mail *m = malloc(sizeof(*m) + len);
	unsigned n = 0;

	if (m == NULL)
		return;
	m->next = NULL;
	m->len = len;
	memcpy(m->data, p, len);
	pthread_mutex_lock(&to->mb_mu);
	for (struct eng_mail *q = to->mb_head; q != NULL; q = q->next)
		if (++n >= ENG_MAIL_MAX)
			break;
	if (n >= ENG_MAIL_MAX) {
		pthread_mutex_unlock(&to->mb_mu);
		free(m); /* as a full socket buffer would */
		return;
	}
	if (to->mb_tail != NULL)
		to->mb_tail->next = m;
	else
		to->mb_head = m;
	to->mb_tail = m;
	pthread_mutex_unlock(&to->mb_mu);
	event_active(to->ev_mb, EV_READ, 0);
}

/* The mailbox of w: replies another worker received for its clients. */
static void
eng_on_mail(evutil_socket_t fd, short what, void *arg)
{
	struct eng_w *w = arg;
	struct eng_mail *m;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&w->mb_mu);
	m = w->mb_head;
	w->mb_head = w->mb_tail = NULL;
	pthread_mutex_unlock(&w->mb_mu);
	pthread_mutex_lock(&w->mu);
	while (m != NULL) {
		struct eng_mail *next = m->next;

		(void)eng_reply_here(w, m->data, m->len, eng_now(w->e));
		free(m);
		m = next;
	}
	eng_after(w);
	pthread_mutex_unlock(&w->mu);
}

static void
eng_on_relay(evutil_socket_t fd, short what, void *arg)
{
	struct eng_w *w = arg;
	struct cs_engine *e = w->e;
	struct cs_udp_pkt pk[ENG_RX_BATCH];
	int n;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&w->mu);
	for (int round = 0; round < ENG_RX_BUDGET; round++) {
		if ((n = eng_sock_recv(w, &w->relay_sock, pk, ENG_RX_BATCH)) <=
		    0)
			break;
		for (int i = 0; i < n; i++) {
			if (pk[i].is_truncated || pk[i].len == 0)
				continue;
			if (eng_reply_here(
			        w, pk[i].buf, pk[i].len, eng_now(e)) != -ENOENT)
				continue;
			/* another shard's client, or one that is gone */
			for (unsigned k = 1; k < e->n_w; k++)
				eng_mail_post(e->w[k], pk[i].buf, pk[i].len);
		}
		if (n < ENG_RX_BATCH)
			break;
	}
	eng_after(w);
	pthread_mutex_unlock(&w->mu);
}

/* The relay's socket (worker 0): the gateway address may share its port
 * with a DHCP server on the same host listening on 0.0.0.0. */
static int
eng_relay_open(struct eng_w *w, uint32_t ip, uint16_t port)
{
	struct eng_sock *s = &w->relay_sock;
	int fd = cs_udp_open_shared(ip, port);
	int r;

	if (fd < 0)
		return fd;
	s->fd = fd;
	if ((r = cs_transport_udp_new(&s->t, fd)) < 0) {
		eng_sock_close(s);
		return r;
	}
	if ((s->ev = event_new(
	         w->base, fd, EV_READ | EV_PERSIST, eng_on_relay, w)) == NULL) {
		eng_sock_close(s);
		return -ENOMEM;
	}
	return 0;
}

int
eng_wlc_cl_open(struct cs_engine *e)
{
	const struct cs_engine_cfg *c = &e->cfg;
	const struct cs_wlc_clients_cfg *cc = c->wlc.clients;
	uint16_t port = c->wlc_dhcp_port ? c->wlc_dhcp_port : 67;
	struct eng_w *w0;
	char a[16];
	int r;

	if (!c->wlc_enabled || cc == NULL || e->n_w == 0)
		return 0;
	for (unsigned k = 0; k < e->n_w; k++)
		if ((e->w[k]->ev_mb = event_new(
		         e->w[k]->base, -1, 0, eng_on_mail, e->w[k])) == NULL)
			return -ENOMEM;
	if (cc->dhcp_server == 0) {
		cs_logf(c->log, CS_LOG_WARN,
		    "wlc: no client DHCP server configured: client DHCP is "
		    "dropped and clients fail in the dhcp phase (no offer)");
		return 0;
	}
	if (c->net != NULL)
		return cs_log_err(c->log, -ENOTSUP,
		    "wlc: the client DHCP relay needs UDP sockets, not the "
		    "in-process network");
	w0 = e->w[0];
	if ((r = eng_relay_open(w0, cc->wlans[0].gateway, port)) < 0)
		return cs_log_err(c->log, r,
		    "wlc: cannot open the client DHCP relay on %s:%u: %s "
		    "(the gateway address must be local, e.g. a loopback "
		    "address)",
		    cs_ipv4_str(cc->wlans[0].gateway, a), port, strerror(-r));
	cs_logf(c->log, CS_LOG_INFO,
	    "wlc: client DHCP relayed from %s:%u to the server at %s:%u",
	    cs_ipv4_str(cc->wlans[0].gateway, a), port,
	    cs_ipv4_str(cc->dhcp_server, (char[16]){ 0 }), port);
	return 0;
}

void
eng_wlc_cl_begin(struct eng_w *w)
{
	if (w->wlc == NULL || cs_wlc_clients_of(w->wlc) == NULL)
		return;
	eng_sock_listen(&w->relay_sock);
	eng_arm(w, &w->t_wlc_tick, ENG_TICK_MS);
}

void
eng_slot_wlc_tick(struct eng_w *w, struct cs_tslot *s, uint64_t now)
{
	(void)s;
	(void)cs_wlc_tick(w->wlc, now);
	eng_arm(w, &w->t_wlc_tick, ENG_TICK_MS);
}

void
eng_wlc_cl_free(struct eng_w *w)
{
	struct eng_mail *m = w->mb_head;

	cs_timerq_cancel(&w->tq, &w->t_wlc_tick);
	eng_sock_close(&w->relay_sock);
	if (w->ev_mb != NULL)
		event_free(w->ev_mb);
	w->ev_mb = NULL;
	while (m != NULL) {
		struct eng_mail *next = m->next;

		free(m);
		m = next;
	}
	w->mb_head = w->mb_tail = NULL;
}
