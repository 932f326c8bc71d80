/* SPDX-License-Identifier: MIT */
/*
 * Merging shard reports (capsim/merge.h, issue 17): histograms read back
 * from the JSON report merge exactly (every percentile equals the one of
 * a single histogram holding all the samples), per-AP facts survive the
 * JSON both ways, and bad or partial input is named, never merged
 * silently.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/diagnose.h"
#include "capsim/hist.h"
#include "capsim/merge.h"
#include "capsim/metrics.h"
#include "capsim/report.h"
#include "report/report-internal.h"

static uint64_t
lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

/* A latency spread over many decades: 0 us .. ~70 s. */
static uint64_t
sample(uint64_t *s)
{
	uint64_t e = lcg(s) % 27;

	return lcg(s) % ((uint64_t)1 << e);
}

/* The histogram of series l as the JSON report writes it, read back. */
static void
roundtrip(const struct cs_metrics *m, enum cs_lat l, struct cs_hist *out)
{
	struct cs_run_summary s = { 0 };
	json_t *root, *h;
	const char *why = NULL;
	char *text, k[32];
	size_t i;

	s.m = m;
	text = cs_report_json(&s);
	assert_non_null(text);
	root = json_loads(text, 0, NULL);
	assert_non_null(root);
	snprintf(k, sizeof(k), "%s", cs_lat_name(l));
	for (i = 0; k[i]; i++)
		if (k[i] == '-')
			k[i] = '_';
	h = json_object_get(json_object_get(root, "histograms"), k);
	assert_non_null(h);
	assert_int_equal(cs_merge_hist_from_json(h, out, &why), 0);
	json_decref(root);
	free(text);
}

static void
test_hist_merge_exact(void **state)
{
	static const double qs[] = { 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9,
		0.95, 0.99, 0.995, 0.999, 0.9999 };
	struct cs_metrics a, b, all;
	struct cs_hist ra, rb;
	uint64_t seed = 17;

	(void)state;
	cs_metrics_init(&a);
	cs_metrics_init(&b);
	cs_metrics_init(&all);
	for (int i = 0; i < 20000; i++) {
		uint64_t v = sample(&seed);

		/* an uneven split, as shards of unequal luck */
		cs_hist_record(&(i % 3 == 0 ? &a : &b)->lat[CS_LAT_TOTAL], v);
		cs_hist_record(&all.lat[CS_LAT_TOTAL], v);
	}
	roundtrip(&a, CS_LAT_TOTAL, &ra);
	roundtrip(&b, CS_LAT_TOTAL, &rb);
	/* read back bucket by bucket exactly as recorded */
	assert_memory_equal(
	    ra.b, a.lat[CS_LAT_TOTAL].b, CS_HIST_BUCKETS * sizeof(*ra.b));
	assert_int_equal(ra.count, a.lat[CS_LAT_TOTAL].count);
	assert_int_equal(ra.min_us, a.lat[CS_LAT_TOTAL].min_us);
	assert_int_equal(ra.max_us, a.lat[CS_LAT_TOTAL].max_us);
	assert_int_equal(ra.sum_us, a.lat[CS_LAT_TOTAL].sum_us);
	assert_int_equal(cs_hist_merge(&ra, &rb), 0);
	assert_int_equal(ra.count, all.lat[CS_LAT_TOTAL].count);
	assert_int_equal(ra.sum_us, all.lat[CS_LAT_TOTAL].sum_us);
	assert_memory_equal(
	    ra.b, all.lat[CS_LAT_TOTAL].b, CS_HIST_BUCKETS * sizeof(*ra.b));
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
		assert_int_equal(cs_hist_quantile(&ra, qs[i]),
		    cs_hist_quantile(&all.lat[CS_LAT_TOTAL], qs[i]));
	/* an empty series stays empty */
	cs_hist_free(&rb);
	roundtrip(&a, CS_LAT_IMAGE, &rb);
	assert_int_equal(rb.count, 0);
	cs_hist_free(&ra);
	cs_hist_free(&rb);
	cs_metrics_free(&a);
	cs_metrics_free(&b);
	cs_metrics_free(&all);
}

