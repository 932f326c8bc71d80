/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the report writers (JSON report, event log): strings
 * from the run (AP names, failure reasons) are not promised to be UTF-8,
 * and jansson rejects invalid UTF-8, so they are made valid first.
 */
#ifndef CS_REPORT_INTERNAL_H
#define CS_REPORT_INTERNAL_H

#include <jansson.h>

/* json_string(s), or when s is not valid UTF-8 a copy with every byte
 * >= 0x80 replaced by '?'; NULL only when s is NULL or out of memory. */
json_t *cs_json_str(const char *s);
/* json_object_set_new with the key made valid the same way; consumes v.
 * Returns 0 or -1 (v NULL, out of memory). */
int cs_json_set(json_t *o, const char *key, json_t *v);

#endif /* CS_REPORT_INTERNAL_H */
