/* SPDX-License-Identifier: MIT */
/*
 * capsim merge: the reports of a sharded run (`capsim run --shard I/N
 * --json`) into the one run's report, its JUnit and its HTML page
 * (capsim/merge.h does the merging; this file reads and writes files and
 * evaluates the expectations again on the merged numbers).
 */
#include "sim.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/client_metrics.h"
#include "capsim/diagnose.h"
#include "capsim/diagnose_clients.h"
#include "capsim/html.h"
#include "capsim/merge.h"
#include "capsim/report.h"
#include "capsim/scenario.h"
#include "simutil.h"

#define MERGE_MAX_BYTES (1024u << 20) /* 100 000 APs' facts: ~60 MiB */

static void
usage(FILE *f)
{
	fputs(
	    "usage: capsim merge [OPTIONS] SHARD.json... -o RUN.json\n\n"
	    "Merges the JSON reports of the shards of one run (`capsim run\n"
	    "--shard I/N --json`) into the report of the one run they make:\n"
	    "counters summed, latency histograms merged bucket by bucket (the\n"
	    "percentiles are those of one run holding the same samples), the\n"
	    "time series aligned on wall-clock time, every AP's verdict and\n"
	    "the diagnosis recomputed over all APs, the wireless clients'\n"
	    "counts and latencies merged the same way and their diagnosis\n"
	    "made again over every client, the expectations\n"
	    "evaluated again.  Shards missing, given twice, interrupted or\n"
	    "whose report is unreadable are named, and the run is incomplete.\n"
	    "\n"
	    "Options:\n"
	    "  -o, --output FILE   the merged JSON report (required; '-' is\n"
	    "                      standard output)\n"
	    "  --junit FILE        JUnit XML of the merged run\n"
	    "  --html FILE         the HTML page of the merged run\n"
	    "  -q, --quiet         no summary on standard error\n"
	    "  -h, --help          this text\n\n"
	    "Exit status: 0 pass, 3 fail, 4 fail and the diagnosis is\n"
	    "inconclusive, 5 fail and capsim itself limited a shard, 6 the\n"
	    "run is incomplete (shards missing or failed: the report is\n"
	    "written and says which), 2 usage error or the reports are not\n"
	    "shards of one run, 1 runtime error.\n\n"
	    "Example:\n"
	    "  for i in 0 1 2 3; do capsim run s.yaml --shard $i/4 \\\n"
	    "      --start-at 2026-12-07T15:40:00Z --json r$i.json & done; "
	    "wait\n"
	    "  capsim merge r0.json r1.json r2.json r3.json -o run.json "
	    "--html run.html\n",
	    f);
}

static int
merge_write(const char *path, const char *text, const char *what)
{
	int r;

	if (text == NULL) {
		fprintf(stderr, "capsim merge: %s: out of memory\n", what);
		return SIM_EXIT_RUNTIME;
	}
	if ((r = cs_report_write(path, text)) < 0) {
		fprintf(stderr, "capsim merge: cannot write %s: %s\n", path,
		    strerror(-r));
		return SIM_EXIT_RUNTIME;
	}
	return SIM_EXIT_OK;
}

/* The expectations the shards evaluated, again on the merged run. */
static unsigned
merge_expect(struct cs_merge *mg, struct cs_run_summary *s,
    struct cs_expect_result **out, bool quiet)
{
	size_t n = cs_merge_n_expect(mg);
	struct cs_expect_result *res;
	unsigned failed = 0;

	*out = NULL;
	if (n == 0 || (res = calloc(n, sizeof(*res))) == NULL)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const char *text = cs_merge_expect_text(mg, i);
		struct cs_expect e = { 0 };
		struct cs_err err = { 0 };

		if (text == NULL || cs_expect_parse(&e, text, &err) < 0) {
			/* written by a capsim that parsed it: a refusal here
			 * means another version; it fails, visibly */
			res[i].text = text != NULL ? text : "";
			snprintf(res[i].message, sizeof(res[i].message),
			    "%s: cannot evaluate on the merged run: %s",
			    res[i].text, err.what ? err.what : "not text");
			res[i].missing = true;
		} else {
			cs_expect_eval_summary(&e, s, &res[i]);
			res[i].text = text; /* lives in the merge */
		}
		cs_expect_clear(&e);
		if (!quiet)
			fprintf(stderr, "  %s %s\n",
			    res[i].pass ? "PASS" : "FAIL", res[i].message);
		failed += !res[i].pass;
	}
	s->expect = res;
	s->n_expect = n;
	*out = res;
	return failed;
}

