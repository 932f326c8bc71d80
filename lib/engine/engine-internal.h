/* SPDX-License-Identifier: MIT */
/*
 * Engine-private types and functions shared by the files of lib/engine
 * that make up the engine (engine.c, worker.c, ap_side.c, wlc_side.c,
 * packet_path.c); see engine.c for the threading and ownership model.
 * Not installed, not part of the API.
 */
#ifndef CS_ENGINE_INTERNAL_H
#define CS_ENGINE_INTERNAL_H

#include <event2/event.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "capsim/admit.h"
#include "capsim/client_metrics.h"
#include "capsim/diagnose.h"
#include "capsim/engine.h"
#include "capsim/impair.h"
#include "capsim/timerq.h"
#include "capsim/transport.h"
#include "capsim/udp.h"
#include "capsim/wlc_admit.h"

struct cs_dtls_ctx;
struct cs_path;
struct cs_dtls_io;

#define ENG_RX_BATCH     32
#define ENG_RX_BUDGET    8    /* batches per wakeup (STYLE G9) */
#define ENG_MAX_DGRAM    9216 /* larger than any CAPWAP datagram we send */
#define ENG_TXQ_MAX      64
#define ENG_TXQ_ARENA    (128 * 1024)
#define ENG_TIMER_BUDGET 512   /* timers per loop turn (issue 12) */
#define ENG_TIMER_INLINE 64    /* ... served between two datagrams */
#define ENG_TURN_US      10000 /* and at most this long per turn */
#define ENG_LOAD_GROUPS  18    /* in flight 1, 2-3, 4-7, ... 2^17+ */
#define ENG_START_BUDGET 256   /* AP starts per loop turn */
#define ENG_CL_JOINING   128   /* stations joining at once per worker */
/* Handshakes in progress (proven address, not yet established) a WLC
 * shard holds at once; more proven ClientHellos are dropped (the AP
 * retransmits). */
#define ENG_MAX_HALF_OPEN 4096
/* ... and per source address (issue 18): one address (a NAT with many
 * APs behind it, or a sender that can return cookies from it) holds at
 * most this many; counted in ENG_SRC_BUCKETS buckets by address hash, so
 * two addresses in one bucket share it (the count errs on the safe
 * side). */
#define ENG_MAX_HALF_OPEN_SRC 64
#define ENG_SRC_BUCKETS       4096

/* Timer slot kinds (cs_tslot.kind), each with one handler in
 * eng_slot_handlers (worker.c).  A slot that sits in an array of its owner
 * (the AP's or the WLC session's timers) is told apart by its index in
 * that array, which is the role's own timer enum. */
enum eng_slot {
	ENG_SLOT_AP,        /* eng_ap.t[enum cs_ap_timer] */
	ENG_SLOT_AP_DTLS,   /* eng_ap.t_dtls: DTLS retransmission */
	ENG_SLOT_PEER,      /* eng_peer.t[enum cs_wlc_timer] */
	ENG_SLOT_PEER_DTLS, /* eng_peer.t_dtls: DTLS retransmission */
	ENG_SLOT_PEER_REAP, /* eng_peer.t_reap: the admission's timer */
	ENG_SLOT_PACE,      /* eng_w.t_pace: next AP start */
	ENG_SLOT_PATH,      /* eng_w.t_path: delayed or held datagrams due */
	ENG_SLOT_NAT,       /* eng_w.t_nat: NAT idle expiry sweep */
	ENG_SLOT_WLC_HELD,  /* eng_wlc_held.t: a slow WLC's flight is due */
	ENG_SLOT_WLC_SERVE, /* eng_w.t_serve: WLC service-rate queue */
	ENG_SLOT_STA,       /* eng_ap_cl.t[station * 4 + enum cs_sta_timer] */
	ENG_SLOT_STA_START, /* eng_ap_cl.t_start: next client start */
	ENG_SLOT_WLC_TICK,  /* eng_w.t_wlc_tick: the WLC clients' tick */
	ENG_SLOT_AP_DDTLS,  /* eng_ap.t_ddtls: data channel DTLS */
	ENG_SLOT_WLC_DDTLS, /* eng_dpeer.t: a WLC data DTLS peer */
	ENG_SLOT__COUNT
};

