/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the controller's DTLS admission (lib/wlc/wlc_admit.c):
 * which datagram starts or replaces a peer, the no-cookie and WaitDTLS
 * timer it owns, and what each DTLS result means.  Datagrams are real
 * OpenSSL ones from tests/vectors/dtls behind a CAPWAP-DTLS preamble; a
 * fake io records the timer.
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

#include "capsim/wlc_admit.h"
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* Fake io: the one timer */

struct fake {
	bool armed;
	uint64_t delay_ms;
	unsigned arms, cancels;
};

static void
f_arm(void *ctx, uint64_t delay_ms)
{
	struct fake *f = ctx;

	f->armed = true;
	f->delay_ms = delay_ms;
	f->arms++;
}

static void
f_cancel(void *ctx)
{
	struct fake *f = ctx;

	f->armed = false;
	f->cancels++;
}

static const struct cs_wlc_admit_io f_io = {
	.timer_arm = f_arm,
	.timer_cancel = f_cancel,
};

/* A vector behind the CAPWAP-DTLS preamble (RFC 5415 §4.1). */
static uint8_t *
load_capwap(const char *name, size_t *len)
{
	char path[256];
	size_t n;
	uint8_t *raw, *b;

	snprintf(path, sizeof(path), "tests/vectors/dtls/%s.bin", name);
	raw = cs_test_read_src(path, &n);
	assert_non_null(raw);
	b = malloc(n + 4);
	assert_non_null(b);
	b[0] = 0x01; /* version 0, type 1: CAPWAP DTLS header */
	b[1] = b[2] = b[3] = 0;
	memcpy(b + 4, raw, n);
	free(raw);
	*len = n + 4;
	return b;
}

static struct cs_wlc_admit_dgram
classify(const char *name)
{
	struct cs_wlc_admit_dgram d;
	size_t len;
	uint8_t *b = load_capwap(name, &len);

	cs_wlc_admit_classify(b, len, &d);
	free(b);
	return d;
}

/* is_hello, is_fresh, has_cookie (checked by the DTLS layer), is_retransmit */
static const struct cs_wlc_admit_dgram HELLO_FRESH = { true, true, false,
	false };
static const struct cs_wlc_admit_dgram HELLO_BAD_COOKIE = { true, false, false,
	false };
static const struct cs_wlc_admit_dgram HELLO_COOKIE = { true, false, true,
	false };
static const struct cs_wlc_admit_dgram HELLO_AGAIN = { true, false, true,
	true };
static const struct cs_wlc_admit_dgram OTHER = { false, false, false, false };

/* ------------------------------------------------------------------ */

static void
test_classify(void **state)
{
	struct cs_wlc_admit_dgram d;
	uint8_t junk[] = { 0x01, 0, 0, 0, 22, 0xfe, 0xfd, 0 };
	size_t len;
	uint8_t *b;

	(void)state;
	/* first ClientHello (message_seq 0), then the one with the cookie */
	d = classify("dtls12-01-c2s");
	assert_true(d.is_hello);
	assert_true(d.is_fresh);
	d = classify("dtls12-03-c2s");
	assert_true(d.is_hello);
	assert_false(d.is_fresh);
	d = classify("dtls10-clientauth-01-c2s");
	assert_true(d.is_hello && d.is_fresh);
	/* the server's flight, the client's later flights, alerts */
	d = classify("dtls12-04-s2c");
	assert_false(d.is_hello);
	d = classify("dtls12-06-c2s");
	assert_false(d.is_hello);
	d = classify("dtls12-10-c2s");
	assert_false(d.is_hello);
	/* truncated record, missing preamble */
	cs_wlc_admit_classify(junk, sizeof(junk), &d);
	assert_false(d.is_hello || d.is_fresh);
	b = load_capwap("dtls12-01-c2s", &len);
	cs_wlc_admit_classify(b + 4, len - 4, &d);
	assert_false(d.is_hello);
	for (size_t cut = 0; cut < len; cut++) {
		cs_wlc_admit_classify(b, cut, &d);
		assert_false(d.is_fresh && !d.is_hello);
	}
	free(b);
}

static void
test_input_without_peer(void **state)
{
	(void)state;
	/* RFC 6347 §4.2.1: no state before the cookie comes back */
	assert_int_equal(
	    cs_wlc_admit_input(NULL, &HELLO_FRESH), CS_WLC_ADMIT_VERIFY);
	assert_int_equal(
	    cs_wlc_admit_input(NULL, &HELLO_BAD_COOKIE), CS_WLC_ADMIT_VERIFY);
	assert_int_equal(
	    cs_wlc_admit_input(NULL, &HELLO_COOKIE), CS_WLC_ADMIT_NEW);
	assert_int_equal(cs_wlc_admit_input(NULL, &OTHER), CS_WLC_ADMIT_STRAY);
}

