/* SPDX-License-Identifier: MIT */
/*
 * Capture file reader: classic libpcap savefiles (draft-ietf-opsawg-pcap
 * §4 file header, §5 packet record; either byte order, microsecond or
 * nanosecond magic) decoded here with the bounded cursor, pcapng delegated
 * to cs_pcapng_rd_next() (lib/wire/pcapng.c).  Errors carry the file
 * offset of the bad field and leave the reader where it was.
 */
#include "capsim/capread.h"

#include <errno.h>
#include <string.h>

#include "capsim/cursor.h"

static uint32_t
swap32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) |
	    (v << 24);
}

static uint16_t
swap16(uint16_t v)
{
	return (uint16_t)((v >> 8) | (v << 8));
}

/* Reads a 32-bit field in the file's byte order. */
static int
rd_u32(struct cs_rd *rd, bool swapped, uint32_t *v)
{
	uint32_t x;
	int r = cs_rd_u32(rd, &x);

	if (r < 0)
		return r;
	*v = swapped ? swap32(x) : x;
	return 0;
}

static int
rd_u16(struct cs_rd *rd, bool swapped, uint16_t *v)
{
	uint16_t x;
	int r = cs_rd_u16(rd, &x);

	if (r < 0)
		return r;
	*v = swapped ? swap16(x) : x;
	return 0;
}

const char *
cs_capread_format_name(enum cs_cap_format f)
{
	return f == CS_CAP_PCAPNG ? "pcapng" : "pcap";
}

static int
pcap_init(
    struct cs_capread *cr, const uint8_t *buf, size_t len, struct cs_err *err)
{
	struct cs_capread t;
	struct cs_rd rd;
	uint32_t magic, zone, sigfigs, snaplen, lt;
	uint16_t major = 0, minor = 0;

	memset(&t, 0, sizeof(t));
	t.format = CS_CAP_PCAP;
	t.buf = buf;
	t.len = len;
	if (len < CS_PCAP_HDR_LEN)
		return cs_err_set(
		    err, -EBADMSG, "pcap file header truncated", len);
	cs_rd_init(&rd, buf, len);
	(void)cs_rd_u32(&rd, &magic);
	if (magic == CS_PCAP_MAGIC_US || magic == CS_PCAP_MAGIC_NS) {
		t.swapped = false;
	} else {
		t.swapped = true;
		magic = swap32(magic);
	}
	t.nsec = magic == CS_PCAP_MAGIC_NS;
	(void)rd_u16(&rd, t.swapped, &major);
	(void)rd_u16(&rd, t.swapped, &minor);
	(void)rd_u32(&rd, t.swapped, &zone);
	(void)rd_u32(&rd, t.swapped, &sigfigs);
	(void)rd_u32(&rd, t.swapped, &snaplen);
	(void)rd_u32(&rd, t.swapped, &lt);
	if (major != 2)
		return cs_err_set(
		    err, -EBADMSG, "pcap major version is not 2", 4);
	/* The upper bits of the link type field carry the FCS length and
	 * flags (draft-ietf-opsawg-pcap §4); the type is the low 16 bits. */
	if ((lt & 0x03ff0000u) != 0)
		return cs_err_set(
		    err, -EBADMSG, "pcap link type reserved bits set", 20);
	t.major = major;
	t.minor = minor;
	t.snaplen = snaplen;
	t.linktype = (uint16_t)(lt & 0xffffu);
	t.off = CS_PCAP_HDR_LEN;
	*cr = t;
	return 0;
}

int
cs_capread_init(
    struct cs_capread *cr, const uint8_t *buf, size_t len, struct cs_err *err)
{
	struct cs_rd rd;
	uint32_t magic;

	if (cr == NULL || (buf == NULL && len > 0))
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	cs_rd_init(&rd, buf, len);
	if (cs_rd_u32(&rd, &magic) < 0)
		return cs_err_set(err, -EBADMSG,
		    "capture shorter than its magic number", len);
	if (magic == CS_PCAPNG_BT_SHB) {
		memset(cr, 0, sizeof(*cr));
		cr->format = CS_CAP_PCAPNG;
		cr->buf = buf;
		cr->len = len;
		cs_pcapng_rd_init(&cr->ng, buf, len);
		return 0;
	}
	if (magic == CS_PCAP_MAGIC_US || magic == CS_PCAP_MAGIC_NS ||
	    swap32(magic) == CS_PCAP_MAGIC_US ||
	    swap32(magic) == CS_PCAP_MAGIC_NS)
		return pcap_init(cr, buf, len, err);
	return cs_err_set(err, -EBADMSG,
	    "not a pcap or pcapng file (unknown magic number)", 0);
}

