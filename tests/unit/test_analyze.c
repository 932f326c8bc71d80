/* SPDX-License-Identifier: MIT */
/*
 * Capture analysis end to end: a capture is built in memory the way a
 * field capture looks (Ethernet frames, the controller's big DTLS flight
 * cut into IPv4 fragments, a DSB with the key log before the first
 * protected record), holding one AP that joins and reaches Run (real
 * lib/dtls sessions; Join, Configuration Status, Change State, Echo and
 * data keep-alives encrypted or clear as RFC 5415 has them) and one AP
 * whose DTLS replies never come back.  The analysis must decrypt every
 * control message, count the retransmissions, name the phases and reach
 * the diagnosis; the same capture cut short must report what came before
 * the cut and the cut's offset; without keys the handshake is still seen.
 * CS_ANALYZE_WRITE=DIR writes the captures (pcapng with DSB, classic pcap
 * + key log) for the integration tests' tests/data files.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/analyze.h"
#include "capsim/capwap.h"
#include "capsim/capwap_keepalive.h"
#include "capsim/cursor.h"
#include "capsim/diagnose.h"
#include "capsim/dtls.h"
#include "capsim/pcapng.h"
#include "capsim/pki.h"
#include "testutil.h"

#define AP1     0x7f010001u /* 127.1.0.1 joins */
#define AP2     0x7f010002u /* 127.1.0.2: DTLS replies lost */
#define WLC     0x7f000029u /* 127.0.0.41 */
#define AP_PORT 40001
#define MTU     576 /* IPv4 MTU of the AP's path: fragments */
#define CAP     (256 * 1024)
#define QMAX    64
#define DGMAX   4096

static struct cs_pki *pki;
static const uint8_t ap_mac[6] = { 0x00, 0x1b, 0x2c, 0x3d, 0x4e, 0x61 };
static const uint8_t session[16] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4,
	5, 6 };

/* The capture being written: pcapng (wire) and classic pcap (pc). */
struct capture {
	struct cs_wr ng;
	uint8_t ngbuf[CAP];
	uint8_t pcbuf[CAP];
	size_t pclen;
	uint64_t t_us;
	uint16_t ip_id;
	char keylog[1024];
	size_t klen;
	bool dsb_pending;
	size_t first_enc_off; /* pcapng offset of the first EPB after DSB */
};

static struct capture *cap;

static void
put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* One Ethernet frame into both files. */
static void
frame(const uint8_t *f, size_t len)
{
	uint8_t *r = cap->pcbuf + cap->pclen;

	if (cap->dsb_pending) {
		cs_pcapng_put_dsb_tls(&cap->ng, cap->keylog, cap->klen);
		cap->dsb_pending = false;
		cap->first_enc_off = cap->ng.len;
	}
	cs_pcapng_put_epb(&cap->ng, 0, cap->t_us, f, len);
	assert_int_equal(cap->ng.err, 0);
	assert_true(cap->pclen + 16 + len <= CAP);
	put_le32(r, (uint32_t)(cap->t_us / 1000000u));
	put_le32(r + 4, (uint32_t)(cap->t_us % 1000000u));
	put_le32(r + 8, (uint32_t)len);
	put_le32(r + 12, (uint32_t)len);
	memcpy(r + 16, f, len);
	cap->pclen += 16 + len;
}

static void
ip_cksum(uint8_t *ip)
{
	uint32_t sum = 0;

	ip[10] = ip[11] = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8);
	ip[11] = (uint8_t)~sum;
}

/* A UDP datagram as Ethernet frames, IPv4-fragmented above MTU. */
static void
udp_out(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
    const uint8_t *p, size_t len)
{
	static uint8_t ip[70000], f[2000];
	struct cs_udp4_endpoints ep = { src, dst, sport, dport };
	struct cs_wr wr;
	size_t payload, off;

	cap->t_us += 700;
	cs_wr_init(&wr, ip, sizeof(ip));
	assert_int_equal(cs_udp4_put(&wr, &ep, &cap->ip_id, p, len), 0);
	payload = wr.len - 20;
	for (off = 0; off < payload;) {
		size_t n = payload - off;
		bool more = false;

		if (20 + n > MTU) {
			n = (MTU - 20) & ~(size_t)7;
			more = true;
		}
		memset(f, 0, 14);
		f[0] = 0x02;
		f[6] = 0x02;
		f[11] = 1;
		f[12] = 0x08;
		memcpy(f + 14, ip, 20);
		memcpy(f + 34, ip + 20 + off, n);
		f[14 + 2] = (uint8_t)((20 + n) >> 8);
		f[14 + 3] = (uint8_t)(20 + n);
		f[14 + 6] = (uint8_t)((more ? 0x20 : 0) | ((off / 8) >> 8));
		f[14 + 7] = (uint8_t)(off / 8);
		ip_cksum(f + 14);
		frame(f, 34 + n);
		off += n;
	}
}

/* ---- a DTLS pair in memory ---------------------------------------- */

struct side {
	bool is_wlc;
	bool lose; /* datagrams from this side never reach the capture */
	uint32_t ap_ip;
	struct {
		size_t len;
		uint8_t b[DGMAX];
	} q[QMAX];
	size_t qn;
	unsigned rx;
};

static int
side_send(void *ctx, const uint8_t *d, size_t len)
{
	struct side *s = ctx;

	assert_true(len <= DGMAX && s->qn < QMAX);
	if (s->is_wlc)
		udp_out(WLC, 5246, s->ap_ip, AP_PORT, d, len);
	else
		udp_out(s->ap_ip, AP_PORT, WLC, 5246, d, len);
	memcpy(s->q[s->qn].b, d, len);
	s->q[s->qn++].len = len;
	return 0;
}

static void
side_recv(void *ctx, const uint8_t *d, size_t len)
{
	(void)d;
	(void)len;
	((struct side *)ctx)->rx++;
}

static void
keylog_cb(void *ctx, const char *line)
{
	size_t l = strlen(line);

	(void)ctx;
	if (strstr(cap->keylog, line) != NULL)
		return;
	assert_true(cap->klen + l + 2 < sizeof(cap->keylog));
	memcpy(cap->keylog + cap->klen, line, l);
	cap->klen += l;
	cap->keylog[cap->klen++] = '\n';
	cap->keylog[cap->klen] = 0;
	cap->dsb_pending = true;
}

