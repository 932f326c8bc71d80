/* SPDX-License-Identifier: MIT */
/*
 * The mock WLC's Cisco mode (struct cs_wlc_cfg.cisco, capwap-facts §3-§4):
 * what it adds to Discovery, Join and Echo Responses, and each reason it
 * refuses a Join Request that a Cisco controller would not accept (result
 * code, log line, event, counters).  Requests are built by a real cs_ap
 * from profile text, so each refusal differs from a good Cisco AP in
 * exactly one point.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "ap/ap-internal.h"
#include "capsim/ap.h"
#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "capsim/profile.h"
#include "capsim/wlc.h"

#define AP_IP  0x7f470002u /* 127.71.0.2 */
#define WLC_IP 0x7f000048u /* 127.0.0.72 */

struct fx {
	struct cs_wlc *w;
	uint8_t out[CS_CAPWAP_MAX_MSG];
	size_t out_len;
	unsigned n_out;
	char log[2048];
	char ev_reason[256];
	uint32_t ev_code;
};

static int
w_send_clear(void *ctx, enum cs_chan ch, uint32_t dst, uint16_t port,
    const uint8_t *b, size_t len, const struct cs_pkt_hint *h)
{
	struct fx *f = ctx;

	(void)ch, (void)dst, (void)port, (void)h;
	memcpy(f->out, b, len);
	f->out_len = len;
	f->n_out++;
	return 0;
}

static int
w_send_secure(void *ctx, struct cs_wlc_sess *s, const uint8_t *b, size_t len,
    const struct cs_pkt_hint *h)
{
	(void)s;
	return w_send_clear(ctx, CS_CHAN_CONTROL, 0, 0, b, len, h);
}

static void
w_close(void *ctx, struct cs_wlc_sess *s, bool graceful)
{
	(void)ctx, (void)graceful;
	cs_wlc_sess_closed(s);
}

static void
w_arm(void *ctx, struct cs_wlc_sess *s, enum cs_wlc_timer t, uint64_t ms)
{
	(void)ctx, (void)s, (void)t, (void)ms;
}

static void
w_cancel(void *ctx, struct cs_wlc_sess *s, enum cs_wlc_timer t)
{
	(void)ctx, (void)s, (void)t;
}

static void
w_event(void *ctx, const struct cs_wlc_event *ev)
{
	struct fx *f = ctx;

	if (ev->kind == CS_WLC_EV_JOIN_FAILED) {
		snprintf(f->ev_reason, sizeof(f->ev_reason), "%s",
		    ev->reason != NULL ? ev->reason : "");
		f->ev_code = ev->result_code;
	}
}

static uint32_t
w_rand(void *ctx, uint32_t bound)
{
	(void)ctx, (void)bound;
	return 0;
}

static void
w_log(void *ctx, int level, const char *msg)
{
	struct fx *f = ctx;
	size_t n = strlen(f->log);

	(void)level;
	snprintf(f->log + n, sizeof(f->log) - n, "%s\n", msg);
}

static void
fx_init(struct fx *f, bool cisco)
{
	struct cs_wlc_cfg c;
	struct cs_wlc_io io = { .send_clear = w_send_clear,
		.send_secure = w_send_secure,
		.sess_close = w_close,
		.timer_arm = w_arm,
		.timer_cancel = w_cancel,
		.event = w_event,
		.rand = w_rand,
		.ctx = f };

	memset(f, 0, sizeof(*f));
	cs_wlc_cfg_defaults(&c);
	c.listen_ip = WLC_IP;
	c.sw_version = "17.9.4.27";
	c.hw_version = "capsim-hw";
	c.cisco = cisco;
	c.time_base_s = 1700000000u;
	c.log = (struct cs_log){ .fn = w_log, .ctx = f, .max_level = 3 };
	assert_int_equal(cs_wlc_new(&f->w, &c, &io), 0);
}

static int
ap_sc(void *ctx, enum cs_chan ch, uint32_t d, uint16_t p, const uint8_t *b,
    size_t l, const struct cs_pkt_hint *h)
{
	(void)ctx, (void)ch, (void)d, (void)p, (void)b, (void)l, (void)h;
	return 0;
}

static int
ap_ss(void *ctx, const uint8_t *b, size_t l, const struct cs_pkt_hint *h)
{
	(void)ctx, (void)b, (void)l, (void)h;
	return 0;
}

static int
ap_ds(void *ctx, uint32_t ip, uint16_t port)
{
	(void)ctx, (void)ip, (void)port;
	return 0;
}

static void
ap_dx(void *ctx, bool g)
{
	(void)ctx, (void)g;
}

