/* SPDX-License-Identifier: MIT */
/*
 * Internals of the AP state machine shared by the lib/ap sources and the unit
 * tests: the object, the FSM event vocabulary, the pure timing and
 * controller-selection functions, and the message builders.
 */
#ifndef CS_AP_INTERNAL_H
#define CS_AP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/ap.h"
#include "capsim/capwap.h"
#include "wlc/wlc_md5.h"

struct cs_wr;
struct cs_msg;

/* Inputs of the FSM (STYLE G8): timer expiries enter exactly like
 * received messages. */
enum cs_ap_fsm_ev {
	CS_AP_E_START,   /* cs_ap_start() */
	CS_AP_E_RESTART, /* internal: leave a transient state (Idle, Reset) */
	CS_AP_E_T_DISCOVERY_DELAY,
	CS_AP_E_T_DISCOVERY_INTERVAL,
	CS_AP_E_T_SILENT,
	CS_AP_E_T_WAIT_DTLS,
	CS_AP_E_T_RETRANSMIT,
	CS_AP_E_T_ECHO,
	CS_AP_E_T_KEEPALIVE,
	CS_AP_E_T_DATA_DEAD,
	CS_AP_E_T_SESSION_DELETE,
	CS_AP_E_T_IMAGE_DATA_START,
	CS_AP_E_DTLS_OK,
	CS_AP_E_DTLS_FAIL,
	CS_AP_E_DTLS_SENT, /* a queued session's ClientHello left */
	CS_AP_E_DISCOVERY_RESP,
	CS_AP_E_JOIN_RESP,
	CS_AP_E_CONFIG_STATUS_RESP,
	CS_AP_E_CHANGE_STATE_RESP,
	CS_AP_E_ECHO_RESP,
	CS_AP_E_IMAGE_DATA_RESP,
	CS_AP_E_OTHER_RESP, /* a response we accept but do not act on */
	CS_AP_E_IMAGE_DATA_REQ,
	CS_AP_E_RESET_REQ,
	CS_AP_E_AC_REQ, /* any other request from the AC */
	CS_AP_E_KEEPALIVE,
	CS_AP_E_T_STATISTICS,     /* StatisticsTimer (ap_run.c) */
	CS_AP_E_T_DECRYPT_REPORT, /* ReportInterval (ap_run.c) */
	CS_AP_E_DATA_DTLS_OK,     /* data channel DTLS up (ap_ddtls.c) */
	CS_AP_E_DATA_DTLS_FAIL,   /* ... failed or lost */
	CS_AP_E__COUNT
};

const char *cs_ap_fsm_ev_name(enum cs_ap_fsm_ev ev);

/* One Discovery Response kept for controller selection. */
struct cs_ap_cand {
	uint32_t responder;   /* source address of the response */
	uint32_t ctrl_ip;     /* Control IPv4 Address with the fewest WTPs */
	uint16_t ctrl_wtps;   /* its WTP Count */
	uint16_t active_wtps; /* AC Descriptor */
	uint16_t max_wtps;
	uint8_t primed_rank; /* 1 primary, 2 secondary, 3 tertiary, 0 none */
	uint8_t order;       /* arrival order */
	/* AC Descriptor software version a.b.c.d as a.b.c.d bytes, big
	 * endian; 0 = not given (0.0.0.0 is no real version) */
	uint32_t ac_sw;
};

/* What came with an FSM event. */
struct cs_ap_in {
	const struct cs_msg *msg; /* decoded message, or NULL */
	uint32_t src_ip;
	const struct cs_dtls_outcome *dtls;
};

/* Reports a WTP Event Request carries (RFC 5415 §9.4), bit per kind. */
#define CS_AP_RPT_STATS   0x01u /* WTP Radio Statistics + 802.11 Stats */
#define CS_AP_RPT_DECRYPT 0x02u /* Decryption Error Report */
#define CS_AP_RPT_DUP_IP  0x04u /* Duplicate IPv4 Address */
#define CS_AP_RPT_DEL_STA 0x08u /* Delete Station */
#define CS_AP_RPT_REBOOT  0x10u /* WTP Reboot Statistics */

