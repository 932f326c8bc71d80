/* SPDX-License-Identifier: MIT */
/*
 * The controller-side capture beside an AP-side one: read, merged
 * (lib/report/analyze_peer.c) and reported.  Shared by `capsim analyze
 * --peer` and `capsim run --peer-pcap`.
 */
#include "peer.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capread.h"
#include "sim.h"
#include "simutil.h"

int
sim_peer_load(struct sim_peer *p, const char *prog, const char *path,
    const struct cs_analyze_cfg *cfg)
{
	struct cs_analyze_cfg pc = *cfg;
	struct cs_capread cr;
	uint8_t *buf = NULL;
	char *raw = NULL;
	size_t len = 0;
	int r;

	memset(p, 0, sizeof(*p));
	p->path = path;
	r = sim_read_path(path, SIZE_MAX, &raw, &len);
	buf = (uint8_t *)raw;
	if (r < 0) {
		fprintf(stderr, "%s: controller-side capture %s: %s\n", prog,
		    path, strerror(-r));
		return r == -ENOMEM ? SIM_EXIT_RUNTIME : SIM_EXIT_USAGE;
	}
	if (cs_capread_init(&cr, buf, len, &p->err) < 0) {
		fprintf(stderr,
		    "%s: controller-side capture %s: byte offset %zu: %s\n",
		    prog, path, p->err.offset, p->err.what);
		free(buf);
		return SIM_EXIT_USAGE;
	}
	p->fmt = cs_capread_format_name(cr.format);
	if (cs_peer_log_new(&p->log) < 0)
		goto nomem;
	pc.on_dgram = cs_peer_log_dgram;
	pc.dgram_ctx = p->log;
	pc.at_ap = false; /* the controller's side */
	if (cs_analyze_new(&p->a, &pc) < 0)
		goto nomem;
	r = cs_analyze_capture(p->a, buf, len, &p->err);
	free(buf);
	if (r == -ENOMEM)
		goto nomem_freed;
	if (r < 0) {
		p->read_err = true;
		fprintf(stderr,
		    "%s: controller-side capture %s: read error at byte "
		    "offset %zu: %s (what came before is used)\n",
		    prog, path, p->err.offset, p->err.what);
	}
	return 0;
nomem:
	free(buf);
nomem_freed:
	fprintf(stderr, "%s: out of memory\n", prog);
	return SIM_EXIT_RUNTIME;
}

int
sim_peer_merge(
    struct sim_peer *p, struct cs_analyze *here, struct cs_peer_log *here_log)
{
	if (cs_peer_merge(here, here_log, p->a, p->log, &p->st) < 0)
		return SIM_EXIT_RUNTIME;
	p->merged = true;
	return 0;
}

void
sim_peer_print(FILE *o, const struct sim_peer *p)
{
	const struct cs_peer_stats *s = &p->st;

	if (!p->merged)
		return;
	fprintf(o,
	    "controller-side capture %s (%s): %" PRIu64
	    " CAPWAP datagrams, %zu AP%s\n",
	    p->path, p->fmt != NULL ? p->fmt : "?", s->dgrams_peer, s->aps_peer,
	    s->aps_peer == 1 ? "" : "s");
	if (s->why != NULL) {
		fprintf(o, "  not used: %s\n", s->why);
		if (s->has_offset && s->common > 0)
			fprintf(o,
			    "  (%" PRIu64 " datagram%s in common, clock offset "
			    "%+.3f s)\n",
			    s->common, s->common == 1 ? "" : "s",
			    (double)s->offset_us / 1e6);
		return;
	}
	fprintf(o,
	    "  APs in both captures: %zu of %zu (%zu by datagrams in common "
	    "only, the others by WTP identity); datagrams in both: %" PRIu64
	    "\n",
	    s->aps_matched, s->aps_here, s->aps_by_content, s->common);
	if (s->common_unique == 0)
		fputs("  aligned by discovery messages (which repeat from boot "
		      "to boot) and the clocks only: no DTLS datagram in "
		      "both\n",
		    o);
	if (s->has_offset)
		fprintf(o,
		    "  clock offset (controller side minus AP side, from the "
		    "datagrams in both): %+.3f s\n",
		    (double)s->offset_us / 1e6);
	fprintf(o,
	    "  lost on the way: AP -> controller %" PRIu64
	    ", controller -> AP %" PRIu64 " (sent while the other capture "
	    "ran); not judged %" PRIu64 "\n",
	    s->up_lost, s->down_lost, s->not_judged);
	if (s->peer_only > 0)
		fprintf(o,
		    "  received at one end, never sent at the other: %" PRIu64
		    " (another controller, or a capture point in between?)\n",
		    s->peer_only);
}

json_t *
sim_peer_json(const struct sim_peer *p)
{
	const struct cs_peer_stats *s = &p->st;
	json_t *j;

	if (!p->merged)
		return json_null();
	j = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
	              "s:I, s:o, s:s?}",
	    "path", p->path, "format", p->fmt != NULL ? p->fmt : "?", "capwap",
	    (json_int_t)s->dgrams_peer, "aps", (json_int_t)s->aps_peer,
	    "aps_in_common", (json_int_t)s->aps_matched, "aps_by_content_only",
	    (json_int_t)s->aps_by_content, "datagrams_in_common",
	    (json_int_t)s->common, "lost_ap_to_wlc", (json_int_t)s->up_lost,
	    "lost_wlc_to_ap", (json_int_t)s->down_lost, "not_judged",
	    (json_int_t)s->not_judged, "received_never_sent",
	    (json_int_t)s->peer_only, "clock_offset_s",
	    s->has_offset ? json_real((double)s->offset_us / 1e6) : json_null(),
	    "not_used_because", s->why);
	if (j != NULL)
		json_object_set_new(j, "datagrams_in_common_one_session",
		    json_integer((json_int_t)s->common_unique));
	return j;
}

void
sim_peer_free(struct sim_peer *p)
{
	if (p == NULL)
		return;
	cs_analyze_free(p->a);
	cs_peer_log_free(p->log);
	p->a = NULL;
	p->log = NULL;
}
