/* SPDX-License-Identifier: MIT */
/*
 * `capsim analyze`: the wireless clients' part (cmd_analyze_clients.c).
 */
#ifndef SIM_CMD_ANALYZE_CLIENTS_H
#define SIM_CMD_ANALYZE_CLIENTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "capsim/analyze_clients.h"

struct cs_peer_log;

/* What the analysis' datagram hook feeds: the controller-side log (may
 * be NULL) and the clients. */
struct an_cl_ctx {
	struct cs_peer_log *hlog;
	struct cs_an_clients *cl;
};

/* cs_analyze_dgram_fn over an_cl_ctx. */
int an_cl_dgram(void *ctx, size_t ap, enum cs_dir dir, enum cs_chan ch,
    uint32_t wlc_ip, uint64_t t_us, const uint8_t *payload, size_t len);
/* The "clients" object of the JSON report; NULL when the capture shows
 * no client traffic. */
json_t *an_cl_json(const struct cs_an_clients *c);
/* The text lines (nothing without client traffic). */
void an_cl_print(FILE *f, const struct cs_an_clients *c);

#endif /* SIM_CMD_ANALYZE_CLIENTS_H */
