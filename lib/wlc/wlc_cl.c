/* SPDX-License-Identifier: MIT */
/*
 * The mock WLC's split-MAC clients (capsim/wlc_clients.h) on its
 * sessions: 802.11 frames in an AP's CAPWAP data channel go to the
 * clients module, its frames go back in CAPWAP data to the AP's data
 * address, and its control requests (IEEE 802.11 WLAN Configuration,
 * Station Configuration) go through the session's request machinery
 * (RFC 5415 §4.5.3: one outstanding request, retransmitted), queued
 * behind whatever request is outstanding.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "capsim/ieee80211.h"
#include "capsim/wlc_clients.h"
#include "wlc-internal.h"

#define WLC_CL_BKTS  1024 /* sessions by data address (power of 2) */
#define WLC_CTLQ_MAX 256  /* requests waiting per session */

struct wlc_ctlq {
	struct wlc_ctlq *next;
	uint32_t type;
	size_t len;
	uint8_t elems[];
};

static size_t
cl_bkt(uint32_t ip, uint16_t port)
{
	uint64_t k = (uint64_t)ip << 16 | port;

	return (size_t)((k * 0x9E3779B97F4A7C15ull) >> 54) & (WLC_CL_BKTS - 1);
}

static struct cs_wlc_sess *
cl_find(const struct cs_wlc *w, uint32_t ip, uint16_t port)
{
	struct cs_wlc_sess *s;

	if (w->cl_hash == NULL)
		return NULL;
	for (s = w->cl_hash[cl_bkt(ip, port)]; s != NULL; s = s->cl_next)
		if (s->data_ip == ip && s->data_port == port)
			return s;
	return NULL;
}

static void
cl_unmap(struct cs_wlc_sess *s)
{
	struct cs_wlc_sess **pp;

	if (!s->cl_mapped)
		return;
	pp = &s->w->cl_hash[cl_bkt(s->cl_ip, s->cl_port)];
	while (*pp != NULL && *pp != s)
		pp = &(*pp)->cl_next;
	if (*pp == s)
		*pp = s->cl_next;
	s->cl_next = NULL;
	s->cl_mapped = false;
}

static void
cl_map(struct cs_wlc_sess *s)
{
	size_t b;

	cl_unmap(s);
	if (!s->has_data_peer)
		return;
	b = cl_bkt(s->data_ip, s->data_port);
	s->cl_ip = s->data_ip;
	s->cl_port = s->data_port;
	s->cl_next = s->w->cl_hash[b];
	s->w->cl_hash[b] = s;
	s->cl_mapped = true;
}

static int
cl_send_frame(
    void *ctx, void *ap, uint8_t rid, const uint8_t *frame, size_t len)
{
	struct cs_wlc *w = ctx;
	struct cs_wlc_sess *s = ap;
	struct cs_pkt_hint hint = { 0 };
	uint8_t pkt[2048];
	struct cs_wr wr;

	if (!s->has_data_peer || s->state == CS_WLC_S_DEAD)
		return -ENOTCONN;
	cs_wr_init(&wr, pkt, sizeof(pkt));
	cs_dot11_capwap_wrap(&wr, rid, NULL, frame, len);
	if (wr.err != 0)
		return wr.err;
	return w->io.send_clear(w->io.ctx, CS_CHAN_DATA, s->data_ip,
	    s->data_port, pkt, wr.len, &hint);
}

/* Builds and sends one queued request as the session's outstanding one
 * (retransmitted by the session FSM until answered). */
static int
cl_send_req(struct cs_wlc_sess *s, uint32_t type, const uint8_t *elems,
    size_t len, uint64_t now_ms)
{
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;
	uint8_t out[CS_CAPWAP_MAX_MSG];
	uint8_t seq = s->next_seq++;
	int r;

	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, out, sizeof(out));
	cs_msgb_begin(&b, &wr, &h, type, seq);
	cs_wr_bytes(&wr, elems, len);
	if ((r = cs_msgb_end(&b)) != 0)
		return cs_log_err(&s->w->cfg.log, r, "cannot build %s",
		    cs_msg_type_name(type));
	return cs_wlc_fsm_send_request(s, out, wr.len, type, seq, now_ms);
}

