/* SPDX-License-Identifier: MIT */
/*
 * WPA2-PSK key hierarchy (IEEE 802.11-2016 §12.7.1): passphrase -> PMK,
 * PMK -> PTK (KCK, KEK, TK), the EAPOL-Key MIC and the AES key wrap of the
 * key data.  Every primitive comes from OpenSSL; this module only arranges
 * the inputs the way the standard says.  Pure functions, no state.
 */
#ifndef CS_WPA_CRYPTO_H
#define CS_WPA_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

#define CS_WPA_PMK_LEN   32
#define CS_WPA_NONCE_LEN 32
#define CS_WPA_KCK_LEN   16
#define CS_WPA_KEK_LEN   16
#define CS_WPA_TK_LEN    16 /* CCMP-128 */
#define CS_WPA_PTK_LEN   (CS_WPA_KCK_LEN + CS_WPA_KEK_LEN + CS_WPA_TK_LEN)
#define CS_WPA_MIC_LEN   16
#define CS_WPA_GTK_LEN   16 /* CCMP-128 */
#define CS_WPA_WRAP_PAD  8  /* AES key wrap adds one 64-bit block */

/* AKM suite selectors 00-0F-AC:n (IEEE 802.11-2016 Table 9-133), the two
 * PSK ones. */
enum cs_wpa_akm {
	CS_WPA_AKM_PSK = 2,        /* PRF-384 (HMAC-SHA1), MIC HMAC-SHA1-128 */
	CS_WPA_AKM_PSK_SHA256 = 6, /* KDF-SHA256, MIC AES-128-CMAC */
};

/* Key descriptor versions (Key Information bits 0-2, §12.7.2 b.1). */
enum cs_wpa_key_ver {
	CS_WPA_KEY_VER_AKM = 0,      /* defined by the AKM (not used here) */
	CS_WPA_KEY_VER_MD5_RC4 = 1,  /* TKIP: refused */
	CS_WPA_KEY_VER_SHA1_AES = 2, /* HMAC-SHA1-128, AES key wrap */
	CS_WPA_KEY_VER_CMAC_AES = 3, /* AES-128-CMAC, AES key wrap */
};

/* The pairwise transient key, split as §12.7.1.3 orders it. */
struct cs_wpa_ptk {
	uint8_t kck[CS_WPA_KCK_LEN];
	uint8_t kek[CS_WPA_KEK_LEN];
	uint8_t tk[CS_WPA_TK_LEN];
};

/**
 * PMK = PBKDF2-HMAC-SHA1(passphrase, SSID, 4096, 256 bits)
 * (§J.4.1).  The passphrase is 8..63 printable ASCII characters (32..126)
 * and the SSID 1..32 octets.  -EINVAL otherwise; pmk untouched on failure.
 * About 4096 * 2 * 2 SHA-1 blocks: compute once per (SSID, passphrase).
 */
CS_API int cs_wpa_pmk_from_passphrase(const char *passphrase,
    const uint8_t *ssid, size_t ssid_len, uint8_t pmk[CS_WPA_PMK_LEN]);

/** A 256-bit PSK given as exactly 64 hex digits.  -EINVAL otherwise. */
CS_API int cs_wpa_pmk_from_hex(const char *hex, uint8_t pmk[CS_WPA_PMK_LEN]);

/**
 * The PMK from what a user types as "the PSK" (`--psk`, scenario `psk:`):
 * 64 hex digits are the PSK itself, 8..63 printable characters a
 * passphrase (§J.4.1, as hostapd's wpa_psk / wpa_passphrase).  -EINVAL
 * for anything else, with *why (may be NULL) saying what is wrong.
 */
CS_API int cs_wpa_pmk_from_psk(const char *psk, const uint8_t *ssid,
    size_t ssid_len, uint8_t pmk[CS_WPA_PMK_LEN], const char **why);

/**
 * PRF-n (§12.7.1.2): HMAC-SHA1(K, A || 0 || B || i), i = 0, 1, ...
 * concatenated and truncated to out_len bytes (<= 128).  -EINVAL on bad
 * arguments, -EIO when OpenSSL fails.
 */
CS_API int cs_wpa_prf_sha1(const uint8_t *key, size_t key_len,
    const char *label, const uint8_t *data, size_t data_len, uint8_t *out,
    size_t out_len);

/**
 * KDF-Hash-Length with SHA-256 (§12.7.1.7.2): HMAC-SHA256(K, i || label ||
 * context || Length), i from 1 and Length in bits, both 16-bit little
 * endian.  out_len bytes (<= 128).
 */
CS_API int cs_wpa_kdf_sha256(const uint8_t *key, size_t key_len,
    const char *label, const uint8_t *data, size_t data_len, uint8_t *out,
    size_t out_len);

/**
 * PTK = PRF-384 (AKM 2) or KDF-SHA256-384 (AKM 6) of the PMK with label
 * "Pairwise key expansion" and Min(AA,SPA) || Max(AA,SPA) ||
 * Min(ANonce,SNonce) || Max(ANonce,SNonce) (§12.7.1.3).  -EINVAL on an
 * unknown AKM.
 */
CS_API int cs_wpa_ptk_derive(enum cs_wpa_akm akm,
    const uint8_t pmk[CS_WPA_PMK_LEN], const uint8_t aa[6],
    const uint8_t spa[6], const uint8_t anonce[CS_WPA_NONCE_LEN],
    const uint8_t snonce[CS_WPA_NONCE_LEN], struct cs_wpa_ptk *ptk);

/** The key descriptor version an AKM uses with CCMP (§12.7.2 b.1). */
CS_API enum cs_wpa_key_ver cs_wpa_akm_key_ver(enum cs_wpa_akm akm);

/**
 * The EAPOL-Key MIC over `frame` (the whole EAPOL PDU from the protocol
 * version octet, MIC field zeroed by the caller): HMAC-SHA1 truncated to
 * 128 bits for version 2, AES-128-CMAC for version 3.  -EINVAL for any
 * other version.
 */
CS_API int cs_wpa_mic(enum cs_wpa_key_ver ver,
    const uint8_t kck[CS_WPA_KCK_LEN], const uint8_t *frame, size_t len,
    uint8_t mic[CS_WPA_MIC_LEN]);

/**
 * AES key wrap (RFC 3394, default IV) of `len` bytes (a multiple of 8,
 * at least 16) under the KEK; writes len + 8 bytes to out.
 */
CS_API int cs_wpa_key_wrap(const uint8_t *kek, size_t kek_len,
    const uint8_t *in, size_t len, uint8_t *out);

/**
 * The inverse: `len` (a multiple of 8, at least 24) wrapped bytes to
 * len - 8 plain bytes.  -EBADMSG when the integrity check fails (wrong
 * KEK or altered data); out is then wiped.
 */
CS_API int cs_wpa_key_unwrap(const uint8_t *kek, size_t kek_len,
    const uint8_t *in, size_t len, uint8_t *out);

/** Wipes key material so the compiler cannot drop it (OPENSSL_cleanse). */
CS_API void cs_wpa_cleanse(void *p, size_t len);

/** Constant-time comparison of two MICs: 0 when equal. */
CS_API int cs_wpa_memcmp(const void *a, const void *b, size_t len);

#endif /* CS_WPA_CRYPTO_H */
