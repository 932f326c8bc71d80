/* SPDX-License-Identifier: MIT */
/*
 * The wireless client's join as a state machine (capsim/station.h): what
 * a laptop does after it picked a BSS, frame by frame, with the timers a
 * real supplicant and DHCP client use, so that a controller sees the
 * same load and a failure names the phase that broke.
 */
#include "capsim/station.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/cursor.h"
#include "capsim/dhcp.h"
#include "capsim/ieee80211.h"
#include "capsim/inet.h"
#include "capsim/ipv4.h"
#include "wifi/station-internal.h"

static const char *const sta_ev_names[] = {
	[SEV_AUTH_RESP] = "Authentication",
	[SEV_ASSOC_RESP] = "Association Response",
	[SEV_DEAUTH] = "Deauthentication",
	[SEV_DISASSOC] = "Disassociation",
	[SEV_OFFER] = "DHCPOFFER",
	[SEV_ACK] = "DHCPACK",
	[SEV_NAK] = "DHCPNAK",
	[SEV_GW_ARP] = "gateway ARP reply",
	[SEV_ECHO_REPLY] = "echo reply",
	[SEV_L2_OK] = "L2 authentication done",
	[SEV_L2_FAIL] = "L2 authentication failed",
	[SEV_T_RETRY] = "retry timer",
	[SEV_T_RENEW] = "T1",
	[SEV_T_LEASE] = "lease expiry",
	[SEV_T_LIFETIME] = "lifetime",
	[SEV_LEAVE] = "leave",
};
_Static_assert(CS_ARRAY_SIZE(sta_ev_names) == SEV__COUNT,
    "sta_ev_names[] out of sync with enum sta_ev");

static const char *const sta_state_names[] = {
	[CS_STA_IDLE] = "idle",
	[CS_STA_AUTH] = "auth",
	[CS_STA_ASSOC] = "assoc",
	[CS_STA_L2AUTH] = "l2auth",
	[CS_STA_DHCP] = "dhcp",
	[CS_STA_ARP] = "arp",
	[CS_STA_PING] = "ping",
	[CS_STA_RUN] = "run",
	[CS_STA_DONE] = "done",
	[CS_STA_FAILED] = "failed",
};
_Static_assert(CS_ARRAY_SIZE(sta_state_names) == CS_STA__COUNT,
    "sta_state_names[] out of sync with enum cs_sta_state");

static const char *const sta_timer_names[] = {
	[CS_STA_T_RETRY] = "Retry",
	[CS_STA_T_RENEW] = "Renew",
	[CS_STA_T_LEASE] = "Lease",
	[CS_STA_T_LIFETIME] = "Lifetime",
};
_Static_assert(CS_ARRAY_SIZE(sta_timer_names) == CS_STA_T__COUNT,
    "sta_timer_names[] out of sync with enum cs_sta_timer");

const char *
cs_sta_state_name(enum cs_sta_state s)
{
	return (unsigned)s < CS_STA__COUNT ? sta_state_names[s] : NULL;
}

const char *
cs_sta_timer_name(enum cs_sta_timer t)
{
	return (unsigned)t < CS_STA_T__COUNT ? sta_timer_names[t] : NULL;
}

void
cs_sta_cfg_defaults(struct cs_sta_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mgmt_timeout_ms = 1000;
	cfg->mgmt_tries = 3;
	cfg->l2auth_timeout_ms = 10000;
	cfg->dhcp_timeout_ms = 4000;
	cfg->dhcp_tries = 4;
	cfg->arp_timeout_ms = 1000;
	cfg->arp_tries = 3;
	cfg->ping_timeout_ms = 1000;
	cfg->ping_tries = 3;
}

uint32_t
cs_sta_dhcp_backoff_ms(uint32_t base_ms, uint32_t n, uint32_t rnd)
{
	uint64_t d = base_ms;

	for (uint32_t i = 1; i < n && d < 64000; i++)
		d *= 2;
	if (d > 64000)
		d = 64000;
	/* RFC 2131 §4.1: "randomized by the value of a uniform random
	 * number chosen from the range -1 to +1" second */
	if (base_ms >= 2000)
		d = d + (rnd % 2001) - 1000;
	return (uint32_t)d;
}

