/* SPDX-License-Identifier: MIT */
/*
 * Lab PKI: credentials (certificate + chain + private key) for the DTLS
 * layer, a CA made in-process, the WLC certificate (EKU id-kp-capwapAC) and
 * fast per-AP certificates (CN = AP MAC, EKU id-kp-capwapWTP, RFC 5415
 * §12.6 / §12.8) that all share one key pair, plus the broken kinds that
 * scenarios use.  OpenSSL stays behind these opaque types (DESIGN.md).
 * For labs only: nothing here is fit for a production PKI.
 */
#ifndef CS_PKI_H
#define CS_PKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

/* A private key (RSA or EC), reference counted inside. */
struct cs_pki_key;
/*
 * A credential: one leaf certificate, the certificates that follow it in
 * its chain (may be none) and its private key (may be absent: a CA bundle
 * or a peer's certificate is a credential without a key).
 */
struct cs_cred;
/* The lab PKI: a CA (cert + key), the WLC credential, the shared AP key. */
struct cs_pki;

enum cs_pki_key_type {
	CS_PKI_KEY_RSA2048,
	CS_PKI_KEY_EC_P256,
	CS_PKI_KEY_RSA1024, /* weak on purpose (a broken kind) */
	CS_PKI_KEY_RSA3072,
	CS_PKI_KEY__COUNT
};

/* Extended key usages this module knows (bit mask). */
enum {
	CS_PKI_EKU_CAPWAP_AC = 1u << 0, /* 1.3.6.1.5.5.7.3.18, RFC 5415 §12.8 */
	CS_PKI_EKU_CAPWAP_WTP = 1u << 1, /* 1.3.6.1.5.5.7.3.19 */
	CS_PKI_EKU_SERVER_AUTH = 1u << 2,
	CS_PKI_EKU_CLIENT_AUTH = 1u << 3,
	CS_PKI_EKU_ANY = 1u << 4, /* anyExtendedKeyUsage 2.5.29.37.0 */
};

/* What a certificate is for; decides basicConstraints, keyUsage, EKU. */
enum cs_pki_role {
	CS_PKI_ROLE_CA,
	CS_PKI_ROLE_WLC, /* AC: EKU id-kp-capwapAC + serverAuth */
	CS_PKI_ROLE_AP,  /* WTP: EKU id-kp-capwapWTP + clientAuth */
	CS_PKI_ROLE__COUNT
};

/*
 * The broken kinds scenarios need.  Each breaks exactly one thing about an
 * otherwise good certificate.
 */
enum cs_pki_broken {
	CS_PKI_GOOD,
	CS_PKI_EXPIRED,       /* notAfter in the past (1 day before "now") */
	CS_PKI_NOT_YET_VALID, /* notBefore in the future (1 year after) */
	CS_PKI_UNKNOWN_CA,    /* signed by a second CA nobody trusts */
	CS_PKI_WRONG_EKU,     /* serverAuth/clientAuth only, no CAPWAP EKU */
	CS_PKI_SHA1,          /* signed with sha1WithRSAEncryption */
	CS_PKI_RSA1024,       /* its own 1024-bit RSA key */
	CS_PKI_BROKEN__COUNT
};

/* "good", "expired", "not-yet-valid", "unknown-ca", "wrong-eku", "sha1",
 * "rsa1024"; NULL when out of range. */
CS_API const char *cs_pki_broken_name(enum cs_pki_broken b);
/* Reverse of the above; -EINVAL when unknown. */
CS_API int cs_pki_broken_parse(const char *name, enum cs_pki_broken *out);

/* One certificate to issue. */
struct cs_pki_req {
	enum cs_pki_role role;
	const char *cn;     /* subject commonName (required) */
	const char *org;    /* subject O; NULL = "capsim lab" */
	int64_t not_before; /* unix seconds */
	int64_t not_after;  /* unix seconds */
	bool sha1;          /* sign with SHA-1 instead of SHA-256 */
	/* EKU bits; 0 = the role's default (none for a CA). */
	unsigned eku;
	uint64_t serial;     /* 0 = a fresh random 64-bit serial */
	const char *san_dns; /* a subjectAltName dNSName; NULL = none */
};

/* --- keys ------------------------------------------------------------ */

/* Generates a key.  -ENOMEM / -EIO on failure. */
CS_API int cs_pki_key_new(struct cs_pki_key **out, enum cs_pki_key_type t);
/* Loads a PEM private key (unencrypted).  -ENOENT, -EBADMSG. */
CS_API int cs_pki_key_load(struct cs_pki_key **out, const char *path);
/* Writes the key as PKCS#8 PEM, creating the file with mode 0600. */
CS_API int cs_pki_key_save(const struct cs_pki_key *k, const char *path);
/* Key size in bits. */
CS_API int cs_pki_key_bits(const struct cs_pki_key *k);
/* Accepts NULL.  Secrets are wiped by OpenSSL's key free. */
CS_API void cs_pki_key_free(struct cs_pki_key *k);

/* --- credentials ----------------------------------------------------- */

