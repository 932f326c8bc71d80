/* SPDX-License-Identifier: MIT */
/*
 * NAT emulation: mappings, idle timeout, rebinding, forced expiry, no
 * reverse translation, asymmetric return, allocator callbacks, limits.
 */
#include <errno.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/impair.h"

#define EXT 0xc6336401u /* 198.51.100.1 */
#define AP1 0x7f000101u
#define AP2 0x7f000102u

static struct cs_nat *
nat_make(const struct cs_nat_cfg *extra)
{
	struct cs_nat_cfg cfg;
	struct cs_nat *nat = NULL;

	if (extra != NULL) {
		cfg = *extra;
	} else {
		memset(&cfg, 0, sizeof(cfg));
	}
	cfg.ext_ip = EXT;
	assert_int_equal(cs_nat_new(&nat, &cfg), 0);
	return nat;
}

static void
test_mapping(void **state)
{
	struct cs_nat *nat = nat_make(NULL);
	struct cs_nat_stats st;
	uint32_t ip = 0, aip = 0;
	uint16_t p1 = 0, p2 = 0, p3 = 0, ap = 0;

	(void)state;
	assert_int_equal(cs_nat_out(nat, AP1, 40000, 0, &ip, &p1), 0);
	assert_int_equal(ip, EXT);
	assert_int_equal(p1, 20000);
	/* same internal endpoint -> same mapping (endpoint independent) */
	assert_int_equal(cs_nat_out(nat, AP1, 40000, 10, &ip, &p2), 0);
	assert_int_equal(p2, p1);
	assert_int_equal(cs_nat_out(nat, AP1, 40001, 10, &ip, &p2), 0);
	assert_int_equal(cs_nat_out(nat, AP2, 40000, 10, &ip, &p3), 0);
	assert_true(p2 != p1 && p3 != p1 && p3 != p2);

	assert_int_equal(cs_nat_in(nat, EXT, p3, 20, &aip, &ap), 0);
	assert_int_equal(aip, AP2);
	assert_int_equal(ap, 40000);
	aip = 7;
	assert_int_equal(cs_nat_in(nat, EXT, 1234, 20, &aip, &ap), -ENOENT);
	assert_int_equal(cs_nat_in(nat, EXT + 1, p3, 20, &aip, &ap), -ENOENT);
	assert_int_equal(aip, 7);
	assert_int_equal(cs_nat_return_src(nat, 0x7f000001), 0x7f000001);
	cs_nat_stats(nat, &st);
	assert_int_equal(st.mappings, 3);
	assert_int_equal(st.active, 3);
	assert_int_equal(st.out_pkts, 4);
	assert_int_equal(st.in_pkts, 1);
	assert_int_equal(st.in_no_mapping, 2);
	assert_int_equal(cs_nat_out(NULL, AP1, 1, 0, &ip, &p1), -EINVAL);
	assert_int_equal(cs_nat_in(nat, EXT, p1, 0, NULL, &ap), -EINVAL);
	cs_nat_free(nat);
	cs_nat_free(NULL);
}

static void
test_idle_timeout(void **state)
{
	struct cs_nat_cfg cfg = { .idle_timeout_ms = 1000 };
	struct cs_nat *nat = nat_make(&cfg);
	struct cs_nat_stats st;
	uint32_t ip, aip;
	uint16_t p1, p2, ap;

	(void)state;
	assert_int_equal(cs_nat_out(nat, AP1, 40000, 0, &ip, &p1), 0);
	/* inbound refreshes the idle timer */
	assert_int_equal(cs_nat_in(nat, EXT, p1, 900, &aip, &ap), 0);
	assert_int_equal(cs_nat_in(nat, EXT, p1, 1900, &aip, &ap), 0);
	/* idle > 1000 ms: gone */
	assert_int_equal(cs_nat_in(nat, EXT, p1, 2901, &aip, &ap), -ENOENT);
	/* a new outbound creates a new mapping with another port */
	assert_int_equal(cs_nat_out(nat, AP1, 40000, 3000, &ip, &p2), 0);
	assert_int_not_equal(p2, p1);
	assert_int_equal(cs_nat_out(nat, AP2, 1, 3000, &ip, &p2), 0);
	assert_int_equal(cs_nat_expire_idle(nat, 3500), 0);
	assert_int_equal(cs_nat_expire_idle(nat, 4001), 2);
	cs_nat_stats(nat, &st);
	assert_int_equal(st.expired_idle, 3);
	assert_int_equal(st.active, 0);
	cs_nat_free(nat);
}

