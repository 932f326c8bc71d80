/* SPDX-License-Identifier: MIT */
/*
 * WPA2-PSK key hierarchy on top of OpenSSL (IEEE 802.11-2016 §12.7.1).
 * The constructions here (PRF, KDF, the PTK's input order) are the
 * standard's arrangement of HMAC calls; the primitives are OpenSSL's.
 * Like lib/dtls/, this file is allowed OpenSSL headers: DESIGN.md puts
 * client crypto on OpenSSL, and nothing else in lib/wifi/ includes them.
 */
#include "capsim/wpa_crypto.h"

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "capsim/values.h"

#define WC_MAX_OUT      128 /* largest PRF/KDF output we are asked for */
#define WC_MAX_LABEL    64
#define WC_MAX_DATA     128
#define WC_PBKDF2_ITERS 4096 /* §J.4.1 */

static const char wc_ptk_label[] = "Pairwise key expansion";

int
cs_wpa_pmk_from_passphrase(const char *passphrase, const uint8_t *ssid,
    size_t ssid_len, uint8_t pmk[CS_WPA_PMK_LEN])
{
	uint8_t out[CS_WPA_PMK_LEN];
	size_t n;

	if (passphrase == NULL || ssid == NULL || pmk == NULL)
		return -EINVAL;
	n = strlen(passphrase);
	/* §J.4.1: 8..63 ASCII characters in the range 32..126 */
	if (n < 8 || n > 63 || ssid_len < 1 || ssid_len > 32)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)passphrase[i] < 32 ||
		    (unsigned char)passphrase[i] > 126)
			return -EINVAL;
	if (PKCS5_PBKDF2_HMAC_SHA1(passphrase, (int)n, ssid, (int)ssid_len,
	        WC_PBKDF2_ITERS, (int)sizeof(out), out) != 1)
		return -EIO;
	memcpy(pmk, out, sizeof(out));
	OPENSSL_cleanse(out, sizeof(out));
	return 0;
}