void
sta_emit(struct cs_sta *sta, enum cs_sta_ev_kind kind, enum cs_sta_state from,
    uint32_t value, const char *reason, uint64_t now)
{
	struct cs_sta_event ev = { .t_ms = now,
		.kind = kind,
		.from = from,
		.to = sta->state,
		.value = value,
		.reason = reason };

	if (sta->io.event == NULL)
		return;
	sta->in_callback++;
	sta->io.event(sta->io.ctx, &ev);
	sta->in_callback--;
}

/* ---- transitions ----------------------------------------------------- */

static uint32_t
sta_phase_timeout(const struct cs_sta *sta)
{
	switch (sta->state) {
	case CS_STA_AUTH:
	case CS_STA_ASSOC:
		return sta->cfg.mgmt_timeout_ms;
	case CS_STA_DHCP:
		return cs_sta_dhcp_backoff_ms(sta->cfg.dhcp_timeout_ms,
		    sta->tries + 1, sta->io.rand(sta->io.ctx, 2001));
	case CS_STA_ARP:
		return sta->cfg.arp_timeout_ms;
	case CS_STA_PING:
		return sta->cfg.ping_timeout_ms;
	default:
		return 0;
	}
}

static void
sta_arm_retry(struct cs_sta *sta)
{
	sta->io.timer_arm(sta->io.ctx, CS_STA_T_RETRY, sta_phase_timeout(sta));
}

static void
sta_cancel_all(struct cs_sta *sta)
{
	for (int t = 0; t < CS_STA_T__COUNT; t++)
		sta->io.timer_cancel(sta->io.ctx, (enum cs_sta_timer)t);
}

/* The latency of the phase being left, kept in info. */
static void
sta_record_phase(struct cs_sta *sta, uint64_t now)
{
	uint32_t d = (uint32_t)(now - sta->t_phase);

	switch (sta->state) {
	case CS_STA_AUTH:
		sta->info.auth_ms = d;
		break;
	case CS_STA_ASSOC:
		sta->info.assoc_ms = d;
		break;
	case CS_STA_L2AUTH:
		sta->info.l2auth_ms = d;
		sta->info.has_l2auth = true;
		break;
	case CS_STA_DHCP:
		sta->info.dhcp_ms = d;
		break;
	case CS_STA_ARP:
	case CS_STA_PING:
		/* ARP and the echo together: "ready" after the address */
		sta->info.arp_ms += d;
		break;
	default:
		break;
	}
}

static void sta_enter(struct cs_sta *sta, uint64_t now);

/*
 * The only writer of sta->state.  Logs old -> new (event), stops the old
 * state's retry timer, resets the per-state counter, tells the caller,
 * then runs the new state's entry actions.  The event goes out before
 * the entry actions on purpose: an entry action may complete the next
 * phase at once (an L2 module answering synchronously), and the events
 * must come out in the order the states were entered.
 */
static void
sta_set_state(
    struct cs_sta *sta, enum cs_sta_state to, const char *why, uint64_t now)
{
	enum cs_sta_state from = sta->state;

	cs_logf(&sta->cfg.log, CS_LOG_DEBUG, "sta %s: %s -> %s (%s)", sta->name,
	    sta_state_names[from], sta_state_names[to], why);
	sta_record_phase(sta, now);
	sta->io.timer_cancel(sta->io.ctx, CS_STA_T_RETRY);
	sta->state = to;
	sta->tries = 0;
	sta->t_phase = now;
	if (to == CS_STA_RUN)
		sta->info.total_ms = (uint32_t)(now - sta->t_start);
	sta->info.state = to;
	sta_emit(sta, CS_STA_EV_STATE, from, 0, why, now);
	sta_enter(sta, now);
}

