/* SPDX-License-Identifier: MIT */
/*
 * The packet path's executor (see capsim/path.h): the impairment verdict
 * carried out over the transport below.  Delayed datagrams wait in a
 * binary heap ordered by (due, sequence), so equal delays keep their
 * order.
 */
#include "capsim/path.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/impair.h"
#include "capsim/transport.h"

struct path_delayed {
	uint64_t due_ms, seq;
	struct cs_pkt_meta m; /* pkt points at data; hint NULL */
	uint8_t mac[6];
	uint8_t data[];
};

struct cs_path {
	struct cs_transport t; /* the executor as a transport */
	struct cs_path_cfg cfg;
	uint64_t link_down_until;
	struct cs_path_stats st;
	struct path_delayed **heap;
	size_t n_heap, cap_heap;
	uint64_t seq;
	struct cs_verdict *v; /* large: one per executor */
};

static bool
delayed_before(const struct path_delayed *a, const struct path_delayed *b)
{
	return a->due_ms != b->due_ms ? a->due_ms < b->due_ms : a->seq < b->seq;
}

static void
heap_swap(struct cs_path *p, size_t i, size_t j)
{
	struct path_delayed *x = p->heap[i];

	p->heap[i] = p->heap[j];
	p->heap[j] = x;
}

static int
heap_push(struct cs_path *p, struct path_delayed *d)
{
	size_t i;

	if (p->n_heap == p->cap_heap) {
		size_t cap = p->cap_heap ? p->cap_heap * 2 : 64;
		struct path_delayed **h = realloc(p->heap, cap * sizeof(*h));

		if (h == NULL)
			return -ENOMEM;
		p->heap = h;
		p->cap_heap = cap;
	}
	i = p->n_heap++;
	p->heap[i] = d;
	while (i > 0 && delayed_before(p->heap[i], p->heap[(i - 1) / 2])) {
		heap_swap(p, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return 0;
}

static struct path_delayed *
heap_pop(struct cs_path *p)
{
	struct path_delayed *top = p->heap[0];
	size_t i = 0;

	p->heap[0] = p->heap[--p->n_heap];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < p->n_heap && delayed_before(p->heap[l], p->heap[m]))
			m = l;
		if (r < p->n_heap && delayed_before(p->heap[r], p->heap[m]))
			m = r;
		if (m == i)
			break;
		heap_swap(p, i, m);
		i = m;
	}
	return top;
}

static void
path_out(struct cs_path *p, const struct cs_pkt_meta *m)
{
	if (cs_transport_send(p->cfg.next, m) < 0)
		p->st.send_errors++;
	else
		p->st.passed++;
}

static void
path_later(struct cs_path *p, const struct cs_pkt_meta *m, const uint8_t *pkt,
    size_t len, uint64_t delay_ms)
{
	struct path_delayed *d = malloc(sizeof(*d) + len);

	if (d == NULL) {
		p->st.send_errors++; /* lost, as under memory pressure */
		return;
	}
	d->due_ms = m->now_ms + delay_ms;
	d->seq = p->seq++;
	d->m = *m;
	d->m.hint = NULL;
	if (m->ap_mac != NULL) {
		memcpy(d->mac, m->ap_mac, sizeof(d->mac));
		d->m.ap_mac = d->mac;
	}
	memcpy(d->data, pkt, len);
	d->m.pkt = d->data;
	d->m.len = len;
	if (heap_push(p, d) < 0) {
		free(d);
		p->st.send_errors++;
		return;
	}
	p->st.delayed++;
}

/* cs_impair_release_fn: a held datagram goes on, without more impairment. */
static void
path_release(void *ctx, const struct cs_pkt_meta *m)
{
	path_out(ctx, m);
}

static int
path_tsend(struct cs_transport *t, const struct cs_pkt_meta *m)
{
	return cs_path_send((struct cs_path *)t, m);
}

static const struct cs_transport_ops path_ops = {
	.name = "path",
	.send = path_tsend,
};

int
cs_path_new(struct cs_path **ret, const struct cs_path_cfg *cfg)
{
	struct cs_path *p;

	if (ret == NULL || cfg == NULL || cfg->next == NULL)
		return -EINVAL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -ENOMEM;
	p->t.ops = &path_ops;
	p->cfg = *cfg;
	if (cfg->imp != NULL && (p->v = malloc(sizeof(*p->v))) == NULL) {
		free(p);
		return -ENOMEM;
	}
	*ret = p;
	return 0;
}

