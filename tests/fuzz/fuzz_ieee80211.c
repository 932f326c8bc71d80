/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the 802.11 frame codec: decode, then the round-trip
 * law (what we encode from a decoded frame must decode again to the same
 * fields), and the address helpers on whatever decoded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/cursor.h"
#include "capsim/ieee80211.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same_ies(const struct cs_dot11_ies *a, const struct cs_dot11_ies *b)
{
	return a->has_ssid == b->has_ssid && a->ssid_len == b->ssid_len &&
	    memcmp(a->ssid, b->ssid, a->ssid_len) == 0 &&
	    a->n_rates == b->n_rates &&
	    memcmp(a->rates, b->rates, a->n_rates) == 0 &&
	    a->has_rsn == b->has_rsn &&
	    (!a->has_rsn ||
	        (a->rsn.group == b->rsn.group &&
	            a->rsn.n_pairwise == b->rsn.n_pairwise &&
	            a->rsn.n_akm == b->rsn.n_akm &&
	            a->rsn.has_caps == b->rsn.has_caps &&
	            a->rsn.caps == b->rsn.caps)) &&
	    a->has_ht == b->has_ht &&
	    memcmp(a->ht, b->ht, sizeof(a->ht)) == 0 &&
	    a->has_vht == b->has_vht &&
	    memcmp(a->vht, b->vht, sizeof(a->vht)) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_dot11_frame f, g;
	static uint8_t out[4096];
	struct cs_err err;
	struct cs_wr wr;

	if (cs_dot11_decode(&f, data, size, &err) < 0) {
		if (err.what == NULL || err.offset > size)
			abort(); /* every failure says where and why */
		return 0;
	}
	(void)cs_dot11_data_sa(&f);
	(void)cs_dot11_data_da(&f);
	cs_wr_init(&wr, out, sizeof(out));
	if (cs_dot11_encode(&f, &wr) != 0)
		abort(); /* anything we decoded must encode */
	if (cs_dot11_decode(&g, out, wr.len, NULL) != 0)
		abort(); /* what we emit must parse */
	if (g.type != f.type || g.subtype != f.subtype || g.flags != f.flags ||
	    g.seq != f.seq || g.frag != f.frag ||
	    memcmp(g.addr1, f.addr1, 6) != 0 ||
	    memcmp(g.addr2, f.addr2, 6) != 0 || g.reason != f.reason ||
	    g.status != f.status || g.aid != f.aid ||
	    g.ethertype != f.ethertype || g.payload_len != f.payload_len ||
	    !same_ies(&g.ies, &f.ies))
		abort();
	return 0;
}
