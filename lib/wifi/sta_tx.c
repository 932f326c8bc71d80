/* SPDX-License-Identifier: MIT */
/*
 * The frames a station sends: open-system Authentication, Association
 * Request with the IEs of an 802.11g/n client, Disassociation and
 * Deauthentication, and RFC 1042 data frames to the DS carrying DHCP,
 * ARP and ICMP echo.
 */
#include <stdio.h>
#include <string.h>

#include "capsim/cursor.h"
#include "capsim/dhcp.h"
#include "capsim/ieee80211.h"
#include "capsim/inet.h"
#include "wifi/station-internal.h"

const uint8_t sta_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* Rates of an 802.11g/n client: 1, 2, 5.5, 11 (basic) then OFDM. */
static const uint8_t sta_rates[] = { 0x82, 0x84, 0x8b, 0x96, 0x0c, 0x12, 0x18,
	0x24, 0x30, 0x48, 0x60, 0x6c };

/* HT Capabilities of a 1x1 2.4 GHz 802.11n client (§9.4.2.55): SGI 20,
 * greenfield off, A-MPDU 64 KiB / 8 us, MCS 0-7. */
static const uint8_t sta_ht[CS_DOT11_HT_LEN] = { 0x2c, 0x01, 0x17, 0xff };

static int
sta_send_frame(struct cs_sta *sta, struct cs_dot11_frame *f, bool retry)
{
	uint8_t buf[STA_FRAME_MAX];
	struct cs_wr wr;
	int r;

	if (!retry)
		sta->seq = (sta->seq + 1) & 0x0fff;
	f->seq = sta->seq;
	if (retry)
		f->flags |= CS_DOT11_FC_RETRY;
	cs_wr_init(&wr, buf, sizeof(buf));
	if ((r = cs_dot11_encode(f, &wr)) < 0)
		return r;
	return sta->io.send(sta->io.ctx, buf, wr.len);
}

int
sta_send_data(struct cs_sta *sta, const uint8_t *da, uint16_t ethertype,
    const uint8_t *payload, size_t len)
{
	struct cs_dot11_frame f;

	cs_dot11_init_data(&f, /* to_ds= */ true, sta->cfg.bssid, sta->cfg.mac,
	    da, ethertype, payload, len);
	return sta_send_frame(sta, &f, false);
}

void
sta_send_auth(struct cs_sta *sta, bool retry)
{
	struct cs_dot11_frame f;

	cs_dot11_init_mgmt(
	    &f, CS_DOT11_AUTH, sta->cfg.bssid, sta->cfg.mac, sta->cfg.bssid);
	f.auth_alg = CS_DOT11_AUTH_OPEN;
	f.auth_seq = 1;
	(void)sta_send_frame(sta, &f, retry);
}

static void
sta_build_rsn(struct cs_sta *sta, struct cs_dot11_ies *ies)
{
	struct cs_dot11_rsn *rsn = &ies->rsn;
	uint8_t buf[64];
	struct cs_dot11_frame f;
	struct cs_wr wr;

	ies->has_rsn = true;
	rsn->version = 1;
	rsn->group = CS_DOT11_SUITE_CCMP;
	rsn->n_pairwise = 1;
	rsn->pairwise[0] = CS_DOT11_SUITE_CCMP;
	rsn->n_akm = 1;
	rsn->akm[0] = CS_DOT11_SUITE_PSK;
	rsn->has_caps = true;
	/* keep the IE bytes for the 4-way handshake's message 2 */
	cs_dot11_init_mgmt(&f, CS_DOT11_DISASSOC, NULL, NULL, NULL);
	f.ies.has_rsn = true;
	f.ies.rsn = *rsn;
	cs_wr_init(&wr, buf, sizeof(buf));
	if (cs_dot11_encode(&f, &wr) == 0 &&
	    wr.len - 26 <= sizeof(sta->rsn_ie)) {
		sta->rsn_ie_len = wr.len - 26; /* header 24 + reason 2 */
		memcpy(sta->rsn_ie, buf + 26, sta->rsn_ie_len);
	}
}

void
sta_send_assoc(struct cs_sta *sta, bool retry)
{
	struct cs_dot11_frame f;
	size_t n = strlen(sta->cfg.ssid);

	cs_dot11_init_mgmt(&f, CS_DOT11_ASSOC_REQ, sta->cfg.bssid, sta->cfg.mac,
	    sta->cfg.bssid);
	f.capability =
	    CS_DOT11_CAP_ESS | CS_DOT11_CAP_SHORT_PR | CS_DOT11_CAP_SHORT_ST;
	f.listen_interval = 10;
	f.ies.has_ssid = true;
	f.ies.ssid_len = (uint8_t)n;
	memcpy(f.ies.ssid, sta->cfg.ssid, n);
	f.ies.n_rates = sizeof(sta_rates);
	memcpy(f.ies.rates, sta_rates, sizeof(sta_rates));
	if (sta->cfg.security == CS_STA_WPA2_PSK) {
		f.capability |= CS_DOT11_CAP_PRIVACY;
		sta_build_rsn(sta, &f.ies);
	}
	if (sta->cfg.has_ht) {
		f.ies.has_ht = true;
		memcpy(f.ies.ht, sta_ht, sizeof(sta_ht));
	}
	(void)sta_send_frame(sta, &f, retry);
}

