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

#include "capsim/client_metrics.h"
#include "capsim/diagnose.h"
#include "capsim/diagnose_clients.h"
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

/* Wireless clients in the shard reports shard_report() writes: per AP
 * (0: none); the clients of APs in [cl_bad_lo, cl_bad_hi) sent DHCP
 * requests that nobody answered; cl_ap_shift moves every client onto
 * another AP (a forged report). */
static unsigned tm_clients_per_ap, tm_cl_bad_lo, tm_cl_bad_hi, tm_cl_ap_shift;

/* Client k of AP g, its facts and, for one who joined, its latencies. */
static void
tm_client(
    unsigned g, unsigned k, struct cs_client_facts *f, char *name, size_t len)
{
	bool bad = g >= tm_cl_bad_lo && g < tm_cl_bad_hi;

	memset(f, 0, sizeof(*f));
	snprintf(name, len, "02:cc:00:00:%02x:%02x", (g >> 8) & 0xff,
	    (g * tm_clients_per_ap + k) & 0xff);
	f->name = name;
	f->ap = g + tm_cl_ap_shift;
	f->joined = !bad;
	f->failed = bad;
	f->failed_in = bad ? CS_STA_DHCP : CS_STA__COUNT;
	f->dhcp_sent = bad ? 4 : 1;
	f->dhcp_answered = bad ? 0 : 1;
	f->arp_sent = f->arp_answered = f->echo_sent = f->echo_answered = !bad;
}

static uint64_t
tm_client_us(unsigned g, unsigned k, int phase)
{
	return 1000 + (uint64_t)g * 7919 + (uint64_t)k * 104729 +
	    (uint64_t)phase * 3;
}

/* The clients of APs [first, first + n) into cm, facts f and names. */
static void
tm_clients(unsigned first, unsigned n, struct cs_client_metrics *cm,
    struct cs_client_facts *f, char (*names)[18])
{
	unsigned per = tm_clients_per_ap;

