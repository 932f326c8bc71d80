/* SPDX-License-Identifier: MIT */
/*
 * Two-sided evidence (issue 11's founding case: discovery works, the
 * firewall drops the controller's DTLS answers; the AP's side alone
 * cannot tell that from the ClientHellos never arriving).  A capture at
 * the controller says what it received and sent per AP; matched with the
 * AP-side capture datagram by datagram it says which were lost, and in
 * which direction.  Matching is by content: APs by WTP identity (Board
 * Data, RFC 5415 §4.6.40), datagrams by a digest of their UDP payload,
 * which no NAT changes (RFC 5415 §3.1: CAPWAP carries no transport
 * checksum of its own, and neither the CAPWAP header nor DTLS records name
 * addresses).  The two clocks are never compared directly: their offset
 * is estimated from the matched datagrams (up: peer - here = offset +
 * delay; down: here - peer = delay - offset; the minimum of each halves
 * the round trip) and used only to tell which unmatched datagrams were
 * sent while the other capture ran.  Those are lost; the others are not
 * judged.
 */
#include "capsim/analyze_peer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/diagnose.h"

/* Datagrams sent this close to the end of the other capture (plus twice
 * the longest path delay seen) are not judged: they may have been in
 * flight when it stopped.  At its start, the margin is the round trip
 * (the offset estimate is good to half of it). */
#define PEER_MARGIN_US 2000000
/* Captures aligned by discovery messages alone must agree in clock to
 * this (an NTP-synchronised controller and capture host do, by far). */
#define PEER_CLOCK_AGREE_US 5000000
/* Chain steps per lookup (identical payloads, e.g. one AP's keep-alives,
 * share a chain; hostile input may make it long). */
#define PEER_MAX_WALK 4096u

struct dg {
	uint64_t h;
	uint64_t t_us;
	uint32_t ap;
	uint32_t wlc_ip;
	uint8_t dir; /* enum cs_dir */
	uint8_t cls; /* cs_facts_size_class */
	bool matched;
	bool unique; /* of one session only: DTLS records (random, keys)
	                or data-channel traffic (Session ID) */
};

struct cs_peer_log {
	struct dg *v;
	size_t n, cap;
	uint64_t t_min, t_max;
};

int
cs_peer_log_new(struct cs_peer_log **ret)
{
	struct cs_peer_log *l;

	if (ret == NULL)
		return -EINVAL;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return -ENOMEM;
	*ret = l;
	return 0;
}

void
cs_peer_log_free(struct cs_peer_log *l)
{
	if (l == NULL)
		return;
	free(l->v);
	free(l);
}

static uint64_t
peer_digest(const uint8_t *p, size_t len)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	h ^= (uint64_t)len << 48;
	return h != 0 ? h : 1; /* 0 marks an empty slot */
}

int
cs_peer_log_dgram(void *ctx, size_t ap, enum cs_dir dir, enum cs_chan ch,
    uint32_t wlc_ip, uint64_t t_us, const uint8_t *payload, size_t len)
{
	struct cs_peer_log *l = ctx;
	struct dg *d;

	(void)ch;
	if (l == NULL || (payload == NULL && len > 0) || ap > UINT32_MAX)
		return -EINVAL;
	if (l->n == l->cap) {
		size_t nc = l->cap == 0 ? 256 : l->cap * 2;
		struct dg *nv = nc > SIZE_MAX / sizeof(*nv)
		    ? NULL
		    : realloc(l->v, nc * sizeof(*nv));

		if (nv == NULL)
			return -ENOMEM;
		l->v = nv;
		l->cap = nc;
	}
	d = &l->v[l->n++];
	d->h = peer_digest(payload, len);
	d->t_us = t_us;
	d->ap = (uint32_t)ap;
	d->wlc_ip = wlc_ip;
	d->dir = (uint8_t)dir;
	d->cls = (uint8_t)cs_facts_size_class(len);
	d->matched = false;
	/* RFC 5415 §4.1: preamble type 1 is a CAPWAP DTLS header */
	d->unique = ch == CS_CHAN_DATA || (len > 0 && (payload[0] & 0x0f) == 1);
	if (l->n == 1 || t_us < l->t_min)
		l->t_min = t_us;
	if (l->n == 1 || t_us > l->t_max)
		l->t_max = t_us;
	return 0;
}