static void
pump(struct cs_dtls *ap, struct side *a, struct cs_dtls *wlc, struct side *w)
{
	static struct side tmp;

	while (a->qn > 0 || w->qn > 0) {
		memcpy(&tmp, a, sizeof(tmp));
		a->qn = 0;
		for (size_t i = 0; i < tmp.qn; i++)
			(void)cs_dtls_input(wlc, tmp.q[i].b, tmp.q[i].len);
		memcpy(&tmp, w, sizeof(tmp));
		w->qn = 0;
		for (size_t i = 0; i < tmp.qn; i++)
			(void)cs_dtls_input(ap, tmp.q[i].b, tmp.q[i].len);
	}
}

/* A control message with, for responses, a Result Code (RFC 5415
 * §4.6.35). */
static size_t
ctl_msg(uint8_t *buf, size_t cap_len, uint32_t type, uint8_t seq, uint32_t rc)
{
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;

	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, buf, cap_len);
	cs_msgb_begin(&b, &wr, &h, type, seq);
	if (!cs_msg_type_is_request(type) && type != CS_MSG_ECHO_RESP)
		cs_el_put_result_code(&wr, &(struct cs_el_result_code){ rc });
	assert_int_equal(cs_msgb_end(&b), 0);
	return wr.len;
}

static void
clear_ctl(uint32_t ap_ip, bool up, uint32_t type, uint8_t seq)
{
	uint8_t m[256];
	size_t n = ctl_msg(m, sizeof(m), type, seq, 0);

	if (up)
		udp_out(ap_ip, AP_PORT, WLC, 5246, m, n);
	else
		udp_out(WLC, 5246, ap_ip, AP_PORT, m, n);
}

static void
keepalive(uint32_t ap_ip, bool up)
{
	uint8_t m[64];
	struct cs_wr wr;

	cs_wr_init(&wr, m, sizeof(m));
	assert_int_equal(cs_keepalive_encode(&wr, session), 0);
	if (up)
		udp_out(ap_ip, AP_PORT + 1, WLC, 5247, m, wr.len);
	else
		udp_out(WLC, 5247, ap_ip, AP_PORT + 1, m, wr.len);
}

/* AP1: discovery, DTLS, Join, Configure, Change State, keep-alives,
 * Run with echoes.  AP2: discovery, then 6 ClientHellos unanswered. */
static void
build_capture(void)
{
	static const struct {
		uint32_t type;
		bool from_wlc;
		bool twice; /* sent again (a retransmission) */
	} conv[] = {
		{ CS_MSG_JOIN_REQ, false, true },
		{ CS_MSG_JOIN_RESP, true, false },
		{ CS_MSG_CONFIG_STATUS_REQ, false, false },
		{ CS_MSG_CONFIG_STATUS_RESP, true, false },
		{ CS_MSG_CHANGE_STATE_REQ, false, false },
		{ CS_MSG_CHANGE_STATE_RESP, true, false },
		{ CS_MSG_ECHO_REQ, false, false },
		{ CS_MSG_ECHO_RESP, true, false },
		{ CS_MSG_ECHO_REQ, false, false },
		{ CS_MSG_ECHO_RESP, true, false },
	};
	struct side *a = calloc(1, sizeof(*a)), *w = calloc(1, sizeof(*w));
	struct cs_dtls_cfg ac, wc;
	struct cs_dtls_ctx *actx = NULL, *wctx = NULL;
	struct cs_dtls *ap, *wlc, *ap2;
	struct cs_dtls_io io;
	struct cs_cred *cred;
	struct cs_err err = { 0 };
	uint8_t m[2048];

	cap = calloc(1, sizeof(*cap));
	assert_non_null(cap);
	assert_non_null(a);
	assert_non_null(w);
	cs_wr_init(&cap->ng, cap->ngbuf, sizeof(cap->ngbuf));
	cs_pcapng_put_shb(&cap->ng, "capsim test_analyze");
	cs_pcapng_put_idb(&cap->ng, CS_LINKTYPE_ETHERNET, "eth0");
	/* classic pcap header, little-endian, Ethernet */
	put_le32(cap->pcbuf, 0xa1b2c3d4u);
	cap->pcbuf[4] = 2;
	cap->pcbuf[6] = 4;
	put_le32(cap->pcbuf + 16, 65535);
	put_le32(cap->pcbuf + 20, 1);
	cap->pclen = 24;
	cap->t_us = 1760000000ull * 1000000u;

	a->ap_ip = w->ap_ip = AP1;
	w->is_wlc = true;
	cs_dtls_cfg_init(&ac, CS_DTLS_CLIENT);
	cs_dtls_cfg_init(&wc, CS_DTLS_SERVER);
	ac.trust = wc.trust = cs_pki_ca(pki);
	wc.cred = cs_pki_wlc(pki);
	ac.keylog = keylog_cb;
	ac.mtu = 1400;
	if (cs_dtls_ctx_new(&actx, &ac, &err) < 0 ||
	    cs_dtls_ctx_new(&wctx, &wc, &err) < 0)
		fail_msg("dtls ctx: %s", err.what);
	memset(&io, 0, sizeof(io));
	io.send = side_send;
	io.recv = side_recv;
	io.ctx = a;
	assert_int_equal(cs_dtls_new(&ap, actx, &io), 0);
	io.ctx = w;
	assert_int_equal(cs_dtls_new(&wlc, wctx, &io), 0);
	assert_int_equal(cs_pki_issue_ap(pki, ap_mac, CS_PKI_GOOD, &cred), 0);
	assert_int_equal(cs_dtls_set_cred(ap, cred), 0);
	assert_int_equal(cs_dtls_set_peer(wlc, "127.1.0.1:40001", 15), 0);

	/* AP1 discovery: one request lost (retransmitted), then answered */
	clear_ctl(AP1, true, CS_MSG_DISCOVERY_REQ, 0);
	clear_ctl(AP1, true, CS_MSG_DISCOVERY_REQ, 1);
	clear_ctl(AP1, false, CS_MSG_DISCOVERY_RESP, 1);
	/* AP2 discovery */
	clear_ctl(AP2, true, CS_MSG_DISCOVERY_REQ, 0);
	clear_ctl(AP2, false, CS_MSG_DISCOVERY_RESP, 0);

	assert_true(cs_dtls_start(ap) >= 0);
	pump(ap, a, wlc, w);
	assert_true(cs_dtls_is_established(ap));
	for (size_t i = 0; i < CS_ARRAY_SIZE(conv); i++) {
		size_t n = ctl_msg(m, sizeof(m), conv[i].type,
		    (uint8_t)(10 + i / 2), CS_RC_SUCCESS);

		for (int k = 0; k < (conv[i].twice ? 2 : 1); k++)
			assert_int_equal(
			    cs_dtls_send(conv[i].from_wlc ? wlc : ap, m, n), 0);
		pump(ap, a, wlc, w);
		if (conv[i].type == CS_MSG_CHANGE_STATE_RESP) {
			keepalive(AP1, true);
			keepalive(AP1, false);
		}
	}
	assert_int_equal(a->rx + w->rx, CS_ARRAY_SIZE(conv) + 1);

	/* AP2: ClientHello sent 6 times, nothing comes back */
	a->ap_ip = AP2;
	io.ctx = a;
	assert_int_equal(cs_dtls_new(&ap2, actx, &io), 0);
	assert_int_equal(cs_dtls_set_cred(ap2, cred), 0);
	a->qn = 0;
	assert_true(cs_dtls_start(ap2) >= 0);
	assert_int_equal(a->qn, 1);
	/* the retransmissions, 1, 2, 4, 8, 16 s later (RFC 6347 §4.2.4.1):
	 * the same ClientHello (same message_seq) again */
	for (int k = 0; k < 5; k++) {
		cap->t_us += 1000000u << k;
		udp_out(AP2, AP_PORT, WLC, 5246, a->q[0].b, a->q[0].len);
	}

	cs_dtls_free(ap);
	cs_dtls_free(ap2);
	cs_dtls_free(wlc);
	cs_dtls_ctx_free(actx);
	cs_dtls_ctx_free(wctx);
	cs_cred_free(cred);
	free(a);
	free(w);
	assert_int_equal(cap->ng.err, 0);
}

