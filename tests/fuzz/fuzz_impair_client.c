/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the impairment classifier's reading of client traffic
 * in the CAPWAP data channel (lib/net/impair_client.c).  Input: one
 * data-channel datagram (seeds: 802.11 frames of real client joins).
 * Checks: no crash or out-of-bounds read; the classes are consistent (a
 * message kind implies its family and an 802.11 frame; a client index
 * maps back to the client's MAC); and rules on client kinds and
 * selectors decide as the class says.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/impair.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cs_verdict v;

#define CK(k) CS_CK_BIT(CS_CK_##k)

static const uint8_t base[6] = { 0x02, 0x00, 0x0b, 0x00, 0x00, 0x00 };

static void
check_class(const struct cs_pkt_class *c, uint32_t step)
{
	const uint32_t eapol = CK(EAPOL_M1) | CK(EAPOL_M2) | CK(EAPOL_M3) |
	    CK(EAPOL_M4) | CK(EAPOL_G1) | CK(EAPOL_G2);
	const uint32_t dhcp = CK(DHCP_DISCOVER) | CK(DHCP_OFFER) |
	    CK(DHCP_REQUEST) | CK(DHCP_DECLINE) | CK(DHCP_ACK) | CK(DHCP_NAK) |
	    CK(DHCP_RELEASE) | CK(DHCP_INFORM);
	uint64_t b = 0, m = 0;

	if ((c->cl_kinds & ~CS_CK_VALID_MASK) != 0)
		abort();
	if (c->cl_kinds != 0 && (c->cl_kinds & CK(FRAME)) == 0)
		abort(); /* every client kind is an 802.11 frame */
	if ((c->cl_kinds & eapol) != 0 && (c->cl_kinds & CK(EAPOL)) == 0)
		abort();
	if ((c->cl_kinds & dhcp) != 0 && (c->cl_kinds & CK(DHCP)) == 0)
		abort();
	if (__builtin_popcount(c->cl_kinds & eapol) > 1 ||
	    __builtin_popcount(c->cl_kinds & dhcp) > 1)
		abort(); /* one message is one message */
	if (c->has_client && (c->cl_kinds & CK(FRAME)) == 0)
		abort();
	if (!c->has_client && c->client != CS_CLIENT_UNKNOWN)
		abort();
	if (c->has_client && (c->client_mac[0] & 1) != 0)
		abort(); /* group addresses are no client */
	if (!c->has_client || c->client == CS_CLIENT_UNKNOWN)
		return;
	for (int i = 0; i < 6; i++) {
		b = b << 8 | base[i];
		m = m << 8 | c->client_mac[i];
	}
	if (((b + (uint64_t)c->client * step) & 0xffffffffffffull) != m ||
	    c->client >= 64)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_impair *imp = NULL;
	struct cs_impair_rule r;
	struct cs_pkt_class c;
	struct cs_pkt_meta m;
	bool want;

	if (size > CS_IMPAIR_BUF)
		return 0;
	memset(&m, 0, sizeof(m));
	m.chan = CS_CHAN_DATA;
	m.dir = size % 2 ? CS_DIR_DOWN : CS_DIR_UP;
	m.pkt = data;
	m.len = size;
	m.cl_mac_base = base;
	m.cl_mac_step = size % 3 + 1;
	m.cl_count = 64;
	if (cs_impair_classify(&m, &c) != 0)
		abort();
	check_class(&c, m.cl_mac_step);
	/* the control channel never reads 802.11 */
	m.chan = CS_CHAN_CONTROL;
	{
		struct cs_pkt_class cc;

		if (cs_impair_classify(&m, &cc) != 0 || cc.cl_kinds != 0 ||
		    cc.has_client)
			abort();
	}
	m.chan = CS_CHAN_DATA;
	/* a rule on the 4-way handshake and DHCP of clients 0-31 drops
	 * exactly what the class says it should */
	if (cs_impair_rule_parse("kind=eapol-m1,eapol-m2,eapol-m3,eapol-m4,"
	                         "dhcp-discover,dhcp-offer,arp clients=0-31 "
	                         "action=drop",
	        &r, NULL) != 0 ||
	    cs_impair_new(&imp, 3) != 0 || cs_impair_add(imp, &r, NULL) != 0)
		abort();
	if (cs_impair_apply(imp, &m, &v) != 0)
		abort();
	want = (c.cl_kinds & r.match.cl_mask) != 0 && c.has_client &&
	    c.client < 32;
	if (want != (v.kind == CS_VERDICT_DROP))
		abort();
	if (v.cls.kinds != c.kinds || v.cls.cl_kinds != c.cl_kinds ||
	    v.cls.has_client != c.has_client || v.cls.client != c.client ||
	    memcmp(v.cls.client_mac, c.client_mac, 6) != 0)
		abort(); /* the engine classifies as the classifier */
	cs_impair_free(imp);
	return 0;
}
