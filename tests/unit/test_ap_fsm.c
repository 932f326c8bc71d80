/* SPDX-License-Identifier: MIT */
/*
 * AP state machine tests: scripts of (input, now) steps against a fake io
 * that records datagrams, timers and events, with a fake WLC that builds
 * its answers with the capwap.h builder (RFC 5415 §2.3 transitions).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <setjmp.h>

#include <cmocka.h>

#include "ap/ap-internal.h"
#include "capsim/ap.h"
#include "capsim/capwap.h"
#include "capsim/cursor.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define AC1            IP(127, 0, 0, 10)
#define AC2            IP(127, 0, 0, 20)
#define MAX_SENT       64
#define MAX_EV         256

struct sent {
	bool is_secure;
	enum cs_chan ch;
	uint32_t dst;
	uint16_t port;
	uint8_t buf[2048];
	size_t len;
	struct cs_pkt_hint hint;
};

struct rec_ev {
	enum cs_ap_ev_kind kind;
	enum cs_ap_state from, to;
	enum cs_phase phase;
	uint32_t msg_type, value;
	char reason[256];
};

struct fake {
	struct cs_ap *ap;
	struct cs_ap_cfg cfg;
	uint64_t now;
	struct sent sent[MAX_SENT];
	unsigned n_sent;
	bool armed[CS_AP_T__COUNT];
	uint64_t due[CS_AP_T__COUNT];
	struct rec_ev ev[MAX_EV];
	unsigned n_ev;
	unsigned dtls_starts, dtls_stops;
	uint32_t dtls_ip;
	bool last_graceful;
	uint32_t rnd; /* value io->rand returns (clamped to bound) */
	bool free_on_event;
	bool dtls_queue; /* dtls_start answers CS_AP_DTLS_QUEUED */
};

static struct fake F;
static uint8_t w_dtls_policy; /* DTLS Policy of the fake WLC */

static int
f_send_clear(void *ctx, enum cs_chan ch, uint32_t dst, uint16_t port,
    const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	struct fake *f = ctx;
	struct sent *s;

	assert_true(f->n_sent < MAX_SENT);
	s = &f->sent[f->n_sent++];
	*s = (struct sent){
		.ch = ch, .dst = dst, .port = port, .len = len, .hint = *hint
	};
	assert_true(len <= sizeof(s->buf));
	memcpy(s->buf, pkt, len);
	return 0;
}

static int
f_send_secure(
    void *ctx, const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	struct fake *f = ctx;
	struct sent *s;

	assert_true(f->n_sent < MAX_SENT);
	s = &f->sent[f->n_sent++];
	*s = (struct sent){ .is_secure = true, .len = len, .hint = *hint };
	assert_true(len <= sizeof(s->buf));
	memcpy(s->buf, pkt, len);
	return 0;
}

static int
f_dtls_start(void *ctx, uint32_t ip, uint16_t port)
{
	struct fake *f = ctx;

	assert_int_equal(port, 5246);
	f->dtls_starts++;
	f->dtls_ip = ip;
	return f->dtls_queue ? CS_AP_DTLS_QUEUED : 0;
}

static void
f_dtls_stop(void *ctx, bool graceful)
{
	struct fake *f = ctx;

	f->dtls_stops++;
	f->last_graceful = graceful;
}

static void
f_timer_arm(void *ctx, enum cs_ap_timer t, uint64_t delay)
{
	struct fake *f = ctx;

	f->armed[t] = true;
	f->due[t] = delay;
}

static void
f_timer_cancel(void *ctx, enum cs_ap_timer t)
{
	struct fake *f = ctx;

	f->armed[t] = false;
}

static void
f_event(void *ctx, const struct cs_ap_event *e)
{
	struct fake *f = ctx;
	struct rec_ev *r;

	assert_true(e->reason != NULL);
	if (f->n_ev < MAX_EV) {
		r = &f->ev[f->n_ev++];
		r->kind = e->kind;
		r->from = e->from;
		r->to = e->to;
		r->phase = e->phase;
		r->msg_type = e->msg_type;
		r->value = e->value;
		snprintf(r->reason, sizeof(r->reason), "%s", e->reason);
	}
	if (f->free_on_event) {
		f->free_on_event = false;
		cs_ap_free(f->ap);
		f->ap = NULL;
	}
}

static uint32_t
f_rand(void *ctx, uint32_t bound)
{
	struct fake *f = ctx;

	return f->rnd < bound ? f->rnd : bound - 1;
}

static const struct cs_ap_io f_io = {
	.send_clear = f_send_clear,
	.send_secure = f_send_secure,
	.dtls_start = f_dtls_start,
	.dtls_stop = f_dtls_stop,
	.timer_arm = f_timer_arm,
	.timer_cancel = f_timer_cancel,
	.event = f_event,
	.rand = f_rand,
	.ctx = &F,
};

static int
setup(void **state)
{
	(void)state;
	memset(&F, 0, sizeof(F));
	cs_ap_cfg_defaults(&F.cfg);
	F.cfg.name = "AP-1";
	F.cfg.ip = IP(127, 0, 1, 1);
	F.cfg.target_count = 2;
	F.cfg.targets[0] = AC1;
	F.cfg.targets[1] = AC2;
	F.rnd = 1234;
	w_dtls_policy = CS_ACD_DTLS_C;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	cs_ap_free(F.ap);
	F.ap = NULL;
	return 0;
}

static void
make(void)
{
	assert_int_equal(cs_ap_new(&F.ap, &F.cfg, &f_io), 0);
}

/* Fires an armed timer after its delay; checks the delay when given. */
static void
fire(enum cs_ap_timer t, int64_t expect_delay)
{
	assert_true(F.armed[t]);
	if (expect_delay >= 0)
		assert_int_equal(F.due[t], (uint64_t)expect_delay);
	F.armed[t] = false;
	F.now += F.due[t];
	cs_ap_timer_fired(F.ap, t, F.now);
}

static const struct sent *
last_sent(void)
{
	assert_true(F.n_sent > 0);
	return &F.sent[F.n_sent - 1];
}

static void
decode_sent(const struct sent *s, struct cs_msg *m, uint32_t type)
{
	uint16_t missing = 0;

	assert_int_equal(cs_msg_decode(m, s->buf, s->len, 0, NULL), 0);
	assert_int_equal(m->ctl.type, type);
	assert_int_equal(m->n_unknown, 0);
	assert_int_equal(cs_msg_missing(m, 0, &missing), 0);
	assert_int_equal(s->hint.msg_type, type);
	assert_int_equal(s->hint.seq, m->ctl.seq);
}

static const struct rec_ev *
find_ev(enum cs_ap_ev_kind kind, unsigned from)
{
	for (unsigned i = from; i < F.n_ev; i++)
		if (F.ev[i].kind == kind)
			return &F.ev[i];
	return NULL;
}

static const struct rec_ev *
last_failure(void)
{
	const struct rec_ev *r = NULL;

	for (unsigned i = 0; i < F.n_ev; i++)
		if (F.ev[i].kind == CS_AP_EV_FAILURE)
			r = &F.ev[i];
	assert_non_null(r);
	return r;
}

/* ---- the fake WLC ---- */

struct wlc {
	uint8_t buf[2048];
	struct cs_wr wr;
	struct cs_msgb b;
};

static void
w_begin(struct wlc *w, uint32_t type, uint8_t seq)
{
	struct cs_capwap_hdr h;

	cs_wr_init(&w->wr, w->buf, sizeof(w->buf));
	cs_capwap_hdr_init(&h, 0);
	cs_msgb_begin(&w->b, &w->wr, &h, type, seq);
}

static size_t
w_end(struct wlc *w)
{
	assert_int_equal(cs_msgb_end(&w->b), 0);
	return w->wr.len;
}

static void
w_ac_common(struct wlc *w, const char *name, uint16_t active, uint16_t max)
{
	static const char hw[] = "9800-CL", sw[] = "17.9.4";
	struct cs_el_ac_descriptor d = { .active_wtps = active,
		.max_wtps = max,
		.security = CS_ACD_SEC_X,
		.rmac = CS_ACD_RMAC_NO,
		.dtls_policy = w_dtls_policy,
		.n_info = 2 };
	struct cs_el_ac_name n = { .name = { name, strlen(name) } };
	struct cs_el_radio_info ri = { .radio_id = 1,
		.radio_type = CS_RADIO_TYPE_G };

	d.info[0] = (struct cs_ac_info){ .vendor = 0,
		.type = CS_ACD_INFO_HW,
		.len = sizeof(hw) - 1,
		.data = (const uint8_t *)hw };
	d.info[1] = (struct cs_ac_info){ .vendor = 0,
		.type = CS_ACD_INFO_SW,
		.len = sizeof(sw) - 1,
		.data = (const uint8_t *)sw };
	cs_el_put_ac_descriptor(&w->wr, &d);
	cs_el_put_ac_name(&w->wr, &n);
	cs_el_put_radio_info(&w->wr, &ri);
}

static size_t
w_discovery_resp(struct wlc *w, uint8_t seq, const char *name, uint16_t active,
    uint16_t max, unsigned n_ctrl, const uint32_t *ctrl, const uint16_t *wtps)
{
	w_begin(w, CS_MSG_DISCOVERY_RESP, seq);
	w_ac_common(w, name, active, max);
	for (unsigned i = 0; i < n_ctrl; i++) {
		struct cs_el_ctrl_ipv4 c = { .addr = ctrl[i],
			.wtp_count = wtps[i] };

		cs_el_put_ctrl_ipv4(&w->wr, &c);
	}
	return w_end(w);
}

static size_t
w_join_resp(struct wlc *w, uint8_t seq, uint32_t rc, const char *image)
{
	struct cs_el_result_code r = { .code = rc };
	struct cs_el_ecn_support ecn = { .ecn = 0 };
	struct cs_el_ctrl_ipv4 c = { .addr = AC1, .wtp_count = 1 };
	struct cs_el_local_ipv4 l = { .addr = AC1 };

	w_begin(w, CS_MSG_JOIN_RESP, seq);
	cs_el_put_result_code(&w->wr, &r);
	w_ac_common(w, "WLC-A", 1, 100);
	cs_el_put_ecn_support(&w->wr, &ecn);
	cs_el_put_ctrl_ipv4(&w->wr, &c);
	cs_el_put_local_ipv4(&w->wr, &l);
	if (image != NULL) {
		struct cs_el_image_id id = { .vendor = CS_CISCO_VENDOR_ID,
			.data = (const uint8_t *)image,
			.len = strlen(image) };

		cs_el_put_image_id(&w->wr, &id);
	}
	return w_end(w);
}

static size_t
w_config_status_resp(
    struct wlc *w, uint8_t seq, bool with_timers, uint8_t echo_s)
{
	struct cs_el_timers t = { .discovery = 10, .echo_request = echo_s };
	struct cs_el_decrypt_err_period dp = { .radio_id = 1,
		.report_interval = 120 };
	struct cs_el_idle_timeout it = { .timeout = 300 };
	struct cs_el_wtp_fallback fb = { .mode = 1 };
	struct cs_el_ac_ipv4_list al = { .n = 1, .addr = { AC1 } };

	w_begin(w, CS_MSG_CONFIG_STATUS_RESP, seq);
	if (with_timers)
		cs_el_put_timers(&w->wr, &t);
	cs_el_put_decrypt_err_period(&w->wr, &dp);
	cs_el_put_decrypt_err_period(&w->wr,
	    &(struct cs_el_decrypt_err_period){
	        .radio_id = 2, .report_interval = 120 });
	cs_el_put_idle_timeout(&w->wr, &it);
	cs_el_put_wtp_fallback(&w->wr, &fb);
	cs_el_put_ac_ipv4_list(&w->wr, &al);
	return w_end(w);
}

