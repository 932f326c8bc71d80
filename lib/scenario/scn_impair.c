/* SPDX-License-Identifier: MIT */
/*
 * Scenario loader: the impairments section (rules written in the match
 * vocabulary of lib/net, actions) and the nat section.
 */
#include "scn_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "scenario-internal.h"

/* ------------------------------------------------------------------ */
/* impairments */

/* Every kind word cs_impair_kind_parse knows, for "did you mean". */
void
scn_kind_words(const char **list, size_t max, char (*store)[40])
{
	static const char *const base[] = { "any", "discovery",
		"dtls-handshake", "dtls-ccs", "dtls-alert", "dtls-appdata",
		"control", "keepalive", "data", "dtls", "client-hello",
		"hello-verify-request", "server-hello", "certificate",
		"server-key-exchange", "certificate-request",
		"server-hello-done", "certificate-verify",
		"client-key-exchange", "finished", "new-session-ticket",
		"client", "auth", "assoc-request", "assoc-response",
		"reassoc-request", "reassoc-response", "deauth", "disassoc",
		"eapol", "eapol-m1", "eapol-m2", "eapol-m3", "eapol-m4",
		"eapol-g1", "eapol-g2", "dhcp", "dhcp-discover", "dhcp-offer",
		"dhcp-request", "dhcp-decline", "dhcp-ack", "dhcp-nak",
		"dhcp-release", "dhcp-inform", "arp", "icmp-echo",
		"icmp-echo-request", "icmp-echo-reply" };
	size_t n = 0;

	for (size_t i = 0; i < CS_ARRAY_SIZE(base) && n + 1 < max; i++)
		list[n++] = base[i];
	for (uint32_t t = 1; t <= 26 && n + 1 < max; t++) {
		if (!scn_msg_word(t, store[t - 1], 40))
			continue;
		list[n++] = store[t - 1];
	}
	list[n] = NULL;
}

int
scn_kind(
    struct scn *p, yaml_node_t *n, const char *key, struct cs_impair_match *m)
{
	char buf[512], got[64];
	size_t len, o = 0;
	int r = scn_list(p, n, key, true);

	if (r < 0)
		return r;
	len = scn_list_len(n);
	if (len == 0)
		return scn_fail(p, n, key, "needs at least one packet kind");
	/* validate each word alone first, for a precise message */
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = scn_list_at(p, n, i);
		struct cs_impair_match tmp;
		const char *v;

		if ((r = scn_scalar(p, it, key, &v)) < 0)
			return r;
		memset(&tmp, 0, sizeof(tmp));
		if (strchr(v, ',') == NULL &&
		    cs_impair_kind_parse(v, &tmp) < 0) {
			const char *list[96], *hint;
			char store[26][40];

			scn_kind_words(list, CS_ARRAY_SIZE(list), store);
			hint = scn_suggest(v, list);
			scn_show(it, got, sizeof(got));
			return scn_fail(p, it, key,
			    "unknown packet kind %s%s%s%s; kinds are any, "
			    "discovery, dtls, dtls-handshake, dtls-ccs, "
			    "dtls-alert, dtls-appdata, control, keepalive, "
			    "data, a DTLS handshake message (client-hello, "
			    "certificate, ...), a CAPWAP message "
			    "(join-request, ...) or client traffic (client, "
			    "auth, assoc-request, eapol-m1, dhcp-discover, "
			    "arp, icmp-echo, ...)",
			    got, hint ? " (did you mean '" : "",
			    hint ? hint : "", hint ? "'?)" : "");
		}
		if (o + strlen(v) + 2 >= sizeof(buf))
			return scn_fail(p, n, key, "too many kinds");
		o += (size_t)snprintf(
		    buf + o, sizeof(buf) - o, "%s%s", i ? "," : "", v);
	}
	if (cs_impair_kind_parse(buf, m) < 0) {
		if (len > 1 &&
		    (strcmp(buf, "any") == 0 || strncmp(buf, "any,", 4) == 0 ||
		        strstr(buf, ",any,") != NULL ||
		        (strlen(buf) > 4 &&
		            strcmp(buf + strlen(buf) - 4, ",any") == 0)))
			return scn_fail(p, n, key,
			    "'any' in a list says nothing; leave kind out to "
			    "match every packet");
		return scn_fail(p, n, key,
		    "too many CAPWAP messages: a list holds at most %d",
		    CS_IMPAIR_MAX_MSG_TYPES);
	}
	return 0;
}

