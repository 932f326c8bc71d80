/* SPDX-License-Identifier: MIT */
/*
 * Bounded byte cursor (STYLE G7): every protocol byte in capsim is read or
 * written through these functions, big-endian, with explicit bounds.
 */
#include "capsim/cursor.h"

#include <errno.h>
#include <string.h>

/* common.h's two functions live here, with the code every module links */
const char *
cs_version(void)
{
	return CS_VERSION_STRING;
}

int
cs_err_set(struct cs_err *err, int code, const char *what, size_t offset)
{
	if (err != NULL) {
		err->code = code;
		err->what = what;
		err->offset = offset;
	}
	return code;
}

void
cs_rd_init(struct cs_rd *rd, const void *p, size_t len)
{
	rd->p = p;
	rd->left = len;
	rd->base = p;
}

size_t
cs_rd_off(const struct cs_rd *rd)
{
	return (size_t)(rd->p - rd->base);
}

int
cs_rd_u8(struct cs_rd *rd, uint8_t *v)
{
	if (rd->left < 1)
		return -EBADMSG;
	*v = rd->p[0];
	rd->p++;
	rd->left--;
	return 0;
}

int
cs_rd_u16(struct cs_rd *rd, uint16_t *v)
{
	if (rd->left < 2)
		return -EBADMSG;
	*v = (uint16_t)(rd->p[0] << 8 | rd->p[1]);
	rd->p += 2;
	rd->left -= 2;
	return 0;
}

int
cs_rd_u24(struct cs_rd *rd, uint32_t *v)
{
	if (rd->left < 3)
		return -EBADMSG;
	*v = (uint32_t)rd->p[0] << 16 | (uint32_t)rd->p[1] << 8 | rd->p[2];
	rd->p += 3;
	rd->left -= 3;
	return 0;
}

int
cs_rd_u32(struct cs_rd *rd, uint32_t *v)
{
	if (rd->left < 4)
		return -EBADMSG;
	*v = (uint32_t)rd->p[0] << 24 | (uint32_t)rd->p[1] << 16 |
	    (uint32_t)rd->p[2] << 8 | rd->p[3];
	rd->p += 4;
	rd->left -= 4;
	return 0;
}

int
cs_rd_u48(struct cs_rd *rd, uint64_t *v)
{
	uint64_t x = 0;

	if (rd->left < 6)
		return -EBADMSG;
	for (int i = 0; i < 6; i++)
		x = x << 8 | rd->p[i];
	*v = x;
	rd->p += 6;
	rd->left -= 6;
	return 0;
}

int
cs_rd_bytes(struct cs_rd *rd, void *out, size_t len)
{
	if (rd->left < len)
		return -EBADMSG;
	if (len > 0)
		memcpy(out, rd->p, len);
	rd->p += len;
	rd->left -= len;
	return 0;
}

int
cs_rd_view(struct cs_rd *rd, size_t len, const uint8_t **out)
{
	if (rd->left < len)
		return -EBADMSG;
	*out = rd->p;
	rd->p += len;
	rd->left -= len;
	return 0;
}

int
cs_rd_skip(struct cs_rd *rd, size_t len)
{
	if (rd->left < len)
		return -EBADMSG;
	rd->p += len;
	rd->left -= len;
	return 0;
}

int
cs_rd_sub(struct cs_rd *rd, size_t len, struct cs_rd *sub)
{
	if (rd->left < len)
		return -EBADMSG;
	sub->p = rd->p;
	sub->left = len;
	sub->base = rd->base;
	rd->p += len;
	rd->left -= len;
	return 0;
}

int
cs_rd_peek_u8(const struct cs_rd *rd, size_t at, uint8_t *v)
{
	if (at >= rd->left)
		return -EBADMSG;
	*v = rd->p[at];
	return 0;
}

void
cs_wr_init(struct cs_wr *wr, void *buf, size_t cap)
{
	wr->buf = buf;
	wr->cap = cap;
	wr->len = 0;
	wr->err = 0;
}

void
cs_wr_fail(struct cs_wr *wr, int code)
{
	if (wr->err == 0)
		wr->err = code;
}

/* True when n more bytes fit; otherwise marks the writer full. */
static int
wr_room(struct cs_wr *wr, size_t n)
{
	if (wr->err != 0)
		return 0;
	if (wr->cap - wr->len < n) {
		wr->err = -ENOBUFS;
		return 0;
	}
	return 1;
}

void
cs_wr_u8(struct cs_wr *wr, uint8_t v)
{
	if (!wr_room(wr, 1))
		return;
	wr->buf[wr->len++] = v;
}

void
cs_wr_u16(struct cs_wr *wr, uint16_t v)
{
	if (!wr_room(wr, 2))
		return;
	wr->buf[wr->len++] = (uint8_t)(v >> 8);
	wr->buf[wr->len++] = (uint8_t)v;
}

void
cs_wr_u24(struct cs_wr *wr, uint32_t v)
{
	if (v > 0xffffff) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	if (!wr_room(wr, 3))
		return;
	wr->buf[wr->len++] = (uint8_t)(v >> 16);
	wr->buf[wr->len++] = (uint8_t)(v >> 8);
	wr->buf[wr->len++] = (uint8_t)v;
}

void
cs_wr_u32(struct cs_wr *wr, uint32_t v)
{
	if (!wr_room(wr, 4))
		return;
	wr->buf[wr->len++] = (uint8_t)(v >> 24);
	wr->buf[wr->len++] = (uint8_t)(v >> 16);
	wr->buf[wr->len++] = (uint8_t)(v >> 8);
	wr->buf[wr->len++] = (uint8_t)v;
}

void
cs_wr_u48(struct cs_wr *wr, uint64_t v)
{
	if (!wr_room(wr, 6))
		return;
	for (int i = 5; i >= 0; i--)
		wr->buf[wr->len++] = (uint8_t)(v >> (8 * i));
}

void
cs_wr_bytes(struct cs_wr *wr, const void *p, size_t len)
{
	if (!wr_room(wr, len))
		return;
	if (len > 0)
		memcpy(wr->buf + wr->len, p, len);
	wr->len += len;
}

void
cs_wr_zero(struct cs_wr *wr, size_t len)
{
	if (!wr_room(wr, len))
		return;
	memset(wr->buf + wr->len, 0, len);
	wr->len += len;
}

size_t
cs_wr_mark16(struct cs_wr *wr)
{
	size_t at = wr->len;

	cs_wr_u16(wr, 0);
	return at;
}

void
cs_wr_patch16(struct cs_wr *wr, size_t at)
{
	size_t n;

	if (wr->err != 0)
		return;
	n = wr->len - at - 2;
	if (n > UINT16_MAX) {
		wr->err = -EMSGSIZE;
		return;
	}
	wr->buf[at] = (uint8_t)(n >> 8);
	wr->buf[at + 1] = (uint8_t)n;
}

void
cs_wr_put16_at(struct cs_wr *wr, size_t at, uint16_t v)
{
	if (wr->err != 0)
		return;
	if (at + 2 > wr->len) {
		wr->err = -EINVAL;
		return;
	}
	wr->buf[at] = (uint8_t)(v >> 8);
	wr->buf[at + 1] = (uint8_t)v;
}