#define CS_AP_MAX_DEL_STA 16 /* Delete Station elements per event */
#define CS_AP_MAX_DECRYPT                                                      \
	8                  /* stations per radio per Decryption Error          \
	                      Report (more are counted, not named) */
#define CS_AP_DT_CHUNK 512 /* Data Transfer Data bytes per request */

/* Run-state behaviour (ap_run.c): periodic reports, what the AC set by
 * Configuration Update Request, and the counters RFC 5415 §4.9 says a WTP
 * keeps in non-volatile memory (they survive Reset and rejoin). */
struct cs_ap_run {
	/* saved across resets, §4.9.1/§4.9.3/§4.9.6/§4.9.8 */
	struct cs_el_reboot_stats reboot;
	struct cs_el_radio_stats radio[CS_AP_MAX_RADIOS];
	/* reports due, CS_AP_RPT_*; `sending` is in the outstanding
	 * request */
	uint32_t due, sending;
	uint16_t report_interval_s; /* smallest Decryption Error Report
	                               Period, 0 = never set */
	/* decryption errors since the last report (radio index, MACs) */
	uint8_t n_decrypt[CS_AP_MAX_RADIOS];
	uint8_t decrypt_mac[CS_AP_MAX_RADIOS][CS_AP_MAX_DECRYPT][6];
	uint8_t n_del_sta;
	struct cs_el_delete_station del_sta[CS_AP_MAX_DEL_STA];
	bool dup_detected; /* status to report */
	uint8_t dup_mac[6];
	/* 802.11 counters per radio (RFC 5416 §6.16), fed by whatever
	 * carries 802.11 frames; capsim's own APs move none yet */
	uint32_t wlan[CS_AP_MAX_RADIOS][CS_80211_ST__COUNT];
	/* AC settings from Configuration Update Requests (§8.4) */
	uint8_t admin[CS_AP_MAX_RADIOS]; /* CS_ADMIN_*, 0 = default */
	uint8_t n_ac_prio;
	uint8_t ac_prio[CS_AP_MAX_TARGETS];
	char *ac_prio_name[CS_AP_MAX_TARGETS];
	struct cs_el_static_ip_info static_ip;
	bool has_static_ip;
	char *staged_image; /* Image Identifier to run after reset */
	uint32_t config_updates;
	/* Data Transfer (§9.6) upload in progress */
	uint8_t dt_mode; /* CS_DT_MODE_*, 0 = none */
	uint8_t *dt_data;
	size_t dt_len, dt_off;
	bool dt_eof_sent;
	/* counters for reports */
	uint32_t events_sent, events_answered, dt_sent;
};

/* An image download under way (RFC 5415 §9.1): what the controller's
 * Image Information promised and what has arrived (ap_image.c). */
struct cs_ap_image {
	bool has_info;   /* Image Information received */
	bool in_run;     /* a pre-download in Run */
	bool got_block;  /* the first block arrived */
	uint32_t size;   /* File Size */
	uint8_t md5[16]; /* Hash */
	uint32_t got;    /* bytes received */
	struct cs_wlc_md5 md;
	char *stored;  /* pre-downloaded image, runs at the next Reset */
	bool want_run; /* pre-download to start in Run */
};

/* Losing the controller in Run and coming back (ap_failover.c). */
struct cs_ap_fo {
	uint64_t last_good_ms; /* last Echo Response (or Run entry) */
	uint64_t lost_at_ms;   /* last_good_ms when the loss was seen */
	uint32_t lost_ac;      /* the AC that was lost */
	bool is_lost;          /* lost in Run, not back in Run yet */
	/* skip_discovery: cfg.targets[] index joined next; a full round
	 * without reaching Run sends the AP to Discovery once */
	uint8_t next;
	uint8_t tries; /* failed attempts since the loss, this round */
	bool want_discovery;
};

