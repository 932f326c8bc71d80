/* SPDX-License-Identifier: MIT */
/*
 * Pre-shared-key DTLS (RFC 5415 §2.4.4.2, RFC 4279): the keys a context
 * holds, OpenSSL's PSK callbacks on both sides (identity = the WTP's MAC),
 * and the one failure OpenSSL keeps quiet about: a client Finished that
 * does not decrypt under the server's key is discarded like any bad
 * record (RFC 6347 §4.1.2.7), so without help a wrong key looks like a
 * silent network.
 */
#include "capsim/dtls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "capsim/cursor.h"
#include "capsim/values.h"
#include "dtls-internal.h"

#define DTLS_ALERT_DECRYPT_ERROR 51 /* RFC 5246 §7.2.2 */
/* The client's Finished failed this often (its first send and one
 * retransmission): one corrupt datagram is not a wrong key. */
#define DTLS_PSK_BAD_FINISHED_MAX 2

bool
cs_dtls_ctx_has_psk(const struct cs_dtls_ctx *ctx)
{
	return ctx != NULL && ctx->n_psk > 0;
}

bool
dtls_is_psk(const SSL *ssl)
{
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);

	if (c == NULL)
		c = SSL_get_pending_cipher(ssl);
	return c != NULL && SSL_CIPHER_get_auth_nid(c) == NID_auth_psk;
}

/* The key for an identity: an entry naming it (as text, or as the same
 * MAC in another spelling) first, else one for any identity. */
static const struct dtls_psk_key *
dtls_psk_find(const struct cs_dtls_ctx *c, const char *identity)
{
	const struct dtls_psk_key *any = NULL;
	uint8_t mac[6];
	bool has_mac;

	has_mac = identity != NULL && cs_val_mac(identity, mac, NULL) == 0;
	for (size_t i = 0; i < c->n_psk; i++) {
		const struct dtls_psk_key *k = &c->psk[i];

		if (k->identity == NULL) {
			if (any == NULL)
				any = k;
			continue;
		}
		if (identity == NULL)
			continue;
		if (strcmp(k->identity, identity) == 0 ||
		    (has_mac && k->has_mac && memcmp(k->mac, mac, 6) == 0))
			return k;
	}
	return any;
}

static unsigned int
dtls_psk_client_cb(SSL *ssl, const char *hint, char *identity,
    unsigned int max_identity_len, unsigned char *psk, unsigned int max_psk_len)
{
	struct cs_dtls *s = dtls_of(ssl);
	const struct dtls_psk_key *k;
	size_t n;

	if (s == NULL || s->psk_id[0] == '\0')
		return 0;
	if ((k = dtls_psk_find(s->ctx, s->psk_id)) == NULL ||
	    k->key_len > max_psk_len)
		return 0;
	n = strlen(s->psk_id);
	if (n + 1 > max_identity_len)
		return 0;
	memcpy(identity, s->psk_id, n + 1);
	memcpy(psk, k->key, k->key_len);
	cs_logf(s->ctx->log, CS_LOG_DEBUG,
	    "dtls: PSK identity %s (server hint %s)", s->psk_id,
	    hint != NULL && hint[0] != '\0' ? hint : "none");
	return (unsigned int)k->key_len;
}

static unsigned int
dtls_psk_server_cb(SSL *ssl, const char *identity, unsigned char *psk,
    unsigned int max_psk_len)
{
	struct cs_dtls *s = dtls_of(ssl);
	const struct dtls_psk_key *k;

	if (s == NULL || identity == NULL)
		return 0;
	snprintf(s->psk_id, sizeof(s->psk_id), "%s", identity);
	if ((k = dtls_psk_find(s->ctx, identity)) == NULL ||
	    k->key_len > max_psk_len) {
		/* OpenSSL answers unknown_psk_identity (RFC 4279 §2) */
		cs_logf(s->ctx->log, CS_LOG_INFO,
		    "dtls: no pre-shared key for identity \"%.*s\"",
		    CS_DTLS_PSK_ID_MAX, identity);
		return 0;
	}
	memcpy(psk, k->key, k->key_len);
	return (unsigned int)k->key_len;
}