/* Send queues of a worker. */
enum {
	Q_AP_CTL,
	Q_AP_DATA,
	Q_WLC_CTL,
	Q_WLC_DATA,
	Q__COUNT
};

struct eng_ap;
struct eng_ap_cl;
struct eng_peer;
struct eng_w;

/* Handles a due slot of its kind; s->owner is the slot's owner. */
typedef void eng_slot_fn(struct eng_w *w, struct cs_tslot *s, uint64_t now);

/* CAPWAP fragmentation on the live path, per worker (frag.c). */
struct eng_frag_stats {
	uint64_t msgs_split; /* control messages sent in fragments */
	uint64_t frags_sent;
	uint64_t frags_rcvd;
	uint64_t reassembled;  /* messages completed from fragments */
	uint64_t sets_dropped; /* bad, expired, oversize, evicted sets */
	uint64_t peer_evicted; /* ... of which evicted: a peer's cap */
	uint64_t cap_drops;    /* fragments refused: the worker's cap */
	uint64_t send_fail;    /* messages that could not be fragmented */
};

struct eng_dtls {
	struct cs_dtls *s;
	struct eng_w *w;
	struct eng_ap *ap;       /* client side owner, or */
	struct eng_peer *peer;   /* server side owner, or */
	struct eng_dpeer *dpeer; /* a WLC data channel peer */
	bool dead;
	bool established;
	uint16_t frag_id;       /* next Fragment ID we send (RFC 5415 §3.4) */
	struct cs_reasm *reasm; /* received fragments; made on the first */
	unsigned reasm_sets;    /* its sets counted in eng_w.reasm_sets */
};

/*
 * What the embedded WLC received from / sent to one AP, per size class
 * (cs_facts_size_class).  The kernel picks the WLC shard of a datagram
 * (SO_REUSEPORT), not the AP's worker, so any worker may count here while
 * the AP's facts belong to its own worker: relaxed atomics owned by the AP
 * slot, folded into the facts once the workers have stopped
 * (eng_wlc_seen_fold).
 */
struct eng_wlc_seen {
	atomic_uint rx[CS_FACTS_SIZE_CLASSES];
	atomic_uint tx[CS_FACTS_SIZE_CLASSES];
};

/* Fragmented control messages (RFC 5415 §3.4) reassembled at once, per
 * worker over all its sessions; per session the reassembly context holds
 * at most ENG_REASM_PEER_SETS (a new one evicts the oldest). */
#define ENG_REASM_MAX_SETS  512
#define ENG_REASM_PEER_SETS 4

struct eng_ap {
	struct eng_w *w;
	struct cs_ap *ap;
	struct eng_dtls *d;
	unsigned idx;  /* local: index into e->aps */
	unsigned gidx; /* global (cs_engine_cfg.ap_index_base + idx) */
	uint64_t rng;  /* the AP's own: seeded from (seed, gidx) */
	uint32_t ip;
	uint8_t mac[6];
	uint32_t ac_ip;
	uint16_t ac_port;
	bool hs_active;    /* counts against the handshake cap */
	bool hs_queued;    /* waits for a handshake slot */
	bool hs_retx;      /* the running handshake had to retransmit */
	bool hs_sent_ch1;  /* sent a ClientHello with message_seq >= 1 */
	uint32_t hs_t0_ms; /* queued, then ClientHello sent (engine ms) */
	uint32_t hs_load;  /* handshakes in flight (all workers) then */
	const struct cs_pkt_hint *hint; /* of the message being encrypted */
	struct cs_tslot t[CS_AP_T__COUNT];
	struct cs_tslot t_dtls;
	/* data channel DTLS (ap_ddtls.c, RFC 5415 §4.6.1 D) */
	struct eng_dtls *dd;
	struct cs_tslot t_ddtls;
	uint16_t dd_port;    /* the AC's data port */
	uint8_t dd_held_len; /* keep-alive waiting for the handshake */
	uint8_t dd_held[64];
	const char *dd_fail; /* failure to report from t_ddtls (static) */
	const struct cs_pkt_hint *dd_hint;
	struct cs_ap_track track;
	struct eng_wlc_seen wlc_seen; /* written by any worker */
	struct eng_ap_cl *cl;         /* its wireless clients, or NULL */
};

