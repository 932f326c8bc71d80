/* SPDX-License-Identifier: MIT */
/*
 * The mock WLC controller object: configuration, names, construction,
 * events and the drop log.  The discovery responder is in wlc_disc.c, the
 * sessions and the data channel keep-alive demultiplexer in wlc_sess.c, the
 * per-session FSM in ctl_fsm.c.
 */
#include "capsim/wlc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capsim/capwap.h"
#include "capsim/capwap_keepalive.h"
#include "capsim/cursor.h"
#include "capsim/values.h"
#include "wlc-internal.h"

#define WLC_NAME_MAX 512 /* AC Name, RFC 5415 §4.6.4 */
#define WLC_VER_MAX  512 /* our cap for version strings (RFC: 1024) */

static const char *const wlc_state_names[] = {
	[CS_WLC_S_WAIT_JOIN] = "Wait-Join",
	[CS_WLC_S_JOINED] = "Joined",
	[CS_WLC_S_IMAGE_DATA] = "Image-Data",
	[CS_WLC_S_CONFIGURE] = "Configure",
	[CS_WLC_S_DATA_CHECK] = "Data-Check",
	[CS_WLC_S_RUN] = "Run",
	[CS_WLC_S_RESET] = "Reset",
	[CS_WLC_S_DEAD] = "Dead",
};
_Static_assert(CS_ARRAY_SIZE(wlc_state_names) == CS_WLC_S__COUNT,
    "wlc_state_names[] out of sync with enum cs_wlc_state");

static const char *const wlc_timer_names[] = {
	[CS_WLC_T_WAIT_JOIN] = "WaitJoin",
	[CS_WLC_T_CHANGE_STATE_PENDING] = "ChangeStatePendingTimer",
	[CS_WLC_T_DATA_CHECK] = "DataCheckTimer",
	[CS_WLC_T_ECHO] = "EchoInterval",
	[CS_WLC_T_RETRANSMIT] = "RetransmitInterval",
	[CS_WLC_T_DELAY] = "ResponseDelay",
	[CS_WLC_T_IMAGE_QUEUE] = "ImageStartQueue",
};
_Static_assert(CS_ARRAY_SIZE(wlc_timer_names) == CS_WLC_T__COUNT,
    "wlc_timer_names[] out of sync with enum cs_wlc_timer");

static const char *const wlc_ev_names[] = {
	[CS_WLC_EV_STATE] = "state",
	[CS_WLC_EV_MSG_RECEIVED] = "msg-received",
	[CS_WLC_EV_MSG_SENT] = "msg-sent",
	[CS_WLC_EV_MSG_DROPPED] = "msg-dropped",
	[CS_WLC_EV_DISCOVERY] = "discovery",
	[CS_WLC_EV_DTLS_FAILED] = "dtls-failed",
	[CS_WLC_EV_JOIN_OK] = "join-ok",
	[CS_WLC_EV_JOIN_FAILED] = "join-failed",
	[CS_WLC_EV_RUN] = "run",
	[CS_WLC_EV_TEARDOWN] = "teardown",
	[CS_WLC_EV_RESTART] = "restart",
};
_Static_assert(CS_ARRAY_SIZE(wlc_ev_names) == CS_WLC_EV__COUNT,
    "wlc_ev_names[] out of sync with enum cs_wlc_ev_kind");

static const enum cs_phase wlc_state_phases[] = {
	[CS_WLC_S_WAIT_JOIN] = CS_PHASE_JOIN,
	[CS_WLC_S_JOINED] = CS_PHASE_JOIN,
	[CS_WLC_S_IMAGE_DATA] = CS_PHASE_IMAGE,
	[CS_WLC_S_CONFIGURE] = CS_PHASE_CONFIGURE,
	[CS_WLC_S_DATA_CHECK] = CS_PHASE_DATA_CHECK,
	[CS_WLC_S_RUN] = CS_PHASE_RUN,
	[CS_WLC_S_RESET] = CS_PHASE_RUN,
	[CS_WLC_S_DEAD] = CS_PHASE__COUNT,
};
_Static_assert(CS_ARRAY_SIZE(wlc_state_phases) == CS_WLC_S__COUNT,
    "wlc_state_phases[] out of sync with enum cs_wlc_state");

