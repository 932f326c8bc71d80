/* SPDX-License-Identifier: MIT */
/*
 * The split-MAC controller's client side (capsim/wlc_clients.h): what a
 * WLC does with the 802.11 frames its APs tunnel to it, and with the DHCP
 * it relays for their clients.  Kept beside the session FSM (ctl_fsm.c),
 * which only carries the requests this module asks for.
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

#define WCL_BUCKETS   4096 /* client hash buckets (power of 2) */
#define WCL_AP_BKTS   1024 /* AP hash buckets (power of 2) */
#define WCL_MAX_AID   2007 /* IEEE 802.11-2020 §9.4.1.8 */
#define WCL_FRAME_MAX 1600
#define WCL_MAX_HOPS  16 /* RFC 1542 §4.1.1: discard above */

static const char *const wcl_state_names[] = {
	[CS_WLC_CL_AUTH] = "Authenticated",
	[CS_WLC_CL_ASSOC] = "Associated",
	[CS_WLC_CL_L2AUTH] = "L2-Auth",
	[CS_WLC_CL_IP_LEARN] = "IP-Learn",
	[CS_WLC_CL_RUN] = "Run",
};
_Static_assert(CS_ARRAY_SIZE(wcl_state_names) == CS_WLC_CL__COUNT,
    "wcl_state_names[] out of sync with enum cs_wlc_cl_state");

struct wcl_ap {
	void *ap;
	uint32_t n_clients;
	uint8_t aid_used[(WCL_MAX_AID + 8) / 8];
	struct wcl_ap *next;
};

struct wcl_client {
	uint8_t mac[6];
	uint8_t bssid[6];
	uint8_t rid;
	uint16_t aid;
	enum cs_wlc_cl_state state;
	const struct cs_wlc_wlan *wlan; /* NULL until associated */
	struct wcl_ap *ap;
	uint32_t ip;
	struct wcl_client *next;
	/* WPA2-PSK: the authenticator, its one timer, and a removal asked
	 * for from inside its callbacks (done once it returns) */
	struct cs_wlc_clients *c;
	struct cs_wpa_auth *wpa;
	bool retx_armed, dead;
	uint64_t retx_due_ms;
	uint32_t m3_dropped; /* misbehaviour drop_eapol_m3 */
	/* for the diagnosis (struct cs_wlc_client_end) */
	uint32_t m2_received, m2_mic_failed, dhcp_relayed;
	enum cs_wpa_fail l2_fail;
};

struct cs_wlc_clients {
	struct cs_wlc_clients_cfg cfg;
	struct cs_wlc_clients_io io;
	struct wcl_client *bkt[WCL_BUCKETS];
	struct wcl_ap *ap_bkt[WCL_AP_BKTS];
	uint32_t n_clients;
	uint16_t seq;
	struct cs_wlc_clients_stats st;
	uint64_t now_ms; /* of the input being served */
	uint8_t gtk[CS_WLC_MAX_WLANS][CS_WPA_GTK_LEN]; /* per PSK WLAN */
};

const char *
cs_wlc_cl_state_name(enum cs_wlc_cl_state s)
{
	return (unsigned)s < CS_WLC_CL__COUNT ? wcl_state_names[s] : NULL;
}

static unsigned
wcl_hash_mac(const uint8_t *m)
{
	return ((unsigned)m[3] << 16 ^ (unsigned)m[4] << 8 ^ m[5] ^
	           (unsigned)m[2] << 4) &
	    (WCL_BUCKETS - 1);
}

static unsigned
wcl_hash_ap(const void *ap)
{
	uintptr_t v = (uintptr_t)ap;

	return (unsigned)((v >> 4) ^ (v >> 14)) & (WCL_AP_BKTS - 1);
}

static struct wcl_client *
wcl_find(const struct cs_wlc_clients *c, const uint8_t *mac)
{
	struct wcl_client *cl = c->bkt[wcl_hash_mac(mac)];

	while (cl != NULL && memcmp(cl->mac, mac, 6) != 0)
		cl = cl->next;
	return cl;
}

static struct wcl_ap *
wcl_ap_get(struct cs_wlc_clients *c, void *ap, bool create)
{
	unsigned h = wcl_hash_ap(ap);
	struct wcl_ap *a = c->ap_bkt[h];

	while (a != NULL && a->ap != ap)
		a = a->next;
	if (a != NULL || !create)
		return a;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->ap = ap;
	a->next = c->ap_bkt[h];
	c->ap_bkt[h] = a;
	return a;
}

