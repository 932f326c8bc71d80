/* SPDX-License-Identifier: MIT */
/*
 * The one grammar for the values people type: durations, sizes, MACs,
 * hex strings, AP selections, and the identity (MAC, name) an AP index
 * gets.  The command line, `--rule`, scenario files, the lab PKI and the
 * mock WLC all read values through here, so a value means the same thing
 * wherever it is written.  Pure: no I/O, no clock, no locale.
 *
 * Every parser reads the whole string, leaves its output untouched on
 * failure and returns -EINVAL (-ERANGE when the value is well formed but
 * too large), saying where and why in a struct cs_val_err when the caller
 * passes one (NULL is allowed).
 */
#ifndef CS_VALUES_H
#define CS_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

#define CS_VAL_WHY_LEN 128

/* Why a value was refused: the byte offset into the text given, and the
 * reason, e.g. "add a unit (250ms or 250s)" for "250".  The reason does
 * not repeat the value: callers say "VALUE: why" or "why; got VALUE". */
struct cs_val_err {
	size_t offset;
	char why[CS_VAL_WHY_LEN];
};

/* A plain decimal number: DIGITS[.DIGITS], at most 9 decimals, no
 * exponent, no '+'; '-' only with CS_VAL_NEG. */
#define CS_VAL_NEG 1u /* a leading '-' is allowed (signed values) */

CS_API int cs_val_number(
    const char *s, unsigned flags, double *out, struct cs_val_err *err);

/* A whole number: DIGITS only (no sign, no space), <= max ("too large"
 * with -ERANGE beyond). */
CS_API int cs_val_uint(
    const char *s, uint64_t max, uint64_t *out, struct cs_val_err *err);

/* "a.b.c.d", each 0..255 in 1 to 3 digits without leading zeros: IPv4
 * addresses and Cisco software versions (four raw bytes on the wire,
 * capwap-facts §3). */
CS_API int cs_val_dotted4(
    const char *s, uint8_t out[4], struct cs_val_err *err);

/* ---------------------------------------------------------------------
 * Durations: one or more "NUMBER UNIT" parts, decimals allowed, no
 * spaces: 250ms, 1.5s, 1m30s, 2h, 3d, 100us.  Units: us, ms, s, m
 * (minutes), h, d.  A bare number is an error that says which unit to
 * add.  A value finer than the result's resolution is an error, never
 * rounded.  At most 2^53 ms.
 */

CS_API int cs_val_duration_us(
    const char *s, unsigned flags, int64_t *us, struct cs_val_err *err);
CS_API int cs_val_duration_ms(
    const char *s, unsigned flags, int64_t *ms, struct cs_val_err *err);
/* Unsigned milliseconds, the common case. */
CS_API int cs_val_ms(const char *s, uint64_t *ms, struct cs_val_err *err);

/* ---------------------------------------------------------------------
 * Sizes: a whole number of bytes, optionally with a unit: 1500, 1500B,
 * 64k or 64K (x 1024), 1.5M (x 1024 * 1024).  A bare number is bytes.
 */
CS_API int cs_val_size(const char *s, uint64_t *bytes, struct cs_val_err *err);

/* ---------------------------------------------------------------------
 * MAC addresses, in every form a Cisco or RFC 5415 peer writes them,
 * either case: 00:11:22:33:44:55, 00-11-22-33-44-55, 0011.2233.4455,
 * 001122334455.
 */
CS_API int cs_val_mac(const char *s, uint8_t mac[6], struct cs_val_err *err);
/*
 * The MAC in a certificate CN (RFC 5415 §12.6 / §2.4.4.3): the whole CN,
 * or a MAC behind a model prefix as Cisco MICs write it: C9120-001122334455,
 * C9120AXI-0011.2233.4455, AIR-CAP3702I-A-K9-00-11-22-33-44-55.
 */
CS_API int cs_val_mac_cn(
    const char *cn, uint8_t mac[6], struct cs_val_err *err);
/* "00:11:22:33:44:55" (lower case) into buf. */
CS_API void cs_val_mac_str(const uint8_t mac[6], char buf[18]);

