/* SPDX-License-Identifier: MIT */
/*
 * Scenario files: every section and key of scenarios/examples/full.yaml,
 * defaults, each error path with its FILE:LINE:COL and key, and
 * expectation parsing and evaluation.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/capwap.h"
#include "capsim/engine.h"
#include "capsim/hist.h"
#include "capsim/impair.h"
#include "capsim/metrics.h"
#include "capsim/report.h"
#include "capsim/scenario.h"
#include "scenario/scenario-internal.h"
#include "testutil.h"

#define SENTINEL ((struct cs_scenario *)(uintptr_t)0x5ca1ab1e)

static struct cs_scenario *
load_text(const char *text)
{
	struct cs_scenario *s = NULL;
	struct cs_err err = { 0 };
	int r = cs_scenario_parse_mem(&s, text, strlen(text), "t.yaml", &err);

	if (r != 0)
		fail_msg("parse failed (%d): %s", r, err.what ? err.what : "");
	return s;
}

static struct cs_scenario *
load_example(const char *name)
{
	const char *src = getenv("CS_SRC");
	struct cs_scenario *s = NULL;
	struct cs_err err = { 0 };
	char path[1024];
	int r;

	snprintf(path, sizeof(path), "%s/scenarios/examples/%s",
	    src ? src : ".", name);
	r = cs_scenario_load(&s, path, &err);
	if (r != 0)
		fail_msg("load %s failed (%d): %s", path, r,
		    err.what ? err.what : "");
	return s;
}

/* ------------------------------------------------------------------ */

static void
test_defaults(void **state)
{
	struct cs_scenario *s = load_text("name: x\n");
	struct cs_ap_cfg cfg;
	uint8_t mac[6] = { 0x02, 0xca, 0x75, 0, 0, 1 };

	(void)state;
	assert_string_equal(s->name, "x");
	assert_string_equal(s->file, "t.yaml");
	assert_null(s->description);
	assert_int_equal(s->seed, 1);
	assert_int_equal(s->duration_ms, 60000);
	assert_int_equal(s->aps.count, 1);
	assert_int_equal(s->aps.base_ip, 0x7f010001);
	assert_memory_equal(s->aps.base_mac, mac, 6);
	assert_string_equal(s->aps.name, "capsim-ap-");
	assert_null(s->aps.profile);
	assert_int_equal(s->aps.discovery, CS_SCN_DISC_STATIC);
	assert_int_equal(s->aps.dtls_version, CS_DTLS_V1_2);
	assert_int_equal(s->aps.cert, CS_PKI_GOOD);
	assert_int_equal(s->aps.timers.set, 0);
	assert_true(s->wlc.embedded);
	assert_int_equal(s->wlc.listen_ip, 0x7f000001);
	assert_int_equal(s->wlc.listen_port, 5246);
	assert_false(s->wlc.auth_enabled);
	assert_int_equal(s->n_impairments, 0);
	assert_false(s->nat.enabled);
	assert_int_equal(s->n_timeline, 0);
	assert_int_equal(s->n_expect, 0);

	/* timers untouched when none are given */
	assert_int_equal(cs_ap_cfg_defaults(&cfg), 0);
	cfg.echo_interval_ms = 12345;
	cs_scenario_apply_ap_timers(s, &cfg);
	assert_int_equal(cfg.echo_interval_ms, 12345);
	cs_scenario_free(s);

	/* sizes by the one grammar: 64k is 64 * 1024 bytes */
	{
		struct cs_scenario *t = NULL;
		const char y[] = "wlc: {image-size: 64k}\n";

		assert_int_equal(
		    cs_scenario_parse_mem(&t, y, sizeof(y) - 1, "t.yaml", NULL),
		    0);
		assert_int_equal(t->wlc.image_size, 65536);
		cs_scenario_free(t);
	}
	/* name defaults to the file name */
	{
		struct cs_scenario *t = NULL;

		assert_int_equal(cs_scenario_parse_mem(&t, "seed: 3\n", 8,
		                     "dir/my-case.yaml", NULL),
		    0);
		assert_string_equal(t->name, "my-case");
		cs_scenario_free(t);
	}
	cs_scenario_free(NULL);
}

/* aps.data-dtls and wlc.data-dtls (RFC 5415 §4.6.1), applied to the
 * engine's AP and WLC configurations; default off; a wrong word names
 * the key. */
static void
test_data_dtls_keys(void **state)
{
	static const char y[] = "aps: {data-dtls: optional}\n"
	                        "wlc: {data-dtls: required}\n";
	static const char bad[] = "wlc: {data-dtls: on}\n";
	struct cs_scenario *t = NULL;
	struct cs_engine_cfg ec;
	struct cs_err err = { 0 };

	(void)state;
	assert_int_equal(
	    cs_scenario_parse_mem(&t, "seed: 1\n", 8, "t.yaml", NULL), 0);
	assert_int_equal(t->aps.data_dtls, CS_DATA_DTLS_OFF);
	assert_int_equal(t->wlc.data_dtls, CS_DATA_DTLS_OFF);
	cs_scenario_free(t);
	assert_int_equal(
	    cs_scenario_parse_mem(&t, y, sizeof(y) - 1, "t.yaml", NULL), 0);
	assert_int_equal(t->aps.data_dtls, CS_DATA_DTLS_OPTIONAL);
	assert_int_equal(t->wlc.data_dtls, CS_DATA_DTLS_REQUIRED);
	memset(&ec, 0, sizeof(ec));
	assert_int_equal(cs_scenario_apply(t, &ec, NULL, NULL), 0);
	assert_int_equal(ec.ap.data_dtls, CS_DATA_DTLS_OPTIONAL);
	assert_int_equal(ec.wlc.data_dtls, CS_DATA_DTLS_REQUIRED);
	cs_scenario_free(t);
	t = NULL;
	assert_int_equal(
	    cs_scenario_parse_mem(&t, bad, sizeof(bad) - 1, "t.yaml", &err),
	    -EINVAL);
	assert_null(t);
	assert_non_null(err.what);
	assert_non_null(strstr(err.what, "wlc.data-dtls"));
}

