/* SPDX-License-Identifier: MIT */
/*
 * Data channel DTLS policy (RFC 5415 §4.6.1): the AC's offer as DTLS
 * Policy bits and the WTP's choice among them.
 */
#include "capsim/data_dtls.h"

#include <errno.h>
#include <string.h>

#include "capsim/capwap.h"

static const char *const data_dtls_names[] = {
	[CS_DATA_DTLS_OFF] = "off",
	[CS_DATA_DTLS_OPTIONAL] = "optional",
	[CS_DATA_DTLS_REQUIRED] = "required",
};
_Static_assert(
    sizeof(data_dtls_names) / sizeof(data_dtls_names[0]) == CS_DATA_DTLS__COUNT,
    "data_dtls_names[] out of sync with enum cs_data_dtls");

const char *
cs_data_dtls_name(enum cs_data_dtls p)
{
	if ((unsigned)p >= CS_DATA_DTLS__COUNT)
		return NULL;
	return data_dtls_names[p];
}

int
cs_data_dtls_parse(const char *word, enum cs_data_dtls *out)
{
	if (word == NULL || out == NULL)
		return -EINVAL;
	for (unsigned i = 0; i < CS_DATA_DTLS__COUNT; i++) {
		if (strcmp(word, data_dtls_names[i]) == 0) {
			*out = (enum cs_data_dtls)i;
			return 0;
		}
	}
	return -EINVAL;
}

uint8_t
cs_data_dtls_ac_policy(enum cs_data_dtls p)
{
	switch (p) {
	case CS_DATA_DTLS_OFF:
		return CS_ACD_DTLS_C;
	case CS_DATA_DTLS_OPTIONAL:
		return CS_ACD_DTLS_C | CS_ACD_DTLS_D;
	case CS_DATA_DTLS_REQUIRED:
		return CS_ACD_DTLS_D;
	case CS_DATA_DTLS__COUNT:
		break;
	}
	return CS_ACD_DTLS_C;
}

int
cs_data_dtls_choose(enum cs_data_dtls wtp, uint8_t ac_policy, bool *use_dtls)
{
	bool has_d = (ac_policy & CS_ACD_DTLS_D) != 0;
	bool has_c = (ac_policy & CS_ACD_DTLS_C) != 0;

	if (use_dtls == NULL || (unsigned)wtp >= CS_DATA_DTLS__COUNT)
		return -EINVAL;
	if (!has_d && !has_c)
		return -EPROTO; /* the AC offers no data channel at all */
	if (wtp == CS_DATA_DTLS_REQUIRED && !has_d)
		return -EPROTO;
	/* DTLS when it is the only offer (the WTP must abide), or when
	 * offered and wanted */
	*use_dtls = has_d && (!has_c || wtp != CS_DATA_DTLS_OFF);
	return 0;
}