/* A message with just an optional Result Code. */
static size_t
w_simple(struct wlc *w, uint32_t type, uint8_t seq, bool with_rc, uint32_t rc)
{
	w_begin(w, type, seq);
	if (with_rc) {
		struct cs_el_result_code r = { .code = rc };

		cs_el_put_result_code(&w->wr, &r);
	}
	return w_end(w);
}

static size_t
w_image_data_req(struct wlc *w, uint8_t seq, uint8_t dtype, size_t n)
{
	static uint8_t data[1024];
	struct cs_el_image_data d = {
		.data_type = dtype, .data = data, .len = n
	};

	memset(data, 0xa5, sizeof(data));
	w_begin(w, CS_MSG_IMAGE_DATA_REQ, seq);
	cs_el_put_image_data(&w->wr, &d);
	return w_end(w);
}

/* What n bytes of w_image_data_req data hash to (RFC 1321). */
static void
img_md5(size_t n, uint8_t out[16])
{
	struct cs_wlc_md5 c;
	uint8_t b = 0xa5;

	cs_wlc_md5_init(&c);
	for (size_t i = 0; i < n; i++)
		cs_wlc_md5_update(&c, &b, 1);
	cs_wlc_md5_final(&c, out);
}

/* Image Data Response to Initiate Download: Result Code + Image
 * Information (RFC 5415 §9.1.2) for `size` bytes of 0xa5. */
static size_t
w_image_resp(struct wlc *w, uint8_t seq, uint32_t size)
{
	struct cs_el_result_code r = { .code = 0 };
	struct cs_el_image_info info = { .file_size = size };

	img_md5(size, info.hash);
	w_begin(w, CS_MSG_IMAGE_DATA_RESP, seq);
	cs_el_put_result_code(&w->wr, &r);
	cs_el_put_image_info(&w->wr, &info);
	return w_end(w);
}

/* Whether an event's reason says `what`. */
static bool
ev_says(const char *what)
{
	for (unsigned i = 0; i < F.n_ev; i++)
		if (strstr(F.ev[i].reason, what) != NULL)
			return true;
	return false;
}

static uint32_t
sent_rc(uint32_t type)
{
	struct cs_msg m;
	struct cs_el_result_code rc = { .code = 0xffff };

	decode_sent(last_sent(), &m, type);
	assert_int_equal(cs_el_get_result_code(
	                     cs_msg_find(&m, CS_EL_RESULT_CODE, 0), &rc, NULL),
	    0);
	return rc.code;
}

static size_t
w_reset_req(struct wlc *w, uint8_t seq, const char *image)
{
	struct cs_el_image_id id = { .vendor = CS_CISCO_VENDOR_ID,
		.data = (const uint8_t *)image,
		.len = strlen(image) };

	w_begin(w, CS_MSG_RESET_REQ, seq);
	cs_el_put_image_id(&w->wr, &id);
	return w_end(w);
}

static int
secure_in(const struct wlc *w)
{
	F.now += 10;
	return cs_ap_input_secure(F.ap, w->buf, w->wr.len, F.now);
}

/* Answers the outstanding request (last secure datagram). */
static uint8_t
last_seq(void)
{
	return last_sent()->hint.seq;
}

/* ---- paths to a state ---- */

static void
to_join(void)
{
	F.cfg.skip_discovery = true;
	make();
	assert_int_equal(cs_ap_start(F.ap, F.now), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_SETUP);
	assert_int_equal(F.dtls_ip, AC1);
	cs_ap_dtls_done(F.ap, &(struct cs_dtls_outcome){ .ok = true }, F.now);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_JOIN);
}

static void
to_configure(void)
{
	struct wlc w;

	to_join();
	w_join_resp(&w, last_seq(), 0, NULL);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_CONFIGURE);
}

static void
to_run(void)
{
	struct wlc w;

	to_configure();
	w_config_status_resp(&w, last_seq(), true, 30);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DATA_CHECK);
	w_simple(&w, CS_MSG_CHANGE_STATE_RESP, last_seq(), false, 0);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_RUN);
}

/* Join with the fake WLC's policy; the Join must fail on it. */
static void
to_configure_fails(void)
{
	struct wlc w;

	to_join();
	w_join_resp(&w, last_seq(), 0, NULL);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	assert_non_null(strstr(last_failure()->reason,
	    "offers only a clear-text data channel, the AP requires"));
	assert_int_equal(last_failure()->phase, CS_PHASE_JOIN);
}

/* ---- tests ---- */

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(cs_ap_state_name(CS_AP_DTLS_SETUP), "DTLS-Setup");
	assert_string_equal(
	    cs_ap_state_name(CS_AP_DTLS_TEARDOWN), "DTLS-Teardown");
	assert_null(cs_ap_state_name(CS_AP__COUNT));
	assert_string_equal(cs_ap_timer_name(CS_AP_T_WAIT_DTLS), "WaitDTLS");
	assert_null(cs_ap_timer_name(CS_AP_T__COUNT));
	assert_string_equal(cs_ap_ev_kind_name(CS_AP_EV_FAILURE), "failure");
	assert_null(cs_ap_ev_kind_name(CS_AP_EV__COUNT));
	assert_string_equal(cs_phase_name(CS_PHASE_DTLS), "dtls-handshake");
	assert_string_equal(
	    cs_phase_wlc_name(CS_PHASE_IMAGE), "Image-Download");
	assert_string_equal(cs_phase_wlc_name(CS_PHASE_CONFIGURE), "Config");
	assert_null(cs_phase_name(CS_PHASE__COUNT));
	assert_null(cs_phase_wlc_name((enum cs_phase)99));
	for (unsigned i = 0; i < CS_AP_E__COUNT; i++)
		assert_string_not_equal(
		    cs_ap_fsm_ev_name((enum cs_ap_fsm_ev)i), "?");
}

/* The image policy's one word list, for the CLI and the scenario. */
static void
test_image_policy_words(void **state)
{
	enum cs_ap_image_policy ip = CS_AP_IMAGE_ADOPT;

	(void)state;
	assert_int_equal(cs_ap_image_policy_parse("predownload", &ip), 0);
	assert_int_equal(ip, CS_AP_IMAGE_PREDOWNLOAD);
	assert_int_equal(cs_ap_image_policy_parse("download", &ip), 0);
	assert_int_equal(ip, CS_AP_IMAGE_DOWNLOAD);
	assert_int_equal(cs_ap_image_policy_parse("Download", &ip), -EINVAL);
	assert_int_equal(cs_ap_image_policy_parse("", &ip), -EINVAL);
	assert_int_equal(ip, CS_AP_IMAGE_DOWNLOAD); /* untouched */
	assert_int_equal(cs_ap_image_policy_parse(NULL, &ip), -EINVAL);
	assert_int_equal(cs_ap_image_policy_parse("adopt", NULL), -EINVAL);
	assert_string_equal(
	    cs_ap_image_policy_words[CS_AP_IMAGE_ADOPT], "adopt");
	assert_null(cs_ap_image_policy_words[CS_AP_IMAGE_PREDOWNLOAD + 1]);
}

/* Data channel DTLS (RFC 5415 §4.6.1): the choice at Join from the AC
 * Descriptor, the glue's outcome, and the failure reasons of their own. */
static bool
has_info(const char *text)
{
	for (unsigned i = 0; i < F.n_ev; i++)
		if (F.ev[i].kind == CS_AP_EV_INFO &&
		    strstr(F.ev[i].reason, text) != NULL)
			return true;
	return false;
}

static void
test_data_dtls_choice(void **state)
{
	static const struct {
		enum cs_data_dtls ap;
		uint8_t ac;
		bool use;
	} t[] = {
		{ CS_DATA_DTLS_OFF, CS_ACD_DTLS_C | CS_ACD_DTLS_D, false },
		{ CS_DATA_DTLS_OFF, CS_ACD_DTLS_D, true },
		{ CS_DATA_DTLS_OPTIONAL, CS_ACD_DTLS_C, false },
		{ CS_DATA_DTLS_OPTIONAL, CS_ACD_DTLS_C | CS_ACD_DTLS_D, true },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		teardown(state);
		setup(state);
		F.cfg.data_dtls = t[i].ap;
		w_dtls_policy = t[i].ac;
		assert_false(cs_ap_data_dtls(F.ap));
		to_run();
		assert_int_equal(cs_ap_data_dtls(F.ap), t[i].use);
		assert_int_equal(has_info("data channel over DTLS"), t[i].use);
		/* the keep-alive goes to the glue on the data channel either
		 * way: the glue protects it when the AP chose DTLS */
		assert_int_equal(last_sent()->ch, CS_CHAN_DATA);
		assert_true(last_sent()->hint.is_keepalive);
	}
	/* the AP requires DTLS, the AC offers only clear text: no option
	 * fits, the Join fails with a reason that says so */
	teardown(state);
	setup(state);
	F.cfg.data_dtls = CS_DATA_DTLS_REQUIRED;
	to_configure_fails();
}

static void
test_data_dtls_outcomes(void **state)
{
	(void)state;
	/* established: noted, the AP stays in Run; a dead data channel
	 * later is the ordinary data-channel-dead reason */
	F.cfg.data_dtls = CS_DATA_DTLS_OPTIONAL;
	w_dtls_policy = CS_ACD_DTLS_D;
	to_run();
	cs_ap_data_dtls_done(
	    F.ap, &(struct cs_dtls_outcome){ .ok = true }, F.now);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_RUN);
	assert_true(has_info("data channel DTLS established"));
	fire(CS_AP_T_DATA_DEAD, -1);
	assert_non_null(strstr(last_failure()->reason, "data channel dead"));
	teardown(state);

	/* the handshake never completed: its own reason */
	setup(state);
	F.cfg.data_dtls = CS_DATA_DTLS_OPTIONAL;
	w_dtls_policy = CS_ACD_DTLS_C | CS_ACD_DTLS_D;
	to_run();
	fire(CS_AP_T_DATA_DEAD, F.cfg.data_dead_ms);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	assert_non_null(strstr(last_failure()->reason,
	    "data channel DTLS: handshake on UDP 5247 not completed"));
	assert_int_equal(last_failure()->phase, CS_PHASE_RUN);
	teardown(state);

	/* the glue reports an alert: torn down with the glue's reason */
	setup(state);
	F.cfg.data_dtls = CS_DATA_DTLS_REQUIRED;
	w_dtls_policy = CS_ACD_DTLS_D;
	to_run();
	cs_ap_data_dtls_done(F.ap,
	    &(struct cs_dtls_outcome){ .reason = "fatal alert from WLC" },
	    F.now);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	assert_string_equal(
	    last_failure()->reason, "data channel DTLS: fatal alert from WLC");
	/* outside Run it is dropped, not obeyed */
	cs_ap_data_dtls_done(
	    F.ap, &(struct cs_dtls_outcome){ .ok = true }, F.now);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
}

