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
		    (strcmp(x->type, "histogram") == 0 ||
		        (i > 0 && strcmp(x->type, "summary") == 0)))
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
				    strcmp(n + 1, "histogram") == 0 ||
				    strcmp(n + 1, "summary") == 0);
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
	/* the documented bounds, exactly (docs/metrics.md) */
	for (unsigned i = 0; i < CS_PROM_N_LE; i++)
		assert_int_equal(cs_prom_le_us(i), nominal[i]);
	assert_int_equal(cs_prom_le_us(CS_PROM_N_LE), 0);
}

static void
test_reason_code(void **state)
{
	char c[48];

	(void)state;
	cs_reason_code("WaitDTLS expired after 8 s", c, sizeof(c));
	assert_string_equal(c, "waitdtls-expired-after");
	cs_reason_code("WaitDTLS expired after 10 s", c, sizeof(c));
	assert_string_equal(c, "waitdtls-expired-after");
	cs_reason_code("Join Response result code 20", c, sizeof(c));
	assert_string_equal(c, "join-response-result-code-20");
	cs_reason_code("result code 4 (no more capacity) 7", c, sizeof(c));
	assert_string_equal(c, "result-code-4-no-more-capacity");
	cs_reason_code(
	    "no Echo Response after 2 retransmissions", c, sizeof(c));
	assert_string_equal(c, "no-echo-response-after");
	cs_reason_code("", c, sizeof(c));
	assert_string_equal(c, "unknown");
	cs_reason_code(NULL, c, sizeof(c));
	assert_string_equal(c, "unknown");
	cs_reason_code("caf\xc3\xa9 \xff!!", c, sizeof(c));
	assert_string_equal(c, "caf");
	cs_reason_code("a very long reason that goes on and on and on and "
	               "on and on",
	    c, 16);
	assert_int_equal(strlen(c), 15);
	assert_string_equal(c, "a-very-long-rea");
}

