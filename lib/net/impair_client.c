/* SPDX-License-Identifier: MIT */
/*
 * The impairment classifier's look inside the clear CAPWAP data channel:
 * which wireless client a native 802.11 frame belongs to and what it
 * carries (management subtype, EAPOL-Key message, DHCP message type, ARP,
 * ICMP echo), for rules on client traffic.  Pure, and a parser of hostile
 * bytes: every read goes through the cursor or a lib/wire / lib/wifi
 * decoder, and a malformed part only stops the reading there.
 */
#include "impair-internal.h"

#include <string.h>

#include "capsim/cursor.h"
#include "capsim/dhcp.h"
#include "capsim/eapol.h"
#include "capsim/ieee80211.h"
#include "capsim/impair.h"
#include "capsim/inet.h"
#include "capsim/ipv4.h"

static const char *const ck_names[] = {
	[CS_CK_FRAME] = "client",
	[CS_CK_AUTH] = "auth",
	[CS_CK_ASSOC_REQ] = "assoc-request",
	[CS_CK_ASSOC_RESP] = "assoc-response",
	[CS_CK_REASSOC_REQ] = "reassoc-request",
	[CS_CK_REASSOC_RESP] = "reassoc-response",
	[CS_CK_DEAUTH] = "deauth",
	[CS_CK_DISASSOC] = "disassoc",
	[CS_CK_EAPOL] = "eapol",
	[CS_CK_EAPOL_M1] = "eapol-m1",
	[CS_CK_EAPOL_M2] = "eapol-m2",
	[CS_CK_EAPOL_M3] = "eapol-m3",
	[CS_CK_EAPOL_M4] = "eapol-m4",
	[CS_CK_EAPOL_G1] = "eapol-g1",
	[CS_CK_EAPOL_G2] = "eapol-g2",
	[CS_CK_DHCP] = "dhcp",
	[CS_CK_DHCP_DISCOVER] = "dhcp-discover",
	[CS_CK_DHCP_OFFER] = "dhcp-offer",
	[CS_CK_DHCP_REQUEST] = "dhcp-request",
	[CS_CK_DHCP_DECLINE] = "dhcp-decline",
	[CS_CK_DHCP_ACK] = "dhcp-ack",
	[CS_CK_DHCP_NAK] = "dhcp-nak",
	[CS_CK_DHCP_RELEASE] = "dhcp-release",
	[CS_CK_DHCP_INFORM] = "dhcp-inform",
	[CS_CK_ARP] = "arp",
	[CS_CK_ICMP_ECHO_REQ] = "icmp-echo-request",
	[CS_CK_ICMP_ECHO_REPLY] = "icmp-echo-reply",
};
_Static_assert(CS_ARRAY_SIZE(ck_names) == CS_CK__COUNT,
    "ck_names[] out of sync with enum cs_client_kind");
_Static_assert(CS_CK__COUNT <= 32, "cl_kinds is a 32-bit set");

const char *
cs_client_kind_name(enum cs_client_kind k)
{
	return (unsigned)k < CS_CK__COUNT ? ck_names[k] : NULL;
}

uint32_t
impair_client_word(const char *w, size_t len)
{
	static const char echo[] = "icmp-echo";

	if (len == sizeof(echo) - 1 && strncmp(w, echo, len) == 0)
		return CS_CK_BIT(CS_CK_ICMP_ECHO_REQ) |
		    CS_CK_BIT(CS_CK_ICMP_ECHO_REPLY);
	for (unsigned i = 0; i < CS_CK__COUNT; i++)
		if (strlen(ck_names[i]) == len &&
		    strncmp(w, ck_names[i], len) == 0)
			return CS_CK_BIT(i);
	return 0;
}

/* Management subtypes a client and its controller exchange (IEEE
 * 802.11-2016 §9.2.4.1.3, table 9-1). */
static uint32_t
ck_mgmt(uint8_t subtype)
{
	switch (subtype) {
	case CS_DOT11_ASSOC_REQ:
		return CS_CK_BIT(CS_CK_ASSOC_REQ);
	case CS_DOT11_ASSOC_RESP:
		return CS_CK_BIT(CS_CK_ASSOC_RESP);
	case CS_DOT11_REASSOC_REQ:
		return CS_CK_BIT(CS_CK_REASSOC_REQ);
	case CS_DOT11_REASSOC_RESP:
		return CS_CK_BIT(CS_CK_REASSOC_RESP);
	case CS_DOT11_DISASSOC:
		return CS_CK_BIT(CS_CK_DISASSOC);
	case CS_DOT11_AUTH:
		return CS_CK_BIT(CS_CK_AUTH);
	case CS_DOT11_DEAUTH:
		return CS_CK_BIT(CS_CK_DEAUTH);
	default:
		return 0;
	}
}

