/* SPDX-License-Identifier: MIT */
/*
 * The embedded WLC's data channel DTLS sessions (RFC 5415 §4.6.1 DTLS
 * Policy D): one per AP data address, admitted the way control sessions
 * are (a stateless cookie first, RFC 6347 §4.2.1), usually resuming the
 * AP's control session.  Decrypted keep-alives go to the controller
 * (cs_wlc_input_data_secure), which finds their session by Session ID;
 * its answers to that address go back through the same DTLS session.
 */
#include "engine-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/dtls.h"
#include "capsim/values.h"
#include "capsim/wlc.h"
#include "capsim/wlc_admit.h"

#define DP_BUCKETS 1024 /* hash buckets of a shard's data peers */
/* data peers a shard keeps at most: beyond, new handshakes are dropped
 * (the AP retransmits), as for control handshakes (ENG_MAX_HALF_OPEN) */
#define DP_MAX 65536

struct eng_dpeer {
	struct eng_dpeer *next;
	struct eng_w *w;
	uint32_t ip;
	uint16_t port;
	struct eng_dtls *d;
	struct cs_tslot t;
	uint8_t mac[6]; /* the certificate's MAC (RFC 5415 §12.6) */
	bool has_mac;
	/* a new proven handshake from the address of an established peer
	 * runs beside it (outside the table) and replaces it only once it
	 * completes, as control sessions do (wlc_side.c): a replayed
	 * ClientHello cannot end a working data session */
	struct eng_dpeer *shadow;
	struct eng_dpeer *owner;
};

static size_t
dp_hash(uint32_t ip, uint16_t port)
{
	uint32_t h = ip * 2654435761u ^ (uint32_t)port * 40503u;

	return h % DP_BUCKETS;
}

static struct eng_dpeer **
dp_buckets(struct eng_w *w)
{
	if (w->dpeers == NULL)
		w->dpeers = calloc(DP_BUCKETS, sizeof(struct eng_dpeer *));
	return (struct eng_dpeer **)w->dpeers;
}

static struct eng_dpeer *
dp_find(struct eng_w *w, uint32_t ip, uint16_t port)
{
	struct eng_dpeer **b = dp_buckets(w);
	struct eng_dpeer *p;

	if (b == NULL)
		return NULL;
	for (p = b[dp_hash(ip, port)]; p != NULL; p = p->next)
		if (p->ip == ip && p->port == port)
			return p;
	return NULL;
}

/* Unlinks and frees p (its session through the worker's grave: the
 * caller may be inside one of its callbacks). */
static void
dp_forget(struct eng_w *w, struct eng_dpeer *p)
{
	if (p->owner != NULL) {
		p->owner->shadow = NULL;
	} else {
		struct eng_dpeer **pp = &dp_buckets(w)[dp_hash(p->ip, p->port)];

		while (*pp != NULL && *pp != p)
			pp = &(*pp)->next;
		if (*pp == p)
			*pp = p->next;
		if (p->shadow != NULL)
			dp_forget(w, p->shadow);
	}
	cs_timerq_cancel(&w->tq, &p->t);
	if (p->d != NULL) {
		p->d->dpeer = NULL;
		eng_bury_dtls(w, p->d);
	}
	w->n_dpeers--;
	free(p);
}

static int
dp_wire_send(void *ctx, const uint8_t *dgram, size_t len)
{
	struct eng_dtls *d = ctx;

	if (d->dead || d->dpeer == NULL || cs_wlc_mute_swallow(d->w->wlc))
		return 0;
	return eng_send(
	    d->w, Q_WLC_DATA, 0, d->dpeer->ip, d->dpeer->port, dgram, len);
}

static void
dp_recv(void *ctx, const uint8_t *plain, size_t len)
{
	struct eng_dtls *d = ctx;
	struct eng_dpeer *p = d->dpeer;

	if (d->dead || p == NULL)
		return;
	(void)cs_wlc_input_data_secure(d->w->wlc, p->ip, p->port,
	    p->has_mac ? p->mac : NULL, plain, len, eng_now(d->w->e));
}

