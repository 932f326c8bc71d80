/* SPDX-License-Identifier: MIT */
/*
 * Join diagnosis (diagnose.h): classifies each AP from its facts by a
 * fixed list of rules (first match wins, see cs_diagnose_ap), then
 * aggregates over all APs into one code, a summary with numbers and a
 * hint.  The vocabulary follows RFC 5415 (phases, Result Codes §4.6.35),
 * RFC 5246 §7.2 (alert descriptions) and what Cisco controllers and APs
 * log (capwap-facts.md §4.10).
 */
#include "capsim/diagnose.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/dtls.h"
#include "capsim/option43.h"
#include "diagnose-internal.h"

static const char *const diag_names[] = {
	[CS_DIAG_OK] = "ok",
	[CS_DIAG_RETURN_PATH_LOSS] = "return-path-loss",
	[CS_DIAG_FORWARD_PATH_LOSS] = "forward-path-loss",
	[CS_DIAG_NO_CONTROLLER] = "no-controller",
	[CS_DIAG_NAT_NO_RETURN] = "nat-no-return",
	[CS_DIAG_ASYMMETRIC_RETURN] = "asymmetric-return",
	[CS_DIAG_CERT_REJECTED_BY_AP] = "cert-rejected-by-ap",
	[CS_DIAG_CERT_REJECTED_BY_WLC] = "cert-rejected-by-wlc",
	[CS_DIAG_CLOCK_SKEW] = "clock-skew",
	[CS_DIAG_MTU_FRAGMENT_LOSS] = "mtu-fragment-loss",
	[CS_DIAG_NAT_REBINDING] = "nat-rebinding",
	[CS_DIAG_DATA_CHANNEL_BLOCKED] = "data-channel-blocked",
	[CS_DIAG_JOIN_REJECTED] = "join-rejected",
	[CS_DIAG_WLC_CAPACITY] = "wlc-capacity",
	[CS_DIAG_DTLS_MISMATCH] = "dtls-mismatch",
	[CS_DIAG_OPTION43_WRONG] = "option43-wrong",
	[CS_DIAG_WLC_RESTART] = "wlc-restart",
	[CS_DIAG_RETURN_PATH_DELAY] = "return-path-delay",
	[CS_DIAG_CONTROL_ADDR_UNREACH] = "control-address-unreachable",
	[CS_DIAG_CONTROLLER_UNRESPONSIVE] = "controller-unresponsive",
	[CS_DIAG_ECHO_UNANSWERED] = "echo-unanswered",
	[CS_DIAG_DATA_CHANNEL_LATENCY] = "data-channel-latency",
	[CS_DIAG_REQUEST_IGNORED] = "request-ignored",
	[CS_DIAG_CONTROLLER_OVERLOADED] = "controller-overloaded",
	[CS_DIAG_SIM_OVERLOADED] = "simulator-overloaded",
	[CS_DIAG_LOCAL_SEND_ERROR] = "local-send-error",
	[CS_DIAG_RUN_TOO_SHORT] = "run-too-short",
	[CS_DIAG_CONTROLLER_FAILOVER] = "controller-failover",
	[CS_DIAG_DATA_DTLS_FAILED] = "data-dtls-failed",
	[CS_DIAG_MIXED] = "mixed",
	[CS_DIAG_INCONCLUSIVE] = "inconclusive",
};
_Static_assert(CS_ARRAY_SIZE(diag_names) == CS_DIAG__COUNT,
    "diag_names[] out of sync with enum cs_diag_code");

const char *
cs_diag_code_name(enum cs_diag_code c)
{
	if ((unsigned)c >= CS_DIAG__COUNT)
		return NULL;
	return diag_names[c];
}

int
cs_diag_code_parse(const char *word, enum cs_diag_code *out)
{
	if (word == NULL || out == NULL)
		return -EINVAL;
	for (unsigned i = 0; i < CS_DIAG__COUNT; i++) {
		if (strcmp(word, diag_names[i]) == 0) {
			*out = (enum cs_diag_code)i;
			return 0;
		}
	}
	/* the word before "inconclusive" existed */
	if (strcmp(word, "unknown") == 0) {
		*out = CS_DIAG_INCONCLUSIVE;
		return 0;
	}
	return -ENOENT;
}

bool
cs_diag_code_is_self(enum cs_diag_code c)
{
	return c == CS_DIAG_SIM_OVERLOADED || c == CS_DIAG_LOCAL_SEND_ERROR ||
	    c == CS_DIAG_RUN_TOO_SHORT;
}

