/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the typed CAPWAP message elements (lib/wire/capwap_elems.c):
 * every element round-trips, every truncation either fails cleanly or is a
 * shorter valid element, lying inner lengths fail, the table's bounds and
 * the element type are enforced.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "testutil.h"

#define STR(x)                                                                 \
	{                                                                      \
		x, sizeof(x) - 1                                               \
	}

static const uint8_t blob[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

static const struct cs_el_ac_descriptor s_ac_descriptor = { .stations = 10,
	.limit = 1000,
	.active_wtps = 3,
	.max_wtps = 200,
	.security = CS_ACD_SEC_X,
	.rmac = CS_ACD_RMAC_NO,
	.dtls_policy = CS_ACD_DTLS_C,
	.n_info = 2,
	.info = { { 0, CS_ACD_INFO_HW, 4, blob },
	    { 0, CS_ACD_INFO_SW, 4, blob + 4 } } };
static const struct cs_el_ac_ipv4_list s_ac_ipv4_list = { 2,
	{ 0x7f000001, 0x7f000002 } };
static const struct cs_el_ac_name s_ac_name = { STR("wlc-1") };
static const struct cs_el_ac_name_prio s_ac_name_prio = { 1, STR("wlc-p") };
static const struct cs_el_ac_timestamp s_ac_timestamp = { 0xe1234567 };
static const struct cs_el_ctrl_ipv4 s_ctrl_ipv4 = { 0x7f000001, 7 };
static const struct cs_el_ctrl_ipv6 s_ctrl_ipv6 = { { 0xfe, 0x80, [15] = 1 },
	9 };
static const struct cs_el_timers s_timers = { 20, 30 };
static const struct cs_el_data_transfer_data s_data_transfer_data = {
	CS_DT_TYPE_DATA, CS_DT_MODE_CRASH, 5, blob
};
static const struct cs_el_data_transfer_mode s_data_transfer_mode = { 2 };
static const struct cs_el_decrypt_err_period s_decrypt_err_period = { 1, 120 };
static const struct cs_el_discovery_type s_discovery_type = { CS_DISC_DHCP };
static const struct cs_el_idle_timeout s_idle_timeout = { 300 };
static const struct cs_el_image_data s_image_data = { CS_IMG_DATA, blob, 6 };
static const struct cs_el_image_id s_image_id = { CS_CISCO_VENDOR_ID, blob, 4 };
static const struct cs_el_image_info s_image_info = { 123456,
	{ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 } };
static const struct cs_el_initiate_download s_initiate_download = { 0 };
static const struct cs_el_location s_location = { STR("lab rack 3") };
static const struct cs_el_max_msg_len s_max_msg_len = { 14000 };
static const struct cs_el_local_ipv4 s_local_ipv4 = { 0x7f000105 };
static const struct cs_el_local_ipv6 s_local_ipv6 = { { 0x20, 0x01, 0x0d,
    0xb8, [15] = 5 } };
static const struct cs_el_radio_admin_state s_radio_admin_state = { 1,
	CS_ADMIN_ENABLED };
static const struct cs_el_radio_oper_state s_radio_oper_state = { 2,
	CS_OPER_DISABLED, CS_OPER_CAUSE_ADMIN };
static const struct cs_el_result_code s_result_code = {
	CS_RC_JOIN_FAIL_RESOURCE
};
static const uint8_t returned[] = { 0x03, 0xe7, 0x00, 0x01, 0xaa };
static const struct cs_el_returned_elem s_returned_elem = { CS_RET_UNKNOWN_ELEM,
	5, returned };
static const struct cs_el_session_id s_session_id = { { 0xde, 0xad, 0xbe,
    0xef, [15] = 0x42 } };
static const struct cs_el_stats_timer s_stats_timer = { 120 };
static const struct cs_el_vendor_payload s_vendor_payload = {
	CS_CISCO_VENDOR_ID, CS_CISCO_AP_TIME_SYNC, blob, 5
};
static const struct cs_el_board_data s_board_data = { CS_CISCO_VENDOR_ID, 3,
	{ { CS_BOARD_MODEL, 5, (const uint8_t *)"AP-42" },
	    { CS_BOARD_SERIAL, 3, (const uint8_t *)"S01" },
	    { CS_BOARD_BASE_MAC, 6, blob } } };
static const struct cs_el_wtp_descriptor s_wtp_descriptor = { .max_radios = 2,
	.radios_in_use = 2,
	.n_encrypt = 1,
	.encrypt = { { CS_WBID_IEEE80211, 0x0001 } },
	.n_sub = 3,
	.sub = { { 0, CS_WTPD_HW_VERSION, 4, blob },
	    { 0, CS_WTPD_SW_VERSION, 4, blob + 4 },
	    { 0, CS_WTPD_BOOT_VERSION, 2, blob + 8 } } };
static const struct cs_el_wtp_fallback s_wtp_fallback = { 1 };
static const struct cs_el_frame_tunnel_mode s_frame_tunnel_mode = {
	CS_FTM_8023
};
static const struct cs_el_mac_type s_mac_type = { CS_MAC_LOCAL };
static const struct cs_el_wtp_name s_wtp_name = { STR("ap-0001") };
static const struct cs_el_reboot_stats s_reboot_stats = { 1, 2, 3, 4, 5, 6, 7,
	8 };
static const struct cs_el_transport_proto s_transport_proto = {
	CS_TRANSPORT_UDP
};
static const struct cs_el_mtu_padding s_mtu_padding = { 9 };
static const struct cs_el_ecn_support s_ecn_support = { CS_ECN_LIMITED };
static const struct cs_el_radio_info s_radio_info = { 1,
	CS_RADIO_TYPE_B | CS_RADIO_TYPE_G | CS_RADIO_TYPE_N };
static const struct cs_el_cisco_wtp_ipv4 s_cisco_wtp_ipv4 = { 0x7f000107 };

typedef void put_fn(struct cs_wr *wr, const void *v);
typedef int get_fn(const struct cs_elem *e, void *v, struct cs_err *err);

struct el_case {
	const char *name;
	uint16_t type;
	put_fn *put;
	get_fn *get;
	const void *sample;
	size_t size;
	bool is_pod;   /* no views: compare whole structs */
	bool is_fixed; /* every truncation must fail */
	int inner_len; /* value offset of a length byte to lie in, or -1 */
};

#define W(name)                                                                \
	static void put_##name(struct cs_wr *wr, const void *v)                \
	{                                                                      \
		cs_el_put_##name(wr, v);                                       \
	}                                                                      \
	static int get_##name(                                                 \
	    const struct cs_elem *e, void *v, struct cs_err *err)              \
	{                                                                      \
		return cs_el_get_##name(e, v, err);                            \
	}

