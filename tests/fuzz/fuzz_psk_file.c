/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the `--dtls-psk` text (cs_dtls_psk_parse).  Oracles: a
 * failure names a line and an offset inside the text and says why, and
 * leaves the output alone; a set that parsed holds keys of 1..64 bytes
 * and identities of 1..128, no identity twice, and prints ("ID HEX"
 * lines) into text that parses back to the same set.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/dtls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
psk_print(const struct cs_dtls_psk_set *s, size_t *len)
{
	size_t cap = 1, n = 0;
	char *buf;

	for (size_t i = 0; i < s->n; i++)
		cap += (s->v[i].identity ? strlen(s->v[i].identity) + 1 : 0) +
		    2 * s->v[i].key_len + 1;
	if ((buf = malloc(cap)) == NULL)
		return NULL;
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].identity != NULL)
			n += (size_t)snprintf(
			    buf + n, cap - n, "%s ", s->v[i].identity);
		for (size_t k = 0; k < s->v[i].key_len; k++)
			n += (size_t)snprintf(
			    buf + n, cap - n, "%02x", s->v[i].key[k]);
		buf[n++] = '\n';
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_dtls_psk_set set = { (void *)&set, 5 }, again = { 0 };
	struct cs_dtls_psk_err err = { 0 };
	size_t len = 0, lines = 1;
	char *text;
	int r;

	if (size > 1 << 16)
		return 0;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	r = cs_dtls_psk_parse((const char *)data, size, &set, &err);
	if (r < 0) {
		if (r != -EBADMSG || err.line > lines || err.offset > size ||
		    err.why[0] == '\0' || set.v != (void *)&set || set.n != 5)
			abort();
		return 0;
	}
	for (size_t i = 0; i < set.n; i++) {
		const char *id = set.v[i].identity;

		if (set.v[i].key_len == 0 ||
		    set.v[i].key_len > CS_DTLS_PSK_MAX_LEN ||
		    (id != NULL &&
		        (id[0] == '\0' || strlen(id) > CS_DTLS_PSK_ID_MAX)))
			abort();
	}
	if ((text = psk_print(&set, &len)) == NULL)
		abort();
	if (cs_dtls_psk_parse(text, len, &again, &err) != 0 || again.n != set.n)
		abort();
	for (size_t i = 0; i < set.n; i++) {
		const char *a = set.v[i].identity, *b = again.v[i].identity;

		if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0) ||
		    set.v[i].key_len != again.v[i].key_len ||
		    memcmp(set.v[i].key, again.v[i].key, set.v[i].key_len) != 0)
			abort();
	}
	free(text);
	cs_dtls_psk_set_free(&again);
	cs_dtls_psk_set_free(&set);
	return 0;
}
