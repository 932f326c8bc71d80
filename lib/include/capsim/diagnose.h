/* SPDX-License-Identifier: MIT */
/*
 * Join diagnosis: one engine fed from two sources.  A live run (lib/engine)
 * hands over every datagram seen at the AP side, every decrypted control
 * message and every AP FSM event; `capsim analyze` hands over the datagrams
 * of each AP flow found in a capture.  Both fill the same compact per-AP
 * fact record (struct cs_ap_facts, counters and flags read with the lib/wire
 * decoders: RFC 5415 §4 CAPWAP, RFC 6347 §4 DTLS record layer, RFC 5415
 * §4.4.1 keep-alives), and cs_diagnose() turns the records into one
 * explanation with a stable code, numbers and a hint in an engineer's
 * words.  Pure: no I/O, no clock, safe on hostile bytes.
 */
#ifndef CS_DIAGNOSE_H
#define CS_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/roles.h"

struct cs_ap_event;

/* Diagnosis codes.  The names (cs_diag_code_name) are the words scenario
 * expectations compare with `diagnosis == X`; they never change. */
enum cs_diag_code {
	CS_DIAG_OK,                   /* "ok" */
	CS_DIAG_RETURN_PATH_LOSS,     /* "return-path-loss" */
	CS_DIAG_FORWARD_PATH_LOSS,    /* "forward-path-loss" */
	CS_DIAG_NO_CONTROLLER,        /* "no-controller" */
	CS_DIAG_NAT_NO_RETURN,        /* "nat-no-return": replies to the NAT's
	                                 external address are not translated */
	CS_DIAG_ASYMMETRIC_RETURN,    /* "asymmetric-return": replies come from
	                                 another address than the one asked */
	CS_DIAG_CERT_REJECTED_BY_AP,  /* "cert-rejected-by-ap" */
	CS_DIAG_CERT_REJECTED_BY_WLC, /* "cert-rejected-by-wlc" */
	CS_DIAG_CLOCK_SKEW,           /* "clock-skew" */
	CS_DIAG_MTU_FRAGMENT_LOSS,    /* "mtu-fragment-loss" */
	CS_DIAG_NAT_REBINDING,        /* "nat-rebinding" */
	CS_DIAG_DATA_CHANNEL_BLOCKED, /* "data-channel-blocked" */
	CS_DIAG_JOIN_REJECTED,        /* "join-rejected" */
	CS_DIAG_WLC_CAPACITY,         /* "wlc-capacity" */
	CS_DIAG_DTLS_MISMATCH,        /* "dtls-mismatch" */
	CS_DIAG_OPTION43_WRONG,       /* "option43-wrong" */
	CS_DIAG_WLC_RESTART,          /* "wlc-restart" */
	CS_DIAG_RETURN_PATH_DELAY,    /* "return-path-delay": replies arrive,
	                                 late */
	CS_DIAG_CONTROL_ADDR_UNREACH, /* "control-address-unreachable" */
	CS_DIAG_CONTROLLER_UNRESPONSIVE, /* "controller-unresponsive" (hung) */
	CS_DIAG_ECHO_UNANSWERED,         /* "echo-unanswered" */
	CS_DIAG_DATA_CHANNEL_LATENCY,    /* "data-channel-latency" */
	CS_DIAG_REQUEST_IGNORED,         /* "request-ignored" */
	CS_DIAG_CONTROLLER_OVERLOADED,   /* "controller-overloaded" */
	CS_DIAG_SIM_OVERLOADED,          /* "simulator-overloaded" (capsim) */
	CS_DIAG_LOCAL_SEND_ERROR,        /* "local-send-error" (capsim host) */
	CS_DIAG_RUN_TOO_SHORT,           /* "run-too-short" (capsim run) */
	CS_DIAG_CONTROLLER_FAILOVER,     /* "controller-failover": controller
	                                    lost in Run, AP back in Run on
	                                    another one */
	CS_DIAG_DATA_DTLS_FAILED,        /* "data-dtls-failed": the data
	                                    channel's DTLS failed while the
	                                    control channel's works */
	CS_DIAG_MIXED,                   /* "mixed" (aggregate only) */
	CS_DIAG_INCONCLUSIVE,            /* "inconclusive": evidence missing */
	CS_DIAG__COUNT
};

