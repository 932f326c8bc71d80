/* SPDX-License-Identifier: MIT */
/*
 * The WPA2-PSK supplicant and authenticator against each other in memory
 * and against the independently built vectors in tests/vectors/eapol/
 * (gen.py): a full 4-way and group key handshake, a wrong passphrase,
 * lost messages 3 and 4, replays, tampering, RSN element mismatch and
 * the timers.  Frames travel through queues, never by re-entering the
 * sender; timers fire only when a step says so.
 */
#include "capsim/wpa.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capsim/cursor.h"
#include "capsim/eapol.h"
#include "capsim/pcapng.h"
#include "testutil.h"

#define QMAX 16
#define EMAX 64

struct side {
	uint8_t q[QMAX][1200]; /* frames sent, oldest first */
	size_t qlen[QMAX];
	unsigned nq;
	bool armed[CS_WPA_T__COUNT];
	uint64_t delay[CS_WPA_T__COUNT];
	struct cs_wpa_event ev[EMAX];
	unsigned nev;
	unsigned n_install_ptk, n_install_gtk, n_mic_fail, n_dropped;
	uint8_t tk[CS_WPA_TK_LEN];
	uint8_t gtk[32];
	size_t gtk_len;
	uint8_t gtk_keyid;
	uint16_t deauth_reason;
	const char *last_drop;
	uint8_t nonce_base;
	unsigned nonces;
};

static int
side_send(void *ctx, const uint8_t *pdu, size_t len)
{
	struct side *s = ctx;

	assert_true(s->nq < QMAX);
	assert_true(len <= sizeof(s->q[0]));
	memcpy(s->q[s->nq], pdu, len);
	s->qlen[s->nq++] = len;
	return 0;
}

static void
side_arm(void *ctx, enum cs_wpa_timer t, uint64_t delay_ms)
{
	struct side *s = ctx;

	s->armed[t] = true;
	s->delay[t] = delay_ms;
}

static void
side_cancel(void *ctx, enum cs_wpa_timer t)
{
	struct side *s = ctx;

	s->armed[t] = false;
}

static void
side_event(void *ctx, const struct cs_wpa_event *ev)
{
	struct side *s = ctx;

	if (s->nev < EMAX)
		s->ev[s->nev++] = *ev;
	switch (ev->kind) {
	case CS_WPA_EV_INSTALL_PTK:
		s->n_install_ptk++;
		assert_int_equal(ev->key_len, CS_WPA_TK_LEN);
		memcpy(s->tk, ev->key, CS_WPA_TK_LEN);
		break;
	case CS_WPA_EV_INSTALL_GTK:
		s->n_install_gtk++;
		memcpy(s->gtk, ev->key, ev->key_len);
		s->gtk_len = ev->key_len;
		s->gtk_keyid = ev->keyid;
		break;
	case CS_WPA_EV_MIC_FAILURE:
		s->n_mic_fail++;
		break;
	case CS_WPA_EV_DROPPED:
		s->n_dropped++;
		s->last_drop = ev->reason;
		break;
	case CS_WPA_EV_DEAUTH:
		s->deauth_reason = ev->reason_code;
		break;
	default:
		break;
	}
}

/* Nonces: nonce_base, nonce_base+1, ... for the first; later ones differ
 * by a counter in the last octet, so tests stay deterministic. */
static int
side_rand(void *ctx, uint8_t *buf, size_t len)
{
	struct side *s = ctx;

	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(s->nonce_base + i);
	buf[len - 1] = (uint8_t)(buf[len - 1] + s->nonces++);
	return 0;
}

static bool
side_has_event(const struct side *s, enum cs_wpa_ev_kind k)
{
	for (unsigned i = 0; i < s->nev; i++)
		if (s->ev[i].kind == k)
			return true;
	return false;
}

/* Pops the oldest frame a side sent into buf. */
static size_t
side_pop(struct side *s, uint8_t *buf)
{
	size_t n;

	assert_true(s->nq > 0);
	n = s->qlen[0];
	memcpy(buf, s->q[0], n);
	memmove(s->q[0], s->q[1], sizeof(s->q[0]) * (QMAX - 1));
	memmove(s->qlen, s->qlen + 1, sizeof(s->qlen[0]) * (QMAX - 1));
	s->nq--;
	return n;
}

static const uint8_t aa[6] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5 };
static const uint8_t spa[6] = { 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5 };

struct fx {
	struct side as, ss;
	struct cs_wpa_auth *a;
	struct cs_wpa_supp *s;
	uint8_t rsne[32];
	size_t rsne_len;
	uint64_t now;
};

/* Per-test deviations, reset by fx_make: the authenticator's own RSN
 * element (what message 3 carries) and a station that saw no Beacon. */
static const uint8_t *opt_auth_rsne;
static size_t opt_auth_rsne_len;
static bool opt_no_beacon;

