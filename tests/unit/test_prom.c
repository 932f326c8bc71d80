/* SPDX-License-Identifier: MIT */
/* Prometheus text exposition: every line well-formed (comment or
 * `name{labels} value`), HELP/TYPE per family, exact cumulative buckets
 * at bucket-edge bounds, label escaping. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/prom.h"

/* ---- a small checker of the 0.0.4 text format ---- */

struct fam {
	char name[96];
	char type[16];
	bool help;
};

static const char *
parse_name(const char *p, bool metric)
{
	if (!(isalpha((unsigned char)*p) || *p == '_' || (metric && *p == ':')))
		return NULL;
	while (isalnum((unsigned char)*p) || *p == '_' || (metric && *p == ':'))
		p++;
	return p;
}

static struct fam *
fam_find(struct fam *f, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(f[i].name) == len &&
		    memcmp(f[i].name, name, len) == 0)
			return &f[i];
	return NULL;
}

/* Family of a sample name: histogram samples map to their base name. */
static struct fam *
sample_fam(struct fam *f, size_t n, const char *name, size_t len)
{
	static const char *const sfx[] = { "_bucket", "_sum", "_count" };
	struct fam *x;

	if ((x = fam_find(f, n, name, len)) != NULL)
		return x;
	for (size_t i = 0; i < 3; i++) {
		size_t sl = strlen(sfx[i]);

		if (len > sl && memcmp(name + len - sl, sfx[i], sl) == 0 &&
		    (x = fam_find(f, n, name, len - sl)) != NULL &&
		    strcmp(x->type, "histogram") == 0)
			return x;
	}
	return NULL;
}

/* Fails the test unless `text` is valid exposition text; returns the
 * number of samples. */
