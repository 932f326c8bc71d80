/* SPDX-License-Identifier: MIT */
/*
 * Timeline actions that act on a running engine through its public
 * control API (capsim/engine.h), so the program only says when: today the
 * embedded WLC's misbehaviour switches (wlc-misbehave), changed on every
 * shard under that shard's worker lock.
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