static uint32_t
ck_eapol(const uint8_t *p, size_t len)
{
	static const enum cs_client_kind by_msg[CS_EAPOL_MSG__COUNT] = {
		[CS_EAPOL_MSG_1] = CS_CK_EAPOL_M1,
		[CS_EAPOL_MSG_2] = CS_CK_EAPOL_M2,
		[CS_EAPOL_MSG_3] = CS_CK_EAPOL_M3,
		[CS_EAPOL_MSG_4] = CS_CK_EAPOL_M4,
		[CS_EAPOL_MSG_G1] = CS_CK_EAPOL_G1,
		[CS_EAPOL_MSG_G2] = CS_CK_EAPOL_G2,
	};
	struct cs_eapol_key k;
	enum cs_eapol_msg msg;

	if (cs_eapol_key_decode(&k, p, len, NULL, NULL) < 0)
		return CS_CK_BIT(CS_CK_EAPOL); /* another EAPOL packet */
	msg = cs_eapol_key_msg(&k);
	if ((unsigned)msg >= CS_EAPOL_MSG__COUNT || by_msg[msg] == CS_CK_FRAME)
		return CS_CK_BIT(CS_CK_EAPOL);
	return CS_CK_BIT(CS_CK_EAPOL) | CS_CK_BIT(by_msg[msg]);
}

/* IPv4 in the frame: DHCP by its option 53 (RFC 2132 §9.6), ICMP echo
 * (RFC 792).  A fragment is just IP: its first one carries no whole
 * message to read. */
static uint32_t
ck_ip(const uint8_t *p, size_t len)
{
	struct cs_ip4_hdr h;
	struct cs_icmp_echo e;
	const uint8_t *d;
	size_t dl;
	uint16_t sp, dp;

	if (cs_ip4_parse(p, len, &h, NULL) < 0 || h.mf || h.frag_off != 0)
		return 0;
	if (h.proto == CS_IP_UDP &&
	    cs_udp_hdr_parse(h.src, h.dst, h.payload, h.payload_len, &sp, &dp,
	        &d, &dl, NULL) == 0) {
		struct cs_dhcp_msg m;
		enum cs_dhcp_type t;

		if (!((sp == CS_DHCP_CLIENT_PORT &&
		          dp == CS_DHCP_SERVER_PORT) ||
		        (sp == CS_DHCP_SERVER_PORT &&
		            dp == CS_DHCP_CLIENT_PORT)))
			return 0;
		if (cs_dhcp_decode(&m, d, dl, NULL) < 0 ||
		    cs_dhcp_get_type(&m, &t) < 0 || t < CS_DHCP_DISCOVER ||
		    t > CS_DHCP_INFORM)
			return CS_CK_BIT(CS_CK_DHCP);
		return CS_CK_BIT(CS_CK_DHCP) |
		    CS_CK_BIT(
		        CS_CK_DHCP_DISCOVER + (unsigned)t - CS_DHCP_DISCOVER);
	}
	if (h.proto == CS_IP_ICMP &&
	    cs_icmp_echo_parse(&e, h.payload, h.payload_len, NULL) == 0)
		return CS_CK_BIT(e.type == CS_ICMP_ECHO_REQUEST
		        ? CS_CK_ICMP_ECHO_REQ
		        : CS_CK_ICMP_ECHO_REPLY);
	return 0;
}

/* A data frame's body: QoS Control, then LLC/SNAP (RFC 1042) with the
 * EtherType; a protected body says nothing. */
