/* SPDX-License-Identifier: MIT */
/*
 * Metrics from AP events; see capsim/metrics.h.  Phase latencies are the
 * time spent in the state of that phase, measured at the transition out
 * of it, so an AP that retries contributes one sample per attempt.
 */
#include "capsim/metrics.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const lat_names[] = {
	[CS_LAT_DISCOVERY] = "discovery",
	[CS_LAT_DTLS] = "dtls",
	[CS_LAT_JOIN] = "join",
	[CS_LAT_IMAGE] = "image",
	[CS_LAT_CONFIGURE] = "configure",
	[CS_LAT_DATA_CHECK] = "data-check",
	[CS_LAT_TOTAL] = "total",
	[CS_LAT_FAILOVER] = "failover",
};
_Static_assert(CS_ARRAY_SIZE(lat_names) == CS_LAT__COUNT,
    "lat_names[] out of sync with enum cs_lat");

const uint64_t cs_metrics_le_us[CS_METRICS_N_LE] = {
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

void
cs_metrics_lat(struct cs_metrics *m, enum cs_lat l, uint64_t us)
{
	if (m == NULL || (unsigned)l >= CS_LAT__COUNT)
		return;
	cs_hist_record(&m->lat[l], us);
	for (unsigned k = 0; k < CS_METRICS_N_LE; k++)
		if (us <= cs_metrics_le_us[k])
			m->le_count[l][k]++;
}

void
cs_reason_code(const char *text, char *out, size_t len)
{
	size_t n = 0;
	bool dash = false, after_code = false, in_code = false;

	if (out == NULL || len < 8)
		return;
	for (const char *p = text != NULL ? text : ""; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (isdigit(c) && !after_code && !in_code)
			break;
		if (!isalnum(c)) {
			dash = true;
			in_code = false;
			if (!isspace(c))
				after_code = false;
			continue;
		}
		if (n + (dash && n > 0) + 1 >= len)
			break;
		if (dash && n > 0)
			out[n++] = '-';
		dash = false;
		out[n++] = (char)tolower(c);
		in_code = isdigit(c) && (after_code || in_code);
		after_code = !isdigit(c) && n >= 4 &&
		    memcmp(out + n - 4, "code", 4) == 0;
	}
	if (n == 0) {
		snprintf(out, len, "unknown");
		return;
	}
	out[n] = '\0';
}

const char *
cs_lat_name(enum cs_lat l)
{
	if ((unsigned)l >= CS_LAT__COUNT)
		return NULL;
	return lat_names[l];
}

void
cs_metrics_init(struct cs_metrics *m)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < CS_LAT__COUNT; i++)
		cs_hist_init(&m->lat[i]);
}

void
cs_metrics_free(struct cs_metrics *m)
{
	if (m == NULL)
		return;
	for (int i = 0; i < CS_LAT__COUNT; i++)
		cs_hist_free(&m->lat[i]);
	for (int p = 0; p < CS_PHASE__COUNT; p++)
		for (unsigned k = 0; k < m->n_reasons[p]; k++)
			free(m->reasons[p][k].reason);
	memset(m, 0, sizeof(*m));
}

void
cs_ap_track_init(struct cs_ap_track *t)
{
	memset(t, 0, sizeof(*t));
	t->state = CS_AP_IDLE;
}

void
cs_metrics_ap_start(struct cs_ap_track *t, uint64_t now_ms)
{
	t->started = true;
	t->t_state = now_ms;
	t->t_cycle = now_ms;
}

/* Latency series of the time spent in a state, or -1 for none. */
static int
state_lat(enum cs_ap_state s)
{
	switch (s) {
	case CS_AP_DISCOVERY:
		return CS_LAT_DISCOVERY;
	case CS_AP_DTLS_SETUP:
		return CS_LAT_DTLS;
	case CS_AP_JOIN:
		return CS_LAT_JOIN;
	case CS_AP_IMAGE_DATA:
		return CS_LAT_IMAGE;
	case CS_AP_CONFIGURE:
		return CS_LAT_CONFIGURE;
	case CS_AP_DATA_CHECK:
		return CS_LAT_DATA_CHECK;
	case CS_AP_IDLE:
	case CS_AP_SULKING:
	case CS_AP_RUN:
	case CS_AP_RESET:
	case CS_AP_DTLS_TEARDOWN:
	case CS_AP__COUNT:
		break;
	}
	return -1;
}

static void
count_reason(
    struct cs_metrics *m, enum cs_phase p, const char *reason, uint64_t n)
{
	unsigned k;

