/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the mock WLC (lib/wlc): discovery responder, join policy,
 * the session FSM from Join to Run, timers, reliability rules, image
 * download, reset, misbehaviours, restart and join statistics.  A fake io
 * records datagrams, timers, closes and events; time is a plain number.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "capsim/wlc.h"
#include "testutil.h"
#include "wlc/wlc-internal.h"

#define AP_IP    0x7f010007u /* 127.1.0.7 */
#define AP_PORT  40000
#define AP_DPORT 40001
#define WLC_IP   0x7f000001u

/* ------------------------------------------------------------------ */
/* Fake io */

struct sent {
	bool secure;
	enum cs_chan ch;
	uint32_t ip;
	uint16_t port;
	struct cs_wlc_sess *s;
	struct cs_pkt_hint hint;
	size_t len;
	uint8_t pkt[2048];
};

struct fake {
	struct sent sent[64];
	unsigned n_sent;
	bool armed[CS_WLC_T__COUNT];
	uint64_t delay[CS_WLC_T__COUNT];
	unsigned closes;
	bool close_graceful;
	bool close_calls_closed; /* glue forgets the session inside close */
	struct cs_wlc_sess *closed_s;
	enum cs_wlc_ev_kind ev_kinds[256];
	uint32_t ev_codes[256];
	unsigned n_ev;
	uint32_t rand_value;
	char log[16384];
};

static struct fake F;

static int
f_send_clear(void *ctx, enum cs_chan ch, uint32_t ip, uint16_t port,
    const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	struct sent *x;

	(void)ctx;
	assert_true(F.n_sent < 64 && len <= sizeof(x->pkt));
	x = &F.sent[F.n_sent++];
	memset(x, 0, sizeof(*x));
	x->ch = ch;
	x->ip = ip;
	x->port = port;
	x->hint = *hint;
	x->len = len;
	memcpy(x->pkt, pkt, len);
	return 0;
}

static int
f_send_secure(void *ctx, struct cs_wlc_sess *s, const uint8_t *pkt, size_t len,
    const struct cs_pkt_hint *hint)
{
	struct sent *x;

	(void)ctx;
	assert_true(F.n_sent < 64 && len <= sizeof(x->pkt));
	x = &F.sent[F.n_sent++];
	memset(x, 0, sizeof(*x));
	x->secure = true;
	x->s = s;
	x->hint = *hint;
	x->len = len;
	memcpy(x->pkt, pkt, len);
	return 0;
}

static void
f_sess_close(void *ctx, struct cs_wlc_sess *s, bool graceful)
{
	(void)ctx;
	F.closes++;
	F.close_graceful = graceful;
	F.closed_s = s;
	if (F.close_calls_closed)
		cs_wlc_sess_closed(s);
}

static void
f_timer_arm(
    void *ctx, struct cs_wlc_sess *s, enum cs_wlc_timer t, uint64_t delay_ms)
{
	(void)ctx;
	(void)s;
	F.armed[t] = true;
	F.delay[t] = delay_ms;
}

static void
f_timer_cancel(void *ctx, struct cs_wlc_sess *s, enum cs_wlc_timer t)
{
	(void)ctx;
	(void)s;
	F.armed[t] = false;
}

static void
f_event(void *ctx, const struct cs_wlc_event *ev)
{
	(void)ctx;
	if (F.n_ev < 256) {
		F.ev_kinds[F.n_ev] = ev->kind;
		F.ev_codes[F.n_ev] = ev->result_code;
		F.n_ev++;
	}
}

static uint32_t
f_rand(void *ctx, uint32_t bound)
{
	(void)ctx;
	return F.rand_value % bound;
}

static void
f_log(void *ctx, int level, const char *msg)
{
	size_t n = strlen(F.log);

	(void)ctx;
	(void)level;
	snprintf(F.log + n, sizeof(F.log) - n, "%s\n", msg);
}

static const struct cs_wlc_io fake_io = {
	.send_clear = f_send_clear,
	.send_secure = f_send_secure,
	.sess_close = f_sess_close,
	.timer_arm = f_timer_arm,
	.timer_cancel = f_timer_cancel,
	.event = f_event,
	.rand = f_rand,
};

static bool
has_event(enum cs_wlc_ev_kind k, uint32_t code)
{
	for (unsigned i = 0; i < F.n_ev; i++)
		if (F.ev_kinds[i] == k && F.ev_codes[i] == code)
			return true;
	return false;
}

static const uint8_t AP_MAC[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t SID[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16 };

static void
cfg_init(struct cs_wlc_cfg *c)
{
	cs_wlc_cfg_defaults(c);
	c->listen_ip = WLC_IP;
	c->log.fn = f_log;
	c->log.max_level = CS_LOG_DEBUG;
}

static struct cs_wlc *
wlc_new(const struct cs_wlc_cfg *c)
{
	struct cs_wlc *w = NULL;

	memset(&F, 0, sizeof(F));
	assert_int_equal(cs_wlc_new(&w, c, &fake_io), 0);
	return w;
}

/* ------------------------------------------------------------------ */
/* AP-side message builders */

struct jopts {
	const uint8_t *mac;
	const uint8_t *sid;
	uint32_t local_ip;
	uint16_t omit;
	uint8_t wbid;
	uint8_t n_radios;
	uint32_t radio_type;
};

static void
put_board(struct cs_wr *wr, const uint8_t *mac)
{
	struct cs_el_board_data bd;

	memset(&bd, 0, sizeof(bd));
	bd.vendor = 4232704;
	bd.n_sub = 3;
	bd.sub[0] = (struct cs_board_sub){ CS_BOARD_MODEL, 5,
		(const uint8_t *)"C9120" };
	bd.sub[1] = (struct cs_board_sub){ CS_BOARD_SERIAL, 4,
		(const uint8_t *)"S123" };
	bd.sub[2] = (struct cs_board_sub){ CS_BOARD_BASE_MAC, 6, mac };
	cs_el_put_board_data(wr, &bd);
}

static void
put_wtpd(struct cs_wr *wr)
{
	struct cs_el_wtp_descriptor d;

	memset(&d, 0, sizeof(d));
	d.max_radios = 2;
	d.radios_in_use = 2;
	d.n_encrypt = 1;
	d.encrypt[0].wbid = 1;
	d.n_sub = 3;
	d.sub[0] = (struct cs_wtpd_sub){ 0, CS_WTPD_HW_VERSION, 2,
		(const uint8_t *)"hw" };
	d.sub[1] = (struct cs_wtpd_sub){ 0, CS_WTPD_SW_VERSION, 2,
		(const uint8_t *)"sw" };
	d.sub[2] = (struct cs_wtpd_sub){ 0, CS_WTPD_BOOT_VERSION, 2,
		(const uint8_t *)"bt" };
	cs_el_put_wtp_descriptor(wr, &d);
}

static void
put_radios(struct cs_wr *wr, unsigned n, uint32_t type)
{
	for (unsigned i = 0; i < n; i++) {
		struct cs_el_radio_info ri = { .radio_id = (uint8_t)(i + 1),
			.radio_type = i == 0 ? type : CS_RADIO_TYPE_A };

		cs_el_put_radio_info(wr, &ri);
	}
}

static size_t
build_disc(uint8_t *buf, size_t cap, uint32_t type, uint8_t seq, uint16_t omit,
    unsigned n_radios)
{
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;
	struct cs_el_discovery_type dt = { CS_DISC_STATIC };
	struct cs_el_frame_tunnel_mode ftm = { CS_FTM_8023 };
	struct cs_el_mac_type mt = { CS_MAC_LOCAL };

	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, buf, cap);
	cs_msgb_begin(&b, &wr, &h, type, seq);
	if (omit != CS_EL_DISCOVERY_TYPE)
		cs_el_put_discovery_type(&wr, &dt);
	if (omit != CS_EL_BOARD_DATA)
		put_board(&wr, AP_MAC);
	put_wtpd(&wr);
	cs_el_put_frame_tunnel_mode(&wr, &ftm);
	cs_el_put_mac_type(&wr, &mt);
	put_radios(&wr, n_radios, CS_RADIO_TYPE_B | CS_RADIO_TYPE_G);
	assert_int_equal(cs_msgb_end(&b), 0);
	return wr.len;
}

static size_t
build_join(uint8_t *buf, size_t cap, uint8_t seq, const struct jopts *o)
{
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;
	struct cs_el_location loc = { { "lab", 3 } };
	struct cs_el_wtp_name wn = { { "ap-1", 4 } };
	struct cs_el_session_id sid;
	struct cs_el_frame_tunnel_mode ftm = { CS_FTM_8023 };
	struct cs_el_mac_type mt = { CS_MAC_LOCAL };
	struct cs_el_ecn_support ecn = { CS_ECN_LIMITED };
	struct cs_el_local_ipv4 l4 = { o->local_ip != 0 ? o->local_ip : AP_IP };

	memcpy(sid.id, o->sid != NULL ? o->sid : SID, 16);
	cs_capwap_hdr_init(&h, 0);
	if (o->wbid != 0)
		h.wbid = o->wbid;
	cs_wr_init(&wr, buf, cap);
	cs_msgb_begin(&b, &wr, &h, CS_MSG_JOIN_REQ, seq);
	cs_el_put_location(&wr, &loc);
	put_board(&wr, o->mac != NULL ? o->mac : AP_MAC);
	put_wtpd(&wr);
	cs_el_put_wtp_name(&wr, &wn);
	if (o->omit != CS_EL_SESSION_ID)
		cs_el_put_session_id(&wr, &sid);
	cs_el_put_frame_tunnel_mode(&wr, &ftm);
	cs_el_put_mac_type(&wr, &mt);
	put_radios(&wr, o->n_radios != 0 ? o->n_radios : 2,
	    o->radio_type != 0 ? o->radio_type
	                       : CS_RADIO_TYPE_B | CS_RADIO_TYPE_G);
	cs_el_put_ecn_support(&wr, &ecn);
	cs_el_put_local_ipv4(&wr, &l4);
	assert_int_equal(cs_msgb_end(&b), 0);
	return wr.len;
}

static size_t
build_cfg_status(uint8_t *buf, size_t cap, uint8_t seq)
{
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;
	struct cs_el_ac_name an = { { "capsim-wlc", 10 } };
	struct cs_el_radio_admin_state ras = { 1, CS_ADMIN_ENABLED };
	struct cs_el_stats_timer stt = { 120 };
	struct cs_el_reboot_stats rs;

	memset(&rs, 0, sizeof(rs));
	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, buf, cap);
	cs_msgb_begin(&b, &wr, &h, CS_MSG_CONFIG_STATUS_REQ, seq);
	cs_el_put_ac_name(&wr, &an);
	cs_el_put_radio_admin_state(&wr, &ras);
	cs_el_put_stats_timer(&wr, &stt);
	cs_el_put_reboot_stats(&wr, &rs);
	put_radios(&wr, 2, CS_RADIO_TYPE_B | CS_RADIO_TYPE_G);
	assert_int_equal(cs_msgb_end(&b), 0);
	return wr.len;
}

static size_t
build_change_state(uint8_t *buf, size_t cap, uint8_t seq)
{
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;
	struct cs_el_radio_oper_state ros = { 1, CS_OPER_ENABLED, 0 };
	struct cs_el_result_code rc = { 0 };

	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, buf, cap);
	cs_msgb_begin(&b, &wr, &h, CS_MSG_CHANGE_STATE_REQ, seq);
	cs_el_put_radio_oper_state(&wr, &ros);
	cs_el_put_result_code(&wr, &rc);
	assert_int_equal(cs_msgb_end(&b), 0);
	return wr.len;
}

/* A message with no elements, or just a Result Code when rc >= 0. */
static size_t
build_simple(uint8_t *buf, size_t cap, uint32_t type, uint8_t seq, int rc)
{
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;

	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, buf, cap);
	cs_msgb_begin(&b, &wr, &h, type, seq);
	if (rc >= 0) {
		struct cs_el_result_code r = { (uint32_t)rc };

		cs_el_put_result_code(&wr, &r);
	}
	assert_int_equal(cs_msgb_end(&b), 0);
	return wr.len;
}

