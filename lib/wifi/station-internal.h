/* SPDX-License-Identifier: MIT */
/*
 * What the station's files share: the object, the FSM's events, and the
 * sending (sta_tx.c) and receiving (sta_rx.c) halves around the state
 * machine (station.c).
 */
#ifndef CS_STATION_INTERNAL_H
#define CS_STATION_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/station.h"

struct cs_dhcp_msg;
struct cs_dot11_frame;

#define STA_FRAME_MAX 1600
#define STA_BCAST_IP  0xffffffffu
#define STA_INFINITE  0xffffffffu /* lease, RFC 2131 §3.3 */

extern const uint8_t sta_bcast[6];

/* What happens to a station.  Timers enter as events like frames. */
enum sta_ev {
	SEV_AUTH_RESP,
	SEV_ASSOC_RESP,
	SEV_DEAUTH,
	SEV_DISASSOC,
	SEV_OFFER,
	SEV_ACK,
	SEV_NAK,
	SEV_GW_ARP,
	SEV_ECHO_REPLY,
	SEV_L2_OK,
	SEV_L2_FAIL,
	SEV_T_RETRY,
	SEV_T_RENEW,
	SEV_T_LEASE,
	SEV_T_LIFETIME,
	SEV_LEAVE,
	SEV__COUNT
};

/* What a frame carried, for the handlers. */
struct sta_in {
	uint16_t code; /* 802.11 status or reason */
	const struct cs_dhcp_msg *dhcp;
	const uint8_t *gw_mac;
	const char *why; /* L2 failure text */
};

struct cs_sta {
	struct cs_sta_cfg cfg;
	struct cs_sta_io io;
	enum cs_sta_state state;
	uint64_t t_start, t_phase;
	uint32_t tries;
	uint16_t seq, ip_id, echo_id, echo_seq;
	uint32_t xid, offered_ip;
	bool requesting, renewing;
	bool is_large_echo; /* PING: the data-path probe is out */
	uint8_t rsn_ie[24];
	size_t rsn_ie_len;
	struct cs_sta_info info;
	char why[128];
	char name[18]; /* the MAC, for logs */
	unsigned in_callback;
	bool free_pending;
};

void sta_fsm(
    struct cs_sta *sta, enum sta_ev ev, const struct sta_in *in, uint64_t now);
void sta_emit(struct cs_sta *sta, enum cs_sta_ev_kind kind,
    enum cs_sta_state from, uint32_t value, const char *reason, uint64_t now);

/* sta_tx.c: frames the station sends (RFC 1042 data, To-DS) */
int sta_send_data(struct cs_sta *sta, const uint8_t *da, uint16_t ethertype,
    const uint8_t *payload, size_t len);
void sta_send_auth(struct cs_sta *sta, bool retry);
void sta_send_assoc(struct cs_sta *sta, bool retry);
void sta_send_mgmt_code(struct cs_sta *sta, uint8_t subtype, uint16_t reason);
void sta_send_dhcp(struct cs_sta *sta, int type);
void sta_send_arp(struct cs_sta *sta, uint16_t op, const uint8_t *da,
    const uint8_t *tha, uint32_t tpa);
void sta_send_echo(struct cs_sta *sta, uint8_t type, const uint8_t *da,
    uint32_t dst, uint16_t id, uint16_t seq, const uint8_t *data, size_t len);
void sta_send_gw_echo(struct cs_sta *sta);

/* sta_rx.c: frames addressed to the station */
void sta_in_mgmt(
    struct cs_sta *sta, const struct cs_dot11_frame *f, uint64_t now);
void sta_in_data(
    struct cs_sta *sta, const struct cs_dot11_frame *f, uint64_t now);

#endif /* CS_STATION_INTERNAL_H */