static void
test_hist_from_json_refuses(void **state)
{
	static const char *const bad[] = {
		/* buckets do not add up */
		"{\"count\":3,\"sum_ms\":1,\"min_ms\":0,\"max_ms\":1,"
		"\"buckets\":[[1.0,2]]}",
		/* negative count */
		"{\"count\":1,\"sum_ms\":1,\"min_ms\":0,\"max_ms\":1,"
		"\"buckets\":[[1.0,-1]]}",
		/* not a pair */
		"{\"count\":1,\"sum_ms\":1,\"min_ms\":0,\"max_ms\":1,"
		"\"buckets\":[[1.0]]}",
		/* no sum */
		"{\"count\":1,\"min_ms\":0,\"max_ms\":1,\"buckets\":[[1,1]]}",
	};
	struct cs_hist h;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *o = json_loads(bad[i], 0, NULL);
		const char *why = NULL;

		assert_non_null(o);
		h.count = 0xdead;
		assert_int_equal(
		    cs_merge_hist_from_json(o, &h, &why), -EBADMSG);
		assert_non_null(why);
		assert_int_equal(h.count, 0xdead); /* untouched */
		json_decref(o);
	}
}

static void
test_facts_roundtrip_every_field(void **state)
{
	struct cs_ap_facts f, g;
	uint8_t covered[sizeof(struct cs_ap_facts)] = { 0 };
	size_t n = cs_facts_json_n_fields(), last_end = 0, cov = 0;
	const char *why = NULL;
	json_t *a;

	(void)state;
	cs_facts_init(&f);
	/* every field gets bytes of its own; the reason stays text */
	for (size_t i = 0; i < n; i++) {
		const char *name;
		size_t off, len;

		assert_int_equal(cs_facts_json_field(i, &name, &off, &len), 0);
		assert_true(off >= last_end); /* in order, no overlap */
		/* only alignment padding between fields: a field left out of
		 * the table would leave a larger gap */
		assert_true(off - last_end < 8);
		last_end = off + len;
		for (size_t k = 0; k < len; k++) {
			covered[off + k] = 1;
			((uint8_t *)&f)[off + k] = strcmp(name, "reason") == 0
			    ? (uint8_t)(k < 10 ? 'a' + k : 0)
			    : (uint8_t)(off + k * 7 + 1);
		}
	}
	assert_true(sizeof(f) - last_end < 8);
	for (size_t k = 0; k < sizeof(covered); k++)
		cov += covered[k];
	assert_true(cov > sizeof(f) * 9 / 10);
	a = cs_facts_json(&f);
	assert_non_null(a);
	memset(&g, 0x5a, sizeof(g));
	assert_int_equal(cs_facts_from_json(a, &g, &why), 0);
	for (size_t k = 0; k < sizeof(f); k++)
		if (covered[k])
			assert_int_equal(
			    ((uint8_t *)&f)[k], ((uint8_t *)&g)[k]);
	json_decref(a);
}

static void
test_facts_from_json_refuses(void **state)
{
	struct cs_ap_facts f, out;
	const char *why = NULL;
	json_t *a;

	(void)state;
	cs_facts_init(&f);
	a = cs_facts_json(&f);
	assert_non_null(a);
	/* disc_req is 16 bits: 70000 does not fit */
	json_array_set_new(a, 8, json_integer(70000));
	memset(&out, 0x77, sizeof(out));
	assert_int_equal(cs_facts_from_json(a, &out, &why), -EBADMSG);
	assert_non_null(why);
	assert_int_equal(out.disc_req, 0x7777); /* untouched */
	json_array_remove(a, 8);
	assert_int_equal(cs_facts_from_json(a, &out, &why), -EBADMSG);
	json_decref(a);
	/* field names of another version */
	a = json_pack("[s]", "t_first");
	assert_int_equal(cs_facts_json_names_check(a, &why), -EPROTO);
	json_decref(a);
	a = cs_facts_json_names();
	assert_int_equal(cs_facts_json_names_check(a, &why), 0);
	json_decref(a);
}

