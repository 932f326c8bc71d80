/* SPDX-License-Identifier: MIT */
/*
 * The mock WLC's side of Run beyond echoes (RFC 5415 §8.4-§9.6): WTP Event
 * Requests validated element by element and answered, Data Transfer data
 * received, the WTP Reboot Statistics of every (re)join kept per AP, and
 * the requests an operator or a scenario makes the controller send:
 * Configuration Update, Reset, Clear Configuration and Data Transfer.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "wlc-internal.h"

static const char *const cmd_names[] = {
	[CS_WLC_CMD_CONFIG_UPDATE] = "config-update",
	[CS_WLC_CMD_RESET] = "reset",
	[CS_WLC_CMD_CLEAR_CONFIG] = "clear-config",
	[CS_WLC_CMD_DATA_TRANSFER] = "data-transfer",
};
_Static_assert(CS_ARRAY_SIZE(cmd_names) == CS_WLC_CMD__COUNT,
    "cmd_names[] out of sync with enum cs_wlc_cmd_kind");

/* The request each command sends (RFC 5415 §4.5.1.1). */
static const uint32_t cmd_msg[] = {
	[CS_WLC_CMD_CONFIG_UPDATE] = CS_MSG_CONFIG_UPDATE_REQ,
	[CS_WLC_CMD_RESET] = CS_MSG_RESET_REQ,
	[CS_WLC_CMD_CLEAR_CONFIG] = CS_MSG_CLEAR_CONFIG_REQ,
	[CS_WLC_CMD_DATA_TRANSFER] = CS_MSG_DATA_TRANSFER_REQ,
};
_Static_assert(CS_ARRAY_SIZE(cmd_msg) == CS_WLC_CMD__COUNT,
    "cmd_msg[] out of sync with enum cs_wlc_cmd_kind");

static const char *const msg_slot_names[] = {
	[0] = "other",
	[CS_MSG_DISCOVERY_REQ] = "discovery_request",
	[CS_MSG_DISCOVERY_RESP] = "discovery_response",
	[CS_MSG_JOIN_REQ] = "join_request",
	[CS_MSG_JOIN_RESP] = "join_response",
	[CS_MSG_CONFIG_STATUS_REQ] = "configuration_status_request",
	[CS_MSG_CONFIG_STATUS_RESP] = "configuration_status_response",
	[CS_MSG_CONFIG_UPDATE_REQ] = "configuration_update_request",
	[CS_MSG_CONFIG_UPDATE_RESP] = "configuration_update_response",
	[CS_MSG_WTP_EVENT_REQ] = "wtp_event_request",
	[CS_MSG_WTP_EVENT_RESP] = "wtp_event_response",
	[CS_MSG_CHANGE_STATE_REQ] = "change_state_event_request",
	[CS_MSG_CHANGE_STATE_RESP] = "change_state_event_response",
	[CS_MSG_ECHO_REQ] = "echo_request",
	[CS_MSG_ECHO_RESP] = "echo_response",
	[CS_MSG_IMAGE_DATA_REQ] = "image_data_request",
	[CS_MSG_IMAGE_DATA_RESP] = "image_data_response",
	[CS_MSG_RESET_REQ] = "reset_request",
	[CS_MSG_RESET_RESP] = "reset_response",
	[CS_MSG_PRIMARY_DISCOVERY_REQ] = "primary_discovery_request",
	[CS_MSG_PRIMARY_DISCOVERY_RESP] = "primary_discovery_response",
	[CS_MSG_DATA_TRANSFER_REQ] = "data_transfer_request",
	[CS_MSG_DATA_TRANSFER_RESP] = "data_transfer_response",
	[CS_MSG_CLEAR_CONFIG_REQ] = "clear_configuration_request",
	[CS_MSG_CLEAR_CONFIG_RESP] = "clear_configuration_response",
	[CS_MSG_STATION_CONFIG_REQ] = "station_configuration_request",
	[CS_MSG_STATION_CONFIG_RESP] = "station_configuration_response",
};
_Static_assert(CS_ARRAY_SIZE(msg_slot_names) == CS_WLC_MSG_SLOTS,
    "msg_slot_names[] out of sync with CS_WLC_MSG_SLOTS");