enum {
	MK_DIR,
	MK_CHAN,
	MK_KIND,
	MK_APS,
	MK_SHARE,
	MK_EVERY_AP,
	MK_MACS,
	MK_CLIENTS,
	MK_CLIENT_MACS,
	MK_PORT,
	MK_SIZE,
	MK_WINDOW,
	MK_FIRST,
	MK_EVERY,
	MK_AFTER,
	MK__COUNT
};
static const char *const match_keys[] = {
	[MK_DIR] = "dir",
	[MK_CHAN] = "chan",
	[MK_KIND] = "kind",
	[MK_APS] = "aps",
	[MK_SHARE] = "share",
	[MK_EVERY_AP] = "every-ap",
	[MK_MACS] = "macs",
	[MK_CLIENTS] = "clients",
	[MK_CLIENT_MACS] = "client-macs",
	[MK_PORT] = "port",
	[MK_SIZE] = "size",
	[MK_WINDOW] = "window",
	[MK_FIRST] = "first",
	[MK_EVERY] = "every",
	[MK_AFTER] = "after",
	[MK__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(match_keys) == MK__COUNT + 1,
    "match_keys[] out of sync with its enum");

/* One match key through the rule vocabulary of lib/net (the same words
 * and values as `--rule`); the reason comes back with the file position.
 * A reason that says what was expected gets the value as written. */
int
scn_match_key(struct scn *p, yaml_node_t *n, const char *kp, const char *key,
    const char *val, struct cs_impair_match *m)
{
	const char *why = "";

	if (cs_impair_match_set(m, key, '=', val, &why) == 0)
		return 0;
	/* the values module's reasons do not repeat the value */
	if (strncmp(why, "expected", 8) == 0 || strcmp(key, "aps") == 0 ||
	    strcmp(key, "clients") == 0 || strcmp(key, "share") == 0)
		return scn_bad(p, n, kp, why);
	return scn_fail(p, n, kp, "%s", why);
}

/* A list of scalars as one "a,b,c" value (a scalar is a list of one). */
int
scn_join(struct scn *p, yaml_node_t *n, const char *kp, char *buf, size_t len)
{
	size_t o = 0, cnt;
	int r;

	if ((r = scn_list(p, n, kp, true)) < 0)
		return r;
	cnt = scn_list_len(n);
	if (cnt == 0)
		return scn_fail(p, n, kp, "needs at least one value");
	buf[0] = '\0';
	for (size_t i = 0; i < cnt; i++) {
		const char *v;
		int w;

		if ((r = scn_scalar(p, scn_list_at(p, n, i), kp, &v)) < 0)
			return r;
		w = snprintf(buf + o, len - o, "%s%s", i ? "," : "", v);
		if (w < 0 || (size_t)w >= len - o)
			return scn_fail(p, n, kp, "too many values");
		o += (size_t)w;
	}
	return 0;
}

int
scn_match(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_impair_match *m)
{
	yaml_node_t *v[MK__COUNT + 1];
	char kp[SCN_PATH_LEN], buf[512];
	int r;

	if ((r = scn_map(p, n, path, match_keys, v)) < 0)
		return r;
	for (int k = 0; k < MK__COUNT; k++) {
		const char *val;

		if (v[k] == NULL)
			continue;
		scn_key(kp, sizeof(kp), path, match_keys[k]);
		if (k == MK_KIND) {
			/* word by word first, for "did you mean" */
			if ((r = scn_kind(p, v[k], kp, m)) < 0)
				return r;
			continue;
		}
		if (k == MK_MACS || k == MK_CLIENT_MACS) {
			if ((r = scn_join(p, v[k], kp, buf, sizeof(buf))) < 0)
				return r;
			val = buf;
		} else if ((r = scn_scalar(p, v[k], kp, &val)) < 0) {
			return r;
		}
		if ((r = scn_match_key(p, v[k], kp, match_keys[k], val, m)) < 0)
			return r;
	}
	/* the selector must name APs of this scenario */
	for (size_t i = 0; v[MK_APS] != NULL && i < m->aps.n_ranges; i++) {
		unsigned hi = m->aps.ranges[i].hi, cnt = p->s->aps.count;

		if (hi >= cnt) {
			char why[96];

			scn_key(kp, sizeof(kp), path, "aps");
			snprintf(why, sizeof(why),
			    "AP index %u beyond the %u APs (indexes 0-%u)", hi,
			    cnt, cnt - 1);
			return scn_bad(p, v[MK_APS], kp, why);
		}
	}
	return 0;
}

/* An action whose value is a scalar shorthand or a mapping of options. */
bool
scn_is_map(const yaml_node_t *n)
{
	return n->type == YAML_MAPPING_NODE;
}

/* One action field through the rule grammar of lib/net (the forms, ranges
 * and reasons of `--rule`), the reason with the file position. */
int
scn_field(struct scn *p, yaml_node_t *n, const char *kp,
    struct cs_impair_action *a, enum cs_impair_field f)
{
	const char *v, *why;
	int r;

	if ((r = scn_scalar(p, n, kp, &v)) < 0)
		return r;
	if (cs_impair_field_set(a, f, v, &why) < 0)
		return scn_fail(p, n, kp, "%s", why);
	return 0;
}

/* A mapping key's field, when the key is there. */
static int
scn_field_at(struct scn *p, yaml_node_t *n, const char *path, const char *key,
    struct cs_impair_action *a, enum cs_impair_field f)
{
	char kp[SCN_PATH_LEN];

	if (n == NULL)
		return 0;
	scn_key(kp, sizeof(kp), path, key);
	return scn_field(p, n, kp, a, f);
}

int
scn_act_drop(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_impair_action *a)
{
	static const char *const keys[] = { "probability", "burst", NULL };
	yaml_node_t *v[3];
	int r;

	a->has_drop = true;
	a->drop_prob = 1.0;
	if (!scn_is_map(n)) {
		const char *s;
		bool b;

		if ((r = scn_scalar(p, n, path, &s)) < 0)
			return r;
		/* 30% or 0.3; a bare 1 or 0 is a yes or no */
		if (strchr(s, '%') != NULL || strchr(s, '.') != NULL)
			return scn_field(p, n, path, a, CS_IF_DROP_PROB);
		if ((r = scn_bool(p, n, path, &b)) < 0)
			return scn_fail(p, n, path,
			    "expected true, a probability such as 30%%, or "
			    "{probability: 30%%, burst: 3}");
		if (!b)
			return scn_fail(p, n, path,
			    "drop: false drops nothing; remove the action");
		return 0;
	}
	if ((r = scn_map(p, n, path, keys, v)) < 0 ||
	    (r = scn_field_at(
	         p, v[0], path, "probability", a, CS_IF_DROP_PROB)) < 0)
		return r;
	return scn_field_at(p, v[1], path, "burst", a, CS_IF_DROP_BURST);
}

/* [a, b] with two durations, as the text "a<sep>b" of the rule grammar. */
static int
scn_dur_pair(struct scn *p, yaml_node_t *n, const char *key, char sep,
    char *buf, size_t len)
{
	const char *x, *y;
	int r;

	if (n->type != YAML_SEQUENCE_NODE || scn_list_len(n) != 2)
		return scn_fail(
		    p, n, key, "expected two durations such as [10ms, 50ms]");
	if ((r = scn_scalar(p, scn_list_at(p, n, 0), key, &x)) < 0 ||
	    (r = scn_scalar(p, scn_list_at(p, n, 1), key, &y)) < 0)
		return r;
	if (snprintf(buf, len, "%s%c%s", x, sep, y) >= (int)len)
		return scn_fail(p, n, key, "durations too long");
	return 0;
}

int
scn_act_delay(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_impair_action *a)
{
	static const char *const keys[] = { "fixed", "uniform", "normal",
		NULL };
	static const enum cs_impair_field fields[] = { CS_IF_DELAY_FIXED,
		CS_IF_DELAY_UNIFORM, CS_IF_DELAY_NORMAL };
	yaml_node_t *v[4];
	char kp[SCN_PATH_LEN], buf[128];
	const char *why;
	int r, given = 0, k = 0;

	if (!scn_is_map(n))
		return scn_field(p, n, path, a, CS_IF_DELAY);
	if ((r = scn_map(p, n, path, keys, v)) < 0)
		return r;
	for (int i = 0; i < 3; i++)
		if (v[i] != NULL) {
			given++;
			k = i;
		}
	if (given != 1)
		return scn_fail(
		    p, n, path, "give exactly one of fixed, uniform, normal");
	scn_key(kp, sizeof(kp), path, keys[k]);
	if (k == 0)
		return scn_field(p, v[0], kp, a, CS_IF_DELAY_FIXED);
	if ((r = scn_dur_pair(
	         p, v[k], kp, k == 1 ? '-' : '~', buf, sizeof(buf))) < 0)
		return r;
	if (cs_impair_field_set(a, fields[k], buf, &why) < 0)
		return scn_fail(p, v[k], kp, "%s", why);
	return 0;
}

/*
 * The actions with "N or {N-key: N, probability: P, ...}": duplicate
 * (copies), corrupt (bytes, offset), reorder (hold, hold-time).  keys[0]
 * is the count's key, keys[1] "probability"; v gets the mapping's values.
 */
int
scn_act_counted(struct scn *p, yaml_node_t *n, const char *path,
    const char *const *keys, enum cs_impair_field count,
    enum cs_impair_field prob, struct cs_impair_action *a, yaml_node_t **v)
{
	int r;

	if (!scn_is_map(n)) {
		v[0] = n;
		return scn_field(p, n, path, a, count);
	}
	if ((r = scn_map(p, n, path, keys, v)) < 0 ||
	    (r = scn_field_at(p, v[0], path, keys[0], a, count)) < 0)
		return r;
	return scn_field_at(p, v[1], path, "probability", a, prob);
}

int
scn_act_reorder(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_impair_action *a)
{
	static const char *const keys[] = { "hold", "probability", "hold-time",
		NULL };
	yaml_node_t *v[4] = { NULL };
	int r;

	a->has_reorder = true;
	a->reorder_prob = 1.0;
	a->hold_pkts = 0;
	if ((r = scn_act_counted(p, n, path, keys, CS_IF_REORDER_HOLD,
	         CS_IF_REORDER_PROB, a, v)) < 0 ||
	    (r = scn_field_at(
	         p, v[2], path, "hold-time", a, CS_IF_REORDER_HOLD_TIME)) < 0)
		return r;
	if (v[0] == NULL && v[2] == NULL)
		return scn_fail(
		    p, n, path, "give hold (packets) or hold-time (or both)");
	return 0;
}

int
scn_act_rate(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_impair_action *a)
{
	static const char *const keys[] = { "packets", "bytes", "burst",
		"shared", NULL };
	yaml_node_t *v[5];
	char kp[SCN_PATH_LEN];
	int r;

	/* packets and bytes with their unit (10/s, 600/m): the rate grammar
	 * of scenario files; --rule's pps= and bps= count per second */
	if (!scn_is_map(n))
		return scn_rate(p, n, path, &a->rate_pps);
	if ((r = scn_map(p, n, path, keys, v)) < 0)
		return r;
	if (v[0] == NULL && v[1] == NULL)
		return scn_fail(p, n, path, "give packets or bytes (or both)");
	scn_key(kp, sizeof(kp), path, "packets");
	if (v[0] && (r = scn_rate(p, v[0], kp, &a->rate_pps)) < 0)
		return r;
	scn_key(kp, sizeof(kp), path, "bytes");
	if (v[1] && (r = scn_rate(p, v[1], kp, &a->rate_bytes_ps)) < 0)
		return r;
	if ((r = scn_field_at(p, v[2], path, "burst", a, CS_IF_RATE_BURST)) < 0)
		return r;
	return scn_field_at(p, v[3], path, "shared", a, CS_IF_RATE_SHARED);
}

enum {
	XK_DROP,
	XK_DELAY,
	XK_DUPLICATE,
	XK_REORDER,
	XK_CORRUPT,
	XK_TRUNCATE,
	XK_MTU,
	XK_RATE,
	XK_LINK_DOWN,
	XK__COUNT
};
static const char *const action_keys[] = {
	[XK_DROP] = "drop",
	[XK_DELAY] = "delay",
	[XK_DUPLICATE] = "duplicate",
	[XK_REORDER] = "reorder",
	[XK_CORRUPT] = "corrupt",
	[XK_TRUNCATE] = "truncate",
	[XK_MTU] = "mtu",
	[XK_RATE] = "rate",
	[XK_LINK_DOWN] = "link-down",
	[XK__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(action_keys) == XK__COUNT + 1,
    "action_keys[] out of sync with its enum");

int
scn_action(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_impair_action *a)
{
	static const char *const dup_keys[] = { "copies", "probability", NULL };
	static const char *const cor_keys[] = { "bytes", "probability",
		"offset", NULL };
	yaml_node_t *v[XK__COUNT + 1];
	char kp[SCN_PATH_LEN];
	int r;

#define KP(k) (scn_key(kp, sizeof(kp), path, (k)), kp)
	if (n->type == YAML_SCALAR_NODE) {
		unsigned w;
		const char *s;

		if ((r = scn_scalar(p, n, path, &s)) < 0)
			return r;
		if (strcmp(s, "drop") == 0) {
			a->has_drop = true;
			a->drop_prob = 1.0;
			return 0;
		}
		if (strcmp(s, "duplicate") == 0) {
			a->has_duplicate = true;
			a->dup_prob = 1.0;
			a->dup_copies = 1;
			return 0;
		}
		if (strcmp(s, "reorder") == 0) {
			a->has_reorder = true;
			a->reorder_prob = 1.0;
			a->hold_pkts = 1;
			return 0;
		}
		if (strcmp(s, "link-down") == 0) {
			a->has_link_down = true;
			return 0;
		}
		if ((r = scn_word(p, n, path, action_keys, &w)) < 0)
			return r;
		return scn_fail(p, n, path,
		    "action '%s' needs a value, e.g. {%s: %s}", s, s,
		    w == XK_DELAY          ? "200ms"
		        : w == XK_CORRUPT  ? "4"
		        : w == XK_TRUNCATE ? "100"
		        : w == XK_MTU      ? "1300"
		                           : "10/s");
	}
	if ((r = scn_map(p, n, path, action_keys, v)) < 0)
		return r;
	{
		bool any = false;

		for (int i = 0; i < XK__COUNT; i++)
			any |= v[i] != NULL;
		if (!any)
			return scn_fail(p, n, path, "no action given");
	}
	if (v[XK_DROP] && (r = scn_act_drop(p, v[XK_DROP], KP("drop"), a)) < 0)
		return r;
	if (v[XK_DELAY] &&
	    (r = scn_act_delay(p, v[XK_DELAY], KP("delay"), a)) < 0)
		return r;
	if (v[XK_DUPLICATE]) {
		yaml_node_t *dv[3] = { NULL };

		a->has_duplicate = true;
		a->dup_copies = 1;
		a->dup_prob = 1.0;
		if ((r = scn_act_counted(p, v[XK_DUPLICATE], KP("duplicate"),
		         dup_keys, CS_IF_DUP_COPIES, CS_IF_DUP_PROB, a, dv)) <
		    0)
			return r;
	}
	if (v[XK_REORDER] &&
	    (r = scn_act_reorder(p, v[XK_REORDER], KP("reorder"), a)) < 0)
		return r;
	if (v[XK_CORRUPT]) {
		yaml_node_t *cv[4] = { NULL };

		a->has_corrupt = true;
		a->corrupt_bytes = 1;
		a->corrupt_prob = 1.0;
		if ((r = scn_act_counted(p, v[XK_CORRUPT], KP("corrupt"),
		         cor_keys, CS_IF_CORRUPT_BYTES, CS_IF_CORRUPT_PROB, a,
		         cv)) < 0 ||
		    (r = scn_field_at(
		         p, cv[2], kp, "offset", a, CS_IF_CORRUPT_OFFSET)) < 0)
			return r;
	}
	if (v[XK_TRUNCATE]) {
		a->has_truncate = true;
		if ((r = scn_field(p, v[XK_TRUNCATE], KP("truncate"), a,
		         CS_IF_TRUNCATE)) < 0)
			return r;
	}
	if (v[XK_MTU] &&
	    (r = scn_field(p, v[XK_MTU], KP("mtu"), a, CS_IF_MTU)) < 0)
		return r;
	if (v[XK_RATE] && (r = scn_act_rate(p, v[XK_RATE], KP("rate"), a)) < 0)
		return r;
	if (v[XK_LINK_DOWN]) {
		const char *s;

		if ((r = scn_scalar(p, v[XK_LINK_DOWN], KP("link-down"), &s)) <
		    0)
			return r;
		if (strchr(s, '-') != NULL) {
			/* the window grammar of the match vocabulary */
			struct cs_impair_match w = { 0 };

			if ((r = scn_match_key(
			         p, v[XK_LINK_DOWN], kp, "window", s, &w)) < 0)
				return r;
			a->down_from_ms = w.from_ms;
			a->down_until_ms = w.until_ms;
		} else {
			bool b;

			if ((r = scn_bool(p, v[XK_LINK_DOWN], kp, &b)) < 0)
				return scn_fail(p, v[XK_LINK_DOWN], kp,
				    "expected true or a window such as "
				    "10s-15s");
			if (!b)
				return scn_fail(p, v[XK_LINK_DOWN], kp,
				    "link-down: false does nothing; remove "
				    "the action");
		}
		a->has_link_down = true;
	}
#undef KP
	return 0;
}

int
scn_impairments(struct scn *p, yaml_node_t *n)
{
	static const char *const keys[] = { "name", "enabled", "match",
		"action", NULL };
	struct cs_scenario *s = p->s;
	size_t len;
	int r;

	if ((r = scn_list(p, n, "impairments", false)) < 0)
		return r;
	len = scn_list_len(n);
	if (len > SCN_MAX_RULES)
		return scn_fail(
		    p, n, "impairments", "more than %d rules", SCN_MAX_RULES);
	if (len == 0)
		return 0;
	s->impairments = calloc(len, sizeof(*s->impairments));
	if (s->impairments == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = scn_list_at(p, n, i), *v[5];
		struct cs_scn_impair *imp = &s->impairments[i];
		struct cs_impair_rule *rule = &imp->rule;
		char path[SCN_PATH_LEN], kp[SCN_PATH_LEN];

		snprintf(path, sizeof(path), "impairments[%zu]", i);
		if ((r = scn_map(p, it, path, keys, v)) < 0)
			return r;
		imp->line = (unsigned)it->start_mark.line + 1;
		rule->enabled = true;
		if (v[0]) {
			const char *name;

			scn_key(kp, sizeof(kp), path, "name");
			if ((r = scn_scalar(p, v[0], kp, &name)) < 0)
				return r;
			if (strlen(name) >= sizeof(rule->name))
				return scn_fail(p, v[0], kp,
				    "longer than %zu characters",
				    sizeof(rule->name) - 1);
			for (const char *c = name; *c; c++)
				if (*c == ' ' || *c == '\t' || *c == ',' ||
				    *c == '{' || *c == '}' || *c == '=' ||
				    (unsigned char)*c < 0x20)
					return scn_fail(p, v[0], kp,
					    "use letters, digits, '-', '_' "
					    "or '.' in rule names");
			for (size_t j = 0; j < i; j++)
				if (strcmp(s->impairments[j].rule.name, name) ==
				    0)
					return scn_fail(p, v[0], kp,
					    "rule name '%s' already used on "
					    "line %u",
					    name, s->impairments[j].line);
			memcpy(rule->name, name, strlen(name) + 1);
		} else {
			snprintf(
			    rule->name, sizeof(rule->name), "rule-%zu", i + 1);
			for (size_t j = 0; j < i; j++)
				if (strcmp(s->impairments[j].rule.name,
				        rule->name) == 0)
					return scn_fail(p, it, path,
					    "the default name '%s' is taken; "
					    "give this rule a name",
					    rule->name);
		}
		scn_key(kp, sizeof(kp), path, "enabled");
		if (v[1] && (r = scn_bool(p, v[1], kp, &rule->enabled)) < 0)
			return r;
		scn_key(kp, sizeof(kp), path, "match");
		if (v[2] && (r = scn_match(p, v[2], kp, &rule->match)) < 0)
			return r;
		scn_key(kp, sizeof(kp), path, "action");
		if (v[3] == NULL)
			return scn_fail(p, it, path,
			    "a rule needs an action (drop, delay, ...)");
		if ((r = scn_action(p, v[3], kp, &rule->action)) < 0)
			return r;
		s->n_impairments = i + 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* nat */

int
scn_nat(struct scn *p, yaml_node_t *n)
{
	static const char *const keys[] = { "external-ip", "idle-timeout",
		"reverse", "asymmetric-from", "rebind-at", "expire-at", "ports",
		NULL };
	struct cs_nat_cfg *c = &p->s->nat.cfg;
	yaml_node_t *v[8];
	int r;

	if ((r = scn_map(p, n, "nat", keys, v)) < 0)
		return r;
	if (v[0] == NULL)
		return scn_fail(p, n, "nat",
		    "needs external-ip (the address the WLC sees)");
	if ((r = scn_ip(p, v[0], "nat.external-ip", &c->ext_ip)) < 0)
		return r;
	if (c->ext_ip == 0)
		return scn_fail(
		    p, v[0], "nat.external-ip", "0.0.0.0 is not an address");
	if (v[1] &&
	    (r = scn_dur(p, v[1], "nat.idle-timeout", 1, UINT64_MAX,
	         &c->idle_timeout_ms)) < 0)
		return r;
	if (v[2]) {
		bool rev;

		if ((r = scn_bool(p, v[2], "nat.reverse", &rev)) < 0)
			return r;
		c->no_reverse = !rev;
	}
	if (v[3] &&
	    (r = scn_ip(p, v[3], "nat.asymmetric-from", &c->asym_src_ip)) < 0)
		return r;
	if (v[4] &&
	    (r = scn_dur(p, v[4], "nat.rebind-at", 1, UINT64_MAX,
	         &c->rebind_at_ms)) < 0)
		return r;
	if (v[5] &&
	    (r = scn_dur(p, v[5], "nat.expire-at", 1, UINT64_MAX,
	         &c->expire_at_ms)) < 0)
		return r;
	if (v[6]) {
		const char *s, *d, *why;
		uint64_t lo, hi;
		char buf[16];

		if ((r = scn_scalar(p, v[6], "nat.ports", &s)) < 0)
			return r;
		d = strchr(s, '-');
		if (d == NULL || (size_t)(d - s) >= sizeof(buf) ||
		    (memcpy(buf, s, (size_t)(d - s)), buf[d - s] = '\0',
		        scn_parse_uint(buf, 65535, &lo, &why) < 0) ||
		    scn_parse_uint(d + 1, 65535, &hi, &why) < 0 || lo == 0 ||
		    hi < lo)
			return scn_fail(p, v[6], "nat.ports",
			    "expected a port range such as 20000-29999");
		c->port_min = (uint16_t)lo;
		c->port_max = (uint16_t)hi;
	}
	p->s->nat.enabled = true;
	return 0;
}
