/* SPDX-License-Identifier: MIT */
/*
 * The tap: what capsim records of a datagram (the facts the diagnosis
 * reads, the capture files) at the points of the path where it is seen,
 * in one place instead of calls along the path.
 *
 *   eng_tap_ap     the AP's side of the executor: up as the AP sent it,
 *                  down as it reached the AP (after impairment)
 *   eng_tap_wire   the network's side: up as the WLC receives it (after
 *                  the NAT), down as it came from the network (before the
 *                  NAT translates it back)
 *   eng_tap_plain_msg  a whole control message inside DTLS, before
 *                  encryption or after decryption (and reassembly)
 *   eng_tap_plain_rec  what one DTLS record carries: that message, or one
 *                  of its CAPWAP fragments (RFC 5415 §3.4)
 *   eng_tap_wlc    the controller's own sockets (`capsim wlc --pcap`):
 *                  what it received and what it sent
 *
 * The wire capture is taken by eng_tap_wire, or by eng_tap_ap with
 * --capture-at ap; the clear capture gets discovery, data and
 * keep-alives from eng_tap_ap and protected records from eng_tap_plain_rec.
 */
#include "engine-internal.h"

#include "capsim/capture.h"
#include "capsim/capwap.h"
#include "capsim/diagnose.h"

void
eng_tap_ap(struct eng_w *w, struct eng_ap *a, const struct cs_pkt_meta *m)
{
	struct cs_engine *e = w->e;
	bool up = m->dir == CS_DIR_UP;

	cs_facts_wire_peer(eng_facts(a), m->dir, m->chan,
	    up ? m->dst_ip : m->src_ip, up ? m->dst_port : m->src_port, m->pkt,
	    m->len, m->now_ms);
	if (e->cfg.on_ap_wire != NULL)
		e->cfg.on_ap_wire(e->cfg.wire_ctx, a->idx, m->dir, m->chan,
		    m->src_ip, m->src_port, m->dst_ip, m->dst_port,
		    eng_wall_us(e), m->pkt, m->len);
	if (e->cfg.capture == NULL)
		return;
	if (e->cfg.capture_at_ap)
		cs_capture_wire(e->cfg.capture, eng_wall_us(e), m->dir,
		    m->src_ip, m->src_port, m->dst_ip, m->dst_port, m->pkt,
		    m->len);
	/* the clear file: discovery, data and keep-alives as they are (the
	 * protected records come from eng_tap_plain_rec, those of the data
	 * channel's DTLS session from eng_tap_plain_data) */
	if (!eng_preamble_is(m->pkt, m->len, CS_PREAMBLE_DTLS))
		cs_capture_clear(e->cfg.capture, eng_wall_us(e), m->dir,
		    m->chan, m->src_ip, m->src_port, m->dst_ip, m->dst_port,
		    m->pkt, m->len);
}

void
eng_tap_wire(struct eng_w *w, struct eng_ap *a, const struct cs_pkt_meta *m)
{
	struct cs_engine *e = w->e;

	if (a != NULL && m->dir == CS_DIR_UP && w->nat != NULL)
		cs_facts_nat(eng_facts(a), m->src_ip, m->src_port);
	if (e->cfg.capture != NULL && !e->cfg.capture_at_ap)
		cs_capture_wire(e->cfg.capture, eng_wall_us(e), m->dir,
		    m->src_ip, m->src_port, m->dst_ip, m->dst_port, m->pkt,
		    m->len);
	if (e->cfg.capture_peer != NULL)
		cs_capture_wire(e->cfg.capture_peer, eng_wall_us(e), m->dir,
		    m->src_ip, m->src_port, m->dst_ip, m->dst_port, m->pkt,
		    m->len);
}

void
eng_tap_plain_msg(
    struct eng_w *w, struct eng_ap *a, const struct cs_pkt_meta *m)
{
	(void)w;
	cs_facts_control(eng_facts(a), m->dir, m->pkt, m->len, m->now_ms);
}

void
eng_tap_plain_rec(
    struct eng_w *w, struct eng_ap *a, const struct cs_pkt_meta *m)
{
	struct cs_engine *e = w->e;

	(void)a;
	if (e->cfg.capture != NULL)
		cs_capture_clear(e->cfg.capture, eng_wall_us(e), m->dir,
		    CS_CHAN_CONTROL, m->src_ip, m->src_port, m->dst_ip,
		    m->dst_port, m->pkt, m->len);
}

void
eng_tap_plain_data(
    struct eng_w *w, struct eng_ap *a, const struct cs_pkt_meta *m)
{
	struct cs_engine *e = w->e;

	cs_facts_data_secure(eng_facts(a), m->dir, m->pkt, m->len, m->now_ms);
	if (e->cfg.capture != NULL)
		cs_capture_clear(e->cfg.capture, eng_wall_us(e), m->dir,
		    CS_CHAN_DATA, m->src_ip, m->src_port, m->dst_ip,
		    m->dst_port, m->pkt, m->len);
}

void
eng_tap_wlc(struct eng_w *w, enum cs_dir dir, enum cs_chan ch,
    uint32_t local_ip, uint32_t peer_ip, uint16_t peer_port, const uint8_t *pkt,
    size_t len)
{
	const struct cs_engine_cfg *c = &w->e->cfg;
	uint16_t port = c->wlc_port ? c->wlc_port : CS_WLC_CONTROL_PORT;

	if (c->capture == NULL || !c->capture_at_wlc)
		return;
	if (ch == CS_CHAN_DATA)
		port++;
	/* a socket bound to one address sends from it; one bound to any
	 * address answers from where the request came (IP_PKTINFO) */
	if (local_ip == 0)
		local_ip =
		    c->wlc.listen_ip != 0 ? c->wlc.listen_ip : w->wlc_local_ip;
	else
		w->wlc_local_ip = local_ip;
	if (dir == CS_DIR_UP)
		cs_capture_wire(c->capture, eng_wall_us(w->e), dir, peer_ip,
		    peer_port, local_ip, port, pkt, len);
	else
		cs_capture_wire(c->capture, eng_wall_us(w->e), dir, local_ip,
		    port, peer_ip, peer_port, pkt, len);
}
