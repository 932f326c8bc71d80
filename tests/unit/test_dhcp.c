/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the DHCPv4 codec (lib/wire/dhcp.c): wire vectors from
 * tests/vectors/dhcp (built independently by gen.py), every truncation,
 * lying lengths, overload, RFC 3396 concatenation, the option cap, typed
 * accessors and both round-trip laws.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/cursor.h"
#include "capsim/dhcp.h"
#include "testutil.h"

#define IP(a, b, c, d)                                                         \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const uint8_t ap_mac[6] = { 0x00, 0x27, 0x13, 0x70, 0xaa, 0xbb };
static const uint8_t opt43_tlv[] = { 0xf1, 0x08, 0x0a, 0x7e, 0x7e, 0x02, 0x0a,
	0x7f, 0x7f, 0x02 };

struct dhcp_vec {
	const char *file;
	uint8_t op;
	uint32_t xid;
	enum cs_dhcp_type type;
	uint32_t yiaddr, giaddr;
	uint8_t overload;
	size_t nopts;
};

static const struct dhcp_vec vecs[] = {
	{ "discover_cisco_ap.bin", 1, 0x3903f326, CS_DHCP_DISCOVER, 0, 0, 0,
	    5 },
	{ "offer_opt43_138.bin", 2, 0x3903f326, CS_DHCP_OFFER,
	    IP(10, 10, 10, 50), 0, 0, 9 },
	{ "request_relay.bin", 1, 0x11223344, CS_DHCP_REQUEST, 0,
	    IP(10, 10, 10, 1), 0, 7 },
	{ "ack_overload.bin", 2, 0x11223344, CS_DHCP_ACK, IP(10, 10, 10, 50),
	    IP(10, 10, 10, 1), 3, 7 },
	{ "ack_split_opt43.bin", 2, 0x55667788, CS_DHCP_ACK, IP(10, 10, 10, 51),
	    0, 0, 6 },
	{ "nak.bin", 2, 0x11223344, CS_DHCP_NAK, 0, IP(10, 10, 10, 1), 0, 2 },
	{ "release.bin", 1, 0x99aabbcc, CS_DHCP_RELEASE, 0, 0, 0, 2 },
	{ "offer_ascii43_548.bin", 2, 0x0badcafe, CS_DHCP_OFFER,
	    IP(10, 10, 10, 52), 0, 0, 3 },
};

static uint8_t *
load(const char *name, size_t *len)
{
	char path[256];

	snprintf(path, sizeof(path), "tests/vectors/dhcp/%s", name);
	return cs_test_read_src(path, len);
}

/* Offset of END in the options field, found by an independent walk. */
static size_t
end_offset(const uint8_t *b, size_t len)
{
	size_t i = 240;

	while (i < len && b[i] != 255)
		i += b[i] == 0 ? 1 : 2u + b[i + 1];
	return i;
}

/* Field-by-field equality (option values compared by content). */
static void
assert_msg_equal(const struct cs_dhcp_msg *a, const struct cs_dhcp_msg *b)
{
	assert_int_equal(a->op, b->op);
	assert_int_equal(a->htype, b->htype);
	assert_int_equal(a->hlen, b->hlen);
	assert_int_equal(a->hops, b->hops);
	assert_int_equal(a->xid, b->xid);
	assert_int_equal(a->secs, b->secs);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->ciaddr, b->ciaddr);
	assert_int_equal(a->yiaddr, b->yiaddr);
	assert_int_equal(a->siaddr, b->siaddr);
	assert_int_equal(a->giaddr, b->giaddr);
	assert_memory_equal(a->chaddr, b->chaddr, sizeof(a->chaddr));
	assert_memory_equal(a->sname, b->sname, sizeof(a->sname));
	assert_memory_equal(a->file, b->file, sizeof(a->file));
	assert_int_equal(a->overload, b->overload);
	assert_int_equal(a->nopts, b->nopts);
	for (size_t i = 0; i < a->nopts; i++) {
		assert_int_equal(a->opts[i].code, b->opts[i].code);
		assert_int_equal(a->opts[i].len, b->opts[i].len);
		assert_int_equal(a->opts[i].area, b->opts[i].area);
		assert_bytes_equal(cs_dhcp_opt_data(&a->opts[i]),
		    a->opts[i].len, cs_dhcp_opt_data(&b->opts[i]),
		    b->opts[i].len);
	}
}