void
cs_wlc_cl_kick(struct cs_wlc_sess *s, uint64_t now_ms)
{
	while (s->ctlq_head != NULL && !s->req_outstanding &&
	    s->state == CS_WLC_S_RUN && !s->closed) {
		struct wlc_ctlq *q = s->ctlq_head;

		s->ctlq_head = q->next;
		if (s->ctlq_head == NULL)
			s->ctlq_tail = NULL;
		s->ctlq_len--;
		(void)cl_send_req(s, q->type, q->elems, q->len, now_ms);
		free(q);
	}
}

static int
cl_send_control(
    void *ctx, void *ap, uint32_t type, const uint8_t *elems, size_t len)
{
	struct cs_wlc *w = ctx;
	struct cs_wlc_sess *s = ap;
	struct wlc_ctlq *q;
	char mb[18];

	if (s->state != CS_WLC_S_RUN || s->closed)
		return -ENOTCONN;
	if (s->ctlq_len >= WLC_CTLQ_MAX) {
		cs_wlc_fmt_mac(s->mac, mb, sizeof(mb));
		cs_logf(&w->cfg.log, CS_LOG_WARN,
		    "AP %s: %u requests already wait for the outstanding one: "
		    "%s dropped",
		    mb, s->ctlq_len, cs_msg_type_name(type));
		return -ENOBUFS;
	}
	if ((q = malloc(sizeof(*q) + len)) == NULL)
		return -ENOMEM;
	q->next = NULL;
	q->type = type;
	q->len = len;
	memcpy(q->elems, elems, len);
	if (s->ctlq_tail != NULL)
		s->ctlq_tail->next = q;
	else
		s->ctlq_head = q;
	s->ctlq_tail = q;
	s->ctlq_len++;
	cs_wlc_cl_kick(s, w->cl_now);
	return 0;
}

static int
cl_relay(void *ctx, uint32_t server, uint32_t giaddr, const uint8_t *dhcp,
    size_t len)
{
	struct cs_wlc *w = ctx;

	if (w->io.relay == NULL)
		return -ENOTSUP;
	return w->io.relay(w->io.ctx, server, giaddr, dhcp, len);
}

/* Nonces and GTKs from the controller's seeded randomness: a run replays
 * from its seed (the lab's keys protect nothing real). */
static int
cl_rand_bytes(void *ctx, uint8_t *buf, size_t len)
{
	struct cs_wlc *w = ctx;

	for (size_t k = 0; k < len; k++)
		buf[k] = (uint8_t)w->io.rand(w->io.ctx, 256);
	return 0;
}

int
cs_wlc_cl_new(struct cs_wlc *w)
{
	struct cs_wlc_clients_cfg cc;
	struct cs_wlc_clients_io io = {
		.send_frame = cl_send_frame,
		.send_control = cl_send_control,
		.relay = cl_relay,
		.rand_bytes = cl_rand_bytes,
		.ctx = w,
	};
	int r;

	if (w->cfg.clients == NULL)
		return 0;
	cc = *w->cfg.clients;
	cc.log = w->cfg.log;
	w->cfg.clients = NULL; /* borrowed: not kept */
	if ((w->cl_hash = calloc(WLC_CL_BKTS, sizeof(*w->cl_hash))) == NULL)
		return -ENOMEM;
	if ((r = cs_wlc_clients_new(&w->clients, &cc, &io)) < 0)
		return r;
	return 0;
}

void
cs_wlc_cl_free(struct cs_wlc *w)
{
	cs_wlc_clients_free(w->clients);
	w->clients = NULL;
	free(w->cl_hash);
	w->cl_hash = NULL;
}

