/* SPDX-License-Identifier: MIT */
/*
 * The WPA2-PSK supplicant: the station's side of the 4-way handshake and
 * the group key handshake (IEEE 802.11-2016 §12.7.6, §12.7.7).  Sans-I/O,
 * see capsim/wpa.h.  supp_set_state() is the only writer of the state.
 *
 * Frames failing a check are discarded silently, as §12.7.6 has it
 * ("the Supplicant silently discards"): the caller learns why through a
 * DROPPED or MIC_FAILURE event, the peer learns nothing.  Keys already
 * installed are never installed again when a retransmitted message 3 or
 * group message 1 repeats them (the key reinstallation attacks of 2017).
 */
#include "capsim/wpa.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/log.h"
#include "wpa-internal.h"

struct cs_wpa_supp {
	struct cs_wpa_supp_cfg cfg;
	struct cs_wpa_io io;
	uint8_t own_rsne[CS_WPA_RSNE_MAX];
	uint8_t ap_rsne[CS_WPA_RSNE_MAX];
	enum cs_wpa_supp_state state;
	enum cs_wpa_fail fail;
	enum cs_wpa_key_ver ver;
	bool has_replay; /* a MIC-verified frame set `replay` */
	uint64_t replay;
	bool has_m1_replay; /* M1s carry no MIC: tracked apart */
	uint64_t m1_replay;
	bool sent_m2;
	unsigned m2_count;
	uint8_t anonce[CS_WPA_NONCE_LEN];
	uint8_t snonce[CS_WPA_NONCE_LEN];
	struct cs_wpa_ptk ptk; /* of the running handshake (TPTK) */
	bool tk_installed;
	uint8_t tk[CS_WPA_TK_LEN]; /* installed */
	bool gtk_installed;
	uint8_t gtk_keyid;
	size_t gtk_len;
	uint8_t gtk[CS_EAPOL_GTK_MAX]; /* installed */
};

static const char *const supp_state_names[] = {
	[CS_WPA_S_IDLE] = "Idle",
	[CS_WPA_S_WAIT_M1] = "Wait-Msg1",
	[CS_WPA_S_WAIT_M3] = "Wait-Msg3",
	[CS_WPA_S_DONE] = "Done",
	[CS_WPA_S_FAILED] = "Failed",
};
_Static_assert(CS_ARRAY_SIZE(supp_state_names) == CS_WPA_S__COUNT,
    "supp_state_names[] out of sync with enum cs_wpa_supp_state");

const char *
cs_wpa_supp_state_name(enum cs_wpa_supp_state st)
{
	return (unsigned)st < CS_WPA_S__COUNT ? supp_state_names[st]
	                                      : "unknown";
}

static void
supp_emit(struct cs_wpa_supp *s, struct cs_wpa_event *ev, uint64_t now_ms)
{
	ev->t_ms = now_ms;
	if (s->io.event != NULL)
		s->io.event(s->io.ctx, ev);
}

static void
supp_log(struct cs_wpa_supp *s, int level, const char *what, const char *why)
{
	const uint8_t *m = s->cfg.spa;

	cs_logf(s->cfg.log, level, "wpa %02x:%02x:%02x:%02x:%02x:%02x: %s%s%s",
	    m[0], m[1], m[2], m[3], m[4], m[5], what, why ? ": " : "",
	    why ? why : "");
}

static int
supp_drop(struct cs_wpa_supp *s, enum cs_wpa_ev_kind kind,
    enum cs_eapol_msg msg, uint64_t replay, const char *why, uint64_t now_ms)
{
	struct cs_wpa_event ev = {
		.kind = kind,
		.msg = msg,
		.replay = replay,
		.reason = why,
	};

	supp_log(s, CS_LOG_DEBUG, cs_eapol_msg_name(msg), why);
	supp_emit(s, &ev, now_ms);
	return -EPROTO;
}

static void
supp_wipe(struct cs_wpa_supp *s)
{
	cs_wpa_cleanse(&s->ptk, sizeof(s->ptk));
	cs_wpa_cleanse(s->tk, sizeof(s->tk));
	cs_wpa_cleanse(s->gtk, sizeof(s->gtk));
	cs_wpa_cleanse(s->snonce, sizeof(s->snonce));
	s->tk_installed = false;
	s->gtk_installed = false;
}

