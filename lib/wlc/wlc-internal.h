/* SPDX-License-Identifier: MIT */
/*
 * Internals of the mock WLC shared by wlc.c (controller), wlc_disc.c
 * (discovery responder), wlc_sess.c (sessions, keep-alives), ctl_fsm.c
 * (per-session FSM) and wlc_stats.c (join statistics).  Not a public API; tests
 * may include it.
 */
#ifndef CS_WLC_INTERNAL_H
#define CS_WLC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/log.h"
#include "capsim/roles.h"
#include "capsim/wlc.h"
#include "wlc/wlc_md5.h"

struct cs_wr;

/* Byte `off` of the served image: deterministic so an AP can verify it. */
static inline uint8_t
cs_wlc_image_byte(uint32_t off)
{
	return (uint8_t)((off * 2654435761u) >> 24);
}

/* Events of the session FSM (STYLE G8): a received message or a timer. */
enum cs_wlc_fsm_ev {
	CS_WLC_E_JOIN_REQ,
	CS_WLC_E_CONFIG_STATUS_REQ,
	CS_WLC_E_CHANGE_STATE_REQ,
	CS_WLC_E_ECHO_REQ,
	CS_WLC_E_IMAGE_DATA_REQ,
	CS_WLC_E_WTP_EVENT_REQ,
	CS_WLC_E_DATA_TRANSFER_REQ,
	CS_WLC_E_IMAGE_DATA_RESP,
	CS_WLC_E_RESET_RESP,
	CS_WLC_E_AC_RESP, /* Configuration Update / Clear / Data Transfer */
	CS_WLC_E_KEEPALIVE,
	CS_WLC_E_T_WAIT_JOIN,
	CS_WLC_E_T_CHANGE_STATE_PENDING,
	CS_WLC_E_T_DATA_CHECK,
	CS_WLC_E_T_ECHO,
	CS_WLC_E_T_RETRANSMIT,
	CS_WLC_E__COUNT
};

/* Open-addressing map from a 64-bit key to a record number + 1. */
struct cs_wlc_slot {
	uint64_t key;
	uint32_t val; /* 0 = empty */
};
struct cs_wlc_map {
	struct cs_wlc_slot *slot;
	size_t cap; /* power of two, 0 before the first insert */
	size_t n;
};

/* Join statistics table: records in first-seen order plus two indexes
 * (by MAC, by the IP last seen). */
/* Records of APs that never proved anything (Discovery only, no DTLS
 * session, no Join) are aged out, oldest first, once the table holds this
 * many: random-MAC Discovery floods cost a bounded amount (issue 18). */
#define CS_WLC_STATS_MAX 32768

struct cs_wlc_stats_tab {
	struct cs_wlc_ap_stats *rec;
	size_t n, cap;
	struct cs_wlc_map by_mac, by_ip;
	size_t max;    /* 0: CS_WLC_STATS_MAX (tests set less) */
	size_t hand;   /* clock hand of the ageing scan */
	uint64_t aged; /* unknown APs' records reused */
};

struct cs_wlc_sess {
	struct cs_wlc *w;
	struct cs_wlc_sess *prev, *next; /* all sessions */
	struct cs_wlc_sess *hnext;       /* session-ID hash chain */
	void *glue;

	uint32_t peer_ip;
	uint16_t peer_port;
	uint32_t data_ip;
	uint16_t data_port;
	bool has_data_peer;
	bool data_dtls; /* keep-alives came through a data DTLS session */

	enum cs_wlc_state state;
	bool joined;  /* counted in active WTPs */
	bool in_hash; /* in the session-ID table */
	bool has_mac;
	uint8_t mac[6];
	uint8_t session_id[16];
	char name[33];
	uint32_t stats_idx; /* record number + 1, 0 = none */

	uint8_t n_radios;
	uint8_t radio_id[CS_WLC_MAX_RADIOS];
	uint32_t radio_type[CS_WLC_MAX_RADIOS];

	/* RFC 5415 §4.5.3: last request seen and the cached response */
	bool has_last_req;
	uint8_t last_req_seq;
	uint32_t last_req_type;
	uint8_t *resp;
	size_t resp_len;
	uint32_t resp_type;
	bool resp_delayed;     /* waiting for CS_WLC_T_DELAY */
	bool close_after_resp; /* failed join: abort after sending */

