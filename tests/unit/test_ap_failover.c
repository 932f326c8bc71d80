/* SPDX-License-Identifier: MIT */
/*
 * Failover tests (lib/ap/ap_failover.c): the AP loses its controller in
 * Run (echo retransmissions exhausted, DTLS alert), goes to its next
 * primed controller, and reports the time from its last good echo to Run.
 * Scripts of (input, now) steps against a fake io, as in test_ap_fsm.c.
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
#include "capsim/metrics.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define AC1            IP(127, 0, 0, 10)
#define AC2            IP(127, 0, 0, 20)
#define AC3            IP(127, 0, 0, 30)
#define MAX_EV         256

struct rec_ev {
	enum cs_ap_ev_kind kind;
	enum cs_ap_state to;
	uint32_t value, peer;
	char reason[256];
};

struct fake {
	struct cs_ap *ap;
	struct cs_ap_cfg cfg;
	uint64_t now;
	uint8_t last_seq;   /* of the last secure request */
	uint32_t last_type; /* its message type */
	uint32_t disc_to;   /* bit per target a Discovery Request went to */
	bool armed[CS_AP_T__COUNT];
	uint64_t due[CS_AP_T__COUNT];
	struct rec_ev ev[MAX_EV];
	unsigned n_ev;
	uint32_t dtls_ip;
	struct cs_metrics m;
	struct cs_ap_track t;
};

static struct fake F;

static int
f_send_clear(void *ctx, enum cs_chan ch, uint32_t dst, uint16_t port,
    const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	struct fake *f = ctx;

	(void)port, (void)pkt, (void)len, (void)hint;
	if (ch == CS_CHAN_CONTROL)
		for (unsigned i = 0; i < f->cfg.target_count; i++)
			if (dst == f->cfg.targets[i])
				f->disc_to |= 1u << i;
	return 0;
}

static int
f_send_secure(
    void *ctx, const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	struct fake *f = ctx;

	(void)pkt, (void)len;
	f->last_seq = hint->seq;
	f->last_type = hint->msg_type;
	return 0;
}

static int
f_dtls_start(void *ctx, uint32_t ip, uint16_t port)
{
	struct fake *f = ctx;

	(void)port;
	f->dtls_ip = ip;
	return 0;
}

static void
f_dtls_stop(void *ctx, bool graceful)
{
	(void)ctx, (void)graceful;
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

	cs_metrics_ap_event(&f->m, &f->t, e);
	assert_true(f->n_ev < MAX_EV);
	r = &f->ev[f->n_ev++];
	r->kind = e->kind;
	r->to = e->to;
	r->value = e->value;
	r->peer = e->peer_ip;
	snprintf(r->reason, sizeof(r->reason), "%s", e->reason);
}

static uint32_t
f_rand(void *ctx, uint32_t bound)
{
	(void)ctx;
	return bound > 100 ? 100 : bound - 1;
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
	cs_metrics_init(&F.m);
	cs_ap_track_init(&F.t);
	cs_ap_cfg_defaults(&F.cfg);
	F.cfg.name = "AP-1";
	F.cfg.ip = IP(127, 0, 1, 1);
	F.cfg.target_count = 2;
	F.cfg.targets[0] = AC1;
	F.cfg.targets[1] = AC2;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	cs_ap_free(F.ap);
	F.ap = NULL;
	cs_metrics_free(&F.m);
	return 0;
}

static void
make(void)
{
	assert_int_equal(cs_ap_new(&F.ap, &F.cfg, &f_io), 0);
	assert_int_equal(cs_ap_start(F.ap, F.now), 0);
}

static void
fire(enum cs_ap_timer t)
{
	assert_true(F.armed[t]);
	F.armed[t] = false;
	F.now += F.due[t];
	cs_ap_timer_fired(F.ap, t, F.now);
}