/* The only writer of s->state: log, stop the old state's timer, switch,
 * entry actions, then tell the caller. */
static void
supp_set_state(struct cs_wpa_supp *s, enum cs_wpa_supp_state to,
    const char *why, uint64_t now_ms)
{
	struct cs_wpa_event ev = {
		.kind = CS_WPA_EV_STATE,
		.from = (int)s->state,
		.to = (int)to,
		.reason = why,
	};
	char line[64];

	if (s->state == to)
		return;
	snprintf(line, sizeof(line), "%s -> %s",
	    cs_wpa_supp_state_name(s->state), cs_wpa_supp_state_name(to));
	supp_log(s, CS_LOG_DEBUG, line, why);
	if (s->state == CS_WPA_S_WAIT_M1 || s->state == CS_WPA_S_WAIT_M3) {
		if (to != CS_WPA_S_WAIT_M1 && to != CS_WPA_S_WAIT_M3)
			s->io.timer_cancel(s->io.ctx, CS_WPA_T_HANDSHAKE);
	}
	s->state = to;
	switch (to) {
	case CS_WPA_S_WAIT_M1:
		s->fail = CS_WPA_FAIL_NONE;
		s->has_replay = false;
		s->has_m1_replay = false;
		s->sent_m2 = false;
		s->m2_count = 0;
		s->io.timer_arm(
		    s->io.ctx, CS_WPA_T_HANDSHAKE, s->cfg.handshake_timeout_ms);
		break;
	case CS_WPA_S_IDLE:
	case CS_WPA_S_FAILED:
		supp_wipe(s);
		break;
	case CS_WPA_S_WAIT_M3:
	case CS_WPA_S_DONE:
		break;
	case CS_WPA_S__COUNT:
		assert(!"not a state");
		break;
	}
	supp_emit(s, &ev, now_ms);
}

static void
supp_fail(struct cs_wpa_supp *s, enum cs_wpa_fail f, uint16_t deauth_reason,
    uint64_t now_ms)
{
	struct cs_wpa_event ev = { .kind = CS_WPA_EV_DEAUTH,
		.reason_code = deauth_reason,
		.fail = f,
		.reason = wpa_fail_text(f) };

	s->fail = f;
	supp_log(s, CS_LOG_INFO, "failed", wpa_fail_text(f));
	if (deauth_reason != 0)
		supp_emit(s, &ev, now_ms);
	supp_set_state(s, CS_WPA_S_FAILED, wpa_fail_text(f), now_ms);
	ev.kind = CS_WPA_EV_FAILED;
	supp_emit(s, &ev, now_ms);
}

static int
supp_send(struct cs_wpa_supp *s, const struct cs_eapol_key *k,
    enum cs_eapol_msg msg, unsigned attempt, uint64_t now_ms)
{
	struct cs_wpa_event ev = {
		.kind = CS_WPA_EV_SENT,
		.msg = msg,
		.replay = k->replay,
		.attempt = attempt,
	};
	uint8_t buf[WPA_PDU_MAX];
	size_t len;
	int r;

	if ((r = wpa_build(k, s->ver, s->ptk.kck, buf, sizeof(buf), &len)) < 0)
		return r;
	if ((r = s->io.send(s->io.ctx, buf, len)) < 0)
		return r;
	supp_emit(s, &ev, now_ms);
	return 0;
}

/* Message 2: SNonce and our RSN element, MIC under the TPTK's KCK. */
static int
supp_send_m2(struct cs_wpa_supp *s, uint64_t replay, uint64_t now_ms)
{
	struct cs_eapol_key k = {
		.version = WPA_EAPOL_VERSION,
		.descriptor = CS_EAPOL_DESC_RSN,
		.info =
		    (uint16_t)(s->ver | CS_EAPOL_KI_PAIRWISE | CS_EAPOL_KI_MIC),
		.replay = replay,
		.data = s->own_rsne,
		.data_len = (uint16_t)s->cfg.own_rsne_len,
	};

	memcpy(k.nonce, s->snonce, sizeof(k.nonce));
	s->sent_m2 = true;
	return supp_send(s, &k, CS_EAPOL_MSG_2, ++s->m2_count, now_ms);
}

