/* SPDX-License-Identifier: MIT */
/*
 * CAPWAP Data Channel Keep-Alive codec (RFC 5415 §4.4.1): header with only
 * HLEN and K, a 16-bit Message Element Length, and the Session ID element.
 */
#include "capsim/capwap_keepalive.h"

#include <errno.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/cursor.h"

int
cs_keepalive_encode(struct cs_wr *wr, const uint8_t *session_id)
{
	struct cs_capwap_hdr h;

	if (wr == NULL)
		return -EINVAL;
	if (session_id == NULL) {
		cs_wr_fail(wr, -EINVAL);
		return wr->err;
	}
	/* §4.4.1: all header fields zero except HLEN and K. */
	memset(&h, 0, sizeof(h));
	h.is_keepalive = true;
	cs_capwap_hdr_encode(wr, &h);
	cs_wr_u16(wr, 2 + CS_ELEM_HDR_LEN + CS_KEEPALIVE_SESSION_ID_LEN);
	cs_el_put(
	    wr, CS_EL_SESSION_ID, session_id, CS_KEEPALIVE_SESSION_ID_LEN);
	return wr->err;
}

bool
cs_keepalive_is(const uint8_t *pkt, size_t len)
{
	struct cs_rd rd;
	uint8_t pre, b3;

	if (pkt == NULL)
		return false;
	cs_rd_init(&rd, pkt, len);
	if (cs_rd_peek_u8(&rd, 0, &pre) < 0 || cs_rd_peek_u8(&rd, 3, &b3) < 0)
		return false;
	return pre == 0 && (b3 & 0x08) != 0; /* K: 0x000008 of bytes 1-3 */
}

int
cs_keepalive_decode(const uint8_t *pkt, size_t len, unsigned flags,
    uint8_t *session_id, struct cs_err *err)
{
	bool lenient = (flags & CS_KEEPALIVE_F_LENIENT) != 0;
	struct cs_capwap_hdr h;
	struct cs_rd rd, elems;
	uint8_t id[CS_KEEPALIVE_SESSION_ID_LEN];
	bool have_id = false;
	uint16_t ml;
	size_t at;
	int r;

	if (pkt == NULL || session_id == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	cs_rd_init(&rd, pkt, len);
	if ((r = cs_capwap_hdr_decode(&rd, &h, err)) < 0)
		return r;
	if (!h.is_keepalive)
		return cs_err_set(err, -EBADMSG, "K bit not set", 3);
	if (h.is_fragment || h.is_last || h.has_wsi || h.has_radio_mac)
		return cs_err_set(
		    err, -EBADMSG, "keep-alive with F, L, W or M set", 3);
	if (!lenient) {
		if (h.hlen != 2)
			return cs_err_set(
			    err, -EBADMSG, "keep-alive HLEN not 2", 1);
		if (h.rid != 0 || h.wbid != 0 || h.is_native || h.flags != 0)
			return cs_err_set(err, -EBADMSG,
			    "keep-alive header field not zero", 1);
		if (h.frag_id != 0 || h.frag_off != 0)
			return cs_err_set(err, -EBADMSG,
			    "keep-alive fragment fields not zero", 4);
	}
	at = cs_rd_off(&rd);
	if (cs_rd_u16(&rd, &ml) < 0)
		return cs_err_set(
		    err, -EBADMSG, "Message Element Length truncated", at);
	/* §4.4.1: "the number of bytes following the CAPWAP Header". */
	if (ml != rd.left + 2 && !(lenient && ml == rd.left))
		return cs_err_set(err, -EBADMSG,
		    "Message Element Length disagrees with packet", at);
	elems = rd;
	while (elems.left > 0) {
		size_t el_at = cs_rd_off(&elems);
		uint16_t type, elen;
		struct cs_rd val;

		if (cs_rd_u16(&elems, &type) < 0 ||
		    cs_rd_u16(&elems, &elen) < 0)
			return cs_err_set(
			    err, -EBADMSG, "element header truncated", el_at);
		if (cs_rd_sub(&elems, elen, &val) < 0)
			return cs_err_set(err, -EBADMSG,
			    "element length beyond packet", el_at + 2);
		if (type != CS_EL_SESSION_ID) {
			if (lenient)
				continue;
			return cs_err_set(err, -EBADMSG,
			    "element other than Session ID in keep-alive",
			    el_at);
		}
		if (have_id)
			return cs_err_set(
			    err, -EBADMSG, "second Session ID", el_at);
		if (elen != CS_KEEPALIVE_SESSION_ID_LEN)
			return cs_err_set(err, -EBADMSG,
			    "Session ID length not 16", el_at + 2);
		(void)cs_rd_bytes(&val, id, sizeof(id));
		have_id = true;
	}
	if (!have_id)
		return cs_err_set(
		    err, -EBADMSG, "Session ID missing", cs_rd_off(&elems));
	memcpy(session_id, id, sizeof(id));
	return 0;
}