static void
test_backoff(void **state)
{
	static const uint64_t want[] = { 3000, 6000, 12000, 24000, 48000,
		96000 };
	struct cs_ap_cfg c;

	(void)state;
	cs_ap_cfg_defaults(&c);
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(cs_ap_rtx_delay_ms(&c, i), want[i]);
	c.retransmit_cap_half_echo = true; /* RFC 5415 §4.5.3 cap */
	assert_int_equal(cs_ap_rtx_delay_ms(&c, 2), 12000);
	assert_int_equal(cs_ap_rtx_delay_ms(&c, 3), 15000);
	c.echo_interval_ms = 2000; /* cap below the interval: interval */
	assert_int_equal(cs_ap_rtx_delay_ms(&c, 4), 3000);
	c.retransmit_cap_half_echo = false;
	assert_int_equal(cs_ap_rtx_delay_ms(&c, 200), UINT32_MAX);
	assert_int_equal(cs_ap_discovery_delay_ms(&c, 0, 777), 777);
	assert_int_equal(cs_ap_discovery_delay_ms(&c, 1, 777), 5000);
	assert_int_equal(cs_ap_discovery_delay_ms(&c, 9, 777), 5000);
	/* RFC 5415 §4.5.3 mod-256 ordering */
	assert_true(cs_ap_seq_older(1, 2));
	assert_false(cs_ap_seq_older(2, 1));
	assert_true(cs_ap_seq_older(250, 3));
	assert_false(cs_ap_seq_older(3, 250));
	assert_false(cs_ap_seq_older(7, 7));
	assert_false(cs_ap_seq_older(0, 128));
	assert_false(cs_ap_seq_older(128, 0));
}

static void
test_select(void **state)
{
	struct cs_ap_cand c[3] = {
		{ .active_wtps = 50, .max_wtps = 100, .order = 0 },
		{ .active_wtps = 10, .max_wtps = 100, .order = 1 },
		{ .active_wtps = 90, .max_wtps = 100, .order = 2 },
	};

	(void)state;
	assert_int_equal(cs_ap_select(c, 0), -1);
	assert_int_equal(cs_ap_select(c, 3), 1); /* least loaded */
	c[2].primed_rank = 3;
	assert_int_equal(cs_ap_select(c, 3), 2); /* primed beats load */
	c[0].primed_rank = 1;
	assert_int_equal(cs_ap_select(c, 3), 0); /* primary beats tertiary */
	c[0].primed_rank = c[2].primed_rank = 0;
	c[0].active_wtps = 10; /* tie -> first responder */
	assert_int_equal(cs_ap_select(c, 3), 0);
	c[1].active_wtps = 200; /* overloaded counts as no spare room */
	c[0].active_wtps = 100;
	c[2].active_wtps = 100;
	assert_int_equal(cs_ap_select(c, 3), 0);
}

static void
test_args(void **state)
{
	struct cs_ap *ap = (struct cs_ap *)&F; /* poison: must stay */
	struct cs_ap_cfg bad;
	struct cs_ap_io io = f_io;
	uint8_t sid[16];

	(void)state;
	assert_int_equal(cs_ap_cfg_defaults(NULL), -EINVAL);
	assert_int_equal(cs_ap_new(NULL, &F.cfg, &f_io), -EINVAL);
	assert_int_equal(cs_ap_new(&ap, NULL, &f_io), -EINVAL);
	assert_int_equal(cs_ap_new(&ap, &F.cfg, NULL), -EINVAL);
	io.rand = NULL;
	assert_int_equal(cs_ap_new(&ap, &F.cfg, &io), -EINVAL);
	bad = F.cfg;
	bad.target_count = 0;
	assert_int_equal(cs_ap_new(&ap, &bad, &f_io), -EINVAL);
	bad = F.cfg;
	bad.radio_count = CS_AP_MAX_RADIOS + 1;
	assert_int_equal(cs_ap_new(&ap, &bad, &f_io), -EINVAL);
	bad = F.cfg;
	bad.name = "";
	assert_int_equal(cs_ap_new(&ap, &bad, &f_io), -EINVAL);
	bad = F.cfg;
	bad.board_vendor = 0;
	assert_int_equal(cs_ap_new(&ap, &bad, &f_io), -EINVAL);
	bad = F.cfg;
	bad.wait_dtls_ms = 0;
	assert_int_equal(cs_ap_new(&ap, &bad, &f_io), -EINVAL);
	assert_ptr_equal(ap, (struct cs_ap *)&F); /* untouched */

	assert_int_equal(cs_ap_start(NULL, 0), -EINVAL);
	assert_int_equal(
	    cs_ap_input_clear(NULL, CS_CHAN_CONTROL, 0, 0, sid, 1, 0), -EINVAL);
	assert_int_equal(cs_ap_input_secure(NULL, sid, 1, 0), -EINVAL);
	cs_ap_dtls_done(NULL, NULL, 0);
	cs_ap_timer_fired(NULL, CS_AP_T_ECHO, 0);
	assert_int_equal(cs_ap_state(NULL), CS_AP__COUNT);
	assert_null(cs_ap_stats(NULL));
	assert_int_equal(cs_ap_ac_ip(NULL), 0);
	assert_null(cs_ap_sw_version(NULL));
	assert_int_equal(cs_ap_session_id(NULL, sid), -EINVAL);
	cs_ap_free(NULL);

	make();
	assert_int_equal(cs_ap_input_secure(F.ap, NULL, 3, 0), -EINVAL);
	assert_int_equal(
	    cs_ap_input_clear(F.ap, (enum cs_chan)7, 0, 0, sid, 1, 0), -EINVAL);
	assert_int_equal(cs_ap_session_id(F.ap, sid), -ENOENT);
	assert_int_equal(cs_ap_session_id(F.ap, NULL), -EINVAL);
	cs_ap_timer_fired(F.ap, CS_AP_T__COUNT, 0); /* ignored */
	cs_ap_dtls_done(F.ap, NULL, 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_IDLE);
	assert_int_equal(cs_ap_start(F.ap, 0), 0);
	assert_int_equal(cs_ap_start(F.ap, 0), -EBUSY);
}

static void
test_discovery_to_sulking(void **state)
{
	struct cs_msg m;
	struct cs_el_board_data bd;
	uint8_t mac[8];
	const struct rec_ev *fe;

	(void)state;
	F.rnd = 7777;
	make();
	assert_int_equal(cs_ap_start(F.ap, 0), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DISCOVERY);
	assert_int_equal(F.n_sent, 0);
	/* first Discovery Request after a random delay < MaxDiscoveryInterval
	 */
	fire(CS_AP_T_DISCOVERY_DELAY, 7777);
	assert_int_equal(F.n_sent, 2);
	for (unsigned i = 0; i < 2; i++) {
		const struct sent *s = &F.sent[i];

		assert_false(s->is_secure);
		assert_int_equal(s->ch, CS_CHAN_CONTROL);
		assert_int_equal(s->port, 5246);
		assert_int_equal(s->dst, i == 0 ? AC1 : AC2);
		decode_sent(s, &m, CS_MSG_DISCOVERY_REQ);
		assert_int_equal(cs_msg_count(&m, CS_EL_80211_RADIO_INFO), 2);
		assert_int_equal(
		    cs_el_get_board_data(
		        cs_msg_find(&m, CS_EL_BOARD_DATA, 0), &bd, NULL),
		    0);
		assert_int_equal(cs_board_data_base_mac(&bd, mac), 6);
		assert_memory_equal(mac, F.cfg.mac, 6);
		assert_non_null(cs_msg_find(&m, CS_EL_WTP_DESCRIPTOR, 0));
		assert_non_null(cs_msg_find(&m, CS_EL_DISCOVERY_TYPE, 0));
	}
	for (unsigned i = 1; i < 10; i++)
		fire(CS_AP_T_DISCOVERY_INTERVAL, 5000);
	assert_int_equal(F.n_sent, 20);
	assert_int_equal(cs_ap_stats(F.ap)->discoveries_sent, 20);
	/* MaxDiscoveries reached -> Sulking */
	fire(CS_AP_T_DISCOVERY_INTERVAL, 5000);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_SULKING);
	fe = last_failure();
	assert_string_equal(
	    fe->reason, "no Discovery Response after 10 Discovery Requests");
	assert_int_equal(fe->phase, CS_PHASE_DISCOVERY);
	assert_int_equal(fe->from, CS_AP_DISCOVERY);
	assert_int_equal(fe->to, CS_AP_SULKING);
	/* sulking: CAPWAP ignored */
	{
		struct wlc w;
		uint32_t ip[1] = { AC1 };
		uint16_t n[1] = { 0 };

		w_discovery_resp(&w, 0, "WLC", 0, 10, 1, ip, n);
		assert_int_equal(cs_ap_input_clear(F.ap, CS_CHAN_CONTROL, AC1,
		                     5246, w.buf, w.wr.len, F.now),
		    -EPROTO);
	}
	for (unsigned t = 0; t < CS_AP_T__COUNT; t++)
		assert_int_equal(F.armed[t], t == CS_AP_T_SILENT);
	fire(CS_AP_T_SILENT, 30000);
	/* Sulking -> Idle -> Discovery again */
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DISCOVERY);
	assert_true(F.armed[CS_AP_T_DISCOVERY_DELAY]);
}

static void
discover(const char *n1, uint16_t a1, unsigned nc1, const uint32_t *c1,
    const uint16_t *w1, const char *n2, uint16_t a2, unsigned nc2,
    const uint32_t *c2, const uint16_t *w2)
{
	struct wlc w;
	uint8_t seq;

	make();
	assert_int_equal(cs_ap_start(F.ap, 0), 0);
	fire(CS_AP_T_DISCOVERY_DELAY, -1);
	seq = last_sent()->hint.seq;
	w_discovery_resp(&w, seq, n1, a1, 100, nc1, c1, w1);
	assert_int_equal(cs_ap_input_clear(F.ap, CS_CHAN_CONTROL, AC1, 5246,
	                     w.buf, w.wr.len, F.now + 5),
	    0);
	/* the collection window started */
	assert_true(F.armed[CS_AP_T_DISCOVERY_INTERVAL]);
	assert_int_equal(F.due[CS_AP_T_DISCOVERY_INTERVAL], 5000);
	w_discovery_resp(&w, seq, n2, a2, 100, nc2, c2, w2);
	assert_int_equal(cs_ap_input_clear(F.ap, CS_CHAN_CONTROL, AC2, 5246,
	                     w.buf, w.wr.len, F.now + 6),
	    0);
	/* a duplicate from the same AC is ignored */
	assert_int_equal(cs_ap_input_clear(F.ap, CS_CHAN_CONTROL, AC2, 5246,
	                     w.buf, w.wr.len, F.now + 7),
	    0);
	assert_int_equal(cs_ap_stats(F.ap)->discovery_responses, 2);
	assert_int_equal(F.dtls_starts, 0);
	fire(CS_AP_T_DISCOVERY_INTERVAL, 5000);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_SETUP);
	assert_int_equal(F.dtls_starts, 1);
	assert_true(F.armed[CS_AP_T_WAIT_DTLS]);
	assert_int_equal(F.due[CS_AP_T_WAIT_DTLS], 60000);
}

static void
test_select_primed(void **state)
{
	uint32_t c1[1] = { AC1 };
	uint16_t w1[1] = { 1 };
	/* the primed one advertises two interfaces: fewest WTPs wins */
	uint32_t c2[2] = { IP(127, 0, 0, 21), IP(127, 0, 0, 22) };
	uint16_t w2[2] = { 40, 3 };

	(void)state;
	F.cfg.primed[1] = "WLC-SECONDARY";
	discover("WLC-IDLE", 0, 1, c1, w1, "WLC-SECONDARY", 99, 2, c2, w2);
	assert_int_equal(F.dtls_ip, IP(127, 0, 0, 22));
	assert_int_equal(cs_ap_ac_ip(F.ap), IP(127, 0, 0, 22));
	assert_non_null(
	    strstr(find_ev(CS_AP_EV_INFO, 0)->reason, "primed secondary"));
}