/* Every vector decodes to the expected fields and re-encodes to the same
 * bytes (encode(decode(b)) == b). */
static void
test_vectors_roundtrip(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(vecs); i++) {
		const struct dhcp_vec *v = &vecs[i];
		struct cs_dhcp_msg m, again;
		enum cs_dhcp_type type;
		uint8_t out[1024];
		struct cs_wr wr;
		size_t len;
		uint8_t *b = load(v->file, &len);

		print_message("vector %s\n", v->file);
		assert_int_equal(cs_dhcp_decode(&m, b, len, NULL), 0);
		assert_int_equal(m.op, v->op);
		assert_int_equal(m.xid, v->xid);
		assert_int_equal(m.htype, 1);
		assert_int_equal(m.hlen, 6);
		assert_memory_equal(m.chaddr, ap_mac, 6);
		assert_int_equal(m.yiaddr, v->yiaddr);
		assert_int_equal(m.giaddr, v->giaddr);
		assert_int_equal(m.overload, v->overload);
		assert_int_equal(m.nopts, v->nopts);
		assert_int_equal(m.min_len, len);
		assert_int_equal(cs_dhcp_get_type(&m, &type), 0);
		assert_int_equal(type, v->type);

		cs_wr_init(&wr, out, sizeof(out));
		assert_int_equal(cs_dhcp_encode(&m, &wr), 0);
		assert_bytes_equal(out, wr.len, b, len);
		assert_int_equal(cs_dhcp_decode(&again, out, wr.len, NULL), 0);
		assert_msg_equal(&m, &again);
		free(b);
	}
}

/* Truncated anywhere before the END option: -EBADMSG, output untouched.
 * Truncated inside the trailing pad: still a valid message. */
static void
test_every_truncation(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(vecs); i++) {
		size_t len;
		uint8_t *b = load(vecs[i].file, &len);
		size_t end = end_offset(b, len);

		assert_true(end < len);
		for (size_t cut = 0; cut < len; cut++) {
			struct cs_dhcp_msg m, sentinel;
			struct cs_err err = { 0, NULL, 0 };
			/* a copy of exactly `cut` bytes so ASan sees overreads
			 */
			uint8_t *t = malloc(cut > 0 ? cut : 1);
			int r;

			memcpy(t, b, cut);
			memset(&m, 0xa5, sizeof(m));
			memcpy(&sentinel, &m, sizeof(m));
			r = cs_dhcp_decode(&m, t, cut, &err);
			if (cut > end) {
				assert_int_equal(r, 0);
			} else {
				if (r != -EBADMSG)
					fail_msg("%s cut at %zu: r=%d",
					    vecs[i].file, cut, r);
				assert_int_equal(err.code, -EBADMSG);
				assert_non_null(err.what);
				assert_true(err.offset <= cut);
				assert_memory_equal(&m, &sentinel, sizeof(m));
			}
			free(t);
		}
		free(b);
	}
}

struct bad_case {
	const char *name;
	size_t at;   /* byte to change */
	uint8_t val; /* new value */
	int code;    /* expected error */
	const char *what;
	size_t offset;
};

/* offer_opt43_138.bin option layout (from gen.py): 240 53, 243 54,
 * 249 51, 255 1, 261 3, 267 6, 277 15, 290 43, 302 138, 312 END. */
static const struct bad_case bad_cases[] = {
	{ "bad op", 0, 3, -EBADMSG, "op not BOOTREQUEST/BOOTREPLY", 0 },
	{ "hlen 17", 2, 17, -EBADMSG, "hlen beyond chaddr", 2 },
	{ "bad cookie", 238, 0x54, -EBADMSG, "bad magic cookie", 236 },
	{ "138 length lies", 303, 10, -EBADMSG, "option length beyond data",
	    303 },
	{ "43 length lies", 291, 0xff, -EBADMSG, "option length beyond data",
	    291 },
	{ "END replaced", 312, 0, -EBADMSG, "no end option", 313 },
	{ "END replaced by code", 312, 12, -EBADMSG,
	    "option length byte missing", 313 },
};

