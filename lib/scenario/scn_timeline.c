/* SPDX-License-Identifier: MIT */
/*
 * Scenario loader: the timeline (changes during the run) and the expect
 * list (parsed at load time by expect.c).
 */
#include "scn_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "scenario-internal.h"

/* ------------------------------------------------------------------ */
/* timeline */

int
scn_rule_ref(
    struct scn *p, const yaml_node_t *n, const char *key, unsigned *idx)
{
	struct cs_scenario *s = p->s;
	const char *v, *list[SCN_MAX_RULES + 1], *hint;
	char got[64];
	int r = scn_scalar(p, n, key, &v);

	if (r < 0)
		return r;
	for (size_t i = 0; i < s->n_impairments; i++) {
		if (strcmp(s->impairments[i].rule.name, v) == 0) {
			*idx = (unsigned)i;
			return 0;
		}
		list[i] = s->impairments[i].rule.name;
	}
	list[s->n_impairments] = NULL;
	scn_show(n, got, sizeof(got));
	hint = scn_suggest(v, list);
	if (s->n_impairments == 0)
		return scn_fail(p, n, key,
		    "no impairment rule named %s (the scenario has no "
		    "impairments)",
		    got);
	return scn_fail(p, n, key, "no impairment rule named %s%s%s%s", got,
	    hint ? " (did you mean '" : "", hint ? hint : "",
	    hint ? "'?)" : "");
}

int
scn_apsel(struct scn *p, yaml_node_t *n, const char *path, struct cs_apsel *sel)
{
	static const char *const keys[] = { "aps", "share", "every-ap", "macs",
		NULL };
	yaml_node_t *v[5];
	char kp[SCN_PATH_LEN];
	uint64_t u;
	int r;

	if (n->type == YAML_SCALAR_NODE) {
		const char *s;
		bool b;

		if ((r = scn_scalar(p, n, path, &s)) < 0)
			return r;
		if (strcmp(s, "all") == 0)
			return 0;
		if (scn_bool(p, n, path, &b) < 0 || !b)
			return scn_fail(p, n, path,
			    "expected true (all APs) or a selector such as "
			    "{share: 50%%} or {aps: 0-9}");
		return 0;
	}
	if ((r = scn_map(p, n, path, keys, v)) < 0)
		return r;
	if (v[0]) {
		scn_key(kp, sizeof(kp), path, "aps");
		if ((r = scn_ranges(p, v[0], kp, p->s->aps.count, sel)) < 0)
			return r;
	}
	scn_key(kp, sizeof(kp), path, "share");
	if (v[1]) {
		if ((r = scn_pct(p, v[1], kp, &sel->share)) < 0)
			return r;
		sel->has_share = true;
	}
	scn_key(kp, sizeof(kp), path, "every-ap");
	if (v[2]) {
		if ((r = scn_uint(p, v[2], kp, 1, UINT32_MAX, &u)) < 0)
			return r;
		sel->every = (unsigned)u;
	}
	scn_key(kp, sizeof(kp), path, "macs");
	if (v[3] &&
	    (r = scn_macs(
	         p, v[3], kp, CS_APSEL_MAX_MACS, &sel->n_macs, sel->macs)) < 0)
		return r;
	return 0;
}

int
scn_event_cmp(const void *a, const void *b)
{
	const struct cs_scn_event *x = a, *y = b;

	if (x->at_ms != y->at_ms)
		return x->at_ms < y->at_ms ? -1 : 1;
	/* stable: file order */
	return x->line < y->line ? -1 : x->line > y->line;
}

