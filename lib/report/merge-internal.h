/* SPDX-License-Identifier: MIT */
/*
 * What the merge's files share (merge.c reads the shards, merge_run.c
 * folds each into the run, merge_finish.c completes and writes it): the
 * merge object and the JSON readers with their "why" strings.
 */
#ifndef CS_MERGE_INTERNAL_H
#define CS_MERGE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/client_metrics.h"
#include "capsim/diagnose.h"
#include "capsim/diagnose_clients.h"
#include "capsim/merge.h"
#include "capsim/metrics.h"
#include "capsim/report.h"
#include "report-internal.h"

#define MG_MAX_SHARDS 100000
#define MG_MAX_APS    1000000u /* capsim run --aps at most */

struct mg_shard {
	char *origin;
	json_t *root;
	unsigned index, count, first_ap, n_aps, total_aps;
	uint64_t started_ms; /* 0 unknown */
	bool duplicate;      /* another report of the same shard came first */
};

struct mg_ap {
	bool present;
	struct cs_ap_facts facts;
	char name[40], mac[18], addr[16];
	bool joined, in_run, failed, left_run;
};

struct cs_merge {
	struct mg_shard *sh;
	size_t n_sh, cap_sh;
	char **failed; /* "ORIGIN: why" */
	size_t n_failed;
	char **problems;
	size_t n_problems;
	/* the merged run */
	bool finished;
	struct cs_run_summary s;
	struct cs_metrics m;
	struct mg_ap *aps; /* total_aps of them, by global index */
	unsigned total_aps;
	uint64_t start_ms; /* earliest shard start */
	struct cs_diag_ctx dctx;
	struct cs_diagnosis diag;
	bool has_diag;
	struct cs_report_diag rd;
	struct cs_report_kv diag_counts[CS_DIAG__COUNT];
	struct cs_report_causes rcs;
	struct cs_report_ap *ids;
	struct cs_report_ap_result *apr;
	const struct cs_ap_facts **fp;
	struct cs_report_rule *rules;
	struct cs_report_kv *rule_kv;
	char **rule_names;
	size_t n_rules;
	struct cs_report_kv *wlc_kv;
	size_t n_wlc;
	char **kv_names; /* owned names of rule and WLC counters */
	size_t n_kv_names;
	uint32_t *joins_per_sec;
	size_t n_joins_per_sec;
	json_t *ts; /* the merged time series */
	unsigned declared;
	/* the wireless clients (merge_clients.c) */
	bool has_clients;
	struct cs_client_metrics cm;
	struct cs_client_facts *cf; /* every client's, names owned */
	size_t n_cf;
	struct cs_client_diagnosis cd;
	bool has_cd;
};

/* Formats why (len bytes; NULL or 0 allowed). */
void mg_why(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends a formatted, owned string to *v: 0 or -ENOMEM. */
int mg_push(char ***v, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A non-negative integer member at most max / a number of milliseconds:
 * 0, or -EBADMSG when absent or out of range. */
int mg_uint(const json_t *o, const char *key, uint64_t max, uint64_t *v);
int mg_ms(const json_t *o, const char *key, double *v);

/* merge_run.c: the shards are of one run (same scenario, seed, count);
 * each shard's metrics, APs, diagnosis context, counters and time series
 * folded into the run.  0, -EBADMSG / -EPROTO with why, or -ENOMEM. */
int mg_check_one_run(struct cs_merge *m, char *why, size_t len);
int mg_metrics(
    struct cs_merge *m, const struct mg_shard *sh, char *why, size_t len);
int mg_aps(
    struct cs_merge *m, const struct mg_shard *sh, char *why, size_t len);
int mg_ctx(struct cs_merge *m, const struct mg_shard *sh, bool first, char *why,
    size_t len);
int mg_counters(
    struct cs_merge *m, const struct mg_shard *sh, json_t *imp, json_t *wlc);
int mg_timeseries(struct cs_merge *m);
/* merge_clients.c: a shard's "clients" folded into the run (none: 0),
 * then the run's clients and their diagnosis into m->s; freeing. */
int mg_clients(
    struct cs_merge *m, const struct mg_shard *sh, char *why, size_t len);
int mg_clients_finish(struct cs_merge *m);
void mg_clients_free(struct cs_merge *m);

#endif /* CS_MERGE_INTERNAL_H */