static void
ap_ta(void *ctx, enum cs_ap_timer t, uint64_t ms)
{
	(void)ctx, (void)t, (void)ms;
}

static void
ap_tc(void *ctx, enum cs_ap_timer t)
{
	(void)ctx, (void)t;
}

/* Builds a request with `build` from an AP using profile `text`. */
static size_t
build_req(const char *text,
    void (*build)(const struct cs_ap *, struct cs_wr *, uint8_t), uint8_t *buf,
    size_t cap)
{
	struct cs_profile *p = NULL;
	struct cs_ap *ap;
	struct cs_ap_cfg cfg;
	struct cs_ap_io io = { .send_clear = ap_sc,
		.send_secure = ap_ss,
		.dtls_start = ap_ds,
		.dtls_stop = ap_dx,
		.timer_arm = ap_ta,
		.timer_cancel = ap_tc,
		.rand = w_rand };
	struct cs_wr wr;
	char why[256] = "";

	if (cs_profile_parse_mem(
	        &p, "t.yaml", text, strlen(text), why, sizeof(why)) != 0)
		fail_msg("%s", why);
	assert_int_equal(cs_ap_cfg_defaults(&cfg), 0);
	cfg.name = "AP-7";
	cfg.ip = AP_IP;
	cfg.target_count = 1;
	cfg.targets[0] = WLC_IP;
	assert_int_equal(cs_profile_apply(p, &cfg), 0);
	assert_int_equal(cs_ap_new(&ap, &cfg, &io), 0);
	cs_wr_init(&wr, buf, cap);
	build(ap, &wr, 3);
	assert_int_equal(wr.err, 0);
	cs_ap_free(ap);
	cs_profile_free(p);
	return wr.len;
}

#define GOOD_HEAD                                                              \
	"model: AIR-CAP2702I-E-K9\n"                                           \
	"versions: {hardware: 1.0.0.0, software: 8.10.196.0, boot: "           \
	"15.3.0.0}\n"                                                          \
	"radios: [bgn, an]\n"
#define GOOD_CISCO GOOD_HEAD "cisco: true\nmax_message_length: 14000\n"
#define GOOD_VSP                                                               \
	"vendor_payloads:\n"                                                   \
	"  discovery_request: [rad_name, board_data_options]\n"                \
	"  join_request: [rad_name, board_data_options, path_mtu]\n"

static const struct cs_el_vendor_payload *
vsp(const struct cs_msg *m, uint16_t id, struct cs_el_vendor_payload *v)
{
	for (unsigned i = 0; i < cs_msg_count(m, CS_EL_VENDOR_PAYLOAD); i++)
		if (cs_el_get_vendor_payload(
		        cs_msg_find(m, CS_EL_VENDOR_PAYLOAD, i), v, NULL) ==
		        0 &&
		    v->vendor == CS_CISCO_VENDOR_ID && v->element_id == id)
			return v;
	return NULL;
}

static void
test_discovery_response(void **state)
{
	struct fx f;
	uint8_t req[CS_CAPWAP_MAX_MSG];
	size_t n = build_req(
	    GOOD_CISCO GOOD_VSP, cs_ap_build_discovery_req, req, sizeof(req));
	struct cs_msg m;
	struct cs_el_vendor_payload v;
	struct cs_el_ac_descriptor acd;

	(void)state;
	fx_init(&f, true);
	assert_int_equal(cs_wlc_input_clear(
	                     f.w, CS_CHAN_CONTROL, AP_IP, 40000, req, n, 5000),
	    0);
	assert_int_equal(f.n_out, 1);
	assert_int_equal(
	    cs_msg_decode(&m, f.out, f.out_len, CS_MSG_F_CISCO, NULL), 0);
	assert_int_equal(m.ctl.type, CS_MSG_DISCOVERY_RESP);
	assert_non_null(vsp(&m, CS_CISCO_AP_TIME_SYNC, &v));
	/* Unix time u32 (base + 5 s) + type */
	assert_int_equal(v.len, 5);
	assert_memory_equal(v.data, "\x65\x53\xf1\x05\x00", 5);
	assert_non_null(vsp(&m, CS_CISCO_MWAR_TYPE, &v));
	assert_int_equal(v.len, 1);
	/* AC Descriptor: Cisco vendor, software first as 4 bytes */
	assert_int_equal(
	    cs_el_get_ac_descriptor(
	        cs_msg_find(&m, CS_EL_AC_DESCRIPTOR, 0), &acd, NULL),
	    0);
	assert_int_equal(acd.info[0].vendor, CS_CISCO_VENDOR_ID);
	assert_int_equal(acd.info[0].type, 1);
	assert_int_equal(acd.info[0].len, 4);
	assert_memory_equal(acd.info[0].data, "\x11\x09\x04\x1b", 4);
	/* "capsim-hw" is not a.b.c.d: sent as text */
	assert_int_equal(acd.info[1].type, 0);
	assert_int_equal(acd.info[1].len, 9);
	/* radio ids echoed from 0 */
	{
		struct cs_el_radio_info ri;

		assert_int_equal(
		    cs_el_get_radio_info(
		        cs_msg_find(&m, CS_EL_80211_RADIO_INFO, 0), &ri, NULL),
		    0);
		assert_int_equal(ri.radio_id, 0);
	}
	cs_wlc_free(f.w);

	/* without Cisco mode: no vendor payloads */
	fx_init(&f, false);
	cs_wlc_input_clear(f.w, CS_CHAN_CONTROL, AP_IP, 40000, req, n, 5000);
	assert_int_equal(
	    cs_msg_decode(&m, f.out, f.out_len, CS_MSG_F_CISCO, NULL), 0);
	assert_int_equal(cs_msg_count(&m, CS_EL_VENDOR_PAYLOAD), 0);
	cs_wlc_free(f.w);
}

