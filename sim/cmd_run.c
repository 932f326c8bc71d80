/* SPDX-License-Identifier: MIT */
/*
 * `capsim run [SCENARIO]`: N virtual APs join a WLC (a real one with
 * --wlc, or the embedded mock WLC) and stay in Run for --duration.
 * Without a scenario: exit 0 when every AP reached Run and stayed there,
 * 3 otherwise.  With a scenario (scenarios/README.md): its settings, its
 * impairments and timeline, and exit 0 exactly when its expectations
 * hold.  Either way the run ends with a diagnosis of what went wrong.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "capsim/capture.h"
#include "capsim/client_metrics.h"
#include "capsim/diagnose.h"
#include "capsim/dtls.h"
#include "capsim/engine.h"
#include "capsim/events.h"
#include "capsim/impair.h"
#include "capsim/metrics_http.h"
#include "capsim/ofile.h"
#include "capsim/pki.h"
#include "capsim/profile.h"
#include "capsim/progress.h"
#include "capsim/prom.h"
#include "capsim/report.h"
#include "capsim/scenario.h"
#include "capsim/udp.h"
#include "capsim/values.h"
#include "run_ctx.h"
#include "run_discover.h"
#include "run_groups.h"
#include "run_options.h"
#include "run_peer.h"
#include "run_series.h"
#include "sim.h"
#include "simutil.h"

/* Can the AP addresses send to the controller at all?  A UDP socket
 * bound to the first AP address and connect()ed to the controller makes
 * the kernel do the route lookup a sendto() would (EINVAL from 127.x to
 * an outside address, ENETUNREACH without a route), before any AP
 * starts.  Returns 0 or a positive errno. */
static int
run_route_check(uint32_t src_ip, uint32_t dst_ip, uint16_t dst_port,
    char *detail, size_t len)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	char s[16], d[16];
	int fd, err = 0;

	snprintf(detail, len, "from %s to %s", cs_ipv4_str(src_ip, s),
	    cs_ipv4_str(dst_ip, d));
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return 0; /* cannot check: say nothing */
	a.sin_addr.s_addr = htonl(src_ip);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		/* the address is not on this host: the engine says so */
		close(fd);
		return 0;
	}
	a.sin_addr.s_addr = htonl(dst_ip);
	a.sin_port = htons(dst_port);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		err = errno;
	close(fd);
	return err;
}

static volatile sig_atomic_t run_early_sig;
static struct run_ctx *run_cur;

/* Async-signal-safe: the temporaries of the unwritten reports go. */
static void
run_unlink_tmps(const struct run_ctx *rc)
{
	if (rc == NULL)
		return;
	cs_ofile_unlink_tmp(rc->json_out);
	cs_ofile_unlink_tmp(rc->junit_out);
	cs_capture_unlink_tmp(rc->cap);
	cs_capture_unlink_tmp(rc->cap_wlc);
}

static void
run_early_handler(int sig)
{
	if (run_early_sig != 0) {
		run_unlink_tmps(run_cur);
		_exit(SIM_EXIT_RUNTIME);
	}
	run_early_sig = sig;
}

static void
run_early_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = run_early_handler;
	sa.sa_flags = SA_RESTART; /* start-up goes on; the flag ends it */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static uint64_t
run_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
run_on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct run_ctx *rc = arg;
	struct timeval now = { 0, 0 };

	(void)sig;
	(void)what;
	if (rc->interrupted) { /* second signal: exit at once */
		run_unlink_tmps(rc);
		_exit(SIM_EXIT_RUNTIME);
	}
	rc->interrupted = true;
	/* from now on a second signal ends the process at once, even while
	 * the APs stop and the reports are written; the reports' temporaries
	 * go with it */
	run_early_sig = (sig_atomic_t)sig;
	run_early_signals();
	fprintf(stderr,
	    "\ncapsim: run: interrupted: stopping the APs and writing the "
	    "reports (again to quit at once)\n");
	/* leave after the callbacks already due (a second signal among
	 * them still counts) */
	event_base_loopexit(rc->base, &now);
}

static void
run_on_end(evutil_socket_t fd, short what, void *arg)
{
	struct run_ctx *rc = arg;

	(void)fd;
	(void)what;
	event_base_loopbreak(rc->base);
}

static void
run_snap(struct run_ctx *rc, struct cs_progress_snap *sn)
{
	const struct cs_metrics *m = cs_engine_metrics(rc->e);

	memset(sn, 0, sizeof(*sn));
	sn->t_ms = cs_engine_now_ms(rc->e);
	sn->aps = rc->n_aps;
	cs_engine_ap_states(rc->e, sn->states);
	sn->joins = m->joins;
	for (int p = 0; p < CS_PHASE__COUNT; p++)
		sn->failures[p] = m->failures_by_phase[p];
}

