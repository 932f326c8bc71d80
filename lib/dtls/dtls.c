/* SPDX-License-Identifier: MIT */
/*
 * CAPWAP DTLS sessions on OpenSSL 3.0 (RFC 5415 §2.4, §4.2, §12): the
 * shared SSL_CTX, one SSL per peer over our datagram BIO, cookie exchange on
 * the server, certificate policy (CAPWAP EKUs, MAC in CN, the endpoint's own
 * clock) and failure reasons written for people.  Sans-I/O: the caller
 * feeds datagrams and owns the retransmission timer.
 */
#include "capsim/dtls.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "capsim/cursor.h"
#include "capsim/values.h"
#include "dtls-internal.h"

#define DTLS_COOKIE_SECRET_LEN 32
#define DTLS_PEER_MAX          64
#define DTLS_MAX_TIMEOUT_US    60000000u /* RFC 6347 §4.2.4.1: 60 s cap */
#define DTLS_READ_BUF          16384     /* largest DTLS record plaintext */

struct cs_dtls_ctx {
	SSL_CTX *ssl;
	atomic_int refs;
	enum cs_dtls_role role;
	enum cs_dtls_version version;
	int seclevel;
	unsigned mtu;
	unsigned initial_timeout_ms;
	enum cs_dtls_eku_policy eku_policy;
	bool no_verify;
	uint8_t cookie_secret[DTLS_COOKIE_SECRET_LEN];
	cs_dtls_keylog_fn *keylog;
	void *keylog_ctx;
	const struct cs_log *log;
};

struct cs_dtls {
	struct cs_dtls_ctx *ctx;
	SSL *ssl;
	BIO *bio; /* owned by ssl */
	struct cs_dtls_io io;
	uint8_t peer[DTLS_PEER_MAX];
	size_t peer_len;
	uint8_t peer_mac[6];
	bool has_peer_mac;
	bool started;
	bool established;
	bool closed;
	bool dead;
	bool peer_verified;
	bool shut;
	bool buffers_freed;
	int64_t now; /* this endpoint's clock at the last call */
	/* Set by the verify callback; becomes the failure if the handshake
	 * then fails. */
	enum cs_dtls_fail vfail;
	char vreason[256];
	int alert_sent;
	int alert_rcvd;
	struct cs_dtls_failure fail;
	struct dtls_rfilter rf; /* records checked before OpenSSL */
	struct cs_dtls_drops drops;
	uint64_t n_app;                  /* application datagrams delivered */
	uint8_t cookie[DTLS_COOKIE_LEN]; /* the proven cookie (server) */
	unsigned cookie_len;
	bool listened; /* server: DTLSv1_listen accepted the ClientHello */
};

static const char *const dtls_fail_names[] = {
	[CS_DTLS_FAIL_NONE] = "none",
	[CS_DTLS_FAIL_CERT_EXPIRED] = "cert-expired",
	[CS_DTLS_FAIL_NOT_YET_VALID] = "cert-not-yet-valid",
	[CS_DTLS_FAIL_UNKNOWN_CA] = "unknown-ca",
	[CS_DTLS_FAIL_BAD_EKU] = "bad-eku",
	[CS_DTLS_FAIL_CN_MISMATCH] = "cn-mismatch",
	[CS_DTLS_FAIL_WEAK_SIG] = "weak-signature",
	[CS_DTLS_FAIL_WEAK_KEY] = "weak-key",
	[CS_DTLS_FAIL_BAD_CERT] = "bad-cert",
	[CS_DTLS_FAIL_NO_CERT] = "no-cert",
	[CS_DTLS_FAIL_VERSION] = "version",
	[CS_DTLS_FAIL_NO_SHARED_CIPHER] = "no-shared-cipher",
	[CS_DTLS_FAIL_COOKIE] = "cookie",
	[CS_DTLS_FAIL_PEER_ALERT] = "peer-alert",
	[CS_DTLS_FAIL_TIMEOUT] = "timeout",
	[CS_DTLS_FAIL_PROTOCOL] = "protocol",
};
_Static_assert(CS_ARRAY_SIZE(dtls_fail_names) == CS_DTLS_FAIL__COUNT,
    "dtls_fail_names[] out of sync with enum cs_dtls_fail");

static const char *const dtls_phase_names[] = {
	[CS_DTLS_PH_INIT] = "init",
	[CS_DTLS_PH_HELLO] = "hello",
	[CS_DTLS_PH_SERVER_HELLO] = "server-hello",
	[CS_DTLS_PH_SERVER_CERT] = "server-certificate",
	[CS_DTLS_PH_KEY_EXCHANGE] = "key-exchange",
	[CS_DTLS_PH_CLIENT_CERT] = "client-certificate",
	[CS_DTLS_PH_FINISHED] = "finished",
	[CS_DTLS_PH_ESTABLISHED] = "established",
};
_Static_assert(CS_ARRAY_SIZE(dtls_phase_names) == CS_DTLS_PH__COUNT,
    "dtls_phase_names[] out of sync with enum cs_dtls_phase");

const char *
cs_dtls_fail_name(enum cs_dtls_fail f)
{
	if ((unsigned)f >= CS_DTLS_FAIL__COUNT)
		return "?";
	return dtls_fail_names[f];
}

const char *
cs_dtls_phase_name(enum cs_dtls_phase p)
{
	if ((unsigned)p >= CS_DTLS_PH__COUNT)
		return "?";
	return dtls_phase_names[p];
}

void
cs_dtls_cfg_init(struct cs_dtls_cfg *cfg, enum cs_dtls_role role)
{
	if (cfg == NULL)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->role = role;
	cfg->version = CS_DTLS_V1_2;
	cfg->ciphers = CS_DTLS_DEFAULT_CIPHERS;
	cfg->security_level = -1;
	cfg->mtu = CS_DTLS_DEFAULT_MTU;
	cfg->initial_timeout_ms = 1000;
	cfg->eku_policy = CS_DTLS_EKU_IF_PRESENT;
}

/* --- small helpers ----------------------------------------------------- */

static const char *
dtls_self_name(const struct cs_dtls_ctx *c)
{
	return c->role == CS_DTLS_CLIENT ? "AP" : "WLC";
}

