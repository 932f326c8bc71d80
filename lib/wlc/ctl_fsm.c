/* SPDX-License-Identifier: MIT */
/*
 * The mock WLC's per-AP session state machine (RFC 5415 §2.3, AC side,
 * after DTLS): Join validation and policy, Configure, Data Check, Run with
 * echoes and keep-alives, image download serving and Reset, plus the
 * request/response reliability rules of §4.5.3 and the misbehaviours a
 * scenario asks for.  Same shape as the AP FSM (STYLE G8) with its own
 * tables.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "wlc-internal.h"

#define TBIT(t) (1u << (t))
#define EBIT(e) (1u << (e))

static const char *const fsm_ev_names[] = {
	[CS_WLC_E_JOIN_REQ] = "Join Request",
	[CS_WLC_E_CONFIG_STATUS_REQ] = "Configuration Status Request",
	[CS_WLC_E_CHANGE_STATE_REQ] = "Change State Event Request",
	[CS_WLC_E_ECHO_REQ] = "Echo Request",
	[CS_WLC_E_IMAGE_DATA_REQ] = "Image Data Request",
	[CS_WLC_E_WTP_EVENT_REQ] = "WTP Event Request",
	[CS_WLC_E_DATA_TRANSFER_REQ] = "Data Transfer Request",
	[CS_WLC_E_IMAGE_DATA_RESP] = "Image Data Response",
	[CS_WLC_E_RESET_RESP] = "Reset Response",
	[CS_WLC_E_AC_RESP] = "response to an AC request",
	[CS_WLC_E_KEEPALIVE] = "data keep-alive",
	[CS_WLC_E_T_WAIT_JOIN] = "WaitJoin expiry",
	[CS_WLC_E_T_CHANGE_STATE_PENDING] = "ChangeStatePendingTimer expiry",
	[CS_WLC_E_T_DATA_CHECK] = "DataCheckTimer expiry",
	[CS_WLC_E_T_ECHO] = "EchoInterval expiry",
	[CS_WLC_E_T_RETRANSMIT] = "RetransmitInterval expiry",
};
_Static_assert(CS_ARRAY_SIZE(fsm_ev_names) == CS_WLC_E__COUNT,
    "fsm_ev_names[] out of sync with enum cs_wlc_fsm_ev");

/* Requests a WTP may send, per state (STYLE G8 gating table).  Anything
 * else that is a known request gets Result Code 18 (§4.6.35). */
static const uint32_t allowed_req[] = {
	/* waiting for the Join Request (§6.1) */
	[CS_WLC_S_WAIT_JOIN] = EBIT(CS_WLC_E_JOIN_REQ),
	/* joined: Configure (§8.2) or Image Data (§9.1.1) next */
	[CS_WLC_S_JOINED] =
	    EBIT(CS_WLC_E_CONFIG_STATUS_REQ) | EBIT(CS_WLC_E_IMAGE_DATA_REQ),
	/* image download: the WTP keeps echoing (§2.3, EchoInterval) */
	[CS_WLC_S_IMAGE_DATA] = EBIT(CS_WLC_E_ECHO_REQ),
	/* Configure: Change State Event Request (§8.6) */
	[CS_WLC_S_CONFIGURE] = EBIT(CS_WLC_E_CHANGE_STATE_REQ),
	/* Data Check: the WTP is already in Run and may echo or report */
	[CS_WLC_S_DATA_CHECK] = EBIT(CS_WLC_E_ECHO_REQ) |
	    EBIT(CS_WLC_E_WTP_EVENT_REQ) |
	    EBIT(CS_WLC_E_IMAGE_DATA_REQ) /* a pre-download (§9.1) */,
	/* Run (§2.3.1 transition q) */
	[CS_WLC_S_RUN] = EBIT(CS_WLC_E_ECHO_REQ) |
	    EBIT(CS_WLC_E_WTP_EVENT_REQ) | EBIT(CS_WLC_E_CHANGE_STATE_REQ) |
	    EBIT(CS_WLC_E_DATA_TRANSFER_REQ) | EBIT(CS_WLC_E_IMAGE_DATA_REQ),
	/* Reset sent: still answer echoes until the Reset Response */
	[CS_WLC_S_RESET] =
	    EBIT(CS_WLC_E_ECHO_REQ) | EBIT(CS_WLC_E_WTP_EVENT_REQ),
	[CS_WLC_S_DEAD] = 0,
};
_Static_assert(CS_ARRAY_SIZE(allowed_req) == CS_WLC_S__COUNT,
    "allowed_req[] out of sync with enum cs_wlc_state");

/* Timers that belong to a state: cancelled when it is left. */
static const uint32_t state_timers[] = {
	[CS_WLC_S_WAIT_JOIN] = TBIT(CS_WLC_T_WAIT_JOIN),
	[CS_WLC_S_JOINED] = TBIT(CS_WLC_T_WAIT_JOIN),
	[CS_WLC_S_IMAGE_DATA] = TBIT(CS_WLC_T_ECHO) |
	    TBIT(CS_WLC_T_RETRANSMIT) | TBIT(CS_WLC_T_IMAGE_QUEUE),
	[CS_WLC_S_CONFIGURE] = TBIT(CS_WLC_T_CHANGE_STATE_PENDING),
	[CS_WLC_S_DATA_CHECK] = TBIT(CS_WLC_T_DATA_CHECK) |
	    TBIT(CS_WLC_T_RETRANSMIT) | TBIT(CS_WLC_T_IMAGE_QUEUE),
	[CS_WLC_S_RUN] = TBIT(CS_WLC_T_ECHO) | TBIT(CS_WLC_T_RETRANSMIT) |
	    TBIT(CS_WLC_T_IMAGE_QUEUE),
	[CS_WLC_S_RESET] = TBIT(CS_WLC_T_ECHO) | TBIT(CS_WLC_T_RETRANSMIT),
	[CS_WLC_S_DEAD] = 0,
};
_Static_assert(CS_ARRAY_SIZE(state_timers) == CS_WLC_S__COUNT,
    "state_timers[] out of sync with enum cs_wlc_state");

/* ---------------------------------------------------------------------
 * Helpers
 */

static const char *
sess_mac(const struct cs_wlc_sess *s, char buf[18])
{
	if (!s->has_mac)
		return "??:??:??:??:??:??";
	cs_wlc_fmt_mac(s->mac, buf, 18);
	return buf;
}

static struct cs_wlc_ap_stats *
sess_stats(struct cs_wlc_sess *s)
{
	return cs_wlc_stats_get(&s->w->stats, s->stats_idx);
}

/* "Join failure (resource depletion)" -> "resource depletion". */
static void
rc_short(uint32_t code, char *buf, size_t cap)
{
	const char *n = cs_result_code_name(code), *open = strrchr(n, '(');
	size_t len = strlen(n);

	if (open != NULL && len > 0 && n[len - 1] == ')') {
		snprintf(
		    buf, cap, "%.*s", (int)(n + len - 1 - open - 1), open + 1);
		return;
	}
	snprintf(buf, cap, "%s", n);
}

static bool
seq_older(uint8_t a, uint8_t b)
{
	/* RFC 5415 §4.5.3: a is older than b */
	return (a < b && b - a < 128) || (a > b && a - b > 128);
}

static void
timer_arm(struct cs_wlc_sess *s, enum cs_wlc_timer t, uint64_t ms)
{
	s->armed |= TBIT(t);
	s->w->io.timer_arm(s->w->io.ctx, s, t, ms);
}

static void
timer_cancel(struct cs_wlc_sess *s, enum cs_wlc_timer t)
{
	if ((s->armed & TBIT(t)) == 0)
		return;
	s->armed &= ~TBIT(t);
	s->w->io.timer_cancel(s->w->io.ctx, s, t);
}

/* The only writer of s->state (STYLE G8): log, cancel the old state's
 * timers, run entry actions, then notify. */