struct eng_peer {
	struct eng_peer *next; /* hash chain */
	struct eng_w *w;
	uint32_t ip;
	uint16_t port;
	bool dead;
	struct cs_wlc_admit adm; /* DTLS admission (cookie, WaitDTLS) */
	bool is_half_open;       /* counted in eng_w.n_half_open */
	/* A proven new handshake from the address of an established peer
	 * (CS_WLC_ADMIT_SHADOW) is a peer of its own outside the table:
	 * `shadow` on the established one, `owner` back on it.  It replaces
	 * its owner once established; if it fails, the owner goes on. */
	struct eng_peer *shadow;
	struct eng_peer *owner;
	struct eng_dtls *d;
	struct cs_wlc_sess *sess;
	struct cs_tslot t[CS_WLC_T__COUNT];
	struct cs_tslot t_dtls;
	struct cs_tslot t_reap;
};

/* A socket of a worker, behind the transport interface: a UDP socket, or
 * an endpoint of the in-process network (cs_engine_cfg.net).  The event
 * is the socket's read readiness, or the endpoint's wake (activated by
 * the sender, so the datagram is read on this worker's loop either way). */
struct eng_sock {
	struct cs_transport *t; /* NULL: not open */
	int fd;                 /* the UDP socket; -1 in process */
	struct event *ev;
};

struct eng_txq {
	struct cs_transport *t; /* NULL: no socket */
	unsigned n;
	size_t used;
	uint64_t lost;
	struct cs_udp_out out[ENG_TXQ_MAX];
	uint8_t arena[ENG_TXQ_ARENA];
};

/* A ClientHello waiting for the WLC's service rate. */
struct eng_held {
	uint32_t src_ip;
	uint16_t src_port;
	size_t len;
	uint8_t data[];
};
#define ENG_HELD_MAX                                                           \
	16384 /* per worker; more are lost, as by a full                       \
	         socket buffer */

/* A NAT external port: a socket of its own, as a real NAT has a port. */
struct eng_natsock {
	struct eng_w *w;
	struct eng_sock s;
	uint16_t port;
};

struct eng_w {
	struct cs_engine *e;
	unsigned id;
	pthread_t th;
	bool th_running;
	pthread_mutex_t mu;
	struct event_base *base;
	bool base_borrowed; /* cs_engine_cfg.base: the caller frees it */
	uint64_t rng;

	struct cs_timerq tq;
	struct event *ev_timer;
	uint64_t ev_timer_due; /* UINT64_MAX when not armed */
	struct cs_hist lateness;

	/* APs: indices id, id + N, id + 2N, ... */
	unsigned n_aps;
	uint32_t wlc_local_ip; /* WLC: last local address a datagram came to
	                          (the capture's source for its answers) */
	struct eng_sock ap_sock[2]; /* control, data */
	uint16_t ap_port[2];
	unsigned started;
	unsigned hs_active;        /* client handshakes running */
	unsigned max_inflight;     /* cap on hs_active, 0 = none */
	struct cs_admit admit;     /* adaptive window under the cap */
	struct cs_hist hs_wait_us; /* waits for a handshake slot */
	/* handshake latency by handshakes in flight when it began
	 * (log2 groups; the diagnosis's controller-overloaded) */
	struct cs_hist hs_by_load[ENG_LOAD_GROUPS];
	unsigned *hs_wait;        /* FIFO of AP indices waiting for a slot */
	uint64_t hs_wait_open_ms; /* longest wait of those still waiting
	                             when the worker stopped */
	size_t hs_head, hs_len, hs_cap;
	double rate; /* this worker's share */
	struct cs_tslot t_pace;
	bool stopping;
	struct cs_metrics metrics;
	unsigned states[CS_AP__COUNT];

	/* WLC shard */
	struct cs_wlc *wlc;
	struct eng_sock wlc_sock[2];
	struct eng_peer **peers;
	size_t peer_buckets, n_peers;

	/* deferred frees */
	struct eng_dtls **grave_d;
	size_t n_grave_d, cap_grave_d;
	struct eng_peer **grave_p;
	size_t n_grave_p, cap_grave_p;

