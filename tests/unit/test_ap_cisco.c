/* SPDX-License-Identifier: MIT */
/*
 * The AP's Cisco mode (capwap-facts §3-§4) end to end without sockets: a
 * real cs_ap with a shipped profile and a real cs_wlc in Cisco mode, wired
 * back to back in memory (DTLS replaced by handing the plaintext across),
 * on a virtual clock.  Checks the Cisco encodings of every message the AP
 * sends, that every shipped profile joins the Cisco-mode WLC (and the
 * plain WLC), that an RFC-only AP is refused with its reason, and that the
 * AP adopts the controller's software version.  With CS_PCAP_OUT set it
 * writes the c2700 exchange as plain CAPWAP/UDP in a pcapng (and the
 * message types to $CS_PCAP_OUT.expect) for tests/integration/
 * cisco_tshark.sh.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "ap/ap-internal.h"
#include "capsim/ap.h"
#include "capsim/ap_station.h"
#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "capsim/pcapng.h"
#include "capsim/profile.h"
#include "capsim/wlc.h"
#include "capsim/wlc_clients.h"
#include "testutil.h"

#define AP_IP   0x7f470001u /* 127.71.0.1 */
#define AP_PORT 40000
#define WLC_IP  0x7f000047u /* 127.0.0.71 */

struct pkt {
	bool to_wlc;
	bool secure;
	bool is_close; /* the WLC closed the DTLS session after this point */
	enum cs_chan ch;
	uint16_t len;
	uint8_t b[CS_CAPWAP_MAX_MSG];
};

struct pair {
	struct cs_ap *ap;
	struct cs_wlc *w;
	struct cs_wlc_sess *sess;
	uint64_t now;
	uint64_t ap_t[CS_AP_T__COUNT]; /* 0 = idle, else deadline + 1 */
	uint64_t wlc_t[CS_WLC_T__COUNT];
	struct pkt q[16];
	unsigned qh, qn;
	bool ap_failed;
	char ap_fail[256];
	char wlc_log[4096];
	unsigned n_info;
	char infos[4][256];
	/* capture */
	struct cs_wr cap;
	uint8_t *capbuf;
	uint16_t ip_id;
	uint32_t types[64];
	unsigned n_types;
};

static void
pair_tap(struct pair *p, const struct pkt *k)
{
	struct cs_udp4_endpoints ep = { AP_IP, WLC_IP, AP_PORT,
		CS_CAPWAP_CONTROL_PORT };
	struct cs_rd rd;
	struct cs_capwap_hdr h;
	struct cs_msg m;

	if (p->capbuf == NULL || k->ch != CS_CHAN_CONTROL)
		return;
	if (!k->to_wlc)
		ep = (struct cs_udp4_endpoints){ WLC_IP, AP_IP,
			CS_CAPWAP_CONTROL_PORT, AP_PORT };
	cs_rd_init(&rd, k->b, k->len);
	if (cs_capwap_hdr_decode(&rd, &h, NULL) < 0 ||
	    cs_msg_decode(&m, k->b, k->len, CS_MSG_F_CISCO, NULL) < 0)
		return;
	cs_pcapng_put_epb_udp4(&p->cap, 0, 1700000000000000ull + p->now * 1000,
	    &ep, &p->ip_id, k->b, k->len);
	if (p->n_types < CS_ARRAY_SIZE(p->types))
		p->types[p->n_types++] = m.ctl.type;
}

static void
pair_push(struct pair *p, bool to_wlc, bool secure, enum cs_chan ch,
    const uint8_t *b, size_t len)
{
	struct pkt *k;

	assert_true(p->qn < CS_ARRAY_SIZE(p->q));
	assert_true(len <= sizeof(k->b));
	k = &p->q[(p->qh + p->qn++) % CS_ARRAY_SIZE(p->q)];
	if (len == 0) {
		k->len = 0;
		k->to_wlc = to_wlc;
		return;
	}
	k->to_wlc = to_wlc;
	k->secure = secure;
	k->is_close = false;
	k->ch = ch;
	k->len = (uint16_t)len;
	memcpy(k->b, b, len);
	pair_tap(p, k);
}

