/* SPDX-License-Identifier: MIT */
/*
 * Impairment engine: classifies datagrams from the wire (and sender
 * hints), matches them against ordered rules and returns a verdict.  Pure:
 * the caller supplies `now`; every random choice comes from a counter-based
 * RNG keyed by (seed, rule, AP, packet number), so verdicts are
 * reproducible per AP whatever the thread or AP interleaving.
 */
#include "capsim/impair.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "capsim/dtls_peek.h"
#include "impair-internal.h"

/* ---------------------------------------------------------------------
 * RNG: splitmix64 (Steele, Lea, Flood 2014, cs_mix64 in capsim/values.h)
 * used as a keyed hash and as a stream; small, fast, and good enough for
 * impairment decisions.
 */

struct imp_rng {
	uint64_t s;
};

static void
imp_rng_init(
    struct imp_rng *r, uint64_t seed, unsigned rule, unsigned ap, uint64_t n)
{
	r->s = cs_mix64(seed ^ cs_mix64((uint64_t)rule << 32 ^ ap) ^
	    cs_mix64(n + 0x5bd1e995ull));
}

static uint64_t
imp_rng_next(struct imp_rng *r)
{
	r->s += 0x9e3779b97f4a7c15ull;
	return cs_mix64(r->s);
}

/* Uniform in [0, 1). */
static double
imp_rng_unit(struct imp_rng *r)
{
	return (double)(imp_rng_next(r) >> 11) * 0x1p-53;
}

/* true with probability p (0 means "always", see impair.h). */
static bool
imp_rng_chance(struct imp_rng *r, double p)
{
	if (p <= 0.0 || p >= 1.0) {
		(void)imp_rng_next(r); /* keep the stream position stable */
		return true;
	}
	return imp_rng_unit(r) < p;
}

/* Uniform integer in [0, n), n > 0 (modulo bias negligible for n << 2^64).
 */
static uint64_t
imp_rng_below(struct imp_rng *r, uint64_t n)
{
	return imp_rng_next(r) % n;
}