static void
write_file(const char *dir, const char *name, const void *p, size_t len)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static const struct cs_analyze_ap *
find_ap(const struct cs_analyze *a, uint32_t ip)
{
	for (size_t i = 0; i < cs_analyze_n_aps(a); i++)
		if (cs_analyze_ap_get(a, i)->ap_ip == ip)
			return cs_analyze_ap_get(a, i);
	fail_msg("AP %08x not found", ip);
	return NULL;
}

static void
check_full(const struct cs_analyze *a, const struct cs_diagnosis *d)
{
	const struct cs_analyze_ap *p1 = find_ap(a, AP1), *p2 = find_ap(a, AP2);
	struct cs_analyze_stats st;

	assert_int_equal(cs_analyze_n_aps(a), 2);
	cs_analyze_get_stats(a, &st);
	assert_true(st.fragments > 0);
	assert_true(st.reassembled > 0);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(st.keylog_lines, 1);

	/* AP1 joined and reached Run; everything decrypted */
	assert_int_equal(p1->wlc_ip, WLC);
	assert_int_equal(p1->phases_seen,
	    CS_AN_DISCOVERY | CS_AN_DISC_RESP | CS_AN_DTLS | CS_AN_DTLS_DONE |
	        CS_AN_JOIN | CS_AN_JOINED | CS_AN_CONFIGURE | CS_AN_DATA |
	        CS_AN_RUN);
	assert_string_equal(p1->stopped, "run");
	assert_int_equal(p1->retrans_disc, 1);
	assert_int_equal(p1->retrans_ctrl, 1); /* the Join Request */
	assert_int_equal(p1->retrans_dtls, 0);
	assert_int_equal(p1->dtls_sessions, 1);
	assert_int_equal(p1->ctrl_msgs, 11);
	assert_int_equal(p1->dec_failed, 0);
	assert_int_equal(p1->dec_nokey, 0);
	assert_int_equal(p1->dec_ok, p1->dec_records);
	assert_int_equal(p1->suite, 0xc02f);
	assert_int_equal(p1->version, 0xfefd);
	assert_string_equal(p1->dec_state, "ok");
	assert_int_equal(p1->facts.join_req, 2);
	assert_int_equal(p1->facts.join_resp, 1);
	assert_int_equal(p1->facts.echo_resp, 2);
	assert_int_equal(p1->facts.ka_up, 1);
	assert_int_equal(p1->facts.ka_down, 1);
	assert_true(p1->facts.flags & CS_FACTS_F_IN_RUN);
	assert_int_equal(p1->code, CS_DIAG_OK);

	/* AP2: ClientHello again and again, nothing back */
	assert_int_equal(
	    p2->phases_seen, CS_AN_DISCOVERY | CS_AN_DISC_RESP | CS_AN_DTLS);
	assert_string_equal(p2->stopped, "dtls-handshake");
	assert_int_equal(p2->facts.ch, 6);
	assert_int_equal(p2->retrans_dtls, 5);
	assert_int_equal(p2->pkts_down, 1);
	/* a capture at the AP's side cannot tell whether the ClientHellos
	 * reached the controller: no cause without that evidence */
	assert_int_equal(p2->code, CS_DIAG_INCONCLUSIVE);
	assert_non_null(strstr(p2->verdict, "inconclusive"));
	assert_non_null(strstr(p2->verdict, "reached the controller"));

	assert_int_equal(d->aps, 2);
	assert_int_equal(d->aps_affected, 1);
	assert_string_equal(d->code, "inconclusive");
	assert_int_equal(d->count[CS_DIAG_OK], 1);
	assert_int_equal(d->count[CS_DIAG_INCONCLUSIVE], 1);
	assert_non_null(d->ap_idx[CS_DIAG_INCONCLUSIVE]);
	assert_int_equal(d->ap_idx[CS_DIAG_INCONCLUSIVE][0], 1);
	assert_int_equal(d->ap_idx[CS_DIAG_OK][0], 0);
}

static void
test_pcapng_with_dsb(void **state)
{
	struct cs_analyze *a;
	struct cs_diagnosis d;
	struct cs_err err = { 0 };

	(void)state;
	assert_int_equal(cs_analyze_new(&a, NULL), 0);
	assert_int_equal(
	    cs_analyze_capture(a, cap->ngbuf, cap->ng.len, &err), 0);
	assert_int_equal(cs_analyze_finish(a, &d), 0);
	check_full(a, &d);
	cs_diagnosis_free(&d);
	/* finish twice gives the same */
	assert_int_equal(cs_analyze_finish(a, &d), 0);
	check_full(a, &d);
	cs_diagnosis_free(&d);
	cs_analyze_free(a);
}

static void
test_pcap_with_keylog(void **state)
{
	struct cs_analyze *a;
	struct cs_diagnosis d;
	struct cs_err err = { 0 };

	(void)state;
	assert_int_equal(cs_analyze_new(&a, NULL), 0);
	assert_int_equal(cs_analyze_keylog(a, cap->keylog, cap->klen, &err), 1);
	assert_int_equal(
	    cs_analyze_capture(a, cap->pcbuf, cap->pclen, &err), 0);
	assert_int_equal(cs_analyze_finish(a, &d), 0);
	check_full(a, &d);
	cs_diagnosis_free(&d);
	cs_analyze_free(a);
}

