/* SPDX-License-Identifier: MIT */
/* JSON run report: parsed back with jansson; stable keys kept, added
 * histograms / rates / resources / scenario / expectations / diagnosis /
 * impairments exact; optional parts left out when absent; non-UTF-8 text
 * survives; cs_report_write. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/diagnose.h"
#include "capsim/impair.h"
#include "capsim/report.h"
#include "capsim/scenario.h"

struct fix {
	struct cs_metrics m;
	struct cs_ap_track t;
	struct cs_run_summary s;
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
	/* dtls: 10 ms x3, 20 ms x1 */
	for (int i = 0; i < 3; i++)
		cs_hist_record(&f->m.lat[CS_LAT_DTLS], 10000);
	cs_hist_record(&f->m.lat[CS_LAT_DTLS], 20000);
	fail_ev(f, CS_PHASE_DTLS, "no response to ClientHello after 6 tries");
	fail_ev(f, CS_PHASE_DTLS, "no response to ClientHello after 6 tries");
	fail_ev(f, CS_PHASE_JOIN, "result code 4");
	f->m.retransmits = 5;
	f->m.joins = 40;
	f->s.aps = 40;
	f->s.joined = 39;
	f->s.in_run = 38;
	f->s.failed = 3;
	f->s.left_run = 1;
	f->s.states[CS_AP_RUN] = 38;
	f->s.states[CS_AP_DTLS_SETUP] = 2;
	f->s.duration_s = 8.0;
	f->s.seed = 1234567890123ull;
	f->s.started_unix_ms = 1796644800042ull; /* 2026-12-07T12:00:00.042Z */
	f->s.host = "lab-host";
	{
		static const char *const argv[] = { "capsim", "run",
			"--aps=40" };

		f->s.argv = argv;
		f->s.argc = 3;
	}
	f->s.interrupted = true;
	f->s.wlc = "embedded 127.0.0.1:5246";
	f->s.dtls_version = "1.2";
	f->s.ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256";
	f->s.passed = false;
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

static json_t *
parse(const char *text)
{
	json_error_t e;
	json_t *j;

	assert_non_null(text);
	j = json_loads(text, 0, &e);
	if (j == NULL)
		fail_msg("report does not parse: %s at %d:%d", e.text, e.line,
		    e.column);
	return j;
}

static double
num(json_t *o, const char *path)
{
	json_t *v = o;
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k != NULL;
	     k = strtok_r(NULL, ".", &save)) {
		v = json_object_get(v, k);
		if (v == NULL)
			fail_msg("no key %s (in %s)", k, path);
	}
	assert_true(json_is_number(v));
	return json_number_value(v);
}

