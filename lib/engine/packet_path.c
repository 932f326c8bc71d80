/* SPDX-License-Identifier: MIT */
/*
 * Packet path of a worker (AP side).  Each datagram goes onto the
 * executor (capsim/path.h, shared with `capsim proxy`: link-down windows,
 * impairment verdicts, delayed and held datagrams); what it hands on
 * comes to this worker's wire, the transport below it: up through the NAT
 * (a socket per external port, as a real NAT has) and the capture to the
 * send queue, down to the AP.
 */
#include "engine-internal.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/dtls_peek.h"
#include "capsim/path.h"

static void eng_on_nat(evutil_socket_t fd, short what, void *arg);

static struct eng_natsock *
eng_natsock_find(struct eng_w *w, uint16_t port)
{
	for (size_t i = 0; i < w->n_natsocks; i++)
		if (w->natsocks[i] != NULL && w->natsocks[i]->port == port)
			return w->natsocks[i];
	return NULL;
}

/* True when the datagram's CAPWAP preamble (RFC 5415 §4.1) is valid and
 * of the given type (CS_PREAMBLE_CAPWAP or CS_PREAMBLE_DTLS). */
bool
eng_preamble_is(const uint8_t *pkt, size_t len, uint8_t type)
{
	uint8_t t;

	return cs_capwap_preamble_peek(pkt, len, &t) == 0 && t == type;
}

/* ClientHello.random (RFC 5246 §7.4.1.2) of a plaintext ClientHello in
 * a CAPWAP-DTLS datagram: 0, or -EBADMSG when there is none whole. */
int
eng_hello_random(const uint8_t *pkt, size_t len, uint8_t random[32])
{
	struct cs_dtls_peek pk;

	if (cs_dtls_peek_capwap(pkt, len, &pk, NULL) < 0)
		return -EBADMSG;
	for (unsigned i = 0; i < pk.n_hs; i++) {
		const struct cs_dtls_hs_msg *h = &pk.hs[i];

		/* header 12 bytes, client_version 2, then random 32 */
		if (h->msg_type != CS_DTLS_HS_CLIENT_HELLO ||
		    h->frag_offset != 0 || h->frag_length < 34 ||
		    pk.rec[h->record].epoch != 0 || h->offset + 12 + 34 > len)
			continue;
		memcpy(random, pkt + h->offset + 14, 32);
		return 0;
	}
	return -EBADMSG;
}

/* Whether a CAPWAP-DTLS datagram carries a plaintext handshake message
 * of type hs_type (any type: -1) with message_seq >= min_seq. */
bool
eng_hs_seq_from(const uint8_t *pkt, size_t len, int hs_type, uint16_t min_seq)
{
	struct cs_dtls_peek pk;

	if (cs_dtls_peek_capwap(pkt, len, &pk, NULL) < 0)
		return false;
	for (unsigned i = 0; i < pk.n_hs; i++)
		if ((hs_type < 0 || pk.hs[i].msg_type == hs_type) &&
		    pk.rec[pk.hs[i].record].epoch == 0 &&
		    pk.hs[i].message_seq >= min_seq)
			return true;
	return false;
}

/* The datagram leaves the AP side: through the NAT when there is one,
 * then to the capture (what the WLC receives) and the socket. */
static void
eng_wire_up(struct eng_w *w, struct eng_ap *a, enum cs_chan ch, uint32_t dst_ip,
    uint16_t dst_port, const uint8_t *pkt, size_t len)
{
	struct cs_engine *e = w->e;
	uint32_t src_ip = a->ip;
	uint16_t src_port = w->ap_port[ch];
	uint64_t now_us = eng_now_us(e);
	struct cs_pkt_meta m = {
		.dir = CS_DIR_UP,
		.chan = ch,
		.src_ip = src_ip,
		.src_port = src_port,
		.dst_ip = dst_ip,
		.dst_port = dst_port,
		.pkt = pkt,
		.len = len,
		.now_ms = now_us / 1000,
	};

	if (w->nat != NULL) {
		struct eng_natsock *ns;
		uint32_t eip;
		uint16_t eport;

		if (cs_nat_out(w->nat, a->ip, src_port, now_us / 1000, &eip,
		        &eport) < 0 ||
		    (ns = eng_natsock_find(w, eport)) == NULL)
			return; /* no port: the NAT drops it */
		m.src_ip = eip;
		m.src_port = eport;
		eng_tap_wire(w, a, &m);
		(void)eng_sock_send(&ns->s, eip, dst_ip, dst_port, pkt, len);
		return;
	}
	eng_tap_wire(w, a, &m);
	(void)eng_send(w, ch == CS_CHAN_DATA ? Q_AP_DATA : Q_AP_CTL, src_ip,
	    dst_ip, dst_port, pkt, len);
}