static size_t
build_image_req(uint8_t *buf, size_t cap, uint8_t seq, const char *id)
{
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;
	struct cs_el_image_id iid = { 0, (const uint8_t *)id, strlen(id) };
	struct cs_el_initiate_download idl = { 0 };

	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, buf, cap);
	cs_msgb_begin(&b, &wr, &h, CS_MSG_IMAGE_DATA_REQ, seq);
	cs_el_put_image_id(&wr, &iid);
	cs_el_put_initiate_download(&wr, &idl);
	assert_int_equal(cs_msgb_end(&b), 0);
	return wr.len;
}

/* RFC 5415 §4.4.1: HLEN 2, K set, then u16 length + Session ID. */
static size_t
build_keepalive(uint8_t *buf, size_t cap, const uint8_t *sid)
{
	struct cs_capwap_hdr h;
	struct cs_wr wr;
	size_t at;

	cs_capwap_hdr_init(&h, 0);
	h.wbid = 0;
	h.is_keepalive = true;
	cs_wr_init(&wr, buf, cap);
	cs_capwap_hdr_encode(&wr, &h);
	at = cs_wr_mark16(&wr);
	cs_el_put(&wr, CS_EL_SESSION_ID, sid, 16);
	cs_wr_patch16(&wr, at);
	assert_int_equal(wr.err, 0);
	return wr.len;
}

static void
decode_sent(unsigned i, struct cs_msg *m)
{
	assert_true(i < F.n_sent);
	assert_int_equal(
	    cs_msg_decode(m, F.sent[i].pkt, F.sent[i].len, 0, NULL), 0);
}

static uint32_t
result_of(const struct cs_msg *m)
{
	struct cs_el_result_code rc;

	assert_int_equal(cs_el_get_result_code(
	                     cs_msg_find(m, CS_EL_RESULT_CODE, 0), &rc, NULL),
	    0);
	return rc.code;
}

/* ------------------------------------------------------------------ */
/* Session drivers */

static struct cs_wlc_sess *
open_sess(struct cs_wlc *w)
{
	struct cs_wlc_sess *s = NULL;

	assert_int_equal(
	    cs_wlc_sess_open(w, &s, AP_IP, AP_PORT, "ap-cert", 1000), 0);
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_WAIT_JOIN);
	assert_true(F.armed[CS_WLC_T_WAIT_JOIN]);
	assert_int_equal(F.delay[CS_WLC_T_WAIT_JOIN], 60000);
	return s;
}

static uint32_t
do_join(struct cs_wlc_sess *s, uint8_t seq, const struct jopts *o)
{
	uint8_t buf[1024];
	struct cs_msg m;
	size_t len = build_join(buf, sizeof(buf), seq, o);
	unsigned before = F.n_sent;

	assert_int_equal(cs_wlc_sess_input(s, buf, len, 2000), 0);
	assert_int_equal(F.n_sent, before + 1);
	decode_sent(before, &m);
	assert_int_equal(m.ctl.type, CS_MSG_JOIN_RESP);
	assert_int_equal(m.ctl.seq, seq);
	return result_of(&m);
}

static void
to_run(struct cs_wlc *w, struct cs_wlc_sess *s)
{
	static const struct jopts jo = { 0 };
	uint8_t buf[1024];
	size_t len;
	struct cs_msg m;

	assert_int_equal(do_join(s, 1, &jo), CS_RC_SUCCESS);
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_JOINED);
	len = build_cfg_status(buf, sizeof(buf), 2);
	assert_int_equal(cs_wlc_sess_input(s, buf, len, 3000), 0);
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_CONFIGURE);
	decode_sent(F.n_sent - 1, &m);
	assert_int_equal(m.ctl.type, CS_MSG_CONFIG_STATUS_RESP);
	len = build_change_state(buf, sizeof(buf), 3);
	assert_int_equal(cs_wlc_sess_input(s, buf, len, 4000), 0);
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_DATA_CHECK);
	len = build_keepalive(buf, sizeof(buf), SID);
	assert_int_equal(cs_wlc_input_clear(
	                     w, CS_CHAN_DATA, AP_IP, AP_DPORT, buf, len, 5000),
	    0);
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_RUN);
}

/* ------------------------------------------------------------------ */
/* Tests */

/* Data channel DTLS required (RFC 5415 §4.6.1 DTLS Policy D only): the
 * AC Descriptor says so, a clear keep-alive is refused, the same
 * keep-alive out of a data DTLS session takes the AP to Run and is
 * echoed; the glue's handshake outcomes are counted. */
static void
test_data_dtls_required(void **state)
{
	static const struct jopts jo = { 0 };
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s;
	struct cs_el_ac_descriptor d;
	struct cs_msg m;
	uint8_t buf[1024];
	size_t len;
	unsigned before;

	(void)state;
	cfg_init(&c);
	c.data_dtls = CS_DATA_DTLS_REQUIRED;
	w = wlc_new(&c);
	s = open_sess(w);
	assert_int_equal(do_join(s, 1, &jo), CS_RC_SUCCESS);
	decode_sent(F.n_sent - 1, &m);
	assert_int_equal(cs_el_get_ac_descriptor(
	                     cs_msg_find(&m, CS_EL_AC_DESCRIPTOR, 0), &d, NULL),
	    0);
	assert_int_equal(d.dtls_policy, CS_ACD_DTLS_D);
	len = build_cfg_status(buf, sizeof(buf), 2);
	assert_int_equal(cs_wlc_sess_input(s, buf, len, 3000), 0);
	len = build_change_state(buf, sizeof(buf), 3);
	assert_int_equal(cs_wlc_sess_input(s, buf, len, 4000), 0);
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_DATA_CHECK);
	/* clear: refused, not echoed, no Run */
	len = build_keepalive(buf, sizeof(buf), SID);
	before = F.n_sent;
	assert_int_equal(cs_wlc_input_clear(
	                     w, CS_CHAN_DATA, AP_IP, AP_DPORT, buf, len, 5000),
	    0);
	assert_int_equal(F.n_sent, before);
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_DATA_CHECK);
	assert_int_equal(cs_wlc_counters(w)->data_clear_refused, 1);
	assert_int_equal(cs_wlc_counters(w)->keepalive_rx, 0);
	/* out of the data session: Run, echoed on the data channel */
	assert_int_equal(
	    cs_wlc_input_data_secure(w, AP_IP, AP_DPORT, NULL, buf, len, 5100),
	    0);
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_RUN);
	assert_int_equal(F.n_sent, before + 1);
	assert_int_equal(F.sent[before].ch, CS_CHAN_DATA);
	assert_int_equal(F.sent[before].port, AP_DPORT);
	assert_bytes_equal(F.sent[before].pkt, F.sent[before].len, buf, len);
	assert_int_equal(cs_wlc_counters(w)->keepalive_dtls, 1);
	assert_int_equal(cs_wlc_counters(w)->keepalive_rx, 1);
	assert_int_equal(cs_wlc_input_data_secure(
	                     NULL, AP_IP, AP_DPORT, NULL, buf, len, 5100),
	    -EINVAL);
	/* the glue's outcomes */
	cs_wlc_data_dtls_done(w, AP_IP, AP_DPORT, true, true, NULL, 5000);
	cs_wlc_data_dtls_done(w, AP_IP, AP_DPORT, true, false, NULL, 5000);
	cs_wlc_data_dtls_done(w, AP_IP, AP_DPORT, false, false, "alert", 5000);
	assert_int_equal(cs_wlc_counters(w)->data_dtls_ok, 2);
	assert_int_equal(cs_wlc_counters(w)->data_dtls_resumed, 1);
	assert_int_equal(cs_wlc_counters(w)->data_dtls_failed, 1);
	cs_wlc_data_dtls_refused(w, AP_IP, AP_DPORT, 5000);
	assert_int_equal(cs_wlc_counters(w)->data_dtls_refused, 1);
	cs_wlc_free(w);
}

static void
test_defaults_and_maths(void **state)
{
	struct cs_wlc_cfg c;

	(void)state;
	cs_wlc_cfg_defaults(&c);
	assert_int_equal(c.wait_join_ms, 60000);
	assert_int_equal(c.change_state_pending_ms, 25000);
	assert_int_equal(c.data_check_ms, 30000);
	assert_int_equal(c.echo_interval_s, 30);
	/* 3, 6, 12, then capped at EchoInterval / 2 = 15 */
	assert_int_equal(cs_wlc_retransmit_ms(&c, 0), 3000);
	assert_int_equal(cs_wlc_retransmit_ms(&c, 1), 6000);
	assert_int_equal(cs_wlc_retransmit_ms(&c, 2), 12000);
	assert_int_equal(cs_wlc_retransmit_ms(&c, 3), 15000);
	assert_int_equal(cs_wlc_retransmit_ms(&c, 9), 15000);
	/* 30 + 3 + 6 + 12 + 15 + 15 + 15 */
	assert_int_equal(cs_wlc_echo_dead_ms(&c), 96000);
	assert_string_equal(
	    cs_wlc_state_name(CS_WLC_S_DATA_CHECK), "Data-Check");
	assert_null(cs_wlc_state_name(CS_WLC_S__COUNT));
	assert_string_equal(cs_wlc_timer_name(CS_WLC_T_WAIT_JOIN), "WaitJoin");
	assert_null(cs_wlc_timer_name(CS_WLC_T__COUNT));
	assert_string_equal(
	    cs_wlc_ev_kind_name(CS_WLC_EV_JOIN_FAILED), "join-failed");
	assert_int_equal(cs_wlc_state_phase(CS_WLC_S_JOINED), CS_PHASE_JOIN);
	assert_int_equal(
	    cs_wlc_state_phase(CS_WLC_S_IMAGE_DATA), CS_PHASE_IMAGE);
}

static void
test_md5_vectors(void **state)
{
	/* RFC 1321 §A.5 test suite */
	static const struct {
		const char *in, *hex;
	} v[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "12345678901234567890123456789012345678901234567890123456789"
		  "012345678901234567890",
		    "57edf4a22be3c955ac49da2e2107b67a" },
	};
	uint8_t out[16], want[16];
	struct cs_wlc_md5 c;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cs_wlc_md5_init(&c);
		cs_wlc_md5_update(&c, v[i].in, strlen(v[i].in));
		cs_wlc_md5_final(&c, out);
		cs_test_unhex(v[i].hex, want, sizeof(want));
		assert_bytes_equal(out, 16, want, 16);
	}
}

