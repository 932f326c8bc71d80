/* SPDX-License-Identifier: MIT */
/*
 * The impairment engine as a UDP relay between real endpoints (`capsim
 * proxy`): APs talk to the listen address, the proxy talks to the
 * controller, and every datagram both ways goes through cs_impair_apply.
 * Like a real middlebox it opens one upstream socket per downstream client
 * (address, port, channel), so replies map back; that suits a few hundred
 * clients, not a fleet.  Attaches to a caller-owned libevent loop.
 */
#ifndef CS_PROXY_H
#define CS_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/impair.h"
#include "capsim/log.h"

struct event_base;
struct cs_proxy;

/* Called for every verdict (for -v output), after the classification; m
 * and v are valid only during the call. */
typedef void cs_proxy_verdict_fn(
    void *ctx, const struct cs_pkt_meta *m, const struct cs_verdict *v);

struct cs_proxy_cfg {
	uint32_t listen_ip;     /* host order; must be local */
	uint16_t listen_port;   /* control; data on listen_port + 1 */
	uint32_t upstream_ip;   /* the controller */
	uint16_t upstream_port; /* its control port; data on + 1 */
	/* source address of the upstream sockets; 0 = listen_ip */
	uint32_t upstream_src_ip;
	struct cs_impair *imp;   /* borrowed; NULL = relay unimpaired */
	unsigned max_clients;    /* default 512 */
	uint64_t client_idle_ms; /* close idle clients; default 300 s */
	struct cs_log log;
	cs_proxy_verdict_fn *on_verdict; /* may be NULL */
	void *ctx;
};

struct cs_proxy_stats {
	uint64_t up_rx, up_tx;     /* AP -> WLC datagrams received / sent */
	uint64_t down_rx, down_tx; /* WLC -> AP */
	uint64_t dropped, held, delayed;
	uint64_t link_down_dropped; /* by cs_proxy_link_down */
	uint64_t send_errors;
	uint64_t clients, clients_now, clients_refused, clients_expired;
	uint64_t stray; /* upstream datagrams not from the controller */
};

/**
 * Opens the two listening sockets and attaches to @p base.  The AP index
 * given to the impairment engine is the order in which client IP
 * addresses were first seen (0, 1, ...); one AP's control and data
 * clients share it.  Time for rules counts from this call.
 * @return 0; -EINVAL; -errno of socket/bind (e.g. -EADDRINUSE); -ENOMEM.
 */
CS_API int cs_proxy_new(struct cs_proxy **ret, struct event_base *base,
    const struct cs_proxy_cfg *cfg);

/** Closes every socket and frees pending datagrams.  NULL is a no-op. */
CS_API void cs_proxy_free(struct cs_proxy *p);

/** Milliseconds since cs_proxy_new (the rules' clock). */
CS_API uint64_t cs_proxy_now_ms(const struct cs_proxy *p);

/** Drops every datagram both ways until @p until_ms (proxy clock). */
CS_API void cs_proxy_link_down(struct cs_proxy *p, uint64_t until_ms);

CS_API void cs_proxy_stats(
    const struct cs_proxy *p, struct cs_proxy_stats *out);

#endif /* CS_PROXY_H */
