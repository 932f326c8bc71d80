/* SPDX-License-Identifier: MIT */
/*
 * The control messages an AP sends (RFC 5415 §5-§9, RFC 5416 §3, §5) and
 * the data-channel keep-alive (§4.4.1), built with the capwap.h builder.
 * With a Cisco profile the same messages take Cisco's draft forms and carry
 * the profile's vendor payloads (capwap-facts §3, §4.1-4.2).  Errors stay
 * sticky in the cursor; callers check wr->err once.
 */
#include "ap-internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/capwap_keepalive.h"
#include "capsim/cursor.h"
#include "capsim/profile.h"
#include "capsim/values.h"

static struct cs_str
ap_str(const char *s)
{
	struct cs_str v = { .s = s, .len = s != NULL ? strlen(s) : 0 };

	return v;
}

static void
ap_begin(struct cs_msgb *b, struct cs_wr *wr, uint32_t type, uint8_t seq)
{
	struct cs_capwap_hdr h;

	cs_capwap_hdr_init(&h, 0);
	cs_msgb_begin(b, wr, &h, type, seq);
}

bool
cs_ap_is_cisco(const struct cs_ap *ap)
{
	return ap->cfg.profile != NULL && ap->cfg.profile->is_cisco;
}

/* First radio id: 0 for Cisco (slot numbers), 1 per RFC 5416 §6.25. */
uint8_t
cs_ap_radio_id(const struct cs_ap *ap, uint8_t i)
{
	uint8_t first =
	    ap->cfg.profile != NULL ? ap->cfg.profile->radio_first_id : 1;

	return (uint8_t)(first + i);
}

/* One Cisco vendor payload (RFC 5415 §4.6.39, vendor 4232704) of a
 * generated kind; capwap-facts §4.1 gives the layouts. */
static void
ap_put_vsp(const struct cs_ap *ap, struct cs_wr *wr,
    const struct cs_profile_vsp *v, uint16_t pad)
{
	const struct cs_profile *p = ap->cfg.profile;
	struct cs_el_vendor_payload vp = { .vendor = CS_CISCO_VENDOR_ID,
		.element_id = v->element_id };
	uint8_t buf[CS_VSP_MAX_DATA];
	struct cs_wr b;

	cs_wr_init(&b, buf, sizeof(buf));
	switch (v->kind) {
	case CS_PVSP_RAW:
		cs_wr_bytes(&b, v->data, v->len);
		break;
	case CS_PVSP_RAD_NAME:
		cs_wr_bytes(&b, ap->cfg.name, strlen(ap->cfg.name));
		break;
	case CS_PVSP_BOARD_DATA_OPTIONS:
		/* antenna type, FlexConnect, AP type, join priority */
		cs_wr_u8(&b, p->antenna_type);
		cs_wr_u8(&b, p->flex_connect);
		cs_wr_u8(&b, p->ap_type);
		cs_wr_u8(&b, p->join_priority);
		break;
	case CS_PVSP_AP_GROUP_NAME:
		cs_wr_bytes(&b, p->ap_group, strlen(p->ap_group));
		break;
	case CS_PVSP_AP_MODE_AND_TYPE:
		cs_wr_u8(&b, p->ap_mode);
		cs_wr_u8(&b, p->ap_type);
		break;
	case CS_PVSP_AP_MODEL: {
		/* model name (30 bytes) + version (30 bytes), NUL padded */
		size_t ml = strlen(p->model), vl = strlen(ap->sw_version);

		ml = ml > 30 ? 30 : ml;
		vl = vl > 30 ? 30 : vl;
		cs_wr_bytes(&b, p->model, ml);
		cs_wr_zero(&b, 30 - ml);
		cs_wr_bytes(&b, ap->sw_version, vl);
		cs_wr_zero(&b, 30 - vl);
		break;
	}
	case CS_PVSP_PATH_MTU: {
		/* SPAM Vendor Specific (104) tunnelling LWAPP Path MTU (73):
		 * vendor u32 + LWAPP id u16, then max u16 + length u16 +
		 * padding (capwap-facts §4.2, §4.7).  `pad` was sized by the
		 * caller so the whole message reaches CS_AP_PMTU_TARGET. */
		uint16_t max = p->path_mtu != 0 ? p->path_mtu : 1485;

		cs_wr_u32(&b, CS_CISCO_VENDOR_ID);
		cs_wr_u16(&b, 73);
		cs_wr_u16(&b, max);
		cs_wr_u16(&b, pad);
		cs_wr_zero(&b, pad);
		break;
	}
	case CS_PVSP_AP_UPTIME:
		cs_wr_u32(&b, (uint32_t)(ap->now_ms / 1000));
		cs_wr_u32(&b, 0);
		break;
	case CS_PVSP_MWAR_ADDR:
		/* MWAR type (0 normal) + IPv4 + 2 bytes */
		cs_wr_u8(&b, 0);
		cs_wr_u32(&b, ap->ac_ip);
		cs_wr_u16(&b, 0);
		break;
	case CS_PVSP__COUNT:
		cs_wr_fail(&b, -EINVAL);
		break;
	}
	if (b.err != 0 || b.len == 0) {
		cs_wr_fail(wr, b.err != 0 ? b.err : -EINVAL);
		return;
	}
	vp.data = buf;
	vp.len = b.len;
	cs_el_put_vendor_payload(wr, &vp);
}