static void
sta_arm_lease(struct cs_sta *sta, const struct cs_dhcp_msg *ack)
{
	uint8_t t1b[4];
	size_t n;
	uint64_t t1;

	sta->io.timer_cancel(sta->io.ctx, CS_STA_T_RENEW);
	sta->io.timer_cancel(sta->io.ctx, CS_STA_T_LEASE);
	if (sta->info.lease_s == STA_INFINITE)
		return;
	/* RFC 2131 §4.4.5: T1 from option 58, else half the lease */
	t1 = (uint64_t)sta->info.lease_s * 500;
	if (ack != NULL &&
	    cs_dhcp_opt_get(ack, 58, t1b, sizeof(t1b), &n) == 0 && n == 4)
		t1 = ((uint64_t)t1b[0] << 24 | (uint64_t)t1b[1] << 16 |
		         (uint64_t)t1b[2] << 8 | t1b[3]) *
		    1000;
	sta->io.timer_arm(sta->io.ctx, CS_STA_T_RENEW, t1);
	sta->io.timer_arm(
	    sta->io.ctx, CS_STA_T_LEASE, (uint64_t)sta->info.lease_s * 1000);
}

static void
sta_enter(struct cs_sta *sta, uint64_t now)
{
	switch (sta->state) {
	case CS_STA_AUTH:
		sta_send_auth(sta, false);
		break;
	case CS_STA_ASSOC:
		sta_send_assoc(sta, false);
		break;
	case CS_STA_L2AUTH:
		/* the module runs its own retries; this bounds the phase */
		sta->io.timer_arm(
		    sta->io.ctx, CS_STA_T_RETRY, sta->cfg.l2auth_timeout_ms);
		if (sta->io.l2auth_start == NULL ||
		    sta->io.l2auth_start(sta->io.ctx, sta->rsn_ie,
		        sta->rsn_ie_len, sta->cfg.bssid) < 0)
			(void)cs_sta_l2auth_done(sta, false,
			    CS_DOT11_REASON_UNSPECIFIED,
			    "no L2 authentication module for this security",
			    now);
		return;
	case CS_STA_DHCP:
		sta->xid = sta->io.rand(sta->io.ctx, UINT32_MAX);
		sta->requesting = false;
		sta_send_dhcp(sta, CS_DHCP_DISCOVER);
		break;
	case CS_STA_ARP:
		/* RFC 5227 §2.3 announcement, then the gateway */
		sta_send_arp(
		    sta, CS_ARP_REQUEST, sta_bcast, NULL, sta->info.ip);
		sta_send_arp(
		    sta, CS_ARP_REQUEST, sta_bcast, NULL, sta->info.gateway);
		break;
	case CS_STA_PING:
		sta->echo_id = (uint16_t)sta->io.rand(sta->io.ctx, 65536);
		sta->is_large_echo = false;
		sta_send_gw_echo(sta);
		break;
	case CS_STA_RUN:
		if (sta->cfg.lifetime_ms > 0)
			sta->io.timer_arm(sta->io.ctx, CS_STA_T_LIFETIME,
			    sta->cfg.lifetime_ms);
		return;
	case CS_STA_DONE:
	case CS_STA_FAILED:
		sta_cancel_all(sta);
		return;
	case CS_STA_IDLE:
		return;
	case CS_STA__COUNT:
		assert(!"not a state");
		return;
	}
	sta_arm_retry(sta);
}

/* Gives up in the current phase: a failure event naming it, a
 * Deauthentication when the AP still holds the station (not when the AP
 * itself ended the association), then Failed. */
static void
sta_fail(struct cs_sta *sta, const char *why, uint32_t value, bool send_deauth,
    uint64_t now)
{
	snprintf(sta->why, sizeof(sta->why), "%s", why);
	sta->info.failed_in = sta->state;
	sta->info.fail_value = value;
	cs_logf(&sta->cfg.log, CS_LOG_WARN, "sta %s: failed in %s: %s",
	    sta->name, sta_state_names[sta->state], sta->why);
	if (send_deauth)
		sta_send_mgmt_code(
		    sta, CS_DOT11_DEAUTH, CS_DOT11_REASON_LEAVING);
	sta_emit(sta, CS_STA_EV_FAILURE, sta->state, value, sta->why, now);
	sta_set_state(sta, CS_STA_FAILED, sta->why, now);
}

