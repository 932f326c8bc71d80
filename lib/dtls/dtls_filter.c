/* SPDX-License-Identifier: MIT */
/*
 * The record filter in front of OpenSSL (RFC 6347 §4.1.2.7: "invalid
 * records SHOULD be silently discarded").  OpenSSL 3.0 turns some records
 * that no peer could have sent into a fatal error (an epoch-1 record
 * shorter than the AEAD nonce and tag: internal_error; a record over
 * 2^14+2048 bytes: record_overflow), so one spoofed datagram would end a
 * session.  Every record is checked here first, without cryptography:
 * complete header, length inside the datagram and under the limit, a DTLS
 * version, a content type of RFC 6347 (change_cipher_spec, alert,
 * handshake, application_data) and application data never in the clear
 * (OpenSSL answers either with a fatal unexpected_message, even during a
 * handshake: one spoofed datagram ended the data channel handshake of an
 * AP in Run, found by fuzz_engine_demux), the epoch the session reads, at
 * least the cipher's smallest protected length, and not a replay or older
 * than the window of the last authenticated records (RFC 6347 §4.1.2.6).
 * Pure: bytes in, verdict out.
 */
#include "dtls-internal.h"

#include <errno.h>
#include <string.h>

#include "capsim/cursor.h"
#include "capsim/dtls_peek.h"

#define DTLS_WINDOW_BITS 64 /* RFC 6347 §4.1.2.6: at least 32, 64 usual */

static const char *const dtls_drop_names[] = {
	[CS_DTLS_DROP_HEADER] = "truncated record header",
	[CS_DTLS_DROP_LENGTH] = "record length beyond the datagram or limit",
	[CS_DTLS_DROP_VERSION] = "not a DTLS record version",
	[CS_DTLS_DROP_EPOCH] = "epoch the session does not read",
	[CS_DTLS_DROP_SHORT] = "shorter than the cipher's minimum",
	[CS_DTLS_DROP_REPLAY] = "replayed or too old sequence number",
	[CS_DTLS_DROP_TYPE] =
	    "unknown content type or plaintext application data",
};
_Static_assert(CS_ARRAY_SIZE(dtls_drop_names) == CS_DTLS_DROP__COUNT,
    "dtls_drop_names[] out of sync with enum cs_dtls_drop");

const char *
cs_dtls_drop_name(enum cs_dtls_drop d)
{
	if ((unsigned)d >= CS_DTLS_DROP__COUNT)
		return "?";
	return dtls_drop_names[d];
}

void
dtls_rfilter_init(struct dtls_rfilter *f)
{
	memset(f, 0, sizeof(*f));
}

static bool
rfilter_replayed(const struct dtls_rfilter *f, uint64_t seq)
{
	uint64_t back;

	if (!f->has_top || seq > f->top)
		return false;
	back = f->top - seq;
	if (back >= DTLS_WINDOW_BITS)
		return true; /* older than the window */
	return (f->window >> back) & 1u;
}

int
dtls_rfilter_next(struct dtls_rfilter *f, struct cs_rd *rd,
    struct dtls_rec *rec, enum cs_dtls_drop *why)
{
	uint8_t type, vmaj, vmin;
	uint16_t epoch, len;
	uint8_t seqb[6];

	if (rd->left == 0)
		return -ENODATA;
	rec->hdr = rd->p;
	if (cs_rd_u8(rd, &type) < 0 || cs_rd_u8(rd, &vmaj) < 0 ||
	    cs_rd_u8(rd, &vmin) < 0 || cs_rd_u16(rd, &epoch) < 0 ||
	    cs_rd_bytes(rd, seqb, sizeof(seqb)) < 0 ||
	    cs_rd_u16(rd, &len) < 0) {
		*why = CS_DTLS_DROP_HEADER;
		rd->left = 0; /* nothing after a broken header can be found */
		return 0;
	}
	rec->type = type;
	rec->epoch = epoch;
	rec->seq = 0;
	for (size_t i = 0; i < sizeof(seqb); i++)
		rec->seq = rec->seq << 8 | seqb[i];
	rec->len = CS_DTLS_RECORD_HDR_LEN + (size_t)len;
	if (len > rd->left || len > CS_DTLS_MAX_RECORD_LEN) {
		*why = CS_DTLS_DROP_LENGTH;
		rd->left = 0; /* the next header's place is unknown */
		return 0;
	}
	cs_rd_skip(rd, len);
	if (vmaj != 0xfe) {
		*why = CS_DTLS_DROP_VERSION;
		return 0;
	}
	if (type < 20 || type > 23 || (epoch == 0 && type == 23)) {
		*why = CS_DTLS_DROP_TYPE;
		return 0;
	}
	if (epoch == 0 && !f->is_sealed)
		return 1; /* plaintext handshake: OpenSSL checks it */
	if (epoch != f->epoch || f->min_len == 0) {
		/* epoch 1 before the cipher is known, or any other epoch
		 * (capsim's sessions never renegotiate) */
		*why = CS_DTLS_DROP_EPOCH;
		return 0;
	}
	if (len < f->min_len) {
		*why = CS_DTLS_DROP_SHORT;
		return 0;
	}
	if (rfilter_replayed(f, rec->seq)) {
		*why = CS_DTLS_DROP_REPLAY;
		return 0;
	}
	return 1;
}

void
dtls_rfilter_seen(struct dtls_rfilter *f, uint64_t seq)
{
	if (!f->has_top) {
		f->has_top = true;
		f->top = seq;
		f->window = 1;
		return;
	}
	if (seq > f->top) {
		uint64_t shift = seq - f->top;

		f->window = shift >= DTLS_WINDOW_BITS ? 0 : f->window << shift;
		f->window |= 1;
		f->top = seq;
		return;
	}
	if (f->top - seq < DTLS_WINDOW_BITS)
		f->window |= (uint64_t)1 << (f->top - seq);
}
