/* SPDX-License-Identifier: MIT */
/* JUnit XML report: well-formed (checked by a small strict parser here),
 * one testcase per expectation or the default cases, failure elements
 * with measured values, escaping of markup, controls and bad UTF-8. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/report.h"
#include "capsim/scenario.h"

/* ---- a minimal strict XML reader: elements, attributes, text ---- */

#define X_MAX_EL   64
#define X_MAX_ATTR 8

struct x_el {
	char name[32];
	int parent;
	unsigned nattr;
	char key[X_MAX_ATTR][32];
	char val[X_MAX_ATTR][512];
	char text[1024];
};

struct x_doc {
	struct x_el el[X_MAX_EL];
	unsigned n;
};

/* Decodes one reference at *p (after '&') into out; fails on anything
 * XML does not define. */
static void
x_ref(const char **p, char **out)
{
	static const struct {
		const char *name;
		char c;
	} ents[] = { { "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "apos;", '\'' } };

	for (size_t i = 0; i < 5; i++)
		if (strncmp(*p, ents[i].name, strlen(ents[i].name)) == 0) {
			*(*out)++ = ents[i].c;
			*p += strlen(ents[i].name);
			return;
		}
	if (**p == '#') {
		char *end;
		long v = strtol(*p + 1, &end, 10);

		assert_true(end > *p + 1 && *end == ';');
		assert_true(v == 9 || v == 10 || v == 13); /* all we emit */
		*(*out)++ = (char)v;
		*p = end + 1;
		return;
	}
	fail_msg("bad reference at &%.10s", *p);
}

static const char *
x_name(const char *p, char *out, size_t len)
{
	size_t n = 0;

	assert_true((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'));
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_') {
		assert_true(n + 1 < len);
		out[n++] = *p++;
	}
	out[n] = '\0';
	return p;
}

static void
x_parse(const char *s, struct x_doc *d)
{
	int stack[16], top = 0, roots = 0;
	const char *p = s;

	memset(d, 0, sizeof(*d));
	assert_true(strncmp(p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
	                39) == 0);
	p += 39;
	while (*p != '\0') {
		if (*p == '<' && p[1] == '/') {
			char name[32];

			assert_true(top > 0);
			p = x_name(p + 2, name, sizeof(name));
			assert_string_equal(name, d->el[stack[top - 1]].name);
			assert_int_equal(*p, '>');
			p++;
			top--;
			continue;
		}
		if (*p == '<') {
			struct x_el *e;

			assert_true(d->n < X_MAX_EL && top < 16);
			e = &d->el[d->n];
			e->parent = top > 0 ? stack[top - 1] : -1;
			roots += top == 0;
			p = x_name(p + 1, e->name, sizeof(e->name));
			while (*p == ' ') {
				char *o;

				assert_true(e->nattr < X_MAX_ATTR);
				p = x_name(p + 1, e->key[e->nattr], 32);
				assert_int_equal(p[0], '=');
				assert_int_equal(p[1], '"');
				p += 2;
				o = e->val[e->nattr];
				while (*p != '"') {
					assert_true(*p != '\0' && *p != '<' &&
					    *p != '\n' && *p != '\t');
					assert_true(o < e->val[e->nattr] + 500);
					if (*p == '&') {
						p++;
						x_ref(&p, &o);
					} else {
						*o++ = *p++;
					}
				}
				*o = '\0';
				p++;
				e->nattr++;
			}
			if (p[0] == '/' && p[1] == '>') {
				p += 2;
				d->n++;
				continue;
			}
			assert_int_equal(*p, '>');
			p++;
			stack[top++] = (int)d->n++;
			continue;
		}
		/* character data: in an element, or whitespace between */
		{
			char *o = top > 0 ? d->el[stack[top - 1]].text : NULL;

			if (o != NULL)
				o += strlen(o);
			while (*p != '\0' && *p != '<') {
				char c[4], *cp = c;

				if (*p == '&') {
					p++;
					x_ref(&p, &cp);
				} else {
					assert_true((unsigned char)*p >= 0x20 ||
					    *p == '\n' || *p == '\t');
					*cp++ = *p++;
				}
				if (o == NULL) {
					assert_true(
					    c[0] == ' ' || c[0] == '\n');
					continue;
				}
				*o++ = c[0];
				*o = '\0';
			}
		}
	}
	assert_int_equal(top, 0);
	assert_int_equal(roots, 1);
}

static const char *
x_attr(const struct x_el *e, const char *key)
{
	for (unsigned i = 0; i < e->nattr; i++)
		if (strcmp(e->key[i], key) == 0)
			return e->val[i];
	return NULL;
}

/* The k-th element called name (0-based), or NULL. */
static const struct x_el *
x_find(const struct x_doc *d, const char *name, unsigned k)
{
	for (unsigned i = 0; i < d->n; i++)
		if (strcmp(d->el[i].name, name) == 0 && k-- == 0)
			return &d->el[i];
	return NULL;
}

/* Child `name` of element index `parent`, or NULL. */
static const struct x_el *
x_child(const struct x_doc *d, const struct x_el *parent, const char *name)
{
	int pi = (int)(parent - d->el);

	for (unsigned i = 0; i < d->n; i++)
		if (d->el[i].parent == pi && strcmp(d->el[i].name, name) == 0)
			return &d->el[i];
	return NULL;
}

/* ---- fixtures ---- */

struct fix {
	struct cs_metrics m;
	struct cs_ap_track t;
	struct cs_run_summary s;
	struct x_doc doc;
};

static void
fail_ev(struct fix *f, enum cs_phase ph, const char *reason)
{
	struct cs_ap_event ev = { 0 };

	ev.kind = CS_AP_EV_FAILURE;
	ev.phase = ph;
	ev.reason = reason;
	cs_metrics_ap_event(&f->m, &f->t, &ev);
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	cs_metrics_init(&f->m);
	cs_ap_track_init(&f->t);
	f->s.aps = 10;
	f->s.joined = 10;
	f->s.in_run = 10;
	f->s.duration_s = 12.25;
	f->s.seed = 7;
	f->s.wlc = "embedded 127.0.0.1:5246";
	f->s.m = &f->m;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	cs_metrics_free(&f->m);
	free(f);
	return 0;
}

static void
render(struct fix *f)
{
	char *xml = cs_report_junit(&f->s);

	assert_non_null(xml);
	x_parse(xml, &f->doc);
	free(xml);
}

static void
test_default_all_in_run(void **state)
{
	struct fix *f = *state;
	const struct x_el *suites, *suite, *tc;

	fail_ev(f, CS_PHASE_DTLS, "no response to ClientHello after 6 tries");
	render(f);
	suites = x_find(&f->doc, "testsuites", 0);
	assert_non_null(suites);
	assert_string_equal(x_attr(suites, "tests"), "2");
	assert_string_equal(x_attr(suites, "failures"), "0");
	suite = x_find(&f->doc, "testsuite", 0);
	assert_string_equal(x_attr(suite, "name"), "capsim");
	assert_string_equal(x_attr(suite, "time"), "12.250");
	assert_string_equal(x_attr(suite, "tests"), "2");
	assert_string_equal(x_attr(suite, "failures"), "0");
	assert_string_equal(
	    x_attr(x_find(&f->doc, "property", 0), "name"), "seed");
	assert_string_equal(
	    x_attr(x_find(&f->doc, "property", 0), "value"), "7");
	tc = x_find(&f->doc, "testcase", 0);
	assert_string_equal(x_attr(tc, "name"), "all APs in Run");
	assert_string_equal(x_attr(tc, "classname"), "capsim");
	assert_null(x_child(&f->doc, tc, "failure"));
	assert_string_equal(x_child(&f->doc, tc, "system-out")->text,
	    "10 of 10 APs in Run, 0 left Run");
	/* a phase with failures that the retries overcame: reported, passing */
	tc = x_find(&f->doc, "testcase", 1);
	assert_string_equal(x_attr(tc, "name"), "failures in dtls-handshake");
	assert_null(x_child(&f->doc, tc, "failure"));
	assert_string_equal(x_child(&f->doc, tc, "system-out")->text,
	    "1 failures in dtls-handshake: no response to ClientHello after 6 "
	    "tries (1)");
	assert_null(x_find(&f->doc, "testcase", 2));
}

static void
test_default_not_all_in_run(void **state)
{
	struct fix *f = *state;
	const struct x_el *tc, *fl;

	f->s.in_run = 7;
	f->s.left_run = 1;
	f->s.scenario_name = "smoke <&> \"q\"";
	fail_ev(f, CS_PHASE_DTLS, "peer certificate not yet valid");
	fail_ev(f, CS_PHASE_DTLS, "peer certificate not yet valid");
	fail_ev(f, CS_PHASE_JOIN, "result code 4 <Join Failure>");
	render(f);
	assert_string_equal(
	    x_attr(x_find(&f->doc, "testsuite", 0), "name"), "smoke <&> \"q\"");
	assert_string_equal(
	    x_attr(x_find(&f->doc, "testsuite", 0), "failures"), "3");
	assert_string_equal(
	    x_attr(x_find(&f->doc, "testsuite", 0), "tests"), "3");
	tc = x_find(&f->doc, "testcase", 0);
	assert_string_equal(x_attr(tc, "classname"), "smoke <&> \"q\"");
	fl = x_child(&f->doc, tc, "failure");
	assert_non_null(fl);
	assert_string_equal(
	    x_attr(fl, "message"), "7 of 10 APs in Run, 1 left Run");
	tc = x_find(&f->doc, "testcase", 1);
	assert_string_equal(x_attr(tc, "name"), "failures in dtls-handshake");
	fl = x_child(&f->doc, tc, "failure");
	assert_string_equal(
	    x_attr(fl, "message"), "2 failures in dtls-handshake");
	assert_string_equal(x_attr(fl, "type"), "dtls-handshake");
	assert_string_equal(fl->text, "peer certificate not yet valid (2)");
	tc = x_find(&f->doc, "testcase", 2);
	assert_string_equal(x_attr(tc, "name"), "failures in join");
	assert_string_equal(x_child(&f->doc, tc, "failure")->text,
	    "result code 4 <Join Failure> (1)");
}

static void
test_expectations(void **state)
{
	struct fix *f = *state;
	struct cs_expect_result ex[3];
	struct cs_report_diag diag = { .code = "return-path-loss",
		.summary = "no ServerHello",
		.hint = "check\nthe firewall",
		.aps_affected = 3 };
	const struct x_el *tc, *fl;

	memset(ex, 0, sizeof(ex));
	ex[0].text = "joined >= 99%";
	ex[0].pass = true;
	strcpy(ex[0].measured, "10 (100.0%)");
	ex[1].text = "phase.dtls.p95 <= 200ms";
	strcpy(ex[1].measured, "1530 ms");
	strcpy(ex[1].message, "phase.dtls.p95 <= 200ms: measured 1530 ms");
	ex[2].text = "diagnosis == 'ok' \x01\xff";
	ex[2].missing = true;
	strcpy(ex[2].measured, "n/a");
	strcpy(ex[2].message, "no diagnosis\tavailable");
	f->s.expect = ex;
	f->s.n_expect = 3;
	f->s.diag = &diag;
	f->s.scenario_file = "scenarios/a&b.yaml";
	fail_ev(f, CS_PHASE_DTLS, "x"); /* not a testcase with expectations */
	render(f);
	assert_string_equal(
	    x_attr(x_find(&f->doc, "testsuite", 0), "tests"), "3");
	assert_string_equal(
	    x_attr(x_find(&f->doc, "testsuite", 0), "failures"), "2");
	tc = x_find(&f->doc, "testcase", 0);
	assert_string_equal(x_attr(tc, "name"), "joined >= 99%");
	assert_string_equal(x_attr(tc, "time"), "0.000");
	assert_null(x_child(&f->doc, tc, "failure"));
	assert_string_equal(
	    x_child(&f->doc, tc, "system-out")->text, "measured: 10 (100.0%)");
	tc = x_find(&f->doc, "testcase", 1);
	assert_string_equal(x_attr(tc, "name"), "phase.dtls.p95 <= 200ms");
	fl = x_child(&f->doc, tc, "failure");
	assert_string_equal(
	    x_attr(fl, "message"), "phase.dtls.p95 <= 200ms: measured 1530 ms");
	assert_string_equal(x_attr(fl, "type"), "expectation");
	assert_string_equal(fl->text, "measured: 1530 ms");
	tc = x_find(&f->doc, "testcase", 2);
	/* control character and invalid UTF-8 replaced, tab kept */
	assert_string_equal(x_attr(tc, "name"), "diagnosis == 'ok' ??");
	fl = x_child(&f->doc, tc, "failure");
	assert_string_equal(x_attr(fl, "type"), "missing-metric");
	assert_string_equal(x_attr(fl, "message"), "no diagnosis\tavailable");
	assert_null(x_find(&f->doc, "testcase", 3));
	assert_string_equal(x_attr(x_find(&f->doc, "property", 3), "value"),
	    "scenarios/a&b.yaml");
	assert_string_equal(
	    x_attr(x_find(&f->doc, "property", 5), "name"), "diagnosis");
	assert_string_equal(x_attr(x_find(&f->doc, "property", 5), "value"),
	    "return-path-loss");
	/* suite system-out: diagnosis with hint */
	tc = x_find(&f->doc, "system-out", 1);
	assert_string_equal(tc->text,
	    "diagnosis: return-path-loss: no ServerHello\nhint: check\nthe "
	    "firewall");
}

static void
test_utf8_kept(void **state)
{
	struct fix *f = *state;

	f->s.scenario_name = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xb6";
	render(f);
	assert_string_equal(x_attr(x_find(&f->doc, "testsuite", 0), "name"),
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xb6");
	/* overlong, surrogate, truncated sequences are replaced */
	f->s.scenario_name = "a\xc0\xaf b\xed\xa0\x80 c\xe2\x82";
	render(f);
	assert_string_equal(
	    x_attr(x_find(&f->doc, "testsuite", 0), "name"), "a?? b??? c??");
}

static void
test_args(void **state)
{
	struct fix *f = *state;
	struct cs_run_summary s = { 0 };

	assert_null(cs_report_junit(NULL));
	assert_null(cs_report_junit(&s));
	f->s.n_expect = 1; /* count without array */
	assert_null(cs_report_junit(&f->s));
}

/* capsim's own health bad: an <error> testcase (CI tells it from a
 * failure), the causes and their APs as properties and in system-out. */
static void
test_self_health(void **state)
{
	struct fix *f = *state;
	static const struct cs_report_ap aps[] = { { "capsim-ap-00001",
	    "02:ca:75:00:00:01", "127.1.0.1" } };
	struct cs_report_cause causes[] = { { .cause = "simulator-overloaded",
	    .aps = 7,
	    .confidence = "medium",
	    .evidence = "loop 22 s late",
	    .ap_names = "capsim-ap-00001..00007",
	    .ap_list = aps,
	    .n_ap_list = 1 } };
	struct cs_report_diag diag = { .code = "simulator-overloaded",
		.summary = "7 of 9 APs",
		.aps_affected = 7,
		.confidence = "medium",
		.causes = causes,
		.n_causes = 1,
		.self_bad = true,
		.self_text = "capsim's own health; its event loop ran late" };
	const struct x_el *tc, *er, *suite;
	unsigned k = 0;
	char *xml;

	f->s.diag = &diag;
	render(f);
	suite = x_find(&f->doc, "testsuite", 0);
	assert_string_equal(x_attr(suite, "errors"), "1");
	while ((tc = x_find(&f->doc, "testcase", k)) != NULL &&
	    strcmp(x_attr(tc, "name"), "capsim self-health") != 0)
		k++;
	assert_non_null(tc);
	er = x_child(&f->doc, tc, "error");
	assert_non_null(er);
	assert_string_equal(x_attr(er, "type"), "capsim-limited");
	assert_non_null(strstr(x_attr(er, "message"), "ran late"));
	xml = cs_report_junit(&f->s);
	assert_non_null(xml);
	assert_non_null(strstr(xml,
	    "name=\"diagnosis.simulator-overloaded"
	    ".ap_names\" value=\"capsim-ap-00001.."
	    "00007\""));
	assert_non_null(strstr(xml, "name=\"self_health\" value=\"bad\""));
	assert_non_null(strstr(xml,
	    "cause simulator-overloaded (7 APs, "
	    "medium): capsim-ap-00001..00007"));
	free(xml);
	/* healthy: no error testcase */
	diag.self_bad = false;
	xml = cs_report_junit(&f->s);
	assert_non_null(xml);
	assert_non_null(strstr(xml, "errors=\"0\""));
	assert_null(strstr(xml, "capsim self-health"));
	assert_non_null(strstr(xml, "name=\"self_health\" value=\"ok\""));
	free(xml);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_default_all_in_run, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_default_not_all_in_run, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_expectations, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_utf8_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_args, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_self_health, setup, teardown),
	};

	return cmocka_run_group_tests_name("junit", tests, NULL, NULL);
}