/* Without keys: the handshake is seen, the control messages are not. */
static void
test_no_keys(void **state)
{
	struct cs_analyze *a;
	struct cs_diagnosis d;
	struct cs_err err = { 0 };
	const struct cs_analyze_ap *p1;

	(void)state;
	assert_int_equal(cs_analyze_new(&a, NULL), 0);
	assert_int_equal(
	    cs_analyze_capture(a, cap->pcbuf, cap->pclen, &err), 0);
	assert_int_equal(cs_analyze_finish(a, &d), 0);
	p1 = find_ap(a, AP1);
	assert_int_equal(p1->ctrl_msgs, 0);
	assert_int_equal(p1->dec_ok, 0);
	assert_true(p1->dec_nokey > 0);
	assert_string_equal(p1->dec_state, "no-key");
	assert_true(p1->phases_seen & CS_AN_DTLS_DONE);
	assert_false(p1->phases_seen & CS_AN_JOIN);
	assert_int_equal(find_ap(a, AP2)->code, CS_DIAG_INCONCLUSIVE);
	cs_diagnosis_free(&d);
	cs_analyze_free(a);
}

/* Cut in the middle of a packet: an error naming the offset, and the
 * packets before it analysed (AP1's discovery at least). */
static void
test_truncated(void **state)
{
	struct cs_analyze *a;
	struct cs_diagnosis d;
	struct cs_err err = { 0 };
	size_t cut = cap->first_enc_off + 30;

	(void)state;
	assert_int_equal(cs_analyze_new(&a, NULL), 0);
	assert_int_equal(
	    cs_analyze_capture(a, cap->ngbuf, cut, &err), -EBADMSG);
	assert_true(err.offset >= cap->first_enc_off && err.offset <= cut);
	assert_int_equal(cs_analyze_finish(a, &d), 0);
	assert_int_equal(cs_analyze_n_aps(a), 2);
	assert_true(find_ap(a, AP1)->phases_seen & CS_AN_DTLS);
	cs_diagnosis_free(&d);
	cs_analyze_free(a);

	/* not a capture at all */
	assert_int_equal(cs_analyze_new(&a, NULL), 0);
	assert_int_equal(
	    cs_analyze_capture(a, (const uint8_t *)"hello", 5, &err), -EBADMSG);
	assert_int_equal(err.offset, 0);
	cs_analyze_free(a);
}

/* Datagram level: ports, direction when both ends use CAPWAP ports,
 * another port set, junk. */
static void
test_udp_level(void **state)
{
	struct cs_analyze_cfg cfg = { .wlc_port = 15246 };
	struct cs_analyze *a;
	struct cs_analyze_stats st;
	struct cs_diagnosis d;
	uint8_t m[256];
	size_t n = ctl_msg(m, sizeof(m), CS_MSG_DISCOVERY_REQ, 0, 0);
	static const uint8_t junk[] = { 0xff, 0xff };

	(void)state;
	assert_int_equal(cs_analyze_new(&a, &cfg), 0);
	/* 5246 is not the controller port here */
	assert_int_equal(
	    cs_analyze_udp(a, 1000, AP1, 40000, WLC, 5246, m, n), 0);
	assert_int_equal(cs_analyze_n_aps(a), 0);
	/* both ends on CAPWAP ports: the Discovery Request's sender is the
	 * AP, the responder becomes a known controller */
	assert_int_equal(
	    cs_analyze_udp(a, 2000, AP1, 15246, WLC, 15246, m, n), 0);
	n = ctl_msg(m, sizeof(m), CS_MSG_DISCOVERY_RESP, 0, 0);
	assert_int_equal(
	    cs_analyze_udp(a, 3000, WLC, 15246, AP1, 15246, m, n), 0);
	assert_int_equal(
	    cs_analyze_udp(a, 4000, WLC, 15246, AP1, 15246, junk, 2), 0);
	assert_int_equal(cs_analyze_n_aps(a), 1);
	assert_int_equal(cs_analyze_ap_get(a, 0)->ap_ip, AP1);
	assert_int_equal(cs_analyze_ap_get(a, 0)->pkts_up, 1);
	assert_int_equal(cs_analyze_ap_get(a, 0)->pkts_down, 2);
	assert_null(cs_analyze_ap_get(a, 1));
	cs_analyze_get_stats(a, &st);
	assert_int_equal(st.not_capwap, 1);
	assert_int_equal(st.capwap, 3);
	assert_int_equal(cs_analyze_finish(a, &d), 0);
	assert_int_equal(d.aps, 1);
	cs_diagnosis_free(&d);
	assert_int_equal(cs_analyze_finish(a, NULL), -EINVAL);
	cs_analyze_free(a);
	cs_analyze_free(NULL);
	assert_int_equal(cs_analyze_new(NULL, NULL), -EINVAL);
	assert_string_equal(cs_an_phase_name(0), "discovery");
	assert_string_equal(cs_an_phase_name(8), "run");
	assert_null(cs_an_phase_name(9));
}

/* A DTLS datagram (CAPWAP DTLS header + one epoch-0 handshake record)
 * holding a ClientHello (random byte r, message_seq mseq, cookie length
 * ck) or a HelloVerifyRequest. */
static size_t
dtls_dgram(uint8_t *b, bool hvr, uint8_t r, uint16_t mseq, uint8_t ck)
{
	uint8_t body[128];
	size_t bl = 0, at = 0;

	body[bl++] = 0xfe;
	body[bl++] = 0xfd;
	if (hvr) {
		body[bl++] = 8;
		memset(body + bl, 0x77, 8);
		bl += 8;
	} else {
		memset(body + bl, r, 32);
		bl += 32;
		body[bl++] = 0;  /* session id */
		body[bl++] = ck; /* cookie */
		memset(body + bl, 0x77, ck);
		bl += ck;
		body[bl++] = 0;
		body[bl++] = 2;
		body[bl++] = 0xc0;
		body[bl++] = 0x2f;
		body[bl++] = 1;
		body[bl++] = 0;
	}
	b[at++] = 1;
	b[at++] = 0;
	b[at++] = 0;
	b[at++] = 0;
	b[at++] = 22;
	b[at++] = 0xfe;
	b[at++] = hvr ? 0xff : 0xfd;
	memset(b + at, 0, 8); /* epoch 0, sequence */
	b[at + 7] = mseq;
	at += 8;
	b[at++] = (uint8_t)((bl + 12) >> 8);
	b[at++] = (uint8_t)(bl + 12);
	b[at++] = hvr ? 3 : 1;
	b[at++] = 0;
	b[at++] = (uint8_t)(bl >> 8);
	b[at++] = (uint8_t)bl;
	b[at++] = (uint8_t)(mseq >> 8);
	b[at++] = (uint8_t)mseq;
	b[at++] = 0;
	b[at++] = 0;
	b[at++] = 0;
	b[at++] = 0;
	b[at++] = (uint8_t)(bl >> 8);
	b[at++] = (uint8_t)bl;
	memcpy(b + at, body, bl);
	return at + bl;
}