/* Feeds a Join Request built from `text`; returns the result code of the
 * Join Response. */
static uint32_t
join(struct fx *f, const char *text, struct cs_msg *resp)
{
	uint8_t req[CS_CAPWAP_MAX_MSG];
	size_t n = build_req(text, cs_ap_build_join_req, req, sizeof(req));
	struct cs_wlc_sess *s;
	struct cs_el_result_code rc;

	assert_int_equal(
	    cs_wlc_sess_open(f->w, &s, AP_IP, 40000, NULL, 1000), 0);
	f->n_out = 0;
	assert_int_equal(cs_wlc_sess_input(s, req, n, 1000), 0);
	assert_int_equal(f->n_out, 1);
	assert_int_equal(
	    cs_msg_decode(resp, f->out, f->out_len, CS_MSG_F_CISCO, NULL), 0);
	assert_int_equal(resp->ctl.type, CS_MSG_JOIN_RESP);
	assert_int_equal(
	    cs_el_get_result_code(
	        cs_msg_find(resp, CS_EL_RESULT_CODE, 0), &rc, NULL),
	    0);
	if (rc.code == 0)
		cs_wlc_sess_closed(s);
	return rc.code;
}

static void
test_join_accepted(void **state)
{
	struct fx f;
	struct cs_msg m;
	struct cs_el_vendor_payload v;

	(void)state;
	fx_init(&f, true);
	assert_int_equal(join(&f, GOOD_CISCO GOOD_VSP, &m), 0);
	assert_null(cs_msg_find(&m, CS_EL_ECN_SUPPORT, 0));
	assert_null(cs_msg_find(&m, CS_EL_LOCAL_IPV4, 0));
	assert_non_null(vsp(&m, CS_CISCO_SPAM_VENDOR_SPECIFIC, &v));
	assert_memory_equal(v.data, "\x00\x40\x96\x00\x00\x49", 6);
	assert_int_equal(cs_wlc_counters(f.w)->join_result[0], 1);
	cs_wlc_free(f.w);
}

static void
expect_refusal(const char *text, uint32_t code, const char *why)
{
	struct fx f;
	struct cs_msg m;

	fx_init(&f, true);
	assert_int_equal(join(&f, text, &m), code);
	assert_int_equal(cs_wlc_counters(f.w)->join_result[code], 1);
	assert_int_equal(cs_wlc_counters(f.w)->join_ok, 0);
	assert_int_equal(f.ev_code, code);
	if (strstr(f.ev_reason, why) == NULL)
		fail_msg("event reason '%s' lacks '%s'", f.ev_reason, why);
	if (strstr(f.log,
	        "AP 02:00:00:00:00:01 (AP-7) refused: not a Cisco "
	        "AP join: ") == NULL ||
	    strstr(f.log, why) == NULL)
		fail_msg("log lacks the refusal '%s':\n%s", why, f.log);
	cs_wlc_free(f.w);
}

