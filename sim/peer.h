/* SPDX-License-Identifier: MIT */
/*
 * The controller-side capture beside an AP-side one (`capsim analyze
 * --peer`, `capsim run --peer-pcap`): reads it, merges it into the
 * AP-side analysis (lib/report/analyze_peer.c) and reports what it added.
 */
#ifndef SIM_PEER_H
#define SIM_PEER_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "capsim/analyze.h"
#include "capsim/analyze_peer.h"
#include "capsim/common.h"

struct sim_peer {
	const char *path;
	const char *fmt; /* "pcapng", "pcap" */
	struct cs_analyze *a;
	struct cs_peer_log *log;
	struct cs_peer_stats st;
	bool merged;   /* sim_peer_merge ran */
	bool read_err; /* cut or corrupt: what came before is used */
	struct cs_err err;
};

/* Reads the capture at @p path (its Decryption Secrets Blocks included)
 * with @p cfg's ports.  Messages go to stderr prefixed by @p prog.
 * @return 0, SIM_EXIT_USAGE (unreadable, not a capture), SIM_EXIT_RUNTIME
 * (out of memory).  Free with sim_peer_free() either way. */
int sim_peer_load(struct sim_peer *p, const char *prog, const char *path,
    const struct cs_analyze_cfg *cfg);

/* Merges it into @p here (logged in @p here_log) before
 * cs_analyze_finish(here).  @return 0, SIM_EXIT_RUNTIME. */
int sim_peer_merge(
    struct sim_peer *p, struct cs_analyze *here, struct cs_peer_log *here_log);

/* What the controller side added, in words / as JSON. */
void sim_peer_print(FILE *o, const struct sim_peer *p);
json_t *sim_peer_json(const struct sim_peer *p);

void sim_peer_free(struct sim_peer *p);

#endif /* SIM_PEER_H */
