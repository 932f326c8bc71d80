/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the report writers with hostile text (failure reasons, scenario
 * and AP names, expectation texts: any bytes, invalid UTF-8, controls,
 * markup) and asserts that every output stays well-formed: the JSON
 * report and each event line parse with jansson, the JUnit XML has only
 * valid references, tags and characters, and every Prometheus line is a
 * comment or `name{labels} value`.
 */
#include <assert.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/events.h"
#include "capsim/prom.h"
#include "capsim/report.h"
#include "capsim/scenario.h"
#include "report/report-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_STR 12

/* Splits the input at 0x00 bytes into up to N_STR NUL-terminated strings
 * (the rest are ""). */
static void
split(const uint8_t *data, size_t size, char *buf, const char *str[N_STR])
{
	size_t k = 0;

	memcpy(buf, data, size);
	buf[size] = '\0';
	for (size_t i = 0; i < N_STR; i++)
		str[i] = "";
	str[k++] = buf;
	for (size_t i = 0; i < size && k < N_STR; i++)
		if (buf[i] == '\0')
			str[k++] = buf + i + 1;
}

static void
check_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		size_t n = cs_utf8_len(p);

		assert(n > 0);
		p += n;
	}
}

/* Character-level well-formedness of our XML (XML 1.0 §2.2, §2.4, §4.1). */
static void
check_xml(const char *x)
{
	static const char *const refs[] = { "&amp;", "&lt;", "&gt;", "&quot;",
		"&apos;", "&#9;", "&#10;", "&#13;" };
	int depth = 0;

	check_utf8(x);
	for (const char *p = x; *p != '\0'; p++) {
		assert((unsigned char)*p >= 0x20 || *p == '\n');
		if (*p == '&') {
			bool ok = false;

			for (size_t i = 0; i < 8 && !ok; i++)
				ok = strncmp(p, refs[i], strlen(refs[i])) == 0;
			assert(ok);
		}
		if (*p == '<') {
			const char *q = strchr(p, '>');

			assert(q != NULL);
			/* no quote-breaking inside a tag: quotes pair up */
			{
				int quotes = 0;

				for (const char *r = p; r < q; r++)
					quotes += *r == '"';
				assert(quotes % 2 == 0);
			}
			if (p[1] == '/')
				depth--;
			else if (p[1] != '?' && q[-1] != '/')
				depth++;
			assert(depth >= 0);
			p = q;
		}
	}
	assert(depth == 0);
}

static void
check_prom(const char *t)
{
	check_utf8(t);
	while (*t != '\0') {
		const char *eol = strchr(t, '\n'), *p = t;

		assert(eol != NULL && eol > t);
		if (*t == '#') {
			t = eol + 1;
			continue;
		}
		while (*p == '_' || *p == ':' || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
			p++;
		assert(p > t);
		if (*p == '{') {
			p++;
			for (;;) {
				while (*p == '_' || (*p >= 'a' && *p <= 'z'))
					p++;
				assert(p[0] == '=' && p[1] == '"');
				p += 2;
				while (*p != '"') {
					assert(p < eol);
					if (*p == '\\') {
						p++;
						assert(*p == '\\' ||
						    *p == '"' || *p == 'n');
					}
					p++;
				}
				p++;
				if (*p != ',')
					break;
				p++;
			}
			assert(*p == '}');
			p++;
		}
		assert(*p == ' ');
		t = eol + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *str[N_STR];
	struct cs_metrics m;
	struct cs_ap_track t;
	struct cs_run_summary s = { 0 };
	struct cs_expect_result ex[2];
	struct cs_report_kv kv[2];
	struct cs_report_rule rule = { 0 };
	struct cs_report_diag diag = { 0 }; /* fields the input does not set */
	struct cs_prom_snapshot ps = { 0 };
	struct cs_wlc_counters wc = { 0 };
	struct cs_prom_rule prule = { 0 };
	struct cs_events *w;
	struct cs_events_ap ap;
	struct cs_ap_event ev = { 0 };
	char *buf, *out, *lines = NULL;
	size_t lines_len = 0;
	FILE *fp;
	json_t *j;

	if (size > 4096)
		return 0;
	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	split(data, size, buf, str);
	cs_metrics_init(&m);
	cs_ap_track_init(&t);
	ev.kind = CS_AP_EV_FAILURE;
	for (int i = 0; i < 4; i++) {
		ev.phase = (enum cs_phase)(
		    (size > (size_t)i ? data[i] : 0) % CS_PHASE__COUNT);
		ev.reason = str[i];
		cs_metrics_ap_event(&m, &t, &ev);
	}
	memset(ex, 0, sizeof(ex));
	for (int i = 0; i < 2; i++) {
		ex[i].text = str[4 + i];
		snprintf(ex[i].measured, sizeof(ex[i].measured), "%s", str[6]);
		snprintf(ex[i].message, sizeof(ex[i].message), "%s", str[7]);
		ex[i].pass = i == 0;
	}
	kv[0].name = str[8];
	kv[0].value = size;
	kv[1].name = "name";
	kv[1].value = 1;
	rule.name = str[9];
	rule.counters = kv;
	rule.n_counters = 2;
	diag.code = str[10];
	diag.summary = str[11];
	diag.hint = str[8];
	diag.aps_affected = 1;
	diag.counts = kv;
	diag.n_counts = 2;
	s.aps = 2;
	s.in_run = 1;
	s.m = &m;
	s.scenario_name = str[9];
	s.scenario_file = str[10];
	s.wlc = str[11];
	s.diag = &diag;
	s.rules = &rule;
	s.n_rules = 1;
	s.wlc_counters = kv;
	s.n_wlc_counters = 2;

	out = cs_report_json(&s);
	assert(out != NULL);
	j = json_loads(out, 0, NULL);
	assert(j != NULL);
	json_decref(j);
	free(out);

	out = cs_report_junit(&s); /* default testcases */
	assert(out != NULL);
	check_xml(out);
	free(out);
	s.expect = ex;
	s.n_expect = 2;
	out = cs_report_junit(&s);
	assert(out != NULL);
	check_xml(out);
	free(out);

	ps.m = &m;
	ps.wlc = &wc;
	wc.join_result[4] = 3;
	prule.name = str[11]; /* a user's rule name becomes a label */
	prule.st.matched = 5;
	ps.rules = &prule;
	ps.n_rules = 1;
	out = cs_prom_text(&ps);
	assert(out != NULL);
	check_prom(out);
	free(out);

	fp = open_memstream(&lines, &lines_len);
	assert(fp != NULL);
	assert(cs_events_open_fp(&w, fp, false) == 0);
	ap.index = 1;
	ap.mac = NULL;
	ap.name = str[1];
	ev.reason = str[2];
	assert(cs_events_ap(w, &ap, &ev) == 0);
	{
		struct cs_events_rec r = { 0 };

		r.kind = str[3];
		r.msg = str[4];
		r.reason = str[5];
		assert(cs_events_write(w, &r) == 0);
	}
	assert(cs_events_close(w) == 0);
	fclose(fp);
	for (char *p = lines; p != NULL && *p != '\0';) {
		char *nl = strchr(p, '\n');

		assert(nl != NULL);
		*nl = '\0';
		j = json_loads(p, 0, NULL);
		assert(j != NULL);
		json_decref(j);
		p = nl + 1;
	}
	free(lines);
	cs_metrics_free(&m);
	free(buf);
	return 0;
}