static void
test_args(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w = NULL;
	struct cs_wlc_sess *s = NULL;
	struct cs_wlc_io io = fake_io;
	struct cs_wlc_misbehave mb = { 0 };
	uint8_t mac[6];
	char *txt = NULL;

	(void)state;
	cfg_init(&c);
	assert_int_equal(cs_wlc_new(NULL, &c, &io), -EINVAL);
	assert_int_equal(cs_wlc_new(&w, NULL, &io), -EINVAL);
	assert_int_equal(cs_wlc_new(&w, &c, NULL), -EINVAL);
	io.rand = NULL;
	assert_int_equal(cs_wlc_new(&w, &c, &io), -EINVAL);
	io = fake_io;
	c.ac_name = "";
	assert_int_equal(cs_wlc_new(&w, &c, &io), -EINVAL);
	cfg_init(&c);
	c.misbehave.reject_share = 1.5;
	assert_int_equal(cs_wlc_new(&w, &c, &io), -EINVAL);
	cfg_init(&c);
	c.auth_count = 2;
	assert_int_equal(cs_wlc_new(&w, &c, &io), -EINVAL);
	assert_null(w);
	cfg_init(&c);
	w = wlc_new(&c);
	assert_int_equal(cs_wlc_input_clear(NULL, CS_CHAN_CONTROL, 0, 0,
	                     (const uint8_t *)"", 0, 0),
	    -EINVAL);
	assert_int_equal(
	    cs_wlc_input_clear(w, CS_CHAN_CONTROL, 0, 0, NULL, 5, 0), -EINVAL);
	assert_int_equal(cs_wlc_input_clear(w, (enum cs_chan)7, 0, 0,
	                     (const uint8_t *)"", 0, 0),
	    -EINVAL);
	assert_int_equal(cs_wlc_sess_open(NULL, &s, 0, 0, NULL, 0), -EINVAL);
	assert_int_equal(cs_wlc_sess_open(w, NULL, 0, 0, NULL, 0), -EINVAL);
	assert_int_equal(
	    cs_wlc_sess_input(NULL, (const uint8_t *)"", 0, 0), -EINVAL);
	assert_int_equal(cs_wlc_sess_reset(NULL, 0), -EINVAL);
	assert_int_equal(cs_wlc_sess_mac(NULL, mac), -EINVAL);
	assert_int_equal(cs_wlc_set_misbehave(NULL, &mb), -EINVAL);
	assert_int_equal(cs_wlc_set_misbehave(w, NULL), -EINVAL);
	mb.reject_share = -0.1;
	assert_int_equal(cs_wlc_set_misbehave(w, &mb), -EINVAL);
	/* switches in force, and a mute controller's DTLS glue */
	assert_null(cs_wlc_get_misbehave(NULL));
	assert_false(cs_wlc_mute_swallow(NULL));
	assert_false(cs_wlc_mute_swallow(w));
	assert_int_equal(cs_wlc_counters(w)->muted, 0);
	mb.reject_share = 0;
	mb.mute = true;
	mb.handshake_delay_ms = 1500;
	assert_int_equal(cs_wlc_set_misbehave(w, &mb), 0);
	assert_true(cs_wlc_get_misbehave(w)->mute);
	assert_int_equal(cs_wlc_get_misbehave(w)->handshake_delay_ms, 1500);
	assert_true(cs_wlc_mute_swallow(w));
	assert_int_equal(cs_wlc_counters(w)->muted, 1);
	mb.mute = false;
	assert_int_equal(cs_wlc_set_misbehave(w, &mb), 0);
	assert_false(cs_wlc_mute_swallow(w));
	assert_int_equal(cs_wlc_counters(w)->muted, 1);
	assert_int_equal(cs_wlc_restart(NULL, 0), -EINVAL);
	assert_int_equal(cs_wlc_stats_foreach(NULL, NULL, NULL), -EINVAL);
	assert_int_equal(cs_wlc_stats_summary(NULL, &txt), -EINVAL);
	assert_int_equal(cs_wlc_stats_summary(w, NULL), -EINVAL);
	assert_null(cs_wlc_counters(NULL));
	assert_int_equal(cs_wlc_active_wtps(NULL), 0);
	assert_null(cs_wlc_sess_ctx(NULL));
	cs_wlc_sess_closed(NULL);
	cs_wlc_sess_timer_fired(NULL, CS_WLC_T_ECHO, 0);
	cs_wlc_sess_dtls_failed(NULL, 0, 0, NULL, 0);
	s = open_sess(w);
	assert_int_equal(cs_wlc_sess_mac(s, mac), -ENOENT);
	assert_int_equal(cs_wlc_sess_reset(s, 0), -EPROTO); /* not in Run */
	cs_wlc_sess_set_ctx(s, &c);
	assert_ptr_equal(cs_wlc_sess_ctx(s), &c);
	cs_wlc_free(w); /* frees the open session too */
	cs_wlc_free(NULL);
}

static void
test_discovery_answered(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	uint8_t buf[1024];
	size_t len;
	struct cs_msg m;
	struct cs_el_ac_descriptor d;
	struct cs_el_ctrl_ipv4 cip;
	struct cs_el_ac_name an;
	struct cs_el_radio_info ri;
	struct cs_wlc_sess *s;
	static const struct jopts jo = { 0 };

	(void)state;
	cfg_init(&c);
	c.advertise_ip = 0xc6336401; /* 198.51.100.1: behind NAT */
	c.max_wtps = 7;
	c.data_dtls = CS_DATA_DTLS_OPTIONAL;
	c.vendor_id = 14179;
	w = wlc_new(&c);
	len = build_disc(buf, sizeof(buf), CS_MSG_DISCOVERY_REQ, 9, 0, 2);
	assert_int_equal(cs_wlc_input_clear(
	                     w, CS_CHAN_CONTROL, AP_IP, AP_PORT, buf, len, 100),
	    0);
	assert_int_equal(F.n_sent, 1);
	assert_false(F.sent[0].secure);
	assert_int_equal(F.sent[0].ch, CS_CHAN_CONTROL);
	assert_int_equal(F.sent[0].ip, AP_IP);
	assert_int_equal(F.sent[0].port, AP_PORT);
	assert_int_equal(F.sent[0].hint.msg_type, CS_MSG_DISCOVERY_RESP);
	decode_sent(0, &m);
	assert_int_equal(m.ctl.type, CS_MSG_DISCOVERY_RESP);
	assert_int_equal(m.ctl.seq, 9);
	assert_int_equal(cs_msg_missing(&m, 0, &(uint16_t){ 0 }), 0);
	assert_int_equal(cs_el_get_ac_descriptor(
	                     cs_msg_find(&m, CS_EL_AC_DESCRIPTOR, 0), &d, NULL),
	    0);
	assert_int_equal(d.active_wtps, 0);
	assert_int_equal(d.max_wtps, 7);
	assert_int_equal(d.security, CS_ACD_SEC_X);
	assert_int_equal(d.rmac, CS_ACD_RMAC_YES);
	assert_int_equal(d.dtls_policy, CS_ACD_DTLS_C | CS_ACD_DTLS_D);
	assert_int_equal(d.n_info, 2);
	assert_int_equal(d.info[0].type, CS_ACD_INFO_HW);
	assert_int_equal(d.info[1].type, CS_ACD_INFO_SW);
	assert_int_equal(d.info[1].vendor, 14179);
	assert_memory_equal(d.info[1].data, "17.9.4", 6);
	assert_int_equal(
	    cs_el_get_ac_name(cs_msg_find(&m, CS_EL_AC_NAME, 0), &an, NULL), 0);
	assert_memory_equal(an.name.s, "capsim-wlc", an.name.len);
	assert_int_equal(cs_msg_count(&m, CS_EL_80211_RADIO_INFO), 2);
	assert_int_equal(
	    cs_el_get_radio_info(
	        cs_msg_find(&m, CS_EL_80211_RADIO_INFO, 1), &ri, NULL),
	    0);
	assert_int_equal(ri.radio_id, 2);
	assert_int_equal(ri.radio_type, CS_RADIO_TYPE_A);
	assert_int_equal(cs_el_get_ctrl_ipv4(
	                     cs_msg_find(&m, CS_EL_CTRL_IPV4, 0), &cip, NULL),
	    0);
	assert_int_equal(cip.addr, 0xc6336401);
	assert_int_equal(cip.wtp_count, 0);

	/* after one AP joined, Active WTPs and the WTP count say 1 */
	s = open_sess(w);
	assert_int_equal(do_join(s, 1, &jo), CS_RC_SUCCESS_NAT == 0 ? 0 : 0);
	assert_int_equal(cs_wlc_active_wtps(w), 1);
	F.n_sent = 0;
	len = build_disc(
	    buf, sizeof(buf), CS_MSG_PRIMARY_DISCOVERY_REQ, 10, 0, 1);
	assert_int_equal(cs_wlc_input_clear(w, CS_CHAN_CONTROL, AP_IP + 1,
	                     AP_PORT, buf, len, 100),
	    0);
	decode_sent(0, &m);
	assert_int_equal(m.ctl.type, CS_MSG_PRIMARY_DISCOVERY_RESP);
	cs_el_get_ac_descriptor(
	    cs_msg_find(&m, CS_EL_AC_DESCRIPTOR, 0), &d, NULL);
	assert_int_equal(d.active_wtps, 1);
	cs_el_get_ctrl_ipv4(cs_msg_find(&m, CS_EL_CTRL_IPV4, 0), &cip, NULL);
	assert_int_equal(cip.wtp_count, 1);
	assert_int_equal(cs_wlc_counters(w)->discovery_tx, 2);
	cs_wlc_free(w);
}

static void
test_discovery_dropped(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	uint8_t buf[1024];
	size_t len;

	(void)state;
	cfg_init(&c);
	w = wlc_new(&c);
	/* missing WTP Board Data */
	len = build_disc(
	    buf, sizeof(buf), CS_MSG_DISCOVERY_REQ, 1, CS_EL_BOARD_DATA, 1);
	assert_int_equal(cs_wlc_input_clear(
	                     w, CS_CHAN_CONTROL, AP_IP, AP_PORT, buf, len, 100),
	    0);
	assert_int_equal(F.n_sent, 0);
	assert_non_null(strstr(F.log,
	    "Discovery Request from 127.1.0.7:40000 dropped: missing "
	    "mandatory element 38 (WTP Board Data)"));
	/* truncated: control header claims more than there is */
	len = build_disc(buf, sizeof(buf), CS_MSG_DISCOVERY_REQ, 2, 0, 1);
	assert_int_equal(cs_wlc_input_clear(w, CS_CHAN_CONTROL, AP_IP, AP_PORT,
	                     buf, len - 3, 100),
	    0);
	assert_int_equal(F.n_sent, 0);
	assert_non_null(strstr(F.log, "dropped: malformed: "));
	assert_non_null(strstr(F.log, "at offset"));
	/* a clear Join Request on the control port: RFC 5415 §4.1 */
	{
		static const struct jopts jo = { 0 };

		len = build_join(buf, sizeof(buf), 1, &jo);
	}
	assert_int_equal(cs_wlc_input_clear(
	                     w, CS_CHAN_CONTROL, AP_IP, AP_PORT, buf, len, 100),
	    0);
	assert_int_equal(F.n_sent, 0);
	assert_non_null(strstr(F.log, "Clear Join Request from 127.1.0.7"));
	assert_int_equal(cs_wlc_counters(w)->clear_dropped, 1);
	assert_int_equal(cs_wlc_counters(w)->discovery_dropped, 2);
	cs_wlc_free(w);
}

static void
test_full_join_to_run(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s;
	uint8_t buf[1024], mac[6];
	size_t len;
	struct cs_msg m;
	struct cs_el_timers tm;
	struct cs_el_image_id iid;
	struct cs_el_local_ipv4 lip;
	struct cs_el_ac_ipv4_list al;

	(void)state;
	cfg_init(&c);
	c.echo_interval_s = 20;
	w = wlc_new(&c);
	s = open_sess(w);
	to_run(w, s);
	assert_int_equal(cs_wlc_sess_mac(s, mac), 0);
	assert_memory_equal(mac, AP_MAC, 6);
	assert_non_null(strstr(F.log, "AP 00:11:22:33:44:55 (ap-1) joined"));
	assert_non_null(strstr(F.log, "AP 00:11:22:33:44:55 (ap-1) is in Run"));
	/* Join Response contents */
	decode_sent(0, &m);
	assert_int_equal(cs_msg_missing(&m, 0, &(uint16_t){ 0 }), 0);
	assert_int_equal(
	    cs_el_get_image_id(cs_msg_find(&m, CS_EL_IMAGE_ID, 0), &iid, NULL),
	    0);
	assert_memory_equal(iid.data, "17.9.4", iid.len);
	cs_el_get_local_ipv4(cs_msg_find(&m, CS_EL_LOCAL_IPV4, 0), &lip, NULL);
	assert_int_equal(lip.addr, WLC_IP);
	assert_int_equal(cs_msg_count(&m, CS_EL_80211_RADIO_INFO), 2);
	/* Configuration Status Response contents */
	decode_sent(1, &m);
	assert_int_equal(cs_msg_missing(&m, 0, &(uint16_t){ 0 }), 0);
	cs_el_get_timers(cs_msg_find(&m, CS_EL_TIMERS, 0), &tm, NULL);
	assert_int_equal(tm.discovery, 20);
	assert_int_equal(tm.echo_request, 20);
	assert_int_equal(cs_msg_count(&m, CS_EL_DECRYPT_ERR_PERIOD), 2);
	cs_el_get_ac_ipv4_list(
	    cs_msg_find(&m, CS_EL_AC_IPV4_LIST, 0), &al, NULL);
	assert_int_equal(al.n, 1);
	assert_int_equal(al.addr[0], WLC_IP);
	/* Change State Event Response; then the keep-alive echoed as is */
	decode_sent(2, &m);
	assert_int_equal(m.ctl.type, CS_MSG_CHANGE_STATE_RESP);
	assert_int_equal(F.sent[3].ch, CS_CHAN_DATA);
	assert_int_equal(F.sent[3].port, AP_DPORT);
	assert_true(F.sent[3].hint.is_keepalive);
	len = build_keepalive(buf, sizeof(buf), SID);
	assert_bytes_equal(F.sent[3].pkt, F.sent[3].len, buf, len);
	/* timers: only the echo dead timer is left */
	assert_false(F.armed[CS_WLC_T_WAIT_JOIN]);
	assert_false(F.armed[CS_WLC_T_CHANGE_STATE_PENDING]);
	assert_false(F.armed[CS_WLC_T_DATA_CHECK]);
	assert_true(F.armed[CS_WLC_T_ECHO]);
	assert_int_equal(F.delay[CS_WLC_T_ECHO], cs_wlc_echo_dead_ms(&c));
	assert_true(has_event(CS_WLC_EV_RUN, 0));
	/* keep-alives in Run are echoed too */
	assert_int_equal(cs_wlc_input_clear(
	                     w, CS_CHAN_DATA, AP_IP, AP_DPORT, buf, len, 6000),
	    0);
	assert_int_equal(F.n_sent, 5);
	/* unknown Session ID: dropped */
	{
		static const uint8_t other[16] = { 0xee };

		len = build_keepalive(buf, sizeof(buf), other);
	}
	cs_wlc_input_clear(w, CS_CHAN_DATA, AP_IP, AP_DPORT, buf, len, 6000);
	assert_int_equal(F.n_sent, 5);
	assert_int_equal(cs_wlc_counters(w)->keepalive_unknown, 1);
	/* echo */
	len = build_simple(buf, sizeof(buf), CS_MSG_ECHO_REQ, 4, -1);
	assert_int_equal(cs_wlc_sess_input(s, buf, len, 7000), 0);
	decode_sent(5, &m);
	assert_int_equal(m.ctl.type, CS_MSG_ECHO_RESP);
	assert_int_equal(m.ctl.seq, 4);
	/* peer closes: the session goes away, active WTPs drops */
	assert_int_equal(cs_wlc_active_wtps(w), 1);
	cs_wlc_sess_closed(s);
	assert_int_equal(cs_wlc_active_wtps(w), 0);
	/* a session lost in Run is a Run failure */
	assert_int_equal(
	    cs_wlc_counters(w)->failures_by_phase[CS_PHASE_RUN], 1);
	assert_int_equal(cs_wlc_counters(w)->disconnects, 0);
	cs_wlc_free(w);
}