static void
test_full_example(void **state)
{
	struct cs_scenario *s = load_example("full.yaml");
	const struct cs_impair_rule *r;
	struct cs_ap_cfg cfg;
	uint8_t mac0[6] = { 2, 0, 0, 0, 0x10, 0 };
	uint8_t mac1[6] = { 2, 0, 0, 0, 0x10, 1 };

	(void)state;
	assert_string_equal(s->name, "full-example");
	assert_string_equal(s->description, "every key of the format");
	assert_int_equal(s->seed, 7);
	assert_int_equal(s->duration_ms, 120000);

	/* aps */
	assert_int_equal(s->aps.count, 200);
	assert_int_equal(s->aps.base_ip, 0x7f280001);
	assert_memory_equal(s->aps.base_mac, mac0, 6);
	assert_string_equal(s->aps.name, "lab-ap-");
	assert_string_equal(s->aps.profile, "c2700");
	assert_int_equal(s->aps.discovery, CS_SCN_DISC_DHCP);
	assert_int_equal(s->aps.dhcp_server, 0xc6120202); /* 198.18.2.2 */
	assert_int_equal(s->aps.dhcp_relay, 0xc6121001);  /* 198.18.16.1 */
	assert_int_equal(s->aps.dns_server, 0);
	assert_null(s->aps.dns_domain);
	assert_string_equal(s->aps.vendor_class, "Cisco AP c2700");
	assert_int_equal(s->aps.discovery_timeout_ms, 60000);
	assert_int_equal(s->aps.n_controllers, 2);
	assert_int_equal(s->aps.controllers[1], 0x7f000002);
	assert_false(s->aps.skip_discovery);
	assert_int_equal(s->aps.clock_skew_s, -3 * 86400);
	assert_int_equal(s->aps.dtls_version, CS_DTLS_V1_2);
	assert_string_equal(s->aps.ciphers, "ECDHE-RSA-AES128-GCM-SHA256");
	assert_int_equal(s->aps.mtu, 1300);
	assert_int_equal(s->aps.cert, CS_PKI_NOT_YET_VALID);
	assert_true(s->aps.rate_per_s > 9.999 && s->aps.rate_per_s < 10.001);
	assert_int_equal(s->aps.max_inflight, 64);
	assert_int_equal(s->aps.image_policy, CS_AP_IMAGE_DOWNLOAD);
	assert_int_equal(s->aps.timers.set, (1u << CS_SCN_T__COUNT) - 1);
	assert_int_equal(cs_ap_cfg_defaults(&cfg), 0);
	cs_scenario_apply_ap_timers(s, &cfg);
	assert_int_equal(cfg.discovery_interval_ms, 1000);
	assert_int_equal(cfg.max_discovery_interval_ms, 2000);
	assert_int_equal(cfg.retransmit_interval_ms, 500);
	assert_int_equal(cfg.echo_interval_ms, 5000);
	assert_int_equal(cfg.keepalive_ms, 5000);
	assert_int_equal(cfg.data_dead_ms, 10000);
	assert_int_equal(cfg.wait_dtls_ms, 10000);
	assert_int_equal(cfg.silent_interval_ms, 5000);
	assert_int_equal(cfg.max_discoveries, 3);
	assert_int_equal(cfg.max_retransmit, 3);
	assert_int_equal(cfg.max_failed_dtls, 2);

	/* wlc */
	assert_true(s->wlc.embedded);
	assert_int_equal(s->wlc.listen_ip, 0x7f000001);
	assert_int_equal(s->wlc.listen_port, 15246);
	assert_int_equal(s->wlc.advertise_ip, 0xc000020a);
	assert_true(s->wlc.has_max_aps);
	assert_int_equal(s->wlc.max_aps, 150);
	assert_true(s->wlc.auth_enabled);
	assert_int_equal(s->wlc.n_auth_macs, 2);
	assert_memory_equal(s->wlc.auth_macs[1], mac1, 6);
	assert_int_equal(s->wlc.dtls_version, CS_DTLS_V_ANY);
	assert_string_equal(s->wlc.ciphers, "AES128-SHA");
	assert_int_equal(s->wlc.cert, CS_PKI_UNKNOWN_CA);
	assert_true(s->wlc.cisco);
	assert_int_equal(s->wlc.echo_interval_ms, 5000);
	assert_int_equal(s->wlc.discovery_interval_ms, 2000);
	assert_int_equal(s->wlc.wait_join_ms, 20000);
	assert_int_equal(s->wlc.data_check_ms, 10000);
	assert_int_equal(s->wlc.image_size, 65536);
	assert_true(s->wlc.misbehave.reject_share > 0.0999 &&
	    s->wlc.misbehave.reject_share < 0.1001);
	assert_int_equal(s->wlc.misbehave.reject_code, 4);
	assert_int_equal(s->wlc.misbehave.delay_ms, 50);
	assert_int_equal(s->wlc.misbehave.drop_msg_type, 5);
	assert_false(s->wlc.misbehave.mute);
	assert_int_equal(s->wlc.misbehave.handshake_delay_ms, 20);
	assert_int_equal(s->wlc.mtu, 1200);

	/* impairments */
	assert_int_equal(s->n_impairments, 6);
	r = &s->impairments[0].rule;
	assert_string_equal(r->name, "lossy-join");
	assert_int_equal(s->impairments[0].line, 52);
	assert_true(r->enabled);
	assert_int_equal(r->match.dir_mask, 1u << CS_DIR_UP);
	assert_true(r->match.has_chan);
	assert_int_equal(r->match.chan, CS_CHAN_CONTROL);
	assert_int_equal(r->match.kind, CS_PK_ANY); /* msg_types decide */
	assert_int_equal(r->match.n_msg_types, 2);
	assert_int_equal(r->match.msg_types[0], 3);
	assert_int_equal(r->match.msg_types[1], 5);
	assert_int_equal(r->match.aps.n_ranges, 3);
	assert_int_equal(r->match.aps.ranges[0].lo, 0);
	assert_int_equal(r->match.aps.ranges[0].hi, 9);
	assert_int_equal(r->match.aps.ranges[1].lo, 20);
	assert_int_equal(r->match.aps.ranges[1].hi, 20);
	assert_int_equal(r->match.aps.ranges[2].hi, 39);
	assert_true(r->match.aps.has_share);
	assert_true(r->match.aps.share > 0.4999 && r->match.aps.share < 0.5001);
	assert_int_equal(r->match.aps.every, 2);
	assert_int_equal(r->match.aps.n_macs, 1);
	assert_memory_equal(r->match.aps.macs[0], mac0, 6);
	assert_int_equal(r->match.port, 5246);
	assert_int_equal(r->match.size_min, 1201);
	assert_int_equal(r->match.size_max, 0);
	assert_int_equal(r->match.from_ms, 10000);
	assert_int_equal(r->match.until_ms, 20000);
	assert_int_equal(r->match.first, 5);
	assert_int_equal(r->match.every, 3);
	assert_int_equal(r->match.after, 2);
	assert_true(r->action.has_drop);
	assert_true(
	    r->action.drop_prob > 0.2999 && r->action.drop_prob < 0.3001);
	assert_int_equal(r->action.drop_burst, 2);

	r = &s->impairments[1].rule;
	assert_string_equal(r->name, "jitter");
	assert_false(r->enabled);
	assert_int_equal(r->match.dir_mask, 0);
	assert_int_equal(r->action.delay, CS_DELAY_UNIFORM);
	assert_int_equal(r->action.delay_ms, 10);
	assert_int_equal(r->action.delay_hi_ms, 50);
	assert_true(r->action.has_duplicate);
	assert_int_equal(r->action.dup_copies, 2);
	assert_true(r->action.dup_prob > 0.0499 && r->action.dup_prob < 0.0501);
	assert_true(r->action.has_reorder);
	assert_int_equal(r->action.hold_pkts, 3);
	assert_int_equal(r->action.hold_ms, 40);
	assert_true(r->action.has_corrupt);
	assert_int_equal(r->action.corrupt_bytes, 4);
	assert_true(r->action.has_corrupt_offset);
	assert_int_equal(r->action.corrupt_offset, 20);
	assert_false(r->action.has_drop);

	r = &s->impairments[2].rule;
	assert_string_equal(r->name, "rule-3");
	assert_int_equal(r->match.kind, CS_PK_DTLS_HANDSHAKE);
	assert_int_equal(r->match.hs_mask, CS_HS_BIT(11));
	assert_int_equal(r->action.mtu, 1300);

	r = &s->impairments[3].rule;
	assert_true(r->action.rate_pps > 9.999 && r->action.rate_pps < 10.001);
	assert_true(r->action.rate_bytes_ps > 1999.9);
	assert_true(r->action.rate_burst > 4.9 && r->action.rate_burst < 5.1);
	assert_true(r->action.rate_shared);
	assert_true(r->action.has_truncate);
	assert_int_equal(r->action.truncate_to, 100);
	assert_true(r->action.has_link_down);
	assert_int_equal(r->action.down_from_ms, 30000);
	assert_int_equal(r->action.down_until_ms, 35000);

	r = &s->impairments[4].rule;
	assert_int_equal(r->action.delay, CS_DELAY_NORMAL);
	assert_int_equal(r->action.delay_ms, 100);
	assert_int_equal(r->action.jitter_ms, 20);

	/* every rule is acceptable to the impairment engine */
	{
		struct cs_impair *imp;
		unsigned id;

		assert_int_equal(cs_impair_new(&imp, s->seed), 0);
		for (size_t i = 0; i < s->n_impairments; i++) {
			assert_int_equal(
			    cs_impair_add(imp, &s->impairments[i].rule, &id),
			    0);
			assert_int_equal(id, i);
		}
		cs_impair_free(imp);
	}

	/* nat */
	assert_true(s->nat.enabled);
	assert_int_equal(s->nat.cfg.ext_ip, 0x7f000032);
	assert_int_equal(s->nat.cfg.idle_timeout_ms, 30000);
	assert_true(s->nat.cfg.no_reverse);
	assert_int_equal(s->nat.cfg.asym_src_ip, 0x7f000033);
	assert_int_equal(s->nat.cfg.rebind_at_ms, 20000);
	assert_int_equal(s->nat.cfg.expire_at_ms, 90000);
	assert_int_equal(s->nat.cfg.port_min, 20000);
	assert_int_equal(s->nat.cfg.port_max, 20999);

	/* timeline, sorted by time (stable) */
	assert_int_equal(s->n_timeline, 11);
	assert_int_equal(s->timeline[0].at_ms, 20000);
	assert_int_equal(s->timeline[0].action, CS_SCN_ACT_WLC_RESTART);
	assert_int_equal(s->timeline[1].at_ms, 25000);
	assert_int_equal(s->timeline[1].action, CS_SCN_ACT_AP_REBOOT);
	assert_true(s->timeline[1].sel.has_share);
	assert_int_equal(s->timeline[2].action, CS_SCN_ACT_LINK_DOWN);
	assert_int_equal(s->timeline[2].for_ms, 5000);
	assert_int_equal(s->timeline[3].action, CS_SCN_ACT_ENABLE);
	assert_int_equal(s->timeline[3].rule_index, 1);
	assert_int_equal(s->timeline[4].action, CS_SCN_ACT_DISABLE);
	assert_int_equal(s->timeline[4].rule_index, 0);
	assert_int_equal(s->timeline[5].action, CS_SCN_ACT_NAT_REBIND);
	assert_int_equal(s->timeline[6].action, CS_SCN_ACT_NAT_EXPIRE);
	assert_int_equal(s->timeline[7].action, CS_SCN_ACT_AP_REBOOT);
	assert_int_equal(s->timeline[7].sel.n_ranges, 0);
	assert_false(s->timeline[7].sel.has_share);
	assert_int_equal(s->timeline[8].sel.n_ranges, 1);
	assert_int_equal(s->timeline[8].sel.every, 2);
	assert_int_equal(s->timeline[8].sel.n_macs, 1);
	assert_true(s->timeline[7].line < s->timeline[8].line);
	assert_int_equal(s->timeline[9].action, CS_SCN_ACT_WLC_MISBEHAVE);
	assert_int_equal(s->timeline[9].misbehave_set,
	    1u << CS_SCN_MB_MUTE | 1u << CS_SCN_MB_DROP);
	assert_true(s->timeline[9].misbehave.mute);
	assert_int_equal(
	    s->timeline[9].misbehave.drop_msg_type, CS_MSG_ECHO_REQ);
	assert_int_equal(s->timeline[10].misbehave_set,
	    1u << CS_SCN_MB_MUTE | 1u << CS_SCN_MB_DROP |
	        1u << CS_SCN_MB_HANDSHAKE_DELAY);
	assert_false(s->timeline[10].misbehave.mute);
	assert_int_equal(s->timeline[10].misbehave.drop_msg_type, 0);
	{
		/* applied in turn on the switches in force */
		struct cs_wlc_misbehave mb = s->wlc.misbehave;

		assert_int_equal(
		    cs_scn_misbehave_apply(&s->timeline[9], &mb), 0);
		assert_true(mb.mute);
		assert_int_equal(mb.drop_msg_type, CS_MSG_ECHO_REQ);
		assert_int_equal(mb.delay_ms, 50); /* not named: kept */
		assert_int_equal(mb.reject_code, 4);
		assert_int_equal(mb.handshake_delay_ms, 20);
		assert_int_equal(
		    cs_scn_misbehave_apply(&s->timeline[10], &mb), 0);
		assert_false(mb.mute);
		assert_int_equal(mb.drop_msg_type, 0);
		assert_int_equal(mb.handshake_delay_ms, 2000);
		assert_int_equal(mb.delay_ms, 50);
		assert_int_equal(
		    cs_scn_misbehave_apply(&s->timeline[0], &mb), -EINVAL);
		assert_int_equal(cs_scn_misbehave_apply(NULL, &mb), -EINVAL);
		assert_int_equal(
		    cs_scn_misbehave_apply(&s->timeline[9], NULL), -EINVAL);
	}
	{
		char t[128];

		assert_string_equal(
		    cs_scn_misbehave_text(&s->timeline[9], t, sizeof(t)),
		    "drop=echo-request mute=true");
		assert_string_equal(
		    cs_scn_misbehave_text(&s->timeline[10], t, sizeof(t)),
		    "drop=none mute=false handshake-delay=2000ms");
		assert_string_equal(
		    cs_scn_misbehave_text(&s->timeline[0], t, sizeof(t)), "");
		assert_string_equal(
		    cs_scn_misbehave_text(&s->timeline[9], t, 6), "drop=");
	}
	assert_string_equal(
	    cs_scn_act_name(CS_SCN_ACT_WLC_MISBEHAVE), "wlc-misbehave");
	assert_null(cs_scn_act_name(CS_SCN_ACT__COUNT));
	/* the kind list and the dtls word */
	assert_true(s->impairments[4].rule.match.is_kind_list);
	assert_int_equal(s->impairments[4].rule.match.kind_list,
	    CS_PK_BIT(CS_PK_DTLS_ALERT) | CS_PK_BIT(CS_PK_KEEPALIVE));
	assert_int_equal(s->impairments[4].rule.match.n_msg_types, 1);
	assert_int_equal(s->impairments[5].rule.match.kind, CS_PK_DTLS);
	assert_false(s->impairments[5].rule.enabled);

	/* expectations */
	assert_int_equal(s->n_expect, 11);
	assert_string_equal(s->expect[0].metric, "joined");
	assert_int_equal(s->expect[0].op, CS_EXP_GE);
	assert_int_equal(s->expect[0].kind, CS_EXPV_PERCENT);
	assert_true(s->expect[0].value > 98.99 && s->expect[0].value < 99.01);
	assert_string_equal(s->expect[0].text, "joined >= 99%");
	assert_int_equal(s->expect[2].kind, CS_EXPV_DURATION);
	assert_true(s->expect[2].value == 2000.0);
	assert_string_equal(
	    s->expect[4].metric, "failures{phase=dtls-handshake}");
	assert_int_equal(s->expect[6].kind, CS_EXPV_WORD);
	assert_string_equal(s->expect[6].word, "return-path-loss");
	assert_int_equal(s->expect[7].op, CS_EXP_NE);
	assert_int_equal(s->expect[0].line, 108);
	assert_int_equal(s->expect[0].col, 5);
	cs_scenario_free(s);
}

/* aps.groups: consecutive AP indexes, each group from the aps defaults
 * with its own overrides. */
/* clients: (issue 14): every key, and the errors say where and why */
static void
test_clients(void **state)
{
	static const char yaml[] = "clients:\n"
	                           "  count: 8\n"
	                           "  mac-base: 02:cc:00:00:10:00\n"
	                           "  mac-increment: 2\n"
	                           "  ssid: lab-psk\n"
	                           "  security: wpa2-psk\n"
	                           "  psk: correct horse battery\n"
	                           "  arrival-rate: 20/s\n"
	                           "  lifetime: 90s\n";
	static const struct {
		const char *yaml, *what;
	} bad[] = {
		{ "clients: {security: wpa2-psk}\n",
		    "t.yaml:1:21: key 'clients.security': wpa2-psk needs a "
		    "psk" },
		{ "clients: {psk: abcdefgh12}\n",
		    "t.yaml:1:16: key 'clients.psk': a pre-shared key needs "
		    "security: wpa2-psk" },
		{ "clients: {security: wpa2-psk, psk: short}\n",
		    "t.yaml:1:36: key 'clients.psk': a WPA2 passphrase has 8 "
		    "to 63 characters" },
		{ "clients: {count: 70000}\n",
		    "t.yaml:1:18: key 'clients.count'" },
		{ "clients: {ssid: 012345678901234567890123456789012}\n",
		    "t.yaml:1:17: key 'clients.ssid': an SSID has 1 to 32 "
		    "octets" },
		{ "clients: {security: wep}\n",
		    "t.yaml:1:21: key 'clients.security'" },
		{ "clients: {colour: red}\n",
		    "t.yaml:1:11: key 'clients.colour': unknown key" },
	};
	struct cs_scenario *s = load_text(yaml);
	const uint8_t mac[6] = { 2, 0xcc, 0, 0, 0x10, 0 };

	(void)state;
	assert_true(s->clients.given);
	assert_int_equal(s->clients.count, 8);
	assert_true(s->clients.has_mac_base);
	assert_memory_equal(s->clients.mac_base, mac, 6);
	assert_int_equal(s->clients.mac_increment, 2);
	assert_string_equal(s->clients.ssid, "lab-psk");
	assert_int_equal(s->clients.security, CS_SCN_SEC_WPA2_PSK);
	assert_string_equal(s->clients.psk, "correct horse battery");
	assert_true(s->clients.has_rate);
	assert_true(s->clients.rate > 19.99 && s->clients.rate < 20.01);
	assert_int_equal(s->clients.lifetime_ms, 90000);
	cs_scenario_free(s);
	s = load_text("seed: 2\n");
	assert_false(s->clients.given);
	cs_scenario_free(s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cs_err err = { 0 };

		s = SENTINEL;
		assert_int_equal(cs_scenario_parse_mem(&s, bad[i].yaml,
		                     strlen(bad[i].yaml), "t.yaml", &err),
		    -EINVAL);
		assert_ptr_equal(s, SENTINEL);
		if (strstr(err.what, bad[i].what) == NULL)
			fail_msg("case %zu: got '%s', want '%s'", i, err.what,
			    bad[i].what);
	}
}

