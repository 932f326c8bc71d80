/* SPDX-License-Identifier: MIT */
/*
 * The split-MAC controller's client side (capsim/wlc_clients.h): what a
 * WLC does with the 802.11 frames its APs tunnel to it, and with the DHCP
 * it relays for their clients.  Kept beside the session FSM (ctl_fsm.c),
 * which only carries the requests this module asks for.  This file holds the
 * client and AP tables, the element builders, sending and the public calls;
 * a frame from an AP enters in wlc_clients_input.c, the management frames
 * are in wlc_clients_assoc.c, the data frames in wlc_clients_data.c.
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

static const char *const wcl_state_names[] = {
	[CS_WLC_CL_AUTH] = "Authenticated",
	[CS_WLC_CL_ASSOC] = "Associated",
	[CS_WLC_CL_L2AUTH] = "L2-Auth",
	[CS_WLC_CL_IP_LEARN] = "IP-Learn",
	[CS_WLC_CL_RUN] = "Run",
};
_Static_assert(CS_ARRAY_SIZE(wcl_state_names) == CS_WLC_CL__COUNT,
    "wcl_state_names[] out of sync with enum cs_wlc_cl_state");

const char *
cs_wlc_cl_state_name(enum cs_wlc_cl_state s)
{
	return (unsigned)s < CS_WLC_CL__COUNT ? wcl_state_names[s] : NULL;
}

unsigned
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

struct wcl_client *
wcl_find(const struct cs_wlc_clients *c, const uint8_t *mac)
{
	struct wcl_client *cl = c->bkt[wcl_hash_mac(mac)];

	while (cl != NULL && memcmp(cl->mac, mac, 6) != 0)
		cl = cl->next;
	return cl;
}

struct wcl_ap *
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

void
wcl_set_state(
    struct cs_wlc_clients *c, struct wcl_client *cl, enum cs_wlc_cl_state to)
{
	c->st.per_state[cl->state]--;
	c->st.per_state[to]++;
	cl->state = to;
}

void
wcl_release_aid(struct wcl_client *cl)
{
	if (cl->ap != NULL && cl->aid > 0) {
		cl->ap->aid_used[cl->aid / 8] &=
		    (uint8_t) ~(1u << (cl->aid % 8));
		cl->ap->n_clients--;
	}
	cl->aid = 0;
}

void
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

void
wcl_reap(struct cs_wlc_clients *c, struct wcl_client *cl)
{
	if (cl->dead) {
		c->st.deleted++;
		wcl_remove(c, cl);
	}
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

void
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

void
wcl_send_mgmt(struct cs_wlc_clients *c, void *ap, uint8_t rid,
    const uint8_t *sta, const uint8_t *bssid, struct cs_dot11_frame *f)
{
	memcpy(f->addr1, sta, 6);
	memcpy(f->addr2, bssid, 6);
	memcpy(f->addr3, bssid, 6);
	wcl_send(c, NULL, ap, rid, f);
}

/* A From-DS data frame from the gateway to the client. */
void
wcl_send_data(struct cs_wlc_clients *c, const struct wcl_client *cl,
    uint16_t ethertype, const uint8_t *payload, size_t len)
{
	struct cs_dot11_frame f;

	cs_dot11_init_data(&f, /* to_ds= */ false, cl->bssid,
	    cl->wlan->gateway_mac, cl->mac, ethertype, payload, len);
	wcl_send(c, cl, cl->ap->ap, cl->rid, &f);
}

void
wcl_send_control(
    struct cs_wlc_clients *c, void *ap, const uint8_t *elems, size_t len)
{
	(void)c->io.send_control(
	    c->io.ctx, ap, CS_MSG_STATION_CONFIG_REQ, elems, len);
}

void
wcl_delete_on_ap(struct cs_wlc_clients *c, const struct wcl_client *cl)
{
	uint8_t elems[16];
	struct cs_wr wr;

	cs_wr_init(&wr, elems, sizeof(elems));
	cs_wlc_put_delete_station(&wr, cl->rid, cl->mac);
	if (wr.err == 0)
		wcl_send_control(c, cl->ap->ap, elems, wr.len);
}

/* ---- public ------------------------------------------------------------ */

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