static int
stats_first(const struct cs_wlc_ap_stats *st, void *arg)
{
	*(const struct cs_wlc_ap_stats **)arg = st;
	return 1;
}

/* An AP in Run that closes with close_notify (a probe that is done, a run
 * that ends) has left, not failed: the SIGUSR1 statistics say so. */
static void
test_orderly_close_in_run(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s;
	const struct cs_wlc_ap_stats *st = NULL;
	char *text = NULL;

	(void)state;
	cfg_init(&c);
	w = wlc_new(&c);
	s = open_sess(w);
	to_run(w, s);
	cs_wlc_sess_closed_orderly(s);
	assert_int_equal(cs_wlc_active_wtps(w), 0);
	assert_int_equal(
	    cs_wlc_counters(w)->failures_by_phase[CS_PHASE_RUN], 0);
	assert_int_equal(cs_wlc_counters(w)->disconnects, 1);
	assert_int_equal(cs_wlc_stats_foreach(w, stats_first, &st), 1);
	assert_non_null(st);
	assert_false(st->has_failure);
	assert_int_equal(st->disconnects, 1);
	assert_non_null(
	    strstr(F.log, "closed by peer (close_notify) in phase"));
	assert_int_equal(cs_wlc_stats_summary(w, &text), 0);
	assert_non_null(strstr(text, "Run 0"));
	assert_non_null(strstr(text, "1 left Run in order"));
	free(text);
	/* before Run, an orderly close is still a failure of the phase */
	s = open_sess(w);
	cs_wlc_sess_closed_orderly(s);
	assert_int_equal(cs_wlc_counters(w)->disconnects, 1);
	assert_int_equal(
	    cs_wlc_counters(w)->failures_by_phase[CS_PHASE_JOIN], 1);
	/* in a 9800's words (show wireless stats ap join summary) */
	assert_int_equal(cs_wlc_stats_summary(w, &text), 0);
	assert_non_null(strstr(text, "Join: DTLS close alert from peer"));
	free(text);
	cs_wlc_free(w);
}

static void
test_echo_dead_teardown(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s;

	(void)state;
	cfg_init(&c);
	w = wlc_new(&c);
	s = open_sess(w);
	to_run(w, s);
	F.close_calls_closed = true;
	cs_wlc_sess_timer_fired(s, CS_WLC_T_ECHO, 200000);
	assert_int_equal(F.closes, 1);
	assert_true(F.close_graceful); /* the AP is told (close_notify) */
	assert_non_null(strstr(F.log, "EchoInterval expired after 96 s"));
	assert_int_equal(
	    cs_wlc_counters(w)->failures_by_phase[CS_PHASE_RUN], 1);
	assert_int_equal(cs_wlc_counters(w)->sess_closed, 1);
	cs_wlc_free(w);
}

static void
expect_reject(struct cs_wlc_cfg *c, const struct jopts *jo, uint32_t code,
    const char *logline)
{
	struct cs_wlc *w = wlc_new(c);
	struct cs_wlc_sess *s = open_sess(w);

	F.close_calls_closed = true;
	assert_int_equal(do_join(s, 1, jo), code);
	assert_int_equal(F.closes, 1);
	assert_true(has_event(CS_WLC_EV_JOIN_FAILED, code));
	if (logline != NULL)
		assert_non_null(strstr(F.log, logline));
	assert_int_equal(cs_wlc_counters(w)->join_failed, 1);
	assert_int_equal(cs_wlc_counters(w)->join_result[code], 1);
	assert_int_equal(cs_wlc_active_wtps(w), 0);
	cs_wlc_free(w);
}

static void
test_join_rejections(void **state)
{
	struct cs_wlc_cfg c;
	struct jopts jo = { 0 };
	static const uint8_t ok_mac[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x56 };

	(void)state;
	cfg_init(&c);
	c.max_wtps = 0;
	expect_reject(&c, &jo, CS_RC_JOIN_FAIL_RESOURCE,
	    "Join failure for AP 00:11:22:33:44:55 (ap-1): result code 4 "
	    "(resource depletion)");

	cfg_init(&c);
	c.auth_enabled = true;
	c.auth_macs = &ok_mac;
	c.auth_count = 1;
	expect_reject(&c, &jo, CS_RC_JOIN_FAIL_UNKNOWN_SRC,
	    "AP Authorization failure for 00:11:22:33:44:55");

	cfg_init(&c);
	c.allowed_radio_types = CS_RADIO_TYPE_B | CS_RADIO_TYPE_G;
	expect_reject(&c, &jo, CS_RC_JOIN_FAIL_UNSPEC,
	    "Regulatory Domain Mismatch: AP 00:11:22:33:44:55 not allowed to "
	    "join.");

	cfg_init(&c);
	jo.omit = CS_EL_SESSION_ID;
	expect_reject(&c, &jo, CS_RC_FAIL_MISSING_ELEM,
	    "lacks mandatory element 35 (Session ID)");
	jo.omit = 0;

	jo.wbid = 3;
	expect_reject(&c, &jo, CS_RC_JOIN_FAIL_BINDING_UNSUPPORTED,
	    "result code 9 (binding not supported)");
	jo.wbid = 0;

	cfg_init(&c);
	c.misbehave.reject_share = 0.5;
	c.misbehave.reject_code = CS_RC_JOIN_FAIL_HW_UNSUPPORTED;
	memset(&F, 0, sizeof(F));
	{
		struct cs_wlc *w = wlc_new(&c);
		struct cs_wlc_sess *s = open_sess(w);

		F.rand_value = 499999; /* below half: rejected */
		assert_int_equal(do_join(s, 1, &jo), 8);
		cs_wlc_sess_closed(s);
		s = open_sess(w);
		F.rand_value = 500000; /* not below half: accepted */
		assert_int_equal(do_join(s, 1, &jo), 0);
		cs_wlc_free(w);
	}
}

static void
test_join_session_id_in_use_and_nat(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *a, *b;
	static const uint8_t mac2[6] = { 2, 2, 2, 2, 2, 2 };
	struct jopts jo = { .mac = mac2 };
	static const struct jopts j0 = { 0 };

	(void)state;
	cfg_init(&c);
	w = wlc_new(&c);
	a = open_sess(w);
	assert_int_equal(do_join(a, 1, &j0), CS_RC_SUCCESS);
	b = open_sess(w);
	assert_int_equal(do_join(b, 1, &jo), CS_RC_JOIN_FAIL_SESSION_IN_USE);
	assert_int_equal(cs_wlc_sess_state(b), CS_WLC_S_DEAD);
	assert_int_equal(
	    cs_wlc_sess_input(b, (const uint8_t *)"x", 1, 0), -ESHUTDOWN);
	cs_wlc_sess_closed(b);
	/* another Session ID with a Local IPv4 Address that is not the
	 * packet source: success, NAT detected */
	b = open_sess(w);
	{
		static const uint8_t sid2[16] = { 9 };

		jo.sid = sid2;
	}
	jo.local_ip = 0x0a000005;
	assert_int_equal(do_join(b, 1, &jo), CS_RC_SUCCESS_NAT);
	assert_non_null(strstr(F.log, "joined (NAT detected)"));
	assert_int_equal(cs_wlc_active_wtps(w), 2);
	cs_wlc_free(w);
}

static void
test_malformed_join_discarded(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s;
	uint8_t buf[1024];
	size_t len;
	static const struct jopts jo = { 0 };
	struct cs_msg m;

	(void)state;
	cfg_init(&c);
	w = wlc_new(&c);
	s = open_sess(w);
	len = build_join(buf, sizeof(buf), 1, &jo);
	assert_int_equal(cs_msg_decode(&m, buf, len, 0, NULL), 0);
	/* corrupt WTP Board Data: Vendor ID 0 is not allowed (§4.6.40) */
	{
		const struct cs_elem *e = cs_msg_find(&m, CS_EL_BOARD_DATA, 0);

		memset(buf + e->off + 4, 0, 4);
	}
	assert_int_equal(cs_wlc_sess_input(s, buf, len, 2000), 0);
	assert_int_equal(F.n_sent, 0);
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_WAIT_JOIN);
	assert_non_null(strstr(F.log, "malformed Join Request discarded"));
	/* a correct retransmission with the same seq is then processed */
	len = build_join(buf, sizeof(buf), 1, &jo);
	assert_int_equal(cs_wlc_sess_input(s, buf, len, 2000), 0);
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_JOINED);
	cs_wlc_free(w);
}

static void
test_timer_expiries(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s;
	uint8_t buf[1024];
	size_t len;
	static const struct jopts jo = { 0 };

	(void)state;
	cfg_init(&c);
	w = wlc_new(&c);
	F.close_calls_closed = true;
	/* WaitJoin */
	s = open_sess(w);
	cs_wlc_sess_timer_fired(s, CS_WLC_T_WAIT_JOIN, 61000);
	assert_int_equal(F.closes, 1);
	assert_non_null(strstr(F.log, "WaitJoin expired after 60 s"));
	/* a stale expiry of a timer that is not armed does nothing */
	s = open_sess(w);
	cs_wlc_sess_timer_fired(s, CS_WLC_T_DATA_CHECK, 61000);
	assert_int_equal(F.closes, 1);
	/* ChangeStatePendingTimer */
	assert_int_equal(do_join(s, 1, &jo), 0);
	len = build_cfg_status(buf, sizeof(buf), 2);
	cs_wlc_sess_input(s, buf, len, 3000);
	assert_true(F.armed[CS_WLC_T_CHANGE_STATE_PENDING]);
	assert_int_equal(F.delay[CS_WLC_T_CHANGE_STATE_PENDING], 25000);
	assert_false(F.armed[CS_WLC_T_WAIT_JOIN]);
	cs_wlc_sess_timer_fired(s, CS_WLC_T_CHANGE_STATE_PENDING, 30000);
	assert_int_equal(F.closes, 2);
	assert_non_null(
	    strstr(F.log, "ChangeStatePendingTimer expired after 25 s"));
	/* DataCheckTimer */
	s = open_sess(w);
	assert_int_equal(do_join(s, 1, &jo), 0);
	len = build_cfg_status(buf, sizeof(buf), 2);
	cs_wlc_sess_input(s, buf, len, 3000);
	len = build_change_state(buf, sizeof(buf), 3);
	cs_wlc_sess_input(s, buf, len, 4000);
	assert_true(F.armed[CS_WLC_T_DATA_CHECK]);
	assert_int_equal(F.delay[CS_WLC_T_DATA_CHECK], 30000);
	cs_wlc_sess_timer_fired(s, CS_WLC_T_DATA_CHECK, 40000);
	assert_int_equal(F.closes, 3);
	assert_non_null(strstr(F.log, "DataCheckTimer expired after 30 s"));
	assert_int_equal(
	    cs_wlc_counters(w)->failures_by_phase[CS_PHASE_DATA_CHECK], 1);
	assert_int_equal(
	    cs_wlc_counters(w)->failures_by_phase[CS_PHASE_CONFIGURE], 1);
	assert_int_equal(
	    cs_wlc_counters(w)->failures_by_phase[CS_PHASE_JOIN], 1);
	cs_wlc_free(w);
}

