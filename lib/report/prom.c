/* SPDX-License-Identifier: MIT */
/*
 * Prometheus text exposition format 0.0.4 (prometheus.io "Exposition
 * formats": one # HELP and # TYPE per family, `name{label="v"} value`
 * lines, histogram _bucket{le} cumulative with le="+Inf", _sum, _count);
 * see capsim/prom.h.
 */
#include "capsim/prom.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/hist.h"
#include "report-internal.h"

/* Nominal bounds in microseconds; the exposed ones are the upper edges of
 * the histogram buckets holding them (cs_prom_le_us). */
static const uint64_t prom_nominal_us[CS_PROM_N_LE] = {
	5000,
	10000,
	25000,
	50000,
	100000,
	250000,
	500000,
	1000000,
	2500000,
	5000000,
	10000000,
	30000000,
	60000000,
	120000000,
};

uint64_t
cs_prom_le_us(unsigned idx)
{
	if (idx >= CS_PROM_N_LE)
		return 0;
	return cs_hist_bucket_hi(cs_hist_bucket(prom_nominal_us[idx]));
}

/* Label value: backslash, double quote and line feed escaped; bytes
 * outside valid UTF-8 (the format's encoding) become '?'. */
static void
prom_label(FILE *f, const char *v)
{
	const unsigned char *p = (const unsigned char *)(v != NULL ? v : "");

	while (*p != '\0') {
		size_t n = cs_utf8_len(p);

		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '"')
			fputs("\\\"", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (n == 0)
			fputc('?', f);
		else
			fwrite(p, 1, n, f);
		p += n > 0 ? n : 1;
	}
}

static void
prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Microseconds as seconds, exactly, without trailing zeros. */
static void
prom_seconds(FILE *f, uint64_t us)
{
	char frac[8];
	int n;

	snprintf(frac, sizeof(frac), "%06u", (unsigned)(us % 1000000));
	for (n = 6; n > 0 && frac[n - 1] == '0'; n--)
		frac[n - 1] = '\0';
	if (n == 0)
		fprintf(f, "%llu", (unsigned long long)(us / 1000000));
	else
		fprintf(f, "%llu.%s", (unsigned long long)(us / 1000000), frac);
}

static void
prom_state_label(char *out, size_t len, enum cs_ap_state st)
{
	const char *name = cs_ap_state_name(st);
	size_t i;

	for (i = 0; name != NULL && name[i] != '\0' && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)name[i]);
	out[i] = '\0';
}

static void
prom_hist(FILE *f, const char *phase, const struct cs_hist *h)
{
	uint64_t cum = 0;
	unsigned next = 0;

	for (unsigned k = 0; k < CS_PROM_N_LE; k++) {
		unsigned last = cs_hist_bucket(prom_nominal_us[k]);

		for (; h->b != NULL && next <= last; next++)
			cum += h->b[next];
		fputs("capsim_phase_duration_seconds_bucket{phase=\"", f);
		prom_label(f, phase);
		fputs("\",le=\"", f);
		prom_seconds(f, cs_prom_le_us(k));
		fprintf(f, "\"} %llu\n", (unsigned long long)cum);
	}
	fputs("capsim_phase_duration_seconds_bucket{phase=\"", f);
	prom_label(f, phase);
	fprintf(f, "\",le=\"+Inf\"} %llu\n", (unsigned long long)h->count);
	fputs("capsim_phase_duration_seconds_sum{phase=\"", f);
	prom_label(f, phase);
	fputs("\"} ", f);
	prom_seconds(f, h->sum_us);
	fputs("\ncapsim_phase_duration_seconds_count{phase=\"", f);
	prom_label(f, phase);
	fprintf(f, "\"} %llu\n", (unsigned long long)h->count);
}

