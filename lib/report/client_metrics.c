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
#include <stdarg.h>
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
    uint64_t count)
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
		if (info->l2auth_ms > 0)
			cm_record(m, CS_CLIENT_PH_L2AUTH, info->l2auth_ms);
		cm_record(m, CS_CLIENT_PH_DHCP, info->dhcp_ms);
		cm_record(m, CS_CLIENT_PH_ARP, info->arp_ms);
		cm_record(m, CS_CLIENT_PH_TOTAL, info->total_ms);
		break;
	case CS_STA_EV_FAILURE:
		m->failed[ev->from]++;
		cm_reason(m, ev->from, ev->reason, 1);
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
		    src->reasons[i].count);
	dst->reasons_other += src->reasons_other;
	return 0;
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
	uint64_t nfail = 0;
	size_t n;

	if (buf == NULL || cap == 0)
		return "";
	for (int s = 0; s < CS_STA__COUNT; s++)
		nfail += m->failed[s];
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

static int cm_appendf(char **s, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
cm_appendf(char **s, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(*s + *len, *cap - *len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -EINVAL;
		if ((size_t)n < *cap - *len) {
			*len += (size_t)n;
			return 0;
		}
		char *t = realloc(*s, *cap * 2 + (size_t)n);

		if (t == NULL)
			return -ENOMEM;
		*s = t;
		*cap = *cap * 2 + (size_t)n;
	}
}

char *
cs_client_metrics_prom(const struct cs_client_metrics *m)
{
	size_t len = 0, cap = 4096;
	char *s = malloc(cap);
	int r = 0;

	if (s == NULL || m == NULL) {
		free(s);
		return NULL;
	}
	s[0] = '\0';
	r |= cm_appendf(&s, &len, &cap,
	    "# HELP capsim_clients Wireless clients per state now.\n"
	    "# TYPE capsim_clients gauge\n");
	for (int st = 0; st < CS_STA__COUNT; st++)
		r |= cm_appendf(&s, &len, &cap,
		    "capsim_clients{state=\"%s\"} %lld\n",
		    cs_sta_state_name((enum cs_sta_state)st),
		    (long long)m->per_state[st]);
	r |= cm_appendf(&s, &len, &cap,
	    "# HELP capsim_clients_joined_total Clients that reached Run.\n"
	    "# TYPE capsim_clients_joined_total counter\n"
	    "capsim_clients_joined_total %llu\n"
	    "# HELP capsim_client_failures_total Clients that gave up, by "
	    "the phase they were in.\n"
	    "# TYPE capsim_client_failures_total counter\n",
	    (unsigned long long)m->joined);
	for (int st = 0; st < CS_STA__COUNT; st++)
		if (m->failed[st] > 0)
			r |= cm_appendf(&s, &len, &cap,
			    "capsim_client_failures_total{phase=\"%s\"} %llu\n",
			    cs_sta_state_name((enum cs_sta_state)st),
			    (unsigned long long)m->failed[st]);
	r |= cm_appendf(&s, &len, &cap,
	    "# HELP capsim_client_phase_duration_seconds Time clients spent "
	    "in each phase of the join.\n"
	    "# TYPE capsim_client_phase_duration_seconds histogram\n");
	for (int p = 0; p < CS_CLIENT_PH__COUNT; p++) {
		const char *pn = client_phase_names[p];

		for (unsigned k = 0; k < CS_METRICS_N_LE; k++)
			r |= cm_appendf(&s, &len, &cap,
			    "capsim_client_phase_duration_seconds_bucket{phase="
			    "\"%s\",le=\"%g\"} %llu\n",
			    pn, (double)cs_metrics_le_us[k] / 1e6,
			    (unsigned long long)m->le[p][k]);
		r |= cm_appendf(&s, &len, &cap,
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
	if (r != 0) {
		free(s);
		return NULL;
	}
	return s;
}

static json_t *
cm_latency_json(const struct cs_hist *h)
{
	return json_pack("{s:I, s:f, s:f, s:f, s:f}", "count",
	    (json_int_t)h->count, "p50",
	    (double)cs_hist_quantile(h, 0.50) / 1000.0, "p90",
	    (double)cs_hist_quantile(h, 0.90) / 1000.0, "p99",
	    (double)cs_hist_quantile(h, 0.99) / 1000.0, "max",
	    (double)h->max_us / 1000.0);
}

char *
cs_client_metrics_json(const struct cs_client_metrics *m)
{
	json_t *o, *states, *fails, *reasons, *lat;
	char *out = NULL;

	if (m == NULL)
		return NULL;
	o = json_object();
	states = json_object();
	fails = json_object();
	reasons = json_array();
	lat = json_object();
	if (o == NULL || states == NULL || fails == NULL || reasons == NULL ||
	    lat == NULL)
		goto done;
	for (int st = 0; st < CS_STA__COUNT; st++) {
		const char *n = cs_sta_state_name((enum cs_sta_state)st);

		json_object_set_new(states, n, json_integer(m->per_state[st]));
		if (m->failed[st] > 0)
			json_object_set_new(
			    fails, n, json_integer((json_int_t)m->failed[st]));
	}
	for (unsigned i = 0; i < m->n_reasons; i++) {
		json_t *r = json_object();

		json_object_set_new(r, "phase",
		    json_string(cs_sta_state_name(m->reasons[i].phase)));
		cs_json_set(r, "reason", cs_json_str(m->reasons[i].reason));
		json_object_set_new(
		    r, "count", json_integer((json_int_t)m->reasons[i].count));
		json_array_append_new(reasons, r);
	}
	for (int p = 0; p < CS_CLIENT_PH__COUNT; p++)
		json_object_set_new(
		    lat, client_phase_names[p], cm_latency_json(&m->ph[p]));
	json_object_set_new(o, "clients", json_integer((json_int_t)m->clients));
	json_object_set_new(o, "joined", json_integer((json_int_t)m->joined));
	json_object_set_new(
	    o, "joined_per_s", json_real(cs_client_metrics_rate(m)));
	json_object_set(o, "states", states);
	json_object_set(o, "failures", fails);
	json_object_set(o, "reasons", reasons);
	json_object_set(o, "latency_ms", lat);
	out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
done:
	json_decref(o);
	json_decref(states);
	json_decref(fails);
	json_decref(reasons);
	json_decref(lat);
	return out;
}