W(ac_descriptor)
W(ac_ipv4_list)
W(ac_name)
W(ac_name_prio)
W(ac_timestamp)
W(ctrl_ipv4)
W(ctrl_ipv6)
W(timers)
W(data_transfer_data)
W(data_transfer_mode)
W(decrypt_err_period)
W(discovery_type)
W(idle_timeout)
W(image_data)
W(image_id)
W(image_info)
W(initiate_download)
W(location)
W(max_msg_len)
W(local_ipv4)
W(local_ipv6)
W(radio_admin_state)
W(radio_oper_state)
W(result_code)
W(returned_elem)
W(session_id)
W(stats_timer)
W(vendor_payload)
W(board_data)
W(wtp_descriptor)
W(wtp_fallback)
W(frame_tunnel_mode)
W(mac_type)
W(wtp_name)
W(reboot_stats)
W(transport_proto)
W(mtu_padding)
W(ecn_support)
W(radio_info)
W(cisco_wtp_ipv4)

#define C(name, TYPE, pod, fixed, inner)                                       \
	{                                                                      \
#name, TYPE, put_##name, get_##name, &s_##name,                \
		    sizeof(s_##name), pod, fixed, inner                        \
	}

static const struct el_case cases[] = {
	/* inner: AC Information Length of the first sub-element */
	C(ac_descriptor, CS_EL_AC_DESCRIPTOR, false, false, 12 + 7),
	C(ac_ipv4_list, CS_EL_AC_IPV4_LIST, true, false, -1),
	C(ac_name, CS_EL_AC_NAME, false, false, -1),
	C(ac_name_prio, CS_EL_AC_NAME_PRIO, false, false, -1),
	C(ac_timestamp, CS_EL_AC_TIMESTAMP, true, true, -1),
	C(ctrl_ipv4, CS_EL_CTRL_IPV4, true, true, -1),
	C(ctrl_ipv6, CS_EL_CTRL_IPV6, true, true, -1),
	C(timers, CS_EL_TIMERS, true, true, -1),
	C(data_transfer_data, CS_EL_DATA_TRANSFER_DATA, false, true, 3),
	C(data_transfer_mode, CS_EL_DATA_TRANSFER_MODE, true, true, -1),
	C(decrypt_err_period, CS_EL_DECRYPT_ERR_PERIOD, true, true, -1),
	C(discovery_type, CS_EL_DISCOVERY_TYPE, true, true, -1),
	C(idle_timeout, CS_EL_IDLE_TIMEOUT, true, true, -1),
	C(image_data, CS_EL_IMAGE_DATA, false, false, -1),
	C(image_id, CS_EL_IMAGE_ID, false, false, -1),
	C(image_info, CS_EL_IMAGE_INFO, true, true, -1),
	C(initiate_download, CS_EL_INITIATE_DOWNLOAD, true, true, -1),
	C(location, CS_EL_LOCATION, false, false, -1),
	C(max_msg_len, CS_EL_MAX_MSG_LEN, true, true, -1),
	C(local_ipv4, CS_EL_LOCAL_IPV4, true, true, -1),
	C(local_ipv6, CS_EL_LOCAL_IPV6, true, true, -1),
	C(radio_admin_state, CS_EL_RADIO_ADMIN_STATE, true, true, -1),
	C(radio_oper_state, CS_EL_RADIO_OPER_STATE, true, true, -1),
	C(result_code, CS_EL_RESULT_CODE, true, true, -1),
	C(returned_elem, CS_EL_RETURNED_ELEM, false, true, 1),
	C(session_id, CS_EL_SESSION_ID, true, true, -1),
	C(stats_timer, CS_EL_STATS_TIMER, true, true, -1),
	C(vendor_payload, CS_EL_VENDOR_PAYLOAD, false, false, -1),
	/* inner: Length of the first board sub-element */
	C(board_data, CS_EL_BOARD_DATA, false, false, 4 + 3),
	/* inner: Length of the first descriptor sub-element */
	C(wtp_descriptor, CS_EL_WTP_DESCRIPTOR, false, false, 3 + 3 + 7),
	C(wtp_fallback, CS_EL_WTP_FALLBACK, true, true, -1),
	C(frame_tunnel_mode, CS_EL_FRAME_TUNNEL_MODE, true, true, -1),
	C(mac_type, CS_EL_MAC_TYPE, true, true, -1),
	C(wtp_name, CS_EL_WTP_NAME, false, false, -1),
	C(reboot_stats, CS_EL_REBOOT_STATS, true, true, -1),
	C(transport_proto, CS_EL_TRANSPORT_PROTO, true, true, -1),
	C(mtu_padding, CS_EL_MTU_PADDING, true, false, -1),
	C(ecn_support, CS_EL_ECN_SUPPORT, true, true, -1),
	C(radio_info, CS_EL_80211_RADIO_INFO, true, true, -1),
	C(cisco_wtp_ipv4, CS_EL_CISCO_WTP_IPV4, true, true, -1),
};

#define BASE_OFF 100 /* pretend the TLV sits at this buffer offset */

static size_t
encode_case(const struct el_case *c, const void *v, uint8_t *buf, size_t cap)
{
	struct cs_wr wr;

	cs_wr_init(&wr, buf, cap);
	c->put(&wr, v);
	if (wr.err != 0)
		fail_msg("%s: put failed %d", c->name, wr.err);
	return wr.len;
}

static struct cs_elem
view(uint16_t type, const uint8_t *tlv, size_t vlen)
{
	struct cs_elem e = { type, (uint16_t)vlen, tlv + 4, BASE_OFF };

	return e;
}

static void
assert_str_eq(struct cs_str a, struct cs_str b)
{
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.s, b.s, a.len);
}