static void
test_select_least_loaded(void **state)
{
	uint32_t c1[1] = { IP(127, 0, 0, 11) };
	uint16_t w1[1] = { 80 };
	uint32_t c2[1] = { IP(127, 0, 0, 23) };
	uint16_t w2[1] = { 5 };

	(void)state;
	F.cfg.primed[0] = "NOT-THERE";
	discover("WLC-BUSY", 80, 1, c1, w1, "WLC-QUIET", 5, 1, c2, w2);
	/* Join goes to the Control IPv4 Address, not the responder (AC2) */
	assert_int_equal(F.dtls_ip, IP(127, 0, 0, 23));
	assert_non_null(
	    strstr(find_ev(CS_AP_EV_INFO, 0)->reason, "least loaded"));
}

static void
test_discovery_resp_rejected(void **state)
{
	struct wlc w;
	uint32_t c[1] = { AC1 };
	uint16_t n[1] = { 0 };
	uint8_t seq;

	(void)state;
	make();
	assert_int_equal(cs_ap_start(F.ap, 0), 0);
	/* before any request: nothing to answer */
	w_discovery_resp(&w, 0, "WLC", 0, 10, 1, c, n);
	assert_int_equal(cs_ap_input_clear(F.ap, CS_CHAN_CONTROL, AC1, 5246,
	                     w.buf, w.wr.len, 1),
	    -EPROTO);
	fire(CS_AP_T_DISCOVERY_DELAY, -1);
	seq = last_sent()->hint.seq;
	/* wrong sequence number */
	w_discovery_resp(&w, (uint8_t)(seq + 1), "WLC", 0, 10, 1, c, n);
	assert_int_equal(cs_ap_input_clear(F.ap, CS_CHAN_CONTROL, AC1, 5246,
	                     w.buf, w.wr.len, F.now),
	    -EPROTO);
	assert_non_null(strstr(F.ev[F.n_ev - 1].reason, "sequence"));
	/* no Control IPv4 Address: mandatory element missing */
	w_discovery_resp(&w, seq, "WLC", 0, 10, 0, c, n);
	assert_int_equal(cs_ap_input_clear(F.ap, CS_CHAN_CONTROL, AC1, 5246,
	                     w.buf, w.wr.len, F.now),
	    -EPROTO);
	assert_int_equal(F.ev[F.n_ev - 1].kind, CS_AP_EV_DROPPED);
	/* garbage */
	assert_int_equal(cs_ap_input_clear(F.ap, CS_CHAN_CONTROL, AC1, 5246,
	                     (const uint8_t *)"\x00\x10", 2, F.now),
	    -EBADMSG);
	/* a Join Response in the clear */
	w_join_resp(&w, seq, 0, NULL);
	assert_int_equal(cs_ap_input_clear(F.ap, CS_CHAN_CONTROL, AC1, 5246,
	                     w.buf, w.wr.len, F.now),
	    -EPROTO);
	assert_int_equal(cs_ap_stats(F.ap)->discovery_responses, 0);
	assert_int_equal(cs_ap_stats(F.ap)->dropped, 5);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DISCOVERY);
}

static void
test_wait_dtls_expiry(void **state)
{
	const struct rec_ev *fe;

	(void)state;
	F.cfg.skip_discovery = true;
	make();
	assert_int_equal(cs_ap_start(F.ap, 0), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_SETUP);
	fire(CS_AP_T_WAIT_DTLS, 60000);
	fe = last_failure();
	assert_string_equal(fe->reason, "WaitDTLS expired after 60 s");
	assert_int_equal(fe->phase, CS_PHASE_DTLS);
	assert_int_equal(fe->to, CS_AP_IDLE);
	assert_int_equal(F.dtls_stops, 1);
	assert_false(F.last_graceful);
	/* Idle -> DTLS Setup again (pre-configured controller) */
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_SETUP);
	assert_int_equal(F.dtls_starts, 2);
}

/* A session the glue holds for a handshake slot has not started DTLS:
 * WaitDTLS runs from the ClientHello, not from the queue (issue 12). */
static void
test_wait_dtls_from_client_hello(void **state)
{
	(void)state;
	F.cfg.skip_discovery = true;
	F.dtls_queue = true;
	make();
	assert_int_equal(cs_ap_start(F.ap, 0), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_SETUP);
	assert_int_equal(F.dtls_starts, 1);
	assert_false(F.armed[CS_AP_T_WAIT_DTLS]);
	/* 90 s in the simulator's queue: no failure, still DTLS Setup */
	F.now += 90000;
	cs_ap_dtls_sent(F.ap, F.now);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_SETUP);
	assert_true(F.armed[CS_AP_T_WAIT_DTLS]);
	assert_int_equal(F.due[CS_AP_T_WAIT_DTLS], 60000);
	/* a second "sent" is a glue mistake: dropped, timer unchanged */
	cs_ap_dtls_sent(F.ap, F.now + 1);
	assert_non_null(find_ev(CS_AP_EV_DROPPED, 0));
	assert_true(F.armed[CS_AP_T_WAIT_DTLS]);
	cs_ap_dtls_done(F.ap, &(struct cs_dtls_outcome){ .ok = true }, F.now);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_JOIN);
	assert_false(F.armed[CS_AP_T_WAIT_DTLS]);
}

/* Not queued: WaitDTLS from the start of DTLS Setup (the real AP). */
static void
test_wait_dtls_not_queued(void **state)
{
	(void)state;
	F.cfg.skip_discovery = true;
	make();
	assert_int_equal(cs_ap_start(F.ap, 0), 0);
	assert_true(F.armed[CS_AP_T_WAIT_DTLS]);
	assert_int_equal(F.due[CS_AP_T_WAIT_DTLS], 60000);
	cs_ap_dtls_sent(F.ap, 10);
	assert_non_null(find_ev(CS_AP_EV_DROPPED, 0));
}

static void
test_dtls_fail_sulking(void **state)
{
	struct cs_dtls_outcome o = { .ok = false,
		.reason = "peer certificate not yet valid" };
	const struct rec_ev *fe;

	(void)state;
	F.cfg.skip_discovery = true;
	make();
	assert_int_equal(cs_ap_start(F.ap, 0), 0);
	for (unsigned i = 0; i < 2; i++) {
		cs_ap_dtls_done(F.ap, &o, ++F.now);
		assert_string_equal(last_failure()->reason,
		    "DTLS: peer certificate not yet valid");
		assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_SETUP);
	}
	cs_ap_dtls_done(F.ap, &o, ++F.now);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_SULKING);
	fe = last_failure();
	assert_string_equal(fe->reason,
	    "DTLS: peer certificate not yet valid (3 failed DTLS sessions: "
	    "sulking)");
	assert_int_equal(fe->phase, CS_PHASE_DTLS);
	assert_int_equal(cs_ap_stats(F.ap)->dtls_failures, 3);
	fire(CS_AP_T_SILENT, 30000);
	/* counters reset: three more tries before sulking again */
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_SETUP);
	cs_ap_dtls_done(F.ap, &o, ++F.now);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_SETUP);
	/* a success resets FailedDTLSSessionCount */
	cs_ap_dtls_done(F.ap, &(struct cs_dtls_outcome){ .ok = true }, ++F.now);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_JOIN);
}

static void
test_join_request_and_exhaustion(void **state)
{
	static const uint32_t delays[] = { 3000, 6000, 12000, 24000, 48000 };
	struct cs_msg m;
	struct cs_el_local_ipv4 lip;
	struct cs_el_session_id sid;
	uint8_t sid2[16];
	const struct sent *first;
	const struct rec_ev *fe;

	(void)state;
	to_join();
	first = last_sent();
	assert_true(first->is_secure);
	decode_sent(first, &m, CS_MSG_JOIN_REQ);
	assert_int_equal(cs_el_get_local_ipv4(
	                     cs_msg_find(&m, CS_EL_LOCAL_IPV4, 0), &lip, NULL),
	    0);
	assert_int_equal(lip.addr, F.cfg.ip);
	assert_int_equal(cs_el_get_session_id(
	                     cs_msg_find(&m, CS_EL_SESSION_ID, 0), &sid, NULL),
	    0);
	assert_int_equal(cs_ap_session_id(F.ap, sid2), 0);
	assert_memory_equal(sid.id, sid2, 16);
	assert_non_null(cs_msg_find(&m, CS_EL_ECN_SUPPORT, 0));
	assert_non_null(cs_msg_find(&m, CS_EL_WTP_NAME, 0));
	assert_non_null(cs_msg_find(&m, CS_EL_LOCATION, 0));
	assert_int_equal(cs_msg_count(&m, CS_EL_80211_RADIO_INFO), 2);
	for (unsigned i = 0; i < 5; i++) {
		fire(CS_AP_T_RETRANSMIT, delays[i]);
		/* unchanged: same bytes, same sequence number */
		assert_int_equal(last_sent()->len, F.sent[0].len);
		assert_memory_equal(
		    last_sent()->buf, F.sent[0].buf, F.sent[0].len);
		assert_true(last_sent()->hint.is_retransmit);
	}
	assert_int_equal(F.n_sent, 6);
	assert_int_equal(cs_ap_stats(F.ap)->retransmits, 5);
	fire(CS_AP_T_RETRANSMIT, 96000);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	fe = last_failure();
	assert_string_equal(
	    fe->reason, "no response to Join Request after 5 retransmissions");
	assert_int_equal(fe->phase, CS_PHASE_JOIN);
	assert_int_equal(F.dtls_stops, 1);
	fire(CS_AP_T_SESSION_DELETE, 5000);
	/* Teardown -> Idle -> DTLS Setup (static priming) */
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_SETUP);
	assert_int_equal(F.dtls_starts, 2);
}

static void
test_join_result_failure(void **state)
{
	struct wlc w;
	const struct rec_ev *fe;
	char want[160];

	(void)state;
	to_join();
	w_join_resp(&w, last_seq(), CS_RC_JOIN_FAIL_RESOURCE, NULL);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	fe = last_failure();
	snprintf(want, sizeof(want), "Join Response result code 4: %s",
	    cs_result_code_name(4));
	assert_string_equal(fe->reason, want);
	assert_int_equal(fe->phase, CS_PHASE_JOIN);
	assert_true(F.last_graceful);
	assert_false(F.armed[CS_AP_T_RETRANSMIT]);
	assert_true(F.armed[CS_AP_T_SESSION_DELETE]);
}

