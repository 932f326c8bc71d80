/* SPDX-License-Identifier: MIT */
/*
 * The APs of a capture by identity (analyze.c): the map from keys (flow,
 * address, WTP Board Data identity, Session ID) to APs, the WTP identity
 * of a Discovery or Join Request (RFC 5415 §4.6.40, §4.6.37), and which AP
 * a datagram belongs to (its identity, its flow, the DTLS record sequence
 * it continues after a NAT rebinding, or its address).
 */
#include "analyze-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capread.h"
#include "capsim/capwap.h"
#include "capsim/capwap_keepalive.h"
#include "capsim/cursor.h"
#include "capsim/dtls_decrypt.h"
#include "capsim/dtls_peek.h"
#include "capsim/ipv4.h"
#include "capsim/log.h"
#include "capsim/roles.h"

static size_t
key_hash(uint64_t k, size_t mask)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (size_t)k & mask;
}

uint32_t
key_get(const struct cs_analyze *a, uint64_t k)
{
	if (a->key_cap == 0)
		return 0;
	for (size_t i = key_hash(k, a->key_cap - 1); a->key[i] != 0;
	     i = (i + 1) & (a->key_cap - 1))
		if (a->key[i] == k)
			return a->val[i];
	return 0;
}

static void
key_slot_put(uint64_t *key, uint32_t *val, size_t cap, uint64_t k, uint32_t v)
{
	size_t i = key_hash(k, cap - 1);

	while (key[i] != 0 && key[i] != k)
		i = (i + 1) & (cap - 1);
	key[i] = k;
	val[i] = v;
}

int
key_put(struct cs_analyze *a, uint64_t k, uint32_t v)
{
	if ((a->n_key + 1) * 2 > a->key_cap) {
		size_t cap = a->key_cap == 0 ? 64 : a->key_cap * 2;
		uint64_t *nk = calloc(cap, sizeof(*nk));
		uint32_t *nv = calloc(cap, sizeof(*nv));

		if (nk == NULL || nv == NULL) {
			free(nk);
			free(nv);
			return -ENOMEM;
		}
		for (size_t i = 0; i < a->key_cap; i++)
			if (a->key[i] != 0)
				key_slot_put(nk, nv, cap, a->key[i], a->val[i]);
		free(a->key);
		free(a->val);
		a->key = nk;
		a->val = nv;
		a->key_cap = cap;
	}
	if (key_get(a, k) == 0)
		a->n_key++;
	key_slot_put(a->key, a->val, a->key_cap, k, v);
	return 0;
}

static struct ap *
key_ap(const struct cs_analyze *a, uint64_t k)
{
	uint32_t v = key_get(a, k);

	return v != 0 ? a->aps[v - 1] : NULL;
}

uint32_t
ap_index(const struct cs_analyze *a, const struct ap *ap)
{
	for (size_t i = a->n_aps; i > 0; i--)
		if (a->aps[i - 1] == ap)
			return (uint32_t)i;
	return 0;
}

static struct ap *
ap_new(struct cs_analyze *a, uint32_t ip, uint64_t t_us)
{
	struct ap *ap;

	if (a->n_aps == a->cap_aps) {
		size_t nc = a->cap_aps == 0 ? 16 : a->cap_aps * 2;
		struct ap **na = realloc(a->aps, nc * sizeof(*na));

		if (na == NULL)
			return NULL;
		a->aps = na;
		a->cap_aps = nc;
	}
	ap = calloc(1, sizeof(*ap));
	if (ap == NULL)
		return NULL;
	ap->pub.ap_ip = ip;
	ap->pub.first_us = t_us;
	ap->pub.dec_state = "";
	ap->pub.stopped = "";
	cs_facts_init(&ap->pub.facts);
	a->aps[a->n_aps++] = ap;
	return ap;
}