/* Field-by-field comparison for the structs that hold views. */
static void
compare_views(const struct el_case *c, const void *a, const void *b)
{
	if (c->type == CS_EL_AC_DESCRIPTOR) {
		const struct cs_el_ac_descriptor *x = a, *y = b;

		assert_int_equal(x->stations, y->stations);
		assert_int_equal(x->limit, y->limit);
		assert_int_equal(x->active_wtps, y->active_wtps);
		assert_int_equal(x->max_wtps, y->max_wtps);
		assert_int_equal(x->security, y->security);
		assert_int_equal(x->rmac, y->rmac);
		assert_int_equal(x->reserved, y->reserved);
		assert_int_equal(x->dtls_policy, y->dtls_policy);
		assert_int_equal(x->n_info, y->n_info);
		for (unsigned i = 0; i < x->n_info; i++) {
			assert_int_equal(x->info[i].vendor, y->info[i].vendor);
			assert_int_equal(x->info[i].type, y->info[i].type);
			assert_int_equal(x->info[i].len, y->info[i].len);
			assert_memory_equal(
			    x->info[i].data, y->info[i].data, x->info[i].len);
		}
	} else if (c->type == CS_EL_BOARD_DATA) {
		const struct cs_el_board_data *x = a, *y = b;

		assert_int_equal(x->vendor, y->vendor);
		assert_int_equal(x->n_sub, y->n_sub);
		for (unsigned i = 0; i < x->n_sub; i++) {
			assert_int_equal(x->sub[i].type, y->sub[i].type);
			assert_int_equal(x->sub[i].len, y->sub[i].len);
			assert_memory_equal(
			    x->sub[i].data, y->sub[i].data, x->sub[i].len);
		}
	} else if (c->type == CS_EL_WTP_DESCRIPTOR) {
		const struct cs_el_wtp_descriptor *x = a, *y = b;

		assert_int_equal(x->max_radios, y->max_radios);
		assert_int_equal(x->radios_in_use, y->radios_in_use);
		assert_int_equal(x->is_cisco_form, y->is_cisco_form);
		assert_int_equal(x->cisco_encrypt_caps, y->cisco_encrypt_caps);
		assert_int_equal(x->n_encrypt, y->n_encrypt);
		for (unsigned i = 0; i < x->n_encrypt; i++) {
			assert_int_equal(
			    x->encrypt[i].wbid, y->encrypt[i].wbid);
			assert_int_equal(
			    x->encrypt[i].caps, y->encrypt[i].caps);
		}
		assert_int_equal(x->n_sub, y->n_sub);
		for (unsigned i = 0; i < x->n_sub; i++) {
			assert_int_equal(x->sub[i].vendor, y->sub[i].vendor);
			assert_int_equal(x->sub[i].type, y->sub[i].type);
			assert_int_equal(x->sub[i].len, y->sub[i].len);
			assert_memory_equal(
			    x->sub[i].data, y->sub[i].data, x->sub[i].len);
		}
	} else if (c->type == CS_EL_AC_NAME || c->type == CS_EL_WTP_NAME) {
		assert_str_eq(((const struct cs_el_ac_name *)a)->name,
		    ((const struct cs_el_ac_name *)b)->name);
	} else if (c->type == CS_EL_LOCATION) {
		assert_str_eq(((const struct cs_el_location *)a)->location,
		    ((const struct cs_el_location *)b)->location);
	} else if (c->type == CS_EL_AC_NAME_PRIO) {
		const struct cs_el_ac_name_prio *x = a, *y = b;

		assert_int_equal(x->priority, y->priority);
		assert_str_eq(x->name, y->name);
	} else if (c->type == CS_EL_DATA_TRANSFER_DATA) {
		const struct cs_el_data_transfer_data *x = a, *y = b;

		assert_int_equal(x->data_type, y->data_type);
		assert_int_equal(x->data_mode, y->data_mode);
		assert_int_equal(x->len, y->len);
		assert_memory_equal(x->data, y->data, x->len);
	} else if (c->type == CS_EL_IMAGE_DATA) {
		const struct cs_el_image_data *x = a, *y = b;

		assert_int_equal(x->data_type, y->data_type);
		assert_int_equal(x->len, y->len);
		assert_memory_equal(x->data, y->data, x->len);
	} else if (c->type == CS_EL_IMAGE_ID) {
		const struct cs_el_image_id *x = a, *y = b;

		assert_int_equal(x->vendor, y->vendor);
		assert_int_equal(x->len, y->len);
		assert_memory_equal(x->data, y->data, x->len);
	} else if (c->type == CS_EL_RETURNED_ELEM) {
		const struct cs_el_returned_elem *x = a, *y = b;

		assert_int_equal(x->reason, y->reason);
		assert_int_equal(x->len, y->len);
		assert_memory_equal(x->elem, y->elem, x->len);
	} else if (c->type == CS_EL_VENDOR_PAYLOAD) {
		const struct cs_el_vendor_payload *x = a, *y = b;

		assert_int_equal(x->vendor, y->vendor);
		assert_int_equal(x->element_id, y->element_id);
		assert_int_equal(x->len, y->len);
		assert_memory_equal(x->data, y->data, x->len);
	} else {
		fail_msg("%s: no comparison", c->name);
	}
}

