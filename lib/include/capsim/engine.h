/* SPDX-License-Identifier: MIT */
/*
 * The engine binds the sans-I/O roles to the network and libevent loops
 * (DESIGN.md layer "engine"): a population of virtual APs sharing a few
 * sockets (per-datagram source addresses), their DTLS sessions, timer
 * queues, arrival-rate pacing, and optionally the mock WLC, spread over
 * worker threads that each run their own event_base.  The caller's thread
 * keeps its own loop (signals, progress, timeline) and reaches into a
 * running worker only through the functions below, which lock it.
 */
#ifndef CS_ENGINE_H
#define CS_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "capsim/admit.h"
#include "capsim/ap.h"
#include "capsim/common.h"
#include "capsim/diagnose.h"
#include "capsim/hist.h"
#include "capsim/impair.h"
#include "capsim/log.h"
#include "capsim/metrics.h"
#include "capsim/pki.h"
#include "capsim/station.h"
#include "capsim/wlc.h"
#include "capsim/wpa.h"

struct cs_dtls;
struct cs_dtls_ctx;
struct event_base;
struct cs_pki;
struct cs_cred;
struct cs_engine;

#define CS_ENGINE_MAX_WORKERS 64

/* What the probe hook hears of an AP's DTLS session. */
enum cs_engine_dtls_step {
	CS_ENGINE_DTLS_BEGIN,       /* the ClientHello is about to leave */
	CS_ENGINE_DTLS_RETRANSMIT,  /* no answer in time: flight repeated */
	CS_ENGINE_DTLS_ESTABLISHED, /* handshake done (cs_dtls_get_info) */
	CS_ENGINE_DTLS_CLOSED,      /* the peer sent close_notify */
	CS_ENGINE_DTLS_FAILED,      /* handshake failed (cs_dtls_failure) */
	CS_ENGINE_DTLS__COUNT
};

/*
 * The probe hook (`capsim probe`: one AP, every step shown).  Called on
 * the worker thread with the worker locked, before the engine acts on
 * what it reports, so the session and the bytes are valid for the call
 * only.  Every member may be NULL.
 */
struct cs_engine_probe {
	/* the AP sends a datagram: in the clear to dst (is_secure false),
	 * or a control message into its DTLS session (dst is the peer) */
	void (*sent)(void *ctx, enum cs_chan ch, bool is_secure,
	    uint32_t dst_ip, uint16_t dst_port, size_t len,
	    const struct cs_pkt_hint *hint);
	/* a datagram reaches the AP: in the clear, or decrypted */
	void (*received)(void *ctx, enum cs_chan ch, bool is_secure,
	    uint32_t src_ip, uint16_t src_port, const uint8_t *pkt, size_t len);
	/* a step of the AP's DTLS session with its peer */
	void (*dtls)(void *ctx, enum cs_engine_dtls_step step,
	    const struct cs_dtls *s, uint32_t peer_ip, uint16_t peer_port);
	void *ctx;
};

/* One AP group (cs_engine_cfg.ap_groups): several models, certificate
 * kinds or DTLS offers in one run. */
struct cs_engine_ap_group {
	unsigned first, count;           /* AP indexes */
	struct cs_ap_cfg ap;             /* template (identity is per AP) */
	struct cs_dtls_ctx *ap_dtls;     /* client ctx, borrowed */
	enum cs_pki_broken ap_cert_kind; /* how ap_pki makes theirs */
	int64_t ap_clock_skew_s;
};

struct cs_engine_cfg {
	const struct cs_log *log; /* called from worker threads */
	unsigned workers; /* worker threads (0 = 1); AP i on worker i mod N */
	uint64_t seed;    /* every random choice derives from it */
	/* the in-process network (capsim/transport.h; borrowed, must
	 * outlive the engine): the APs, the WLC shards and the NAT bind
	 * endpoints there instead of opening UDP sockets, and every address
	 * counts as local.  NULL: UDP sockets. */
	struct cs_mem_net *net;
	/* the loop the one worker runs on (borrowed, made by
	 * cs_engine_base_new, must outlive the engine; workers must be 0 or
	 * 1): what the caller ran on it before (capsim probe: its DHCP/DNS
	 * discovery) runs on with the engine.  NULL: a loop of its own. */
	struct event_base *base;

