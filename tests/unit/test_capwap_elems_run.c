/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the Run-state elements (lib/wire/capwap_elems_run.c):
 * RFC 5415 byte layouts, round trips, every truncation failing without
 * touching the output, field range checks on both sides.
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

/* Wraps an encoded TLV in a cs_elem view. */
static void
view(struct cs_elem *e, const uint8_t *buf, size_t len)
{
	assert_true(len >= CS_ELEM_HDR_LEN);
	e->type = (uint16_t)(buf[0] << 8 | buf[1]);
	e->len = (uint16_t)(buf[2] << 8 | buf[3]);
	assert_int_equal(e->len, len - CS_ELEM_HDR_LEN);
	e->val = buf + CS_ELEM_HDR_LEN;
	e->off = 0;
}

/* Every proper prefix of the value fails with -EBADMSG (or -EINVAL-free
 * length-table rejection) and leaves *out untouched. */
#define CHECK_TRUNC(getter, type_t, e)                                         \
	do {                                                                   \
		for (uint16_t n = 0; n < (e).len; n++) {                       \
			struct cs_elem t = (e);                                \
			type_t out;                                            \
			type_t same;                                           \
			memset(&out, 0xa5, sizeof(out));                       \
			memcpy(&same, &out, sizeof(out));                      \
			t.len = n;                                             \
			assert_int_equal(getter(&t, &out, NULL), -EBADMSG);    \
			assert_memory_equal(&out, &same, sizeof(out));         \
		}                                                              \
	} while (0)

