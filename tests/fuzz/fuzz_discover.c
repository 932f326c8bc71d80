/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for what discovery takes from a DHCP lease
 * (cs_disc_from_options, lib/engine/discover.c): option 43 in every form
 * Cisco APs read (TLV 0xF1 or a comma list) and option 138, in the order
 * real APs use.  The DNS answer itself is decoded by libevent's evdns,
 * not by capsim (see the notes).  Byte 0: bit 0 option 43 present,
 * bits 1-7 the option-43 length; then option 43; the rest is option 138
 * (4-byte addresses).  Oracles: targets within CS_DISC_MAX_TARGETS, an
 * option-43 failure says why (and at which byte), a success names its
 * source.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/discover.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cs_disc_result r;
	uint32_t opt138[64];
	size_t n43, n138 = 0;
	bool has43;
	int rc;

	if (size < 1)
		return 0;
	has43 = (data[0] & 1) != 0;
	n43 = (size_t)(data[0] >> 1) * 2;
	data++;
	size--;
	if (n43 > size)
		n43 = size;
	for (size_t at = n43; at + 4 <= size && n138 < 64; at += 4)
		opt138[n138++] = (uint32_t)data[at] << 24 |
		    (uint32_t)data[at + 1] << 16 | (uint32_t)data[at + 2] << 8 |
		    data[at + 3];
	memset(&r, 0, sizeof(r));
	rc = cs_disc_from_options(
	    has43 ? data : NULL, has43 ? n43 : 0, has43, opt138, n138, &r);
	if (rc == 0) {
		if (r.n_targets == 0 || r.n_targets > CS_DISC_MAX_TARGETS ||
		    (r.source != CS_DISC_SRC_OPT43 &&
		        r.source != CS_DISC_SRC_OPT138))
			abort();
		if (r.source == CS_DISC_SRC_OPT138 && has43 &&
		    r.opt43_error[0] == '\0')
			abort(); /* 43 was there and unused: say why */
	} else if (rc == -ENOENT) {
		if (n138 > 0 || (has43 && r.opt43_error[0] == '\0'))
			abort();
	} else {
		abort(); /* only -EINVAL for bad arguments, and these are not */
	}
	if (memchr(r.opt43_error, '\0', sizeof(r.opt43_error)) == NULL)
		abort();
	return 0;
}
