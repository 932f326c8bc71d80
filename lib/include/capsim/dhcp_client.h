/* SPDX-License-Identifier: MIT */
/*
 * A DHCPv4 client for one virtual AP, acting through a relay agent
 * (RFC 2131 §4.1, RFC 1542 §4): capsim is the relay, so every message
 * carries giaddr = the relay address and hops = 1 and is unicast to the
 * server's UDP port 67; the server answers the relay on port 67.  Sans-I/O
 * (STYLE G0): datagrams, timer expiries and "now" go in; datagrams to send,
 * one timer to arm and events come out through struct cs_dhcpc_io.
 *
 * States follow RFC 2131 §4.4 (figure 5): INIT -> SELECTING (DISCOVER) ->
 * REQUESTING (REQUEST) -> BOUND -> RENEWING at T1 -> REBINDING at T2 ->
 * INIT at lease expiry.  NAK -> INIT; DECLINE (the caller found the
 * address in use, §3.1 step 5) -> INIT after 10 s.  Retransmission of
 * DISCOVER/REQUEST follows §4.1: 4, 8, 16, 32, 64 s, each randomized by
 * +-1 s.  Renewal REQUESTs carry ciaddr (§4.3.2) and go through the relay
 * too, so one relay socket serves everything.  All durations are
 * multiplied by cfg.time_factor so tests can run the RFC schedule fast.
 */
#ifndef CS_DHCP_CLIENT_H
#define CS_DHCP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/log.h"

struct cs_dhcpc;

enum cs_dhcpc_state {
	CS_DHCPC_INIT,
	CS_DHCPC_SELECTING,
	CS_DHCPC_REQUESTING,
	CS_DHCPC_BOUND,
	CS_DHCPC_RENEWING,
	CS_DHCPC_REBINDING,
	CS_DHCPC_FAILED, /* gave up (max_tries); cs_dhcpc_start() again */
	CS_DHCPC_STOPPED,
	CS_DHCPC__COUNT
};

#define CS_DHCPC_MAX_ADDRS 8

/* What the server gave (RFC 2132 options).  Addresses host order. */
struct cs_dhcpc_lease {
	uint32_t ip;         /* yiaddr */
	uint32_t server_id;  /* option 54 */
	uint32_t mask;       /* option 1, 0 if absent */
	uint32_t lease_s;    /* option 51 (0xffffffff = infinite) */
	uint32_t t1_s, t2_s; /* option 58/59, or 1/2 and 7/8 of the lease */
	size_t n_routers, n_dns, n_capwap_ac;
	uint32_t routers[CS_DHCPC_MAX_ADDRS];
	uint32_t dns[CS_DHCPC_MAX_ADDRS];       /* option 6 */
	uint32_t capwap_ac[CS_DHCPC_MAX_ADDRS]; /* option 138 */
	char domain[256];                       /* option 15, "" */
	bool has_opt43;
	size_t opt43_len;
	uint8_t opt43[255];   /* option 43 bytes as received */
	uint64_t acquired_ms; /* "now" of the ACK */
};

enum cs_dhcpc_ev_kind {
	CS_DHCPC_EV_STATE,   /* from -> to */
	CS_DHCPC_EV_SENT,    /* a message left (type, attempt in `value`) */
	CS_DHCPC_EV_BOUND,   /* first ACK: lease valid */
	CS_DHCPC_EV_RENEWED, /* ACK in RENEWING/REBINDING */
	CS_DHCPC_EV_NAK,     /* server said no; restarting */
	CS_DHCPC_EV_EXPIRED, /* lease ran out without renewal */
	CS_DHCPC_EV_FAILED,  /* no answer after max_tries (reason) */
	CS_DHCPC_EV_DROPPED, /* input ignored (reason) */
	CS_DHCPC_EV__COUNT
};

struct cs_dhcpc_event {
	enum cs_dhcpc_ev_kind kind;
	enum cs_dhcpc_state from, to;
	int msg_type;   /* enum cs_dhcp_type for SENT/DROPPED, else 0 */
	uint32_t value; /* SENT: transmission number (1 = first) */
	const struct cs_dhcpc_lease *lease; /* BOUND/RENEWED */
	const char *reason;                 /* static text or NULL */
	uint64_t t_ms;
};

