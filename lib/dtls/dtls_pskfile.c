/* SPDX-License-Identifier: MIT */
/*
 * The text form of pre-shared keys (`capsim run|wlc --dtls-psk HEX|@FILE`):
 * one key for every WTP, or a table of identity -> key, parsed line by
 * line with the line and the reason for the first thing wrong.
 */
#include "capsim/dtls.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "capsim/values.h"

#define PSK_MAX_ENTRIES 100000

static int psk_fail(struct cs_dtls_psk_err *err, unsigned line, size_t off,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
psk_fail(struct cs_dtls_psk_err *err, unsigned line, size_t off,
    const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		err->line = line;
		err->offset = off;
		va_start(ap, fmt);
		vsnprintf(err->why, sizeof(err->why), fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

void
cs_dtls_psk_set_free(struct cs_dtls_psk_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; set->v != NULL && i < set->n; i++) {
		free((char *)(uintptr_t)set->v[i].identity);
		if (set->v[i].key != NULL) {
			OPENSSL_cleanse((uint8_t *)(uintptr_t)set->v[i].key,
			    set->v[i].key_len);
			free((uint8_t *)(uintptr_t)set->v[i].key);
		}
	}
	free(set->v);
	set->v = NULL;
	set->n = 0;
}

/* The same identity: the same text, or the same MAC spelt otherwise. */
static bool
psk_same_id(const char *a, const char *b)
{
	uint8_t ma[6], mb[6];

	if (a == NULL || b == NULL)
		return a == b;
	if (strcmp(a, b) == 0)
		return true;
	return cs_val_mac(a, ma, NULL) == 0 && cs_val_mac(b, mb, NULL) == 0 &&
	    memcmp(ma, mb, 6) == 0;
}

/* One line's words (s..e, trimmed, not empty): "HEX" or "ID HEX". */
static int
psk_line(const char *text, size_t s, size_t e, unsigned line,
    struct cs_dtls_psk_set *set, struct cs_dtls_psk_err *err)
{
	struct cs_dtls_psk *k = &set->v[set->n];
	struct cs_val_err ve = { 0 };
	uint8_t key[CS_DTLS_PSK_MAX_LEN];
	size_t ks = s, id_len = 0, n = 0;
	char *id = NULL;
	uint8_t *kp;

	for (size_t i = s; i < e; i++) {
		if (text[i] == ' ' || text[i] == '\t') {
			id_len = i - s;
			ks = i;
			while (ks < e && (text[ks] == ' ' || text[ks] == '\t'))
				ks++;
			break;
		}
	}
	for (size_t i = ks; i < e; i++)
		if (text[i] == ' ' || text[i] == '\t')
			return psk_fail(err, line, i,
			    "more than an identity and a key on the line");
	if (id_len > CS_DTLS_PSK_ID_MAX)
		return psk_fail(err, line, s, "identity longer than %d bytes",
		    CS_DTLS_PSK_ID_MAX);
	if ((e - ks) % 2 != 0)
		return psk_fail(err, line, ks, "key: odd number of hex digits");
	if ((e - ks) / 2 > CS_DTLS_PSK_MAX_LEN)
		return psk_fail(err, line, ks, "key longer than %d bytes",
		    CS_DTLS_PSK_MAX_LEN);
	if (cs_val_hex(text + ks, e - ks, 0, key, sizeof(key), &n, &ve) < 0)
		return psk_fail(err, line, ks + ve.offset, "key: %s", ve.why);
	if (id_len > 0) {
		if ((id = strndup(text + s, id_len)) == NULL)
			return -ENOMEM;
	}
	for (size_t i = 0; i < set->n; i++) {
		if (!psk_same_id(set->v[i].identity, id))
			continue;
		free(id);
		OPENSSL_cleanse(key, sizeof(key));
		if (id_len == 0)
			return psk_fail(
			    err, line, s, "a second key for any identity");
		return psk_fail(err, line, s, "identity given twice");
	}
	if ((kp = malloc(n)) == NULL) {
		free(id);
		OPENSSL_cleanse(key, sizeof(key));
		return -ENOMEM;
	}
	memcpy(kp, key, n);
	OPENSSL_cleanse(key, sizeof(key));
	k->identity = id;
	k->key = kp;
	k->key_len = n;
	set->n++;
	return 0;
}

int
cs_dtls_psk_parse(const char *text, size_t len, struct cs_dtls_psk_set *out,
    struct cs_dtls_psk_err *err)
{
	struct cs_dtls_psk_set set = { 0 };
	size_t cap = 0, p = 0, lineno = 0, s, e;
	unsigned line = 0;
	int r;

	if ((text == NULL && len > 0) || out == NULL)
		return -EINVAL;
	while (cs_val_next_line(text, len, &p, &lineno, &s, &e)) {
		line = (unsigned)lineno;
		if (memchr(text + s, '\0', e - s) != NULL) {
			r = psk_fail(err, line, s, "NUL byte");
			goto fail;
		}
		if (set.n == cap) {
			struct cs_dtls_psk *nv;

			if (cap >= PSK_MAX_ENTRIES) {
				r = psk_fail(err, line, s, "more than %d keys",
				    PSK_MAX_ENTRIES);
				goto fail;
			}
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(set.v, cap * sizeof(*nv))) == NULL) {
				r = -ENOMEM;
				goto fail;
			}
			set.v = nv;
		}
		if ((r = psk_line(text, s, e, line, &set, err)) < 0)
			goto fail;
	}
	if (set.n == 0) {
		r = psk_fail(err, (unsigned)lineno, 0, "no key in it");
		goto fail;
	}
	*out = set;
	return 0;
fail:
	cs_dtls_psk_set_free(&set);
	return r;
}
