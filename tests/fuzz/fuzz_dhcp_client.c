/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the relay-agent DHCP client state machine
 * (lib/net/dhcp_client.c): a stream of operations (timer expiry, DECLINE,
 * restart, stop, server replies built from the client's last message
 * with fuzzed type/address/lease/options, raw datagrams) with invariants
 * checked after each step: a lease exactly in Bound/Renewing/Rebinding, a
 * timer armed in every waiting state, every datagram sent decodes as a
 * relayed BOOTREQUEST to the server.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/cursor.h"
#include "capsim/dhcp.h"
#include "capsim/dhcp_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_GIADDR 0xc6121001u /* 198.18.16.1 */
#define FZ_SERVER 0xc6120202u /* 198.18.2.2 */

struct fz {
	uint8_t last[600];
	size_t last_len;
	bool armed;
	uint32_t rnd;
};

static int
fz_send(void *ctx, uint32_t dst, uint16_t port, const uint8_t *p, size_t len)
{
	struct fz *f = ctx;
	struct cs_dhcp_msg m;

	if (dst != FZ_SERVER || port != 67 || len > sizeof(f->last) ||
	    cs_dhcp_decode(&m, p, len, NULL) < 0 ||
	    m.op != CS_DHCP_BOOTREQUEST || m.giaddr != FZ_GIADDR || m.hops != 1)
		abort();
	memcpy(f->last, p, len);
	f->last_len = len;
	return 0;
}

static void
fz_arm(void *ctx, uint64_t d)
{
	struct fz *f = ctx;

	(void)d;
	f->armed = true;
}

static void
fz_cancel(void *ctx)
{
	struct fz *f = ctx;

	f->armed = false;
}

static uint32_t
fz_rand(void *ctx, uint32_t bound)
{
	struct fz *f = ctx;

	f->rnd = f->rnd * 1103515245u + 12345u;
	return (f->rnd >> 8) % bound;
}

static void
fz_check(const struct cs_dhcpc *c, const struct fz *f)
{
	enum cs_dhcpc_state s = cs_dhcpc_state(c);
	bool leased = s == CS_DHCPC_BOUND || s == CS_DHCPC_RENEWING ||
	    s == CS_DHCPC_REBINDING;

	if (leased != (cs_dhcpc_lease(c) != NULL))
		abort();
	if ((s == CS_DHCPC_SELECTING || s == CS_DHCPC_REQUESTING ||
	        s == CS_DHCPC_RENEWING || s == CS_DHCPC_REBINDING) &&
	    !f->armed)
		abort();
	if ((s == CS_DHCPC_FAILED || s == CS_DHCPC_STOPPED) && f->armed)
		abort();
}

/* A server reply to the client's last message, shaped by 8 input bytes. */
static size_t
fz_reply(const struct fz *f, const uint8_t *b, uint8_t *out, size_t cap)
{
	static const uint8_t o43[] = { 0xf1, 0x04, 198, 19, 1, 10 };
	struct cs_dhcp_msg req, m;
	struct cs_dhcp_server_params p = { 0 };
	struct cs_wr wr;

	if (f->last_len == 0 ||
	    cs_dhcp_decode(&req, f->last, f->last_len, NULL) < 0)
		return 0;
	p.type = (enum cs_dhcp_type)(b[0] % 3 == 0 ? CS_DHCP_OFFER
	        : b[0] % 3 == 1                    ? CS_DHCP_ACK
	                                           : CS_DHCP_NAK);
	p.yiaddr = b[1] & 1 ? 0xc6121000u + b[2] : 0;
	p.server_id = b[1] & 2 ? FZ_SERVER : 0;
	p.lease_s = b[1] & 4 ? (uint32_t)b[3] << 8 | b[4] : 0;
	if (b[1] & 8) {
		p.vendor = o43;
		p.vendor_len = b[5] % (sizeof(o43) + 1);
	}
	if (b[1] & 16)
		p.domain = "lab.test";
	if (cs_dhcp_build_reply(&m, &req, &p) < 0)
		return 0;
	if (b[1] & 32)
		m.xid ^= b[6];
	if (b[1] & 64)
		m.chaddr[5] ^= b[7];
	cs_wr_init(&wr, out, cap);
	if (cs_dhcp_encode(&m, &wr) < 0)
		return 0;
	return wr.len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_dhcpc_cfg cfg = { 0 };
	struct fz f = { 0 };
	struct cs_dhcpc_io io = { fz_send, fz_arm, fz_cancel, NULL, fz_rand,
		&f };
	struct cs_dhcpc *c = NULL;
	uint8_t pkt[700];
	uint64_t now = 0;
	size_t i = 0, n;

	cfg.mac[0] = 0x02;
	cfg.mac[5] = 0x01;
	cfg.vendor_class = "Cisco AP c2700";
	cfg.giaddr = FZ_GIADDR;
	cfg.server_ip = FZ_SERVER;
	cfg.xid = 0x1234;
	cfg.time_factor = 0.01;
	cfg.max_tries = size > 0 ? 1 + data[0] % 6 : 0;
	if (cs_dhcpc_new(&c, &cfg, &io) < 0)
		abort();
	(void)cs_dhcpc_start(c, now);
	fz_check(c, &f);
	i = 1;
	while (i < size) {
		uint8_t op = data[i++];

		now += (uint64_t)(op >> 3) * 997;
		switch (op & 7) {
		case 0:
		case 1:
			if (f.armed) {
				f.armed = false;
				cs_dhcpc_timeout(c, now);
			}
			break;
		case 2:
			(void)cs_dhcpc_decline(c, now);
			break;
		case 3:
			if (op & 0x80)
				cs_dhcpc_stop(c);
			else
				(void)cs_dhcpc_start(c, now);
			break;
		case 4:
		case 5:
		case 6:
			if (size - i < 8)
				goto out;
			n = fz_reply(&f, data + i, pkt, sizeof(pkt));
			i += 8;
			if (n > 0)
				(void)cs_dhcpc_input(c, pkt, n, now, NULL);
			break;
		default: { /* raw datagram */
			size_t len = i < size ? data[i++] : 0;

			if (len > size - i)
				len = size - i;
			(void)cs_dhcpc_input(c, data + i, len, now, NULL);
			i += len;
			break;
		}
		}
		fz_check(c, &f);
	}
out:
	cs_dhcpc_free(c);
	return 0;
}
