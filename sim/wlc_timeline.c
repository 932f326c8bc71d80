/* SPDX-License-Identifier: MIT */
/*
 * `capsim wlc --timeline FILE`: the standalone mock WLC runs the timeline
 * of a scenario file from its own start -- the requests a controller sends
 * on its own (Configuration Update, Reset, Clear Configuration, Data
 * Transfer), its restarts and its misbehaviours -- to whatever WTPs are in
 * Run with it, capsim's or any other RFC 5415 WTP.
 *
 * The standalone WLC does not know capsim's AP numbering, so an entry
 * selects APs by MAC (`to: {macs: [...]}`) or takes every AP in Run;
 * index ranges, `every` and shares are refused when the file is read, as
 * are entries that act on capsim's APs or network (those are `capsim
 * run`'s).
 */
#include "wlc_timeline.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capsim/engine.h"
#include "capsim/wlc.h"

/* Whether `capsim wlc` can run this entry; else why not, in err. */
static bool
wtl_entry_ok(const struct cs_scn_event *ev, char *err, size_t cap)
{
	const struct cs_apsel *sel = &ev->sel;

	switch (ev->action) {
	case CS_SCN_ACT_WLC_RESTART:
	case CS_SCN_ACT_WLC_MISBEHAVE:
		return true;
	case CS_SCN_ACT_WLC_REQUEST:
		if (sel->n_ranges > 0 || sel->every > 0 || sel->has_share) {
			snprintf(err, cap,
			    "wlc-request: select APs by mac (to: {macs: "
			    "[...]}) or leave `to` out for every AP in Run; "
			    "capsim wlc does not know capsim's AP numbering");
			return false;
		}
		return true;
	default:
		snprintf(err, cap,
		    "%s acts on capsim's APs or network, not on the WLC: "
		    "it belongs in `capsim run`; capsim wlc runs "
		    "wlc-request, wlc-misbehave and wlc-restart",
		    cs_scn_act_name(ev->action));
		return false;
	}
}

int
sim_wlc_tl_load(struct sim_wlc_tl *t, const char *path)
{
	struct cs_err err = { 0 };
	char why[256];
	int r;

	memset(t, 0, sizeof(*t));
	if ((r = cs_scenario_load(&t->sc, path, &err)) < 0) {
		if (r == -EINVAL && err.what != NULL)
			fprintf(
			    stderr, "capsim: wlc: --timeline: %s\n", err.what);
		else
			fprintf(stderr,
			    "capsim: wlc: --timeline: cannot read %s: %s\n",
			    path, strerror(-r));
		return -1;
	}
	if (t->sc->n_timeline == 0) {
		fprintf(stderr,
		    "capsim: wlc: --timeline %s: the file has no timeline: "
		    "entries\n",
		    path);
		return -1;
	}
	for (size_t i = 0; i < t->sc->n_timeline; i++) {
		const struct cs_scn_event *ev = &t->sc->timeline[i];

		if (!wtl_entry_ok(ev, why, sizeof(why))) {
			fprintf(stderr,
			    "capsim: wlc: --timeline %s: entry %zu (at %.1f "
			    "s): %s\n",
			    path, i + 1, (double)ev->at_ms / 1000.0, why);
			return -1;
		}
	}
	return 0;
}

/* What an entry did: one line on stderr, as `capsim run` says it. */
static void
wtl_done(void *ctx, const struct cs_scn_done *d)
{
	const struct cs_scn_event *ev = d->ev;
	double at = (double)d->at_ms / 1000.0;
	char mbt[128];

	(void)ctx;
	switch (ev->action) {
	case CS_SCN_ACT_WLC_RESTART:
		fprintf(stderr,
		    "capsim: wlc: %.1f s: restart (timeline): dropping all "
		    "sessions\n",
		    at);
		break;
	case CS_SCN_ACT_WLC_MISBEHAVE:
		fprintf(stderr, "capsim: wlc: %.1f s: %s%s\n", at,
		    cs_scn_misbehave_text(ev, mbt, sizeof(mbt)),
		    d->r < 0 ? " (refused)" : "");
		break;
	case CS_SCN_ACT_WLC_REQUEST:
		fprintf(stderr,
		    "capsim: wlc: %.1f s: %s request sent to %u APs in Run "
		    "(%u busy with another request)\n",
		    at, cs_wlc_cmd_name(ev->cmd.kind), d->n, d->busy);
		break;
	default:
		break;
	}
}

static void
wtl_arm(struct sim_wlc_tl *t, uint64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000),
		(suseconds_t)(ms % 1000) * 1000 };

	evtimer_add(t->timer, &tv);
}

static void
wtl_on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct sim_wlc_tl *t = arg;
	uint64_t ms;

	(void)fd;
	(void)what;
	if ((ms = cs_scn_timeline_run(&t->tl)) != UINT64_MAX)
		wtl_arm(t, ms);
}

static void
wtl_begin(struct sim_wlc_tl *t)
{
	if (cs_scn_timeline_init(&t->tl, t->sc, t->e, t->seed, wtl_done, t) <
	    0) {
		fprintf(stderr, "capsim: wlc: the timeline cannot start\n");
		return;
	}
	fprintf(stderr,
	    "capsim: wlc: %.1f s: timeline of %s starts: %zu "
	    "entries\n",
	    (double)cs_engine_now_ms(t->e) / 1000.0, t->sc->name,
	    t->sc->n_timeline);
	wtl_arm(t, 0); /* the first entries from the loop */
}

/* --timeline-after: polled, 10 times a second, until enough have joined */
static void
wtl_on_wait(evutil_socket_t fd, short what, void *arg)
{
	struct sim_wlc_tl *t = arg;

	(void)fd;
	(void)what;
	if (cs_engine_wlc_active_wtps(t->e) < t->after_run)
		return;
	event_del(t->wait);
	wtl_begin(t);
}

int
sim_wlc_tl_start(struct sim_wlc_tl *t, struct event_base *base,
    struct cs_engine *e, uint64_t seed)
{
	struct timeval tenth = { 0, 100000 };

	if (t->sc == NULL)
		return 0;
	t->e = e;
	t->seed = seed;
	if ((t->timer = evtimer_new(base, wtl_on_timer, t)) == NULL)
		return -1;
	if (t->after_run == 0) {
		wtl_begin(t);
		return 0;
	}
	if ((t->wait = event_new(base, -1, EV_PERSIST, wtl_on_wait, t)) == NULL)
		return -1;
	fprintf(stderr,
	    "capsim: wlc: the timeline of %s starts when %u WTPs have "
	    "joined\n",
	    t->sc->name, t->after_run);
	return event_add(t->wait, &tenth);
}

void
sim_wlc_tl_free(struct sim_wlc_tl *t)
{
	if (t->timer != NULL)
		event_free(t->timer);
	if (t->wait != NULL)
		event_free(t->wait);
	cs_scenario_free(t->sc);
	memset(t, 0, sizeof(*t));
}
