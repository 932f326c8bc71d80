/* SPDX-License-Identifier: MIT */
/*
 * The shared DTLS context (RFC 5415 §2.4, §12) on OpenSSL 3.0: versions,
 * ciphers and security level, own credentials and trust, the cookie and
 * alert callbacks every session of the context uses, and the names of
 * failures and phases.
 */
#include "capsim/dtls.h"

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "dtls-internal.h"

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
	[CS_DTLS_FAIL_PSK] = "psk-mismatch",
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

/* --- OpenSSL callbacks ------------------------------------------------- */

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
	} else if (cfg->role == CS_DTLS_SERVER && cfg->n_psk == 0) {
		return dtls_ctx_set_err(err, -EINVAL,
		    "a DTLS server (WLC) needs a certificate or a pre-shared "
		    "key");
	}
	if (cfg->trust != NULL &&
	    dtls_add_trust(SSL_CTX_get_cert_store(ctx), cfg->trust) < 0)
		return dtls_ctx_set_err(
		    err, -EINVAL, "cannot add trust anchor");
	if (cfg->ca_file != NULL &&
	    !SSL_CTX_load_verify_locations(ctx, cfg->ca_file, NULL))
		return dtls_ctx_file_err(err, "cannot load CA file",
		    cfg->ca_file, "no PEM certificate in it");
	if (cfg->trust == NULL && cfg->ca_file == NULL && !cfg->no_verify &&
	    cfg->n_psk == 0)
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
	/* with keys: a client offers only PSK suites (it has no other
	 * credential to show), a server accepts both kinds */
	ciphers = cfg->ciphers != NULL ? cfg->ciphers : CS_DTLS_DEFAULT_CIPHERS;
	if (cfg->n_psk > 0 && strcmp(ciphers, CS_DTLS_DEFAULT_CIPHERS) == 0)
		ciphers = cfg->role == CS_DTLS_CLIENT ? CS_DTLS_PSK_CIPHERS
		                                      : CS_DTLS_DEFAULT_CIPHERS
		    ":" CS_DTLS_PSK_CIPHERS;
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
		/* Resumption by session ID from the server's cache, no
		 * tickets: a ticket holds the AP's certificate (~1 KB), so
		 * the resuming ClientHello of the data channel would need
		 * fragments at a small MTU, and a fragmented ClientHello
		 * cannot pass the stateless cookie check (found by
		 * fuzz_engine_demux at MTU 576: no data channel came up). */
		SSL_CTX_set_options(c->ssl, SSL_OP_NO_TICKET);
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
	/* Resumption (the data channel session resumes the control one,
	 * cs_dtls_resume_from): a server that verifies peers must name a
	 * session ID context, or OpenSSL refuses every resumption. */
	if (!SSL_CTX_set_session_id_context(c->ssl,
	        (const unsigned char *)DTLS_SID_CTX,
	        sizeof(DTLS_SID_CTX) - 1)) {
		r = -ENOMEM;
		dtls_ctx_set_err(err, r, "session ID context");
		goto fail;
	}
	if ((r = dtls_ctx_creds(c, cfg, err)) < 0)
		goto fail;
	if ((r = dtls_psk_setup(c, cfg, err)) < 0)
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

int
cs_dtls_ctx_set_resume_cache(struct cs_dtls_ctx *c, unsigned long max_sessions)
{
	if (c == NULL || c->role != CS_DTLS_SERVER)
		return -EINVAL;
	if (max_sessions == 0) {
		/* SSL_CTX_sess_set_cache_size(0) would mean "no limit" */
		SSL_CTX_set_session_cache_mode(c->ssl, SSL_SESS_CACHE_OFF);
		/* every cached session has expired by the end of time */
		SSL_CTX_flush_sessions(c->ssl, LONG_MAX);
		return 0;
	}
	SSL_CTX_sess_set_cache_size(c->ssl, (long)max_sessions);
	SSL_CTX_set_session_cache_mode(c->ssl, SSL_SESS_CACHE_SERVER);
	return 0;
}

unsigned long
cs_dtls_ctx_resume_cached(const struct cs_dtls_ctx *c)
{
	if (c == NULL || c->role != CS_DTLS_SERVER)
		return 0;
	return (unsigned long)SSL_CTX_sess_number(c->ssl);
}

void
cs_dtls_ctx_free(struct cs_dtls_ctx *c)
{
	if (c == NULL)
		return;
	if (atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	SSL_CTX_free(c->ssl);
	dtls_psk_free(c);
	OPENSSL_cleanse(c->cookie_secret, sizeof(c->cookie_secret));
	free(c);
}
