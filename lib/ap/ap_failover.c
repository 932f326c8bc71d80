/* SPDX-License-Identifier: MIT */
/*
 * Failover as access points do it: primed primary/secondary/tertiary
 * controllers (by AC Name, or by address), the ones the controller sets in
 * Run (AC Name with Priority, AC IPv4 List), and the time from the last
 * good echo to Run again after the controller was lost.
 */
#include <stdio.h>
#include <string.h>

#include "ap-internal.h"
#include "capsim/capwap.h"

static bool
fo_name_eq(const struct cs_str *a, const char *b)
{
	return b != NULL && a->len == strlen(b) && memcmp(a->s, b, a->len) == 0;
}

uint8_t
cs_ap_fo_rank(const struct cs_ap *ap, const struct cs_str *name,
    uint32_t responder, uint32_t ctrl_ip)
{
	const struct cs_ap_run *r = &ap->run;

	/* RFC 5415 §4.6.5: the controller's list of preferred ACs; Cisco
	 * pushes the AP's primary/secondary/tertiary this way, and it
	 * replaces what the AP had (capwap-facts §4.4) */
	if (name != NULL) {
		for (unsigned i = 0; i < r->n_ac_prio; i++)
			if (r->ac_prio[i] >= 1 && r->ac_prio[i] <= 3 &&
			    fo_name_eq(name, r->ac_prio_name[i]))
				return r->ac_prio[i];
		for (unsigned i = 0; i < 3; i++)
			if (fo_name_eq(name, ap->cfg.primed[i]))
				return (uint8_t)(i + 1);
	}
	/* primed by address only: the rank of that address, unless a name
	 * is primed for the rank (then the name decides) */
	for (unsigned i = 0; i < 3; i++) {
		uint32_t a = ap->cfg.primed_ip[i];

		if (a != 0 && ap->cfg.primed[i] == NULL &&
		    (a == responder || a == ctrl_ip))
			return (uint8_t)(i + 1);
	}
	return 0;
}

void
cs_ap_fo_alive(struct cs_ap *ap)
{
	ap->fo.last_good_ms = ap->now_ms;
}

static void
fo_ip(char *buf, size_t len, uint32_t a)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
}

/* skip_discovery: the primed controller after the one that failed. */
static void
fo_advance(struct cs_ap *ap)
{
	if (!ap->cfg.skip_discovery || ap->cfg.target_count == 0)
		return;
	ap->fo.next = (uint8_t)((ap->fo.next + 1) % ap->cfg.target_count);
}

void
cs_ap_fo_lost(struct cs_ap *ap, const char *why)
{
	char a[16], msg[300];

	ap->stats.controller_losses++;
	if (!ap->fo.is_lost) {
		ap->fo.is_lost = true;
		ap->fo.tries = 0;
		ap->fo.lost_at_ms = ap->fo.last_good_ms;
		ap->fo.lost_ac = ap->ac_ip;
	}
	fo_ip(a, sizeof(a), ap->ac_ip);
	snprintf(msg, sizeof(msg),
	    "controller %s lost in Run (%s): failing over, last good echo "
	    "%llu ms ago",
	    a, why != NULL ? why : "session lost",
	    (unsigned long long)(ap->now_ms - ap->fo.last_good_ms));
	cs_ap_emit(ap, CS_AP_EV_INFO, 0, 0, ap->ac_ip, msg);
	fo_advance(ap);
}

void
cs_ap_fo_attempt_failed(struct cs_ap *ap)
{
	/* only while failing over: before its first Run the AP keeps to
	 * the controller it was given (RFC 5415 §2.3.1, then Sulking) */
	if (!ap->fo.is_lost || !ap->cfg.skip_discovery)
		return;
	fo_advance(ap);
	/* Cisco: primed controllers in order, then discovery */
	if (++ap->fo.tries >= ap->cfg.target_count) {
		ap->fo.tries = 0;
		ap->fo.want_discovery = true;
	}
}

