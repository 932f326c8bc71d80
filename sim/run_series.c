/* SPDX-License-Identifier: MIT */
/*
 * The run's time series: see run_series.h.  Each interval takes one
 * cumulative snapshot from the engine (the same numbers the progress line
 * and the report use); the pure module turns snapshots into rows.
 */
#include "run_series.h"

#include <errno.h>
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capsim/engine.h"
#include "capsim/html.h"
#include "capsim/report.h"
#include "capsim/timeseries.h"
#include "simutil.h"

int
sim_series_parse_interval(const char *s, uint64_t *ms)
{
	uint64_t v;

	if (sim_parse_duration_ms(s, &v) < 0 || v < 100 || v > 3600000)
		return -EINVAL;
	*ms = v;
	return 0;
}

int
sim_series_check_path(const char *option, const char *path)
{
	char dir[4096];
	const char *slash;
	size_t n;

	if (path == NULL || strcmp(path, "-") == 0)
		return 0;
	if (path[0] == '\0') {
		fprintf(stderr, "capsim: run: --%s: empty file name\n", option);
		return -1;
	}
	if (access(path, F_OK) == 0) {
		if (access(path, W_OK) == 0)
			return 0;
		fprintf(stderr, "capsim: run: --%s %s: %s\n", option, path,
		    strerror(errno));
		return -1;
	}
	slash = strrchr(path, '/');
	n = slash == NULL ? 1 : slash == path ? 1 : (size_t)(slash - path);
	if (n >= sizeof(dir)) {
		fprintf(stderr, "capsim: run: --%s: path too long\n", option);
		return -1;
	}
	memcpy(dir, slash == NULL ? "." : path, n);
	dir[n] = '\0';
	if (access(dir, W_OK | X_OK) < 0) {
		fprintf(stderr,
		    "capsim: run: --%s %s: cannot write in %s: %s\n", option,
		    path, dir, strerror(errno));
		return -1;
	}
	return 0;
}

static void
series_sample(struct sim_series *ss)
{
	struct cs_ts_sample s;
	struct cs_engine_health h;
	int r;

	memset(&s, 0, sizeof(s));
	s.t_ms = cs_engine_now_ms(ss->e);
	s.aps = ss->n_aps;
	cs_engine_ap_states(ss->e, s.states);
	s.m = cs_engine_metrics(ss->e);
	s.lateness = cs_engine_timer_lateness(ss->e);
	if (cs_engine_health(ss->e, &h) == 0) {
		/* SO_RXQ_OVFL: the kernel's drops since the start */
		s.has_kernel_drops = true;
		s.kernel_drops = h.rxq_drops;
		cs_engine_health_free(&h);
	}
	if ((r = cs_ts_add(ss->ts, &s)) < 0 && !ss->warned) {
		/* said once: a series with a hole must not look whole */
		fprintf(stderr,
		    "capsim: run: time series: interval at %.1f s not "
		    "recorded: %s\n",
		    (double)s.t_ms / 1000.0,
		    r == -E2BIG ? "the series is full (use a longer --interval)"
		                : strerror(-r));
		ss->warned = true;
	}
	if (r == 0 && ss->lines) {
		const struct cs_ts_row *row =
		    cs_ts_row(ss->ts, cs_ts_rows(ss->ts) - 1);
		char line[256];

		if (row != NULL && row->t_ms == s.t_ms &&
		    cs_ts_line(line, sizeof(line), row) >= 0) {
			printf("%s\n", line);
			fflush(stdout);
		}
	}
}

static void
series_on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	series_sample(arg);
}

int
sim_series_start(struct sim_series *ss, struct event_base *base,
    struct cs_engine *e, unsigned n_aps)
{
	struct timeval tv;
	int r;

	if (ss->interval_ms == 0)
		ss->interval_ms = CS_TS_DEFAULT_INTERVAL_MS;
	if ((r = cs_ts_new(&ss->ts, ss->interval_ms)) < 0)
		return r;
	ss->e = e;
	ss->n_aps = n_aps;
	if ((ss->tick = event_new(base, -1, EV_PERSIST, series_on_tick, ss)) ==
	    NULL)
		return -ENOMEM;
	tv.tv_sec = (time_t)(ss->interval_ms / 1000);
	tv.tv_usec = (suseconds_t)(ss->interval_ms % 1000 * 1000);
	if (event_add(ss->tick, &tv) < 0)
		return -EIO;
	if (ss->lines) {
		printf("%s\n", cs_ts_line_header());
		fflush(stdout);
	}
	return 0;
}

void
sim_series_mark(struct sim_series *ss, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	if (ss->ts == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	(void)cs_ts_mark(ss->ts, cs_engine_now_ms(ss->e), what);
}

void
sim_series_stop(struct sim_series *ss)
{
	if (ss->tick != NULL) {
		event_free(ss->tick);
		ss->tick = NULL;
	}
	if (ss->ts != NULL)
		series_sample(ss); /* the last, possibly partial, interval */
}

int
sim_series_write(struct sim_series *ss, const char *json)
{
	struct cs_html_err err;
	char *text = NULL;
	int r, rc = 0;

	if (ss->csv_path != NULL) {
		text = ss->ts != NULL ? cs_ts_csv(ss->ts) : NULL;
		r = text != NULL ? cs_report_write(ss->csv_path, text)
		                 : -ENOMEM;
		if (r < 0) {
			fprintf(stderr, "capsim: run: cannot write %s: %s\n",
			    ss->csv_path, strerror(-r));
			rc = -1;
		}
		free(text);
		text = NULL;
	}
	if (ss->html_path != NULL) {
		memset(&err, 0, sizeof(err));
		r = json != NULL
		    ? cs_report_html(&text, json, strlen(json), &err)
		    : -ENOMEM;
		if (r == 0)
			r = cs_report_write(ss->html_path, text);
		if (r < 0) {
			fprintf(stderr, "capsim: run: cannot write %s: %s\n",
			    ss->html_path,
			    r == -EBADMSG ? err.what : strerror(-r));
			rc = -1;
		}
		free(text);
	}
	return rc;
}

void
sim_series_free(struct sim_series *ss)
{
	if (ss->tick != NULL)
		event_free(ss->tick);
	ss->tick = NULL;
	cs_ts_free(ss->ts);
	ss->ts = NULL;
}