static void
test_full_join_to_run(void **state)
{
	struct wlc w;
	struct cs_msg m;
	const struct sent *ka;
	unsigned ev0;

	(void)state;
	to_join();
	/* NAT detected is a success, reported as an event */
	w_join_resp(&w, last_seq(), CS_RC_SUCCESS_NAT, NULL);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_CONFIGURE);
	assert_non_null(strstr(find_ev(CS_AP_EV_INFO, 0)->reason, "NAT"));
	decode_sent(last_sent(), &m, CS_MSG_CONFIG_STATUS_REQ);
	/* conservative: one Radio Administrative State per radio, no
	 * WTP-wide Radio ID 255 entry unless a profile asks */
	assert_int_equal(cs_msg_count(&m, CS_EL_RADIO_ADMIN_STATE), 2);
	for (unsigned i = 0; i < 2; i++) {
		struct cs_el_radio_admin_state ras;

		assert_int_equal(
		    cs_el_get_radio_admin_state(
		        cs_msg_find(&m, CS_EL_RADIO_ADMIN_STATE, i), &ras,
		        NULL),
		    0);
		assert_int_equal(ras.radio_id, i + 1);
	}
	{
		struct cs_el_ac_name an;

		assert_int_equal(
		    cs_el_get_ac_name(
		        cs_msg_find(&m, CS_EL_AC_NAME, 0), &an, NULL),
		    0);
		assert_int_equal(an.name.len, 5);
		assert_memory_equal(an.name.s, "WLC-A", 5);
	}
	assert_non_null(cs_msg_find(&m, CS_EL_STATS_TIMER, 0));
	assert_non_null(cs_msg_find(&m, CS_EL_REBOOT_STATS, 0));
	/* the AC's CAPWAP Timers are adopted (echo 20 s) */
	w_config_status_resp(&w, last_seq(), true, 20);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DATA_CHECK);
	decode_sent(last_sent(), &m, CS_MSG_CHANGE_STATE_REQ);
	assert_int_equal(cs_msg_count(&m, CS_EL_RADIO_OPER_STATE), 2);
	ev0 = F.n_ev;
	w_simple(&w, CS_MSG_CHANGE_STATE_RESP, last_seq(), false, 0);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_RUN);
	assert_int_equal(find_ev(CS_AP_EV_STATE, ev0)->to, CS_AP_RUN);
	/* keep-alive on the data channel, clear, AC port 5247 */
	ka = last_sent();
	assert_false(ka->is_secure);
	assert_int_equal(ka->ch, CS_CHAN_DATA);
	assert_int_equal(ka->dst, AC1);
	assert_int_equal(ka->port, 5247);
	assert_true(ka->hint.is_keepalive);
	assert_int_equal(cs_ap_check_keepalive(F.ap, ka->buf, ka->len), 0);
	assert_int_equal(ka->len, 8 + 2 + 4 + 16);
	assert_int_equal(ka->buf[3] & 0x08, 0x08); /* K */
	assert_int_equal(ka->buf[2] & 0x3e, 0);    /* WBID 0 */
	assert_true(F.armed[CS_AP_T_ECHO]);
	assert_int_equal(F.due[CS_AP_T_ECHO], 20000);
	assert_true(F.armed[CS_AP_T_KEEPALIVE]);
	assert_int_equal(F.due[CS_AP_T_KEEPALIVE], 30000);
	assert_true(F.armed[CS_AP_T_DATA_DEAD]);
	assert_int_equal(F.due[CS_AP_T_DATA_DEAD], 60000);
	assert_false(F.armed[CS_AP_T_RETRANSMIT]);
	assert_int_equal(cs_ap_stats(F.ap)->runs, 1);
}

static void
test_image_adopt(void **state)
{
	struct wlc w;

	(void)state;
	to_join();
	assert_string_equal(cs_ap_sw_version(F.ap), F.cfg.sw_version);
	w_join_resp(&w, last_seq(), 0, "17.12.1.5");
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_CONFIGURE);
	assert_string_equal(cs_ap_sw_version(F.ap), "17.12.1.5");
	assert_non_null(strstr(find_ev(CS_AP_EV_INFO, 0)->reason, "adopted"));
}

static void
test_image_download(void **state)
{
	struct wlc w;
	struct cs_msg m;
	struct cs_el_image_id id;
	struct cs_el_result_code rc;

	(void)state;
	F.cfg.image_policy = CS_AP_IMAGE_DOWNLOAD;
	to_join();
	w_join_resp(&w, last_seq(), 0, "17.12.1.5");
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_IMAGE_DATA);
	/* §9.1: Image Data Request with Image Identifier + Initiate Download */
	decode_sent(last_sent(), &m, CS_MSG_IMAGE_DATA_REQ);
	assert_int_equal(
	    cs_el_get_image_id(cs_msg_find(&m, CS_EL_IMAGE_ID, 0), &id, NULL),
	    0);
	assert_int_equal(id.len, 9);
	assert_memory_equal(id.data, "17.12.1.5", 9);
	assert_non_null(cs_msg_find(&m, CS_EL_INITIATE_DOWNLOAD, 0));
	assert_true(F.armed[CS_AP_T_ECHO]);
	/* data before the AC accepted: refused with Result Code 18 */
	w_image_data_req(&w, 0, CS_IMG_DATA, 100);
	assert_int_equal(secure_in(&w), 0);
	decode_sent(last_sent(), &m, CS_MSG_IMAGE_DATA_RESP);
	cs_el_get_result_code(cs_msg_find(&m, CS_EL_RESULT_CODE, 0), &rc, NULL);
	assert_int_equal(rc.code, CS_RC_MSG_UNEXPECTED_STATE);
	w_image_resp(&w, F.sent[F.n_sent - 2].hint.seq, 3072);
	assert_int_equal(secure_in(&w), 0);
	/* the controller's queue may hold the first block: image_wait_ms */
	assert_true(F.armed[CS_AP_T_IMAGE_DATA_START]);
	assert_int_equal(F.due[CS_AP_T_IMAGE_DATA_START], 3600000);
	for (uint8_t s = 1; s <= 3; s++) {
		w_image_data_req(&w, s, CS_IMG_DATA, 1024);
		assert_int_equal(secure_in(&w), 0);
		decode_sent(last_sent(), &m, CS_MSG_IMAGE_DATA_RESP);
		assert_int_equal(m.ctl.seq, s);
		cs_el_get_result_code(
		    cs_msg_find(&m, CS_EL_RESULT_CODE, 0), &rc, NULL);
		assert_int_equal(rc.code, 0);
	}
	/* duplicate of the last one: cached answer, no double count */
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_stats(F.ap)->image_bytes, 3072);
	w_image_data_req(&w, 4, CS_IMG_EOF, 0);
	assert_int_equal(secure_in(&w), 0);
	decode_sent(last_sent(), &m, CS_MSG_IMAGE_DATA_RESP);
	/* Reset -> DTLS Teardown, running the new image */
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	assert_string_equal(cs_ap_sw_version(F.ap), "17.12.1.5");
	assert_true(F.last_graceful);
	fire(CS_AP_T_SESSION_DELETE, 5000);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_SETUP);
	cs_ap_dtls_done(F.ap, &(struct cs_dtls_outcome){ .ok = true }, F.now);
	w_join_resp(&w, last_seq(), 0, "17.12.1.5");
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_CONFIGURE);
}

static void
test_image_start_timer(void **state)
{
	struct wlc w;

	(void)state;
	F.cfg.image_policy = CS_AP_IMAGE_DOWNLOAD;
	to_join();
	w_join_resp(&w, last_seq(), 0, "18.1");
	assert_int_equal(secure_in(&w), 0);
	w_image_resp(&w, last_seq(), 4096);
	assert_int_equal(secure_in(&w), 0);
	w_image_data_req(&w, 1, CS_IMG_DATA, 1024);
	assert_int_equal(secure_in(&w), 0);
	/* between blocks: ImageDataStartTimer (§4.7.6) */
	fire(CS_AP_T_IMAGE_DATA_START, 30000);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	assert_int_equal(last_failure()->phase, CS_PHASE_IMAGE);
	assert_string_equal(cs_ap_sw_version(F.ap), F.cfg.sw_version);
}

/* §9.1.2: an Image Data Response without Image Information leaves the
 * AP nothing to check the image against: it abandons and resets. */
static void
test_image_no_info(void **state)
{
	struct wlc w;

	(void)state;
	F.cfg.image_policy = CS_AP_IMAGE_DOWNLOAD;
	to_join();
	w_join_resp(&w, last_seq(), 0, "18.1");
	assert_int_equal(secure_in(&w), 0);
	w_simple(&w, CS_MSG_IMAGE_DATA_RESP, last_seq(), true, 0);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	assert_int_equal(last_failure()->phase, CS_PHASE_IMAGE);
	assert_non_null(
	    strstr(last_failure()->reason, "without Image Information"));
	assert_int_equal(cs_ap_stats(F.ap)->image_failures, 1);
	assert_string_equal(cs_ap_sw_version(F.ap), F.cfg.sw_version);
}

/* The MD5 of what arrived differs from Image Information: Result Code
 * 14 (§4.6.35), the old image keeps running. */
static void
test_image_bad_hash(void **state)
{
	struct wlc w;
	struct cs_el_result_code r = { .code = 0 };
	struct cs_el_image_info info = { .file_size = 2048 };

	(void)state;
	F.cfg.image_policy = CS_AP_IMAGE_DOWNLOAD;
	to_join();
	w_join_resp(&w, last_seq(), 0, "18.1");
	assert_int_equal(secure_in(&w), 0);
	img_md5(2048, info.hash);
	info.hash[7] ^= 1;
	w_begin(&w, CS_MSG_IMAGE_DATA_RESP, last_seq());
	cs_el_put_result_code(&w.wr, &r);
	cs_el_put_image_info(&w.wr, &info);
	w_end(&w);
	assert_int_equal(secure_in(&w), 0);
	w_image_data_req(&w, 1, CS_IMG_DATA, 1024);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(sent_rc(CS_MSG_IMAGE_DATA_RESP), 0);
	w_image_data_req(&w, 2, CS_IMG_EOF, 1024);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(
	    sent_rc(CS_MSG_IMAGE_DATA_RESP), CS_RC_IMAGE_ERR_CHECKSUM);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	assert_int_equal(last_failure()->phase, CS_PHASE_IMAGE);
	assert_non_null(strstr(last_failure()->reason, "MD5"));
	assert_string_equal(cs_ap_sw_version(F.ap), F.cfg.sw_version);
}

/* More data than announced, or EOF short of it: Result Code 15. */
static void
test_image_bad_length(void **state)
{
	struct wlc w;

	(void)state;
	for (int round = 0; round < 2; round++) {
		F.cfg.image_policy = CS_AP_IMAGE_DOWNLOAD;
		to_join();
		w_join_resp(&w, last_seq(), 0, "18.1");
		assert_int_equal(secure_in(&w), 0);
		w_image_resp(&w, last_seq(), 1500);
		assert_int_equal(secure_in(&w), 0);
		w_image_data_req(&w, 1, CS_IMG_DATA, 1024);
		assert_int_equal(secure_in(&w), 0);
		/* round 0: 1024 more overruns 1500; round 1: EOF at 1024 */
		w_image_data_req(&w, 2, round == 0 ? CS_IMG_DATA : CS_IMG_EOF,
		    round == 0 ? 1024 : 0);
		assert_int_equal(secure_in(&w), 0);
		assert_int_equal(
		    sent_rc(CS_MSG_IMAGE_DATA_RESP), CS_RC_IMAGE_ERR_LENGTH);
		assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
		assert_non_null(strstr(last_failure()->reason,
		    round == 0 ? "runs past the 1500 bytes"
		               : "EOF after 1024 bytes"));
		teardown(NULL);
		setup(NULL);
	}
}

/* A 9800's pre-download: join with the running image, download the
 * controller's in Run (echoes and keep-alives go on), keep it, run it at
 * the controller's Reset Request (§9.1, §9.2). */
