/* SPDX-License-Identifier: MIT */
/*
 * The split-MAC controller's client side: the data frames its APs tunnel
 * to it: ARP, the DHCP it relays, IP.
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

void
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