const char *
cs_wlc_msg_slot_name(unsigned t)
{
	return t < CS_WLC_MSG_SLOTS ? msg_slot_names[t] : NULL;
}

const char *
cs_wlc_cmd_name(enum cs_wlc_cmd_kind k)
{
	return (unsigned)k < CS_WLC_CMD__COUNT ? cmd_names[k] : NULL;
}

static const char *
run_mac(const struct cs_wlc_sess *s, char buf[18])
{
	if (!s->has_mac)
		return "??:??:??:??:??:??";
	cs_wlc_fmt_mac(s->mac, buf, 18);
	return buf;
}

static void
run_begin(struct cs_msgb *b, struct cs_wr *wr, uint8_t *buf, size_t cap,
    uint32_t type, uint8_t seq)
{
	struct cs_capwap_hdr h;

	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(wr, buf, cap);
	cs_msgb_begin(b, wr, &h, type, seq);
}

/* One report element of a WTP Event Request, decoded and checked against
 * the session (radio IDs it announced at join, RFC 5416 §6.25).  0, or a
 * negative errno when the value is bad. */
static int
run_event_elem(struct cs_wlc_sess *s, struct cs_wlc_ap_stats *st,
    const struct cs_elem *e, bool *has_report)
{
	struct cs_wlc *w = s->w;
	char mb[18], ip[16], why[160];
	int r = 0;

	switch (e->type) {
	case CS_EL_RADIO_STATS: {
		struct cs_el_radio_stats v;

		r = cs_el_get_radio_stats(e, &v, NULL);
		*has_report = true;
		break;
	}
	case CS_EL_80211_STATISTICS: {
		struct cs_el_80211_statistics v;

		r = cs_el_get_80211_statistics(e, &v, NULL);
		*has_report = true;
		break;
	}
	case CS_EL_DECRYPT_ERR_REPORT: {
		struct cs_el_decrypt_err_report v;

		if ((r = cs_el_get_decrypt_err_report(e, &v, NULL)) == 0 &&
		    st != NULL)
			st->decrypt_errors += v.n;
		*has_report = true;
		break;
	}
	case CS_EL_DELETE_STATION: {
		struct cs_el_delete_station v;

		if ((r = cs_el_get_delete_station(e, &v, NULL)) == 0 &&
		    st != NULL)
			st->stations_deleted++;
		*has_report = true;
		break;
	}
	case CS_EL_DUPLICATE_IPV4: {
		struct cs_el_duplicate_ipv4 v;
		char om[18];

		if ((r = cs_el_get_duplicate_ipv4(e, &v, NULL)) < 0)
			break;
		*has_report = true;
		if (st != NULL)
			st->duplicate_ip = v.status == CS_DUP_DETECTED;
		cs_wlc_fmt_ip(v.addr, ip, sizeof(ip));
		if (v.mac_len == 6)
			cs_wlc_fmt_mac(v.mac, om, sizeof(om));
		else
			snprintf(om, sizeof(om), "EUI-64");
		snprintf(why, sizeof(why),
		    "AP %s: duplicate IP address %s %s (other device %s)",
		    run_mac(s, mb), ip,
		    v.status == CS_DUP_DETECTED ? "detected" : "cleared", om);
		cs_logf(&w->cfg.log, CS_LOG_WARN, "%s", why);
		break;
	}
	case CS_EL_REBOOT_STATS: {
		struct cs_el_reboot_stats v;

		if ((r = cs_el_get_reboot_stats(e, &v, NULL)) == 0 &&
		    st != NULL) {
			st->has_reboot = true;
			st->reboot_count = v.reboot_count;
			st->reboot_ac_initiated = v.ac_initiated_count;
			st->reboot_link_failures = v.link_failure_count;
			st->reboot_last_type = v.last_failure_type;
		}
		*has_report = true;
		break;
	}
	default:
		/* Vendor Specific Payloads and 802.11 binding reports (RSNA
		 * Error Report, MIC Countermeasures, Radio Fail Alarm) are
		 * accepted unread; the table already placed them */
		if (e->type == CS_EL_VENDOR_PAYLOAD ||
		    (e->type >= 1024 && e->type <= 2047))
			*has_report = true;
		break;
	}
	if (r == 0)
		return 0;
	/* the Radio ID names a radio the AP never announced */
	return r;
}

