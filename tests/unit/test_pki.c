/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the lab PKI (lib/dtls/pki.c): what each kind of
 * certificate contains, PEM round trips with 0600 keys, MAC text, and how
 * fast AP certificates are issued.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/pki.h"
#include "testutil.h"

static struct cs_pki *pki;
static int64_t now;
static const uint8_t mac[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };

static int
group_setup(void **state)
{
	struct cs_pki_cfg cfg = { .key_type = CS_PKI_KEY_RSA2048 };

	(void)state;
	now = (int64_t)time(NULL);
	cfg.now = now;
	return cs_pki_new(&pki, &cfg);
}

static int
group_teardown(void **state)
{
	(void)state;
	cs_pki_free(pki);
	return 0;
}

static void
test_ca_and_wlc(void **state)
{
	struct cs_cert_info ci;

	(void)state;
	assert_int_equal(cs_cred_info(cs_pki_ca(pki), &ci), 0);
	assert_string_equal(ci.subject_cn, "capsim lab CA");
	assert_true(ci.is_ca);
	assert_false(ci.has_eku);
	assert_string_equal(ci.subject, ci.issuer);
	assert_int_equal(cs_cred_info(cs_pki_wlc(pki), &ci), 0);
	assert_string_equal(ci.subject_cn, "capsim-wlc");
	assert_false(ci.is_ca);
	assert_true(ci.has_eku);
	assert_int_equal(ci.eku, CS_PKI_EKU_CAPWAP_AC | CS_PKI_EKU_SERVER_AUTH);
	assert_string_equal(ci.eku_text, "capwapAC, serverAuth");
	assert_string_equal(ci.key_type, "RSA");
	assert_int_equal(ci.key_bits, 2048);
	assert_string_equal(ci.sig_alg, "sha256WithRSAEncryption");
	assert_non_null(strstr(ci.issuer, "CN=capsim lab CA"));
	/* 20 years, starting an hour before "now". */
	assert_true(ci.not_before <= now && ci.not_before >= now - 7200);
	assert_true(ci.not_after >= now + 19LL * 365 * 86400);
	assert_true(cs_cred_has_key(cs_pki_wlc(pki)));
}

static void
test_ap_kinds(void **state)
{
	struct cs_cred *c = NULL;
	struct cs_cert_info ci;

	(void)state;
	assert_int_equal(cs_pki_issue_ap(pki, mac, CS_PKI_GOOD, &c), 0);
	assert_int_equal(cs_cred_info(c, &ci), 0);
	assert_string_equal(ci.subject_cn, "00:11:22:33:44:55");
	assert_int_equal(
	    ci.eku, CS_PKI_EKU_CAPWAP_WTP | CS_PKI_EKU_CLIENT_AUTH);
	assert_true(ci.not_after > now + 9LL * 365 * 86400);
	cs_cred_free(c);

	assert_int_equal(cs_pki_issue_ap(pki, mac, CS_PKI_EXPIRED, &c), 0);
	assert_int_equal(cs_cred_info(c, &ci), 0);
	assert_true(ci.not_after < now);
	cs_cred_free(c);

	assert_int_equal(
	    cs_pki_issue_ap(pki, mac, CS_PKI_NOT_YET_VALID, &c), 0);
	assert_int_equal(cs_cred_info(c, &ci), 0);
	assert_true(ci.not_before > now);
	cs_cred_free(c);

	assert_int_equal(cs_pki_issue_ap(pki, mac, CS_PKI_UNKNOWN_CA, &c), 0);
	assert_int_equal(cs_cred_info(c, &ci), 0);
	assert_non_null(strstr(ci.issuer, "rogue"));
	cs_cred_free(c);

	assert_int_equal(cs_pki_issue_ap(pki, mac, CS_PKI_WRONG_EKU, &c), 0);
	assert_int_equal(cs_cred_info(c, &ci), 0);
	assert_int_equal(ci.eku, CS_PKI_EKU_CLIENT_AUTH);
	cs_cred_free(c);

	assert_int_equal(cs_pki_issue_ap(pki, mac, CS_PKI_SHA1, &c), 0);
	assert_int_equal(cs_cred_info(c, &ci), 0);
	assert_string_equal(ci.sig_alg, "sha1WithRSAEncryption");
	cs_cred_free(c);

	assert_int_equal(cs_pki_issue_ap(pki, mac, CS_PKI_RSA1024, &c), 0);
	assert_int_equal(cs_cred_info(c, &ci), 0);
	assert_int_equal(ci.key_bits, 1024);
	cs_cred_free(c);

	assert_int_equal(
	    cs_pki_issue_ap(pki, mac, CS_PKI_BROKEN__COUNT, &c), -EINVAL);
	assert_int_equal(cs_pki_issue_ap(NULL, mac, CS_PKI_GOOD, &c), -EINVAL);
}