static void
test_duplicates_unknown_unexpected(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s;
	uint8_t buf[1024];
	size_t len;
	struct cs_msg m;
	static const struct jopts jo = { 0 };

	(void)state;
	cfg_init(&c);
	w = wlc_new(&c);
	s = open_sess(w);
	len = build_join(buf, sizeof(buf), 1, &jo);
	cs_wlc_sess_input(s, buf, len, 2000);
	assert_int_equal(F.n_sent, 1);
	/* same seq again: the cached response, not reprocessed */
	cs_wlc_sess_input(s, buf, len, 2100);
	assert_int_equal(F.n_sent, 2);
	assert_true(F.sent[1].hint.is_retransmit);
	assert_bytes_equal(
	    F.sent[1].pkt, F.sent[1].len, F.sent[0].pkt, F.sent[0].len);
	assert_int_equal(cs_wlc_counters(w)->join_ok, 1);
	/* an older seq is ignored */
	len = build_join(buf, sizeof(buf), 0, &jo);
	cs_wlc_sess_input(s, buf, len, 2200);
	assert_int_equal(F.n_sent, 2);
	/* unknown request type 101 -> 102 with result code 19 */
	len = build_simple(buf, sizeof(buf), 101, 2, -1);
	cs_wlc_sess_input(s, buf, len, 2300);
	decode_sent(2, &m);
	assert_int_equal(m.ctl.type, 102);
	assert_int_equal(m.ctl.seq, 2);
	assert_int_equal(result_of(&m), CS_RC_MSG_UNEXPECTED_UNRECOGNIZED);
	/* unknown even type: ignored */
	len = build_simple(buf, sizeof(buf), 102, 3, -1);
	cs_wlc_sess_input(s, buf, len, 2400);
	assert_int_equal(F.n_sent, 3);
	/* Change State Event Request in Joined: result code 18 */
	len = build_change_state(buf, sizeof(buf), 3);
	cs_wlc_sess_input(s, buf, len, 2500);
	decode_sent(3, &m);
	assert_int_equal(m.ctl.type, CS_MSG_CHANGE_STATE_RESP);
	assert_int_equal(result_of(&m), CS_RC_MSG_UNEXPECTED_STATE);
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_JOINED);
	/* Configuration Status Request without its mandatory elements: 20 */
	len = build_simple(buf, sizeof(buf), CS_MSG_CONFIG_STATUS_REQ, 4, -1);
	cs_wlc_sess_input(s, buf, len, 2600);
	decode_sent(4, &m);
	assert_int_equal(m.ctl.type, CS_MSG_CONFIG_STATUS_RESP);
	assert_int_equal(result_of(&m), CS_RC_FAIL_MISSING_ELEM);
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_JOINED);
	/* garbage: dropped with a log line */
	cs_wlc_sess_input(s, (const uint8_t *)"\x00\x10", 2, 2700);
	assert_int_equal(F.n_sent, 5);
	assert_non_null(strstr(F.log, "malformed control message dropped"));
	cs_wlc_free(w);
}

static void
test_image_download(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s;
	uint8_t buf[1024], img[2500], hash[16];
	size_t len, got = 0;
	struct cs_msg m;
	struct cs_el_image_info info;
	struct cs_el_image_data d;
	struct cs_wlc_md5 md;
	static const struct jopts jo = { 0 };
	uint8_t ack_seq;

	(void)state;
	cfg_init(&c);
	c.image_size = sizeof(img);
	c.image_id = "17.9.4-img";
	w = wlc_new(&c);
	s = open_sess(w);
	assert_int_equal(do_join(s, 1, &jo), 0);
	/* wrong identifier: image data error */
	len = build_image_req(buf, sizeof(buf), 2, "other");
	cs_wlc_sess_input(s, buf, len, 3000);
	decode_sent(F.n_sent - 1, &m);
	assert_int_equal(m.ctl.type, CS_MSG_IMAGE_DATA_RESP);
	assert_int_equal(result_of(&m), CS_RC_IMAGE_ERR_OTHER);
	F.n_sent = 0;
	len = build_image_req(buf, sizeof(buf), 3, "17.9.4-img");
	cs_wlc_sess_input(s, buf, len, 3000);
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_IMAGE_DATA);
	assert_false(F.armed[CS_WLC_T_WAIT_JOIN]);
	assert_true(F.armed[CS_WLC_T_ECHO]);
	assert_int_equal(F.n_sent, 2);
	decode_sent(0, &m);
	assert_int_equal(m.ctl.type, CS_MSG_IMAGE_DATA_RESP);
	assert_int_equal(result_of(&m), 0);
	cs_el_get_image_info(cs_msg_find(&m, CS_EL_IMAGE_INFO, 0), &info, NULL);
	assert_int_equal(info.file_size, sizeof(img));
	for (;;) {
		struct sent *x = &F.sent[F.n_sent - 1];

		decode_sent(F.n_sent - 1, &m);
		assert_int_equal(m.ctl.type, CS_MSG_IMAGE_DATA_REQ);
		assert_true(F.armed[CS_WLC_T_RETRANSMIT]);
		assert_int_equal(
		    cs_el_get_image_data(
		        cs_msg_find(&m, CS_EL_IMAGE_DATA, 0), &d, NULL),
		    0);
		assert_true(d.len <= 1024 && got + d.len <= sizeof(img));
		memcpy(img + got, d.data, d.len);
		got += d.len;
		ack_seq = m.ctl.seq;
		(void)x;
		if (got == 1024) {
			/* one lost response: retransmitted unchanged */
			unsigned n = F.n_sent;

			cs_wlc_sess_timer_fired(s, CS_WLC_T_RETRANSMIT, 4000);
			assert_int_equal(F.n_sent, n + 1);
			assert_true(F.sent[n].hint.is_retransmit);
			assert_bytes_equal(F.sent[n].pkt, F.sent[n].len,
			    F.sent[n - 1].pkt, F.sent[n - 1].len);
			assert_int_equal(F.delay[CS_WLC_T_RETRANSMIT], 6000);
		}
		len = build_simple(
		    buf, sizeof(buf), CS_MSG_IMAGE_DATA_RESP, ack_seq, 0);
		cs_wlc_sess_input(s, buf, len, 5000);
		if (d.data_type == CS_IMG_EOF)
			break;
		assert_int_equal(d.data_type, CS_IMG_DATA);
	}
	assert_int_equal(got, sizeof(img));
	assert_false(F.armed[CS_WLC_T_RETRANSMIT]);
	cs_wlc_md5_init(&md);
	cs_wlc_md5_update(&md, img, got);
	cs_wlc_md5_final(&md, hash);
	assert_bytes_equal(hash, 16, info.hash, 16);
	assert_int_equal(cs_wlc_counters(w)->images_served, 1);
	assert_non_null(
	    strstr(F.log, "image download complete (2500 bytes in"));
	cs_wlc_free(w);
}

/* The download gate (wlc_image.c): slots and the start window. */
static void
test_img_gate(void **state)
{
	struct cs_wlc_img_gate *g = calloc(1, sizeof(*g));
	uint64_t wait = 99;

	(void)state;
	assert_non_null(g);
	g->max_active = 2;
	g->per_min = 3;
	assert_int_equal(cs_wlc_img_gate_may(g, 0, &wait), 1);
	cs_wlc_img_gate_start(g, 0);
	cs_wlc_img_gate_start(g, 10);
	/* both slots busy: only a freed slot helps (no wake-up time) */
	assert_int_equal(cs_wlc_img_gate_may(g, 20, &wait), 0);
	assert_int_equal(wait, 0);
	cs_wlc_img_gate_end(g);
	assert_int_equal(cs_wlc_img_gate_may(g, 30, &wait), 1);
	cs_wlc_img_gate_start(g, 30);
	cs_wlc_img_gate_end(g);
	cs_wlc_img_gate_end(g);
	/* three starts in the window (0, 10, 30): the fourth waits until
	 * the first is a minute old */
	assert_int_equal(cs_wlc_img_gate_may(g, 1000, &wait), 0);
	assert_int_equal(wait, 59000);
	assert_int_equal(cs_wlc_img_gate_may(g, 60000, &wait), 1);
	cs_wlc_img_gate_start(g, 60000);
	assert_int_equal(cs_wlc_img_gate_may(g, 60005, &wait), 0);
	assert_int_equal(wait, 5); /* now the start at 10 is the oldest */
	/* 0 = no limit */
	g->max_active = 0;
	g->per_min = 0;
	assert_int_equal(cs_wlc_img_gate_may(g, 60006, &wait), 1);
	free(g);
}

/* A session joined with its own MAC and Session ID. */
static struct cs_wlc_sess *
img_sess(struct cs_wlc *w, uint8_t i)
{
	static uint8_t macs[8][6], sids[8][16];
	struct jopts jo = { 0 };
	struct cs_wlc_sess *s = NULL;

	memcpy(macs[i], "\x02\xca\x75\x00\x10\x00", 6);
	macs[i][5] = i;
	memset(sids[i], 0x40 + i, 16);
	jo.mac = macs[i];
	jo.sid = sids[i];
	jo.local_ip = AP_IP + i;
	assert_int_equal(
	    cs_wlc_sess_open(w, &s, AP_IP + i, AP_PORT, "ap-cert", 1000), 0);
	assert_int_equal(do_join(s, 1, &jo), 0);
	return s;
}

/* The last datagram sent to s, decoded. */
static unsigned
img_last_to(const struct cs_wlc_sess *s, struct cs_msg *m)
{
	for (unsigned i = F.n_sent; i-- > 0;)
		if (F.sent[i].s == s) {
			decode_sent(i, m);
			return i;
		}
	fail_msg("nothing sent to the session");
	return 0;
}

/* Acknowledges every block s is sent until EOF, at now_ms. */
static void
img_finish(struct cs_wlc_sess *s, uint64_t now_ms)
{
	uint8_t buf[64];
	struct cs_msg m;
	struct cs_el_image_data d;

	for (;;) {
		img_last_to(s, &m);
		assert_int_equal(m.ctl.type, CS_MSG_IMAGE_DATA_REQ);
		assert_int_equal(
		    cs_el_get_image_data(
		        cs_msg_find(&m, CS_EL_IMAGE_DATA, 0), &d, NULL),
		    0);
		cs_wlc_sess_input(s, buf,
		    build_simple(
		        buf, sizeof(buf), CS_MSG_IMAGE_DATA_RESP, m.ctl.seq, 0),
		    now_ms);
		if (d.data_type == CS_IMG_EOF)
			return;
	}
}

/* APs beyond the controller's limits wait their turn: at most
 * image_max_downloads at once, image_starts_per_min starts a minute
 * (a 9800: 100 per WNCd, 16 a minute). */
