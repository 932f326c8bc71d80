/* SPDX-License-Identifier: MIT */
/*
 * `capsim run --peer-pcap FILE`: the run's datagrams at the APs' side go
 * into an in-memory AP-side analysis as they happen (the engine's
 * on_ap_wire observer, from worker threads: one mutex); after the run the
 * controller-side capture is matched with it (sim/peer.c,
 * lib/report/analyze_peer.c) and what was lost on the way, per AP and
 * size class, is applied to the live facts: the controller received what
 * the AP sent less what was lost on the way there, and sent what the AP
 * received plus what was lost on the way back.
 */
#include "run_peer.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "capsim/analyze.h"
#include "capsim/analyze_peer.h"
#include "peer.h"
#include "sim.h"

struct sim_run_peer {
	pthread_mutex_t mu;
	const char *path;
	uint16_t wlc_port; /* 0: 5246 */
	struct cs_analyze *here;
	struct cs_peer_log *log;
	uint32_t *live; /* AP of the analysis -> live AP index + 1 */
	size_t n_live;
	unsigned cur; /* live AP of the datagram being fed */
	int err;
	struct cs_ap_facts *copies;
	time_t started; /* a capture older than the run is not its peer */
	volatile sig_atomic_t *stop; /* set by a signal: stop waiting */
	struct cs_report_peer rep;   /* for the JSON report */
	char why[96];                /* rep.why_not, when ours */
};

/* How long the run waits, after it ends, for the controller-side
 * capture to appear (it is complete only once that capture stops). */
#define RUN_PEER_WAIT_S 120

int
sim_run_peer_new(struct sim_run_peer **ret, const char *path)
{
	struct sim_run_peer *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return -ENOMEM;
	pthread_mutex_init(&p->mu, NULL);
	p->path = path;
	p->rep.path = path;
	p->started = time(NULL);
	*ret = p;
	return 0;
}

