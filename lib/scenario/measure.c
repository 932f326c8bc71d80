/* SPDX-License-Identifier: MIT */
/*
 * The standard measurements behind expectations: metric paths
 * (scenarios/README.md "expect") read from the same struct cs_run_summary
 * the JSON and JUnit reports are built from, so a check and the report
 * can never disagree about a number.
 */
#include "capsim/scenario.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "capsim/client_metrics.h"
#include "capsim/diagnose_clients.h"
#include "capsim/hist.h"
#include "capsim/metrics.h"
#include "capsim/report.h"
#include "capsim/roles.h"

static int
meas_kv(const struct cs_report_kv *kv, size_t n, const char *name, double *out)
{
	for (size_t i = 0; kv != NULL && i < n; i++) {
		if (kv[i].name != NULL && strcmp(kv[i].name, name) == 0) {
			*out = (double)kv[i].value;
			return 0;
		}
	}
	return -ENOENT;
}

/* rule.NAME.COUNTER and nat.COUNTER (the rule entry named "nat"). */
static int
meas_rule(const struct cs_run_summary *s, const char *name, size_t nlen,
    const char *counter, double *out)
{
	for (size_t i = 0; s->rules != NULL && i < s->n_rules; i++) {
		const struct cs_report_rule *r = &s->rules[i];

		if (r->name != NULL && strlen(r->name) == nlen &&
		    strncmp(r->name, name, nlen) == 0)
			return meas_kv(
			    r->counters, r->n_counters, counter, out);
	}
	return -ENOENT;
}

static int meas_stat(const struct cs_hist *h, const char *stat, double *out);

static int
meas_phase(const struct cs_metrics *m, const char *path, double *out)
{
	const char *lat = path + strlen("phase."), *dot = strchr(lat, '.');
	const struct cs_hist *h = NULL;

	if (dot == NULL)
		return -ENOENT;
	for (int l = 0; l < CS_LAT__COUNT; l++) {
		const char *n = cs_lat_name((enum cs_lat)l);

		if (n != NULL && strlen(n) == (size_t)(dot - lat) &&
		    strncmp(n, lat, (size_t)(dot - lat)) == 0)
			h = &m->lat[l];
	}
	if (h == NULL)
		return -ENOENT;
	return meas_stat(h, dot + 1, out);
}

/* clients, clients.SUB, client.phase.P.STAT (issue 14) */
static int
meas_client(const struct cs_client_metrics *c, const char *path, double *out)
{
	const char *lat, *dot;

	if (c == NULL)
		return -ENOENT;
	if (strcmp(path, "clients") == 0)
		*out = (double)c->clients;
	else if (strcmp(path, "clients.joined") == 0)
		*out = (double)c->joined;
	else if (strcmp(path, "clients.failed") == 0)
		*out = (double)cs_client_metrics_failed(c);
	else if (strcmp(path, "clients.in_run") == 0)
		*out = (double)c->per_state[CS_STA_RUN];
	else if (strcmp(path, "clients.joined_per_s") == 0)
		*out = cs_client_metrics_rate(c);
	else if (strncmp(path, "client.phase.", 13) == 0) {
		lat = path + 13;
		if ((dot = strchr(lat, '.')) == NULL)
			return -ENOENT;
		for (int p = 0; p < CS_CLIENT_PH__COUNT; p++) {
			const char *n = cs_client_phase_name(p);

			if (strlen(n) == (size_t)(dot - lat) &&
			    strncmp(n, lat, (size_t)(dot - lat)) == 0)
				return meas_stat(&c->ph[p], dot + 1, out);
		}
		return -ENOENT;
	} else
		return -ENOENT;
	return 0;
}

/* A statistic of a latency histogram in ms, or its sample count. */
static int
meas_stat(const struct cs_hist *h, const char *stat, double *out)
{
	static const struct {
		const char *name;
		double q;
	} qs[] = { { "p50", 0.50 }, { "p90", 0.90 }, { "p95", 0.95 },
		{ "p99", 0.99 } };

	if (strcmp(stat, "count") == 0) {
		*out = (double)h->count;
		return 0;
	}
	/* a latency of a phase nobody went through does not exist */
	if (h->count == 0)
		return -ENOENT;
	for (size_t i = 0; i < CS_ARRAY_SIZE(qs); i++) {
		if (strcmp(stat, qs[i].name) == 0) {
			*out = (double)cs_hist_quantile(h, qs[i].q) / 1000.0;
			return 0;
		}
	}
	if (strcmp(stat, "min") == 0)
		*out = (double)h->min_us / 1000.0;
	else if (strcmp(stat, "max") == 0)
		*out = (double)h->max_us / 1000.0;
	else if (strcmp(stat, "mean") == 0)
		*out = (double)h->sum_us / (double)h->count / 1000.0;
	else
		return -ENOENT;
	return 0;
}