/* True for the codes that blame capsim itself (its host, its load, its
 * run length), never the network or the controller. */
CS_API bool cs_diag_code_is_self(enum cs_diag_code c);

/* "ok", "return-path-loss", ...; NULL when out of range. */
CS_API const char *cs_diag_code_name(enum cs_diag_code c);
/* Inverse of cs_diag_code_name ("unknown" is accepted for
 * "inconclusive"); -ENOENT for an unknown word. */
CS_API int cs_diag_code_parse(const char *word, enum cs_diag_code *out);

#define CS_FACTS_REASON_LEN 48 /* last failure reason, truncated */
#define CS_FACTS_O43_LEN    32 /* raw option 43 bytes kept */
#define CS_FACTS_CH_SEQ     8  /* ClientHellos awaiting their HVR */
#define CS_FACTS_NONE8      0xffu
#define CS_FACTS_SIZE_CLASSES                                                  \
	6 /* <=128, <=256, <=512, <=1024, <=1400,                              \
	     larger */

/* Saturating 16-bit counters: 65535 means "at least 65535". */
struct cs_ap_facts {
	uint64_t t_first;     /* first fact (ms, caller's clock), 0 = none */
	uint32_t t_last;      /* ms after t_first: last fact */
	uint32_t t_run;       /* ms after t_first: Run last entered */
	uint32_t t_run_lost;  /* ms after t_first: Run last left */
	uint32_t t_last_down; /* ms after t_first: last datagram received */
	uint32_t t_echo_resp; /* ms after t_first: last Echo Response */
	uint32_t t_last_up;   /* ms after t_first: last datagram sent */
	uint32_t run_idle_ms; /* longest gap between AP datagrams in Run */

	/* discovery (clear CAPWAP, RFC 5415 §5) */
	uint16_t disc_req, disc_resp;
	uint16_t disc_req_after_resp; /* requests after a response was seen */
	/* DTLS record layer, RFC 6347 §4.2 */
	uint16_t ch, ch_cookie; /* ClientHello sent: all / with a cookie */
	uint16_t hvr, sh, cert, cert_req, shd, ccs_down, fin_down;
	uint16_t ccs_up, app_up, app_down, dtls_other_down;
	uint16_t alerts_up, alerts_down, malformed_down;
	uint16_t max_up, max_down; /* largest datagram sent / received */
	uint16_t hs_done;          /* handshakes completed */
	/* decrypted CAPWAP control (RFC 5415 §6-§8) */
	uint16_t join_req, join_resp, cfg_req, cfg_resp, cs_req, cs_resp;
	uint16_t echo_req, echo_resp;
	uint16_t echo_streak, echo_streak_max_run; /* unanswered in a row */
	/* data channel keep-alives (RFC 5415 §4.4.1) */
	uint16_t ka_up, ka_down;
	/* Run */
	uint16_t runs, run_lost; /* times Run was entered / left */
	uint16_t other_src;      /* replies from another address */
	uint16_t nat_changes;    /* external mapping changed (live) */
	uint16_t nat_changes_run;

	uint32_t join_rc;    /* last Join Response Result Code */
	uint32_t sent_ip[4]; /* last addresses the AP sent to (0 unused) */
	uint32_t other_ip;   /* last reply source not among sent_ip */
	uint32_t nat_ip;     /* WLC's view of the AP (cs_facts_nat) */
	uint16_t other_port, nat_port;
	uint16_t nat_port2; /* a second mapping (the other channel), 0 none */
	int32_t skew_s;     /* cs_facts_clock_skew, clamped */
	uint8_t sent_next;  /* next sent_ip slot */
	uint8_t nat_next;   /* NAT slot to replace on a change */

	uint8_t alert_up_desc, alert_down_desc; /* last, 0xff = none */
	uint8_t alert_down_level;
	uint8_t dtls_fail;    /* enum cs_dtls_fail, 0 = none */
	uint8_t fail_phase;   /* enum cs_phase, 0xff = none */
	uint8_t cert_seq_set; /* Certificate being tracked */
	uint16_t cert_seq;    /* its message_seq */
	uint32_t cert_len;    /* its total length */
	uint64_t cert_have;   /* 64-chunk coverage bitmap */

