/* SPDX-License-Identifier: MIT */
/*
 * `capsim proxy`: the impairment engine as a UDP relay between real APs
 * (or capsim run) and a real controller (or capsim wlc), driven by
 * scenario rules or --rule strings.  Prints per-rule counters at exit.
 */
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/dtls_peek.h"
#include "capsim/impair.h"
#include "capsim/proxy.h"
#include "capsim/scenario.h"
#include "capsim/udp.h"
#include "sim.h"
#include "simutil.h"

#define PROXY_MAX_RULES 256

static void
proxy_usage(FILE *f)
{
	fprintf(f,
	    "usage: capsim proxy --listen ADDR[:PORT] --upstream ADDR[:PORT] "
	    "[OPTIONS]\n"
	    "\n"
	    "A UDP relay that impairs CAPWAP traffic between real endpoints:\n"
	    "APs (or capsim run) send to the listen address, the proxy "
	    "forwards\n"
	    "to the controller (or capsim wlc) and relays the replies back.\n"
	    "Control (PORT, default 5246) and data (PORT+1) are relayed "
	    "both\n"
	    "ways.  Every datagram goes through the same impairment rules as\n"
	    "in capsim run; here the kind is read from the wire only: "
	    "discovery,\n"
	    "DTLS handshake messages by type, DTLS application data, "
	    "alerts,\n"
	    "clear CAPWAP control messages by type, data keep-alives.\n"
	    "\n"
	    "Like a real middlebox the proxy opens one upstream socket per\n"
	    "client (address, port, channel), so the controller sees the "
	    "proxy's\n"
	    "address; that suits a few hundred clients (--max-clients), not "
	    "a\n"
	    "fleet.  APs learn the controller's address from the Discovery\n"
	    "Response: make the controller advertise the proxy (capsim wlc\n"
	    "--advertise PROXY_ADDR, or NAT settings on a real WLC) or have "
	    "the\n"
	    "APs skip discovery, or they will join it directly around the "
	    "proxy.\n"
	    "\n"
	    "Options:\n"
	    "  --listen ADDR[:PORT]    where APs send (default port 5246)\n"
	    "  --upstream ADDR[:PORT]  the controller (default port 5246)\n"
	    "  --upstream-src ADDR     source address toward the controller\n"
	    "                          (default: the listen address)\n"
	    "  --scenario FILE         take the impairments (and their "
	    "timeline:\n"
	    "                          enable/disable, link-down) from a "
	    "scenario\n"
	    "  --rule 'TEXT'           one rule (repeatable), e.g.\n"
	    "                            'dir=down kind=dtls-handshake "
	    "action=drop'\n"
	    "                            'name=lossy action=drop prob=2%%'\n"
	    "                            'kind=client-hello action=delay "
	    "delay=200ms~50ms'\n"
	    "                          keys: name enabled dir chan port kind "
	    "aps\n"
	    "                          share every-ap mac size from until "
	    "first\n"
	    "                          every after action prob burst delay "
	    "copies\n"
	    "                          hold hold-ms bytes offset len mtu pps "
	    "bps\n"
	    "                          down-from down-until "
	    "(capsim/impair.h)\n"
	    "  --seed N                seed for every random choice (default "
	    "1,\n"
	    "                          or the scenario's)\n"
	    "  --duration D            stop after D (30s, 5m); default: until\n"
	    "                          SIGINT/SIGTERM\n"
	    "  --max-clients N         upstream sockets at most (default 512)\n"
	    "  -v, --verbose           print every verdict\n"
	    "\n"
	    "AP numbers in rules (aps=, share=, every-ap=) are the order in "
	    "which\n"
	    "client addresses were first seen, from 0.  Rule times count "
	    "from\n"
	    "the proxy's start.  Per-rule counters are printed at exit.\n"
	    "\n"
	    "Example:  capsim proxy --listen 127.0.0.32 --upstream "
	    "127.0.0.31 \\\n"
	    "              --rule 'dir=down kind=dtls-handshake "
	    "action=drop'\n");
}

struct proxy_run {
	struct event_base *base;
	struct cs_proxy *p;
	struct cs_impair *imp;
	bool verbose;
};

static void
proxy_on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct proxy_run *pr = arg;

	(void)sig;
	(void)what;
	event_base_loopbreak(pr->base);
}

