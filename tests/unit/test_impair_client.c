/* SPDX-License-Identifier: MIT */
/*
 * Impairment rules on client traffic in the CAPWAP data channel: the
 * classifier (802.11 management subtypes, EAPOL-Key messages, DHCP
 * message types, ARP, ICMP echo, the client and its index), the kind
 * words and client selectors of the rule grammar, and rules matching.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/analyze_clients.h"
#include "capsim/cursor.h"
#include "capsim/dhcp.h"
#include "capsim/eapol.h"
#include "capsim/ieee80211.h"
#include "capsim/impair.h"
#include "capsim/inet.h"

static struct cs_verdict vd; /* large: not on the stack */

static const uint8_t bssid[6] = { 0x02, 0xa0, 0, 0, 0, 0x01 };
static const uint8_t cl_base[6] = { 0x02, 0x00, 0x0b, 0, 0, 0x00 };
/* client 5 of the run with base cl_base and step 1 */
static const uint8_t sta5[6] = { 0x02, 0x00, 0x0b, 0, 0, 0x05 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

struct pkt {
	uint8_t b[2048];
	size_t len;
};

/* frame -> CAPWAP data datagram (T bit, WBID 1, radio MAC) */
static void
wrap(struct pkt *p, const struct cs_dot11_frame *f)
{
	uint8_t fr[1800];
	struct cs_wr w;

	cs_wr_init(&w, fr, sizeof(fr));
	assert_int_equal(cs_dot11_encode(f, &w), 0);
	assert_int_equal(w.err, 0);
	{
		struct cs_wr o;

		cs_wr_init(&o, p->b, sizeof(p->b));
		cs_dot11_capwap_wrap(&o, 1, bssid, fr, w.len);
		assert_int_equal(o.err, 0);
		p->len = o.len;
	}
}

static void
mgmt_status(struct pkt *p, uint8_t subtype, bool from_sta, uint16_t status)
{
	struct cs_dot11_frame f;

	cs_dot11_init_mgmt(&f, subtype, from_sta ? bssid : sta5,
	    from_sta ? sta5 : bssid, bssid);
	if (subtype == CS_DOT11_ASSOC_REQ || subtype == CS_DOT11_REASSOC_REQ) {
		f.ies.has_ssid = true;
		f.ies.ssid_len = 4;
		memcpy(f.ies.ssid, "test", 4);
		f.ies.n_rates = 1;
		f.ies.rates[0] = 0x82;
	}
	f.status = status;
	wrap(p, &f);
}

static void
mgmt(struct pkt *p, uint8_t subtype, bool from_sta)
{
	mgmt_status(p, subtype, from_sta, 0);
}

static void
data(struct pkt *p, bool to_ds, uint16_t et, const uint8_t *pl, size_t len)
{
	struct cs_dot11_frame f;

	if (to_ds)
		cs_dot11_init_data(&f, true, bssid, sta5, bcast, et, pl, len);
	else
		cs_dot11_init_data(&f, false, bssid, bssid, sta5, et, pl, len);
	wrap(p, &f);
}

static void
eapol(struct pkt *p, uint16_t info, bool to_ds)
{
	struct cs_eapol_key k;
	uint8_t b[200];
	struct cs_wr w;

	memset(&k, 0, sizeof(k));
	k.version = 2;
	k.descriptor = CS_EAPOL_DESC_RSN;
	k.info = info | 2; /* AES-CCMP, HMAC-SHA1 */
	k.key_len = 16;
	cs_wr_init(&w, b, sizeof(b));
	(void)cs_eapol_key_encode(&k, &w);
	assert_int_equal(w.err, 0);
	data(p, to_ds, CS_ETH_P_EAPOL, b, w.len);
}

static void
dhcp(struct pkt *p, enum cs_dhcp_type t)
{
	struct cs_dhcp_client_params cp;
	struct cs_dhcp_msg m;
	uint8_t b[600], ip[700];
	struct cs_wr w;

	memset(&cp, 0, sizeof(cp));
	cp.type = t;
	cp.xid = 0x1234;
	cp.mac = sta5;
	assert_int_equal(cs_dhcp_build_client(&m, &cp), 0);
	cs_wr_init(&w, b, sizeof(b));
	assert_int_equal(cs_dhcp_encode(&m, &w), 0);
	{
		struct cs_wr o;

		cs_wr_init(&o, ip, sizeof(ip));
		cs_udp4_build(&o, 0, 0xffffffff, CS_DHCP_CLIENT_PORT,
		    CS_DHCP_SERVER_PORT, 1, b, w.len);
		assert_int_equal(o.err, 0);
		data(p, true, CS_ETH_P_IP, ip, o.len);
	}
}

static void
echo(struct pkt *p, uint8_t type, size_t payload)
{
	static uint8_t pl[1500];
	struct cs_icmp_echo e = {
		.type = type, .id = 7, .seq = 1, .data = pl, .data_len = payload
	};
	uint8_t ip[1600];
	struct cs_wr w;

	cs_wr_init(&w, ip, sizeof(ip));
	cs_icmp4_echo_build(&w, 0x0a000064, 0x0a000001, 1, &e);
	assert_int_equal(w.err, 0);
	data(p, type == CS_ICMP_ECHO_REQUEST, CS_ETH_P_IP, ip, w.len);
}

static void
arp(struct pkt *p)
{
	struct cs_arp a = {
		.op = CS_ARP_REQUEST, .spa = 0x0a000064, .tpa = 0x0a000001
	};
	uint8_t b[64];
	struct cs_wr w;

	memcpy(a.sha, sta5, 6);
	cs_wr_init(&w, b, sizeof(b));
	cs_arp_encode(&a, &w);
	assert_int_equal(w.err, 0);
	data(p, true, CS_ETH_P_ARP, b, w.len);
}

static void
meta(struct cs_pkt_meta *m, const struct pkt *p, enum cs_dir dir)
{
	memset(m, 0, sizeof(*m));
	m->dir = dir;
	m->chan = CS_CHAN_DATA;
	m->ap = 0;
	m->pkt = p->b;
	m->len = p->len;
	m->cl_mac_base = cl_base;
	m->cl_mac_step = 1;
	m->cl_count = 16;
}

static uint32_t
kinds_of(const struct pkt *p, enum cs_dir dir, struct cs_pkt_class *c)
{
	struct cs_pkt_meta m;

	meta(&m, p, dir);
	assert_int_equal(cs_impair_classify(&m, c), 0);
	return c->cl_kinds;
}

#define CK(k) CS_CK_BIT(CS_CK_##k)

static void
test_classify_clients(void **state)
{
	static const struct {
		uint8_t subtype;
		bool from_sta;
		uint32_t want;
	} mg[] = {
		{ CS_DOT11_AUTH, true, CK(FRAME) | CK(AUTH) },
		{ CS_DOT11_AUTH, false, CK(FRAME) | CK(AUTH) },
		{ CS_DOT11_ASSOC_REQ, true, CK(FRAME) | CK(ASSOC_REQ) },
		{ CS_DOT11_ASSOC_RESP, false, CK(FRAME) | CK(ASSOC_RESP) },
		{ CS_DOT11_REASSOC_REQ, true, CK(FRAME) | CK(REASSOC_REQ) },
		{ CS_DOT11_REASSOC_RESP, false, CK(FRAME) | CK(REASSOC_RESP) },
		{ CS_DOT11_DEAUTH, false, CK(FRAME) | CK(DEAUTH) },
		{ CS_DOT11_DISASSOC, true, CK(FRAME) | CK(DISASSOC) },
	};
	static const struct {
		uint16_t info;
		bool to_ds;
		uint32_t want;
	} ek[] = {
		{ CS_EAPOL_KI_PAIRWISE | CS_EAPOL_KI_ACK, false, CK(EAPOL_M1) },
		{ CS_EAPOL_KI_PAIRWISE | CS_EAPOL_KI_MIC, true, CK(EAPOL_M2) },
		{ CS_EAPOL_KI_PAIRWISE | CS_EAPOL_KI_ACK | CS_EAPOL_KI_MIC |
		        CS_EAPOL_KI_INSTALL | CS_EAPOL_KI_SECURE,
		    false, CK(EAPOL_M3) },
		{ CS_EAPOL_KI_PAIRWISE | CS_EAPOL_KI_MIC | CS_EAPOL_KI_SECURE,
		    true, CK(EAPOL_M4) },
		{ CS_EAPOL_KI_ACK | CS_EAPOL_KI_MIC | CS_EAPOL_KI_SECURE, false,
		    CK(EAPOL_G1) },
		{ CS_EAPOL_KI_MIC | CS_EAPOL_KI_SECURE, true, CK(EAPOL_G2) },
		{ CS_EAPOL_KI_REQUEST | CS_EAPOL_KI_MIC, true, 0 },
	};
	static const struct {
		enum cs_dhcp_type t;
		uint32_t want;
	} dh[] = {
		{ CS_DHCP_DISCOVER, CK(DHCP_DISCOVER) },
		{ CS_DHCP_REQUEST, CK(DHCP_REQUEST) },
		{ CS_DHCP_RELEASE, CK(DHCP_RELEASE) },
	};
	struct cs_pkt_class c;
	struct pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof(mg) / sizeof(mg[0]); i++) {
		mgmt(&p, mg[i].subtype, mg[i].from_sta);
		assert_int_equal(
		    kinds_of(&p, mg[i].from_sta ? CS_DIR_UP : CS_DIR_DOWN, &c),
		    mg[i].want);
		/* the station, whichever way the frame goes */
		assert_true(c.has_client);
		assert_memory_equal(c.client_mac, sta5, 6);
		assert_int_equal(c.client, 5);
		assert_true(c.kinds & CS_PK_BIT(CS_PK_DATA));
	}
	for (size_t i = 0; i < sizeof(ek) / sizeof(ek[0]); i++) {
		eapol(&p, ek[i].info, ek[i].to_ds);
		assert_int_equal(kinds_of(&p, CS_DIR_UP, &c),
		    CK(FRAME) | CK(EAPOL) | ek[i].want);
		assert_int_equal(c.client, 5);
	}
	for (size_t i = 0; i < sizeof(dh) / sizeof(dh[0]); i++) {
		dhcp(&p, dh[i].t);
		assert_int_equal(kinds_of(&p, CS_DIR_UP, &c),
		    CK(FRAME) | CK(DHCP) | dh[i].want);
	}
	arp(&p);
	assert_int_equal(kinds_of(&p, CS_DIR_UP, &c), CK(FRAME) | CK(ARP));
	echo(&p, CS_ICMP_ECHO_REQUEST, 32);
	assert_int_equal(
	    kinds_of(&p, CS_DIR_UP, &c), CK(FRAME) | CK(ICMP_ECHO_REQ));
	echo(&p, CS_ICMP_ECHO_REPLY, 1400);
	assert_int_equal(
	    kinds_of(&p, CS_DIR_DOWN, &c), CK(FRAME) | CK(ICMP_ECHO_REPLY));
	assert_int_equal(c.client, 5);
}