static void
fx_make(struct fx *f, enum cs_wpa_akm akm, const char *auth_pass,
    const char *supp_pass, const uint8_t *sta_rsne, size_t sta_rsne_len)
{
	struct cs_wpa_io aio = { side_send, side_arm, side_cancel, side_event,
		side_rand, &f->as };
	struct cs_wpa_io sio = { side_send, side_arm, side_cancel, side_event,
		side_rand, &f->ss };
	struct cs_wpa_auth_cfg ac = { 0 };
	struct cs_wpa_supp_cfg sc = { 0 };
	struct cs_wr wr;

	memset(f, 0, sizeof(*f));
	f->as.nonce_base = 0xe0;
	f->ss.nonce_base = 0xc0;
	cs_wr_init(&wr, f->rsne, sizeof(f->rsne));
	/* caps 0 for AKM 2 as the vectors have; MFPC for AKM 6 */
	cs_rsne_build(&wr, akm, akm == CS_WPA_AKM_PSK_SHA256 ? 0x0080 : 0);
	assert_int_equal(wr.err, 0);
	f->rsne_len = wr.len;

	ac.akm = akm;
	assert_int_equal(cs_wpa_pmk_from_passphrase(auth_pass,
	                     (const uint8_t *)"ThisIsASSID", 11, ac.pmk),
	    0);
	memcpy(ac.aa, aa, 6);
	memcpy(ac.spa, spa, 6);
	ac.own_rsne = opt_auth_rsne != NULL ? opt_auth_rsne : f->rsne;
	ac.own_rsne_len =
	    opt_auth_rsne != NULL ? opt_auth_rsne_len : f->rsne_len;
	ac.sta_rsne = sta_rsne != NULL ? sta_rsne : f->rsne;
	ac.sta_rsne_len = sta_rsne != NULL ? sta_rsne_len : f->rsne_len;
	for (int i = 0; i < 16; i++)
		ac.gtk[i] = (uint8_t)(0x10 + i);
	ac.gtk_keyid = 1;
	ac.initial_replay = 1;
	assert_int_equal(cs_wpa_auth_new(&f->a, &ac, &aio), 0);

	sc.akm = akm;
	assert_int_equal(cs_wpa_pmk_from_passphrase(supp_pass,
	                     (const uint8_t *)"ThisIsASSID", 11, sc.pmk),
	    0);
	memcpy(sc.aa, aa, 6);
	memcpy(sc.spa, spa, 6);
	sc.own_rsne = f->rsne;
	sc.own_rsne_len = f->rsne_len;
	sc.ap_rsne = opt_no_beacon ? NULL : f->rsne;
	sc.ap_rsne_len = opt_no_beacon ? 0 : f->rsne_len;
	assert_int_equal(cs_wpa_supp_new(&f->s, &sc, &sio), 0);
	opt_auth_rsne = NULL;
	opt_no_beacon = false;
}

static void
fx_free(struct fx *f)
{
	cs_wpa_auth_free(f->a);
	cs_wpa_supp_free(f->s);
}

/* Delivers the authenticator's oldest frame to the supplicant. */
static int
to_supp(struct fx *f)
{
	uint8_t buf[1200];
	size_t n = side_pop(&f->as, buf);

	return cs_wpa_supp_input(f->s, buf, n, f->now, NULL);
}

static int
to_auth(struct fx *f)
{
	uint8_t buf[1200];
	size_t n = side_pop(&f->ss, buf);

	return cs_wpa_auth_input(f->a, buf, n, f->now, NULL);
}

/* Delivers everything both ways until both queues are empty. */
static void
pump(struct fx *f)
{
	for (int i = 0; i < 32 && (f->as.nq > 0 || f->ss.nq > 0); i++) {
		while (f->as.nq > 0)
			(void)to_supp(f);
		while (f->ss.nq > 0)
			(void)to_auth(f);
	}
}

static uint8_t *
vec(const char *name, size_t *len)
{
	char path[128];

	snprintf(path, sizeof(path), "tests/vectors/eapol/%s.bin", name);
	return cs_test_read_src(path, len);
}

static void
expect_sent(struct side *s, const char *name)
{
	uint8_t buf[1200];
	size_t n, vn;
	uint8_t *v = vec(name, &vn);

	n = side_pop(s, buf);
	assert_bytes_equal(buf, n, v, vn);
	free(v);
}

/* Both roles produce, byte for byte, the frames gen.py built with an
 * independent implementation of §12.7 from the same inputs. */
static void
test_golden_vectors(void **state)
{
	struct fx f;
	uint8_t gtk[16], rsc[8] = { 0 };

	(void)state;
	fx_make(
	    &f, CS_WPA_AKM_PSK, "ThisIsAPassword", "ThisIsAPassword", NULL, 0);
	assert_int_equal(cs_wpa_supp_start(f.s, 0), 0);
	assert_true(f.ss.armed[CS_WPA_T_HANDSHAKE]);
	assert_int_equal(cs_wpa_auth_start(f.a, 0), 0);
	assert_int_equal(cs_wpa_auth_state(f.a), CS_WPA_A_PTKSTART);
	assert_true(f.as.armed[CS_WPA_T_RETX]);
	assert_int_equal(f.as.delay[CS_WPA_T_RETX], 1000);
	{
		size_t n;
		uint8_t *m1 = vec("m1", &n);

		assert_bytes_equal(f.as.q[0], f.as.qlen[0], m1, n);
		free(m1);
	}
	assert_int_equal(to_supp(&f), 0);
	assert_int_equal(cs_wpa_supp_state(f.s), CS_WPA_S_WAIT_M3);
	{
		size_t n;
		uint8_t *m2 = vec("m2", &n);

		assert_bytes_equal(f.ss.q[0], f.ss.qlen[0], m2, n);
		free(m2);
	}
	assert_int_equal(to_auth(&f), 0);
	assert_int_equal(cs_wpa_auth_state(f.a), CS_WPA_A_PTKINITNEGOTIATING);
	{
		size_t n;
		uint8_t *m3 = vec("m3", &n);

		assert_bytes_equal(f.as.q[0], f.as.qlen[0], m3, n);
		free(m3);
	}
	assert_int_equal(to_supp(&f), 0);
	assert_int_equal(cs_wpa_supp_state(f.s), CS_WPA_S_DONE);
	assert_false(f.ss.armed[CS_WPA_T_HANDSHAKE]);
	assert_int_equal(f.ss.n_install_ptk, 1);
	assert_int_equal(f.ss.n_install_gtk, 1);
	assert_int_equal(f.ss.gtk_keyid, 1);
	for (int i = 0; i < 16; i++)
		gtk[i] = (uint8_t)(0x10 + i);
	assert_bytes_equal(f.ss.gtk, f.ss.gtk_len, gtk, 16);
	{
		size_t n;
		uint8_t *m4 = vec("m4", &n);

		assert_bytes_equal(f.ss.q[0], f.ss.qlen[0], m4, n);
		free(m4);
	}
	assert_int_equal(to_auth(&f), 0);
	assert_int_equal(cs_wpa_auth_state(f.a), CS_WPA_A_PTKINITDONE);
	assert_false(f.as.armed[CS_WPA_T_RETX]);
	assert_int_equal(f.as.n_install_ptk, 1);
	assert_true(side_has_event(&f.as, CS_WPA_EV_DONE));
	assert_true(side_has_event(&f.ss, CS_WPA_EV_DONE));
	assert_memory_equal(f.as.tk, f.ss.tk, CS_WPA_TK_LEN);

	/* group key handshake with the same GTK: g1.bin, g2.bin, and the
	 * supplicant does not install a key it already has */
	assert_int_equal(cs_wpa_auth_set_gtk(f.a, gtk, 1, rsc, 10), 0);
	assert_int_equal(cs_wpa_auth_state(f.a), CS_WPA_A_REKEYNEGOTIATING);
	expect_sent(&f.as, "g1");
	{
		size_t n;
		uint8_t *g1 = vec("g1", &n);

		assert_int_equal(cs_wpa_supp_input(f.s, g1, n, 10, NULL), 0);
		free(g1);
	}
	assert_int_equal(f.ss.n_install_gtk, 1);
	{
		size_t n;
		uint8_t *g2 = vec("g2", &n);

		assert_bytes_equal(f.ss.q[0], f.ss.qlen[0], g2, n);
		free(g2);
	}
	assert_int_equal(to_auth(&f), 0);
	assert_int_equal(cs_wpa_auth_state(f.a), CS_WPA_A_PTKINITDONE);
	fx_free(&f);
}