static int
meas_failures(const struct cs_metrics *m, const char *path, double *out)
{
	const char *lab = path + strlen("failures");
	const char *end = strrchr(lab, '}');
	size_t n;

	if (*lab == '\0') {
		*out = (double)m->failures_total;
		return 0;
	}
	if (*lab != '{' || end == NULL || end[1] != '\0')
		return -ENOENT;
	lab++;
	if (strncmp(lab, "phase=", 6) == 0) {
		lab += 6;
		n = (size_t)(end - lab);
		for (int p = 0; p < CS_PHASE__COUNT; p++) {
			const char *pn = cs_phase_name((enum cs_phase)p);

			if (pn != NULL && strlen(pn) == n &&
			    strncmp(pn, lab, n) == 0) {
				*out = (double)m->failures_by_phase[p];
				return 0;
			}
		}
		return -ENOENT;
	}
	if (strncmp(lab, "reason=", 7) == 0) {
		uint64_t sum = 0;

		lab += 7;
		n = (size_t)(end - lab);
		for (int p = 0; p < CS_PHASE__COUNT; p++)
			for (unsigned i = 0; i < m->n_reasons[p]; i++) {
				const char *r = m->reasons[p][i].reason;

				if (r != NULL && strlen(r) == n &&
				    strncmp(r, lab, n) == 0)
					sum += m->reasons[p][i].count;
			}
		*out = (double)sum;
		return 0;
	}
	return -ENOENT;
}

/* diagnosis.aps and diagnosis{cause=CODE}.aps: the per-cause AP counts
 * the diagnosis reports (a cause it does not list has no APs). */
static int
meas_diagnosis(const struct cs_run_summary *s, const char *path, double *out)
{
	const struct cs_report_diag *d = s->diag;
	const char *code, *end;
	size_t n;

	if (d == NULL || d->code == NULL)
		return -ENOENT;
	if (strcmp(path, "diagnosis.aps") == 0) {
		*out = d->aps_affected;
		return 0;
	}
	if (strncmp(path, "diagnosis{cause=", 16) != 0 ||
	    (end = strchr(path, '}')) == NULL || strcmp(end, "}.aps") != 0)
		return -ENOENT;
	code = path + 16;
	n = (size_t)(end - code);
	for (size_t i = 0; d->counts != NULL && i < d->n_counts; i++) {
		const char *c = d->counts[i].name;

		if (c != NULL && strlen(c) == n && strncmp(c, code, n) == 0) {
			*out = (double)d->counts[i].value;
			return 0;
		}
	}
	/* a single-cause diagnosis may list no per-cause counts */
	if (strlen(d->code) == n && strncmp(d->code, code, n) == 0 &&
	    d->n_counts == 0) {
		*out = d->aps_affected;
		return 0;
	}
	*out = 0;
	return 0;
}

static int
meas_number(void *ctx, const char *path, double *out)
{
	const struct cs_run_summary *s = ctx;
	const struct cs_metrics *m = s->m;

	if (strcmp(path, "aps") == 0)
		*out = s->aps;
	else if (strcmp(path, "joined") == 0)
		*out = s->joined;
	else if (strcmp(path, "in_run") == 0)
		*out = s->in_run;
	else if (strcmp(path, "failed") == 0)
		*out = s->failed;
	else if (strcmp(path, "left_run") == 0)
		*out = s->left_run;
	else if (m != NULL && strcmp(path, "joins") == 0)
		*out = (double)m->joins;
	else if (m != NULL && strcmp(path, "retransmits") == 0)
		*out = (double)m->retransmits;
	else if (m != NULL && strncmp(path, "failures", 8) == 0)
		return meas_failures(m, path, out);
	else if (m != NULL && strncmp(path, "phase.", 6) == 0)
		return meas_phase(m, path, out);
	else if (strncmp(path, "diagnosis", 9) == 0)
		return meas_diagnosis(s, path, out);
	else if (strncmp(path, "client", 6) == 0)
		return meas_client(s->clients, path, out);
	else if (strncmp(path, "wlc.", 4) == 0)
		return meas_kv(
		    s->wlc_counters, s->n_wlc_counters, path + 4, out);
	else if (strncmp(path, "nat.", 4) == 0)
		return meas_rule(s, "nat", 3, path + 4, out);
	else if (strncmp(path, "rule.", 5) == 0) {
		const char *name = path + 5, *dot = strrchr(name, '.');

		if (dot == NULL)
			return -ENOENT;
		return meas_rule(s, name, (size_t)(dot - name), dot + 1, out);
	} else
		return -ENOENT;
	return 0;
}

static int
meas_string(void *ctx, const char *path, char *buf, size_t len)
{
	const struct cs_run_summary *s = ctx;

	if (strcmp(path, "clients.diagnosis") == 0) {
		if (s->client_diag == NULL || s->client_diag->code == NULL ||
		    len == 0)
			return -ENOENT;
		snprintf(buf, len, "%s", s->client_diag->code);
		return 0;
	}
	if (strcmp(path, "diagnosis") != 0 || s->diag == NULL ||
	    s->diag->code == NULL || len == 0)
		return -ENOENT;
	snprintf(buf, len, "%s", s->diag->code);
	return 0;
}

CS_API int
cs_expect_eval_summary(const struct cs_expect *e,
    const struct cs_run_summary *s, struct cs_expect_result *out)
{
	struct cs_measure_ops ops = { meas_number, meas_string, 0, 0 };

	if (e == NULL || s == NULL || out == NULL)
		return -EINVAL;
	ops.ap_count = s->aps;
	ops.client_count = s->clients != NULL ? s->clients->clients : 0;
	/* the callbacks only read through ctx */
	return cs_expect_eval(e, &ops, (void *)(uintptr_t)s, out);
}
