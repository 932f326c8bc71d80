/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for CAPWAP fragmentation and reassembly
 * (lib/wire/capwap_frag.c): split/join round trips over many MTUs,
 * out-of-order and duplicated arrival, overlaps, limits, timeouts,
 * eviction, header consistency and truncation at every byte.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/capwap.h"
#include "capsim/capwap_frag.h"
#include "capsim/cursor.h"
#include "testutil.h"

#define MAX_FRAGS 512

/* Collected fragments. */
struct frags {
	unsigned n;
	size_t len[MAX_FRAGS];
	uint8_t *pkt[MAX_FRAGS];
	int fail_at; /* emit returns -EIO at this index (-1: never) */
};

static int
collect(void *arg, const uint8_t *pkt, size_t len)
{
	struct frags *f = arg;

	if ((int)f->n == f->fail_at)
		return -EIO;
	assert_true(f->n < MAX_FRAGS);
	f->pkt[f->n] = malloc(len);
	assert_non_null(f->pkt[f->n]);
	memcpy(f->pkt[f->n], pkt, len);
	f->len[f->n] = len;
	f->n++;
	return 0;
}

static void
frags_init(struct frags *f)
{
	memset(f, 0, sizeof(*f));
	f->fail_at = -1;
}

static void
frags_free(struct frags *f)
{
	for (unsigned i = 0; i < f->n; i++)
		free(f->pkt[i]);
	f->n = 0;
}

/* A CAPWAP packet: *h, then plen bytes of a position-dependent pattern. */
static size_t
make_pkt(uint8_t *buf, size_t cap, const struct cs_capwap_hdr *h, size_t plen,
    uint8_t seed)
{
	struct cs_wr wr;

	cs_wr_init(&wr, buf, cap);
	cs_capwap_hdr_encode(&wr, h);
	for (size_t i = 0; i < plen; i++)
		cs_wr_u8(&wr, (uint8_t)(i * 7 + seed + (i >> 8)));
	assert_int_equal(wr.err, 0);
	return wr.len;
}

static void
rich_hdr(struct cs_capwap_hdr *h)
{
	static const uint8_t mac[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };

	cs_capwap_hdr_init(h, 1);
	h->has_radio_mac = true;
	h->radio_mac_len = 6;
	memcpy(h->radio_mac, mac, 6);
	h->has_wsi = true;
	h->wsi_len = 4;
	h->wsi[0] = 0xd8; /* RSSI -40 */
	h->wsi[1] = 30;
	h->wsi[3] = 10;
	h->is_native = true;
}

static struct cs_reasm *
reasm_new(
    unsigned max_frags, size_t max_size, uint32_t timeout_ms, unsigned max_sets)
{
	struct cs_reasm_cfg cfg = { max_frags, max_size, timeout_ms, max_sets };
	struct cs_reasm *r = NULL;

	assert_int_equal(cs_reasm_new(&r, &cfg), 0);
	assert_non_null(r);
	return r;
}

/* Checks every fragment of a split, then reassembles them in the given
 * order and compares with the original. */
