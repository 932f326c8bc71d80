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
	TK_WLC_REQUEST,
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
	[TK_WLC_REQUEST] = "wlc-request",
	[TK__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(tl_keys) == TK__COUNT + 1,
    "tl_keys[] out of sync with its enum");

/* wlc-request: {type: config-update | reset | clear-config |
 * data-transfer, to: <AP selector>, ...what the request sets} */
enum {
	RK_TYPE,
	RK_TO,
	RK_STATS,
	RK_ECHO,
	RK_DISC,
	RK_IMAGE,
	RK_ACS,
	RK_RADIO,
	RK_ADMIN,
	RK_MODE,
	RK__COUNT
};
static const char *const rq_keys[] = {
	[RK_TYPE] = "type",
	[RK_TO] = "to",
	[RK_STATS] = "statistics-timer",
	[RK_ECHO] = "echo-interval",
	[RK_DISC] = "discovery-interval",
	[RK_IMAGE] = "image",
	[RK_ACS] = "ac-names",
	[RK_RADIO] = "radio",
	[RK_ADMIN] = "admin",
	[RK_MODE] = "mode",
	[RK__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(rq_keys) == RK__COUNT + 1,
    "rq_keys[] out of sync with its enum");

/* Which keys each request type takes besides type and to. */
static const uint32_t rq_allowed[] = {
	[CS_WLC_CMD_CONFIG_UPDATE] = 1u << RK_STATS | 1u << RK_ECHO |
	    1u << RK_DISC | 1u << RK_IMAGE | 1u << RK_ACS | 1u << RK_RADIO |
	    1u << RK_ADMIN,
	[CS_WLC_CMD_RESET] = 0,
	[CS_WLC_CMD_CLEAR_CONFIG] = 0,
	[CS_WLC_CMD_DATA_TRANSFER] = 1u << RK_MODE,
};
_Static_assert(CS_ARRAY_SIZE(rq_allowed) == CS_WLC_CMD__COUNT,
    "rq_allowed[] out of sync with enum cs_wlc_cmd_kind");

static int
scn_rq_secs(struct scn *p, const yaml_node_t *n, const char *kp, uint64_t max_s,
    uint64_t *out_s)
{
	uint64_t ms;
	int r;

	if ((r = scn_dur(p, n, kp, 1000, max_s * 1000, &ms)) < 0)
		return r;
	if (ms % 1000 != 0)
		return scn_fail(
		    p, n, kp, "whole seconds (the element carries seconds)");
	*out_s = ms / 1000;
	return 0;
}

static int
scn_rq_text(
    struct scn *p, const yaml_node_t *n, const char *kp, char *dst, size_t cap)
{
	const char *v;
	int r;

	if ((r = scn_scalar(p, n, kp, &v)) < 0)
		return r;
	if (v[0] == '\0' || strlen(v) >= cap)
		return scn_fail(p, n, kp, "1 to %zu characters", cap - 1);
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

int
scn_wlc_request(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_scn_event *ev)
{
	yaml_node_t *v[RK__COUNT + 1];
	struct cs_wlc_cmd *c = &ev->cmd;
	char kp[SCN_PATH_LEN];
	const char *w;
	uint64_t u;
	int r, kind = -1;

#define KP(k) (scn_key(kp, sizeof(kp), path, rq_keys[k]), kp)
	if ((r = scn_map(p, n, path, rq_keys, v)) < 0)
		return r;
	if (v[RK_TYPE] == NULL)
		return scn_fail(p, n, path,
		    "needs type: config-update, reset, clear-config or "
		    "data-transfer");
	if ((r = scn_scalar(p, v[RK_TYPE], KP(RK_TYPE), &w)) < 0)
		return r;
	for (int k = 0; k < CS_WLC_CMD__COUNT; k++)
		if (strcmp(w, cs_wlc_cmd_name((enum cs_wlc_cmd_kind)k)) == 0)
			kind = k;
	if (kind < 0)
		return scn_fail(p, v[RK_TYPE], kp,
		    "'%s' is not config-update, reset, clear-config or "
		    "data-transfer",
		    w);
	memset(c, 0, sizeof(*c));
	c->kind = (enum cs_wlc_cmd_kind)kind;
	for (int k = RK_STATS; k < RK__COUNT; k++)
		if (v[k] != NULL && !(rq_allowed[kind] & 1u << k))
			return scn_fail(
			    p, v[k], KP(k), "not part of a %s request", w);
	if (v[RK_TO] != NULL &&
	    (r = scn_apsel(p, v[RK_TO], KP(RK_TO), &ev->sel)) < 0)
		return r;
	if (v[RK_STATS] != NULL) {
		/* RFC 5415 §4.6.38: u16 seconds */
		if ((r = scn_rq_secs(p, v[RK_STATS], KP(RK_STATS), 65535, &u)) <
		    0)
			return r;
		c->statistics_timer_s = (uint16_t)u;
		c->has_statistics_timer = true;
	}
	if (v[RK_ECHO] != NULL) {
		/* §4.6.13: u8 seconds */
		if ((r = scn_rq_secs(p, v[RK_ECHO], KP(RK_ECHO), 255, &u)) < 0)
			return r;
		c->echo_interval_s = (uint8_t)u;
	}
	if (v[RK_DISC] != NULL) {
		/* §4.7.10: MaxDiscoveryInterval 2..180 s */
		if ((r = scn_rq_secs(p, v[RK_DISC], KP(RK_DISC), 180, &u)) < 0)
			return r;
		if (u < 2)
			return scn_fail(
			    p, v[RK_DISC], kp, "2 to 180 s (RFC 5415 4.7.10)");
		c->discovery_interval_s = (uint8_t)u;
	}
	if (v[RK_IMAGE] != NULL &&
	    (r = scn_rq_text(p, v[RK_IMAGE], KP(RK_IMAGE), ev->cmd_image,
	         sizeof(ev->cmd_image))) < 0)
		return r;
	if (v[RK_ACS] != NULL) {
		size_t len;

		if ((r = scn_list(p, v[RK_ACS], KP(RK_ACS), false)) < 0)
			return r;
		len = scn_list_len(v[RK_ACS]);
		if (len == 0 || len > CS_WLC_CMD_MAX_ACS)
			return scn_fail(p, v[RK_ACS], kp,
			    "1 to %d controller names (primary first)",
			    CS_WLC_CMD_MAX_ACS);
		for (size_t i = 0; i < len; i++) {
			char ik[SCN_PATH_LEN + 8];

			snprintf(ik, sizeof(ik), "%s[%zu]", kp, i);
			if ((r = scn_rq_text(p, scn_list_at(p, v[RK_ACS], i),
			         ik, ev->cmd_acs[i], sizeof(ev->cmd_acs[i]))) <
			    0)
				return r;
		}
		c->n_acs = (unsigned)len;
	}
	if ((v[RK_RADIO] != NULL) != (v[RK_ADMIN] != NULL))
		return scn_fail(p, n, path,
		    "radio and admin go together (Radio Administrative "
		    "State)");
	if (v[RK_RADIO] != NULL) {
		const char *a;

		if (v[RK_RADIO]->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)v[RK_RADIO]->data.scalar.value,
		        "all") == 0)
			c->radio_id = 255;
		else if ((r = scn_uint(
		              p, v[RK_RADIO], KP(RK_RADIO), 1, 31, &u)) < 0)
			return r;
		else
			c->radio_id = (uint8_t)u;
		if ((r = scn_scalar(p, v[RK_ADMIN], KP(RK_ADMIN), &a)) < 0)
			return r;
		if (strcmp(a, "enabled") == 0)
			c->radio_admin = 1;
		else if (strcmp(a, "disabled") == 0)
			c->radio_admin = 2;
		else
			return scn_fail(
			    p, v[RK_ADMIN], kp, "enabled or disabled");
	}
	if (kind == CS_WLC_CMD_DATA_TRANSFER) {
		if (v[RK_MODE] == NULL)
			return scn_fail(p, n, path,
			    "a data-transfer request needs mode: crash or "
			    "dump");
		if ((r = scn_scalar(p, v[RK_MODE], KP(RK_MODE), &w)) < 0)
			return r;
		if (strcmp(w, "crash") == 0)
			c->dt_mode = 1;
		else if (strcmp(w, "dump") == 0)
			c->dt_mode = 2;
		else
			return scn_fail(p, v[RK_MODE], kp, "crash or dump");
	}
	if (kind == CS_WLC_CMD_CONFIG_UPDATE && !c->has_statistics_timer &&
	    c->echo_interval_s == 0 && c->discovery_interval_s == 0 &&
	    ev->cmd_image[0] == '\0' && c->n_acs == 0 && c->radio_admin == 0)
		return scn_fail(p, n, path,
		    "a config-update needs something to set: "
		    "statistics-timer, echo-interval, discovery-interval, "
		    "image, ac-names or radio + admin");
#undef KP
	return 0;
}

