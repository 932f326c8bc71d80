/* SPDX-License-Identifier: MIT */
/*
 * The wireless clients of a sharded run (issue 17): each shard's
 * "clients" read back (counts, states, failures by state and reason, the
 * per-phase histograms bucket by bucket, the join window moved onto the
 * run's clock) and summed; every client's facts kept, so that the
 * clients' diagnosis is made again over all of them, as one run would.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/client_metrics.h"
#include "capsim/diagnose_clients.h"
#include "capsim/station.h"
#include "merge-internal.h"
#include "report-internal.h"

static int
mgc_states(struct cs_client_metrics *c, const json_t *states,
    const json_t *failed, const char **why)
{
	for (int s = 0; s < CS_STA__COUNT; s++) {
		const char *n = cs_sta_state_name((enum cs_sta_state)s);
		const json_t *v = json_object_get(states, n);
		uint64_t f = 0;

		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > (json_int_t)MG_MAX_APS * 1000) {
			*why = "\"states\" lacks a station state or one is out "
			       "of range";
			return -EBADMSG;
		}
		c->per_state[s] = json_integer_value(v);
		if (json_object_get(failed, n) != NULL &&
		    mg_uint(failed, n, UINT32_MAX, &f) < 0) {
			*why = "\"failed_by_state\" holds a bad count";
			return -EBADMSG;
		}
		c->failed[s] = f;
	}
	return 0;
}

static int
mgc_reasons(
    struct cs_client_metrics *c, const json_t *reasons, const char **why)
{
	size_t i;
	const json_t *e;

	*why = "\"reasons\" holds an entry that is not {phase, reason, code, "
	       "count}";
	if (!json_is_array(reasons) ||
	    json_array_size(reasons) > CS_CLIENT_MAX_REASONS)
		return -EBADMSG;
	json_array_foreach(reasons, i, e)
	{
		struct cs_client_reason *r = &c->reasons[c->n_reasons];
		const json_t *ph = json_object_get(e, "phase");
		const json_t *rs = json_object_get(e, "reason");
		uint64_t code, count;
		int st;

		if (!json_is_string(ph) || !json_is_string(rs) ||
		    mg_uint(e, "code", UINT32_MAX, &code) < 0 ||
		    mg_uint(e, "count", UINT32_MAX, &count) < 0)
			return -EBADMSG;
		for (st = 0; st < CS_STA__COUNT; st++)
			if (strcmp(json_string_value(ph),
			        cs_sta_state_name((enum cs_sta_state)st)) == 0)
				break;
		if (st == CS_STA__COUNT)
			return -EBADMSG;
		r->phase = (enum cs_sta_state)st;
		/* the text is the key: a longer one than the recorder
		 * keeps cannot have come from it */
		if (json_string_length(rs) >= sizeof(r->reason))
			return -EBADMSG;
		memcpy(r->reason, json_string_value(rs),
		    json_string_length(rs) + 1);
		r->value = (uint32_t)code;
		r->count = count;
		c->n_reasons++;
	}
	return 0;
}

/* One shard's "clients" as a recorder; join times moved by shift_ms. */
static int
mgc_metrics(struct cs_client_metrics *c, const json_t *o, uint64_t shift_ms,
    const char **why)
{
	const json_t *h = json_object_get(o, "histograms");
	const json_t *w = json_object_get(o, "join_window_ms");
	uint64_t v, failed = 0;
	int r;

	*why = "\"clients\", \"joined\" or \"failures_other\" missing or out "
	       "of range";
	if (mg_uint(o, "clients", (uint64_t)MG_MAX_APS * 1000, &c->clients) <
	        0 ||
	    mg_uint(o, "joined", UINT32_MAX, &c->joined) < 0 ||
	    mg_uint(o, "failures_other", UINT32_MAX, &c->reasons_other) < 0)
		return -EBADMSG;
	if (!json_is_object(h) ||
	    !json_is_object(json_object_get(o, "failed_by_state"))) {
		*why = "no \"histograms\" or \"failed_by_state\" (a report of "
		       "`capsim run --shard` has them)";
		return -EBADMSG;
	}
	if ((r = mgc_states(c, json_object_get(o, "states"),
	         json_object_get(o, "failed_by_state"), why)) < 0 ||
	    (r = mgc_reasons(c, json_object_get(o, "reasons"), why)) < 0)
		return r;
	for (int s = 0; s < CS_STA__COUNT; s++)
		failed += c->failed[s];
	if (mg_uint(o, "failed", UINT32_MAX, &v) < 0 || v != failed) {
		*why = "\"failed\" is not the sum of \"failed_by_state\"";
		return -EBADMSG;
	}
	for (int p = 0; p < CS_CLIENT_PH__COUNT; p++) {
		const json_t *ph = json_object_get(h, cs_client_phase_name(p));

		if (!json_is_object(ph)) {
			*why = "\"histograms\" lacks a phase";
			return -EBADMSG;
		}
		cs_hist_free(&c->ph[p]);
		if ((r = cs_merge_hist_from_json(ph, &c->ph[p], why)) < 0)
			return r;
	}
	if (c->joined > 0) {
		const json_t *a = json_array_get(w, 0),
		             *b = json_array_get(w, 1);

		if (!json_is_array(w) || json_array_size(w) != 2 ||
		    !json_is_integer(a) || !json_is_integer(b) ||
		    json_integer_value(a) < 0 ||
		    json_integer_value(b) < json_integer_value(a) ||
		    json_integer_value(b) > (json_int_t)1e12) {
			*why = "\"join_window_ms\" is not [first, last] with "
			       "first <= last";
			return -EBADMSG;
		}
		c->first_join_ms = (uint64_t)json_integer_value(a) + shift_ms;
		c->last_join_ms = (uint64_t)json_integer_value(b) + shift_ms;
	}
	return 0;
}