static void
test_lying_lengths(void **state)
{
	size_t len;
	uint8_t *b = load("offer_opt43_138.bin", &len);

	(void)state;
	assert_int_equal(len, 313);
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct cs_dhcp_msg m;
		struct cs_err err = { 0, NULL, 0 };
		uint8_t *t = malloc(len);

		memcpy(t, b, len);
		t[c->at] = c->val;
		m.xid = 0xdeadbeef;
		print_message("case %s\n", c->name);
		assert_int_equal(cs_dhcp_decode(&m, t, len, &err), c->code);
		assert_int_equal(err.code, c->code);
		assert_string_equal(err.what, c->what);
		assert_int_equal(err.offset, c->offset);
		assert_int_equal(m.xid, 0xdeadbeef);
		free(t);
	}
	free(b);
}

/* Builds header + cookie + given option bytes into out; returns length. */
static size_t
raw_msg(uint8_t *out, size_t cap, const uint8_t *opts, size_t olen)
{
	assert_true(240 + olen <= cap);
	memset(out, 0, 240);
	out[0] = 2;
	out[1] = 1;
	out[2] = 6;
	out[236] = 99;
	out[237] = 130;
	out[238] = 83;
	out[239] = 99;
	memcpy(out + 240, opts, olen);
	return 240 + olen;
}

static void
test_overload(void **state)
{
	struct cs_dhcp_msg m;
	uint32_t ac[4];
	uint8_t v[64];
	char dom[32];
	size_t len, n;
	uint8_t *b = load("ack_overload.bin", &len);
	static const uint8_t zero[CS_DHCP_FILE_LEN];

	(void)state;
	assert_int_equal(cs_dhcp_decode(&m, b, len, NULL), 0);
	assert_int_equal(m.overload, 3);
	assert_memory_equal(m.file, zero, CS_DHCP_FILE_LEN);
	assert_memory_equal(m.sname, zero, CS_DHCP_SNAME_LEN);
	/* file is read before sname (RFC 2131 §4.1) */
	assert_int_equal(m.opts[4].code, 43);
	assert_int_equal(m.opts[4].area, CS_DHCP_AREA_FILE);
	assert_int_equal(m.opts[5].code, 138);
	assert_int_equal(m.opts[6].code, 15);
	assert_int_equal(m.opts[6].area, CS_DHCP_AREA_SNAME);
	assert_int_equal(cs_dhcp_opt_get(&m, 43, v, sizeof(v), &n), 0);
	assert_bytes_equal(v, n, opt43_tlv, sizeof(opt43_tlv));
	assert_int_equal(cs_dhcp_get_ipv4_list(&m, 138, ac, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ac[1], IP(10, 127, 127, 2));
	assert_int_equal(cs_dhcp_get_string(&m, 15, dom, sizeof(dom)), 0);
	assert_string_equal(dom, "lab.example");

	/* file overloaded without END inside it */
	{
		uint8_t *t = malloc(len);
		struct cs_err err;

		memcpy(t, b, len);
		memset(t + 108, 0x00, 128);
		t[235] = 12; /* a code in the field's last byte */
		assert_int_equal(cs_dhcp_decode(&m, t, len, &err), -EBADMSG);
		assert_string_equal(err.what, "option length byte missing");
		assert_int_equal(err.offset, 236);
		memset(t + 108, 0x00, 128);
		t[108] = 12;
		t[109] = 126; /* exactly fills the field: no room for END */
		assert_int_equal(cs_dhcp_decode(&m, t, len, &err), -EBADMSG);
		assert_string_equal(
		    err.what, "no end option in overloaded file field");
		assert_int_equal(err.offset, 236);
		free(t);
	}
	free(b);
}

static void
test_overload_errors(void **state)
{
	static const struct {
		const char *name;
		uint8_t opts[12];
		size_t len;
		const char *what;
		size_t offset;
	} cases[] = {
		{ "value 0", { 52, 1, 0, 255 }, 4,
		    "option overload value not 1..3", 242 },
		{ "value 4", { 52, 1, 4, 255 }, 4,
		    "option overload value not 1..3", 242 },
		{ "length 2", { 52, 2, 1, 1, 255 }, 5,
		    "option overload length not 1", 241 },
		{ "twice", { 52, 1, 1, 52, 1, 1, 255 }, 7,
		    "duplicate option overload", 243 },
	};
	uint8_t buf[300];

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		struct cs_dhcp_msg m;
		struct cs_err err;
		size_t n =
		    raw_msg(buf, sizeof(buf), cases[i].opts, cases[i].len);

		print_message("overload %s\n", cases[i].name);
		assert_int_equal(cs_dhcp_decode(&m, buf, n, &err), -EBADMSG);
		assert_string_equal(err.what, cases[i].what);
		assert_int_equal(err.offset, cases[i].offset);
	}
	/* option 52 inside an overloaded field is refused */
	{
		static const uint8_t o[] = { 52, 1, 2, 255 };
		struct cs_dhcp_msg m;
		struct cs_err err;
		size_t n = raw_msg(buf, sizeof(buf), o, sizeof(o));

		buf[44] = 52; /* sname */
		buf[45] = 1;
		buf[46] = 1;
		buf[47] = 255;
		assert_int_equal(cs_dhcp_decode(&m, buf, n, &err), -EBADMSG);
		assert_string_equal(
		    err.what, "option overload inside file/sname");
		assert_int_equal(err.offset, 44);
	}
}