static void
sta_fail_tries(struct cs_sta *sta, const char *what, uint64_t now)
{
	char why[128];

	snprintf(why, sizeof(why), "%s after %u tries", what, sta->tries);
	sta->info.fail_tries = sta->tries; /* for the diagnosis */
	sta_fail(sta, why, 0, sta->state != CS_STA_AUTH, now);
}

static bool
sta_is_associated(const struct cs_sta *sta)
{
	switch (sta->state) {
	case CS_STA_L2AUTH:
	case CS_STA_DHCP:
	case CS_STA_ARP:
	case CS_STA_PING:
	case CS_STA_RUN:
		return true;
	default:
		return false;
	}
}

/* The AP ended it (Deauthentication/Disassociation), in any state. */
static void
sta_kicked(struct cs_sta *sta, enum sta_ev ev, uint16_t reason, uint64_t now)
{
	char rb[16], why[128];

	snprintf(why, sizeof(why), "%s by the AP: %s",
	    ev == SEV_DEAUTH ? "deauthenticated" : "disassociated",
	    cs_dot11_reason_name(reason, rb, sizeof(rb)));
	sta_fail(sta, why, reason, false, now);
}

/* ---- the state machine ---------------------------------------------- */

/* Takes the lease of a DHCPACK; false (and the station failed) when the
 * ACK lacks what the data-path check needs. */
static bool
sta_take_ack(struct cs_sta *sta, const struct cs_dhcp_msg *ack, uint64_t now)
{
	uint32_t routers[4], mask = 0, lease = 0;
	size_t n = 0;

	if (ack->yiaddr == 0) {
		sta_fail(
		    sta, "DHCPACK without an address (yiaddr 0)", 0, true, now);
		return false;
	}
	if (cs_dhcp_get_lease(ack, &lease) < 0) {
		/* RFC 2131 §4.3.1 table 3: MUST in a DHCPACK to REQUEST */
		sta_fail(sta, "DHCPACK without a lease time (option 51)", 0,
		    true, now);
		return false;
	}
	if (cs_dhcp_get_ipv4_list(ack, CS_DHCP_OPT_ROUTERS, routers, 4, &n) <
	        0 ||
	    n == 0) {
		sta_fail(sta, "DHCPACK without a router (option 3): no gateway",
		    0, true, now);
		return false;
	}
	(void)cs_dhcp_get_ipv4(ack, CS_DHCP_OPT_SUBNET_MASK, &mask);
	sta->info.ip = ack->yiaddr;
	sta->info.mask = mask;
	sta->info.gateway = routers[0];
	sta->info.lease_s = lease;
	return true;
}

static void
sta_in_mgmt_phase(
    struct cs_sta *sta, enum sta_ev ev, const struct sta_in *in, uint64_t now)
{
	char sb[16], why[128];

