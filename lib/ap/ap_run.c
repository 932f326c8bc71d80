/* SPDX-License-Identifier: MIT */
/*
 * What an AP does in Run besides echoes and keep-alives (RFC 5415 §2.3.1
 * transition "q"): WTP Event Requests at the StatisticsTimer and the
 * ReportInterval (§9.4, §4.7.11, §4.7.14), Configuration Update and Clear
 * Configuration Requests from the AC (§8.4-§8.7), Data Transfer uploads
 * (§9.6), and the reboot and radio statistics a WTP keeps in non-volatile
 * memory (§4.9), so they survive a Reset and the rejoin after it.  The FSM
 * (ap_fsm.c) calls in here from a few hooks; one request is outstanding
 * at a time (§4.5.3), so reports wait for the slot.
 */
#include "ap-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/cursor.h"

/* §4.6.46: "noise floor of the radio receiver in dBm": a quiet lab. */
#define CS_AP_NOISE_FLOOR_DBM (-95)

static void
run_clear_prio(struct cs_ap_run *r)
{
	for (unsigned i = 0; i < CS_AP_MAX_TARGETS; i++) {
		free(r->ac_prio_name[i]);
		r->ac_prio_name[i] = NULL;
	}
	r->n_ac_prio = 0;
}

static void
run_clear_cfg(struct cs_ap_run *r)
{
	run_clear_prio(r);
	free(r->staged_image);
	r->staged_image = NULL;
	r->has_static_ip = false;
	memset(&r->static_ip, 0, sizeof(r->static_ip));
	memset(r->admin, 0, sizeof(r->admin));
}

static void
run_dt_clear(struct cs_ap_run *r)
{
	free(r->dt_data);
	r->dt_data = NULL;
	r->dt_len = r->dt_off = 0;
	r->dt_mode = 0;
	r->dt_eof_sent = false;
}

void
cs_ap_run_free(struct cs_ap *ap)
{
	run_clear_cfg(&ap->run);
	run_dt_clear(&ap->run);
}

static uint64_t
run_stats_ms(const struct cs_ap *ap)
{
	return (uint64_t)ap->cfg.statistics_timer_s * 1000u;
}

void
cs_ap_run_enter(struct cs_ap *ap)
{
	struct cs_ap_run *r = &ap->run;

	for (uint8_t i = 0; i < ap->cfg.radio_count; i++)
		r->radio[i].noise_floor = CS_AP_NOISE_FLOOR_DBM;
	r->due = r->sending = 0;
	/* a Statistics Timer of 0 switches the periodic reports off */
	if (ap->cfg.statistics_timer_s != 0)
		cs_ap_arm(ap, CS_AP_T_STATISTICS, run_stats_ms(ap));
	if (r->report_interval_s != 0)
		cs_ap_arm(ap, CS_AP_T_DECRYPT_REPORT,
		    (uint64_t)r->report_interval_s * 1000u);
	/* a Duplicate IPv4 Address still detected is reported again on a
	 * new session (the AC forgot it) */
	if (r->dup_detected)
		r->due |= CS_AP_RPT_DUP_IP;
	cs_ap_run_kick(ap);
}

void
cs_ap_run_leave(struct cs_ap *ap, enum cs_ap_state to)
{
	struct cs_ap_run *r = &ap->run;

	/* §4.6.47 Link Failure Count: the connection with the AC failed
	 * (echoes or keep-alives unanswered, DTLS lost); a Reset is counted
	 * in cs_ap_run_reset */
	if (to == CS_AP_DTLS_TEARDOWN) {
		r->reboot.link_failure_count++;
		r->reboot.last_failure_type = CS_REBOOT_LINK_FAILURE;
	}
	r->due = r->sending = 0;
	run_dt_clear(r);
}

void
cs_ap_run_reset(struct cs_ap *ap)
{
	struct cs_ap_run *r = &ap->run;

	/* §4.6.47 AC Initiated Count and Last Failure Type 1 (§9.2) */
	r->reboot.ac_initiated_count++;
	r->reboot.last_failure_type = CS_REBOOT_AC_INITIATED;
	ap->stats.resets++;
	if (r->staged_image != NULL) {
		/* §9.1.1: a staged image runs after the reset */
		free(ap->sw_version);
		ap->sw_version = r->staged_image;
		r->staged_image = NULL;
	}
}