static const struct rec_ev *
find_ev(enum cs_ap_ev_kind kind, const char *needle)
{
	for (unsigned i = 0; i < F.n_ev; i++)
		if (F.ev[i].kind == kind &&
		    (needle == NULL || strstr(F.ev[i].reason, needle) != NULL))
			return &F.ev[i];
	return NULL;
}

static unsigned
count_ev(enum cs_ap_ev_kind kind)
{
	unsigned n = 0;

	for (unsigned i = 0; i < F.n_ev; i++)
		n += F.ev[i].kind == kind;
	return n;
}

/* ---- the fake controller ---- */

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

static void
w_ac_common(struct wlc *w, const char *name, uint16_t active)
{
	static const char hw[] = "9800-CL", sw[] = "17.9.4";
	struct cs_el_ac_descriptor d = { .active_wtps = active,
		.max_wtps = 100,
		.security = CS_ACD_SEC_X,
		.rmac = CS_ACD_RMAC_NO,
		.dtls_policy = CS_ACD_DTLS_C,
		.n_info = 2 };
	struct cs_el_ac_name n = { .name = { name, strlen(name) } };
	struct cs_el_radio_info ri = { .radio_id = 1,
		.radio_type = CS_RADIO_TYPE_G };

	d.info[0] = (struct cs_ac_info){ .type = CS_ACD_INFO_HW,
		.len = sizeof(hw) - 1,
		.data = (const uint8_t *)hw };
	d.info[1] = (struct cs_ac_info){ .type = CS_ACD_INFO_SW,
		.len = sizeof(sw) - 1,
		.data = (const uint8_t *)sw };
	cs_el_put_ac_descriptor(&w->wr, &d);
	cs_el_put_ac_name(&w->wr, &n);
	cs_el_put_radio_info(&w->wr, &ri);
}

static void
secure_in(struct wlc *w)
{
	assert_int_equal(cs_msgb_end(&w->b), 0);
	F.now += 10;
	assert_int_equal(cs_ap_input_secure(F.ap, w->buf, w->wr.len, F.now), 0);
}

/* A Discovery Response from `ac` named `name` with `active` WTPs. */
static void
discovery_resp(uint32_t ac, const char *name, uint16_t active)
{
	struct wlc w;
	struct cs_el_ctrl_ipv4 c = { .addr = ac, .wtp_count = active };
	struct cs_ap_stats before = *cs_ap_stats(F.ap);

	w_begin(&w, CS_MSG_DISCOVERY_RESP, F.ap->disc_seq);
	w_ac_common(&w, name, active);
	cs_el_put_ctrl_ipv4(&w.wr, &c);
	assert_int_equal(cs_msgb_end(&w.b), 0);
	F.now += 5;
	assert_int_equal(cs_ap_input_clear(F.ap, CS_CHAN_CONTROL, ac, 5246,
	                     w.buf, w.wr.len, F.now),
	    0);
	assert_int_equal(cs_ap_stats(F.ap)->discovery_responses,
	    before.discovery_responses + 1);
}

/* DTLS Setup -> Run on the controller the AP chose; `list` adds an AC
 * IPv4 List to the Join Response when not 0. */
