/* SPDX-License-Identifier: MIT */
/*
 * CAPWAP Data Channel Keep-Alive (RFC 5415 §4.4.1): the packet a WTP sends
 * on the data port to bind the data channel to its control session, and
 * the AC echoes back unchanged.
 */
#ifndef CS_CAPWAP_KEEPALIVE_H
#define CS_CAPWAP_KEEPALIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

struct cs_wr;

#define CS_KEEPALIVE_SESSION_ID_LEN 16 /* RFC 5415 §4.6.37 */
/* CAPWAP header (HLEN 2) + Message Element Length + Session ID TLV. */
#define CS_KEEPALIVE_LEN (8 + 2 + 4 + CS_KEEPALIVE_SESSION_ID_LEN)

/*
 * Decode flags.  Strict (0) accepts exactly what cs_keepalive_encode()
 * writes.  LENIENT also accepts what some implementations send: non-zero
 * RID, WBID, T or reserved header flags (e.g. WBID 1 copied from the data
 * channel), a Message Element Length that counts only the elements (not
 * the 2-byte length field itself), and extra elements besides Session ID,
 * which are skipped.  F, W and M must still be clear.
 */
#define CS_KEEPALIVE_F_LENIENT 0x1u

/**
 * Writes a keep-alive: CAPWAP header with every field zero except HLEN (2)
 * and K (RFC 5415 §4.4.1), then Message Element Length = 22, the number of
 * bytes after the CAPWAP header (its own 2 included, as RFC 5415 §4.4.1
 * words it and Wireshark checks), then the Session ID element (type 35,
 * length 16).
 * @return wr->err (0 on success, -ENOBUFS full, -EINVAL NULL session id).
 */
CS_API int cs_keepalive_encode(struct cs_wr *wr, const uint8_t *session_id);

/**
 * Checks a keep-alive and returns its Session ID.
 * Strict checks: preamble 0; HLEN 2; RID, WBID, T, F, L, W, M, flags,
 * Fragment ID and Offset all zero; K set; Message Element Length equal to
 * the bytes after the header; the elements are exactly one Session ID of
 * length 16.
 * @param session_id  16 bytes, written only on success.
 * @return 0; -EBADMSG with @p err naming what and where; -EINVAL NULL.
 */
CS_API int cs_keepalive_decode(const uint8_t *pkt, size_t len, unsigned flags,
    uint8_t *session_id, struct cs_err *err);

/** True when @p pkt starts with a clear CAPWAP header (preamble 0) whose K
 * bit is set: a cheap test for the data-channel demultiplexer. */
CS_API bool cs_keepalive_is(const uint8_t *pkt, size_t len);

#endif /* CS_CAPWAP_KEEPALIVE_H */