static const char *const conf_names[] = {
	[CS_DIAG_CONF_LOW] = "low",
	[CS_DIAG_CONF_MEDIUM] = "medium",
	[CS_DIAG_CONF_HIGH] = "high",
};

const char *
cs_diag_conf_name(enum cs_diag_conf c)
{
	if ((unsigned)c >= CS_ARRAY_SIZE(conf_names))
		return NULL;
	return conf_names[c];
}

/* ---------------------------------------------------------------------
 * Growing string (the only allocation of the module).
 */
void
sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->oom || sb->full)
		return;
	for (;;) {
		size_t room = sb->cap - sb->len;

		va_start(ap, fmt);
		n = vsnprintf(sb->p != NULL ? sb->p + sb->len : NULL,
		    sb->p != NULL ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			sb->oom = true;
			return;
		}
		if (sb->p != NULL && (size_t)n < room) {
			sb->len += (size_t)n;
			return;
		}
		if (sb->fixed) { /* truncated; keep it NUL-terminated */
			size_t end = sb->cap > 0 ? sb->cap - 1 : 0, cut = end;

			/* a line cut at a word boundary and marked, never
			 * mid-word ("(3 fai."), when there is room for it */
			if (sb->p != NULL && end >= 8) {
				while (cut > sb->len && sb->p[cut - 1] != ' ')
					cut--;
				while (cut > sb->len && sb->p[cut - 1] == ' ')
					cut--;
				if (cut <= sb->len || cut + 4 > end)
					cut = end - 3;
				else
					sb->p[cut++] = ' ';
				memcpy(sb->p + cut, "...", 4);
				end = cut + 3;
			}
			sb->len = end;
			sb->full = true;
			return;
		}
		size_t want = sb->len + (size_t)n + 1;
		size_t cap = sb->cap ? sb->cap : 256;
		while (cap < want)
			cap *= 2;
		char *np = realloc(sb->p, cap);
		if (np == NULL) {
			sb->oom = true;
			return;
		}
		sb->p = np;
		sb->cap = cap;
	}
}

static char *
sb_take(struct sbuf *sb)
{
	char *p;

	if (!sb->oom && sb->p == NULL)
		sb_printf(sb, "%s", "");
	if (sb->oom) {
		free(sb->p);
		sb->p = NULL;
		return NULL;
	}
	p = sb->p;
	sb->p = NULL;
	return p;
}

/* ---------------------------------------------------------------------
 * Words: one generator for the per-AP line and the aggregate
 * (diagnose_words*.c).
 */

static void
agg_add(struct agg *a, const struct cs_ap_facts *f, const struct verdict *v)
{
	if (a->n++ == 0) {
		a->sample = f;
		a->why = v->why;
		a->conf = v->conf;
	}
	if (v->conf < a->conf)
		a->conf = v->conf;
	for (unsigned i = 0; i < CS_FACTS_SIZE_CLASSES; i++) {
		a->ap_rx[i] += f->ap_rx[i];
		a->wlc_tx[i] += f->wlc_tx[i];
		a->ap_tx[i] += f->ap_tx[i];
		a->wlc_rx[i] += f->wlc_rx[i];
	}
#define AMAX(field)                                                            \
	do {                                                                   \
		if (f->field > a->field)                                       \
			a->field = f->field;                                   \
	} while (0)
	AMAX(disc_req);
	AMAX(disc_resp);
	AMAX(disc_req_after_resp);
	AMAX(ch);
	AMAX(ch_cookie);
	AMAX(hvr);
	AMAX(sh);
	AMAX(cert);
	AMAX(flight_no_sh);
	AMAX(stale_down);
	AMAX(hvr_rtt_max_ms);
	if (f->hvr_matched > 0 &&
	    (a->hvr_matched == 0 || f->hvr_rtt_min_ms < a->hvr_rtt_min_ms))
		a->hvr_rtt_min_ms = f->hvr_rtt_min_ms;
	AMAX(hvr_matched);
	AMAX(ka_up);
	AMAX(ka_down);
	AMAX(runs);
	AMAX(run_lost);
	AMAX(max_up);
	AMAX(max_down);
	AMAX(run_idle_ms);
	AMAX(dtls_delay_max_ms);
	AMAX(ka_delay_max_ms);
	AMAX(disc_delay_max_ms);
	AMAX(post_ch);
	AMAX(post_disc_req);
	AMAX(post_disc_resp);
	AMAX(post_ka_down);
	AMAX(req_sent);
	AMAX(send_err);
	AMAX(ka_down_in_streak);
	AMAX(ka_up_in_streak);
	AMAX(echo_req);
	AMAX(echo_resp);
	AMAX(join_resp);
#undef AMAX
	if (f->echo_streak_max_run > a->echo_streak)
		a->echo_streak = f->echo_streak_max_run;
}