static int
supp_on_m1(struct cs_wpa_supp *s, const struct cs_eapol_key *k, uint64_t now_ms)
{
	int r;

	/* §12.7.2: the counter must exceed every one seen so far; M1 has
	 * no MIC, so it is compared with, never stored as, the verified
	 * counter */
	if ((s->has_replay && k->replay <= s->replay) ||
	    (s->has_m1_replay && k->replay <= s->m1_replay))
		return supp_drop(s, CS_WPA_EV_DROPPED, CS_EAPOL_MSG_1,
		    k->replay, "replay counter not increasing", now_ms);
	/* a retransmitted message 1 (same ANonce) is answered with the same
	 * SNonce, so any of our message 2s completes the handshake; a new
	 * ANonce starts over with a new SNonce */
	if (!(s->state == CS_WPA_S_WAIT_M3 &&
	        memcmp(k->nonce, s->anonce, CS_WPA_NONCE_LEN) == 0)) {
		if ((r = s->io.rand_bytes(
		         s->io.ctx, s->snonce, CS_WPA_NONCE_LEN)) < 0)
			return r;
		memcpy(s->anonce, k->nonce, CS_WPA_NONCE_LEN);
		if ((r = cs_wpa_ptk_derive(s->cfg.akm, s->cfg.pmk, s->cfg.aa,
		         s->cfg.spa, s->anonce, s->snonce, &s->ptk)) < 0)
			return r;
	}
	s->has_m1_replay = true;
	s->m1_replay = k->replay;
	if ((r = supp_send_m2(s, k->replay, now_ms)) < 0)
		return r;
	supp_set_state(s, CS_WPA_S_WAIT_M3, "message 1", now_ms);
	return 0;
}

/* Checks and decrypts the key data of message 3 or group message 1. */
static int
supp_key_data(struct cs_wpa_supp *s, const struct cs_eapol_key *k,
    enum cs_eapol_msg msg, uint8_t *plain, struct cs_eapol_kd *kd,
    uint64_t now_ms)
{
	struct cs_err err = { 0 };

	if (!(k->info & CS_EAPOL_KI_ENCRYPTED))
		return supp_drop(s, CS_WPA_EV_DROPPED, msg, k->replay,
		    "key data not encrypted", now_ms);
	if (cs_wpa_key_unwrap(
	        s->ptk.kek, CS_WPA_KEK_LEN, k->data, k->data_len, plain) < 0)
		return supp_drop(s, CS_WPA_EV_DROPPED, msg, k->replay,
		    "key data does not unwrap under the KEK", now_ms);
	if (cs_eapol_kd_parse(kd, plain, k->data_len - CS_WPA_WRAP_PAD, &err) <
	    0)
		return supp_drop(
		    s, CS_WPA_EV_DROPPED, msg, k->replay, err.what, now_ms);
	if (!kd->has_gtk)
		return supp_drop(s, CS_WPA_EV_DROPPED, msg, k->replay,
		    "no GTK KDE in key data", now_ms);
	return 0;
}

static void
supp_install_gtk(struct cs_wpa_supp *s, const struct cs_eapol_kd *kd,
    const uint8_t rsc[8], uint64_t now_ms)
{
	struct cs_wpa_event ev = {
		.kind = CS_WPA_EV_INSTALL_GTK,
		.key = kd->gtk,
		.key_len = kd->gtk_len,
		.keyid = kd->gtk_keyid,
		.rsc = rsc,
	};

	if (s->gtk_installed && s->gtk_keyid == kd->gtk_keyid &&
	    s->gtk_len == kd->gtk_len &&
	    cs_wpa_memcmp(s->gtk, kd->gtk, kd->gtk_len) == 0)
		return; /* already installed: never reset its RSC */
	memcpy(s->gtk, kd->gtk, kd->gtk_len);
	s->gtk_len = kd->gtk_len;
	s->gtk_keyid = kd->gtk_keyid;
	s->gtk_installed = true;
	supp_emit(s, &ev, now_ms);
}

/* §12.7.6.4: message 3's RSN element must be the one of the AP's
 * Beacon/Probe Response.  A split-MAC station simulated behind a virtual
 * AP may have seen no Beacon (ap_rsne NULL): then the element must at
 * least decode and offer our AKM and CCMP-128 as pairwise cipher, which
 * is what the byte comparison protects (no downgrade). */
