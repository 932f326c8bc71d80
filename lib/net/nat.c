/* SPDX-License-Identifier: MIT */
/*
 * NAT emulation: an endpoint-independent source NAT (RFC 4787 §4.1) for
 * AP addresses with an idle timeout (RFC 4787 §4.3), and the failures seen
 * in the field: rebinding to new external ports, mappings expiring all at
 * once, return traffic not translated back, replies from another address.
 * Pure: the caller supplies `now` and, if it wants, the port allocator.
 */
#include "capsim/impair.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NAT_NONE      (-1)
#define NAT_PORT_MIN  20000
#define NAT_PORT_MAX  60999
#define NAT_MAX_ENTRY (1 << 20)

struct nat_map {
	uint32_t ap_ip;
	uint16_t ap_port;
	uint16_t ext_port;
	uint64_t last_ms;
	int next; /* chain in the internal-address bucket, or free list */
	bool used;
};

struct cs_nat {
	struct cs_nat_cfg cfg;
	struct nat_map *map;
	int n_map, cap_map;
	int free_head;
	int *bucket;  /* internal (ip, port) -> chain head */
	int n_bucket; /* power of two */
	/* external port -> mapping + 1, 0 for none: calloc's zeroes are the
	 * empty table, so a NAT costs no 256 KiB fill (and no page faults
	 * for ports never used) when it is made */
	int by_port[65536];
	uint16_t next_port;
	bool rebind_done, expire_done;
	struct cs_nat_stats st;
};

static int
nat_port_get(const struct cs_nat *nat, uint16_t port)
{
	return nat->by_port[port] - 1; /* NAT_NONE when free */
}

static void
nat_port_set(struct cs_nat *nat, uint16_t port, int idx)
{
	nat->by_port[port] = idx + 1;
}

static unsigned
nat_hash(uint32_t ip, uint16_t port)
{
	uint64_t z = ((uint64_t)ip << 16 | port) * 0x9e3779b97f4a7c15ull;

	return (unsigned)(z >> 32);
}

int
cs_nat_new(struct cs_nat **ret, const struct cs_nat_cfg *cfg)
{
	struct cs_nat *nat;
	int i;

	if (ret == NULL || cfg == NULL || cfg->ext_ip == 0)
		return -EINVAL;
	if (cfg->port_min != 0 && cfg->port_max != 0 &&
	    cfg->port_min > cfg->port_max)
		return -EINVAL;
	if ((nat = calloc(1, sizeof(*nat))) == NULL)
		return -ENOMEM;
	nat->cfg = *cfg;
	if (nat->cfg.port_min == 0)
		nat->cfg.port_min = NAT_PORT_MIN;
	if (nat->cfg.port_max == 0)
		nat->cfg.port_max =
		    nat->cfg.port_min > NAT_PORT_MAX ? 65535 : NAT_PORT_MAX;
	if (nat->cfg.port_min > nat->cfg.port_max) {
		free(nat);
		return -EINVAL;
	}
	nat->next_port = nat->cfg.port_min;
	nat->free_head = NAT_NONE;
	nat->n_bucket = 256;
	if ((nat->bucket = malloc(sizeof(int) * 256)) == NULL) {
		free(nat);
		return -ENOMEM;
	}
	for (i = 0; i < nat->n_bucket; i++)
		nat->bucket[i] = NAT_NONE;
	*ret = nat;
	return 0;
}

static void
nat_release_port(struct cs_nat *nat, uint16_t port)
{
	nat_port_set(nat, port, NAT_NONE);
	if (nat->cfg.alloc != NULL && nat->cfg.release != NULL)
		nat->cfg.release(nat->cfg.alloc_ctx, port);
}

void
cs_nat_free(struct cs_nat *nat)
{
	int i;

	if (nat == NULL)
		return;
	for (i = 0; i < nat->n_map; i++)
		if (nat->map[i].used)
			nat_release_port(nat, nat->map[i].ext_port);
	free(nat->map);
	free(nat->bucket);
	free(nat);
}

