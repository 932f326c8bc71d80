/* SPDX-License-Identifier: MIT */
/*
 * One-line impairment rule syntax ("dir=down kind=client-hello
 * action=drop prob=0.5"), used by `capsim proxy --rule` and available to
 * scenario loaders.  Kind words are matched against the names lib/wire
 * already has for DTLS handshake types and CAPWAP messages, so there is no
 * second table to keep in sync.
 */
#include "capsim/impair.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/dtls_peek.h"
#include "capsim/values.h"
#include "impair-internal.h"

#define PARSE_WORD_MAX 256

/* Action bits, to check that parameters have their action. */
enum {
	PA_DROP = 1 << 0,
	PA_DELAY = 1 << 1,
	PA_DUP = 1 << 2,
	PA_REORDER = 1 << 3,
	PA_CORRUPT = 1 << 4,
	PA_TRUNC = 1 << 5,
	PA_MTU = 1 << 6,
	PA_RATE = 1 << 7,
	PA_LINK = 1 << 8,
};

static const struct {
	const char *name;
	unsigned bit;
} actions[] = {
	{ "drop", PA_DROP },
	{ "delay", PA_DELAY },
	{ "duplicate", PA_DUP },
	{ "reorder", PA_REORDER },
	{ "corrupt", PA_CORRUPT },
	{ "truncate", PA_TRUNC },
	{ "mtu", PA_MTU },
	{ "rate", PA_RATE },
	{ "link-down", PA_LINK },
};

/* Equal ignoring case and every character that is not a letter or digit:
 * "client-hello" == "ClientHello", "join-request" == "Join Request". */
static bool
word_eq(const char *a, size_t alen, const char *b)
{
	size_t i = 0;

	for (;;) {
		while (i < alen && !isalnum((unsigned char)a[i]))
			i++;
		while (*b != '\0' && !isalnum((unsigned char)*b))
			b++;
		if (i == alen || *b == '\0')
			return i == alen && *b == '\0';
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)*b))
			return false;
		i++;
		b++;
	}
}

/* Returns 0 kind word, 1 handshake type, 2 message type, 3 client kinds
 * (*val a CS_CK_BIT() set); -EINVAL. */
static int
kind_word(const char *w, size_t len, enum cs_pkt_kind *kind, uint32_t *val)
{
	unsigned i;

	if ((*val = impair_client_word(w, len)) != 0)
		return 3;

	for (i = 0; i < CS_PK__COUNT; i++) {
		if (strlen(cs_pkt_kind_name((enum cs_pkt_kind)i)) == len &&
		    strncmp(w, cs_pkt_kind_name((enum cs_pkt_kind)i), len) ==
		        0) {
			*kind = (enum cs_pkt_kind)i;
			return 0;
		}
	}
	for (i = 0; i <= 24; i++) {
		const char *n = cs_dtls_hs_name((uint8_t)i);

		if (n != NULL && word_eq(w, len, n)) {
			*val = i;
			return 1;
		}
	}
	for (i = 1; i <= 26; i++) {
		if (word_eq(w, len, cs_msg_type_name(i))) {
			*val = i;
			return 2;
		}
	}
	if (word_eq(w, len, cs_msg_type_name(CS_MSG_WLAN_CONFIG_REQ))) {
		*val = CS_MSG_WLAN_CONFIG_REQ;
		return 2;
	}
	if (word_eq(w, len, cs_msg_type_name(CS_MSG_WLAN_CONFIG_RESP))) {
		*val = CS_MSG_WLAN_CONFIG_RESP;
		return 2;
	}
	return -EINVAL;
}