	switch (ev) {
	case SEV_AUTH_RESP:
		if (sta->state != CS_STA_AUTH)
			break;
		if (in->code != CS_DOT11_STATUS_SUCCESS) {
			snprintf(why, sizeof(why), "authentication refused: %s",
			    cs_dot11_status_name(in->code, sb, sizeof(sb)));
			sta_fail(sta, why, in->code, false, now);
			break;
		}
		sta_set_state(sta, CS_STA_ASSOC, sta_ev_names[ev], now);
		break;
	case SEV_ASSOC_RESP:
		if (sta->state != CS_STA_ASSOC)
			break;
		if (in->code != CS_DOT11_STATUS_SUCCESS) {
			snprintf(why, sizeof(why), "association refused: %s",
			    cs_dot11_status_name(in->code, sb, sizeof(sb)));
			sta_fail(sta, why, in->code, false, now);
			break;
		}
		sta_set_state(sta,
		    sta->cfg.security == CS_STA_OPEN ? CS_STA_DHCP
		                                     : CS_STA_L2AUTH,
		    sta_ev_names[ev], now);
		break;
	case SEV_T_RETRY:
		if (++sta->tries >= (sta->state == CS_STA_AUTH
		                            ? sta->cfg.mgmt_tries
		                            : sta->cfg.mgmt_tries)) {
			sta_fail_tries(sta,
			    sta->state == CS_STA_AUTH
			        ? "no Authentication response"
			        : "no Association Response",
			    now);
			break;
		}
		sta->info.retransmits++;
		if (sta->state == CS_STA_AUTH)
			sta_send_auth(sta, true);
		else
			sta_send_assoc(sta, true);
		sta_arm_retry(sta);
		break;
	default:
		sta->info.dropped++;
		break;
	}
}

static void
sta_in_dhcp(
    struct cs_sta *sta, enum sta_ev ev, const struct sta_in *in, uint64_t now)
{
	switch (ev) {
	case SEV_OFFER:
		if (sta->requesting ||
		    cs_dhcp_get_ipv4(in->dhcp, CS_DHCP_OPT_SERVER_ID,
		        &sta->info.server_id) < 0 ||
		    in->dhcp->yiaddr == 0) {
			sta->info.dropped++;
			break;
		}
		sta->offered_ip = in->dhcp->yiaddr;
		sta->requesting = true;
		sta->tries = 0;
		sta_send_dhcp(sta, CS_DHCP_REQUEST);
		sta_arm_retry(sta);
		break;
	case SEV_ACK:
		if (!sta->requesting) {
			sta->info.dropped++;
			break;
		}
		if (sta_take_ack(sta, in->dhcp, now)) {
			sta_arm_lease(sta, in->dhcp);
			sta_set_state(sta, CS_STA_ARP, sta_ev_names[ev], now);
		}
		break;
	case SEV_NAK:
		/* RFC 2131 §3.1.5: back to INIT */
		sta_emit(sta, CS_STA_EV_INFO, sta->state, 0,
		    "DHCPNAK: restarting with DISCOVER", now);
		if (++sta->tries >= sta->cfg.dhcp_tries) {
			sta_fail(sta, "DHCPNAK to every REQUEST", 0, true, now);
			break;
		}
		sta->requesting = false;
		sta->xid = sta->io.rand(sta->io.ctx, UINT32_MAX);
		sta_send_dhcp(sta, CS_DHCP_DISCOVER);
		sta_arm_retry(sta);
		break;
	case SEV_T_RETRY:
		if (++sta->tries >= sta->cfg.dhcp_tries) {
			sta_fail_tries(sta,
			    sta->requesting ? "no DHCPACK to REQUEST"
			                    : "no DHCPOFFER to DISCOVER",
			    now);
			break;
		}
		sta->info.retransmits++;
		sta_send_dhcp(
		    sta, sta->requesting ? CS_DHCP_REQUEST : CS_DHCP_DISCOVER);
		sta_arm_retry(sta);
		break;
	default:
		sta->info.dropped++;
		break;
	}
}

static void
sta_in_arp_ping(
    struct cs_sta *sta, enum sta_ev ev, const struct sta_in *in, uint64_t now)
{
	char why[96];
	uint32_t g = sta->info.gateway;