static void
proxy_on_verdict(
    void *ctx, const struct cs_pkt_meta *m, const struct cs_verdict *v)
{
	struct proxy_run *pr = ctx;
	const struct cs_impair_rule *r = NULL;
	char hs[160] = "", src[16], dst[16];
	size_t off = 0;

	if (!pr->verbose)
		return;
	if (v->cls.hs_mask != 0) {
		for (unsigned t = 0; t < 32 && off < sizeof(hs) - 40; t++) {
			const char *n;

			if (!(v->cls.hs_mask & (1u << t)))
				continue;
			n = t == 31 ? "encrypted" : cs_dtls_hs_name((uint8_t)t);
			off += (size_t)snprintf(hs + off, sizeof(hs) - off,
			    "%s%s", off ? "," : "(", n ? n : "?");
		}
		snprintf(hs + off, sizeof(hs) - off, ")");
	} else if (v->cls.msg_type != 0) {
		snprintf(
		    hs, sizeof(hs), "(%s)", cs_msg_type_name(v->cls.msg_type));
	}
	if (v->rule >= 0)
		r = cs_impair_rule_get(pr->imp, (unsigned)v->rule);
	printf("%8llu ms %-4s ap %-3d %s:%u > %s:%u %-7s %s%s%s %zu B -> ",
	    (unsigned long long)m->now_ms, m->dir == CS_DIR_UP ? "up" : "down",
	    m->ap == CS_AP_UNKNOWN ? -1 : (int)m->ap,
	    cs_ipv4_str(m->src_ip, src), m->src_port,
	    cs_ipv4_str(m->dst_ip, dst), m->dst_port,
	    m->chan == CS_CHAN_DATA ? "data" : "control",
	    cs_pkt_kind_name(v->cls.kind), hs,
	    v->cls.is_malformed ? " malformed" : "", m->len);
	switch (v->kind) {
	case CS_VERDICT_DROP:
		printf("DROP (%s, rule %d '%s')\n", v->why, v->rule,
		    r ? r->name : "");
		break;
	case CS_VERDICT_HOLD:
		printf("HOLD (reorder, rule %d '%s')\n", v->rule,
		    r ? r->name : "");
		break;
	case CS_VERDICT_PASS:
		if (v->n_deliver == 1 && v->delay_ms[0] == 0 &&
		    v->pkt == m->pkt && v->len == m->len)
			printf("pass\n");
		else
			printf("pass x%u after %llu ms%s%s\n", v->n_deliver,
			    (unsigned long long)v->delay_ms[0],
			    v->len != m->len ? ", truncated" : "",
			    v->pkt != m->pkt ? ", altered" : "");
		break;
	}
	fflush(stdout);
}

/* A timeline entry of the scenario. */
struct proxy_tl {
	struct proxy_run *pr;
	const struct cs_scn_event *ev;
	int rule; /* engine id for ENABLE/DISABLE */
	struct event *timer;
};

static void
proxy_on_timeline(evutil_socket_t fd, short what, void *arg)
{
	struct proxy_tl *t = arg;

	(void)fd;
	(void)what;
	switch (t->ev->action) {
	case CS_SCN_ACT_ENABLE:
	case CS_SCN_ACT_DISABLE:
		cs_impair_enable(t->pr->imp, (unsigned)t->rule,
		    t->ev->action == CS_SCN_ACT_ENABLE);
		fprintf(stderr, "capsim: proxy: %llu ms: rule '%s' %s\n",
		    (unsigned long long)cs_proxy_now_ms(t->pr->p),
		    cs_impair_rule_get(t->pr->imp, (unsigned)t->rule)->name,
		    t->ev->action == CS_SCN_ACT_ENABLE ? "enabled"
		                                       : "disabled");
		break;
	case CS_SCN_ACT_LINK_DOWN:
		cs_proxy_link_down(
		    t->pr->p, cs_proxy_now_ms(t->pr->p) + t->ev->for_ms);
		fprintf(stderr, "capsim: proxy: link down for %llu ms\n",
		    (unsigned long long)t->ev->for_ms);
		break;
	default:
		break;
	}
}

