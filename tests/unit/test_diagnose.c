/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the diagnosis (lib/report/facts.c, lib/report/diagnose.c):
 * facts built from synthetic datagrams (CAPWAP messages from the cs_msgb
 * builder, DTLS records as hand bytes, real OpenSSL datagrams from
 * tests/vectors/dtls), one test per diagnosis code, the aggregate rules
 * (mixed, stragglers, simultaneous Run loss) and hostile input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/ap.h"
#include "capsim/capwap.h"
#include "capsim/capwap_keepalive.h"
#include "capsim/cursor.h"
#include "capsim/diagnose.h"
#include "capsim/dtls.h"
#include "testutil.h"

#define UP   CS_DIR_UP
#define DOWN CS_DIR_DOWN
#define CTL  CS_CHAN_CONTROL
#define DATA CS_CHAN_DATA

/* ---------------------------------------------------------------------
 * Datagram builders
 */

struct dg {
	uint8_t b[2048];
	size_t n;
};

/* Clear CAPWAP control message of `type`, optionally with a Result Code. */
static struct dg
capwap_msg(uint32_t type, int rc)
{
	struct dg d;
	struct cs_wr wr;
	struct cs_msgb b;
	struct cs_capwap_hdr h;

	cs_wr_init(&wr, d.b, sizeof(d.b));
	cs_capwap_hdr_init(&h, 0);
	cs_msgb_begin(&b, &wr, &h, type, 7);
	if (rc >= 0) {
		struct cs_el_result_code r = { .code = (uint32_t)rc };
		cs_el_put_result_code(&wr, &r);
	}
	assert_int_equal(cs_msgb_end(&b), 0);
	d.n = wr.len;
	return d;
}

static struct dg
keepalive(void)
{
	struct dg d;
	struct cs_wr wr;
	uint8_t sid[16] = { 1, 2, 3 };

	cs_wr_init(&wr, d.b, sizeof(d.b));
	assert_int_equal(cs_keepalive_encode(&wr, sid), 0);
	d.n = wr.len;
	return d;
}

static void
dtls_begin(struct dg *d)
{
	d->n = 0;
	d->b[d->n++] = 0x01; /* CAPWAP DTLS header, RFC 5415 §4.2 */
	d->b[d->n++] = 0;
	d->b[d->n++] = 0;
	d->b[d->n++] = 0;
}

static void
put_u16(struct dg *d, unsigned v)
{
	d->b[d->n++] = (uint8_t)(v >> 8);
	d->b[d->n++] = (uint8_t)v;
}

static void
put_u24(struct dg *d, uint32_t v)
{
	d->b[d->n++] = (uint8_t)(v >> 16);
	put_u16(d, v & 0xffffu);
}

static void
record_hdr(struct dg *d, uint8_t ct, uint16_t epoch, unsigned len)
{
	d->b[d->n++] = ct;
	put_u16(d, 0xfefd);
	put_u16(d, epoch);
	for (int i = 0; i < 6; i++)
		d->b[d->n++] = 0; /* sequence number */
	put_u16(d, len);
}

/* One plaintext handshake record holding one (fragment of a) message. */
static void
hs_record(struct dg *d, uint8_t type, uint32_t len, uint16_t mseq, uint32_t off,
    uint32_t flen, const uint8_t *body)
{
	assert_true(d->n + 25 + flen <= sizeof(d->b));
	record_hdr(d, 22, 0, 12 + flen);
	d->b[d->n++] = type;
	put_u24(d, len);
	put_u16(d, mseq);
	put_u24(d, off);
	put_u24(d, flen);
	if (body != NULL)
		memcpy(d->b + d->n, body, flen);
	else
		memset(d->b + d->n, 0xab, flen);
	d->n += flen;
}

static struct dg
client_hello(unsigned cookie_len)
{
	struct dg d;
	uint8_t body[128];
	size_t n = 0;

	memset(body, 0, sizeof(body));
	body[n++] = 0xfe; /* client_version */
	body[n++] = 0xfd;
	n += 32;       /* random */
	body[n++] = 0; /* session_id */
	body[n++] = (uint8_t)cookie_len;
	memset(body + n, 0xcc, cookie_len);
	n += cookie_len;
	body[n++] = 0; /* cipher_suites<2> */
	body[n++] = 2;
	body[n++] = 0xc0;
	body[n++] = 0x2f;
	body[n++] = 1; /* compression_methods */
	body[n++] = 0;
	dtls_begin(&d);
	hs_record(&d, 1, (uint32_t)n, cookie_len ? 1 : 0, 0, (uint32_t)n, body);
	return d;
}

static struct dg
hs_only(uint8_t type, uint32_t len, uint32_t off, uint32_t flen)
{
	struct dg d;

	dtls_begin(&d);
	hs_record(&d, type, len, 1, off, flen, NULL);
	return d;
}

/* ServerHello + Certificate [off, off+flen) of a cert_len-byte message. */
static struct dg
server_hello_cert(uint32_t cert_len, uint32_t off, uint32_t flen)
{
	struct dg d;

	dtls_begin(&d);
	hs_record(&d, 2, 40, 1, 0, 40, NULL);
	hs_record(&d, 11, cert_len, 2, off, flen, NULL);
	return d;
}

static struct dg
alert(uint8_t level, uint8_t desc)
{
	struct dg d;

	dtls_begin(&d);
	record_hdr(&d, 21, 0, 2);
	d.b[d.n++] = level;
	d.b[d.n++] = desc;
	return d;
}

/* ChangeCipherSpec + encrypted Finished (the server's last flight). */
static struct dg
ccs_finished(void)
{
	struct dg d;

	dtls_begin(&d);
	record_hdr(&d, 20, 0, 1);
	d.b[d.n++] = 1;
	record_hdr(&d, 22, 1, 40);
	memset(d.b + d.n, 0x5a, 40);
	d.n += 40;
	return d;
}

static struct dg
app_data(void)
{
	struct dg d;

	dtls_begin(&d);
	record_hdr(&d, 23, 1, 32);
	memset(d.b + d.n, 0x33, 32);
	d.n += 32;
	return d;
}

/* ---------------------------------------------------------------------
 * Story helpers
 */

static uint64_t now = 1000;

static void
wire(struct cs_ap_facts *f, enum cs_dir dir, enum cs_chan ch, struct dg d)
{
	now += 100;
	cs_facts_wire(f, dir, ch, d.b, d.n, now);
}

static void
ctl(struct cs_ap_facts *f, enum cs_dir dir, uint32_t type, int rc)
{
	struct dg d = capwap_msg(type, rc);

	now += 100;
	cs_facts_control(f, dir, d.b, d.n, now);
}

static void
discovery_ok(struct cs_ap_facts *f)
{
	wire(f, UP, CTL, capwap_msg(CS_MSG_DISCOVERY_REQ, -1));
	wire(f, DOWN, CTL, capwap_msg(CS_MSG_DISCOVERY_RESP, 0));
}

/* A full DTLS handshake as the AP sees it. */
static void
handshake_ok(struct cs_ap_facts *f)
{
	wire(f, UP, CTL, client_hello(0));
	wire(f, DOWN, CTL, hs_only(3, 20, 0, 20));
	wire(f, UP, CTL, client_hello(20));
	wire(f, DOWN, CTL, server_hello_cert(900, 0, 900));
	wire(f, DOWN, CTL, hs_only(14, 0, 0, 0));
	wire(f, UP, CTL, ccs_finished());
	wire(f, DOWN, CTL, ccs_finished());
}

static void
join_to_run(struct cs_ap_facts *f)
{
	discovery_ok(f);
	handshake_ok(f);
	ctl(f, UP, CS_MSG_JOIN_REQ, -1);
	ctl(f, DOWN, CS_MSG_JOIN_RESP, 0);
	ctl(f, UP, CS_MSG_CONFIG_STATUS_REQ, -1);
	ctl(f, DOWN, CS_MSG_CONFIG_STATUS_RESP, -1);
	ctl(f, UP, CS_MSG_CHANGE_STATE_REQ, -1);
	ctl(f, DOWN, CS_MSG_CHANGE_STATE_RESP, 0);
	wire(f, UP, DATA, keepalive());
	wire(f, DOWN, DATA, keepalive());
	ctl(f, UP, CS_MSG_ECHO_REQ, -1);
	ctl(f, DOWN, CS_MSG_ECHO_RESP, -1);
}

/* The AP FSM leaves Run (live event). */
static void
facts_run_lost_by_event(struct cs_ap_facts *f)
{
	struct cs_ap_event ev = { .kind = CS_AP_EV_STATE };

	now += 100;
	ev.t_ms = now;
	ev.from = CS_AP_RUN;
	ev.to = CS_AP_DTLS_SETUP;
	cs_facts_ap_event(f, &ev);
}

static enum cs_diag_code
one(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx, char *line,
    size_t len)
{
	return cs_diagnose_ap(f, ctx, line, len);
}

/* Aggregate over n copies of f; checks code and count, returns summary in
 * d (caller frees). */
static void
agg_same(const struct cs_ap_facts *f, unsigned n, const struct cs_diag_ctx *ctx,
    enum cs_diag_code want, struct cs_diagnosis *d)
{
	const struct cs_ap_facts *v[8];

	assert_true(n <= 8);
	for (unsigned i = 0; i < n; i++)
		v[i] = f;
	assert_int_equal(cs_diagnose(v, n, ctx, d), 0);
	assert_string_equal(d->code, cs_diag_code_name(want));
	assert_int_equal(d->primary, want);
	assert_int_equal(d->count[want], n);
	assert_int_equal(d->aps, n);
	assert_non_null(d->summary);
	assert_non_null(d->hint);
	print_message("%s: %s\n    hint: %s\n", d->code, d->summary, d->hint);
}

/* ---------------------------------------------------------------------
 * Tests, one per code
 */

static void
test_names(void **state)
{
	enum cs_diag_code c;

	(void)state;
	for (unsigned i = 0; i < CS_DIAG__COUNT; i++) {
		const char *s = cs_diag_code_name((enum cs_diag_code)i);
		assert_non_null(s);
		assert_int_equal(cs_diag_code_parse(s, &c), 0);
		assert_int_equal(c, i);
	}
	assert_null(cs_diag_code_name(CS_DIAG__COUNT));
	c = CS_DIAG_MIXED;
	assert_int_equal(cs_diag_code_parse("firewall", &c), -ENOENT);
	assert_int_equal(c, CS_DIAG_MIXED); /* untouched */
	assert_int_equal(cs_diag_code_parse(NULL, &c), -EINVAL);
	assert_string_equal(
	    cs_diag_code_name(CS_DIAG_RETURN_PATH_LOSS), "return-path-loss");
}

static void
test_ok(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;
	char line[256];

	(void)state;
	cs_facts_init(&f);
	join_to_run(&f);
	assert_int_equal(f.disc_req, 1);
	assert_int_equal(f.disc_resp, 1);
	assert_int_equal(f.ch, 2);
	assert_int_equal(f.ch_cookie, 1);
	assert_int_equal(f.hvr, 1);
	assert_int_equal(f.sh, 1);
	assert_int_equal(f.cert, 1);
	assert_int_equal(f.shd, 1);
	assert_int_equal(f.hs_done, 1);
	assert_int_equal(f.join_rc, 0);
	assert_true(f.flags & CS_FACTS_F_JOIN_RC);
	assert_true(f.flags & CS_FACTS_F_IN_RUN);
	assert_int_equal(f.runs, 1);
	assert_int_equal(f.run_lost, 0);
	assert_int_equal(f.ka_up, 1);
	assert_int_equal(f.ka_down, 1);
	assert_int_equal(f.echo_resp, 1);
	assert_int_equal(one(&f, NULL, line, sizeof(line)), CS_DIAG_OK);
	assert_string_equal(line, "ok: Joined and in Run.");
	agg_same(&f, 3, NULL, CS_DIAG_OK, &d);
	assert_int_equal(d.aps_affected, 0);
	assert_string_equal(d.summary, "3 of 3 APs joined and in Run.");
	cs_diagnosis_free(&d);
	assert_null(d.summary);
}

static void
test_return_path_loss(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;
	char line[512];

	(void)state;
	cs_facts_init(&f);
	discovery_ok(&f);
	for (int i = 0; i < 6; i++)
		wire(&f, UP, CTL, client_hello(0));
	assert_int_equal(f.ch, 6);
	assert_int_equal(f.ch_cookie, 0);
	/* the AP's side alone cannot tell whether the ClientHellos reached
	 * the controller: inconclusive, naming what is missing */
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_INCONCLUSIVE);
	assert_non_null(strstr(line, "ClientHello sent 6 times"));
	assert_non_null(strstr(line, "reached the controller is unknown"));
	agg_same(&f, 4, NULL, CS_DIAG_INCONCLUSIVE, &d);
	assert_int_equal(d.confidence, CS_DIAG_CONF_LOW);
	assert_non_null(strstr(d.hint, "Missing: the controller's side"));
	cs_diagnosis_free(&d);

	/* the live WLC saw them: the return path */
	struct cs_diag_ctx ctx = { .live = true,
		.wlc_known = true,
		.wlc_disc_req = 4,
		.wlc_client_hello = 24 };
	assert_int_equal(
	    one(&f, &ctx, line, sizeof(line)), CS_DIAG_RETURN_PATH_LOSS);
	assert_non_null(strstr(line, "ClientHello sent 6 times"));
	agg_same(&f, 2, &ctx, CS_DIAG_RETURN_PATH_LOSS, &d);
	assert_int_equal(d.aps_affected, 2);
	assert_non_null(strstr(d.summary, "2 of 2 APs"));
	assert_non_null(strstr(d.summary, "Discovery succeeds"));
	assert_non_null(strstr(d.summary, "received 24 ClientHellos"));
	assert_non_null(strstr(d.hint, "return path for UDP 5246"));
	assert_non_null(strstr(d.hint, "Routing works"));
	assert_int_equal(d.confidence, CS_DIAG_CONF_HIGH);
	assert_non_null(d.evidence);
	assert_non_null(strstr(d.evidence, "2 APs: "));
	cs_diagnosis_free(&d);

	/* the controller's side of this AP (a capture at the WLC): it sent
	 * replies that never arrived */
	struct cs_ap_facts g = f;
	cs_facts_wlc_side(&g, DOWN, 60);
	/* discovery_ok: one response sent and arrived */
	assert_int_equal(one(&g, NULL, NULL, 0), CS_DIAG_INCONCLUSIVE);
	for (int i = 0; i < 3; i++)
		cs_facts_wlc_side(&g, DOWN, 60);
	/* 4 sent, 1 arrived */
	assert_int_equal(one(&g, NULL, NULL, 0), CS_DIAG_RETURN_PATH_LOSS);

	/* one ClientHello is not a pattern yet */
	cs_facts_init(&f);
	discovery_ok(&f);
	wire(&f, UP, CTL, client_hello(0));
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_INCONCLUSIVE);
}

