/* SPDX-License-Identifier: MIT */
/*
 * The access point (WTP) state machine of RFC 5415 §2.3, sans-I/O and
 * sans-DTLS: datagrams, DTLS outcomes, timer expiries and "now" go in;
 * datagrams to send, timers to arm and events to record come out through
 * struct cs_ap_io.  The glue (lib/engine) owns sockets, clocks and DTLS.
 */
#ifndef CS_AP_H
#define CS_AP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/data_dtls.h"
#include "capsim/log.h"
#include "capsim/roles.h"

struct cs_ap;
struct cs_profile;

/* WTP states (RFC 5415 §2.3); Authorize and DTLS Connect are folded into
 * DTLS Setup, which the glue runs. */
enum cs_ap_state {
	CS_AP_IDLE,
	CS_AP_DISCOVERY,
	CS_AP_SULKING,
	CS_AP_DTLS_SETUP,
	CS_AP_JOIN,
	CS_AP_IMAGE_DATA,
	CS_AP_CONFIGURE,
	CS_AP_DATA_CHECK,
	CS_AP_RUN,
	CS_AP_RESET,
	CS_AP_DTLS_TEARDOWN,
	CS_AP__COUNT
};

/* One slot per RFC 5415 §4.7 timer the AP uses.  The glue keeps one timer
 * per slot: timer_arm re-arms (replacing a pending expiry), timer_cancel
 * of an idle slot is harmless. */
enum cs_ap_timer {
	CS_AP_T_DISCOVERY_DELAY,    /* random delay < MaxDiscoveryInterval */
	CS_AP_T_DISCOVERY_INTERVAL, /* DiscoveryInterval: resend / collect */
	CS_AP_T_SILENT,             /* SilentInterval (Sulking) */
	CS_AP_T_WAIT_DTLS,          /* WaitDTLS */
	CS_AP_T_RETRANSMIT,         /* RetransmitInterval, doubling */
	CS_AP_T_ECHO,               /* EchoInterval */
	CS_AP_T_KEEPALIVE,          /* DataChannelKeepAlive */
	CS_AP_T_DATA_DEAD,          /* DataChannelDeadInterval */
	CS_AP_T_SESSION_DELETE,     /* DTLSSessionDelete */
	CS_AP_T_IMAGE_DATA_START,   /* ImageDataStartTimer */
	CS_AP_T_STATISTICS,         /* StatisticsTimer (§4.7.14) */
	CS_AP_T_DECRYPT_REPORT,     /* ReportInterval (§4.7.11) */
	CS_AP_T__COUNT
};

/* What an event reports. */
enum cs_ap_ev_kind {
	CS_AP_EV_STATE,        /* from -> to; reason = trigger */
	CS_AP_EV_MSG_SENT,     /* msg_type/seq sent (first transmission) */
	CS_AP_EV_MSG_RECEIVED, /* msg_type/seq accepted */
	CS_AP_EV_RETRANSMIT,   /* request resent; value = retransmit number */
	CS_AP_EV_FAILURE,      /* phase + reason: why the AP gave up */
	CS_AP_EV_DROPPED,      /* input ignored; reason says why */
	CS_AP_EV_INFO,         /* notable fact (NAT, AC chosen, image) */
	/* back in Run after losing the controller in Run: value = failover
	 * time in ms (last Echo Response -> Run), peer_ip = the new AC */
	CS_AP_EV_FAILOVER,
	CS_AP_EV__COUNT
};

/* Reason of the Run -> Reset transition that obeys the controller's Reset
 * Request (RFC 5415 §9.2): an ordered reboot, not a failure. */
#define CS_AP_REASON_AC_RESET "Reset Request from controller"

struct cs_ap_event {
	uint64_t t_ms;
	enum cs_ap_ev_kind kind;
	enum cs_ap_state from, to; /* equal except for CS_AP_EV_STATE */
	enum cs_phase phase;       /* phase the AP was in (of `from`) */
	uint32_t msg_type;         /* enum cs_msg_type, 0 if none */
	uint8_t seq;
	uint32_t peer_ip; /* AC (or responder) address, host order, 0 if none */
	uint32_t value;   /* kind-specific: retransmit no., result code, RTT */
	const char *reason; /* static or owned by the AP; valid in callback */
};

