/* SPDX-License-Identifier: MIT */
/*
 * Lab PKI made in-process with OpenSSL: keys, certificates for the three
 * CAPWAP roles (RFC 5415 §12.6–§12.8: CN holds the MAC, EKU
 * id-kp-capwapAC / id-kp-capwapWTP), the broken kinds scenarios need, and
 * PEM load/save.  AP certificates share one key so issuing thousands costs
 * one signature each, no key generation.
 */
#include "capsim/pki.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "capsim/values.h"
#include "dtls-internal.h"

#define PKI_DAY_S      86400LL
#define PKI_YEAR_S     (365LL * PKI_DAY_S)
#define PKI_CA_CN      "capsim lab CA"
#define PKI_ROGUE_CN   "capsim rogue CA (not trusted)"
#define PKI_WLC_CN     "capsim-wlc"
#define PKI_ORG        "capsim lab"
#define PKI_BACKDATE_S 3600 /* certificates start an hour early */

struct cs_pki {
	struct cs_cred *ca;
	struct cs_cred *rogue; /* made on first use (CS_PKI_UNKNOWN_CA) */
	struct cs_cred *wlc;
	struct cs_pki_key *wlc_key;
	struct cs_pki_key *ap_key;   /* shared by every AP certificate */
	struct cs_pki_key *weak_key; /* RSA-1024, made on first use */
	enum cs_pki_key_type key_type;
	int64_t now;
	int ap_validity_days;
	int validity_days;
	char wlc_cn[64];
};

static const char *const pki_broken_names[] = {
	[CS_PKI_GOOD] = "good",
	[CS_PKI_EXPIRED] = "expired",
	[CS_PKI_NOT_YET_VALID] = "not-yet-valid",
	[CS_PKI_UNKNOWN_CA] = "unknown-ca",
	[CS_PKI_WRONG_EKU] = "wrong-eku",
	[CS_PKI_SHA1] = "sha1",
	[CS_PKI_RSA1024] = "rsa1024",
};
_Static_assert(CS_ARRAY_SIZE(pki_broken_names) == CS_PKI_BROKEN__COUNT,
    "pki_broken_names[] out of sync with enum cs_pki_broken");

const char *
cs_pki_broken_name(enum cs_pki_broken b)
{
	if ((unsigned)b >= CS_PKI_BROKEN__COUNT)
		return NULL;
	return pki_broken_names[b];
}

int
cs_pki_broken_parse(const char *name, enum cs_pki_broken *out)
{
	if (name == NULL || out == NULL)
		return -EINVAL;
	for (unsigned i = 0; i < CS_PKI_BROKEN__COUNT; i++)
		if (strcmp(name, pki_broken_names[i]) == 0) {
			*out = (enum cs_pki_broken)i;
			return 0;
		}
	return -EINVAL;
}

/* --- keys -------------------------------------------------------------- */

int
cs_pki_key_new(struct cs_pki_key **out, enum cs_pki_key_type t)
{
	struct cs_pki_key *k;
	EVP_PKEY *pk;

	if (out == NULL)
		return -EINVAL;
	switch (t) {
	case CS_PKI_KEY_RSA2048:
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
		break;
	case CS_PKI_KEY_RSA3072:
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
		break;
	case CS_PKI_KEY_RSA1024:
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
		break;
	case CS_PKI_KEY_EC_P256:
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case CS_PKI_KEY__COUNT:
	default:
		return -EINVAL;
	}
	if (pk == NULL)
		return -EIO;
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		EVP_PKEY_free(pk);
		return -ENOMEM;
	}
	k->pkey = pk;
	*out = k;
	return 0;
}

static int
pki_open_bio(const char *path, BIO **out)
{
	BIO *b = NULL;

	if ((b = BIO_new_file(path, "r")) == NULL) {
		ERR_clear_error();
		return errno != 0 ? -errno : -ENOENT;
	}
	*out = b;
	return 0;
}