int
cs_impair_kind_parse(const char *word, struct cs_impair_match *m)
{
	struct cs_impair_match t;
	const char *p, *e;
	unsigned groups = 0, n_words = 0, n_kinds = 0;

	if (word == NULL || m == NULL || word[0] == '\0')
		return -EINVAL;
	t = *m;
	t.kind = CS_PK_ANY;
	t.hs_mask = 0;
	t.n_msg_types = 0;
	t.is_kind_list = false;
	t.kind_list = 0;
	t.cl_mask = 0;
	for (p = word;; p = e + 1) {
		enum cs_pkt_kind k = CS_PK_ANY;
		uint32_t v = 0;
		int g;

		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		if (e == p || (g = kind_word(p, (size_t)(e - p), &k, &v)) < 0)
			return -EINVAL;
		groups |= 1u << g;
		n_words++;
		if (g == 0) {
			if (k == CS_PK_ANY && (n_words > 1 || *e != '\0'))
				return -EINVAL; /* "any" in a list says nothing
				                 */
			t.kind_list |= CS_PK_BIT(k);
			t.kind = k;
			n_kinds++;
		} else if (g == 1) {
			t.hs_mask |= CS_HS_BIT(v);
			/* Finished travels encrypted (RFC 5246 §7.4.9) */
			if (v == CS_DTLS_HS_FINISHED)
				t.hs_mask |= CS_HS_ENCRYPTED;
		} else if (g == 3) {
			t.cl_mask |= v;
		} else {
			if (t.n_msg_types >= CS_IMPAIR_MAX_MSG_TYPES)
				return -EINVAL;
			t.msg_types[t.n_msg_types++] = v;
		}
		if (*e == '\0')
			break;
	}
	if (n_kinds > 1 || (groups & (groups - 1u)) != 0) {
		/* several kinds, or kinds of different groups: any of them */
		t.kind = CS_PK_ANY;
		t.is_kind_list = true;
	} else {
		t.kind_list = 0;
		if (groups == 1u << 1)
			t.kind = CS_PK_DTLS_HANDSHAKE;
	}
	*m = t;
	return 0;
}

/* ----- value parsers (whole string must be consumed) ----- */

static int
parse_u64(const char *s, uint64_t *out)
{
	return cs_val_uint(s, UINT64_MAX, out, NULL);
}

/*
 * Why the last value was refused, as "VALUE: reason" from the values
 * module.  cs_err.what points here: per thread, valid until the next
 * parse on this thread.
 */
static _Thread_local char rp_why[CS_VAL_WHY_LEN + 48];

/* A values module result r for val: 0, or -EINVAL with the reason kept. */
static int
rp_check(int r, const char *val, const struct cs_val_err *e)
{
	if (r >= 0)
		return 0;
	snprintf(rp_why, sizeof(rp_why), "%.40s: %s", val, e->why);
	return -EINVAL;
}

/* A duration by the one grammar (capsim/values.h) -> ms */
static int
parse_dur(const char *s, uint64_t *out)
{
	struct cs_val_err e;

	return rp_check(cs_val_ms(s, out, &e), s, &e);
}

/* Bytes by the one grammar (1500, 64k) */
static int
parse_bytes(const char *s, uint64_t *out)
{
	struct cs_val_err e;

	return rp_check(cs_val_size(s, out, &e), s, &e);
}

static int
parse_mac(const char *s, size_t len, uint8_t mac[6])
{
	struct cs_val_err e;
	char buf[32];

	if (len >= sizeof(buf)) {
		snprintf(rp_why, sizeof(rp_why), "%.*s...: not a MAC", 20, s);
		return -EINVAL;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	return rp_check(cs_val_mac(buf, mac, &e), buf, &e);
}

/* "LO-HI" or "N" into two values via `one` */
static int
parse_pair(const char *s, char sep, int (*one)(const char *, uint64_t *),
    uint64_t *lo, uint64_t *hi)
{
	char buf[PARSE_WORD_MAX];
	char *d;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	if ((d = strchr(buf, sep)) == NULL) {
		if (one(buf, lo) < 0)
			return -EINVAL;
		*hi = *lo;
		return 0;
	}
	*d = '\0';
	if (one(buf, lo) < 0 || one(d + 1, hi) < 0 || *hi < *lo)
		return -EINVAL;
	return 1;
}

static int
parse_macs(const char *s, struct cs_apsel *sel)
{
	const char *p, *e;

	sel->n_macs = 0;
	for (p = s;; p = e + 1) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		if (sel->n_macs >= CS_APSEL_MAX_MACS ||
		    parse_mac(p, (size_t)(e - p), sel->macs[sel->n_macs]) < 0)
			return -EINVAL;
		sel->n_macs++;
		if (*e == '\0')
			return 0;
	}
}