void
cs_peer_log_ran_until(struct cs_peer_log *l, uint64_t t_us)
{
	if (l != NULL && l->n > 0 && t_us > l->t_max)
		l->t_max = t_us;
}

/* The peer log indexed by digest: head[] (open addressing on key[]) and
 * next[] chain the entries of one digest in capture order. */
struct peer_index {
	uint64_t *key;
	size_t *head, *next;
	size_t mask;
};

static size_t
index_slot(const struct peer_index *x, uint64_t h)
{
	size_t i = (size_t)(h ^ (h >> 29)) & x->mask;

	while (x->key[i] != 0 && x->key[i] != h)
		i = (i + 1) & x->mask;
	return i;
}

static void
index_free(struct peer_index *x)
{
	free(x->key);
	free(x->head);
	free(x->next);
}

static int
index_build(struct peer_index *x, const struct cs_peer_log *l)
{
	size_t cap = 16;

	memset(x, 0, sizeof(*x));
	while (cap < l->n * 2 + 1) {
		if (cap > SIZE_MAX / 4)
			return -ENOMEM;
		cap *= 2;
	}
	x->mask = cap - 1;
	x->key = calloc(cap, sizeof(*x->key));
	x->head = calloc(cap, sizeof(*x->head));
	x->next = calloc(l->n + 1, sizeof(*x->next));
	if (x->key == NULL || x->head == NULL || x->next == NULL) {
		index_free(x);
		return -ENOMEM;
	}
	for (size_t k = l->n; k > 0; k--) {
		size_t i = k - 1, s = index_slot(x, l->v[i].h);

		if (x->key[s] == 0) {
			x->key[s] = l->v[i].h;
			x->head[s] = SIZE_MAX;
		}
		x->next[i] = x->head[s];
		x->head[s] = i;
	}
	return 0;
}

/* The first unmatched peer entry with @p h and @p dir (and of AP @p ap,
 * unless SIZE_MAX), or SIZE_MAX. */
static size_t
index_find(const struct peer_index *x, const struct cs_peer_log *l, uint64_t h,
    uint8_t dir, size_t ap)
{
	size_t s = index_slot(x, h);
	unsigned steps = 0;

	if (x->key[s] == 0)
		return SIZE_MAX;
	for (size_t i = x->head[s]; i != SIZE_MAX && steps < PEER_MAX_WALK;
	     i = x->next[i], steps++) {
		const struct dg *d = &l->v[i];

		if (!d->matched && d->dir == dir &&
		    (ap == SIZE_MAX || d->ap == ap))
			return i;
	}
	return SIZE_MAX;
}

struct id_ent {
	uint64_t id;
	size_t idx;
};