/* 64 instances are fine, the 65th is -E2BIG at its own offset. */
static void
test_option_cap(void **state)
{
	uint8_t opts[2 * CS_DHCP_MAX_OPTS + 3], buf[600];
	struct cs_dhcp_msg m;
	struct cs_err err;
	size_t n;

	(void)state;
	for (size_t i = 0; i < CS_DHCP_MAX_OPTS + 1; i++) {
		opts[2 * i] = 12;
		opts[2 * i + 1] = 0;
	}
	opts[2 * CS_DHCP_MAX_OPTS] = 255;
	n = raw_msg(buf, sizeof(buf), opts, 2 * CS_DHCP_MAX_OPTS + 1);
	assert_int_equal(cs_dhcp_decode(&m, buf, n, NULL), 0);
	assert_int_equal(m.nopts, CS_DHCP_MAX_OPTS);
	opts[2 * CS_DHCP_MAX_OPTS] = 12;
	opts[2 * CS_DHCP_MAX_OPTS + 2] = 255;
	n = raw_msg(buf, sizeof(buf), opts, 2 * CS_DHCP_MAX_OPTS + 3);
	assert_int_equal(cs_dhcp_decode(&m, buf, n, &err), -E2BIG);
	assert_string_equal(err.what, "too many options");
	assert_int_equal(err.offset, 240 + 2 * CS_DHCP_MAX_OPTS);
	/* pad bytes do not count */
	memset(opts, 0, sizeof(opts));
	opts[sizeof(opts) - 1] = 255;
	n = raw_msg(buf, sizeof(buf), opts, sizeof(opts));
	assert_int_equal(cs_dhcp_decode(&m, buf, n, NULL), 0);
	assert_int_equal(m.nopts, 0);
}