static void
test_no_reverse_asym(void **state)
{
	struct cs_nat_cfg cfg = { .no_reverse = true,
		.asym_src_ip = 0x0a000009 };
	struct cs_nat *nat = nat_make(&cfg);
	struct cs_nat_stats st;
	uint32_t ip, aip = 5;
	uint16_t p, ap = 5;

	(void)state;
	assert_int_equal(cs_nat_out(nat, AP1, 40000, 0, &ip, &p), 0);
	assert_int_equal(cs_nat_in(nat, EXT, p, 1, &aip, &ap), -ENOENT);
	assert_int_equal(aip, 5);
	assert_int_equal(ap, 5);
	cs_nat_stats(nat, &st);
	assert_int_equal(st.in_no_reverse, 1);
	assert_int_equal(st.in_no_mapping, 0);
	assert_int_equal(cs_nat_return_src(nat, 0x7f000001), 0x0a000009);
	cs_nat_free(nat);
}

struct alloc_ctx {
	uint16_t next;
	unsigned calls, released;
	uint16_t last_released;
	int fail;
};

static int
alloc_cb(void *ctx, uint32_t ap_ip, uint16_t ap_port, uint16_t *ext_port)
{
	struct alloc_ctx *a = ctx;

	(void)ap_ip;
	(void)ap_port;
	a->calls++;
	if (a->fail)
		return a->fail;
	*ext_port = a->next++;
	return 0;
}

static void
release_cb(void *ctx, uint16_t port)
{
	struct alloc_ctx *a = ctx;

	a->released++;
	a->last_released = port;
}

static void
test_rebind_expire(void **state)
{
	struct alloc_ctx ac = { .next = 30000 };
	struct cs_nat_cfg cfg = { .alloc = alloc_cb,
		.release = release_cb,
		.alloc_ctx = &ac,
		.rebind_at_ms = 5000,
		.expire_at_ms = 9000 };
	struct cs_nat *nat = nat_make(&cfg);
	struct cs_nat_stats st;
	uint32_t ip, aip;
	uint16_t p1, p2, pn, ap;

	(void)state;
	assert_int_equal(cs_nat_out(nat, AP1, 40000, 0, &ip, &p1), 0);
	assert_int_equal(cs_nat_out(nat, AP2, 40000, 0, &ip, &p2), 0);
	assert_int_equal(p1, 30000);
	assert_int_equal(p2, 30001);
	assert_int_equal(cs_nat_in(nat, EXT, p1, 4999, &aip, &ap), 0);
	/* at 5000 every mapping moves: the old port is dead */
	assert_int_equal(cs_nat_in(nat, EXT, p1, 5000, &aip, &ap), -ENOENT);
	assert_int_equal(ac.released, 2);
	assert_int_equal(cs_nat_out(nat, AP1, 40000, 5001, &ip, &pn), 0);
	assert_true(pn == 30002 || pn == 30003);
	assert_int_equal(cs_nat_in(nat, EXT, pn, 5002, &aip, &ap), 0);
	assert_int_equal(aip, AP1);
	cs_nat_stats(nat, &st);
	assert_int_equal(st.rebound, 2);
	/* only once */
	assert_int_equal(cs_nat_out(nat, AP1, 40000, 6000, &ip, &p1), 0);
	assert_int_equal(p1, pn);
	/* at 9000 everything is forgotten */
	assert_int_equal(cs_nat_in(nat, EXT, pn, 9000, &aip, &ap), -ENOENT);
	cs_nat_stats(nat, &st);
	assert_int_equal(st.expired_forced, 2);
	assert_int_equal(st.active, 0);
	assert_int_equal(ac.released, 4);

	/* explicit timeline actions */
	assert_int_equal(cs_nat_out(nat, AP1, 40000, 9100, &ip, &p1), 0);
	assert_int_equal(cs_nat_rebind(nat, 9200), 1);
	assert_int_equal(cs_nat_out(nat, AP1, 40000, 9300, &ip, &p2), 0);
	assert_int_not_equal(p2, p1);
	assert_int_equal(ac.last_released, p1);
	assert_int_equal(cs_nat_expire_all(nat, 9400), 1);
	assert_int_equal(cs_nat_expire_all(nat, 9400), 0);

	/* allocator failure is passed on, nothing created */
	ac.fail = -EMFILE;
	assert_int_equal(cs_nat_out(nat, AP1, 40000, 9500, &ip, &p1), -EMFILE);
	cs_nat_stats(nat, &st);
	assert_int_equal(st.alloc_failures, 1);
	assert_int_equal(st.active, 0);
	/* the allocator handing out a port in use is refused */
	ac.fail = 0;
	ac.next = 31000;
	assert_int_equal(cs_nat_out(nat, AP1, 1, 9600, &ip, &p1), 0);
	ac.next = 31000;
	assert_int_equal(cs_nat_out(nat, AP2, 1, 9600, &ip, &p1), -EADDRINUSE);
	cs_nat_free(nat);
	assert_int_equal(ac.released, 7); /* the last mapping, at free */
}