	/* packet path (AP side): the executor over the wire below it,
	 * impairment rules, NAT */
	struct cs_path *path;
	struct cs_transport wire; /* NAT, capture, sockets (packet_path.c) */
	struct cs_impair *imp;
	struct cs_tslot t_path;
	struct cs_nat *nat;
	struct cs_tslot t_nat;
	struct eng_natsock **natsocks;
	size_t n_natsocks, cap_natsocks;
	uint64_t wlc_client_hellos; /* ClientHellos the WLC shard got */
	uint64_t wlc_hello_verify;  /* answered statelessly (no state kept) */
	uint64_t wlc_hello_bad;     /* not a whole ClientHello, or over caps */
	uint64_t wlc_self_dropped;  /* from the WLC's own address and port */
	unsigned n_half_open;       /* peers in handshake (proven address) */
	uint16_t *half_open_src;   /* ... per source bucket (ENG_SRC_BUCKETS) */
	uint64_t half_open_capped; /* proven hellos dropped: a cap was hit */
	uint8_t hvr[128];          /* the HelloVerifyRequest being sent */
	size_t hvr_len;
	struct cs_self_health self; /* send failures by errno (diagnosis) */
	double hs_tokens;           /* service-rate bucket (wlc_max_hs_rate) */
	uint64_t hs_tokens_ms;      /* when it was last filled */
	uint64_t hs_deferred;       /* ClientHellos that waited for one */
	uint64_t hs_overflow;       /* ... or were lost: the queue was full */
	struct eng_held **held;     /* FIFO of ClientHellos waiting */
	size_t held_head, held_len;
	struct cs_tslot t_serve;
	struct cs_wlc_gate gate; /* overload gate (cfg.wlc_gate) */
	void *dpeers; /* data channel DTLS peers: buckets (wlc_ddtls.c) */
	unsigned n_dpeers;

	/* self-health (issue 12) */
	uint32_t rxq_last[4];   /* SO_RXQ_OVFL count per socket (eng_rx_sock) */
	uint64_t rxq_drops;     /* kernel drops on this worker's sockets */
	size_t rcvbuf;          /* smallest receive buffer granted */
	uint64_t turns;         /* loop callbacks run */
	uint64_t budget_hits;   /* turns that left work for the next one */
	uint64_t timers_inline; /* times due timers were served between two
	                           datagrams of a read turn */
	uint64_t stale_flights; /* an earlier handshake's flights, dropped */
	struct eng_frag_stats frag; /* CAPWAP fragments sent and received */
	unsigned reasm_sets;        /* sets in progress over all sessions */
	double cpu_s;             /* thread CPU, last read (kept after join) */
	uint64_t cpu_mark_us;     /* last CPU sample: engine time */
	uint64_t cpu_mark_cpu_us; /* ... and the thread's CPU then */

	/* wireless clients (issue 14): the AP side's numbers; the WLC
	 * side's tick, and the DHCP relay (its socket on worker 0; replies
	 * for another shard's clients reach it through its mailbox) */
	struct cs_client_metrics cm;
	struct cs_tslot t_wlc_tick;
	struct eng_sock relay_sock;
	pthread_mutex_t mb_mu;
	struct eng_mail *mb_head, *mb_tail;
	struct event *ev_mb;

	struct eng_txq txq[Q__COUNT];
	uint8_t rx[ENG_RX_BATCH][ENG_MAX_DGRAM];
	/* wireless clients (ap_clients.c): stations joining (Auth..Ping)
	 * and the APs waiting for a join slot (ENG_CL_JOINING) */
	unsigned cl_joining;
	struct eng_ap *cl_wait_head, *cl_wait_tail;
	bool cl_window_logged;
};

struct cs_engine {
	struct cs_engine_cfg cfg;
	struct timespec t0;
	uint64_t t0_wall_us; /* CLOCK_REALTIME at t0 */
	unsigned n_w;
	struct eng_w **w;
	struct eng_ap *aps;
	struct cs_ap_facts *facts; /* per AP, for the diagnosis */
	pthread_mutex_t pki_mu;
	bool started, stopped;
	bool polled; /* driven by cs_engine_poll instead of threads */
	struct cs_metrics merged; /* last cs_engine_metrics() result */
	struct cs_hist lateness;  /* last cs_engine_timer_lateness() */
};

