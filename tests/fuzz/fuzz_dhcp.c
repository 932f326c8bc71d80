/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the DHCPv4 codec: decode, then the round-trip law
 * (what we encode from a decoded message must decode again, to the same
 * message), and every typed accessor on whatever decoded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/cursor.h"
#include "capsim/dhcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_accessors(const struct cs_dhcp_msg *m)
{
	static const uint8_t codes[] = { 1, 3, 6, 15, 43, 50, 51, 53, 54, 55,
		60, 61, 82, 138 };
	struct cs_dhcp_relay_info ri;
	enum cs_dhcp_type type;
	uint32_t a, list[8];
	uint8_t buf[300];
	char s[300];
	size_t n;

	for (size_t i = 0; i < sizeof(codes); i++) {
		(void)cs_dhcp_opt_get(m, codes[i], buf, sizeof(buf), &n);
		(void)cs_dhcp_get_ipv4(m, codes[i], &a);
		(void)cs_dhcp_get_ipv4_list(m, codes[i], list, 8, &n);
		(void)cs_dhcp_get_string(m, codes[i], s, sizeof(s));
	}
	(void)cs_dhcp_get_type(m, &type);
	(void)cs_dhcp_get_lease(m, &a);
	(void)cs_dhcp_get_relay_info(m, &ri);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_dhcp_msg m, again;
	static uint8_t out[70000];
	struct cs_wr wr;

	if (cs_dhcp_decode(&m, data, size, NULL) < 0)
		return 0;
	fuzz_accessors(&m);
	cs_wr_init(&wr, out, sizeof(out));
	if (cs_dhcp_encode(&m, &wr) != 0)
		abort(); /* anything we decoded must encode */
	if (cs_dhcp_decode(&again, out, wr.len, NULL) != 0)
		abort(); /* what we emit must parse */
	if (again.nopts != m.nopts || again.xid != m.xid ||
	    again.overload != m.overload ||
	    memcmp(again.chaddr, m.chaddr, sizeof(m.chaddr)) != 0)
		abort();
	for (size_t i = 0; i < m.nopts; i++)
		if (again.opts[i].code != m.opts[i].code ||
		    again.opts[i].len != m.opts[i].len ||
		    again.opts[i].area != m.opts[i].area ||
		    memcmp(cs_dhcp_opt_data(&again.opts[i]),
		        cs_dhcp_opt_data(&m.opts[i]), m.opts[i].len) != 0)
			abort();
	return 0;
}