static uint32_t
ck_data(struct cs_rd *rd, uint8_t subtype, uint8_t flags)
{
	static const uint8_t snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };
	uint8_t llc[6];
	uint16_t et;

	if ((flags & CS_DOT11_FC_PROTECTED) != 0)
		return 0;
	if ((flags & (CS_DOT11_FC_TODS | CS_DOT11_FC_FROMDS)) ==
	        (CS_DOT11_FC_TODS | CS_DOT11_FC_FROMDS) &&
	    cs_rd_skip(rd, 6) < 0) /* addr4, before QoS Control */
		return 0;
	if ((subtype & 0x08) != 0 && cs_rd_skip(rd, 2) < 0) /* QoS */
		return 0;
	if ((subtype & 0x04) != 0) /* Null and CF subtypes: no body */
		return 0;
	if (cs_rd_bytes(rd, llc, sizeof(llc)) < 0 ||
	    memcmp(llc, snap, sizeof(snap)) != 0 || cs_rd_u16(rd, &et) < 0)
		return 0;
	switch (et) {
	case CS_ETH_P_EAPOL:
		return ck_eapol(rd->p, rd->left);
	case CS_ETH_P_ARP:
		return CS_CK_BIT(CS_CK_ARP);
	case CS_ETH_P_IP:
		return ck_ip(rd->p, rd->left);
	default:
		return 0;
	}
}

/* base + i * step (48 bits) == mac for some i < count (count 0: any). */
static unsigned
ck_index(const struct cs_pkt_meta *m, const uint8_t mac[6])
{
	uint64_t b = 0, v = 0, step = m->cl_mac_step ? m->cl_mac_step : 1;

	if (m->cl_mac_base == NULL)
		return CS_CLIENT_UNKNOWN;
	for (int i = 0; i < 6; i++) {
		b = b << 8 | m->cl_mac_base[i];
		v = v << 8 | mac[i];
	}
	v = (v - b) & 0xffffffffffffull;
	if (v % step != 0 || v / step >= CS_CLIENT_UNKNOWN ||
	    (m->cl_count > 0 && v / step >= m->cl_count))
		return CS_CLIENT_UNKNOWN;
	return (unsigned)(v / step);
}

void
impair_classify_client(const struct cs_pkt_meta *m, struct cs_pkt_class *c)
{
	const uint8_t *frame, *sta = NULL;
	uint8_t a1[6], a2[6], a3[6], fc0, flags, type, subtype, rid;
	size_t flen;
	struct cs_rd rd;

	if (m->chan != CS_CHAN_DATA || c->is_dtls ||
	    cs_dot11_capwap_unwrap(m->pkt, m->len, &rid, &frame, &flen, NULL) <
	        0)
		return;
	/* IEEE 802.11-2016 §9.3.3.2 / §9.3.2.1: Frame Control, Duration,
	 * addr1..addr3, Sequence Control */
	cs_rd_init(&rd, frame, flen);
	if (cs_rd_u8(&rd, &fc0) < 0 || cs_rd_u8(&rd, &flags) < 0 ||
	    cs_rd_skip(&rd, 2) < 0 || cs_rd_bytes(&rd, a1, 6) < 0 ||
	    cs_rd_bytes(&rd, a2, 6) < 0 || cs_rd_bytes(&rd, a3, 6) < 0 ||
	    cs_rd_skip(&rd, 2) < 0 || (fc0 & 0x03) != 0)
		return; /* too short for a header, or protocol version != 0 */
	type = (fc0 >> 2) & 0x03;
	subtype = fc0 >> 4;
	if (type == CS_DOT11_MGMT) {
		c->cl_kinds |= CS_CK_BIT(CS_CK_FRAME) | ck_mgmt(subtype);
		/* from the station: addr2 is not the BSSID (addr3) */
		sta = memcmp(a2, a3, 6) != 0 ? a2 : a1;
	} else if (type == CS_DOT11_DATA) {
		c->cl_kinds |= CS_CK_BIT(CS_CK_FRAME);
		if ((flags & (CS_DOT11_FC_TODS | CS_DOT11_FC_FROMDS)) ==
		    CS_DOT11_FC_TODS)
			sta = a2;
		else if ((flags & (CS_DOT11_FC_TODS | CS_DOT11_FC_FROMDS)) ==
		    CS_DOT11_FC_FROMDS)
			sta = a1;
		c->cl_kinds |= ck_data(&rd, subtype, flags);
	} else {
		return; /* control frames do not travel in CAPWAP data */
	}
	if (sta != NULL && (sta[0] & 0x01) == 0) {
		c->has_client = true;
		memcpy(c->client_mac, sta, 6);
		c->client = ck_index(m, sta);
	}
}
