/* SPDX-License-Identifier: MIT */
/*
 * JUnit XML report (`--junit FILE`) for CI systems; see capsim/report.h.
 * The document is small and flat, so it is written with stdio and one
 * careful escaper (XML 1.0 §2.2 characters, §2.4 markup) rather than a
 * new XML library dependency.
 */
#include "capsim/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/scenario.h"
#include "report-internal.h"

/* Writes s escaped for both attribute values (in double quotes) and
 * character data.  Characters XML 1.0 forbids (C0 controls but tab, LF,
 * CR) and invalid UTF-8 bytes become '?'; CR/LF/tab in attributes are
 * written as character references so they survive normalisation. */
static void
junit_esc(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");

	while (*p != '\0') {
		size_t n;

		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		case '\t':
			fputs("&#9;", f);
			break;
		case '\n':
			fputs("&#10;", f);
			break;
		case '\r':
			fputs("&#13;", f);
			break;
		default:
			if (*p < 0x20) {
				fputc('?', f);
				break;
			}
			if ((n = cs_utf8_len(p)) == 0) {
				fputc('?', f);
				break;
			}
			fwrite(p, 1, n, f);
			p += n - 1;
			break;
		}
		p++;
	}
}

static void
junit_attr(FILE *f, const char *name, const char *v)
{
	fprintf(f, " %s=\"", name);
	junit_esc(f, v);
	fputc('"', f);
}

/* Reasons of one phase: "reason (n), reason (n)". */
static void
junit_reasons(FILE *f, const struct cs_metrics *m, int p)
{
	const char *sep = "";

	for (unsigned k = 0; k < m->n_reasons[p]; k++) {
		fputs(sep, f);
		junit_esc(f, m->reasons[p][k].reason);
		fprintf(
		    f, " (%llu)", (unsigned long long)m->reasons[p][k].count);
		sep = ", ";
	}
	if (m->other_reasons[p] > 0)
		fprintf(f, "%sother (%llu)", sep,
		    (unsigned long long)m->other_reasons[p]);
}

static void
junit_case_open(FILE *f, const char *suite, const char *name)
{
	fputs("    <testcase", f);
	junit_attr(f, "classname", suite);
	junit_attr(f, "name", name);
	fputs(" time=\"0.000\"", f);
}

static void
junit_expectations(FILE *f, const struct cs_run_summary *s, const char *suite)
{
	for (size_t i = 0; i < s->n_expect; i++) {
		const struct cs_expect_result *r = &s->expect[i];

		junit_case_open(f, suite, r->text != NULL ? r->text : "");
		if (r->pass) {
			fputs(">\n      <system-out>measured: ", f);
			junit_esc(f, r->measured);
			fputs("</system-out>\n    </testcase>\n", f);
			continue;
		}
		fputs(">\n      <failure", f);
		junit_attr(f, "message", r->message);
		junit_attr(
		    f, "type", r->missing ? "missing-metric" : "expectation");
		fputs(">measured: ", f);
		junit_esc(f, r->measured);
		fputs("</failure>\n    </testcase>\n", f);
	}
}

static void
junit_default_cases(FILE *f, const struct cs_run_summary *s, const char *suite)
{
	bool all_run = s->in_run == s->aps && s->left_run == 0;
	char msg[160];

	snprintf(msg, sizeof(msg), "%u of %u APs in Run, %u left Run",
	    s->in_run, s->aps, s->left_run);
	junit_case_open(f, suite, "all APs in Run");
	if (all_run) {
		fputs(">\n      <system-out>", f);
		junit_esc(f, msg);
		fputs("</system-out>\n    </testcase>\n", f);
	} else {
		fputs(">\n      <failure", f);
		junit_attr(f, "message", msg);
		junit_attr(f, "type", "not-in-run");
		fputs(">", f);
		junit_esc(f, msg);
		fputs("</failure>\n    </testcase>\n", f);
	}
	/* one case per phase with failures; it fails when the run did not
	 * end with every AP in Run (retries that succeeded are reported,
	 * not failed) */
	for (int p = 0; p < CS_PHASE__COUNT; p++) {
		char name[64];

		if (s->m->failures_by_phase[p] == 0)
			continue;
		snprintf(
		    name, sizeof(name), "failures in %s", cs_phase_name(p));
		snprintf(msg, sizeof(msg), "%llu failures in %s",
		    (unsigned long long)s->m->failures_by_phase[p],
		    cs_phase_name(p));
		junit_case_open(f, suite, name);
		if (all_run) {
			fputs(">\n      <system-out>", f);
			junit_esc(f, msg);
			fputs(": ", f);
			junit_reasons(f, s->m, p);
			fputs("</system-out>\n    </testcase>\n", f);
			continue;
		}
		fputs(">\n      <failure", f);
		junit_attr(f, "message", msg);
		junit_attr(f, "type", cs_phase_name(p));
		fputs(">", f);
		junit_reasons(f, s->m, p);
		fputs("</failure>\n    </testcase>\n", f);
	}
}

