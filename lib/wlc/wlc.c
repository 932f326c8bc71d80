/* SPDX-License-Identifier: MIT */
/*
 * The mock WLC controller object: configuration, the stateless discovery
 * responder (RFC 5415 §5, the AC's "Discovery thread" of §2.3), the data
 * channel keep-alive demultiplexer (Session ID -> session, §4.4.1, §11),
 * session bookkeeping, restart and names.  The per-session FSM lives in
 * ctl_fsm.c.
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
	size_t cap = 0, count = 0, line = 0, p = 0;
	struct cs_val_err ve;
	char entry[64];

	if ((text == NULL && len > 0) || macs == NULL || n == NULL)
		return -EINVAL;
	while (p < len) {
		const char *nl = memchr(text + p, '\n', len - p);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;
		size_t s = p, e = end;

		line++;
		p = nl != NULL ? end + 1 : len;
		while (s < e && (text[s] == ' ' || text[s] == '\t'))
			s++;
		while (e > s && (text[e - 1] == '\r' || text[e - 1] == ' '))
			e--;
		if (s == e || text[s] == '#')
			continue;
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

/* ---------------------------------------------------------------------
 * Session-ID table (RFC 5415 §4.4.1: the keep-alive names its session)
 */

static size_t
sid_bucket(const struct cs_wlc *w, const uint8_t id[16])
{
	uint64_t h = 1469598103934665603ULL;

	for (unsigned i = 0; i < 16; i++)
		h = (h ^ id[i]) * 1099511628211ULL;
	return (size_t)h & (w->sid_cap - 1);
}

void
cs_wlc_sid_insert(struct cs_wlc *w, struct cs_wlc_sess *s)
{
	size_t b = sid_bucket(w, s->session_id);

	if (s->in_hash)
		return;
	s->hnext = w->sid_hash[b];
	w->sid_hash[b] = s;
	s->in_hash = true;
}

void
cs_wlc_sid_remove(struct cs_wlc *w, struct cs_wlc_sess *s)
{
	struct cs_wlc_sess **pp;

	if (!s->in_hash)
		return;
	for (pp = &w->sid_hash[sid_bucket(w, s->session_id)]; *pp != NULL;
	     pp = &(*pp)->hnext) {
		if (*pp == s) {
			*pp = s->hnext;
			break;
		}
	}
	s->hnext = NULL;
	s->in_hash = false;
}

struct cs_wlc_sess *
cs_wlc_sid_find(const struct cs_wlc *w, const uint8_t id[16])
{
	struct cs_wlc_sess *s;

	for (s = w->sid_hash[sid_bucket(w, id)]; s != NULL; s = s->hnext)
		if (memcmp(s->session_id, id, 16) == 0)
			return s;
	return NULL;
}

/* ---------------------------------------------------------------------
 * Discovery responder (RFC 5415 §5.1-§5.4)
 */

/* AC Descriptor (§4.6.1), AC Name (§4.6.4): shared by Discovery and Join
 * Responses. */
/* "a.b.c.d" (each 0..255) -> 4 bytes. */
void
cs_wlc_put_cisco_vsp(
    struct cs_wr *wr, uint16_t id, const uint8_t *data, size_t len)
{
	struct cs_el_vendor_payload vp = { .vendor = CS_CISCO_VENDOR_ID,
		.element_id = id,
		.data = data,
		.len = len };

	cs_el_put_vendor_payload(wr, &vp);
}

void
cs_wlc_put_time_sync(const struct cs_wlc *w, struct cs_wr *wr, uint64_t now_ms)
{
	uint32_t t = w->cfg.time_base_s + (uint32_t)(now_ms / 1000);
	uint8_t v[5] = { (uint8_t)(t >> 24), (uint8_t)(t >> 16),
		(uint8_t)(t >> 8), (uint8_t)t, 0 };

	/* capwap-facts §4.1: Unix time u32 + type u8 */
	cs_wlc_put_cisco_vsp(wr, CS_CISCO_AP_TIME_SYNC, v, sizeof(v));
}

