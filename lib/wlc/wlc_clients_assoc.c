/* SPDX-License-Identifier: MIT */
/*
 * The split-MAC controller's client side: the management frames its APs
 * tunnel to it (Authentication, Association, Disassociation and
 * Deauthentication) and the WPA2-PSK authenticator of each client.
 */
#include "capsim/wlc_clients.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "capsim/dhcp.h"
#include "capsim/eapol.h"
#include "capsim/ieee80211.h"
#include "capsim/inet.h"
#include "capsim/ipv4.h"
#include "capsim/wpa.h"
#include "wlc_clients-internal.h"

/* ---- management frames ---------------------------------------------- */

static const struct cs_wlc_wlan *
wcl_wlan_by_ssid(const struct cs_wlc_clients *c, const struct cs_dot11_ies *ies)
{
	for (unsigned i = 0; i < c->cfg.n_wlans; i++) {
		const struct cs_wlc_wlan *w = &c->cfg.wlans[i];

		if (ies->has_ssid && strlen(w->ssid) == ies->ssid_len &&
		    memcmp(w->ssid, ies->ssid, ies->ssid_len) == 0)
			return w;
	}
	return NULL;
}

void
wcl_auth(struct cs_wlc_clients *c, void *ap, uint8_t rid,
    const struct cs_dot11_frame *in)
{
	struct wcl_client *cl = wcl_find(c, in->addr2);
	struct cs_dot11_frame f;
	struct wcl_ap *a;
	unsigned h;

	if (in->auth_seq != 1) {
		c->st.frames_dropped++;
		return;
	}
	cs_dot11_init_mgmt(&f, CS_DOT11_AUTH, NULL, NULL, NULL);
	f.auth_alg = in->auth_alg;
	f.auth_seq = 2;
	if (in->auth_alg != CS_DOT11_AUTH_OPEN) {
		f.status = 13; /* §9.4.1.9: algorithm not supported */
		wcl_send_mgmt(c, ap, rid, in->addr2, in->addr3, &f);
		return;
	}
	if ((a = wcl_ap_get(c, ap, true)) == NULL)
		return; /* out of memory: no answer, the station retries */
	if (cl == NULL) {
		if ((cl = calloc(1, sizeof(*cl))) == NULL)
			return;
		memcpy(cl->mac, in->addr2, 6);
		h = wcl_hash_mac(cl->mac);
		cl->next = c->bkt[h];
		c->bkt[h] = cl;
		c->n_clients++;
		c->st.per_state[CS_WLC_CL_AUTH]++;
	} else {
		/* a new authentication ends the old association (§11.3); a
		 * station that moved on: its old AP drops it */
		if (cl->aid > 0 && cl->ap != NULL && cl->ap->ap != ap)
			wcl_delete_on_ap(c, cl);
		wcl_release_aid(cl);
		wcl_set_state(c, cl, CS_WLC_CL_AUTH);
	}
	cl->ap = a;
	cl->rid = rid;
	memcpy(cl->bssid, in->addr3, 6);
	c->st.auths++;
	wcl_send_mgmt(c, ap, rid, in->addr2, in->addr3, &f);
}

static uint16_t
wcl_alloc_aid(struct wcl_ap *a)
{
	for (uint16_t aid = 1; aid <= WCL_MAX_AID; aid++)
		if (!(a->aid_used[aid / 8] & (1u << (aid % 8)))) {
			a->aid_used[aid / 8] |= (uint8_t)(1u << (aid % 8));
			a->n_clients++;
			return aid;
		}
	return 0;
}

/* The station's RSN element must pick what the WLAN offers: CCMP-128
 * pairwise and the PSK AKM (§12.6.3; a 9800 refuses with status 72). */
static bool
wcl_rsn_ok(const struct cs_dot11_rsn *r)
{
	bool ccmp = false, psk = false;

	for (unsigned i = 0; i < r->n_pairwise; i++)
		ccmp |= r->pairwise[i] == CS_DOT11_SUITE_CCMP;
	for (unsigned i = 0; i < r->n_akm; i++)
		psk |= r->akm[i] == CS_DOT11_SUITE_PSK;
	return ccmp && psk;
}

