/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the passive DTLS decryptor (lib/dtls/dtls_decrypt.c,
 * issue 18): the NSS key-log parser and the record paths (CBC with
 * MAC-then-encrypt or encrypt-then-MAC, GCM, ChaCha20-Poly1305).
 *
 * Byte 0, bit 0 clear: raw mode.  A 2-byte length and that much key-log
 * text, then datagrams (a byte: bit 0 from the client, bit 1 with the
 * CAPWAP DTLS header; a 2-byte length; the bytes).
 *
 * Bit 0 set: built mode.  Bits 1-3 pick a cipher suite, bit 4 offers and
 * accepts encrypt-then-MAC.  The harness writes the ClientHello and the
 * ServerHello and the key-log line for them, then each op seals a record
 * with the session keys (so mutations reach past the MAC and the padding
 * check) and may flip one byte of it.  Oracles: a record sealed and left
 * alone decrypts to exactly its plaintext; a flipped one never does.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "capsim/common.h"
#include "capsim/dtls_decrypt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DG_MAX 4096

enum kind {
	K_CBC,
	K_GCM,
	K_CHACHA
};

struct suite {
	uint16_t id;
	enum kind kind;
	size_t key_len, mac_len; /* mac_len: HMAC size for CBC */
	bool prf384;
};

static const struct suite suites[8] = {
	{ 0x002f, K_CBC, 16, 20, false },
	{ 0x0035, K_CBC, 32, 20, false },
	{ 0x003c, K_CBC, 16, 32, false },
	{ 0xc024, K_CBC, 32, 48, true },
	{ 0xc02b, K_GCM, 16, 0, false },
	{ 0xc030, K_GCM, 32, 0, true },
	{ 0xcca9, K_CHACHA, 32, 0, false },
	{ 0x009c, K_GCM, 16, 0, false },
};

struct keys {
	uint8_t mac[48], key[32], iv[12];
};

struct run {
	const struct suite *s;
	bool etm;
	struct keys k[2]; /* 0 client write, 1 server write */
	uint64_t seq[2];
	const uint8_t *want;
	size_t want_len;
	bool matched;
};