static void
check_split(const uint8_t *pkt, size_t len, size_t mtu, uint16_t frag_id,
    const unsigned *order)
{
	struct frags f;
	struct cs_capwap_hdr orig, h;
	struct cs_rd rd;
	size_t hdr_len, payload = 0;
	struct cs_reasm *r;
	int n;

	cs_rd_init(&rd, pkt, len);
	assert_int_equal(cs_capwap_hdr_decode(&rd, &orig, NULL), 0);
	hdr_len = len - rd.left;
	frags_init(&f);
	n = cs_capwap_fragment(pkt, len, mtu, frag_id, collect, &f, NULL);
	assert_true(n >= 1);
	assert_int_equal((unsigned)n, f.n);
	assert_int_equal(
	    (unsigned)n, cs_capwap_fragment_count(len, hdr_len, mtu));
	if (len <= mtu) {
		assert_int_equal(n, 1);
		assert_bytes_equal(f.pkt[0], f.len[0], pkt, len);
		frags_free(&f);
		return;
	}
	for (unsigned i = 0; i < f.n; i++) {
		size_t plen;

		assert_true(f.len[i] <= mtu);
		cs_rd_init(&rd, f.pkt[i], f.len[i]);
		assert_int_equal(cs_capwap_hdr_decode(&rd, &h, NULL), 0);
		plen = rd.left;
		assert_true(h.is_fragment);
		assert_int_equal(h.is_last, i + 1 == f.n);
		assert_int_equal(h.frag_id, frag_id);
		assert_int_equal((size_t)h.frag_off * 8, payload);
		assert_int_equal(h.rid, orig.rid);
		assert_int_equal(h.wbid, orig.wbid);
		assert_int_equal(h.has_radio_mac, orig.has_radio_mac);
		assert_int_equal(h.wsi_len, orig.wsi_len);
		if (!h.is_last)
			assert_int_equal(plen % 8, 0);
		assert_true(plen > 0);
		assert_memory_equal(rd.p, pkt + hdr_len + payload, plen);
		payload += plen;
	}
	assert_int_equal(payload, len - hdr_len);

	r = reasm_new(
	    MAX_FRAGS > 256 ? 256 : MAX_FRAGS, CS_FRAG_MAX_PAYLOAD, 1000, 4);
	for (unsigned k = 0; k < f.n; k++) {
		unsigned i = order != NULL ? order[k] : k;
		const uint8_t *out = NULL;
		size_t out_len = 0;
		int ret = cs_reasm_input(
		    r, f.pkt[i], f.len[i], 10, &out, &out_len, NULL);

		if (k + 1 < f.n) {
			assert_int_equal(ret, 0);
			continue;
		}
		assert_int_equal(ret, 1);
		assert_int_equal(out_len, len);
		/* Same bytes but the kept Fragment ID. */
		assert_memory_equal(out, pkt, 4);
		assert_int_equal(out[4] << 8 | out[5], frag_id);
		assert_memory_equal(out + 6, pkt + 6, len - 6);
	}
	assert_int_equal(cs_reasm_pending(r), 0);
	cs_reasm_free(r);
	frags_free(&f);
}

/* cs_reasm_holds: a set is held from its first fragment until it
 * completes (what the engine's per-worker cap asks before a new set). */
static void
test_holds(void **state)
{
	static uint8_t pkt[2000];
	struct cs_capwap_hdr h;
	struct cs_reasm *r;
	struct frags f;
	const uint8_t *out;
	size_t len, out_len;

	(void)state;
	rich_hdr(&h);
	len = make_pkt(pkt, sizeof(pkt), &h, 1000, 7);
	frags_init(&f);
	assert_int_equal(
	    cs_capwap_fragment(pkt, len, 576, 0x1234, collect, &f, NULL), 2);
	r = reasm_new(16, CS_CAPWAP_MAX_MSG, 1000, 4);
	assert_int_equal(cs_reasm_holds(NULL, 0x1234), 0);
	assert_int_equal(cs_reasm_holds(r, 0x1234), 0);
	assert_int_equal(
	    cs_reasm_input(r, f.pkt[0], f.len[0], 10, &out, &out_len, NULL), 0);
	assert_int_equal(cs_reasm_holds(r, 0x1234), 1);
	assert_int_equal(cs_reasm_holds(r, 0x1235), 0);
	assert_int_equal(
	    cs_reasm_input(r, f.pkt[1], f.len[1], 10, &out, &out_len, NULL), 1);
	assert_int_equal(cs_reasm_holds(r, 0x1234), 0);
	cs_reasm_free(r);
	frags_free(&f);
}