void
cs_ap_run_config_status(struct cs_ap *ap, const struct cs_msg *m)
{
	struct cs_ap_run *r = &ap->run;
	uint16_t min = 0;

	/* §8.3 / §4.6.18: one Decryption Error Report Period per radio; one
	 * ReportInterval timer runs at the shortest */
	for (unsigned i = 0; i < cs_msg_count(m, CS_EL_DECRYPT_ERR_PERIOD);
	     i++) {
		struct cs_el_decrypt_err_period p;

		if (cs_el_get_decrypt_err_period(
		        cs_msg_find(m, CS_EL_DECRYPT_ERR_PERIOD, i), &p,
		        NULL) == 0 &&
		    p.report_interval != 0 &&
		    (min == 0 || p.report_interval < min))
			min = p.report_interval;
	}
	if (min != 0)
		r->report_interval_s = min;
}

/* Sends what is due, if the request slot is free: a Data Transfer chunk
 * first (the AC asked for it), then one WTP Event Request with every
 * report due. */
void
cs_ap_run_kick(struct cs_ap *ap)
{
	struct cs_ap_run *r = &ap->run;

	if (ap->state != CS_AP_RUN || ap->req != NULL || ap->is_dead)
		return;
	if (cs_ap_image_kick(ap)) /* a pre-download (ap_image.c) */
		return;
	if (r->dt_mode != 0 && !r->dt_eof_sent) {
		if (cs_ap_request(ap, CS_MSG_DATA_TRANSFER_REQ,
		        cs_ap_build_data_transfer_req) == 0) {
			r->dt_sent++;
			ap->stats.data_transfers++;
		}
		return;
	}
	if (r->due == 0)
		return;
	r->sending = r->due;
	if (cs_ap_request(ap, CS_MSG_WTP_EVENT_REQ, cs_ap_build_wtp_event_req) <
	    0) {
		r->sending = 0;
		return;
	}
	/* what left is no longer due; new observations start over */
	r->due &= ~r->sending;
	if (r->sending & CS_AP_RPT_DECRYPT)
		memset(r->n_decrypt, 0, sizeof(r->n_decrypt));
	if (r->sending & CS_AP_RPT_DEL_STA)
		r->n_del_sta = 0;
	r->events_sent++;
	ap->stats.events_sent++;
}

void
cs_ap_run_response(struct cs_ap *ap, const struct cs_msg *m)
{
	struct cs_ap_run *r = &ap->run;
	struct cs_el_result_code rc = { .code = CS_RC_SUCCESS };
	const struct cs_elem *e;

	if (m == NULL)
		return;
	e = cs_msg_find(m, CS_EL_RESULT_CODE, 0);
	if (e != NULL)
		(void)cs_el_get_result_code(e, &rc, NULL);
	switch (m->ctl.type) {
	case CS_MSG_WTP_EVENT_RESP:
		/* §9.5 carries no Result Code; one on an error (§4.5.1.5) is
		 * logged, the reports are not resent */
		r->events_answered++;
		if (rc.code != CS_RC_SUCCESS)
			cs_ap_emit(ap, CS_AP_EV_INFO, m->ctl.type, m->ctl.seq,
			    rc.code, "controller refused a WTP Event Request");
		r->sending = 0;
		break;
	case CS_MSG_DATA_TRANSFER_RESP: {
		size_t n = r->dt_len - r->dt_off;

		if (r->dt_mode == 0)
			break;
		if (rc.code != CS_RC_SUCCESS) {
			/* §9.6.2: the AC refused the data; stop */
			cs_ap_emit(ap, CS_AP_EV_INFO, m->ctl.type, m->ctl.seq,
			    rc.code, "controller refused Data Transfer data");
			run_dt_clear(r);
			break;
		}
		r->dt_off += n > CS_AP_DT_CHUNK ? CS_AP_DT_CHUNK : n;
		if (r->dt_off >= r->dt_len) {
			cs_ap_emit(ap, CS_AP_EV_INFO, m->ctl.type, m->ctl.seq,
			    (uint32_t)r->dt_len, "Data Transfer complete");
			run_dt_clear(r);
		}
		break;
	}
	default:
		break;
	}
	cs_ap_run_kick(ap);
}

