/* SPDX-License-Identifier: MIT */
/*
 * The mock WLC as a split-MAC controller (RFC 5415 §2.2, RFC 5416): the
 * clients behind its APs.  Sans-I/O: 802.11 frames from an AP's data
 * channel and DHCP replies from the server go in; 802.11 frames for an
 * AP, CAPWAP message elements for its control session (IEEE 802.11 WLAN
 * Configuration Request, Station Configuration Request) and DHCP for the
 * server come out through struct cs_wlc_clients_io.  It answers open-
 * system Authentication and Association, adds each station to its AP
 * (Add Station + IEEE 802.11 Station), relays DHCP as a relay agent
 * (giaddr = the WLAN's gateway, RFC 1542 §4), and answers ARP and ICMP
 * echo for the gateway address, as a Catalyst 9800 does in DHCP relay
 * mode.
 */
#ifndef CS_WLC_CLIENTS_H
#define CS_WLC_CLIENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/log.h"
#include "capsim/wpa.h"

struct cs_wlc_clients;
struct cs_wr;

#define CS_WLC_MAX_WLANS 16 /* WLAN IDs 1..16 (RFC 5416 §6.1) */

/* One WLAN: open system or WPA2-PSK, one client subnet behind one
 * gateway. */
struct cs_wlc_wlan {
	uint8_t wlan_id;  /* 1..16 */
	char ssid[33];    /* 1..32 octets, NUL-terminated */
	uint32_t gateway; /* the controller's address in the subnet (giaddr) */
	uint32_t mask;
	uint8_t gateway_mac[6];
	/* WPA2-PSK (RSN, AKM 00-0F-AC:2, CCMP-128): the controller is the
	 * authenticator of the 4-way handshake (capsim/wpa.h); pmk from
	 * cs_wpa_pmk_from_psk() of the PSK and this SSID */
	bool has_psk;
	uint8_t pmk[CS_WPA_PMK_LEN];
};

struct cs_wlc_clients_cfg {
	struct cs_wlc_wlan wlans[CS_WLC_MAX_WLANS];
	unsigned n_wlans;
	uint32_t max_per_ap;  /* 0 = no limit; beyond: status 17 */
	uint32_t max_clients; /* 0 = no limit; beyond: status 17 */
	uint32_t dhcp_server; /* relay target, host order; 0 = none */
	/*
	 * Misbehaviours for tests (all off when 0/false); each one counted
	 * in the stats and logged, so a run shows what the controller did:
	 * - refuse_assoc_status: every (Re)Association that would succeed
	 *   is refused with this IEEE 802.11 status code (e.g. 17, 1);
	 * - drop_eapol_m3: the first N transmissions of 4-way message 3
	 *   to each client are not sent (CS_WLC_DROP_ALL: none is; the
	 *   authenticator's retransmissions then give up with reason 15);
	 * - no_dhcp_relay: client DHCP is not relayed (no DHCPOFFER ever).
	 */
	uint16_t refuse_assoc_status;
	uint32_t drop_eapol_m3;
	bool no_dhcp_relay;
	struct cs_log log;
};

#define CS_WLC_DROP_ALL UINT32_MAX

/* The controller's view of a client (its vocabulary, 9800 "show wireless
 * client summary"). */
enum cs_wlc_cl_state {
	CS_WLC_CL_AUTH,     /* authenticated, not associated */
	CS_WLC_CL_ASSOC,    /* associated, station added on the AP */
	CS_WLC_CL_L2AUTH,   /* WPA2-PSK 4-way handshake running */
	CS_WLC_CL_IP_LEARN, /* DHCP in progress */
	CS_WLC_CL_RUN,      /* has an address (DHCPACK relayed) */
	CS_WLC_CL__COUNT
};

/* A client the controller forgets (left, failed, AP gone): what it saw
 * of it, for the clients' diagnosis (capsim/diagnose_clients.h, the
 * has_wlc_side facts). */
struct cs_wlc_client_end {
	uint8_t mac[6];
	void *ap;
	enum cs_wlc_cl_state state; /* when forgotten */
	enum cs_wpa_fail l2_fail;   /* CS_WPA_FAIL_NONE unless L2 auth failed */
	uint32_t m2_received;       /* EAPOL-Key messages 2 from it */
	uint32_t m2_mic_failed;     /* ... whose MIC did not verify */
	uint32_t dhcp_relayed;      /* its DHCP messages relayed */
};

struct cs_wlc_clients_io {
	/* an 802.11 frame for AP `ap` to carry on radio `rid` (the glue puts
	 * it in CAPWAP data, T bit, WBID 1) */
	int (*send_frame)(
	    void *ctx, void *ap, uint8_t rid, const uint8_t *frame, size_t len);
	/* the message elements of a CAPWAP request for AP `ap`'s control
	 * session (type: CS_MSG_STATION_CONFIG_REQ or
	 * CS_MSG_WLAN_CONFIG_REQ); the glue adds the headers, its sequence
	 * number and retransmission */
	int (*send_control)(void *ctx, void *ap, uint32_t type,
	    const uint8_t *elems, size_t len);
	/* a relayed DHCP message (UDP payload) for server:67 from giaddr:67 */
	int (*relay)(void *ctx, uint32_t server, uint32_t giaddr,
	    const uint8_t *dhcp, size_t len);
	/* nonces and group keys: len random octets, 0 or -errno; required
	 * when a WLAN has a PSK */
	int (*rand_bytes)(void *ctx, uint8_t *buf, size_t len);
	/* optional: a client is forgotten (left, failed, AP gone; not at
	 * cs_wlc_clients_free); must not call back into this module */
	void (*client_end)(void *ctx, const struct cs_wlc_client_end *end);
	void *ctx;
};