static const uint8_t cr[32] = { 0xc1, 0xc2, 0xc3, 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t sr[32] = { 0x51, 0x52, 0x53, 9, 8, 7, 6, 5, 4, 3, 2 };
static const uint8_t ms[48] = { 0x4d, 0x53, 1, 2, 3, 4, 5, 6, 7, 8, 9 };

static void
on_record(void *ctx, bool from_client, uint8_t type, uint16_t epoch,
    uint64_t seq, const uint8_t *plain, size_t len)
{
	struct run *rn = ctx;

	(void)from_client;
	(void)type;
	(void)epoch;
	(void)seq;
	if (rn != NULL && rn->want != NULL && len == rn->want_len &&
	    (len == 0 || memcmp(plain, rn->want, len) == 0))
		rn->matched = true;
}

static size_t
put_hdr(uint8_t *h, uint8_t type, uint16_t epoch, uint64_t seq, size_t len)
{
	uint64_t s = (uint64_t)epoch << 48 | seq;

	h[0] = type;
	h[1] = 0xfe; /* DTLS 1.2 */
	h[2] = 0xfd;
	for (int i = 0; i < 8; i++)
		h[3 + i] = (uint8_t)(s >> (56 - 8 * i));
	h[11] = (uint8_t)(len >> 8);
	h[12] = (uint8_t)len;
	return 13;
}

/* A whole handshake message in one epoch-0 record (RFC 6347 §4.2.2). */
static size_t
handshake(
    uint8_t *out, uint8_t msg, uint64_t seq, const uint8_t *body, size_t n)
{
	uint8_t *h = out + put_hdr(out, 22, 0, seq, 12 + n);

	h[0] = msg;
	h[1] = h[6] = h[9] = 0;
	h[2] = h[10] = (uint8_t)(n >> 8);
	h[3] = h[11] = (uint8_t)n;
	h[4] = h[5] = h[7] = h[8] = 0;
	memcpy(h + 12, body, n);
	return 13 + 12 + n;
}

static size_t
hello(uint8_t *out, bool server, const struct suite *s, bool etm)
{
	uint8_t b[128];
	size_t n = 0;

	b[n++] = 0xfe;
	b[n++] = 0xfd;
	memcpy(b + n, server ? sr : cr, 32);
	n += 32;
	b[n++] = 0; /* session_id */
	if (!server) {
		b[n++] = 0; /* cookie */
		b[n++] = 0;
		b[n++] = 2;
	}
	b[n++] = (uint8_t)(s->id >> 8);
	b[n++] = (uint8_t)s->id;
	if (!server)
		b[n++] = 1; /* compression_methods: null */
	b[n++] = 0;
	b[n++] = 0;
	b[n++] = etm ? 4 : 0;
	if (etm) {
		b[n++] = 0x00; /* encrypt_then_mac, RFC 7366 §2 */
		b[n++] = 0x16;
		b[n++] = 0;
		b[n++] = 0;
	}
	return handshake(out, server ? 2 : 1, 0, b, n);
}

static int
derive(struct run *rn)
{
	uint8_t seed[64], kb[2 * (48 + 32 + 12)];
	size_t ml = rn->s->kind == K_CBC ? rn->s->mac_len : 0;
	size_t kl = rn->s->key_len, o = 0;
	size_t il = rn->s->kind == K_GCM ? 4 : rn->s->kind == K_CHACHA ? 12 : 0;

	memcpy(seed, sr, 32);
	memcpy(seed + 32, cr, 32);
	if (cs_tls_prf(true, rn->s->prf384, ms, sizeof(ms), "key expansion",
	        seed, sizeof(seed), kb, 2 * (ml + kl + il)) < 0)
		return -1;
	for (int d = 0; d < 2; d++, o += ml)
		memcpy(rn->k[d].mac, kb + o, ml);
	for (int d = 0; d < 2; d++, o += kl)
		memcpy(rn->k[d].key, kb + o, kl);
	for (int d = 0; d < 2; d++, o += il)
		memcpy(rn->k[d].iv, kb + o, il);
	return 0;
}

static const EVP_MD *
md_of(size_t mac_len)
{
	return mac_len == 20 ? EVP_sha1()
	    : mac_len == 32  ? EVP_sha256()
	                     : EVP_sha384();
}

static const EVP_CIPHER *
cipher_of(const struct suite *s)
{
	if (s->kind == K_CHACHA)
		return EVP_chacha20_poly1305();
	if (s->kind == K_GCM)
		return s->key_len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
	return s->key_len == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
}

/* HMAC over the 13-byte pseudo header and the data. */
static bool
mac_over(size_t ml, const uint8_t *key, const uint8_t hdr[13], const uint8_t *d,
    size_t n, uint8_t *out)
{
	uint8_t buf[13 + DG_MAX];
	unsigned len = 0;

	if (n > DG_MAX)
		return false;
	memcpy(buf, hdr, 13);
	memcpy(buf + 13, d, n);
	return HMAC(md_of(ml), key, (int)ml, buf, 13 + n, out, &len) != NULL;
}

/* One protected record; returns its length or 0. */
static size_t
seal(struct run *rn, int dir, uint8_t type, const uint8_t *pt, size_t n,
    uint8_t *out)
{
	const struct keys *k = &rn->k[dir];
	const struct suite *s = rn->s;
	uint64_t seq = ++rn->seq[dir];
	uint8_t buf[DG_MAX], aad[13], nonce[12], mac[EVP_MAX_MD_SIZE];
	EVP_CIPHER_CTX *c;
	size_t len, at = 13;
	int ol = 0, ok;

	put_hdr(out, type, 1, seq, 0);
	memcpy(aad, out + 3, 8);
	memcpy(aad + 8, out, 3);
	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		return 0;
	if (s->kind != K_CBC) {
		aad[11] = (uint8_t)(n >> 8);
		aad[12] = (uint8_t)n;
		memcpy(nonce, k->iv, 12);
		if (s->kind == K_GCM) {
			memcpy(nonce + 4, out + 3, 8);
			memcpy(out + at, out + 3, 8);
			at += 8;
		} else {
			for (int i = 0; i < 8; i++)
				nonce[4 + i] ^= out[3 + i];
		}
		ok = EVP_EncryptInit_ex(c, cipher_of(s), NULL, NULL, NULL) &&
		    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) &&
		    EVP_EncryptInit_ex(c, NULL, NULL, k->key, nonce) &&
		    EVP_EncryptUpdate(c, NULL, &ol, aad, 13) &&
		    (n == 0 ||
		        EVP_EncryptUpdate(c, out + at, &ol, pt, (int)n)) &&
		    EVP_EncryptFinal_ex(c, out + at + n, &ol) &&
		    EVP_CIPHER_CTX_ctrl(
		        c, EVP_CTRL_AEAD_GET_TAG, 16, out + at + n);
		len = at - 13 + n + 16;
	} else {
		size_t ml = s->mac_len, body = rn->etm ? n : n + ml;
		size_t pad = 15 - body % 16, clen = body + pad + 1;

		memcpy(buf, pt, n);
		if (!rn->etm) {
			aad[11] = (uint8_t)(n >> 8);
			aad[12] = (uint8_t)n;
			if (!mac_over(ml, k->mac, aad, pt, n, mac))
				goto fail;
			memcpy(buf + n, mac, ml);
		}
		memset(buf + body, (int)pad, pad + 1);
		for (int i = 0; i < 16; i++)
			out[at + i] = (uint8_t)(seq + (uint64_t)i * 7);
		ok = EVP_EncryptInit_ex(
		         c, cipher_of(s), NULL, k->key, out + at) &&
		    EVP_CIPHER_CTX_set_padding(c, 0) &&
		    EVP_EncryptUpdate(c, out + at + 16, &ol, buf, (int)clen);
		len = 16 + clen;
		if (ok && rn->etm) {
			aad[11] = (uint8_t)(len >> 8);
			aad[12] = (uint8_t)len;
			ok = mac_over(ml, k->mac, aad, out + at, len, mac);
			memcpy(out + at + len, mac, ml);
			len += ml;
		}
	}
	EVP_CIPHER_CTX_free(c);
	if (!ok)
		return 0;
	out[11] = (uint8_t)(len >> 8);
	out[12] = (uint8_t)len;
	return 13 + len;
fail:
	EVP_CIPHER_CTX_free(c);
	return 0;
}

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

