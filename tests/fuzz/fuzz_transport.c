/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the in-process transport (lib/net/transport.c), the
 * wire the unit tests and the path executor run AP/WLC traffic over:
 * datagrams of any size, with their addresses, sent from either end,
 * received into buffers of any size (truncation), peeked, and an end
 * freed mid-way.  Oracles, against a model queue: datagrams arrive in
 * order, whole or truncated to the buffer and flagged so, with the
 * addresses they were sent with; a full end refuses with -ENOBUFS only
 * at CS_TRANSPORT_MEM_MAX; a freed peer gives -ENOTCONN.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/impair.h"
#include "capsim/transport.h"
#include "capsim/udp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MODEL_MAX (CS_TRANSPORT_MEM_MAX + 8)

/* The model keeps each datagram's length, first byte and source port. */
struct model {
	size_t len[MODEL_MAX];
	uint8_t first[MODEL_MAX];
	uint16_t port[MODEL_MAX];
	size_t head, n;
};

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
	static struct model q[2];
	static uint8_t pkt[2048], buf[4][2048];
	struct cs_transport *t[2] = { NULL, NULL };
	bool gone[2] = { false, false };
	uint8_t op[4];

	if (cs_transport_mem_pair(&t[0], &t[1]) < 0)
		return 0;
	memset(q, 0, sizeof(q));
	while (take(&data, &size, op, sizeof(op))) {
		int e = op[0] & 1, o = !e; /* this end, the other */
		struct cs_udp_pkt pk[4];
		struct cs_pkt_meta m;
		unsigned burst;
		int r;

		if (gone[e])
			continue;
		switch ((op[0] >> 1) & 3) {
		case 0: /* send op[1..2] bytes, a burst of op[3] & 15 */
			burst = 1 + (op[3] & 15) * (op[3] >> 4 ? 80 : 1);
			for (unsigned k = 0; k < burst; k++) {
				struct model *mq = &q[o];

				memset(&m, 0, sizeof(m));
				m.len =
				    ((size_t)op[1] << 8 | op[2]) % sizeof(pkt);
				pkt[0] = (uint8_t)k;
				m.pkt = pkt;
				m.src_ip = 0x7f000001u + (uint32_t)e;
				m.src_port = (uint16_t)(k + op[1]);
				m.dst_ip = 0x7f000001u + (uint32_t)o;
				r = cs_transport_send(t[e], &m);
				if (gone[o] ? r != -ENOTCONN
				        : mq->n >= CS_TRANSPORT_MEM_MAX
				        ? r != -ENOBUFS
				        : r != 0)
					abort();
				if (r == 0) {
					size_t at =
					    (mq->head + mq->n) % MODEL_MAX;

					mq->len[at] = m.len;
					mq->first[at] = pkt[0];
					mq->port[at] = m.src_port;
					mq->n++;
				}
				if (cs_transport_mem_pending(t[o]) != mq->n &&
				    !gone[o])
					abort();
			}
			break;
		case 1: /* receive into up to 4 buffers of op[1..2] bytes */
			for (int i = 0; i < 4; i++) {
				pk[i].buf = buf[i];
				pk[i].cap = ((size_t)op[1] << 8 | op[2]) %
				    sizeof(buf[i]);
			}
			r = cs_transport_recv(t[e], pk, (op[3] & 3) + 1);
			if (r < 0 || (size_t)r > q[e].n)
				abort();
			for (int i = 0; i < r; i++) {
				struct model *mq = &q[e];
				size_t at = mq->head, want = mq->len[at];

				if (pk[i].len !=
				        (want < pk[i].cap ? want : pk[i].cap) ||
				    pk[i].is_truncated != (want > pk[i].cap) ||
				    pk[i].src_port != mq->port[at] ||
				    pk[i].dst_ip != 0x7f000001u + (uint32_t)e ||
				    (pk[i].len > 0 &&
				        buf[i][0] != mq->first[at]))
					abort(); /* out of order or altered */
				mq->head = (mq->head + 1) % MODEL_MAX;
				mq->n--;
			}
			break;
		case 2:
			r = cs_transport_mem_peek(t[e], &m);
			if (r != (q[e].n > 0 ? 0 : -ENOENT))
				abort();
			if (r == 0 && m.len != q[e].len[q[e].head])
				abort();
			break;
		default:
			if (op[1] == 0x5a) { /* rarely: this end goes away */
				cs_transport_free(t[e]);
				t[e] = NULL;
				gone[e] = true;
			}
			break;
		}
	}
	cs_transport_free(t[0]);
	cs_transport_free(t[1]);
	return 0;
}
