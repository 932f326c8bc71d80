/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for certificate inspection (lib/dtls/pki.c, issue 18): a
 * peer's certificate, DER as it arrives in a DTLS Certificate message or
 * PEM as `--cert`/`--ca` files hold it, through what capsim reads from
 * it: the summary (cs_pki_x509_info: names, serial, validity, EKU, key,
 * signature), the EKU bits, the public-key hash and the device MAC
 * (cs_pki_x509_mac: the CN, else a subjectAltName dNSName or
 * directoryName CN; the identity RFC 5415 §12.6 binds).  The PEM form also
 * goes through cs_cred_load_why, the file loader, via a memory file.
 *
 * Byte 0 bit 0 picks PEM, the rest is the certificate.  Oracles: every
 * text field is terminated; a MAC read from a CN prints and parses back
 * to itself; the summary's MAC is the one cs_pki_x509_mac finds, and
 * says where it came from.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "capsim/pki.h"
#include "capsim/values.h"
#include "dtls/dtls-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_text(const char *s, size_t cap)
{
	if (memchr(s, '\0', cap) == NULL)
		abort(); /* an unterminated text field */
}

static void
inspect(struct cs_cred *c)
{
	struct cs_cert_info ci;
	uint8_t sha1[20], mac[6], again[6], id[6];
	char text[18];
	int present = 0;
	bool has_id = false;

	(void)cs_pki_x509_eku(c->cert, &present);
	(void)cs_cred_pubkey_sha1(c, sha1);
	if (cs_pki_x509_mac(c->cert, id, &has_id) != 0)
		abort();
	if (cs_cred_info(c, &ci) == 0) {
		check_text(ci.mac_from, sizeof(ci.mac_from));
		if (ci.has_mac != has_id ||
		    (has_id && memcmp(ci.mac, id, 6) != 0) ||
		    (has_id && strcmp(ci.mac_from, "CN") != 0 &&
		        strcmp(ci.mac_from, "SAN") != 0) ||
		    (!has_id && ci.mac_from[0] != '\0'))
			abort(); /* the summary and the identity disagree */
		check_text(ci.subject_cn, sizeof(ci.subject_cn));
		check_text(ci.subject, sizeof(ci.subject));
		check_text(ci.issuer, sizeof(ci.issuer));
		check_text(ci.serial_hex, sizeof(ci.serial_hex));
		check_text(ci.eku_text, sizeof(ci.eku_text));
		check_text(ci.key_type, sizeof(ci.key_type));
		check_text(ci.sig_alg, sizeof(ci.sig_alg));
		if (cs_val_mac_cn(ci.subject_cn, mac, NULL) == 0) {
			cs_val_mac_str(mac, text);
			if (cs_val_mac_cn(text, again, NULL) != 0 ||
			    memcmp(mac, again, 6) != 0)
				abort(); /* the identity does not round-trip */
		}
	}
	ERR_clear_error();
}

/* The file loader, on a memory file (no disk, no stray files). */
static void
load_pem_file(const uint8_t *data, size_t size)
{
	struct cs_cred *c = NULL;
	char path[64], why[256];
	int fd = memfd_create("fuzz_pki_cert", 0);

	if (fd < 0)
		return;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (cs_cred_load_why(&c, path, NULL, why, sizeof(why)) == 0) {
			inspect(c);
			cs_cred_free(c);
		} else {
			check_text(why, sizeof(why));
		}
	}
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_cred c = { 0 };
	const uint8_t *p;
	BIO *b;

	if (size < 1 || size > 16384)
		return 0;
	p = data + 1;
	if (data[0] & 1) {
		if ((b = BIO_new_mem_buf(p, (int)(size - 1))) == NULL)
			return 0;
		c.cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
		BIO_free(b);
		load_pem_file(p, size - 1);
	} else {
		c.cert = d2i_X509(NULL, &p, (long)(size - 1));
	}
	ERR_clear_error();
	if (c.cert != NULL) {
		inspect(&c);
		X509_free(c.cert);
	}
	return 0;
}
