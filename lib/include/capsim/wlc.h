/* SPDX-License-Identifier: MIT */
/*
 * The mock WLC (CAPWAP AC, RFC 5415 §2.3 AC side), sans-I/O and sans-DTLS:
 * a stateless discovery responder plus one session per AP peer after DTLS.
 * The glue (lib/engine) runs sockets, DTLS and timers and feeds plaintext
 * CAPWAP control messages, clear datagrams and timer expiries in; replies,
 * timer requests and events come out through struct cs_wlc_io.
 */
#ifndef CS_WLC_H
#define CS_WLC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/data_dtls.h"
#include "capsim/log.h"
#include "capsim/roles.h"

struct cs_wlc;      /* the controller: config, counters, join statistics */
struct cs_wlc_sess; /* one per AP peer (IP, port) after DTLS */
struct cs_wlc_clients;
struct cs_wlc_clients_cfg;

#define CS_WLC_CONTROL_PORT   5246 /* RFC 5415 §3.1; data = control + 1 */
#define CS_WLC_MAX_RADIOS     31   /* Radio ID 1..31, RFC 5415 §4.3 */
#define CS_WLC_MAX_AC_LIST    16   /* addresses in the AC IPv4 List */
#define CS_WLC_IMAGE_BLOCK    1024 /* Image Data block, RFC 5415 §4.6.26 */
#define CS_WLC_IMAGE_RATE_MAX 4096 /* image_starts_per_min at most */
/* the one default capacity of `capsim wlc` and the embedded WLC: no
 * practical limit, so a load test measures capsim rather than a cap; a
 * capacity test sets its own (--max-wtps, --wlc-max-wtps) */
#define CS_WLC_DEFAULT_MAX_WTPS 1000000

/* Per-session states, the AC half of RFC 5415 §2.3.  WAIT_JOIN is "Join"
 * before a Join Request was accepted, JOINED is "Join" after a successful
 * Join Response (WaitJoin still runs until Configuration Status Request or
 * Image Data Request arrives). */
enum cs_wlc_state {
	CS_WLC_S_WAIT_JOIN,
	CS_WLC_S_JOINED,
	CS_WLC_S_IMAGE_DATA,
	CS_WLC_S_CONFIGURE,
	CS_WLC_S_DATA_CHECK,
	CS_WLC_S_RUN,
	CS_WLC_S_RESET, /* Reset Request sent, waiting for the Reset Response */
	CS_WLC_S_DEAD,  /* torn down; waiting for cs_wlc_sess_closed() */
	CS_WLC_S__COUNT
};

/* Timer slots, one per AC timer (RFC 5415 §4.7). */
enum cs_wlc_timer {
	CS_WLC_T_WAIT_JOIN,            /* §4.7.16, 60 s */
	CS_WLC_T_CHANGE_STATE_PENDING, /* §4.7.1, 25 s */
	CS_WLC_T_DATA_CHECK,           /* §4.7.4, 30 s */
	CS_WLC_T_ECHO, /* §4.7.7: EchoInterval + max retransmission time */
	CS_WLC_T_RETRANSMIT, /* §4.5.3: AC-originated request (Image, Reset) */
	CS_WLC_T_DELAY,      /* misbehaviour: release a delayed response */
	/* the controller's own download queue: the next Image Data start
	 * the start rate allows (image_starts_per_min) */
	CS_WLC_T_IMAGE_QUEUE,
	CS_WLC_T__COUNT
};

enum cs_wlc_ev_kind {
	CS_WLC_EV_STATE,        /* from -> to applied */
	CS_WLC_EV_MSG_RECEIVED, /* a control message was accepted */
	CS_WLC_EV_MSG_SENT,     /* a control message or keep-alive was sent */
	CS_WLC_EV_MSG_DROPPED,  /* malformed, unexpected or dropped by policy */
	CS_WLC_EV_DISCOVERY,    /* Discovery Response sent */
	CS_WLC_EV_DTLS_FAILED,  /* cs_wlc_sess_dtls_failed() */
	CS_WLC_EV_JOIN_OK,      /* Join Response with result code 0 or 2 */
	CS_WLC_EV_JOIN_FAILED,  /* Join Response with an error result code */
	CS_WLC_EV_RUN,          /* the AP reached Run */
	CS_WLC_EV_TEARDOWN,     /* session torn down (reason given) */
	CS_WLC_EV_RESTART,      /* cs_wlc_restart() */
	CS_WLC_EV__COUNT
};