	/* the AC's own outstanding request (Image Data, Reset) */
	uint8_t next_seq;
	bool req_outstanding;
	uint8_t req_seq;
	uint32_t req_type;
	unsigned req_retx;
	uint8_t *req;
	size_t req_len;

	/* image download (RFC 5415 §9.1) */
	uint32_t img_off;
	bool img_eof_sent;
	bool img_waiting;      /* answered, waiting for a download slot */
	bool img_active;       /* holds one of the controller's slots */
	uint64_t img_wait_ms;  /* when it started waiting */
	uint64_t img_ticket;   /* its place in the queue (FIFO) */
	uint64_t img_start_ms; /* when its first block left */

	uint32_t armed;              /* bit per enum cs_wlc_timer */
	bool join_failed;            /* rejected: waiting to send + abort */
	bool img_done;               /* image download finished */
	enum cs_wlc_state last_live; /* state before DEAD */

	unsigned busy;       /* nesting depth of public entry points */
	bool closed;         /* cs_wlc_sess_closed() called while busy */
	bool orderly;        /* closed by the peer's close_notify */
	bool is_crash;       /* torn down by a simulated restart: no alert */
	bool has_cert_mac;   /* the verified certificate names a MAC */
	uint8_t cert_mac[6]; /* ... this one: the AP's identity */

	/* split-MAC clients (wlc_cl.c): the clients module's requests
	 * waiting for the outstanding one, and the data-address table */
	struct wlc_ctlq *ctlq_head, *ctlq_tail;
	unsigned ctlq_len;
	bool cl_mapped;
	uint32_t cl_ip;
	uint16_t cl_port;
	struct cs_wlc_sess *cl_next;
};

/*
 * Log lines for dropped datagrams, bounded (issue 18): the first
 * CS_WLC_DROPLOG_LINES of a CS_WLC_DROPLOG_WINDOW_MS window are logged
 * one by one, the rest counted and summarised when the window closes
 * ("12034 datagrams dropped from ~2031 sources in the last 10 s").
 * Sources are counted in a bitmap (linear counting: an estimate).
 */
#define CS_WLC_DROPLOG_WINDOW_MS 10000
#define CS_WLC_DROPLOG_LINES     5
#define CS_WLC_DROPLOG_BITS      8192

struct wlc_droplog {
	uint64_t start_ms;
	uint64_t n;
	unsigned n_logged;
	uint8_t seen[CS_WLC_DROPLOG_BITS / 8];
};

/*
 * The controller's download gate (wlc_image.c): at most max_active
 * downloads at once and at most per_min starts in any 60 s window (the
 * 9800: 100 per WNCd, batches of 16 a minute).  starts[] is a ring of the
 * last per_min start times.  0 = no limit.
 */
struct cs_wlc_img_gate {
	uint32_t max_active, per_min;
	uint32_t active;
	uint32_t n_starts, head;
	uint64_t starts[CS_WLC_IMAGE_RATE_MAX];
};
/* Whether a download may start at now_ms: 1 yes; 0 no, *wait_ms = 0 when
 * only a freed slot helps, else how long until the window allows one. */
int cs_wlc_img_gate_may(
    const struct cs_wlc_img_gate *g, uint64_t now_ms, uint64_t *wait_ms);
void cs_wlc_img_gate_start(struct cs_wlc_img_gate *g, uint64_t now_ms);
void cs_wlc_img_gate_end(struct cs_wlc_img_gate *g);

struct cs_wlc {
	struct cs_wlc_cfg cfg; /* strings point into owned copies below */
	char *ac_name, *hw_version, *sw_version, *image_id;
	uint8_t (*auth_macs)[6];
	struct cs_wlc_io io;
	struct cs_wlc_counters ctr;
	struct cs_wlc_stats_tab stats;

	struct cs_wlc_sess *sessions; /* list head */
	unsigned n_sessions;          /* not yet freed */
	unsigned n_joined;            /* active WTPs */
	struct cs_wlc_sess **sid_hash;
	size_t sid_cap; /* power of two */

	uint8_t image_md5[16];
	uint8_t *image_data; /* owned copy of cfg.image_data, or NULL */
	struct cs_wlc_img_gate img_gate;
	uint64_t img_now_ms;  /* time of the last download event */
	uint64_t img_tickets; /* queue places handed out */
	bool in_free;
	struct wlc_droplog droplog;

