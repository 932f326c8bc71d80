/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for CAPWAP control messages (lib/wire/capwap_msg.c): every
 * message type built with its mandatory elements decodes, re-encodes
 * byte-identically and is complete; removing a mandatory element is
 * reported; malformed messages fail with a precise error; the canonical
 * vectors in tests/vectors/capwap/ match the builder byte for byte.
 * Set CS_WRITE_VECTORS=1 to (re)write the vectors.
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
#include "testutil.h"

static const uint8_t sw[] = { 8, 10, 196, 0 }, hw[] = { 0, 1, 0, 0 };
static const uint8_t img[] = "8.10.196.0";

/* Writes one canonical sample of element `type`. */
static void
put_sample(struct cs_wr *wr, uint16_t type)
{
	switch (type) {
	case CS_EL_AC_DESCRIPTOR: {
		struct cs_el_ac_descriptor v = { .stations = 0,
			.limit = 2000,
			.active_wtps = 1,
			.max_wtps = 200,
			.security = CS_ACD_SEC_X,
			.rmac = CS_ACD_RMAC_NO,
			.dtls_policy = CS_ACD_DTLS_C,
			.n_info = 2,
			.info = { { 0, CS_ACD_INFO_HW, 4, hw },
			    { 0, CS_ACD_INFO_SW, 4, sw } } };
		cs_el_put_ac_descriptor(wr, &v);
		break;
	}
	case CS_EL_AC_NAME:
		cs_el_put_ac_name(
		    wr, &(struct cs_el_ac_name){ { "capsim-wlc", 10 } });
		break;
	case CS_EL_AC_IPV4_LIST:
		cs_el_put_ac_ipv4_list(
		    wr, &(struct cs_el_ac_ipv4_list){ 1, { 0x7f000001 } });
		break;
	case CS_EL_CTRL_IPV4:
		cs_el_put_ctrl_ipv4(
		    wr, &(struct cs_el_ctrl_ipv4){ 0x7f000001, 1 });
		break;
	case CS_EL_TIMERS:
		cs_el_put_timers(wr, &(struct cs_el_timers){ 20, 30 });
		break;
	case CS_EL_DATA_TRANSFER_DATA:
		cs_el_put_data_transfer_data(wr,
		    &(struct cs_el_data_transfer_data){
		        CS_DT_TYPE_EOF, CS_DT_MODE_CRASH, 2, sw });
		break;
	case CS_EL_DATA_TRANSFER_MODE:
		cs_el_put_data_transfer_mode(
		    wr, &(struct cs_el_data_transfer_mode){ CS_DT_MODE_CRASH });
		break;
	case CS_EL_DECRYPT_ERR_PERIOD:
		cs_el_put_decrypt_err_period(
		    wr, &(struct cs_el_decrypt_err_period){ 1, 120 });
		break;
	case CS_EL_DISCOVERY_TYPE:
		cs_el_put_discovery_type(
		    wr, &(struct cs_el_discovery_type){ CS_DISC_DHCP });
		break;
	case CS_EL_IDLE_TIMEOUT:
		cs_el_put_idle_timeout(wr, &(struct cs_el_idle_timeout){ 300 });
		break;
	case CS_EL_IMAGE_DATA:
		cs_el_put_image_data(
		    wr, &(struct cs_el_image_data){ CS_IMG_EOF, NULL, 0 });
		break;
	case CS_EL_IMAGE_ID:
		cs_el_put_image_id(wr,
		    &(struct cs_el_image_id){ CS_CISCO_VENDOR_ID, img, 10 });
		break;
	case CS_EL_INITIATE_DOWNLOAD:
		cs_el_put_initiate_download(
		    wr, &(struct cs_el_initiate_download){ 0 });
		break;
	case CS_EL_LOCATION:
		cs_el_put_location(
		    wr, &(struct cs_el_location){ { "lab", 3 } });
		break;
	case CS_EL_LOCAL_IPV4:
		cs_el_put_local_ipv4(
		    wr, &(struct cs_el_local_ipv4){ 0x7f000105 });
		break;
	case CS_EL_RADIO_ADMIN_STATE:
		cs_el_put_radio_admin_state(wr,
		    &(struct cs_el_radio_admin_state){ 1, CS_ADMIN_ENABLED });
		break;
	case CS_EL_RADIO_OPER_STATE:
		cs_el_put_radio_oper_state(wr,
		    &(struct cs_el_radio_oper_state){ 1, CS_OPER_ENABLED, 0 });
		break;
	case CS_EL_RESULT_CODE:
		cs_el_put_result_code(
		    wr, &(struct cs_el_result_code){ CS_RC_SUCCESS });
		break;
	case CS_EL_SESSION_ID:
		cs_el_put_session_id(wr,
		    &(struct cs_el_session_id){ { 0x5e, 0x55, 1, 2, 3, 4, 5, 6,
		        7, 8, 9, 10, 11, 12, 13, 14 } });
		break;
	case CS_EL_STATS_TIMER:
		cs_el_put_stats_timer(wr, &(struct cs_el_stats_timer){ 120 });
		break;
	case CS_EL_VENDOR_PAYLOAD:
		cs_el_put_vendor_payload(wr,
		    &(struct cs_el_vendor_payload){
		        CS_CISCO_VENDOR_ID, CS_CISCO_AP_TIME_SYNC, sw, 4 });
		break;
	case CS_EL_BOARD_DATA: {
		struct cs_el_board_data v = { 4232704, 2,
			{ { CS_BOARD_MODEL, 9, (const uint8_t *)"CAPSIM-AP" },
			    { CS_BOARD_SERIAL, 4, (const uint8_t *)"0001" } } };
		cs_el_put_board_data(wr, &v);
		break;
	}
	case CS_EL_WTP_DESCRIPTOR: {
		struct cs_el_wtp_descriptor v = { .max_radios = 1,
			.radios_in_use = 1,
			.n_encrypt = 1,
			.encrypt = { { CS_WBID_IEEE80211, 0 } },
			.n_sub = 3,
			.sub = { { 0, CS_WTPD_HW_VERSION, 4, hw },
			    { 0, CS_WTPD_SW_VERSION, 4, sw },
			    { 0, CS_WTPD_BOOT_VERSION, 4, hw } } };
		cs_el_put_wtp_descriptor(wr, &v);
		break;
	}
	case CS_EL_WTP_FALLBACK:
		cs_el_put_wtp_fallback(wr, &(struct cs_el_wtp_fallback){ 1 });
		break;
	case CS_EL_FRAME_TUNNEL_MODE:
		cs_el_put_frame_tunnel_mode(
		    wr, &(struct cs_el_frame_tunnel_mode){ CS_FTM_8023 });
		break;
	case CS_EL_CISCO_WTP_IPV4:
		cs_el_put_cisco_wtp_ipv4(
		    wr, &(struct cs_el_cisco_wtp_ipv4){ 0x7f000105 });
		break;
	case CS_EL_MAC_TYPE:
		cs_el_put_mac_type(wr, &(struct cs_el_mac_type){ 0 });
		break;
	case CS_EL_WTP_NAME:
		cs_el_put_wtp_name(
		    wr, &(struct cs_el_wtp_name){ { "ap-0001", 7 } });
		break;
	case CS_EL_REBOOT_STATS:
		cs_el_put_reboot_stats(wr, &(struct cs_el_reboot_stats){ 0 });
		break;
	case CS_EL_ECN_SUPPORT:
		cs_el_put_ecn_support(wr, &(struct cs_el_ecn_support){ 0 });
		break;
	case CS_EL_80211_RADIO_INFO:
		cs_el_put_radio_info(wr,
		    &(struct cs_el_radio_info){
		        1, CS_RADIO_TYPE_B | CS_RADIO_TYPE_G });
		break;
	case CS_EL_80211_ADD_WLAN: {
		uint8_t v[21] = { 1, 1, 0, 0x01, 0, 0, 0, 0 };

		v[20] = 'x';
		cs_el_put(wr, type, v, sizeof(v));
		break;
	}
	default: {
		/* Any other element: the table's minimum length of zeros. */
		uint8_t z[64] = { 0 };

		cs_el_put(wr, type, z, cs_elem_desc(type)->min_len);
		break;
	}
	}
}