static int
parse_actions(const char *s, unsigned *mask)
{
	const char *p, *e;
	size_t i;

	for (p = s;; p = e + 1) {
		bool found = false;

		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		for (i = 0; i < CS_ARRAY_SIZE(actions); i++) {
			if (strlen(actions[i].name) == (size_t)(e - p) &&
			    strncmp(p, actions[i].name, (size_t)(e - p)) == 0) {
				*mask |= actions[i].bit;
				found = true;
			}
		}
		if (!found)
			return -EINVAL;
		if (*e == '\0')
			return 0;
	}
}

/* ----- the match vocabulary, shared by --rule and scenario files ----- */

/* A reason with numbers in it: per thread, valid until the next call. */
static _Thread_local char ms_why[128];

static int
ms_fail(const char **why, const char *text)
{
	*why = text;
	return -EINVAL;
}

/* A count in min..max for the key (why says the range). */
static int
ms_count(const char *val, uint64_t min, uint64_t max, uint64_t *out,
    const char **why)
{
	uint64_t v;

	if (parse_u64(val, &v) < 0)
		return ms_fail(why, "expected a whole number");
	if (v < min || v > max) {
		snprintf(ms_why, sizeof(ms_why),
		    "must be between %llu and %llu", (unsigned long long)min,
		    (unsigned long long)max);
		return ms_fail(why, ms_why);
	}
	*out = v;
	return 0;
}

/* ">1200", ">=1200", "<100", "<=100" (op '='), or op '<' / '>' with the
 * number (">=": val starts with '='); "100-200", "1200" (op '='). */
static int
ms_size(struct cs_impair_match *m, char op, const char *val, const char **why)
{
	static const char bad[] = "expected a size in bytes such as >1200, "
	                          "<=100, 100-200 or 1200";
	uint64_t a, b;
	bool eq;

	if (op == '=' && (val[0] == '<' || val[0] == '>')) {
		op = val[0];
		val++;
	}
	eq = op != '=' && val[0] == '=';
	if (eq)
		val++;
	if (op == '=') {
		int r = parse_pair(val, '-', parse_bytes, &a, &b);

		if (r < 0 && strchr(val, '-') != NULL &&
		    parse_bytes(val, &a) < 0) {
			const char *d = strchr(val, '-');
			char lo[24];

			if ((size_t)(d - val) < sizeof(lo)) {
				memcpy(lo, val, (size_t)(d - val));
				lo[d - val] = '\0';
				if (parse_bytes(lo, &a) == 0 &&
				    parse_bytes(d + 1, &b) == 0 && b < a)
					return ms_fail(
					    why, "range runs backwards");
			}
		}
		if (r < 0 || a > 65535 || b > 65535)
			return ms_fail(why, bad);
		if (b == 0)
			return ms_fail(why, "matches no datagram");
		m->size_min = (size_t)a;
		m->size_max = (size_t)b;
		return 0;
	}
	if (parse_bytes(val, &a) < 0 || a > 65535)
		return ms_fail(why, bad);
	if (op == '>') {
		a += eq ? 0 : 1;
		if (a > 65535)
			return ms_fail(why, "matches no datagram");
		m->size_min = (size_t)a;
		m->size_max = 0;
		return 0;
	}
	if (!eq) {
		if (a <= 1)
			return ms_fail(why, "matches no datagram");
		a -= 1;
	} else if (a == 0) {
		return ms_fail(why, "matches no datagram");
	}
	m->size_min = 0;
	m->size_max = (size_t)a;
	return 0;
}

/* "10s-20s" (from 10 s until 20 s) or "10s-" (from 10 s on). */
static int
ms_window(struct cs_impair_match *m, const char *val, const char **why)
{
	static const char bad[] = "expected a time window such as 10s-20s or "
	                          "10s- (open end)";
	const char *d = strchr(val, '-');
	uint64_t a, b = 0;
	char lo[48];

	if (d == NULL || d == val || (size_t)(d - val) >= sizeof(lo))
		return ms_fail(why, bad);
	memcpy(lo, val, (size_t)(d - val));
	lo[d - val] = '\0';
	if (parse_dur(lo, &a) < 0 || (d[1] != '\0' && parse_dur(d + 1, &b) < 0))
		return ms_fail(why, bad);
	if (d[1] != '\0' && b <= a)
		return ms_fail(why, "the window ends before it starts");
	m->from_ms = a;
	m->until_ms = b;
	return 0;
}