struct cs_wlc_event {
	uint64_t t_ms;
	enum cs_wlc_ev_kind kind;
	struct cs_wlc_sess *sess; /* NULL for discovery and DTLS failures */
	uint32_t peer_ip;         /* host order */
	uint16_t peer_port;
	bool has_mac;
	uint8_t mac[6];
	enum cs_wlc_state from, to; /* equal unless kind == CS_WLC_EV_STATE */
	enum cs_phase phase;        /* join phase the AP is (or failed) in */
	uint32_t msg_type;          /* CAPWAP message type, 0 if none */
	uint32_t result_code;       /* sent result code (JOIN_*), else 0 */
	const char *reason; /* static or owned by the WLC; valid during the
	                       callback only; may be NULL */
};

struct cs_wlc_io {
	/* clear datagram: Discovery Response (control) or keep-alive (data) */
	int (*send_clear)(void *ctx, enum cs_chan ch, uint32_t dst_ip,
	    uint16_t dst_port, const uint8_t *pkt, size_t len,
	    const struct cs_pkt_hint *hint);
	/* control message for the session's DTLS channel */
	int (*send_secure)(void *ctx, struct cs_wlc_sess *s, const uint8_t *pkt,
	    size_t len, const struct cs_pkt_hint *hint);
	/* end the DTLS session and forget the peer; the glue then calls
	 * cs_wlc_sess_closed(s) (from inside this callback or later).
	 * notify: tell the AP (DTLS close_notify, RFC 5415 §2.3.1
	 * DTLSShutdown), so that it leaves Run at once; false only where the
	 * controller simulates a crash (cs_wlc_restart). */
	void (*sess_close)(void *ctx, struct cs_wlc_sess *s, bool notify);
	void (*timer_arm)(void *ctx, struct cs_wlc_sess *s, enum cs_wlc_timer t,
	    uint64_t delay_ms);
	void (*timer_cancel)(
	    void *ctx, struct cs_wlc_sess *s, enum cs_wlc_timer t);
	void (*event)(void *ctx, const struct cs_wlc_event *ev); /* optional */
	/* uniform in [0, bound), seeded by the caller */
	uint32_t (*rand)(void *ctx, uint32_t bound);
	/* a client's DHCP message relayed to server:port from giaddr (the
	 * relay agent, RFC 1542 §4); NULL: no relay, client DHCP is dropped
	 * (counted in the clients' stats) */
	int (*relay)(void *ctx, uint32_t server, uint32_t giaddr,
	    const uint8_t *dhcp, size_t len);
	void *ctx;
};

/* Misbehaviours on request; may be changed at run time. */
struct cs_wlc_misbehave {
	double reject_share;    /* 0..1: share of Join Requests rejected */
	uint32_t reject_code;   /* result code for those (default 3) */
	uint32_t delay_ms;      /* delay every session response by this */
	uint32_t drop_msg_type; /* never answer this request type (0 = none) */
	bool mute; /* answer nothing at all (discovery, DTLS, keep-alives) */
	/* hold every DTLS handshake flight the controller sends this long
	 * before it leaves (a slow or overloaded controller); applied by the
	 * glue that runs the WLC's DTLS (lib/engine) */
	uint32_t handshake_delay_ms;
};

struct cs_wlc_cfg {
	/* identity, RFC 5415 §4.6.1 / §4.6.4 / §4.6.27; strings are copied */
	const char *ac_name;    /* 1..512 bytes */
	const char *hw_version; /* AC Information type 4 */
	const char *sw_version; /* AC Information type 5 */
	const char *image_id;   /* Image Identifier data; NULL = sw_version */
	uint32_t vendor_id;     /* AC Information and Image Identifier PEN */

	/* addresses (host order) */
	uint32_t listen_ip;    /* where the glue listens */
	uint32_t advertise_ip; /* Control/Local IPv4 Address; 0 = listen_ip;
	                          differs from listen_ip behind NAT (§11) */
	uint32_t ac_ipv4_list[CS_WLC_MAX_AC_LIST]; /* Config Status Response */
	size_t ac_ipv4_count;                      /* 0 = just advertise_ip */

