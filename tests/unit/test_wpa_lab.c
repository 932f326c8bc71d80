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
 * harness is the station lab (sta_lab.h) of test_ap_station.c, with the
 * controller's timer tick.
 * The controller's misbehaviours for tests (refuse association, drop
 * message 3, relay no DHCP) fail the stations the way they would.
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
#include "capsim/diagnose_clients.h"
#include "capsim/eapol.h"
#include "capsim/ieee80211.h"
#include "capsim/inet.h"
#include "capsim/wlc_clients.h"
#include "capsim/wpa.h"
#include "sta_lab.h"
#include "testutil.h"

#define N_AP  STA_LAB_N_AP
#define N_STA STA_LAB_N_STA

/* The station lab (first, so the controller's callbacks, given the lab,
 * find this too), with what this test adds. */
struct lab {
	struct sta_lab s;
	unsigned drop_m3; /* messages 3 still to lose on the way */
	unsigned dropped;
	/* what the controller said of the clients it forgot */
	struct cs_wlc_client_end ends[N_AP * N_STA];
	unsigned n_ends;
};

/* the controller's misbehaviours for the next lab_setup */
static struct cs_wlc_clients_cfg mis;

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

/* sta_lab_pump's drop: the next l->drop_m3 messages 3 to a station. */
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
	struct sta_lab *s = ctx;

	for (size_t i = 0; i < len; i++)
		buf[i] =
		    (uint8_t)((s->rnd = s->rnd * 1103515245u + 12345u) >> 16);
	return 0;
}

static void
wlc_client_end(void *ctx, const struct cs_wlc_client_end *e)
{
	struct lab *l = ctx; /* the lab's first member is the context */

	assert_true(l->n_ends < N_AP * N_STA);
	l->ends[l->n_ends++] = *e;
}

/* The stations' security: a PSK (its PMK) or open. */
struct sta_key {
	bool is_psk;
	uint8_t pmk[CS_WPA_PMK_LEN];
};

static void
tune_sta(struct cs_ap_stations_cfg *cfg, void *arg)
{
	const struct sta_key *k = arg;

	cfg->sta.security = k->is_psk ? CS_STA_WPA2_PSK : CS_STA_OPEN;
	cfg->has_pmk = true;
	memcpy(cfg->pmk, k->pmk, sizeof(cfg->pmk));
}