/* "0-9,20,30-39" through the values module (capsim/values.h), into the
 * AP or the client selector. */
static int
ms_ranges(struct cs_apsel *to, const char *val, const char **why)
{
	struct cs_apsel sel = *to;
	struct cs_val_err e;

	if (rp_check(cs_val_ap_ranges(val, 0, &sel, &e), val, &e) < 0) {
		snprintf(ms_why, sizeof(ms_why), "%s", e.why);
		return ms_fail(why, ms_why);
	}
	*to = sel;
	return 0;
}

static int
ms_macs(struct cs_apsel *to, const char *val, const char **why)
{
	if (parse_macs(val, to) < 0) {
		snprintf(ms_why, sizeof(ms_why),
		    "expected at most %d MAC addresses such as "
		    "00:11:22:33:44:55, separated by ','",
		    CS_APSEL_MAX_MACS);
		return ms_fail(why, ms_why);
	}
	return 0;
}

int
cs_impair_match_set(struct cs_impair_match *m, const char *key, char op,
    const char *val, const char **why)
{
	struct cs_impair_match t;
	uint64_t u;
	int r = 0;

	if (m == NULL || key == NULL || val == NULL || why == NULL)
		return -EINVAL;
	*why = "bad value";
	if (op != '=' && strcmp(key, "size") != 0)
		return ms_fail(why, "only size takes < or >");
	t = *m;
	if (strcmp(key, "dir") == 0) {
		if (strcmp(val, "up") == 0)
			t.dir_mask = CS_PK_BIT(CS_DIR_UP);
		else if (strcmp(val, "down") == 0)
			t.dir_mask = CS_PK_BIT(CS_DIR_DOWN);
		else if (strcmp(val, "both") == 0)
			t.dir_mask = 0;
		else
			r = ms_fail(why, "expected one of up, down, both");
	} else if (strcmp(key, "chan") == 0) {
		t.has_chan = true;
		if (strcmp(val, "control") == 0)
			t.chan = CS_CHAN_CONTROL;
		else if (strcmp(val, "data") == 0)
			t.chan = CS_CHAN_DATA;
		else
			r = ms_fail(why, "expected one of control, data");
	} else if (strcmp(key, "port") == 0) {
		if ((r = ms_count(val, 1, 65535, &u, why)) == 0)
			t.port = (uint16_t)u;
	} else if (strcmp(key, "kind") == 0) {
		if ((r = cs_impair_kind_parse(val, &t)) < 0)
			*why = "unknown packet kind, 'any' in a list, or more "
			       "than 8 CAPWAP messages (client traffic: "
			       "client, auth, assoc-request, eapol-m1..m4, "
			       "dhcp-discover, arp, icmp-echo, ...)";
	} else if (strcmp(key, "aps") == 0) {
		r = ms_ranges(&t.aps, val, why);
	} else if (strcmp(key, "clients") == 0) {
		r = ms_ranges(&t.clients, val, why);
	} else if (strcmp(key, "client-mac") == 0 ||
	    strcmp(key, "client-macs") == 0) {
		r = ms_macs(&t.clients, val, why);
	} else if (strcmp(key, "share") == 0) {
		struct cs_val_err e;

		t.aps.has_share = true;
		if (rp_check(cs_val_percent(val, &t.aps.share, &e), val, &e) <
		    0) {
			snprintf(ms_why, sizeof(ms_why), "%s", e.why);
			r = ms_fail(why, ms_why);
		}
	} else if (strcmp(key, "every-ap") == 0) {
		if ((r = ms_count(val, 1, 0xffffffffu, &u, why)) == 0)
			t.aps.every = (unsigned)u;
	} else if (strcmp(key, "mac") == 0 || strcmp(key, "macs") == 0) {
		r = ms_macs(&t.aps, val, why);
	} else if (strcmp(key, "size") == 0) {
		r = ms_size(&t, op, val, why);
	} else if (strcmp(key, "window") == 0) {
		r = ms_window(&t, val, why);
	} else if (strcmp(key, "from") == 0 || strcmp(key, "until") == 0) {
		if (parse_dur(val, &u) < 0)
			r = ms_fail(why,
			    "expected a duration such as 500ms or "
			    "2s");
		else if (key[0] == 'f')
			t.from_ms = u;
		else
			t.until_ms = u;
	} else if (strcmp(key, "first") == 0) {
		r = ms_count(val, 1, UINT64_MAX, &t.first, why);
	} else if (strcmp(key, "every") == 0) {
		r = ms_count(val, 1, UINT64_MAX, &t.every, why);
	} else if (strcmp(key, "after") == 0) {
		r = ms_count(val, 1, UINT64_MAX, &t.after, why);
	} else {
		return -ENOENT; /* not a match key */
	}
	if (r < 0)
		return -EINVAL;
	*m = t;
	return 0;
}