static void
join_to_run(uint32_t list)
{
	struct wlc w;
	struct cs_el_result_code rc = { .code = CS_RC_SUCCESS };
	struct cs_el_ecn_support ecn = { .ecn = 0 };
	struct cs_el_ctrl_ipv4 c = { .addr = F.dtls_ip, .wtp_count = 1 };
	struct cs_el_local_ipv4 l = { .addr = F.dtls_ip };
	struct cs_el_timers t = { .discovery = 10, .echo_request = 30 };
	struct cs_el_ac_ipv4_list al = { .n = 2, .addr = { F.dtls_ip, list } };

	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_SETUP);
	cs_ap_dtls_done(F.ap, &(struct cs_dtls_outcome){ .ok = true }, F.now);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_JOIN);
	w_begin(&w, CS_MSG_JOIN_RESP, F.last_seq);
	cs_el_put_result_code(&w.wr, &rc);
	w_ac_common(&w, "WLC", 1);
	cs_el_put_ecn_support(&w.wr, &ecn);
	cs_el_put_ctrl_ipv4(&w.wr, &c);
	cs_el_put_local_ipv4(&w.wr, &l);
	/* RFC 5415 §4.6.2: the AC IPv4 List may come with the Join
	 * Response too */
	if (list != 0)
		cs_el_put_ac_ipv4_list(&w.wr, &al);
	secure_in(&w);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_CONFIGURE);
	w_begin(&w, CS_MSG_CONFIG_STATUS_RESP, F.last_seq);
	cs_el_put_timers(&w.wr, &t);
	cs_el_put_decrypt_err_period(&w.wr,
	    &(struct cs_el_decrypt_err_period){
	        .radio_id = 1, .report_interval = 120 });
	cs_el_put_decrypt_err_period(&w.wr,
	    &(struct cs_el_decrypt_err_period){
	        .radio_id = 2, .report_interval = 120 });
	cs_el_put_idle_timeout(&w.wr, &(struct cs_el_idle_timeout){ 300 });
	cs_el_put_wtp_fallback(&w.wr, &(struct cs_el_wtp_fallback){ 1 });
	al.n = 1;
	cs_el_put_ac_ipv4_list(&w.wr, &al);
	secure_in(&w);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DATA_CHECK);
	w_begin(&w, CS_MSG_CHANGE_STATE_RESP, F.last_seq);
	secure_in(&w);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_RUN);
}

/* One echo answered at the end of EchoInterval; returns its time. */
static uint64_t
good_echo(void)
{
	struct wlc w;

	fire(CS_AP_T_ECHO);
	assert_int_equal(F.last_type, CS_MSG_ECHO_REQ);
	w_begin(&w, CS_MSG_ECHO_RESP, F.last_seq);
	secure_in(&w);
	return F.now;
}

/* The controller stops answering: echo, MaxRetransmit retransmissions,
 * DTLS Teardown, DTLSSessionDelete, Idle. */
static void
controller_dies(void)
{
	fire(CS_AP_T_ECHO);
	assert_int_equal(F.last_type, CS_MSG_ECHO_REQ);
	for (unsigned i = 0; i < F.cfg.max_retransmit; i++)
		fire(CS_AP_T_RETRANSMIT);
	fire(CS_AP_T_RETRANSMIT);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	fire(CS_AP_T_SESSION_DELETE);
}

/* Pre-configured (primed) controllers: after the primary is lost the AP
 * joins the secondary directly; failover time = last good echo -> Run. */
static void
test_echo_loss_fails_over_to_secondary(void **state)
{
	const struct rec_ev *e;
	uint64_t last_good;

	(void)state;
	F.cfg.skip_discovery = true;
	make();
	assert_int_equal(F.dtls_ip, AC1);
	join_to_run(0);
	last_good = good_echo();
	controller_dies();
	e = find_ev(CS_AP_EV_INFO, "controller 127.0.0.10 lost in Run");
	assert_non_null(e);
	assert_non_null(strstr(e->reason, "no Echo Response after 5"));
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_SETUP);
	assert_int_equal(F.dtls_ip, AC2);
	assert_null(find_ev(CS_AP_EV_FAILOVER, NULL));
	join_to_run(0);
	e = find_ev(CS_AP_EV_FAILOVER, NULL);
	assert_non_null(e);
	assert_int_equal(e->value, F.now - last_good);
	assert_int_equal(e->peer, AC2);
	assert_non_null(strstr(e->reason,
	    "failed over to 127.0.0.20 after "
	    "losing 127.0.0.10"));
	assert_int_equal(cs_ap_stats(F.ap)->failovers, 1);
	assert_int_equal(cs_ap_stats(F.ap)->controller_losses, 1);
	assert_int_equal(cs_ap_stats(F.ap)->last_failover_ms, e->value);
	/* EchoInterval 30 s, RetransmitInterval 3 s doubling over 5
	 * retransmissions and the wait after the last (3+6+12+24+48+96 s),
	 * DTLSSessionDelete 5 s, then the join's few ms */
	assert_true(e->value >= 224000 && e->value < 225000);
	/* the metrics see it as a failover sample and a lost controller */
	assert_int_equal(F.m.failovers, 1);
	assert_int_equal(F.m.controller_losses, 1);
	assert_int_equal(F.m.lat[CS_LAT_FAILOVER].count, 1);
	assert_string_equal(cs_lat_name(CS_LAT_FAILOVER), "failover");
}