static int
id_cmp(const void *a, const void *b)
{
	const struct id_ent *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* pair[i]: the peer AP of AP i here, by WTP identity; SIZE_MAX none. */
static int
pair_by_identity(const struct cs_analyze *here, const struct cs_analyze *peer,
    size_t *pair, size_t n_here, size_t n_peer)
{
	struct id_ent *ids = calloc(n_peer + 1, sizeof(*ids));
	size_t n = 0;

	if (ids == NULL)
		return -ENOMEM;
	for (size_t j = 0; j < n_peer; j++) {
		uint64_t id = cs_analyze_ap_identity(peer, j);

		if (id != 0) {
			ids[n].id = id;
			ids[n].idx = j;
			n++;
		}
	}
	qsort(ids, n, sizeof(*ids), id_cmp);
	for (size_t i = 0; i < n_here; i++) {
		struct id_ent key = { cs_analyze_ap_identity(here, i), 0 };
		const struct id_ent *hit = key.id == 0
		    ? NULL
		    : bsearch(&key, ids, n, sizeof(*ids), id_cmp);

		/* equal identities sort together: take the first */
		while (hit != NULL && hit > ids && hit[-1].id == key.id)
			hit--;
		pair[i] = hit != NULL ? hit->idx : SIZE_MAX;
	}
	free(ids);
	return 0;
}

static int64_t
delta_us(uint64_t a, uint64_t b) /* a - b, clamped to +-2^62 */
{
	const uint64_t lim = (uint64_t)1 << 62;

	if (a >= b)
		return a - b > lim ? (int64_t)lim : (int64_t)(a - b);
	return b - a > lim ? -(int64_t)lim : -(int64_t)(b - a);
}

/* Whether time @p t + @p off lies inside [lo, hi] with the margins. */
static bool
inside(uint64_t t, int64_t off, uint64_t lo, uint64_t hi,
    const struct cs_peer_stats *st)
{
	int64_t m = delta_us(t, lo) + off;
	int64_t e = delta_us(hi, t) - off;

	return m >= st->margin_start_us && e >= st->margin_end_us;
}

#define PEER_MAX_WLC 64 /* controller addresses learned */

struct merge {
	size_t *pair, *rpair;
	uint32_t wlc[PEER_MAX_WLC]; /* where datagrams in common went */
	unsigned n_wlc;
	uint32_t (*up_lost)[CS_FACTS_SIZE_CLASSES];
	uint32_t (*down_lost)[CS_FACTS_SIZE_CLASSES];
	uint64_t *common; /* per AP here */
};

static void
merge_free(struct merge *m)
{
	free(m->pair);
	free(m->rpair);
	free(m->up_lost);
	free(m->down_lost);
	free(m->common);
}

#define NO_PEER_AP (SIZE_MAX - 1) /* identified here, absent there */

static void
learn_wlc(struct merge *m, uint32_t ip)
{
	for (unsigned i = 0; i < m->n_wlc; i++)
		if (m->wlc[i] == ip)
			return;
	if (m->n_wlc < PEER_MAX_WLC)
		m->wlc[m->n_wlc++] = ip;
}

static bool
is_wlc(const struct merge *m, uint32_t ip)
{
	for (unsigned i = 0; i < m->n_wlc; i++)
		if (m->wlc[i] == ip)
			return true;
	return false;
}

/* Path delays seen in the datagrams in common (peer - here, up; here -
 * peer, down): minima and maxima. */
struct deltas {
	int64_t du, dd, du_max, dd_max;
	bool same_times;
};

/* The unmatched peer entry with @p h, @p dir and AP @p ap closest to
 * time @p t (peer clock), or SIZE_MAX. */
static size_t
index_find_near(const struct peer_index *x, const struct cs_peer_log *l,
    uint64_t h, uint8_t dir, size_t ap, uint64_t t)
{
	size_t s = index_slot(x, h), best = SIZE_MAX;
	uint64_t gap = UINT64_MAX;
	unsigned steps = 0;

	if (x->key[s] == 0)
		return SIZE_MAX;
	for (size_t i = x->head[s]; i != SIZE_MAX && steps < PEER_MAX_WALK;
	     i = x->next[i], steps++) {
		const struct dg *d = &l->v[i];
		uint64_t g = d->t_us > t ? d->t_us - t : t - d->t_us;

		if (!d->matched && d->dir == dir && d->ap == ap && g < gap) {
			gap = g;
			best = i;
		}
	}
	return best;
}

/* One pass over this capture's datagrams, the unique ones (DTLS, data
 * channel) or the others; with @p near, a repeated datagram (discovery
 * repeats byte for byte) is matched with the copy closest in time to
 * where the offset puts it, else with the first. */
static void
match_pass(struct merge *m, struct cs_peer_log *hl, struct cs_peer_log *pl,
    const struct peer_index *x, struct cs_peer_stats *st, bool unique,
    bool near, struct deltas *dl)
{
	for (size_t k = 0; k < hl->n; k++) {
		struct dg *e = &hl->v[k];
		size_t q;

		if (e->unique != unique || m->pair[e->ap] == NO_PEER_AP)
			continue;
		if (m->pair[e->ap] == SIZE_MAX) {
			/* no identity in common: the AP owning the same
			 * datagram there, if no identity claimed it */
			q = index_find(x, pl, e->h, e->dir, SIZE_MAX);
			if (q == SIZE_MAX || m->rpair[pl->v[q].ap] != SIZE_MAX)
				continue;
			m->pair[e->ap] = pl->v[q].ap;
			m->rpair[pl->v[q].ap] = e->ap;
			st->aps_by_content++;
		}
		q = near ? index_find_near(x, pl, e->h, e->dir, m->pair[e->ap],
		               e->t_us + (uint64_t)st->offset_us)
		         : index_find(x, pl, e->h, e->dir, m->pair[e->ap]);
		if (q == SIZE_MAX)
			continue;
		e->matched = true;
		pl->v[q].matched = true;
		if (e->dir == CS_DIR_UP)
			learn_wlc(m, e->wlc_ip);
		st->common++;
		st->common_unique += e->unique;
		m->common[e->ap]++;
		if (pl->v[q].t_us != e->t_us)
			dl->same_times = false;
		if (e->dir == CS_DIR_UP) {
			int64_t d = delta_us(pl->v[q].t_us, e->t_us);

			dl->du = d < dl->du ? d : dl->du;
			dl->du_max = d > dl->du_max ? d : dl->du_max;
		} else {
			int64_t d = delta_us(e->t_us, pl->v[q].t_us);

			dl->dd = d < dl->dd ? d : dl->dd;
			dl->dd_max = d > dl->dd_max ? d : dl->dd_max;
		}
	}
}

/* The clock offset and the margins from the path delays seen. */
static void
offset_from(const struct deltas *dl, struct cs_peer_stats *st)
{
	int64_t delay = 0;
	bool up = dl->du != INT64_MAX, down = dl->dd != INT64_MAX;

	st->margin_start_us = PEER_MARGIN_US;
	if (up && down) {
		st->offset_us = (dl->du - dl->dd) / 2;
		st->margin_start_us = dl->du + dl->dd > 0 ? dl->du + dl->dd : 0;
	} else if (up || down) {
		st->offset_us = up ? dl->du : -dl->dd;
	}
	st->has_offset = up || down;
	/* the longest one-way delay seen, offset removed */
	if (up && dl->du_max - st->offset_us > delay)
		delay = dl->du_max - st->offset_us;
	if (down && dl->dd_max + st->offset_us > delay)
		delay = dl->dd_max + st->offset_us;
	if (delay > PEER_MARGIN_US * 1000)
		delay = PEER_MARGIN_US * 1000;
	st->margin_end_us = PEER_MARGIN_US + 2 * delay;
}

/* Datagrams by content: fills common[], the offset, and which pairs
 * content alone found (APs without identity on one side).  The datagrams
 * of one session only align the captures first; the repeatable ones
 * (clear discovery) are then matched where that alignment puts them. */
static void
match_dgrams(struct merge *m, struct cs_peer_log *hl, struct cs_peer_log *pl,
    const struct peer_index *x, struct cs_peer_stats *st, bool *same_times)
{
	struct deltas dl = { INT64_MAX, INT64_MAX, INT64_MIN, INT64_MIN, true };

	match_pass(m, hl, pl, x, st, /* unique= */ true, false, &dl);
	offset_from(&dl, st);
	match_pass(m, hl, pl, x, st, /* unique= */ false, st->has_offset, &dl);
	/* with both directions now, where the first pass had one */
	offset_from(&dl, st);
	*same_times = dl.same_times;
}

static void
widen_span(struct cs_peer_log *l, const struct cs_analyze *a)
{
	struct cs_analyze_stats as;

	cs_analyze_get_stats(a, &as);
	if (as.first_us != 0 && as.first_us < l->t_min)
		l->t_min = as.first_us;
	if (as.last_us > l->t_max)
		l->t_max = as.last_us;
}

/* Unmatched datagrams sent while the other capture ran: lost. */
static void
count_lost(struct merge *m, const struct cs_peer_log *hl,
    const struct cs_peer_log *pl, struct cs_peer_stats *st)
{
	int64_t off = st->offset_us;

	for (size_t k = 0; k < hl->n; k++) {
		const struct dg *e = &hl->v[k];

		if (e->matched || m->pair[e->ap] == SIZE_MAX)
			continue;
		if (!inside(e->t_us, off, pl->t_min, pl->t_max, st) ||
		    !is_wlc(m, e->wlc_ip)) {
			st->not_judged++;
		} else if (e->dir == CS_DIR_UP) {
			m->up_lost[e->ap][e->cls]++;
			st->up_lost++;
		} else {
			st->peer_only++;
		}
	}
	for (size_t k = 0; k < pl->n; k++) {
		const struct dg *e = &pl->v[k];
		size_t i = m->rpair[e->ap];

		if (e->matched || i == SIZE_MAX)
			continue;
		if (!inside(e->t_us, -off, hl->t_min, hl->t_max, st)) {
			st->not_judged++;
		} else if (e->dir == CS_DIR_DOWN) {
			m->down_lost[i][e->cls]++;
			st->down_lost++;
		} else {
			st->peer_only++;
		}
	}
}

static uint16_t
sat16(uint32_t v)
{
	return v > UINT16_MAX ? UINT16_MAX : (uint16_t)v;
}

int
cs_peer_merge(struct cs_analyze *here, struct cs_peer_log *here_log,
    const struct cs_analyze *peer, struct cs_peer_log *peer_log,
    struct cs_peer_stats *st)
{
	struct merge m = { 0 };
	struct peer_index x = { 0 };
	size_t n_here, n_peer;
	bool same_times = false;
	int r = -ENOMEM;

	if (here == NULL || here_log == NULL || peer == NULL ||
	    peer_log == NULL || st == NULL)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	n_here = cs_analyze_n_aps(here);
	n_peer = cs_analyze_n_aps(peer);
	st->aps_here = n_here;
	st->aps_peer = n_peer;
	st->dgrams_here = here_log->n;
	st->dgrams_peer = peer_log->n;
	/* a log that names APs the analysis does not have is not theirs */
	for (size_t k = 0; k < here_log->n; k++)
		if (here_log->v[k].ap >= n_here)
			return -EINVAL;
	for (size_t k = 0; k < peer_log->n; k++)
		if (peer_log->v[k].ap >= n_peer)
			return -EINVAL;
	if (peer_log->n == 0) {
		st->why = "the controller-side capture holds no CAPWAP "
		          "datagram";
		return 0;
	}
	m.pair = malloc((n_here + 1) * sizeof(*m.pair));
	m.rpair = malloc((n_peer + 1) * sizeof(*m.rpair));
	m.up_lost = calloc(n_here + 1, sizeof(*m.up_lost));
	m.down_lost = calloc(n_here + 1, sizeof(*m.down_lost));
	m.common = calloc(n_here + 1, sizeof(*m.common));
	if (m.pair == NULL || m.rpair == NULL || m.up_lost == NULL ||
	    m.down_lost == NULL || m.common == NULL)
		goto out;
	for (size_t j = 0; j < n_peer; j++)
		m.rpair[j] = SIZE_MAX;
	if ((r = pair_by_identity(here, peer, m.pair, n_here, n_peer)) < 0)
		goto out;
	for (size_t i = 0; i < n_here; i++)
		if (m.pair[i] != SIZE_MAX && m.rpair[m.pair[i]] == SIZE_MAX)
			m.rpair[m.pair[i]] = i;
		else
			m.pair[i] = SIZE_MAX; /* one AP there, one here */
	if ((r = index_build(&x, peer_log)) < 0)
		goto out;
	for (size_t k = 0; k < here_log->n; k++)
		here_log->v[k].matched = false;
	for (size_t k = 0; k < peer_log->n; k++)
		peer_log->v[k].matched = false;
	match_dgrams(&m, here_log, peer_log, &x, st, &same_times);
	/* each capture ran from its first to its last packet, or to the
	 * end it recorded */
	widen_span(here_log, here);
	widen_span(peer_log, peer);
	for (size_t i = 0; i < n_here; i++)
		st->aps_matched += m.pair[i] != SIZE_MAX;
	if (st->aps_matched == 0) {
		st->why = "no AP in common: no WTP identity and no datagram "
		          "of this capture is in the controller-side one "
		          "(another controller, another time, or a link "
		          "these APs do not use)";
		r = 0;
		goto out;
	}
	if (st->common == 0) {
		st->why = "APs in common but no datagram seen in both "
		          "captures: they were not taken at the same time";
		r = 0;
		goto out;
	}
	/* clear discovery messages repeat byte for byte from boot to boot
	 * (no nonce; sequence numbers restart): alone they align two
	 * captures only when the clocks agree as well */
	if (st->common_unique == 0 &&
	    (st->offset_us > PEER_CLOCK_AGREE_US ||
	        st->offset_us < -PEER_CLOCK_AGREE_US)) {
		st->why = "only discovery messages in common, which repeat "
		          "byte for byte from boot to boot, and the clocks "
		          "disagree: captures of different times?";
		r = 0;
		goto out;
	}
	if (same_times && st->common == here_log->n &&
	    st->common == peer_log->n) {
		st->why = "both captures hold the same datagrams at the same "
		          "times: one capture twice, not one at each end";
		r = 0;
		goto out;
	}
	/* an AP this capture identified that the controller's capture,
	 * taken at the right place (APs in common), never saw */
	for (size_t i = 0; i < n_here; i++)
		if (m.pair[i] == SIZE_MAX &&
		    cs_analyze_ap_identity(here, i) != 0)
			m.pair[i] = NO_PEER_AP;
	count_lost(&m, here_log, peer_log, st);
	/* the right way round, what one end received the other sent (bar
	 * a few): the controller's answers the AP side lacks were lost, not
	 * invented.  Given the wrong way round, every loss turns into
	 * "received, never sent" */
	if (st->peer_only > st->up_lost + st->down_lost) {
		st->why = "more datagrams were received at one end than sent "
		          "at the other: the captures are the wrong way round "
		          "(the APs' side first, the controller's as the peer) "
		          "or one was taken elsewhere";
		r = 0;
		goto out;
	}
	/* the answers the AP-side analysis still holds go into its facts
	 * first (cs_analyze_finish settles them, once), so what the AP
	 * received is final before the controller's side is set beside it */
	{
		struct cs_diagnosis tmp;

		if ((r = cs_analyze_finish(here, &tmp)) < 0)
			goto out;
		cs_diagnosis_free(&tmp);
	}
	for (size_t i = 0; i < n_here; i++) {
		const struct cs_ap_facts *f;
		uint16_t rx[CS_FACTS_SIZE_CLASSES], tx[CS_FACTS_SIZE_CLASSES];

		if (m.pair[i] == SIZE_MAX)
			continue;
		f = &cs_analyze_ap_get(here, i)->facts;
		for (unsigned c = 0; c < CS_FACTS_SIZE_CLASSES; c++) {
			rx[c] = f->ap_tx[c] > m.up_lost[i][c]
			    ? (uint16_t)(f->ap_tx[c] - m.up_lost[i][c])
			    : 0;
			tx[c] = sat16(f->ap_rx[c] + m.down_lost[i][c]);
		}
		(void)cs_analyze_set_wlc_side(here, i, rx, tx);
	}
	r = 0;
out:
	index_free(&x);
	merge_free(&m);
	return r;
}