/* Standard normal by Box-Muller. */
static double
imp_rng_normal(struct imp_rng *r)
{
	double u1 = imp_rng_unit(r), u2 = imp_rng_unit(r);

	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* ---------------------------------------------------------------------
 * Classification
 */

static const char *const pkt_kind_names[] = {
	[CS_PK_ANY] = "any",
	[CS_PK_DISCOVERY] = "discovery",
	[CS_PK_DTLS_HANDSHAKE] = "dtls-handshake",
	[CS_PK_DTLS_CCS] = "dtls-ccs",
	[CS_PK_DTLS_ALERT] = "dtls-alert",
	[CS_PK_DTLS_APPDATA] = "dtls-appdata",
	[CS_PK_CONTROL] = "control",
	[CS_PK_KEEPALIVE] = "keepalive",
	[CS_PK_DATA] = "data",
	[CS_PK_DTLS] = "dtls",
};
_Static_assert(CS_ARRAY_SIZE(pkt_kind_names) == CS_PK__COUNT,
    "pkt_kind_names[] out of sync with enum cs_pkt_kind");

const char *
cs_pkt_kind_name(enum cs_pkt_kind k)
{
	if ((unsigned)k >= CS_PK__COUNT)
		return NULL;
	return pkt_kind_names[k];
}

static bool
imp_is_discovery(uint32_t t)
{
	return t == CS_MSG_DISCOVERY_REQ || t == CS_MSG_DISCOVERY_RESP ||
	    t == CS_MSG_PRIMARY_DISCOVERY_REQ ||
	    t == CS_MSG_PRIMARY_DISCOVERY_RESP;
}

/* Clear CAPWAP (RFC 5415 §4.3, §4.5.1): header, then on the control
 * channel the control header with the message type. */
static void
imp_classify_clear(const struct cs_pkt_meta *m, struct cs_pkt_class *c)
{
	struct cs_capwap_hdr h;
	struct cs_ctl_hdr ctl;
	struct cs_rd rd;

	cs_rd_init(&rd, m->pkt, m->len);
	if (cs_capwap_hdr_decode(&rd, &h, NULL) < 0) {
		c->is_malformed = true;
		return;
	}
	if (m->chan == CS_CHAN_DATA) {
		c->kinds |= CS_PK_BIT(CS_PK_DATA);
		if (h.is_keepalive)
			c->kinds |= CS_PK_BIT(CS_PK_KEEPALIVE);
		return;
	}
	if (h.is_fragment && h.frag_off != 0) {
		/* a later fragment: no control header to read */
		c->kinds |= CS_PK_BIT(CS_PK_CONTROL);
		return;
	}
	if (cs_ctl_hdr_decode(&rd, &ctl, NULL) < 0) {
		c->is_malformed = true;
		return;
	}
	c->msg_type = ctl.type;
	c->kinds |= CS_PK_BIT(CS_PK_CONTROL);
	if (imp_is_discovery(ctl.type))
		c->kinds |= CS_PK_BIT(CS_PK_DISCOVERY);
}

/* CAPWAP DTLS header + DTLS records (RFC 5415 §4.2, RFC 6347 §4.1). */
static void
imp_classify_dtls(const struct cs_pkt_meta *m, struct cs_pkt_class *c)
{
	struct cs_dtls_peek pk;
	unsigned i;

	c->is_dtls = true;
	c->kinds |= CS_PK_BIT(CS_PK_DTLS);
	if (cs_dtls_peek_capwap(m->pkt, m->len, &pk, NULL) < 0) {
		c->is_malformed = true;
		return;
	}
	for (i = 0; i < pk.n_records; i++) {
		const struct cs_dtls_record *r = &pk.rec[i];

		switch (r->content_type) {
		case CS_DTLS_CT_HANDSHAKE:
			c->kinds |= CS_PK_BIT(CS_PK_DTLS_HANDSHAKE);
			if (r->epoch != 0)
				c->hs_mask |= CS_HS_ENCRYPTED;
			break;
		case CS_DTLS_CT_CHANGE_CIPHER_SPEC:
			c->kinds |= CS_PK_BIT(CS_PK_DTLS_CCS);
			break;
		case CS_DTLS_CT_ALERT:
			c->kinds |= CS_PK_BIT(CS_PK_DTLS_ALERT);
			break;
		case CS_DTLS_CT_APPLICATION_DATA:
			c->kinds |= CS_PK_BIT(CS_PK_DTLS_APPDATA);
			break;
		default:
			break;
		}
	}
	for (i = 0; i < pk.n_hs; i++)
		if (pk.hs[i].msg_type <= 24)
			c->hs_mask |= CS_HS_BIT(pk.hs[i].msg_type);
	if (m->chan == CS_CHAN_DATA)
		c->kinds |= CS_PK_BIT(CS_PK_DATA);
}

/* Most specific kind first. */
static const enum cs_pkt_kind kind_order[] = {
	CS_PK_DISCOVERY,
	CS_PK_KEEPALIVE,
	CS_PK_DTLS_ALERT,
	CS_PK_DTLS_HANDSHAKE,
	CS_PK_DTLS_CCS,
	CS_PK_CONTROL,
	CS_PK_DTLS_APPDATA,
	CS_PK_DATA,
	CS_PK_DTLS,
};

/* cs_impair_classify; the client part only when asked (rules that look
 * at clients), as it reads deeper into every data-channel datagram. */
static int
imp_classify(
    const struct cs_pkt_meta *m, struct cs_pkt_class *out, bool with_clients)
{
	struct cs_pkt_class c;
	uint8_t pt;
	size_t i;

	if (m == NULL || out == NULL || (m->pkt == NULL && m->len != 0))
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.client = CS_CLIENT_UNKNOWN;
	if (cs_capwap_preamble_peek(m->pkt, m->len, &pt) < 0) {
		c.is_malformed = true;
	} else if (pt == CS_PREAMBLE_CAPWAP) {
		imp_classify_clear(m, &c);
		if (with_clients && !c.is_malformed)
			impair_classify_client(m, &c);
	} else {
		imp_classify_dtls(m, &c);
	}
	if (m->chan == CS_CHAN_DATA)
		c.kinds |= CS_PK_BIT(CS_PK_DATA);
	if (m->hint != NULL) {
		/* The sender knows what its protected record carries. */
		if (m->hint->msg_type != 0 && c.msg_type == 0) {
			c.msg_type = m->hint->msg_type;
			c.kinds |= CS_PK_BIT(CS_PK_CONTROL);
			if (imp_is_discovery(c.msg_type))
				c.kinds |= CS_PK_BIT(CS_PK_DISCOVERY);
		}
		if (m->hint->is_keepalive)
			c.kinds |= CS_PK_BIT(CS_PK_KEEPALIVE);
	}
	c.kind = CS_PK_ANY;
	for (i = 0; i < CS_ARRAY_SIZE(kind_order); i++) {
		if (c.kinds & CS_PK_BIT(kind_order[i])) {
			c.kind = kind_order[i];
			break;
		}
	}
	*out = c;
	return 0;
}

int
cs_impair_classify(const struct cs_pkt_meta *m, struct cs_pkt_class *out)
{
	return imp_classify(m, out, /* with_clients= */ true);
}

/* ---------------------------------------------------------------------
 * Engine state
 */

/* State of one rule for one AP (or for the whole rule when shared). */
struct imp_state {
	uint64_t key;  /* rule << 32 | ap, + 1 (0 = empty slot) */
	uint64_t seen; /* packets that passed the static match parts */
	unsigned burst_left;
	bool has_bucket;
	double tok_pkts, tok_bytes;
	uint64_t tok_ms;
};

struct imp_rule {
	struct cs_impair_rule r;
	struct cs_impair_stats st;
	struct imp_state shared; /* rate_shared bucket */
};

struct imp_held {
	struct imp_held *next;
	unsigned rule;
	unsigned ap;
	enum cs_dir dir;
	enum cs_chan chan;
	uint32_t src_ip, dst_ip;
	uint16_t src_port, dst_port;
	bool has_mac;
	uint8_t mac[6];
	unsigned pkts_left; /* 0 = not counting */
	bool by_pkts;
	uint64_t due_ms; /* UINT64_MAX = not by time */
	size_t len;
	uint8_t data[];
};

struct cs_impair {
	uint64_t seed;
	struct imp_rule *rules;
	unsigned n_rules, cap_rules;
	struct imp_state *tab; /* open addressing, linear probing */
	size_t tab_cap, tab_used;
	struct imp_held *held, **held_tail;
	size_t n_held;
	bool needs_clients; /* a rule looks at client traffic */
};

int
cs_impair_new(struct cs_impair **ret, uint64_t seed)
{
	struct cs_impair *imp;

	if (ret == NULL)
		return -EINVAL;
	if ((imp = calloc(1, sizeof(*imp))) == NULL)
		return -ENOMEM;
	imp->seed = seed;
	imp->held_tail = &imp->held;
	*ret = imp;
	return 0;
}

void
cs_impair_free(struct cs_impair *imp)
{
	struct imp_held *h, *next;

	if (imp == NULL)
		return;
	for (h = imp->held; h != NULL; h = next) {
		next = h->next;
		free(h);
	}
	free(imp->tab);
	free(imp->rules);
	free(imp);
}

static bool
imp_prob_ok(double p)
{
	return p >= 0.0 && p <= 1.0; /* false for NaN */
}

static bool
imp_rule_valid(const struct cs_impair_rule *rule)
{
	const struct cs_impair_match *m = &rule->match;
	const struct cs_impair_action *a = &rule->action;
	size_t i;

	if (memchr(rule->name, '\0', sizeof(rule->name)) == NULL)
		return false;
	if ((m->dir_mask & ~(CS_PK_BIT(CS_DIR_UP) | CS_PK_BIT(CS_DIR_DOWN))) !=
	    0)
		return false;
	if (m->aps.n_ranges > CS_APSEL_MAX_RANGES ||
	    m->aps.n_macs > CS_APSEL_MAX_MACS ||
	    m->n_msg_types > CS_IMPAIR_MAX_MSG_TYPES)
		return false;
	for (i = 0; i < m->aps.n_ranges; i++)
		if (m->aps.ranges[i].lo > m->aps.ranges[i].hi)
			return false;
	if (m->aps.has_share && !imp_prob_ok(m->aps.share))
		return false;
	if (m->clients.n_ranges > CS_APSEL_MAX_RANGES ||
	    m->clients.n_macs > CS_APSEL_MAX_MACS ||
	    (m->clients.has_share && !imp_prob_ok(m->clients.share)))
		return false;
	for (i = 0; i < m->clients.n_ranges; i++)
		if (m->clients.ranges[i].lo > m->clients.ranges[i].hi)
			return false;
	if ((m->cl_mask & ~CS_CK_VALID_MASK) != 0)
		return false;
	if ((unsigned)m->kind >= CS_PK__COUNT)
		return false;
	/* a kind list stands instead of kind; bit 0 (CS_PK_ANY) means
	 * nothing in a list */
	if ((m->kind_list & ~(CS_PK_BIT(CS_PK__COUNT) - 1u)) != 0 ||
	    (m->kind_list & CS_PK_BIT(CS_PK_ANY)) != 0 ||
	    (!m->is_kind_list && m->kind_list != 0) ||
	    (m->is_kind_list && m->kind != CS_PK_ANY))
		return false;
	if ((m->hs_mask & ~CS_HS_VALID_MASK) != 0)
		return false;
	if (m->has_chan && m->chan != CS_CHAN_CONTROL &&
	    m->chan != CS_CHAN_DATA)
		return false;
	if (m->size_max != 0 && m->size_min > m->size_max)
		return false;
	if (m->until_ms != 0 && m->until_ms <= m->from_ms)
		return false;
	if (a->has_link_down && a->down_until_ms != 0 &&
	    a->down_until_ms <= a->down_from_ms)
		return false;
	if (!(a->rate_pps >= 0.0) || !(a->rate_bytes_ps >= 0.0) ||
	    !(a->rate_burst >= 0.0))
		return false;
	if ((a->has_drop && !imp_prob_ok(a->drop_prob)) ||
	    (a->has_corrupt && !imp_prob_ok(a->corrupt_prob)) ||
	    (a->has_duplicate && !imp_prob_ok(a->dup_prob)) ||
	    (a->has_reorder && !imp_prob_ok(a->reorder_prob)))
		return false;
	switch (a->delay) {
	case CS_DELAY_NONE:
	case CS_DELAY_FIXED:
	case CS_DELAY_NORMAL:
		break;
	case CS_DELAY_UNIFORM:
		if (a->delay_hi_ms < a->delay_ms)
			return false;
		break;
	default:
		return false;
	}
	if (a->has_duplicate && a->dup_copies >= CS_IMPAIR_MAX_DELIVER)
		return false;
	if (a->has_reorder && a->hold_pkts == 0 && a->hold_ms == 0)
		return false;
	return true;
}

static bool imp_has_clients(const struct cs_impair_match *mt);

int
cs_impair_add(
    struct cs_impair *imp, const struct cs_impair_rule *rule, unsigned *id)
{
	struct imp_rule *nr;

	if (imp == NULL || rule == NULL || !imp_rule_valid(rule))
		return -EINVAL;
	if (rule->name[0] != '\0' && cs_impair_find(imp, rule->name) >= 0)
		return -EEXIST;
	if (imp->n_rules >= (1u << 30))
		return -E2BIG;
	if (imp->n_rules == imp->cap_rules) {
		unsigned cap = imp->cap_rules ? imp->cap_rules * 2 : 8;

		nr = realloc(imp->rules, cap * sizeof(*nr));
		if (nr == NULL)
			return -ENOMEM;
		imp->rules = nr;
		imp->cap_rules = cap;
	}
	nr = &imp->rules[imp->n_rules];
	memset(nr, 0, sizeof(*nr));
	nr->r = *rule;
	if (rule->match.cl_mask != 0 || imp_has_clients(&rule->match))
		imp->needs_clients = true;
	if (id != NULL)
		*id = imp->n_rules;
	imp->n_rules++;
	return 0;
}

int
cs_impair_enable(struct cs_impair *imp, unsigned id, bool on)
{
	if (imp == NULL || id >= imp->n_rules)
		return -ENOENT;
	imp->rules[id].r.enabled = on;
	return 0;
}

int
cs_impair_find(const struct cs_impair *imp, const char *name)
{
	unsigned i;

	if (imp == NULL || name == NULL || name[0] == '\0')
		return -ENOENT;
	for (i = 0; i < imp->n_rules; i++)
		if (strcmp(imp->rules[i].r.name, name) == 0)
			return (int)i;
	return -ENOENT;
}

unsigned
cs_impair_count(const struct cs_impair *imp)
{
	return imp != NULL ? imp->n_rules : 0;
}

const struct cs_impair_rule *
cs_impair_rule_get(const struct cs_impair *imp, unsigned id)
{
	if (imp == NULL || id >= imp->n_rules)
		return NULL;
	return &imp->rules[id].r;
}

int
cs_impair_rule_stats(
    const struct cs_impair *imp, unsigned id, struct cs_impair_stats *out)
{
	if (imp == NULL || out == NULL || id >= imp->n_rules)
		return -ENOENT;
	*out = imp->rules[id].st;
	return 0;
}

size_t
cs_impair_held(const struct cs_impair *imp)
{
	return imp != NULL ? imp->n_held : 0;
}

/* Per (rule, AP) state, created on first use. */
static size_t
imp_slot(const struct imp_state *tab, size_t cap, uint64_t key)
{
	size_t i = (size_t)cs_mix64(key) & (cap - 1);

	while (tab[i].key != 0 && tab[i].key != key)
		i = (i + 1) & (cap - 1);
	return i;
}

static struct imp_state *
imp_state_get(struct cs_impair *imp, unsigned rule, unsigned ap)
{
	uint64_t key = ((uint64_t)rule << 32 | ap) + 1;
	size_t i;

	if ((imp->tab_used + 1) * 4 > imp->tab_cap * 3) {
		size_t ncap = imp->tab_cap ? imp->tab_cap * 2 : 64, j;
		struct imp_state *nt = calloc(ncap, sizeof(*nt));

		if (nt == NULL)
			return NULL;
		for (j = 0; j < imp->tab_cap; j++)
			if (imp->tab[j].key != 0)
				nt[imp_slot(nt, ncap, imp->tab[j].key)] =
				    imp->tab[j];
		free(imp->tab);
		imp->tab = nt;
		imp->tab_cap = ncap;
	}
	i = imp_slot(imp->tab, imp->tab_cap, key);
	if (imp->tab[i].key == 0) {
		imp->tab[i].key = key;
		imp->tab_used++;
	}
	return &imp->tab[i];
}

/* ---------------------------------------------------------------------
 * Matching
 */

/* Whether the rule selects clients. */
static bool
imp_has_clients(const struct cs_impair_match *mt)
{
	const struct cs_apsel *s = &mt->clients;

	return s->n_ranges > 0 || s->n_macs > 0 || s->every > 0 || s->has_share;
}

/* A kind list: any one of its kinds, handshake messages, CAPWAP messages
 * or client kinds. */
static bool
imp_kind_list_hit(
    const struct cs_impair_match *mt, const struct cs_pkt_class *c)
{
	if ((c->kinds & mt->kind_list) != 0 ||
	    (mt->hs_mask & c->hs_mask) != 0 || (mt->cl_mask & c->cl_kinds) != 0)
		return true;
	for (size_t i = 0; i < mt->n_msg_types; i++)
		if (c->msg_type != 0 && mt->msg_types[i] == c->msg_type)
			return true;
	return false;
}

/* Every part but the counts. */
static bool
imp_match_static(const struct cs_impair_match *mt, const struct cs_pkt_meta *m,
    const struct cs_pkt_class *c, uint64_t seed)
{
	size_t i;

	if (mt->dir_mask != 0 && (mt->dir_mask & CS_PK_BIT(m->dir)) == 0)
		return false;
	if (mt->has_chan && mt->chan != m->chan)
		return false;
	if (mt->is_kind_list) {
		if (!imp_kind_list_hit(mt, c))
			return false;
	} else if (mt->kind != CS_PK_ANY &&
	    (c->kinds & CS_PK_BIT(mt->kind)) == 0) {
		return false;
	}
	if (!mt->is_kind_list && mt->hs_mask != 0 &&
	    (mt->hs_mask & c->hs_mask) == 0)
		return false;
	if (!mt->is_kind_list && mt->n_msg_types > 0) {
		bool in = false;

		for (i = 0; i < mt->n_msg_types && !in; i++)
			in =
			    c->msg_type != 0 && mt->msg_types[i] == c->msg_type;
		if (!in)
			return false;
	}
	if (!mt->is_kind_list && mt->cl_mask != 0 &&
	    (mt->cl_mask & c->cl_kinds) == 0)
		return false;
	if (imp_has_clients(mt) &&
	    (!c->has_client ||
	        !cs_apsel_match(&mt->clients, c->client, c->client_mac, seed)))
		return false;
	if (m->len < mt->size_min ||
	    (mt->size_max != 0 && m->len > mt->size_max))
		return false;
	if (mt->port != 0 && m->src_port != mt->port && m->dst_port != mt->port)
		return false;
	if (m->now_ms < mt->from_ms ||
	    (mt->until_ms != 0 && m->now_ms >= mt->until_ms))
		return false;
	return cs_apsel_match(&mt->aps, m->ap, m->ap_mac, seed);
}

/* The n-th (from 1) packet of this AP passing the static parts. */
static bool
imp_match_count(const struct cs_impair_match *mt, uint64_t n)
{
	if (mt->first != 0 && n > mt->first)
		return false;
	if (mt->every != 0 && n % mt->every != 0)
		return false;
	if (mt->after != 0 && n <= mt->after)
		return false;
	return true;
}

/* ---------------------------------------------------------------------
 * Actions
 */

/* Token bucket policer; true when the packet conforms. */
static bool
imp_bucket(struct imp_state *s, const struct cs_impair_action *a, uint64_t now,
    size_t len)
{
	double dt;

	if (!s->has_bucket) {
		s->has_bucket = true;
		s->tok_ms = now;
		/* a full bucket: clamped to its depth below */
		s->tok_pkts = HUGE_VAL;
		s->tok_bytes = HUGE_VAL;
	}
	dt = now > s->tok_ms ? (double)(now - s->tok_ms) / 1000.0 : 0.0;
	s->tok_ms = now > s->tok_ms ? now : s->tok_ms;
	if (a->rate_pps > 0) {
		double cap = a->rate_burst > 0 ? a->rate_burst : a->rate_pps;

		if (cap < 1)
			cap = 1;
		s->tok_pkts = fmin(cap, s->tok_pkts + dt * a->rate_pps);
	}
	if (a->rate_bytes_ps > 0) {
		double cap =
		    a->rate_burst > 0 ? a->rate_burst : a->rate_bytes_ps;

		if (cap < (double)len)
			cap = (double)len; /* one datagram always fits */
		s->tok_bytes = fmin(cap, s->tok_bytes + dt * a->rate_bytes_ps);
	}
	if ((a->rate_pps > 0 && s->tok_pkts < 1.0) ||
	    (a->rate_bytes_ps > 0 && s->tok_bytes < (double)len))
		return false;
	if (a->rate_pps > 0)
		s->tok_pkts -= 1.0;
	if (a->rate_bytes_ps > 0)
		s->tok_bytes -= (double)len;
	return true;
}

static uint64_t
imp_delay(const struct cs_impair_action *a, struct imp_rng *rng)
{
	double d;

	switch (a->delay) {
	case CS_DELAY_FIXED:
		return a->delay_ms;
	case CS_DELAY_UNIFORM:
		if (a->delay_hi_ms - a->delay_ms == UINT64_MAX)
			return imp_rng_next(rng); /* the whole range */
		return a->delay_ms +
		    imp_rng_below(rng, a->delay_hi_ms - a->delay_ms + 1);
	case CS_DELAY_NORMAL:
		d = (double)a->delay_ms +
		    (double)a->jitter_ms * imp_rng_normal(rng);
		if (d <= 0)
			return 0;
		if (d >= 0x1p63)
			return UINT64_C(1) << 63; /* no overflowing cast */
		return (uint64_t)llround(d);
	case CS_DELAY_NONE:
	default:
		return 0;
	}
}

/* Makes v->buf the working copy. */
static void
imp_own(struct cs_verdict *v)
{
	if (v->pkt != v->buf) {
		memmove(v->buf, v->pkt, v->len);
		v->pkt = v->buf;
	}
}

static int
imp_hold(struct cs_impair *imp, const struct cs_pkt_meta *m,
    const struct cs_verdict *v, unsigned rule, const struct cs_impair_action *a)
{
	struct imp_held *h = malloc(sizeof(*h) + v->len);

	if (h == NULL)
		return -ENOMEM;
	memset(h, 0, sizeof(*h));
	h->rule = rule;
	h->ap = m->ap;
	h->dir = m->dir;
	h->chan = m->chan;
	h->src_ip = m->src_ip;
	h->dst_ip = m->dst_ip;
	h->src_port = m->src_port;
	h->dst_port = m->dst_port;
	if (m->ap_mac != NULL) {
		h->has_mac = true;
		memcpy(h->mac, m->ap_mac, 6);
	}
	h->by_pkts = a->hold_pkts != 0;
	h->pkts_left = a->hold_pkts;
	h->due_ms = UINT64_MAX;
	if (a->hold_ms != 0)
		h->due_ms = a->hold_ms >= UINT64_MAX - m->now_ms
		    ? UINT64_MAX - 1
		    : m->now_ms + a->hold_ms;
	h->len = v->len;
	if (v->len != 0)
		memcpy(h->data, v->pkt, v->len);
	*imp->held_tail = h;
	imp->held_tail = &h->next;
	imp->n_held++;
	return 0;
}

/* A packet of (ap, dir) went by: count it for the holds it releases. */
static void
imp_count_for_holds(struct cs_impair *imp, unsigned ap, enum cs_dir dir)
{
	struct imp_held *h;

	for (h = imp->held; h != NULL; h = h->next)
		if (h->by_pkts && h->pkts_left > 0 && h->ap == ap &&
		    h->dir == dir)
			h->pkts_left--;
}

/* Runs one matched rule's actions; returns true when the packet is gone
 * (dropped or held). */
static bool
imp_run_rule(struct cs_impair *imp, unsigned id, struct imp_state *s,
    const struct cs_pkt_meta *m, struct cs_verdict *v, uint64_t *delay,
    unsigned *copies, bool *hold)
{
	struct imp_rule *ir = &imp->rules[id];
	const struct cs_impair_action *a = &ir->r.action;
	struct imp_rng rng;
	const char *why = NULL;

	imp_rng_init(&rng, imp->seed, id, m->ap, s->seen);
	if (a->has_link_down && m->now_ms >= a->down_from_ms &&
	    (a->down_until_ms == 0 || m->now_ms < a->down_until_ms))
		why = "link-down";
	else if (a->mtu != 0 && v->len + CS_IMPAIR_IPV4_UDP_HDR > a->mtu)
		why = "mtu";
	else if ((a->rate_pps > 0 || a->rate_bytes_ps > 0) &&
	    !imp_bucket(a->rate_shared ? &ir->shared : s, a, m->now_ms, v->len))
		why = "rate";
	else if (a->has_drop) {
		if (s->burst_left > 0) {
			s->burst_left--;
			why = "drop";
		} else if (imp_rng_chance(&rng, a->drop_prob)) {
			s->burst_left =
			    a->drop_burst > 1 ? a->drop_burst - 1 : 0;
			why = "drop";
		}
	}
	if (why != NULL) {
		ir->st.dropped++;
		v->kind = CS_VERDICT_DROP;
		v->rule = (int)id;
		v->why = why;
		return true;
	}
	if (a->has_truncate && v->len > a->truncate_to) {
		v->len = a->truncate_to;
		ir->st.truncated++;
	}
	if (a->has_corrupt && v->len > 0 &&
	    imp_rng_chance(&rng, a->corrupt_prob)) {
		size_t n = a->corrupt_bytes ? a->corrupt_bytes : 1, i;
		bool any = false;

		if (n > v->len)
			n = v->len; /* more flips than bytes is pointless */

		imp_own(v);
		for (i = 0; i < n; i++) {
			size_t off;
			uint8_t x = (uint8_t)(1 + imp_rng_below(&rng, 255));

			if (a->has_corrupt_offset) {
				off = a->corrupt_offset + i;
				if (off >= v->len)
					break;
			} else {
				off = (size_t)imp_rng_below(&rng, v->len);
			}
			v->buf[off] ^= x;
			any = true;
		}
		if (any)
			ir->st.corrupted++;
	}
	if (a->delay != CS_DELAY_NONE) {
		uint64_t d = imp_delay(a, &rng);

		*delay = d > UINT64_MAX - *delay ? UINT64_MAX : *delay + d;
		ir->st.delayed++;
	}
	if (a->has_duplicate && imp_rng_chance(&rng, a->dup_prob)) {
		*copies += a->dup_copies ? a->dup_copies : 1;
		ir->st.duplicated++;
	}
	if (a->has_reorder && !*hold && imp_rng_chance(&rng, a->reorder_prob)) {
		*hold = true;
		v->rule = (int)id;
		return true;
	}
	return false;
}

int
cs_impair_apply(
    struct cs_impair *imp, const struct cs_pkt_meta *m, struct cs_verdict *v)
{
	uint64_t delay = 0;
	unsigned copies = 0, i;
	bool hold = false;
	int r;

	if (imp == NULL || m == NULL || v == NULL)
		return -EINVAL;
	if ((r = imp_classify(m, &v->cls, imp->needs_clients)) < 0)
		return r;
	if (m->len > CS_IMPAIR_BUF)
		return -EINVAL;
	v->kind = CS_VERDICT_PASS;
	v->rule = -1;
	v->why = NULL;
	v->pkt = m->pkt;
	v->len = m->len;
	/* this packet releases earlier holds of its AP and direction */
	imp_count_for_holds(imp, m->ap, m->dir);
	for (i = 0; i < imp->n_rules; i++) {
		struct imp_rule *ir = &imp->rules[i];
		struct imp_state *s;

		if (!ir->r.enabled ||
		    !imp_match_static(&ir->r.match, m, &v->cls, imp->seed))
			continue;
		if ((s = imp_state_get(imp, i, m->ap)) == NULL) {
			v->n_deliver = 1; /* as if unimpaired */
			v->delay_ms[0] = 0;
			return -ENOMEM;
		}
		s->seen++;
		if (!imp_match_count(&ir->r.match, s->seen))
			continue;
		ir->st.matched++;
		if (imp_run_rule(imp, i, s, m, v, &delay, &copies, &hold))
			break;
	}
	if (v->kind == CS_VERDICT_DROP) {
		v->n_deliver = 0;
		return 0;
	}
	if (hold) {
		if (imp_hold(imp, m, v, (unsigned)v->rule,
		        &imp->rules[v->rule].r.action) < 0) {
			/* cannot store it: deliver instead of losing it */
			v->rule = -1;
			v->n_deliver = 1;
			v->delay_ms[0] = 0;
			return -ENOMEM;
		}
		imp->rules[v->rule].st.held++;
		v->kind = CS_VERDICT_HOLD;
		v->why = "reorder";
		v->n_deliver = 0;
		return 0;
	}
	v->n_deliver = 1 + copies;
	if (v->n_deliver > CS_IMPAIR_MAX_DELIVER)
		v->n_deliver = CS_IMPAIR_MAX_DELIVER;
	for (i = 0; i < v->n_deliver; i++)
		v->delay_ms[i] = delay;
	return 0;
}

int
cs_impair_poll(
    struct cs_impair *imp, uint64_t now_ms, cs_impair_release_fn *fn, void *ctx)
{
	struct imp_held **pp, *h;
	int n = 0;

	if (imp == NULL || fn == NULL)
		return -EINVAL;
	pp = &imp->held;
	while ((h = *pp) != NULL) {
		struct cs_pkt_meta m;

		if (!((h->by_pkts && h->pkts_left == 0) ||
		        now_ms >= h->due_ms)) {
			pp = &h->next;
			continue;
		}
		/* unlink first: fn may apply other packets */
		*pp = h->next;
		if (imp->held_tail == &h->next)
			imp->held_tail = pp;
		imp->n_held--;
		memset(&m, 0, sizeof(m));
		m.dir = h->dir;
		m.chan = h->chan;
		m.src_ip = h->src_ip;
		m.dst_ip = h->dst_ip;
		m.src_port = h->src_port;
		m.dst_port = h->dst_port;
		m.ap = h->ap;
		m.ap_mac = h->has_mac ? h->mac : NULL;
		m.pkt = h->data;
		m.len = h->len;
		m.now_ms = now_ms;
		if (h->rule < imp->n_rules)
			imp->rules[h->rule].st.released++;
		fn(ctx, &m);
		free(h);
		n++;
	}
	return n;
}

int
cs_impair_next_due(const struct cs_impair *imp, uint64_t *when_ms)
{
	const struct imp_held *h;
	uint64_t best = UINT64_MAX;

	if (imp == NULL || when_ms == NULL)
		return -EINVAL;
	for (h = imp->held; h != NULL; h = h->next) {
		if (h->by_pkts && h->pkts_left == 0)
			best = 0; /* due already */
		else if (h->due_ms < best)
			best = h->due_ms;
	}
	if (best == UINT64_MAX)
		return -ENOENT;
	*when_ms = best;
	return 0;
}
