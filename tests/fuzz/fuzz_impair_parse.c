/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the one-line impairment rule parser and the kind-word
 * parser: never crash, never write the output on failure, report an
 * offset inside the text, and whatever parses is accepted or cleanly
 * rejected by cs_impair_add.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/impair.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_impair_rule r, keep;
	struct cs_impair_match m;
	struct cs_impair *imp;
	struct cs_err err;
	char *text;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&r, 0xa5, sizeof(r));
	keep = r;
	if (cs_impair_rule_parse(text, &r, &err) < 0) {
		if (memcmp(&r, &keep, sizeof(r)) != 0 || err.offset > size ||
		    err.what == NULL)
			abort();
	} else if (cs_impair_new(&imp, 1) == 0) {
		int rc = cs_impair_add(imp, &r, NULL);

		if (rc != 0 && rc != -EINVAL)
			abort();
		cs_impair_free(imp);
	}
	memset(&m, 0, sizeof(m));
	(void)cs_impair_kind_parse(text, &m);
	free(text);
	return 0;
}