static void
test_stable_keys(void **state)
{
	struct fix *f = *state;
	char *text = cs_report_json(&f->s);
	json_t *j = parse(text), *ph;

	assert_true(num(j, "aps") == 40);
	assert_true(num(j, "joined") == 39);
	assert_true(num(j, "in_run") == 38);
	assert_true(num(j, "failed") == 3);
	assert_true(num(j, "left_run") == 1);
	assert_true(json_is_false(json_object_get(j, "passed")));
	assert_int_equal(
	    json_integer_value(json_object_get(j, "seed")), 1234567890123ll);
	assert_string_equal(json_string_value(json_object_get(j, "wlc")),
	    "embedded 127.0.0.1:5246");
	assert_string_equal(
	    json_string_value(json_object_get(j, "wlc_verification")), "on");
	assert_string_equal(
	    json_string_value(json_object_get(j, "dtls_version")), "1.2");
	assert_string_equal(json_string_value(json_object_get(j, "ciphers")),
	    "ECDHE-ECDSA-AES128-GCM-SHA256");
	assert_true(num(j,
	                "failures.dtls_handshake.no response to ClientHello "
	                "after 6 tries") == 2);
	assert_true(num(j, "failures.join.result code 4") == 1);
	assert_null(json_object_get(json_object_get(j, "failures"), "run"));
	assert_true(num(j, "failures_total") == 3);
	assert_true(num(j, "retransmits") == 5);
	assert_true(num(j, "joins") == 40);
	assert_true(num(j, "states.run") == 38);
	assert_true(num(j, "states.dtls_setup") == 2);
	assert_true(num(j, "states.idle") == 0);
	/* one key style: no state, phase or section key with '-' or upper
	 * case (the failure reasons, which are text, aside) */
	{
		const char *k;
		json_t *v;

		json_object_foreach(j, k, v)
		{
			for (const char *c = k; *c != '\0'; c++)
				assert_true(*c == '_' ||
				    (*c >= 'a' && *c <= 'z') ||
				    (*c >= '0' && *c <= '9'));
			if (json_is_object(v) && strcmp(k, "failures") != 0) {
				const char *k2;
				json_t *v2;

				json_object_foreach(v, k2, v2)
				{
					assert_null(strchr(k2, '-'));
				}
			}
		}
	}
	/* the run's metadata */
	assert_string_equal(
	    json_string_value(json_object_get(j, "capsim_version")),
	    cs_version());
	assert_string_equal(json_string_value(json_object_get(j, "started_at")),
	    "2026-12-07T12:00:00.042Z");
	assert_string_equal(
	    json_string_value(json_object_get(j, "host")), "lab-host");
	assert_int_equal(
	    json_array_size(json_object_get(j, "command_line")), 3);
	assert_string_equal(json_string_value(json_array_get(
	                        json_object_get(j, "command_line"), 1)),
	    "run");
	assert_true(json_is_true(json_object_get(j, "interrupted")));
	ph = json_object_get(json_object_get(j, "phases"), "dtls");
	assert_int_equal(json_object_size(ph), 6);
	assert_true(num(ph, "count") == 4);
	/* 10 ms lands in the bucket 9.984 .. 10.047 ms */
	assert_true(num(ph, "p50_ms") == 10.047);
	assert_true(num(ph, "p95_ms") == 20.0); /* capped at the maximum */
	assert_true(num(ph, "p99_ms") == 20.0);
	assert_true(num(ph, "p999_ms") == 20.0);
	assert_true(num(ph, "max_ms") == 20.0);
	assert_true(num(j, "phases.total.count") == 0);
	/* optional parts absent */
	assert_null(json_object_get(j, "scenario"));
	assert_null(json_object_get(j, "resources"));
	assert_null(json_object_get(j, "expectations"));
	assert_null(json_object_get(j, "diagnosis"));
	assert_null(json_object_get(j, "impairments"));
	assert_null(json_object_get(j, "wlc_counters"));
	assert_null(
	    json_object_get(json_object_get(j, "rates"), "peak_joins_per_s"));
	assert_true(num(j, "rates.joins_per_s") == 5.0); /* 40 in 8 s */
	json_decref(j);
	free(text);
}

static void
test_histograms(void **state)
{
	struct fix *f = *state;
	char *text = cs_report_json(&f->s);
	json_t *j = parse(text), *h, *b;

	h = json_object_get(json_object_get(j, "histograms"), "dtls");
	assert_non_null(h);
	assert_true(num(h, "count") == 4);
	assert_true(num(h, "sum_ms") == 50.0);
	assert_true(num(h, "min_ms") == 10.0);
	assert_true(num(h, "max_ms") == 20.0);
	assert_true(num(h, "p50_ms") == 10.047);
	assert_true(num(h, "p999_ms") == 20.0);
	b = json_object_get(h, "buckets");
	assert_int_equal(json_array_size(b), 2);
	/* [inclusive upper edge in ms, count] */
	assert_true(json_number_value(
	                json_array_get(json_array_get(b, 0), 0)) == 10.047);
	assert_int_equal(
	    json_integer_value(json_array_get(json_array_get(b, 0), 1)), 3);
	assert_true(json_number_value(
	                json_array_get(json_array_get(b, 1), 0)) == 20.095);
	assert_int_equal(
	    json_integer_value(json_array_get(json_array_get(b, 1), 1)), 1);
	/* empty series: count 0, no buckets */
	h = json_object_get(json_object_get(j, "histograms"), "join");
	assert_true(num(h, "count") == 0);
	assert_true(num(h, "min_ms") == 0);
	assert_int_equal(json_array_size(json_object_get(h, "buckets")), 0);
	assert_int_equal(
	    json_object_size(json_object_get(j, "histograms")), CS_LAT__COUNT);
	json_decref(j);
	free(text);
}