static void
test_input_with_peer(void **state)
{
	struct fake f = { 0 };
	struct cs_wlc_admit a;

	(void)state;
	cs_wlc_admit_init(&a, &f_io, &f);
	/* handshake running: a hello without our cookie (spoofed, or the
	 * AP starting over) is answered and changes nothing; the same
	 * proven hello is a retransmission; another proven one starts over */
	assert_int_equal(
	    cs_wlc_admit_input(&a, &HELLO_FRESH), CS_WLC_ADMIT_VERIFY);
	assert_int_equal(
	    cs_wlc_admit_input(&a, &HELLO_AGAIN), CS_WLC_ADMIT_FEED);
	assert_int_equal(
	    cs_wlc_admit_input(&a, &HELLO_COOKIE), CS_WLC_ADMIT_REPLACE);
	assert_int_equal(cs_wlc_admit_input(&a, &OTHER), CS_WLC_ADMIT_FEED);
	/* established (issue 18): a spoofed ClientHello from the AP's
	 * address leaves the session in Run; a proven one starts a new
	 * handshake beside it, which replaces it only once complete */
	cs_wlc_admit_result(&a, CS_WLC_ADMIT_DTLS_ESTABLISHED, true, false);
	assert_int_equal(
	    cs_wlc_admit_input(&a, &HELLO_FRESH), CS_WLC_ADMIT_VERIFY);
	assert_int_equal(
	    cs_wlc_admit_input(&a, &HELLO_BAD_COOKIE), CS_WLC_ADMIT_VERIFY);
	assert_int_equal(
	    cs_wlc_admit_input(&a, &HELLO_COOKIE), CS_WLC_ADMIT_SHADOW);
	assert_int_equal(
	    cs_wlc_admit_input(&a, &HELLO_AGAIN), CS_WLC_ADMIT_SHADOW);
	assert_int_equal(cs_wlc_admit_input(&a, &OTHER), CS_WLC_ADMIT_FEED);
}

static void
test_timer(void **state)
{
	struct fake f = { 0 };
	struct cs_wlc_admit a;

	(void)state;
	/* a peer exists only for a proven address: WaitDTLS (RFC 5415
	 * §4.7.15) from the start, armed once */
	cs_wlc_admit_init(&a, &f_io, &f);
	assert_true(f.armed);
	assert_true(a.is_verified);
	assert_int_equal(f.delay_ms, CS_WLC_ADMIT_WAIT_DTLS_MS);
	assert_int_equal(
	    cs_wlc_admit_result(&a, CS_WLC_ADMIT_DTLS_PROGRESS, true, false),
	    CS_WLC_ADMIT_CONTINUE);
	assert_int_equal(f.arms, 1);
	assert_int_equal(cs_wlc_admit_expired(&a), CS_WLC_ADMIT_EXP_WAIT_DTLS);
	/* established: the timer goes, the session opens once */
	assert_int_equal(
	    cs_wlc_admit_result(&a, CS_WLC_ADMIT_DTLS_ESTABLISHED, true, false),
	    CS_WLC_ADMIT_OPEN);
	assert_false(f.armed);
	assert_int_equal(cs_wlc_admit_expired(&a), CS_WLC_ADMIT_EXP_NONE);
	assert_int_equal(
	    cs_wlc_admit_result(&a, CS_WLC_ADMIT_DTLS_ESTABLISHED, true, true),
	    CS_WLC_ADMIT_CONTINUE);
	assert_int_equal(f.arms, 1);
	/* forgetting the peer cancels its timer */
	cs_wlc_admit_init(&a, &f_io, &f);
	assert_true(f.armed);
	cs_wlc_admit_stop(&a);
	assert_false(f.armed);
}

static void
test_results(void **state)
{
	struct fake f = { 0 };
	struct cs_wlc_admit a;

	(void)state;
	cs_wlc_admit_init(&a, &f_io, &f);
	assert_int_equal(
	    cs_wlc_admit_result(&a, CS_WLC_ADMIT_DTLS_CLOSED, false, false),
	    CS_WLC_ADMIT_CLOSE);
	/* an error before any session is a handshake failure the WLC is
	 * told of; with a session it only closes */
	assert_int_equal(
	    cs_wlc_admit_result(&a, CS_WLC_ADMIT_DTLS_ERROR, true, false),
	    CS_WLC_ADMIT_FAIL);
	assert_int_equal(
	    cs_wlc_admit_result(&a, CS_WLC_ADMIT_DTLS_ERROR, true, true),
	    CS_WLC_ADMIT_CLOSE);
	assert_int_equal(
	    cs_wlc_admit_result(&a, CS_WLC_ADMIT_DTLS_CLOSED, true, true),
	    CS_WLC_ADMIT_CLOSE);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(
	    cs_wlc_admit_verdict_name(CS_WLC_ADMIT_REPLACE), "replace");
	assert_string_equal(
	    cs_wlc_admit_verdict_name(CS_WLC_ADMIT_VERIFY), "verify");
	assert_string_equal(
	    cs_wlc_admit_verdict_name(CS_WLC_ADMIT_SHADOW), "shadow");
	assert_string_equal(
	    cs_wlc_admit_verdict_name(CS_WLC_ADMIT__COUNT), "?");
	assert_string_equal(cs_wlc_admit_step_name(CS_WLC_ADMIT_FAIL), "fail");
	assert_string_equal(
	    cs_wlc_admit_step_name(CS_WLC_ADMIT_STEP__COUNT), "?");
}