static void
set_state(struct cs_wlc_sess *s, enum cs_wlc_state to, const char *why,
    uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	enum cs_wlc_state from = s->state;
	uint32_t stale = state_timers[from] & ~state_timers[to];
	struct cs_wlc_event ev;
	char mb[18];

	if (from == to)
		return;
	cs_logf(&w->cfg.log, CS_LOG_DEBUG, "AP %s: %s -> %s (%s)",
	    sess_mac(s, mb), cs_wlc_state_name(from), cs_wlc_state_name(to),
	    why);
	for (unsigned t = 0; t < CS_WLC_T__COUNT; t++)
		if (stale & TBIT(t))
			timer_cancel(s, (enum cs_wlc_timer)t);
	if (to == CS_WLC_S_DEAD)
		s->last_live = from;
	s->state = to;
	/* a download slot or queue place is given back (wlc_image.c) */
	if (to == CS_WLC_S_DEAD)
		cs_wlc_image_drop(s, now_ms, /* may_start= */ true);
	switch (to) {
	case CS_WLC_S_WAIT_JOIN:
	case CS_WLC_S_JOINED:
		if ((s->armed & TBIT(CS_WLC_T_WAIT_JOIN)) == 0)
			timer_arm(s, CS_WLC_T_WAIT_JOIN, w->cfg.wait_join_ms);
		break;
	case CS_WLC_S_CONFIGURE:
		timer_arm(s, CS_WLC_T_CHANGE_STATE_PENDING,
		    w->cfg.change_state_pending_ms);
		break;
	case CS_WLC_S_DATA_CHECK:
		timer_arm(s, CS_WLC_T_DATA_CHECK, w->cfg.data_check_ms);
		break;
	case CS_WLC_S_IMAGE_DATA:
	case CS_WLC_S_RUN:
	case CS_WLC_S_RESET:
		if ((s->armed & TBIT(CS_WLC_T_ECHO)) == 0)
			timer_arm(
			    s, CS_WLC_T_ECHO, cs_wlc_echo_dead_ms(&w->cfg));
		break;
	case CS_WLC_S_DEAD:
		break;
	case CS_WLC_S__COUNT:
		assert(!"not a state");
		break;
	}
	if (w->io.event == NULL)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.t_ms = now_ms;
	ev.kind = CS_WLC_EV_STATE;
	ev.sess = s;
	ev.peer_ip = s->peer_ip;
	ev.peer_port = s->peer_port;
	ev.has_mac = s->has_mac;
	memcpy(ev.mac, s->mac, 6);
	ev.from = from;
	ev.to = to;
	ev.phase = cs_wlc_state_phase(to == CS_WLC_S_DEAD ? from : to);
	ev.reason = why;
	w->io.event(w->io.ctx, &ev);
}

void
cs_wlc_fsm_teardown(
    struct cs_wlc_sess *s, uint64_t now_ms, const char *reason, bool graceful)
{
	struct cs_wlc *w = s->w;
	char mb[18];

	if (s->state == CS_WLC_S_DEAD)
		return;
	for (unsigned t = 0; t < CS_WLC_T__COUNT; t++)
		timer_cancel(s, (enum cs_wlc_timer)t);
	cs_logf(&w->cfg.log, graceful ? CS_LOG_INFO : CS_LOG_WARN,
	    "AP %s%s%s%s: session torn down in phase %s: %s", sess_mac(s, mb),
	    s->name[0] != '\0' ? " (" : "", s->name,
	    s->name[0] != '\0' ? ")" : "",
	    cs_phase_wlc_name(cs_wlc_state_phase(s->state)), reason);
	set_state(s, CS_WLC_S_DEAD, reason, now_ms);
	cs_wlc_sid_remove(w, s);
	if (s->joined) {
		w->n_joined--;
		s->joined = false;
	}
	cs_wlc_emit(w, s, CS_WLC_EV_TEARDOWN, now_ms, 0, 0, reason);
	/* every end the AP should hear of is told (DataCheckTimer, echo,
	 * Join refused ...): only a simulated crash is silent */
	w->io.sess_close(w->io.ctx, s, !s->is_crash);
}

/* Teardown that counts as a failure of the current phase. */
static void
fail_teardown(struct cs_wlc_sess *s, uint64_t now_ms, const char *reason)
{
	cs_wlc_stats_fail(
	    s->w, sess_stats(s), cs_wlc_state_phase(s->state), 0, reason);
	cs_wlc_fsm_teardown(s, now_ms, reason, /* graceful= */ false);
}

static void
send_secure(struct cs_wlc_sess *s, const uint8_t *pkt, size_t len,
    uint32_t type, uint8_t seq, bool is_retransmit, uint64_t now_ms)
{
	struct cs_pkt_hint hint;

	memset(&hint, 0, sizeof(hint));
	hint.msg_type = type;
	hint.seq = seq;
	hint.is_retransmit = is_retransmit;
	s->w->io.send_secure(s->w->io.ctx, s, pkt, len, &hint);
	cs_wlc_emit(s->w, s, CS_WLC_EV_MSG_SENT, now_ms, type, 0,
	    is_retransmit ? "retransmission" : NULL);
}

static void
flush_response(struct cs_wlc_sess *s, uint64_t now_ms)
{
	s->resp_delayed = false;
	send_secure(s, s->resp, s->resp_len, s->resp_type, s->last_req_seq,
	    false, now_ms);
	if (s->close_after_resp) {
		char why[96];

		s->close_after_resp = false;
		snprintf(why, sizeof(why), "Join Response sent with an error");
		cs_wlc_fsm_teardown(s, now_ms, why, /* graceful= */ false);
	}
}

/* Caches the response to the current request (§4.5.3) and sends it, now
 * or after the configured misbehaviour delay. */
static int
respond(struct cs_wlc_sess *s, const uint8_t *pkt, size_t len, uint32_t type,
    uint64_t now_ms)
{
	uint8_t *copy;

	if (s->resp_delayed) /* an older delayed one goes out first */
		flush_response(s, now_ms);
	if (s->state == CS_WLC_S_DEAD)
		return -ESHUTDOWN;
	if ((copy = malloc(len)) == NULL)
		return -ENOMEM;
	memcpy(copy, pkt, len);
	free(s->resp);
	s->resp = copy;
	s->resp_len = len;
	s->resp_type = type;
	if (s->w->cfg.misbehave.delay_ms > 0) {
		s->resp_delayed = true;
		s->w->ctr.delayed++;
		timer_arm(s, CS_WLC_T_DELAY, s->w->cfg.misbehave.delay_ms);
		return 0;
	}
	flush_response(s, now_ms);
	return 0;
}

static void
msg_begin(struct cs_wlc_sess *s, struct cs_msgb *b, struct cs_wr *wr,
    uint8_t *buf, size_t cap, uint32_t type, uint8_t seq)
{
	struct cs_capwap_hdr h;

	(void)s;
	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(wr, buf, cap);
	cs_msgb_begin(b, wr, &h, type, seq);
}

static int
msg_finish(struct cs_wlc_sess *s, struct cs_msgb *b, uint32_t type)
{
	int r = cs_msgb_end(b);

	if (r != 0)
		return cs_log_err(&s->w->cfg.log, r, "cannot build %s (%d)",
		    cs_msg_type_name(type), r);
	return 0;
}

/* A response that carries only a Result Code (18, 19, 20, ...). */
static int
respond_result(struct cs_wlc_sess *s, uint32_t req_type, uint8_t seq,
    uint32_t code, uint64_t now_ms)
{
	struct cs_el_result_code rc = { .code = code };
	struct cs_msgb b;
	struct cs_wr wr;
	uint8_t out[64];
	int r;

	msg_begin(s, &b, &wr, out, sizeof(out), req_type + 1, seq);
	cs_el_put_result_code(&wr, &rc);
	if ((r = msg_finish(s, &b, req_type + 1)) < 0)
		return r;
	return respond(s, out, wr.len, req_type + 1, now_ms);
}

/* An empty response (Echo, Change State Event, WTP Event). */
static int
respond_empty(
    struct cs_wlc_sess *s, uint32_t type, uint8_t seq, uint64_t now_ms)
{
	struct cs_msgb b;
	struct cs_wr wr;
	uint8_t out[32];
	int r;

	msg_begin(s, &b, &wr, out, sizeof(out), type, seq);
	if ((r = msg_finish(s, &b, type)) < 0)
		return r;
	return respond(s, out, wr.len, type, now_ms);
}

/* Sends one of the AC's own requests (Image Data, Reset) and arms the
 * retransmission timer (§4.5.3). */
static int
send_request(struct cs_wlc_sess *s, const uint8_t *pkt, size_t len,
    uint32_t type, uint8_t seq, uint64_t now_ms)
{
	uint8_t *copy;

	if ((copy = malloc(len)) == NULL)
		return -ENOMEM;
	memcpy(copy, pkt, len);
	free(s->req);
	s->req = copy;
	s->req_len = len;
	s->req_type = type;
	s->req_seq = seq;
	s->req_retx = 0;
	s->req_outstanding = true;
	send_secure(s, pkt, len, type, seq, false, now_ms);
	timer_arm(s, CS_WLC_T_RETRANSMIT, cs_wlc_retransmit_ms(&s->w->cfg, 0));
	return 0;
}

static void
request_done(struct cs_wlc_sess *s)
{
	s->req_outstanding = false;
	timer_cancel(s, CS_WLC_T_RETRANSMIT);
	free(s->req);
	s->req = NULL;
	s->req_len = 0;
}