static void
test_added_sections(void **state)
{
	struct fix *f = *state;
	static const uint32_t per_sec[] = { 0, 7, 19, 12, 2 };
	static const struct cs_report_kv dcounts[] = { { "dtls-timeout", 2 },
		{ "result-code", 1 } };
	static const struct cs_report_kv c1[] = { { "matched", 10 },
		{ "dropped", 5 }, { "delayed", 0 } };
	static const struct cs_report_kv wlc[] = { { "joins", 41 } };
	struct cs_report_rule rules[] = { { "drop-hello", c1, 3 },
		{ "nat", NULL, 0 } };
	struct cs_report_diag diag = { .code = "return-path-loss",
		.summary = "2 APs never got a ServerHello",
		.hint = "check the firewall",
		.aps_affected = 2,
		.counts = dcounts,
		.n_counts = 2 };
	struct cs_expect_result ex[2];
	json_t *j, *e, *d, *im;
	char *text;

	memset(ex, 0, sizeof(ex));
	ex[0].pass = true;
	snprintf(ex[0].measured, sizeof(ex[0].measured), "40 (100.0%%)");
	snprintf(ex[0].message, sizeof(ex[0].message), "ok");
	ex[0].text = "joined >= 99%";
	ex[1].pass = false;
	ex[1].missing = true;
	snprintf(ex[1].measured, sizeof(ex[1].measured), "n/a");
	snprintf(ex[1].message, sizeof(ex[1].message), "unknown metric");
	ex[1].text = "phase.nope.p95 < 1s";
	f->s.scenario_name = "smoke";
	f->s.scenario_file = "scenarios/smoke.yaml";
	f->s.joins_per_sec = per_sec;
	f->s.n_joins_per_sec = 5;
	f->s.res.valid = true;
	f->s.res.max_rss_kib = 123456;
	f->s.res.cpu_user_s = 1.5;
	f->s.res.cpu_sys_s = 0.25;
	f->s.res.fds = 17;
	f->s.expect = ex;
	f->s.n_expect = 2;
	f->s.diag = &diag;
	f->s.rules = rules;
	f->s.n_rules = 2;
	f->s.wlc_counters = wlc;
	f->s.n_wlc_counters = 1;
	f->s.wlc_verify_off = true;
	text = cs_report_json(&f->s);
	j = parse(text);
	assert_string_equal(
	    json_string_value(json_object_get(j, "wlc_verification")), "off");
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(j, "scenario"), "name")),
	    "smoke");
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(j, "scenario"), "file")),
	    "scenarios/smoke.yaml");
	assert_true(num(j, "rates.joins_per_s") == 5.0);
	assert_true(num(j, "rates.peak_joins_per_s") == 19);
	assert_true(num(j, "resources.max_rss_kib") == 123456);
	assert_true(num(j, "resources.cpu_user_s") == 1.5);
	assert_true(num(j, "resources.cpu_sys_s") == 0.25);
	assert_true(num(j, "resources.fds") == 17);
	e = json_object_get(j, "expectations");
	assert_int_equal(json_array_size(e), 2);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(e, 0), "expr")),
	    "joined >= 99%");
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(e, 0), "measured")),
	    "40 (100.0%)");
	assert_true(
	    json_is_true(json_object_get(json_array_get(e, 0), "pass")));
	assert_true(
	    json_is_false(json_object_get(json_array_get(e, 1), "pass")));
	assert_true(
	    json_is_true(json_object_get(json_array_get(e, 1), "missing")));
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(e, 1), "message")),
	    "unknown metric");
	d = json_object_get(j, "diagnosis");
	assert_string_equal(
	    json_string_value(json_object_get(d, "code")), "return-path-loss");
	assert_string_equal(json_string_value(json_object_get(d, "summary")),
	    "2 APs never got a ServerHello");
	assert_string_equal(json_string_value(json_object_get(d, "hint")),
	    "check the firewall");
	assert_true(num(d, "aps_affected") == 2);
	assert_true(num(d, "counts.dtls-timeout") == 2);
	assert_true(num(d, "counts.result-code") == 1);
	im = json_object_get(j, "impairments");
	assert_int_equal(json_array_size(im), 2);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(im, 0), "name")),
	    "drop-hello");
	assert_true(num(json_array_get(im, 0), "matched") == 10);
	assert_true(num(json_array_get(im, 0), "dropped") == 5);
	assert_true(num(json_array_get(im, 0), "delayed") == 0);
	assert_int_equal(json_object_size(json_array_get(im, 1)), 1);
	assert_true(num(j, "wlc_counters.joins") == 41);
	json_decref(j);
	free(text);
}