void
cs_path_free(struct cs_path *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n_heap; i++)
		free(p->heap[i]);
	free(p->heap);
	free(p->v);
	free(p);
}

struct cs_transport *
cs_path_transport(struct cs_path *p)
{
	return p != NULL ? &p->t : NULL;
}

/* The verdict when the engine could not decide (too long to alter):
 * the datagram passes as it is. */
static void
path_pass(struct cs_verdict *v, const struct cs_pkt_meta *m)
{
	memset(&v->cls, 0, sizeof(v->cls));
	v->kind = CS_VERDICT_PASS;
	v->rule = -1;
	v->why = NULL;
	v->pkt = m->pkt;
	v->len = m->len;
	v->n_deliver = 1;
	v->delay_ms[0] = 0;
}

int
cs_path_send(struct cs_path *p, const struct cs_pkt_meta *m)
{
	struct cs_verdict *v;

	if (p == NULL || m == NULL)
		return -EINVAL;
	if (m->now_ms < p->link_down_until) {
		p->st.link_down_dropped++;
		return 0;
	}
	if (p->cfg.imp == NULL) {
		path_out(p, m);
		return 0;
	}
	v = p->v;
	/* -ENOMEM leaves a PASS verdict; -EINVAL (longer than the engine
	 * alters) passes unaltered */
	if (cs_impair_apply(p->cfg.imp, m, v) == -EINVAL)
		path_pass(v, m);
	if (p->cfg.on_verdict != NULL)
		p->cfg.on_verdict(p->cfg.ctx, m, v);
	switch (v->kind) {
	case CS_VERDICT_DROP:
		p->st.dropped++;
		break;
	case CS_VERDICT_HOLD:
		p->st.held++;
		break;
	case CS_VERDICT_PASS:
		for (unsigned i = 0; i < v->n_deliver; i++) {
			struct cs_pkt_meta out = *m;

			out.pkt = v->pkt;
			out.len = v->len;
			if (v->delay_ms[i] == 0)
				path_out(p, &out);
			else
				path_later(
				    p, &out, v->pkt, v->len, v->delay_ms[i]);
		}
		break;
	}
	if (cs_impair_held(p->cfg.imp) > 0)
		(void)cs_impair_poll(p->cfg.imp, m->now_ms, path_release, p);
	return 0;
}

int
cs_path_poll(struct cs_path *p, uint64_t now_ms)
{
	int n = 0;

	if (p == NULL)
		return -EINVAL;
	while (p->n_heap > 0 && p->heap[0]->due_ms <= now_ms) {
		struct path_delayed *d = heap_pop(p);

		path_out(p, &d->m);
		free(d);
		n++;
	}
	if (p->cfg.imp != NULL && cs_impair_held(p->cfg.imp) > 0) {
		int r = cs_impair_poll(p->cfg.imp, now_ms, path_release, p);

		if (r > 0)
			n += r;
	}
	return n;
}

int
cs_path_next_due(const struct cs_path *p, uint64_t *when_ms)
{
	uint64_t when = UINT64_MAX, held;

	if (p == NULL || when_ms == NULL)
		return -EINVAL;
	if (p->n_heap > 0)
		when = p->heap[0]->due_ms;
	if (p->cfg.imp != NULL && cs_impair_next_due(p->cfg.imp, &held) == 0 &&
	    held < when)
		when = held;
	if (when == UINT64_MAX)
		return -ENOENT;
	*when_ms = when;
	return 0;
}

void
cs_path_link_down(struct cs_path *p, uint64_t until_ms)
{
	if (p != NULL)
		p->link_down_until = until_ms;
}

size_t
cs_path_delayed(const struct cs_path *p)
{
	return p != NULL ? p->n_heap : 0;
}

void
cs_path_each_delayed(const struct cs_path *p, cs_path_each_fn *fn, void *ctx)
{
	if (p == NULL || fn == NULL)
		return;
	for (size_t i = 0; i < p->n_heap; i++)
		fn(ctx, &p->heap[i]->m);
}

void
cs_path_stats(const struct cs_path *p, struct cs_path_stats *out)
{
	if (p != NULL && out != NULL)
		*out = p->st;
}
