/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for CAPWAP fragmentation and reassembly.
 * Byte 0 bit 0 clear: the rest is a payload; it is split at an MTU from
 * byte 1 and fed back in a byte-0-seeded order with duplicates; the
 * reassembled message must equal the original (round-trip law).
 * Bit 0 set: the rest is a stream of records (u16 length, bytes, u8 time
 * step) offered raw to the reassembler, which must never crash and must
 * only ever return a clean, unfragmented header.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/capwap_frag.h"
#include "capsim/cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXF 256

struct frags {
	unsigned n;
	size_t len[MAXF];
	uint8_t *pkt[MAXF];
};

static int
collect(void *arg, const uint8_t *pkt, size_t len)
{
	struct frags *f = arg;

	if (f->n >= MAXF)
		return -1;
	if ((f->pkt[f->n] = malloc(len)) == NULL)
		return -1;
	memcpy(f->pkt[f->n], pkt, len);
	f->len[f->n++] = len;
	return 0;
}

static void
check_out(const uint8_t *out, size_t len)
{
	struct cs_capwap_hdr h;
	struct cs_rd rd;

	cs_rd_init(&rd, out, len);
	if (cs_capwap_hdr_decode(&rd, &h, NULL) != 0 || h.is_fragment)
		abort();
}

static void
split_join(const uint8_t *data, size_t size)
{
	static uint8_t pkt[CS_CAPWAP_MAX_MSG];
	struct cs_capwap_hdr h;
	struct frags f = { 0 };
	struct cs_reasm *r = NULL;
	struct cs_wr wr;
	uint32_t seed = data[0];
	size_t mtu = 16 + (size_t)data[1] * 8;
	unsigned order[2 * MAXF], n;
	int done = 0, ret;

	data += 2;
	size -= 2;
	cs_capwap_hdr_init(&h, (uint8_t)(seed >> 3) & 0x1f);
	cs_wr_init(&wr, pkt, sizeof(pkt));
	cs_capwap_hdr_encode(&wr, &h);
	cs_wr_bytes(&wr, data, size);
	if (wr.err != 0)
		return;
	ret = cs_capwap_fragment(
	    pkt, wr.len, mtu, (uint16_t)seed, collect, &f, NULL);
	if (ret < 0 ||
	    cs_reasm_new(&r,
	        &(struct cs_reasm_cfg){ MAXF, CS_CAPWAP_MAX_MSG, 1000, 2 }) !=
	        0)
		goto out;
	/* Order: a seeded shuffle of all fragments plus some duplicates. */
	for (n = 0; n < f.n; n++)
		order[n] = n;
	for (unsigned i = 0; i < f.n / 2; i++)
		order[n++] = (seed * 7 + i * 13) % f.n;
	for (unsigned i = n - 1; i > 0; i--) {
		unsigned j, t;

		seed = seed * 1103515245u + 12345u;
		j = (seed >> 8) % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned k = 0; k < n; k++) {
		const uint8_t *out;
		size_t out_len;

		ret = cs_reasm_input(r, f.pkt[order[k]], f.len[order[k]], k,
		    &out, &out_len, NULL);
		if (ret < 0)
			abort(); /* our own fragments never fail */
		if (ret == 1) {
			/* Completes once (a duplicate arriving later may start
			 * a new set, which must not complete again). */
			if (done++ || out_len != wr.len ||
			    memcmp(out, pkt, 4) != 0 ||
			    memcmp(out + 6, pkt + 6, wr.len - 6) != 0)
				abort();
			check_out(out, out_len);
		}
	}
	if (!done)
		abort();
out:
	cs_reasm_free(r);
	for (unsigned i = 0; i < f.n; i++)
		free(f.pkt[i]);
}

static void
raw_stream(const uint8_t *data, size_t size)
{
	struct cs_reasm *r = NULL;
	struct cs_rd rd;
	uint64_t now = 0;

	if (cs_reasm_new(&r, &(struct cs_reasm_cfg){ 8, 1024, 50, 3 }) != 0)
		return;
	cs_rd_init(&rd, data + 1, size - 1);
	for (;;) {
		const uint8_t *p, *out;
		size_t out_len;
		uint16_t len;
		uint8_t step;

		if (cs_rd_u16(&rd, &len) < 0)
			break;
		if (len > rd.left)
			len = (uint16_t)rd.left;
		(void)cs_rd_view(&rd, len, &p);
		if (cs_rd_u8(&rd, &step) == 0)
			now += step;
		if (cs_reasm_input(r, p, len, now, &out, &out_len, NULL) == 1)
			check_out(out, out_len);
		if (step == 0xff)
			(void)cs_reasm_expire(r, now + 100);
	}
	cs_reasm_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	if (data[0] & 1)
		raw_stream(data, size);
	else
		split_join(data, size);
	return 0;
}
