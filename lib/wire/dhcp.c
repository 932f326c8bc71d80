/* SPDX-License-Identifier: MIT */
/*
 * DHCPv4 codec (RFC 2131, RFC 2132, RFC 3396): decodes a datagram into a
 * view of its header and option instances, encodes such a view back
 * byte-exactly, and offers typed accessors and builders for the messages
 * an AP (or its relay) and a test server exchange.
 */
#include "capsim/dhcp.h"

#include <errno.h>
#include <string.h>

#include "capsim/cursor.h"

static const char *const dhcp_type_names[] = {
	[0] = "unknown",
	[CS_DHCP_DISCOVER] = "DHCPDISCOVER",
	[CS_DHCP_OFFER] = "DHCPOFFER",
	[CS_DHCP_REQUEST] = "DHCPREQUEST",
	[CS_DHCP_DECLINE] = "DHCPDECLINE",
	[CS_DHCP_ACK] = "DHCPACK",
	[CS_DHCP_NAK] = "DHCPNAK",
	[CS_DHCP_RELEASE] = "DHCPRELEASE",
	[CS_DHCP_INFORM] = "DHCPINFORM",
};
_Static_assert(CS_ARRAY_SIZE(dhcp_type_names) == CS_DHCP_INFORM + 1,
    "dhcp_type_names[] out of sync with enum cs_dhcp_type");

const char *
cs_dhcp_type_name(int type)
{
	if (type < CS_DHCP_DISCOVER || type > CS_DHCP_INFORM)
		return dhcp_type_names[0];
	return dhcp_type_names[type];
}

const uint8_t *
cs_dhcp_opt_data(const struct cs_dhcp_opt *o)
{
	return o->val != NULL ? o->val : o->inl;
}

/*
 * Walks one option area (RFC 2132 §2: code, length, value; pad 0 and end
 * 255 have no length).  Sets *has_end and *after_end (offset just past
 * END) when END is found.  Option 52 is honoured only in the options
 * field: RFC 2131 §4.1 reads the options field first precisely so that it
 * can say whether file/sname hold more.
 */
static int
dhcp_walk(struct cs_dhcp_msg *t, struct cs_rd *rd, enum cs_dhcp_area area,
    bool *has_end, size_t *after_end, struct cs_err *err)
{
	*has_end = false;
	while (rd->left > 0) {
		size_t off = cs_rd_off(rd);
		const uint8_t *val;
		uint8_t code, len;

		(void)cs_rd_u8(rd, &code);
		if (code == CS_DHCP_OPT_PAD)
			continue;
		if (code == CS_DHCP_OPT_END) {
			*has_end = true;
			*after_end = off + 1;
			return 0;
		}
		if (cs_rd_u8(rd, &len) < 0)
			return cs_err_set(err, -EBADMSG,
			    "option length byte missing", off + 1);
		if (cs_rd_view(rd, len, &val) < 0)
			return cs_err_set(err, -EBADMSG,
			    "option length beyond data", off + 1);
		if (t->nopts >= CS_DHCP_MAX_OPTS)
			return cs_err_set(err, -E2BIG, "too many options", off);
		if (code == CS_DHCP_OPT_OVERLOAD) {
			if (area != CS_DHCP_AREA_OPTIONS)
				return cs_err_set(err, -EBADMSG,
				    "option overload inside file/sname", off);
			if (t->overload != 0)
				return cs_err_set(err, -EBADMSG,
				    "duplicate option overload", off);
			if (len != 1)
				return cs_err_set(err, -EBADMSG,
				    "option overload length not 1", off + 1);
			if (val[0] < 1 || val[0] > 3)
				return cs_err_set(err, -EBADMSG,
				    "option overload value not 1..3", off + 2);
			t->overload = val[0];
		}
		t->opts[t->nopts].code = code;
		t->opts[t->nopts].len = len;
		t->opts[t->nopts].area = (uint8_t)area;
		t->opts[t->nopts].val = val;
		t->nopts++;
	}
	return 0;
}

/* An overloaded file/sname field is a fixed-size options area; it must
 * carry its own END (RFC 2131 §4.1: each field is terminated by END). */
