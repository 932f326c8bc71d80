/* SPDX-License-Identifier: MIT */
/*
 * capsim capacity: a controller capacity search (issue 12).  A staircase
 * of join rates, each step one `capsim run` of its own (rate r for the
 * step time, then a grace period), measured over the step's settled
 * window, stopping at the knee: the controller falls behind the offered
 * rate, failures pass a threshold, the join p99 passes a bound, or
 * capsim's own health fails (then the limit is capsim's, not the
 * controller's).  Prints and writes a table per step (JSON, CSV) and
 * the answer.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim.h"
#include "simutil.h"

extern char **environ;

#define CAP_MAX_STEPS 64
#define CAP_MAX_ARGS  256
#define CAP_PHASES    7
/* exit status words of the diagnosis (4 inconclusive, 5 capsim's own
 * health) */
#define CAP_EXIT_INCONCLUSIVE 4
#define CAP_EXIT_SELF         5

static const char *const cap_phases[CAP_PHASES] = { "discovery", "dtls", "join",
	"image", "configure", "data-check", "total" };

struct cap_step {
	double offered;  /* joins/s asked for */
	unsigned aps;    /* APs started in the step */
	double achieved; /* joins/s in the settled window */
	unsigned joined, failed, in_run;
	double p50_ms[CAP_PHASES], p99_ms[CAP_PHASES];
	char failures[512]; /* "reason=count; ..." */
	double cpu_s, lateness_p99_ms;
	uint64_t rxq_drops;
	bool capsim_limited;
	const char *verdict; /* "ok" or why it is the knee */
};

struct cap_opts {
	double from, step, to;
	uint64_t step_ms, settle_ms, grace_ms, max_p99_ms, max_late_ms;
	double max_fail;  /* fraction of the step's APs */
	double min_ratio; /* achieved/offered below it: knee */
	unsigned refine;  /* halvings between last pass and knee */
	const char *json_path, *csv_path, *dir;
	char **run_argv; /* passed to every step */
	int run_argc;
};

static void
cap_usage(FILE *f)
{
	fprintf(f,
	    "usage: capsim capacity [OPTIONS] [-- RUN OPTIONS]\n\n"
	    "Finds a controller's join-rate knee: a staircase of join rates,\n"
	    "each step a `capsim run` of its own (RUN OPTIONS, e.g. --wlc\n"
	    "ADDR --skip-discovery, go to every step), measured after it\n"
	    "settles.  Stops at the knee: achieved joins/s below --min-ratio\n"
	    "of the offered rate, failures above --max-failures, join p99\n"
	    "above --max-p99, or capsim's own health failing (then the\n"
	    "limit is capsim's, not the controller's).\n\n"
	    "  --from R          first rate, joins/s (10)\n"
	    "  --step R          added per step (10)\n"
	    "  --to R            last rate tried (1000)\n"
	    "  --step-time D     APs start at the rate for D (10s)\n"
	    "  --settle D        measured from D into the step (2s)\n"
	    "  --grace D         the step runs D after the last start (5s)\n"
	    "  --max-failures F  failed APs per step, fraction (0.01)\n"
	    "  --max-p99 D       join p99 bound (10s)\n"
	    "  --min-ratio F     achieved/offered below F is the knee (0.95)\n"
	    "  --max-lateness D  capsim's timer lateness p99 above D: the\n"
	    "                    step measured capsim, not the controller\n"
	    "                    (100ms)\n"
	    "  --json FILE       steps and answer as JSON\n"
	    "  --csv FILE        one row per step\n"
	    "  --keep DIR        keep each step's report and events in DIR\n"
	    "  --refine N        halvings between the last passing rate and\n"
	    "                    the knee (3)\n"
	    "Each step runs with --max-inflight 0 (the offered rate is the\n"
	    "load; capsim's own pacing off) unless RUN OPTIONS set it.\n"
	    "The answer is the highest offered rate that passed.\n"
	    "Exit status: 0 knee found, 4 no knee up to --to (inconclusive),\n"
	    "5 capsim's own health limited the search, 1 a step failed to\n"
	    "run, 2 usage.\n");
}

/* Joins (entries into Run) with t in [from_ms, to_ms) in an events file
 * (JSON lines, capsim run --events). */
