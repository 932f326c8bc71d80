/* SPDX-License-Identifier: MIT */
/*
 * The stations behind one virtual AP, sans-I/O: the AP's half of local
 * (split-MAC) mode for its clients.  It learns the WLAN from the
 * controller's IEEE 802.11 WLAN Configuration Request (Add WLAN, RFC 5416
 * §6.1), gives each station the radio's BSSID, carries their frames in
 * CAPWAP data (T bit, WBID 1, Radio MAC: RFC 5415 §4.3) and hands the
 * frames from the controller to the station they are for (broadcast and
 * multicast to all).  Timers and sockets stay with the caller.
 */
#ifndef CS_AP_STATION_H
#define CS_AP_STATION_H

#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/station.h"
#include "capsim/wpa.h"

struct cs_ap_stations;

struct cs_ap_stations_cfg {
	uint8_t radio_mac[6];  /* the BSSID of WLAN 1 (wlan_id - 1 added) */
	uint8_t rid;           /* radio the stations use, 1..31 */
	unsigned count;        /* stations, 1..65535 */
	uint8_t mac_base[6];   /* station i: base + i * mac_step */
	uint32_t mac_step;     /* >= 1 */
	struct cs_sta_cfg sta; /* template: timers, security, lifetime, log;
	                          mac, bssid and ssid are filled per station */
	/* security CS_STA_WPA2_PSK: the PMK (cs_wpa_pmk_from_psk() of the
	 * PSK and the WLAN's SSID, computed once); the stations run the
	 * WPA2-PSK supplicant (capsim/wpa_sta.h) as their L2 step */
	bool has_pmk;
	uint8_t pmk[CS_WPA_PMK_LEN];
};

struct cs_ap_stations_io {
	/* a CAPWAP data datagram for the controller's data port */
	int (*send_data)(void *ctx, const uint8_t *pkt, size_t len);
	void (*timer_arm)(
	    void *ctx, unsigned sta, enum cs_sta_timer t, uint64_t delay_ms);
	void (*timer_cancel)(void *ctx, unsigned sta, enum cs_sta_timer t);
	void (*event)(void *ctx, unsigned sta, const struct cs_sta_event *ev);
	uint32_t (*rand)(void *ctx, uint32_t bound);
	void *ctx;
};

/* An Add WLAN element value (RFC 5416 §6.1), the fields a station
 * needs. */
struct cs_add_wlan {
	uint8_t rid, wlan_id;
	uint16_t capability;
	uint8_t auth_type, mac_mode, tunnel_mode;
	char ssid[33];
};

/* -EBADMSG (err set) when shorter than 20 bytes, the key longer than the
 * element, the SSID empty, longer than 32 octets or holding a NUL;
 * -EINVAL on NULL. */
CS_API int cs_add_wlan_parse(const uint8_t *val, size_t len,
    struct cs_add_wlan *out, struct cs_err *err);

/* -EINVAL (NULL, count 0, rid 0 or > 31, mac_step 0, io without
 * send_data/timer_arm/timer_cancel/rand), -ENOMEM. */
CS_API int cs_ap_stations_new(struct cs_ap_stations **ret,
    const struct cs_ap_stations_cfg *cfg, const struct cs_ap_stations_io *io);
CS_API void cs_ap_stations_free(struct cs_ap_stations *s);

/* The Add WLAN of a WLAN Configuration Request for this AP.  The first
 * open WLAN on the stations' radio is the one they join (their SSID and
 * BSSID are set then).  0 when taken or not for the stations' radio (or
 * a WLAN is already set); -EBADMSG malformed (err set); -EPROTONOSUPPORT
 * not open system or not split MAC (err set). */
CS_API int cs_ap_stations_add_wlan(struct cs_ap_stations *s, const uint8_t *val,
    size_t len, struct cs_err *err);

/* Whether the stations' WLAN is known (cs_ap_stations_add_wlan took
 * one). */
CS_API bool cs_ap_stations_has_wlan(const struct cs_ap_stations *s);

/* Starts station i.  -EPROTO before a WLAN was configured, -EINVAL i out
 * of range, or cs_sta_start's error. */
CS_API int cs_ap_stations_start(
    struct cs_ap_stations *s, unsigned i, uint64_t now_ms);

/* A CAPWAP data datagram from the controller.  1 when it carried an
 * 802.11 frame (delivered), 0 when it is not one (a keep-alive: the
 * caller's), negative errno when malformed. */
CS_API int cs_ap_stations_input(struct cs_ap_stations *s, const uint8_t *pkt,
    size_t len, uint64_t now_ms, struct cs_err *err);

CS_API void cs_ap_stations_timer(
    struct cs_ap_stations *s, unsigned i, enum cs_sta_timer t, uint64_t now_ms);
/* Why station i's WPA2-PSK handshake failed, as the supplicant sees it
 * (e.g. CS_WPA_FAIL_NO_MSG3: "pre-shared key may be incorrect");
 * CS_WPA_FAIL_NONE when it did not fail or is open. */
CS_API enum cs_wpa_fail cs_ap_stations_l2_fail(
    const struct cs_ap_stations *s, unsigned i);
/* Station i (borrowed), NULL out of range. */
CS_API struct cs_sta *cs_ap_stations_get(struct cs_ap_stations *s, unsigned i);

#endif /* CS_AP_STATION_H */
