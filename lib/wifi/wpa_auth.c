/* SPDX-License-Identifier: MIT */
/*
 * The WPA2-PSK authenticator: the controller's side of the 4-way
 * handshake and the group key handshake for one station (IEEE
 * 802.11-2016 §12.7.6, §12.7.7, and the per-station authenticator state
 * machine's PTKSTART .. PTKINITDONE).  Sans-I/O, see capsim/wpa.h.
 * auth_set_state() is the only writer of the state.
 *
 * Message 1, 3 and group message 1 are retransmitted on CS_WPA_T_RETX
 * with a new replay counter each time (§12.7.6.1); a reply may answer any
 * transmission of the current message, so the counters of all of them
 * stay acceptable (a window [win_lo, win_hi]).  When the tries are spent
 * the station is deauthenticated with reason 15 (16 for the group key
 * handshake).  A message 2 whose MIC does not verify is silently
 * discarded (§12.7.6.3) and counted: that is how a wrong PSK shows.
 */
#include "capsim/wpa.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/cursor.h"
#include "capsim/log.h"
#include "wpa-internal.h"

struct cs_wpa_auth {
	struct cs_wpa_auth_cfg cfg;
	struct cs_wpa_io io;
	uint8_t own_rsne[CS_WPA_RSNE_MAX];
	uint8_t sta_rsne[CS_WPA_RSNE_MAX];
	enum cs_wpa_auth_state state;
	enum cs_wpa_fail fail;
	enum cs_wpa_key_ver ver;
	uint64_t replay;         /* next counter to send */
	uint64_t win_lo, win_hi; /* counters of the current message */
	unsigned tries;          /* transmissions of the current message */
	unsigned mic_failures;   /* message 2s with a bad MIC */
	uint8_t anonce[CS_WPA_NONCE_LEN];
	struct cs_wpa_ptk ptk;
};

static const char *const auth_state_names[] = {
	[CS_WPA_A_IDLE] = "Idle",
	[CS_WPA_A_PTKSTART] = "PTKStart",
	[CS_WPA_A_PTKINITNEGOTIATING] = "PTKInitNegotiating",
	[CS_WPA_A_PTKINITDONE] = "PTKInitDone",
	[CS_WPA_A_REKEYNEGOTIATING] = "RekeyNegotiating",
	[CS_WPA_A_DISCONNECTED] = "Disconnected",
};
_Static_assert(CS_ARRAY_SIZE(auth_state_names) == CS_WPA_A__COUNT,
    "auth_state_names[] out of sync with enum cs_wpa_auth_state");

const char *
cs_wpa_auth_state_name(enum cs_wpa_auth_state st)
{
	return (unsigned)st < CS_WPA_A__COUNT ? auth_state_names[st]
	                                      : "unknown";
}

static void
auth_emit(struct cs_wpa_auth *a, struct cs_wpa_event *ev, uint64_t now_ms)
{
	ev->t_ms = now_ms;
	if (a->io.event != NULL)
		a->io.event(a->io.ctx, ev);
}

static void
auth_log(struct cs_wpa_auth *a, int level, const char *what, const char *why)
{
	const uint8_t *m = a->cfg.spa;

	cs_logf(a->cfg.log, level,
	    "wpa auth %02x:%02x:%02x:%02x:%02x:%02x: %s%s%s", m[0], m[1], m[2],
	    m[3], m[4], m[5], what, why ? ": " : "", why ? why : "");
}

static int
auth_drop(struct cs_wpa_auth *a, enum cs_wpa_ev_kind kind,
    enum cs_eapol_msg msg, uint64_t replay, const char *why, uint64_t now_ms)
{
	struct cs_wpa_event ev = {
		.kind = kind,
		.msg = msg,
		.replay = replay,
		.reason = why,
	};

	auth_log(a, CS_LOG_DEBUG, cs_eapol_msg_name(msg), why);
	auth_emit(a, &ev, now_ms);
	return -EPROTO;
}

static int
auth_send(struct cs_wpa_auth *a, struct cs_eapol_key *k, enum cs_eapol_msg msg,
    bool with_mic, uint64_t now_ms)
{
	struct cs_wpa_event ev = { .kind = CS_WPA_EV_SENT, .msg = msg };
	uint8_t buf[WPA_PDU_MAX];
	size_t len;
	int r;

	k->version = WPA_EAPOL_VERSION;
	k->descriptor = CS_EAPOL_DESC_RSN;
	k->replay = a->replay++;
	if (a->tries == 0)
		a->win_lo = k->replay;
	a->win_hi = k->replay;
	a->tries++;
	ev.replay = k->replay;
	ev.attempt = a->tries;
	a->io.timer_arm(a->io.ctx, CS_WPA_T_RETX, a->cfg.retx_timeout_ms);
	if ((r = wpa_build(k, a->ver, with_mic ? a->ptk.kck : NULL, buf,
	         sizeof(buf), &len)) < 0)
		return r;
	if ((r = a->io.send(a->io.ctx, buf, len)) < 0)
		return r;
	auth_emit(a, &ev, now_ms);
	return 0;
}