static void
test_forward_path_loss(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;
	struct cs_diag_ctx ctx = {
		.live = true, .wlc_known = true, .wlc_disc_req = 3
	};

	(void)state;
	cs_facts_init(&f);
	discovery_ok(&f);
	for (int i = 0; i < 5; i++)
		wire(&f, UP, CTL, client_hello(0));
	agg_same(&f, 3, &ctx, CS_DIAG_FORWARD_PATH_LOSS, &d);
	assert_non_null(strstr(d.summary, "logged none"));
	cs_diagnosis_free(&d);

	/* discovery never reaches a known WLC */
	cs_facts_init(&f);
	for (int i = 0; i < 3; i++)
		wire(&f, UP, CTL, capwap_msg(CS_MSG_DISCOVERY_REQ, -1));
	ctx.wlc_disc_req = 0;
	agg_same(&f, 2, &ctx, CS_DIAG_FORWARD_PATH_LOSS, &d);
	assert_non_null(strstr(d.summary, "received none it could read"));
	cs_diagnosis_free(&d);

	/* ... and when it does, discovery replies are lost on the way back */
	ctx.wlc_disc_req = 6;
	agg_same(&f, 2, &ctx, CS_DIAG_RETURN_PATH_LOSS, &d);
	assert_non_null(strstr(d.summary, "no Discovery Response"));
	cs_diagnosis_free(&d);
}

static void
test_no_controller(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;

	(void)state;
	cs_facts_init(&f);
	for (int i = 0; i < 4; i++)
		wire(&f, UP, CTL, capwap_msg(CS_MSG_DISCOVERY_REQ, -1));
	agg_same(&f, 1, NULL, CS_DIAG_NO_CONTROLLER, &d);
	assert_non_null(strstr(d.summary, "sent 4 times"));
	cs_diagnosis_free(&d);
}

static void
test_nat_no_return(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;

	(void)state;
	cs_facts_init(&f);
	for (int i = 0; i < 3; i++) {
		wire(&f, UP, CTL, capwap_msg(CS_MSG_DISCOVERY_REQ, -1));
		cs_facts_nat(&f, 0xc0a80001u, 40000);
	}
	assert_int_equal(f.nat_changes, 0);
	/* the data channel's mapping is not a change */
	cs_facts_nat(&f, 0xc0a80001u, 40002);
	cs_facts_nat(&f, 0xc0a80001u, 40000);
	cs_facts_nat(&f, 0xc0a80001u, 40002);
	assert_int_equal(f.nat_changes, 0);
	assert_int_equal(f.nat_port2, 40002);
	/* both rebound: two changes; then stable again */
	cs_facts_nat(&f, 0xc0a80001u, 50000);
	cs_facts_nat(&f, 0xc0a80001u, 50002);
	cs_facts_nat(&f, 0xc0a80001u, 50000);
	cs_facts_nat(&f, 0xc0a80001u, 50002);
	assert_int_equal(f.nat_changes, 2);
	assert_int_equal(f.nat_changes_run, 0);
	/* a new external address */
	cs_facts_nat(&f, 0xc0a80002u, 50000);
	assert_int_equal(f.nat_changes, 3);
	assert_int_equal(f.nat_port2, 0);
	cs_facts_nat(&f, 0xc0a80001u, 40000);
	agg_same(&f, 2, NULL, CS_DIAG_NAT_NO_RETURN, &d);
	assert_non_null(strstr(d.summary, "192.168.0.1:40000"));
	cs_diagnosis_free(&d);
}

static void
test_asymmetric_return(void **state)
{
	struct cs_ap_facts f;
	struct dg q = capwap_msg(CS_MSG_DISCOVERY_REQ, -1);
	struct dg r = capwap_msg(CS_MSG_DISCOVERY_RESP, -1);
	char line[256];

	(void)state;
	cs_facts_init(&f);
	cs_facts_wire_peer(&f, UP, CTL, 0x0a000001u, 5246, q.b, q.n, 10);
	cs_facts_wire_peer(&f, DOWN, CTL, 0x0a000001u, 5246, r.b, r.n, 20);
	assert_int_equal(f.other_src, 0);
	cs_facts_wire_peer(&f, DOWN, CTL, 0x0a000009u, 5246, r.b, r.n, 30);
	assert_int_equal(f.other_src, 1);
	assert_int_equal(f.other_ip, 0x0a000009u);
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_ASYMMETRIC_RETURN);
	assert_non_null(strstr(line, "10.0.0.9:5246"));

	/* a broadcast discovery may be answered by anyone */
	cs_facts_init(&f);
	cs_facts_wire_peer(&f, UP, CTL, 0xffffffffu, 5246, q.b, q.n, 10);
	cs_facts_wire_peer(&f, DOWN, CTL, 0x0a000009u, 5246, r.b, r.n, 20);
	assert_int_equal(f.other_src, 0);
}

static void
test_cert_rejected_by_ap(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;

	(void)state;
	cs_facts_init(&f);
	discovery_ok(&f);
	wire(&f, UP, CTL, client_hello(0));
	wire(&f, DOWN, CTL, hs_only(3, 20, 0, 20));
	wire(&f, UP, CTL, client_hello(20));
	wire(&f, DOWN, CTL, server_hello_cert(900, 0, 900));
	wire(&f, DOWN, CTL, hs_only(14, 0, 0, 0));
	wire(&f, UP, CTL, alert(2, 48));
	assert_int_equal(f.alerts_up, 1);
	assert_int_equal(f.alert_up_desc, 48);
	agg_same(&f, 2, NULL, CS_DIAG_CERT_REJECTED_BY_AP, &d);
	assert_non_null(strstr(d.summary, "unknown_ca"));
	cs_diagnosis_free(&d);

	/* live: the DTLS layer's reason (untrusted issuer) */
	cs_facts_init(&f);
	cs_facts_dtls_fail(&f, CS_DTLS_FAIL_UNKNOWN_CA, true, 48,
	    "unable to get local issuer certificate (depth 0, CN wlc)", 50);
	assert_int_equal(f.fail_phase, CS_PHASE_DTLS);
	assert_int_equal(strlen(f.reason), CS_FACTS_REASON_LEN - 1);
	assert_memory_equal(f.reason, "DTLS: unable to get local issuer", 32);
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_CERT_REJECTED_BY_AP);
}

static void
test_cert_rejected_by_wlc(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;

	(void)state;
	cs_facts_init(&f);
	discovery_ok(&f);
	wire(&f, UP, CTL, client_hello(0));
	wire(&f, DOWN, CTL, hs_only(3, 20, 0, 20));
	wire(&f, UP, CTL, client_hello(20));
	wire(&f, DOWN, CTL, server_hello_cert(900, 0, 900));
	wire(&f, DOWN, CTL, hs_only(13, 10, 0, 10));
	wire(&f, DOWN, CTL, hs_only(14, 0, 0, 0));
	wire(&f, UP, CTL, hs_only(11, 1000, 0, 1000));
	wire(&f, DOWN, CTL, alert(2, 45));
	assert_int_equal(f.cert_req, 1);
	assert_int_equal(f.alert_down_desc, 45);
	assert_false(f.flags & CS_FACTS_F_ALERT_PRE_SH);
	agg_same(&f, 3, NULL, CS_DIAG_CERT_REJECTED_BY_WLC, &d);
	assert_non_null(strstr(d.summary, "certificate_expired"));
	cs_diagnosis_free(&d);

	/* live: peer alert reported by the DTLS layer */
	cs_facts_init(&f);
	cs_facts_dtls_fail(&f, CS_DTLS_FAIL_BAD_CERT, false, 42, NULL, 5);
	assert_int_equal(f.alert_down_desc, 42);
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_CERT_REJECTED_BY_WLC);
}

static void
test_clock_skew(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;

	(void)state;
	cs_facts_init(&f);
	discovery_ok(&f);
	wire(&f, UP, CTL, client_hello(0));
	cs_facts_dtls_fail(&f, CS_DTLS_FAIL_NOT_YET_VALID, true, 42,
	    "certificate is not yet valid", now);
	agg_same(&f, 2, NULL, CS_DIAG_CLOCK_SKEW, &d);
	assert_non_null(strstr(d.summary, "not-yet-valid"));
	cs_diagnosis_free(&d);

	/* expired by the AP's clock: skew only when the clock is known off */
	cs_facts_init(&f);
	cs_facts_dtls_fail(&f, CS_DTLS_FAIL_CERT_EXPIRED, true, 45, NULL, 1);
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_CERT_REJECTED_BY_AP);
	cs_facts_clock_skew(&f, 86400LL * 400);
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_CLOCK_SKEW);
	cs_facts_clock_skew(&f, INT64_MIN);
	assert_int_equal(f.skew_s, INT32_MIN);
	cs_facts_clock_skew(&f, 0);
	assert_false(f.flags & CS_FACTS_F_SKEW);

	/* a capture: OpenSSL says bad_certificate for "not yet valid";
	 * with the skew known, that is the clock */
	cs_facts_init(&f);
	wire(&f, UP, CTL, client_hello(0));
	wire(&f, DOWN, CTL, server_hello_cert(900, 0, 900));
	wire(&f, UP, CTL, alert(2, 42));
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_CERT_REJECTED_BY_AP);
	cs_facts_clock_skew(&f, -86400);
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_CLOCK_SKEW);
}

static void
test_mtu_fragment_loss(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;

	(void)state;
	/* ServerHello arrives with the last Certificate fragment (the
	 * flight's small tail datagram); the full-size datagrams with the
	 * rest of the Certificate never do, in two attempts */
	cs_facts_init(&f);
	for (int a = 0; a < 2; a++) {
		discovery_ok(&f);
		wire(&f, UP, CTL, client_hello(0));
		wire(&f, DOWN, CTL, hs_only(3, 20, 0, 20));
		for (int i = 0; i < 3; i++) {
			wire(&f, UP, CTL, client_hello(20));
			wire(
			    &f, DOWN, CTL, server_hello_cert(3000, 2000, 1000));
		}
	}
	assert_int_equal(f.cert, 0);
	assert_true(f.flags & CS_FACTS_F_CERT_STALL);
	assert_int_equal(f.cert_head_stall, 0);
	agg_same(&f, 2, NULL, CS_DIAG_MTU_FRAGMENT_LOSS, &d);
	assert_non_null(strstr(d.summary, "Certificate never completed"));
	assert_non_null(strstr(d.hint, "fragments"));
	cs_diagnosis_free(&d);

	/* the first Certificate fragment arrives (it fills a datagram as
	 * big as any of the flight's) and the rest never does: no size
	 * limit does that, datagrams are lost on the way back (the sweep's
	 * 70 % WLC->AP DTLS loss) */
	cs_facts_init(&f);
	for (int a = 0; a < 2; a++) {
		discovery_ok(&f);
		wire(&f, UP, CTL, client_hello(0));
		wire(&f, DOWN, CTL, hs_only(3, 20, 0, 20));
		for (int i = 0; i < 3; i++) {
			wire(&f, UP, CTL, client_hello(20));
			wire(&f, DOWN, CTL, server_hello_cert(3000, 0, 1000));
		}
	}
	assert_int_equal(f.cert_head_stall, 1);
	agg_same(&f, 2, NULL, CS_DIAG_RETURN_PATH_LOSS, &d);
	assert_int_equal(d.confidence, CS_DIAG_CONF_MEDIUM);
	assert_non_null(strstr(d.summary, "A size limit would have lost"));
	cs_diagnosis_free(&d);

	/* the whole server flight vanishes after the cookie exchange */
	cs_facts_init(&f);
	discovery_ok(&f);
	wire(&f, UP, CTL, client_hello(0));
	wire(&f, DOWN, CTL, hs_only(3, 20, 0, 20));
	for (int i = 0; i < 4; i++)
		wire(&f, UP, CTL, client_hello(20));
	assert_int_equal(f.ch_cookie, 4);
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_MTU_FRAGMENT_LOSS);

	/* ServerHello alone gets through, no Certificate fragment does */
	cs_facts_init(&f);
	wire(&f, UP, CTL, client_hello(0));
	wire(&f, DOWN, CTL, hs_only(3, 20, 0, 20));
	for (int i = 0; i < 3; i++) {
		wire(&f, UP, CTL, client_hello(20));
		wire(&f, DOWN, CTL, hs_only(2, 40, 0, 40));
	}
	assert_int_equal(f.cert, 0);
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_MTU_FRAGMENT_LOSS);

	/* the AP's own Certificate flight is lost: the WLC repeats its
	 * flight and never sends ChangeCipherSpec */
	char line[400];
	cs_facts_init(&f);
	wire(&f, UP, CTL, client_hello(0));
	wire(&f, DOWN, CTL, hs_only(3, 20, 0, 20));
	wire(&f, UP, CTL, client_hello(20));
	for (int i = 0; i < 3; i++) {
		wire(&f, DOWN, CTL, server_hello_cert(900, 0, 900));
		wire(&f, DOWN, CTL, hs_only(14, 0, 0, 0));
		wire(&f, UP, CTL, hs_only(11, 1400, 0, 1400));
		wire(&f, UP, CTL, ccs_finished());
	}
	assert_int_equal(f.cert, 1);
	assert_int_equal(f.max_up, 4 + 13 + 12 + 1400);
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_MTU_FRAGMENT_LOSS);
	assert_non_null(strstr(line, "largest datagram sent 1429 bytes"));

	/* an alert is a named failure, not a loss */
	wire(&f, DOWN, CTL, alert(2, 80));
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_INCONCLUSIVE);
}

