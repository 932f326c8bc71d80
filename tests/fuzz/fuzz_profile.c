/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the AP model profile parser (capsim/profile.h): any
 * bytes either parse into a profile whose invariants hold (radio count
 * and ids in range, RAW payloads 1..2048 bytes inside the profile, Cisco
 * versions a.b.c.d) that then builds every Cisco message of an AP, or are
 * refused with a non-empty FILE:LINE:COL message; never a crash or leak.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ap/ap-internal.h"
#include "capsim/ap.h"
#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "capsim/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
f_sc(void *c, enum cs_chan ch, uint32_t d, uint16_t p, const uint8_t *b,
    size_t l, const struct cs_pkt_hint *h)
{
	(void)c, (void)ch, (void)d, (void)p, (void)b, (void)l, (void)h;
	return 0;
}

static int
f_ss(void *c, const uint8_t *b, size_t l, const struct cs_pkt_hint *h)
{
	(void)c, (void)b, (void)l, (void)h;
	return 0;
}

static int
f_ds(void *c, uint32_t ip, uint16_t port)
{
	(void)c, (void)ip, (void)port;
	return 0;
}

static void
f_dx(void *c, bool g)
{
	(void)c, (void)g;
}

static void
f_ta(void *c, enum cs_ap_timer t, uint64_t ms)
{
	(void)c, (void)t, (void)ms;
}

static void
f_tc(void *c, enum cs_ap_timer t)
{
	(void)c, (void)t;
}

static uint32_t
f_rand(void *c, uint32_t b)
{
	(void)c, (void)b;
	return 0;
}

/* Builds each message an AP with this profile sends; they must decode. */
static void
build_all(const struct cs_profile *p)
{
	static void (*const build[])(const struct cs_ap *, struct cs_wr *,
	    uint8_t) = { cs_ap_build_discovery_req, cs_ap_build_join_req,
		cs_ap_build_config_status_req, cs_ap_build_change_state_req,
		cs_ap_build_echo_req, cs_ap_build_primary_discovery_req };
	struct cs_ap_io io = { .send_clear = f_sc,
		.send_secure = f_ss,
		.dtls_start = f_ds,
		.dtls_stop = f_dx,
		.timer_arm = f_ta,
		.timer_cancel = f_tc,
		.rand = f_rand };
	struct cs_ap_cfg cfg;
	struct cs_ap *ap;
	static uint8_t buf[CS_CAPWAP_MAX_MSG];

	cs_ap_cfg_defaults(&cfg);
	cfg.target_count = 1;
	cfg.targets[0] = 0x7f000001;
	if (cs_profile_apply(p, &cfg) != 0)
		abort();
	if (cs_ap_new(&ap, &cfg, &io) != 0)
		return; /* e.g. a model longer than the AP accepts */
	for (size_t i = 0; i < sizeof(build) / sizeof(build[0]); i++) {
		struct cs_wr wr;
		struct cs_msg m;

		cs_wr_init(&wr, buf, sizeof(buf));
		build[i](ap, &wr, 1);
		if (wr.err == 0 &&
		    cs_msg_decode(&m, buf, wr.len, CS_MSG_F_CISCO, NULL) != 0)
			abort();
	}
	cs_ap_free(ap);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_profile *p = NULL;
	char why[512];
	int r;

	why[0] = '\0';
	r = cs_profile_parse_mem(
	    &p, "f.yaml", (const char *)data, size, why, sizeof(why));
	if (r != 0) {
		if (p != NULL || (r == -EINVAL && why[0] == '\0'))
			abort();
		return 0;
	}
	if (p->radio_count == 0 || p->radio_count > CS_PROFILE_MAX_RADIOS ||
	    p->radio_first_id + p->radio_count > 31 ||
	    p->n_vsp > CS_PROFILE_MAX_VSP || p->model == NULL ||
	    p->name == NULL)
		abort();
	for (unsigned i = 0; i < p->n_vsp; i++) {
		const struct cs_profile_vsp *v = &p->vsp[i];

		if (v->kind == CS_PVSP_RAW &&
		    (v->len == 0 || v->len > CS_VSP_MAX_DATA ||
		        v->data == NULL))
			abort();
	}
	build_all(p);
	cs_profile_free(p);
	return 0;
}
