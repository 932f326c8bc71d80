/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for established DTLS sessions (issue 18): a real AP/WLC
 * handshake in memory (lib/dtls/dtls.c and dtls_bio.c), then each input
 * plays a script of records against the live sessions.  The pair is kept
 * across inputs while it lives (at most PAIR_USES inputs), so a crash
 * may need the inputs before it; a fresh pair for every input again:
 * CS_FUZZ_FRESH_PAIR=1.  The harness
 * learns the session keys from the key log and the ServerHello it relays
 * and seals records itself (AES-128-GCM, RFC 5288, or AES-128-CBC with
 * HMAC-SHA1, RFC 5246 §6.2.3.2), so the
 * mutated plaintext, content types and sequence numbers reach past
 * decryption.  The product is not weakened for this; only the harness
 * holds the keys.
 *
 * Oracles: a datagram of records nobody could have authenticated (raw
 * bytes, a flipped bit, a wrong epoch, a changed length) never ends an
 * established session; a replayed application record is never delivered
 * twice.
 *
 * Input: byte 0 picks the cipher (bit 0); then ops, each one byte
 * (low 3 bits: kind, bit 3: to the AP instead of the WLC, bit 4: keep the
 * datagram open for the next record) and its arguments.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "capsim/dtls.h"
#include "capsim/dtls_decrypt.h"
#include "capsim/pki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DG_MAX  2048
#define Q_MAX   64
#define REC_HDR 13
#define SEQ_GAP 8
/* inputs one established pair serves before a fresh handshake */
#define PAIR_USES 256

enum {
	SUITE_GCM,
	SUITE_CBC,
	SUITE__COUNT
};

static const char *const suite_names[SUITE__COUNT] = {
	[SUITE_GCM] = "ECDHE-ECDSA-AES128-GCM-SHA256",
	[SUITE_CBC] = "ECDHE-ECDSA-AES128-SHA",
};

static struct cs_pki *pki;
static struct cs_cred *ap_cred;
static struct cs_dtls_ctx *ap_ctx[SUITE__COUNT], *wlc_ctx[SUITE__COUNT];
static char keylog_line[512];

struct dgram {
	size_t len;
	uint8_t b[DG_MAX];
};

struct endp {
	struct cs_dtls *s;
	struct dgram q[Q_MAX]; /* what this endpoint sent, not yet delivered */
	size_t qn;
	uint64_t rx; /* application datagrams delivered to it */
	/* Epoch-1 sequence numbers of records sent to this endpoint: the
	 * peer's own (OpenSSL counts them) and the harness's, which stay
	 * SEQ_GAP above the peer's so that both get through the replay
	 * window (RFC 6347 §4.1.2.6) */
	uint64_t real_next, seal_next;
	int r; /* last result of cs_dtls_input */
	bool is_wlc;
	uint8_t server_random[32];
	bool has_server_random;
};

/* One direction's keys (RFC 5246 §6.3 key block). */
struct dir_keys {
	uint8_t mac[20];
	uint8_t key[16];
	uint8_t salt[4];
};

struct run {
	struct endp ap, wlc;
	int suite;
	struct dir_keys to_wlc, to_ap; /* client_write, server_write */
	uint8_t pending[DG_MAX];
	size_t pending_len;
	bool pending_authentic; /* some record in it could authenticate */
	struct dgram cand;      /* the pending datagram, if it may replay */
	bool has_cand;
	struct dgram last_app; /* last valid application record delivered */
	bool has_last_app;
	bool last_app_to_ap;
};

static int
endp_send(void *ctx, const uint8_t *d, size_t len)
{
	struct endp *e = ctx;

	if (len > DG_MAX || e->qn >= Q_MAX)
		return 0; /* lost, as UDP may */
	memcpy(e->q[e->qn].b, d, len);
	e->q[e->qn].len = len;
	e->qn++;
	return 0;
}

static void
endp_recv(void *ctx, const uint8_t *d, size_t len)
{
	struct endp *e = ctx;

	(void)d;
	(void)len;
	e->rx++;
}

static void
keylog(void *ctx, const char *line)
{
	(void)ctx;
	snprintf(keylog_line, sizeof(keylog_line), "%s", line);
}

static struct run pairs[SUITE__COUNT];
static unsigned uses[SUITE__COUNT];

static void close_pair(struct run *rn);