/* The report of shard `idx` of `count` over `total` APs; APs whose
 * global index is in [bad_lo, bad_hi) sent Discovery Requests that no
 * controller answered (no-controller), the others reached Run. */
static char *
shard_report(unsigned idx, unsigned count, unsigned total, unsigned bad_lo,
    unsigned bad_hi, uint64_t lat_us)
{
	unsigned first = idx * total / count;
	unsigned n = (idx + 1) * total / count - first;
	struct cs_report_ap_result *r = calloc(n, sizeof(*r));
	struct cs_ap_facts *f = calloc(n, sizeof(*f));
	char(*names)[32] = calloc(n, sizeof(*names));
	struct cs_report_shard sh = { .index = idx,
		.count = count,
		.first_ap = first,
		.n_aps = n,
		.total_aps = total };
	struct cs_diag_ctx ctx = { .live = true };
	struct cs_run_summary s = { 0 };
	struct cs_metrics m;
	char *text;

	assert_non_null(r);
	assert_non_null(f);
	assert_non_null(names);
	cs_metrics_init(&m);
	for (unsigned i = 0; i < n; i++) {
		unsigned g = first + i;
		bool bad = g >= bad_lo && g < bad_hi;

		cs_facts_init(&f[i]);
		f[i].flags |= CS_FACTS_F_LIVE | CS_FACTS_F_STARTED;
		f[i].t_first = 10;
		f[i].disc_req = bad ? 5 : 1;
		f[i].disc_resp = bad ? 0 : 1;
		f[i].ap_tx[0] = f[i].disc_req; /* what went on the wire */
		f[i].ap_rx[0] = f[i].disc_resp;
		f[i].t_last = f[i].t_last_up = 20000;
		if (!bad) {
			f[i].ch = 1;
			f[i].sh = f[i].cert = f[i].shd = 1;
			f[i].ccs_down = f[i].fin_down = f[i].hs_done = 1;
			f[i].join_req = f[i].join_resp = 1;
			f[i].runs = 1;
			f[i].flags |= CS_FACTS_F_IN_RUN;
			cs_hist_record(&m.lat[CS_LAT_TOTAL], lat_us + g);
		}
		snprintf(names[i], sizeof(names[i]), "capsim-ap-%05u", g + 1);
		r[i].index = g;
		r[i].name = names[i];
		r[i].joined = r[i].in_run = !bad;
		r[i].failed = bad;
		r[i].facts = &f[i];
		s.joined += !bad;
		s.in_run += !bad;
		s.failed += bad;
		s.states[bad ? CS_AP_DTLS_SETUP : CS_AP_RUN]++;
	}
	s.aps = n;
	s.m = &m;
	s.seed = 7;
	s.shard = &sh;
	s.ap_results = r;
	s.n_ap_results = n;
	s.diag_ctx = &ctx;
	s.started_unix_ms = 1700000000000ull;
	text = cs_report_json(&s);
	assert_non_null(text);
	cs_metrics_free(&m);
	free(r);
	free(f);
	free(names);
	return text;
}

static void
merge_add(struct cs_merge *m, const char *origin, char *text)
{
	char why[256];

	assert_int_equal(
	    cs_merge_add(m, origin, text, strlen(text), why, sizeof(why)), 0);
	free(text);
}