static int
auth_send_m1(struct cs_wpa_auth *a, uint64_t now_ms)
{
	struct cs_eapol_key k = {
		.info =
		    (uint16_t)(a->ver | CS_EAPOL_KI_PAIRWISE | CS_EAPOL_KI_ACK),
		.key_len = CS_WPA_TK_LEN,
	};

	memcpy(k.nonce, a->anonce, sizeof(k.nonce));
	return auth_send(a, &k, CS_EAPOL_MSG_1, /* with_mic= */ false, now_ms);
}

/* Key data of message 3 (RSN element and GTK KDE) or group message 1
 * (GTK KDE), padded and wrapped under the KEK.  The GTK KDE's Tx bit is
 * 0: in an infrastructure BSS the station only receives with the GTK
 * (it transmits with its pairwise key), as hostapd sends it. */
static int
auth_key_data(struct cs_wpa_auth *a, bool with_rsne, uint8_t *out, size_t cap,
    size_t *out_len)
{
	uint8_t plain[WPA_KD_MAX];
	struct cs_wr wr;
	int r;

	cs_wr_init(&wr, plain, sizeof(plain));
	if (with_rsne)
		cs_wr_bytes(&wr, a->own_rsne, a->cfg.own_rsne_len);
	cs_eapol_kd_put_gtk(
	    &wr, a->cfg.gtk_keyid, /* tx= */ false, a->cfg.gtk, CS_WPA_GTK_LEN);
	r = wr.err != 0 ? wr.err
	                : wpa_kd_wrap(a->ptk.kek, plain, wr.len, sizeof(plain),
	                      out, cap, out_len);
	cs_wpa_cleanse(plain, sizeof(plain));
	return r;
}

static int
auth_send_m3(struct cs_wpa_auth *a, uint64_t now_ms)
{
	uint8_t kd[WPA_KD_MAX + CS_WPA_WRAP_PAD];
	struct cs_eapol_key k = {
		.info = (uint16_t)(a->ver | CS_EAPOL_KI_PAIRWISE |
		    CS_EAPOL_KI_INSTALL | CS_EAPOL_KI_ACK | CS_EAPOL_KI_MIC |
		    CS_EAPOL_KI_SECURE | CS_EAPOL_KI_ENCRYPTED),
		.key_len = CS_WPA_TK_LEN,
		.data = kd,
	};
	size_t n;
	int r;

	if ((r = auth_key_data(a, /* with_rsne= */ true, kd, sizeof(kd), &n)) <
	    0)
		return r;
	k.data_len = (uint16_t)n;
	memcpy(k.nonce, a->anonce, sizeof(k.nonce));
	memcpy(k.rsc, a->cfg.gtk_rsc, sizeof(k.rsc));
	return auth_send(a, &k, CS_EAPOL_MSG_3, /* with_mic= */ true, now_ms);
}

static int
auth_send_g1(struct cs_wpa_auth *a, uint64_t now_ms)
{
	uint8_t kd[WPA_KD_MAX + CS_WPA_WRAP_PAD];
	struct cs_eapol_key k = {
		.info = (uint16_t)(a->ver | CS_EAPOL_KI_ACK | CS_EAPOL_KI_MIC |
		    CS_EAPOL_KI_SECURE | CS_EAPOL_KI_ENCRYPTED),
		.data = kd,
	};
	size_t n;
	int r;

	if ((r = auth_key_data(a, /* with_rsne= */ false, kd, sizeof(kd), &n)) <
	    0)
		return r;
	k.data_len = (uint16_t)n;
	memcpy(k.rsc, a->cfg.gtk_rsc, sizeof(k.rsc));
	return auth_send(a, &k, CS_EAPOL_MSG_G1, /* with_mic= */ true, now_ms);
}

/* The only writer of a->state: log, stop the old state's timer, switch,
 * entry actions (which send the state's first message), then notify. */
