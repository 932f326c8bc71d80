/* SPDX-License-Identifier: MIT */
/*
 * Return routability without state (RFC 6347 §4.2.1): a ClientHello
 * without a valid cookie is answered with a HelloVerifyRequest built here
 * from the datagram alone; nothing is kept.  The cookie is an HMAC over
 * the peer's address and the ClientHello's parameters (version, random,
 * session id, cipher suites, compression methods: what the client must
 * repeat) under a secret that rotates every DTLS_COOKIE_PERIOD_S seconds,
 * derived from the context's master secret; a cookie of the current or
 * the previous period verifies.  The HelloVerifyRequest is never longer
 * than the ClientHello it answers (amplification < 1).
 */
#include "dtls-internal.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "capsim/cursor.h"
#include "capsim/dtls_peek.h"

#define DTLS_COOKIE_PERIOD_S 60

int
dtls_hello_parse(const uint8_t *rec, size_t len, struct dtls_hello *h)
{
	struct cs_rd rd, body;
	uint8_t type, hs, vmaj, sid_len;
	uint16_t epoch, rlen, cs_len;
	uint32_t mlen, foff, flen;
	uint8_t b3[3], comp_len;

	memset(h, 0, sizeof(*h));
	cs_rd_init(&rd, rec, len);
	if (cs_rd_u8(&rd, &type) < 0 || cs_rd_u8(&rd, &vmaj) < 0 ||
	    cs_rd_skip(&rd, 1) < 0 || cs_rd_u16(&rd, &epoch) < 0 ||
	    cs_rd_bytes(&rd, h->rec_seq, sizeof(h->rec_seq)) < 0 ||
	    cs_rd_u16(&rd, &rlen) < 0 || cs_rd_sub(&rd, rlen, &body) < 0)
		return -EBADMSG;
	if (type != CS_DTLS_CT_HANDSHAKE || vmaj != 0xfe || epoch != 0)
		return -EBADMSG;
	if (cs_rd_u8(&body, &hs) < 0 || hs != CS_DTLS_HS_CLIENT_HELLO ||
	    cs_rd_bytes(&body, b3, 3) < 0)
		return -EBADMSG;
	mlen = (uint32_t)b3[0] << 16 | (uint32_t)b3[1] << 8 | b3[2];
	if (cs_rd_u16(&body, &h->msg_seq) < 0 || cs_rd_bytes(&body, b3, 3) < 0)
		return -EBADMSG;
	foff = (uint32_t)b3[0] << 16 | (uint32_t)b3[1] << 8 | b3[2];
	if (cs_rd_bytes(&body, b3, 3) < 0)
		return -EBADMSG;
	flen = (uint32_t)b3[0] << 16 | (uint32_t)b3[1] << 8 | b3[2];
	/* a ClientHello fragmented over records is not answered statelessly
	 * (OpenSSL's DTLSv1_listen does the same) */
	if (foff != 0 || flen != mlen || mlen != body.left)
		return -EBADMSG;
	h->params = body.p;
	if (cs_rd_u16(&body, &h->version) < 0 || cs_rd_skip(&body, 32) < 0 ||
	    cs_rd_u8(&body, &sid_len) < 0 || sid_len > 32 ||
	    cs_rd_skip(&body, sid_len) < 0)
		return -EBADMSG;
	h->params_len = (size_t)(body.p - h->params);
	if (cs_rd_u8(&body, &h->cookie_len) < 0 ||
	    cs_rd_bytes(&body, h->cookie, h->cookie_len) < 0)
		return -EBADMSG;
	h->suites = body.p;
	if (cs_rd_u16(&body, &cs_len) < 0 || cs_len < 2 || cs_len % 2 != 0 ||
	    cs_rd_skip(&body, cs_len) < 0 || cs_rd_u8(&body, &comp_len) < 0 ||
	    comp_len < 1 || cs_rd_skip(&body, comp_len) < 0)
		return -EBADMSG;
	h->suites_len = (size_t)(body.p - h->suites);
	return 0;
}

/* K_t = HMAC(master, t); cookie = HMAC(K_t, SHA-256(addr || params ||
 * suites)), truncated to DTLS_COOKIE_LEN. */
