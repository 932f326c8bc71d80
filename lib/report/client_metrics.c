/* SPDX-License-Identifier: MIT */
/*
 * The wireless clients' numbers (capsim/client_metrics.h): the station
 * events folded into counts, exact Prometheus buckets and the shared
 * histograms, so that a run's progress line, JSON report and /metrics
 * tell the same story about its clients.
 */
#include "capsim/client_metrics.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report-internal.h"

static const char *const client_phase_names[] = {
	[CS_CLIENT_PH_ASSOC] = "assoc",
	[CS_CLIENT_PH_L2AUTH] = "l2auth",
	[CS_CLIENT_PH_DHCP] = "dhcp",
	[CS_CLIENT_PH_ARP] = "arp",
	[CS_CLIENT_PH_TOTAL] = "total",
};
_Static_assert(CS_ARRAY_SIZE(client_phase_names) == CS_CLIENT_PH__COUNT,
    "client_phase_names[] out of sync with enum cs_client_phase");

const char *
cs_client_phase_name(enum cs_client_phase p)
{
	return (unsigned)p < CS_CLIENT_PH__COUNT ? client_phase_names[p] : NULL;
}

void
cs_client_metrics_init(struct cs_client_metrics *m)
{
	memset(m, 0, sizeof(*m));
	for (int p = 0; p < CS_CLIENT_PH__COUNT; p++)
		cs_hist_init(&m->ph[p]);
}

void
cs_client_metrics_free(struct cs_client_metrics *m)
{
	if (m == NULL)
		return;
	for (int p = 0; p < CS_CLIENT_PH__COUNT; p++)
		cs_hist_free(&m->ph[p]);
}

void
cs_client_metrics_add(struct cs_client_metrics *m)
{
	m->clients++;
	m->per_state[CS_STA_IDLE]++;
}

static void
cm_record(struct cs_client_metrics *m, enum cs_client_phase p, uint32_t ms)
{
	uint64_t us = (uint64_t)ms * 1000;

	(void)cs_hist_record(&m->ph[p], us);
	for (unsigned k = 0; k < CS_METRICS_N_LE; k++)
		if (us <= cs_metrics_le_us[k])
			m->le[p][k]++;
}

static void
cm_reason(struct cs_client_metrics *m, enum cs_sta_state phase, const char *why,
    uint32_t value, uint64_t count)
{
	struct cs_client_reason *r;

	if (why == NULL)
		why = "unknown";
	for (unsigned i = 0; i < m->n_reasons; i++) {
		r = &m->reasons[i];
		if (r->phase == phase &&
		    strncmp(r->reason, why, sizeof(r->reason) - 1) == 0) {
			r->count += count;
			return;
		}
	}
	if (m->n_reasons == CS_CLIENT_MAX_REASONS) {
		m->reasons_other += count;
		return;
	}
	r = &m->reasons[m->n_reasons++];
	r->phase = phase;
	snprintf(r->reason, sizeof(r->reason), "%s", why);
	r->value = value;
	r->count = count;
}

int
cs_client_metrics_event(struct cs_client_metrics *m,
    const struct cs_sta_event *ev, const struct cs_sta_info *info)
{
	if (m == NULL || ev == NULL || (unsigned)ev->from >= CS_STA__COUNT ||
	    (unsigned)ev->to >= CS_STA__COUNT)
		return -EINVAL;
	switch (ev->kind) {
	case CS_STA_EV_STATE:
		m->per_state[ev->from]--;
		m->per_state[ev->to]++;
		if (ev->to != CS_STA_RUN || info == NULL)
			break;
		m->joined++;
		if (m->joined == 1)
			m->first_join_ms = ev->t_ms;
		m->last_join_ms = ev->t_ms;
		cm_record(
		    m, CS_CLIENT_PH_ASSOC, info->auth_ms + info->assoc_ms);
		if (info->has_l2auth)
			cm_record(m, CS_CLIENT_PH_L2AUTH, info->l2auth_ms);
		cm_record(m, CS_CLIENT_PH_DHCP, info->dhcp_ms);
		cm_record(m, CS_CLIENT_PH_ARP, info->arp_ms);
		cm_record(m, CS_CLIENT_PH_TOTAL, info->total_ms);
		break;
	case CS_STA_EV_FAILURE:
		m->failed[ev->from]++;
		cm_reason(m, ev->from, ev->reason, ev->value, 1);
		break;
	case CS_STA_EV_INFO:
	case CS_STA_EV__COUNT:
		break;
	}
	return 0;
}

