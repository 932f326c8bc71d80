/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the scenario loader: arbitrary bytes through
 * cs_scenario_parse_mem.  Laws: a failure leaves the output untouched and
 * names "<fuzz>:LINE:COL"; a success yields rules the impairment engine
 * accepts, a sorted timeline whose references are valid, a NAT config
 * cs_nat_new accepts, and expectations that evaluate.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/impair.h"
#include "capsim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fz_number(void *ctx, const char *path, double *out)
{
	(void)ctx;
	if (strcmp(path, "wlc.none") == 0)
		return -ENOENT;
	*out = (double)strlen(path);
	return 0;
}

static int
fz_string(void *ctx, const char *path, char *buf, size_t len)
{
	(void)ctx;
	(void)path;
	if (len > 0) {
		strncpy(buf, "ok", len);
		buf[len - 1] = '\0';
	}
	return 0;
}

static void
fz_check(const struct cs_scenario *s)
{
	struct cs_measure_ops ops = { fz_number, fz_string, 0, 0 };
	struct cs_impair *imp;
	struct cs_nat *nat;

	if (s->name == NULL || s->aps.name == NULL || s->aps.count == 0 ||
	    s->duration_ms == 0)
		abort();
	if (cs_impair_new(&imp, s->seed) != 0)
		abort();
	for (size_t i = 0; i < s->n_impairments; i++) {
		unsigned id;
		int r = cs_impair_add(imp, &s->impairments[i].rule, &id);

		/* what the loader accepts, the engine must accept */
		if (r != 0 && r != -ENOMEM)
			abort();
	}
	cs_impair_free(imp);
	if (s->nat.enabled) {
		if (cs_nat_new(&nat, &s->nat.cfg) == 0)
			cs_nat_free(nat);
		else if (s->nat.cfg.port_min <= s->nat.cfg.port_max)
			abort();
	}
	for (size_t i = 0; i < s->n_timeline; i++) {
		const struct cs_scn_event *ev = &s->timeline[i];

		if (i > 0 && s->timeline[i - 1].at_ms > ev->at_ms)
			abort();
		if (ev->at_ms > s->duration_ms)
			abort();
		if ((ev->action == CS_SCN_ACT_ENABLE ||
		        ev->action == CS_SCN_ACT_DISABLE) &&
		    ev->rule_index >= s->n_impairments)
			abort();
		(void)cs_apsel_match(&ev->sel, (unsigned)i, NULL, s->seed);
	}
	for (size_t i = 0; i < s->n_expect; i++) {
		struct cs_expect_result res;

		ops.ap_count = i % 3 == 0 ? 0 : s->aps.count;
		if (cs_expect_eval(&s->expect[i], &ops, NULL, &res) != 0)
			abort();
		if (res.text != s->expect[i].text)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_scenario *s = (struct cs_scenario *)(uintptr_t)1;
	struct cs_err err = { 0 };
	int r = cs_scenario_parse_mem(&s, data, size, "<fuzz>", &err);

	if (r == 0) {
		fz_check(s);
		cs_scenario_free(s);
		return 0;
	}
	if (s != (struct cs_scenario *)(uintptr_t)1 || err.code != r ||
	    err.what == NULL || strncmp(err.what, "<fuzz>:", 7) != 0)
		abort();
	return 0;
}
