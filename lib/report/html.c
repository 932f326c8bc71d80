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
	bool full = false;

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
		if (!full && n + k < cap) {
			memcpy(dst + n, rep, k);
			dst[n + k] = '\0';
		} else {
			full = true; /* stop writing (never split a reference);
			                keep counting */
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

static const char *
html_kind_name(json_type t)
{
	switch (t) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

static const char *
html_type_name(const json_t *v)
{
	return html_kind_name(json_typeof(v));
}

/* The report's shape where the page relies on it: key (dotted path from
 * the top), the type it must have when present, and whether every member
 * (of an object) or element (of an array) must be an object. */
struct html_shape {
	const char *path;
	json_type type;
	bool is_required, has_object_members;
};

static const struct html_shape html_shapes[] = {
	{ "aps", JSON_INTEGER, true, false },
	{ "phases", JSON_OBJECT, true, true },
	{ "passed", JSON_TRUE, false, false }, /* JSON_TRUE: a boolean */
	{ "interrupted", JSON_TRUE, false, false },
	{ "diagnosis", JSON_OBJECT, false, false },
	{ "expectations", JSON_ARRAY, false, true },
	{ "failures", JSON_OBJECT, false, true },
	{ "histograms", JSON_OBJECT, false, true },
	{ "states", JSON_OBJECT, false, false },
	{ "resources", JSON_OBJECT, false, false },
	{ "scenario", JSON_OBJECT, false, false },
	{ "rates", JSON_OBJECT, false, false },
	{ "impairments", JSON_ARRAY, false, true },
	{ "wlc_counters", JSON_OBJECT, false, false },
	{ "timeseries", JSON_OBJECT, false, false },
	{ "timeseries.t_s", JSON_ARRAY, false, false },
	{ "timeseries.marks", JSON_ARRAY, false, true },
	{ "timeseries.states", JSON_OBJECT, false, false },
	{ "timeseries.failures_by_phase", JSON_OBJECT, false, false },
	{ "timeseries.latency_ms", JSON_OBJECT, false, true },
	{ "timeseries.health", JSON_OBJECT, false, false },
	{ "clients", JSON_OBJECT, false, false },
	{ "clients.phases", JSON_OBJECT, false, true },
	{ "clients.reasons", JSON_ARRAY, false, true },
	{ "clients.diagnosis", JSON_OBJECT, false, false },
};

/* root[path] for a dotted path, or NULL. */
static json_t *
html_get(json_t *root, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.')) != NULL) {
		size_t n = (size_t)(dot - path);

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		root = json_object_get(root, key);
		path = dot + 1;
	}
	return json_object_get(root, path);
}

static bool
html_type_ok(const json_t *v, json_type want)
{
	if (want == JSON_TRUE)
		return json_is_boolean(v);
	return json_typeof(v) == want;
}

/* 0, or -EBADMSG with *err naming the key and what it is instead. */
static int
html_check_shape(json_t *root, struct cs_html_err *err)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(html_shapes); i++) {
		const struct html_shape *sh = &html_shapes[i];
		json_t *v = html_get(root, sh->path), *m;
		const char *k;
		size_t j;

		if (v == NULL) {
			if (sh->is_required)
				return html_fail(err, 0, 0, 0,
				    "not a capsim run report: no \"%s\"",
				    sh->path);
			continue;
		}
		if (!html_type_ok(v, sh->type))
			return html_fail(err, 0, 0, 0,
			    "not a capsim run report: \"%s\" is %s, expected "
			    "%s",
			    sh->path, html_type_name(v),
			    sh->type == JSON_TRUE ? "a boolean"
			                          : html_kind_name(sh->type));
		if (!sh->has_object_members)
			continue;
		if (json_is_array(v)) {
			for (j = 0; j < json_array_size(v); j++) {
				m = json_array_get(v, j);
				if (!json_is_object(m))
					return html_fail(err, 0, 0, 0,
					    "not a capsim run report: "
					    "\"%s[%zu]\" is %s, expected an "
					    "object",
					    sh->path, j, html_type_name(m));
			}
			continue;
		}
		for (void *it = json_object_iter(v); it != NULL;
		     it = json_object_iter_next(v, it)) {
			k = json_object_iter_key(it);
			m = json_object_iter_value(it);
			if (!json_is_object(m))
				return html_fail(err, 0, 0, 0,
				    "not a capsim run report: \"%s.%s\" is "
				    "%s, expected an object",
				    sh->path, k, html_type_name(m));
		}
	}
	return 0;
}

/* The headline: PASS, FAIL, INTERRUPTED, CAPSIM LIMITED THE RUN (its own
 * health failed) or INCONCLUSIVE (no pass/fail, or a failure the diagnosis
 * cannot explain), then the diagnosis code and summary when the report
 * has them.  Sets *cls to the
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
	} else if (json_is_true(passed)) {
		*cls = "pass";
		html_raw(b, "PASS");
	} else if (json_is_false(passed) &&
	    json_is_false(
	        json_object_get(json_object_get(diag, "self_health"), "ok"))) {
		/* capsim's own health failed: it limited the run, and a
		 * failure does not blame the path or the controller */
		*cls = "inconclusive";
		html_raw(b, "CAPSIM LIMITED THE RUN");
	} else if (json_is_false(passed) && code != NULL &&
	    strcmp(code, "inconclusive") == 0) {
		*cls = "inconclusive";
		html_raw(b, "INCONCLUSIVE");
	} else if (json_is_false(passed)) {
		*cls = "fail";
		html_raw(b, "FAIL");
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
	int r;

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
	if ((r = html_check_shape(root, err)) < 0) {
		json_decref(root);
		return r;
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