static void
wcl_set_state(
    struct cs_wlc_clients *c, struct wcl_client *cl, enum cs_wlc_cl_state to)
{
	c->st.per_state[cl->state]--;
	c->st.per_state[to]++;
	cl->state = to;
}

static void
wcl_release_aid(struct wcl_client *cl)
{
	if (cl->ap != NULL && cl->aid > 0) {
		cl->ap->aid_used[cl->aid / 8] &=
		    (uint8_t) ~(1u << (cl->aid % 8));
		cl->ap->n_clients--;
	}
	cl->aid = 0;
}

static void
wcl_remove(struct cs_wlc_clients *c, struct wcl_client *cl)
{
	struct wcl_client **pp = &c->bkt[wcl_hash_mac(cl->mac)];

	while (*pp != cl)
		pp = &(*pp)->next;
	*pp = cl->next;
	if (c->io.client_end != NULL) {
		struct cs_wlc_client_end e = { .ap = cl->ap ? cl->ap->ap : NULL,
			.state = cl->state,
			.l2_fail = cl->l2_fail,
			.m2_received = cl->m2_received,
			.m2_mic_failed = cl->m2_mic_failed,
			.dhcp_relayed = cl->dhcp_relayed };

		memcpy(e.mac, cl->mac, 6);
		c->io.client_end(c->io.ctx, &e);
	}
	wcl_release_aid(cl);
	c->st.per_state[cl->state]--;
	c->n_clients--;
	cs_wpa_auth_free(cl->wpa);
	free(cl);
}

/* ---- element builders ---------------------------------------------- */

void
cs_wlc_put_add_wlan(
    struct cs_wr *wr, uint8_t rid, const struct cs_wlc_wlan *wlan)
{
	size_t n = strnlen(wlan->ssid, sizeof(wlan->ssid));
	size_t at;

	if (n == 0 || n > CS_DOT11_SSID_MAX) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	/* RFC 5416 §6.1: Radio ID, WLAN ID, Capability, Key Index, Key
	 * Status, Key Length 0 (open), Group TSC, QoS (best effort), Auth
	 * Type 0 (open system), MAC Mode 1 (split), Tunnel Mode 2 (802.11
	 * tunnel), Suppress SSID 0, SSID */
	cs_wr_u16(wr, CS_EL_80211_ADD_WLAN);
	at = cs_wr_mark16(wr);
	cs_wr_u8(wr, rid);
	cs_wr_u8(wr, wlan->wlan_id);
	cs_wr_u16(wr, CS_DOT11_CAP_ESS | CS_DOT11_CAP_SHORT_ST);
	cs_wr_u8(wr, 0);
	cs_wr_u8(wr, 0);
	cs_wr_u16(wr, 0);
	cs_wr_zero(wr, 6);
	cs_wr_u8(wr, 0);
	cs_wr_u8(wr, 0);
	cs_wr_u8(wr, 1);
	cs_wr_u8(wr, 2);
	cs_wr_u8(wr, 0);
	cs_wr_bytes(wr, wlan->ssid, n);
	cs_wr_patch16(wr, at);
}

void
cs_wlc_put_add_station(struct cs_wr *wr, uint8_t rid, const uint8_t mac[6],
    uint16_t aid, uint16_t capability, uint8_t wlan_id, const uint8_t *rates,
    size_t n_rates)
{
	size_t at;

	/* RFC 5415 §4.6.8: Radio ID, Length, MAC Address (no VLAN name) */
	cs_wr_u16(wr, CS_EL_ADD_STATION);
	cs_wr_u16(wr, 8);
	cs_wr_u8(wr, rid);
	cs_wr_u8(wr, 6);
	cs_wr_bytes(wr, mac, 6);
	/* RFC 5416 §6.13: Radio ID, Association ID, Flags, MAC Address,
	 * Capabilities, WLAN ID, Supported Rates */
	cs_wr_u16(wr, CS_EL_80211_STATION);
	at = cs_wr_mark16(wr);
	cs_wr_u8(wr, rid);
	cs_wr_u16(wr, aid);
	cs_wr_u8(wr, 0);
	cs_wr_bytes(wr, mac, 6);
	cs_wr_u16(wr, capability);
	cs_wr_u8(wr, wlan_id);
	if (n_rates == 0)
		cs_wr_fail(wr, -EINVAL); /* the element needs one rate */
	cs_wr_bytes(wr, rates, n_rates);
	cs_wr_patch16(wr, at);
}

