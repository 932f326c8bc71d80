/* SPDX-License-Identifier: MIT */
/*
 * Expectations of a scenario ("joined >= 99%", "phase.dtls.p95 < 2s",
 * "failures{phase=dtls-handshake} == 0", "diagnosis == return-path-loss"):
 * parsed and checked against the metric vocabulary when the file is
 * loaded, so a typo fails before a long run, and evaluated afterwards
 * against values the caller supplies.
 */
#include "capsim/scenario.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/diagnose.h"
#include "capsim/diagnose_clients.h"
#include "capsim/metrics.h"
#include "capsim/roles.h"
#include "scenario-internal.h"

/* What a metric measures, which decides the values it compares with. */
enum exp_class {
	EXP_AP_COUNT,     /* a number of APs: plain numbers or % of the APs */
	EXP_COUNT,        /* any other count: plain numbers */
	EXP_LATENCY,      /* milliseconds: durations or plain numbers (ms) */
	EXP_WORD,         /* a word: == / != only */
	EXP_CLIENT_COUNT, /* a number of clients: numbers or % of them */
	EXP_CLIENT_WORD,  /* the clients' diagnosis code: == / != only */
};

static const struct {
	const char *name;
	enum exp_class cls;
	bool has_sub; /* takes .something after it */
} exp_roots[] = {
	{ "aps", EXP_AP_COUNT, false }, { "joined", EXP_AP_COUNT, false },
	{ "in_run", EXP_AP_COUNT, false }, { "failed", EXP_AP_COUNT, false },
	{ "failures", EXP_AP_COUNT, false }, { "joins", EXP_COUNT, false },
	{ "left_run", EXP_COUNT, false }, { "retransmits", EXP_COUNT, false },
	{ "phase", EXP_LATENCY, true }, { "diagnosis", EXP_WORD, false },
	{ "rule", EXP_COUNT, true }, { "wlc", EXP_COUNT, true },
	{ "nat", EXP_COUNT, true },
	{ "clients", EXP_CLIENT_COUNT, false }, /* sub-metrics below */
	{ "client", EXP_LATENCY, true },        /* client.phase.P.STAT */
};

static const char *const exp_root_words[] = { "aps", "joined", "in_run",
	"failed", "failures", "joins", "left_run", "retransmits", "phase",
	"diagnosis", "rule", "wlc", "nat", "clients", "client", NULL };

/* clients.SUB (issue 14): counts of wireless clients, and their rate */
static const char *const exp_client_subs[] = { "joined", "failed", "in_run",
	"joined_per_s", "diagnosis", NULL };
static const char *const exp_client_phases[] = { "assoc", "l2auth", "dhcp",
	"arp", "total", NULL };

static const char *const exp_stats[] = { "p50", "p90", "p95", "p99", "min",
	"max", "mean", "count", NULL };

static const char *const exp_rule_fields[] = { "matched", "dropped", "delayed",
	"duplicated", "corrupted", "truncated", "held", "released", NULL };

static const char *const op_text[] = { ">=", "<=", "==", "!=", "<", ">" };

CS_API const char *
cs_expect_op_name(enum cs_expect_op op)
{
	return (unsigned)op < CS_ARRAY_SIZE(op_text) ? op_text[op] : NULL;
}

static bool
exp_metric_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

static bool
exp_in(const char *w, size_t n, const char *const *list)
{
	for (size_t i = 0; list[i] != NULL; i++)
		if (strlen(list[i]) == n && strncmp(list[i], w, n) == 0)
			return true;
	return false;
}