void
cs_ap_run_timer(struct cs_ap *ap, enum cs_ap_fsm_ev ev)
{
	struct cs_ap_run *r = &ap->run;

	if (ev == CS_AP_E_T_STATISTICS) {
		r->due |= CS_AP_RPT_STATS;
		if (ap->cfg.statistics_timer_s != 0)
			cs_ap_arm(ap, CS_AP_T_STATISTICS, run_stats_ms(ap));
	} else {
		/* §4.6.17: errors since the last report; nothing to say
		 * without any */
		for (uint8_t i = 0; i < ap->cfg.radio_count; i++)
			if (r->n_decrypt[i] != 0)
				r->due |= CS_AP_RPT_DECRYPT;
		if (r->report_interval_s != 0)
			cs_ap_arm(ap, CS_AP_T_DECRYPT_REPORT,
			    (uint64_t)r->report_interval_s * 1000u);
	}
	cs_ap_run_kick(ap);
}

/* ---- observations (reported in the next WTP Event Request) ---- */

int
cs_ap_run_note_decrypt_error(
    struct cs_ap *ap, uint8_t radio_idx, const uint8_t mac[6])
{
	struct cs_ap_run *r = &ap->run;
	uint8_t n;

	if (radio_idx >= ap->cfg.radio_count || mac == NULL)
		return -EINVAL;
	/* every error counts (RFC 5416 §6.16); each station is named once
	 * per report (§4.6.17) */
	r->wlan[radio_idx][CS_80211_ST_DECRYPTION_ERRORS]++;
	n = r->n_decrypt[radio_idx];
	for (uint8_t i = 0; i < n; i++)
		if (memcmp(r->decrypt_mac[radio_idx][i], mac, 6) == 0)
			return 0;
	if (n >= CS_AP_MAX_DECRYPT)
		return -ENOBUFS;
	memcpy(r->decrypt_mac[radio_idx][n], mac, 6);
	r->n_decrypt[radio_idx] = (uint8_t)(n + 1);
	return 0;
}

int
cs_ap_run_note_station_deleted(
    struct cs_ap *ap, uint8_t radio_idx, const uint8_t mac[6])
{
	struct cs_ap_run *r = &ap->run;
	struct cs_el_delete_station *d;

	if (radio_idx >= ap->cfg.radio_count || mac == NULL)
		return -EINVAL;
	if (r->n_del_sta >= CS_AP_MAX_DEL_STA)
		return -ENOBUFS;
	d = &r->del_sta[r->n_del_sta++];
	d->radio_id = cs_ap_radio_id(ap, radio_idx);
	d->mac_len = 6;
	memcpy(d->mac, mac, 6);
	r->due |= CS_AP_RPT_DEL_STA;
	cs_ap_run_kick(ap);
	return 0;
}

int
cs_ap_run_note_duplicate_ip(
    struct cs_ap *ap, bool detected, const uint8_t mac[6])
{
	struct cs_ap_run *r = &ap->run;

	if (mac == NULL)
		return -EINVAL;
	/* §4.6.22: status 1 when detected, 0 once cleared; each change is
	 * reported once */
	if (r->dup_detected == detected && memcmp(r->dup_mac, mac, 6) == 0)
		return 0;
	r->dup_detected = detected;
	memcpy(r->dup_mac, mac, 6);
	r->due |= CS_AP_RPT_DUP_IP;
	cs_ap_run_kick(ap);
	return 0;
}

/* ---- requests from the AC ---- */

static int
run_str_dup(char **dst, const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		return -ENOMEM;
	memcpy(p, s, n);
	p[n] = '\0';
	free(*dst);
	*dst = p;
	return 0;
}

/* The radio index of a Radio ID, or -1. */
static int
run_radio_idx(const struct cs_ap *ap, uint8_t radio_id)
{
	for (uint8_t i = 0; i < ap->cfg.radio_count; i++)
		if (cs_ap_radio_id(ap, i) == radio_id)
			return i;
	return -1;
}

/* Configuration Update Request (RFC 5415 §8.4), the elements that may
 * repeat: AC Name with Priority (§4.6.5), Radio Administrative State
 * (§4.6.33), IEEE 802.11 WTP Radio Configuration (type 1046, RFC 5416). */
