/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the HTML report generator (capsim report reads any JSON file):
 * any bytes either fail with -EBADMSG and a reason, or make a page whose
 * only script ends are the page's own three, with no comment opener, and
 * whose data element parses back as JSON.
 */
#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "capsim/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char tag[] =
	    "<script type=\"application/json\" id=\"capsim-data\">";
	struct cs_html_err err;
	char *page = NULL;
	const char *a, *b;
	size_t ends = 0;
	json_error_t je;
	json_t *j;
	int r;

	r = cs_report_html(&page, (const char *)data, size, &err);
	if (r < 0) {
		assert(r == -EBADMSG || r == -ENOMEM);
		assert(r != -EBADMSG || err.what[0] != '\0');
		return 0;
	}
	for (const char *p = page; *p != '\0'; p++)
		ends += strncasecmp(p, "</script", 8) == 0;
	assert(ends == 3);
	assert(strstr(page, "<!--") == NULL);
	a = strstr(page, tag);
	assert(a != NULL);
	a += sizeof(tag) - 1;
	b = strstr(a, "</script>");
	assert(b != NULL);
	j = json_loadb(a, (size_t)(b - a), 0, &je);
	assert(json_is_object(j));
	json_decref(j);
	free(page);
	return 0;
}