struct cs_ap {
	struct cs_ap_cfg cfg; /* string members point into strs */
	char *strs;           /* one allocation with the copied strings */
	char *sw_version;     /* running image (replaced on adopt) */
	char *ac_name;        /* AC Name from the Join Response */
	struct cs_ap_io io;
	struct cs_ap_stats stats;
	uint64_t now_ms;
	enum cs_ap_state state;
	enum cs_phase fail_phase; /* phase reported in Reset/Teardown */
	uint16_t armed;           /* bit per enum cs_ap_timer */

	/* Discovery (per state, reset on entry) */
	uint32_t discovery_count;
	uint8_t disc_seq;
	uint8_t answered; /* bit per cfg.targets[] index */
	bool collecting;  /* DiscoveryInterval window after a response */
	uint8_t n_cands;
	struct cs_ap_cand cands[CS_AP_MAX_CANDS];

	uint32_t ac_ip;
	uint32_t failed_dtls; /* FailedDTLSSessionCount */
	bool td_graceful;

	/* the one outstanding request (RFC 5415 §4.5.3) */
	uint8_t *req; /* NULL when nothing is outstanding */
	uint16_t req_len;
	uint8_t req_seq;
	uint8_t rtx; /* retransmissions done */
	uint32_t req_type;
	uint64_t req_sent_ms;
	uint8_t next_seq;

	/* last request from the AC and our answer (RFC 5415 §4.5.3) */
	bool has_last_ac;
	bool dtls_queued; /* the glue holds the session for a slot */
	uint8_t last_ac_seq;
	uint32_t last_ac_type;
	uint32_t last_ac_result;

	uint8_t session_id[16];
	bool has_session;
	/* data channel DTLS (ap_ddtls.c): chosen at Join, up once the glue
	 * said so */
	bool use_data_dtls;
	bool data_dtls_up;
	bool image_started; /* Image Data Response (success) received */
	char *image_id;     /* version being downloaded */
	struct cs_ap_image img;

	/* Cisco: Primary Discovery Request in Run (capwap-facts §1.9) */
	uint8_t pd_seq;
	bool pd_sent;

	struct cs_ap_run run;
	struct cs_ap_fo fo;

	bool started;
	bool is_dead;  /* cs_ap_free() called inside a callback */
	unsigned busy; /* nesting depth of public entry points */
	bool has_pending;
	enum cs_ap_fsm_ev pending;
};

/* ---- pure timing functions (unit-tested) ---- */

/* Delay before the (n+1)-th transmission of a request after n
 * retransmissions: RetransmitInterval doubled per retransmit (RFC 5415
 * §4.5.3), optionally capped at half EchoInterval; saturates. */
uint64_t cs_ap_rtx_delay_ms(const struct cs_ap_cfg *cfg, unsigned n);
/* Time until the next Discovery Request: `rnd` (a draw in
 * [0, MaxDiscoveryInterval)) before the first, DiscoveryInterval after
 * (RFC 5415 §3.3, §2.3.1). */
uint64_t cs_ap_discovery_delay_ms(
    const struct cs_ap_cfg *cfg, uint32_t sent, uint32_t rnd);
/* RFC 5415 §4.5.3: s1 is older than s2 modulo 256. */
bool cs_ap_seq_older(uint8_t s1, uint8_t s2);
/* Controller choice (capwap-facts §4.4, RFC 5415 §6.1): primed rank first,
 * then the greatest spare capacity (Max - Active WTPs), then arrival.
 * Index into c[], or -1 for n == 0. */
int cs_ap_select(const struct cs_ap_cand *c, unsigned n);

/* ---- message builders (ap_msg.c); each writes one whole message ---- */
void cs_ap_build_discovery_req(
    const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq);
void cs_ap_build_join_req(
    const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq);
void cs_ap_build_config_status_req(
    const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq);
void cs_ap_build_change_state_req(
    const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq);
/* Primary Discovery Request (19): the Discovery Request set. */
void cs_ap_build_primary_discovery_req(
    const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq);
/* True when the AP speaks Cisco's encodings (a Cisco profile). */
bool cs_ap_is_cisco(const struct cs_ap *ap);
void cs_ap_build_echo_req(
    const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq);
