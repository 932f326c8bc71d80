/* SPDX-License-Identifier: MIT */
/*
 * Public face of the AP state machine (capsim/ap.h): configuration
 * defaults and checks, object lifetime with a deferred free for calls
 * from inside callbacks, and the entry points that feed the FSM.
 */
#include "capsim/ap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ap-internal.h"
#include "capsim/capwap.h"

static const char *const ap_state_names[] = {
	[CS_AP_IDLE] = "Idle",
	[CS_AP_DISCOVERY] = "Discovery",
	[CS_AP_SULKING] = "Sulking",
	[CS_AP_DTLS_SETUP] = "DTLS-Setup",
	[CS_AP_JOIN] = "Join",
	[CS_AP_IMAGE_DATA] = "Image-Data",
	[CS_AP_CONFIGURE] = "Configure",
	[CS_AP_DATA_CHECK] = "Data-Check",
	[CS_AP_RUN] = "Run",
	[CS_AP_RESET] = "Reset",
	[CS_AP_DTLS_TEARDOWN] = "DTLS-Teardown",
};
_Static_assert(CS_ARRAY_SIZE(ap_state_names) == CS_AP__COUNT,
    "ap_state_names[] out of sync with enum cs_ap_state");

static const char *const ap_timer_names[] = {
	[CS_AP_T_DISCOVERY_DELAY] = "DiscoveryDelay",
	[CS_AP_T_DISCOVERY_INTERVAL] = "DiscoveryInterval",
	[CS_AP_T_SILENT] = "SilentInterval",
	[CS_AP_T_WAIT_DTLS] = "WaitDTLS",
	[CS_AP_T_RETRANSMIT] = "RetransmitInterval",
	[CS_AP_T_ECHO] = "EchoInterval",
	[CS_AP_T_KEEPALIVE] = "DataChannelKeepAlive",
	[CS_AP_T_DATA_DEAD] = "DataChannelDeadInterval",
	[CS_AP_T_SESSION_DELETE] = "DTLSSessionDelete",
	[CS_AP_T_IMAGE_DATA_START] = "ImageDataStartTimer",
	[CS_AP_T_STATISTICS] = "StatisticsTimer",
	[CS_AP_T_DECRYPT_REPORT] = "ReportInterval",
};
_Static_assert(CS_ARRAY_SIZE(ap_timer_names) == CS_AP_T__COUNT,
    "ap_timer_names[] out of sync with enum cs_ap_timer");
_Static_assert(CS_AP_T__COUNT <= 16, "cs_ap.armed is 16 bits");
_Static_assert(CS_AP_MAX_TARGETS <= 8, "cs_ap.answered is 8 bits");

/* Timer slot -> FSM event. */
static const enum cs_ap_fsm_ev ap_timer_ev[] = {
	[CS_AP_T_DISCOVERY_DELAY] = CS_AP_E_T_DISCOVERY_DELAY,
	[CS_AP_T_DISCOVERY_INTERVAL] = CS_AP_E_T_DISCOVERY_INTERVAL,
	[CS_AP_T_SILENT] = CS_AP_E_T_SILENT,
	[CS_AP_T_WAIT_DTLS] = CS_AP_E_T_WAIT_DTLS,
	[CS_AP_T_RETRANSMIT] = CS_AP_E_T_RETRANSMIT,
	[CS_AP_T_ECHO] = CS_AP_E_T_ECHO,
	[CS_AP_T_KEEPALIVE] = CS_AP_E_T_KEEPALIVE,
	[CS_AP_T_DATA_DEAD] = CS_AP_E_T_DATA_DEAD,
	[CS_AP_T_SESSION_DELETE] = CS_AP_E_T_SESSION_DELETE,
	[CS_AP_T_IMAGE_DATA_START] = CS_AP_E_T_IMAGE_DATA_START,
	[CS_AP_T_STATISTICS] = CS_AP_E_T_STATISTICS,
	[CS_AP_T_DECRYPT_REPORT] = CS_AP_E_T_DECRYPT_REPORT,
};
_Static_assert(CS_ARRAY_SIZE(ap_timer_ev) == CS_AP_T__COUNT,
    "ap_timer_ev[] out of sync with enum cs_ap_timer");