/* decode(encode(x)) == x, and the TLV header is right. */
static void
test_roundtrip(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		const struct el_case *c = &cases[i];
		uint8_t buf[4096];
		union {
			uint8_t raw[4096];
			max_align_t align;
		} out;
		size_t n = encode_case(c, c->sample, buf, sizeof(buf));
		struct cs_elem e;
		struct cs_err err = { 0 };

		assert_true(n >= 4);
		assert_int_equal(buf[0] << 8 | buf[1], c->type);
		assert_int_equal(buf[2] << 8 | buf[3], n - 4);
		e = view(c->type, buf, n - 4);
		memset(out.raw, 0, sizeof(out.raw));
		if (c->get(&e, out.raw, &err) != 0)
			fail_msg("%s: get failed: %s", c->name, err.what);
		if (c->is_pod)
			assert_memory_equal(out.raw, c->sample, c->size);
		else
			compare_views(c, out.raw, c->sample);
	}
}

/* Each shorter value either fails with -EBADMSG (output untouched, error
 * offset inside the element) or is itself a valid element that
 * re-encodes to exactly those bytes; fixed layouts always fail. */
static void
test_truncations(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		const struct el_case *c = &cases[i];
		uint8_t buf[4096], again[4096];
		size_t n = encode_case(c, c->sample, buf, sizeof(buf));

		for (size_t vlen = 0; vlen < n - 4; vlen++) {
			union {
				uint8_t raw[4096];
				max_align_t align;
			} out, before;
			struct cs_elem e = view(c->type, buf, vlen);
			struct cs_err err = { 0 };
			struct cs_wr wr;
			int r;

			memset(out.raw, 0xa5, sizeof(out.raw));
			before = out;
			r = c->get(&e, out.raw, &err);
			if (r < 0) {
				if (r != -EBADMSG)
					fail_msg(
					    "%s/%zu: %d", c->name, vlen, r);
				assert_int_equal(err.code, -EBADMSG);
				assert_non_null(err.what);
				assert_true(err.offset >= BASE_OFF &&
				    err.offset <= BASE_OFF + 4 + vlen);
				assert_memory_equal(
				    out.raw, before.raw, c->size);
				continue;
			}
			if (c->is_fixed)
				fail_msg("%s: truncated to %zu accepted",
				    c->name, vlen);
			cs_wr_init(&wr, again, sizeof(again));
			c->put(&wr, out.raw);
			assert_int_equal(wr.err, 0);
			assert_int_equal(wr.len, vlen + 4);
			assert_memory_equal(again + 4, buf + 4, vlen);
		}
	}
}

