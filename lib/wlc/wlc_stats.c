/* SPDX-License-Identifier: MIT */
/*
 * Join statistics of the mock WLC, the counterpart of AireOS "show ap join
 * stats summary" / the 9800 AP join statistics: one record per AP (keyed
 * by base MAC, or by IP until the MAC is known) with counters per phase,
 * the last failure and a summary table for SIGUSR1 and exit.
 */
#include "wlc-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t
map_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static uint32_t
map_get(const struct cs_wlc_map *m, uint64_t key)
{
	size_t mask, i;

	if (m->cap == 0)
		return 0;
	mask = m->cap - 1;
	for (i = map_hash(key) & mask; m->slot[i].val != 0; i = (i + 1) & mask)
		if (m->slot[i].key == key)
			return m->slot[i].val;
	return 0;
}

static void
map_put_nogrow(struct cs_wlc_map *m, uint64_t key, uint32_t val)
{
	size_t mask = m->cap - 1, i;

	for (i = map_hash(key) & mask; m->slot[i].val != 0;
	     i = (i + 1) & mask) {
		if (m->slot[i].key == key) {
			m->slot[i].val = val;
			return;
		}
	}
	m->slot[i].key = key;
	m->slot[i].val = val;
	m->n++;
}

/* Removes key when it maps to val (backward-shift deletion: linear
 * probing needs no tombstones). */
static void
map_del(struct cs_wlc_map *m, uint64_t key, uint32_t val)
{
	size_t mask, i, j;

	if (m->cap == 0)
		return;
	mask = m->cap - 1;
	for (i = map_hash(key) & mask; m->slot[i].val != 0; i = (i + 1) & mask)
		if (m->slot[i].key == key)
			break;
	if (m->slot[i].val == 0 || m->slot[i].val != val)
		return;
	for (j = i;;) {
		size_t home;

		j = (j + 1) & mask;
		if (m->slot[j].val == 0)
			break;
		home = map_hash(m->slot[j].key) & mask;
		/* the entry at j may move to i only if its home is not in
		 * the cyclic interval (i, j] */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		m->slot[i] = m->slot[j];
		i = j;
	}
	m->slot[i].key = 0;
	m->slot[i].val = 0;
	m->n--;
}

/* Inserts or replaces; keeps the load factor at most 1/2. */
static int
map_put(struct cs_wlc_map *m, uint64_t key, uint32_t val)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct cs_wlc_map g = { 0 };

		g.cap = m->cap != 0 ? m->cap * 2 : 64;
		if ((g.slot = calloc(g.cap, sizeof(*g.slot))) == NULL)
			return -ENOMEM;
		for (size_t i = 0; i < m->cap; i++)
			if (m->slot[i].val != 0)
				map_put_nogrow(
				    &g, m->slot[i].key, m->slot[i].val);
		free(m->slot);
		*m = g;
	}
	map_put_nogrow(m, key, val);
	return 0;
}

static uint64_t
mac_key(const uint8_t mac[6])
{
	uint64_t k = 0;

	for (unsigned i = 0; i < 6; i++)
		k = k << 8 | mac[i];
	return k;
}

void
cs_wlc_stats_free(struct cs_wlc_stats_tab *t)
{
	free(t->rec);
	free(t->by_mac.slot);
	free(t->by_ip.slot);
	memset(t, 0, sizeof(*t));
}

/* Never proved anything: no DTLS session (a session's record has dtls_ok
 * from the start, or join_requests once the Join names its MAC), so no
 * session refers to it. */
static bool
stats_is_unknown(const struct cs_wlc_ap_stats *st)
{
	return st->dtls_ok == 0 && st->join_requests == 0;
}

/* A full table reuses the oldest unknown AP's record (clock hand over the
 * records, which are in order of arrival); NULL when every record is of
 * a known AP (then the table grows: those are bounded by proof). */
