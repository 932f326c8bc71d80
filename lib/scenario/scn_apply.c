/* SPDX-License-Identifier: MIT */
/*
 * A scenario applied to a run's configuration: the AP population and its
 * timers, the embedded WLC's policies, NAT, and the DTLS settings of both
 * sides.  The program applies it first and its own options over it.
 */
#include "capsim/scenario.h"

#include <errno.h>
#include <string.h>

#include "capsim/engine.h"

/* Seconds for a WLC timer field of one byte, rounded up, at most 255. */
static uint8_t
apply_secs_u8(uint64_t ms)
{
	return (uint8_t)((ms + 999) / 1000 > 255 ? 255 : (ms + 999) / 1000);
}

static void
apply_aps(const struct cs_scenario *sc, struct cs_engine_cfg *ec)
{
	const struct cs_scn_aps *ap = &sc->aps;

	ec->seed = sc->seed;
	ec->n_aps = ap->count;
	ec->ap_base_ip = ap->base_ip;
	memcpy(ec->ap_base_mac, ap->base_mac, 6);
	if (ap->name != NULL)
		ec->ap_name_prefix = ap->name;
	ec->ap.skip_discovery = ap->skip_discovery;
	ec->ap_clock_skew_s = ap->clock_skew_s;
	ec->ap_cert_kind = ap->cert;
	ec->rate = ap->rate_per_s;
	if (ap->max_inflight)
		ec->max_inflight = ap->max_inflight;
	ec->ap.image_policy = ap->image_policy;
	ec->ap.data_dtls = ap->data_dtls;
	cs_scenario_apply_ap_timers(sc, &ec->ap);
	if (ap->n_controllers > 0) {
		size_t n = ap->n_controllers;

		if (n > CS_AP_MAX_TARGETS)
			n = CS_AP_MAX_TARGETS;
		memcpy(ec->ap.targets, ap->controllers,
		    n * sizeof(ap->controllers[0]));
		ec->ap.target_count = (uint8_t)n;
	}
	/* primed controllers (names point into the scenario, which
	 * outlives the engine's configuration) */
	for (size_t i = 0; i < ap->n_primed && i < 3; i++) {
		uint32_t a = ap->primed_ip[i];
		bool known = false;

		ec->ap.primed[i] =
		    ap->primed_name[i][0] != '\0' ? ap->primed_name[i] : NULL;
		ec->ap.primed_ip[i] = a;
		if (a == 0)
			continue;
		for (unsigned k = 0; k < ec->ap.target_count; k++)
			known |= ec->ap.targets[k] == a;
		if (!known && ec->ap.target_count < CS_AP_MAX_TARGETS)
			ec->ap.targets[ec->ap.target_count++] = a;
	}
}

static void
apply_wlc(const struct cs_scenario *sc, struct cs_engine_cfg *ec)
{
	const struct cs_scn_wlc *w = &sc->wlc;

	ec->wlc.advertise_ip = w->advertise_ip;
	ec->wlc.max_wtps =
	    w->has_max_aps ? w->max_aps : CS_WLC_DEFAULT_MAX_WTPS;
	ec->wlc.auth_enabled = w->auth_enabled;
	ec->wlc.auth_macs = (const uint8_t(*)[6])w->auth_macs;
	ec->wlc.auth_count = w->n_auth_macs;
	ec->wlc.cisco = w->cisco;
	ec->wlc.data_dtls = w->data_dtls;
	if (w->echo_interval_ms)
		ec->wlc.echo_interval_s = apply_secs_u8(w->echo_interval_ms);
	if (w->discovery_interval_ms)
		ec->wlc.discovery_interval_s =
		    apply_secs_u8(w->discovery_interval_ms);
	if (w->wait_join_ms)
		ec->wlc.wait_join_ms = w->wait_join_ms;
	if (w->data_check_ms)
		ec->wlc.data_check_ms = w->data_check_ms;
	ec->wlc.image_size = w->image_size;
	if (w->has_image_max)
		ec->wlc.image_max_downloads = w->image_max_downloads;
	if (w->has_image_rate)
		ec->wlc.image_starts_per_min = w->image_starts_per_min;
	ec->wlc.misbehave = w->misbehave;
}

int
cs_scenario_apply(const struct cs_scenario *sc, struct cs_engine_cfg *ec,
    struct cs_dtls_cfg *ap_dc, struct cs_dtls_cfg *wlc_dc)
{
	if (sc == NULL || ec == NULL)
		return -EINVAL;
	apply_aps(sc, ec);
	apply_wlc(sc, ec);
	if (sc->nat.enabled)
		ec->nat = &sc->nat.cfg;
	if (ap_dc != NULL) {
		ap_dc->version = sc->aps.dtls_version;
		ap_dc->ciphers = sc->aps.ciphers;
		ap_dc->psk = sc->aps.psk.v;
		ap_dc->n_psk = sc->aps.psk.n;
		if (sc->aps.mtu)
			ap_dc->mtu = sc->aps.mtu;
	}
	if (wlc_dc != NULL) {
		wlc_dc->version = sc->wlc.dtls_version;
		wlc_dc->ciphers = sc->wlc.ciphers;
		/* a WLC without keys of its own knows the APs' (embedded) */
		wlc_dc->psk = sc->wlc.psk.n > 0 ? sc->wlc.psk.v : sc->aps.psk.v;
		wlc_dc->n_psk =
		    sc->wlc.psk.n > 0 ? sc->wlc.psk.n : sc->aps.psk.n;
		ec->wlc.security_psk = wlc_dc->n_psk > 0;
		/* the APs' MTU, unless the WLC has its own */
		if (sc->aps.mtu)
			wlc_dc->mtu = sc->aps.mtu;
		if (sc->wlc.mtu)
			wlc_dc->mtu = sc->wlc.mtu;
	}
	return 0;
}