static const char *
dtls_peer_name(const struct cs_dtls_ctx *c)
{
	return c->role == CS_DTLS_CLIENT ? "WLC" : "AP";
}

static const char *
dtls_accepts(enum cs_dtls_version v)
{
	switch (v) {
	case CS_DTLS_V1_2:
		return "DTLS 1.2";
	case CS_DTLS_V1_0:
		return "DTLS 1.0";
	case CS_DTLS_V_ANY:
		return "DTLS 1.0 and 1.2";
	}
	return "?";
}

static const char *
dtls_version_text(int v)
{
	switch (v) {
	case DTLS1_VERSION:
		return "DTLS 1.0";
	case DTLS1_2_VERSION:
		return "DTLS 1.2";
	case DTLS1_BAD_VER:
		return "DTLS 0.9 (pre-RFC)";
	default:
		return NULL;
	}
}

static void
dtls_fmt_time(int64_t t, char *buf, size_t cap)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, cap, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(buf, cap, "@%lld", (long long)t);
}

static enum cs_dtls_phase
dtls_phase_of(const SSL *ssl)
{
	switch (SSL_get_state(ssl)) {
	case TLS_ST_BEFORE:
	case TLS_ST_CW_CLNT_HELLO:
	case TLS_ST_SR_CLNT_HELLO:
	case DTLS_ST_CR_HELLO_VERIFY_REQUEST:
	case DTLS_ST_SW_HELLO_VERIFY_REQUEST:
		return CS_DTLS_PH_HELLO;
	case TLS_ST_CR_SRVR_HELLO:
	case TLS_ST_SW_SRVR_HELLO:
		return CS_DTLS_PH_SERVER_HELLO;
	case TLS_ST_CR_CERT:
	case TLS_ST_SW_CERT:
	case TLS_ST_CR_CERT_STATUS:
	case TLS_ST_SW_CERT_STATUS:
		return CS_DTLS_PH_SERVER_CERT;
	case TLS_ST_CR_KEY_EXCH:
	case TLS_ST_SW_KEY_EXCH:
	case TLS_ST_CR_CERT_REQ:
	case TLS_ST_SW_CERT_REQ:
	case TLS_ST_CR_SRVR_DONE:
	case TLS_ST_SW_SRVR_DONE:
	case TLS_ST_CW_KEY_EXCH:
	case TLS_ST_SR_KEY_EXCH:
		return CS_DTLS_PH_KEY_EXCHANGE;
	case TLS_ST_CW_CERT:
	case TLS_ST_SR_CERT:
	case TLS_ST_CW_CERT_VRFY:
	case TLS_ST_SR_CERT_VRFY:
		return CS_DTLS_PH_CLIENT_CERT;
	case TLS_ST_CW_CHANGE:
	case TLS_ST_SW_CHANGE:
	case TLS_ST_CR_CHANGE:
	case TLS_ST_SR_CHANGE:
	case TLS_ST_CW_FINISHED:
	case TLS_ST_SW_FINISHED:
	case TLS_ST_CR_FINISHED:
	case TLS_ST_SR_FINISHED:
	case TLS_ST_CR_SESSION_TICKET:
	case TLS_ST_SW_SESSION_TICKET:
		return CS_DTLS_PH_FINISHED;
	case TLS_ST_OK:
		return CS_DTLS_PH_ESTABLISHED;
	default:
		return CS_DTLS_PH_HELLO;
	}
}

/* --- OpenSSL callbacks ------------------------------------------------- */