	/* AC Descriptor, RFC 5415 §4.6.1 */
	uint32_t max_wtps; /* capacity: Join Response result code 4 beyond;
	                      the AC Descriptor shows at most 65535;
	                      default CS_WLC_DEFAULT_MAX_WTPS */
	uint16_t stations, station_limit;
	bool security_x509; /* X flag */
	bool security_psk;  /* S flag */
	bool rmac;          /* R-MAC: 1 supported, else 2 not supported */
	/* DTLS Policy (§4.6.1): off = C, optional = C|D, required = D;
	 * with required a clear keep-alive is refused */
	enum cs_data_dtls data_dtls;
	uint8_t ecn_support; /* §4.6.25: 0 limited, 1 full and limited */

	/* timers, RFC 5415 §4.7 (AC side) */
	uint32_t wait_join_ms;            /* 60000 */
	uint32_t change_state_pending_ms; /* 25000 */
	uint32_t data_check_ms;           /* 30000 */
	uint32_t retransmit_interval_ms;  /* 3000, AC-originated requests */
	uint32_t max_retransmit;          /* 5 */
	/* sent to the AP in CAPWAP Timers (§4.6.13) and used by the AC */
	uint8_t discovery_interval_s; /* MaxDiscoveryInterval, 20 */
	uint8_t echo_interval_s;      /* EchoInterval, 30 */
	uint32_t idle_timeout_s;      /* §4.6.24, 300 */
	uint16_t report_interval_s;   /* §4.6.18, 120 */
	uint8_t wtp_fallback;         /* §4.6.42: 1 enabled, 2 disabled */

	/* image served by Image Data (RFC 5415 §9.1); 0 = none available */
	uint32_t image_size;
	/* its bytes (copied; NULL = generated bytes, cs_wlc_image_byte) */
	const uint8_t *image_data;
	/* downloads at once (9800: 100 per WNCd; 0 = no limit) and starts
	 * in any 60 s (9800: batches of 16 a minute; 0 = no limit, at most
	 * CS_WLC_IMAGE_RATE_MAX); APs beyond either wait their turn */
	uint32_t image_max_downloads;
	uint32_t image_starts_per_min;

	/* join policy */
	bool auth_enabled; /* AP authorization list (result code 5) */
	const uint8_t (*auth_macs)[6];
	size_t auth_count;
	/* regulatory domain: 802.11 radio-type bits (RFC 5416 §6.25) the
	 * configured country allows; a radio outside -> result code 3.  0 =
	 * no check. */
	uint32_t allowed_radio_types;

	struct cs_wlc_misbehave misbehave;
	struct cs_log log;

	/* Cisco mode (capwap-facts §3-§4): behave like an AireOS/9800
	 * controller.  Join Requests must carry the Cisco vendor payloads RAD
	 * Name (5) and Board Data Options (207), Maximum Message Length (29),
	 * the draft WTP Descriptor and radio ids counted from 0; an AP
	 * without them gets result code 20 (missing) or 6 (incorrect data)
	 * and a log line saying why.  Answers carry Cisco elements: AP Time
	 * Sync (151) and MWAR Type (208) in Discovery Responses, AP Time Sync
	 * in Echo Responses, LWAPP Path MTU (104/73) in Join Responses (no
	 * ECN Support, no Local IPv4 Address), and the AC Descriptor versions
	 * as Cisco vendor sub-elements (type 1 software, 0 hardware, 4 raw
	 * bytes when the version is a.b.c.d). */
	bool cisco;
	/* Unix time at now_ms == 0 for AP Time Sync; 0 = the system clock
	 * when cs_wlc_new runs */
	uint32_t time_base_s;

	/* split-MAC clients (capsim/wlc_clients.h; borrowed, copied by
	 * cs_wlc_new): WLANs sent to each AP in Run, 802.11 frames in the
	 * data channel answered, client DHCP relayed through io.relay.
	 * NULL: no WLAN (802.11 data frames are dropped as unexpected). */
	const struct cs_wlc_clients_cfg *clients;
};

/* Control messages counted per type (RFC 5415 §4.5.1.1): slot t for
 * types 1..26, slot 0 for any other (IEEE 802.11 binding, vendor). */
#define CS_WLC_MSG_SLOTS 27