static const struct cs_dtls_io dp_dtls_io = {
	.send = dp_wire_send,
	.recv = dp_recv,
};

static void
dp_link(struct eng_w *w, struct eng_dpeer *p)
{
	struct eng_dpeer **b = dp_buckets(w);

	p->next = b[dp_hash(p->ip, p->port)];
	b[dp_hash(p->ip, p->port)] = p;
}

/* A peer for a proven ClientHello: in the table, or the shadow of
 * `owner` (not NULL). */
static struct eng_dpeer *
dp_new(struct eng_w *w, uint32_t ip, uint16_t port, struct eng_dpeer *owner)
{
	uint8_t addr[6] = { ip >> 24, ip >> 16, ip >> 8, ip, port >> 8, port };
	struct eng_dpeer **b = dp_buckets(w);
	struct eng_dpeer *p;

	if (b == NULL || w->n_dpeers >= DP_MAX)
		return NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->w = w;
	p->ip = ip;
	p->port = port;
	cs_tslot_init(&p->t, p, ENG_SLOT_WLC_DDTLS);
	if ((p->d = eng_dtls_new(w, w->e->cfg.wlc_dtls, &dp_dtls_io, 0)) ==
	    NULL) {
		free(p);
		return NULL;
	}
	p->d->dpeer = p;
	cs_dtls_set_peer(p->d->s, addr, sizeof(addr));
	if (owner != NULL) {
		p->owner = owner;
		owner->shadow = p;
	} else {
		dp_link(w, p);
	}
	w->n_dpeers++;
	return p;
}

static void
dp_result(struct eng_w *w, struct eng_dpeer *p, int r, uint64_t now)
{
	if (p->d == NULL || p->d->dead)
		return;
	if (r == CS_DTLS_ESTABLISHED && !p->d->established) {
		struct cs_cert_info ci;
		struct cs_dtls_info info;
		bool resumed = false;

		if (p->owner != NULL) {
			/* the new handshake completed: it replaces the old
			 * session */
			struct eng_dpeer *old = p->owner;

			old->shadow = NULL;
			p->owner = NULL;
			dp_forget(w, old);
			dp_link(w, p);
		}
		p->d->established = true;
		cs_timerq_cancel(&w->tq, &p->t);
		if (cs_dtls_peer_cert(p->d->s, &ci) == 0 && ci.has_mac) {
			memcpy(p->mac, ci.mac, 6);
			p->has_mac = true;
		}
		if (cs_dtls_get_info(p->d->s, &info) == 0)
			resumed = info.resumed;
		cs_wlc_data_dtls_done(
		    w->wlc, p->ip, p->port, true, resumed, NULL, now);
		return;
	}
	if (r == CS_DTLS_CLOSED) {
		dp_forget(w, p);
		return;
	}
	if (r == -EPROTO || r == -ETIMEDOUT) {
		const struct cs_dtls_failure *f = cs_dtls_failure(p->d->s);

		cs_wlc_data_dtls_done(w->wlc, p->ip, p->port, false, false,
		    f->reason[0] ? f->reason : "handshake failed", now);
		dp_forget(w, p);
		return;
	}
	eng_dtls_timer(w, p->d, &p->t);
}

