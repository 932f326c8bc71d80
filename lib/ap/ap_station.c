/* SPDX-License-Identifier: MIT */
/*
 * An AP's stations (capsim/ap_station.h): the WLAN they join comes from
 * the controller, their frames travel in the AP's CAPWAP data channel.
 * Kept apart from the AP state machine, which only answers the WLAN and
 * Station Configuration Requests.
 */
#include "capsim/ap_station.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/cursor.h"
#include "capsim/ieee80211.h"
#include "capsim/wpa_sta.h"

struct aps_slot {
	struct cs_ap_stations *s;
	unsigned i;
	struct cs_sta *sta;
	struct cs_wpa_sta *wpa; /* WPA2-PSK stations: the supplicant */
};

struct cs_ap_stations {
	struct cs_ap_stations_cfg cfg;
	struct cs_ap_stations_io io;
	struct aps_slot *slot;
	bool has_wlan;
	uint8_t bssid[6];
	char ssid[33];
	uint64_t now_ms; /* of the entry point being served (the station's
	                    L2 hook carries no time) */
};

int
cs_add_wlan_parse(
    const uint8_t *val, size_t len, struct cs_add_wlan *out, struct cs_err *err)
{
	struct cs_add_wlan t;
	uint16_t key_len;
	struct cs_rd rd;
	size_t n;

	if (val == NULL || out == NULL)
		return -EINVAL;
	memset(&t, 0, sizeof(t));
	cs_rd_init(&rd, val, len);
	/* RFC 5416 §6.1 */
	if (cs_rd_u8(&rd, &t.rid) < 0 || cs_rd_u8(&rd, &t.wlan_id) < 0 ||
	    cs_rd_u16(&rd, &t.capability) < 0 || cs_rd_skip(&rd, 2) < 0 ||
	    cs_rd_u16(&rd, &key_len) < 0)
		return cs_err_set(err, -EBADMSG, "Add WLAN truncated", len);
	if (cs_rd_skip(&rd, key_len) < 0)
		return cs_err_set(
		    err, -EBADMSG, "Add WLAN key beyond element", 6);
	if (cs_rd_skip(&rd, 6) < 0 || cs_rd_skip(&rd, 1) < 0 ||
	    cs_rd_u8(&rd, &t.auth_type) < 0 || cs_rd_u8(&rd, &t.mac_mode) < 0 ||
	    cs_rd_u8(&rd, &t.tunnel_mode) < 0 || cs_rd_skip(&rd, 1) < 0)
		return cs_err_set(err, -EBADMSG, "Add WLAN truncated", len);
	n = rd.left;
	if (n == 0 || n > 32 || memchr(rd.p, 0, n) != NULL)
		return cs_err_set(err, -EBADMSG,
		    "Add WLAN SSID empty, over 32 octets or with a NUL",
		    cs_rd_off(&rd));
	memcpy(t.ssid, rd.p, n);
	*out = t;
	return 0;
}

static void aps_mac(const struct cs_ap_stations *s, unsigned i, uint8_t *mac);

static int
aps_send(void *ctx, const uint8_t *frame, size_t len)
{
	struct aps_slot *sl = ctx;
	struct cs_ap_stations *s = sl->s;
	uint8_t pkt[1700];
	struct cs_wr wr;

	cs_wr_init(&wr, pkt, sizeof(pkt));
	cs_dot11_capwap_wrap(&wr, s->cfg.rid, s->cfg.radio_mac, frame, len);
	if (wr.err != 0)
		return wr.err;
	return s->io.send_data(s->io.ctx, pkt, wr.len);
}

static void
aps_arm(void *ctx, enum cs_sta_timer t, uint64_t delay_ms)
{
	struct aps_slot *sl = ctx;

	sl->s->io.timer_arm(sl->s->io.ctx, sl->i, t, delay_ms);
}

static void
aps_cancel(void *ctx, enum cs_sta_timer t)
{
	struct aps_slot *sl = ctx;

	sl->s->io.timer_cancel(sl->s->io.ctx, sl->i, t);
}

