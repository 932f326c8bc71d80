/* SPDX-License-Identifier: MIT */
/*
 * The one value grammar (capsim/values.h).  Strict on purpose: no
 * exponents, no locale, no implied units, so a typo is an error rather
 * than a surprising value.
 */
#include "capsim/values.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int __attribute__((format(printf, 4, 5)))
val_fail(struct cs_val_err *err, int code, size_t offset, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->offset = offset;
	va_start(ap, fmt);
	vsnprintf(err->why, sizeof(err->why), fmt, ap);
	va_end(ap);
	return code;
}

static bool
val_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * "DIGITS[.DIGITS]" at *sp: the integer part and the fraction as num/den
 * (den a power of ten up to 10^9; further digits must be 0).  Returns 0,
 * -EINVAL when no number is there, -ERANGE on overflow or too many
 * decimals.
 */
static int
val_decimal(const char **sp, uint64_t *ip, uint64_t *num, uint64_t *den)
{
	const char *s = *sp;
	uint64_t v = 0, n = 0, d = 1;

	if (!val_digit(*s))
		return -EINVAL;
	for (; val_digit(*s); s++) {
		unsigned x = (unsigned)(*s - '0');

		if (v > (UINT64_MAX - x) / 10)
			return -ERANGE;
		v = v * 10 + x;
	}
	if (*s == '.') {
		if (!val_digit(*++s))
			return -EINVAL;
		for (; val_digit(*s); s++) {
			if (d < 1000000000ull) {
				n = n * 10 + (uint64_t)(*s - '0');
				d *= 10;
			} else if (*s != '0') {
				return -ERANGE;
			}
		}
	}
	*sp = s;
	*ip = v;
	*num = n;
	*den = d;
	return 0;
}

static uint64_t
val_gcd(uint64_t a, uint64_t b)
{
	while (b != 0) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* ip + num/den times mult, exactly: -ERANGE on overflow of max, -EDOM
 * when the result is not whole. */
static int
val_scale(uint64_t ip, uint64_t num, uint64_t den, uint64_t mult, uint64_t max,
    uint64_t *out)
{
	uint64_t g = val_gcd(mult, den), m = mult / g, d = den / g;
	uint64_t frac;

	if (ip > max / mult)
		return -ERANGE;
	/* num < den, so num * m < den * m = lcm(den, mult): small */
	if ((num * m) % d != 0)
		return -EDOM;
	frac = num * m / d;
	if (ip * mult > max - frac)
		return -ERANGE;
	*out = ip * mult + frac;
	return 0;
}

/* ----- numbers ------------------------------------------------------- */

int
cs_val_number(
    const char *s, unsigned flags, double *out, struct cs_val_err *err)
{
	const char *p = s;
	uint64_t ip, num, den;
	bool neg = false;
	double v;
	int r;

	if (s == NULL || out == NULL)
		return val_fail(err, -EINVAL, 0, "no value");
	if (*p == '-' && (flags & CS_VAL_NEG)) {
		neg = true;
		p++;
	}
	if ((r = val_decimal(&p, &ip, &num, &den)) == -ERANGE)
		return val_fail(
		    err, -ERANGE, 0, "too large or more than 9 decimals");
	if (r < 0 || *p != '\0')
		return val_fail(
		    err, -EINVAL, (size_t)(p - s), "expected a number");
	v = (double)ip + (double)num / (double)den;
	*out = neg ? -v : v;
	return 0;
}

int
cs_val_uint(const char *s, uint64_t max, uint64_t *out, struct cs_val_err *err)
{
	const char *p = s;
	uint64_t v = 0;

	if (s == NULL || out == NULL)
		return val_fail(err, -EINVAL, 0, "no value");
	if (!val_digit(*p))
		return val_fail(err, -EINVAL, 0, "expected a whole number");
	for (; val_digit(*p); p++) {
		unsigned x = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - x) / 10)
			return val_fail(err, -ERANGE, 0, "too large");
		v = v * 10 + x;
	}
	if (*p != '\0')
		return val_fail(
		    err, -EINVAL, (size_t)(p - s), "expected a whole number");
	if (v > max)
		return val_fail(err, -ERANGE, 0, "too large");
	*out = v;
	return 0;
}