struct cs_dhcpc_io {
	/* send a DHCP message (UDP payload) to dst_ip:dst_port from the
	 * relay's port 67 */
	int (*send)(void *ctx, uint32_t dst_ip, uint16_t dst_port,
	    const uint8_t *pkt, size_t len);
	/* the client's one timer: re-arm replaces, cancel is harmless */
	void (*timer_arm)(void *ctx, uint64_t delay_ms);
	void (*timer_cancel)(void *ctx);
	/* may be NULL; cs_dhcpc_free() from here is not allowed */
	void (*event)(void *ctx, const struct cs_dhcpc_event *ev);
	/* seeded randomness: uniform in [0, bound) (bound >= 1) */
	uint32_t (*rand)(void *ctx, uint32_t bound);
	void *ctx;
};

struct cs_dhcpc_cfg {
	uint8_t mac[6];           /* chaddr; client id is 01 + mac */
	const char *vendor_class; /* option 60 (copied), NULL = none */
	uint32_t giaddr;          /* relay address (required) */
	uint32_t server_ip;       /* DHCP server (required) */
	uint16_t server_port;     /* 0 = 67 */
	uint32_t xid;             /* first transaction id; later ones +1 */
	double time_factor;       /* 0 = 1.0; 0.01 runs 100x faster */
	unsigned max_tries; /* transmissions of one DISCOVER/REQUEST before
	                       giving up (0 = 5, i.e. 4+8+16+32+64 s) */
	const struct cs_log *log; /* may be NULL */
};

/* Creates a client in INIT.  -EINVAL (NULL, no giaddr/server, no send or
 * timer callbacks), -ENOMEM.  *ret untouched on failure. */
CS_API int cs_dhcpc_new(struct cs_dhcpc **ret, const struct cs_dhcpc_cfg *cfg,
    const struct cs_dhcpc_io *io);
CS_API void cs_dhcpc_free(struct cs_dhcpc *c);

/* INIT/FAILED/STOPPED -> SELECTING: sends DISCOVER.  -EALREADY when
 * already running. */
CS_API int cs_dhcpc_start(struct cs_dhcpc *c, uint64_t now_ms);
/* Stops: cancels the timer, state STOPPED (no RELEASE is sent). */
CS_API void cs_dhcpc_stop(struct cs_dhcpc *c);

/*
 * Hands a datagram received on the relay port to the client.  Returns 0
 * when it was for this client and was used; -ENOENT when it is not for
 * this client (xid or chaddr differ: try the next one); -EBADMSG when
 * malformed (err says where); -EPROTO when it is for this client but not
 * acceptable now (reason in a DROPPED event).
 */
CS_API int cs_dhcpc_input(struct cs_dhcpc *c, const uint8_t *pkt, size_t len,
    uint64_t now_ms, struct cs_err *err);
/* The timer the client armed has expired. */
CS_API void cs_dhcpc_timeout(struct cs_dhcpc *c, uint64_t now_ms);
/* The bound address is in use (ARP/ICMP probe or local check): sends
 * DECLINE, back to INIT, restart after 10 s (RFC 2131 §3.1 step 5).
 * -EPROTO when not BOUND. */
CS_API int cs_dhcpc_decline(struct cs_dhcpc *c, uint64_t now_ms);

CS_API enum cs_dhcpc_state cs_dhcpc_state(const struct cs_dhcpc *c);
/* The current lease, or NULL when not BOUND/RENEWING/REBINDING. */
CS_API const struct cs_dhcpc_lease *cs_dhcpc_lease(const struct cs_dhcpc *c);
/* Current transaction id (for demultiplexing). */
CS_API uint32_t cs_dhcpc_xid(const struct cs_dhcpc *c);
CS_API const uint8_t *cs_dhcpc_mac(const struct cs_dhcpc *c);
CS_API const char *cs_dhcpc_state_name(enum cs_dhcpc_state s);

/* Retransmission delay before transmission number `attempt`+1 (attempt
 * >= 1) per RFC 2131 §4.1, before jitter and scaling: 4, 8, 16, 32, 64,
 * 64... seconds, in ms.  Exposed for tests. */
CS_API uint64_t cs_dhcpc_backoff_ms(unsigned attempt);

#endif /* CS_DHCP_CLIENT_H */