static void
test_groups(void **state)
{
	static const char yaml[] =
	    "aps:\n"
	    "  base-ip: 127.9.0.1\n"
	    "  ciphers: AES128-SHA\n"
	    "  cert: expired\n"
	    "  timers: {echo-interval: 2s, max-retransmit: 3}\n"
	    "  groups:\n"
	    "    - {count: 4}\n"
	    "    - count: 6\n"
	    "      profile: c2700\n"
	    "      cert: valid\n"
	    "      ciphers: AES256-SHA\n"
	    "      dtls-version: \"1.0\"\n"
	    "      mtu: 1200\n"
	    "      clock-skew: -2d\n"
	    "      image-policy: download\n"
	    "      timers: {echo-interval: 5s, wait-dtls: 9s}\n";
	struct cs_scenario *s = NULL;
	struct cs_err err = { 0 };
	const struct cs_scn_group *g;
	struct cs_ap_cfg cfg;

	(void)state;
	if (cs_scenario_parse_mem(&s, yaml, strlen(yaml), "g.yaml", &err) != 0)
		fail_msg("%s", err.what);
	assert_int_equal(s->aps.count, 10);
	assert_int_equal(s->aps.n_groups, 2);
	g = &s->aps.groups[0];
	assert_int_equal(g->first, 0);
	assert_int_equal(g->count, 4);
	assert_null(g->profile);
	assert_string_equal(g->ciphers, "AES128-SHA");
	assert_int_equal(g->cert, CS_PKI_EXPIRED);
	assert_int_equal(g->dtls_version, CS_DTLS_V1_2);
	assert_int_equal(g->line, 7);
	g = &s->aps.groups[1];
	assert_int_equal(g->first, 4);
	assert_int_equal(g->count, 6);
	assert_string_equal(g->profile, "c2700");
	assert_string_equal(g->ciphers, "AES256-SHA");
	assert_int_equal(g->cert, CS_PKI_GOOD);
	assert_int_equal(g->dtls_version, CS_DTLS_V1_0);
	assert_int_equal(g->mtu, 1200);
	assert_int_equal(g->clock_skew_s, -2 * 86400);
	assert_int_equal(g->image_policy, CS_AP_IMAGE_DOWNLOAD);
	/* timers merge: the group's over the aps section's */
	assert_int_equal(cs_ap_cfg_defaults(&cfg), 0);
	cs_scn_group_apply_timers(g, &cfg);
	assert_int_equal(cfg.echo_interval_ms, 5000);
	assert_int_equal(cfg.wait_dtls_ms, 9000);
	assert_int_equal(cfg.max_retransmit, 3);
	assert_int_equal(cs_ap_cfg_defaults(&cfg), 0);
	cs_scn_group_apply_timers(&s->aps.groups[0], &cfg);
	assert_int_equal(cfg.echo_interval_ms, 2000);
	cs_scn_group_apply_timers(NULL, &cfg); /* no-op */
	cs_scenario_free(s);
}

static void
test_founding_case(void **state)
{
	struct cs_scenario *s = load_example("vpn-dtls-return-drop.yaml");
	struct cs_scenario *m = load_example("minimal.yaml");

	(void)state;
	assert_string_equal(s->name, "vpn-dtls-return-drop");
	assert_int_equal(s->seed, 42);
	assert_int_equal(s->aps.count, 20);
	assert_int_equal(s->n_impairments, 1);
	assert_int_equal(
	    s->impairments[0].rule.match.dir_mask, 1u << CS_DIR_DOWN);
	assert_int_equal(
	    s->impairments[0].rule.match.kind, CS_PK_DTLS_HANDSHAKE);
	assert_true(s->impairments[0].rule.action.has_drop);
	assert_true(s->impairments[0].rule.action.drop_prob == 1.0);
	assert_int_equal(s->n_timeline, 1);
	assert_int_equal(s->timeline[0].action, CS_SCN_ACT_DISABLE);
	assert_int_equal(s->n_expect, 4);
	assert_non_null(strstr(s->description, "firewall rule"));
	assert_int_equal(m->duration_ms, 10000);
	cs_scenario_free(s);
	cs_scenario_free(m);
}

/* Action values by the --rule grammar (lib/net impair_field.c): the same
 * forms and reasons in a file as on the command line. */
static void
test_action_fields(void **state)
{
	struct cs_scenario *s = load_text(
	    "impairments:\n"
	    "  - {name: a, action: {drop: 0.3, delay: 100ms~20ms}}\n"
	    "  - {name: b, action: {duplicate: {copies: 2, probability: "
	    "0.25}}}\n");
	struct cs_impair_rule r;
	struct cs_err err = { 0 };

	(void)state;
	assert_true(s->impairments[0].rule.action.drop_prob == 0.3);
	assert_int_equal(s->impairments[0].rule.action.delay, CS_DELAY_NORMAL);
	assert_int_equal(s->impairments[0].rule.action.jitter_ms, 20);
	assert_true(s->impairments[1].rule.action.dup_prob == 0.25);
	assert_int_equal(s->impairments[1].rule.action.dup_copies, 2);
	cs_scenario_free(s);
	/* what --rule says of the same bad value */
	assert_int_equal(
	    cs_impair_rule_parse("action=duplicate copies=9", &r, &err),
	    -EINVAL);
	assert_string_equal(err.what, "must be between 1 and 7");
}

static void
test_values(void **state)
{
	struct cs_scenario *s = load_text(
	    "duration: 1h30m\n"
	    "aps: {count: 4, clock-skew: 1.5d, dtls-version: any,"
	    " cert: expired, rate: 2/h, discovery: broadcast}\n"
	    "wlc: {address: 192.0.2.10:15246}\n"
	    "impairments:\n"
	    "  - {name: a, match: {size: \"<=100\", kind: dtls-handshake},"
	    " action: {delay: 10ms-20ms}}\n"
	    "  - {name: b, match: {size: 100-200, window: 5s-}, action: "
	    "{drop: 50%}}\n"
	    "  - {name: c, match: {size: \"<100\", kind: \"client-hello,"
	    "finished\"}, action: duplicate}\n"
	    "  - {name: d, match: {size: 1200}, action: reorder}\n"
	    "  - {name: e, action: {reorder: {hold-time: 20ms}, duplicate: 3,"
	    " corrupt: 2}}\n"
	    "  - {name: f, action: {drop: {burst: 4}, link-down: yes}}\n");

	(void)state;
	assert_int_equal(s->duration_ms, 5400000);
	assert_int_equal(s->aps.clock_skew_s, 129600);
	assert_int_equal(s->aps.dtls_version, CS_DTLS_V_ANY);
	assert_int_equal(s->aps.cert, CS_PKI_EXPIRED);
	assert_int_equal(s->aps.discovery, CS_SCN_DISC_BROADCAST);
	assert_true(s->aps.rate_per_s > 0.00055 && s->aps.rate_per_s < 0.00056);
	assert_false(s->wlc.embedded);
	assert_int_equal(s->wlc.address, 0xc000020a);
	assert_int_equal(s->wlc.port, 15246);
	assert_int_equal(s->impairments[0].rule.match.size_min, 0);
	assert_int_equal(s->impairments[0].rule.match.size_max, 100);
	assert_int_equal(s->impairments[0].rule.action.delay, CS_DELAY_UNIFORM);
	assert_int_equal(s->impairments[0].rule.action.delay_hi_ms, 20);
	assert_int_equal(s->impairments[1].rule.match.size_min, 100);
	assert_int_equal(s->impairments[1].rule.match.size_max, 200);
	assert_int_equal(s->impairments[1].rule.match.from_ms, 5000);
	assert_int_equal(s->impairments[1].rule.match.until_ms, 0);
	assert_true(s->impairments[1].rule.action.drop_prob == 0.5);
	assert_int_equal(s->impairments[2].rule.match.size_max, 99);
	assert_int_equal(s->impairments[2].rule.match.hs_mask,
	    CS_HS_BIT(1) | CS_HS_BIT(20) | CS_HS_ENCRYPTED);
	assert_true(s->impairments[2].rule.action.has_duplicate);
	assert_int_equal(s->impairments[2].rule.action.dup_copies, 1);
	assert_int_equal(s->impairments[3].rule.match.size_min, 1200);
	assert_int_equal(s->impairments[3].rule.match.size_max, 1200);
	assert_int_equal(s->impairments[3].rule.action.hold_pkts, 1);
	assert_int_equal(s->impairments[4].rule.action.hold_pkts, 0);
	assert_int_equal(s->impairments[4].rule.action.hold_ms, 20);
	assert_int_equal(s->impairments[4].rule.action.dup_copies, 3);
	assert_int_equal(s->impairments[4].rule.action.corrupt_bytes, 2);
	assert_int_equal(s->impairments[5].rule.action.drop_burst, 4);
	assert_true(s->impairments[5].rule.action.drop_prob == 1.0);
	assert_true(s->impairments[5].rule.action.has_link_down);
	assert_int_equal(s->impairments[5].rule.action.down_until_ms, 0);
	cs_scenario_free(s);

	/* wlc.dtls-versions: one entry, or a bare scalar */
	s = load_text("wlc: {dtls-versions: [\"1.0\"], auth-list: []}\n");
	assert_int_equal(s->wlc.dtls_version, CS_DTLS_V1_0);
	assert_true(s->wlc.auth_enabled);
	assert_int_equal(s->wlc.n_auth_macs, 0);
	cs_scenario_free(s);
	s = load_text("wlc: {dtls-versions: \"1.2\"}\n");
	assert_int_equal(s->wlc.dtls_version, CS_DTLS_V1_2);
	cs_scenario_free(s);
	/* anchors and aliases resolve */
	s = load_text("aps: {count: 3, timers: &t {keepalive: 2s}}\n"
	              "impairments:\n"
	              "  - {name: a, match: &m {dir: up}, action: drop}\n"
	              "  - {name: b, match: *m, action: drop}\n");
	assert_int_equal(
	    s->impairments[1].rule.match.dir_mask, 1u << CS_DIR_UP);
	cs_scenario_free(s);
}

/* ------------------------------------------------------------------ */
/* errors */

struct err_case {
	const char *yaml;
	int code;
	const char *what; /* exact text expected in err.what */
};

