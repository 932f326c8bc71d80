/* SPDX-License-Identifier: MIT */
/*
 * A wireless client (station) behind a virtual AP, sans-I/O in the style
 * of the AP state machine: 802.11 frames addressed to it, timer expiries
 * and "now" go in; 802.11 frames to send (the AP carries them in CAPWAP
 * data, RFC 5416 §2), timers to arm and events come out through struct
 * cs_sta_io.  The join: open-system Authentication, Association, the L2
 * authentication hook (RSNA/802.1X; open system skips it), DHCP (RFC 2131
 * DISCOVER/OFFER/REQUEST/ACK, renewal at T1), ARP (announcement, the
 * gateway resolved, requests for its own address answered) and an ICMP
 * echo to the gateway; then Run until its lifetime ends with a
 * Disassociation.
 */
#ifndef CS_STATION_H
#define CS_STATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/log.h"

struct cs_sta;

enum cs_sta_state {
	CS_STA_IDLE,
	CS_STA_AUTH,   /* Authentication sent, waiting for the answer */
	CS_STA_ASSOC,  /* Association Request sent */
	CS_STA_L2AUTH, /* the L2 authentication module runs (not open) */
	CS_STA_DHCP,   /* DISCOVER/REQUEST sent (RFC 2131 SELECTING,
	                  REQUESTING) */
	CS_STA_ARP,    /* announced, resolving the gateway */
	CS_STA_PING,   /* echo request to the gateway sent */
	CS_STA_RUN,    /* joined: renews its lease, answers ARP and ping */
	CS_STA_DONE,   /* left (Disassociation sent) */
	CS_STA_FAILED, /* gave up; the failure event says phase and why */
	CS_STA__COUNT
};

/* One slot per timer.  timer_arm re-arms (replacing a pending expiry),
 * timer_cancel of an idle slot is harmless. */
enum cs_sta_timer {
	CS_STA_T_RETRY,    /* the current phase's retransmission */
	CS_STA_T_RENEW,    /* DHCP T1, then the renewal's retransmission */
	CS_STA_T_LEASE,    /* lease expiry */
	CS_STA_T_LIFETIME, /* time to leave */
	CS_STA_T__COUNT
};

enum cs_sta_security {
	CS_STA_OPEN,     /* open system, no L2 authentication */
	CS_STA_WPA2_PSK, /* RSN CCMP/PSK; needs the l2auth hook */
	CS_STA_SECURITY__COUNT
};

enum cs_sta_ev_kind {
	CS_STA_EV_STATE,   /* from -> to; reason = trigger */
	CS_STA_EV_FAILURE, /* phase (from) + reason; value = 802.11 status or
	                      reason code when one caused it, else 0 */
	CS_STA_EV_INFO,    /* notable fact (address, renewal, NAK) */
	CS_STA_EV__COUNT
};

struct cs_sta_event {
	uint64_t t_ms;
	enum cs_sta_ev_kind kind;
	enum cs_sta_state from, to; /* equal except for CS_STA_EV_STATE */
	uint32_t value;
	const char *reason; /* static or owned by the station; valid in the
	                       callback only */
};

struct cs_sta_io {
	/* an 802.11 frame (no FCS) for the AP to carry to the controller */
	int (*send)(void *ctx, const uint8_t *frame, size_t len);
	void (*timer_arm)(void *ctx, enum cs_sta_timer t, uint64_t delay_ms);
	void (*timer_cancel)(void *ctx, enum cs_sta_timer t);
	/* after the transition applied; may be NULL.  cs_sta_free() from
	 * here is deferred until return. */
	void (*event)(void *ctx, const struct cs_sta_event *ev);
	/* seeded randomness: uniform in [0, bound) (bound >= 1) */
	uint32_t (*rand)(void *ctx, uint32_t bound);
	/*
	 * The L2 authentication hook (WPA2-PSK 4-way handshake, later
	 * 802.1X), called on entering L2AUTH with the RSN IE the station
	 * sent in its Association Request and the BSSID.  The module sends
	 * EAPOL through cs_sta_send_eapol(), gets the EAPOL frames received
	 * through l2auth_input, and ends the phase with cs_sta_l2auth_done().
	 * NULL: a station with security other than open fails in l2auth.
	 */
	int (*l2auth_start)(void *ctx, const uint8_t *rsn_ie, size_t rsn_len,
	    const uint8_t *bssid);
	void (*l2auth_input)(void *ctx, const uint8_t *eapol, size_t len);
	void *ctx;
};

/* Configuration; cs_sta_cfg_defaults() fills the timers.  Durations in
 * milliseconds so tests and scenarios can scale them. */