/* ---- AP io ---- */
static int
ap_send_clear(void *ctx, enum cs_chan ch, uint32_t dst, uint16_t port,
    const uint8_t *b, size_t len, const struct cs_pkt_hint *h)
{
	(void)dst, (void)port, (void)h;
	pair_push(ctx, true, false, ch, b, len);
	return 0;
}

static int
ap_send_secure(
    void *ctx, const uint8_t *b, size_t len, const struct cs_pkt_hint *h)
{
	(void)h;
	pair_push(ctx, true, true, CS_CHAN_CONTROL, b, len);
	return 0;
}

static int
ap_dtls_start(void *ctx, uint32_t ip, uint16_t port)
{
	struct pair *p = ctx;
	struct cs_dtls_outcome ok = { .ok = true };

	(void)ip, (void)port;
	assert_int_equal(
	    cs_wlc_sess_open(p->w, &p->sess, AP_IP, AP_PORT, NULL, p->now), 0);
	cs_ap_dtls_done(p->ap, &ok, p->now);
	return 0;
}

static void
ap_dtls_stop(void *ctx, bool graceful)
{
	struct pair *p = ctx;

	(void)graceful;
	if (p->sess != NULL) {
		cs_wlc_sess_closed(p->sess);
		p->sess = NULL;
		memset(p->wlc_t, 0, sizeof(p->wlc_t));
	}
}

static void
ap_timer_arm(void *ctx, enum cs_ap_timer t, uint64_t ms)
{
	struct pair *p = ctx;

	p->ap_t[t] = p->now + ms + 1;
}

static void
ap_timer_cancel(void *ctx, enum cs_ap_timer t)
{
	((struct pair *)ctx)->ap_t[t] = 0;
}

/* Issue 14: the WLC's clients (wlc.clients) and the AP's Add WLAN hook. */
static const struct cs_wlc_clients_cfg *pair_clients;
static int pair_wlan_rc;      /* what the AP's hook answers */
static unsigned pair_n_wlans; /* Add WLANs the hook was given */
static char pair_ssid[33];

static int
ap_wlan_config(void *ctx, const uint8_t *val, size_t len)
{
	struct cs_add_wlan w;

	(void)ctx;
	assert_int_equal(cs_add_wlan_parse(val, len, &w, NULL), 0);
	pair_n_wlans++;
	snprintf(pair_ssid, sizeof(pair_ssid), "%s", w.ssid);
	assert_int_equal(w.mac_mode, 1); /* split MAC */
	return pair_wlan_rc;
}

static void
ap_event(void *ctx, const struct cs_ap_event *ev)
{
	struct pair *p = ctx;

	if (ev->kind == CS_AP_EV_FAILURE && !p->ap_failed) {
		p->ap_failed = true;
		snprintf(p->ap_fail, sizeof(p->ap_fail), "%s",
		    ev->reason != NULL ? ev->reason : "");
	}
	if (ev->kind == CS_AP_EV_INFO && ev->reason != NULL &&
	    p->n_info < CS_ARRAY_SIZE(p->infos))
		snprintf(p->infos[p->n_info++], sizeof(p->infos[0]), "%s",
		    ev->reason);
}

static uint32_t
pair_rand(void *ctx, uint32_t bound)
{
	(void)ctx;
	return bound > 1 ? 1 : 0;
}

/* ---- WLC io ---- */
static int
wlc_send_clear(void *ctx, enum cs_chan ch, uint32_t dst, uint16_t port,
    const uint8_t *b, size_t len, const struct cs_pkt_hint *h)
{
	(void)dst, (void)port, (void)h;
	pair_push(ctx, false, false, ch, b, len);
	return 0;
}

static int
wlc_send_secure(void *ctx, struct cs_wlc_sess *s, const uint8_t *b, size_t len,
    const struct cs_pkt_hint *h)
{
	(void)s, (void)h;
	pair_push(ctx, false, true, CS_CHAN_CONTROL, b, len);
	return 0;
}