struct cs_ap_io {
	/* clear datagram (Discovery Request, data keep-alive) to dst */
	int (*send_clear)(void *ctx, enum cs_chan ch, uint32_t dst_ip,
	    uint16_t dst_port, const uint8_t *pkt, size_t len,
	    const struct cs_pkt_hint *hint);
	/* control message for the glue to protect with DTLS and send */
	int (*send_secure)(void *ctx, const uint8_t *pkt, size_t len,
	    const struct cs_pkt_hint *hint);
	/* start a DTLS client session; the glue later calls cs_ap_dtls_done.
	 * 0 when the ClientHello left, CS_AP_DTLS_QUEUED when the glue holds
	 * the session for a handshake slot of its own (then it calls
	 * cs_ap_dtls_sent when the ClientHello leaves), -errno on failure */
	int (*dtls_start)(void *ctx, uint32_t ac_ip, uint16_t ac_port);
	/* tear down the DTLS session (close_notify when `graceful`) */
	void (*dtls_stop)(void *ctx, bool graceful);
	void (*timer_arm)(void *ctx, enum cs_ap_timer t, uint64_t delay_ms);
	void (*timer_cancel)(void *ctx, enum cs_ap_timer t);
	/* one event per transition and notable fact, after it applied; may
	 * be NULL.  cs_ap_free() from here is deferred until return. */
	void (*event)(void *ctx, const struct cs_ap_event *ev);
	/* seeded randomness: uniform in [0, bound) (bound >= 1) */
	uint32_t (*rand)(void *ctx, uint32_t bound);
	/* each IEEE 802.11 Add WLAN element value (RFC 5416 §6.1) of a WLAN
	 * Configuration Request in Run, before the answer; may be NULL.  0,
	 * or -errno: the response then carries result code 13 */
	int (*wlan_config)(void *ctx, const uint8_t *val, size_t len);
	void *ctx;
};

#define CS_AP_MAX_RADIOS  8 /* radio IDs 1..n (RFC 5416 §6.25 allows 31) */
#define CS_AP_MAX_TARGETS 8 /* unicast discovery targets */
#define CS_AP_MAX_CANDS   8 /* Discovery Responses kept for selection */

enum cs_ap_image_policy {
	/* Image Identifier differs: take the WLC's version, go on to
	 * Configure (no download; fast joins in load tests) */
	CS_AP_IMAGE_ADOPT,
	/* Image Identifier differs: RFC 5415 §9.1 download in Image Data
	 * state, then Reset and rejoin with the new version */
	CS_AP_IMAGE_DOWNLOAD,
	/* Image Identifier differs: join with the running image, download
	 * the controller's in Run (§9.1, a 9800's pre-download), keep it
	 * staged and run it at the controller's Reset Request (§9.2) */
	CS_AP_IMAGE_PREDOWNLOAD,
};

/* The image policies' words, indexed by the enum and ended by NULL:
 * "adopt", "download", "predownload" (the CLI's and the scenario's). */
CS_API extern const char *const cs_ap_image_policy_words[];
/* The policy named s: 0, or -EINVAL (the words above only). */
CS_API int cs_ap_image_policy_parse(
    const char *s, enum cs_ap_image_policy *out);

/*
 * AP configuration.  Strings are copied by cs_ap_new (NULL = empty where
 * optional).  Durations are in milliseconds so that tests and scenarios
 * can scale the RFC timers; cs_ap_cfg_defaults() fills RFC 5415 §4.7-4.8
 * defaults.
 */