int
cs_val_dotted4(const char *s, uint8_t out[4], struct cs_val_err *err)
{
	const char *p = s;
	uint8_t b[4];

	if (s == NULL || out == NULL)
		return val_fail(err, -EINVAL, 0, "no value");
	for (int i = 0; i < 4; i++) {
		unsigned v = 0, nd = 0;

		for (; val_digit(*p) && nd < 4; p++, nd++)
			v = v * 10 + (unsigned)(*p - '0');
		/* no leading zeros: "010" would be octal to inet_aton() */
		if (nd == 0 || nd > 3 || v > 255 ||
		    (nd > 1 && p[-(int)nd] == '0') ||
		    *p != (i < 3 ? '.' : '\0'))
			return val_fail(err, -EINVAL, (size_t)(p - s),
			    "expected four numbers 0-255 such as 192.0.2.1");
		b[i] = (uint8_t)v;
		p++;
	}
	memcpy(out, b, 4);
	return 0;
}

/* ----- durations ----------------------------------------------------- */

static const struct {
	const char *unit;
	uint64_t us;
} dur_units[] = {
	{ "us", 1 },
	{ "ms", 1000 },
	{ "s", 1000000 },
	{ "m", 60000000 },
	{ "h", 3600000000ull },
	{ "d", 86400000000ull },
};

#define DUR_MAX_US (((uint64_t)1 << 53) * 1000) /* 2^53 ms */

int
cs_val_duration_us(
    const char *s, unsigned flags, int64_t *us, struct cs_val_err *err)
{
	const char *p = s;
	uint64_t total = 0;
	bool neg = false;

	if (s == NULL || us == NULL)
		return val_fail(err, -EINVAL, 0, "no value");
	if (*p == '\0')
		return val_fail(err, -EINVAL, 0,
		    "empty; expected a duration such as 250ms, 1.5s or 1m30s");
	if (*p == '-') {
		if (!(flags & CS_VAL_NEG))
			return val_fail(
			    err, -EINVAL, 0, "must not be negative");
		neg = true;
		p++;
	} else if (*p == '+') {
		p++;
	}
	do {
		const char *at = p, *u;
		uint64_t ip, num, den, part = 0, mult = 0;
		size_t best = 0;
		int r;

		if ((r = val_decimal(&p, &ip, &num, &den)) == -ERANGE)
			return val_fail(err, -ERANGE, (size_t)(at - s),
			    "too large or too precise");
		if (r < 0)
			return val_fail(err, -EINVAL, (size_t)(at - s),
			    "expected a duration such as 250ms, 1.5s "
			    "or 1m30s");
		for (size_t i = 0; i < CS_ARRAY_SIZE(dur_units); i++) {
			size_t n = strlen(dur_units[i].unit);

			if (n > best && strncmp(p, dur_units[i].unit, n) == 0 &&
			    (p[n] == '\0' || val_digit(p[n]))) {
				best = n;
				mult = dur_units[i].us;
			}
		}
		if (best == 0 && *p == '\0')
			return val_fail(err, -EINVAL, (size_t)(p - s),
			    "add a unit (%.*sms or %.*ss)", (int)(p - at), at,
			    (int)(p - at), at);
		if (best == 0) {
			for (u = p; *u != '\0' && !val_digit(*u); u++)
				;
			return val_fail(err, -EINVAL, (size_t)(p - s),
			    "unknown unit '%.*s' (use us, ms, s, m, h "
			    "or d)",
			    (int)(u - p < 8 ? u - p : 8), p);
		}
		r = val_scale(ip, num, den, mult, DUR_MAX_US - total, &part);
		if (r == -EDOM)
			return val_fail(err, -EINVAL, (size_t)(at - s),
			    "finer than a microsecond");
		if (r < 0)
			return val_fail(err, -ERANGE, (size_t)(at - s),
			    "too large (at most 2^53 ms)");
		total += part;
		p += best;
	} while (*p != '\0');
	*us = neg ? -(int64_t)total : (int64_t)total;
	return 0;
}