static unsigned
check_text(const char *text)
{
	struct fam fams[64];
	size_t nf = 0;
	unsigned samples = 0;
	const char *p = text;

	assert_true(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
	while (*p != '\0') {
		const char *eol = strchr(p, '\n'), *q, *n;
		char line[512];

		assert_non_null(eol);
		assert_true(eol > p); /* no empty lines */
		assert_true((size_t)(eol - p) < sizeof(line));
		memcpy(line, p, (size_t)(eol - p));
		line[eol - p] = '\0';
		p = eol + 1;
		if (line[0] == '#') {
			bool is_help = strncmp(line, "# HELP ", 7) == 0;
			bool is_type = strncmp(line, "# TYPE ", 7) == 0;
			struct fam *f;

			assert_true(is_help || is_type);
			n = parse_name(line + 7, true);
			assert_non_null(n);
			assert_int_equal(*n, ' ');
			f = fam_find(
			    fams, nf, line + 7, (size_t)(n - line - 7));
			if (f == NULL) {
				assert_true(nf < 64);
				f = &fams[nf++];
				memset(f, 0, sizeof(*f));
				memcpy(
				    f->name, line + 7, (size_t)(n - line - 7));
			}
			if (is_help) {
				assert_false(f->help);
				f->help = true;
				assert_true(strlen(n + 1) > 0);
			} else {
				assert_string_equal(f->type, "");
				assert_true(strcmp(n + 1, "counter") == 0 ||
				    strcmp(n + 1, "gauge") == 0 ||
				    strcmp(n + 1, "histogram") == 0);
				strcpy(f->type, n + 1);
			}
			continue;
		}
		n = parse_name(line, true);
		assert_non_null(n);
		{
			struct fam *f =
			    sample_fam(fams, nf, line, (size_t)(n - line));

			assert_non_null(f); /* TYPE came before the sample */
			assert_true(f->help);
		}
		q = n;
		if (*q == '{') {
			q++;
			for (;;) {
				q = parse_name(q, false);
				assert_non_null(q);
				assert_int_equal(q[0], '=');
				assert_int_equal(q[1], '"');
				q += 2;
				while (*q != '"') {
					assert_true(*q != '\0' && *q != '\n');
					if (*q == '\\') {
						q++;
						assert_true(*q == '\\' ||
						    *q == '"' || *q == 'n');
					}
					q++;
				}
				q++;
				if (*q == ',') {
					q++;
					continue;
				}
				assert_int_equal(*q, '}');
				q++;
				break;
			}
		}
		assert_int_equal(*q, ' ');
		q++;
		if (strcmp(q, "+Inf") != 0) {
			char *end;

			assert_true(*q != '\0');
			(void)strtod(q, &end);
			assert_int_equal(*end, '\0');
		}
		samples++;
	}
	return samples;
}

/* The value of the sample line starting with `prefix` (exact up to the
 * space before the value); fails when absent. */
static double
sample(const char *text, const char *prefix)
{
	const char *p = text;
	size_t n = strlen(prefix);

	for (;;) {
		if (strncmp(p, prefix, n) == 0 && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		if ((p = strchr(p, '\n')) == NULL)
			break;
		p++;
	}
	fail_msg("no sample %s", prefix);
	return 0;
}

static bool
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p != NULL && *p != '\0';) {
		if (strncmp(p, line, n) == 0 && p[n] == '\n')
			return true;
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return false;
}

/* ---- fixtures ---- */

static void
fail_ev(struct cs_metrics *m, struct cs_ap_track *t, enum cs_phase ph,
    const char *reason)
{
	struct cs_ap_event ev = { 0 };

	ev.kind = CS_AP_EV_FAILURE;
	ev.phase = ph;
	ev.reason = reason;
	cs_metrics_ap_event(m, t, &ev);
}

static void
test_le_bounds(void **state)
{
	static const uint64_t nominal[CS_PROM_N_LE] = { 5000, 10000, 25000,
		50000, 100000, 250000, 500000, 1000000, 2500000, 5000000,
		10000000, 30000000, 60000000, 120000000 };

	(void)state;
	assert_int_equal(cs_prom_le_us(0), 5023);
	assert_int_equal(cs_prom_le_us(13), 120061951);
	assert_int_equal(cs_prom_le_us(CS_PROM_N_LE), 0);
	for (unsigned i = 0; i < CS_PROM_N_LE; i++) {
		uint64_t le = cs_prom_le_us(i);

		/* a bucket's upper edge, at most 0.8 % above the nominal */
		assert_true(le >= nominal[i]);
		assert_true(
		    (double)(le - nominal[i]) <= 0.008 * (double)nominal[i]);
		assert_int_equal(cs_hist_bucket_hi(cs_hist_bucket(le)), le);
		assert_int_not_equal(
		    cs_hist_bucket(le), cs_hist_bucket(le + 1));
		if (i > 0)
			assert_true(le > cs_prom_le_us(i - 1));
	}
}

static void
test_text_full(void **state)
{
	struct cs_metrics m;
	struct cs_ap_track t;
	struct cs_prom_snapshot s;
	static const struct cs_report_kv wlc[] = { { "joins", 7 },
		{ "DTLS handshakes", 9 }, { "rejects_total", 1 } };
	char *text;

	(void)state;
	cs_metrics_init(&m);
	cs_ap_track_init(&t);
	/* exact counts right at and just past the first bound */
	cs_hist_record(&m.lat[CS_LAT_DTLS], 4000);
	cs_hist_record(&m.lat[CS_LAT_DTLS], 5000);
	cs_hist_record(&m.lat[CS_LAT_DTLS], 5023);
	cs_hist_record(&m.lat[CS_LAT_DTLS], 5024);
	cs_hist_record(&m.lat[CS_LAT_DTLS], 200000);
	cs_hist_record(&m.lat[CS_LAT_DTLS], 130000000); /* beyond 120 s */
	fail_ev(&m, &t, CS_PHASE_DTLS, "no response to ClientHello");
	fail_ev(&m, &t, CS_PHASE_DTLS, "no response to ClientHello");
	fail_ev(&m, &t, CS_PHASE_JOIN, "result code \"4\"\\n\nx");
	fail_ev(&m, &t, CS_PHASE_RUN, "caf\xc3\xa9 \xff\xc3");
	m.retransmits = 11;
	m.joins = 42;
	m.left_run = 2;
	memset(&s, 0, sizeof(s));
	s.aps = 50;
	s.states[CS_AP_RUN] = 40;
	s.states[CS_AP_DTLS_SETUP] = 10;
	s.m = &m;
	s.uptime_s = 12.5;
	s.wlc = wlc;
	s.n_wlc = 3;
	text = cs_prom_text(&s);
	assert_non_null(text);
	/* 11 states + total + joins + left + 3 failures + retransmits
	 * + 7 * (14 + 3) histogram lines + uptime + 2 wlc */
	assert_int_equal(
	    check_text(text), 11 + 1 + 1 + 1 + 2 + 1 + 7 * 17 + 1 + 3 + 1);
	assert_true(has_line(text, "# TYPE capsim_aps gauge"));
	assert_true(has_line(text, "capsim_aps{state=\"run\"} 40"));
	assert_true(has_line(text, "capsim_aps{state=\"dtls-setup\"} 10"));
	assert_true(has_line(text, "capsim_aps{state=\"idle\"} 0"));
	assert_true(has_line(text, "capsim_aps_total 50"));
	assert_true(has_line(text, "# TYPE capsim_joins_total counter"));
	assert_true(has_line(text, "capsim_joins_total 42"));
	assert_true(has_line(text, "capsim_left_run_total 2"));
	assert_true(has_line(text, "capsim_retransmits_total 11"));
	assert_true(has_line(text,
	    "capsim_failures_total{phase=\"dtls-handshake\","
	    "reason=\"no response to ClientHello\"} 2"));
	assert_true(has_line(text,
	    "capsim_failures_total{phase=\"join\","
	    "reason=\"result code \\\"4\\\"\\\\n\\nx\"} 1"));
	assert_true(
	    has_line(text, "# TYPE capsim_phase_duration_seconds histogram"));
	assert_true(has_line(text,
	    "capsim_phase_duration_seconds_bucket{phase=\"dtls\","
	    "le=\"0.005023\"} 3"));
	assert_true(has_line(text,
	    "capsim_phase_duration_seconds_bucket{phase=\"dtls\","
	    "le=\"0.010047\"} 4"));
	assert_true(has_line(text,
	    "capsim_phase_duration_seconds_bucket{phase=\"dtls\","
	    "le=\"0.100351\"} 4"));
	assert_true(has_line(text,
	    "capsim_phase_duration_seconds_bucket{phase=\"dtls\","
	    "le=\"0.250879\"} 5"));
	assert_true(has_line(text,
	    "capsim_phase_duration_seconds_bucket{phase=\"dtls\","
	    "le=\"120.061951\"} 5"));
	assert_true(has_line(text,
	    "capsim_phase_duration_seconds_bucket{phase=\"dtls\","
	    "le=\"+Inf\"} 6"));
	assert_true(has_line(text,
	    "capsim_phase_duration_seconds_sum{phase=\"dtls\"} 130.219047"));
	assert_true(has_line(
	    text, "capsim_phase_duration_seconds_count{phase=\"dtls\"} 6"));
	/* empty series: zeros, still complete */
	assert_true(has_line(text,
	    "capsim_phase_duration_seconds_bucket{phase=\"data-check\","
	    "le=\"+Inf\"} 0"));
	assert_true(has_line(
	    text, "capsim_phase_duration_seconds_sum{phase=\"data-check\"} 0"));
	assert_true(has_line(text, "capsim_uptime_seconds 12.500"));
	assert_true(has_line(text, "# TYPE capsim_wlc_joins_total counter"));
	assert_true(has_line(text, "capsim_wlc_joins_total 7"));
	assert_true(has_line(text, "capsim_wlc_dtls_handshakes_total 9"));
	assert_true(has_line(text, "capsim_wlc_rejects_total 1"));
	assert_true(sample(text,
	                "capsim_phase_duration_seconds_bucket{"
	                "phase=\"total\",le=\"+Inf\"}") == 0);
	free(text);
	cs_metrics_free(&m);
}

static void
test_cumulative_monotonic(void **state)
{
	struct cs_metrics m;
	struct cs_prom_snapshot s;
	char *text, key[128];
	double last = 0;

	(void)state;
	cs_metrics_init(&m);
	/* pseudo-random durations 0 .. 200 s */
	for (uint64_t i = 0, x = 1; i < 5000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		cs_hist_record(&m.lat[CS_LAT_TOTAL], (x >> 33) % 200000000);
	}
	memset(&s, 0, sizeof(s));
	s.m = &m;
	text = cs_prom_text(&s);
	assert_non_null(text);
	check_text(text);
	for (unsigned i = 0; i < CS_PROM_N_LE; i++) {
		uint64_t le = cs_prom_le_us(i), want = 0;
		double v;

		snprintf(key, sizeof(key),
		    "capsim_phase_duration_seconds_bucket{phase=\"total\","
		    "le=\"%llu.%06llu\"}",
		    (unsigned long long)(le / 1000000),
		    (unsigned long long)(le % 1000000));
		/* the exposed label drops trailing zeros; none of ours has */
		v = sample(text, key);
		for (unsigned b = 0; b <= cs_hist_bucket(le); b++)
			want += m.lat[CS_LAT_TOTAL].b[b];
		assert_true(v == (double)want);
		assert_true(v >= last);
		last = v;
	}
	assert_true(sample(text,
	                "capsim_phase_duration_seconds_count{"
	                "phase=\"total\"}") == 5000);
	free(text);
	cs_metrics_free(&m);
}

static void
test_args(void **state)
{
	struct cs_prom_snapshot s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_null(cs_prom_text(NULL));
	assert_null(cs_prom_text(&s)); /* no metrics */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_le_bounds),
		cmocka_unit_test(test_text_full),
		cmocka_unit_test(test_cumulative_monotonic),
		cmocka_unit_test(test_args),
	};

	return cmocka_run_group_tests_name("prom", tests, NULL, NULL);
}