static void
test_classify_client_edges(void **state)
{
	struct cs_pkt_class c;
	struct cs_pkt_meta m;
	struct pkt p;

	(void)state;
	/* the same bytes on the control channel: no client part */
	mgmt(&p, CS_DOT11_AUTH, true);
	meta(&m, &p, CS_DIR_UP);
	m.chan = CS_CHAN_CONTROL;
	assert_int_equal(cs_impair_classify(&m, &c), 0);
	assert_int_equal(c.cl_kinds, 0);
	assert_false(c.has_client);
	/* a MAC outside the run's clients: known MAC, unknown index */
	meta(&m, &p, CS_DIR_UP);
	m.cl_count = 5; /* indexes 0..4 */
	assert_int_equal(cs_impair_classify(&m, &c), 0);
	assert_true(c.has_client);
	assert_int_equal(c.client, CS_CLIENT_UNKNOWN);
	m.cl_count = 0;
	m.cl_mac_step = 2; /* 5 is not base + 2k */
	assert_int_equal(cs_impair_classify(&m, &c), 0);
	assert_int_equal(c.client, CS_CLIENT_UNKNOWN);
	m.cl_mac_base = NULL;
	assert_int_equal(cs_impair_classify(&m, &c), 0);
	assert_int_equal(c.client, CS_CLIENT_UNKNOWN);
	/* truncated inside the 802.11 header: data, not a client frame */
	for (size_t cut = p.len - 1; cut > 0; cut--) {
		meta(&m, &p, CS_DIR_UP);
		m.len = cut;
		assert_int_equal(cs_impair_classify(&m, &c), 0);
		if (c.cl_kinds != 0)
			assert_true(c.cl_kinds & CK(FRAME));
	}
	/* a truncated DHCP message is still DHCP-less IP: no type bit */
	dhcp(&p, CS_DHCP_DISCOVER);
	meta(&m, &p, CS_DIR_UP);
	m.len -= 200;
	assert_int_equal(cs_impair_classify(&m, &c), 0);
	assert_int_equal(c.cl_kinds & CK(DHCP_DISCOVER), 0);
	assert_true(c.cl_kinds & CK(FRAME));
	/* a keep-alive is no client frame */
	{
		uint8_t ka[] = { 0x00, 0x10, 0x02, 0x00, 0, 0, 0, 0 };

		memset(&m, 0, sizeof(m));
		m.chan = CS_CHAN_DATA;
		m.pkt = ka;
		m.len = sizeof(ka);
		assert_int_equal(cs_impair_classify(&m, &c), 0);
		assert_int_equal(c.cl_kinds, 0);
	}
	assert_string_equal(cs_client_kind_name(CS_CK_EAPOL_M3), "eapol-m3");
	assert_null(cs_client_kind_name(CS_CK__COUNT));
}