uint32_t
sum_u32(const uint32_t *c)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < CS_FACTS_SIZE_CLASSES; i++)
		n += c[i];
	return n;
}

/* The words of each verdict code, by family (diagnose_words_*.c); a code
 * without its own words (mixed, inconclusive) says what is missing. */
static void (*const words_fn[])(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint) = {
	[CS_DIAG_OK] = diag_words_ok,
	[CS_DIAG_RETURN_PATH_LOSS] = diag_words_return_path_loss,
	[CS_DIAG_FORWARD_PATH_LOSS] = diag_words_forward_path_loss,
	[CS_DIAG_NO_CONTROLLER] = diag_words_no_controller,
	[CS_DIAG_NAT_NO_RETURN] = diag_words_nat_no_return,
	[CS_DIAG_ASYMMETRIC_RETURN] = diag_words_asymmetric_return,
	[CS_DIAG_CERT_REJECTED_BY_AP] = diag_words_cert_rejected_by_ap,
	[CS_DIAG_CERT_REJECTED_BY_WLC] = diag_words_cert_rejected_by_wlc,
	[CS_DIAG_CLOCK_SKEW] = diag_words_clock_skew,
	[CS_DIAG_MTU_FRAGMENT_LOSS] = diag_words_mtu_fragment_loss,
	[CS_DIAG_NAT_REBINDING] = diag_words_nat_rebinding,
	[CS_DIAG_DATA_CHANNEL_BLOCKED] = diag_words_data_channel_blocked,
	[CS_DIAG_JOIN_REJECTED] = diag_words_join_rejected,
	[CS_DIAG_WLC_CAPACITY] = diag_words_wlc_capacity,
	[CS_DIAG_DTLS_MISMATCH] = diag_words_dtls_mismatch,
	[CS_DIAG_OPTION43_WRONG] = diag_words_option43_wrong,
	[CS_DIAG_WLC_RESTART] = diag_words_wlc_restart,
	[CS_DIAG_RETURN_PATH_DELAY] = diag_words_return_path_delay,
	[CS_DIAG_CONTROL_ADDR_UNREACH] = diag_words_control_addr_unreach,
	[CS_DIAG_CONTROLLER_UNRESPONSIVE] = diag_words_controller_unresponsive,
	[CS_DIAG_ECHO_UNANSWERED] = diag_words_echo_unanswered,
	[CS_DIAG_DATA_CHANNEL_LATENCY] = diag_words_data_channel_latency,
	[CS_DIAG_REQUEST_IGNORED] = diag_words_request_ignored,
	[CS_DIAG_CONTROLLER_OVERLOADED] = diag_words_controller_overloaded,
	[CS_DIAG_SIM_OVERLOADED] = diag_words_sim_overloaded,
	[CS_DIAG_LOCAL_SEND_ERROR] = diag_words_local_send_error,
	[CS_DIAG_RUN_TOO_SHORT] = diag_words_run_too_short,
	[CS_DIAG_CONTROLLER_FAILOVER] = diag_words_controller_failover,
	[CS_DIAG_DATA_DTLS_FAILED] = diag_words_data_dtls_failed,
	[CS_DIAG_MIXED] = NULL,
	[CS_DIAG_INCONCLUSIVE] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(words_fn) == CS_DIAG__COUNT,
    "words_fn[] out of sync with enum cs_diag_code");

static void
words(enum cs_diag_code c, const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	if ((unsigned)c < CS_ARRAY_SIZE(words_fn) && words_fn[c] != NULL)
		words_fn[c](a, ctx, sum, hint);
	else
		inconclusive_words(a->sample, a, ctx, sum, hint);
}

enum cs_diag_code
cs_diagnose_ap(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx,
    char *buf, size_t len)
{
	static const struct cs_diag_ctx zero;
	struct sbuf sum = { 0 }, hint = { 0 };
	struct agg a = { 0 };
	struct sent_all all;
	struct verdict v;

	if (ctx == NULL)
		ctx = &zero;
	if (f == NULL) {
		if (buf != NULL && len > 0)
			snprintf(buf, len, "inconclusive: no facts");
		return CS_DIAG_INCONCLUSIVE;
	}
	all.ch = f->ch;
	all.disc_req = f->disc_req;
	v = glob_check(diag_classify(f, ctx), ctx, &all);
	if (buf == NULL || len == 0)
		return v.code;
	agg_add(&a, f, &v);
	sum.p = buf;
	sum.cap = len;
	sum.fixed = true;
	buf[0] = '\0';
	sb_printf(&sum, "%s: ", diag_names[v.code]);
	/* the hint is not part of the one-liner; render it into a scratch
	 * buffer that is thrown away */
	char scratch[8];
	hint.p = scratch;
	hint.cap = sizeof(scratch);
	hint.fixed = true;
	words(v.code, &a, ctx, &sum, &hint);
	return v.code;
}