void cs_ap_build_image_data_req(
    const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq);
/* Response `type` with a Result Code, plus a Returned Message Element for
 * `returned` (the TLV as received, NULL for none). */
void cs_ap_build_result_resp(struct cs_wr *wr, uint32_t type, uint8_t seq,
    uint32_t code, const uint8_t *returned, size_t returned_len);
/* Data Channel Keep-Alive (RFC 5415 §4.4.1). */
void cs_ap_build_keepalive(const struct cs_ap *ap, struct cs_wr *wr);
/* Checks a received keep-alive: 0 when it carries our Session ID,
 * -EBADMSG when malformed, -EPROTO for another session. */
int cs_ap_check_keepalive(
    const struct cs_ap *ap, const uint8_t *pkt, size_t len);

/* ---- Run state (ap_run.c) ---- */
typedef void cs_ap_build_fn(
    const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq);
void cs_ap_run_free(struct cs_ap *ap);
/* Entry into Run: StatisticsTimer and ReportInterval start. */
void cs_ap_run_enter(struct cs_ap *ap);
/* Leaving Run for `to` (link failures are counted, RFC 5415 §4.6.47). */
void cs_ap_run_leave(struct cs_ap *ap, enum cs_ap_state to);
/* The Configuration Status Response set the report periods (§4.6.18). */
void cs_ap_run_config_status(struct cs_ap *ap, const struct cs_msg *m);
/* A Run timer event (CS_AP_E_T_STATISTICS, CS_AP_E_T_DECRYPT_REPORT). */
void cs_ap_run_timer(struct cs_ap *ap, enum cs_ap_fsm_ev ev);
/* A response to one of our Run requests arrived (the request slot is
 * free again); sends what is due next. */
void cs_ap_run_response(struct cs_ap *ap, const struct cs_msg *m);
/* Sends the next due report when no request is outstanding. */
void cs_ap_run_kick(struct cs_ap *ap);
/* Configuration Update, Clear Configuration and Data Transfer Requests
 * from the AC: applies them and returns the Result Code to answer. */
uint32_t cs_ap_run_ac_request(struct cs_ap *ap, const struct cs_msg *m);
/* A Reset Request is being obeyed (AC-initiated reboot, §4.6.47). */
void cs_ap_run_reset(struct cs_ap *ap);
/* Things the AP observed, reported in the next WTP Event Request. */
int cs_ap_run_note_decrypt_error(
    struct cs_ap *ap, uint8_t radio_idx, const uint8_t mac[6]);
int cs_ap_run_note_station_deleted(
    struct cs_ap *ap, uint8_t radio_idx, const uint8_t mac[6]);
int cs_ap_run_note_duplicate_ip(
    struct cs_ap *ap, bool detected, const uint8_t mac[6]);
/* Builders used by ap_run.c (ap_msg.c). */
void cs_ap_build_wtp_event_req(
    const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq);
void cs_ap_build_data_transfer_req(
    const struct cs_ap *ap, struct cs_wr *wr, uint8_t seq);
/* Radio ID of radio index i (profile's first id + i). */
uint8_t cs_ap_radio_id(const struct cs_ap *ap, uint8_t i);

/* ---- failover (ap_failover.c) ---- */
/* Primed rank (1 primary, 2 secondary, 3 tertiary, 0 none) of the AC
 * that answered from `responder` with `name`: the names the controller
 * set (AC Name with Priority, RFC 5415 §4.6.5) first, then cfg.primed[],
 * then cfg.primed_ip[] (responder or its Control IPv4 Address). */
uint8_t cs_ap_fo_rank(const struct cs_ap *ap, const struct cs_str *name,
    uint32_t responder, uint32_t ctrl_ip);
/* An Echo Response (or Run entry): the controller is alive now. */
void cs_ap_fo_alive(struct cs_ap *ap);
/* Run is left on a failure (`why`): the controller is lost. */
void cs_ap_fo_lost(struct cs_ap *ap, const char *why);
/* A join attempt failed while failing over (skip_discovery: the next
 * primed controller). */