static const struct err_case err_cases[] = {
	/* YAML syntax */
	{ "name: [a\n", -EINVAL,
	    "t.yaml:2:1: YAML: did not find expected "
	    "',' or ']' while parsing a flow sequence" },
	{ "", -EINVAL,
	    "t.yaml:1:1: empty scenario (expected name:, aps:, "
	    "...)" },
	{ "name: a\n---\nname: b\n", -EINVAL,
	    "t.yaml:3:1: a second YAML document ('---'); a scenario file "
	    "holds one" },
	{ "- a\n", -EINVAL,
	    "t.yaml:1:1: expected a mapping (key: value "
	    "lines), got a list" },
	/* unknown keys, did you mean */
	{ "name: a\nduraton: 3s\n", -EINVAL,
	    "t.yaml:2:1: key 'duraton': unknown key (did you mean "
	    "'duration'?)" },
	{ "aps:\n  cuont: 3\n", -EINVAL,
	    "t.yaml:2:3: key 'aps.cuont': unknown key (did you mean "
	    "'count'?)" },
	{ "aps: {xyzzy: 3}\n", -EINVAL,
	    "t.yaml:1:7: key 'aps.xyzzy': unknown key" },
	{ "name: a\nname: b\n", -EINVAL,
	    "t.yaml:2:1: key 'name': given "
	    "twice" },
	{ "[a]: 1\n", -EINVAL, "t.yaml:1:1: keys must be plain words" },
	/* scalars */
	{ "name:\n", -EINVAL, "t.yaml:1:6: key 'name': missing value" },
	{ "name: {a: 1}\n", -EINVAL,
	    "t.yaml:1:7: key 'name': expected a value, got a mapping" },
	{ "seed: -1\n", -EINVAL,
	    "t.yaml:1:7: key 'seed': expected a whole number; got '-1'" },
	{ "seed: 99999999999999999999\n", -EINVAL,
	    "t.yaml:1:7: key 'seed': must be between 0 and "
	    "18446744073709551615" },
	{ "duration: 30\n", -EINVAL,
	    "t.yaml:1:11: key 'duration': add a unit (30ms or 30s); got "
	    "'30'" },
	{ "duration: 3x\n", -EINVAL,
	    "t.yaml:1:11: key 'duration': unknown unit 'x' (use us, ms, s, m, "
	    "h or d); got '3x'" },
	{ "duration: -3s\n", -EINVAL,
	    "t.yaml:1:11: key 'duration': must not be negative; got '-3s'" },
	{ "duration: 0s\n", -EINVAL,
	    "t.yaml:1:11: key 'duration': must be at least 1 ms" },
	{ "aps: {count: 0}\n", -EINVAL,
	    "t.yaml:1:14: key 'aps.count': must be between 1 and 16777216" },
	{ "aps: {base-ip: 10.0.0.300}\n", -EINVAL,
	    "t.yaml:1:16: key 'aps.base-ip': expected an IPv4 address such "
	    "as 127.0.0.1; got '10.0.0.300'" },
	{ "aps: {base-ip: 255.255.255.250, count: 10}\n", -EINVAL,
	    "t.yaml:1:16: key 'aps.base-ip': 10 APs from this address run "
	    "past 255.255.255.255" },
	{ "aps: {base-mac: \"00:11:22:33:44\"}\n", -EINVAL,
	    "t.yaml:1:17: key 'aps.base-mac': expected a MAC such as "
	    "00:11:22:33:44:55, 00-11-22-33-44-55, 0011.2233.4455 or "
	    "001122334455; got '00:11:22:33:44'" },
	{ "aps: {discovery: dhpc}\n", -EINVAL,
	    "t.yaml:1:18: key 'aps.discovery': expected one of static, dhcp, "
	    "dns, broadcast; got 'dhpc' (did you mean 'dhcp'?)" },
	/* aps.discovery as a mapping */
	{ "aps: {discovery: {method: dhpc}}\n", -EINVAL,
	    "t.yaml:1:27: key 'aps.discovery.method': expected one of static, "
	    "dhcp, dns, broadcast; got 'dhpc' (did you mean 'dhcp'?)" },
	{ "aps: {discovery: {dhcp-server: 10.0.0.1}}\n", -EINVAL,
	    "t.yaml:1:18: key 'aps.discovery': a discovery mapping needs "
	    "'method' (static, dhcp, dns or broadcast)" },
	{ "aps: {discovery: {method: static, dhcp-server: 10.0.0.1}}\n",
	    -EINVAL,
	    "t.yaml:1:48: key 'aps.discovery.dhcp-server': not used by method "
	    "static (only by dhcp)" },
	{ "aps: {discovery: {method: dns, vendor-class: x}}\n", -EINVAL,
	    "t.yaml:1:46: key 'aps.discovery.vendor-class': not used by method "
	    "dns (only by dhcp)" },
	{ "aps: {discovery: {method: dhcp, dhcp-server: 10.0.0.1}}\n", -EINVAL,
	    "t.yaml:1:18: key 'aps.discovery': dhcp-server and dhcp-relay go "
	    "together (capsim relays to the server from the relay address, "
	    "which must be local)" },
	{ "aps: {discovery: {method: dhcp, dhcp-sever: 10.0.0.1}}\n", -EINVAL,
	    "t.yaml:1:33: key 'aps.discovery.dhcp-sever': unknown key (did you "
	    "mean 'dhcp-server'?)" },
	{ "aps: {discovery: {method: dns, dns-domain: \"\"}}\n", -EINVAL,
	    "t.yaml:1:44: key 'aps.discovery.dns-domain': empty domain" },
	{ "aps: {discovery: {method: dns, timeout: 0s}}\n", -EINVAL,
	    "t.yaml:1:41: key 'aps.discovery.timeout': must be between 1 ms "
	    "and 4294967295 ms" },
	{ "aps: {cert: expird}\n", -EINVAL,
	    "t.yaml:1:13: key 'aps.cert': expected one of valid, expired, "
	    "not-yet-valid, untrusted, wrong-eku, sha1, rsa1024, good, "
	    "unknown-ca, wrong-ca; got 'expird' (did you mean 'expired'?)" },
	{ "aps: {cert: nope}\n", -EINVAL,
	    "t.yaml:1:13: key 'aps.cert': expected one of valid, expired, "
	    "not-yet-valid, untrusted, wrong-eku, sha1, rsa1024, good, "
	    "unknown-ca, wrong-ca; got 'nope'" },
	{ "aps: {rate: 50}\n", -EINVAL,
	    "t.yaml:1:13: key 'aps.rate': expected a rate such as 50/s, "
	    "600/m or 2/h; got '50'" },
	{ "aps: {rate: 5/d}\n", -EINVAL,
	    "t.yaml:1:13: key 'aps.rate': unknown rate unit (use /s, /m or "
	    "/h); got '5/d'" },
	{ "aps: {skip-discovery: maybe}\n", -EINVAL,
	    "t.yaml:1:23: key 'aps.skip-discovery': expected true or false; "
	    "got 'maybe'" },
	{ "aps: {timers: {keepalive: 0ms}}\n", -EINVAL,
	    "t.yaml:1:27: key 'aps.timers.keepalive': must be between 1 ms "
	    "and 4294967295 ms" },
	{ "aps: {timers: {max-retransmit: 0}}\n", -EINVAL,
	    "t.yaml:1:32: key 'aps.timers.max-retransmit': must be between 1 "
	    "and 65535" },
	{ "aps: {controllers: []}\n", -EINVAL,
	    "t.yaml:1:20: key 'aps.controllers': give 1 to 8 controller "
	    "addresses" },
	{ "aps: {primed: [a, b, c, d]}\n", -EINVAL,
	    "t.yaml:1:15: key 'aps.primed': 1 to 3 controllers (primary, "
	    "secondary, tertiary), each NAME@ADDR, NAME or ADDR" },
	{ "aps: {primed: [a@1.2.3]}\n", -EINVAL,
	    "t.yaml:1:16: key 'aps.primed': 1.2.3 after '@': expected an "
	    "IPv4 address such as 127.0.0.1" },
	{ "aps: {primed: [\"@1.2.3.4\"]}\n", -EINVAL,
	    "t.yaml:1:16: key 'aps.primed': empty name before '@'" },
	{ "aps: {mtu: 100}\n", -EINVAL,
	    "t.yaml:1:12: key 'aps.mtu': must be between 256 and 65535" },
	{ "aps: {clock-skew: 3}\n", -EINVAL,
	    "t.yaml:1:19: key 'aps.clock-skew': add a unit (3ms or 3s); got "
	    "'3'" },
	{ "name: \"a\\0b\"\n", -EINVAL,
	    "t.yaml:1:7: key 'name': contains a NUL character" },
	/* wlc */
	{ "wlc: {embedded: false}\n", -EINVAL,
	    "t.yaml:1:17: key 'wlc.embedded': embedded: false needs the real "
	    "controller's address (wlc.address)" },
	{ "wlc: {embedded: true, address: 192.0.2.1}\n", -EINVAL,
	    "t.yaml:1:32: key 'wlc.address': a real controller address and "
	    "embedded: true exclude each other" },
	{ "wlc: {address: 192.0.2.1, max-aps: 3}\n", -EINVAL,
	    "t.yaml:1:36: key 'wlc.max-aps': applies to the embedded mock WLC "
	    "only, not to a real controller at wlc.address" },
	{ "wlc: {image-size: 1.1k}\n", -EINVAL,
	    "t.yaml:1:19: key 'wlc.image-size': not a whole number of bytes; "
	    "got '1.1k'" },
	{ "wlc: {image-size: 8G}\n", -EINVAL,
	    "t.yaml:1:19: key 'wlc.image-size': unknown size unit 'G' (use B, "
	    "k, K or M); got '8G'" },
	{ "wlc: {image-size: 5000M}\n", -EINVAL,
	    "t.yaml:1:19: key 'wlc.image-size': must be at most 4294967295 "
	    "bytes" },
	{ "wlc: {listen: \"127.0.0.1:0\"}\n", -EINVAL,
	    "t.yaml:1:15: key 'wlc.listen': expected a port 1..65535 after "
	    "':'; got '127.0.0.1:0'" },
	{ "wlc: {dtls-versions: [\"1.3\"]}\n", -EINVAL,
	    "t.yaml:1:23: key 'wlc.dtls-versions': expected one of 1.2, 1.0; "
	    "got '1.3' (did you mean '1.2'?)" },
	{ "wlc: {dtls-version: \"1.2\", dtls-versions: [\"1.2\"]}\n", -EINVAL,
	    "t.yaml:1:43: key 'wlc.dtls-versions': give either dtls-version "
	    "or dtls-versions" },
	{ "wlc: {auth-list: [\"zz\"]}\n", -EINVAL,
	    "t.yaml:1:19: key 'wlc.auth-list': expected a MAC such as "
	    "00:11:22:33:44:55, 00-11-22-33-44-55, 0011.2233.4455 or "
	    "001122334455; got 'zz'" },
	{ "wlc: {echo-interval: 300s}\n", -EINVAL,
	    "t.yaml:1:22: key 'wlc.echo-interval': must be at most 255s "
	    "(CAPWAP Timers, RFC 5415 §4.6.13)" },
	{ "wlc: {misbehave: {drop: join-requst}}\n", -EINVAL,
	    "t.yaml:1:25: key 'wlc.misbehave.drop': expected a CAPWAP message "
	    "such as join-request or configuration-status-request; got "
	    "'join-requst' (did you mean 'join-request'?)" },
	{ "wlc: {misbehave: {reject: 120%}}\n", -EINVAL,
	    "t.yaml:1:27: key 'wlc.misbehave.reject': must be between 0% and "
	    "100%; got '120%'" },
	/* impairments */
	{ "impairments: {a: 1}\n", -EINVAL,
	    "t.yaml:1:14: key 'impairments': expected a list, got a mapping" },
	{ "impairments:\n  - match: {dir: sideways}\n    action: drop\n",
	    -EINVAL,
	    "t.yaml:2:18: key 'impairments[0].match.dir': expected one of up, "
	    "down, both; got 'sideways'" },
	{ "impairments:\n  - name: x\n", -EINVAL,
	    "t.yaml:2:5: key 'impairments[0]': a rule needs an action (drop, "
	    "delay, ...)" },
	{ "impairments:\n  - {name: x, action: drop}\n  - {name: x, action: "
	  "drop}\n",
	    -EINVAL,
	    "t.yaml:3:12: key 'impairments[1].name': rule name 'x' already "
	    "used on line 2" },
	{ "impairments:\n  - {name: a b, action: drop}\n", -EINVAL,
	    "t.yaml:2:12: key 'impairments[0].name': use letters, digits, "
	    "'-', '_' or '.' in rule names" },
	{ "impairments:\n  - {action: drop}\n  - {name: rule-1, action: "
	  "drop}\n",
	    -EINVAL,
	    "t.yaml:3:12: key 'impairments[1].name': rule name 'rule-1' "
	    "already used on line 2" },
	{ "impairments:\n  - {match: {kind: dtls-hanshake}, action: drop}\n",
	    -EINVAL,
	    "t.yaml:2:20: key 'impairments[0].match.kind': unknown packet kind "
	    "'dtls-hanshake' (did you mean 'dtls-handshake'?); kinds are any, "
	    "discovery, dtls, dtls-handshake, dtls-ccs, dtls-alert, "
	    "dtls-appdata, control, keepalive, data, a DTLS handshake message "
	    "(client-hello, certificate, ...), a CAPWAP message "
	    "(join-request, ...) or client traffic (client, auth, "
	    "assoc-request, eapol-m1, dhcp-discover, arp, icmp-echo, ...)" },
	{ "impairments:\n  - {match: {kind: eapol-m5}, action: drop}\n",
	    -EINVAL,
	    "t.yaml:2:20: key 'impairments[0].match.kind': unknown packet kind "
	    "'eapol-m5' (did you mean 'eapol-m1'?); kinds are any, "
	    "discovery, dtls, dtls-handshake, dtls-ccs, dtls-alert, "
	    "dtls-appdata, control, keepalive, data, a DTLS handshake message "
	    "(client-hello, certificate, ...), a CAPWAP message "
	    "(join-request, ...) or client traffic (client, auth, "
	    "assoc-request, eapol-m1, dhcp-discover, arp, icmp-echo, ...)" },
	{ "impairments:\n  - {match: {client-macs: [\"02:00\"]}, "
	  "action: drop}\n",
	    -EINVAL,
	    "t.yaml:2:27: key 'impairments[0].match.client-macs': "
	    "expected at most 16 MAC addresses such as "
	    "00:11:22:33:44:55, separated by ','; got a list" },
	{ "impairments:\n  - {match: {kind: [join-request, any]},"
	  " action: drop}\n",
	    -EINVAL,
	    "t.yaml:2:20: key 'impairments[0].match.kind': 'any' in a list "
	    "says nothing; leave kind out to match every packet" },
	{ "impairments:\n  - {match: {kind: [echo-request, join-request, "
	  "image-data-request, reset-request, configuration-status-request, "
	  "wtp-event-request, change-state-event-request, clear-"
	  "configuration-request, data-transfer-request]}, action: drop}\n",
	    -EINVAL,
	    "t.yaml:2:20: key 'impairments[0].match.kind': too many CAPWAP "
	    "messages: a list holds at most 8" },
	{ "impairments:\n  - {match: {aps: 0-25}, action: drop}\n", -EINVAL,
	    "t.yaml:2:19: key 'impairments[0].match.aps': AP index 25 beyond "
	    "the 1 APs (indexes 0-0); got '0-25'" },
	{ "aps: {count: 10}\nimpairments:\n  - {match: {aps: 5-2}, action: "
	  "drop}\n",
	    -EINVAL,
	    "t.yaml:3:19: key 'impairments[0].match.aps': range 5-2 runs "
	    "backwards; got '5-2'" },
	{ "aps: {count: 10}\nimpairments:\n  - {match: {aps: 1-2;3}, action: "
	  "drop}\n",
	    -EINVAL,
	    "t.yaml:3:19: key 'impairments[0].match.aps': expected AP index "
	    "ranges such as 0-9,20,30-39 (0-based); got '1-2;3'" },
	{ "impairments:\n  - {match: {size: \">65535\"}, action: drop}\n",
	    -EINVAL,
	    "t.yaml:2:20: key 'impairments[0].match.size': matches no "
	    "datagram" },
	{ "impairments:\n  - {match: {size: big}, action: drop}\n", -EINVAL,
	    "t.yaml:2:20: key 'impairments[0].match.size': expected a size in "
	    "bytes such as >1200, <=100, 100-200 or 1200; got 'big'" },
	{ "impairments:\n  - {match: {window: 20s-10s}, action: drop}\n",
	    -EINVAL,
	    "t.yaml:2:22: key 'impairments[0].match.window': the window ends "
	    "before it starts" },
	{ "impairments:\n  - {match: {share: 50}, action: drop}\n", -EINVAL,
	    "t.yaml:2:21: key 'impairments[0].match.share': expected a "
	    "percentage such as 50% or 0.5%; got '50'" },
	{ "impairments:\n  - {action: delay}\n", -EINVAL,
	    "t.yaml:2:14: key 'impairments[0].action': action 'delay' needs a "
	    "value, e.g. {delay: 200ms}" },
	{ "impairments:\n  - {action: dorp}\n", -EINVAL,
	    "t.yaml:2:14: key 'impairments[0].action': expected one of drop, "
	    "delay, duplicate, reorder, corrupt, truncate, mtu, rate, "
	    "link-down; got 'dorp' (did you mean 'drop'?)" },
	{ "impairments:\n  - {action: {drop: 0%}}\n", -EINVAL,
	    "t.yaml:2:21: key 'impairments[0].action.drop': 0% never happens; "
	    "remove the action or give more than 0%" },
	{ "impairments:\n  - {action: {}}\n", -EINVAL,
	    "t.yaml:2:14: key 'impairments[0].action': no action given" },
	{ "impairments:\n  - {action: {delay: {uniform: [50ms, 10ms]}}}\n",
	    -EINVAL,
	    "t.yaml:2:32: key 'impairments[0].action.delay.uniform': range "
	    "runs backwards" },
	{ "impairments:\n  - {action: {delay: {uniform: 5ms}}}\n", -EINVAL,
	    "t.yaml:2:32: key 'impairments[0].action.delay.uniform': expected "
	    "two durations such as [10ms, 50ms]" },
	{ "impairments:\n  - {action: {delay: {fixed: 1ms, normal: [1ms, "
	  "1ms]}}}\n",
	    -EINVAL,
	    "t.yaml:2:22: key 'impairments[0].action.delay': give exactly one "
	    "of fixed, uniform, normal" },
	{ "impairments:\n  - {action: {duplicate: 9}}\n", -EINVAL,
	    "t.yaml:2:26: key 'impairments[0].action.duplicate': must be "
	    "between 1 and 7" },
	{ "impairments:\n  - {action: {reorder: {probability: 5%}}}\n", -EINVAL,
	    "t.yaml:2:24: key 'impairments[0].action.reorder': give hold "
	    "(packets) or hold-time (or both)" },
	{ "impairments:\n  - {action: {mtu: 40}}\n", -EINVAL,
	    "t.yaml:2:20: key 'impairments[0].action.mtu': must be between 68 "
	    "and 65535" },
	{ "impairments:\n  - {action: {rate: {burst: 3}}}\n", -EINVAL,
	    "t.yaml:2:21: key 'impairments[0].action.rate': give packets or "
	    "bytes (or both)" },
	{ "impairments:\n  - {action: {drop: false}}\n", -EINVAL,
	    "t.yaml:2:21: key 'impairments[0].action.drop': drop: false drops "
	    "nothing; remove the action" },
	/* nat */
	{ "nat: {idle-timeout: 3s}\n", -EINVAL,
	    "t.yaml:1:6: key 'nat': needs external-ip (the address the WLC "
	    "sees)" },
	{ "nat: {external-ip: 127.0.0.5, ports: 30000-2000}\n", -EINVAL,
	    "t.yaml:1:38: key 'nat.ports': expected a port range such as "
	    "20000-29999" },
	/* timeline */
	{ "timeline:\n  - {disable: x}\n", -EINVAL,
	    "t.yaml:2:5: key 'timeline[0]': each entry needs 'at' (when, e.g. "
	    "at: 10s)" },
	{ "timeline:\n  - {at: 1s}\n", -EINVAL,
	    "t.yaml:2:5: key 'timeline[0]': no action: give one of enable, "
	    "disable, wlc-restart, ap-reboot, link-down, nat-rebind, "
	    "nat-expire, wlc-misbehave, wlc-request" },
	{ "timeline:\n  - {at: 1s, wlc-request: {to: all}}\n", -EINVAL,
	    "t.yaml:2:27: key 'timeline[0].wlc-request': needs type: "
	    "config-update, reset, clear-config or data-transfer" },
	{ "timeline:\n  - {at: 1s, wlc-request: {type: rset}}\n", -EINVAL,
	    "t.yaml:2:34: key 'timeline[0].wlc-request.type': 'rset' is "
	    "not config-update, reset, clear-config or data-transfer" },
	{ "timeline:\n  - {at: 1s, wlc-request: {type: reset, mode: dump}}\n",
	    -EINVAL,
	    "t.yaml:2:47: key 'timeline[0].wlc-request.mode': not part "
	    "of a reset request" },
	{ "timeline:\n  - {at: 1s, wlc-request: {type: config-update}}\n",
	    -EINVAL,
	    "t.yaml:2:27: key 'timeline[0].wlc-request': a "
	    "config-update needs something to set: statistics-timer, "
	    "echo-interval, discovery-interval, image, ac-names or "
	    "radio + admin" },
	{ "timeline:\n  - {at: 1s, wlc-request: {type: data-transfer}}\n",
	    -EINVAL,
	    "t.yaml:2:27: key 'timeline[0].wlc-request': a "
	    "data-transfer request needs mode: crash or dump" },
	{ "timeline:\n  - {at: 1s, wlc-request: {type: config-update, "
	  "statistics-timer: 1500ms}}\n",
	    -EINVAL,
	    "t.yaml:2:67: key "
	    "'timeline[0].wlc-request.statistics-timer': whole seconds "
	    "(the element carries seconds)" },
	{ "timeline:\n  - {at: 1s, wlc-request: {type: config-update, "
	  "radio: 1}}\n",
	    -EINVAL,
	    "t.yaml:2:27: key 'timeline[0].wlc-request': radio and "
	    "admin go together (Radio Administrative State)" },
	{ "wlc: {address: 192.0.2.1}\ntimeline:\n  - {at: 1s, "
	  "wlc-request: {type: reset}}\n",
	    -EINVAL,
	    "t.yaml:3:27: key 'timeline[0].wlc-request': needs the "
	    "embedded WLC (capsim cannot make a real controller send "
	    "requests)" },
	{ "timeline:\n  - {at: 1s, wlc-misbehave: {}}\n", -EINVAL,
	    "t.yaml:2:29: key 'timeline[0].wlc-misbehave': give at least one "
	    "of reject, reject-code, delay, drop, mute, handshake-delay" },
	{ "timeline:\n  - {at: 1s, wlc-misbehave: {mute: maybe}}\n", -EINVAL,
	    "t.yaml:2:36: key 'timeline[0].wlc-misbehave.mute': expected true "
	    "or false; got 'maybe'" },
	{ "timeline:\n  - {at: 1s, wlc-misbehave: {drop: echo-reqest}}\n",
	    -EINVAL,
	    "t.yaml:2:36: key 'timeline[0].wlc-misbehave.drop': expected a "
	    "CAPWAP message such as join-request or "
	    "configuration-status-request; got 'echo-reqest' (did you mean "
	    "'echo-request'?)" },
	{ "timeline:\n  - {at: 1s, wlc-misbehave: {handshake-delay: 3}}\n",
	    -EINVAL,
	    "t.yaml:2:47: key 'timeline[0].wlc-misbehave.handshake-delay': "
	    "add a unit (3ms or 3s); got '3'" },
	{ "wlc: {address: 192.0.2.1}\ntimeline:\n  - {at: 1s, "
	  "wlc-misbehave: {mute: true}}\n",
	    -EINVAL,
	    "t.yaml:3:29: key 'timeline[0].wlc-misbehave': needs the embedded "
	    "WLC (capsim cannot make a real controller misbehave)" },
	{ "aps: {groups: [{profile: c2700}]}\n", -EINVAL,
	    "t.yaml:1:16: key 'aps.groups[0]': each group needs its count" },
	{ "aps: {count: 5, groups: [{count: 2}, {count: 2}]}\n", -EINVAL,
	    "t.yaml:1:25: key 'aps.groups': the groups add up to 4 APs, "
	    "aps.count says 5 (leave aps.count out or make them agree)" },
	{ "aps: {groups: [{count: 2, colour: red}]}\n", -EINVAL,
	    "t.yaml:1:27: key 'aps.groups[0].colour': unknown key" },
	{ "aps: {groups: []}\n", -EINVAL,
	    "t.yaml:1:15: key 'aps.groups': give 1 to 16 groups" },
	{ "aps: {groups: [{count: 2, dtls-version: 1.3}]}\n", -EINVAL,
	    "t.yaml:1:41: key 'aps.groups[0].dtls-version': expected one of "
	    "1.2, 1.0, any; got '1.3' (did you mean '1.2'?)" },
	{ "aps: {groups: [{count: 2, timers: {wait-dtls: 5}}]}\n", -EINVAL,
	    "t.yaml:1:47: key 'aps.groups[0].timers.wait-dtls': add a unit "
	    "(5ms or 5s); got '5'" },
	{ "wlc: {mtu: 100}\n", -EINVAL,
	    "t.yaml:1:12: key 'wlc.mtu': must be between 256 and 65535" },
	{ "wlc: {address: 192.0.2.1, mtu: 1300}\n", -EINVAL,
	    "t.yaml:1:32: key 'wlc.mtu': applies to the embedded mock WLC "
	    "only, not to a real controller at wlc.address" },
	{ "wlc: {misbehave: {mute: true, colour: red}}\n", -EINVAL,
	    "t.yaml:1:31: key 'wlc.misbehave.colour': unknown key" },
	{ "duration: 10s\ntimeline:\n  - {at: 11s, wlc-restart: true}\n",
	    -EINVAL,
	    "t.yaml:3:10: key 'timeline[0].at': after the end of the run "
	    "(duration 10000 ms)" },
	{ "impairments:\n  - {name: fw-drop, action: drop}\ntimeline:\n"
	  "  - {at: 1s, disable: fw-dorp}\n",
	    -EINVAL,
	    "t.yaml:4:23: key 'timeline[0].disable': no impairment rule named "
	    "'fw-dorp' (did you mean 'fw-drop'?)" },
	{ "timeline:\n  - {at: 1s, enable: x}\n", -EINVAL,
	    "t.yaml:2:22: key 'timeline[0].enable': no impairment rule named "
	    "'x' (the scenario has no impairments)" },
	{ "timeline:\n  - {at: 1s, wlc-restart: true, link-down: 1s}\n",
	    -EINVAL,
	    "t.yaml:2:44: key 'timeline[0]': one action per entry "
	    "('wlc-restart' and 'link-down' given); add another entry at the "
	    "same time" },
	{ "wlc: {address: 192.0.2.1}\ntimeline:\n  - {at: 1s, wlc-restart: "
	  "true}\n",
	    -EINVAL,
	    "t.yaml:3:27: key 'timeline[0].wlc-restart': needs the embedded "
	    "WLC (capsim cannot restart a real controller)" },
	{ "timeline:\n  - {at: 1s, nat-rebind: true}\n", -EINVAL,
	    "t.yaml:2:26: key 'timeline[0].nat-rebind': needs a nat: "
	    "section" },
	{ "timeline:\n  - {at: 1s, ap-reboot: none}\n", -EINVAL,
	    "t.yaml:2:25: key 'timeline[0].ap-reboot': expected true (all "
	    "APs) or a selector such as {share: 50%} or {aps: 0-9}" },
	{ "timeline:\n  - {at: 1s, link-down: 0s}\n", -EINVAL,
	    "t.yaml:2:25: key 'timeline[0].link-down': must be at least 1 "
	    "ms" },
	/* expectations */
	{ "expect: joined >= 99%\n", -EINVAL,
	    "t.yaml:1:9: key 'expect': expected a list, got "
	    "'joined >= 99%'" },
	{ "expect:\n  - joind >= 99%\n", -EINVAL,
	    "t.yaml:2:5: key 'expect[0]': unknown metric 'joind' (did you "
	    "mean 'joined'?); metrics are aps, joined, in_run, failed, "
	    "failures, failures{phase=P}, joins, left_run, retransmits, "
	    "phase.PHASE.STAT, diagnosis, diagnosis{cause=CODE}.aps, "
	    "rule.NAME.COUNTER, wlc.COUNTER, nat.COUNTER, clients, "
	    "clients.SUB, client.phase.PHASE.STAT" },
	{ "expect:\n  - joined => 99%\n", -EINVAL,
	    "t.yaml:2:12: key 'expect[0]': expected an operator (>=, <=, ==, "
	    "!=, <, >) after 'joined'" },
	{ "expect:\n  - \"phase.dtls.p95 < 2x\"\n", -EINVAL,
	    "t.yaml:2:23: key 'expect[0]': expected a number, a percentage "
	    "(99%) or a duration (2s): unknown unit 'x' (use us, ms, s, m, h "
	    "or d); got '2x'" },
	{ "expect:\n  - phase.dtls.p95 < 50%\n", -EINVAL,
	    "t.yaml:2:22: key 'expect[0]': phase.dtls.p95 is a latency: "
	    "compare it with a duration such as 2s or 500ms; got '50%'" },
	{ "expect:\n  - phase.dtsl.p95 < 2s\n", -EINVAL,
	    "t.yaml:2:11: key 'expect[0]': expected phase.PHASE.STAT with "
	    "PHASE one of discovery, dtls, join, image, configure, "
	    "data-check, total (e.g. phase.dtls.p95)" },
	{ "expect:\n  - diagnosis >= 3\n", -EINVAL,
	    "t.yaml:2:5: key 'expect[0]': diagnosis compares with == or != "
	    "and a word, e.g. diagnosis == return-path-loss" },
	{ "expect:\n  - failures{phase=dtls} == 0\n", -EINVAL,
	    "t.yaml:2:20: key 'expect[0]': unknown phase 'dtls'; phases are "
	    "dhcp, discovery, dtls-handshake, join, image, configure, "
	    "data-check, run" },
	{ "expect:\n  - retransmits < 5%\n", -EINVAL,
	    "t.yaml:2:19: key 'expect[0]': a percentage is of the AP count; "
	    "retransmits is not a number of APs (use a plain number)" },
	{ "expect:\n  - joined >= 2s\n", -EINVAL,
	    "t.yaml:2:15: key 'expect[0]': joined is a count: compare it with "
	    "a number or a percentage of the APs; got '2s'" },
	{ "impairments:\n  - {name: a, action: drop}\nexpect:\n"
	  "  - rule.b.dropped > 0\n",
	    -EINVAL,
	    "t.yaml:4:5: key 'expect[0]': no impairment rule named "
	    "'b'" },
	{ "expect:\n  - rule.b.lost > 0\n", -EINVAL,
	    "t.yaml:2:12: key 'expect[0]': expected rule.NAME.COUNTER with "
	    "COUNTER one of matched, dropped, delayed, duplicated, corrupted, "
	    "truncated, held, released" },
	{ "expect:\n  - joined >= 99% extra\n", -EINVAL,
	    "t.yaml:2:15: key 'expect[0]': one value after the operator; got "
	    "'99% extra'" },
	{ "expect:\n  - joined >=\n", -EINVAL,
	    "t.yaml:2:14: key 'expect[0]': expected a value after the "
	    "operator" },
};