static const char *const ap_ev_kind_names[] = {
	[CS_AP_EV_STATE] = "state",
	[CS_AP_EV_MSG_SENT] = "msg-sent",
	[CS_AP_EV_MSG_RECEIVED] = "msg-received",
	[CS_AP_EV_RETRANSMIT] = "retransmit",
	[CS_AP_EV_FAILURE] = "failure",
	[CS_AP_EV_DROPPED] = "dropped",
	[CS_AP_EV_INFO] = "info",
	[CS_AP_EV_FAILOVER] = "failover",
};
_Static_assert(CS_ARRAY_SIZE(ap_ev_kind_names) == CS_AP_EV__COUNT,
    "ap_ev_kind_names[] out of sync with enum cs_ap_ev_kind");

const char *
cs_ap_state_name(enum cs_ap_state s)
{
	if ((unsigned)s >= CS_AP__COUNT)
		return NULL;
	return ap_state_names[s];
}

const char *
cs_ap_timer_name(enum cs_ap_timer t)
{
	if ((unsigned)t >= CS_AP_T__COUNT)
		return NULL;
	return ap_timer_names[t];
}

const char *
cs_ap_ev_kind_name(enum cs_ap_ev_kind k)
{
	if ((unsigned)k >= CS_AP_EV__COUNT)
		return NULL;
	return ap_ev_kind_names[k];
}

int
cs_ap_cfg_defaults(struct cs_ap_cfg *cfg)
{
	if (cfg == NULL)
		return -EINVAL;
	*cfg = (struct cs_ap_cfg){
		.mac = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },
		.name = "AP",
		.location = "default",
		.board_vendor = CS_CISCO_VENDOR_ID,
		.model = "capsim-ap",
		.serial = "CSIM0000001",
		.hw_version = "1.0",
		.sw_version = "17.9.4.27",
		.boot_version = "1.1.0",
		.radio_count = 2,
		.radio_type = { CS_RADIO_TYPE_B | CS_RADIO_TYPE_G |
		        CS_RADIO_TYPE_N,
		    CS_RADIO_TYPE_A | CS_RADIO_TYPE_N },
		.frame_tunnel_mode = CS_FTM_8023,
		.mac_type = CS_MAC_LOCAL,
		.ecn_support = CS_ECN_LIMITED,
		.ac_port = CS_CAPWAP_CONTROL_PORT,
		.discovery_type = CS_DISC_STATIC,
		/* RFC 5415 §4.7, §4.8 */
		.discovery_interval_ms = 5000,
		.max_discovery_interval_ms = 20000,
		.max_discoveries = 10,
		.silent_interval_ms = 30000,
		.wait_dtls_ms = 60000,
		.max_failed_dtls = 3,
		.echo_interval_ms = 30000,
		.retransmit_interval_ms = 3000,
		.max_retransmit = 5,
		.keepalive_ms = 30000,
		.data_dead_ms = 60000,
		.session_delete_ms = 5000,
		.image_data_start_ms = 30000,
		.image_wait_ms = 3600000,
		.statistics_timer_s = 120,
		.image_policy = CS_AP_IMAGE_ADOPT,
	};
	return 0;
}

static bool
ap_str_ok(const char *s, size_t max)
{
	return s != NULL && s[0] != '\0' && strlen(s) <= max;
}

static bool
ap_cfg_ok(const struct cs_ap_cfg *c)
{
	if (!ap_str_ok(c->name, 512) || !ap_str_ok(c->model, 1024) ||
	    !ap_str_ok(c->serial, 1024) || !ap_str_ok(c->hw_version, 1024) ||
	    !ap_str_ok(c->sw_version, 1024) ||
	    !ap_str_ok(c->boot_version, 1024))
		return false;
	if (c->location != NULL && strlen(c->location) > 1024)
		return false;
	for (unsigned i = 0; i < 3; i++)
		if (c->primed[i] != NULL && strlen(c->primed[i]) > 512)
			return false;
	if (c->radio_count == 0 || c->radio_count > CS_AP_MAX_RADIOS ||
	    c->target_count == 0 || c->target_count > CS_AP_MAX_TARGETS ||
	    c->board_vendor == 0 || c->ac_port == 0 || c->ac_port == 65535)
		return false;
	if (c->discovery_interval_ms == 0 ||
	    c->max_discovery_interval_ms == 0 || c->max_discoveries == 0 ||
	    c->silent_interval_ms == 0 || c->wait_dtls_ms == 0 ||
	    c->max_failed_dtls == 0 || c->echo_interval_ms == 0 ||
	    c->retransmit_interval_ms == 0 || c->keepalive_ms == 0 ||
	    c->data_dead_ms == 0 || c->session_delete_ms == 0 ||
	    c->image_data_start_ms == 0 || c->image_wait_ms == 0 ||
	    c->max_retransmit > 255)
		return false;
	return c->image_policy == CS_AP_IMAGE_ADOPT ||
	    c->image_policy == CS_AP_IMAGE_DOWNLOAD ||
	    c->image_policy == CS_AP_IMAGE_PREDOWNLOAD;
}

