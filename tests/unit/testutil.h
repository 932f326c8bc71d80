/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers for cmocka tests: hex dumps on mismatch, hex parsing for
 * vectors, and a log sink that keeps the last line (STYLE G10).
 */
#ifndef CS_TESTUTIL_H
#define CS_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Fails the current test, printing both buffers in hex, when they differ. */
#define assert_bytes_equal(a, alen, b, blen)                                   \
	cs_test_bytes_equal((a), (alen), (b), (blen), __FILE__, __LINE__)

void cs_test_bytes_equal(const void *a, size_t alen, const void *b, size_t blen,
    const char *file, int line);

/* Parses hex text (whitespace ignored) into out; returns the byte count or
 * fails the test. */
size_t cs_test_unhex(const char *hex, uint8_t *out, size_t cap);

/* Reads a file below the source tree (path relative to the repository
 * root, found through $CS_SRC); returns a malloc'ed buffer or fails. */
uint8_t *cs_test_read_src(const char *relpath, size_t *len);

/* Claims a loopback /24 for this test the way the integration tests do
 * (tests/integration/net.inc): 127.X.Y.0 with X in 128..191, held by the
 * directory $CS_NET_DIR/127.X.Y (default /tmp/capsim-net-claims) made
 * with mkdir, so no other test or copy of the suite uses it.  Returns the
 * network (host order, low byte 0) or fails the test.
 * cs_test_net_release gives it back (call it in the teardown). */
uint32_t cs_test_net_claim(void);
void cs_test_net_release(uint32_t net);

/* Log sink for library callbacks: keeps the last line. */
extern char cs_test_last_log[1024];
void cs_test_log(void *ctx, int level, const char *msg);

#endif /* CS_TESTUTIL_H */
