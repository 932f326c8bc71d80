/* SPDX-License-Identifier: MIT */
/*
 * The split-MAC controller's client side, shared by its files: the core
 * (wlc_clients.c: tables, element builders, sending, the public calls),
 * the frame's entry (wlc_clients_input.c), the management frames and
 * WPA2-PSK authenticator (wlc_clients_assoc.c) and the data frames
 * (wlc_clients_data.c).  Not a public API.
 */
#ifndef CS_WLC_CLIENTS_INTERNAL_H
#define CS_WLC_CLIENTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/wlc_clients.h"
#include "capsim/wpa.h"

struct cs_dot11_frame;

#define WCL_BUCKETS   4096 /* client hash buckets (power of 2) */
#define WCL_AP_BKTS   1024 /* AP hash buckets (power of 2) */
#define WCL_MAX_AID   2007 /* IEEE 802.11-2020 §9.4.1.8 */
#define WCL_FRAME_MAX 1600
#define WCL_MAX_HOPS  16 /* RFC 1542 §4.1.1: discard above */

struct wcl_ap {
	void *ap;
	uint32_t n_clients;
	uint8_t aid_used[(WCL_MAX_AID + 8) / 8];
	struct wcl_ap *next;
};

struct wcl_client {
	uint8_t mac[6];
	uint8_t bssid[6];
	uint8_t rid;
	uint16_t aid;
	enum cs_wlc_cl_state state;
	const struct cs_wlc_wlan *wlan; /* NULL until associated */
	struct wcl_ap *ap;
	uint32_t ip;
	struct wcl_client *next;
	/* WPA2-PSK: the authenticator, its one timer, and a removal asked
	 * for from inside its callbacks (done once it returns) */
	struct cs_wlc_clients *c;
	struct cs_wpa_auth *wpa;
	bool retx_armed, dead;
	uint64_t retx_due_ms;
	uint32_t m3_dropped; /* misbehaviour drop_eapol_m3 */
	/* for the diagnosis (struct cs_wlc_client_end) */
	uint32_t m2_received, m2_mic_failed, dhcp_relayed;
	enum cs_wpa_fail l2_fail;
};

struct cs_wlc_clients {
	struct cs_wlc_clients_cfg cfg;
	struct cs_wlc_clients_io io;
	struct wcl_client *bkt[WCL_BUCKETS];
	struct wcl_ap *ap_bkt[WCL_AP_BKTS];
	uint32_t n_clients;
	uint16_t seq;
	struct cs_wlc_clients_stats st;
	uint64_t now_ms; /* of the input being served */
	uint8_t gtk[CS_WLC_MAX_WLANS][CS_WPA_GTK_LEN]; /* per PSK WLAN */
};

/* wlc_clients.c */
unsigned wcl_hash_mac(const uint8_t *m);
struct wcl_client *wcl_find(const struct cs_wlc_clients *c, const uint8_t *mac);
struct wcl_ap *wcl_ap_get(struct cs_wlc_clients *c, void *ap, bool create);
void wcl_set_state(
    struct cs_wlc_clients *c, struct wcl_client *cl, enum cs_wlc_cl_state to);
void wcl_release_aid(struct wcl_client *cl);
void wcl_remove(struct cs_wlc_clients *c, struct wcl_client *cl);
void wcl_reap(struct cs_wlc_clients *c, struct wcl_client *cl);
void wcl_send(struct cs_wlc_clients *c, const struct wcl_client *cl, void *ap,
    uint8_t rid, struct cs_dot11_frame *f);
void wcl_send_mgmt(struct cs_wlc_clients *c, void *ap, uint8_t rid,
    const uint8_t *sta, const uint8_t *bssid, struct cs_dot11_frame *f);
void wcl_send_data(struct cs_wlc_clients *c, const struct wcl_client *cl,
    uint16_t ethertype, const uint8_t *payload, size_t len);
void wcl_send_control(
    struct cs_wlc_clients *c, void *ap, const uint8_t *elems, size_t len);
void wcl_delete_on_ap(struct cs_wlc_clients *c, const struct wcl_client *cl);

/* wlc_clients_assoc.c: management frames (IEEE 802.11-2020 §9.3.3) */
void wcl_auth(struct cs_wlc_clients *c, void *ap, uint8_t rid,
    const struct cs_dot11_frame *in);
void wcl_assoc(struct cs_wlc_clients *c, void *ap, uint8_t rid,
    const struct cs_dot11_frame *in);
void wcl_leave(
    struct cs_wlc_clients *c, void *ap, const struct cs_dot11_frame *in);

/* wlc_clients_data.c: data frames */
void wcl_data(struct cs_wlc_clients *c, void *ap, uint8_t rid,
    const struct cs_dot11_frame *in);

#endif /* CS_WLC_CLIENTS_INTERNAL_H */