/* Once a second: the join series, and the progress line on a terminal. */
static void
run_on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct run_ctx *rc = arg;
	struct cs_progress_snap now;
	char line[256];

	(void)fd;
	(void)what;
	run_snap(rc, &now);
	if (rc->n_sec == rc->cap_sec) {
		size_t cap = rc->cap_sec ? rc->cap_sec * 2 : 64;
		uint32_t *v = realloc(rc->joins_per_sec, cap * sizeof(*v));

		if (v != NULL) {
			rc->joins_per_sec = v;
			rc->cap_sec = cap;
		}
	}
	if (rc->n_sec < rc->cap_sec)
		rc->joins_per_sec[rc->n_sec++] =
		    (uint32_t)(now.joins - rc->joins_seen);
	rc->joins_seen = now.joins;
	if (rc->events != NULL)
		cs_events_flush(rc->events);
	if (rc->progress &&
	    cs_progress_line(line, sizeof(line), &now,
	        rc->prev.t_ms || rc->prev.joins ? &rc->prev : NULL) >= 0) {
		struct cs_client_metrics cm;
		char cl[160];

		/* the wireless clients, when the run has some */
		if (cs_engine_client_metrics(rc->e, &cm) == 0 && cm.clients > 0)
			fprintf(stderr, "\r%s | %s\033[K", line,
			    cs_client_metrics_progress(&cm, cl, sizeof(cl)));
		else
			fprintf(stderr, "\r%s\033[K", line);
		cs_client_metrics_free(&cm);
	}
	rc->prev = now;
}

static void
run_on_ap_event(
    void *ctx, unsigned ap, const uint8_t mac[6], const struct cs_ap_event *ev)
{
	struct run_ctx *rc = ctx;
	char m[18];

	if (rc->events != NULL) {
		char name[64];
		struct cs_events_ap who = {
			.index = ap, .mac = mac, .name = name
		};

		cs_ap_id_name(rc->name_prefix, ap, name, sizeof(name));
		cs_events_ap(rc->events, &who, ev);
	}
	if (!rc->verbose && ev->kind != CS_AP_EV_FAILURE)
		return;
	if (ev->kind != CS_AP_EV_STATE && ev->kind != CS_AP_EV_FAILURE)
		return;
	cs_val_mac_str(mac, m);
	if (ev->kind == CS_AP_EV_FAILURE)
		fprintf(stderr, "%s%8.3f AP %u %s: %s failed: %s\n",
		    rc->progress ? "\r\033[K" : "", (double)ev->t_ms / 1000.0,
		    ap + 1, m, cs_phase_name(ev->phase),
		    ev->reason ? ev->reason : "?");
	else
		fprintf(stderr, "%8.3f AP %u %s: %s -> %s (%s)\n",
		    (double)ev->t_ms / 1000.0, ap + 1, m,
		    cs_ap_state_name(ev->from), cs_ap_state_name(ev->to),
		    ev->reason ? ev->reason : "");
}

static void
run_keylog(void *ctx, const char *line)
{
	cs_capture_keylog(ctx, line);
}

/* --- the scenario timeline -------------------------------------------- */

struct run_tl {
	struct cs_scn_timeline tl; /* lib/scenario runs the entries */
	struct event *timer;
};