	if ((unsigned)p >= CS_PHASE__COUNT)
		return;
	m->failures_by_phase[p] += n;
	m->failures_total += n;
	if (reason == NULL)
		reason = "unknown";
	for (k = 0; k < m->n_reasons[p]; k++)
		if (strcmp(m->reasons[p][k].reason, reason) == 0) {
			m->reasons[p][k].count += n;
			return;
		}
	if (k < CS_METRICS_MAX_REASONS &&
	    (m->reasons[p][k].reason = strdup(reason)) != NULL) {
		m->reasons[p][k].count = n;
		m->n_reasons[p]++;
		return;
	}
	m->other_reasons[p] += n;
}

void
cs_metrics_ap_event(
    struct cs_metrics *m, struct cs_ap_track *t, const struct cs_ap_event *ev)
{
	int lat;

	switch (ev->kind) {
	case CS_AP_EV_STATE:
		lat = state_lat(ev->from);
		if (lat >= 0 && ev->t_ms >= t->t_state)
			cs_metrics_lat(m, (enum cs_lat)lat,
			    (ev->t_ms - t->t_state) * 1000);
		if (ev->to == CS_AP_RUN) {
			if (ev->t_ms >= t->t_cycle)
				cs_metrics_lat(m, CS_LAT_TOTAL,
				    (ev->t_ms - t->t_cycle) * 1000);
			t->has_joined = true;
			t->in_run = true;
			m->joins++;
		}
		if (ev->from == CS_AP_RUN && ev->to != CS_AP_RUN) {
			/* Run -> DTLS Teardown is always a failure (echo
			 * retransmissions, DTLS alert, dead data channel):
			 * the controller is lost; an ordered Reset is not */
			if (ev->to == CS_AP_DTLS_TEARDOWN)
				m->controller_losses++;
			t->in_run = false;
			t->has_left_run = true;
			m->left_run++;
		}
		/* a new join attempt starts when the AP goes back to Idle or
		 * Discovery from anywhere but Discovery itself */
		if ((ev->to == CS_AP_IDLE ||
		        (ev->to == CS_AP_DISCOVERY &&
		            ev->from != CS_AP_DISCOVERY)) &&
		    !(ev->from == CS_AP_IDLE && ev->to == CS_AP_DISCOVERY))
			t->t_cycle = ev->t_ms;
		t->state = (uint8_t)ev->to;
		t->t_state = ev->t_ms;
		break;
	case CS_AP_EV_FAILURE:
		t->has_failed = true;
		count_reason(m, ev->phase, ev->reason, 1);
		break;
	case CS_AP_EV_RETRANSMIT:
		m->retransmits++;
		break;
	case CS_AP_EV_FAILOVER:
		m->failovers++;
		cs_metrics_lat(m, CS_LAT_FAILOVER, (uint64_t)ev->value * 1000);
		break;
	case CS_AP_EV_MSG_SENT:
	case CS_AP_EV_MSG_RECEIVED:
	case CS_AP_EV_DROPPED:
	case CS_AP_EV_INFO:
	case CS_AP_EV__COUNT:
		break;
	}
}

int
cs_metrics_merge(struct cs_metrics *dst, const struct cs_metrics *src)
{
	int r;

	if (dst == NULL || src == NULL)
		return -EINVAL;
	for (int i = 0; i < CS_LAT__COUNT; i++) {
		if ((r = cs_hist_merge(&dst->lat[i], &src->lat[i])) < 0)
			return r;
		for (unsigned k = 0; k < CS_METRICS_N_LE; k++)
			dst->le_count[i][k] += src->le_count[i][k];
	}
	for (int p = 0; p < CS_PHASE__COUNT; p++) {
		for (unsigned k = 0; k < src->n_reasons[p]; k++) {
			/* count_reason adds to the totals; undo, then add
			 * the source totals once below */
			count_reason(dst, (enum cs_phase)p,
			    src->reasons[p][k].reason,
			    src->reasons[p][k].count);
			dst->failures_by_phase[p] -= src->reasons[p][k].count;
			dst->failures_total -= src->reasons[p][k].count;
		}
		dst->other_reasons[p] += src->other_reasons[p];
		dst->failures_by_phase[p] += src->failures_by_phase[p];
		dst->failures_total += src->failures_by_phase[p];
	}
	dst->retransmits += src->retransmits;
	dst->joins += src->joins;
	dst->left_run += src->left_run;
	dst->controller_losses += src->controller_losses;
	dst->failovers += src->failovers;
	return 0;
}