	/* split-MAC clients (wlc_cl.c), NULL without cfg.clients */
	struct cs_wlc_clients *clients;
	struct cs_wlc_sess **cl_hash; /* sessions in Run by data address */
	uint64_t cl_now;              /* of the entry point being served */
};

/* wlc.c */
/* Whether a dropped datagram from ip may be logged, and emitted as an
 * event, one by one now (see struct wlc_droplog); summarises the last
 * window, in the log and as one MSG_DROPPED event, when a new one opens. */
bool cs_wlc_droplog_may(struct cs_wlc *w, uint32_t ip, uint64_t now_ms);
void cs_wlc_emit(struct cs_wlc *w, struct cs_wlc_sess *s,
    enum cs_wlc_ev_kind kind, uint64_t now_ms, uint32_t msg_type,
    uint32_t result_code, const char *reason);
uint32_t cs_wlc_adv_ip(const struct cs_wlc *w);
void cs_wlc_fmt_ip(uint32_t ip, char *buf, size_t cap);
void cs_wlc_fmt_mac(const uint8_t mac[6], char *buf, size_t cap);

/* wlc_disc.c */
/* A datagram on the control port outside DTLS (Discovery, RFC 5415 §5). */
int cs_wlc_disc_input(struct cs_wlc *w, uint32_t ip, uint16_t port,
    const uint8_t *pkt, size_t len, uint64_t now_ms);
/* Puts the AC Descriptor, AC Name, Control IPv4 Address elements. */
void cs_wlc_put_ac_identity(struct cs_wlc *w, struct cs_wr *wr);
/* Cisco mode: a Cisco vendor payload (vendor 4232704) and AP Time Sync
 * (151: Unix time u32 + type u8). */
void cs_wlc_put_cisco_vsp(
    struct cs_wr *wr, uint16_t id, const uint8_t *data, size_t len);
void cs_wlc_put_time_sync(
    const struct cs_wlc *w, struct cs_wr *wr, uint64_t now_ms);

/* wlc_sess.c */
void cs_wlc_sid_insert(struct cs_wlc *w, struct cs_wlc_sess *s);
void cs_wlc_sid_remove(struct cs_wlc *w, struct cs_wlc_sess *s);
struct cs_wlc_sess *cs_wlc_sid_find(
    const struct cs_wlc *w, const uint8_t id[16]);

/* ctl_fsm.c */
int cs_wlc_fsm_input(
    struct cs_wlc_sess *s, const uint8_t *pkt, size_t len, uint64_t now_ms);
void cs_wlc_fsm_timer(
    struct cs_wlc_sess *s, enum cs_wlc_timer t, uint64_t now_ms);
void cs_wlc_fsm_keepalive(struct cs_wlc_sess *s, uint32_t src_ip,
    uint16_t src_port, const uint8_t *pkt, size_t len, uint64_t now_ms);
int cs_wlc_fsm_reset(struct cs_wlc_sess *s, uint64_t now_ms);
/* Tears the session down: state DEAD, timers cancelled, io sess_close. */
void cs_wlc_fsm_teardown(
    struct cs_wlc_sess *s, uint64_t now_ms, const char *reason, bool graceful);
void cs_wlc_sess_destroy(struct cs_wlc_sess *s);
/* Helpers ctl_run.c shares with ctl_fsm.c (§4.5.3 request/response). */
struct cs_wlc_ap_stats *cs_wlc_fsm_stats(struct cs_wlc_sess *s);
int cs_wlc_fsm_respond(struct cs_wlc_sess *s, const uint8_t *pkt, size_t len,
    uint32_t type, uint64_t now_ms);
int cs_wlc_fsm_send_request(struct cs_wlc_sess *s, const uint8_t *pkt,
    size_t len, uint32_t type, uint8_t seq, uint64_t now_ms);
void cs_wlc_fsm_request_done(struct cs_wlc_sess *s);

/* ctl_run.c: the Run state's messages (RFC 5415 §8.4-§9.6) */
struct cs_msg;
/* WTP Event Request: validate every report, answer (§9.5). */
void cs_wlc_run_event(
    struct cs_wlc_sess *s, const struct cs_msg *m, uint64_t now_ms);
/* Data Transfer Request from the WTP (Data Transfer Data, §9.6.1). */
void cs_wlc_run_data_transfer(
    struct cs_wlc_sess *s, const struct cs_msg *m, uint64_t now_ms);