static int
pcap_next(struct cs_capread *cr, struct cs_cap_rec *rec, struct cs_err *err)
{
	struct cs_rd rd;
	uint32_t sec, frac, incl, orig;
	size_t at = cr->off;
	const uint8_t *data;

	if (at == cr->len)
		return 0;
	cs_rd_init(&rd, cr->buf + at, cr->len - at);
	if (cr->len - at < CS_PCAP_REC_LEN)
		return cs_err_set(
		    err, -EBADMSG, "pcap record header truncated", at);
	(void)rd_u32(&rd, cr->swapped, &sec);
	(void)rd_u32(&rd, cr->swapped, &frac);
	(void)rd_u32(&rd, cr->swapped, &incl);
	(void)rd_u32(&rd, cr->swapped, &orig);
	if (frac >= (cr->nsec ? 1000000000u : 1000000u))
		return cs_err_set(err, -EBADMSG,
		    "pcap record sub-second timestamp out of range", at + 4);
	if (incl > CS_PCAP_MAX_CAPLEN)
		return cs_err_set(err, -EBADMSG,
		    "pcap record captured length implausibly large", at + 8);
	if (incl > orig)
		return cs_err_set(err, -EBADMSG,
		    "pcap record captured length above original length",
		    at + 8);
	if (cs_rd_view(&rd, incl, &data) < 0)
		return cs_err_set(
		    err, -EBADMSG, "pcap packet data truncated", at + 16);
	memset(rec, 0, sizeof(*rec));
	rec->kind = CS_CAP_PACKET;
	rec->offset = at;
	rec->linktype = cr->linktype;
	rec->ts_us =
	    (uint64_t)sec * 1000000u + (cr->nsec ? frac / 1000u : frac);
	rec->cap_len = incl;
	rec->orig_len = orig;
	rec->data = data;
	cr->off = at + CS_PCAP_REC_LEN + incl;
	cr->n_records++;
	return 1;
}

static int
pcapng_next(struct cs_capread *cr, struct cs_cap_rec *rec, struct cs_err *err)
{
	for (;;) {
		struct cs_pcapng_block b;
		int r = cs_pcapng_rd_next(&cr->ng, &b, err);

		if (r <= 0)
			return r;
		if (b.type == CS_PCAPNG_BT_EPB || b.type == CS_PCAPNG_BT_SPB) {
			memset(rec, 0, sizeof(*rec));
			rec->kind = CS_CAP_PACKET;
			rec->offset = b.offset;
			rec->linktype = b.linktype;
			rec->if_id = b.if_id;
			rec->ts_us = b.ts_us;
			rec->cap_len = b.cap_len;
			rec->orig_len = b.orig_len;
			rec->data = b.data;
			cr->n_records++;
			return 1;
		}
		if (b.type == CS_PCAPNG_BT_ISB) {
			uint64_t e =
			    b.isb_end_us > b.ts_us ? b.isb_end_us : b.ts_us;

			if (e > cr->end_us)
				cr->end_us = e;
			continue;
		}
		if (b.type == CS_PCAPNG_BT_DSB) {
			memset(rec, 0, sizeof(*rec));
			rec->kind = CS_CAP_SECRETS;
			rec->offset = b.offset;
			rec->secrets_type = b.secrets_type;
			rec->secrets = b.secrets;
			rec->secrets_len = b.secrets_len;
			cr->n_records++;
			return 1;
		}
	}
}

int
cs_capread_next(
    struct cs_capread *cr, struct cs_cap_rec *rec, struct cs_err *err)
{
	if (cr == NULL || rec == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	if (cr->format == CS_CAP_PCAPNG)
		return pcapng_next(cr, rec, err);
	return pcap_next(cr, rec, err);
}