/* An inner length one too large is caught. */
static void
test_lying_inner_lengths(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		const struct el_case *c = &cases[i];
		uint8_t buf[4096];
		union {
			uint8_t raw[4096];
			max_align_t align;
		} out;
		size_t n;
		struct cs_elem e;
		struct cs_err err = { 0 };

		if (c->inner_len < 0)
			continue;
		n = encode_case(c, c->sample, buf, sizeof(buf));
		buf[4 + c->inner_len]++;
		e = view(c->type, buf, n - 4);
		memset(out.raw, 0xa5, sizeof(out.raw));
		if (c->get(&e, out.raw, &err) != -EBADMSG)
			fail_msg("%s: lying length accepted", c->name);
		assert_true(err.offset > BASE_OFF);
		assert_int_equal(out.raw[0], 0xa5);
	}
}

/* One byte too many in a fixed layout; wrong type; NULL arguments. */
static void
test_extra_byte_and_args(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		const struct el_case *c = &cases[i];
		uint8_t buf[4096];
		union {
			uint8_t raw[4096];
			max_align_t align;
		} out;
		size_t n = encode_case(c, c->sample, buf, sizeof(buf) - 1);
		struct cs_elem e;
		struct cs_err err = { 0 };

		if (c->is_fixed && c->type != CS_EL_DATA_TRANSFER_DATA &&
		    c->type != CS_EL_RETURNED_ELEM) {
			buf[n] = 0;
			e = view(c->type, buf, n - 4 + 1);
			if (c->get(&e, out.raw, &err) != -EBADMSG)
				fail_msg("%s: extra byte accepted", c->name);
		}
		e = view(c->type == 1 ? 2 : 1, buf, n - 4);
		assert_int_equal(c->get(&e, out.raw, &err), -EINVAL);
		e = view(c->type, buf, n - 4);
		assert_int_equal(c->get(&e, NULL, &err), -EINVAL);
		assert_int_equal(c->get(NULL, out.raw, &err), -EINVAL);
	}
}