/*
 * Largest message a padded LWAPP Path MTU payload fills up to.  actube
 * pads Cisco Join Requests to about 1400 bytes (capwap-facts §4.7); capsim
 * stops at 1300 so the message still fits one 1400-byte DTLS datagram with
 * any cipher suite (preamble 4 + record header 13 + CBC IV 16 + SHA-1 MAC
 * 20 + padding 16 = 69 bytes of overhead) at the default MTU; over a
 * smaller --mtu it goes in CAPWAP fragments (RFC 5415 §3.4,
 * lib/engine/frag.c).  Smaller when the profile's path_mtu asks for less.
 */
#define CS_AP_PMTU_TARGET 1300

/* The profile's vendor payloads for message `type`, in profile order, the
 * padded Path MTU payload last; `start` is the message's first byte in
 * wr. */
static void
ap_put_vsps(
    const struct cs_ap *ap, struct cs_wr *wr, uint32_t type, size_t start)
{
	const struct cs_profile *p = ap->cfg.profile;
	const struct cs_profile_vsp *pmtu = NULL;

	if (p == NULL || type > 31)
		return;
	for (unsigned i = 0; i < p->n_vsp; i++) {
		if (!(p->vsp[i].msgs & CS_PROFILE_MSG_BIT(type)))
			continue;
		if (p->vsp[i].kind == CS_PVSP_PATH_MTU)
			pmtu = &p->vsp[i];
		else
			ap_put_vsp(ap, wr, &p->vsp[i], 0);
	}
	if (pmtu != NULL) {
		/* TLV 4 + vendor 4 + id 2 + inner vendor 4 + id 2 + max 2 +
		 * len 2 */
		size_t fixed = 20, used = wr->len - start + fixed;
		size_t path = p->path_mtu != 0 ? p->path_mtu : 1485;
		size_t target = path > 114 ? path - 114 : 0; /* IP, UDP, DTLS */

		if (target > CS_AP_PMTU_TARGET)
			target = CS_AP_PMTU_TARGET;
		ap_put_vsp(ap, wr, pmtu,
		    (uint16_t)(target > used ? target - used : 0));
	}
}

/* WTP Board Data, RFC 5415 §4.6.40: model, serial, base MAC. */
static void
ap_put_board_data(const struct cs_ap *ap, struct cs_wr *wr)
{
	struct cs_el_board_data bd = { .vendor = ap->cfg.board_vendor };

	bd.sub[0] = (struct cs_board_sub){ .type = CS_BOARD_MODEL,
		.len = (uint16_t)strlen(ap->cfg.model),
		.data = (const uint8_t *)ap->cfg.model };
	bd.sub[1] = (struct cs_board_sub){ .type = CS_BOARD_SERIAL,
		.len = (uint16_t)strlen(ap->cfg.serial),
		.data = (const uint8_t *)ap->cfg.serial };
	bd.sub[2] = (struct cs_board_sub){
		.type = CS_BOARD_BASE_MAC, .len = 6, .data = ap->cfg.mac
	};
	bd.n_sub = 3;
	if (ap->cfg.profile != NULL && ap->cfg.profile->board_id != NULL)
		bd.sub[bd.n_sub++] = (struct cs_board_sub){ .type = CS_BOARD_ID,
			.len = (uint16_t)strlen(ap->cfg.profile->board_id),
			.data = (const uint8_t *)ap->cfg.profile->board_id };
	if (ap->cfg.profile != NULL && ap->cfg.profile->board_revision != NULL)
		bd.sub[bd.n_sub++] = (struct cs_board_sub){
			.type = CS_BOARD_REVISION,
			.len =
			    (uint16_t)strlen(ap->cfg.profile->board_revision),
			.data = (const uint8_t *)ap->cfg.profile->board_revision
		};
	cs_el_put_board_data(wr, &bd);
}

