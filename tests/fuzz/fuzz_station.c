/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the station state machine and the parsers behind it
 * (802.11, ARP, IPv4/UDP, ICMP echo, DHCP): the first byte picks the
 * security and whether the station is first walked to DHCP with good
 * answers; the rest is a stream of steps, each a timer expiry or a frame
 * (length byte, or 0xfe and two length bytes, then the bytes) fed as
 * if from the AP; 0xff makes the station leave.  Whatever comes
 * in, the station never crashes, never arms a timer in Done/Failed, and
 * every frame it sends parses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/cursor.h"
#include "capsim/ieee80211.h"
#include "capsim/inet.h"
#include "capsim/station.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t fz_bssid[6] = { 0x02, 0x00, 0xc0, 0xa8, 0x01, 0x01 };
static const uint8_t fz_mac[6] = { 0x02, 0x00, 0x0a, 0x00, 0x00, 0x01 };

struct fz {
	struct cs_sta *sta;
	uint32_t rnd;
	unsigned armed;
};

static int
fz_send(void *ctx, const uint8_t *frame, size_t len)
{
	struct cs_dot11_frame f;

	(void)ctx;
	if (cs_dot11_decode(&f, frame, len, NULL) != 0)
		abort(); /* what the station sends must parse */
	return 0;
}

static void
fz_arm(void *ctx, enum cs_sta_timer t, uint64_t delay_ms)
{
	struct fz *z = ctx;

	(void)delay_ms;
	z->armed |= 1u << t;
}

static void
fz_cancel(void *ctx, enum cs_sta_timer t)
{
	struct fz *z = ctx;

	z->armed &= ~(1u << t);
}

static uint32_t
fz_rand(void *ctx, uint32_t bound)
{
	struct fz *z = ctx;

	return z->rnd++ % bound;
}

static int
fz_l2_start(void *ctx, const uint8_t *rsn, size_t len, const uint8_t *b)
{
	(void)ctx;
	(void)rsn;
	(void)len;
	(void)b;
	return 0;
}

static void
fz_feed_mgmt(struct fz *z, uint8_t subtype, uint64_t now)
{
	struct cs_dot11_frame f;
	uint8_t buf[64];
	struct cs_wr wr;

	cs_dot11_init_mgmt(&f, subtype, fz_mac, fz_bssid, fz_bssid);
	f.auth_seq = 2;
	f.aid = 1;
	cs_wr_init(&wr, buf, sizeof(buf));
	if (cs_dot11_encode(&f, &wr) == 0)
		(void)cs_sta_input(z->sta, buf, wr.len, now);
}

static void
fz_parsers(const uint8_t *data, size_t size)
{
	struct cs_arp a;
	struct cs_icmp_echo e;
	const uint8_t *d;
	uint16_t sp, dp;
	size_t dl;

	(void)cs_arp_decode(&a, data, size, NULL);
	(void)cs_icmp_echo_parse(&e, data, size, NULL);
	(void)cs_udp_hdr_parse(
	    0x0a000001, 0x0a00002a, data, size, &sp, &dp, &d, &dl, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_sta_io io = { .send = fz_send,
		.timer_arm = fz_arm,
		.timer_cancel = fz_cancel,
		.rand = fz_rand,
		.l2auth_start = fz_l2_start };
	struct cs_sta_cfg cfg;
	struct fz z = { 0 };
	uint64_t now = 0;
	size_t i = 1;

	if (size < 1)
		return 0;
	fz_parsers(data, size);
	io.ctx = &z;
	cs_sta_cfg_defaults(&cfg);
	memcpy(cfg.mac, fz_mac, 6);
	memcpy(cfg.bssid, fz_bssid, 6);
	strcpy(cfg.ssid, "capsim");
	cfg.security = (data[0] & 1) ? CS_STA_WPA2_PSK : CS_STA_OPEN;
	cfg.lifetime_ms = (data[0] & 4) ? 1000 : 0;
	if (cs_sta_new(&z.sta, &cfg, &io) != 0)
		abort();
	(void)cs_sta_start(z.sta, now);
	if (data[0] & 2) {
		fz_feed_mgmt(&z, CS_DOT11_AUTH, ++now);
		fz_feed_mgmt(&z, CS_DOT11_ASSOC_RESP, ++now);
		if (cfg.security != CS_STA_OPEN)
			(void)cs_sta_l2auth_done(z.sta, true, 0, NULL, ++now);
	}
	while (i < size) {
		uint8_t op = data[i++];

		now += 10;
		if (op < CS_STA_T__COUNT) {
			cs_sta_timer_fired(z.sta, (enum cs_sta_timer)op, now);
		} else if (op == 0xff) {
			cs_sta_leave(z.sta, now);
		} else {
			size_t n = op;

			/* 0xfe: a two-byte length follows (frames > 253) */
			if (op == 0xfe && size - i >= 2) {
				n = (size_t)data[i] << 8 | data[i + 1];
				i += 2;
			}

			if (n > size - i)
				n = size - i;
			(void)cs_sta_input(z.sta, data + i, n, now);
			i += n;
		}
		if ((cs_sta_state(z.sta) == CS_STA_DONE ||
		        cs_sta_state(z.sta) == CS_STA_FAILED) &&
		    z.armed != 0)
			abort(); /* a finished station holds no timer */
	}
	cs_sta_free(z.sta);
	return 0;
}
