/* SPDX-License-Identifier: MIT */
/*
 * Shared by the scenario loader (scenario.c), the value parsers
 * (scn_values.c) and expectations (expect.c): the per-thread error text
 * and the scalar grammars (durations, percentages, rates, addresses).
 */
#ifndef CS_SCENARIO_INTERNAL_H
#define CS_SCENARIO_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

#define SCN_ERRBUF_LEN 512

/* The per-thread buffer cs_err.what points to after a scenario error. */
char *scn_errbuf(void);

/* Formats into scn_errbuf(), fills err (may be NULL), returns code. */
int scn_err_fmt(struct cs_err *err, int code, size_t offset, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

/*
 * Value grammars.  Each returns 0 and the value, or -EINVAL with a short
 * reason in why (static text) and leaves *out untouched.
 */
/* Milliseconds by the one duration grammar (capsim/values.h): "500ms",
 * "2s", "1.5m", "1h30m", "3d"; a leading '-' only if allow_neg.  why is
 * per-thread text, valid until the next call. */
int scn_parse_duration(
    const char *s, bool allow_neg, int64_t *out, const char **why);
/* "50%", "0.5%" -> 0.5, 0.005 (fraction, 0..1). */
int scn_parse_percent(const char *s, double *out, const char **why);
/* "50/s", "600/m", "2/h" -> per second (> 0). */
int scn_parse_rate(const char *s, double *out, const char **why);
/* Unsigned decimal, no sign, no leading '+', <= max. */
int scn_parse_uint(
    const char *s, uint64_t max, uint64_t *out, const char **why);
/* Decimal number with optional sign and fraction, no exponent. */
int scn_parse_number(const char *s, double *out, const char **why);
/* Dotted quad -> host order. */
int scn_parse_ipv4(const char *s, uint32_t *out, const char **why);
/* "ADDR:PORT" or "ADDR" (port untouched then). */
int scn_parse_ipv4_port(
    const char *s, uint32_t *ip, uint16_t *port, const char **why);
/* Bytes: 1500, 64k, 1.5M (capsim/values.h; why as for durations). */
int scn_parse_size(const char *s, uint64_t *bytes, const char **why);
/* A MAC in any form capsim/values.h reads (why as for durations). */
int scn_parse_mac(const char *s, uint8_t mac[6], const char **why);

/* Levenshtein distance capped at cap+1 (small strings only). */
unsigned scn_edit_distance(const char *a, const char *b, unsigned cap);
/* The closest word in a NULL-terminated list, or NULL when none is
 * close enough to suggest. */
const char *scn_suggest(const char *word, const char *const *words);

#endif /* CS_SCENARIO_INTERNAL_H */
