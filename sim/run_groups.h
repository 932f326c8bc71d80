/* SPDX-License-Identifier: MIT */
/*
 * A scenario's AP groups (aps.groups) as the engine's: per group a state
 * machine template and a DTLS client context of its own.
 */
#ifndef CS_SIM_RUN_GROUPS_H
#define CS_SIM_RUN_GROUPS_H

#include <stddef.h>

#include "capsim/dtls.h"
#include "capsim/engine.h"

struct cs_scenario;
struct cs_profile;

struct run_groups {
	struct cs_engine_ap_group *g; /* what cs_engine_cfg.ap_groups gets */
	struct cs_profile **prof;
	size_t n;
};

/*
 * Builds the groups of scn (none: rg stays empty) from the run's AP
 * template `ap` (profile, targets and ports already set) and DTLS client
 * settings `dc`: each group overrides the profile, timers, image policy,
 * DTLS version, ciphers, MTU, certificate kind and clock skew it names.
 * Returns 0, or -EINVAL with a message on stderr.  Free with
 * run_groups_free() either way.
 */
int run_groups_make(struct run_groups *rg, const struct cs_scenario *scn,
    const struct cs_ap_cfg *ap, const struct cs_dtls_cfg *dc);
void run_groups_free(struct run_groups *rg);

#endif /* CS_SIM_RUN_GROUPS_H */
