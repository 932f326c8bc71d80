/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the NAT emulation (lib/net/nat.c, issue 18): a config
 * from the first bytes (port range, idle timeout, reverse off, scheduled
 * rebind and expiry, the engine's allocator or the internal one), then a
 * stream of outbound and inbound packets, clock steps, rebinds and
 * expiries.  Oracles: a reply to the external address just handed out
 * comes back to the AP that sent (unless reverse translation is off);
 * internal ports stay in their range; the engine's allocator never sees
 * a port released twice or one it did not give, and gets every port
 * back when the NAT is freed.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/impair.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EXT_IP 0xc6120001u /* 198.18.0.1 */

struct pool {
	uint8_t used[65536];
	unsigned n_used;
	unsigned fail_every; /* 0 = never */
	unsigned calls;
	uint16_t next;
};

static int
pool_alloc(void *ctx, uint32_t ap_ip, uint16_t ap_port, uint16_t *ext_port)
{
	struct pool *p = ctx;

	(void)ap_ip;
	(void)ap_port;
	if (p->fail_every != 0 && ++p->calls % p->fail_every == 0)
		return -EADDRINUSE;
	for (unsigned i = 0; i < 64; i++) {
		uint16_t port = (uint16_t)(30000 + (p->next + i) % 64);

		if (!p->used[port]) {
			p->used[port] = 1;
			p->n_used++;
			p->next = (uint16_t)(p->next + i + 1);
			*ext_port = port;
			return 0;
		}
	}
	return -ENOSPC;
}

static void
pool_release(void *ctx, uint16_t ext_port)
{
	struct pool *p = ctx;

	if (!p->used[ext_port])
		abort(); /* released twice, or never given */
	p->used[ext_port] = 0;
	p->n_used--;
}

static bool
take(const uint8_t **d, size_t *left, void *out, size_t n)
{
	if (*left < n)
		return false;
	memcpy(out, *d, n);
	*d += n;
	*left -= n;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pool pool;
	struct cs_nat_cfg cfg = { .ext_ip = EXT_IP };
	struct cs_nat_stats st;
	struct cs_nat *nat = NULL;
	uint8_t c[6], op[4];
	uint64_t now = 1000;
	bool engine;

	if (!take(&data, &size, c, sizeof(c)))
		return 0;
	memset(&pool, 0, sizeof(pool));
	engine = (c[0] & 1) != 0;
	if (engine) {
		cfg.alloc = pool_alloc;
		cfg.release = pool_release;
		cfg.alloc_ctx = &pool;
		pool.fail_every = c[1] >> 4;
	} else {
		cfg.port_min = (uint16_t)(65535 - c[1]);
		cfg.port_max = (uint16_t)(cfg.port_min + (c[2] & 0x1f));
		if (cfg.port_max < cfg.port_min)
			cfg.port_max = 65535;
		if (c[0] & 0x10) {
			cfg.port_min = 1; /* the whole range, defaults path */
			cfg.port_max = 0;
		}
	}
	cfg.idle_timeout_ms = (uint64_t)c[3] * 100;
	cfg.no_reverse = (c[0] & 2) != 0;
	cfg.asym_src_ip = (c[0] & 4) ? 0xc6120063u : 0;
	cfg.rebind_at_ms = (c[0] & 8) ? 1000 + (uint64_t)c[4] * 50 : 0;
	cfg.expire_at_ms = (c[0] & 0x20) ? 1000 + (uint64_t)c[5] * 50 : 0;
	if (cs_nat_new(&nat, &cfg) < 0)
		return 0;
	for (unsigned k = 0; k < 512 && take(&data, &size, op, sizeof(op));
	     k++) {
		uint32_t ip = 0xc6120100u + (op[1] & 7), eip, rip;
		uint16_t port = (uint16_t)(5246 + op[2]), eport, rport;
		int r;

		switch (op[0] & 7) {
		case 0:
		case 1:
			r = cs_nat_out(nat, ip, port, now, &eip, &eport);
			if (r < 0)
				break;
			if (eip != EXT_IP ||
			    (!engine && cfg.port_max != 0 &&
			        (eport < cfg.port_min || eport > cfg.port_max)))
				abort();
			r = cs_nat_in(nat, eip, eport, now, &rip, &rport);
			if (cfg.no_reverse
			        ? r != -ENOENT
			        : r != 0 || rip != ip || rport != port)
				abort(); /* the reply does not find its AP */
			break;
		case 2:
			(void)cs_nat_in(nat, op[1] & 1 ? EXT_IP : ip,
			    (uint16_t)(op[2] << 8 | op[3]), now, &rip, &rport);
			break;
		case 3:
			now += (uint64_t)op[1] * 10 + (uint64_t)op[2] * 1000;
			break;
		case 4:
			(void)cs_nat_rebind(nat, now);
			break;
		case 5:
			(void)cs_nat_expire_all(nat, now);
			break;
		case 6:
			(void)cs_nat_expire_idle(nat, now);
			break;
		default:
			(void)cs_nat_return_src(nat, ip);
			break;
		}
		cs_nat_stats(nat, &st);
		if (engine && st.active != pool.n_used)
			abort(); /* a mapping without its port, or the reverse
			          */
	}
	cs_nat_free(nat);
	if (engine && pool.n_used != 0)
		abort(); /* ports not given back */
	return 0;
}