/* Controller-wide counters. */
struct cs_wlc_counters {
	uint64_t discovery_rx, discovery_tx, discovery_dropped;
	uint64_t clear_dropped; /* clear non-discovery on the control port */
	uint64_t dtls_failed, sess_opened, sess_closed;
	uint64_t join_ok, join_failed;
	uint64_t join_result[23]; /* Join Responses per result code 0..22 */
	uint64_t timer_expired[CS_WLC_T__COUNT];
	uint64_t keepalive_rx, keepalive_unknown, keepalive_tx;
	/* data channel DTLS (RFC 5415 §4.6.1): keep-alives that came
	 * through it, clear data refused (policy required), data sessions
	 * whose certificate named another AP, handshakes done / failed */
	uint64_t keepalive_dtls, data_clear_refused, data_dtls_mismatch;
	uint64_t data_dtls_ok, data_dtls_resumed, data_dtls_failed;
	uint64_t data_dtls_refused; /* DTLS on the data port, policy off */
	uint64_t malformed, unexpected, unknown_requests, duplicates;
	uint64_t policy_dropped, delayed, muted;
	uint64_t echo_rx, images_served, resets_sent, restarts;
	/* image downloads (§9.1): started, failed (AP gone or refused), and
	 * the controller's gate: downloading and waiting now, and the most
	 * ever at once (per controller; summed over an engine's shards, each
	 * with its own gate as a 9800's WNCd) */
	uint64_t images_started, images_failed, images_queued;
	uint64_t image_active, image_active_max;
	uint64_t image_waiting, image_waiting_max;
	uint64_t failures_by_phase[CS_PHASE__COUNT];
	uint64_t disconnects; /* orderly closes by APs in Run */
	/* handshakes beside an established session (from its address) that
	 * failed: not a failure of that session or its AP */
	uint64_t shadow_rejected;
	/* control messages accepted from / sent to APs (retransmissions
	 * included), per type: the load on the controller */
	uint64_t msg_rx[CS_WLC_MSG_SLOTS], msg_tx[CS_WLC_MSG_SLOTS];
	/* Run (RFC 5415 §8.4-§9.6): requests the AC sent on command, and
	 * what the APs reported */
	uint64_t commands_sent, commands_busy, commands_failed;
	uint64_t wtp_events, wtp_events_bad, data_transfer_bytes;
	/* AC-initiated reboots the APs' WTP Reboot Statistics (§4.6.47)
	 * showed rising from one join to the next */
	uint64_t reboots_reported;
};

/* Join statistics of one AP ("show ap join stats"), keyed by base MAC
 * when known (WTP Board Data base MAC or DTLS peer CN), else by IP. */
struct cs_wlc_ap_stats {
	bool has_mac;
	uint8_t mac[6];
	uint32_t ip; /* last seen, host order */
	uint16_t port;
	char name[33]; /* WTP Name from the Join Request, truncated */
	uint32_t discovery_requests, discovery_responses, discovery_dropped;
	uint32_t dtls_ok, dtls_failed;
	uint32_t join_requests, join_ok, join_failed;
	uint32_t config_ok, run, echo_requests, images, resets;
	uint32_t disconnects; /* orderly closes in Run: not failures */
	/* Run: WTP Event Requests and what they carried (§9.4) */
	uint32_t wtp_events, decrypt_errors, stations_deleted;
	bool duplicate_ip; /* the last Duplicate IPv4 Address status */
	/* WTP Reboot Statistics last reported (§4.6.47) */
	bool has_reboot;
	uint16_t reboot_count, reboot_ac_initiated, reboot_link_failures;
	uint8_t reboot_last_type;
	/* AC requests sent on command and their answers (§8.4-§9.6) */
	uint32_t config_updates, clear_configs, data_transfer_reqs;
	uint32_t data_transfer_bytes;
	uint32_t last_command_type, last_command_result;
	bool has_failure;
	enum cs_phase last_failure_phase;
	uint32_t last_result_code; /* of the last failed join, else 0 */
	char last_failure_reason[96];
	uint32_t failures_by_phase[CS_PHASE__COUNT];
	uint64_t first_seen_ms, last_seen_ms;
};

typedef int cs_wlc_stats_fn(const struct cs_wlc_ap_stats *st, void *arg);

/* RFC 5415 defaults: AC name "capsim-wlc", capacity
 * CS_WLC_DEFAULT_MAX_WTPS, X.509, clear data
 * channel, timers as §4.7, no image, no policy, no misbehaviour. */
CS_API void cs_wlc_cfg_defaults(struct cs_wlc_cfg *cfg);