static void
test_text_full(void **state)
{
	struct cs_metrics m;
	struct cs_ap_track t;
	struct cs_prom_snapshot s;
	struct cs_wlc_counters wc;
	struct cs_prom_rule rules[2];
	struct cs_hist late;
	struct cs_report_resources res = { 0 };
	char *text;

	(void)state;
	cs_metrics_init(&m);
	cs_ap_track_init(&t);
	/* exact counts at and just past the first bound */
	cs_metrics_lat(&m, CS_LAT_DTLS, 4000);
	cs_metrics_lat(&m, CS_LAT_DTLS, 5000);
	cs_metrics_lat(&m, CS_LAT_DTLS, 5001);
	cs_metrics_lat(&m, CS_LAT_DTLS, 10000);
	cs_metrics_lat(&m, CS_LAT_DTLS, 200000);
	cs_metrics_lat(&m, CS_LAT_DTLS, 130000000); /* beyond 120 s */
	fail_ev(&m, &t, CS_PHASE_DTLS, "WaitDTLS expired after 8 s");
	fail_ev(&m, &t, CS_PHASE_DTLS, "WaitDTLS expired after 10 s");
	fail_ev(&m, &t, CS_PHASE_JOIN, "result code \"4\"\\n\nx");
	fail_ev(&m, &t, CS_PHASE_RUN, "caf\xc3\xa9 \xff\xc3");
	m.retransmits = 11;
	m.joins = 42;
	m.left_run = 2;
	memset(&wc, 0, sizeof(wc));
	wc.discovery_rx = 7;
	wc.join_result[0] = 40;
	wc.join_result[4] = 2;
	wc.failures_by_phase[CS_PHASE_RUN] = 1;
	wc.disconnects = 3;
	memset(rules, 0, sizeof(rules));
	rules[0].name = "fw \"drop\"";
	rules[0].st.matched = 9;
	rules[0].st.dropped = 9;
	rules[1].name = NULL;
	rules[1].st.delayed = 4;
	cs_hist_init(&late);
	cs_hist_record(&late, 1000);
	cs_hist_record(&late, 3000);
	res.valid = true;
	res.max_rss_kib = 2048;
	res.cpu_user_s = 1.5;
	res.fds = 12;
	memset(&s, 0, sizeof(s));
	s.aps = 50;
	s.states[CS_AP_RUN] = 40;
	s.states[CS_AP_DTLS_SETUP] = 10;
	s.m = &m;
	s.uptime_s = 12.5;
	s.wlc = &wc;
	s.wlc_joined = 40;
	s.rules = rules;
	s.n_rules = 2;
	s.lateness = &late;
	s.res = &res;
	text = cs_prom_text(&s);
	assert_non_null(text);
	check_text(text);
	assert_true(has_line(text, "# TYPE capsim_aps gauge"));
	assert_true(has_line(text, "capsim_aps{state=\"run\"} 40"));
	assert_true(has_line(text, "capsim_aps{state=\"dtls-setup\"} 10"));
	assert_true(has_line(text, "capsim_aps{state=\"idle\"} 0"));
	/* a gauge has no _total */
	assert_true(has_line(text, "capsim_aps_configured 50"));
	assert_true(strstr(text, "capsim_aps_total") == NULL);
	assert_true(has_line(text, "# TYPE capsim_joins_total counter"));
	assert_true(has_line(text, "capsim_joins_total 42"));
	assert_true(has_line(text, "capsim_left_run_total 2"));
	assert_true(has_line(text, "capsim_retransmits_total 11"));
	/* reasons as bounded codes: the two timer lengths are one series */
	assert_true(has_line(text,
	    "capsim_failures_total{phase=\"dtls-handshake\","
	    "reason=\"waitdtls-expired-after\"} 2"));
	assert_true(has_line(text,
	    "capsim_failures_total{phase=\"join\","
	    "reason=\"result-code\"} 1"));
	assert_true(has_line(
	    text, "capsim_failures_total{phase=\"run\",reason=\"caf\"} 1"));
	assert_true(
	    has_line(text, "# TYPE capsim_phase_duration_seconds histogram"));
	assert_true(has_line(text,
	    "capsim_phase_duration_seconds_bucket{phase=\"dtls\","
	    "le=\"0.005\"} 2"));
	assert_true(has_line(text,
	    "capsim_phase_duration_seconds_bucket{phase=\"dtls\","
	    "le=\"0.01\"} 4"));
	assert_true(has_line(text,
	    "capsim_phase_duration_seconds_bucket{phase=\"dtls\","
	    "le=\"0.1\"} 4"));
	assert_true(has_line(text,
	    "capsim_phase_duration_seconds_bucket{phase=\"dtls\","
	    "le=\"0.25\"} 5"));
	assert_true(has_line(text,
	    "capsim_phase_duration_seconds_bucket{phase=\"dtls\","
	    "le=\"120\"} 5"));
	assert_true(has_line(text,
	    "capsim_phase_duration_seconds_bucket{phase=\"dtls\","
	    "le=\"+Inf\"} 6"));
	assert_true(has_line(text,
	    "capsim_phase_duration_seconds_sum{phase=\"dtls\"} 130.224001"));
	assert_true(has_line(
	    text, "capsim_phase_duration_seconds_count{phase=\"dtls\"} 6"));
	/* empty series: zeros, still complete */
	assert_true(has_line(text,
	    "capsim_phase_duration_seconds_bucket{phase=\"data-check\","
	    "le=\"+Inf\"} 0"));
	assert_true(has_line(
	    text, "capsim_phase_duration_seconds_sum{phase=\"data-check\"} 0"));
	/* the mock WLC */
	assert_true(has_line(text, "capsim_wlc_aps_joined 40"));
	assert_true(has_line(text, "capsim_wlc_discovery_requests_total 7"));
	assert_true(has_line(
	    text, "capsim_wlc_join_responses_total{result_code=\"0\"} 40"));
	assert_true(has_line(
	    text, "capsim_wlc_join_responses_total{result_code=\"4\"} 2"));
	assert_true(strstr(text, "result_code=\"5\"") == NULL);
	assert_true(
	    has_line(text, "capsim_wlc_failures_total{phase=\"run\"} 1"));
	assert_true(has_line(text, "capsim_wlc_disconnects_total 3"));
	/* impairment rules, a nameless one by its index */
	assert_true(has_line(text,
	    "capsim_impairment_packets_total{rule=\"fw \\\"drop\\\"\","
	    "outcome=\"dropped\"} 9"));
	assert_true(has_line(text,
	    "capsim_impairment_packets_total{rule=\"rule-1\","
	    "outcome=\"delayed\"} 4"));
	/* capsim's own health */
	assert_true(has_line(text, "capsim_uptime_seconds 12.500"));
	assert_true(
	    has_line(text, "# TYPE capsim_timer_lateness_seconds summary"));
	assert_true(has_line(text, "capsim_timer_lateness_seconds_count 2"));
	assert_true(has_line(text, "capsim_timer_lateness_seconds_sum 0.004"));
	assert_true(
	    has_line(text, "capsim_process_max_resident_memory_bytes 2097152"));
	assert_true(has_line(
	    text, "capsim_process_cpu_seconds_total{mode=\"user\"} 1.500"));
	assert_true(has_line(text, "capsim_process_open_fds 12"));
	free(text);
	cs_hist_free(&late);
	cs_metrics_free(&m);
}

