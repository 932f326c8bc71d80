/* SPDX-License-Identifier: MIT */
/*
 * Passive DTLS decryption: two lib/dtls sessions handshake in memory with
 * each cipher suite lib/dtls offers (and a few more), DTLS 1.2 and 1.0;
 * every wire datagram is fed to a watcher that only has the key log, and
 * every application record must come out byte-exact.  Failure paths: no
 * key, wrong key, tampered record, missing ServerHello, malformed record
 * layer, key log syntax; the TLS 1.2 PRF against the published P_SHA256
 * test vector.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/dtls.h"
#include "capsim/dtls_decrypt.h"
#include "capsim/pki.h"
#include "testutil.h"

#define QMAX   64
#define DGMAX  2048
#define LOGMAX 4096
#define MAXDG  256

static struct cs_pki *pki_rsa, *pki_ec;
static const uint8_t ap_mac[6] = { 0x00, 0x1b, 0x2c, 0x3d, 0x4e, 0x60 };

/* Every datagram of the conversation, in order. */
struct trace {
	size_t n;
	struct {
		bool from_client;
		size_t len;
		uint8_t b[DGMAX];
	} d[MAXDG];
	char keylog[LOGMAX];
	size_t klen;
};

struct side {
	struct trace *t;
	bool is_client;
	struct {
		size_t len;
		uint8_t b[DGMAX];
	} q[QMAX];
	size_t qn;
	size_t rx;
};

static int
side_send(void *ctx, const uint8_t *d, size_t len)
{
	struct side *s = ctx;
	struct trace *t = s->t;

	assert_true(len <= DGMAX && s->qn < QMAX && t->n < MAXDG);
	t->d[t->n].from_client = s->is_client;
	t->d[t->n].len = len;
	memcpy(t->d[t->n++].b, d, len);
	memcpy(s->q[s->qn].b, d, len);
	s->q[s->qn++].len = len;
	return 0;
}

static void
side_recv(void *ctx, const uint8_t *d, size_t len)
{
	(void)d;
	(void)len;
	((struct side *)ctx)->rx++;
}

static void
keylog_cb(void *ctx, const char *line)
{
	struct trace *t = ctx;
	size_t l = strlen(line);

	/* both ends log the same line: keep one */
	if (strstr(t->keylog, line) != NULL)
		return;
	assert_true(t->klen + l + 2 < LOGMAX);
	memcpy(t->keylog + t->klen, line, l);
	t->klen += l;
	t->keylog[t->klen++] = '\n';
	t->keylog[t->klen] = 0;
}

static void
pump(struct cs_dtls *c, struct side *a, struct cs_dtls *s, struct side *w)
{
	static struct side tmp;

	while (a->qn > 0 || w->qn > 0) {
		memcpy(&tmp, a, sizeof(tmp));
		a->qn = 0;
		for (size_t i = 0; i < tmp.qn; i++)
			(void)cs_dtls_input(s, tmp.q[i].b, tmp.q[i].len);
		memcpy(&tmp, w, sizeof(tmp));
		w->qn = 0;
		for (size_t i = 0; i < tmp.qn; i++)
			(void)cs_dtls_input(c, tmp.q[i].b, tmp.q[i].len);
	}
}

/* The application payloads sent: i-th from client if i even. */
static void
payload(unsigned i, uint8_t *b, size_t *len)
{
	*len = 20 + i * 37 % 300;
	for (size_t k = 0; k < *len; k++)
		b[k] = (uint8_t)(i * 13 + k);
}