/* ---------------------------------------------------------------------
 * Aggregate
 */

/* capsim's loop, kernel queues or handshake queue were bad enough to
 * explain timeouts by themselves. */
static bool
self_overloaded(const struct cs_diag_ctx *ctx)
{
	const struct cs_self_health *h = &ctx->self;
	uint32_t wait_dtls = h->wait_dtls_ms ? h->wait_dtls_ms : 60000u;

	if (!ctx->has_self)
		return false;
	return (h->has_lateness &&
	           (h->lateness_p99_ms >= DIAG_SELF_LATE_P99_MS ||
	               h->lateness_max_ms >= DIAG_SELF_LATE_MAX_MS)) ||
	    (h->has_rxq && h->rxq_drops > 0) ||
	    (h->has_hs_queue &&
	        (uint64_t)h->hs_queue_wait_max_ms * 2 >= wait_dtls);
}

/* The controller's handshake latency grew with the load offered to it:
 * at >= 4x the handshakes in flight, the median is >= 3x and >= 250 ms
 * slower (a controller that keeps up answers as fast whatever the load;
 * a network delay does not grow with it). */
static bool
controller_slowed(const struct cs_diag_ctx *ctx)
{
	const struct cs_diag_load *l = &ctx->load;

	return l->has && l->hi_inflight >= 4 * (uint64_t)l->lo_inflight &&
	    l->hi_p50_ms >= 3 * (uint64_t)l->lo_p50_ms &&
	    l->hi_p50_ms >= (uint64_t)l->lo_p50_ms + DIAG_LOAD_SLOWER_MS;
}

/* Verdicts that rest on timing or on something not coming back: an
 * overloaded or mis-routed capsim produces them by itself.  Verdicts
 * read from what a peer said (alerts, Result Codes, certificates,
 * option 43) stand. */
static bool
code_is_timing(enum cs_diag_code c)
{
	switch (c) {
	case CS_DIAG_RETURN_PATH_LOSS:
	case CS_DIAG_FORWARD_PATH_LOSS:
	case CS_DIAG_NO_CONTROLLER:
	case CS_DIAG_NAT_NO_RETURN:
	case CS_DIAG_MTU_FRAGMENT_LOSS:
	case CS_DIAG_NAT_REBINDING:
	case CS_DIAG_DATA_CHANNEL_BLOCKED:
	case CS_DIAG_DATA_DTLS_FAILED:
	case CS_DIAG_RETURN_PATH_DELAY:
	case CS_DIAG_CONTROL_ADDR_UNREACH:
	case CS_DIAG_CONTROLLER_UNRESPONSIVE:
	case CS_DIAG_ECHO_UNANSWERED:
	case CS_DIAG_DATA_CHANNEL_LATENCY:
	case CS_DIAG_REQUEST_IGNORED:
	case CS_DIAG_CONTROLLER_OVERLOADED:
	case CS_DIAG_INCONCLUSIVE:
		return true;
	default:
		return false;
	}
}

/* Nothing came back to this AP at all (a host that cannot send looks
 * exactly like this). */
static bool
nothing_back(const struct cs_ap_facts *f)
{
	return dtls_down(f) == 0 && f->disc_resp == 0 && f->ka_down == 0 &&
	    sum_classes(f->ap_rx) == 0;
}

/* The AP was still waiting for its first Discovery (or had barely
 * started) when the run ended. */
static bool
barely_started(const struct cs_ap_facts *f, const struct verdict *v)
{
	if (v->code != CS_DIAG_INCONCLUSIVE)
		return false;
	/* undecided, never in Run, no failure of its own: the run ended
	 * while it was still on its way */
	return v->why == WHY_NO_TRAFFIC || v->why == WHY_STILL_TRYING ||
	    (f->runs == 0 && f->fail_phase == CS_FACTS_NONE8 &&
	        f->dtls_fail == 0);
}