static void
wlc_sess_close(void *ctx, struct cs_wlc_sess *s, bool graceful)
{
	struct pair *p = ctx;

	(void)graceful;
	if (p->sess == s) {
		p->sess = NULL;
		memset(p->wlc_t, 0, sizeof(p->wlc_t));
	}
	cs_wlc_sess_closed(s);
	/* the close reaches the AP after what was sent before it */
	pair_push(p, false, true, CS_CHAN_CONTROL, NULL, 0);
	p->q[(p->qh + p->qn - 1) % CS_ARRAY_SIZE(p->q)].is_close = true;
}

static void
wlc_timer_arm(
    void *ctx, struct cs_wlc_sess *s, enum cs_wlc_timer t, uint64_t ms)
{
	struct pair *p = ctx;

	(void)s;
	p->wlc_t[t] = p->now + ms + 1;
}

static void
wlc_timer_cancel(void *ctx, struct cs_wlc_sess *s, enum cs_wlc_timer t)
{
	(void)s;
	((struct pair *)ctx)->wlc_t[t] = 0;
}

static void
wlc_log(void *ctx, int level, const char *msg)
{
	struct pair *p = ctx;
	size_t n = strlen(p->wlc_log);

	(void)level;
	snprintf(p->wlc_log + n, sizeof(p->wlc_log) - n, "%s\n", msg);
}

static void
pair_init(struct pair *p, const struct cs_profile *prof, bool cisco_wlc,
    const char *wlc_sw, bool capture)
{
	struct cs_ap_cfg ac;
	struct cs_wlc_cfg wc;
	struct cs_ap_io aio = { .send_clear = ap_send_clear,
		.send_secure = ap_send_secure,
		.dtls_start = ap_dtls_start,
		.dtls_stop = ap_dtls_stop,
		.timer_arm = ap_timer_arm,
		.timer_cancel = ap_timer_cancel,
		.event = ap_event,
		.rand = pair_rand,
		.wlan_config = ap_wlan_config,
		.ctx = p };
	struct cs_wlc_io wio = { .send_clear = wlc_send_clear,
		.send_secure = wlc_send_secure,
		.sess_close = wlc_sess_close,
		.timer_arm = wlc_timer_arm,
		.timer_cancel = wlc_timer_cancel,
		.rand = pair_rand,
		.ctx = p };

	memset(p, 0, sizeof(*p));
	if (capture) {
		p->capbuf = malloc(1 << 20);
		assert_non_null(p->capbuf);
		cs_wr_init(&p->cap, p->capbuf, 1 << 20);
		cs_pcapng_put_shb(&p->cap, "capsim test_ap_cisco");
		cs_pcapng_put_idb(&p->cap, CS_LINKTYPE_IPV4, "lo");
	}
	cs_wlc_cfg_defaults(&wc);
	wc.ac_name = "wlc-9800";
	wc.sw_version = wlc_sw;
	wc.hw_version = "1.0.0.0";
	wc.listen_ip = WLC_IP;
	wc.cisco = cisco_wlc;
	wc.time_base_s = 1700000000u;
	wc.clients = pair_clients;
	wc.log = (struct cs_log){
		.fn = wlc_log, .ctx = p, .max_level = CS_LOG_DEBUG
	};
	assert_int_equal(cs_wlc_new(&p->w, &wc, &wio), 0);

	assert_int_equal(cs_ap_cfg_defaults(&ac), 0);
	ac.name = "AP-cisco-1";
	ac.ip = AP_IP;
	ac.target_count = 1;
	ac.targets[0] = WLC_IP;
	if (prof != NULL)
		assert_int_equal(cs_profile_apply(prof, &ac), 0);
	assert_int_equal(cs_ap_new(&p->ap, &ac, &aio), 0);
}

static void
pair_free(struct pair *p)
{
	cs_ap_free(p->ap);
	if (p->sess != NULL)
		cs_wlc_sess_closed(p->sess);
	cs_wlc_free(p->w);
	free(p->capbuf);
}

/* Delivers queued datagrams, then the earliest timer, until the AP is in
 * `until` or `limit_ms` of virtual time passed. */