struct msg_case {
	const char *file; /* vector name */
	uint32_t type;
	unsigned flags;
	uint16_t elems[16]; /* zero-terminated, in order */
	/* (removed element, reported element) pairs, zero-terminated */
	uint16_t missing[16][2];
};

static const struct msg_case msgs[] = {
	{ "discovery_request", CS_MSG_DISCOVERY_REQ, 0,
	    { 20, 38, 39, 41, 44, 1048, 0 },
	    { { 20, 20 }, { 38, 38 }, { 39, 39 }, { 41, 41 }, { 44, 44 },
	        { 1048, 1048 } } },
	{ "discovery_response", CS_MSG_DISCOVERY_RESP, 0, { 1, 4, 1048, 10 },
	    { { 1, 1 }, { 4, 4 }, { 1048, 1048 }, { 10, 10 } } },
	{ "join_request", CS_MSG_JOIN_REQ, 0,
	    { 28, 38, 39, 45, 35, 41, 44, 1048, 53, 30 },
	    { { 28, 28 }, { 38, 38 }, { 39, 39 }, { 45, 45 }, { 35, 35 },
	        { 41, 41 }, { 44, 44 }, { 1048, 1048 }, { 53, 53 },
	        { 30, 30 } } },
	{ "join_request_cisco", CS_MSG_JOIN_REQ, CS_MSG_F_CISCO,
	    { 28, 38, 39, 45, 35, 41, 44, 1048, 42 },
	    { { 28, 28 }, { 42, 30 } } },
	{ "join_response", CS_MSG_JOIN_RESP, 0, { 33, 1, 4, 1048, 53, 10, 30 },
	    { { 33, 33 }, { 1, 1 }, { 4, 4 }, { 1048, 1048 }, { 53, 53 },
	        { 10, 10 }, { 30, 30 } } },
	{ "config_status_request", CS_MSG_CONFIG_STATUS_REQ, 0,
	    { 4, 31, 36, 48, 1048 },
	    { { 4, 4 }, { 31, 31 }, { 36, 36 }, { 48, 48 }, { 1048, 1048 } } },
	{ "config_status_response", CS_MSG_CONFIG_STATUS_RESP, 0,
	    { 12, 16, 23, 40, 2 },
	    { { 12, 12 }, { 16, 16 }, { 23, 23 }, { 40, 40 }, { 2, 2 } } },
	{ "config_update_request", CS_MSG_CONFIG_UPDATE_REQ, 0, { 12, 0 },
	    { { 0 } } },
	{ "config_update_response", CS_MSG_CONFIG_UPDATE_RESP, 0, { 33 },
	    { { 33, 33 } } },
	{ "wtp_event_request", CS_MSG_WTP_EVENT_REQ, 0, { 48 },
	    { { 48, 15 } } },
	{ "wtp_event_response", CS_MSG_WTP_EVENT_RESP, 0, { 0 }, { { 0 } } },
	{ "change_state_request", CS_MSG_CHANGE_STATE_REQ, 0, { 32, 33 },
	    { { 32, 32 }, { 33, 33 } } },
	{ "change_state_response", CS_MSG_CHANGE_STATE_RESP, 0, { 0 },
	    { { 0 } } },
	{ "echo_request", CS_MSG_ECHO_REQ, 0, { 0 }, { { 0 } } },
	{ "echo_response", CS_MSG_ECHO_RESP, 0, { 37 }, { { 0 } } },
	{ "image_data_request", CS_MSG_IMAGE_DATA_REQ, 0, { 25, 27 },
	    { { 0 } } },
	{ "image_data_response", CS_MSG_IMAGE_DATA_RESP, 0, { 33, 26 },
	    { { 33, 33 } } },
	{ "reset_request", CS_MSG_RESET_REQ, 0, { 25 }, { { 25, 25 } } },
	{ "reset_response", CS_MSG_RESET_RESP, 0, { 33 }, { { 0 } } },
	{ "primary_discovery_request", CS_MSG_PRIMARY_DISCOVERY_REQ, 0,
	    { 20, 38, 39, 41, 44, 1048 }, { { 39, 39 } } },
	{ "primary_discovery_response", CS_MSG_PRIMARY_DISCOVERY_RESP, 0,
	    { 1, 4, 1048, 10 }, { { 10, 10 } } },
	{ "data_transfer_request", CS_MSG_DATA_TRANSFER_REQ, 0, { 14 },
	    { { 14, 14 } } },
	{ "data_transfer_request_data", CS_MSG_DATA_TRANSFER_REQ, 0, { 13 },
	    { { 13, 14 } } },
	{ "data_transfer_response", CS_MSG_DATA_TRANSFER_RESP, 0, { 33 },
	    { { 33, 33 } } },
	{ "clear_config_request", CS_MSG_CLEAR_CONFIG_REQ, 0, { 0 },
	    { { 0 } } },
	{ "clear_config_response", CS_MSG_CLEAR_CONFIG_RESP, 0, { 33 },
	    { { 33, 33 } } },
	{ "station_config_request", CS_MSG_STATION_CONFIG_REQ, 0, { 8, 1036 },
	    { { 0 } } },
	{ "station_config_response", CS_MSG_STATION_CONFIG_RESP, 0, { 33 },
	    { { 33, 33 } } },
	{ "wlan_config_request", CS_MSG_WLAN_CONFIG_REQ, 0, { 1024 },
	    { { 1024, 1024 } } },
	{ "wlan_config_response", CS_MSG_WLAN_CONFIG_RESP, 0, { 33, 1026 },
	    { { 33, 33 } } },
};

