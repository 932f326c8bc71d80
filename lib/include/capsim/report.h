/* SPDX-License-Identifier: MIT */
/*
 * Run reports built from one struct cs_run_summary: the JSON report
 * (`--json`, jansson) and the JUnit XML report (`--junit`).  JSON keys kept
 * stable for tools: aps, joined, in_run, failed, left_run, passed, seed,
 * wlc, wlc_verification, dtls_version, ciphers, failures (phase -> reason
 * -> count), phases (phase -> {count, p50_ms, p95_ms, p99_ms, p999_ms,
 * max_ms}), states, retransmits; added: joins, failures_total, duration_s,
 * scenario, histograms, rates, resources, expectations, diagnosis,
 * impairments (see cs_report_json).
 */
#ifndef CS_REPORT_H
#define CS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/ap.h"
#include "capsim/common.h"
#include "capsim/metrics.h"

struct cs_client_metrics;

/* One evaluated expectation of a scenario (cs_expect_eval in
 * capsim/scenario.h fills it; the writers print it).  Defined here so
 * that the writers need nothing from the scenario layer above them. */
struct cs_expect_result {
	bool pass;
	bool missing;      /* the metric was not available (pass = false) */
	char measured[96]; /* "198 (99.0%)", "1530 ms", "return-path-loss" */
	char message[192]; /* "joined >= 99%: measured 198 (99.0%) of 200" */
	const char *text;  /* the expectation as written */
};
struct cs_diagnosis;        /* capsim/diagnose.h */
struct cs_impair_stats;     /* capsim/impair.h */
struct cs_nat_stats;        /* capsim/impair.h */
struct cs_ts;               /* capsim/timeseries.h */
struct cs_client_metrics;   /* capsim/client_metrics.h */
struct cs_client_diagnosis; /* capsim/diagnose_clients.h */
struct cs_client_facts;     /* capsim/diagnose_clients.h */

/* A named counter (diagnosis counts, impairment and WLC counters). */
struct cs_report_kv {
	const char *name;
	uint64_t value;
};

/* Counters of one impairment rule (or NAT), e.g. matched, dropped, ... */
struct cs_report_rule {
	const char *name;
	const struct cs_report_kv *counters;
	size_t n_counters;
};

/* One AP named in a cause (all borrowed; NULL = unknown). */
struct cs_report_ap {
	const char *name;    /* "capsim-ap-00001" */
	const char *mac;     /* Board Data / base MAC, "02:ca:75:00:00:01" */
	const char *address; /* "127.1.0.1" */
};

/* One cause of the diagnosis and the APs it applies to. */
struct cs_report_cause {
	const char *cause;      /* cs_diag_code_name */
	unsigned aps;           /* how many */
	const char *confidence; /* "low" | "medium" | "high" */
	const char *evidence;   /* the counts and comparisons that decided */
	const char *ap_names;   /* compressed ranges (cs_diag_names_compress) */
	const struct cs_report_ap *ap_list; /* which; n_ap_list of them */
	size_t n_ap_list;
};

/* The run's diagnosis (capsim/diagnose.h), as text. */
struct cs_report_diag {
	const char *code; /* "ok", "return-path-loss", ...; NULL = none */
	const char *summary, *hint;
	unsigned aps_affected;
	const struct cs_report_kv *counts; /* per-code or per-fact counts */
	size_t n_counts;
	const char *confidence; /* of code; NULL = left out */
	const char *evidence;   /* what decided code; NULL = left out */
	const struct cs_report_cause *causes; /* every code with APs but ok */
	size_t n_causes;
	bool self_bad;         /* capsim's own health limited the run */
	const char *self_text; /* what was wrong with capsim, or NULL */
};

/* Causes with their AP lists, built from a diagnosis (owned arrays). */
struct cs_report_causes {
	struct cs_report_cause *causes;
	size_t n;
	char **names;             /* owned compressed-name strings */
	struct cs_report_ap *aps; /* owned, all lists back to back */
};

#define CS_REPORT_MAX_WORKERS  64
#define CS_REPORT_ADMIT_CAUSES 4 /* CS_ADMIT_CAUSE__COUNT */

