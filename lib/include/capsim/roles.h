/* SPDX-License-Identifier: MIT */
/*
 * Types shared by the role state machines (lib/ap, lib/wlc) and the glue
 * that runs them (lib/engine), kept in the lowest layer (lib/wire/roles.c)
 * so no role includes another's folder: channels, per-datagram hints for the
 * impairment engine and pcap tap, the failure-phase vocabulary and the
 * DTLS outcome the glue reports back (docs/roles-contract).
 */
#ifndef CS_ROLES_H
#define CS_ROLES_H

#include <stdbool.h>
#include <stdint.h>

#include "capsim/common.h"

/* Which CAPWAP channel a datagram travels on (RFC 5415 §3.1). */
enum cs_chan {
	CS_CHAN_CONTROL, /* UDP 5246 on the AC side */
	CS_CHAN_DATA     /* UDP 5247 on the AC side */
};

/* Which way a datagram travels between an AP and its controller. */
enum cs_dir {
	CS_DIR_UP,  /* AP -> WLC */
	CS_DIR_DOWN /* WLC -> AP */
};

/* What a datagram carries, attached by the sender for the impairment
 * engine and the pcap tap. */
struct cs_pkt_hint {
	uint32_t
	    msg_type; /* CAPWAP message type (enum cs_msg_type), 0 if none */
	uint8_t seq;
	bool is_keepalive; /* data-channel keep-alive */
	bool is_retransmit;
};

/* Failure/progress vocabulary (DESIGN.md): the phase an AP was in. */
enum cs_phase {
	CS_PHASE_DHCP,
	CS_PHASE_DISCOVERY,
	CS_PHASE_DTLS,
	CS_PHASE_JOIN,
	CS_PHASE_IMAGE,
	CS_PHASE_CONFIGURE,
	CS_PHASE_DATA_CHECK,
	CS_PHASE_RUN,
	CS_PHASE__COUNT
};

/* "dhcp", "discovery", "dtls-handshake", "join", "image", "configure",
 * "data-check", "run"; NULL for an out-of-range value. */
CS_API const char *cs_phase_name(enum cs_phase p);
/* Catalyst 9800 vocabulary: "Dhcp", "Discovery", "Dtls-Handshake", "Join",
 * "Image-Download", "Config", "Data-Check", "Run"; NULL if out of range. */
CS_API const char *cs_phase_wlc_name(enum cs_phase p);

/* DTLS outcome reported by the glue. */
struct cs_dtls_outcome {
	bool ok;
	int reason_code; /* lib/dtls failure enum value, 0 if ok or unknown */
	const char *reason; /* human text, e.g. "no response to ClientHello
	                       after 6 tries" (copied by the FSM if kept) */
};

#endif /* CS_ROLES_H */