	uint8_t o43_len;
	int8_t o43_err; /* option 43: 0 ok, <0 parse error, 1 missing */
	uint8_t o43[CS_FACTS_O43_LEN];

	uint16_t flags; /* CS_FACTS_F_* */
	char reason[CS_FACTS_REASON_LEN];

	/* request -> reply timing (ms): the longest wait from the first
	 * unanswered request to the next reply, per exchange */
	uint32_t disc_delay_max_ms; /* Discovery Request -> Response */
	uint32_t dtls_delay_max_ms; /* ClientHello -> any DTLS back */
	uint32_t ka_delay_max_ms;   /* keep-alive -> keep-alive back */
	uint32_t ctl_delay_max_ms;  /* control request -> its response */
	uint32_t t_disc_pend, t_ch_pend, t_ka_pend, t_ctl_pend; /* ms after
	                        t_first + 1 of the oldest unanswered; 0 none */
	uint32_t t_ka_down;    /* ms after t_first: last keep-alive back */
	uint32_t disc_from_ip; /* source of the last Discovery Response */
	uint32_t ch_to_ip;     /* destination of the last ClientHello */
	/* failover (CS_AP_EV_FAILOVER): the AC of the last Run and of the
	 * one before, the controller lost and the one that took the AP */
	uint32_t run_ac, prev_run_ac, fo_from, fo_to;
	uint16_t failovers;
	/* after Run was last lost (what happens next explains the loss) */
	uint16_t post_disc_req, post_disc_resp, post_ch, post_dtls_down;
	uint16_t post_ka_up, post_ka_down;
	uint16_t ka_up_in_streak;   /* keep-alives sent while Echo Requests
	                               went unanswered (>= 2 in a row) */
	uint16_t ka_down_in_streak; /* keep-alives back in that time */
	uint16_t alerts_down_run;   /* alerts from the WLC while in Run */
	/* the control request the AP keeps retransmitting (RFC 5415 §4.5.1:
	 * requests are odd, their responses type + 1); echoes excluded */
	uint32_t req_type;      /* 0 none */
	uint16_t req_sent;      /* times sent without a response */
	uint8_t req_n_elems;    /* element types kept in req_elems */
	uint8_t req_elems_more; /* more elements than kept */
	uint16_t req_elems[8];  /* its message element types */
	/* local send failures (live: sendto() from the AP's address) */
	uint16_t send_err;
	int16_t send_errno; /* last errno, positive; 0 none */
	/* datagrams by size class (cs_facts_size_class), both ends: what the
	 * AP sent/received, and (live, or a capture at the WLC) what the
	 * controller received/sent for this AP (live: without what was still
	 * delayed on the way to the AP when the run ended: late, not lost) */
	uint16_t ap_tx[CS_FACTS_SIZE_CLASSES], ap_rx[CS_FACTS_SIZE_CLASSES];
	uint16_t wlc_rx[CS_FACTS_SIZE_CLASSES], wlc_tx[CS_FACTS_SIZE_CLASSES];
	uint8_t wlc_side_by_flight; /* wlc_* from a capture: whether a
	                               datagram arrived is known per flight,
	                               not per datagram (no size test) */
	uint8_t cert_head_stall;    /* a server Certificate was left
	                               incomplete although its first fragment
	                               (in a full-size datagram) arrived */
	/* datagrams of the server's flight after its ServerHello
	 * (Certificate, ServerKeyExchange, CertificateRequest,
	 * ServerHelloDone) that got past the point of observation while no
	 * ServerHello of that handshake ever did: the loss picked the
	 * ServerHello, not the flight (live: received by the AP; a capture:
	 * in it, whether or not the AP acted on them).  Not counted once a
	 * Certificate tail came in the attempt: its start, and the
	 * ServerHello with it, went in a bigger datagram (the size readings
	 * decide) */
	uint16_t flight_no_sh;
	/* server handshake messages of an earlier handshake arriving in a
	 * later one: message_seq >= 1 before this attempt's ClientHello with
	 * the cookie went out (RFC 6347 §4.2.2: the server cannot have sent
	 * them for it yet).  Late replies, and why the attempt may fail */
	uint16_t stale_down;
	uint8_t att_ch_cookie; /* ClientHello with cookie sent, attempt */
	uint8_t att_cert_tail; /* Certificate tail without start, attempt */
	/* HelloVerifyRequests matched to the ClientHello they answer by
	 * record sequence number (RFC 6347 §4.2.1: the server MUST send
	 * the HVR with the ClientHello's record sequence number), so each
	 * request -> reply time is known even when the AP retransmitted
	 * meanwhile: late (every match slow) or lost (a later ClientHello
	 * answered, an earlier one never) */
	uint16_t hvr_matched; /* HVRs matched to a ClientHello */
	uint16_t hvr_skipped; /* ClientHellos never answered while a
	                         later one of the session was */
	uint32_t hvr_rtt_min_ms, hvr_rtt_max_ms; /* of the matched */
	/* ClientHellos without cookie of the current DTLS session awaiting
	 * their HVR (ring; a ClientHello with record sequence 0 starts a
	 * session and empties it) */
	uint8_t ch_seq_n;
	uint8_t ch_seq_done; /* bit i: entry i answered or skipped */
	uint16_t ch_seq[CS_FACTS_CH_SEQ];   /* low bits of the record seq */
	uint32_t ch_seq_t[CS_FACTS_CH_SEQ]; /* ms after t_first, sent */
	/* data channel DTLS (RFC 5415 §4.6.1 D): its datagrams on the wire
	 * (any record) and whether the AP gave the session up */
	uint16_t ddtls_up, ddtls_down;
	uint8_t ddtls_fail;
};