static void
teardown(void)
{
	for (int i = 0; i < SUITE__COUNT; i++)
		close_pair(&pairs[i]);
	for (int i = 0; i < SUITE__COUNT; i++) {
		cs_dtls_ctx_free(ap_ctx[i]);
		cs_dtls_ctx_free(wlc_ctx[i]);
	}
	cs_cred_free(ap_cred);
	cs_pki_free(pki);
}

static void
setup(void)
{
	static const uint8_t mac[6] = { 0x02, 0xca, 0x75, 0, 0, 1 };
	struct cs_pki_cfg pc = { .key_type = CS_PKI_KEY_EC_P256 };
	struct cs_dtls_cfg ac, wc;

	pc.now = (int64_t)time(NULL) - 3600;
	if (cs_pki_new(&pki, &pc) < 0 ||
	    cs_pki_issue_ap(pki, mac, CS_PKI_GOOD, &ap_cred) < 0)
		abort();
	for (int i = 0; i < SUITE__COUNT; i++) {
		cs_dtls_cfg_init(&ac, CS_DTLS_CLIENT);
		cs_dtls_cfg_init(&wc, CS_DTLS_SERVER);
		ac.trust = wc.trust = cs_pki_ca(pki);
		wc.cred = cs_pki_wlc(pki);
		ac.ciphers = wc.ciphers = suite_names[i];
		ac.keylog = keylog;
		if (cs_dtls_ctx_new(&ap_ctx[i], &ac, NULL) < 0 ||
		    cs_dtls_ctx_new(&wlc_ctx[i], &wc, NULL) < 0)
			abort();
	}
	atexit(teardown);
}

/*
 * Watches what an endpoint sends: the ServerHello's random (RFC 5246
 * §7.4.1.3, behind the 12-byte DTLS handshake header) and the highest
 * epoch-1 sequence number, so that sealed records come after it.
 */
static void
watch(struct endp *from, struct endp *to, const uint8_t *d, size_t len)
{
	size_t off = 4; /* CAPWAP DTLS preamble */

	while (off + REC_HDR <= len) {
		const uint8_t *h = d + off;
		size_t rl = (size_t)h[11] << 8 | h[12];
		uint16_t epoch = (uint16_t)(h[3] << 8 | h[4]);
		uint64_t seq = 0;

		for (int i = 5; i < 11; i++)
			seq = seq << 8 | h[i];
		if (off + REC_HDR + rl > len)
			break;
		if (epoch == 1 && seq + 1 > to->real_next)
			to->real_next = seq + 1;
		if (from->is_wlc && h[0] == 22 && epoch == 0 && rl >= 12 + 34 &&
		    h[REC_HDR] == 2) {
			memcpy(from->server_random, h + REC_HDR + 12 + 2, 32);
			from->has_server_random = true;
		}
		off += REC_HDR + rl;
	}
}

/* Delivers what each side sent until both queues are empty. */
static void
pump(struct run *rn)
{
	static struct dgram tmp[Q_MAX];
	size_t n;

	for (int round = 0; round < 16; round++) {
		if (rn->ap.qn == 0 && rn->wlc.qn == 0)
			return;
		n = rn->ap.qn;
		memcpy(tmp, rn->ap.q, n * sizeof(tmp[0]));
		rn->ap.qn = 0;
		for (size_t i = 0; i < n; i++) {
			watch(&rn->ap, &rn->wlc, tmp[i].b, tmp[i].len);
			rn->wlc.r =
			    cs_dtls_input(rn->wlc.s, tmp[i].b, tmp[i].len);
		}
		n = rn->wlc.qn;
		memcpy(tmp, rn->wlc.q, n * sizeof(tmp[0]));
		rn->wlc.qn = 0;
		for (size_t i = 0; i < n; i++) {
			watch(&rn->wlc, &rn->ap, tmp[i].b, tmp[i].len);
			rn->ap.r =
			    cs_dtls_input(rn->ap.s, tmp[i].b, tmp[i].len);
		}
	}
}

static int
unhex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

