/* SPDX-License-Identifier: MIT */
/*
 * `capsim run --check`: the scenario and options are valid (parsing got
 * here); print what a run would do, and run nothing.
 */
#include "run_options.h"

#include <stdio.h>

#include "capsim/discover.h"
#include "capsim/scenario.h"
#include "capsim/udp.h"
#include "capsim/wlc.h"
#include "sim.h"

static const char *const run_act_names[] = {
	[CS_SCN_ACT_ENABLE] = "enable rule",
	[CS_SCN_ACT_DISABLE] = "disable rule",
	[CS_SCN_ACT_WLC_RESTART] = "restart the WLC",
	[CS_SCN_ACT_AP_REBOOT] = "power-cycle APs",
	[CS_SCN_ACT_LINK_DOWN] = "link down",
	[CS_SCN_ACT_NAT_REBIND] = "NAT rebind",
	[CS_SCN_ACT_NAT_EXPIRE] = "NAT expire",
	[CS_SCN_ACT_WLC_MISBEHAVE] = "the WLC misbehaves:",
	[CS_SCN_ACT_WLC_REQUEST] = "the WLC sends a request:",
};
_Static_assert(CS_ARRAY_SIZE(run_act_names) == CS_SCN_ACT__COUNT,
    "--check names every timeline action");

/* --check: the scenario and options are valid (parsing got here); print
 * what a run would do, and run nothing. */
int
run_check(const struct run_opts *o)
{
	const struct cs_scenario *scn = o->scn;
	char a[16], b[16];
	uint32_t wlc_ip = o->wlc_ip;

	if (o->embedded && wlc_ip == 0)
		cs_ipv4_parse("127.0.0.1", &wlc_ip);
	printf("capsim run --check: %s is valid; the plan:\n",
	    scn != NULL ? scn->file : "the command line");
	if (scn != NULL)
		printf("  scenario     %s%s%s\n", scn->name,
		    scn->description != NULL ? ": " : "",
		    scn->description != NULL ? scn->description : "");
	printf(
	    "  APs          %u from %s, MACs from %02x:%02x:%02x:%02x:%02x:%02x"
	    " on, names %s...\n",
	    o->ec.n_aps, cs_ipv4_str(o->ec.ap_base_ip, a), o->ec.ap_base_mac[0],
	    o->ec.ap_base_mac[1], o->ec.ap_base_mac[2], o->ec.ap_base_mac[3],
	    o->ec.ap_base_mac[4], o->ec.ap_base_mac[5],
	    o->ec.ap_name_prefix ? o->ec.ap_name_prefix : "capsim-ap-");
	if (o->shard.enabled)
		printf("  shard        %u of %u: APs %u..%u of %u (global "
		       "numbers)%s\n",
		    o->shard.index, o->shard.count, o->shard.rep.first_ap + 1,
		    o->shard.rep.first_ap + o->shard.rep.n_aps,
		    o->shard.rep.total_aps,
		    o->shard.start_at_unix_ms != 0 ? ", at --start-at" : "");
	if (o->embedded)
		printf("  WLC          embedded mock on %s:%u, capacity %u%s\n",
		    cs_ipv4_str(wlc_ip, b), o->wlc_port, o->ec.wlc.max_wtps,
		    o->ec.wlc.cisco ? ", Cisco mode" : "");
	else
		printf("  WLC          %s:%u\n", cs_ipv4_str(wlc_ip, b),
		    o->wlc_port);
	if (o->disc.enabled && o->disc.mode != CS_DISC_MODE_STATIC) {
		char c[16];

		printf("  discovery    %s", cs_disc_mode_name(o->disc.mode));
		if (o->disc.server_ip != 0)
			printf(", DHCP server %s via relay %s",
			    cs_ipv4_str(o->disc.server_ip, b),
			    cs_ipv4_str(o->disc.relay_ip, c));
		if (o->disc.dns_server != 0)
			printf(", DNS server %s",
			    cs_ipv4_str(o->disc.dns_server, b));
		if (o->disc.dns_domain != NULL)
			printf(", domain %s", o->disc.dns_domain);
		printf(
		    ", timeout %.1f s\n", (double)o->disc.timeout_ms / 1000.0);
	}
	printf("  duration     %.1f s, seed %llu, DTLS %s\n",
	    (double)o->duration_ms / 1000.0, (unsigned long long)o->ec.seed,
	    o->dtls_ver != NULL ? o->dtls_ver : "1.2");
	printf("  timers       discovery %u ms (max %u), echo %u ms, "
	       "keep-alive %u ms,\n"
	       "               retransmit %u ms x %u, WaitDTLS %u ms\n",
	    o->ec.ap.discovery_interval_ms, o->ec.ap.max_discovery_interval_ms,
	    o->ec.ap.echo_interval_ms, o->ec.ap.keepalive_ms,
	    o->ec.ap.retransmit_interval_ms, o->ec.ap.max_retransmit,
	    o->ec.ap.wait_dtls_ms);
	if (o->ec.rate > 0)
		printf("  load         %.1f APs/s%s\n", o->ec.rate,
		    o->ec.rate_ramp_s > 0 ? ", ramped" : "");
	for (size_t i = 0; i < o->n_rules; i++)
		printf("  impairment   %zu %s%s\n", i + 1,
		    o->rules[i].name[0] ? o->rules[i].name : "(unnamed)",
		    o->rules[i].enabled ? "" : " (off at start)");
	for (size_t i = 0; scn != NULL && i < scn->n_timeline; i++) {
		const struct cs_scn_event *ev = &scn->timeline[i];

		printf("  at %7.1f s  %s", (double)ev->at_ms / 1000.0,
		    ev->action < CS_ARRAY_SIZE(run_act_names)
		        ? run_act_names[ev->action]
		        : "?");
		if ((ev->action == CS_SCN_ACT_ENABLE ||
		        ev->action == CS_SCN_ACT_DISABLE) &&
		    ev->rule_index < scn->n_impairments)
			printf(" '%s'",
			    scn->impairments[ev->rule_index].rule.name);
		if (ev->action == CS_SCN_ACT_LINK_DOWN)
			printf(" for %.1f s", (double)ev->for_ms / 1000.0);
		if (ev->action == CS_SCN_ACT_WLC_MISBEHAVE) {
			char mb[160];

			printf(
			    " %s", cs_scn_misbehave_text(ev, mb, sizeof(mb)));
		}
		if (ev->action == CS_SCN_ACT_WLC_REQUEST)
			printf(" %s", cs_wlc_cmd_name(ev->cmd.kind));
		printf("\n");
	}
	for (size_t i = 0; scn != NULL && i < scn->n_expect; i++)
		printf("  expect       %s\n", scn->expect[i].text);
	if (scn == NULL || scn->n_expect == 0)
		printf("  pass when    every AP reaches Run and stays there\n");
	return SIM_EXIT_OK;
}