/* Handshake with the given version/ciphers, then 6 messages. */
static struct trace *
converse(enum cs_dtls_version ver, const char *ciphers, bool ec)
{
	struct trace *t = calloc(1, sizeof(*t));
	struct side *a = calloc(1, sizeof(*a)), *w = calloc(1, sizeof(*w));
	struct cs_pki *pki = ec ? pki_ec : pki_rsa;
	struct cs_dtls_cfg ac, wc;
	struct cs_dtls_ctx *actx = NULL, *wctx = NULL;
	struct cs_dtls *cl, *sv;
	struct cs_dtls_io io;
	struct cs_cred *cred;
	struct cs_err err = { 0 };

	assert_non_null(t);
	assert_non_null(a);
	assert_non_null(w);
	a->t = w->t = t;
	a->is_client = true;
	cs_dtls_cfg_init(&ac, CS_DTLS_CLIENT);
	cs_dtls_cfg_init(&wc, CS_DTLS_SERVER);
	ac.trust = wc.trust = cs_pki_ca(pki);
	wc.cred = cs_pki_wlc(pki);
	ac.version = wc.version = ver;
	ac.ciphers = wc.ciphers = ciphers;
	ac.keylog = keylog_cb;
	ac.keylog_ctx = t;
	if (cs_dtls_ctx_new(&actx, &ac, &err) < 0 ||
	    cs_dtls_ctx_new(&wctx, &wc, &err) < 0)
		fail_msg("dtls ctx (%s): %s", ciphers, err.what);
	memset(&io, 0, sizeof(io));
	io.send = side_send;
	io.recv = side_recv;
	io.ctx = a;
	assert_int_equal(cs_dtls_new(&cl, actx, &io), 0);
	io.ctx = w;
	assert_int_equal(cs_dtls_new(&sv, wctx, &io), 0);
	assert_int_equal(cs_pki_issue_ap(pki, ap_mac, CS_PKI_GOOD, &cred), 0);
	assert_int_equal(cs_dtls_set_cred(cl, cred), 0);
	assert_int_equal(cs_dtls_set_peer(sv, "127.0.0.42:40000", 16), 0);
	assert_true(cs_dtls_start(cl) >= 0);
	pump(cl, a, sv, w);
	assert_true(cs_dtls_is_established(cl));
	assert_true(cs_dtls_is_established(sv));
	for (unsigned i = 0; i < 6; i++) {
		uint8_t b[400];
		size_t len;

		payload(i, b, &len);
		assert_int_equal(cs_dtls_send(i % 2 == 0 ? cl : sv, b, len), 0);
		pump(cl, a, sv, w);
	}
	assert_int_equal(a->rx + w->rx, 6);
	assert_true(t->klen > 0);
	cs_dtls_free(cl);
	cs_dtls_free(sv);
	cs_dtls_ctx_free(actx);
	cs_dtls_ctx_free(wctx);
	cs_cred_free(cred);
	free(a);
	free(w);
	return t;
}

struct got {
	unsigned n_app;
	unsigned n_hs; /* decrypted handshake records (Finished) */
	bool ok;
};

static void
on_plain(void *ctx, bool from_client, uint8_t type, uint16_t epoch,
    uint64_t seq, const uint8_t *p, size_t len)
{
	struct got *g = ctx;
	uint8_t b[400];
	size_t l;

	(void)seq;
	assert_int_equal(epoch, 1);
	if (type == 22) {
		g->n_hs++;
		return;
	}
	if (type != 23)
		return;
	payload(g->n_app, b, &l);
	if (from_client != (g->n_app % 2 == 0) || l != len ||
	    memcmp(b, p, l) != 0)
		g->ok = false;
	g->n_app++;
}

static void
check_decrypts(enum cs_dtls_version ver, const char *ciphers, bool ec,
    uint16_t suite, bool tls12)
{
	struct trace *t = converse(ver, ciphers, ec);
	struct cs_keylog *kl;
	struct cs_dtls_dec *d;
	struct cs_dtls_dec_stats st;
	struct got g = { .ok = true };

	assert_int_equal(cs_keylog_new(&kl), 0);
	assert_int_equal(cs_keylog_add_text(kl, t->keylog, t->klen, NULL), 1);
	assert_int_equal(cs_dtls_dec_new(&d, kl), 0);
	for (size_t i = 0; i < t->n; i++)
		assert_true(cs_dtls_dec_input(d, t->d[i].from_client, t->d[i].b,
		                t->d[i].len, true, on_plain, &g, NULL) >= 0);
	cs_dtls_dec_stats(d, &st);
	if (!g.ok || g.n_app != 6)
		fail_msg("%s: %u app records ok=%d (state %s, failed %llu)",
		    ciphers, g.n_app, g.ok, cs_dtls_dec_state_name(st.state),
		    (unsigned long long)st.failed);
	assert_int_equal(g.n_hs, 2); /* both Finished messages */
	assert_int_equal(st.state, CS_DTLS_DEC_OK);
	assert_int_equal(st.suite, suite);
	assert_int_equal(st.version, tls12 ? 0xfefd : 0xfeff);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.undecryptable, 0);
	assert_int_equal(st.decrypted, st.records);
	assert_int_equal(st.handshakes, 1);
	assert_non_null(cs_dtls_dec_suite_name(suite));
	/* the server certificate, reassembled from its DTLS fragments:
	 * issued now by the lab PKI, valid for years */
	{
		int64_t nb = 0, na = 0, now = (int64_t)time(NULL);

		assert_int_equal(
		    cs_dtls_dec_server_cert_validity(d, &nb, &na), 0);
		assert_true(nb <= now + 1 && nb > now - 86400 * 2);
		assert_true(na > now + 86400 * 365);
	}
	cs_dtls_dec_free(d);
	cs_keylog_free(kl);
	free(t);
}