static void
test_issue_speed(void **state)
{
	struct timespec t0, t1;
	uint8_t m[6] = { 0x02, 0, 0, 0, 0, 0 };
	struct cs_cred *c;
	char s0[48] = "", s1[48] = "";
	struct cs_cert_info ci;
	const int n = 200;
	double secs;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++) {
		m[4] = (uint8_t)(i >> 8);
		m[5] = (uint8_t)i;
		assert_int_equal(cs_pki_issue_ap(pki, m, CS_PKI_GOOD, &c), 0);
		if (i == 0 || i == n - 1) {
			assert_int_equal(cs_cred_info(c, &ci), 0);
			snprintf(i == 0 ? s0 : s1, 48, "%s", ci.serial_hex);
		}
		cs_cred_free(c);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("[ INFO     ] issued %d AP certificates (RSA-2048 CA) in "
	       "%.3f s: %.0f certs/s\n",
	    n, secs, n / secs);
	assert_string_not_equal(s0, s1); /* serials differ */
	assert_true(n / secs > 50);      /* no key generation per AP */
}

static void
test_ec_pki(void **state)
{
	struct cs_pki_cfg cfg = { .key_type = CS_PKI_KEY_EC_P256,
		.wlc_cn = "wlc-ec" };
	struct cs_pki *p = NULL;
	struct cs_cred *c = NULL;
	struct cs_cert_info ci;

	(void)state;
	assert_int_equal(cs_pki_new(&p, &cfg), 0);
	assert_int_equal(cs_cred_info(cs_pki_wlc(p), &ci), 0);
	assert_string_equal(ci.key_type, "EC");
	assert_int_equal(ci.key_bits, 256);
	assert_string_equal(ci.subject_cn, "wlc-ec");
	assert_string_equal(ci.sig_alg, "ecdsa-with-SHA256");
	assert_int_equal(cs_pki_issue_ap(p, mac, CS_PKI_GOOD, &c), 0);
	cs_cred_free(c);
	cs_pki_free(p);
}

