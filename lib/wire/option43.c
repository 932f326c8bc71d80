/* SPDX-License-Identifier: MIT */
/*
 * DHCP option 43, Cisco forms.  The TLV form (sub-option 0xF1, value =
 * WLC management addresses back to back) is what Cisco AP install guides
 * give for current models; Aironet 1000/1500 expect a comma-separated
 * string instead.  The text parser accepts what engineers paste from
 * configs and captures, and says exactly what is wrong and where.
 */
#include "capsim/option43.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "capsim/cursor.h"
#include "capsim/values.h"

static const char *const opt43_text_names[] = {
	[CS_OPT43_TEXT_NONE] = "binary",
	[CS_OPT43_TEXT_HEX] = "hex",
	[CS_OPT43_TEXT_COLON] = "colon-separated hex",
	[CS_OPT43_TEXT_0X] = "0x-prefixed hex bytes",
	[CS_OPT43_TEXT_IOS_DOTTED] = "IOS dotted hex",
	[CS_OPT43_TEXT_IOS_HEX] = "IOS 'option 43 hex' line",
	[CS_OPT43_TEXT_ISC] = "ISC 'vendor-encapsulated-options' line",
	[CS_OPT43_TEXT_ASCII] = "ASCII comma list",
	[CS_OPT43_TEXT_IOS_ASCII] = "IOS 'option 43 ascii' line",
};
_Static_assert(CS_ARRAY_SIZE(opt43_text_names) == CS_OPT43_TEXT__COUNT,
    "opt43_text_names[] out of sync with enum cs_opt43_text");

static const char *const opt43_form_names[] = {
	[CS_OPT43_FORM_TLV] = "TLV (sub-option 0xf1)",
	[CS_OPT43_FORM_ASCII] = "ASCII (comma-separated)",
};
_Static_assert(CS_ARRAY_SIZE(opt43_form_names) == CS_OPT43_FORM__COUNT,
    "opt43_form_names[] out of sync with enum cs_opt43_form");

const char *
cs_opt43_text_name(enum cs_opt43_text t)
{
	if ((unsigned)t >= CS_OPT43_TEXT__COUNT)
		return "unknown";
	return opt43_text_names[t];
}

const char *
cs_opt43_form_name(enum cs_opt43_form f)
{
	if ((unsigned)f >= CS_OPT43_FORM__COUNT)
		return "unknown";
	return opt43_form_names[f];
}

