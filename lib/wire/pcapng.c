/* SPDX-License-Identifier: MIT */
/*
 * pcapng blocks (draft-ietf-opsawg-pcapng §4) written big-endian through the
 * cursor, a bounds-checked reader for either byte order, and the IPv4/UDP
 * framing the tap synthesizes around CAPWAP datagrams.
 */
#include "capsim/pcapng.h"

#include <errno.h>
#include <string.h>

#include "capsim/cursor.h"

/* Option codes, pcapng §3.5, §4.1, §4.2. */
#define OPT_ENDOFOPT     0
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME      2
#define OPT_IF_TSRESOL   9
#define OPT_ISB_START    2 /* isb_starttime (pcapng §4.6) */
#define OPT_ISB_END      3 /* isb_endtime */

#define BLOCK_OVERHEAD 12 /* type, total length, trailing total length */

static size_t
pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

/* Writes one option with its value padded to 32 bits. */
static void
put_opt(struct cs_wr *wr, uint16_t code, const void *val, size_t len)
{
	if (len > UINT16_MAX) {
		cs_wr_fail(wr, -EMSGSIZE);
		return;
	}
	cs_wr_u16(wr, code);
	cs_wr_u16(wr, (uint16_t)len);
	cs_wr_bytes(wr, val, len);
	cs_wr_zero(wr, pad4(len));
}

/* Starts a block: type and a placeholder total length; returns the start. */
static size_t
block_begin(struct cs_wr *wr, uint32_t type)
{
	size_t at = wr->len;

	cs_wr_u32(wr, type);
	cs_wr_u32(wr, 0);
	return at;
}

/* Ends a block: trailing total length, and patches the leading one. */
static int
block_end(struct cs_wr *wr, size_t at)
{
	size_t total;

	if (wr->err != 0)
		return wr->err;
	total = wr->len - at + 4;
	if (total > UINT32_MAX) {
		cs_wr_fail(wr, -EMSGSIZE);
		return wr->err;
	}
	cs_wr_u32(wr, (uint32_t)total);
	if (wr->err != 0)
		return wr->err;
	/* Patch the leading length (u32 big-endian) with two 16-bit puts. */
	cs_wr_put16_at(wr, at + 4, (uint16_t)(total >> 16));
	cs_wr_put16_at(wr, at + 6, (uint16_t)total);
	return wr->err;
}

int
cs_pcapng_put_shb(struct cs_wr *wr, const char *user_appl)
{
	size_t at;

	if (wr == NULL)
		return -EINVAL;
	at = block_begin(wr, CS_PCAPNG_BT_SHB);
	cs_wr_u32(wr, CS_PCAPNG_BYTE_ORDER_MAGIC);
	cs_wr_u16(wr, 1);           /* major */
	cs_wr_u16(wr, 0);           /* minor */
	cs_wr_u32(wr, 0xffffffffu); /* section length: unknown (-1) */
	cs_wr_u32(wr, 0xffffffffu);
	if (user_appl != NULL) {
		put_opt(wr, OPT_SHB_USERAPPL, user_appl, strlen(user_appl));
		put_opt(wr, OPT_ENDOFOPT, NULL, 0);
	}
	return block_end(wr, at);
}

int
cs_pcapng_put_idb(struct cs_wr *wr, uint16_t linktype, const char *if_name)
{
	return cs_pcapng_put_idb_snaplen(
	    wr, linktype, CS_PCAPNG_SNAPLEN, if_name);
}

int
cs_pcapng_put_idb_snaplen(
    struct cs_wr *wr, uint16_t linktype, uint32_t snaplen, const char *if_name)
{
	static const uint8_t tsresol_us = 6; /* 10^-6 s */
	size_t at;

	if (wr == NULL)
		return -EINVAL;
	at = block_begin(wr, CS_PCAPNG_BT_IDB);
	cs_wr_u16(wr, linktype);
	cs_wr_u16(wr, 0); /* reserved */
	cs_wr_u32(wr, snaplen);
	if (if_name != NULL)
		put_opt(wr, OPT_IF_NAME, if_name, strlen(if_name));
	put_opt(wr, OPT_IF_TSRESOL, &tsresol_us, 1);
	put_opt(wr, OPT_ENDOFOPT, NULL, 0);
	return block_end(wr, at);
}