void
cs_wlc_put_delete_station(struct cs_wr *wr, uint8_t rid, const uint8_t mac[6])
{
	/* RFC 5415 §4.6.20: Radio ID, Length, MAC Address */
	cs_wr_u16(wr, CS_EL_DELETE_STATION);
	cs_wr_u16(wr, 8);
	cs_wr_u8(wr, rid);
	cs_wr_u8(wr, 6);
	cs_wr_bytes(wr, mac, 6);
}

/* ---- sending --------------------------------------------------------- */

static void
wcl_send(struct cs_wlc_clients *c, const struct wcl_client *cl, void *ap,
    uint8_t rid, struct cs_dot11_frame *f)
{
	uint8_t buf[WCL_FRAME_MAX];
	struct cs_wr wr;

	(void)cl;
	c->seq = (c->seq + 1) & 0x0fff;
	f->seq = c->seq;
	cs_wr_init(&wr, buf, sizeof(buf));
	if (cs_dot11_encode(f, &wr) == 0)
		(void)c->io.send_frame(c->io.ctx, ap, rid, buf, wr.len);
}

static void
wcl_send_mgmt(struct cs_wlc_clients *c, void *ap, uint8_t rid,
    const uint8_t *sta, const uint8_t *bssid, struct cs_dot11_frame *f)
{
	memcpy(f->addr1, sta, 6);
	memcpy(f->addr2, bssid, 6);
	memcpy(f->addr3, bssid, 6);
	wcl_send(c, NULL, ap, rid, f);
}

/* A From-DS data frame from the gateway to the client. */
static void
wcl_send_data(struct cs_wlc_clients *c, const struct wcl_client *cl,
    uint16_t ethertype, const uint8_t *payload, size_t len)
{
	struct cs_dot11_frame f;

	cs_dot11_init_data(&f, /* to_ds= */ false, cl->bssid,
	    cl->wlan->gateway_mac, cl->mac, ethertype, payload, len);
	wcl_send(c, cl, cl->ap->ap, cl->rid, &f);
}

static void
wcl_send_control(
    struct cs_wlc_clients *c, void *ap, const uint8_t *elems, size_t len)
{
	(void)c->io.send_control(
	    c->io.ctx, ap, CS_MSG_STATION_CONFIG_REQ, elems, len);
}

static void
wcl_delete_on_ap(struct cs_wlc_clients *c, const struct wcl_client *cl)
{
	uint8_t elems[16];
	struct cs_wr wr;

	cs_wr_init(&wr, elems, sizeof(elems));
	cs_wlc_put_delete_station(&wr, cl->rid, cl->mac);
	if (wr.err == 0)
		wcl_send_control(c, cl->ap->ap, elems, wr.len);
}

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

static void
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