void
cs_wlc_put_ac_identity(struct cs_wlc *w, struct cs_wr *wr)
{
	struct cs_el_ac_descriptor d;
	struct cs_el_ac_name n;
	uint8_t sw[4], hw[4];

	memset(&d, 0, sizeof(d));
	d.stations = w->cfg.stations;
	d.limit = w->cfg.station_limit;
	d.active_wtps =
	    (uint16_t)(w->n_joined > UINT16_MAX ? UINT16_MAX : w->n_joined);
	d.max_wtps = (uint16_t)(w->cfg.max_wtps > UINT16_MAX ? UINT16_MAX
	                                                     : w->cfg.max_wtps);
	d.security = (uint8_t)((w->cfg.security_x509 ? CS_ACD_SEC_X : 0) |
	    (w->cfg.security_psk ? CS_ACD_SEC_S : 0));
	d.rmac = w->cfg.rmac ? CS_ACD_RMAC_YES : CS_ACD_RMAC_NO;
	d.dtls_policy = cs_data_dtls_ac_policy(w->cfg.data_dtls);
	d.n_info = 2;
	d.info[0].vendor = w->cfg.vendor_id;
	d.info[0].type = CS_ACD_INFO_HW;
	d.info[0].len = (uint16_t)strlen(w->hw_version);
	d.info[0].data = (const uint8_t *)w->hw_version;
	d.info[1].vendor = w->cfg.vendor_id;
	d.info[1].type = CS_ACD_INFO_SW;
	d.info[1].len = (uint16_t)strlen(w->sw_version);
	d.info[1].data = (const uint8_t *)w->sw_version;
	if (w->cfg.cisco) {
		/* capwap-facts §3 (actube cisco_out_ac_descriptor.c): Cisco
		 * vendor, software (type 1) first, then hardware (type 0), as
		 * 4 raw bytes when the version is a.b.c.d */
		d.info[0].vendor = CS_CISCO_VENDOR_ID;
		d.info[0].type = CS_WTPD_SW_VERSION;
		d.info[0].len = (uint16_t)strlen(w->sw_version);
		d.info[0].data = (const uint8_t *)w->sw_version;
		if (cs_val_dotted4(w->sw_version, sw, NULL) == 0) {
			d.info[0].len = 4;
			d.info[0].data = sw;
		}
		d.info[1].vendor = CS_CISCO_VENDOR_ID;
		d.info[1].type = CS_WTPD_HW_VERSION;
		d.info[1].len = (uint16_t)strlen(w->hw_version);
		d.info[1].data = (const uint8_t *)w->hw_version;
		if (cs_val_dotted4(w->hw_version, hw, NULL) == 0) {
			d.info[1].len = 4;
			d.info[1].data = hw;
		}
	}
	cs_el_put_ac_descriptor(wr, &d);
	n.name.s = w->ac_name;
	n.name.len = strlen(w->ac_name);
	cs_el_put_ac_name(wr, &n);
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

static void
disc_drop(struct cs_wlc *w, struct cs_wlc_ap_stats *st, uint32_t ip,
    uint16_t port, uint64_t now_ms, const char *why)
{
	char ipb[16];

	cs_wlc_fmt_ip(ip, ipb, sizeof(ipb));
	w->ctr.discovery_dropped++;
	if (st != NULL)
		st->discovery_dropped++;
	if (!cs_wlc_droplog_may(w, ip, now_ms))
		return; /* counted in the window's summary */
	cs_logf(&w->cfg.log, CS_LOG_WARN,
	    "Discovery Request from %s:%u dropped: %s", ipb, port, why);
	cs_wlc_emit(w, NULL, CS_WLC_EV_MSG_DROPPED, now_ms,
	    CS_MSG_DISCOVERY_REQ, 0, why);
}

/* Typed check of every mandatory element of a (Primary) Discovery Request
 * (§5.1, RFC 5416 §5); returns the failing element type or 0. */
static uint16_t
disc_validate(const struct cs_msg *m, struct cs_err *err)
{
	struct cs_el_board_data bd;
	struct cs_el_wtp_descriptor wd;
	struct cs_el_discovery_type dt;
	struct cs_el_frame_tunnel_mode ftm;
	struct cs_el_mac_type mt;
	struct cs_el_radio_info ri;
	unsigned nr = cs_msg_count(m, CS_EL_80211_RADIO_INFO);

	if (cs_el_get_board_data(
	        cs_msg_find(m, CS_EL_BOARD_DATA, 0), &bd, err) < 0)
		return CS_EL_BOARD_DATA;
	if (cs_el_get_wtp_descriptor_auto(
	        cs_msg_find(m, CS_EL_WTP_DESCRIPTOR, 0), CS_MSG_F_CISCO, &wd,
	        err) < 0)
		return CS_EL_WTP_DESCRIPTOR;
	if (cs_el_get_discovery_type(
	        cs_msg_find(m, CS_EL_DISCOVERY_TYPE, 0), &dt, err) < 0)
		return CS_EL_DISCOVERY_TYPE;
	if (cs_el_get_frame_tunnel_mode(
	        cs_msg_find(m, CS_EL_FRAME_TUNNEL_MODE, 0), &ftm, err) < 0)
		return CS_EL_FRAME_TUNNEL_MODE;
	if (cs_el_get_mac_type(cs_msg_find(m, CS_EL_MAC_TYPE, 0), &mt, err) < 0)
		return CS_EL_MAC_TYPE;
	if (nr > CS_WLC_MAX_RADIOS) {
		cs_err_set(err, -E2BIG, "more than 31 radios", 0);
		return CS_EL_80211_RADIO_INFO;
	}
	for (unsigned i = 0; i < nr; i++)
		if (cs_el_get_radio_info(
		        cs_msg_find(m, CS_EL_80211_RADIO_INFO, i), &ri, err) <
		    0)
			return CS_EL_80211_RADIO_INFO;
	return 0;
}

static struct cs_wlc_ap_stats *
disc_stats(struct cs_wlc *w, const struct cs_msg *m, uint32_t ip, uint16_t port,
    uint64_t now_ms)
{
	const struct cs_elem *e = cs_msg_find(m, CS_EL_BOARD_DATA, 0);
	struct cs_el_board_data bd;
	uint8_t mac[8];

	if (e != NULL && cs_el_get_board_data(e, &bd, NULL) == 0 &&
	    cs_board_data_base_mac(&bd, mac) == 6)
		return cs_wlc_stats_by_mac(&w->stats, mac, ip, port, now_ms);
	return cs_wlc_stats_by_ip(&w->stats, ip, port, true, now_ms);
}

static int
disc_input(struct cs_wlc *w, uint32_t ip, uint16_t port, const uint8_t *pkt,
    size_t len, uint64_t now_ms)
{
	struct cs_msg m;
	struct cs_err err = { 0 };
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;
	struct cs_el_ctrl_ipv4 cip;
	struct cs_pkt_hint hint;
	struct cs_wlc_ap_stats *st;
	uint8_t out[4096];
	uint16_t missing, bad;
	uint32_t type;
	unsigned nr;
	char ipb[16], why[160];

	if (cs_msg_decode(&m, pkt, len, CS_MSG_F_CISCO, &err) < 0) {
		w->ctr.malformed++;
		snprintf(why, sizeof(why), "malformed: %s at offset %zu",
		    err.what != NULL ? err.what : "?", err.offset);
		disc_drop(w, NULL, ip, port, now_ms, why);
		return 0;
	}
	type = m.ctl.type;
	if (type != CS_MSG_DISCOVERY_REQ &&
	    type != CS_MSG_PRIMARY_DISCOVERY_REQ) {
		/* RFC 5415 §4.1: clear non-discovery on the control port */
		cs_wlc_fmt_ip(ip, ipb, sizeof(ipb));
		w->ctr.clear_dropped++;
		if (!cs_wlc_droplog_may(w, ip, now_ms))
			return 0; /* counted in the window's summary */
		cs_logf(&w->cfg.log, CS_LOG_WARN,
		    "Clear %s from %s:%u dropped: only Discovery is allowed "
		    "without DTLS",
		    cs_msg_type_name(type), ipb, port);
		cs_wlc_emit(w, NULL, CS_WLC_EV_MSG_DROPPED, now_ms, type, 0,
		    "clear non-discovery message");
		return 0;
	}
	st = disc_stats(w, &m, ip, port, now_ms);
	w->ctr.discovery_rx++;
	if (st != NULL)
		st->discovery_requests++;
	if (w->cfg.misbehave.drop_msg_type == type) {
		w->ctr.policy_dropped++;
		return 0;
	}
	if (cs_msg_missing(&m, CS_MSG_F_CISCO, &missing) == 1) {
		snprintf(why, sizeof(why), "missing mandatory element %u (%s)",
		    missing, cs_elem_name(missing));
		disc_drop(w, st, ip, port, now_ms, why);
		return 0;
	}
	if ((bad = disc_validate(&m, &err)) != 0) {
		w->ctr.malformed++;
		snprintf(why, sizeof(why), "malformed %s: %s at offset %zu",
		    cs_elem_name(bad), err.what != NULL ? err.what : "?",
		    err.offset);
		disc_drop(w, st, ip, port, now_ms, why);
		return 0;
	}
	/* §5.2: AC Descriptor, AC Name, one Radio Information per radio the
	 * WTP reported (RFC 5416 §5), Control IPv4 Address. */
	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, out, sizeof(out));
	cs_msgb_begin(&b, &wr, &h, type + 1, m.ctl.seq);
	cs_wlc_put_ac_identity(w, &wr);
	nr = cs_msg_count(&m, CS_EL_80211_RADIO_INFO);
	for (unsigned i = 0; i < nr; i++) {
		struct cs_el_radio_info ri;

		cs_el_get_radio_info(
		    cs_msg_find(&m, CS_EL_80211_RADIO_INFO, i), &ri, NULL);
		cs_el_put_radio_info(&wr, &ri);
	}
	cip.addr = cs_wlc_adv_ip(w);
	cip.wtp_count =
	    (uint16_t)(w->n_joined > UINT16_MAX ? UINT16_MAX : w->n_joined);
	cs_el_put_ctrl_ipv4(&wr, &cip);
	if (w->cfg.cisco) {
		/* capwap-facts §4.2: AP Time Sync [mand], MWAR Type (u8:
		 * 0 = normal controller, as in MWAR Address) */
		static const uint8_t mwar_type = 0;

		cs_wlc_put_time_sync(w, &wr, now_ms);
		cs_wlc_put_cisco_vsp(&wr, CS_CISCO_MWAR_TYPE, &mwar_type, 1);
	}
	if (cs_msgb_end(&b) != 0)
		return cs_log_err(&w->cfg.log, wr.err,
		    "Discovery Response does not fit (%d)", wr.err);
	memset(&hint, 0, sizeof(hint));
	hint.msg_type = type + 1;
	hint.seq = m.ctl.seq;
	w->io.send_clear(
	    w->io.ctx, CS_CHAN_CONTROL, ip, port, out, wr.len, &hint);
	w->ctr.discovery_tx++;
	if (st != NULL)
		st->discovery_responses++;
	cs_wlc_fmt_ip(ip, ipb, sizeof(ipb));
	cs_logf(&w->cfg.log, CS_LOG_DEBUG, "%s from %s:%u answered",
	    cs_msg_type_name(type), ipb, port);
	cs_wlc_emit(w, NULL, CS_WLC_EV_DISCOVERY, now_ms, type + 1, 0, NULL);
	return 0;
}