static void
test_image_queue(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s[3];
	uint8_t buf[256];
	struct cs_msg m;
	const struct cs_wlc_counters *k;

	(void)state;
	cfg_init(&c);
	c.image_size = 1500; /* two blocks */
	c.image_id = "img-2";
	c.image_max_downloads = 1;
	c.image_starts_per_min = 2;
	w = wlc_new(&c);
	k = cs_wlc_counters(w);
	for (uint8_t i = 0; i < 3; i++)
		s[i] = img_sess(w, i);
	F.n_sent = 0;
	for (uint8_t i = 0; i < 3; i++)
		cs_wlc_sess_input(s[i], buf,
		    build_image_req(buf, sizeof(buf), 2, "img-2"), 3000);
	/* all three accepted (Image Data Response, success); one started */
	assert_int_equal(F.n_sent, 4);
	img_last_to(s[0], &m);
	assert_int_equal(m.ctl.type, CS_MSG_IMAGE_DATA_REQ);
	for (uint8_t i = 1; i < 3; i++) {
		img_last_to(s[i], &m);
		assert_int_equal(m.ctl.type, CS_MSG_IMAGE_DATA_RESP);
		assert_int_equal(result_of(&m), 0);
		assert_int_equal(cs_wlc_sess_state(s[i]), CS_WLC_S_IMAGE_DATA);
	}
	assert_int_equal(k->image_active, 1);
	assert_int_equal(k->image_waiting, 2);
	assert_int_equal(k->images_queued, 3);
	/* the first done: the second starts at once (slot and window) */
	img_finish(s[0], 4000);
	assert_int_equal(k->images_served, 1);
	img_last_to(s[1], &m);
	assert_int_equal(m.ctl.type, CS_MSG_IMAGE_DATA_REQ);
	assert_false(F.armed[CS_WLC_T_IMAGE_QUEUE]);
	/* the second done at 5 s: a free slot, but two starts (3 s, 4 s)
	 * in the last minute: the third waits until 63 s */
	img_last_to(s[2], &m);
	assert_int_equal(m.ctl.type, CS_MSG_IMAGE_DATA_RESP);
	img_finish(s[1], 5000);
	img_last_to(s[2], &m);
	assert_int_equal(m.ctl.type, CS_MSG_IMAGE_DATA_RESP);
	assert_true(F.armed[CS_WLC_T_IMAGE_QUEUE]);
	assert_int_equal(F.delay[CS_WLC_T_IMAGE_QUEUE], 58000);
	assert_int_equal(k->image_active, 0);
	assert_int_equal(k->image_waiting, 1);
	cs_wlc_sess_timer_fired(s[2], CS_WLC_T_IMAGE_QUEUE, 63000);
	img_last_to(s[2], &m);
	assert_int_equal(m.ctl.type, CS_MSG_IMAGE_DATA_REQ);
	assert_int_equal(k->images_started, 3);
	assert_int_equal(k->image_active_max, 1);
	assert_int_equal(k->image_waiting_max, 2);
	assert_non_null(strstr(F.log,
	    "image download starts after 60000 ms "
	    "in the queue"));
	/* the AP goes away mid-download: the slot is freed, counted */
	cs_wlc_sess_closed(s[2]);
	assert_int_equal(k->images_failed, 1);
	assert_int_equal(k->image_active, 0);
	cs_wlc_free(w);
}

/* --image FILE: the bytes served are the file's, hashed as such. */
static void
test_image_file(void **state)
{
	static const uint8_t file[] = "not a real firmware, but bytes";
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s;
	uint8_t buf[256], hash[16];
	struct cs_msg m;
	struct cs_el_image_info info;
	struct cs_el_image_data d;
	struct cs_wlc_md5 md;
	static const struct jopts jo = { 0 };

	(void)state;
	cfg_init(&c);
	c.image_size = sizeof(file);
	c.image_data = file;
	w = wlc_new(&c);
	s = open_sess(w);
	assert_int_equal(do_join(s, 1, &jo), 0);
	F.n_sent = 0;
	cs_wlc_sess_input(
	    s, buf, build_image_req(buf, sizeof(buf), 2, "17.9.4"), 3000);
	assert_int_equal(F.n_sent, 2);
	decode_sent(0, &m);
	cs_el_get_image_info(cs_msg_find(&m, CS_EL_IMAGE_INFO, 0), &info, NULL);
	cs_wlc_md5_init(&md);
	cs_wlc_md5_update(&md, file, sizeof(file));
	cs_wlc_md5_final(&md, hash);
	assert_int_equal(info.file_size, sizeof(file));
	assert_bytes_equal(info.hash, 16, hash, 16);
	decode_sent(1, &m);
	cs_el_get_image_data(cs_msg_find(&m, CS_EL_IMAGE_DATA, 0), &d, NULL);
	assert_int_equal(d.data_type, CS_IMG_EOF);
	assert_bytes_equal(d.data, d.len, file, sizeof(file));
	cs_wlc_free(w);
}

static void
test_image_retransmit_exhausted(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s;
	uint8_t buf[1024];
	size_t len;
	static const struct jopts jo = { 0 };

	(void)state;
	cfg_init(&c);
	c.image_size = 10;
	c.max_retransmit = 2;
	w = wlc_new(&c);
	s = open_sess(w);
	do_join(s, 1, &jo);
	len = build_image_req(buf, sizeof(buf), 2, "17.9.4");
	cs_wlc_sess_input(s, buf, len, 3000);
	cs_wlc_sess_timer_fired(s, CS_WLC_T_RETRANSMIT, 6000);
	cs_wlc_sess_timer_fired(s, CS_WLC_T_RETRANSMIT, 12000);
	assert_int_equal(F.closes, 0);
	cs_wlc_sess_timer_fired(s, CS_WLC_T_RETRANSMIT, 24000);
	assert_int_equal(F.closes, 1);
	assert_non_null(
	    strstr(F.log, "no Image Data Response after 2 retransmissions"));
	cs_wlc_free(w);
}

static void
test_reset(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s;
	uint8_t buf[256];
	size_t len;
	struct cs_msg m;
	struct cs_el_image_id iid;

	(void)state;
	cfg_init(&c);
	w = wlc_new(&c);
	s = open_sess(w);
	to_run(w, s);
	F.n_sent = 0;
	assert_int_equal(cs_wlc_sess_reset(s, 9000), 0);
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_RESET);
	assert_int_equal(cs_wlc_sess_reset(s, 9000), -EPROTO);
	decode_sent(0, &m);
	assert_int_equal(m.ctl.type, CS_MSG_RESET_REQ);
	assert_int_equal(
	    cs_el_get_image_id(cs_msg_find(&m, CS_EL_IMAGE_ID, 0), &iid, NULL),
	    0);
	assert_memory_equal(iid.data, "17.9.4", iid.len);
	/* a failure answer returns to Run */
	len = build_simple(buf, sizeof(buf), CS_MSG_RESET_RESP, m.ctl.seq, 10);
	cs_wlc_sess_input(s, buf, len, 9100);
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_RUN);
	assert_non_null(strstr(F.log, "Reset failure: result code 10"));
	/* success: graceful teardown */
	assert_int_equal(cs_wlc_sess_reset(s, 9200), 0);
	decode_sent(1, &m);
	len = build_simple(buf, sizeof(buf), CS_MSG_RESET_RESP, m.ctl.seq, 0);
	cs_wlc_sess_input(s, buf, len, 9300);
	assert_int_equal(F.closes, 1);
	assert_true(F.close_graceful);
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_DEAD);
	assert_int_equal(cs_wlc_counters(w)->resets_sent, 2);
	cs_wlc_sess_closed(s);
	cs_wlc_free(w);
}

static void
test_misbehave_mute_drop_delay(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s;
	uint8_t buf[1024];
	size_t len;
	struct cs_wlc_misbehave mb = { 0 };
	static const struct jopts jo = { 0 };

	(void)state;
	cfg_init(&c);
	c.misbehave.mute = true;
	w = wlc_new(&c);
	len = build_disc(buf, sizeof(buf), CS_MSG_DISCOVERY_REQ, 1, 0, 1);
	cs_wlc_input_clear(w, CS_CHAN_CONTROL, AP_IP, AP_PORT, buf, len, 0);
	s = open_sess(w);
	len = build_join(buf, sizeof(buf), 1, &jo);
	cs_wlc_sess_input(s, buf, len, 0);
	assert_int_equal(F.n_sent, 0);
	assert_int_equal(cs_wlc_counters(w)->muted, 2);

	/* drop Join Requests only */
	mb.drop_msg_type = CS_MSG_JOIN_REQ;
	assert_int_equal(cs_wlc_set_misbehave(w, &mb), 0);
	cs_wlc_sess_input(s, buf, len, 0);
	assert_int_equal(F.n_sent, 0);
	len = build_disc(buf, sizeof(buf), CS_MSG_DISCOVERY_REQ, 1, 0, 1);
	cs_wlc_input_clear(w, CS_CHAN_CONTROL, AP_IP, AP_PORT, buf, len, 0);
	assert_int_equal(F.n_sent, 1);

	/* delay responses by 700 ms: nothing until the delay timer */
	mb.drop_msg_type = 0;
	mb.delay_ms = 700;
	cs_wlc_set_misbehave(w, &mb);
	len = build_join(buf, sizeof(buf), 1, &jo);
	cs_wlc_sess_input(s, buf, len, 0);
	assert_int_equal(F.n_sent, 1);
	assert_true(F.armed[CS_WLC_T_DELAY]);
	assert_int_equal(F.delay[CS_WLC_T_DELAY], 700);
	/* the AP's retransmission while delayed is not answered twice */
	cs_wlc_sess_input(s, buf, len, 300);
	assert_int_equal(F.n_sent, 1);
	cs_wlc_sess_timer_fired(s, CS_WLC_T_DELAY, 700);
	assert_int_equal(F.n_sent, 2);
	assert_int_equal(F.sent[1].hint.msg_type, CS_MSG_JOIN_RESP);
	assert_int_equal(cs_wlc_counters(w)->delayed, 1);

	/* a delayed rejection aborts only after the response went out */
	c.misbehave = mb;
	c.max_wtps = 0;
	cs_wlc_free(w);
	w = wlc_new(&c);
	s = open_sess(w);
	cs_wlc_sess_input(s, buf, len, 0);
	assert_int_equal(F.n_sent, 0);
	assert_int_equal(F.closes, 0);
	cs_wlc_sess_timer_fired(s, CS_WLC_T_DELAY, 700);
	assert_int_equal(F.n_sent, 1);
	assert_int_equal(F.closes, 1);
	cs_wlc_free(w);
}

static void
test_restart(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *a, *b;
	static const uint8_t mac2[6] = { 2, 2, 2, 2, 2, 2 };
	static const uint8_t sid2[16] = { 7 };
	struct jopts jo = { .mac = mac2, .sid = sid2 };
	static const struct jopts j0 = { 0 };

	(void)state;
	cfg_init(&c);
	w = wlc_new(&c);
	a = open_sess(w);
	do_join(a, 1, &j0);
	b = open_sess(w);
	do_join(b, 1, &jo);
	assert_int_equal(cs_wlc_active_wtps(w), 2);
	F.close_calls_closed = true;
	assert_int_equal(cs_wlc_restart(w, 5000), 0);
	assert_int_equal(F.closes, 2);
	assert_false(F.close_graceful); /* a crash tells no AP */
	assert_int_equal(cs_wlc_active_wtps(w), 0);
	assert_int_equal(cs_wlc_counters(w)->restarts, 1);
	assert_int_equal(cs_wlc_counters(w)->sess_closed, 2);
	assert_non_null(
	    strstr(F.log, "Controller restart: 2 AP sessions dropped"));
	assert_true(has_event(CS_WLC_EV_RESTART, 0));
	cs_wlc_free(w);
}

/* Issue 18: the identity is the certificate's.  A Join whose Board Data
 * MAC is not the one in the CN is refused (result code 5, with the
 * reason); the auth list is checked on the certificate's MAC, whatever
 * the Join claims; Cisco's and dashed CN forms are understood. */
static void
test_cert_identity(void **state)
{
	static const uint8_t listed[6] = { 0x02, 0xca, 0x75, 0, 0, 1 };
	struct jopts jo = { .mac = listed };
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s = NULL;

	(void)state;
	cfg_init(&c);
	c.auth_enabled = true;
	c.auth_macs = &listed;
	c.auth_count = 1;
	memset(&F, 0, sizeof(F));
	w = wlc_new(&c);
	F.close_calls_closed = true;
	/* the certificate says 00:11:22:33:44:55, the Join the listed MAC */
	assert_int_equal(
	    cs_wlc_sess_open(w, &s, AP_IP, AP_PORT, "00:11:22:33:44:55", 1000),
	    0);
	assert_int_equal(do_join(s, 1, &jo), CS_RC_JOIN_FAIL_UNKNOWN_SRC);
	assert_non_null(strstr(F.log,
	    "Board Data MAC 02:ca:75:00:00:01 differs from the MAC "
	    "00:11:22:33:44:55 in the AP's certificate"));
	assert_int_equal(cs_wlc_active_wtps(w), 0);
	/* Cisco's CN form with the listed MAC joins */
	memset(&F, 0, sizeof(F));
	F.close_calls_closed = true;
	assert_int_equal(cs_wlc_sess_open(w, &s, AP_IP, AP_PORT + 1,
	                     "C9120AXI-02ca.7500.0001", 1000),
	    0);
	assert_int_equal(do_join(s, 1, &jo), CS_RC_SUCCESS);
	cs_wlc_free(w);

	/* dashed form, and the auth list checked on the certificate: */
	memset(&F, 0, sizeof(F));
	w = wlc_new(&c);
	F.close_calls_closed = true;
	assert_int_equal(
	    cs_wlc_sess_open(w, &s, AP_IP, AP_PORT, "02-ca-75-00-00-01", 1000),
	    0);
	assert_int_equal(do_join(s, 1, &jo), CS_RC_SUCCESS);
	cs_wlc_free(w);
}