int
cs_pki_key_load(struct cs_pki_key **out, const char *path)
{
	struct cs_pki_key *k;
	EVP_PKEY *pk;
	BIO *b = NULL;
	int r;

	if (out == NULL || path == NULL)
		return -EINVAL;
	if ((r = pki_open_bio(path, &b)) < 0)
		return r;
	pk = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	if (pk == NULL) {
		ERR_clear_error();
		return -EBADMSG;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		EVP_PKEY_free(pk);
		return -ENOMEM;
	}
	k->pkey = pk;
	*out = k;
	return 0;
}

/*
 * Writes a memory BIO's contents to path with `mode`, never through a
 * symbolic link (-ELOOP: an attacker's link must not make us truncate
 * its target): into a new file beside it (O_CREAT | O_EXCL, so 0600 from
 * birth: a key is never readable by others, not even for an instant),
 * renamed over path when complete.
 */
static int
pki_write_file(const char *path, BIO *mem, mode_t mode)
{
	struct stat st;
	char *data, *tmp;
	long len;
	ssize_t n;
	int fd, r = 0;

	len = BIO_get_mem_data(mem, &data);
	if (len < 0)
		return -EIO;
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return S_ISLNK(st.st_mode) ? -ELOOP : -EINVAL;
	if ((tmp = malloc(strlen(path) + sizeof(".tmp-XXXXXX"))) == NULL)
		return -ENOMEM;
	strcpy(tmp, path);
	strcat(tmp, ".tmp-XXXXXX");
	if ((fd = mkstemp(tmp)) < 0) { /* 0600, O_EXCL */
		r = -errno;
		free(tmp);
		return r;
	}
	if (fchmod(fd, mode) < 0)
		r = -errno;
	while (r == 0 && len > 0) {
		n = write(fd, data, (size_t)len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		data += n;
		len -= n;
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) != 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	free(tmp);
	return r;
}

static int
pki_key_write(EVP_PKEY *pk, const char *path)
{
	BIO *mem;
	int r;

	if ((mem = BIO_new(BIO_s_secmem())) == NULL)
		return -ENOMEM;
	if (!PEM_write_bio_PrivateKey(mem, pk, NULL, NULL, 0, NULL, NULL)) {
		ERR_clear_error();
		BIO_free(mem);
		return -EIO;
	}
	r = pki_write_file(path, mem, 0600);
	BIO_free(mem); /* secmem BIO: cleansed on free */
	return r;
}

int
cs_pki_key_save(const struct cs_pki_key *k, const char *path)
{
	if (k == NULL || path == NULL)
		return -EINVAL;
	return pki_key_write(k->pkey, path);
}

int
cs_pki_key_bits(const struct cs_pki_key *k)
{
	if (k == NULL)
		return -EINVAL;
	return EVP_PKEY_get_bits(k->pkey);
}

void
cs_pki_key_free(struct cs_pki_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

/* --- certificate helpers ----------------------------------------------- */

int
cs_pki_asn1_time(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return -EINVAL;
	*out = (int64_t)timegm(&tm);
	return 0;
}

unsigned
cs_pki_x509_eku(X509 *x, int *present)
{
	EXTENDED_KEY_USAGE *eku;
	unsigned bits = 0;
	int crit = 0;

	eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit, NULL);
	if (present != NULL)
		*present = eku != NULL;
	if (eku == NULL)
		return 0;
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		switch (OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i))) {
		case NID_capwapAC:
			bits |= CS_PKI_EKU_CAPWAP_AC;
			break;
		case NID_capwapWTP:
			bits |= CS_PKI_EKU_CAPWAP_WTP;
			break;
		case NID_server_auth:
			bits |= CS_PKI_EKU_SERVER_AUTH;
			break;
		case NID_client_auth:
			bits |= CS_PKI_EKU_CLIENT_AUTH;
			break;
		case NID_anyExtendedKeyUsage:
			bits |= CS_PKI_EKU_ANY;
			break;
		default:
			break;
		}
	}
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	return bits;
}