/* WTP Descriptor, RFC 5415 §4.6.41 (RFC form): one encryption
 * capability entry for WBID 1, hardware/software/boot versions. */
static void
ap_put_descriptor(const struct cs_ap *ap, struct cs_wr *wr)
{
	struct cs_el_wtp_descriptor d = {
		.max_radios = ap->cfg.radio_count,
		.radios_in_use = ap->cfg.radio_count,
		.n_encrypt = 1,
		.encrypt[0] = { .wbid = CS_WBID_IEEE80211, .caps = 0 },
	};
	const char *v[3] = { ap->cfg.hw_version, ap->sw_version,
		ap->cfg.boot_version };
	static const uint16_t t[3] = { CS_WTPD_HW_VERSION, CS_WTPD_SW_VERSION,
		CS_WTPD_BOOT_VERSION };
	uint8_t raw[3][4];

	if (cs_ap_is_cisco(ap)) {
		/* draft-07 §4.6.39: one 16-bit Encryption Capabilities; Cisco
		 * versions are 4 raw bytes (capwap-facts §3, §4.2) */
		d.is_cisco_form = true;
		d.n_encrypt = 0;
		d.cisco_encrypt_caps = ap->cfg.profile->encrypt_caps;
	}
	for (unsigned i = 0; i < 3; i++) {
		d.sub[i] = (struct cs_wtpd_sub){ .vendor = ap->cfg.board_vendor,
			.type = t[i],
			.len = (uint16_t)strlen(v[i]),
			.data = (const uint8_t *)v[i] };
		if (d.is_cisco_form &&
		    cs_val_dotted4(v[i], raw[i], NULL) == 0) {
			d.sub[i].len = 4;
			d.sub[i].data = raw[i];
		}
	}
	d.n_sub = 3;
	cs_el_put_wtp_descriptor(wr, &d);
}

/* One IEEE 802.11 WTP Radio Information per radio, RFC 5416 §6.25. */
static void
ap_put_radios(const struct cs_ap *ap, struct cs_wr *wr)
{
	for (uint8_t i = 0; i < ap->cfg.radio_count; i++) {
		struct cs_el_radio_info ri = { .radio_id =
			                           cs_ap_radio_id(ap, i),
			.radio_type = ap->cfg.radio_type[i] };

		cs_el_put_radio_info(wr, &ri);
	}
}

static void
ap_put_identity(const struct cs_ap *ap, struct cs_wr *wr)
{
	struct cs_el_frame_tunnel_mode ftm = { .mode =
		                                   ap->cfg.frame_tunnel_mode };
	struct cs_el_mac_type mt = { .type = ap->cfg.mac_type };

	ap_put_board_data(ap, wr);
	ap_put_descriptor(ap, wr);
	cs_el_put_frame_tunnel_mode(wr, &ftm);
	cs_el_put_mac_type(wr, &mt);
}

static void
ap_build_discovery(
    const struct cs_ap *ap, struct cs_wr *wr, uint32_t type, uint8_t seq)
{
	struct cs_msgb b;
	struct cs_el_discovery_type dt = { .type = ap->cfg.discovery_type };

	/* RFC 5415 §5.1 / §5.3 + RFC 5416 §5; Cisco adds RAD Name and Board
	 * Data Options (capwap-facts §4.2) from the profile */
	ap_begin(&b, wr, type, seq);
	cs_el_put_discovery_type(wr, &dt);
	ap_put_identity(ap, wr);
	ap_put_radios(ap, wr);
	ap_put_vsps(ap, wr, type, b.start);
	cs_msgb_end(&b);
}