static int
auth_set_state(struct cs_wpa_auth *a, enum cs_wpa_auth_state to,
    const char *why, uint64_t now_ms)
{
	struct cs_wpa_event ev = {
		.kind = CS_WPA_EV_STATE,
		.from = (int)a->state,
		.to = (int)to,
		.reason = why,
	};
	char line[64];
	int r = 0;

	snprintf(line, sizeof(line), "%s -> %s",
	    cs_wpa_auth_state_name(a->state), cs_wpa_auth_state_name(to));
	auth_log(a, CS_LOG_DEBUG, line, why);
	a->io.timer_cancel(a->io.ctx, CS_WPA_T_RETX);
	a->state = to;
	a->tries = 0;
	switch (to) {
	case CS_WPA_A_PTKSTART:
		a->mic_failures = 0;
		a->fail = CS_WPA_FAIL_NONE;
		r = auth_send_m1(a, now_ms);
		break;
	case CS_WPA_A_PTKINITNEGOTIATING:
		r = auth_send_m3(a, now_ms);
		break;
	case CS_WPA_A_REKEYNEGOTIATING:
		r = auth_send_g1(a, now_ms);
		break;
	case CS_WPA_A_DISCONNECTED:
	case CS_WPA_A_IDLE:
		cs_wpa_cleanse(&a->ptk, sizeof(a->ptk));
		break;
	case CS_WPA_A_PTKINITDONE:
		break;
	case CS_WPA_A__COUNT:
		assert(!"not a state");
		break;
	}
	if (ev.from != ev.to)
		auth_emit(a, &ev, now_ms);
	return r;
}

static void
auth_fail(struct cs_wpa_auth *a, enum cs_wpa_fail f, uint16_t reason_code,
    uint64_t now_ms)
{
	struct cs_wpa_event ev = { .kind = CS_WPA_EV_DEAUTH,
		.reason_code = reason_code,
		.fail = f,
		.reason = wpa_fail_text(f) };

	a->fail = f;
	auth_log(a, CS_LOG_INFO, "deauthenticating", wpa_fail_text(f));
	auth_emit(a, &ev, now_ms);
	(void)auth_set_state(
	    a, CS_WPA_A_DISCONNECTED, wpa_fail_text(f), now_ms);
	ev.kind = CS_WPA_EV_FAILED;
	auth_emit(a, &ev, now_ms);
}

static bool
auth_in_window(const struct cs_wpa_auth *a, uint64_t replay)
{
	return a->tries > 0 && replay >= a->win_lo && replay <= a->win_hi;
}

static int
auth_on_m2(struct cs_wpa_auth *a, const struct cs_eapol_key *k,
    const uint8_t *pdu, size_t pdu_len, uint64_t now_ms)
{
	struct cs_wpa_ptk ptk;
	struct cs_eapol_kd kd;
	struct cs_err err = { 0 };
	int r;

	if (!auth_in_window(a, k->replay))
		return auth_drop(a, CS_WPA_EV_DROPPED, CS_EAPOL_MSG_2,
		    k->replay, "replay counter of no message 1 sent", now_ms);
	if ((r = cs_wpa_ptk_derive(a->cfg.akm, a->cfg.pmk, a->cfg.aa,
	         a->cfg.spa, a->anonce, k->nonce, &ptk)) < 0)
		return r;
	if (wpa_mic_verify(a->ver, ptk.kck, pdu, pdu_len) < 0) {
		cs_wpa_cleanse(&ptk, sizeof(ptk));
		a->mic_failures++;
		return auth_drop(a, CS_WPA_EV_MIC_FAILURE, CS_EAPOL_MSG_2,
		    k->replay, "MIC does not verify (PSK mismatch?)", now_ms);
	}
	a->ptk = ptk;
	cs_wpa_cleanse(&ptk, sizeof(ptk));
	/* §12.7.6.3: the RSN element must be the (re)association one */
	if (cs_eapol_kd_parse(&kd, k->data, k->data_len, &err) < 0 ||
	    kd.rsne_len != a->cfg.sta_rsne_len ||
	    memcmp(kd.rsne, a->sta_rsne, kd.rsne_len) != 0) {
		auth_fail(a, CS_WPA_FAIL_IE_MISMATCH,
		    CS_WPA_REASON_IE_DIFFERENT, now_ms);
		return 0;
	}
	return auth_set_state(
	    a, CS_WPA_A_PTKINITNEGOTIATING, "message 2", now_ms);
}

