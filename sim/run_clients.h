/* SPDX-License-Identifier: MIT */
/*
 * Wireless-client options shared by `capsim run` (the APs' stations and
 * the embedded WLC's WLAN) and `capsim wlc` (the WLAN and the DHCP
 * relay): --clients-per-ap, --wlan, --psk, --client-rate,
 * --client-lifetime, --client-mac-base, --client-subnet,
 * --client-dhcp-server.
 */
#ifndef CS_SIM_RUN_CLIENTS_H
#define CS_SIM_RUN_CLIENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "capsim/engine.h"
#include "capsim/wlc_clients.h"

struct sim_clients {
	unsigned per_ap;
	char ssid[33];
	const char *psk;     /* NULL: open system */
	const char *wlc_psk; /* the embedded WLC's own, NULL: psk (a
	                        scenario's clients.wlc-psk) */
	double rate;         /* per AP, clients/s; 0 = at once */
	uint64_t lifetime_ms;
	uint8_t mac_base[6];
	uint32_t mac_step;
	uint32_t subnet, mask, gateway;
	uint32_t dhcp_server;
	uint16_t dhcp_port;
	/* the WLC's misbehaviours toward clients (for tests) */
	uint16_t refuse_assoc;
	/* the stations' DHCP timers (0: defaults; a scenario's clients) */
	uint32_t dhcp_timeout_ms, dhcp_tries;
	uint32_t drop_m3;
	bool no_dhcp_relay;
	/* what the WLC is given (cs_wlc_cfg.clients points here) */
	struct cs_wlc_clients_cfg wcc;
};

/* getopt_long entries first, first+1, ... (SIM_CLIENTS_N of them). */
#define SIM_CLIENTS_N 11
#define SIM_CLIENTS_OPTIONS(first)                                             \
	{ "clients-per-ap", required_argument, NULL, (first) },                \
	    { "wlan", required_argument, NULL, (first) + 1 },                  \
	    { "psk", required_argument, NULL, (first) + 2 },                   \
	    { "client-rate", required_argument, NULL, (first) + 3 },           \
	    { "client-lifetime", required_argument, NULL, (first) + 4 },       \
	    { "client-mac-base", required_argument, NULL, (first) + 5 },       \
	    { "client-subnet", required_argument, NULL, (first) + 6 },         \
	    { "client-dhcp-server", required_argument, NULL, (first) + 7 },    \
	    { "client-refuse-assoc", required_argument, NULL, (first) + 8 },   \
	    { "client-drop-eapol-m3", required_argument, NULL, (first) + 9 },  \
	{                                                                      \
		"client-no-dhcp-relay", no_argument, NULL, (first) + 10        \
	}
extern const char sim_clients_usage_run[];
extern const char sim_clients_usage_wlc[];

void sim_clients_init(struct sim_clients *c);
/* Option number `which` (0..SIM_CLIENTS_N-1) with its argument (NULL
 * for the one without): 0, or
 * -EINVAL after printing why. */
int sim_clients_opt(struct sim_clients *c, int which, const char *arg);
/* Puts the stations into ec->clients (when `aps`) and the WLAN into
 * ec->wlc.clients (when `wlc`; c must outlive the engine).  0, or
 * -EINVAL after printing why (`cmd` names the command). */
int sim_clients_apply(struct sim_clients *c, struct cs_engine_cfg *ec, bool aps,
    bool wlc, const char *cmd);

#endif /* CS_SIM_RUN_CLIENTS_H */