	switch (ev) {
	case SEV_GW_ARP:
		memcpy(sta->info.gateway_mac, in->gw_mac, 6);
		if (sta->state == CS_STA_ARP)
			sta_set_state(sta, CS_STA_PING, sta_ev_names[ev], now);
		break;
	case SEV_ECHO_REPLY:
		if (sta->state != CS_STA_PING)
			break;
		if (!sta->is_large_echo && sta->cfg.large_echo_bytes >= 28) {
			/* the small echo passed: now the data-path probe */
			sta->is_large_echo = true;
			sta->tries = 0;
			sta_send_gw_echo(sta);
			sta_arm_retry(sta);
			break;
		}
		sta_set_state(sta, CS_STA_RUN, sta_ev_names[ev], now);
		break;
	case SEV_T_RETRY:
		if (sta->state == CS_STA_PING && sta->is_large_echo &&
		    sta->tries + 1 >= sta->cfg.ping_tries) {
			/* small frames pass, large ones do not: joined all
			 * the same (info and the diagnosis say so) */
			sta_set_state(
			    sta, CS_STA_RUN, "large echo unanswered", now);
			break;
		}
		if (++sta->tries >= (sta->state == CS_STA_ARP
		                            ? sta->cfg.arp_tries
		                            : sta->cfg.ping_tries)) {
			snprintf(why, sizeof(why),
			    "gateway %u.%u.%u.%u did not answer %s", g >> 24,
			    (g >> 16) & 0xff, (g >> 8) & 0xff, g & 0xff,
			    sta->state == CS_STA_ARP ? "ARP" : "ICMP echo");
			sta_fail_tries(sta, why, now);
			break;
		}
		sta->info.retransmits++;
		if (sta->state == CS_STA_ARP)
			sta_send_arp(sta, CS_ARP_REQUEST, sta_bcast, NULL, g);
		else
			sta_send_gw_echo(sta);
		sta_arm_retry(sta);
		break;
	case SEV_T_RENEW:
	case SEV_T_LEASE:
		/* lease timers run from the ACK: a slow gateway check with
		 * a tiny lease ends here */
		sta_fail(sta, "lease ran out before the gateway answered", 0,
		    true, now);
		break;
	default:
		sta->info.dropped++;
		break;
	}
}

/* Run: RFC 2131 §4.4.5 renewal (RENEWING: unicast REQUEST to the
 * server, ciaddr set), lifetime, and the lease running out. */
static void
sta_in_run(
    struct cs_sta *sta, enum sta_ev ev, const struct sta_in *in, uint64_t now)
{
	switch (ev) {
	case SEV_T_RENEW:
		if (sta->renewing && ++sta->tries >= sta->cfg.dhcp_tries) {
			/* keep the address until the lease ends */
			sta->renewing = false;
			break;
		}
		if (!sta->renewing) {
			sta->renewing = true;
			sta->tries = 0;
			sta->xid = sta->io.rand(sta->io.ctx, UINT32_MAX);
		} else {
			sta->info.retransmits++;
		}
		sta_send_dhcp(sta, CS_DHCP_REQUEST);
		sta->io.timer_arm(sta->io.ctx, CS_STA_T_RENEW,
		    cs_sta_dhcp_backoff_ms(sta->cfg.dhcp_timeout_ms,
		        sta->tries + 1, sta->io.rand(sta->io.ctx, 2001)));
		break;
	case SEV_ACK:
		if (!sta->renewing || !sta_take_ack(sta, in->dhcp, now))
			break;
		sta->renewing = false;
		sta->info.renewals++;
		sta_arm_lease(sta, in->dhcp);
		sta_emit(sta, CS_STA_EV_INFO, sta->state, sta->info.lease_s,
		    "lease renewed", now);
		break;
	case SEV_NAK:
		if (sta->renewing)
			sta_fail(
			    sta, "DHCPNAK to the lease renewal", 0, true, now);
		break;
	case SEV_T_LEASE:
		sta_fail(
		    sta, "lease expired: renewal unanswered", 0, true, now);
		break;
	case SEV_T_LIFETIME:
	case SEV_LEAVE:
		/* RFC 2131 §4.4.6, then 802.11 "leaving" */
		sta->renewing = false;
		sta_send_dhcp(sta, CS_DHCP_RELEASE);
		sta_send_mgmt_code(
		    sta, CS_DOT11_DISASSOC, CS_DOT11_REASON_DISASSOC_LEAV);
		sta_set_state(sta, CS_STA_DONE, sta_ev_names[ev], now);
		break;
	default:
		sta->info.dropped++;
		break;
	}
}