/* The --rule keys of action fields (capsim/impair.h, impair_field.c),
 * and the action= each belongs to. */
static const struct {
	const char *key;
	enum cs_impair_field field;
	unsigned action;
} rule_fields[] = {
	{ "delay", CS_IF_DELAY, PA_DELAY },
	{ "copies", CS_IF_DUP_COPIES, PA_DUP },
	{ "hold", CS_IF_REORDER_HOLD, PA_REORDER },
	{ "hold-ms", CS_IF_REORDER_HOLD_TIME, PA_REORDER },
	{ "bytes", CS_IF_CORRUPT_BYTES, PA_CORRUPT },
	{ "offset", CS_IF_CORRUPT_OFFSET, PA_CORRUPT },
	{ "len", CS_IF_TRUNCATE, PA_TRUNC },
	{ "mtu", CS_IF_MTU, PA_MTU },
	{ "pps", CS_IF_RATE_PPS, PA_RATE },
	{ "bps", CS_IF_RATE_BPS, PA_RATE },
	{ "down-from", CS_IF_DOWN_FROM, PA_LINK },
	{ "down-until", CS_IF_DOWN_UNTIL, PA_LINK },
};

/* State while parsing one rule. */
struct rp {
	struct cs_impair_rule r;
	unsigned acts;  /* PA_* given by action= */
	unsigned needs; /* PA_* some parameter belongs to */
	bool has_prob, has_burst;
	double prob;
};

/* Applies one key=value (or key<value, key>value) word. */
static int
parse_word(
    struct rp *st, const char *key, char op, const char *val, const char **why)
{
	struct cs_impair_match *m = &st->r.match;
	struct cs_impair_action *a = &st->r.action;
	int r;

	*why = "bad value";
	if (op != '=' && strcmp(key, "size") != 0) {
		*why = "only size takes < or >";
		return -EINVAL;
	}
	if (strcmp(key, "name") == 0) {
		if (strlen(val) >= sizeof(st->r.name)) {
			*why = "name too long";
			return -EINVAL;
		}
		strcpy(st->r.name, val);
		return 0;
	}
	if (strcmp(key, "enabled") == 0)
		return impair_bool(val, &st->r.enabled);
	if ((r = cs_impair_match_set(m, key, op, val, why)) != -ENOENT)
		return r;
	if (strcmp(key, "action") == 0) {
		*why = "unknown action";
		return parse_actions(val, &st->acts);
	}
	if (strcmp(key, "prob") == 0) {
		/* one probability for every action of the rule */
		struct cs_impair_action tmp = { 0 };

		if (cs_impair_field_set(&tmp, CS_IF_DROP_PROB, val, why) < 0)
			return -EINVAL;
		st->has_prob = true;
		st->prob = tmp.drop_prob;
		return 0;
	}
	if (strcmp(key, "burst") == 0) {
		/* drop's burst or rate's bucket depth, whichever is given */
		st->has_burst = true;
		if (cs_impair_field_set(a, CS_IF_RATE_BURST, val, why) < 0)
			return -EINVAL;
		a->drop_burst = (unsigned)a->rate_burst;
		return 0;
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(rule_fields); i++)
		if (strcmp(key, rule_fields[i].key) == 0) {
			st->needs |= rule_fields[i].action;
			return cs_impair_field_set(
			    a, rule_fields[i].field, val, why);
		}
	*why = "unknown key";
	return -EINVAL;
}

