/* SPDX-License-Identifier: MIT */
/*
 * Scalar grammars of scenario files: percentages, rates, numbers and
 * IPv4 addresses, with short reasons for the error text, plus the
 * per-thread error buffer and "did you mean".  Durations and MACs are
 * the values module's (capsim/values.h), the same grammar as the
 * command line and --rule.  Strict on purpose: no exponents, no hex, no
 * locale, so a typo is an error rather than a surprising value.
 */
#include "scenario-internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capsim/values.h"

static _Thread_local char scn_err_text[SCN_ERRBUF_LEN];

char *
scn_errbuf(void)
{
	return scn_err_text;
}

int
scn_err_fmt(struct cs_err *err, int code, size_t offset, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(scn_err_text, sizeof(scn_err_text), fmt, ap);
	va_end(ap);
	if (err != NULL) {
		err->code = code;
		err->what = scn_err_text;
		err->offset = offset;
	}
	return code;
}

/* A values module result: its reason kept (per thread) for the caller's
 * message, and -EINVAL as the scn_parse_* functions promise. */
static int
scn_val(int r, const struct cs_val_err *e, const char **why)
{
	static _Thread_local char text[CS_VAL_WHY_LEN];

	if (r >= 0)
		return 0;
	memcpy(text, e->why, sizeof(text));
	*why = text;
	return -EINVAL;
}

int
scn_parse_duration(
    const char *s, bool allow_neg, int64_t *out, const char **why)
{
	struct cs_val_err e;

	return scn_val(
	    cs_val_duration_ms(s, allow_neg ? CS_VAL_NEG : 0, out, &e), &e,
	    why);
}

int
scn_parse_number(const char *s, double *out, const char **why)
{
	struct cs_val_err e;

	return scn_val(cs_val_number(s, CS_VAL_NEG, out, &e), &e, why);
}

int
scn_parse_percent(const char *s, double *out, const char **why)
{
	struct cs_val_err e;

	return scn_val(cs_val_percent(s, out, &e), &e, why);
}

int
scn_parse_rate(const char *s, double *out, const char **why)
{
	const char *slash = strchr(s, '/');
	char buf[64];
	double v, per;
	size_t n;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(buf)) {
		*why = "expected a rate such as 50/s, 600/m or 2/h";
		return -EINVAL;
	}
	n = (size_t)(slash - s);
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (buf[0] == '-' || scn_parse_number(buf, &v, why) < 0) {
		*why = "expected a rate such as 50/s, 600/m or 2/h";
		return -EINVAL;
	}
	if (strcmp(slash + 1, "s") == 0)
		per = 1.0;
	else if (strcmp(slash + 1, "m") == 0)
		per = 60.0;
	else if (strcmp(slash + 1, "h") == 0)
		per = 3600.0;
	else {
		*why = "unknown rate unit (use /s, /m or /h)";
		return -EINVAL;
	}
	if (!(v > 0.0)) {
		*why = "must be more than 0";
		return -EINVAL;
	}
	*out = v / per;
	return 0;
}

int
scn_parse_uint(const char *s, uint64_t max, uint64_t *out, const char **why)
{
	struct cs_val_err e;

	return scn_val(cs_val_uint(s, max, out, &e), &e, why);
}

int
scn_parse_ipv4(const char *s, uint32_t *out, const char **why)
{
	uint8_t b[4];

	if (cs_val_dotted4(s, b, NULL) < 0) {
		*why = "expected an IPv4 address such as 127.0.0.1";
		return -EINVAL;
	}
	*out = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	return 0;
}

int
scn_parse_ipv4_port(
    const char *s, uint32_t *ip, uint16_t *port, const char **why)
{
	const char *colon = strchr(s, ':');
	char buf[32];
	uint64_t p;
	uint32_t a;

	if (colon == NULL)
		return scn_parse_ipv4(s, ip, why);
	if ((size_t)(colon - s) >= sizeof(buf)) {
		*why = "expected ADDRESS or ADDRESS:PORT";
		return -EINVAL;
	}
	memcpy(buf, s, (size_t)(colon - s));
	buf[colon - s] = '\0';
	if (scn_parse_ipv4(buf, &a, why) < 0)
		return -EINVAL;
	if (scn_parse_uint(colon + 1, 65535, &p, why) < 0 || p == 0) {
		*why = "expected a port 1..65535 after ':'";
		return -EINVAL;
	}
	*ip = a;
	*port = (uint16_t)p;
	return 0;
}

int
scn_parse_size(const char *s, uint64_t *bytes, const char **why)
{
	struct cs_val_err e;

	return scn_val(cs_val_size(s, bytes, &e), &e, why);
}

int
scn_parse_mac(const char *s, uint8_t mac[6], const char **why)
{
	struct cs_val_err e;

	return scn_val(cs_val_mac(s, mac, &e), &e, why);
}

unsigned
scn_edit_distance(const char *a, const char *b, unsigned cap)
{
	unsigned row[65];
	size_t la = strlen(a), lb = strlen(b);

	if (la > 64 || lb > 64)
		return cap + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0], best;

		row[0] = (unsigned)i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j], v;

			v = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			diag = up;
			row[j] = v;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb] > cap ? cap + 1 : row[lb];
}

const char *
scn_suggest(const char *word, const char *const *words)
{
	const char *best = NULL;
	size_t n = strlen(word);
	unsigned cap = n <= 3 ? 1 : n <= 6 ? 2 : 3, bestd = cap + 1;

	for (size_t i = 0; words[i] != NULL; i++) {
		unsigned d = scn_edit_distance(word, words[i], cap);

		if (d < bestd) {
			bestd = d;
			best = words[i];
		}
	}
	return best;
}
