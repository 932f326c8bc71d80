/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for what a DTLS endpoint does with hostile datagrams
 * (issue 18): the stateless cookie check (cs_dtls_ctx_check_hello: the
 * ClientHello parser, never an answer longer than the datagram), a fresh
 * server session (the proven-hello path) and a client session waiting for
 * its handshake (the record filter in front of OpenSSL).  The input is one
 * datagram after the CAPWAP DTLS preamble.  Nothing may crash, and an
 * answer is never longer than what it answers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capsim/dtls.h"
#include "capsim/pki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cs_dtls_ctx *srv, *cli;
static struct cs_pki *pki;
static size_t out_max;

static int
sink(void *ctx, const uint8_t *d, size_t len)
{
	(void)ctx;
	(void)d;
	if (len > out_max)
		out_max = len;
	return 0;
}

/* The contexts live for the whole process; freed at exit so that
 * LeakSanitizer sees only what an input leaks. */
static void
teardown(void)
{
	cs_dtls_ctx_free(srv);
	cs_dtls_ctx_free(cli);
	cs_pki_free(pki);
}

static void
setup(void)
{
	struct cs_pki_cfg pc = { .key_type = CS_PKI_KEY_EC_P256 };
	struct cs_dtls_cfg sc, cc;

	pc.now = (int64_t)time(NULL);
	if (cs_pki_new(&pki, &pc) < 0)
		abort();
	cs_dtls_cfg_init(&sc, CS_DTLS_SERVER);
	cs_dtls_cfg_init(&cc, CS_DTLS_CLIENT);
	sc.cred = cs_pki_wlc(pki);
	sc.trust = cc.trust = cs_pki_ca(pki);
	if (cs_dtls_ctx_new(&srv, &sc, NULL) < 0 ||
	    cs_dtls_ctx_new(&cli, &cc, NULL) < 0)
		abort();
	atexit(teardown);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t addr[6] = { 127, 0, 0, 1, 0x14, 0x7e };
	struct cs_dtls_io io = { .send = sink };
	struct cs_dtls *s = NULL, *c = NULL;
	uint8_t hvr[128], *p;
	size_t n = 0;
	int r;

	if (srv == NULL)
		setup();
	if (size > 65000 || (p = malloc(size + 4)) == NULL)
		return 0;
	p[0] = 0x01;
	p[1] = p[2] = p[3] = 0;
	if (size > 0)
		memcpy(p + 4, data, size);
	r = cs_dtls_ctx_check_hello(
	    srv, addr, sizeof(addr), p, size + 4, hvr, sizeof(hvr), &n);
	if (r == CS_DTLS_HELLO_VERIFY && (n == 0 || n > size + 4))
		abort(); /* amplification */
	out_max = 0;
	if (cs_dtls_new(&s, srv, &io) == 0) {
		cs_dtls_set_peer(s, addr, sizeof(addr));
		(void)cs_dtls_input(s, p, size + 4);
		if (r == CS_DTLS_HELLO_VERIFY && out_max > size + 4)
			abort();
		(void)cs_dtls_same_hello(s, p, size + 4);
		cs_dtls_free(s);
	}
	if (cs_dtls_new(&c, cli, &io) == 0) {
		(void)cs_dtls_start(c);
		(void)cs_dtls_input(c, p, size + 4);
		(void)cs_dtls_input(c, p, size + 4);
		cs_dtls_free(c);
	}
	free(p);
	return 0;
}