static struct cs_dtls *
dtls_of(const SSL *ssl)
{
	return SSL_get_app_data(ssl);
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

static int
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

static void
dtls_info_cb(const SSL *ssl, int where, int ret)
{
	struct cs_dtls *s = dtls_of(ssl);

	if (s == NULL || !(where & SSL_CB_ALERT))
		return;
	if (where & SSL_CB_READ) {
		if (SSL_alert_type_string(ret)[0] == 'F' && s->alert_rcvd < 0)
			s->alert_rcvd = ret & 0xff;
		else if ((ret & 0xff) == SSL_AD_CLOSE_NOTIFY)
			s->closed = true;
	} else if (s->alert_sent < 0 && SSL_alert_type_string(ret)[0] == 'F') {
		s->alert_sent = ret & 0xff;
	}
	cs_logf(s->ctx->log, CS_LOG_DEBUG, "dtls: %s %s alert: %s",
	    where & SSL_CB_READ ? "received" : "sent",
	    SSL_alert_type_string_long(ret), SSL_alert_desc_string_long(ret));
}

static void
dtls_keylog_cb(const SSL *ssl, const char *line)
{
	struct cs_dtls *s = dtls_of(ssl);

	if (s != NULL && s->ctx->keylog != NULL)
		s->ctx->keylog(s->ctx->keylog_ctx, line);
}

/*
 * RFC 6347 §4.2.1, stateless: the cookie was checked by dtls_cookie.c
 * before the session's SSL saw the ClientHello (dtls_server_first); what
 * OpenSSL hands its callbacks is that same cookie.  OpenSSL never issues
 * a HelloVerifyRequest of its own: a generate call means a ClientHello
 * without the proven cookie reached SSL_accept, which must not happen.
 */
static int
dtls_cookie_gen_cb(SSL *ssl, unsigned char *cookie, unsigned int *len)
{
	(void)ssl;
	(void)cookie;
	(void)len;
	return 0;
}

static int
dtls_cookie_verify_cb(SSL *ssl, const unsigned char *cookie, unsigned int len)
{
	struct cs_dtls *s = dtls_of(ssl);

	return s != NULL && s->peer_verified && len == s->cookie_len &&
	    CRYPTO_memcmp(s->cookie, cookie, len) == 0;
}

/* RFC 6347 §4.2.4.1: initial timer, doubled per retransmission up to
 * 60 s.  OpenSSL's own default is 1 s; we make it configurable because
 * some Cisco APs need longer (actube settled on 5 s). */
static unsigned int
dtls_timer_cb(SSL *ssl, unsigned int timer_us)
{
	struct cs_dtls *s = dtls_of(ssl);
	unsigned int init =
	    s != NULL ? s->ctx->initial_timeout_ms * 1000u : 1000000u;

	if (timer_us == 0)
		return init;
	if (timer_us >= DTLS_MAX_TIMEOUT_US / 2)
		return DTLS_MAX_TIMEOUT_US;
	return timer_us * 2;
}

/* --- context ------------------------------------------------------------ */

static int
dtls_ctx_set_err(struct cs_err *err, int code, const char *what)
{
	ERR_clear_error();
	return cs_err_set(err, code, what, 0);
}

/* "WHAT PATH: reason" for a file OpenSSL would not load: the system's
 * reason when the file cannot be read, else that it holds no usable PEM.
 * err->what points into a per-thread buffer valid until the next call. */
static int
dtls_ctx_file_err(
    struct cs_err *err, const char *what, const char *path, const char *bad_pem)
{
	static _Thread_local char buf[512];
	int code = -EBADMSG;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		code = errno > 0 ? -errno : -ENOENT;
	else
		fclose(f);
	snprintf(buf, sizeof(buf), "%s %s: %s", what, path,
	    code == -EBADMSG ? bad_pem : strerror(-code));
	return dtls_ctx_set_err(err, code, buf);
}

static int
dtls_add_trust(X509_STORE *st, const struct cs_cred *c)
{
	if (!X509_STORE_add_cert(st, c->cert))
		return -EINVAL;
	for (int i = 0; c->chain != NULL && i < sk_X509_num(c->chain); i++)
		if (!X509_STORE_add_cert(st, sk_X509_value(c->chain, i)))
			return -EINVAL;
	return 0;
}

static int
dtls_ctx_creds(
    struct cs_dtls_ctx *c, const struct cs_dtls_cfg *cfg, struct cs_err *err)
{
	SSL_CTX *ctx = c->ssl;

	if (cfg->cred != NULL) {
		if (cfg->cred->key == NULL)
			return dtls_ctx_set_err(
			    err, -EINVAL, "own credential has no private key");
		if (!SSL_CTX_use_cert_and_key(ctx, cfg->cred->cert,
		        cfg->cred->key, cfg->cred->chain, 1))
			return dtls_ctx_set_err(err, -EKEYREJECTED,
			    "own certificate or key refused (too weak for "
			    "the security level?)");
	} else if (cfg->cert_file != NULL || cfg->key_file != NULL) {
		if (cfg->cert_file == NULL || cfg->key_file == NULL)
			return dtls_ctx_set_err(
			    err, -EINVAL, "cert_file and key_file go together");
		if (!SSL_CTX_use_certificate_chain_file(ctx, cfg->cert_file))
			return dtls_ctx_file_err(err,
			    "cannot load own certificate file", cfg->cert_file,
			    "no PEM certificate in it");
		if (!SSL_CTX_use_PrivateKey_file(
		        ctx, cfg->key_file, SSL_FILETYPE_PEM)) {
			return dtls_ctx_file_err(err,
			    "cannot load own key file", cfg->key_file,
			    "no PEM private key in it, or not the key of the "
			    "certificate");
		}
	} else if (cfg->role == CS_DTLS_SERVER) {
		return dtls_ctx_set_err(
		    err, -EINVAL, "a DTLS server (WLC) needs a certificate");
	}
	if (cfg->trust != NULL &&
	    dtls_add_trust(SSL_CTX_get_cert_store(ctx), cfg->trust) < 0)
		return dtls_ctx_set_err(
		    err, -EINVAL, "cannot add trust anchor");
	if (cfg->ca_file != NULL &&
	    !SSL_CTX_load_verify_locations(ctx, cfg->ca_file, NULL))
		return dtls_ctx_file_err(err, "cannot load CA file",
		    cfg->ca_file, "no PEM certificate in it");
	if (cfg->trust == NULL && cfg->ca_file == NULL && !cfg->no_verify)
		return dtls_ctx_set_err(err, -EINVAL,
		    "no CA to verify the peer (set trust or ca_file, or "
		    "turn verification off explicitly)");
	return 0;
}

int
cs_dtls_ctx_new(
    struct cs_dtls_ctx **out, const struct cs_dtls_cfg *cfg, struct cs_err *err)
{
	struct cs_dtls_ctx *c;
	const char *ciphers;
	int minv, maxv, r;
	X509_VERIFY_PARAM *vp;

	if (out == NULL || cfg == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	if (cfg->role != CS_DTLS_CLIENT && cfg->role != CS_DTLS_SERVER)
		return cs_err_set(err, -EINVAL, "bad role", 0);
	if (cfg->security_level < -1 || cfg->security_level > 5)
		return cs_err_set(err, -EINVAL, "security level not -1..5", 0);
	if (cfg->mtu != 0 && cfg->mtu < CS_DTLS_MIN_MTU)
		return cs_err_set(err, -EINVAL, "MTU below 256", 0);
	switch (cfg->version) {
	case CS_DTLS_V1_2:
		minv = maxv = DTLS1_2_VERSION;
		break;
	case CS_DTLS_V1_0:
		minv = maxv = DTLS1_VERSION;
		break;
	case CS_DTLS_V_ANY:
		minv = DTLS1_VERSION;
		maxv = DTLS1_2_VERSION;
		break;
	default:
		return cs_err_set(err, -EINVAL, "bad DTLS version", 0);
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return cs_err_set(err, -ENOMEM, "out of memory", 0);
	atomic_init(&c->refs, 1);
	c->role = cfg->role;
	c->version = cfg->version;
	c->mtu = cfg->mtu != 0 ? cfg->mtu : CS_DTLS_DEFAULT_MTU;
	c->initial_timeout_ms =
	    cfg->initial_timeout_ms != 0 ? cfg->initial_timeout_ms : 1000;
	c->eku_policy = cfg->eku_policy;
	c->no_verify = cfg->no_verify;
	c->keylog = cfg->keylog;
	c->keylog_ctx = cfg->keylog_ctx;
	c->log = cfg->log;
	r = -ENOMEM;
	if ((c->ssl = SSL_CTX_new(DTLS_method())) == NULL) {
		dtls_ctx_set_err(err, r, "SSL_CTX_new failed");
		goto fail;
	}
	r = -EINVAL;
	if (!SSL_CTX_set_min_proto_version(c->ssl, minv) ||
	    !SSL_CTX_set_max_proto_version(c->ssl, maxv)) {
		dtls_ctx_set_err(err, r, "cannot set DTLS version");
		goto fail;
	}
	ciphers = cfg->ciphers != NULL ? cfg->ciphers : CS_DTLS_DEFAULT_CIPHERS;
	if (!SSL_CTX_set_cipher_list(c->ssl, ciphers)) {
		dtls_ctx_set_err(err, r, "no usable cipher in the cipher list");
		goto fail;
	}
	/* A "@SECLEVEL=n" in the cipher string wins; otherwise -1 means 2
	 * (Debian's choice) for 1.2 only, 0 when 1.0 is allowed: OpenSSL 3
	 * refuses DTLS 1.0 (SHA-1/MD5 PRF) above level 0. */
	if (strstr(ciphers, "@SECLEVEL") == NULL) {
		c->seclevel = cfg->security_level >= 0 ? cfg->security_level
		    : cfg->version == CS_DTLS_V1_2     ? 2
		                                       : 0;
		SSL_CTX_set_security_level(c->ssl, c->seclevel);
	}
	c->seclevel = SSL_CTX_get_security_level(c->ssl);
	/* The caller gives the MTU (RFC 5415 §12: the DTLS component is told
	 * the MTU); never ask a socket.  Buffers go away when idle. */
	SSL_CTX_set_options(c->ssl, SSL_OP_NO_QUERY_MTU);
	SSL_CTX_set_mode(c->ssl, SSL_MODE_RELEASE_BUFFERS);
	/* No encrypt-then-MAC (RFC 7366) for CBC suites: OpenSSL 3.0's DTLS
	 * ends the session on one record whose EtM MAC fails (a fatal
	 * bad_record_mac), so a single spoofed datagram would kill it;
	 * with MAC-then-encrypt it discards the record silently, as RFC
	 * 6347 §4.1.2.7 asks (and OpenSSL checks that MAC in constant
	 * time).  Found by fuzz_dtls_session; AEAD suites are unaffected. */
	SSL_CTX_set_options(c->ssl, SSL_OP_NO_ENCRYPT_THEN_MAC);
	/* RFC 5415 §12 wants the certificate checks CAPWAP defines (EKU
	 * capwapAC/WTP), not TLS's serverAuth/clientAuth purpose. */
	vp = SSL_CTX_get0_param(c->ssl);
	X509_VERIFY_PARAM_set_purpose(vp, X509_PURPOSE_ANY);
	if (cfg->role == CS_DTLS_SERVER) {
		/* RFC 5415 §12.1 / RFC 6347 §4.2.1: always do the cookie
		 * exchange. */
		SSL_CTX_set_options(c->ssl, SSL_OP_COOKIE_EXCHANGE);
		SSL_CTX_set_cookie_generate_cb(c->ssl, dtls_cookie_gen_cb);
		SSL_CTX_set_cookie_verify_cb(c->ssl, dtls_cookie_verify_cb);
		SSL_CTX_set_dh_auto(c->ssl, 1);
		if (RAND_bytes(c->cookie_secret, sizeof(c->cookie_secret)) !=
		    1) {
			r = -EIO;
			dtls_ctx_set_err(err, r, "no randomness for cookies");
			goto fail;
		}
		SSL_CTX_set_verify(c->ssl,
		    SSL_VERIFY_PEER |
		        (cfg->no_verify ? 0 : SSL_VERIFY_FAIL_IF_NO_PEER_CERT),
		    dtls_verify_cb);
	} else {
		SSL_CTX_set_verify(c->ssl, SSL_VERIFY_PEER, dtls_verify_cb);
	}
	if ((r = dtls_ctx_creds(c, cfg, err)) < 0)
		goto fail;
	SSL_CTX_set_info_callback(c->ssl, dtls_info_cb);
	if (cfg->keylog != NULL)
		SSL_CTX_set_keylog_callback(c->ssl, dtls_keylog_cb);
	*out = c;
	return 0;
fail:
	cs_dtls_ctx_free(c);
	return r;
}

void
cs_dtls_ctx_free(struct cs_dtls_ctx *c)
{
	if (c == NULL)
		return;
	if (atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	SSL_CTX_free(c->ssl);
	OPENSSL_cleanse(c->cookie_secret, sizeof(c->cookie_secret));
	free(c);
}

/* --- session ------------------------------------------------------------ */

static void
dtls_out(void *arg, const uint8_t *wire, size_t len)
{
	struct cs_dtls *s = arg;

	if (s->io.send != NULL)
		s->io.send(s->io.ctx, wire, len);
}

int
cs_dtls_new(
    struct cs_dtls **out, struct cs_dtls_ctx *ctx, const struct cs_dtls_io *io)
{
	struct cs_dtls *s;
	int r = -ENOMEM;

	if (out == NULL || ctx == NULL || io == NULL || io->send == NULL)
		return -EINVAL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	s->io = *io;
	s->alert_sent = -1;
	s->alert_rcvd = -1;
	s->fail.alert = -1;
	dtls_rfilter_init(&s->rf);
	s->rf.epoch = 1; /* the only protected epoch: no renegotiation */
	atomic_fetch_add(&ctx->refs, 1);
	s->ctx = ctx;
	if ((s->ssl = SSL_new(ctx->ssl)) == NULL)
		goto fail;
	if ((s->bio = dtls_bio_new(dtls_out, s, ctx->mtu)) == NULL)
		goto fail;
	SSL_set_bio(s->ssl, s->bio, s->bio); /* ssl owns the one reference */
	SSL_set_app_data(s->ssl, s);
	r = -EINVAL;
	/* The link MTU includes the preamble: the BIO reports it as the
	 * per-datagram overhead, so DTLS records fill at most mtu - 4. */
	if (!DTLS_set_link_mtu(s->ssl, (long)ctx->mtu))
		goto fail;
	DTLS_set_timer_cb(s->ssl, dtls_timer_cb);
	if (ctx->role == CS_DTLS_CLIENT)
		SSL_set_connect_state(s->ssl);
	else
		SSL_set_accept_state(s->ssl);
	*out = s;
	return 0;
fail:
	ERR_clear_error();
	cs_dtls_free(s);
	return r;
}

void
cs_dtls_free(struct cs_dtls *s)
{
	if (s == NULL)
		return;
	SSL_free(s->ssl); /* frees the BIO and cleanses key material */
	cs_dtls_ctx_free(s->ctx);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

int
cs_dtls_set_cred(struct cs_dtls *s, const struct cs_cred *cred)
{
	if (s == NULL || cred == NULL || cred->key == NULL)
		return -EINVAL;
	if (s->started)
		return -EBUSY;
	if (!SSL_use_cert_and_key(
	        s->ssl, cred->cert, cred->key, cred->chain, 1)) {
		ERR_clear_error();
		return -EKEYREJECTED;
	}
	return 0;
}

int
cs_dtls_set_peer(struct cs_dtls *s, const void *addr, size_t len)
{
	if (s == NULL || (addr == NULL && len > 0) || len > DTLS_PEER_MAX)
		return -EINVAL;
	if (s->started)
		return -EBUSY;
	if (len > 0)
		memcpy(s->peer, addr, len);
	s->peer_len = len;
	return 0;
}

int
cs_dtls_expect_peer_mac(struct cs_dtls *s, const uint8_t mac[6])
{
	if (s == NULL)
		return -EINVAL;
	if (s->started)
		return -EBUSY;
	s->has_peer_mac = mac != NULL;
	if (mac != NULL)
		memcpy(s->peer_mac, mac, 6);
	return 0;
}

/* Points certificate checks at this endpoint's clock (a scenario may skew
 * an AP's clock); done before every step, as verification may come in any
 * datagram. */
static void
dtls_set_clock(struct cs_dtls *s)
{
	if (s->io.wall_clock != NULL)
		s->now = s->io.wall_clock(s->io.ctx);
	else
		s->now = (int64_t)time(NULL) + s->io.clock_skew_s;
	X509_VERIFY_PARAM_set_time(SSL_get0_param(s->ssl), (time_t)s->now);
}

static void dtls_set_failure(struct cs_dtls *s, enum cs_dtls_fail code,
    bool local, int alert, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
dtls_set_failure(struct cs_dtls *s, enum cs_dtls_fail code, bool local,
    int alert, const char *fmt, ...)
{
	va_list ap;

	s->dead = true;
	if (s->fail.code != CS_DTLS_FAIL_NONE)
		return;
	s->fail.code = code;
	s->fail.local = local;
	s->fail.detector =
	    local ? dtls_self_name(s->ctx) : dtls_peer_name(s->ctx);
	s->fail.phase =
	    s->established ? CS_DTLS_PH_ESTABLISHED : dtls_phase_of(s->ssl);
	s->fail.alert = alert;
	va_start(ap, fmt);
	vsnprintf(s->fail.reason, sizeof(s->fail.reason), fmt, ap);
	va_end(ap);
	cs_logf(s->ctx->log, CS_LOG_INFO, "dtls: %s failed in %s: %s (%s)",
	    s->established ? "session" : "handshake",
	    cs_dtls_phase_name(s->fail.phase), s->fail.reason,
	    cs_dtls_fail_name(code));
}

/* Turns OpenSSL's error state into a failure a person can read. */
static int
dtls_handshake_failed(struct cs_dtls *s)
{
	unsigned long e = ERR_peek_error();
	int reason = ERR_GET_REASON(e);
	const char *peerv;

	if (s->vfail != CS_DTLS_FAIL_NONE) {
		dtls_set_failure(
		    s, s->vfail, true, s->alert_sent, "%s", s->vreason);
		goto out;
	}
	if (s->alert_rcvd >= 0) {
		dtls_set_failure(s, CS_DTLS_FAIL_PEER_ALERT, false,
		    s->alert_rcvd, "peer sent alert: %s",
		    SSL_alert_desc_string_long(s->alert_rcvd));
		goto out;
	}
	switch (reason) {
	case SSL_R_NO_SHARED_CIPHER:
	case SSL_R_NO_CIPHERS_AVAILABLE:
	case SSL_R_WRONG_CIPHER_RETURNED:
		dtls_set_failure(s, CS_DTLS_FAIL_NO_SHARED_CIPHER, true,
		    s->alert_sent, "no cipher suite in common with the %s",
		    dtls_peer_name(s->ctx));
		break;
	case SSL_R_UNSUPPORTED_PROTOCOL:
	case SSL_R_VERSION_TOO_LOW:
	case SSL_R_VERSION_TOO_HIGH:
	case SSL_R_WRONG_SSL_VERSION:
	case SSL_R_WRONG_VERSION_NUMBER:
	case SSL_R_UNSUPPORTED_SSL_VERSION:
		if (s->ctx->role == CS_DTLS_SERVER) {
			peerv = dtls_version_text(SSL_client_version(s->ssl));
			dtls_set_failure(s, CS_DTLS_FAIL_VERSION, true,
			    s->alert_sent,
			    "protocol version mismatch: peer offered %s, "
			    "we accept only %s",
			    peerv != NULL ? peerv : "an unknown version",
			    dtls_accepts(s->ctx->version));
		} else {
			peerv = dtls_version_text(SSL_version(s->ssl));
			dtls_set_failure(s, CS_DTLS_FAIL_VERSION, true,
			    s->alert_sent,
			    "protocol version mismatch: peer chose %s, we "
			    "accept only %s",
			    peerv != NULL ? peerv : "another version",
			    dtls_accepts(s->ctx->version));
		}
		break;
	case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
		dtls_set_failure(s, CS_DTLS_FAIL_NO_CERT, true, s->alert_sent,
		    "%s sent no certificate", dtls_peer_name(s->ctx));
		break;
	case SSL_R_COOKIE_MISMATCH:
	case SSL_R_COOKIE_GEN_CALLBACK_FAILURE:
		dtls_set_failure(s, CS_DTLS_FAIL_COOKIE, true, s->alert_sent,
		    "DTLS cookie from %s did not verify",
		    dtls_peer_name(s->ctx));
		break;
	case SSL_R_EE_KEY_TOO_SMALL:
	case SSL_R_CA_KEY_TOO_SMALL:
	case SSL_R_DH_KEY_TOO_SMALL:
		dtls_set_failure(s, CS_DTLS_FAIL_WEAK_KEY, true, s->alert_sent,
		    "%s key too small for security level %d",
		    dtls_peer_name(s->ctx), SSL_get_security_level(s->ssl));
		break;
	case SSL_R_CA_MD_TOO_WEAK:
		dtls_set_failure(s, CS_DTLS_FAIL_WEAK_SIG, true, s->alert_sent,
		    "%s certificate signature too weak for security level %d",
		    dtls_peer_name(s->ctx), SSL_get_security_level(s->ssl));
		break;
	case SSL_R_CERTIFICATE_VERIFY_FAILED: {
		long v = SSL_get_verify_result(s->ssl);

		dtls_set_failure(s, CS_DTLS_FAIL_BAD_CERT, true, s->alert_sent,
		    "%s certificate rejected: %s", dtls_peer_name(s->ctx),
		    X509_verify_cert_error_string(v));
		break;
	}
	default:
		dtls_set_failure(s, CS_DTLS_FAIL_PROTOCOL, true, s->alert_sent,
		    "%s", e != 0 ? ERR_reason_error_string(e) : "DTLS error");
		break;
	}
out:
	ERR_clear_error();
	return -EPROTO;
}

/* Reads every application datagram the BIO holds. */
static int
dtls_read_app(struct cs_dtls *s)
{
	uint8_t buf[DTLS_READ_BUF];
	int n, e;

	for (;;) {
		ERR_clear_error();
		n = SSL_read(s->ssl, buf, sizeof(buf));
		if (n > 0) {
			s->n_app++;
			if (s->io.recv != NULL)
				s->io.recv(s->io.ctx, buf, (size_t)n);
			OPENSSL_cleanse(buf, (size_t)n);
			continue;
		}
		e = SSL_get_error(s->ssl, n);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
			return CS_DTLS_ESTABLISHED;
		if (e == SSL_ERROR_ZERO_RETURN || s->closed) {
			s->closed = true;
			return CS_DTLS_CLOSED;
		}
		return dtls_handshake_failed(s);
	}
}

/*
 * Idle established sessions keep little memory: the ~17 kB read and write
 * buffers are freed after every operation.  OpenSSL 3.0's DTLS write path
 * does not re-create a freed write buffer by itself (SSL_write would crash),
 * so every call into OpenSSL after the handshake is bracketed by these.
 */
static int
dtls_buffers_on(struct cs_dtls *s)
{
	if (!s->buffers_freed)
		return 0;
	if (!SSL_alloc_buffers(s->ssl)) {
		ERR_clear_error();
		return -ENOMEM;
	}
	s->buffers_freed = false;
	return 0;
}

static void
dtls_buffers_off(struct cs_dtls *s)
{
	if (!s->established || s->dead)
		return;
	/* Fails harmlessly while OpenSSL still holds unread data. */
	if (SSL_free_buffers(s->ssl))
		s->buffers_freed = true;
	else
		ERR_clear_error();
}

static size_t dtls_cipher_min_len(const SSL *ssl);

static int
dtls_drive(struct cs_dtls *s)
{
	int r, e;

	if (s->dead)
		return -EPROTO;
	if (s->closed)
		return CS_DTLS_CLOSED;
	if (!s->established) {
		ERR_clear_error();
		r = SSL_do_handshake(s->ssl);
		if (r <= 0) {
			e = SSL_get_error(s->ssl, r);
			if (e == SSL_ERROR_WANT_READ ||
			    e == SSL_ERROR_WANT_WRITE)
				return CS_DTLS_WANT_READ;
			return dtls_handshake_failed(s);
		}
		s->established = true;
		s->rf.is_sealed = true;
		s->rf.min_len = dtls_cipher_min_len(s->ssl);
		cs_logf(s->ctx->log, CS_LOG_DEBUG, "dtls: established %s %s",
		    SSL_get_version(s->ssl), SSL_get_cipher_name(s->ssl));
	}
	if ((r = dtls_buffers_on(s)) < 0)
		return r;
	r = dtls_read_app(s);
	dtls_buffers_off(s);
	return r;
}

int
cs_dtls_start(struct cs_dtls *s)
{
	if (s == NULL)
		return -EINVAL;
	if (s->started)
		return s->dead       ? -EPROTO
		    : s->established ? CS_DTLS_ESTABLISHED
		                     : CS_DTLS_WANT_READ;
	s->started = true;
	if (s->ctx->role == CS_DTLS_SERVER)
		return CS_DTLS_WANT_READ;
	dtls_set_clock(s);
	return dtls_drive(s);
}

/*
 * The smallest protected record the cipher allows (what OpenSSL 3.0 would
 * otherwise treat as fatal): AEAD explicit nonce + tag (GCM, CCM: 8 + 16;
 * CCM8 and ChaCha20-Poly1305 at least 16), CBC explicit IV + one padded
 * block holding the MAC (with encrypt-then-MAC the record is longer
 * still).  Never larger than the smallest valid record.  0 = unknown.
 */
static size_t
dtls_cipher_min_len(const SSL *ssl)
{
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	const EVP_CIPHER *ec;
	const EVP_MD *md;
	size_t bs, mac;

	if (c == NULL)
		c = SSL_get_pending_cipher(ssl);
	if (c == NULL)
		return 0;
	ec = EVP_get_cipherbynid(SSL_CIPHER_get_cipher_nid(c));
	if (ec == NULL) {
		if (SSL_CIPHER_get_cipher_nid(c) == NID_undef) {
			md = EVP_get_digestbynid(SSL_CIPHER_get_digest_nid(c));
			return md != NULL ? (size_t)EVP_MD_get_size(md) : 1;
		}
		return 1; /* unknown cipher: only the empty record goes */
	}
	if (EVP_CIPHER_get_flags(ec) & EVP_CIPH_FLAG_AEAD_CIPHER) {
		if (EVP_CIPHER_get_mode(ec) == EVP_CIPH_GCM_MODE)
			return 8 + 16;
		return 16;
	}
	bs = (size_t)EVP_CIPHER_get_block_size(ec);
	md = EVP_get_digestbynid(SSL_CIPHER_get_digest_nid(c));
	mac = md != NULL ? (size_t)EVP_MD_get_size(md) : 0;
	if (bs <= 1)
		return mac > 0 ? mac : 1; /* stream cipher */
	return bs + (mac + 1 + bs - 1) / bs * bs;
}

/* One accepted record to OpenSSL; after the handshake, an application
 * record that delivered data was authenticated: mark its sequence. */
static int
dtls_feed_record(struct cs_dtls *s, const struct dtls_rec *rec)
{
	uint64_t before = s->n_app;
	int r;

	if ((r = dtls_bio_push(s->bio, rec->hdr, rec->len)) < 0)
		return r;
	r = dtls_drive(s);
	if (s->established && rec->epoch == s->rf.epoch && rec->type == 23 &&
	    s->n_app > before)
		dtls_rfilter_seen(&s->rf, rec->seq);
	return r;
}

/*
 * Every record of the datagram through the filter, one by one to OpenSSL
 * (records never span datagrams, RFC 6347 §4.1.1, so a record alone is a
 * datagram to it).  Discarded records are counted, never fatal.
 */
static int
dtls_input_records(struct cs_dtls *s, struct cs_rd *rd)
{
	struct dtls_rec rec;
	enum cs_dtls_drop why = CS_DTLS_DROP_HEADER;
	int r, k;

	/* a datagram whose records are all discarded changes nothing: after
	 * close_notify the answer stays CLOSED (found by fuzz_dtls_session:
	 * it said ESTABLISHED again) */
	r = s->closed        ? CS_DTLS_CLOSED
	    : s->established ? CS_DTLS_ESTABLISHED
	                     : CS_DTLS_WANT_READ;

	while ((k = dtls_rfilter_next(&s->rf, rd, &rec, &why)) >= 0) {
		if (k == 0) {
			s->drops.n[why]++;
			continue;
		}
		if (s->rf.min_len == 0)
			s->rf.min_len = dtls_cipher_min_len(s->ssl);
		if ((r = dtls_feed_record(s, &rec)) < 0 || r == CS_DTLS_CLOSED)
			return r;
		if (s->rf.min_len == 0 && rec.epoch == 0)
			s->rf.min_len = dtls_cipher_min_len(s->ssl);
	}
	return r;
}

static int
dtls_check_hello(struct cs_dtls_ctx *c, const void *addr, size_t alen,
    const uint8_t *wire, size_t len, uint8_t *out, size_t cap, size_t *out_len,
    struct dtls_hello *h)
{
	int64_t now = (int64_t)time(NULL);
	int r;

	if (c->role != CS_DTLS_SERVER || len <= CS_DTLS_PREAMBLE_LEN ||
	    wire[0] != 0x01)
		return -EBADMSG;
	if (dtls_hello_parse(
	        wire + CS_DTLS_PREAMBLE_LEN, len - CS_DTLS_PREAMBLE_LEN, h) < 0)
		return -EBADMSG;
	if (dtls_cookie_check(
	        c->cookie_secret, sizeof(c->cookie_secret), now, addr, alen, h))
		return CS_DTLS_HELLO_PROVEN;
	if ((r = dtls_hello_verify_build(c->cookie_secret,
	         sizeof(c->cookie_secret), now, addr, alen, h, out, cap,
	         out_len)) < 0)
		return r;
	if (*out_len > len)
		return -EBADMSG; /* never amplify */
	return CS_DTLS_HELLO_VERIFY;
}

int
cs_dtls_ctx_check_hello(struct cs_dtls_ctx *ctx, const void *addr, size_t alen,
    const uint8_t *wire, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	struct dtls_hello h;

	if (ctx == NULL || (addr == NULL && alen > 0) || wire == NULL ||
	    out == NULL || out_len == NULL)
		return -EINVAL;
	return dtls_check_hello(
	    ctx, addr, alen, wire, len, out, cap, out_len, &h);
}

bool
cs_dtls_same_hello(const struct cs_dtls *s, const uint8_t *wire, size_t len)
{
	struct dtls_hello h;

	if (s == NULL || wire == NULL || !s->listened ||
	    len <= CS_DTLS_PREAMBLE_LEN ||
	    dtls_hello_parse(wire + CS_DTLS_PREAMBLE_LEN,
	        len - CS_DTLS_PREAMBLE_LEN, &h) < 0)
		return false;
	return h.cookie_len == s->cookie_len &&
	    CRYPTO_memcmp(h.cookie, s->cookie, s->cookie_len) == 0;
}

/*
 * A server session before its handshake: a ClientHello without the cookie
 * gets a stateless HelloVerifyRequest, anything else but a proven
 * ClientHello is dropped; the proven one goes through DTLSv1_listen (which
 * sets the DTLS state as if it had sent the HelloVerifyRequest itself).
 */
static int
dtls_server_first(struct cs_dtls *s, const uint8_t *wire, size_t len)
{
	uint8_t hvr[128];
	size_t hvr_len = 0;
	struct dtls_hello h;
	BIO_ADDR *ba;
	int r;

	r = dtls_check_hello(s->ctx, s->peer, s->peer_len, wire, len, hvr,
	    sizeof(hvr), &hvr_len, &h);
	if (r == CS_DTLS_HELLO_VERIFY) {
		if (s->io.send != NULL)
			s->io.send(s->io.ctx, hvr, hvr_len);
		return CS_DTLS_WANT_READ;
	}
	if (r != CS_DTLS_HELLO_PROVEN)
		return CS_DTLS_WANT_READ; /* not a ClientHello: discarded */
	s->peer_verified = true;
	memcpy(s->cookie, h.cookie, DTLS_COOKIE_LEN);
	s->cookie_len = DTLS_COOKIE_LEN;
	if ((r = dtls_bio_push(s->bio, wire + CS_DTLS_PREAMBLE_LEN,
	         len - CS_DTLS_PREAMBLE_LEN)) < 0)
		return r;
	if ((ba = BIO_ADDR_new()) == NULL)
		return -ENOMEM;
	ERR_clear_error();
	r = DTLSv1_listen(s->ssl, ba);
	BIO_ADDR_free(ba);
	if (r != 1) {
		ERR_clear_error();
		return -EBADMSG;
	}
	s->listened = true;
	/* SSL_clear inside DTLSv1_listen may reset these */
	DTLS_set_link_mtu(s->ssl, (long)s->ctx->mtu);
	DTLS_set_timer_cb(s->ssl, dtls_timer_cb);
	s->started = true;
	dtls_set_clock(s);
	return dtls_drive(s);
}

int
cs_dtls_input(struct cs_dtls *s, const uint8_t *wire, size_t len)
{
	struct cs_rd rd;
	uint8_t pre;

	if (s == NULL || (wire == NULL && len > 0))
		return -EINVAL;
	if (s->dead)
		return -EPROTO;
	/* RFC 5415 §4.2: version 0 (high nibble), type 1 (low nibble), 24
	 * reserved bits which receivers MUST ignore. */
	cs_rd_init(&rd, wire, len);
	if (cs_rd_u8(&rd, &pre) < 0 || cs_rd_skip(&rd, 3) < 0) {
		cs_logf(s->ctx->log, CS_LOG_WARN,
		    "dtls: dropped %zu-byte datagram: shorter than the "
		    "CAPWAP DTLS preamble",
		    len);
		return -EBADMSG;
	}
	if (pre != 0x01) {
		cs_logf(s->ctx->log, CS_LOG_WARN,
		    "dtls: dropped datagram: preamble version %u type %u, "
		    "expected version 0 type 1 (CAPWAP DTLS header)%s",
		    pre >> 4, pre & 0x0fu,
		    pre == 0x00 ? "; this is plain CAPWAP" : "");
		return -EBADMSG;
	}
	if (rd.left == 0) {
		cs_logf(s->ctx->log, CS_LOG_WARN,
		    "dtls: dropped datagram: preamble without a DTLS record");
		return -EBADMSG;
	}
	if (s->ctx->role == CS_DTLS_SERVER && !s->listened)
		return dtls_server_first(s, wire, len);
	s->started = true;
	dtls_set_clock(s);
	return dtls_input_records(s, &rd);
}

int
cs_dtls_send(struct cs_dtls *s, const uint8_t *plain, size_t len)
{
	int n;

	if (s == NULL || (plain == NULL && len > 0))
		return -EINVAL;
	if (s->dead)
		return -EPROTO;
	if (!s->established || s->closed || s->shut)
		return -ENOTCONN;
	if (len == 0 || len > cs_dtls_data_mtu(s))
		return -EMSGSIZE;
	if ((n = dtls_buffers_on(s)) < 0)
		return n;
	ERR_clear_error();
	n = SSL_write(s->ssl, plain, (int)len);
	if (n <= 0 || (size_t)n != len) {
		dtls_handshake_failed(s);
		return -EIO;
	}
	dtls_buffers_off(s);
	return 0;
}

size_t
cs_dtls_data_mtu(const struct cs_dtls *s)
{
	if (s == NULL || !s->established)
		return 0;
	return DTLS_get_data_mtu(s->ssl);
}

int
cs_dtls_timeout_ms(const struct cs_dtls *s, uint64_t *ms)
{
	struct timeval tv;

	if (s == NULL || ms == NULL)
		return -EINVAL;
	if (s->dead || !DTLSv1_get_timeout(s->ssl, &tv))
		return 0;
	*ms = (uint64_t)tv.tv_sec * 1000u + ((uint64_t)tv.tv_usec + 999) / 1000;
	return 1;
}

int
cs_dtls_on_timer(struct cs_dtls *s)
{
	int r;

	if (s == NULL)
		return -EINVAL;
	if (s->dead)
		return -EPROTO;
	dtls_set_clock(s);
	if ((r = dtls_buffers_on(s)) < 0)
		return r;
	ERR_clear_error();
	r = DTLSv1_handle_timeout(s->ssl);
	if (r < 0) {
		dtls_set_failure(s, CS_DTLS_FAIL_TIMEOUT, true, -1,
		    "no answer from %s after OpenSSL's retransmission limit",
		    dtls_peer_name(s->ctx));
		ERR_clear_error();
		return -ETIMEDOUT;
	}
	return dtls_drive(s);
}

int
cs_dtls_shutdown(struct cs_dtls *s)
{
	if (s == NULL)
		return -EINVAL;
	if (!s->established || s->dead)
		return -ENOTCONN;
	if (s->shut)
		return 0;
	s->shut = true;
	if (dtls_buffers_on(s) < 0)
		return -ENOMEM;
	ERR_clear_error();
	if (SSL_shutdown(s->ssl) < 0)
		ERR_clear_error();
	dtls_buffers_off(s);
	return 0;
}

bool
cs_dtls_is_established(const struct cs_dtls *s)
{
	return s != NULL && s->established && !s->dead;
}

bool
cs_dtls_peer_verified(const struct cs_dtls *s)
{
	if (s == NULL)
		return false;
	return s->ctx->role == CS_DTLS_CLIENT || s->peer_verified;
}

void
cs_dtls_drops(const struct cs_dtls *s, struct cs_dtls_drops *out)
{
	if (out == NULL)
		return;
	if (s == NULL)
		memset(out, 0, sizeof(*out));
	else
		*out = s->drops;
}

const struct cs_dtls_failure *
cs_dtls_failure(const struct cs_dtls *s)
{
	static const struct cs_dtls_failure none = { .alert = -1 };

	if (s == NULL)
		return &none;
	return &s->fail;
}

int
cs_dtls_get_info(const struct cs_dtls *s, struct cs_dtls_info *out)
{
	const SSL_CIPHER *c;

	if (s == NULL || out == NULL)
		return -EINVAL;
	if (!s->established)
		return -ENOTCONN;
	c = SSL_get_current_cipher(s->ssl);
	out->version = SSL_get_version(s->ssl);
	out->cipher = c != NULL ? SSL_CIPHER_get_name(c) : "(none)";
	out->resumed = SSL_session_reused(s->ssl) != 0;
	out->phase = CS_DTLS_PH_ESTABLISHED;
	return 0;
}

int
cs_dtls_peer_cert(const struct cs_dtls *s, struct cs_cert_info *out)
{
	X509 *x;

	if (s == NULL || out == NULL)
		return -EINVAL;
	if ((x = SSL_get0_peer_certificate(s->ssl)) == NULL)
		return -ENOENT;
	return cs_pki_x509_info(x, out);
}