/* ---------------------------------------------------------------------
 * Join (RFC 5415 §6.1-§6.2)
 */

struct join_info {
	bool has_mac;
	uint8_t mac[6];
	struct cs_str name;
	uint8_t session_id[16];
	bool has_local4;
	uint32_t local4;
	uint8_t n_radios;
	uint8_t radio_id[CS_WLC_MAX_RADIOS];
	uint32_t radio_type[CS_WLC_MAX_RADIOS];
};

/* Typed decode of the Join Request elements; 0, or the type of the first
 * malformed element with err set. */
static uint16_t
join_parse(const struct cs_msg *m, struct join_info *ji, struct cs_err *err)
{
	const struct cs_elem *e;
	struct cs_el_board_data bd;
	struct cs_el_wtp_descriptor wd;
	struct cs_el_wtp_name wn;
	struct cs_el_location loc;
	struct cs_el_session_id sid;
	struct cs_el_frame_tunnel_mode ftm;
	struct cs_el_mac_type mt;
	struct cs_el_ecn_support ecn;
	struct cs_el_local_ipv4 l4;
	struct cs_el_cisco_wtp_ipv4 c4;
	unsigned nr = cs_msg_count(m, CS_EL_80211_RADIO_INFO);
	uint8_t mac[8];

	memset(ji, 0, sizeof(*ji));
	if ((e = cs_msg_find(m, CS_EL_BOARD_DATA, 0)) != NULL) {
		if (cs_el_get_board_data(e, &bd, err) < 0)
			return CS_EL_BOARD_DATA;
		if (cs_board_data_base_mac(&bd, mac) == 6) {
			ji->has_mac = true;
			memcpy(ji->mac, mac, 6);
		}
	}
	if ((e = cs_msg_find(m, CS_EL_WTP_DESCRIPTOR, 0)) != NULL &&
	    cs_el_get_wtp_descriptor_auto(e, CS_MSG_F_CISCO, &wd, err) < 0)
		return CS_EL_WTP_DESCRIPTOR;
	if ((e = cs_msg_find(m, CS_EL_WTP_NAME, 0)) != NULL) {
		if (cs_el_get_wtp_name(e, &wn, err) < 0)
			return CS_EL_WTP_NAME;
		ji->name = wn.name;
	}
	if ((e = cs_msg_find(m, CS_EL_LOCATION, 0)) != NULL &&
	    cs_el_get_location(e, &loc, err) < 0)
		return CS_EL_LOCATION;
	if ((e = cs_msg_find(m, CS_EL_SESSION_ID, 0)) != NULL) {
		if (cs_el_get_session_id(e, &sid, err) < 0)
			return CS_EL_SESSION_ID;
		memcpy(ji->session_id, sid.id, 16);
	}
	if ((e = cs_msg_find(m, CS_EL_FRAME_TUNNEL_MODE, 0)) != NULL &&
	    cs_el_get_frame_tunnel_mode(e, &ftm, err) < 0)
		return CS_EL_FRAME_TUNNEL_MODE;
	if ((e = cs_msg_find(m, CS_EL_MAC_TYPE, 0)) != NULL &&
	    cs_el_get_mac_type(e, &mt, err) < 0)
		return CS_EL_MAC_TYPE;
	if ((e = cs_msg_find(m, CS_EL_ECN_SUPPORT, 0)) != NULL &&
	    cs_el_get_ecn_support(e, &ecn, err) < 0)
		return CS_EL_ECN_SUPPORT;
	if ((e = cs_msg_find(m, CS_EL_LOCAL_IPV4, 0)) != NULL) {
		if (cs_el_get_local_ipv4(e, &l4, err) < 0)
			return CS_EL_LOCAL_IPV4;
		ji->has_local4 = true;
		ji->local4 = l4.addr;
	} else if ((e = cs_msg_find(m, CS_EL_CISCO_WTP_IPV4, 0)) != NULL) {
		if (cs_el_get_cisco_wtp_ipv4(e, &c4, err) < 0)
			return CS_EL_CISCO_WTP_IPV4;
		ji->has_local4 = true;
		ji->local4 = c4.addr;
	}
	if (nr > CS_WLC_MAX_RADIOS) {
		cs_err_set(err, -E2BIG, "more than 31 radios", 0);
		return CS_EL_80211_RADIO_INFO;
	}
	for (unsigned i = 0; i < nr; i++) {
		struct cs_el_radio_info ri;

		if (cs_el_get_radio_info(
		        cs_msg_find(m, CS_EL_80211_RADIO_INFO, i), &ri, err) <
		    0)
			return CS_EL_80211_RADIO_INFO;
		ji->radio_id[i] = ri.radio_id;
		ji->radio_type[i] = ri.radio_type;
	}
	ji->n_radios = (uint8_t)nr;
	return 0;
}

static bool
auth_allows(const struct cs_wlc *w, const struct cs_wlc_sess *s)
{
	if (!w->cfg.auth_enabled)
		return true;
	if (!s->has_mac)
		return false;
	for (size_t i = 0; i < w->cfg.auth_count; i++)
		if (memcmp(w->cfg.auth_macs[i], s->mac, 6) == 0)
			return true;
	return false;
}

/* Regulatory domain policy: every radio type bit the AP reports must be
 * allowed by the configured country (RFC 5416 §6.25 type bits). */
static bool
regdomain_allows(const struct cs_wlc *w, const struct cs_wlc_sess *s)
{
	if (w->cfg.allowed_radio_types == 0)
		return true;
	for (unsigned i = 0; i < s->n_radios; i++)
		if ((s->radio_type[i] & ~w->cfg.allowed_radio_types) != 0)
			return false;
	return true;
}

static bool
share_rejects(struct cs_wlc *w)
{
	double share = w->cfg.misbehave.reject_share;

	if (share <= 0.0)
		return false;
	if (share >= 1.0)
		return true;
	return w->io.rand(w->io.ctx, 1000000) < (uint32_t)(share * 1e6);
}

static int
join_respond(struct cs_wlc_sess *s, uint8_t seq, uint32_t code, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	struct cs_el_result_code rc = { .code = code };
	struct cs_el_ecn_support ecn = { .ecn = w->cfg.ecn_support };
	struct cs_el_ctrl_ipv4 cip;
	struct cs_el_local_ipv4 lip;
	struct cs_el_image_id iid;
	struct cs_msgb b;
	struct cs_wr wr;
	uint8_t out[4096];
	int r;

	msg_begin(s, &b, &wr, out, sizeof(out), CS_MSG_JOIN_RESP, seq);
	cs_el_put_result_code(&wr, &rc);
	cs_wlc_put_ac_identity(w, &wr);
	for (unsigned i = 0; i < s->n_radios; i++) {
		struct cs_el_radio_info ri = { .radio_id = s->radio_id[i],
			.radio_type = s->radio_type[i] };

		cs_el_put_radio_info(&wr, &ri);
	}
	if (!w->cfg.cisco)
		cs_el_put_ecn_support(&wr, &ecn);
	cip.addr = cs_wlc_adv_ip(w);
	cip.wtp_count =
	    (uint16_t)(w->n_joined > UINT16_MAX ? UINT16_MAX : w->n_joined);
	cs_el_put_ctrl_ipv4(&wr, &cip);
	if (!w->cfg.cisco) {
		/* §4.6.11: our own address; a WTP behind NAT compares it with
		 * the packet source */
		lip.addr = w->cfg.listen_ip;
		cs_el_put_local_ipv4(&wr, &lip);
	} else {
		/* capwap-facts §4.2: no ECN Support, no Local IPv4 (element 30
		 * is MTU Discovery Padding in draft-07); LWAPP Path MTU (73)
		 * inside SPAM Vendor Specific (104): vendor, id, max, len 0 */
		static const uint8_t pmtu[] = { 0x00, 0x40, 0x96, 0x00, 0x00,
			73, 0x05, 0xcd /* 1485 */, 0x00, 0x00 };

		cs_wlc_put_cisco_vsp(
		    &wr, CS_CISCO_SPAM_VENDOR_SPECIFIC, pmtu, sizeof(pmtu));
	}
	iid.vendor = w->cfg.vendor_id;
	iid.data = (const uint8_t *)w->image_id;
	iid.len = strlen(w->image_id);
	cs_el_put_image_id(&wr, &iid);
	if ((r = msg_finish(s, &b, CS_MSG_JOIN_RESP)) < 0)
		return r;
	return respond(s, out, wr.len, CS_MSG_JOIN_RESP, now_ms);
}