/* Each shard report into the merge; one that cannot be read or parsed is
 * named and recorded as failed, and the merge goes on.  0 or -ENOMEM. */
static int
merge_add_shards(struct cs_merge *mg, int n, char **argv)
{
	char why[512];
	int r;

	for (int i = 0; i < n; i++) {
		char *json = NULL;
		size_t len = 0;

		if ((r = sim_read_file(argv[i], MERGE_MAX_BYTES, &json, &len)) <
		    0) {
			/* a shard whose report is not there failed: named,
			 * and the merge goes on with the others */
			snprintf(why, sizeof(why), "cannot read: %s",
			    r == -EFBIG ? "larger than 1 GiB" : strerror(-r));
			fprintf(stderr, "capsim merge: %s: %s\n", argv[i], why);
			if (cs_merge_add_failed(mg, argv[i], why) < 0)
				return -ENOMEM;
			continue;
		}
		r = cs_merge_add(mg, argv[i], json, len, why, sizeof(why));
		free(json);
		if (r == -EBADMSG) {
			size_t k = strlen(argv[i]);

			fprintf(stderr, "capsim merge: %s\n", why);
			/* why starts with the file name already */
			if (cs_merge_add_failed(mg, argv[i],
			        strncmp(why, argv[i], k) == 0 &&
			                why[k] == ':' && why[k + 1] == ' '
			            ? why + k + 2
			            : why) < 0)
				return -ENOMEM;
		} else if (r < 0) {
			return -ENOMEM;
		}
	}
	return 0;
}

/* The merged clients: counts, the total join time, their diagnosis. */
static void
merge_print_clients(const struct cs_run_summary *s)
{
	const struct cs_client_metrics *c = s->clients;
	const struct cs_client_diagnosis *d = s->client_diag;

	if (c == NULL)
		return;
	fprintf(stderr,
	    "capsim merge: clients: %llu of %llu joined, %llu failed; "
	    "total p50 %.0f ms p99 %.0f ms\n",
	    (unsigned long long)c->joined, (unsigned long long)c->clients,
	    (unsigned long long)cs_client_metrics_failed(c),
	    (double)cs_hist_quantile(&c->ph[CS_CLIENT_PH_TOTAL], 0.5) / 1000.0,
	    (double)cs_hist_quantile(&c->ph[CS_CLIENT_PH_TOTAL], 0.99) /
	        1000.0);
	if (d != NULL)
		fprintf(stderr, "capsim merge: clients: %s: %s\n", d->code,
		    d->summary != NULL ? d->summary : "");
}

/* The merged run in a few lines on stderr, then what kept it from being
 * whole. */
static void
merge_print(const struct cs_run_summary *s, const struct cs_merge_status *st,
    const struct cs_diagnosis *d, bool quiet)
{
	if (!quiet) {
		fprintf(stderr,
		    "capsim merge: %u of %u shards, %u of %u APs: %u joined, "
		    "%u "
		    "in Run at the end, %u had failures; join p50 %.0f ms p99 "
		    "%.0f ms\n",
		    st->merged, st->declared, st->aps_merged, st->aps,
		    s->joined, s->in_run, s->failed,
		    (double)cs_hist_quantile(&s->m->lat[CS_LAT_TOTAL], 0.5) /
		        1000.0,
		    (double)cs_hist_quantile(&s->m->lat[CS_LAT_TOTAL], 0.99) /
		        1000.0);
		if (d != NULL)
			fprintf(stderr,
			    "capsim merge: diagnosis: %s (confidence %s; %u of "
			    "%u APs)\n",
			    d->code, cs_diag_conf_name(d->confidence),
			    d->aps_affected, d->aps);
		for (size_t i = 0; s->diag != NULL && i < s->diag->n_causes;
		     i++)
			fprintf(stderr, "  %s: %u AP%s: %s\n",
			    s->diag->causes[i].cause, s->diag->causes[i].aps,
			    s->diag->causes[i].aps == 1 ? "" : "s",
			    s->diag->causes[i].ap_names != NULL
			        ? s->diag->causes[i].ap_names
			        : "");
		merge_print_clients(s);
	}
	if (!quiet && st->merged > 1)
		fprintf(stderr,
		    "capsim merge: the shards started within %llu ms of each "
		    "other%s\n",
		    (unsigned long long)st->start_spread_ms,
		    st->clocks_unsynced > 0
		        ? "; some clocks are not NTP-synchronised: the "
		          "offsets are only as good as those clocks"
		        : "");
	for (size_t i = 0; i < st->n_problems; i++)
		fprintf(stderr, "capsim merge: %s\n", st->problems[i]);
	if (!st->complete)
		fprintf(stderr,
		    "capsim merge: the run is INCOMPLETE: %u of %u shards "
		    "merged, %u of %u APs\n",
		    st->merged, st->declared, st->aps_merged, st->aps);
}

