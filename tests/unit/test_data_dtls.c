/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the data channel DTLS policy (lib/wire/data_dtls.c):
 * the AC Descriptor's DTLS Policy bits per setting, and the WTP's choice
 * for every pair of settings (RFC 5415 §4.6.1).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/capwap.h"
#include "capsim/data_dtls.h"

static void
test_names(void **state)
{
	enum cs_data_dtls p = CS_DATA_DTLS__COUNT;

	(void)state;
	for (unsigned i = 0; i < CS_DATA_DTLS__COUNT; i++) {
		assert_int_equal(
		    cs_data_dtls_parse(
		        cs_data_dtls_name((enum cs_data_dtls)i), &p),
		    0);
		assert_int_equal(p, i);
	}
	assert_string_equal(
	    cs_data_dtls_name(CS_DATA_DTLS_REQUIRED), "required");
	assert_null(cs_data_dtls_name(CS_DATA_DTLS__COUNT));
	p = CS_DATA_DTLS_OPTIONAL;
	assert_int_equal(cs_data_dtls_parse("on", &p), -EINVAL);
	assert_int_equal(cs_data_dtls_parse("", &p), -EINVAL);
	assert_int_equal(cs_data_dtls_parse(NULL, &p), -EINVAL);
	assert_int_equal(p, CS_DATA_DTLS_OPTIONAL); /* untouched */
}

static void
test_ac_policy(void **state)
{
	(void)state;
	assert_int_equal(
	    cs_data_dtls_ac_policy(CS_DATA_DTLS_OFF), CS_ACD_DTLS_C);
	assert_int_equal(cs_data_dtls_ac_policy(CS_DATA_DTLS_OPTIONAL),
	    CS_ACD_DTLS_C | CS_ACD_DTLS_D);
	assert_int_equal(
	    cs_data_dtls_ac_policy(CS_DATA_DTLS_REQUIRED), CS_ACD_DTLS_D);
}

/* Every WTP setting against every AC offer: DTLS only when both ask, or
 * when the AC offers nothing else; refusals where no option fits. */
static void
test_choose(void **state)
{
	static const struct {
		enum cs_data_dtls wtp;
		uint8_t ac;
		int r;
		bool use;
	} t[] = {
		{ CS_DATA_DTLS_OFF, CS_ACD_DTLS_C, 0, false },
		{ CS_DATA_DTLS_OFF, CS_ACD_DTLS_C | CS_ACD_DTLS_D, 0, false },
		{ CS_DATA_DTLS_OFF, CS_ACD_DTLS_D, 0, true }, /* must abide */
		{ CS_DATA_DTLS_OPTIONAL, CS_ACD_DTLS_C, 0, false },
		{ CS_DATA_DTLS_OPTIONAL, CS_ACD_DTLS_C | CS_ACD_DTLS_D, 0,
		    true },
		{ CS_DATA_DTLS_OPTIONAL, CS_ACD_DTLS_D, 0, true },
		{ CS_DATA_DTLS_REQUIRED, CS_ACD_DTLS_C, -EPROTO, false },
		{ CS_DATA_DTLS_REQUIRED, CS_ACD_DTLS_C | CS_ACD_DTLS_D, 0,
		    true },
		{ CS_DATA_DTLS_REQUIRED, CS_ACD_DTLS_D, 0, true },
		/* no option at all, reserved bits alone */
		{ CS_DATA_DTLS_OFF, 0, -EPROTO, false },
		{ CS_DATA_DTLS_OPTIONAL, 0xf9, -EPROTO, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bool use = !t[i].use; /* a value the call must overwrite */
		int r = cs_data_dtls_choose(t[i].wtp, t[i].ac, &use);

		assert_int_equal(r, t[i].r);
		if (r == 0)
			assert_int_equal(use, t[i].use);
		else
			assert_int_equal(use, !t[i].use); /* untouched */
	}
	assert_int_equal(
	    cs_data_dtls_choose(CS_DATA_DTLS_OFF, CS_ACD_DTLS_C, NULL),
	    -EINVAL);
	assert_int_equal(cs_data_dtls_choose(CS_DATA_DTLS__COUNT, CS_ACD_DTLS_C,
	                     &(bool){ false }),
	    -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ac_policy),
		cmocka_unit_test(test_choose),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
