/* SPDX-License-Identifier: MIT */
/*
 * CAPWAP preamble, DTLS header and CAPWAP header codec (RFC 5415 §4.1-4.3),
 * plus the control header (§4.5.1).  Strict on what the RFC fixes (version,
 * HLEN bounds, optional-field lengths, padding) and tolerant of the
 * reserved flag bits, which §4.3 says receivers ignore.
 */
#include "capsim/capwap.h"

#include <errno.h>
#include <string.h>

#include "capsim/cursor.h"

/* Masks of the 24 bits after the preamble, RFC 5415 §4.3. */
#define HDR_HLEN_SHIFT 19
#define HDR_RID_SHIFT  14
#define HDR_WBID_SHIFT 9
#define HDR_T          0x000100u
#define HDR_F          0x000080u
#define HDR_L          0x000040u
#define HDR_W          0x000020u
#define HDR_M          0x000010u
#define HDR_K          0x000008u
#define HDR_FLAGS      0x000007u

int
cs_capwap_preamble_peek(const uint8_t *p, size_t len, uint8_t *type)
{
	uint8_t t;

	if (p == NULL || type == NULL || len < 1)
		return -EBADMSG;
	if ((p[0] >> 4) != 0) /* RFC 5415 §4.1: version 0 */
		return -EBADMSG;
	t = p[0] & 0x0f;
	if (t != CS_PREAMBLE_CAPWAP && t != CS_PREAMBLE_DTLS)
		return -EBADMSG;
	*type = t;
	return 0;
}

void
cs_capwap_dtls_hdr_put(struct cs_wr *wr)
{
	cs_wr_u32(wr, (uint32_t)CS_PREAMBLE_DTLS << 24);
}

int
cs_capwap_dtls_hdr_get(struct cs_rd *rd, struct cs_err *err)
{
	struct cs_rd r = *rd;
	size_t off = cs_rd_off(rd);
	uint32_t w;

	if (cs_rd_u32(&r, &w) < 0)
		return cs_err_set(err, -EBADMSG, "DTLS header truncated", off);
	if ((w >> 28) != 0)
		return cs_err_set(err, -EBADMSG, "preamble version not 0", off);
	if (((w >> 24) & 0x0f) != CS_PREAMBLE_DTLS)
		return cs_err_set(err, -EBADMSG, "preamble type not DTLS", off);
	if ((w & 0xffffffu) != 0) /* §4.2: reserved, MUST be 0 */
		return cs_err_set(err, -EBADMSG,
		    "DTLS header reserved bits not zero", off + 1);
	*rd = r;
	return 0;
}

void
cs_capwap_hdr_init(struct cs_capwap_hdr *h, uint8_t rid)
{
	memset(h, 0, sizeof(*h));
	h->rid = rid;
	h->wbid = CS_WBID_IEEE80211;
}

/* Bytes an optional field of n data bytes takes: 1-byte length + data,
 * zero-padded to 4 (RFC 5415 §4.3). */
static size_t
hdr_opt_len(size_t n)
{
	return (1 + n + 3) & ~(size_t)3;
}

size_t
cs_capwap_hdr_len(const struct cs_capwap_hdr *h)
{
	size_t n = CS_CAPWAP_HDR_MIN;

	if (h->has_radio_mac)
		n += hdr_opt_len(h->radio_mac_len);
	if (h->has_wsi)
		n += hdr_opt_len(h->wsi_len);
	return n;
}

/* Checks that the n bytes from the cursor are all zero. */
static int
hdr_zero(struct cs_rd *rd, size_t n)
{
	uint8_t b;

	for (size_t i = 0; i < n; i++) {
		if (cs_rd_u8(rd, &b) < 0 || b != 0)
			return -EBADMSG;
	}
	return 0;
}

int
cs_capwap_hdr_decode(
    struct cs_rd *rd, struct cs_capwap_hdr *h, struct cs_err *err)
{
	struct cs_capwap_hdr t;
	struct cs_rd r = *rd, hr;
	size_t off = cs_rd_off(rd);
	uint8_t pre;
	uint32_t w;
	uint16_t fo;
	size_t hbytes;

	if (cs_rd_u8(&r, &pre) < 0)
		return cs_err_set(
		    err, -EBADMSG, "CAPWAP header truncated", off);
	if ((pre >> 4) != 0)
		return cs_err_set(err, -EBADMSG, "preamble version not 0", off);
	if ((pre & 0x0f) != CS_PREAMBLE_CAPWAP)
		return cs_err_set(
		    err, -EBADMSG, "preamble type not CAPWAP", off);
	if (cs_rd_u24(&r, &w) < 0 || cs_rd_u16(&r, &t.frag_id) < 0 ||
	    cs_rd_u16(&r, &fo) < 0)
		return cs_err_set(
		    err, -EBADMSG, "CAPWAP header truncated", off);
	t.hlen = (uint8_t)(w >> HDR_HLEN_SHIFT);
	t.rid = (uint8_t)((w >> HDR_RID_SHIFT) & 0x1f);
	t.wbid = (uint8_t)((w >> HDR_WBID_SHIFT) & 0x1f);
	t.is_native = (w & HDR_T) != 0;
	t.is_fragment = (w & HDR_F) != 0;
	t.is_last = (w & HDR_L) != 0;
	t.has_wsi = (w & HDR_W) != 0;
	t.has_radio_mac = (w & HDR_M) != 0;
	t.is_keepalive = (w & HDR_K) != 0;
	t.flags = (uint8_t)(w & HDR_FLAGS);
	/* §4.3: the low 3 bits of the offset field are reserved. */
	t.frag_off = (uint16_t)(fo >> 3);
	t.radio_mac_len = 0;
	t.wsi_len = 0;
	memset(t.radio_mac, 0, sizeof(t.radio_mac));
	memset(t.wsi, 0, sizeof(t.wsi));

