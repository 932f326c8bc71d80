/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes `capsim merge` (capsim/merge.h): the input is one or two shard
 * reports (split at the first NUL byte, the second also added twice).
 * Each is taken or refused with a reason; the merge ends in a result or
 * a named refusal; a result makes a JSON report that parses back and a
 * JUnit text.
 */
#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/merge.h"
#include "capsim/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
add(struct cs_merge *m, const char *origin, const uint8_t *p, size_t n)
{
	char why[256] = "";
	int r = cs_merge_add(m, origin, (const char *)p, n, why, sizeof(why));

	assert(r == 0 || r == -EBADMSG || r == -ENOMEM);
	assert(r != -EBADMSG || why[0] != '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	struct cs_merge *m = NULL;
	struct cs_run_summary *s = NULL;
	struct cs_merge_status st;
	char why[256] = "";
	int r;

	if (cs_merge_new(&m) < 0)
		return 0;
	if (nul == NULL) {
		add(m, "a.json", data, size);
	} else {
		size_t n = (size_t)(nul - data);

		add(m, "a.json", data, n);
		add(m, "b.json", nul + 1, size - n - 1);
		add(m, "c.json", nul + 1, size - n - 1);
	}
	r = cs_merge_finish(m, &s, &st, why, sizeof(why));
	assert(r == 0 || r == -EPROTO || r == -ENODATA || r == -EBADMSG ||
	    r == -ENOMEM);
	assert(r == 0 || r == -ENOMEM || why[0] != '\0');
	if (r == 0) {
		char *text = cs_merge_json(m, s), *junit;

		assert(st.merged <= st.declared);
		if (text != NULL) {
			json_t *j = json_loads(text, 0, NULL);

			assert(j != NULL);
			json_decref(j);
			free(text);
		}
		junit = cs_report_junit(s);
		free(junit);
	}
	cs_merge_free(m);
	return 0;
}