/* A DTLS alert in Run is a loss too; with one controller the AP comes
 * back to the same one and says so. */
static void
test_dtls_alert_back_on_same(void **state)
{
	const struct rec_ev *e;

	(void)state;
	F.cfg.skip_discovery = true;
	F.cfg.target_count = 1;
	make();
	join_to_run(0);
	F.now += 1000;
	cs_ap_dtls_done(F.ap,
	    &(struct cs_dtls_outcome){
	        .ok = false, .reason = "DTLS close alert from peer" },
	    F.now);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_TEARDOWN);
	assert_non_null(find_ev(CS_AP_EV_INFO, "DTLS close alert from peer"));
	fire(CS_AP_T_SESSION_DELETE);
	assert_int_equal(F.dtls_ip, AC1);
	join_to_run(0);
	e = find_ev(CS_AP_EV_FAILOVER, NULL);
	assert_non_null(e);
	assert_non_null(
	    strstr(e->reason, "back in Run on the same controller"));
	assert_true(e->value >= 6000); /* 1 s + DTLSSessionDelete 5 s */
}

/* Every primed controller failed during the failover: then Discovery
 * (Cisco: primed controllers in order, then discovery). */
static void
test_round_then_discovery(void **state)
{
	(void)state;
	F.cfg.skip_discovery = true;
	make();
	join_to_run(0);
	controller_dies();
	assert_int_equal(F.dtls_ip, AC2);
	fire(CS_AP_T_WAIT_DTLS);
	/* the secondary is silent too: back to the primary, once */
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DTLS_SETUP);
	assert_int_equal(F.dtls_ip, AC1);
	fire(CS_AP_T_WAIT_DTLS);
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DISCOVERY);
	fire(CS_AP_T_DISCOVERY_DELAY);
	assert_int_equal(F.disc_to, 3u); /* both primed addresses */
	/* before its first Run the AP keeps to its controller */
	assert_int_equal(count_ev(CS_AP_EV_FAILOVER), 0);
}

/* Discovery: the primed addresses rank the answers, before load. */
static void
test_primed_ip_ranks_discovery(void **state)
{
	const struct rec_ev *e;

	(void)state;
	F.cfg.primed_ip[0] = AC1;
	F.cfg.primed_ip[1] = AC2;
	make();
	fire(CS_AP_T_DISCOVERY_DELAY);
	discovery_resp(AC2, "WLC-B", 1);
	discovery_resp(AC1, "WLC-A", 90);
	fire(CS_AP_T_DISCOVERY_INTERVAL);
	assert_int_equal(F.dtls_ip, AC1);
	e = find_ev(CS_AP_EV_INFO, "chosen: primed primary");
	assert_non_null(e);
	join_to_run(0);
	controller_dies();
	/* the primary is gone: only the secondary answers */
	assert_int_equal(cs_ap_state(F.ap), CS_AP_DISCOVERY);
	fire(CS_AP_T_DISCOVERY_DELAY);
	discovery_resp(AC2, "WLC-B", 1);
	fire(CS_AP_T_DISCOVERY_INTERVAL);
	assert_int_equal(F.dtls_ip, AC2);
	assert_non_null(find_ev(CS_AP_EV_INFO, "chosen: primed secondary"));
	join_to_run(0);
	assert_int_equal(count_ev(CS_AP_EV_FAILOVER), 1);
}

