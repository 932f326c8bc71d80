/* SPDX-License-Identifier: MIT */
/*
 * The certificate policy of a CAPWAP DTLS session (RFC 5415 §12.6, §12.8):
 * OpenSSL's chain checks at the endpoint's own clock, the CAPWAP EKUs, the
 * MAC in the peer's certificate, and every rejection explained in words.
 */
#include "capsim/dtls.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "capsim/values.h"
#include "dtls-internal.h"

static void
dtls_fmt_time(int64_t t, char *buf, size_t cap)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, cap, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(buf, cap, "@%lld", (long long)t);
}

/* Records the first certificate problem in words. */
static void dtls_vfail(struct cs_dtls *s, enum cs_dtls_fail code,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
dtls_vfail(struct cs_dtls *s, enum cs_dtls_fail code, const char *fmt, ...)
{
	va_list ap;

	if (s->vfail != CS_DTLS_FAIL_NONE)
		return;
	s->vfail = code;
	va_start(ap, fmt);
	vsnprintf(s->vreason, sizeof(s->vreason), fmt, ap);
	va_end(ap);
}

/* "WLC certificate" for the leaf, "WLC's CA certificate (CN=...)" above. */
static void
dtls_cert_label(struct cs_dtls *s, X509 *x, int depth, char *buf, size_t cap)
{
	char cn[96] = "";

	if (depth == 0) {
		snprintf(buf, cap, "%s certificate", dtls_peer_name(s->ctx));
		return;
	}
	if (x != NULL)
		X509_NAME_get_text_by_NID(
		    X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
	snprintf(buf, cap, "%s's CA certificate (CN=%s)",
	    dtls_peer_name(s->ctx), cn);
}

static void
dtls_explain_x509(struct cs_dtls *s, int err, X509 *x, int depth)
{
	char what[160], t1[32], t2[32], cn[96] = "";
	int64_t t = 0;
	int mdnid = NID_undef, pknid = NID_undef;

	dtls_cert_label(s, x, depth, what, sizeof(what));
	dtls_fmt_time(s->now, t2, sizeof(t2));
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		if (x != NULL)
			cs_pki_asn1_time(X509_get0_notAfter(x), &t);
		dtls_fmt_time(t, t1, sizeof(t1));
		dtls_vfail(s, CS_DTLS_FAIL_CERT_EXPIRED,
		    "%s has expired (notAfter %s; %s clock is %s)", what, t1,
		    dtls_self_name(s->ctx), t2);
		return;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		if (x != NULL)
			cs_pki_asn1_time(X509_get0_notBefore(x), &t);
		dtls_fmt_time(t, t1, sizeof(t1));
		dtls_vfail(s, CS_DTLS_FAIL_NOT_YET_VALID,
		    "%s not valid before %s; %s clock is %s", what, t1,
		    dtls_self_name(s->ctx), t2);
		return;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		/* Name the CA we do not trust: the self-signed root the peer
		 * sent, or the issuer of the highest certificate we have. */
		if (x != NULL)
			X509_NAME_get_text_by_NID(
			    err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
			        ? X509_get_subject_name(x)
			        : X509_get_issuer_name(x),
			    NID_commonName, cn, sizeof(cn));
		dtls_vfail(s, CS_DTLS_FAIL_UNKNOWN_CA,
		    "%s certificate signed by an unknown CA (CN=%s, not "
		    "among the trusted CAs)",
		    dtls_peer_name(s->ctx), cn);
		return;
	case X509_V_ERR_CA_MD_TOO_WEAK:
		if (x != NULL)
			OBJ_find_sigid_algs(
			    X509_get_signature_nid(x), &mdnid, &pknid);
		dtls_vfail(s, CS_DTLS_FAIL_WEAK_SIG,
		    "%s has a %s signature, rejected at security level %d",
		    what, mdnid == NID_sha1 ? "SHA-1" : OBJ_nid2sn(mdnid),
		    SSL_get_security_level(s->ssl));
		return;
	case X509_V_ERR_EE_KEY_TOO_SMALL:
	case X509_V_ERR_CA_KEY_TOO_SMALL: {
		EVP_PKEY *pk = x != NULL ? X509_get0_pubkey(x) : NULL;

		dtls_vfail(s, CS_DTLS_FAIL_WEAK_KEY,
		    "%s: %s key too small (%d bits) for security level %d",
		    what, pk != NULL && EVP_PKEY_is_a(pk, "EC") ? "EC" : "RSA",
		    pk != NULL ? EVP_PKEY_get_bits(pk) : 0,
		    SSL_get_security_level(s->ssl));
		return;
	}
	default:
		dtls_vfail(s, CS_DTLS_FAIL_BAD_CERT, "%s rejected: %s", what,
		    X509_verify_cert_error_string(err));
		return;
	}
}

/* RFC 5415 §12.8: if the peer certificate has an EKU it must include the
 * CAPWAP one for the peer's role (or anyExtendedKeyUsage). */
static bool
dtls_check_eku(struct cs_dtls *s, X509 *x)
{
	int present = 0;
	unsigned eku = cs_pki_x509_eku(x, &present);
	unsigned want = s->ctx->role == CS_DTLS_CLIENT ? CS_PKI_EKU_CAPWAP_AC
	                                               : CS_PKI_EKU_CAPWAP_WTP;
	struct cs_cert_info ci;

	if (s->ctx->eku_policy == CS_DTLS_EKU_IGNORE)
		return true;
	if (eku & (want | CS_PKI_EKU_ANY))
		return true;
	if (!present && s->ctx->eku_policy == CS_DTLS_EKU_IF_PRESENT)
		return true;
	if (cs_pki_x509_info(x, &ci) < 0)
		ci.eku_text[0] = '\0';
	dtls_vfail(s, CS_DTLS_FAIL_BAD_EKU,
	    "%s certificate lacks EKU %s (it has: %s)", dtls_peer_name(s->ctx),
	    want == CS_PKI_EKU_CAPWAP_AC ? "id-kp-capwapAC" : "id-kp-capwapWTP",
	    present ? ci.eku_text : "no EKU extension");
	return false;
}

/* RFC 5415 §12.6: the MAC in the CN, in any form a peer writes it,
 * model prefix included (Cisco MICs: "C9120-001122334455"), or else in a
 * subjectAltName (cs_pki_x509_mac). */
static bool
dtls_check_mac(struct cs_dtls *s, X509 *x)
{
	char cn[96] = "", want[18];
	uint8_t mac[6];
	bool has_mac = false;

	if (!s->has_peer_mac)
		return true;
	X509_NAME_get_text_by_NID(
	    X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
	if (cs_pki_x509_mac(x, mac, &has_mac) == 0 && has_mac &&
	    memcmp(mac, s->peer_mac, 6) == 0)
		return true;
	cs_val_mac_str(s->peer_mac, want);
	dtls_vfail(s, CS_DTLS_FAIL_CN_MISMATCH,
	    "CN %s does not match %s MAC %s", cn[0] != '\0' ? cn : "(none)",
	    dtls_peer_name(s->ctx), want);
	return false;
}

int
dtls_verify_cb(int ok, X509_STORE_CTX *xs)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(
	    xs, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct cs_dtls *s = ssl != NULL ? dtls_of(ssl) : NULL;
	int depth = X509_STORE_CTX_get_error_depth(xs);
	X509 *x = X509_STORE_CTX_get_current_cert(xs);

	if (s == NULL)
		return ok;
	if (s->ctx->no_verify)
		return 1;
	if (!ok) {
		int err = X509_STORE_CTX_get_error(xs);

		dtls_explain_x509(s, err, x, depth);
		/* RFC 5246 §7.2.2: certificate_expired is for a certificate
		 * that "has expired or is not currently valid"; OpenSSL 3.0
		 * would send bad_certificate for one not yet valid, which
		 * hides the clock problem from anyone reading a capture */
		if (err == X509_V_ERR_CERT_NOT_YET_VALID)
			X509_STORE_CTX_set_error(
			    xs, X509_V_ERR_CERT_HAS_EXPIRED);
		return 0;
	}
	if (depth == 0 && x != NULL) {
		if (!dtls_check_eku(s, x)) {
			X509_STORE_CTX_set_error(
			    xs, X509_V_ERR_INVALID_PURPOSE);
			return 0;
		}
		if (!dtls_check_mac(s, x)) {
			X509_STORE_CTX_set_error(
			    xs, X509_V_ERR_APPLICATION_VERIFICATION);
			return 0;
		}
	}
	return 1;
}