static void
test_cumulative_monotonic(void **state)
{
	struct cs_metrics m;
	struct cs_prom_snapshot s;
	uint64_t *us;
	char *text, key[128];
	double last = 0;

	(void)state;
	cs_metrics_init(&m);
	us = calloc(5000, sizeof(*us));
	assert_non_null(us);
	/* pseudo-random durations 0 .. 200 s */
	for (uint64_t i = 0, x = 1; i < 5000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		us[i] = (x >> 33) % 200000000;
		cs_metrics_lat(&m, CS_LAT_TOTAL, us[i]);
	}
	memset(&s, 0, sizeof(s));
	s.m = &m;
	text = cs_prom_text(&s);
	assert_non_null(text);
	check_text(text);
	for (unsigned i = 0; i < CS_PROM_N_LE; i++) {
		uint64_t le = cs_prom_le_us(i), want = 0;
		char frac[8];
		int n;
		double v;

		snprintf(frac, sizeof(frac), "%06llu",
		    (unsigned long long)(le % 1000000));
		for (n = 6; n > 0 && frac[n - 1] == '0'; n--)
			frac[n - 1] = '\0';
		snprintf(key, sizeof(key),
		    "capsim_phase_duration_seconds_bucket{phase=\"total\","
		    "le=\"%llu%s%s\"}",
		    (unsigned long long)(le / 1000000), n > 0 ? "." : "", frac);
		v = sample(text, key);
		/* exact: every sample at or below the bound */
		for (unsigned k = 0; k < 5000; k++)
			want += us[k] <= le;
		assert_true(v == (double)want);
		assert_true(v >= last);
		last = v;
	}
	assert_true(sample(text,
	                "capsim_phase_duration_seconds_count{"
	                "phase=\"total\"}") == 5000);
	free(text);
	free(us);
	cs_metrics_free(&m);
}

/* capsim wlc: no AP families, the WLC's and capsim's own */
static void
test_wlc_only(void **state)
{
	struct cs_prom_snapshot s;
	struct cs_wlc_counters wc = { 0 };
	char *text;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_null(cs_prom_text(NULL));
	s.wlc = &wc;
	text = cs_prom_text(&s);
	assert_non_null(text);
	check_text(text);
	assert_true(strstr(text, "capsim_aps") == NULL);
	assert_true(has_line(text, "capsim_wlc_aps_joined 0"));
	assert_true(has_line(text, "capsim_uptime_seconds 0.000"));
	free(text);
}

/* capsim's own health: the loop lateness histogram (cumulative, exact
 * at bucket edges), kernel drops, queues, the window, the WLC's gate,
 * CPU per worker */
