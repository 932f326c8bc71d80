/* SPDX-License-Identifier: MIT */
/*
 * AP model profiles (capsim/profile.h): every shipped profile loads, keys
 * map onto the struct, broken files are refused with FILE:LINE:COL and the
 * key, the search path ($CAPSIM_PROFILES first, then the source tree),
 * listing, and cs_profile_apply on struct cs_ap_cfg.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/ap.h"
#include "capsim/capwap.h"
#include "capsim/profile.h"

static struct cs_profile *
parse_ok(const char *text)
{
	struct cs_profile *p = NULL;
	char why[300] = "";

	if (cs_profile_parse_mem(
	        &p, "t.yaml", text, strlen(text), why, sizeof(why)) != 0)
		fail_msg("parse: %s", why);
	return p;
}

/* Parses `text`, expects -EINVAL, *ret untouched and `want` in the
 * message. */
static void
parse_bad(const char *text, const char *want)
{
	struct cs_profile *p = (struct cs_profile *)(uintptr_t)0x1;
	char why[300] = "";

	assert_int_equal(cs_profile_parse_mem(&p, "t.yaml", text, strlen(text),
	                     why, sizeof(why)),
	    -EINVAL);
	assert_ptr_equal(p, (struct cs_profile *)(uintptr_t)0x1);
	if (strstr(why, want) == NULL)
		fail_msg("error '%s' lacks '%s'", why, want);
}

#define MIN                                                                    \
	"model: M\n"                                                           \
	"versions: {hardware: 1.0.0.0, software: 8.10.196.0, boot: 1.0.0.0}\n" \
	"radios: [bgn, an]\n"

static void
test_shipped(void **state)
{
	static const char *const names[] = { "c2700", "c3700", "c9115", "c9120",
		"c9130", "c9166", "rfc5415" };
	const char *const dirs[] = { cs_profile_source_dir(), NULL };
	char **list = NULL;
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(names); i++) {
		struct cs_profile *p = NULL;
		char why[300] = "";

		if (cs_profile_load(&p, names[i], NULL, why, sizeof(why)) != 0)
			fail_msg("%s: %s", names[i], why);
		assert_string_equal(p->name, names[i]);
		assert_true(p->radio_count >= 1);
		assert_non_null(strstr(p->path, names[i]));
		assert_int_equal(p->is_cisco, strcmp(names[i], "rfc5415") != 0);
		cs_profile_free(p);
	}
	assert_int_equal(cs_profile_list(dirs, &list), 0);
	while (list[n] != NULL)
		n++;
	assert_true(n >= CS_ARRAY_SIZE(names));
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(list[i - 1], list[i]) < 0);
	cs_profile_names_free(list);
}

static void
test_c2700_fields(void **state)
{
	struct cs_profile *p = NULL;

	(void)state;
	assert_int_equal(cs_profile_load(&p, "c2700", NULL, NULL, 0), 0);
	assert_string_equal(p->option60, "Cisco AP c2700");
	assert_string_equal(p->model, "AIR-CAP2702I-E-K9");
	assert_int_equal(p->vendor, CS_CISCO_VENDOR_ID);
	assert_int_equal(p->radio_first_id, 0);
	assert_int_equal(p->radio_count, 2);
	assert_int_equal(p->radio_type[0],
	    CS_RADIO_TYPE_B | CS_RADIO_TYPE_G | CS_RADIO_TYPE_N);
	assert_int_equal(p->radio_type[1], CS_RADIO_TYPE_A | CS_RADIO_TYPE_N);
	assert_int_equal(p->max_msg_len, 14000);
	assert_true(p->adopt_ac_version);
	assert_true(p->primary_discovery);
	assert_int_equal(p->path_mtu, 1485);
	/* discovery: rad_name, board_data_options; join adds group, pmtu */
	for (unsigned i = 0; i < p->n_vsp; i++) {
		const struct cs_profile_vsp *v = &p->vsp[i];

		if (v->kind == CS_PVSP_RAD_NAME)
			assert_int_equal(v->msgs,
			    CS_PROFILE_MSG_BIT(CS_MSG_DISCOVERY_REQ) |
			        CS_PROFILE_MSG_BIT(CS_MSG_JOIN_REQ) |
			        CS_PROFILE_MSG_BIT(
			            CS_MSG_PRIMARY_DISCOVERY_REQ));
		if (v->kind == CS_PVSP_RAW && v->element_id == 126) {
			assert_int_equal(v->len, 5);
			assert_memory_equal(v->data, "\x01\x00\x00\x45\x00", 5);
		}
	}
	cs_profile_free(p);
}

static void
test_defaults(void **state)
{
	struct cs_profile *p;

	(void)state;
	p = parse_ok(MIN);
	assert_string_equal(p->name, "t");
	assert_false(p->is_cisco);
	assert_int_equal(p->radio_first_id, 1);
	assert_false(p->adopt_ac_version);
	assert_false(p->primary_discovery);
	assert_string_equal(p->ap_group, "default-group");
	assert_int_equal(p->n_vsp, 0);
	cs_profile_free(p);
	p = parse_ok(MIN "cisco: true\n");
	assert_int_equal(p->radio_first_id, 0);
	assert_true(p->adopt_ac_version);
	cs_profile_free(p);
}