int
cs_scn_wlc_request_cmd(const struct cs_scn_event *ev, struct cs_wlc_cmd *out)
{
	if (ev == NULL || out == NULL || ev->action != CS_SCN_ACT_WLC_REQUEST)
		return -EINVAL;
	*out = ev->cmd;
	out->image_id = ev->cmd_image[0] != '\0' ? ev->cmd_image : NULL;
	for (unsigned i = 0; i < out->n_acs && i < CS_WLC_CMD_MAX_ACS; i++)
		out->acs[i] = ev->cmd_acs[i];
	return 0;
}

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
			    "nat-expire, wlc-misbehave, wlc-request");
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
		case TK_WLC_REQUEST:
			ev->action = CS_SCN_ACT_WLC_REQUEST;
			if (!s->wlc.embedded)
				return scn_fail(p, v[act], kp,
				    "needs the embedded WLC (capsim cannot "
				    "make a real controller send requests)");
			if ((r = scn_wlc_request(p, v[act], kp, ev)) < 0)
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
		[CS_SCN_ACT_WLC_REQUEST] = "wlc-request",
	};
	_Static_assert(CS_ARRAY_SIZE(names) == CS_SCN_ACT__COUNT,
	    "names[] out of sync with enum cs_scn_act");

	return (unsigned)a < CS_SCN_ACT__COUNT ? names[a] : NULL;
}
