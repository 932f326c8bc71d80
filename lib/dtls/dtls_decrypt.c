/* SPDX-License-Identifier: MIT */
/*
 * Passive DTLS decryption from an NSS key log.  Record layer: RFC 6347
 * §4.1 (DTLS 1.2), RFC 4347 §4.1 (1.0).  Hello fields: RFC 5246 §7.4.1.2
 * and §7.4.1.3 with the DTLS handshake header of RFC 6347 §4.2.2.  Key
 * block: RFC 5246 §6.3 (client MAC, server MAC, client key, server key,
 * client IV, server IV).  Record protection: RFC 5288 §3 (AES-GCM, 4-byte
 * salt + 8-byte explicit nonce), RFC 7905 §2 (ChaCha20-Poly1305, nonce =
 * IV xor sequence), RFC 5246 §6.2.3.2 (CBC: explicit IV, MAC-then-encrypt)
 * and RFC 7366 §3 (Encrypt-then-MAC).  The MAC/AAD sequence number is the
 * DTLS epoch || 48-bit sequence (RFC 6347 §4.1.2.1).
 */
#include "capsim/dtls_decrypt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/x509.h>

#include "capsim/cursor.h"
#include "capsim/values.h"

#define DTLS_V10        0xfeffu
#define DTLS_V12        0xfefdu
#define CT_CCS          20
#define CT_ALERT        21
#define CT_HANDSHAKE    22
#define CT_APPDATA      23
#define CT_HEARTBEAT    24
#define HS_CLIENT_HELLO 1
#define HS_SERVER_HELLO 2
#define HS_CERTIFICATE  11
#define MAX_CERT_MSG    65536
#define EXT_ETM         0x0016u /* RFC 7366 */
#define REC_HDR         13
#define HS_HDR          12
#define MAX_FRAGMENT    (16384 + 2048)
#define EPOCHS          4 /* key sets kept (epoch mod EPOCHS) */

/* ---- key log ------------------------------------------------------- */

struct kl_ent {
	uint8_t cr[CS_TLS_RANDOM_LEN];
	uint8_t ms[CS_TLS_MASTER_LEN];
};

struct cs_keylog {
	struct kl_ent *e;
	size_t n, cap;
	uint32_t *idx;  /* open addressing: entry index + 1, 0 = empty */
	size_t idx_cap; /* power of two, >= 2 * cap */
};

int
cs_keylog_new(struct cs_keylog **ret)
{
	if (ret == NULL)
		return -EINVAL;
	*ret = calloc(1, sizeof(**ret));
	return *ret == NULL ? -ENOMEM : 0;
}

void
cs_keylog_free(struct cs_keylog *kl)
{
	if (kl == NULL)
		return;
	if (kl->e != NULL)
		OPENSSL_cleanse(kl->e, kl->cap * sizeof(*kl->e));
	free(kl->e);
	free(kl->idx);
	free(kl);
}

size_t
cs_keylog_count(const struct cs_keylog *kl)
{
	return kl == NULL ? 0 : kl->n;
}

static size_t
kl_hash(const uint8_t *cr, size_t mask)
{
	uint64_t h = 0;

	/* The random is random (RFC 5246 §7.4.1.2; the first 4 bytes may
	 * be a time), so its last 8 bytes make a fine hash. */
	for (unsigned i = 24; i < 32; i++)
		h = h << 8 | cr[i];
	return (size_t)(h ^ (h >> 29)) & mask;
}

static long
kl_lookup(const struct cs_keylog *kl, const uint8_t *cr)
{
	size_t mask, i;

	if (kl == NULL || kl->idx_cap == 0)
		return -1;
	mask = kl->idx_cap - 1;
	for (i = kl_hash(cr, mask); kl->idx[i] != 0; i = (i + 1) & mask)
		if (memcmp(kl->e[kl->idx[i] - 1].cr, cr, CS_TLS_RANDOM_LEN) ==
		    0)
			return (long)kl->idx[i] - 1;
	return -1;
}