static void
join_reject(struct cs_wlc_sess *s, uint8_t seq, uint32_t code,
    const char *detail, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	struct cs_wlc_ap_stats *st = sess_stats(s);
	char mb[18], rs[64], why[240];

	rc_short(code, rs, sizeof(rs));
	if (detail != NULL)
		snprintf(why, sizeof(why), "result code %u (%s): %.140s", code,
		    rs, detail);
	else
		snprintf(why, sizeof(why), "result code %u (%s)", code, rs);
	w->ctr.join_failed++;
	w->ctr.join_result[code < 23 ? code : 22]++;
	if (st != NULL)
		st->join_failed++;
	cs_wlc_stats_fail(w, st, CS_PHASE_JOIN, code, why);
	cs_logf(&w->cfg.log, CS_LOG_ERR, "Join failure for AP %s%s%s%s: %s",
	    sess_mac(s, mb), s->name[0] != '\0' ? " (" : "", s->name,
	    s->name[0] != '\0' ? ")" : "", why);
	cs_wlc_emit(
	    w, s, CS_WLC_EV_JOIN_FAILED, now_ms, CS_MSG_JOIN_RESP, code, why);
	/* §6: on a failed join the AC aborts the DTLS session, after the
	 * response went out */
	s->join_failed = true;
	s->close_after_resp = true;
	if (join_respond(s, seq, code, now_ms) < 0 && s->state != CS_WLC_S_DEAD)
		cs_wlc_fsm_teardown(s, now_ms, why, false);
}

/* Finds the Cisco vendor payload `id` (vendor 4232704); 0 and *out, or
 * -ENOENT. */
static int
cisco_vsp_find(
    const struct cs_msg *m, uint16_t id, struct cs_el_vendor_payload *out)
{
	unsigned n = cs_msg_count(m, CS_EL_VENDOR_PAYLOAD);

	for (unsigned i = 0; i < n; i++) {
		struct cs_el_vendor_payload vp;

		if (cs_el_get_vendor_payload(
		        cs_msg_find(m, CS_EL_VENDOR_PAYLOAD, i), &vp, NULL) ==
		        0 &&
		    vp.vendor == CS_CISCO_VENDOR_ID && vp.element_id == id) {
			*out = vp;
			return 0;
		}
	}
	return -ENOENT;
}

/* Cisco mode: what an AireOS/9800 controller insists on in a Join Request
 * (capwap-facts §3, §4.2).  CS_RC_SUCCESS, or the result code with `why`
 * filled. */
static uint32_t
cisco_join_check(
    const struct cs_msg *m, const struct join_info *ji, char *why, size_t cap)
{
	struct cs_el_vendor_payload vp;
	struct cs_el_wtp_descriptor wd;

	if (cisco_vsp_find(m, CS_CISCO_RAD_NAME, &vp) < 0) {
		snprintf(why, cap,
		    "no Cisco vendor payload RAD Name (vendor %u, element "
		    "%u) with the AP name",
		    CS_CISCO_VENDOR_ID, CS_CISCO_RAD_NAME);
		return CS_RC_FAIL_MISSING_ELEM;
	}
	if (cisco_vsp_find(m, CS_CISCO_BOARD_DATA_OPTIONS, &vp) < 0) {
		snprintf(why, cap,
		    "no Cisco vendor payload Board Data Options (vendor %u, "
		    "element %u)",
		    CS_CISCO_VENDOR_ID, CS_CISCO_BOARD_DATA_OPTIONS);
		return CS_RC_FAIL_MISSING_ELEM;
	}
	if (vp.len != 4) {
		snprintf(why, cap,
		    "Board Data Options is %zu bytes, expected 4 (antenna, "
		    "FlexConnect, AP type, join priority)",
		    vp.len);
		return CS_RC_JOIN_FAIL_BAD_DATA;
	}
	if (cs_msg_find(m, CS_EL_MAX_MSG_LEN, 0) == NULL) {
		snprintf(why, cap, "no Maximum Message Length (29)");
		return CS_RC_FAIL_MISSING_ELEM;
	}
	if (cs_el_get_wtp_descriptor_cisco(
	        cs_msg_find(m, CS_EL_WTP_DESCRIPTOR, 0), &wd, NULL) < 0) {
		snprintf(why, cap,
		    "WTP Descriptor is not in Cisco's draft form (one 16-bit "
		    "Encryption Capabilities, no Num Encrypt)");
		return CS_RC_JOIN_FAIL_BAD_DATA;
	}
	for (unsigned i = 0; i < ji->n_radios; i++) {
		if (ji->radio_id[i] != i) {
			snprintf(why, cap,
			    "radio %u has id %u: Cisco radio slots count from "
			    "0",
			    i, ji->radio_id[i]);
			return CS_RC_JOIN_FAIL_BAD_DATA;
		}
	}
	return CS_RC_SUCCESS;
}

static void
handle_join(struct cs_wlc_sess *s, const struct cs_msg *m, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	struct cs_wlc_ap_stats *st;
	struct join_info ji;
	struct cs_err err = { 0 };
	struct cs_wlc_sess *other;
	uint16_t bad, missing = 0;
	uint32_t code = CS_RC_SUCCESS;
	char mb[18], cisco_why[160] = "", cert_why[120] = "";

	if ((bad = join_parse(m, &ji, &err)) != 0) {
		/* §6: a malformed Join Request is silently discarded */
		w->ctr.malformed++;
		cs_logf(&w->cfg.log, CS_LOG_WARN,
		    "AP %s: malformed Join Request discarded: %s: %s at "
		    "offset %zu",
		    sess_mac(s, mb), cs_elem_name(bad),
		    err.what != NULL ? err.what : "?", err.offset);
		cs_wlc_emit(w, s, CS_WLC_EV_MSG_DROPPED, now_ms,
		    CS_MSG_JOIN_REQ, 0, "malformed Join Request");
		return;
	}
	s->has_last_req = true;
	s->last_req_seq = m->ctl.seq;
	s->last_req_type = m->ctl.type;
	/* identity from the verified certificate (RFC 5415 §12.6) when it
	 * names a MAC; the Board Data MAC only otherwise */
	if (ji.has_mac && s->has_cert_mac &&
	    memcmp(ji.mac, s->cert_mac, 6) != 0) {
		char cb[18], jb[18];

		cs_wlc_fmt_mac(ji.mac, jb, sizeof(jb));
		cs_wlc_fmt_mac(s->cert_mac, cb, sizeof(cb));
		snprintf(cert_why, sizeof(cert_why),
		    "Board Data MAC %s differs from the MAC %s in the AP's "
		    "certificate",
		    jb, cb);
	} else if (ji.has_mac && !s->has_cert_mac) {
		s->has_mac = true;
		memcpy(s->mac, ji.mac, 6);
	}
	snprintf(s->name, sizeof(s->name), "%.*s",
	    (int)(ji.name.len < 32 ? ji.name.len : 32),
	    ji.name.s != NULL ? ji.name.s : "");
	s->n_radios = ji.n_radios;
	memcpy(s->radio_id, ji.radio_id, sizeof(s->radio_id));
	memcpy(s->radio_type, ji.radio_type, sizeof(s->radio_type));
	if (s->has_mac)
		st = cs_wlc_stats_by_mac(
		    &w->stats, s->mac, s->peer_ip, s->peer_port, now_ms);
	else
		st = sess_stats(s);
	if (st != NULL) {
		s->stats_idx = cs_wlc_stats_idx(&w->stats, st);
		st->join_requests++;
		snprintf(st->name, sizeof(st->name), "%s", s->name);
	}

	/* Policy, in the order a controller decides (documented choices):
	 *  20 missing mandatory element (§4.5.1.5; a response is possible),
	 *   9 binding other than IEEE 802.11 (§6, RFC 5416 §2.1),
	 *   5 the Board Data MAC is not the certificate's, or the AP
	 *     authorization list (checked on the certificate's MAC) does not
	 *     hold it: "unknown source" is the RFC meaning of a WTP the AC
	 *     does not recognise,
	 *   3 regulatory domain mismatch: the RFC has no specific code, the
	 *     radio hardware is fine (not 8), so "unspecified",
	 *   7 Session ID already used by another live session,
	 *   4 capacity (resource depletion),
	 *   misbehaviour: a share of joins rejected with a given code,
	 *   else 0, or 2 when the Local IPv4 Address differs from the packet
	 *   source (a NAT between us, §11). */
	if (cs_msg_missing(m, CS_MSG_F_CISCO, &missing) == 1) {
		code = CS_RC_FAIL_MISSING_ELEM;
		cs_logf(&w->cfg.log, CS_LOG_WARN,
		    "AP %s: Join Request lacks mandatory element %u (%s)",
		    sess_mac(s, mb), missing, cs_elem_name(missing));
	} else if (m->hdr.wbid != CS_WBID_IEEE80211) {
		code = CS_RC_JOIN_FAIL_BINDING_UNSUPPORTED;
	} else if (w->cfg.cisco &&
	    (code = cisco_join_check(m, &ji, cisco_why, sizeof(cisco_why))) !=
	        CS_RC_SUCCESS) {
		cs_logf(&w->cfg.log, CS_LOG_ERR,
		    "AP %s (%s) refused: not a Cisco AP join: %s",
		    sess_mac(s, mb), s->name, cisco_why);
	} else if (cert_why[0] != '\0') {
		code = CS_RC_JOIN_FAIL_UNKNOWN_SRC;
		cs_logf(&w->cfg.log, CS_LOG_ERR,
		    "AP Authorization failure for %s: %s", sess_mac(s, mb),
		    cert_why);
	} else if (!auth_allows(w, s)) {
		code = CS_RC_JOIN_FAIL_UNKNOWN_SRC;
		cs_logf(&w->cfg.log, CS_LOG_ERR,
		    "AP Authorization failure for %s", sess_mac(s, mb));
	} else if (!regdomain_allows(w, s)) {
		code = CS_RC_JOIN_FAIL_UNSPEC;
		cs_logf(&w->cfg.log, CS_LOG_ERR,
		    "Regulatory Domain Mismatch: AP %s not allowed to join. "
		    "Regulatory Domain check failed.",
		    sess_mac(s, mb));
	} else if ((other = cs_wlc_sid_find(w, ji.session_id)) != NULL &&
	    other != s) {
		code = CS_RC_JOIN_FAIL_SESSION_IN_USE;
	} else if (w->n_joined >= w->cfg.max_wtps) {
		code = CS_RC_JOIN_FAIL_RESOURCE;
	} else if (share_rejects(w)) {
		code = w->cfg.misbehave.reject_code;
	} else if (ji.has_local4 && ji.local4 != s->peer_ip) {
		code = CS_RC_SUCCESS_NAT;
	}
	if (code != CS_RC_SUCCESS && code != CS_RC_SUCCESS_NAT) {
		join_reject(s, m->ctl.seq, code,
		    cisco_why[0] != '\0'      ? cisco_why
		        : cert_why[0] != '\0' ? cert_why
		                              : NULL,
		    now_ms);
		return;
	}
	memcpy(s->session_id, ji.session_id, 16);
	cs_wlc_sid_insert(w, s);
	s->joined = true;
	w->n_joined++;
	w->ctr.join_ok++;
	w->ctr.join_result[code]++;
	if (st != NULL)
		st->join_ok++;
	cs_logf(&w->cfg.log, CS_LOG_INFO, "AP %s (%s) joined%s",
	    sess_mac(s, mb), s->name,
	    code == CS_RC_SUCCESS_NAT ? " (NAT detected)" : "");
	/* Join stays Join until Configuration Status / Image Data Request
	 * (§2.3.1 AC side); WaitJoin keeps running. */
	set_state(s, CS_WLC_S_JOINED, "Join Request accepted", now_ms);
	cs_wlc_emit(
	    w, s, CS_WLC_EV_JOIN_OK, now_ms, CS_MSG_JOIN_RESP, code, NULL);
	join_respond(s, m->ctl.seq, code, now_ms);
}