int
cs_client_metrics_merge(
    struct cs_client_metrics *dst, const struct cs_client_metrics *src)
{
	int r;

	if (dst == NULL || src == NULL)
		return -EINVAL;
	dst->clients += src->clients;
	for (int s = 0; s < CS_STA__COUNT; s++) {
		dst->per_state[s] += src->per_state[s];
		dst->failed[s] += src->failed[s];
	}
	if (src->joined > 0) {
		if (dst->joined == 0 || src->first_join_ms < dst->first_join_ms)
			dst->first_join_ms = src->first_join_ms;
		if (src->last_join_ms > dst->last_join_ms)
			dst->last_join_ms = src->last_join_ms;
	}
	dst->joined += src->joined;
	for (int p = 0; p < CS_CLIENT_PH__COUNT; p++) {
		if ((r = cs_hist_merge(&dst->ph[p], &src->ph[p])) < 0)
			return r;
		for (unsigned k = 0; k < CS_METRICS_N_LE; k++)
			dst->le[p][k] += src->le[p][k];
	}
	for (unsigned i = 0; i < src->n_reasons; i++)
		cm_reason(dst, src->reasons[i].phase, src->reasons[i].reason,
		    src->reasons[i].value, src->reasons[i].count);
	dst->reasons_other += src->reasons_other;
	return 0;
}

uint64_t
cs_client_metrics_failed(const struct cs_client_metrics *m)
{
	uint64_t n = 0;

	for (int s = 0; m != NULL && s < CS_STA__COUNT; s++)
		n += m->failed[s];
	return n;
}

double
cs_client_metrics_rate(const struct cs_client_metrics *m)
{
	if (m == NULL || m->joined < 2 || m->last_join_ms <= m->first_join_ms)
		return 0;
	return (double)(m->joined - 1) * 1000.0 /
	    (double)(m->last_join_ms - m->first_join_ms);
}

const char *
cs_client_metrics_progress(
    const struct cs_client_metrics *m, char *buf, size_t cap)
{
	const char *sep = " (";
	uint64_t nfail;
	size_t n;

	if (buf == NULL || cap == 0)
		return "";
	if (m == NULL) {
		buf[0] = '\0';
		return buf;
	}
	nfail = cs_client_metrics_failed(m);
	n = (size_t)snprintf(buf, cap, "clients %lld/%llu run, %llu failed",
	    (long long)m->per_state[CS_STA_RUN], (unsigned long long)m->clients,
	    (unsigned long long)nfail);
	for (int s = 0; s < CS_STA__COUNT && n < cap; s++) {
		if (m->failed[s] == 0)
			continue;
		n += (size_t)snprintf(buf + n, cap - n, "%s%s %llu", sep,
		    cs_sta_state_name((enum cs_sta_state)s),
		    (unsigned long long)m->failed[s]);
		sep = ", ";
	}
	if (nfail > 0 && n < cap)
		snprintf(buf + n, cap - n, ")");
	return buf;
}

/* The failures of one phase as (reason code, 802.11 code) series: texts
 * that differ only in their numbers are one series, as for the APs. */
struct cm_series {
	char code[48];
	uint32_t value;
	uint64_t count;
};

/* A station's failure text is "what: detail" ("association refused: AP
 * unable to handle more stations"); the detail is the 802.11 code, a
 * label of its own, so the reason code is the part before the colon. */
static void
cm_code(const char *why, char *out, size_t len)
{
	char head[96];
	const char *colon = strchr(why, ':');
	size_t n = colon != NULL ? (size_t)(colon - why) : strlen(why);

	if (n >= sizeof(head))
		n = sizeof(head) - 1;
	memcpy(head, why, n);
	head[n] = '\0';
	cs_reason_code(head, out, len);
}

static unsigned
cm_series(const struct cs_client_metrics *m, enum cs_sta_state phase,
    struct cm_series *out, unsigned cap)
{
	unsigned n = 0;

