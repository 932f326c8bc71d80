/* SPDX-License-Identifier: MIT */
/*
 * Timer queue: a binary min-heap of timer slots that live inside their
 * owners (APs, WLC sessions), so a worker with 100 000 APs holds one
 * libevent timer, not one per AP (DESIGN.md "Scale model").  Pure: the
 * caller supplies "now" and asks for due slots.  Arming an armed slot
 * moves it; cancelling an idle slot is a no-op.  O(log n) arm/cancel.
 */
#ifndef CS_TIMERQ_H
#define CS_TIMERQ_H

#include <stdbool.h>
#include <stdint.h>

#include "capsim/common.h"

/* Embedded in the owner; the queue never allocates slots. */
struct cs_tslot {
	uint64_t due_ms;
	uint32_t idx;      /* position in the heap + 1; 0 = not armed */
	uint32_t tiebreak; /* arming order, keeps equal deadlines FIFO */
	void *owner;       /* for the caller's dispatch */
	int kind; /* for the caller's dispatch (which timer of the owner) */
};

struct cs_timerq {
	struct cs_tslot **heap;
	uint32_t n, cap;
	uint32_t seq;
};

CS_API void cs_timerq_init(struct cs_timerq *q);
CS_API void cs_timerq_free(struct cs_timerq *q);
CS_API void cs_tslot_init(struct cs_tslot *s, void *owner, int kind);
static inline bool
cs_tslot_armed(const struct cs_tslot *s)
{
	return s->idx != 0;
}
/* Arms (or re-arms) s to fire at due_ms.  -ENOMEM when the heap cannot
 * grow; the slot is then left as it was. */
CS_API int cs_timerq_arm(
    struct cs_timerq *q, struct cs_tslot *s, uint64_t due_ms);
CS_API void cs_timerq_cancel(struct cs_timerq *q, struct cs_tslot *s);
/* Earliest deadline; false when empty. */
CS_API bool cs_timerq_next(const struct cs_timerq *q, uint64_t *due_ms);
/* Removes and returns one slot due at or before now_ms, or NULL.  The
 * caller dispatches it; the dispatch may re-arm or cancel any slot. */
CS_API struct cs_tslot *cs_timerq_pop_due(struct cs_timerq *q, uint64_t now_ms);

#endif /* CS_TIMERQ_H */