static void
test_image_predownload(void **state)
{
	struct wlc w;
	struct cs_msg m;
	struct cs_el_image_id id;
	uint8_t seq;

	(void)state;
	F.cfg.image_policy = CS_AP_IMAGE_PREDOWNLOAD;
	to_join();
	w_join_resp(&w, last_seq(), 0, "17.12.1.5");
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_CONFIGURE);
	assert_string_equal(cs_ap_sw_version(F.ap), F.cfg.sw_version);
	w_config_status_resp(&w, last_seq(), true, 30);
	assert_int_equal(secure_in(&w), 0);
	w_simple(&w, CS_MSG_CHANGE_STATE_RESP, last_seq(), false, 0);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_RUN);
	/* in Run, the first request is the download's */
	decode_sent(last_sent(), &m, CS_MSG_IMAGE_DATA_REQ);
	assert_int_equal(
	    cs_el_get_image_id(cs_msg_find(&m, CS_EL_IMAGE_ID, 0), &id, NULL),
	    0);
	assert_memory_equal(id.data, "17.12.1.5", 9);
	assert_non_null(cs_msg_find(&m, CS_EL_INITIATE_DOWNLOAD, 0));
	w_image_resp(&w, last_seq(), 2048);
	assert_int_equal(secure_in(&w), 0);
	assert_true(F.armed[CS_AP_T_IMAGE_DATA_START]);
	seq = 1;
	w_image_data_req(&w, seq++, CS_IMG_DATA, 1024);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(sent_rc(CS_MSG_IMAGE_DATA_RESP), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_RUN);
	w_image_data_req(&w, seq++, CS_IMG_EOF, 1024);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(sent_rc(CS_MSG_IMAGE_DATA_RESP), 0);
	/* stored, still running the old image, still in Run */
	assert_int_equal(cs_ap_state(F.ap), CS_AP_RUN);
	assert_string_equal(cs_ap_sw_version(F.ap), F.cfg.sw_version);
	assert_int_equal(cs_ap_stats(F.ap)->images, 1);
	assert_true(ev_says("image 17.12.1.5 pre-downloaded (2048 bytes"));
	/* the controller's reset runs it (§9.2) */
	w_reset_req(&w, seq++, "17.12.1.5");
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	assert_string_equal(cs_ap_sw_version(F.ap), "17.12.1.5");
	fire(CS_AP_T_SESSION_DELETE, 5000);
	cs_ap_dtls_done(F.ap, &(struct cs_dtls_outcome){ .ok = true }, F.now);
	w_join_resp(&w, last_seq(), 0, "17.12.1.5");
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_CONFIGURE);
}

/* Image Data the AP did not ask for, in Run: Result Code 18; a
 * pre-download the controller refuses leaves Run alone. */
static void
test_image_run_unexpected(void **state)
{
	struct wlc w;

	(void)state;
	to_run();
	w_image_data_req(&w, 1, CS_IMG_DATA, 1024);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(
	    sent_rc(CS_MSG_IMAGE_DATA_RESP), CS_RC_MSG_UNEXPECTED_STATE);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_RUN);
	teardown(NULL);
	setup(NULL);
	F.cfg.image_policy = CS_AP_IMAGE_PREDOWNLOAD;
	to_join();
	w_join_resp(&w, last_seq(), 0, "18.1");
	assert_int_equal(secure_in(&w), 0);
	w_config_status_resp(&w, last_seq(), true, 30);
	assert_int_equal(secure_in(&w), 0);
	w_simple(&w, CS_MSG_CHANGE_STATE_RESP, last_seq(), false, 0);
	assert_int_equal(secure_in(&w), 0);
	w_simple(&w, CS_MSG_IMAGE_DATA_RESP, last_seq(), true,
	    CS_RC_IMAGE_ERR_OTHER);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_RUN);
	assert_int_equal(cs_ap_stats(F.ap)->image_failures, 1);
	assert_true(ev_says("image-download: pre-download of 18.1 abandoned: "
	                    "controller refused"));
}

static void
test_configure_missing(void **state)
{
	struct wlc w;
	const struct rec_ev *fe;

	(void)state;
	to_configure();
	w_config_status_resp(&w, last_seq(), false, 30);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	fe = last_failure();
	assert_int_equal(fe->from, CS_AP_CONFIGURE);
	assert_int_equal(fe->to, CS_AP_RESET);
	assert_int_equal(fe->phase, CS_PHASE_CONFIGURE);
	assert_non_null(strstr(fe->reason, "lacks mandatory element"));
	assert_non_null(strstr(fe->reason, "(12)"));
}

static void
test_data_check_exhaustion(void **state)
{
	struct wlc w;

	(void)state;
	to_configure();
	w_config_status_resp(&w, last_seq(), true, 30);
	assert_int_equal(secure_in(&w), 0);
	for (unsigned i = 0; i <= 5; i++)
		fire(CS_AP_T_RETRANSMIT, -1);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	assert_int_equal(last_failure()->phase, CS_PHASE_DATA_CHECK);
}

static void
test_run_echo_keepalive(void **state)
{
	struct wlc w;
	struct cs_msg m;
	uint8_t ka[64];
	size_t ka_len;

	(void)state;
	to_run();
	ka_len = last_sent()->len;
	memcpy(ka, last_sent()->buf, ka_len);
	/* the AC echoes the keep-alive: DeadInterval cancelled */
	assert_int_equal(
	    cs_ap_input_clear(F.ap, CS_CHAN_DATA, AC1, 5247, ka, ka_len, F.now),
	    0);
	assert_false(F.armed[CS_AP_T_DATA_DEAD]);
	assert_true(F.armed[CS_AP_T_KEEPALIVE]);
	/* from another address: dropped */
	assert_int_equal(
	    cs_ap_input_clear(F.ap, CS_CHAN_DATA, AC2, 5247, ka, ka_len, F.now),
	    -EPROTO);
	/* another session: dropped */
	ka[ka_len - 1] ^= 1;
	assert_int_equal(
	    cs_ap_input_clear(F.ap, CS_CHAN_DATA, AC1, 5247, ka, ka_len, F.now),
	    -EPROTO);
	fire(CS_AP_T_ECHO, 30000);
	decode_sent(last_sent(), &m, CS_MSG_ECHO_REQ);
	assert_true(F.armed[CS_AP_T_RETRANSMIT]);
	F.now += 25;
	w_simple(&w, CS_MSG_ECHO_RESP, last_seq(), false, 0);
	assert_int_equal(cs_ap_input_secure(F.ap, w.buf, w.wr.len, F.now), 0);
	assert_int_equal(cs_ap_stats(F.ap)->last_echo_rtt_ms, 25);
	assert_false(F.armed[CS_AP_T_RETRANSMIT]);
	/* the same response again: duplicate, dropped */
	assert_int_equal(secure_in(&w), -EPROTO);
	fire(CS_AP_T_KEEPALIVE, 30000);
	assert_int_equal(last_sent()->ch, CS_CHAN_DATA);
	assert_true(F.armed[CS_AP_T_DATA_DEAD]);
	assert_true(F.armed[CS_AP_T_ECHO]);
	assert_int_equal(cs_ap_stats(F.ap)->echo_responses, 1);
	assert_int_equal(cs_ap_stats(F.ap)->keepalives_sent, 2);
	assert_int_equal(cs_ap_stats(F.ap)->keepalives_received, 1);
}

static void
test_run_echo_exhaustion(void **state)
{
	const struct rec_ev *fe;

	(void)state;
	to_run();
	/* keep the data channel alive meanwhile */
	F.armed[CS_AP_T_DATA_DEAD] = false;
	cs_ap_input_clear(F.ap, CS_CHAN_DATA, AC1, 5247, last_sent()->buf,
	    last_sent()->len, F.now);
	fire(CS_AP_T_ECHO, 30000);
	for (unsigned i = 0; i < 5; i++)
		fire(CS_AP_T_RETRANSMIT, 3000 << i);
	fire(CS_AP_T_RETRANSMIT, 96000);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	fe = last_failure();
	assert_string_equal(
	    fe->reason, "no Echo Response after 5 retransmissions");
	assert_int_equal(fe->phase, CS_PHASE_RUN);
	assert_false(F.armed[CS_AP_T_ECHO]);
	assert_false(F.armed[CS_AP_T_KEEPALIVE]);
}

static void
test_data_dead(void **state)
{
	const struct rec_ev *fe;

	(void)state;
	to_run();
	fire(CS_AP_T_KEEPALIVE, 30000);
	/* the dead timer is not restarted by the second keep-alive */
	assert_int_equal(F.due[CS_AP_T_DATA_DEAD], 60000);
	F.now += 30000;
	F.armed[CS_AP_T_DATA_DEAD] = false;
	cs_ap_timer_fired(F.ap, CS_AP_T_DATA_DEAD, F.now);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	fe = last_failure();
	assert_string_equal(fe->reason,
	    "data channel dead: no keep-alive from AC for 60 s (UDP 5247 "
	    "blocked?)");
	assert_int_equal(fe->phase, CS_PHASE_RUN);
	assert_int_equal(fe->from, CS_AP_RUN);
}

static void
test_reset_request(void **state)
{
	struct wlc w;
	struct cs_msg m;
	struct cs_el_result_code rc;

	(void)state;
	to_run();
	w_reset_req(&w, 5, "17.13.1");
	assert_int_equal(secure_in(&w), 0);
	decode_sent(last_sent(), &m, CS_MSG_RESET_RESP);
	assert_int_equal(m.ctl.seq, 5);
	cs_el_get_result_code(cs_msg_find(&m, CS_EL_RESULT_CODE, 0), &rc, NULL);
	assert_int_equal(rc.code, 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	assert_true(F.last_graceful);
	assert_string_equal(cs_ap_sw_version(F.ap), "17.13.1");
	/* no failure: a requested reset */
	assert_null(find_ev(CS_AP_EV_FAILURE, 0));
	fire(CS_AP_T_SESSION_DELETE, 5000);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_SETUP);
}

static uint32_t
last_rc(uint32_t type, uint8_t seq)
{
	struct cs_msg m;
	struct cs_el_result_code rc;

	decode_sent(last_sent(), &m, type);
	assert_int_equal(m.ctl.seq, seq);
	assert_int_equal(cs_el_get_result_code(
	                     cs_msg_find(&m, CS_EL_RESULT_CODE, 0), &rc, NULL),
	    0);
	return rc.code;
}

static void
test_ac_requests(void **state)
{
	struct wlc w;
	unsigned n;

	(void)state;
	to_run();
	/* unknown odd type -> type + 1 with Result Code 19 */
	w_simple(&w, 27, 9, false, 0);
	assert_int_equal(secure_in(&w), -EPROTO);
	assert_int_equal(last_rc(28, 9), CS_RC_MSG_UNEXPECTED_UNRECOGNIZED);
	/* Configuration Update Request -> Result Code 0, timers adopted */
	w_begin(&w, CS_MSG_CONFIG_UPDATE_REQ, 10);
	cs_el_put_timers(&w.wr,
	    &(struct cs_el_timers){ .discovery = 20, .echo_request = 15 });
	w_end(&w);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(last_rc(CS_MSG_CONFIG_UPDATE_RESP, 10), 0);
	/* duplicate: the cached response again, not reprocessed */
	n = F.n_sent;
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(F.n_sent, n + 1);
	assert_int_equal(last_rc(CS_MSG_CONFIG_UPDATE_RESP, 10), 0);
	/* older request: ignored, no answer */
	w_simple(&w, CS_MSG_CLEAR_CONFIG_REQ, 8, false, 0);
	assert_int_equal(secure_in(&w), -EPROTO);
	assert_int_equal(F.n_sent, n + 1);
	/* Data Transfer Request: nothing to transfer (22) */
	w_begin(&w, CS_MSG_DATA_TRANSFER_REQ, 11);
	cs_el_put_data_transfer_mode(&w.wr,
	    &(struct cs_el_data_transfer_mode){ .mode = CS_DT_MODE_CRASH });
	w_end(&w);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(last_rc(CS_MSG_DATA_TRANSFER_RESP, 11),
	    CS_RC_DATA_TRANSFER_NO_INFO);
	/* Reset Request without its mandatory Image Identifier -> 20 */
	w_simple(&w, CS_MSG_RESET_REQ, 12, false, 0);
	assert_int_equal(secure_in(&w), -EPROTO);
	assert_int_equal(
	    last_rc(CS_MSG_RESET_RESP, 12), CS_RC_FAIL_MISSING_ELEM);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_RUN);
	/* the adopted echo interval is used from the next echo on */
	fire(CS_AP_T_ECHO, 30000);
	assert_int_equal(F.due[CS_AP_T_ECHO], 15000);
}