#define CS_FACTS_F_JOIN_RC 0x0001u /* join_rc holds a value */
#define CS_FACTS_F_IN_RUN  0x0002u /* in Run at the last fact */
#define CS_FACTS_F_IN_HS   0x0004u /* a DTLS handshake is in progress */
#define CS_FACTS_F_ALERT_PRE_SH                                                \
	0x0008u                       /* alert received before ServerHello     \
	                               */
#define CS_FACTS_F_DTLS_LOCAL 0x0010u /* dtls_fail detected by the AP */
#define CS_FACTS_F_O43        0x0020u /* cs_facts_option43 was called */
#define CS_FACTS_F_NAT        0x0040u /* cs_facts_nat was called */
#define CS_FACTS_F_CERT_DONE  0x0080u /* server Certificate complete */
#define CS_FACTS_F_LIVE       0x0100u /* fed by AP FSM events */
#define CS_FACTS_F_SKEW       0x0200u /* AP clock known to be skewed */
#define CS_FACTS_F_STARTED    0x0400u /* t_first is set */
#define CS_FACTS_F_CERT_STALL                                                  \
	0x0800u                   /* an attempt ended with the server          \
	                             Certificate started, incomplete */
#define CS_FACTS_F_ATT_SH 0x1000u /* ServerHello in this attempt */
#define CS_FACTS_F_ATT_CS 0x2000u /* Change State Response, attempt */
#define CS_FACTS_F_ATT_KA 0x4000u /* keep-alive answered, attempt */
#define CS_FACTS_F_POST   0x8000u /* Run was lost: post_* counting */

/** Size class of a datagram of @p len bytes (index into ap_tx etc.). */
CS_API unsigned cs_facts_size_class(size_t len);
/** Upper bound in bytes of size class @p c (the last: 65535). */
CS_API unsigned cs_facts_size_class_max(unsigned c);

/** Zeroes @p f and sets the "none" markers. */
CS_API void cs_facts_init(struct cs_ap_facts *f);

/**
 * A datagram on the wire, seen at the AP side (@p dir UP: sent by the AP;
 * DOWN: received from the WLC).  Control channel: clear CAPWAP (discovery)
 * or CAPWAP DTLS header + records; data channel: keep-alives (others are
 * only sized).  Hostile bytes are counted as malformed, never trusted.
 */