/* The shard's clients' facts appended to the run's; each must stand on
 * one of the shard's own APs. */
static int
mgc_results(struct cs_merge *m, const struct mg_shard *sh, const json_t *o,
    char *why, size_t len)
{
	struct cs_client_facts *f = NULL, *nf;
	size_t n = 0, bad;
	const char *w = NULL;
	int r;

	r = cs_client_results_from_json(
	    json_object_get(o, "results"), &f, &n, &bad, &w);
	if (r == -EBADMSG) {
		if (bad != SIZE_MAX)
			mg_why(why, len, "%s: clients.results[%zu]: %s",
			    sh->origin, bad, w);
		else
			mg_why(why, len, "%s: clients.%s", sh->origin, w);
		return r;
	}
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (f[i].ap < sh->first_ap ||
		    f[i].ap >= sh->first_ap + sh->n_aps) {
			mg_why(why, len,
			    "%s: clients.results[%zu]: client %s on AP %u, "
			    "not one of the shard's APs %u..%u",
			    sh->origin, i, f[i].name, f[i].ap, sh->first_ap,
			    sh->first_ap + sh->n_aps - 1);
			cs_client_results_free(f, n);
			return -EBADMSG;
		}
	if ((nf = realloc(m->cf, (m->n_cf + n + 1) * sizeof(*nf))) == NULL) {
		cs_client_results_free(f, n);
		return -ENOMEM;
	}
	m->cf = nf;
	memcpy(m->cf + m->n_cf, f, n * sizeof(*f));
	m->n_cf += n;
	free(f); /* the names moved into m->cf */
	return 0;
}

int
mg_clients(struct cs_merge *m, const struct mg_shard *sh, char *why, size_t len)
{
	const json_t *o = json_object_get(sh->root, "clients");
	struct cs_client_metrics c;
	const char *w = NULL;
	int r;

	if (o == NULL)
		return 0;
	if (!json_is_object(o)) {
		mg_why(
		    why, len, "%s: \"clients\" is not an object", sh->origin);
		return -EBADMSG;
	}
	cs_client_metrics_init(&c);
	r = mgc_metrics(&c, o,
	    sh->started_ms > m->start_ms ? sh->started_ms - m->start_ms : 0,
	    &w);
	if (r == -EBADMSG)
		mg_why(why, len, "%s: clients: %s", sh->origin, w);
	if (r == 0)
		r = cs_client_metrics_merge(&m->cm, &c);
	cs_client_metrics_free(&c);
	if (r == 0)
		r = mgc_results(m, sh, o, why, len);
	if (r == 0)
		m->has_clients = true;
	return r;
}

int
mg_clients_finish(struct cs_merge *m)
{
	int r;

	if (!m->has_clients)
		return 0;
	m->s.clients = &m->cm;
	m->s.client_facts = m->cf;
	m->s.n_client_facts = m->n_cf;
	if (m->n_cf == 0)
		return 0;
	if ((r = cs_diagnose_clients(m->cf, m->n_cf, &m->cd)) < 0)
		return r;
	m->has_cd = true;
	m->s.client_diag = &m->cd;
	return 0;
}

void
mg_clients_free(struct cs_merge *m)
{
	cs_client_results_free(m->cf, m->n_cf);
	m->cf = NULL;
	m->n_cf = 0;
	if (m->has_cd)
		cs_client_diagnosis_free(&m->cd);
	cs_client_metrics_free(&m->cm);
}