struct cs_ap_cfg {
	/* identity */
	uint8_t mac[6];        /* base MAC (Board Data sub-element 4) */
	uint32_t ip;           /* own IPv4, host order (Local IPv4 Address) */
	const char *name;      /* WTP Name, 1..512 bytes (required) */
	const char *location;  /* Location Data, 1..1024 (default "default") */
	uint32_t board_vendor; /* Board Data / Descriptor vendor, != 0 */
	const char *model;     /* Board Data model (required) */
	const char *serial;    /* Board Data serial (required) */
	const char *hw_version, *sw_version, *boot_version; /* required */
	uint8_t radio_count; /* 1..CS_AP_MAX_RADIOS, radio IDs 1..n */
	uint32_t radio_type[CS_AP_MAX_RADIOS]; /* CS_RADIO_TYPE_* bits */
	uint8_t frame_tunnel_mode;             /* CS_FTM_*, default 802.3 */
	uint8_t mac_type;                      /* CS_MAC_*, default local */
	uint8_t ecn_support;                   /* CS_ECN_*, default limited */
	uint16_t max_msg_len;                  /* 0 = omit the element */
	unsigned msg_flags; /* CS_MSG_F_* used to decode AC messages */
	/* shared immutable model profile (capsim/profile.h), or NULL for the
	 * plain RFC 5415 AP; not copied: must outlive the AP.  With a Cisco
	 * profile the AP speaks Cisco's draft encodings and vendor payloads
	 * (capwap-facts §3-§4). */
	const struct cs_profile *profile;

	/* controllers */
	uint8_t target_count;                /* 1..CS_AP_MAX_TARGETS */
	uint32_t targets[CS_AP_MAX_TARGETS]; /* unicast AC IPv4, host order */
	uint16_t ac_port;                    /* control port, data = +1 */
	const char *primed[3]; /* primary/secondary/tertiary AC Name or NULL */
	/* primary/secondary/tertiary AC address (host order, 0 = none): a
	 * Discovery Response from it ranks as that controller when no AC
	 * Name is primed for the rank; with skip_discovery the AP joins
	 * targets[] in order after a loss (lib/ap/ap_failover.c) */
	uint32_t primed_ip[3];
	uint8_t discovery_type; /* CS_DISC_*, reported in Discovery Type */
	/* pre-configured AC: Idle -> DTLS Setup to targets[0] directly */
	bool skip_discovery;

	/* RFC 5415 §4.7 timers and §4.8 variables */
	uint32_t discovery_interval_ms;     /* 5 s */
	uint32_t max_discovery_interval_ms; /* 20 s */
	uint32_t max_discoveries;           /* 10 */
	uint32_t silent_interval_ms;        /* 30 s */
	uint32_t wait_dtls_ms;              /* 60 s */
	uint32_t max_failed_dtls;           /* MaxFailedDTLSSessionRetry 3 */
	uint32_t echo_interval_ms;          /* 30 s */
	uint32_t retransmit_interval_ms;    /* 3 s */
	uint32_t max_retransmit;            /* 5 */
	/* §4.5.3 "no more than half the EchoInterval": off by default, so
	 * the intervals are 3, 6, 12, 24, 48 s as AireOS/9800 behave */
	bool retransmit_cap_half_echo;
	uint32_t keepalive_ms;        /* DataChannelKeepAlive 30 s */
	uint32_t data_dead_ms;        /* DataChannelDeadInterval 60 s */
	uint32_t session_delete_ms;   /* DTLSSessionDelete 5 s */
	uint32_t image_data_start_ms; /* ImageDataStartTimer 30 s */
	/* after the controller accepted the download, how long to wait for
	 * its first block: its download queue (1 h; echoes keep the session
	 * alive meanwhile) */
	uint32_t image_wait_ms;
	uint16_t statistics_timer_s; /* Statistics Timer element, 120 */

	enum cs_ap_image_policy image_policy;
	/* DTLS on the data channel (RFC 5415 §4.6.1): off = only when the
	 * AC offers nothing else, optional = when the AC offers it,
	 * required = refuse an AC that offers only clear text */
	enum cs_data_dtls data_dtls;

	struct cs_log log; /* per-AP log callback (may be zeroed) */
};