/* Process resource use, filled by the caller (getrusage, /proc). */
struct cs_report_resources {
	bool valid; /* false: "resources" is left out */
	uint64_t max_rss_kib;
	double cpu_user_s, cpu_sys_s;
	unsigned fds;
	/* how late the engine's timers fired (ms); shown when has_lateness */
	bool has_lateness;
	double lateness_p50_ms, lateness_p99_ms, lateness_max_ms;
	/* capsim's own health (issue 12); shown when has_health */
	bool has_health;
	uint64_t rxq_drops;    /* kernel drops, full receive queues */
	uint64_t rcvbuf_bytes; /* smallest receive buffer granted */
	unsigned hs_waiting;   /* APs waiting for a handshake slot (end) */
	bool hs_queue_own;     /* ... and that queue is capsim's own limit
	                          (the embedded WLC, or a window cut for
	                          capsim's own health) */
	double hs_wait_p99_ms; /* waits for a handshake slot */
	double hs_wait_max_ms;
	unsigned hs_window;     /* adaptive in-flight window (end; 0 none) */
	unsigned hs_window_min; /* smallest it went */
	uint64_t hs_window_cuts;
	uint64_t hs_window_cuts_by[CS_REPORT_ADMIT_CAUSES]; /* latency,
	                          lateness, drops, cpu (capsim/admit.h) */
	uint64_t hs_losses; /* handshake losses (they do not cut) */
	uint64_t loop_turns, loop_budget_hits, loop_timers_inline;
	uint64_t stale_flights; /* earlier handshakes' flights dropped */
	/* CAPWAP fragments (RFC 5415 §3.4): messages sent in fragments and
	 * how many; fragments received, messages joined, sets given up, of
	 * those evicted by a peer's cap, fragments refused by the total cap */
	uint64_t frag_msgs_split, frag_sent;
	uint64_t frag_rcvd, frag_reassembled, frag_sets_dropped;
	uint64_t frag_peer_evicted, frag_cap_drops;
	unsigned n_workers; /* worker_cpu_s[0 .. n_workers - 1] */
	double worker_cpu_s[CS_REPORT_MAX_WORKERS];
	bool limited; /* capsim's own health limited the run (see
	                 cs_report_health_limited) */
};

/* capsim limited the run itself: timer lateness p99 >= 1 s or max >= 5 s
 * (protocol timers fired late), the kernel dropped datagrams on its
 * full receive queues, or APs were still waiting in capsim's own
 * handshake queue when the run ended (hs_queue_own: capsim's CPU paced
 * them, not the controller).  Sets res->limited and returns it. */
CS_API bool cs_report_health_limited(struct cs_report_resources *res);

struct cs_ap_facts; /* capsim/diagnose.h */
struct cs_diag_ctx; /* capsim/diagnose.h */

/* One slice of a sharded run (issue 17, `capsim run --shard I/N`): this
 * process ran the APs first_ap .. first_ap + n_aps - 1 (global, 0-based)
 * of total_aps. */
struct cs_report_shard {
	unsigned index, count; /* I of N, 0 <= I < N */
	unsigned first_ap, n_aps, total_aps;
	uint64_t start_at_unix_ms; /* --start-at; 0 none */
	int64_t start_offset_ms;   /* when it really started - start_at */
	bool has_clock;            /* the kernel's clock state was read */
	bool clock_synced;         /* ... and says NTP-synchronised */
	uint64_t clock_est_error_us, clock_max_error_us;
};

/* One AP's result, with the facts its diagnosis was made from (so that
 * `capsim merge` can diagnose every shard's APs as one run). */
struct cs_report_ap_result {
	unsigned index; /* global, 0-based */
	const char *name, *mac, *address;
	const char *verdict; /* its diagnosis code (cs_diag_code_name) */
	bool joined, in_run, failed, left_run;
	/* the last failure in the controller's vocabulary (a 9800's "show
	 * wireless stats ap join summary": Dtls-Handshake, Join, Config ...)
	 * and capsim's reason; NULL: none */
	const char *last_phase, *last_reason;
	const struct cs_ap_facts *facts; /* NULL: left out */
};

/*
 * Everything a report shows.  All pointers are borrowed for the call;
 * NULL/0 means "not available" and the key is left out (except the stable
 * keys above, which are always present).
 */
/* `capsim run --peer-pcap FILE`: the controller-side capture the run
 * read after it ended, and how well it matched the run's own datagrams
 * ("peer" in the JSON report). */