/* A capture taken at the controller: every ClientHello is answered, but
 * the AP never sends one with the cookie, so the HelloVerifyRequests were
 * lost on the way: return-path loss in the AP's terms. */
static void
test_controller_side(void **state)
{
	struct cs_analyze *a;
	struct cs_diagnosis d;
	const struct cs_analyze_ap *p;
	uint8_t m[256];
	size_t n;
	uint64_t t = 1000000;

	(void)state;
	assert_int_equal(cs_analyze_new(&a, NULL), 0);
	n = ctl_msg(m, sizeof(m), CS_MSG_DISCOVERY_REQ, 0, 0);
	cs_analyze_udp(a, t, AP1, AP_PORT, WLC, 5246, m, n);
	n = ctl_msg(m, sizeof(m), CS_MSG_DISCOVERY_RESP, 0, 0);
	cs_analyze_udp(a, t += 100, WLC, 5246, AP1, AP_PORT, m, n);
	for (int i = 0; i < 6; i++) {
		n = dtls_dgram(m, false, 1, 0, 0);
		cs_analyze_udp(a, t += 1000000, AP1, AP_PORT, WLC, 5246, m, n);
		n = dtls_dgram(m, true, 0, 0, 0);
		cs_analyze_udp(a, t += 100, WLC, 5246, AP1, AP_PORT, m, n);
	}
	/* AP2 gets its HelloVerifyRequest: the cookie comes back */
	n = dtls_dgram(m, false, 2, 0, 0);
	cs_analyze_udp(a, t += 100, AP2, AP_PORT, WLC, 5246, m, n);
	n = dtls_dgram(m, true, 0, 0, 0);
	cs_analyze_udp(a, t += 100, WLC, 5246, AP2, AP_PORT, m, n);
	n = dtls_dgram(m, false, 2, 1, 8);
	cs_analyze_udp(a, t += 100, AP2, AP_PORT, WLC, 5246, m, n);
	assert_int_equal(cs_analyze_finish(a, &d), 0);
	p = find_ap(a, AP1);
	assert_int_equal(p->unacked_down, 6);
	assert_int_equal(p->facts.hvr, 0);
	assert_int_equal(p->facts.disc_resp, 1);
	assert_int_equal(p->facts.ch, 6);
	assert_int_equal(p->retrans_dtls, 10); /* both directions */
	assert_int_equal(p->code, CS_DIAG_RETURN_PATH_LOSS);
	p = find_ap(a, AP2);
	assert_int_equal(p->unacked_down, 0);
	assert_int_equal(p->facts.hvr, 1);
	assert_int_equal(p->facts.ch_cookie, 1);
	cs_diagnosis_free(&d);
	cs_analyze_free(a);
}

/* A server DTLS datagram: one epoch-0 handshake record holding a
 * fragment [off, off + flen) of a @p total-byte message @p type with
 * message_seq @p mseq. */
static size_t
hs_dgram(uint8_t *b, uint8_t type, uint16_t mseq, uint32_t total, uint32_t off,
    uint32_t flen)
{
	size_t at = 0;

	assert_true(flen <= 200);
	b[at++] = 1; /* CAPWAP DTLS header */
	b[at++] = 0;
	b[at++] = 0;
	b[at++] = 0;
	b[at++] = 22;
	b[at++] = 0xfe;
	b[at++] = 0xfd;
	memset(b + at, 0, 8); /* epoch 0, sequence */
	b[at + 7] = (uint8_t)(mseq + 1);
	at += 8;
	b[at++] = (uint8_t)((flen + 12) >> 8);
	b[at++] = (uint8_t)(flen + 12);
	b[at++] = type;
	b[at++] = (uint8_t)(total >> 16);
	b[at++] = (uint8_t)(total >> 8);
	b[at++] = (uint8_t)total;
	b[at++] = (uint8_t)(mseq >> 8);
	b[at++] = (uint8_t)mseq;
	b[at++] = (uint8_t)(off >> 16);
	b[at++] = (uint8_t)(off >> 8);
	b[at++] = (uint8_t)off;
	b[at++] = (uint8_t)(flen >> 16);
	b[at++] = (uint8_t)(flen >> 8);
	b[at++] = (uint8_t)flen;
	memset(b + at, 0xab, flen);
	return at + flen;
}

/* A capture at the AP: the cookie exchange works, then only later parts
 * of the server's flight arrive (ServerKeyExchange, ServerHelloDone),
 * never a ServerHello, and the AP repeats its ClientHello.  The AP side
 * cannot tell a selective drop from an MTU loss (the ServerHello's size
 * is not in it): inconclusive, never mtu-fragment-loss.  With a
 * Certificate tail among them (its start, and the ServerHello, went in a
 * bigger datagram) the MTU reading stands. */
static void
test_flight_without_server_hello(void **state)
{
	for (int tail = 0; tail < 2; tail++) {
		struct cs_analyze *a;
		struct cs_diagnosis d;
		const struct cs_analyze_ap *p;
		uint8_t m[256];
		size_t n;
		uint64_t t = 1000000;

		(void)state;
		assert_int_equal(cs_analyze_new(&a, NULL), 0);
		n = ctl_msg(m, sizeof(m), CS_MSG_DISCOVERY_REQ, 0, 0);
		cs_analyze_udp(a, t, AP1, AP_PORT, WLC, 5246, m, n);
		n = ctl_msg(m, sizeof(m), CS_MSG_DISCOVERY_RESP, 0, 0);
		cs_analyze_udp(a, t += 100, WLC, 5246, AP1, AP_PORT, m, n);
		n = dtls_dgram(m, false, 1, 0, 0);
		cs_analyze_udp(a, t += 1000, AP1, AP_PORT, WLC, 5246, m, n);
		n = dtls_dgram(m, true, 0, 0, 0);
		cs_analyze_udp(a, t += 100, WLC, 5246, AP1, AP_PORT, m, n);
		for (int i = 0; i < 4; i++) {
			n = dtls_dgram(m, false, 1, 1, 8);
			cs_analyze_udp(
			    a, t += 1000000, AP1, AP_PORT, WLC, 5246, m, n);
			if (tail) {
				n = hs_dgram(m, 11, 2, 3000, 1200, 150);
				cs_analyze_udp(
				    a, t += 100, WLC, 5246, AP1, AP_PORT, m, n);
			}
			n = hs_dgram(m, 12, 3, 180, 0, 180);
			cs_analyze_udp(
			    a, t += 100, WLC, 5246, AP1, AP_PORT, m, n);
			n = hs_dgram(m, 14, 5, 0, 0, 0);
			cs_analyze_udp(
			    a, t += 100, WLC, 5246, AP1, AP_PORT, m, n);
		}
		assert_int_equal(cs_analyze_finish(a, &d), 0);
		p = find_ap(a, AP1);
		assert_non_null(p);
		assert_int_equal(p->facts.sh, 0);
		assert_int_equal(p->facts.ch_cookie, 4);
		if (tail) {
			assert_int_equal(p->facts.flight_no_sh, 0);
			assert_int_equal(p->code, CS_DIAG_MTU_FRAGMENT_LOSS);
		} else {
			/* the first three flights are settled as not acted
			 * on; the last is taken at the end: all counted */
			assert_int_equal(p->facts.flight_no_sh, 8);
			assert_int_equal(p->code, CS_DIAG_INCONCLUSIVE);
			assert_non_null(
			    strstr(p->verdict, "ServerHello never arrived"));
		}
		cs_diagnosis_free(&d);
		cs_analyze_free(a);
	}
}

