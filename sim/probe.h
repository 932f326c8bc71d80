/* SPDX-License-Identifier: MIT */
/*
 * `capsim probe`, shared by its two files: cmd_probe.c (options, the
 * one AP on the engine, the result) and probe_show.c (what each step
 * prints, and the hint).  Not a library interface.
 */
#ifndef CS_SIM_PROBE_H
#define CS_SIM_PROBE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "capsim/ap.h"
#include "capsim/diagnose.h"
#include "capsim/dtls.h"
#include "capsim/engine.h"

/*
 * The probe's state.  During the run the engine's worker thread writes
 * it through the hooks, the main thread waits on cv; both hold mu.  Once
 * the main thread set `closed`, the hooks change nothing more and the
 * main thread owns every field.
 */
struct probe {
	uint32_t ap_ip;
	uint8_t mac[6];
	uint64_t t0_ms;
	bool json;
	bool verify_off;
	bool psk; /* --dtls-psk: a key, not a certificate */
	const char
	    *ciphers; /* the AP's offer (NULL: CS_DTLS_DEFAULT_CIPHERS) */
	json_t *steps;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool closed;
	enum cs_ap_state state; /* the AP's, from its events */
	/* outcome */
	bool done, ok;
	enum cs_phase fail_phase;
	char fail_reason[600];
	uint32_t join_code;
	bool has_join_code;
	unsigned n_disc_resp;
	bool dtls_failed;
	struct cs_dtls_failure dfail;
	uint64_t run_at_ms; /* when Run was reached (+1): wait for keep-alive */
	unsigned ka_seen;   /* data channel keep-alives answered */
	bool ka_ok;
	bool has_doc; /* reached a result: --json writes the document */
	struct cs_engine_probe hook;
};

/* Monotonic milliseconds; since the probe began. */
uint64_t probe_now(void);
uint64_t probe_rel(const struct probe *p);
/* One step: a line on stdout (unless --json), and a JSON object with
 * "t_ms", "step", "text" and the fields of `extra` (stolen, may be NULL). */
void probe_step(struct probe *p, const char *name, json_t *extra,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The engine's probe hook and AP observer (struct probe as ctx). */
extern const struct cs_engine_probe probe_hook_tmpl;
void probe_on_ap_event(
    void *ctx, unsigned ap, const uint8_t mac[6], const struct cs_ap_event *ev);

/* The hint for the outcome, worded for this AP and the probe's options
 * where the diagnosis names a cause the probe can act on, else the
 * diagnosis's own hint. */
const char *probe_hint(const struct probe *p, const struct cs_diagnosis *d);

#endif /* CS_SIM_PROBE_H */
