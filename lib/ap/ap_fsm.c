/* SPDX-License-Identifier: MIT */
/*
 * The WTP state machine of RFC 5415 §2.3: one FSM function
 * switch (state) { switch (event) }, ap_set_state() as the only writer of
 * the state, a message-in-state gating table, and the request/response
 * reliability of §4.5.3 (one outstanding request, doubling retransmits,
 * cached answers to duplicate requests).
 */
#include "ap-internal.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "capsim/log.h"
#include "capsim/profile.h"
#include "capsim/values.h"

static const char *const fsm_ev_names[] = {
	[CS_AP_E_START] = "start",
	[CS_AP_E_RESTART] = "restart",
	[CS_AP_E_T_DISCOVERY_DELAY] = "DiscoveryDelay expired",
	[CS_AP_E_T_DISCOVERY_INTERVAL] = "DiscoveryInterval expired",
	[CS_AP_E_T_SILENT] = "SilentInterval expired",
	[CS_AP_E_T_WAIT_DTLS] = "WaitDTLS expired",
	[CS_AP_E_T_RETRANSMIT] = "RetransmitInterval expired",
	[CS_AP_E_T_ECHO] = "EchoInterval expired",
	[CS_AP_E_T_KEEPALIVE] = "DataChannelKeepAlive expired",
	[CS_AP_E_T_DATA_DEAD] = "DataChannelDeadInterval expired",
	[CS_AP_E_T_SESSION_DELETE] = "DTLSSessionDelete expired",
	[CS_AP_E_T_IMAGE_DATA_START] = "ImageDataStartTimer expired",
	[CS_AP_E_DTLS_OK] = "DTLSEstablished",
	[CS_AP_E_DTLS_FAIL] = "DTLS failure",
	[CS_AP_E_DTLS_SENT] = "ClientHello sent after a wait for a slot",
	[CS_AP_E_DISCOVERY_RESP] = "Discovery Response",
	[CS_AP_E_JOIN_RESP] = "Join Response",
	[CS_AP_E_CONFIG_STATUS_RESP] = "Configuration Status Response",
	[CS_AP_E_CHANGE_STATE_RESP] = "Change State Event Response",
	[CS_AP_E_ECHO_RESP] = "Echo Response",
	[CS_AP_E_IMAGE_DATA_RESP] = "Image Data Response",
	[CS_AP_E_OTHER_RESP] = "response",
	[CS_AP_E_IMAGE_DATA_REQ] = "Image Data Request",
	[CS_AP_E_RESET_REQ] = "Reset Request",
	[CS_AP_E_AC_REQ] = "request from AC",
	[CS_AP_E_KEEPALIVE] = "data keep-alive",
	[CS_AP_E_T_STATISTICS] = "StatisticsTimer expiry",
	[CS_AP_E_T_DECRYPT_REPORT] = "ReportInterval expiry",
	[CS_AP_E_DATA_DTLS_OK] = "data channel DTLS established",
	[CS_AP_E_DATA_DTLS_FAIL] = "data channel DTLS failure",
};
_Static_assert(CS_ARRAY_SIZE(fsm_ev_names) == CS_AP_E__COUNT,
    "fsm_ev_names[] out of sync with enum cs_ap_fsm_ev");

const char *
cs_ap_fsm_ev_name(enum cs_ap_fsm_ev ev)
{
	if ((unsigned)ev >= CS_AP_E__COUNT)
		return "?";
	return fsm_ev_names[ev];
}

/*
 * Message-in-state gating (STYLE G8): which messages from the AC each
 * state accepts, as cs_msg_bit() masks.  Anything else is dropped
 * (responses) or answered with Result Code 18 (requests).
 */
#define B(t) (1u << ((t)-1))
static const uint32_t ap_allowed[CS_AP__COUNT] = {
	/* Idle: nothing; the AP has no peer */
	[CS_AP_IDLE] = 0,
	/* Discovery: Discovery Responses (clear, §5.2) */
	[CS_AP_DISCOVERY] = B(CS_MSG_DISCOVERY_RESP),
	/* Sulking: ignore all CAPWAP messages (§2.3.1) */
	[CS_AP_SULKING] = 0,
	/* DTLS Setup: no session yet */
	[CS_AP_DTLS_SETUP] = 0,
	/* Join: the answer to our Join Request (§6.2) */
	[CS_AP_JOIN] = B(CS_MSG_JOIN_RESP),
	/* Image Data: §9.1 exchange plus echoes (§2.3.1 "j") */
	[CS_AP_IMAGE_DATA] = B(CS_MSG_IMAGE_DATA_RESP) |
	    B(CS_MSG_IMAGE_DATA_REQ) | B(CS_MSG_ECHO_RESP),
	/* Configure: Configuration Status Response (§8.3) */
	[CS_AP_CONFIGURE] = B(CS_MSG_CONFIG_STATUS_RESP),
	/* Data Check: Change State Event Response (§8.7) */
	[CS_AP_DATA_CHECK] = B(CS_MSG_CHANGE_STATE_RESP),
	/* Run: everything the AC may send in Run (§2.3.1 "q") */
	[CS_AP_RUN] = B(CS_MSG_CONFIG_UPDATE_REQ) | B(CS_MSG_WTP_EVENT_RESP) |
	    B(CS_MSG_IMAGE_DATA_RESP) /* pre-download, §9.1 */ |
	    B(CS_MSG_CHANGE_STATE_RESP) | B(CS_MSG_ECHO_RESP) |
	    B(CS_MSG_IMAGE_DATA_REQ) | B(CS_MSG_RESET_REQ) |
	    B(CS_MSG_PRIMARY_DISCOVERY_RESP) | B(CS_MSG_DATA_TRANSFER_REQ) |
	    B(CS_MSG_DATA_TRANSFER_RESP) | B(CS_MSG_CLEAR_CONFIG_REQ) |
	    B(CS_MSG_STATION_CONFIG_REQ) | (1u << 26) /* WLAN Config Req */,
	/* Reset, DTLS Teardown: the session is going away */
	[CS_AP_RESET] = 0,
	[CS_AP_DTLS_TEARDOWN] = 0,
};
#undef B

/* Requests the AC may legitimately send in some state (for Result Code
 * 18 versus 19). */
static bool
ap_known_ac_request(uint32_t type)
{
	switch (type) {
	case CS_MSG_CONFIG_UPDATE_REQ:
	case CS_MSG_IMAGE_DATA_REQ:
	case CS_MSG_RESET_REQ:
	case CS_MSG_DATA_TRANSFER_REQ:
	case CS_MSG_CLEAR_CONFIG_REQ:
	case CS_MSG_STATION_CONFIG_REQ:
	case CS_MSG_WLAN_CONFIG_REQ:
		return true;
	default:
		return false;
	}
}

static bool
ap_has_session(enum cs_ap_state s)
{
	switch (s) {
	case CS_AP_JOIN:
	case CS_AP_IMAGE_DATA:
	case CS_AP_CONFIGURE:
	case CS_AP_DATA_CHECK:
	case CS_AP_RUN:
		return true;
	case CS_AP_IDLE:
	case CS_AP_DISCOVERY:
	case CS_AP_SULKING:
	case CS_AP_DTLS_SETUP:
	case CS_AP_RESET:
	case CS_AP_DTLS_TEARDOWN:
	case CS_AP__COUNT:
		break;
	}
	return false;
}

enum cs_phase
cs_ap_phase_of(const struct cs_ap *ap, enum cs_ap_state s)
{
	switch (s) {
	case CS_AP_IDLE:
	case CS_AP_DISCOVERY:
	case CS_AP_SULKING:
		return CS_PHASE_DISCOVERY;
	case CS_AP_DTLS_SETUP:
		return CS_PHASE_DTLS;
	case CS_AP_JOIN:
		return CS_PHASE_JOIN;
	case CS_AP_IMAGE_DATA:
		return CS_PHASE_IMAGE;
	case CS_AP_CONFIGURE:
		return CS_PHASE_CONFIGURE;
	case CS_AP_DATA_CHECK:
		return CS_PHASE_DATA_CHECK;
	case CS_AP_RUN:
		return CS_PHASE_RUN;
	case CS_AP_RESET:
	case CS_AP_DTLS_TEARDOWN:
		return ap->fail_phase;
	case CS_AP__COUNT:
		break;
	}
	return CS_PHASE_DISCOVERY;
}

