/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for an AP's stations (lib/ap/ap_station.c), end to end
 * without sockets: two APs learn the WLAN from the controller's WLAN
 * Configuration Request, carry their stations' frames in CAPWAP data to
 * the split-MAC controller (lib/wlc/wlc_clients.c) and back, the test
 * plays the DHCP server behind the relay (the lab: sta_lab.h); every
 * station gets an address, resolves the gateway and pings it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/ap_station.h"
#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "capsim/dhcp.h"
#include "capsim/ieee80211.h"
#include "capsim/wlc_clients.h"
#include "sta_lab.h"
#include "testutil.h"

#define IP(a, b, c, d)                                                         \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
static int
setup(void **state)
{
	struct sta_lab *l = calloc(1, sizeof(*l));
	struct cs_wlc_clients_io wio;

	assert_non_null(l);
	sta_lab_init(l);
	wio = sta_lab_wlc_io(l);
	assert_int_equal(cs_wlc_clients_new(&l->wlc, &l->cfg, &wio), 0);
	sta_lab_new_aps(l, NULL, NULL);
	*state = l;
	return 0;
}

static int
teardown(void **state)
{
	sta_lab_fini(*state);
	free(*state);
	return 0;
}

static void
test_end_to_end(void **state)
{
	struct sta_lab *l = *state;
	struct cs_wlc_clients_stats st;

	/* no WLAN yet: nothing to join */
	assert_int_equal(cs_ap_stations_start(l->aps[0], 0, 0), -EPROTO);
	for (int a = 0; a < STA_LAB_N_AP; a++)
		assert_int_equal(
		    cs_wlc_clients_ap_run(l->wlc, &l->ap_id[a], 1), 1);
	for (int a = 0; a < STA_LAB_N_AP; a++)
		for (unsigned i = 0; i < STA_LAB_N_STA; i++)
			assert_int_equal(
			    cs_ap_stations_start(l->aps[a], i, 0), 0);
	sta_lab_pump(l, NULL, NULL);
	for (int a = 0; a < STA_LAB_N_AP; a++)
		for (unsigned i = 0; i < STA_LAB_N_STA; i++) {
			struct cs_sta_info info;
			struct cs_sta *s = cs_ap_stations_get(l->aps[a], i);

			cs_sta_info(s, &info);
			assert_int_equal(info.state, CS_STA_RUN);
			/* MAC base 02:00:0b:<ap>:00:fe + i: ..:00:fe, ..:00:ff,
			 * ..:01:00 */
			assert_int_equal(info.ip,
			    IP(10, 30, i < 2 ? 0 : 1, (0xfe + i) & 0xff));
			assert_int_equal(info.gateway, IP(10, 30, 0, 1));
		}
	cs_wlc_clients_stats(l->wlc, &st);
	assert_int_equal(
	    st.per_state[CS_WLC_CL_RUN], STA_LAB_N_AP * STA_LAB_N_STA);
	assert_int_equal(st.echo_answered, STA_LAB_N_AP * STA_LAB_N_STA);
	assert_true(l->armed > 0);
	assert_null(cs_ap_stations_get(l->aps[0], STA_LAB_N_STA));
}

static void
test_bssid_from_wlan_id(void **state)
{
	struct sta_lab *l = *state;
	struct cs_dot11_frame f;

	assert_int_equal(cs_wlc_clients_ap_run(l->wlc, &l->ap_id[0], 1), 1);
	assert_int_equal(cs_ap_stations_start(l->aps[0], 0, 0), 0);
	/* the Authentication went out with BSSID radio MAC + (2 - 1) */
	{
		const uint8_t *frame;
		uint8_t rid;
		size_t flen;
		struct sta_lab_pkt *p = &l->q[l->head % STA_LAB_QMAX];

		assert_int_equal(cs_dot11_capwap_unwrap(
		                     p->b, p->len, &rid, &frame, &flen, NULL),
		    0);
		assert_int_equal(cs_dot11_decode(&f, frame, flen, NULL), 0);
	}
	assert_memory_equal(f.addr1, "\x02\x00\xc0\x00\x00\x11", 6);
	assert_memory_equal(f.addr2, "\x02\x00\x0b\x00\x00\xfe", 6);
}

static void
test_add_wlan_parse(void **state)
{
	struct cs_add_wlan w;
	struct cs_err err;
	uint8_t b[64];
	struct cs_wr wr;
	struct cs_wlc_wlan wl = { .wlan_id = 3, .ssid = "x" };

	(void)state;
	cs_wr_init(&wr, b, sizeof(b));
	cs_wlc_put_add_wlan(&wr, 2, &wl);
	assert_int_equal(wr.err, 0);
	/* skip the 4-byte TLV header the builder writes */
	assert_int_equal(cs_add_wlan_parse(b + 4, wr.len - 4, &w, NULL), 0);
	assert_int_equal(w.rid, 2);
	assert_int_equal(w.wlan_id, 3);
	assert_int_equal(w.auth_type, 0);
	assert_int_equal(w.mac_mode, 1);
	assert_int_equal(w.tunnel_mode, 2);
	assert_string_equal(w.ssid, "x");
	assert_int_equal(cs_add_wlan_parse(b + 4, 19, &w, &err), -EBADMSG);
	b[4 + 7] = 200; /* key length beyond the element */
	assert_int_equal(
	    cs_add_wlan_parse(b + 4, wr.len - 4, &w, &err), -EBADMSG);
	assert_string_equal(err.what, "Add WLAN key beyond element");
	b[4 + 7] = 0;
	b[wr.len - 1] = 0; /* NUL in the SSID */
	assert_int_equal(
	    cs_add_wlan_parse(b + 4, wr.len - 4, &w, &err), -EBADMSG);
	assert_int_equal(cs_add_wlan_parse(NULL, 0, &w, &err), -EINVAL);
}

static void
test_refuses_other_modes(void **state)
{
	struct sta_lab *l = *state;
	struct cs_wlc_wlan wl = { .wlan_id = 1, .ssid = "local" };
	struct cs_err err;
	uint8_t b[64];
	struct cs_wr wr;

	cs_wr_init(&wr, b, sizeof(b));
	cs_wlc_put_add_wlan(&wr, 1, &wl);
	b[4 + 16] = 0; /* local MAC */
	assert_int_equal(
	    cs_ap_stations_add_wlan(l->aps[0], b + 4, wr.len - 4, &err),
	    -EPROTONOSUPPORT);
	assert_int_equal(cs_ap_stations_start(l->aps[0], 0, 0), -EPROTO);
	/* another radio's WLAN is not ours: ignored */
	cs_wr_init(&wr, b, sizeof(b));
	cs_wlc_put_add_wlan(&wr, 2, &wl);
	assert_int_equal(
	    cs_ap_stations_add_wlan(l->aps[0], b + 4, wr.len - 4, &err), 0);
	assert_int_equal(cs_ap_stations_start(l->aps[0], 0, 0), -EPROTO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_end_to_end, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bssid_from_wlan_id, setup, teardown),
		cmocka_unit_test(test_add_wlan_parse),
		cmocka_unit_test_setup_teardown(
		    test_refuses_other_modes, setup, teardown),
	};

	return cmocka_run_group_tests_name("ap_station", tests, NULL, NULL);
}