/* ---------------------------------------------------------------------
 * Configure and Data Check (RFC 5415 §8.2-§8.7)
 */

static void
handle_config_status(
    struct cs_wlc_sess *s, const struct cs_msg *m, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	struct cs_el_timers tm = { .discovery = w->cfg.discovery_interval_s,
		.echo_request = w->cfg.echo_interval_s };
	struct cs_el_idle_timeout it = { .timeout = w->cfg.idle_timeout_s };
	struct cs_el_wtp_fallback fb = { .mode = w->cfg.wtp_fallback };
	struct cs_el_ac_ipv4_list al;
	struct cs_msgb b;
	struct cs_wr wr;
	uint8_t out[1024];

	/* §8.3: CAPWAP Timers, Decryption Error Report Period per radio,
	 * Idle Timeout, WTP Fallback, AC IPv4 List */
	msg_begin(s, &b, &wr, out, sizeof(out), CS_MSG_CONFIG_STATUS_RESP,
	    m->ctl.seq);
	cs_el_put_timers(&wr, &tm);
	for (unsigned i = 0; i < s->n_radios; i++) {
		struct cs_el_decrypt_err_period p = { .radio_id =
			                                  s->radio_id[i],
			.report_interval = w->cfg.report_interval_s };

		cs_el_put_decrypt_err_period(&wr, &p);
	}
	cs_el_put_idle_timeout(&wr, &it);
	cs_el_put_wtp_fallback(&wr, &fb);
	memset(&al, 0, sizeof(al));
	if (w->cfg.ac_ipv4_count == 0) {
		al.n = 1;
		al.addr[0] = cs_wlc_adv_ip(w);
	} else {
		al.n = (unsigned)w->cfg.ac_ipv4_count;
		memcpy(al.addr, w->cfg.ac_ipv4_list,
		    w->cfg.ac_ipv4_count * sizeof(uint32_t));
	}
	cs_el_put_ac_ipv4_list(&wr, &al);
	if (msg_finish(s, &b, CS_MSG_CONFIG_STATUS_RESP) < 0)
		return;
	cs_wlc_run_config_status(s, m);
	timer_cancel(s, CS_WLC_T_WAIT_JOIN);
	set_state(
	    s, CS_WLC_S_CONFIGURE, "Configuration Status Request", now_ms);
	respond(s, out, wr.len, CS_MSG_CONFIG_STATUS_RESP, now_ms);
}

static void
handle_change_state(
    struct cs_wlc_sess *s, const struct cs_msg *m, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	const struct cs_elem *e = cs_msg_find(m, CS_EL_RESULT_CODE, 0);
	struct cs_el_result_code rc;
	struct cs_wlc_ap_stats *st = sess_stats(s);
	char mb[18];

	if (e != NULL && cs_el_get_result_code(e, &rc, NULL) == 0 &&
	    rc.code != CS_RC_SUCCESS)
		cs_logf(&w->cfg.log, CS_LOG_WARN,
		    "AP %s: Change State Event reports result code %u (%s); "
		    "service provided anyway",
		    sess_mac(s, mb), rc.code, cs_result_code_name(rc.code));
	/* Radio Operational State per radio (§4.6.34); Cisco's draft-7
	 * values are inverted: 2 enabled, 1 disabled (capwap-facts §3) */
	for (unsigned i = 0; i < cs_msg_count(m, CS_EL_RADIO_OPER_STATE); i++) {
		struct cs_el_radio_oper_state ros;
		uint8_t on = w->cfg.cisco ? CS_OPER_DISABLED : CS_OPER_ENABLED;

		if (cs_el_get_radio_oper_state(
		        cs_msg_find(m, CS_EL_RADIO_OPER_STATE, i), &ros,
		        NULL) == 0 &&
		    ros.state != on)
			/* a plain AC cannot tell a Cisco AP's 2 from
			 * "disabled": only a debug line there */
			cs_logf(&w->cfg.log,
			    w->cfg.cisco ? CS_LOG_WARN : CS_LOG_DEBUG,
			    "AP %s: radio %u reported not operational (state "
			    "%u%s, cause %u)",
			    sess_mac(s, mb), ros.radio_id, ros.state,
			    w->cfg.cisco ? ", Cisco: 2 = enabled" : "",
			    ros.cause);
	}
	if (s->state == CS_WLC_S_CONFIGURE) {
		if (st != NULL)
			st->config_ok++;
		set_state(s, CS_WLC_S_DATA_CHECK, "Change State Event Request",
		    now_ms);
	}
	respond_empty(s, CS_MSG_CHANGE_STATE_RESP, m->ctl.seq, now_ms);
}

void
cs_wlc_fsm_keepalive(struct cs_wlc_sess *s, uint32_t src_ip, uint16_t src_port,
    const uint8_t *pkt, size_t len, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	struct cs_pkt_hint hint;
	struct cs_wlc_ap_stats *st;
	char mb[18];

	if (s->state != CS_WLC_S_DATA_CHECK && s->state != CS_WLC_S_RUN &&
	    s->state != CS_WLC_S_RESET) {
		w->ctr.unexpected++;
		cs_logf(&w->cfg.log, CS_LOG_DEBUG,
		    "AP %s: keep-alive ignored in state %s", sess_mac(s, mb),
		    cs_wlc_state_name(s->state));
		return;
	}
	s->data_ip = src_ip;
	s->data_port = src_port;
	s->has_data_peer = true;
	/* §4.4.1: the AC answers with an identical keep-alive */
	memset(&hint, 0, sizeof(hint));
	hint.is_keepalive = true;
	w->io.send_clear(
	    w->io.ctx, CS_CHAN_DATA, src_ip, src_port, pkt, len, &hint);
	w->ctr.keepalive_tx++;
	if (s->state != CS_WLC_S_DATA_CHECK)
		return;
	/* §2.3.1 AC side: Data Check -> Run on a keep-alive with the Session
	 * ID of the Join Request */
	st = sess_stats(s);
	if (st != NULL)
		st->run++;
	set_state(s, CS_WLC_S_RUN, "data channel keep-alive", now_ms);
	cs_logf(&w->cfg.log, CS_LOG_INFO, "AP %s (%s) is in Run",
	    sess_mac(s, mb), s->name);
	cs_wlc_emit(w, s, CS_WLC_EV_RUN, now_ms, 0, 0, NULL);
}