static void
full_exchange(enum cs_wpa_akm akm)
{
	struct fx f;
	uint8_t gtk2[16], rsc[8] = { 0 };

	fx_make(
	    &f, akm, "correct horse battery", "correct horse battery", NULL, 0);
	assert_int_equal(cs_wpa_supp_start(f.s, 0), 0);
	assert_int_equal(cs_wpa_auth_start(f.a, 0), 0);
	assert_int_equal(cs_wpa_auth_start(f.a, 0), -EALREADY);
	pump(&f);
	assert_int_equal(cs_wpa_supp_state(f.s), CS_WPA_S_DONE);
	assert_int_equal(cs_wpa_auth_state(f.a), CS_WPA_A_PTKINITDONE);
	assert_int_equal(f.as.n_install_ptk, 1);
	assert_int_equal(f.ss.n_install_ptk, 1);
	assert_memory_equal(f.as.tk, f.ss.tk, CS_WPA_TK_LEN);
	assert_int_equal(f.as.n_mic_fail + f.ss.n_mic_fail, 0);
	assert_int_equal(f.as.n_dropped + f.ss.n_dropped, 0);

	/* a new group key reaches the station */
	memset(gtk2, 0x77, sizeof(gtk2));
	assert_int_equal(cs_wpa_auth_set_gtk(f.a, gtk2, 2, rsc, 5), 0);
	pump(&f);
	assert_int_equal(cs_wpa_auth_state(f.a), CS_WPA_A_PTKINITDONE);
	assert_int_equal(f.ss.n_install_gtk, 2);
	assert_int_equal(f.ss.gtk_keyid, 2);
	assert_bytes_equal(f.ss.gtk, f.ss.gtk_len, gtk2, 16);

	/* a PTK rekey: a second 4-way from PTKINITDONE installs a new TK */
	assert_int_equal(cs_wpa_auth_start(f.a, 20), 0);
	pump(&f);
	assert_int_equal(cs_wpa_auth_state(f.a), CS_WPA_A_PTKINITDONE);
	assert_int_equal(f.ss.n_install_ptk, 2);
	assert_memory_equal(f.as.tk, f.ss.tk, CS_WPA_TK_LEN);

	/* deauthenticated once joined: not a handshake failure; a new
	 * association starts over */
	cs_wpa_supp_deauthed(f.s, 3, 30);
	assert_int_equal(cs_wpa_supp_state(f.s), CS_WPA_S_IDLE);
	assert_int_equal(cs_wpa_supp_fail(f.s), CS_WPA_FAIL_NONE);
	assert_int_equal(cs_wpa_supp_start(f.s, 31), 0);
	assert_int_equal(cs_wpa_supp_state(f.s), CS_WPA_S_WAIT_M1);
	fx_free(&f);
}

static void
test_full_exchange_akm2(void **state)
{
	(void)state;
	full_exchange(CS_WPA_AKM_PSK);
}

static void
test_full_exchange_akm6(void **state)
{
	(void)state;
	full_exchange(CS_WPA_AKM_PSK_SHA256);
}

/* IEEE 802.11 behaviour with a wrong passphrase: the authenticator
 * discards every message 2 (bad MIC), retransmits message 1 with a new
 * replay counter, and after its 3 tries deauthenticates with reason 15;
 * the supplicant, deauthenticated after sending message 2, says "no
 * message 3 (pre-shared key may be incorrect)". */