static void
test_errors(void **state)
{
	(void)state;
	parse_bad(MIN "colour: red\n", "t.yaml:4:1: key 'colour': unknown key");
	parse_bad("model: M\nradios: [bgn, x]\n"
	          "versions: {hardware: a, software: b, boot: c}\n",
	    "t.yaml:2:15: key 'radios': 'x': letters b, a, g, n");
	parse_bad("model: M\nradios: [bgn]\n", "key 'versions'");
	parse_bad("radios: [bgn]\n"
	          "versions: {hardware: a, software: b, boot: c}\n",
	    "key 'model': missing");
	parse_bad("model: M\nradios: [bgn]\ncisco: true\n"
	          "versions: {hardware: 1.0, software: 8.10.196.0, boot: "
	          "1.0.0.0}\n",
	    "'1.0': Cisco versions are a.b.c.d");
	parse_bad(MIN "cisco: maybe\n", "t.yaml:4:8: key 'cisco'");
	parse_bad(MIN "vendor: 0\n", "key 'vendor': must not be 0");
	parse_bad(MIN "max_message_length: 70000\n",
	    "key 'max_message_length': 70000 is above 65535");
	parse_bad(MIN "path_mtu: 100\n", "key 'path_mtu': 576..9000");
	parse_bad(MIN "vendor_payloads:\n  join_request: [bogus]\n",
	    "t.yaml:5:18: key 'vendor_payloads': unknown payload 'bogus'");
	parse_bad(MIN "vendor_payloads:\n  hello: [rad_name]\n",
	    "t.yaml:5:3: key 'hello': unknown message");
	parse_bad(MIN "vendor_payloads:\n  join_request:\n"
	              "    - {id: 126, hex: \"0g\"}\n",
	    "key 'hex': not a hex digit at character 2");
	parse_bad(MIN "vendor_payloads:\n  join_request:\n"
	              "    - {id: 126, hex: \"00:1\"}\n",
	    "key 'hex': odd number of hex digits");
	parse_bad(MIN "vendor_payloads:\n  join_request:\n"
	              "    - {id: 126}\n",
	    "needs both id and hex");
	parse_bad("model: [unclosed\n", "t.yaml:2:1:");
	parse_bad("- a\n- b\n", "a profile is a YAML mapping");
	parse_bad(MIN "radios: []\n", "at least one radio");
	parse_bad(
	    MIN "radios: [b, b, b, b, b, b, b, b, b]\n", "more than 8 radios");
}

static void
test_search_path(void **state)
{
	char dir[] = "/tmp/capsim-profiles-XXXXXX";
	char path[300], why[400] = "";
	struct cs_profile *p = NULL;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c2700.yaml", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("name: my2700\n" MIN, f);
	fclose(f);
	/* $CAPSIM_PROFILES wins over the shipped one */
	setenv("CAPSIM_PROFILES", dir, 1);
	assert_int_equal(
	    cs_profile_load(&p, "c2700", NULL, why, sizeof(why)), 0);
	assert_string_equal(p->name, "my2700");
	assert_string_equal(p->path, path);
	cs_profile_free(p);
	/* by path */
	p = NULL;
	assert_int_equal(cs_profile_load(&p, path, NULL, NULL, 0), 0);
	cs_profile_free(p);
	/* a broken profile names its file */
	assert_non_null(f = fopen(path, "w"));
	fputs("model: M\nradio: [bgn]\n", f);
	fclose(f);
	p = NULL;
	assert_int_equal(
	    cs_profile_load(&p, "c2700", NULL, why, sizeof(why)), -EINVAL);
	assert_null(p);
	assert_non_null(strstr(why, path));
	assert_non_null(strstr(why, ":2:1: key 'radio': unknown key"));
	unlink(path);
	unsetenv("CAPSIM_PROFILES");
	rmdir(dir);
	/* unknown name: lists where it looked */
	assert_int_equal(
	    cs_profile_load(&p, "c9999", NULL, why, sizeof(why)), -ENOENT);
	assert_null(p);
	assert_non_null(strstr(why, "no profile 'c9999'"));
	assert_non_null(strstr(why, cs_profile_source_dir()));
	assert_int_equal(
	    cs_profile_load(&p, "../etc", NULL, why, sizeof(why)), -ENOENT);
	assert_int_equal(
	    cs_profile_load(&p, "a b", NULL, why, sizeof(why)), -EINVAL);
	assert_int_equal(
	    cs_profile_load(NULL, "c2700", NULL, NULL, 0), -EINVAL);
}

static void
test_apply(void **state)
{
	struct cs_profile *p = NULL;
	struct cs_ap_cfg cfg;

	(void)state;
	assert_int_equal(cs_profile_load(&p, "c9130", NULL, NULL, 0), 0);
	assert_int_equal(cs_ap_cfg_defaults(&cfg), 0);
	assert_int_equal(cs_profile_apply(p, &cfg), 0);
	assert_ptr_equal(cfg.profile, p);
	assert_ptr_equal(cfg.model, p->model);
	assert_int_equal(cfg.radio_count, 3);
	assert_int_equal(cfg.max_msg_len, 14000);
	assert_true(cfg.msg_flags & CS_MSG_F_CISCO);
	assert_int_equal(cfg.image_policy, CS_AP_IMAGE_ADOPT);
	assert_int_equal(cs_profile_apply(NULL, &cfg), -EINVAL);
	assert_int_equal(cs_profile_apply(p, NULL), -EINVAL);
	cs_profile_free(p);
	cs_profile_free(NULL);
	assert_string_equal(
	    cs_profile_vsp_kind_key(CS_PVSP_RAD_NAME), "rad_name");
	assert_null(cs_profile_vsp_kind_key(CS_PVSP__COUNT));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_c2700_fields),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_search_path),
		cmocka_unit_test(test_apply),
	};

	unsetenv("CAPSIM_PROFILES");
	return cmocka_run_group_tests_name("profile", tests, NULL, NULL);
}