static void
test_not_utf8(void **state)
{
	struct fix *f = *state;
	json_t *j;
	char *text;

	fail_ev(f, CS_PHASE_RUN, "bad \xff\xfe name");
	fail_ev(f, CS_PHASE_IMAGE, "caf\xc3\xa9 \xc3");
	f->s.wlc = "ctl-\xc3";
	text = cs_report_json(&f->s);
	j = parse(text);
	assert_true(num(j, "failures.run.bad ?? name") == 1);
	/* valid sequences kept, only the stray byte replaced */
	assert_true(num(j, "failures.image.caf\xc3\xa9 ?") == 1);
	assert_string_equal(
	    json_string_value(json_object_get(j, "wlc")), "ctl-?");
	json_decref(j);
	free(text);
}

static void
test_args_and_write(void **state)
{
	struct fix *f = *state;
	struct cs_run_summary s = { 0 };
	char path[] = "/tmp/capsim-test-report-XXXXXX", buf[64];
	FILE *fp;
	int fd;

	assert_null(cs_report_json(NULL));
	assert_null(cs_report_json(&s)); /* no metrics */
	(void)f;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(cs_report_write(path, "{\"a\": 1}\n"), 0);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(buf, sizeof(buf), fp));
	assert_string_equal(buf, "{\"a\": 1}\n");
	fclose(fp);
	unlink(path);
	assert_int_equal(
	    cs_report_write("/nonexistent-dir/x.json", "{}"), -ENOENT);
	assert_int_equal(cs_report_write("/dev/full", "{}"), -ENOSPC);
	assert_int_equal(cs_report_write(NULL, "{}"), -EINVAL);
	assert_int_equal(cs_report_write(path, NULL), -EINVAL);
}

static void
test_resources_get(void **state)
{
	struct cs_report_resources r;
	int fd;
	unsigned before;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(cs_report_resources_get(&r), 0);
	assert_true(r.valid);
	assert_true(r.max_rss_kib > 0);
	assert_true(r.cpu_user_s >= 0 && r.cpu_sys_s >= 0);
	assert_true(r.fds >= 1);
	before = r.fds;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(cs_report_resources_get(&r), 0);
	assert_int_equal(r.fds, before + 1);
	close(fd);
	assert_int_equal(cs_report_resources_get(NULL), -EINVAL);
}

