/* SPDX-License-Identifier: MIT */
/*
 * UTF-8-safe jansson helpers for the report writers; see
 * report-internal.h.
 */
#include "report-internal.h"

#include <stdlib.h>
#include <string.h>

static char *
json_ascii_copy(const char *s)
{
	size_t n = strlen(s);
	char *c = malloc(n + 1);

	if (c == NULL)
		return NULL;
	for (size_t i = 0; i <= n; i++)
		c[i] = (unsigned char)s[i] >= 0x80 ? '?' : s[i];
	return c;
}

json_t *
cs_json_str(const char *s)
{
	json_t *v;
	char *c;

	if (s == NULL)
		return NULL;
	if ((v = json_string(s)) != NULL)
		return v;
	if ((c = json_ascii_copy(s)) == NULL)
		return NULL;
	v = json_string(c);
	free(c);
	return v;
}

int
cs_json_set(json_t *o, const char *key, json_t *v)
{
	char *c;
	int r;

	if (v == NULL || key == NULL) {
		json_decref(v);
		return -1;
	}
	if (json_object_set_new(o, key, json_incref(v)) == 0) {
		json_decref(v);
		return 0;
	}
	if ((c = json_ascii_copy(key)) == NULL) {
		json_decref(v);
		return -1;
	}
	r = json_object_set_new(o, c, v);
	free(c);
	return r;
}