/* Where an authorization list is wrong (cs_wlc_auth_parse). */
struct cs_wlc_auth_err {
	size_t line;    /* 1-based */
	size_t at, len; /* the entry (blanks trimmed) in the text */
	char why[128];  /* e.g. "not a MAC address" */
};

/*
 * The `--auth-list` file: one AP MAC per line, in any form cs_val_mac
 * reads; leading blanks and trailing blanks, CR and LF are ignored, and
 * so are empty lines and lines starting with '#'.  text need not be
 * NUL-terminated.  On success *macs (malloc'd, the caller frees it; NULL
 * when there is none) and *n.  -EINVAL for a bad entry (err, which may be
 * NULL, says which and why), -ENOMEM.  Nothing is written on failure.
 */
CS_API int cs_wlc_auth_parse(const char *text, size_t len, uint8_t (**macs)[6],
    size_t *n, struct cs_wlc_auth_err *err);

/* Creates a controller; copies cfg (strings, lists) and io.  -EINVAL on a
 * NULL argument, a missing io callback (event is optional) or a config
 * out of range; -ENOMEM. */
CS_API int cs_wlc_new(struct cs_wlc **ret, const struct cs_wlc_cfg *cfg,
    const struct cs_wlc_io *io);
/* Frees the controller and every session still known (without calling
 * io).  NULL is a no-op.  Not from inside a callback. */
CS_API void cs_wlc_free(struct cs_wlc *w);

/* Clear datagram on the control port (Discovery / Primary Discovery
 * Request, answered unicast to the source) or on the data port (data
 * channel keep-alive, echoed to the source).  Returns 0 when handled or
 * deliberately dropped (see counters and logs), -EINVAL on bad args. */
CS_API int cs_wlc_input_clear(struct cs_wlc *w, enum cs_chan ch,
    uint32_t src_ip, uint16_t src_port, const uint8_t *pkt, size_t len,
    uint64_t now_ms);

/* A data channel packet decrypted from a data DTLS session with the
 * peer src_ip:src_port (RFC 5415 §4.6.1 D): a keep-alive, handled as on
 * the clear channel (the echo goes out through io.send_clear on
 * CS_CHAN_DATA; the glue protects it with the same session).  cert_mac
 * (NULL: not known) is the MAC the session's certificate named; a
 * keep-alive whose Session ID belongs to another AP's certificate is
 * dropped.  0 when handled or dropped, -EINVAL on bad args. */
CS_API int cs_wlc_input_data_secure(struct cs_wlc *w, uint32_t src_ip,
    uint16_t src_port, const uint8_t *cert_mac, const uint8_t *pkt, size_t len,
    uint64_t now_ms);

/* The glue's data channel DTLS session with src_ip:src_port ended its
 * handshake: ok (resumed: the abbreviated handshake) or failed with
 * reason.  Counted and logged in controller words; no session changes
 * state (the keep-alives that follow, or their absence, do that). */
CS_API void cs_wlc_data_dtls_done(struct cs_wlc *w, uint32_t src_ip,
    uint16_t src_port, bool ok, bool resumed, const char *reason,
    uint64_t now_ms);
/* A DTLS datagram on the data port while the DTLS Policy offers no DTLS
 * data channel (data_dtls off): counted, logged (rate-limited). */
CS_API void cs_wlc_data_dtls_refused(
    struct cs_wlc *w, uint32_t src_ip, uint16_t src_port, uint64_t now_ms);

/* DTLS finished with a peer: returns a session in WAIT_JOIN with WaitJoin
 * armed.  Capacity is not checked here (Join Response result code 4 does
 * that); fails only with -EINVAL or -ENOMEM.  peer_cn (may be NULL) is the
 * DTLS peer certificate CN; a MAC in it identifies the AP early. */
CS_API int cs_wlc_sess_open(struct cs_wlc *w, struct cs_wlc_sess **ret,
    uint32_t peer_ip, uint16_t peer_port, const char *peer_cn, uint64_t now_ms);
/* Logs "DTLS handshake failure with peer <ip>:<port> [for AP <mac>]:
 * <reason>" and counts it. */
CS_API void cs_wlc_sess_dtls_failed(struct cs_wlc *w, uint32_t peer_ip,
    uint16_t peer_port, const struct cs_dtls_outcome *o, uint64_t now_ms);
