/* SPDX-License-Identifier: MIT */
/*
 * The mock WLC's stateless discovery responder (RFC 5415 §5, the AC's
 * "Discovery thread" of §2.3) and the AC identity elements it shares with
 * the Join Response.
 */
#include "capsim/wlc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capsim/capwap.h"
#include "capsim/capwap_keepalive.h"
#include "capsim/cursor.h"
#include "capsim/values.h"
#include "wlc-internal.h"

/* ---------------------------------------------------------------------
 * Discovery responder (RFC 5415 §5.1-§5.4)
 */

/* AC Descriptor (§4.6.1), AC Name (§4.6.4): shared by Discovery and Join
 * Responses. */
/* "a.b.c.d" (each 0..255) -> 4 bytes. */
void
cs_wlc_put_cisco_vsp(
    struct cs_wr *wr, uint16_t id, const uint8_t *data, size_t len)
{
	struct cs_el_vendor_payload vp = { .vendor = CS_CISCO_VENDOR_ID,
		.element_id = id,
		.data = data,
		.len = len };

	cs_el_put_vendor_payload(wr, &vp);
}

void
cs_wlc_put_time_sync(const struct cs_wlc *w, struct cs_wr *wr, uint64_t now_ms)
{
	uint32_t t = w->cfg.time_base_s + (uint32_t)(now_ms / 1000);
	uint8_t v[5] = { (uint8_t)(t >> 24), (uint8_t)(t >> 16),
		(uint8_t)(t >> 8), (uint8_t)t, 0 };

	/* capwap-facts §4.1: Unix time u32 + type u8 */
	cs_wlc_put_cisco_vsp(wr, CS_CISCO_AP_TIME_SYNC, v, sizeof(v));
}

void
cs_wlc_put_ac_identity(struct cs_wlc *w, struct cs_wr *wr)
{
	struct cs_el_ac_descriptor d;
	struct cs_el_ac_name n;
	uint8_t sw[4], hw[4];

	memset(&d, 0, sizeof(d));
	d.stations = w->cfg.stations;
	d.limit = w->cfg.station_limit;
	d.active_wtps =
	    (uint16_t)(w->n_joined > UINT16_MAX ? UINT16_MAX : w->n_joined);
	d.max_wtps = (uint16_t)(w->cfg.max_wtps > UINT16_MAX ? UINT16_MAX
	                                                     : w->cfg.max_wtps);
	d.security = (uint8_t)((w->cfg.security_x509 ? CS_ACD_SEC_X : 0) |
	    (w->cfg.security_psk ? CS_ACD_SEC_S : 0));
	d.rmac = w->cfg.rmac ? CS_ACD_RMAC_YES : CS_ACD_RMAC_NO;
	d.dtls_policy = cs_data_dtls_ac_policy(w->cfg.data_dtls);
	d.n_info = 2;
	d.info[0].vendor = w->cfg.vendor_id;
	d.info[0].type = CS_ACD_INFO_HW;
	d.info[0].len = (uint16_t)strlen(w->hw_version);
	d.info[0].data = (const uint8_t *)w->hw_version;
	d.info[1].vendor = w->cfg.vendor_id;
	d.info[1].type = CS_ACD_INFO_SW;
	d.info[1].len = (uint16_t)strlen(w->sw_version);
	d.info[1].data = (const uint8_t *)w->sw_version;
	if (w->cfg.cisco) {
		/* capwap-facts §3 (actube cisco_out_ac_descriptor.c): Cisco
		 * vendor, software (type 1) first, then hardware (type 0), as
		 * 4 raw bytes when the version is a.b.c.d */
		d.info[0].vendor = CS_CISCO_VENDOR_ID;
		d.info[0].type = CS_WTPD_SW_VERSION;
		d.info[0].len = (uint16_t)strlen(w->sw_version);
		d.info[0].data = (const uint8_t *)w->sw_version;
		if (cs_val_dotted4(w->sw_version, sw, NULL) == 0) {
			d.info[0].len = 4;
			d.info[0].data = sw;
		}
		d.info[1].vendor = CS_CISCO_VENDOR_ID;
		d.info[1].type = CS_WTPD_HW_VERSION;
		d.info[1].len = (uint16_t)strlen(w->hw_version);
		d.info[1].data = (const uint8_t *)w->hw_version;
		if (cs_val_dotted4(w->hw_version, hw, NULL) == 0) {
			d.info[1].len = 4;
			d.info[1].data = hw;
		}
	}
	cs_el_put_ac_descriptor(wr, &d);
	n.name.s = w->ac_name;
	n.name.len = strlen(w->ac_name);
	cs_el_put_ac_name(wr, &n);
}

