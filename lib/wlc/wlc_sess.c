/* SPDX-License-Identifier: MIT */
/*
 * The mock WLC's sessions: the Session-ID table and the data channel
 * keep-alive demultiplexer (Session ID -> session, RFC 5415 §4.4.1, §11),
 * session bookkeeping and restart.  The per-session FSM is in ctl_fsm.c.
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
	return cs_wlc_disc_input(w, src_ip, src_port, pkt, len, now_ms);
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