static void
prom_failures(FILE *f, const struct cs_metrics *m)
{
	prom_family(f, "capsim_failures_total", "counter",
	    "AP join failures by phase and reason.");
	for (int p = 0; p < CS_PHASE__COUNT; p++) {
		const char *phase = cs_phase_name(p);

		for (unsigned k = 0; k < m->n_reasons[p]; k++) {
			fprintf(f,
			    "capsim_failures_total{phase=\"%s\",reason=\"",
			    phase);
			prom_label(f, m->reasons[p][k].reason);
			fprintf(f, "\"} %llu\n",
			    (unsigned long long)m->reasons[p][k].count);
		}
		if (m->other_reasons[p] > 0)
			fprintf(f,
			    "capsim_failures_total{phase=\"%s\",reason="
			    "\"other\"}"
			    " %llu\n",
			    phase, (unsigned long long)m->other_reasons[p]);
	}
}

/* capsim_wlc_<name>_total with the name reduced to [a-z0-9_]. */
static void
prom_wlc(FILE *f, const struct cs_report_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char name[96];
		size_t k = 0, len;
		int w;

		if (kv[i].name == NULL)
			continue;
		len = strlen(kv[i].name);
		/* "joins_total" is exposed once as capsim_wlc_joins_total */
		if (len > 6 && strcmp(kv[i].name + len - 6, "_total") == 0)
			len -= 6;
		w = snprintf(name, sizeof(name), "capsim_wlc_");
		for (const char *p = kv[i].name;
		     p < kv[i].name + len && (size_t)w + k + 7 < sizeof(name);
		     p++)
			name[w + k++] = isalnum((unsigned char)*p)
			    ? (char)tolower((unsigned char)*p)
			    : '_';
		snprintf(name + w + k, sizeof(name) - (size_t)w - k, "_total");
		fprintf(f,
		    "# HELP %s Mock WLC counter %s.\n# TYPE %s counter\n", name,
		    name + w, name);
		fprintf(f, "%s %llu\n", name, (unsigned long long)kv[i].value);
	}
}

char *
cs_prom_text(const struct cs_prom_snapshot *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	bool bad;

	if (s == NULL || s->m == NULL)
		return NULL;
	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	prom_family(f, "capsim_aps", "gauge", "Simulated APs by FSM state.");
	for (int st = 0; st < CS_AP__COUNT; st++) {
		char label[32];

		prom_state_label(label, sizeof(label), st);
		fprintf(
		    f, "capsim_aps{state=\"%s\"} %u\n", label, s->states[st]);
	}
	prom_family(f, "capsim_aps_total", "gauge", "Simulated APs.");
	fprintf(f, "capsim_aps_total %u\n", s->aps);
	prom_family(f, "capsim_joins_total", "counter",
	    "Times an AP reached the Run state.");
	fprintf(
	    f, "capsim_joins_total %llu\n", (unsigned long long)s->m->joins);
	prom_family(f, "capsim_left_run_total", "counter",
	    "Times an AP left the Run state.");
	fprintf(f, "capsim_left_run_total %llu\n",
	    (unsigned long long)s->m->left_run);
	prom_failures(f, s->m);
	prom_family(f, "capsim_retransmits_total", "counter",
	    "Control requests the APs retransmitted.");
	fprintf(f, "capsim_retransmits_total %llu\n",
	    (unsigned long long)s->m->retransmits);
	prom_family(f, "capsim_phase_duration_seconds", "histogram",
	    "Time APs spent in each join phase (total: start to Run).");
	for (int l = 0; l < CS_LAT__COUNT; l++)
		prom_hist(f, cs_lat_name(l), &s->m->lat[l]);
	prom_family(f, "capsim_uptime_seconds", "gauge",
	    "Seconds since the run started.");
	fprintf(f, "capsim_uptime_seconds %.3f\n", s->uptime_s);
	if (s->wlc != NULL)
		prom_wlc(f, s->wlc, s->n_wlc);
	bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad) {
		free(buf);
		return NULL;
	}
	return buf;
}