/* ---------------------------------------------------------------------
 * Data channel keep-alive (RFC 5415 §4.4.1)
 */

static void
sess_enter(struct cs_wlc_sess *s)
{
	s->busy++;
}

static void
sess_leave(struct cs_wlc_sess *s)
{
	if (--s->busy == 0 && s->closed)
		cs_wlc_sess_destroy(s);
}

/* `secure`: it came out of a data channel DTLS session, whose verified
 * certificate named `cert_mac` (NULL: none). */
static int
data_input(struct cs_wlc *w, uint32_t ip, uint16_t port, const uint8_t *pkt,
    size_t len, bool secure, const uint8_t *cert_mac, uint64_t now_ms)
{
	struct cs_err err = { 0 };
	struct cs_wlc_sess *s;
	uint8_t id[16];
	char ipb[16];

	/* 802.11 frames of the clients (T bit, WBID 1): wlc_cl.c */
	if (cs_wlc_cl_data(w, ip, port, pkt, len, now_ms))
		return 0;
	cs_wlc_fmt_ip(ip, ipb, sizeof(ipb));
	if (!secure && w->cfg.data_dtls == CS_DATA_DTLS_REQUIRED) {
		/* RFC 5415 §4.6.1: DTLS Policy D only, the WTP must abide */
		w->ctr.data_clear_refused++;
		if (cs_wlc_droplog_may(w, ip, now_ms))
			cs_logf(&w->cfg.log, CS_LOG_WARN,
			    "Data packet from %s:%u dropped: clear text on "
			    "the data channel, DTLS required (DTLS Policy D)",
			    ipb, port);
		return 0;
	}
	/* lenient: APs that count the length without its own two bytes */
	if (cs_keepalive_decode(pkt, len, CS_KEEPALIVE_F_LENIENT, id, &err) <
	    0) {
		/* user data frames are not simulated: only keep-alives */
		w->ctr.malformed++;
		cs_logf(&w->cfg.log, CS_LOG_DEBUG,
		    "Data packet from %s:%u dropped: %s at offset %zu", ipb,
		    port, err.what, err.offset);
		return 0;
	}
	w->ctr.keepalive_rx++;
	if ((s = cs_wlc_sid_find(w, id)) == NULL) {
		w->ctr.keepalive_unknown++;
		if (!cs_wlc_droplog_may(w, ip, now_ms))
			return 0; /* counted in the window's summary */
		cs_logf(&w->cfg.log, CS_LOG_WARN,
		    "Keep-alive from %s:%u dropped: unknown Session ID", ipb,
		    port);
		cs_wlc_emit(w, NULL, CS_WLC_EV_MSG_DROPPED, now_ms, 0, 0,
		    "keep-alive with unknown Session ID");
		return 0;
	}
	if (secure && cert_mac != NULL && s->has_cert_mac &&
	    memcmp(cert_mac, s->cert_mac, 6) != 0) {
		/* RFC 5415 §12.6: the data session's certificate names
		 * another WTP than the control session's */
		w->ctr.data_dtls_mismatch++;
		cs_logf(&w->cfg.log, CS_LOG_WARN,
		    "Keep-alive from %s:%u dropped: its data DTLS "
		    "certificate names another AP than the Session ID's",
		    ipb, port);
		return 0;
	}
	if (secure) {
		w->ctr.keepalive_dtls++;
		s->data_dtls = true;
	}
	sess_enter(s);
	cs_wlc_fsm_keepalive(s, ip, port, pkt, len, now_ms);
	sess_leave(s);
	return 0;
}