/* One rule on one packet: dropped? */
static bool
drops(const char *rule, const struct pkt *p, enum cs_dir dir)
{
	struct cs_impair *imp;
	struct cs_impair_rule r;
	struct cs_pkt_meta m;
	struct cs_err err = { 0 };
	bool out;

	assert_int_equal(cs_impair_rule_parse(rule, &r, &err), 0);
	assert_int_equal(cs_impair_new(&imp, 1), 0);
	assert_int_equal(cs_impair_add(imp, &r, NULL), 0);
	meta(&m, p, dir);
	assert_int_equal(cs_impair_apply(imp, &m, &vd), 0);
	out = vd.kind == CS_VERDICT_DROP;
	cs_impair_free(imp);
	return out;
}

static void
test_rules_on_clients(void **state)
{
	struct pkt auth, m3, m2, disc, big, small, ap_ka;

	(void)state;
	mgmt(&auth, CS_DOT11_AUTH, true);
	eapol(&m3,
	    CS_EAPOL_KI_PAIRWISE | CS_EAPOL_KI_ACK | CS_EAPOL_KI_MIC |
	        CS_EAPOL_KI_INSTALL | CS_EAPOL_KI_SECURE,
	    false);
	eapol(&m2, CS_EAPOL_KI_PAIRWISE | CS_EAPOL_KI_MIC, true);
	dhcp(&disc, CS_DHCP_DISCOVER);
	echo(&big, CS_ICMP_ECHO_REQUEST, 1400);
	echo(&small, CS_ICMP_ECHO_REQUEST, 32);
	mgmt(&ap_ka, CS_DOT11_AUTH, true);
	ap_ka.b[3] = 0x00; /* WBID 0, T clear: not a native 802.11 frame */

	assert_true(drops("kind=eapol-m3 action=drop", &m3, CS_DIR_DOWN));
	assert_false(drops("kind=eapol-m3 action=drop", &m2, CS_DIR_UP));
	assert_true(drops("kind=eapol action=drop", &m2, CS_DIR_UP));
	assert_true(
	    drops("kind=auth,dhcp-discover action=drop", &disc, CS_DIR_UP));
	assert_false(
	    drops("kind=auth,dhcp-offer action=drop", &disc, CS_DIR_UP));
	/* a kind list mixing groups: a CAPWAP message or a client kind */
	assert_true(
	    drops("kind=echo-request,auth action=drop", &auth, CS_DIR_UP));
	assert_false(drops("kind=auth action=drop", &ap_ka, CS_DIR_UP));
	/* client selectors: index 5 and its MAC */
	assert_true(drops("clients=3-6 action=drop", &auth, CS_DIR_UP));
	assert_false(drops("clients=0-4,6 action=drop", &auth, CS_DIR_UP));
	assert_true(drops(
	    "client-mac=02:00:0b:00:00:05 action=drop", &auth, CS_DIR_UP));
	assert_false(drops(
	    "client-mac=02:00:0b:00:00:06 action=drop", &auth, CS_DIR_UP));
	/* large client frames: the size word with a client kind, or mtu */
	assert_true(
	    drops("kind=icmp-echo size>1000 action=drop", &big, CS_DIR_UP));
	assert_false(
	    drops("kind=icmp-echo size>1000 action=drop", &small, CS_DIR_UP));
	assert_true(drops("kind=client action=mtu mtu=1300", &big, CS_DIR_UP));
	assert_false(
	    drops("kind=client action=mtu mtu=1300", &small, CS_DIR_UP));
}