/* What a timeline entry did: a line on stderr, a mark in the series. */
static void
run_tl_done(void *ctx, const struct cs_scn_done *d)
{
	struct run_ctx *rc = ctx;
	const struct cs_scn_event *ev = d->ev;
	double at = (double)d->at_ms / 1000.0;
	const char *rule = "";
	char mbt[128];

	if ((ev->action == CS_SCN_ACT_ENABLE ||
	        ev->action == CS_SCN_ACT_DISABLE) &&
	    ev->rule_index < rc->n_rules)
		rule = rc->rule_names[ev->rule_index];
	switch (ev->action) {
	case CS_SCN_ACT_ENABLE:
	case CS_SCN_ACT_DISABLE:
		fprintf(stderr, "%scapsim: run: %.1f s: rule '%s' %s\n",
		    rc->progress ? "\r\033[K" : "", at, rule,
		    ev->action == CS_SCN_ACT_ENABLE ? "on" : "off");
		sim_series_mark(&rc->series, "rule %s %s", rule,
		    ev->action == CS_SCN_ACT_ENABLE ? "on" : "off");
		break;
	case CS_SCN_ACT_WLC_RESTART:
		if (d->r < 0)
			fprintf(stderr,
			    "capsim: run: %.1f s: wlc-restart ignored: the "
			    "WLC is not embedded\n",
			    at);
		else
			fprintf(stderr, "%scapsim: run: %.1f s: WLC restart\n",
			    rc->progress ? "\r\033[K" : "", at);
		sim_series_mark(&rc->series, "wlc-restart");
		break;
	case CS_SCN_ACT_AP_REBOOT:
		fprintf(stderr, "%scapsim: run: %.1f s: %u APs power-cycled\n",
		    rc->progress ? "\r\033[K" : "", at, d->n);
		sim_series_mark(&rc->series, "ap-reboot (%u APs)", d->n);
		break;
	case CS_SCN_ACT_LINK_DOWN:
		fprintf(stderr, "%scapsim: run: %.1f s: link down for %.1f s\n",
		    rc->progress ? "\r\033[K" : "", at,
		    (double)ev->for_ms / 1000.0);
		sim_series_mark(&rc->series, "link-down %.1f s",
		    (double)ev->for_ms / 1000.0);
		break;
	case CS_SCN_ACT_NAT_REBIND:
		fprintf(stderr, "%scapsim: run: %.1f s: NAT rebinding\n",
		    rc->progress ? "\r\033[K" : "", at);
		sim_series_mark(&rc->series, "nat-rebind");
		break;
	case CS_SCN_ACT_NAT_EXPIRE:
		fprintf(stderr, "%scapsim: run: %.1f s: NAT mappings expired\n",
		    rc->progress ? "\r\033[K" : "", at);
		sim_series_mark(&rc->series, "nat-expire");
		break;
	case CS_SCN_ACT_WLC_MISBEHAVE:
		if (d->r < 0)
			fprintf(stderr,
			    "capsim: run: %.1f s: wlc-misbehave ignored: the "
			    "WLC is not embedded\n",
			    at);
		else
			fprintf(stderr, "%scapsim: run: %.1f s: WLC %s\n",
			    rc->progress ? "\r\033[K" : "", at,
			    cs_scn_misbehave_text(ev, mbt, sizeof(mbt)));
		break;
	case CS_SCN_ACT_WLC_REQUEST:
		if (d->r < 0)
			fprintf(stderr,
			    "capsim: run: %.1f s: wlc-request ignored: the "
			    "WLC is not embedded\n",
			    at);
		else
			fprintf(stderr,
			    "%scapsim: run: %.1f s: WLC %s request sent to %u "
			    "APs in Run (%u busy with another request)\n",
			    rc->progress ? "\r\033[K" : "", at,
			    cs_wlc_cmd_name(ev->cmd.kind), d->n, d->busy);
		sim_series_mark(&rc->series, "wlc %s (%u APs)",
		    cs_wlc_cmd_name(ev->cmd.kind), d->n);
		break;
	case CS_SCN_ACT__COUNT:
		break;
	}
}

static void
run_tl_arm(struct run_tl *t, uint64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000),
		(suseconds_t)(ms % 1000) * 1000 };

	evtimer_add(t->timer, &tv);
}

/* The timeline's one timer: run what is due, wait for the next. */
static void
run_on_timeline(evutil_socket_t fd, short what, void *arg)
{
	struct run_tl *t = arg;
	uint64_t ms;

	(void)fd;
	(void)what;
	if ((ms = cs_scn_timeline_run(&t->tl)) != UINT64_MAX)
		run_tl_arm(t, ms);
}

/* --- /metrics ------------------------------------------------------------ */

static void
run_joined_shard(void *arg, struct cs_engine *e, unsigned k)
{
	struct run_ctx *rc = arg;

	rc->prom_joined += cs_wlc_active_wtps(cs_engine_wlc_shard(e, k));
}

static int
run_prom_fill(void *ctx, struct cs_prom_snapshot *snap)
{
	struct run_ctx *rc = ctx;

	snap->aps = rc->n_aps;
	cs_engine_ap_states(rc->e, snap->states);
	snap->m = cs_engine_metrics(rc->e);
	snap->uptime_s = (double)cs_engine_now_ms(rc->e) / 1000.0;
	if (cs_engine_wlc_counters(rc->e, &rc->prom_wc) == 0) {
		snap->wlc = &rc->prom_wc;
		rc->prom_joined = 0;
		for (unsigned k = 0; k < cs_engine_workers(rc->e); k++)
			cs_engine_with_worker(rc->e, k, run_joined_shard, rc);
		snap->wlc_joined = rc->prom_joined;
	}
	if (rc->n_rules > 0 && rc->prom_rules != NULL) {
		for (size_t i = 0; i < rc->n_rules; i++) {
			rc->prom_rules[i].name = rc->rule_names[i];
			memset(&rc->prom_rules[i].st, 0,
			    sizeof(rc->prom_rules[i].st));
			cs_engine_rule_stats(
			    rc->e, (unsigned)i, &rc->prom_rules[i].st);
		}
		snap->rules = rc->prom_rules;
		snap->n_rules = rc->n_rules;
	}
	snap->lateness = cs_engine_timer_lateness(rc->e);
	if (cs_report_resources_get(&rc->prom_res) == 0)
		snap->res = &rc->prom_res;
	if (sim_prom_health(
	        rc->e, rc->max_inflight, &rc->prom_h, &rc->prom_health) == 0)
		snap->health = &rc->prom_health;
	if (rc->clients && cs_engine_client_metrics(rc->e, &rc->prom_cm) == 0)
		snap->clients = &rc->prom_cm;
	return 0;
}