static void
pair_run(struct pair *p, enum cs_ap_state until, uint64_t limit_ms)
{
	while (p->now <= limit_ms && cs_ap_state(p->ap) != until) {
		if (p->qn > 0) {
			struct pkt k = p->q[p->qh];

			p->qh = (p->qh + 1) % CS_ARRAY_SIZE(p->q);
			p->qn--;
			if (k.is_close) {
				struct cs_dtls_outcome lost = { .ok = false,
					.reason = "controller closed the "
					          "session" };

				cs_ap_dtls_done(p->ap, &lost, p->now);
			} else if (k.to_wlc && k.secure) {
				if (p->sess != NULL)
					cs_wlc_sess_input(
					    p->sess, k.b, k.len, p->now);
			} else if (k.to_wlc) {
				cs_wlc_input_clear(p->w, k.ch, AP_IP, AP_PORT,
				    k.b, k.len, p->now);
			} else if (k.secure) {
				cs_ap_input_secure(p->ap, k.b, k.len, p->now);
			} else {
				cs_ap_input_clear(p->ap, k.ch, WLC_IP,
				    k.ch == CS_CHAN_CONTROL
				        ? CS_CAPWAP_CONTROL_PORT
				        : CS_CAPWAP_DATA_PORT,
				    k.b, k.len, p->now);
			}
			continue;
		}
		{
			uint64_t best = UINT64_MAX;
			int which = -1;
			bool is_ap = true;

			for (unsigned t = 0; t < CS_AP_T__COUNT; t++)
				if (p->ap_t[t] != 0 && p->ap_t[t] - 1 < best) {
					best = p->ap_t[t] - 1;
					which = (int)t;
					is_ap = true;
				}
			for (unsigned t = 0; t < CS_WLC_T__COUNT; t++)
				if (p->wlc_t[t] != 0 &&
				    p->wlc_t[t] - 1 < best) {
					best = p->wlc_t[t] - 1;
					which = (int)t;
					is_ap = false;
				}
			if (which < 0 || best > limit_ms)
				break;
			p->now = best;
			if (is_ap) {
				p->ap_t[which] = 0;
				cs_ap_timer_fired(
				    p->ap, (enum cs_ap_timer)which, p->now);
			} else {
				p->wlc_t[which] = 0;
				if (p->sess != NULL)
					cs_wlc_sess_timer_fired(p->sess,
					    (enum cs_wlc_timer)which, p->now);
			}
		}
	}
}

static struct cs_profile *
load(const char *name)
{
	struct cs_profile *p = NULL;
	char why[300] = "";
	int r = cs_profile_load(&p, name, NULL, why, sizeof(why));

	if (r != 0)
		fail_msg("profile %s: %s", name, why);
	return p;
}

/* Decoded message built by `build` for an AP with profile `name`. */
static void
build_with(const char *name,
    void (*build)(const struct cs_ap *, struct cs_wr *, uint8_t), uint8_t *buf,
    size_t cap, struct cs_msg *m)
{
	struct cs_profile *prof = load(name);
	struct pair p;
	struct cs_wr wr;
	struct cs_err err = { 0 };

	pair_init(&p, prof, true, "17.9.4.27", false);
	cs_wr_init(&wr, buf, cap);
	build(p.ap, &wr, 7);
	assert_int_equal(wr.err, 0);
	if (cs_msg_decode(m, buf, wr.len, CS_MSG_F_CISCO, &err) < 0)
		fail_msg("decode: %s at %zu", err.what, err.offset);
	pair_free(&p);
	cs_profile_free(prof);
}

static const struct cs_el_vendor_payload *
find_vsp(const struct cs_msg *m, uint16_t id, struct cs_el_vendor_payload *vp)
{
	for (unsigned i = 0; i < cs_msg_count(m, CS_EL_VENDOR_PAYLOAD); i++) {
		assert_int_equal(
		    cs_el_get_vendor_payload(
		        cs_msg_find(m, CS_EL_VENDOR_PAYLOAD, i), vp, NULL),
		    0);
		if (vp->vendor == CS_CISCO_VENDOR_ID && vp->element_id == id)
			return vp;
	}
	return NULL;
}