/* The key block from the key log line and the ServerHello random. */
static int
derive(struct run *rn)
{
	uint8_t cr[32], ms[48], seed[64], kb[2 * (20 + 16 + 4)];
	size_t maclen = rn->suite == SUITE_CBC ? 20 : 0, o = 0;
	int r = -1;

	if (strncmp(keylog_line, "CLIENT_RANDOM ", 14) != 0 ||
	    strlen(keylog_line) != 14 + 64 + 1 + 96 ||
	    unhex(keylog_line + 14, cr, 32) < 0 ||
	    unhex(keylog_line + 14 + 65, ms, 48) < 0 ||
	    !rn->wlc.has_server_random)
		goto out;
	memcpy(seed, rn->wlc.server_random, 32);
	memcpy(seed + 32, cr, 32);
	if (cs_tls_prf(true, false, ms, sizeof(ms), "key expansion", seed,
	        sizeof(seed), kb, sizeof(kb)) < 0)
		goto out;
	memcpy(rn->to_wlc.mac, kb + o, maclen);
	o += maclen;
	memcpy(rn->to_ap.mac, kb + o, maclen);
	o += maclen;
	memcpy(rn->to_wlc.key, kb + o, 16);
	o += 16;
	memcpy(rn->to_ap.key, kb + o, 16);
	o += 16;
	memcpy(rn->to_wlc.salt, kb + o, 4);
	o += 4;
	memcpy(rn->to_ap.salt, kb + o, 4);
	r = 0;
out:
	memset(ms, 0, sizeof(ms));
	memset(kb, 0, sizeof(kb));
	return r;
}

static void
put_hdr(uint8_t *h, uint8_t type, uint16_t epoch, uint64_t seq, size_t len)
{
	h[0] = type;
	h[1] = 0xfe; /* DTLS 1.2 */
	h[2] = 0xfd;
	h[3] = (uint8_t)(epoch >> 8);
	h[4] = (uint8_t)epoch;
	for (int i = 0; i < 6; i++)
		h[5 + i] = (uint8_t)(seq >> (8 * (5 - i)));
	h[11] = (uint8_t)(len >> 8);
	h[12] = (uint8_t)len;
}

/* AES-128-GCM record (RFC 5288 §3, nonce_explicit = epoch+seq as
 * OpenSSL does).  Returns the record length or 0. */
static size_t
seal_gcm(const struct dir_keys *k, uint8_t type, uint16_t epoch, uint64_t seq,
    const uint8_t *pt, size_t n, uint8_t *out, size_t cap)
{
	uint8_t nonce[12], aad[13];
	EVP_CIPHER_CTX *c;
	size_t len = 8 + n + 16;
	int ol = 0, ok;

	if (REC_HDR + len > cap)
		return 0;
	put_hdr(out, type, epoch, seq, len);
	memcpy(aad, out + 3, 8); /* seq_num = epoch + sequence number */
	memcpy(aad + 8, out, 3); /* type, version */
	aad[11] = (uint8_t)(n >> 8);
	aad[12] = (uint8_t)n;
	memcpy(nonce, k->salt, 4);
	memcpy(nonce + 4, out + 3, 8);
	memcpy(out + REC_HDR, out + 3, 8);
	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		return 0;
	ok = EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, k->key, nonce) &&
	    EVP_EncryptUpdate(c, NULL, &ol, aad, sizeof(aad)) &&
	    (n == 0 ||
	        EVP_EncryptUpdate(c, out + REC_HDR + 8, &ol, pt, (int)n)) &&
	    EVP_EncryptFinal_ex(c, out + REC_HDR + 8 + n, &ol) &&
	    EVP_CIPHER_CTX_ctrl(
	        c, EVP_CTRL_GCM_GET_TAG, 16, out + REC_HDR + 8 + n);
	EVP_CIPHER_CTX_free(c);
	return ok ? REC_HDR + len : 0;
}

/* AES-128-CBC with HMAC-SHA1, MAC-then-encrypt (RFC 5246 §6.2.3.2; capsim
 * turns encrypt-then-MAC off): IV, then the ciphertext of plaintext +
 * HMAC(seq_num + type + version + length + plaintext) + padding. */