/* Issue 18: the statistics table is bounded; APs that never set up DTLS
 * are aged out oldest first, APs with a session never are, and the maps
 * stay consistent through the reuse (backward-shift deletion). */
static void
test_stats_ageing(void **state)
{
	struct cs_wlc_stats_tab t = { .max = 8 };
	struct cs_wlc_ap_stats *st, *known;
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };
	uint8_t kmac[6];

	(void)state;
	for (unsigned i = 0; i < 8; i++) {
		mac[5] = (uint8_t)i;
		assert_non_null(cs_wlc_stats_by_mac(
		    &t, mac, 0x0a000000 + i, 5246, 1000 + i));
	}
	/* record 3 set up DTLS: known, kept */
	known = &t.rec[3];
	known->dtls_ok = 1;
	memcpy(kmac, known->mac, 6);
	for (unsigned i = 8; i < 200; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		assert_non_null(cs_wlc_stats_by_mac(
		    &t, mac, 0x0a000000 + i, 5246, 1000 + i));
	}
	assert_int_equal(t.n, 8);
	assert_int_equal(t.aged, 192);
	assert_true(t.by_mac.n <= 8 && t.by_ip.n <= 8);
	/* the known AP is still there, under its MAC and address */
	st = cs_wlc_stats_by_ip(&t, 0x0a000003, 5246, false, 5000);
	assert_ptr_equal(st, known);
	assert_int_equal(known->dtls_ok, 1);
	assert_ptr_equal(
	    cs_wlc_stats_by_mac(&t, kmac, 0x0a000003, 5246, 5000), known);
	/* the oldest unknown ones are gone, the newest 7 are found */
	assert_null(cs_wlc_stats_by_ip(&t, 0x0a000000, 5246, false, 5000));
	assert_null(
	    cs_wlc_stats_by_ip(&t, 0x0a000000 + 192, 5246, false, 5000));
	for (unsigned i = 193; i < 200; i++) {
		st = cs_wlc_stats_by_ip(&t, 0x0a000000 + i, 5246, false, 5000);
		assert_non_null(st);
		assert_int_equal(st->mac[5], (uint8_t)i);
	}
	assert_int_equal(t.n, 8);
	cs_wlc_stats_free(&t);
}

/* Issue 18: dropped datagrams from unknown sources are reported one by
 * one only up to CS_WLC_DROPLOG_LINES per window, in the log and in the
 * event stream alike; then one summary line and one summary event. */
static void
test_drop_events_aggregated(void **state)
{
	static const uint8_t other[16] = { 0xee };
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	uint8_t buf[256];
	size_t len;
	unsigned drops = 0;

	(void)state;
	cfg_init(&c);
	memset(&F, 0, sizeof(F));
	w = wlc_new(&c);
	len = build_keepalive(buf, sizeof(buf), other);
	for (unsigned i = 0; i < 100; i++)
		cs_wlc_input_clear(
		    w, CS_CHAN_DATA, AP_IP + i, AP_DPORT, buf, len, 1000 + i);
	for (unsigned i = 0; i < F.n_ev; i++)
		drops += F.ev_kinds[i] == CS_WLC_EV_MSG_DROPPED;
	assert_int_equal(drops, CS_WLC_DROPLOG_LINES);
	assert_int_equal(cs_wlc_counters(w)->keepalive_unknown, 100);
	/* the next window opens: one summary event, then one by one again */
	cs_wlc_input_clear(
	    w, CS_CHAN_DATA, AP_IP, AP_DPORT, buf, len, 1000 + 10500);
	drops = 0;
	for (unsigned i = 0; i < F.n_ev; i++)
		drops += F.ev_kinds[i] == CS_WLC_EV_MSG_DROPPED;
	assert_int_equal(drops, CS_WLC_DROPLOG_LINES + 2);
	assert_non_null(strstr(F.log, "100 datagrams dropped from ~"));
	assert_non_null(
	    strstr(F.log, "sources in the last 10 s (5 reported one by one)"));
	/* a window still open at the end is summarised when the WLC goes */
	for (unsigned i = 0; i < 10; i++)
		cs_wlc_input_clear(w, CS_CHAN_DATA, AP_IP, AP_DPORT, buf, len,
		    1000 + 10600 + i);
	assert_null(strstr(F.log, "11 datagrams dropped"));
	cs_wlc_free(w);
	assert_non_null(strstr(F.log,
	    "11 datagrams dropped from ~1 sources in the last window (5 "
	    "reported one by one)"));
}

static int
count_ap(const struct cs_wlc_ap_stats *st, void *arg)
{
	(*(unsigned *)arg)++;
	(void)st;
	return 0;
}