static void
pki_eku_text(unsigned eku, char *buf, size_t cap)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ CS_PKI_EKU_CAPWAP_AC, "capwapAC" },
		{ CS_PKI_EKU_CAPWAP_WTP, "capwapWTP" },
		{ CS_PKI_EKU_SERVER_AUTH, "serverAuth" },
		{ CS_PKI_EKU_CLIENT_AUTH, "clientAuth" },
		{ CS_PKI_EKU_ANY, "anyExtendedKeyUsage" },
	};
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < CS_ARRAY_SIZE(names); i++) {
		if (!(eku & names[i].bit))
			continue;
		int n = snprintf(buf + len, cap - len, "%s%s",
		    len > 0 ? ", " : "", names[i].name);
		if (n < 0 || (size_t)n >= cap - len)
			return;
		len += (size_t)n;
	}
}

static void
pki_name_line(const X509_NAME *nm, char *buf, size_t cap)
{
	BIO *mem = BIO_new(BIO_s_mem());
	char *data;
	long len;

	buf[0] = '\0';
	if (mem == NULL)
		return;
	if (X509_NAME_print_ex(mem, nm, 0, XN_FLAG_RFC2253) >= 0) {
		len = BIO_get_mem_data(mem, &data);
		if (len > 0) {
			size_t n =
			    (size_t)len < cap - 1 ? (size_t)len : cap - 1;
			memcpy(buf, data, n);
			buf[n] = '\0';
		}
	}
	BIO_free(mem);
}

/* The MAC of a subjectAltName entry: a dNSName, or the CN of a
 * directoryName, in any form cs_val_mac_cn reads. */
static bool
pki_gn_mac(const GENERAL_NAME *gn, uint8_t mac[6])
{
	char buf[96];
	int n;

	if (gn->type == GEN_DNS) {
		n = ASN1_STRING_length(gn->d.dNSName);
		if (n <= 0 || (size_t)n >= sizeof(buf))
			return false;
		memcpy(buf, ASN1_STRING_get0_data(gn->d.dNSName), (size_t)n);
		buf[n] = '\0';
		if (strlen(buf) != (size_t)n)
			return false; /* an embedded NUL */
	} else if (gn->type == GEN_DIRNAME) {
		if (X509_NAME_get_text_by_NID(gn->d.directoryName,
		        NID_commonName, buf, sizeof(buf)) <= 0)
			return false;
	} else {
		return false;
	}
	return cs_val_mac_cn(buf, mac, NULL) == 0;
}

int
cs_pki_x509_mac(X509 *x, uint8_t mac[6], bool *has_mac)
{
	GENERAL_NAMES *gens;
	char cn[96] = "";
	bool found = false;

	if (x == NULL || mac == NULL || has_mac == NULL)
		return -EINVAL;
	X509_NAME_get_text_by_NID(
	    X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
	if (cs_val_mac_cn(cn, mac, NULL) == 0) {
		*has_mac = true;
		return 0;
	}
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; !found && i < sk_GENERAL_NAME_num(gens); i++)
		found = pki_gn_mac(sk_GENERAL_NAME_value(gens, i), mac);
	GENERAL_NAMES_free(gens);
	ERR_clear_error();
	*has_mac = found;
	return 0;
}