static void
test_wtp_descriptor_forms(void **state)
{
	struct cs_el_wtp_descriptor d = s_wtp_descriptor, out;
	uint8_t buf[256];
	struct cs_wr wr;
	struct cs_elem e;
	struct cs_err err = { 0 };

	(void)state;
	d.is_cisco_form = true;
	d.cisco_encrypt_caps = 0x0c00;
	d.n_encrypt = 0;
	d.n_sub = 3;
	d.sub[0].vendor = d.sub[1].vendor = d.sub[2].vendor =
	    CS_CISCO_VENDOR_ID;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_el_put_wtp_descriptor(&wr, &d);
	assert_int_equal(wr.err, 0);
	/* 2 + 2 + 3 x 8 + 10 data bytes */
	assert_int_equal(wr.len, 4 + 4 + 24 + 10);
	e = view(CS_EL_WTP_DESCRIPTOR, buf, wr.len - 4);
	assert_int_equal(cs_el_get_wtp_descriptor_cisco(&e, &out, &err), 0);
	compare_views(&cases[29], &out, &d);
	assert_int_equal(
	    cs_el_get_wtp_descriptor_auto(&e, CS_MSG_F_CISCO, &out, &err), 0);
	assert_true(out.is_cisco_form);
	/* the RFC reader sees Num Encrypt 0x0c and runs out of bytes */
	assert_int_equal(cs_el_get_wtp_descriptor(&e, &out, &err), -EBADMSG);
	assert_int_equal(
	    cs_el_get_wtp_descriptor_auto(&e, 0, &out, &err), -EBADMSG);

	/* RFC form, Num Encrypt 0 and reserved bits */
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_el_put_wtp_descriptor(&wr, &s_wtp_descriptor);
	e = view(CS_EL_WTP_DESCRIPTOR, buf, wr.len - 4);
	buf[4 + 3] = 0x21;
	assert_int_equal(cs_el_get_wtp_descriptor(&e, &out, &err), -EBADMSG);
	assert_string_equal(
	    err.what, "encryption sub-element reserved bits set");
	assert_int_equal(err.offset, BASE_OFF + 4 + 3);
	buf[4 + 2] = 0;
	assert_int_equal(cs_el_get_wtp_descriptor(&e, &out, &err), -EBADMSG);
	assert_string_equal(err.what, "WTP Descriptor Num Encrypt is 0");
}