static void
test_adapters(void **state)
{
	struct fix *f = *state;
	struct cs_impair_stats st = { 10, 4, 3, 2, 1, 5, 6, 7 };
	struct cs_nat_stats ns;
	struct cs_report_kv ikv[CS_REPORT_IMPAIR_COUNTERS];
	struct cs_report_kv nkv[CS_REPORT_NAT_COUNTERS];
	struct cs_report_kv dkv[CS_DIAG__COUNT];
	struct cs_report_rule rules[2];
	struct cs_report_diag rd;
	struct cs_diagnosis d;
	char summary[] = "two causes", hint[] = "look";
	json_t *j, *r;
	char *text;

	memset(&ns, 0, sizeof(ns));
	ns.mappings = 40;
	ns.rebound = 2;
	ns.alloc_failures = 1;
	cs_report_rule_impair(&rules[0], ikv, "drop-hello", &st);
	cs_report_rule_nat(&rules[1], nkv, "nat", &ns);
	memset(&d, 0, sizeof(d));
	d.code = "mixed";
	d.summary = summary;
	d.hint = hint;
	d.aps_affected = 5;
	d.count[CS_DIAG_OK] = 35;
	d.count[CS_DIAG_CLOCK_SKEW] = 3;
	d.count[CS_DIAG_WLC_CAPACITY] = 2;
	cs_report_diag_from(&rd, dkv, CS_DIAG__COUNT, &d);
	assert_int_equal(rd.n_counts, 3);
	f->s.rules = rules;
	f->s.n_rules = 2;
	f->s.diag = &rd;
	text = cs_report_json(&f->s);
	j = parse(text);
	r = json_array_get(json_object_get(j, "impairments"), 0);
	assert_string_equal(
	    json_string_value(json_object_get(r, "name")), "drop-hello");
	assert_true(num(r, "matched") == 10);
	assert_true(num(r, "dropped") == 4);
	assert_true(num(r, "delayed") == 3);
	assert_true(num(r, "duplicated") == 2);
	assert_true(num(r, "corrupted") == 1);
	assert_true(num(r, "truncated") == 5);
	assert_true(num(r, "held") == 6);
	assert_true(num(r, "released") == 7);
	r = json_array_get(json_object_get(j, "impairments"), 1);
	assert_int_equal(json_object_size(r), 1 + CS_REPORT_NAT_COUNTERS);
	assert_true(num(r, "mappings") == 40);
	assert_true(num(r, "rebound") == 2);
	assert_true(num(r, "alloc_failures") == 1);
	assert_true(num(r, "in_pkts") == 0);
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(j, "diagnosis"), "code")),
	    "mixed");
	assert_true(num(j, "diagnosis.aps_affected") == 5);
	assert_true(num(j, "diagnosis.counts.ok") == 35);
	assert_true(num(j, "diagnosis.counts.clock-skew") == 3);
	assert_true(num(j, "diagnosis.counts.wlc-capacity") == 2);
	assert_int_equal(json_object_size(json_object_get(
	                     json_object_get(j, "diagnosis"), "counts")),
	    3);
	json_decref(j);
	free(text);
	/* a short kv array keeps the first codes */
	cs_report_diag_from(&rd, dkv, 1, &d);
	assert_int_equal(rd.n_counts, 1);
	assert_string_equal(rd.counts[0].name, "ok");
}

/* The causes of a diagnosis with the APs they name, and capsim's own
 * health, in the JSON report. */