static int
cap_count_joins(const char *path, uint64_t from_ms, uint64_t to_ms, unsigned *n)
{
	FILE *f = fopen(path, "r");
	char line[4096];

	if (f == NULL)
		return -errno;
	*n = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		json_t *o;
		json_int_t t;
		const char *to;

		if (strstr(line, "\"to\":\"Run\"") == NULL)
			continue;
		if ((o = json_loads(line, 0, NULL)) == NULL)
			continue;
		if (json_unpack(o, "{s:I, s:s}", "t_ms", &t, "to", &to) == 0 &&
		    strcmp(to, "Run") == 0 && t >= 0 &&
		    (uint64_t)t >= from_ms && (uint64_t)t < to_ms)
			(*n)++;
		json_decref(o);
	}
	fclose(f);
	return 0;
}

/* Reads a step's JSON report into st. */
static int
cap_read_report(const char *path, struct cap_step *st)
{
	json_error_t je;
	json_t *r = json_load_file(path, 0, &je), *ph, *fl, *h;
	const char *k;
	json_t *v;
	size_t off = 0;

	if (r == NULL) {
		fprintf(stderr, "capsim: capacity: %s:%d: %s\n", path, je.line,
		    je.text);
		return -EBADMSG;
	}
	st->joined = (unsigned)json_integer_value(json_object_get(r, "joined"));
	st->failed = (unsigned)json_integer_value(json_object_get(r, "failed"));
	st->in_run = (unsigned)json_integer_value(json_object_get(r, "in_run"));
	ph = json_object_get(r, "phases");
	for (int i = 0; i < CAP_PHASES; i++) {
		json_t *p = json_object_get(ph, cap_phases[i]);

		st->p50_ms[i] = json_number_value(json_object_get(p, "p50_ms"));
		st->p99_ms[i] = json_number_value(json_object_get(p, "p99_ms"));
	}
	fl = json_object_get(r, "failures");
	st->failures[0] = '\0';
	json_object_foreach(fl, k, v)
	{
		int n = snprintf(st->failures + off, sizeof(st->failures) - off,
		    "%s%s=%lld", off ? "; " : "", k,
		    (long long)json_integer_value(v));

		if (n < 0 || (size_t)n >= sizeof(st->failures) - off)
			break;
		off += (size_t)n;
	}
	h = json_object_get(r, "resources");
	st->cpu_s = json_number_value(json_object_get(h, "cpu_user_s")) +
	    json_number_value(json_object_get(h, "cpu_sys_s"));
	st->lateness_p99_ms = json_number_value(
	    json_object_get(json_object_get(h, "timer_lateness_ms"), "p99"));
	h = json_object_get(h, "capsim_health");
	st->rxq_drops = (uint64_t)json_integer_value(
	    json_object_get(h, "kernel_rxq_drops"));
	st->capsim_limited =
	    json_is_true(json_object_get(h, "limited_by_capsim"));
	json_decref(r);
	return 0;
}

static bool
cap_has_arg(const struct cap_opts *o, const char *name)
{
	for (int i = 0; i < o->run_argc; i++)
		if (strcmp(o->run_argv[i], name) == 0)
			return true;
	return false;
}

/* argv words of a step (posix_spawn takes char *const[]) */
static char a_run[] = "run", a_aps[] = "--aps", a_rate[] = "--rate",
            a_dur[] = "--duration", a_mi[] = "--max-inflight", a_zero[] = "0",
            a_json[] = "--json", a_ev[] = "--events", a_q[] = "-q";