static size_t
build(const struct msg_case *c, uint8_t *buf, size_t cap)
{
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;

	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, buf, cap);
	cs_msgb_begin(&b, &wr, &h, c->type, 0x2a);
	for (size_t i = 0; i < CS_ARRAY_SIZE(c->elems) && c->elems[i]; i++)
		put_sample(&wr, c->elems[i]);
	if (cs_msgb_end(&b) != 0)
		fail_msg("%s: build failed %d", c->file, wr.err);
	return wr.len;
}

static void
write_vector(const char *name, const uint8_t *p, size_t n)
{
	char path[512];
	const char *src = getenv("CS_SRC");
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/vectors/capwap/%s.hex",
	    src != NULL ? src : ".", name);
	if ((f = fopen(path, "w")) == NULL)
		fail_msg("cannot write %s", path);
	for (size_t i = 0; i < n; i++)
		fprintf(
		    f, "%02x%s", p[i], i % 16 == 15 || i + 1 == n ? "\n" : " ");
	fclose(f);
}

static void
test_messages(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(msgs); i++) {
		const struct msg_case *c = &msgs[i];
		uint8_t buf[2048], out[2048];
		size_t n = build(c, buf, sizeof(buf));
		struct cs_msg m;
		struct cs_wr wr;
		struct cs_err err = { 0 };
		uint16_t t = 0;

		if (cs_msg_decode(&m, buf, n, c->flags, &err) != 0)
			fail_msg(
			    "%s: %s at %zu", c->file, err.what, err.offset);
		assert_int_equal(m.ctl.type, c->type);
		assert_int_equal(m.ctl.seq, 0x2a);
		assert_int_equal(m.ctl.elem_len, n - 8 - 5);
		if (m.n_unknown != 0)
			fail_msg("%s: element %u not allowed", c->file,
			    m.first_unknown);
		if (cs_msg_missing(&m, c->flags, &t) != 0)
			fail_msg("%s: missing %u", c->file, t);
		cs_wr_init(&wr, out, sizeof(out));
		assert_int_equal(cs_msg_encode(&m, &wr), 0);
		assert_bytes_equal(out, wr.len, buf, n);
		if (getenv("CS_WRITE_VECTORS") != NULL)
			write_vector(c->file, buf, n);

		/* Remove each mandatory element: reported. */
		for (size_t k = 0; k < 16 && c->missing[k][0]; k++) {
			struct cs_msg r = m;

			r.n_elems = 0;
			for (unsigned j = 0; j < m.n_elems; j++)
				if (m.elems[j].type != c->missing[k][0])
					r.elems[r.n_elems++] = m.elems[j];
			assert_true(r.n_elems < m.n_elems);
			t = 0;
			if (cs_msg_missing(&r, c->flags, &t) != 1)
				fail_msg("%s: removing %u not noticed", c->file,
				    c->missing[k][0]);
			assert_int_equal(t, c->missing[k][1]);
		}
	}
}

