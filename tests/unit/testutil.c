/* SPDX-License-Identifier: MIT */
/* Shared cmocka helpers; see testutil.h. */
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

char cs_test_last_log[1024];

static void
hexdump(const char *tag, const uint8_t *p, size_t n)
{
	fprintf(stderr, "%s (%zu bytes):", tag, n);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s%02x", i % 16 == 0 ? "\n  " : " ", p[i]);
	fprintf(stderr, "\n");
}

void
cs_test_bytes_equal(const void *a, size_t alen, const void *b, size_t blen,
    const char *file, int line)
{
	if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
		return;
	hexdump("got", a, alen);
	hexdump("expected", b, blen);
	_fail(file, line);
}

size_t
cs_test_unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (const char *s = hex; *s != '\0'; s++) {
		int v;

		if (isspace((unsigned char)*s) || *s == ':')
			continue;
		if (!isxdigit((unsigned char)*s))
			fail_msg("bad hex digit '%c' in vector", *s);
		v = isdigit((unsigned char)*s)
		    ? *s - '0'
		    : tolower((unsigned char)*s) - 'a' + 10;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= cap)
			fail_msg("vector longer than %zu bytes", cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		fail_msg("odd number of hex digits in vector");
	return n;
}

uint8_t *
cs_test_read_src(const char *relpath, size_t *len)
{
	const char *src = getenv("CS_SRC");
	char path[4096];
	FILE *f;
	uint8_t *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", src ? src : ".", relpath);
	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

void
cs_test_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	(void)level;
	snprintf(cs_test_last_log, sizeof(cs_test_last_log), "%s", msg);
}

static void
net_claim_path(char *buf, size_t cap, uint32_t net)
{
	const char *dir = getenv("CS_NET_DIR");

	snprintf(buf, cap, "%s/127.%u.%u",
	    dir != NULL && *dir != '\0' ? dir : "/tmp/capsim-net-claims",
	    (unsigned)(net >> 16 & 0xff), (unsigned)(net >> 8 & 0xff));
}

uint32_t
cs_test_net_claim(void)
{
	const char *dir = getenv("CS_NET_DIR");
	char path[512], pidf[600];
	unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL) << 8;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp/capsim-net-claims";
	if (mkdir(dir, 01777) == 0)
		chmod(dir, 01777);
	for (int i = 0; i < 2000; i++) {
		uint32_t net = 127u << 24 |
		    (128u + (unsigned)rand_r(&seed) % 64) << 16 |
		    ((unsigned)rand_r(&seed) % 256) << 8;
		FILE *f;

		net_claim_path(path, sizeof(path), net);
		if (mkdir(path, 0755) != 0) {
			if (errno == EEXIST)
				continue;
			fail_msg("cannot claim %s: %s", path, strerror(errno));
		}
		snprintf(pidf, sizeof(pidf), "%s/pid", path);
		if ((f = fopen(pidf, "w")) != NULL) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
		return net;
	}
	fail_msg("no free loopback range in %s", dir);
	return 0;
}

void
cs_test_net_release(uint32_t net)
{
	char path[512], pidf[600];

	net_claim_path(path, sizeof(path), net);
	snprintf(pidf, sizeof(pidf), "%s/pid", path);
	unlink(pidf);
	rmdir(path);
}
