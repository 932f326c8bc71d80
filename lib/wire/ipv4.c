/* SPDX-License-Identifier: MIT */
/*
 * Frames to UDP datagrams: link-layer headers (tcpdump.org LINKTYPE_*),
 * the IPv4 header (RFC 791 §3.1, checksum RFC 1071), fragment reassembly
 * (RFC 791 §3.2; holes tracked in a bitmap of 8-octet blocks as RFC 815
 * suggests; a fragment overlapping stored bytes with different contents
 * drops the whole datagram, the conservative choice of RFC 5722 for IPv6
 * applied to IPv4) and the UDP header (RFC 768).
 */
#include "capsim/ipv4.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/cursor.h"

#define ETHERTYPE_IPV4     0x0800u
#define ETHERTYPE_VLAN     0x8100u /* IEEE 802.1Q */
#define ETHERTYPE_QINQ     0x88a8u /* IEEE 802.1ad */
#define ETHERTYPE_QINQ_OLD 0x9100u
#define MAX_VLAN_TAGS      4
#define LINKTYPE_NULL      0 /* BSD loopback, host-order AF */
#define LINKTYPE_ETHERNET  1
#define LINKTYPE_RAW       101
#define LINKTYPE_LOOP      108 /* OpenBSD loopback, network-order AF */
#define LINKTYPE_SLL       113
#define LINKTYPE_IPV4      228
#define SLL_HDR_LEN        16
#define SLL2_HDR_LEN       20
#define UDP_HDR_LEN        8
#define BLOCKS             (65536 / 8) /* 8-octet fragment blocks */