static void
run_prom_release(void *ctx, struct cs_prom_snapshot *snap)
{
	struct run_ctx *rc = ctx;

	if (snap->health != NULL)
		cs_engine_health_free(&rc->prom_h);
	if (snap->clients != NULL)
		cs_client_metrics_free(&rc->prom_cm);
}

/* Whole seconds (rounded up) for a CAPWAP Timers field, 1..255. */
static uint8_t
run_secs_u8(uint32_t ms)
{
	uint32_t sec = (ms + 999) / 1000;

	return (uint8_t)(sec < 1 ? 1 : sec > 255 ? 255 : sec);
}

/* A report output, opened at start: a bad path fails before the run. */
static int
run_open(struct cs_ofile **of, const char *path)
{
	char why[512];
	int r;

	if ((r = cs_ofile_open(of, path, 0644, why, sizeof(why))) < 0)
		fprintf(stderr, "capsim: run: cannot write %s\n", why);
	return r;
}

/* What sim_cmd_run holds besides the run's state (run_res_free). */
struct run_res {
	struct cs_dtls_ctx *dctx, *wctx;
	struct cs_pki *pki;
	struct cs_cred *ap_cred, *wlc_cred;
	struct cs_profile *prof;
	struct cs_metrics_http *http;
	struct run_tl tl;
	struct run_groups groups;
	struct event *sigs[2], *end, *tick;
	char wlcdesc[64];
};

/* Primed primary/secondary/tertiary (--wlc, --wlc-secondary,
 * --wlc-tertiary): ranked by address in Discovery (by AC Name when one
 * was given) and Discovery targets in that order (the order
 * --skip-discovery joins them in after a loss). */
static void
run_setup_primed(struct run_opts *o)
{
	struct cs_ap_cfg *ap = &o->ec.ap;

	if (o->wlc_backup[0] != 0 || o->wlc_backup[1] != 0) {
		ap->primed_ip[0] = o->wlc_ip;
		ap->primed_ip[1] = o->wlc_backup[0];
		ap->primed_ip[2] = o->wlc_backup[1];
	}
	/* the scenario's aps.primed or the options' */
	for (unsigned i = 0; i < 3; i++) {
		uint32_t a = ap->primed_ip[i];
		bool known = false;

		if (a == 0)
			continue;
		for (unsigned k = 0; k < ap->target_count; k++)
			known |= ap->targets[k] == a;
		if (!known && ap->target_count < CS_AP_MAX_TARGETS)
			ap->targets[ap->target_count++] = a;
	}
}

/* The run's state from the options; the APs' controllers. */
static void
run_setup_ctx(struct run_ctx *rc, struct run_opts *o)
{
	rc->duration_ms = o->duration_ms;
	rc->quiet = o->quiet;
	rc->verbose = o->verbose;
	/* interval lines replace the progress line unless asked for */
	rc->progress = o->force_progress || (!o->quiet && !o->interval_lines);
	rc->series.html_path = o->html_path;
	rc->series.csv_path = o->csv_path;
	rc->series.interval_ms = o->interval_ms;
	rc->series.lines = o->interval_lines;
	rc->seed = o->ec.seed;
	rc->scn = o->scn;
	rc->name_prefix = o->ec.ap_name_prefix; /* NULL: CS_AP_NAME_PREFIX */
	rc->shard = &o->shard;
	rc->per_ap = o->per_ap;
	rc->clients = o->ec.clients.per_ap > 0;
	if (o->embedded && o->wlc_ip == 0)
		cs_ipv4_parse("127.0.0.1", &o->wlc_ip);
	if (o->ec.ap.target_count == 0 || o->scn == NULL ||
	    o->scn->aps.n_controllers == 0) {
		o->ec.ap.targets[0] = o->wlc_ip;
		o->ec.ap.target_count = 1;
	}
	run_setup_primed(o);
	o->ec.ap.ac_port = o->wlc_port;
}

/* The model profile (shared by every AP).  -1, or the exit code. */
static int
run_setup_profile(struct run_opts *o, struct run_res *res)
{
	char why[256];
	int r;

	if (o->profile == NULL)
		return -1;
	if ((r = cs_profile_load(
	         &res->prof, o->profile, NULL, why, sizeof(why))) < 0) {
		fprintf(
		    stderr, "capsim: run: profile %s: %s\n", o->profile, why);
		return SIM_EXIT_USAGE;
	}
	if ((r = cs_profile_apply(res->prof, &o->ec.ap)) < 0) {
		fprintf(stderr, "capsim: run: profile %s: %s\n", o->profile,
		    strerror(-r));
		return SIM_EXIT_USAGE;
	}
	/* the model's option 60 unless --vendor-class said otherwise */
	if (res->prof->option60 != NULL &&
	    strcmp(o->disc.vendor_class, "Cisco AP c2700") == 0)
		o->disc.vendor_class = res->prof->option60;
	return -1;
}