static int opt43_fail(struct cs_opt43_err *err, int code, bool in_text,
    size_t offset, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int
opt43_fail(struct cs_opt43_err *err, int code, bool in_text, size_t offset,
    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	err->in_text = in_text;
	err->offset = offset;
	va_start(ap, fmt);
	vsnprintf(err->what, sizeof(err->what), fmt, ap);
	va_end(ap);
	return code;
}

static bool
opt43_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool
opt43_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

int
cs_opt43_parse_ipv4(const char *s, size_t len, uint32_t *addr)
{
	char buf[16];
	uint8_t b[4];

	if (s == NULL || addr == NULL || len >= sizeof(buf) ||
	    memchr(s, '\0', len) != NULL)
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (cs_val_dotted4(buf, b, NULL) < 0)
		return -EINVAL;
	*addr = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	return 0;
}

int
cs_opt43_decode_tlv(const uint8_t *p, size_t len, struct cs_opt43 *out,
    struct cs_opt43_err *err)
{
	struct cs_opt43 t;
	struct cs_rd rd;
	unsigned ntlv = 0;

	if ((p == NULL && len > 0) || out == NULL)
		return opt43_fail(err, -EINVAL, false, 0, "invalid argument");
	if (len == 0)
		return opt43_fail(err, -EBADMSG, false, 0, "empty option 43");
	if (len > CS_OPT43_MAX_LEN)
		return opt43_fail(err, -EMSGSIZE, false, CS_OPT43_MAX_LEN,
		    "option 43 is %zu bytes, more than %d", len,
		    CS_OPT43_MAX_LEN);
	memset(&t, 0, sizeof(t));
	t.form = CS_OPT43_FORM_TLV;
	cs_rd_init(&rd, p, len);
	while (rd.left > 0) {
		size_t off = cs_rd_off(&rd);
		uint8_t type, vlen;
		bool padding = true;

		/* Pad (0x00) or end (0xff) bytes after a good TLV are a
		 * common copy-paste leftover; name them as such. */
		for (size_t i = 0; i < rd.left; i++)
			if (rd.p[i] != 0x00 && rd.p[i] != 0xff)
				padding = false;
		if (ntlv > 0 && padding)
			return opt43_fail(err, -EBADMSG, false, off,
			    "%zu trailing byte%s after the last sub-option",
			    rd.left, rd.left == 1 ? "" : "s");
		(void)cs_rd_u8(&rd, &type);
		if (type != CS_OPT43_TYPE_CISCO)
			return opt43_fail(err, -ENOTSUP, false, off,
			    "unsupported sub-option type 0x%02x (only 0xf1, "
			    "the controller IPv4 list, is supported)",
			    type);
		if (cs_rd_u8(&rd, &vlen) < 0)
			return opt43_fail(err, -EBADMSG, false, off,
			    "sub-option 0xf1 truncated: length byte missing");
		if (vlen == 0)
			return opt43_fail(err, -EBADMSG, false, off + 1,
			    "sub-option length 0: no controller address");
		if (vlen % 4 != 0)
			return opt43_fail(err, -EBADMSG, false, off + 1,
			    "sub-option length %u is not a multiple of 4",
			    vlen);
		if (vlen > rd.left)
			return opt43_fail(err, -EBADMSG, false, off + 1,
			    "sub-option length %u beyond data (%zu byte%s "
			    "available)",
			    vlen, rd.left, rd.left == 1 ? "" : "s");
		for (unsigned i = 0; i < vlen / 4u; i++) {
			uint32_t a;

			if (t.n >= CS_OPT43_MAX_CTRL)
				return opt43_fail(err, -E2BIG, false,
				    cs_rd_off(&rd), "more than %d controllers",
				    CS_OPT43_MAX_CTRL);
			(void)cs_rd_u32(&rd, &a);
			t.ctrl[t.n++] = a;
		}
		ntlv++;
	}
	memcpy(t.data, p, len);
	t.len = len;
	*out = t;
	return 0;
}

/* ASCII list, with `base` added to offsets and `in_text` telling whether
 * they count characters of pasted text or bytes of an option value. */
static int
opt43_ascii(const uint8_t *p, size_t len, size_t base, bool in_text,
    struct cs_opt43 *out, struct cs_opt43_err *err)
{
	struct cs_opt43 t;
	size_t i = 0, vlen = len;

	while (vlen > 0 && p[vlen - 1] == 0) /* some servers add a NUL */
		vlen--;
	if (vlen > CS_OPT43_MAX_LEN)
		return opt43_fail(err, -EMSGSIZE, in_text,
		    base + CS_OPT43_MAX_LEN,
		    "option 43 is %zu bytes, more than %d", vlen,
		    CS_OPT43_MAX_LEN);
	memset(&t, 0, sizeof(t));
	t.form = CS_OPT43_FORM_ASCII;
	for (;;) {
		size_t s, e;
		uint32_t a;

		while (i < vlen && opt43_is_space(p[i]))
			i++;
		s = i;
		while (i < vlen && p[i] != ',')
			i++;
		e = i;
		while (e > s && opt43_is_space(p[e - 1]))
			e--;
		if (e == s) {
			if (vlen == 0 || (s == vlen && t.n == 0))
				return opt43_fail(err, -EBADMSG, in_text, base,
				    "empty controller list");
			return opt43_fail(err, -EBADMSG, in_text, base + s,
			    "empty address in comma list");
		}
		if (cs_opt43_parse_ipv4((const char *)p + s, e - s, &a) < 0) {
			size_t show = e - s > 40 ? 40 : e - s;

			return opt43_fail(err, -EBADMSG, in_text, base + s,
			    "bad IPv4 address '%.*s%s'", (int)show,
			    (const char *)p + s, e - s > show ? "..." : "");
		}
		if (t.n >= CS_OPT43_MAX_CTRL)
			return opt43_fail(err, -E2BIG, in_text, base + s,
			    "more than %d controllers", CS_OPT43_MAX_CTRL);
		t.ctrl[t.n++] = a;
		if (i >= vlen)
			break;
		i++; /* the comma */
	}
	memcpy(t.data, p, vlen);
	t.len = vlen;
	*out = t;
	return 0;
}

int
cs_opt43_decode_ascii(const uint8_t *p, size_t len, struct cs_opt43 *out,
    struct cs_opt43_err *err)
{
	if ((p == NULL && len > 0) || out == NULL)
		return opt43_fail(err, -EINVAL, false, 0, "invalid argument");
	return opt43_ascii(p, len, 0, false, out, err);
}

int
cs_opt43_decode(const uint8_t *p, size_t len, struct cs_opt43 *out,
    struct cs_opt43_err *err)
{
	if ((p == NULL && len > 0) || out == NULL)
		return opt43_fail(err, -EINVAL, false, 0, "invalid argument");
	if (len > 0 && opt43_is_digit(p[0]))
		return opt43_ascii(p, len, 0, false, out, err);
	return cs_opt43_decode_tlv(p, len, out, err);
}

/* Case-insensitive keyword at s[i..], followed by space or end. */
static bool
opt43_word(const char *s, size_t i, size_t end, const char *w)
{
	size_t n = strlen(w);

	if (end - i < n)
		return false;
	for (size_t k = 0; k < n; k++) {
		int c = (unsigned char)s[i + k];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != w[k])
			return false;
	}
	return i + n == end || opt43_is_space(s[i + n]);
}

