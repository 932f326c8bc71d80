/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the value grammar (capsim/values.h): every parser on
 * the same text.  Never crash, never write the output on failure, report
 * an offset inside the text and a reason; what parses obeys the
 * grammar's laws (durations: ms agrees with us; a MAC prints and parses
 * back to itself; hex never writes past its buffer).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/values.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_err(int r, const struct cs_val_err *err, size_t len)
{
	if (r >= 0)
		return;
	if (err->offset > len || err->why[0] == '\0' ||
	    memchr(err->why, '\0', sizeof(err->why)) == NULL)
		abort();
}

static void
fuzz_duration(const char *text, size_t len)
{
	struct cs_val_err err;
	int64_t us = 0x5a5a, ms = 0x5a5a;
	uint64_t ums = 0x5a5a;
	int r, rm;

	err.why[0] = '\0';
	r = cs_val_duration_us(text, CS_VAL_NEG, &us, &err);
	check_err(r, &err, len);
	if (r < 0 && us != 0x5a5a)
		abort();
	err.why[0] = '\0';
	rm = cs_val_duration_ms(text, CS_VAL_NEG, &ms, &err);
	check_err(rm, &err, len);
	if (rm == 0 && (r != 0 || us != ms * 1000))
		abort();
	if (rm < 0 && ms != 0x5a5a)
		abort();
	err.why[0] = '\0';
	r = cs_val_ms(text, &ums, &err);
	check_err(r, &err, len);
	if (r == 0 && (text[0] == '-' || ums > ((uint64_t)1 << 53)))
		abort();
}

static void
fuzz_mac(const char *text, size_t len)
{
	struct cs_val_err err;
	uint8_t m[6] = { 1, 2, 3, 4, 5, 6 }, back[6];
	char s[18];
	int r;

	err.why[0] = '\0';
	r = cs_val_mac(text, m, &err);
	check_err(r, &err, len);
	if (r == 0) {
		cs_val_mac_str(m, s);
		if (cs_val_mac(s, back, NULL) != 0 || memcmp(m, back, 6) != 0)
			abort();
		/* every MAC is a valid CN too */
		if (cs_val_mac_cn(text, back, NULL) != 0 ||
		    memcmp(m, back, 6) != 0)
			abort();
	} else if (m[0] != 1 || m[5] != 6) {
		abort();
	}
	err.why[0] = '\0';
	check_err(cs_val_mac_cn(text, m, &err), &err, len);
}

static void
fuzz_hex(const char *text, size_t len)
{
	struct cs_val_err err;
	uint8_t buf[18];
	size_t n = 99;
	int r;

	buf[16] = 0xa5;
	buf[17] = 0x5a;
	for (unsigned flags = 0; flags <= CS_VAL_HEX_SEP; flags++) {
		err.why[0] = '\0';
		r = cs_val_hex(text, len, flags, buf, 16, &n, &err);
		check_err(r, &err, len);
		if ((r == 0 && n > 16) || buf[16] != 0xa5 || buf[17] != 0x5a)
			abort();
		if (r == 0 && flags == 0 && n * 2 != len)
			abort();
	}
}

static void
fuzz_misc(const char *text, size_t len)
{
	struct cs_val_err err;
	struct cs_apsel sel;
	uint64_t b;
	uint8_t quad[4];
	double f;
	int r;

	err.why[0] = '\0';
	check_err(cs_val_size(text, &b, &err), &err, len);
	err.why[0] = '\0';
	check_err(cs_val_number(text, CS_VAL_NEG, &f, &err), &err, len);
	err.why[0] = '\0';
	check_err(cs_val_uint(text, len, &b, &err), &err, len);
	err.why[0] = '\0';
	check_err(cs_val_dotted4(text, quad, &err), &err, len);
	err.why[0] = '\0';
	r = cs_val_percent(text, &f, &err);
	check_err(r, &err, len);
	if (r == 0 && !(f >= 0.0 && f <= 1.0))
		abort();
	memset(&sel, 0, sizeof(sel));
	err.why[0] = '\0';
	r = cs_val_ap_ranges(text, len % 2 ? 100 : 0, &sel, &err);
	check_err(r, &err, len);
	if (r < 0 && sel.n_ranges != 0)
		abort();
	for (size_t i = 0; r == 0 && i < sel.n_ranges; i++) {
		if (sel.ranges[i].lo > sel.ranges[i].hi ||
		    (len % 2 && sel.ranges[i].hi >= 100))
			abort();
		if (!cs_apsel_match(&sel, sel.ranges[i].lo, NULL, len))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* the text parsers read up to the first NUL */
	fuzz_duration(text, strlen(text));
	fuzz_mac(text, strlen(text));
	fuzz_misc(text, strlen(text));
	/* hex takes a length: the bytes as given, NULs included */
	fuzz_hex(text, size);
	free(text);
	return 0;
}