static void
test_wrong_psk(void **state)
{
	struct fx f;
	uint64_t last_replay = 0;

	(void)state;
	fx_make(&f, CS_WPA_AKM_PSK, "ThisIsAPassword", "ThisIsNotThePassword",
	    NULL, 0);
	assert_int_equal(cs_wpa_supp_start(f.s, 0), 0);
	assert_int_equal(cs_wpa_auth_start(f.a, 0), 0);
	for (int attempt = 1; attempt <= 3; attempt++) {
		struct cs_eapol_key k;

		assert_int_equal(cs_eapol_key_decode(
		                     &k, f.as.q[0], f.as.qlen[0], NULL, NULL),
		    0);
		assert_int_equal(cs_eapol_key_msg(&k), CS_EAPOL_MSG_1);
		assert_true(k.replay > last_replay);
		last_replay = k.replay;
		assert_int_equal(to_supp(&f), 0);
		assert_int_equal(to_auth(&f), -EPROTO);
		assert_int_equal(f.as.n_mic_fail, (unsigned)attempt);
		assert_int_equal(cs_wpa_auth_state(f.a), CS_WPA_A_PTKSTART);
		assert_true(f.as.armed[CS_WPA_T_RETX]);
		f.now += 1000;
		cs_wpa_auth_timer(f.a, CS_WPA_T_RETX, f.now);
	}
	assert_int_equal(f.as.nq, 0); /* no fourth message 1 */
	assert_int_equal(cs_wpa_auth_state(f.a), CS_WPA_A_DISCONNECTED);
	assert_int_equal(f.as.deauth_reason, CS_WPA_REASON_4WAY_TIMEOUT);
	assert_int_equal(cs_wpa_auth_fail(f.a), CS_WPA_FAIL_WRONG_PSK);
	assert_string_equal(
	    cs_wpa_fail_name(cs_wpa_auth_fail(f.a)), "wrong-psk");
	assert_int_equal(cs_wpa_auth_mic_failures(f.a), 3);
	assert_true(side_has_event(&f.as, CS_WPA_EV_FAILED));
	assert_false(f.as.armed[CS_WPA_T_RETX]);
	assert_int_equal(f.as.n_install_ptk, 0);

	cs_wpa_supp_deauthed(f.s, f.as.deauth_reason, f.now);
	assert_int_equal(cs_wpa_supp_state(f.s), CS_WPA_S_FAILED);
	assert_int_equal(cs_wpa_supp_fail(f.s), CS_WPA_FAIL_NO_MSG3);
	assert_string_equal(cs_wpa_fail_name(cs_wpa_supp_fail(f.s)), "no-msg3");
	assert_false(f.ss.armed[CS_WPA_T_HANDSHAKE]);
	assert_int_equal(f.ss.n_install_ptk, 0);
	fx_free(&f);
}

/* Message 3 lost: retransmitted with a new replay counter, same ANonce,
 * and the handshake completes. */
static void
test_m3_dropped(void **state)
{
	struct fx f;
	uint8_t buf[1200];
	struct cs_eapol_key k1, k2;
	size_t n;

	(void)state;
	fx_make(
	    &f, CS_WPA_AKM_PSK, "ThisIsAPassword", "ThisIsAPassword", NULL, 0);
	assert_int_equal(cs_wpa_supp_start(f.s, 0), 0);
	assert_int_equal(cs_wpa_auth_start(f.a, 0), 0);
	assert_int_equal(to_supp(&f), 0);
	assert_int_equal(to_auth(&f), 0);
	n = side_pop(&f.as, buf); /* message 3 lost */
	assert_int_equal(cs_eapol_key_decode(&k1, buf, n, NULL, NULL), 0);
	assert_int_equal(cs_eapol_key_msg(&k1), CS_EAPOL_MSG_3);
	assert_true(f.as.armed[CS_WPA_T_RETX]);
	f.now = 1000;
	cs_wpa_auth_timer(f.a, CS_WPA_T_RETX, f.now);
	assert_int_equal(f.as.nq, 1);
	assert_int_equal(
	    cs_eapol_key_decode(&k2, f.as.q[0], f.as.qlen[0], NULL, NULL), 0);
	assert_int_equal(cs_eapol_key_msg(&k2), CS_EAPOL_MSG_3);
	assert_int_equal(k2.replay, k1.replay + 1);
	assert_memory_equal(k2.nonce, k1.nonce, 32);
	assert_int_equal(f.as.ev[f.as.nev - 1].attempt, 2);
	pump(&f);
	assert_int_equal(cs_wpa_supp_state(f.s), CS_WPA_S_DONE);
	assert_int_equal(cs_wpa_auth_state(f.a), CS_WPA_A_PTKINITDONE);
	assert_memory_equal(f.as.tk, f.ss.tk, CS_WPA_TK_LEN);

	/* the lost message 3 turning up late is a replay now */
	assert_int_equal(cs_wpa_supp_input(f.s, buf, n, f.now, NULL), -EPROTO);
	assert_string_equal(f.ss.last_drop, "replay counter not increasing");
	assert_int_equal(cs_wpa_supp_state(f.s), CS_WPA_S_DONE);
	fx_free(&f);
}

/* Message 4 lost: the authenticator sends message 3 again; the station
 * answers with message 4 but does not reinstall the key it has. */
static void
test_m4_dropped_no_reinstall(void **state)
{
	struct fx f;
	uint8_t buf[1200];

	(void)state;
	fx_make(
	    &f, CS_WPA_AKM_PSK, "ThisIsAPassword", "ThisIsAPassword", NULL, 0);
	assert_int_equal(cs_wpa_supp_start(f.s, 0), 0);
	assert_int_equal(cs_wpa_auth_start(f.a, 0), 0);
	assert_int_equal(to_supp(&f), 0);
	assert_int_equal(to_auth(&f), 0);
	assert_int_equal(to_supp(&f), 0);
	assert_int_equal(f.ss.n_install_ptk, 1);
	(void)side_pop(&f.ss, buf); /* message 4 lost */
	f.now = 1000;
	cs_wpa_auth_timer(f.a, CS_WPA_T_RETX, f.now);
	assert_int_equal(to_supp(&f), 0);
	assert_int_equal(f.ss.n_install_ptk, 1);
	assert_int_equal(f.ss.n_install_gtk, 1);
	assert_int_equal(to_auth(&f), 0);
	assert_int_equal(cs_wpa_auth_state(f.a), CS_WPA_A_PTKINITDONE);
	fx_free(&f);
}