static void
disc_drop(struct cs_wlc *w, struct cs_wlc_ap_stats *st, uint32_t ip,
    uint16_t port, uint64_t now_ms, const char *why)
{
	char ipb[16];

	cs_wlc_fmt_ip(ip, ipb, sizeof(ipb));
	w->ctr.discovery_dropped++;
	if (st != NULL)
		st->discovery_dropped++;
	if (!cs_wlc_droplog_may(w, ip, now_ms))
		return; /* counted in the window's summary */
	cs_logf(&w->cfg.log, CS_LOG_WARN,
	    "Discovery Request from %s:%u dropped: %s", ipb, port, why);
	cs_wlc_emit(w, NULL, CS_WLC_EV_MSG_DROPPED, now_ms,
	    CS_MSG_DISCOVERY_REQ, 0, why);
}

/* Typed check of every mandatory element of a (Primary) Discovery Request
 * (§5.1, RFC 5416 §5); returns the failing element type or 0. */
static uint16_t
disc_validate(const struct cs_msg *m, struct cs_err *err)
{
	struct cs_el_board_data bd;
	struct cs_el_wtp_descriptor wd;
	struct cs_el_discovery_type dt;
	struct cs_el_frame_tunnel_mode ftm;
	struct cs_el_mac_type mt;
	struct cs_el_radio_info ri;
	unsigned nr = cs_msg_count(m, CS_EL_80211_RADIO_INFO);

	if (cs_el_get_board_data(
	        cs_msg_find(m, CS_EL_BOARD_DATA, 0), &bd, err) < 0)
		return CS_EL_BOARD_DATA;
	if (cs_el_get_wtp_descriptor_auto(
	        cs_msg_find(m, CS_EL_WTP_DESCRIPTOR, 0), CS_MSG_F_CISCO, &wd,
	        err) < 0)
		return CS_EL_WTP_DESCRIPTOR;
	if (cs_el_get_discovery_type(
	        cs_msg_find(m, CS_EL_DISCOVERY_TYPE, 0), &dt, err) < 0)
		return CS_EL_DISCOVERY_TYPE;
	if (cs_el_get_frame_tunnel_mode(
	        cs_msg_find(m, CS_EL_FRAME_TUNNEL_MODE, 0), &ftm, err) < 0)
		return CS_EL_FRAME_TUNNEL_MODE;
	if (cs_el_get_mac_type(cs_msg_find(m, CS_EL_MAC_TYPE, 0), &mt, err) < 0)
		return CS_EL_MAC_TYPE;
	if (nr > CS_WLC_MAX_RADIOS) {
		cs_err_set(err, -E2BIG, "more than 31 radios", 0);
		return CS_EL_80211_RADIO_INFO;
	}
	for (unsigned i = 0; i < nr; i++)
		if (cs_el_get_radio_info(
		        cs_msg_find(m, CS_EL_80211_RADIO_INFO, i), &ri, err) <
		    0)
			return CS_EL_80211_RADIO_INFO;
	return 0;
}

static struct cs_wlc_ap_stats *
disc_stats(struct cs_wlc *w, const struct cs_msg *m, uint32_t ip, uint16_t port,
    uint64_t now_ms)
{
	const struct cs_elem *e = cs_msg_find(m, CS_EL_BOARD_DATA, 0);
	struct cs_el_board_data bd;
	uint8_t mac[8];

	if (e != NULL && cs_el_get_board_data(e, &bd, NULL) == 0 &&
	    cs_board_data_base_mac(&bd, mac) == 6)
		return cs_wlc_stats_by_mac(&w->stats, mac, ip, port, now_ms);
	return cs_wlc_stats_by_ip(&w->stats, ip, port, true, now_ms);
}