static size_t
opt43_skip_space(const char *s, size_t i, size_t end)
{
	while (i < end && opt43_is_space(s[i]))
		i++;
	return i;
}

/* True when s[i..end) reads as a dotted-decimal list: only digits, dots,
 * commas and spaces, and no run of 4+ digits (IOS dotted hex groups are
 * 4 hex digits). */
static bool
opt43_looks_ascii(const char *s, size_t i, size_t end)
{
	unsigned run = 0;

	for (; i < end; i++) {
		int c = (unsigned char)s[i];

		if (opt43_is_digit(c)) {
			if (++run >= 4)
				return false;
			continue;
		}
		run = 0;
		if (c != '.' && c != ',' && !opt43_is_space(c))
			return false;
	}
	return true;
}

/* Hex digits with separators (space : . - ,) and optional 0x prefixes
 * ("," for PowerShell's 0xF1,0x08,...). */
static int
opt43_hex(const char *s, size_t i, size_t end, enum cs_opt43_text *form,
    uint8_t *buf, size_t *blen, struct cs_opt43_err *err)
{
	bool has_0x = false, has_colon = false, has_dot = false;
	size_t nd = 0, last = i;
	bool tok_start = true;

	for (; i < end; i++) {
		int c = (unsigned char)s[i], v;

		if (opt43_is_space(c) || c == ':' || c == '.' || c == '-' ||
		    c == ',') {
			has_colon |= c == ':';
			has_dot |= c == '.';
			tok_start = true;
			continue;
		}
		if (tok_start && c == '0' && i + 1 < end &&
		    (s[i + 1] == 'x' || s[i + 1] == 'X')) {
			has_0x = true;
			i++;
			tok_start = false;
			continue;
		}
		tok_start = false;
		if ((v = cs_val_hexdigit(c)) < 0) {
			if (c > 0x20 && c < 0x7f)
				return opt43_fail(err, -EBADMSG, true, i,
				    "non-hex character '%c'", c);
			return opt43_fail(err, -EBADMSG, true, i,
			    "non-hex character 0x%02x", (unsigned)c);
		}
		if (nd / 2 >= CS_OPT43_MAX_LEN)
			return opt43_fail(err, -EMSGSIZE, true, i,
			    "more than %d bytes of hex", CS_OPT43_MAX_LEN);
		if (nd % 2 == 0)
			buf[nd / 2] = (uint8_t)(v << 4);
		else
			buf[nd / 2] |= (uint8_t)v;
		nd++;
		last = i;
	}
	if (nd == 0)
		return opt43_fail(err, -EBADMSG, true, end, "no hex digits");
	if (nd % 2 != 0)
		return opt43_fail(err, -EBADMSG, true, last,
		    "odd number of hex digits (%zu)", nd);
	*blen = nd / 2;
	if (*form == CS_OPT43_TEXT_NONE)
		*form = has_0x  ? CS_OPT43_TEXT_0X
		    : has_colon ? CS_OPT43_TEXT_COLON
		    : has_dot   ? CS_OPT43_TEXT_IOS_DOTTED
		                : CS_OPT43_TEXT_HEX;
	return 0;
}