	for (unsigned k = 0; k < m->n_reasons; k++) {
		const struct cs_client_reason *r = &m->reasons[k];
		char c[48];
		unsigned i;

		if (r->phase != phase || r->count == 0)
			continue;
		cm_code(r->reason, c, sizeof(c));
		for (i = 0; i < n; i++)
			if (strcmp(out[i].code, c) == 0 &&
			    out[i].value == r->value)
				break;
		if (i == n) {
			if (n == cap)
				continue;
			memcpy(out[n].code, c, sizeof(c));
			out[n].value = r->value;
			out[n++].count = 0;
		}
		out[i].count += r->count;
	}
	return n;
}

static void
cm_prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

char *
cs_client_metrics_prom(const struct cs_client_metrics *m)
{
	struct cm_series ser[CS_CLIENT_MAX_REASONS];
	char *buf = NULL;
	size_t len = 0;
	uint64_t other = 0;
	FILE *f;
	bool bad;

	if (m == NULL || (f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	cm_prom_family(f, "capsim_clients", "gauge",
	    "Wireless clients per station state now.");
	for (int st = 0; st < CS_STA__COUNT; st++)
		fprintf(f, "capsim_clients{state=\"%s\"} %lld\n",
		    cs_sta_state_name((enum cs_sta_state)st),
		    (long long)m->per_state[st]);
	cm_prom_family(f, "capsim_clients_configured", "gauge",
	    "Wireless clients the run created.");
	fprintf(f, "capsim_clients_configured %llu\n",
	    (unsigned long long)m->clients);
	cm_prom_family(f, "capsim_clients_joined_total", "counter",
	    "Times a client reached Run (address, gateway ARP and echo).");
	fprintf(f, "capsim_clients_joined_total %llu\n",
	    (unsigned long long)m->joined);
	cm_prom_family(f, "capsim_client_failures_total", "counter",
	    "Clients that gave up, by phase, reason code and 802.11 status "
	    "or reason code (0: none; the text is in the JSON report).");
	for (int st = 0; st < CS_STA__COUNT; st++) {
		uint64_t kept = 0;
		unsigned n;

		if (m->failed[st] == 0)
			continue;
		n = cm_series(
		    m, (enum cs_sta_state)st, ser, CS_ARRAY_SIZE(ser));
		for (unsigned i = 0; i < n; i++) {
			fprintf(f,
			    "capsim_client_failures_total{phase=\"%s\","
			    "reason=\"%s\",code=\"%u\"} %llu\n",
			    cs_sta_state_name((enum cs_sta_state)st),
			    ser[i].code, ser[i].value,
			    (unsigned long long)ser[i].count);
			kept += ser[i].count;
		}
		/* beyond the distinct reasons kept: counted, not named */
		if (m->failed[st] > kept)
			other += m->failed[st] - kept;
	}
	if (other > 0)
		fprintf(f,
		    "capsim_client_failures_total{phase=\"any\","
		    "reason=\"other\",code=\"0\"} %llu\n",
		    (unsigned long long)other);
	cm_prom_family(f, "capsim_client_phase_duration_seconds", "histogram",
	    "Time clients spent in each phase of the join (assoc: "
	    "Authentication + Association; arp: gateway ARP + echo).");
	for (int p = 0; p < CS_CLIENT_PH__COUNT; p++) {
		const char *pn = client_phase_names[p];

		for (unsigned k = 0; k < CS_METRICS_N_LE; k++)
			fprintf(f,
			    "capsim_client_phase_duration_seconds_bucket{phase="
			    "\"%s\",le=\"%g\"} %llu\n",
			    pn, (double)cs_metrics_le_us[k] / 1e6,
			    (unsigned long long)m->le[p][k]);
		fprintf(f,
		    "capsim_client_phase_duration_seconds_bucket{phase=\"%s\","
		    "le=\"+Inf\"} %llu\n"
		    "capsim_client_phase_duration_seconds_sum{phase=\"%s\"} "
		    "%.6f\n"
		    "capsim_client_phase_duration_seconds_count{phase=\"%s\"} "
		    "%llu\n",
		    pn, (unsigned long long)m->ph[p].count, pn,
		    (double)m->ph[p].sum_us / 1e6, pn,
		    (unsigned long long)m->ph[p].count);
	}
	bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad) {
		free(buf);
		return NULL;
	}
	return buf;
}

static double
cm_ms(uint64_t us)
{
	return (double)us / 1000.0;
}

static json_t *
cm_latency_json(const struct cs_hist *h)
{
	return json_pack("{s:I, s:f, s:f, s:f, s:f, s:f}", "count",
	    (json_int_t)h->count, "p50_ms", cm_ms(cs_hist_quantile(h, 0.50)),
	    "p95_ms", cm_ms(cs_hist_quantile(h, 0.95)), "p99_ms",
	    cm_ms(cs_hist_quantile(h, 0.99)), "p999_ms",
	    cm_ms(cs_hist_quantile(h, 0.999)), "max_ms", cm_ms(h->max_us));
}

json_t *
cs_client_metrics_json_obj(const struct cs_client_metrics *m)
{
	struct cm_series ser[CS_CLIENT_MAX_REASONS];
	json_t *o, *states, *fails, *reasons, *lat;
	bool oom = false;

	if (m == NULL)
		return NULL;
	o = json_pack("{s:I, s:I, s:I, s:f}", "clients", (json_int_t)m->clients,
	    "joined", (json_int_t)m->joined, "failed",
	    (json_int_t)cs_client_metrics_failed(m), "joined_per_s",
	    cs_client_metrics_rate(m));
	states = json_object();
	fails = json_object();
	reasons = json_array();
	lat = json_object();
	if (o == NULL || states == NULL || fails == NULL || reasons == NULL ||
	    lat == NULL) {
		json_decref(o);
		json_decref(states);
		json_decref(fails);
		json_decref(reasons);
		json_decref(lat);
		return NULL;
	}
	/* o owns them from here (cs_json_set consumes even on failure) */
	json_incref(states);
	json_incref(fails);
	json_incref(reasons);
	json_incref(lat);
	oom |= cs_json_set(o, "states", states) < 0;
	oom |= cs_json_set(o, "failures", fails) < 0;
	oom |= cs_json_set(o, "failures_other",
	           json_integer((json_int_t)m->reasons_other)) < 0;
	oom |= cs_json_set(o, "reasons", reasons) < 0;
	oom |= cs_json_set(o, "phases", lat) < 0;
	for (int st = 0; !oom && st < CS_STA__COUNT; st++) {
		const char *n = cs_sta_state_name((enum cs_sta_state)st);
		json_t *by;
		unsigned ns;

		oom |=
		    cs_json_set(states, n, json_integer(m->per_state[st])) < 0;
		if (m->failed[st] == 0)
			continue;
		if ((by = json_object()) == NULL ||
		    cs_json_set(fails, n, by) < 0) {
			oom = true;
			break;
		}
		ns = cm_series(
		    m, (enum cs_sta_state)st, ser, CS_ARRAY_SIZE(ser));
		for (unsigned i = 0; i < ns; i++) {
			char k[64];

			/* the 802.11 code is part of the key: "association
			 * refused" with 17 and with 1 are two reasons */
			if (ser[i].value != 0)
				snprintf(k, sizeof(k), "%.47s-%u", ser[i].code,
				    ser[i].value);
			else
				snprintf(k, sizeof(k), "%.47s", ser[i].code);
			for (char *c = k; *c != '\0'; c++)
				if (*c == '-')
					*c = '_'; /* snake_case, as every key */
			oom |= cs_json_set(by, k,
			           json_integer((json_int_t)ser[i].count)) < 0;
		}
	}
	for (unsigned i = 0; !oom && i < m->n_reasons; i++) {
		const struct cs_client_reason *r = &m->reasons[i];
		char c[48];

		cm_code(r->reason, c, sizeof(c));
		oom |= json_array_append_new(reasons,
		           json_pack("{s:s, s:o, s:s, s:I, s:I}", "phase",
		               cs_sta_state_name(r->phase), "reason",
		               cs_json_str(r->reason), "reason_code", c, "code",
		               (json_int_t)r->value, "count",
		               (json_int_t)r->count)) < 0;
	}
	for (int p = 0; !oom && p < CS_CLIENT_PH__COUNT; p++)
		oom |= cs_json_set(lat, client_phase_names[p],
		           cm_latency_json(&m->ph[p])) < 0;
	json_decref(states);
	json_decref(fails);
	json_decref(reasons);
	json_decref(lat);
	if (oom) {
		json_decref(o);
		return NULL;
	}
	return o;
}

char *
cs_client_metrics_json(const struct cs_client_metrics *m)
{
	json_t *o = cs_client_metrics_json_obj(m);
	char *out;

	if (o == NULL)
		return NULL;
	out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return out;
}