int
cs_wlc_input_clear(struct cs_wlc *w, enum cs_chan ch, uint32_t src_ip,
    uint16_t src_port, const uint8_t *pkt, size_t len, uint64_t now_ms)
{
	if (w == NULL || (pkt == NULL && len > 0) ||
	    (ch != CS_CHAN_CONTROL && ch != CS_CHAN_DATA))
		return -EINVAL;
	if (w->cfg.misbehave.mute) {
		w->ctr.muted++;
		return 0;
	}
	if (ch == CS_CHAN_DATA)
		return data_input(w, src_ip, src_port, pkt, len,
		    /* secure= */ false, NULL, now_ms);
	return disc_input(w, src_ip, src_port, pkt, len, now_ms);
}

void
cs_wlc_data_dtls_done(struct cs_wlc *w, uint32_t src_ip, uint16_t src_port,
    bool ok, bool resumed, const char *reason, uint64_t now_ms)
{
	char ipb[16];

	if (w == NULL)
		return;
	cs_wlc_fmt_ip(src_ip, ipb, sizeof(ipb));
	if (ok) {
		w->ctr.data_dtls_ok++;
		if (resumed)
			w->ctr.data_dtls_resumed++;
		cs_logf(&w->cfg.log, CS_LOG_INFO,
		    "Data DTLS session with peer %s:%u established%s", ipb,
		    src_port, resumed ? " (resumed the control session)" : "");
		return;
	}
	w->ctr.data_dtls_failed++;
	cs_logf(&w->cfg.log, CS_LOG_WARN,
	    "Data DTLS handshake failure with peer %s:%u: %s", ipb, src_port,
	    reason != NULL ? reason : "failed");
	cs_wlc_emit(w, NULL, CS_WLC_EV_MSG_DROPPED, now_ms, 0, 0,
	    "data channel DTLS handshake failed");
}