struct cs_report_peer {
	const char *path;
	const char *format;  /* "pcapng", "pcap"; NULL: never read */
	const char *why_not; /* NULL: taken for aps_taken APs; else why the
	                        diagnosis did not use it */
	uint64_t capwap;     /* CAPWAP datagrams in it */
	uint64_t aps;        /* APs in it */
	uint64_t aps_in_common, datagrams_in_common;
	uint64_t lost_ap_to_wlc, lost_wlc_to_ap, not_judged;
	uint64_t aps_taken; /* APs whose facts got the controller's side */
	bool has_offset;
	int64_t offset_us; /* its clock minus the run's, path delay in it */
};

struct cs_run_summary {
	unsigned aps;      /* APs simulated */
	unsigned joined;   /* reached Run at least once */
	unsigned in_run;   /* in Run at the end */
	unsigned failed;   /* had at least one failure */
	unsigned left_run; /* APs that left Run at some point */
	unsigned states[CS_AP__COUNT];
	double duration_s;
	uint64_t seed;
	const char *wlc;          /* "embedded 127.0.0.1:5246" or the address */
	bool wlc_verify_off;      /* AP side did not verify the controller */
	const char *dtls_version; /* configured, e.g. "1.2" */
	const char *ciphers;
	bool passed;
	const struct cs_metrics *m; /* required */
	/* the run's time series (capsim/timeseries.h); may be NULL */
	const struct cs_ts *timeseries;

	/* scenario */
	const char *scenario_name, *scenario_file;
	/* joins counted in each second of the run (index = second), for the
	 * peak 1-s rate; may be NULL */
	const uint32_t *joins_per_sec;
	size_t n_joins_per_sec;
	struct cs_report_resources res;
	/* evaluated expectations, in scenario order */
	const struct cs_expect_result *expect;
	size_t n_expect;
	const struct cs_report_diag *diag;  /* may be NULL */
	const struct cs_report_rule *rules; /* impairment rules, NAT */
	size_t n_rules;
	const struct cs_report_kv *wlc_counters; /* mock WLC counters */
	size_t n_wlc_counters;
	/* the mock WLC's control messages per type (cs_wlc_msg_slot_name
	 * slots, n_wlc_msg of them), from the APs and to them: "rates"
	 * shows them per second */
	const uint64_t *wlc_msg_rx, *wlc_msg_tx;
	size_t n_wlc_msg;

	/* the run itself: when and where, how it was started, whether it
	 * was cut short ("capsim_version" is always cs_version()) */
	uint64_t started_unix_ms; /* 0: unknown ("started_at": null) */
	const char *host;         /* NULL: left out */
	const char *const *argv;  /* the command line, argc words */
	int argc;
	bool interrupted; /* SIGINT/SIGTERM ended the run early */
	/* shards (issue 17): the slice this run was ("shard"), every AP's
	 * result ("ap_results") and the diagnosis context ("diag_context");
	 * NULL / 0: left out */
	const struct cs_report_shard *shard;
	const struct cs_report_ap_result *ap_results;
	size_t n_ap_results;
	const struct cs_diag_ctx *diag_ctx;
	const struct cs_report_peer *peer; /* --peer-pcap; NULL: left out */
	/* the wireless clients behind the APs (issue 14), merged over the
	 * workers; NULL: no clients, "clients" left out */
	const struct cs_client_metrics *clients;
	/* their diagnosis ("clients"."diagnosis"); NULL: left out */
	const struct cs_client_diagnosis *client_diag;
	/* every client's diagnosis facts ("clients"."results", for
	 * `capsim merge` and --per-ap); NULL: left out */
	const struct cs_client_facts *client_facts;
	size_t n_client_facts;
};

/* `unix_ms` as RFC 3339 UTC with milliseconds, "2026-12-07T12:00:00.123Z"
 * (len >= 25). */
CS_API void cs_report_rfc3339(uint64_t unix_ms, char *buf, size_t len);