static void
test_discovery_encoding(void **state)
{
	uint8_t buf[CS_CAPWAP_MAX_MSG];
	struct cs_msg m;
	struct cs_el_wtp_descriptor wd;
	struct cs_el_radio_info ri;
	struct cs_el_vendor_payload vp;
	uint16_t missing;

	(void)state;
	build_with("c2700", cs_ap_build_discovery_req, buf, sizeof(buf), &m);
	assert_int_equal(m.ctl.type, CS_MSG_DISCOVERY_REQ);
	assert_int_equal(cs_msg_missing(&m, CS_MSG_F_CISCO, &missing), 0);
	/* draft WTP Descriptor, Cisco vendor, versions as 4 raw bytes */
	assert_int_equal(
	    cs_el_get_wtp_descriptor_cisco(
	        cs_msg_find(&m, CS_EL_WTP_DESCRIPTOR, 0), &wd, NULL),
	    0);
	assert_true(wd.is_cisco_form);
	assert_int_equal(wd.cisco_encrypt_caps, 1);
	assert_int_equal(wd.n_sub, 3);
	assert_int_equal(wd.sub[1].vendor, CS_CISCO_VENDOR_ID);
	assert_int_equal(wd.sub[1].type, CS_WTPD_SW_VERSION);
	assert_int_equal(wd.sub[1].len, 4);
	assert_bytes_equal(
	    wd.sub[1].data, 4, "\x08\x0a\xc4\x00", 4); /* 8.10.196.0 */
	/* RFC form rejects it */
	assert_int_equal(
	    cs_el_get_wtp_descriptor(
	        cs_msg_find(&m, CS_EL_WTP_DESCRIPTOR, 0), &wd, NULL),
	    -EBADMSG);
	/* 0-based radio ids */
	assert_int_equal(cs_msg_count(&m, CS_EL_80211_RADIO_INFO), 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(
		    cs_el_get_radio_info(
		        cs_msg_find(&m, CS_EL_80211_RADIO_INFO, i), &ri, NULL),
		    0);
		assert_int_equal(ri.radio_id, i);
	}
	/* RAD Name = AP name, Board Data Options 4 bytes */
	assert_non_null(find_vsp(&m, CS_CISCO_RAD_NAME, &vp));
	assert_bytes_equal(vp.data, vp.len, "AP-cisco-1", 10);
	assert_non_null(find_vsp(&m, CS_CISCO_BOARD_DATA_OPTIONS, &vp));
	assert_bytes_equal(vp.data, vp.len, "\x01\x00\x00\x01", 4);
	assert_null(find_vsp(&m, CS_CISCO_AP_GROUP_NAME, &vp));
}

static void
test_join_encoding(void **state)
{
	uint8_t buf[CS_CAPWAP_MAX_MSG];
	struct cs_msg m;
	struct cs_el_max_msg_len mml;
	struct cs_el_cisco_wtp_ipv4 wip;
	struct cs_el_vendor_payload vp;
	uint16_t missing;

	(void)state;
	build_with("c9120", cs_ap_build_join_req, buf, sizeof(buf), &m);
	assert_int_equal(m.ctl.type, CS_MSG_JOIN_REQ);
	assert_int_equal(cs_msg_missing(&m, CS_MSG_F_CISCO, &missing), 0);
	/* the RFC rules miss ECN Support / Local IPv4 */
	assert_int_equal(cs_msg_missing(&m, 0, &missing), 1);
	assert_null(cs_msg_find(&m, CS_EL_LOCAL_IPV4, 0));
	assert_null(cs_msg_find(&m, CS_EL_ECN_SUPPORT, 0));
	assert_int_equal(
	    cs_el_get_cisco_wtp_ipv4(
	        cs_msg_find(&m, CS_EL_CISCO_WTP_IPV4, 0), &wip, NULL),
	    0);
	assert_int_equal(wip.addr, AP_IP);
	assert_int_equal(cs_el_get_max_msg_len(
	                     cs_msg_find(&m, CS_EL_MAX_MSG_LEN, 0), &mml, NULL),
	    0);
	assert_int_equal(mml.max_len, 14000);
	assert_non_null(find_vsp(&m, CS_CISCO_RAD_NAME, &vp));
	assert_non_null(find_vsp(&m, CS_CISCO_AP_GROUP_NAME, &vp));
	assert_bytes_equal(vp.data, vp.len, "default-group", 13);
	/* LWAPP Path MTU in SPAM Vendor Specific: vendor, 73, max, len */
	assert_non_null(find_vsp(&m, CS_CISCO_SPAM_VENDOR_SPECIFIC, &vp));
	assert_bytes_equal(vp.data, 8, "\x00\x40\x96\x00\x00\x49\x05\xbd", 8);
	assert_int_equal(vp.data[8] << 8 | vp.data[9], vp.len - 10);
	/* padded to 1300 bytes, like (smaller than) a Cisco PMTU probe
	 * (capwap-facts §4.7), so it fits a 1400-byte DTLS datagram */
	assert_int_equal(8 + 8 + m.ctl.elem_len - 3, 1300);
}