/* The worker's wire, below the executor: up to the WLC side of the
 * network, down to the AP. */
static int
eng_wire_send(struct cs_transport *t, const struct cs_pkt_meta *m)
{
	struct eng_w *w =
	    (struct eng_w *)((char *)t - offsetof(struct eng_w, wire));
	struct eng_ap *a;

	/* m->ap is the global index (eng_impair) */
	if (m->ap < w->e->cfg.ap_index_base ||
	    m->ap - w->e->cfg.ap_index_base >= w->e->cfg.n_aps)
		return -EINVAL;
	a = &w->e->aps[m->ap - w->e->cfg.ap_index_base];
	if (m->dir == CS_DIR_UP)
		eng_wire_up(
		    w, a, m->chan, m->dst_ip, m->dst_port, m->pkt, m->len);
	else
		eng_ap_deliver(
		    a, m->chan, m->src_ip, m->src_port, m->pkt, m->len);
	return 0;
}

static const struct cs_transport_ops eng_wire_ops = {
	.name = "engine-wire",
	.send = eng_wire_send,
};

/* One datagram of AP @a onto the path (both ways). */
void
eng_impair(struct eng_w *w, struct eng_ap *a, struct cs_pkt_meta *m)
{
	const struct cs_engine_cfg *cfg = &w->e->cfg;

	m->ap = a->gidx; /* selectors and verdicts: the global index */
	m->ap_mac = a->mac;
	if (cfg->clients.per_ap > 0) {
		/* client selectors by index: client k of AP g is number
		 * g * per_ap + k of the run (ap_clients.c) */
		unsigned n_aps =
		    cfg->ap_index_total > 0 ? cfg->ap_index_total : cfg->n_aps;

		m->cl_mac_base = cfg->clients.mac_base;
		m->cl_mac_step = cfg->clients.mac_step;
		m->cl_count = cfg->clients.per_ap * n_aps;
	}
	(void)cs_path_send(w->path, m);
	eng_path_arm(w);
}

uint64_t
eng_path_link_down_lost(const struct eng_w *w)
{
	struct cs_path_stats st = { 0 };

	cs_path_stats(w->path, &st);
	return st.link_down_dropped;
}

/* Arms the timer at the path's next delayed or held datagram. */
void
eng_path_arm(struct eng_w *w)
{
	uint64_t when;

	if (cs_path_next_due(w->path, &when) == 0)
		cs_timerq_arm(&w->tq, &w->t_path, when);
	else
		cs_timerq_cancel(&w->tq, &w->t_path);
}

/* A datagram the AP sends: facts (what the AP did), then the path. */
void
eng_path_up(struct eng_ap *a, enum cs_chan ch, uint32_t dst_ip,
    uint16_t dst_port, const uint8_t *pkt, size_t len,
    const struct cs_pkt_hint *hint)
{
	struct eng_w *w = a->w;
	struct cs_pkt_meta m = {
		.dir = CS_DIR_UP,
		.chan = ch,
		.src_ip = a->ip,
		.src_port = w->ap_port[ch],
		.dst_ip = dst_ip,
		.dst_port = dst_port,
		.pkt = pkt,
		.len = len,
		.hint = hint,
		.now_ms = eng_now(w->e),
	};

	eng_tap_ap(w, a, &m);
	eng_impair(w, a, &m);
}

/* A datagram on a NAT port: translate back (or drop, as the NAT would). */
static void
nat_input(struct eng_w *w, struct eng_natsock *ns, const struct cs_udp_pkt *pk)
{
	struct cs_engine *e = w->e;
	uint32_t ap_ip;
	uint16_t ap_port;
	struct cs_pkt_meta m = {
		.dir = CS_DIR_DOWN,
		.src_ip = pk->src_ip,
		.src_port = pk->src_port,
		.dst_ip = pk->dst_ip,
		.dst_port = ns->port,
		.pkt = pk->buf,
		.len = pk->len,
		.now_ms = eng_now(e),
	};

	if (pk->is_truncated || pk->len == 0)
		return;
	eng_tap_wire(w, NULL, &m);
	if (cs_nat_in(
	        w->nat, pk->dst_ip, ns->port, eng_now(e), &ap_ip, &ap_port) < 0)
		return;
	eng_ap_input_from(w, ap_port == w->ap_port[1], ap_ip, pk->src_ip,
	    pk->src_port, pk->buf, pk->len);
}

void
eng_slot_path(struct eng_w *w, struct cs_tslot *s, uint64_t now)
{
	(void)s;
	(void)cs_path_poll(w->path, now);
	eng_path_arm(w);
}