/* Answers with Result Code and, for a bad value, the element returned
 * (RFC 5415 §4.5.1.5, §4.6.36 reason 3 "Unknown Message Element Value"). */
static void
run_respond_error(struct cs_wlc_sess *s, const struct cs_msg *m, uint32_t code,
    const struct cs_elem *bad, uint64_t now_ms)
{
	struct cs_el_result_code rc = { .code = code };
	struct cs_msgb b;
	struct cs_wr wr;
	uint8_t out[512];

	run_begin(&b, &wr, out, sizeof(out), m->ctl.type + 1, m->ctl.seq);
	cs_el_put_result_code(&wr, &rc);
	if (bad != NULL && (size_t)bad->len + CS_ELEM_HDR_LEN <= 255) {
		struct cs_el_returned_elem re = {
			.reason = CS_RET_UNKNOWN_VALUE,
			.len = (uint8_t)(bad->len + CS_ELEM_HDR_LEN),
			.elem = bad->val - CS_ELEM_HDR_LEN,
		};

		cs_el_put_returned_elem(&wr, &re);
	}
	if (cs_msgb_end(&b) == 0)
		cs_wlc_fsm_respond(s, out, wr.len, m->ctl.type + 1, now_ms);
}

void
cs_wlc_run_event(struct cs_wlc_sess *s, const struct cs_msg *m, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	struct cs_wlc_ap_stats *st = cs_wlc_fsm_stats(s);
	bool has_report = false;
	char mb[18];
	struct cs_msgb b;
	struct cs_wr wr;
	uint8_t out[64];

	w->ctr.wtp_events++;
	if (st != NULL)
		st->wtp_events++;
	for (unsigned i = 0; i < m->n_elems; i++) {
		const struct cs_elem *e = &m->elems[i];

		if (run_event_elem(s, st, e, &has_report) < 0) {
			w->ctr.wtp_events_bad++;
			cs_logf(&w->cfg.log, CS_LOG_WARN,
			    "AP %s: WTP Event Request: malformed %s (%u) at "
			    "offset %zu: result code 21",
			    run_mac(s, mb), cs_elem_name(e->type), e->type,
			    e->off);
			run_respond_error(
			    s, m, CS_RC_FAIL_UNRECOGNIZED_ELEM, e, now_ms);
			return;
		}
	}
	if (!has_report) {
		/* §9.4: "MUST contain one of the message elements listed";
		 * cs_msg_missing let only unknown elements through */
		w->ctr.wtp_events_bad++;
		run_respond_error(s, m, CS_RC_FAIL_MISSING_ELEM, NULL, now_ms);
		return;
	}
	/* §9.5: a successful WTP Event Response carries no Result Code
	 * (Cisco APs also refuse one, capwap-facts §4.2) */
	run_begin(&b, &wr, out, sizeof(out), CS_MSG_WTP_EVENT_RESP, m->ctl.seq);
	if (cs_msgb_end(&b) == 0)
		cs_wlc_fsm_respond(
		    s, out, wr.len, CS_MSG_WTP_EVENT_RESP, now_ms);
}