/* A capture at the AP: a flight of an earlier handshake (ServerHello,
 * message_seq 1) arrives before the AP's new ClientHello with the cookie
 * went out.  It answers nothing the AP waits for: counted as stale, not
 * held as an answer the AP failed to act on, and the handshake is never
 * read as an MTU loss. */
static void
test_stale_flight(void **state)
{
	struct cs_analyze *a;
	struct cs_diagnosis d;
	const struct cs_analyze_ap *p;
	uint8_t m[256];
	size_t n;
	uint64_t t = 1000000;

	(void)state;
	assert_int_equal(cs_analyze_new(&a, NULL), 0);
	/* the first handshake: its flight never comes in time */
	n = dtls_dgram(m, false, 1, 0, 0);
	cs_analyze_udp(a, t, AP1, AP_PORT, WLC, 5246, m, n);
	n = dtls_dgram(m, true, 0, 0, 0);
	cs_analyze_udp(a, t += 4000000, WLC, 5246, AP1, AP_PORT, m, n);
	for (int i = 0; i < 3; i++) {
		n = dtls_dgram(m, false, 1, 1, 8);
		cs_analyze_udp(a, t += 1000000, AP1, AP_PORT, WLC, 5246, m, n);
	}
	/* WaitDTLS: back to discovery, then a new handshake (new random);
	 * the old flight arrives in it */
	n = ctl_msg(m, sizeof(m), CS_MSG_DISCOVERY_REQ, 1, 0);
	cs_analyze_udp(a, t += 1000000, AP1, AP_PORT, WLC, 5246, m, n);
	n = ctl_msg(m, sizeof(m), CS_MSG_DISCOVERY_RESP, 1, 0);
	cs_analyze_udp(a, t += 100, WLC, 5246, AP1, AP_PORT, m, n);
	n = dtls_dgram(m, false, 2, 0, 0);
	cs_analyze_udp(a, t += 1000000, AP1, AP_PORT, WLC, 5246, m, n);
	n = hs_dgram(m, 2, 1, 70, 0, 70);
	cs_analyze_udp(a, t += 100000, WLC, 5246, AP1, AP_PORT, m, n);
	n = hs_dgram(m, 14, 5, 0, 0, 0);
	cs_analyze_udp(a, t += 100, WLC, 5246, AP1, AP_PORT, m, n);
	n = dtls_dgram(m, false, 2, 0, 0); /* repeated: its answer is late */
	cs_analyze_udp(a, t += 1000000, AP1, AP_PORT, WLC, 5246, m, n);
	assert_int_equal(cs_analyze_finish(a, &d), 0);
	p = find_ap(a, AP1);
	assert_non_null(p);
	assert_int_equal(p->facts.stale_down, 1);
	assert_int_equal(p->code, CS_DIAG_INCONCLUSIVE);
	assert_non_null(strstr(p->verdict, "earlier DTLS handshake"));
	cs_diagnosis_free(&d);
	cs_analyze_free(a);
}

/* A Discovery Request with WTP Board Data naming serial @p serial. */
static size_t
disc_req_serial(uint8_t *buf, size_t cap_len, const char *serial)
{
	static const char model[] = "AIR-CAP2702I";
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;
	struct cs_el_board_data bd = { .vendor = 9, .n_sub = 2 };

	bd.sub[0] = (struct cs_board_sub){ CS_BOARD_MODEL, sizeof(model) - 1,
		(const uint8_t *)model };
	bd.sub[1] = (struct cs_board_sub){ CS_BOARD_SERIAL,
		(uint16_t)strlen(serial), (const uint8_t *)serial };
	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, buf, cap_len);
	cs_msgb_begin(&b, &wr, &h, CS_MSG_DISCOVERY_REQ, 0);
	cs_el_put_board_data(&wr, &bd);
	assert_int_equal(cs_msgb_end(&b), 0);
	return wr.len;
}

/* Two APs behind one NAT address (distinct WTP Board Data, distinct
 * ports); the controller answers, the answers never get back. */
static void
test_nat_no_return(void **state)
{
	struct cs_analyze *a;
	struct cs_diagnosis d;
	const struct cs_analyze_ap *p;
	uint8_t m[256];
	size_t n;
	uint64_t t = 1000000;

	(void)state;
	assert_int_equal(cs_analyze_new(&a, NULL), 0);
	for (int i = 0; i < 4; i++)
		for (uint16_t k = 0; k < 2; k++) {
			n = disc_req_serial(m, sizeof(m), k ? "FCZ1" : "FCZ2");
			cs_analyze_udp(a, t += 1000, AP1, (uint16_t)(50000 + k),
			    WLC, 5246, m, n);
			n = ctl_msg(m, sizeof(m), CS_MSG_DISCOVERY_RESP, 0, 0);
			cs_analyze_udp(a, t += 10, WLC, 5246, AP1,
			    (uint16_t)(50000 + k), m, n);
		}
	assert_int_equal(cs_analyze_finish(a, &d), 0);
	/* keyed by WTP identity: two APs, not one address */
	assert_int_equal(cs_analyze_n_aps(a), 2);
	for (size_t i = 0; i < 2; i++) {
		p = cs_analyze_ap_get(a, i);
		assert_true(p->has_identity);
		assert_int_equal(p->ap_ip, AP1);
		assert_int_equal(p->wtps, 2);
		assert_true(p->facts.flags & CS_FACTS_F_NAT);
		assert_int_equal(p->facts.disc_resp, 0);
		assert_int_equal(p->unacked_down, 4);
		assert_int_equal(p->retrans_disc, 3);
		assert_int_equal(p->code, CS_DIAG_NAT_NO_RETURN);
	}
	assert_string_equal(d.code, "nat-no-return");
	cs_diagnosis_free(&d);
	cs_analyze_free(a);
}

