/* SPDX-License-Identifier: MIT */
/*
 * A datagram BIO for OpenSSL 3.0 (which has no datagram memory BIO; 3.2
 * added BIO_s_dgram_mem): inbound datagrams are queued whole and read one
 * per BIO_read, outbound records go straight to a callback with the CAPWAP
 * DTLS preamble (RFC 5415 §4.2) in front.  The dgram ctrls answer the way
 * DTLS needs them so that DTLS_set_link_mtu bounds every datagram.
 */
#include "dtls-internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/dtls.h"

/* More than one flight's worth; the caller drains after every push, so
 * the queue rarely holds more than one datagram. */
#define DBIO_QUEUE_MAX 32
/* Largest datagram we queue: UDP's limit. */
#define DBIO_DGRAM_MAX 65535

struct dbio_dgram {
	struct dbio_dgram *next;
	size_t len;
	uint8_t data[];
};

struct dbio {
	struct dbio_dgram *head, *tail;
	unsigned count;
	dtls_bio_out_fn *out;
	void *arg;
	long mtu; /* DTLS payload MTU (wire MTU minus preamble) */
};

static BIO_METHOD *dbio_method;
static pthread_once_t dbio_once = PTHREAD_ONCE_INIT;

static void
dbio_drop_head(struct dbio *d)
{
	struct dbio_dgram *g = d->head;

	if (g == NULL)
		return;
	d->head = g->next;
	if (d->head == NULL)
		d->tail = NULL;
	d->count--;
	/* Handshake and record bytes only, but wipe anyway (STYLE G6). */
	OPENSSL_clear_free(g, sizeof(*g) + g->len);
}

static int
dbio_create(BIO *b)
{
	BIO_set_init(b, 0);
	BIO_set_data(b, NULL);
	return 1;
}

static int
dbio_destroy(BIO *b)
{
	struct dbio *d;

	if (b == NULL)
		return 0;
	d = BIO_get_data(b);
	if (d != NULL) {
		while (d->head != NULL)
			dbio_drop_head(d);
		free(d);
	}
	BIO_set_data(b, NULL);
	BIO_set_init(b, 0);
	return 1;
}

static int
dbio_read(BIO *b, char *buf, int size)
{
	struct dbio *d = BIO_get_data(b);
	struct dbio_dgram *g;
	size_t n;

	BIO_clear_retry_flags(b);
	if (d == NULL || buf == NULL || size < 0)
		return -1;
	g = d->head;
	if (g == NULL) {
		BIO_set_retry_read(b);
		return -1;
	}
	/* Like recvfrom(): a datagram larger than the buffer is truncated
	 * and the rest is lost; never split across reads. */
	n = g->len < (size_t)size ? g->len : (size_t)size;
	memcpy(buf, g->data, n);
	dbio_drop_head(d);
	return (int)n;
}

static int
dbio_write(BIO *b, const char *buf, int size)
{
	struct dbio *d = BIO_get_data(b);
	uint8_t stackbuf[2048];
	uint8_t *wire = stackbuf;
	size_t len;

	BIO_clear_retry_flags(b);
	if (d == NULL || buf == NULL || size < 0)
		return -1;
	len = (size_t)size + CS_DTLS_PREAMBLE_LEN;
	if (len > sizeof(stackbuf) && (wire = malloc(len)) == NULL)
		return -1;
	/* RFC 5415 §4.2: version 0, type 1 (CAPWAP DTLS header), 24 bits
	 * reserved. */
	wire[0] = 0x01;
	wire[1] = 0x00;
	wire[2] = 0x00;
	wire[3] = 0x00;
	memcpy(wire + CS_DTLS_PREAMBLE_LEN, buf, (size_t)size);
	if (d->out != NULL)
		d->out(d->arg, wire, len);
	OPENSSL_cleanse(wire, len);
	if (wire != stackbuf)
		free(wire);
	return size;
}