static void
ap_event(struct cs_ap *ap, enum cs_ap_ev_kind kind, enum cs_ap_state from,
    enum cs_ap_state to, enum cs_phase phase, uint32_t msg_type, uint8_t seq,
    uint32_t value, const char *reason)
{
	struct cs_ap_event ev = {
		.t_ms = ap->now_ms,
		.kind = kind,
		.from = from,
		.to = to,
		.phase = phase,
		.msg_type = msg_type,
		.seq = seq,
		.peer_ip = ap->ac_ip,
		.value = value,
		.reason = reason != NULL ? reason : "",
	};

	if (ap->is_dead || ap->io.event == NULL)
		return;
	ap->io.event(ap->io.ctx, &ev);
}

void
cs_ap_emit(struct cs_ap *ap, enum cs_ap_ev_kind kind, uint32_t msg_type,
    uint8_t seq, uint32_t value, const char *reason)
{
	ap_event(ap, kind, ap->state, ap->state, cs_ap_phase_of(ap, ap->state),
	    msg_type, seq, value, reason);
}

static void
ap_drop(struct cs_ap *ap, uint32_t msg_type, uint8_t seq, const char *why)
{
	ap->stats.dropped++;
	cs_logf(&ap->cfg.log, CS_LOG_DEBUG, "%s: dropped %s (seq %u): %s",
	    ap->cfg.name, msg_type ? cs_msg_type_name(msg_type) : "datagram",
	    seq, why);
	cs_ap_emit(ap, CS_AP_EV_DROPPED, msg_type, seq, 0, why);
}

/* ---- timers ---- */

void
cs_ap_arm(struct cs_ap *ap, enum cs_ap_timer t, uint64_t delay_ms)
{
	if (ap->is_dead)
		return;
	ap->armed |= (uint16_t)(1u << t);
	ap->io.timer_arm(ap->io.ctx, t, delay_ms);
}

static void
ap_cancel(struct cs_ap *ap, enum cs_ap_timer t)
{
	if (!(ap->armed & (1u << t)))
		return;
	ap->armed &= (uint16_t) ~(1u << t);
	if (!ap->is_dead)
		ap->io.timer_cancel(ap->io.ctx, t);
}

static bool
ap_is_armed(const struct cs_ap *ap, enum cs_ap_timer t)
{
	return (ap->armed & (1u << t)) != 0;
}

static void
ap_post(struct cs_ap *ap, enum cs_ap_fsm_ev ev)
{
	assert(!ap->has_pending);
	ap->has_pending = true;
	ap->pending = ev;
}

/* ---- sending ---- */

static void
ap_clear_request(struct cs_ap *ap)
{
	free(ap->req);
	ap->req = NULL;
	ap->req_len = 0;
	ap->rtx = 0;
	ap_cancel(ap, CS_AP_T_RETRANSMIT);
}

/* Sends a new request over DTLS and keeps it for retransmission. */
int
cs_ap_request(struct cs_ap *ap, uint32_t type, cs_ap_build_fn *build)
{
	uint8_t buf[CS_CAPWAP_MAX_MSG];
	struct cs_wr wr;
	struct cs_pkt_hint hint = { .msg_type = type };
	uint8_t seq = ap->next_seq++;

	assert(ap->req == NULL);
	cs_wr_init(&wr, buf, sizeof(buf));
	build(ap, &wr, seq);
	if (wr.err != 0)
		return cs_log_err(&ap->cfg.log, wr.err, "%s: cannot build %s",
		    ap->cfg.name, cs_msg_type_name(type));
	if ((ap->req = malloc(wr.len)) == NULL)
		return -ENOMEM;
	memcpy(ap->req, buf, wr.len);
	ap->req_len = (uint16_t)wr.len;
	ap->req_type = type;
	ap->req_seq = seq;
	ap->req_sent_ms = ap->now_ms;
	ap->rtx = 0;
	hint.seq = seq;
	ap->stats.requests_sent++;
	if (ap->io.send_secure(ap->io.ctx, buf, wr.len, &hint) < 0)
		cs_logf(&ap->cfg.log, CS_LOG_WARN, "%s: sending %s failed",
		    ap->cfg.name, cs_msg_type_name(type));
	cs_ap_arm(ap, CS_AP_T_RETRANSMIT, cs_ap_rtx_delay_ms(&ap->cfg, 0));
	cs_ap_emit(ap, CS_AP_EV_MSG_SENT, type, seq, 0, NULL);
	return 0;
}

/* Sends (or re-sends) our answer to an AC request. */
static void
ap_respond(struct cs_ap *ap, const struct cs_msg *m, uint32_t code)
{
	uint8_t buf[512];
	struct cs_wr wr;
	uint32_t type = m->ctl.type + 1;
	struct cs_pkt_hint hint = { .msg_type = type, .seq = m->ctl.seq };
	const uint8_t *ret = NULL;
	size_t ret_len = 0;

	if (code == CS_RC_FAIL_UNRECOGNIZED_ELEM) {
		for (unsigned i = 0; i < m->n_elems; i++) {
			const struct cs_elem *e = &m->elems[i];

			if (e->type == m->first_unknown) {
				ret = e->val - CS_ELEM_HDR_LEN;
				ret_len = (size_t)e->len + CS_ELEM_HDR_LEN;
				break;
			}
		}
	}
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_ap_build_result_resp(&wr, type, m->ctl.seq, code, ret, ret_len);
	if (wr.err != 0) {
		cs_log_err(&ap->cfg.log, wr.err, "%s: cannot build %s",
		    ap->cfg.name, cs_msg_type_name(type));
		return;
	}
	ap->has_last_ac = true;
	ap->last_ac_seq = m->ctl.seq;
	ap->last_ac_type = m->ctl.type;
	ap->last_ac_result = code;
	ap->stats.ac_requests++;
	if (ap->io.send_secure(ap->io.ctx, buf, wr.len, &hint) < 0)
		cs_logf(&ap->cfg.log, CS_LOG_WARN, "%s: sending %s failed",
		    ap->cfg.name, cs_msg_type_name(type));
	cs_ap_emit(ap, CS_AP_EV_MSG_SENT, type, m->ctl.seq, code, NULL);
}

static void
ap_send_discovery(struct cs_ap *ap)
{
	uint8_t buf[CS_CAPWAP_MAX_MSG];
	struct cs_wr wr;
	struct cs_pkt_hint hint = { .msg_type = CS_MSG_DISCOVERY_REQ };

	ap->disc_seq = ap->next_seq++;
	hint.seq = ap->disc_seq;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_ap_build_discovery_req(ap, &wr, ap->disc_seq);
	if (wr.err != 0) {
		cs_log_err(&ap->cfg.log, wr.err,
		    "%s: cannot build Discovery Request", ap->cfg.name);
		return;
	}
	/* §2.3.1 "#": to every AC that has not answered */
	for (unsigned i = 0; i < ap->cfg.target_count && !ap->is_dead; i++) {
		if (ap->answered & (1u << i))
			continue;
		ap->stats.discoveries_sent++;
		if (ap->io.send_clear(ap->io.ctx, CS_CHAN_CONTROL,
		        ap->cfg.targets[i], ap->cfg.ac_port, buf, wr.len,
		        &hint) < 0)
			cs_logf(&ap->cfg.log, CS_LOG_WARN,
			    "%s: sending Discovery Request failed",
			    ap->cfg.name);
	}
	ap->discovery_count++;
	cs_ap_emit(ap, CS_AP_EV_MSG_SENT, CS_MSG_DISCOVERY_REQ, ap->disc_seq,
	    ap->discovery_count, NULL);
}

static void
ap_send_keepalive(struct cs_ap *ap)
{
	uint8_t buf[64];
	struct cs_wr wr;
	struct cs_pkt_hint hint = { .is_keepalive = true };

	cs_wr_init(&wr, buf, sizeof(buf));
	cs_ap_build_keepalive(ap, &wr);
	assert(wr.err == 0);
	ap->stats.keepalives_sent++;
	if (ap->io.send_clear(ap->io.ctx, CS_CHAN_DATA, ap->ac_ip,
	        (uint16_t)(ap->cfg.ac_port + 1), buf, wr.len, &hint) < 0)
		cs_logf(&ap->cfg.log, CS_LOG_WARN,
		    "%s: sending keep-alive failed", ap->cfg.name);
	cs_ap_arm(ap, CS_AP_T_KEEPALIVE, ap->cfg.keepalive_ms);
	/* §4.4.1: sending a keep-alive sets DataChannelDeadInterval; a
	 * running one keeps counting from the first unanswered keep-alive */
	if (!ap_is_armed(ap, CS_AP_T_DATA_DEAD))
		cs_ap_arm(ap, CS_AP_T_DATA_DEAD, ap->cfg.data_dead_ms);
	cs_ap_emit(ap, CS_AP_EV_MSG_SENT, 0, 0, 0, "data keep-alive");
}

