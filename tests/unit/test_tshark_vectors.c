/* SPDX-License-Identifier: MIT */
/*
 * One datagram of every CAPWAP control message type (RFC 5415 1-26, RFC
 * 5416 WLAN Configuration pair), each with its mandatory elements, plus a
 * data keep-alive, framed as IPv4/UDP in a pcapng.  As a unit test it
 * checks that each message decodes and is complete and that the capture
 * reads back; with CS_PCAP_OUT set it also writes the capture there (and a
 * Cisco draft-form variant to $CS_PCAP_OUT.cisco, and the expected message
 * types to .expect files) for tests/integration/tshark_decode.sh.
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
#include "capsim/capwap_keepalive.h"
#include "capsim/cursor.h"
#include "capsim/pcapng.h"
#include "testutil.h"

static const uint32_t msg_types[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
	14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
	CS_MSG_WLAN_CONFIG_REQ, CS_MSG_WLAN_CONFIG_RESP };

static const uint8_t mac[6] = { 0x00, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f };
static const uint8_t session[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
	14, 15, 16 };

static void
put_wtp_descriptor(struct cs_wr *wr, bool cisco)
{
	static const char hw[] = "1.0", sw[] = "8.10.130.0";
	struct cs_el_wtp_descriptor d = { .max_radios = 2,
		.radios_in_use = 2,
		.is_cisco_form = cisco,
		.n_encrypt = 1,
		.encrypt = { { .wbid = 1, .caps = 0 } },
		.cisco_encrypt_caps = 1,
		.n_sub = 2 };

	d.sub[0] = (struct cs_wtpd_sub){ cisco ? CS_CISCO_VENDOR_ID : 0,
		CS_WTPD_HW_VERSION, 3, (const uint8_t *)hw };
	d.sub[1] = (struct cs_wtpd_sub){ cisco ? CS_CISCO_VENDOR_ID : 0,
		CS_WTPD_SW_VERSION, 10, (const uint8_t *)sw };
	(void)sizeof(hw);
	cs_el_put_wtp_descriptor(wr, &d);
}

/* Writes a plausible instance of element `type`. */
static void
put_canned(struct cs_wr *wr, uint16_t type, bool cisco)
{
	static const char model[] = "AIR-CAP2702I", serial[] = "FCZ1234ABCD";

	switch (type) {
	case CS_EL_DISCOVERY_TYPE:
		cs_el_put_discovery_type(
		    wr, &(struct cs_el_discovery_type){ CS_DISC_DHCP });
		break;
	case CS_EL_BOARD_DATA: {
		struct cs_el_board_data b = { .vendor = 9, .n_sub = 2 };

		b.sub[0] = (struct cs_board_sub){ CS_BOARD_MODEL, 12,
			(const uint8_t *)model };
		b.sub[1] = (struct cs_board_sub){ CS_BOARD_SERIAL, 11,
			(const uint8_t *)serial };
		cs_el_put_board_data(wr, &b);
		break;
	}
	case CS_EL_WTP_DESCRIPTOR:
		put_wtp_descriptor(wr, cisco);
		break;
	case CS_EL_FRAME_TUNNEL_MODE:
		cs_el_put_frame_tunnel_mode(
		    wr, &(struct cs_el_frame_tunnel_mode){ CS_FTM_8023 });
		break;
	case CS_EL_MAC_TYPE:
		cs_el_put_mac_type(
		    wr, &(struct cs_el_mac_type){ CS_MAC_SPLIT });
		break;
	case CS_EL_80211_RADIO_INFO:
		cs_el_put_radio_info(wr,
		    &(struct cs_el_radio_info){ 1,
		        CS_RADIO_TYPE_B | CS_RADIO_TYPE_G | CS_RADIO_TYPE_N });
		break;
	case CS_EL_AC_DESCRIPTOR: {
		static const char sw[] = "8.10";
		struct cs_el_ac_descriptor a = { .stations = 0,
			.limit = 1000,
			.active_wtps = 1,
			.max_wtps = 200,
			.security = CS_ACD_SEC_X,
			.rmac = CS_ACD_RMAC_NO,
			.dtls_policy = CS_ACD_DTLS_C,
			.n_info = 1 };

		a.info[0] = (struct cs_ac_info){ 0, CS_ACD_INFO_SW, 4,
			(const uint8_t *)sw };
		cs_el_put_ac_descriptor(wr, &a);
		break;
	}
	case CS_EL_AC_NAME:
		cs_el_put_ac_name(
		    wr, &(struct cs_el_ac_name){ { "capsim-wlc", 10 } });
		break;
	case CS_EL_CTRL_IPV4:
		cs_el_put_ctrl_ipv4(
		    wr, &(struct cs_el_ctrl_ipv4){ 0x7f000001, 1 });
		break;
	case CS_EL_LOCATION:
		cs_el_put_location(
		    wr, &(struct cs_el_location){ { "lab rack 3", 10 } });
		break;
	case CS_EL_WTP_NAME:
		cs_el_put_wtp_name(
		    wr, &(struct cs_el_wtp_name){ { "ap-0001", 7 } });
		break;
	case CS_EL_SESSION_ID: {
		struct cs_el_session_id s;

		memcpy(s.id, session, 16);
		cs_el_put_session_id(wr, &s);
		break;
	}
	case CS_EL_ECN_SUPPORT:
		cs_el_put_ecn_support(
		    wr, &(struct cs_el_ecn_support){ CS_ECN_LIMITED });
		break;
	case CS_EL_LOCAL_IPV4:
		cs_el_put_local_ipv4(
		    wr, &(struct cs_el_local_ipv4){ 0x7f000002 });
		break;
	case CS_EL_CISCO_WTP_IPV4:
		cs_el_put_cisco_wtp_ipv4(
		    wr, &(struct cs_el_cisco_wtp_ipv4){ 0x7f000002 });
		break;
	case CS_EL_RESULT_CODE:
		cs_el_put_result_code(
		    wr, &(struct cs_el_result_code){ CS_RC_SUCCESS });
		break;
	case CS_EL_RADIO_ADMIN_STATE:
		cs_el_put_radio_admin_state(wr,
		    &(struct cs_el_radio_admin_state){ 1, CS_ADMIN_ENABLED });
		break;
	case CS_EL_STATS_TIMER:
		cs_el_put_stats_timer(wr, &(struct cs_el_stats_timer){ 120 });
		break;
	case CS_EL_REBOOT_STATS:
		cs_el_put_reboot_stats(wr,
		    &(struct cs_el_reboot_stats){
		        .reboot_count = 1, .last_failure_type = 0 });
		break;
	case CS_EL_TIMERS:
		cs_el_put_timers(wr, &(struct cs_el_timers){ 5, 30 });
		break;
	case CS_EL_DECRYPT_ERR_PERIOD:
		cs_el_put_decrypt_err_period(
		    wr, &(struct cs_el_decrypt_err_period){ 1, 120 });
		break;
	case CS_EL_IDLE_TIMEOUT:
		cs_el_put_idle_timeout(wr, &(struct cs_el_idle_timeout){ 300 });
		break;
	case CS_EL_WTP_FALLBACK:
		cs_el_put_wtp_fallback(wr, &(struct cs_el_wtp_fallback){ 1 });
		break;
	case CS_EL_AC_IPV4_LIST:
		cs_el_put_ac_ipv4_list(
		    wr, &(struct cs_el_ac_ipv4_list){ 1, { 0x7f000001 } });
		break;
	case CS_EL_RADIO_OPER_STATE:
		cs_el_put_radio_oper_state(wr,
		    &(struct cs_el_radio_oper_state){
		        1, CS_OPER_ENABLED, CS_OPER_CAUSE_NORMAL });
		break;
	case CS_EL_IMAGE_ID: {
		static const char img[] = "ap3g2-k9w8";

		cs_el_put_image_id(wr,
		    &(struct cs_el_image_id){ 0, (const uint8_t *)img, 10 });
		break;
	}
	case CS_EL_DECRYPT_ERR_REPORT: {
		/* RFC 5415 §4.6.17: Radio ID, Num of Entries, Length, MACs */
		uint8_t v[9] = { 1, 1, 6 };

		memcpy(v + 3, mac, 6);
		cs_el_put(wr, type, v, sizeof(v));
		break;
	}
	case CS_EL_DATA_TRANSFER_MODE:
		cs_el_put_data_transfer_mode(
		    wr, &(struct cs_el_data_transfer_mode){ CS_DT_MODE_CRASH });
		break;
	case CS_EL_80211_ADD_WLAN: {
		/* RFC 5416 §6.1: radio, WLAN ID, capability, key index,
		 * key status, key length 0, group TSC, QoS, auth type, MAC
		 * mode, tunnel mode, suppress SSID, SSID. */
		static const uint8_t v[] = { 1, 1, 0x04,
			0x21,             /* radio, WLAN, cap */
			0, 0, 0, 0,       /* key index, status, len */
			0, 0, 0, 0, 0, 0, /* group TSC */
			0, 0, 0, 1, 0,    /* QoS .. suppress SSID */
			'l', 'a', 'b' };

		cs_el_put(wr, type, v, sizeof(v));
		break;
	}
	default:
		fail_msg("no canned element %u (%s)", type, cs_elem_name(type));
	}
}

