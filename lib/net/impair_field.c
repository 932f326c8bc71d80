/* SPDX-License-Identifier: MIT */
/*
 * The fields of an impairment rule's actions, one grammar for `--rule`
 * (impair_parse.c) and scenario files (lib/scenario/scn_impair.c): each
 * field's value form, range and reason in words.  The two front ends only
 * find the fields (key=value words, YAML keys) and add the position.
 */
#include "capsim/impair.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "capsim/values.h"
#include "impair-internal.h"

/* How a field's value is written. */
enum if_form {
	IF_PROB,  /* a fraction 0..1 or a percentage, more than 0 */
	IF_COUNT, /* a whole number in min..max */
	IF_MS,    /* a duration, at least min ms */
	IF_DELAY, /* D, LO-HI (uniform) or MEAN~SIGMA (normal) */
	IF_PER_S, /* a number per second (the unit is in the key) */
	IF_BOOL,
};

static const struct {
	const char *name;
	enum if_form form;
	uint64_t min, max;
} if_desc[] = {
	[CS_IF_DROP_PROB] = { "drop.probability", IF_PROB, 0, 0 },
	[CS_IF_DROP_BURST] = { "drop.burst", IF_COUNT, 1, UINT32_MAX },
	[CS_IF_DELAY] = { "delay", IF_DELAY, 0, 0 },
	[CS_IF_DELAY_FIXED] = { "delay.fixed", IF_DELAY, 0, 0 },
	[CS_IF_DELAY_UNIFORM] = { "delay.uniform", IF_DELAY, 0, 0 },
	[CS_IF_DELAY_NORMAL] = { "delay.normal", IF_DELAY, 0, 0 },
	[CS_IF_DUP_COPIES] = { "duplicate.copies", IF_COUNT, 1,
	    CS_IMPAIR_MAX_DELIVER - 1 },
	[CS_IF_DUP_PROB] = { "duplicate.probability", IF_PROB, 0, 0 },
	[CS_IF_REORDER_HOLD] = { "reorder.hold", IF_COUNT, 1, UINT32_MAX },
	[CS_IF_REORDER_HOLD_TIME] = { "reorder.hold-time", IF_MS, 1, 0 },
	[CS_IF_REORDER_PROB] = { "reorder.probability", IF_PROB, 0, 0 },
	[CS_IF_CORRUPT_BYTES] = { "corrupt.bytes", IF_COUNT, 1, 65535 },
	[CS_IF_CORRUPT_OFFSET] = { "corrupt.offset", IF_COUNT, 0, 65535 },
	[CS_IF_CORRUPT_PROB] = { "corrupt.probability", IF_PROB, 0, 0 },
	[CS_IF_TRUNCATE] = { "truncate", IF_COUNT, 1, 65535 },
	/* RFC 791: every IPv4 host handles 68-byte datagrams; 65535 is the
	 * largest IPv4 datagram */
	[CS_IF_MTU] = { "mtu", IF_COUNT, 68, 65535 },
	[CS_IF_RATE_PPS] = { "rate.pps", IF_PER_S, 0, 0 },
	[CS_IF_RATE_BPS] = { "rate.bps", IF_PER_S, 0, 0 },
	[CS_IF_RATE_BURST] = { "rate.burst", IF_COUNT, 1, UINT32_MAX },
	[CS_IF_RATE_SHARED] = { "rate.shared", IF_BOOL, 0, 0 },
	[CS_IF_DOWN_FROM] = { "link-down.from", IF_MS, 0, 0 },
	[CS_IF_DOWN_UNTIL] = { "link-down.until", IF_MS, 0, 0 },
};
_Static_assert(CS_ARRAY_SIZE(if_desc) == CS_IF__COUNT,
    "if_desc[] out of sync with enum cs_impair_field");

/* The reason of the last refusal: per thread, valid until the next call
 * on this thread. */
static _Thread_local char if_why[CS_VAL_WHY_LEN + 64];

/* A values-module result for the piece of the value it read: 0, or
 * -EINVAL with "PIECE: reason". */
static int
if_check(int r, const char *piece, const struct cs_val_err *e, const char **why)
{
	if (r >= 0)
		return 0;
	snprintf(if_why, sizeof(if_why), "%.40s: %s", piece, e->why);
	*why = if_why;
	return -EINVAL;
}

