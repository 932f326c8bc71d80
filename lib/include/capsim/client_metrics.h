/* SPDX-License-Identifier: MIT */
/*
 * What the wireless clients did, for every output: clients per state,
 * joined count and rate, per-phase latency histograms (association, L2
 * authentication, DHCP, ARP/ready, total), failures by phase and reason.
 * Fed with the station events (capsim/station.h); rendered as a progress
 * fragment, a JSON object and Prometheus text.  Not thread-safe: one
 * recorder per worker, merged with cs_client_metrics_merge.
 */
#ifndef CS_CLIENT_METRICS_H
#define CS_CLIENT_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/hist.h"
#include "capsim/metrics.h"
#include "capsim/station.h"

#define CS_CLIENT_MAX_REASONS 32 /* distinct failure reasons kept */

enum cs_client_phase {
	CS_CLIENT_PH_ASSOC,  /* Authentication + Association */
	CS_CLIENT_PH_L2AUTH, /* only with L2 authentication */
	CS_CLIENT_PH_DHCP,
	CS_CLIENT_PH_ARP, /* ARP for the gateway + echo: ready */
	CS_CLIENT_PH_TOTAL,
	CS_CLIENT_PH__COUNT
};

struct cs_client_reason {
	enum cs_sta_state phase;
	char reason[96]; /* the station's text, kept as the key */
	uint32_t value;  /* the 802.11 status or reason code that caused it
	                    (first seen), 0 when none */
	uint64_t count;
};

struct cs_client_metrics {
	uint64_t clients;                 /* stations known */
	int64_t per_state[CS_STA__COUNT]; /* now */
	uint64_t joined;                  /* reached Run */
	uint64_t failed[CS_STA__COUNT];   /* by phase */
	uint64_t first_join_ms, last_join_ms;
	struct cs_hist ph[CS_CLIENT_PH__COUNT];
	/* samples <= cs_metrics_le_us[k] (cumulative, exact) */
	uint64_t le[CS_CLIENT_PH__COUNT][CS_METRICS_N_LE];
	struct cs_client_reason reasons[CS_CLIENT_MAX_REASONS];
	unsigned n_reasons;
	uint64_t reasons_other; /* failures beyond the distinct reasons kept */
};

CS_API void cs_client_metrics_init(struct cs_client_metrics *m);
CS_API void cs_client_metrics_free(struct cs_client_metrics *m);
/* A station was created (counted in Idle). */
CS_API void cs_client_metrics_add(struct cs_client_metrics *m);
/* One station event; info is the station's cs_sta_info after it (for
 * the latencies when it reaches Run).  -EINVAL on NULL. */
CS_API int cs_client_metrics_event(struct cs_client_metrics *m,
    const struct cs_sta_event *ev, const struct cs_sta_info *info);
CS_API int cs_client_metrics_merge(
    struct cs_client_metrics *dst, const struct cs_client_metrics *src);

/* Clients joined per second between the first and the last join (0 with
 * fewer than two joins). */
CS_API double cs_client_metrics_rate(const struct cs_client_metrics *m);
/* "clients 120/160 run, 3 failed (dhcp 3)" into buf; returns buf. */
CS_API const char *cs_client_metrics_progress(
    const struct cs_client_metrics *m, char *buf, size_t cap);
/* "assoc", "l2auth", "dhcp", "arp", "total"; NULL out of range. */
CS_API const char *cs_client_phase_name(enum cs_client_phase p);

/* Failures in all phases. */
CS_API uint64_t cs_client_metrics_failed(const struct cs_client_metrics *m);

/* Prometheus text families, malloc'ed (caller frees), NULL on ENOMEM:
 * capsim_clients{state}, capsim_clients_configured,
 * capsim_clients_joined_total, capsim_client_failures_total{phase,
 * reason, code} (reason: the text's bounded code, cs_reason_code; code:
 * the 802.11 status or reason code, 0 when none; bounded by the
 * CS_CLIENT_MAX_REASONS kept plus "other"), capsim_client_phase_
 * duration_seconds{phase} (histogram, the le bounds of capsim/prom.h). */
CS_API char *cs_client_metrics_prom(const struct cs_client_metrics *m);

/* The JSON report's "clients" object, malloc'ed text (caller frees),
 * NULL on ENOMEM; keys as the AP part of the report (snake_case, _ms):
 * {clients, joined, failed, joined_per_s, states {state: n}, failures
 * {phase: {reason_code: n}}, reasons [{phase, reason, reason_code,
 * code, count}], phases {phase: {count, p50_ms, p95_ms, p99_ms,
 * p999_ms, max_ms}}}. */
CS_API char *cs_client_metrics_json(const struct cs_client_metrics *m);

#endif /* CS_CLIENT_METRICS_H */