/* EPB header fields; the caller then writes cap_len bytes of data. */
static size_t
epb_begin2(struct cs_wr *wr, uint32_t if_id, uint64_t ts_us, size_t cap_len,
    size_t orig_len)
{
	size_t at = block_begin(wr, CS_PCAPNG_BT_EPB);

	cs_wr_u32(wr, if_id);
	cs_wr_u32(wr, (uint32_t)(ts_us >> 32));
	cs_wr_u32(wr, (uint32_t)ts_us);
	cs_wr_u32(wr, (uint32_t)cap_len);  /* captured */
	cs_wr_u32(wr, (uint32_t)orig_len); /* original */
	return at;
}

static size_t
epb_begin(struct cs_wr *wr, uint32_t if_id, uint64_t ts_us, size_t len)
{
	return epb_begin2(wr, if_id, ts_us, len, len);
}

int
cs_pcapng_put_epb(struct cs_wr *wr, uint32_t if_id, uint64_t ts_us,
    const uint8_t *pkt, size_t len)
{
	size_t at;

	if (wr == NULL)
		return -EINVAL;
	if (pkt == NULL && len > 0) {
		cs_wr_fail(wr, -EINVAL);
		return wr->err;
	}
	if (len > CS_PCAPNG_SNAPLEN) {
		cs_wr_fail(wr, -EMSGSIZE);
		return wr->err;
	}
	at = epb_begin(wr, if_id, ts_us, len);
	cs_wr_bytes(wr, pkt, len);
	cs_wr_zero(wr, pad4(len));
	return block_end(wr, at);
}

int
cs_pcapng_put_epb_cut(struct cs_wr *wr, uint32_t if_id, uint64_t ts_us,
    const uint8_t *pkt, size_t cap_len, size_t orig_len)
{
	size_t at;

	if (wr == NULL)
		return -EINVAL;
	if ((pkt == NULL && cap_len > 0) || cap_len > orig_len) {
		cs_wr_fail(wr, -EINVAL);
		return wr->err;
	}
	if (cap_len > CS_PCAPNG_SNAPLEN || orig_len > UINT32_MAX) {
		cs_wr_fail(wr, -EMSGSIZE);
		return wr->err;
	}
	at = epb_begin2(wr, if_id, ts_us, cap_len, orig_len);
	cs_wr_bytes(wr, pkt, cap_len);
	cs_wr_zero(wr, pad4(cap_len));
	return block_end(wr, at);
}

/* RFC 1071 one's-complement sum of the IPv4 header, from its field values
 * (checksum field taken as zero). */