int
cs_pki_x509_info(X509 *x, struct cs_cert_info *out)
{
	struct cs_cert_info ci;
	EVP_PKEY *pk;
	int present = 0, nid;
	char *hex;
	BIGNUM *bn;

	if (x == NULL || out == NULL)
		return -EINVAL;
	memset(&ci, 0, sizeof(ci));
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName,
	    ci.subject_cn, sizeof(ci.subject_cn));
	pki_name_line(X509_get_subject_name(x), ci.subject, sizeof(ci.subject));
	pki_name_line(X509_get_issuer_name(x), ci.issuer, sizeof(ci.issuer));
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) !=
	    NULL) {
		if ((hex = BN_bn2hex(bn)) != NULL) {
			snprintf(
			    ci.serial_hex, sizeof(ci.serial_hex), "%s", hex);
			OPENSSL_free(hex);
		}
		BN_free(bn);
	}
	if (cs_pki_asn1_time(X509_get0_notBefore(x), &ci.not_before) < 0 ||
	    cs_pki_asn1_time(X509_get0_notAfter(x), &ci.not_after) < 0)
		return -EBADMSG;
	ci.eku = cs_pki_x509_eku(x, &present);
	ci.has_eku = present != 0;
	pki_eku_text(ci.eku, ci.eku_text, sizeof(ci.eku_text));
	if ((pk = X509_get0_pubkey(x)) != NULL) {
		ci.key_bits = EVP_PKEY_get_bits(pk);
		snprintf(ci.key_type, sizeof(ci.key_type), "%s",
		    EVP_PKEY_is_a(pk, "RSA")      ? "RSA"
		        : EVP_PKEY_is_a(pk, "EC") ? "EC"
		                                  : "other");
	}
	nid = X509_get_signature_nid(x);
	snprintf(ci.sig_alg, sizeof(ci.sig_alg), "%s",
	    nid != NID_undef ? OBJ_nid2ln(nid) : "unknown");
	ci.is_ca = X509_check_ca(x) != 0;
	if (cs_pki_x509_mac(x, ci.mac, &ci.has_mac) == 0 && ci.has_mac)
		snprintf(ci.mac_from, sizeof(ci.mac_from), "%s",
		    cs_val_mac_cn(ci.subject_cn, ci.mac, NULL) == 0 ? "CN"
		                                                    : "SAN");
	ERR_clear_error();
	*out = ci;
	return 0;
}

/* --- issuing ------------------------------------------------------------ */

static int
pki_add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext;
	int ok;

	ext = X509V3_EXT_nconf_nid(NULL, ctx, nid, value);
	if (ext == NULL)
		return -EIO;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -EIO;
}

static int
pki_eku_value(unsigned eku, char *buf, size_t cap)
{
	static const struct {
		unsigned bit;
		const char *oid;
	} oids[] = {
		{ CS_PKI_EKU_CAPWAP_AC, "1.3.6.1.5.5.7.3.18" },
		{ CS_PKI_EKU_CAPWAP_WTP, "1.3.6.1.5.5.7.3.19" },
		{ CS_PKI_EKU_SERVER_AUTH, "serverAuth" },
		{ CS_PKI_EKU_CLIENT_AUTH, "clientAuth" },
		{ CS_PKI_EKU_ANY, "anyExtendedKeyUsage" },
	};
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < CS_ARRAY_SIZE(oids); i++) {
		if (!(eku & oids[i].bit))
			continue;
		int n = snprintf(buf + len, cap - len, "%s%s",
		    len > 0 ? "," : "", oids[i].oid);
		if (n < 0 || (size_t)n >= cap - len)
			return -ENOBUFS;
		len += (size_t)n;
	}
	return 0;
}

static int
pki_set_serial(X509 *x, uint64_t serial)
{
	uint8_t b[8];
	ASN1_INTEGER *ai;
	BIGNUM *bn;
	int ok;

	if (serial == 0) {
		if (RAND_bytes(b, sizeof(b)) != 1)
			return -EIO;
		b[0] &= 0x7f; /* positive, RFC 5280 §4.1.2.2 */
		b[0] |= 0x01; /* and never 0 */
	} else {
		for (int i = 0; i < 8; i++)
			b[i] = (uint8_t)(serial >> (56 - 8 * i));
	}
	if ((bn = BN_bin2bn(b, sizeof(b), NULL)) == NULL)
		return -ENOMEM;
	ai = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	ok = ai != NULL;
	return ok ? 0 : -EIO;
}