static void
test_health(void **state)
{
	struct cs_prom_snapshot s;
	struct cs_prom_health h;
	struct cs_hist late;
	char *text;

	(void)state;
	cs_hist_init(&late);
	cs_hist_record(&late, 500);     /* 0.5 ms */
	cs_hist_record(&late, 3000);    /* 3 ms */
	cs_hist_record(&late, 40000);   /* 40 ms */
	cs_hist_record(&late, 2000000); /* 2 s */
	memset(&h, 0, sizeof(h));
	h.lateness = &late;
	h.rxq_drops = 7;
	h.hs_active = 16;
	h.hs_waiting = 300;
	h.has_window = true;
	h.hs_window = 16;
	h.window_cuts[0] = 2;
	h.window_cuts[1] = 5;
	h.has_wlc = true;
	h.wlc_queued = 9;
	h.wlc_gate[0] = 100;
	h.wlc_gate[1] = 20;
	h.wlc_gate[2] = 3;
	h.n_workers = 2;
	h.worker_cpu_s[0] = 1.25;
	h.worker_cpu_s[1] = 0.5;
	memset(&s, 0, sizeof(s));
	s.health = &h;
	text = cs_prom_text(&s);
	assert_non_null(text);
	check_text(text);
	assert_true(
	    has_line(text, "# TYPE capsim_loop_lateness_seconds histogram"));
	assert_true(has_line(
	    text, "capsim_loop_lateness_seconds_bucket{le=\"0.001\"} 1"));
	assert_true(has_line(
	    text, "capsim_loop_lateness_seconds_bucket{le=\"0.005\"} 2"));
	assert_true(has_line(
	    text, "capsim_loop_lateness_seconds_bucket{le=\"0.05\"} 3"));
	assert_true(
	    has_line(text, "capsim_loop_lateness_seconds_bucket{le=\"1\"} 3"));
	assert_true(has_line(
	    text, "capsim_loop_lateness_seconds_bucket{le=\"2.5\"} 4"));
	assert_true(has_line(
	    text, "capsim_loop_lateness_seconds_bucket{le=\"+Inf\"} 4"));
	assert_true(has_line(text, "capsim_loop_lateness_seconds_count 4"));
	assert_true(has_line(text, "capsim_kernel_receive_drops_total 7"));
	assert_true(has_line(text, "capsim_handshakes_in_flight 16"));
	assert_true(has_line(
	    text, "capsim_queue_length{queue=\"ap_handshake_slots\"} 300"));
	assert_true(
	    has_line(text, "capsim_queue_length{queue=\"wlc_handshakes\"} 9"));
	assert_true(has_line(text, "capsim_inflight_window 16"));
	assert_true(has_line(
	    text, "capsim_inflight_window_cuts_total{cause=\"lateness\"} 5"));
	assert_true(has_line(
	    text, "capsim_inflight_window_cuts_total{cause=\"cpu\"} 0"));
	assert_true(has_line(
	    text, "capsim_wlc_handshake_admission_total{outcome=\"shed\"} 3"));
	assert_true(has_line(
	    text, "capsim_worker_cpu_seconds_total{worker=\"1\"} 0.500"));
	free(text);
	/* no window, no WLC: those families are left out */
	h.has_window = false;
	h.has_wlc = false;
	text = cs_prom_text(&s);
	assert_non_null(text);
	check_text(text);
	assert_null(strstr(text, "capsim_inflight_window"));
	assert_null(
	    strstr(text, "capsim_queue_length{queue=\"wlc_handshakes\"}"));
	assert_null(strstr(text, "capsim_wlc_handshake_admission_total"));
	free(text);
	cs_hist_free(&late);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_le_bounds),
		cmocka_unit_test(test_text_full),
		cmocka_unit_test(test_cumulative_monotonic),
		cmocka_unit_test(test_reason_code),
		cmocka_unit_test(test_wlc_only),
		cmocka_unit_test(test_health),
	};

	return cmocka_run_group_tests_name("prom", tests, NULL, NULL);
}