/* Canonical vectors: decode, encode(decode(b)) == b, complete, and the
 * builder still produces exactly these bytes. */
static void
test_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(msgs); i++) {
		const struct msg_case *c = &msgs[i];
		char rel[256];
		size_t tlen, n, built_n;
		uint8_t *text, bin[2048], out[2048], built[2048];
		char *z;
		struct cs_msg m;
		struct cs_wr wr;
		uint16_t t;

		snprintf(
		    rel, sizeof(rel), "tests/vectors/capwap/%s.hex", c->file);
		text = cs_test_read_src(rel, &tlen);
		z = malloc(tlen + 1);
		assert_non_null(z);
		memcpy(z, text, tlen);
		z[tlen] = '\0';
		n = cs_test_unhex(z, bin, sizeof(bin));
		free(z);
		free(text);
		assert_int_equal(cs_msg_decode(&m, bin, n, c->flags, NULL), 0);
		assert_int_equal(cs_msg_missing(&m, c->flags, &t), 0);
		cs_wr_init(&wr, out, sizeof(out));
		assert_int_equal(cs_msg_encode(&m, &wr), 0);
		assert_bytes_equal(out, wr.len, bin, n);
		built_n = build(c, built, sizeof(built));
		assert_bytes_equal(built, built_n, bin, n);
	}
}