static void
test_split_join_mtus(void **state)
{
	static uint8_t pkt[CS_CAPWAP_MAX_MSG];
	static const size_t mtus[] = { 40, 41, 47, 48, 49, 100, 576, 1000, 1468,
		1500, 3999, 4000, 4001, 9000 };
	struct cs_capwap_hdr h;
	size_t len;

	(void)state;
	rich_hdr(&h);
	len = make_pkt(pkt, sizeof(pkt), &h, 4000 - 24, 3); /* header 24 */
	assert_int_equal(len, 4000);
	for (size_t i = 0; i < CS_ARRAY_SIZE(mtus); i++)
		check_split(pkt, len, mtus[i], (uint16_t)(i * 4099), NULL);
	/* Payload lengths around multiples of 8 with a plain header. */
	cs_capwap_hdr_init(&h, 0);
	for (size_t plen = 1; plen < 70; plen++) {
		len = make_pkt(pkt, sizeof(pkt), &h, plen, (uint8_t)plen);
		check_split(pkt, len, 16, 0xffff, NULL);
		check_split(pkt, len, 23, 7, NULL);
		check_split(pkt, len, 24, 0, NULL);
	}
}

/* A tiny PRNG so shuffles are reproducible. */
static uint32_t
lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void
test_out_of_order(void **state)
{
	static uint8_t pkt[CS_CAPWAP_MAX_MSG];
	struct cs_capwap_hdr h;
	unsigned order[64];
	uint32_t seed = 42;
	size_t len;
	unsigned n;

	(void)state;
	rich_hdr(&h);
	len = make_pkt(pkt, sizeof(pkt), &h, 2000, 9);
	n = cs_capwap_fragment_count(len, 24, 200);
	assert_true(n > 5 && n < 64);
	for (unsigned i = 0; i < n; i++)
		order[i] = n - 1 - i; /* reversed: last fragment first */
	check_split(pkt, len, 200, 5, order);
	for (int round = 0; round < 50; round++) {
		for (unsigned i = 0; i < n; i++)
			order[i] = i;
		for (unsigned i = n - 1; i > 0; i--) {
			unsigned j = lcg(&seed) % (i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		check_split(pkt, len, 200, (uint16_t)round, order);
	}
}

/* Duplicates anywhere are ignored and counted; the message completes
 * exactly once. */
static void
test_duplicates(void **state)
{
	static uint8_t pkt[2048];
	struct cs_capwap_hdr h;
	struct cs_reasm_stats st;
	struct frags f;
	struct cs_reasm *r = reasm_new(0, 0, 0, 0);
	const uint8_t *out;
	size_t len, out_len;
	int completed = 0;
	static const unsigned seq[] = { 2, 0, 2, 1, 0, 3, 3, 2 };

	(void)state;
	cs_capwap_hdr_init(&h, 2);
	len = make_pkt(pkt, sizeof(pkt), &h, 1000, 1);
	frags_init(&f);
	assert_int_equal(
	    cs_capwap_fragment(pkt, len, 300, 77, collect, &f, NULL), 4);
	for (size_t k = 0; k < CS_ARRAY_SIZE(seq); k++) {
		int ret = cs_reasm_input(
		    r, f.pkt[seq[k]], f.len[seq[k]], 0, &out, &out_len, NULL);

		assert_true(ret == 0 || ret == 1);
		if (ret == 1) {
			completed++;
			assert_int_equal(out_len, len);
			assert_memory_equal(out + 6, pkt + 6, len - 6);
		}
	}
	/* 2,0,2(dup),1,0(dup),3 -> complete; 3 and 2 start a new set. */
	assert_int_equal(completed, 1);
	cs_reasm_get_stats(r, &st);
	assert_int_equal(st.completed, 1);
	assert_int_equal(st.duplicates, 2);
	assert_int_equal(st.fragments, CS_ARRAY_SIZE(seq));
	assert_int_equal(cs_reasm_pending(r), 1);
	cs_reasm_free(r);
	frags_free(&f);
}

/* A hand-made fragment: header with F (and L), offset in 8-byte units,
 * dlen bytes of value fill. */
static size_t
mk_frag(uint8_t *buf, uint16_t id, uint16_t off8, bool last, size_t dlen,
    uint8_t fill, uint8_t rid)
{
	struct cs_capwap_hdr h;
	struct cs_wr wr;

	cs_capwap_hdr_init(&h, rid);
	h.is_fragment = true;
	h.is_last = last;
	h.frag_id = id;
	h.frag_off = off8;
	cs_wr_init(&wr, buf, 4096);
	cs_capwap_hdr_encode(&wr, &h);
	for (size_t i = 0; i < dlen; i++)
		cs_wr_u8(&wr, fill);
	assert_int_equal(wr.err, 0);
	return wr.len;
}

struct step {
	uint16_t off8;
	bool last;
	uint16_t dlen;
	uint8_t fill;
	uint8_t rid;
	int ret;
};

struct script {
	const char *name;
	struct step steps[6];
	unsigned n;
	const char *what; /* err.what of the failing step */
	int counter;      /* which stat must be 1 */
};

enum {
	C_NONE,
	C_OVERLAP,
	C_INCONS,
	C_TOO_MANY,
	C_OVERSIZE
};

static const struct script scripts[] = {
	{ "overlap forward",
	    { { 0, false, 16, 1, 0, 0 }, { 1, false, 16, 2, 0, -EBADMSG } }, 2,
	    "fragment overlaps another", C_OVERLAP },
	{ "overlap backward",
	    { { 2, true, 8, 1, 0, 0 }, { 1, false, 16, 2, 0, -EBADMSG } }, 2,
	    "fragment overlaps another", C_OVERLAP },
	{ "same range other bytes",
	    { { 0, false, 8, 1, 0, 0 }, { 0, false, 8, 2, 0, -EBADMSG } }, 2,
	    "fragment overlaps another", C_OVERLAP },
	{ "same range now last",
	    { { 0, false, 8, 1, 0, 0 }, { 0, true, 8, 1, 0, -EBADMSG } }, 2,
	    "fragment overlaps another", C_OVERLAP },
	{ "contained",
	    { { 0, false, 32, 1, 0, 0 }, { 1, false, 8, 1, 0, -EBADMSG } }, 2,
	    "fragment overlaps another", C_OVERLAP },
	{ "second last",
	    { { 1, true, 8, 1, 0, 0 }, { 3, true, 8, 1, 0, -EBADMSG } }, 2,
	    "second last fragment", C_OVERLAP },
	{ "single fragment is complete", { { 0, true, 8, 1, 0, 1 } }, 1, NULL,
	    C_NONE },
	{ "beyond last",
	    { { 1, true, 4, 1, 0, 0 }, { 3, false, 8, 1, 0, -EBADMSG } }, 2,
	    "fragment beyond the last fragment", C_INCONS },
	{ "last before others",
	    { { 4, false, 8, 1, 0, 0 }, { 1, true, 4, 1, 0, -EBADMSG } }, 2,
	    "fragment beyond the last fragment", C_INCONS },
	{ "header differs",
	    { { 0, false, 8, 1, 0, 0 }, { 1, true, 8, 1, 3, -EBADMSG } }, 2,
	    "fragment header differs from its set", C_INCONS },
	{ "not multiple of 8", { { 0, false, 12, 1, 0, -EBADMSG } }, 1,
	    "non-last fragment not a multiple of 8 bytes", C_INCONS },
	{ "empty", { { 0, true, 0, 1, 0, -EBADMSG } }, 1, "empty fragment",
	    C_INCONS },
	{ "too many",
	    { { 0, false, 8, 1, 0, 0 }, { 1, false, 8, 1, 0, 0 },
	        { 2, false, 8, 1, 0, 0 }, { 3, false, 8, 1, 0, 0 },
	        { 4, true, 8, 1, 0, -E2BIG } },
	    5, "too many fragments", C_TOO_MANY },
	{ "oversize",
	    { { 0, false, 64, 1, 0, 0 }, { 8, true, 60, 1, 0, -EMSGSIZE } }, 2,
	    "reassembled message too large", C_OVERSIZE },
	{ "hole then last: waits",
	    { { 0, false, 8, 1, 0, 0 }, { 2, true, 8, 1, 0, 0 } }, 2, NULL,
	    C_NONE },
	{ "exactly max size",
	    { { 0, false, 64, 1, 0, 0 }, { 8, true, 56, 1, 0, 1 } }, 2, NULL,
	    C_NONE },
};

static void
test_scripts(void **state)
{
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(scripts); i++) {
		const struct script *s = &scripts[i];
		/* 4 fragments, 128 bytes: header 8 + 120 payload. */
		struct cs_reasm *r = reasm_new(4, 128, 1000, 4);
		struct cs_reasm_stats st;
		struct cs_err err = { 0 };
		uint64_t cnt = 0;

		for (unsigned k = 0; k < s->n; k++) {
			const struct step *p = &s->steps[k];
			uint8_t buf[4096];
			size_t len = mk_frag(
			    buf, 9, p->off8, p->last, p->dlen, p->fill, p->rid);
			const uint8_t *out = (const uint8_t *)"x";
			size_t out_len = 12345;
			int ret = cs_reasm_input(
			    r, buf, len, k, &out, &out_len, &err);

			if (ret != p->ret)
				fail_msg("%s step %u: got %d (%s), want %d",
				    s->name, k, ret, err.what ? err.what : "-",
				    p->ret);
			if (ret != 1) {
				assert_int_equal(out_len, 12345);
				assert_string_equal(out, "x");
			}
			if (ret < 0) {
				assert_string_equal(err.what, s->what);
				assert_int_equal(err.code, ret);
				/* The whole set is gone. */
				assert_int_equal(cs_reasm_pending(r), 0);
			}
		}
		cs_reasm_get_stats(r, &st);
		switch (s->counter) {
		case C_OVERLAP:
			cnt = st.overlaps;
			break;
		case C_INCONS:
			cnt = st.inconsistent;
			break;
		case C_TOO_MANY:
			cnt = st.too_many;
			break;
		case C_OVERSIZE:
			cnt = st.oversize;
			break;
		default:
			cnt = 1;
			break;
		}
		if (cnt != 1)
			fail_msg("%s: counter %d is %llu", s->name, s->counter,
			    (unsigned long long)cnt);
		cs_reasm_free(r);
	}
}

static void
test_timeout(void **state)
{
	uint8_t buf[256];
	struct cs_reasm *r = reasm_new(0, 0, 5000, 0);
	struct cs_reasm_stats st;
	const uint8_t *out;
	size_t len, out_len;
	uint64_t at = 0;

	(void)state;
	assert_int_equal(cs_reasm_next_expiry(r, &at), -ENOENT);
	len = mk_frag(buf, 1, 0, false, 8, 1, 0);
	assert_int_equal(
	    cs_reasm_input(r, buf, len, 1000, &out, &out_len, NULL), 0);
	len = mk_frag(buf, 2, 0, false, 8, 1, 0);
	assert_int_equal(
	    cs_reasm_input(r, buf, len, 3000, &out, &out_len, NULL), 0);
	assert_int_equal(cs_reasm_next_expiry(r, &at), 0);
	assert_int_equal(at, 6000);
	assert_int_equal(cs_reasm_expire(r, 5999), 0);
	assert_int_equal(cs_reasm_expire(r, 6000), 1);
	assert_int_equal(cs_reasm_pending(r), 1);
	assert_int_equal(cs_reasm_next_expiry(r, &at), 0);
	assert_int_equal(at, 8000);
	/* The rest of set 1 arrives late: it starts a new set, never
	 * completes. */
	len = mk_frag(buf, 1, 1, true, 8, 1, 0);
	assert_int_equal(
	    cs_reasm_input(r, buf, len, 6001, &out, &out_len, NULL), 0);
	/* Input expires lazily: set 2 (first seen at 3000) goes at 8000. */
	len = mk_frag(buf, 2, 1, true, 8, 1, 0);
	assert_int_equal(
	    cs_reasm_input(r, buf, len, 8000, &out, &out_len, NULL), 0);
	cs_reasm_get_stats(r, &st);
	assert_int_equal(st.timeouts, 2);
	assert_int_equal(st.completed, 0);
	assert_int_equal(cs_reasm_pending(r), 2);
	/* A clock that goes backwards expires nothing. */
	assert_int_equal(cs_reasm_expire(r, 0), 0);
	assert_int_equal(cs_reasm_expire(r, 100000), 2);
	cs_reasm_free(r);
}

static void
test_eviction_and_interleave(void **state)
{
	uint8_t buf[256];
	struct cs_reasm *r = reasm_new(0, 0, 0, 2);
	struct cs_reasm_stats st;
	const uint8_t *out;
	size_t len, out_len;

	(void)state;
	/* Two interleaved messages both complete. */
	len = mk_frag(buf, 10, 0, false, 8, 0xa, 0);
	assert_int_equal(
	    cs_reasm_input(r, buf, len, 1, &out, &out_len, NULL), 0);
	len = mk_frag(buf, 11, 1, true, 3, 0xb, 0);
	assert_int_equal(
	    cs_reasm_input(r, buf, len, 2, &out, &out_len, NULL), 0);
	len = mk_frag(buf, 10, 1, true, 5, 0xa, 0);
	assert_int_equal(
	    cs_reasm_input(r, buf, len, 3, &out, &out_len, NULL), 1);
	assert_int_equal(out_len, 8 + 13);
	assert_int_equal(out[3] & 0xc0, 0); /* F and L cleared */
	assert_int_equal(out[4] << 8 | out[5], 10);
	assert_int_equal(out[6] << 8 | out[7], 0);
	len = mk_frag(buf, 11, 0, false, 8, 0xb, 0);
	assert_int_equal(
	    cs_reasm_input(r, buf, len, 4, &out, &out_len, NULL), 1);
	assert_int_equal(out_len, 8 + 11);
	assert_int_equal(out[8], 0xb);
	assert_int_equal(out[18], 0xb);

	/* Three sets with room for two: the oldest goes. */
	for (uint16_t id = 20; id < 23; id++) {
		len = mk_frag(buf, id, 0, false, 8, 1, 0);
		assert_int_equal(
		    cs_reasm_input(r, buf, len, 10 + id, &out, &out_len, NULL),
		    0);
	}
	cs_reasm_get_stats(r, &st);
	assert_int_equal(st.evicted, 1);
	assert_int_equal(st.completed, 2);
	len = mk_frag(buf, 21, 1, true, 1, 1, 0);
	assert_int_equal(
	    cs_reasm_input(r, buf, len, 40, &out, &out_len, NULL), 1);
	len = mk_frag(buf, 20, 1, true, 1, 1, 0); /* evicted: waits again */
	assert_int_equal(
	    cs_reasm_input(r, buf, len, 41, &out, &out_len, NULL), 0);
	cs_reasm_free(r);
}

static void
test_passthrough_and_malformed(void **state)
{
	uint8_t buf[256];
	struct cs_capwap_hdr h;
	struct cs_reasm *r = reasm_new(0, 0, 0, 0);
	struct cs_reasm_stats st;
	struct cs_err err = { 0 };
	const uint8_t *out = NULL;
	size_t len, out_len = 0;

	(void)state;
	cs_capwap_hdr_init(&h, 0);
	len = make_pkt(buf, sizeof(buf), &h, 20, 0);
	assert_int_equal(
	    cs_reasm_input(r, buf, len, 0, &out, &out_len, NULL), 1);
	assert_ptr_equal(out, buf);
	assert_int_equal(out_len, len);
	buf[0] = 0x01; /* DTLS preamble: not for the reassembler */
	out = NULL;
	assert_int_equal(
	    cs_reasm_input(r, buf, len, 0, &out, &out_len, &err), -EBADMSG);
	assert_null(out);
	assert_int_equal(err.code, -EBADMSG);
	cs_reasm_get_stats(r, &st);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(st.fragments, 1);

	assert_int_equal(
	    cs_reasm_input(NULL, buf, len, 0, &out, &out_len, NULL), -EINVAL);
	assert_int_equal(
	    cs_reasm_input(r, NULL, len, 0, &out, &out_len, NULL), -EINVAL);
	assert_int_equal(
	    cs_reasm_input(r, buf, len, 0, NULL, &out_len, NULL), -EINVAL);
	assert_int_equal(
	    cs_reasm_input(r, buf, len, 0, &out, NULL, NULL), -EINVAL);
	cs_reasm_free(r);
	cs_reasm_free(NULL);
}

/* Each prefix of each fragment of a split either fails cleanly or is
 * stored; nothing crashes and a later complete arrival still works. */
static void
test_truncation_every_byte(void **state)
{
	static uint8_t pkt[1024];
	struct cs_capwap_hdr h;
	struct frags f;
	size_t len;

	(void)state;
	rich_hdr(&h);
	len = make_pkt(pkt, sizeof(pkt), &h, 300, 5);
	frags_init(&f);
	assert_int_equal(
	    cs_capwap_fragment(pkt, len, 120, 3, collect, &f, NULL), 4);
	for (unsigned i = 0; i < f.n; i++) {
		for (size_t cut = 0; cut < f.len[i]; cut++) {
			struct cs_reasm *r = reasm_new(0, 0, 0, 0);
			const uint8_t *out;
			size_t out_len;
			int ret = cs_reasm_input(
			    r, f.pkt[i], cut, 0, &out, &out_len, NULL);

			assert_true(ret == 0 || ret == -EBADMSG);
			if (cut < 24)
				assert_int_equal(ret, -EBADMSG);
			cs_reasm_free(r);
		}
	}
	frags_free(&f);
}

/* A real control message survives split and join and still decodes. */
static void
test_control_message(void **state)
{
	static uint8_t pkt[CS_CAPWAP_MAX_MSG];
	static uint8_t blob[1500];
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;
	struct cs_msg m;
	struct frags f;
	struct cs_reasm *r = reasm_new(0, 0, 0, 0);
	const uint8_t *out = NULL;
	size_t out_len = 0;
	struct cs_err err = { 0 };
	struct cs_el_vendor_payload vsp = { .vendor = CS_CISCO_VENDOR_ID,
		.element_id = 44,
		.data = blob,
		.len = sizeof(blob) };

	(void)state;
	memset(blob, 0x5a, sizeof(blob));
	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, pkt, sizeof(pkt));
	cs_msgb_begin(&b, &wr, &h, CS_MSG_CONFIG_STATUS_REQ, 7);
	cs_el_put_vendor_payload(&wr, &vsp);
	cs_el_put_vendor_payload(&wr, &vsp);
	assert_int_equal(cs_msgb_end(&b), 0);
	frags_init(&f);
	assert_int_equal(
	    cs_capwap_fragment(pkt, wr.len, 1400, 0x8000, collect, &f, NULL),
	    3);
	for (unsigned i = f.n; i-- > 0;) {
		int ret = cs_reasm_input(
		    r, f.pkt[i], f.len[i], 0, &out, &out_len, NULL);

		assert_int_equal(ret, i == 0 ? 1 : 0);
	}
	assert_int_equal(out_len, wr.len);
	if (cs_msg_decode(&m, out, out_len, 0, &err) != 0)
		fail_msg("decode: %s at %zu", err.what, err.offset);
	assert_int_equal(m.ctl.type, CS_MSG_CONFIG_STATUS_REQ);
	assert_int_equal(m.ctl.seq, 7);
	assert_int_equal(cs_msg_count(&m, CS_EL_VENDOR_PAYLOAD), 2);
	cs_reasm_free(r);
	frags_free(&f);
}