/* Builds message `type` adding whatever cs_msg_missing() asks for. */
static size_t
build_msg(uint8_t *buf, size_t cap, uint32_t type, uint8_t seq, bool cisco)
{
	uint16_t elems[32];
	unsigned n = 0;
	unsigned flags = cisco ? CS_MSG_F_CISCO : 0;

	if (cisco && type == CS_MSG_JOIN_REQ)
		elems[n++] = CS_EL_CISCO_WTP_IPV4;
	for (;;) {
		struct cs_capwap_hdr h;
		struct cs_msgb b;
		struct cs_wr wr;
		struct cs_msg m;
		struct cs_err err = { 0 };
		uint16_t miss = 0;
		int r;

		cs_capwap_hdr_init(&h, 0);
		cs_wr_init(&wr, buf, cap);
		cs_msgb_begin(&b, &wr, &h, type, seq);
		for (unsigned i = 0; i < n; i++)
			put_canned(&wr, elems[i], cisco);
		assert_int_equal(cs_msgb_end(&b), 0);
		if (cs_msg_decode(&m, buf, wr.len, flags, &err) != 0)
			fail_msg("type %u: decode: %s at %zu", type, err.what,
			    err.offset);
		if (m.n_unknown != 0)
			fail_msg("type %u: element %u not allowed", type,
			    m.first_unknown);
		r = cs_msg_missing(&m, flags, &miss);
		assert_true(r >= 0);
		if (r == 0)
			return wr.len;
		assert_true(n < CS_ARRAY_SIZE(elems));
		elems[n++] = miss;
	}
}

