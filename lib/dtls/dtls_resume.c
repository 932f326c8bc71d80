/* SPDX-License-Identifier: MIT */
/*
 * Session resumption between two sessions of one client ctx: CAPWAP's data
 * channel DTLS session (RFC 5415 §4.6.1 D) resumes the control channel's,
 * so the controller skips the certificate exchange and the key agreement.
 */
#include "dtls-internal.h"

#include <errno.h>

#include <openssl/err.h>

/* Room a ClientHello takes besides a session ticket: preamble, record
 * and handshake headers, random, session ID, cookie, cipher list and
 * extensions (205 bytes measured with the cookie and capsim's default
 * ciphers; the rest is margin for a longer cipher list). */
#define DTLS_HELLO_ROOM 320

/* Whether offering `sess` keeps the ClientHello in one datagram: a server
 * answers a ClientHello only after its stateless cookie check, which
 * cannot reassemble fragments (OpenSSL's DTLSv1_listen cannot either).  A
 * server that issues tickets puts the client's certificate in them. */
static bool
dtls_hello_fits(const struct cs_dtls *s, const SSL_SESSION *sess)
{
	const unsigned char *tick = NULL;
	size_t len = 0;

	SSL_SESSION_get0_ticket(sess, &tick, &len);
	return len + DTLS_HELLO_ROOM <= s->ctx->mtu;
}

int
cs_dtls_resume_from(struct cs_dtls *s, const struct cs_dtls *from)
{
	STACK_OF(X509) *chain = NULL;
	SSL_SESSION *sess;
	X509 *cert;
	EVP_PKEY *key;

	if (s == NULL || from == NULL || s == from || s->ctx != from->ctx ||
	    s->ctx->role != CS_DTLS_CLIENT)
		return -EINVAL;
	if (s->started)
		return -EBUSY;
	if (!from->established || from->dead)
		return -ENOENT;
	/* the credential first: a server that lost the session asks for the
	 * certificate in the full handshake it falls back to */
	cert = SSL_get_certificate(from->ssl);
	key = SSL_get_privatekey(from->ssl);
	if (cert != NULL && key != NULL) {
		SSL_get0_chain_certs(from->ssl, &chain);
		if (!SSL_use_cert_and_key(s->ssl, cert, key, chain, 1)) {
			ERR_clear_error();
			return -EKEYREJECTED;
		}
	}
	memcpy(s->psk_id, from->psk_id, sizeof(s->psk_id));
	if ((sess = SSL_get1_session(from->ssl)) == NULL)
		return -ENOENT;
	if (!dtls_hello_fits(s, sess)) {
		/* a full handshake rather than a ClientHello in fragments */
		SSL_SESSION_free(sess);
		return 0;
	}
	if (!SSL_SESSION_is_resumable(sess) || !SSL_set_session(s->ssl, sess)) {
		SSL_SESSION_free(sess);
		ERR_clear_error();
		return -ENOENT;
	}
	SSL_SESSION_free(sess); /* s->ssl holds its own reference */
	return 0;
}