static void
test_cert_coverage(void **state)
{
	struct cs_ap_facts f;

	(void)state;
	cs_facts_init(&f);
	wire(&f, UP, CTL, client_hello(0));
	/* out of order, overlapping, retransmitted */
	wire(&f, DOWN, CTL, hs_only(11, 3000, 2000, 1000));
	wire(&f, DOWN, CTL, hs_only(11, 3000, 2000, 1000));
	wire(&f, DOWN, CTL, hs_only(11, 3000, 0, 1100));
	assert_int_equal(f.cert, 0);
	assert_false(f.flags & CS_FACTS_F_CERT_DONE);
	wire(&f, DOWN, CTL, hs_only(11, 3000, 1000, 1000));
	assert_int_equal(f.cert, 1);
	assert_true(f.flags & CS_FACTS_F_CERT_DONE);
	wire(&f, DOWN, CTL, hs_only(11, 3000, 0, 1500));
	assert_int_equal(f.cert, 1); /* counted once */

	/* a tiny certificate (shorter than 64 bytes) */
	cs_facts_init(&f);
	wire(&f, DOWN, CTL, hs_only(11, 10, 0, 10));
	assert_int_equal(f.cert, 1);
}

static void
test_nat_rebinding(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;

	(void)state;
	cs_facts_init(&f);
	cs_facts_nat(&f, 0xc0a80001u, 40000); /* control */
	join_to_run(&f);
	cs_facts_nat(&f, 0xc0a80001u, 40002); /* data */
	now += 60000;                         /* idle */
	cs_facts_nat(&f, 0xc0a80001u, 40001);
	for (int i = 0; i < 5; i++) {
		wire(&f, UP, CTL, app_data());
		ctl(&f, UP, CS_MSG_ECHO_REQ, -1);
	}
	wire(&f, UP, CTL, capwap_msg(CS_MSG_DISCOVERY_REQ, -1));
	assert_int_equal(f.nat_changes, 1);
	assert_int_equal(f.nat_changes_run, 1);
	assert_int_equal(f.echo_streak_max_run, 5);
	assert_int_equal(f.run_lost, 1);
	assert_true(f.run_idle_ms >= 60000);
	join_to_run(&f);
	assert_int_equal(f.runs, 2);
	agg_same(&f, 3, NULL, CS_DIAG_NAT_REBINDING, &d);
	assert_non_null(strstr(d.summary, "5 Echo Requests unanswered"));
	assert_non_null(strstr(d.summary, "NAT mapping changed 1 time while"));
	cs_diagnosis_free(&d);
}

static void
test_wlc_restart(void **state)
{
	struct cs_ap_facts f[3];
	const struct cs_ap_facts *v[3];
	struct cs_diagnosis d;
	struct cs_ap_event ev = { .kind = CS_AP_EV_STATE };

	(void)state;
	for (int i = 0; i < 3; i++) {
		cs_facts_init(&f[i]);
		join_to_run(&f[i]);
		v[i] = &f[i];
	}
	/* all three leave Run within a second (live events) */
	for (int i = 0; i < 3; i++) {
		ev.t_ms = now + 200u * (unsigned)i;
		ev.from = CS_AP_RUN;
		ev.to = CS_AP_DISCOVERY;
		cs_facts_ap_event(&f[i], &ev);
		assert_int_equal(f[i].run_lost, 1);
		assert_false(f[i].flags & CS_FACTS_F_IN_RUN);
		ev.from = CS_AP_DATA_CHECK;
		ev.to = CS_AP_RUN;
		ev.t_ms += 5000;
		cs_facts_ap_event(&f[i], &ev);
		assert_int_equal(f[i].runs, 2);
	}
	/* losing Run together is no evidence of a restart by itself (a
	 * firewall change, a frozen controller look the same) */
	assert_int_equal(cs_diagnose(v, 3, NULL, &d), 0);
	assert_string_equal(d.code, "inconclusive");
	assert_int_equal(d.count[CS_DIAG_WLC_RESTART], 0);
	assert_non_null(strstr(d.summary, "nothing after it says why"));
	cs_diagnosis_free(&d);
	/* nor is it NAT rebinding without a NAT */
	assert_int_equal(one(&f[0], NULL, NULL, 0), CS_DIAG_INCONCLUSIVE);
	/* the run saw the WLC restart: that is the evidence */
	struct cs_diag_ctx ctx = { .live = true, .wlc_restarts = 1 };
	assert_int_equal(one(&f[0], &ctx, NULL, 0), CS_DIAG_WLC_RESTART);
	assert_int_equal(cs_diagnose(v, 3, &ctx, &d), 0);
	assert_string_equal(d.code, "wlc-restart");
	assert_int_equal(d.count[CS_DIAG_WLC_RESTART], 3);
	assert_non_null(strstr(d.summary, "same time"));
	assert_non_null(strstr(d.summary, "restarted 1 time."));
	assert_int_equal(d.confidence, CS_DIAG_CONF_HIGH);
	cs_diagnosis_free(&d);
}

/* Back in Run on another controller than the one lost: the APs failed
 * over; on the same controller it stays what the rejoin says. */
static void
test_controller_failover(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;
	struct cs_ap_event ev = { .kind = CS_AP_EV_STATE };
	struct cs_diag_ctx restart = { .live = true, .wlc_restarts = 1 };
	const uint32_t a = 0x7f000001, b = 0x7f000002;

	(void)state;
	cs_facts_init(&f);
	join_to_run(&f);
	ev.t_ms = now += 100;
	ev.from = CS_AP_DATA_CHECK;
	ev.to = CS_AP_RUN;
	ev.peer_ip = a;
	cs_facts_ap_event(&f, &ev);
	/* echoes die, the AP leaves Run and joins the secondary */
	for (int i = 0; i < 3; i++)
		ctl(&f, UP, CS_MSG_ECHO_REQ, -1);
	ev.t_ms = now += 100;
	ev.from = CS_AP_RUN;
	ev.to = CS_AP_DTLS_TEARDOWN;
	cs_facts_ap_event(&f, &ev);
	join_to_run(&f);
	ev.t_ms = now += 100;
	ev.from = CS_AP_DATA_CHECK;
	ev.to = CS_AP_RUN;
	ev.peer_ip = b;
	cs_facts_ap_event(&f, &ev);
	ev.kind = CS_AP_EV_FAILOVER;
	ev.from = ev.to = CS_AP_RUN;
	ev.value = 11000;
	ev.reason = "failed over";
	cs_facts_ap_event(&f, &ev);
	assert_int_equal(f.failovers, 1);
	assert_int_equal(f.fo_from, a);
	assert_int_equal(f.fo_to, b);
	agg_same(&f, 3, NULL, CS_DIAG_CONTROLLER_FAILOVER, &d);
	assert_non_null(strstr(d.summary, "127.0.0.1"));
	assert_non_null(strstr(d.summary, "back in Run on 127.0.0.2"));
	assert_non_null(strstr(d.hint, "before blaming the network"));
	assert_int_equal(d.confidence, CS_DIAG_CONF_MEDIUM);
	cs_diagnosis_free(&d);
	/* a restart the run saw is the restart's */
	assert_int_equal(one(&f, &restart, NULL, 0), CS_DIAG_WLC_RESTART);
	/* back on the controller it lost: no failover verdict */
	f.fo_to = a;
	assert_int_not_equal(
	    one(&f, NULL, NULL, 0), CS_DIAG_CONTROLLER_FAILOVER);
}

static void
test_data_channel_blocked(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;

	(void)state;
	cs_facts_init(&f);
	discovery_ok(&f);
	handshake_ok(&f);
	ctl(&f, UP, CS_MSG_JOIN_REQ, -1);
	ctl(&f, DOWN, CS_MSG_JOIN_RESP, 0);
	ctl(&f, UP, CS_MSG_CONFIG_STATUS_REQ, -1);
	ctl(&f, DOWN, CS_MSG_CONFIG_STATUS_RESP, -1);
	ctl(&f, UP, CS_MSG_CHANGE_STATE_REQ, -1);
	ctl(&f, DOWN, CS_MSG_CHANGE_STATE_RESP, 0);
	assert_true(f.flags & CS_FACTS_F_IN_RUN); /* as lib/ap does */
	wire(&f, UP, DATA, keepalive());
	/* one unanswered keep-alive is not yet a pattern */
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_OK);
	for (int i = 0; i < 3; i++)
		wire(&f, UP, DATA, keepalive());
	agg_same(&f, 2, NULL, CS_DIAG_DATA_CHANNEL_BLOCKED, &d);
	assert_non_null(strstr(d.summary, "4 keep-alives sent"));
	assert_non_null(strstr(d.hint, "5247"));
	cs_diagnosis_free(&d);

	/* DataChannelDeadInterval ends Run: still the data channel, not a
	 * Run loss */
	struct cs_ap_event ev = { .kind = CS_AP_EV_STATE,
		.t_ms = now + 5000,
		.from = CS_AP_RUN,
		.to = CS_AP_RESET };
	cs_facts_ap_event(&f, &ev);
	assert_int_equal(f.run_lost, 1);
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_DATA_CHANNEL_BLOCKED);
}

/* Data channel DTLS (RFC 5415 §4.6.1 D) after a working control join:
 * ClientHellos on UDP 5247 with no answer (a path that passes 5246 but
 * drops DTLS on 5247) are their own verdict, not data-channel-blocked;
 * answered and then given up by the AP too; answered and keep-alives
 * flowing inside it is a healthy Run. */
static void
test_data_dtls_failed(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;

	(void)state;
	for (int kind = 0; kind < 3; kind++) {
		cs_facts_init(&f);
		discovery_ok(&f);
		handshake_ok(&f);
		ctl(&f, UP, CS_MSG_JOIN_REQ, -1);
		ctl(&f, DOWN, CS_MSG_JOIN_RESP, 0);
		ctl(&f, UP, CS_MSG_CONFIG_STATUS_REQ, -1);
		ctl(&f, DOWN, CS_MSG_CONFIG_STATUS_RESP, -1);
		ctl(&f, UP, CS_MSG_CHANGE_STATE_REQ, -1);
		ctl(&f, DOWN, CS_MSG_CHANGE_STATE_RESP, 0);
		wire(&f, UP, DATA, client_hello(0));
		/* one ClientHello unanswered is not yet a pattern */
		if (kind == 0)
			assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_OK);
		wire(&f, UP, DATA, client_hello(0));
		assert_int_equal(f.ddtls_up, 2);
		assert_int_equal(f.ka_up, 0); /* not a clear keep-alive */
		if (kind == 0) {
			agg_same(&f, 2, NULL, CS_DIAG_DATA_DTLS_FAILED, &d);
			assert_non_null(strstr(d.summary, "got no answer"));
			assert_non_null(strstr(d.hint, "5247"));
			cs_diagnosis_free(&d);
			continue;
		}
		wire(&f, DOWN, DATA, client_hello(0)); /* any DTLS back */
		assert_int_equal(f.ddtls_down, 1);
		if (kind == 1) {
			/* answered, then the AP gave it up (an alert) */
			assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_OK);
			cs_facts_data_dtls_fail(&f);
			agg_same(&f, 1, NULL, CS_DIAG_DATA_DTLS_FAILED, &d);
			assert_non_null(strstr(d.summary, "1 back"));
			cs_diagnosis_free(&d);
			continue;
		}
		/* keep-alives inside the session, both ways: healthy */
		for (int i = 0; i < 3; i++) {
			struct dg k = keepalive();

			cs_facts_data_secure(&f, UP, k.b, k.n, now + 10);
			cs_facts_data_secure(&f, DOWN, k.b, k.n, now + 11);
		}
		assert_int_equal(f.ka_up, 3);
		assert_int_equal(f.ka_down, 3);
		assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_OK);
	}
}

static void
test_join_rejected_and_capacity(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;
	char line[256];

	(void)state;
	cs_facts_init(&f);
	discovery_ok(&f);
	handshake_ok(&f);
	ctl(&f, UP, CS_MSG_JOIN_REQ, -1);
	ctl(&f, DOWN, CS_MSG_JOIN_RESP, CS_RC_JOIN_FAIL_UNKNOWN_SRC);
	assert_int_equal(f.join_rc, 5);
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_JOIN_REJECTED);
	assert_non_null(strstr(line, "Result Code 5"));

	ctl(&f, DOWN, CS_MSG_JOIN_RESP, CS_RC_JOIN_FAIL_RESOURCE);
	agg_same(&f, 2, NULL, CS_DIAG_WLC_CAPACITY, &d);
	assert_non_null(strstr(d.summary, "Result Code 4"));
	cs_diagnosis_free(&d);

	/* success with NAT is not a rejection */
	ctl(&f, DOWN, CS_MSG_JOIN_RESP, CS_RC_SUCCESS_NAT);
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_INCONCLUSIVE);
}

static void
test_dtls_mismatch(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;

	(void)state;
	cs_facts_init(&f);
	discovery_ok(&f);
	wire(&f, UP, CTL, client_hello(0));
	wire(&f, DOWN, CTL, alert(2, 70));
	assert_true(f.flags & CS_FACTS_F_ALERT_PRE_SH);
	agg_same(&f, 2, NULL, CS_DIAG_DTLS_MISMATCH, &d);
	assert_non_null(strstr(d.summary, "protocol_version"));
	cs_diagnosis_free(&d);

	/* handshake_failure before ServerHello: no shared cipher */
	cs_facts_init(&f);
	wire(&f, UP, CTL, client_hello(0));
	wire(&f, DOWN, CTL, hs_only(3, 20, 0, 20));
	wire(&f, UP, CTL, client_hello(20));
	wire(&f, DOWN, CTL, alert(2, 40));
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_DTLS_MISMATCH);

	/* live */
	cs_facts_init(&f);
	cs_facts_dtls_fail(&f, CS_DTLS_FAIL_VERSION, true, -1, NULL, 1);
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_DTLS_MISMATCH);
	cs_facts_dtls_fail(&f, 9999, true, -1, NULL, 1); /* hostile code */
	assert_int_equal(f.dtls_fail, CS_DTLS_FAIL_PROTOCOL);
}

