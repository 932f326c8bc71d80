/* SPDX-License-Identifier: MIT */
/*
 * How each virtual AP learns its address and its controllers, the way a
 * real Cisco AP does (capwap-facts §4.3-4.4): a DHCP lease through a relay
 * (lib/net/dhcp_client.c) whose option 43 (both Cisco forms) or option 138
 * (RFC 5417) lists controllers; else DNS, CISCO-CAPWAP-CONTROLLER.<domain>
 * with the server from option 6 and the domain from option 15 (libevent
 * evdns); else local-subnet broadcast; or static (primed) controllers.
 *
 * libevent glue (engine layer): one relay socket bound to relay_ip:67 per
 * discovery object serves every AP, replies demultiplexed by xid and
 * chaddr.  The engine calls cs_discover_start_ap() per AP and gets one
 * on_ready callback per AP with the result; renewals continue while the
 * object lives.
 */
#ifndef CS_DISCOVER_H
#define CS_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/log.h"

struct event_base;
struct cs_discover;

#define CS_DISC_MAX_TARGETS 8 /* == CS_AP_MAX_TARGETS */

enum cs_disc_mode {
	CS_DISC_MODE_STATIC,    /* cfg.static_targets, address from base */
	CS_DISC_MODE_DHCP,      /* lease; 43 / 138, then DNS, then bcast */
	CS_DISC_MODE_DNS,       /* lease if a server is set; DNS only */
	CS_DISC_MODE_BROADCAST, /* 255.255.255.255 on the segment */
	CS_DISC_MODE__COUNT
};

/* Where the controller list came from. */
enum cs_disc_source {
	CS_DISC_SRC_NONE,
	CS_DISC_SRC_STATIC,
	CS_DISC_SRC_OPT43,
	CS_DISC_SRC_OPT138,
	CS_DISC_SRC_DNS,
	CS_DISC_SRC_BROADCAST,
	CS_DISC_SRC__COUNT
};

struct cs_disc_result {
	int status;       /* 0 ok, else negative errno (see reason) */
	int phase;        /* enum cs_phase of a failure: DHCP or DISCOVERY */
	char reason[512]; /* failure text, e.g. "option 43 malformed: ..." */
	uint32_t ip;      /* the AP's address (lease or static), host order */
	uint32_t mask, server_id, lease_s;
	enum cs_disc_source source;
	size_t n_targets;
	uint32_t targets[CS_DISC_MAX_TARGETS];
	/* for the diagnosis */
	bool has_opt43;
	size_t opt43_len;
	uint8_t opt43[255];    /* raw bytes received */
	char opt43_error[200]; /* why they did not parse, "" if they did */
	char dns_name[300];    /* name looked up, "" if none */
	char dns_error[128];   /* resolver failure text, "" if none */
	uint64_t elapsed_ms;   /* start -> result */
};

struct cs_discover_cfg {
	struct event_base *base; /* borrowed */
	const struct cs_log *log;
	enum cs_disc_mode mode;
	unsigned n_aps;
	uint64_t seed;
	unsigned index_base; /* global index of AP 0 (shards): its randomness
	                        (DHCP xid) depends on the global index */
	/* identity of AP i: MAC (chaddr) and option 60 (static string or
	 * NULL) */
	void (*ap_ident)(
	    void *ctx, unsigned ap, uint8_t mac[6], const char **vendor_class);
	/* one call per AP start; r valid during the call only */
	void (*on_ready)(
	    void *ctx, unsigned ap, const struct cs_disc_result *r);
	/* lease changes after on_ready (renewed elsewhere / lost); may be
	 * NULL */
	void (*on_lease_lost)(void *ctx, unsigned ap);
	void *ctx;

	/* DHCP (modes dhcp, dns) */
	uint32_t relay_ip;       /* giaddr; the socket binds relay_ip:67 */
	uint32_t server_ip;      /* DHCP server; 0 in dns/static: no DHCP */
	double time_factor;      /* DHCP/DNS timers scale (0 = 1.0) */
	unsigned dhcp_max_tries; /* see cs_dhcpc_cfg.max_tries */
	uint16_t relay_port;     /* 0 = 67 (tests use another) */
	uint16_t server_port;    /* 0 = 67 (tests use another) */

	/* static and address fallback (no DHCP): AP i has base_ip + i */
	uint32_t base_ip;
	size_t n_static;
	uint32_t static_targets[CS_DISC_MAX_TARGETS];

	/* DNS overrides (0 / NULL: from options 6 / 15) */
	uint32_t dns_server;
	const char *dns_domain;
	uint32_t dns_timeout_ms; /* 0 = 5000 (scaled) */
	uint16_t dns_port;       /* 0 = 53 (tests use another) */
};

/* Opens the relay socket (modes using DHCP) and the resolver.  -EINVAL
 * (bad cfg, log says which field), -EADDRNOTAVAIL / -EADDRINUSE (relay
 * socket), -ENOMEM.  *ret untouched on failure. */
CS_API int cs_discover_new(
    struct cs_discover **ret, const struct cs_discover_cfg *cfg);
/* Starts discovery for AP `ap` (< n_aps): DHCP, DNS... then on_ready.
 * -EALREADY when running, -EINVAL out of range. */
CS_API int cs_discover_start_ap(struct cs_discover *d, unsigned ap);
/* The AP found its address in use: DHCP DECLINE and a new lease (a
 * second on_ready follows). */
CS_API int cs_discover_decline(struct cs_discover *d, unsigned ap);
/* Stops every client and lookup; no further callbacks. */
CS_API void cs_discover_stop(struct cs_discover *d);
CS_API void cs_discover_free(struct cs_discover *d);
/* How many APs got a result (ok or failed) so far. */
CS_API unsigned cs_discover_done(const struct cs_discover *d);

CS_API const char *cs_disc_mode_name(enum cs_disc_mode m);
CS_API int cs_disc_mode_parse(const char *s, enum cs_disc_mode *m);
CS_API const char *cs_disc_source_name(enum cs_disc_source s);

/*
 * Pure part, exposed for tests: the controller list from a lease's
 * options in the order real APs use (option 43, then 138).  Fills r's
 * targets/source/opt43 fields; returns 0 when controllers were found,
 * -ENOENT when the lease names none (r->opt43_error says why when option
 * 43 was there but unusable).  `opt43`/`opt138` may be NULL.
 */
CS_API int cs_disc_from_options(const uint8_t *opt43, size_t opt43_len,
    bool has_opt43, const uint32_t *opt138, size_t n138,
    struct cs_disc_result *r);

#endif /* CS_DISCOVER_H */