/* The controller's AC Name with Priority (Configuration Update, RFC 5415
 * §4.6.5) replaces the AP's own primed names. */
static void
test_learned_names_override(void **state)
{
	struct wlc w;
	struct cs_el_ac_name_prio p1 = { .priority = 1,
		.name = { "WLC-B", 5 } };
	struct cs_el_ac_name_prio p2 = { .priority = 2,
		.name = { "WLC-A", 5 } };
	(void)state;
	F.cfg.primed[0] = "WLC-A";
	make();
	fire(CS_AP_T_DISCOVERY_DELAY);
	discovery_resp(AC1, "WLC-A", 50);
	discovery_resp(AC2, "WLC-B", 1);
	fire(CS_AP_T_DISCOVERY_INTERVAL);
	assert_int_equal(F.dtls_ip, AC1); /* primed by name, not load */
	join_to_run(0);
	w_begin(&w, CS_MSG_CONFIG_UPDATE_REQ, 77);
	cs_el_put_ac_name_prio(&w.wr, &p1);
	cs_el_put_ac_name_prio(&w.wr, &p2);
	secure_in(&w);
	assert_non_null(find_ev(CS_AP_EV_INFO, "1=WLC-B 2=WLC-A"));
	controller_dies();
	fire(CS_AP_T_DISCOVERY_DELAY);
	discovery_resp(AC1, "WLC-A", 1);
	discovery_resp(AC2, "WLC-B", 50);
	fire(CS_AP_T_DISCOVERY_INTERVAL);
	assert_int_equal(F.dtls_ip, AC2);
	assert_non_null(find_ev(CS_AP_EV_INFO, "chosen: primed primary"));
}

/* An AC IPv4 List in the Join Response adds Discovery targets. */
static void
test_ac_list_learned(void **state)
{
	(void)state;
	make();
	fire(CS_AP_T_DISCOVERY_DELAY);
	discovery_resp(AC1, "WLC-A", 1);
	fire(CS_AP_T_DISCOVERY_INTERVAL);
	join_to_run(AC3);
	assert_int_equal(F.ap->cfg.target_count, 3);
	assert_int_equal(F.ap->cfg.targets[2], AC3);
	assert_non_null(find_ev(CS_AP_EV_INFO, "127.0.0.30 learned"));
	controller_dies();
	F.disc_to = 0;
	F.cfg.target_count = 3; /* the fake counts by its own copy */
	F.cfg.targets[2] = AC3;
	fire(CS_AP_T_DISCOVERY_DELAY);
	assert_int_equal(F.disc_to, 7u);
}

/* A Reset Request from the controller is an ordered reboot: no loss. */
static void
test_reset_is_not_a_loss(void **state)
{
	struct wlc w;

	(void)state;
	F.cfg.skip_discovery = true;
	make();
	join_to_run(0);
	w_begin(&w, CS_MSG_RESET_REQ, 9);
	{
		struct cs_el_image_id id = { .vendor = CS_CISCO_VENDOR_ID,
			.data = (const uint8_t *)"8.10.1.0",
			.len = 8 };

		cs_el_put_image_id(&w.wr, &id);
	}
	secure_in(&w);
	assert_int_equal(cs_ap_stats(F.ap)->controller_losses, 0);
	assert_int_equal(F.m.controller_losses, 0);
	assert_null(find_ev(CS_AP_EV_INFO, "lost in Run"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_echo_loss_fails_over_to_secondary, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_dtls_alert_back_on_same, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_round_then_discovery, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_primed_ip_ranks_discovery, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_learned_names_override, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_ac_list_learned, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_reset_is_not_a_loss, setup, teardown),
	};

	return cmocka_run_group_tests_name("ap_failover", tests, NULL, NULL);
}