static void
test_stats_summary(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s;
	struct cs_dtls_outcome o = { false, 3, "peer certificate expired" };
	uint8_t buf[1024];
	size_t len;
	unsigned n = 0;
	char *txt = NULL;

	(void)state;
	cfg_init(&c);
	c.max_wtps = 0;
	w = wlc_new(&c);
	/* AP 1: discovery, DTLS failure, then a rejected join */
	len = build_disc(buf, sizeof(buf), CS_MSG_DISCOVERY_REQ, 1, 0, 1);
	cs_wlc_input_clear(w, CS_CHAN_CONTROL, AP_IP, AP_PORT, buf, len, 10);
	cs_wlc_sess_dtls_failed(w, AP_IP, AP_PORT, &o, 20);
	assert_non_null(strstr(F.log,
	    "DTLS handshake failure with peer 127.1.0.7:40000 for AP "
	    "00:11:22:33:44:55: peer certificate expired"));
	assert_true(has_event(CS_WLC_EV_DTLS_FAILED, 0));
	F.close_calls_closed = true;
	s = open_sess(w);
	{
		static const struct jopts jo = { 0 };

		assert_int_equal(do_join(s, 1, &jo), 4);
	}
	/* AP 2: only a DTLS failure, MAC unknown */
	cs_wlc_sess_dtls_failed(w, AP_IP + 1, AP_PORT, &o, 30);
	assert_non_null(strstr(F.log,
	    "DTLS handshake failure with peer 127.1.0.8:40000: peer "
	    "certificate expired"));
	assert_int_equal(cs_wlc_stats_foreach(w, count_ap, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(cs_wlc_stats_summary(w, &txt), 0);
	print_message("%s", txt);
	assert_non_null(strstr(txt, "AP join statistics: 2 APs seen"));
	assert_non_null(strstr(txt, "Dtls-Handshake 2, Join 1"));
	assert_non_null(strstr(txt, "00:11:22:33:44:55  127.1.0.7"));
	assert_non_null(strstr(txt, "ap-1"));
	assert_non_null(
	    strstr(txt, "Join: result code 4 (resource depletion)"));
	assert_non_null(strstr(txt, "127.1.0.8"));
	assert_non_null(strstr(
	    txt, "Dtls-Handshake: DTLS handshake failure: peer certificate"));
	/* per-AP counters */
	{
		const struct cs_wlc_ap_stats *st = &w->stats.rec[0];

		assert_true(st->has_mac);
		assert_int_equal(st->discovery_requests, 1);
		assert_int_equal(st->discovery_responses, 1);
		assert_int_equal(st->dtls_failed, 1);
		assert_int_equal(st->dtls_ok, 1);
		assert_int_equal(st->join_failed, 1);
		assert_int_equal(st->last_result_code, 4);
		assert_int_equal(st->last_failure_phase, CS_PHASE_JOIN);
	}
	free(txt);
	cs_wlc_free(w);
}

/* A failed second handshake beside an established session (a shadow) is
 * a rejected newcomer: counted as such, never as the AP's DTLS failure
 * (no event, no failure in its join statistics), and the session stays. */
static void
test_shadow_failed(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s = NULL;
	struct cs_dtls_outcome o = { false, 12, "no answer from AP" };
	const struct cs_wlc_ap_stats *st;

	(void)state;
	cfg_init(&c);
	w = wlc_new(&c);
	assert_int_equal(
	    cs_wlc_sess_open(w, &s, AP_IP, AP_PORT, "00:11:22:33:44:55", 1000),
	    0);
	F.n_ev = 0;
	cs_wlc_shadow_failed(w, s, AP_IP, AP_PORT, &o);
	assert_non_null(strstr(F.log,
	    "rejected a new DTLS handshake from peer 127.1.0.7:40000 beside "
	    "the established session of AP 00:11:22:33:44:55: no answer "
	    "from AP; that session goes on"));
	assert_int_equal(cs_wlc_counters(w)->shadow_rejected, 1);
	assert_int_equal(cs_wlc_counters(w)->dtls_failed, 0);
	assert_int_equal(
	    cs_wlc_counters(w)->failures_by_phase[CS_PHASE_DTLS], 0);
	assert_false(has_event(CS_WLC_EV_DTLS_FAILED, 0));
	st = &w->stats.rec[0];
	assert_int_equal(st->dtls_failed, 0);
	assert_false(st->has_failure);
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_WAIT_JOIN);
	/* the AP's own failure still counts as before */
	cs_wlc_sess_dtls_failed(w, AP_IP, AP_PORT, &o, 3000);
	assert_int_equal(cs_wlc_counters(w)->dtls_failed, 1);
	assert_true(has_event(CS_WLC_EV_DTLS_FAILED, 0));
	cs_wlc_shadow_failed(w, NULL, AP_IP, AP_PORT, NULL);
	assert_non_null(strstr(F.log,
	    "beside the established session: unknown reason; that session"));
	assert_int_equal(cs_wlc_counters(w)->shadow_rejected, 2);
	cs_wlc_shadow_failed(NULL, NULL, AP_IP, AP_PORT, &o);
	cs_wlc_free(w);
}

static void
test_cn_mac_and_closed_during_callback(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s = NULL;
	uint8_t mac[6];
	uint8_t want[6] = { 0xaa, 0xbb, 0xcc, 0x00, 0x11, 0x22 };

	(void)state;
	cfg_init(&c);
	w = wlc_new(&c);
	assert_int_equal(cs_wlc_sess_open(w, &s, AP_IP, AP_PORT,
	                     "C9120AXI-aabb.cc00.1122", 0),
	    0);
	assert_int_equal(cs_wlc_sess_mac(s, mac), 0);
	assert_memory_equal(mac, want, 6);
	assert_non_null(strstr(F.log, "for AP aa:bb:cc:00:11:22"));
	/* teardown inside the timer callback frees the session after it */
	F.close_calls_closed = true;
	cs_wlc_sess_timer_fired(s, CS_WLC_T_WAIT_JOIN, 60000);
	assert_int_equal(cs_wlc_counters(w)->sess_closed, 1);
	assert_null(w->sessions);
	cs_wlc_free(w);
}

/* The --auth-list file: every MAC form, comments, blanks, CRLF; a bad
 * entry names its line and says why; nothing is returned on failure. */
static void
test_auth_parse(void **state)
{
	static const char good[] = "# lab APs\n"
	                           "00:11:22:33:44:55\n"
	                           "  02-CA-75-00-00-01\r\n"
	                           "\n"
	                           "\t# indented comment\n"
	                           "0011.2233.4456   \n"
	                           "001122334457";
	static const uint8_t want[4][6] = {
		{ 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 },
		{ 0x02, 0xca, 0x75, 0x00, 0x00, 0x01 },
		{ 0x00, 0x11, 0x22, 0x33, 0x44, 0x56 },
		{ 0x00, 0x11, 0x22, 0x33, 0x44, 0x57 },
	};
	static const char bad[] = "00:11:22:33:44:55\n# x\n  not-a-mac \n";
	static const char nul[] = "00:11:22:33:44:55\n0011\0"
	                          "2233.4455\n";
	struct cs_wlc_auth_err ae;
	uint8_t(*macs)[6] = NULL;
	size_t n = 99;

	(void)state;
	assert_int_equal(
	    cs_wlc_auth_parse(good, sizeof(good) - 1, &macs, &n, &ae), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(macs, want, sizeof(want));
	free(macs);

	macs = NULL;
	n = 99;
	assert_int_equal(
	    cs_wlc_auth_parse("# none\n\n", 8, &macs, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_null(macs);

	n = 99;
	assert_int_equal(
	    cs_wlc_auth_parse(bad, sizeof(bad) - 1, &macs, &n, &ae), -EINVAL);
	assert_int_equal(n, 99); /* untouched on failure */
	assert_int_equal(ae.line, 3);
	assert_int_equal(ae.len, 9);
	assert_memory_equal(bad + ae.at, "not-a-mac", 9);
	assert_true(ae.why[0] != '\0');

	assert_int_equal(
	    cs_wlc_auth_parse(nul, sizeof(nul) - 1, &macs, &n, &ae), -EINVAL);
	assert_int_equal(ae.line, 2);
	assert_string_equal(ae.why, "NUL byte");

	assert_int_equal(cs_wlc_auth_parse(NULL, 1, &macs, &n, NULL), -EINVAL);
	assert_int_equal(cs_wlc_auth_parse("", 0, NULL, &n, NULL), -EINVAL);
}

/* ---- Run: WTP Events, commands, Data Transfer (ctl_run.c) ---- */

static size_t
build_event(uint8_t *buf, size_t cap, uint8_t seq, uint8_t radio_id)
{
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;
	struct cs_el_radio_stats rs = { .noise_floor = -95 };
	struct cs_el_80211_statistics ws = { .radio_id = 1 };
	struct cs_el_duplicate_ipv4 dup = { .addr = AP_IP,
		.status = CS_DUP_DETECTED,
		.mac_len = 6,
		.mac = { 2, 0, 0, 0, 0, 1 } };
	struct cs_el_reboot_stats rb = { .ac_initiated_count = 4,
		.last_failure_type = CS_REBOOT_AC_INITIATED };

	rs.radio_id = 1;
	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, buf, cap);
	cs_msgb_begin(&b, &wr, &h, CS_MSG_WTP_EVENT_REQ, seq);
	cs_el_put_radio_stats(&wr, &rs);
	cs_el_put_80211_statistics(&wr, &ws);
	cs_el_put_duplicate_ipv4(&wr, &dup);
	cs_el_put_reboot_stats(&wr, &rb);
	assert_int_equal(cs_msgb_end(&b), 0);
	/* a bad Radio ID in the first report, patched after encoding */
	buf[8 + 8 + 4] = radio_id;
	return wr.len;
}

static void
test_run_wtp_event(void **state)
{
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s;
	uint8_t buf[1024];
	size_t len;
	struct cs_msg m;
	struct cs_el_returned_elem re;
	const struct cs_wlc_ap_stats *st = NULL;

	(void)state;
	cfg_init(&c);
	w = wlc_new(&c);
	s = open_sess(w);
	to_run(w, s);
	F.n_sent = 0;
	len = build_event(buf, sizeof(buf), 10, 1);
	assert_int_equal(cs_wlc_sess_input(s, buf, len, 6000), 0);
	assert_int_equal(F.n_sent, 1);
	decode_sent(0, &m);
	/* §9.5: an empty WTP Event Response */
	assert_int_equal(m.ctl.type, CS_MSG_WTP_EVENT_RESP);
	assert_int_equal(m.ctl.seq, 10);
	assert_int_equal(m.n_elems, 0);
	assert_non_null(
	    strstr(F.log, "duplicate IP address 127.1.0.7 detected"));
	cs_wlc_stats_foreach(w, stats_first, &st);
	assert_non_null(st);
	assert_int_equal(st->wtp_events, 1);
	assert_true(st->duplicate_ip);
	assert_true(st->has_reboot);
	assert_int_equal(st->reboot_ac_initiated, 4);
	assert_int_equal(cs_wlc_counters(w)->msg_rx[CS_MSG_WTP_EVENT_REQ], 1);
	assert_int_equal(cs_wlc_counters(w)->msg_tx[CS_MSG_WTP_EVENT_RESP], 1);
	/* a Radio ID 0 report: Result Code 21 with the element returned */
	len = build_event(buf, sizeof(buf), 11, 0);
	assert_int_equal(cs_wlc_sess_input(s, buf, len, 6100), 0);
	decode_sent(1, &m);
	assert_int_equal(m.ctl.type, CS_MSG_WTP_EVENT_RESP);
	assert_int_equal(result_of(&m), CS_RC_FAIL_UNRECOGNIZED_ELEM);
	assert_int_equal(m.n_unknown, 0);
	assert_int_equal(
	    cs_el_get_returned_elem(
	        cs_msg_find(&m, CS_EL_RETURNED_ELEM, 0), &re, NULL),
	    0);
	assert_int_equal(re.reason, CS_RET_UNKNOWN_VALUE);
	assert_int_equal(re.elem[1], CS_EL_RADIO_STATS);
	assert_int_equal(cs_wlc_counters(w)->wtp_events_bad, 1);
	cs_wlc_free(w);
}

static bool
sel_mac(void *ctx, const uint8_t mac[6])
{
	return memcmp(ctx, mac, 6) == 0;
}

static void
test_run_commands(void **state)
{
	uint8_t other[6] = { 9, 9, 9, 9, 9, 9 }, mine[6];
	struct cs_wlc_cfg c;
	struct cs_wlc *w;
	struct cs_wlc_sess *s;
	uint8_t buf[1024];
	size_t len;
	struct cs_msg m;
	struct cs_el_stats_timer stt;
	struct cs_el_ac_name_prio np;
	struct cs_el_data_transfer_mode md;
	struct cs_el_data_transfer_data d = { .data_type = CS_DT_TYPE_EOF,
		.data_mode = CS_DT_MODE_DUMP,
		.len = 5,
		.data = (const uint8_t *)"dump!" };
	struct cs_wlc_cmd cu = { .kind = CS_WLC_CMD_CONFIG_UPDATE,
		.statistics_timer_s = 2,
		.has_statistics_timer = true,
		.n_acs = 2,
		.acs = { "wlc-a", "wlc-b" } };
	struct cs_wlc_cmd dt = { .kind = CS_WLC_CMD_DATA_TRANSFER,
		.dt_mode = CS_DT_MODE_DUMP };
	const struct cs_wlc_ap_stats *st = NULL;
	unsigned busy = 7;
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;

	(void)state;
	cfg_init(&c);
	w = wlc_new(&c);
	s = open_sess(w);
	/* not in Run yet */
	assert_int_equal(cs_wlc_sess_command(s, &cu, 1500), -EPROTO);
	to_run(w, s);
	F.n_sent = 0;
	memcpy(mine, AP_MAC, 6);
	/* the selector picks nobody */
	assert_int_equal(
	    cs_wlc_command(w, &cu, sel_mac, other, 6000, &busy), 0);
	assert_int_equal(busy, 0);
	assert_int_equal(F.n_sent, 0);
	assert_int_equal(cs_wlc_command(w, &cu, sel_mac, mine, 6000, &busy), 1);
	decode_sent(0, &m);
	assert_int_equal(m.ctl.type, CS_MSG_CONFIG_UPDATE_REQ);
	assert_int_equal(cs_el_get_stats_timer(
	                     cs_msg_find(&m, CS_EL_STATS_TIMER, 0), &stt, NULL),
	    0);
	assert_int_equal(stt.interval, 2);
	assert_int_equal(cs_msg_count(&m, CS_EL_AC_NAME_PRIO), 2);
	assert_int_equal(cs_el_get_ac_name_prio(
	                     cs_msg_find(&m, CS_EL_AC_NAME_PRIO, 1), &np, NULL),
	    0);
	assert_int_equal(np.priority, 2);
	assert_true(F.armed[CS_WLC_T_RETRANSMIT]);
	/* one AC request at a time (§4.5.3) */
	assert_int_equal(cs_wlc_command(w, &dt, NULL, NULL, 6000, &busy), 0);
	assert_int_equal(busy, 1);
	assert_int_equal(cs_wlc_counters(w)->commands_busy, 1);
	/* the answer: Result Code 17 recorded */
	len = build_simple(buf, sizeof(buf), CS_MSG_CONFIG_UPDATE_RESP,
	    m.ctl.seq, CS_RC_IMAGE_ERR_PRESENT);
	assert_int_equal(cs_wlc_sess_input(s, buf, len, 6100), 0);
	assert_false(F.armed[CS_WLC_T_RETRANSMIT]);
	cs_wlc_stats_foreach(w, stats_first, &st);
	assert_int_equal(st->config_updates, 1);
	assert_int_equal(st->last_command_type, CS_MSG_CONFIG_UPDATE_REQ);
	assert_int_equal(st->last_command_result, CS_RC_IMAGE_ERR_PRESENT);
	/* Data Transfer: the Mode goes out, the AP's data comes back */
	assert_int_equal(cs_wlc_sess_command(s, &dt, 6200), 0);
	decode_sent(F.n_sent - 1, &m);
	assert_int_equal(m.ctl.type, CS_MSG_DATA_TRANSFER_REQ);
	assert_int_equal(
	    cs_el_get_data_transfer_mode(
	        cs_msg_find(&m, CS_EL_DATA_TRANSFER_MODE, 0), &md, NULL),
	    0);
	assert_int_equal(md.mode, CS_DT_MODE_DUMP);
	len = build_simple(
	    buf, sizeof(buf), CS_MSG_DATA_TRANSFER_RESP, m.ctl.seq, 0);
	assert_int_equal(cs_wlc_sess_input(s, buf, len, 6300), 0);
	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_msgb_begin(&b, &wr, &h, CS_MSG_DATA_TRANSFER_REQ, 20);
	cs_el_put_data_transfer_data(&wr, &d);
	assert_int_equal(cs_msgb_end(&b), 0);
	assert_int_equal(cs_wlc_sess_input(s, buf, wr.len, 6400), 0);
	decode_sent(F.n_sent - 1, &m);
	assert_int_equal(m.ctl.type, CS_MSG_DATA_TRANSFER_RESP);
	assert_int_equal(result_of(&m), CS_RC_SUCCESS);
	assert_int_equal(st->data_transfer_bytes, 5);
	assert_non_null(strstr(F.log, "memory dump upload complete"));
	/* a bad mode is refused before anything is sent */
	dt.dt_mode = 7;
	assert_int_equal(cs_wlc_sess_command(s, &dt, 6500), -EINVAL);
	assert_string_equal(
	    cs_wlc_cmd_name(CS_WLC_CMD_CLEAR_CONFIG), "clear-config");
	assert_null(cs_wlc_cmd_name(CS_WLC_CMD__COUNT));
	cs_wlc_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_dtls_required),
		cmocka_unit_test(test_defaults_and_maths),
		cmocka_unit_test(test_md5_vectors),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_discovery_answered),
		cmocka_unit_test(test_discovery_dropped),
		cmocka_unit_test(test_full_join_to_run),
		cmocka_unit_test(test_run_wtp_event),
		cmocka_unit_test(test_run_commands),
		cmocka_unit_test(test_orderly_close_in_run),
		cmocka_unit_test(test_echo_dead_teardown),
		cmocka_unit_test(test_join_rejections),
		cmocka_unit_test(test_join_session_id_in_use_and_nat),
		cmocka_unit_test(test_malformed_join_discarded),
		cmocka_unit_test(test_timer_expiries),
		cmocka_unit_test(test_duplicates_unknown_unexpected),
		cmocka_unit_test(test_image_download),
		cmocka_unit_test(test_image_retransmit_exhausted),
		cmocka_unit_test(test_img_gate),
		cmocka_unit_test(test_image_queue),
		cmocka_unit_test(test_image_file),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_misbehave_mute_drop_delay),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_cert_identity),
		cmocka_unit_test(test_stats_summary),
		cmocka_unit_test(test_stats_ageing),
		cmocka_unit_test(test_drop_events_aggregated),
		cmocka_unit_test(test_shadow_failed),
		cmocka_unit_test(test_cn_mac_and_closed_during_callback),
		cmocka_unit_test(test_auth_parse),
	};

	return cmocka_run_group_tests_name("wlc", tests, NULL, NULL);
}