/* The Run-state messages with every report and setting capsim sends
 * (lib/ap/ap_run.c, lib/wlc/ctl_run.c): WTP Event Request with radio and
 * 802.11 statistics, decryption errors, a duplicate address, a deleted
 * station and reboot statistics; the error WTP Event Response; a
 * Configuration Update Request with every setting; the WTP's Data
 * Transfer Request. */
#define N_RUN_MSGS 4
static size_t
build_run_msg(uint8_t *buf, size_t cap, unsigned i, uint32_t *type)
{
	static const uint32_t types[N_RUN_MSGS] = { CS_MSG_WTP_EVENT_REQ,
		CS_MSG_WTP_EVENT_RESP, CS_MSG_CONFIG_UPDATE_REQ,
		CS_MSG_DATA_TRANSFER_REQ };
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;
	struct cs_msg m;
	uint16_t miss;

	*type = types[i];
	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, buf, cap);
	cs_msgb_begin(&b, &wr, &h, types[i], (uint8_t)(100 + i));
	switch (i) {
	case 0: {
		struct cs_el_radio_stats rs = { .radio_id = 1,
			.reset_count = 1,
			.config_update_count = 2,
			.noise_floor = -95 };
		struct cs_el_80211_statistics ws = { .radio_id = 1 };
		struct cs_el_decrypt_err_report de = {
			.radio_id = 1, .n = 1, .mac_len = 6
		};
		struct cs_el_duplicate_ipv4 dup = { .addr = 0x7f000002,
			.status = CS_DUP_DETECTED,
			.mac_len = 6 };
		struct cs_el_delete_station ds = { .radio_id = 1,
			.mac_len = 6 };
		struct cs_el_reboot_stats rb = { .ac_initiated_count = 1,
			.last_failure_type = CS_REBOOT_AC_INITIATED };

		for (unsigned k = 0; k < CS_80211_ST__COUNT; k++)
			ws.c[k] = 1000 + k;
		memcpy(de.mac[0], mac, 6);
		memcpy(dup.mac, mac, 6);
		memcpy(ds.mac, mac, 6);
		cs_el_put_radio_stats(&wr, &rs);
		cs_el_put_80211_statistics(&wr, &ws);
		cs_el_put_decrypt_err_report(&wr, &de);
		cs_el_put_duplicate_ipv4(&wr, &dup);
		cs_el_put_delete_station(&wr, &ds);
		cs_el_put_reboot_stats(&wr, &rb);
		break;
	}
	case 1: {
		/* RFC 5415 §4.5.1.5: Result Code 21 + the element returned */
		uint8_t bad[24] = { 0, CS_EL_RADIO_STATS, 0, 20 };
		struct cs_el_returned_elem re = { .reason =
			                              CS_RET_UNKNOWN_VALUE,
			.len = sizeof(bad),
			.elem = bad };

		cs_el_put_result_code(&wr,
		    &(struct cs_el_result_code){
		        CS_RC_FAIL_UNRECOGNIZED_ELEM });
		cs_el_put_returned_elem(&wr, &re);
		break;
	}
	case 2: {
		static const char img[] = "8.10.185.0";
		struct cs_el_80211_radio_config rc = { .radio_id = 1,
			.num_bssids = 1,
			.dtim_period = 1,
			.beacon_period = 100,
			.country = { 'D', 'E', ' ', 0 } };
		struct cs_el_static_ip_info si = { .addr = 0xc6120005,
			.netmask = 0xffffff00,
			.gateway = 0xc6120001,
			.is_static = 1 };

		memcpy(rc.bssid, mac, 6);
		cs_el_put_ac_name_prio(
		    &wr, &(struct cs_el_ac_name_prio){ 1, { "wlc-a", 5 } });
		cs_el_put_ac_name_prio(
		    &wr, &(struct cs_el_ac_name_prio){ 2, { "wlc-b", 5 } });
		cs_el_put_timers(&wr, &(struct cs_el_timers){ 20, 10 });
		cs_el_put_stats_timer(&wr, &(struct cs_el_stats_timer){ 2 });
		cs_el_put_radio_admin_state(&wr,
		    &(struct cs_el_radio_admin_state){ 2, CS_ADMIN_DISABLED });
		cs_el_put_80211_radio_config(&wr, &rc);
		cs_el_put_static_ip_info(&wr, &si);
		cs_el_put_image_id(&wr,
		    &(struct cs_el_image_id){ 9, (const uint8_t *)img, 10 });
		break;
	}
	default: {
		static const char dump[] = "capsim WTP memory dump\n";

		cs_el_put_data_transfer_data(&wr,
		    &(struct cs_el_data_transfer_data){ CS_DT_TYPE_EOF,
		        CS_DT_MODE_DUMP, sizeof(dump) - 1,
		        (const uint8_t *)dump });
		break;
	}
	}
	assert_int_equal(cs_msgb_end(&b), 0);
	assert_int_equal(cs_msg_decode(&m, buf, wr.len, 0, NULL), 0);
	assert_int_equal(m.n_unknown, 0);
	assert_int_equal(cs_msg_missing(&m, 0, &miss), 0);
	return wr.len;
}

