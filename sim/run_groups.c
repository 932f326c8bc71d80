/* SPDX-License-Identifier: MIT */
/*
 * `capsim run`: a scenario's AP groups (scenarios/README.md, aps.groups)
 * turned into the engine's, each with its own model profile, timers and
 * DTLS client context.
 */
#include "run_groups.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/profile.h"
#include "capsim/scenario.h"

int
run_groups_make(struct run_groups *rg, const struct cs_scenario *scn,
    const struct cs_ap_cfg *ap, const struct cs_dtls_cfg *dc)
{
	size_t n;

	memset(rg, 0, sizeof(*rg));
	if (scn == NULL || scn->aps.n_groups == 0)
		return 0;
	n = scn->aps.n_groups;
	rg->g = calloc(n, sizeof(*rg->g));
	rg->prof = calloc(n, sizeof(*rg->prof));
	if (rg->g == NULL || rg->prof == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct cs_scn_group *sg = &scn->aps.groups[i];
		struct cs_engine_ap_group *g = &rg->g[i];
		struct cs_dtls_cfg gdc = *dc;
		struct cs_err err = { 0 };
		char why[256];
		int r;

		rg->n = i + 1;
		g->first = sg->first;
		g->count = sg->count;
		g->ap = *ap;
		/* a group's own model; the run's template already carries
		 * aps.profile, the default of every group */
		if (sg->profile != NULL &&
		    (scn->aps.profile == NULL ||
		        strcmp(sg->profile, scn->aps.profile) != 0)) {
			snprintf(why, sizeof(why), "%s", "");
			if ((r = cs_profile_load(&rg->prof[i], sg->profile,
			         NULL, why, sizeof(why))) == 0 &&
			    (r = cs_profile_apply(rg->prof[i], &g->ap)) < 0)
				snprintf(why, sizeof(why), "%s", strerror(-r));
			if (r < 0) {
				fprintf(stderr,
				    "capsim: run: %s:%u: AP group %zu: profile "
				    "%s: %s\n",
				    scn->file, sg->line, i + 1, sg->profile,
				    why);
				return -EINVAL;
			}
		}
		cs_scn_group_apply_timers(sg, &g->ap);
		g->ap.image_policy = sg->image_policy;
		g->ap_cert_kind = sg->cert;
		g->ap_clock_skew_s = sg->clock_skew_s;
		gdc.version = sg->dtls_version;
		gdc.ciphers = sg->ciphers;
		if (sg->mtu != 0)
			gdc.mtu = sg->mtu;
		if ((r = cs_dtls_ctx_new(&g->ap_dtls, &gdc, &err)) < 0) {
			fprintf(stderr,
			    "capsim: run: %s:%u: AP group %zu: DTLS setup "
			    "failed: %s\n",
			    scn->file, sg->line, i + 1,
			    err.what ? err.what : strerror(-r));
			return -EINVAL;
		}
	}
	return 0;
}

void
run_groups_free(struct run_groups *rg)
{
	if (rg == NULL)
		return;
	for (size_t i = 0; i < rg->n; i++) {
		cs_dtls_ctx_free(rg->g[i].ap_dtls);
		cs_profile_free(rg->prof[i]);
	}
	free(rg->g);
	free(rg->prof);
	memset(rg, 0, sizeof(*rg));
}