/*
 * The report as a JSON text (malloc'ed, caller frees), or NULL when s or
 * s->m is NULL or out of memory.  Every key is snake_case (state and
 * phase names too: "dtls_setup", "data_check"); docs/report.schema.json
 * describes the document.  Always present: "capsim_version",
 * "started_at" (RFC 3339 or null), "command_line" ([words]),
 * "interrupted", and "host" when given.  Added keys:
 *   "histograms": {phase: {"count", "sum_ms", "min_ms", "max_ms", "p50_ms",
 *       "p95_ms", "p99_ms", "p999_ms", "buckets": [[upper_ms, count], ...]}}
 *       (non-empty buckets only, upper_ms = the bucket's inclusive upper
 *       edge; phases without samples have "count": 0 and no buckets),
 *   "rates": {"joins_per_s" (m->joins / duration_s, rejoins included),
 *       "peak_joins_per_s" (largest joins_per_sec entry, when given)},
 *   "resources": {"max_rss_kib", "cpu_user_s", "cpu_sys_s", "fds"},
 *   "scenario": {"name", "file"}, "expectations": [{"expr", "measured",
 *       "pass", "message"}], "diagnosis": {"code", "summary", "hint",
 *       "aps_affected", "counts": {name: n}}, "impairments": [{"name",
 *       counter: n, ...}], "wlc_counters": {name: n}, "timeseries" (see
 *       cs_ts_json in report/report-internal.h: one column per measure,
 *       one entry per interval, and the timeline marks); a shard's report
 *       (issue 17) adds "shard", "diag_context" and "ap_results" (every
 *       AP with its diagnosis facts), which `capsim merge` reads back;
 *   "clients" (when s->clients): the wireless clients, see
 *       cs_client_metrics_json in capsim/client_metrics.h, with
 *       "diagnosis" {code, summary, hint, clients_affected, causes
 *       [{cause, clients, aps, confidence, evidence, client_names}]}
 *       when s->client_diag.
 */
CS_API char *cs_report_json(const struct cs_run_summary *s);

/*
 * JUnit XML (malloc'ed, caller frees; NULL when s or s->m is NULL or out
 * of memory).  One <testsuite> named after the scenario (or "capsim"):
 * one <testcase> per expectation (a <failure> with the measured value
 * and message when it failed); without expectations, "all APs in Run"
 * (passes iff in_run == aps and left_run == 0) and one testcase per
 * failure phase with failures ("failures in PHASE", failing, message
 * listing reasons and counts).  Times in seconds.
 */
CS_API char *cs_report_junit(const struct cs_run_summary *s);

/* ----- adapters from the modules' own structs (all borrowed) ----- */

#define CS_REPORT_IMPAIR_COUNTERS 8
#define CS_REPORT_NAT_COUNTERS    10

/* out->counters = kv, filled from st: matched, dropped, delayed,
 * duplicated, corrupted, truncated, held, released. */
CS_API void cs_report_rule_impair(struct cs_report_rule *out,
    struct cs_report_kv kv[CS_REPORT_IMPAIR_COUNTERS], const char *name,
    const struct cs_impair_stats *st);
/* out->counters = kv, filled from st: mappings, active, expired_idle,
 * expired_forced, rebound, out_pkts, in_pkts, in_no_mapping,
 * in_no_reverse, alloc_failures. */
CS_API void cs_report_rule_nat(struct cs_report_rule *out,
    struct cs_report_kv kv[CS_REPORT_NAT_COUNTERS], const char *name,
    const struct cs_nat_stats *st);
/* out borrows d's strings; counts = the non-zero per-code AP counts, in
 * code order, written to kv (at most kv_len entries, CS_DIAG__COUNT is
 * always enough). */
CS_API void cs_report_diag_from(struct cs_report_diag *out,
    struct cs_report_kv *kv, size_t kv_len, const struct cs_diagnosis *d);

/*
 * The causes of @p d (every code with APs, ok excluded) with their APs:
 * @p aps[i] describes the AP at index i of the facts given to
 * cs_diagnose (@p n of them; may be NULL: no names).  Names compressed to
 * at most @p max_items ranges per cause (0 = all).  Also points
 * out->causes/confidence/evidence/self_* at them.  Free with
 * cs_report_causes_free().  @return 0, -ENOMEM, -EINVAL.
 */
CS_API int cs_report_causes_build(struct cs_report_causes *rc,
    struct cs_report_diag *out, const struct cs_diagnosis *d,
    const struct cs_report_ap *aps, size_t n, size_t max_items);
CS_API void cs_report_causes_free(struct cs_report_causes *rc);

/* Fills *out (valid = true) for this process: peak RSS and CPU times from
 * getrusage(RUSAGE_SELF), open descriptors from /proc/self/fd.  Returns
 * 0, or a negative errno with *out untouched. */
CS_API int cs_report_resources_get(struct cs_report_resources *out);

/* Writes `text` to `path` (created or truncated; "-" = stdout):
 * 0, or a negative errno. */
CS_API int cs_report_write(const char *path, const char *text);

#endif /* CS_REPORT_H */