static unsigned
junit_count(const struct cs_run_summary *s, unsigned *failures)
{
	bool all_run = s->in_run == s->aps && s->left_run == 0;
	unsigned n = 0, nf = 0;

	if (s->n_expect > 0) {
		for (size_t i = 0; i < s->n_expect; i++)
			nf += !s->expect[i].pass;
		*failures = nf;
		return (unsigned)s->n_expect;
	}
	n = 1;
	nf = !all_run;
	for (int p = 0; p < CS_PHASE__COUNT; p++)
		if (s->m->failures_by_phase[p] > 0) {
			n++;
			nf += !all_run;
		}
	*failures = nf;
	return n;
}

static void
junit_property(FILE *f, const char *name, const char *value)
{
	fputs("      <property", f);
	junit_attr(f, "name", name);
	junit_attr(f, "value", value);
	fputs("/>\n", f);
}

char *
cs_report_junit(const struct cs_run_summary *s)
{
	const char *suite;
	unsigned tests, failures;
	char num[64], *buf = NULL;
	size_t len = 0;
	FILE *f;
	bool bad, self_bad;

	if (s == NULL || s->m == NULL || (s->n_expect > 0 && s->expect == NULL))
		return NULL;
	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	suite = s->scenario_name != NULL && s->scenario_name[0] != '\0'
	    ? s->scenario_name
	    : "capsim";
	tests = junit_count(s, &failures);
	/* capsim's own health limited the run: an error, not a failure, so
	 * CI tells it apart from "the controller failed" */
	self_bad = s->diag != NULL && s->diag->self_bad;
	if (self_bad)
		tests++;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", f);
	junit_attr(f, "name", "capsim");
	fprintf(f,
	    " tests=\"%u\" failures=\"%u\" errors=\"%u\" time=\"%.3f\">\n",
	    tests, failures, self_bad ? 1u : 0u, s->duration_s);
	fputs("  <testsuite", f);
	junit_attr(f, "name", suite);
	fprintf(f,
	    " tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"0\" "
	    "time=\"%.3f\">\n    <properties>\n",
	    tests, failures, self_bad ? 1u : 0u, s->duration_s);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)s->seed);
	junit_property(f, "seed", num);
	snprintf(num, sizeof(num), "%u", s->aps);
	junit_property(f, "aps", num);
	snprintf(num, sizeof(num), "%u", s->in_run);
	junit_property(f, "in_run", num);
	if (s->scenario_file != NULL)
		junit_property(f, "scenario_file", s->scenario_file);
	if (s->wlc != NULL)
		junit_property(f, "wlc", s->wlc);
	if (s->diag != NULL && s->diag->code != NULL)
		junit_property(f, "diagnosis", s->diag->code);
	if (s->diag != NULL && s->diag->confidence != NULL)
		junit_property(f, "diagnosis.confidence", s->diag->confidence);
	for (size_t i = 0; s->diag != NULL && i < s->diag->n_causes; i++) {
		const struct cs_report_cause *c = &s->diag->causes[i];
		char name[96], val[64];

		snprintf(name, sizeof(name), "diagnosis.%s.aps", c->cause);
		snprintf(val, sizeof(val), "%u", c->aps);
		junit_property(f, name, val);
		if (c->ap_names != NULL) {
			snprintf(name, sizeof(name), "diagnosis.%s.ap_names",
			    c->cause);
			junit_property(f, name, c->ap_names);
		}
	}
	if (s->diag != NULL && (s->diag->causes != NULL || self_bad))
		junit_property(f, "self_health", self_bad ? "bad" : "ok");
	fputs("    </properties>\n", f);
	if (s->n_expect > 0)
		junit_expectations(f, s, suite);
	else
		junit_default_cases(f, s, suite);
	if (self_bad) {
		fputs("    <testcase", f);
		junit_attr(f, "classname", suite);
		junit_attr(f, "name", "capsim self-health");
		fputs(" time=\"0\">\n      <error", f);
		junit_attr(f, "type", "capsim-limited");
		junit_attr(f, "message",
		    s->diag->self_text != NULL ? s->diag->self_text
		                               : "capsim's own health was bad");
		fputs("/>\n    </testcase>\n", f);
	}
	if (s->diag != NULL && s->diag->code != NULL) {
		fputs("    <system-out>diagnosis: ", f);
		junit_esc(f, s->diag->code);
		if (s->diag->summary != NULL) {
			fputs(": ", f);
			junit_esc(f, s->diag->summary);
		}
		if (s->diag->hint != NULL) {
			fputs("&#10;hint: ", f);
			junit_esc(f, s->diag->hint);
		}
		for (size_t i = 0; i < s->diag->n_causes; i++) {
			const struct cs_report_cause *c = &s->diag->causes[i];

			fputs("&#10;cause ", f);
			junit_esc(f, c->cause);
			fprintf(
			    f, " (%u AP%s, ", c->aps, c->aps == 1 ? "" : "s");
			junit_esc(
			    f, c->confidence != NULL ? c->confidence : "?");
			fputs(")", f);
			if (c->ap_names != NULL) {
				fputs(": ", f);
				junit_esc(f, c->ap_names);
			}
			if (c->evidence != NULL) {
				fputs("&#10;  evidence: ", f);
				junit_esc(f, c->evidence);
			}
		}
		fputs("</system-out>\n", f);
	}
	fputs("  </testsuite>\n</testsuites>\n", f);
	bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad) {
		free(buf);
		return NULL;
	}
	return buf;
}