/* An AP whose clock is 30 years behind refuses the controller's
 * certificate (bad_certificate); the capture's own clock shows the
 * certificate valid, so the analysis says clock-skew, not a bad
 * certificate. */
/* A protected control datagram: one epoch-1 application data record
 * with sequence number @p seq (RFC 6347 §4.1), opaque ciphertext. */
static size_t
app_dgram(uint8_t *b, uint64_t seq)
{
	size_t at = 0;

	b[at++] = 1; /* CAPWAP DTLS preamble */
	b[at++] = 0;
	b[at++] = 0;
	b[at++] = 0;
	b[at++] = 23;
	b[at++] = 0xfe;
	b[at++] = 0xfd;
	b[at++] = 0;
	b[at++] = 1; /* epoch 1 */
	for (int i = 5; i >= 0; i--)
		b[at++] = (uint8_t)(seq >> (8 * i));
	b[at++] = 0;
	b[at++] = 48;
	memset(b + at, 0x5a, 48);
	return at + 48;
}

/* Behind a NAT one address and port carries one AP, then (the mapping
 * expired and was handed out again) another: two APs, each keeping its
 * own datagrams; what follows on the port without identity belongs to
 * the AP that identified itself there last. */
static void
test_nat_port_reuse(void **state)
{
	struct cs_analyze *a;
	struct cs_diagnosis d;
	const struct cs_analyze_ap *p0, *p1;
	uint8_t m[256];
	size_t n;
	uint64_t t = 1000000;

	(void)state;
	assert_int_equal(cs_analyze_new(&a, NULL), 0);
	n = disc_req_serial(m, sizeof(m), "FCZ1");
	assert_int_equal(cs_analyze_udp(a, t, AP1, 40000, WLC, 5246, m, n), 0);
	n = ctl_msg(m, sizeof(m), CS_MSG_DISCOVERY_RESP, 0, 0);
	assert_int_equal(
	    cs_analyze_udp(a, t += 10, WLC, 5246, AP1, 40000, m, n), 0);
	n = disc_req_serial(m, sizeof(m), "FCZ2");
	assert_int_equal(
	    cs_analyze_udp(a, t += 60000000, AP1, 40000, WLC, 5246, m, n), 0);
	n = dtls_dgram(m, false, 0x42, 0, 0);
	assert_int_equal(
	    cs_analyze_udp(a, t += 10, AP1, 40000, WLC, 5246, m, n), 0);
	assert_int_equal(cs_analyze_finish(a, &d), 0);
	assert_int_equal(cs_analyze_n_aps(a), 2);
	p0 = cs_analyze_ap_get(a, 0);
	p1 = cs_analyze_ap_get(a, 1);
	assert_true(p0->has_identity && p1->has_identity);
	assert_int_equal(p0->pkts_up, 1);
	assert_int_equal(p0->pkts_down, 1);
	assert_int_equal(p0->dtls_sessions, 0);
	assert_int_equal(p1->pkts_up, 2);
	assert_int_equal(p1->pkts_down, 0);
	assert_int_equal(p1->dtls_sessions, 1);
	cs_diagnosis_free(&d);
	cs_analyze_free(a);
}

/* Two APs behind one address rebind to new ports mid-capture (no new
 * handshake): each new flow goes to the AP whose DTLS record sequence it
 * continues, and each AP shows one port change. */
static void
test_nat_rebinding(void **state)
{
	struct cs_analyze *a;
	struct cs_diagnosis d;
	const struct cs_analyze_ap *p;
	uint8_t m[256];
	size_t n;
	uint64_t t = 1000000;
	static const char *const serial[2] = { "FCZ1", "FCZ2" };

	(void)state;
	assert_int_equal(cs_analyze_new(&a, NULL), 0);
	for (uint16_t k = 0; k < 2; k++) {
		n = disc_req_serial(m, sizeof(m), serial[k]);
		cs_analyze_udp(
		    a, t += 1000, AP1, (uint16_t)(50000 + k), WLC, 5246, m, n);
	}
	/* AP 0 counts from 1, AP 1 from 10; AP 1 is the last one seen */
	for (uint64_t s = 0; s < 3; s++)
		for (uint16_t k = 0; k < 2; k++) {
			n = app_dgram(m, 1 + 9 * k + s);
			cs_analyze_udp(a, t += 1000, AP1, (uint16_t)(50000 + k),
			    WLC, 5246, m, n);
		}
	for (uint16_t k = 0; k < 2; k++) {
		n = app_dgram(m, 4 + 9 * k);
		cs_analyze_udp(
		    a, t += 1000, AP1, (uint16_t)(50100 + k), WLC, 5246, m, n);
	}
	assert_int_equal(cs_analyze_finish(a, &d), 0);
	assert_int_equal(cs_analyze_n_aps(a), 2);
	for (size_t i = 0; i < 2; i++) {
		p = cs_analyze_ap_get(a, i);
		assert_int_equal(p->pkts_up, 5);
		assert_int_equal(p->port_changes, 1);
		assert_true(p->facts.flags & CS_FACTS_F_NAT);
	}
	cs_diagnosis_free(&d);
	cs_analyze_free(a);
}

/* Two APs behind one address count their records alike and no keys are
 * known: a flow from a new port continues both; its AP is a guess and
 * the stats say so. */
static void
test_nat_rebinding_guess(void **state)
{
	struct cs_analyze *a;
	struct cs_diagnosis d;
	struct cs_analyze_stats st;
	uint8_t m[256];
	size_t n;
	uint64_t t = 1000000;
	static const char *const serial[2] = { "FCZ1", "FCZ2" };

	(void)state;
	assert_int_equal(cs_analyze_new(&a, NULL), 0);
	for (uint16_t k = 0; k < 2; k++) {
		n = disc_req_serial(m, sizeof(m), serial[k]);
		cs_analyze_udp(
		    a, t += 1000, AP1, (uint16_t)(50000 + k), WLC, 5246, m, n);
		n = app_dgram(m, 1);
		cs_analyze_udp(
		    a, t += 1000, AP1, (uint16_t)(50000 + k), WLC, 5246, m, n);
	}
	cs_analyze_get_stats(a, &st);
	assert_int_equal(st.ap_guessed, 0);
	assert_int_equal(st.aps_identified, 2);
	n = app_dgram(m, 2);
	cs_analyze_udp(a, t += 1000, AP1, 50100, WLC, 5246, m, n);
	assert_int_equal(cs_analyze_finish(a, &d), 0);
	assert_int_equal(cs_analyze_n_aps(a), 2);
	cs_analyze_get_stats(a, &st);
	assert_int_equal(st.ap_guessed, 1);
	cs_diagnosis_free(&d);
	cs_analyze_free(a);
}