static uint32_t
run_cfg_check_lists(const struct cs_ap *ap, const struct cs_msg *m,
    unsigned n_prio, unsigned n_admin, unsigned n_rcfg)
{
	if (n_prio > CS_AP_MAX_TARGETS)
		return CS_RC_CONFIG_FAIL_NO_SERVICE;
	for (unsigned i = 0; i < n_prio; i++) {
		struct cs_el_ac_name_prio np;

		if (cs_el_get_ac_name_prio(
		        cs_msg_find(m, CS_EL_AC_NAME_PRIO, i), &np, NULL) < 0 ||
		    np.priority == 0)
			return CS_RC_CONFIG_FAIL_NO_SERVICE;
	}
	for (unsigned i = 0; i < n_admin; i++) {
		struct cs_el_radio_admin_state as;

		if (cs_el_get_radio_admin_state(
		        cs_msg_find(m, CS_EL_RADIO_ADMIN_STATE, i), &as, NULL) <
		        0 ||
		    (as.admin_state != CS_ADMIN_ENABLED &&
		        as.admin_state != CS_ADMIN_DISABLED) ||
		    (as.radio_id != CS_RADIO_ALL &&
		        run_radio_idx(ap, as.radio_id) < 0))
			return CS_RC_CONFIG_FAIL_NO_SERVICE;
	}
	for (unsigned i = 0; i < n_rcfg; i++) {
		struct cs_el_80211_radio_config rc;

		if (cs_el_get_80211_radio_config(
		        cs_msg_find(m, CS_EL_80211_RADIO_CONFIG, i), &rc,
		        NULL) < 0 ||
		    run_radio_idx(ap, rc.radio_id) < 0)
			return CS_RC_CONFIG_FAIL_NO_SERVICE;
	}
	return CS_RC_SUCCESS;
}

/* Configuration Update Request: a new Image Identifier (§9.1.1), fetched
 * now or staged for the next Reset by the image policy. */
static uint32_t
run_cfg_apply_image(
    struct cs_ap *ap, const struct cs_msg *m, const struct cs_el_image_id *id)
{
	struct cs_ap_run *r = &ap->run;
	uint32_t code = CS_RC_SUCCESS;
	char why[160];

	if (ap->cfg.image_policy != CS_AP_IMAGE_ADOPT) {
		/* an AP that downloads fetches it now, in Run, and stages it
		 * when verified (ap_image.c: a pre-download) */
		char *v = malloc(id->len + 1);

		if (v == NULL) {
			code = CS_RC_CONFIG_FAIL_SERVICE_ANYHOW;
		} else {
			memcpy(v, id->data, id->len);
			v[id->len] = '\0';
			cs_ap_image_want(ap, v);
			snprintf(why, sizeof(why),
			    "image %.*s: pre-downloading it in Run",
			    (int)(id->len > 64 ? 64 : id->len),
			    (const char *)id->data);
			cs_ap_emit(
			    ap, CS_AP_EV_INFO, m->ctl.type, m->ctl.seq, 0, why);
		}
	} else {
		/* §9.1.1: a new image is stored, run at the next Reset */
		if (run_str_dup(
		        &r->staged_image, (const char *)id->data, id->len) < 0)
			code = CS_RC_CONFIG_FAIL_SERVICE_ANYHOW;
		snprintf(why, sizeof(why),
		    "image %.*s staged for the next reset",
		    (int)(id->len > 64 ? 64 : id->len), (const char *)id->data);
		cs_ap_emit(ap, CS_AP_EV_INFO, m->ctl.type, m->ctl.seq, 0, why);
	}
	return code;
}

/* Configuration Update Request (RFC 5415 §8.4): every element is checked
 * first, then applied, so a refused request changes nothing.  Result:
 * 0; 17 Image Already Present (§9.1.1); 13 Configuration failure (service
 * not provided) for a value the WTP cannot apply (unknown radio, bad
 * timer); 12 when it applied what it could. */