static void
test_change_state_inverted(void **state)
{
	uint8_t buf[CS_CAPWAP_MAX_MSG];
	struct cs_msg m;
	struct cs_el_radio_oper_state ros;

	(void)state;
	build_with("c9130", cs_ap_build_change_state_req, buf, sizeof(buf), &m);
	assert_int_equal(cs_msg_count(&m, CS_EL_RADIO_OPER_STATE), 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(
		    cs_el_get_radio_oper_state(
		        cs_msg_find(&m, CS_EL_RADIO_OPER_STATE, i), &ros, NULL),
		    0);
		assert_int_equal(ros.radio_id, i);
		/* draft-07 §4.6.32: 2 = enabled */
		assert_int_equal(ros.state, 2);
	}
	build_with(
	    "rfc5415", cs_ap_build_change_state_req, buf, sizeof(buf), &m);
	assert_int_equal(
	    cs_el_get_radio_oper_state(
	        cs_msg_find(&m, CS_EL_RADIO_OPER_STATE, 0), &ros, NULL),
	    0);
	assert_int_equal(ros.radio_id, 1);
	assert_int_equal(ros.state, CS_OPER_ENABLED);
}

static void
test_config_status_payloads(void **state)
{
	uint8_t buf[CS_CAPWAP_MAX_MSG];
	struct cs_msg m;
	struct cs_el_vendor_payload vp;

	(void)state;
	build_with(
	    "c3700", cs_ap_build_config_status_req, buf, sizeof(buf), &m);
	assert_non_null(find_vsp(&m, CS_CISCO_AP_MODEL, &vp));
	assert_int_equal(vp.len, 60);
	assert_bytes_equal(vp.data, 17, "AIR-CAP3702I-E-K9", 17);
	assert_int_equal(vp.data[17], 0);
	assert_non_null(find_vsp(&m, CS_CISCO_AP_REGULATORY_DOMAIN, &vp));
	assert_bytes_equal(vp.data, vp.len, "\x01\x00\x00\x45\x00", 5);
	assert_non_null(find_vsp(&m, CS_CISCO_AP_RESET_BUTTON, &vp));
	assert_non_null(find_vsp(&m, CS_CISCO_AP_MODE_AND_TYPE, &vp));
}

/* Every shipped profile joins the Cisco-mode WLC and reaches Run,
 * advertising the controller's version (no image download). */