static void
test_gcm128(void **state)
{
	(void)state;
	check_decrypts(
	    CS_DTLS_V1_2, "ECDHE-RSA-AES128-GCM-SHA256", false, 0xc02f, true);
}

static void
test_gcm256(void **state)
{
	(void)state;
	check_decrypts(
	    CS_DTLS_V1_2, "ECDHE-RSA-AES256-GCM-SHA384", false, 0xc030, true);
}

static void
test_gcm_ecdsa(void **state)
{
	(void)state;
	check_decrypts(
	    CS_DTLS_V1_2, "ECDHE-ECDSA-AES128-GCM-SHA256", true, 0xc02b, true);
}

static void
test_cbc_sha(void **state)
{
	(void)state;
	check_decrypts(CS_DTLS_V1_2, "AES128-SHA", false, 0x002f, true);
}

static void
test_cbc_sha256(void **state)
{
	(void)state;
	check_decrypts(CS_DTLS_V1_2, "AES256-SHA256", false, 0x003d, true);
}

static void
test_cbc_sha384(void **state)
{
	(void)state;
	check_decrypts(
	    CS_DTLS_V1_2, "ECDHE-RSA-AES256-SHA384", false, 0xc028, true);
}

static void
test_chacha(void **state)
{
	(void)state;
	check_decrypts(
	    CS_DTLS_V1_2, "ECDHE-RSA-CHACHA20-POLY1305", false, 0xcca8, true);
}

static void
test_dtls10_cbc(void **state)
{
	(void)state;
	check_decrypts(
	    CS_DTLS_V1_0, "AES128-SHA:@SECLEVEL=0", false, 0x002f, false);
}

static void
test_dtls10_ecdhe(void **state)
{
	(void)state;
	check_decrypts(CS_DTLS_V1_0, "ECDHE-RSA-AES256-SHA:@SECLEVEL=0", false,
	    0xc014, false);
}

/* No key: nothing decrypts, the state says why; a later key log line
 * (a DSB further on in the file) makes the next records readable. */
static void
test_no_key_then_key(void **state)
{
	struct trace *t = converse(CS_DTLS_V1_2, NULL, false);
	struct cs_keylog *kl;
	struct cs_dtls_dec *d;
	struct cs_dtls_dec_stats st;
	struct got g = { .ok = true };
	size_t half = t->n - 4;

	(void)state;
	assert_int_equal(cs_keylog_new(&kl), 0);
	assert_int_equal(cs_dtls_dec_new(&d, kl), 0);
	for (size_t i = 0; i < half; i++)
		assert_int_equal(
		    cs_dtls_dec_input(d, t->d[i].from_client, t->d[i].b,
		        t->d[i].len, true, on_plain, &g, NULL),
		    0);
	cs_dtls_dec_stats(d, &st);
	assert_int_equal(st.state, CS_DTLS_DEC_NO_KEY);
	assert_true(st.undecryptable > 0);
	assert_int_equal(st.decrypted, 0);
	assert_int_equal(cs_keylog_add_text(kl, t->keylog, t->klen, NULL), 1);
	g.n_app = 2; /* the last 4 datagrams carry messages 2..5 */
	for (size_t i = half; i < t->n; i++)
		assert_int_equal(
		    cs_dtls_dec_input(d, t->d[i].from_client, t->d[i].b,
		        t->d[i].len, true, on_plain, &g, NULL),
		    1);
	cs_dtls_dec_stats(d, &st);
	assert_int_equal(st.state, CS_DTLS_DEC_OK);
	assert_true(g.ok);
	assert_int_equal(g.n_app, 6);
	cs_dtls_dec_free(d);
	cs_keylog_free(kl);
	free(t);
}