int
cs_link_ipv4(uint16_t linktype, const uint8_t *frame, size_t len,
    const uint8_t **ip, size_t *ip_len, struct cs_err *err)
{
	struct cs_rd rd;
	uint16_t et = 0;
	uint32_t af;
	uint8_t v;

	if ((frame == NULL && len > 0) || ip == NULL || ip_len == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	cs_rd_init(&rd, frame, len);
	switch (linktype) {
	case LINKTYPE_ETHERNET:
		if (cs_rd_skip(&rd, 12) < 0 || cs_rd_u16(&rd, &et) < 0)
			return cs_err_set(
			    err, -EBADMSG, "Ethernet header truncated", len);
		for (unsigned i = 0; et == ETHERTYPE_VLAN ||
		     et == ETHERTYPE_QINQ || et == ETHERTYPE_QINQ_OLD;
		     i++) {
			size_t at = cs_rd_off(&rd);

			if (i == MAX_VLAN_TAGS)
				return cs_err_set(err, -EPROTONOSUPPORT,
				    "more than 4 VLAN tags", at);
			if (cs_rd_skip(&rd, 2) < 0 || cs_rd_u16(&rd, &et) < 0)
				return cs_err_set(
				    err, -EBADMSG, "802.1Q tag truncated", at);
		}
		if (et != ETHERTYPE_IPV4)
			return cs_err_set(err, -EPROTONOSUPPORT,
			    "EtherType is not IPv4", cs_rd_off(&rd) - 2);
		break;
	case LINKTYPE_SLL:
		if (cs_rd_skip(&rd, 14) < 0 || cs_rd_u16(&rd, &et) < 0)
			return cs_err_set(err, -EBADMSG,
			    "Linux cooked (SLL) header truncated", len);
		if (et != ETHERTYPE_IPV4)
			return cs_err_set(err, -EPROTONOSUPPORT,
			    "SLL protocol is not IPv4", 14);
		break;
	case CS_LINKTYPE_LINUX_SLL2:
		if (cs_rd_u16(&rd, &et) < 0 ||
		    cs_rd_skip(&rd, SLL2_HDR_LEN - 2) < 0)
			return cs_err_set(err, -EBADMSG,
			    "Linux cooked (SLL2) header truncated", len);
		if (et != ETHERTYPE_IPV4)
			return cs_err_set(err, -EPROTONOSUPPORT,
			    "SLL2 protocol is not IPv4", 0);
		break;
	case LINKTYPE_NULL:
	case LINKTYPE_LOOP:
		if (cs_rd_u32(&rd, &af) < 0)
			return cs_err_set(
			    err, -EBADMSG, "loopback header truncated", len);
		/* AF_INET is 2 everywhere; NULL stores it in the capturing
		 * host's order, so accept both. */
		if (af != 2 && (linktype == LINKTYPE_LOOP || af != 0x02000000u))
			return cs_err_set(err, -EPROTONOSUPPORT,
			    "loopback address family is not IPv4", 0);
		break;
	case LINKTYPE_RAW:
		if (cs_rd_peek_u8(&rd, 0, &v) < 0)
			return cs_err_set(
			    err, -EBADMSG, "empty raw IP packet", 0);
		if ((v >> 4) != 4)
			return cs_err_set(err, -EPROTONOSUPPORT,
			    "raw IP packet is not IPv4", 0);
		break;
	case LINKTYPE_IPV4:
		break;
	default:
		return cs_err_set(
		    err, -EPROTONOSUPPORT, "unsupported link type", 0);
	}
	*ip = frame + cs_rd_off(&rd);
	*ip_len = rd.left;
	return 0;
}

/* RFC 1071 Internet checksum over the header; 0 when it verifies. */
static uint16_t
ip_cksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

int
cs_ip4_parse(
    const uint8_t *p, size_t len, struct cs_ip4_hdr *h, struct cs_err *err)
{
	struct cs_ip4_hdr t;
	struct cs_rd rd;
	uint8_t vi;
	uint16_t fo;

	if ((p == NULL && len > 0) || h == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	memset(&t, 0, sizeof(t));
	cs_rd_init(&rd, p, len);
	if (cs_rd_u8(&rd, &vi) < 0)
		return cs_err_set(err, -EBADMSG, "IPv4 header truncated", 0);
	if ((vi >> 4) != 4)
		return cs_err_set(
		    err, -EPROTONOSUPPORT, "IP version is not 4", 0);
	t.ihl = (uint8_t)((vi & 0x0f) * 4);
	if (t.ihl < CS_IP4_HDR_MIN)
		return cs_err_set(err, -EBADMSG, "IPv4 IHL below 5", 0);
	if (len < t.ihl)
		return cs_err_set(err, -EBADMSG, "IPv4 header truncated", len);
	(void)cs_rd_u8(&rd, &t.tos);
	(void)cs_rd_u16(&rd, &t.total_len);
	(void)cs_rd_u16(&rd, &t.id);
	(void)cs_rd_u16(&rd, &fo);
	(void)cs_rd_u8(&rd, &t.ttl);
	(void)cs_rd_u8(&rd, &t.proto);
	(void)cs_rd_skip(&rd, 2);
	(void)cs_rd_u32(&rd, &t.src);
	(void)cs_rd_u32(&rd, &t.dst);
	if (t.total_len < t.ihl)
		return cs_err_set(
		    err, -EBADMSG, "IPv4 total length below header length", 2);
	if (t.total_len > len)
		return cs_err_set(err, -EBADMSG,
		    "IPv4 total length beyond the captured bytes", 2);
	if (fo & 0x8000u)
		return cs_err_set(err, -EBADMSG, "IPv4 reserved flag set", 6);
	t.df = (fo & 0x4000u) != 0;
	t.mf = (fo & 0x2000u) != 0;
	t.frag_off = (uint16_t)((fo & 0x1fffu) * 8u);
	if ((uint32_t)t.frag_off + t.total_len - t.ihl > CS_IP4_MAX_LEN)
		return cs_err_set(
		    err, -EBADMSG, "IPv4 fragment ends beyond 65535", 6);
	if (t.mf && ((t.total_len - t.ihl) % 8 != 0 || t.total_len == t.ihl))
		return cs_err_set(err, -EBADMSG,
		    "IPv4 non-last fragment not a multiple of 8 bytes", 2);
	if (ip_cksum(p, t.ihl) != 0)
		return cs_err_set(
		    err, -EBADMSG, "IPv4 header checksum wrong", 10);
	t.payload = p + t.ihl;
	t.payload_len = (size_t)t.total_len - t.ihl;
	*h = t;
	return 0;
}

/* ---- reassembly ---------------------------------------------------- */

struct frag_dg {
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	bool have_last;
	uint64_t first_ms;
	size_t total; /* payload length once the last fragment is in */
	size_t cap;   /* bytes allocated in buf */
	uint8_t *buf;
	uint8_t have[BLOCKS / 8]; /* one bit per 8-octet block */
};

struct cs_ip4_reasm {
	struct cs_ip4_reasm_cfg cfg;
	struct frag_dg *dg; /* cfg.max_pending slots */
	unsigned n;
	size_t bytes;
	uint8_t *out; /* last completed datagram */
	struct cs_ip4_reasm_stats st;
};

int
cs_ip4_reasm_new(struct cs_ip4_reasm **ret, const struct cs_ip4_reasm_cfg *cfg)
{
	struct cs_ip4_reasm *r;

	if (ret == NULL)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	if (cfg != NULL)
		r->cfg = *cfg;
	if (r->cfg.max_pending == 0)
		r->cfg.max_pending = 64;
	if (r->cfg.max_bytes == 0)
		r->cfg.max_bytes = 4u << 20;
	if (r->cfg.timeout_ms == 0)
		r->cfg.timeout_ms = 30000;
	r->dg = calloc(r->cfg.max_pending, sizeof(*r->dg));
	if (r->dg == NULL) {
		free(r);
		return -ENOMEM;
	}
	*ret = r;
	return 0;
}

static void
dg_drop(struct cs_ip4_reasm *r, unsigned i)
{
	r->bytes -= r->dg[i].cap;
	free(r->dg[i].buf);
	r->dg[i] = r->dg[--r->n];
	memset(&r->dg[r->n], 0, sizeof(r->dg[r->n]));
}

void
cs_ip4_reasm_free(struct cs_ip4_reasm *r)
{
	if (r == NULL)
		return;
	while (r->n > 0)
		dg_drop(r, 0);
	free(r->dg);
	free(r->out);
	free(r);
}

void
cs_ip4_reasm_stats(const struct cs_ip4_reasm *r, struct cs_ip4_reasm_stats *out)
{
	if (out == NULL)
		return;
	if (r == NULL)
		memset(out, 0, sizeof(*out));
	else
		*out = r->st;
}

static void
expire(struct cs_ip4_reasm *r, uint64_t now_ms)
{
	for (unsigned i = 0; i < r->n;) {
		/* A capture's clock may step back: a datagram from the
		 * future is left alone. */
		if (now_ms > r->dg[i].first_ms &&
		    now_ms - r->dg[i].first_ms > r->cfg.timeout_ms) {
			r->st.timed_out++;
			dg_drop(r, i);
		} else {
			i++;
		}
	}
}

unsigned
cs_ip4_reasm_pending(struct cs_ip4_reasm *r, uint64_t now_ms)
{
	if (r == NULL)
		return 0;
	expire(r, now_ms);
	return r->n;
}

static unsigned
oldest(const struct cs_ip4_reasm *r)
{
	unsigned o = 0;

	for (unsigned i = 1; i < r->n; i++)
		if (r->dg[i].first_ms < r->dg[o].first_ms)
			o = i;
	return o;
}

static bool
blk_has(const struct frag_dg *d, size_t b)
{
	return (d->have[b / 8] >> (b % 8)) & 1u;
}

static bool
complete(const struct frag_dg *d)
{
	if (!d->have_last)
		return false;
	for (size_t b = 0; b * 8 < d->total; b++)
		if (!blk_has(d, b))
			return false;
	return true;
}

int
cs_ip4_reasm_input(struct cs_ip4_reasm *r, const struct cs_ip4_hdr *h,
    uint64_t now_ms, const uint8_t **payload, size_t *len, struct cs_err *err)
{
	struct frag_dg *d = NULL;
	size_t off, end;
	unsigned i;

	if (r == NULL || h == NULL || payload == NULL || len == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	expire(r, now_ms);
	if (!h->mf && h->frag_off == 0) {
		*payload = h->payload;
		*len = h->payload_len;
		return 1;
	}
	r->st.fragments++;
	off = h->frag_off;
	end = off + h->payload_len;
	for (i = 0; i < r->n; i++)
		if (r->dg[i].src == h->src && r->dg[i].dst == h->dst &&
		    r->dg[i].id == h->id && r->dg[i].proto == h->proto) {
			d = &r->dg[i];
			break;
		}
	if (d == NULL) {
		if (r->n == r->cfg.max_pending) {
			r->st.evicted++;
			dg_drop(r, oldest(r));
		}
		i = r->n++;
		d = &r->dg[i];
		memset(d, 0, sizeof(*d));
		d->src = h->src;
		d->dst = h->dst;
		d->id = h->id;
		d->proto = h->proto;
		d->first_ms = now_ms;
	}
	/* Consistency of the end (RFC 791: the last fragment fixes the
	 * length; nothing may lie beyond it). */
	if ((!h->mf &&
	        ((d->have_last && d->total != end) ||
	            (!d->have_last && end < d->cap))) ||
	    (d->have_last && end > d->total)) {
		r->st.overlaps++;
		dg_drop(r, i);
		return cs_err_set(err, -EBADMSG,
		    "IPv4 fragments disagree on the datagram length", 6);
	}
	if (end > d->cap) {
		uint8_t *nb;

		/* Over the memory budget: the oldest other datagrams go first
		 * (dg_drop moves the last slot, so find ours again). */
		while (
		    r->bytes + (end - d->cap) > r->cfg.max_bytes && r->n > 1) {
			unsigned o = oldest(r);

			if (o == i)
				break;
			r->st.evicted++;
			dg_drop(r, o);
			if (i == r->n)
				i = o;
			d = &r->dg[i];
		}
		if (r->bytes + (end - d->cap) > r->cfg.max_bytes) {
			r->st.evicted++;
			dg_drop(r, i);
			return 0;
		}
		nb = realloc(d->buf, end);
		if (nb == NULL)
			return -ENOMEM;
		r->bytes += end - d->cap;
		d->buf = nb;
		d->cap = end;
	}
	for (size_t b = off / 8; b * 8 < end; b++) {
		size_t s = b * 8, e = s + 8 < end ? s + 8 : end;

		if (blk_has(d, b) &&
		    memcmp(d->buf + s, h->payload + (s - off), e - s) != 0) {
			r->st.overlaps++;
			dg_drop(r, i);
			return cs_err_set(err, -EBADMSG,
			    "IPv4 fragment overlaps with different bytes", 6);
		}
	}
	{
		bool dup = true;

		for (size_t b = off / 8; b * 8 < end; b++)
			if (!blk_has(d, b))
				dup = false;
		if (dup)
			r->st.duplicates++;
	}
	memcpy(d->buf + off, h->payload, h->payload_len);
	for (size_t b = off / 8; b * 8 < end; b++)
		d->have[b / 8] |= (uint8_t)(1u << (b % 8));
	if (!h->mf) {
		d->have_last = true;
		d->total = end;
	}
	if (!complete(d))
		return 0;
	free(r->out);
	r->out = d->buf;
	r->bytes -= d->cap;
	*payload = r->out;
	*len = d->total;
	d->buf = NULL;
	d->cap = 0;
	dg_drop(r, i);
	r->st.reassembled++;
	return 1;
}

int
cs_udp4_from_frame(struct cs_ip4_reasm *r, uint16_t linktype,
    const uint8_t *frame, size_t len, uint64_t now_ms,
    struct cs_udp4_dgram *out, struct cs_err *err)
{
	const uint8_t *ip, *pl;
	size_t ip_len, pl_len, ip_at;
	struct cs_ip4_hdr h;
	struct cs_rd rd;
	uint16_t sport, dport, ulen;
	int rc;

	if (out == NULL || (frame == NULL && len > 0))
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	rc = cs_link_ipv4(linktype, frame, len, &ip, &ip_len, err);
	if (rc < 0)
		return rc;
	ip_at = (size_t)(ip - frame);
	rc = cs_ip4_parse(ip, ip_len, &h, err);
	if (rc < 0) {
		if (err != NULL)
			err->offset += ip_at;
		return rc;
	}
	if (h.proto != CS_IP4_PROTO_UDP)
		return cs_err_set(err, -EPROTONOSUPPORT,
		    "IPv4 protocol is not UDP", ip_at + 9);
	if (r == NULL) {
		if (h.mf || h.frag_off != 0)
			return cs_err_set(err, -EPROTONOSUPPORT,
			    "IPv4 fragment (no reassembly)", ip_at + 6);
		pl = h.payload;
		pl_len = h.payload_len;
	} else {
		rc = cs_ip4_reasm_input(r, &h, now_ms, &pl, &pl_len, err);
		if (rc <= 0) {
			if (rc < 0 && err != NULL)
				err->offset += ip_at;
			return rc;
		}
	}
	cs_rd_init(&rd, pl, pl_len);
	if (cs_rd_u16(&rd, &sport) < 0 || cs_rd_u16(&rd, &dport) < 0 ||
	    cs_rd_u16(&rd, &ulen) < 0 || cs_rd_skip(&rd, 2) < 0)
		return cs_err_set(
		    err, -EBADMSG, "UDP header truncated", ip_at + h.ihl);
	if (ulen < UDP_HDR_LEN || ulen > pl_len)
		return cs_err_set(err, -EBADMSG,
		    "UDP length outside the IP payload", ip_at + h.ihl + 4);
	memset(out, 0, sizeof(*out));
	out->src = h.src;
	out->dst = h.dst;
	out->sport = sport;
	out->dport = dport;
	out->reassembled = pl != h.payload;
	out->payload = pl + UDP_HDR_LEN;
	out->len = (size_t)ulen - UDP_HDR_LEN;
	return 1;
}