static void
test_causes(void **state)
{
	struct fix *f = *state;
	static const struct cs_report_ap aps[] = {
		{ "capsim-ap-00001", "02:ca:75:00:00:01", "127.1.0.1" },
		{ "capsim-ap-00002", "02:ca:75:00:00:02", "127.1.0.2" },
		{ "capsim-ap-00003", "02:ca:75:00:00:03", "127.1.0.3" },
		{ "capsim-ap-00004", "02:ca:75:00:00:04", "127.1.0.4" },
	};
	struct cs_report_kv dkv[CS_DIAG__COUNT];
	struct cs_report_causes rc;
	struct cs_report_diag rd;
	struct cs_diagnosis d;
	json_t *j, *dj, *c;
	char *text;

	memset(&d, 0, sizeof(d));
	d.code = "local-send-error";
	d.primary = CS_DIAG_LOCAL_SEND_ERROR;
	d.aps = 4;
	d.aps_affected = 3;
	d.count[CS_DIAG_OK] = 1;
	d.count[CS_DIAG_LOCAL_SEND_ERROR] = 3;
	d.ap_idx[CS_DIAG_OK] = calloc(1, sizeof(size_t));
	d.ap_idx[CS_DIAG_LOCAL_SEND_ERROR] = calloc(3, sizeof(size_t));
	assert_non_null(d.ap_idx[CS_DIAG_OK]);
	assert_non_null(d.ap_idx[CS_DIAG_LOCAL_SEND_ERROR]);
	d.ap_idx[CS_DIAG_OK][0] = 2;
	d.ap_idx[CS_DIAG_LOCAL_SEND_ERROR][0] = 0;
	d.ap_idx[CS_DIAG_LOCAL_SEND_ERROR][1] = 1;
	d.ap_idx[CS_DIAG_LOCAL_SEND_ERROR][2] = 3;
	d.conf[CS_DIAG_LOCAL_SEND_ERROR] = CS_DIAG_CONF_HIGH;
	d.confidence = CS_DIAG_CONF_HIGH;
	d.cause_evidence[CS_DIAG_LOCAL_SEND_ERROR] = strdup("3 APs: EINVAL");
	d.evidence = strdup("3 APs: EINVAL");
	d.self_bad = true;
	d.self_text = strdup("capsim's own health; 9 sends failed");
	cs_report_diag_from(&rd, dkv, CS_DIAG__COUNT, &d);
	assert_int_equal(cs_report_causes_build(&rc, &rd, &d, aps, 4, 0), 0);
	assert_int_equal(rc.n, 1); /* ok is not a cause */
	f->s.diag = &rd;
	text = cs_report_json(&f->s);
	j = parse(text);
	dj = json_object_get(j, "diagnosis");
	assert_string_equal(
	    json_string_value(json_object_get(dj, "confidence")), "high");
	assert_string_equal(json_string_value(json_object_get(dj, "evidence")),
	    "3 APs: EINVAL");
	c = json_array_get(json_object_get(dj, "causes"), 0);
	assert_string_equal(
	    json_string_value(json_object_get(c, "cause")), "local-send-error");
	assert_true(num(c, "aps") == 3);
	assert_string_equal(json_string_value(json_object_get(c, "ap_names")),
	    "capsim-ap-00001..00002,capsim-ap-00004");
	assert_int_equal(json_array_size(json_object_get(c, "ap_list")), 3);
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_array_get(json_object_get(c, "ap_list"), 2), "mac")),
	    "02:ca:75:00:00:04");
	assert_true(json_is_false(
	    json_object_get(json_object_get(dj, "self_health"), "ok")));
	json_decref(j);
	free(text);
	f->s.diag = NULL;
	cs_report_causes_free(&rc);
	cs_report_causes_free(&rc); /* twice is fine */
	cs_diagnosis_free(&d);
	assert_int_equal(
	    cs_report_causes_build(NULL, &rd, &d, NULL, 0, 0), -EINVAL);
}

/* capsim limited the run: late timers, kernel drops, or APs still in
 * capsim's own handshake queue at the end (not a cap's or a slow
 * external controller's queue). */
static void
test_health_limited(void **state)
{
	struct cs_report_resources r;

	(void)state;
	assert_false(cs_report_health_limited(NULL));
	memset(&r, 0, sizeof(r));
	r.has_lateness = true;
	r.lateness_p99_ms = 999;
	r.lateness_max_ms = 4999;
	r.has_health = true;
	r.hs_waiting = 100; /* waiting, but not capsim's own queue */
	assert_false(cs_report_health_limited(&r));
	assert_false(r.limited);
	r.hs_queue_own = true;
	assert_true(cs_report_health_limited(&r));
	assert_true(r.limited);
	r.hs_waiting = 0; /* the queue emptied before the end */
	assert_false(cs_report_health_limited(&r));
	r.lateness_p99_ms = 1000;
	assert_true(cs_report_health_limited(&r));
	r.lateness_p99_ms = 10;
	r.lateness_max_ms = 5000;
	assert_true(cs_report_health_limited(&r));
	r.lateness_max_ms = 10;
	r.rxq_drops = 1;
	assert_true(cs_report_health_limited(&r));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_stable_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_histograms, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_added_sections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_args_and_write, setup, teardown),
		cmocka_unit_test(test_resources_get),
		cmocka_unit_test_setup_teardown(test_adapters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_causes, setup, teardown),
		cmocka_unit_test(test_health_limited),
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