/* A wrong master secret and a flipped byte fail authentication. */
static void
test_wrong_key_and_tamper(void **state)
{
	struct trace *t = converse(CS_DTLS_V1_2, NULL, false);
	struct cs_keylog *kl;
	struct cs_dtls_dec *d;
	struct cs_dtls_dec_stats st;
	struct got g = { .ok = true };
	char bad[LOGMAX];
	char *ms;

	(void)state;
	memcpy(bad, t->keylog, t->klen + 1);
	ms = strrchr(bad, ' ') + 1;
	ms[0] = ms[0] == '0' ? '1' : '0';
	assert_int_equal(cs_keylog_new(&kl), 0);
	assert_int_equal(cs_keylog_add_text(kl, bad, t->klen, NULL), 1);
	assert_int_equal(cs_dtls_dec_new(&d, kl), 0);
	for (size_t i = 0; i < t->n; i++)
		(void)cs_dtls_dec_input(d, t->d[i].from_client, t->d[i].b,
		    t->d[i].len, true, on_plain, &g, NULL);
	cs_dtls_dec_stats(d, &st);
	assert_int_equal(st.decrypted, 0);
	assert_int_equal(st.failed, st.records);
	assert_int_equal(g.n_app + g.n_hs, 0);
	cs_dtls_dec_free(d);
	cs_keylog_free(kl);

	/* right key, last datagram's last byte flipped */
	assert_int_equal(cs_keylog_new(&kl), 0);
	assert_int_equal(cs_keylog_add_text(kl, t->keylog, t->klen, NULL), 1);
	assert_int_equal(cs_dtls_dec_new(&d, kl), 0);
	t->d[t->n - 1].b[t->d[t->n - 1].len - 1] ^= 0x40;
	for (size_t i = 0; i < t->n; i++)
		(void)cs_dtls_dec_input(d, t->d[i].from_client, t->d[i].b,
		    t->d[i].len, true, on_plain, &g, NULL);
	cs_dtls_dec_stats(d, &st);
	assert_int_equal(st.failed, 1);
	assert_int_equal(g.n_app, 5);
	cs_dtls_dec_free(d);
	cs_keylog_free(kl);
	free(t);
}

/* cs_dtls_dec_opens(): a record of this association opens, one of
 * another association (other keys) does not, and nothing is counted. */
static void
test_opens(void **state)
{
	struct trace *t = converse(CS_DTLS_V1_2, NULL, false);
	struct trace *o = converse(CS_DTLS_V1_2, NULL, false);
	struct cs_keylog *kl;
	struct cs_dtls_dec *d;
	struct cs_dtls_dec_stats before, after;
	size_t last = t->n - 1;

	(void)state;
	assert_int_equal(cs_keylog_new(&kl), 0);
	assert_int_equal(cs_keylog_add_text(kl, t->keylog, t->klen, NULL), 1);
	assert_int_equal(cs_keylog_add_text(kl, o->keylog, o->klen, NULL), 1);
	assert_int_equal(cs_dtls_dec_new(&d, kl), 0);
	for (size_t i = 0; i < last; i++)
		(void)cs_dtls_dec_input(d, t->d[i].from_client, t->d[i].b,
		    t->d[i].len, true, NULL, NULL, NULL);
	cs_dtls_dec_stats(d, &before);
	assert_true(cs_dtls_dec_opens(
	    d, t->d[last].from_client, t->d[last].b, t->d[last].len, true));
	assert_false(cs_dtls_dec_opens(d, o->d[o->n - 1].from_client,
	    o->d[o->n - 1].b, o->d[o->n - 1].len, true));
	assert_false(cs_dtls_dec_opens(d, true, t->d[0].b, t->d[0].len, true));
	cs_dtls_dec_stats(d, &after);
	assert_int_equal(after.records, before.records);
	assert_int_equal(after.decrypted, before.decrypted);
	assert_int_equal(after.failed, before.failed);
	assert_int_equal(after.undecryptable, before.undecryptable);
	assert_int_equal(after.state, before.state);
	cs_dtls_dec_free(d);
	cs_keylog_free(kl);
	free(t);
	free(o);
}

