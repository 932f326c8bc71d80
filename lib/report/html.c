/* SPDX-License-Identifier: MIT */
/*
 * HTML run report; see capsim/html.h.  The page carries the report itself
 * as JSON in a <script type="application/json"> element and a script that
 * builds the tables with textContent (never innerHTML) and the charts with
 * uPlot; the headline is written here, escaped, so the verdict reads even
 * without scripts.  The assets come from html_assets.c, generated at build
 * time by cmake/CsEmbed.cmake.
 */
#include "capsim/html.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* generated (cmake/CsEmbed.cmake) */
extern const unsigned char cs_html_uplot_js[], cs_html_uplot_css[];
extern const unsigned char cs_html_page_js[], cs_html_page_css[];

struct html_buf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void
html_grow(struct html_buf *b, size_t more)
{
	size_t cap;
	char *v;

	if (b->oom || b->len + more + 1 <= b->cap)
		return;
	cap = (b->len + more + 1) * 2;
	if ((v = realloc(b->p, cap)) == NULL) {
		b->oom = true;
		return;
	}
	b->p = v;
	b->cap = cap;
}

static void
html_raw(struct html_buf *b, const char *s)
{
	size_t n = strlen(s);

	html_grow(b, n);
	if (b->oom)
		return;
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

static void
html_text(struct html_buf *b, const char *s)
{
	size_t n = cs_html_escape(NULL, 0, s);

	html_grow(b, n);
	if (b->oom)
		return;
	cs_html_escape(b->p + b->len, b->cap - b->len, s);
	b->len += n;
}

size_t
cs_html_escape(char *dst, size_t cap, const char *s)
{
	size_t n = 0;

	if (cap > 0)
		dst[0] = '\0';
	for (; s != NULL && *s != '\0'; s++) {
		const char *rep = NULL;
		char one[2] = { *s, '\0' };
		size_t k;

		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			rep = one;
			break;
		}
		k = strlen(rep);
		if (n + k < cap) {
			memcpy(dst + n, rep, k);
			dst[n + k] = '\0';
		} else if (cap > 0) {
			cap = n + 1; /* stop writing; keep counting */
			dst[n] = '\0';
		}
		n += k;
	}
	return n;
}

/* The JSON text with < > & written as \u escapes: still the same JSON
 * (they only occur inside strings), and it can no longer close the
 * <script> element or open a comment. */
static void
html_json(struct html_buf *b, const char *json)
{
	for (const char *s = json; *s != '\0' && !b->oom; s++) {
		char c[2] = { *s, '\0' };

		if (*s == '<')
			html_raw(b, "\\u003c");
		else if (*s == '>')
			html_raw(b, "\\u003e");
		else if (*s == '&')
			html_raw(b, "\\u0026");
		else
			html_raw(b, c);
	}
}

static int __attribute__((format(printf, 5, 6)))
html_fail(struct cs_html_err *err, int line, int column, size_t offset,
    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -EBADMSG;
	err->line = line;
	err->column = column;
	err->offset = offset;
	va_start(ap, fmt);
	vsnprintf(err->what, sizeof(err->what), fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

/* The headline: PASS, FAIL, INTERRUPTED or INCONCLUSIVE, then the
 * diagnosis code and summary when the report has them.  Sets *cls to the
 * page's class for it. */
static void
html_verdict(struct html_buf *b, json_t *root, const char **cls)
{
	json_t *passed = json_object_get(root, "passed");
	json_t *diag = json_object_get(root, "diagnosis");
	const char *code = json_string_value(json_object_get(diag, "code"));
	const char *summary =
	    json_string_value(json_object_get(diag, "summary"));

	if (json_is_true(json_object_get(root, "interrupted"))) {
		/* capsim stopped early: the numbers are partial */
		*cls = "inconclusive";
		html_raw(b, "INTERRUPTED");
	} else if (json_is_boolean(passed)) {
		*cls = json_is_true(passed) ? "pass" : "fail";
		html_raw(b, json_is_true(passed) ? "PASS" : "FAIL");
	} else {
		*cls = "inconclusive";
		html_raw(b, "INCONCLUSIVE");
	}
	if (code != NULL) {
		html_raw(b, ": ");
		html_text(b, code);
	}
	if (summary != NULL) {
		html_raw(b, " \xe2\x80\x94 "); /* em dash */
		html_text(b, summary);
	}
}

int
cs_report_html(
    char **out, const char *json, size_t len, struct cs_html_err *err)
{
	struct html_buf b = { NULL, 0, 0, false };
	struct html_buf head = { NULL, 0, 0, false };
	json_error_t je;
	json_t *root;
	char *compact;
	const char *cls = "inconclusive";
	const char *scn_name;

	if (out == NULL || json == NULL)
		return -EINVAL;
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return html_fail(err, je.line, je.column, (size_t)je.position,
		    "not JSON: %s", je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return html_fail(err, 1, 1, 0,
		    "not a capsim run report: the top level is not an object");
	}
	if (!json_is_integer(json_object_get(root, "aps")) ||
	    !json_is_object(json_object_get(root, "phases"))) {
		json_decref(root);
		return html_fail(err, 0, 0, 0,
		    "not a capsim run report: no \"aps\" count or no "
		    "\"phases\" object");
	}
	if ((compact = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER)) ==
	    NULL) {
		json_decref(root);
		return -ENOMEM;
	}
	html_verdict(&head, root, &cls);
	scn_name = json_string_value(
	    json_object_get(json_object_get(root, "scenario"), "name"));

	html_raw(&b,
	    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<meta name=\"generator\" content=\"capsim\">\n<title>capsim");
	if (scn_name != NULL) {
		html_raw(&b, " ");
		html_text(&b, scn_name);
	}
	html_raw(&b, ": ");
	if (!head.oom)
		html_raw(&b, head.p);
	html_raw(&b, "</title>\n<style>\n");
	html_raw(&b, (const char *)cs_html_uplot_css);
	html_raw(&b, "\n</style>\n<style>\n");
	html_raw(&b, (const char *)cs_html_page_css);
	html_raw(&b,
	    "\n</style>\n</head>\n<body>\n<header>\n"
	    "<h1>capsim run report</h1>\n<p id=\"verdict\" class=\"");
	html_raw(&b, cls);
	html_raw(&b, "\">");
	if (!head.oom)
		html_raw(&b, head.p);
	html_raw(&b,
	    "</p>\n</header>\n<main id=\"app\">"
	    "<noscript>The charts and tables need JavaScript; the "
	    "report's data is in this page's capsim-data "
	    "element.</noscript></main>\n"
	    "<script type=\"application/json\" id=\"capsim-data\">");
	html_json(&b, compact);
	html_raw(&b, "</script>\n<script>\n");
	html_raw(&b, (const char *)cs_html_uplot_js);
	html_raw(&b, "\n</script>\n<script>\n");
	html_raw(&b, (const char *)cs_html_page_js);
	html_raw(&b, "\n</script>\n</body>\n</html>\n");

	free(compact);
	free(head.p);
	json_decref(root);
	if (b.oom) {
		free(b.p);
		return -ENOMEM;
	}
	*out = b.p;
	return 0;
}
