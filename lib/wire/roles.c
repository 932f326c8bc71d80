/* SPDX-License-Identifier: MIT */
/*
 * Names for the shared role vocabulary (capsim/roles.h): the phase an AP
 * failed in, in capsim's words and in the words a Catalyst 9800 logs.
 * The vocabulary sits in the lowest layer so the AP, the WLC, the
 * impairment engine and the reports share it without including each other.
 */
#include "capsim/roles.h"

#include <stddef.h>

static const char *const phase_names[] = {
	[CS_PHASE_DHCP] = "dhcp",
	[CS_PHASE_DISCOVERY] = "discovery",
	[CS_PHASE_DTLS] = "dtls-handshake",
	[CS_PHASE_JOIN] = "join",
	[CS_PHASE_IMAGE] = "image",
	[CS_PHASE_CONFIGURE] = "configure",
	[CS_PHASE_DATA_CHECK] = "data-check",
	[CS_PHASE_RUN] = "run",
};
_Static_assert(CS_ARRAY_SIZE(phase_names) == CS_PHASE__COUNT,
    "phase_names[] out of sync with enum cs_phase");

/* Join phases as "show wireless stats ap join summary" words them. */
static const char *const phase_wlc_names[] = {
	[CS_PHASE_DHCP] = "Dhcp",
	[CS_PHASE_DISCOVERY] = "Discovery",
	[CS_PHASE_DTLS] = "Dtls-Handshake",
	[CS_PHASE_JOIN] = "Join",
	[CS_PHASE_IMAGE] = "Image-Download",
	[CS_PHASE_CONFIGURE] = "Config",
	[CS_PHASE_DATA_CHECK] = "Data-Check",
	[CS_PHASE_RUN] = "Run",
};
_Static_assert(CS_ARRAY_SIZE(phase_wlc_names) == CS_PHASE__COUNT,
    "phase_wlc_names[] out of sync with enum cs_phase");

const char *
cs_phase_name(enum cs_phase p)
{
	if ((unsigned)p >= CS_PHASE__COUNT)
		return NULL;
	return phase_names[p];
}

const char *
cs_phase_wlc_name(enum cs_phase p)
{
	if ((unsigned)p >= CS_PHASE__COUNT)
		return NULL;
	return phase_wlc_names[p];
}
