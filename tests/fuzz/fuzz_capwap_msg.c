/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the CAPWAP control-message codec (STYLE G11): header,
 * control header and element walk with the round-trip check (what decodes
 * re-encodes, and the re-encoding decodes to the same element count), and
 * every element through its typed getter.  The first input byte's low bit
 * selects CS_MSG_F_CISCO so both decoding modes are explored.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs the typed getter for e; the result only has to be sane. */
static void
get_typed(const struct cs_elem *e, unsigned flags)
{
	union {
		struct cs_el_ac_descriptor acd;
		struct cs_el_ac_ipv4_list l4;
		struct cs_el_board_data bd;
		struct cs_el_wtp_descriptor wd;
		struct cs_el_decrypt_err_report de;
		uint8_t raw[4096];
	} v;
	struct cs_err err = { 0 };
	int r = 0;

	switch (e->type) {
#define G(T, name)                                                             \
	case T:                                                                \
		r = cs_el_get_##name(e, (void *)&v, &err);                     \
		break;
		G(CS_EL_AC_DESCRIPTOR, ac_descriptor)
		G(CS_EL_AC_IPV4_LIST, ac_ipv4_list)
		G(CS_EL_AC_NAME, ac_name)
		G(CS_EL_AC_NAME_PRIO, ac_name_prio)
		G(CS_EL_AC_TIMESTAMP, ac_timestamp)
		G(CS_EL_CTRL_IPV4, ctrl_ipv4)
		G(CS_EL_CTRL_IPV6, ctrl_ipv6)
		G(CS_EL_TIMERS, timers)
		G(CS_EL_DATA_TRANSFER_DATA, data_transfer_data)
		G(CS_EL_DATA_TRANSFER_MODE, data_transfer_mode)
		G(CS_EL_DECRYPT_ERR_PERIOD, decrypt_err_period)
		G(CS_EL_DISCOVERY_TYPE, discovery_type)
		G(CS_EL_IDLE_TIMEOUT, idle_timeout)
		G(CS_EL_IMAGE_DATA, image_data)
		G(CS_EL_IMAGE_ID, image_id)
		G(CS_EL_IMAGE_INFO, image_info)
		G(CS_EL_INITIATE_DOWNLOAD, initiate_download)
		G(CS_EL_LOCATION, location)
		G(CS_EL_MAX_MSG_LEN, max_msg_len)
		G(CS_EL_LOCAL_IPV4, local_ipv4)
		G(CS_EL_LOCAL_IPV6, local_ipv6)
		G(CS_EL_RADIO_ADMIN_STATE, radio_admin_state)
		G(CS_EL_RADIO_OPER_STATE, radio_oper_state)
		G(CS_EL_RESULT_CODE, result_code)
		G(CS_EL_RETURNED_ELEM, returned_elem)
		G(CS_EL_SESSION_ID, session_id)
		G(CS_EL_STATS_TIMER, stats_timer)
		G(CS_EL_VENDOR_PAYLOAD, vendor_payload)
		G(CS_EL_BOARD_DATA, board_data)
		G(CS_EL_WTP_FALLBACK, wtp_fallback)
		G(CS_EL_FRAME_TUNNEL_MODE, frame_tunnel_mode)
		G(CS_EL_MAC_TYPE, mac_type)
		G(CS_EL_WTP_NAME, wtp_name)
		G(CS_EL_REBOOT_STATS, reboot_stats)
		G(CS_EL_TRANSPORT_PROTO, transport_proto)
		G(CS_EL_MTU_PADDING, mtu_padding)
		G(CS_EL_ECN_SUPPORT, ecn_support)
		G(CS_EL_80211_RADIO_INFO, radio_info)
		G(CS_EL_CISCO_WTP_IPV4, cisco_wtp_ipv4)
		G(CS_EL_DECRYPT_ERR_REPORT, decrypt_err_report)
		G(CS_EL_DELETE_STATION, delete_station)
		G(CS_EL_DUPLICATE_IPV4, duplicate_ipv4)
		G(CS_EL_RADIO_STATS, radio_stats)
		G(CS_EL_STATIC_IP_INFO, static_ip_info)
		G(CS_EL_80211_STATISTICS, 80211_statistics)
		G(CS_EL_80211_RADIO_CONFIG, 80211_radio_config)
#undef G
	case CS_EL_WTP_DESCRIPTOR:
		r = cs_el_get_wtp_descriptor_auto(e, flags, &v.wd, &err);
		break;
	default:
		return;
	}
	if (r < 0 && (err.what == NULL || err.code != r))
		abort();
	if (r == 0 && e->type == CS_EL_BOARD_DATA) {
		struct cs_str s;
		uint8_t mac[8];

		(void)cs_board_data_model(&v.bd, &s);
		(void)cs_board_data_base_mac(&v.bd, mac);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cs_msg msg, again;
	static uint8_t out[CS_CAPWAP_MAX_MSG + 64];
	unsigned flags;
	struct cs_err err = { 0 };
	struct cs_wr wr;
	uint16_t t;

	if (size < 1)
		return 0;
	flags = (data[0] & 1) ? CS_MSG_F_CISCO : 0;
	if (cs_msg_decode(&msg, data, size, flags, &err) < 0) {
		if (err.what == NULL || err.offset > size)
			abort();
		return 0;
	}
	(void)cs_msg_missing(&msg, flags, &t);
	for (unsigned i = 0; i < msg.n_elems; i++)
		get_typed(&msg.elems[i], flags);
	cs_wr_init(&wr, out, sizeof(out));
	if (cs_msg_encode(&msg, &wr) != 0)
		abort(); /* what we decoded must re-encode */
	if (cs_msg_decode(&again, out, wr.len, flags, NULL) != 0)
		abort(); /* what we emit must parse */
	if (again.n_elems != msg.n_elems || again.n_unknown != msg.n_unknown)
		abort();
	return 0;
}