void
eng_slot_nat(struct eng_w *w, struct cs_tslot *s, uint64_t now)
{
	(void)s;
	cs_nat_expire_idle(w->nat, now);
	eng_arm(w, &w->t_nat, 1000);
}

/* cs_nat_alloc_fn: a new external port is a new socket on the NAT's
 * external address (the kernel picks a free port). */
static int
eng_nat_alloc(void *ctx, uint32_t ap_ip, uint16_t ap_port, uint16_t *ext_port)
{
	struct eng_w *w = ctx;
	struct eng_natsock *ns;
	int r;

	(void)ap_ip;
	(void)ap_port;
	if (w->n_natsocks == w->cap_natsocks) {
		size_t cap = w->cap_natsocks ? w->cap_natsocks * 2 : 16;
		struct eng_natsock **v = realloc(w->natsocks, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		w->natsocks = v;
		w->cap_natsocks = cap;
	}
	if ((ns = calloc(1, sizeof(*ns))) == NULL)
		return -ENOMEM;
	ns->w = w;
	if ((r = eng_sock_open(w, &ns->s, w->e->cfg.nat->ext_ip, 0, false,
	         eng_on_nat, ns)) < 0) {
		free(ns);
		return r;
	}
	ns->port = eng_sock_port(&ns->s);
	eng_sock_listen(&ns->s);
	w->natsocks[w->n_natsocks++] = ns;
	*ext_port = ns->port;
	return 0;
}

static void
eng_natsock_free(struct eng_natsock *ns)
{
	if (ns == NULL)
		return;
	eng_sock_close(&ns->s);
	free(ns);
}

/* cs_nat_release_fn: the mapping is gone; so is its port.  Datagrams
 * still in flight to it meet a closed port, as after a NAT timeout. */
static void
eng_nat_release(void *ctx, uint16_t ext_port)
{
	struct eng_w *w = ctx;

	for (size_t i = 0; i < w->n_natsocks; i++)
		if (w->natsocks[i]->port == ext_port) {
			eng_natsock_free(w->natsocks[i]);
			w->natsocks[i] = w->natsocks[--w->n_natsocks];
			return;
		}
}

static void
eng_on_nat(evutil_socket_t fd, short what, void *arg)
{
	struct eng_natsock *ns = arg;
	struct eng_w *w = ns->w;
	struct cs_udp_pkt pk[ENG_RX_BATCH];
	int n;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&w->mu);
	n = eng_sock_recv(w, &ns->s, pk, ENG_RX_BATCH);
	/* nat_input may close this very socket (idle expiry on the way):
	 * look it up again for every datagram */
	for (int i = 0; i < n; i++) {
		bool open = false;

		for (size_t k = 0; k < w->n_natsocks; k++)
			if (w->natsocks[k] == ns)
				open = true;
		if (!open)
			break;
		nat_input(w, ns, &pk[i]);
	}
	for (size_t k = 0; k < w->n_natsocks; k++)
		if (w->natsocks[k] == ns)
			eng_sock_again(&ns->s);
	eng_after(w);
	pthread_mutex_unlock(&w->mu);
}

/* The worker's packet path: its own impairment engine (same rules and
 * seed everywhere: verdicts depend on the AP, not on the worker) and its
 * own NAT (each AP's mappings live with the AP). */
int
eng_w_path(struct eng_w *w)
{
	const struct cs_engine_cfg *c = &w->e->cfg;
	struct cs_path_cfg pc = { .next = &w->wire };
	int r;

	w->wire.ops = &eng_wire_ops;
	if (c->n_rules > 0) {
		if ((r = cs_impair_new(&w->imp, c->seed)) < 0)
			return r;
		for (size_t i = 0; i < c->n_rules; i++) {
			unsigned id;

			if ((r = cs_impair_add(w->imp, &c->rules[i], &id)) < 0)
				return cs_log_err(c->log, r,
				    "engine: impairment rule %zu ('%s') is "
				    "invalid: %s",
				    i + 1, c->rules[i].name, strerror(-r));
		}
	}
	pc.imp = w->imp;
	if ((r = cs_path_new(&w->path, &pc)) < 0)
		return r;
	if (c->nat != NULL) {
		struct cs_nat_cfg nc = *c->nat;

		nc.alloc = eng_nat_alloc;
		nc.release = eng_nat_release;
		nc.alloc_ctx = w;
		if ((r = eng_check_local(w->e, nc.ext_ip)) < 0)
			return r;
		if ((r = cs_nat_new(&w->nat, &nc)) < 0)
			return cs_log_err(
			    c->log, r, "engine: invalid NAT configuration");
		if (nc.idle_timeout_ms > 0)
			eng_arm(w, &w->t_nat, 1000);
	}
	return 0;
}