static bool
supp_rsne_ok(const struct cs_wpa_supp *s, const struct cs_eapol_kd *kd)
{
	struct cs_rsne r;
	bool akm = false, ccmp = false;

	if (s->cfg.ap_rsne != NULL)
		return kd->rsne_len == s->cfg.ap_rsne_len &&
		    memcmp(kd->rsne, s->ap_rsne, kd->rsne_len) == 0;
	if (kd->rsne == NULL ||
	    cs_rsne_decode(&r, kd->rsne, kd->rsne_len, NULL) < 0)
		return false;
	for (unsigned i = 0; i < r.n_akm; i++)
		akm |= r.akm[i] == ((uint32_t)CS_KDE_OUI << 8 | s->cfg.akm);
	for (unsigned i = 0; i < r.n_pairwise; i++)
		ccmp |= r.pairwise[i] == CS_RSN_CIPHER_CCMP;
	return akm && ccmp;
}

static int
supp_on_m3(struct cs_wpa_supp *s, const struct cs_eapol_key *k,
    const uint8_t *pdu, size_t pdu_len, uint64_t now_ms)
{
	uint8_t plain[CS_EAPOL_MAX_DATA];
	struct cs_eapol_kd kd;
	struct cs_eapol_key m4 = {
		.version = WPA_EAPOL_VERSION,
		.descriptor = CS_EAPOL_DESC_RSN,
		.info = (uint16_t)(s->ver | CS_EAPOL_KI_PAIRWISE |
		    CS_EAPOL_KI_MIC | CS_EAPOL_KI_SECURE),
		.replay = k->replay,
	};
	struct cs_wpa_event ev = { .kind = CS_WPA_EV_INSTALL_PTK };
	bool first = s->state == CS_WPA_S_WAIT_M3;
	int r;

	if (s->has_replay && k->replay <= s->replay)
		return supp_drop(s, CS_WPA_EV_DROPPED, CS_EAPOL_MSG_3,
		    k->replay, "replay counter not increasing", now_ms);
	if (memcmp(k->nonce, s->anonce, CS_WPA_NONCE_LEN) != 0)
		return supp_drop(s, CS_WPA_EV_DROPPED, CS_EAPOL_MSG_3,
		    k->replay, "ANonce differs from message 1", now_ms);
	if (wpa_mic_verify(s->ver, s->ptk.kck, pdu, pdu_len) < 0)
		return supp_drop(s, CS_WPA_EV_MIC_FAILURE, CS_EAPOL_MSG_3,
		    k->replay, "MIC does not verify", now_ms);
	if ((r = supp_key_data(s, k, CS_EAPOL_MSG_3, plain, &kd, now_ms)) < 0)
		goto out;
	s->has_replay = true;
	s->replay = k->replay;
	/* §12.7.6.4: the RSN element must be the one of the Beacon/Probe
	 * Response, else the station disassociates (reason 17) */
	if (!supp_rsne_ok(s, &kd)) {
		supp_fail(s, CS_WPA_FAIL_IE_MISMATCH,
		    CS_WPA_REASON_IE_DIFFERENT, now_ms);
		r = 0;
		goto out;
	}
	if ((r = supp_send(s, &m4, CS_EAPOL_MSG_4, 1, now_ms)) < 0)
		goto out;
	if (!s->tk_installed ||
	    cs_wpa_memcmp(s->tk, s->ptk.tk, CS_WPA_TK_LEN) != 0) {
		memcpy(s->tk, s->ptk.tk, CS_WPA_TK_LEN);
		s->tk_installed = true;
		ev.key = s->tk;
		ev.key_len = CS_WPA_TK_LEN;
		supp_emit(s, &ev, now_ms);
	}
	supp_install_gtk(s, &kd, k->rsc, now_ms);
	if (first) {
		supp_set_state(s, CS_WPA_S_DONE, "message 3", now_ms);
		ev.kind = CS_WPA_EV_DONE;
		ev.key = NULL;
		ev.key_len = 0;
		supp_emit(s, &ev, now_ms);
	}
out:
	cs_wpa_cleanse(plain, sizeof(plain));
	return r;
}