void cs_ap_fo_attempt_failed(struct cs_ap *ap);
/* Run entered: a failover completes (CS_AP_EV_FAILOVER). */
void cs_ap_fo_in_run(struct cs_ap *ap);
/* Idle with skip_discovery: the AC to join next, or 0 to run Discovery
 * (a whole round of primed controllers failed). */
uint32_t cs_ap_fo_next_ac(struct cs_ap *ap);
/* Join/Configuration Status Response: AC IPv4 List (§4.6.2) addresses
 * become Discovery targets. */
void cs_ap_fo_learn_list(struct cs_ap *ap, const struct cs_msg *m);
/* A Configuration Update set AC Name with Priority: reported once. */
void cs_ap_fo_learned_names(struct cs_ap *ap);
/* ---- data channel DTLS (ap_ddtls.c) ---- */
/* Chooses clear or DTLS data from the Join Response's AC Descriptor:
 * 0, or -EPROTO with why[] saying what the AP cannot abide by. */
int cs_ap_ddtls_choose(
    struct cs_ap *ap, const struct cs_msg *m, char *why, size_t why_len);

/* ---- FSM (ap_fsm.c) ---- */
/* Sends a request over DTLS and keeps it for retransmission (the one
 * outstanding request, RFC 5415 §4.5.3). */
int cs_ap_request(struct cs_ap *ap, uint32_t type, cs_ap_build_fn *build);
void cs_ap_arm(struct cs_ap *ap, enum cs_ap_timer t, uint64_t delay_ms);
void cs_ap_fsm(
    struct cs_ap *ap, enum cs_ap_fsm_ev ev, const struct cs_ap_in *in);
/* Runs posted internal events until none is left. */
void cs_ap_run_pending(struct cs_ap *ap);
/* Input demultiplexers (ap_fsm.c). */
int cs_ap_rx_secure(struct cs_ap *ap, const uint8_t *pkt, size_t len);
int cs_ap_rx_clear(struct cs_ap *ap, enum cs_chan ch, uint32_t src_ip,
    const uint8_t *pkt, size_t len);
/* Emits an event (kind, current state) unless the AP is dead. */
void cs_ap_emit(struct cs_ap *ap, enum cs_ap_ev_kind kind, uint32_t msg_type,
    uint8_t seq, uint32_t value, const char *reason);
enum cs_phase cs_ap_phase_of(const struct cs_ap *ap, enum cs_ap_state s);

/* ap_image.c: the WTP's side of an image download (RFC 5415 §9.1) */
/* Image Data state entered: a new download, nothing known yet. */
void cs_ap_image_start(struct cs_ap *ap);
/* The Image Data Response to our Initiate Download: 0 and its Image
 * Information kept, or -EBADMSG/-EPROTO with why (the controller refused,
 * or sent nothing to check the image against). */
int cs_ap_image_accepted(
    struct cs_ap *ap, const struct cs_msg *m, char *why, size_t cap);
/* One Image Data block (type data or EOF): the Result Code to answer
 * (§4.6.35: 14 checksum, 15 length, 18 unexpected); *done when EOF came
 * and length and MD5 match Image Information; why on failure. */
uint32_t cs_ap_image_block(struct cs_ap *ap, const struct cs_el_image_data *d,
    bool *done, char *why, size_t cap);
/* Pre-download: take image_id (owned) to fetch once in Run. */
void cs_ap_image_want(struct cs_ap *ap, char *image_id);
/* In Run with nothing outstanding: sends the pre-download's Image Data
 * Request if one is due; true when it did. */
bool cs_ap_image_kick(struct cs_ap *ap);
/* In Run: the controller's answer to it, its Image Data Requests (the
 * Result Code to answer), and ImageDataStartTimer. */
void cs_ap_image_run_resp(struct cs_ap *ap, const struct cs_msg *m);
uint32_t cs_ap_image_run_req(struct cs_ap *ap, const struct cs_msg *m);
void cs_ap_image_run_timeout(struct cs_ap *ap);

#endif /* CS_AP_INTERNAL_H */