void
sta_send_mgmt_code(struct cs_sta *sta, uint8_t subtype, uint16_t reason)
{
	struct cs_dot11_frame f;

	cs_dot11_init_mgmt(
	    &f, subtype, sta->cfg.bssid, sta->cfg.mac, sta->cfg.bssid);
	f.reason = reason;
	(void)sta_send_frame(sta, &f, false);
}

/* RFC 2131 §4.4.1 table 5 (DISCOVER, REQUEST in SELECTING and
 * RENEWING) and §4.4.6 (RELEASE). */
void
sta_send_dhcp(struct cs_sta *sta, int type)
{
	static const uint8_t prl[] = { 1, 3, 6, 15, 51, 58, 59 };
	uint8_t cid[7], dbuf[600], pbuf[STA_FRAME_MAX];
	struct cs_dhcp_client_params p = { 0 };
	bool unicast = sta->renewing || type == CS_DHCP_RELEASE;
	struct cs_dhcp_msg m;
	struct cs_wr dw, pw;

	cid[0] = 1; /* RFC 2132 §9.14: hardware type, then address */
	memcpy(cid + 1, sta->cfg.mac, 6);
	p.type = type;
	p.xid = sta->xid;
	p.mac = sta->cfg.mac;
	p.secs = (uint16_t)((sta->t_phase - sta->t_start) / 1000);
	p.client_id = cid;
	p.client_id_len = sizeof(cid);
	if (type != CS_DHCP_RELEASE) {
		p.prl = prl;
		p.prl_len = sizeof(prl);
	}
	if (unicast) {
		p.ciaddr = sta->info.ip;
		if (type == CS_DHCP_RELEASE)
			p.server_id = sta->info.server_id;
	} else if (type == CS_DHCP_REQUEST) {
		p.requested_ip = sta->offered_ip;
		p.server_id = sta->info.server_id;
	}
	if (cs_dhcp_build_client(&m, &p) < 0)
		return;
	cs_wr_init(&dw, dbuf, sizeof(dbuf));
	if (cs_dhcp_encode(&m, &dw) < 0)
		return;
	cs_wr_init(&pw, pbuf, sizeof(pbuf));
	cs_udp4_build(&pw, unicast ? sta->info.ip : 0,
	    unicast ? sta->info.server_id : STA_BCAST_IP, CS_DHCP_CLIENT_PORT,
	    CS_DHCP_SERVER_PORT, sta->ip_id++, dbuf, dw.len);
	if (pw.err == 0)
		(void)sta_send_data(sta,
		    unicast ? sta->info.gateway_mac : sta_bcast, CS_ETH_P_IP,
		    pbuf, pw.len);
}

void
sta_send_arp(struct cs_sta *sta, uint16_t op, const uint8_t *da,
    const uint8_t *tha, uint32_t tpa)
{
	struct cs_arp a = { .op = op, .spa = sta->info.ip, .tpa = tpa };
	uint8_t buf[CS_ARP_LEN];
	struct cs_wr wr;

	memcpy(a.sha, sta->cfg.mac, 6);
	if (tha != NULL)
		memcpy(a.tha, tha, 6);
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_arp_encode(&a, &wr);
	if (wr.err == 0)
		(void)sta_send_data(sta, da, CS_ETH_P_ARP, buf, wr.len);
}

void
sta_send_echo(struct cs_sta *sta, uint8_t type, const uint8_t *da, uint32_t dst,
    uint16_t id, uint16_t seq, const uint8_t *data, size_t len)
{
	struct cs_icmp_echo e = { .type = type,
		.id = id,
		.seq = seq,
		.data = data,
		.data_len = len };
	uint8_t buf[STA_FRAME_MAX];
	struct cs_wr wr;

	cs_wr_init(&wr, buf, sizeof(buf));
	cs_icmp4_echo_build(&wr, sta->info.ip, dst, sta->ip_id++, &e);
	if (wr.err == 0)
		(void)sta_send_data(sta, da, CS_ETH_P_IP, buf, wr.len);
}

void
sta_send_gw_echo(struct cs_sta *sta)
{
	static const uint8_t data[32] = "capsim station data-path check";
	static const uint8_t zero[1500 - 28];
	size_t n = sizeof(data);

	sta->echo_seq++;
	if (sta->is_large_echo) {
		/* IPv4 20 + ICMP echo header 8 + data (RFC 792) */
		n = sta->cfg.large_echo_bytes - 28u;
		sta->info.large_echo_sent++;
		sta->info.large_echo_bytes = sta->cfg.large_echo_bytes;
	} else {
		sta->info.small_echo_sent++;
	}
	sta_send_echo(sta, CS_ICMP_ECHO_REQUEST, sta->info.gateway_mac,
	    sta->info.gateway, sta->echo_id, sta->echo_seq,
	    sta->is_large_echo ? zero : data, n);
}