static void
test_board_data_helpers(void **state)
{
	uint8_t buf[256], mac[8];
	struct cs_wr wr;
	struct cs_el_board_data b, zero = s_board_data;
	struct cs_elem e;
	struct cs_str s;
	struct cs_err err = { 0 };

	(void)state;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_el_put_board_data(&wr, &s_board_data);
	e = view(CS_EL_BOARD_DATA, buf, wr.len - 4);
	assert_int_equal(cs_el_get_board_data(&e, &b, &err), 0);
	assert_int_equal(cs_board_data_model(&b, &s), 0);
	assert_int_equal(s.len, 5);
	assert_memory_equal(s.s, "AP-42", 5);
	assert_int_equal(cs_board_data_serial(&b, &s), 0);
	assert_memory_equal(s.s, "S01", 3);
	assert_int_equal(cs_board_data_base_mac(&b, mac), 6);
	assert_memory_equal(mac, blob, 6);
	b.n_sub = 1;
	assert_int_equal(cs_board_data_serial(&b, &s), -ENOENT);
	assert_int_equal(cs_board_data_base_mac(&b, mac), -ENOENT);

	/* vendor 0 is refused both ways (RFC 5415 §4.6.40) */
	zero.vendor = 0;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_el_put_board_data(&wr, &zero);
	assert_int_equal(wr.err, -EINVAL);
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_el_put_board_data(&wr, &s_board_data);
	buf[4] = buf[5] = buf[6] = buf[7] = 0;
	assert_int_equal(cs_el_get_board_data(&e, &b, &err), -EBADMSG);
	assert_string_equal(err.what, "board data vendor is 0");
}