static void
wcl_reap(struct cs_wlc_clients *c, struct wcl_client *cl)
{
	if (cl->dead) {
		c->st.deleted++;
		wcl_remove(c, cl);
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

static void
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

static void
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

/* ---- data frames ------------------------------------------------------ */

static void
wcl_arp(struct cs_wlc_clients *c, struct wcl_client *cl,
    const struct cs_dot11_frame *in)
{
	struct cs_arp a, r;
	uint8_t buf[CS_ARP_LEN];
	struct cs_wr wr;

	if (cs_arp_decode(&a, in->payload, in->payload_len, NULL) < 0) {
		c->st.frames_dropped++;
		return;
	}
	/* only the gateway is ours to answer; announcements need nothing */
	if (a.op != CS_ARP_REQUEST || a.tpa != cl->wlan->gateway ||
	    a.spa == a.tpa)
		return;
	r.op = CS_ARP_REPLY;
	memcpy(r.sha, cl->wlan->gateway_mac, 6);
	r.spa = cl->wlan->gateway;
	memcpy(r.tha, a.sha, 6);
	r.tpa = a.spa;
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_arp_encode(&r, &wr);
	c->st.arp_answered++;
	wcl_send_data(c, cl, CS_ETH_P_ARP, buf, wr.len);
}

/* RFC 1542 §4.1.1 / RFC 2131 §4.1: the relay agent fills giaddr (when
 * zero) and counts the hop, then forwards to the server. */
static void
wcl_dhcp_relay(struct cs_wlc_clients *c, struct wcl_client *cl,
    const uint8_t *p, size_t len)
{
	uint8_t out[1500];
	struct cs_dhcp_msg m;
	struct cs_wr wr;

	if (cs_dhcp_decode(&m, p, len, NULL) < 0 ||
	    m.op != CS_DHCP_BOOTREQUEST || m.hops >= WCL_MAX_HOPS ||
	    memcmp(m.chaddr, cl->mac, 6) != 0) {
		c->st.frames_dropped++;
		return;
	}
	if (c->cfg.no_dhcp_relay) {
		/* misbehaviour: the controller takes the client's DHCP and
		 * nothing comes of it (no DHCPOFFER) */
		c->st.mis_dhcp_dropped++;
		if (cl->state == CS_WLC_CL_ASSOC)
			wcl_set_state(c, cl, CS_WLC_CL_IP_LEARN);
		cs_logf(&c->cfg.log, CS_LOG_DEBUG,
		    "DHCP from a client not relayed (misbehaviour "
		    "no-dhcp-offer)");
		return;
	}
	if (c->cfg.dhcp_server == 0 || c->io.relay == NULL) {
		c->st.frames_dropped++;
		cs_logf(&c->cfg.log, CS_LOG_DEBUG,
		    "DHCP from a client dropped: no DHCP server configured");
		return;
	}
	if (m.giaddr == 0)
		m.giaddr = cl->wlan->gateway;
	m.hops++;
	cs_wr_init(&wr, out, sizeof(out));
	if (cs_dhcp_encode(&m, &wr) < 0)
		return;
	if (cl->state == CS_WLC_CL_ASSOC)
		wcl_set_state(c, cl, CS_WLC_CL_IP_LEARN);
	c->st.dhcp_relayed++;
	cl->dhcp_relayed++;
	(void)c->io.relay(c->io.ctx, c->cfg.dhcp_server, m.giaddr, out, wr.len);
}

static void
wcl_ip(struct cs_wlc_clients *c, struct wcl_client *cl,
    const struct cs_dot11_frame *in)
{
	uint8_t out[WCL_FRAME_MAX];
	struct cs_icmp_echo e;
	struct cs_ip4_hdr h;
	const uint8_t *d;
	struct cs_wr wr;
	uint16_t sp, dp;
	size_t dl;

	if (cs_ip4_parse(in->payload, in->payload_len, &h, NULL) < 0 || h.mf ||
	    h.frag_off != 0) {
		c->st.frames_dropped++;
		return;
	}
	if (h.proto == CS_IP_UDP &&
	    cs_udp_hdr_parse(h.src, h.dst, h.payload, h.payload_len, &sp, &dp,
	        &d, &dl, NULL) == 0 &&
	    sp == CS_DHCP_CLIENT_PORT && dp == CS_DHCP_SERVER_PORT) {
		wcl_dhcp_relay(c, cl, d, dl);
		return;
	}
	if (h.proto != CS_IP_ICMP || h.dst != cl->wlan->gateway ||
	    cs_icmp_echo_parse(&e, h.payload, h.payload_len, NULL) < 0 ||
	    e.type != CS_ICMP_ECHO_REQUEST) {
		/* no routing beyond the gateway in the mock */
		c->st.frames_dropped++;
		return;
	}
	e.type = CS_ICMP_ECHO_REPLY;
	cs_wr_init(&wr, out, sizeof(out));
	cs_icmp4_echo_build(&wr, cl->wlan->gateway, h.src, h.id, &e);
	if (wr.err != 0)
		return;
	c->st.echo_answered++;
	wcl_send_data(c, cl, CS_ETH_P_IP, out, wr.len);
}

static void
wcl_data(struct cs_wlc_clients *c, void *ap, uint8_t rid,
    const struct cs_dot11_frame *in)
{
	struct wcl_client *cl = wcl_find(c, in->addr2);
	struct cs_dot11_frame f;

	if ((in->flags & (CS_DOT11_FC_TODS | CS_DOT11_FC_FROMDS)) !=
	        CS_DOT11_FC_TODS ||
	    (in->flags & CS_DOT11_FC_PROTECTED)) {
		c->st.frames_dropped++;
		return;
	}
	if (cl == NULL || cl->aid == 0 || cl->ap == NULL || cl->ap->ap != ap) {
		/* §11.3.3: Class 3 frame from a non-associated station */
		cs_dot11_init_mgmt(&f, CS_DOT11_DEAUTH, NULL, NULL, NULL);
		f.reason = 7;
		wcl_send_mgmt(c, ap, rid, in->addr2, in->addr1, &f);
		c->st.frames_dropped++;
		return;
	}
	if (in->ethertype == CS_ETH_P_EAPOL) {
		if (cl->wpa == NULL) {
			c->st.frames_dropped++;
			return;
		}
		{
			struct cs_eapol_key k;

			if (cs_eapol_key_decode(&k, in->payload,
			        in->payload_len, NULL, NULL) == 0 &&
			    cs_eapol_key_msg(&k) == CS_EAPOL_MSG_2)
				cl->m2_received++;
		}
		(void)cs_wpa_auth_input(
		    cl->wpa, in->payload, in->payload_len, c->now_ms, NULL);
		/* the authenticator counts per handshake; keep the most */
		if (cs_wpa_auth_mic_failures(cl->wpa) > cl->m2_mic_failed)
			cl->m2_mic_failed = cs_wpa_auth_mic_failures(cl->wpa);
		wcl_reap(c, cl);
		return;
	}
	if (cl->state == CS_WLC_CL_L2AUTH) {
		/* 802.1X controlled port closed until the 4-way is done */
		c->st.frames_dropped++;
		return;
	}
	switch (in->ethertype) {
	case CS_ETH_P_ARP:
		wcl_arp(c, cl, in);
		break;
	case CS_ETH_P_IP:
		wcl_ip(c, cl, in);
		break;
	default:
		c->st.frames_dropped++;
		break;
	}
}

/* ---- public ------------------------------------------------------------ */

int
cs_wlc_clients_input(struct cs_wlc_clients *c, void *ap, uint8_t rid,
    const uint8_t *frame, size_t len, uint64_t now_ms)
{
	struct cs_err err = { 0 };
	struct cs_dot11_frame f;

	if (c == NULL || frame == NULL)
		return -EINVAL;
	c->now_ms = now_ms;
	if (cs_dot11_decode(&f, frame, len, &err) < 0) {
		c->st.frames_dropped++;
		cs_logf(&c->cfg.log, CS_LOG_DEBUG,
		    "802.11 frame from an AP dropped: %s at offset %zu",
		    err.what ? err.what : "?", err.offset);
		return 0;
	}
	if (f.type == CS_DOT11_DATA) {
		wcl_data(c, ap, rid, &f);
		return 0;
	}
	switch (f.subtype) {
	case CS_DOT11_AUTH:
		wcl_auth(c, ap, rid, &f);
		break;
	case CS_DOT11_ASSOC_REQ:
	case CS_DOT11_REASSOC_REQ:
		wcl_assoc(c, ap, rid, &f);
		break;
	case CS_DOT11_DISASSOC:
	case CS_DOT11_DEAUTH:
		wcl_leave(c, ap, &f);
		break;
	default:
		c->st.frames_dropped++;
		break;
	}
	return 0;
}

int
cs_wlc_clients_dhcp_reply(struct cs_wlc_clients *c, const uint8_t *dhcp,
    size_t len, uint64_t now_ms, struct cs_err *err)
{
	uint8_t out[WCL_FRAME_MAX];
	enum cs_dhcp_type type = 0;
	struct wcl_client *cl;
	struct cs_dhcp_msg m;
	struct cs_wr wr;
	uint32_t dst;
	int r;

	(void)now_ms;
	if (c == NULL || dhcp == NULL)
		return -EINVAL;
	if ((r = cs_dhcp_decode(&m, dhcp, len, err)) < 0)
		return r;
	if (m.op != CS_DHCP_BOOTREPLY || cs_dhcp_get_type(&m, &type) < 0)
		return cs_err_set(
		    err, -EBADMSG, "not a BOOTREPLY with a message type", 0);
	c->st.dhcp_replies++;
	if ((cl = wcl_find(c, m.chaddr)) == NULL || cl->wlan == NULL ||
	    cl->wlan->gateway != m.giaddr)
		return -ENOENT;
	/* RFC 2131 §4.1: broadcast when the client asked or for a NAK */
	dst = (m.flags & CS_DHCP_FLAG_BROADCAST) || type == CS_DHCP_NAK
	    ? 0xffffffffu
	    : m.yiaddr;
	if (type == CS_DHCP_ACK && m.yiaddr != 0) {
		cl->ip = m.yiaddr;
		c->st.acks++;
		if (cl->state != CS_WLC_CL_RUN)
			wcl_set_state(c, cl, CS_WLC_CL_RUN);
	}
	cs_wr_init(&wr, out, sizeof(out));
	cs_udp4_build(&wr, cl->wlan->gateway, dst, CS_DHCP_SERVER_PORT,
	    CS_DHCP_CLIENT_PORT, (uint16_t)c->seq, dhcp, len);
	if (wr.err != 0)
		return wr.err;
	wcl_send_data(c, cl, CS_ETH_P_IP, out, wr.len);
	return 0;
}

int
cs_wlc_clients_ap_run(struct cs_wlc_clients *c, void *ap, uint8_t n_radios)
{
	uint8_t elems[128];
	struct cs_wr wr;
	int n = 0;

	if (c == NULL || n_radios == 0 || n_radios > 31)
		return -EINVAL;
	if (wcl_ap_get(c, ap, true) == NULL)
		return -ENOMEM;
	for (uint8_t rid = 1; rid <= n_radios; rid++)
		for (unsigned i = 0; i < c->cfg.n_wlans; i++) {
			cs_wr_init(&wr, elems, sizeof(elems));
			cs_wlc_put_add_wlan(&wr, rid, &c->cfg.wlans[i]);
			if (wr.err != 0)
				return wr.err;
			if (c->io.send_control(c->io.ctx, ap,
			        CS_MSG_WLAN_CONFIG_REQ, elems, wr.len) == 0)
				n++;
		}
	return n;
}

unsigned
cs_wlc_clients_tick(struct cs_wlc_clients *c, uint64_t now_ms)
{
	unsigned fired = 0;

	if (c == NULL || c->st.per_state[CS_WLC_CL_L2AUTH] == 0)
		return 0;
	c->now_ms = now_ms;
	for (unsigned b = 0; b < WCL_BUCKETS; b++) {
		struct wcl_client *cl = c->bkt[b], *next;

		for (; cl != NULL; cl = next) {
			next = cl->next;
			if (!cl->retx_armed || cl->retx_due_ms > now_ms)
				continue;
			cl->retx_armed = false;
			fired++;
			cs_wpa_auth_timer(cl->wpa, CS_WPA_T_RETX, now_ms);
			wcl_reap(c, cl);
		}
	}
	return fired;
}

void
cs_wlc_clients_ap_gone(struct cs_wlc_clients *c, void *ap)
{
	struct wcl_ap **pp, *a;

	if (c == NULL)
		return;
	for (unsigned b = 0; b < WCL_BUCKETS; b++) {
		struct wcl_client *cl = c->bkt[b], *next;

		for (; cl != NULL; cl = next) {
			next = cl->next;
			if (cl->ap != NULL && cl->ap->ap == ap)
				wcl_remove(c, cl);
		}
	}
	pp = &c->ap_bkt[wcl_hash_ap(ap)];
	while ((a = *pp) != NULL && a->ap != ap)
		pp = &a->next;
	if (a != NULL) {
		*pp = a->next;
		free(a);
	}
}

void
cs_wlc_clients_ctl_resp(struct cs_wlc_clients *c, void *ap, uint32_t code)
{
	(void)ap;
	if (c == NULL || code == 0)
		return;
	c->st.ctl_failed++;
	cs_logf(&c->cfg.log, CS_LOG_WARN,
	    "Station Configuration Response result code %u: %s", code,
	    cs_result_code_name(code));
}

int
cs_wlc_clients_new(struct cs_wlc_clients **ret,
    const struct cs_wlc_clients_cfg *cfg, const struct cs_wlc_clients_io *io)
{
	struct cs_wlc_clients *c;

	if (ret == NULL || cfg == NULL || io == NULL ||
	    io->send_frame == NULL || io->send_control == NULL ||
	    cfg->n_wlans == 0 || cfg->n_wlans > CS_WLC_MAX_WLANS)
		return -EINVAL;
	for (unsigned i = 0; i < cfg->n_wlans; i++) {
		size_t n = strnlen(cfg->wlans[i].ssid, 33);

		if (cfg->wlans[i].wlan_id < 1 || cfg->wlans[i].wlan_id > 16 ||
		    n == 0 || n > CS_DOT11_SSID_MAX ||
		    (cfg->wlans[i].has_psk && io->rand_bytes == NULL))
			return -EINVAL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -ENOMEM;
	c->cfg = *cfg;
	c->io = *io;
	for (unsigned i = 0; i < cfg->n_wlans; i++)
		if (cfg->wlans[i].has_psk &&
		    io->rand_bytes(io->ctx, c->gtk[i], CS_WPA_GTK_LEN) < 0) {
			free(c);
			return -EIO;
		}
	*ret = c;
	return 0;
}

void
cs_wlc_clients_free(struct cs_wlc_clients *c)
{
	if (c == NULL)
		return;
	for (unsigned b = 0; b < WCL_BUCKETS; b++)
		while (c->bkt[b] != NULL) {
			struct wcl_client *cl = c->bkt[b];

			c->bkt[b] = cl->next;
			cs_wpa_auth_free(cl->wpa);
			free(cl);
		}
	for (unsigned b = 0; b < WCL_AP_BKTS; b++)
		while (c->ap_bkt[b] != NULL) {
			struct wcl_ap *a = c->ap_bkt[b];

			c->ap_bkt[b] = a->next;
			free(a);
		}
	cs_wpa_cleanse(c->gtk, sizeof(c->gtk));
	cs_wpa_cleanse(c->cfg.wlans, sizeof(c->cfg.wlans));
	free(c);
}

void
cs_wlc_clients_stats(
    const struct cs_wlc_clients *c, struct cs_wlc_clients_stats *out)
{
	if (c != NULL && out != NULL)
		*out = c->st;
}

static uint64_t
wcl_other_failures(const struct cs_wlc_clients_stats *s)
{
	uint64_t n = 0;

	for (int f = 0; f < CS_WPA_FAIL__COUNT; f++)
		if (f != CS_WPA_FAIL_WRONG_PSK)
			n += s->l2auth_failed[f];
	return n;
}

void
cs_wlc_clients_log_stats(const struct cs_wlc_clients *c)
{
	const struct cs_wlc_clients_stats *s;

	if (c == NULL)
		return;
	s = &c->st;
	cs_logf(&c->cfg.log, CS_LOG_INFO,
	    "clients: %llu Run, %llu IP-Learn, %llu L2-Auth, %llu Associated, "
	    "%llu Authenticated; %llu associations, %llu refused (full %llu), "
	    "L2 auth %llu done / %llu wrong-psk / %llu other failures, %llu "
	    "deleted, DHCP %llu relayed / %llu acked, ARP %llu, echo %llu "
	    "answered, %llu frames dropped",
	    (unsigned long long)s->per_state[CS_WLC_CL_RUN],
	    (unsigned long long)s->per_state[CS_WLC_CL_IP_LEARN],
	    (unsigned long long)s->per_state[CS_WLC_CL_L2AUTH],
	    (unsigned long long)s->per_state[CS_WLC_CL_ASSOC],
	    (unsigned long long)s->per_state[CS_WLC_CL_AUTH],
	    (unsigned long long)s->assocs,
	    (unsigned long long)(s->assoc_refused_full +
	        s->assoc_refused_other),
	    (unsigned long long)s->assoc_refused_full,
	    (unsigned long long)s->l2auth_done,
	    (unsigned long long)s->l2auth_failed[CS_WPA_FAIL_WRONG_PSK],
	    (unsigned long long)wcl_other_failures(s),
	    (unsigned long long)s->deleted, (unsigned long long)s->dhcp_relayed,
	    (unsigned long long)s->acks, (unsigned long long)s->arp_answered,
	    (unsigned long long)s->echo_answered,
	    (unsigned long long)s->frames_dropped);
	if (c->cfg.refuse_assoc_status != 0 || c->cfg.drop_eapol_m3 > 0 ||
	    c->cfg.no_dhcp_relay)
		cs_logf(&c->cfg.log, CS_LOG_INFO,
		    "clients: misbehaviours: %llu associations refused with "
		    "status %u, %llu EAPOL-Key messages 3 not sent, %llu DHCP "
		    "messages not relayed",
		    (unsigned long long)s->mis_assoc_refused,
		    c->cfg.refuse_assoc_status,
		    (unsigned long long)s->mis_m3_dropped,
		    (unsigned long long)s->mis_dhcp_dropped);
}