struct cs_sta_cfg {
	uint8_t mac[6];
	uint8_t bssid[6]; /* the AP radio's BSSID for the WLAN */
	char ssid[33];    /* NUL-terminated, 1..32 octets */
	enum cs_sta_security security;
	bool has_ht;              /* send HT Capabilities (an 802.11n client) */
	uint32_t mgmt_timeout_ms; /* Authentication/Association wait 1 s */
	uint32_t mgmt_tries;      /* 3 */
	uint32_t l2auth_timeout_ms; /* the whole L2 phase, 10 s */
	uint32_t dhcp_timeout_ms;   /* first retransmission 4 s, doubling to
	                               64 s (RFC 2131 §4.1) */
	uint32_t dhcp_tries;        /* 4 */
	uint32_t arp_timeout_ms;    /* 1 s */
	uint32_t arp_tries;         /* 3 */
	uint32_t ping_timeout_ms;   /* 1 s */
	uint32_t ping_tries;        /* 3 */
	/* the data-path probe: after the gateway answered the small echo,
	 * an echo request of this many IP bytes (28..1500), up to
	 * ping_tries times; answered or not, the station then goes to Run
	 * and info says which probes passed.  0 = none; else cs_sta_new
	 * refuses a size outside 28..1500 */
	uint16_t large_echo_bytes;
	uint32_t lifetime_ms; /* time in Run before leaving; 0 = stay */
	struct cs_log log;
};

/* Latencies of the join, in ms from cs_sta_start (0 until reached). */
struct cs_sta_info {
	enum cs_sta_state state;
	uint32_t ip, mask, gateway, server_id; /* host order, 0 if none */
	uint32_t lease_s;
	uint8_t gateway_mac[6];
	uint16_t aid;
	uint32_t auth_ms, assoc_ms, l2auth_ms, dhcp_ms, arp_ms, total_ms;
	bool has_l2auth;   /* the L2 phase ran and ended (l2auth_ms may be 0:
	                      under a millisecond) */
	uint32_t renewals; /* leases renewed */
	uint32_t arp_answered;  /* ARP requests for us answered */
	uint32_t echo_answered; /* echo requests to us answered */
	/* its own echo requests to the gateway: the small ones (32 bytes
	 * of data) and the large data-path probes (large_echo_bytes of IP),
	 * sent and answered */
	uint32_t small_echo_sent, small_echo_answered;
	uint32_t large_echo_sent, large_echo_answered;
	uint16_t large_echo_bytes;
	uint32_t retransmits;        /* frames sent again on a timeout */
	uint32_t dropped;            /* frames ignored (malformed, not ours) */
	enum cs_sta_state failed_in; /* phase of the failure, if FAILED */
	uint32_t fail_tries; /* requests sent unanswered in that phase when it
	                        gave up after its tries, else 0 */
	uint32_t fail_value; /* the failure event's value (802.11 status or
	                        reason code), 0 none */
};

CS_API void cs_sta_cfg_defaults(struct cs_sta_cfg *cfg);

/* -EINVAL (NULL, SSID length 0 or > 32, bad security, io without send,
 * timer_arm, timer_cancel or rand), -ENOMEM. */
CS_API int cs_sta_new(struct cs_sta **ret, const struct cs_sta_cfg *cfg,
    const struct cs_sta_io *io);
/* Accepts NULL; deferred when called from a callback of this station. */
CS_API void cs_sta_free(struct cs_sta *sta);

/* Idle -> Auth: sends the Authentication frame.  -EPROTO unless Idle. */
CS_API int cs_sta_start(struct cs_sta *sta, uint64_t now_ms);

/* One 802.11 frame from the AP (the AP passes every frame whose addr1
 * is the station or broadcast).  Malformed or unexpected frames are
 * counted in `dropped` and logged, never fatal.  Returns 0, or
 * -EINVAL on NULL. */
CS_API int cs_sta_input(
    struct cs_sta *sta, const uint8_t *frame, size_t len, uint64_t now_ms);

CS_API void cs_sta_timer_fired(
    struct cs_sta *sta, enum cs_sta_timer t, uint64_t now_ms);

/* Leaves now: Disassociation (reason 8) when associated, then Done. */
CS_API void cs_sta_leave(struct cs_sta *sta, uint64_t now_ms);

/* The L2 authentication module's side of the hook (see cs_sta_io). */
CS_API int cs_sta_send_eapol(
    struct cs_sta *sta, const uint8_t *eapol, size_t len);
/* ok: on to DHCP.  Otherwise the station deauthenticates with `reason`
 * (e.g. 15, 4-way handshake timeout) and fails in l2auth with `why`
 * (copied).  -EPROTO unless in L2AUTH. */
CS_API int cs_sta_l2auth_done(struct cs_sta *sta, bool ok, uint16_t reason,
    const char *why, uint64_t now_ms);

CS_API enum cs_sta_state cs_sta_state(const struct cs_sta *sta);
CS_API void cs_sta_info(const struct cs_sta *sta, struct cs_sta_info *out);

/* "idle", "auth", "assoc", "l2auth", "dhcp", "arp", "ping", "run",
 * "done", "failed"; NULL out of range. */
CS_API const char *cs_sta_state_name(enum cs_sta_state s);
CS_API const char *cs_sta_timer_name(enum cs_sta_timer t);

/* The DHCP retransmission delay before try n (1-based), RFC 2131 §4.1:
 * base * 2^(n-1) capped at 64 s, plus a uniform -1..+1 s jitter from
 * rnd (0..2000) when base >= 2 s. */
CS_API uint32_t cs_sta_dhcp_backoff_ms(
    uint32_t base_ms, uint32_t n, uint32_t rnd);

#endif /* CS_STATION_H */