static size_t
seal_cbc(const struct dir_keys *k, uint8_t type, uint16_t epoch, uint64_t seq,
    const uint8_t *pt, size_t n, uint8_t *out, size_t cap)
{
	uint8_t buf[DG_MAX], mac[20];
	size_t pad = 15 - (n + 20) % 16, clen = n + 20 + pad + 1;
	size_t len = 16 + clen;
	unsigned ml = 0;
	EVP_CIPHER_CTX *c;
	int ol = 0, ok;

	if (REC_HDR + len > cap || 13 + n > sizeof(buf) || clen > sizeof(buf))
		return 0;
	put_hdr(out, type, epoch, seq, len);
	memcpy(buf, out + 3, 8); /* seq_num = epoch + sequence number */
	memcpy(buf + 8, out, 3); /* type, version */
	buf[11] = (uint8_t)(n >> 8);
	buf[12] = (uint8_t)n;
	memcpy(buf + 13, pt, n);
	if (HMAC(EVP_sha1(), k->mac, 20, buf, 13 + n, mac, &ml) == NULL)
		return 0;
	memcpy(buf, pt, n);
	memcpy(buf + n, mac, 20);
	memset(buf + n + 20, (int)pad, pad + 1);
	for (int i = 0; i < 16; i++)
		out[REC_HDR + i] = (uint8_t)(seq * 31 + (uint64_t)i);
	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		return 0;
	ok = EVP_EncryptInit_ex(
	         c, EVP_aes_128_cbc(), NULL, k->key, out + REC_HDR) &&
	    EVP_CIPHER_CTX_set_padding(c, 0) &&
	    EVP_EncryptUpdate(c, out + REC_HDR + 16, &ol, buf, (int)clen);
	EVP_CIPHER_CTX_free(c);
	return ok ? REC_HDR + len : 0;
}

static uint64_t
next_seal(const struct endp *to)
{
	return to->real_next + SEQ_GAP > to->seal_next ? to->real_next + SEQ_GAP
	                                               : to->seal_next;
}

/* Reads n bytes of the script; false at its end. */
static bool
take(const uint8_t **d, size_t *left, void *out, size_t n)
{
	if (*left < n)
		return false;
	memcpy(out, *d, n);
	*d += n;
	*left -= n;
	return true;
}

static bool
alive(const struct endp *e)
{
	return e->r == CS_DTLS_ESTABLISHED && cs_dtls_is_established(e->s);
}

/* Sends the pending datagram to one side, then checks the oracles. */
static void
flush(struct run *rn, bool to_ap)
{
	struct endp *to = to_ap ? &rn->ap : &rn->wlc;
	uint8_t wire[4 + DG_MAX] = { 0x01, 0, 0, 0 };
	bool was_alive = alive(to);
	uint64_t rx0 = to->rx;

	if (rn->pending_len == 0)
		return;
	memcpy(wire + 4, rn->pending, rn->pending_len);
	to->r = cs_dtls_input(to->s, wire, 4 + rn->pending_len);
	if (rn->has_cand && rn->cand.len == rn->pending_len &&
	    to->rx == rx0 + 1) {
		rn->last_app = rn->cand;
		rn->has_last_app = true;
		rn->last_app_to_ap = to_ap;
	}
	rn->has_cand = false;
	if (was_alive && !rn->pending_authentic && !alive(to)) {
		const struct cs_dtls_failure *f = cs_dtls_failure(to->s);

		fprintf(stderr,
		    "fuzz_dtls_session: unauthenticated datagram "
		    "ended the %s session: %s\n",
		    to->is_wlc ? "WLC" : "AP", f != NULL ? f->reason : "");
		abort();
	} /* an unauthenticated datagram ended a session */
	rn->pending_len = 0;
	rn->pending_authentic = false;
	pump(rn);
}

static void
append(struct run *rn, const uint8_t *rec, size_t len, bool authentic)
{
	if (rn->pending_len > 0)
		rn->has_cand = false; /* not alone in its datagram */
	if (rn->pending_len + len > sizeof(rn->pending))
		return;
	memcpy(rn->pending + rn->pending_len, rec, len);
	rn->pending_len += len;
	rn->pending_authentic |= authentic;
}

/*
 * A sealed record: args type, flags, seq skip, length, plaintext.  Flags:
 * bit 0 wrong epoch, bit 1 flip a byte (bits 4-7 and the skip pick it),
 * bit 2 change the length field.
 */
