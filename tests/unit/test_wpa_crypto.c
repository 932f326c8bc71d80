/* SPDX-License-Identifier: MIT */
/*
 * WPA2-PSK key hierarchy against published vectors: PMK (IEEE 802.11-2016
 * §J.4.2), PRF (§J.3 / RFC 2202 keys), AES-CMAC (RFC 4493 §4), AES key
 * wrap (RFC 3394 §4.1, §4.6).  The PTK vectors were computed independently
 * with Python's hashlib/hmac over the §12.7.1.3 input order.
 */
#include "capsim/wpa_crypto.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

static void
test_pmk_vectors(void **state)
{
	static const struct {
		const char *pass, *ssid, *pmk;
	} v[] = {
		{ "password", "IEEE",
		    "f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e"
		    "9710a12e" },
		{ "ThisIsAPassword", "ThisIsASSID",
		    "0dc0d6eb90555ed6419756b9a15ec3e3209b63df707dd508d14581f8"
		    "982721af" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		    "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ",
		    "becb93866bb8c3832cb777c2f559807c8c59afcb6eae734885001300"
		    "a981cc62" },
	};
	uint8_t pmk[CS_WPA_PMK_LEN], want[CS_WPA_PMK_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cs_test_unhex(v[i].pmk, want, sizeof(want));
		assert_int_equal(
		    cs_wpa_pmk_from_passphrase(v[i].pass,
		        (const uint8_t *)v[i].ssid, strlen(v[i].ssid), pmk),
		    0);
		assert_bytes_equal(pmk, sizeof(pmk), want, sizeof(want));
	}
}

static void
test_pmk_bad_args(void **state)
{
	uint8_t pmk[CS_WPA_PMK_LEN];
	const uint8_t ssid[] = "x";

	(void)state;
	memset(pmk, 0xab, sizeof(pmk));
	/* 7 characters, 64 characters, a control character, no SSID */
	assert_int_equal(
	    cs_wpa_pmk_from_passphrase("1234567", ssid, 1, pmk), -EINVAL);
	assert_int_equal(cs_wpa_pmk_from_passphrase("0123456789012345678901234"
	                                            "567890123456789012345678"
	                                            "901234567890123",
	                     ssid, 1, pmk),
	    -EINVAL);
	assert_int_equal(
	    cs_wpa_pmk_from_passphrase("12345678\n", ssid, 1, pmk), -EINVAL);
	assert_int_equal(
	    cs_wpa_pmk_from_passphrase("12345678", ssid, 0, pmk), -EINVAL);
	assert_int_equal(
	    cs_wpa_pmk_from_passphrase("12345678", ssid, 33, pmk), -EINVAL);
	assert_int_equal(
	    cs_wpa_pmk_from_passphrase(NULL, ssid, 1, pmk), -EINVAL);
	for (size_t i = 0; i < sizeof(pmk); i++)
		assert_int_equal(pmk[i], 0xab); /* untouched */
}

static void
test_pmk_hex(void **state)
{
	uint8_t pmk[CS_WPA_PMK_LEN], want[CS_WPA_PMK_LEN];
	const char *hex = "F42C6FC52DF0EBEF9EBB4B90B38A5F902E83FE1B135A70E23AED"
	                  "762E9710A12E";

	(void)state;
	cs_test_unhex(hex, want, sizeof(want));
	assert_int_equal(cs_wpa_pmk_from_hex(hex, pmk), 0);
	assert_bytes_equal(pmk, sizeof(pmk), want, sizeof(want));
	assert_int_equal(cs_wpa_pmk_from_hex("f42c", pmk), -EINVAL);
	assert_int_equal(cs_wpa_pmk_from_hex("g42c6fc52df0ebef9ebb4b90b38a5f9"
	                                     "02e83fe1b135a70e23aed762e9710a1"
	                                     "2e",
	                     pmk),
	    -EINVAL);
}