static void
test_fragment_errors(void **state)
{
	static uint8_t pkt[70000 + 64];
	struct cs_capwap_hdr h;
	struct frags f;
	struct cs_err err = { 0 };
	size_t len;

	(void)state;
	cs_capwap_hdr_init(&h, 0);
	len = make_pkt(pkt, sizeof(pkt), &h, 100, 0);
	frags_init(&f);
	assert_int_equal(
	    cs_capwap_fragment(pkt, len, 15, 0, collect, &f, &err), -EMSGSIZE);
	assert_string_equal(err.what, "MTU leaves less than 8 payload bytes");
	assert_int_equal(cs_capwap_fragment_count(len, 8, 15), 0);
	assert_int_equal(f.n, 0);
	/* The emitter's error stops the split. */
	f.fail_at = 2;
	assert_int_equal(
	    cs_capwap_fragment(pkt, len, 40, 0, collect, &f, NULL), -EIO);
	assert_int_equal(f.n, 2);
	frags_free(&f);
	f.fail_at = 0;
	assert_int_equal(
	    cs_capwap_fragment(pkt, len, 1000, 0, collect, &f, NULL), -EIO);
	f.fail_at = -1;
	/* Already a fragment. */
	h.is_fragment = true;
	len = make_pkt(pkt, sizeof(pkt), &h, 100, 0);
	assert_int_equal(
	    cs_capwap_fragment(pkt, len, 40, 0, collect, &f, &err), -EINVAL);
	/* Header that does not decode. */
	pkt[0] = 0x10;
	assert_int_equal(
	    cs_capwap_fragment(pkt, len, 40, 0, collect, &f, &err), -EBADMSG);
	assert_int_equal(
	    cs_capwap_fragment(pkt, 3, 40, 0, collect, &f, &err), -EBADMSG);
	/* Payload beyond 13-bit offsets. */
	h.is_fragment = false;
	len = make_pkt(pkt, sizeof(pkt), &h, CS_FRAG_MAX_PAYLOAD + 1, 0);
	assert_int_equal(
	    cs_capwap_fragment(pkt, len, 1500, 0, collect, &f, &err),
	    -EMSGSIZE);
	assert_int_equal(cs_capwap_fragment_count(len, 8, 1500), 0);
	/* The largest payload splits, offsets stay in 13 bits. */
	len = make_pkt(pkt, sizeof(pkt), &h, CS_FRAG_MAX_PAYLOAD, 0);
	assert_int_equal(
	    cs_capwap_fragment(pkt, len, 1500, 0, collect, &f, &err),
	    (int)cs_capwap_fragment_count(len, 8, 1500));
	frags_free(&f);
	assert_int_equal(
	    cs_capwap_fragment(NULL, 1, 40, 0, collect, &f, NULL), -EINVAL);
	assert_int_equal(
	    cs_capwap_fragment(pkt, len, 40, 0, NULL, &f, NULL), -EINVAL);
}