	/* --- access points (n_aps == 0: none) --- */
	unsigned n_aps;
	uint32_t ap_base_ip;        /* AP i has ap_base_ip + i */
	uint8_t ap_base_mac[6];     /* AP i has base + i */
	const char *ap_name_prefix; /* AP i is named prefix + %05u of i+1 */
	const char *ap_name;        /* or, with one AP: its name as it is */
	/* shards (issue 17): this process runs the APs ap_index_base ..
	 * ap_index_base + n_aps - 1 of a run of ap_index_total APs (0: just
	 * these).  Names, impairment and timeline selectors, per-AP
	 * randomness, events and the arrival curve use the global index
	 * (base + i), so N shards together behave as the one big run;
	 * ap_base_ip and ap_base_mac stay this process's first AP's (the
	 * caller shifts them by the base), and AP groups are given in global
	 * indexes */
	unsigned ap_index_base;
	unsigned ap_index_total;
	/* template: timers, radios, model, targets (identity is per AP) */
	struct cs_ap_cfg ap;
	struct cs_dtls_ctx *ap_dtls;     /* client ctx, borrowed */
	struct cs_pki *ap_pki;           /* issues one certificate per AP */
	enum cs_pki_broken ap_cert_kind; /* how ap_pki makes them (GOOD) */
	const struct cs_cred *ap_cred;   /* or: one fixed credential for all */
	int64_t ap_clock_skew_s;         /* AP clocks (certificate checks) */
	/* AP groups (optional, borrowed for the engine's life): AP i with
	 * first <= i < first + count takes its group's template, DTLS
	 * context, certificate kind and clock skew instead of the four
	 * fields above (identity stays per AP, from the bases); groups do
	 * not overlap */
	const struct cs_engine_ap_group *ap_groups;
	size_t n_ap_groups;
	double rate;           /* APs started per second; 0 = at once */
	double rate_ramp_s;    /* rate grows linearly from 0 over this time */
	unsigned max_inflight; /* DTLS handshakes in flight at most (split
	                          over the workers); more wait their turn;
	                          0 = no cap */

	/* --- wireless clients behind every AP (issue 14; none when
	 * per_ap is 0).  Split MAC: 802.11 in the AP's CAPWAP data channel,
	 * through the packet path (impairment, captures).  A station starts
	 * once its AP is in Run and has the controller's WLAN (Add WLAN). */
	struct cs_engine_clients {
		unsigned per_ap;       /* stations per AP, 0..65535 */
		uint8_t mac_base[6];   /* client k of global AP g: base +
		                          (g * per_ap + k) * mac_step */
		uint32_t mac_step;     /* 0 = 1 */
		double rate;           /* per AP: stations started per second
		                          once it is in Run; 0 = all at once */
		struct cs_sta_cfg sta; /* template: security, timers, lifetime
		                          (mac, bssid, ssid are per station) */
		bool has_pmk;          /* WPA2-PSK: the PMK of PSK + SSID */
		uint8_t pmk[CS_WPA_PMK_LEN];
	} clients;

	/* --- embedded mock WLC (off unless wlc_enabled) --- */
	bool wlc_enabled;
	struct cs_wlc_cfg wlc;        /* listen_ip, ports, policies */
	uint16_t wlc_port;            /* control port; data = +1; 0 = 5246 */
	struct cs_dtls_ctx *wlc_dtls; /* server ctx, borrowed */
	/* client DHCP relay (wlc.clients with a dhcp_server): a UDP socket
	 * on the first WLAN's gateway address and this port, which is the
	 * server's port too (RFC 2131 §4.1: the server answers a relay on
	 * its own port); 0 = 67 */
	uint16_t wlc_dhcp_port;
	/* service rate: DTLS handshakes the WLC takes on per second at most
	 * (0 = no limit).  A ClientHello with a cookie beyond it waits in a
	 * FIFO (16 384 per worker, then lost), as in the CPU queue of a
	 * busy controller; the AP repeats it meanwhile (RFC 6347 §4.2.4).
	 * Gives tests a controller with a known knee. */
	double wlc_max_hs_rate;
	/* the WLC's overload gate (capsim/wlc_admit.h): when its loop runs
	 * late, new handshakes are admitted at a limited rate, deferred,
	 * then shed, like a real controller's CoPP */
	bool wlc_gate;