static int
dhcp_walk_field(struct cs_dhcp_msg *t, const uint8_t *buf, const uint8_t *field,
    size_t flen, enum cs_dhcp_area area, struct cs_err *err)
{
	struct cs_rd rd;
	bool has_end;
	size_t after;
	int r;

	rd.base = buf;
	rd.p = field;
	rd.left = flen;
	if ((r = dhcp_walk(t, &rd, area, &has_end, &after, err)) < 0)
		return r;
	if (!has_end)
		return cs_err_set(err, -EBADMSG,
		    area == CS_DHCP_AREA_FILE
		        ? "no end option in overloaded file field"
		        : "no end option in overloaded sname field",
		    (size_t)(field - buf) + flen);
	return 0;
}

int
cs_dhcp_decode(
    struct cs_dhcp_msg *m, const uint8_t *buf, size_t len, struct cs_err *err)
{
	struct cs_dhcp_msg t;
	struct cs_rd rd;
	const uint8_t *sname, *file;
	uint32_t cookie;
	bool has_end;
	size_t after_end = 0;
	int r;

	if (m == NULL || buf == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	memset(&t, 0, sizeof(t));
	cs_rd_init(&rd, buf, len);
	if (len < CS_DHCP_HDR_LEN)
		return cs_err_set(err, -EBADMSG, "truncated BOOTP header", len);
	/* RFC 2131 §2, figure 1; cannot fail after the length check. */
	(void)cs_rd_u8(&rd, &t.op);
	(void)cs_rd_u8(&rd, &t.htype);
	(void)cs_rd_u8(&rd, &t.hlen);
	(void)cs_rd_u8(&rd, &t.hops);
	(void)cs_rd_u32(&rd, &t.xid);
	(void)cs_rd_u16(&rd, &t.secs);
	(void)cs_rd_u16(&rd, &t.flags);
	(void)cs_rd_u32(&rd, &t.ciaddr);
	(void)cs_rd_u32(&rd, &t.yiaddr);
	(void)cs_rd_u32(&rd, &t.siaddr);
	(void)cs_rd_u32(&rd, &t.giaddr);
	(void)cs_rd_bytes(&rd, t.chaddr, sizeof(t.chaddr));
	(void)cs_rd_view(&rd, CS_DHCP_SNAME_LEN, &sname);
	(void)cs_rd_view(&rd, CS_DHCP_FILE_LEN, &file);
	if (t.op != CS_DHCP_BOOTREQUEST && t.op != CS_DHCP_BOOTREPLY)
		return cs_err_set(
		    err, -EBADMSG, "op not BOOTREQUEST/BOOTREPLY", 0);
	if (t.hlen > CS_DHCP_CHADDR_LEN)
		return cs_err_set(err, -EBADMSG, "hlen beyond chaddr", 2);
	if (cs_rd_u32(&rd, &cookie) < 0)
		return cs_err_set(
		    err, -EBADMSG, "missing magic cookie", CS_DHCP_HDR_LEN);
	if (cookie != CS_DHCP_COOKIE)
		return cs_err_set(
		    err, -EBADMSG, "bad magic cookie", CS_DHCP_HDR_LEN);
	r = dhcp_walk(&t, &rd, CS_DHCP_AREA_OPTIONS, &has_end, &after_end, err);
	if (r < 0)
		return r;
	/* RFC 2131 §4.1 / RFC 2132 §3.2: END closes the options field.  A
	 * datagram cut at an option boundary would otherwise look complete,
	 * so its absence is an error, not something to guess around.  What
	 * follows END must be pad for the message to be canonical. */
	if (!has_end)
		return cs_err_set(err, -EBADMSG, "no end option", len);
	t.min_len = (uint16_t)(len > UINT16_MAX ? UINT16_MAX : len);
	for (size_t i = after_end; i < len; i++)
		if (buf[i] != 0) {
			t.min_len = (uint16_t)after_end;
			break;
		}
	if (t.overload & 1) {
		r = dhcp_walk_field(
		    &t, buf, file, CS_DHCP_FILE_LEN, CS_DHCP_AREA_FILE, err);
		if (r < 0)
			return r;
	} else
		memcpy(t.file, file, CS_DHCP_FILE_LEN);
	if (t.overload & 2) {
		r = dhcp_walk_field(
		    &t, buf, sname, CS_DHCP_SNAME_LEN, CS_DHCP_AREA_SNAME, err);
		if (r < 0)
			return r;
	} else
		memcpy(t.sname, sname, CS_DHCP_SNAME_LEN);
	*m = t;
	return 0;
}

static void
dhcp_put_area(
    const struct cs_dhcp_msg *m, enum cs_dhcp_area area, struct cs_wr *wr)
{
	for (size_t i = 0; i < m->nopts; i++) {
		const struct cs_dhcp_opt *o = &m->opts[i];

		if (o->area != area)
			continue;
		cs_wr_u8(wr, o->code);
		cs_wr_u8(wr, o->len);
		cs_wr_bytes(wr, cs_dhcp_opt_data(o), o->len);
	}
	cs_wr_u8(wr, CS_DHCP_OPT_END);
}

/* Writes an overloaded fixed-size field: its options, END, zero fill. */
static void
dhcp_put_field(const struct cs_dhcp_msg *m, enum cs_dhcp_area area, size_t flen,
    struct cs_wr *wr)
{
	uint8_t tmp[CS_DHCP_FILE_LEN];
	struct cs_wr sub;

