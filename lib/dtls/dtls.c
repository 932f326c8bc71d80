/* SPDX-License-Identifier: MIT */
/*
 * A CAPWAP DTLS session (RFC 5415 §2.4, §4.2, §12) on OpenSSL 3.0: its
 * lifecycle, the handshake and the application data it delivers.
 * Sans-I/O: the caller feeds datagrams (dtls_record.c) and owns the
 * retransmission timer.
 */
#include "capsim/dtls.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "dtls-internal.h"

#define DTLS_MAX_TIMEOUT_US 60000000u /* RFC 6347 §4.2.4.1: 60 s cap */
#define DTLS_READ_BUF       16384     /* largest DTLS record plaintext */

/* RFC 6347 §4.2.4.1: initial timer, doubled per retransmission up to
 * 60 s.  OpenSSL's own default is 1 s; we make it configurable because
 * some Cisco APs need longer (actube settled on 5 s). */
unsigned int
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

static void
dtls_out(void *arg, const uint8_t *wire, size_t len)
{
	struct cs_dtls *s = arg;

	if (s->ctx->n_psk > 0 && s->ctx->role == CS_DTLS_SERVER &&
	    len > CS_DTLS_PREAMBLE_LEN)
		dtls_psk_note_out(
		    s, wire + CS_DTLS_PREAMBLE_LEN, len - CS_DTLS_PREAMBLE_LEN);
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
	if (s->ssl != NULL && s->ctx->role == CS_DTLS_SERVER &&
	    s->established && !SSL_session_reused(s->ssl)) {
		/* A server forgets a session with the connection that made
		 * it: CAPWAP resumes only the running control session (the
		 * data channel, RFC 5415 §4.6.1 D), and a cached session
		 * holds the peer's certificates (~11 KiB) for hours. */
		SSL_SESSION *sess = SSL_get_session(s->ssl);

		if (sess != NULL)
			SSL_CTX_remove_session(s->ctx->ssl, sess);
	}
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
void
dtls_set_clock(struct cs_dtls *s)
{
	if (s->io.wall_clock != NULL)
		s->now = s->io.wall_clock(s->io.ctx);
	else
		s->now = (int64_t)time(NULL) + s->io.clock_skew_s;
	X509_VERIFY_PARAM_set_time(SSL_get0_param(s->ssl), (time_t)s->now);
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
int
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

void
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

int
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

/* A session stops being established when either side sends close_notify
 * (RFC 5246 §7.2.1): after ours nothing more may be sent, after the
 * peer's nothing more will come. */
bool
cs_dtls_is_established(const struct cs_dtls *s)
{
	return s != NULL && s->established && !s->dead && !s->closed &&
	    !s->shut;
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
	out->is_psk = dtls_is_psk(s->ssl);
	out->psk_identity =
	    out->is_psk && s->psk_id[0] != '\0' ? s->psk_id : NULL;
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