static void
test_option43_wrong(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;
	const uint8_t bad[] = { 0xf1, 0x05, 0x0a, 0x00, 0x00, 0x01, 0x00 };
	const uint8_t other[] = { 0xf1, 0x04, 0x0a, 0x00, 0x00, 0x63 };

	(void)state;
	cs_facts_init(&f);
	cs_facts_option43(&f, bad, sizeof(bad), -EBADMSG);
	for (int i = 0; i < 3; i++)
		wire(&f, UP, CTL, capwap_msg(CS_MSG_DISCOVERY_REQ, -1));
	agg_same(&f, 2, NULL, CS_DIAG_OPTION43_WRONG, &d);
	assert_non_null(strstr(d.summary, "f1050a00000100"));
	assert_non_null(strstr(d.summary, "does not decode"));
	cs_diagnosis_free(&d);

	/* missing */
	cs_facts_option43(&f, NULL, 0, 0);
	assert_int_equal(f.o43_err, 1);
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_OPTION43_WRONG);

	/* decodes, but names another address than the WLC's */
	cs_facts_option43(&f, other, sizeof(other), 0);
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_NO_CONTROLLER);
	struct cs_diag_ctx ctx = { .wlc_ip = 0x0a000001u };
	assert_int_equal(one(&f, &ctx, NULL, 0), CS_DIAG_OPTION43_WRONG);
	ctx.wlc_ip = 0x0a000063u;
	assert_int_equal(one(&f, &ctx, NULL, 0), CS_DIAG_NO_CONTROLLER);

	/* long values keep 32 bytes */
	uint8_t big[100];
	memset(big, 0xee, sizeof(big));
	cs_facts_option43(&f, big, sizeof(big), 1);
	assert_int_equal(f.o43_len, CS_FACTS_O43_LEN);
	assert_true(f.o43_err < 0);
}

static void
test_mixed_and_stragglers(void **state)
{
	struct cs_ap_facts rp, cap, ok, und;
	struct cs_diagnosis d;

	(void)state;
	cs_facts_init(&rp);
	discovery_ok(&rp);
	for (int i = 0; i < 6; i++)
		wire(&rp, UP, CTL, client_hello(0));
	cs_facts_init(&cap);
	ctl(&cap, DOWN, CS_MSG_JOIN_RESP, CS_RC_JOIN_FAIL_RESOURCE);
	cs_facts_init(&ok);
	join_to_run(&ok);
	cs_facts_init(&und);
	discovery_ok(&und);

	const struct cs_ap_facts *v[] = { &rp, &rp, &cap, &cap, &ok, NULL };
	/* the WLC received every ClientHello: the 12 of the rp APs and the
	 * 2 of the AP that joined */
	const struct cs_diag_ctx live = {
		.live = true, .wlc_known = true, .wlc_client_hello = 14
	};
	assert_int_equal(cs_diagnose(v, 6, &live, &d), 0);
	assert_string_equal(d.code, "mixed");
	assert_int_equal(d.aps, 5);
	assert_int_equal(d.aps_affected, 4);
	assert_int_equal(d.count[CS_DIAG_RETURN_PATH_LOSS], 2);
	assert_int_equal(d.count[CS_DIAG_WLC_CAPACITY], 2);
	assert_non_null(strstr(d.summary, "return-path-loss (2 APs)"));
	assert_non_null(strstr(d.summary, "wlc-capacity (2 APs)"));
	assert_non_null(strstr(d.hint, "wlc-capacity: "));
	/* which APs: indices into v[] */
	assert_int_equal(d.ap_idx[CS_DIAG_RETURN_PATH_LOSS][0], 0);
	assert_int_equal(d.ap_idx[CS_DIAG_RETURN_PATH_LOSS][1], 1);
	assert_int_equal(d.ap_idx[CS_DIAG_WLC_CAPACITY][0], 2);
	assert_int_equal(d.ap_idx[CS_DIAG_WLC_CAPACITY][1], 3);
	assert_int_equal(d.ap_idx[CS_DIAG_OK][0], 4);
	assert_null(d.ap_idx[CS_DIAG_CLOCK_SKEW]);
	assert_non_null(strstr(d.cause_evidence[CS_DIAG_WLC_CAPACITY],
	    "2 APs: The controller refused the Join for capacity"));
	assert_int_equal(d.conf[CS_DIAG_WLC_CAPACITY], CS_DIAG_CONF_HIGH);
	cs_diagnosis_free(&d);

	/* a dominant cause (>= 80%) wins over a stray one */
	const struct cs_ap_facts *w[] = { &rp, &rp, &rp, &rp, &rp, &cap, &ok };
	const struct cs_diag_ctx live32 = {
		.live = true, .wlc_known = true, .wlc_client_hello = 32
	};
	assert_int_equal(cs_diagnose(w, 7, &live32, &d), 0);
	assert_string_equal(d.code, "return-path-loss");
	assert_non_null(strstr(d.summary, "Others: 1 AP"));
	cs_diagnosis_free(&d);

	/* one undecided AP among 20 joined: ok */
	const struct cs_ap_facts *x[21];
	for (int i = 0; i < 20; i++)
		x[i] = &ok;
	x[20] = &und;
	assert_int_equal(cs_diagnose(x, 21, NULL, &d), 0);
	assert_string_equal(d.code, "ok");
	assert_non_null(strstr(d.summary, "1 still undecided"));
	cs_diagnosis_free(&d);
	/* but many undecided: inconclusive */
	const struct cs_ap_facts *y[] = { &und, &und, &ok };
	assert_int_equal(cs_diagnose(y, 3, NULL, &d), 0);
	assert_string_equal(d.code, "inconclusive");
	cs_diagnosis_free(&d);
	/* undecided only, none in Run: never ok */
	const struct cs_ap_facts *z[] = { &und };
	assert_int_equal(cs_diagnose(z, 1, NULL, &d), 0);
	assert_string_equal(d.code, "inconclusive");
	cs_diagnosis_free(&d);

	/* nothing at all: not ok either */
	assert_int_equal(cs_diagnose(NULL, 0, NULL, &d), 0);
	assert_string_equal(d.code, "inconclusive");
	assert_int_equal(d.aps, 0);
	cs_diagnosis_free(&d);
	assert_int_equal(cs_diagnose(NULL, 1, NULL, &d), -EINVAL);
	assert_int_equal(cs_diagnose(v, 1, NULL, NULL), -EINVAL);
	cs_diagnosis_free(NULL);
}

static void
test_line_truncation(void **state)
{
	struct cs_ap_facts f;
	char line[6];
	char big[512];

	(void)state;
	cs_facts_init(&f);
	discovery_ok(&f);
	for (int i = 0; i < 6; i++)
		wire(&f, UP, CTL, client_hello(0));
	memset(line, 'x', sizeof(line));
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_INCONCLUSIVE);
	assert_string_equal(line, "incon");
	memset(line, 'x', sizeof(line));
	assert_int_equal(one(&f, NULL, line, 1), CS_DIAG_INCONCLUSIVE);
	assert_int_equal(line[0], '\0');
	assert_int_equal(line[1], 'x');
	/* with room for it, the cut falls between words and says so: never
	 * "(3 fai." */
	{
		char mid[48];
		size_t k;

		assert_int_equal(
		    one(&f, NULL, big, sizeof(big)), CS_DIAG_INCONCLUSIVE);
		assert_true(strlen(big) > sizeof(mid));
		one(&f, NULL, mid, sizeof(mid));
		k = strlen(mid);
		assert_true(k <= sizeof(mid) - 1);
		assert_string_equal(mid + k - 4, " ...");
		assert_memory_equal(mid, big, k - 4);
		assert_true(big[k - 4] == ' ' || big[k - 4] == ',');
	}
	assert_int_equal(
	    one(NULL, NULL, big, sizeof(big)), CS_DIAG_INCONCLUSIVE);
	assert_string_equal(big, "inconclusive: no facts");
}

static void
test_ap_events(void **state)
{
	struct cs_ap_facts f;
	struct cs_ap_event ev = { .kind = CS_AP_EV_FAILURE,
		.phase = CS_PHASE_JOIN,
		.reason = "no Join Response after 5 retransmissions" };
	char line[256];

	(void)state;
	cs_facts_init(&f);
	ev.t_ms = 500;
	cs_facts_ap_event(&f, &ev);
	assert_true(f.flags & CS_FACTS_F_LIVE);
	assert_int_equal(f.fail_phase, CS_PHASE_JOIN);
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_INCONCLUSIVE);
	assert_non_null(strstr(line, "Stopped in join: no Join Response"));
	ev.phase = (enum cs_phase)200; /* hostile */
	ev.reason = NULL;
	cs_facts_ap_event(&f, &ev);
	assert_int_equal(f.fail_phase, CS_FACTS_NONE8);
	cs_facts_ap_event(&f, NULL);
	cs_facts_ap_event(NULL, &ev);
}

/* Captures taken at the WLC's side, or ending mid-failure. */
static void
test_capture_views(void **state)
{
	struct cs_ap_facts f, g[3];
	const struct cs_ap_facts *v[3];
	struct cs_diagnosis d;
	char line[400];

	(void)state;
	/* the WLC sends HelloVerifyRequests, the AP never returns the
	 * cookie: they do not reach it */
	cs_facts_init(&f);
	discovery_ok(&f);
	for (int i = 0; i < 5; i++) {
		wire(&f, UP, CTL, client_hello(0));
		wire(&f, DOWN, CTL, hs_only(3, 20, 0, 20));
	}
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_RETURN_PATH_LOSS);
	assert_non_null(strstr(line, "never returns the cookie"));

	/* Discovery Responses leave the WLC, the AP keeps asking */
	cs_facts_init(&f);
	for (int i = 0; i < 3; i++) {
		wire(&f, UP, CTL, capwap_msg(CS_MSG_DISCOVERY_REQ, -1));
		wire(&f, DOWN, CTL, capwap_msg(CS_MSG_DISCOVERY_RESP, -1));
	}
	assert_int_equal(f.disc_req_after_resp, 2);
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_RETURN_PATH_LOSS);
	assert_non_null(strstr(line, "keeps asking"));
	cs_facts_nat(&f, 0x7f0045c8u, 1024); /* the WLC saw a NAT address */
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_NAT_NO_RETURN);
	assert_non_null(strstr(line, "never reach them"));

	/* Run came and went without one keep-alive on UDP 5247 */
	cs_facts_init(&f);
	discovery_ok(&f);
	handshake_ok(&f);
	ctl(&f, DOWN, CS_MSG_JOIN_RESP, 0);
	ctl(&f, DOWN, CS_MSG_CHANGE_STATE_RESP, 0);
	ctl(&f, UP, CS_MSG_ECHO_REQ, -1);
	ctl(&f, DOWN, CS_MSG_ECHO_RESP, -1);
	wire(&f, UP, CTL, capwap_msg(CS_MSG_DISCOVERY_REQ, -1));
	assert_int_equal(f.run_lost, 1);
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_DATA_CHANNEL_BLOCKED);
	assert_non_null(strstr(line, "not one data channel keep-alive"));
	/* live, the keep-alives would have been seen: Run lost with echoes
	 * answered and nothing after it is no evidence of anything */
	struct cs_diag_ctx live = { .live = true };
	assert_int_equal(one(&f, &live, NULL, 0), CS_DIAG_INCONCLUSIVE);

	/* the trace ends while echoes go unanswered: Run is being lost;
	 * with the controller's NAT report (Result Code 2) it is the NAT */
	for (int i = 0; i < 3; i++) {
		cs_facts_init(&g[i]);
		join_to_run(&g[i]);
		for (int k = 0; k < 4; k++)
			ctl(&g[i], UP, CS_MSG_ECHO_REQ, -1);
		assert_true(g[i].flags & CS_FACTS_F_IN_RUN);
		v[i] = &g[i];
	}
	/* no NAT, no restart seen, the trace ends before anything else:
	 * nothing decides (all at once is not a restart by itself) */
	assert_int_equal(
	    one(&g[0], NULL, line, sizeof(line)), CS_DIAG_INCONCLUSIVE);
	assert_non_null(strstr(line, "nothing after it says why"));
	assert_int_equal(cs_diagnose(v, 3, NULL, &d), 0);
	assert_string_equal(d.code, "inconclusive");
	cs_diagnosis_free(&d);
	for (int i = 0; i < 3; i++)
		ctl(&g[i], DOWN, CS_MSG_JOIN_RESP, CS_RC_SUCCESS_NAT);
	assert_int_equal(cs_diagnose(v, 3, NULL, &d), 0);
	assert_string_equal(d.code, "nat-rebinding");
	assert_non_null(strstr(d.summary, "reported NAT"));
	cs_diagnosis_free(&d);
	/* the run knows the WLC restarted: NAT or not, that is it */
	struct cs_diag_ctx rs = { .wlc_restarts = 1 };
	assert_int_equal(cs_diagnose(v, 3, &rs, &d), 0);
	assert_string_equal(d.code, "wlc-restart");
	cs_diagnosis_free(&d);
	/* two unanswered echoes are not yet a loss */
	cs_facts_init(&f);
	join_to_run(&f);
	ctl(&f, UP, CS_MSG_ECHO_REQ, -1);
	ctl(&f, UP, CS_MSG_ECHO_REQ, -1);
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_OK);
}

/* A real OpenSSL DTLS 1.2 handshake (tests/vectors/dtls) behind the CAPWAP
 * DTLS header. */
