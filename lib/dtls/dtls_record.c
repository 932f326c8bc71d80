/* SPDX-License-Identifier: MIT */
/*
 * A DTLS session's record I/O: datagrams in (the CAPWAP DTLS preamble, the
 * server's stateless cookie exchange, every record through the filter to
 * OpenSSL) and application data out.
 */
#include "capsim/dtls.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "capsim/cursor.h"
#include "dtls-internal.h"

/*
 * The smallest protected record the cipher allows (what OpenSSL 3.0 would
 * otherwise treat as fatal): AEAD explicit nonce + tag (GCM, CCM: 8 + 16;
 * CCM8 and ChaCha20-Poly1305 at least 16), CBC explicit IV + one padded
 * block holding the MAC (with encrypt-then-MAC the record is longer
 * still).  Never larger than the smallest valid record.  0 = unknown.
 */
size_t
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
	if (rec->epoch != 0 && rec->type == 22)
		r = dtls_psk_check_finished(s, r);
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