	cs_client_metrics_init(cm);
	for (unsigned i = 0; i < n; i++)
		for (unsigned k = 0; k < per; k++) {
			unsigned g = first + i;
			struct cs_client_facts *c = &f[i * per + k];

			tm_client(g, k, c, names[i * per + k], 18);
			cm->clients++;
			if (c->failed) {
				cm->per_state[CS_STA_FAILED]++;
				cm->failed[CS_STA_DHCP]++;
				continue;
			}
			cm->per_state[CS_STA_RUN]++;
			if (cm->joined++ == 0)
				cm->first_join_ms = 100 + g;
			cm->last_join_ms = 100 + g;
			for (int p = 0; p < CS_CLIENT_PH__COUNT; p++)
				if (p != CS_CLIENT_PH_L2AUTH)
					cs_hist_record(
					    &cm->ph[p], tm_client_us(g, k, p));
		}
	if (cm->failed[CS_STA_DHCP] > 0) {
		cm->reasons[0].phase = CS_STA_DHCP;
		snprintf(cm->reasons[0].reason, sizeof(cm->reasons[0].reason),
		    "no DHCP offer after 4 tries");
		cm->reasons[0].count = cm->failed[CS_STA_DHCP];
		cm->n_reasons = 1;
	}
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
	struct cs_client_metrics cm;
	struct cs_client_facts *cf = NULL;
	char(*cnames)[18] = NULL;
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
	if (tm_clients_per_ap > 0) {
		size_t nc = (size_t)n * tm_clients_per_ap;

		cf = calloc(nc, sizeof(*cf));
		cnames = calloc(nc, sizeof(*cnames));
		assert_non_null(cf);
		assert_non_null(cnames);
		tm_clients(first, n, &cm, cf, cnames);
		s.clients = &cm;
		s.client_facts = cf;
		s.n_client_facts = nc;
	}
	text = cs_report_json(&s);
	assert_non_null(text);
	if (s.clients != NULL)
		cs_client_metrics_free(&cm);
	free(cf);
	free(cnames);
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
	/* every shard started at the same time, none said its clock */
	assert_int_equal(st.start_spread_ms, 0);
	assert_int_equal(st.clocks_unsynced, 3);
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

/* 12 APs, 3 clients each, in 3 shards: the merged clients are the one
 * run's (counts, failures, every percentile of every phase, the join
 * rate) and their diagnosis is the one cs_diagnose_clients makes of all
 * the clients at once; the clients of APs 5..6 (shards 1 and 2) get no
 * DHCP answer. */
static void
test_merge_clients(void **state)
{
	enum {
		TOTAL = 12,
		PER = 3
	};
	struct cs_merge *m;
	struct cs_run_summary *s;
	struct cs_merge_status st;
	struct cs_client_metrics one;
	struct cs_client_facts f[TOTAL * PER];
	struct cs_client_diagnosis d;
	char names[TOTAL * PER][18], why[256], *t;

	(void)state;
	tm_clients_per_ap = PER;
	tm_cl_bad_lo = 5;
	tm_cl_bad_hi = 7;
	tm_cl_ap_shift = 0;
	assert_int_equal(cs_merge_new(&m), 0);
	merge_add(m, "r1.json", shard_report(1, 3, TOTAL, 0, 0, 1000));
	merge_add(m, "r0.json", shard_report(0, 3, TOTAL, 0, 0, 1000));
	merge_add(m, "r2.json", shard_report(2, 3, TOTAL, 0, 0, 1000));
	assert_int_equal(cs_merge_finish(m, &s, &st, why, sizeof(why)), 0);
	assert_true(st.complete);
	/* the one run: every client in one recorder */
	tm_clients(0, TOTAL, &one, f, names);
	assert_non_null(s->clients);
	assert_int_equal(s->clients->clients, TOTAL * PER);
	assert_int_equal(s->clients->joined, one.joined);
	assert_int_equal(s->clients->joined, (TOTAL - 2) * PER);
	assert_int_equal(s->clients->failed[CS_STA_DHCP], 2 * PER);
	assert_int_equal(cs_client_metrics_failed(s->clients), 2 * PER);
	assert_int_equal(
	    s->clients->per_state[CS_STA_RUN], one.per_state[CS_STA_RUN]);
	assert_int_equal(s->clients->n_reasons, 1);
	assert_int_equal(s->clients->reasons[0].count, 2 * PER);
	assert_string_equal(
	    s->clients->reasons[0].reason, "no DHCP offer after 4 tries");
	for (int p = 0; p < CS_CLIENT_PH__COUNT; p++) {
		const struct cs_hist *a = &s->clients->ph[p], *b = &one.ph[p];

		assert_int_equal(a->count, b->count);
		assert_int_equal(a->sum_us, b->sum_us);
		for (double q = 0.01; q < 1.0; q += 0.01)
			assert_int_equal(
			    cs_hist_quantile(a, q), cs_hist_quantile(b, q));
	}
	assert_int_equal(s->clients->first_join_ms, one.first_join_ms);
	assert_int_equal(s->clients->last_join_ms, one.last_join_ms);
	/* the diagnosis over all the clients, as the one run makes it */
	assert_int_equal(cs_diagnose_clients(f, TOTAL * PER, &d), 0);
	assert_non_null(s->client_diag);
	assert_string_equal(s->client_diag->code, "dhcp-unanswered");
	assert_string_equal(s->client_diag->code, d.code);
	assert_string_equal(s->client_diag->summary, d.summary);
	for (int k = 0; k < CS_CDIAG__COUNT; k++) {
		assert_int_equal(s->client_diag->count[k], d.count[k]);
		assert_int_equal(s->client_diag->aps[k], d.aps[k]);
		if (d.names[k] != NULL)
			assert_string_equal(
			    s->client_diag->names[k], d.names[k]);
	}
	assert_int_equal(s->client_diag->aps[CS_CDIAG_DHCP_UNANSWERED], 2);
	assert_int_equal(s->n_client_facts, TOTAL * PER);
	t = cs_merge_json(m, s);
	assert_non_null(t);
	assert_non_null(strstr(t, "\"dhcp-unanswered\""));
	free(t);
	cs_client_diagnosis_free(&d);
	cs_client_metrics_free(&one);
	cs_merge_free(m);

	/* a shard whose clients stand on another shard's APs is refused,
	 * and the message says where */
	assert_int_equal(cs_merge_new(&m), 0);
	merge_add(m, "r0.json", shard_report(0, 2, 4, 0, 0, 1000));
	tm_cl_ap_shift = 2;
	merge_add(m, "r1.json", shard_report(1, 2, 4, 0, 0, 1000));
	assert_int_equal(
	    cs_merge_finish(m, &s, &st, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "r1.json: clients.results[0]: client "));
	assert_non_null(strstr(why, "not one of the shard's APs 2..3"));
	cs_merge_free(m);

	/* clients in one shard and none in the other: not one run */
	assert_int_equal(cs_merge_new(&m), 0);
	tm_cl_ap_shift = 0;
	merge_add(m, "r0.json", shard_report(0, 2, 4, 0, 0, 1000));
	tm_clients_per_ap = 0;
	merge_add(m, "r1.json", shard_report(1, 2, 4, 0, 0, 1000));
	assert_int_equal(
	    cs_merge_finish(m, &s, &st, why, sizeof(why)), -EPROTO);
	assert_non_null(strstr(why, "wireless clients in one, none"));
	cs_merge_free(m);
	tm_clients_per_ap = tm_cl_ap_shift = 0;
}

/* Every client's facts through the JSON and back; rows that are not
 * this layout are refused with the row named. */
static void
test_client_results_roundtrip(void **state)
{
	struct cs_client_facts f[2], *out = NULL;
	json_t *o, *row;
	const char *why = NULL;
	size_t n = 0, bad = 0;

	(void)state;
	memset(f, 0, sizeof(f));
	f[0].name = "02:cc:00:00:00:01";
	f[0].ap = 70000;
	f[0].joined = true;
	f[0].has_wlc_side = true;
	f[0].large_bytes = 1400;
	f[0].small_sent = 4000000000u;
	f[1].name = "02:cc:00:00:00:02";
	f[1].failed = true;
	f[1].failed_in = CS_STA_L2AUTH;
	f[1].m1_received = f[1].m2_sent = 3;
	f[1].deauth_reason = 15;
	f[1].wlc_m2_mic_failed = 2;
	o = cs_client_results_json(f, 2);
	assert_non_null(o);
	assert_int_equal(
	    cs_client_results_from_json(o, &out, &n, &bad, &why), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		struct cs_client_facts a = f[i], b = out[i];

		assert_string_equal(a.name, b.name);
		if (!a.failed)
			a.failed_in = CS_STA__COUNT; /* not written */
		a.name = b.name = NULL;
		assert_memory_equal(&a, &b, sizeof(a));
	}
	cs_client_results_free(out, n);
	/* a count too large for its field */
	row = json_array_get(json_object_get(o, "clients"), 1);
	json_array_set_new(row, 5, json_integer(70000)); /* assoc_status */
	out = NULL;
	assert_int_equal(
	    cs_client_results_from_json(o, &out, &n, &bad, &why), -EBADMSG);
	assert_int_equal(bad, 1);
	assert_null(out);
	/* failed_in without a failure */
	json_array_set_new(row, 5, json_integer(0));
	json_array_set_new(row, 4, json_integer(0)); /* failed */
	assert_int_equal(
	    cs_client_results_from_json(o, &out, &n, &bad, &why), -EBADMSG);
	assert_non_null(strstr(why, "failed_in"));
	/* columns of another layout */
	json_array_set_new(json_object_get(o, "fields"), 2, json_string("x"));
	assert_int_equal(
	    cs_client_results_from_json(o, &out, &n, &bad, &why), -EBADMSG);
	assert_int_equal(bad, SIZE_MAX);
	json_decref(o);
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
		cmocka_unit_test(test_merge_clients),
		cmocka_unit_test(test_client_results_roundtrip),
	};

	return cmocka_run_group_tests_name("merge", tests, NULL, NULL);
}
