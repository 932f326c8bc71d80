/* SPDX-License-Identifier: MIT */
/*
 * The WPA2-PSK supplicant bound to a station's L2 authentication hook.
 * See capsim/wpa_sta.h.
 */
#include "capsim/wpa_sta.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/station.h"
#include "capsim/wpa.h"

struct cs_wpa_sta {
	struct cs_wpa_sta_cfg cfg;
	struct cs_sta *sta;
	struct cs_wpa_supp *supp; /* from start, per association */
	uint64_t now_ms;          /* of the call being served */
	bool ended;               /* the station was told the outcome */
};

static int
ws_send(void *ctx, const uint8_t *pdu, size_t len)
{
	struct cs_wpa_sta *w = ctx;

	return cs_sta_send_eapol(w->sta, pdu, len);
}

/* The station's L2AUTH timer bounds the phase (see the header). */
static void
ws_timer_arm(void *ctx, enum cs_wpa_timer t, uint64_t delay_ms)
{
	(void)ctx;
	(void)t;
	(void)delay_ms;
}

static void
ws_timer_cancel(void *ctx, enum cs_wpa_timer t)
{
	(void)ctx;
	(void)t;
}

static int
ws_rand(void *ctx, uint8_t *buf, size_t len)
{
	struct cs_wpa_sta *w = ctx;

	return w->cfg.rand_bytes(w->cfg.ctx, buf, len);
}

/* Supplicant outcomes end the station's L2 phase: DONE opens the port,
 * a supplicant-side DEAUTH (reason 17) fails it with that reason. */
static void
ws_event(void *ctx, const struct cs_wpa_event *ev)
{
	struct cs_wpa_sta *w = ctx;

	if (w->cfg.event != NULL)
		w->cfg.event(w->cfg.ctx, ev);
	if (w->ended)
		return;
	switch (ev->kind) {
	case CS_WPA_EV_DONE:
		w->ended = true;
		(void)cs_sta_l2auth_done(w->sta, true, 0, NULL, ev->t_ms);
		break;
	case CS_WPA_EV_DEAUTH:
		w->ended = true;
		(void)cs_sta_l2auth_done(
		    w->sta, false, ev->reason_code, ev->reason, ev->t_ms);
		break;
	default:
		break;
	}
}

int
cs_wpa_sta_new(struct cs_wpa_sta **ret, const struct cs_wpa_sta_cfg *cfg,
    struct cs_sta *sta)
{
	struct cs_wpa_sta *w;

	if (ret == NULL || cfg == NULL || sta == NULL ||
	    cfg->rand_bytes == NULL ||
	    (cfg->akm != CS_WPA_AKM_PSK && cfg->akm != CS_WPA_AKM_PSK_SHA256))
		return -EINVAL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -ENOMEM;
	w->cfg = *cfg;
	w->sta = sta;
	*ret = w;
	return 0;
}

void
cs_wpa_sta_free(struct cs_wpa_sta *w)
{
	if (w == NULL)
		return;
	cs_wpa_supp_free(w->supp);
	cs_wpa_cleanse(w, sizeof(*w));
	free(w);
}

int
cs_wpa_sta_start(struct cs_wpa_sta *w, const uint8_t *rsn_ie, size_t rsn_len,
    const uint8_t *bssid, uint64_t now_ms)
{
	struct cs_wpa_io io = { ws_send, ws_timer_arm, ws_timer_cancel,
		ws_event, ws_rand, w };
	struct cs_wpa_supp_cfg sc = { 0 };
	struct cs_wpa_supp *s;
	int r;

	if (w == NULL || rsn_ie == NULL || bssid == NULL)
		return -EINVAL;
	sc.akm = w->cfg.akm;
	memcpy(sc.pmk, w->cfg.pmk, sizeof(sc.pmk));
	memcpy(sc.aa, bssid, 6);
	memcpy(sc.spa, w->cfg.spa, 6);
	sc.own_rsne = rsn_ie;
	sc.own_rsne_len = rsn_len;
	sc.ap_rsne = w->cfg.ap_rsne;
	sc.ap_rsne_len = w->cfg.ap_rsne_len;
	sc.log = w->cfg.log;
	r = cs_wpa_supp_new(&s, &sc, &io);
	cs_wpa_cleanse(sc.pmk, sizeof(sc.pmk));
	if (r < 0)
		return r;
	cs_wpa_supp_free(w->supp); /* a new association */
	w->supp = s;
	w->ended = false;
	return cs_wpa_supp_start(s, now_ms);
}

void
cs_wpa_sta_input(
    struct cs_wpa_sta *w, const uint8_t *eapol, size_t len, uint64_t now_ms)
{
	if (w == NULL || w->supp == NULL)
		return;
	/* malformed or discarded frames: the supplicant's DROPPED and
	 * MIC_FAILURE events say why; nothing to tell the station */
	(void)cs_wpa_supp_input(w->supp, eapol, len, now_ms, NULL);
}

void
cs_wpa_sta_ended(struct cs_wpa_sta *w, uint16_t reason, uint64_t now_ms)
{
	if (w == NULL || w->supp == NULL)
		return;
	w->ended = true;
	cs_wpa_supp_deauthed(w->supp, reason, now_ms);
}

enum cs_wpa_fail
cs_wpa_sta_fail(const struct cs_wpa_sta *w)
{
	return w != NULL && w->supp != NULL ? cs_wpa_supp_fail(w->supp)
	                                    : CS_WPA_FAIL_NONE;
}

enum cs_wpa_supp_state
cs_wpa_sta_state(const struct cs_wpa_sta *w)
{
	return w != NULL && w->supp != NULL ? cs_wpa_supp_state(w->supp)
	                                    : CS_WPA_S_IDLE;
}