/* Counters; read with cs_ap_stats(). */
struct cs_ap_stats {
	uint32_t discoveries_sent;    /* Discovery Requests (per target) */
	uint32_t discovery_responses; /* valid ones */
	uint32_t dtls_attempts;
	uint32_t dtls_failures;
	uint32_t join_attempts;
	uint32_t joins;         /* successful Join Responses */
	uint32_t requests_sent; /* secure requests, first transmissions */
	uint32_t retransmits;
	uint32_t echoes_sent;
	uint32_t echo_responses;
	uint32_t last_echo_rtt_ms;
	uint32_t keepalives_sent;
	uint32_t keepalives_received;
	uint32_t ac_requests; /* requests from the AC answered */
	uint32_t dropped;     /* inputs ignored (wrong state/seq/malformed) */
	uint32_t image_bytes; /* Image Data received in this download */
	uint32_t images;      /* downloads completed and verified */
	uint32_t image_failures; /* downloads abandoned (any reason) */
	uint32_t teardowns;
	uint32_t runs;              /* times Run was reached */
	uint32_t events_sent;       /* WTP Event Requests (first sends) */
	uint32_t config_updates;    /* Configuration Update Requests obeyed */
	uint32_t resets;            /* Reset Requests obeyed */
	uint32_t data_transfers;    /* Data Transfer Requests sent */
	uint32_t controller_losses; /* Run left on a failure (echo, DTLS) */
	uint32_t failovers;         /* back in Run after such a loss */
	uint32_t last_failover_ms;  /* last Echo Response -> Run again */
};

/* Fills *cfg with RFC 5415 defaults and a sample identity (name "AP",
 * model "capsim-ap", 2 radios b/g/n + a/n, target none).  -EINVAL for
 * NULL. */
CS_API int cs_ap_cfg_defaults(struct cs_ap_cfg *cfg);

/*
 * Creates an AP in Idle.  Copies cfg (strings included) and io.  Returns 0
 * and *ret, -EINVAL for NULL arguments, missing callbacks (event may be
 * NULL) or an invalid cfg (no name/model/serial/versions, radio_count 0 or
 * above CS_AP_MAX_RADIOS, target_count 0 or above the cap, board_vendor 0,
 * zero timers), -ENOMEM.  *ret untouched on failure.
 */
CS_API int cs_ap_new(
    struct cs_ap **ret, const struct cs_ap_cfg *cfg, const struct cs_ap_io *io);
/* Frees (NULL is a no-op).  Called from an io callback it is deferred
 * until the AP returns to the glue; no further io calls happen. */
CS_API void cs_ap_free(struct cs_ap *ap);

/* Idle -> Discovery (or DTLS Setup when skip_discovery).  -EINVAL for
 * NULL, -EBUSY when already started. */
CS_API int cs_ap_start(struct cs_ap *ap, uint64_t now_ms);

/*
 * A clear datagram from the network: a Discovery Response on the control
 * channel or a data-channel keep-alive echoed by the AC.  Returns 0 when
 * processed, -EBADMSG (malformed), -EPROTO (valid but not acceptable now:
 * wrong state, sequence or peer), -EINVAL for NULL.  Drops emit
 * CS_AP_EV_DROPPED.
 */
CS_API int cs_ap_input_clear(struct cs_ap *ap, enum cs_chan ch, uint32_t src_ip,
    uint16_t src_port, const uint8_t *pkt, size_t len, uint64_t now_ms);
/* A decrypted control message from the DTLS session (CAPWAP header
 * onwards).  Same returns as cs_ap_input_clear. */
CS_API int cs_ap_input_secure(
    struct cs_ap *ap, const uint8_t *pkt, size_t len, uint64_t now_ms);

/*
 * DTLS outcome from the glue.  In DTLS Setup: handshake result
 * (ok -> Join; failure -> Idle, or Sulking after MaxFailedDTLSSessionRetry;
 * the reason is kept for the failure event).  In Join, Image Data,
 * Configure, Data Check and Run, ok=false means the session died
 * (DTLSAborted / DTLSPeerDisconnect) -> DTLS Teardown.  Ignored (with a
 * DROPPED event) elsewhere; NULL arguments ignored.
 */