static struct verdict
aggregate_verdict(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx,
    const struct sent_all *all, bool restart, bool overloaded, bool too_short)
{
	struct verdict v = glob_check(diag_classify(f, ctx), ctx, all);

	if (v.plain_run && restart) {
		v.code = CS_DIAG_WLC_RESTART;
		v.conf = ctx->wlc_restarts > 0 ? CS_DIAG_CONF_HIGH
		                               : CS_DIAG_CONF_MEDIUM;
	}
	if (!ctx->has_self)
		return v;
	/* capsim's own faults first: never blame the network or the
	 * controller for them */
	if ((ctx->self.route_err != 0 || ctx->self.send_errors > 0) &&
	    code_is_timing(v.code) && nothing_back(f) &&
	    (ctx->self.route_err != 0 || f->send_err > 0 ||
	        ctx->self.send_errors >= 1))
		return mkv(
		    CS_DIAG_LOCAL_SEND_ERROR, CS_DIAG_CONF_HIGH, WHY_NONE);
	if (too_short && barely_started(f, &v))
		return mkv(CS_DIAG_RUN_TOO_SHORT, CS_DIAG_CONF_HIGH, WHY_NONE);
	if (overloaded && code_is_timing(v.code))
		return mkv(CS_DIAG_SIM_OVERLOADED, CS_DIAG_CONF_MEDIUM, v.why);
	/* the controller slower the more it is offered: an AP whose
	 * handshake began and did not finish waited for it, if capsim's
	 * loop kept its timers (p99 under 50 ms); between that and
	 * overloaded, capsim's own CPU may be what slowed the handshakes
	 * (both ends of them, with the embedded WLC): undecided */
	if (code_is_timing(v.code) && f->ch > 0 && f->runs == 0 &&
	    controller_slowed(ctx)) {
		if (ctx->self.has_lateness &&
		    ctx->self.lateness_p99_ms >= DIAG_HEALTHY_LATE_P99_MS)
			return mkv(
			    CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, v.why);
		return mkv(
		    CS_DIAG_CONTROLLER_OVERLOADED, CS_DIAG_CONF_MEDIUM, v.why);
	}
	return v;
}

/* The APs of one run, tallied by verdict code. */
struct tally {
	struct agg a[CS_DIAG__COUNT];
	struct sbuf ev[CS_DIAG__COUNT];
	unsigned count[CS_DIAG__COUNT];
	size_t *idx[CS_DIAG__COUNT];
	unsigned looked, affected, known, top_self;
	enum cs_diag_code primary;
	bool oom;
};

/* Pass 1: when did unexplained Run losses happen?  True for a restart. */
static bool
restart_seen(const struct cs_ap_facts *const *aps, size_t n,
    const struct cs_diag_ctx *ctx)
{
	unsigned reached_run = 0, plain_n = 0, plain_forgot = 0;
	uint64_t lost_min = UINT64_MAX, lost_max = 0, window;

	for (size_t i = 0; i < n; i++) {
		const struct cs_ap_facts *f = aps[i];
		struct verdict v;

		if (f == NULL)
			continue;
		v = diag_classify(f, ctx);
		if (f->runs > 0)
			reached_run++;
		if (v.plain_run) {
			uint64_t t = run_lost_at(f);

			plain_n++;
			if (v.why == WHY_WLC_FORGOT)
				plain_forgot++;
			if (t < lost_min)
				lost_min = t;
			if (t > lost_max)
				lost_max = t;
		}
	}
	window = ctx->simultaneous_ms;
	if (window == 0)
		window = 3ull *
		    (ctx->echo_interval_ms ? ctx->echo_interval_ms : 30000u);
	/* a restart: seen live, or from the controller's side (its
	 * capture): several APs, at least half of those that reached Run,
	 * lost Run within the window, the controller received all they sent
	 * and answered nothing, then took every one of them back with a
	 * fresh handshake.  From the APs' side alone a cut that healed looks
	 * the same: not a restart. */
	return ctx->wlc_restarts > 0 ||
	    (plain_n >= 2 && plain_forgot == plain_n &&
	        plain_n * 2 >= reached_run && lost_max - lost_min <= window);
}

