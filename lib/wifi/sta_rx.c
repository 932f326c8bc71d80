/* SPDX-License-Identifier: MIT */
/*
 * Frames addressed to a station, turned into FSM events: the AP's
 * management answers, DHCP replies, ARP (the gateway's reply, requests
 * for the station's own address, answered here) and ICMP echo (the
 * gateway's reply, requests to the station, answered here).
 */
#include <string.h>

#include "capsim/dhcp.h"
#include "capsim/ieee80211.h"
#include "capsim/inet.h"
#include "capsim/ipv4.h"
#include "wifi/station-internal.h"

static bool
sta_has_ip(const struct cs_sta *sta)
{
	return sta->state == CS_STA_ARP || sta->state == CS_STA_PING ||
	    sta->state == CS_STA_RUN;
}

static void
sta_in_arp(struct cs_sta *sta, const struct cs_dot11_frame *f, uint64_t now)
{
	struct sta_in in = { 0 };
	struct cs_arp a;

	if (cs_arp_decode(&a, f->payload, f->payload_len, NULL) < 0 ||
	    !sta_has_ip(sta)) {
		sta->info.dropped++;
		return;
	}
	if (a.op == CS_ARP_REQUEST && a.tpa == sta->info.ip &&
	    a.spa != sta->info.ip) {
		sta->info.arp_answered++;
		sta_send_arp(sta, CS_ARP_REPLY, a.sha, a.sha, a.spa);
		return;
	}
	if (a.op == CS_ARP_REPLY && a.spa == sta->info.gateway &&
	    a.tpa == sta->info.ip) {
		in.gw_mac = a.sha;
		sta_fsm(sta, SEV_GW_ARP, &in, now);
		return;
	}
	sta->info.dropped++;
}

static void
sta_in_dhcp_msg(struct cs_sta *sta, const uint8_t *p, size_t len, uint64_t now)
{
	struct sta_in in = { 0 };
	enum cs_dhcp_type type;
	struct cs_dhcp_msg m;

	if (cs_dhcp_decode(&m, p, len, NULL) < 0 || m.op != CS_DHCP_BOOTREPLY ||
	    m.xid != sta->xid || memcmp(m.chaddr, sta->cfg.mac, 6) != 0 ||
	    cs_dhcp_get_type(&m, &type) < 0) {
		sta->info.dropped++;
		return;
	}
	in.dhcp = &m;
	if (type == CS_DHCP_OFFER)
		sta_fsm(sta, SEV_OFFER, &in, now);
	else if (type == CS_DHCP_ACK)
		sta_fsm(sta, SEV_ACK, &in, now);
	else if (type == CS_DHCP_NAK)
		sta_fsm(sta, SEV_NAK, &in, now);
	else
		sta->info.dropped++;
}

static void
sta_in_ip(struct cs_sta *sta, const struct cs_dot11_frame *f, uint64_t now)
{
	const uint8_t *data;
	struct cs_icmp_echo e;
	struct cs_ip4_hdr h;
	uint16_t sp, dp;
	size_t dlen;

	if (cs_ip4_parse(f->payload, f->payload_len, &h, NULL) < 0 || h.mf ||
	    h.frag_off != 0) {
		sta->info.dropped++;
		return;
	}
	if (h.proto == CS_IP_UDP &&
	    cs_udp_hdr_parse(h.src, h.dst, h.payload, h.payload_len, &sp, &dp,
	        &data, &dlen, NULL) == 0 &&
	    sp == CS_DHCP_SERVER_PORT && dp == CS_DHCP_CLIENT_PORT) {
		sta_in_dhcp_msg(sta, data, dlen, now);
		return;
	}
	if (h.proto != CS_IP_ICMP || !sta_has_ip(sta) ||
	    h.dst != sta->info.ip ||
	    cs_icmp_echo_parse(&e, h.payload, h.payload_len, NULL) < 0) {
		sta->info.dropped++;
		return;
	}
	if (e.type == CS_ICMP_ECHO_REQUEST) {
		sta->info.echo_answered++;
		sta_send_echo(sta, CS_ICMP_ECHO_REPLY, cs_dot11_data_sa(f),
		    h.src, e.id, e.seq, e.data, e.data_len);
		return;
	}
	if (h.src == sta->info.gateway && e.id == sta->echo_id &&
	    e.seq == sta->echo_seq) {
		struct sta_in in = { 0 };

		if (sta->state == CS_STA_PING && sta->is_large_echo)
			sta->info.large_echo_answered++;
		else if (sta->state == CS_STA_PING)
			sta->info.small_echo_answered++;

		sta_fsm(sta, SEV_ECHO_REPLY, &in, now);
		return;
	}
	sta->info.dropped++;
}

void
sta_in_data(struct cs_sta *sta, const struct cs_dot11_frame *f, uint64_t now)
{
	/* from the DS (the controller behind the AP), unencrypted: the
	 * keys, once the L2 module installs them, are its business */
	if ((f->flags & (CS_DOT11_FC_TODS | CS_DOT11_FC_FROMDS)) !=
	        CS_DOT11_FC_FROMDS ||
	    (f->flags & CS_DOT11_FC_PROTECTED) ||
	    memcmp(f->addr2, sta->cfg.bssid, 6) != 0) {
		sta->info.dropped++;
		return;
	}
	switch (f->ethertype) {
	case CS_ETH_P_EAPOL:
		if (sta->state == CS_STA_L2AUTH && sta->io.l2auth_input != NULL)
			sta->io.l2auth_input(
			    sta->io.ctx, f->payload, f->payload_len);
		else
			sta->info.dropped++;
		break;
	case CS_ETH_P_ARP:
		sta_in_arp(sta, f, now);
		break;
	case CS_ETH_P_IP:
		sta_in_ip(sta, f, now);
		break;
	default:
		sta->info.dropped++;
		break;
	}
}

void
sta_in_mgmt(struct cs_sta *sta, const struct cs_dot11_frame *f, uint64_t now)
{
	struct sta_in in = { 0 };

	if (memcmp(f->addr2, sta->cfg.bssid, 6) != 0 ||
	    memcmp(f->addr1, sta->cfg.mac, 6) != 0) {
		sta->info.dropped++;
		return;
	}
	switch (f->subtype) {
	case CS_DOT11_AUTH:
		if (f->auth_alg != CS_DOT11_AUTH_OPEN || f->auth_seq != 2) {
			sta->info.dropped++;
			return;
		}
		in.code = f->status;
		sta_fsm(sta, SEV_AUTH_RESP, &in, now);
		break;
	case CS_DOT11_ASSOC_RESP:
	case CS_DOT11_REASSOC_RESP:
		in.code = f->status;
		if (f->status == CS_DOT11_STATUS_SUCCESS)
			sta->info.aid = f->aid;
		sta_fsm(sta, SEV_ASSOC_RESP, &in, now);
		break;
	case CS_DOT11_DEAUTH:
	case CS_DOT11_DISASSOC:
		in.code = f->reason;
		sta_fsm(sta,
		    f->subtype == CS_DOT11_DEAUTH ? SEV_DEAUTH : SEV_DISASSOC,
		    &in, now);
		break;
	default:
		sta->info.dropped++;
		break;
	}
}