static int exp_fail(struct cs_err *err, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
exp_fail(struct cs_err *err, size_t off, const char *fmt, ...)
{
	char msg[SCN_ERRBUF_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return scn_err_fmt(err, -EINVAL, off, "%s", msg);
}

/* "in-run" and "left-run" are accepted for the underscore forms. */
static void
exp_canon_root(char *m)
{
	if (strncmp(m, "in-run", 6) == 0 || strncmp(m, "left-run", 8) == 0)
		*strchr(m, '-') = '_';
}

/* A diagnosis code as a word: known to this capsim, or -EINVAL naming
 * the closest one. */
static int
exp_check_code(const char *w, size_t n, size_t off, struct cs_err *err)
{
	const char *names[CS_DIAG__COUNT + 1], *hint;
	char word[48], list[320];
	enum cs_diag_code c;
	size_t o = 0;

	if (n >= sizeof(word))
		n = sizeof(word) - 1;
	memcpy(word, w, n);
	word[n] = '\0';
	if (cs_diag_code_parse(word, &c) == 0)
		return 0;
	for (int k = 0; k < CS_DIAG__COUNT; k++)
		names[k] = cs_diag_code_name((enum cs_diag_code)k);
	names[CS_DIAG__COUNT] = NULL;
	list[0] = '\0';
	for (int k = 0; k < CS_DIAG__COUNT && names[k] != NULL; k++) {
		int nw = snprintf(list + o, sizeof(list) - o, "%s%s",
		    k == 0 ? "" : ", ", names[k]);

		if (nw < 0 || (size_t)nw >= sizeof(list) - o)
			break;
		o += (size_t)nw;
	}
	hint = scn_suggest(word, names);
	return exp_fail(err, off,
	    "unknown diagnosis '%s'%s%s%s; diagnoses are %s", word,
	    hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "",
	    list);
}

/*
 * diagnosis.aps (APs the diagnosis is about) and
 * diagnosis{cause=CODE}.aps (APs whose own diagnosis is CODE).
 */
static int
exp_check_diagnosis(const char *m, size_t base, struct cs_err *err)
{
	const char *p = m + strlen("diagnosis");
	int r;

	if (*p == '{') {
		const char *lab = p + 1, *end = strchr(lab, '}');

		if (end == NULL || strncmp(lab, "cause=", 6) != 0 ||
		    end == lab + 6)
			return exp_fail(err, base + (size_t)(p - m),
			    "expected diagnosis{cause=CODE}.aps, e.g. "
			    "diagnosis{cause=return-path-loss}.aps == 6");
		if ((r = exp_check_code(lab + 6, (size_t)(end - lab - 6),
		         base + (size_t)(lab + 6 - m), err)) < 0)
			return r;
		p = end + 1;
	}
	if (strcmp(p, ".aps") != 0)
		return exp_fail(err, base + (size_t)(p - m),
		    "expected diagnosis.aps or diagnosis{cause=CODE}.aps (a "
		    "number of APs); the diagnosis itself compares as "
		    "diagnosis == CODE");
	return EXP_AP_COUNT;
}

/*
 * Checks the metric path m (labels included) against the vocabulary.
 * Returns its class or -EINVAL (err filled, offsets relative to m + base).
 */
/* A clients' diagnosis code (capsim/diagnose_clients.h), or -EINVAL
 * listing them. */
static int
exp_check_client_code(const char *w, size_t off, struct cs_err *err)
{
	const char *names[CS_CDIAG__COUNT + 1], *hint;

	for (int k = 0; k < CS_CDIAG__COUNT; k++) {
		names[k] = cs_cdiag_code_name((enum cs_cdiag_code)k);
		if (strcmp(w, names[k]) == 0)
			return 0;
	}
	names[CS_CDIAG__COUNT] = NULL;
	hint = scn_suggest(w, names);
	return exp_fail(err, off,
	    "unknown client diagnosis '%s'%s%s%s; they are ok, wrong-psk, "
	    "association-refused, dhcp-unanswered, gateway-unreachable, "
	    "data-path-mtu, no-data-channel, mixed, inconclusive",
	    w, hint ? " (did you mean '" : "", hint ? hint : "",
	    hint ? "'?)" : "");
}

/* clients, clients.{joined,failed,in_run,joined_per_s,diagnosis} and
 * client.phase.{assoc,l2auth,dhcp,arp,total}.STAT (issue 14). */
static int
exp_check_client(
    const char *m, const char *root, size_t base, struct cs_err *err)
{
	const char *dot = strchr(m, '.'), *p, *d2;

	if (strchr(m, '{') != NULL)
		return exp_fail(err, base + (size_t)(strchr(m, '{') - m),
		    "%s takes no {labels}", root);
	if (strcmp(root, "clients") == 0) {
		if (dot == NULL)
			return EXP_CLIENT_COUNT;
		if (!exp_in(dot + 1, strlen(dot + 1), exp_client_subs))
			return exp_fail(err, base + (size_t)(dot + 1 - m),
			    "expected clients.SUB with SUB one of joined, "
			    "failed, in_run, joined_per_s, diagnosis");
		if (strcmp(dot + 1, "diagnosis") == 0)
			return EXP_CLIENT_WORD;
		return strcmp(dot + 1, "joined_per_s") == 0 ? EXP_COUNT
		                                            : EXP_CLIENT_COUNT;
	}
	if (dot == NULL || strncmp(dot + 1, "phase.", 6) != 0)
		return exp_fail(err, base + (dot ? (size_t)(dot + 1 - m) : 6),
		    "expected client.phase.PHASE.STAT, e.g. "
		    "client.phase.dhcp.p99");
	p = dot + 7;
	d2 = strchr(p, '.');
	if (d2 == NULL || !exp_in(p, (size_t)(d2 - p), exp_client_phases))
		return exp_fail(err, base + (size_t)(p - m),
		    "expected client.phase.PHASE.STAT with PHASE one of "
		    "assoc, l2auth, dhcp, arp, total");
	if (!exp_in(d2 + 1, strlen(d2 + 1), exp_stats))
		return exp_fail(err, base + (size_t)(d2 + 1 - m),
		    "expected a statistic: p50, p90, p95, p99, min, max, "
		    "mean, count");
	return strcmp(d2 + 1, "count") == 0 ? EXP_COUNT : EXP_LATENCY;
}

static int
exp_check_metric(const char *m, size_t base, struct cs_err *err)
{
	const char *dot = strchr(m, '.'), *brace = strchr(m, '{'), *hint;
	size_t rn = strcspn(m, ".{");
	char root[32];
	size_t i;

	if (rn >= sizeof(root))
		rn = sizeof(root) - 1;
	memcpy(root, m, rn);
	root[rn] = '\0';
	for (i = 0; i < CS_ARRAY_SIZE(exp_roots); i++)
		if (strcmp(root, exp_roots[i].name) == 0)
			break;
	if (i == CS_ARRAY_SIZE(exp_roots)) {
		hint = scn_suggest(root, exp_root_words);
		return exp_fail(err, base,
		    "unknown metric '%s'%s%s%s; metrics are aps, joined, "
		    "in_run, failed, failures, failures{phase=P}, joins, "
		    "left_run, retransmits, phase.PHASE.STAT, diagnosis, "
		    "diagnosis{cause=CODE}.aps, rule.NAME.COUNTER, "
		    "wlc.COUNTER, nat.COUNTER, clients, clients.SUB, "
		    "client.phase.PHASE.STAT",
		    root, hint ? " (did you mean '" : "", hint ? hint : "",
		    hint ? "'?)" : "");
	}
	if (strcmp(root, "diagnosis") == 0 && (brace != NULL || dot != NULL))
		return exp_check_diagnosis(m, base, err);
	if (strcmp(root, "clients") == 0 || strcmp(root, "client") == 0)
		return exp_check_client(m, root, base, err);
	if (brace != NULL && strcmp(root, "failures") != 0)
		return exp_fail(err, base + (size_t)(brace - m),
		    "only failures and diagnosis take {labels}, e.g. "
		    "failures{phase=dtls-handshake}");
	if (brace != NULL) {
		/* failures{phase=P} or failures{reason=TEXT} */
		const char *lab = brace + 1, *eq = strchr(lab, '='),
		           *end = strchr(lab, '}');

		if (eq == NULL || end == NULL || eq > end || end[1] != '\0')
			return exp_fail(err, base + (size_t)(brace - m),
			    "expected {phase=PHASE} or {reason=TEXT}");
		if ((size_t)(eq - lab) == 5 && strncmp(lab, "phase", 5) == 0) {
			const char *ph = eq + 1;
			size_t n = (size_t)(end - ph);
			const char *names[CS_PHASE__COUNT + 1];

			for (int k = 0; k < CS_PHASE__COUNT; k++)
				names[k] = cs_phase_name((enum cs_phase)k);
			names[CS_PHASE__COUNT] = NULL;
			if (!exp_in(ph, n, names))
				return exp_fail(err, base + (size_t)(ph - m),
				    "unknown phase '%.*s'; phases are dhcp, "
				    "discovery, dtls-handshake, join, image, "
				    "configure, data-check, run",
				    (int)(n > 40 ? 40 : n), ph);
		} else if (!((size_t)(eq - lab) == 6 &&
		               strncmp(lab, "reason", 6) == 0) ||
		    end == eq + 1) {
			return exp_fail(err, base + (size_t)(lab - m),
			    "expected {phase=PHASE} or {reason=TEXT}");
		}
		return EXP_AP_COUNT;
	}
	if (!exp_roots[i].has_sub) {
		if (dot != NULL)
			return exp_fail(err, base + (size_t)(dot - m),
			    "'%s' has no sub-metrics", root);
		return (int)exp_roots[i].cls;
	}
	if (dot == NULL || dot[1] == '\0')
		return exp_fail(err, base + rn,
		    "'%s' needs a sub-metric, e.g. %s", root,
		    strcmp(root, "phase") == 0      ? "phase.dtls.p95"
		        : strcmp(root, "rule") == 0 ? "rule.NAME.dropped"
		                                    : "wlc.join_ok");
	if (strcmp(root, "phase") == 0) {
		const char *lat = dot + 1, *d2 = strchr(lat, '.');
		const char *lats[CS_LAT__COUNT + 1];

		for (int k = 0; k < CS_LAT__COUNT; k++)
			lats[k] = cs_lat_name((enum cs_lat)k);
		lats[CS_LAT__COUNT] = NULL;
		if (d2 == NULL || !exp_in(lat, (size_t)(d2 - lat), lats))
			return exp_fail(err, base + (size_t)(lat - m),
			    "expected phase.PHASE.STAT with PHASE one of "
			    "discovery, dtls, join, image, configure, "
			    "data-check, total (e.g. phase.dtls.p95)");
		if (!exp_in(d2 + 1, strlen(d2 + 1), exp_stats))
			return exp_fail(err, base + (size_t)(d2 + 1 - m),
			    "expected a statistic: p50, p90, p95, p99, min, "
			    "max, mean, count");
		/* count is a number of samples, not a latency */
		if (strcmp(d2 + 1, "count") == 0)
			return EXP_COUNT;
		return EXP_LATENCY;
	}
	if (strcmp(root, "rule") == 0) {
		const char *last = strrchr(m, '.');

		if (last == dot ||
		    !exp_in(last + 1, strlen(last + 1), exp_rule_fields))
			return exp_fail(err, base + (size_t)(last + 1 - m),
			    "expected rule.NAME.COUNTER with COUNTER one of "
			    "matched, dropped, delayed, duplicated, "
			    "corrupted, truncated, held, released");
	}
	return (int)exp_roots[i].cls;
}

/* Kind of a value word: NUMBER, PERCENT, DURATION or WORD. */
static int
exp_value(const char *v, struct cs_expect *e, size_t off, struct cs_err *err)
{
	size_t n = strlen(v);
	const char *why;
	double d;
	int64_t ms;

	if (n == 0)
		return exp_fail(
		    err, off, "expected a value after the operator");
	if (v[n - 1] == '%') {
		if (scn_parse_percent(v, &d, &why) < 0)
			return exp_fail(err, off, "%s; got '%s'", why, v);
		e->kind = CS_EXPV_PERCENT;
		e->value = d * 100.0;
		return 0;
	}
	if (scn_parse_number(v, &d, &why) == 0) {
		e->kind = CS_EXPV_NUMBER;
		e->value = d;
		return 0;
	}
	if ((v[0] >= '0' && v[0] <= '9') || v[0] == '-' || v[0] == '.') {
		if (scn_parse_duration(v, false, &ms, &why) < 0)
			return exp_fail(err, off,
			    "expected a number, a percentage (99%%) or a "
			    "duration (2s): %s; got '%s'",
			    why, v);
		e->kind = CS_EXPV_DURATION;
		e->value = (double)ms;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (!exp_metric_char(v[i]) || v[i] == '.')
			return exp_fail(err, off + i,
			    "expected a number, a percentage, a duration or "
			    "a word; got '%s'",
			    v);
	e->kind = CS_EXPV_WORD;
	e->word = strdup(v);
	if (e->word == NULL)
		return scn_err_fmt(err, -ENOMEM, off, "out of memory");
	return 0;
}

/* The end of the metric that starts at s, selector included
 * ("diagnosis{cause=CODE}.aps"). */
static const char *
exp_metric_end(const char *s)
{
	while (exp_metric_char(*s))
		s++;
	if (*s != '{')
		return s;
	while (*s != '\0' && *s != '}')
		s++;
	if (*s == '}')
		s++;
	while (exp_metric_char(*s))
		s++;
	return s;
}

CS_API int
cs_expect_parse(struct cs_expect *out, const char *text, struct cs_err *err)
{
	struct cs_expect e;
	const char *s, *ms, *os, *vs;
	size_t mlen, vlen, oplen = 0;
	char vbuf[128];
	int cls, r;
	int op = -1;

	if (out == NULL || text == NULL)
		return scn_err_fmt(err, -EINVAL, 0, "invalid arguments");
	memset(&e, 0, sizeof(e));
	s = text;
	while (*s == ' ' || *s == '\t')
		s++;
	ms = s;
	s = exp_metric_end(s);
	mlen = (size_t)(s - ms);
	if (mlen == 0)
		return exp_fail(err, (size_t)(ms - text),
		    "expected METRIC OP VALUE, e.g. joined >= 99%% or "
		    "phase.dtls.p95 < 2s");
	while (*s == ' ' || *s == '\t')
		s++;
	os = s;
	for (int i = 0; i < (int)CS_ARRAY_SIZE(op_text); i++) {
		size_t n = strlen(op_text[i]);

		if (strncmp(s, op_text[i], n) == 0 && n > oplen) {
			op = i;
			oplen = n;
		}
	}
	if (op < 0)
		return exp_fail(err, (size_t)(os - text),
		    "expected an operator (>=, <=, ==, !=, <, >) after "
		    "'%.*s'",
		    (int)(mlen > 60 ? 60 : mlen), ms);
	s += oplen;
	while (*s == ' ' || *s == '\t')
		s++;
	vs = s;
	vlen = strlen(vs);
	while (vlen > 0 && (vs[vlen - 1] == ' ' || vs[vlen - 1] == '\t'))
		vlen--;
	if (vlen >= sizeof(vbuf))
		return exp_fail(err, (size_t)(vs - text), "value too long");
	memcpy(vbuf, vs, vlen);
	vbuf[vlen] = '\0';
	if (strpbrk(vbuf, " \t") != NULL)
		return exp_fail(err, (size_t)(vs - text),
		    "one value after the operator; got '%s'", vbuf);

	e.metric = malloc(mlen + 1);
	e.text = strdup(text);
	if (e.metric == NULL || e.text == NULL) {
		r = scn_err_fmt(err, -ENOMEM, 0, "out of memory");
		goto fail;
	}
	memcpy(e.metric, ms, mlen);
	e.metric[mlen] = '\0';
	exp_canon_root(e.metric);
	cls = exp_check_metric(e.metric, (size_t)(ms - text), err);
	if (cls < 0) {
		r = cls;
		goto fail;
	}
	e.op = (enum cs_expect_op)op;
	if ((r = exp_value(vbuf, &e, (size_t)(vs - text), err)) < 0)
		goto fail;

	r = -EINVAL;
	switch ((enum exp_class)cls) {
	case EXP_WORD:
		if (e.kind != CS_EXPV_WORD ||
		    (e.op != CS_EXP_EQ && e.op != CS_EXP_NE)) {
			exp_fail(err, (size_t)(ms - text),
			    "%s compares with == or != and a word, e.g. "
			    "diagnosis == return-path-loss",
			    e.metric);
			goto fail;
		}
		/* a misspelt code would never match and never say why */
		if ((r = exp_check_code(
		         e.word, strlen(e.word), (size_t)(vs - text), err)) < 0)
			goto fail;
		r = -EINVAL;
		break;
	case EXP_CLIENT_WORD:
		if (e.kind != CS_EXPV_WORD ||
		    (e.op != CS_EXP_EQ && e.op != CS_EXP_NE)) {
			exp_fail(err, (size_t)(ms - text),
			    "%s compares with == or != and a word, e.g. "
			    "clients.diagnosis == wrong-psk",
			    e.metric);
			goto fail;
		}
		if ((r = exp_check_client_code(
		         e.word, (size_t)(vs - text), err)) < 0)
			goto fail;
		r = -EINVAL;
		break;
	case EXP_AP_COUNT:
	case EXP_CLIENT_COUNT:
	case EXP_COUNT:
		if (e.kind == CS_EXPV_WORD || e.kind == CS_EXPV_DURATION) {
			exp_fail(err, (size_t)(vs - text),
			    "%s is a count: compare it with a number%s; got "
			    "'%s'",
			    e.metric,
			    cls == EXP_AP_COUNT ? " or a percentage of the APs"
			        : cls == EXP_CLIENT_COUNT
			        ? " or a percentage of the "
			          "clients"
			        : "",
			    vbuf);
			goto fail;
		}
		if (e.kind == CS_EXPV_PERCENT && cls == EXP_COUNT) {
			exp_fail(err, (size_t)(vs - text),
			    "a percentage is of the AP count; %s is not a "
			    "number of APs (use a plain number)",
			    e.metric);
			goto fail;
		}
		break;
	case EXP_LATENCY:
		if (e.kind == CS_EXPV_WORD || e.kind == CS_EXPV_PERCENT) {
			exp_fail(err, (size_t)(vs - text),
			    "%s is a latency: compare it with a duration "
			    "such as 2s or 500ms; got '%s'",
			    e.metric, vbuf);
			goto fail;
		}
		break;
	}
	*out = e;
	return 0;
fail:
	free(e.metric);
	free(e.text);
	free(e.word);
	return r;
}

CS_API void
cs_expect_clear(struct cs_expect *e)
{
	if (e == NULL)
		return;
	free(e->text);
	free(e->metric);
	free(e->word);
	e->text = e->metric = e->word = NULL;
}

static bool
exp_cmp(double a, enum cs_expect_op op, double b)
{
	double tol = 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
	bool eq = fabs(a - b) <= tol;

	switch (op) {
	case CS_EXP_GE:
		return a > b || eq;
	case CS_EXP_LE:
		return a < b || eq;
	case CS_EXP_EQ:
		return eq;
	case CS_EXP_NE:
		return !eq;
	case CS_EXP_LT:
		return a < b && !eq;
	case CS_EXP_GT:
		return a > b && !eq;
	}
	return false;
}

static void
exp_num(char *buf, size_t len, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.4g", v);
}

CS_API int
cs_expect_eval(const struct cs_expect *e, const struct cs_measure_ops *ops,
    void *ctx, struct cs_expect_result *out)
{
	struct cs_expect_result res;
	char num[40], pct[40];
	double v = 0, cmp;
	uint64_t base;
	bool is_client;
	int r;

	if (e == NULL || ops == NULL || out == NULL || e->metric == NULL)
		return -EINVAL;
	memset(&res, 0, sizeof(res));
	res.text = e->text;
	if (e->kind == CS_EXPV_WORD) {
		char word[64];

		r = ops->string
		    ? ops->string(ctx, e->metric, word, sizeof(word))
		    : -ENOENT;
		if (r < 0)
			goto missing;
		word[sizeof(word) - 1] = '\0';
		res.pass = (strcmp(word, e->word) == 0) == (e->op == CS_EXP_EQ);
		snprintf(res.measured, sizeof(res.measured), "%s", word);
		snprintf(res.message, sizeof(res.message),
		    "%s: %s, measured %s", e->text, res.pass ? "ok" : "FAILED",
		    word);
		*out = res;
		return 0;
	}
	r = ops->number ? ops->number(ctx, e->metric, &v) : -ENOENT;
	if (r < 0 || isnan(v))
		goto missing;
	exp_num(num, sizeof(num), v);
	switch (e->kind) {
	case CS_EXPV_PERCENT:
		/* clients.* are percentages of the clients, the rest of the
		 * APs */
		is_client = strncmp(e->metric, "clients", 7) == 0;
		base = is_client ? ops->client_count : ops->ap_count;
		if (base == 0) {
			res.pass = false;
			snprintf(res.measured, sizeof(res.measured), "%s", num);
			snprintf(res.message, sizeof(res.message),
			    "%s: FAILED, measured %s but the %s count is 0, "
			    "so no percentage",
			    e->text, num, is_client ? "client" : "AP");
			*out = res;
			return 0;
		}
		cmp = v * 100.0 / (double)base;
		snprintf(pct, sizeof(pct), "%.4g%%", cmp);
		res.pass = exp_cmp(cmp, e->op, e->value);
		snprintf(
		    res.measured, sizeof(res.measured), "%s (%s)", num, pct);
		snprintf(res.message, sizeof(res.message),
		    "%s: %s, measured %s of %llu %s (%s)", e->text,
		    res.pass ? "ok" : "FAILED", num, (unsigned long long)base,
		    is_client ? "clients" : "APs", pct);
		break;
	case CS_EXPV_DURATION:
		res.pass = exp_cmp(v, e->op, e->value);
		snprintf(res.measured, sizeof(res.measured), "%s ms", num);
		snprintf(res.message, sizeof(res.message),
		    "%s: %s, measured %s ms", e->text,
		    res.pass ? "ok" : "FAILED", num);
		break;
	default:
		res.pass = exp_cmp(v, e->op, e->value);
		snprintf(res.measured, sizeof(res.measured), "%s", num);
		snprintf(res.message, sizeof(res.message),
		    "%s: %s, measured %s", e->text, res.pass ? "ok" : "FAILED",
		    num);
		break;
	}
	*out = res;
	return 0;
missing:
	res.pass = false;
	res.missing = true;
	snprintf(res.measured, sizeof(res.measured), "n/a");
	snprintf(res.message, sizeof(res.message),
	    "%s: FAILED, metric '%s' not available in this run", e->text,
	    e->metric);
	*out = res;
	return 0;
}