CS_API void cs_facts_wire(struct cs_ap_facts *f, enum cs_dir dir,
    enum cs_chan ch, const uint8_t *pkt, size_t len, uint64_t now_ms);

/**
 * Same, with the peer address: for UP the destination, for DOWN the source
 * the datagram came from (host order, 0 = unknown).  A reply from another
 * address than the AP last sent to counts as asymmetric return.
 */
CS_API void cs_facts_wire_peer(struct cs_ap_facts *f, enum cs_dir dir,
    enum cs_chan ch, uint32_t peer_ip, uint16_t peer_port, const uint8_t *pkt,
    size_t len, uint64_t now_ms);

/** A decrypted CAPWAP control message starting at its preamble (up: sent
 * by the AP; down: from the WLC).  Fragments count by their first one. */
CS_API void cs_facts_control(struct cs_ap_facts *f, enum cs_dir dir,
    const uint8_t *msg, size_t len, uint64_t now_ms);

/** An AP FSM event (live runs only): state changes, failures. */
CS_API void cs_facts_ap_event(
    struct cs_ap_facts *f, const struct cs_ap_event *ev);

/** The DTLS failure of the AP's session (live runs; enum cs_dtls_fail
 * @p code, @p local true when the AP detected it, @p alert sent or
 * received or -1, @p reason may be NULL). */
CS_API void cs_facts_dtls_fail(struct cs_ap_facts *f, int code, bool local,
    int alert, const char *reason, uint64_t now_ms);

/** A data channel packet inside the AP's data channel DTLS session (up:
 * sent by the AP; down: from the WLC): keep-alives count as on the clear
 * data channel. */
CS_API void cs_facts_data_secure(struct cs_ap_facts *f, enum cs_dir dir,
    const uint8_t *pkt, size_t len, uint64_t now_ms);
/** The AP gave its data channel DTLS session up (live runs). */
CS_API void cs_facts_data_dtls_fail(struct cs_ap_facts *f);

/** The address the WLC sees for this AP after NAT (live runs; host
 * order), for either channel: two mappings are kept (control and data),
 * and a translation matching neither is a change.  A change while in Run
 * is the rebinding signature. */
CS_API void cs_facts_nat(
    struct cs_ap_facts *f, uint32_t ext_ip, uint16_t ext_port);

/** DHCP option 43 as the AP received it: @p raw NULL (or len 0) = missing;
 * @p parse_err 0 when it decoded to at least one controller. */
CS_API void cs_facts_option43(
    struct cs_ap_facts *f, const uint8_t *raw, size_t len, int parse_err);

/** The AP's clock is known to be off by @p skew_s seconds (scenario). */
CS_API void cs_facts_clock_skew(struct cs_ap_facts *f, int64_t skew_s);

/** A datagram the AP tried to send failed locally (sendto() returned
 * @p err, a positive errno): nothing left the host. */
CS_API void cs_facts_send_error(
    struct cs_ap_facts *f, int err, uint64_t now_ms);

/** A datagram the controller sent this AP that was still on its way when
 * the run ended (live: held by a delay impairment): delayed, not lost, so
 * it is taken back out of wlc_tx (never below 0). */
CS_API void cs_facts_wlc_in_flight(struct cs_ap_facts *f, size_t len);

/** A datagram seen at the controller's end for this AP (live: the
 * embedded WLC; @p dir UP: the WLC received it, DOWN: the WLC sent it).
 * Only sized: with the AP's own counts it shows which sizes are lost. */
CS_API void cs_facts_wlc_side(
    struct cs_ap_facts *f, enum cs_dir dir, size_t len);

/* capsim's own health during the run (live runs).  All fields may stay
 * zero ("not measured"); has_* says what was measured. */