static void
test_pmk_from_psk(void **state)
{
	uint8_t pmk[CS_WPA_PMK_LEN], want[CS_WPA_PMK_LEN];
	const char *why = NULL;

	(void)state;
	cs_test_unhex("f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e"
	              "9710a12e",
	    want, sizeof(want));
	assert_int_equal(cs_wpa_pmk_from_psk(
	                     "password", (const uint8_t *)"IEEE", 4, pmk, &why),
	    0);
	assert_bytes_equal(pmk, sizeof(pmk), want, sizeof(want));
	memset(pmk, 0, sizeof(pmk));
	assert_int_equal(cs_wpa_pmk_from_psk("f42c6fc52df0ebef9ebb4b90b38a5f90"
	                                     "2e83fe1b135a70e23aed762e9710a12e",
	                     NULL, 0, pmk, &why),
	    0);
	assert_bytes_equal(pmk, sizeof(pmk), want, sizeof(want));
	assert_int_equal(
	    cs_wpa_pmk_from_psk("short", (const uint8_t *)"IEEE", 4, pmk, &why),
	    -EINVAL);
	assert_string_equal(
	    why, "passphrase must be 8..63 characters (or 64 hex digits)");
	assert_int_equal(
	    cs_wpa_pmk_from_psk("pass\tword", NULL, 0, pmk, &why), -EINVAL);
	assert_string_equal(why, "SSID must be 1..32 octets");
	assert_int_equal(cs_wpa_pmk_from_psk("pass\x01word",
	                     (const uint8_t *)"IEEE", 4, pmk, &why),
	    -EINVAL);
	assert_string_equal(
	    why, "passphrase must be printable ASCII (32..126)");
	assert_int_equal(cs_wpa_pmk_from_psk("x42c6fc52df0ebef9ebb4b90b38a5f90"
	                                     "2e83fe1b135a70e23aed762e9710a12e",
	                     NULL, 0, pmk, &why),
	    -EINVAL);
	assert_string_equal(why, "a 64-character PSK must be hex digits");
}

static void
test_prf_vectors(void **state)
{
	/* PRF-512 test vector: key 0x0b x 20, prefix "prefix", data
	 * "Hi There" (§J.3.2, the RFC 2202 HMAC keys) */
	static const char want512[] =
	    "bcd4c650b30b9684951829e0d75f9d54b862175ed9f00606e17d8da35402ffee"
	    "75df78c3d31e0f889f012120c0862beb67753e7439ae242edb8373698356cf5a";
	uint8_t key[20], out[64], want[64];

	(void)state;
	memset(key, 0x0b, sizeof(key));
	cs_test_unhex(want512, want, sizeof(want));
	assert_int_equal(cs_wpa_prf_sha1(key, sizeof(key), "prefix",
	                     (const uint8_t *)"Hi There", 8, out, 64),
	    0);
	assert_bytes_equal(out, 64, want, 64);
	/* a shorter PRF is a prefix of the longer one */
	memset(out, 0, sizeof(out));
	assert_int_equal(cs_wpa_prf_sha1(key, sizeof(key), "prefix",
	                     (const uint8_t *)"Hi There", 8, out, 48),
	    0);
	assert_bytes_equal(out, 48, want, 48);
	assert_int_equal(
	    cs_wpa_prf_sha1(key, sizeof(key), "prefix", NULL, 0, out, 129),
	    -EINVAL);
}

static void
test_ptk(void **state)
{
	static const char ptk2[] =
	    "e677aae82af1fb9a25e93e22ad77022ed90489e672adcc6ae148d0afafb92b69"
	    "36606222ae74d4d2d1db3ac91f6c2809";
	static const char ptk6[] =
	    "750c3bf9b11f5e885562f977541ead3cc78da3b16abbf26224a866187c4d5dce"
	    "f18c02e4e21be8f08cf598c3cc44df24";
	const uint8_t aa[6] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5 };
	const uint8_t spa[6] = { 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5 };
	uint8_t pmk[32], an[32], sn[32], want[48], got[48];
	struct cs_wpa_ptk ptk, swapped;

	(void)state;
	for (int i = 0; i < 32; i++) {
		an[i] = (uint8_t)(0xe0 + i);
		sn[i] = (uint8_t)(0xc0 + i);
	}
	assert_int_equal(cs_wpa_pmk_from_passphrase("ThisIsAPassword",
	                     (const uint8_t *)"ThisIsASSID", 11, pmk),
	    0);
	assert_int_equal(
	    cs_wpa_ptk_derive(CS_WPA_AKM_PSK, pmk, aa, spa, an, sn, &ptk), 0);
	memcpy(got, ptk.kck, 16);
	memcpy(got + 16, ptk.kek, 16);
	memcpy(got + 32, ptk.tk, 16);
	cs_test_unhex(ptk2, want, sizeof(want));
	assert_bytes_equal(got, 48, want, 48);
	/* both sides derive the same key: the order is Min/Max, not role */
	assert_int_equal(
	    cs_wpa_ptk_derive(CS_WPA_AKM_PSK, pmk, spa, aa, sn, an, &swapped),
	    0);
	assert_memory_equal(&ptk, &swapped, sizeof(ptk));

	assert_int_equal(cs_wpa_ptk_derive(
	                     CS_WPA_AKM_PSK_SHA256, pmk, aa, spa, an, sn, &ptk),
	    0);
	memcpy(got, ptk.kck, 16);
	memcpy(got + 16, ptk.kek, 16);
	memcpy(got + 32, ptk.tk, 16);
	cs_test_unhex(ptk6, want, sizeof(want));
	assert_bytes_equal(got, 48, want, 48);
	assert_int_equal(
	    cs_wpa_ptk_derive((enum cs_wpa_akm)1, pmk, aa, spa, an, sn, &ptk),
	    -EINVAL);
}

