/* SPDX-License-Identifier: MIT */
/*
 * `capsim run --interval D --csv FILE --interval-lines --html FILE`: the
 * run's time series (lib/report/timeseries.c) fed from the engine every
 * interval on the run's event_base, the timeline events marked on it, and
 * the CSV and HTML outputs written at the end.  cmd_run.c calls these.
 */
#ifndef CS_SIM_RUN_SERIES_H
#define CS_SIM_RUN_SERIES_H

#include <stdbool.h>
#include <stdint.h>

struct event;
struct event_base;
struct cs_engine;
struct cs_ts;

struct sim_series {
	/* options */
	uint64_t interval_ms; /* --interval (default 1 s) */
	bool lines;           /* --interval-lines: one line per interval */
	const char *csv_path, *html_path;
	/* runtime */
	struct cs_ts *ts;
	struct event *tick;
	struct cs_engine *e;
	unsigned n_aps;
	bool warned;
};

/* Parses --interval (e.g. "1s", "250ms"; 100 ms .. 1 h): 0 or -EINVAL. */
int sim_series_parse_interval(const char *s, uint64_t *ms);

/* Whether --OPTION's FILE can be written at the end: its directory exists
 * and is writable (a named file that exists must be writable too).  0, or
 * -1 after saying why on stderr.  path NULL or "-" (stdout): 0. */
int sim_series_check_path(const char *option, const char *path);

/* Makes the series and arms the interval timer (engine started). */
int sim_series_start(struct sim_series *ss, struct event_base *base,
    struct cs_engine *e, unsigned n_aps);
/* Marks a timeline event at the engine's current time. */
void sim_series_mark(struct sim_series *ss, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Stops the timer and closes the last (partial) interval. */
void sim_series_stop(struct sim_series *ss);
/* Writes --csv and --html (the page from the JSON report text `json`,
 * which may be NULL when it could not be made).  0, or -1 after saying on
 * stderr which file could not be written and why. */
int sim_series_write(struct sim_series *ss, const char *json);
void sim_series_free(struct sim_series *ss);

#endif /* CS_SIM_RUN_SERIES_H */
