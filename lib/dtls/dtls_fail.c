/* SPDX-License-Identifier: MIT */
/*
 * Why a DTLS handshake or session failed, for people: the phase it was in,
 * who noticed, the alert, and OpenSSL's error state read as a CAPWAP
 * operator would put it (version, cipher, certificate, cookie, timeout).
 */
#include "capsim/dtls.h"

#include <stdarg.h>
#include <stdio.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "dtls-internal.h"

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

enum cs_dtls_phase
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

void
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
int
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
	if ((s->alert_rcvd == SSL_AD_DECRYPT_ERROR ||
	        s->alert_rcvd == SSL_AD_UNKNOWN_PSK_IDENTITY) &&
	    dtls_is_psk(s->ssl)) {
		dtls_set_failure(s, CS_DTLS_FAIL_PSK, false, s->alert_rcvd,
		    s->alert_rcvd == SSL_AD_DECRYPT_ERROR
		        ? "%s sent decrypt_error: it could not decrypt our "
		          "Finished, so its pre-shared key for identity "
		          "\"%s\" differs from ours"
		        : "%s sent unknown_psk_identity: it has no "
		          "pre-shared key for identity \"%s\"",
		    dtls_peer_name(s->ctx), s->psk_id);
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
	case SSL_R_PSK_IDENTITY_NOT_FOUND:
	case SSL_R_PSK_NO_CLIENT_CB:
	case SSL_R_PSK_NO_SERVER_CB:
		if (s->ctx->role == CS_DTLS_SERVER)
			dtls_set_failure(s, CS_DTLS_FAIL_PSK, true,
			    s->alert_sent,
			    "no pre-shared key for the AP's identity \"%s\"",
			    s->psk_id);
		else
			dtls_set_failure(s, CS_DTLS_FAIL_PSK, true,
			    s->alert_sent,
			    "the WLC chose a pre-shared-key suite but we have "
			    "no key for identity \"%s\"",
			    s->psk_id[0] != '\0' ? s->psk_id : "(none set)");
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