static void
raw_mode(struct cs_dtls_dec *d, const uint8_t *data, size_t size)
{
	struct cs_err err = { 0 };
	uint8_t hdr[3];

	while (take(&data, &size, hdr, sizeof(hdr))) {
		size_t n = (size_t)hdr[1] << 8 | hdr[2];

		if (n > size)
			n = size;
		(void)cs_dtls_dec_input(
		    d, hdr[0] & 1, data, n, hdr[0] & 2, on_record, NULL, &err);
		(void)cs_dtls_dec_opens(d, hdr[0] & 1, data, n, hdr[0] & 2);
		data += n;
		size -= n;
	}
}

/* Ops: a byte (bit 0 from the server, bit 1 flip a byte), the content
 * type, the flip position, a length, the plaintext. */
static void
built_mode(
    struct cs_dtls_dec *d, struct run *rn, const uint8_t *data, size_t size)
{
	struct cs_dtls_dec_stats st;
	uint8_t a[4], pt[1024], rec[DG_MAX];
	size_t len;

	len = hello(rec, false, rn->s, rn->etm);
	(void)cs_dtls_dec_input(d, true, rec, len, false, NULL, NULL, NULL);
	len = hello(rec, true, rn->s, rn->etm);
	(void)cs_dtls_dec_input(d, false, rec, len, false, NULL, NULL, NULL);
	if (derive(rn) < 0)
		return;
	for (unsigned ops = 0; ops < 32 && take(&data, &size, a, 4); ops++) {
		size_t n = a[3] < size ? a[3] : size;
		int dir = a[0] & 1;
		bool flip = (a[0] & 2) != 0, good;
		uint64_t before;

		(void)take(&data, &size, pt, n);
		if ((len = seal(rn, dir, a[1], pt, n, rec)) == 0)
			continue;
		if (flip)
			rec[13 + a[2] % (len - 13)] ^= (uint8_t)(a[3] | 1);
		cs_dtls_dec_stats(d, &st);
		before = st.decrypted;
		rn->want = pt;
		rn->want_len = n;
		rn->matched = false;
		(void)cs_dtls_dec_input(
		    d, dir == 0, rec, len, false, on_record, rn, NULL);
		cs_dtls_dec_stats(d, &st);
		/* content types 20..24 (RFC 6347 §4.1, RFC 6520); any other
		 * is a malformed record */
		good = !flip && a[1] >= 20 && a[1] <= 24;
		if (good && (st.decrypted != before + 1 || !rn->matched))
			abort(); /* a good record did not open to itself */
		if (!good && st.decrypted != before)
			abort(); /* a forged or malformed record opened */
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[14 + 64 + 1 + 96 + 1];
	struct cs_keylog *kl = NULL;
	struct cs_dtls_dec *d = NULL;
	struct cs_err err = { 0 };
	struct run rn;
	uint8_t mode, l[2];

	if (!take(&data, &size, &mode, 1) || cs_keylog_new(&kl) < 0)
		return 0;
	if (mode & 1) {
		memset(&rn, 0, sizeof(rn));
		rn.s = &suites[(mode >> 1) & 7];
		rn.etm = (mode & 0x10) != 0 && rn.s->kind == K_CBC;
		memcpy(line, "CLIENT_RANDOM ", 14);
		for (int i = 0; i < 32; i++)
			snprintf(line + 14 + 2 * i, 3, "%02x", cr[i]);
		line[14 + 64] = ' ';
		for (int i = 0; i < 48; i++)
			snprintf(line + 14 + 65 + 2 * i, 3, "%02X", ms[i]);
		if (cs_keylog_add_text(kl, line, strlen(line), &err) != 1)
			abort();
	} else if (take(&data, &size, l, 2)) {
		size_t n = (size_t)l[0] << 8 | l[1];

		if (n > size)
			n = size;
		if (cs_keylog_add_text(kl, (const char *)data, n, &err) < 0 &&
		    (err.what == NULL || err.offset > n))
			abort(); /* an error must say where and why */
		data += n;
		size -= n;
	}
	if (cs_dtls_dec_new(&d, kl) == 0) {
		if (mode & 1)
			built_mode(d, &rn, data, size);
		else
			raw_mode(d, data, size);
		cs_dtls_dec_free(d);
	}
	cs_keylog_free(kl);
	return 0;
}
