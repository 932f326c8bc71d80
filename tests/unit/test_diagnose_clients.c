/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the wireless clients' diagnosis
 * (lib/report/diagnose_clients.c), from synthetic facts: each verdict
 * with its evidence, the clients and APs it covers, low confidence where
 * only the station's side is known, and "inconclusive" where evidence is
 * missing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/diagnose_clients.h"
#include "testutil.h"

#define N 6

static char names[N][20];

/* N clients on 2 APs (0, 0, 0, 1, 1, 1), all joined. */
static void
base(struct cs_client_facts f[N])
{
	memset(f, 0, sizeof(*f) * N);
	for (int i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "sta-%02d", i + 1);
		f[i].name = names[i];
		f[i].ap = i < 3 ? 0 : 1;
		f[i].joined = true;
		f[i].dhcp_sent = 2;
		f[i].dhcp_answered = 2;
		f[i].arp_sent = f[i].arp_answered = 1;
		f[i].echo_sent = f[i].echo_answered = 1;
	}
}

static void
fail_in(struct cs_client_facts *f, enum cs_sta_state in)
{
	f->joined = false;
	f->failed = true;
	f->failed_in = in;
}

static void
test_ok(void **state)
{
	struct cs_client_facts f[N];
	struct cs_client_diagnosis d;

	(void)state;
	base(f);
	assert_int_equal(cs_diagnose_clients(f, N, &d), 0);
	assert_string_equal(d.code, "ok");
	assert_int_equal(d.affected, 0);
	assert_int_equal(d.count[CS_CDIAG_OK], N);
	assert_string_equal(d.summary, "All 6 clients joined.");
	cs_client_diagnosis_free(&d);
}

/* The controller saw every message 2 and every MIC was wrong. */
static void
test_wrong_psk_wlc_side(void **state)
{
	struct cs_client_facts f[N];
	struct cs_client_diagnosis d;

	(void)state;
	base(f);
	for (int i = 0; i < N; i++) {
		fail_in(&f[i], CS_STA_L2AUTH);
		f[i].m1_received = f[i].m2_sent = 3;
		f[i].has_wlc_side = true;
		f[i].wlc_m2_received = f[i].wlc_m2_mic_failed = 3;
		f[i].deauth_reason = 15;
	}
	assert_int_equal(cs_diagnose_clients(f, N, &d), 0);
	assert_string_equal(d.code, "wrong-psk");
	assert_int_equal(d.count[CS_CDIAG_WRONG_PSK], N);
	assert_int_equal(d.aps[CS_CDIAG_WRONG_PSK], 2);
	assert_int_equal(d.conf[CS_CDIAG_WRONG_PSK], CS_DIAG_CONF_HIGH);
	assert_string_equal(d.evidence[CS_CDIAG_WRONG_PSK],
	    "every EAPOL-Key message 2 failed its MIC at the controller (18 "
	    "of 18)");
	assert_string_equal(d.names[CS_CDIAG_WRONG_PSK], "sta-01..06");
	assert_non_null(strstr(d.summary, "6 of 6 clients on 2 APs"));
	assert_non_null(strstr(d.hint, "PSK"));
	cs_client_diagnosis_free(&d);
}

/* Only the station's side (a real controller): message 2 sent,
 * deauthenticated with reason 15 -> wrong-psk, low confidence, saying
 * what is not ruled out.  One good MIC at the controller -> not the
 * PSK: inconclusive. */
static void
test_wrong_psk_station_side(void **state)
{
	struct cs_client_facts f[N];
	struct cs_client_diagnosis d;
	char line[256];

	(void)state;
	base(f);
	for (int i = 0; i < 2; i++) {
		fail_in(&f[i], CS_STA_L2AUTH);
		f[i].m1_received = f[i].m2_sent = 1;
		f[i].deauth_reason = 15;
	}
	assert_int_equal(cs_diagnose_clients(f, N, &d), 0);
	assert_string_equal(d.code, "wrong-psk");
	assert_int_equal(d.conf[CS_CDIAG_WRONG_PSK], CS_DIAG_CONF_LOW);
	assert_int_equal(d.aps[CS_CDIAG_WRONG_PSK], 1);
	assert_non_null(strstr(
	    d.evidence[CS_CDIAG_WRONG_PSK], "lost message 3 is not ruled out"));
	cs_client_diagnosis_free(&d);
	f[0].has_wlc_side = true;
	f[0].wlc_m2_received = 1; /* and its MIC was right */
	assert_int_equal(cs_diagnose_client(&f[0], line, sizeof(line)),
	    CS_CDIAG_INCONCLUSIVE);
	assert_non_null(strstr(line, "MIC was valid: not the PSK"));
	/* no message 2 ever sent (no message 1): not the PSK either */
	f[1].m2_sent = 0;
	assert_int_equal(
	    cs_diagnose_client(&f[1], NULL, 0), CS_CDIAG_INCONCLUSIVE);
}