/* Impairment rules: the scenario's, then --rule ones.  -1, or the exit
 * code. */
static int
run_setup_rules(struct run_opts *o)
{
	if (o->scn != NULL && o->scn->n_impairments > 0) {
		struct cs_impair_rule *nr = realloc(o->rules,
		    (o->n_rules + o->scn->n_impairments) * sizeof(*nr));

		if (nr == NULL)
			return SIM_EXIT_RUNTIME;
		o->rules = nr;
		memmove(o->rules + o->scn->n_impairments, o->rules,
		    o->n_rules * sizeof(*o->rules));
		for (size_t i = 0; i < o->scn->n_impairments; i++)
			o->rules[i] = o->scn->impairments[i].rule;
		o->n_rules += o->scn->n_impairments;
	}
	o->ec.rules = o->rules;
	o->ec.n_rules = o->n_rules;
	return -1;
}

/* The reports (checked, and a stale one removed, before the run), the
 * captures and the event log.  -1, or the exit code. */
static int
run_setup_outputs(struct run_opts *o, struct run_ctx *rc)
{
	struct cs_err err = { 0 };
	int r;

	if (o->json_path != NULL && run_open(&rc->json_out, o->json_path) < 0)
		return SIM_EXIT_USAGE;
	if (o->junit_path != NULL &&
	    run_open(&rc->junit_out, o->junit_path) < 0)
		return SIM_EXIT_USAGE;
	if (o->n_rules > 0 &&
	    (rc->rule_names = calloc(o->n_rules, sizeof(*rc->rule_names))) !=
	        NULL) {
		for (size_t i = 0; i < o->n_rules; i++)
			rc->rule_names[i] = o->rules[i].name;
		rc->n_rules = o->n_rules;
	}
	if (o->pcap_path != NULL || o->clear_path != NULL ||
	    o->keylog_path != NULL) {
		struct cs_capture_cfg cc = { .pcap_path = o->pcap_path,
			.clear_path = o->clear_path,
			.keylog_path = o->keylog_path };

		if (cs_capture_open(&rc->cap, &cc, &err) < 0) {
			fprintf(
			    stderr, "capsim: run: cannot write %s\n", err.what);
			return SIM_EXIT_USAGE;
		}
		o->ec.capture = rc->cap;
		o->dc.keylog = run_keylog;
		o->dc.keylog_ctx = rc->cap;
	}
	if (o->pcap_wlc_path != NULL) {
		struct cs_capture_cfg cc = { .pcap_path = o->pcap_wlc_path };

		if (cs_capture_open(&rc->cap_wlc, &cc, &err) < 0) {
			fprintf(
			    stderr, "capsim: run: cannot write %s\n", err.what);
			return SIM_EXIT_USAGE;
		}
		o->ec.capture_peer = rc->cap_wlc;
	}
	if (o->events_path != NULL &&
	    (r = cs_events_open(&rc->events, o->events_path)) < 0) {
		fprintf(stderr, "capsim: run: cannot write %s: %s\n",
		    o->events_path, sim_file_strerror(r));
		return SIM_EXIT_USAGE;
	}
	return -1;
}

/* PKI: AP certificates from the lab CA (or the user's), the controller
 * verified against the lab CA (or --wlc-ca); the APs' DTLS context and
 * the scenario's AP groups.  -1, or the exit code. */
static int
run_setup_dtls(struct run_opts *o, struct run_res *res)
{
	struct cs_err err = { 0 };
	int r;

	if (o->ap_cert != NULL) {
		char why[512];

		if ((r = cs_cred_load_why(&res->ap_cred, o->ap_cert, o->ap_key,
		         why, sizeof(why))) < 0) {
			fprintf(stderr, "capsim: run: certificate: %s\n", why);
			return SIM_EXIT_USAGE;
		}
		o->ec.ap_cred = res->ap_cred;
	}
	if (o->ap_cert == NULL || o->wlc_ca == NULL || o->embedded) {
		if (sim_pki_open(&res->pki, o->pkidir, o->ca_cert, o->ca_key,
		        &sim_log) < 0)
			return SIM_EXIT_USAGE;
		if (o->ap_cert == NULL)
			o->ec.ap_pki = res->pki;
	}
	o->dc.trust = o->wlc_ca == NULL ? cs_pki_ca(res->pki) : NULL;
	o->dc.ca_file = o->wlc_ca;
	o->dc.log = &sim_log_verbose;
	if ((r = cs_dtls_ctx_new(&res->dctx, &o->dc, &err)) < 0) {
		fprintf(stderr, "capsim: run: DTLS setup failed: %s\n",
		    err.what ? err.what : strerror(-r));
		return SIM_EXIT_USAGE;
	}
	o->ec.ap_dtls = res->dctx;
	/* the scenario's AP groups, each with its own template and DTLS */
	if (run_groups_make(&res->groups, o->scn, &o->ec.ap, &o->dc) < 0)
		return SIM_EXIT_USAGE;
	o->ec.ap_groups = res->groups.g;
	o->ec.n_ap_groups = res->groups.n;
	if (o->dc.no_verify)
		fprintf(stderr,
		    "capsim: run: WARNING: the controller's "
		    "certificate is NOT verified (--no-verify-wlc)\n");
	return -1;
}