int
cs_val_duration_ms(
    const char *s, unsigned flags, int64_t *ms, struct cs_val_err *err)
{
	int64_t us;
	int r;

	if (ms == NULL)
		return val_fail(err, -EINVAL, 0, "no value");
	if ((r = cs_val_duration_us(s, flags, &us, err)) < 0)
		return r;
	if (us % 1000 != 0)
		return val_fail(err, -EINVAL, 0,
		    "finer than a millisecond (this value counts whole "
		    "ms)");
	*ms = us / 1000;
	return 0;
}

int
cs_val_ms(const char *s, uint64_t *ms, struct cs_val_err *err)
{
	int64_t v = 0; /* set on success; gcc -O2 cannot follow */
	int r;

	if (ms == NULL)
		return val_fail(err, -EINVAL, 0, "no value");
	if ((r = cs_val_duration_ms(s, 0, &v, err)) < 0)
		return r;
	*ms = (uint64_t)v;
	return 0;
}

/* ----- sizes --------------------------------------------------------- */

int
cs_val_size(const char *s, uint64_t *bytes, struct cs_val_err *err)
{
	const char *p = s;
	uint64_t ip, num, den, mult = 1, v;
	int r;

	if (s == NULL || bytes == NULL)
		return val_fail(err, -EINVAL, 0, "no value");
	if ((r = val_decimal(&p, &ip, &num, &den)) == -ERANGE)
		return val_fail(err, -ERANGE, 0, "too large");
	if (r < 0)
		return val_fail(err, -EINVAL, 0,
		    "expected a size such as 1500, 64k or 1.5M");
	if (strcmp(p, "k") == 0 || strcmp(p, "K") == 0)
		mult = 1024;
	else if (strcmp(p, "M") == 0)
		mult = 1024 * 1024;
	else if (*p != '\0' && strcmp(p, "B") != 0)
		return val_fail(err, -EINVAL, (size_t)(p - s),
		    "unknown size unit '%.8s' (use B, k, K or M)", p);
	r = val_scale(ip, num, den, mult, UINT64_MAX, &v);
	if (r == -EDOM)
		return val_fail(err, -EINVAL, 0, "not a whole number of bytes");
	if (r < 0)
		return val_fail(err, -ERANGE, 0, "too large");
	*bytes = v;
	return 0;
}

/* ----- hex ----------------------------------------------------------- */

int
cs_val_hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool
val_hex_sep(char c)
{
	return c == ' ' || c == '\t' || c == ':' || c == '-' || c == '.' ||
	    c == ',';
}