static void
test_errors(void **state)
{
	unsigned bad = 0;

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(err_cases); i++) {
		const struct err_case *c = &err_cases[i];
		struct cs_scenario *s = SENTINEL;
		struct cs_err err = { 0 };
		int r = cs_scenario_parse_mem(
		    &s, c->yaml, strlen(c->yaml), "t.yaml", &err);

		if (r != c->code || err.what == NULL ||
		    strcmp(err.what, c->what) != 0 || s != SENTINEL ||
		    err.code != c->code) {
			print_error("case %zu (%s):\n  got  %d '%s'\n  want %d "
			            "'%s'\n",
			    i, c->yaml, r, err.what ? err.what : "(null)",
			    c->code, c->what);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void
test_error_offset_and_load(void **state)
{
	struct cs_scenario *s = SENTINEL;
	struct cs_err err = { 0 };
	const char *y = "name: a\naps: {count: x}\n";

	(void)state;
	assert_int_equal(
	    cs_scenario_parse_mem(&s, y, strlen(y), NULL, &err), -EINVAL);
	assert_ptr_equal(s, SENTINEL);
	assert_int_equal(err.offset, 21); /* byte of 'x' */
	assert_string_equal(err.what,
	    "<memory>:2:14: key 'aps.count': "
	    "expected a whole number; got 'x'");
	/* err may be NULL */
	assert_int_equal(
	    cs_scenario_parse_mem(&s, y, strlen(y), NULL, NULL), -EINVAL);
	assert_ptr_equal(s, SENTINEL);
	/* missing file */
	assert_int_equal(
	    cs_scenario_load(&s, "/nonexistent/capsim/x.yaml", &err), -ENOENT);
	assert_ptr_equal(s, SENTINEL);
	assert_string_equal(err.what,
	    "/nonexistent/capsim/x.yaml: cannot "
	    "open: No such file or directory");
	/* a directory is not a scenario */
	assert_int_equal(cs_scenario_load(&s, "/", &err), -EISDIR);
	assert_string_equal(err.what, "/: cannot read: Is a directory");
	assert_ptr_equal(s, SENTINEL);
	/* argument checks */
	assert_int_equal(cs_scenario_load(NULL, "x", &err), -EINVAL);
	assert_int_equal(cs_scenario_load(&s, NULL, &err), -EINVAL);
	assert_int_equal(
	    cs_scenario_parse_mem(NULL, "a", 1, NULL, &err), -EINVAL);
	assert_int_equal(
	    cs_scenario_parse_mem(&s, NULL, 1, NULL, &err), -EINVAL);
	assert_ptr_equal(s, SENTINEL);
	/* a file with an error names the path */
	{
		const char *src = getenv("CS_SRC");
		char path[1024];
		FILE *f;

		snprintf(path, sizeof(path), "%s/test_scenario_tmp_%d.yaml",
		    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		    (int)getpid());
		(void)src;
		f = fopen(path, "w");
		assert_non_null(f);
		fputs("name: a\nwlc:\n  mute: true\n", f);
		fclose(f);
		assert_int_equal(cs_scenario_load(&s, path, &err), -EINVAL);
		remove(path);
		assert_non_null(strstr(err.what,
		    ":3:3: key 'wlc.mute': "
		    "unknown key"));
		assert_int_equal(strncmp(err.what, path, strlen(path)), 0);
		assert_ptr_equal(s, SENTINEL);
	}
}

/* AP selections are capsim/values.h's (tested in test_values.c). */
/* aps.discovery as a mapping: the method and where its services are */
static void
test_discovery_map(void **state)
{
	struct cs_scenario *s;

	(void)state;
	s = load_text("aps: {discovery: {method: dns, dns-server: 10.0.0.53, "
	              "dns-domain: lab.example, timeout: 20s}}\n");
	assert_int_equal(s->aps.discovery, CS_SCN_DISC_DNS);
	assert_int_equal(s->aps.dns_server, 0x0a000035);
	assert_string_equal(s->aps.dns_domain, "lab.example");
	assert_int_equal(s->aps.discovery_timeout_ms, 20000);
	assert_int_equal(s->aps.dhcp_server, 0);
	assert_null(s->aps.vendor_class);
	cs_scenario_free(s);
	/* the word form leaves the services to the command line */
	s = load_text("aps: {discovery: dhcp}\nwlc: {listen: 127.9.9.9}\n");
	assert_int_equal(s->aps.discovery, CS_SCN_DISC_DHCP);
	assert_int_equal(s->aps.dhcp_server, 0);
	assert_int_equal(s->aps.dhcp_relay, 0);
	assert_true(s->wlc.has_listen);
	cs_scenario_free(s);
	s = load_text("name: x\n");
	assert_false(s->wlc.has_listen);
	cs_scenario_free(s);
}

/* aps.primed: NAME@ADDR, NAME, ADDR; applied as primed names and
 * addresses, the addresses added to the Discovery targets. */
static void
test_primed(void **state)
{
	static const char yaml[] = "aps:\n"
	                           "  controllers: [127.0.0.9]\n"
	                           "  primed: [wlc-a@127.0.0.1, wlc-b, "
	                           "127.0.0.3]\n";
	struct cs_scenario *sc = NULL;
	struct cs_engine_cfg ec;
	struct cs_dtls_cfg dc, wdc;
	struct cs_err err = { 0 };

	(void)state;
	if (cs_scenario_parse_mem(&sc, yaml, strlen(yaml), "p", &err) < 0)
		fail_msg("scenario: %s", err.what);
	assert_int_equal(sc->aps.n_primed, 3);
	assert_string_equal(sc->aps.primed_name[0], "wlc-a");
	assert_int_equal(sc->aps.primed_ip[0], 0x7f000001);
	assert_string_equal(sc->aps.primed_name[1], "wlc-b");
	assert_int_equal(sc->aps.primed_ip[1], 0);
	assert_string_equal(sc->aps.primed_name[2], "");
	assert_int_equal(sc->aps.primed_ip[2], 0x7f000003);
	memset(&ec, 0, sizeof(ec));
	cs_ap_cfg_defaults(&ec.ap);
	cs_dtls_cfg_init(&dc, CS_DTLS_CLIENT);
	cs_dtls_cfg_init(&wdc, CS_DTLS_SERVER);
	assert_int_equal(cs_scenario_apply(sc, &ec, &dc, &wdc), 0);
	assert_string_equal(ec.ap.primed[0], "wlc-a");
	assert_string_equal(ec.ap.primed[1], "wlc-b");
	assert_null(ec.ap.primed[2]);
	assert_int_equal(ec.ap.primed_ip[2], 0x7f000003);
	assert_int_equal(ec.ap.target_count, 3);
	assert_int_equal(ec.ap.targets[0], 0x7f000009);
	assert_int_equal(ec.ap.targets[1], 0x7f000001);
	assert_int_equal(ec.ap.targets[2], 0x7f000003);
	cs_scenario_free(sc);
}

static void
test_discovery_name(void **state)
{
	(void)state;
	assert_string_equal(cs_scn_discovery_name(CS_SCN_DISC_DNS), "dns");
	assert_null(cs_scn_discovery_name(CS_SCN_DISC__COUNT));
}

/* ------------------------------------------------------------------ */
/* value grammars */

static void
test_grammars(void **state)
{
	static const struct {
		const char *s;
		bool neg;
		int64_t ms; /* -1 with ok false */
		bool ok;
	} durs[] = {
		{ "500ms", false, 500, true },
		{ "2s", false, 2000, true },
		{ "1.5s", false, 1500, true },
		{ "1m30s", false, 90000, true },
		{ "2h", false, 7200000, true },
		{ "3d", false, 259200000, true },
		{ "-3d", true, -259200000, true },
		{ "+1s", false, 1000, true },
		{ "0.25ms", false, 0,
		    false }, /* finer than 1 ms: not rounded */
		{ "250us", false, 0, false },
		{ "2000us", false, 2, true },
		{ "-1s", false, 0, false },
		{ "1", false, 0, false },
		{ "s", false, 0, false },
		{ "1.s", false, 0, false },
		{ "", false, 0, false },
		{ "-", true, 0, false },
		{ "1y", false, 0, false },
		{ "1e3s", false, 0, false },
		{ "99999999999999999999s", false, 0, false },
		{ "300000000d", false, 0, false },
	};
	const char *why;
	int64_t ms;
	double d;
	uint64_t u;
	uint32_t ip;
	uint16_t port = 7;
	uint8_t mac[6];

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(durs); i++) {
		int r;

		ms = 12345;
		r = scn_parse_duration(durs[i].s, durs[i].neg, &ms, &why);
		if (durs[i].ok) {
			assert_int_equal(r, 0);
			assert_int_equal(ms, durs[i].ms);
		} else {
			assert_int_equal(r, -EINVAL);
			assert_int_equal(ms, 12345);
		}
	}
	assert_int_equal(scn_parse_percent("0.5%", &d, &why), 0);
	assert_true(d == 0.005);
	assert_int_equal(scn_parse_percent("100%", &d, &why), 0);
	assert_true(d == 1.0);
	assert_int_equal(scn_parse_percent("100.1%", &d, &why), -EINVAL);
	assert_int_equal(scn_parse_percent("-1%", &d, &why), -EINVAL);
	assert_int_equal(scn_parse_percent("%", &d, &why), -EINVAL);
	assert_int_equal(scn_parse_rate("600/m", &d, &why), 0);
	assert_true(d == 10.0);
	assert_int_equal(scn_parse_rate("0/s", &d, &why), -EINVAL);
	assert_int_equal(scn_parse_rate("/s", &d, &why), -EINVAL);
	assert_int_equal(scn_parse_number("-1.25", &d, &why), 0);
	assert_true(d == -1.25);
	assert_int_equal(scn_parse_number("1e5", &d, &why), -EINVAL);
	assert_int_equal(scn_parse_number("0x10", &d, &why), -EINVAL);
	assert_int_equal(
	    scn_parse_uint("18446744073709551615", UINT64_MAX, &u, &why), 0);
	assert_int_equal(
	    scn_parse_uint("18446744073709551616", UINT64_MAX, &u, &why),
	    -EINVAL);
	assert_int_equal(scn_parse_uint("+1", 10, &u, &why), -EINVAL);
	assert_int_equal(scn_parse_uint("11", 10, &u, &why), -EINVAL);
	assert_int_equal(scn_parse_ipv4("192.0.2.1", &ip, &why), 0);
	assert_int_equal(ip, 0xc0000201);
	assert_int_equal(scn_parse_ipv4("1.2.3", &ip, &why), -EINVAL);
	assert_int_equal(scn_parse_ipv4("1.2.3.4.5", &ip, &why), -EINVAL);
	assert_int_equal(scn_parse_ipv4("1.2.3.0004", &ip, &why), -EINVAL);
	assert_int_equal(scn_parse_ipv4("1..3.4", &ip, &why), -EINVAL);
	assert_int_equal(scn_parse_ipv4_port("1.2.3.4", &ip, &port, &why), 0);
	assert_int_equal(port, 7);
	assert_int_equal(
	    scn_parse_ipv4_port("1.2.3.4:65535", &ip, &port, &why), 0);
	assert_int_equal(port, 65535);
	assert_int_equal(
	    scn_parse_ipv4_port("1.2.3.4:65536", &ip, &port, &why), -EINVAL);
	assert_int_equal(scn_parse_mac("aa-BB-cc-00-11-22", mac, &why), 0);
	assert_int_equal(mac[1], 0xbb);
	assert_int_equal(
	    scn_parse_mac("aa:bb-cc:00:11:22", mac, &why), -EINVAL);
	assert_int_equal(
	    scn_parse_mac("aa:bb:cc:00:11:22:", mac, &why), -EINVAL);
	assert_int_equal(scn_parse_mac("aabbcc001122", mac, &why), 0);
	assert_int_equal(scn_parse_mac("aabb.cc00.1122", mac, &why), 0);
	assert_int_equal(mac[5], 0x22);
	assert_int_equal(scn_parse_mac("aabbcc00112", mac, &why), -EINVAL);
	assert_int_equal(scn_edit_distance("kitten", "sitting", 5), 3);
	assert_int_equal(scn_edit_distance("a", "abcdef", 2), 3);
	{
		static const char *const w[] = { "count", "base-ip", NULL };

		assert_string_equal(scn_suggest("cuont", w), "count");
		assert_null(scn_suggest("zzzzzz", w));
	}
}

/* ------------------------------------------------------------------ */
/* expectations */

struct fake {
	double joined, p95, failures;
	const char *diag;
};

static int
fake_number(void *ctx, const char *path, double *out)
{
	struct fake *f = ctx;

	if (strcmp(path, "joined") == 0)
		*out = f->joined;
	else if (strcmp(path, "phase.dtls.p95") == 0)
		*out = f->p95;
	else if (strcmp(path, "failures{phase=dtls-handshake}") == 0)
		*out = f->failures;
	else
		return -ENOENT;
	return 0;
}

static int
fake_string(void *ctx, const char *path, char *buf, size_t len)
{
	struct fake *f = ctx;

	if (strcmp(path, "diagnosis") != 0 || f->diag == NULL)
		return -ENOENT;
	snprintf(buf, len, "%s", f->diag);
	return 0;
}

static void
eval_one(const char *text, struct fake *f, uint64_t aps, bool pass,
    const char *measured, const char *message)
{
	struct cs_measure_ops ops = { fake_number, fake_string, aps, 0 };
	struct cs_expect_result res;
	struct cs_expect e;
	struct cs_err err = { 0 };

	if (cs_expect_parse(&e, text, &err) != 0)
		fail_msg("parse '%s': %s", text, err.what);
	assert_int_equal(cs_expect_eval(&e, &ops, f, &res), 0);
	if (res.pass != pass || strcmp(res.measured, measured) != 0 ||
	    (message && strcmp(res.message, message) != 0))
		fail_msg("'%s': got pass=%d '%s' '%s'", text, res.pass,
		    res.measured, res.message);
	assert_ptr_equal(res.text, e.text);
	cs_expect_clear(&e);
	cs_expect_clear(&e); /* idempotent */
}

static void
test_expect_eval(void **state)
{
	struct fake f = { 198, 1530, 0, "return-path-loss" };

	(void)state;
	/* percentages of the AP count */
	eval_one("joined >= 99%", &f, 200, true, "198 (99%)",
	    "joined >= 99%: ok, measured 198 of 200 APs (99%)");
	eval_one("joined > 99%", &f, 200, false, "198 (99%)", NULL);
	eval_one("joined == 99%", &f, 200, true, "198 (99%)", NULL);
	eval_one("joined < 99.5%", &f, 200, true, "198 (99%)", NULL);
	eval_one("joined >= 100%", &f, 200, false, "198 (99%)",
	    "joined >= 100%: FAILED, measured 198 of 200 APs (99%)");
	eval_one("joined >= 50%", &f, 0, false, "198",
	    "joined >= 50%: FAILED, measured 198 but the AP count is 0, so "
	    "no percentage");
	/* plain numbers, each op */
	eval_one("joined >= 198", &f, 200, true, "198", NULL);
	eval_one("joined <= 197", &f, 200, false, "198", NULL);
	eval_one("joined == 198", &f, 200, true, "198", NULL);
	eval_one("joined != 198", &f, 200, false, "198", NULL);
	eval_one("joined != 1", &f, 200, true, "198", NULL);
	eval_one("joined < 198", &f, 200, false, "198", NULL);
	eval_one("joined > 197.5", &f, 200, true, "198", NULL);
	eval_one("  joined>=198  ", &f, 200, true, "198", NULL);
	eval_one("in-run >= 0", &f, 200, false, "n/a", NULL);
	/* durations in ms */
	eval_one("phase.dtls.p95 < 2s", &f, 200, true, "1530 ms",
	    "phase.dtls.p95 < 2s: ok, measured 1530 ms");
	eval_one("phase.dtls.p95 < 1.5s", &f, 200, false, "1530 ms", NULL);
	eval_one("phase.dtls.p95 <= 1530ms", &f, 200, true, "1530 ms", NULL);
	eval_one("phase.dtls.p95 < 2000", &f, 200, true, "1530", NULL);
	f.p95 = 12.345;
	eval_one("phase.dtls.p95 < 1s", &f, 200, true, "12.35 ms", NULL);
	/* labelled counts */
	eval_one(
	    "failures{phase=dtls-handshake} == 0", &f, 200, true, "0", NULL);
	/* words */
	eval_one("diagnosis == return-path-loss", &f, 200, true,
	    "return-path-loss",
	    "diagnosis == return-path-loss: ok, measured return-path-loss");
	eval_one("diagnosis != return-path-loss", &f, 200, false,
	    "return-path-loss", NULL);
	eval_one("diagnosis == ok", &f, 200, false, "return-path-loss",
	    "diagnosis == ok: FAILED, measured return-path-loss");
	/* missing metrics fail with a clear message */
	eval_one("retransmits < 5", &f, 200, false, "n/a",
	    "retransmits < 5: FAILED, metric 'retransmits' not available in "
	    "this run");
	f.diag = NULL;
	eval_one("diagnosis == ok", &f, 200, false, "n/a",
	    "diagnosis == ok: FAILED, metric 'diagnosis' not available in "
	    "this run");

	/* NULL ops and arguments */
	{
		struct cs_measure_ops none = { NULL, NULL, 10, 0 };
		struct cs_expect_result res;
		struct cs_expect e;

		assert_int_equal(cs_expect_parse(&e, "joined > 1", NULL), 0);
		assert_int_equal(cs_expect_eval(&e, &none, NULL, &res), 0);
		assert_false(res.pass);
		assert_true(res.missing);
		assert_int_equal(
		    cs_expect_eval(NULL, &none, NULL, &res), -EINVAL);
		assert_int_equal(cs_expect_eval(&e, NULL, NULL, &res), -EINVAL);
		assert_int_equal(
		    cs_expect_eval(&e, &none, NULL, NULL), -EINVAL);
		cs_expect_clear(&e);
		assert_int_equal(cs_expect_parse(NULL, "a", NULL), -EINVAL);
		assert_int_equal(cs_expect_parse(&e, NULL, NULL), -EINVAL);
	}
	assert_string_equal(cs_expect_op_name(CS_EXP_NE), "!=");
	assert_null(cs_expect_op_name((enum cs_expect_op)6));
}

static void
test_expect_parse(void **state)
{
	static const struct {
		const char *text;
		const char *metric;
		enum cs_expect_op op;
		enum cs_expect_kind kind;
		double value;
	} ok[] = {
		{ "joined >= 99%", "joined", CS_EXP_GE, CS_EXPV_PERCENT, 99 },
		{ "in_run == 100%", "in_run", CS_EXP_EQ, CS_EXPV_PERCENT, 100 },
		{ "in-run > 3", "in_run", CS_EXP_GT, CS_EXPV_NUMBER, 3 },
		{ "left-run <= 0", "left_run", CS_EXP_LE, CS_EXPV_NUMBER, 0 },
		{ "failed < 1%", "failed", CS_EXP_LT, CS_EXPV_PERCENT, 1 },
		{ "aps == 20", "aps", CS_EXP_EQ, CS_EXPV_NUMBER, 20 },
		{ "joins >= 40", "joins", CS_EXP_GE, CS_EXPV_NUMBER, 40 },
		{ "phase.total.max < 1m", "phase.total.max", CS_EXP_LT,
		    CS_EXPV_DURATION, 60000 },
		{ "phase.data-check.mean < 250ms", "phase.data-check.mean",
		    CS_EXP_LT, CS_EXPV_DURATION, 250 },
		{ "phase.dtls.count >= 10", "phase.dtls.count", CS_EXP_GE,
		    CS_EXPV_NUMBER, 10 },
		{ "failures{reason=no response} != -1",
		    "failures{reason=no "
		    "response}",
		    CS_EXP_NE, CS_EXPV_NUMBER, -1 },
		{ "wlc.join_ok > 0", "wlc.join_ok", CS_EXP_GT, CS_EXPV_NUMBER,
		    0 },
		{ "nat.rebound >= 1", "nat.rebound", CS_EXP_GE, CS_EXPV_NUMBER,
		    1 },
		{ "rule.a.b.held == 0", "rule.a.b.held", CS_EXP_EQ,
		    CS_EXPV_NUMBER, 0 },
		{ "diagnosis{cause=return-path-loss}.aps == 6",
		    "diagnosis{cause=return-path-loss}.aps", CS_EXP_EQ,
		    CS_EXPV_NUMBER, 6 },
		{ "diagnosis{cause=ok}.aps >= 90%", "diagnosis{cause=ok}.aps",
		    CS_EXP_GE, CS_EXPV_PERCENT, 90 },
		{ "diagnosis.aps < 3", "diagnosis.aps", CS_EXP_LT,
		    CS_EXPV_NUMBER, 3 },
	};
	static const char *const bad[] = { "", ">= 3", "joined", "joined 3",
		"joined >=", "phase.dtls >= 1s", "phase.dtls.p42 < 1s",
		"phase < 1s", "joined.x > 1", "joined{phase=run} > 1",
		"failures{phase=run > 1", "failures{color=red} > 1",
		"failures{reason=} > 1", "diagnosis == 3", "diagnosis < ok",
		"diagnosis == a.b", "joined >= ok", "rule.x > 1", "wlc > 1",
		"joined >= 101%", "joined >= 1e3", "phase.dtls.count < 2s",
		"diagnosis == retrun-path-loss", "diagnosis != nonsense",
		"diagnosis{cause=nonsense}.aps == 1",
		"diagnosis{cause=ok} == 1", "diagnosis{cause=}.aps == 1",
		"diagnosis{code=ok}.aps == 1", "diagnosis.aps == ok",
		"diagnosis.count == 1", "diagnosis{cause=ok}.aps < 1s" };
	struct cs_expect e;
	struct cs_err err;

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(ok); i++) {
		if (cs_expect_parse(&e, ok[i].text, &err) != 0)
			fail_msg("'%s': %s", ok[i].text, err.what);
		assert_string_equal(e.metric, ok[i].metric);
		assert_string_equal(e.text, ok[i].text);
		assert_int_equal(e.op, ok[i].op);
		assert_int_equal(e.kind, ok[i].kind);
		assert_true(e.value == ok[i].value);
		cs_expect_clear(&e);
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
		memset(&e, 0x5a, sizeof(e));
		err.what = NULL;
		if (cs_expect_parse(&e, bad[i], &err) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(err.what);
		assert_int_equal(err.code, -EINVAL);
		assert_int_equal(e.op, 0x5a5a5a5a); /* untouched */
	}
}

static void
eval_sum(const char *text, const struct cs_run_summary *sum, bool pass,
    const char *measured)
{
	struct cs_expect_result res;
	struct cs_expect e;
	struct cs_err err = { 0 };

	if (cs_expect_parse(&e, text, &err) != 0)
		fail_msg("parse '%s': %s", text, err.what);
	assert_int_equal(cs_expect_eval_summary(&e, sum, &res), 0);
	if (res.pass != pass || strcmp(res.measured, measured) != 0)
		fail_msg("'%s': got pass=%d '%s' (%s)", text, res.pass,
		    res.measured, res.message);
	cs_expect_clear(&e);
}

static void
test_expect_summary(void **state)
{
	static const struct cs_report_kv rule_kv[] = { { "matched", 40 },
		{ "dropped", 30 } };
	static const struct cs_report_kv nat_kv[] = { { "rebound", 2 } };
	static const struct cs_report_kv wlc_kv[] = { { "join_ok", 19 } };
	struct cs_report_rule rules[] = {
		{ "fw-drop", rule_kv, CS_ARRAY_SIZE(rule_kv) },
		{ "nat", nat_kv, CS_ARRAY_SIZE(nat_kv) },
	};
	static const struct cs_report_kv diag_kv[] = { { "ok", 11 },
		{ "return-path-loss", 6 }, { "join-rejected", 3 } };
	struct cs_report_diag diag = { 0 };
	struct cs_run_summary sum;
	struct cs_metrics m;
	struct cs_expect_result res;
	struct cs_expect e;

	(void)state;
	cs_metrics_init(&m);
	for (uint64_t v = 1; v <= 100; v++)
		assert_int_equal(cs_hist_record(&m.lat[CS_LAT_DTLS], v * 20000),
		    0); /* 20 ms .. 2 s */
	m.failures_total = 3;
	m.failures_by_phase[CS_PHASE_DTLS] = 2;
	m.failures_by_phase[CS_PHASE_JOIN] = 1;
	m.reasons[CS_PHASE_DTLS][0].reason = strdup("no response");
	m.reasons[CS_PHASE_DTLS][0].count = 2;
	m.n_reasons[CS_PHASE_DTLS] = 1;
	m.reasons[CS_PHASE_JOIN][0].reason = strdup("no response");
	m.reasons[CS_PHASE_JOIN][0].count = 1;
	m.n_reasons[CS_PHASE_JOIN] = 1;
	m.joins = 25;
	m.retransmits = 7;
	memset(&sum, 0, sizeof(sum));
	sum.aps = 20;
	sum.joined = 19;
	sum.in_run = 18;
	sum.failed = 2;
	sum.left_run = 1;
	sum.m = &m;
	sum.rules = rules;
	sum.n_rules = CS_ARRAY_SIZE(rules);
	sum.wlc_counters = wlc_kv;
	sum.n_wlc_counters = CS_ARRAY_SIZE(wlc_kv);

	eval_sum("aps == 20", &sum, true, "20");
	eval_sum("joined >= 95%", &sum, true, "19 (95%)");
	eval_sum("in_run == 100%", &sum, false, "18 (90%)");
	eval_sum("failed <= 2", &sum, true, "2");
	eval_sum("left_run == 0", &sum, false, "1");
	eval_sum("joins > 20", &sum, true, "25");
	eval_sum("retransmits < 5", &sum, false, "7");
	eval_sum("failures == 3", &sum, true, "3");
	eval_sum("failures{phase=dtls-handshake} == 2", &sum, true, "2");
	eval_sum("failures{phase=join} == 1", &sum, true, "1");
	eval_sum("failures{phase=run} == 0", &sum, true, "0");
	eval_sum("failures{reason=no response} == 3", &sum, true, "3");
	eval_sum("phase.dtls.count == 100", &sum, true, "100");
	eval_sum("phase.dtls.max == 2s", &sum, true, "2000 ms");
	eval_sum("phase.dtls.min <= 20ms", &sum, true, "20 ms");
	eval_sum("phase.dtls.mean == 1010ms", &sum, true, "1010 ms");
	/* quantiles are bucket upper edges, within 1 % */
	assert_int_equal(cs_expect_parse(&e, "phase.dtls.p95 < 2s", NULL), 0);
	assert_int_equal(cs_expect_eval_summary(&e, &sum, &res), 0);
	assert_true(res.pass);
	assert_true(atof(res.measured) >= 1900 && atof(res.measured) <= 1919);
	cs_expect_clear(&e);
	eval_sum("phase.join.p95 < 2s", &sum, false, "n/a"); /* no samples */
	eval_sum("phase.join.count == 0", &sum, true, "0");
	eval_sum("rule.fw-drop.dropped >= 30", &sum, true, "30");
	eval_sum("rule.fw-drop.held == 0", &sum, false, "n/a");
	eval_sum("nat.rebound == 2", &sum, true, "2");
	eval_sum("wlc.join_ok == 19", &sum, true, "19");
	eval_sum("wlc.restarts == 0", &sum, false, "n/a");
	eval_sum("diagnosis == ok", &sum, false, "n/a"); /* no diagnosis */
	diag.code = "return-path-loss";
	sum.diag = &diag;
	eval_sum(
	    "diagnosis == return-path-loss", &sum, true, "return-path-loss");
	/* a single cause without per-cause counts: its APs */
	diag.aps_affected = 6;
	eval_sum("diagnosis{cause=return-path-loss}.aps == 6", &sum, true, "6");
	eval_sum("diagnosis{cause=wlc-capacity}.aps == 0", &sum, true, "0");
	eval_sum("diagnosis.aps == 30%", &sum, true, "6 (30%)");
	/* several causes: the count per cause */
	diag.code = "mixed";
	diag.counts = diag_kv;
	diag.n_counts = CS_ARRAY_SIZE(diag_kv);
	diag.aps_affected = 9;
	eval_sum("diagnosis{cause=return-path-loss}.aps == 6", &sum, true, "6");
	eval_sum("diagnosis{cause=join-rejected}.aps == 6", &sum, false, "3");
	eval_sum("diagnosis{cause=ok}.aps >= 50%", &sum, true, "11 (55%)");
	eval_sum("diagnosis{cause=clock-skew}.aps == 0", &sum, true, "0");
	eval_sum("diagnosis.aps == 9", &sum, true, "9");
	sum.diag = NULL;
	eval_sum("diagnosis{cause=ok}.aps == 0", &sum, false, "n/a");
	assert_int_equal(cs_expect_eval_summary(NULL, &sum, &res), -EINVAL);
	cs_metrics_free(&m);
}

/* Every ```yaml block of scenarios/README.md loads (the timeline example
 * gets the rule it refers to). */
static void
test_readme_examples(void **state)
{
	size_t len, blocks = 0;
	char *md = (char *)cs_test_read_src("scenarios/README.md", &len);
	char *p = md;

	(void)state;
	md = realloc(md, len + 1);
	assert_non_null(md);
	md[len] = '\0';
	p = md;
	while ((p = strstr(p, "```yaml\n")) != NULL) {
		char *start = p + 8, *end = strstr(start, "```");
		struct cs_scenario *s = NULL;
		struct cs_err err = { 0 };
		char buf[4096];
		int n;

		assert_non_null(end);
		n = snprintf(buf, sizeof(buf), "%s%.*s",
		    strstr(start, "disable: fw-drop") != NULL &&
		            strstr(start, "disable: fw-drop") < end &&
		            (strstr(start, "impairments:") == NULL ||
		                strstr(start, "impairments:") > end)
		        ? "impairments:\n  - {name: fw-drop-dtls-return, "
		          "action: drop}\n"
		        : "",
		    (int)(end - start), start);
		assert_true(n > 0 && (size_t)n < sizeof(buf));
		if (cs_scenario_parse_mem(&s, buf, (size_t)n, "README", &err) !=
		    0)
			fail_msg("README block %zu: %s", blocks, err.what);
		cs_scenario_free(s);
		blocks++;
		p = end + 3;
	}
	assert_true(blocks >= 4);
	free(md);
}

/* Loads every YAML file of scenarios/SUB; returns how many.  *waiting counts
 * the ones that name a diagnosis this build does not have yet. */
static unsigned
library_load_dir(const char *sub, unsigned *waiting)
{
	const char *src = getenv("CS_SRC");
	char dir[1024], path[2048];
	struct dirent *de;
	unsigned n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/scenarios%s", src ? src : ".", sub);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		struct cs_scenario *s = NULL;
		struct cs_err err = { 0 };

		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (cs_scenario_load(&s, path, &err) != 0) {
			if (strstr(err.what, "unknown diagnosis '") == NULL)
				fail_msg("%s", err.what);
			print_message("waits on a verdict: %s\n", err.what);
			(*waiting)++;
			continue;
		}
		assert_true(s->n_expect > 0); /* self-checking */
		cs_scenario_free(s);
		n++;
	}
	closedir(d);
	return n;
}

