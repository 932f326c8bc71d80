/* SPDX-License-Identifier: MIT */
/*
 * Session resumption between two sessions of one client ctx: CAPWAP's data
 * channel DTLS session (RFC 5415 §4.6.1 D) resumes the control channel's,
 * so the controller skips the certificate exchange and the key agreement.
 */
#include "dtls-internal.h"

#include <errno.h>

#include <openssl/err.h>

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
	if ((sess = SSL_get1_session(from->ssl)) == NULL)
		return -ENOENT;
	if (!SSL_SESSION_is_resumable(sess) || !SSL_set_session(s->ssl, sess)) {
		SSL_SESSION_free(sess);
		ERR_clear_error();
		return -ENOENT;
	}
	SSL_SESSION_free(sess); /* s->ssl holds its own reference */
	return 0;
}