static void
test_join_request_known_bytes(void **state)
{
	uint8_t buf[2048];
	size_t n;

	(void)state;
	n = build(&msgs[2], buf, sizeof(buf));
	/* preamble, HLEN 2, WBID 1; type 3, seq 0x2a, flags 0 */
	assert_int_equal(buf[0], 0x00);
	assert_int_equal(buf[1], 0x10);
	assert_int_equal(buf[2], 0x02);
	assert_int_equal(buf[3], 0x00);
	assert_int_equal(
	    buf[8] << 24 | buf[9] << 16 | buf[10] << 8 | buf[11], 3);
	assert_int_equal(buf[12], 0x2a);
	assert_int_equal(buf[13] << 8 | buf[14], n - 13);
	assert_int_equal(buf[15], 0);
	/* first element: Location Data "lab" */
	assert_int_equal(buf[16] << 8 | buf[17], 28);
	assert_int_equal(buf[18] << 8 | buf[19], 3);
	assert_memory_equal(buf + 20, "lab", 3);
}

static void
test_cisco_join_without_flag(void **state)
{
	uint8_t buf[2048];
	size_t n = build(&msgs[3], buf, sizeof(buf));
	struct cs_msg m;
	uint16_t t = 0;

	(void)state;
	assert_int_equal(cs_msg_decode(&m, buf, n, 0, NULL), 0);
	assert_int_equal(m.n_unknown, 1);
	assert_int_equal(m.first_unknown, CS_EL_CISCO_WTP_IPV4);
	assert_int_equal(cs_msg_missing(&m, 0, &t), 1);
	assert_int_equal(t, CS_EL_ECN_SUPPORT);
	assert_int_equal(cs_msg_decode(&m, buf, n, CS_MSG_F_CISCO, NULL), 0);
	assert_int_equal(m.n_unknown, 0);
}

static void
test_unknown_and_not_allowed(void **state)
{
	uint8_t buf[256];
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;
	struct cs_msg m;
	static const uint8_t z[4] = { 0 };

	(void)state;
	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_msgb_begin(&b, &wr, &h, CS_MSG_ECHO_REQ, 1);
	cs_el_put(&wr, 999, z, 2);          /* not in the table */
	put_sample(&wr, CS_EL_RESULT_CODE); /* not allowed in Echo */
	put_sample(&wr, CS_EL_VENDOR_PAYLOAD);
	assert_int_equal(cs_msgb_end(&b), 0);
	assert_int_equal(cs_msg_decode(&m, buf, wr.len, 0, NULL), 0);
	assert_int_equal(m.n_elems, 3);
	assert_int_equal(m.n_unknown, 2);
	assert_int_equal(m.first_unknown, 999);
	assert_int_equal(cs_msg_count(&m, CS_EL_RESULT_CODE), 1);
	assert_ptr_equal(cs_msg_find(&m, CS_EL_RESULT_CODE, 0), &m.elems[1]);
	assert_null(cs_msg_find(&m, CS_EL_RESULT_CODE, 1));
	assert_int_equal(m.elems[0].off, 16);
	assert_int_equal(m.elems[1].off, 22);
}

static void
test_elem_cap(void **state)
{
	uint8_t buf[4096];
	struct cs_capwap_hdr h;
	struct cs_msg m;
	struct cs_err err = { 0 };

	(void)state;
	for (unsigned count = CS_MAX_ELEMS; count <= CS_MAX_ELEMS + 1;
	     count++) {
		struct cs_msgb b;
		struct cs_wr wr;

		cs_capwap_hdr_init(&h, 0);
		cs_wr_init(&wr, buf, sizeof(buf));
		cs_msgb_begin(&b, &wr, &h, CS_MSG_ECHO_REQ, 1);
		for (unsigned i = 0; i < count; i++)
			put_sample(&wr, CS_EL_VENDOR_PAYLOAD);
		assert_int_equal(cs_msgb_end(&b), 0);
		if (count == CS_MAX_ELEMS) {
			assert_int_equal(
			    cs_msg_decode(&m, buf, wr.len, 0, &err), 0);
			assert_int_equal(m.n_elems, CS_MAX_ELEMS);
		} else {
			assert_int_equal(
			    cs_msg_decode(&m, buf, wr.len, 0, &err), -E2BIG);
			assert_int_equal(err.offset, 16 + 14 * CS_MAX_ELEMS);
		}
	}
}