	/* --- packet path on the AP side (optional) --- */
	/* impairment rules (capsim/impair.h), copied; every worker runs
	 * them with the same seed, so verdicts depend on the AP only.  Both
	 * directions are impaired where the AP is: AP->WLC before sending,
	 * WLC->AP on arrival. */
	const struct cs_impair_rule *rules;
	size_t n_rules;
	/* source NAT in front of the APs; the engine opens one socket per
	 * external port on nat->ext_ip (alloc callbacks are its own) */
	const struct cs_nat_cfg *nat;
	/* capture tap (borrowed, thread-safe): the wire as the WLC sees it
	 * (AP->WLC after impairment and NAT, WLC->AP as sent), plus every
	 * decrypted control message */
	struct cs_capture *capture;
	/* capture where the APs are instead: what they send (before
	 * impairment and NAT) and what reaches them (after) */
	bool capture_at_ap;
	/* capture at the controller's own sockets instead (`capsim wlc`):
	 * what the WLC received and what it sent, per datagram */
	bool capture_at_wlc;
	/* a second capture at the network's side (borrowed, thread-safe),
	 * beside `capture` at the APs': with the embedded WLC, what the
	 * controller received and sent (AP->WLC after impairment and NAT,
	 * WLC->AP as sent), for `capsim analyze AP --peer WLC`; NULL none */
	struct cs_capture *capture_peer;

	/* --- observers (optional; called from worker threads, with that
	 * worker locked: must be thread-safe among themselves) --- */
	/* ap: the global index (ap_index_base + local) */
	void (*on_ap_event)(void *ctx, unsigned ap, const uint8_t mac[6],
	    const struct cs_ap_event *ev);
	void (*on_wlc_event)(void *ctx, const struct cs_wlc_event *ev);
	void *obs_ctx;
	/* the probe hook (borrowed; with n_aps == 1, for AP 0) */
	const struct cs_engine_probe *probe;
	/* every datagram at the AP's side (as it sent it, as it reached
	 * it), @p wall_us as the captures stamp it; own context */
	void (*on_ap_wire)(void *ctx, unsigned ap, enum cs_dir dir,
	    enum cs_chan ch, uint32_t src_ip, uint16_t src_port,
	    uint32_t dst_ip, uint16_t dst_port, uint64_t wall_us,
	    const uint8_t *pkt, size_t len);
	void *wire_ctx;
};

/* A loop an engine can run on (cfg.base), made with libevent's pthread
 * locking on, so the main thread may stop a worker that runs it.  The
 * caller frees it (event_base_free) after the engine.  NULL: out of
 * memory. */
CS_API struct event_base *cs_engine_base_new(void);
/* Validates cfg, opens the sockets (or binds the endpoints of cfg->net),
 * creates the APs and the WLC.  Errors:
 * -EINVAL (bad cfg; the log says which field), -EADDRNOTAVAIL (AP
 * addresses not local: the log gives the `ip route add local` command),
 * -EADDRINUSE, -ENOMEM. */
CS_API int cs_engine_new(
    struct cs_engine **ret, const struct cs_engine_cfg *cfg);
/* Starts the worker threads: APs (paced) and WLC listeners. */
CS_API int cs_engine_start(struct cs_engine *e);
/* Instead of cs_engine_start: runs every worker's loop once in the
 * calling thread, without waiting (the datagrams and timers that are
 * ready), so a test or fuzzer drives the engine step by step (the first
 * call starts the APs, as the worker threads would).  Time is the real
 * clock still.  @return 0; -EBUSY when the workers were started;
 * -EINVAL. */
CS_API int cs_engine_poll(struct cs_engine *e);
/* Stops every AP gracefully (DTLS close_notify) and pacing, then stops
 * and joins the workers.  Afterwards every reader below sees final
 * values without races. */
CS_API void cs_engine_stop(struct cs_engine *e);
CS_API void cs_engine_free(struct cs_engine *e);

/* Monotonic milliseconds since the engine was created. */
CS_API uint64_t cs_engine_now_ms(const struct cs_engine *e);
CS_API unsigned cs_engine_workers(const struct cs_engine *e);
/* The local port AP idx sends from on channel ch (0 past the end). */
CS_API uint16_t cs_engine_ap_port(
    const struct cs_engine *e, unsigned idx, enum cs_chan ch);
/* APs per state (counts[CS_AP__COUNT]); safe while running. */
CS_API void cs_engine_ap_states(const struct cs_engine *e, unsigned *counts);
/* Metrics merged over the workers (safe while running; the result stays
 * valid until the next call, from the caller's thread only). */