static void
test_mic(void **state)
{
	/* RFC 4493 §4 example 2: AES-CMAC of one block */
	uint8_t key[16], msg[16], want[16], mic[16];

	(void)state;
	cs_test_unhex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
	cs_test_unhex("6bc1bee22e409f96e93d7e117393172a", msg, 16);
	cs_test_unhex("070a16b46b4d4144f79bdd9dd04a287c", want, 16);
	assert_int_equal(
	    cs_wpa_mic(CS_WPA_KEY_VER_CMAC_AES, key, msg, 16, mic), 0);
	assert_bytes_equal(mic, 16, want, 16);
	/* version 2 is HMAC-SHA1 truncated to 128 bits (value computed
	 * with Python's hmac module) */
	cs_test_unhex("c807aa996e247b0490ea82808107469f", want, 16);
	assert_int_equal(
	    cs_wpa_mic(CS_WPA_KEY_VER_SHA1_AES, key, msg, 16, mic), 0);
	assert_bytes_equal(mic, 16, want, 16);
	assert_int_equal(
	    cs_wpa_mic(CS_WPA_KEY_VER_MD5_RC4, key, msg, 16, mic), -EINVAL);
	assert_int_equal(
	    cs_wpa_akm_key_ver(CS_WPA_AKM_PSK), CS_WPA_KEY_VER_SHA1_AES);
	assert_int_equal(
	    cs_wpa_akm_key_ver(CS_WPA_AKM_PSK_SHA256), CS_WPA_KEY_VER_CMAC_AES);
}

static void
test_key_wrap(void **state)
{
	uint8_t kek[32], data[32], want[40], out[40], back[32];

	(void)state;
	/* RFC 3394 §4.1: 128 bits of key data with a 128-bit KEK */
	cs_test_unhex("000102030405060708090A0B0C0D0E0F", kek, 16);
	cs_test_unhex("00112233445566778899AABBCCDDEEFF", data, 16);
	cs_test_unhex(
	    "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5", want, 24);
	assert_int_equal(cs_wpa_key_wrap(kek, 16, data, 16, out), 0);
	assert_bytes_equal(out, 24, want, 24);
	assert_int_equal(cs_wpa_key_unwrap(kek, 16, out, 24, back), 0);
	assert_bytes_equal(back, 16, data, 16);
	/* RFC 3394 §4.6: 256 bits of key data with a 256-bit KEK */
	cs_test_unhex("000102030405060708090A0B0C0D0E0F101112131415161718191A1B"
	              "1C1D1E1F",
	    kek, 32);
	cs_test_unhex("00112233445566778899AABBCCDDEEFF000102030405060708090A0B"
	              "0C0D0E0F",
	    data, 32);
	cs_test_unhex("28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E7"
	              "1A99F43BFB988B9B7A02DD21",
	    want, 40);
	assert_int_equal(cs_wpa_key_wrap(kek, 32, data, 32, out), 0);
	assert_bytes_equal(out, 40, want, 40);
	/* a flipped bit fails the integrity check, and the output is wiped */
	out[5] ^= 1;
	memset(back, 0x55, sizeof(back));
	assert_int_equal(cs_wpa_key_unwrap(kek, 32, out, 40, back), -EBADMSG);
	for (size_t i = 0; i < 32; i++)
		assert_int_equal(back[i], 0);
	/* sizes the RFC does not allow */
	assert_int_equal(cs_wpa_key_wrap(kek, 16, data, 12, out), -EINVAL);
	assert_int_equal(cs_wpa_key_wrap(kek, 16, data, 8, out), -EINVAL);
	assert_int_equal(cs_wpa_key_wrap(kek, 17, data, 16, out), -EINVAL);
	assert_int_equal(cs_wpa_key_unwrap(kek, 16, out, 20, back), -EBADMSG);
	assert_int_equal(cs_wpa_key_unwrap(kek, 16, out, 16, back), -EBADMSG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pmk_vectors),
		cmocka_unit_test(test_pmk_bad_args),
		cmocka_unit_test(test_pmk_hex),
		cmocka_unit_test(test_pmk_from_psk),
		cmocka_unit_test(test_prf_vectors),
		cmocka_unit_test(test_ptk),
		cmocka_unit_test(test_mic),
		cmocka_unit_test(test_key_wrap),
	};

	return cmocka_run_group_tests_name("wpa_crypto", tests, NULL, NULL);
}