static bool
op_seal(struct run *rn, bool to_ap, const uint8_t **d, size_t *left)
{
	struct endp *to = to_ap ? &rn->ap : &rn->wlc;
	const struct dir_keys *k = to_ap ? &rn->to_ap : &rn->to_wlc;
	uint8_t a[4], pt[1024], rec[DG_MAX], orig[DG_MAX];
	uint16_t epoch = 1;
	uint64_t seq;
	size_t n, len;
	bool authentic = true;

	if (!take(d, left, a, sizeof(a)))
		return false;
	n = a[3] < *left ? a[3] : *left;
	(void)take(d, left, pt, n);
	seq = next_seal(to) + (a[2] & 0x0f);
	if (a[1] & 1) {
		epoch = (uint16_t)(a[2] >> 4 == 1 ? 0 : 2 + (a[2] >> 4));
		authentic = false;
	}
	len = rn->suite == SUITE_GCM
	    ? seal_gcm(k, a[0], epoch, seq, pt, n, rec, sizeof(rec))
	    : seal_cbc(k, a[0], epoch, seq, pt, n, rec, sizeof(rec));
	if (len == 0)
		return true;
	if (epoch == 1)
		to->seal_next = seq + 1;
	memcpy(orig, rec, len);
	if (a[1] & 2) {
		size_t at = ((size_t)(a[1] >> 4) * 7 + a[2]) % len;

		rec[at] ^= (uint8_t)(a[3] | 1);
	}
	if (a[1] & 4) {
		size_t fl = ((size_t)rec[11] << 8 | rec[12]) ^ (a[2] | 1u);

		rec[11] = (uint8_t)(fl >> 8);
		rec[12] = (uint8_t)fl;
	}
	/* Forged unless the mutations cancelled out or touched only the
	 * version: OpenSSL puts its own version, not the record's, in the
	 * MAC and AEAD header, so that field is not authenticated. */
	if (rec[0] != orig[0] || memcmp(orig + 3, rec + 3, len - 3) != 0)
		authentic = false;
	/* a candidate for the replay op: a valid application record alone
	 * in its datagram, remembered once it was delivered */
	rn->has_cand = authentic && a[0] == 23 && rn->pending_len == 0;
	if (rn->has_cand) {
		memcpy(rn->cand.b, rec, len);
		rn->cand.len = len;
	}
	append(rn, rec, len, authentic);
	return true;
}

/* Raw bytes as records: args length, bytes. */
static bool
op_raw(struct run *rn, const uint8_t **d, size_t *left)
{
	uint8_t n, b[256];

	if (!take(d, left, &n, 1))
		return false;
	if (n > *left)
		n = (uint8_t)*left;
	(void)take(d, left, b, n);
	append(rn, b, n, false);
	return true;
}

/* The last valid application record again, alone: dropped, never
 * delivered twice (RFC 6347 §4.1.2.6). */
static void
op_replay(struct run *rn)
{
	struct endp *to = rn->last_app_to_ap ? &rn->ap : &rn->wlc;
	uint8_t wire[4 + DG_MAX] = { 0x01, 0, 0, 0 };
	uint64_t rx0 = to->rx;
	bool was_alive = alive(to);

	if (!rn->has_last_app)
		return;
	memcpy(wire + 4, rn->last_app.b, rn->last_app.len);
	to->r = cs_dtls_input(to->s, wire, 4 + rn->last_app.len);
	if (was_alive && (!alive(to) || to->rx != rx0))
		abort(); /* a replay delivered or ended the session */
	pump(rn);
}

/* Application data through the peer's real session: args length, data. */
static bool
op_app(struct run *rn, bool to_ap, const uint8_t **d, size_t *left)
{
	struct endp *from = to_ap ? &rn->wlc : &rn->ap;
	uint8_t n, b[256];

	if (!take(d, left, &n, 1))
		return false;
	if (n > *left)
		n = (uint8_t)*left;
	(void)take(d, left, b, n);
	(void)cs_dtls_send(from->s, b, n);
	pump(rn);
	return true;
}

static int
open_pair(struct run *rn)
{
	struct cs_dtls_io io = { .send = endp_send, .recv = endp_recv };

	rn->wlc.is_wlc = true;
	io.ctx = &rn->ap;
	if (cs_dtls_new(&rn->ap.s, ap_ctx[rn->suite], &io) < 0)
		return -1;
	io.ctx = &rn->wlc;
	if (cs_dtls_new(&rn->wlc.s, wlc_ctx[rn->suite], &io) < 0 ||
	    cs_dtls_set_cred(rn->ap.s, ap_cred) < 0 ||
	    cs_dtls_set_peer(rn->wlc.s, "127.0.0.1:5246", 14) < 0)
		return -1;
	keylog_line[0] = '\0';
	rn->ap.r = cs_dtls_start(rn->ap.s);
	pump(rn);
	if (!alive(&rn->ap) || !alive(&rn->wlc) || derive(rn) < 0)
		return -1;
	return 0;
}