static uint16_t
ipv4_checksum(uint16_t total_len, uint16_t id, uint32_t src, uint32_t dst)
{
	uint32_t sum = 0x4500 + total_len + id + 0x0000 /* flags, frag */ +
	    (64u << 8 | 17u) + (src >> 16) + (src & 0xffff) + (dst >> 16) +
	    (dst & 0xffff);

	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int
cs_udp4_put(struct cs_wr *wr, const struct cs_udp4_endpoints *ep,
    uint16_t *ip_id, const uint8_t *payload, size_t len)
{
	uint16_t total;

	if (wr == NULL)
		return -EINVAL;
	if (ep == NULL || ip_id == NULL || (payload == NULL && len > 0)) {
		cs_wr_fail(wr, -EINVAL);
		return wr->err;
	}
	if (len > CS_UDP4_MAX_PAYLOAD) {
		cs_wr_fail(wr, -EMSGSIZE);
		return wr->err;
	}
	total = (uint16_t)(20 + 8 + len);
	/* RFC 791 §3.1 */
	cs_wr_u8(wr, 0x45); /* version 4, IHL 5 */
	cs_wr_u8(wr, 0);    /* TOS */
	cs_wr_u16(wr, total);
	cs_wr_u16(wr, *ip_id);
	cs_wr_u16(wr, 0); /* flags, fragment offset */
	cs_wr_u8(wr, 64); /* TTL */
	cs_wr_u8(wr, 17); /* UDP */
	cs_wr_u16(wr, ipv4_checksum(total, *ip_id, ep->src_addr, ep->dst_addr));
	cs_wr_u32(wr, ep->src_addr);
	cs_wr_u32(wr, ep->dst_addr);
	/* RFC 768; checksum 0 over IPv4 (RFC 5415 §3.1). */
	cs_wr_u16(wr, ep->src_port);
	cs_wr_u16(wr, ep->dst_port);
	cs_wr_u16(wr, (uint16_t)(8 + len));
	cs_wr_u16(wr, 0);
	cs_wr_bytes(wr, payload, len);
	if (wr->err == 0)
		(*ip_id)++;
	return wr->err;
}

int
cs_pcapng_put_epb_udp4(struct cs_wr *wr, uint32_t if_id, uint64_t ts_us,
    const struct cs_udp4_endpoints *ep, uint16_t *ip_id, const uint8_t *payload,
    size_t len)
{
	size_t at, n;

	if (wr == NULL)
		return -EINVAL;
	if (len > CS_UDP4_MAX_PAYLOAD) {
		cs_wr_fail(wr, -EMSGSIZE);
		return wr->err;
	}
	n = 28 + len;
	at = epb_begin(wr, if_id, ts_us, n);
	if (cs_udp4_put(wr, ep, ip_id, payload, len) != 0)
		return wr->err;
	cs_wr_zero(wr, pad4(n));
	return block_end(wr, at);
}

static void
put_ts(struct cs_wr *wr, uint64_t ts)
{
	cs_wr_u32(wr, (uint32_t)(ts >> 32));
	cs_wr_u32(wr, (uint32_t)ts);
}

int
cs_pcapng_put_isb(struct cs_wr *wr, uint32_t if_id, uint64_t ts_us,
    uint64_t start_us, uint64_t end_us)
{
	uint8_t v[16];
	size_t at;

	if (wr == NULL)
		return -EINVAL;
	at = block_begin(wr, CS_PCAPNG_BT_ISB);
	cs_wr_u32(wr, if_id);
	put_ts(wr, ts_us);
	/* option values: the timestamp's upper then lower 32 bits, in the
	 * section's byte order (big-endian here, as every block) */
	for (int i = 0; i < 8; i++) {
		v[i] = (uint8_t)(start_us >> (56 - 8 * i));
		v[8 + i] = (uint8_t)(end_us >> (56 - 8 * i));
	}
	put_opt(wr, OPT_ISB_START, v, 8);
	put_opt(wr, OPT_ISB_END, v + 8, 8);
	put_opt(wr, OPT_ENDOFOPT, NULL, 0);
	return block_end(wr, at);
}

int
cs_pcapng_put_dsb_tls(struct cs_wr *wr, const void *keylog, size_t len)
{
	size_t at;

	if (wr == NULL)
		return -EINVAL;
	if (keylog == NULL && len > 0) {
		cs_wr_fail(wr, -EINVAL);
		return wr->err;
	}
	if (len > UINT32_MAX - 64) {
		cs_wr_fail(wr, -EMSGSIZE);
		return wr->err;
	}
	at = block_begin(wr, CS_PCAPNG_BT_DSB);
	cs_wr_u32(wr, CS_PCAPNG_SECRETS_TLS);
	cs_wr_u32(wr, (uint32_t)len);
	cs_wr_bytes(wr, keylog, len);
	cs_wr_zero(wr, pad4(len));
	return block_end(wr, at);
}

/* ---- reader ---- */

static uint32_t
bswap32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) |
	    (v << 24);
}

static uint16_t
bswap16(uint16_t v)
{
	return (uint16_t)(v >> 8 | v << 8);
}

static int
rd32(struct cs_rd *rd, bool big, uint32_t *v)
{
	uint32_t x;

	if (cs_rd_u32(rd, &x) < 0)
		return -EBADMSG;
	*v = big ? x : bswap32(x);
	return 0;
}

static int
rd16(struct cs_rd *rd, bool big, uint16_t *v)
{
	uint16_t x;

	if (cs_rd_u16(rd, &x) < 0)
		return -EBADMSG;
	*v = big ? x : bswap16(x);
	return 0;
}

void
cs_pcapng_rd_init(struct cs_pcapng_rd *rd, const uint8_t *buf, size_t len)
{
	if (rd == NULL)
		return;
	memset(rd, 0, sizeof(*rd));
	rd->buf = buf;
	rd->len = buf != NULL ? len : 0;
}

/* Microseconds from a timestamp in the interface's resolution (pcapng
 * §4.2 if_tsresol: MSB clear = 10^-n s, set = 2^-n s). */