void
cs_ap_build_discovery_req(const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq)
{
	ap_build_discovery(ap, wr, CS_MSG_DISCOVERY_REQ, seq);
}

void
cs_ap_build_primary_discovery_req(
    const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq)
{
	ap_build_discovery(ap, wr, CS_MSG_PRIMARY_DISCOVERY_REQ, seq);
}

void
cs_ap_build_join_req(const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq)
{
	struct cs_msgb b;
	struct cs_el_location loc = { .location = ap_str(ap->cfg.location) };
	struct cs_el_wtp_name wn = { .name = ap_str(ap->cfg.name) };
	struct cs_el_session_id sid;
	struct cs_el_ecn_support ecn = { .ecn = ap->cfg.ecn_support };
	struct cs_el_local_ipv4 lip = { .addr = ap->cfg.ip };

	/* RFC 5415 §6.1 + RFC 5416 §5 */
	memcpy(sid.id, ap->session_id, sizeof(sid.id));
	ap_begin(&b, wr, CS_MSG_JOIN_REQ, seq);
	cs_el_put_location(wr, &loc);
	ap_put_identity(ap, wr);
	cs_el_put_wtp_name(wr, &wn);
	cs_el_put_session_id(wr, &sid);
	ap_put_radios(ap, wr);
	if (cs_ap_is_cisco(ap)) {
		/* draft-07 §4.6.42 WTP IPv4 IP Address instead of CAPWAP Local
		 * IPv4 Address (30) and no ECN Support (53): capwap-facts §3 */
		struct cs_el_cisco_wtp_ipv4 wip = { .addr = ap->cfg.ip };

		cs_el_put_cisco_wtp_ipv4(wr, &wip);
	} else {
		cs_el_put_ecn_support(wr, &ecn);
		cs_el_put_local_ipv4(wr, &lip);
	}
	if (ap->cfg.max_msg_len != 0) {
		struct cs_el_max_msg_len mml = { .max_len =
			                             ap->cfg.max_msg_len };

		cs_el_put_max_msg_len(wr, &mml);
	}
	ap_put_vsps(ap, wr, CS_MSG_JOIN_REQ, b.start);
	cs_msgb_end(&b);
}

void
cs_ap_build_config_status_req(
    const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq)
{
	struct cs_msgb b;
	struct cs_el_ac_name an = { .name = ap_str(ap->ac_name) };
	struct cs_el_stats_timer st = { .interval =
		                            ap->cfg.statistics_timer_s };

	/* RFC 5415 §8.2 MUST: AC Name, Radio Administrative State, Statistics
	 * Timer, WTP Reboot Statistics (kept across resets, §4.9); MAY: AC
	 * Name with Priority (the ACs the controller configured), WTP Static
	 * IP Address Information; RFC 5416 adds IEEE 802.11 WTP Radio
	 * Information.  Radio Administrative State is one entry per radio;
	 * the WTP-wide entry (Radio ID 255) only when the profile asks, as an
	 * AC that accepts Radio IDs 1..31 only drops the request otherwise */
	ap_begin(&b, wr, CS_MSG_CONFIG_STATUS_REQ, seq);
	if (an.name.len == 0)
		an.name = ap_str("unknown");
	cs_el_put_ac_name(wr, &an);
	for (uint8_t i = 0; i < ap->run.n_ac_prio; i++) {
		struct cs_el_ac_name_prio np = { .priority = ap->run.ac_prio[i],
			.name = ap_str(ap->run.ac_prio_name[i]) };

		cs_el_put_ac_name_prio(wr, &np);
	}
	for (uint8_t i = 0; i < ap->cfg.radio_count; i++) {
		struct cs_el_radio_admin_state ras = {
			.radio_id = cs_ap_radio_id(ap, i),
			.admin_state = ap->run.admin[i] != 0 ? ap->run.admin[i]
			                                     : CS_ADMIN_ENABLED
		};

		cs_el_put_radio_admin_state(wr, &ras);
	}
	if (ap->cfg.profile != NULL && ap->cfg.profile->radio_admin_wtp) {
		struct cs_el_radio_admin_state all = { .radio_id = CS_RADIO_ALL,
			.admin_state = CS_ADMIN_ENABLED };

		cs_el_put_radio_admin_state(wr, &all);
	}
	cs_el_put_stats_timer(wr, &st);
	cs_el_put_reboot_stats(wr, &ap->run.reboot);
	if (ap->run.has_static_ip)
		cs_el_put_static_ip_info(wr, &ap->run.static_ip);
	/* RFC 5416 §5: the binding adds Radio Information per radio */
	ap_put_radios(ap, wr);
	ap_put_vsps(ap, wr, CS_MSG_CONFIG_STATUS_REQ, b.start);
	cs_msgb_end(&b);
}