/*
 * Issues a certificate for `key` (the public half), signed by `issuer`
 * (a credential with a private key; NULL = self-signed with `key`).  The
 * result holds its own references to `key` and to issuer's certificate
 * (as the chain), so the arguments may be freed afterwards.
 */
CS_API int cs_pki_issue(struct cs_cred **out, const struct cs_pki_req *req,
    const struct cs_pki_key *key, const struct cs_cred *issuer);

/*
 * Loads a PEM file holding one or more certificates (leaf first, then its
 * chain; for a CA bundle all of them count as anchors) and, if key_path is
 * not NULL, the private key.  -ENOENT, -EBADMSG (no certificate / bad
 * PEM), -EKEYREJECTED (key does not match the certificate).
 */
CS_API int cs_cred_load(
    struct cs_cred **out, const char *cert_path, const char *key_path);
/* As cs_cred_load; on failure *why (when not NULL) names the file and
 * the reason, e.g. "ap-key.pem: not the key of the certificate in
 * ap.pem". */
CS_API int cs_cred_load_why(struct cs_cred **out, const char *cert_path,
    const char *key_path, char *why, size_t why_len);
/* Writes the leaf + chain as PEM to cert_path (mode 0644) and, when the
 * credential has a key and key_path is not NULL, the key (mode 0600). */
CS_API int cs_cred_save(
    const struct cs_cred *c, const char *cert_path, const char *key_path);
/* Whether the credential holds a private key. */
CS_API bool cs_cred_has_key(const struct cs_cred *c);
/* Accepts NULL. */
CS_API void cs_cred_free(struct cs_cred *c);

/* Human summary of a certificate (also used for the DTLS peer). */
struct cs_cert_info {
	char subject_cn[96];
	char subject[256]; /* RFC 2253 one-line */
	char issuer[256];
	char serial_hex[48];
	int64_t not_before; /* unix seconds */
	int64_t not_after;
	unsigned eku; /* CS_PKI_EKU_* bits */
	bool has_eku;
	char eku_text[128]; /* e.g. "capwapAC, serverAuth"; "" when none */
	char key_type[16];  /* "RSA", "EC" */
	int key_bits;
	char sig_alg[48]; /* e.g. "sha256WithRSAEncryption" */
	bool is_ca;
	/* The device MAC (RFC 5415 §12.6): from the CN in any form a peer
	 * writes it (cs_val_mac_cn), else from the first subjectAltName
	 * dNSName or directoryName CN that holds one (AP certificates that
	 * carry the MAC beside another CN).  mac_from names the source:
	 * "CN", "SAN" or "" when there is none. */
	bool has_mac;
	uint8_t mac[6];
	char mac_from[4];
};
/* Summary of the credential's leaf certificate. */
CS_API int cs_cred_info(const struct cs_cred *c, struct cs_cert_info *out);
/* SHA-1 of the leaf certificate's public key (the subjectPublicKey BIT
 * STRING, RFC 5280 §4.2.1.2 method 1), e.g. for AireOS `config auth-list
 * add ssc`.  0, -EINVAL, -EIO. */
CS_API int cs_cred_pubkey_sha1(const struct cs_cred *c, uint8_t out[20]);

/* --- the lab PKI ------------------------------------------------------ */

struct cs_pki_cfg {
	enum cs_pki_key_type key_type; /* CA, WLC and shared AP key */
	int64_t now;                   /* unix seconds; validity starts here */
	const char *ca_cn;             /* NULL = "capsim lab CA" */
	const char *wlc_cn;            /* NULL = "capsim-wlc" */
	int validity_days;             /* CA/WLC; 0 = 20 years */
	int ap_validity_days;          /* AP certs; 0 = 10 years (MIC-like) */
	/* Bring your own CA: both paths set = load them instead of making a
	 * CA (AP/WLC certs are then signed by it). */
	const char *ca_cert_path;
	const char *ca_key_path;
};

/* Makes (or loads) the CA, issues the WLC credential and makes the shared
 * AP key.  One call costs a few key generations (~100 ms for RSA). */
CS_API int cs_pki_new(struct cs_pki **out, const struct cs_pki_cfg *cfg);
/* Accepts NULL. */
CS_API void cs_pki_free(struct cs_pki *p);

/* The CA credential (with key) and the WLC credential; owned by p. */
CS_API const struct cs_cred *cs_pki_ca(const struct cs_pki *p);
CS_API const struct cs_cred *cs_pki_wlc(const struct cs_pki *p);

/*
 * Issues an AP certificate: CN = MAC in RFC 5415 form "00:11:22:33:44:55",
 * EKU id-kp-capwapWTP + clientAuth, the shared AP key (no key generation,
 * so this is fast), made `broken` as asked (CS_PKI_RSA1024 does generate
 * one 1024-bit key, kept and reused by later calls).
 */
CS_API int cs_pki_issue_ap(struct cs_pki *p, const uint8_t mac[6],
    enum cs_pki_broken broken, struct cs_cred **out);
/* Issues a WLC certificate, broken as asked (CS_PKI_GOOD = a fresh copy of
 * the usual one). */
CS_API int cs_pki_issue_wlc(
    struct cs_pki *p, enum cs_pki_broken broken, struct cs_cred **out);

#endif /* CS_PKI_H */