static struct cs_wlc_ap_stats *
stats_age(struct cs_wlc_stats_tab *t)
{
	size_t max = t->max != 0 ? t->max : CS_WLC_STATS_MAX;

	if (t->n < max)
		return NULL;
	for (size_t k = 0; k < t->n; k++) {
		struct cs_wlc_ap_stats *st = &t->rec[t->hand];
		uint32_t idx1 = (uint32_t)t->hand + 1;

		t->hand = (t->hand + 1) % t->n;
		if (!stats_is_unknown(st))
			continue;
		if (st->has_mac)
			map_del(&t->by_mac, mac_key(st->mac), idx1);
		map_del(&t->by_ip, st->ip, idx1);
		t->aged++;
		return st;
	}
	return NULL;
}

static struct cs_wlc_ap_stats *
stats_new(
    struct cs_wlc_stats_tab *t, uint32_t ip, uint16_t port, uint64_t now_ms)
{
	struct cs_wlc_ap_stats *st;

	if ((st = stats_age(t)) != NULL) {
		if (map_put(&t->by_ip, ip, cs_wlc_stats_idx(t, st)) < 0)
			return NULL;
		memset(st, 0, sizeof(*st));
		st->ip = ip;
		st->port = port;
		st->first_seen_ms = now_ms;
		st->last_seen_ms = now_ms;
		return st;
	}
	if (t->n == UINT32_MAX - 1)
		return NULL;
	if (t->n == t->cap) {
		size_t cap = t->cap != 0 ? t->cap * 2 : 16;
		struct cs_wlc_ap_stats *r = realloc(t->rec, cap * sizeof(*r));

		if (r == NULL)
			return NULL;
		t->rec = r;
		t->cap = cap;
	}
	if (map_put(&t->by_ip, ip, (uint32_t)t->n + 1) < 0)
		return NULL;
	st = &t->rec[t->n++];
	memset(st, 0, sizeof(*st));
	st->ip = ip;
	st->port = port;
	st->first_seen_ms = now_ms;
	st->last_seen_ms = now_ms;
	return st;
}

static void
stats_touch(
    struct cs_wlc_ap_stats *st, uint32_t ip, uint16_t port, uint64_t now_ms)
{
	st->ip = ip;
	st->port = port;
	st->last_seen_ms = now_ms;
}

struct cs_wlc_ap_stats *
cs_wlc_stats_get(struct cs_wlc_stats_tab *t, uint32_t idx1)
{
	if (idx1 == 0 || idx1 > t->n)
		return NULL;
	return &t->rec[idx1 - 1];
}

uint32_t
cs_wlc_stats_idx(
    const struct cs_wlc_stats_tab *t, const struct cs_wlc_ap_stats *st)
{
	if (st == NULL)
		return 0;
	return (uint32_t)(st - t->rec) + 1;
}

struct cs_wlc_ap_stats *
cs_wlc_stats_by_mac(struct cs_wlc_stats_tab *t, const uint8_t mac[6],
    uint32_t ip, uint16_t port, uint64_t now_ms)
{
	struct cs_wlc_ap_stats *st;
	uint32_t idx1;

	if ((idx1 = map_get(&t->by_mac, mac_key(mac))) != 0) {
		st = &t->rec[idx1 - 1];
	} else {
		/* An AP first seen by address only (DTLS failure before any
		 * MAC was known) becomes this MAC's record. */
		st = cs_wlc_stats_get(t, map_get(&t->by_ip, ip));
		if (st == NULL || st->has_mac)
			st = stats_new(t, ip, port, now_ms);
		if (st == NULL)
			return NULL;
		idx1 = cs_wlc_stats_idx(t, st);
		if (map_put(&t->by_mac, mac_key(mac), idx1) < 0)
			return NULL;
		st->has_mac = true;
		memcpy(st->mac, mac, 6);
	}
	if (map_put(&t->by_ip, ip, idx1) < 0)
		return NULL;
	stats_touch(st, ip, port, now_ms);
	return st;
}

struct cs_wlc_ap_stats *
cs_wlc_stats_by_ip(struct cs_wlc_stats_tab *t, uint32_t ip, uint16_t port,
    bool create, uint64_t now_ms)
{
	struct cs_wlc_ap_stats *st =
	    cs_wlc_stats_get(t, map_get(&t->by_ip, ip));

	if (st == NULL && create)
		st = stats_new(t, ip, port, now_ms);
	if (st != NULL)
		stats_touch(st, ip, port, now_ms);
	return st;
}