/* A free external port (internal allocator) or the engine's choice. */
static int
nat_alloc(struct cs_nat *nat, uint32_t ap_ip, uint16_t ap_port, uint16_t *out)
{
	unsigned span = (unsigned)nat->cfg.port_max - nat->cfg.port_min + 1, i;
	uint16_t p;
	int r;

	if (nat->cfg.alloc != NULL) {
		if ((r = nat->cfg.alloc(
		         nat->cfg.alloc_ctx, ap_ip, ap_port, &p)) < 0)
			return r;
		if (nat_port_get(nat, p) != NAT_NONE)
			return -EADDRINUSE;
		*out = p;
		return 0;
	}
	for (i = 0; i < span; i++) {
		p = nat->next_port;
		nat->next_port = p == nat->cfg.port_max ? nat->cfg.port_min
		                                        : (uint16_t)(p + 1);
		if (nat_port_get(nat, p) == NAT_NONE) {
			*out = p;
			return 0;
		}
	}
	return -ENOSPC;
}

static void
nat_unlink(struct cs_nat *nat, int idx)
{
	struct nat_map *e = &nat->map[idx];
	int *pp = &nat->bucket[nat_hash(e->ap_ip, e->ap_port) &
	    (unsigned)(nat->n_bucket - 1)];

	while (*pp != idx) {
		if (*pp == NAT_NONE)
			return; /* not reached: every used entry is chained */
		pp = &nat->map[*pp].next;
	}
	*pp = e->next;
	nat_release_port(nat, e->ext_port);
	e->used = false;
	e->next = nat->free_head;
	nat->free_head = idx;
	nat->st.active--;
}

static int
nat_lookup(const struct cs_nat *nat, uint32_t ip, uint16_t port)
{
	int i = nat->bucket[nat_hash(ip, port) & (unsigned)(nat->n_bucket - 1)];

	while (i != NAT_NONE &&
	    !(nat->map[i].ap_ip == ip && nat->map[i].ap_port == port))
		i = nat->map[i].next;
	return i;
}

static bool
nat_idle(const struct cs_nat *nat, const struct nat_map *e, uint64_t now)
{
	return nat->cfg.idle_timeout_ms != 0 && now > e->last_ms &&
	    now - e->last_ms > nat->cfg.idle_timeout_ms;
}

static int
nat_grow_buckets(struct cs_nat *nat)
{
	int nb = nat->n_bucket * 2, i;
	int *b = malloc(sizeof(int) * (size_t)nb);

	if (b == NULL)
		return -ENOMEM;
	for (i = 0; i < nb; i++)
		b[i] = NAT_NONE;
	for (i = 0; i < nat->n_map; i++) {
		struct nat_map *e = &nat->map[i];
		unsigned h;

		if (!e->used)
			continue;
		h = nat_hash(e->ap_ip, e->ap_port) & (unsigned)(nb - 1);
		e->next = b[h];
		b[h] = i;
	}
	free(nat->bucket);
	nat->bucket = b;
	nat->n_bucket = nb;
	return 0;
}

/* Scheduled rebinding and expiry whose time has come. */
static void
nat_tick(struct cs_nat *nat, uint64_t now)
{
	if (nat->cfg.expire_at_ms != 0 && !nat->expire_done &&
	    now >= nat->cfg.expire_at_ms) {
		nat->expire_done = true;
		(void)cs_nat_expire_all(nat, now);
	}
	if (nat->cfg.rebind_at_ms != 0 && !nat->rebind_done &&
	    now >= nat->cfg.rebind_at_ms) {
		nat->rebind_done = true;
		(void)cs_nat_rebind(nat, now);
	}
}