static int
kl_grow(struct cs_keylog *kl)
{
	size_t ncap = kl->cap == 0 ? 16 : kl->cap * 2, icap = ncap * 2;
	struct kl_ent *ne;
	uint32_t *ni;

	if (ncap > UINT32_MAX / 4)
		return -ENOMEM;
	ne = calloc(ncap, sizeof(*ne));
	ni = calloc(icap, sizeof(*ni));
	if (ne == NULL || ni == NULL) {
		free(ne);
		free(ni);
		return -ENOMEM;
	}
	if (kl->n > 0)
		memcpy(ne, kl->e, kl->n * sizeof(*ne));
	for (size_t k = 0; k < kl->n; k++) {
		size_t i = kl_hash(ne[k].cr, icap - 1);

		while (ni[i] != 0)
			i = (i + 1) & (icap - 1);
		ni[i] = (uint32_t)k + 1;
	}
	if (kl->e != NULL)
		OPENSSL_cleanse(kl->e, kl->cap * sizeof(*kl->e));
	free(kl->e);
	free(kl->idx);
	kl->e = ne;
	kl->idx = ni;
	kl->cap = ncap;
	kl->idx_cap = icap;
	return 0;
}

/* Exactly 2*n hex digits at s (len bytes available) -> out. */
static bool
unhex(const char *s, size_t len, uint8_t *out, size_t n)
{
	size_t got;

	return len == 2 * n && cs_val_hex(s, len, 0, out, n, &got, NULL) == 0;
}

/* Splits off the next space-separated field of [*p, end). */
static size_t
field(const char **p, const char *end, const char **start)
{
	const char *s = *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	*start = s;
	while (s < end && *s != ' ' && *s != '\t')
		s++;
	*p = s;
	return (size_t)(s - *start);
}

int
cs_keylog_add_text(
    struct cs_keylog *kl, const char *text, size_t len, struct cs_err *err)
{
	static const char label[] = "CLIENT_RANDOM";
	const char *p = text, *end = text + len;
	int added = 0;

	if (kl == NULL || (text == NULL && len > 0))
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol != NULL ? eol : end, *f, *q = p;
		size_t line_at = (size_t)(p - text), fl;
		struct kl_ent ent;
		int r;

		if (le > p && le[-1] == '\r')
			le--;
		fl = field(&q, le, &f);
		if (fl == sizeof(label) - 1 && memcmp(f, label, fl) == 0) {
			fl = field(&q, le, &f);
			if (!unhex(f, fl, ent.cr, sizeof(ent.cr)))
				return cs_err_set(err, -EBADMSG,
				    "key log: client random is not 64 hex "
				    "digits",
				    line_at);
			fl = field(&q, le, &f);
			if (!unhex(f, fl, ent.ms, sizeof(ent.ms))) {
				OPENSSL_cleanse(&ent, sizeof(ent));
				return cs_err_set(err, -EBADMSG,
				    "key log: master secret is not 96 hex "
				    "digits",
				    line_at);
			}
			fl = field(&q, le, &f);
			if (fl != 0) {
				OPENSSL_cleanse(&ent, sizeof(ent));
				return cs_err_set(err, -EBADMSG,
				    "key log: trailing text after the master "
				    "secret",
				    line_at);
			}
			if (kl_lookup(kl, ent.cr) < 0) {
				size_t i;

				if (kl->n == kl->cap && (r = kl_grow(kl)) < 0) {
					OPENSSL_cleanse(&ent, sizeof(ent));
					return r;
				}
				kl->e[kl->n] = ent;
				i = kl_hash(ent.cr, kl->idx_cap - 1);
				while (kl->idx[i] != 0)
					i = (i + 1) & (kl->idx_cap - 1);
				kl->idx[i] = (uint32_t)++kl->n;
				added++;
			}
			OPENSSL_cleanse(&ent, sizeof(ent));
		}
		p = eol != NULL ? eol + 1 : end;
	}
	return added;
}

int
cs_keylog_find(const struct cs_keylog *kl,
    const uint8_t client_random[CS_TLS_RANDOM_LEN],
    uint8_t master[CS_TLS_MASTER_LEN])
{
	long i;

	if (client_random == NULL || master == NULL)
		return -EINVAL;
	i = kl_lookup(kl, client_random);
	if (i < 0)
		return -ENOENT;
	memcpy(master, kl->e[i].ms, CS_TLS_MASTER_LEN);
	return 0;
}

/* ---- cipher suites ------------------------------------------------- */

enum aead {
	A_GCM,
	A_CHACHA,
	A_CBC
};
enum mac {
	M_NONE,
	M_SHA1,
	M_SHA256,
	M_SHA384
};

struct suite {
	uint16_t id;
	const char *name;
	enum aead kind;
	uint8_t key_len;
	enum mac mac;
	bool prf384; /* TLS 1.2 PRF with SHA-384 */
};

#define GCM(id, n, k, p)                                                       \
	{                                                                      \
		id, n, A_GCM, k, M_NONE, p                                     \
	}