static uint64_t
ts_to_us(uint64_t ts, uint8_t tsresol)
{
	unsigned n = tsresol & 0x7f;

	if (tsresol & 0x80) {
		uint64_t sec, frac;

		if (n == 0)
			return ts * 1000000u;
		if (n >= 64)
			return 0;
		sec = ts >> n;
		frac = ts & ((UINT64_C(1) << n) - 1);
		if (n > 43) { /* keep frac * 10^6 below 2^64 */
			frac >>= n - 43;
			n = 43;
		}
		return sec * 1000000u + ((frac * 1000000u) >> n);
	}
	if (n == 6)
		return ts;
	if (n < 6) {
		for (; n < 6; n++)
			ts *= 10;
		return ts;
	}
	for (; n > 6; n--) {
		ts /= 10;
		if (ts == 0)
			break;
	}
	return ts;
}

/* Walks an option list; records if_tsresol when @p tsresol is given. */
static int
rd_options(struct cs_rd *opts, bool big, uint8_t *tsresol, struct cs_err *err)
{
	while (opts->left > 0) {
		size_t at = cs_rd_off(opts);
		uint16_t code, len;
		struct cs_rd val;

		if (rd16(opts, big, &code) < 0 || rd16(opts, big, &len) < 0)
			return cs_err_set(
			    err, -EBADMSG, "option header truncated", at);
		if (code == OPT_ENDOFOPT)
			return 0; /* anything after opt_endofopt is ignored */
		if (cs_rd_sub(opts, len, &val) < 0 ||
		    cs_rd_skip(opts, pad4(len)) < 0)
			return cs_err_set(err, -EBADMSG,
			    "option length beyond block", at + 2);
		if (tsresol != NULL && code == OPT_IF_TSRESOL) {
			if (len != 1)
				return cs_err_set(err, -EBADMSG,
				    "if_tsresol length not 1", at + 2);
			(void)cs_rd_u8(&val, tsresol);
		}
	}
	return 0;
}

static int
rd_shb(struct cs_rd *body, bool big, size_t at, struct cs_err *err)
{
	uint16_t major = 0, minor = 0;

	if (body->left < 16)
		return cs_err_set(
		    err, -EBADMSG, "section header too short", at + 4);
	(void)cs_rd_skip(body, 4); /* byte-order magic, already checked */
	(void)rd16(body, big, &major);
	(void)rd16(body, big, &minor);
	(void)cs_rd_skip(body, 8); /* section length: any value allowed */
	(void)minor;               /* minor versions are compatible */
	if (major != 1)
		return cs_err_set(
		    err, -EBADMSG, "unsupported pcapng major version", at + 12);
	return rd_options(body, big, NULL, err);
}

static int
rd_idb(struct cs_pcapng_rd *rd, struct cs_rd *body, size_t at,
    struct cs_pcapng_iface *ifc, struct cs_err *err)
{
	uint16_t reserved;

	if (!rd->has_section)
		return cs_err_set(
		    err, -EBADMSG, "block before section header", at);
	if (body->left < 8)
		return cs_err_set(
		    err, -EBADMSG, "interface block too short", at + 4);
	if (rd->n_ifaces >= CS_PCAPNG_MAX_IFACES)
		return cs_err_set(err, -E2BIG, "too many interfaces", at);
	(void)rd16(body, rd->is_big_endian, &ifc->linktype);
	(void)rd16(body, rd->is_big_endian, &reserved);
	(void)rd32(body, rd->is_big_endian, &ifc->snaplen);
	ifc->tsresol = 6;
	return rd_options(body, rd->is_big_endian, &ifc->tsresol, err);
}

static int
rd_epb(const struct cs_pcapng_rd *rd, struct cs_rd *body, size_t at,
    struct cs_pcapng_block *b, struct cs_err *err)
{
	uint32_t hi, lo;
	bool big = rd->is_big_endian;

	if (!rd->has_section)
		return cs_err_set(
		    err, -EBADMSG, "block before section header", at);
	if (body->left < 20)
		return cs_err_set(
		    err, -EBADMSG, "packet block too short", at + 4);
	(void)rd32(body, big, &b->if_id);
	(void)rd32(body, big, &hi);
	(void)rd32(body, big, &lo);
	(void)rd32(body, big, &b->cap_len);
	(void)rd32(body, big, &b->orig_len);
	if (b->if_id >= rd->n_ifaces)
		return cs_err_set(err, -EBADMSG,
		    "packet names an undeclared interface", at + 8);
	if (cs_rd_view(body, b->cap_len, &b->data) < 0 ||
	    cs_rd_skip(body, pad4(b->cap_len)) < 0)
		return cs_err_set(
		    err, -EBADMSG, "captured length beyond block", at + 20);
	b->linktype = rd->iface[b->if_id].linktype;
	b->ts_raw = (uint64_t)hi << 32 | lo;
	b->ts_us = ts_to_us(b->ts_raw, rd->iface[b->if_id].tsresol);
	return rd_options(body, big, NULL, err);
}

