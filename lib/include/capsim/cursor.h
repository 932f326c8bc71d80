/* SPDX-License-Identifier: MIT */
/*
 * The bounded byte cursor: the only way protocol code touches bytes
 * (STYLE G7).  A reader never reads past its end and leaves both itself
 * and the output untouched on failure (-EBADMSG).  A writer carries a
 * sticky error: after the first failure every write is a no-op, and the
 * builder checks `err` once at the end.
 */
#ifndef CS_CURSOR_H
#define CS_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

/* Reader.  Fields are read-only to callers; `base` lets a decoder report
 * offsets relative to the start of the caller's buffer. */
struct cs_rd {
	const uint8_t *p;    /* next byte */
	size_t left;         /* bytes left */
	const uint8_t *base; /* start of the outermost buffer */
};

/* Writer.  `len` is the number of bytes written so far. */
struct cs_wr {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err; /* first failure (negative errno), sticky */
};

CS_API void cs_rd_init(struct cs_rd *rd, const void *p, size_t len);
/* Offset of the cursor from the start of the outermost buffer. */
CS_API size_t cs_rd_off(const struct cs_rd *rd);
CS_API int cs_rd_u8(struct cs_rd *rd, uint8_t *v);
CS_API int cs_rd_u16(struct cs_rd *rd, uint16_t *v);
CS_API int cs_rd_u24(struct cs_rd *rd, uint32_t *v);
CS_API int cs_rd_u32(struct cs_rd *rd, uint32_t *v);
CS_API int cs_rd_u48(struct cs_rd *rd, uint64_t *v);
CS_API int cs_rd_bytes(struct cs_rd *rd, void *out, size_t len);
/* Returns a pointer to the next len bytes without copying and advances. */
CS_API int cs_rd_view(struct cs_rd *rd, size_t len, const uint8_t **out);
CS_API int cs_rd_skip(struct cs_rd *rd, size_t len);
/* Splits off the next len bytes as their own cursor (no copy); the
 * sub-cursor keeps the same base so offsets stay absolute. */
CS_API int cs_rd_sub(struct cs_rd *rd, size_t len, struct cs_rd *sub);
/* Reads without advancing. */
CS_API int cs_rd_peek_u8(const struct cs_rd *rd, size_t at, uint8_t *v);

CS_API void cs_wr_init(struct cs_wr *wr, void *buf, size_t cap);
CS_API void cs_wr_u8(struct cs_wr *wr, uint8_t v);
CS_API void cs_wr_u16(struct cs_wr *wr, uint16_t v);
CS_API void cs_wr_u24(struct cs_wr *wr, uint32_t v);
CS_API void cs_wr_u32(struct cs_wr *wr, uint32_t v);
CS_API void cs_wr_u48(struct cs_wr *wr, uint64_t v);
CS_API void cs_wr_bytes(struct cs_wr *wr, const void *p, size_t len);
CS_API void cs_wr_zero(struct cs_wr *wr, size_t len);
/* Reserves a 16-bit length and returns where; cs_wr_patch16 fills it with
 * the number of bytes written after it (minus `adjust`, plus nothing). */
CS_API size_t cs_wr_mark16(struct cs_wr *wr);
CS_API void cs_wr_patch16(struct cs_wr *wr, size_t at);
/* Overwrites a 16-bit value at an absolute position already written. */
CS_API void cs_wr_put16_at(struct cs_wr *wr, size_t at, uint16_t v);
/* Marks the writer failed with `code` unless it already failed. */
CS_API void cs_wr_fail(struct cs_wr *wr, int code);

#endif /* CS_CURSOR_H */
