/* SPDX-License-Identifier: MIT */
/*
 * WPA2-PSK end to end without sockets: the stations of two APs
 * (lib/ap/ap_station.c, the supplicant through capsim/wpa_sta.h) join a
 * PSK WLAN of the split-MAC controller (lib/wlc/wlc_clients.c, one
 * authenticator per client).  With the right PSK every station passes the
 * 4-way handshake, gets an address and pings the gateway; with a wrong
 * one the controller finds every message 2's MIC wrong, deauthenticates
 * each station with reason 15 after its retries and counts wrong-psk,
 * and each station fails in l2auth saying the PSK may be incorrect; with
 * every message 3 lost once, the retransmission completes the join.  The
 * harness is sta_lab.h's (shared with test_ap_station.c), with the
 * controller's timer tick.
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
#include "capsim/eapol.h"
#include "capsim/ieee80211.h"
#include "capsim/inet.h"
#include "capsim/wlc_clients.h"
#include "capsim/wpa.h"
#include "sta_lab.h"
#include "testutil.h"

/* The station lab (sta_lab.h) and the messages 3 to lose on the way. */
struct lab {
	struct sta_lab s;
	unsigned drop_m3; /* messages 3 still to lose on the way */
	unsigned dropped;
};

#define IP(a, b, c, d)                                                         \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
static bool
is_m3(const uint8_t *pkt, size_t len)
{
	struct cs_dot11_frame f;
	struct cs_eapol_key k;
	const uint8_t *frame;
	uint8_t rid;
	size_t flen;

	return cs_dot11_capwap_unwrap(pkt, len, &rid, &frame, &flen, NULL) ==
	    0 &&
	    cs_dot11_decode(&f, frame, flen, NULL) == 0 &&
	    f.type == CS_DOT11_DATA && f.ethertype == CS_ETH_P_EAPOL &&
	    cs_eapol_key_decode(&k, f.payload, f.payload_len, NULL, NULL) ==
	    0 &&
	    cs_eapol_key_msg(&k) == CS_EAPOL_MSG_3;
}

/* Loses messages 3 on the way to the stations while l->drop_m3 says. */
static bool
drop_m3(const struct sta_lab_pkt *p, void *arg)
{
	struct lab *l = arg;

	if (p->to_wlc || l->drop_m3 == 0 || !is_m3(p->b, p->len))
		return false;
	l->drop_m3--;
	l->dropped++;
	return true;
}

static void
pump(struct lab *l)
{
	sta_lab_pump(&l->s, drop_m3, l);
}

static int
wlc_rand_bytes(void *ctx, uint8_t *buf, size_t len)
{
	struct sta_lab *l = ctx;

	for (size_t i = 0; i < len; i++)
		buf[i] =
		    (uint8_t)((l->rnd = l->rnd * 1103515245u + 12345u) >> 16);
	return 0;
}

struct sta_tune {
	const char *psk;
	uint8_t pmk[CS_WPA_PMK_LEN];
};

static void
sta_psk(struct cs_ap_stations_cfg *cfg, void *arg)
{
	struct sta_tune *t = arg;

	cfg->sta.security = t->psk != NULL ? CS_STA_WPA2_PSK : CS_STA_OPEN;
	cfg->has_pmk = true;
	memcpy(cfg->pmk, t->pmk, sizeof(cfg->pmk));
}

static int
lab_setup(void **state, const char *psk)
{
	struct lab *l = calloc(1, sizeof(*l));
	struct sta_tune tune = { .psk = psk };
	struct cs_wlc_clients_io wio;

	assert_non_null(l);
	sta_lab_init(&l->s);
	wio = sta_lab_wlc_io(&l->s);
	wio.rand_bytes = wlc_rand_bytes;
	l->s.cfg.log.fn = cs_test_log;
	l->s.cfg.log.max_level = CS_LOG_INFO;
	l->s.cfg.wlans[0].has_psk = true;
	assert_int_equal(cs_wpa_pmk_from_psk("lab clients psk",
	                     (const uint8_t *)"lab-clients", 11,
	                     l->s.cfg.wlans[0].pmk, NULL),
	    0);
	assert_int_equal(
	    cs_wpa_pmk_from_psk(psk != NULL ? psk : "lab clients psk",
	        (const uint8_t *)"lab-clients", 11, tune.pmk, NULL),
	    0);
	assert_int_equal(cs_wlc_clients_new(&l->s.wlc, &l->s.cfg, &wio), 0);
	sta_lab_new_aps(&l->s, sta_psk, &tune);
	*state = l;
	return 0;
}