static int
supp_on_g1(struct cs_wpa_supp *s, const struct cs_eapol_key *k,
    const uint8_t *pdu, size_t pdu_len, uint64_t now_ms)
{
	uint8_t plain[CS_EAPOL_MAX_DATA];
	struct cs_eapol_kd kd;
	struct cs_eapol_key g2 = {
		.version = WPA_EAPOL_VERSION,
		.descriptor = CS_EAPOL_DESC_RSN,
		.info =
		    (uint16_t)(s->ver | CS_EAPOL_KI_MIC | CS_EAPOL_KI_SECURE),
		.replay = k->replay,
	};
	int r;

	if (s->has_replay && k->replay <= s->replay)
		return supp_drop(s, CS_WPA_EV_DROPPED, CS_EAPOL_MSG_G1,
		    k->replay, "replay counter not increasing", now_ms);
	if (wpa_mic_verify(s->ver, s->ptk.kck, pdu, pdu_len) < 0)
		return supp_drop(s, CS_WPA_EV_MIC_FAILURE, CS_EAPOL_MSG_G1,
		    k->replay, "MIC does not verify", now_ms);
	if ((r = supp_key_data(s, k, CS_EAPOL_MSG_G1, plain, &kd, now_ms)) < 0)
		goto out;
	s->replay = k->replay;
	if ((r = supp_send(s, &g2, CS_EAPOL_MSG_G2, 1, now_ms)) < 0)
		goto out;
	supp_install_gtk(s, &kd, k->rsc, now_ms);
out:
	cs_wpa_cleanse(plain, sizeof(plain));
	return r;
}

int
cs_wpa_supp_input(struct cs_wpa_supp *s, const uint8_t *pdu, size_t len,
    uint64_t now_ms, struct cs_err *err)
{
	struct cs_eapol_key k;
	enum cs_eapol_msg msg;
	size_t pdu_len;
	int r;

	if (s == NULL || pdu == NULL)
		return -EINVAL;
	if ((r = cs_eapol_key_decode(&k, pdu, len, &pdu_len, err)) < 0)
		return r;
	msg = cs_eapol_key_msg(&k);
	if ((k.info & CS_EAPOL_KI_VER_MASK) != s->ver)
		return supp_drop(s, CS_WPA_EV_DROPPED, msg, k.replay,
		    "key descriptor version does not match the AKM", now_ms);
	switch (s->state) {
	case CS_WPA_S_WAIT_M1:
		switch (msg) {
		case CS_EAPOL_MSG_1:
			return supp_on_m1(s, &k, now_ms);
		default:
			break;
		}
		break;
	case CS_WPA_S_WAIT_M3:
		switch (msg) {
		case CS_EAPOL_MSG_1:
			return supp_on_m1(s, &k, now_ms);
		case CS_EAPOL_MSG_3:
			return supp_on_m3(s, &k, pdu, pdu_len, now_ms);
		default:
			break;
		}
		break;
	case CS_WPA_S_DONE:
		switch (msg) {
		case CS_EAPOL_MSG_1: /* PTK rekey: a new 4-way */
			return supp_on_m1(s, &k, now_ms);
		case CS_EAPOL_MSG_3: /* our message 4 was lost */
			return supp_on_m3(s, &k, pdu, pdu_len, now_ms);
		case CS_EAPOL_MSG_G1:
			return supp_on_g1(s, &k, pdu, pdu_len, now_ms);
		default:
			break;
		}
		break;
	case CS_WPA_S_IDLE:
	case CS_WPA_S_FAILED:
		break;
	case CS_WPA_S__COUNT:
		assert(!"not a state");
		break;
	}
	return supp_drop(s, CS_WPA_EV_DROPPED, msg, k.replay,
	    "not expected in this state", now_ms);
}

void
cs_wpa_supp_timer(struct cs_wpa_supp *s, enum cs_wpa_timer t, uint64_t now_ms)
{
	if (s == NULL || t != CS_WPA_T_HANDSHAKE)
		return;
	switch (s->state) {
	case CS_WPA_S_WAIT_M1:
		supp_fail(
		    s, CS_WPA_FAIL_NO_MSG1, CS_WPA_REASON_4WAY_TIMEOUT, now_ms);
		break;
	case CS_WPA_S_WAIT_M3:
		supp_fail(
		    s, CS_WPA_FAIL_NO_MSG3, CS_WPA_REASON_4WAY_TIMEOUT, now_ms);
		break;
	case CS_WPA_S_IDLE:
	case CS_WPA_S_DONE:
	case CS_WPA_S_FAILED:
		break; /* stale expiry */
	case CS_WPA_S__COUNT:
		assert(!"not a state");
		break;
	}
}