void
cs_wlc_stats_fail(struct cs_wlc *w, struct cs_wlc_ap_stats *st,
    enum cs_phase phase, uint32_t result_code, const char *reason)
{
	if (phase >= CS_PHASE__COUNT)
		return;
	w->ctr.failures_by_phase[phase]++;
	if (st == NULL)
		return;
	st->failures_by_phase[phase]++;
	st->has_failure = true;
	st->last_failure_phase = phase;
	st->last_result_code = result_code;
	snprintf(st->last_failure_reason, sizeof(st->last_failure_reason), "%s",
	    reason != NULL ? reason : "");
}

int
cs_wlc_stats_foreach(const struct cs_wlc *w, cs_wlc_stats_fn *fn, void *arg)
{
	int r;

	if (w == NULL || fn == NULL)
		return -EINVAL;
	for (size_t i = 0; i < w->stats.n; i++)
		if ((r = fn(&w->stats.rec[i], arg)) != 0)
			return r;
	return 0;
}

static void
stats_row(FILE *f, const struct cs_wlc_ap_stats *st)
{
	char mac[18] = "-", ip[16], disc[24], dtls[24], join[24];

	if (st->has_mac)
		cs_wlc_fmt_mac(st->mac, mac, sizeof(mac));
	cs_wlc_fmt_ip(st->ip, ip, sizeof(ip));
	snprintf(disc, sizeof(disc), "%u/%u", st->discovery_requests,
	    st->discovery_responses);
	snprintf(dtls, sizeof(dtls), "%u/%u", st->dtls_ok, st->dtls_failed);
	snprintf(join, sizeof(join), "%u/%u", st->join_ok, st->join_failed);
	fprintf(f, "%-17s  %-15s  %-16s  %10s  %10s  %10s  %5u  %5u  %6u  ",
	    mac, ip, st->name[0] != '\0' ? st->name : "-", disc, dtls, join,
	    st->config_ok, st->run, st->echo_requests);
	if (st->has_failure)
		fprintf(f, "%s: %s\n",
		    cs_phase_wlc_name(st->last_failure_phase),
		    st->last_failure_reason);
	else
		fprintf(f, "-\n");
}

int
cs_wlc_stats_summary(const struct cs_wlc *w, char **ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (w == NULL || ret == NULL)
		return -EINVAL;
	if ((f = open_memstream(&buf, &len)) == NULL)
		return -ENOMEM;
	fprintf(f,
	    "AP join statistics: %zu AP%s seen, %u joined now, %llu left Run "
	    "in order (close_notify)\n",
	    w->stats.n, w->stats.n == 1 ? "" : "s", w->n_joined,
	    (unsigned long long)w->ctr.disconnects);
	if (w->stats.aged > 0)
		fprintf(f,
		    "%llu records of APs that never set up DTLS were aged out "
		    "(the table keeps at most %zu)\n",
		    (unsigned long long)w->stats.aged,
		    w->stats.max != 0 ? w->stats.max
		                      : (size_t)CS_WLC_STATS_MAX);
	fprintf(f, "Failures by phase:");
	for (int p = CS_PHASE_DISCOVERY; p < CS_PHASE__COUNT; p++)
		fprintf(f, "%s %s %llu", p == CS_PHASE_DISCOVERY ? "" : ",",
		    cs_phase_wlc_name((enum cs_phase)p),
		    (unsigned long long)w->ctr.failures_by_phase[p]);
	fprintf(f,
	    "\n\n%-17s  %-15s  %-16s  %10s  %10s  %10s  %5s  %5s  %6s  %s\n",
	    "AP MAC", "IP Address", "AP Name", "Disc rx/tx", "DTLS ok/f",
	    "Join ok/f", "Cfg", "Run", "Echo", "Last failure");
	for (size_t i = 0; i < w->stats.n; i++)
		stats_row(f, &w->stats.rec[i]);
	if (fclose(f) != 0 || buf == NULL) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	return 0;
}