/* Without the ServerHello the watcher cannot know the suite. */
static void
test_no_hello(void **state)
{
	struct trace *t = converse(CS_DTLS_V1_2, NULL, false);
	struct cs_keylog *kl;
	struct cs_dtls_dec *d;
	struct cs_dtls_dec_stats st;

	(void)state;
	assert_int_equal(cs_keylog_new(&kl), 0);
	assert_int_equal(cs_keylog_add_text(kl, t->keylog, t->klen, NULL), 1);
	assert_int_equal(cs_dtls_dec_new(&d, kl), 0);
	for (size_t i = 0; i < t->n; i++)
		if (t->d[i].from_client) /* server's flights lost */
			(void)cs_dtls_dec_input(d, true, t->d[i].b, t->d[i].len,
			    true, NULL, NULL, NULL);
	cs_dtls_dec_stats(d, &st);
	assert_int_equal(st.state, CS_DTLS_DEC_NO_HELLO);
	assert_int_equal(st.decrypted, 0);
	assert_true(st.undecryptable > 0);
	{
		int64_t nb = 7, na = 7;

		assert_int_equal(
		    cs_dtls_dec_server_cert_validity(d, &nb, &na), -ENOENT);
		assert_int_equal(nb, 7);
		assert_int_equal(
		    cs_dtls_dec_server_cert_validity(NULL, &nb, &na), -EINVAL);
	}
	cs_dtls_dec_free(d);
	cs_keylog_free(kl);
	free(t);
}

/* Malformed record layers: error with the offset, records before the bad
 * one still processed. */
