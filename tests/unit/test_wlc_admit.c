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

static const struct cs_wlc_admit_dgram HELLO_FRESH = { true, true };
static const struct cs_wlc_admit_dgram HELLO_COOKIE = { true, false };
static const struct cs_wlc_admit_dgram OTHER = { false, false };

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
	assert_int_equal(
	    cs_wlc_admit_input(NULL, &HELLO_FRESH), CS_WLC_ADMIT_NEW);
	/* a ClientHello with a cookie from an unknown address (its peer
	 * was reaped) starts a peer too: the server is stateless */
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
	/* unverified: a fresh ClientHello starts over (the HelloVerifyRequest
	 * was lost), the one with the cookie goes on */
	assert_int_equal(
	    cs_wlc_admit_input(&a, &HELLO_FRESH), CS_WLC_ADMIT_REPLACE);
	assert_int_equal(
	    cs_wlc_admit_input(&a, &HELLO_COOKIE), CS_WLC_ADMIT_FEED);
	assert_int_equal(cs_wlc_admit_input(&a, &OTHER), CS_WLC_ADMIT_FEED);
	/* verified, handshake running: repeated ClientHellos are the
	 * session's business (retransmissions) */
	cs_wlc_admit_result(&a, CS_WLC_ADMIT_DTLS_PROGRESS, true, false);
	assert_int_equal(
	    cs_wlc_admit_input(&a, &HELLO_FRESH), CS_WLC_ADMIT_FEED);
	assert_int_equal(
	    cs_wlc_admit_input(&a, &HELLO_COOKIE), CS_WLC_ADMIT_FEED);
	/* established: any ClientHello means the AP restarted its session */
	cs_wlc_admit_result(&a, CS_WLC_ADMIT_DTLS_ESTABLISHED, true, false);
	assert_int_equal(
	    cs_wlc_admit_input(&a, &HELLO_FRESH), CS_WLC_ADMIT_REPLACE);
	assert_int_equal(
	    cs_wlc_admit_input(&a, &HELLO_COOKIE), CS_WLC_ADMIT_REPLACE);
	assert_int_equal(cs_wlc_admit_input(&a, &OTHER), CS_WLC_ADMIT_FEED);
}

static void
test_timer(void **state)
{
	struct fake f = { 0 };
	struct cs_wlc_admit a;

	(void)state;
	cs_wlc_admit_init(&a, &f_io, &f);
	assert_true(f.armed);
	assert_int_equal(f.delay_ms, CS_WLC_ADMIT_UNVERIFIED_MS);
	assert_int_equal(cs_wlc_admit_expired(&a), CS_WLC_ADMIT_EXP_NO_COOKIE);
	/* progress without the cookie leaves the no-cookie timer alone */
	assert_int_equal(
	    cs_wlc_admit_result(&a, CS_WLC_ADMIT_DTLS_PROGRESS, false, false),
	    CS_WLC_ADMIT_CONTINUE);
	assert_int_equal(f.arms, 1);
	/* the cookie came back: WaitDTLS (RFC 5415 §4.7.15), once */
	assert_int_equal(
	    cs_wlc_admit_result(&a, CS_WLC_ADMIT_DTLS_PROGRESS, true, false),
	    CS_WLC_ADMIT_CONTINUE);
	assert_true(a.is_verified);
	assert_int_equal(f.arms, 2);
	assert_int_equal(f.delay_ms, CS_WLC_ADMIT_WAIT_DTLS_MS);
	cs_wlc_admit_result(&a, CS_WLC_ADMIT_DTLS_PROGRESS, true, false);
	assert_int_equal(f.arms, 2);
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
	assert_int_equal(f.arms, 2);
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
test_hellos_counted_until_verified(void **state)
{
	struct fake f = { 0 };
	struct cs_wlc_admit a;

	(void)state;
	cs_wlc_admit_init(&a, &f_io, &f);
	for (unsigned i = 0; i < 3; i++)
		cs_wlc_admit_fed(&a);
	assert_int_equal(a.hellos, 3);
	cs_wlc_admit_result(&a, CS_WLC_ADMIT_DTLS_PROGRESS, true, false);
	cs_wlc_admit_fed(&a);
	assert_int_equal(a.hellos, 3);
	cs_wlc_admit_init(&a, &f_io, &f);
	a.hellos = UINT16_MAX - 1;
	cs_wlc_admit_fed(&a);
	cs_wlc_admit_fed(&a);
	assert_int_equal(a.hellos, UINT16_MAX);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(
	    cs_wlc_admit_verdict_name(CS_WLC_ADMIT_REPLACE), "replace");
	assert_string_equal(
	    cs_wlc_admit_verdict_name(CS_WLC_ADMIT__COUNT), "?");
	assert_string_equal(cs_wlc_admit_step_name(CS_WLC_ADMIT_FAIL), "fail");
	assert_string_equal(
	    cs_wlc_admit_step_name(CS_WLC_ADMIT_STEP__COUNT), "?");
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
		cmocka_unit_test(test_hellos_counted_until_verified),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