/* A second handshake from the address of an established session (a
 * shadow: an AP restarting, RFC 5415 §4.7.15, or an on-path replay)
 * failed: logs "rejected a new DTLS handshake from peer <ip>:<port> beside
 * the established session [of AP <mac>]: <reason>; that session goes on"
 * and counts it in shadow_rejected.  owner (may be NULL) is the
 * established session; its AP's join statistics and failure counts are
 * left alone and no CS_WLC_EV_DTLS_FAILED is emitted. */
CS_API void cs_wlc_shadow_failed(struct cs_wlc *w,
    const struct cs_wlc_sess *owner, uint32_t peer_ip, uint16_t peer_port,
    const struct cs_dtls_outcome *o);
/* A decrypted control message from the session's peer.  0 when handled
 * or dropped, -EINVAL on bad args, -ESHUTDOWN after teardown. */
CS_API int cs_wlc_sess_input(
    struct cs_wlc_sess *s, const uint8_t *pkt, size_t len, uint64_t now_ms);
CS_API void cs_wlc_sess_timer_fired(
    struct cs_wlc_sess *s, enum cs_wlc_timer t, uint64_t now_ms);
/* The peer is gone / the glue forgot the session: frees it (deferred when
 * called from inside one of its callbacks).  s is invalid afterwards. */
CS_API void cs_wlc_sess_closed(struct cs_wlc_sess *s);
/* As cs_wlc_sess_closed(), for an orderly close by the peer (a DTLS
 * close_notify): in Run that is the AP leaving (counted in disconnects),
 * not a failure; before Run it is a failure of the phase, as above. */
CS_API void cs_wlc_sess_closed_orderly(struct cs_wlc_sess *s);
/* Sends a Reset Request with the Image Identifier (RFC 5415 §9.2) to a
 * session in Run.  -EINVAL, -EPROTO when not in Run or a request is
 * already outstanding, -ENOMEM. */
CS_API int cs_wlc_sess_reset(struct cs_wlc_sess *s, uint64_t now_ms);

/* What a controller can ask of an AP in Run (RFC 5415 §8.4, §8.7, §9.2,
 * §9.6), on an operator's command or a scenario's timeline. */
enum cs_wlc_cmd_kind {
	CS_WLC_CMD_CONFIG_UPDATE, /* Configuration Update Request */
	CS_WLC_CMD_RESET,         /* Reset Request */
	CS_WLC_CMD_CLEAR_CONFIG,  /* Clear Configuration Request */
	CS_WLC_CMD_DATA_TRANSFER, /* Data Transfer Request (mode) */
	CS_WLC_CMD__COUNT
};
#define CS_WLC_CMD_MAX_ACS 3 /* AC Name with Priority entries */
struct cs_wlc_cmd {
	enum cs_wlc_cmd_kind kind;
	/* CONFIG_UPDATE: each field sent only when set (0 / NULL: not) */
	uint16_t statistics_timer_s; /* Statistics Timer (§4.6.38) */
	bool has_statistics_timer;
	uint8_t echo_interval_s;      /* CAPWAP Timers (§4.6.13), with */
	uint8_t discovery_interval_s; /* the controller's other value */
	const char *image_id;         /* Image Identifier (§4.6.27) */
	unsigned n_acs;               /* AC Name with Priority (§4.6.5), */
	const char *acs[CS_WLC_CMD_MAX_ACS]; /* priority = index + 1 */
	uint8_t radio_id;    /* Radio Administrative State (§4.6.33) for */
	uint8_t radio_admin; /* this radio (255 = all), 0 = not sent */
	/* DATA_TRANSFER: Data Transfer Mode (§4.6.16) 1 crash, 2 dump */
	uint8_t dt_mode;
};
/* Snake-case name of message-counter slot t ("echo_request", ...,
 * "other" for slot 0), a bounded label for reports; NULL past the last. */
CS_API const char *cs_wlc_msg_slot_name(unsigned t);
/* "config-update", "reset", "clear-config", "data-transfer"; NULL out of
 * range. */
CS_API const char *cs_wlc_cmd_name(enum cs_wlc_cmd_kind k);
/*
 * Sends the request of `c` to a session in Run and arms its
 * retransmission (§4.5.3).  0; -EINVAL (bad arguments or command);
 * -EPROTO not in Run; -EBUSY another AC request is outstanding (one at a
 * time, §4.5.3); -ENOMEM.
 */
CS_API int cs_wlc_sess_command(
    struct cs_wlc_sess *s, const struct cs_wlc_cmd *c, uint64_t now_ms);
