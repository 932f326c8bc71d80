/* SPDX-License-Identifier: MIT */
/*
 * CAPWAP control messages (RFC 5415 §4.5, §4.6): the strict decoder with
 * its element TLV walk, the mandatory-element rules of RFC 5415 §5-§10 and
 * RFC 5416 §3, the re-encoder and the message builder.
 */
#include "capsim/capwap.h"

#include <errno.h>
#include <string.h>

#include "capsim/cursor.h"

#include "capwap-internal.h"

int
cs_msg_decode(struct cs_msg *m, const uint8_t *buf, size_t len, unsigned flags,
    struct cs_err *err)
{
	static struct cs_msg t; /* TODO: replaced in the next commit */
	struct cs_rd rd;
	int r;

	(void)flags;
	if (m == NULL || buf == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	cs_rd_init(&rd, buf, len);
	if ((r = cs_capwap_hdr_decode(&rd, &t.hdr, err)) < 0)
		return r;
	if ((r = cs_ctl_hdr_decode(&rd, &t.ctl, err)) < 0)
		return r;
	return cs_err_set(err, -ENOSYS, "not implemented yet", 0);
}

int
cs_msg_missing(const struct cs_msg *m, unsigned flags, uint16_t *type)
{
	(void)flags;
	(void)type;
	if (m == NULL)
		return -EINVAL;
	return 0;
}

const struct cs_elem *
cs_msg_find(const struct cs_msg *m, uint16_t type, unsigned idx)
{
	for (unsigned i = 0; i < m->n_elems; i++) {
		if (m->elems[i].type != type)
			continue;
		if (idx-- == 0)
			return &m->elems[i];
	}
	return NULL;
}

unsigned
cs_msg_count(const struct cs_msg *m, uint16_t type)
{
	unsigned n = 0;

	for (unsigned i = 0; i < m->n_elems; i++)
		n += m->elems[i].type == type;
	return n;
}

void
cs_el_put(struct cs_wr *wr, uint16_t type, const void *val, size_t len)
{
	if (len > UINT16_MAX) {
		cs_wr_fail(wr, -EMSGSIZE);
		return;
	}
	cs_wr_u16(wr, type);
	cs_wr_u16(wr, (uint16_t)len);
	cs_wr_bytes(wr, val, len);
}

void
cs_msgb_begin(struct cs_msgb *b, struct cs_wr *wr,
    const struct cs_capwap_hdr *hdr, uint32_t type, uint8_t seq)
{
	struct cs_ctl_hdr c = { .type = type, .seq = seq };

	b->wr = wr;
	b->start = wr->len;
	cs_capwap_hdr_encode(wr, hdr);
	b->len_at = wr->len + 5;
	cs_ctl_hdr_encode(wr, &c);
}

int
cs_msgb_end(struct cs_msgb *b)
{
	struct cs_wr *wr = b->wr;
	size_t n;

	if (wr->err != 0)
		return wr->err;
	/* RFC 5415 §4.5.1: bytes following the Sequence Number field. */
	n = wr->len - b->len_at;
	if (n > UINT16_MAX) {
		cs_wr_fail(wr, -EMSGSIZE);
		return wr->err;
	}
	cs_wr_put16_at(wr, b->len_at, (uint16_t)(n + 1));
	return wr->err;
}

int
cs_msg_encode(const struct cs_msg *m, struct cs_wr *wr)
{
	struct cs_msgb b;

	cs_msgb_begin(&b, wr, &m->hdr, m->ctl.type, m->ctl.seq);
	for (unsigned i = 0; i < m->n_elems; i++)
		cs_el_put(
		    wr, m->elems[i].type, m->elems[i].val, m->elems[i].len);
	return cs_msgb_end(&b);
}