static void
test_wrong_state_and_seq(void **state)
{
	struct wlc w;
	uint8_t seq;

	(void)state;
	to_configure();
	seq = last_seq();
	/* a Join Response in Configure */
	w_join_resp(&w, seq, 0, NULL);
	assert_int_equal(secure_in(&w), -EPROTO);
	assert_non_null(strstr(F.ev[F.n_ev - 1].reason, "not expected"));
	/* the right response with an old sequence number */
	w_config_status_resp(&w, (uint8_t)(seq - 1), true, 30);
	assert_int_equal(secure_in(&w), -EPROTO);
	assert_non_null(strstr(F.ev[F.n_ev - 1].reason, "expected"));
	/* a request the AC may not send in Configure -> 18 */
	w_reset_req(&w, 3, "x");
	assert_int_equal(secure_in(&w), -EPROTO);
	assert_int_equal(
	    last_rc(CS_MSG_RESET_RESP, 3), CS_RC_MSG_UNEXPECTED_STATE);
	/* malformed */
	assert_int_equal(
	    cs_ap_input_secure(F.ap, (const uint8_t *)"\0", 1, F.now),
	    -EBADMSG);
	/* a stale timer expiry is ignored */
	cs_ap_timer_fired(F.ap, CS_AP_T_SILENT, F.now);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_CONFIGURE);
	w_config_status_resp(&w, seq, true, 30);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DATA_CHECK);
	assert_int_equal(cs_ap_stats(F.ap)->dropped, 4);
	/* session lost in Data Check -> Teardown, phase data-check */
	cs_ap_dtls_done(F.ap,
	    &(struct cs_dtls_outcome){ .ok = false, .reason = "peer closed" },
	    F.now);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	assert_string_equal(last_failure()->reason, "DTLS: peer closed");
	assert_int_equal(last_failure()->phase, CS_PHASE_DATA_CHECK);
	assert_false(F.last_graceful);
}

static void
test_free_in_callback(void **state)
{
	(void)state;
	F.cfg.skip_discovery = true;
	make();
	F.free_on_event = true;
	assert_int_equal(cs_ap_start(F.ap, 0), 0);
	assert_null(F.ap); /* freed once start returned; ASan checks */
}

static void
test_event_order(void **state)
{
	(void)state;
	to_join();
	/* every transition is an event with from/to/phase */
	assert_int_equal(F.ev[0].kind, CS_AP_EV_STATE);
	assert_int_equal(F.ev[0].from, CS_AP_IDLE);
	assert_int_equal(F.ev[0].to, CS_AP_DTLS_SETUP);
	assert_string_equal(F.ev[0].reason, "pre-configured controller");
	assert_int_equal(F.ev[F.n_ev - 1].kind, CS_AP_EV_STATE);
	assert_int_equal(F.ev[F.n_ev - 1].to, CS_AP_JOIN);
	assert_int_equal(F.ev[F.n_ev - 1].phase, CS_PHASE_DTLS);
	printf("sizeof(struct cs_ap) = %zu\n", sizeof(struct cs_ap));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* ---- Run: WTP Event, Configuration Update, Reset, Data Transfer ---- */

static const struct cs_elem *
must_find(const struct cs_msg *m, uint16_t type, unsigned idx)
{
	const struct cs_elem *e = cs_msg_find(m, type, idx);

	assert_non_null(e);
	return e;
}

static void
test_run_wtp_events(void **state)
{
	static const uint8_t sta[6] = { 2, 0, 0, 0, 0, 9 };
	struct cs_el_radio_stats rs;
	struct cs_el_80211_statistics ws;
	struct cs_el_decrypt_err_report de;
	struct cs_el_duplicate_ipv4 dup;
	struct wlc w;
	struct cs_msg m;
	unsigned n;

	(void)state;
	F.cfg.statistics_timer_s = 5;
	to_run();
	/* StatisticsTimer (§4.7.14) from the AP's own Statistics Timer;
	 * ReportInterval from the Decryption Error Report Period (§4.6.18) */
	assert_true(F.armed[CS_AP_T_STATISTICS]);
	assert_int_equal(F.due[CS_AP_T_STATISTICS], 5000);
	assert_int_equal(F.due[CS_AP_T_DECRYPT_REPORT], 120000);
	fire(CS_AP_T_STATISTICS, 5000);
	decode_sent(last_sent(), &m, CS_MSG_WTP_EVENT_REQ);
	assert_int_equal(cs_msg_count(&m, CS_EL_RADIO_STATS), 2);
	assert_int_equal(cs_msg_count(&m, CS_EL_80211_STATISTICS), 2);
	assert_int_equal(cs_msg_count(&m, CS_EL_DECRYPT_ERR_REPORT), 0);
	assert_int_equal(cs_el_get_radio_stats(
	                     must_find(&m, CS_EL_RADIO_STATS, 1), &rs, NULL),
	    0);
	assert_int_equal(rs.radio_id, 2);
	assert_int_equal(rs.noise_floor, -95);
	assert_true(F.armed[CS_AP_T_STATISTICS]); /* periodic */
	/* one outstanding request: the next echo waits for the answer */
	n = F.n_sent;
	fire(CS_AP_T_ECHO, -1);
	assert_int_equal(F.n_sent, n);
	w_simple(&w, CS_MSG_WTP_EVENT_RESP, last_seq(), false, 0);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_stats(F.ap)->events_sent, 1);
	/* a decryption error is reported at the ReportInterval, once */
	assert_int_equal(cs_ap_run_note_decrypt_error(F.ap, 0, sta), 0);
	assert_int_equal(cs_ap_run_note_decrypt_error(F.ap, 0, sta), 0);
	assert_int_equal(cs_ap_run_note_decrypt_error(F.ap, 5, sta), -EINVAL);
	fire(CS_AP_T_DECRYPT_REPORT, 120000);
	decode_sent(last_sent(), &m, CS_MSG_WTP_EVENT_REQ);
	assert_int_equal(cs_msg_count(&m, CS_EL_DECRYPT_ERR_REPORT), 1);
	assert_int_equal(cs_msg_count(&m, CS_EL_RADIO_STATS), 0);
	assert_int_equal(
	    cs_el_get_decrypt_err_report(
	        must_find(&m, CS_EL_DECRYPT_ERR_REPORT, 0), &de, NULL),
	    0);
	assert_int_equal(de.radio_id, 1);
	assert_int_equal(de.n, 1);
	assert_memory_equal(de.mac[0], sta, 6);
	w_simple(&w, CS_MSG_WTP_EVENT_RESP, last_seq(), false, 0);
	assert_int_equal(secure_in(&w), 0);
	/* nothing new: no report at the next ReportInterval */
	n = F.n_sent;
	fire(CS_AP_T_DECRYPT_REPORT, 120000);
	assert_int_equal(F.n_sent, n);
	/* the 802.11 Decryption Errors counter kept both errors */
	fire(CS_AP_T_STATISTICS, 5000);
	decode_sent(last_sent(), &m, CS_MSG_WTP_EVENT_REQ);
	assert_int_equal(
	    cs_el_get_80211_statistics(
	        must_find(&m, CS_EL_80211_STATISTICS, 0), &ws, NULL),
	    0);
	assert_int_equal(ws.c[CS_80211_ST_DECRYPTION_ERRORS], 2);
	w_simple(&w, CS_MSG_WTP_EVENT_RESP, last_seq(), false, 0);
	assert_int_equal(secure_in(&w), 0);
	/* a duplicate address goes out at once, status 1, then 0 (§4.6.22) */
	assert_int_equal(cs_ap_run_note_duplicate_ip(F.ap, true, sta), 0);
	decode_sent(last_sent(), &m, CS_MSG_WTP_EVENT_REQ);
	assert_int_equal(
	    cs_el_get_duplicate_ipv4(
	        must_find(&m, CS_EL_DUPLICATE_IPV4, 0), &dup, NULL),
	    0);
	assert_int_equal(dup.status, CS_DUP_DETECTED);
	assert_int_equal(dup.addr, F.cfg.ip);
	/* the clearance waits for the slot, then goes out */
	assert_int_equal(cs_ap_run_note_duplicate_ip(F.ap, false, sta), 0);
	n = F.n_sent;
	w_simple(&w, CS_MSG_WTP_EVENT_RESP, last_seq(), false, 0);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(F.n_sent, n + 1);
	decode_sent(last_sent(), &m, CS_MSG_WTP_EVENT_REQ);
	assert_int_equal(
	    cs_el_get_duplicate_ipv4(
	        must_find(&m, CS_EL_DUPLICATE_IPV4, 0), &dup, NULL),
	    0);
	assert_int_equal(dup.status, CS_DUP_CLEARED);
	w_simple(&w, CS_MSG_WTP_EVENT_RESP, last_seq(), false, 0);
	assert_int_equal(secure_in(&w), 0);
	/* a station the AP stopped serving (§4.6.20) */
	assert_int_equal(cs_ap_run_note_station_deleted(F.ap, 1, sta), 0);
	decode_sent(last_sent(), &m, CS_MSG_WTP_EVENT_REQ);
	assert_int_equal(cs_msg_count(&m, CS_EL_DELETE_STATION), 1);
}

static size_t
w_config_update(struct wlc *w, uint8_t seq, uint8_t radio_id, const char *image)
{
	struct cs_el_ac_name_prio p1 = { .priority = 1,
		.name = { "wlc-a", 5 } };
	struct cs_el_ac_name_prio p2 = { .priority = 2,
		.name = { "wlc-b", 5 } };
	struct cs_el_stats_timer st = { .interval = 7 };
	struct cs_el_radio_admin_state as = { .radio_id = radio_id,
		.admin_state = CS_ADMIN_DISABLED };
	struct cs_el_80211_radio_config rc = { .radio_id = 1,
		.num_bssids = 1,
		.dtim_period = 1,
		.beacon_period = 100,
		.country = { 'D', 'E', ' ', 0 } };
	struct cs_el_static_ip_info si = { .addr = IP(198, 18, 0, 5),
		.netmask = 0xffffff00,
		.gateway = IP(198, 18, 0, 1),
		.is_static = 1 };

	w_begin(w, CS_MSG_CONFIG_UPDATE_REQ, seq);
	cs_el_put_ac_name_prio(&w->wr, &p1);
	cs_el_put_ac_name_prio(&w->wr, &p2);
	cs_el_put_stats_timer(&w->wr, &st);
	cs_el_put_radio_admin_state(&w->wr, &as);
	cs_el_put_80211_radio_config(&w->wr, &rc);
	cs_el_put_static_ip_info(&w->wr, &si);
	if (image != NULL) {
		struct cs_el_image_id id = { .vendor = 1,
			.data = (const uint8_t *)image,
			.len = strlen(image) };

		cs_el_put_image_id(&w->wr, &id);
	}
	return w_end(w);
}

