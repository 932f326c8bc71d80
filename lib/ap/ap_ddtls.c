/* SPDX-License-Identifier: MIT */
/*
 * The AP's side of data channel DTLS (RFC 5415 §4.6.1 DTLS Policy,
 * §2.3.1 "q"): the choice between a clear and a DTLS data channel made
 * from the Join Response's AC Descriptor.  The session itself is the
 * glue's (lib/engine), which reports it with cs_ap_data_dtls_done.
 */
#include "ap-internal.h"

#include <errno.h>
#include <stdio.h>

#include "capsim/capwap.h"
#include "capsim/data_dtls.h"

int
cs_ap_ddtls_choose(
    struct cs_ap *ap, const struct cs_msg *m, char *why, size_t why_len)
{
	struct cs_el_ac_descriptor acd;
	bool use = false;

	ap->use_data_dtls = false;
	ap->data_dtls_up = false;
	/* the AC Descriptor is mandatory in a Join Response (§6.2) and was
	 * checked by cs_msg_missing; a malformed one is refused here */
	if (cs_el_get_ac_descriptor(
	        cs_msg_find(m, CS_EL_AC_DESCRIPTOR, 0), &acd, NULL) < 0) {
		snprintf(why, why_len,
		    "Join Response with a malformed AC "
		    "Descriptor");
		return -EPROTO;
	}
	if (cs_data_dtls_choose(ap->cfg.data_dtls, acd.dtls_policy, &use) < 0) {
		snprintf(why, why_len,
		    "controller's DTLS Policy 0x%02x offers %s, the AP "
		    "requires a DTLS data channel (--data-dtls %s)",
		    (unsigned)acd.dtls_policy,
		    (acd.dtls_policy & (CS_ACD_DTLS_C | CS_ACD_DTLS_D)) == 0
		        ? "no data channel"
		        : "only a clear-text data channel",
		    cs_data_dtls_name(ap->cfg.data_dtls));
		return -EPROTO;
	}
	ap->use_data_dtls = use;
	if (use)
		cs_ap_emit(ap, CS_AP_EV_INFO, m->ctl.type, m->ctl.seq,
		    acd.dtls_policy,
		    (acd.dtls_policy & CS_ACD_DTLS_C) != 0
		        ? "data channel over DTLS (offered by the controller, "
		          "asked by the AP)"
		        : "data channel over DTLS (required by the "
		          "controller)");
	return 0;
}