static void
test_accessors_offer(void **state)
{
	struct cs_dhcp_msg m;
	uint32_t a, list[4];
	uint8_t v[32];
	char s[32];
	size_t len, n;
	uint8_t *b = load("offer_opt43_138.bin", &len);

	(void)state;
	assert_int_equal(cs_dhcp_decode(&m, b, len, NULL), 0);
	assert_int_equal(m.siaddr, IP(10, 10, 10, 1));
	assert_int_equal(m.flags, CS_DHCP_FLAG_BROADCAST);
	assert_int_equal(cs_dhcp_get_ipv4(&m, 1, &a), 0);
	assert_int_equal(a, IP(255, 255, 255, 0));
	assert_int_equal(cs_dhcp_get_ipv4(&m, 54, &a), 0);
	assert_int_equal(a, IP(10, 10, 10, 1));
	assert_int_equal(cs_dhcp_get_lease(&m, &a), 0);
	assert_int_equal(a, 86400);
	assert_int_equal(cs_dhcp_get_ipv4_list(&m, 3, list, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0], IP(10, 10, 10, 1));
	assert_int_equal(cs_dhcp_get_ipv4_list(&m, 6, list, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[1], IP(10, 10, 10, 3));
	assert_int_equal(cs_dhcp_get_string(&m, 15, s, sizeof(s)), 0);
	assert_string_equal(s, "lab.example");
	assert_int_equal(cs_dhcp_opt_get(&m, 43, v, sizeof(v), &n), 0);
	assert_bytes_equal(v, n, opt43_tlv, sizeof(opt43_tlv));
	assert_int_equal(cs_dhcp_get_ipv4_list(&m, 138, list, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0], IP(10, 126, 126, 2));
	assert_int_equal(list[1], IP(10, 127, 127, 2));

	/* failures leave outputs alone */
	a = 7;
	n = 7;
	assert_int_equal(cs_dhcp_get_ipv4(&m, 50, &a), -ENOENT);
	assert_int_equal(cs_dhcp_get_ipv4(&m, 6, &a), -EBADMSG); /* 8 bytes */
	assert_int_equal(cs_dhcp_get_ipv4_list(&m, 138, list, 1, &n), -ENOBUFS);
	assert_int_equal(cs_dhcp_opt_get(&m, 43, v, 9, &n), -ENOBUFS);
	assert_int_equal(cs_dhcp_get_string(&m, 15, s, 11), -ENOBUFS);
	assert_int_equal(a, 7);
	assert_int_equal(n, 7);
	assert_int_equal(cs_dhcp_get_ipv4(NULL, 1, &a), -EINVAL);
	assert_int_equal(cs_dhcp_get_ipv4(&m, 1, NULL), -EINVAL);
	free(b);
}

/* Option 138 must be a non-zero multiple of 4 (RFC 5417 §3). */
static void
test_opt138_bad_length(void **state)
{
	static const uint8_t lens[] = { 0, 1, 2, 3, 5, 6, 7, 9 };
	uint8_t opts[16], buf[300];
	uint32_t list[4] = { 1, 2, 3, 4 };

	(void)state;
	for (size_t i = 0; i < sizeof(lens); i++) {
		struct cs_dhcp_msg m;
		size_t n = 99, k;

		opts[0] = 138;
		opts[1] = lens[i];
		memset(opts + 2, 0x0a, lens[i]);
		opts[2 + lens[i]] = 255;
		k = raw_msg(buf, sizeof(buf), opts, 3u + lens[i]);
		assert_int_equal(cs_dhcp_decode(&m, buf, k, NULL), 0);
		assert_int_equal(
		    cs_dhcp_get_ipv4_list(&m, 138, list, 4, &n), -EBADMSG);
		assert_int_equal(n, 99);
		assert_int_equal(list[0], 1);
	}
}

static void
test_discover_fields(void **state)
{
	static const uint8_t prl[] = { 1, 3, 6, 15, 43, 60, 138 };
	struct cs_dhcp_msg m;
	uint8_t v[32];
	char vci[32];
	size_t len, n;
	uint8_t *b = load("discover_cisco_ap.bin", &len);

	(void)state;
	assert_int_equal(cs_dhcp_decode(&m, b, len, NULL), 0);
	assert_int_equal(m.secs, 4);
	assert_int_equal(cs_dhcp_get_string(&m, 60, vci, sizeof(vci)), 0);
	assert_string_equal(vci, "Cisco AP c2700");
	assert_int_equal(cs_dhcp_opt_get(&m, 55, v, sizeof(v), &n), 0);
	assert_bytes_equal(v, n, prl, sizeof(prl));
	assert_int_equal(cs_dhcp_opt_get(&m, 61, v, sizeof(v), &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(v[0], 1);
	assert_memory_equal(v + 1, ap_mac, 6);
	assert_int_equal(cs_dhcp_opt_len(&m, 43, &n), -ENOENT);
	free(b);
}

static void
test_relay_info(void **state)
{
	struct cs_dhcp_relay_info ri, again;
	struct cs_dhcp_msg m;
	uint8_t enc[64];
	struct cs_wr wr;
	size_t len;
	uint8_t *b = load("request_relay.bin", &len);

	(void)state;
	assert_int_equal(cs_dhcp_decode(&m, b, len, NULL), 0);
	assert_int_equal(m.hops, 1);
	assert_int_equal(cs_dhcp_get_relay_info(&m, &ri), 0);
	assert_true(ri.has_circuit_id);
	assert_true(ri.has_remote_id);
	assert_bytes_equal(ri.circuit_id, ri.circuit_id_len, "Gi1/0/1", 7);
	assert_bytes_equal(ri.remote_id, ri.remote_id_len, ap_mac, 6);
	cs_wr_init(&wr, enc, sizeof(enc));
	assert_int_equal(cs_dhcp_relay_info_encode(&ri, &wr), 0);
	{
		const struct cs_dhcp_opt *o = &m.opts[m.nopts - 1];

		assert_int_equal(o->code, 82);
		assert_bytes_equal(enc, wr.len, o->val, o->len);
	}
	/* a lying sub-option length */
	{
		uint8_t *t = malloc(len);
		size_t at = (size_t)(m.opts[m.nopts - 1].val - b);

		memcpy(t, b, len);
		t[at + 1] = 40;
		assert_int_equal(cs_dhcp_decode(&m, t, len, NULL), 0);
		memset(&again, 0x5a, sizeof(again));
		assert_int_equal(cs_dhcp_get_relay_info(&m, &again), -EBADMSG);
		assert_int_equal(again.circuit_id_len, 0x5a);
		free(t);
	}
	free(b);
}

/* RFC 3396: instances of one code concatenate, even mid-address. */
static void
test_long_option_concat(void **state)
{
	struct cs_dhcp_msg m;
	uint8_t v[32];
	uint32_t dns[2];
	size_t len, n;
	uint8_t *b = load("ack_split_opt43.bin", &len);

	(void)state;
	assert_int_equal(cs_dhcp_decode(&m, b, len, NULL), 0);
	assert_int_equal(cs_dhcp_opt_len(&m, 43, &n), 0);
	assert_int_equal(n, 10);
	assert_int_equal(cs_dhcp_opt_get(&m, 43, v, sizeof(v), &n), 0);
	assert_bytes_equal(v, n, opt43_tlv, sizeof(opt43_tlv));
	assert_int_equal(cs_dhcp_get_ipv4_list(&m, 6, dns, 2, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(dns[0], IP(10, 10, 10, 2));
	free(b);
}

/* decode(encode(x)) == x for built client and server messages. */
static void
test_build_roundtrip(void **state)
{
	static const uint8_t prl[] = { 1, 3, 6, 15, 43, 138 };
	static const uint8_t relay[] = { 1, 3, 'a', 'p', '1' };
	static const uint8_t routers[] = { 10, 10, 10, 1 };
	static const uint8_t ac[] = { 10, 126, 126, 2, 10, 127, 127, 2 };
	static const enum cs_dhcp_type ctypes[] = { CS_DHCP_DISCOVER,
		CS_DHCP_REQUEST, CS_DHCP_DECLINE, CS_DHCP_RELEASE,
		CS_DHCP_INFORM };
	static const enum cs_dhcp_type stypes[] = { CS_DHCP_OFFER, CS_DHCP_ACK,
		CS_DHCP_NAK };
	uint8_t client_id[7] = { 1 };

	(void)state;
	memcpy(client_id + 1, ap_mac, 6);
	for (size_t i = 0; i < CS_ARRAY_SIZE(ctypes); i++) {
		struct cs_dhcp_client_params p = {
			.type = ctypes[i],
			.xid = 0x01020304u + (uint32_t)i,
			.mac = ap_mac,
			.hops = 1,
			.giaddr = IP(127, 0, 0, 1),
			.requested_ip = IP(10, 10, 10, 50),
			.server_id = IP(10, 10, 10, 1),
			.vendor_class = "Cisco AP c2700",
			.client_id = client_id,
			.client_id_len = sizeof(client_id),
			.prl = prl,
			.prl_len = sizeof(prl),
			.relay_info = relay,
			.relay_info_len = sizeof(relay),
		};
		struct cs_dhcp_server_params sp = {
			.type = stypes[i % 3],
			.yiaddr = IP(10, 10, 10, 50),
			.server_id = IP(10, 10, 10, 1),
			.lease_s = 3600,
			.subnet_mask = IP(255, 255, 255, 0),
			.routers = routers,
			.routers_len = sizeof(routers),
			.domain = "lab.example",
			.vendor = opt43_tlv,
			.vendor_len = sizeof(opt43_tlv),
			.capwap_ac = ac,
			.capwap_ac_len = sizeof(ac),
		};
		struct cs_dhcp_msg x, y, rep, rep2;
		enum cs_dhcp_type t;
		uint8_t out[600];
		char vci[32];
		struct cs_wr wr;
		uint32_t a;

		assert_int_equal(cs_dhcp_build_client(&x, &p), 0);
		cs_wr_init(&wr, out, sizeof(out));
		assert_int_equal(cs_dhcp_encode(&x, &wr), 0);
		assert_int_equal(wr.len, CS_DHCP_MIN_LEN);
		assert_int_equal(cs_dhcp_decode(&y, out, wr.len, NULL), 0);
		assert_msg_equal(&x, &y);
		assert_int_equal(cs_dhcp_get_type(&y, &t), 0);
		assert_int_equal(t, ctypes[i]);
		assert_int_equal(y.giaddr, IP(127, 0, 0, 1));
		assert_int_equal(
		    cs_dhcp_get_string(&y, 60, vci, sizeof(vci)), 0);
		assert_string_equal(vci, "Cisco AP c2700");
		assert_int_equal(y.opts[y.nopts - 1].code, 82);

		assert_int_equal(cs_dhcp_build_reply(&rep, &y, &sp), 0);
		cs_wr_init(&wr, out, sizeof(out));
		assert_int_equal(cs_dhcp_encode(&rep, &wr), 0);
		assert_int_equal(cs_dhcp_decode(&rep2, out, wr.len, NULL), 0);
		assert_msg_equal(&rep, &rep2);
		assert_int_equal(rep2.xid, p.xid);
		assert_int_equal(rep2.giaddr, IP(127, 0, 0, 1));
		assert_int_equal(cs_dhcp_get_type(&rep2, &t), 0);
		assert_int_equal(t, sp.type);
		if (sp.type == CS_DHCP_NAK) {
			assert_int_equal(rep2.yiaddr, 0);
			assert_int_equal(cs_dhcp_get_lease(&rep2, &a), -ENOENT);
		} else {
			assert_int_equal(rep2.yiaddr, IP(10, 10, 10, 50));
			assert_int_equal(cs_dhcp_get_lease(&rep2, &a), 0);
			assert_int_equal(a, 3600);
		}
	}
}

/* Values over 255 bytes are split into instances (RFC 3396 §7); built
 * overload round-trips; writer errors surface. */
static void
test_builder_edges(void **state)
{
	uint8_t big[300], out[700], got[300];
	struct cs_dhcp_msg m, d;
	struct cs_dhcp_client_params p = { .type = CS_DHCP_DISCOVER,
		.mac = ap_mac };
	struct cs_wr wr;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	assert_int_equal(cs_dhcp_init(&m, CS_DHCP_BOOTREPLY, 1, ap_mac), 0);
	assert_int_equal(
	    cs_dhcp_add_opt(&m, 43, big, sizeof(big), CS_DHCP_AREA_OPTIONS), 0);
	assert_int_equal(m.nopts, 2);
	assert_int_equal(m.opts[0].len, 255);
	assert_int_equal(m.opts[1].len, 45);
	cs_wr_init(&wr, out, sizeof(out));
	assert_int_equal(cs_dhcp_encode(&m, &wr), 0);
	assert_int_equal(cs_dhcp_decode(&d, out, wr.len, NULL), 0);
	assert_msg_equal(&m, &d);
	assert_int_equal(cs_dhcp_opt_get(&d, 43, got, sizeof(got), &n), 0);
	assert_bytes_equal(got, n, big, sizeof(big));

	/* overload built by hand */
	assert_int_equal(cs_dhcp_init(&m, CS_DHCP_BOOTREPLY, 2, ap_mac), 0);
	assert_int_equal(cs_dhcp_add_opt(&m, 43, opt43_tlv, sizeof(opt43_tlv),
	                     CS_DHCP_AREA_FILE),
	    -EINVAL); /* not before option 52 allows it */
	assert_int_equal(cs_dhcp_add_u8(&m, 52, 1), 0);
	assert_int_equal(cs_dhcp_add_opt(&m, 43, opt43_tlv, sizeof(opt43_tlv),
	                     CS_DHCP_AREA_FILE),
	    0);
	cs_wr_init(&wr, out, sizeof(out));
	assert_int_equal(cs_dhcp_encode(&m, &wr), 0);
	assert_int_equal(cs_dhcp_decode(&d, out, wr.len, NULL), 0);
	assert_msg_equal(&m, &d);
	assert_int_equal(d.overload, 1);

	/* too small a writer */
	cs_wr_init(&wr, out, 100);
	assert_int_equal(cs_dhcp_encode(&m, &wr), -ENOBUFS);
	assert_int_equal(wr.err, -ENOBUFS);
	/* overloaded field too small for its options */
	assert_int_equal(cs_dhcp_init(&m, CS_DHCP_BOOTREPLY, 2, ap_mac), 0);
	assert_int_equal(cs_dhcp_add_u8(&m, 52, 2), 0);
	assert_int_equal(
	    cs_dhcp_add_opt(&m, 43, big, 100, CS_DHCP_AREA_SNAME), 0);
	cs_wr_init(&wr, out, sizeof(out));
	assert_int_equal(cs_dhcp_encode(&m, &wr), -EMSGSIZE);

	/* argument checks */
	assert_int_equal(cs_dhcp_add_opt(&m, 0, big, 1, 0), -EINVAL);
	assert_int_equal(cs_dhcp_add_opt(&m, 255, big, 1, 0), -EINVAL);
	assert_int_equal(cs_dhcp_add_opt(&m, 12, NULL, 1, 0), -EINVAL);
	assert_int_equal(cs_dhcp_add_u8(&m, 52, 1), -EINVAL); /* 2nd 52 */
	assert_int_equal(cs_dhcp_init(NULL, 1, 0, NULL), -EINVAL);
	assert_int_equal(cs_dhcp_encode(NULL, &wr), -EINVAL);
	assert_int_equal(cs_dhcp_decode(NULL, out, 300, NULL), -EINVAL);
	assert_int_equal(cs_dhcp_build_client(&m, NULL), -EINVAL);
	p.type = CS_DHCP_OFFER;
	assert_int_equal(cs_dhcp_build_client(&m, &p), -EINVAL);
	assert_int_equal(cs_dhcp_build_reply(&m, &d, NULL), -EINVAL);

	/* instance cap in the builder, *m untouched on failure */
	assert_int_equal(cs_dhcp_init(&m, CS_DHCP_BOOTREPLY, 3, NULL), 0);
	for (int i = 0; i < CS_DHCP_MAX_OPTS; i++)
		assert_int_equal(cs_dhcp_add_u8(&m, 12, 1), 0);
	assert_int_equal(cs_dhcp_add_u8(&m, 12, 1), -E2BIG);
	assert_int_equal(m.nopts, CS_DHCP_MAX_OPTS);
}

static void
test_type_names(void **state)
{
	(void)state;
	assert_string_equal(
	    cs_dhcp_type_name(CS_DHCP_DISCOVER), "DHCPDISCOVER");
	assert_string_equal(cs_dhcp_type_name(CS_DHCP_INFORM), "DHCPINFORM");
	assert_string_equal(cs_dhcp_type_name(0), "unknown");
	assert_string_equal(cs_dhcp_type_name(9), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_roundtrip),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_overload),
		cmocka_unit_test(test_overload_errors),
		cmocka_unit_test(test_option_cap),
		cmocka_unit_test(test_accessors_offer),
		cmocka_unit_test(test_opt138_bad_length),
		cmocka_unit_test(test_discover_fields),
		cmocka_unit_test(test_relay_info),
		cmocka_unit_test(test_long_option_concat),
		cmocka_unit_test(test_build_roundtrip),
		cmocka_unit_test(test_builder_edges),
		cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests_name("dhcp", tests, NULL, NULL);
}