static void
proxy_print_stats(struct proxy_run *pr)
{
	struct cs_proxy_stats ps;
	unsigned i;

	cs_proxy_stats(pr->p, &ps);
	printf("proxy: up %llu received, %llu sent; down %llu received, %llu "
	       "sent; dropped %llu, held %llu, delayed %llu, link-down %llu, "
	       "send errors %llu; clients %llu (refused %llu)\n",
	    (unsigned long long)ps.up_rx, (unsigned long long)ps.up_tx,
	    (unsigned long long)ps.down_rx, (unsigned long long)ps.down_tx,
	    (unsigned long long)ps.dropped, (unsigned long long)ps.held,
	    (unsigned long long)ps.delayed,
	    (unsigned long long)ps.link_down_dropped,
	    (unsigned long long)ps.send_errors, (unsigned long long)ps.clients,
	    (unsigned long long)ps.clients_refused);
	printf("%-4s %-24s %3s %9s %9s %9s %9s %9s %9s %9s\n", "rule", "name",
	    "on", "matched", "dropped", "delayed", "dup", "corrupt", "trunc",
	    "held");
	for (i = 0; i < cs_impair_count(pr->imp); i++) {
		const struct cs_impair_rule *r = cs_impair_rule_get(pr->imp, i);
		struct cs_impair_stats st;

		cs_impair_rule_stats(pr->imp, i, &st);
		printf("%-4u %-24s %3s %9llu %9llu %9llu %9llu %9llu %9llu "
		       "%9llu\n",
		    i, r->name[0] ? r->name : "-", r->enabled ? "yes" : "no",
		    (unsigned long long)st.matched,
		    (unsigned long long)st.dropped,
		    (unsigned long long)st.delayed,
		    (unsigned long long)st.duplicated,
		    (unsigned long long)st.corrupted,
		    (unsigned long long)st.truncated,
		    (unsigned long long)st.held);
	}
	fflush(stdout);
}

enum {
	O_LISTEN = 256,
	O_UPSTREAM,
	O_UPSTREAM_SRC,
	O_SCENARIO,
	O_RULE,
	O_SEED,
	O_DURATION,
	O_MAX_CLIENTS,
};