const char *
cs_wlc_state_name(enum cs_wlc_state st)
{
	if ((unsigned)st >= CS_WLC_S__COUNT)
		return NULL;
	return wlc_state_names[st];
}

const char *
cs_wlc_timer_name(enum cs_wlc_timer t)
{
	if ((unsigned)t >= CS_WLC_T__COUNT)
		return NULL;
	return wlc_timer_names[t];
}

const char *
cs_wlc_ev_kind_name(enum cs_wlc_ev_kind k)
{
	if ((unsigned)k >= CS_WLC_EV__COUNT)
		return NULL;
	return wlc_ev_names[k];
}

enum cs_phase
cs_wlc_state_phase(enum cs_wlc_state st)
{
	if ((unsigned)st >= CS_WLC_S__COUNT)
		return CS_PHASE__COUNT;
	return wlc_state_phases[st];
}

/* RFC 5415 §4.5.3: the first retransmission after RetransmitInterval, then
 * doubling, never more than half of EchoInterval. */
uint64_t
cs_wlc_retransmit_ms(const struct cs_wlc_cfg *cfg, unsigned attempt)
{
	uint64_t ms, cap;

	if (cfg == NULL)
		return 0;
	cap = (uint64_t)cfg->echo_interval_s * 1000 / 2;
	ms = cfg->retransmit_interval_ms;
	for (unsigned i = 0; i < attempt && ms < cap; i++)
		ms *= 2;
	if (cap != 0 && ms > cap)
		ms = cap;
	return ms;
}

/* RFC 5415 §4.6.13: the AC sets its EchoInterval timer to the configured
 * echo interval plus the maximum retransmission time of §4.5.3, i.e. the
 * time a WTP needs from its first Echo Request to giving up: the initial
 * wait plus one interval per retransmission. */
uint64_t
cs_wlc_echo_dead_ms(const struct cs_wlc_cfg *cfg)
{
	uint64_t ms;

	if (cfg == NULL)
		return 0;
	ms = (uint64_t)cfg->echo_interval_s * 1000;
	for (unsigned i = 0; i <= cfg->max_retransmit; i++)
		ms += cs_wlc_retransmit_ms(cfg, i);
	return ms;
}

static int
wlc_auth_fail(struct cs_wlc_auth_err *err, size_t line, size_t at, size_t len,
    const char *why)
{
	if (err != NULL) {
		err->line = line;
		err->at = at;
		err->len = len;
		snprintf(err->why, sizeof(err->why), "%s", why);
	}
	return -EINVAL;
}

int
cs_wlc_auth_parse(const char *text, size_t len, uint8_t (**macs)[6], size_t *n,
    struct cs_wlc_auth_err *err)
{
	uint8_t(*v)[6] = NULL, (*nv)[6];
	size_t cap = 0, count = 0, line = 0, p = 0, s, e;
	struct cs_val_err ve;
	char entry[64];