static void
test_cfg(void **state)
{
	struct cs_reasm_cfg cfg;
	struct cs_reasm *r = NULL;

	(void)state;
	cs_reasm_cfg_default(&cfg);
	assert_int_equal(cfg.max_frags, 16);
	assert_int_equal(cfg.max_size, CS_CAPWAP_MAX_MSG);
	assert_int_equal(cfg.timeout_ms, 5000);
	assert_int_equal(cfg.max_sets, 4);
	assert_int_equal(cs_reasm_new(NULL, &cfg), -EINVAL);
	cfg.max_frags = 257;
	assert_int_equal(cs_reasm_new(&r, &cfg), -EINVAL);
	assert_null(r);
	cs_reasm_cfg_default(&cfg);
	cfg.max_size = 15;
	assert_int_equal(cs_reasm_new(&r, &cfg), -EINVAL);
	cfg.max_size = CS_FRAG_MAX_PAYLOAD + CS_CAPWAP_HDR_MAX + 1;
	assert_int_equal(cs_reasm_new(&r, &cfg), -EINVAL);
	assert_int_equal(cs_reasm_new(&r, NULL), 0);
	assert_int_equal(cs_reasm_pending(r), 0);
	cs_reasm_free(r);
	assert_int_equal(cs_reasm_pending(NULL), 0);
	assert_int_equal(cs_reasm_expire(NULL, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_join_mtus),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_scripts),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_eviction_and_interleave),
		cmocka_unit_test(test_passthrough_and_malformed),
		cmocka_unit_test(test_truncation_every_byte),
		cmocka_unit_test(test_control_message),
		cmocka_unit_test(test_fragment_errors),
		cmocka_unit_test(test_cfg),
		cmocka_unit_test(test_holds),
	};

	return cmocka_run_group_tests_name("capwap_frag", tests, NULL, NULL);
}