/* ---------------------------------------------------------------------
 * Image download (RFC 5415 §9.1): the WTP asks with Image Identifier +
 * Initiate Download, the AC answers with Image Information and then sends
 * Image Data Requests, one block at a time, stop-and-wait.
 */

int
cs_wlc_fsm_image_block(struct cs_wlc_sess *s, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	struct cs_el_image_data d;
	uint8_t blk[CS_WLC_IMAGE_BLOCK];
	struct cs_msgb b;
	struct cs_wr wr;
	uint8_t out[CS_WLC_IMAGE_BLOCK + 64];
	uint32_t n = w->cfg.image_size - s->img_off;
	uint8_t seq = s->next_seq++;
	int r;

	if (n > CS_WLC_IMAGE_BLOCK)
		n = CS_WLC_IMAGE_BLOCK;
	for (uint32_t i = 0; i < n; i++)
		blk[i] = cs_wlc_image_at(w, s->img_off + i);
	d.data_type =
	    s->img_off + n == w->cfg.image_size ? CS_IMG_EOF : CS_IMG_DATA;
	d.data = blk;
	d.len = n;
	msg_begin(s, &b, &wr, out, sizeof(out), CS_MSG_IMAGE_DATA_REQ, seq);
	cs_el_put_image_data(&wr, &d);
	if ((r = msg_finish(s, &b, CS_MSG_IMAGE_DATA_REQ)) < 0)
		return r;
	s->img_eof_sent = d.data_type == CS_IMG_EOF;
	return send_request(s, out, wr.len, CS_MSG_IMAGE_DATA_REQ, seq, now_ms);
}

static void
handle_image_req(struct cs_wlc_sess *s, const struct cs_msg *m, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	const struct cs_elem *e = cs_msg_find(m, CS_EL_IMAGE_ID, 0);
	struct cs_el_image_id iid;
	struct cs_el_result_code rc = { .code = CS_RC_SUCCESS };
	struct cs_el_image_info info;
	struct cs_msgb b;
	struct cs_wr wr;
	uint8_t out[128];
	char mb[18];

	if (e == NULL || cs_msg_find(m, CS_EL_INITIATE_DOWNLOAD, 0) == NULL) {
		/* only the download start is a WTP request we serve */
		respond_result(
		    s, m->ctl.type, m->ctl.seq, CS_RC_IMAGE_ERR_OTHER, now_ms);
		return;
	}
	if (cs_el_get_image_id(e, &iid, NULL) < 0 || w->cfg.image_size == 0 ||
	    iid.len != strlen(w->image_id) ||
	    memcmp(iid.data, w->image_id, iid.len) != 0 || s->req_outstanding ||
	    s->img_waiting || s->img_active) {
		cs_logf(&w->cfg.log, CS_LOG_WARN,
		    "AP %s: Image Data Request refused: %s", sess_mac(s, mb),
		    w->cfg.image_size == 0   ? "no image configured"
		        : s->req_outstanding ? "a request is outstanding"
		        : s->img_waiting || s->img_active
		        ? "a download is already under way"
		        : "unknown image identifier");
		respond_result(
		    s, m->ctl.type, m->ctl.seq, CS_RC_IMAGE_ERR_OTHER, now_ms);
		return;
	}
	msg_begin(
	    s, &b, &wr, out, sizeof(out), CS_MSG_IMAGE_DATA_RESP, m->ctl.seq);
	cs_el_put_result_code(&wr, &rc);
	info.file_size = w->cfg.image_size;
	memcpy(info.hash, w->image_md5, 16);
	cs_el_put_image_info(&wr, &info);
	if (msg_finish(s, &b, CS_MSG_IMAGE_DATA_RESP) < 0)
		return;
	if (s->state == CS_WLC_S_JOINED) {
		timer_cancel(s, CS_WLC_T_WAIT_JOIN);
		set_state(s, CS_WLC_S_IMAGE_DATA, "Image Data Request", now_ms);
	}
	cs_logf(&w->cfg.log, CS_LOG_INFO,
	    "AP %s: image download of %u bytes accepted%s", sess_mac(s, mb),
	    w->cfg.image_size,
	    s->state == CS_WLC_S_RUN ? " (pre-download)" : "");
	s->img_off = 0;
	s->img_done = false;
	if (respond(s, out, wr.len, CS_MSG_IMAGE_DATA_RESP, now_ms) < 0)
		return;
	/* the first block leaves when the gate gives it a slot */
	cs_wlc_image_enqueue(s, now_ms);
}

static void
handle_image_resp(
    struct cs_wlc_sess *s, const struct cs_msg *m, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	const struct cs_elem *e = cs_msg_find(m, CS_EL_RESULT_CODE, 0);
	struct cs_el_result_code rc;
	struct cs_wlc_ap_stats *st;
	uint32_t n;
	char mb[18], why[96];

	request_done(s);
	if (e == NULL || cs_el_get_result_code(e, &rc, NULL) < 0 ||
	    rc.code != CS_RC_SUCCESS) {
		snprintf(why, sizeof(why),
		    "image download aborted by the AP: result code %s",
		    e == NULL ? "missing" : cs_result_code_name(rc.code));
		fail_teardown(s, now_ms, why);
		return;
	}
	if (s->img_eof_sent) {
		s->img_done = true;
		s->img_eof_sent = false;
		w->ctr.images_served++;
		if ((st = sess_stats(s)) != NULL)
			st->images++;
		cs_logf(&w->cfg.log, CS_LOG_INFO,
		    "AP %s: image download complete (%u bytes in %llu ms)",
		    sess_mac(s, mb), w->cfg.image_size,
		    (unsigned long long)(now_ms - s->img_start_ms));
		cs_wlc_image_done(s, now_ms);
		return;
	}
	n = w->cfg.image_size - s->img_off;
	s->img_off += n > CS_WLC_IMAGE_BLOCK ? CS_WLC_IMAGE_BLOCK : n;
	cs_wlc_fsm_image_block(s, now_ms);
}

/* ---------------------------------------------------------------------
 * Reset (RFC 5415 §9.2-§9.3)
 */

int
cs_wlc_fsm_reset(struct cs_wlc_sess *s, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	struct cs_el_image_id iid;
	struct cs_msgb b;
	struct cs_wr wr;
	uint8_t out[1024];
	uint8_t seq;
	int r;

	if (s->state != CS_WLC_S_RUN || s->req_outstanding)
		return -EPROTO;
	seq = s->next_seq++;
	msg_begin(s, &b, &wr, out, sizeof(out), CS_MSG_RESET_REQ, seq);
	iid.vendor = w->cfg.vendor_id;
	iid.data = (const uint8_t *)w->image_id;
	iid.len = strlen(w->image_id);
	cs_el_put_image_id(&wr, &iid);
	if ((r = msg_finish(s, &b, CS_MSG_RESET_REQ)) < 0)
		return r;
	if ((r = send_request(s, out, wr.len, CS_MSG_RESET_REQ, seq, now_ms)) <
	    0)
		return r;
	w->ctr.resets_sent++;
	set_state(s, CS_WLC_S_RESET, "Reset Request sent", now_ms);
	return 0;
}

static void
handle_reset_resp(
    struct cs_wlc_sess *s, const struct cs_msg *m, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	const struct cs_elem *e = cs_msg_find(m, CS_EL_RESULT_CODE, 0);
	struct cs_el_result_code rc = { .code = CS_RC_SUCCESS };
	struct cs_wlc_ap_stats *st;
	char mb[18];

	request_done(s);
	if (e != NULL && cs_el_get_result_code(e, &rc, NULL) == 0 &&
	    rc.code != CS_RC_SUCCESS) {
		cs_logf(&w->cfg.log, CS_LOG_WARN,
		    "AP %s: Reset failure: result code %u (%s)",
		    sess_mac(s, mb), rc.code, cs_result_code_name(rc.code));
		set_state(
		    s, CS_WLC_S_RUN, "Reset Response with an error", now_ms);
		return;
	}
	if ((st = sess_stats(s)) != NULL)
		st->resets++;
	cs_wlc_fsm_teardown(s, now_ms, "AP reset on request",
	    /* graceful= */ true);
}