/* WTP Event Request (RFC 5415 §9.4) with the reports due: WTP Radio
 * Statistics (§4.6.46) and IEEE 802.11 Statistics (RFC 5416 §6.16) per
 * radio, Decryption Error Reports (§4.6.17), Duplicate IPv4 Address
 * (§4.6.22), Delete Station (§4.6.20), WTP Reboot Statistics (§4.6.47). */
void
cs_ap_build_wtp_event_req(const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq)
{
	const struct cs_ap_run *r = &ap->run;
	uint32_t due = r->sending;
	struct cs_msgb b;

	ap_begin(&b, wr, CS_MSG_WTP_EVENT_REQ, seq);
	for (uint8_t i = 0; (due & CS_AP_RPT_STATS) && i < ap->cfg.radio_count;
	     i++) {
		struct cs_el_radio_stats rs = r->radio[i];
		struct cs_el_80211_statistics ws = { .radio_id = cs_ap_radio_id(
			                                 ap, i) };

		rs.radio_id = ws.radio_id;
		memcpy(ws.c, r->wlan[i], sizeof(ws.c));
		cs_el_put_radio_stats(wr, &rs);
		cs_el_put_80211_statistics(wr, &ws);
	}
	for (uint8_t i = 0;
	     (due & CS_AP_RPT_DECRYPT) && i < ap->cfg.radio_count; i++) {
		struct cs_el_decrypt_err_report de = {
			.radio_id = cs_ap_radio_id(ap, i),
			.n = r->n_decrypt[i],
			.mac_len = 6
		};

		if (de.n == 0)
			continue;
		for (unsigned k = 0; k < de.n; k++)
			memcpy(de.mac[k], r->decrypt_mac[i][k], 6);
		cs_el_put_decrypt_err_report(wr, &de);
	}
	if (due & CS_AP_RPT_DUP_IP) {
		struct cs_el_duplicate_ipv4 d = { .addr = ap->cfg.ip,
			.status =
			    r->dup_detected ? CS_DUP_DETECTED : CS_DUP_CLEARED,
			.mac_len = 6 };

		memcpy(d.mac, r->dup_mac, 6);
		cs_el_put_duplicate_ipv4(wr, &d);
	}
	for (uint8_t i = 0; (due & CS_AP_RPT_DEL_STA) && i < r->n_del_sta; i++)
		cs_el_put_delete_station(wr, &r->del_sta[i]);
	if (due & CS_AP_RPT_REBOOT)
		cs_el_put_reboot_stats(wr, &r->reboot);
	ap_put_vsps(ap, wr, CS_MSG_WTP_EVENT_REQ, b.start);
	cs_msgb_end(&b);
}

/* Data Transfer Request from the WTP (RFC 5415 §9.6.1): the next chunk of
 * the requested data in a Data Transfer Data element (§4.6.15), type 2
 * (EOF) on the last one. */
void
cs_ap_build_data_transfer_req(
    const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq)
{
	const struct cs_ap_run *r = &ap->run;
	size_t n = r->dt_len - r->dt_off;
	struct cs_el_data_transfer_data d = { .data_mode = r->dt_mode };
	struct cs_msgb b;

	if (n > CS_AP_DT_CHUNK)
		n = CS_AP_DT_CHUNK;
	d.data_type =
	    r->dt_off + n >= r->dt_len ? CS_DT_TYPE_EOF : CS_DT_TYPE_DATA;
	d.len = (uint16_t)n;
	d.data = r->dt_data + r->dt_off;
	ap_begin(&b, wr, CS_MSG_DATA_TRANSFER_REQ, seq);
	cs_el_put_data_transfer_data(wr, &d);
	cs_msgb_end(&b);
}