static void
test_ports_and_config(void **state)
{
	struct cs_nat_cfg cfg = { .port_min = 100, .port_max = 101 };
	struct cs_nat *nat = nat_make(&cfg), *bad = (struct cs_nat *)&cfg;
	uint32_t ip;
	uint16_t p;

	(void)state;
	assert_int_equal(cs_nat_out(nat, AP1, 1, 0, &ip, &p), 0);
	assert_int_equal(p, 100);
	assert_int_equal(cs_nat_out(nat, AP1, 2, 0, &ip, &p), 0);
	assert_int_equal(p, 101);
	p = 9;
	assert_int_equal(cs_nat_out(nat, AP1, 3, 0, &ip, &p), -ENOSPC);
	assert_int_equal(p, 9);
	/* freeing one makes room; a lot of churn keeps working */
	assert_int_equal(cs_nat_expire_all(nat, 1), 2);
	for (unsigned i = 0; i < 1000; i++) {
		assert_int_equal(
		    cs_nat_out(nat, AP1 + i, (uint16_t)i, 2, &ip, &p), 0);
		assert_int_equal(cs_nat_expire_all(nat, 2), 1);
	}
	cs_nat_free(nat);

	/* many mappings: the tables grow */
	nat = nat_make(NULL);
	for (unsigned i = 0; i < 5000; i++)
		assert_int_equal(cs_nat_out(nat, AP1 + i, 5246, 0, &ip, &p), 0);
	for (unsigned i = 0; i < 5000; i++) {
		uint32_t aip;
		uint16_t ap;

		assert_int_equal(
		    cs_nat_in(nat, EXT, (uint16_t)(20000 + i), 0, &aip, &ap),
		    0);
		assert_int_equal(aip, AP1 + i);
	}
	cs_nat_free(nat);

	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(cs_nat_new(&bad, &cfg), -EINVAL); /* no ext_ip */
	assert_ptr_equal(bad, (struct cs_nat *)&cfg);
	cfg.ext_ip = EXT;
	cfg.port_min = 200;
	cfg.port_max = 100;
	assert_int_equal(cs_nat_new(&bad, &cfg), -EINVAL);
	assert_int_equal(cs_nat_new(NULL, &cfg), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_no_reverse_asym),
		cmocka_unit_test(test_rebind_expire),
		cmocka_unit_test(test_ports_and_config),
	};

	return cmocka_run_group_tests_name("nat", tests, NULL, NULL);
}