static const struct option proxy_longopts[] = {
	{ "listen", required_argument, NULL, O_LISTEN },
	{ "upstream", required_argument, NULL, O_UPSTREAM },
	{ "upstream-src", required_argument, NULL, O_UPSTREAM_SRC },
	{ "scenario", required_argument, NULL, O_SCENARIO },
	{ "rule", required_argument, NULL, O_RULE },
	{ "seed", required_argument, NULL, O_SEED },
	{ "duration", required_argument, NULL, O_DURATION },
	{ "max-clients", required_argument, NULL, O_MAX_CLIENTS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define PROXY_GO (-1) /* a step's "go on" (any other value: exit status) */

/* What the command line asked for. */
struct proxy_opts {
	struct cs_proxy_cfg pc;
	const char *rules[PROXY_MAX_RULES], *scn_path;
	unsigned n_rules;
	uint64_t seed, duration_ms;
	bool has_seed, has_listen, has_up;
};

/* One option: PROXY_GO, -EINVAL for a bad value, or an exit status. */
static int
proxy_option(struct proxy_opts *o, struct proxy_run *pr, int c)
{
	struct cs_proxy_cfg *pc = &o->pc;
	uint64_t v;

	switch (c) {
	case O_LISTEN:
		if (sim_parse_addr_port(
		        optarg, &pc->listen_ip, &pc->listen_port) < 0 ||
		    pc->listen_port == 0 || pc->listen_port == 65535)
			return -EINVAL;
		o->has_listen = true;
		break;
	case O_UPSTREAM:
		if (sim_parse_addr_port(
		        optarg, &pc->upstream_ip, &pc->upstream_port) < 0 ||
		    pc->upstream_port == 0 || pc->upstream_port == 65535)
			return -EINVAL;
		o->has_up = true;
		break;
	case O_UPSTREAM_SRC:
		if (cs_ipv4_parse(optarg, &pc->upstream_src_ip) < 0)
			return -EINVAL;
		break;
	case O_SCENARIO:
		o->scn_path = optarg;
		break;
	case O_RULE:
		if (o->n_rules == PROXY_MAX_RULES) {
			fprintf(stderr, "capsim: proxy: more than %d rules\n",
			    PROXY_MAX_RULES);
			return SIM_EXIT_USAGE;
		}
		o->rules[o->n_rules++] = optarg;
		break;
	case O_SEED:
		if (sim_parse_uint(optarg, 0, UINT64_MAX, &o->seed) < 0)
			return -EINVAL;
		o->has_seed = true;
		break;
	case O_DURATION:
		if (sim_parse_duration_ms(optarg, &o->duration_ms) < 0 ||
		    o->duration_ms == 0)
			return -EINVAL;
		break;
	case O_MAX_CLIENTS:
		if (sim_parse_uint(optarg, 1, 65536, &v) < 0)
			return -EINVAL;
		pc->max_clients = (unsigned)v;
		break;
	case 'v':
		pr->verbose = true;
		sim_log_verbose.max_level = CS_LOG_INFO;
		break;
	case 'h':
		proxy_usage(stdout);
		return SIM_EXIT_OK;
	default:
		proxy_usage(stderr);
		return SIM_EXIT_USAGE;
	}
	return PROXY_GO;
}

/* The command line: PROXY_GO or an exit status. */
static int
proxy_options(struct proxy_opts *o, struct proxy_run *pr, int argc, char **argv)
{
	int c, r;

	optind = 1;
	while (
	    (c = getopt_long(argc, argv, "vh", proxy_longopts, NULL)) != -1) {
		if ((r = proxy_option(o, pr, c)) == -EINVAL) {
			fprintf(stderr,
			    "capsim: proxy: invalid value '%s' for --%s\n",
			    optarg, proxy_longopts[c - O_LISTEN].name);
			return SIM_EXIT_USAGE;
		}
		if (r != PROXY_GO)
			return r;
	}
	if (optind < argc) {
		fprintf(stderr, "capsim: proxy: unexpected argument '%s'\n",
		    argv[optind]);
		return SIM_EXIT_USAGE;
	}
	if (!o->has_listen || !o->has_up) {
		fprintf(stderr,
		    "capsim: proxy: --listen and --upstream are required "
		    "(see capsim proxy --help)\n");
		return SIM_EXIT_USAGE;
	}
	return PROXY_GO;
}

/* The impairment engine with the scenario's rules, then the --rule ones:
 * PROXY_GO or an exit status. */
static int
proxy_rules(const struct proxy_opts *o, struct proxy_run *pr,
    const struct cs_scenario *scn)
{
	struct cs_err err = { 0 };
	int r;

	if (cs_impair_new(&pr->imp, o->seed) < 0)
		return SIM_EXIT_RUNTIME;
	for (size_t i = 0; scn != NULL && i < scn->n_impairments; i++) {
		if ((r = cs_impair_add(
		         pr->imp, &scn->impairments[i].rule, NULL)) < 0) {
			fprintf(stderr,
			    "capsim: proxy: %s:%u: impairment '%s': %s\n",
			    o->scn_path, scn->impairments[i].line,
			    scn->impairments[i].rule.name,
			    r == -EEXIST ? "name used twice"
			                 : "rejected by the engine");
			return SIM_EXIT_USAGE;
		}
	}
	for (unsigned i = 0; i < o->n_rules; i++) {
		struct cs_impair_rule rule;

		if (cs_impair_rule_parse(o->rules[i], &rule, &err) < 0) {
			fprintf(stderr,
			    "capsim: proxy: --rule '%s': at column %zu: %s\n",
			    o->rules[i], err.offset + 1, err.what);
			return SIM_EXIT_USAGE;
		}
		if ((r = cs_impair_add(pr->imp, &rule, NULL)) < 0) {
			fprintf(stderr, "capsim: proxy: --rule '%s': %s\n",
			    o->rules[i],
			    r == -EEXIST ? "name already used"
			                 : "invalid combination of values");
			return SIM_EXIT_USAGE;
		}
	}
	if (scn != NULL && scn->nat.enabled)
		fprintf(stderr,
		    "capsim: proxy: note: the scenario's nat section is not "
		    "emulated by the proxy\n");
	return PROXY_GO;
}

/* A timer per timeline event the proxy can act on (rules on and off,
 * link down); the others are named and ignored.  NULL without events;
 * -ENOMEM. */
static int
proxy_timeline(struct proxy_run *pr, const struct cs_scenario *scn,
    const char *scn_path, struct proxy_tl **out)
{
	struct proxy_tl *tl;

	*out = NULL;
	if (scn == NULL || scn->n_timeline == 0)
		return 0;
	if ((tl = calloc(scn->n_timeline, sizeof(*tl))) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < scn->n_timeline; i++) {
		const struct cs_scn_event *ev = &scn->timeline[i];
		struct timeval tv = { (time_t)(ev->at_ms / 1000),
			(suseconds_t)(ev->at_ms % 1000) * 1000 };

		tl[i].pr = pr;
		tl[i].ev = ev;
		if (ev->action == CS_SCN_ACT_ENABLE ||
		    ev->action == CS_SCN_ACT_DISABLE) {
			tl[i].rule = cs_impair_find(pr->imp,
			    scn->impairments[ev->rule_index].rule.name);
			if (tl[i].rule < 0)
				continue;
		} else if (ev->action != CS_SCN_ACT_LINK_DOWN) {
			fprintf(stderr,
			    "capsim: proxy: note: %s:%u: this timeline "
			    "action needs capsim run; ignored\n",
			    scn_path, ev->line);
			continue;
		}
		tl[i].timer = evtimer_new(pr->base, proxy_on_timeline, &tl[i]);
		if (tl[i].timer != NULL)
			evtimer_add(tl[i].timer, &tv);
	}
	*out = tl;
	return 0;
}

int
sim_cmd_proxy(int argc, char **argv)
{
	struct proxy_opts o = { 0 };
	struct cs_proxy_cfg *pc = &o.pc;
	struct proxy_run pr = { 0 };
	struct cs_scenario *scn = NULL;
	struct proxy_tl *tl = NULL;
	struct event *sigs[2] = { NULL, NULL }, *stop = NULL;
	struct cs_err err = { 0 };
	char a1[16], a2[16];
	int r, rc = SIM_EXIT_RUNTIME;

	pc->listen_port = 5246;
	pc->upstream_port = 5246;
	o.seed = 1;
	if ((r = proxy_options(&o, &pr, argc, argv)) != PROXY_GO)
		return r;
	if (o.scn_path != NULL) {
		if ((r = cs_scenario_load(&scn, o.scn_path, &err)) < 0) {
			fprintf(stderr, "capsim: proxy: %s\n",
			    err.what ? err.what : strerror(-r));
			return r == -EINVAL ? SIM_EXIT_USAGE : SIM_EXIT_RUNTIME;
		}
		if (!o.has_seed)
			o.seed = scn->seed;
	}
	if ((rc = proxy_rules(&o, &pr, scn)) != PROXY_GO)
		goto out;
	rc = SIM_EXIT_RUNTIME;
	if ((pr.base = event_base_new()) == NULL)
		goto out;
	pc->imp = pr.imp;
	pc->log = sim_log_verbose;
	pc->on_verdict = proxy_on_verdict;
	pc->ctx = &pr;
	if ((r = cs_proxy_new(&pr.p, pr.base, pc)) < 0) {
		fprintf(stderr,
		    "capsim: proxy: cannot listen on %s:%u/%u: %s\n",
		    cs_ipv4_str(pc->listen_ip, a1), pc->listen_port,
		    pc->listen_port + 1, strerror(-r));
		goto out;
	}
	if (proxy_timeline(&pr, scn, o.scn_path, &tl) < 0)
		goto out;
	sigs[0] = evsignal_new(pr.base, SIGINT, proxy_on_signal, &pr);
	sigs[1] = evsignal_new(pr.base, SIGTERM, proxy_on_signal, &pr);
	for (int k = 0; k < 2; k++)
		if (sigs[k] != NULL)
			evsignal_add(sigs[k], NULL);
	if (o.duration_ms > 0) {
		struct timeval tv = { (time_t)(o.duration_ms / 1000),
			(suseconds_t)(o.duration_ms % 1000) * 1000 };

		stop = evtimer_new(pr.base, proxy_on_signal, &pr);
		if (stop != NULL)
			evtimer_add(stop, &tv);
	}
	fprintf(stderr,
	    "capsim: proxy: listening on %s:%u (control) and :%u (data), "
	    "relaying to %s:%u/%u with %u rule(s), seed %llu\n",
	    cs_ipv4_str(pc->listen_ip, a1), pc->listen_port,
	    pc->listen_port + 1, cs_ipv4_str(pc->upstream_ip, a2),
	    pc->upstream_port, pc->upstream_port + 1, cs_impair_count(pr.imp),
	    (unsigned long long)o.seed);
	event_base_dispatch(pr.base);
	fprintf(stderr, "capsim: proxy: stopping\n");
	proxy_print_stats(&pr);
	rc = SIM_EXIT_OK;
out:
	if (stop != NULL)
		event_free(stop);
	for (int k = 0; k < 2; k++)
		if (sigs[k] != NULL)
			event_free(sigs[k]);
	for (size_t i = 0; tl != NULL && i < scn->n_timeline; i++)
		if (tl[i].timer != NULL)
			event_free(tl[i].timer);
	free(tl);
	cs_proxy_free(pr.p);
	if (pr.base != NULL)
		event_base_free(pr.base);
	cs_impair_free(pr.imp);
	cs_scenario_free(scn);
	return rc;
}