static long
dbio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct dbio *d = BIO_get_data(b);

	(void)ptr;
	if (d == NULL)
		return 0;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1; /* nothing is buffered on the way out */
	case BIO_CTRL_WPENDING:
		return 0;
	case BIO_CTRL_PENDING:
		return d->head != NULL ? (long)d->head->len : 0;
	case BIO_CTRL_RESET:
		while (d->head != NULL)
			dbio_drop_head(d);
		return 1;
	case BIO_CTRL_EOF:
		return 0;
	case BIO_CTRL_DUP:
		return 1;
	case BIO_CTRL_DGRAM_QUERY_MTU:
	case BIO_CTRL_DGRAM_GET_MTU:
		return d->mtu;
	case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
		return d->mtu;
	case BIO_CTRL_DGRAM_SET_MTU:
		if (num < 1)
			return 0;
		d->mtu = num;
		return num;
	case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
		/* DTLS_set_link_mtu(ssl, wire MTU) subtracts this: what sits in
		 * the datagram besides the DTLS records is the preamble. */
		return CS_DTLS_PREAMBLE_LEN;
	case BIO_CTRL_DGRAM_MTU_EXCEEDED:
		return 0; /* we never fail a send with EMSGSIZE */
	case BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT:
		return 1; /* the caller owns timers; nothing to do */
	case BIO_CTRL_DGRAM_GET_PEER:
	case BIO_CTRL_DGRAM_SET_PEER:
	case BIO_CTRL_DGRAM_CONNECT:
	case BIO_CTRL_DGRAM_SET_CONNECTED:
		/* Only DTLSv1_listen uses the peer address, and we do not use
		 * DTLSv1_listen; the session keeps the caller's opaque peer
		 * bytes for the cookie instead. */
		return 0;
	case BIO_CTRL_DGRAM_GET_RECV_TIMER_EXP:
	case BIO_CTRL_DGRAM_GET_SEND_TIMER_EXP:
		return 0;
	case BIO_CTRL_DGRAM_SET_DONT_FRAG:
	case BIO_CTRL_DGRAM_MTU_DISCOVER:
		return 1;
	default:
		return 0;
	}
}

static void
dbio_method_init(void)
{
	BIO_METHOD *m;

	m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
	    "capsim CAPWAP-DTLS datagram");
	if (m == NULL)
		return;
	if (!BIO_meth_set_write(m, dbio_write) ||
	    !BIO_meth_set_read(m, dbio_read) ||
	    !BIO_meth_set_ctrl(m, dbio_ctrl) ||
	    !BIO_meth_set_create(m, dbio_create) ||
	    !BIO_meth_set_destroy(m, dbio_destroy)) {
		BIO_meth_free(m);
		return;
	}
	dbio_method = m;
}

void
dtls_bio_method_free(void)
{
	BIO_meth_free(dbio_method);
	dbio_method = NULL;
}

BIO *
dtls_bio_new(dtls_bio_out_fn *out, void *arg, unsigned mtu)
{
	struct dbio *d;
	BIO *b;

	if (pthread_once(&dbio_once, dbio_method_init) != 0 ||
	    dbio_method == NULL)
		return NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	if ((b = BIO_new(dbio_method)) == NULL) {
		free(d);
		return NULL;
	}
	d->out = out;
	d->arg = arg;
	d->mtu = (long)mtu - CS_DTLS_PREAMBLE_LEN;
	BIO_set_data(b, d);
	BIO_set_init(b, 1);
	return b;
}

int
dtls_bio_push(BIO *b, const uint8_t *dgram, size_t len)
{
	struct dbio *d = BIO_get_data(b);
	struct dbio_dgram *g;

	if (d == NULL || (dgram == NULL && len > 0) || len > DBIO_DGRAM_MAX)
		return -EINVAL;
	if ((g = malloc(sizeof(*g) + len)) == NULL)
		return -ENOMEM;
	g->next = NULL;
	g->len = len;
	if (len > 0)
		memcpy(g->data, dgram, len);
	if (d->count >= DBIO_QUEUE_MAX)
		dbio_drop_head(d);
	if (d->tail != NULL)
		d->tail->next = g;
	else
		d->head = g;
	d->tail = g;
	d->count++;
	return 0;
}
