/* SPDX-License-Identifier: MIT */
/*
 * The engine's stale-handshake helpers (issue 12) on real OpenSSL
 * datagrams (tests/vectors/dtls) behind a CAPWAP-DTLS preamble: the
 * ClientHello random (the mock WLC tells a new handshake from a late
 * copy by it) and the message_seq test (the AP drops an earlier
 * handshake's server flight before its cookie went back).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capsim/dtls_peek.h"
#include "engine/engine-internal.h"
#include "testutil.h"

/* The vector with the CAPWAP-DTLS preamble (RFC 5415 §4.1: version 0,
 * type 1, 3 reserved bytes) in front. */
static uint8_t *
load_capwap(const char *name, size_t *len)
{
	char path[256];
	size_t n = 0;
	uint8_t *raw, *out;

	snprintf(path, sizeof(path), "tests/vectors/dtls/%s.bin", name);
	raw = cs_test_read_src(path, &n);
	assert_non_null(raw);
	out = malloc(n + 4);
	assert_non_null(out);
	out[0] = 0x01;
	out[1] = out[2] = out[3] = 0;
	memcpy(out + 4, raw, n);
	free(raw);
	*len = n + 4;
	return out;
}

static void
test_hello_random(void **state)
{
	size_t l1, l3, l2;
	uint8_t *c1 = load_capwap("dtls12-01-c2s", &l1);
	uint8_t *c3 = load_capwap("dtls12-03-c2s", &l3);
	uint8_t *s2 = load_capwap("dtls12-02-s2c", &l2);
	uint8_t r1[32], r3[32], r[32];

	(void)state;
	assert_int_equal(eng_hello_random(c1, l1, r1), 0);
	/* preamble 4, record header 13, handshake header 12, version 2 */
	assert_memory_equal(r1, c1 + 4 + 13 + 12 + 2, 32);
	/* RFC 6347 §4.2.1: the ClientHello with the cookie repeats the
	 * random: a late copy of a handshake is told by it */
	assert_int_equal(eng_hello_random(c3, l3, r3), 0);
	assert_memory_equal(r1, r3, 32);
	/* a HelloVerifyRequest has no ClientHello */
	assert_int_equal(eng_hello_random(s2, l2, r), -EBADMSG);
	/* cut inside the random */
	assert_int_equal(eng_hello_random(c1, 4 + 13 + 12 + 10, r1), -EBADMSG);
	free(c1);
	free(c3);
	free(s2);
}

static void
test_hs_seq(void **state)
{
	size_t l1, l2, l3, l4;
	uint8_t *c1 = load_capwap("dtls12-01-c2s", &l1);
	uint8_t *s2 = load_capwap("dtls12-02-s2c", &l2);
	uint8_t *c3 = load_capwap("dtls12-03-c2s", &l3);
	uint8_t *s4 = load_capwap("dtls12-04-s2c", &l4);

	(void)state;
	/* the client's first ClientHello is seq 0, the one with the
	 * cookie seq 1 */
	assert_false(eng_hs_seq_from(c1, l1, CS_DTLS_HS_CLIENT_HELLO, 1));
	assert_true(eng_hs_seq_from(c3, l3, CS_DTLS_HS_CLIENT_HELLO, 1));
	/* before it: the server's HelloVerifyRequest (seq 0) is in order,
	 * a ServerHello flight (seq >= 1) belongs to another handshake */
	assert_false(eng_hs_seq_from(s2, l2, -1, 1));
	assert_true(eng_hs_seq_from(s4, l4, -1, 1));
	/* no CAPWAP preamble, or garbage: nothing */
	assert_false(eng_hs_seq_from(s4 + 4, l4 - 4, -1, 1));
	assert_false(eng_hs_seq_from(s4, 7, -1, 0));
	free(c1);
	free(s2);
	free(c3);
	free(s4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_random),
		cmocka_unit_test(test_hs_seq),
	};

	return cmocka_run_group_tests_name("eng_stale", tests, NULL, NULL);
}