static void
test_parse_client_words(void **state)
{
	struct cs_impair_match m;
	struct cs_impair_rule r;
	struct cs_err err = { 0 };
	const char *why = NULL;

	(void)state;
	memset(&m, 0, sizeof(m));
	assert_int_equal(cs_impair_kind_parse("eapol-m1,eapol-m3", &m), 0);
	assert_int_equal(m.cl_mask, CK(EAPOL_M1) | CK(EAPOL_M3));
	assert_false(m.is_kind_list);
	assert_int_equal(m.kind, CS_PK_ANY);
	assert_int_equal(cs_impair_kind_parse("icmp-echo", &m), 0);
	assert_int_equal(m.cl_mask, CK(ICMP_ECHO_REQ) | CK(ICMP_ECHO_REPLY));
	assert_int_equal(cs_impair_kind_parse("keepalive,arp", &m), 0);
	assert_true(m.is_kind_list);
	assert_int_equal(m.cl_mask, CK(ARP));
	assert_int_equal(m.kind_list, CS_PK_BIT(CS_PK_KEEPALIVE));
	/* a CAPWAP word after client words clears nothing it should not */
	assert_int_equal(cs_impair_kind_parse("join-request", &m), 0);
	assert_int_equal(m.cl_mask, 0);
	assert_int_equal(cs_impair_kind_parse("eapol-m5", &m), -EINVAL);
	assert_int_equal(cs_impair_kind_parse("dhcp-", &m), -EINVAL);

	assert_int_equal(
	    cs_impair_match_set(&m, "clients", '=', "0-9,20", &why), 0);
	assert_int_equal(m.clients.n_ranges, 2);
	assert_int_equal(m.clients.ranges[1].lo, 20);
	assert_int_equal(m.aps.n_ranges, 0);
	assert_int_equal(cs_impair_match_set(&m, "client-mac", '=',
	                     "02:00:0b:00:00:01,02:00:0b:00:00:02", &why),
	    0);
	assert_int_equal(m.clients.n_macs, 2);
	assert_int_equal(m.aps.n_macs, 0);
	/* bad values say why, and leave the match alone */
	assert_int_equal(
	    cs_impair_match_set(&m, "clients", '=', "9-3", &why), -EINVAL);
	assert_non_null(why);
	assert_int_equal(m.clients.n_ranges, 2);
	assert_int_equal(
	    cs_impair_match_set(&m, "client-mac", '=', "02:00", &why), -EINVAL);
	assert_non_null(strstr(why, "MAC addresses"));
	assert_int_equal(
	    cs_impair_rule_parse("kind=eapol-m9 action=drop", &r, &err),
	    -EINVAL);
	assert_non_null(strstr(err.what, "client traffic"));
	assert_int_equal(err.offset, 0);
	assert_int_equal(
	    cs_impair_rule_parse("action=drop clients=x", &r, &err), -EINVAL);
	assert_int_equal(err.offset, 12);
	/* a rule with an unknown client bit is refused by the engine */
	{
		struct cs_impair *imp;

		assert_int_equal(
		    cs_impair_rule_parse("kind=arp action=drop", &r, &err), 0);
		r.match.cl_mask |= 1u << 31;
		assert_int_equal(cs_impair_new(&imp, 1), 0);
		assert_int_equal(cs_impair_add(imp, &r, NULL), -EINVAL);
		cs_impair_free(imp);
	}
}