CS_API void cs_ap_dtls_done(
    struct cs_ap *ap, const struct cs_dtls_outcome *o, uint64_t now_ms);
/* io->dtls_start held the session back (simulator pacing, not the
 * protocol): nothing was sent yet, so WaitDTLS waits for
 * cs_ap_dtls_sent. */
#define CS_AP_DTLS_QUEUED 1
/* The ClientHello of a session io->dtls_start queued has left: WaitDTLS
 * (RFC 5415 §4.7.15) starts now.  Ignored (DROPPED event) when the AP
 * has no queued session; NULL ignored. */
CS_API void cs_ap_dtls_sent(struct cs_ap *ap, uint64_t now_ms);
/* Whether this join's data channel runs over DTLS: the choice made from
 * cfg.data_dtls and the Join Response's AC Descriptor DTLS Policy (RFC
 * 5415 §4.6.1).  False before a Join Response and for NULL.  The glue
 * protects what the AP sends on CS_CHAN_DATA with a DTLS session of its
 * own to the AC's data port and reports it with cs_ap_data_dtls_done. */
CS_API bool cs_ap_data_dtls(const struct cs_ap *ap);
/* The data channel DTLS session's outcome (RFC 5415 §2.3.1 "q"): ok is
 * noted (an info event); a failure (handshake timeout, alert, the session
 * lost) tears the AP down with "data channel DTLS: <reason>".  Ignored
 * (DROPPED event) outside Run; NULL arguments ignored. */
CS_API void cs_ap_data_dtls_done(
    struct cs_ap *ap, const struct cs_dtls_outcome *o, uint64_t now_ms);
/* A timer slot armed through io->timer_arm expired. */
CS_API void cs_ap_timer_fired(
    struct cs_ap *ap, enum cs_ap_timer t, uint64_t now_ms);

/* Current state; CS_AP__COUNT for NULL. */
CS_API enum cs_ap_state cs_ap_state(const struct cs_ap *ap);
/* The failure/progress phase of the current state (Reset and DTLS
 * Teardown report the phase that failed); CS_PHASE__COUNT for NULL. */
CS_API enum cs_phase cs_ap_phase(const struct cs_ap *ap);
/* Counters, or NULL for NULL. */
CS_API const struct cs_ap_stats *cs_ap_stats(const struct cs_ap *ap);
/* The AC the AP joins/joined (host order), 0 before selection. */
CS_API uint32_t cs_ap_ac_ip(const struct cs_ap *ap);
/* The running software version (changes when an image is adopted). */
CS_API const char *cs_ap_sw_version(const struct cs_ap *ap);
/* Session ID of the current join (16 bytes): 0, or -EINVAL / -ENOENT
 * before the first Join Request (out untouched). */
CS_API int cs_ap_session_id(const struct cs_ap *ap, uint8_t out[16]);

/* "Idle", "Discovery", "Sulking", "DTLS-Setup", "Join", "Image-Data",
 * "Configure", "Data-Check", "Run", "Reset", "DTLS-Teardown"; NULL when out
 * of range. */
CS_API const char *cs_ap_state_name(enum cs_ap_state s);
/* "DiscoveryDelay", "DiscoveryInterval", "SilentInterval", "WaitDTLS",
 * "RetransmitInterval", "EchoInterval", "DataChannelKeepAlive",
 * "DataChannelDeadInterval", "DTLSSessionDelete", "ImageDataStartTimer",
 * "StatisticsTimer", "ReportInterval". */
CS_API const char *cs_ap_timer_name(enum cs_ap_timer t);
/* "state", "msg-sent", "msg-received", "retransmit", "failure", "dropped",
 * "info", "failover". */
CS_API const char *cs_ap_ev_kind_name(enum cs_ap_ev_kind k);

#endif /* CS_AP_H */