/* Every scenario of the library (scenarios/NAME.yaml and the field cases
 * in scenarios/field/) loads. */
static void
test_library_loads(void **state)
{
	unsigned waiting = 0, n, nf;

	(void)state;
	n = library_load_dir("", &waiting);
	assert_int_equal(waiting, 0);
	nf = library_load_dir("/field", &waiting);
	assert_true(nf + waiting >= 14);
	print_message("%u library scenarios load, %u field cases (%u wait on "
	              "a verdict)\n",
	    n, nf + waiting, waiting);
}

/* cs_scenario_apply: the scenario's settings into a run's configuration;
 * what it leaves out stays as the program had it. */
static void
test_scenario_apply(void **state)
{
	static const char yaml[] = "name: apply\n"
	                           "seed: 42\n"
	                           "aps:\n"
	                           "  count: 6\n"
	                           "  base-ip: 127.75.0.1\n"
	                           "  base-mac: \"02:75:00:00:00:01\"\n"
	                           "  mtu: 1400\n"
	                           "  timers: {echo-interval: 2s}\n"
	                           "wlc:\n"
	                           "  listen: 127.0.75.1\n"
	                           "  max-aps: 6\n"
	                           "  echo-interval: 2500ms\n"
	                           "  mtu: 1000\n"
	                           "nat:\n"
	                           "  external-ip: 127.0.69.200\n";
	struct cs_scenario *sc = NULL;
	struct cs_engine_cfg ec;
	struct cs_dtls_cfg dc, wdc;
	struct cs_err err = { 0 };

	(void)state;
	if (cs_scenario_parse_mem(&sc, yaml, strlen(yaml), "apply", &err) < 0)
		fail_msg("scenario: %s", err.what);
	memset(&ec, 0, sizeof(ec));
	cs_ap_cfg_defaults(&ec.ap);
	ec.ap.keepalive_ms = 12345; /* not in the scenario: stays */
	ec.workers = 3;
	cs_dtls_cfg_init(&dc, CS_DTLS_CLIENT);
	cs_dtls_cfg_init(&wdc, CS_DTLS_SERVER);
	assert_int_equal(cs_scenario_apply(NULL, &ec, &dc, &wdc), -EINVAL);
	assert_int_equal(cs_scenario_apply(sc, NULL, &dc, &wdc), -EINVAL);
	assert_int_equal(cs_scenario_apply(sc, &ec, &dc, &wdc), 0);
	assert_int_equal(ec.seed, 42);
	assert_int_equal(ec.n_aps, 6);
	assert_int_equal(ec.ap_base_ip, 0x7f4b0001);
	assert_memory_equal(ec.ap_base_mac, "\x02\x75\x00\x00\x00\x01", 6);
	assert_int_equal(ec.ap.echo_interval_ms, 2000);
	assert_int_equal(ec.ap.keepalive_ms, 12345);
	assert_int_equal(ec.workers, 3);
	assert_int_equal(ec.wlc.max_wtps, 6);
	assert_int_equal(ec.wlc.echo_interval_s, 3); /* rounded up */
	assert_ptr_equal(ec.nat, &sc->nat.cfg);
	assert_int_equal(dc.mtu, 1400);
	assert_int_equal(wdc.mtu, 1000); /* its own, apart from the APs' */
	/* the DTLS configurations may be left out */
	assert_int_equal(cs_scenario_apply(sc, &ec, NULL, NULL), 0);
	cs_scenario_free(sc);
}