/* Interface Statistics (pcapng §4.6): the block's time and isb_endtime;
 * the other options are skipped. */
static int
rd_isb(const struct cs_pcapng_rd *rd, struct cs_rd *body, size_t at,
    struct cs_pcapng_block *b, struct cs_err *err)
{
	uint32_t hi, lo, if_id;
	bool big = rd->is_big_endian;
	uint8_t res;

	if (!rd->has_section)
		return cs_err_set(
		    err, -EBADMSG, "block before section header", at);
	if (body->left < 12)
		return cs_err_set(
		    err, -EBADMSG, "statistics block too short", at + 4);
	(void)rd32(body, big, &if_id);
	(void)rd32(body, big, &hi);
	(void)rd32(body, big, &lo);
	if (if_id >= rd->n_ifaces)
		return cs_err_set(err, -EBADMSG,
		    "statistics name an undeclared interface", at + 8);
	res = rd->iface[if_id].tsresol;
	b->if_id = if_id;
	b->ts_us = ts_to_us((uint64_t)hi << 32 | lo, res);
	while (body->left >= 4) {
		uint16_t code, len;
		struct cs_rd val;

		(void)rd16(body, big, &code);
		(void)rd16(body, big, &len);
		if (code == OPT_ENDOFOPT)
			break;
		if (cs_rd_sub(body, len, &val) < 0 ||
		    cs_rd_skip(body, pad4(len)) < 0)
			return cs_err_set(err, -EBADMSG,
			    "statistics option beyond block", at);
		if (code == OPT_ISB_END && len == 8) {
			(void)rd32(&val, big, &hi);
			(void)rd32(&val, big, &lo);
			b->isb_end_us = ts_to_us((uint64_t)hi << 32 | lo, res);
		}
	}
	return 0;
}

static int
rd_spb(const struct cs_pcapng_rd *rd, struct cs_rd *body, size_t at,
    struct cs_pcapng_block *b, struct cs_err *err)
{
	uint32_t cap;

	if (!rd->has_section)
		return cs_err_set(
		    err, -EBADMSG, "block before section header", at);
	if (rd->n_ifaces == 0)
		return cs_err_set(
		    err, -EBADMSG, "simple packet without an interface", at);
	if (body->left < 4)
		return cs_err_set(
		    err, -EBADMSG, "packet block too short", at + 4);
	(void)rd32(body, rd->is_big_endian, &b->orig_len);
	/* pcapng §4.4: captured length = min(original, snaplen), and what
	 * the block holds. */
	cap = b->orig_len;
	if (rd->iface[0].snaplen != 0 && cap > rd->iface[0].snaplen)
		cap = rd->iface[0].snaplen;
	if (cap > body->left)
		return cs_err_set(
		    err, -EBADMSG, "packet length beyond block", at + 8);
	(void)cs_rd_view(body, cap, &b->data);
	b->cap_len = cap;
	b->if_id = 0;
	b->linktype = rd->iface[0].linktype;
	return 0;
}

static int
rd_dsb(const struct cs_pcapng_rd *rd, struct cs_rd *body, size_t at,
    struct cs_pcapng_block *b, struct cs_err *err)
{
	if (!rd->has_section)
		return cs_err_set(
		    err, -EBADMSG, "block before section header", at);
	if (body->left < 8)
		return cs_err_set(
		    err, -EBADMSG, "secrets block too short", at + 4);
	(void)rd32(body, rd->is_big_endian, &b->secrets_type);
	(void)rd32(body, rd->is_big_endian, &b->secrets_len);
	if (cs_rd_view(body, b->secrets_len, &b->secrets) < 0 ||
	    cs_rd_skip(body, pad4(b->secrets_len)) < 0)
		return cs_err_set(
		    err, -EBADMSG, "secrets length beyond block", at + 12);
	return rd_options(body, rd->is_big_endian, NULL, err);
}

int
cs_pcapng_rd_next(
    struct cs_pcapng_rd *rd, struct cs_pcapng_block *blk, struct cs_err *err)
{
	struct cs_pcapng_block b;
	struct cs_pcapng_iface ifc;
	struct cs_rd all, r, body;
	uint32_t type, total, trail;
	size_t at;
	bool big;
	int ret;