/* capsim analyze's client phases: a refused association with its status,
 * a 4-way handshake without message 4, DTLS data counted unreadable. */
static void
test_analyze_clients(void **state)
{
	static const uint8_t dtls[] = { 0x01, 0, 0, 0, 23, 0xfe, 0xfd };
	struct cs_an_clients *c;
	const struct cs_an_client *a, *b;
	struct pkt p;

	(void)state;
	assert_int_equal(cs_an_clients_new(&c), 0);
	mgmt(&p, CS_DOT11_AUTH, true);
	assert_int_equal(
	    cs_an_clients_feed(c, 0, CS_DIR_UP, CS_CHAN_DATA, 1000, p.b, p.len),
	    0);
	/* the same on the control channel is no client traffic */
	assert_int_equal(cs_an_clients_feed(
	                     c, 0, CS_DIR_UP, CS_CHAN_CONTROL, 900, p.b, p.len),
	    0);
	mgmt_status(&p, CS_DOT11_ASSOC_RESP, false, 17);
	assert_int_equal(cs_an_clients_feed(
	                     c, 0, CS_DIR_DOWN, CS_CHAN_DATA, 2000, p.b, p.len),
	    0);
	assert_int_equal(cs_an_clients_count(c), 1);
	a = cs_an_clients_get(c, 0);
	assert_memory_equal(a->mac, sta5, 6);
	assert_int_equal(a->t_auth, 1000);
	assert_int_equal(a->t_assoc, 0);
	assert_int_equal(a->assoc_status, 17);
	assert_string_equal(cs_an_client_failed_in(a), "assoc");
	/* accepted on a second try, then the 4-way stops after message 3 */
	mgmt(&p, CS_DOT11_ASSOC_RESP, false);
	assert_int_equal(cs_an_clients_feed(
	                     c, 0, CS_DIR_DOWN, CS_CHAN_DATA, 3000, p.b, p.len),
	    0);
	eapol(&p,
	    CS_EAPOL_KI_PAIRWISE | CS_EAPOL_KI_ACK | CS_EAPOL_KI_MIC |
	        CS_EAPOL_KI_INSTALL | CS_EAPOL_KI_SECURE,
	    false);
	assert_int_equal(cs_an_clients_feed(
	                     c, 0, CS_DIR_DOWN, CS_CHAN_DATA, 4000, p.b, p.len),
	    0);
	b = cs_an_clients_get(c, 0);
	assert_int_equal(b->t_assoc, 3000);
	assert_true(b->has_eapol);
	assert_string_equal(cs_an_client_failed_in(b), "l2auth");
	assert_int_equal(cs_an_clients_feed(c, 0, CS_DIR_UP, CS_CHAN_DATA, 5000,
	                     dtls, sizeof(dtls)),
	    0);
	assert_int_equal(cs_an_clients_protected(c), 1);
	assert_int_equal(cs_an_clients_count(c), 1);
	assert_null(cs_an_clients_get(c, 1));
	assert_int_equal(
	    cs_an_clients_feed(NULL, 0, CS_DIR_UP, CS_CHAN_DATA, 0, p.b, p.len),
	    -EINVAL);
	cs_an_clients_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_clients),
		cmocka_unit_test(test_classify_client_edges),
		cmocka_unit_test(test_rules_on_clients),
		cmocka_unit_test(test_parse_client_words),
		cmocka_unit_test(test_analyze_clients),
	};

	return cmocka_run_group_tests_name("impair_client", tests, NULL, NULL);
}
