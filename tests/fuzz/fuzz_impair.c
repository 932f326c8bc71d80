/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the impairment engine on hostile datagrams.  Input: a
 * rule in the `--rule` syntax up to the first newline (a fixed rule set
 * with every action when it does not parse), then a flags byte and a
 * stream of datagrams, each prefixed by a 1-byte length.  Checks: the
 * classifier and every action never crash or read out of bounds, verdicts
 * are self-consistent, and a second engine with the same seed decides
 * exactly the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/impair.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cs_verdict va, vb;

static void
on_release(void *ctx, const struct cs_pkt_meta *m)
{
	size_t *n = ctx;

	if (m->len > CS_IMPAIR_BUF)
		abort();
	(*n)++;
}

static void
add_default_rules(struct cs_impair *imp)
{
	struct cs_impair_rule r;

	memset(&r, 0, sizeof(r));
	r.enabled = true;
	r.match.every = 2;
	r.action.has_corrupt = true;
	r.action.corrupt_bytes = 3;
	r.action.has_truncate = true;
	r.action.truncate_to = 40;
	r.action.delay = CS_DELAY_NORMAL;
	r.action.delay_ms = 5;
	r.action.jitter_ms = 50;
	r.action.has_duplicate = true;
	r.action.dup_prob = 0.5;
	(void)cs_impair_add(imp, &r, NULL);
	memset(&r, 0, sizeof(r));
	r.enabled = true;
	r.match.kind = CS_PK_DTLS_HANDSHAKE;
	r.action.has_reorder = true;
	r.action.hold_pkts = 2;
	r.action.hold_ms = 30;
	r.action.rate_pps = 50;
	(void)cs_impair_add(imp, &r, NULL);
	memset(&r, 0, sizeof(r));
	r.enabled = true;
	r.action.has_drop = true;
	r.action.drop_prob = 0.2;
	r.action.drop_burst = 3;
	r.action.mtu = 200;
	(void)cs_impair_add(imp, &r, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_impair *a = NULL, *b = NULL;
	struct cs_impair_rule rule;
	const uint8_t *nl = memchr(data, '\n', size < 512 ? size : 512);
	char text[513];
	size_t off = 0, released = 0;
	uint64_t now = 0;
	uint8_t flags = 0;
	const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };

	if (cs_impair_new(&a, 7) < 0 || cs_impair_new(&b, 7) < 0)
		goto out;
	if (nl != NULL) {
		memcpy(text, data, (size_t)(nl - data));
		text[nl - data] = '\0';
		off = (size_t)(nl - data) + 1;
		if (cs_impair_rule_parse(text, &rule, NULL) == 0) {
			if (cs_impair_add(a, &rule, NULL) < 0) {
				add_default_rules(a);
				add_default_rules(b);
			} else if (cs_impair_add(b, &rule, NULL) < 0)
				abort(); /* same rule, same result */
		} else {
			add_default_rules(a);
			add_default_rules(b);
		}
	} else {
		add_default_rules(a);
		add_default_rules(b);
	}
	if (off < size)
		flags = data[off++];
	while (off < size) {
		struct cs_pkt_meta m;
		size_t len = data[off++];

		if (len > size - off)
			len = size - off;
		memset(&m, 0, sizeof(m));
		m.dir = (flags & 1) ? CS_DIR_DOWN : CS_DIR_UP;
		m.chan = (flags & 2) ? CS_CHAN_DATA : CS_CHAN_CONTROL;
		m.ap = (flags & 4) ? CS_AP_UNKNOWN : (unsigned)(len % 3);
		m.ap_mac = (flags & 8) ? mac : NULL;
		m.src_port = 5246;
		m.dst_port = 40000;
		m.pkt = data + off;
		m.len = len;
		m.now_ms = now;
		now += (flags >> 4) * 7u;
		flags = (uint8_t)(flags * 5 + 1);
		if (cs_impair_apply(a, &m, &va) < 0 ||
		    cs_impair_apply(b, &m, &vb) < 0)
			break;
		if (va.kind != vb.kind || va.len != vb.len ||
		    va.n_deliver != vb.n_deliver ||
		    memcmp(va.pkt, vb.pkt, va.len) != 0 ||
		    memcmp(va.delay_ms, vb.delay_ms,
		        sizeof(va.delay_ms[0]) * va.n_deliver) != 0)
			abort();
		if (va.len > len || va.n_deliver > CS_IMPAIR_MAX_DELIVER ||
		    (va.kind == CS_VERDICT_PASS && va.n_deliver == 0) ||
		    (va.kind != CS_VERDICT_PASS && va.n_deliver != 0))
			abort();
		(void)cs_impair_poll(a, now, on_release, &released);
		off += len;
	}
	(void)cs_impair_poll(a, UINT64_MAX, on_release, &released);
	if (cs_impair_held(a) != 0)
		abort(); /* everything held is due at the end of time */
out:
	cs_impair_free(a);
	cs_impair_free(b);
	return 0;
}