static void
test_run_config_update_and_reset(void **state)
{
	struct wlc w;
	struct cs_msg m;
	struct cs_el_reboot_stats rb;
	struct cs_el_radio_admin_state as;
	struct cs_el_ac_name_prio np;
	struct cs_el_radio_stats rs;

	(void)state;
	F.cfg.sw_version = "8.10.1.0";
	to_run();
	/* an unknown radio: nothing applied, result 13 */
	w_config_update(&w, 40, 9, NULL);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(last_rc(CS_MSG_CONFIG_UPDATE_RESP, 40),
	    CS_RC_CONFIG_FAIL_NO_SERVICE);
	assert_int_equal(cs_ap_stats(F.ap)->config_updates, 0);
	/* the image it runs already: 17 (RFC 5415 §9.1.1) */
	w_config_update(&w, 41, 2, "8.10.1.0");
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(
	    last_rc(CS_MSG_CONFIG_UPDATE_RESP, 41), CS_RC_IMAGE_ERR_PRESENT);
	/* applied: 0 */
	w_config_update(&w, 42, 2, "8.10.2.0");
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(last_rc(CS_MSG_CONFIG_UPDATE_RESP, 42), 0);
	assert_int_equal(cs_ap_stats(F.ap)->config_updates, 1);
	assert_int_equal(F.due[CS_AP_T_STATISTICS], 7000);
	/* the new image waits for a reset */
	assert_string_equal(cs_ap_sw_version(F.ap), "8.10.1.0");
	/* the radio statistics counted the update and the admin change */
	fire(CS_AP_T_STATISTICS, 7000);
	decode_sent(last_sent(), &m, CS_MSG_WTP_EVENT_REQ);
	assert_int_equal(cs_el_get_radio_stats(
	                     must_find(&m, CS_EL_RADIO_STATS, 0), &rs, NULL),
	    0);
	assert_int_equal(rs.config_update_count, 1);
	assert_int_equal(cs_el_get_radio_stats(
	                     must_find(&m, CS_EL_RADIO_STATS, 1), &rs, NULL),
	    0);
	assert_int_equal(rs.reset_count, 1);
	w_simple(&w, CS_MSG_WTP_EVENT_RESP, last_seq(), false, 0);
	assert_int_equal(secure_in(&w), 0);
	/* Reset Request: answered, AC Initiated Count 1, staged image */
	w_reset_req(&w, 43, "8.10.2.0");
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(last_rc(CS_MSG_RESET_RESP, 43), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	assert_string_equal(cs_ap_sw_version(F.ap), "8.10.2.0");
	assert_int_equal(cs_ap_stats(F.ap)->resets, 1);
	/* rejoin: the statistics survive (RFC 5415 §4.9) */
	fire(CS_AP_T_SESSION_DELETE, -1);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_SETUP);
	cs_ap_dtls_done(F.ap, &(struct cs_dtls_outcome){ .ok = true }, F.now);
	w_join_resp(&w, last_seq(), 0, NULL);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_CONFIGURE);
	decode_sent(last_sent(), &m, CS_MSG_CONFIG_STATUS_REQ);
	assert_int_equal(cs_el_get_reboot_stats(
	                     must_find(&m, CS_EL_REBOOT_STATS, 0), &rb, NULL),
	    0);
	assert_int_equal(rb.ac_initiated_count, 1);
	assert_int_equal(rb.last_failure_type, CS_REBOOT_AC_INITIATED);
	assert_int_equal(rb.link_failure_count, 0);
	/* the configured ACs and the disabled radio are reported */
	assert_int_equal(cs_msg_count(&m, CS_EL_AC_NAME_PRIO), 2);
	assert_int_equal(cs_el_get_ac_name_prio(
	                     must_find(&m, CS_EL_AC_NAME_PRIO, 1), &np, NULL),
	    0);
	assert_int_equal(np.priority, 2);
	assert_int_equal(np.name.len, 5);
	assert_memory_equal(np.name.s, "wlc-b", 5);
	assert_int_equal(
	    cs_el_get_radio_admin_state(
	        must_find(&m, CS_EL_RADIO_ADMIN_STATE, 1), &as, NULL),
	    0);
	assert_int_equal(as.admin_state, CS_ADMIN_DISABLED);
	assert_non_null(cs_msg_find(&m, CS_EL_STATIC_IP_INFO, 0));
}

/* A Configuration Update naming another image, to an AP that downloads:
 * it pre-downloads the image in Run (ap_image.c), instead of staging an
 * image it does not have, and a reset before the download completes
 * does not make it run that image (§9.1, §9.2). */
static void
test_run_config_update_predownload(void **state)
{
	struct wlc w;
	struct cs_msg m;
	struct cs_el_image_id id;

	(void)state;
	F.cfg.image_policy = CS_AP_IMAGE_DOWNLOAD;
	to_run();
	w_config_update(&w, 41, 2, "8.10.1.0");
	assert_int_equal(secure_in(&w), 0);
	assert_true(ev_says("image 8.10.1.0: pre-downloading it in Run"));
	/* answered, then the download's request follows */
	decode_sent(&F.sent[F.n_sent - 2], &m, CS_MSG_CONFIG_UPDATE_RESP);
	decode_sent(last_sent(), &m, CS_MSG_IMAGE_DATA_REQ);
	assert_int_equal(
	    cs_el_get_image_id(cs_msg_find(&m, CS_EL_IMAGE_ID, 0), &id, NULL),
	    0);
	assert_memory_equal(id.data, "8.10.1.0", 8);
	assert_non_null(cs_msg_find(&m, CS_EL_INITIATE_DOWNLOAD, 0));
	/* reset before any block: the AP keeps running what it has */
	w_reset_req(&w, 42, "8.10.1.0");
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	assert_string_equal(cs_ap_sw_version(F.ap), F.cfg.sw_version);
}

static void
test_run_link_failure_and_clear(void **state)
{
	struct wlc w;
	struct cs_msg m;
	struct cs_el_reboot_stats rb;

	(void)state;
	to_run();
	w_config_update(&w, 50, 2, NULL);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(last_rc(CS_MSG_CONFIG_UPDATE_RESP, 50), 0);
	/* Clear Configuration (§8.7): defaults again */
	w_simple(&w, CS_MSG_CLEAR_CONFIG_REQ, 51, false, 0);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(last_rc(CS_MSG_CLEAR_CONFIG_RESP, 51), 0);
	/* the data channel dies: a link failure (§4.6.47) */
	fire(CS_AP_T_DATA_DEAD, -1);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	fire(CS_AP_T_SESSION_DELETE, -1);
	cs_ap_dtls_done(F.ap, &(struct cs_dtls_outcome){ .ok = true }, F.now);
	w_join_resp(&w, last_seq(), 0, NULL);
	assert_int_equal(secure_in(&w), 0);
	decode_sent(last_sent(), &m, CS_MSG_CONFIG_STATUS_REQ);
	assert_int_equal(cs_el_get_reboot_stats(
	                     must_find(&m, CS_EL_REBOOT_STATS, 0), &rb, NULL),
	    0);
	assert_int_equal(rb.link_failure_count, 1);
	assert_int_equal(rb.ac_initiated_count, 0);
	assert_int_equal(rb.last_failure_type, CS_REBOOT_LINK_FAILURE);
	/* cleared: no AC Name with Priority, no static address */
	assert_int_equal(cs_msg_count(&m, CS_EL_AC_NAME_PRIO), 0);
	assert_null(cs_msg_find(&m, CS_EL_STATIC_IP_INFO, 0));
}

static void
test_run_data_transfer(void **state)
{
	struct wlc w;
	struct cs_msg m;
	struct cs_el_data_transfer_data d;
	char got[2048];
	size_t n = 0;
	bool eof = false;

	(void)state;
	to_run();
	/* crash data: none (Figure 11) */
	w_begin(&w, CS_MSG_DATA_TRANSFER_REQ, 60);
	cs_el_put_data_transfer_mode(&w.wr,
	    &(struct cs_el_data_transfer_mode){ .mode = CS_DT_MODE_CRASH });
	w_end(&w);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(last_rc(CS_MSG_DATA_TRANSFER_RESP, 60),
	    CS_RC_DATA_TRANSFER_NO_INFO);
	/* a memory dump: Success, then the WTP's own requests to EOF */
	w_begin(&w, CS_MSG_DATA_TRANSFER_REQ, 61);
	cs_el_put_data_transfer_mode(&w.wr,
	    &(struct cs_el_data_transfer_mode){ .mode = CS_DT_MODE_DUMP });
	w_end(&w);
	assert_int_equal(secure_in(&w), 0);
	assert_int_equal(
	    F.sent[F.n_sent - 2].hint.msg_type, CS_MSG_DATA_TRANSFER_RESP);
	for (unsigned i = 0; i < 8 && !eof; i++) {
		decode_sent(last_sent(), &m, CS_MSG_DATA_TRANSFER_REQ);
		assert_int_equal(
		    cs_el_get_data_transfer_data(
		        must_find(&m, CS_EL_DATA_TRANSFER_DATA, 0), &d, NULL),
		    0);
		assert_int_equal(d.data_mode, CS_DT_MODE_DUMP);
		assert_true(n + d.len < sizeof(got));
		memcpy(got + n, d.data, d.len);
		n += d.len;
		eof = d.data_type == CS_DT_TYPE_EOF;
		w_simple(&w, CS_MSG_DATA_TRANSFER_RESP, last_seq(), true, 0);
		assert_int_equal(secure_in(&w), 0);
	}
	assert_true(eof);
	got[n] = '\0';
	assert_non_null(strstr(got, "capsim WTP memory dump"));
	assert_non_null(strstr(got, "name=AP-1"));
	assert_int_equal(cs_ap_stats(F.ap)->data_transfers, 1 + (n - 1) / 512);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_data_dtls_choice),
		T(test_data_dtls_outcomes),
		T(test_names),
		T(test_image_policy_words),
		T(test_backoff),
		T(test_select),
		T(test_args),
		T(test_discovery_to_sulking),
		T(test_select_primed),
		T(test_select_least_loaded),
		T(test_discovery_resp_rejected),
		T(test_wait_dtls_expiry),
		T(test_wait_dtls_from_client_hello),
		T(test_wait_dtls_not_queued),
		T(test_dtls_fail_sulking),
		T(test_join_request_and_exhaustion),
		T(test_join_result_failure),
		T(test_full_join_to_run),
		T(test_image_adopt),
		T(test_image_download),
		T(test_image_start_timer),
		T(test_image_no_info),
		T(test_image_bad_hash),
		T(test_image_bad_length),
		T(test_image_predownload),
		T(test_image_run_unexpected),
		T(test_configure_missing),
		T(test_data_check_exhaustion),
		T(test_run_echo_keepalive),
		T(test_run_echo_exhaustion),
		T(test_data_dead),
		T(test_reset_request),
		T(test_ac_requests),
		T(test_run_wtp_events),
		T(test_run_config_update_and_reset),
		T(test_run_config_update_predownload),
		T(test_run_link_failure_and_clear),
		T(test_run_data_transfer),
		T(test_wrong_state_and_seq),
		T(test_free_in_callback),
		T(test_event_order),
	};

	return cmocka_run_group_tests_name("ap_fsm", tests, NULL, NULL);
}