struct bad_msg {
	const char *name;
	const char *hex;
	int code;
	const char *what;
	size_t offset;
};

static const struct bad_msg bad_msgs[] = {
	{ "trailing", "00 10 02 00 00 00 00 00 00 00 00 0d 01 00 03 00 ff",
	    -EBADMSG, "trailing bytes after message elements", 16 },
	{ "elem_len beyond", "00 10 02 00 00 00 00 00 00 00 00 0d 01 00 04 00",
	    -EBADMSG, "message element length beyond datagram", 13 },
	{ "elem_len 2", "00 10 02 00 00 00 00 00 00 00 00 0d 01 00 02 00",
	    -EBADMSG, "message element length below 3", 13 },
	{ "ctl flags", "00 10 02 00 00 00 00 00 00 00 00 0d 01 00 03 01",
	    -EBADMSG, "control flags not zero", 15 },
	{ "ctl short", "00 10 02 00 00 00 00 00 00 00 00 0d 01 00", -EBADMSG,
	    "control header truncated", 8 },
	{ "fragment", "00 10 02 80 00 00 00 00 00 00 00 0d 01 00 03 00",
	    -EBADMSG, "fragment: reassemble before decoding", 1 },
	{ "elem hdr short",
	    "00 10 02 00 00 00 00 00 00 00 00 0d 01 00 05 00 00 21", -EBADMSG,
	    "message element header truncated", 16 },
	{ "elem beyond",
	    "00 10 02 00 00 00 00 00 00 00 00 0e 01 00 08 00 00 21 00 04 00",
	    -EBADMSG, "message element length beyond message", 18 },
	{ "result code len 3",
	    "00 10 02 00 00 00 00 00 00 00 00 0e 01 00 0a 00 00 21 00 03 00 "
	    "00 00",
	    -EBADMSG, "message element length out of range for its type", 18 },
	{ "dtls preamble", "01 00 00 00 16 fe ff", -EBADMSG,
	    "preamble type not CAPWAP", 0 },
};

static void
test_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad_msgs); i++) {
		uint8_t buf[64];
		size_t n = cs_test_unhex(bad_msgs[i].hex, buf, sizeof(buf));
		static struct cs_msg m, before;
		struct cs_err err = { 0 };
		int r;

		memset(&m, 0xa5, sizeof(m));
		before = m;
		r = cs_msg_decode(&m, buf, n, 0, &err);
		if (r != bad_msgs[i].code)
			fail_msg("%s: got %d (%s)", bad_msgs[i].name, r,
			    err.what != NULL ? err.what : "-");
		assert_string_equal(err.what, bad_msgs[i].what);
		assert_int_equal(err.offset, bad_msgs[i].offset);
		assert_memory_equal(&m, &before, sizeof(m));
	}
}

static void
test_args_and_limits(void **state)
{
	static uint8_t big[CS_CAPWAP_MAX_MSG + 1];
	struct cs_msg m;
	uint16_t t;
	struct cs_err err = { 0 };

	(void)state;
	assert_int_equal(cs_msg_decode(NULL, big, 16, 0, &err), -EINVAL);
	assert_int_equal(cs_msg_decode(&m, NULL, 16, 0, &err), -EINVAL);
	assert_int_equal(
	    cs_msg_decode(&m, big, sizeof(big), 0, &err), -EMSGSIZE);
	assert_int_equal(cs_msg_missing(NULL, 0, &t), -EINVAL);
	assert_null(cs_msg_find(NULL, 1, 0));
	assert_int_equal(cs_msg_count(NULL, 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_join_request_known_bytes),
		cmocka_unit_test(test_cisco_join_without_flag),
		cmocka_unit_test(test_unknown_and_not_allowed),
		cmocka_unit_test(test_elem_cap),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_args_and_limits),
	};

	return cmocka_run_group_tests_name("capwap_msg", tests, NULL, NULL);
}
