/* SPDX-License-Identifier: MIT */
/*
 * ARP, UDP and ICMP echo over IPv4 for the wireless clients and the mock
 * controller's gateway: what a station sends after association and what
 * the controller answers for its gateway address.
 */
#include "capsim/inet.h"

#include <errno.h>
#include <string.h>

#include "capsim/cursor.h"

int
cs_arp_decode(
    struct cs_arp *a, const uint8_t *p, size_t len, struct cs_err *err)
{
	struct cs_arp t;
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	struct cs_rd rd;

	if (a == NULL || p == NULL)
		return -EINVAL;
	if (len < CS_ARP_LEN)
		return cs_err_set(err, -EBADMSG, "ARP packet truncated", len);
	cs_rd_init(&rd, p, len);
	(void)cs_rd_u16(&rd, &htype);
	(void)cs_rd_u16(&rd, &ptype);
	(void)cs_rd_u8(&rd, &hlen);
	(void)cs_rd_u8(&rd, &plen);
	(void)cs_rd_u16(&rd, &t.op);
	(void)cs_rd_bytes(&rd, t.sha, 6);
	(void)cs_rd_u32(&rd, &t.spa);
	(void)cs_rd_bytes(&rd, t.tha, 6);
	(void)cs_rd_u32(&rd, &t.tpa);
	if (htype != 1)
		return cs_err_set(err, -EBADMSG, "ARP hardware type not 1", 0);
	if (ptype != 0x0800 || hlen != 6 || plen != 4)
		return cs_err_set(
		    err, -EBADMSG, "ARP not Ethernet/IPv4 (lengths 6/4)", 2);
	if (t.op != CS_ARP_REQUEST && t.op != CS_ARP_REPLY)
		return cs_err_set(err, -EBADMSG, "ARP opcode not 1 or 2", 6);
	*a = t;
	return 0;
}

void
cs_arp_encode(const struct cs_arp *a, struct cs_wr *wr)
{
	cs_wr_u16(wr, 1);
	cs_wr_u16(wr, 0x0800);
	cs_wr_u8(wr, 6);
	cs_wr_u8(wr, 4);
	cs_wr_u16(wr, a->op);
	cs_wr_bytes(wr, a->sha, 6);
	cs_wr_u32(wr, a->spa);
	cs_wr_bytes(wr, a->tha, 6);
	cs_wr_u32(wr, a->tpa);
}

uint32_t
cs_inet_sum(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < len)
		sum += (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return sum;
}

static uint32_t
pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, size_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
	    proto + (uint32_t)len;
}

/* RFC 791 §3.1 header; the checksum is patched once the bytes exist. */
static void
ip4_put(struct cs_wr *wr, uint8_t proto, uint32_t src, uint32_t dst,
    uint16_t id, size_t payload_len)
{
	size_t at = wr->len;
	uint16_t sum;

	if (payload_len + 20 > 65535) {
		cs_wr_fail(wr, -EMSGSIZE);
		return;
	}
	cs_wr_u8(wr, 0x45);
	cs_wr_u8(wr, 0);
	cs_wr_u16(wr, (uint16_t)(payload_len + 20));
	cs_wr_u16(wr, id);
	cs_wr_u16(wr, 0);
	cs_wr_u8(wr, 64);
	cs_wr_u8(wr, proto);
	cs_wr_u16(wr, 0);
	cs_wr_u32(wr, src);
	cs_wr_u32(wr, dst);
	if (wr->err != 0)
		return;
	sum = (uint16_t)~cs_inet_sum(0, wr->buf + at, 20);
	cs_wr_put16_at(wr, at + 10, sum);
}