/* worker.c */
uint64_t eng_now_us(const struct cs_engine *e);
uint64_t eng_wall_us(const struct cs_engine *e);
uint64_t eng_now(const struct cs_engine *e);
uint32_t eng_rand(struct eng_w *w, uint32_t bound);
void eng_arm(struct eng_w *w, struct cs_tslot *s, uint64_t delay_ms);
void eng_after(struct eng_w *w);
int eng_send(struct eng_w *w, int qi, uint32_t src_ip, uint32_t dst_ip,
    uint16_t dst_port, const uint8_t *pkt, size_t len);
void eng_bury_dtls(struct eng_w *w, struct eng_dtls *d);
struct eng_dtls *eng_dtls_new(struct eng_w *w, struct cs_dtls_ctx *ctx,
    const struct cs_dtls_io *tmpl, int64_t skew_s);
void eng_dtls_timer(struct eng_w *w, struct eng_dtls *d, struct cs_tslot *slot);
void eng_on_ap_ctl(evutil_socket_t fd, short what, void *arg);
void eng_on_ap_data(evutil_socket_t fd, short what, void *arg);
void eng_on_wlc_ctl(evutil_socket_t fd, short what, void *arg);
void eng_on_wlc_data(evutil_socket_t fd, short what, void *arg);
struct eng_w *eng_w_new(struct cs_engine *e, unsigned id);
void eng_w_free(struct eng_w *w);
void *eng_thread(void *arg);
/* What a worker does before its loop runs (listen, start the APs). */
void eng_w_begin(struct eng_w *w);

/* Socket index for eng_w.rxq_last. */
enum eng_rx_sock {
	ENG_RX_AP_CTL,
	ENG_RX_AP_DATA,
	ENG_RX_WLC_CTL,
	ENG_RX_WLC_DATA
};
void eng_size_bufs(struct eng_w *w, int fd, unsigned peers);
/* Opens @s on @ip:@port (port 0: any free one; @is_group: one of a
 * group of the workers' sockets on the address, steered by source) with
 * @cb(fd, what, @arg) as its read callback.  0 or -errno. */
int eng_sock_open(struct eng_w *w, struct eng_sock *s, uint32_t ip,
    uint16_t port, bool is_group, event_callback_fn cb, void *arg);
/* Starts reading (from the worker's thread, before its loop runs). */
void eng_sock_listen(struct eng_sock *s);
void eng_sock_close(struct eng_sock *s);
uint16_t eng_sock_port(const struct eng_sock *s);
/* Sends one datagram now (not queued). */
int eng_sock_send(struct eng_sock *s, uint32_t src_ip, uint32_t dst_ip,
    uint16_t dst_port, const uint8_t *pkt, size_t len);
/* Reads up to @n datagrams into the worker's buffers: the count, 0, or
 * -errno. */
int eng_sock_recv(
    struct eng_w *w, struct eng_sock *s, struct cs_udp_pkt *pk, unsigned n);
/* After a read that left datagrams waiting at an in-process endpoint:
 * have the loop come back for them (a socket stays readable by itself). */
void eng_sock_again(struct eng_sock *s);

/* ap_side.c */
struct cs_ap_facts *eng_facts(struct eng_ap *a);
/* The facts of the AP at @p ip when this worker owns it, else NULL (an
 * address of another worker, a NAT address, a stray). */
struct cs_ap_facts *eng_facts_by_ip(struct eng_w *w, uint32_t ip);
/* A datagram the embedded WLC received from (@p dir UP) or sent to (DOWN)
 * the AP at @p ip, whichever worker owns it; any thread may call it. */
void eng_wlc_seen(
    struct cs_engine *e, uint32_t ip, enum cs_dir dir, size_t len);
void eng_wlc_seen_reset(struct eng_ap *a);
/* Copies every AP's WLC-side counts into its facts (workers stopped). */
void eng_wlc_seen_fold(struct cs_engine *e);
void eng_ap_deliver(struct eng_ap *a, enum cs_chan ch, uint32_t src_ip,
    uint16_t src_port, const uint8_t *pkt, size_t len);
void eng_ap_input_from(struct eng_w *w, enum cs_chan ch, uint32_t dst_ip,
    uint32_t src_ip, uint16_t src_port, const uint8_t *pkt, size_t len);