CS_API const struct cs_metrics *cs_engine_metrics(const struct cs_engine *e);
/* The wireless clients' numbers (cfg.clients), all workers merged into
 * *out, which the call initialises (cs_client_metrics_free after it).
 * Same locking rules as cs_engine_metrics.  0, -EINVAL or -ENOMEM. */
/* Every client's facts from its station's side (capsim/diagnose_clients.h)
 * in AP order, for the clients' diagnosis at the end of a run: *out (one
 * allocation, free()) holds *n entries whose names (MACs) live in it too.
 * -EINVAL, -ENOMEM; *n 0 without clients. */
struct cs_client_facts;
CS_API int cs_engine_client_facts(
    const struct cs_engine *e, struct cs_client_facts **out, size_t *n);
struct cs_client_metrics;
CS_API int cs_engine_client_metrics(
    const struct cs_engine *e, struct cs_client_metrics *out);
/* How late timers fired (microseconds), merged over the workers; same
 * rules as cs_engine_metrics. */
CS_API const struct cs_hist *cs_engine_timer_lateness(
    const struct cs_engine *e);
/* capsim's own health (issue 12): what the report needs to tell a
 * controller's limit from the simulator's own. */
struct cs_engine_health {
	struct cs_hist lateness_us; /* timer lateness, merged (owned) */
	struct cs_hist hs_wait_us;  /* waits for a handshake slot (owned) */
	uint64_t rxq_drops;         /* kernel drops on full receive queues
	                               (SO_RXQ_OVFL; known at the next
	                               datagram a socket receives) */
	size_t rcvbuf_bytes;        /* smallest receive buffer granted */
	unsigned hs_active;         /* handshakes in flight now */
	unsigned hs_waiting;        /* APs waiting for a handshake slot */
	uint64_t hs_wait_open_ms;   /* ... the longest wait of those still
	                               waiting when the engine stopped */
	bool hs_queue_own;          /* the slot queue says capsim's own
	                               limit (eng_queue_own) */
	unsigned hs_window;         /* adaptive window now (0: no cap) */
	unsigned hs_window_min;     /* smallest it went */
	uint64_t hs_window_cuts;    /* times it was halved */
	uint64_t hs_window_cuts_by[CS_ADMIT_CAUSE__COUNT]; /* ... and why */
	uint64_t hs_losses;     /* handshake losses seen (they do not cut) */
	uint64_t turns;         /* loop callbacks */
	uint64_t stale_flights; /* an earlier handshake's server flights that
	                           reached a new one, dropped at the AP */
	uint64_t budget_hits;   /* turns that left work for the next */
	uint64_t timers_inline; /* due timers served between two datagrams
	                           of a read turn */
	/* CAPWAP fragments on the live path (RFC 5415 §3.4), both roles */
	uint64_t frag_msgs_split;   /* control messages sent in fragments */
	uint64_t frag_sent;         /* ... as this many fragments */
	uint64_t frag_rcvd;         /* fragments received */
	uint64_t frag_reassembled;  /* messages joined from them */
	uint64_t frag_sets_dropped; /* sets given up (bad, expired, evicted) */
	uint64_t frag_peer_evicted; /* ... evicted: a peer's cap was hit */
	uint64_t frag_cap_drops;    /* fragments refused: a worker's cap */
	uint64_t wlc_hs_deferred;   /* ClientHellos that waited for the WLC's
	                               service rate (wlc_max_hs_rate) */
	uint64_t wlc_hs_overflow;   /* ... lost: its queue was full */
	uint64_t wlc_gate_admitted; /* the WLC's overload gate (wlc_gate): */
	uint64_t wlc_gate_deferred; /* new handshakes admitted, held back, */
	uint64_t wlc_gate_shed;     /* dropped, */
	uint64_t wlc_gate_cuts;     /* times its rate was halved */
	double wlc_gate_rate;       /* its rate now, all workers (0: open) */
	unsigned wlc_hs_queued;     /* new handshakes it holds back now */
	unsigned n_workers;
	double cpu_s[CS_ENGINE_MAX_WORKERS]; /* CPU used per worker thread */
	double cpu_total_s;                  /* the whole process */
};

/* Fills h (call cs_engine_health_free after); safe while running and
 * after cs_engine_stop.  0 or -EINVAL / -ENOMEM. */