/* Turns the action= set into the has_* flags and checks completeness. */
static int
parse_finish(struct rp *st, const char **why)
{
	struct cs_impair_action *a = &st->r.action;
	double p = st->has_prob ? st->prob : 1.0;

	if ((st->needs & ~st->acts) != 0 ||
	    (st->has_burst && (st->acts & (PA_DROP | PA_RATE)) == 0)) {
		*why = "parameter without its action=";
		return -EINVAL;
	}
	if (st->has_prob &&
	    (st->acts & (PA_DROP | PA_DUP | PA_REORDER | PA_CORRUPT)) == 0) {
		*why = "prob= needs drop, duplicate, reorder or corrupt";
		return -EINVAL;
	}
	if (st->acts & PA_DROP) {
		a->has_drop = true;
		a->drop_prob = p;
	}
	if (!(st->acts & PA_RATE))
		a->rate_burst = 0;
	if (!(st->acts & PA_DROP))
		a->drop_burst = 0;
	if ((st->acts & PA_DELAY) && a->delay == CS_DELAY_NONE) {
		*why = "action=delay needs delay=";
		return -EINVAL;
	}
	if (st->acts & PA_DUP) {
		a->has_duplicate = true;
		a->dup_prob = p;
	}
	if (st->acts & PA_REORDER) {
		a->has_reorder = true;
		a->reorder_prob = p;
		if (a->hold_pkts == 0 && a->hold_ms == 0)
			a->hold_pkts = 1;
	}
	if (st->acts & PA_CORRUPT) {
		a->has_corrupt = true;
		a->corrupt_prob = p;
	}
	if (st->acts & PA_TRUNC)
		a->has_truncate = true;
	if ((st->acts & PA_MTU) && a->mtu == 0) {
		*why = "action=mtu needs mtu=";
		return -EINVAL;
	}
	if ((st->acts & PA_RATE) && a->rate_pps <= 0 && a->rate_bytes_ps <= 0) {
		*why = "action=rate needs pps= or bps=";
		return -EINVAL;
	}
	if (st->acts & PA_LINK)
		a->has_link_down = true;
	if (a->has_link_down && a->down_until_ms != 0 &&
	    a->down_until_ms <= a->down_from_ms) {
		*why = "down-until must be after down-from";
		return -EINVAL;
	}
	if (st->r.match.until_ms != 0 &&
	    st->r.match.until_ms <= st->r.match.from_ms) {
		*why = "until must be after from";
		return -EINVAL;
	}
	return 0;
}

int
cs_impair_rule_parse(
    const char *text, struct cs_impair_rule *out, struct cs_err *err)
{
	struct rp st;
	const char *p = text, *why = NULL;
	int r;

	if (text == NULL || out == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	memset(&st, 0, sizeof(st));
	st.r.enabled = true;
	for (;;) {
		char word[PARSE_WORD_MAX];
		const char *start;
		char *sep;
		char op;
		size_t n;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		n = (size_t)(p - start);
		if (n >= sizeof(word))
			return cs_err_set(err, -EINVAL, "word too long",
			    (size_t)(start - text));
		memcpy(word, start, n);
		word[n] = '\0';
		sep = strpbrk(word, "=<>");
		if (sep == NULL || sep == word || sep[1] == '\0')
			return cs_err_set(err, -EINVAL, "expected key=value",
			    (size_t)(start - text));
		op = *sep;
		*sep = '\0';
		rp_why[0] = '\0';
		if ((r = parse_word(&st, word, op, sep + 1, &why)) < 0)
			return cs_err_set(err, -EINVAL,
			    rp_why[0] != '\0' ? rp_why : why,
			    (size_t)(start - text));
	}
	if (parse_finish(&st, &why) < 0)
		return cs_err_set(err, -EINVAL, why, 0);
	*out = st.r;
	return 0;
}