static void
test_save_load(void **state)
{
	char dir[] = "/tmp/cs_pki_XXXXXX", crt[64], key[64], ca[64], cak[64];
	struct cs_pki_cfg cfg = { .key_type = CS_PKI_KEY_EC_P256 };
	struct cs_cert_info a, b;
	struct cs_cred *c = NULL, *l = NULL, *mismatch = NULL;
	struct cs_pki_key *k = NULL;
	struct cs_pki *p2 = NULL;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(crt, sizeof(crt), "%s/ap.pem", dir);
	snprintf(key, sizeof(key), "%s/ap-key.pem", dir);
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(cak, sizeof(cak), "%s/ca-key.pem", dir);
	assert_int_equal(cs_pki_issue_ap(pki, mac, CS_PKI_GOOD, &c), 0);
	/* Pre-create the key file world-readable: saving must fix it. */
	fclose(fopen(key, "w"));
	chmod(key, 0644);
	assert_int_equal(cs_cred_save(c, crt, key), 0);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(cs_cred_load(&l, crt, key), 0);
	assert_true(cs_cred_has_key(l));
	assert_int_equal(cs_cred_info(c, &a), 0);
	assert_int_equal(cs_cred_info(l, &b), 0);
	assert_string_equal(a.subject, b.subject);
	assert_string_equal(a.serial_hex, b.serial_hex);
	cs_cred_free(l);
	/* Certificate only (a bundle). */
	assert_int_equal(cs_cred_load(&l, crt, NULL), 0);
	assert_false(cs_cred_has_key(l));
	cs_cred_free(l);
	/* Key that does not belong to the certificate. */
	assert_int_equal(cs_cred_save(cs_pki_ca(pki), ca, cak), 0);
	l = (struct cs_cred *)&l;
	assert_int_equal(cs_cred_load(&l, crt, cak), -EKEYREJECTED);
	assert_ptr_equal(l, (struct cs_cred *)&l);
	assert_int_equal(cs_cred_load(&l, "/nonexistent.pem", NULL), -ENOENT);
	assert_int_equal(cs_cred_load(&l, key, NULL), -EBADMSG);
	/* the reasons name the file */
	{
		char why[512];

		assert_int_equal(
		    cs_cred_load_why(&l, crt, cak, why, sizeof(why)),
		    -EKEYREJECTED);
		assert_non_null(strstr(why, cak));
		assert_non_null(strstr(why, "not the key of the certificate"));
		assert_int_equal(cs_cred_load_why(&l, "/nonexistent.pem", NULL,
		                     why, sizeof(why)),
		    -ENOENT);
		assert_non_null(strstr(why, "/nonexistent.pem: "));
		assert_non_null(strstr(why, strerror(ENOENT)));
		assert_int_equal(
		    cs_cred_load_why(&l, key, NULL, why, sizeof(why)),
		    -EBADMSG);
		assert_non_null(strstr(why, key));
		assert_non_null(strstr(why, "no PEM certificate"));
		assert_int_equal(
		    cs_cred_load_why(&l, crt, crt, why, sizeof(why)), -EBADMSG);
		assert_non_null(strstr(why, "no PEM private key"));
	}
	/* Keys on their own. */
	assert_int_equal(cs_pki_key_load(&k, cak), 0);
	assert_int_equal(cs_pki_key_bits(k), 2048);
	cs_pki_key_free(k);
	/* Bring your own CA: AP certs are then signed by it. */
	cfg.ca_cert_path = ca;
	cfg.ca_key_path = cak;
	assert_int_equal(cs_pki_new(&p2, &cfg), 0);
	assert_int_equal(cs_pki_issue_ap(p2, mac, CS_PKI_GOOD, &mismatch), 0);
	assert_int_equal(cs_cred_info(mismatch, &b), 0);
	assert_non_null(strstr(b.issuer, "CN=capsim lab CA"));
	assert_string_equal(b.key_type, "EC");
	cs_cred_free(mismatch);
	cs_pki_free(p2);
	cs_cred_free(c);
	unlink(crt);
	unlink(key);
	unlink(ca);
	unlink(cak);
	rmdir(dir);
}

static void
test_broken_names(void **state)
{
	enum cs_pki_broken b = CS_PKI_GOOD;

	(void)state;
	for (unsigned i = 0; i < CS_PKI_BROKEN__COUNT; i++) {
		assert_non_null(cs_pki_broken_name((enum cs_pki_broken)i));
		assert_int_equal(
		    cs_pki_broken_parse(
		        cs_pki_broken_name((enum cs_pki_broken)i), &b),
		    0);
		assert_int_equal(b, i);
	}
	assert_null(cs_pki_broken_name(CS_PKI_BROKEN__COUNT));
	assert_int_equal(cs_pki_broken_parse("nope", &b), -EINVAL);
	assert_string_equal(
	    cs_pki_broken_name(CS_PKI_NOT_YET_VALID), "not-yet-valid");
}