CS_API int cs_engine_health(struct cs_engine *e, struct cs_engine_health *h);
/* Whether the engine runs the mock WLC (cfg.wlc_enabled). */
CS_API bool cs_engine_has_wlc(const struct cs_engine *e);
/* Whether the embedded WLC's overload gate is on (cfg.wlc_gate). */
CS_API bool cs_engine_cfg_wlc_gate(const struct cs_engine *e);
CS_API void cs_engine_health_free(struct cs_engine_health *h);

/* Per-AP tracking (NULL past the end); after cs_engine_stop, or under
 * cs_engine_with_worker for the APs of that worker. */
CS_API const struct cs_ap_track *cs_engine_ap_track(
    const struct cs_engine *e, unsigned idx);
/* The embedded WLC's shard on worker k (NULL without one, or past the
 * last worker); touch a running one only under cs_engine_with_worker. */
CS_API struct cs_wlc *cs_engine_wlc_shard(
    const struct cs_engine *e, unsigned k);
/* Runs fn(arg, e, k) with worker k locked (not from an engine callback),
 * then flushes what fn queued and reschedules the worker's timers. */
CS_API void cs_engine_with_worker(struct cs_engine *e, unsigned k,
    void (*fn)(void *arg, struct cs_engine *e, unsigned k), void *arg);
/* --- timeline actions and packet-path state (main thread) --- */
/* Switches impairment rule `id` (order given in cfg.rules) on or off in
 * every worker.  -ENOENT: no such rule. */
CS_API int cs_engine_rule_enable(struct cs_engine *e, unsigned id, bool on);
/* Counters of rule `id` summed over the workers. */
CS_API int cs_engine_rule_stats(
    struct cs_engine *e, unsigned id, struct cs_impair_stats *out);
/* Every datagram between APs and WLC is lost for the next for_ms. */
CS_API void cs_engine_link_down(struct cs_engine *e, uint64_t for_ms);
/* Datagrams lost to link-down windows so far. */
CS_API uint64_t cs_engine_link_lost(struct cs_engine *e);
/* NAT: new external ports for every mapping / forget every mapping;
 * -ENOENT without NAT. */
CS_API int cs_engine_nat_rebind(struct cs_engine *e);
CS_API int cs_engine_nat_expire(struct cs_engine *e);
CS_API int cs_engine_nat_stats(struct cs_engine *e, struct cs_nat_stats *out);
/* Restarts every embedded WLC shard (sessions lost); -ENOENT without. */
CS_API int cs_engine_wlc_restart(struct cs_engine *e);
/* Power-cycles the APs sel() picks (NULL = all; it is given the global
 * index): no close_notify, a new state machine, a new join.  Returns how
 * many. */
CS_API unsigned cs_engine_ap_reboot(struct cs_engine *e,
    bool (*sel)(void *ctx, unsigned ap, const uint8_t mac[6]), void *ctx);
/* The embedded WLC sends the request of `cmd` (capsim/wlc.h) to the APs
 * sel() picks (NULL = all) that are in Run with it; an engine without APs
 * of its own (`capsim wlc`) asks sel() with ap = CS_APSEL_NO_AP and the
 * WTP's MAC.  Returns how many got
 * it, or -ENOENT without an embedded WLC, -ENOMEM; *busy (may be NULL)
 * gets how many were skipped with another AC request outstanding. */
struct cs_wlc_cmd;
CS_API int cs_engine_wlc_command(struct cs_engine *e,
    const struct cs_wlc_cmd *cmd,
    bool (*sel)(void *ctx, unsigned ap, const uint8_t mac[6]), void *ctx,
    unsigned *busy);
/* Diagnosis facts of AP idx (after cs_engine_stop), NULL past the end. */
CS_API const struct cs_ap_facts *cs_engine_ap_facts(
    const struct cs_engine *e, unsigned idx);
/* The live-run diagnosis context: embedded-WLC counters (when there is
 * one) and the AP echo interval. */
CS_API void cs_engine_diag_ctx(struct cs_engine *e, struct cs_diag_ctx *out);

/* Counters of the embedded WLC summed over its shards; -ENOENT without. */
CS_API int cs_engine_wlc_counters(
    struct cs_engine *e, struct cs_wlc_counters *out);
/* Joined WTPs of the embedded WLC, all shards (each under its worker's
 * lock; not from an engine callback); 0 without one. */
CS_API unsigned cs_engine_wlc_active_wtps(struct cs_engine *e);

#endif /* CS_ENGINE_H */