void
cs_wlc_data_dtls_refused(
    struct cs_wlc *w, uint32_t src_ip, uint16_t src_port, uint64_t now_ms)
{
	char ipb[16];

	if (w == NULL)
		return;
	w->ctr.data_dtls_refused++;
	if (!cs_wlc_droplog_may(w, src_ip, now_ms))
		return;
	cs_wlc_fmt_ip(src_ip, ipb, sizeof(ipb));
	cs_logf(&w->cfg.log, CS_LOG_WARN,
	    "DTLS from %s:%u on the data port dropped: data DTLS is off "
	    "(DTLS Policy C only)",
	    ipb, src_port);
}

int
cs_wlc_input_data_secure(struct cs_wlc *w, uint32_t src_ip, uint16_t src_port,
    const uint8_t *cert_mac, const uint8_t *pkt, size_t len, uint64_t now_ms)
{
	if (w == NULL || (pkt == NULL && len > 0))
		return -EINVAL;
	if (w->cfg.misbehave.mute) {
		w->ctr.muted++;
		return 0;
	}
	return data_input(w, src_ip, src_port, pkt, len, /* secure= */ true,
	    cert_mac, now_ms);
}

/* ---------------------------------------------------------------------
 * Sessions
 */

int
cs_wlc_sess_open(struct cs_wlc *w, struct cs_wlc_sess **ret, uint32_t peer_ip,
    uint16_t peer_port, const char *peer_cn, uint64_t now_ms)
{
	struct cs_wlc_sess *s;
	struct cs_wlc_ap_stats *st;
	char ipb[16], macb[18];

	if (w == NULL || ret == NULL)
		return -EINVAL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	s->w = w;
	s->peer_ip = peer_ip;
	s->peer_port = peer_port;
	s->state = CS_WLC_S_WAIT_JOIN;
	s->last_live = CS_WLC_S_WAIT_JOIN;
	if (peer_cn != NULL && cs_val_mac_cn(peer_cn, s->mac, NULL) == 0) {
		/* the identity a controller authorizing by certificate uses:
		 * the Join's Board Data MAC must agree with it */
		s->has_mac = true;
		s->has_cert_mac = true;
		memcpy(s->cert_mac, s->mac, 6);
	}
	if (s->has_mac)
		st = cs_wlc_stats_by_mac(
		    &w->stats, s->mac, peer_ip, peer_port, now_ms);
	else
		st = cs_wlc_stats_by_ip(
		    &w->stats, peer_ip, peer_port, true, now_ms);
	if (st == NULL) {
		free(s);
		return -ENOMEM;
	}
	st->dtls_ok++;
	s->stats_idx = cs_wlc_stats_idx(&w->stats, st);
	s->next = w->sessions;
	if (w->sessions != NULL)
		w->sessions->prev = s;
	w->sessions = s;
	w->n_sessions++;
	w->ctr.sess_opened++;
	/* §2.3.1 AC side: DTLSEstablished -> stop WaitDTLS, start WaitJoin */
	s->armed |= 1u << CS_WLC_T_WAIT_JOIN;
	w->io.timer_arm(w->io.ctx, s, CS_WLC_T_WAIT_JOIN, w->cfg.wait_join_ms);
	cs_wlc_fmt_ip(peer_ip, ipb, sizeof(ipb));
	if (s->has_mac)
		cs_wlc_fmt_mac(s->mac, macb, sizeof(macb));
	cs_logf(&w->cfg.log, CS_LOG_INFO,
	    "DTLS session established with peer %s:%u%s%s", ipb, peer_port,
	    s->has_mac ? " for AP " : "", s->has_mac ? macb : "");
	cs_wlc_emit(w, s, CS_WLC_EV_STATE, now_ms, 0, 0, "DTLS established");
	*ret = s;
	return 0;
}

