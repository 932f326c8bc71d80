/* SPDX-License-Identifier: MIT */
/*
 * `capsim run --peer-pcap FILE`: the run's own datagrams at the APs'
 * side, kept as an AP-side capture in memory, matched after the run with
 * a capture taken at the controller (lib/report/analyze_peer.c); what the
 * controller received and sent per AP goes into the live facts before
 * the diagnosis reads them.
 */
#ifndef CS_SIM_RUN_PEER_H
#define CS_SIM_RUN_PEER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/diagnose.h"
#include "capsim/report.h"

struct sim_run_peer;

/* @return 0, -ENOMEM.  @p path is borrowed (argv). */
int sim_run_peer_new(struct sim_run_peer **ret, const char *path);
void sim_run_peer_free(struct sim_run_peer *p);

/* While sim_run_peer_facts waits for the capture, *@p stop set (by a
 * signal handler) ends the wait: the capture is not used, the reports
 * are written.  Before the run ends. */
void sim_run_peer_stop_on(struct sim_run_peer *p, volatile sig_atomic_t *stop);

/* What was read and how it matched, for the run's JSON ("peer"); valid
 * while @p p lives.  NULL when @p p is NULL. */
const struct cs_report_peer *sim_run_peer_report(const struct sim_run_peer *p);

/* The controller's control port the run talks to (0: 5246); before the
 * run. */
void sim_run_peer_port(struct sim_run_peer *p, uint16_t wlc_port);

/* cs_engine_cfg.on_ap_wire (ctx: the sim_run_peer); thread-safe. */
void sim_run_peer_wire(void *ctx, unsigned ap, enum cs_dir dir, enum cs_chan ch,
    uint32_t src_ip, uint16_t src_port, uint32_t dst_ip, uint16_t dst_port,
    uint64_t wall_us, const uint8_t *pkt, size_t len);

/*
 * After the run (workers stopped): reads the controller-side capture,
 * matches it with the run's datagrams and, for each AP found in both,
 * points fp[i] at a copy of its facts holding the controller's side
 * (the copies live as long as @p p).  Says on stderr what it took, or
 * why nothing.  @p p NULL: nothing to do.
 */
void sim_run_peer_facts(
    struct sim_run_peer *p, const struct cs_ap_facts **fp, size_t n);

#endif /* CS_SIM_RUN_PEER_H */