	if (rd == NULL || blk == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	at = rd->off;
	if (at >= rd->len)
		return 0;
	cs_rd_init(&all, rd->buf, rd->len);
	(void)cs_rd_skip(&all, at);
	r = all;
	if (r.left < BLOCK_OVERHEAD)
		return cs_err_set(err, -EBADMSG, "block header truncated", at);
	(void)cs_rd_u32(&r, &type); /* SHB type reads the same both ways */
	big = rd->is_big_endian;
	if (type == CS_PCAPNG_BT_SHB) {
		uint32_t magic;
		struct cs_rd m = r;

		(void)cs_rd_skip(&m, 4);
		if (cs_rd_u32(&m, &magic) < 0)
			return cs_err_set(
			    err, -EBADMSG, "section header truncated", at);
		if (magic == CS_PCAPNG_BYTE_ORDER_MAGIC)
			big = true;
		else if (magic == bswap32(CS_PCAPNG_BYTE_ORDER_MAGIC))
			big = false;
		else
			return cs_err_set(
			    err, -EBADMSG, "bad byte-order magic", at + 8);
	} else if (!rd->has_section) {
		return cs_err_set(err, -EBADMSG,
		    "not pcapng: no section header block first", at);
	} else if (!big) {
		type = bswap32(type);
	}
	(void)rd32(&r, big, &total);
	if (total < BLOCK_OVERHEAD || (total & 3) != 0)
		return cs_err_set(err, -EBADMSG,
		    "block total length not a multiple of 4 or too small",
		    at + 4);
	if (total > all.left)
		return cs_err_set(err, -EBADMSG,
		    "block total length beyond end of file", at + 4);
	(void)cs_rd_sub(&r, total - BLOCK_OVERHEAD, &body);
	(void)rd32(&r, big, &trail);
	if (trail != total)
		return cs_err_set(err, -EBADMSG,
		    "trailing block length differs from leading",
		    at + total - 4);

	memset(&b, 0, sizeof(b));
	b.type = type;
	b.offset = at;
	b.total_len = total;
	b.body = body.p;
	b.body_len = body.left;
	memset(&ifc, 0, sizeof(ifc));
	switch (type) {
	case CS_PCAPNG_BT_SHB:
		ret = rd_shb(&body, big, at, err);
		break;
	case CS_PCAPNG_BT_IDB:
		ret = rd_idb(rd, &body, at, &ifc, err);
		break;
	case CS_PCAPNG_BT_EPB:
		ret = rd_epb(rd, &body, at, &b, err);
		break;
	case CS_PCAPNG_BT_SPB:
		ret = rd_spb(rd, &body, at, &b, err);
		break;
	case CS_PCAPNG_BT_DSB:
		ret = rd_dsb(rd, &body, at, &b, err);
		break;
	case CS_PCAPNG_BT_ISB:
		ret = rd_isb(rd, &body, at, &b, err);
		break;
	default:
		ret = rd->has_section ? 0
		                      : cs_err_set(err, -EBADMSG,
		                            "block before section header", at);
		break;
	}
	if (ret < 0)
		return ret;
	/* Commit: only now does the reader change. */
	if (type == CS_PCAPNG_BT_SHB) {
		rd->is_big_endian = big;
		rd->has_section = true;
		rd->n_ifaces = 0;
	} else if (type == CS_PCAPNG_BT_IDB) {
		rd->iface[rd->n_ifaces++] = ifc;
	}
	rd->off = at + total;
	*blk = b;
	return 1;
}

/* ---- IPv4/UDP extraction ---- */

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8

int
cs_udp4_parse(uint16_t linktype, const uint8_t *pkt, size_t len,
    struct cs_udp4_endpoints *ep, const uint8_t **payload, size_t *payload_len,
    struct cs_err *err)
{
	struct cs_rd rd, ip;
	struct cs_udp4_endpoints e;
	uint16_t ethertype, total, frag, ulen, csum;
	uint8_t vihl, tos, ttl, proto;
	size_t ip_at, ihl;
	const uint8_t *p;
	uint16_t id;

