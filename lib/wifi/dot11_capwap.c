/* SPDX-License-Identifier: MIT */
/*
 * 802.11 frames in and out of the CAPWAP data channel: the header an AP
 * in local (split-MAC) mode puts in front of a native frame, so that the
 * controller, Wireshark and capsim read the same bytes (RFC 5415 §4.3:
 * T = 1 means "native frame format as given by WBID"; RFC 5416 §2: WBID
 * 1, no FCS).
 */
#include <errno.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "capsim/ieee80211.h"

void
cs_dot11_capwap_wrap(struct cs_wr *wr, uint8_t rid, const uint8_t *radio_mac,
    const uint8_t *frame, size_t len)
{
	struct cs_capwap_hdr h;

	if (rid > 31) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	cs_capwap_hdr_init(&h, rid);
	h.wbid = 1;
	h.is_native = true;
	if (radio_mac != NULL) {
		h.has_radio_mac = true;
		h.radio_mac_len = 6;
		memcpy(h.radio_mac, radio_mac, 6);
	}
	cs_capwap_hdr_encode(wr, &h);
	cs_wr_bytes(wr, frame, len);
}

int
cs_dot11_capwap_unwrap(const uint8_t *pkt, size_t len, uint8_t *rid,
    const uint8_t **frame, size_t *frame_len, struct cs_err *err)
{
	struct cs_capwap_hdr h;
	struct cs_rd rd;
	int r;

	if (pkt == NULL || rid == NULL || frame == NULL || frame_len == NULL)
		return -EINVAL;
	cs_rd_init(&rd, pkt, len);
	if ((r = cs_capwap_hdr_decode(&rd, &h, err)) < 0)
		return r;
	if (h.is_keepalive)
		return cs_err_set(err, -EPROTONOSUPPORT, "data keep-alive", 0);
	if (h.is_fragment)
		return cs_err_set(
		    err, -EPROTONOSUPPORT, "fragment: reassemble first", 0);
	if (!h.is_native || h.wbid != 1)
		return cs_err_set(err, -EPROTONOSUPPORT,
		    "not a native IEEE 802.11 frame (T bit, WBID 1)", 1);
	*rid = h.rid;
	*frame = rd.p;
	*frame_len = rd.left;
	return 0;
}