void eng_ap_input(
    struct eng_w *w, enum cs_chan ch, const struct cs_udp_pkt *pk);
eng_slot_fn eng_slot_ap;
eng_slot_fn eng_slot_ap_dtls;
eng_slot_fn eng_slot_pace;
void eng_pace(struct eng_w *w, uint64_t now);
int eng_new_aps(struct cs_engine *e);
void eng_w_stop_aps(struct eng_w *w);
int eng_ap_reboot(struct eng_ap *a, uint64_t now);

/* ap_ddtls.c: the AP's data channel DTLS session */
/* What AP a sends on the data channel: true when it went into (or waits
 * for) the AP's data DTLS session, false to send it clear. */
bool eng_ddtls_ap_send(struct eng_ap *a, uint16_t dst_port, const uint8_t *pkt,
    size_t len, const struct cs_pkt_hint *hint);
/* A DTLS datagram on AP a's data channel. */
void eng_ddtls_ap_input(struct eng_ap *a, uint32_t src_ip, uint16_t src_port,
    const uint8_t *pkt, size_t len, uint64_t now);
/* Ends AP a's data session (close_notify when graceful). */
void eng_ddtls_ap_stop(struct eng_ap *a, bool graceful);
eng_slot_fn eng_slot_ap_ddtls;

/* wlc_ddtls.c: the embedded WLC's data channel DTLS peers */
struct eng_dpeer;
/* A DTLS datagram on the WLC's data port. */
void eng_ddtls_wlc_input(struct eng_w *w, const struct cs_udp_pkt *pk);
/* The WLC's data packet to dst: true when an established data DTLS
 * session with dst took it, false to send it clear. */
bool eng_ddtls_wlc_send(struct eng_w *w, uint32_t dst_ip, uint16_t dst_port,
    const uint8_t *pkt, size_t len);
/* Frees the shard's data peers (the workers stopped). */
void eng_ddtls_wlc_free(struct eng_w *w);
eng_slot_fn eng_slot_wlc_ddtls;

/* wlc_side.c */
void eng_peer_forget(struct eng_w *w, struct eng_peer *p);
void eng_wlc_input(
    struct eng_w *w, enum cs_chan ch, const struct cs_udp_pkt *pk);
eng_slot_fn eng_slot_peer;
eng_slot_fn eng_slot_peer_dtls;
eng_slot_fn eng_slot_peer_reap;
eng_slot_fn eng_slot_wlc_held;

/* A DTLS handshake datagram the embedded WLC holds back before it leaves
 * (wlc.misbehave.handshake-delay: a slow controller). */
struct eng_wlc_held {
	struct cs_tslot t;
	uint32_t dst_ip;
	uint16_t dst_port;
	size_t len;
	uint8_t data[];
};

/* AP idx's group (cfg.ap_groups), or NULL: the cfg's own AP fields. */
const struct cs_engine_ap_group *eng_ap_group(
    const struct cs_engine *e, unsigned idx);
/* AP idx's clock skew (its group's or the cfg's). */
int64_t eng_ap_skew(const struct cs_engine *e, unsigned idx);

/* Sends the WLC's datagram to dst after delay_ms (eng_wlc_held). */
void eng_wlc_send_later(struct eng_w *w, uint32_t dst_ip, uint16_t dst_port,
    const uint8_t *pkt, size_t len, uint64_t delay_ms);
eng_slot_fn eng_slot_wlc_serve;
void eng_wlc_held_free(struct eng_w *w);
int eng_new_wlc(struct cs_engine *e);

/* tap.c: what is recorded of a datagram, at its points on the path */
void eng_tap_ap(struct eng_w *w, struct eng_ap *a,
    const struct cs_pkt_meta *m); /* AP's side: as sent, as delivered */
void eng_tap_wire(struct eng_w *w, struct eng_ap *a,
    const struct cs_pkt_meta *m); /* network side; a may be NULL (down) */
/* the controller's own sockets (cs_engine_cfg.capture_at_wlc): @p dir UP
 * received by the WLC, DOWN sent by it; @p local_ip 0 = unknown */
void eng_tap_wlc(struct eng_w *w, enum cs_dir dir, enum cs_chan ch,
    uint32_t local_ip, uint32_t peer_ip, uint16_t peer_port, const uint8_t *pkt,
    size_t len);