	if (t.hlen < 2)
		return cs_err_set(err, -EBADMSG, "HLEN below 2", off + 1);
	hbytes = (size_t)t.hlen * 4;
	/* The rest of the header, as its own cursor. */
	r = *rd;
	if (cs_rd_sub(&r, hbytes, &hr) < 0)
		return cs_err_set(
		    err, -EBADMSG, "HLEN beyond datagram", off + 1);
	(void)cs_rd_skip(&hr, CS_CAPWAP_HDR_MIN);

	if (t.has_radio_mac) {
		size_t at = cs_rd_off(&hr), pad;

		if (cs_rd_u8(&hr, &t.radio_mac_len) < 0)
			return cs_err_set(
			    err, -EBADMSG, "radio MAC beyond HLEN", at);
		if (t.radio_mac_len != 6 && t.radio_mac_len != 8)
			return cs_err_set(
			    err, -EBADMSG, "radio MAC length not 6 or 8", at);
		if (cs_rd_bytes(&hr, t.radio_mac, t.radio_mac_len) < 0)
			return cs_err_set(
			    err, -EBADMSG, "radio MAC beyond HLEN", at);
		pad = hdr_opt_len(t.radio_mac_len) - 1 - t.radio_mac_len;
		at = cs_rd_off(&hr);
		if (hr.left < pad)
			return cs_err_set(
			    err, -EBADMSG, "radio MAC padding beyond HLEN", at);
		if (hdr_zero(&hr, pad) < 0)
			return cs_err_set(
			    err, -EBADMSG, "radio MAC padding not zero", at);
	}
	if (t.has_wsi) {
		size_t at = cs_rd_off(&hr), pad;

		if (cs_rd_u8(&hr, &t.wsi_len) < 0 ||
		    cs_rd_bytes(&hr, t.wsi, t.wsi_len) < 0)
			return cs_err_set(err, -EBADMSG,
			    "wireless specific information beyond HLEN", at);
		pad = hdr_opt_len(t.wsi_len) - 1 - t.wsi_len;
		at = cs_rd_off(&hr);
		if (hr.left < pad)
			return cs_err_set(err, -EBADMSG,
			    "wireless specific information padding beyond "
			    "HLEN",
			    at);
		if (hdr_zero(&hr, pad) < 0)
			return cs_err_set(err, -EBADMSG,
			    "wireless specific information padding not zero",
			    at);
	}
	/* Words HLEN covers beyond the fields are padding, too. */
	{
		size_t at = cs_rd_off(&hr);

		if (hdr_zero(&hr, hr.left) < 0)
			return cs_err_set(
			    err, -EBADMSG, "header padding not zero", at);
	}
	*rd = r;
	*h = t;
	return 0;
}

void
cs_capwap_hdr_encode(struct cs_wr *wr, const struct cs_capwap_hdr *h)
{
	size_t n = cs_capwap_hdr_len(h);
	uint32_t w;

	if (h->rid > 31 || h->wbid > 31 || h->frag_off > 0x1fff ||
	    (h->has_radio_mac && h->radio_mac_len != 6 &&
	        h->radio_mac_len != 8)) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	if (n > CS_CAPWAP_HDR_MAX) {
		cs_wr_fail(wr, -EMSGSIZE);
		return;
	}
	w = (uint32_t)(n / 4) << HDR_HLEN_SHIFT |
	    (uint32_t)h->rid << HDR_RID_SHIFT |
	    (uint32_t)h->wbid << HDR_WBID_SHIFT | (h->flags & HDR_FLAGS);
	if (h->is_native)
		w |= HDR_T;
	if (h->is_fragment)
		w |= HDR_F;
	if (h->is_last)
		w |= HDR_L;
	if (h->has_wsi)
		w |= HDR_W;
	if (h->has_radio_mac)
		w |= HDR_M;
	if (h->is_keepalive)
		w |= HDR_K;
	cs_wr_u8(wr, CS_PREAMBLE_CAPWAP);
	cs_wr_u24(wr, w);
	cs_wr_u16(wr, h->frag_id);
	cs_wr_u16(wr, (uint16_t)(h->frag_off << 3));
	if (h->has_radio_mac) {
		cs_wr_u8(wr, h->radio_mac_len);
		cs_wr_bytes(wr, h->radio_mac, h->radio_mac_len);
		cs_wr_zero(
		    wr, hdr_opt_len(h->radio_mac_len) - 1 - h->radio_mac_len);
	}
	if (h->has_wsi) {
		cs_wr_u8(wr, h->wsi_len);
		cs_wr_bytes(wr, h->wsi, h->wsi_len);
		cs_wr_zero(wr, hdr_opt_len(h->wsi_len) - 1 - h->wsi_len);
	}
}

int
cs_ctl_hdr_decode(struct cs_rd *rd, struct cs_ctl_hdr *c, struct cs_err *err)
{
	struct cs_rd r = *rd;
	struct cs_ctl_hdr t;

	if (cs_rd_u32(&r, &t.type) < 0 || cs_rd_u8(&r, &t.seq) < 0 ||
	    cs_rd_u16(&r, &t.elem_len) < 0 || cs_rd_u8(&r, &t.flags) < 0)
		return cs_err_set(
		    err, -EBADMSG, "control header truncated", cs_rd_off(rd));
	*rd = r;
	*c = t;
	return 0;
}

void
cs_ctl_hdr_encode(struct cs_wr *wr, const struct cs_ctl_hdr *c)
{
	cs_wr_u32(wr, c->type);
	cs_wr_u8(wr, c->seq);
	cs_wr_u16(wr, c->elem_len);
	cs_wr_u8(wr, c->flags);
}