#define CS_SELF_ERRNOS 4
struct cs_self_health {
	bool has_lateness;        /* lateness_* measured */
	uint32_t lateness_p99_ms; /* event-loop timer lateness */
	uint32_t lateness_max_ms;
	bool has_rxq;         /* rxq_drops measured (SO_RXQ_OVFL) */
	uint64_t rxq_drops;   /* datagrams the kernel dropped on full
	                         receive queues */
	uint64_t send_errors; /* sendto() failures, all errnos */
	struct {
		int err; /* positive errno, 0 = unused slot */
		uint64_t count;
	} send_errno[CS_SELF_ERRNOS];
	bool has_hs_queue;             /* hs_queue_wait_max_ms measured */
	uint32_t hs_queue_wait_max_ms; /* longest wait for a handshake slot */
	uint32_t wait_dtls_ms;         /* the APs' WaitDTLS (0: 60 000) */
	uint64_t run_ms;               /* how long the run lasted, 0 unknown */
	uint32_t discovery_window_ms;  /* by when every AP has sent its first
	                                  Discovery Request (start delay) */
	int route_err;                 /* pre-run probe from an AP address to
	                                  the WLC: positive errno, 0 ok/none */
	char route_detail[64];         /* "from 127.3.4.10 to 198.18.99.99" */
};

/** Adds one failed sendto() with @p err (positive errno) to @p h. */
CS_API void cs_self_send_error(struct cs_self_health *h, int err);

/* The controller's handshake latency against the load offered to it
 * (live runs): completed handshakes grouped by the handshakes in flight
 * when each began (powers of two); the lowest and the highest group with
 * CS_DIAG_LOAD_MIN_N handshakes or more, at least 4x apart. */
#define CS_DIAG_LOAD_MIN_N 4
struct cs_diag_load {
	bool has;             /* two such groups exist */
	uint32_t lo_inflight; /* in flight: lowest group's lower edge */
	uint32_t hi_inflight; /* ... highest group's */
	uint32_t lo_p50_ms;   /* median handshake latency in each */
	uint32_t hi_p50_ms;
	uint64_t lo_n, hi_n; /* handshakes in each */
};

/* Optional context.  All fields may stay zero. */
struct cs_diag_ctx {
	bool live;       /* facts come from a live run */
	bool wlc_known;  /* the wlc_* counters below are meaningful */
	uint32_t wlc_ip; /* the controller's address (host order), 0 unknown */
	uint64_t wlc_disc_req;     /* Discovery Requests the WLC received */
	uint64_t wlc_client_hello; /* ClientHellos the WLC received */
	uint64_t wlc_hs_done;      /* handshakes the WLC completed */
	uint64_t wlc_join_req;     /* Join Requests the WLC received */
	unsigned wlc_restarts;     /* WLC restarts during the run */
	uint32_t echo_interval_ms; /* 0: 30 000 (RFC 5415 §4.7.7) */
	uint32_t simultaneous_ms;  /* Run losses this close are "at once";
	                              0: 3 x echo interval */
	uint32_t ka_interval_ms;   /* data keep-alive interval, 0: 30 000 */
	bool has_self;             /* self below is meaningful (live) */
	struct cs_self_health self;
	struct cs_diag_load load; /* handshake latency vs. load (live) */
};

enum cs_diag_conf {
	CS_DIAG_CONF_LOW,
	CS_DIAG_CONF_MEDIUM,
	CS_DIAG_CONF_HIGH
};

/** "low", "medium", "high"; NULL when out of range. */
CS_API const char *cs_diag_conf_name(enum cs_diag_conf c);

/* Aggregate diagnosis. */
struct cs_diagnosis {
	const char *code; /* cs_diag_code_name(primary) */
	enum cs_diag_code primary;
	char *summary;                  /* owned; what happened, with numbers */
	char *hint;                     /* owned; what to check */
	unsigned aps;                   /* APs looked at */
	unsigned aps_affected;          /* APs not "ok" */
	unsigned count[CS_DIAG__COUNT]; /* APs per code */
	enum cs_diag_conf confidence;   /* of primary */
	char *evidence;                 /* owned; what decided primary */
	/* per code with count[c] > 0: the APs (indices into the aps[]
	 * given to cs_diagnose, ascending), the confidence and the evidence
	 * (owned) */
	size_t *ap_idx[CS_DIAG__COUNT];
	enum cs_diag_conf conf[CS_DIAG__COUNT];
	char *cause_evidence[CS_DIAG__COUNT];
	bool self_bad;   /* capsim's own health limited the run */
	char *self_text; /* owned; what was wrong with capsim, or NULL */
};