void
cs_wlc_sess_dtls_failed(struct cs_wlc *w, uint32_t peer_ip, uint16_t peer_port,
    const struct cs_dtls_outcome *o, uint64_t now_ms)
{
	struct cs_wlc_ap_stats *st;
	struct cs_wlc_event ev;
	const char *reason;
	char ipb[16], macb[18] = "", why[128];

	if (w == NULL)
		return;
	reason = o != NULL && o->reason != NULL ? o->reason : "unknown reason";
	w->ctr.dtls_failed++;
	st = cs_wlc_stats_by_ip(&w->stats, peer_ip, peer_port, true, now_ms);
	if (st != NULL) {
		st->dtls_failed++;
		if (st->has_mac)
			cs_wlc_fmt_mac(st->mac, macb, sizeof(macb));
	}
	snprintf(why, sizeof(why), "DTLS handshake failure: %s", reason);
	cs_wlc_stats_fail(w, st, CS_PHASE_DTLS, 0, why);
	cs_wlc_fmt_ip(peer_ip, ipb, sizeof(ipb));
	cs_logf(&w->cfg.log, CS_LOG_ERR,
	    "DTLS handshake failure with peer %s:%u%s%s: %s", ipb, peer_port,
	    macb[0] != '\0' ? " for AP " : "", macb, reason);
	if (w->io.event == NULL)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.t_ms = now_ms;
	ev.kind = CS_WLC_EV_DTLS_FAILED;
	ev.peer_ip = peer_ip;
	ev.peer_port = peer_port;
	if (st != NULL && st->has_mac) {
		ev.has_mac = true;
		memcpy(ev.mac, st->mac, 6);
	}
	ev.phase = CS_PHASE_DTLS;
	ev.reason = reason;
	w->io.event(w->io.ctx, &ev);
}