static int
lab_setup(void **state, const char *sta_psk)
{
	struct lab *l = calloc(1, sizeof(*l));
	struct cs_wlc_clients_io wio;
	struct sta_key key = { .is_psk = sta_psk != NULL };

	assert_non_null(l);
	sta_lab_init(&l->s);
	l->s.cfg.log.fn = cs_test_log;
	l->s.cfg.log.max_level = CS_LOG_INFO;
	l->s.cfg.wlans[0].has_psk = true;
	l->s.cfg.refuse_assoc_status = mis.refuse_assoc_status;
	l->s.cfg.drop_eapol_m3 = mis.drop_eapol_m3;
	l->s.cfg.no_dhcp_relay = mis.no_dhcp_relay;
	memset(&mis, 0, sizeof(mis));
	assert_int_equal(cs_wpa_pmk_from_psk("lab clients psk",
	                     (const uint8_t *)"lab-clients", 11,
	                     l->s.cfg.wlans[0].pmk, NULL),
	    0);
	assert_int_equal(
	    cs_wpa_pmk_from_psk(sta_psk != NULL ? sta_psk : "lab clients psk",
	        (const uint8_t *)"lab-clients", 11, key.pmk, NULL),
	    0);
	wio = sta_lab_wlc_io(&l->s);
	wio.rand_bytes = wlc_rand_bytes;
	wio.client_end = wlc_client_end;
	assert_int_equal(cs_wlc_clients_new(&l->s.wlc, &l->s.cfg, &wio), 0);
	sta_lab_new_aps(&l->s, tune_sta, &key);
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
setup_refuse(void **state)
{
	mis.refuse_assoc_status = 1; /* unspecified failure */
	return lab_setup(state, "lab clients psk");
}

static int
setup_drop_m3(void **state)
{
	mis.drop_eapol_m3 = CS_WLC_DROP_ALL;
	return lab_setup(state, "lab clients psk");
}

static int
setup_no_dhcp(void **state)
{
	mis.no_dhcp_relay = true;
	return lab_setup(state, "lab clients psk");
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
	for (int a = 0; a < N_AP; a++)
		assert_int_equal(
		    cs_wlc_clients_ap_run(l->s.wlc, &l->s.ap_id[a], 1), 1);
	for (int a = 0; a < N_AP; a++)
		for (unsigned i = 0; i < N_STA; i++)
			assert_int_equal(
			    cs_ap_stations_start(l->s.aps[a], i, 0), 0);
	pump(l);
}

/* The diagnosis from what the stations know (no controller side, as
 * against a real controller). */
static void
diagnose(struct lab *l, const char *code, struct cs_client_diagnosis *d)
{
	struct cs_client_facts f[N_AP * N_STA];

	memset(f, 0, sizeof(f));
	for (int a = 0; a < N_AP; a++)
		for (unsigned i = 0; i < N_STA; i++) {
			struct cs_client_facts *x = &f[a * N_STA + (int)i];
			struct cs_sta_info info;

			cs_sta_info(cs_ap_stations_get(l->s.aps[a], i), &info);
			assert_int_equal(
			    cs_client_facts_from_sta(x, &info,
			        cs_ap_stations_l2_fail(l->s.aps[a], i)),
			    0);
			x->name = "sta";
			x->ap = (unsigned)a;
		}
	assert_int_equal(cs_diagnose_clients(f, N_AP * N_STA, d), 0);
	assert_string_equal(d->code, code);
}

static void
test_psk_join(void **state)
{
	struct lab *l = *state;
	struct cs_wlc_clients_stats st;

	join_all(l);
	for (int a = 0; a < N_AP; a++)
		for (unsigned i = 0; i < N_STA; i++) {
			struct cs_sta_info info;

			cs_sta_info(cs_ap_stations_get(l->s.aps[a], i), &info);
			assert_int_equal(info.state, CS_STA_RUN);
			assert_int_not_equal(info.ip, 0);
			assert_int_equal(cs_ap_stations_l2_fail(l->s.aps[a], i),
			    CS_WPA_FAIL_NONE);
		}
	cs_wlc_clients_stats(l->s.wlc, &st);
	assert_int_equal(st.l2auth_done, N_AP * N_STA);
	assert_int_equal(st.per_state[CS_WLC_CL_RUN], N_AP * N_STA);
	assert_int_equal(st.per_state[CS_WLC_CL_L2AUTH], 0);
	assert_int_equal(st.echo_answered, N_AP * N_STA);
	for (int f = 0; f < CS_WPA_FAIL__COUNT; f++)
		assert_int_equal(st.l2auth_failed[f], 0);
	/* nothing left to retransmit */
	assert_int_equal(cs_wlc_clients_tick(l->s.wlc, 5000), 0);
	{
		struct cs_client_diagnosis d;

		diagnose(l, "ok", &d);
		cs_client_diagnosis_free(&d);
	}
}

static void
test_wrong_psk(void **state)
{
	struct lab *l = *state;
	struct cs_wlc_clients_stats st;

	join_all(l);
	cs_wlc_clients_stats(l->s.wlc, &st);
	/* every station answered message 1; every message 2 failed */
	assert_int_equal(st.per_state[CS_WLC_CL_L2AUTH], N_AP * N_STA);
	assert_int_equal(st.l2auth_done, 0);
	assert_int_equal(st.dhcp_relayed, 0);
	/* two retransmissions of message 1 (3 tries, 1 s apart), then the
	 * deauthentication with reason 15 */
	for (uint64_t t = 1000; t <= 3000; t += 1000) {
		l->s.now = t;
		assert_int_equal(
		    cs_wlc_clients_tick(l->s.wlc, t), N_AP * N_STA);
		pump(l);
	}
	cs_wlc_clients_stats(l->s.wlc, &st);
	assert_int_equal(st.l2auth_failed[CS_WPA_FAIL_WRONG_PSK], N_AP * N_STA);
	assert_int_equal(st.per_state[CS_WLC_CL_L2AUTH], 0);
	assert_int_equal(st.per_state[CS_WLC_CL_RUN], 0);
	assert_int_equal(st.deleted, N_AP * N_STA);
	for (int a = 0; a < N_AP; a++)
		for (unsigned i = 0; i < N_STA; i++) {
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
	{
		struct cs_client_diagnosis d;

		/* the stations alone: message 2 sent, deauthenticated with
		 * 15, no message 3: wrong-psk, low confidence */
		diagnose(l, "wrong-psk", &d);
		assert_int_equal(d.count[CS_CDIAG_WRONG_PSK], N_AP * N_STA);
		assert_int_equal(d.aps[CS_CDIAG_WRONG_PSK], N_AP);
		assert_int_equal(d.conf[CS_CDIAG_WRONG_PSK], CS_DIAG_CONF_LOW);
		assert_non_null(strstr(d.evidence[CS_CDIAG_WRONG_PSK],
		    "(reason 15: 6, reason 2: 0)"));
		cs_client_diagnosis_free(&d);
	}
	{
		/* with the controller's side (the embedded mock WLC): every
		 * message 2 failed its MIC there -> high confidence */
		struct cs_client_facts f[N_AP * N_STA];
		struct cs_client_diagnosis d;

		assert_int_equal(l->n_ends, N_AP * N_STA);
		memset(f, 0, sizeof(f));
		for (unsigned k = 0; k < l->n_ends; k++) {
			const struct cs_wlc_client_end *e = &l->ends[k];

			assert_int_equal(e->l2_fail, CS_WPA_FAIL_WRONG_PSK);
			assert_int_equal(e->m2_received, 3);
			assert_int_equal(e->m2_mic_failed, 3);
			f[k].name = "sta";
			f[k].ap = (unsigned)*(int *)e->ap;
			f[k].failed = true;
			f[k].failed_in = CS_STA_L2AUTH;
			f[k].has_wlc_side = true;
			f[k].wlc_m2_received = e->m2_received;
			f[k].wlc_m2_mic_failed = e->m2_mic_failed;
		}
		assert_int_equal(cs_diagnose_clients(f, l->n_ends, &d), 0);
		assert_string_equal(d.code, "wrong-psk");
		assert_int_equal(d.conf[CS_CDIAG_WRONG_PSK], CS_DIAG_CONF_HIGH);
		assert_int_equal(d.aps[CS_CDIAG_WRONG_PSK], N_AP);
		assert_string_equal(d.evidence[CS_CDIAG_WRONG_PSK],
		    "every EAPOL-Key message 2 failed its MIC at the "
		    "controller (18 of 18)");
		cs_client_diagnosis_free(&d);
	}
}

/* Every message 3 lost once: the controller sends it again after its
 * retransmission timeout with a new replay counter and every station
 * joins. */
static void
test_m3_lost(void **state)
{
	struct lab *l = *state;
	struct cs_wlc_clients_stats st;

	l->drop_m3 = N_AP * N_STA;
	join_all(l);
	assert_int_equal(l->dropped, N_AP * N_STA);
	cs_wlc_clients_stats(l->s.wlc, &st);
	assert_int_equal(st.per_state[CS_WLC_CL_L2AUTH], N_AP * N_STA);
	assert_int_equal(cs_wlc_clients_tick(l->s.wlc, 999), 0); /* not yet */
	l->s.now = 1000;
	assert_int_equal(cs_wlc_clients_tick(l->s.wlc, l->s.now), N_AP * N_STA);
	pump(l);
	cs_wlc_clients_stats(l->s.wlc, &st);
	assert_int_equal(st.l2auth_done, N_AP * N_STA);
	assert_int_equal(st.per_state[CS_WLC_CL_RUN], N_AP * N_STA);
	for (int a = 0; a < N_AP; a++)
		for (unsigned i = 0; i < N_STA; i++) {
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
	assert_int_equal(st.assoc_refused_other, N_AP * N_STA);
	assert_int_equal(st.per_state[CS_WLC_CL_L2AUTH], 0);
	for (int a = 0; a < N_AP; a++)
		for (unsigned i = 0; i < N_STA; i++) {
			struct cs_sta_info info;

			cs_sta_info(cs_ap_stations_get(l->s.aps[a], i), &info);
			assert_int_equal(info.state, CS_STA_FAILED);
			assert_int_equal(info.failed_in, CS_STA_ASSOC);
		}
}

static void
each_failed_in(struct lab *l, enum cs_sta_state phase)
{
	for (int a = 0; a < N_AP; a++)
		for (unsigned i = 0; i < N_STA; i++) {
			struct cs_sta_info info;

			cs_sta_info(cs_ap_stations_get(l->s.aps[a], i), &info);
			assert_int_equal(info.state, CS_STA_FAILED);
			assert_int_equal(info.failed_in, phase);
		}
}

/* Misbehaviour refuse-assoc: every association refused with the status
 * configured (1), which the stations fail on; counted and logged. */
static void
test_mis_refuse_assoc(void **state)
{
	struct lab *l = *state;
	struct cs_wlc_clients_stats st;

	join_all(l);
	cs_wlc_clients_stats(l->s.wlc, &st);
	assert_int_equal(st.assocs, 0);
	assert_int_equal(st.mis_assoc_refused, N_AP * N_STA);
	assert_int_equal(st.assoc_refused_other, N_AP * N_STA);
	assert_int_equal(st.per_state[CS_WLC_CL_L2AUTH], 0);
	each_failed_in(l, CS_STA_ASSOC);
	{
		struct cs_client_diagnosis d;

		diagnose(l, "association-refused", &d);
		assert_non_null(strstr(d.evidence[CS_CDIAG_ASSOC_REFUSED],
		    "status 1 (unspecified failure) x6"));
		cs_client_diagnosis_free(&d);
	}
	cs_wlc_clients_log_stats(l->s.wlc);
	assert_non_null(strstr(cs_test_last_log,
	    "misbehaviours: 6 associations refused with status 1, 0 "
	    "EAPOL-Key messages 3 not sent, 0 DHCP messages not relayed"));
}

/* Misbehaviour drop-eapol-m3 (all): message 3 never leaves the
 * controller; its retransmissions are dropped too, it gives up and
 * deauthenticates; the stations fail in l2auth having never seen
 * message 3. */
static void
test_mis_drop_m3(void **state)
{
	struct lab *l = *state;
	struct cs_wlc_clients_stats st;

	join_all(l);
	cs_wlc_clients_stats(l->s.wlc, &st);
	assert_int_equal(st.per_state[CS_WLC_CL_L2AUTH], N_AP * N_STA);
	assert_int_equal(st.mis_m3_dropped, N_AP * N_STA);
	for (uint64_t t = 1000; t <= 5000; t += 1000) {
		l->s.now = t;
		(void)cs_wlc_clients_tick(l->s.wlc, t);
		pump(l);
	}
	cs_wlc_clients_stats(l->s.wlc, &st);
	assert_int_equal(st.mis_m3_dropped, 3 * N_AP * N_STA); /* 3 tries */
	assert_int_equal(st.l2auth_done, 0);
	assert_int_equal(st.per_state[CS_WLC_CL_L2AUTH], 0);
	assert_int_equal(st.deleted, N_AP * N_STA);
	each_failed_in(l, CS_STA_L2AUTH);
	for (int a = 0; a < N_AP; a++)
		for (unsigned i = 0; i < N_STA; i++)
			assert_int_equal(cs_ap_stations_l2_fail(l->s.aps[a], i),
			    CS_WPA_FAIL_NO_MSG3);
}

/* Misbehaviour drop-eapol-m3 = 1: the first message 3 is lost, the
 * retransmission gets through and everybody joins. */
static void
test_mis_drop_m3_once(void **state)
{
	struct lab *l = *state;
	struct cs_wlc_clients_stats st;

	join_all(l);
	l->s.now = 1000;
	assert_int_equal(cs_wlc_clients_tick(l->s.wlc, l->s.now), N_AP * N_STA);
	pump(l);
	cs_wlc_clients_stats(l->s.wlc, &st);
	assert_int_equal(st.mis_m3_dropped, N_AP * N_STA);
	assert_int_equal(st.per_state[CS_WLC_CL_RUN], N_AP * N_STA);
}

static int
setup_drop_m3_once(void **state)
{
	mis.drop_eapol_m3 = 1;
	return lab_setup(state, "lab clients psk");
}

/* Misbehaviour no-dhcp-offer: the 4-way passes, the controller takes
 * every DISCOVER and relays none; the stations retransmit and fail in
 * dhcp without an offer. */
static void
test_mis_no_dhcp(void **state)
{
	struct lab *l = *state;
	struct cs_wlc_clients_stats st;

	join_all(l);
	cs_wlc_clients_stats(l->s.wlc, &st);
	assert_int_equal(st.l2auth_done, N_AP * N_STA);
	assert_int_equal(st.dhcp_relayed, 0);
	assert_int_equal(st.mis_dhcp_dropped, N_AP * N_STA);
	assert_int_equal(st.per_state[CS_WLC_CL_IP_LEARN], N_AP * N_STA);
	for (int k = 1; k <= 8; k++) {
		l->s.now = (uint64_t)k * 70000;
		for (int a = 0; a < N_AP; a++)
			for (unsigned i = 0; i < N_STA; i++)
				if (cs_sta_state(cs_ap_stations_get(
				        l->s.aps[a], i)) == CS_STA_DHCP)
					cs_ap_stations_timer(l->s.aps[a], i,
					    CS_STA_T_RETRY, l->s.now);
		pump(l);
	}
	each_failed_in(l, CS_STA_DHCP);
	{
		struct cs_client_diagnosis d;

		diagnose(l, "dhcp-unanswered", &d);
		assert_non_null(strstr(d.evidence[CS_CDIAG_DHCP_UNANSWERED],
		    "24 DHCP requests sent, no reply"));
		cs_client_diagnosis_free(&d);
	}
	cs_wlc_clients_stats(l->s.wlc, &st);
	assert_int_equal(st.dhcp_relayed, 0);
	assert_true(st.mis_dhcp_dropped >= 4 * N_AP * N_STA);
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
		cmocka_unit_test_setup_teardown(
		    test_mis_refuse_assoc, setup_refuse, teardown),
		cmocka_unit_test_setup_teardown(
		    test_mis_drop_m3, setup_drop_m3, teardown),
		cmocka_unit_test_setup_teardown(
		    test_mis_drop_m3_once, setup_drop_m3_once, teardown),
		cmocka_unit_test_setup_teardown(
		    test_mis_no_dhcp, setup_no_dhcp, teardown),
	};

	return cmocka_run_group_tests_name("wpa_lab", tests, NULL, NULL);
}
