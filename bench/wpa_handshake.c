/* SPDX-License-Identifier: MIT */
/*
 * The CPU cost of WPA2-PSK per client: one PBKDF2 (paid once per WLAN,
 * not per client) and full 4-way handshakes, both roles, in memory, for
 * AKM 2 and 6.  Not part of ctest; build and run by hand:
 *   cc -O2 -Ilib/include bench/wpa_handshake.c build/dev/lib/libcapsim.a \
 *     -lssl -lcrypto -o /tmp/wpa_handshake && /tmp/wpa_handshake [N]
 * Timed in the process's CPU time (a shared host's load does not
 * inflate it).  Ends with one JSON line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capsim/cursor.h"
#include "capsim/wpa.h"

struct q {
	uint8_t b[4][400];
	size_t n[4];
	int c;
};

static unsigned ctr;

static int
q_send(void *ctx, const uint8_t *p, size_t l)
{
	struct q *q = ctx;

	if (q->c >= 4 || l > sizeof(q->b[0]))
		return -1;
	memcpy(q->b[q->c], p, l);
	q->n[q->c++] = l;
	return 0;
}

static void
q_arm(void *c, enum cs_wpa_timer t, uint64_t d)
{
	(void)c;
	(void)t;
	(void)d;
}

static void
q_cancel(void *c, enum cs_wpa_timer t)
{
	(void)c;
	(void)t;
}

static int
q_rand(void *c, uint8_t *b, size_t l)
{
	(void)c;
	for (size_t i = 0; i < l; i++)
		b[i] = (uint8_t)(ctr++ * 7 + i);
	return 0;
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int
one(enum cs_wpa_akm akm, const uint8_t *pmk, const uint8_t *rsne)
{
	struct q aq = { 0 }, sq = { 0 };
	struct cs_wpa_io aio = { q_send, q_arm, q_cancel, NULL, q_rand, &aq };
	struct cs_wpa_io sio = { q_send, q_arm, q_cancel, NULL, q_rand, &sq };
	struct cs_wpa_auth_cfg ac = { .akm = akm,
		.own_rsne = rsne,
		.own_rsne_len = 22,
		.sta_rsne = rsne,
		.sta_rsne_len = 22,
		.gtk_keyid = 1 };
	struct cs_wpa_supp_cfg sc = { .akm = akm,
		.own_rsne = rsne,
		.own_rsne_len = 22,
		.ap_rsne = rsne,
		.ap_rsne_len = 22 };
	struct cs_wpa_auth *a = NULL;
	struct cs_wpa_supp *s = NULL;
	int ok;

	memcpy(ac.pmk, pmk, 32);
	memcpy(sc.pmk, pmk, 32);
	if (cs_wpa_auth_new(&a, &ac, &aio) < 0 ||
	    cs_wpa_supp_new(&s, &sc, &sio) < 0)
		return -1;
	(void)cs_wpa_supp_start(s, 0);
	(void)cs_wpa_auth_start(a, 0);
	(void)cs_wpa_supp_input(s, aq.b[0], aq.n[0], 0, NULL);
	(void)cs_wpa_auth_input(a, sq.b[0], sq.n[0], 0, NULL);
	(void)cs_wpa_supp_input(s, aq.b[1], aq.n[1], 0, NULL);
	(void)cs_wpa_auth_input(a, sq.b[1], sq.n[1], 0, NULL);
	ok = cs_wpa_auth_state(a) == CS_WPA_A_PTKINITDONE &&
	    cs_wpa_supp_state(s) == CS_WPA_S_DONE;
	cs_wpa_auth_free(a);
	cs_wpa_supp_free(s);
	return ok ? 0 : -1;
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5000;
	uint8_t rsne[22], pmk[32];
	double pbkdf2_ms, us[2];
	struct timespec t0;
	struct cs_wr wr;

	if (n < 1)
		n = 1;
	cs_wr_init(&wr, rsne, sizeof(rsne));
	cs_rsne_build(&wr, CS_WPA_AKM_PSK, 0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	for (int i = 0; i < 10; i++)
		(void)cs_wpa_pmk_from_passphrase(
		    "correct horse battery", (const uint8_t *)"lab", 3, pmk);
	pbkdf2_ms = ms_since(&t0) / 10;
	for (int k = 0; k < 2; k++) {
		enum cs_wpa_akm akm =
		    k ? CS_WPA_AKM_PSK_SHA256 : CS_WPA_AKM_PSK;

		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
		for (int i = 0; i < n; i++)
			if (one(akm, pmk, rsne) < 0) {
				fprintf(stderr, "handshake %d failed\n", i);
				return 1;
			}
		us[k] = ms_since(&t0) * 1e3 / n;
	}
	printf("{\"pbkdf2_ms\":%.2f,\"fourway_us_akm2\":%.1f,"
	       "\"fourway_us_akm6\":%.1f,\"n\":%d}\n",
	    pbkdf2_ms, us[0], us[1], n);
	return 0;
}
