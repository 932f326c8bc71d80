/* SPDX-License-Identifier: MIT */
/*
 * The split-MAC controller's client side: where an 802.11 frame an AP
 * tunnels to it enters (cs_wlc_clients_input), decoded and handed to the
 * management frames (wlc_clients_assoc.c) or the data frames
 * (wlc_clients_data.c).
 */
#include "capsim/wlc_clients.h"

#include <errno.h>

#include "capsim/ieee80211.h"
#include "capsim/log.h"
#include "wlc_clients-internal.h"

int
cs_wlc_clients_input(struct cs_wlc_clients *c, void *ap, uint8_t rid,
    const uint8_t *frame, size_t len, uint64_t now_ms)
{
	struct cs_err err = { 0 };
	struct cs_dot11_frame f;

	if (c == NULL || frame == NULL)
		return -EINVAL;
	c->now_ms = now_ms;
	if (cs_dot11_decode(&f, frame, len, &err) < 0) {
		c->st.frames_dropped++;
		cs_logf(&c->cfg.log, CS_LOG_DEBUG,
		    "802.11 frame from an AP dropped: %s at offset %zu",
		    err.what ? err.what : "?", err.offset);
		return 0;
	}
	if (f.type == CS_DOT11_DATA) {
		wcl_data(c, ap, rid, &f);
		return 0;
	}
	switch (f.subtype) {
	case CS_DOT11_AUTH:
		wcl_auth(c, ap, rid, &f);
		break;
	case CS_DOT11_ASSOC_REQ:
	case CS_DOT11_REASSOC_REQ:
		wcl_assoc(c, ap, rid, &f);
		break;
	case CS_DOT11_DISASSOC:
	case CS_DOT11_DEAUTH:
		wcl_leave(c, ap, &f);
		break;
	default:
		c->st.frames_dropped++;
		break;
	}
	return 0;
}