/* The embedded WLC (when it is one), and the words for the controller.
 * -1, or the exit code. */
static int
run_setup_wlc(struct run_opts *o, struct run_res *res)
{
	struct cs_err err = { 0 };
	char addr[16];
	int r;

	if (!o->embedded) {
		snprintf(res->wlcdesc, sizeof(res->wlcdesc), "%s:%u",
		    cs_ipv4_str(o->wlc_ip, addr), o->wlc_port);
		return -1;
	}
	if (o->wlc_cert != CS_PKI_GOOD &&
	    (r = cs_pki_issue_wlc(res->pki, o->wlc_cert, &res->wlc_cred)) < 0) {
		fprintf(stderr,
		    "capsim: run: cannot issue the WLC certificate: %s\n",
		    strerror(-r));
		return SIM_EXIT_RUNTIME;
	}
	o->wdc.cred =
	    res->wlc_cred != NULL ? res->wlc_cred : cs_pki_wlc(res->pki);
	o->wdc.trust = cs_pki_ca(res->pki);
	if (!o->wlc_dtls_set) {
		o->wdc.version = o->dc.version;
		o->wdc.ciphers = o->dc.ciphers;
	}
	o->wdc.log = &sim_log_verbose;
	if ((r = cs_dtls_ctx_new(&res->wctx, &o->wdc, &err)) < 0) {
		fprintf(stderr, "capsim: run: WLC DTLS setup failed: %s\n",
		    err.what ? err.what : strerror(-r));
		return SIM_EXIT_RUNTIME;
	}
	o->ec.wlc_enabled = true;
	o->ec.wlc_dtls = res->wctx;
	o->ec.wlc_port = o->wlc_port;
	o->ec.wlc.listen_ip = o->wlc_ip;
	o->ec.wlc.log = sim_log_verbose;
	/* the embedded WLC hands out the AP's own echo interval in CAPWAP
	 * Timers (whole seconds, RFC 5415 §4.6.13) unless the scenario sets
	 * the WLC's */
	if (o->scn == NULL || o->scn->wlc.echo_interval_ms == 0)
		o->ec.wlc.echo_interval_s =
		    run_secs_u8(o->ec.ap.echo_interval_ms);
	/* and the APs' MaxDiscoveryInterval, which they adopt from CAPWAP
	 * Timers after a join (a rejoin must not wait the RFC default 20 s
	 * when the lab runs short timers) */
	if (o->scn == NULL || o->scn->wlc.discovery_interval_ms == 0)
		o->ec.wlc.discovery_interval_s =
		    run_secs_u8(o->ec.ap.max_discovery_interval_ms);
	snprintf(res->wlcdesc, sizeof(res->wlcdesc), "embedded %s:%u",
	    cs_ipv4_str(o->wlc_ip, addr), o->wlc_port);
	return -1;
}

/* The loop, discovery, the engine and /metrics.  -1, or the exit code. */
static int
run_setup_engine(struct run_opts *o, struct run_ctx *rc, struct run_res *res)
{
	int r;

	if ((rc->base = event_base_new()) == NULL)
		return SIM_EXIT_RUNTIME;
	if (o->disc.enabled &&
	    (r = sim_disc_run(&o->disc, &o->ec, rc->base)) != 0)
		return r;
	rc->n_aps = o->ec.n_aps;
	rc->max_inflight = o->ec.max_inflight != 0;
	o->ec.log = &sim_log;
	o->ec.on_ap_event = run_on_ap_event;
	o->ec.obs_ctx = rc;
	if (rc->n_rules > 0)
		rc->prom_rules = calloc(rc->n_rules, sizeof(*rc->prom_rules));
	/* shards begin together (--start-at); a signal ends the wait */
	if (!run_shard_wait(&o->shard, &run_early_sig))
		fprintf(stderr,
		    "capsim: run: interrupted while waiting for "
		    "--start-at\n");
	/* the engine's clock starts in cs_engine_new: events are stamped
	 * from here */
	rc->started_unix_ms = run_wall_ms();
	run_shard_started(&o->shard, rc->started_unix_ms);
	cs_events_set_epoch(rc->events, rc->started_unix_ms);
	if ((r = cs_engine_new(&rc->e, &o->ec)) < 0)
		return r == -EINVAL || r == -EADDRNOTAVAIL ? SIM_EXIT_USAGE
		                                           : SIM_EXIT_RUNTIME;
	if (o->listen != NULL) {
		struct cs_metrics_http_ops ops = { .fill = run_prom_fill,
			.release = run_prom_release,
			.ctx = rc };

		if ((r = cs_metrics_http_new(
		         &res->http, rc->base, o->listen, &ops)) < 0) {
			fprintf(stderr,
			    "capsim: run: cannot serve /metrics on %s: %s\n",
			    o->listen,
			    r == -EINVAL ? "not ADDR:PORT (port 0..65535)"
			                 : strerror(-r));
			return SIM_EXIT_USAGE;
		}
		fprintf(stderr,
		    "capsim: run: Prometheus metrics at http://%s/metrics\n",
		    o->listen);
	}
	return -1;
}