static const struct cs_udp4_endpoints wtp_to_ac = { 0x7f000002, 0x7f000001,
	40000, CS_CAPWAP_CONTROL_PORT };
static const struct cs_udp4_endpoints ac_to_wtp = { 0x7f000001, 0x7f000002,
	CS_CAPWAP_CONTROL_PORT, 40000 };

/* Writes the capture into cap; the expected message type per frame (0 for
 * the keep-alive) into expect. */
static size_t
build_capture(uint8_t *cap, size_t caplen, bool cisco, uint32_t *expect,
    unsigned *n_expect)
{
	struct cs_wr wr;
	uint16_t ip_id = 1;
	uint64_t ts = 1700000000000000ull;
	uint8_t msg[2048];
	unsigned n = 0;

	cs_wr_init(&wr, cap, caplen);
	cs_pcapng_put_shb(&wr, "capsim test_tshark_vectors");
	cs_pcapng_put_idb(&wr, CS_LINKTYPE_IPV4, "lo");
	for (size_t i = 0; i < CS_ARRAY_SIZE(msg_types); i++) {
		uint32_t t = msg_types[i];
		size_t len;

		if (cisco && t != CS_MSG_DISCOVERY_REQ && t != CS_MSG_JOIN_REQ)
			continue;
		len = build_msg(msg, sizeof(msg), t, (uint8_t)i, cisco);
		cs_pcapng_put_epb_udp4(&wr, 0, ts += 1000,
		    cs_msg_type_is_request(t) ? &wtp_to_ac : &ac_to_wtp, &ip_id,
		    msg, len);
		expect[n++] = t;
	}
	if (!cisco) {
		struct cs_udp4_endpoints ka = wtp_to_ac;
		struct cs_wr kw;

		ka.dst_port = CS_CAPWAP_DATA_PORT;
		cs_wr_init(&kw, msg, sizeof(msg));
		assert_int_equal(cs_keepalive_encode(&kw, session), 0);
		cs_pcapng_put_epb_udp4(
		    &wr, 0, ts += 1000, &ka, &ip_id, msg, kw.len);
		expect[n++] = 0;
		for (unsigned i = 0; i < N_RUN_MSGS; i++) {
			uint32_t t;
			size_t len = build_run_msg(msg, sizeof(msg), i, &t);

			cs_pcapng_put_epb_udp4(&wr, 0, ts += 1000,
			    cs_msg_type_is_request(t) ==
			            (t != CS_MSG_CONFIG_UPDATE_REQ)
			        ? &wtp_to_ac
			        : &ac_to_wtp,
			    &ip_id, msg, len);
			expect[n++] = t;
		}
	}
	assert_int_equal(wr.err, 0);
	*n_expect = n;
	return wr.len;
}

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		fail_msg("cannot write %s", path);
}