static uint32_t
run_config_update(struct cs_ap *ap, const struct cs_msg *m)
{
	struct cs_ap_run *r = &ap->run;
	struct cs_el_timers t;
	struct cs_el_stats_timer st;
	struct cs_el_image_id id;
	struct cs_el_static_ip_info si;
	const struct cs_elem *e;
	bool has_t, has_st, has_id, has_si;
	unsigned n_prio = cs_msg_count(m, CS_EL_AC_NAME_PRIO);
	unsigned n_admin = cs_msg_count(m, CS_EL_RADIO_ADMIN_STATE);
	unsigned n_rcfg = cs_msg_count(m, CS_EL_80211_RADIO_CONFIG);
	uint32_t code = CS_RC_SUCCESS;

	/* ---- validate ---- */
	has_t = (e = cs_msg_find(m, CS_EL_TIMERS, 0)) != NULL;
	if (has_t &&
	    (cs_el_get_timers(e, &t, NULL) < 0 ||
	        (t.discovery != 0 && t.discovery < 2) || t.echo_request == 0))
		/* §4.7.10: MaxDiscoveryInterval 2..180 s; EchoInterval 0
		 * would stop the echoes */
		return CS_RC_CONFIG_FAIL_NO_SERVICE;
	has_st = (e = cs_msg_find(m, CS_EL_STATS_TIMER, 0)) != NULL;
	if (has_st && cs_el_get_stats_timer(e, &st, NULL) < 0)
		return CS_RC_CONFIG_FAIL_NO_SERVICE;
	has_id = (e = cs_msg_find(m, CS_EL_IMAGE_ID, 0)) != NULL;
	if (has_id && cs_el_get_image_id(e, &id, NULL) < 0)
		return CS_RC_CONFIG_FAIL_NO_SERVICE;
	has_si = (e = cs_msg_find(m, CS_EL_STATIC_IP_INFO, 0)) != NULL;
	if (has_si && cs_el_get_static_ip_info(e, &si, NULL) < 0)
		return CS_RC_CONFIG_FAIL_NO_SERVICE;
	if (run_cfg_check_lists(ap, m, n_prio, n_admin, n_rcfg) !=
	    CS_RC_SUCCESS)
		return CS_RC_CONFIG_FAIL_NO_SERVICE;
	if (has_id && id.len == strlen(ap->sw_version) &&
	    memcmp(id.data, ap->sw_version, id.len) == 0)
		/* §9.1.1: "responds ... with the Result Code set to Image
		 * Already Present"; nothing else is applied either */
		return CS_RC_IMAGE_ERR_PRESENT;

	/* ---- apply ---- */
	if (has_t) {
		if (t.discovery != 0)
			ap->cfg.max_discovery_interval_ms = t.discovery * 1000u;
		/* used from the next echo on */
		ap->cfg.echo_interval_ms = t.echo_request * 1000u;
	}
	if (has_st) {
		ap->cfg.statistics_timer_s = st.interval;
		if (st.interval != 0)
			cs_ap_arm(ap, CS_AP_T_STATISTICS, run_stats_ms(ap));
	}
	if (n_prio > 0) {
		run_clear_prio(r);
		for (unsigned i = 0; i < n_prio; i++) {
			struct cs_el_ac_name_prio np;

			(void)cs_el_get_ac_name_prio(
			    cs_msg_find(m, CS_EL_AC_NAME_PRIO, i), &np, NULL);
			if (run_str_dup(&r->ac_prio_name[i], np.name.s,
			        np.name.len) < 0) {
				code = CS_RC_CONFIG_FAIL_SERVICE_ANYHOW;
				break;
			}
			r->ac_prio[i] = np.priority;
			r->n_ac_prio = (uint8_t)(i + 1);
		}
	}
	for (unsigned i = 0; i < n_admin; i++) {
		struct cs_el_radio_admin_state as;
		int idx;

		(void)cs_el_get_radio_admin_state(
		    cs_msg_find(m, CS_EL_RADIO_ADMIN_STATE, i), &as, NULL);
		for (uint8_t k = 0; k < ap->cfg.radio_count; k++) {
			idx = as.radio_id == CS_RADIO_ALL
			    ? k
			    : run_radio_idx(ap, as.radio_id);
			if (idx != k)
				continue;
			if (r->admin[k] != as.admin_state)
				r->radio[k].reset_count++;
			r->admin[k] = as.admin_state;
		}
	}
	for (unsigned i = 0; i < n_rcfg; i++) {
		struct cs_el_80211_radio_config rc;

		(void)cs_el_get_80211_radio_config(
		    cs_msg_find(m, CS_EL_80211_RADIO_CONFIG, i), &rc, NULL);
		r->radio[run_radio_idx(ap, rc.radio_id)].config_update_count++;
	}
	if (has_si) {
		r->static_ip = si;
		r->has_static_ip = si.is_static != 0;
	}
	if (has_id && run_cfg_apply_image(ap, m, &id) != CS_RC_SUCCESS)
		code = CS_RC_CONFIG_FAIL_SERVICE_ANYHOW;
	r->config_updates++;
	ap->stats.config_updates++;
	return code;
}

