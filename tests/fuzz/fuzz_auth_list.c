/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the `capsim wlc --auth-list` file (cs_wlc_auth_parse,
 * issue 18).  Oracles: a failure names a line and an entry inside the
 * text and says why; a list that parsed prints (one MAC per line) and
 * parses back to itself.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/values.h"
#include "capsim/wlc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_wlc_auth_err ae;
	uint8_t(*macs)[6] = NULL, (*again)[6] = NULL;
	size_t n = 0, m = 0;
	char *text;
	int r;

	if (size > 1 << 20)
		return 0;
	memset(&ae, 0, sizeof(ae));
	r = cs_wlc_auth_parse((const char *)data, size, &macs, &n, &ae);
	if (r == -EINVAL) {
		if (ae.line == 0 || ae.at + ae.len > size || ae.len == 0 ||
		    ae.why[0] == '\0')
			abort(); /* an error must say where and why */
		return 0;
	}
	if (r < 0)
		return 0;
	if (n > size / 12 + 1 || (n > 0) != (macs != NULL))
		abort();
	if ((text = malloc(n * 18 + 1)) == NULL) {
		free(macs);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		cs_val_mac_str(macs[i], text + 18 * i);
		text[18 * i + 17] = '\n';
	}
	if (cs_wlc_auth_parse(text, n * 18, &again, &m, NULL) != 0 || m != n ||
	    (n > 0 && memcmp(macs, again, n * 6) != 0))
		abort(); /* what parsed must print and parse back */
	free(text);
	free(again);
	free(macs);
	return 0;
}