/* Signals, the end of the run, the progress tick and the timeline on
 * the loop; the run announced and the route to the controller checked. */
static void
run_arm(struct run_opts *o, struct run_ctx *rc, struct run_res *res)
{
	struct timeval tv = { (time_t)(o->duration_ms / 1000),
		(suseconds_t)(o->duration_ms % 1000) * 1000 };
	struct timeval one = { 1, 0 };
	char addr[16];

	res->sigs[0] = evsignal_new(rc->base, SIGINT, run_on_signal, rc);
	res->sigs[1] = evsignal_new(rc->base, SIGTERM, run_on_signal, rc);
	for (int i = 0; i < 2; i++)
		if (res->sigs[i] != NULL)
			evsignal_add(res->sigs[i], NULL);
	res->end = evtimer_new(rc->base, run_on_end, rc);
	evtimer_add(res->end, &tv);
	res->tick = event_new(rc->base, -1, EV_PERSIST, run_on_tick, rc);
	event_add(res->tick, &one);
	if (o->scn != NULL && o->scn->n_timeline > 0 &&
	    cs_scn_timeline_init(
	        &res->tl.tl, o->scn, rc->e, rc->seed, run_tl_done, rc) == 0 &&
	    (res->tl.timer =
	            evtimer_new(rc->base, run_on_timeline, &res->tl)) != NULL)
		run_tl_arm(&res->tl, 0); /* the first entries from the loop */
	fprintf(stderr,
	    "capsim: run: %s%s%s%u APs from %s against %s for %.1f s\n",
	    o->scn != NULL ? "scenario " : "",
	    o->scn != NULL ? o->scn->name : "", o->scn != NULL ? ": " : "",
	    o->ec.n_aps, cs_ipv4_str(o->ec.ap_base_ip, addr), res->wlcdesc,
	    (double)o->duration_ms / 1000.0);
	if (!o->ec.wlc_enabled && o->ec.n_aps > 0) {
		rc->route_err = run_route_check(o->ec.ap_base_ip, o->wlc_ip,
		    o->wlc_port, rc->route_detail, sizeof(rc->route_detail));
		if (rc->route_err != 0)
			fprintf(stderr,
			    "capsim: run: warning: the APs cannot send to the "
			    "controller (%s: %s); the diagnosis will say "
			    "local-send-error\n",
			    rc->route_detail, strerror(rc->route_err));
	}
}

/* The run itself, its end (run_finish) and the --metrics-linger wait.
 * The exit code. */