int
cs_wpa_pmk_from_hex(const char *hex, uint8_t pmk[CS_WPA_PMK_LEN])
{
	uint8_t out[CS_WPA_PMK_LEN];

	if (hex == NULL || pmk == NULL || strlen(hex) != 2 * CS_WPA_PMK_LEN)
		return -EINVAL;
	for (size_t i = 0; i < CS_WPA_PMK_LEN; i++) {
		int hi = cs_val_hexdigit(hex[2 * i]);
		int lo = cs_val_hexdigit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			OPENSSL_cleanse(out, sizeof(out));
			return -EINVAL;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(pmk, out, sizeof(out));
	OPENSSL_cleanse(out, sizeof(out));
	return 0;
}

int
cs_wpa_pmk_from_psk(const char *psk, const uint8_t *ssid, size_t ssid_len,
    uint8_t pmk[CS_WPA_PMK_LEN], const char **why)
{
	const char *w = NULL;
	size_t n;
	int r;

	if (psk == NULL || pmk == NULL)
		return -EINVAL;
	n = strlen(psk);
	if (n == 2 * CS_WPA_PMK_LEN) {
		if ((r = cs_wpa_pmk_from_hex(psk, pmk)) < 0)
			w = "a 64-character PSK must be hex digits";
	} else if (ssid == NULL || ssid_len < 1 || ssid_len > 32) {
		r = -EINVAL;
		w = "SSID must be 1..32 octets";
	} else if (n < 8 || n > 63) {
		r = -EINVAL;
		w = "passphrase must be 8..63 characters (or 64 hex digits)";
	} else if ((r = cs_wpa_pmk_from_passphrase(psk, ssid, ssid_len, pmk)) ==
	    -EINVAL) {
		w = "passphrase must be printable ASCII (32..126)";
	}
	if (r < 0 && why != NULL)
		*why = w != NULL ? w : "PBKDF2 failed";
	return r;
}

static int
wc_hmac(const EVP_MD *md, const uint8_t *key, size_t key_len,
    const uint8_t *msg, size_t len, uint8_t *out)
{
	unsigned int olen = 0;

	if (key_len > INT32_MAX ||
	    HMAC(md, key, (int)key_len, msg, len, out, &olen) == NULL)
		return -EIO;
	return 0;
}

int
cs_wpa_prf_sha1(const uint8_t *key, size_t key_len, const char *label,
    const uint8_t *data, size_t data_len, uint8_t *out, size_t out_len)
{
	/* A || 0 || B || i, i in the last octet */
	uint8_t msg[WC_MAX_LABEL + 1 + WC_MAX_DATA + 1];
	uint8_t r[WC_MAX_OUT + 20];
	size_t llen, mlen, have = 0;
	int rc = 0;

	if (key == NULL || label == NULL || (data == NULL && data_len > 0) ||
	    out == NULL || out_len == 0 || out_len > WC_MAX_OUT ||
	    (llen = strlen(label)) > WC_MAX_LABEL || data_len > WC_MAX_DATA)
		return -EINVAL;
	memcpy(msg, label, llen);
	msg[llen] = 0;
	if (data_len > 0)
		memcpy(msg + llen + 1, data, data_len);
	mlen = llen + 1 + data_len + 1;
	for (uint8_t i = 0; have < out_len; i++) {
		msg[mlen - 1] = i;
		if ((rc = wc_hmac(
		         EVP_sha1(), key, key_len, msg, mlen, r + have)) < 0)
			break;
		have += 20;
	}
	if (rc == 0)
		memcpy(out, r, out_len);
	OPENSSL_cleanse(r, sizeof(r));
	OPENSSL_cleanse(msg, sizeof(msg));
	return rc;
}

int
cs_wpa_kdf_sha256(const uint8_t *key, size_t key_len, const char *label,
    const uint8_t *data, size_t data_len, uint8_t *out, size_t out_len)
{
	/* i (LE16) || label || context || Length in bits (LE16) */
	uint8_t msg[2 + WC_MAX_LABEL + WC_MAX_DATA + 2];
	uint8_t r[WC_MAX_OUT + 32];
	size_t llen, mlen, have = 0, bits = out_len * 8;
	int rc = 0;

	if (key == NULL || label == NULL || (data == NULL && data_len > 0) ||
	    out == NULL || out_len == 0 || out_len > WC_MAX_OUT ||
	    (llen = strlen(label)) > WC_MAX_LABEL || data_len > WC_MAX_DATA)
		return -EINVAL;
	memcpy(msg + 2, label, llen);
	if (data_len > 0)
		memcpy(msg + 2 + llen, data, data_len);
	mlen = 2 + llen + data_len + 2;
	msg[mlen - 2] = (uint8_t)(bits & 0xff);
	msg[mlen - 1] = (uint8_t)(bits >> 8);
	for (uint16_t i = 1; have < out_len; i++) {
		msg[0] = (uint8_t)(i & 0xff);
		msg[1] = (uint8_t)(i >> 8);
		if ((rc = wc_hmac(
		         EVP_sha256(), key, key_len, msg, mlen, r + have)) < 0)
			break;
		have += 32;
	}
	if (rc == 0)
		memcpy(out, r, out_len);
	OPENSSL_cleanse(r, sizeof(r));
	OPENSSL_cleanse(msg, sizeof(msg));
	return rc;
}

static const uint8_t *
wc_min(const uint8_t *a, const uint8_t *b, size_t len)
{
	return memcmp(a, b, len) <= 0 ? a : b;
}

static const uint8_t *
wc_max(const uint8_t *a, const uint8_t *b, size_t len)
{
	return memcmp(a, b, len) <= 0 ? b : a;
}

int
cs_wpa_ptk_derive(enum cs_wpa_akm akm, const uint8_t pmk[CS_WPA_PMK_LEN],
    const uint8_t aa[6], const uint8_t spa[6],
    const uint8_t anonce[CS_WPA_NONCE_LEN],
    const uint8_t snonce[CS_WPA_NONCE_LEN], struct cs_wpa_ptk *ptk)
{
	uint8_t data[2 * 6 + 2 * CS_WPA_NONCE_LEN];
	uint8_t out[CS_WPA_PTK_LEN];
	int rc;

	if (pmk == NULL || aa == NULL || spa == NULL || anonce == NULL ||
	    snonce == NULL || ptk == NULL)
		return -EINVAL;
	memcpy(data, wc_min(aa, spa, 6), 6);
	memcpy(data + 6, wc_max(aa, spa, 6), 6);
	memcpy(data + 12, wc_min(anonce, snonce, CS_WPA_NONCE_LEN),
	    CS_WPA_NONCE_LEN);
	memcpy(data + 12 + CS_WPA_NONCE_LEN,
	    wc_max(anonce, snonce, CS_WPA_NONCE_LEN), CS_WPA_NONCE_LEN);
	switch (akm) {
	case CS_WPA_AKM_PSK:
		rc = cs_wpa_prf_sha1(pmk, CS_WPA_PMK_LEN, wc_ptk_label, data,
		    sizeof(data), out, sizeof(out));
		break;
	case CS_WPA_AKM_PSK_SHA256:
		rc = cs_wpa_kdf_sha256(pmk, CS_WPA_PMK_LEN, wc_ptk_label, data,
		    sizeof(data), out, sizeof(out));
		break;
	default:
		return -EINVAL;
	}
	if (rc == 0) {
		memcpy(ptk->kck, out, CS_WPA_KCK_LEN);
		memcpy(ptk->kek, out + CS_WPA_KCK_LEN, CS_WPA_KEK_LEN);
		memcpy(ptk->tk, out + CS_WPA_KCK_LEN + CS_WPA_KEK_LEN,
		    CS_WPA_TK_LEN);
	}
	OPENSSL_cleanse(out, sizeof(out));
	return rc;
}

enum cs_wpa_key_ver
cs_wpa_akm_key_ver(enum cs_wpa_akm akm)
{
	return akm == CS_WPA_AKM_PSK_SHA256 ? CS_WPA_KEY_VER_CMAC_AES
	                                    : CS_WPA_KEY_VER_SHA1_AES;
}

int
cs_wpa_mic(enum cs_wpa_key_ver ver, const uint8_t kck[CS_WPA_KCK_LEN],
    const uint8_t *frame, size_t len, uint8_t mic[CS_WPA_MIC_LEN])
{
	uint8_t full[EVP_MAX_MD_SIZE];
	size_t olen = 0;
	int rc;

	if (kck == NULL || frame == NULL || mic == NULL)
		return -EINVAL;
	switch (ver) {
	case CS_WPA_KEY_VER_SHA1_AES:
		/* HMAC-SHA1 truncated to 128 bits (§12.7.2 b.1) */
		if ((rc = wc_hmac(EVP_sha1(), kck, CS_WPA_KCK_LEN, frame, len,
		         full)) < 0)
			return rc;
		break;
	case CS_WPA_KEY_VER_CMAC_AES:
		if (EVP_Q_mac(NULL, "CMAC", NULL, "AES-128-CBC", NULL, kck,
		        CS_WPA_KCK_LEN, frame, len, full, sizeof(full),
		        &olen) == NULL ||
		    olen != CS_WPA_MIC_LEN)
			return -EIO;
		break;
	case CS_WPA_KEY_VER_AKM:
	case CS_WPA_KEY_VER_MD5_RC4:
	default:
		return -EINVAL;
	}
	memcpy(mic, full, CS_WPA_MIC_LEN);
	OPENSSL_cleanse(full, sizeof(full));
	return 0;
}

static const EVP_CIPHER *
wc_wrap_cipher(size_t kek_len)
{
	switch (kek_len) {
	case 16:
		return EVP_aes_128_wrap();
	case 24:
		return EVP_aes_192_wrap();
	case 32:
		return EVP_aes_256_wrap();
	default:
		return NULL;
	}
}

/* One RFC 3394 pass through OpenSSL's wrap mode (default IV A6..A6). */
static int
wc_wrap(int enc, const uint8_t *kek, size_t kek_len, const uint8_t *in,
    size_t len, uint8_t *out, size_t out_len)
{
	const EVP_CIPHER *c = wc_wrap_cipher(kek_len);
	EVP_CIPHER_CTX *ctx;
	int n = 0, m = 0, rc = -EIO;

	if (c == NULL || len > INT32_MAX)
		return -EINVAL;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -ENOMEM;
	EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	if (EVP_CipherInit_ex(ctx, c, NULL, kek, NULL, enc) != 1)
		goto out;
	if (EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1 ||
	    EVP_CipherFinal_ex(ctx, out + n, &m) != 1) {
		/* on unwrap, a failed integrity check lands here */
		rc = enc ? -EIO : -EBADMSG;
		OPENSSL_cleanse(out, out_len);
		goto out;
	}
	rc = (size_t)(n + m) == out_len ? 0 : -EIO;
	if (rc != 0)
		OPENSSL_cleanse(out, out_len);
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int
cs_wpa_key_wrap(const uint8_t *kek, size_t kek_len, const uint8_t *in,
    size_t len, uint8_t *out)
{
	if (kek == NULL || in == NULL || out == NULL || len < 16 ||
	    len % 8 != 0)
		return -EINVAL;
	return wc_wrap(1, kek, kek_len, in, len, out, len + CS_WPA_WRAP_PAD);
}

int
cs_wpa_key_unwrap(const uint8_t *kek, size_t kek_len, const uint8_t *in,
    size_t len, uint8_t *out)
{
	if (kek == NULL || in == NULL || out == NULL)
		return -EINVAL;
	if (len < 24 || len % 8 != 0)
		return -EBADMSG;
	return wc_wrap(0, kek, kek_len, in, len, out, len - CS_WPA_WRAP_PAD);
}

void
cs_wpa_cleanse(void *p, size_t len)
{
	if (p != NULL)
		OPENSSL_cleanse(p, len);
}

int
cs_wpa_memcmp(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0 ? 0 : 1;
}