/* The merged JSON, and the HTML page and JUnit when asked for. */
static int
merge_outputs(const char *text, const struct cs_run_summary *s,
    const char *out_path, const char *html_path, const char *junit_path)
{
	int rc;

	if ((rc = merge_write(out_path, text, "JSON")) != SIM_EXIT_OK)
		return rc;
	if (html_path != NULL) {
		struct cs_html_err herr = { 0 };
		char *page = NULL;

		if (cs_report_html(&page, text, strlen(text), &herr) < 0) {
			fprintf(stderr, "capsim merge: HTML: %s\n",
			    herr.what[0] ? herr.what : "out of memory");
			return SIM_EXIT_RUNTIME;
		}
		rc = merge_write(html_path, page, "HTML");
		free(page);
		if (rc != SIM_EXIT_OK)
			return rc;
	}
	if (junit_path != NULL) {
		char *j = cs_report_junit(s);

		rc = merge_write(junit_path, j, "JUnit");
		free(j);
		if (rc != SIM_EXIT_OK)
			return rc;
	}
	return SIM_EXIT_OK;
}

int
sim_cmd_merge(int argc, char **argv)
{
	enum {
		O_JUNIT = 256,
		O_HTML
	};
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "junit", required_argument, NULL, O_JUNIT },
		{ "html", required_argument, NULL, O_HTML },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out_path = NULL, *junit_path = NULL, *html_path = NULL;
	struct cs_merge *mg = NULL;
	struct cs_run_summary *s = NULL;
	struct cs_merge_status st = { 0 };
	struct cs_expect_result *res = NULL;
	const struct cs_diagnosis *d;
	char why[512], *text = NULL;
	unsigned failed_expect;
	bool quiet = false;
	int c, r, rc = SIM_EXIT_RUNTIME;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out_path = optarg;
			break;
		case O_JUNIT:
			junit_path = optarg;
			break;
		case O_HTML:
			html_path = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return SIM_EXIT_OK;
		default:
			usage(stderr);
			return SIM_EXIT_USAGE;
		}
	}
	if (optind == argc || out_path == NULL) {
		fputs(optind == argc ? "capsim merge: no shard report given\n"
		                     : "capsim merge: no output given (-o "
		                       "RUN.json)\n",
		    stderr);
		return SIM_EXIT_USAGE;
	}
	if (cs_merge_new(&mg) < 0)
		return SIM_EXIT_RUNTIME;
	if (merge_add_shards(mg, argc - optind, argv + optind) < 0)
		goto out;
	r = cs_merge_finish(mg, &s, &st, why, sizeof(why));
	if (r == -EPROTO || r == -ENODATA || r == -EBADMSG) {
		fprintf(stderr, "capsim merge: %s\n", why);
		rc = SIM_EXIT_USAGE;
		goto out;
	}
	if (r < 0)
		goto out;
	failed_expect = merge_expect(mg, s, &res, quiet);
	if (s->n_expect > 0)
		s->passed =
		    st.complete && !s->interrupted && failed_expect == 0;
	s->argv = (const char *const *)argv;
	s->argc = argc;
	d = cs_merge_diagnosis(mg);
	merge_print(s, &st, d, quiet);
	text = cs_merge_json(mg, s);
	if ((rc = merge_outputs(text, s, out_path, html_path, junit_path)) !=
	    SIM_EXIT_OK)
		goto out;
	if (!st.complete)
		rc = SIM_EXIT_INCOMPLETE;
	else if (s->passed)
		rc = SIM_EXIT_OK;
	else if (d != NULL && d->self_bad)
		rc = SIM_EXIT_SELF;
	else if (d != NULL && d->primary == CS_DIAG_INCONCLUSIVE &&
	    s->n_expect == 0)
		rc = SIM_EXIT_INCONCLUSIVE;
	else
		rc = SIM_EXIT_FAILED;
out:
	free(text);
	free(res);
	cs_merge_free(mg);
	return rc;
}