	memset(tmp, 0, sizeof(tmp));
	cs_wr_init(&sub, tmp, flen);
	dhcp_put_area(m, area, &sub);
	if (sub.err != 0) {
		cs_wr_fail(wr, -EMSGSIZE);
		return;
	}
	cs_wr_bytes(wr, tmp, flen);
}

static int
dhcp_check(const struct cs_dhcp_msg *m)
{
	uint8_t overload = 0;

	if (m->nopts > CS_DHCP_MAX_OPTS || m->hlen > CS_DHCP_CHADDR_LEN)
		return -EINVAL;
	for (size_t i = 0; i < m->nopts; i++) {
		const struct cs_dhcp_opt *o = &m->opts[i];

		if (o->code == CS_DHCP_OPT_PAD || o->code == CS_DHCP_OPT_END)
			return -EINVAL;
		if (o->val == NULL && o->len > sizeof(o->inl))
			return -EINVAL;
		switch (o->area) {
		case CS_DHCP_AREA_OPTIONS:
			if (o->code == CS_DHCP_OPT_OVERLOAD) {
				if (o->len != 1 || overload != 0)
					return -EINVAL;
				overload = cs_dhcp_opt_data(o)[0];
			}
			break;
		case CS_DHCP_AREA_FILE:
			if (!(m->overload & 1))
				return -EINVAL;
			break;
		case CS_DHCP_AREA_SNAME:
			if (!(m->overload & 2))
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	if (overload != m->overload || overload > 3)
		return -EINVAL;
	return 0;
}

int
cs_dhcp_encode(const struct cs_dhcp_msg *m, struct cs_wr *wr)
{
	size_t start;
	int r;

	if (m == NULL || wr == NULL)
		return -EINVAL;
	if ((r = dhcp_check(m)) < 0)
		return r;
	start = wr->len;
	cs_wr_u8(wr, m->op);
	cs_wr_u8(wr, m->htype);
	cs_wr_u8(wr, m->hlen);
	cs_wr_u8(wr, m->hops);
	cs_wr_u32(wr, m->xid);
	cs_wr_u16(wr, m->secs);
	cs_wr_u16(wr, m->flags);
	cs_wr_u32(wr, m->ciaddr);
	cs_wr_u32(wr, m->yiaddr);
	cs_wr_u32(wr, m->siaddr);
	cs_wr_u32(wr, m->giaddr);
	cs_wr_bytes(wr, m->chaddr, sizeof(m->chaddr));
	if (m->overload & 2)
		dhcp_put_field(m, CS_DHCP_AREA_SNAME, CS_DHCP_SNAME_LEN, wr);
	else
		cs_wr_bytes(wr, m->sname, sizeof(m->sname));
	if (m->overload & 1)
		dhcp_put_field(m, CS_DHCP_AREA_FILE, CS_DHCP_FILE_LEN, wr);
	else
		cs_wr_bytes(wr, m->file, sizeof(m->file));
	cs_wr_u32(wr, CS_DHCP_COOKIE);
	dhcp_put_area(m, CS_DHCP_AREA_OPTIONS, wr);
	if (wr->err == 0 && wr->len - start < m->min_len)
		cs_wr_zero(wr, m->min_len - (wr->len - start));
	return wr->err;
}

int
cs_dhcp_init(
    struct cs_dhcp_msg *m, uint8_t op, uint32_t xid, const uint8_t *mac)
{
	if (m == NULL)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	m->op = op;
	m->htype = 1; /* Ethernet, RFC 1700 */
	m->hlen = 6;
	m->xid = xid;
	if (mac != NULL)
		memcpy(m->chaddr, mac, 6);
	m->min_len = CS_DHCP_MIN_LEN;
	return 0;
}

int
cs_dhcp_add_opt(struct cs_dhcp_msg *m, uint8_t code, const void *val,
    size_t len, enum cs_dhcp_area area)
{
	const uint8_t *p = val;
	size_t need;

	if (m == NULL || code == CS_DHCP_OPT_PAD || code == CS_DHCP_OPT_END ||
	    (val == NULL && len > 0) || area > CS_DHCP_AREA_SNAME)
		return -EINVAL;
	if (code == CS_DHCP_OPT_OVERLOAD &&
	    (len != 1 || area != CS_DHCP_AREA_OPTIONS || p[0] < 1 || p[0] > 3 ||
	        m->overload != 0))
		return -EINVAL;
	/* Options go into file/sname only once option 52 says so. */
	if ((area == CS_DHCP_AREA_FILE && !(m->overload & 1)) ||
	    (area == CS_DHCP_AREA_SNAME && !(m->overload & 2)))
		return -EINVAL;
	need = len == 0 ? 1 : (len + 254) / 255; /* RFC 3396 §7 split */
	if (m->nopts > CS_DHCP_MAX_OPTS || need > CS_DHCP_MAX_OPTS - m->nopts)
		return -E2BIG;
	do {
		struct cs_dhcp_opt *o = &m->opts[m->nopts++];
		size_t n = len > 255 ? 255 : len;

		memset(o, 0, sizeof(*o));
		o->code = code;
		o->len = (uint8_t)n;
		o->area = (uint8_t)area;
		if (n <= sizeof(o->inl)) {
			if (n > 0)
				memcpy(o->inl, p, n);
		} else
			o->val = p;
		p += n;
		len -= n;
	} while (len > 0);
	if (code == CS_DHCP_OPT_OVERLOAD)
		m->overload = ((const uint8_t *)val)[0];
	return 0;
}

int
cs_dhcp_add_u8(struct cs_dhcp_msg *m, uint8_t code, uint8_t v)
{
	return cs_dhcp_add_opt(m, code, &v, 1, CS_DHCP_AREA_OPTIONS);
}

int
cs_dhcp_add_u32(struct cs_dhcp_msg *m, uint8_t code, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
		(uint8_t)(v >> 8), (uint8_t)v };

	return cs_dhcp_add_opt(m, code, b, sizeof(b), CS_DHCP_AREA_OPTIONS);
}

int
cs_dhcp_build_client(
    struct cs_dhcp_msg *m, const struct cs_dhcp_client_params *p)
{
	struct cs_dhcp_msg t;
	int r = 0;

	if (m == NULL || p == NULL || p->mac == NULL)
		return -EINVAL;
	switch (p->type) {
	case CS_DHCP_DISCOVER:
	case CS_DHCP_REQUEST:
	case CS_DHCP_DECLINE:
	case CS_DHCP_RELEASE:
	case CS_DHCP_INFORM:
		break;
	default:
		return -EINVAL;
	}
	(void)cs_dhcp_init(&t, CS_DHCP_BOOTREQUEST, p->xid, p->mac);
	t.secs = p->secs;
	t.flags = p->broadcast ? CS_DHCP_FLAG_BROADCAST : 0;
	t.hops = p->hops;
	t.ciaddr = p->ciaddr;
	t.giaddr = p->giaddr;
	/* Option order follows common clients: type first (RFC 2131 §4.4
	 * table 5 lists what each message may carry). */
	r = cs_dhcp_add_u8(&t, CS_DHCP_OPT_MSG_TYPE, (uint8_t)p->type);
	if (r == 0 && p->client_id != NULL)
		r = cs_dhcp_add_opt(&t, CS_DHCP_OPT_CLIENT_ID, p->client_id,
		    p->client_id_len, CS_DHCP_AREA_OPTIONS);
	if (r == 0 && p->requested_ip != 0)
		r = cs_dhcp_add_u32(&t, CS_DHCP_OPT_REQ_IP, p->requested_ip);
	if (r == 0 && p->server_id != 0)
		r = cs_dhcp_add_u32(&t, CS_DHCP_OPT_SERVER_ID, p->server_id);
	if (r == 0 && p->vendor_class != NULL)
		r = cs_dhcp_add_opt(&t, CS_DHCP_OPT_VCI, p->vendor_class,
		    strlen(p->vendor_class), CS_DHCP_AREA_OPTIONS);
	if (r == 0 && p->prl != NULL)
		r = cs_dhcp_add_opt(&t, CS_DHCP_OPT_PRL, p->prl, p->prl_len,
		    CS_DHCP_AREA_OPTIONS);
	/* RFC 3046 §2.1: the relay agent information option goes last. */
	if (r == 0 && p->relay_info != NULL)
		r = cs_dhcp_add_opt(&t, CS_DHCP_OPT_RELAY, p->relay_info,
		    p->relay_info_len, CS_DHCP_AREA_OPTIONS);
	if (r < 0)
		return r;
	*m = t;
	return 0;
}

int
cs_dhcp_build_reply(struct cs_dhcp_msg *m, const struct cs_dhcp_msg *req,
    const struct cs_dhcp_server_params *p)
{
	struct cs_dhcp_msg t;
	int r;

	if (m == NULL || req == NULL || p == NULL)
		return -EINVAL;
	if (p->type != CS_DHCP_OFFER && p->type != CS_DHCP_ACK &&
	    p->type != CS_DHCP_NAK)
		return -EINVAL;
	(void)cs_dhcp_init(&t, CS_DHCP_BOOTREPLY, req->xid, NULL);
	t.htype = req->htype;
	t.hlen = req->hlen;
	memcpy(t.chaddr, req->chaddr, sizeof(t.chaddr));
	t.flags = req->flags;
	t.giaddr = req->giaddr;
	if (p->type != CS_DHCP_NAK) { /* RFC 2131 §4.3.2: NAK has none */
		t.yiaddr = p->yiaddr;
		t.siaddr = p->siaddr;
	}
	r = cs_dhcp_add_u8(&t, CS_DHCP_OPT_MSG_TYPE, (uint8_t)p->type);
	if (r == 0)
		r = cs_dhcp_add_u32(&t, CS_DHCP_OPT_SERVER_ID, p->server_id);
	if (p->type != CS_DHCP_NAK) {
		if (r == 0 && p->lease_s != 0)
			r = cs_dhcp_add_u32(&t, CS_DHCP_OPT_LEASE, p->lease_s);
		if (r == 0 && p->subnet_mask != 0)
			r = cs_dhcp_add_u32(
			    &t, CS_DHCP_OPT_SUBNET_MASK, p->subnet_mask);
		if (r == 0 && p->routers != NULL)
			r = cs_dhcp_add_opt(&t, CS_DHCP_OPT_ROUTERS, p->routers,
			    p->routers_len, CS_DHCP_AREA_OPTIONS);
		if (r == 0 && p->dns != NULL)
			r = cs_dhcp_add_opt(&t, CS_DHCP_OPT_DNS, p->dns,
			    p->dns_len, CS_DHCP_AREA_OPTIONS);
		if (r == 0 && p->domain != NULL)
			r = cs_dhcp_add_opt(&t, CS_DHCP_OPT_DOMAIN, p->domain,
			    strlen(p->domain), CS_DHCP_AREA_OPTIONS);
		if (r == 0 && p->vendor != NULL)
			r = cs_dhcp_add_opt(&t, CS_DHCP_OPT_VENDOR, p->vendor,
			    p->vendor_len, CS_DHCP_AREA_OPTIONS);
		if (r == 0 && p->capwap_ac != NULL)
			r = cs_dhcp_add_opt(&t, CS_DHCP_OPT_CAPWAP_AC,
			    p->capwap_ac, p->capwap_ac_len,
			    CS_DHCP_AREA_OPTIONS);
	}
	if (r < 0)
		return r;
	*m = t;
	return 0;
}

int
cs_dhcp_opt_len(const struct cs_dhcp_msg *m, uint8_t code, size_t *len)
{
	size_t total = 0;
	bool found = false;

	if (m == NULL || len == NULL)
		return -EINVAL;
	for (size_t i = 0; i < m->nopts; i++)
		if (m->opts[i].code == code) {
			found = true;
			total += m->opts[i].len;
		}
	if (!found)
		return -ENOENT;
	*len = total;
	return 0;
}

/* Copies the concatenation of every instance of `code` (RFC 3396 §6:
 * in wire order, options then file then sname); caller checked room. */
static void
dhcp_cat(const struct cs_dhcp_msg *m, uint8_t code, uint8_t *out)
{
	for (size_t i = 0; i < m->nopts; i++)
		if (m->opts[i].code == code && m->opts[i].len > 0) {
			memcpy(
			    out, cs_dhcp_opt_data(&m->opts[i]), m->opts[i].len);
			out += m->opts[i].len;
		}
}

int
cs_dhcp_opt_get(const struct cs_dhcp_msg *m, uint8_t code, uint8_t *buf,
    size_t cap, size_t *len)
{
	size_t total;
	int r;

	if (buf == NULL || len == NULL)
		return -EINVAL;
	if ((r = cs_dhcp_opt_len(m, code, &total)) < 0)
		return r;
	if (total > cap)
		return -ENOBUFS;
	dhcp_cat(m, code, buf);
	*len = total;
	return 0;
}

static uint32_t
dhcp_be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

/* Fixed 4-byte value (addresses, lease time). */
static int
dhcp_get4(const struct cs_dhcp_msg *m, uint8_t code, uint32_t *v)
{
	uint8_t b[4];
	size_t total;
	int r;

	if (v == NULL)
		return -EINVAL;
	if ((r = cs_dhcp_opt_len(m, code, &total)) < 0)
		return r;
	if (total != 4)
		return -EBADMSG;
	dhcp_cat(m, code, b);
	*v = dhcp_be32(b);
	return 0;
}

int
cs_dhcp_get_ipv4(const struct cs_dhcp_msg *m, uint8_t code, uint32_t *addr)
{
	return dhcp_get4(m, code, addr);
}

int
cs_dhcp_get_lease(const struct cs_dhcp_msg *m, uint32_t *secs)
{
	return dhcp_get4(m, CS_DHCP_OPT_LEASE, secs);
}

int
cs_dhcp_get_ipv4_list(const struct cs_dhcp_msg *m, uint8_t code,
    uint32_t *addrs, size_t cap, size_t *n)
{
	size_t total, k = 0;
	int r;

	if (addrs == NULL || n == NULL)
		return -EINVAL;
	if ((r = cs_dhcp_opt_len(m, code, &total)) < 0)
		return r;
	/* RFC 2132 §3.5/§3.8 (minimum length 4, multiple of 4) and RFC 5417
	 * §3 (option 138: length a multiple of 4). */
	if (total == 0 || total % 4 != 0)
		return -EBADMSG;
	if (total / 4 > cap)
		return -ENOBUFS;
	/* Instances may split an address (RFC 3396), so assemble bytewise. */
	{
		uint32_t cur = 0;
		size_t nb = 0;

		for (size_t i = 0; i < m->nopts; i++) {
			const uint8_t *d = cs_dhcp_opt_data(&m->opts[i]);

			if (m->opts[i].code != code)
				continue;
			for (size_t j = 0; j < m->opts[i].len; j++) {
				cur = cur << 8 | d[j];
				if (++nb == 4) {
					addrs[k++] = cur;
					cur = 0;
					nb = 0;
				}
			}
		}
	}
	*n = k;
	return 0;
}

int
cs_dhcp_get_type(const struct cs_dhcp_msg *m, enum cs_dhcp_type *type)
{
	size_t total;
	uint8_t v;
	int r;

	if (type == NULL)
		return -EINVAL;
	if ((r = cs_dhcp_opt_len(m, CS_DHCP_OPT_MSG_TYPE, &total)) < 0)
		return r;
	if (total != 1) /* RFC 2132 §9.6: length 1 */
		return -EBADMSG;
	dhcp_cat(m, CS_DHCP_OPT_MSG_TYPE, &v);
	if (v < CS_DHCP_DISCOVER || v > CS_DHCP_INFORM)
		return -EBADMSG;
	*type = (enum cs_dhcp_type)v;
	return 0;
}

int
cs_dhcp_get_string(
    const struct cs_dhcp_msg *m, uint8_t code, char *buf, size_t cap)
{
	uint8_t tmp[CS_DHCP_MAX_OPTS * 255];
	size_t total;
	int r;

	if (buf == NULL)
		return -EINVAL;
	if ((r = cs_dhcp_opt_len(m, code, &total)) < 0)
		return r;
	dhcp_cat(m, code, tmp);
	while (total > 0 && tmp[total - 1] == 0)
		total--;
	if (total == 0) /* RFC 2132 §3.17, §9.13: minimum length 1 */
		return -EBADMSG;
	if (memchr(tmp, 0, total) != NULL)
		return -EBADMSG;
	if (total + 1 > cap)
		return -ENOBUFS;
	memcpy(buf, tmp, total);
	buf[total] = '\0';
	return 0;
}

int
cs_dhcp_get_relay_info(
    const struct cs_dhcp_msg *m, struct cs_dhcp_relay_info *ri)
{
	uint8_t tmp[CS_DHCP_MAX_OPTS * 255];
	struct cs_dhcp_relay_info t;
	struct cs_rd rd;
	size_t total;
	int r;

	if (ri == NULL)
		return -EINVAL;
	if ((r = cs_dhcp_opt_len(m, CS_DHCP_OPT_RELAY, &total)) < 0)
		return r;
	dhcp_cat(m, CS_DHCP_OPT_RELAY, tmp);
	memset(&t, 0, sizeof(t));
	cs_rd_init(&rd, tmp, total);
	/* RFC 3046 §2.0: at least one sub-option, each code/len/value. */
	if (total == 0)
		return -EBADMSG;
	while (rd.left > 0) {
		const uint8_t *v;
		uint8_t code, len;

		if (cs_rd_u8(&rd, &code) < 0 || cs_rd_u8(&rd, &len) < 0 ||
		    cs_rd_view(&rd, len, &v) < 0)
			return -EBADMSG;
		if (code == 1) {
			memcpy(t.circuit_id, v, len);
			t.circuit_id_len = len;
			t.has_circuit_id = true;
		} else if (code == 2) {
			memcpy(t.remote_id, v, len);
			t.remote_id_len = len;
			t.has_remote_id = true;
		}
	}
	*ri = t;
	return 0;
}

int
cs_dhcp_relay_info_encode(const struct cs_dhcp_relay_info *ri, struct cs_wr *wr)
{
	if (ri == NULL || wr == NULL)
		return -EINVAL;
	if (ri->has_circuit_id) {
		cs_wr_u8(wr, 1);
		cs_wr_u8(wr, ri->circuit_id_len);
		cs_wr_bytes(wr, ri->circuit_id, ri->circuit_id_len);
	}
	if (ri->has_remote_id) {
		cs_wr_u8(wr, 2);
		cs_wr_u8(wr, ri->remote_id_len);
		cs_wr_bytes(wr, ri->remote_id, ri->remote_id_len);
	}
	return wr->err;
}