struct cs_wlc_clients_stats {
	uint64_t per_state[CS_WLC_CL__COUNT]; /* clients now */
	uint64_t auths, assocs, assoc_refused_full, assoc_refused_other;
	uint64_t deleted; /* Disassociation/Deauthentication from clients */
	uint64_t dhcp_relayed, dhcp_replies, acks;
	uint64_t arp_answered, echo_answered;
	uint64_t frames_dropped; /* malformed or not allowed in the state */
	uint64_t ctl_failed;     /* Station Configuration Responses != 0 */
	uint64_t l2auth_done;    /* 4-way handshakes completed */
	/* L2 authentication failures by cause (CS_WPA_FAIL_WRONG_PSK: every
	 * message 2 failed its MIC, the station deauthenticated with 15) */
	uint64_t l2auth_failed[CS_WPA_FAIL__COUNT];
	/* what the misbehaviours of the cfg did */
	uint64_t mis_assoc_refused; /* refused with refuse_assoc_status */
	uint64_t mis_m3_dropped;    /* message 3 transmissions not sent */
	uint64_t mis_dhcp_dropped;  /* client DHCP messages not relayed */
};

/* -EINVAL (NULL, io without send_frame/send_control, no WLAN, a WLAN ID
 * out of 1..16 or an SSID of 0 or > 32 octets, a PSK WLAN and no
 * rand_bytes), -ENOMEM. */
CS_API int cs_wlc_clients_new(struct cs_wlc_clients **ret,
    const struct cs_wlc_clients_cfg *cfg, const struct cs_wlc_clients_io *io);
CS_API void cs_wlc_clients_free(struct cs_wlc_clients *c);

/* AP `ap` reached Run with radios 1..n_radios: one IEEE 802.11 WLAN
 * Configuration Request (Add WLAN, RFC 5416 §3.1, §6.1) per radio and
 * WLAN through send_control.  Returns the number sent or -errno. */
CS_API int cs_wlc_clients_ap_run(
    struct cs_wlc_clients *c, void *ap, uint8_t n_radios);
/* Serves the WPA2-PSK authenticators' retransmission timers (messages 1
 * and 3, every dot11RSNAConfigPairwiseUpdateTimeOut, 1 s): call it
 * periodically (every 100 ms is fine) with the current time.  Returns the
 * number of timers that fired.  The scan is skipped while no client is in
 * L2 authentication. */
CS_API unsigned cs_wlc_clients_tick(struct cs_wlc_clients *c, uint64_t now_ms);

/* AP `ap` left Run: its clients are forgotten. */
CS_API void cs_wlc_clients_ap_gone(struct cs_wlc_clients *c, void *ap);

/* One 802.11 frame from AP `ap`, radio `rid`.  Malformed frames and
 * frames not allowed for the client's state are counted, logged at debug
 * and answered as 802.11 requires (Deauthentication reason 7 for data
 * from a station that is not associated).  0, or -EINVAL. */
CS_API int cs_wlc_clients_input(struct cs_wlc_clients *c, void *ap, uint8_t rid,
    const uint8_t *frame, size_t len, uint64_t now_ms);

/* A DHCP reply from the server (UDP payload): forwarded to the client
 * named by chaddr as a From-DS frame from the gateway.  0 forwarded,
 * -ENOENT no such client, -EBADMSG malformed (err set), -EINVAL. */
CS_API int cs_wlc_clients_dhcp_reply(struct cs_wlc_clients *c,
    const uint8_t *dhcp, size_t len, uint64_t now_ms, struct cs_err *err);

/* The AP's Station Configuration Response: a result code other than 0
 * counts in ctl_failed and is logged. */
CS_API void cs_wlc_clients_ctl_resp(
    struct cs_wlc_clients *c, void *ap, uint32_t result_code);

CS_API void cs_wlc_clients_stats(
    const struct cs_wlc_clients *c, struct cs_wlc_clients_stats *out);
/* One log line at INFO with the counts (SIGUSR1, exit). */
CS_API void cs_wlc_clients_log_stats(const struct cs_wlc_clients *c);
CS_API const char *cs_wlc_cl_state_name(enum cs_wlc_cl_state s);

/* Element builders, RFC 5416 §6.1 Add WLAN (open system, split MAC,
 * 802.11 tunnel) and RFC 5415 §4.6.8 Add Station + RFC 5416 §6.13 IEEE
 * 802.11 Station.  Errors go to wr->err. */
CS_API void cs_wlc_put_add_wlan(
    struct cs_wr *wr, uint8_t rid, const struct cs_wlc_wlan *wlan);
CS_API void cs_wlc_put_add_station(struct cs_wr *wr, uint8_t rid,
    const uint8_t mac[6], uint16_t aid, uint16_t capability, uint8_t wlan_id,
    const uint8_t *rates, size_t n_rates);
CS_API void cs_wlc_put_delete_station(
    struct cs_wr *wr, uint8_t rid, const uint8_t mac[6]);

#endif /* CS_WLC_CLIENTS_H */