/* Records the WTP Reboot Statistics of a Configuration Status Request. */
void cs_wlc_run_config_status(struct cs_wlc_sess *s, const struct cs_msg *m);
/* Sends a command's request (cs_wlc_sess_command, inside the guard). */
int cs_wlc_run_command(
    struct cs_wlc_sess *s, const struct cs_wlc_cmd *c, uint64_t now_ms);
/* The answer to a Configuration Update / Clear / Data Transfer Request. */
void cs_wlc_run_ac_resp(
    struct cs_wlc_sess *s, const struct cs_msg *m, uint64_t now_ms);

/* wlc_image.c: Image Data serving (RFC 5415 §9.1) through the gate */
/* Byte `off` of the served image (the file's, or generated). */
uint8_t cs_wlc_image_at(const struct cs_wlc *w, uint32_t off);
/* The AP's download was accepted: it waits its turn, and starts now when
 * the gate allows (sends the first block). */
void cs_wlc_image_enqueue(struct cs_wlc_sess *s, uint64_t now_ms);
/* The last block was acknowledged: frees the slot, starts the next. */
void cs_wlc_image_done(struct cs_wlc_sess *s, uint64_t now_ms);
/* The session ends (teardown): frees its slot or queue place, counts a
 * failed download, and with may_start starts the next one. */
void cs_wlc_image_drop(struct cs_wlc_sess *s, uint64_t now_ms, bool may_start);
/* CS_WLC_T_IMAGE_QUEUE fired: start whoever the gate allows now. */
void cs_wlc_image_pump(struct cs_wlc *w, uint64_t now_ms);
/* ctl_fsm.c: sends the block at s->img_off (EOF flagged on the last). */
int cs_wlc_fsm_image_block(struct cs_wlc_sess *s, uint64_t now_ms);
/* ctl_fsm.c: arms one of the session's timers. */
void cs_wlc_fsm_arm(struct cs_wlc_sess *s, enum cs_wlc_timer t, uint64_t ms);
/* wlc_cl.c: the split-MAC clients on the sessions */
struct cs_msg;
int cs_wlc_cl_new(struct cs_wlc *w);
void cs_wlc_cl_free(struct cs_wlc *w);
/* An event of session s (CS_WLC_EV_RUN: WLANs to the AP; TEARDOWN: its
 * clients forgotten). */
void cs_wlc_cl_emit(
    struct cs_wlc *w, struct cs_wlc_sess *s, int kind, uint64_t now_ms);
/* A data-channel datagram: 1 when it carried 802.11 (handled, counted),
 * 0 when it is the caller's (a keep-alive). */
int cs_wlc_cl_data(struct cs_wlc *w, uint32_t ip, uint16_t port,
    const uint8_t *pkt, size_t len, uint64_t now_ms);
/* The AP's WLAN / Station Configuration Response. */
void cs_wlc_cl_resp(
    struct cs_wlc_sess *s, const struct cs_msg *m, uint64_t now_ms);
/* Sends the next queued request when none is outstanding. */
void cs_wlc_cl_kick(struct cs_wlc_sess *s, uint64_t now_ms);
/* The session goes away: queue freed, clients forgotten. */
void cs_wlc_cl_sess_gone(struct cs_wlc_sess *s);

/* wlc_stats.c */
void cs_wlc_stats_free(struct cs_wlc_stats_tab *t);
/* Finds or creates the record of an AP; NULL on ENOMEM. */
struct cs_wlc_ap_stats *cs_wlc_stats_by_mac(struct cs_wlc_stats_tab *t,
    const uint8_t mac[6], uint32_t ip, uint16_t port, uint64_t now_ms);
struct cs_wlc_ap_stats *cs_wlc_stats_by_ip(struct cs_wlc_stats_tab *t,
    uint32_t ip, uint16_t port, bool create, uint64_t now_ms);
struct cs_wlc_ap_stats *cs_wlc_stats_get(
    struct cs_wlc_stats_tab *t, uint32_t idx1);
uint32_t cs_wlc_stats_idx(
    const struct cs_wlc_stats_tab *t, const struct cs_wlc_ap_stats *st);
void cs_wlc_stats_fail(struct cs_wlc *w, struct cs_wlc_ap_stats *st,
    enum cs_phase phase, uint32_t result_code, const char *reason);

#endif /* CS_WLC_INTERNAL_H */