/* A message 3 with one bit changed fails its MIC and changes nothing. */
static void
test_m3_tampered(void **state)
{
	struct fx f;

	(void)state;
	fx_make(
	    &f, CS_WPA_AKM_PSK, "ThisIsAPassword", "ThisIsAPassword", NULL, 0);
	assert_int_equal(cs_wpa_supp_start(f.s, 0), 0);
	assert_int_equal(cs_wpa_auth_start(f.a, 0), 0);
	assert_int_equal(to_supp(&f), 0);
	assert_int_equal(to_auth(&f), 0);
	f.as.q[0][f.as.qlen[0] - 3] ^= 0x01; /* in the key data */
	assert_int_equal(to_supp(&f), -EPROTO);
	assert_int_equal(f.ss.n_mic_fail, 1);
	assert_int_equal(cs_wpa_supp_state(f.s), CS_WPA_S_WAIT_M3);
	assert_int_equal(f.ss.nq, 0); /* no message 4 */
	/* the retransmission is intact and completes the handshake */
	f.now = 1000;
	cs_wpa_auth_timer(f.a, CS_WPA_T_RETX, f.now);
	pump(&f);
	assert_int_equal(cs_wpa_supp_state(f.s), CS_WPA_S_DONE);
	assert_int_equal(cs_wpa_auth_state(f.a), CS_WPA_A_PTKINITDONE);
	fx_free(&f);
}

/* The station's message 2 carries an RSN element other than the one of
 * its association: the authenticator deauthenticates with reason 17. */
static void
test_rsne_mismatch(void **state)
{
	struct fx f;
	uint8_t other[22];
	struct cs_wr wr;

	(void)state;
	cs_wr_init(&wr, other, sizeof(other));
	cs_rsne_build(&wr, CS_WPA_AKM_PSK, 0x000c);
	fx_make(&f, CS_WPA_AKM_PSK, "ThisIsAPassword", "ThisIsAPassword", other,
	    sizeof(other));
	assert_int_equal(cs_wpa_supp_start(f.s, 0), 0);
	assert_int_equal(cs_wpa_auth_start(f.a, 0), 0);
	assert_int_equal(to_supp(&f), 0);
	assert_int_equal(to_auth(&f), 0);
	assert_int_equal(cs_wpa_auth_state(f.a), CS_WPA_A_DISCONNECTED);
	assert_int_equal(f.as.deauth_reason, CS_WPA_REASON_IE_DIFFERENT);
	assert_int_equal(cs_wpa_auth_fail(f.a), CS_WPA_FAIL_IE_MISMATCH);
	cs_wpa_supp_deauthed(f.s, f.as.deauth_reason, f.now);
	assert_int_equal(cs_wpa_supp_fail(f.s), CS_WPA_FAIL_IE_MISMATCH);
	fx_free(&f);
}

/* Message 3 carries an RSN element other than the Beacon's: the
 * station deauthenticates with reason 17 (§12.7.6.4) and installs
 * nothing.  Without a Beacon the same element passes (it offers AKM 2 and
 * CCMP), but one offering only another AKM does not. */
static void
test_m3_rsne_mismatch(void **state)
{
	uint8_t caps[22], akm6[22];
	struct cs_wr wr;
	struct fx f;

	(void)state;
	cs_wr_init(&wr, caps, sizeof(caps));
	cs_rsne_build(&wr, CS_WPA_AKM_PSK, 0x000c);
	cs_wr_init(&wr, akm6, sizeof(akm6));
	cs_rsne_build(&wr, CS_WPA_AKM_PSK_SHA256, 0);

	opt_auth_rsne = caps;
	opt_auth_rsne_len = sizeof(caps);
	fx_make(
	    &f, CS_WPA_AKM_PSK, "ThisIsAPassword", "ThisIsAPassword", NULL, 0);
	assert_int_equal(cs_wpa_supp_start(f.s, 0), 0);
	assert_int_equal(cs_wpa_auth_start(f.a, 0), 0);
	assert_int_equal(to_supp(&f), 0);
	assert_int_equal(to_auth(&f), 0);
	assert_int_equal(to_supp(&f), 0);
	assert_int_equal(cs_wpa_supp_state(f.s), CS_WPA_S_FAILED);
	assert_int_equal(cs_wpa_supp_fail(f.s), CS_WPA_FAIL_IE_MISMATCH);
	assert_int_equal(f.ss.deauth_reason, CS_WPA_REASON_IE_DIFFERENT);
	assert_int_equal(f.ss.n_install_ptk, 0);
	assert_int_equal(f.ss.nq, 0); /* no message 4 */
	fx_free(&f);

	opt_auth_rsne = caps;
	opt_auth_rsne_len = sizeof(caps);
	opt_no_beacon = true;
	fx_make(
	    &f, CS_WPA_AKM_PSK, "ThisIsAPassword", "ThisIsAPassword", NULL, 0);
	assert_int_equal(cs_wpa_supp_start(f.s, 0), 0);
	assert_int_equal(cs_wpa_auth_start(f.a, 0), 0);
	pump(&f);
	assert_int_equal(cs_wpa_supp_state(f.s), CS_WPA_S_DONE);
	assert_int_equal(cs_wpa_auth_state(f.a), CS_WPA_A_PTKINITDONE);
	fx_free(&f);

	opt_auth_rsne = akm6;
	opt_auth_rsne_len = sizeof(akm6);
	opt_no_beacon = true;
	fx_make(
	    &f, CS_WPA_AKM_PSK, "ThisIsAPassword", "ThisIsAPassword", NULL, 0);
	assert_int_equal(cs_wpa_supp_start(f.s, 0), 0);
	assert_int_equal(cs_wpa_auth_start(f.a, 0), 0);
	pump(&f);
	assert_int_equal(cs_wpa_supp_fail(f.s), CS_WPA_FAIL_IE_MISMATCH);
	fx_free(&f);
}