int
cs_wlc_disc_input(struct cs_wlc *w, uint32_t ip, uint16_t port,
    const uint8_t *pkt, size_t len, uint64_t now_ms)
{
	struct cs_msg m;
	struct cs_err err = { 0 };
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;
	struct cs_el_ctrl_ipv4 cip;
	struct cs_pkt_hint hint;
	struct cs_wlc_ap_stats *st;
	uint8_t out[4096];
	uint16_t missing, bad;
	uint32_t type;
	unsigned nr;
	char ipb[16], why[160];

	if (cs_msg_decode(&m, pkt, len, CS_MSG_F_CISCO, &err) < 0) {
		w->ctr.malformed++;
		snprintf(why, sizeof(why), "malformed: %s at offset %zu",
		    err.what != NULL ? err.what : "?", err.offset);
		disc_drop(w, NULL, ip, port, now_ms, why);
		return 0;
	}
	type = m.ctl.type;
	if (type != CS_MSG_DISCOVERY_REQ &&
	    type != CS_MSG_PRIMARY_DISCOVERY_REQ) {
		/* RFC 5415 §4.1: clear non-discovery on the control port */
		cs_wlc_fmt_ip(ip, ipb, sizeof(ipb));
		w->ctr.clear_dropped++;
		if (!cs_wlc_droplog_may(w, ip, now_ms))
			return 0; /* counted in the window's summary */
		cs_logf(&w->cfg.log, CS_LOG_WARN,
		    "Clear %s from %s:%u dropped: only Discovery is allowed "
		    "without DTLS",
		    cs_msg_type_name(type), ipb, port);
		cs_wlc_emit(w, NULL, CS_WLC_EV_MSG_DROPPED, now_ms, type, 0,
		    "clear non-discovery message");
		return 0;
	}
	st = disc_stats(w, &m, ip, port, now_ms);
	w->ctr.discovery_rx++;
	if (st != NULL)
		st->discovery_requests++;
	if (w->cfg.misbehave.drop_msg_type == type) {
		w->ctr.policy_dropped++;
		return 0;
	}
	if (cs_msg_missing(&m, CS_MSG_F_CISCO, &missing) == 1) {
		snprintf(why, sizeof(why), "missing mandatory element %u (%s)",
		    missing, cs_elem_name(missing));
		disc_drop(w, st, ip, port, now_ms, why);
		return 0;
	}
	if ((bad = disc_validate(&m, &err)) != 0) {
		w->ctr.malformed++;
		snprintf(why, sizeof(why), "malformed %s: %s at offset %zu",
		    cs_elem_name(bad), err.what != NULL ? err.what : "?",
		    err.offset);
		disc_drop(w, st, ip, port, now_ms, why);
		return 0;
	}
	/* §5.2: AC Descriptor, AC Name, one Radio Information per radio the
	 * WTP reported (RFC 5416 §5), Control IPv4 Address. */
	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, out, sizeof(out));
	cs_msgb_begin(&b, &wr, &h, type + 1, m.ctl.seq);
	cs_wlc_put_ac_identity(w, &wr);
	nr = cs_msg_count(&m, CS_EL_80211_RADIO_INFO);
	for (unsigned i = 0; i < nr; i++) {
		struct cs_el_radio_info ri;

		cs_el_get_radio_info(
		    cs_msg_find(&m, CS_EL_80211_RADIO_INFO, i), &ri, NULL);
		cs_el_put_radio_info(&wr, &ri);
	}
	cip.addr = cs_wlc_adv_ip(w);
	cip.wtp_count =
	    (uint16_t)(w->n_joined > UINT16_MAX ? UINT16_MAX : w->n_joined);
	cs_el_put_ctrl_ipv4(&wr, &cip);
	if (w->cfg.cisco) {
		/* capwap-facts §4.2: AP Time Sync [mand], MWAR Type (u8:
		 * 0 = normal controller, as in MWAR Address) */
		static const uint8_t mwar_type = 0;

		cs_wlc_put_time_sync(w, &wr, now_ms);
		cs_wlc_put_cisco_vsp(&wr, CS_CISCO_MWAR_TYPE, &mwar_type, 1);
	}
	if (cs_msgb_end(&b) != 0)
		return cs_log_err(&w->cfg.log, wr.err,
		    "Discovery Response does not fit (%d)", wr.err);
	memset(&hint, 0, sizeof(hint));
	hint.msg_type = type + 1;
	hint.seq = m.ctl.seq;
	w->io.send_clear(
	    w->io.ctx, CS_CHAN_CONTROL, ip, port, out, wr.len, &hint);
	w->ctr.discovery_tx++;
	if (st != NULL)
		st->discovery_responses++;
	cs_wlc_fmt_ip(ip, ipb, sizeof(ipb));
	cs_logf(&w->cfg.log, CS_LOG_DEBUG, "%s from %s:%u answered",
	    cs_msg_type_name(type), ipb, port);
	cs_wlc_emit(w, NULL, CS_WLC_EV_DISCOVERY, now_ms, type + 1, 0, NULL);
	return 0;
}
