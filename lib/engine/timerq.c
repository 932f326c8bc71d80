/* SPDX-License-Identifier: MIT */
/*
 * Binary min-heap of embedded timer slots; see capsim/timerq.h.  Ordered
 * by (due_ms, tiebreak) so timers armed for the same millisecond fire in
 * the order they were armed, which keeps runs reproducible.
 */
#include "capsim/timerq.h"

#include <errno.h>
#include <stdlib.h>

void
cs_timerq_init(struct cs_timerq *q)
{
	q->heap = NULL;
	q->n = 0;
	q->cap = 0;
	q->seq = 0;
}

void
cs_timerq_free(struct cs_timerq *q)
{
	for (uint32_t i = 0; i < q->n; i++)
		q->heap[i]->idx = 0;
	free(q->heap);
	cs_timerq_init(q);
}

void
cs_tslot_init(struct cs_tslot *s, void *owner, int kind)
{
	s->due_ms = 0;
	s->idx = 0;
	s->tiebreak = 0;
	s->owner = owner;
	s->kind = kind;
}

static bool
tq_less(const struct cs_tslot *a, const struct cs_tslot *b)
{
	if (a->due_ms != b->due_ms)
		return a->due_ms < b->due_ms;
	/* wrapping comparison of arming order */
	return (int32_t)(a->tiebreak - b->tiebreak) < 0;
}

static void
tq_place(struct cs_timerq *q, uint32_t i, struct cs_tslot *s)
{
	q->heap[i] = s;
	s->idx = i + 1;
}

static void
tq_up(struct cs_timerq *q, uint32_t i)
{
	struct cs_tslot *s = q->heap[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (!tq_less(s, q->heap[parent]))
			break;
		tq_place(q, i, q->heap[parent]);
		i = parent;
	}
	tq_place(q, i, s);
}

static void
tq_down(struct cs_timerq *q, uint32_t i)
{
	struct cs_tslot *s = q->heap[i];

	for (;;) {
		uint32_t l = 2 * i + 1, m = i;
		struct cs_tslot *best = s;

		if (l < q->n && tq_less(q->heap[l], best)) {
			m = l;
			best = q->heap[l];
		}
		if (l + 1 < q->n && tq_less(q->heap[l + 1], best)) {
			m = l + 1;
			best = q->heap[l + 1];
		}
		if (m == i)
			break;
		tq_place(q, i, best);
		i = m;
	}
	tq_place(q, i, s);
}

static void
tq_remove_at(struct cs_timerq *q, uint32_t i)
{
	struct cs_tslot *gone = q->heap[i];

	gone->idx = 0;
	q->n--;
	if (i == q->n)
		return;
	tq_place(q, i, q->heap[q->n]);
	if (i > 0 && tq_less(q->heap[i], q->heap[(i - 1) / 2]))
		tq_up(q, i);
	else
		tq_down(q, i);
}

int
cs_timerq_arm(struct cs_timerq *q, struct cs_tslot *s, uint64_t due_ms)
{
	if (q == NULL || s == NULL)
		return -EINVAL;
	if (s->idx != 0) {
		uint32_t i = s->idx - 1;

		s->due_ms = due_ms;
		s->tiebreak = q->seq++;
		if (i > 0 && tq_less(s, q->heap[(i - 1) / 2]))
			tq_up(q, i);
		else
			tq_down(q, i);
		return 0;
	}
	if (q->n == q->cap) {
		uint32_t cap = q->cap ? q->cap * 2 : 64;
		struct cs_tslot **h = realloc(q->heap, cap * sizeof(*h));

		if (h == NULL)
			return -ENOMEM;
		q->heap = h;
		q->cap = cap;
	}
	s->due_ms = due_ms;
	s->tiebreak = q->seq++;
	q->heap[q->n] = s;
	q->n++;
	tq_up(q, q->n - 1);
	return 0;
}

void
cs_timerq_cancel(struct cs_timerq *q, struct cs_tslot *s)
{
	if (q == NULL || s == NULL || s->idx == 0)
		return;
	tq_remove_at(q, s->idx - 1);
}

bool
cs_timerq_next(const struct cs_timerq *q, uint64_t *due_ms)
{
	if (q->n == 0)
		return false;
	*due_ms = q->heap[0]->due_ms;
	return true;
}

struct cs_tslot *
cs_timerq_pop_due(struct cs_timerq *q, uint64_t now_ms)
{
	struct cs_tslot *s;

	if (q->n == 0 || q->heap[0]->due_ms > now_ms)
		return NULL;
	s = q->heap[0];
	tq_remove_at(q, 0);
	return s;
}