void
cs_wlc_run_data_transfer(
    struct cs_wlc_sess *s, const struct cs_msg *m, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	struct cs_wlc_ap_stats *st = cs_wlc_fsm_stats(s);
	const struct cs_elem *e = cs_msg_find(m, CS_EL_DATA_TRANSFER_DATA, 0);
	struct cs_el_data_transfer_data d;
	struct cs_el_result_code rc = { .code = CS_RC_SUCCESS };
	struct cs_msgb b;
	struct cs_wr wr;
	uint8_t out[64];
	char mb[18];

	/* §9.6.1: from the WTP the request carries Data Transfer Data; a
	 * Data Transfer Mode is the AC's own request, not the WTP's */
	if (e == NULL) {
		run_respond_error(s, m, CS_RC_FAIL_MISSING_ELEM, NULL, now_ms);
		return;
	}
	if (cs_el_get_data_transfer_data(e, &d, NULL) < 0 ||
	    (d.data_type != CS_DT_TYPE_DATA && d.data_type != CS_DT_TYPE_EOF &&
	        d.data_type != CS_DT_TYPE_ERROR) ||
	    (d.data_mode != CS_DT_MODE_CRASH &&
	        d.data_mode != CS_DT_MODE_DUMP)) {
		run_respond_error(
		    s, m, CS_RC_FAIL_UNRECOGNIZED_ELEM, e, now_ms);
		return;
	}
	w->ctr.data_transfer_bytes += d.len;
	if (st != NULL)
		st->data_transfer_bytes += d.len;
	if (d.data_type != CS_DT_TYPE_DATA)
		cs_logf(&w->cfg.log, CS_LOG_INFO,
		    "AP %s: %s upload %s (%u bytes in all)", run_mac(s, mb),
		    d.data_mode == CS_DT_MODE_CRASH ? "crash data"
		                                    : "memory dump",
		    d.data_type == CS_DT_TYPE_EOF ? "complete"
		                                  : "aborted by the AP",
		    st != NULL ? st->data_transfer_bytes : d.len);
	run_begin(
	    &b, &wr, out, sizeof(out), CS_MSG_DATA_TRANSFER_RESP, m->ctl.seq);
	cs_el_put_result_code(&wr, &rc);
	if (cs_msgb_end(&b) == 0)
		cs_wlc_fsm_respond(
		    s, out, wr.len, CS_MSG_DATA_TRANSFER_RESP, now_ms);
}

void
cs_wlc_run_config_status(struct cs_wlc_sess *s, const struct cs_msg *m)
{
	struct cs_wlc_ap_stats *st = cs_wlc_fsm_stats(s);
	struct cs_el_reboot_stats v;

	/* §8.2: WTP Reboot Statistics is mandatory; cs_msg_missing checked
	 * it is there, its value may still be malformed */
	if (st == NULL ||
	    cs_el_get_reboot_stats(
	        cs_msg_find(m, CS_EL_REBOOT_STATS, 0), &v, NULL) < 0)
		return;
	/* 65535: "not available on the WTP" (§4.6.47) */
	if (st->has_reboot && v.ac_initiated_count != 65535 &&
	    st->reboot_ac_initiated != 65535 &&
	    v.ac_initiated_count > st->reboot_ac_initiated)
		s->w->ctr.reboots_reported +=
		    v.ac_initiated_count - st->reboot_ac_initiated;
	st->has_reboot = true;
	st->reboot_count = v.reboot_count;
	st->reboot_ac_initiated = v.ac_initiated_count;
	st->reboot_link_failures = v.link_failure_count;
	st->reboot_last_type = v.last_failure_type;
}

/* Configuration Update Request (§8.4) with what the command sets. */
static void
run_put_config_update(
    struct cs_wlc_sess *s, const struct cs_wlc_cmd *c, struct cs_wr *wr)
{
	const struct cs_wlc_cfg *cfg = &s->w->cfg;

	for (unsigned i = 0; i < c->n_acs && i < CS_WLC_CMD_MAX_ACS; i++) {
		struct cs_el_ac_name_prio np = { .priority = (uint8_t)(i + 1),
			.name = { c->acs[i], strlen(c->acs[i]) } };

		cs_el_put_ac_name_prio(wr, &np);
	}
	if (c->echo_interval_s != 0 || c->discovery_interval_s != 0) {
		struct cs_el_timers t = {
			.discovery = c->discovery_interval_s != 0
			    ? c->discovery_interval_s
			    : cfg->discovery_interval_s,
			.echo_request = c->echo_interval_s != 0
			    ? c->echo_interval_s
			    : cfg->echo_interval_s,
		};

		cs_el_put_timers(wr, &t);
	}
	if (c->has_statistics_timer) {
		struct cs_el_stats_timer st = { .interval =
			                            c->statistics_timer_s };

		cs_el_put_stats_timer(wr, &st);
	}
	if (c->radio_admin != 0) {
		struct cs_el_radio_admin_state as = { .radio_id = c->radio_id,
			.admin_state = c->radio_admin };

		cs_el_put_radio_admin_state(wr, &as);
	}
	if (c->image_id != NULL) {
		struct cs_el_image_id id = { .vendor = cfg->vendor_id,
			.data = (const uint8_t *)c->image_id,
			.len = strlen(c->image_id) };

		cs_el_put_image_id(wr, &id);
	}
}