static int
auth_on_m4(struct cs_wpa_auth *a, const struct cs_eapol_key *k,
    const uint8_t *pdu, size_t pdu_len, uint64_t now_ms)
{
	struct cs_wpa_event ev = {
		.kind = CS_WPA_EV_INSTALL_PTK,
		.key = a->ptk.tk,
		.key_len = CS_WPA_TK_LEN,
	};
	int r;

	if (!auth_in_window(a, k->replay))
		return auth_drop(a, CS_WPA_EV_DROPPED, CS_EAPOL_MSG_4,
		    k->replay, "replay counter of no message 3 sent", now_ms);
	if (wpa_mic_verify(a->ver, a->ptk.kck, pdu, pdu_len) < 0)
		return auth_drop(a, CS_WPA_EV_MIC_FAILURE, CS_EAPOL_MSG_4,
		    k->replay, "MIC does not verify", now_ms);
	auth_emit(a, &ev, now_ms);
	r = auth_set_state(a, CS_WPA_A_PTKINITDONE, "message 4", now_ms);
	ev.kind = CS_WPA_EV_DONE;
	ev.key = NULL;
	ev.key_len = 0;
	auth_emit(a, &ev, now_ms);
	return r;
}

static int
auth_on_g2(struct cs_wpa_auth *a, const struct cs_eapol_key *k,
    const uint8_t *pdu, size_t pdu_len, uint64_t now_ms)
{
	if (!auth_in_window(a, k->replay))
		return auth_drop(a, CS_WPA_EV_DROPPED, CS_EAPOL_MSG_G2,
		    k->replay, "replay counter of no group message 1 sent",
		    now_ms);
	if (wpa_mic_verify(a->ver, a->ptk.kck, pdu, pdu_len) < 0)
		return auth_drop(a, CS_WPA_EV_MIC_FAILURE, CS_EAPOL_MSG_G2,
		    k->replay, "MIC does not verify", now_ms);
	return auth_set_state(
	    a, CS_WPA_A_PTKINITDONE, "group message 2", now_ms);
}

int
cs_wpa_auth_input(struct cs_wpa_auth *a, const uint8_t *pdu, size_t len,
    uint64_t now_ms, struct cs_err *err)
{
	struct cs_eapol_key k;
	enum cs_eapol_msg msg;
	size_t pdu_len;
	int r;

	if (a == NULL || pdu == NULL)
		return -EINVAL;
	if ((r = cs_eapol_key_decode(&k, pdu, len, &pdu_len, err)) < 0)
		return r;
	msg = cs_eapol_key_msg(&k);
	if ((k.info & CS_EAPOL_KI_VER_MASK) != a->ver)
		return auth_drop(a, CS_WPA_EV_DROPPED, msg, k.replay,
		    "key descriptor version does not match the AKM", now_ms);
	switch (a->state) {
	case CS_WPA_A_PTKSTART:
		switch (msg) {
		case CS_EAPOL_MSG_2:
			return auth_on_m2(a, &k, pdu, pdu_len, now_ms);
		default:
			break;
		}
		break;
	case CS_WPA_A_PTKINITNEGOTIATING:
		switch (msg) {
		case CS_EAPOL_MSG_4:
			return auth_on_m4(a, &k, pdu, pdu_len, now_ms);
		default:
			break; /* a late message 2 included */
		}
		break;
	case CS_WPA_A_REKEYNEGOTIATING:
		switch (msg) {
		case CS_EAPOL_MSG_G2:
			return auth_on_g2(a, &k, pdu, pdu_len, now_ms);
		default:
			break;
		}
		break;
	case CS_WPA_A_IDLE:
	case CS_WPA_A_PTKINITDONE:
	case CS_WPA_A_DISCONNECTED:
		break;
	case CS_WPA_A__COUNT:
		assert(!"not a state");
		break;
	}
	return auth_drop(a, CS_WPA_EV_DROPPED, msg, k.replay,
	    "not expected in this state", now_ms);
}

void
cs_wpa_auth_timer(struct cs_wpa_auth *a, enum cs_wpa_timer t, uint64_t now_ms)
{
	bool spent;

	if (a == NULL || t != CS_WPA_T_RETX)
		return;
	spent = a->tries >= a->cfg.max_tries;
	switch (a->state) {
	case CS_WPA_A_PTKSTART:
		if (!spent)
			(void)auth_send_m1(a, now_ms);
		else
			auth_fail(a,
			    a->mic_failures > 0 ? CS_WPA_FAIL_WRONG_PSK
			                        : CS_WPA_FAIL_NO_MSG2,
			    CS_WPA_REASON_4WAY_TIMEOUT, now_ms);
		break;
	case CS_WPA_A_PTKINITNEGOTIATING:
		if (!spent)
			(void)auth_send_m3(a, now_ms);
		else
			auth_fail(a, CS_WPA_FAIL_NO_MSG4,
			    CS_WPA_REASON_4WAY_TIMEOUT, now_ms);
		break;
	case CS_WPA_A_REKEYNEGOTIATING:
		if (!spent)
			(void)auth_send_g1(a, now_ms);
		else
			auth_fail(a, CS_WPA_FAIL_NO_G2,
			    CS_WPA_REASON_GROUP_TIMEOUT, now_ms);
		break;
	case CS_WPA_A_IDLE:
	case CS_WPA_A_PTKINITDONE:
	case CS_WPA_A_DISCONNECTED:
		break; /* stale expiry */
	case CS_WPA_A__COUNT:
		assert(!"not a state");
		break;
	}
}