static void
feed_vec(struct cs_ap_facts *f, const char *name)
{
	char path[128];
	size_t len;
	uint8_t *raw, *pkt;

	snprintf(path, sizeof(path), "tests/vectors/dtls/%s.bin", name);
	raw = cs_test_read_src(path, &len);
	pkt = malloc(len + 4);
	assert_non_null(pkt);
	memcpy(pkt, "\x01\x00\x00\x00", 4);
	memcpy(pkt + 4, raw, len);
	cs_facts_wire(
	    f, strstr(name, "c2s") ? UP : DOWN, CTL, pkt, len + 4, now += 10);
	free(pkt);
	free(raw);
}

static void
test_real_openssl(void **state)
{
	struct cs_ap_facts f;
	char name[64];

	(void)state;
	cs_facts_init(&f);
	static const char *const hs[] = { "01-c2s", "02-s2c", "03-c2s",
		"04-s2c", "05-s2c", "06-c2s", "07-s2c", "08-c2s" };
	for (size_t i = 0; i < CS_ARRAY_SIZE(hs); i++) {
		snprintf(name, sizeof(name), "dtls12-%s", hs[i]);
		feed_vec(&f, name);
	}
	assert_int_equal(f.ch, 2);
	assert_int_equal(f.ch_cookie, 1);
	assert_int_equal(f.hvr, 1);
	assert_int_equal(f.sh, 1);
	assert_int_equal(f.cert, 1);
	assert_int_equal(f.shd, 1);
	assert_int_equal(f.hs_done, 1);
	assert_int_equal(f.app_up, 1);
	assert_int_equal(f.malformed_down, 0);

	/* fragmented server flight, then the client's fatal unknown_ca */
	cs_facts_init(&f);
	feed_vec(&f, "dtls12-01-c2s");
	feed_vec(&f, "dtls12-02-s2c");
	feed_vec(&f, "dtls12-03-c2s");
	for (int i = 4; i <= 9; i++) {
		snprintf(name, sizeof(name), "dtls12-alert-%02d-s2c", i);
		feed_vec(&f, name);
	}
	feed_vec(&f, "dtls12-alert-10-c2s");
	feed_vec(&f, "dtls12-alert-11-s2c");
	assert_int_equal(f.alert_up_desc, 48);
	assert_int_equal(f.cert, 1);
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_CERT_REJECTED_BY_AP);
}

/* ---------------------------------------------------------------------
 * Hostile input
 */

static uint32_t rng = 12345;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void
test_hostile(void **state)
{
	struct cs_ap_facts f;
	uint8_t buf[600];
	struct dg seeds[6];

	(void)state;
	seeds[0] = client_hello(20);
	seeds[1] = server_hello_cert(3000, 0, 500);
	seeds[2] = capwap_msg(CS_MSG_JOIN_RESP, 4);
	seeds[3] = keepalive();
	seeds[4] = ccs_finished();
	seeds[5] = alert(2, 48);

	cs_facts_init(&f);
	/* NULL and empty */
	cs_facts_wire(&f, DOWN, CTL, NULL, 100, 1);
	assert_int_equal(f.malformed_down, 1);
	cs_facts_wire(&f, DOWN, CTL, buf, 0, 1);
	cs_facts_wire(NULL, DOWN, CTL, buf, 10, 1);
	cs_facts_wire(&f, (enum cs_dir)7, CTL, buf, 10, 1);
	cs_facts_control(&f, DOWN, NULL, 10, 1);
	cs_facts_control(NULL, DOWN, buf, 10, 1);
	cs_facts_nat(NULL, 1, 2);
	cs_facts_option43(NULL, buf, 1, 0);
	cs_facts_dtls_fail(NULL, 1, true, 1, "x", 1);
	cs_facts_clock_skew(NULL, 1);
	cs_facts_init(NULL);

	/* every truncation and random bit flips of valid datagrams, fed as
	 * both directions, channels and as control messages */
	for (size_t s = 0; s < CS_ARRAY_SIZE(seeds); s++) {
		for (size_t cut = 0; cut <= seeds[s].n; cut++) {
			for (int dir = 0; dir < 2; dir++) {
				cs_facts_wire(&f, (enum cs_dir)dir, CTL,
				    seeds[s].b, cut, 2);
				cs_facts_wire(&f, (enum cs_dir)dir, DATA,
				    seeds[s].b, cut, 2);
				cs_facts_control(
				    &f, (enum cs_dir)dir, seeds[s].b, cut, 2);
			}
		}
		for (int k = 0; k < 2000; k++) {
			size_t n =
			    seeds[s].n < sizeof(buf) ? seeds[s].n : sizeof(buf);
			memcpy(buf, seeds[s].b, n);
			for (int j = 0; j < 3; j++)
				buf[rnd() % n] ^= (uint8_t)(1u << (rnd() % 8));
			cs_facts_wire(
			    &f, (enum cs_dir)(k & 1), CTL, buf, n, rnd());
			cs_facts_control(&f, (enum cs_dir)(k & 1), buf, n, 3);
		}
	}
	/* pure noise */
	for (int k = 0; k < 5000; k++) {
		size_t n = rnd() % sizeof(buf);
		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)rnd();
		buf[0] = (uint8_t)(rnd() & 1); /* preamble 0 or 1 */
		cs_facts_wire(&f, (enum cs_dir)(k & 1),
		    (enum cs_chan)(rnd() % 2), buf, n, rnd());
	}
	assert_true(f.malformed_down > 0);
	/* whatever the facts became, the diagnosis stands */
	char line[300];
	enum cs_diag_code c = one(&f, NULL, line, sizeof(line));
	assert_true((unsigned)c < CS_DIAG__COUNT);
	assert_true(strlen(line) < sizeof(line));
	struct cs_diagnosis d;
	const struct cs_ap_facts *v[] = { &f };
	assert_int_equal(cs_diagnose(v, 1, NULL, &d), 0);
	cs_diagnosis_free(&d);

	/* a facts record of random bytes */
	for (int k = 0; k < 2000; k++) {
		uint8_t *p = (uint8_t *)&f;
		for (size_t i = 0; i < sizeof(f); i++)
			p[i] = (uint8_t)rnd();
		c = one(&f, NULL, line, sizeof(line));
		assert_true((unsigned)c < CS_DIAG__COUNT);
		assert_int_equal(cs_diagnose(v, 1, NULL, &d), 0);
		cs_diagnosis_free(&d);
	}
}

/* ---------------------------------------------------------------------
 * The field cases of issue 11, at the level of the facts
 */

/* In Run, n Echo Requests with no answer; keep-alives answered or not. */
static void
echoes_unanswered(struct cs_ap_facts *f, int n, bool ka_answered)
{
	for (int i = 0; i < n; i++) {
		ctl(f, UP, CS_MSG_ECHO_REQ, -1);
		wire(f, UP, DATA, keepalive());
		if (ka_answered)
			wire(f, DOWN, DATA, keepalive());
	}
}

/* A firewall change drops WLC->AP DTLS while the APs are in Run: the
 * echoes die, the data channel and discovery still answer, the DTLS
 * retry dies on the way back. */
static void
test_field_firewall_in_run(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;
	char line[512];

	(void)state;
	cs_facts_init(&f);
	join_to_run(&f);
	echoes_unanswered(&f, 5, true);
	discovery_ok(&f); /* Run lost: back to discovery, answered */
	assert_int_equal(f.run_lost, 1);
	for (int i = 0; i < 4; i++)
		wire(&f, UP, CTL, client_hello(0));
	assert_int_equal(f.post_ch, 4);
	assert_int_equal(f.post_dtls_down, 0);
	assert_int_equal(f.post_disc_resp, 1);
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_RETURN_PATH_LOSS);
	assert_non_null(strstr(line, "DTLS retry dies on the way back"));
	assert_non_null(strstr(line, "4 ClientHellos after the loss"));
	/* the live WLC restarting would be the other explanation: it did
	 * not, so never wlc-restart */
	struct cs_diag_ctx live = {
		.live = true, .wlc_known = true, .wlc_client_hello = 40
	};
	agg_same(&f, 6, &live, CS_DIAG_RETURN_PATH_LOSS, &d);
	assert_int_equal(d.count[CS_DIAG_WLC_RESTART], 0);
	assert_int_equal(d.confidence, CS_DIAG_CONF_HIGH);
	assert_non_null(strstr(d.hint, "allow UDP 5246 from the WLC"));
	cs_diagnosis_free(&d);
}

/* The controller process frozen (SIGSTOP): echoes, keep-alives and the
 * rediscovery all unanswered, nobody back in Run. */
static void
test_field_controller_frozen(void **state)
{
	struct cs_ap_facts f;
	struct cs_diagnosis d;
	char line[512];

	(void)state;
	cs_facts_init(&f);
	join_to_run(&f);
	echoes_unanswered(&f, 5, false);
	for (int i = 0; i < 3; i++)
		wire(&f, UP, CTL, capwap_msg(CS_MSG_DISCOVERY_REQ, -1));
	assert_int_equal(f.post_disc_req, 3);
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_CONTROLLER_UNRESPONSIVE);
	assert_non_null(strstr(line, "stopped answering"));
	assert_non_null(strstr(line, "no AP came back to Run"));
	agg_same(&f, 4, NULL, CS_DIAG_CONTROLLER_UNRESPONSIVE, &d);
	assert_null(strstr(d.summary, "rejoined"));
	assert_int_equal(d.count[CS_DIAG_WLC_RESTART], 0);
	cs_diagnosis_free(&d);
	/* a static controller list: straight to DTLS, nothing back either */
	cs_facts_init(&f);
	join_to_run(&f);
	echoes_unanswered(&f, 5, false);
	facts_run_lost_by_event(&f);
	for (int i = 0; i < 3; i++)
		wire(&f, UP, CTL, client_hello(0));
	assert_int_equal(
	    one(&f, NULL, NULL, 0), CS_DIAG_CONTROLLER_UNRESPONSIVE);
}

/* The WLC answers everything but Echo Requests: the data channel lives,
 * the APs lose Run and join again. */
static void
test_field_echo_unanswered(void **state)
{
	struct cs_ap_facts f[3];
	const struct cs_ap_facts *v[3];
	struct cs_diagnosis d;
	char line[512];

	(void)state;
	for (int i = 0; i < 3; i++) {
		cs_facts_init(&f[i]);
		join_to_run(&f[i]);
		echoes_unanswered(&f[i], 5, true);
		v[i] = &f[i];
	}
	/* before the rejoin: the control return path or the echo handling */
	assert_int_equal(
	    one(&f[0], NULL, line, sizeof(line)), CS_DIAG_INCONCLUSIVE);
	assert_non_null(strstr(line, "before the AP tried to join again"));
	for (int i = 0; i < 3; i++)
		join_to_run(&f[i]);
	assert_int_equal(
	    one(&f[0], NULL, line, sizeof(line)), CS_DIAG_ECHO_UNANSWERED);
	assert_non_null(strstr(line, "5 Echo Requests went unanswered"));
	/* all at once, in a capture: still not a restart (the controller
	 * kept its data channel) */
	assert_int_equal(cs_diagnose(v, 3, NULL, &d), 0);
	assert_string_equal(d.code, "echo-unanswered");
	assert_int_equal(d.count[CS_DIAG_ECHO_UNANSWERED], 3);
	assert_non_null(strstr(d.hint, "CoPP"));
	cs_diagnosis_free(&d);
}

/* The same, twice (scenarios/field/echo-unanswered): joined again after
 * the first loss, the second loss is where the trace ends, before its
 * DTLS retry is answered.  The first rejoin still shows the controller
 * takes the AP back: echo-unanswered, not inconclusive. */
static void
test_field_echo_unanswered_twice(void **state)
{
	struct cs_ap_facts f;
	char line[512];

	(void)state;
	cs_facts_init(&f);
	join_to_run(&f);
	echoes_unanswered(&f, 4, true);
	facts_run_lost_by_event(&f);
	join_to_run(&f);
	echoes_unanswered(&f, 4, true);
	facts_run_lost_by_event(&f);
	wire(&f, UP, CTL, client_hello(0));
	assert_int_equal(f.runs, 2);
	assert_int_equal(f.run_lost, 2);
	assert_int_equal(f.post_dtls_down, 0);
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_ECHO_UNANSWERED);
	assert_non_null(strstr(line, "4 Echo Requests went unanswered"));
	/* keep-alives dead in the outages too: not the echo handling */
	cs_facts_init(&f);
	join_to_run(&f);
	echoes_unanswered(&f, 4, false);
	facts_run_lost_by_event(&f);
	join_to_run(&f);
	echoes_unanswered(&f, 4, false);
	facts_run_lost_by_event(&f);
	wire(&f, UP, CTL, client_hello(0));
	assert_int_not_equal(one(&f, NULL, NULL, 0), CS_DIAG_ECHO_UNANSWERED);
	/* one loss only, no rejoin yet: still undecided */
	cs_facts_init(&f);
	join_to_run(&f);
	echoes_unanswered(&f, 4, true);
	facts_run_lost_by_event(&f);
	wire(&f, UP, CTL, client_hello(0));
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_INCONCLUSIVE);
}

/* Keep-alive replies 8 s late with a 6 s dead interval. */
static void
test_field_keepalive_late(void **state)
{
	struct cs_ap_facts f;
	char line[512];

	(void)state;
	cs_facts_init(&f);
	join_to_run(&f);
	for (int i = 0; i < 3; i++) {
		wire(&f, UP, DATA, keepalive());
		now += 8000;
		wire(&f, DOWN, DATA, keepalive());
		ctl(&f, UP, CS_MSG_ECHO_REQ, -1);
		ctl(&f, DOWN, CS_MSG_ECHO_RESP, -1);
	}
	assert_true(f.ka_delay_max_ms >= 8000);
	/* still in Run: late, but nothing failed */
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_OK);
	wire(&f, UP, CTL, capwap_msg(CS_MSG_DISCOVERY_REQ, -1));
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_DATA_CHANNEL_LATENCY);
	assert_non_null(strstr(line, "arrive late"));
	/* keep-alives lost (not late) are not latency */
	cs_facts_init(&f);
	join_to_run(&f);
	for (int i = 0; i < 4; i++) {
		wire(&f, UP, DATA, keepalive());
		now += 3000;
	}
	wire(&f, DOWN, DATA, keepalive());
	wire(&f, UP, CTL, capwap_msg(CS_MSG_DISCOVERY_REQ, -1));
	assert_int_not_equal(
	    one(&f, NULL, NULL, 0), CS_DIAG_DATA_CHANNEL_LATENCY);
}