int
cs_opt43_parse_text(
    const char *text, struct cs_opt43 *out, struct cs_opt43_err *err)
{
	enum cs_opt43_text form = CS_OPT43_TEXT_NONE;
	struct cs_opt43 t;
	uint8_t buf[CS_OPT43_MAX_LEN];
	size_t i, end, blen = 0;
	bool ascii = false;
	int r;

	if (text == NULL || out == NULL)
		return opt43_fail(err, -EINVAL, true, 0, "invalid argument");
	end = strlen(text);
	while (end > 0 && opt43_is_space(text[end - 1]))
		end--;
	i = opt43_skip_space(text, 0, end);
	if (i == end)
		return opt43_fail(err, -EBADMSG, true, 0, "empty input");
	if (opt43_word(text, i, end, "option")) {
		i = opt43_skip_space(text, i + 6, end);
		if (opt43_word(text, i, end, "vendor-encapsulated-options")) {
			/* ISC dhcpd: option vendor-encapsulated-options
			 * f1:08:...; */
			i = opt43_skip_space(text, i + 27, end);
			if (end > i && text[end - 1] == ';')
				end--;
			form = CS_OPT43_TEXT_ISC;
		} else if (!opt43_word(text, i, end, "43")) {
			return opt43_fail(err, -EBADMSG, true, i,
			    "expected '43' or 'vendor-encapsulated-options' "
			    "after 'option'");
		} else {
			i = opt43_skip_space(text, i + 2, end);
			if (opt43_word(text, i, end, "hex")) {
				i = opt43_skip_space(text, i + 3, end);
				form = CS_OPT43_TEXT_IOS_HEX;
			} else if (opt43_word(text, i, end, "ascii")) {
				i = opt43_skip_space(text, i + 5, end);
				form = CS_OPT43_TEXT_IOS_ASCII;
				ascii = true;
			} else
				return opt43_fail(err, -EBADMSG, true, i,
				    "expected 'hex' or 'ascii' after "
				    "'option 43'");
		}
		if (i == end)
			return opt43_fail(err, -EBADMSG, true, i,
			    "nothing after the option keyword");
	} else if (opt43_looks_ascii(text, i, end)) {
		form = CS_OPT43_TEXT_ASCII;
		ascii = true;
	}
	if (ascii) {
		if (text[i] == '"') {
			if (end - i < 2 || text[end - 1] != '"')
				return opt43_fail(err, -EBADMSG, true, end,
				    "missing closing quote");
			i++;
			end--;
		}
		r = opt43_ascii(
		    (const uint8_t *)text + i, end - i, i, true, &t, err);
		if (r < 0)
			return r;
	} else {
		if ((r = opt43_hex(text, i, end, &form, buf, &blen, err)) < 0)
			return r;
		if ((r = cs_opt43_decode_tlv(buf, blen, &t, err)) < 0)
			return r;
	}
	t.text = form;
	*out = t;
	return 0;
}

int
cs_opt43_encode_tlv(const uint32_t *ctrl, size_t n, struct cs_wr *wr)
{
	if (ctrl == NULL || wr == NULL || n == 0)
		return -EINVAL;
	if (n > CS_OPT43_MAX_CTRL)
		return -E2BIG;
	cs_wr_u8(wr, CS_OPT43_TYPE_CISCO);
	cs_wr_u8(wr, (uint8_t)(4 * n));
	for (size_t i = 0; i < n; i++)
		cs_wr_u32(wr, ctrl[i]);
	return wr->err;
}

int
cs_opt43_encode_ascii(const uint32_t *ctrl, size_t n, struct cs_wr *wr)
{
	char tmp[CS_OPT43_MAX_CTRL * 16 + 1];
	size_t len = 0;

	if (ctrl == NULL || wr == NULL || n == 0)
		return -EINVAL;
	if (n > CS_OPT43_MAX_CTRL)
		return -EMSGSIZE;
	for (size_t i = 0; i < n; i++) {
		uint32_t a = ctrl[i];

		len += (size_t)snprintf(tmp + len, sizeof(tmp) - len,
		    "%s%u.%u.%u.%u", i > 0 ? "," : "", a >> 24,
		    (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
	}
	if (len > CS_OPT43_MAX_LEN)
		return -EMSGSIZE;
	cs_wr_bytes(wr, tmp, len);
	return wr->err;
}