static struct cs_cred *
pki_cred_alloc(void)
{
	return calloc(1, sizeof(struct cs_cred));
}

int
cs_pki_issue(struct cs_cred **out, const struct cs_pki_req *req,
    const struct cs_pki_key *key, const struct cs_cred *issuer)
{
	struct cs_cred *c = NULL;
	X509V3_CTX v3;
	X509_NAME *nm;
	X509 *x = NULL;
	EVP_PKEY *signkey;
	unsigned eku;
	char ekubuf[160];
	int r = -EIO;

	if (out == NULL || req == NULL || key == NULL || req->cn == NULL ||
	    (unsigned)req->role >= CS_PKI_ROLE__COUNT ||
	    req->not_after <= req->not_before)
		return -EINVAL;
	if (issuer != NULL && issuer->key == NULL)
		return -EINVAL;
	signkey = issuer != NULL ? issuer->key : key->pkey;
	if ((x = X509_new()) == NULL)
		return -ENOMEM;
	if (!X509_set_version(x, X509_VERSION_3) ||
	    (r = pki_set_serial(x, req->serial)) < 0)
		goto fail;
	r = -EIO;
	if (ASN1_TIME_set(X509_getm_notBefore(x), (time_t)req->not_before) ==
	        NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), (time_t)req->not_after) ==
	        NULL)
		goto fail;
	nm = X509_get_subject_name(x);
	/* RFC 5415 §12.6: the MAC in the CN is a PrintableString. */
	if (!X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_ASC,
	        (const unsigned char *)(req->org != NULL ? req->org : PKI_ORG),
	        -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
	        (const unsigned char *)req->cn, -1, -1, 0))
		goto fail;
	if (!X509_set_issuer_name(
	        x, issuer != NULL ? X509_get_subject_name(issuer->cert) : nm) ||
	    !X509_set_pubkey(x, key->pkey))
		goto fail;

	X509V3_set_ctx(
	    &v3, issuer != NULL ? issuer->cert : x, x, NULL, NULL, 0);
	eku = req->eku;
	switch (req->role) {
	case CS_PKI_ROLE_CA:
		if ((r = pki_add_ext(x, &v3, NID_basic_constraints,
		         "critical,CA:TRUE")) < 0 ||
		    (r = pki_add_ext(x, &v3, NID_key_usage,
		         "critical,keyCertSign,cRLSign")) < 0)
			goto fail;
		break;
	case CS_PKI_ROLE_WLC:
	case CS_PKI_ROLE_AP:
		if ((r = pki_add_ext(x, &v3, NID_basic_constraints,
		         "critical,CA:FALSE")) < 0 ||
		    (r = pki_add_ext(x, &v3, NID_key_usage,
		         EVP_PKEY_is_a(key->pkey, "EC")
		             ? "critical,digitalSignature,keyAgreement"
		             : "critical,digitalSignature,keyEncipherment")) <
		        0)
			goto fail;
		if (eku == 0)
			eku = req->role == CS_PKI_ROLE_WLC
			    ? CS_PKI_EKU_CAPWAP_AC | CS_PKI_EKU_SERVER_AUTH
			    : CS_PKI_EKU_CAPWAP_WTP | CS_PKI_EKU_CLIENT_AUTH;
		break;
	case CS_PKI_ROLE__COUNT:
		r = -EINVAL;
		goto fail;
	}
	if (eku != 0) {
		if ((r = pki_eku_value(eku, ekubuf, sizeof(ekubuf))) < 0 ||
		    (r = pki_add_ext(x, &v3, NID_ext_key_usage, ekubuf)) < 0)
			goto fail;
	}
	if (req->san_dns != NULL) {
		char san[128];

		if (snprintf(san, sizeof(san), "DNS:%s", req->san_dns) >=
		        (int)sizeof(san) ||
		    strchr(req->san_dns, ',') != NULL) {
			r = -EINVAL;
			goto fail;
		}
		if ((r = pki_add_ext(x, &v3, NID_subject_alt_name, san)) < 0)
			goto fail;
	}
	if ((r = pki_add_ext(x, &v3, NID_subject_key_identifier, "hash")) < 0)
		goto fail;
	if (issuer != NULL &&
	    (r = pki_add_ext(x, &v3, NID_authority_key_identifier, "keyid")) <
	        0)
		goto fail;
	r = -EIO;
	if (X509_sign(x, signkey, req->sha1 ? EVP_sha1() : EVP_sha256()) <= 0)
		goto fail;
	if ((c = pki_cred_alloc()) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	c->cert = x;
	x = NULL;
	if (!EVP_PKEY_up_ref(key->pkey))
		goto fail;
	c->key = key->pkey;
	if (issuer != NULL) {
		if ((c->chain = sk_X509_new_null()) == NULL ||
		    !X509_up_ref(issuer->cert))
			goto fail;
		if (!sk_X509_push(c->chain, issuer->cert)) {
			X509_free(issuer->cert);
			goto fail;
		}
	}
	*out = c;
	return 0;
fail:
	ERR_clear_error();
	X509_free(x);
	cs_cred_free(c);
	return r;
}