enum {
	TK_AT,
	TK_ENABLE,
	TK_DISABLE,
	TK_WLC_RESTART,
	TK_AP_REBOOT,
	TK_LINK_DOWN,
	TK_NAT_REBIND,
	TK_NAT_EXPIRE,
	TK_WLC_MISBEHAVE,
	TK__COUNT
};
static const char *const tl_keys[] = {
	[TK_AT] = "at",
	[TK_ENABLE] = "enable",
	[TK_DISABLE] = "disable",
	[TK_WLC_RESTART] = "wlc-restart",
	[TK_AP_REBOOT] = "ap-reboot",
	[TK_LINK_DOWN] = "link-down",
	[TK_NAT_REBIND] = "nat-rebind",
	[TK_NAT_EXPIRE] = "nat-expire",
	[TK_WLC_MISBEHAVE] = "wlc-misbehave",
	[TK__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(tl_keys) == TK__COUNT + 1,
    "tl_keys[] out of sync with its enum");

int
scn_timeline(struct scn *p, yaml_node_t *n)
{
	struct cs_scenario *s = p->s;
	size_t len;
	int r;

	if ((r = scn_list(p, n, "timeline", false)) < 0)
		return r;
	len = scn_list_len(n);
	if (len > SCN_MAX_EVENTS)
		return scn_fail(
		    p, n, "timeline", "more than %d entries", SCN_MAX_EVENTS);
	if (len == 0)
		return 0;
	s->timeline = calloc(len, sizeof(*s->timeline));
	if (s->timeline == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = scn_list_at(p, n, i), *v[TK__COUNT + 1];
		struct cs_scn_event *ev = &s->timeline[i];
		char path[SCN_PATH_LEN], kp[SCN_PATH_LEN];
		int act = -1;
		bool b;

		snprintf(path, sizeof(path), "timeline[%zu]", i);
		if ((r = scn_map(p, it, path, tl_keys, v)) < 0)
			return r;
		ev->line = (unsigned)it->start_mark.line + 1;
		if (v[TK_AT] == NULL)
			return scn_fail(p, it, path,
			    "each entry needs 'at' (when, e.g. at: 10s)");
		scn_key(kp, sizeof(kp), path, "at");
		if ((r = scn_dur(p, v[TK_AT], kp, 0, UINT64_MAX, &ev->at_ms)) <
		    0)
			return r;
		if (ev->at_ms > s->duration_ms)
			return scn_fail(p, v[TK_AT], kp,
			    "after the end of the run (duration %llu ms)",
			    (unsigned long long)s->duration_ms);
		for (int k = TK_ENABLE; k < TK__COUNT; k++) {
			if (v[k] == NULL)
				continue;
			if (act >= 0)
				return scn_fail(p, v[k], path,
				    "one action per entry ('%s' and '%s' "
				    "given); add another entry at the same "
				    "time",
				    tl_keys[act], tl_keys[k]);
			act = k;
		}
		if (act < 0)
			return scn_fail(p, it, path,
			    "no action: give one of enable, disable, "
			    "wlc-restart, ap-reboot, link-down, nat-rebind, "
			    "nat-expire, wlc-misbehave");
		scn_key(kp, sizeof(kp), path, tl_keys[act]);
		switch (act) {
		case TK_ENABLE:
		case TK_DISABLE:
			ev->action = act == TK_ENABLE ? CS_SCN_ACT_ENABLE
			                              : CS_SCN_ACT_DISABLE;
			if ((r = scn_rule_ref(p, v[act], kp, &ev->rule_index)) <
			    0)
				return r;
			break;
		case TK_WLC_RESTART:
		case TK_NAT_REBIND:
		case TK_NAT_EXPIRE:
			if ((r = scn_bool(p, v[act], kp, &b)) < 0)
				return r;
			if (!b)
				return scn_fail(p, v[act], kp,
				    "false does nothing; remove the entry");
			if (act == TK_WLC_RESTART && !s->wlc.embedded)
				return scn_fail(p, v[act], kp,
				    "needs the embedded WLC (capsim cannot "
				    "restart a real controller)");
			if (act != TK_WLC_RESTART && !s->nat.enabled)
				return scn_fail(
				    p, v[act], kp, "needs a nat: section");
			ev->action = act == TK_WLC_RESTART
			    ? CS_SCN_ACT_WLC_RESTART
			    : act == TK_NAT_REBIND ? CS_SCN_ACT_NAT_REBIND
			                           : CS_SCN_ACT_NAT_EXPIRE;
			break;
		case TK_AP_REBOOT:
			ev->action = CS_SCN_ACT_AP_REBOOT;
			if ((r = scn_apsel(p, v[act], kp, &ev->sel)) < 0)
				return r;
			break;
		case TK_WLC_MISBEHAVE:
			ev->action = CS_SCN_ACT_WLC_MISBEHAVE;
			if (!s->wlc.embedded)
				return scn_fail(p, v[act], kp,
				    "needs the embedded WLC (capsim cannot "
				    "make a real controller misbehave)");
			ev->misbehave = s->wlc.misbehave;
			if ((r = scn_misbehave(p, v[act], kp, &ev->misbehave,
			         &ev->misbehave_set)) < 0)
				return r;
			break;
		default: /* TK_LINK_DOWN */
			ev->action = CS_SCN_ACT_LINK_DOWN;
			if ((r = scn_dur(p, v[act], kp, 1, UINT64_MAX,
			         &ev->for_ms)) < 0)
				return r;
			break;
		}
		s->n_timeline = i + 1;
	}
	qsort(s->timeline, s->n_timeline, sizeof(*s->timeline), scn_event_cmp);
	return 0;
}

/* ------------------------------------------------------------------ */
/* expectations */

int
scn_expect(struct scn *p, yaml_node_t *n)
{
	struct cs_scenario *s = p->s;
	size_t len;
	int r;

	if ((r = scn_list(p, n, "expect", false)) < 0)
		return r;
	len = scn_list_len(n);
	if (len > SCN_MAX_EXPECT)
		return scn_fail(p, n, "expect", "more than %d expectations",
		    SCN_MAX_EXPECT);
	if (len == 0)
		return 0;
	s->expect = calloc(len, sizeof(*s->expect));
	if (s->expect == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = scn_list_at(p, n, i);
		struct cs_expect *e = &s->expect[i];
		char kp[SCN_PATH_LEN], msg[SCN_ERRBUF_LEN];
		struct cs_err ie = { 0 };
		const char *v;

		snprintf(kp, sizeof(kp), "expect[%zu]", i);
		if ((r = scn_scalar(p, it, kp, &v)) < 0)
			return r;
		r = cs_expect_parse(e, v, &ie);
		if (r == -EINVAL) {
			/* point at the character when the scalar is on one
			 * line */
			yaml_node_t at = *it;

			snprintf(
			    msg, sizeof(msg), "%s", ie.what ? ie.what : "");
			if (it->start_mark.line == it->end_mark.line) {
				size_t q = it->data.scalar.style ==
				        YAML_SINGLE_QUOTED_SCALAR_STYLE ||
				    it->data.scalar.style ==
				        YAML_DOUBLE_QUOTED_SCALAR_STYLE;

				at.start_mark.column += ie.offset + q;
				at.start_mark.index += ie.offset + q;
			}
			return scn_fail(p, &at, kp, "%s", msg);
		}
		if (r < 0)
			return r;
		if (strncmp(e->metric, "rule.", 5) == 0) {
			/* rule.NAME.COUNTER: NAME must be a rule */
			const char *name = e->metric + 5,
			           *dot = strrchr(name, '.');
			size_t j;

			for (j = 0; j < s->n_impairments; j++) {
				const char *rn = s->impairments[j].rule.name;

				if (strlen(rn) == (size_t)(dot - name) &&
				    strncmp(rn, name, (size_t)(dot - name)) ==
				        0)
					break;
			}
			if (j == s->n_impairments) {
				snprintf(msg, sizeof(msg), "%.*s",
				    (int)(dot - name), name);
				cs_expect_clear(e);
				return scn_fail(p, it, kp,
				    "no impairment rule named '%s'", msg);
			}
		}
		e->line = (unsigned)it->start_mark.line + 1;
		e->col = (unsigned)it->start_mark.column + 1;
		s->n_expect = i + 1;
	}
	return 0;
}

CS_API int
cs_scn_misbehave_apply(
    const struct cs_scn_event *ev, struct cs_wlc_misbehave *m)
{
	uint32_t set;

	if (ev == NULL || m == NULL || ev->action != CS_SCN_ACT_WLC_MISBEHAVE)
		return -EINVAL;
	set = ev->misbehave_set;
	if (set & 1u << CS_SCN_MB_REJECT)
		m->reject_share = ev->misbehave.reject_share;
	if (set & 1u << CS_SCN_MB_REJECT_CODE)
		m->reject_code = ev->misbehave.reject_code;
	if (set & 1u << CS_SCN_MB_DELAY)
		m->delay_ms = ev->misbehave.delay_ms;
	if (set & 1u << CS_SCN_MB_DROP)
		m->drop_msg_type = ev->misbehave.drop_msg_type;
	if (set & 1u << CS_SCN_MB_MUTE)
		m->mute = ev->misbehave.mute;
	if (set & 1u << CS_SCN_MB_HANDSHAKE_DELAY)
		m->handshake_delay_ms = ev->misbehave.handshake_delay_ms;
	return 0;
}

const char *
cs_scn_misbehave_text(const struct cs_scn_event *ev, char *buf, size_t len)
{
	const struct cs_wlc_misbehave *m;
	char w[40];
	size_t o = 0;

	if (buf == NULL || len == 0)
		return buf;
	buf[0] = '\0';
	if (ev == NULL || ev->action != CS_SCN_ACT_WLC_MISBEHAVE)
		return buf;
	m = &ev->misbehave;
	for (int k = 0; k < CS_SCN_MB__COUNT && o < len; k++) {
		int n = 0;

		if ((ev->misbehave_set & 1u << k) == 0)
			continue;
		switch ((enum cs_scn_mb)k) {
		case CS_SCN_MB_REJECT:
			n = snprintf(buf + o, len - o, "%sreject=%g%%",
			    o ? " " : "", m->reject_share * 100.0);
			break;
		case CS_SCN_MB_REJECT_CODE:
			n = snprintf(buf + o, len - o, "%sreject-code=%u",
			    o ? " " : "", m->reject_code);
			break;
		case CS_SCN_MB_DELAY:
			n = snprintf(buf + o, len - o, "%sdelay=%ums",
			    o ? " " : "", m->delay_ms);
			break;
		case CS_SCN_MB_DROP:
			if (m->drop_msg_type == 0 ||
			    !scn_msg_word(m->drop_msg_type, w, sizeof(w)))
				snprintf(w, sizeof(w), "none");
			n = snprintf(
			    buf + o, len - o, "%sdrop=%s", o ? " " : "", w);
			break;
		case CS_SCN_MB_MUTE:
			n = snprintf(buf + o, len - o, "%smute=%s",
			    o ? " " : "", m->mute ? "true" : "false");
			break;
		case CS_SCN_MB_HANDSHAKE_DELAY:
			n = snprintf(buf + o, len - o, "%shandshake-delay=%ums",
			    o ? " " : "", m->handshake_delay_ms);
			break;
		case CS_SCN_MB__COUNT:
			break;
		}
		if (n < 0)
			break;
		o += (size_t)n;
	}
	if (o >= len)
		buf[len - 1] = '\0';
	return buf;
}

const char *
cs_scn_act_name(enum cs_scn_act a)
{
	static const char *const names[] = {
		[CS_SCN_ACT_ENABLE] = "enable",
		[CS_SCN_ACT_DISABLE] = "disable",
		[CS_SCN_ACT_WLC_RESTART] = "wlc-restart",
		[CS_SCN_ACT_AP_REBOOT] = "ap-reboot",
		[CS_SCN_ACT_LINK_DOWN] = "link-down",
		[CS_SCN_ACT_NAT_REBIND] = "nat-rebind",
		[CS_SCN_ACT_NAT_EXPIRE] = "nat-expire",
		[CS_SCN_ACT_WLC_MISBEHAVE] = "wlc-misbehave",
	};
	_Static_assert(CS_ARRAY_SIZE(names) == CS_SCN_ACT__COUNT,
	    "names[] out of sync with enum cs_scn_act");

	return (unsigned)a < CS_SCN_ACT__COUNT ? names[a] : NULL;
}