static void
test_every_profile_joins(void **state)
{
	const char *const dirs[] = { cs_profile_source_dir(), NULL };
	char **names = NULL;
	unsigned n_cisco = 0;

	(void)state;
	assert_int_equal(cs_profile_list(dirs, &names), 0);
	for (size_t i = 0; names[i] != NULL; i++) {
		struct cs_profile *prof = load(names[i]);
		struct pair p;

		if (!prof->is_cisco) {
			cs_profile_free(prof);
			continue;
		}
		n_cisco++;
		pair_init(&p, prof, true, "17.12.3.0", false);
		assert_int_equal(cs_ap_start(p.ap, 0), 0);
		pair_run(&p, CS_AP_RUN, 120000);
		if (cs_ap_state(p.ap) != CS_AP_RUN)
			fail_msg("%s: AP in %s: %s\nWLC:\n%s", names[i],
			    cs_ap_state_name(cs_ap_state(p.ap)), p.ap_fail,
			    p.wlc_log);
		pair_run(&p, CS_AP__COUNT, p.now + 10); /* keep-alive */
		assert_int_equal(cs_wlc_sess_state(p.sess), CS_WLC_S_RUN);
		assert_string_equal(cs_ap_sw_version(p.ap), "17.12.3.0");
		assert_int_equal(cs_ap_stats(p.ap)->image_bytes, 0);
		assert_int_equal(cs_wlc_counters(p.w)->join_result[0], 1);
		/* Echo Request answered (with AP Time Sync) */
		{
			uint32_t before = cs_ap_stats(p.ap)->echo_responses;

			p.ap_t[CS_AP_T_ECHO] = p.now + 1;
			pair_run(&p, CS_AP__COUNT, p.now + 10);
			assert_int_equal(
			    cs_ap_stats(p.ap)->echo_responses, before + 1);
		}
		pair_free(&p);

		/* a plain RFC WLC accepts the Cisco forms too */
		pair_init(&p, prof, false, "17.12.3.0", false);
		assert_int_equal(cs_ap_start(p.ap, 0), 0);
		pair_run(&p, CS_AP_RUN, 120000);
		assert_int_equal(cs_ap_state(p.ap), CS_AP_RUN);
		pair_free(&p);
		cs_profile_free(prof);
	}
	assert_true(n_cisco >= 6);
	cs_profile_names_free(names);
}

static void
test_rfc_ap_refused(void **state)
{
	struct cs_profile *prof = load("rfc5415");
	struct pair p;

	(void)state;
	pair_init(&p, prof, true, "17.12.3.0", false);
	assert_int_equal(cs_ap_start(p.ap, 0), 0);
	pair_run(&p, CS_AP_DTLS_TEARDOWN, 60000);
	assert_true(p.ap_failed);
	if (strstr(p.ap_fail, "result code 20") == NULL)
		fail_msg("AP failure: %s", p.ap_fail);
	assert_int_equal(cs_wlc_counters(p.w)->join_result[20], 1);
	assert_non_null(strstr(p.wlc_log,
	    "refused: not a Cisco AP join: no "
	    "Cisco vendor payload RAD Name"));
	pair_free(&p);

	/* the same AP joins a plain WLC */
	pair_init(&p, prof, false, "17.12.3.0", false);
	assert_int_equal(cs_ap_start(p.ap, 0), 0);
	pair_run(&p, CS_AP_RUN, 120000);
	assert_int_equal(cs_ap_state(p.ap), CS_AP_RUN);
	pair_free(&p);
	cs_profile_free(prof);
}

/* `software: keep` downloads the controller's image instead. */
static void
test_keep_downloads(void **state)
{
	static const char text[] = "model: AIR-CAP2702I-E-K9\n"
	                           "cisco: true\n"
	                           "software: keep\n"
	                           "versions: {hardware: 1.0.0.0, software: "
	                           "8.10.196.0, boot: 15.3.0.0}\n"
	                           "radios: [bgn, an]\n"
	                           "max_message_length: 14000\n"
	                           "vendor_payloads:\n"
	                           "  join_request: [rad_name, "
	                           "board_data_options]\n";
	struct cs_profile *prof = NULL;
	struct pair p;

	(void)state;
	assert_int_equal(cs_profile_parse_mem(
	                     &prof, "keep.yaml", text, strlen(text), NULL, 0),
	    0);
	assert_false(prof->adopt_ac_version);
	pair_init(&p, prof, true, "17.12.3.0", false);
	assert_int_equal(cs_ap_start(p.ap, 0), 0);
	pair_run(&p, CS_AP_IMAGE_DATA, 60000);
	assert_int_equal(cs_ap_state(p.ap), CS_AP_IMAGE_DATA);
	assert_string_equal(cs_ap_sw_version(p.ap), "8.10.196.0");
	pair_free(&p);
	cs_profile_free(prof);
}