void
sta_fsm(
    struct cs_sta *sta, enum sta_ev ev, const struct sta_in *in, uint64_t now)
{
	if ((ev == SEV_DEAUTH || ev == SEV_DISASSOC) &&
	    sta->state != CS_STA_IDLE && sta->state != CS_STA_DONE &&
	    sta->state != CS_STA_FAILED) {
		sta_kicked(sta, ev, in->code, now);
		return;
	}
	if (ev == SEV_LEAVE && sta->state != CS_STA_RUN &&
	    sta->state != CS_STA_DONE && sta->state != CS_STA_FAILED) {
		if (sta_is_associated(sta))
			sta_send_mgmt_code(sta, CS_DOT11_DISASSOC,
			    CS_DOT11_REASON_DISASSOC_LEAV);
		sta_set_state(sta, CS_STA_DONE, sta_ev_names[ev], now);
		return;
	}
	switch (sta->state) {
	case CS_STA_AUTH:
	case CS_STA_ASSOC:
		sta_in_mgmt_phase(sta, ev, in, now);
		break;
	case CS_STA_L2AUTH:
		if (ev == SEV_L2_OK)
			sta_set_state(sta, CS_STA_DHCP, sta_ev_names[ev], now);
		else if (ev == SEV_L2_FAIL)
			sta_fail(sta, in->why, in->code, true, now);
		else if (ev == SEV_T_RETRY)
			sta_fail(sta,
			    "L2 authentication did not finish in time",
			    CS_DOT11_REASON_4WAY_TIMEOUT, true, now);
		else
			sta->info.dropped++;
		break;
	case CS_STA_DHCP:
		sta_in_dhcp(sta, ev, in, now);
		break;
	case CS_STA_ARP:
	case CS_STA_PING:
		sta_in_arp_ping(sta, ev, in, now);
		break;
	case CS_STA_RUN:
		sta_in_run(sta, ev, in, now);
		break;
	case CS_STA_IDLE:
	case CS_STA_DONE:
	case CS_STA_FAILED:
		sta->info.dropped++;
		break;
	case CS_STA__COUNT:
		assert(!"not a state");
		break;
	}
}

/* ---- public ---------------------------------------------------------- */

int
cs_sta_new(struct cs_sta **ret, const struct cs_sta_cfg *cfg,
    const struct cs_sta_io *io)
{
	struct cs_sta *sta;
	size_t n;

	if (ret == NULL || cfg == NULL || io == NULL || io->send == NULL ||
	    io->timer_arm == NULL || io->timer_cancel == NULL ||
	    io->rand == NULL ||
	    (unsigned)cfg->security >= CS_STA_SECURITY__COUNT ||
	    (cfg->large_echo_bytes != 0 &&
	        (cfg->large_echo_bytes < 28 || cfg->large_echo_bytes > 1500)))
		return -EINVAL;
	n = strnlen(cfg->ssid, sizeof(cfg->ssid));
	if (n == 0 || n > CS_DOT11_SSID_MAX)
		return -EINVAL;
	if ((sta = calloc(1, sizeof(*sta))) == NULL)
		return -ENOMEM;
	sta->cfg = *cfg;
	sta->io = *io;
	sta->state = CS_STA_IDLE;
	snprintf(sta->name, sizeof(sta->name), "%02x:%02x:%02x:%02x:%02x:%02x",
	    cfg->mac[0], cfg->mac[1], cfg->mac[2], cfg->mac[3], cfg->mac[4],
	    cfg->mac[5]);
	*ret = sta;
	return 0;
}

void
cs_sta_free(struct cs_sta *sta)
{
	if (sta == NULL)
		return;
	if (sta->in_callback > 0) {
		sta->free_pending = true;
		return;
	}
	free(sta);
}

/* After any entry point: a free requested from a callback happens now. */
static void
sta_settle(struct cs_sta *sta)
{
	if (sta->free_pending && sta->in_callback == 0)
		free(sta);
}

