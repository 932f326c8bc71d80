/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for `capsim analyze`'s input path: the capture reader
 * (pcap/pcapng), link layers, IPv4 reassembly, the passive DTLS decryptor
 * (with the key of the committed test capture, so mutations of it reach
 * the record decryption) and the per-AP analysis.  Invariants: no crash;
 * the reader returns items in increasing offsets inside the buffer and
 * fails only with -EBADMSG/-E2BIG; the analysis of the same bytes fails
 * exactly when the reader does, at the same offset; decryption counters
 * are consistent.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/analyze.h"
#include "capsim/capread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/data/analyze_join.keylog (test-only secret) */
static const char keylog[] =
    "CLIENT_RANDOM "
    "697c3059a54a19cdfbb226a2d4c919ae8007d4b890ae0f1c839186d992dbb5a7 "
    "da640c72b4fd32dc936d4f937a1eeaeca74c29a9c53c31f3"
    "c6322c391a8391891e869d4c0ebada655222c6e74f482559\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_capread cr;
	struct cs_cap_rec rec;
	struct cs_err e1 = { 0 }, e2 = { 0 };
	struct cs_analyze *a;
	struct cs_diagnosis d;
	size_t last = 0;
	int r1, r2;

	r1 = cs_capread_init(&cr, data, size, &e1);
	if (r1 == 0) {
		while ((r1 = cs_capread_next(&cr, &rec, &e1)) == 1) {
			if (rec.offset < last || rec.offset >= size)
				abort();
			last = rec.offset;
			if (rec.kind == CS_CAP_PACKET &&
			    (rec.data < data ||
			        rec.data + rec.cap_len > data + size))
				abort();
		}
	}
	if (r1 < 0 && r1 != -EBADMSG && r1 != -E2BIG)
		abort();
	if (r1 < 0 && e1.offset > size)
		abort();

	if (cs_analyze_new(&a, NULL) < 0)
		return 0;
	(void)cs_analyze_keylog(a, keylog, sizeof(keylog) - 1, NULL);
	r2 = cs_analyze_capture(a, data, size, &e2);
	if (r2 == -ENOMEM) {
		cs_analyze_free(a);
		return 0;
	}
	if ((r1 < 0) != (r2 < 0) || (r1 < 0 && e1.offset != e2.offset))
		abort();
	if (cs_analyze_finish(a, &d) == 0) {
		for (size_t i = 0; i < cs_analyze_n_aps(a); i++) {
			const struct cs_analyze_ap *p = cs_analyze_ap_get(a, i);

			if (p->dec_ok + p->dec_failed + p->dec_nokey >
			    p->dec_records)
				abort();
			if (p->stopped == NULL || p->dec_state == NULL)
				abort();
		}
		cs_diagnosis_free(&d);
	}
	cs_analyze_free(a);
	return 0;
}