void
cs_ap_fo_in_run(struct cs_ap *ap)
{
	char from[16], to[16], msg[200];
	uint64_t ms;

	/* back on a primed controller: the round starts from it again */
	if (ap->cfg.skip_discovery) {
		ap->fo.want_discovery = false;
		for (unsigned i = 0; i < ap->cfg.target_count; i++)
			if (ap->cfg.targets[i] == ap->ac_ip)
				ap->fo.next = (uint8_t)i;
	}
	if (ap->fo.is_lost) {
		ap->fo.is_lost = false;
		ms = ap->now_ms - ap->fo.lost_at_ms;
		if (ms > UINT32_MAX)
			ms = UINT32_MAX;
		ap->stats.failovers++;
		ap->stats.last_failover_ms = (uint32_t)ms;
		fo_ip(from, sizeof(from), ap->fo.lost_ac);
		fo_ip(to, sizeof(to), ap->ac_ip);
		snprintf(msg, sizeof(msg),
		    "%s %s after losing %s: %llu ms from the last good echo",
		    ap->ac_ip == ap->fo.lost_ac ? "back in Run on the same "
		                                  "controller"
		                                : "failed over to",
		    to, from, (unsigned long long)ms);
		cs_ap_emit(ap, CS_AP_EV_FAILOVER, 0, 0, (uint32_t)ms, msg);
	}
	cs_ap_fo_alive(ap);
}

uint32_t
cs_ap_fo_next_ac(struct cs_ap *ap)
{
	if (ap->fo.want_discovery) {
		ap->fo.want_discovery = false;
		return 0;
	}
	if (ap->fo.next >= ap->cfg.target_count)
		ap->fo.next = 0;
	return ap->cfg.targets[ap->fo.next];
}

void
cs_ap_fo_learn_list(struct cs_ap *ap, const struct cs_msg *m)
{
	struct cs_el_ac_ipv4_list l;
	const struct cs_elem *e = cs_msg_find(m, CS_EL_AC_IPV4_LIST, 0);
	char a[16], msg[120];

	if (e == NULL || cs_el_get_ac_ipv4_list(e, &l, NULL) < 0)
		return;
	for (unsigned i = 0; i < l.n; i++) {
		bool known = false;

		for (unsigned k = 0; k < ap->cfg.target_count; k++)
			known |= ap->cfg.targets[k] == l.addr[i];
		if (known || l.addr[i] == 0)
			continue;
		fo_ip(a, sizeof(a), l.addr[i]);
		if (ap->cfg.target_count >= CS_AP_MAX_TARGETS) {
			snprintf(msg, sizeof(msg),
			    "AC IPv4 List: %s not kept (%d controllers "
			    "already)",
			    a, CS_AP_MAX_TARGETS);
			cs_ap_emit(ap, CS_AP_EV_INFO, m->ctl.type, m->ctl.seq,
			    l.addr[i], msg);
			continue;
		}
		ap->cfg.targets[ap->cfg.target_count++] = l.addr[i];
		snprintf(msg, sizeof(msg),
		    "AC IPv4 List: controller %s learned (Discovery target)",
		    a);
		cs_ap_emit(
		    ap, CS_AP_EV_INFO, m->ctl.type, m->ctl.seq, l.addr[i], msg);
	}
}

void
cs_ap_fo_learned_names(struct cs_ap *ap)
{
	const struct cs_ap_run *r = &ap->run;
	char msg[400];
	size_t n = 0;

	if (r->n_ac_prio == 0)
		return;
	n += (size_t)snprintf(msg, sizeof(msg),
	    "controller set the preferred ACs (AC Name with Priority):");
	for (unsigned i = 0; i < r->n_ac_prio && n < sizeof(msg); i++)
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, " %u=%s",
		    (unsigned)r->ac_prio[i],
		    r->ac_prio_name[i] != NULL ? r->ac_prio_name[i] : "");
	cs_ap_emit(ap, CS_AP_EV_INFO, CS_MSG_CONFIG_UPDATE_REQ, 0, 0, msg);
}