static void
test_malformed(void **state)
{
	static const uint8_t not_capwap[] = { 0x00, 0, 0, 0, 22, 0xfe, 0xfd };
	static const uint8_t short_hdr[] = { 0x01, 0, 0, 0, 22, 0xfe, 0xfd, 0,
		0 };
	static const uint8_t bad_ver[] = { 0x01, 0, 0, 0, 22, 0x03, 0x03, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t bad_type[] = { 0x01, 0, 0, 0, 99, 0xfe, 0xfd, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0 };
	/* one empty alert record, then a record claiming 5 bytes, 2 there */
	static const uint8_t too_long[] = { 0x01, 0, 0, 0, 21, 0xfe, 0xfd, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1,
		0, 5, 1, 2 };
	struct cs_dtls_dec *d;
	struct cs_err err = { 0 };

	(void)state;
	assert_int_equal(cs_dtls_dec_new(&d, NULL), 0);
	assert_int_equal(cs_dtls_dec_input(d, true, not_capwap,
	                     sizeof(not_capwap), true, NULL, NULL, &err),
	    -EBADMSG);
	assert_int_equal(err.offset, 0);
	assert_int_equal(cs_dtls_dec_input(d, true, short_hdr,
	                     sizeof(short_hdr), true, NULL, NULL, &err),
	    -EBADMSG);
	assert_string_equal(err.what, "DTLS record header truncated");
	assert_int_equal(err.offset, 4);
	assert_int_equal(cs_dtls_dec_input(d, true, bad_ver, sizeof(bad_ver),
	                     true, NULL, NULL, &err),
	    -EBADMSG);
	assert_int_equal(err.offset, 5);
	assert_int_equal(cs_dtls_dec_input(d, true, bad_type, sizeof(bad_type),
	                     true, NULL, NULL, &err),
	    -EBADMSG);
	assert_int_equal(err.offset, 4);
	assert_int_equal(cs_dtls_dec_input(d, true, too_long, sizeof(too_long),
	                     true, NULL, NULL, &err),
	    -EBADMSG);
	assert_int_equal(err.offset, 17 + 11);
	assert_int_equal(cs_dtls_dec_input(d, true, too_long + 4,
	                     sizeof(too_long) - 4, false, NULL, NULL, &err),
	    -EBADMSG);
	assert_int_equal(err.offset, 13 + 11);
	assert_int_equal(
	    cs_dtls_dec_input(NULL, true, too_long, 1, true, NULL, NULL, NULL),
	    -EINVAL);
	cs_dtls_dec_free(d);
}

static void
test_keylog_text(void **state)
{
	static const char good[] =
	    "# comment\r\n"
	    "CLIENT_HANDSHAKE_TRAFFIC_SECRET aa bb\n"
	    "\n"
	    "CLIENT_RANDOM "
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f "
	    "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF"
	    "C0C1C2C3C4C5C6C7C8C9CACBCCCDCECF\r\n"
	    "CLIENT_RANDOM "
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f "
	    "000000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000";
	static const char bad_cr[] = "CLIENT_RANDOM 00 11\n";
	static const char bad_ms[] =
	    "CLIENT_RANDOM "
	    "00000000000000000000000000000000000000000000000000000000000000ff "
	    "zz\n";
	struct cs_keylog *kl;
	struct cs_err err = { 0 };
	uint8_t cr[32], ms[48];
	size_t first_len;

	(void)state;
	assert_int_equal(cs_keylog_new(&kl), 0);
	assert_int_equal(cs_keylog_add_text(kl, good, strlen(good), &err), 1);
	assert_int_equal(cs_keylog_count(kl), 1);
	for (int i = 0; i < 32; i++)
		cr[i] = (uint8_t)i;
	assert_int_equal(cs_keylog_find(kl, cr, ms), 0);
	assert_int_equal(ms[0], 0xa0);
	assert_int_equal(ms[47], 0xcf); /* first secret kept */
	cr[0] = 9;
	memset(ms, 0x55, sizeof(ms));
	assert_int_equal(cs_keylog_find(kl, cr, ms), -ENOENT);
	assert_int_equal(ms[0], 0x55);
	assert_int_equal(
	    cs_keylog_add_text(kl, bad_cr, strlen(bad_cr), &err), -EBADMSG);
	assert_int_equal(err.offset, 0);
	first_len = strlen(good) + 1;
	{
		char two[512];

		snprintf(two, sizeof(two), "%s\n%s", good, bad_ms);
		assert_int_equal(
		    cs_keylog_add_text(kl, two, strlen(two), &err), -EBADMSG);
		assert_int_equal(err.offset, first_len);
		assert_string_equal(
		    err.what, "key log: master secret is not 96 hex digits");
	}
	assert_int_equal(cs_keylog_count(kl), 1);
	/* many entries: the hash table grows */
	for (unsigned i = 0; i < 300; i++) {
		char line[256];
		int n = snprintf(line, sizeof(line),
		    "CLIENT_RANDOM %064x %096x\n", i + 1000, i);

		assert_int_equal(
		    cs_keylog_add_text(kl, line, (size_t)n, NULL), 1);
	}
	assert_int_equal(cs_keylog_count(kl), 301);
	memset(cr, 0, sizeof(cr));
	cr[30] = (1000 + 77) >> 8;
	cr[31] = (1000 + 77) & 0xff;
	assert_int_equal(cs_keylog_find(kl, cr, ms), 0);
	assert_int_equal(ms[47], 77);
	cs_keylog_free(kl);
	assert_int_equal(cs_keylog_new(NULL), -EINVAL);
}

/* PRF golden values: RFC 5246 P_SHA256 test vector widely published with
 * the TLS 1.2 PRF (secret 9bbe436ba940f017b17652849a71db35, seed
 * a0ba9f936cda311827a6f796ffd5198c, label "test label", 100 bytes); the
 * first 16 bytes are checked. */
static void
test_prf(void **state)
{
	uint8_t secret[16], seed[16], out[100];

	(void)state;
	cs_test_unhex("9bbe436ba940f017b17652849a71db35", secret, 16);
	cs_test_unhex("a0ba9f936cda311827a6f796ffd5198c", seed, 16);
	assert_int_equal(cs_tls_prf(true, false, secret, 16, "test label", seed,
	                     16, out, sizeof(out)),
	    0);
	{
		uint8_t head[16];

		cs_test_unhex("e3f229ba727be17b8d122620557cd453", head, 16);
		assert_memory_equal(out, head, 16);
	}
	assert_int_equal(
	    cs_tls_prf(true, false, NULL, 16, "x", seed, 16, out, 8), -EINVAL);
}

static int
group_setup(void **state)
{
	struct cs_pki_cfg rc = { .key_type = CS_PKI_KEY_RSA2048 };
	struct cs_pki_cfg ec = { .key_type = CS_PKI_KEY_EC_P256 };

	(void)state;
	if (cs_pki_new(&pki_rsa, &rc) < 0)
		return -1;
	return cs_pki_new(&pki_ec, &ec);
}

static int
group_teardown(void **state)
{
	(void)state;
	cs_pki_free(pki_rsa);
	cs_pki_free(pki_ec);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gcm128),
		cmocka_unit_test(test_gcm256),
		cmocka_unit_test(test_gcm_ecdsa),
		cmocka_unit_test(test_cbc_sha),
		cmocka_unit_test(test_cbc_sha256),
		cmocka_unit_test(test_cbc_sha384),
		cmocka_unit_test(test_chacha),
		cmocka_unit_test(test_dtls10_cbc),
		cmocka_unit_test(test_dtls10_ecdhe),
		cmocka_unit_test(test_no_key_then_key),
		cmocka_unit_test(test_wrong_key_and_tamper),
		cmocka_unit_test(test_opens),
		cmocka_unit_test(test_no_hello),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_keylog_text),
		cmocka_unit_test(test_prf),
	};

	return cmocka_run_group_tests_name(
	    "dtls_decrypt", tests, group_setup, group_teardown);
}