/* The memory dump a WTP uploads (§4.6.15 mode 2): its state as text. */
static int
run_memory_dump(struct cs_ap *ap)
{
	struct cs_ap_run *r = &ap->run;
	char buf[1024];
	int n;

	n = snprintf(buf, sizeof(buf),
	    "capsim WTP memory dump\nname=%s\nsw_version=%s\nstate=%s\n"
	    "runs=%u\njoins=%u\nechoes_sent=%u\nretransmits=%u\n"
	    "reboot_count=%u\nac_initiated_count=%u\nlink_failure_count=%u\n"
	    "events_sent=%u\nconfig_updates=%u\n",
	    ap->cfg.name, ap->sw_version, cs_ap_state_name(ap->state),
	    ap->stats.runs, ap->stats.joins, ap->stats.echoes_sent,
	    ap->stats.retransmits, r->reboot.reboot_count,
	    r->reboot.ac_initiated_count, r->reboot.link_failure_count,
	    r->events_sent, r->config_updates);
	if (n <= 0 || (size_t)n >= sizeof(buf))
		return -ENOBUFS;
	if ((r->dt_data = malloc((size_t)n)) == NULL)
		return -ENOMEM;
	memcpy(r->dt_data, buf, (size_t)n);
	r->dt_len = (size_t)n;
	r->dt_off = 0;
	return 0;
}

/* Data Transfer Request from the AC (§9.6.1: Data Transfer Mode): crash
 * data exists only after a crash, which capsim's APs do not have, so that
 * is Result Code 22 (§9.6, Figure 11); a memory dump is always there. */
static uint32_t
run_data_transfer(struct cs_ap *ap, const struct cs_msg *m)
{
	struct cs_ap_run *r = &ap->run;
	struct cs_el_data_transfer_mode md;

	if (cs_el_get_data_transfer_mode(
	        cs_msg_find(m, CS_EL_DATA_TRANSFER_MODE, 0), &md, NULL) < 0)
		/* a WTP's own Data Transfer Data sent to us is not ours to
		 * receive (§9.6.1: the AC sends the Mode) */
		return CS_RC_FAIL_MISSING_ELEM;
	if (md.mode != CS_DT_MODE_CRASH && md.mode != CS_DT_MODE_DUMP)
		return CS_RC_CONFIG_FAIL_NO_SERVICE;
	if (r->dt_mode != 0)
		return CS_RC_MSG_UNEXPECTED_STATE; /* one upload at a time */
	if (md.mode == CS_DT_MODE_CRASH && r->reboot.reboot_count == 0)
		return CS_RC_DATA_TRANSFER_NO_INFO;
	if (run_memory_dump(ap) < 0)
		return CS_RC_DATA_TRANSFER_NO_INFO;
	r->dt_mode = md.mode;
	return CS_RC_SUCCESS;
}

/* RFC 5416 §3.1: each Add WLAN goes to the glue's stations (the AP keeps
 * no WLAN table of its own); Update and Delete WLAN are acknowledged. */
static uint32_t
run_wlan_config(struct cs_ap *ap, const struct cs_msg *m)
{
	const struct cs_elem *e;

	if (ap->io.wlan_config == NULL)
		return CS_RC_SUCCESS;
	for (unsigned i = 0;
	     (e = cs_msg_find(m, CS_EL_80211_ADD_WLAN, i)) != NULL; i++)
		if (ap->io.wlan_config(ap->io.ctx, e->val, e->len) < 0)
			return CS_RC_CONFIG_FAIL_NO_SERVICE;
	return CS_RC_SUCCESS;
}

uint32_t
cs_ap_run_ac_request(struct cs_ap *ap, const struct cs_msg *m)
{
	switch (m->ctl.type) {
	case CS_MSG_CONFIG_UPDATE_REQ:
		return run_config_update(ap, m);
	case CS_MSG_CLEAR_CONFIG_REQ:
		/* §8.7: back to manufacturing defaults: what the AC
		 * configured is forgotten; the session stays */
		run_clear_cfg(&ap->run);
		cs_ap_emit(ap, CS_AP_EV_INFO, m->ctl.type, m->ctl.seq, 0,
		    "configuration cleared by the controller");
		return CS_RC_SUCCESS;
	case CS_MSG_DATA_TRANSFER_REQ:
		return run_data_transfer(ap, m);
	case CS_MSG_WLAN_CONFIG_REQ:
		return run_wlan_config(ap, m);
	default:
		return CS_RC_MSG_UNEXPECTED_UNRECOGNIZED;
	}
}