#define CBC(id, n, k, m, p)                                                    \
	{                                                                      \
		id, n, A_CBC, k, m, p                                          \
	}
#define CHA(id, n)                                                             \
	{                                                                      \
		id, n, A_CHACHA, 32, M_NONE, false                             \
	}

/* IANA TLS Cipher Suites registry; RSA, DHE and ECDHE key exchange (the
 * exchange does not matter once the master secret is known). */
static const struct suite suites[] = {
	CBC(0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", 16, M_SHA1, false),
	CBC(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", 16, M_SHA1, false),
	CBC(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", 32, M_SHA1, false),
	CBC(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", 32, M_SHA1, false),
	CBC(0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", 16, M_SHA256, false),
	CBC(0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", 32, M_SHA256, false),
	CBC(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", 16, M_SHA256, false),
	CBC(0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", 32, M_SHA256, false),
	GCM(0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", 16, false),
	GCM(0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", 32, true),
	GCM(0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 16, false),
	GCM(0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", 32, true),
	CBC(0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", 16, M_SHA1, false),
	CBC(0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", 32, M_SHA1, false),
	CBC(0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 16, M_SHA1, false),
	CBC(0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", 32, M_SHA1, false),
	CBC(0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", 16, M_SHA256,
	    false),
	CBC(0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", 32, M_SHA384,
	    true),
	CBC(0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 16, M_SHA256,
	    false),
	CBC(0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", 32, M_SHA384,
	    true),
	GCM(0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 16, false),
	GCM(0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 32, true),
	GCM(0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 16, false),
	GCM(0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 32, true),
	CHA(0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
	CHA(0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
	CHA(0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
};

static const struct suite *
suite_find(uint16_t id)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(suites); i++)
		if (suites[i].id == id)
			return &suites[i];
	return NULL;
}

const char *
cs_dtls_dec_suite_name(uint16_t suite)
{
	const struct suite *s = suite_find(suite);

	return s != NULL ? s->name : NULL;
}

static size_t
mac_len(enum mac m)
{
	return m == M_SHA1 ? 20 : m == M_SHA256 ? 32 : m == M_SHA384 ? 48 : 0;
}

static const EVP_MD *
mac_md(enum mac m)
{
	return m == M_SHA1  ? EVP_sha1()
	    : m == M_SHA256 ? EVP_sha256()
	                    : EVP_sha384();
}

/* Fixed IV bytes from the key block: 4 (GCM salt), 12 (ChaCha), 0 (CBC
 * with explicit IVs since TLS 1.1). */
static size_t
iv_len(enum aead k)
{
	return k == A_GCM ? 4 : k == A_CHACHA ? 12 : 0;
}

int
cs_tls_prf(bool tls12, bool sha384, const uint8_t *secret, size_t secret_len,
    const char *label, const uint8_t *seed, size_t seed_len, uint8_t *out,
    size_t out_len)
{
	EVP_KDF *kdf;
	EVP_KDF_CTX *kctx;
	OSSL_PARAM p[5];
	char digest[16];
	int ok;

	if (secret == NULL || label == NULL || (seed == NULL && seed_len) ||
	    out == NULL)
		return -EINVAL;
	strcpy(digest, !tls12 ? "MD5-SHA1" : sha384 ? "SHA384" : "SHA256");
	kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
	if (kdf == NULL)
		return -EIO;
	kctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (kctx == NULL)
		return -EIO;
	/* The label is the first part of the seed (RFC 5246 §5); the KDF
	 * concatenates repeated seed parameters. */
	p[0] =
	    OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
	p[1] = OSSL_PARAM_construct_octet_string(
	    OSSL_KDF_PARAM_SECRET, (void *)(uintptr_t)secret, secret_len);
	p[2] = OSSL_PARAM_construct_octet_string(
	    OSSL_KDF_PARAM_SEED, (void *)(uintptr_t)label, strlen(label));
	p[3] = OSSL_PARAM_construct_octet_string(
	    OSSL_KDF_PARAM_SEED, (void *)(uintptr_t)seed, seed_len);
	p[4] = OSSL_PARAM_construct_end();
	ok = EVP_KDF_derive(kctx, out, out_len, p) == 1;
	EVP_KDF_CTX_free(kctx);
	return ok ? 0 : -EIO;
}

/* ---- the association ---------------------------------------------- */

/* Keys of one side. */
struct dir_keys {
	uint8_t mac[48];
	uint8_t key[32];
	uint8_t iv[12];
};

/* What a handshake negotiated, and the keys once derived. */
struct keyset {
	bool used;  /* hello info present for this epoch */
	bool keyed; /* keys derived */
	uint16_t epoch;
	uint16_t version;
	const struct suite *s;
	bool etm;
	uint8_t cr[CS_TLS_RANDOM_LEN], sr[CS_TLS_RANDOM_LEN];
	struct dir_keys k[2]; /* [0] client write, [1] server write */
};

struct cs_dtls_dec {
	const struct cs_keylog *keys;
	/* hello being collected, applies to epoch hs_epoch */
	bool have_cr;
	uint8_t cr[CS_TLS_RANDOM_LEN];
	struct keyset ks[EPOCHS];
	/* the server's clear Certificate message, reassembled */
	uint8_t *cert;
	uint32_t cert_len, cert_have;
	uint16_t cert_seq;
	bool cert_busy, cert_done;
	int64_t cert_nb, cert_na;
	struct cs_dtls_dec_stats st;
	uint8_t plain[MAX_FRAGMENT];
};

int
cs_dtls_dec_new(struct cs_dtls_dec **ret, const struct cs_keylog *keys)
{
	struct cs_dtls_dec *d;

	if (ret == NULL)
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return -ENOMEM;
	d->keys = keys;
	d->st.state = CS_DTLS_DEC_CLEAR;
	*ret = d;
	return 0;
}

void
cs_dtls_dec_free(struct cs_dtls_dec *d)
{
	if (d == NULL)
		return;
	free(d->cert);
	OPENSSL_cleanse(d, sizeof(*d));
	free(d);
}

void
cs_dtls_dec_stats(const struct cs_dtls_dec *d, struct cs_dtls_dec_stats *out)
{
	if (out == NULL)
		return;
	if (d == NULL)
		memset(out, 0, sizeof(*out));
	else
		*out = d->st;
}

const char *
cs_dtls_dec_state_name(enum cs_dtls_dec_state s)
{
	switch (s) {
	case CS_DTLS_DEC_CLEAR:
		return "clear";
	case CS_DTLS_DEC_OK:
		return "ok";
	case CS_DTLS_DEC_NO_HELLO:
		return "no-hello";
	case CS_DTLS_DEC_NO_KEY:
		return "no-key";
	case CS_DTLS_DEC_UNSUPPORTED:
		return "unsupported";
	}
	return "unknown";
}

/* Forgets every epoch: a new association on the same addresses. */
static void
dec_reset(struct cs_dtls_dec *d)
{
	OPENSSL_cleanse(d->ks, sizeof(d->ks));
	/* the last complete certificate stays known (cert_done) */
	free(d->cert);
	d->cert = NULL;
	d->cert_busy = false;
	d->st.state = CS_DTLS_DEC_CLEAR;
	d->st.version = 0;
	d->st.suite = 0;
	d->st.etm = false;
}

/* Reads the extensions of a ServerHello: is encrypt_then_mac there? */
static bool
has_etm(struct cs_rd *rd)
{
	uint16_t total, type, len;
	struct cs_rd ext;

	if (cs_rd_u16(rd, &total) < 0 || cs_rd_sub(rd, total, &ext) < 0)
		return false;
	while (cs_rd_u16(&ext, &type) == 0 && cs_rd_u16(&ext, &len) == 0 &&
	    cs_rd_skip(&ext, len) == 0)
		if (type == EXT_ETM)
			return true;
	return false;
}

/* A complete or first-fragment ClientHello / ServerHello body, read from
 * epoch @p epoch: the keys it sets up are for epoch + 1. */
static void
hello(struct cs_dtls_dec *d, uint8_t type, uint16_t epoch, struct cs_rd *body,
    bool whole)
{
	uint16_t ver, suite;
	uint8_t rnd[CS_TLS_RANDOM_LEN], sid_len, comp;
	struct keyset *ks;

	if (cs_rd_u16(body, &ver) < 0 || cs_rd_bytes(body, rnd, 32) < 0)
		return;
	if (type == HS_CLIENT_HELLO) {
		/* A new random in the clear starts a new association; the
		 * second ClientHello of the cookie exchange repeats it
		 * (RFC 6347 §4.2.1). */
		if (epoch == 0 && (!d->have_cr || memcmp(d->cr, rnd, 32) != 0))
			dec_reset(d);
		memcpy(d->cr, rnd, 32);
		d->have_cr = true;
		return;
	}
	/* ServerHello: it must be whole to see every extension. */
	if (!whole || cs_rd_u8(body, &sid_len) < 0 ||
	    cs_rd_skip(body, sid_len) < 0 || cs_rd_u16(body, &suite) < 0 ||
	    cs_rd_u8(body, &comp) < 0 || !d->have_cr)
		return;
	if (epoch == UINT16_MAX)
		return;
	ks = &d->ks[(epoch + 1) % EPOCHS];
	OPENSSL_cleanse(ks, sizeof(*ks));
	ks->used = true;
	ks->epoch = (uint16_t)(epoch + 1);
	ks->version = ver;
	ks->s = suite_find(suite);
	ks->etm = body->left > 0 && has_etm(body);
	memcpy(ks->cr, d->cr, 32);
	memcpy(ks->sr, rnd, 32);
	d->st.handshakes++;
	d->st.version = ver;
	d->st.suite = suite;
	d->st.etm = ks->etm;
}

/* Walks handshake messages of a record (clear or decrypted). */
/* ASN1_TIME to Unix seconds; false when it does not convert. */
static bool
asn1_unix(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return false;
	*out = (int64_t)timegm(&tm);
	return true;
}

/* The first certificate of a complete Certificate message (RFC 5246
 * §7.4.2: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>). */
static void
cert_parse(struct cs_dtls_dec *d)
{
	struct cs_rd rd;
	uint32_t list, one;
	const uint8_t *der;
	X509 *x;

	cs_rd_init(&rd, d->cert, d->cert_len);
	if (cs_rd_u24(&rd, &list) < 0 || cs_rd_u24(&rd, &one) < 0 ||
	    cs_rd_view(&rd, one, &der) < 0)
		return;
	x = d2i_X509(NULL, &der, (long)one);
	if (x == NULL)
		return;
	if (asn1_unix(X509_get0_notBefore(x), &d->cert_nb) &&
	    asn1_unix(X509_get0_notAfter(x), &d->cert_na))
		d->cert_done = true;
	X509_free(x);
}

/* One fragment of the server's Certificate message (RFC 6347 §4.2.3):
 * contiguous fragments are reassembled (retransmitted ones overwrite the
 * same bytes); anything else starts over. */
static void
cert_fragment(struct cs_dtls_dec *d, uint16_t mseq, uint32_t mlen,
    uint32_t foff, const uint8_t *p, uint32_t flen)
{
	if (mlen == 0 || mlen > MAX_CERT_MSG || (uint64_t)foff + flen > mlen)
		return;
	if (!d->cert_busy || d->cert_seq != mseq || d->cert_len != mlen) {
		uint8_t *nb = realloc(d->cert, mlen);

		if (nb == NULL)
			return;
		d->cert = nb;
		d->cert_busy = true;
		d->cert_seq = mseq;
		d->cert_len = mlen;
		d->cert_have = 0;
	}
	if (foff > d->cert_have)
		return; /* a gap: wait for the retransmission */
	memcpy(d->cert + foff, p, flen);
	if (foff + flen > d->cert_have)
		d->cert_have = foff + flen;
	if (d->cert_have == d->cert_len) {
		cert_parse(d);
		d->cert_busy = false;
	}
}

int
cs_dtls_dec_server_cert_validity(
    const struct cs_dtls_dec *d, int64_t *not_before, int64_t *not_after)
{
	if (d == NULL || not_before == NULL || not_after == NULL)
		return -EINVAL;
	if (!d->cert_done)
		return -ENOENT;
	*not_before = d->cert_nb;
	*not_after = d->cert_na;
	return 0;
}

static void
handshake(struct cs_dtls_dec *d, bool from_client, uint16_t epoch,
    const uint8_t *p, size_t len)
{
	struct cs_rd rd;

	cs_rd_init(&rd, p, len);
	while (rd.left >= HS_HDR) {
		uint8_t type;
		uint32_t mlen, foff, flen;
		uint16_t mseq;
		struct cs_rd body;

		(void)cs_rd_u8(&rd, &type);
		(void)cs_rd_u24(&rd, &mlen);
		(void)cs_rd_u16(&rd, &mseq);
		(void)cs_rd_u24(&rd, &foff);
		(void)cs_rd_u24(&rd, &flen);
		if (cs_rd_sub(&rd, flen, &body) < 0)
			return;
		if ((type == HS_CLIENT_HELLO || type == HS_SERVER_HELLO) &&
		    foff == 0)
			hello(d, type, epoch, &body, flen == mlen);
		if (type == HS_CERTIFICATE && !from_client && epoch == 0)
			cert_fragment(d, mseq, mlen, foff, body.p, flen);
	}
}

/* Derives the keys of @p ks when its master secret is known. */
static enum cs_dtls_dec_state
derive(struct cs_dtls_dec *d, struct keyset *ks)
{
	uint8_t ms[CS_TLS_MASTER_LEN], seed[64], kb[2 * 48 + 2 * 32 + 2 * 12];
	size_t ml, kl, il, need;
	bool tls12;

	if (ks->keyed)
		return CS_DTLS_DEC_OK;
	if (ks->s == NULL ||
	    (ks->version != DTLS_V12 && ks->version != DTLS_V10) ||
	    (ks->version == DTLS_V10 && ks->s->kind != A_CBC))
		return CS_DTLS_DEC_UNSUPPORTED;
	if (cs_keylog_find(d->keys, ks->cr, ms) < 0)
		return CS_DTLS_DEC_NO_KEY;
	tls12 = ks->version == DTLS_V12;
	/* RFC 5246 §6.3: seed = server_random + client_random. */
	memcpy(seed, ks->sr, 32);
	memcpy(seed + 32, ks->cr, 32);
	ml = ks->s->kind == A_CBC ? mac_len(ks->s->mac) : 0;
	kl = ks->s->key_len;
	il = iv_len(ks->s->kind);
	need = 2 * (ml + kl + il);
	if (cs_tls_prf(tls12, ks->s->prf384, ms, sizeof(ms), "key expansion",
	        seed, sizeof(seed), kb, need) < 0) {
		OPENSSL_cleanse(ms, sizeof(ms));
		return CS_DTLS_DEC_UNSUPPORTED;
	}
	memcpy(ks->k[0].mac, kb, ml);
	memcpy(ks->k[1].mac, kb + ml, ml);
	memcpy(ks->k[0].key, kb + 2 * ml, kl);
	memcpy(ks->k[1].key, kb + 2 * ml + kl, kl);
	memcpy(ks->k[0].iv, kb + 2 * ml + 2 * kl, il);
	memcpy(ks->k[1].iv, kb + 2 * ml + 2 * kl + il, il);
	OPENSSL_cleanse(ms, sizeof(ms));
	OPENSSL_cleanse(kb, sizeof(kb));
	ks->keyed = true;
	return CS_DTLS_DEC_OK;
}

static const EVP_CIPHER *
cipher(const struct suite *s)
{
	if (s->kind == A_CHACHA)
		return EVP_chacha20_poly1305();
	if (s->kind == A_GCM)
		return s->key_len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
	return s->key_len == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
}

/* seq_num(8) || type || version || length: the AAD / MAC header. */
static void
pseudo_hdr(uint8_t h[13], uint16_t epoch, uint64_t seq, uint8_t type,
    uint16_t ver, size_t len)
{
	uint64_t s = (uint64_t)epoch << 48 | seq;

	for (int i = 0; i < 8; i++)
		h[i] = (uint8_t)(s >> (56 - 8 * i));
	h[8] = type;
	h[9] = (uint8_t)(ver >> 8);
	h[10] = (uint8_t)ver;
	h[11] = (uint8_t)(len >> 8);
	h[12] = (uint8_t)len;
}

/* AEAD open: -1 on failure, else plaintext length. */
static long
open_aead(const struct keyset *ks, const struct dir_keys *k, uint16_t epoch,
    uint64_t seq, uint8_t type, uint16_t ver, const uint8_t *f, size_t flen,
    uint8_t *out)
{
	uint8_t nonce[12], aad[13], tag[16];
	size_t explicit_len = ks->s->kind == A_GCM ? 8 : 0, ct_len;
	EVP_CIPHER_CTX *c;
	int n = 0, n2 = 0, ok;

	if (flen < explicit_len + 16)
		return -1;
	ct_len = flen - explicit_len - 16;
	if (ks->s->kind == A_GCM) {
		memcpy(nonce, k->iv, 4);
		memcpy(nonce + 4, f, 8);
	} else {
		uint64_t s = (uint64_t)epoch << 48 | seq;

		memcpy(nonce, k->iv, 12);
		for (int i = 0; i < 8; i++)
			nonce[4 + i] ^= (uint8_t)(s >> (56 - 8 * i));
	}
	pseudo_hdr(aad, epoch, seq, type, ver, ct_len);
	memcpy(tag, f + flen - 16, 16);
	c = EVP_CIPHER_CTX_new();
	if (c == NULL)
		return -1;
	ok = EVP_DecryptInit_ex(c, cipher(ks->s), NULL, NULL, NULL) == 1 &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) == 1 &&
	    EVP_DecryptInit_ex(c, NULL, NULL, k->key, nonce) == 1 &&
	    EVP_DecryptUpdate(c, NULL, &n, aad, sizeof(aad)) == 1 &&
	    EVP_DecryptUpdate(c, out, &n, f + explicit_len, (int)ct_len) == 1 &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, tag) == 1 &&
	    EVP_DecryptFinal_ex(c, out + n, &n2) == 1;
	EVP_CIPHER_CTX_free(c);
	return ok ? (long)ct_len : -1;
}

static bool
hmac_ok(const struct keyset *ks, const struct dir_keys *k, const uint8_t *hdr,
    const uint8_t *data, size_t len, const uint8_t *mac)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdl = 0;
	size_t ml = mac_len(ks->s->mac);
	bool ok;

	{
		EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
		EVP_MAC_CTX *mc = m != NULL ? EVP_MAC_CTX_new(m) : NULL;
		OSSL_PARAM p[2];
		size_t outl = 0;

		p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		    (char *)(uintptr_t)EVP_MD_get0_name(mac_md(ks->s->mac)), 0);
		p[1] = OSSL_PARAM_construct_end();
		ok = mc != NULL && EVP_MAC_init(mc, k->mac, ml, p) == 1 &&
		    EVP_MAC_update(mc, hdr, 13) == 1 &&
		    EVP_MAC_update(mc, data, len) == 1 &&
		    EVP_MAC_final(mc, md, &outl, sizeof(md)) == 1 && outl == ml;
		EVP_MAC_CTX_free(mc);
		EVP_MAC_free(m);
		mdl = (unsigned)outl;
	}
	return ok && mdl == ml && CRYPTO_memcmp(md, mac, ml) == 0;
}

/* CBC open (RFC 5246 §6.2.3.2, RFC 7366): -1 on failure. */
static long
open_cbc(const struct keyset *ks, const struct dir_keys *k, uint16_t epoch,
    uint64_t seq, uint8_t type, uint16_t ver, const uint8_t *f, size_t flen,
    uint8_t *out)
{
	size_t ml = mac_len(ks->s->mac), ct_len, pt_len;
	uint8_t hdr[13];
	EVP_CIPHER_CTX *c;
	int n = 0, n2 = 0, ok;
	uint8_t pad;

	if (ks->etm) {
		if (flen < 16 + 16 + ml)
			return -1;
		ct_len = flen - 16 - ml;
		pseudo_hdr(hdr, epoch, seq, type, ver, flen - ml);
		if (!hmac_ok(ks, k, hdr, f, flen - ml, f + flen - ml))
			return -1;
	} else {
		if (flen < 16 + 16)
			return -1;
		ct_len = flen - 16;
	}
	if (ct_len == 0 || ct_len % 16 != 0)
		return -1;
	c = EVP_CIPHER_CTX_new();
	if (c == NULL)
		return -1;
	ok = EVP_DecryptInit_ex(c, cipher(ks->s), NULL, k->key, f) == 1 &&
	    EVP_CIPHER_CTX_set_padding(c, 0) == 1 &&
	    EVP_DecryptUpdate(c, out, &n, f + 16, (int)ct_len) == 1 &&
	    EVP_DecryptFinal_ex(c, out + n, &n2) == 1;
	EVP_CIPHER_CTX_free(c);
	if (!ok)
		return -1;
	pad = out[ct_len - 1];
	if ((size_t)pad + 1 > ct_len)
		return -1;
	for (size_t i = ct_len - 1 - pad; i < ct_len; i++)
		if (out[i] != pad)
			return -1;
	pt_len = ct_len - pad - 1;
	if (ks->etm)
		return (long)pt_len;
	if (pt_len < ml)
		return -1;
	pt_len -= ml;
	pseudo_hdr(hdr, epoch, seq, type, ver, pt_len);
	if (!hmac_ok(ks, k, hdr, out, pt_len, out + pt_len))
		return -1;
	return (long)pt_len;
}

int
cs_dtls_dec_input(struct cs_dtls_dec *d, bool from_client, const uint8_t *dgram,
    size_t len, bool capwap, cs_dtls_dec_fn *cb, void *cb_ctx,
    struct cs_err *err)
{
	struct cs_rd rd;
	int opened = 0;

	if (d == NULL || (dgram == NULL && len > 0))
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	cs_rd_init(&rd, dgram, len);
	if (capwap) {
		uint8_t pre;

		/* RFC 5415 §4.2: version 0, type 1; the reserved bits are
		 * ignored by receivers. */
		if (cs_rd_u8(&rd, &pre) < 0 || pre != 0x01 ||
		    cs_rd_skip(&rd, 3) < 0)
			return cs_err_set(err, -EBADMSG,
			    "not a CAPWAP DTLS header (RFC 5415 4.2)", 0);
	}
	while (rd.left > 0) {
		size_t at = cs_rd_off(&rd);
		uint8_t type;
		uint16_t ver, epoch, flen;
		uint64_t seq;
		const uint8_t *frag;
		struct keyset *ks;
		enum cs_dtls_dec_state st;
		long n;

		if (rd.left < REC_HDR)
			return cs_err_set(
			    err, -EBADMSG, "DTLS record header truncated", at);
		(void)cs_rd_u8(&rd, &type);
		(void)cs_rd_u16(&rd, &ver);
		(void)cs_rd_u16(&rd, &epoch);
		(void)cs_rd_u48(&rd, &seq);
		(void)cs_rd_u16(&rd, &flen);
		if (type < CT_CCS || type > CT_HEARTBEAT)
			return cs_err_set(err, -EBADMSG,
			    "DTLS record content type unknown", at);
		if (ver != DTLS_V10 && ver != DTLS_V12)
			return cs_err_set(err, -EBADMSG,
			    "DTLS record version unknown", at + 1);
		if (flen > MAX_FRAGMENT || cs_rd_view(&rd, flen, &frag) < 0)
			return cs_err_set(err, -EBADMSG,
			    "DTLS record length beyond the datagram", at + 11);
		if (epoch == 0) {
			if (type == CT_HANDSHAKE)
				handshake(d, from_client, 0, frag, flen);
			continue;
		}
		d->st.records++;
		ks = &d->ks[epoch % EPOCHS];
		if (!ks->used || ks->epoch != epoch) {
			d->st.undecryptable++;
			if (d->st.state == CS_DTLS_DEC_CLEAR)
				d->st.state = CS_DTLS_DEC_NO_HELLO;
			continue;
		}
		st = derive(d, ks);
		if (st != CS_DTLS_DEC_OK) {
			d->st.undecryptable++;
			d->st.state = st;
			continue;
		}
		d->st.state = CS_DTLS_DEC_OK;
		if (ks->s->kind == A_CBC)
			n = open_cbc(ks, &ks->k[from_client ? 0 : 1], epoch,
			    seq, type, ver, frag, flen, d->plain);
		else
			n = open_aead(ks, &ks->k[from_client ? 0 : 1], epoch,
			    seq, type, ver, frag, flen, d->plain);
		if (n < 0) {
			d->st.failed++;
			continue;
		}
		d->st.decrypted++;
		opened++;
		if (type == CT_HANDSHAKE)
			handshake(d, from_client, epoch, d->plain, (size_t)n);
		if (cb != NULL)
			cb(cb_ctx, from_client, type, epoch, seq, d->plain,
			    (size_t)n);
	}
	return opened;
}

bool
cs_dtls_dec_opens(struct cs_dtls_dec *d, bool from_client, const uint8_t *dgram,
    size_t len, bool capwap)
{
	struct cs_rd rd;

	if (d == NULL || dgram == NULL)
		return false;
	cs_rd_init(&rd, dgram, len);
	if (capwap && cs_rd_skip(&rd, 4) < 0)
		return false;
	while (rd.left >= REC_HDR) {
		uint8_t type;
		uint16_t ver, epoch, flen;
		uint64_t seq;
		const uint8_t *frag;
		struct keyset *ks;
		long n;

		(void)cs_rd_u8(&rd, &type);
		(void)cs_rd_u16(&rd, &ver);
		(void)cs_rd_u16(&rd, &epoch);
		(void)cs_rd_u48(&rd, &seq);
		(void)cs_rd_u16(&rd, &flen);
		if (flen > MAX_FRAGMENT || cs_rd_view(&rd, flen, &frag) < 0)
			return false;
		if (epoch == 0)
			continue;
		ks = &d->ks[epoch % EPOCHS];
		if (!ks->used || ks->epoch != epoch ||
		    derive(d, ks) != CS_DTLS_DEC_OK)
			return false;
		if (ks->s->kind == A_CBC)
			n = open_cbc(ks, &ks->k[from_client ? 0 : 1], epoch,
			    seq, type, ver, frag, flen, d->plain);
		else
			n = open_aead(ks, &ks->k[from_client ? 0 : 1], epoch,
			    seq, type, ver, frag, flen, d->plain);
		return n >= 0;
	}
	return false;
}