static uint16_t
wcl_assoc_check(struct cs_wlc_clients *c, struct wcl_client *cl,
    const struct cs_dot11_frame *in, const struct cs_wlc_wlan **wlan)
{
	if ((*wlan = wcl_wlan_by_ssid(c, &in->ies)) == NULL)
		return CS_DOT11_STATUS_UNSPECIFIED; /* no such SSID here */
	if (in->ies.has_rsn != (*wlan)->has_psk)
		return CS_DOT11_STATUS_INVALID_RSNE; /* §12.6.3 */
	if ((*wlan)->has_psk &&
	    (!wcl_rsn_ok(&in->ies.rsn) || in->ies.rsn_ie == NULL ||
	        in->ies.rsn_ie_len > CS_WPA_RSNE_MAX))
		return CS_DOT11_STATUS_INVALID_RSNE;
	if (in->ies.n_rates == 0)
		return CS_DOT11_STATUS_BASIC_RATES;
	if ((c->cfg.max_per_ap > 0 && cl->ap->n_clients >= c->cfg.max_per_ap) ||
	    (c->cfg.max_clients > 0 &&
	        c->st.per_state[CS_WLC_CL_ASSOC] +
	                c->st.per_state[CS_WLC_CL_L2AUTH] +
	                c->st.per_state[CS_WLC_CL_IP_LEARN] +
	                c->st.per_state[CS_WLC_CL_RUN] >=
	            c->cfg.max_clients))
		return CS_DOT11_STATUS_AP_FULL;
	return CS_DOT11_STATUS_SUCCESS;
}

/* ---- WPA2-PSK: the authenticator per client ---------------------------- */

static void wcl_mac_str(const uint8_t *m, char *buf, size_t cap);

static int
wcl_wpa_send(void *ctx, const uint8_t *pdu, size_t len)
{
	struct wcl_client *cl = ctx;
	struct cs_dot11_frame f;
	struct cs_eapol_key k;

	if (cl->c->cfg.drop_eapol_m3 > 0 &&
	    cs_eapol_key_decode(&k, pdu, len, NULL, NULL) == 0 &&
	    cs_eapol_key_msg(&k) == CS_EAPOL_MSG_3 &&
	    cl->m3_dropped < cl->c->cfg.drop_eapol_m3) {
		char mac[18];

		/* misbehaviour: the frame is lost at the controller, as far
		 * as the station can tell */
		cl->m3_dropped++;
		cl->c->st.mis_m3_dropped++;
		wcl_mac_str(cl->mac, mac, sizeof(mac));
		cs_logf(&cl->c->cfg.log, CS_LOG_INFO,
		    "client %s: EAPOL-Key message 3 not sent (misbehaviour "
		    "drop-eapol-m3, %u so far)",
		    mac, cl->m3_dropped);
		return 0;
	}
	/* from the authenticator: SA = AA = the BSSID (§12.7.6.1) */
	cs_dot11_init_data(&f, /* to_ds= */ false, cl->bssid, cl->bssid,
	    cl->mac, CS_ETH_P_EAPOL, pdu, len);
	wcl_send(cl->c, cl, cl->ap->ap, cl->rid, &f);
	return 0;
}

static void
wcl_wpa_arm(void *ctx, enum cs_wpa_timer t, uint64_t delay_ms)
{
	struct wcl_client *cl = ctx;

	(void)t; /* the authenticator has one: CS_WPA_T_RETX */
	cl->retx_armed = true;
	cl->retx_due_ms = cl->c->now_ms + delay_ms;
}

static void
wcl_wpa_cancel(void *ctx, enum cs_wpa_timer t)
{
	struct wcl_client *cl = ctx;

	(void)t;
	cl->retx_armed = false;
}

static int
wcl_wpa_rand(void *ctx, uint8_t *buf, size_t len)
{
	struct wcl_client *cl = ctx;

	return cl->c->io.rand_bytes(cl->c->io.ctx, buf, len);
}