/* What the supplicant makes of a deauthentication depends on how far
 * it got: after message 2 it suspects the PSK whatever the reason (a
 * 9800 sends 15, others 2); before it, 15 means no message 1 came. */
static void
test_deauth_reasons(void **state)
{
	static const struct {
		bool after_m2;
		uint16_t reason;
		enum cs_wpa_fail want;
	} v[] = {
		{ true, 15, CS_WPA_FAIL_NO_MSG3 },
		{ true, 2, CS_WPA_FAIL_NO_MSG3 },
		{ true, 17, CS_WPA_FAIL_IE_MISMATCH },
		{ false, 15, CS_WPA_FAIL_NO_MSG1 },
		{ false, 2, CS_WPA_FAIL_DEAUTH },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct fx f;

		fx_make(&f, CS_WPA_AKM_PSK, "ThisIsAPassword",
		    "ThisIsAPassword", NULL, 0);
		assert_int_equal(cs_wpa_supp_start(f.s, 0), 0);
		assert_int_equal(cs_wpa_auth_start(f.a, 0), 0);
		if (v[i].after_m2)
			assert_int_equal(to_supp(&f), 0);
		cs_wpa_supp_deauthed(f.s, v[i].reason, 5);
		assert_int_equal(cs_wpa_supp_state(f.s), CS_WPA_S_FAILED);
		assert_int_equal(cs_wpa_supp_fail(f.s), v[i].want);
		assert_true(side_has_event(&f.ss, CS_WPA_EV_FAILED));
		assert_false(f.ss.armed[CS_WPA_T_HANDSHAKE]);
		fx_free(&f);
	}
}

/* Nobody answers: the authenticator gives up after its tries with "no
 * message 2", the supplicant's handshake timer says "no message 1". */
static void
test_timeouts(void **state)
{
	struct fx f;

	(void)state;
	fx_make(
	    &f, CS_WPA_AKM_PSK, "ThisIsAPassword", "ThisIsAPassword", NULL, 0);
	assert_int_equal(cs_wpa_auth_start(f.a, 0), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(f.as.nq, 1);
		(void)side_pop(&f.as, (uint8_t[1200]){ 0 });
		cs_wpa_auth_timer(f.a, CS_WPA_T_RETX, 1000 * (uint64_t)i);
	}
	assert_int_equal(cs_wpa_auth_fail(f.a), CS_WPA_FAIL_NO_MSG2);
	assert_int_equal(f.as.deauth_reason, CS_WPA_REASON_4WAY_TIMEOUT);
	/* a stale expiry afterwards does nothing */
	cs_wpa_auth_timer(f.a, CS_WPA_T_RETX, 5000);
	assert_int_equal(f.as.nq, 0);

	assert_int_equal(cs_wpa_supp_start(f.s, 0), 0);
	assert_int_equal(cs_wpa_supp_start(f.s, 0), -EALREADY);
	assert_int_equal(f.ss.delay[CS_WPA_T_HANDSHAKE], 10000);
	cs_wpa_supp_timer(f.s, CS_WPA_T_HANDSHAKE, 10000);
	assert_int_equal(cs_wpa_supp_state(f.s), CS_WPA_S_FAILED);
	assert_int_equal(cs_wpa_supp_fail(f.s), CS_WPA_FAIL_NO_MSG1);
	assert_int_equal(f.ss.deauth_reason, CS_WPA_REASON_4WAY_TIMEOUT);
	/* FAILED may start again (a new association) */
	assert_int_equal(cs_wpa_supp_start(f.s, 20000), 0);
	assert_int_equal(cs_wpa_supp_fail(f.s), CS_WPA_FAIL_NONE);
	fx_free(&f);
}

/* Group key handshake unanswered: reason 16 after the tries. */
static void
test_group_timeout(void **state)
{
	struct fx f;
	uint8_t gtk[16] = { 1 }, rsc[8] = { 0 };

	(void)state;
	fx_make(
	    &f, CS_WPA_AKM_PSK, "ThisIsAPassword", "ThisIsAPassword", NULL, 0);
	assert_int_equal(cs_wpa_supp_start(f.s, 0), 0);
	assert_int_equal(cs_wpa_auth_start(f.a, 0), 0);
	pump(&f);
	assert_int_equal(cs_wpa_auth_set_gtk(f.a, gtk, 0, rsc, 1), -EINVAL);
	assert_int_equal(cs_wpa_auth_set_gtk(f.a, gtk, 2, rsc, 1), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(f.as.nq, 1);
		(void)side_pop(&f.as, (uint8_t[1200]){ 0 });
		cs_wpa_auth_timer(f.a, CS_WPA_T_RETX, 1000 * (uint64_t)i);
	}
	assert_int_equal(cs_wpa_auth_fail(f.a), CS_WPA_FAIL_NO_G2);
	assert_int_equal(f.as.deauth_reason, CS_WPA_REASON_GROUP_TIMEOUT);
	fx_free(&f);
}

/* Frames in the wrong state or with the wrong descriptor version are
 * discarded with a reason; garbage is -EBADMSG with where. */