/* Cisco APs in Run send Primary Discovery Requests (RFC 5415 §5.3) to
 * learn whether a better (primed primary) controller is reachable; capsim
 * sends one to the joined AC on entering Run. */
static void
ap_send_primary_discovery(struct cs_ap *ap)
{
	uint8_t buf[CS_CAPWAP_MAX_MSG];
	struct cs_wr wr;
	struct cs_pkt_hint hint = { .msg_type = CS_MSG_PRIMARY_DISCOVERY_REQ };

	ap->pd_seq = ap->next_seq++;
	hint.seq = ap->pd_seq;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_ap_build_primary_discovery_req(ap, &wr, ap->pd_seq);
	if (wr.err != 0) {
		cs_log_err(&ap->cfg.log, wr.err,
		    "%s: cannot build Primary Discovery Request", ap->cfg.name);
		return;
	}
	ap->pd_sent = true;
	if (ap->io.send_clear(ap->io.ctx, CS_CHAN_CONTROL, ap->ac_ip,
	        ap->cfg.ac_port, buf, wr.len, &hint) < 0)
		cs_logf(&ap->cfg.log, CS_LOG_WARN,
		    "%s: sending Primary Discovery Request failed",
		    ap->cfg.name);
	cs_ap_emit(ap, CS_AP_EV_MSG_SENT, CS_MSG_PRIMARY_DISCOVERY_REQ,
	    ap->pd_seq, 0, NULL);
}

/* ---- the one writer of ap->state ---- */

static void
ap_set_state(struct cs_ap *ap, enum cs_ap_state to, enum cs_ap_fsm_ev ev,
    const char *reason, bool is_failure)
{
	enum cs_ap_state from = ap->state;
	enum cs_phase phase = cs_ap_phase_of(ap, from);
	int r;

	assert((unsigned)to < CS_AP__COUNT);
	/* 1. log old -> new (event) */
	cs_logf(&ap->cfg.log, is_failure ? CS_LOG_WARN : CS_LOG_INFO,
	    "%s: %s -> %s (%s)%s%s", ap->cfg.name, cs_ap_state_name(from),
	    cs_ap_state_name(to), cs_ap_fsm_ev_name(ev), reason ? ": " : "",
	    reason ? reason : "");
	/* 2. stop every timer of the old state, drop its request */
	for (unsigned t = 0; t < CS_AP_T__COUNT; t++)
		ap_cancel(ap, (enum cs_ap_timer)t);
	ap_clear_request(ap);
	/* 3. per-state counters */
	if (from == CS_AP_RUN && to != CS_AP_RUN) {
		cs_ap_run_leave(ap, to);
		if (is_failure)
			cs_ap_fo_lost(ap, reason);
	} else if (is_failure &&
	    (from == CS_AP_DTLS_SETUP || from == CS_AP_JOIN)) {
		cs_ap_fo_attempt_failed(ap);
	}
	ap->collecting = false;
	ap->image_started = false;
	if (to == CS_AP_RESET || to == CS_AP_DTLS_TEARDOWN) {
		if (from != CS_AP_RESET && from != CS_AP_DTLS_TEARDOWN)
			ap->fail_phase = phase;
	}
	ap->state = to;
	/* 4. entry actions */
	switch (to) {
	case CS_AP_IDLE:
		/* §2.3.1 "@": leaving Sulking resets the failure counters */
		if (from == CS_AP_SULKING)
			ap->failed_dtls = 0;
		ap_post(ap, CS_AP_E_RESTART);
		break;
	case CS_AP_DISCOVERY:
		/* §2.3.1 "1": DiscoveryCount = 0, forget previous ACs */
		ap->discovery_count = 0;
		ap->answered = 0;
		ap->n_cands = 0;
		ap->ac_ip = 0;
		cs_ap_arm(ap, CS_AP_T_DISCOVERY_DELAY,
		    cs_ap_discovery_delay_ms(&ap->cfg, 0,
		        ap->io.rand(
		            ap->io.ctx, ap->cfg.max_discovery_interval_ms)));
		break;
	case CS_AP_SULKING:
		ap->discovery_count = 0;
		cs_ap_arm(ap, CS_AP_T_SILENT, ap->cfg.silent_interval_ms);
		break;
	case CS_AP_DTLS_SETUP:
		ap->stats.dtls_attempts++;
		ap->has_last_ac = false;
		ap->dtls_queued = false;
		r = ap->is_dead
		    ? 0
		    : ap->io.dtls_start(ap->io.ctx, ap->ac_ip, ap->cfg.ac_port);
		/* a glue that cannot even start the session is treated like a
		 * silent peer: WaitDTLS gives up (avoids a tight retry loop) */
		if (r < 0)
			cs_logf(&ap->cfg.log, CS_LOG_WARN,
			    "%s: could not start the DTLS session",
			    ap->cfg.name);
		/* a session the glue queued for a handshake slot has sent
		 * nothing yet: WaitDTLS (RFC 5415 §4.7.15) starts when its
		 * ClientHello leaves (CS_AP_E_DTLS_SENT), so the simulator's
		 * own pacing never spends the AP's protocol time */
		if (r == CS_AP_DTLS_QUEUED)
			ap->dtls_queued = true;
		else
			cs_ap_arm(ap, CS_AP_T_WAIT_DTLS, ap->cfg.wait_dtls_ms);
		break;
	case CS_AP_JOIN:
		for (unsigned i = 0; i < sizeof(ap->session_id); i++)
			ap->session_id[i] =
			    (uint8_t)ap->io.rand(ap->io.ctx, 256);
		ap->has_session = true;
		ap->stats.join_attempts++;
		cs_ap_request(ap, CS_MSG_JOIN_REQ, cs_ap_build_join_req);
		break;
	case CS_AP_IMAGE_DATA:
		cs_ap_image_start(ap);
		/* §2.3.1 "f": start EchoInterval, send Image Data Request */
		cs_ap_arm(ap, CS_AP_T_ECHO, ap->cfg.echo_interval_ms);
		cs_ap_request(
		    ap, CS_MSG_IMAGE_DATA_REQ, cs_ap_build_image_data_req);
		break;
	case CS_AP_CONFIGURE:
		cs_ap_request(ap, CS_MSG_CONFIG_STATUS_REQ,
		    cs_ap_build_config_status_req);
		break;
	case CS_AP_DATA_CHECK:
		cs_ap_request(
		    ap, CS_MSG_CHANGE_STATE_REQ, cs_ap_build_change_state_req);
		break;
	case CS_AP_RUN:
		/* §2.3.1 "o": keep-alive, DataChannelKeepAlive, EchoInterval,
		 * DataChannelDeadInterval */
		ap->stats.runs++;
		ap_send_keepalive(ap);
		cs_ap_arm(ap, CS_AP_T_ECHO, ap->cfg.echo_interval_ms);
		if (ap->cfg.profile != NULL &&
		    ap->cfg.profile->primary_discovery)
			ap_send_primary_discovery(ap);
		cs_ap_run_enter(ap);
		break;
	case CS_AP_RESET:
		ap->td_graceful = true;
		ap_post(ap, CS_AP_E_RESTART);
		break;
	case CS_AP_DTLS_TEARDOWN:
		ap->stats.teardowns++;
		if (!ap->is_dead)
			ap->io.dtls_stop(ap->io.ctx, ap->td_graceful);
		cs_ap_arm(
		    ap, CS_AP_T_SESSION_DELETE, ap->cfg.session_delete_ms);
		break;
	case CS_AP__COUNT:
		assert(!"not a state");
		break;
	}
	/* 5. notify, now that the transition is applied */
	ap_event(ap, CS_AP_EV_STATE, from, to, phase, 0, 0, 0,
	    reason != NULL ? reason : cs_ap_fsm_ev_name(ev));
	if (is_failure)
		ap_event(
		    ap, CS_AP_EV_FAILURE, from, to, phase, 0, 0, 0, reason);
	if (to == CS_AP_RUN && from != CS_AP_RUN)
		cs_ap_fo_in_run(ap);
}

