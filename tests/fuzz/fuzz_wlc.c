/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the mock WLC (lib/wlc).  Byte 0 picks the entry point:
 * even -> the whole rest is one clear datagram on the control port
 * (discovery responder) or, when bit 1 is set, the data port (keep-alive);
 * odd -> a session script: records [kind u8][len u16 BE][bytes] where kind
 * % 4 is 0 = control message into the session, 1 = timer expiry (first
 * byte picks the timer), 2 = data-port datagram, 3 = control-port
 * datagram.  Nothing may crash, leak or break the counters' invariants.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/wlc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool fz_closed;

static int
fz_send_clear(void *ctx, enum cs_chan ch, uint32_t ip, uint16_t port,
    const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	(void)ctx;
	(void)ch;
	(void)ip;
	(void)port;
	(void)hint;
	if (len == 0 || pkt == NULL)
		abort(); /* we never send empty datagrams */
	return 0;
}

static int
fz_send_secure(void *ctx, struct cs_wlc_sess *s, const uint8_t *pkt, size_t len,
    const struct cs_pkt_hint *hint)
{
	(void)ctx;
	(void)s;
	(void)hint;
	if (len == 0 || pkt == NULL)
		abort();
	return 0;
}

static void
fz_sess_close(void *ctx, struct cs_wlc_sess *s, bool graceful)
{
	(void)ctx;
	(void)graceful;
	fz_closed = true;
	cs_wlc_sess_closed(s); /* the glue forgets it at once */
}

static void
fz_timer_arm(void *ctx, struct cs_wlc_sess *s, enum cs_wlc_timer t, uint64_t ms)
{
	(void)ctx;
	(void)s;
	(void)ms;
	if ((unsigned)t >= CS_WLC_T__COUNT)
		abort();
}

static void
fz_timer_cancel(void *ctx, struct cs_wlc_sess *s, enum cs_wlc_timer t)
{
	(void)ctx;
	(void)s;
	if ((unsigned)t >= CS_WLC_T__COUNT)
		abort();
}

static uint32_t
fz_rand(void *ctx, uint32_t bound)
{
	(void)ctx;
	return bound / 2;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct cs_wlc_io io = {
		.send_clear = fz_send_clear,
		.send_secure = fz_send_secure,
		.sess_close = fz_sess_close,
		.timer_arm = fz_timer_arm,
		.timer_cancel = fz_timer_cancel,
		.rand = fz_rand,
	};
	struct cs_wlc_cfg cfg;
	struct cs_wlc *w = NULL;
	struct cs_wlc_sess *s = NULL;
	uint64_t now = 1000;
	size_t off = 1;
	char *txt = NULL;

	if (size < 1)
		return 0;
	cs_wlc_cfg_defaults(&cfg);
	cfg.max_wtps = 2;
	cfg.image_size = 3000;
	cfg.misbehave.reject_share = (data[0] & 0x80) ? 0.5 : 0.0;
	if (cs_wlc_new(&w, &cfg, &io) < 0)
		abort();
	if ((data[0] & 1) == 0) {
		cs_wlc_input_clear(w,
		    (data[0] & 2) ? CS_CHAN_DATA : CS_CHAN_CONTROL, 0x7f000002,
		    5246, data + 1, size - 1, now);
		goto out;
	}
	fz_closed = false;
	if (cs_wlc_sess_open(
	        w, &s, 0x7f000002, 40000, "00:11:22:33:44:55", now) < 0)
		goto out;
	while (off + 3 <= size) {
		uint8_t kind = data[off];
		size_t len = (size_t)data[off + 1] << 8 | data[off + 2];
		const uint8_t *p = data + off + 3;

		off += 3;
		if (len > size - off)
			len = size - off;
		off += len;
		now += 500;
		switch (kind % 4) {
		case 0:
			if (!fz_closed)
				cs_wlc_sess_input(s, p, len, now);
			break;
		case 1:
			if (!fz_closed && len > 0)
				cs_wlc_sess_timer_fired(s,
				    (enum cs_wlc_timer)(p[0] % CS_WLC_T__COUNT),
				    now);
			break;
		case 2:
			cs_wlc_input_clear(
			    w, CS_CHAN_DATA, 0x7f000002, 40001, p, len, now);
			break;
		default:
			cs_wlc_input_clear(
			    w, CS_CHAN_CONTROL, 0x7f000002, 40000, p, len, now);
			break;
		}
		if (!fz_closed && (kind & 0x80) != 0)
			cs_wlc_sess_reset(s, now);
	}
	if (cs_wlc_active_wtps(w) > cfg.max_wtps)
		abort();
out:
	if (cs_wlc_stats_summary(w, &txt) == 0)
		free(txt);
	cs_wlc_free(w);
	return 0;
}