static void
test_unexpected_input(void **state)
{
	struct fx f;
	struct cs_err err = { 0 };
	size_t n;
	uint8_t *m3 = vec("m3", &n), *m1 = vec("m1", &n);
	const uint8_t junk[3] = { 2, 3, 0 };

	(void)state;
	fx_make(
	    &f, CS_WPA_AKM_PSK, "ThisIsAPassword", "ThisIsAPassword", NULL, 0);
	/* not started: everything is unexpected */
	assert_int_equal(cs_wpa_supp_input(f.s, m1, 99, 0, NULL), -EPROTO);
	assert_string_equal(f.ss.last_drop, "not expected in this state");
	assert_int_equal(cs_wpa_supp_start(f.s, 0), 0);
	/* message 3 before message 1 */
	assert_int_equal(cs_wpa_supp_input(f.s, m3, 155, 0, NULL), -EPROTO);
	assert_int_equal(cs_wpa_supp_state(f.s), CS_WPA_S_WAIT_M1);
	assert_int_equal(
	    cs_wpa_supp_input(f.s, junk, sizeof(junk), 0, &err), -EBADMSG);
	assert_non_null(err.what);
	/* AKM 6 expects descriptor version 3 */
	fx_free(&f);
	fx_make(&f, CS_WPA_AKM_PSK_SHA256, "ThisIsAPassword", "ThisIsAPassword",
	    NULL, 0);
	assert_int_equal(cs_wpa_supp_start(f.s, 0), 0);
	assert_int_equal(cs_wpa_supp_input(f.s, m1, 99, 0, NULL), -EPROTO);
	assert_string_equal(
	    f.ss.last_drop, "key descriptor version does not match the AKM");
	assert_int_equal(f.ss.nq, 0);
	free(m3);
	free(m1);
	fx_free(&f);
}

static void
test_bad_args(void **state)
{
	struct cs_wpa_io io = { side_send, side_arm, side_cancel, NULL,
		side_rand, NULL };
	struct cs_wpa_supp_cfg sc = { 0 };
	struct cs_wpa_auth_cfg ac = { 0 };
	struct cs_wpa_supp *s = (void *)&io;
	struct cs_wpa_auth *a = (void *)&io;
	uint8_t rsne[22] = { 48, 20 };

	(void)state;
	sc.akm = CS_WPA_AKM_PSK;
	assert_int_equal(cs_wpa_supp_new(&s, &sc, &io), -EINVAL); /* RSNE */
	sc.own_rsne = sc.ap_rsne = rsne;
	sc.own_rsne_len = sizeof(rsne);
	sc.ap_rsne_len = CS_WPA_RSNE_MAX + 1;
	assert_int_equal(cs_wpa_supp_new(&s, &sc, &io), -EINVAL);
	sc.own_rsne_len = sc.ap_rsne_len = sizeof(rsne);
	sc.akm = (enum cs_wpa_akm)1;
	assert_int_equal(cs_wpa_supp_new(&s, &sc, &io), -EINVAL);
	sc.akm = CS_WPA_AKM_PSK;
	assert_int_equal(cs_wpa_supp_new(&s, NULL, &io), -EINVAL);
	assert_int_equal(cs_wpa_supp_new(&s, &sc, NULL), -EINVAL);
	assert_ptr_equal(s, (void *)&io); /* untouched */
	ac.akm = CS_WPA_AKM_PSK;
	ac.own_rsne = ac.sta_rsne = rsne;
	ac.own_rsne_len = ac.sta_rsne_len = sizeof(rsne);
	assert_int_equal(cs_wpa_auth_new(&a, &ac, &io), -EINVAL); /* keyid */
	ac.gtk_keyid = 4;
	assert_int_equal(cs_wpa_auth_new(&a, &ac, &io), -EINVAL);
	ac.gtk_keyid = 1;
	io.rand_bytes = NULL;
	assert_int_equal(cs_wpa_auth_new(&a, &ac, &io), -EINVAL);
	assert_ptr_equal(a, (void *)&io);
	assert_int_equal(cs_wpa_supp_start(NULL, 0), -EINVAL);
	assert_int_equal(cs_wpa_auth_start(NULL, 0), -EINVAL);
	assert_int_equal(cs_wpa_supp_input(NULL, rsne, 1, 0, NULL), -EINVAL);
	assert_int_equal(cs_wpa_auth_input(NULL, rsne, 1, 0, NULL), -EINVAL);
	cs_wpa_supp_free(NULL);
	cs_wpa_auth_free(NULL);
	assert_string_equal(cs_wpa_supp_state_name(CS_WPA_S__COUNT), "unknown");
	assert_string_equal(
	    cs_wpa_auth_state_name(CS_WPA_A_PTKSTART), "PTKStart");
}

/* 802.11 capture of a handshake made by capsim (tests/integration/
 * wpa_tshark.sh decodes it with Wireshark, which derives the keys from
 * the passphrase itself and must find the GTK in message 3 and group
 * message 1).  A Beacon names the SSID; EAPOL travels in data frames
 * with LLC/SNAP 88-8E, FromDS towards the station, ToDS from it. */
#define LINKTYPE_IEEE802_11 105