static void
aps_event(void *ctx, const struct cs_sta_event *ev)
{
	struct aps_slot *sl = ctx;

	/* the L2 phase ended badly (deauthenticated, timed out): the
	 * supplicant records why, cs_ap_stations_l2_fail() tells */
	if (ev->kind == CS_STA_EV_FAILURE && ev->from == CS_STA_L2AUTH)
		cs_wpa_sta_ended(sl->wpa, (uint16_t)ev->value, ev->t_ms);
	if (sl->s->io.event != NULL)
		sl->s->io.event(sl->s->io.ctx, sl->i, ev);
}

static uint32_t
aps_rand(void *ctx, uint32_t bound)
{
	struct aps_slot *sl = ctx;

	return sl->s->io.rand(sl->s->io.ctx, bound);
}

/* Nonces from the seeded RNG, so a run stays reproducible from its seed
 * (the lab's keys protect nothing real). */
static int
aps_rand_bytes(void *ctx, uint8_t *buf, size_t len)
{
	struct aps_slot *sl = ctx;

	for (size_t k = 0; k < len; k++)
		buf[k] = (uint8_t)sl->s->io.rand(sl->s->io.ctx, 256);
	return 0;
}

/* The station's L2 authentication hook: the WPA2-PSK supplicant
 * (capsim/wpa_sta.h), created at the first association. */
static int
aps_l2auth_start(
    void *ctx, const uint8_t *rsn_ie, size_t rsn_len, const uint8_t *bssid)
{
	struct aps_slot *sl = ctx;
	struct cs_ap_stations *s = sl->s;
	struct cs_wpa_sta_cfg wc = {
		.akm = CS_WPA_AKM_PSK, .rand_bytes = aps_rand_bytes, .ctx = sl
	};
	int r;

	if (!s->cfg.has_pmk)
		return -EINVAL; /* the station fails: no PSK configured */
	if (sl->wpa == NULL) {
		memcpy(wc.pmk, s->cfg.pmk, sizeof(wc.pmk));
		aps_mac(s, sl->i, wc.spa);
		r = cs_wpa_sta_new(&sl->wpa, &wc, sl->sta);
		cs_wpa_cleanse(wc.pmk, sizeof(wc.pmk));
		if (r < 0)
			return r;
	}
	return cs_wpa_sta_start(sl->wpa, rsn_ie, rsn_len, bssid, s->now_ms);
}

static void
aps_l2auth_input(void *ctx, const uint8_t *eapol, size_t len)
{
	struct aps_slot *sl = ctx;

	cs_wpa_sta_input(sl->wpa, eapol, len, sl->s->now_ms);
}

int
cs_ap_stations_new(struct cs_ap_stations **ret,
    const struct cs_ap_stations_cfg *cfg, const struct cs_ap_stations_io *io)
{
	struct cs_ap_stations *s;

	if (ret == NULL || cfg == NULL || io == NULL || cfg->count == 0 ||
	    cfg->count > 65535 || cfg->rid == 0 || cfg->rid > 31 ||
	    cfg->mac_step == 0 || io->send_data == NULL ||
	    io->timer_arm == NULL || io->timer_cancel == NULL ||
	    io->rand == NULL)
		return -EINVAL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	s->cfg = *cfg;
	s->io = *io;
	if ((s->slot = calloc(cfg->count, sizeof(*s->slot))) == NULL) {
		free(s);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < cfg->count; i++) {
		s->slot[i].s = s;
		s->slot[i].i = i;
	}
	*ret = s;
	return 0;
}

void
cs_ap_stations_free(struct cs_ap_stations *s)
{
	if (s == NULL)
		return;
	for (unsigned i = 0; i < s->cfg.count; i++) {
		cs_sta_free(s->slot[i].sta);
		cs_wpa_sta_free(s->slot[i].wpa);
	}
	free(s->slot);
	cs_wpa_cleanse(s->cfg.pmk, sizeof(s->cfg.pmk));
	free(s);
}