void
cs_wlc_shadow_failed(struct cs_wlc *w, const struct cs_wlc_sess *owner,
    uint32_t peer_ip, uint16_t peer_port, const struct cs_dtls_outcome *o)
{
	const char *reason;
	char ipb[16], macb[18] = "";

	if (w == NULL)
		return;
	reason = o != NULL && o->reason != NULL ? o->reason : "unknown reason";
	w->ctr.shadow_rejected++;
	if (owner != NULL && owner->has_mac)
		cs_wlc_fmt_mac(owner->mac, macb, sizeof(macb));
	cs_wlc_fmt_ip(peer_ip, ipb, sizeof(ipb));
	cs_logf(&w->cfg.log, CS_LOG_WARN,
	    "rejected a new DTLS handshake from peer %s:%u beside the "
	    "established session%s%s: %s; that session goes on",
	    ipb, peer_port, macb[0] != '\0' ? " of AP " : "", macb, reason);
}

int
cs_wlc_sess_input(
    struct cs_wlc_sess *s, const uint8_t *pkt, size_t len, uint64_t now_ms)
{
	int r;

	if (s == NULL || (pkt == NULL && len > 0))
		return -EINVAL;
	if (s->closed || s->state == CS_WLC_S_DEAD)
		return -ESHUTDOWN;
	sess_enter(s);
	r = cs_wlc_fsm_input(s, pkt, len, now_ms);
	sess_leave(s);
	return r;
}

void
cs_wlc_sess_timer_fired(
    struct cs_wlc_sess *s, enum cs_wlc_timer t, uint64_t now_ms)
{
	if (s == NULL || (unsigned)t >= CS_WLC_T__COUNT || s->closed)
		return;
	sess_enter(s);
	cs_wlc_fsm_timer(s, t, now_ms);
	sess_leave(s);
}

int
cs_wlc_sess_reset(struct cs_wlc_sess *s, uint64_t now_ms)
{
	int r;

	if (s == NULL)
		return -EINVAL;
	if (s->closed || s->state == CS_WLC_S_DEAD)
		return -EPROTO;
	sess_enter(s);
	r = cs_wlc_fsm_reset(s, now_ms);
	sess_leave(s);
	return r;
}

int
cs_wlc_sess_command(
    struct cs_wlc_sess *s, const struct cs_wlc_cmd *c, uint64_t now_ms)
{
	int r;

	if (s == NULL || c == NULL || (unsigned)c->kind >= CS_WLC_CMD__COUNT)
		return -EINVAL;
	if (s->closed || s->state != CS_WLC_S_RUN)
		return -EPROTO;
	if (s->req_outstanding)
		return -EBUSY;
	sess_enter(s);
	r = cs_wlc_run_command(s, c, now_ms);
	sess_leave(s);
	return r;
}

unsigned
cs_wlc_command(struct cs_wlc *w, const struct cs_wlc_cmd *c,
    bool (*sel)(void *ctx, const uint8_t mac[6]), void *ctx, uint64_t now_ms,
    unsigned *busy)
{
	struct cs_wlc_sess *s, *next;
	unsigned n = 0, nb = 0;
	int r;

	if (w == NULL || c == NULL)
		return 0;
	/* a command can end a session (a Reset it answers at once is
	 * processed later, but be safe): take next first */
	for (s = w->sessions; s != NULL; s = next) {
		next = s->next;
		if (s->state != CS_WLC_S_RUN || s->closed)
			continue;
		if (sel != NULL && (!s->has_mac || !sel(ctx, s->mac)))
			continue;
		r = cs_wlc_sess_command(s, c, now_ms);
		if (r == 0) {
			n++;
			w->ctr.commands_sent++;
		} else if (r == -EBUSY) {
			nb++;
			w->ctr.commands_busy++;
		} else {
			w->ctr.commands_failed++;
		}
	}
	if (busy != NULL)
		*busy = nb;
	return n;
}

void
cs_wlc_sess_destroy(struct cs_wlc_sess *s)
{
	struct cs_wlc *w = s->w;

	cs_wlc_sid_remove(w, s);
	if (s->joined) {
		w->n_joined--;
		s->joined = false;
	}
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		w->sessions = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	cs_wlc_image_drop(s, 0, /* may_start= */ false);
	w->n_sessions--;
	w->ctr.sess_closed++;
	cs_wlc_cl_sess_gone(s);
	free(s->resp);
	free(s->req);
	free(s);
}