/* ---------------------------------------------------------------------
 * Hex strings: pairs of hex digits, either case.  With CS_VAL_HEX_SEP,
 * spaces, tabs, ':', '-', '.' and ',' may stand between bytes (never
 * inside one).  len is the length of s (s need not be NUL-terminated).
 * Writes at most cap bytes to out and their count to *n.  On failure *n
 * is untouched; out may hold the bytes decoded before the error.
 */
#define CS_VAL_HEX_SEP 1u

CS_API int cs_val_hex(const char *s, size_t len, unsigned flags, uint8_t *out,
    size_t cap, size_t *n, struct cs_val_err *err);
/* The value of one hex digit, or -1. */
CS_API int cs_val_hexdigit(int c);

/* ---------------------------------------------------------------------
 * AP selections.  An AP is selected when it passes every part given:
 * index ranges, MAC list, every nth index, a share of the APs.  An empty
 * selection selects every AP.  The share is drawn per AP from the seed
 * (cs_apsel_draw), so the same APs are picked on every run and shard.
 */
#define CS_APSEL_MAX_RANGES 16
#define CS_APSEL_MAX_MACS   16
#define CS_APSEL_NO_AP      ((unsigned)-1) /* the AP is not known */

struct cs_apsel {
	size_t n_ranges;
	struct {
		unsigned lo, hi; /* AP indexes, inclusive, 0-based */
	} ranges[CS_APSEL_MAX_RANGES];
	size_t n_macs;
	uint8_t macs[CS_APSEL_MAX_MACS][6];
	unsigned every; /* every nth AP (index % every == 0); 0 = off */
	bool has_share;
	double share; /* 0..1 of the APs */
};

/* A share of the APs (or any percentage): "50%", "0.5%", 0% to 100%,
 * as a fraction 0..1.  A bare number is refused. */
CS_API int cs_val_percent(const char *s, double *frac, struct cs_val_err *err);
/* Whether AP `ap` (CS_APSEL_NO_AP: unknown; then only the MAC part can
 * pass) with `mac` (NULL: unknown) is selected.  NULL sel: false. */
CS_API bool cs_apsel_match(
    const struct cs_apsel *sel, unsigned ap, const uint8_t *mac, uint64_t seed);
/* The one seeded draw: uniform in [0, 1), a function of (seed, ap) only. */
CS_API double cs_apsel_draw(uint64_t seed, unsigned ap);
/*
 * "0-9,20,30-39" (0-based, spaces allowed around parts) into
 * sel->ranges.  ap_count > 0 refuses indexes >= ap_count.
 */
CS_API int cs_val_ap_ranges(const char *s, unsigned ap_count,
    struct cs_apsel *sel, struct cs_val_err *err);

/* splitmix64's output function (Steele, Lea, Flood 2014): the mixer
 * behind every seeded choice. */
CS_API uint64_t cs_mix64(uint64_t x);

/* ---------------------------------------------------------------------
 * AP identity: AP i (0-based) has MAC base + i and the name prefix +
 * i + 1 in five digits ("capsim-ap-00001").
 */
#define CS_AP_NAME_PREFIX "capsim-ap-"

/* -ERANGE when base + idx passes ff:ff:ff:ff:ff:ff (mac untouched). */
CS_API int cs_ap_id_mac(const uint8_t base[6], unsigned idx, uint8_t mac[6]);
/* prefix NULL = CS_AP_NAME_PREFIX.  Truncates to cap like snprintf. */
CS_API void cs_ap_id_name(
    const char *prefix, unsigned idx, char *buf, size_t cap);

/* ---------------------------------------------------------------------
 * Line-oriented files (the WLC's --auth-list, --dtls-psk key files): the
 * next content line of text[0..len) from *pos, LF or CRLF ended, blanks
 * and tabs around it cut; blank lines and lines that start with '#' are
 * skipped.  *start and *end bound the content (offsets into text);
 * *lineno is its line number from 1 (start with *pos = *lineno = 0; at
 * the end it holds the number of lines read).  false at the end.
 */
CS_API bool cs_val_next_line(const char *text, size_t len, size_t *pos,
    size_t *lineno, size_t *start, size_t *end);

#endif /* CS_VALUES_H */