/* The gate is open (no limit, nothing deferred or shed) while the
 * controller's loop is on time, however many handshakes arrive. */
static void
test_gate_open(void **state)
{
	struct cs_wlc_gate g;

	(void)state;
	cs_wlc_gate_init(&g);
	for (uint64_t t = 0; t < 5000; t++) {
		cs_wlc_gate_late(&g, 10, t); /* 10 ms: on time */
		assert_int_equal(
		    cs_wlc_gate_input(&g, 0, t), CS_WLC_GATE_ADMIT);
	}
	assert_true(g.rate == 0);
	assert_int_equal(g.admitted, 5000);
	assert_int_equal(g.deferred + g.shed + g.cuts, 0);
}

/* A late loop limits admission to half of what it took in the last
 * second; beyond the rate handshakes wait in a FIFO of one second at the
 * rate, then are shed; the FIFO's head starts when a token is there. */
static void
test_gate_late_defers_then_sheds(void **state)
{
	struct cs_wlc_gate g;
	unsigned n_admit = 0, n_defer = 0, n_shed = 0;
	size_t queued = 0;

	(void)state;
	cs_wlc_gate_init(&g);
	/* 100 handshakes in second 0, 100 in second 1 */
	for (uint64_t t = 0; t < 2000; t += 10)
		assert_int_equal(
		    cs_wlc_gate_input(&g, 0, t), CS_WLC_GATE_ADMIT);
	cs_wlc_gate_late(&g, 200, 2000); /* the loop is 200 ms late */
	assert_int_equal(g.cuts, 1);
	assert_true(g.rate == 50.0);
	/* a second cut only after the hold */
	cs_wlc_gate_late(&g, 200, 2500);
	assert_int_equal(g.cuts, 1);
	/* 100 arrive at once, 500 ms after the cut: 25 tokens, 50 may
	 * wait, the rest are shed */
	for (int i = 0; i < 100; i++) {
		switch (cs_wlc_gate_input(&g, queued, 2500)) {
		case CS_WLC_GATE_ADMIT:
			n_admit++;
			break;
		case CS_WLC_GATE_DEFER:
			n_defer++;
			queued++;
			break;
		default:
			n_shed++;
		}
	}
	assert_int_equal(n_admit, 25);
	assert_int_equal(n_defer, 50);
	assert_int_equal(n_shed, 25);
	assert_int_equal(g.shed, 25);
	assert_int_equal(g.deferred, 50);
	/* the head waits 20 ms for its token at 50/s */
	assert_false(cs_wlc_gate_take(&g, 2500));
	assert_int_equal(cs_wlc_gate_wait_ms(&g), 21);
	assert_false(cs_wlc_gate_take(&g, 2510));
	assert_true(cs_wlc_gate_take(&g, 2521));
	assert_false(cs_wlc_gate_take(&g, 2522));
	/* later the same episode: halved again */
	cs_wlc_gate_late(&g, 80, 3100);
	assert_true(g.rate == 25.0);
	assert_int_equal(g.cuts, 2);
	/* at the floor it stays */
	for (uint64_t t = 4200; t < 20000; t += 1100)
		cs_wlc_gate_late(&g, 500, t);
	assert_true(g.rate == CS_WLC_GATE_MIN_RATE);
}

/* On time again: +1/8 of the rate per second (at least 1), then open
 * after 10 s on time. */
static void
test_gate_recovers(void **state)
{
	struct cs_wlc_gate g;

	(void)state;
	cs_wlc_gate_init(&g);
	cs_wlc_gate_late(&g, 100, 1000); /* nothing admitted yet */
	assert_true(g.rate == CS_WLC_GATE_MIN_RATE);
	cs_wlc_gate_late(&g, 5, 2000);
	assert_true(g.rate == 3.0);
	cs_wlc_gate_late(&g, 5, 3000);
	assert_true(g.rate == 4.0);
	cs_wlc_gate_late(&g, 5, 10999);
	assert_true(g.rate > 4.0);
	cs_wlc_gate_late(&g, 5, 11000);
	assert_true(g.rate == 0);
	assert_int_equal(cs_wlc_gate_input(&g, 0, 11000), CS_WLC_GATE_ADMIT);
	assert_int_equal(cs_wlc_gate_wait_ms(&g), 0);
	assert_string_equal(cs_wlc_gate_verdict_name(CS_WLC_GATE_SHED), "shed");
	assert_string_equal(cs_wlc_gate_verdict_name(CS_WLC_GATE__COUNT), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_input_without_peer),
		cmocka_unit_test(test_input_with_peer),
		cmocka_unit_test(test_timer),
		cmocka_unit_test(test_results),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_gate_open),
		cmocka_unit_test(test_gate_late_defers_then_sheds),
		cmocka_unit_test(test_gate_recovers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