/* Runs one step: `capsim run` at rate st->offered. */
static int
cap_run_step(const struct cap_opts *o, unsigned idx, struct cap_step *st)
{
	char self[PATH_MAX], aps[32], rate[32], dur[32], json[PATH_MAX],
	    ev[PATH_MAX], log[PATH_MAX];
	posix_spawn_file_actions_t fa;
	char *argv[CAP_MAX_ARGS];
	int argc = 0, status, r;
	ssize_t sl;
	pid_t pid;
	unsigned joins = 0;

	if ((sl = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0)
		return -errno;
	self[sl] = '\0';
	st->aps = (unsigned)(st->offered * (double)o->step_ms / 1000.0 + 0.5);
	if (st->aps == 0)
		st->aps = 1;
	snprintf(aps, sizeof(aps), "%u", st->aps);
	snprintf(rate, sizeof(rate), "%.3f", st->offered);
	snprintf(dur, sizeof(dur), "%llums",
	    (unsigned long long)(o->step_ms + o->grace_ms));
	snprintf(json, sizeof(json), "%s/step-%02u.json", o->dir, idx);
	snprintf(ev, sizeof(ev), "%s/step-%02u.events", o->dir, idx);
	argv[argc++] = self;
	argv[argc++] = a_run;
	argv[argc++] = a_aps;
	argv[argc++] = aps;
	argv[argc++] = a_rate;
	argv[argc++] = rate;
	argv[argc++] = a_dur;
	argv[argc++] = dur;
	if (!cap_has_arg(o, "--max-inflight")) {
		argv[argc++] = a_mi;
		argv[argc++] = a_zero;
	}
	argv[argc++] = a_json;
	argv[argc++] = json;
	argv[argc++] = a_ev;
	argv[argc++] = ev;
	argv[argc++] = a_q;
	for (int i = 0; i < o->run_argc && argc < CAP_MAX_ARGS - 1; i++)
		argv[argc++] = o->run_argv[i];
	argv[argc] = NULL;
	/* the step's own output goes to its log, beside its report */
	snprintf(log, sizeof(log), "%s/step-%02u.log", o->dir, idx);
	if ((r = posix_spawn_file_actions_init(&fa)) != 0)
		return -r;
	if ((r = posix_spawn_file_actions_addopen(&fa, 1, log,
	         O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) != 0 ||
	    (r = posix_spawn_file_actions_adddup2(&fa, 1, 2)) != 0 ||
	    (r = posix_spawn(&pid, self, &fa, NULL, argv, environ)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -r;
	}
	posix_spawn_file_actions_destroy(&fa);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	/* 0 all in Run; 3 some not, 4 some not and the diagnosis cannot
	 * name why (e.g. a latency trend while capsim's loop ran late):
	 * all are measurements; 5 capsim limited it (the step says so) */
	if (!WIFEXITED(status) ||
	    (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 3 &&
	        WEXITSTATUS(status) != CAP_EXIT_INCONCLUSIVE &&
	        WEXITSTATUS(status) != 5)) {
		fprintf(stderr,
		    "capsim: capacity: step %u (capsim run at %.1f/s) ended "
		    "with status %d; its output is in %s\n",
		    idx, st->offered,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1, log);
		return -ECHILD;
	}
	if ((r = cap_read_report(json, st)) < 0)
		return r;
	if ((r = cap_count_joins(ev, o->settle_ms, o->step_ms, &joins)) < 0)
		return r;
	st->achieved =
	    (double)joins * 1000.0 / (double)(o->step_ms - o->settle_ms);
	return 0;
}

/* Why the step is the knee, or "ok". */
static const char *
cap_judge(const struct cap_opts *o, const struct cap_step *st)
{
	/* capsim's loop running late delays every AP's timers and answers:
	 * what the step measured is capsim, not the controller */
	if (st->capsim_limited || st->lateness_p99_ms > (double)o->max_late_ms)
		return "capsim-limited";
	if (st->achieved < o->min_ratio * st->offered)
		return "behind-offered-rate";
	if ((double)st->failed > o->max_fail * (double)st->aps)
		return "failures";
	if (st->p99_ms[CAP_PHASES - 1] > (double)o->max_p99_ms)
		return "join-p99";
	return "ok";
}

static void
cap_csv(FILE *f, const struct cap_step *s, unsigned n)
{
	fprintf(f,
	    "step,offered_per_s,aps,achieved_per_s,joined,failed,"
	    "in_run");
	for (int i = 0; i < CAP_PHASES; i++)
		fprintf(
		    f, ",%s_p50_ms,%s_p99_ms", cap_phases[i], cap_phases[i]);
	fprintf(f,
	    ",capsim_cpu_s,lateness_p99_ms,kernel_drops,verdict,"
	    "failures\n");
	for (unsigned k = 0; k < n; k++) {
		fprintf(f, "%u,%.2f,%u,%.2f,%u,%u,%u", k + 1, s[k].offered,
		    s[k].aps, s[k].achieved, s[k].joined, s[k].failed,
		    s[k].in_run);
		for (int i = 0; i < CAP_PHASES; i++)
			fprintf(
			    f, ",%.1f,%.1f", s[k].p50_ms[i], s[k].p99_ms[i]);
		fprintf(f, ",%.2f,%.1f,%llu,%s,\"%s\"\n", s[k].cpu_s,
		    s[k].lateness_p99_ms, (unsigned long long)s[k].rxq_drops,
		    s[k].verdict, s[k].failures);
	}
}

static json_t *
cap_json(const struct cap_step *s, unsigned n, const char *answer,
    double sustains, unsigned holds, const char *limit)
{
	json_t *root = json_object(), *arr = json_array();

	for (unsigned k = 0; k < n; k++) {
		json_t *o = json_pack(
		    "{s:I, s:f, s:I, s:f, s:I, s:I, s:I, s:f, "
		    "s:f, s:I, s:s, s:s, s:b}",
		    "step", (json_int_t)k + 1, "offered_per_s", s[k].offered,
		    "aps", (json_int_t)s[k].aps, "achieved_per_s",
		    s[k].achieved, "joined", (json_int_t)s[k].joined, "failed",
		    (json_int_t)s[k].failed, "in_run", (json_int_t)s[k].in_run,
		    "capsim_cpu_s", s[k].cpu_s, "lateness_p99_ms",
		    s[k].lateness_p99_ms, "kernel_drops",
		    (json_int_t)s[k].rxq_drops, "verdict", s[k].verdict,
		    "failures", s[k].failures, "capsim_limited",
		    s[k].capsim_limited);
		json_t *ph = json_object();

		for (int i = 0; i < CAP_PHASES; i++)
			json_object_set_new(ph, cap_phases[i],
			    json_pack("{s:f, s:f}", "p50_ms", s[k].p50_ms[i],
			        "p99_ms", s[k].p99_ms[i]));
		json_object_set_new(o, "phases", ph);
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "steps", arr);
	json_object_set_new(root, "sustains_joins_per_s", json_real(sustains));
	json_object_set_new(root, "holds_aps", json_integer(holds));
	json_object_set_new(root, "limit", json_string(limit));
	json_object_set_new(root, "answer", json_string(answer));
	return root;
}

static int
cap_parse(int argc, char **argv, struct cap_opts *o)
{
	enum {
		O_FROM = 256,
		O_STEP,
		O_TO,
		O_STEP_TIME,
		O_SETTLE,
		O_GRACE,
		O_MAX_FAIL,
		O_MAX_P99,
		O_MIN_RATIO,
		O_JSON,
		O_CSV,
		O_KEEP,
		O_REFINE,
		O_MAX_LATE,
	};
	static const struct option lo[] = {
		{ "from", required_argument, NULL, O_FROM },
		{ "step", required_argument, NULL, O_STEP },
		{ "to", required_argument, NULL, O_TO },
		{ "step-time", required_argument, NULL, O_STEP_TIME },
		{ "settle", required_argument, NULL, O_SETTLE },
		{ "grace", required_argument, NULL, O_GRACE },
		{ "max-failures", required_argument, NULL, O_MAX_FAIL },
		{ "max-p99", required_argument, NULL, O_MAX_P99 },
		{ "min-ratio", required_argument, NULL, O_MIN_RATIO },
		{ "json", required_argument, NULL, O_JSON },
		{ "csv", required_argument, NULL, O_CSV },
		{ "keep", required_argument, NULL, O_KEEP },
		{ "refine", required_argument, NULL, O_REFINE },
		{ "max-lateness", required_argument, NULL, O_MAX_LATE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		char *end = NULL;
		double d = 0;

		switch (c) {
		case O_FROM:
		case O_STEP:
		case O_TO:
		case O_MAX_FAIL:
		case O_MIN_RATIO:
			d = strtod(optarg, &end);
			if (end == optarg || *end != '\0' || !(d >= 0) ||
			    d > 1e6) {
				fprintf(stderr,
				    "capsim: capacity: bad number '%s' for "
				    "--%s\n",
				    optarg, lo[c - O_FROM].name);
				return -EINVAL;
			}
			if (c == O_FROM)
				o->from = d;
			else if (c == O_STEP)
				o->step = d;
			else if (c == O_TO)
				o->to = d;
			else if (c == O_MAX_FAIL)
				o->max_fail = d;
			else
				o->min_ratio = d;
			break;
		case O_STEP_TIME:
		case O_SETTLE:
		case O_GRACE:
		case O_MAX_P99:
		case O_MAX_LATE: {
			uint64_t ms;

			if (sim_parse_duration_ms(optarg, &ms) < 0) {
				fprintf(stderr,
				    "capsim: capacity: bad duration '%s' for "
				    "--%s\n",
				    optarg, lo[c - O_FROM].name);
				return -EINVAL;
			}
			if (c == O_STEP_TIME)
				o->step_ms = ms;
			else if (c == O_SETTLE)
				o->settle_ms = ms;
			else if (c == O_GRACE)
				o->grace_ms = ms;
			else if (c == O_MAX_LATE)
				o->max_late_ms = ms;
			else
				o->max_p99_ms = ms;
			break;
		}
		case O_JSON:
			o->json_path = optarg;
			break;
		case O_CSV:
			o->csv_path = optarg;
			break;
		case O_KEEP:
			o->dir = optarg;
			break;
		case O_REFINE: {
			uint64_t v;

			if (sim_parse_uint(optarg, 0, 10, &v) < 0) {
				fprintf(stderr,
				    "capsim: capacity: bad --refine '%s' "
				    "(0..10)\n",
				    optarg);
				return -EINVAL;
			}
			o->refine = (unsigned)v;
			break;
		}
		case 'h':
			cap_usage(stdout);
			return 1;
		default:
			cap_usage(stderr);
			return -EINVAL;
		}
	}
	o->run_argv = argv + optind;
	o->run_argc = argc - optind;
	if (o->from <= 0 || o->step <= 0 || o->to < o->from) {
		fprintf(stderr,
		    "capsim: capacity: need 0 < --from <= --to "
		    "and --step > 0\n");
		return -EINVAL;
	}
	if (o->settle_ms >= o->step_ms) {
		fprintf(stderr,
		    "capsim: capacity: --settle must be shorter "
		    "than --step-time\n");
		return -EINVAL;
	}
	return 0;
}

int
sim_cmd_capacity(int argc, char **argv)
{
	struct cap_opts o = { .from = 10,
		.step = 10,
		.to = 1000,
		.step_ms = 10000,
		.settle_ms = 2000,
		.grace_ms = 5000,
		.max_p99_ms = 10000,
		.max_late_ms = 100,
		.max_fail = 0.01,
		.min_ratio = 0.95,
		.refine = 3 };
	struct cap_step st[CAP_MAX_STEPS];
	char tmpdir[] = "/tmp/capsim-capacity-XXXXXX", answer[256];
	const char *limit = "none";
	double sustains = 0;
	unsigned n = 0, holds = 0, refined = 0;
	double knee_achieved = 0;
	int r, code = CAP_EXIT_INCONCLUSIVE;
	bool knee = false;

	if ((r = cap_parse(argc, argv, &o)) != 0)
		return r > 0 ? SIM_EXIT_OK : SIM_EXIT_USAGE;
	if (o.dir == NULL) {
		if (mkdtemp(tmpdir) == NULL) {
			perror("capsim: capacity: mkdtemp");
			return SIM_EXIT_RUNTIME;
		}
		o.dir = tmpdir;
	} else if (sim_mkdir_p(o.dir) < 0) {
		fprintf(stderr, "capsim: capacity: cannot create %s\n", o.dir);
		return SIM_EXIT_RUNTIME;
	}
	printf("%4s %9s %6s %9s %7s %6s %9s %9s %7s %8s  %s\n", "step",
	    "offered/s", "aps", "achieved/s", "joined", "failed", "dtls p99",
	    "join p99", "cpu s", "late p99", "verdict");
	/* the staircase, then halving between the last passing rate and
	 * the knee (--refine times): the answer is the highest offered
	 * rate that passed every criterion */
	for (double rate = o.from, lo = 0, hi = 0; n < CAP_MAX_STEPS;) {
		struct cap_step *s = &st[n];
		bool ok;

		memset(s, 0, sizeof(*s));
		s->offered = rate;
		if ((r = cap_run_step(&o, n + 1, s)) < 0) {
			fprintf(stderr, "capsim: capacity: step %u: %s\n",
			    n + 1, strerror(-r));
			code = SIM_EXIT_RUNTIME;
			break;
		}
		s->verdict = cap_judge(&o, s);
		n++;
		printf("%4u %9.1f %6u %10.1f %7u %6u %8.0fms %8.0fms %7.1f "
		       "%6.0fms  %s\n",
		    n, s->offered, s->aps, s->achieved, s->joined, s->failed,
		    s->p99_ms[1], s->p99_ms[CAP_PHASES - 1], s->cpu_s,
		    s->lateness_p99_ms, s->verdict);
		fflush(stdout);
		if (strcmp(s->verdict, "capsim-limited") == 0) {
			limit = "capsim";
			code = CAP_EXIT_SELF;
			break;
		}
		ok = strcmp(s->verdict, "ok") == 0;
		if (ok) {
			lo = rate;
			if (rate > sustains)
				sustains = rate;
			if (s->in_run > holds)
				holds = s->in_run;
		} else {
			hi = rate;
			if (!knee)
				knee_achieved = s->achieved;
			knee = true;
			limit = "controller";
			code = SIM_EXIT_OK;
		}
		if (!knee) {
			rate += o.step;
			if (rate > o.to + 1e-9)
				break;
			continue;
		}
		if (refined++ == o.refine)
			break;
		rate = (lo + hi) / 2;
	}
	if (strcmp(limit, "capsim") == 0)
		snprintf(answer, sizeof(answer),
		    "capsim's own health failed at %.1f joins/s offered: the "
		    "limit is capsim's, not the controller's (sustains at "
		    "least %.1f joins/s; holds at least %u APs)",
		    n > 0 ? st[n - 1].offered : 0.0, sustains, holds);
	else if (knee)
		snprintf(answer, sizeof(answer),
		    "sustains %.1f joins/s; holds %u APs (the most in Run in "
		    "a passing step; no population staircase was run); "
		    "at the knee it gave %.1f joins/s",
		    sustains, holds, knee_achieved);
	else
		snprintf(answer, sizeof(answer),
		    "inconclusive: no knee up to %.1f joins/s (sustains at "
		    "least %.1f joins/s; holds at least %u APs)",
		    o.to, sustains, holds);
	printf("capsim: capacity: %s\n", answer);
	if (o.dir == tmpdir) {
		/* step files were only a means: leave nothing behind */
		for (unsigned k = 1; k <= n + 1; k++) {
			char p[PATH_MAX];

			snprintf(p, sizeof(p), "%s/step-%02u.json", o.dir, k);
			(void)unlink(p);
			snprintf(p, sizeof(p), "%s/step-%02u.events", o.dir, k);
			(void)unlink(p);
			if (code == SIM_EXIT_RUNTIME)
				continue; /* the failed step's log stays */
			snprintf(p, sizeof(p), "%s/step-%02u.log", o.dir, k);
			(void)unlink(p);
		}
		(void)rmdir(o.dir);
	}
	if (o.csv_path != NULL) {
		FILE *f = fopen(o.csv_path, "w");

		if (f == NULL) {
			fprintf(stderr, "capsim: capacity: %s: %s\n",
			    o.csv_path, strerror(errno));
			return SIM_EXIT_RUNTIME;
		}
		cap_csv(f, st, n);
		fclose(f);
	}
	if (o.json_path != NULL) {
		json_t *j = cap_json(st, n, answer, sustains, holds, limit);

		if (j == NULL ||
		    json_dump_file(j, o.json_path,
		        JSON_INDENT(1) | JSON_REAL_PRECISION(6)) != 0) {
			fprintf(stderr, "capsim: capacity: cannot write %s\n",
			    o.json_path);
			json_decref(j);
			return SIM_EXIT_RUNTIME;
		}
		json_decref(j);
	}
	return code;
}