static void
test_caps_and_put_errors(void **state)
{
	uint8_t buf[4096];
	struct cs_wr wr;
	struct cs_el_ac_ipv4_list l;
	struct cs_el_ac_name empty = { { "", 0 } };
	struct cs_el_vendor_payload big = s_vendor_payload;
	struct cs_elem e;
	struct cs_err err = { 0 };
	size_t at;

	(void)state;
	/* 17 addresses: over CS_MAX_AC_IPV4 */
	cs_wr_init(&wr, buf, sizeof(buf));
	at = wr.len;
	cs_el_put(&wr, CS_EL_AC_IPV4_LIST, blob, 0);
	(void)at;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_wr_u16(&wr, CS_EL_AC_IPV4_LIST);
	cs_wr_u16(&wr, 17 * 4);
	cs_wr_zero(&wr, 17 * 4);
	e = view(CS_EL_AC_IPV4_LIST, buf, 17 * 4);
	assert_int_equal(cs_el_get_ac_ipv4_list(&e, &l, &err), -E2BIG);
	e.len = 6;
	assert_int_equal(cs_el_get_ac_ipv4_list(&e, &l, &err), -EBADMSG);

	/* 17 AC information sub-elements: over CS_MAX_SUBELEMS */
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_wr_u32(&wr, 0);
	cs_wr_zero(&wr, 12);
	for (int i = 0; i < 17; i++) {
		cs_wr_u32(&wr, 0);
		cs_wr_u16(&wr, 4);
		cs_wr_u16(&wr, 0);
	}
	{
		struct cs_el_ac_descriptor d;

		e = view(CS_EL_AC_DESCRIPTOR, buf, wr.len - 4);
		assert_int_equal(cs_el_get_ac_descriptor(&e, &d, &err), -E2BIG);
	}

	cs_wr_init(&wr, buf, sizeof(buf));
	cs_el_put_ac_name(&wr, &empty);
	assert_int_equal(wr.err, -EINVAL);
	big.len = CS_VSP_MAX_DATA + 1;
	big.data = buf;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_el_put_vendor_payload(&wr, &big);
	assert_int_equal(wr.err, -EINVAL);
	cs_wr_init(&wr, buf, 5);
	cs_el_put_reboot_stats(&wr, &s_reboot_stats);
	assert_int_equal(wr.err, -ENOBUFS);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(cs_elem_name(CS_EL_AC_DESCRIPTOR), "AC Descriptor");
	assert_string_equal(cs_elem_name(CS_EL_80211_RADIO_INFO),
	    "IEEE 802.11 WTP Radio Information");
	assert_string_equal(cs_elem_name(9), "Unknown");
	assert_string_equal(
	    cs_result_code_name(4), "Join failure (resource depletion)");
	assert_string_equal(cs_result_code_name(23), "Unknown");
	assert_string_equal(cs_msg_type_name(CS_MSG_JOIN_REQ), "Join Request");
	assert_string_equal(cs_msg_type_name(0), "Unknown");
	assert_string_equal(cs_msg_type_name(27), "Unknown");
	assert_string_equal(cs_msg_type_name(CS_MSG_WLAN_CONFIG_RESP),
	    "IEEE 802.11 WLAN Configuration Response");
	assert_string_equal(
	    cs_cisco_vsp_name(CS_CISCO_AP_TIME_SYNC), "AP Time Sync");
	assert_string_equal(cs_cisco_vsp_name(1), "Unknown");
}

/* Every element 1-53 (except reserved 9, 19, 46; 42/43 are Cisco) and
 * 1024-1048 has exactly one sorted table row. */
static void
test_table_complete(void **state)
{
	unsigned n = 0;

	(void)state;
	for (unsigned t = 0; t < 2048; t++) {
		const struct cs_elem_desc *d = cs_elem_desc((uint16_t)t);
		bool want =
		    (t >= 1 && t <= 53 && t != 9 && t != 19 && t != 46) ||
		    (t >= 1024 && t <= 1048);

		if (!want) {
			assert_null(d);
			continue;
		}
		assert_non_null(d);
		assert_int_equal(d->type, t);
		assert_true(d->min_len <= d->max_len);
		assert_true(d->allowed_in != 0);
		assert_non_null(d->name);
		n++;
	}
	assert_int_equal(n, 50 + 25);
	assert_int_equal(cs_elem_desc(42)->flags & CS_ED_CISCO, CS_ED_CISCO);
	assert_int_equal(cs_msg_bit(1), 1u);
	assert_int_equal(cs_msg_bit(26), 1u << 25);
	assert_int_equal(cs_msg_bit(CS_MSG_WLAN_CONFIG_REQ), 1u << 26);
	assert_int_equal(cs_msg_bit(27), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_lying_inner_lengths),
		cmocka_unit_test(test_extra_byte_and_args),
		cmocka_unit_test(test_wtp_descriptor_forms),
		cmocka_unit_test(test_board_data_helpers),
		cmocka_unit_test(test_caps_and_put_errors),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_table_complete),
	};

	return cmocka_run_group_tests_name("capwap_elems", tests, NULL, NULL);
}
