/* SPDX-License-Identifier: MIT */
/*
 * capsim report: the HTML page of any JSON run report (`capsim run --json`,
 * merged runs included: the page needs only the JSON).
 */
#include "sim.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/html.h"
#include "capsim/report.h"
#include "simutil.h"

#define REPORT_MAX_BYTES (512u << 20) /* a JSON report is far smaller */

static void
usage(FILE *f)
{
	fputs(
	    "usage: capsim report [OPTIONS] RUN.json\n\n"
	    "Writes one self-contained HTML page from a JSON run report:\n"
	    "verdict and evidence, affected APs, APs per state over time,\n"
	    "joins/s, phase latency, failures by phase and reason, capsim's\n"
	    "health, the scenario and its timeline.  RUN.json may be '-'\n"
	    "(standard input).  Reports without a time series (written\n"
	    "before capsim recorded one) get the tables and the latency\n"
	    "distribution, and say which charts they cannot have.\n\n"
	    "Options:\n"
	    "  -o, --output FILE   where to write the page (required; '-' is\n"
	    "                      standard output)\n"
	    "  -h, --help          this text\n\n"
	    "Exit status: 0 written, 1 cannot write, 2 usage error or not\n"
	    "a capsim JSON run report.\n\n"
	    "Example:\n"
	    "  capsim run --aps 50 --duration 20s --json run.json\n"
	    "  capsim report run.json -o run.html\n",
	    f);
}

int
sim_cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cs_html_err err;
	const char *out_path = NULL, *path;
	char *json = NULL, *page = NULL;
	size_t len = 0;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return SIM_EXIT_OK;
		default:
			usage(stderr);
			return SIM_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fputs(optind == argc ? "capsim report: no JSON report given\n"
		                     : "capsim report: one JSON report only\n",
		    stderr);
		usage(stderr);
		return SIM_EXIT_USAGE;
	}
	path = argv[optind];
	if (out_path == NULL) {
		fputs(
		    "capsim report: no output given (-o FILE.html)\n", stderr);
		return SIM_EXIT_USAGE;
	}
	if ((r = sim_read_file(path, REPORT_MAX_BYTES, &json, &len)) < 0) {
		fprintf(stderr, "capsim report: cannot read %s: %s\n", path,
		    r == -EFBIG ? "larger than 512 MiB, not a run report"
		                : strerror(-r));
		return SIM_EXIT_USAGE;
	}
	memset(&err, 0, sizeof(err));
	r = cs_report_html(&page, json, len, &err);
	free(json);
	if (r == -EBADMSG) {
		if (err.line > 0)
			fprintf(stderr, "capsim report: %s:%d:%d: %s\n", path,
			    err.line, err.column, err.what);
		else
			fprintf(
			    stderr, "capsim report: %s: %s\n", path, err.what);
		return SIM_EXIT_USAGE;
	}
	if (r < 0) {
		fprintf(stderr, "capsim report: %s: %s\n", path, strerror(-r));
		return SIM_EXIT_RUNTIME;
	}
	r = cs_report_write(out_path, page);
	free(page);
	if (r < 0) {
		fprintf(stderr, "capsim report: cannot write %s: %s\n",
		    out_path, strerror(-r));
		return SIM_EXIT_RUNTIME;
	}
	return SIM_EXIT_OK;
}