int
cs_wpa_auth_start(struct cs_wpa_auth *a, uint64_t now_ms)
{
	int r;

	if (a == NULL)
		return -EINVAL;
	switch (a->state) {
	case CS_WPA_A_PTKSTART:
	case CS_WPA_A_PTKINITNEGOTIATING:
	case CS_WPA_A_REKEYNEGOTIATING:
		return -EALREADY;
	case CS_WPA_A_IDLE:
	case CS_WPA_A_PTKINITDONE: /* PTK rekey */
	case CS_WPA_A_DISCONNECTED:
		break;
	case CS_WPA_A__COUNT:
		assert(!"not a state");
		break;
	}
	if ((r = a->io.rand_bytes(a->io.ctx, a->anonce, CS_WPA_NONCE_LEN)) < 0)
		return r;
	return auth_set_state(a, CS_WPA_A_PTKSTART, "associated", now_ms);
}

int
cs_wpa_auth_set_gtk(struct cs_wpa_auth *a, const uint8_t gtk[CS_WPA_GTK_LEN],
    uint8_t keyid, const uint8_t rsc[8], uint64_t now_ms)
{
	if (a == NULL || gtk == NULL || rsc == NULL || keyid < 1 || keyid > 3)
		return -EINVAL;
	memcpy(a->cfg.gtk, gtk, CS_WPA_GTK_LEN);
	memcpy(a->cfg.gtk_rsc, rsc, 8);
	a->cfg.gtk_keyid = keyid;
	if (a->state == CS_WPA_A_PTKINITDONE ||
	    a->state == CS_WPA_A_REKEYNEGOTIATING)
		return auth_set_state(
		    a, CS_WPA_A_REKEYNEGOTIATING, "new GTK", now_ms);
	return 0;
}

enum cs_wpa_auth_state
cs_wpa_auth_state(const struct cs_wpa_auth *a)
{
	return a->state;
}

enum cs_wpa_fail
cs_wpa_auth_fail(const struct cs_wpa_auth *a)
{
	return a->fail;
}

unsigned
cs_wpa_auth_mic_failures(const struct cs_wpa_auth *a)
{
	return a->mic_failures;
}

int
cs_wpa_auth_new(struct cs_wpa_auth **ret, const struct cs_wpa_auth_cfg *cfg,
    const struct cs_wpa_io *io)
{
	struct cs_wpa_auth *a;

	if (ret == NULL || cfg == NULL || io == NULL || io->send == NULL ||
	    io->timer_arm == NULL || io->timer_cancel == NULL ||
	    io->rand_bytes == NULL ||
	    (cfg->akm != CS_WPA_AKM_PSK && cfg->akm != CS_WPA_AKM_PSK_SHA256) ||
	    cfg->own_rsne == NULL || cfg->own_rsne_len < 2 ||
	    cfg->own_rsne_len > CS_WPA_RSNE_MAX || cfg->sta_rsne == NULL ||
	    cfg->sta_rsne_len < 2 || cfg->sta_rsne_len > CS_WPA_RSNE_MAX ||
	    cfg->gtk_keyid < 1 || cfg->gtk_keyid > 3)
		return -EINVAL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return -ENOMEM;
	a->cfg = *cfg;
	a->io = *io;
	memcpy(a->own_rsne, cfg->own_rsne, cfg->own_rsne_len);
	memcpy(a->sta_rsne, cfg->sta_rsne, cfg->sta_rsne_len);
	a->cfg.own_rsne = a->own_rsne;
	a->cfg.sta_rsne = a->sta_rsne;
	if (a->cfg.retx_timeout_ms == 0)
		a->cfg.retx_timeout_ms = WPA_DEF_RETX_MS;
	if (a->cfg.max_tries == 0)
		a->cfg.max_tries = WPA_DEF_TRIES;
	a->replay = cfg->initial_replay;
	a->ver = cs_wpa_akm_key_ver(cfg->akm);
	a->state = CS_WPA_A_IDLE;
	*ret = a;
	return 0;
}

void
cs_wpa_auth_free(struct cs_wpa_auth *a)
{
	if (a == NULL)
		return;
	cs_wpa_cleanse(a, sizeof(*a));
	free(a);
}