/* The c2700 exchange as a capture for tshark (cisco_tshark.sh). */
static void
test_capture(void **state)
{
	const char *out = getenv("CS_PCAP_OUT");
	struct cs_profile *prof = load("c2700");
	struct pair p;

	(void)state;
	pair_init(&p, prof, true, "8.10.196.0", true);
	assert_int_equal(cs_ap_start(p.ap, 0), 0);
	pair_run(&p, CS_AP_RUN, 120000);
	assert_int_equal(cs_ap_state(p.ap), CS_AP_RUN);
	pair_run(&p, CS_AP__COUNT, p.now + 10); /* Primary Discovery */
	assert_int_equal(p.cap.err, 0);
	assert_true(p.n_types >= 10);
	assert_int_equal(p.types[0], CS_MSG_DISCOVERY_REQ);
	assert_int_equal(p.types[1], CS_MSG_DISCOVERY_RESP);
	assert_int_equal(p.types[2], CS_MSG_JOIN_REQ);
	if (out != NULL) {
		char path[1024];
		FILE *f = fopen(out, "wb");

		assert_non_null(f);
		assert_int_equal(fwrite(p.capbuf, 1, p.cap.len, f), p.cap.len);
		fclose(f);
		snprintf(path, sizeof(path), "%s.expect", out);
		assert_non_null(f = fopen(path, "w"));
		for (unsigned i = 0; i < p.n_types; i++)
			fprintf(f, "%u\n", p.types[i]);
		fclose(f);
	}
	pair_free(&p);
	cs_profile_free(prof);
}

/* The WLC in Run sends each radio's WLAN (IEEE 802.11 WLAN Configuration
 * Request, Add WLAN) through the session's request machinery, one at a
 * time; the AP hands each Add WLAN to its stations' hook and answers.  A
 * hook that refuses makes the AP answer result code 13, which the
 * controller counts. */
static void
test_wlan_config(void **state)
{
	struct cs_wlc_clients_cfg cc;
	struct cs_wlc_clients_stats st;
	struct pair p;

	(void)state;
	memset(&cc, 0, sizeof(cc));
	cc.n_wlans = 1;
	cc.wlans[0].wlan_id = 1;
	snprintf(cc.wlans[0].ssid, sizeof(cc.wlans[0].ssid), "capsim-test");
	cc.wlans[0].gateway = 0x0a140001u;
	cc.wlans[0].mask = 0xffff0000u;
	for (int refuse = 0; refuse <= 1; refuse++) {
		pair_clients = &cc;
		pair_wlan_rc = refuse ? -EPROTONOSUPPORT : 0;
		pair_n_wlans = 0;
		pair_ssid[0] = '\0';
		pair_init(&p, NULL, false, "8.10.0.0", false);
		pair_clients = NULL;
		assert_non_null(cs_wlc_clients_of(p.w));
		assert_int_equal(cs_ap_start(p.ap, 0), 0);
		pair_run(&p, CS_AP_RUN, 120000);
		assert_int_equal(cs_ap_state(p.ap), CS_AP_RUN);
		/* 30 s more: the requests are answered, none repeated */
		pair_run(&p, CS_AP__COUNT, p.now + 30000);
		assert_int_equal(cs_ap_state(p.ap), CS_AP_RUN);
		assert_true(pair_n_wlans >= 1);
		assert_string_equal(pair_ssid, "capsim-test");
		assert_int_equal(
		    cs_wlc_counters(p.w)->timer_expired[CS_WLC_T_RETRANSMIT],
		    0);
		cs_wlc_clients_stats(cs_wlc_clients_of(p.w), &st);
		assert_int_equal(st.ctl_failed, refuse ? pair_n_wlans : 0);
		pair_free(&p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discovery_encoding),
		cmocka_unit_test(test_join_encoding),
		cmocka_unit_test(test_change_state_inverted),
		cmocka_unit_test(test_config_status_payloads),
		cmocka_unit_test(test_every_profile_joins),
		cmocka_unit_test(test_rfc_ap_refused),
		cmocka_unit_test(test_keep_downloads),
		cmocka_unit_test(test_capture),
		cmocka_unit_test(test_wlan_config),
	};

	unsetenv("CAPSIM_PROFILES");
	return cmocka_run_group_tests_name("ap_cisco", tests, NULL, NULL);
}