/* dtls-psk (RFC 5415 §2.4.4.2): the APs' keys reach their DTLS config and
 * the embedded WLC's (S flag on) unless the WLC has its own; a bad key
 * names the key, the line of the keys and why. */
static void
test_dtls_psk(void **state)
{
	static const char one[] =
	    "name: psk\n"
	    "aps:\n"
	    "  count: 2\n"
	    "  dtls-psk: 00112233445566778899aabbccddeeff\n";
	static const char both[] = "name: psk2\n"
	                           "aps:\n"
	                           "  count: 1\n"
	                           "  dtls-psk: \"aabb\"\n"
	                           "wlc:\n"
	                           "  dtls-psk: |\n"
	                           "    02:00:00:00:00:01 aabb\n"
	                           "    0200.0000.0002 ccdd\n";
	static const char bad[] = "name: psk3\n"
	                          "aps:\n"
	                          "  count: 1\n"
	                          "  dtls-psk: abc\n";
	struct cs_scenario *sc;
	struct cs_engine_cfg ec;
	struct cs_dtls_cfg dc, wdc;
	struct cs_err err = { 0 };

	(void)state;
	sc = load_text(one);
	memset(&ec, 0, sizeof(ec));
	cs_dtls_cfg_init(&dc, CS_DTLS_CLIENT);
	cs_dtls_cfg_init(&wdc, CS_DTLS_SERVER);
	assert_int_equal(cs_scenario_apply(sc, &ec, &dc, &wdc), 0);
	assert_int_equal(dc.n_psk, 1);
	assert_null(dc.psk[0].identity);
	assert_int_equal(dc.psk[0].key_len, 16);
	assert_int_equal(wdc.n_psk, 1);
	assert_ptr_equal(wdc.psk, dc.psk);
	assert_true(ec.wlc.security_psk);
	cs_scenario_free(sc);
	sc = load_text(both);
	memset(&ec, 0, sizeof(ec));
	assert_int_equal(cs_scenario_apply(sc, &ec, &dc, &wdc), 0);
	assert_int_equal(dc.n_psk, 1);
	assert_int_equal(wdc.n_psk, 2);
	assert_string_equal(wdc.psk[1].identity, "0200.0000.0002");
	assert_int_equal(wdc.psk[1].key[0], 0xcc);
	cs_scenario_free(sc);
	sc = SENTINEL;
	assert_int_equal(
	    cs_scenario_parse_mem(&sc, bad, strlen(bad), "t.yaml", &err),
	    -EINVAL);
	assert_ptr_equal(sc, SENTINEL);
	assert_non_null(strstr(err.what, "aps.dtls-psk"));
	assert_non_null(strstr(err.what, "odd number of hex digits"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_data_dtls_keys),
		cmocka_unit_test(test_full_example),
		cmocka_unit_test(test_discovery_map),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_founding_case),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_action_fields),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_offset_and_load),
		cmocka_unit_test(test_primed),
		cmocka_unit_test(test_discovery_name),
		cmocka_unit_test(test_grammars),
		cmocka_unit_test(test_expect_eval),
		cmocka_unit_test(test_expect_parse),
		cmocka_unit_test(test_readme_examples),
		cmocka_unit_test(test_expect_summary),
		cmocka_unit_test(test_library_loads),
		cmocka_unit_test(test_scenario_apply),
		cmocka_unit_test(test_dtls_psk),
		cmocka_unit_test(test_clients),
	};

	return cmocka_run_group_tests_name("scenario", tests, NULL, NULL);
}
