/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the DTLS record peek: both entry points must never
 * crash, must agree with each other (the preamble variant on 01 00 00 00 +
 * input), and a successful peek must tile the input exactly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/dtls_peek.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_dtls_peek a, b;
	struct cs_err err;
	uint8_t *p;
	int ra, rb;
	size_t end = 0;

	ra = cs_dtls_peek(data, size, &a, &err);
	(void)cs_dtls_kind_name(cs_dtls_classify_dgram(data, size, false));
	(void)cs_dtls_classify_dgram(data, size, true);
	if ((p = malloc(size + 4)) == NULL)
		return 0;
	p[0] = 0x01;
	p[1] = p[2] = p[3] = 0;
	if (size > 0)
		memcpy(p + 4, data, size);
	rb = cs_dtls_peek_capwap(p, size + 4, &b, NULL);
	if (ra != rb)
		abort();
	if (ra > 0) {
		if (a.n_records != (unsigned)ra || b.n_records != a.n_records ||
		    a.n_hs != b.n_hs)
			abort();
		for (unsigned i = 0; i < a.n_records; i++) {
			if (a.rec[i].offset != end ||
			    b.rec[i].offset != end + 4)
				abort();
			end += CS_DTLS_RECORD_HDR_LEN + a.rec[i].length;
		}
		if (end != size)
			abort();
		(void)cs_dtls_classify(&a);
	} else if (err.offset > size || err.what == NULL) {
		abort();
	}
	free(p);
	return 0;
}