void
sim_run_peer_free(struct sim_run_peer *p)
{
	if (p == NULL)
		return;
	cs_analyze_free(p->here);
	cs_peer_log_free(p->log);
	free(p->live);
	free(p->copies);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

void
sim_run_peer_stop_on(struct sim_run_peer *p, volatile sig_atomic_t *stop)
{
	if (p != NULL)
		p->stop = stop;
}

const struct cs_report_peer *
sim_run_peer_report(const struct sim_run_peer *p)
{
	return p == NULL ? NULL : &p->rep;
}

/* Why the controller's capture went unused, for the report (a copy: the
 * text may be built on the stack). */
static void
run_peer_not_used(struct sim_run_peer *p, const char *why)
{
	snprintf(p->why, sizeof(p->why), "%s", why);
	p->rep.why_not = p->why;
}

void
sim_run_peer_port(struct sim_run_peer *p, uint16_t wlc_port)
{
	if (p != NULL)
		p->wlc_port = wlc_port;
}

/* The analysis names the AP a datagram went to: remember its live AP. */
static int
run_peer_dgram(void *ctx, size_t ap, enum cs_dir dir, enum cs_chan ch,
    uint32_t wlc_ip, uint64_t t_us, const uint8_t *payload, size_t len)
{
	struct sim_run_peer *p = ctx;

	if (ap >= p->n_live) {
		size_t nn = ap + 64;
		uint32_t *nl = realloc(p->live, nn * sizeof(*nl));

		if (nl == NULL)
			return -ENOMEM;
		memset(nl + p->n_live, 0, (nn - p->n_live) * sizeof(*nl));
		p->live = nl;
		p->n_live = nn;
	}
	p->live[ap] = p->cur + 1;
	return cs_peer_log_dgram(
	    p->log, ap, dir, ch, wlc_ip, t_us, payload, len);
}

static int
run_peer_start(struct sim_run_peer *p)
{
	struct cs_analyze_cfg cfg = { .wlc_port = p->wlc_port };

	if (cs_peer_log_new(&p->log) < 0)
		return -ENOMEM;
	cfg.on_dgram = run_peer_dgram;
	cfg.dgram_ctx = p;
	cfg.at_ap = true; /* the APs' own datagrams, as they saw them */
	return cs_analyze_new(&p->here, &cfg);
}

void
sim_run_peer_wire(void *ctx, unsigned ap, enum cs_dir dir, enum cs_chan ch,
    uint32_t src_ip, uint16_t src_port, uint32_t dst_ip, uint16_t dst_port,
    uint64_t wall_us, const uint8_t *pkt, size_t len)
{
	struct sim_run_peer *p = ctx;
	int r = 0;

	(void)dir;
	(void)ch;
	pthread_mutex_lock(&p->mu);
	if (p->err == 0 && p->here == NULL)
		r = run_peer_start(p);
	if (r == 0 && p->err == 0) {
		p->cur = ap;
		r = cs_analyze_udp(p->here, wall_us, src_ip, src_port, dst_ip,
		    dst_port, pkt, len);
	}
	if (r < 0 && p->err == 0)
		p->err = r;
	pthread_mutex_unlock(&p->mu);
}

static uint16_t
sat16(int64_t v)
{
	return v < 0 ? 0 : v > UINT16_MAX ? UINT16_MAX : (uint16_t)v;
}

/* Live AP @p f with the losses the analysis found for its AP @p an. */
static void
run_peer_apply(struct cs_ap_facts *f, const struct cs_analyze_ap *an)
{
	const struct cs_ap_facts *g = &an->facts;

	for (unsigned c = 0; c < CS_FACTS_SIZE_CLASSES; c++) {
		int64_t up_lost = (int64_t)g->ap_tx[c] - g->wlc_rx[c];
		int64_t down_lost = (int64_t)g->wlc_tx[c] - g->ap_rx[c];

		f->wlc_rx[c] =
		    sat16((int64_t)f->ap_tx[c] - (up_lost > 0 ? up_lost : 0));
		f->wlc_tx[c] = sat16(
		    (int64_t)f->ap_rx[c] + (down_lost > 0 ? down_lost : 0));
	}
	f->wlc_side_by_flight = 0;
}

/* Waits for the capture to be there, written since the run started; a
 * signal (SIGINT, SIGTERM: *p->stop) ends the wait, the reports are
 * still written. */
static bool
run_peer_wait(struct sim_run_peer *p, const char *prog)
{
	struct timespec tick = { 0, 200000000 };
	struct stat sb;

	for (int i = 0; i < RUN_PEER_WAIT_S * 5; i++) {
		if (stat(p->path, &sb) == 0 && sb.st_mtime >= p->started)
			return true;
		if (p->stop != NULL && *p->stop != 0) {
			fprintf(stderr,
			    "%s: interrupted while waiting for %s: not used "
			    "(writing the reports)\n",
			    prog, p->path);
			run_peer_not_used(
			    p, "interrupted while waiting for the capture");
			return false;
		}
		if (i == 0)
			fprintf(stderr,
			    "%s: waiting up to %d s for %s (stop the "
			    "controller's capture: it is complete then)\n",
			    prog, RUN_PEER_WAIT_S, p->path);
		nanosleep(&tick, NULL);
	}
	fprintf(stderr, "%s: %s %s: not used\n", prog, p->path,
	    stat(p->path, &sb) == 0 ? "is older than the run"
	                            : "did not appear");
	run_peer_not_used(p,
	    stat(p->path, &sb) == 0
	        ? "the capture is older than the run"
	        : "the capture did not appear within 120 s");
	return false;
}

static void
run_peer_stats(struct cs_report_peer *r, const struct cs_peer_stats *s)
{
	r->capwap = s->dgrams_peer;
	r->aps = s->aps_peer;
	r->aps_in_common = s->aps_matched;
	r->datagrams_in_common = s->common;
	r->lost_ap_to_wlc = s->up_lost;
	r->lost_wlc_to_ap = s->down_lost;
	r->not_judged = s->not_judged;
	r->has_offset = s->has_offset;
	r->offset_us = s->offset_us;
}

void
sim_run_peer_facts(
    struct sim_run_peer *p, const struct cs_ap_facts **fp, size_t n)
{
	const char *prog = "capsim: run: --peer-pcap";
	struct cs_analyze_cfg cfg = { 0 };
	struct sim_peer sp;
	size_t taken = 0;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	if (p->err != 0 || p->here == NULL) {
		fprintf(stderr, "%s: not used: %s\n", prog,
		    p->err != 0 ? "the run's own datagrams could not be kept "
		                  "(out of memory)"
		                : "the APs sent nothing");
		run_peer_not_used(
		    p, p->err != 0 ? "out of memory" : "the APs sent nothing");
		goto out;
	}
	cfg.wlc_port = p->wlc_port;
	{
		struct timespec now;

		/* the APs listened until the run ended: now, about */
		clock_gettime(CLOCK_REALTIME, &now);
		cs_peer_log_ran_until(p->log,
		    (uint64_t)now.tv_sec * 1000000u +
		        (uint64_t)now.tv_nsec / 1000u);
	}
	if (!run_peer_wait(p, prog))
		goto out;
	if (sim_peer_load(&sp, prog, p->path, &cfg) != 0) {
		fprintf(stderr, "%s: not used\n", prog);
		run_peer_not_used(p, "not a capture capsim can read");
		sim_peer_free(&sp);
		goto out;
	}
	p->rep.format = sp.fmt;
	if (sim_peer_merge(&sp, p->here, p->log) != 0) {
		fprintf(stderr, "%s: out of memory, not used\n", prog);
		run_peer_not_used(p, "out of memory");
		sim_peer_free(&sp);
		goto out;
	}
	fflush(stdout);
	sim_peer_print(stderr, &sp);
	sim_peer_free(&sp);
	run_peer_stats(&p->rep, &sp.st);
	if (sp.st.why != NULL)
		run_peer_not_used(p, sp.st.why);
	if (sp.st.why != NULL || n == 0 ||
	    (p->copies = calloc(n, sizeof(*p->copies))) == NULL)
		goto out;
	for (size_t i = 0; i < cs_analyze_n_aps(p->here); i++) {
		const struct cs_analyze_ap *an = cs_analyze_ap_get(p->here, i);
		size_t l;

		if (!an->has_wlc_side || i >= p->n_live || p->live[i] == 0)
			continue;
		l = p->live[i] - 1u;
		if (l >= n || fp[l] == NULL || fp[l] == &p->copies[l])
			continue;
		p->copies[l] = *fp[l];
		run_peer_apply(&p->copies[l], an);
		fp[l] = &p->copies[l];
		taken++;
	}
	fprintf(stderr, "%s: the controller's side taken for %zu of %zu APs\n",
	    prog, taken, n);
	p->rep.aps_taken = taken;
	if (taken == 0 && p->rep.why_not == NULL)
		run_peer_not_used(p, "no AP of the run in it");
out:
	pthread_mutex_unlock(&p->mu);
}