static void
test_assoc_refused(void **state)
{
	struct cs_client_facts f[N];
	struct cs_client_diagnosis d;

	(void)state;
	base(f);
	for (int i = 3; i < N; i++) {
		fail_in(&f[i], CS_STA_ASSOC);
		f[i].assoc_status = 17;
	}
	assert_int_equal(cs_diagnose_clients(f, N, &d), 0);
	assert_string_equal(d.code, "association-refused");
	assert_int_equal(d.affected, 3);
	assert_int_equal(d.aps[CS_CDIAG_ASSOC_REFUSED], 1);
	assert_string_equal(d.evidence[CS_CDIAG_ASSOC_REFUSED],
	    "Association refused with status 17 (AP unable to handle more "
	    "stations) x3");
	assert_string_equal(d.names[CS_CDIAG_ASSOC_REFUSED], "sta-04..06");
	assert_non_null(strstr(d.hint, "17 is a client limit"));
	cs_client_diagnosis_free(&d);
}

static void
test_dhcp_unanswered(void **state)
{
	struct cs_client_facts f[N];
	struct cs_client_diagnosis d;

	(void)state;
	base(f);
	for (int i = 0; i < N; i++) {
		fail_in(&f[i], CS_STA_DHCP);
		f[i].dhcp_sent = 4;
		f[i].dhcp_answered = 0;
		f[i].has_wlc_side = true;
		f[i].wlc_dhcp_relayed = 0;
	}
	assert_int_equal(cs_diagnose_clients(f, N, &d), 0);
	assert_string_equal(d.code, "dhcp-unanswered");
	assert_string_equal(d.evidence[CS_CDIAG_DHCP_UNANSWERED],
	    "24 DHCP requests sent, no reply; the controller relayed 0 of "
	    "them");
	cs_client_diagnosis_free(&d);
	f[0].has_wlc_side = false;
	assert_int_equal(cs_diagnose_clients(f, N, &d), 0);
	assert_non_null(strstr(d.evidence[CS_CDIAG_DHCP_UNANSWERED],
	    "whether the controller relayed them is unknown"));
	cs_client_diagnosis_free(&d);
	/* one DISCOVER only (the run ended): not enough to say */
	f[0].dhcp_sent = 1;
	assert_int_equal(
	    cs_diagnose_client(&f[0], NULL, 0), CS_CDIAG_INCONCLUSIVE);
}

static void
test_gateway_unreachable(void **state)
{
	struct cs_client_facts f[N];
	struct cs_client_diagnosis d;

	(void)state;
	base(f);
	for (int i = 0; i < N; i++) {
		fail_in(&f[i], i < 3 ? CS_STA_ARP : CS_STA_PING);
		f[i].arp_sent = 3;
		f[i].arp_answered = i < 3 ? 0 : 1;
		f[i].echo_sent = i < 3 ? 0 : 3;
		f[i].echo_answered = 0;
	}
	assert_int_equal(cs_diagnose_clients(f, N, &d), 0);
	assert_string_equal(d.code, "gateway-unreachable");
	assert_string_equal(d.evidence[CS_CDIAG_GATEWAY_UNREACHABLE],
	    "gateway ARP 18 sent / 3 answered, echo 9 sent / 0 answered");
	cs_client_diagnosis_free(&d);
}

/* Large probes lost while small ones pass: data-path-mtu, even for
 * clients that joined (their small frames made it). */
static void
test_data_path_mtu(void **state)
{
	struct cs_client_facts f[N];
	struct cs_client_diagnosis d;

	(void)state;
	base(f);
	for (int i = 0; i < N; i++) {
		f[i].small_sent = f[i].small_answered = 3;
		f[i].large_sent = 3;
		f[i].large_bytes = 1472;
	}
	assert_int_equal(cs_diagnose_clients(f, N, &d), 0);
	assert_string_equal(d.code, "data-path-mtu");
	assert_string_equal(d.evidence[CS_CDIAG_DATA_PATH_MTU],
	    "small frames 18 sent / 18 answered, large frames (1472 octets) "
	    "18 sent / 0 answered");
	cs_client_diagnosis_free(&d);
	/* small ones lost too: not MTU, and the clients joined: ok */
	for (int i = 0; i < N; i++)
		f[i].small_answered = 0;
	assert_int_equal(cs_diagnose_clients(f, N, &d), 0);
	assert_string_equal(d.code, "ok");
	cs_client_diagnosis_free(&d);
}

/* The APs' data channel never answered a keep-alive: the clients are
 * not blamed, whatever their station concluded (here a 4-way handshake
 * that looks like a wrong PSK from the station, and stations that never
 * started); one keep-alive answered, or fewer than 2 sent, is no such
 * evidence. */