/* Copies the configuration strings into one allocation. */
static int
ap_copy_strings(struct cs_ap *ap, const struct cs_ap_cfg *cfg)
{
	const char **f[] = { &ap->cfg.name, &ap->cfg.location, &ap->cfg.model,
		&ap->cfg.serial, &ap->cfg.hw_version, &ap->cfg.sw_version,
		&ap->cfg.boot_version, &ap->cfg.primed[0], &ap->cfg.primed[1],
		&ap->cfg.primed[2] };
	size_t total = 0;
	char *p;

	(void)cfg;
	if (ap->cfg.location == NULL || ap->cfg.location[0] == '\0')
		ap->cfg.location = "default";
	for (size_t i = 0; i < CS_ARRAY_SIZE(f); i++)
		if (*f[i] != NULL)
			total += strlen(*f[i]) + 1;
	if ((ap->strs = p = malloc(total)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < CS_ARRAY_SIZE(f); i++) {
		size_t n;

		if (*f[i] == NULL)
			continue;
		n = strlen(*f[i]) + 1;
		memcpy(p, *f[i], n);
		*f[i] = p;
		p += n;
	}
	return 0;
}

int
cs_ap_new(
    struct cs_ap **ret, const struct cs_ap_cfg *cfg, const struct cs_ap_io *io)
{
	struct cs_ap *ap;
	int r;

	if (ret == NULL || cfg == NULL || io == NULL ||
	    io->send_clear == NULL || io->send_secure == NULL ||
	    io->dtls_start == NULL || io->dtls_stop == NULL ||
	    io->timer_arm == NULL || io->timer_cancel == NULL ||
	    io->rand == NULL || !ap_cfg_ok(cfg))
		return -EINVAL;
	if ((ap = calloc(1, sizeof(*ap))) == NULL)
		return -ENOMEM;
	ap->cfg = *cfg;
	ap->io = *io;
	ap->state = CS_AP_IDLE;
	if ((r = ap_copy_strings(ap, cfg)) < 0)
		goto fail;
	if ((ap->sw_version = strdup(cfg->sw_version)) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	*ret = ap;
	return 0;
fail:
	cs_ap_free(ap);
	return r;
}

static void
ap_destroy(struct cs_ap *ap)
{
	free(ap->req);
	cs_ap_run_free(ap);
	free(ap->image_id);
	free(ap->img.stored);
	free(ap->ac_name);
	free(ap->sw_version);
	free(ap->strs);
	free(ap);
}

void
cs_ap_free(struct cs_ap *ap)
{
	if (ap == NULL)
		return;
	if (ap->busy > 0) {
		/* called from a callback: finish when the AP returns */
		ap->is_dead = true;
		return;
	}
	ap_destroy(ap);
}

/* Entry/exit of every public entry point that may call back. */
static void
ap_enter(struct cs_ap *ap, uint64_t now_ms)
{
	ap->busy++;
	if (now_ms > ap->now_ms)
		ap->now_ms = now_ms;
}

/* Returns true when the AP was freed. */
static bool
ap_leave(struct cs_ap *ap)
{
	if (!ap->is_dead)
		cs_ap_run_pending(ap);
	ap->busy--;
	if (ap->busy == 0 && ap->is_dead) {
		ap_destroy(ap);
		return true;
	}
	return false;
}

int
cs_ap_start(struct cs_ap *ap, uint64_t now_ms)
{
	if (ap == NULL || ap->is_dead)
		return -EINVAL;
	if (ap->started)
		return -EBUSY;
	ap->started = true;
	ap_enter(ap, now_ms);
	cs_ap_fsm(ap, CS_AP_E_START, NULL);
	ap_leave(ap);
	return 0;
}

int
cs_ap_input_clear(struct cs_ap *ap, enum cs_chan ch, uint32_t src_ip,
    uint16_t src_port, const uint8_t *pkt, size_t len, uint64_t now_ms)
{
	int r;

	(void)src_port;
	if (ap == NULL || ap->is_dead || (pkt == NULL && len > 0) ||
	    (ch != CS_CHAN_CONTROL && ch != CS_CHAN_DATA))
		return -EINVAL;
	ap_enter(ap, now_ms);
	r = cs_ap_rx_clear(ap, ch, src_ip, pkt, len);
	ap_leave(ap);
	return r;
}

int
cs_ap_input_secure(
    struct cs_ap *ap, const uint8_t *pkt, size_t len, uint64_t now_ms)
{
	int r;

	if (ap == NULL || ap->is_dead || (pkt == NULL && len > 0))
		return -EINVAL;
	ap_enter(ap, now_ms);
	r = cs_ap_rx_secure(ap, pkt, len);
	ap_leave(ap);
	return r;
}

void
cs_ap_dtls_done(
    struct cs_ap *ap, const struct cs_dtls_outcome *o, uint64_t now_ms)
{
	struct cs_ap_in in = { .dtls = o };

	if (ap == NULL || o == NULL || ap->is_dead)
		return;
	ap_enter(ap, now_ms);
	cs_ap_fsm(ap, o->ok ? CS_AP_E_DTLS_OK : CS_AP_E_DTLS_FAIL, &in);
	ap_leave(ap);
}

bool
cs_ap_data_dtls(const struct cs_ap *ap)
{
	return ap != NULL && ap->use_data_dtls;
}

void
cs_ap_data_dtls_done(
    struct cs_ap *ap, const struct cs_dtls_outcome *o, uint64_t now_ms)
{
	struct cs_ap_in in = { .dtls = o };

	if (ap == NULL || o == NULL || ap->is_dead)
		return;
	ap_enter(ap, now_ms);
	cs_ap_fsm(
	    ap, o->ok ? CS_AP_E_DATA_DTLS_OK : CS_AP_E_DATA_DTLS_FAIL, &in);
	ap_leave(ap);
}

void
cs_ap_dtls_sent(struct cs_ap *ap, uint64_t now_ms)
{
	if (ap == NULL || ap->is_dead)
		return;
	ap_enter(ap, now_ms);
	cs_ap_fsm(ap, CS_AP_E_DTLS_SENT, NULL);
	ap_leave(ap);
}

void
cs_ap_timer_fired(struct cs_ap *ap, enum cs_ap_timer t, uint64_t now_ms)
{
	if (ap == NULL || ap->is_dead || (unsigned)t >= CS_AP_T__COUNT)
		return;
	ap_enter(ap, now_ms);
	if (ap->armed & (1u << t)) {
		ap->armed &= (uint16_t) ~(1u << t);
		cs_ap_fsm(ap, ap_timer_ev[t], NULL);
	} else {
		/* a stale expiry the glue could not cancel in time */
		cs_ap_emit(ap, CS_AP_EV_DROPPED, 0, 0, t,
		    "expiry of a timer that is not armed");
	}
	ap_leave(ap);
}

enum cs_ap_state
cs_ap_state(const struct cs_ap *ap)
{
	if (ap == NULL)
		return CS_AP__COUNT;
	return ap->state;
}

enum cs_phase
cs_ap_phase(const struct cs_ap *ap)
{
	if (ap == NULL)
		return CS_PHASE__COUNT;
	return cs_ap_phase_of(ap, ap->state);
}

const struct cs_ap_stats *
cs_ap_stats(const struct cs_ap *ap)
{
	return ap != NULL ? &ap->stats : NULL;
}

uint32_t
cs_ap_ac_ip(const struct cs_ap *ap)
{
	return ap != NULL ? ap->ac_ip : 0;
}

const char *
cs_ap_sw_version(const struct cs_ap *ap)
{
	return ap != NULL ? ap->sw_version : NULL;
}

int
cs_ap_session_id(const struct cs_ap *ap, uint8_t out[16])
{
	if (ap == NULL || out == NULL)
		return -EINVAL;
	if (!ap->has_session)
		return -ENOENT;
	memcpy(out, ap->session_id, sizeof(ap->session_id));
	return 0;
}
