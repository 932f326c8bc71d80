/* SPDX-License-Identifier: MIT */
/*
 * `capsim run --discovery dhcp|dns|static|broadcast`: before the engine
 * starts, every AP gets its address and controllers the way a real AP
 * does (lib/engine/discover.c); the results configure the engine.  The
 * DHCP clients stay alive on the run's event_base and renew their leases
 * while the run lasts.  cmd_run.c calls three functions.
 */
#ifndef CS_SIM_RUN_DISCOVER_H
#define CS_SIM_RUN_DISCOVER_H

#include <stdbool.h>
#include <stdint.h>

#include "capsim/discover.h"

struct event_base;
struct cs_engine_cfg;

struct sim_disc {
	bool enabled; /* any --discovery option given */
	enum cs_disc_mode mode;
	uint32_t server_ip, relay_ip, dns_server;
	const char *dns_domain;
	const char *vendor_class;
	double time_factor;
	unsigned dhcp_tries;
	uint64_t timeout_ms;
	/* runtime */
	struct cs_discover *d;
	struct cs_disc_result *res; /* per AP */
	const struct cs_engine_cfg *ec;
	struct event_base *base;
	unsigned n_ok, n_failed;
	bool running; /* discovery phase over, the engine runs */
};

/* getopt_long entries, in this order, with values first, first+1, ...
 * (SIM_DISC_N of them); help text for the usage. */
#define SIM_DISC_N 8
#define SIM_DISC_OPTIONS(first)                                                \
	{ "discovery", required_argument, NULL, (first) },                     \
	    { "dhcp-server", required_argument, NULL, (first) + 1 },           \
	    { "dhcp-relay", required_argument, NULL, (first) + 2 },            \
	    { "dns-domain", required_argument, NULL, (first) + 3 },            \
	    { "dns-server", required_argument, NULL, (first) + 4 },            \
	    { "vendor-class", required_argument, NULL, (first) + 5 },          \
	    { "dhcp-time-factor", required_argument, NULL, (first) + 6 },      \
	{                                                                      \
		"discovery-timeout", required_argument, NULL, (first) + 7      \
	}
extern const char sim_disc_usage[];

void sim_disc_init(struct sim_disc *s);
/* Option number `which` (0..SIM_DISC_N-1) with its argument: 0 or
 * -EINVAL. */
int sim_disc_opt(struct sim_disc *s, int which, const char *arg);
/* Runs discovery for all APs on `base` (dispatching it until every AP
 * has a result or the timeout), then sets ec->ap_base_ip and the targets.
 * Returns 0 to go on, or an exit code (2 usage, 3 discovery failed:
 * diagnosis printed, 1 runtime). */
int sim_disc_run(
    struct sim_disc *s, struct cs_engine_cfg *ec, struct event_base *base);
void sim_disc_free(struct sim_disc *s);

#endif /* CS_SIM_RUN_DISCOVER_H */
