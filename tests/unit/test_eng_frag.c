/* SPDX-License-Identifier: MIT */
/*
 * The engine's reassembly of received CAPWAP fragments (RFC 5415 §3.4,
 * lib/engine/frag.c): a whole message passes as it is; fragments are
 * joined per session; a session holds at most ENG_REASM_PEER_SETS sets
 * (the oldest is evicted), a worker ENG_REASM_MAX_SETS (a new set beyond
 * is refused); every cap is counted and logged, and freeing a session
 * gives its sets back.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capsim/capwap.h"
#include "capsim/capwap_frag.h"
#include "capsim/cursor.h"
#include "engine/engine-internal.h"
#include "testutil.h"

static char last_log[1024];
static unsigned n_logs;

static void
t_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	(void)level;
	snprintf(last_log, sizeof(last_log), "%s", msg);
	n_logs++;
}

static const struct cs_log tlog = { t_log, NULL, CS_LOG_DEBUG };

struct frags {
	unsigned n;
	uint8_t pkt[8][600];
	size_t len[8];
};

static int
collect(void *arg, const uint8_t *pkt, size_t len)
{
	struct frags *f = arg;

	assert_true(f->n < 8 && len <= sizeof(f->pkt[0]));
	memcpy(f->pkt[f->n], pkt, len);
	f->len[f->n++] = len;
	return 0;
}

/* A 1000-byte CAPWAP control packet (minimal header, RFC 5415 §4.3). */
static size_t
make_msg(uint8_t *buf, size_t cap)
{
	struct cs_capwap_hdr h = { .hlen = 2, .rid = 1, .wbid = 1 };
	struct cs_wr wr;

	cs_wr_init(&wr, buf, cap);
	cs_capwap_hdr_encode(&wr, &h);
	for (unsigned i = 0; wr.len < 1000; i++)
		cs_wr_u8(&wr, (uint8_t)(i * 7));
	assert_int_equal(wr.err, 0);
	return wr.len;
}

struct fixture {
	struct cs_engine e;
	struct eng_w *w;
	struct eng_dtls d[2];
};

static void
fixture_init(struct fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	fx->e.cfg.log = &tlog;
	fx->w = calloc(1, sizeof(*fx->w));
	assert_non_null(fx->w);
	fx->w->e = &fx->e;
	for (unsigned i = 0; i < 2; i++)
		fx->d[i].w = fx->w;
	n_logs = 0;
	last_log[0] = '\0';
}

static void
fixture_free(struct fixture *fx)
{
	for (unsigned i = 0; i < 2; i++)
		eng_dtls_reasm_free(&fx->d[i]);
	assert_int_equal(fx->w->reasm_sets, 0);
	free(fx->w);
}

static void
test_whole_and_joined(void **state)
{
	static uint8_t msg[1100];
	struct fixture fx;
	struct frags f = { 0 };
	const uint8_t *out;
	size_t len = make_msg(msg, sizeof(msg)), out_len;

	(void)state;
	fixture_init(&fx);
	/* a whole message is handed on as it is, nothing is made */
	assert_int_equal(
	    eng_dtls_reasm(&fx.d[0], msg, len, 10, &out, &out_len), 1);
	assert_ptr_equal(out, msg);
	assert_int_equal(out_len, len);
	assert_null(fx.d[0].reasm);
	/* in fragments (576-byte records): held, then joined */
	assert_int_equal(
	    cs_capwap_fragment(msg, len, 576, 7, collect, &f, NULL), 2);
	assert_int_equal(
	    eng_dtls_reasm(&fx.d[0], f.pkt[0], f.len[0], 10, &out, &out_len),
	    0);
	assert_int_equal(fx.w->reasm_sets, 1);
	assert_int_equal(
	    eng_dtls_reasm(&fx.d[0], f.pkt[1], f.len[1], 11, &out, &out_len),
	    1);
	assert_int_equal(out_len, len);
	/* the same bytes but the Fragment ID, which is kept */
	assert_memory_equal(out, msg, 4);
	assert_memory_equal(out + 8, msg + 8, len - 8);
	assert_int_equal(fx.w->reasm_sets, 0);
	assert_int_equal(fx.w->frag.frags_rcvd, 2);
	assert_int_equal(fx.w->frag.reassembled, 1);
	assert_int_equal(fx.w->frag.sets_dropped, 0);
	fixture_free(&fx);
}

static void
test_caps(void **state)
{
	static uint8_t msg[1100];
	struct fixture fx;
	const uint8_t *out;
	size_t len = make_msg(msg, sizeof(msg)), out_len;

	(void)state;
	fixture_init(&fx);
	/* a peer starts ENG_REASM_PEER_SETS + 1 messages and finishes none:
	 * the oldest set is evicted, counted and logged */
	for (unsigned id = 0; id <= ENG_REASM_PEER_SETS; id++) {
		struct frags f = { 0 };

		assert_int_equal(cs_capwap_fragment(msg, len, 576, (uint16_t)id,
		                     collect, &f, NULL),
		    2);
		assert_int_equal(eng_dtls_reasm(&fx.d[0], f.pkt[0], f.len[0],
		                     100 + id, &out, &out_len),
		    0);
	}
	assert_int_equal(fx.w->reasm_sets, ENG_REASM_PEER_SETS);
	assert_int_equal(fx.w->frag.peer_evicted, 1);
	assert_int_equal(fx.w->frag.sets_dropped, 1);
	assert_non_null(strstr(last_log, "the oldest was dropped"));
	/* the worker is at its cap (the other sessions' sets): a new set
	 * from another peer is refused, counted and logged; a fragment of
	 * a set in progress still goes on */
	fx.w->reasm_sets = ENG_REASM_MAX_SETS;
	fx.d[0].reasm_sets = ENG_REASM_MAX_SETS; /* as if d[0] held them */
	{
		struct frags f = { 0 };

		assert_int_equal(
		    cs_capwap_fragment(msg, len, 576, 99, collect, &f, NULL),
		    2);
		assert_int_equal(eng_dtls_reasm(&fx.d[1], f.pkt[0], f.len[0],
		                     200, &out, &out_len),
		    0);
		assert_int_equal(fx.w->frag.cap_drops, 1);
		assert_non_null(strstr(last_log, "its cap"));
		assert_int_equal(cs_reasm_pending(fx.d[1].reasm), 0);
	}
	fx.d[0].reasm_sets = ENG_REASM_PEER_SETS;
	fx.w->reasm_sets = ENG_REASM_PEER_SETS;
	/* sets expire (5 s): the count follows */
	{
		struct frags f = { 0 };

		assert_int_equal(
		    cs_capwap_fragment(msg, len, 576, 50, collect, &f, NULL),
		    2);
		assert_int_equal(eng_dtls_reasm(&fx.d[1], f.pkt[0], f.len[0],
		                     10000, &out, &out_len),
		    0);
		assert_int_equal(fx.w->reasm_sets, ENG_REASM_PEER_SETS + 1);
		assert_int_equal(eng_dtls_reasm(&fx.d[0], f.pkt[0], f.len[0],
		                     10000, &out, &out_len),
		    0);
		/* d[0]'s four old sets timed out; its new one is held */
		assert_int_equal(fx.w->reasm_sets, 2);
	}
	/* freeing a session gives its sets back (fixture_free checks 0) */
	fixture_free(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_and_joined),
		cmocka_unit_test(test_caps),
	};

	return cmocka_run_group_tests_name("eng_frag", tests, NULL, NULL);
}
