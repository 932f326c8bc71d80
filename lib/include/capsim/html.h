/* SPDX-License-Identifier: MIT */
/*
 * The HTML run report: one self-contained page made from a JSON run report
 * (`capsim run --json`, or any report capsim wrote, merged runs included),
 * with the verdict and its evidence, tables, and charts drawn by the
 * vendored uPlot library embedded in the page.  Pure: text in, text out.
 */
#ifndef CS_HTML_H
#define CS_HTML_H

#include <stddef.h>

#include "capsim/common.h"

/* Where and why a report could not be read. */
struct cs_html_err {
	int line, column; /* 1-based; 0 when not about a position */
	size_t offset;    /* byte offset into the JSON text */
	char what[160];
};

/*
 * Makes the page from the JSON report `json` (len bytes, need not be
 * NUL-terminated).  *out = the page (malloc'ed, caller frees), written
 * only on success.  Returns 0, -EINVAL (NULL arguments), -EBADMSG (not
 * JSON, or not a capsim run report: *err says where and why) or -ENOMEM.
 * Every string from the report reaches the page escaped: as text in
 * HTML, and as JSON that cannot end its <script> element.
 */
CS_API int cs_report_html(
    char **out, const char *json, size_t len, struct cs_html_err *err);

/*
 * Appends s HTML-escaped (& < > " ' as character references) to dst
 * (cap bytes, always NUL-terminated when cap > 0).  Returns the length
 * the escaped text needs (like snprintf).
 */
CS_API size_t cs_html_escape(char *dst, size_t cap, const char *s);

#endif /* CS_HTML_H */