static void
cap_frame(struct cs_wr *wr, uint64_t ts, bool down, const uint8_t *pdu,
    size_t len, unsigned seq)
{
	static const uint8_t snap[8] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x88,
		0x8e };
	uint8_t f[1300];
	struct cs_wr fw;

	cs_wr_init(&fw, f, sizeof(f));
	cs_wr_u8(&fw, 0x08); /* data */
	cs_wr_u8(&fw, down ? 0x02 : 0x01);
	cs_wr_u16(&fw, 0);
	cs_wr_bytes(&fw, down ? spa : aa, 6);
	cs_wr_bytes(&fw, down ? aa : spa, 6);
	cs_wr_bytes(&fw, aa, 6);
	cs_wr_u8(&fw, (uint8_t)(seq << 4));
	cs_wr_u8(&fw, (uint8_t)(seq >> 4));
	cs_wr_bytes(&fw, snap, sizeof(snap));
	cs_wr_bytes(&fw, pdu, len);
	assert_int_equal(fw.err, 0);
	assert_int_equal(cs_pcapng_put_epb(wr, 0, ts, f, fw.len), 0);
}

static void
cap_beacon(struct cs_wr *wr, const uint8_t *rsne, size_t rsne_len)
{
	static const char ssid[] = "ThisIsASSID";
	uint8_t f[200];
	struct cs_wr fw;

	cs_wr_init(&fw, f, sizeof(f));
	cs_wr_u16(&fw, 0x8000); /* beacon */
	cs_wr_u16(&fw, 0);
	cs_wr_bytes(
	    &fw, (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 6);
	cs_wr_bytes(&fw, aa, 6);
	cs_wr_bytes(&fw, aa, 6);
	cs_wr_u16(&fw, 0);
	cs_wr_zero(&fw, 8);     /* timestamp */
	cs_wr_u16(&fw, 0x6400); /* interval 100 TU, little endian */
	cs_wr_u16(&fw, 0x1104); /* ESS, privacy */
	cs_wr_u8(&fw, 0);
	cs_wr_u8(&fw, (uint8_t)(sizeof(ssid) - 1));
	cs_wr_bytes(&fw, ssid, sizeof(ssid) - 1);
	cs_wr_bytes(&fw, (const uint8_t[3]){ 1, 1, 0x82 }, 3);
	cs_wr_bytes(&fw, rsne, rsne_len);
	assert_int_equal(fw.err, 0);
	assert_int_equal(cs_pcapng_put_epb(wr, 0, 0, f, fw.len), 0);
}

static void
capture(enum cs_wpa_akm akm, const char *path)
{
	static uint8_t out[16384];
	struct fx f;
	struct cs_wr wr;
	uint8_t buf[1200], gtk2[16], rsc[8] = { 0 };
	unsigned seq = 0;

	fx_make(
	    &f, akm, "correct horse battery", "correct horse battery", NULL, 0);
	cs_wr_init(&wr, out, sizeof(out));
	assert_int_equal(cs_pcapng_put_shb(&wr, "capsim test_wpa"), 0);
	assert_int_equal(
	    cs_pcapng_put_idb(&wr, LINKTYPE_IEEE802_11, "wlan"), 0);
	cap_beacon(&wr, f.rsne, f.rsne_len);
	assert_int_equal(cs_wpa_supp_start(f.s, 0), 0);
	assert_int_equal(cs_wpa_auth_start(f.a, 0), 0);
	memset(gtk2, 0x5a, sizeof(gtk2));
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 8 && (f.as.nq > 0 || f.ss.nq > 0); i++) {
			size_t n;

			if (f.as.nq > 0) {
				memcpy(buf, f.as.q[0], f.as.qlen[0]);
				n = f.as.qlen[0];
				seq++;
				cap_frame(&wr, 1000 * (uint64_t)seq, true, buf,
				    n, seq);
				assert_int_equal(to_supp(&f), 0);
			}
			if (f.ss.nq > 0) {
				memcpy(buf, f.ss.q[0], f.ss.qlen[0]);
				n = f.ss.qlen[0];
				seq++;
				cap_frame(&wr, 1000 * (uint64_t)seq, false, buf,
				    n, seq);
				assert_int_equal(to_auth(&f), 0);
			}
		}
		if (round == 0)
			assert_int_equal(
			    cs_wpa_auth_set_gtk(f.a, gtk2, 2, rsc, 9), 0);
	}
	assert_int_equal(seq, 6);
	assert_int_equal(cs_wpa_auth_state(f.a), CS_WPA_A_PTKINITDONE);
	assert_int_equal(f.ss.gtk_keyid, 2);
	assert_int_equal(wr.err, 0);
	if (path != NULL) {
		FILE *fp = fopen(path, "wb");

		assert_non_null(fp);
		assert_int_equal(fwrite(out, 1, wr.len, fp), wr.len);
		assert_int_equal(fclose(fp), 0);
	}
	fx_free(&f);
}

/* CS_WPA_PCAP_OUT=path writes the AKM 2 capture to path and the AKM 6
 * one (KDF-SHA256, AES-CMAC) to path.akm6. */
static void
test_capture(void **state)
{
	const char *path = getenv("CS_WPA_PCAP_OUT");
	char path6[512];

	(void)state;
	capture(CS_WPA_AKM_PSK, path);
	if (path != NULL)
		snprintf(path6, sizeof(path6), "%s.akm6", path);
	capture(CS_WPA_AKM_PSK_SHA256, path != NULL ? path6 : NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_vectors),
		cmocka_unit_test(test_full_exchange_akm2),
		cmocka_unit_test(test_full_exchange_akm6),
		cmocka_unit_test(test_wrong_psk),
		cmocka_unit_test(test_m3_dropped),
		cmocka_unit_test(test_m4_dropped_no_reinstall),
		cmocka_unit_test(test_m3_tampered),
		cmocka_unit_test(test_rsne_mismatch),
		cmocka_unit_test(test_m3_rsne_mismatch),
		cmocka_unit_test(test_deauth_reasons),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_group_timeout),
		cmocka_unit_test(test_unexpected_input),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_capture),
	};

	return cmocka_run_group_tests_name("wpa", tests, NULL, NULL);
}