int
cs_val_hex(const char *s, size_t len, unsigned flags, uint8_t *out, size_t cap,
    size_t *n, struct cs_val_err *err)
{
	size_t i = 0, k = 0;

	if ((s == NULL && len > 0) || (out == NULL && cap > 0) || n == NULL)
		return val_fail(err, -EINVAL, 0, "no value");
	while (i < len) {
		int hi, lo;

		if ((flags & CS_VAL_HEX_SEP) && val_hex_sep(s[i])) {
			i++;
			continue;
		}
		if ((hi = cs_val_hexdigit((unsigned char)s[i])) < 0)
			return val_fail(err, -EINVAL, i,
			    "not a hex digit at character %zu", i + 1);
		if (i + 1 == len)
			return val_fail(err, -EINVAL, i,
			    "odd number of hex digits (the last byte has one "
			    "digit)");
		if ((lo = cs_val_hexdigit((unsigned char)s[i + 1])) < 0)
			return val_fail(err, -EINVAL, i + 1,
			    "%s at character %zu",
			    (flags & CS_VAL_HEX_SEP) && val_hex_sep(s[i + 1])
			        ? "a byte needs two hex digits"
			        : "not a hex digit",
			    i + 2);
		if (k == cap)
			return val_fail(
			    err, -EMSGSIZE, i, "more than %zu bytes", cap);
		out[k++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	*n = k;
	return 0;
}

/* ----- MACs ---------------------------------------------------------- */

/* Exactly the MAC forms; no message. */
static bool
val_mac_exact(const char *s, size_t len, uint8_t mac[6])
{
	uint8_t m[6];
	size_t nd = 0;
	char sep = 0;
	int group; /* hex digits between separators */

	if (len == 17) {
		sep = s[2];
		group = 2;
		if (sep != ':' && sep != '-')
			return false;
	} else if (len == 14) {
		sep = '.';
		group = 4;
	} else if (len == 12) {
		group = 12;
	} else {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		int v;

		if (sep != 0 && i % (size_t)(group + 1) == (size_t)group) {
			if (s[i] != sep)
				return false;
			continue;
		}
		if ((v = cs_val_hexdigit((unsigned char)s[i])) < 0)
			return false;
		if (nd % 2 == 0)
			m[nd / 2] = (uint8_t)(v << 4);
		else
			m[nd / 2] |= (uint8_t)v;
		nd++;
	}
	if (nd != 12)
		return false;
	memcpy(mac, m, 6);
	return true;
}

int
cs_val_mac(const char *s, uint8_t mac[6], struct cs_val_err *err)
{
	size_t len, i;

	if (s == NULL || mac == NULL)
		return val_fail(err, -EINVAL, 0, "no value");
	len = strlen(s);
	if (val_mac_exact(s, len, mac))
		return 0;
	for (i = 0; i < len &&
	     (cs_val_hexdigit((unsigned char)s[i]) >= 0 || s[i] == ':' ||
	         s[i] == '-' || s[i] == '.');
	     i++)
		;
	return val_fail(err, -EINVAL, i < len ? i : 0,
	    "expected a MAC such as 00:11:22:33:44:55, "
	    "00-11-22-33-44-55, 0011.2233.4455 or 001122334455");
}

int
cs_val_mac_cn(const char *cn, uint8_t mac[6], struct cs_val_err *err)
{
	const char *dash;
	size_t len;

	if (cn == NULL || mac == NULL)
		return val_fail(err, -EINVAL, 0, "no value");
	len = strlen(cn);
	if (val_mac_exact(cn, len, mac))
		return 0;
	/* MODEL-001122334455, MODEL-0011.2233.4455 */
	if ((dash = strrchr(cn, '-')) != NULL &&
	    val_mac_exact(dash + 1, strlen(dash + 1), mac))
		return 0;
	/* MODEL-00-11-22-33-44-55 or MODEL-00:11:22:33:44:55 */
	if (len > 18 && cn[len - 18] == '-' &&
	    val_mac_exact(cn + len - 17, 17, mac))
		return 0;
	return val_fail(err, -EINVAL, 0,
	    "holds no MAC (expected the MAC, or MODEL-MAC such as "
	    "C9120-001122334455)");
}

void
cs_val_mac_str(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
	    mac[2], mac[3], mac[4], mac[5]);
}

/* ----- AP selections ------------------------------------------------- */

int
cs_val_percent(const char *s, double *frac, struct cs_val_err *err)
{
	const char *p = s;
	uint64_t ip, num, den;

	if (s == NULL || frac == NULL)
		return val_fail(err, -EINVAL, 0, "no value");
	if (val_decimal(&p, &ip, &num, &den) < 0 || p[0] != '%' || p[1] != '\0')
		return val_fail(err, -EINVAL, (size_t)(p - s),
		    "expected a percentage such as 50%% or 0.5%%");
	if (ip > 100 || (ip == 100 && num != 0))
		return val_fail(
		    err, -ERANGE, 0, "must be between 0%% and 100%%");
	*frac = ((double)ip + (double)num / (double)den) / 100.0;
	return 0;
}

uint64_t
cs_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

double
cs_apsel_draw(uint64_t seed, unsigned ap)
{
	return (double)(cs_mix64(seed ^ cs_mix64(ap)) >> 11) * 0x1p-53;
}

bool
cs_apsel_match(
    const struct cs_apsel *sel, unsigned ap, const uint8_t *mac, uint64_t seed)
{
	bool known = ap != CS_APSEL_NO_AP;

	if (sel == NULL)
		return false;
	if (sel->n_ranges > 0) {
		bool in = false;

		for (size_t i = 0; known && i < sel->n_ranges && !in; i++)
			in = ap >= sel->ranges[i].lo && ap <= sel->ranges[i].hi;
		if (!in)
			return false;
	}
	if (sel->n_macs > 0) {
		bool in = false;

		for (size_t i = 0; mac != NULL && i < sel->n_macs && !in; i++)
			in = memcmp(sel->macs[i], mac, 6) == 0;
		if (!in)
			return false;
	}
	if (sel->every > 0 && (!known || ap % sel->every != 0))
		return false;
	if (sel->has_share &&
	    (!known || !(cs_apsel_draw(seed, ap) < sel->share)))
		return false;
	return true;
}

/* An AP index at *sp. */
static int
val_ap_index(const char **sp, uint64_t *v)
{
	uint64_t ip, num, den;
	const char *s = *sp;
	int r;

	if ((r = val_decimal(&s, &ip, &num, &den)) < 0)
		return r;
	if (den != 1 || ip >= CS_APSEL_NO_AP)
		return -ERANGE;
	*sp = s;
	*v = ip;
	return 0;
}

int
cs_val_ap_ranges(const char *s, unsigned ap_count, struct cs_apsel *sel,
    struct cs_val_err *err)
{
	const char *p = s;
	struct cs_apsel t;

	if (s == NULL || sel == NULL)
		return val_fail(err, -EINVAL, 0, "no value");
	t = *sel;
	t.n_ranges = 0;
	for (;;) {
		const char *at;
		uint64_t lo, hi;

		while (*p == ' ')
			p++;
		at = p;
		if (val_ap_index(&p, &lo) < 0)
			goto bad;
		hi = lo;
		if (*p == '-') {
			p++;
			if (val_ap_index(&p, &hi) < 0)
				goto bad;
		}
		if (hi < lo)
			return val_fail(err, -EINVAL, (size_t)(at - s),
			    "range %llu-%llu runs backwards",
			    (unsigned long long)lo, (unsigned long long)hi);
		if (ap_count > 0 && hi >= ap_count)
			return val_fail(err, -ERANGE, (size_t)(at - s),
			    "AP index %llu beyond the %u APs (indexes 0-%u)",
			    (unsigned long long)hi, ap_count, ap_count - 1);
		if (t.n_ranges == CS_APSEL_MAX_RANGES)
			return val_fail(err, -E2BIG, (size_t)(at - s),
			    "more than %d ranges", CS_APSEL_MAX_RANGES);
		t.ranges[t.n_ranges].lo = (unsigned)lo;
		t.ranges[t.n_ranges].hi = (unsigned)hi;
		t.n_ranges++;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		if (*p != ',')
			goto bad;
		p++;
	}
	*sel = t;
	return 0;
bad:
	return val_fail(err, -EINVAL, (size_t)(p - s),
	    "expected AP index ranges such as 0-9,20,30-39 (0-based)");
}

/* ----- AP identity --------------------------------------------------- */

int
cs_ap_id_mac(const uint8_t base[6], unsigned idx, uint8_t mac[6])
{
	uint64_t m = 0;

	for (int i = 0; i < 6; i++)
		m = m << 8 | base[i];
	if (m + idx > 0xffffffffffffull)
		return -ERANGE;
	m += idx;
	for (int i = 5; i >= 0; i--, m >>= 8)
		mac[i] = (uint8_t)m;
	return 0;
}

void
cs_ap_id_name(const char *prefix, unsigned idx, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%05u",
	    prefix != NULL ? prefix : CS_AP_NAME_PREFIX, idx + 1);
}

bool
cs_val_next_line(const char *text, size_t len, size_t *pos, size_t *lineno,
    size_t *start, size_t *end)
{
	while (*pos < len) {
		const char *nl = memchr(text + *pos, '\n', len - *pos);
		size_t e = nl != NULL ? (size_t)(nl - text) : len;
		size_t s = *pos;

		(*lineno)++;
		*pos = nl != NULL ? e + 1 : len;
		while (s < e && (text[s] == ' ' || text[s] == '\t'))
			s++;
		while (e > s &&
		    (text[e - 1] == '\r' || text[e - 1] == ' ' ||
		        text[e - 1] == '\t'))
			e--;
		if (s == e || text[s] == '#')
			continue;
		*start = s;
		*end = e;
		return true;
	}
	return false;
}