static void
write_outputs(const char *base, const uint8_t *cap, size_t n,
    const uint32_t *expect, unsigned n_expect, const char *suffix)
{
	char path[4096], text[1024];
	size_t tl = 0;

	snprintf(path, sizeof(path), "%s%s", base, suffix);
	write_file(path, cap, n);
	for (unsigned i = 0; i < n_expect; i++)
		tl += (size_t)snprintf(
		    text + tl, sizeof(text) - tl, "%u\n", expect[i]);
	snprintf(path, sizeof(path), "%s%s.expect", base, suffix);
	write_file(path, text, tl);
}

static void
check_readback(const uint8_t *cap, size_t n, const uint32_t *expect,
    unsigned n_expect, bool cisco)
{
	struct cs_pcapng_rd rd;
	struct cs_pcapng_block b;
	unsigned pkts = 0;
	int r;

	cs_pcapng_rd_init(&rd, cap, n);
	while ((r = cs_pcapng_rd_next(&rd, &b, NULL)) == 1) {
		struct cs_udp4_endpoints ep;
		const uint8_t *pl;
		size_t pl_len;
		struct cs_msg m;
		uint8_t id[16];

		if (b.type != CS_PCAPNG_BT_EPB)
			continue;
		assert_true(pkts < n_expect);
		assert_int_equal(cs_udp4_parse(b.linktype, b.data, b.cap_len,
		                     &ep, &pl, &pl_len, NULL),
		    0);
		if (expect[pkts] == 0) {
			assert_int_equal(ep.dst_port, CS_CAPWAP_DATA_PORT);
			assert_int_equal(
			    cs_keepalive_decode(pl, pl_len, 0, id, NULL), 0);
			assert_memory_equal(id, session, 16);
		} else {
			assert_int_equal(cs_msg_decode(&m, pl, pl_len,
			                     cisco ? CS_MSG_F_CISCO : 0, NULL),
			    0);
			assert_int_equal(m.ctl.type, expect[pkts]);
		}
		pkts++;
	}
	assert_int_equal(r, 0);
	assert_int_equal(pkts, n_expect);
}

static void
test_every_message(void **state)
{
	static uint8_t cap[64 * 1024];
	uint32_t expect[64];
	unsigned n_expect;
	const char *out = getenv("CS_PCAP_OUT");
	size_t n;

	(void)state;
	n = build_capture(cap, sizeof(cap), false, expect, &n_expect);
	assert_int_equal(n_expect, CS_ARRAY_SIZE(msg_types) + 1 + N_RUN_MSGS);
	check_readback(cap, n, expect, n_expect, false);
	if (out != NULL && *out != '\0')
		write_outputs(out, cap, n, expect, n_expect, "");

	n = build_capture(cap, sizeof(cap), true, expect, &n_expect);
	assert_int_equal(n_expect, 2);
	check_readback(cap, n, expect, n_expect, true);
	if (out != NULL && *out != '\0')
		write_outputs(out, cap, n, expect, n_expect, ".cisco");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_message),
	};

	return cmocka_run_group_tests_name("tshark_vectors", tests, NULL, NULL);
}