static void
wcl_mac_str(const uint8_t *m, char *buf, size_t cap)
{
	snprintf(buf, cap, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
}

/* The authenticator's outcomes, in the controller's words: the port
 * opens (IP learn), or the client is deauthenticated, deleted from its
 * AP and counted by cause.  Removal waits until the authenticator's call
 * returns (cl->dead). */
static void
wcl_wpa_event(void *ctx, const struct cs_wpa_event *ev)
{
	struct wcl_client *cl = ctx;
	struct cs_wlc_clients *c = cl->c;
	struct cs_dot11_frame f;
	uint8_t elems[16];
	struct cs_wr wr;
	char mac[18];

	switch (ev->kind) {
	case CS_WPA_EV_DONE:
		c->st.l2auth_done++;
		if (cl->state == CS_WLC_CL_L2AUTH)
			wcl_set_state(c, cl, CS_WLC_CL_IP_LEARN);
		break;
	case CS_WPA_EV_DEAUTH:
		cs_dot11_init_mgmt(&f, CS_DOT11_DEAUTH, NULL, NULL, NULL);
		f.reason = ev->reason_code;
		wcl_send_mgmt(c, cl->ap->ap, cl->rid, cl->mac, cl->bssid, &f);
		cs_wr_init(&wr, elems, sizeof(elems));
		cs_wlc_put_delete_station(&wr, cl->rid, cl->mac);
		if (wr.err == 0)
			wcl_send_control(c, cl->ap->ap, elems, wr.len);
		break;
	case CS_WPA_EV_FAILED:
		c->st.l2auth_failed[ev->fail]++;
		cl->l2_fail = ev->fail;
		wcl_mac_str(cl->mac, mac, sizeof(mac));
		cs_logf(&c->cfg.log, CS_LOG_WARN,
		    "client %s: L2 authentication failed: %s (%s), "
		    "deauthenticated with reason %u",
		    mac, cs_wpa_fail_name(ev->fail), ev->reason,
		    ev->reason_code);
		cl->dead = true;
		break;
	default:
		break;
	}
}

/* Associated on a PSK WLAN: the 4-way handshake starts with message 1
 * (the group key is the WLAN's, sent in message 3). */
static void
wcl_l2auth_start(struct cs_wlc_clients *c, struct wcl_client *cl,
    const struct cs_dot11_frame *in)
{
	struct cs_wpa_io io = { wcl_wpa_send, wcl_wpa_arm, wcl_wpa_cancel,
		wcl_wpa_event, wcl_wpa_rand, cl };
	struct cs_wpa_auth_cfg ac = { .akm = CS_WPA_AKM_PSK, .gtk_keyid = 1 };
	uint8_t rsne[24];
	struct cs_wr wr;
	unsigned w = (unsigned)(cl->wlan - c->cfg.wlans);
	int r;

	cs_wr_init(&wr, rsne, sizeof(rsne));
	cs_rsne_build(&wr, CS_WPA_AKM_PSK, 0);
	memcpy(ac.pmk, cl->wlan->pmk, sizeof(ac.pmk));
	memcpy(ac.aa, cl->bssid, 6);
	memcpy(ac.spa, cl->mac, 6);
	ac.own_rsne = rsne;
	ac.own_rsne_len = wr.len;
	ac.sta_rsne = in->ies.rsn_ie;
	ac.sta_rsne_len = in->ies.rsn_ie_len;
	memcpy(ac.gtk, c->gtk[w], sizeof(ac.gtk));
	ac.log = &c->cfg.log;
	cl->c = c;
	cs_wpa_auth_free(cl->wpa);
	cl->wpa = NULL;
	cl->retx_armed = false;
	r = wr.err != 0 ? wr.err : cs_wpa_auth_new(&cl->wpa, &ac, &io);
	cs_wpa_cleanse(&ac, sizeof(ac));
	wcl_set_state(c, cl, CS_WLC_CL_L2AUTH);
	if (r == 0)
		r = cs_wpa_auth_start(cl->wpa, c->now_ms);
	if (r < 0) {
		/* never leave the port open without the handshake */
		struct cs_wpa_event ev = { .kind = CS_WPA_EV_DEAUTH,
			.reason_code = CS_WPA_REASON_UNSPECIFIED,
			.fail = CS_WPA_FAIL_NONE,
			.reason = "authenticator could not start" };

		wcl_wpa_event(cl, &ev);
		ev.kind = CS_WPA_EV_FAILED;
		wcl_wpa_event(cl, &ev);
	}
	wcl_reap(c, cl);
}

void
wcl_assoc(struct cs_wlc_clients *c, void *ap, uint8_t rid,
    const struct cs_dot11_frame *in)
{
	struct wcl_client *cl = wcl_find(c, in->addr2);
	const struct cs_wlc_wlan *wlan = NULL;
	uint8_t elems[128];
	struct cs_dot11_frame f;
	struct cs_wr wr;
	uint16_t status;

	if (cl == NULL || cl->ap == NULL || cl->ap->ap != ap) {
		/* §11.3.3: a Class 2 frame from an unauthenticated station */
		cs_dot11_init_mgmt(&f, CS_DOT11_DEAUTH, NULL, NULL, NULL);
		f.reason = 6;
		wcl_send_mgmt(c, ap, rid, in->addr2, in->addr3, &f);
		c->st.frames_dropped++;
		return;
	}
	if (cl->aid > 0) {
		wcl_release_aid(cl); /* re-association: a fresh AID */
		wcl_set_state(c, cl, CS_WLC_CL_AUTH);
	}
	status = wcl_assoc_check(c, cl, in, &wlan);
	if (status == CS_DOT11_STATUS_SUCCESS && c->cfg.refuse_assoc_status) {
		char mac[18];

		status = c->cfg.refuse_assoc_status;
		c->st.mis_assoc_refused++;
		wcl_mac_str(cl->mac, mac, sizeof(mac));
		cs_logf(&c->cfg.log, CS_LOG_INFO,
		    "client %s: association refused with status %u "
		    "(misbehaviour refuse-assoc)",
		    mac, status);
	}
	cs_dot11_init_mgmt(&f,
	    in->subtype == CS_DOT11_REASSOC_REQ ? CS_DOT11_REASSOC_RESP
	                                        : CS_DOT11_ASSOC_RESP,
	    NULL, NULL, NULL);
	f.capability = CS_DOT11_CAP_ESS | CS_DOT11_CAP_SHORT_ST;
	f.ies.n_rates = in->ies.n_rates;
	memcpy(f.ies.rates, in->ies.rates, in->ies.n_rates);
	if (status == CS_DOT11_STATUS_SUCCESS &&
	    (f.aid = wcl_alloc_aid(cl->ap)) == 0)
		status = CS_DOT11_STATUS_AP_FULL;
	f.status = status;
	wcl_send_mgmt(c, ap, rid, in->addr2, in->addr3, &f);
	if (status != CS_DOT11_STATUS_SUCCESS) {
		if (status == CS_DOT11_STATUS_AP_FULL)
			c->st.assoc_refused_full++;
		else
			c->st.assoc_refused_other++;
		return;
	}
	cl->aid = f.aid;
	cl->wlan = wlan;
	c->st.assocs++;
	wcl_set_state(c, cl, CS_WLC_CL_ASSOC);
	cs_wr_init(&wr, elems, sizeof(elems));
	cs_wlc_put_add_station(&wr, rid, cl->mac, cl->aid, in->capability,
	    wlan->wlan_id, in->ies.rates, in->ies.n_rates);
	if (wr.err == 0)
		wcl_send_control(c, ap, elems, wr.len);
	if (wlan->has_psk)
		wcl_l2auth_start(c, cl, in);
}

void
wcl_leave(struct cs_wlc_clients *c, void *ap, const struct cs_dot11_frame *in)
{
	struct wcl_client *cl = wcl_find(c, in->addr2);

	if (cl == NULL || cl->ap == NULL || cl->ap->ap != ap) {
		c->st.frames_dropped++;
		return;
	}
	if (cl->aid > 0)
		wcl_delete_on_ap(c, cl);
	c->st.deleted++;
	wcl_remove(c, cl);
}