/* ---------------------------------------------------------------------
 * The FSM
 */

static void
fsm_unexpected(struct cs_wlc_sess *s, enum cs_wlc_fsm_ev ev)
{
	char mb[18];

	s->w->ctr.unexpected++;
	cs_logf(&s->w->cfg.log, CS_LOG_DEBUG, "AP %s: %s ignored in state %s",
	    sess_mac(s, mb), fsm_ev_names[ev], cs_wlc_state_name(s->state));
}

static void
echo_alive(struct cs_wlc_sess *s)
{
	timer_cancel(s, CS_WLC_T_ECHO);
	timer_arm(s, CS_WLC_T_ECHO, cs_wlc_echo_dead_ms(&s->w->cfg));
}

static void
handle_echo(struct cs_wlc_sess *s, const struct cs_msg *m, uint64_t now_ms)
{
	struct cs_wlc_ap_stats *st = sess_stats(s);

	s->w->ctr.echo_rx++;
	if (st != NULL)
		st->echo_requests++;
	if (s->armed & TBIT(CS_WLC_T_ECHO))
		echo_alive(s);
	if (s->w->cfg.cisco) {
		/* capwap-facts §4.2: AP Time Sync [mand] in Echo Response */
		struct cs_msgb b;
		struct cs_wr wr;
		uint8_t out[64];

		msg_begin(
		    s, &b, &wr, out, sizeof(out), CS_MSG_ECHO_RESP, m->ctl.seq);
		cs_wlc_put_time_sync(s->w, &wr, now_ms);
		if (msg_finish(s, &b, CS_MSG_ECHO_RESP) == 0)
			respond(s, out, wr.len, CS_MSG_ECHO_RESP, now_ms);
		return;
	}
	respond_empty(s, CS_MSG_ECHO_RESP, m->ctl.seq, now_ms);
}

static void
retransmit(struct cs_wlc_sess *s, uint64_t now_ms)
{
	char why[96];

	if (!s->req_outstanding)
		return;
	if (s->req_retx >= s->w->cfg.max_retransmit) {
		snprintf(why, sizeof(why), "no %s after %u retransmissions",
		    cs_msg_type_name(s->req_type + 1), s->req_retx);
		fail_teardown(s, now_ms, why);
		return;
	}
	s->req_retx++;
	send_secure(
	    s, s->req, s->req_len, s->req_type, s->req_seq, true, now_ms);
	timer_arm(s, CS_WLC_T_RETRANSMIT,
	    cs_wlc_retransmit_ms(&s->w->cfg, s->req_retx));
}

static void
expired(
    struct cs_wlc_sess *s, enum cs_wlc_timer t, uint64_t ms, uint64_t now_ms)
{
	char why[96];

	snprintf(why, sizeof(why), "%s expired after %llu s",
	    cs_wlc_timer_name(t), (unsigned long long)(ms / 1000));
	fail_teardown(s, now_ms, why);
}

static void
fsm(struct cs_wlc_sess *s, enum cs_wlc_fsm_ev ev, const struct cs_msg *m,
    uint64_t now_ms)
{
	const struct cs_wlc_cfg *c = &s->w->cfg;

	switch (s->state) {
	case CS_WLC_S_WAIT_JOIN:
		switch (ev) {
		case CS_WLC_E_JOIN_REQ:
			handle_join(s, m, now_ms);
			break;
		case CS_WLC_E_T_WAIT_JOIN:
			expired(s, CS_WLC_T_WAIT_JOIN, c->wait_join_ms, now_ms);
			break;
		default:
			fsm_unexpected(s, ev);
			break;
		}
		break;
	case CS_WLC_S_JOINED:
		switch (ev) {
		case CS_WLC_E_CONFIG_STATUS_REQ:
			handle_config_status(s, m, now_ms);
			break;
		case CS_WLC_E_IMAGE_DATA_REQ:
			handle_image_req(s, m, now_ms);
			break;
		case CS_WLC_E_T_WAIT_JOIN:
			expired(s, CS_WLC_T_WAIT_JOIN, c->wait_join_ms, now_ms);
			break;
		default:
			fsm_unexpected(s, ev);
			break;
		}
		break;
	case CS_WLC_S_IMAGE_DATA:
		switch (ev) {
		case CS_WLC_E_ECHO_REQ:
			handle_echo(s, m, now_ms);
			break;
		case CS_WLC_E_IMAGE_DATA_RESP:
			handle_image_resp(s, m, now_ms);
			break;
		case CS_WLC_E_T_RETRANSMIT:
			retransmit(s, now_ms);
			break;
		case CS_WLC_E_T_ECHO:
			expired(
			    s, CS_WLC_T_ECHO, cs_wlc_echo_dead_ms(c), now_ms);
			break;
		default:
			fsm_unexpected(s, ev);
			break;
		}
		break;
	case CS_WLC_S_CONFIGURE:
		switch (ev) {
		case CS_WLC_E_CHANGE_STATE_REQ:
			handle_change_state(s, m, now_ms);
			break;
		case CS_WLC_E_T_CHANGE_STATE_PENDING:
			expired(s, CS_WLC_T_CHANGE_STATE_PENDING,
			    c->change_state_pending_ms, now_ms);
			break;
		default:
			fsm_unexpected(s, ev);
			break;
		}
		break;
	case CS_WLC_S_DATA_CHECK:
		switch (ev) {
		case CS_WLC_E_ECHO_REQ:
			handle_echo(s, m, now_ms);
			break;
		case CS_WLC_E_WTP_EVENT_REQ:
			cs_wlc_run_event(s, m, now_ms);
			break;
		/* the WTP is in Run already (§2.3.1 "o") and may start its
		 * pre-download before its first keep-alive reaches us */
		case CS_WLC_E_IMAGE_DATA_REQ:
			handle_image_req(s, m, now_ms);
			break;
		case CS_WLC_E_IMAGE_DATA_RESP:
			handle_image_resp(s, m, now_ms);
			break;
		case CS_WLC_E_T_RETRANSMIT:
			retransmit(s, now_ms);
			break;
		case CS_WLC_E_T_DATA_CHECK:
			expired(
			    s, CS_WLC_T_DATA_CHECK, c->data_check_ms, now_ms);
			break;
		default:
			fsm_unexpected(s, ev);
			break;
		}
		break;
	case CS_WLC_S_RUN:
	case CS_WLC_S_RESET:
		switch (ev) {
		case CS_WLC_E_ECHO_REQ:
			handle_echo(s, m, now_ms);
			break;
		case CS_WLC_E_WTP_EVENT_REQ:
			cs_wlc_run_event(s, m, now_ms);
			break;
		case CS_WLC_E_CHANGE_STATE_REQ:
			handle_change_state(s, m, now_ms);
			break;
		case CS_WLC_E_DATA_TRANSFER_REQ:
			cs_wlc_run_data_transfer(s, m, now_ms);
			break;
		case CS_WLC_E_AC_RESP:
			cs_wlc_run_ac_resp(s, m, now_ms);
			break;
		case CS_WLC_E_IMAGE_DATA_REQ:
			handle_image_req(s, m, now_ms);
			break;
		case CS_WLC_E_IMAGE_DATA_RESP:
			handle_image_resp(s, m, now_ms);
			break;
		case CS_WLC_E_RESET_RESP:
			handle_reset_resp(s, m, now_ms);
			break;
		case CS_WLC_E_T_RETRANSMIT:
			retransmit(s, now_ms);
			break;
		case CS_WLC_E_T_ECHO:
			expired(
			    s, CS_WLC_T_ECHO, cs_wlc_echo_dead_ms(c), now_ms);
			break;
		default:
			fsm_unexpected(s, ev);
			break;
		}
		break;
	case CS_WLC_S_DEAD:
		fsm_unexpected(s, ev);
		break;
	case CS_WLC_S__COUNT:
		assert(!"not a state");
		break;
	}
}

/* Request types a WTP sends and their FSM events; -1 for requests only
 * the AC sends (a WTP sending them gets Result Code 18). */
static int
req_event(uint32_t type)
{
	switch (type) {
	case CS_MSG_JOIN_REQ:
		return CS_WLC_E_JOIN_REQ;
	case CS_MSG_CONFIG_STATUS_REQ:
		return CS_WLC_E_CONFIG_STATUS_REQ;
	case CS_MSG_CHANGE_STATE_REQ:
		return CS_WLC_E_CHANGE_STATE_REQ;
	case CS_MSG_ECHO_REQ:
		return CS_WLC_E_ECHO_REQ;
	case CS_MSG_IMAGE_DATA_REQ:
		return CS_WLC_E_IMAGE_DATA_REQ;
	case CS_MSG_WTP_EVENT_REQ:
		return CS_WLC_E_WTP_EVENT_REQ;
	case CS_MSG_DATA_TRANSFER_REQ:
		return CS_WLC_E_DATA_TRANSFER_REQ;
	default:
		return -1;
	}
}

