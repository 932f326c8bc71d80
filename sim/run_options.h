/* SPDX-License-Identifier: MIT */
/*
 * Options of `capsim run`: what the command line and the scenario file
 * (its settings first, the options over them) ask of the run.
 */
#ifndef CS_SIM_RUN_OPTIONS_H
#define CS_SIM_RUN_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "capsim/dtls.h"
#include "capsim/engine.h"
#include "capsim/pki.h"
#include "run_clients.h"
#include "run_discover.h"
#include "run_shard.h"

struct cs_impair_rule;
struct sim_run_peer;
struct cs_scenario;

struct run_opts {
	struct cs_engine_cfg ec;
	struct cs_dtls_cfg dc, wdc; /* the APs' and the embedded WLC's */
	struct sim_disc disc;
	struct sim_clients clients;   /* wireless clients (sim/run_clients.h) */
	struct cs_scenario *scn;      /* owned; NULL without a scenario */
	struct cs_impair_rule *rules; /* owned; --rule ones */
	size_t n_rules;
	char pkidir[4096];
	const char *json_path, *junit_path, *events_path, *listen;
	const char *pcap_path, *clear_path, *keylog_path;
	const char *pcap_wlc_path; /* --pcap-wlc */
	struct sim_run_peer *peer; /* owned; --peer-pcap */
	const char *ca_cert, *ca_key, *ap_cert, *ap_key, *wlc_ca;
	const char *profile, *scn_path, *dtls_ver;
	/* the time series and the page: --html, --csv, --interval,
	 * --interval-lines (sim/run_series.h) */
	const char *html_path, *csv_path;
	uint64_t interval_ms;
	bool interval_lines;
	enum cs_pki_broken wlc_cert;
	bool wlc_dtls_set; /* the scenario set the WLC's DTLS */
	bool force_progress, quiet, verbose;
	bool wlc_listen_given, embedded;
	bool wlc_data_dtls_given; /* --wlc-data-dtls (else --data-dtls) */
	uint32_t wlc_ip;
	uint16_t wlc_port;
	/* --wlc-secondary, --wlc-tertiary (0 = none); AC Names primed with
	 * NAME@ (ec.ap.primed[] points here) */
	uint32_t wlc_backup[2];
	char wlc_names[3][513];
	uint64_t duration_ms;
	uint64_t linger_ms; /* --metrics-linger */
	bool check;         /* --check: validate, print the plan, exit */
	bool per_ap;        /* --per-ap: the join summary per AP */
	bool until_run; /* --until-run: end once every AP (client) is in Run */
	struct run_shard shard;     /* --shard, --shards, --start-at */
	char *image_buf;            /* --wlc-image: the file's bytes, owned */
	struct cs_dtls_psk_set psk; /* --dtls-psk, owned (dc.psk points in) */
};

void run_usage(FILE *f);
bool run_options_parse(
    struct run_opts *o, int argc, char **argv, int *exit_code);
void run_options_free(struct run_opts *o);
/* run_check.c: --check, the plan of the run printed, nothing run */
int run_check(const struct run_opts *o);

#endif /* CS_SIM_RUN_OPTIONS_H */