/* Only the WLC's ServerHello/Certificate datagrams dropped: the cookie
 * passes, a 90-byte ServerHello is lost too, 325-byte datagrams arrive.
 * Not MTU. */
static void
test_field_selective_not_mtu(void **state)
{
	struct cs_ap_facts f;
	char line[1024];

	(void)state;
	cs_facts_init(&f);
	discovery_ok(&f);
	cs_facts_wlc_side(&f, DOWN, 40); /* the Discovery Response */
	wire(&f, UP, CTL, client_hello(0));
	wire(&f, DOWN, CTL, hs_only(3, 20, 0, 20));
	cs_facts_wlc_side(&f, DOWN, 60);
	for (int i = 0; i < 4; i++) {
		wire(&f, UP, CTL, client_hello(20));
		/* sent: ServerHello (90 B) and Certificate (1000 B), lost;
		 * ServerKeyExchange + ServerHelloDone (325 B) arrives */
		cs_facts_wlc_side(&f, DOWN, 90);
		cs_facts_wlc_side(&f, DOWN, 1000);
		cs_facts_wlc_side(&f, DOWN, 325);
		struct dg shd = hs_only(14, 280, 0, 280);
		wire(&f, DOWN, CTL, shd);
	}
	assert_int_equal(f.sh, 0);
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_RETURN_PATH_LOSS);
	assert_non_null(strstr(line, "not by size"));
	/* the AP's view alone cannot tell: inconclusive, not MTU */
	memset(f.wlc_tx, 0, sizeof(f.wlc_tx));
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_INCONCLUSIVE);
	assert_non_null(strstr(line, "ServerHello never arrived"));

	/* a real MTU loss: everything above 1024 B vanishes, everything
	 * below arrives */
	cs_facts_init(&f);
	discovery_ok(&f);
	cs_facts_wlc_side(&f, DOWN, 40);
	wire(&f, UP, CTL, client_hello(0));
	wire(&f, DOWN, CTL, hs_only(3, 20, 0, 20));
	cs_facts_wlc_side(&f, DOWN, 60);
	for (int i = 0; i < 3; i++) {
		wire(&f, UP, CTL, client_hello(20));
		cs_facts_wlc_side(&f, DOWN, 1300);
		cs_facts_wlc_side(&f, DOWN, 1300);
		cs_facts_wlc_side(&f, DOWN, 300);
		wire(&f, DOWN, CTL, hs_only(14, 250, 0, 250));
	}
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_MTU_FRAGMENT_LOSS);
	assert_non_null(strstr(line, "above a size vanish"));
	/* one big datagram lost at random among many that arrived is not
	 * a size limit */
	cs_facts_init(&f);
	discovery_ok(&f);
	cs_facts_wlc_side(&f, DOWN, 40);
	wire(&f, UP, CTL, client_hello(0));
	wire(&f, DOWN, CTL, hs_only(3, 20, 0, 20));
	cs_facts_wlc_side(&f, DOWN, 60);
	for (int i = 0; i < 4; i++) {
		wire(&f, UP, CTL, client_hello(20));
		cs_facts_wlc_side(&f, DOWN, 1300);
		if (i > 0)
			wire(&f, DOWN, CTL, server_hello_cert(1300, 0, 1200));
	}
	/* the test datagrams are short: count 3 of the 4 big ones as
	 * arrived in their size class */
	f.ap_rx[cs_facts_size_class(1300)] += 3;
	assert_int_not_equal(one(&f, NULL, NULL, 0), CS_DIAG_MTU_FRAGMENT_LOSS);
}

/* WLC->AP DTLS delayed 4 s, nothing lost. */
static void
test_field_return_delay(void **state)
{
	struct cs_ap_facts f;
	char line[512];

	(void)state;
	cs_facts_init(&f);
	discovery_ok(&f);
	wire(&f, UP, CTL, client_hello(0));
	now += 4000;
	wire(&f, DOWN, CTL, hs_only(3, 20, 0, 20));
	wire(&f, UP, CTL, client_hello(20));
	wire(&f, UP, CTL, client_hello(20));
	now += 4000;
	wire(&f, DOWN, CTL, server_hello_cert(900, 0, 900));
	wire(&f, DOWN, CTL, server_hello_cert(900, 0, 900));
	assert_true(f.dtls_delay_max_ms >= 4000);
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_RETURN_PATH_DELAY);
	assert_non_null(strstr(line, "nothing was lost"));

	/* the same late replies while the controller's handshakes slowed
	 * from 40 ms at 1 in flight to 4.2 s at 16 (a storm against a
	 * starved `capsim wlc`): a delay that grows with the load is the
	 * controller's, never a path verdict */
	struct cs_diagnosis d;
	struct cs_diag_ctx ctx = { .live = true, .has_self = true };
	ctx.self.has_lateness = true;
	ctx.self.lateness_p99_ms = 12;
	ctx.self.lateness_max_ms = 30;
	ctx.load = (struct cs_diag_load){ .has = true,
		.lo_inflight = 1,
		.hi_inflight = 16,
		.lo_p50_ms = 40,
		.hi_p50_ms = 4200,
		.lo_n = 10,
		.hi_n = 50 };
	agg_same(&f, 2, &ctx, CS_DIAG_CONTROLLER_OVERLOADED, &d);
	cs_diagnosis_free(&d);
	/* a delay that does not grow with the load is the path's */
	ctx.load.lo_p50_ms = 4100;
	agg_same(&f, 2, &ctx, CS_DIAG_RETURN_PATH_DELAY, &d);
	cs_diagnosis_free(&d);
}

/* WLC->AP DTLS delayed 4 s (live, the WLC's counts known): the flight of
 * the first handshake arrives during the second, spoils it and the AP
 * sends decrypt_error.  The alert is explained by the stale flight: the
 * delay wins.  Without a stale flight the same alert stays unexplained
 * and the delay reading is not given. */
static void
test_field_delay_stale_flight(void **state)
{
	struct cs_ap_facts f;
	char line[1024];

	(void)state;
	for (int stale = 1; stale >= 0; stale--) {
		struct dg hvr = hs_only(3, 20, 0, 20);
		struct dg fl = server_hello_cert(900, 0, 900);
		struct dg al = alert(2, 51);

		cs_facts_init(&f);
		discovery_ok(&f);
		wire(&f, UP, CTL, client_hello(0));
		now += 4000;
		cs_facts_wlc_side(&f, DOWN, hvr.n);
		wire(&f, DOWN, CTL, hvr);
		wire(&f, UP, CTL, client_hello(20));
		wire(&f, UP, CTL, client_hello(20));
		/* WaitDTLS: a new attempt; the old flight comes late */
		discovery_ok(&f);
		wire(&f, UP, CTL, client_hello(0));
		cs_facts_wlc_side(&f, DOWN, fl.n);
		if (stale)
			wire(&f, DOWN, CTL, fl);
		now += 4000;
		cs_facts_wlc_side(&f, DOWN, hvr.n);
		wire(&f, DOWN, CTL, hvr);
		wire(&f, UP, CTL, client_hello(20));
		if (!stale)
			wire(&f, DOWN, CTL, fl); /* in time, this attempt's */
		wire(&f, UP, CTL, al);
		assert_int_equal(f.stale_down, stale ? 1 : 0);
		assert_true(f.dtls_delay_max_ms >= 4000);
		if (stale) {
			assert_int_equal(one(&f, NULL, line, sizeof(line)),
			    CS_DIAG_RETURN_PATH_DELAY);
		} else {
			assert_int_not_equal(one(&f, NULL, line, sizeof(line)),
			    CS_DIAG_RETURN_PATH_DELAY);
			assert_int_not_equal(one(&f, NULL, line, sizeof(line)),
			    CS_DIAG_MTU_FRAGMENT_LOSS);
		}
	}
	/* a server without the cookie exchange answers with ServerHello
	 * message_seq 0, then message_seq 1.. : not stale */
	cs_facts_init(&f);
	wire(&f, UP, CTL, client_hello(0));
	{
		struct dg d;

		dtls_begin(&d);
		hs_record(&d, 2, 40, 0, 0, 40, NULL);
		hs_record(&d, 11, 300, 1, 0, 300, NULL);
		wire(&f, DOWN, CTL, d);
		d = hs_only(14, 0, 0, 0);
		wire(&f, DOWN, CTL, d);
	}
	assert_int_equal(f.stale_down, 0);
	assert_int_equal(f.flight_no_sh, 0);
}

/* The first record's sequence number (the record header follows the
 * 4-byte CAPWAP DTLS header: type, version, epoch, then 48 bits). */
static struct dg
rec_seq(struct dg d, uint64_t seq)
{
	for (int i = 0; i < 6; i++)
		d.b[4 + 5 + i] = (uint8_t)(seq >> (8 * (5 - i)));
	return d;
}

static void
at(struct cs_ap_facts *f, enum cs_dir dir, struct dg d, uint64_t t)
{
	cs_facts_wire(f, dir, CTL, d.b, d.n, t);
}

/* RFC 6347 §4.2.1: a HelloVerifyRequest carries the record sequence
 * number of the ClientHello it answers.  From the AP's side alone: every
 * HVR 4 s after its own ClientHello, none skipped, the flight came too:
 * delayed, not lost (although fewer replies than ClientHellos are in
 * view).  Answers to a later ClientHello while an earlier one's never
 * came: not a pure delay, whatever the timing. */
static void
test_facts_hvr_seq(void **state)
{
	struct dg hvr = hs_only(3, 20, 0, 20);
	struct cs_ap_facts f;
	char line[1024];
	uint64_t t = 1000000;

	(void)state;
	for (int lose = 0; lose <= 2; lose++) {
		cs_facts_init(&f);
		discovery_ok(&f);
		t = now + 100;
		at(&f, UP, rec_seq(client_hello(0), 0), t);
		at(&f, UP, rec_seq(client_hello(0), 1), t + 1000);
		at(&f, UP, rec_seq(client_hello(0), 2), t + 3000);
		/* 0: all three 4 s late; 1: the first lost, the others
		 * 4 s late; 2: the first lost, the others at once */
		if (lose == 0)
			at(&f, DOWN, rec_seq(hvr, 0), t + 4000);
		at(&f, DOWN, rec_seq(hvr, 1), t + (lose == 2 ? 1040 : 5000));
		at(&f, DOWN, rec_seq(hvr, 2), t + (lose == 2 ? 3040 : 7000));
		/* the cookie ClientHello, retransmitted; the flight 4 s late */
		at(&f, UP, rec_seq(client_hello(20), 3), t + 7001);
		at(&f, UP, rec_seq(client_hello(20), 4), t + 8001);
		at(&f, UP, rec_seq(client_hello(20), 5), t + 10001);
		at(&f, DOWN, rec_seq(server_hello_cert(900, 0, 900), 3),
		    t + 11001);
		now = t + 11001;
		if (lose == 0) {
			assert_int_equal(f.hvr_matched, 3);
			assert_int_equal(f.hvr_skipped, 0);
			assert_int_equal(f.hvr_rtt_min_ms, 4000);
			assert_int_equal(f.hvr_rtt_max_ms, 4000);
			assert_true(f.hvr + f.sh < f.ch);
			assert_int_equal(one(&f, NULL, line, sizeof(line)),
			    CS_DIAG_RETURN_PATH_DELAY);
			assert_non_null(strstr(line, "none skipped"));
		} else {
			assert_int_equal(f.hvr_matched, 2);
			assert_int_equal(f.hvr_skipped, 1);
			assert_int_equal(
			    f.hvr_rtt_min_ms, lose == 2 ? 40 : 4000);
			assert_int_not_equal(one(&f, NULL, line, sizeof(line)),
			    CS_DIAG_RETURN_PATH_DELAY);
		}
	}
	/* a ClientHello with record sequence 0 opens a new session: the
	 * old one's numbers are forgotten, an HVR for them matches nothing
	 * sent before it */
	cs_facts_init(&f);
	at(&f, UP, rec_seq(client_hello(0), 0), t);
	at(&f, UP, rec_seq(client_hello(0), 1), t + 1000);
	at(&f, UP, rec_seq(client_hello(0), 0), t + 2000);
	at(&f, DOWN, rec_seq(hvr, 1), t + 2100);
	assert_int_equal(f.hvr_matched, 0);
	at(&f, DOWN, rec_seq(hvr, 0), t + 2150);
	assert_int_equal(f.hvr_matched, 1);
	assert_int_equal(f.hvr_rtt_min_ms, 150);
	/* the same answer twice counts once */
	at(&f, DOWN, rec_seq(hvr, 0), t + 2200);
	assert_int_equal(f.hvr_matched, 1);
}

/* Later parts of the server flight without a ServerHello are counted
 * (flight_no_sh); once a Certificate tail came in the attempt they are
 * not (the ServerHello went in a big datagram with the Certificate's
 * start: a size reading, not a selective one). */
