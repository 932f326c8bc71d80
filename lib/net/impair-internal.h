/* SPDX-License-Identifier: MIT */
/*
 * What the rule parsers of lib/net share (impair_parse.c, impair_field.c).
 */
#ifndef CS_IMPAIR_INTERNAL_H
#define CS_IMPAIR_INTERNAL_H

#include <stdbool.h>

/* yes/true/on/1 or no/false/off/0: 0, or -EINVAL. */
int impair_bool(const char *s, bool *out);

#endif /* CS_IMPAIR_INTERNAL_H */