	if (pkt == NULL || ep == NULL || payload == NULL || payload_len == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	cs_rd_init(&rd, pkt, len);
	switch (linktype) {
	case CS_LINKTYPE_ETHERNET:
		if (cs_rd_skip(&rd, 12) < 0 || cs_rd_u16(&rd, &ethertype) < 0)
			return cs_err_set(
			    err, -EBADMSG, "Ethernet header truncated", 0);
		for (int tags = 0; tags < 2 &&
		     (ethertype == ETHERTYPE_VLAN ||
		         ethertype == ETHERTYPE_QINQ);
		     tags++) {
			if (cs_rd_skip(&rd, 2) < 0 ||
			    cs_rd_u16(&rd, &ethertype) < 0)
				return cs_err_set(err, -EBADMSG,
				    "802.1Q tag truncated", cs_rd_off(&rd));
		}
		if (ethertype != ETHERTYPE_IPV4)
			return cs_err_set(err, -EPROTONOSUPPORT,
			    "not an IPv4 frame", cs_rd_off(&rd) - 2);
		break;
	case CS_LINKTYPE_LINUX_SLL:
		if (cs_rd_skip(&rd, 14) < 0 || cs_rd_u16(&rd, &ethertype) < 0)
			return cs_err_set(
			    err, -EBADMSG, "Linux cooked header truncated", 0);
		if (ethertype != ETHERTYPE_IPV4)
			return cs_err_set(
			    err, -EPROTONOSUPPORT, "not an IPv4 frame", 14);
		break;
	case CS_LINKTYPE_RAW:
	case CS_LINKTYPE_IPV4:
		break;
	default:
		return cs_err_set(
		    err, -EPROTONOSUPPORT, "unsupported link type", 0);
	}
	ip_at = cs_rd_off(&rd);
	if (cs_rd_peek_u8(&rd, 0, &vihl) < 0)
		return cs_err_set(
		    err, -EBADMSG, "IPv4 header truncated", ip_at);
	if (vihl >> 4 != 4)
		return cs_err_set(err, -EPROTONOSUPPORT, "not IPv4", ip_at);
	ihl = (size_t)(vihl & 0x0f) * 4;
	if (ihl < 20)
		return cs_err_set(err, -EBADMSG, "IPv4 IHL below 5", ip_at);
	if (rd.left < 20)
		return cs_err_set(
		    err, -EBADMSG, "IPv4 header truncated", ip_at);
	/* RFC 791 §3.1 */
	{
		struct cs_rd h = rd;

		(void)cs_rd_u8(&h, &vihl);
		(void)cs_rd_u8(&h, &tos);
		(void)cs_rd_u16(&h, &total);
		(void)cs_rd_u16(&h, &id);
		(void)cs_rd_u16(&h, &frag);
		(void)cs_rd_u8(&h, &ttl);
		(void)cs_rd_u8(&h, &proto);
		(void)cs_rd_u16(&h, &csum);
		(void)cs_rd_u32(&h, &e.src_addr);
		(void)cs_rd_u32(&h, &e.dst_addr);
	}
	if (total < ihl)
		return cs_err_set(err, -EBADMSG,
		    "IPv4 total length below header length", ip_at + 2);
	/* Ethernet may pad short frames: trailing bytes are ignored. */
	if (cs_rd_sub(&rd, total, &ip) < 0)
		return cs_err_set(err, -EBADMSG,
		    "IPv4 total length beyond capture", ip_at + 2);
	(void)cs_rd_skip(&ip, ihl);
	if ((frag & 0x3fff) != 0)
		return cs_err_set(
		    err, -EPROTONOSUPPORT, "IPv4 fragment", ip_at + 6);
	if (proto != 17)
		return cs_err_set(err, -EPROTONOSUPPORT, "not UDP", ip_at + 9);
	if (ip.left < 8)
		return cs_err_set(
		    err, -EBADMSG, "UDP header truncated", cs_rd_off(&ip));
	{
		size_t u_at = cs_rd_off(&ip);

		(void)cs_rd_u16(&ip, &e.src_port);
		(void)cs_rd_u16(&ip, &e.dst_port);
		(void)cs_rd_u16(&ip, &ulen);
		(void)cs_rd_u16(&ip, &csum);
		if (ulen < 8 || (size_t)ulen - 8 > ip.left)
			return cs_err_set(err, -EBADMSG,
			    "UDP length disagrees with IPv4 length", u_at + 4);
	}
	(void)cs_rd_view(&ip, (size_t)ulen - 8, &p);
	*ep = e;
	*payload = p;
	*payload_len = (size_t)ulen - 8;
	return 0;
}