int
cs_wlc_run_command(
    struct cs_wlc_sess *s, const struct cs_wlc_cmd *c, uint64_t now_ms)
{
	struct cs_wlc_ap_stats *st = cs_wlc_fsm_stats(s);
	uint32_t type;
	struct cs_msgb b;
	struct cs_wr wr;
	uint8_t out[2048];
	uint8_t seq;
	int r;

	if (c->kind == CS_WLC_CMD_RESET)
		/* §9.2, with the controller's Image Identifier */
		return cs_wlc_fsm_reset(s, now_ms);
	if (c->kind == CS_WLC_CMD_DATA_TRANSFER &&
	    c->dt_mode != CS_DT_MODE_CRASH && c->dt_mode != CS_DT_MODE_DUMP)
		return -EINVAL;
	type = cmd_msg[c->kind];
	seq = s->next_seq++;
	run_begin(&b, &wr, out, sizeof(out), type, seq);
	switch (c->kind) {
	case CS_WLC_CMD_CONFIG_UPDATE:
		run_put_config_update(s, c, &wr);
		break;
	case CS_WLC_CMD_DATA_TRANSFER: {
		struct cs_el_data_transfer_mode md = { .mode = c->dt_mode };

		cs_el_put_data_transfer_mode(&wr, &md);
		break;
	}
	default: /* Clear Configuration Request: no elements (§8.7) */
		break;
	}
	if ((r = cs_msgb_end(&b)) != 0)
		return cs_log_err(&s->w->cfg.log, r, "cannot build %s",
		    cs_msg_type_name(type));
	if ((r = cs_wlc_fsm_send_request(s, out, wr.len, type, seq, now_ms)) <
	    0)
		return r;
	if (st != NULL) {
		st->last_command_type = type;
		if (c->kind == CS_WLC_CMD_CONFIG_UPDATE)
			st->config_updates++;
		else if (c->kind == CS_WLC_CMD_CLEAR_CONFIG)
			st->clear_configs++;
		else
			st->data_transfer_reqs++;
	}
	return 0;
}

void
cs_wlc_run_ac_resp(
    struct cs_wlc_sess *s, const struct cs_msg *m, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	struct cs_wlc_ap_stats *st = cs_wlc_fsm_stats(s);
	struct cs_el_result_code rc;
	char mb[18];

	if (m->ctl.type == CS_MSG_STATION_CONFIG_RESP ||
	    m->ctl.type == CS_MSG_WLAN_CONFIG_RESP) {
		cs_wlc_cl_resp(s, m, now_ms); /* the clients' (wlc_cl.c) */
		return;
	}
	cs_wlc_fsm_request_done(s);
	cs_wlc_cl_kick(s, now_ms);
	/* §8.5, §8.8, §9.6.2: Result Code is mandatory; cs_msg_missing let
	 * the response through only with one (malformed: counted as 1) */
	if (cs_el_get_result_code(
	        cs_msg_find(m, CS_EL_RESULT_CODE, 0), &rc, NULL) < 0)
		rc.code = CS_RC_FAILURE_AC_LIST;
	if (st != NULL)
		st->last_command_result = rc.code;
	if (rc.code != CS_RC_SUCCESS)
		cs_logf(&w->cfg.log, CS_LOG_WARN,
		    "AP %s: %s: result code %u (%s)", run_mac(s, mb),
		    cs_msg_type_name(m->ctl.type), rc.code,
		    cs_result_code_name(rc.code));
}