/*
 * A record the harness seals to one side must be delivered, or the key
 * derivation is wrong and nothing gets past decryption.  False when it
 * was not: on a fresh pair that is a harness bug (the caller aborts), on
 * a pair kept from earlier inputs the session went somewhere the harness
 * cannot follow (a renegotiation, say) and is set up again.
 */
static bool
self_check(struct run *rn, bool to_ap)
{
	static const uint8_t hello[] = "capwap";
	struct endp *to = to_ap ? &rn->ap : &rn->wlc;
	const struct dir_keys *k = to_ap ? &rn->to_ap : &rn->to_wlc;
	uint8_t rec[DG_MAX];
	size_t len;

	if (!alive(to))
		return false;
	len = rn->suite == SUITE_GCM ? seal_gcm(k, 23, 1, next_seal(to), hello,
	                                   sizeof(hello), rec, sizeof(rec))
	                             : seal_cbc(k, 23, 1, next_seal(to), hello,
	                                   sizeof(hello), rec, sizeof(rec));
	to->seal_next = next_seal(to) + 1;
	to->rx = 0;
	append(rn, rec, len, true);
	flush(rn, to_ap);
	if (to->rx != 1 || !alive(to))
		return false;
	to->rx = 0;
	return true;
}

static void
close_pair(struct run *rn)
{
	cs_dtls_free(rn->ap.s);
	cs_dtls_free(rn->wlc.s);
	memset(rn, 0, sizeof(*rn));
}

/*
 * An established pair for this input.  A handshake costs two ECDSA
 * signatures, their verification and an ECDH (~12 ms of CPU under ASan,
 * 10-25 inputs a second on a loaded box), so the pair of each suite is
 * kept across inputs while both sessions live and both directions pass
 * the self-check, at most PAIR_USES inputs; per-input state (the
 * datagram being built, the replay candidate) starts empty, the
 * sequence numbers go on.
 */
static struct run *
get_pair(int suite)
{
	static int fresh = -1;
	struct run *rn = &pairs[suite];

	if (fresh < 0)
		fresh = getenv("CS_FUZZ_FRESH_PAIR") != NULL;
	if (rn->ap.s != NULL) {
		rn->pending_len = 0;
		rn->pending_authentic = false;
		rn->has_cand = rn->has_last_app = false;
		if (!fresh && uses[suite] < PAIR_USES &&
		    self_check(rn, false) && self_check(rn, true)) {
			uses[suite]++;
			return rn;
		}
		close_pair(rn);
	}
	rn->suite = suite;
	uses[suite] = 1;
	if (open_pair(rn) < 0 || !self_check(rn, false) ||
	    !self_check(rn, true)) {
		fprintf(stderr, "fuzz_dtls_session: %s: a fresh pair failed\n",
		    suite_names[suite]);
		abort(); /* the clean handshake and sealing must work */
	}
	return rn;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run *rn;
	uint8_t op;

	if (pki == NULL)
		setup();
	if (size < 1)
		return 0;
	rn = get_pair(data[0] & 1);
	data++;
	size--;
	for (unsigned ops = 0; ops < 64 && take(&data, &size, &op, 1); ops++) {
		bool to_ap = (op & 0x08) != 0, more = (op & 0x10) != 0;
		struct endp *to = to_ap ? &rn->ap : &rn->wlc;

		switch (op & 0x07) {
		case 0:
		case 1:
			if (!op_seal(rn, to_ap, &data, &size))
				goto done;
			break;
		case 2:
			if (!op_raw(rn, &data, &size))
				goto done;
			break;
		case 3:
			op_replay(rn);
			continue;
		case 4:
			if (!op_app(rn, to_ap, &data, &size))
				goto done;
			continue;
		case 5:
			(void)cs_dtls_on_timer(to->s);
			pump(rn);
			continue;
		case 6:
			(void)cs_dtls_shutdown(to->s);
			pump(rn);
			continue;
		default:
			more = false;
			break;
		}
		if (!more)
			flush(rn, to_ap);
	}
done:
	flush(rn, false);
	if (!alive(&rn->ap) || !alive(&rn->wlc))
		close_pair(rn); /* the next input of this suite starts anew */
	return 0;
}
