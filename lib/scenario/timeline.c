/* SPDX-License-Identifier: MIT */
/*
 * A scenario's timeline run against a running engine through its public
 * control API (capsim/engine.h): each entry when it is due (rules on and
 * off, link down, NAT, WLC restart and misbehaviour, AP reboots).  The
 * program owns the clock and prints what happened; the embedded WLC's
 * misbehaviour switches change on every shard under its worker lock.
 */
#include "capsim/scenario.h"

#include <errno.h>

#include "capsim/engine.h"
#include "capsim/wlc.h"

struct tl_mb {
	const struct cs_scn_event *ev;
	int r;
};

static void
tl_misbehave_w(void *arg, struct cs_engine *e, unsigned k)
{
	struct tl_mb *t = arg;
	struct cs_wlc *w = cs_engine_wlc_shard(e, k);
	struct cs_wlc_misbehave m;
	int r;

	if (w == NULL)
		return;
	m = *cs_wlc_get_misbehave(w);
	if ((r = cs_scn_misbehave_apply(t->ev, &m)) == 0)
		r = cs_wlc_set_misbehave(w, &m);
	if (r < 0 && t->r == 0)
		t->r = r;
}

int
cs_scn_wlc_misbehave(struct cs_engine *e, const struct cs_scn_event *ev)
{
	struct tl_mb t = { ev, 0 };
	unsigned n = 0;

	if (e == NULL || ev == NULL || ev->action != CS_SCN_ACT_WLC_MISBEHAVE)
		return -EINVAL;
	for (unsigned k = 0; k < cs_engine_workers(e); k++) {
		if (cs_engine_wlc_shard(e, k) == NULL)
			continue;
		cs_engine_with_worker(e, k, tl_misbehave_w, &t);
		n++;
	}
	if (n == 0)
		return -ENOENT;
	return t.r;
}

int
cs_scn_timeline_init(struct cs_scn_timeline *t, const struct cs_scenario *sc,
    struct cs_engine *e, uint64_t seed, cs_scn_done_fn *done, void *ctx)
{
	if (t == NULL || sc == NULL || e == NULL)
		return -EINVAL;
	t->sc = sc;
	t->e = e;
	t->seed = seed;
	t->t0_ms = cs_engine_now_ms(e);
	t->next = 0;
	t->done = done;
	t->ctx = ctx;
	return 0;
}

struct tl_sel {
	const struct cs_scn_event *ev;
	uint64_t seed;
};

static bool
tl_sel(void *ctx, unsigned ap, const uint8_t mac[6])
{
	const struct tl_sel *s = ctx;

	return cs_apsel_match(&s->ev->sel, ap, mac, s->seed);
}

/* Runs one entry on the engine. */
static void
tl_apply(struct cs_scn_timeline *t, const struct cs_scn_event *ev,
    struct cs_scn_done *d)
{
	struct tl_sel sel = { ev, t->seed };

	switch (ev->action) {
	case CS_SCN_ACT_ENABLE:
	case CS_SCN_ACT_DISABLE:
		d->r = cs_engine_rule_enable(
		    t->e, ev->rule_index, ev->action == CS_SCN_ACT_ENABLE);
		break;
	case CS_SCN_ACT_WLC_RESTART:
		d->r = cs_engine_wlc_restart(t->e);
		break;
	case CS_SCN_ACT_AP_REBOOT:
		d->n = cs_engine_ap_reboot(t->e, tl_sel, &sel);
		break;
	case CS_SCN_ACT_LINK_DOWN:
		cs_engine_link_down(t->e, ev->for_ms);
		break;
	case CS_SCN_ACT_NAT_REBIND:
		d->r = cs_engine_nat_rebind(t->e);
		break;
	case CS_SCN_ACT_NAT_EXPIRE:
		d->r = cs_engine_nat_expire(t->e);
		break;
	case CS_SCN_ACT_WLC_MISBEHAVE:
		d->r = cs_scn_wlc_misbehave(t->e, ev);
		break;
	case CS_SCN_ACT_WLC_REQUEST: {
		struct cs_wlc_cmd c;
		int n;

		(void)cs_scn_wlc_request_cmd(ev, &c);
		n = cs_engine_wlc_command(t->e, &c, tl_sel, &sel, &d->busy);
		if (n < 0)
			d->r = n;
		else
			d->n = (unsigned)n;
		break;
	}
	case CS_SCN_ACT__COUNT:
		break;
	}
}

uint64_t
cs_scn_timeline_run(struct cs_scn_timeline *t)
{
	uint64_t now;

	if (t == NULL || t->sc == NULL)
		return UINT64_MAX;
	for (; t->next < t->sc->n_timeline; t->next++) {
		const struct cs_scn_event *ev = &t->sc->timeline[t->next];
		struct cs_scn_done d = { .ev = ev };

		now = cs_engine_now_ms(t->e);
		if (t->t0_ms + ev->at_ms > now)
			return t->t0_ms + ev->at_ms - now;
		d.at_ms = now;
		tl_apply(t, ev, &d);
		if (t->done != NULL)
			t->done(t->ctx, &d);
	}
	return UINT64_MAX;
}