static bool
req_known(uint32_t type)
{
	return cs_msg_bit(type) != 0;
}

static void
input_request(struct cs_wlc_sess *s, const struct cs_msg *m, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	uint32_t type = m->ctl.type;
	uint8_t seq = m->ctl.seq;
	uint16_t missing;
	int ev;
	char mb[18];

	if (w->cfg.misbehave.drop_msg_type == type) {
		w->ctr.policy_dropped++;
		cs_wlc_emit(w, s, CS_WLC_EV_MSG_DROPPED, now_ms, type, 0,
		    "dropped by misbehaviour policy");
		return;
	}
	if (s->has_last_req && seq == s->last_req_seq) {
		/* §4.5.3: a retransmission; resend the cached response */
		w->ctr.duplicates++;
		if (s->resp != NULL && !s->resp_delayed &&
		    s->resp_type == type + 1)
			send_secure(s, s->resp, s->resp_len, s->resp_type, seq,
			    true, now_ms);
		return;
	}
	if (s->has_last_req && seq_older(seq, s->last_req_seq)) {
		w->ctr.duplicates++;
		return;
	}
	if (s->join_failed)
		return; /* the abort is pending behind a delayed response */
	if (!req_known(type)) {
		w->ctr.unknown_requests++;
		cs_logf(&w->cfg.log, CS_LOG_WARN,
		    "AP %s: unrecognized request type %u answered with result "
		    "code 19",
		    sess_mac(s, mb), type);
		s->has_last_req = true;
		s->last_req_seq = seq;
		s->last_req_type = type;
		respond_result(
		    s, type, seq, CS_RC_MSG_UNEXPECTED_UNRECOGNIZED, now_ms);
		return;
	}
	ev = req_event(type);
	if (ev < 0 || (allowed_req[s->state] & EBIT(ev)) == 0) {
		w->ctr.unexpected++;
		cs_logf(&w->cfg.log, CS_LOG_WARN,
		    "AP %s: %s unexpected in state %s: result code 18",
		    sess_mac(s, mb), cs_msg_type_name(type),
		    cs_wlc_state_name(s->state));
		s->has_last_req = true;
		s->last_req_seq = seq;
		s->last_req_type = type;
		respond_result(
		    s, type, seq, CS_RC_MSG_UNEXPECTED_STATE, now_ms);
		return;
	}
	if (type == CS_MSG_JOIN_REQ) {
		/* Join validation answers missing elements itself (with a
		 * full Join Response) and discards malformed ones */
		cs_wlc_emit(
		    w, s, CS_WLC_EV_MSG_RECEIVED, now_ms, type, 0, NULL);
		fsm(s, (enum cs_wlc_fsm_ev)ev, m, now_ms);
		return;
	}
	s->has_last_req = true;
	s->last_req_seq = seq;
	s->last_req_type = type;
	if (cs_msg_missing(m, CS_MSG_F_CISCO, &missing) == 1) {
		cs_logf(&w->cfg.log, CS_LOG_WARN,
		    "AP %s: %s lacks mandatory element %u (%s): result code 20",
		    sess_mac(s, mb), cs_msg_type_name(type), missing,
		    cs_elem_name(missing));
		respond_result(s, type, seq, CS_RC_FAIL_MISSING_ELEM, now_ms);
		return;
	}
	cs_wlc_emit(w, s, CS_WLC_EV_MSG_RECEIVED, now_ms, type, 0, NULL);
	if ((s->armed & TBIT(CS_WLC_T_ECHO)) && type != CS_MSG_ECHO_REQ)
		echo_alive(s); /* any request proves the peer alive */
	fsm(s, (enum cs_wlc_fsm_ev)ev, m, now_ms);
}

static void
input_response(struct cs_wlc_sess *s, const struct cs_msg *m, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	uint32_t type = m->ctl.type;

	if (!s->req_outstanding || type != s->req_type + 1 ||
	    m->ctl.seq != s->req_seq) {
		/* unsolicited, stale or unknown response: ignored (§4.5.1) */
		w->ctr.unexpected++;
		return;
	}
	cs_wlc_emit(w, s, CS_WLC_EV_MSG_RECEIVED, now_ms, type, 0, NULL);
	if (s->armed & TBIT(CS_WLC_T_ECHO))
		echo_alive(s);
	fsm(s,
	    type == CS_MSG_IMAGE_DATA_RESP  ? CS_WLC_E_IMAGE_DATA_RESP
	        : type == CS_MSG_RESET_RESP ? CS_WLC_E_RESET_RESP
	                                    : CS_WLC_E_AC_RESP,
	    m, now_ms);
}

int
cs_wlc_fsm_input(
    struct cs_wlc_sess *s, const uint8_t *pkt, size_t len, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	struct cs_msg m;
	struct cs_err err = { 0 };
	char mb[18];

	if (w->cfg.misbehave.mute) {
		w->ctr.muted++;
		return 0;
	}
	if (cs_msg_decode(&m, pkt, len, CS_MSG_F_CISCO, &err) < 0) {
		w->ctr.malformed++;
		cs_logf(&w->cfg.log, CS_LOG_WARN,
		    "AP %s: malformed control message dropped: %s at offset "
		    "%zu",
		    sess_mac(s, mb), err.what != NULL ? err.what : "?",
		    err.offset);
		cs_wlc_emit(w, s, CS_WLC_EV_MSG_DROPPED, now_ms, 0, 0,
		    "malformed control message");
		return 0;
	}
	if (cs_msg_type_is_request(m.ctl.type))
		input_request(s, &m, now_ms);
	else
		input_response(s, &m, now_ms);
	return 0;
}

void
cs_wlc_fsm_timer(struct cs_wlc_sess *s, enum cs_wlc_timer t, uint64_t now_ms)
{
	static const int timer_ev[] = {
		[CS_WLC_T_WAIT_JOIN] = CS_WLC_E_T_WAIT_JOIN,
		[CS_WLC_T_CHANGE_STATE_PENDING] =
		    CS_WLC_E_T_CHANGE_STATE_PENDING,
		[CS_WLC_T_DATA_CHECK] = CS_WLC_E_T_DATA_CHECK,
		[CS_WLC_T_ECHO] = CS_WLC_E_T_ECHO,
		[CS_WLC_T_RETRANSMIT] = CS_WLC_E_T_RETRANSMIT,
		[CS_WLC_T_DELAY] = -1,
		[CS_WLC_T_IMAGE_QUEUE] = -1,
	};

	if ((s->armed & TBIT(t)) == 0)
		return; /* cancelled or never armed: a stale expiry */
	s->armed &= ~TBIT(t);
	s->w->ctr.timer_expired[t]++;
	if (t == CS_WLC_T_DELAY) {
		if (s->resp_delayed)
			flush_response(s, now_ms);
		return;
	}
	if (t == CS_WLC_T_IMAGE_QUEUE) {
		cs_wlc_image_pump(s->w, now_ms);
		return;
	}
	if (s->w->cfg.misbehave.mute && t != CS_WLC_T_WAIT_JOIN &&
	    t != CS_WLC_T_CHANGE_STATE_PENDING && t != CS_WLC_T_DATA_CHECK &&
	    t != CS_WLC_T_ECHO)
		return; /* a mute controller sends nothing, not even retries */
	fsm(s, (enum cs_wlc_fsm_ev)timer_ev[t], NULL, now_ms);
}

/* ---------------------------------------------------------------------
 * Shared with ctl_run.c
 */

struct cs_wlc_ap_stats *
cs_wlc_fsm_stats(struct cs_wlc_sess *s)
{
	return sess_stats(s);
}

int
cs_wlc_fsm_respond(struct cs_wlc_sess *s, const uint8_t *pkt, size_t len,
    uint32_t type, uint64_t now_ms)
{
	return respond(s, pkt, len, type, now_ms);
}

int
cs_wlc_fsm_send_request(struct cs_wlc_sess *s, const uint8_t *pkt, size_t len,
    uint32_t type, uint8_t seq, uint64_t now_ms)
{
	return send_request(s, pkt, len, type, seq, now_ms);
}

void
cs_wlc_fsm_request_done(struct cs_wlc_sess *s)
{
	request_done(s);
}

void
cs_wlc_fsm_arm(struct cs_wlc_sess *s, enum cs_wlc_timer t, uint64_t ms)
{
	timer_arm(s, t, ms);
}