static void
test_no_data_channel(void **state)
{
	struct cs_client_facts f[N];
	struct cs_client_diagnosis d;

	(void)state;
	base(f);
	for (int i = 0; i < N; i++) {
		f[i].joined = false;
		f[i].has_ap_side = true;
		f[i].ap_ka_sent = (uint32_t)(i < 3 ? 3 : 2);
		f[i].never_started = i >= 4;
	}
	fail_in(&f[0], CS_STA_L2AUTH);
	f[0].m1_received = f[0].m2_sent = 1;
	f[0].deauth_reason = 15;
	fail_in(&f[1], CS_STA_AUTH);
	assert_int_equal(cs_diagnose_clients(f, N, &d), 0);
	assert_string_equal(d.code, "no-data-channel");
	assert_int_equal(d.count[CS_CDIAG_NO_DATA_CHANNEL], N);
	assert_int_equal(d.count[CS_CDIAG_WRONG_PSK], 0);
	assert_int_equal(d.aps[CS_CDIAG_NO_DATA_CHANNEL], 2);
	assert_int_equal(d.conf[CS_CDIAG_NO_DATA_CHANNEL], CS_DIAG_CONF_HIGH);
	assert_string_equal(d.evidence[CS_CDIAG_NO_DATA_CHANNEL],
	    "their APs' CAPWAP data channel never answered (up to 3 "
	    "keep-alives sent per AP, 0 answered): no 802.11 frame of theirs "
	    "had a path to the controller; 2 never started (their AP never "
	    "got the WLAN from the controller)");
	assert_non_null(strstr(d.summary, "6 of 6 clients on 2 APs"));
	assert_non_null(strstr(d.hint, "not at fault"));
	assert_non_null(strstr(d.hint, "UDP 5247"));
	cs_client_diagnosis_free(&d);
	/* one keep-alive came back: the data channel worked once */
	f[0].ap_ka_received = 1;
	assert_int_equal(
	    cs_diagnose_client(&f[0], NULL, 0), CS_CDIAG_WRONG_PSK);
	/* one keep-alive sent is too little to tell */
	f[1].ap_ka_sent = 1;
	assert_int_equal(
	    cs_diagnose_client(&f[1], NULL, 0), CS_CDIAG_INCONCLUSIVE);
	/* the AP's side unknown (a capture, another tool) */
	f[2].has_ap_side = false;
	assert_int_equal(
	    cs_diagnose_client(&f[2], NULL, 0), CS_CDIAG_INCONCLUSIVE);
	/* a client that joined is ok whatever the counts say */
	base(f);
	f[3].has_ap_side = true;
	f[3].ap_ka_sent = 5;
	assert_int_equal(cs_diagnose_client(&f[3], NULL, 0), CS_CDIAG_OK);
}

/* Several causes -> mixed, each listed; only undecided clients ->
 * inconclusive; no clients -> inconclusive. */
static void
test_mixed_and_inconclusive(void **state)
{
	struct cs_client_facts f[N];
	struct cs_client_diagnosis d;

	(void)state;
	base(f);
	fail_in(&f[0], CS_STA_ASSOC);
	f[0].assoc_status = 17;
	fail_in(&f[1], CS_STA_DHCP);
	f[1].dhcp_sent = 4;
	f[1].dhcp_answered = 0;
	assert_int_equal(cs_diagnose_clients(f, N, &d), 0);
	assert_string_equal(d.code, "mixed");
	assert_non_null(
	    strstr(d.summary, "association-refused 1, dhcp-unanswered 1"));
	cs_client_diagnosis_free(&d);
	base(f);
	f[2].joined = false; /* neither joined nor failed */
	assert_int_equal(cs_diagnose_clients(f, N, &d), 0);
	assert_string_equal(d.code, "inconclusive");
	assert_non_null(strstr(
	    d.evidence[CS_CDIAG_INCONCLUSIVE], "1 neither joined nor failed"));
	assert_non_null(strstr(d.hint, "capture"));
	cs_client_diagnosis_free(&d);
	assert_int_equal(cs_diagnose_clients(NULL, 0, &d), 0);
	assert_string_equal(d.code, "inconclusive");
	assert_non_null(strstr(d.summary, "No clients"));
	cs_client_diagnosis_free(&d);
	assert_int_equal(cs_diagnose_clients(f, N, NULL), -EINVAL);
	assert_int_equal(cs_diagnose_clients(NULL, 1, &d), -EINVAL);
	assert_string_equal(
	    cs_cdiag_code_name(CS_CDIAG_WRONG_PSK), "wrong-psk");
	assert_null(cs_cdiag_code_name(CS_CDIAG__COUNT));
	cs_client_diagnosis_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_wrong_psk_wlc_side),
		cmocka_unit_test(test_wrong_psk_station_side),
		cmocka_unit_test(test_assoc_refused),
		cmocka_unit_test(test_dhcp_unanswered),
		cmocka_unit_test(test_gateway_unreachable),
		cmocka_unit_test(test_data_path_mtu),
		cmocka_unit_test(test_no_data_channel),
		cmocka_unit_test(test_mixed_and_inconclusive),
	};

	return cmocka_run_group_tests_name(
	    "diagnose_clients", tests, NULL, NULL);
}