/* --- credentials -------------------------------------------------------- */

static int
pki_why(int r, char *why, size_t why_len, const char *path, const char *what)
{
	if (why != NULL && why_len > 0)
		snprintf(why, why_len, "%s: %s", path,
		    what != NULL ? what : strerror(-r));
	return r;
}

int
cs_cred_load(struct cs_cred **out, const char *cert_path, const char *key_path)
{
	return cs_cred_load_why(out, cert_path, key_path, NULL, 0);
}

int
cs_cred_load_why(struct cs_cred **out, const char *cert_path,
    const char *key_path, char *why, size_t why_len)
{
	struct cs_cred *c;
	X509 *x;
	BIO *b = NULL;
	int r;

	if (out == NULL || cert_path == NULL)
		return -EINVAL;
	if ((c = pki_cred_alloc()) == NULL)
		return -ENOMEM;
	if ((r = pki_open_bio(cert_path, &b)) < 0) {
		pki_why(r, why, why_len, cert_path, NULL);
		goto fail;
	}
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
		if (c->cert == NULL) {
			c->cert = x;
			continue;
		}
		if ((c->chain == NULL &&
		        (c->chain = sk_X509_new_null()) == NULL) ||
		    !sk_X509_push(c->chain, x)) {
			X509_free(x);
			BIO_free(b);
			r = -ENOMEM;
			goto fail;
		}
	}
	BIO_free(b);
	ERR_clear_error(); /* the read loop ends with "no start line" */
	if (c->cert == NULL) {
		r = pki_why(-EBADMSG, why, why_len, cert_path,
		    "no PEM certificate in it (-----BEGIN CERTIFICATE-----)");
		goto fail;
	}
	if (key_path != NULL) {
		if ((r = pki_open_bio(key_path, &b)) < 0) {
			pki_why(r, why, why_len, key_path, NULL);
			goto fail;
		}
		c->key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
		BIO_free(b);
		if (c->key == NULL) {
			ERR_clear_error();
			r = pki_why(-EBADMSG, why, why_len, key_path,
			    "no PEM private key in it (or one with a "
			    "passphrase)");
			goto fail;
		}
		if (!X509_check_private_key(c->cert, c->key)) {
			ERR_clear_error();
			r = -EKEYREJECTED;
			if (why != NULL && why_len > 0)
				snprintf(why, why_len,
				    "%s: not the key of the certificate in %s",
				    key_path, cert_path);
			goto fail;
		}
	}
	*out = c;
	return 0;
fail:
	cs_cred_free(c);
	return r;
}

