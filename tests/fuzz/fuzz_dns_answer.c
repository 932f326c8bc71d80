/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for DNS discovery's answers (lib/engine/discover.c, RFC
 * 5415 §3.3 via CISCO-CAPWAP-CONTROLLER.<domain>): the answer is parsed
 * by libevent's evdns, capsim turns what evdns decoded into the AP's
 * controller list or a failure that says why.  Both run here for real:
 * one cs_discover in mode dns per input, its resolver pointed at this
 * harness's nameserver on a loopback address of its own
 * (127.X.Y.53, X and Y from the pid, a port the kernel picks), which
 * answers every query with the input.
 *
 * Input: byte 0 flags, then the reply.  The reply gets the query's ID
 * (else evdns ignores it); with flag 0x01 the harness puts the query's
 * question after the first 10 header bytes of the input (so the answer
 * section is what mutates: names, compression, TTLs, A and AAAA records
 * mixed, counts, truncation), else the input is the whole rest.
 *
 * Oracles: the lookup always ends (a result for the AP, never a hang:
 * the loop is bounded); the name looked up is the one RFC 5415 names; on
 * success the source is DNS, 1..CS_DISC_MAX_TARGETS controllers, each
 * an A record's four bytes present in the reply; on failure a reason
 * and a resolver error that says why (not a bare "unknown"), both
 * terminated.
 */
#include <arpa/inet.h>
#include <event2/event.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capsim/discover.h"
#include "capsim/udp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLY_MAX 1500

static struct {
	struct event_base *base;
	int fd;
	uint32_t ip;
	uint16_t port;
	struct event *rx;
	/* this input */
	const uint8_t *in;
	size_t in_len;
	uint8_t reply[REPLY_MAX];
	size_t reply_len;
	unsigned queries;
	bool done;
	struct cs_disc_result res;
} H;

static void
ns_rx(evutil_socket_t fd, short what, void *arg)
{
	uint8_t q[512];
	struct cs_udp_pkt pk = { .buf = q, .cap = sizeof(q) };
	size_t off = 12, n = 0;

	(void)fd;
	(void)what;
	(void)arg;
	while (cs_udp_recv_batch(H.fd, &pk, 1) == 1) {
		H.queries++;
		if (pk.len < 12 || H.in_len == 0)
			continue;
		/* the ID */
		H.reply[n++] = q[0];
		H.reply[n++] = q[1];
		if ((H.in[0] & 0x01) != 0 && H.in_len >= 11) {
			size_t qend = 12;

			/* QNAME labels, then QTYPE and QCLASS */
			while (qend < pk.len && q[qend] != 0)
				qend += 1u + q[qend];
			qend += 5;
			if (qend > pk.len)
				qend = pk.len;
			memcpy(H.reply + n, H.in + 1, 10);
			n += 10;
			memcpy(H.reply + n, q + off, qend - off);
			n += qend - off;
			off = 11;
		} else {
			off = 1;
		}
		if (H.in_len - off > REPLY_MAX - n)
			continue; /* too long for one reply (max_len keeps it)
			           */
		memcpy(H.reply + n, H.in + off, H.in_len - off);
		n += H.in_len - off;
		H.reply_len = n;
		(void)cs_udp_send(H.fd, 0, pk.src_ip, pk.src_port, H.reply, n);
		n = 0;
		off = 12;
	}
}

static void
on_ready(void *ctx, unsigned ap, const struct cs_disc_result *r)
{
	(void)ctx;
	(void)ap;
	H.res = *r;
	H.done = true;
}

static void
ident(void *ctx, unsigned ap, uint8_t mac[6], const char **vc)
{
	(void)ctx;
	memcpy(mac, "\x02\xd5\x00\x00\x00\x01", 6);
	mac[5] = (uint8_t)(1 + ap);
	*vc = NULL;
}

static void
quiet(int severity, const char *msg)
{
	(void)severity;
	(void)msg;
}

static void
setup(void)
{
	unsigned x = 100 + (unsigned)getpid() % 100;
	unsigned y = (unsigned)getpid() / 100 % 250;

	H.ip = 127u << 24 | x << 16 | y << 8 | 53;
	event_set_log_callback(quiet); /* evdns's notes on bad replies */
	if ((H.base = event_base_new()) == NULL ||
	    (H.fd = cs_udp_open(H.ip, 0, false)) < 0 ||
	    cs_udp_local_port(H.fd, &H.port) < 0 ||
	    (H.rx = event_new(
	         H.base, H.fd, EV_READ | EV_PERSIST, ns_rx, NULL)) == NULL ||
	    event_add(H.rx, NULL) < 0)
		abort();
}

static bool
has_bytes(const uint8_t *p, size_t len, const uint8_t want[4])
{
	for (size_t i = 0; i + 4 <= len; i++)
		if (memcmp(p + i, want, 4) == 0)
			return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_discover_cfg c;
	struct cs_discover *d = NULL;
	const struct cs_disc_result *r = &H.res;

	if (H.base == NULL)
		setup();
	if (size > REPLY_MAX)
		return 0;
	H.in = data;
	H.in_len = size;
	H.done = false;
	H.queries = 0;
	H.reply_len = 0;
	memset(&H.res, 0, sizeof(H.res));
	memset(&c, 0, sizeof(c));
	c.base = H.base;
	c.mode = CS_DISC_MODE_DNS;
	c.n_aps = 1;
	c.seed = 3;
	c.ap_ident = ident;
	c.on_ready = on_ready;
	c.base_ip = H.ip - 53 + 10;
	c.dns_server = H.ip;
	c.dns_port = H.port;
	c.dns_domain = "lab.test";
	c.dns_timeout_ms = 5000;
	c.time_factor = 0.0004; /* 2 ms a try, 3 tries */
	if (cs_discover_new(&d, &c) < 0 || cs_discover_start_ap(d, 0) < 0)
		abort();
	/* bounded: 3 tries of 2 ms end the lookup long before this */
	for (int i = 0; i < 200000 && !H.done; i++)
		event_base_loop(H.base, EVLOOP_ONCE);
	cs_discover_free(d);
	if (!H.done) {
		fprintf(
		    stderr, "DNS lookup never ended (%u queries)\n", H.queries);
		abort();
	}
	if (getenv("CS_FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "status %d, %zu controller(s) from %s; %s\n",
		    r->status, r->n_targets, cs_disc_source_name(r->source),
		    r->status == 0 ? "" : r->dns_error);
	if (strcmp(r->dns_name, "CISCO-CAPWAP-CONTROLLER.lab.test") != 0)
		abort();
	if (r->status == 0) {
		if (r->source != CS_DISC_SRC_DNS || r->n_targets == 0 ||
		    r->n_targets > CS_DISC_MAX_TARGETS)
			abort();
		for (size_t i = 0; i < r->n_targets; i++) {
			uint8_t b[4] = { (uint8_t)(r->targets[i] >> 24),
				(uint8_t)(r->targets[i] >> 16),
				(uint8_t)(r->targets[i] >> 8),
				(uint8_t)r->targets[i] };

			if (!has_bytes(H.reply, H.reply_len, b))
				abort();
		}
	} else {
		/* a reason that says why, not evdns's bare "unknown" */
		if (r->n_targets != 0 || r->dns_error[0] == '\0' ||
		    strcmp(r->dns_error, "unknown") == 0 ||
		    r->reason[0] == '\0' ||
		    memchr(r->dns_error, '\0', sizeof(r->dns_error)) == NULL ||
		    memchr(r->reason, '\0', sizeof(r->reason)) == NULL)
			abort();
	}
	return 0;
}
