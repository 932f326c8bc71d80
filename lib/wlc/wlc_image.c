/* SPDX-License-Identifier: MIT */
/*
 * The mock controller's image serving (RFC 5415 §9.1) through its download
 * gate: at most image_max_downloads at once and image_starts_per_min
 * starts in any minute (a 9800 starts at most 100 per WNCd, in batches of
 * 16 a minute); APs beyond either wait their turn in arrival order.
 */
#include "wlc-internal.h"

#include <assert.h>
#include <stdio.h>

#define IMG_WINDOW_MS 60000u

int
cs_wlc_img_gate_may(
    const struct cs_wlc_img_gate *g, uint64_t now_ms, uint64_t *wait_ms)
{
	uint64_t oldest;

	*wait_ms = 0;
	if (g->max_active != 0 && g->active >= g->max_active)
		return 0;
	if (g->per_min == 0 || g->n_starts < g->per_min)
		return 1;
	/* the ring is full: the oldest of the last per_min starts must be a
	 * whole window ago */
	oldest = g->starts[g->head];
	if (now_ms >= oldest + IMG_WINDOW_MS)
		return 1;
	*wait_ms = oldest + IMG_WINDOW_MS - now_ms;
	return 0;
}

void
cs_wlc_img_gate_start(struct cs_wlc_img_gate *g, uint64_t now_ms)
{
	g->active++;
	if (g->per_min == 0)
		return;
	assert(g->per_min <= CS_WLC_IMAGE_RATE_MAX);
	if (g->n_starts < g->per_min) {
		g->starts[(g->head + g->n_starts) % g->per_min] = now_ms;
		g->n_starts++;
		return;
	}
	g->starts[g->head] = now_ms;
	g->head = (g->head + 1) % g->per_min;
}

void
cs_wlc_img_gate_end(struct cs_wlc_img_gate *g)
{
	assert(g->active > 0);
	g->active--;
}

uint8_t
cs_wlc_image_at(const struct cs_wlc *w, uint32_t off)
{
	return w->image_data != NULL ? w->image_data[off]
	                             : cs_wlc_image_byte(off);
}

/* The session that has waited longest, or NULL. */
static struct cs_wlc_sess *
image_head(const struct cs_wlc *w)
{
	struct cs_wlc_sess *best = NULL;

	for (struct cs_wlc_sess *s = w->sessions; s != NULL; s = s->next)
		if (s->img_waiting &&
		    (best == NULL || s->img_ticket < best->img_ticket))
			best = s;
	return best;
}

static void
image_start(struct cs_wlc_sess *s, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;
	char mb[18] = "?";

	s->img_waiting = false;
	s->img_active = true;
	s->img_start_ms = now_ms;
	w->ctr.image_waiting--;
	cs_wlc_img_gate_start(&w->img_gate, now_ms);
	w->ctr.images_started++;
	w->ctr.image_active = w->img_gate.active;
	if (w->ctr.image_active > w->ctr.image_active_max)
		w->ctr.image_active_max = w->ctr.image_active;
	if (s->has_mac)
		cs_wlc_fmt_mac(s->mac, mb, sizeof(mb));
	cs_logf(&w->cfg.log, CS_LOG_INFO,
	    "AP %s: image download starts after %llu ms in the queue (%u of "
	    "%u slots busy)",
	    mb, (unsigned long long)(now_ms - s->img_wait_ms),
	    w->img_gate.active, w->img_gate.max_active);
	s->img_off = 0;
	cs_wlc_fsm_image_block(s, now_ms);
}

void
cs_wlc_image_pump(struct cs_wlc *w, uint64_t now_ms)
{
	struct cs_wlc_sess *s;
	uint64_t wait_ms;

	if (now_ms > w->img_now_ms)
		w->img_now_ms = now_ms;
	now_ms = w->img_now_ms;
	while ((s = image_head(w)) != NULL) {
		if (cs_wlc_img_gate_may(&w->img_gate, now_ms, &wait_ms)) {
			image_start(s, now_ms);
			continue;
		}
		/* the start rate holds it back: wake when the window moves;
		 * a full house wakes on the next freed slot */
		if (wait_ms > 0)
			cs_wlc_fsm_arm(s, CS_WLC_T_IMAGE_QUEUE, wait_ms);
		break;
	}
}

void
cs_wlc_image_enqueue(struct cs_wlc_sess *s, uint64_t now_ms)
{
	struct cs_wlc *w = s->w;

	s->img_waiting = true;
	s->img_wait_ms = now_ms;
	s->img_ticket = ++w->img_tickets;
	w->ctr.images_queued++;
	w->ctr.image_waiting++;
	if (w->ctr.image_waiting > w->ctr.image_waiting_max)
		w->ctr.image_waiting_max = w->ctr.image_waiting;
	cs_wlc_image_pump(w, now_ms);
}

static void
image_release(struct cs_wlc_sess *s)
{
	struct cs_wlc *w = s->w;

	if (s->img_waiting) {
		s->img_waiting = false;
		w->ctr.image_waiting--;
	}
	if (s->img_active) {
		s->img_active = false;
		cs_wlc_img_gate_end(&w->img_gate);
		w->ctr.image_active = w->img_gate.active;
	}
}

void
cs_wlc_image_done(struct cs_wlc_sess *s, uint64_t now_ms)
{
	image_release(s);
	cs_wlc_image_pump(s->w, now_ms);
}

void
cs_wlc_image_drop(struct cs_wlc_sess *s, uint64_t now_ms, bool may_start)
{
	struct cs_wlc *w = s->w;

	if (!s->img_waiting && !s->img_active)
		return;
	w->ctr.images_failed++;
	image_release(s);
	/* while the controller is being freed nobody is started */
	if (may_start && !w->in_free)
		cs_wlc_image_pump(w, now_ms);
}