void eng_tap_plain_msg(struct eng_w *w, struct eng_ap *a,
    const struct cs_pkt_meta *m); /* a control message inside DTLS */
void eng_tap_plain_rec(struct eng_w *w, struct eng_ap *a,
    const struct cs_pkt_meta *m); /* one DTLS record's plaintext */
void eng_tap_plain_data(struct eng_w *w, struct eng_ap *a,
    const struct cs_pkt_meta *m); /* a data packet inside data DTLS */

/* frag.c: CAPWAP control messages in fragments over a DTLS session (RFC
 * 5415 §3.4).  Each fragment is its own DTLS record; `tap`, when not NULL,
 * sees every packet that goes into a record (a fragment or the whole
 * message). */
typedef void eng_frag_tap_fn(void *arg, const uint8_t *pkt, size_t len);
int eng_dtls_send_msg(struct eng_dtls *d, const uint8_t *msg, size_t len,
    eng_frag_tap_fn *tap, void *arg);
/* Offers one decrypted control packet: 1 with *out / *out_len when a whole
 * message is ready (the packet itself when it is no fragment; a
 * reassembled one stays valid until the next call for d), 0 when the
 * fragment was held or dropped (counted; logged when a cap is hit). */
int eng_dtls_reasm(struct eng_dtls *d, const uint8_t *pkt, size_t len,
    uint64_t now_ms, const uint8_t **out, size_t *out_len);
/* Frees d's reassembly state and takes its sets off the worker's count. */
void eng_dtls_reasm_free(struct eng_dtls *d);

/* packet_path.c */
bool eng_preamble_is(const uint8_t *pkt, size_t len, uint8_t type);
int eng_hello_random(const uint8_t *pkt, size_t len, uint8_t random[32]);
bool eng_hs_seq_from(
    const uint8_t *pkt, size_t len, int hs_type, uint16_t min_seq);
void eng_impair(struct eng_w *w, struct eng_ap *a, struct cs_pkt_meta *m);
void eng_path_arm(struct eng_w *w);
void eng_path_up(struct eng_ap *a, enum cs_chan ch, uint32_t dst_ip,
    uint16_t dst_port, const uint8_t *pkt, size_t len,
    const struct cs_pkt_hint *hint);
eng_slot_fn eng_slot_path;
uint64_t eng_path_link_down_lost(const struct eng_w *w);
eng_slot_fn eng_slot_nat;
int eng_w_path(struct eng_w *w);

/* ap_clients.c: an AP's wireless clients */
int eng_ap_cl_new(struct eng_ap *a);
void eng_ap_cl_free(struct eng_ap *a);
void eng_ap_cl_stop(struct eng_ap *a); /* timers cancelled */
/* Its stations, and their facts from the station's side (names: their
 * MACs, written into names[], 18 bytes each). */
unsigned eng_ap_cl_count(const struct eng_ap *a);
struct cs_client_facts;
void eng_ap_cl_facts(
    const struct eng_ap *a, struct cs_client_facts *f, char (*names)[18]);
/* io.wlan_config of the AP: an Add WLAN element value */
int eng_ap_cl_wlan(void *ctx, const uint8_t *val, size_t len);
/* A data-channel datagram for AP a: 1 when it was 802.11 (taken), 0
 * when it is the AP's own (keep-alive). */
int eng_ap_cl_input(struct eng_ap *a, uint32_t src_ip, const uint8_t *pkt,
    size_t len, uint64_t now);
eng_slot_fn eng_slot_sta;
eng_slot_fn eng_slot_sta_start;

/* wlc_clients_io.c: the WLC side's clients I/O (relay, tick) */
struct eng_mail;
int eng_wlc_cl_open(struct cs_engine *e);
void eng_wlc_cl_begin(struct eng_w *w); /* on the worker's thread */
void eng_wlc_cl_free(struct eng_w *w);
int eng_wlc_relay(void *ctx, uint32_t server, uint32_t giaddr,
    const uint8_t *dhcp, size_t len);
eng_slot_fn eng_slot_wlc_tick;

/* engine.c */
int eng_check_local(struct cs_engine *e, uint32_t ip);

#endif /* CS_ENGINE_INTERNAL_H */