static int
setup_right(void **state)
{
	return lab_setup(state, "lab clients psk");
}

static int
setup_wrong(void **state)
{
	return lab_setup(state, "not the clients psk");
}

static int
setup_open_sta(void **state)
{
	return lab_setup(state, NULL);
}

static int
teardown(void **state)
{
	struct lab *l = *state;

	sta_lab_fini(&l->s);
	free(l);
	return 0;
}

static void
join_all(struct lab *l)
{
	for (int a = 0; a < STA_LAB_N_AP; a++)
		assert_int_equal(
		    cs_wlc_clients_ap_run(l->s.wlc, &l->s.ap_id[a], 1), 1);
	for (int a = 0; a < STA_LAB_N_AP; a++)
		for (unsigned i = 0; i < STA_LAB_N_STA; i++)
			assert_int_equal(
			    cs_ap_stations_start(l->s.aps[a], i, 0), 0);
	pump(l);
}

static void
test_psk_join(void **state)
{
	struct lab *l = *state;
	struct cs_wlc_clients_stats st;

	join_all(l);
	for (int a = 0; a < STA_LAB_N_AP; a++)
		for (unsigned i = 0; i < STA_LAB_N_STA; i++) {
			struct cs_sta_info info;

			cs_sta_info(cs_ap_stations_get(l->s.aps[a], i), &info);
			assert_int_equal(info.state, CS_STA_RUN);
			assert_int_not_equal(info.ip, 0);
			assert_int_equal(cs_ap_stations_l2_fail(l->s.aps[a], i),
			    CS_WPA_FAIL_NONE);
		}
	cs_wlc_clients_stats(l->s.wlc, &st);
	assert_int_equal(st.l2auth_done, STA_LAB_N_AP * STA_LAB_N_STA);
	assert_int_equal(
	    st.per_state[CS_WLC_CL_RUN], STA_LAB_N_AP * STA_LAB_N_STA);
	assert_int_equal(st.per_state[CS_WLC_CL_L2AUTH], 0);
	assert_int_equal(st.echo_answered, STA_LAB_N_AP * STA_LAB_N_STA);
	for (int f = 0; f < CS_WPA_FAIL__COUNT; f++)
		assert_int_equal(st.l2auth_failed[f], 0);
	/* nothing left to retransmit */
	assert_int_equal(cs_wlc_clients_tick(l->s.wlc, 5000), 0);
}

static void
test_wrong_psk(void **state)
{
	struct lab *l = *state;
	struct cs_wlc_clients_stats st;

	join_all(l);
	cs_wlc_clients_stats(l->s.wlc, &st);
	/* every station answered message 1; every message 2 failed */
	assert_int_equal(
	    st.per_state[CS_WLC_CL_L2AUTH], STA_LAB_N_AP * STA_LAB_N_STA);
	assert_int_equal(st.l2auth_done, 0);
	assert_int_equal(st.dhcp_relayed, 0);
	/* two retransmissions of message 1 (3 tries, 1 s apart), then the
	 * deauthentication with reason 15 */
	for (uint64_t t = 1000; t <= 3000; t += 1000) {
		l->s.now = t;
		assert_int_equal(cs_wlc_clients_tick(l->s.wlc, t),
		    STA_LAB_N_AP * STA_LAB_N_STA);
		pump(l);
	}
	cs_wlc_clients_stats(l->s.wlc, &st);
	assert_int_equal(st.l2auth_failed[CS_WPA_FAIL_WRONG_PSK],
	    STA_LAB_N_AP * STA_LAB_N_STA);
	assert_int_equal(st.per_state[CS_WLC_CL_L2AUTH], 0);
	assert_int_equal(st.per_state[CS_WLC_CL_RUN], 0);
	assert_int_equal(st.deleted, STA_LAB_N_AP * STA_LAB_N_STA);
	for (int a = 0; a < STA_LAB_N_AP; a++)
		for (unsigned i = 0; i < STA_LAB_N_STA; i++) {
			struct cs_sta_info info;

			cs_sta_info(cs_ap_stations_get(l->s.aps[a], i), &info);
			assert_int_equal(info.state, CS_STA_FAILED);
			assert_int_equal(info.failed_in, CS_STA_L2AUTH);
			assert_int_equal(cs_ap_stations_l2_fail(l->s.aps[a], i),
			    CS_WPA_FAIL_NO_MSG3);
		}
	assert_int_equal(cs_wlc_clients_tick(l->s.wlc, 9000), 0);
	/* the controller's log says it in its words */
	cs_wlc_clients_log_stats(l->s.wlc);
	assert_non_null(strstr(cs_test_last_log,
	    "L2 auth 0 done / 6 wrong-psk / 0 other failures"));
}