static void
test_issue_args(void **state)
{
	struct cs_pki_req req = { .role = CS_PKI_ROLE_AP, .cn = "x" };
	struct cs_pki_key *k = NULL;
	struct cs_cred *c = NULL, *ca_nokey = NULL;
	char path[] = "/tmp/cs_pki_ca_XXXXXX";
	int fd;

	(void)state;
	assert_int_equal(cs_pki_key_new(&k, CS_PKI_KEY_EC_P256), 0);
	req.not_before = now;
	req.not_after = now; /* empty validity */
	assert_int_equal(cs_pki_issue(&c, &req, k, NULL), -EINVAL);
	req.not_after = now + 10;
	req.cn = NULL;
	assert_int_equal(cs_pki_issue(&c, &req, k, NULL), -EINVAL);
	/* An issuer without its key cannot sign. */
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	assert_int_equal(cs_cred_save(cs_pki_ca(pki), path, NULL), 0);
	assert_int_equal(cs_cred_load(&ca_nokey, path, NULL), 0);
	req.cn = "x";
	assert_int_equal(cs_pki_issue(&c, &req, k, ca_nokey), -EINVAL);
	assert_null(c);
	/* Explicit serial and EKU. */
	req.serial = 0x1234;
	req.eku = CS_PKI_EKU_ANY;
	assert_int_equal(cs_pki_issue(&c, &req, k, cs_pki_ca(pki)), 0);
	{
		struct cs_cert_info ci;

		assert_int_equal(cs_cred_info(c, &ci), 0);
		assert_string_equal(ci.serial_hex, "1234");
		assert_int_equal(ci.eku, CS_PKI_EKU_ANY);
	}
	cs_cred_free(c);
	cs_cred_free(ca_nokey);
	cs_pki_key_free(k);
	unlink(path);
}

/* The device MAC of a certificate (RFC 5415 §12.6, issue 18): in the CN
 * in the forms real APs write it, else in a subjectAltName; the CN wins
 * when both hold one. */
static void
test_cert_mac(void **state)
{
	static const struct {
		const char *cn, *san, *from;
		bool has_mac;
	} cases[] = {
		{ "00:11:22:33:44:55", NULL, "CN", true },
		{ "00-11-22-33-44-55", NULL, "CN", true },
		{ "0011.2233.4455", NULL, "CN", true },
		{ "C9120-001122334455", NULL, "CN", true },
		{ "C9120AXI-0011.2233.4455", NULL, "CN", true },
		{ "lab-ap", "C9120-001122334455", "SAN", true },
		{ "lab-ap", "00-11-22-33-44-55", "SAN", true },
		{ "lab-ap", "0011.2233.4455", "SAN", true },
		{ "00:11:22:33:44:55", "C9120-665544332211", "CN", true },
		{ "lab-ap", "ap.lab.example", "", false },
		{ "lab-ap", NULL, "", false },
	};
	struct cs_pki_key *k = NULL;

	(void)state;
	assert_int_equal(cs_pki_key_new(&k, CS_PKI_KEY_EC_P256), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cs_pki_req req = { .role = CS_PKI_ROLE_AP,
			.cn = cases[i].cn,
			.san_dns = cases[i].san,
			.not_before = now - 60,
			.not_after = now + 3600 };
		struct cs_cert_info ci;
		struct cs_cred *c = NULL;

		assert_int_equal(cs_pki_issue(&c, &req, k, cs_pki_ca(pki)), 0);
		assert_int_equal(cs_cred_info(c, &ci), 0);
		assert_int_equal(ci.has_mac, cases[i].has_mac);
		assert_string_equal(ci.mac_from, cases[i].from);
		if (cases[i].has_mac)
			assert_memory_equal(ci.mac, mac, 6);
		cs_cred_free(c);
	}
	/* a SAN value that would add a second entry is refused */
	{
		struct cs_pki_req req = { .role = CS_PKI_ROLE_AP,
			.cn = "x",
			.san_dns = "a,DNS:b",
			.not_before = now - 60,
			.not_after = now + 3600 };
		struct cs_cred *c = NULL;

		assert_int_equal(
		    cs_pki_issue(&c, &req, k, cs_pki_ca(pki)), -EINVAL);
		assert_null(c);
	}
	cs_pki_key_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ca_and_wlc),
		cmocka_unit_test(test_ap_kinds),
		cmocka_unit_test(test_issue_speed),
		cmocka_unit_test(test_ec_pki),
		cmocka_unit_test(test_save_load),
		cmocka_unit_test(test_broken_names),
		cmocka_unit_test(test_issue_args),
		cmocka_unit_test(test_cert_mac),
	};

	return cmocka_run_group_tests_name(
	    "pki", tests, group_setup, group_teardown);
}