static void
test_merge_names_the_bad_shard(void **state)
{
	struct cs_merge *m;
	struct cs_run_summary *s;
	struct cs_merge_status st;
	const struct cs_diagnosis *d;
	char why[256];

	(void)state;
	assert_int_equal(cs_merge_new(&m), 0);
	/* 12 APs in 3 shards; shard 1 (APs 5..8) finds no controller */
	merge_add(m, "r2.json", shard_report(2, 3, 12, 4, 8, 1000));
	merge_add(m, "r0.json", shard_report(0, 3, 12, 4, 8, 1000));
	merge_add(m, "r1.json", shard_report(1, 3, 12, 4, 8, 1000));
	assert_int_equal(cs_merge_finish(m, &s, &st, why, sizeof(why)), 0);
	assert_true(st.complete);
	assert_int_equal(st.n_problems, 0);
	assert_int_equal(s->aps, 12);
	assert_int_equal(s->joined, 8);
	assert_int_equal(s->in_run, 8);
	assert_int_equal(s->m->lat[CS_LAT_TOTAL].count, 8);
	assert_false(s->passed);
	d = cs_merge_diagnosis(m);
	assert_non_null(d);
	assert_string_equal(d->code, "no-controller");
	assert_int_equal(d->count[CS_DIAG_NO_CONTROLLER], 4);
	assert_int_equal(d->count[CS_DIAG_OK], 8);
	assert_non_null(s->diag);
	assert_int_equal(s->diag->n_causes, 1);
	assert_string_equal(
	    s->diag->causes[0].ap_names, "capsim-ap-00005..00008");
	cs_merge_free(m);
}

static void
test_merge_incomplete_and_refusals(void **state)
{
	struct cs_merge *m;
	struct cs_run_summary *s;
	struct cs_merge_status st;
	static const char *const not_shard = "{\"tool\":\"capsim\"}";
	char why[256], *t;

	(void)state;
	assert_int_equal(cs_merge_new(NULL), -EINVAL);
	assert_int_equal(cs_merge_new(&m), 0);
	assert_int_equal(
	    cs_merge_finish(m, &s, &st, why, sizeof(why)), -ENODATA);
	assert_int_equal(
	    cs_merge_add(m, "x.json", "{", 1, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "x.json: not JSON"));
	assert_int_equal(cs_merge_add(m, "y.json", not_shard, strlen(not_shard),
	                     why, sizeof(why)),
	    -EBADMSG);
	assert_non_null(strstr(why, "not a shard report"));
	/* 4 shards declared, shard 0 twice, shard 2 and 3 missing, one
	 * unreadable */
	merge_add(m, "a.json", shard_report(0, 4, 8, 0, 0, 500));
	merge_add(m, "b.json", shard_report(0, 4, 8, 0, 0, 500));
	merge_add(m, "c.json", shard_report(1, 4, 8, 0, 0, 500));
	assert_int_equal(cs_merge_add_failed(m, "d.json", "cannot read"), 0);
	assert_int_equal(cs_merge_finish(m, &s, &st, why, sizeof(why)), 0);
	assert_false(st.complete);
	assert_false(s->passed);
	assert_int_equal(st.declared, 4);
	assert_int_equal(st.merged, 2);
	assert_int_equal(st.aps_merged, 4);
	assert_int_equal(s->joined, 4);
	assert_int_equal(st.n_problems, 4);
	assert_non_null(strstr(st.problems[0], "b.json: a second report"));
	assert_non_null(strstr(st.problems[1], "shard 2/4: no report"));
	assert_non_null(strstr(st.problems[2], "shard 3/4: no report"));
	assert_non_null(strstr(st.problems[3], "d.json: cannot read"));
	t = cs_merge_json(m, s);
	assert_non_null(t);
	assert_non_null(strstr(t, "\"complete\": false"));
	free(t);
	cs_merge_free(m);

	/* reports of two different runs are not merged */
	assert_int_equal(cs_merge_new(&m), 0);
	merge_add(m, "a.json", shard_report(0, 2, 8, 0, 0, 500));
	merge_add(m, "b.json", shard_report(1, 4, 8, 0, 0, 500));
	assert_int_equal(
	    cs_merge_finish(m, &s, &st, why, sizeof(why)), -EPROTO);
	assert_non_null(strstr(why, "number of shards"));
	cs_merge_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hist_merge_exact),
		cmocka_unit_test(test_hist_from_json_refuses),
		cmocka_unit_test(test_facts_roundtrip_every_field),
		cmocka_unit_test(test_facts_from_json_refuses),
		cmocka_unit_test(test_merge_names_the_bad_shard),
		cmocka_unit_test(test_merge_incomplete_and_refusals),
	};

	return cmocka_run_group_tests_name("merge", tests, NULL, NULL);
}