static void
test_facts_flight_no_sh(void **state)
{
	struct cs_ap_facts f;

	(void)state;
	cs_facts_init(&f);
	wire(&f, UP, CTL, client_hello(0));
	wire(&f, DOWN, CTL, hs_only(3, 20, 0, 20));
	wire(&f, UP, CTL, client_hello(20));
	wire(&f, DOWN, CTL, hs_only(12, 300, 0, 300));
	wire(&f, DOWN, CTL, hs_only(14, 0, 0, 0));
	assert_int_equal(f.flight_no_sh, 2);
	cs_facts_init(&f);
	wire(&f, UP, CTL, client_hello(0));
	wire(&f, DOWN, CTL, hs_only(3, 20, 0, 20));
	wire(&f, UP, CTL, client_hello(20));
	wire(&f, DOWN, CTL, hs_only(11, 3000, 1200, 600));
	wire(&f, DOWN, CTL, hs_only(12, 300, 0, 300));
	assert_int_equal(f.flight_no_sh, 0);
	/* after the ServerHello, nothing is counted */
	cs_facts_init(&f);
	wire(&f, UP, CTL, client_hello(0));
	wire(&f, DOWN, CTL, hs_only(3, 20, 0, 20));
	wire(&f, UP, CTL, client_hello(20));
	wire(&f, DOWN, CTL, server_hello_cert(900, 0, 900));
	wire(&f, DOWN, CTL, hs_only(12, 300, 0, 300));
	assert_int_equal(f.flight_no_sh, 0);
}

/* The Discovery Response advertises a Control IPv4 Address where nothing
 * listens. */
static void
test_field_control_address(void **state)
{
	struct cs_ap_facts f;
	struct dg req = capwap_msg(CS_MSG_DISCOVERY_REQ, -1);
	struct dg resp = capwap_msg(CS_MSG_DISCOVERY_RESP, 0);
	char line[512];

	(void)state;
	cs_facts_init(&f);
	cs_facts_wire_peer(&f, UP, CTL, 0x0a000001u, 5246, req.b, req.n, 100);
	cs_facts_wire_peer(
	    &f, DOWN, CTL, 0x0a000001u, 5246, resp.b, resp.n, 200);
	for (int i = 0; i < 4; i++) {
		struct dg ch = client_hello(0);

		cs_facts_wire_peer(&f, UP, CTL, 0x0a000063u, 5246, ch.b, ch.n,
		    300 + 1000u * (unsigned)i);
	}
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_CONTROL_ADDR_UNREACH);
	assert_non_null(strstr(line, "answered by 10.0.0.1"));
	assert_non_null(strstr(line, "advertises 10.0.0.99"));
}

/* The controller silently drops every Configuration Status Request. */
static void
test_field_request_ignored(void **state)
{
	struct cs_ap_facts f;
	char line[512];

	(void)state;
	cs_facts_init(&f);
	discovery_ok(&f);
	handshake_ok(&f);
	ctl(&f, UP, CS_MSG_JOIN_REQ, -1);
	ctl(&f, DOWN, CS_MSG_JOIN_RESP, 0);
	for (int i = 0; i < 5; i++)
		ctl(&f, UP, CS_MSG_CONFIG_STATUS_REQ, 0);
	assert_int_equal(f.req_type, CS_MSG_CONFIG_STATUS_REQ);
	assert_int_equal(f.req_sent, 5);
	assert_int_equal(f.req_n_elems, 1);
	assert_int_equal(f.req_elems[0], CS_EL_RESULT_CODE);
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_REQUEST_IGNORED);
	assert_non_null(strstr(line, "Configuration Status Request"));
	assert_non_null(strstr(line, "sent 5 times"));
	assert_non_null(strstr(line, "Result Code"));
	/* the controller's counts: it sent what the AP received, so it
	 * did not answer -- still ignored */
	memcpy(f.wlc_tx, f.ap_rx, sizeof(f.wlc_tx));
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_REQUEST_IGNORED);
	/* ... it sent five small datagrams more than the AP received while
	 * bigger ones arrived (a lossy way back, found by the generated
	 * faults): its answers may be among them, so not "ignored" */
	f.wlc_tx[0] += 5;
	assert_int_equal(
	    one(&f, NULL, line, sizeof(line)), CS_DIAG_RETURN_PATH_LOSS);
	assert_null(strstr(line, "never answers"));
	memcpy(f.wlc_tx, f.ap_rx, sizeof(f.wlc_tx));
	/* a response ends it */
	ctl(&f, DOWN, CS_MSG_CONFIG_STATUS_RESP, -1);
	assert_int_equal(f.req_sent, 0);
	assert_int_not_equal(one(&f, NULL, NULL, 0), CS_DIAG_REQUEST_IGNORED);
}

/* capsim's own faults: sends that fail, an overloaded loop, a run too
 * short: never blamed on the network or the controller. */
static void
test_field_self(void **state)
{
	struct cs_ap_facts f, q;
	struct cs_diagnosis d;
	struct cs_diag_ctx ctx = { .live = true, .has_self = true };

	(void)state;
	/* every send fails with EINVAL (127.x to 198.18.99.99) */
	cs_facts_init(&f);
	for (int i = 0; i < 3; i++) {
		wire(&f, UP, CTL, capwap_msg(CS_MSG_DISCOVERY_REQ, -1));
		cs_facts_send_error(&f, EINVAL, now);
	}
	for (int i = 0; i < 3; i++)
		cs_self_send_error(&ctx.self, EINVAL);
	cs_self_send_error(&ctx.self, -ENETUNREACH);
	assert_int_equal(ctx.self.send_errors, 4);
	assert_int_equal(ctx.self.send_errno[0].err, EINVAL);
	assert_int_equal(ctx.self.send_errno[0].count, 3);
	assert_int_equal(ctx.self.send_errno[1].err, ENETUNREACH);
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_LOCAL_SEND_ERROR);
	agg_same(&f, 3, &ctx, CS_DIAG_LOCAL_SEND_ERROR, &d);
	assert_true(d.self_bad);
	assert_null(strstr(d.hint, "allow UDP 5246"));
	assert_non_null(strstr(d.hint, "--ap-base-ip"));
	assert_non_null(d.self_text);
	assert_non_null(strstr(d.self_text, "4 sends failed"));
	cs_diagnosis_free(&d);
	/* the engine counted the failures, the facts did not: same answer
	 * for APs that got nothing back */
	cs_facts_init(&q);
	for (int i = 0; i < 3; i++)
		wire(&q, UP, CTL, capwap_msg(CS_MSG_DISCOVERY_REQ, -1));
	assert_int_equal(one(&q, NULL, NULL, 0), CS_DIAG_NO_CONTROLLER);
	agg_same(&q, 2, &ctx, CS_DIAG_LOCAL_SEND_ERROR, &d);
	cs_diagnosis_free(&d);

	/* 20 000 APs on 2 cores: the loop 22 s late, 1 389 datagrams
	 * dropped by the kernel; the APs' WaitDTLS expiries are capsim's */
	struct cs_diag_ctx busy = { .live = true,
		.has_self = true,
		.wlc_known = true,
		.wlc_client_hello = 100 };
	busy.self.has_lateness = true;
	busy.self.lateness_p99_ms = 22000;
	busy.self.lateness_max_ms = 23000;
	busy.self.has_rxq = true;
	busy.self.rxq_drops = 1389;
	cs_facts_init(&f);
	discovery_ok(&f);
	for (int i = 0; i < 6; i++)
		wire(&f, UP, CTL, client_hello(0));
	assert_int_equal(one(&f, &busy, NULL, 0), CS_DIAG_RETURN_PATH_LOSS);
	cs_facts_init(&q);
	join_to_run(&q);
	const struct cs_ap_facts *v[] = { &f, &f, &f, &q };
	assert_int_equal(cs_diagnose(v, 4, &busy, &d), 0);
	assert_string_equal(d.code, "simulator-overloaded");
	assert_int_equal(d.count[CS_DIAG_RETURN_PATH_LOSS], 0);
	assert_int_equal(d.count[CS_DIAG_SIM_OVERLOADED], 3);
	assert_int_equal(d.count[CS_DIAG_OK], 1);
	assert_true(d.self_bad);
	assert_non_null(strstr(d.summary, "p99 22000 ms"));
	assert_non_null(strstr(d.summary, "1389 datagrams"));
	cs_diagnosis_free(&d);
	/* a certificate refused is what a peer said: it stands */
	struct cs_ap_facts c;
	cs_facts_init(&c);
	discovery_ok(&c);
	wire(&c, UP, CTL, client_hello(0));
	wire(&c, DOWN, CTL, alert(2, 42));
	assert_int_equal(one(&c, &busy, NULL, 0), CS_DIAG_CERT_REJECTED_BY_WLC);
	agg_same(&c, 2, &busy, CS_DIAG_CERT_REJECTED_BY_WLC, &d);
	assert_false(d.self_bad);
	cs_diagnosis_free(&d);
	/* 20 000 APs behind capsim's own handshake queue, every one in Run:
	 * the wait (85 s > WaitDTLS / 2) is said, but as capsim's pacing,
	 * never as bad health beside "ok" */
	struct cs_diag_ctx paced = { .live = true, .has_self = true };
	paced.self.has_lateness = true;
	paced.self.lateness_p99_ms = 14;
	paced.self.lateness_max_ms = 47;
	paced.self.has_hs_queue = true;
	paced.self.hs_queue_wait_max_ms = 85411;
	const struct cs_ap_facts *all_run[] = { &q, &q };
	assert_int_equal(cs_diagnose(all_run, 2, &paced, &d), 0);
	assert_string_equal(d.code, "ok");
	assert_false(d.self_bad);
	assert_non_null(d.self_text);
	assert_null(strstr(d.self_text, "health was bad"));
	assert_non_null(strstr(d.self_text, "no AP failed for it"));
	assert_non_null(strstr(d.self_text, "85411 ms for a handshake slot"));
	cs_diagnosis_free(&d);
	/* the same wait with APs that timed out: capsim's health, said so */
	const struct cs_ap_facts *late[] = { &f, &q };
	assert_int_equal(cs_diagnose(late, 2, &paced, &d), 0);
	assert_true(d.self_bad);
	assert_non_null(strstr(d.self_text, "health was bad"));
	cs_diagnosis_free(&d);

	/* capsim healthy, the controller's handshakes 40 ms at 1 in
	 * flight and 2.5 s at 16: the APs whose handshake never finished
	 * waited for an overloaded controller, not for a lossy path */
	struct cs_diag_ctx slow = { .live = true,
		.has_self = true,
		.wlc_known = true,
		.wlc_client_hello = 100 };
	slow.self.has_lateness = true;
	slow.self.lateness_p99_ms = 12;
	slow.self.lateness_max_ms = 40;
	slow.self.has_rxq = true;
	slow.load = (struct cs_diag_load){ .has = true,
		.lo_inflight = 1,
		.hi_inflight = 16,
		.lo_p50_ms = 40,
		.hi_p50_ms = 2500,
		.lo_n = 10,
		.hi_n = 50 };
	assert_int_equal(cs_diagnose(v, 4, &slow, &d), 0);
	assert_string_equal(d.code, "controller-overloaded");
	assert_int_equal(d.count[CS_DIAG_CONTROLLER_OVERLOADED], 3);
	assert_int_equal(d.count[CS_DIAG_OK], 1);
	assert_false(d.self_bad);
	assert_non_null(strstr(d.summary, "40 ms (median of 10) with 1+"));
	assert_non_null(strstr(d.summary, "2500 ms (median of 50) with 16+"));
	cs_diagnosis_free(&d);
	/* the same trend while capsim's loop ran late: capsim's fault,
	 * never the controller's */
	slow.self.lateness_p99_ms = 1500;
	assert_int_equal(cs_diagnose(v, 4, &slow, &d), 0);
	assert_string_equal(d.code, "simulator-overloaded");
	assert_int_equal(d.count[CS_DIAG_CONTROLLER_OVERLOADED], 0);
	assert_true(d.self_bad);
	cs_diagnosis_free(&d);
	/* ... and while it ran a bit late (p99 50 ms .. 1 s): capsim's CPU
	 * may have slowed the handshakes, undecided */
	slow.self.lateness_p99_ms = 60;
	assert_int_equal(cs_diagnose(v, 4, &slow, &d), 0);
	assert_int_equal(d.count[CS_DIAG_CONTROLLER_OVERLOADED], 0);
	assert_int_equal(d.count[CS_DIAG_INCONCLUSIVE], 3);
	assert_string_not_equal(d.code, "controller-overloaded");
	cs_diagnosis_free(&d);
	slow.self.lateness_p99_ms = 12;
	/* no trend: slower by less than 3x, or by less than 250 ms, or at
	 * less than 4x the load: the path's verdict stands */
	slow.load.hi_p50_ms = 110;
	assert_int_equal(cs_diagnose(v, 4, &slow, &d), 0);
	assert_string_equal(d.code, "return-path-loss");
	cs_diagnosis_free(&d);
	slow.load.lo_p50_ms = 300;
	slow.load.hi_p50_ms = 800;
	assert_int_equal(cs_diagnose(v, 4, &slow, &d), 0);
	assert_string_equal(d.code, "return-path-loss");
	cs_diagnosis_free(&d);
	slow.load.lo_p50_ms = 40;
	slow.load.hi_p50_ms = 2500;
	slow.load.hi_inflight = 2;
	assert_int_equal(cs_diagnose(v, 4, &slow, &d), 0);
	assert_string_equal(d.code, "return-path-loss");
	cs_diagnosis_free(&d);
	/* an AP that never sent a ClientHello is not the controller's */
	slow.load.hi_inflight = 16;
	struct cs_ap_facts disc_only;
	cs_facts_init(&disc_only);
	discovery_ok(&disc_only);
	const struct cs_ap_facts *u[] = { &disc_only, &q };
	assert_int_equal(cs_diagnose(u, 2, &slow, &d), 0);
	assert_int_equal(d.count[CS_DIAG_CONTROLLER_OVERLOADED], 0);
	cs_diagnosis_free(&d);

	/* --duration 10s with first Discovery up to 20 s away */
	struct cs_diag_ctx shortrun = { .live = true, .has_self = true };
	shortrun.self.run_ms = 10000;
	shortrun.self.discovery_window_ms = 25000;
	struct cs_ap_facts none, one_req;
	cs_facts_init(&none);
	cs_facts_init(&one_req);
	wire(&one_req, UP, CTL, capwap_msg(CS_MSG_DISCOVERY_REQ, -1));
	const struct cs_ap_facts *w[] = { &none, &none, &one_req, &q };
	assert_int_equal(cs_diagnose(w, 4, &shortrun, &d), 0);
	assert_string_equal(d.code, "run-too-short");
	assert_int_equal(d.count[CS_DIAG_RUN_TOO_SHORT], 3);
	assert_true(d.self_bad);
	assert_non_null(strstr(d.hint, "--duration 35s"));
	cs_diagnosis_free(&d);
	/* the same APs after a long enough run: inconclusive, not ok */
	shortrun.self.run_ms = 60000;
	assert_int_equal(cs_diagnose(w, 4, &shortrun, &d), 0);
	assert_string_equal(d.code, "inconclusive");
	assert_false(d.self_bad);
	cs_diagnosis_free(&d);
}