void
cs_wpa_supp_deauthed(
    struct cs_wpa_supp *s, uint16_t reason_code, uint64_t now_ms)
{
	enum cs_wpa_fail f;

	if (s == NULL)
		return;
	switch (s->state) {
	case CS_WPA_S_WAIT_M1:
	case CS_WPA_S_WAIT_M3:
		/* as wpa_supplicant: ended after our message 2 for any reason
		 * but 17 is "pre-shared key may be incorrect" (controllers
		 * send 15, some 2) */
		if (reason_code == CS_WPA_REASON_IE_DIFFERENT)
			f = CS_WPA_FAIL_IE_MISMATCH;
		else if (s->sent_m2)
			f = CS_WPA_FAIL_NO_MSG3;
		else if (reason_code == CS_WPA_REASON_4WAY_TIMEOUT)
			f = CS_WPA_FAIL_NO_MSG1;
		else
			f = CS_WPA_FAIL_DEAUTH;
		supp_fail(s, f, /* deauth_reason= */ 0, now_ms);
		break;
	case CS_WPA_S_DONE:
		supp_set_state(s, CS_WPA_S_IDLE, "deauthenticated", now_ms);
		break;
	case CS_WPA_S_IDLE:
	case CS_WPA_S_FAILED:
		break;
	case CS_WPA_S__COUNT:
		assert(!"not a state");
		break;
	}
}

int
cs_wpa_supp_start(struct cs_wpa_supp *s, uint64_t now_ms)
{
	if (s == NULL)
		return -EINVAL;
	if (s->state != CS_WPA_S_IDLE && s->state != CS_WPA_S_FAILED)
		return -EALREADY;
	supp_set_state(s, CS_WPA_S_WAIT_M1, "associated", now_ms);
	return 0;
}

enum cs_wpa_supp_state
cs_wpa_supp_state(const struct cs_wpa_supp *s)
{
	return s->state;
}

enum cs_wpa_fail
cs_wpa_supp_fail(const struct cs_wpa_supp *s)
{
	return s->fail;
}

static bool
wpa_akm_ok(enum cs_wpa_akm akm)
{
	return akm == CS_WPA_AKM_PSK || akm == CS_WPA_AKM_PSK_SHA256;
}

int
cs_wpa_supp_new(struct cs_wpa_supp **ret, const struct cs_wpa_supp_cfg *cfg,
    const struct cs_wpa_io *io)
{
	struct cs_wpa_supp *s;

	if (ret == NULL || cfg == NULL || io == NULL || io->send == NULL ||
	    io->timer_arm == NULL || io->timer_cancel == NULL ||
	    io->rand_bytes == NULL || !wpa_akm_ok(cfg->akm) ||
	    cfg->own_rsne == NULL || cfg->own_rsne_len < 2 ||
	    cfg->own_rsne_len > CS_WPA_RSNE_MAX ||
	    (cfg->ap_rsne != NULL &&
	        (cfg->ap_rsne_len < 2 || cfg->ap_rsne_len > CS_WPA_RSNE_MAX)))
		return -EINVAL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	s->cfg = *cfg;
	s->io = *io;
	memcpy(s->own_rsne, cfg->own_rsne, cfg->own_rsne_len);
	if (cfg->ap_rsne != NULL)
		memcpy(s->ap_rsne, cfg->ap_rsne, cfg->ap_rsne_len);
	s->cfg.own_rsne = s->own_rsne;
	s->cfg.ap_rsne = cfg->ap_rsne != NULL ? s->ap_rsne : NULL;
	if (s->cfg.handshake_timeout_ms == 0)
		s->cfg.handshake_timeout_ms = WPA_DEF_HS_MS;
	s->ver = cs_wpa_akm_key_ver(cfg->akm);
	s->state = CS_WPA_S_IDLE;
	*ret = s;
	return 0;
}

void
cs_wpa_supp_free(struct cs_wpa_supp *s)
{
	if (s == NULL)
		return;
	cs_wpa_cleanse(s, sizeof(*s));
	free(s);
}