void
cs_ap_build_change_state_req(
    const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq)
{
	struct cs_msgb b;
	struct cs_el_result_code rc = { .code = CS_RC_SUCCESS };

	/* RFC 5415 §8.6: Radio Operational State per radio + Result Code */
	ap_begin(&b, wr, CS_MSG_CHANGE_STATE_REQ, seq);
	for (uint8_t i = 0; i < ap->cfg.radio_count; i++) {
		/* draft-07 §4.6.32 (Cisco): 1 disables, 2 enables */
		struct cs_el_radio_oper_state ros = { .radio_id =
			                                  cs_ap_radio_id(ap, i),
			.state = cs_ap_is_cisco(ap) ? CS_OPER_DISABLED
			                            : CS_OPER_ENABLED,
			.cause = CS_OPER_CAUSE_NORMAL };

		cs_el_put_radio_oper_state(wr, &ros);
	}
	cs_el_put_result_code(wr, &rc);
	ap_put_vsps(ap, wr, CS_MSG_CHANGE_STATE_REQ, b.start);
	cs_msgb_end(&b);
}

void
cs_ap_build_echo_req(const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq)
{
	struct cs_msgb b;

	/* RFC 5415 §7.1: no mandatory elements; VSPs MAY be included */
	ap_begin(&b, wr, CS_MSG_ECHO_REQ, seq);
	ap_put_vsps(ap, wr, CS_MSG_ECHO_REQ, b.start);
	cs_msgb_end(&b);
}

void
cs_ap_build_image_data_req(
    const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq)
{
	struct cs_msgb b;
	struct cs_el_image_id id = { .vendor = ap->cfg.board_vendor,
		.data = (const uint8_t *)ap->image_id,
		.len = ap->image_id != NULL ? strlen(ap->image_id) : 0 };
	struct cs_el_initiate_download idl = { 0 };

	/* RFC 5415 §9.1.1: the WTP asks for the image named in the Join
	 * Response with Image Identifier + Initiate Download */
	ap_begin(&b, wr, CS_MSG_IMAGE_DATA_REQ, seq);
	cs_el_put_image_id(wr, &id);
	cs_el_put_initiate_download(wr, &idl);
	cs_msgb_end(&b);
}

void
cs_ap_build_result_resp(struct cs_wr *wr, uint32_t type, uint8_t seq,
    uint32_t code, const uint8_t *returned, size_t returned_len)
{
	struct cs_msgb b;
	struct cs_el_result_code rc = { .code = code };

	ap_begin(&b, wr, type, seq);
	cs_el_put_result_code(wr, &rc);
	if (returned != NULL && returned_len >= CS_ELEM_HDR_LEN &&
	    returned_len <= 255) {
		/* RFC 5415 §4.6.36 */
		struct cs_el_returned_elem re = {
			.reason = CS_RET_UNKNOWN_ELEM,
			.len = (uint8_t)returned_len,
			.elem = returned,
		};

		cs_el_put_returned_elem(wr, &re);
	}
	cs_msgb_end(&b);
}

void
cs_ap_build_keepalive(const struct cs_ap *ap, struct cs_wr *wr)
{
	/* RFC 5415 §4.4.1, through the one keep-alive codec of lib/wire
	 * (Message Element Length counts the bytes after the CAPWAP header,
	 * itself included, as Wireshark reads it) */
	(void)cs_keepalive_encode(wr, ap->session_id);
}

int
cs_ap_check_keepalive(const struct cs_ap *ap, const uint8_t *pkt, size_t len)
{
	uint8_t id[CS_KEEPALIVE_SESSION_ID_LEN];
	int r;

	/* lenient: controllers that count the length without its own two
	 * bytes, or add elements, still keep the data channel up */
	if ((r = cs_keepalive_decode(
	         pkt, len, CS_KEEPALIVE_F_LENIENT, id, NULL)) < 0)
		return r;
	if (!ap->has_session || memcmp(id, ap->session_id, sizeof(id)) != 0)
		return -EPROTO;
	return 0;
}