/* Sends `c` to every session in Run whose AP sel() picks (by MAC; NULL =
 * all).  Returns how many were sent; *busy (may be NULL) gets how many
 * were skipped with a request of their own outstanding. */
CS_API unsigned cs_wlc_command(struct cs_wlc *w, const struct cs_wlc_cmd *c,
    bool (*sel)(void *ctx, const uint8_t mac[6]), void *ctx, uint64_t now_ms,
    unsigned *busy);

CS_API void cs_wlc_sess_set_ctx(struct cs_wlc_sess *s, void *glue);
CS_API void *cs_wlc_sess_ctx(const struct cs_wlc_sess *s);
CS_API enum cs_wlc_state cs_wlc_sess_state(const struct cs_wlc_sess *s);
/* AP MAC once known (CN or Join Request); -ENOENT when not yet. */
CS_API int cs_wlc_sess_mac(const struct cs_wlc_sess *s, uint8_t mac[6]);

/* Replaces the misbehaviour settings.  -EINVAL on NULL/out of range. */
CS_API int cs_wlc_set_misbehave(
    struct cs_wlc *w, const struct cs_wlc_misbehave *m);
/* For the glue that runs the controller's DTLS: true when the controller
 * is mute (misbehave.mute), and the datagram it would have handled or sent
 * counts in counters.muted; false otherwise (and for NULL). */
CS_API bool cs_wlc_mute_swallow(struct cs_wlc *w);
/* The misbehaviours in force (NULL for NULL); valid until the next
 * cs_wlc_set_misbehave. */
CS_API const struct cs_wlc_misbehave *cs_wlc_get_misbehave(
    const struct cs_wlc *w);
/* Simulates a controller restart: every session is torn down (io
 * sess_close, not graceful) and counted; join statistics are kept. */
CS_API int cs_wlc_restart(struct cs_wlc *w, uint64_t now_ms);

/* Joined, not torn-down sessions: the AC Descriptor's Active WTPs. */
CS_API unsigned cs_wlc_active_wtps(const struct cs_wlc *w);
CS_API const struct cs_wlc_counters *cs_wlc_counters(const struct cs_wlc *w);
/* Calls fn for every AP in first-seen order; stops at the first non-zero
 * return and returns it. */
CS_API int cs_wlc_stats_foreach(
    const struct cs_wlc *w, cs_wlc_stats_fn *fn, void *arg);
/* Formats the join statistics summary table into a malloc'ed string the
 * caller frees.  -EINVAL, -ENOMEM. */
CS_API int cs_wlc_stats_summary(const struct cs_wlc *w, char **ret);

CS_API const char *cs_wlc_state_name(enum cs_wlc_state st);
/* The split-MAC clients (cfg.clients; borrowed), NULL without them. */
CS_API struct cs_wlc_clients *cs_wlc_clients_of(struct cs_wlc *w);
/* A DHCP reply that reached the relay socket (UDP payload): to the
 * client named by its chaddr.  0 forwarded, -ENOENT no such client here
 * (another shard's, or gone), -EBADMSG malformed (err set), -EINVAL. */
CS_API int cs_wlc_dhcp_reply(struct cs_wlc *w, const uint8_t *dhcp, size_t len,
    uint64_t now_ms, struct cs_err *err);
/* Periodic service of the clients (WPA2-PSK retransmissions): every
 * 100 ms or so.  Number of timers that fired. */
CS_API unsigned cs_wlc_tick(struct cs_wlc *w, uint64_t now_ms);
CS_API const char *cs_wlc_timer_name(enum cs_wlc_timer t);
CS_API const char *cs_wlc_ev_kind_name(enum cs_wlc_ev_kind k);
/* The join phase a state belongs to (WAIT_JOIN/JOINED -> Join, ...). */
CS_API enum cs_phase cs_wlc_state_phase(enum cs_wlc_state st);

/* RFC 5415 §4.5.3 / §4.6.13 maths, pure: the AC's echo dead interval
 * (EchoInterval plus the WTP's maximum retransmission time) and the
 * retransmit interval of the AC's own request number `attempt` (0 =
 * first retransmission). */
CS_API uint64_t cs_wlc_echo_dead_ms(const struct cs_wlc_cfg *cfg);
CS_API uint64_t cs_wlc_retransmit_ms(
    const struct cs_wlc_cfg *cfg, unsigned attempt);

#endif /* CS_WLC_H */