/* Pass 2: classify each AP and add it to its code's tally. */
static void
tally_aps(struct tally *t, const struct cs_ap_facts *const *aps, size_t n,
    const struct cs_diag_ctx *ctx, bool restart, bool overloaded,
    bool too_short)
{
	struct sent_all all = { 0, 0 };

	for (size_t i = 0; i < n; i++) {
		if (aps[i] != NULL) {
			all.ch += aps[i]->ch;
			all.disc_req += aps[i]->disc_req;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct cs_ap_facts *f = aps[i];
		struct verdict v;

		if (f == NULL)
			continue;
		t->looked++;
		v = aggregate_verdict(
		    f, ctx, &all, restart, overloaded, too_short);
		if (t->idx[v.code] == NULL && !t->oom) {
			t->idx[v.code] = calloc(n, sizeof(size_t));
			t->oom = t->idx[v.code] == NULL;
		}
		if (t->idx[v.code] != NULL)
			t->idx[v.code][t->count[v.code]] = i;
		t->count[v.code]++;
		agg_add(&t->a[v.code], f, &v);
	}
	t->affected = t->looked - t->count[CS_DIAG_OK];
	t->known = t->affected - t->count[CS_DIAG_INCONCLUSIVE];
}

/* The primary code: the cause most APs have, mixed when none has 80 %
 * of the decided ones. */
static void
pick_primary(struct tally *t)
{
	unsigned n_causes = 0, top = 0;

	t->primary = CS_DIAG_OK;
	for (unsigned c = 0; c < CS_DIAG__COUNT; c++) {
		if (c == CS_DIAG_OK || c == CS_DIAG_INCONCLUSIVE ||
		    t->count[c] == 0)
			continue;
		n_causes++;
		if (t->count[c] > top) {
			top = t->count[c];
			t->primary = (enum cs_diag_code)c;
		}
		if (cs_diag_code_is_self((enum cs_diag_code)c))
			t->top_self += t->count[c];
	}
	if (t->looked == 0) {
		t->primary = CS_DIAG_INCONCLUSIVE;
	} else if (t->affected == 0) {
		t->primary = CS_DIAG_OK;
	} else if (t->known == 0) {
		/* only undecided APs: a few stragglers among APs in Run are
		 * not a failure; never "ok" without an AP that is */
		t->primary = t->count[CS_DIAG_OK] > 0 &&
		        (uint64_t)t->count[CS_DIAG_INCONCLUSIVE] * 20 <=
		            t->looked
		    ? CS_DIAG_OK
		    : CS_DIAG_INCONCLUSIVE;
	} else if (n_causes > 1 &&
	    (uint64_t)top * 10 < (uint64_t)t->known * 8) {
		t->primary = CS_DIAG_MIXED;
	}
}

/* The evidence of each cause: its words without the hint. */
static void
evidence_words(struct tally *t, const struct cs_diag_ctx *ctx)
{
	for (unsigned c = 0; c < CS_DIAG__COUNT; c++) {
		struct sbuf scratch = { 0 };

		if (t->count[c] == 0)
			continue;
		sb_printf(
		    &t->ev[c], "%u AP%s: ", t->count[c], plural(t->count[c]));
		words((enum cs_diag_code)c, &t->a[c], ctx, &t->ev[c], &scratch);
		free(scratch.p);
	}
}

/* The summary and the hint of the run. */
static void
summary_words(const struct tally *t, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	enum cs_diag_code primary = t->primary;
	const unsigned *count = t->count;

	if (primary == CS_DIAG_MIXED) {
		bool first = true;

		sb_printf(sum, "Several causes: ");
		for (unsigned c = 0; c < CS_DIAG__COUNT; c++) {
			if (c == CS_DIAG_OK || count[c] == 0)
				continue;
			sb_printf(sum, "%s%s (%u AP%s)", first ? "" : ", ",
			    diag_names[c], count[c], count[c] == 1 ? "" : "s");
			first = false;
		}
		sb_printf(sum, ".");
		for (unsigned c = 0; c < CS_DIAG__COUNT; c++) {
			if (c == CS_DIAG_OK || c == CS_DIAG_INCONCLUSIVE ||
			    count[c] == 0)
				continue;
			sb_printf(sum, " %s: ", diag_names[c]);
			sb_printf(hint, "%s%s: ", hint->len ? " " : "",
			    diag_names[c]);
			words((enum cs_diag_code)c, &t->a[c], ctx, sum, hint);
		}
	} else if (primary == CS_DIAG_OK) {
		sb_printf(sum, "%u of %u APs joined and in Run",
		    count[CS_DIAG_OK], t->looked);
		if (count[CS_DIAG_INCONCLUSIVE] > 0)
			sb_printf(sum, "; %u still undecided",
			    count[CS_DIAG_INCONCLUSIVE]);
		sb_printf(sum, ".");
		sb_printf(hint, "Nothing to fix.");
	} else if (t->looked == 0) {
		sb_printf(sum, "No AP to look at.");
		sb_printf(hint, "Missing: any AP traffic.");
	} else {
		sb_printf(sum, "%u of %u APs: ", count[primary], t->looked);
		words(primary, &t->a[primary], ctx, sum, hint);
		if (t->affected > count[primary])
			sb_printf(sum, " Others: %u AP%s (%s).",
			    t->affected - count[primary],
			    t->affected - count[primary] == 1 ? "" : "s",
			    count[CS_DIAG_INCONCLUSIVE] ==
			            t->affected - count[primary]
			        ? "undecided"
			        : "other causes");
	}
}

/* capsim's own health, when it was bad.  Where no AP's verdict rests on
 * it (`blamed` false: every AP joined, or failed for a cause read from
 * its peer), it is said as what it was -- capsim set the pace -- not as
 * bad health beside "ok": the report must not contradict itself. */
static void
self_words(const struct cs_diag_ctx *ctx, bool overloaded, bool too_short,
    bool blamed, struct sbuf *self)
{
	if (!ctx->has_self ||
	    !(overloaded || ctx->self.send_errors > 0 ||
	        ctx->self.route_err != 0 || too_short))
		return;
	sb_printf(self,
	    blamed ? "capsim's own health was bad"
	           : "capsim limited the run, no AP failed for it");
	if (overloaded)
		self_text(&ctx->self, self);
	if (ctx->self.send_errors > 0) {
		sb_printf(self, "; %llu send%s failed (",
		    (unsigned long long)ctx->self.send_errors,
		    ctx->self.send_errors == 1 ? "" : "s");
		for (unsigned i = 0; i < CS_SELF_ERRNOS; i++) {
			int err = ctx->self.send_errno[i].err;

			if (err != 0)
				sb_printf(self, "%s%s: %llu", i > 0 ? ", " : "",
				    strerror(err),
				    (unsigned long long)ctx->self.send_errno[i]
				        .count);
		}
		sb_printf(self, ")");
	}
	if (ctx->self.route_err != 0)
		sb_printf(self, "; the route check failed: %s%s%s",
		    strerror(ctx->self.route_err),
		    ctx->self.route_detail[0] ? " " : "",
		    ctx->self.route_detail);
	if (too_short)
		sb_printf(self,
		    "; the run (%llu ms) ended inside the discovery "
		    "window (%u ms)",
		    (unsigned long long)ctx->self.run_ms,
		    (unsigned)ctx->self.discovery_window_ms);
	sb_printf(self, ".");
}

/* The confidence of the run's diagnosis. */
static enum cs_diag_conf
run_confidence(const struct tally *t, const struct cs_diagnosis *out)
{
	enum cs_diag_conf conf;

	if (t->primary == CS_DIAG_MIXED) {
		conf = CS_DIAG_CONF_HIGH;
		for (unsigned c = 0; c < CS_DIAG__COUNT; c++)
			if (c != CS_DIAG_OK && t->count[c] > 0 &&
			    out->conf[c] < conf)
				conf = out->conf[c];
		return conf;
	}
	if (t->primary == CS_DIAG_INCONCLUSIVE || t->looked == 0)
		return CS_DIAG_CONF_LOW;
	return t->a[t->primary].conf;
}

int
cs_diagnose(const struct cs_ap_facts *const *aps, size_t n,
    const struct cs_diag_ctx *ctx, struct cs_diagnosis *out)
{
	static const struct cs_diag_ctx zero;
	struct tally t;
	struct sbuf sum = { 0 }, hint = { 0 }, self = { 0 };
	bool overloaded, too_short, restart;

	if (out == NULL || (aps == NULL && n > 0))
		return -EINVAL;
	if (ctx == NULL)
		ctx = &zero;
	memset(&t, 0, sizeof(t));
	overloaded = self_overloaded(ctx);
	too_short = ctx->has_self && ctx->self.run_ms > 0 &&
	    ctx->self.run_ms < ctx->self.discovery_window_ms;
	restart = restart_seen(aps, n, ctx);
	tally_aps(&t, aps, n, ctx, restart, overloaded, too_short);
	pick_primary(&t);
	evidence_words(&t, ctx);
	summary_words(&t, ctx, &sum, &hint);
	self_words(ctx, overloaded, too_short, t.top_self > 0, &self);

	enum cs_diag_code primary = t.primary;
	bool self_bad = t.top_self > 0, oom = t.oom;
	char *s = sb_take(&sum), *h = sb_take(&hint);
	char *e[CS_DIAG__COUNT] = { 0 };
	char *st = self.len > 0 ? sb_take(&self) : NULL;

	for (unsigned c = 0; c < CS_DIAG__COUNT; c++) {
		if (t.count[c] == 0)
			continue;
		e[c] = sb_take(&t.ev[c]);
		if (e[c] == NULL)
			oom = true;
	}
	if (s == NULL || h == NULL || oom || (self.len > 0 && st == NULL)) {
		free(s);
		free(h);
		free(st);
		free(self.p);
		for (unsigned c = 0; c < CS_DIAG__COUNT; c++) {
			free(e[c]);
			free(t.ev[c].p);
			free(t.idx[c]);
		}
		return -ENOMEM;
	}
	memset(out, 0, sizeof(*out));
	out->primary = primary;
	out->code = diag_names[primary];
	out->summary = s;
	out->hint = h;
	out->aps = t.looked;
	out->aps_affected = t.affected;
	memcpy(out->count, t.count, sizeof(t.count));
	for (unsigned c = 0; c < CS_DIAG__COUNT; c++) {
		out->ap_idx[c] = t.idx[c];
		out->cause_evidence[c] = e[c];
		out->conf[c] = t.count[c] > 0 ? t.a[c].conf : CS_DIAG_CONF_LOW;
	}
	out->confidence = run_confidence(&t, out);
	out->evidence = primary == CS_DIAG_MIXED
	    ? NULL
	    : strdup(e[primary] != NULL ? e[primary] : "no AP facts");
	if (primary != CS_DIAG_MIXED && out->evidence == NULL) {
		cs_diagnosis_free(out);
		return -ENOMEM;
	}
	out->self_bad = self_bad;
	out->self_text = st;
	return 0;
}

void
cs_diagnosis_free(struct cs_diagnosis *d)
{
	if (d == NULL)
		return;
	free(d->summary);
	free(d->hint);
	free(d->evidence);
	free(d->self_text);
	d->summary = NULL;
	d->hint = NULL;
	d->evidence = NULL;
	d->self_text = NULL;
	for (unsigned c = 0; c < CS_DIAG__COUNT; c++) {
		free(d->ap_idx[c]);
		free(d->cause_evidence[c]);
		d->ap_idx[c] = NULL;
		d->cause_evidence[c] = NULL;
	}
}

/* ---------------------------------------------------------------------
 * AP name ranges
 */

/* Splits "capsim-ap-00012" into prefix length 10, number 12, width 5;
 * false when the name does not end in digits. */
static bool
name_num(const char *s, size_t *plen, unsigned long *num, size_t *width)
{
	size_t len = strlen(s), i = len;

	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
		i--;
	if (i == len || len - i > 9)
		return false;
	*plen = i;
	*width = len - i;
	*num = strtoul(s + i, NULL, 10);
	return true;
}

int
cs_diag_names_compress(
    const char *const *names, size_t n, size_t max_items, char *buf, size_t len)
{
	struct sbuf sb = { 0 };
	size_t items = 0, i = 0;
	size_t need = 0;

	if ((names == NULL && n > 0) || (buf == NULL && len > 0))
		return -EINVAL;
	sb.p = buf;
	sb.cap = len;
	sb.fixed = true;
	if (len > 0)
		buf[0] = '\0';
	while (i < n) {
		const char *s = names[i] != NULL ? names[i] : "?";
		size_t plen, width, j = i + 1;
		unsigned long num;
		char item[160];

		if (name_num(s, &plen, &num, &width)) {
			/* extend while the next name continues the run */
			while (j < n && names[j] != NULL) {
				size_t p2, w2;
				unsigned long n2;

				if (!name_num(names[j], &p2, &n2, &w2) ||
				    p2 != plen || w2 != width ||
				    strncmp(names[j], s, plen) != 0 ||
				    n2 != num + (j - i))
					break;
				j++;
			}
		}
		if (j - i >= 2)
			snprintf(item, sizeof(item), "%s..%s", s,
			    names[j - 1] + plen);
		else
			snprintf(item, sizeof(item), "%s", s);
		if (max_items > 0 && items == max_items) {
			size_t rest = n - i;

			need +=
			    (size_t)snprintf(NULL, 0, ",... (%zu more)", rest);
			sb_printf(&sb, ",... (%zu more)", rest);
			break;
		}
		need += strlen(item) + (items > 0 ? 1 : 0);
		sb_printf(&sb, "%s%s", items > 0 ? "," : "", item);
		items++;
		i = j;
	}
	return need > INT32_MAX ? INT32_MAX : (int)need;
}
