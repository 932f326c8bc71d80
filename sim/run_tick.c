/* SPDX-License-Identifier: MIT */
/*
 * `capsim run`'s once-a-second tick: the per-second join series, the
 * progress line on a terminal, and the end of the run for --until-run.
 */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/client_metrics.h"
#include "capsim/engine.h"
#include "capsim/events.h"
#include "capsim/progress.h"
#include "run_ctx.h"

static void
run_snap(struct run_ctx *rc, struct cs_progress_snap *sn)
{
	const struct cs_metrics *m = cs_engine_metrics(rc->e);

	memset(sn, 0, sizeof(*sn));
	sn->t_ms = cs_engine_now_ms(rc->e);
	sn->aps = rc->n_aps;
	cs_engine_ap_states(rc->e, sn->states);
	sn->joins = m->joins;
	for (int p = 0; p < CS_PHASE__COUNT; p++)
		sn->failures[p] = m->failures_by_phase[p];
}

/* --until-run: the run ends at the first tick where every AP is in Run
 * (and, with clients, every client); --duration stays the limit. */
static void
run_until_check(struct run_ctx *rc, const struct cs_progress_snap *now)
{
	struct cs_client_metrics cm;
	bool clients_in = true;

	if (!rc->until_run || now->states[CS_AP_RUN] < rc->n_aps)
		return;
	if (rc->until_clients > 0) {
		clients_in = cs_engine_client_metrics(rc->e, &cm) == 0 &&
		    cm.per_state[CS_STA_RUN] >= 0 &&
		    (uint64_t)cm.per_state[CS_STA_RUN] >= rc->until_clients;
		cs_client_metrics_free(&cm);
	}
	if (!clients_in)
		return;
	if (rc->progress)
		fprintf(stderr, "\n");
	fprintf(stderr,
	    "capsim: run: every AP%s in Run after %.1f s: ending the run "
	    "(--until-run)\n",
	    rc->until_clients > 0 ? " and every client" : "",
	    (double)now->t_ms / 1000.0);
	rc->progress = false;
	event_base_loopbreak(rc->base);
}

/* Once a second: the join series, and the progress line on a terminal. */
void
run_on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct run_ctx *rc = arg;
	struct cs_progress_snap now;
	char line[256];

	(void)fd;
	(void)what;
	run_snap(rc, &now);
	if (rc->n_sec == rc->cap_sec) {
		size_t cap = rc->cap_sec ? rc->cap_sec * 2 : 64;
		uint32_t *v = realloc(rc->joins_per_sec, cap * sizeof(*v));

		if (v != NULL) {
			rc->joins_per_sec = v;
			rc->cap_sec = cap;
		}
	}
	if (rc->n_sec < rc->cap_sec)
		rc->joins_per_sec[rc->n_sec++] =
		    (uint32_t)(now.joins - rc->joins_seen);
	rc->joins_seen = now.joins;
	if (rc->events != NULL)
		cs_events_flush(rc->events);
	if (rc->progress &&
	    cs_progress_line(line, sizeof(line), &now,
	        rc->prev.t_ms || rc->prev.joins ? &rc->prev : NULL) >= 0) {
		struct cs_client_metrics cm;
		char cl[160];

		/* the wireless clients, when the run has some */
		if (cs_engine_client_metrics(rc->e, &cm) == 0 && cm.clients > 0)
			fprintf(stderr, "\r%s | %s\033[K", line,
			    cs_client_metrics_progress(&cm, cl, sizeof(cl)));
		else
			fprintf(stderr, "\r%s\033[K", line);
		cs_client_metrics_free(&cm);
	}
	rc->prev = now;
	run_until_check(rc, &now);
}