int
cs_sta_start(struct cs_sta *sta, uint64_t now_ms)
{
	if (sta == NULL)
		return -EINVAL;
	if (sta->state != CS_STA_IDLE)
		return -EPROTO;
	sta->t_start = now_ms;
	sta->t_phase = now_ms;
	sta->in_callback++;
	sta_set_state(sta, CS_STA_AUTH, "start", now_ms);
	sta->in_callback--;
	sta_settle(sta);
	return 0;
}

int
cs_sta_input(
    struct cs_sta *sta, const uint8_t *frame, size_t len, uint64_t now_ms)
{
	struct cs_dot11_frame f;
	struct cs_err err = { 0 };

	if (sta == NULL || frame == NULL)
		return -EINVAL;
	if (cs_dot11_decode(&f, frame, len, &err) < 0) {
		sta->info.dropped++;
		cs_logf(&sta->cfg.log, CS_LOG_DEBUG,
		    "sta %s: frame dropped: %s at offset %zu", sta->name,
		    err.what ? err.what : "?", err.offset);
		return 0;
	}
	if (memcmp(f.addr1, sta->cfg.mac, 6) != 0 && !(f.addr1[0] & 1)) {
		sta->info.dropped++;
		return 0;
	}
	sta->in_callback++;
	if (f.type == CS_DOT11_MGMT)
		sta_in_mgmt(sta, &f, now_ms);
	else
		sta_in_data(sta, &f, now_ms);
	sta->in_callback--;
	sta_settle(sta);
	return 0;
}

void
cs_sta_timer_fired(struct cs_sta *sta, enum cs_sta_timer t, uint64_t now_ms)
{
	static const enum sta_ev tev[] = {
		[CS_STA_T_RETRY] = SEV_T_RETRY,
		[CS_STA_T_RENEW] = SEV_T_RENEW,
		[CS_STA_T_LEASE] = SEV_T_LEASE,
		[CS_STA_T_LIFETIME] = SEV_T_LIFETIME,
	};
	struct sta_in in = { 0 };

	if (sta == NULL || (unsigned)t >= CS_STA_T__COUNT)
		return;
	sta->in_callback++;
	sta_fsm(sta, tev[t], &in, now_ms);
	sta->in_callback--;
	sta_settle(sta);
}

void
cs_sta_leave(struct cs_sta *sta, uint64_t now_ms)
{
	struct sta_in in = { 0 };

	if (sta == NULL)
		return;
	sta->in_callback++;
	sta_fsm(sta, SEV_LEAVE, &in, now_ms);
	sta->in_callback--;
	sta_settle(sta);
}

int
cs_sta_send_eapol(struct cs_sta *sta, const uint8_t *eapol, size_t len)
{
	if (sta == NULL || eapol == NULL)
		return -EINVAL;
	if (sta->state != CS_STA_L2AUTH)
		return -EPROTO;
	return sta_send_data(sta, sta->cfg.bssid, CS_ETH_P_EAPOL, eapol, len);
}

int
cs_sta_l2auth_done(struct cs_sta *sta, bool ok, uint16_t reason,
    const char *why, uint64_t now_ms)
{
	struct sta_in in = { .code = reason, .why = why };

	if (sta == NULL)
		return -EINVAL;
	if (sta->state != CS_STA_L2AUTH)
		return -EPROTO;
	if (in.why == NULL)
		in.why = "L2 authentication failed";
	sta->in_callback++;
	sta_fsm(sta, ok ? SEV_L2_OK : SEV_L2_FAIL, &in, now_ms);
	sta->in_callback--;
	sta_settle(sta);
	return 0;
}

enum cs_sta_state
cs_sta_state(const struct cs_sta *sta)
{
	return sta != NULL ? sta->state : CS_STA__COUNT;
}

void
cs_sta_info(const struct cs_sta *sta, struct cs_sta_info *out)
{
	if (sta == NULL || out == NULL)
		return;
	*out = sta->info;
	out->state = sta->state;
}
