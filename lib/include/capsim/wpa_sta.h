/* SPDX-License-Identifier: MIT */
/*
 * A station's WPA2-PSK supplicant on the station's L2 authentication hook
 * (capsim/station.h): the program's l2auth_start and l2auth_input
 * callbacks forward here; EAPOL leaves through cs_sta_send_eapol() and
 * the phase ends with cs_sta_l2auth_done().  Sans-I/O like both sides.
 *
 * The station bounds its L2AUTH phase with its own timer
 * (l2auth_timeout_ms, 10 s, the supplicant's default too), so the
 * supplicant's handshake timer is not armed here: when the station gives
 * up, or the AP deauthenticates it, the program tells cs_wpa_sta_ended()
 * the reason and reads the supplicant's verdict (cs_wpa_sta_fail).
 */
#ifndef CS_WPA_STA_H
#define CS_WPA_STA_H

#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/wpa.h"

struct cs_sta;
struct cs_wpa_sta;

struct cs_wpa_sta_cfg {
	enum cs_wpa_akm akm;
	uint8_t pmk[CS_WPA_PMK_LEN]; /* cs_wpa_pmk_from_psk(), once per WLAN */
	uint8_t spa[6];              /* the station's MAC */
	/* the AP's RSN element, NULL when no Beacon was seen (see
	 * cs_wpa_supp_cfg) */
	const uint8_t *ap_rsne;
	size_t ap_rsne_len;
	/* nonces: len random octets (required) */
	int (*rand_bytes)(void *ctx, uint8_t *buf, size_t len);
	/* the supplicant's events (installs, failures); may be NULL */
	void (*event)(void *ctx, const struct cs_wpa_event *ev);
	void *ctx;
	const struct cs_log *log;
};

/** -EINVAL (NULL, no rand_bytes, AKM not 2 or 6), -ENOMEM.  `sta` is
 * borrowed and must outlive the binding. */
CS_API int cs_wpa_sta_new(struct cs_wpa_sta **ret,
    const struct cs_wpa_sta_cfg *cfg, struct cs_sta *sta);
CS_API void cs_wpa_sta_free(struct cs_wpa_sta *w);

/** From the station's l2auth_start: the RSN element of the Association
 * Request and the BSSID.  0, or a negative errno (the station then fails
 * its L2 phase). */
CS_API int cs_wpa_sta_start(struct cs_wpa_sta *w, const uint8_t *rsn_ie,
    size_t rsn_len, const uint8_t *bssid, uint64_t now_ms);
/** From the station's l2auth_input: one EAPOL PDU from the AP. */
CS_API void cs_wpa_sta_input(
    struct cs_wpa_sta *w, const uint8_t *eapol, size_t len, uint64_t now_ms);
/** The station left L2AUTH without success (deauthenticated with
 * `reason`, or its phase timer): the supplicant records why. */
CS_API void cs_wpa_sta_ended(
    struct cs_wpa_sta *w, uint16_t reason, uint64_t now_ms);
CS_API enum cs_wpa_fail cs_wpa_sta_fail(const struct cs_wpa_sta *w);
CS_API enum cs_wpa_supp_state cs_wpa_sta_state(const struct cs_wpa_sta *w);

#endif /* CS_WPA_STA_H */
