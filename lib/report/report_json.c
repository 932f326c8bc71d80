/* SPDX-License-Identifier: MIT */
/*
 * JSON run report with jansson (a kept library, not hand-made JSON); see
 * capsim/report.h for the stable keys.
 */
#include "capsim/report.h"

#include <jansson.h>
#include <stdlib.h>

static json_t *
report_phase(const struct cs_hist *h)
{
	return json_pack("{s:I, s:f, s:f, s:f, s:f, s:f}", "count",
	    (json_int_t)h->count, "p50_ms",
	    (double)cs_hist_quantile(h, 0.50) / 1000.0, "p95_ms",
	    (double)cs_hist_quantile(h, 0.95) / 1000.0, "p99_ms",
	    (double)cs_hist_quantile(h, 0.99) / 1000.0, "p999_ms",
	    (double)cs_hist_quantile(h, 0.999) / 1000.0, "max_ms",
	    (double)h->max_us / 1000.0);
}

char *
cs_report_json(const struct cs_run_summary *s)
{
	json_t *root, *failures, *phases, *states;
	char *out;

	if (s == NULL || s->m == NULL)
		return NULL;
	root = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:f, s:I, s:b}",
	    "tool", "capsim", "aps", (json_int_t)s->aps, "joined",
	    (json_int_t)s->joined, "in_run", (json_int_t)s->in_run, "failed",
	    (json_int_t)s->failed, "left_run", (json_int_t)s->left_run,
	    "duration_s", s->duration_s, "seed", (json_int_t)s->seed, "passed",
	    s->passed);
	failures = json_object();
	phases = json_object();
	states = json_object();
	if (root == NULL || failures == NULL || phases == NULL ||
	    states == NULL) {
		json_decref(root);
		json_decref(failures);
		json_decref(phases);
		json_decref(states);
		return NULL;
	}
	json_object_set_new(root, "wlc", json_string(s->wlc ? s->wlc : ""));
	json_object_set_new(root, "wlc_verification",
	    json_string(s->wlc_verify_off ? "off" : "on"));
	if (s->dtls_version != NULL)
		json_object_set_new(
		    root, "dtls_version", json_string(s->dtls_version));
	if (s->ciphers != NULL)
		json_object_set_new(root, "ciphers", json_string(s->ciphers));
	for (int p = 0; p < CS_PHASE__COUNT; p++) {
		json_t *reasons;

		if (s->m->failures_by_phase[p] == 0)
			continue;
		reasons = json_object();
		for (unsigned k = 0; k < s->m->n_reasons[p]; k++)
			json_object_set_new(reasons, s->m->reasons[p][k].reason,
			    json_integer(
			        (json_int_t)s->m->reasons[p][k].count));
		if (s->m->other_reasons[p] > 0)
			json_object_set_new(reasons, "other",
			    json_integer((json_int_t)s->m->other_reasons[p]));
		json_object_set_new(failures, cs_phase_name(p), reasons);
	}
	for (int l = 0; l < CS_LAT__COUNT; l++)
		json_object_set_new(
		    phases, cs_lat_name(l), report_phase(&s->m->lat[l]));
	for (int st = 0; st < CS_AP__COUNT; st++)
		json_object_set_new(
		    states, cs_ap_state_name(st), json_integer(s->states[st]));
	json_object_set_new(root, "failures", failures);
	json_object_set_new(root, "phases", phases);
	json_object_set_new(root, "states", states);
	json_object_set_new(
	    root, "retransmits", json_integer((json_int_t)s->m->retransmits));
	out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return out;
}
