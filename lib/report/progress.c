/* SPDX-License-Identifier: MIT */
/*
 * Live progress line; see capsim/progress.h.  Pure formatting of counts
 * the engine gathered, so the exact text is unit-tested.
 */
#include "capsim/progress.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const progress_state_short[] = {
	[CS_AP_IDLE] = "idle",
	[CS_AP_DISCOVERY] = "disc",
	[CS_AP_SULKING] = "sulk",
	[CS_AP_DTLS_SETUP] = "dtls",
	[CS_AP_JOIN] = "join",
	[CS_AP_IMAGE_DATA] = "image",
	[CS_AP_CONFIGURE] = "config",
	[CS_AP_DATA_CHECK] = "check",
	[CS_AP_RUN] = "run",
	[CS_AP_RESET] = "reset",
	[CS_AP_DTLS_TEARDOWN] = "teardown",
};
_Static_assert(CS_ARRAY_SIZE(progress_state_short) == CS_AP__COUNT,
    "progress_state_short[] out of sync with enum cs_ap_state");

/* snprintf that keeps a running total and never writes past len. */
struct progress_out {
	char *buf;
	size_t len;
	size_t n; /* characters the full line needs so far */
};

static void __attribute__((format(printf, 2, 3)))
progress_put(struct progress_out *o, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(o->n < o->len ? o->buf + o->n : NULL,
	    o->n < o->len ? o->len - o->n : 0, fmt, ap);
	va_end(ap);
	if (r > 0)
		o->n += (size_t)r;
}

void
cs_progress_snap_fill(struct cs_progress_snap *out, uint64_t t_ms, unsigned aps,
    const unsigned states[CS_AP__COUNT], const struct cs_metrics *m)
{
	memset(out, 0, sizeof(*out));
	out->t_ms = t_ms;
	out->aps = aps;
	if (states != NULL)
		memcpy(out->states, states, sizeof(out->states));
	if (m == NULL)
		return;
	out->joins = m->joins;
	out->controller_losses = m->controller_losses;
	out->failovers = m->failovers;
	memcpy(out->failures, m->failures_by_phase, sizeof(out->failures));
}

int
cs_progress_line(char *buf, size_t len, const struct cs_progress_snap *now,
    const struct cs_progress_snap *prev)
{
	struct progress_out o = { buf, len, 0 };
	uint64_t fails = 0, joins, dt_ms;
	double rate;

	if (now == NULL || (buf == NULL && len > 0))
		return -EINVAL;
	if (len > 0)
		buf[0] = '\0';
	progress_put(&o, "%6.1fs  run %u/%u", (double)now->t_ms / 1000.0,
	    now->states[CS_AP_RUN], now->aps);
	for (int st = 0; st < CS_AP__COUNT; st++)
		if (st != CS_AP_RUN && now->states[st] > 0)
			progress_put(&o, "  %s %u", progress_state_short[st],
			    now->states[st]);
	if (prev != NULL && prev->t_ms < now->t_ms &&
	    prev->joins <= now->joins) {
		joins = now->joins - prev->joins;
		dt_ms = now->t_ms - prev->t_ms;
	} else {
		joins = now->joins;
		dt_ms = now->t_ms;
	}
	rate = dt_ms > 0 ? (double)joins * 1000.0 / (double)dt_ms : 0.0;
	for (int p = 0; p < CS_PHASE__COUNT; p++)
		fails += now->failures[p];
	progress_put(
	    &o, "  | %.1f joins/s  fail %llu", rate, (unsigned long long)fails);
	if (fails > 0) {
		const char *sep = " (";

		for (int p = 0; p < CS_PHASE__COUNT; p++) {
			if (now->failures[p] == 0)
				continue;
			progress_put(&o, "%s%s %llu", sep, cs_phase_name(p),
			    (unsigned long long)now->failures[p]);
			sep = ", ";
		}
		progress_put(&o, ")");
	}
	if (now->controller_losses > 0)
		progress_put(&o, "  lost %llu, failed over %llu",
		    (unsigned long long)now->controller_losses,
		    (unsigned long long)now->failovers);
	return o.n > (size_t)INT32_MAX ? -EOVERFLOW : (int)o.n;
}