static int
run_loop(struct run_opts *o, struct run_ctx *rc, struct run_res *res)
{
	uint64_t elapsed_ms;
	struct sigaction old_int, old_term;
	bool peer_wait;
	int r, exit_code;

	if (run_early_sig != 0) {
		/* interrupted while starting: no run, the reports say so (a
		 * second signal still exits at once) */
		rc->interrupted = true;
		run_early_signals();
		fprintf(stderr,
		    "capsim: run: interrupted while starting: writing the "
		    "reports\n");
	} else {
		cs_engine_start(rc->e);
		if ((r = sim_series_start(
		         &rc->series, rc->base, rc->e, o->ec.n_aps)) < 0) {
			fprintf(stderr, "capsim: run: time series: %s\n",
			    strerror(-r));
			return SIM_EXIT_RUNTIME;
		}
		event_base_dispatch(rc->base);
		if (rc->progress)
			fprintf(stderr, "\n");
		sim_series_stop(&rc->series); /* the last interval */
	}
	elapsed_ms = cs_engine_now_ms(rc->e);
	/* APs send close_notify; workers stop; results are final */
	cs_engine_stop(rc->e);
	/* --peer-pcap waits up to 120 s for the controller's capture with
	 * the loop no longer dispatching: a signal must end that wait (the
	 * reports are still written) */
	peer_wait = o->peer != NULL && !rc->interrupted;
	if (peer_wait) {
		sigaction(SIGINT, NULL, &old_int);
		sigaction(SIGTERM, NULL, &old_term);
		run_early_sig = 0;
		run_early_signals();
		sim_run_peer_stop_on(o->peer, &run_early_sig);
	}
	exit_code = run_finish(
	    rc, &o->ec, &o->dc, o->scn, res->wlcdesc, o->dtls_ver, elapsed_ms);
	if (peer_wait && run_early_sig == 0) {
		/* libevent's again, for --metrics-linger */
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	if (res->http != NULL && o->linger_ms > 0 && !rc->interrupted &&
	    run_early_sig == 0) {
		/* the final numbers stay up for one more scrape */
		struct timeval tv = { (time_t)(o->linger_ms / 1000),
			(suseconds_t)(o->linger_ms % 1000) * 1000 };

		fprintf(stderr,
		    "capsim: run: /metrics stays up for %.1f s (--metrics-"
		    "linger; a signal ends it)\n",
		    (double)o->linger_ms / 1000.0);
		if (res->tick != NULL)
			event_del(res->tick);
		evtimer_add(res->end, &tv);
		event_base_dispatch(rc->base);
	}
	return exit_code;
}

/* Frees what the run held; closing the capture and the event log may
 * still fail the run.  The exit code. */
static int
run_cleanup(
    struct run_opts *o, struct run_ctx *rc, struct run_res *res, int exit_code)
{
	struct cs_err err = { 0 };

	for (int i = 0; i < 2; i++)
		if (res->sigs[i] != NULL)
			event_free(res->sigs[i]);
	if (res->tl.timer != NULL)
		event_free(res->tl.timer);
	if (res->end != NULL)
		event_free(res->end);
	if (res->tick != NULL)
		event_free(res->tick);
	cs_metrics_http_free(res->http);
	cs_engine_free(rc->e);
	run_groups_free(&res->groups);
	/* reports not written (a failure before the run's end) leave no
	 * temporary behind */
	cs_ofile_discard(rc->json_out);
	cs_ofile_discard(rc->junit_out);
	free(rc->prom_rules);
	if (rc->cap != NULL && cs_capture_close(rc->cap, &err) < 0) {
		fprintf(stderr, "capsim: run: capture: %s\n", err.what);
		if (exit_code == SIM_EXIT_OK)
			exit_code = SIM_EXIT_RUNTIME;
	}
	if (rc->cap_wlc != NULL && cs_capture_close(rc->cap_wlc, &err) < 0) {
		fprintf(stderr, "capsim: run: capture: %s\n", err.what);
		if (exit_code == SIM_EXIT_OK)
			exit_code = SIM_EXIT_RUNTIME;
	}
	if (rc->events != NULL && cs_events_close(rc->events) < 0) {
		fprintf(
		    stderr, "capsim: run: writing %s failed\n", o->events_path);
		if (exit_code == SIM_EXIT_OK)
			exit_code = SIM_EXIT_RUNTIME;
	}
	if (rc->base != NULL)
		event_base_free(rc->base);
	if (rc->has_diag)
		cs_diagnosis_free(&rc->diag);
	sim_series_free(&rc->series);
	free(rc->joins_per_sec);
	free(rc->rule_names);
	cs_profile_free(res->prof);
	run_options_free(o);
	cs_dtls_ctx_free(res->dctx);
	cs_dtls_ctx_free(res->wctx);
	cs_cred_free(res->ap_cred);
	cs_cred_free(res->wlc_cred);
	cs_pki_free(res->pki);
	return exit_code;
}

/* Setup to the start of the run, step by step.  -1, or the exit code. */
static int
run_setup(struct run_opts *o, struct run_ctx *rc, struct run_res *res)
{
	int r;

	run_setup_ctx(rc, o);
	if ((r = run_setup_profile(o, res)) >= 0 ||
	    (r = run_setup_rules(o)) >= 0)
		return r;
	if (o->check)
		return run_check(o);
	if ((r = run_setup_outputs(o, rc)) >= 0 ||
	    (r = run_setup_dtls(o, res)) >= 0 ||
	    (r = run_setup_wlc(o, res)) >= 0 ||
	    (r = run_setup_engine(o, rc, res)) >= 0)
		return r;
	run_arm(o, rc, res);
	return -1;
}

int
sim_cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct run_ctx rc = { 0 };
	struct run_res res = { 0 };
	int exit_code = SIM_EXIT_RUNTIME;

	/* before any start-up work (issue 18: a run interrupted while it
	 * starts still reports, marked interrupted) */
	run_cur = &rc;
	run_early_sig = 0;
	run_early_signals();
	if (run_options_parse(&o, argc, argv, &exit_code) &&
	    (exit_code = run_setup(&o, &rc, &res)) < 0)
		exit_code = run_loop(&o, &rc, &res);
	exit_code = run_cleanup(&o, &rc, &res, exit_code);
	run_cur = NULL;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	return exit_code;
}