void
cs_wlc_sess_closed_orderly(struct cs_wlc_sess *s)
{
	if (s == NULL || s->closed)
		return;
	s->orderly = true;
	cs_wlc_sess_closed(s);
}

void
cs_wlc_sess_closed(struct cs_wlc_sess *s)
{
	struct cs_wlc *w;

	if (s == NULL || s->closed)
		return;
	w = s->w;
	if (s->state != CS_WLC_S_DEAD) {
		/* The peer went away on its own: a failure of the phase it
		 * was in, except after a requested reset. */
		char macb[18] = "?";
		enum cs_phase ph = cs_wlc_state_phase(s->state);

		if (s->has_mac)
			cs_wlc_fmt_mac(s->mac, macb, sizeof(macb));
		for (unsigned t = 0; t < CS_WLC_T__COUNT; t++)
			if (s->armed & (1u << t))
				w->io.timer_cancel(
				    w->io.ctx, s, (enum cs_wlc_timer)t);
		s->armed = 0;
		if (s->orderly && s->state == CS_WLC_S_RUN) {
			/* an AP that leaves Run with close_notify (a probe
			 * done, a run that ends) is no failure */
			struct cs_wlc_ap_stats *st =
			    cs_wlc_stats_get(&w->stats, s->stats_idx);

			w->ctr.disconnects++;
			if (st != NULL)
				st->disconnects++;
		} else if (s->state != CS_WLC_S_RESET && !s->img_done) {
			/* a 9800's words for a close_notify before Run
			 * (show wireless stats ap join summary) */
			cs_wlc_stats_fail(w,
			    cs_wlc_stats_get(&w->stats, s->stats_idx), ph, 0,
			    s->orderly ? "DTLS close alert from peer"
			               : "DTLS session closed by the AP");
		}
		cs_logf(&w->cfg.log, CS_LOG_INFO,
		    "AP %s: DTLS session closed by peer%s in phase %s", macb,
		    s->orderly ? " (close_notify)" : "", cs_phase_wlc_name(ph));
		s->last_live = s->state;
		s->state = CS_WLC_S_DEAD;
		/* its download slot goes to the next AP in the queue */
		cs_wlc_image_drop(s, w->img_now_ms, /* may_start= */ true);
		cs_wlc_sid_remove(w, s);
		if (s->joined) {
			w->n_joined--;
			s->joined = false;
		}
		cs_wlc_emit(w, s, CS_WLC_EV_TEARDOWN, 0, 0, 0,
		    "DTLS session closed by the AP");
	}
	s->closed = true;
	if (s->busy == 0)
		cs_wlc_sess_destroy(s);
}

void
cs_wlc_sess_set_ctx(struct cs_wlc_sess *s, void *glue)
{
	if (s != NULL)
		s->glue = glue;
}

void *
cs_wlc_sess_ctx(const struct cs_wlc_sess *s)
{
	return s != NULL ? s->glue : NULL;
}

enum cs_wlc_state
cs_wlc_sess_state(const struct cs_wlc_sess *s)
{
	return s != NULL ? s->state : CS_WLC_S__COUNT;
}

int
cs_wlc_sess_mac(const struct cs_wlc_sess *s, uint8_t mac[6])
{
	if (s == NULL || mac == NULL)
		return -EINVAL;
	if (!s->has_mac)
		return -ENOENT;
	memcpy(mac, s->mac, 6);
	return 0;
}

int
cs_wlc_restart(struct cs_wlc *w, uint64_t now_ms)
{
	struct cs_wlc_sess *s, *next;
	unsigned n = 0;

	if (w == NULL)
		return -EINVAL;
	for (s = w->sessions; s != NULL; s = next) {
		sess_enter(s);
		if (s->state != CS_WLC_S_DEAD && !s->closed) {
			s->is_crash = true;
			cs_wlc_fsm_teardown(s, now_ms, "controller restart",
			    /* graceful= */ false);
			n++;
		}
		next = s->next;
		sess_leave(s);
	}
	w->ctr.restarts++;
	cs_logf(&w->cfg.log, CS_LOG_WARN,
	    "Controller restart: %u AP session%s dropped", n,
	    n == 1 ? "" : "s");
	cs_wlc_emit(
	    w, NULL, CS_WLC_EV_RESTART, now_ms, 0, 0, "controller restart");
	return 0;
}