int
dtls_psk_setup(
    struct cs_dtls_ctx *c, const struct cs_dtls_cfg *cfg, struct cs_err *err)
{
	if (cfg->n_psk == 0)
		return 0;
	if (cfg->psk == NULL)
		return cs_err_set(err, -EINVAL, "PSK count without keys", 0);
	if ((c->psk = calloc(cfg->n_psk, sizeof(*c->psk))) == NULL)
		return cs_err_set(err, -ENOMEM, "out of memory", 0);
	c->n_psk = cfg->n_psk;
	for (size_t i = 0; i < cfg->n_psk; i++) {
		const struct cs_dtls_psk *p = &cfg->psk[i];
		struct dtls_psk_key *k = &c->psk[i];

		if (p->key == NULL || p->key_len == 0 ||
		    p->key_len > CS_DTLS_PSK_MAX_LEN)
			return cs_err_set(err, -EINVAL,
			    "pre-shared key of 1 to 64 bytes needed", 0);
		if (p->identity != NULL &&
		    (p->identity[0] == '\0' ||
		        strlen(p->identity) > CS_DTLS_PSK_ID_MAX))
			return cs_err_set(err, -EINVAL,
			    "PSK identity of 1 to 128 bytes needed", 0);
		memcpy(k->key, p->key, p->key_len);
		k->key_len = p->key_len;
		if (p->identity != NULL) {
			if ((k->identity = strdup(p->identity)) == NULL)
				return cs_err_set(
				    err, -ENOMEM, "out of memory", 0);
			k->has_mac = cs_val_mac(k->identity, k->mac, NULL) == 0;
		}
	}
	if (c->role == CS_DTLS_CLIENT) {
		SSL_CTX_set_psk_client_callback(c->ssl, dtls_psk_client_cb);
	} else {
		SSL_CTX_set_psk_server_callback(c->ssl, dtls_psk_server_cb);
		if (cfg->psk_hint != NULL &&
		    !SSL_CTX_use_psk_identity_hint(c->ssl, cfg->psk_hint)) {
			ERR_clear_error();
			return cs_err_set(err, -EINVAL,
			    "PSK identity hint longer than 128 bytes", 0);
		}
	}
	return 0;
}

void
dtls_psk_free(struct cs_dtls_ctx *c)
{
	for (size_t i = 0; c->psk != NULL && i < c->n_psk; i++) {
		free(c->psk[i].identity);
		OPENSSL_cleanse(c->psk[i].key, sizeof(c->psk[i].key));
	}
	free(c->psk);
	c->psk = NULL;
	c->n_psk = 0;
}

int
cs_dtls_set_psk_identity_mac(struct cs_dtls *s, const uint8_t mac[6])
{
	if (s == NULL || mac == NULL)
		return -EINVAL;
	if (s->started)
		return -EBUSY;
	snprintf(s->psk_id, sizeof(s->psk_id), "%02x%02x%02x%02x%02x%02x",
	    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return 0;
}

void
dtls_psk_note_out(struct cs_dtls *s, const uint8_t *d, size_t len)
{
	struct cs_rd rd;

	cs_rd_init(&rd, d, len);
	/* RFC 6347 §4.1: type, version, epoch, sequence_number(48),
	 * length, fragment */
	while (rd.left > 0) {
		uint8_t type, seq[6];
		uint16_t version, epoch, n;
		uint64_t v = 0;

		if (cs_rd_u8(&rd, &type) < 0 || cs_rd_u16(&rd, &version) < 0 ||
		    cs_rd_u16(&rd, &epoch) < 0 ||
		    cs_rd_bytes(&rd, seq, sizeof(seq)) < 0 ||
		    cs_rd_u16(&rd, &n) < 0 || cs_rd_skip(&rd, n) < 0)
			return;
		if (epoch != 0)
			continue;
		for (int i = 0; i < 6; i++)
			v = v << 8 | seq[i];
		if (v + 1 > s->w0_seq)
			s->w0_seq = v + 1;
		s->w_version = version;
	}
}

/* A fatal decrypt_error alert in the server's epoch 0 (it has not sent
 * its ChangeCipherSpec yet, so the client still reads epoch 0), with the
 * CAPWAP DTLS preamble: what a TLS server sends when the client's
 * Finished fails (RFC 4279 §2). */
static void
dtls_psk_send_alert(struct cs_dtls *s)
{
	uint8_t a[CS_DTLS_PREAMBLE_LEN + 13 + 2];
	uint64_t seq = s->w0_seq;
	size_t i = 0;

	a[i++] = 0x01;
	a[i++] = 0;
	a[i++] = 0;
	a[i++] = 0;
	a[i++] = 21; /* alert */
	a[i++] = (uint8_t)(s->w_version >> 8);
	a[i++] = (uint8_t)s->w_version;
	a[i++] = 0; /* epoch 0 */
	a[i++] = 0;
	for (int k = 5; k >= 0; k--)
		a[i++] = (uint8_t)(seq >> (8 * k));
	a[i++] = 0;
	a[i++] = 2;
	a[i++] = 2; /* fatal */
	a[i++] = DTLS_ALERT_DECRYPT_ERROR;
	s->w0_seq++;
	if (s->io.send != NULL)
		s->io.send(s->io.ctx, a, i);
}

int
dtls_psk_check_finished(struct cs_dtls *s, int r)
{
	if (r < 0 || s->ctx->role != CS_DTLS_SERVER || s->established ||
	    s->dead || !dtls_is_psk(s->ssl) || s->w_version == 0)
		return r;
	/* the ChangeCipherSpec was read, the Finished after it was not */
	if (SSL_get_state(s->ssl) != TLS_ST_SR_CHANGE)
		return r;
	if (++s->psk_bad_finished < DTLS_PSK_BAD_FINISHED_MAX)
		return r;
	dtls_psk_send_alert(s);
	s->alert_sent = DTLS_ALERT_DECRYPT_ERROR;
	dtls_set_failure(s, CS_DTLS_FAIL_PSK, true, DTLS_ALERT_DECRYPT_ERROR,
	    "the AP's Finished did not decrypt under the pre-shared key of "
	    "identity \"%s\": the AP's key differs from the WLC's",
	    s->psk_id[0] != '\0' ? s->psk_id : "?");
	return -EPROTO;
}