int
cs_nat_out(struct cs_nat *nat, uint32_t ap_ip, uint16_t ap_port,
    uint64_t now_ms, uint32_t *ext_ip, uint16_t *ext_port)
{
	struct nat_map *e;
	uint16_t port;
	int idx, r;
	unsigned h;

	if (nat == NULL || ext_ip == NULL || ext_port == NULL)
		return -EINVAL;
	nat_tick(nat, now_ms);
	idx = nat_lookup(nat, ap_ip, ap_port);
	if (idx != NAT_NONE && nat_idle(nat, &nat->map[idx], now_ms)) {
		nat_unlink(nat, idx);
		nat->st.expired_idle++;
		idx = NAT_NONE;
	}
	if (idx == NAT_NONE) {
		if (nat->st.active >= NAT_MAX_ENTRY)
			return -ENOSPC;
		if (nat->st.active * 2 >= (uint64_t)nat->n_bucket &&
		    (r = nat_grow_buckets(nat)) < 0)
			return r;
		if (nat->free_head == NAT_NONE && nat->n_map == nat->cap_map) {
			int cap = nat->cap_map ? nat->cap_map * 2 : 64;
			struct nat_map *nm =
			    realloc(nat->map, sizeof(*nm) * (size_t)cap);

			if (nm == NULL)
				return -ENOMEM;
			nat->map = nm;
			nat->cap_map = cap;
		}
		if ((r = nat_alloc(nat, ap_ip, ap_port, &port)) < 0) {
			nat->st.alloc_failures++;
			return r;
		}
		if (nat->free_head != NAT_NONE) {
			idx = nat->free_head;
			nat->free_head = nat->map[idx].next;
		} else {
			idx = nat->n_map++;
		}
		e = &nat->map[idx];
		e->ap_ip = ap_ip;
		e->ap_port = ap_port;
		e->ext_port = port;
		e->used = true;
		h = nat_hash(ap_ip, ap_port) & (unsigned)(nat->n_bucket - 1);
		e->next = nat->bucket[h];
		nat->bucket[h] = idx;
		nat_port_set(nat, port, idx);
		nat->st.mappings++;
		nat->st.active++;
	}
	e = &nat->map[idx];
	e->last_ms = now_ms;
	nat->st.out_pkts++;
	*ext_ip = nat->cfg.ext_ip;
	*ext_port = e->ext_port;
	return 0;
}

int
cs_nat_in(struct cs_nat *nat, uint32_t ext_ip, uint16_t ext_port,
    uint64_t now_ms, uint32_t *ap_ip, uint16_t *ap_port)
{
	struct nat_map *e;
	int idx;

	if (nat == NULL || ap_ip == NULL || ap_port == NULL)
		return -EINVAL;
	nat_tick(nat, now_ms);
	idx =
	    ext_ip == nat->cfg.ext_ip ? nat_port_get(nat, ext_port) : NAT_NONE;
	if (idx != NAT_NONE && nat_idle(nat, &nat->map[idx], now_ms)) {
		nat_unlink(nat, idx);
		nat->st.expired_idle++;
		idx = NAT_NONE;
	}
	if (idx == NAT_NONE) {
		nat->st.in_no_mapping++;
		return -ENOENT;
	}
	if (nat->cfg.no_reverse) {
		nat->st.in_no_reverse++;
		return -ENOENT;
	}
	e = &nat->map[idx];
	e->last_ms = now_ms;
	nat->st.in_pkts++;
	*ap_ip = e->ap_ip;
	*ap_port = e->ap_port;
	return 0;
}

uint32_t
cs_nat_return_src(const struct cs_nat *nat, uint32_t peer_ip)
{
	if (nat == NULL || nat->cfg.asym_src_ip == 0)
		return peer_ip;
	return nat->cfg.asym_src_ip;
}

int
cs_nat_rebind(struct cs_nat *nat, uint64_t now_ms)
{
	int i, n = 0, r;

	(void)now_ms;
	if (nat == NULL)
		return -EINVAL;
	for (i = 0; i < nat->n_map; i++) {
		struct nat_map *e = &nat->map[i];
		uint16_t port, old;

		if (!e->used)
			continue;
		/* allocate before releasing, so the new port differs */
		if ((r = nat_alloc(nat, e->ap_ip, e->ap_port, &port)) < 0) {
			nat->st.alloc_failures++;
			return r;
		}
		old = e->ext_port;
		e->ext_port = port;
		nat_port_set(nat, port, i);
		nat_release_port(nat, old);
		nat->st.rebound++;
		n++;
	}
	return n;
}

int
cs_nat_expire_all(struct cs_nat *nat, uint64_t now_ms)
{
	int i, n = 0;

	(void)now_ms;
	if (nat == NULL)
		return -EINVAL;
	for (i = 0; i < nat->n_map; i++) {
		if (!nat->map[i].used)
			continue;
		nat_unlink(nat, i);
		nat->st.expired_forced++;
		n++;
	}
	return n;
}

int
cs_nat_expire_idle(struct cs_nat *nat, uint64_t now_ms)
{
	int i, n = 0;

	if (nat == NULL)
		return -EINVAL;
	for (i = 0; i < nat->n_map; i++) {
		if (!nat->map[i].used || !nat_idle(nat, &nat->map[i], now_ms))
			continue;
		nat_unlink(nat, i);
		nat->st.expired_idle++;
		n++;
	}
	return n;
}

void
cs_nat_stats(const struct cs_nat *nat, struct cs_nat_stats *out)
{
	if (nat == NULL || out == NULL)
		return;
	*out = nat->st;
}
