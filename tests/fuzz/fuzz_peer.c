/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for `capsim analyze AP --peer WLC`: two captures (hostile
 * input both) read side by side.  The input is a 4-byte big-endian length
 * N, then N bytes of the AP-side capture, then the controller-side one.
 * Invariants: no crash or hang; the merge returns 0 or -ENOMEM, and its
 * counts are consistent (no more datagrams in common than either side
 * holds, no more APs matched than there are); the diagnosis runs after.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/analyze.h"
#include "capsim/analyze_peer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct side {
	struct cs_analyze *a;
	struct cs_peer_log *log;
};

static int
side_read(struct side *s, const uint8_t *p, size_t n)
{
	struct cs_analyze_cfg cfg = { 0 };

	if (cs_peer_log_new(&s->log) < 0)
		return -ENOMEM;
	cfg.on_dgram = cs_peer_log_dgram;
	cfg.dgram_ctx = s->log;
	if (cs_analyze_new(&s->a, &cfg) < 0)
		return -ENOMEM;
	/* a read error leaves what came before: used as is */
	return cs_analyze_capture(s->a, p, n, NULL) == -ENOMEM ? -ENOMEM : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct side here = { 0 }, peer = { 0 };
	struct cs_peer_stats st;
	struct cs_diagnosis d;
	size_t n;
	int r;

	if (size < 4)
		return 0;
	n = (size_t)data[0] << 24 | (size_t)data[1] << 16 |
	    (size_t)data[2] << 8 | data[3];
	data += 4;
	size -= 4;
	if (n > size)
		n = size;
	if (side_read(&here, data, n) < 0 ||
	    side_read(&peer, data + n, size - n) < 0)
		goto out;
	r = cs_peer_merge(here.a, here.log, peer.a, peer.log, &st);
	if (r == -ENOMEM)
		goto out;
	if (r != 0)
		abort();
	if (st.common > st.dgrams_here || st.common > st.dgrams_peer ||
	    st.common_unique > st.common || st.aps_matched > st.aps_here ||
	    st.aps_by_content > st.aps_matched ||
	    st.up_lost + st.peer_only + st.not_judged >
	        st.dgrams_here + st.dgrams_peer)
		abort();
	if (st.why == NULL && st.common == 0)
		abort(); /* merged without a datagram in common */
	if (cs_analyze_finish(here.a, &d) == 0)
		cs_diagnosis_free(&d);
out:
	cs_analyze_free(here.a);
	cs_analyze_free(peer.a);
	cs_peer_log_free(here.log);
	cs_peer_log_free(peer.log);
	return 0;
}