void
cs_udp4_build(struct cs_wr *wr, uint32_t src, uint32_t dst, uint16_t sport,
    uint16_t dport, uint16_t ip_id, const uint8_t *payload, size_t len)
{
	size_t at;
	uint16_t sum;

	ip4_put(wr, CS_IP_UDP, src, dst, ip_id, len + 8);
	at = wr->len;
	cs_wr_u16(wr, sport);
	cs_wr_u16(wr, dport);
	cs_wr_u16(wr, (uint16_t)(len + 8));
	cs_wr_u16(wr, 0);
	if (len > 0)
		cs_wr_bytes(wr, payload, len);
	if (wr->err != 0)
		return;
	sum = (uint16_t)~cs_inet_sum(
	    pseudo_sum(src, dst, CS_IP_UDP, len + 8), wr->buf + at, len + 8);
	cs_wr_put16_at(wr, at + 6, sum == 0 ? 0xffff : sum); /* RFC 768 */
}

int
cs_udp_hdr_parse(uint32_t src, uint32_t dst, const uint8_t *p, size_t len,
    uint16_t *sport, uint16_t *dport, const uint8_t **data, size_t *data_len,
    struct cs_err *err)
{
	uint16_t sp, dp, ulen, sum;
	struct cs_rd rd;

	if (p == NULL || sport == NULL || dport == NULL || data == NULL ||
	    data_len == NULL)
		return -EINVAL;
	cs_rd_init(&rd, p, len);
	if (cs_rd_u16(&rd, &sp) < 0 || cs_rd_u16(&rd, &dp) < 0 ||
	    cs_rd_u16(&rd, &ulen) < 0 || cs_rd_u16(&rd, &sum) < 0)
		return cs_err_set(err, -EBADMSG, "UDP header truncated", 0);
	if (ulen < 8 || ulen > len)
		return cs_err_set(
		    err, -EBADMSG, "UDP length outside the IP payload", 4);
	if (sum != 0 &&
	    cs_inet_sum(pseudo_sum(src, dst, CS_IP_UDP, ulen), p, ulen) !=
	        0xffff)
		return cs_err_set(err, -EBADMSG, "UDP checksum wrong", 6);
	*sport = sp;
	*dport = dp;
	*data = p + 8;
	*data_len = (size_t)ulen - 8;
	return 0;
}

void
cs_icmp4_echo_build(struct cs_wr *wr, uint32_t src, uint32_t dst,
    uint16_t ip_id, const struct cs_icmp_echo *e)
{
	size_t at;
	uint16_t sum;

	ip4_put(wr, CS_IP_ICMP, src, dst, ip_id, e->data_len + 8);
	at = wr->len;
	cs_wr_u8(wr, e->type);
	cs_wr_u8(wr, 0);
	cs_wr_u16(wr, 0);
	cs_wr_u16(wr, e->id);
	cs_wr_u16(wr, e->seq);
	if (e->data_len > 0)
		cs_wr_bytes(wr, e->data, e->data_len);
	if (wr->err != 0)
		return;
	sum = (uint16_t)~cs_inet_sum(0, wr->buf + at, e->data_len + 8);
	cs_wr_put16_at(wr, at + 2, sum);
}

int
cs_icmp_echo_parse(
    struct cs_icmp_echo *e, const uint8_t *p, size_t len, struct cs_err *err)
{
	struct cs_icmp_echo t;

	if (e == NULL || p == NULL)
		return -EINVAL;
	if (len < 8)
		return cs_err_set(err, -EBADMSG, "ICMP message truncated", len);
	if (cs_inet_sum(0, p, len) != 0xffff)
		return cs_err_set(err, -EBADMSG, "ICMP checksum wrong", 2);
	memset(&t, 0, sizeof(t));
	t.type = p[0];
	if ((t.type != CS_ICMP_ECHO_REQUEST && t.type != CS_ICMP_ECHO_REPLY) ||
	    p[1] != 0)
		return cs_err_set(
		    err, -EPROTONOSUPPORT, "ICMP message not an echo", 0);
	t.id = (uint16_t)(p[4] << 8 | p[5]);
	t.seq = (uint16_t)(p[6] << 8 | p[7]);
	t.data = p + 8;
	t.data_len = len - 8;
	*e = t;
	return 0;
}