void
cs_wlc_cl_sess_gone(struct cs_wlc_sess *s)
{
	struct wlc_ctlq *q;

	if (s->w->clients != NULL)
		cs_wlc_clients_ap_gone(s->w->clients, s);
	cl_unmap(s);
	while ((q = s->ctlq_head) != NULL) {
		s->ctlq_head = q->next;
		free(q);
	}
	s->ctlq_tail = NULL;
	s->ctlq_len = 0;
}

void
cs_wlc_cl_emit(
    struct cs_wlc *w, struct cs_wlc_sess *s, int kind, uint64_t now_ms)
{
	if (w->clients == NULL || s == NULL)
		return;
	w->cl_now = now_ms;
	if (kind == CS_WLC_EV_RUN) {
		cl_map(s);
		(void)cs_wlc_clients_ap_run(
		    w->clients, s, s->n_radios > 0 ? s->n_radios : 1);
	} else if (kind == CS_WLC_EV_TEARDOWN) {
		cs_wlc_cl_sess_gone(s);
	}
}

int
cs_wlc_cl_data(struct cs_wlc *w, uint32_t ip, uint16_t port, const uint8_t *pkt,
    size_t len, uint64_t now_ms)
{
	struct cs_err err = { 0 };
	struct cs_wlc_sess *s;
	const uint8_t *frame;
	size_t flen;
	uint8_t rid;
	char ipb[16];
	int r;

	r = cs_dot11_capwap_unwrap(pkt, len, &rid, &frame, &flen, &err);
	if (r == -EPROTONOSUPPORT || (r < 0 && w->clients == NULL))
		return 0; /* a keep-alive (or junk): the caller's */
	cs_wlc_fmt_ip(ip, ipb, sizeof(ipb));
	if (r < 0) {
		w->ctr.malformed++;
		cs_logf(&w->cfg.log, CS_LOG_DEBUG,
		    "802.11 data from %s:%u dropped: %s at offset %zu", ipb,
		    port, err.what, err.offset);
		return 1;
	}
	if (w->clients == NULL) {
		w->ctr.unexpected++;
		cs_logf(&w->cfg.log, CS_LOG_DEBUG,
		    "802.11 frame from %s:%u dropped: no WLAN configured", ipb,
		    port);
		return 1;
	}
	if ((s = cl_find(w, ip, port)) == NULL || s->state != CS_WLC_S_RUN) {
		w->ctr.unexpected++;
		cs_logf(&w->cfg.log, CS_LOG_DEBUG,
		    "802.11 frame from %s:%u dropped: no session in Run there",
		    ipb, port);
		return 1;
	}
	w->cl_now = now_ms;
	(void)cs_wlc_clients_input(w->clients, s, rid, frame, flen, now_ms);
	return 1;
}

void
cs_wlc_cl_resp(struct cs_wlc_sess *s, const struct cs_msg *m, uint64_t now_ms)
{
	struct cs_el_result_code rc;

	cs_wlc_fsm_request_done(s);
	if (cs_el_get_result_code(
	        cs_msg_find(m, CS_EL_RESULT_CODE, 0), &rc, NULL) < 0)
		rc.code = CS_RC_FAILURE_AC_LIST;
	if (s->w->clients != NULL) {
		s->w->cl_now = now_ms;
		cs_wlc_clients_ctl_resp(s->w->clients, s, rc.code);
	}
	cs_wlc_cl_kick(s, now_ms);
}

struct cs_wlc_clients *
cs_wlc_clients_of(struct cs_wlc *w)
{
	return w != NULL ? w->clients : NULL;
}

int
cs_wlc_dhcp_reply(struct cs_wlc *w, const uint8_t *dhcp, size_t len,
    uint64_t now_ms, struct cs_err *err)
{
	if (w == NULL || w->clients == NULL)
		return -EINVAL;
	w->cl_now = now_ms;
	return cs_wlc_clients_dhcp_reply(w->clients, dhcp, len, now_ms, err);
}

unsigned
cs_wlc_tick(struct cs_wlc *w, uint64_t now_ms)
{
	if (w == NULL || w->clients == NULL)
		return 0;
	w->cl_now = now_ms;
	return cs_wlc_clients_tick(w->clients, now_ms);
}