static void
test_join_refusals(void **state)
{
	(void)state;
	/* an RFC-only AP */
	expect_refusal(GOOD_HEAD, CS_RC_FAIL_MISSING_ELEM,
	    "no Cisco vendor payload RAD Name (vendor 4232704, element 5)");
	expect_refusal(GOOD_CISCO "vendor_payloads:\n"
	                          "  join_request: [rad_name]\n",
	    CS_RC_FAIL_MISSING_ELEM,
	    "no Cisco vendor payload Board Data Options");
	expect_refusal(GOOD_CISCO "vendor_payloads:\n"
	                          "  join_request: [rad_name, {id: 207, "
	                          "hex: \"01\"}]\n",
	    CS_RC_JOIN_FAIL_BAD_DATA, "Board Data Options is 1 bytes");
	expect_refusal(GOOD_HEAD "cisco: true\n" GOOD_VSP,
	    CS_RC_FAIL_MISSING_ELEM, "no Maximum Message Length (29)");
	expect_refusal(GOOD_CISCO "radio_first_id: 1\n" GOOD_VSP,
	    CS_RC_JOIN_FAIL_BAD_DATA,
	    "radio 0 has id 1: Cisco radio slots count from 0");
	expect_refusal(GOOD_HEAD "max_message_length: 1400\n"
	                         "radio_first_id: 0\n" GOOD_VSP,
	    CS_RC_JOIN_FAIL_BAD_DATA,
	    "WTP Descriptor is not in Cisco's draft form");
	/* the same RFC-only AP joins without Cisco mode */
	{
		struct fx f;
		struct cs_msg m;

		fx_init(&f, false);
		assert_int_equal(join(&f, GOOD_HEAD, &m), 0);
		assert_non_null(cs_msg_find(&m, CS_EL_ECN_SUPPORT, 0));
		cs_wlc_free(f.w);
	}
}

/* Cisco's inverted Radio Operational State: a Cisco AP's 2 means
 * enabled; an RFC AP's 1 would be "disabled" to a Cisco controller. */
static void
test_radio_oper_state(void **state)
{
	uint8_t req[CS_CAPWAP_MAX_MSG];
	size_t n;
	struct fx f;
	struct cs_msg m;
	struct cs_wlc_sess *s;

	(void)state;
	fx_init(&f, true);
	assert_int_equal(join(&f, GOOD_CISCO GOOD_VSP, &m), 0);
	assert_int_equal(
	    cs_wlc_sess_open(f.w, &s, AP_IP, 40001, NULL, 2000), 0);
	n = build_req(
	    GOOD_CISCO GOOD_VSP, cs_ap_build_join_req, req, sizeof(req));
	assert_int_equal(cs_wlc_sess_input(s, req, n, 2000), 0);
	n = build_req(GOOD_CISCO GOOD_VSP, cs_ap_build_config_status_req, req,
	    sizeof(req));
	req[12] = 4; /* control header sequence number (RFC 5415 §4.5.1) */
	assert_int_equal(cs_wlc_sess_input(s, req, n, 2001), 0);
	n = build_req(GOOD_CISCO GOOD_VSP, cs_ap_build_change_state_req, req,
	    sizeof(req));
	req[12] = 5;
	f.log[0] = '\0';
	assert_int_equal(cs_wlc_sess_input(s, req, n, 2002), 0);
	assert_null(strstr(f.log, "not operational"));
	assert_int_equal(cs_wlc_sess_state(s), CS_WLC_S_DATA_CHECK);
	cs_wlc_sess_closed(s);
	cs_wlc_free(f.w);

	/* an RFC AP's "enabled" (1) reads as disabled in Cisco mode */
	fx_init(&f, true);
	assert_int_equal(
	    cs_wlc_sess_open(f.w, &s, AP_IP, 40001, NULL, 2000), 0);
	n = build_req(
	    GOOD_CISCO GOOD_VSP, cs_ap_build_join_req, req, sizeof(req));
	assert_int_equal(cs_wlc_sess_input(s, req, n, 2000), 0);
	n = build_req(GOOD_CISCO GOOD_VSP, cs_ap_build_config_status_req, req,
	    sizeof(req));
	req[12] = 4;
	assert_int_equal(cs_wlc_sess_input(s, req, n, 2001), 0);
	n = build_req(GOOD_HEAD "radio_first_id: 0\n",
	    cs_ap_build_change_state_req, req, sizeof(req));
	req[12] = 5;
	f.log[0] = '\0';
	assert_int_equal(cs_wlc_sess_input(s, req, n, 2002), 0);
	assert_non_null(strstr(f.log,
	    "radio 0 reported not operational "
	    "(state 1, Cisco: 2 = enabled"));
	cs_wlc_sess_closed(s);
	cs_wlc_free(f.w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discovery_response),
		cmocka_unit_test(test_join_accepted),
		cmocka_unit_test(test_join_refusals),
		cmocka_unit_test(test_radio_oper_state),
	};

	return cmocka_run_group_tests_name("wlc_cisco", tests, NULL, NULL);
}