int
cs_cred_save(
    const struct cs_cred *c, const char *cert_path, const char *key_path)
{
	BIO *mem;
	int r, ok;

	if (c == NULL || cert_path == NULL)
		return -EINVAL;
	if ((mem = BIO_new(BIO_s_mem())) == NULL)
		return -ENOMEM;
	ok = PEM_write_bio_X509(mem, c->cert);
	for (int i = 0; ok && c->chain != NULL && i < sk_X509_num(c->chain);
	     i++)
		ok = PEM_write_bio_X509(mem, sk_X509_value(c->chain, i));
	r = ok ? pki_write_file(cert_path, mem, 0644) : -EIO;
	BIO_free(mem);
	ERR_clear_error();
	if (r < 0)
		return r;
	if (key_path != NULL && c->key != NULL)
		return pki_key_write(c->key, key_path);
	return 0;
}

bool
cs_cred_has_key(const struct cs_cred *c)
{
	return c != NULL && c->key != NULL;
}

void
cs_cred_free(struct cs_cred *c)
{
	if (c == NULL)
		return;
	X509_free(c->cert);
	sk_X509_pop_free(c->chain, X509_free);
	EVP_PKEY_free(c->key);
	free(c);
}

int
cs_cred_info(const struct cs_cred *c, struct cs_cert_info *out)
{
	if (c == NULL || c->cert == NULL)
		return -EINVAL;
	return cs_pki_x509_info(c->cert, out);
}

int
cs_cred_pubkey_sha1(const struct cs_cred *c, uint8_t out[20])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (c == NULL || c->cert == NULL || out == NULL)
		return -EINVAL;
	if (X509_pubkey_digest(c->cert, EVP_sha1(), md, &n) != 1 || n != 20)
		return -EIO;
	memcpy(out, md, 20);
	return 0;
}

/* --- the lab PKI -------------------------------------------------------- */

static int
pki_make_ca(struct cs_pki *p, const char *cn, struct cs_cred **out)
{
	struct cs_pki_key *k = NULL;
	struct cs_pki_req req = {
		.role = CS_PKI_ROLE_CA,
		.cn = cn,
		.not_before = p->now - PKI_BACKDATE_S,
		.not_after = p->now + (int64_t)p->validity_days * PKI_DAY_S,
	};
	int r;

	if ((r = cs_pki_key_new(&k, p->key_type)) < 0)
		return r;
	r = cs_pki_issue(out, &req, k, NULL);
	cs_pki_key_free(k);
	return r;
}

int
cs_pki_new(struct cs_pki **out, const struct cs_pki_cfg *cfg)
{
	struct cs_pki *p;
	int r;

	if (out == NULL || cfg == NULL ||
	    (unsigned)cfg->key_type >= CS_PKI_KEY__COUNT ||
	    cfg->validity_days < 0 || cfg->ap_validity_days < 0 ||
	    (cfg->ca_cert_path == NULL) != (cfg->ca_key_path == NULL))
		return -EINVAL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -ENOMEM;
	p->key_type = cfg->key_type;
	p->now = cfg->now != 0 ? cfg->now : (int64_t)time(NULL);
	p->validity_days =
	    cfg->validity_days != 0 ? cfg->validity_days : 20 * 365;
	p->ap_validity_days =
	    cfg->ap_validity_days != 0 ? cfg->ap_validity_days : 10 * 365;
	snprintf(p->wlc_cn, sizeof(p->wlc_cn), "%s",
	    cfg->wlc_cn != NULL ? cfg->wlc_cn : PKI_WLC_CN);
	if (cfg->ca_cert_path != NULL)
		r = cs_cred_load(&p->ca, cfg->ca_cert_path, cfg->ca_key_path);
	else
		r = pki_make_ca(
		    p, cfg->ca_cn != NULL ? cfg->ca_cn : PKI_CA_CN, &p->ca);
	if (r < 0)
		goto fail;
	if ((r = cs_pki_key_new(&p->wlc_key, p->key_type)) < 0 ||
	    (r = cs_pki_key_new(&p->ap_key, p->key_type)) < 0 ||
	    (r = cs_pki_issue_wlc(p, CS_PKI_GOOD, &p->wlc)) < 0)
		goto fail;
	*out = p;
	return 0;
fail:
	cs_pki_free(p);
	return r;
}