void
eng_ddtls_wlc_input(struct eng_w *w, const struct cs_udp_pkt *pk)
{
	uint8_t addr[6] = { pk->src_ip >> 24, pk->src_ip >> 16, pk->src_ip >> 8,
		pk->src_ip, pk->src_port >> 8, pk->src_port };
	struct cs_wlc_admit_dgram dg;
	uint64_t now = eng_now(w->e);
	struct eng_dpeer *p, *q;
	int r;

	if (cs_wlc_mute_swallow(w->wlc))
		return; /* a hung controller reads nothing */
	if (w->e->cfg.wlc.data_dtls == CS_DATA_DTLS_OFF) {
		/* DTLS Policy C only: no DTLS on the data port */
		cs_wlc_data_dtls_refused(w->wlc, pk->src_ip, pk->src_port, now);
		return;
	}
	p = dp_find(w, pk->src_ip, pk->src_port);
	/* the newest handshake of the address: a shadow's, when running */
	q = p != NULL && p->shadow != NULL ? p->shadow : p;
	cs_wlc_admit_classify(pk->buf, pk->len, &dg);
	if (dg.is_hello) {
		w->hvr_len = 0;
		r = cs_dtls_ctx_check_hello(w->e->cfg.wlc_dtls, addr,
		    sizeof(addr), pk->buf, pk->len, w->hvr, sizeof(w->hvr),
		    &w->hvr_len);
		if (r == CS_DTLS_HELLO_VERIFY) {
			/* RFC 6347 §4.2.1: answered, nothing kept */
			eng_send(w, Q_WLC_DATA, 0, pk->src_ip, pk->src_port,
			    w->hvr, w->hvr_len);
			return;
		}
		if (r != CS_DTLS_HELLO_PROVEN)
			return; /* not a whole ClientHello */
		if (q != NULL &&
		    cs_dtls_same_hello(q->d->s, pk->buf, pk->len)) {
			/* a retransmission: the running handshake's */
		} else if (p != NULL && p->d->established) {
			/* a new handshake beside the working session: the
			 * AP rejoined, or a replay; it replaces the session
			 * only once it completes */
			if (p->shadow != NULL)
				dp_forget(w, p->shadow);
			q = dp_new(w, pk->src_ip, pk->src_port, p);
		} else {
			/* a handshake still running has nothing to keep */
			if (p != NULL)
				dp_forget(w, p);
			p = q = dp_new(w, pk->src_ip, pk->src_port, NULL);
		}
		if (q == NULL) {
			cs_logf(w->e->cfg.log, CS_LOG_WARN,
			    "wlc: no room for a data DTLS peer");
			return;
		}
	} else if (p == NULL) {
		return; /* records of no session we know */
	}
	/* while a shadow runs, a record may be either's: the wrong one
	 * drops it silently (RFC 6347 §4.1.2.7) and is not harmed */
	if (q != p && !dg.is_hello) {
		dp_result(w, p, cs_dtls_input(p->d->s, pk->buf, pk->len), now);
		/* p may have closed (freed), taking its shadow with it */
		p = dp_find(w, pk->src_ip, pk->src_port);
		if (p == NULL || p->shadow != q)
			return;
	}
	dp_result(w, q, cs_dtls_input(q->d->s, pk->buf, pk->len), now);
}

bool
eng_ddtls_wlc_send(struct eng_w *w, uint32_t dst_ip, uint16_t dst_port,
    const uint8_t *pkt, size_t len)
{
	struct eng_dpeer *p;

	if (w->dpeers == NULL || (p = dp_find(w, dst_ip, dst_port)) == NULL ||
	    p->d == NULL || p->d->dead || !p->d->established)
		return false;
	(void)cs_dtls_send(p->d->s, pkt, len);
	return true;
}

void
eng_slot_wlc_ddtls(struct eng_w *w, struct cs_tslot *s, uint64_t now)
{
	struct eng_dpeer *p = s->owner;

	if (p->d != NULL && !p->d->dead)
		dp_result(w, p, cs_dtls_on_timer(p->d->s), now);
}

void
eng_ddtls_wlc_free(struct eng_w *w)
{
	struct eng_dpeer **b = (struct eng_dpeer **)w->dpeers;

	if (b == NULL)
		return;
	for (size_t i = 0; i < DP_BUCKETS; i++)
		while (b[i] != NULL)
			dp_forget(w, b[i]);
	free(b);
	w->dpeers = NULL;
}