static int
cookie_for(const uint8_t *master, size_t mlen, uint64_t period,
    const void *addr, size_t alen, const struct dtls_hello *h,
    uint8_t out[DTLS_COOKIE_LEN])
{
	uint8_t k[EVP_MAX_MD_SIZE], tb[8], d[EVP_MAX_MD_SIZE];
	uint8_t mac[EVP_MAX_MD_SIZE];
	unsigned int klen = 0, dlen = 0, maclen = 0;
	EVP_MD_CTX *c;
	int ok;

	if ((c = EVP_MD_CTX_new()) == NULL)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(c, EVP_sha256(), NULL) &&
	    EVP_DigestUpdate(c, addr, alen) &&
	    EVP_DigestUpdate(c, h->params, h->params_len) &&
	    EVP_DigestUpdate(c, h->suites, h->suites_len) &&
	    EVP_DigestFinal_ex(c, d, &dlen);
	EVP_MD_CTX_free(c);
	if (!ok)
		return -EIO;
	for (int i = 0; i < 8; i++)
		tb[i] = (uint8_t)(period >> (56 - 8 * i));
	ok = HMAC(EVP_sha256(), master, (int)mlen, tb, sizeof(tb), k, &klen) !=
	        NULL &&
	    HMAC(EVP_sha256(), k, (int)klen, d, dlen, mac, &maclen) != NULL &&
	    maclen >= DTLS_COOKIE_LEN;
	OPENSSL_cleanse(k, sizeof(k));
	if (!ok)
		return -EIO;
	memcpy(out, mac, DTLS_COOKIE_LEN);
	return 0;
}

int
dtls_cookie_check(const uint8_t *master, size_t mlen, int64_t now_s,
    const void *addr, size_t alen, const struct dtls_hello *h)
{
	uint64_t t = (uint64_t)now_s / DTLS_COOKIE_PERIOD_S;
	uint8_t want[DTLS_COOKIE_LEN];

	if (h->cookie_len != DTLS_COOKIE_LEN)
		return 0;
	/* this period's secret, then the previous one's */
	for (uint64_t back = 0; back < 2 && back <= t; back++) {
		if (cookie_for(master, mlen, t - back, addr, alen, h, want) < 0)
			return 0;
		if (CRYPTO_memcmp(want, h->cookie, DTLS_COOKIE_LEN) == 0)
			return 1;
	}
	return 0;
}

int
dtls_hello_verify_build(const uint8_t *master, size_t mlen, int64_t now_s,
    const void *addr, size_t alen, const struct dtls_hello *h, uint8_t *out,
    size_t cap, size_t *out_len)
{
	uint8_t cookie[DTLS_COOKIE_LEN];
	size_t body = 3 + DTLS_COOKIE_LEN;
	size_t need = CS_DTLS_PREAMBLE_LEN + CS_DTLS_RECORD_HDR_LEN +
	    CS_DTLS_HS_HDR_LEN + body;
	uint8_t *p = out;
	int r;

	if (cap < need)
		return -ENOBUFS;
	if ((r = cookie_for(master, mlen,
	         (uint64_t)now_s / DTLS_COOKIE_PERIOD_S, addr, alen, h,
	         cookie)) < 0)
		return r;
	*p++ = 0x01, *p++ = 0, *p++ = 0, *p++ = 0; /* RFC 5415 §4.2 */
	/* RFC 6347 §4.2.1: version DTLS 1.0 whatever is negotiated; the
	 * record sequence number of the ClientHello */
	*p++ = CS_DTLS_CT_HANDSHAKE, *p++ = 0xfe, *p++ = 0xff;
	*p++ = 0, *p++ = 0;
	memcpy(p, h->rec_seq, 6), p += 6;
	*p++ = (uint8_t)((CS_DTLS_HS_HDR_LEN + body) >> 8);
	*p++ = (uint8_t)(CS_DTLS_HS_HDR_LEN + body);
	/* handshake header: message_seq 0, one fragment */
	*p++ = CS_DTLS_HS_HELLO_VERIFY_REQUEST;
	*p++ = 0, *p++ = 0, *p++ = (uint8_t)body;
	*p++ = 0, *p++ = 0;
	*p++ = 0, *p++ = 0, *p++ = 0;
	*p++ = 0, *p++ = 0, *p++ = (uint8_t)body;
	*p++ = 0xfe, *p++ = 0xff, *p++ = DTLS_COOKIE_LEN;
	memcpy(p, cookie, DTLS_COOKIE_LEN), p += DTLS_COOKIE_LEN;
	*out_len = (size_t)(p - out);
	return 0;
}