/* Every message 3 lost once: the controller sends it again after its
 * retransmission timeout with a new replay counter and every station
 * joins. */
static void
test_m3_lost(void **state)
{
	struct lab *l = *state;
	struct cs_wlc_clients_stats st;

	l->drop_m3 = STA_LAB_N_AP * STA_LAB_N_STA;
	join_all(l);
	assert_int_equal(l->dropped, STA_LAB_N_AP * STA_LAB_N_STA);
	cs_wlc_clients_stats(l->s.wlc, &st);
	assert_int_equal(
	    st.per_state[CS_WLC_CL_L2AUTH], STA_LAB_N_AP * STA_LAB_N_STA);
	assert_int_equal(cs_wlc_clients_tick(l->s.wlc, 999), 0); /* not yet */
	l->s.now = 1000;
	assert_int_equal(cs_wlc_clients_tick(l->s.wlc, l->s.now),
	    STA_LAB_N_AP * STA_LAB_N_STA);
	pump(l);
	cs_wlc_clients_stats(l->s.wlc, &st);
	assert_int_equal(st.l2auth_done, STA_LAB_N_AP * STA_LAB_N_STA);
	assert_int_equal(
	    st.per_state[CS_WLC_CL_RUN], STA_LAB_N_AP * STA_LAB_N_STA);
	for (int a = 0; a < STA_LAB_N_AP; a++)
		for (unsigned i = 0; i < STA_LAB_N_STA; i++) {
			struct cs_sta_info info;

			cs_sta_info(cs_ap_stations_get(l->s.aps[a], i), &info);
			assert_int_equal(info.state, CS_STA_RUN);
		}
}

/* A station without an RSN element on the PSK WLAN: association refused
 * with status 72 (invalid RSNE), nobody reaches the 4-way. */
static void
test_open_station_refused(void **state)
{
	struct lab *l = *state;
	struct cs_wlc_clients_stats st;

	join_all(l);
	cs_wlc_clients_stats(l->s.wlc, &st);
	assert_int_equal(st.assocs, 0);
	assert_int_equal(st.assoc_refused_other, STA_LAB_N_AP * STA_LAB_N_STA);
	assert_int_equal(st.per_state[CS_WLC_CL_L2AUTH], 0);
	for (int a = 0; a < STA_LAB_N_AP; a++)
		for (unsigned i = 0; i < STA_LAB_N_STA; i++) {
			struct cs_sta_info info;

			cs_sta_info(cs_ap_stations_get(l->s.aps[a], i), &info);
			assert_int_equal(info.state, CS_STA_FAILED);
			assert_int_equal(info.failed_in, CS_STA_ASSOC);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_psk_join, setup_right, teardown),
		cmocka_unit_test_setup_teardown(
		    test_wrong_psk, setup_wrong, teardown),
		cmocka_unit_test_setup_teardown(
		    test_m3_lost, setup_right, teardown),
		cmocka_unit_test_setup_teardown(
		    test_open_station_refused, setup_open_sta, teardown),
	};

	return cmocka_run_group_tests_name("wpa_lab", tests, NULL, NULL);
}
