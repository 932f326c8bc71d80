/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the report writers (JSON report, event log): strings
 * from the run (AP names, failure reasons) are not promised to be UTF-8,
 * and jansson rejects invalid UTF-8, so they are made valid first.
 */
#ifndef CS_REPORT_INTERNAL_H
#define CS_REPORT_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at s (1..4; RFC 3629 §4: no
 * overlongs, no surrogates, nothing above U+10FFFF, and not U+FFFE/U+FFFF,
 * which XML forbids), or 0 when the byte at s does not start one.  Reads
 * no further than a NUL. */
size_t cs_utf8_len(const unsigned char *s);
/* json_string(s), or when s is not valid UTF-8 a copy with every byte
 * outside a valid sequence replaced by '?'; NULL only when s is NULL or
 * out of memory. */
json_t *cs_json_str(const char *s);
/* json_object_set_new with the key made valid the same way; consumes v.
 * Returns 0 or -1 (v NULL, out of memory). */
int cs_json_set(json_t *o, const char *key, json_t *v);
/* A name as a JSON key, the reports' one key style: lower case, '-' and
 * ' ' as '_' ("DTLS-Setup" -> "dtls_setup"); written to buf (len bytes,
 * cut short to fit), which it returns. */
const char *cs_report_key(const char *name, char *buf, size_t len);

struct cs_client_metrics;
/* The JSON report's "clients" object (capsim/client_metrics.h); NULL
 * when m is NULL or out of memory. */
json_t *cs_client_metrics_json_obj(const struct cs_client_metrics *m);

struct cs_client_facts;
/* A report's "clients"."results" (issue 17: shards and --per-ap): the
 * clients' diagnosis facts as {"fields": [names], "clients": [[name,
 * failed_in (station state or null), integers ...]]}.  NULL on ENOMEM. */
json_t *cs_client_results_json(const struct cs_client_facts *f, size_t n);
/* ... and back: *out (calloc'ed, each name strdup'ed; free with
 * cs_client_results_free) and *n, or -EBADMSG with *why (and *bad_row,
 * the client's 0-based row, SIZE_MAX when not a row's fault), -ENOMEM. */
int cs_client_results_from_json(const json_t *o, struct cs_client_facts **out,
    size_t *n, size_t *bad_row, const char **why);
void cs_client_results_free(struct cs_client_facts *f, size_t n);
/* Adds what a shard's "clients" needs for an exact merge to c:
 * "histograms" {phase: histogram with buckets}, "failed_by_state"
 * {state: n}, "join_window_ms" [first, last] (since the shard started;
 * only with joins).  0 or -ENOMEM. */
int cs_client_shard_json(json_t *c, const struct cs_client_metrics *m);

struct cs_hist;
/* A histogram as the report writes it (count, sum_ms, min_ms, max_ms,
 * percentiles, buckets [[upper_ms, count], ...]); NULL on ENOMEM. */
json_t *cs_report_hist_json(const struct cs_hist *h);

struct cs_ts;
/* The time series as the JSON report's "timeseries" object: interval_s,
 * columns t_start_s, t_s, aps, joins, joins_per_s, failures, retransmits,
 * states {state: [...]}, failures_by_phase {phase: [...]}, latency_ms
 * {series: {count, p50, p99}}, health {timer_lateness_p99_ms,
 * timer_lateness_max_ms[, kernel_drops]} (null where unknown), and marks
 * [{t_s, what}]; intervals_not_recorded when the series was full.  Keys
 * are snake_case.  NULL when ts is NULL or out of
 * memory. */
json_t *cs_ts_json(const struct cs_ts *ts);

struct cs_ap_facts;
struct cs_diag_ctx;
/* Per-AP diagnosis facts as JSON (issue 17: `capsim merge` diagnoses the
 * APs of every shard as one run): an array of one value per field of
 * struct cs_ap_facts in a fixed order (integers, integer arrays, the
 * reason text); cs_facts_json_names() gives the field names, written
 * once beside them.  NULL when out of memory. */
json_t *cs_facts_json(const struct cs_ap_facts *f);
json_t *cs_facts_json_names(void);
/* 0 when names are exactly this capsim's fields, else -EPROTO with *why
 * saying so. */
int cs_facts_json_names_check(const json_t *names, const char **why);
/* Reads cs_facts_json() output into *out (untouched on failure):
 * -EBADMSG with *why when a value is missing, not an integer or out of
 * its field's range. */
int cs_facts_from_json(
    const json_t *a, struct cs_ap_facts *out, const char **why);
/* The field table, for tests: name, byte offset and byte length of
 * field i; -EINVAL past the end. */
size_t cs_facts_json_n_fields(void);
int cs_facts_json_field(size_t i, const char **name, size_t *off, size_t *len);
/* The diagnosis context (capsim/diagnose.h) as JSON and back (same
 * rules as the facts). */
json_t *cs_diag_ctx_json(const struct cs_diag_ctx *c);
int cs_diag_ctx_from_json(
    const json_t *o, struct cs_diag_ctx *out, const char **why);

struct cs_hist;
/* A "histograms" entry of the report back into *h (bucket by bucket:
 * each [upper_ms, count] names the bucket its upper edge is in), exact
 * for histograms cs_report_json wrote.  0; -EBADMSG with *why; -ENOMEM.
 * Free h with cs_hist_free. */
int cs_merge_hist_from_json(
    const json_t *o, struct cs_hist *h, const char **why);

/* The merged time series of n shards' "timeseries" objects (same
 * interval_s), shard i's rows moved by off_ms[i] (its start after the
 * run's): counts summed, percentiles kept where one shard alone had
 * samples, null elsewhere; marks once.  NULL when out of memory. */
json_t *cs_merge_ts(const json_t *const *series, const uint64_t *off_ms,
    size_t n, double interval_s);

#endif /* CS_REPORT_INTERNAL_H */