static uint64_t
fnv(uint64_t h, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* The WTP identity a Discovery or Join Request carries: its WTP Board
 * Data (RFC 5415 §4.6.40), keyed by the Base MAC when present (else by
 * the whole element), and a Join Request's Session ID (§4.6.37).
 * Returns the identity hash (0 when absent); @p sid is filled for a Join
 * Request carrying one. */
uint64_t
wtp_identity(const uint8_t *p, size_t len, uint8_t mac[8], uint8_t *mac_len,
    bool *has_sid, uint8_t sid[16])
{
	struct cs_msg *m = malloc(sizeof(*m)); /* large for the stack */
	struct cs_el_board_data bd;
	struct cs_el_session_id si;
	const struct cs_elem *e;
	uint64_t h = 0;
	int ml;

	*has_sid = false;
	*mac_len = 0;
	if (m == NULL || cs_msg_decode(m, p, len, CS_MSG_F_CISCO, NULL) != 0 ||
	    (m->ctl.type != CS_MSG_DISCOVERY_REQ &&
	        m->ctl.type != CS_MSG_PRIMARY_DISCOVERY_REQ &&
	        m->ctl.type != CS_MSG_JOIN_REQ)) {
		free(m);
		return 0;
	}
	if (m->ctl.type == CS_MSG_JOIN_REQ &&
	    (e = cs_msg_find(m, CS_EL_SESSION_ID, 0)) != NULL &&
	    cs_el_get_session_id(e, &si, NULL) == 0) {
		memcpy(sid, si.id, 16);
		*has_sid = true;
	}
	e = cs_msg_find(m, CS_EL_BOARD_DATA, 0);
	if (e != NULL && cs_el_get_board_data(e, &bd, NULL) == 0 &&
	    (ml = cs_board_data_base_mac(&bd, mac)) > 0) {
		h = fnv(1469598103934665603ull, mac, (size_t)ml);
		*mac_len = (uint8_t)ml;
	} else if (e != NULL) {
		h = fnv(1469598103934665603ull ^ 1u, e->val, e->len);
	}
	free(m);
	if (h == 0)
		return 0;
	return (h & K_LOW) != 0 ? h & K_LOW : 1;
}

uint64_t
sid_key(const uint8_t sid[16])
{
	uint64_t h = fnv(1469598103934665603ull, sid, 16) & K_LOW;

	return K_SID | (h != 0 ? h : 1);
}

/* The AP's ports of its last datagrams per channel; a new data-channel
 * port of an AP behind a NAT is a new mapping (rebinding). */
void
ap_ports(struct ap *ap, enum cs_chan ch, uint32_t ip, uint16_t port)
{
	if (ch == CS_CHAN_CONTROL) {
		ap->up_port = port;
	} else if (port != ap->data_port) {
		ap->data_port = port;
		if (ap->pub.facts.flags & CS_FACTS_F_NAT)
			cs_facts_nat(&ap->pub.facts, ip, port);
	}
}

/* Protected control traffic from a new AP port without a new handshake:
 * a NAT gave the AP another mapping (rebinding).  The DTLS association
 * goes on (same keys, same record counters), so its flow moves to the
 * new port and keeps decrypting. */
bool
flow_rebind(struct ap *ap, enum cs_dir dir, enum cs_chan ch, uint16_t ap_port,
    uint32_t wlc_ip, uint16_t wlc_port, const uint8_t *p, size_t len)
{
	struct flow *f, *old = NULL;

	if (dir != CS_DIR_UP || ch != CS_CHAN_CONTROL || ap->ctl_port == 0 ||
	    ap->ctl_port == ap_port ||
	    cs_dtls_classify_dgram(p, len, true) !=
	        CS_DTLS_KIND_APPLICATION_DATA)
		return false;
	for (f = ap->flows; f != NULL; f = f->next) {
		if (f->wlc_ip != wlc_ip || f->wlc_port != wlc_port)
			continue;
		if (f->ap_port == ap_port)
			return f->have_cr ? false : true;
		if (f->ap_port == ap->ctl_port)
			old = f;
	}
	if (old != NULL)
		old->ap_port = ap_port;
	return true;
}

/* Marks the AP as behind a NAT whose mapping is @p port; the first time,
 * the data channel's mapping (the facts' second slot) is given too, so a
 * later control port is a new mapping, not the other channel. */
void
ap_nat(struct ap *ap, uint32_t ip, uint16_t port)
{
	bool first = !(ap->pub.facts.flags & CS_FACTS_F_NAT);

	cs_facts_nat(&ap->pub.facts, ip, port);
	if (first && ap->data_port != 0 && ap->data_port != port)
		cs_facts_nat(&ap->pub.facts, ip, ap->data_port);
}

/* Gives @p ap the identity @p id (first seen), its Base MAC, and marks
 * a NAT when the address already carried another identified AP. */
int
ap_identify(struct cs_analyze *a, struct ap *ap, uint64_t id,
    const uint8_t *mac, uint8_t mac_len, uint32_t ip, uint16_t port)
{
	uint32_t v = ap_index(a, ap);
	uint32_t n_at = key_get(a, K_NADDR | ip);
	struct ap *prev = key_ap(a, K_ADDR | ip);

	ap->board_id = id;
	ap->pub.has_identity = true;
	if (mac_len > 0) {
		memcpy(ap->pub.base_mac, mac, mac_len);
		ap->pub.base_mac_len = mac_len;
	}
	if (key_put(a, K_BOARD | id, v) < 0 ||
	    key_put(a, K_NADDR | ip, n_at + 1) < 0)
		return -ENOMEM;
	/* Several APs behind one address: a NAT (RFC 5415 detects
	 * middleboxes with the Join Request's CAPWAP Local IPv4 Address;
	 * distinct WTP identities from one address show it already at
	 * discovery) */
	if (n_at > 0) {
		if (prev != NULL && prev != ap &&
		    !(prev->pub.facts.flags & CS_FACTS_F_NAT))
			ap_nat(prev, ip, prev->up_port);
		if (!(ap->pub.facts.flags & CS_FACTS_F_NAT))
			ap_nat(ap, ip, port);
	}
	return 0;
}

/* The DTLS record (epoch, sequence) of a datagram's first record. */
bool
first_record(const uint8_t *p, size_t len, uint16_t *epoch, uint64_t *seq)
{
	struct cs_dtls_peek pk;

	if (cs_dtls_peek_capwap(p, len, &pk, NULL) < 0 || pk.n_records == 0)
		return false;
	*epoch = pk.rec[0].epoch;
	*seq = pk.rec[0].seq;
	return true;
}

/* A protected control flow from a port no AP used: the AP of that
 * address whose DTLS association opens its record (the keys from the
 * key log decide; at most MAX_TRIES associations are tried), else the
 * one whose last protected record (same epoch) it continues, closest in
 * sequence (RFC 6347 §4.1: one counter per epoch) -- a guess when APs
 * count alike, counted in by_address. */
#define MAX_TRIES 256

static struct ap *
seq_match(struct cs_analyze *a, uint32_t ip, const uint8_t *p, size_t len)
{
	struct ap *best = NULL;
	uint64_t seq, gap = UINT64_MAX;
	uint16_t epoch;
	unsigned tries = 0, n_best = 0;

	if (!first_record(p, len, &epoch, &seq) || epoch == 0)
		return NULL;
	for (size_t i = 0; i < a->n_aps; i++) {
		struct ap *c = a->aps[i];

		if (c->pub.ap_ip != ip || !c->has_up_seq)
			continue;
		for (struct flow *f = c->flows; f != NULL && tries < MAX_TRIES;
		     f = f->next) {
			if (f->ch != CS_CHAN_CONTROL ||
			    f->ap_port != c->ctl_port)
				continue;
			tries++;
			if (cs_dtls_dec_opens(f->dec, true, p, len, true))
				return c;
		}
		if (c->up_epoch != epoch || c->up_seq >= seq)
			continue;
		if (seq - c->up_seq < gap) {
			gap = seq - c->up_seq;
			best = c;
			n_best = 1;
		} else if (seq - c->up_seq == gap) {
			n_best++;
		}
	}
	if (n_best > 1)
		a->st.ap_guessed++;
	return best;
}

/* The AP a datagram belongs to, by WTP identity where the datagram or
 * its flow shows one, else by address (see the top of this file). */
struct ap *
ap_find(struct cs_analyze *a, uint32_t ip, uint16_t port, enum cs_dir dir,
    enum cs_chan ch, const uint8_t *p, size_t len, uint64_t t_us)
{
	uint64_t fk = K_FLOW | (uint64_t)ip << 16 | port;
	struct ap *ap = NULL, *cur = key_ap(a, fk);
	uint8_t mac[8], sid[16], pre = 0;
	uint8_t mac_len = 0;
	bool has_sid = false;
	uint64_t id = 0;

	if (cs_capwap_preamble_peek(p, len, &pre) != 0)
		pre = 0xff;
	if (ch == CS_CHAN_CONTROL && dir == CS_DIR_UP &&
	    pre == CS_PREAMBLE_CAPWAP)
		id = wtp_identity(p, len, mac, &mac_len, &has_sid, sid);
	else if (ch == CS_CHAN_DATA && pre == CS_PREAMBLE_CAPWAP &&
	    cs_keepalive_is(p, len) &&
	    cs_keepalive_decode(p, len, CS_KEEPALIVE_F_LENIENT, sid, NULL) == 0)
		ap = key_ap(a, sid_key(sid));
	if (id != 0) {
		ap = key_ap(a, K_BOARD | id);
		if (ap == NULL) {
			/* a flow first seen without identity takes it; a
			 * flow another AP identified is reused (NAT) */
			ap = cur != NULL && cur->board_id == 0
			    ? cur
			    : ap_new(a, ip, t_us);
			if (ap == NULL ||
			    ap_identify(a, ap, id, mac, mac_len, ip, port) < 0)
				return NULL;
		}
	}
	if (ap == NULL)
		ap = cur;
	if (ap == NULL && ch == CS_CHAN_CONTROL && dir == CS_DIR_UP &&
	    pre == CS_PREAMBLE_DTLS)
		ap = seq_match(a, ip, p, len);
	if (ap == NULL && (ap = key_ap(a, K_ADDR | ip)) != NULL &&
	    key_get(a, K_NADDR | ip) > 1)
		a->st.ap_guessed++;
	if (ap == NULL && (ap = ap_new(a, ip, t_us)) == NULL)
		return NULL;
	if (ap->pub.ap_ip != ip)
		ap->pub.ap_ip = ip; /* the AP's current (outside) address */
	if (key_put(a, fk, ap_index(a, ap)) < 0 ||
	    key_put(a, K_ADDR | ip, ap_index(a, ap)) < 0)
		return NULL;
	return ap;
}