/**
 * Compresses AP names into ranges: names that share a prefix and end in
 * a run of consecutive numbers of the same width become "prefix01..05"
 * (capsim-ap-00001..00006,capsim-ap-00009).  At most @p max_items items
 * are written, then ",... (N more)".  Always NUL-terminates (len > 0).
 * @return the length the full text needs (like snprintf), or -EINVAL.
 */
CS_API int cs_diag_names_compress(const char *const *names, size_t n,
    size_t max_items, char *buf, size_t len);

/*
 * Per-AP rules, first match wins:
 *  1. Join succeeded, >= 2 keep-alives sent, none answered
 *     -> data-channel-blocked
 *  2. Run lost: NAT mapping changed in Run -> nat-rebinding; otherwise
 *     wlc-restart when ctx->wlc_restarts, else nat-rebinding (the
 *     aggregate turns simultaneous losses into wlc-restart)
 *  3. in Run -> ok
 *  4. option 43 missing / undecodable / not naming ctx->wlc_ip, and no
 *     Discovery Response -> option43-wrong
 *  5. Join Result Code not 0/2: 4 -> wlc-capacity, else join-rejected
 *  6. DTLS failure (cs_facts_dtls_fail) or alert on the wire:
 *     version / no shared cipher, protocol_version, insufficient_security,
 *     handshake_failure before ServerHello -> dtls-mismatch;
 *     AP found not-yet-valid, or expired / bad_certificate with the clock
 *     known skewed -> clock-skew; other certificate failure found by the
 *     AP -> cert-rejected-by-ap; by the WLC (alert received) ->
 *     cert-rejected-by-wlc
 *  7. replies from an address the AP never sent to -> asymmetric-return
 *  8. DTLS not finished: >= 2 ClientHellos and nothing DTLS back ->
 *     forward-path-loss when the WLC is known to have seen no ClientHello,
 *     else return-path-loss; ServerHello but no complete Certificate,
 *     cookie exchange then nothing (>= 2 ClientHellos with cookie), or the
 *     server flight repeated without ChangeCipherSpec (no alerts) ->
 *     mtu-fragment-loss
 *  9. >= 2 Discovery Requests, no response: NAT in use (and the WLC saw
 *     requests or is unknown) -> nat-no-return; WLC known: saw them ->
 *     return-path-loss, did not -> forward-path-loss; else no-controller
 * 10. encrypted traffic both ways after a handshake, no failure -> ok
 * 11. unknown
 *
 * Aggregate: Run losses of >= 2 APs without NAT evidence, at least half
 * of the APs that reached Run, within ctx->simultaneous_ms of each other
 * -> wlc-restart.  No affected AP, or only undecided ones and at most 5 %
 * of all -> ok; one cause for >= 80 % of the APs with a known cause ->
 * that cause; else mixed.
 */

/**
 * Classifies each AP, then aggregates (rules above): no affected AP (or
 * only a few still-undecided ones) -> ok; one cause for (nearly) every
 * affected AP -> that cause; several -> mixed, listed in the summary.
 * @param aps  n pointers (NULL entries are skipped); @p ctx may be NULL.
 * @return 0, -EINVAL (NULL out, or aps NULL with n > 0), -ENOMEM (out
 *         untouched).  Free with cs_diagnosis_free().
 */
CS_API int cs_diagnose(const struct cs_ap_facts *const *aps, size_t n,
    const struct cs_diag_ctx *ctx, struct cs_diagnosis *out);

/** Frees the strings; safe on a zeroed struct. */
CS_API void cs_diagnosis_free(struct cs_diagnosis *d);

/**
 * One AP: its code and a one-line explanation ("return-path-loss:
 * ClientHello sent 6 times, nothing came back") into @p buf (always
 * NUL-terminated when @p len > 0; truncated to fit).  @p ctx may be NULL.
 * Codes that need all APs (wlc-restart) come out of cs_diagnose() only;
 * here a lost Run without NAT evidence is nat-rebinding.
 */
CS_API enum cs_diag_code cs_diagnose_ap(const struct cs_ap_facts *f,
    const struct cs_diag_ctx *ctx, char *buf, size_t len);

#endif /* CS_DIAGNOSE_H */