static void
test_radio_stats(void **state)
{
	static const uint8_t want[] = { 0x00, 47, 0x00, 20, 2, 1, 0, 3, 0, 4, 0,
		5, 0, 6, 0, 7, 0, 8, 0, 9, 0, 10, 0xff, 0xa1 };
	struct cs_el_radio_stats v = { .radio_id = 2,
		.last_fail_type = CS_RSTAT_SW_FAILURE,
		.reset_count = 3,
		.sw_failure_count = 4,
		.hw_failure_count = 5,
		.other_failure_count = 6,
		.unknown_failure_count = 7,
		.config_update_count = 8,
		.channel_change_count = 9,
		.band_change_count = 10,
		.noise_floor = -95 };
	struct cs_el_radio_stats got;
	uint8_t buf[64];
	struct cs_wr wr;
	struct cs_elem e;

	(void)state;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_el_put_radio_stats(&wr, &v);
	assert_int_equal(wr.err, 0);
	assert_int_equal(wr.len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	view(&e, buf, wr.len);
	assert_int_equal(cs_el_get_radio_stats(&e, &got, NULL), 0);
	assert_memory_equal(&got, &v, sizeof(v));
	assert_int_equal(got.noise_floor, -95);
	CHECK_TRUNC(cs_el_get_radio_stats, struct cs_el_radio_stats, e);
	/* Radio ID 0 is invalid both ways (§4.6.46: 1..31) */
	buf[4] = 0;
	assert_int_equal(cs_el_get_radio_stats(&e, &got, NULL), -EBADMSG);
	v.radio_id = 0;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_el_put_radio_stats(&wr, &v);
	assert_int_equal(wr.err, -EINVAL);
}

static void
test_80211_statistics(void **state)
{
	struct cs_el_80211_statistics v = { .radio_id = 1 }, got;
	uint8_t buf[128];
	struct cs_wr wr;
	struct cs_elem e;
	struct cs_err err = { 0 };

	(void)state;
	for (unsigned i = 0; i < CS_80211_ST__COUNT; i++)
		v.c[i] = 0x01000000u * (i + 1) + i;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_el_put_80211_statistics(&wr, &v);
	assert_int_equal(wr.err, 0);
	/* RFC 5416 §6.16: 4 + 19 x 4 = 80 value bytes */
	assert_int_equal(wr.len, 84);
	assert_int_equal(buf[1], 1039 & 0xff);
	assert_int_equal(buf[3], 80);
	assert_int_equal(buf[4], 1);
	assert_int_equal(buf[5] | buf[6] | buf[7], 0); /* reserved */
	/* Associated Station Count is the 16th counter, at 4 + 15 * 4 */
	assert_int_equal(buf[4 + 4 + 15 * 4], 16);
	assert_int_equal(buf[4 + 4 + 15 * 4 + 3], 15);
	view(&e, buf, wr.len);
	assert_int_equal(cs_el_get_80211_statistics(&e, &got, NULL), 0);
	assert_memory_equal(&got, &v, sizeof(v));
	CHECK_TRUNC(
	    cs_el_get_80211_statistics, struct cs_el_80211_statistics, e);
	buf[4] = 32;
	assert_int_equal(cs_el_get_80211_statistics(&e, &got, &err), -EBADMSG);
	assert_int_equal(err.offset, 4);
}

static void
test_decrypt_err_report(void **state)
{
	static const uint8_t want[] = { 0, 15, 0, 15, 1, 2, 6, 0xa, 0xb, 0xc,
		0xd, 0xe, 0x1, 0xa, 0xb, 0xc, 0xd, 0xe, 0x2 };
	struct cs_el_decrypt_err_report v = { .radio_id = 1,
		.n = 2,
		.mac_len = 6,
		.mac = { { 0xa, 0xb, 0xc, 0xd, 0xe, 0x1 },
		    { 0xa, 0xb, 0xc, 0xd, 0xe, 0x2 } } };
	struct cs_el_decrypt_err_report got;
	uint8_t buf[64];
	struct cs_wr wr;
	struct cs_elem e;

	(void)state;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_el_put_decrypt_err_report(&wr, &v);
	assert_int_equal(wr.err, 0);
	assert_int_equal(wr.len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	view(&e, buf, wr.len);
	assert_int_equal(cs_el_get_decrypt_err_report(&e, &got, NULL), 0);
	assert_memory_equal(&got, &v, sizeof(v));
	CHECK_TRUNC(
	    cs_el_get_decrypt_err_report, struct cs_el_decrypt_err_report, e);
	/* a Num Of Entries that claims more MACs than the element holds */
	buf[5] = 3;
	assert_int_equal(
	    cs_el_get_decrypt_err_report(&e, &got, NULL), -EBADMSG);
	buf[5] = 2;
	buf[6] = 7; /* neither EUI-48 nor EUI-64 */
	assert_int_equal(
	    cs_el_get_decrypt_err_report(&e, &got, NULL), -EBADMSG);
	v.n = 0;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_el_put_decrypt_err_report(&wr, &v);
	assert_int_equal(wr.err, -EINVAL);
}

static void
test_delete_station_and_duplicate(void **state)
{
	static const uint8_t want_ds[] = { 0, 18, 0, 8, 2, 6, 1, 2, 3, 4, 5,
		6 };
	static const uint8_t want_dup[] = { 0, 21, 0, 12, 127, 1, 2, 3, 1, 6, 9,
		8, 7, 6, 5, 4 };
	struct cs_el_delete_station ds = { .radio_id = 2,
		.mac_len = 6,
		.mac = { 1, 2, 3, 4, 5, 6 } },
	                            ds2;
	struct cs_el_duplicate_ipv4 dup = { .addr = 0x7f010203,
		.status = CS_DUP_DETECTED,
		.mac_len = 6,
		.mac = { 9, 8, 7, 6, 5, 4 } },
	                            dup2;
	uint8_t buf[64];
	struct cs_wr wr;
	struct cs_elem e;

	(void)state;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_el_put_delete_station(&wr, &ds);
	assert_int_equal(wr.err, 0);
	assert_int_equal(wr.len, sizeof(want_ds));
	assert_memory_equal(buf, want_ds, sizeof(want_ds));
	view(&e, buf, wr.len);
	assert_int_equal(cs_el_get_delete_station(&e, &ds2, NULL), 0);
	assert_memory_equal(&ds2, &ds, sizeof(ds));
	CHECK_TRUNC(cs_el_get_delete_station, struct cs_el_delete_station, e);

	cs_wr_init(&wr, buf, sizeof(buf));
	cs_el_put_duplicate_ipv4(&wr, &dup);
	assert_int_equal(wr.err, 0);
	assert_int_equal(wr.len, sizeof(want_dup));
	assert_memory_equal(buf, want_dup, sizeof(want_dup));
	view(&e, buf, wr.len);
	assert_int_equal(cs_el_get_duplicate_ipv4(&e, &dup2, NULL), 0);
	/* field by field: the struct has padding (not set by an initialiser) */
	assert_int_equal(dup2.addr, dup.addr);
	assert_int_equal(dup2.status, dup.status);
	assert_int_equal(dup2.mac_len, dup.mac_len);
	assert_memory_equal(dup2.mac, dup.mac, dup.mac_len);
	CHECK_TRUNC(cs_el_get_duplicate_ipv4, struct cs_el_duplicate_ipv4, e);
	buf[8] = 2; /* status is 0 or 1 (§4.6.22) */
	assert_int_equal(cs_el_get_duplicate_ipv4(&e, &dup2, NULL), -EBADMSG);
	/* wrong element type for the getter */
	view(&e, (const uint8_t *)want_ds, sizeof(want_ds));
	assert_int_equal(cs_el_get_duplicate_ipv4(&e, &dup2, NULL), -EINVAL);
}

static void
test_static_ip_and_radio_config(void **state)
{
	struct cs_el_static_ip_info si = { .addr = 0xc6120005,
		.netmask = 0xffffff00,
		.gateway = 0xc6120001,
		.is_static = 1 },
	                            si2;
	struct cs_el_80211_radio_config rc = { .radio_id = 1,
		.short_preamble = 1,
		.num_bssids = 4,
		.dtim_period = 1,
		.bssid = { 0, 0x11, 0x22, 0x33, 0x44, 0x55 },
		.beacon_period = 100,
		.country = { 'D', 'E', ' ', 0 } },
	                                rc2;
	uint8_t buf[64];
	struct cs_wr wr;
	struct cs_elem e;

	(void)state;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_el_put_static_ip_info(&wr, &si);
	assert_int_equal(wr.err, 0);
	assert_int_equal(wr.len, 4 + 13);
	assert_int_equal(buf[4 + 12], 1);
	view(&e, buf, wr.len);
	assert_int_equal(cs_el_get_static_ip_info(&e, &si2, NULL), 0);
	/* field by field: the struct has padding */
	assert_int_equal(si2.addr, si.addr);
	assert_int_equal(si2.netmask, si.netmask);
	assert_int_equal(si2.gateway, si.gateway);
	assert_int_equal(si2.is_static, si.is_static);
	CHECK_TRUNC(cs_el_get_static_ip_info, struct cs_el_static_ip_info, e);
	buf[4 + 12] = 2;
	assert_int_equal(cs_el_get_static_ip_info(&e, &si2, NULL), -EBADMSG);

	cs_wr_init(&wr, buf, sizeof(buf));
	cs_el_put_80211_radio_config(&wr, &rc);
	assert_int_equal(wr.err, 0);
	assert_int_equal(wr.len, 4 + 16);
	assert_int_equal(buf[4 + 10] << 8 | buf[4 + 11], 100);
	view(&e, buf, wr.len);
	assert_int_equal(cs_el_get_80211_radio_config(&e, &rc2, NULL), 0);
	assert_memory_equal(&rc2, &rc, sizeof(rc));
	CHECK_TRUNC(
	    cs_el_get_80211_radio_config, struct cs_el_80211_radio_config, e);
	buf[4 + 2] = 0; /* Num of BSSIDs 1..16 */
	assert_int_equal(
	    cs_el_get_80211_radio_config(&e, &rc2, NULL), -EBADMSG);
}

static void
test_null_args(void **state)
{
	struct cs_el_radio_stats v;

	(void)state;
	assert_int_equal(cs_el_get_radio_stats(NULL, &v, NULL), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_radio_stats),
		cmocka_unit_test(test_80211_statistics),
		cmocka_unit_test(test_decrypt_err_report),
		cmocka_unit_test(test_delete_station_and_duplicate),
		cmocka_unit_test(test_static_ip_and_radio_config),
		cmocka_unit_test(test_null_args),
	};

	return cmocka_run_group_tests_name(
	    "capwap_elems_run", tests, NULL, NULL);
}
