/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the engine's demultiplexing (lib/engine: worker reads,
 * wlc_side's peer table and admission, ap_side's AP lookup, the clear
 * channel, fragments, the DTLS record filter in front of live sessions),
 * over the in-process network: a running engine (2 workers, 3 APs in Run
 * with the embedded WLC, 2 shards), driven in this thread by
 * cs_engine_poll, gets each input's datagrams from spoofed sources.
 *
 * Input: records of [src][dst][len: 2 bytes][len bytes]:
 *   src % 8: 0-2 AP (src / 8 % 3)'s address and port (control or data
 *            by bit 0x80), 3 the WLC's address and port, 4-7 one of
 *            4096 other sources (address and port from src / 8 and dst)
 *   dst % 4: 0 the WLC's control port, 1 its data port, 2/3 AP (dst / 4
 *            % 3)'s control/data port at its address
 * At most 64 datagrams an input.
 *
 * Oracles (abort): no unauthenticated datagram takes an AP out of Run;
 * every table stays within its cap (peers, half-open handshakes, held
 * ClientHellos, fragment sets, the WLC's statistics records, timers);
 * nothing waits unread at the engine's endpoints after the polls; the
 * graveyard is empty after each turn.  The engine lives across inputs
 * (setting it up is a few DTLS handshakes), so the caps are checked
 * against growth over the whole run, and a crash may need the inputs
 * before it: libFuzzer's -runs replay keeps that order.
 *
 * Seeds: CS_FUZZ_DEMUX_SEEDS=DIR makes the setup write every datagram of
 * the join (both ways) there, framed as an input from/to the right
 * endpoints.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capsim/capwap.h"
#include "capsim/dtls.h"
#include "capsim/engine.h"
#include "capsim/impair.h"
#include "capsim/pki.h"
#include "capsim/transport.h"
#include "capsim/udp.h"
#include "engine/engine-internal.h"
#include "wlc/wlc-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_APS      3
#define AP_BASE    0x0a090001u /* 10.9.0.1 */
#define WLC_IP     0x0a0900fau /* 10.9.0.250 */
#define OTHER_NET  0x0a420000u /* 10.66.0.0/16: other sources */
#define MAX_DGRAMS 64
#define MAX_TIMERS 4096

static struct {
	struct cs_pki *pki;
	struct cs_dtls_ctx *actx, *wctx;
	struct cs_mem_net *net;
	struct cs_engine *e;
	struct cs_transport *inj;
	bool in_run[N_APS];
	unsigned n_run;
	unsigned n_data_dtls; /* data channel DTLS sessions established */
	const char *seed_dir;
	unsigned n_seeds;
} F;

static void
on_ap_event(
    void *ctx, unsigned ap, const uint8_t mac[6], const struct cs_ap_event *ev)
{
	(void)ctx;
	(void)mac;
	if (ev->kind == CS_AP_EV_INFO && ev->reason != NULL &&
	    strcmp(ev->reason, "data channel DTLS established") == 0)
		F.n_data_dtls++;
	if (ev->kind != CS_AP_EV_STATE || ap >= N_APS)
		return;
	if (ev->to == CS_AP_RUN && !F.in_run[ap]) {
		F.in_run[ap] = true;
		F.n_run++;
	} else if (ev->to != CS_AP_RUN && F.in_run[ap]) {
		F.in_run[ap] = false;
		F.n_run--;
		if (F.seed_dir == NULL) {
			fprintf(stderr, "AP %u left Run: %s\n", ap,
			    ev->reason != NULL ? ev->reason : "?");
			abort();
		}
	}
}

/* Seeds: each datagram of the join as an input (from/to the right
 * endpoints), written where CS_FUZZ_DEMUX_SEEDS says. */
static void
on_ap_wire(void *ctx, unsigned ap, enum cs_dir dir, enum cs_chan ch,
    uint32_t src_ip, uint16_t src_port, uint32_t dst_ip, uint16_t dst_port,
    uint64_t wall_us, const uint8_t *pkt, size_t len)
{
	char path[512];
	uint8_t hdr[4];
	FILE *fp;

	(void)ctx;
	(void)src_ip;
	(void)src_port;
	(void)dst_ip;
	(void)dst_port;
	(void)wall_us;
	if (F.seed_dir == NULL || len > 4000 || F.n_seeds >= 400)
		return;
	if (dir == CS_DIR_UP) {
		/* from AP ap to the WLC */
		hdr[0] = (uint8_t)((ap % N_APS) << 3 |
		    (ch == CS_CHAN_DATA ? 0x80 : 0));
		hdr[1] = ch == CS_CHAN_DATA ? 1 : 0;
	} else {
		/* from the WLC to AP ap */
		hdr[0] = 3 | (ch == CS_CHAN_DATA ? 0x80 : 0);
		hdr[1] =
		    (uint8_t)((ap % N_APS) << 2 | (ch == CS_CHAN_DATA ? 3 : 2));
	}
	hdr[2] = (uint8_t)(len >> 8);
	hdr[3] = (uint8_t)len;
	snprintf(path, sizeof(path), "%s/join-%03u", F.seed_dir, F.n_seeds++);
	if ((fp = fopen(path, "wb")) == NULL)
		return;
	fwrite(hdr, 1, 4, fp);
	fwrite(pkt, 1, len, fp);
	fclose(fp);
}

static void
setup(void)
{
	struct cs_pki_cfg pc = { 0 };
	struct cs_dtls_cfg ac, wc;
	struct cs_engine_cfg ec;
	struct cs_err err = { 0 };

	F.seed_dir = getenv("CS_FUZZ_DEMUX_SEEDS");
	pc.now = (int64_t)time(NULL) - 3600;
	if (cs_pki_new(&F.pki, &pc) < 0 || cs_mem_net_new(&F.net) < 0)
		abort();
	cs_dtls_cfg_init(&ac, CS_DTLS_CLIENT);
	cs_dtls_cfg_init(&wc, CS_DTLS_SERVER);
	ac.trust = wc.trust = cs_pki_ca(F.pki);
	wc.cred = cs_pki_wlc(F.pki);
	ac.mtu = wc.mtu = 576; /* the join's larger messages in fragments */
	if (cs_dtls_ctx_new(&F.actx, &ac, &err) < 0 ||
	    cs_dtls_ctx_new(&F.wctx, &wc, &err) < 0)
		abort();
	memset(&ec, 0, sizeof(ec));
	ec.net = F.net;
	ec.workers = 2;
	ec.seed = 5;
	ec.n_aps = N_APS;
	ec.ap_base_ip = AP_BASE;
	memcpy(ec.ap_base_mac, "\x02\xf0\x00\x00\x00\x01", 6);
	ec.ap_name_prefix = "fz-";
	cs_ap_cfg_defaults(&ec.ap);
	ec.ap.targets[0] = WLC_IP;
	ec.ap.target_count = 1;
	ec.ap.ac_port = CS_CAPWAP_CONTROL_PORT;
	ec.ap.discovery_interval_ms = 50;
	ec.ap.max_discovery_interval_ms = 50;
	/* data channel DTLS (RFC 5415 §4.6.1 D) offered and asked: the data
	 * peers and their admission are fuzzed too; clear keep-alives still
	 * reach the WLC's clear path (optional accepts both) */
	ec.ap.data_dtls = CS_DATA_DTLS_OPTIONAL;
	ec.ap_dtls = F.actx;
	ec.ap_pki = F.pki;
	ec.wlc_enabled = true;
	cs_wlc_cfg_defaults(&ec.wlc);
	ec.wlc.listen_ip = WLC_IP;
	ec.wlc.data_dtls = CS_DATA_DTLS_OPTIONAL;
	ec.wlc_port = CS_CAPWAP_CONTROL_PORT;
	ec.wlc_dtls = F.wctx;
	ec.on_ap_event = on_ap_event;
	ec.on_ap_wire = on_ap_wire;
	if (cs_engine_new(&F.e, &ec) < 0 ||
	    cs_transport_mem_bind(
	        &F.inj, F.net, OTHER_NET | 1, 0, NULL, NULL, NULL) < 0)
		abort();
	/* all APs in Run with their data channel DTLS sessions up (a
	 * handshake's plaintext records are unauthenticated by nature: a
	 * spoofed alert may end it); bounded by count (a loaded machine is
	 * slow) */
	for (int i = 0; i < 60000 && (F.n_run < N_APS || F.n_data_dtls < N_APS);
	     i++) {
		cs_engine_poll(F.e);
		usleep(500);
	}
	if (F.n_run < N_APS || F.n_data_dtls < N_APS) {
		fprintf(stderr,
		    "fuzz_engine_demux: %u of %u APs in Run, %u data "
		    "channel DTLS sessions\n",
		    F.n_run, N_APS, F.n_data_dtls);
		abort();
	}
	if (F.seed_dir != NULL)
		exit(0);
}

/* Datagrams waiting unread at the engine's endpoints. */
static size_t
pending(void)
{
	size_t n = 0;

	for (unsigned k = 0; k < F.e->n_w; k++)
		for (enum cs_chan ch = CS_CHAN_CONTROL; ch <= CS_CHAN_DATA;
		     ch++)
			n += cs_transport_mem_pending(
			         F.e->w[k]->wlc_sock[ch].t) +
			    cs_transport_mem_pending(F.e->w[k]->ap_sock[ch].t);
	return n;
}

static void
check_caps(void)
{
	struct cs_engine *e = F.e;

	if (pending() > 0) {
		fprintf(stderr, "datagrams still unread after 16 turns\n");
		abort();
	}
	for (unsigned k = 0; k < e->n_w; k++) {
		struct eng_w *w = e->w[k];

		if (w->n_peers > ENG_MAX_HALF_OPEN + 2 * N_APS ||
		    w->n_half_open > ENG_MAX_HALF_OPEN ||
		    w->held_len > ENG_HELD_MAX ||
		    w->reasm_sets > ENG_REASM_MAX_SETS ||
		    w->tq.n > MAX_TIMERS || w->n_grave_d != 0 ||
		    w->n_grave_p != 0 || w->wlc->stats.n > CS_WLC_STATS_MAX ||
		    w->n_dpeers > 2 * N_APS) {
			fprintf(stderr,
			    "worker %u over a cap: peers %zu half-open %u held "
			    "%zu sets %u timers %u graves %zu/%zu stats %zu "
			    "data peers %u\n",
			    k, w->n_peers, w->n_half_open, w->held_len,
			    w->reasm_sets, (unsigned)w->tq.n, w->n_grave_d,
			    w->n_grave_p, w->wlc->stats.n, w->n_dpeers);
			abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_engine *e;
	unsigned n = 0;

	if (F.e == NULL)
		setup();
	e = F.e;
	while (size >= 4 && n < MAX_DGRAMS) {
		uint8_t s = data[0], d = data[1];
		size_t len = (size_t)data[2] << 8 | data[3];
		unsigned ap_s = (s >> 3) % N_APS, ap_d = (d >> 2) % N_APS;
		enum cs_chan sch = s & 0x80 ? CS_CHAN_DATA : CS_CHAN_CONTROL;
		struct cs_pkt_meta m = { .ap = CS_AP_UNKNOWN };

		data += 4;
		size -= 4;
		if (len > size)
			len = size;
		m.pkt = data;
		m.len = len;
		switch (s % 8) {
		case 0:
		case 1:
		case 2:
			m.src_ip = AP_BASE + ap_s;
			m.src_port = e->w[ap_s % e->n_w]->ap_port[sch];
			break;
		case 3:
			m.src_ip = WLC_IP;
			m.src_port = (uint16_t)(CS_CAPWAP_CONTROL_PORT + sch);
			break;
		default:
			m.src_ip = OTHER_NET | (uint32_t)(s >> 3) << 8 |
			    (uint32_t)(d >> 4) << 4 | 2u;
			m.src_port = (uint16_t)(1024 + (s << 4) + (d & 0xf));
			break;
		}
		if ((d & 3) < 2) {
			m.dst_ip = WLC_IP;
			m.dst_port =
			    (uint16_t)(CS_CAPWAP_CONTROL_PORT + (d & 1));
		} else {
			enum cs_chan dch =
			    (d & 3) == 3 ? CS_CHAN_DATA : CS_CHAN_CONTROL;

			m.dst_ip = AP_BASE + ap_d;
			m.dst_port = e->w[ap_d % e->n_w]->ap_port[dch];
		}
		(void)cs_transport_send(F.inj, &m);
		data += len;
		size -= len;
		n++;
	}
	/* turns until nothing waits (answers between the workers, what
	 * those caused); an exchange that goes on for 16 turns is a storm */
	for (int i = 0; i < 16 && (i < 2 || pending() > 0); i++)
		cs_engine_poll(e);
	check_caps();
	return 0;
}
