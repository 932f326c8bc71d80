/* SPDX-License-Identifier: MIT */
/*
 * CAPWAP fragmentation and reassembly (RFC 5415 §3.4, §4.3).  The splitter
 * re-encodes the header per fragment; the reassembler keeps a few sets per
 * context, each with its own buffer, and drops a whole set on anything the
 * RFC forbids (overlaps) or that cannot be made consistent.
 */
#include "capsim/capwap_frag.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/cursor.h"

#define REASM_MAX_FRAGS_LIMIT 256

unsigned
cs_capwap_fragment_count(size_t len, size_t hdr_len, size_t mtu)
{
	size_t payload, chunk;

	if (len <= mtu)
		return 1;
	if (len < hdr_len || mtu < hdr_len + 8)
		return 0;
	payload = len - hdr_len;
	if (payload > CS_FRAG_MAX_PAYLOAD)
		return 0;
	chunk = (mtu - hdr_len) & ~(size_t)7;
	return (unsigned)((payload + chunk - 1) / chunk);
}

int
cs_capwap_fragment(const uint8_t *msg, size_t len, size_t mtu, uint16_t frag_id,
    cs_frag_emit_fn *emit, void *arg, struct cs_err *err)
{
	struct cs_capwap_hdr h;
	struct cs_rd rd;
	const uint8_t *payload;
	size_t plen, hdr_len, chunk, off;
	uint8_t *scratch;
	unsigned n = 0;
	int r;

	if (msg == NULL || emit == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	cs_rd_init(&rd, msg, len);
	if ((r = cs_capwap_hdr_decode(&rd, &h, err)) < 0)
		return r;
	if (h.is_fragment)
		return cs_err_set(
		    err, -EINVAL, "packet is already a fragment", 0);
	if (len <= mtu) {
		r = emit(arg, msg, len);
		return r < 0 ? r : 1;
	}
	payload = rd.p;
	plen = rd.left;
	if (plen > CS_FRAG_MAX_PAYLOAD)
		return cs_err_set(err, -EMSGSIZE,
		    "payload too large for 13-bit fragment offsets",
		    cs_rd_off(&rd));
	h.is_fragment = true;
	hdr_len = cs_capwap_hdr_len(&h);
	if (mtu < hdr_len + 8)
		return cs_err_set(
		    err, -EMSGSIZE, "MTU leaves less than 8 payload bytes", 0);
	/* §3.4: offsets count 8-octet units, so every fragment but the last
	 * carries a multiple of 8 bytes. */
	chunk = (mtu - hdr_len) & ~(size_t)7;
	if ((scratch = malloc(hdr_len + chunk)) == NULL)
		return -ENOMEM;
	for (off = 0; off < plen; off += chunk) {
		size_t take = plen - off < chunk ? plen - off : chunk;
		struct cs_wr wr;

		h.frag_id = frag_id;
		h.frag_off = (uint16_t)(off / 8);
		h.is_last = off + take == plen;
		cs_wr_init(&wr, scratch, hdr_len + chunk);
		cs_capwap_hdr_encode(&wr, &h);
		cs_wr_bytes(&wr, payload + off, take);
		if (wr.err != 0) {
			r = cs_err_set(
			    err, wr.err, "fragment encoding failed", 0);
			goto out;
		}
		if ((r = emit(arg, scratch, wr.len)) < 0)
			goto out;
		n++;
	}
	r = (int)n;
out:
	free(scratch);
	return r;
}

/* ---- reassembly ---- */

struct reasm_frag {
	uint32_t off; /* payload bytes */
	uint32_t len;
	bool is_last;
};

struct reasm_set {
	bool used;
	uint16_t frag_id;
	uint64_t first_ms;
	struct cs_capwap_hdr hdr; /* of the first fragment seen */
	size_t hdr_len;           /* re-encoded, F/L clear */
	bool has_last;
	uint32_t total; /* payload length, known once L is seen */
	uint32_t have;  /* payload bytes held */
	unsigned n;
	struct reasm_frag *frags; /* max_frags entries */
	uint8_t *buf;             /* max_size: header then payload */
};

struct cs_reasm {
	struct cs_reasm_cfg cfg;
	struct cs_reasm_stats st;
	struct reasm_set *sets; /* max_sets entries */
	uint8_t *out;           /* last completed message, owned */
};

void
cs_reasm_cfg_default(struct cs_reasm_cfg *cfg)
{
	if (cfg == NULL)
		return;
	cfg->max_frags = 16;
	cfg->max_size = CS_CAPWAP_MAX_MSG;
	cfg->timeout_ms = 5000;
	cfg->max_sets = 4;
}

int
cs_reasm_new(struct cs_reasm **out, const struct cs_reasm_cfg *cfg)
{
	struct cs_reasm_cfg c, d;
	struct cs_reasm *r;

	if (out == NULL)
		return -EINVAL;
	cs_reasm_cfg_default(&d);
	c = cfg != NULL ? *cfg : d;
	if (c.max_frags == 0)
		c.max_frags = d.max_frags;
	if (c.max_size == 0)
		c.max_size = d.max_size;
	if (c.timeout_ms == 0)
		c.timeout_ms = d.timeout_ms;
	if (c.max_sets == 0)
		c.max_sets = d.max_sets;
	if (c.max_frags > REASM_MAX_FRAGS_LIMIT || c.max_size < 16 ||
	    c.max_size > CS_FRAG_MAX_PAYLOAD + CS_CAPWAP_HDR_MAX ||
	    c.max_sets > 1024)
		return -EINVAL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -ENOMEM;
	r->cfg = c;
	if ((r->sets = calloc(c.max_sets, sizeof(*r->sets))) == NULL) {
		free(r);
		return -ENOMEM;
	}
	*out = r;
	return 0;
}

static void
set_drop(struct reasm_set *s)
{
	free(s->frags);
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

void
cs_reasm_free(struct cs_reasm *r)
{
	if (r == NULL)
		return;
	for (unsigned i = 0; i < r->cfg.max_sets; i++)
		set_drop(&r->sets[i]);
	free(r->sets);
	free(r->out);
	free(r);
}

unsigned
cs_reasm_expire(struct cs_reasm *r, uint64_t now_ms)
{
	unsigned n = 0;

	if (r == NULL)
		return 0;
	for (unsigned i = 0; i < r->cfg.max_sets; i++) {
		struct reasm_set *s = &r->sets[i];

		if (s->used && now_ms >= s->first_ms &&
		    now_ms - s->first_ms >= r->cfg.timeout_ms) {
			set_drop(s);
			n++;
		}
	}
	r->st.timeouts += n;
	return n;
}

int
cs_reasm_next_expiry(const struct cs_reasm *r, uint64_t *at_ms)
{
	bool any = false;
	uint64_t first = 0;

	if (r == NULL || at_ms == NULL)
		return -EINVAL;
	for (unsigned i = 0; i < r->cfg.max_sets; i++) {
		const struct reasm_set *s = &r->sets[i];

		if (s->used && (!any || s->first_ms < first)) {
			first = s->first_ms;
			any = true;
		}
	}
	if (!any)
		return -ENOENT;
	*at_ms = first + r->cfg.timeout_ms;
	return 0;
}

unsigned
cs_reasm_pending(const struct cs_reasm *r)
{
	unsigned n = 0;

	if (r == NULL)
		return 0;
	for (unsigned i = 0; i < r->cfg.max_sets; i++)
		n += r->sets[i].used;
	return n;
}

int
cs_reasm_holds(const struct cs_reasm *r, uint16_t frag_id)
{
	if (r == NULL)
		return 0;
	for (unsigned i = 0; i < r->cfg.max_sets; i++)
		if (r->sets[i].used && r->sets[i].frag_id == frag_id)
			return 1;
	return 0;
}

void
cs_reasm_get_stats(const struct cs_reasm *r, struct cs_reasm_stats *st)
{
	if (r == NULL || st == NULL)
		return;
	*st = r->st;
}

/* Same set: every header field but F, L and the offset agrees. */
static bool
hdr_same(const struct cs_capwap_hdr *a, const struct cs_capwap_hdr *b)
{
	return a->hlen == b->hlen && a->rid == b->rid && a->wbid == b->wbid &&
	    a->is_native == b->is_native && a->has_wsi == b->has_wsi &&
	    a->has_radio_mac == b->has_radio_mac &&
	    a->is_keepalive == b->is_keepalive && a->flags == b->flags &&
	    a->radio_mac_len == b->radio_mac_len &&
	    memcmp(a->radio_mac, b->radio_mac, a->radio_mac_len) == 0 &&
	    a->wsi_len == b->wsi_len && memcmp(a->wsi, b->wsi, a->wsi_len) == 0;
}

static struct reasm_set *
set_find(struct cs_reasm *r, uint16_t frag_id)
{
	for (unsigned i = 0; i < r->cfg.max_sets; i++)
		if (r->sets[i].used && r->sets[i].frag_id == frag_id)
			return &r->sets[i];
	return NULL;
}

/* A free slot, evicting the oldest set when all are in use. */
static struct reasm_set *
set_slot(struct cs_reasm *r)
{
	struct reasm_set *old = NULL;

	for (unsigned i = 0; i < r->cfg.max_sets; i++) {
		struct reasm_set *s = &r->sets[i];

		if (!s->used)
			return s;
		if (old == NULL || s->first_ms < old->first_ms)
			old = s;
	}
	set_drop(old);
	r->st.evicted++;
	return old;
}

static int
set_fail(struct reasm_set *s, uint64_t *counter, struct cs_err *err, int code,
    const char *what, size_t off)
{
	set_drop(s);
	(*counter)++;
	return cs_err_set(err, code, what, off);
}

int
cs_reasm_input(struct cs_reasm *r, const uint8_t *pkt, size_t len,
    uint64_t now_ms, const uint8_t **out, size_t *out_len, struct cs_err *err)
{
	struct cs_capwap_hdr h;
	struct reasm_set *s;
	struct cs_rd rd;
	const uint8_t *data;
	size_t dlen, off, end, hdr_at;
	int ret;

	if (r == NULL || pkt == NULL || out == NULL || out_len == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	cs_reasm_expire(r, now_ms);
	r->st.fragments++;
	cs_rd_init(&rd, pkt, len);
	if ((ret = cs_capwap_hdr_decode(&rd, &h, err)) < 0) {
		r->st.malformed++;
		return ret;
	}
	if (!h.is_fragment) {
		r->st.fragments--; /* not a fragment after all */
		*out = pkt;
		*out_len = len;
		return 1;
	}
	hdr_at = cs_rd_off(&rd);
	data = rd.p;
	dlen = rd.left;
	off = (size_t)h.frag_off * 8;
	end = off + dlen;

	s = set_find(r, h.frag_id);
	if (s == NULL) {
		struct cs_capwap_hdr t = h;

		s = set_slot(r);
		t.is_fragment = false;
		t.is_last = false;
		t.frag_off = 0;
		s->hdr = h;
		s->hdr_len = cs_capwap_hdr_len(&t);
		s->frag_id = h.frag_id;
		s->first_ms = now_ms;
		s->frags = calloc(r->cfg.max_frags, sizeof(*s->frags));
		s->buf = malloc(r->cfg.max_size);
		s->used = true;
		if (s->frags == NULL || s->buf == NULL) {
			set_drop(s);
			return -ENOMEM;
		}
	} else if (!hdr_same(&s->hdr, &h)) {
		return set_fail(s, &r->st.inconsistent, err, -EBADMSG,
		    "fragment header differs from its set", 0);
	}

	if (dlen == 0)
		return set_fail(s, &r->st.inconsistent, err, -EBADMSG,
		    "empty fragment", hdr_at);
	if (!h.is_last && (dlen & 7) != 0)
		return set_fail(s, &r->st.inconsistent, err, -EBADMSG,
		    "non-last fragment not a multiple of 8 bytes", hdr_at);
	if (s->hdr_len + end > r->cfg.max_size)
		return set_fail(s, &r->st.oversize, err, -EMSGSIZE,
		    "reassembled message too large", 6);
	for (unsigned i = 0; i < s->n; i++) {
		const struct reasm_frag *f = &s->frags[i];

		if (f->off == off && f->len == dlen &&
		    f->is_last == h.is_last &&
		    memcmp(s->buf + s->hdr_len + off, data, dlen) == 0) {
			r->st.duplicates++;
			return 0;
		}
		if (off < (size_t)f->off + f->len && f->off < end)
			return set_fail(s, &r->st.overlaps, err, -EBADMSG,
			    "fragment overlaps another", 6);
	}
	if (h.is_last && s->has_last)
		return set_fail(s, &r->st.overlaps, err, -EBADMSG,
		    "second last fragment", 6);
	if (s->has_last && end > s->total)
		return set_fail(s, &r->st.inconsistent, err, -EBADMSG,
		    "fragment beyond the last fragment", 6);
	if (h.is_last)
		for (unsigned i = 0; i < s->n; i++)
			if ((size_t)s->frags[i].off + s->frags[i].len > end)
				return set_fail(s, &r->st.inconsistent, err,
				    -EBADMSG,
				    "fragment beyond the last fragment", 6);
	if (s->n >= r->cfg.max_frags)
		return set_fail(
		    s, &r->st.too_many, err, -E2BIG, "too many fragments", 4);

	memcpy(s->buf + s->hdr_len + off, data, dlen);
	s->frags[s->n].off = (uint32_t)off;
	s->frags[s->n].len = (uint32_t)dlen;
	s->frags[s->n].is_last = h.is_last;
	s->n++;
	s->have += (uint32_t)dlen;
	if (h.is_last) {
		s->has_last = true;
		s->total = (uint32_t)end;
	}
	if (!s->has_last || s->have != s->total)
		return 0;

	/* Complete: no overlaps and as many bytes as [0, total), so no
	 * holes.  Write the header in front and hand the buffer out. */
	{
		struct cs_capwap_hdr t = s->hdr;
		struct cs_wr wr;
		size_t n = s->hdr_len + s->total;

		t.is_fragment = false;
		t.is_last = false;
		t.frag_off = 0;
		cs_wr_init(&wr, s->buf, s->hdr_len);
		cs_capwap_hdr_encode(&wr, &t);
		if (wr.err != 0 || wr.len != s->hdr_len)
			return set_fail(s, &r->st.inconsistent, err, -EBADMSG,
			    "header does not re-encode", 0);
		free(r->out);
		r->out = s->buf;
		s->buf = NULL;
		set_drop(s);
		r->st.completed++;
		*out = r->out;
		*out_len = n;
		return 1;
	}
}