int
cs_ap_stations_add_wlan(struct cs_ap_stations *s, const uint8_t *val,
    size_t len, struct cs_err *err)
{
	struct cs_add_wlan w;
	int r;

	if (s == NULL)
		return -EINVAL;
	if ((r = cs_add_wlan_parse(val, len, &w, err)) < 0)
		return r;
	if (w.rid != s->cfg.rid || s->has_wlan)
		return 0;
	/* RFC 5416 §6.1: Auth Type 0 open system, MAC Mode 1 split */
	if (w.auth_type != 0 || w.mac_mode != 1)
		return cs_err_set(err, -EPROTONOSUPPORT,
		    "Add WLAN not open system in split MAC mode", 15);
	s->has_wlan = true;
	memcpy(s->ssid, w.ssid, sizeof(s->ssid));
	memcpy(s->bssid, s->cfg.radio_mac, 6);
	s->bssid[5] = (uint8_t)(s->bssid[5] + w.wlan_id - 1);
	return 0;
}

bool
cs_ap_stations_has_wlan(const struct cs_ap_stations *s)
{
	return s != NULL && s->has_wlan;
}

static void
aps_mac(const struct cs_ap_stations *s, unsigned i, uint8_t *mac)
{
	uint64_t v = 0;

	for (int k = 0; k < 6; k++)
		v = v << 8 | s->cfg.mac_base[k];
	v += (uint64_t)i * s->cfg.mac_step;
	for (int k = 5; k >= 0; k--) {
		mac[k] = (uint8_t)v;
		v >>= 8;
	}
}

int
cs_ap_stations_start(struct cs_ap_stations *s, unsigned i, uint64_t now_ms)
{
	struct cs_sta_io io = { .send = aps_send,
		.timer_arm = aps_arm,
		.timer_cancel = aps_cancel,
		.event = aps_event,
		.rand = aps_rand,
		.l2auth_start = aps_l2auth_start,
		.l2auth_input = aps_l2auth_input };
	struct aps_slot *sl;
	struct cs_sta_cfg cfg;
	int r;

	if (s == NULL || i >= s->cfg.count)
		return -EINVAL;
	if (!s->has_wlan)
		return -EPROTO;
	sl = &s->slot[i];
	s->now_ms = now_ms;
	if (sl->sta == NULL) {
		cfg = s->cfg.sta;
		aps_mac(s, i, cfg.mac);
		memcpy(cfg.bssid, s->bssid, 6);
		memcpy(cfg.ssid, s->ssid, sizeof(cfg.ssid));
		io.ctx = sl;
		if ((r = cs_sta_new(&sl->sta, &cfg, &io)) < 0)
			return r;
	}
	return cs_sta_start(sl->sta, now_ms);
}

int
cs_ap_stations_input(struct cs_ap_stations *s, const uint8_t *pkt, size_t len,
    uint64_t now_ms, struct cs_err *err)
{
	const uint8_t *frame;
	uint8_t rid;
	size_t flen;
	int r;

	if (s == NULL || pkt == NULL)
		return -EINVAL;
	r = cs_dot11_capwap_unwrap(pkt, len, &rid, &frame, &flen, err);
	if (r == -EPROTONOSUPPORT)
		return 0;
	if (r < 0)
		return r;
	if (rid != s->cfg.rid || flen < 10)
		return 1; /* another radio's, or too short for addr1 */
	s->now_ms = now_ms;
	/* addr1 at offset 4 of every frame type we carry */
	for (unsigned i = 0; i < s->cfg.count; i++) {
		struct cs_sta *sta = s->slot[i].sta;
		uint8_t mac[6];

		if (sta == NULL)
			continue;
		aps_mac(s, i, mac);
		if ((frame[4] & 1) || memcmp(frame + 4, mac, 6) == 0)
			(void)cs_sta_input(sta, frame, flen, now_ms);
	}
	return 1;
}

void
cs_ap_stations_timer(
    struct cs_ap_stations *s, unsigned i, enum cs_sta_timer t, uint64_t now_ms)
{
	if (s != NULL && i < s->cfg.count && s->slot[i].sta != NULL) {
		s->now_ms = now_ms;
		cs_sta_timer_fired(s->slot[i].sta, t, now_ms);
	}
}

enum cs_wpa_fail
cs_ap_stations_l2_fail(const struct cs_ap_stations *s, unsigned i)
{
	return s != NULL && i < s->cfg.count ? cs_wpa_sta_fail(s->slot[i].wpa)
	                                     : CS_WPA_FAIL_NONE;
}

struct cs_sta *
cs_ap_stations_get(struct cs_ap_stations *s, unsigned i)
{
	return s != NULL && i < s->cfg.count ? s->slot[i].sta : NULL;
}