void
cs_pki_free(struct cs_pki *p)
{
	if (p == NULL)
		return;
	cs_cred_free(p->ca);
	cs_cred_free(p->rogue);
	cs_cred_free(p->wlc);
	cs_pki_key_free(p->wlc_key);
	cs_pki_key_free(p->ap_key);
	cs_pki_key_free(p->weak_key);
	free(p);
}

const struct cs_cred *
cs_pki_ca(const struct cs_pki *p)
{
	return p != NULL ? p->ca : NULL;
}

const struct cs_cred *
cs_pki_wlc(const struct cs_pki *p)
{
	return p != NULL ? p->wlc : NULL;
}

/* Applies `broken` to a request; picks the key and the issuer. */
static int
pki_issue_broken(struct cs_pki *p, struct cs_pki_req *req,
    struct cs_pki_key *key, enum cs_pki_broken broken, struct cs_cred **out)
{
	const struct cs_cred *issuer = p->ca;
	int r;

	switch (broken) {
	case CS_PKI_GOOD:
		break;
	case CS_PKI_EXPIRED:
		req->not_before = p->now - 2 * PKI_YEAR_S;
		req->not_after = p->now - PKI_DAY_S;
		break;
	case CS_PKI_NOT_YET_VALID:
		req->not_before = p->now + PKI_YEAR_S;
		req->not_after = p->now + 11 * PKI_YEAR_S;
		break;
	case CS_PKI_UNKNOWN_CA:
		if (p->rogue == NULL &&
		    (r = pki_make_ca(p, PKI_ROGUE_CN, &p->rogue)) < 0)
			return r;
		issuer = p->rogue;
		break;
	case CS_PKI_WRONG_EKU:
		req->eku = req->role == CS_PKI_ROLE_WLC
		    ? CS_PKI_EKU_SERVER_AUTH
		    : CS_PKI_EKU_CLIENT_AUTH;
		break;
	case CS_PKI_SHA1:
		req->sha1 = true;
		break;
	case CS_PKI_RSA1024:
		if (p->weak_key == NULL &&
		    (r = cs_pki_key_new(&p->weak_key, CS_PKI_KEY_RSA1024)) < 0)
			return r;
		key = p->weak_key;
		break;
	case CS_PKI_BROKEN__COUNT:
	default:
		return -EINVAL;
	}
	return cs_pki_issue(out, req, key, issuer);
}

int
cs_pki_issue_ap(struct cs_pki *p, const uint8_t mac[6],
    enum cs_pki_broken broken, struct cs_cred **out)
{
	char cn[18];
	struct cs_pki_req req = { .role = CS_PKI_ROLE_AP, .cn = cn };

	if (p == NULL || mac == NULL || out == NULL)
		return -EINVAL;
	cs_val_mac_str(mac, cn);
	req.not_before = p->now - PKI_BACKDATE_S;
	req.not_after = p->now + (int64_t)p->ap_validity_days * PKI_DAY_S;
	return pki_issue_broken(p, &req, p->ap_key, broken, out);
}

int
cs_pki_issue_wlc(
    struct cs_pki *p, enum cs_pki_broken broken, struct cs_cred **out)
{
	struct cs_pki_req req = { .role = CS_PKI_ROLE_WLC };

	if (p == NULL || out == NULL)
		return -EINVAL;
	req.cn = p->wlc_cn;
	req.not_before = p->now - PKI_BACKDATE_S;
	req.not_after = p->now + (int64_t)p->validity_days * PKI_DAY_S;
	return pki_issue_broken(p, &req, p->wlc_key, broken, out);
}