/* ---------------------------------------------------------------------
 * Generated faults (tests/diagnose-sweep)
 */

/* AP->WLC ClientHellos dropped for some APs only: the live WLC's
 * ClientHello total counts the other APs' (they joined), so it cannot say
 * whether the failing APs' arrived: never return-path-loss from it. */
static void
test_sweep_partial_forward(void **state)
{
	struct cs_ap_facts lost, ok;
	struct cs_diagnosis d;
	struct cs_diag_ctx ctx = { .live = true, .wlc_known = true };
	char line[512];

	(void)state;
	cs_facts_init(&lost);
	discovery_ok(&lost);
	for (int i = 0; i < 5; i++)
		wire(&lost, UP, CTL, client_hello(0));
	cs_facts_init(&ok);
	join_to_run(&ok); /* 2 ClientHellos, both arrived */

	const struct cs_ap_facts *v[] = { &lost, &lost, &ok, &ok };
	/* 4 of the 14 sent arrived: the joined APs' */
	ctx.wlc_client_hello = 4;
	assert_int_equal(cs_diagnose(v, 4, &ctx, &d), 0);
	assert_int_equal(d.count[CS_DIAG_RETURN_PATH_LOSS], 0);
	assert_int_equal(d.count[CS_DIAG_INCONCLUSIVE], 2);
	assert_int_equal(d.count[CS_DIAG_OK], 2);
	assert_string_equal(d.code, "inconclusive");
	assert_non_null(strstr(d.summary, "received 4 ClientHellos from all"));
	assert_non_null(strstr(d.hint, "Capture at the controller"));
	cs_diagnosis_free(&d);
	/* all 14 arrived: the replies are lost on the way back */
	ctx.wlc_client_hello = 14;
	assert_int_equal(cs_diagnose(v, 4, &ctx, &d), 0);
	assert_int_equal(d.count[CS_DIAG_RETURN_PATH_LOSS], 2);
	assert_string_equal(d.code, "return-path-loss");
	cs_diagnosis_free(&d);
	/* none arrived at all: the forward path */
	ctx.wlc_client_hello = 0;
	assert_int_equal(cs_diagnose(v, 2, &ctx, &d), 0);
	assert_string_equal(d.code, "forward-path-loss");
	cs_diagnosis_free(&d);
	/* one AP alone: its own ClientHellos against the total */
	ctx.wlc_client_hello = 3;
	assert_int_equal(
	    one(&lost, &ctx, line, sizeof(line)), CS_DIAG_INCONCLUSIVE);
	ctx.wlc_client_hello = 5;
	assert_int_equal(
	    one(&lost, &ctx, line, sizeof(line)), CS_DIAG_RETURN_PATH_LOSS);

	/* the same for discovery: 2 of 3 APs' requests lost on the way */
	struct cs_ap_facts disc;
	cs_facts_init(&disc);
	for (int i = 0; i < 3; i++)
		wire(&disc, UP, CTL, capwap_msg(CS_MSG_DISCOVERY_REQ, -1));
	const struct cs_ap_facts *w[] = { &disc, &disc, &ok };
	ctx.wlc_disc_req = 1; /* the joined AP's */
	assert_int_equal(cs_diagnose(w, 3, &ctx, &d), 0);
	assert_int_equal(d.count[CS_DIAG_RETURN_PATH_LOSS], 0);
	assert_int_equal(d.count[CS_DIAG_INCONCLUSIVE], 2);
	assert_non_null(strstr(d.summary, "Discovery Requests sent"));
	cs_diagnosis_free(&d);
	ctx.wlc_disc_req = 7;
	assert_int_equal(cs_diagnose(w, 3, &ctx, &d), 0);
	assert_int_equal(d.count[CS_DIAG_RETURN_PATH_LOSS], 2);
	cs_diagnosis_free(&d);
}

/* WLC->AP DTLS delayed 4 s, nothing lost: the run ends with two of the
 * controller's flights still on their way.  Counted as sent and never
 * received they read as loss above a size (MTU); taken out as in flight
 * (cs_facts_wlc_in_flight, what the engine does at stop) the facts show
 * what happened: late replies, none missing. */
static void
test_sweep_delay_tail(void **state)
{
	struct cs_ap_facts f, settled;
	struct dg disc = capwap_msg(CS_MSG_DISCOVERY_RESP, 0);
	struct dg hvr = hs_only(3, 20, 0, 20);
	struct dg flight = server_hello_cert(900, 0, 900);

	(void)state;
	cs_facts_init(&f);
	discovery_ok(&f);
	cs_facts_wlc_side(&f, DOWN, disc.n);
	wire(&f, UP, CTL, client_hello(0));
	cs_facts_wlc_side(&f, DOWN, hvr.n);
	now += 4000;
	wire(&f, DOWN, CTL, hvr);
	for (int i = 0; i < 3; i++) {
		wire(&f, UP, CTL, client_hello(20));
		cs_facts_wlc_side(&f, DOWN, flight.n);
	}
	now += 4000;
	wire(&f, DOWN, CTL, flight); /* the first; two still on their way */
	assert_true(f.dtls_delay_max_ms >= 4000);
	assert_int_equal(one(&f, NULL, NULL, 0), CS_DIAG_MTU_FRAGMENT_LOSS);

	settled = f;
	cs_facts_wlc_in_flight(&settled, flight.n);
	cs_facts_wlc_in_flight(&settled, flight.n);
	assert_int_equal(
	    one(&settled, NULL, NULL, 0), CS_DIAG_RETURN_PATH_DELAY);
	/* the AP's side alone (no controller counts): the controller's
	 * flight came whole twice and its CCS/Finished never; with the AP's
	 * flight sent and the replies prompt that reads as the AP's flight
	 * lost by size, answered 4 s late it is no size signature (delay or
	 * loss) */
	struct cs_ap_facts ap_only;
	char line[512];
	cs_facts_init(&ap_only);
	discovery_ok(&ap_only);
	wire(&ap_only, UP, CTL, client_hello(0));
	wire(&ap_only, DOWN, CTL, hvr);
	wire(&ap_only, UP, CTL, client_hello(20));
	wire(&ap_only, DOWN, CTL, flight);
	wire(&ap_only, UP, CTL, client_hello(20));
	wire(&ap_only, DOWN, CTL, flight);
	wire(&ap_only, UP, CTL, client_hello(20)); /* not answered */
	assert_true(ap_only.dtls_delay_max_ms < 1000);
	/* the AP never sent its own flight: nothing of it to lose by size
	 * (85 % of the controller's datagrams lost looks like this) */
	assert_int_equal(one(&ap_only, NULL, NULL, 0), CS_DIAG_INCONCLUSIVE);
	wire(&ap_only, UP, CTL, ccs_finished());
	assert_int_equal(
	    one(&ap_only, NULL, NULL, 0), CS_DIAG_MTU_FRAGMENT_LOSS);
	ap_only.dtls_delay_max_ms = 4000;
	assert_int_equal(
	    one(&ap_only, NULL, line, sizeof(line)), CS_DIAG_INCONCLUSIVE);
	assert_non_null(strstr(line, "replies came late"));
	/* a Certificate never complete, its head never seen, stays the
	 * size signature */
	ap_only.cert_seq_set = 1;
	ap_only.cert_have = (uint64_t)1 << 63;
	ap_only.flags &= (uint16_t)~CS_FACTS_F_CERT_DONE;
	assert_int_equal(
	    one(&ap_only, NULL, NULL, 0), CS_DIAG_MTU_FRAGMENT_LOSS);
	/* never below zero, and NULL is a no-op */
	for (int i = 0; i < 5; i++)
		cs_facts_wlc_in_flight(&settled, flight.n);
	assert_int_equal(settled.wlc_tx[cs_facts_size_class(flight.n)], 0);
	cs_facts_wlc_in_flight(NULL, 10);
}

static void
test_names_compress(void **state)
{
	const char *n[] = { "capsim-ap-00001", "capsim-ap-00002",
		"capsim-ap-00003", "capsim-ap-00004", "capsim-ap-00005",
		"capsim-ap-00006", "capsim-ap-00009", "lobby",
		"capsim-ap-00010", "capsim-ap-00011" };
	char buf[256];
	char tiny[12];

	(void)state;
	assert_int_equal(cs_diag_names_compress(n, 10, 0, buf, sizeof(buf)),
	    (int)strlen("capsim-ap-00001..00006,capsim-ap-00009,lobby,"
	                "capsim-ap-00010..00011"));
	assert_string_equal(buf,
	    "capsim-ap-00001..00006,capsim-ap-00009,lobby,"
	    "capsim-ap-00010..00011");
	assert_true(cs_diag_names_compress(n, 10, 2, buf, sizeof(buf)) > 0);
	assert_string_equal(
	    buf, "capsim-ap-00001..00006,capsim-ap-00009,... (3 more)");
	assert_true(cs_diag_names_compress(n, 1, 0, tiny, sizeof(tiny)) > 11);
	assert_int_equal(strlen(tiny), 11);
	assert_int_equal(cs_diag_names_compress(NULL, 0, 0, buf, 0), 0);
	assert_int_equal(
	    cs_diag_names_compress(NULL, 1, 0, buf, sizeof(buf)), -EINVAL);
}

/* The controller's Reset Request (RFC 5415 §9.2): the AP answers and
 * reboots; seen in a capture (the Reset Response) or live (the state
 * event), that starts a new life rather than a Run loss.  A failed reset
 * (Result Code 10) leaves the AP in Run. */
static void
test_controller_reset(void **state)
{
	struct cs_ap_facts f;
	struct cs_ap_event ev = { .kind = CS_AP_EV_STATE,
		.from = CS_AP_RUN,
		.to = CS_AP_RESET,
		.reason = CS_AP_REASON_AC_RESET };

	(void)state;
	for (int pass = 0; pass < 3; pass++) {
		cs_facts_init(&f);
		discovery_ok(&f);
		handshake_ok(&f);
		ctl(&f, UP, CS_MSG_JOIN_REQ, -1);
		ctl(&f, DOWN, CS_MSG_JOIN_RESP, 0);
		ctl(&f, UP, CS_MSG_CONFIG_STATUS_REQ, -1);
		ctl(&f, DOWN, CS_MSG_CONFIG_STATUS_RESP, -1);
		ctl(&f, UP, CS_MSG_CHANGE_STATE_REQ, -1);
		ctl(&f, DOWN, CS_MSG_CHANGE_STATE_RESP, 0);
		assert_true(f.flags & CS_FACTS_F_IN_RUN);
		ctl(&f, DOWN, CS_MSG_RESET_REQ, -1);
		if (pass == 0) {
			ctl(&f, UP, CS_MSG_RESET_RESP, -1);
		} else if (pass == 1) {
			ev.t_ms = now + 10;
			cs_facts_ap_event(&f, &ev);
		} else {
			ctl(&f, UP, CS_MSG_RESET_RESP, CS_RC_RESET_FAIL_UNABLE);
			assert_true(f.flags & CS_FACTS_F_IN_RUN);
			continue;
		}
		assert_false(f.flags & CS_FACTS_F_IN_RUN);
		assert_int_equal(f.run_lost, 0);
		assert_int_equal(f.runs, 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_return_path_loss),
		cmocka_unit_test(test_forward_path_loss),
		cmocka_unit_test(test_no_controller),
		cmocka_unit_test(test_nat_no_return),
		cmocka_unit_test(test_asymmetric_return),
		cmocka_unit_test(test_cert_rejected_by_ap),
		cmocka_unit_test(test_cert_rejected_by_wlc),
		cmocka_unit_test(test_clock_skew),
		cmocka_unit_test(test_mtu_fragment_loss),
		cmocka_unit_test(test_cert_coverage),
		cmocka_unit_test(test_nat_rebinding),
		cmocka_unit_test(test_wlc_restart),
		cmocka_unit_test(test_controller_failover),
		cmocka_unit_test(test_data_channel_blocked),
		cmocka_unit_test(test_data_dtls_failed),
		cmocka_unit_test(test_controller_reset),
		cmocka_unit_test(test_join_rejected_and_capacity),
		cmocka_unit_test(test_dtls_mismatch),
		cmocka_unit_test(test_option43_wrong),
		cmocka_unit_test(test_mixed_and_stragglers),
		cmocka_unit_test(test_line_truncation),
		cmocka_unit_test(test_ap_events),
		cmocka_unit_test(test_capture_views),
		cmocka_unit_test(test_real_openssl),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_field_firewall_in_run),
		cmocka_unit_test(test_field_controller_frozen),
		cmocka_unit_test(test_field_echo_unanswered),
		cmocka_unit_test(test_field_echo_unanswered_twice),
		cmocka_unit_test(test_field_keepalive_late),
		cmocka_unit_test(test_field_selective_not_mtu),
		cmocka_unit_test(test_field_return_delay),
		cmocka_unit_test(test_field_delay_stale_flight),
		cmocka_unit_test(test_facts_flight_no_sh),
		cmocka_unit_test(test_facts_hvr_seq),
		cmocka_unit_test(test_field_control_address),
		cmocka_unit_test(test_field_request_ignored),
		cmocka_unit_test(test_field_self),
		cmocka_unit_test(test_sweep_partial_forward),
		cmocka_unit_test(test_sweep_delay_tail),
		cmocka_unit_test(test_names_compress),
	};
	return cmocka_run_group_tests_name("diagnose", tests, NULL, NULL);
}
