/* SPDX-License-Identifier: MIT */
/*
 * `capsim run`'s state during a run, shared by cmd_run.c (setup, the loop,
 * its callbacks) and run_finish.c (the end of the run: diagnosis, reports,
 * exit code).  Not a library interface.
 */
#ifndef CS_SIM_RUN_CTX_H
#define CS_SIM_RUN_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include <event2/util.h>

#include "capsim/client_metrics.h"
#include "capsim/diagnose.h"
#include "capsim/engine.h"
#include "capsim/ofile.h"
#include "capsim/progress.h"
#include "capsim/prom.h"
#include "capsim/report.h"
#include "capsim/scenario.h"
#include "run_series.h"

struct event_base;
struct cs_events;
struct cs_capture;

struct run_ctx {
	struct event_base *base;
	struct cs_engine *e;
	unsigned n_aps;
	bool verbose, quiet, progress, interrupted;
	uint64_t duration_ms;
	uint64_t seed;
	const char *name_prefix;
	struct run_shard *shard; /* --shard: the slice, the start */
	bool per_ap;             /* --per-ap */
	/* --until-run: the run ends once every AP and this many clients
	 * are in Run (a scenario with a timeline is refused) */
	bool until_run;
	uint64_t until_clients;
	struct cs_events *events;
	struct cs_capture *cap;
	struct cs_capture *cap_wlc; /* --pcap-wlc */
	const struct cs_scenario *scn;
	/* progress and the per-second join series */
	struct cs_progress_snap prev;
	uint32_t *joins_per_sec;
	size_t n_sec, cap_sec;
	uint64_t joins_seen;
	/* end of run: the diagnosis */
	struct cs_diagnosis diag;
	bool has_diag;
	/* the time series (--interval, --csv, --html) */
	struct sim_series series;
	char **rule_names;
	size_t n_rules;
	/* the route from the APs to the controller, checked before the run
	 * (positive errno, 0 = fine or not checked) */
	int route_err;
	char route_detail[64];
	/* the reports, opened at start (written safely, ofile.h) */
	struct cs_ofile *json_out, *junit_out;
	uint64_t started_unix_ms;
	/* /metrics snapshot storage */
	struct cs_wlc_counters prom_wc;
	struct cs_prom_rule *prom_rules;
	struct cs_report_resources prom_res;
	unsigned prom_joined;
	struct cs_engine_health prom_h;
	struct cs_prom_health prom_health;
	struct cs_client_metrics prom_cm; /* the clients, at the scrape */
	bool clients;                     /* the run has clients */
	bool max_inflight; /* the AP side runs an in-flight window */
};

/* The end of a run (engine stopped): the diagnosis on stderr, the
 * reports written, the exit code. */
int run_finish(struct run_ctx *rc, const struct cs_engine_cfg *ec,
    const struct cs_dtls_cfg *dc, const struct cs_scenario *scn,
    const char *wlcdesc, const char *dtls_ver, uint64_t elapsed_ms);

/* run_tick.c: once a second (an EV_PERSIST event, arg = the run_ctx):
 * the join series, the progress line, --until-run's end of the run */
void run_on_tick(evutil_socket_t fd, short what, void *arg);

#endif /* CS_SIM_RUN_CTX_H */