static void ap_fail(struct cs_ap *ap, enum cs_ap_state to, enum cs_ap_fsm_ev ev,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
ap_fail(struct cs_ap *ap, enum cs_ap_state to, enum cs_ap_fsm_ev ev,
    const char *fmt, ...)
{
	char why[256];
	va_list ap_list;

	va_start(ap_list, fmt);
	vsnprintf(why, sizeof(why), fmt, ap_list);
	va_end(ap_list);
	ap_set_state(ap, to, ev, why, /* is_failure= */ true);
}

static void
ap_unexpected(struct cs_ap *ap, enum cs_ap_fsm_ev ev)
{
	char why[96];

	snprintf(why, sizeof(why), "%s unexpected in %s", cs_ap_fsm_ev_name(ev),
	    cs_ap_state_name(ap->state));
	ap_drop(ap, 0, 0, why);
}

/* After DTLS failed or was given up: Idle, or Sulking at the limit. */
static void
ap_dtls_failed(struct cs_ap *ap, enum cs_ap_fsm_ev ev, const char *why)
{
	ap->failed_dtls++;
	ap->stats.dtls_failures++;
	if (!ap->is_dead)
		ap->io.dtls_stop(ap->io.ctx, /* graceful= */ false);
	if (ap->failed_dtls >= ap->cfg.max_failed_dtls)
		ap_fail(ap, CS_AP_SULKING, ev,
		    "%s (%u failed DTLS sessions: sulking)", why,
		    (unsigned)ap->failed_dtls);
	else
		ap_fail(ap, CS_AP_IDLE, ev, "%s", why);
}

static void
ap_retransmit(struct cs_ap *ap, enum cs_ap_fsm_ev ev)
{
	struct cs_pkt_hint hint = { .is_retransmit = true };

	if (ap->req == NULL) {
		ap_unexpected(ap, ev);
		return;
	}
	if (ap->rtx >= ap->cfg.max_retransmit) {
		/* §4.5.3: MaxRetransmit reached -> DTLS Teardown */
		ap->td_graceful = true;
		if (ap->req_type == CS_MSG_ECHO_REQ)
			ap_fail(ap, CS_AP_DTLS_TEARDOWN, ev,
			    "no Echo Response after %u retransmissions",
			    (unsigned)ap->rtx);
		else
			ap_fail(ap, CS_AP_DTLS_TEARDOWN, ev,
			    "no response to %s after %u retransmissions",
			    cs_msg_type_name(ap->req_type), (unsigned)ap->rtx);
		return;
	}
	ap->rtx++;
	ap->stats.retransmits++;
	hint.msg_type = ap->req_type;
	hint.seq = ap->req_seq;
	/* §4.5.3: unchanged (same sequence number), re-encrypted by DTLS */
	if (ap->io.send_secure(ap->io.ctx, ap->req, ap->req_len, &hint) < 0)
		cs_logf(&ap->cfg.log, CS_LOG_WARN, "%s: resending %s failed",
		    ap->cfg.name, cs_msg_type_name(ap->req_type));
	cs_ap_arm(
	    ap, CS_AP_T_RETRANSMIT, cs_ap_rtx_delay_ms(&ap->cfg, ap->rtx));
	cs_ap_emit(
	    ap, CS_AP_EV_RETRANSMIT, ap->req_type, ap->req_seq, ap->rtx, NULL);
}

/* ---- message handlers ---- */

static char *
ap_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* Records a Discovery Response; the caller checked type, seq, elements. */
static void
ap_on_discovery_resp(struct cs_ap *ap, const struct cs_ap_in *in)
{
	const struct cs_msg *m = in->msg;
	struct cs_el_ac_descriptor acd;
	struct cs_el_ac_name an;
	struct cs_ap_cand c = { .responder = in->src_ip };
	bool has_ctrl = false;
	unsigned n;

	if (cs_el_get_ac_descriptor(
	        cs_msg_find(m, CS_EL_AC_DESCRIPTOR, 0), &acd, NULL) < 0 ||
	    cs_el_get_ac_name(cs_msg_find(m, CS_EL_AC_NAME, 0), &an, NULL) <
	        0) {
		ap_drop(ap, m->ctl.type, m->ctl.seq,
		    "malformed AC Descriptor or AC Name");
		return;
	}
	c.active_wtps = acd.active_wtps;
	c.max_wtps = acd.max_wtps;
	/* the controller's software version: RFC AC Information type 5
	 * (text), or Cisco's vendor 4232704 type 1 as 4 raw bytes
	 * (capwap-facts §3, §4.2) */
	for (unsigned i = 0; i < acd.n_info && c.ac_sw == 0; i++) {
		const struct cs_ac_info *inf = &acd.info[i];
		char txt[32];
		uint8_t b[4];

		if (inf->vendor == CS_CISCO_VENDOR_ID &&
		    inf->type == CS_WTPD_SW_VERSION && inf->len == 4) {
			c.ac_sw = (uint32_t)inf->data[0] << 24 |
			    (uint32_t)inf->data[1] << 16 |
			    (uint32_t)inf->data[2] << 8 | inf->data[3];
		} else if (inf->type == CS_ACD_INFO_SW &&
		    inf->len < sizeof(txt)) {
			memcpy(txt, inf->data, inf->len);
			txt[inf->len] = '\0';
			if (cs_val_dotted4(txt, b, NULL) == 0)
				c.ac_sw = (uint32_t)b[0] << 24 |
				    (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
				    b[3];
		}
	}
	/* RFC 5415 §6.1: among several interfaces the one with the fewest
	 * WTPs (first on a tie) */
	n = cs_msg_count(m, CS_EL_CTRL_IPV4);
	for (unsigned i = 0; i < n; i++) {
		struct cs_el_ctrl_ipv4 ci;

		if (cs_el_get_ctrl_ipv4(
		        cs_msg_find(m, CS_EL_CTRL_IPV4, i), &ci, NULL) < 0)
			continue;
		if (!has_ctrl || ci.wtp_count < c.ctrl_wtps) {
			c.ctrl_ip = ci.addr;
			c.ctrl_wtps = ci.wtp_count;
			has_ctrl = true;
		}
	}
	if (!has_ctrl) {
		ap_drop(ap, m->ctl.type, m->ctl.seq,
		    "Discovery Response without a usable CAPWAP Control IPv4 "
		    "Address");
		return;
	}
	c.primed_rank = cs_ap_fo_rank(ap, &an.name, in->src_ip, c.ctrl_ip);
	for (unsigned i = 0; i < ap->n_cands; i++) {
		if (ap->cands[i].responder == in->src_ip) {
			ap_drop(ap, m->ctl.type, m->ctl.seq,
			    "duplicate Discovery Response");
			return;
		}
	}
	for (unsigned i = 0; i < ap->cfg.target_count; i++)
		if (ap->cfg.targets[i] == in->src_ip)
			ap->answered |= (uint8_t)(1u << i);
	ap->stats.discovery_responses++;
	cs_ap_emit(ap, CS_AP_EV_MSG_RECEIVED, m->ctl.type, m->ctl.seq,
	    in->src_ip, NULL);
	if (ap->n_cands < CS_AP_MAX_CANDS) {
		c.order = ap->n_cands;
		ap->cands[ap->n_cands++] = c;
	}
	if (!ap->collecting) {
		/* §4.7.4 DiscoveryInterval: collect more responses first */
		ap->collecting = true;
		ap_cancel(ap, CS_AP_T_DISCOVERY_DELAY);
		cs_ap_arm(ap, CS_AP_T_DISCOVERY_INTERVAL,
		    ap->cfg.discovery_interval_ms);
	}
}

static void
ap_select_and_go(struct cs_ap *ap, enum cs_ap_fsm_ev ev)
{
	char why[160];
	int i = cs_ap_select(ap->cands, ap->n_cands);
	const struct cs_ap_cand *c;

	assert(i >= 0);
	c = &ap->cands[i];
	ap->ac_ip = c->ctrl_ip;
	if (c->primed_rank != 0)
		snprintf(why, sizeof(why), "AC %u.%u.%u.%u chosen: primed %s",
		    c->ctrl_ip >> 24, (c->ctrl_ip >> 16) & 0xff,
		    (c->ctrl_ip >> 8) & 0xff, c->ctrl_ip & 0xff,
		    c->primed_rank == 1       ? "primary"
		        : c->primed_rank == 2 ? "secondary"
		                              : "tertiary");
	else
		snprintf(why, sizeof(why),
		    "AC %u.%u.%u.%u chosen: least loaded (%u of %u WTPs, "
		    "%u responses)",
		    c->ctrl_ip >> 24, (c->ctrl_ip >> 16) & 0xff,
		    (c->ctrl_ip >> 8) & 0xff, c->ctrl_ip & 0xff, c->active_wtps,
		    c->max_wtps, ap->n_cands);
	cs_ap_emit(ap, CS_AP_EV_INFO, 0, 0, c->ctrl_ip, why);
	if (cs_ap_is_cisco(ap) && ap->cfg.profile->adopt_ac_version &&
	    c->ac_sw != 0) {
		/* actube "Cisco WTP - Using AC's software version": advertise
		 * the controller's version so it sends no image (§4.2) */
		char v[20], msg[200];

		snprintf(v, sizeof(v), "%u.%u.%u.%u", c->ac_sw >> 24,
		    (c->ac_sw >> 16) & 0xff, (c->ac_sw >> 8) & 0xff,
		    c->ac_sw & 0xff);
		if (strcmp(v, ap->sw_version) != 0) {
			char *d = strdup(v);

			if (d != NULL) {
				snprintf(msg, sizeof(msg),
				    "advertising the controller's software "
				    "version %s instead of %s (no image "
				    "download)",
				    v, ap->sw_version);
				free(ap->sw_version);
				ap->sw_version = d;
				cs_ap_emit(
				    ap, CS_AP_EV_INFO, 0, 0, c->ctrl_ip, msg);
			}
		}
	}
	ap_set_state(ap, CS_AP_DTLS_SETUP, ev, why, false);
}

static void
ap_on_join_resp(struct cs_ap *ap, enum cs_ap_fsm_ev ev, const struct cs_msg *m)
{
	struct cs_el_result_code rc;
	struct cs_el_ac_name an;
	const struct cs_elem *e;
	uint16_t missing;

	ap->td_graceful = true;
	if (cs_el_get_result_code(
	        cs_msg_find(m, CS_EL_RESULT_CODE, 0), &rc, NULL) < 0) {
		ap_fail(ap, CS_AP_DTLS_TEARDOWN, ev,
		    "Join Response without a valid Result Code");
		return;
	}
	if (rc.code != CS_RC_SUCCESS && rc.code != CS_RC_SUCCESS_NAT) {
		ap_fail(ap, CS_AP_DTLS_TEARDOWN, ev,
		    "Join Response result code %u: %s", (unsigned)rc.code,
		    cs_result_code_name(rc.code));
		return;
	}
	if (cs_msg_missing(m, ap->cfg.msg_flags, &missing) == 1) {
		ap_fail(ap, CS_AP_DTLS_TEARDOWN, ev,
		    "Join Response lacks mandatory element %s (%u)",
		    cs_elem_name(missing), missing);
		return;
	}
	{
		char why[160];

		if (cs_ap_ddtls_choose(ap, m, why, sizeof(why)) < 0) {
			ap_fail(ap, CS_AP_DTLS_TEARDOWN, ev, "%s", why);
			return;
		}
	}
	ap->stats.joins++;
	cs_ap_fo_learn_list(ap, m);
	if (rc.code == CS_RC_SUCCESS_NAT)
		cs_ap_emit(ap, CS_AP_EV_INFO, m->ctl.type, m->ctl.seq, rc.code,
		    "controller detected NAT between AP and controller "
		    "(result code 2)");
	if (cs_el_get_ac_name(cs_msg_find(m, CS_EL_AC_NAME, 0), &an, NULL) ==
	    0) {
		char *n = ap_strndup(an.name.s, an.name.len);

		if (n != NULL) {
			free(ap->ac_name);
			ap->ac_name = n;
		}
	}
	/* RFC 5415 §9.1.1 / §2.3.1 "f"/"g": compare the Image Identifier */
	e = cs_msg_find(m, CS_EL_IMAGE_ID, 0);
	if (e != NULL) {
		struct cs_el_image_id id;

		if (cs_el_get_image_id(e, &id, NULL) == 0 &&
		    (id.len != strlen(ap->sw_version) ||
		        memcmp(id.data, ap->sw_version, id.len) != 0)) {
			char *v = ap_strndup((const char *)id.data, id.len);
			char why[300];

			if (v == NULL) {
				ap_fail(ap, CS_AP_DTLS_TEARDOWN, ev,
				    "out of memory");
				return;
			}
			if (ap->cfg.image_policy == CS_AP_IMAGE_DOWNLOAD) {
				free(ap->image_id);
				ap->image_id = v;
				snprintf(why, sizeof(why),
				    "controller runs image %s, AP runs %s: "
				    "downloading",
				    v, ap->sw_version);
				cs_ap_emit(ap, CS_AP_EV_INFO, m->ctl.type,
				    m->ctl.seq, 0, why);
				ap_set_state(
				    ap, CS_AP_IMAGE_DATA, ev, why, false);
				return;
			}
			if (ap->cfg.image_policy == CS_AP_IMAGE_PREDOWNLOAD) {
				snprintf(why, sizeof(why),
				    "controller runs image %s, AP runs %s: "
				    "pre-downloading it in Run",
				    v, ap->sw_version);
				cs_ap_image_want(ap, v);
				cs_ap_emit(ap, CS_AP_EV_INFO, m->ctl.type,
				    m->ctl.seq, 0, why);
				ap_set_state(
				    ap, CS_AP_CONFIGURE, ev, NULL, false);
				return;
			}
			snprintf(why, sizeof(why),
			    "controller runs image %s, AP runs %s: adopted "
			    "without download",
			    v, ap->sw_version);
			free(ap->sw_version);
			ap->sw_version = v;
			cs_ap_emit(
			    ap, CS_AP_EV_INFO, m->ctl.type, m->ctl.seq, 0, why);
		}
	}
	ap_set_state(ap, CS_AP_CONFIGURE, ev, NULL, false);
}

static void
ap_on_config_status_resp(
    struct cs_ap *ap, enum cs_ap_fsm_ev ev, const struct cs_msg *m)
{
	struct cs_el_timers t;
	struct cs_el_result_code rc;
	uint16_t missing;

	/* §2.3.1 "h": an error in the response -> Reset */
	if (cs_msg_missing(m, ap->cfg.msg_flags, &missing) == 1) {
		ap_fail(ap, CS_AP_RESET, ev,
		    "Configuration Status Response lacks mandatory element "
		    "%s (%u)",
		    cs_elem_name(missing), missing);
		return;
	}
	if (cs_el_get_result_code(
	        cs_msg_find(m, CS_EL_RESULT_CODE, 0), &rc, NULL) == 0 &&
	    rc.code != CS_RC_SUCCESS) {
		ap_fail(ap, CS_AP_RESET, ev,
		    "Configuration Status Response result code %u: %s",
		    (unsigned)rc.code, cs_result_code_name(rc.code));
		return;
	}
	if (cs_el_get_timers(cs_msg_find(m, CS_EL_TIMERS, 0), &t, NULL) < 0) {
		ap_fail(ap, CS_AP_RESET, ev,
		    "Configuration Status Response: malformed CAPWAP Timers");
		return;
	}
	/* §4.6.13: Discovery sets MaxDiscoveryInterval, Echo Request sets
	 * EchoInterval (seconds; 0 would disable, so it is ignored) */
	if (t.discovery != 0)
		ap->cfg.max_discovery_interval_ms = t.discovery * 1000u;
	if (t.echo_request != 0)
		ap->cfg.echo_interval_ms = t.echo_request * 1000u;
	cs_ap_run_config_status(ap, m);
	cs_ap_fo_learn_list(ap, m);
	ap_set_state(ap, CS_AP_DATA_CHECK, ev, NULL, false);
}

/* Requests from the AC that do not change state. */
static void
ap_on_ac_request(struct cs_ap *ap, const struct cs_msg *m)
{
	uint32_t code = CS_RC_SUCCESS;

	switch (m->ctl.type) {
	case CS_MSG_CONFIG_UPDATE_REQ:
	case CS_MSG_CLEAR_CONFIG_REQ:
	case CS_MSG_DATA_TRANSFER_REQ:
	case CS_MSG_WLAN_CONFIG_REQ:
		/* RFC 5415 §8.4-§8.5, §8.7, §9.6, RFC 5416 §3.1: ap_run.c */
		code = cs_ap_run_ac_request(ap, m);
		if (m->ctl.type == CS_MSG_CONFIG_UPDATE_REQ &&
		    code == CS_RC_SUCCESS &&
		    cs_msg_find(m, CS_EL_AC_NAME_PRIO, 0) != NULL)
			cs_ap_fo_learned_names(ap);
		break;
	default:
		break;
	}
	ap_respond(ap, m, code);
	/* a Data Transfer upload starts after our response (§9.6 Fig. 10) */
	cs_ap_run_kick(ap);
}

static void
ap_on_image_data_req(
    struct cs_ap *ap, enum cs_ap_fsm_ev ev, const struct cs_msg *m)
{
	struct cs_el_image_data d;
	const struct cs_elem *e = cs_msg_find(m, CS_EL_IMAGE_DATA, 0);
	char why[300], err[200];
	uint32_t code;
	bool done;

	if (e == NULL || cs_el_get_image_data(e, &d, NULL) < 0) {
		ap_respond(ap, m,
		    e == NULL ? CS_RC_FAIL_MISSING_ELEM
		              : CS_RC_IMAGE_ERR_OTHER);
		return;
	}
	if (!ap->image_started) {
		/* §9.1: data only after the AC acknowledged our request */
		ap_respond(ap, m, CS_RC_MSG_UNEXPECTED_STATE);
		return;
	}
	if (d.data_type != CS_IMG_DATA && d.data_type != CS_IMG_EOF) {
		ap_respond(ap, m, CS_RC_SUCCESS);
		ap->stats.image_failures++;
		ap_fail(ap, CS_AP_RESET, ev,
		    "controller aborted the image download (Image Data type "
		    "%u)",
		    d.data_type);
		return;
	}
	/* length and MD5 against Image Information (ap_image.c) */
	code = cs_ap_image_block(ap, &d, &done, err, sizeof(err));
	ap_respond(ap, m, code);
	if (code != CS_RC_SUCCESS) {
		/* §9.1.2: the WTP abandons the download and resets */
		ap->stats.image_failures++;
		ap_fail(ap, CS_AP_RESET, ev, "image %s: %s",
		    ap->image_id ? ap->image_id : "?", err);
		return;
	}
	if (!done) {
		cs_ap_arm(
		    ap, CS_AP_T_IMAGE_DATA_START, ap->cfg.image_data_start_ms);
		return;
	}
	ap->stats.images++;
	snprintf(why, sizeof(why),
	    "image %s downloaded (%u bytes, MD5 verified): reset to run it",
	    ap->image_id ? ap->image_id : "?", (unsigned)ap->stats.image_bytes);
	if (ap->image_id != NULL) {
		free(ap->sw_version);
		ap->sw_version = ap->image_id;
		ap->image_id = NULL;
	}
	cs_ap_emit(ap, CS_AP_EV_INFO, m->ctl.type, m->ctl.seq,
	    ap->stats.image_bytes, why);
	ap_set_state(ap, CS_AP_RESET, ev, why, false);
}

static void
ap_on_reset_req(struct cs_ap *ap, enum cs_ap_fsm_ev ev, const struct cs_msg *m)
{
	struct cs_el_image_id id;

	ap_respond(ap, m, CS_RC_SUCCESS);
	cs_ap_run_reset(ap);
	/* §9.2: the Image Identifier names the version to run after
	 * reboot; an AP that downloads runs only what it has (a staged
	 * pre-download, above), and its next Join Response tells it the rest */
	if (ap->cfg.image_policy == CS_AP_IMAGE_ADOPT &&
	    cs_el_get_image_id(cs_msg_find(m, CS_EL_IMAGE_ID, 0), &id, NULL) ==
	        0 &&
	    (id.len != strlen(ap->sw_version) ||
	        memcmp(id.data, ap->sw_version, id.len) != 0)) {
		char *v = ap_strndup((const char *)id.data, id.len);

		if (v != NULL) {
			free(ap->sw_version);
			ap->sw_version = v;
		}
	}
	ap_set_state(ap, CS_AP_RESET, ev, CS_AP_REASON_AC_RESET, false);
}

/* ---- the FSM ---- */

void
cs_ap_fsm(struct cs_ap *ap, enum cs_ap_fsm_ev ev, const struct cs_ap_in *in)
{
	const struct cs_msg *m = in != NULL ? in->msg : NULL;
	char why[300];

	if (ap->is_dead)
		return;
	switch (ap->state) {
	case CS_AP_IDLE:
		switch (ev) {
		case CS_AP_E_START:
		case CS_AP_E_RESTART:
			if (ap->cfg.skip_discovery &&
			    (ap->ac_ip = cs_ap_fo_next_ac(ap)) != 0) {
				ap_set_state(ap, CS_AP_DTLS_SETUP, ev,
				    "pre-configured controller", false);
			} else {
				ap_set_state(
				    ap, CS_AP_DISCOVERY, ev, NULL, false);
			}
			break;
		default:
			ap_unexpected(ap, ev);
			break;
		}
		break;
	case CS_AP_DISCOVERY:
		switch (ev) {
		case CS_AP_E_T_DISCOVERY_DELAY:
			ap_send_discovery(ap);
			cs_ap_arm(ap, CS_AP_T_DISCOVERY_INTERVAL,
			    cs_ap_discovery_delay_ms(
			        &ap->cfg, ap->discovery_count, 0));
			break;
		case CS_AP_E_T_DISCOVERY_INTERVAL:
			if (ap->collecting) {
				ap_select_and_go(ap, ev);
			} else if (ap->discovery_count >=
			    ap->cfg.max_discoveries) {
				ap_fail(ap, CS_AP_SULKING, ev,
				    "no Discovery Response after %u Discovery "
				    "Requests",
				    (unsigned)ap->discovery_count);
			} else {
				ap_send_discovery(ap);
				cs_ap_arm(ap, CS_AP_T_DISCOVERY_INTERVAL,
				    cs_ap_discovery_delay_ms(
				        &ap->cfg, ap->discovery_count, 0));
			}
			break;
		case CS_AP_E_DISCOVERY_RESP:
			ap_on_discovery_resp(ap, in);
			break;
		default:
			ap_unexpected(ap, ev);
			break;
		}
		break;
	case CS_AP_SULKING:
		switch (ev) {
		case CS_AP_E_T_SILENT:
			ap_set_state(ap, CS_AP_IDLE, ev, NULL, false);
			break;
		default:
			/* §2.3.1 "!": a sulking WTP ignores all CAPWAP */
			ap_unexpected(ap, ev);
			break;
		}
		break;
	case CS_AP_DTLS_SETUP:
		switch (ev) {
		case CS_AP_E_DTLS_OK:
			/* §2.3.1 "d" */
			ap->failed_dtls = 0;
			ap_set_state(ap, CS_AP_JOIN, ev, NULL, false);
			break;
		case CS_AP_E_DTLS_FAIL:
			snprintf(why, sizeof(why), "DTLS: %s",
			    in != NULL && in->dtls != NULL &&
			            in->dtls->reason != NULL
			        ? in->dtls->reason
			        : "handshake failed");
			ap_dtls_failed(ap, ev, why);
			break;
		case CS_AP_E_DTLS_SENT:
			if (!ap->dtls_queued) {
				ap_unexpected(ap, ev);
				break;
			}
			ap->dtls_queued = false;
			cs_ap_arm(ap, CS_AP_T_WAIT_DTLS, ap->cfg.wait_dtls_ms);
			break;
		case CS_AP_E_T_WAIT_DTLS:
			snprintf(why, sizeof(why),
			    "WaitDTLS expired after %u s",
			    (unsigned)(ap->cfg.wait_dtls_ms / 1000));
			ap_dtls_failed(ap, ev, why);
			break;
		default:
			ap_unexpected(ap, ev);
			break;
		}
		break;
	case CS_AP_JOIN:
	case CS_AP_IMAGE_DATA:
	case CS_AP_CONFIGURE:
	case CS_AP_DATA_CHECK:
	case CS_AP_RUN:
		/* events common to every state with a DTLS session */
		switch (ev) {
		case CS_AP_E_T_RETRANSMIT:
			ap_retransmit(ap, ev);
			return;
		case CS_AP_E_DTLS_FAIL:
			/* §2.3.1 "e"/"i"/"l"/"p": DTLSAborted/PeerDisconnect */
			ap->td_graceful = false;
			ap_fail(ap, CS_AP_DTLS_TEARDOWN, ev, "DTLS: %s",
			    in != NULL && in->dtls != NULL &&
			            in->dtls->reason != NULL
			        ? in->dtls->reason
			        : "session lost");
			return;
		default:
			break;
		}
		switch (ap->state) {
		case CS_AP_JOIN:
			switch (ev) {
			case CS_AP_E_JOIN_RESP:
				ap_on_join_resp(ap, ev, m);
				break;
			default:
				ap_unexpected(ap, ev);
				break;
			}
			break;
		case CS_AP_IMAGE_DATA:
			switch (ev) {
			case CS_AP_E_IMAGE_DATA_RESP: {
				char err[200];

				if (cs_ap_image_accepted(
				        ap, m, err, sizeof(err)) < 0) {
					/* §9.1.2: abandon -> Reset */
					ap->stats.image_failures++;
					ap_fail(ap, CS_AP_RESET, ev, "%s", err);
					break;
				}
				ap->image_started = true;
				/* the first block leaves when the controller's
				 * download queue lets it (echoes go on) */
				cs_ap_arm(ap, CS_AP_T_IMAGE_DATA_START,
				    ap->cfg.image_wait_ms);
				break;
			}
			case CS_AP_E_IMAGE_DATA_REQ:
				ap_on_image_data_req(ap, ev, m);
				break;
			case CS_AP_E_T_IMAGE_DATA_START:
				ap->stats.image_failures++;
				ap_fail(ap, CS_AP_RESET, ev,
				    "no Image Data Request from controller "
				    "for %u s",
				    (unsigned)((ap->img.got_block
				                       ? ap->cfg
				                             .image_data_start_ms
				                       : ap->cfg
				                             .image_wait_ms) /
				        1000));
				break;
			case CS_AP_E_T_ECHO:
				if (ap->req == NULL)
					cs_ap_request(ap, CS_MSG_ECHO_REQ,
					    cs_ap_build_echo_req);
				cs_ap_arm(
				    ap, CS_AP_T_ECHO, ap->cfg.echo_interval_ms);
				break;
			case CS_AP_E_ECHO_RESP:
				ap->stats.echo_responses++;
				break;
			default:
				ap_unexpected(ap, ev);
				break;
			}
			break;
		case CS_AP_CONFIGURE:
			switch (ev) {
			case CS_AP_E_CONFIG_STATUS_RESP:
				ap_on_config_status_resp(ap, ev, m);
				break;
			default:
				ap_unexpected(ap, ev);
				break;
			}
			break;
		case CS_AP_DATA_CHECK:
			switch (ev) {
			case CS_AP_E_CHANGE_STATE_RESP:
				ap_set_state(ap, CS_AP_RUN, ev, NULL, false);
				break;
			default:
				ap_unexpected(ap, ev);
				break;
			}
			break;
		default: /* CS_AP_RUN */
			switch (ev) {
			case CS_AP_E_T_ECHO:
				/* one outstanding request: skip this echo
				 * while another request is pending */
				if (ap->req == NULL) {
					ap->stats.echoes_sent++;
					cs_ap_request(ap, CS_MSG_ECHO_REQ,
					    cs_ap_build_echo_req);
				}
				cs_ap_arm(
				    ap, CS_AP_T_ECHO, ap->cfg.echo_interval_ms);
				break;
			case CS_AP_E_ECHO_RESP:
				ap->stats.echo_responses++;
				cs_ap_fo_alive(ap);
				cs_ap_run_kick(ap);
				break;
			case CS_AP_E_OTHER_RESP:
			case CS_AP_E_CHANGE_STATE_RESP:
				cs_ap_run_response(ap, m);
				break;
			case CS_AP_E_T_STATISTICS:
			case CS_AP_E_T_DECRYPT_REPORT:
				cs_ap_run_timer(ap, ev);
				break;
			case CS_AP_E_T_KEEPALIVE:
				ap_send_keepalive(ap);
				break;
			case CS_AP_E_KEEPALIVE:
				/* §4.4.1: cancel DataChannelDeadInterval and
				 * reset DataChannelKeepAlive */
				ap->stats.keepalives_received++;
				ap_cancel(ap, CS_AP_T_DATA_DEAD);
				cs_ap_arm(ap, CS_AP_T_KEEPALIVE,
				    ap->cfg.keepalive_ms);
				cs_ap_emit(ap, CS_AP_EV_MSG_RECEIVED, 0, 0, 0,
				    "data keep-alive");
				break;
			case CS_AP_E_DATA_DTLS_OK:
				ap->data_dtls_up = true;
				cs_ap_emit(ap, CS_AP_EV_INFO, 0, 0, 0,
				    "data channel DTLS established");
				break;
			case CS_AP_E_DATA_DTLS_FAIL:
				ap->td_graceful = true;
				ap_fail(ap, CS_AP_DTLS_TEARDOWN, ev,
				    "data channel DTLS: %s",
				    in != NULL && in->dtls != NULL &&
				            in->dtls->reason != NULL
				        ? in->dtls->reason
				        : "failed");
				break;
			case CS_AP_E_T_DATA_DEAD:
				ap->td_graceful = true;
				if (ap->use_data_dtls && !ap->data_dtls_up) {
					ap_fail(ap, CS_AP_DTLS_TEARDOWN, ev,
					    "data channel DTLS: handshake on "
					    "UDP %u not completed in %u s",
					    (unsigned)(ap->cfg.ac_port + 1),
					    (unsigned)(ap->cfg.data_dead_ms /
					        1000));
					break;
				}
				ap_fail(ap, CS_AP_DTLS_TEARDOWN, ev,
				    "data channel dead: no keep-alive from AC "
				    "for %u s (UDP %u blocked?)",
				    (unsigned)(ap->cfg.data_dead_ms / 1000),
				    (unsigned)(ap->cfg.ac_port + 1));
				break;
			case CS_AP_E_AC_REQ:
				ap_on_ac_request(ap, m);
				break;
			case CS_AP_E_IMAGE_DATA_REQ:
				/* a pre-download's block (ap_image.c) */
				ap_respond(ap, m, cs_ap_image_run_req(ap, m));
				cs_ap_run_kick(ap);
				break;
			case CS_AP_E_IMAGE_DATA_RESP:
				cs_ap_image_run_resp(ap, m);
				cs_ap_run_kick(ap);
				break;
			case CS_AP_E_T_IMAGE_DATA_START:
				cs_ap_image_run_timeout(ap);
				break;
			case CS_AP_E_RESET_REQ:
				ap_on_reset_req(ap, ev, m);
				break;
			default:
				ap_unexpected(ap, ev);
				break;
			}
			break;
		}
		break;
	case CS_AP_RESET:
		switch (ev) {
		case CS_AP_E_RESTART:
			/* §2.3.1 "s": Reset -> DTLS Teardown (DTLSShutdown) */
			ap_set_state(
			    ap, CS_AP_DTLS_TEARDOWN, ev, "CAPWAP Reset", false);
			break;
		default:
			ap_unexpected(ap, ev);
			break;
		}
		break;
	case CS_AP_DTLS_TEARDOWN:
		switch (ev) {
		case CS_AP_E_T_SESSION_DELETE:
			/* §2.3.1 "t"/"u" */
			if (ap->failed_dtls >= ap->cfg.max_failed_dtls)
				ap_set_state(
				    ap, CS_AP_SULKING, ev, NULL, false);
			else
				ap_set_state(ap, CS_AP_IDLE, ev, NULL, false);
			break;
		case CS_AP_E_DTLS_FAIL:
		case CS_AP_E_DTLS_OK:
			/* the glue reporting the session we already stop */
			break;
		default:
			ap_unexpected(ap, ev);
			break;
		}
		break;
	case CS_AP__COUNT:
		assert(!"not a state");
		break;
	}
}

void
cs_ap_run_pending(struct cs_ap *ap)
{
	/* a transient state posts at most one event; chains are short
	 * (Reset -> Teardown, Idle -> Discovery) */
	for (unsigned guard = 0; ap->has_pending && !ap->is_dead; guard++) {
		enum cs_ap_fsm_ev ev = ap->pending;

		assert(guard < 16);
		ap->has_pending = false;
		cs_ap_fsm(ap, ev, NULL);
	}
	ap->has_pending = false;
}

/* ---- input demultiplexing ---- */

static enum cs_ap_fsm_ev
ap_resp_event(uint32_t type)
{
	switch (type) {
	case CS_MSG_JOIN_RESP:
		return CS_AP_E_JOIN_RESP;
	case CS_MSG_CONFIG_STATUS_RESP:
		return CS_AP_E_CONFIG_STATUS_RESP;
	case CS_MSG_CHANGE_STATE_RESP:
		return CS_AP_E_CHANGE_STATE_RESP;
	case CS_MSG_ECHO_RESP:
		return CS_AP_E_ECHO_RESP;
	case CS_MSG_IMAGE_DATA_RESP:
		return CS_AP_E_IMAGE_DATA_RESP;
	default:
		return CS_AP_E_OTHER_RESP;
	}
}

static int
ap_rx_response(struct cs_ap *ap, const struct cs_msg *m)
{
	char why[128];
	struct cs_ap_in in = { .msg = m };
	uint32_t type = m->ctl.type;

	if (!(ap_allowed[ap->state] & cs_msg_bit(type))) {
		snprintf(why, sizeof(why), "%s not expected in state %s",
		    cs_msg_type_name(type), cs_ap_state_name(ap->state));
		ap_drop(ap, type, m->ctl.seq, why);
		return -EPROTO;
	}
	if (ap->req == NULL || type != ap->req_type + 1) {
		ap_drop(ap, type, m->ctl.seq,
		    "no matching request outstanding (duplicate or late "
		    "response)");
		return -EPROTO;
	}
	if (m->ctl.seq != ap->req_seq) {
		snprintf(why, sizeof(why), "sequence %u, expected %u",
		    m->ctl.seq, ap->req_seq);
		ap_drop(ap, type, m->ctl.seq, why);
		return -EPROTO;
	}
	if (type == CS_MSG_ECHO_RESP)
		ap->stats.last_echo_rtt_ms =
		    (uint32_t)(ap->now_ms - ap->req_sent_ms);
	ap_clear_request(ap);
	if (m->n_unknown > 0) {
		/* RFC 5415 §4.5.1.5 says discard; we accept the response so
		 * that vendor extensions do not break joins, and say so */
		snprintf(why, sizeof(why),
		    "%u unrecognized element(s) ignored, first type %u",
		    m->n_unknown, m->first_unknown);
		cs_ap_emit(
		    ap, CS_AP_EV_INFO, type, m->ctl.seq, m->n_unknown, why);
	}
	cs_ap_emit(ap, CS_AP_EV_MSG_RECEIVED, type, m->ctl.seq,
	    type == CS_MSG_ECHO_RESP ? ap->stats.last_echo_rtt_ms : 0, NULL);
	cs_ap_fsm(ap, ap_resp_event(type), &in);
	return 0;
}

static int
ap_rx_request(struct cs_ap *ap, const struct cs_msg *m)
{
	struct cs_ap_in in = { .msg = m };
	uint32_t type = m->ctl.type;
	uint16_t missing;

	/* RFC 5415 §4.5.3: duplicate -> cached answer, older -> ignore */
	if (ap->has_last_ac) {
		if (m->ctl.seq == ap->last_ac_seq && type == ap->last_ac_type) {
			ap_drop(ap, type, m->ctl.seq,
			    "duplicate request: cached response resent");
			ap_respond(ap, m, ap->last_ac_result);
			return 0;
		}
		if (cs_ap_seq_older(m->ctl.seq, ap->last_ac_seq)) {
			ap_drop(ap, type, m->ctl.seq, "older request ignored");
			return -EPROTO;
		}
	}
	if (!ap_known_ac_request(type)) {
		/* §4.5.1.1: unknown odd type -> type+1, Result Code 19 */
		ap_drop(ap, type, m->ctl.seq, "unrecognized request");
		ap_respond(ap, m, CS_RC_MSG_UNEXPECTED_UNRECOGNIZED);
		return -EPROTO;
	}
	if (!(ap_allowed[ap->state] & cs_msg_bit(type))) {
		ap_drop(ap, type, m->ctl.seq, "request invalid in this state");
		ap_respond(ap, m, CS_RC_MSG_UNEXPECTED_STATE);
		return -EPROTO;
	}
	if (cs_msg_missing(m, ap->cfg.msg_flags, &missing) == 1) {
		ap_drop(ap, type, m->ctl.seq, "missing mandatory element");
		ap_respond(ap, m, CS_RC_FAIL_MISSING_ELEM);
		return -EPROTO;
	}
	if (m->n_unknown > 0) {
		ap_drop(ap, type, m->ctl.seq, "unrecognized element");
		ap_respond(ap, m, CS_RC_FAIL_UNRECOGNIZED_ELEM);
		return -EPROTO;
	}
	cs_ap_emit(ap, CS_AP_EV_MSG_RECEIVED, type, m->ctl.seq, 0, NULL);
	if (type == CS_MSG_RESET_REQ)
		cs_ap_fsm(ap, CS_AP_E_RESET_REQ, &in);
	else if (type == CS_MSG_IMAGE_DATA_REQ)
		cs_ap_fsm(ap, CS_AP_E_IMAGE_DATA_REQ, &in);
	else
		cs_ap_fsm(ap, CS_AP_E_AC_REQ, &in);
	return 0;
}

int
cs_ap_rx_secure(struct cs_ap *ap, const uint8_t *pkt, size_t len)
{
	struct cs_msg m;
	struct cs_err err = { 0 };
	char why[160];
	int r;

	if (!ap_has_session(ap->state)) {
		ap_drop(ap, 0, 0, "control message without a DTLS session");
		return -EPROTO;
	}
	if ((r = cs_msg_decode(&m, pkt, len, ap->cfg.msg_flags, &err)) < 0) {
		snprintf(why, sizeof(why), "malformed: %s at offset %zu",
		    err.what ? err.what : "?", err.offset);
		ap_drop(ap, 0, 0, why);
		return -EBADMSG;
	}
	if (m.ctl.type == CS_MSG_DISCOVERY_RESP ||
	    m.ctl.type == CS_MSG_DISCOVERY_REQ) {
		ap_drop(ap, m.ctl.type, m.ctl.seq,
		    "discovery message inside the DTLS session");
		return -EPROTO;
	}
	if (cs_msg_type_is_request(m.ctl.type))
		return ap_rx_request(ap, &m);
	return ap_rx_response(ap, &m);
}

int
cs_ap_rx_clear(struct cs_ap *ap, enum cs_chan ch, uint32_t src_ip,
    const uint8_t *pkt, size_t len)
{
	struct cs_msg m;
	struct cs_err err = { 0 };
	struct cs_ap_in in = { .msg = &m, .src_ip = src_ip };
	char why[160];
	uint16_t missing;
	int r;

	if (ch == CS_CHAN_DATA) {
		if (ap->state != CS_AP_RUN) {
			ap_drop(ap, 0, 0, "data packet outside Run");
			return -EPROTO;
		}
		if (src_ip != ap->ac_ip) {
			ap_drop(ap, 0, 0, "data packet from another address");
			return -EPROTO;
		}
		r = cs_ap_check_keepalive(ap, pkt, len);
		if (r < 0) {
			ap_drop(ap, 0, 0,
			    r == -EPROTO ? "keep-alive for another session"
			                 : "malformed data packet");
			return r;
		}
		cs_ap_fsm(ap, CS_AP_E_KEEPALIVE, &in);
		return 0;
	}
	if ((r = cs_msg_decode(&m, pkt, len, ap->cfg.msg_flags, &err)) < 0) {
		snprintf(why, sizeof(why), "malformed: %s at offset %zu",
		    err.what ? err.what : "?", err.offset);
		ap_drop(ap, 0, 0, why);
		return -EBADMSG;
	}
	/* RFC 5415 §5.4: the answer to our Primary Discovery Request */
	if (m.ctl.type == CS_MSG_PRIMARY_DISCOVERY_RESP && ap->pd_sent &&
	    ap->state == CS_AP_RUN && m.ctl.seq == ap->pd_seq &&
	    src_ip == ap->ac_ip) {
		ap->pd_sent = false;
		cs_ap_emit(ap, CS_AP_EV_MSG_RECEIVED, m.ctl.type, m.ctl.seq,
		    src_ip, NULL);
		return 0;
	}
	/* RFC 5415 §4.1: only Discovery messages travel in the clear */
	if (m.ctl.type != CS_MSG_DISCOVERY_RESP) {
		ap_drop(ap, m.ctl.type, m.ctl.seq,
		    "clear control message other than Discovery Response");
		return -EPROTO;
	}
	if (!(ap_allowed[ap->state] & cs_msg_bit(m.ctl.type))) {
		snprintf(why, sizeof(why), "Discovery Response in state %s",
		    cs_ap_state_name(ap->state));
		ap_drop(ap, m.ctl.type, m.ctl.seq, why);
		return -EPROTO;
	}
	if (ap->discovery_count == 0 || m.ctl.seq != ap->disc_seq) {
		snprintf(why, sizeof(why), "sequence %u, expected %u",
		    m.ctl.seq, ap->disc_seq);
		ap_drop(ap, m.ctl.type, m.ctl.seq, why);
		return -EPROTO;
	}
	if (cs_msg_missing(&m, ap->cfg.msg_flags, &missing) == 1) {
		snprintf(why, sizeof(why), "lacks mandatory element %s (%u)",
		    cs_elem_name(missing), missing);
		ap_drop(ap, m.ctl.type, m.ctl.seq, why);
		return -EPROTO;
	}
	cs_ap_fsm(ap, CS_AP_E_DISCOVERY_RESP, &in);
	return 0;
}