	if ((text == NULL && len > 0) || macs == NULL || n == NULL)
		return -EINVAL;
	while (cs_val_next_line(text, len, &p, &line, &s, &e)) {
		if (memchr(text + s, '\0', e - s) != NULL) {
			free(v);
			return wlc_auth_fail(err, line, s, e - s, "NUL byte");
		}
		if (e - s >= sizeof(entry)) {
			free(v);
			return wlc_auth_fail(
			    err, line, s, e - s, "too long for a MAC address");
		}
		memcpy(entry, text + s, e - s);
		entry[e - s] = '\0';
		if (count == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		if (cs_val_mac(entry, v[count], &ve) < 0) {
			free(v);
			return wlc_auth_fail(err, line, s, e - s, ve.why);
		}
		count++;
	}
	*macs = v;
	*n = count;
	return 0;
}

void
cs_wlc_cfg_defaults(struct cs_wlc_cfg *cfg)
{
	if (cfg == NULL)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->ac_name = "capsim-wlc";
	cfg->hw_version = "capsim-wlc-hw-1";
	cfg->sw_version = "17.9.4";
	cfg->listen_ip = 0x7f000001;
	cfg->max_wtps = CS_WLC_DEFAULT_MAX_WTPS;
	cfg->station_limit = 2000;
	cfg->security_x509 = true;
	cfg->rmac = true;
	cfg->ecn_support = CS_ECN_LIMITED;
	cfg->wait_join_ms = 60000;            /* §4.7.16 */
	cfg->change_state_pending_ms = 25000; /* §4.7.1 */
	cfg->data_check_ms = 30000;           /* §4.7.4 */
	cfg->retransmit_interval_ms = 3000;   /* §4.7.12 */
	cfg->max_retransmit = 5;              /* §4.8.7 */
	cfg->discovery_interval_s = 20;       /* §4.7.10 */
	cfg->echo_interval_s = 30;            /* §4.7.7 */
	cfg->idle_timeout_s = 300;            /* §4.7.8 */
	cfg->report_interval_s = 120;         /* §4.7.11 */
	cfg->wtp_fallback = 1;                /* §4.8.9 */
	/* capwap-facts: a 9800 pre-downloads to at most 100 APs per WNCd,
	 * starting them in batches of 16 a minute */
	cfg->image_max_downloads = 100;
	cfg->image_starts_per_min = 16;
	cfg->misbehave.reject_code = CS_RC_JOIN_FAIL_UNSPEC;
	cfg->log.max_level = CS_LOG_INFO;
}

static bool
misbehave_ok(const struct cs_wlc_misbehave *m)
{
	return m->reject_share >= 0.0 && m->reject_share <= 1.0 &&
	    m->reject_code < CS_RC__COUNT;
}

static bool
cfg_ok(const struct cs_wlc_cfg *c)
{
	size_t n;

	if (c->ac_name == NULL || c->hw_version == NULL ||
	    c->sw_version == NULL)
		return false;
	n = strlen(c->ac_name);
	if (n == 0 || n > WLC_NAME_MAX)
		return false;
	if (strlen(c->hw_version) > WLC_VER_MAX ||
	    strlen(c->sw_version) > WLC_VER_MAX ||
	    (c->image_id == NULL && strlen(c->sw_version) == 0))
		return false;
	if (c->image_id != NULL &&
	    (strlen(c->image_id) == 0 || strlen(c->image_id) > WLC_VER_MAX))
		return false;
	if (c->ac_ipv4_count > CS_WLC_MAX_AC_LIST)
		return false;
	if (c->image_starts_per_min > CS_WLC_IMAGE_RATE_MAX)
		return false;
	if (c->auth_count > 0 && c->auth_macs == NULL)
		return false;
	if (c->echo_interval_s == 0 || c->retransmit_interval_ms == 0 ||
	    c->wait_join_ms == 0 || c->change_state_pending_ms == 0 ||
	    c->data_check_ms == 0 || c->max_retransmit > 32)
		return false;
	if (c->wtp_fallback != 1 && c->wtp_fallback != 2)
		return false;
	if (c->ecn_support > CS_ECN_FULL)
		return false;
	return misbehave_ok(&c->misbehave);
}

static char *
dup_str(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static void
image_hash(struct cs_wlc *w)
{
	struct cs_wlc_md5 c;
	uint8_t blk[256];
	uint32_t off = 0;

	cs_wlc_md5_init(&c);
	while (off < w->cfg.image_size) {
		size_t n = w->cfg.image_size - off;

		if (n > sizeof(blk))
			n = sizeof(blk);
		for (size_t i = 0; i < n; i++)
			blk[i] = cs_wlc_image_at(w, off + (uint32_t)i);
		cs_wlc_md5_update(&c, blk, n);
		off += (uint32_t)n;
	}
	cs_wlc_md5_final(&c, w->image_md5);
}

int
cs_wlc_new(struct cs_wlc **ret, const struct cs_wlc_cfg *cfg,
    const struct cs_wlc_io *io)
{
	struct cs_wlc *w;
	size_t cap = 64;

	if (ret == NULL || cfg == NULL || io == NULL || !cfg_ok(cfg))
		return -EINVAL;
	if (io->send_clear == NULL || io->send_secure == NULL ||
	    io->sess_close == NULL || io->timer_arm == NULL ||
	    io->timer_cancel == NULL || io->rand == NULL)
		return -EINVAL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -ENOMEM;
	w->cfg = *cfg;
	w->io = *io;
	w->ac_name = dup_str(cfg->ac_name);
	w->hw_version = dup_str(cfg->hw_version);
	w->sw_version = dup_str(cfg->sw_version);
	w->image_id =
	    dup_str(cfg->image_id != NULL ? cfg->image_id : cfg->sw_version);
	if (w->ac_name == NULL || w->hw_version == NULL ||
	    w->sw_version == NULL || w->image_id == NULL)
		goto fail;
	w->cfg.ac_name = w->ac_name;
	w->cfg.hw_version = w->hw_version;
	w->cfg.sw_version = w->sw_version;
	w->cfg.image_id = w->image_id;
	if (cfg->auth_count > 0) {
		w->auth_macs = calloc(cfg->auth_count, sizeof(*w->auth_macs));
		if (w->auth_macs == NULL)
			goto fail;
		memcpy(w->auth_macs, cfg->auth_macs,
		    cfg->auth_count * sizeof(*w->auth_macs));
	}
	w->cfg.auth_macs = (const uint8_t(*)[6])w->auth_macs;
	if (w->cfg.time_base_s == 0)
		w->cfg.time_base_s = (uint32_t)time(NULL);
	/* Session-ID table sized once for the capacity: chains stay short
	 * even past it (joins beyond capacity are refused anyway). */
	while (cap < (size_t)cfg->max_wtps * 2 && cap < 65536)
		cap *= 2;
	if ((w->sid_hash = calloc(cap, sizeof(*w->sid_hash))) == NULL)
		goto fail;
	w->sid_cap = cap;
	if (cfg->image_data != NULL && cfg->image_size > 0) {
		if ((w->image_data = malloc(cfg->image_size)) == NULL)
			goto fail;
		memcpy(w->image_data, cfg->image_data, cfg->image_size);
	}
	w->cfg.image_data = w->image_data;
	w->img_gate.max_active = cfg->image_max_downloads;
	w->img_gate.per_min = cfg->image_starts_per_min;
	image_hash(w);
	if (cs_wlc_cl_new(w) < 0)
		goto fail;
	*ret = w;
	return 0;
fail:
	cs_wlc_free(w);
	return -ENOMEM;
}

static unsigned droplog_sources(const struct wlc_droplog *d);

void
cs_wlc_free(struct cs_wlc *w)
{
	if (w == NULL)
		return;
	w->in_free = true;
	/* the last window's drops: no later drop will summarise them */
	if (w->droplog.n > w->droplog.n_logged)
		cs_logf(&w->cfg.log, CS_LOG_WARN,
		    "%llu datagrams dropped from ~%u sources in the last "
		    "window (%u reported one by one)",
		    (unsigned long long)w->droplog.n,
		    droplog_sources(&w->droplog), w->droplog.n_logged);
	while (w->sessions != NULL)
		cs_wlc_sess_destroy(w->sessions);
	cs_wlc_cl_free(w);
	cs_wlc_stats_free(&w->stats);
	free(w->sid_hash);
	free(w->auth_macs);
	free(w->ac_name);
	free(w->hw_version);
	free(w->sw_version);
	free(w->image_id);
	free(w->image_data);
	free(w);
}

int
cs_wlc_set_misbehave(struct cs_wlc *w, const struct cs_wlc_misbehave *m)
{
	if (w == NULL || m == NULL || !misbehave_ok(m))
		return -EINVAL;
	w->cfg.misbehave = *m;
	return 0;
}

bool
cs_wlc_mute_swallow(struct cs_wlc *w)
{
	if (w == NULL || !w->cfg.misbehave.mute)
		return false;
	w->ctr.muted++;
	return true;
}

const struct cs_wlc_misbehave *
cs_wlc_get_misbehave(const struct cs_wlc *w)
{
	return w != NULL ? &w->cfg.misbehave : NULL;
}

unsigned
cs_wlc_active_wtps(const struct cs_wlc *w)
{
	return w != NULL ? w->n_joined : 0;
}

const struct cs_wlc_counters *
cs_wlc_counters(const struct cs_wlc *w)
{
	return w != NULL ? &w->ctr : NULL;
}

uint32_t
cs_wlc_adv_ip(const struct cs_wlc *w)
{
	return w->cfg.advertise_ip != 0 ? w->cfg.advertise_ip
	                                : w->cfg.listen_ip;
}

void
cs_wlc_fmt_ip(uint32_t ip, char *buf, size_t cap)
{
	snprintf(buf, cap, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
	    (ip >> 8) & 0xff, ip & 0xff);
}

void
cs_wlc_fmt_mac(const uint8_t mac[6], char *buf, size_t cap)
{
	char m[18];

	cs_val_mac_str(mac, m);
	snprintf(buf, cap, "%s", m);
}

void
cs_wlc_emit(struct cs_wlc *w, struct cs_wlc_sess *s, enum cs_wlc_ev_kind kind,
    uint64_t now_ms, uint32_t msg_type, uint32_t result_code,
    const char *reason)
{
	struct cs_wlc_event ev;
	unsigned slot = msg_type < CS_WLC_MSG_SLOTS ? msg_type : 0;

	cs_wlc_cl_emit(w, s, (int)kind, now_ms);
	/* the controller's message load, per type and direction */
	if (kind == CS_WLC_EV_MSG_RECEIVED && msg_type != 0)
		w->ctr.msg_rx[slot]++;
	else if (kind == CS_WLC_EV_MSG_SENT && msg_type != 0)
		w->ctr.msg_tx[slot]++;
	if (w->io.event == NULL)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.t_ms = now_ms;
	ev.kind = kind;
	ev.sess = s;
	ev.msg_type = msg_type;
	ev.result_code = result_code;
	ev.reason = reason;
	ev.phase = CS_PHASE_DISCOVERY;
	if (s != NULL) {
		ev.peer_ip = s->peer_ip;
		ev.peer_port = s->peer_port;
		ev.has_mac = s->has_mac;
		memcpy(ev.mac, s->mac, 6);
		ev.from = ev.to = s->state;
		ev.phase = cs_wlc_state_phase(
		    s->state == CS_WLC_S_DEAD ? s->last_live : s->state);
	}
	w->io.event(w->io.ctx, &ev);
}

static unsigned
droplog_sources(const struct wlc_droplog *d)
{
	unsigned zero = 0;

	for (size_t i = 0; i < sizeof(d->seen); i++)
		zero += 8u - (unsigned)__builtin_popcount(d->seen[i]);
	if (zero == 0)
		return CS_WLC_DROPLOG_BITS; /* saturated: at least */
	return (unsigned)(-(double)CS_WLC_DROPLOG_BITS *
	        log((double)zero / CS_WLC_DROPLOG_BITS) +
	    0.5);
}

bool
cs_wlc_droplog_may(struct cs_wlc *w, uint32_t ip, uint64_t now_ms)
{
	struct wlc_droplog *d = &w->droplog;
	uint32_t h = (ip * 2654435761u) >> 19; /* 13 bits */

	if (d->n > 0 && now_ms - d->start_ms >= CS_WLC_DROPLOG_WINDOW_MS) {
		if (d->n > d->n_logged) {
			char why[128];

			snprintf(why, sizeof(why),
			    "%llu datagrams dropped from ~%u sources in the "
			    "last %u s (%u reported one by one)",
			    (unsigned long long)d->n, droplog_sources(d),
			    (unsigned)((now_ms - d->start_ms) / 1000),
			    d->n_logged);
			cs_logf(&w->cfg.log, CS_LOG_WARN, "%s", why);
			/* the event stream gets the same summary: one
			 * event per window, not one per datagram */
			cs_wlc_emit(
			    w, NULL, CS_WLC_EV_MSG_DROPPED, now_ms, 0, 0, why);
		}
		memset(d, 0, sizeof(*d));
	}
	if (d->n == 0)
		d->start_ms = now_ms;
	d->n++;
	d->seen[h / 8] |= (uint8_t)(1u << (h % 8));
	if (d->n_logged >= CS_WLC_DROPLOG_LINES)
		return false;
	d->n_logged++;
	return true;
}