static int
if_prob(const char *s, double *out, const char **why)
{
	struct cs_val_err e;
	size_t n = strlen(s);
	double v;
	int r;

	if (n > 0 && s[n - 1] == '%')
		r = cs_val_percent(s, &v, &e);
	else
		r = cs_val_number(s, 0, &v, &e);
	if (if_check(r, s, &e, why) < 0)
		return -EINVAL;
	if (v > 1.0) {
		*why = "a probability is at most 1 (100%)";
		return -EINVAL;
	}
	/* impair.h reads a probability of 0 as "always" */
	if (v <= 0.0) {
		*why = "0% never happens; remove the action or give more than "
		       "0%";
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int
if_count(
    const char *s, uint64_t min, uint64_t max, uint64_t *out, const char **why)
{
	struct cs_val_err e;
	uint64_t v;
	int r = cs_val_uint(s, max, &v, &e);

	if (r < 0 && strcmp(e.why, "too large") != 0)
		return if_check(r, s, &e, why);
	if (r < 0 || v < min) {
		snprintf(if_why, sizeof(if_why),
		    "must be between %llu and %llu", (unsigned long long)min,
		    (unsigned long long)max);
		*why = if_why;
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int
if_ms(const char *s, uint64_t min, uint64_t *out, const char **why)
{
	struct cs_val_err e;
	uint64_t v;

	if (if_check(cs_val_ms(s, &v, &e), s, &e, why) < 0)
		return -EINVAL;
	if (v < min) {
		snprintf(if_why, sizeof(if_why), "must be at least %llu ms",
		    (unsigned long long)min);
		*why = if_why;
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* "D", "LO-HI" or "MEAN~SIGMA"; the map forms of scenario files allow
 * only their own (fixed: D, uniform: LO-HI, normal: MEAN~SIGMA). */
static int
if_delay(struct cs_impair_action *a, enum cs_impair_field f, const char *s,
    const char **why)
{
	char buf[64];
	const char *d = strchr(s, '-'), *t = strchr(s, '~'), *sep;
	enum cs_impair_dist dist;
	uint64_t x, y = 0;

	sep = t != NULL ? t : d != NULL && d != s ? d : NULL;
	dist = sep == NULL ? CS_DELAY_FIXED
	    : sep == t     ? CS_DELAY_NORMAL
	                   : CS_DELAY_UNIFORM;
	if ((f == CS_IF_DELAY_FIXED && dist != CS_DELAY_FIXED) ||
	    (f == CS_IF_DELAY_UNIFORM && dist != CS_DELAY_UNIFORM) ||
	    (f == CS_IF_DELAY_NORMAL && dist != CS_DELAY_NORMAL)) {
		*why = "expected a delay such as 200ms, 10ms-50ms (uniform) or "
		       "100ms~20ms (normal: mean~sigma)";
		return -EINVAL;
	}
	if (sep == NULL)
		return if_ms(s, 0, &a->delay_ms, why) < 0
		    ? -EINVAL
		    : (a->delay = CS_DELAY_FIXED, 0);
	if ((size_t)(sep - s) >= sizeof(buf)) {
		*why = "delay too long";
		return -EINVAL;
	}
	memcpy(buf, s, (size_t)(sep - s));
	buf[sep - s] = '\0';
	if (if_ms(buf, 0, &x, why) < 0 || if_ms(sep + 1, 0, &y, why) < 0)
		return -EINVAL;
	if (dist == CS_DELAY_UNIFORM && y < x) {
		*why = "range runs backwards";
		return -EINVAL;
	}
	a->delay = dist;
	a->delay_ms = x;
	a->delay_hi_ms = dist == CS_DELAY_UNIFORM ? y : 0;
	a->jitter_ms = dist == CS_DELAY_NORMAL ? y : 0;
	return 0;
}

int
impair_bool(const char *s, bool *out)
{
	if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0 ||
	    strcmp(s, "on") == 0 || strcmp(s, "1") == 0)
		*out = true;
	else if (strcmp(s, "no") == 0 || strcmp(s, "false") == 0 ||
	    strcmp(s, "off") == 0 || strcmp(s, "0") == 0)
		*out = false;
	else
		return -EINVAL;
	return 0;
}

/* Where a count field lands. */
static void
if_store_count(struct cs_impair_action *a, enum cs_impair_field f, uint64_t v)
{
	switch (f) {
	case CS_IF_DROP_BURST:
		a->drop_burst = (unsigned)v;
		break;
	case CS_IF_DUP_COPIES:
		a->dup_copies = (unsigned)v;
		break;
	case CS_IF_REORDER_HOLD:
		a->hold_pkts = (unsigned)v;
		break;
	case CS_IF_CORRUPT_BYTES:
		a->corrupt_bytes = (unsigned)v;
		break;
	case CS_IF_CORRUPT_OFFSET:
		a->has_corrupt_offset = true;
		a->corrupt_offset = (size_t)v;
		break;
	case CS_IF_TRUNCATE:
		a->truncate_to = (size_t)v;
		break;
	case CS_IF_MTU:
		a->mtu = (unsigned)v;
		break;
	case CS_IF_RATE_BURST:
		a->rate_burst = (double)v;
		break;
	default:
		break;
	}
}

static double *
if_prob_of(struct cs_impair_action *a, enum cs_impair_field f)
{
	switch (f) {
	case CS_IF_DROP_PROB:
		return &a->drop_prob;
	case CS_IF_DUP_PROB:
		return &a->dup_prob;
	case CS_IF_REORDER_PROB:
		return &a->reorder_prob;
	default:
		return &a->corrupt_prob;
	}
}

int
cs_impair_field_set(struct cs_impair_action *a, enum cs_impair_field f,
    const char *val, const char **why)
{
	struct cs_val_err e;
	uint64_t v;
	double d;

	if (why == NULL)
		return -EINVAL;
	*why = "NULL argument";
	if (a == NULL || val == NULL || (unsigned)f >= CS_IF__COUNT)
		return -EINVAL;
	switch (if_desc[f].form) {
	case IF_PROB:
		return if_prob(val, if_prob_of(a, f), why);
	case IF_COUNT:
		if (if_count(val, if_desc[f].min, if_desc[f].max, &v, why) < 0)
			return -EINVAL;
		if_store_count(a, f, v);
		return 0;
	case IF_MS:
		return if_ms(val, if_desc[f].min,
		    f == CS_IF_REORDER_HOLD_TIME ? &a->hold_ms
		        : f == CS_IF_DOWN_FROM   ? &a->down_from_ms
		                                 : &a->down_until_ms,
		    why);
	case IF_DELAY:
		return if_delay(a, f, val, why);
	case IF_PER_S:
		if (if_check(cs_val_number(val, 0, &d, &e), val, &e, why) < 0)
			return -EINVAL;
		*(f == CS_IF_RATE_PPS ? &a->rate_pps : &a->rate_bytes_ps) = d;
		return 0;
	case IF_BOOL:
		if (impair_bool(val, &a->rate_shared) < 0) {
			*why = "expected true or false";
			return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

const char *
cs_impair_field_name(enum cs_impair_field f)
{
	if ((unsigned)f >= CS_IF__COUNT)
		return "?";
	return if_desc[f].name;
}