static void
test_clock_skew(void **state)
{
	struct capture *saved = cap;
	struct side *a = calloc(1, sizeof(*a)), *w = calloc(1, sizeof(*w));
	struct cs_dtls_cfg ac, wc;
	struct cs_dtls_ctx *actx, *wctx;
	struct cs_dtls *ap, *wlc;
	struct cs_dtls_io io;
	struct cs_cred *cred;
	struct cs_analyze *an;
	struct cs_diagnosis d;
	const struct cs_analyze_ap *p;
	int64_t now = (int64_t)time(NULL);

	(void)state;
	cap = calloc(1, sizeof(*cap));
	assert_non_null(cap);
	assert_non_null(a);
	assert_non_null(w);
	cs_wr_init(&cap->ng, cap->ngbuf, sizeof(cap->ngbuf));
	cs_pcapng_put_shb(&cap->ng, NULL);
	cs_pcapng_put_idb(&cap->ng, CS_LINKTYPE_ETHERNET, NULL);
	cap->pclen = 24;
	cap->t_us = (uint64_t)now * 1000000u;
	a->ap_ip = w->ap_ip = AP1;
	w->is_wlc = true;
	cs_dtls_cfg_init(&ac, CS_DTLS_CLIENT);
	cs_dtls_cfg_init(&wc, CS_DTLS_SERVER);
	ac.trust = wc.trust = cs_pki_ca(pki);
	wc.cred = cs_pki_wlc(pki);
	assert_int_equal(cs_dtls_ctx_new(&actx, &ac, NULL), 0);
	assert_int_equal(cs_dtls_ctx_new(&wctx, &wc, NULL), 0);
	memset(&io, 0, sizeof(io));
	io.send = side_send;
	io.recv = side_recv;
	io.ctx = a;
	io.clock_skew_s = -10950 * 86400;
	assert_int_equal(cs_dtls_new(&ap, actx, &io), 0);
	io.ctx = w;
	io.clock_skew_s = 0;
	assert_int_equal(cs_dtls_new(&wlc, wctx, &io), 0);
	assert_int_equal(cs_pki_issue_ap(pki, ap_mac, CS_PKI_GOOD, &cred), 0);
	assert_int_equal(cs_dtls_set_cred(ap, cred), 0);
	assert_int_equal(cs_dtls_set_peer(wlc, "127.1.0.1:40001", 15), 0);
	clear_ctl(AP1, true, CS_MSG_DISCOVERY_REQ, 0);
	clear_ctl(AP1, false, CS_MSG_DISCOVERY_RESP, 0);
	(void)cs_dtls_start(ap);
	pump(ap, a, wlc, w);
	assert_false(cs_dtls_is_established(ap));

	assert_int_equal(cs_analyze_new(&an, NULL), 0);
	assert_int_equal(
	    cs_analyze_capture(an, cap->ngbuf, cap->ng.len, NULL), 0);
	assert_int_equal(cs_analyze_finish(an, &d), 0);
	p = find_ap(an, AP1);
	/* certificate_expired: lib/dtls sends it for "not yet valid" too
	 * (RFC 5246 §7.2.2 "expired or is not currently valid") */
	assert_int_equal(p->facts.alert_up_desc, 45);
	assert_true(p->cert_not_before > 0 && p->cert_not_before <= now + 1);
	assert_true(p->cert_not_after > now);
	assert_true(p->facts.skew_s < 0);
	assert_int_equal(p->code, CS_DIAG_CLOCK_SKEW);
	cs_diagnosis_free(&d);
	cs_analyze_free(an);
	cs_dtls_free(ap);
	cs_dtls_free(wlc);
	cs_dtls_ctx_free(actx);
	cs_dtls_ctx_free(wctx);
	cs_cred_free(cred);
	free(a);
	free(w);
	free(cap);
	cap = saved;
}

/* Many APs: the address index grows. */
static void
test_many_aps(void **state)
{
	struct cs_analyze *a;
	uint8_t m[256];
	size_t n = ctl_msg(m, sizeof(m), CS_MSG_DISCOVERY_REQ, 0, 0);

	(void)state;
	assert_int_equal(cs_analyze_new(&a, NULL), 0);
	for (uint32_t i = 0; i < 3000; i++)
		assert_int_equal(cs_analyze_udp(a, i, 0x7f020000u + i, 40000,
		                     WLC, 5246, m, n),
		    0);
	for (uint32_t i = 0; i < 3000; i += 7)
		assert_int_equal(cs_analyze_udp(a, i, 0x7f020000u + i, 40000,
		                     WLC, 5246, m, n),
		    0);
	assert_int_equal(cs_analyze_n_aps(a), 3000);
	assert_int_equal(cs_analyze_ap_get(a, 7)->pkts_up, 2);
	assert_int_equal(cs_analyze_ap_get(a, 7)->retrans_disc, 1);
	assert_int_equal(cs_analyze_ap_get(a, 8)->pkts_up, 1);
	cs_analyze_free(a);
}

static int
group_setup(void **state)
{
	struct cs_pki_cfg cfg = { .key_type = CS_PKI_KEY_RSA2048 };
	const char *dir = getenv("CS_ANALYZE_WRITE");

	(void)state;
	if (cs_pki_new(&pki, &cfg) < 0)
		return -1;
	build_capture();
	if (dir != NULL) {
		write_file(dir, "analyze_join.pcapng", cap->ngbuf, cap->ng.len);
		write_file(dir, "analyze_join.pcap", cap->pcbuf, cap->pclen);
		write_file(dir, "analyze_join.keylog", cap->keylog, cap->klen);
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	cs_pki_free(pki);
	free(cap);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcapng_with_dsb),
		cmocka_unit_test(test_pcap_with_keylog),
		cmocka_unit_test(test_no_keys),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_udp_level),
		cmocka_unit_test(test_many_aps),
		cmocka_unit_test(test_controller_side),
		cmocka_unit_test(test_flight_without_server_hello),
		cmocka_unit_test(test_stale_flight),
		cmocka_unit_test(test_nat_no_return),
		cmocka_unit_test(test_nat_port_reuse),
		cmocka_unit_test(test_nat_rebinding),
		cmocka_unit_test(test_nat_rebinding_guess),
		cmocka_unit_test(test_clock_skew),
	};

	return cmocka_run_group_tests_name(
	    "analyze", tests, group_setup, group_teardown);
}
