/* SPDX-License-Identifier: MIT */
/*
 * `capsim wlc`: the mock WLC (CAPWAP AC) on UDP 5246/5247 until SIGINT or
 * SIGTERM.  SIGUSR1 prints the join statistics; they are printed at exit
 * too.
 */
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capsim/capture.h"
#include "capsim/dtls.h"
#include "capsim/engine.h"
#include "capsim/metrics_http.h"
#include "capsim/pki.h"
#include "capsim/prom.h"
#include "capsim/udp.h"
#include "capsim/values.h"
#include "capsim/wlc_clients.h"
#include "image_opts.h"
#include "run_clients.h"
#include "sim.h"
#include "simutil.h"
#include "wlc_timeline.h"

static void
wlc_usage(FILE *f)
{
	fprintf(f,
	    "usage: capsim wlc [OPTIONS]\n"
	    "\n"
	    "Runs the mock WLC: a CAPWAP access controller (RFC 5415 AC) that\n"
	    "answers Discovery Requests, accepts DTLS (with cookie exchange),\n"
	    "validates Join Requests, configures the APs and keeps them in "
	    "Run\n"
	    "with echoes and data-channel keep-alives.  It logs in controller\n"
	    "vocabulary (Dtls-Handshake, Join, Config ...).  Runs until "
	    "SIGINT\n"
	    "or SIGTERM; SIGUSR1 prints the join statistics per AP and phase;\n"
	    "SIGHUP restarts the controller (every AP loses its session).\n"
	    "\n"
	    "Options:\n"
	    "  --listen ADDR[:PORT]   control address (default "
	    "127.0.0.1:5246;\n"
	    "                         data channel on PORT+1)\n"
	    "  --advertise ADDR       address put in Control IPv4 Address (a "
	    "WLC\n"
	    "                         behind NAT advertises its public one)\n"
	    "  --name NAME            AC Name (default capsim-wlc)\n"
	    "  --max-wtps N           capacity; joins beyond get result code "
	    "4\n"
	    "                         (default 1000000, the embedded WLC's "
	    "too)\n"
	    "  --max-handshake-rate R DTLS handshakes taken on per second at\n"
	    "                         most (default 0: no limit); a "
	    "controller\n"
	    "                         with a known knee for capsim capacity\n"
	    "  --no-overload-gate     take on every handshake even when the\n"
	    "                         loop runs late (default: admit at a\n"
	    "                         limited rate, defer, then shed, as a\n"
	    "                         controller's CoPP; counted in stats)\n"
	    "  --sw-version V         software version / Image Identifier "
	    "(17.9.4)\n"
	    "  --image-size SIZE      image served to APs that download "
	    "(64k)\n"
	    "  --image FILE           serve this file as the image instead\n"
	    "  --image-max-downloads N  downloads at once (100, a 9800's per\n"
	    "                         WNCd; 0 no limit); others wait\n"
	    "  --image-starts-per-min N  download starts in any minute (16,\n"
	    "                         a 9800's batches; 0 no limit)\n"
	    "  --echo-interval D      EchoInterval sent in CAPWAP Timers "
	    "(30s)\n"
	    "  --discovery-interval D MaxDiscoveryInterval sent (20s)\n"
	    "  --wait-join DURATION   WaitJoin (60s)\n"
	    "  --auth-list FILE       only these AP MACs may join (one per "
	    "line)\n"
	    "  --data-dtls off|optional|required   DTLS on the data channel "
	    "as the\n"
	    "                         AC Descriptor's DTLS Policy offers it "
	    "(RFC 5415\n"
	    "                         4.6.1): clear only, both, or DTLS only "
	    "(off)\n"
	    "PKI (default: the lab PKI in $CAPSIM_PKI or\n"
	    "~/.local/share/capsim/pki, created on first use):\n"
	    "  --pki DIR              lab PKI directory (ca.pem, ca-key.pem)\n"
	    "  --cert FILE --key FILE this WLC's certificate (chain) and key\n"
	    "  --ca FILE              CA bundle that verifies AP certificates\n"
	    "  --no-verify-aps        accept any AP certificate (says so)\n"
	    "DTLS:\n"
	    "  --dtls-version 1.2|1.0|any   (default 1.2)\n"
	    "  --ciphers LIST|legacy  OpenSSL cipher list (default the 9800 "
	    "set;\n"
	    "                         legacy adds RFC 5415's DHE-RSA and "
	    "AES-256 suites)\n"
	    "  --dtls-psk HEX|@FILE   pre-shared keys (RFC 5415 2.4.4.2) "
	    "beside the\n"
	    "                         certificate: one key, or FILE of "
	    "\"IDENTITY HEX\"\n"
	    "                         lines (identity = the AP's MAC)\n"
	    "  --mtu BYTES            largest DTLS datagram incl. preamble "
	    "(1400)\n"
	    "Misbehaviour:\n"
	    "  --reject-share F       reject this share (0..1) of joins ... "
	    "(0)\n"
	    "  --reject-code N        ... with this result code (default 3)\n"
	    "  --delay DURATION       delay every response (0: none)\n"
	    "  --drop-msg TYPE        never answer this request type (number)\n"
	    "  --mute                 answer nothing at all\n"
	    "  --cisco                behave like a Cisco AireOS/9800 "
	    "controller: refuse\n"
	    "                         RFC-only APs (no Cisco vendor payloads, "
	    "no Maximum\n"
	    "                         Message Length, RFC WTP Descriptor, "
	    "radios from 1)\n"
	    "                         with a reason; answer with AP Time Sync "
	    "and MWAR Type\n"
	    "Other:\n"
	    "  --seed N               seed for random choices (1)\n"
	    "  --workers N            threads, each a shard of the "
	    "controller on a\n"
	    "                         SO_REUSEPORT group steered by AP "
	    "address; the\n"
	    "                         capacity is split between them "
	    "(default 1)\n"
	    "  --metrics-listen ADDR:PORT   Prometheus text at /metrics "
	    "(docs/metrics.md)\n"
	    "  --pcap FILE            write what the controller received and "
	    "sent\n"
	    "                         (pcapng, DTLS keys in a Decryption "
	    "Secrets\n"
	    "                         Block; complete on SIGINT/SIGTERM): the "
	    "peer\n"
	    "                         of an AP-side capture for `capsim "
	    "analyze\n"
	    "                         AP.pcapng --peer FILE`\n"
	    "  --timeline FILE        run the timeline: of a scenario file "
	    "from the\n"
	    "                         start: wlc-request (Configuration "
	    "Update,\n"
	    "                         Reset, Clear Configuration, Data "
	    "Transfer to\n"
	    "                         the APs in Run, or to: {macs: [...]}), "
	    "wlc-\n"
	    "                         misbehave, wlc-restart (default: none)\n"
	    "  --timeline-after N     start the timeline when N WTPs have "
	    "joined\n"
	    "                         (default 0: when the WLC starts)\n"
	    "  -v, --verbose          log every join step\n"
	    "\n");
	fputs(sim_clients_usage_wlc, f);
	fprintf(f,
	    "\n"
	    "Example:  capsim wlc --listen 127.0.0.1 --max-wtps 500\n");
}

struct wlc_run {
	struct event_base *base;
	struct cs_engine *e;
	struct cs_wlc_counters wc;
	struct cs_report_resources res;
	unsigned joined;
	struct cs_engine_health h;
	struct cs_prom_health health;
};

/* /metrics: the WLC's counters and capsim's own health */
static int
wlc_prom_fill(void *ctx, struct cs_prom_snapshot *snap)
{
	struct wlc_run *w = ctx;

	if (cs_engine_wlc_counters(w->e, &w->wc) < 0)
		return -EIO;
	w->joined = cs_engine_wlc_active_wtps(w->e);
	snap->wlc = &w->wc;
	snap->wlc_joined = w->joined;
	snap->uptime_s = (double)cs_engine_now_ms(w->e) / 1000.0;
	snap->lateness = cs_engine_timer_lateness(w->e);
	if (cs_report_resources_get(&w->res) == 0)
		snap->res = &w->res;
	if (sim_prom_health(w->e, false, &w->h, &w->health) == 0)
		snap->health = &w->health;
	return 0;
}

static void
wlc_prom_release(void *ctx, struct cs_prom_snapshot *snap)
{
	struct wlc_run *w = ctx;

	if (snap->health != NULL)
		cs_engine_health_free(&w->h);
}

/* The split-MAC clients of a shard, in the controller's vocabulary. */
static void
wlc_clients_line(const struct cs_wlc_clients *c)
{
	struct cs_wlc_clients_stats st;

	if (c == NULL)
		return;
	cs_wlc_clients_stats(c, &st);
	printf("clients: %llu authenticated, %llu associated, %llu L2 auth, "
	       "%llu IP learn, %llu run; %llu associations (%llu refused: "
	       "full), DHCP %llu relayed / %llu acked, ARP %llu, echo %llu, "
	       "L2 auth %llu done / %llu wrong-psk, %llu frames dropped\n",
	    (unsigned long long)st.per_state[CS_WLC_CL_AUTH],
	    (unsigned long long)st.per_state[CS_WLC_CL_ASSOC],
	    (unsigned long long)st.per_state[CS_WLC_CL_L2AUTH],
	    (unsigned long long)st.per_state[CS_WLC_CL_IP_LEARN],
	    (unsigned long long)st.per_state[CS_WLC_CL_RUN],
	    (unsigned long long)st.assocs,
	    (unsigned long long)st.assoc_refused_full,
	    (unsigned long long)st.dhcp_relayed, (unsigned long long)st.acks,
	    (unsigned long long)st.arp_answered,
	    (unsigned long long)st.echo_answered,
	    (unsigned long long)st.l2auth_done,
	    (unsigned long long)st.l2auth_failed[CS_WPA_FAIL_WRONG_PSK],
	    (unsigned long long)st.frames_dropped);
}

static void
wlc_stats_shard(void *arg, struct cs_engine *e, unsigned k)
{
	char *text = NULL;

	(void)arg;
	if (cs_engine_workers(e) > 1)
		printf("shard %u (worker %u):\n", k, k);
	if (cs_wlc_stats_summary(cs_engine_wlc_shard(e, k), &text) == 0)
		fputs(text, stdout);
	free(text);
	wlc_clients_line(cs_wlc_clients_of(cs_engine_wlc_shard(e, k)));
}

/* The controller's admission of new handshakes: its overload gate and
 * its service rate (issue 12). */
static void
wlc_print_admission(struct cs_engine *e)
{
	struct cs_engine_health h;

	if (cs_engine_health(e, &h) < 0)
		return;
	printf("handshake admission: overload gate %s: %llu admitted, "
	       "%llu deferred, %llu shed, rate halved %llu times (now %s",
	    e != NULL && cs_engine_cfg_wlc_gate(e) ? "on" : "off",
	    (unsigned long long)h.wlc_gate_admitted,
	    (unsigned long long)h.wlc_gate_deferred,
	    (unsigned long long)h.wlc_gate_shed,
	    (unsigned long long)h.wlc_gate_cuts,
	    h.wlc_gate_rate > 0 ? "" : "open");
	if (h.wlc_gate_rate > 0)
		printf("%.0f/s", h.wlc_gate_rate);
	printf("); service rate: %llu deferred, %llu lost (queue full)\n",
	    (unsigned long long)h.wlc_hs_deferred,
	    (unsigned long long)h.wlc_hs_overflow);
	cs_engine_health_free(&h);
}

/* Image downloads through the controller's gate (RFC 5415 §9.1), shown
 * once there were any. */
static void
wlc_print_images(struct cs_engine *e)
{
	struct cs_wlc_counters wc;

	if (cs_engine_wlc_counters(e, &wc) < 0 ||
	    wc.images_queued + wc.images_started == 0)
		return;
	printf("image downloads: %llu accepted, %llu started, %llu served, "
	       "%llu failed; at most %llu at once and %llu waiting (per "
	       "shard, summed over %u)\n",
	    (unsigned long long)wc.images_queued,
	    (unsigned long long)wc.images_started,
	    (unsigned long long)wc.images_served,
	    (unsigned long long)wc.images_failed,
	    (unsigned long long)wc.image_active_max,
	    (unsigned long long)wc.image_waiting_max, cs_engine_workers(e));
}

static void
wlc_print_stats(struct cs_engine *e)
{
	struct cs_engine_health h;
	struct cs_wlc_counters wc;

	for (unsigned k = 0; k < cs_engine_workers(e); k++)
		cs_engine_with_worker(e, k, wlc_stats_shard, NULL);
	wlc_print_admission(e);
	wlc_print_images(e);
	/* data channel DTLS (RFC 5415 §4.6.1 D), shown once there was any */
	if (cs_engine_wlc_counters(e, &wc) == 0 &&
	    wc.data_dtls_ok + wc.data_dtls_failed + wc.data_clear_refused +
	            wc.data_dtls_refused >
	        0)
		printf("data DTLS: %llu sessions (%llu resumed the control "
		       "session), %llu failed; %llu keep-alives inside DTLS; "
		       "%llu clear data packets refused (DTLS required), %llu "
		       "DTLS datagrams refused (data DTLS off)\n",
		    (unsigned long long)wc.data_dtls_ok,
		    (unsigned long long)wc.data_dtls_resumed,
		    (unsigned long long)wc.data_dtls_failed,
		    (unsigned long long)wc.keepalive_dtls,
		    (unsigned long long)wc.data_clear_refused,
		    (unsigned long long)wc.data_dtls_refused);
	/* CAPWAP fragments (RFC 5415 §3.4), shown once there were any */
	if (cs_engine_health(e, &h) == 0) {
		if (h.frag_msgs_split + h.frag_rcvd > 0)
			printf("CAPWAP fragments: %llu messages sent in %llu "
			       "fragments; %llu fragments received, %llu "
			       "messages reassembled, %llu sets dropped (%llu "
			       "by the per-AP cap), %llu fragments refused by "
			       "the total cap\n",
			    (unsigned long long)h.frag_msgs_split,
			    (unsigned long long)h.frag_sent,
			    (unsigned long long)h.frag_rcvd,
			    (unsigned long long)h.frag_reassembled,
			    (unsigned long long)h.frag_sets_dropped,
			    (unsigned long long)h.frag_peer_evicted,
			    (unsigned long long)h.frag_cap_drops);
		cs_engine_health_free(&h);
	}
	fflush(stdout);
}

static void
wlc_restart_shard(void *arg, struct cs_engine *e, unsigned k)
{
	(void)arg;
	cs_wlc_restart(cs_engine_wlc_shard(e, k), cs_engine_now_ms(e));
}

static void
wlc_on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct wlc_run *w = arg;

	(void)what;
	if (sig == SIGUSR1) {
		wlc_print_stats(w->e);
		return;
	}
	if (sig == SIGHUP) {
		/* a controller reload: every AP loses its session */
		fprintf(stderr,
		    "capsim: wlc: restart (SIGHUP): dropping all "
		    "sessions\n");
		for (unsigned k = 0; k < cs_engine_workers(w->e); k++)
			cs_engine_with_worker(w->e, k, wlc_restart_shard, NULL);
		return;
	}
	event_base_loopbreak(w->base);
}

static void
wlc_keylog(void *ctx, const char *line)
{
	cs_capture_keylog(ctx, line);
}

/* Reads the whole `--auth-list` file and parses it (cs_wlc_auth_parse). */
static int
wlc_load_auth(const char *path, uint8_t (**macs)[6], size_t *n)
{
	FILE *f = fopen(path, "r");
	struct cs_wlc_auth_err ae;
	char *text = NULL, *nt;
	size_t len = 0, cap = 0, got;
	int r;

	if (f == NULL) {
		r = -errno;
		fprintf(stderr, "capsim: wlc: %s: %s\n", path, strerror(-r));
		return r;
	}
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((nt = realloc(text, cap)) == NULL) {
				free(text);
				fclose(f);
				return -ENOMEM;
			}
			text = nt;
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		fprintf(stderr, "capsim: wlc: %s: read error\n", path);
		free(text);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	r = cs_wlc_auth_parse(text, len, macs, n, &ae);
	if (r == -EINVAL)
		fprintf(stderr, "capsim: wlc: %s:%zu: %.*s: %s\n", path,
		    ae.line, (int)ae.len, text + ae.at, ae.why);
	free(text);
	return r;
}

enum {
	O_LISTEN = 256,
	O_ADVERTISE,
	O_NAME,
	O_MAX_WTPS,
	O_HS_RATE,
	O_SW,
	O_IMAGE, /* then the three below: sim_image_opt order */
	O_IMAGE_FILE,
	O_IMAGE_MAX,
	O_IMAGE_RATE,
	O_ECHO,
	O_DISC,
	O_WAIT_JOIN,
	O_AUTH,
	O_PKI,
	O_CERT,
	O_KEY,
	O_CA,
	O_NO_VERIFY,
	O_VERSION,
	O_CIPHERS,
	O_MTU,
	O_REJECT_SHARE,
	O_REJECT_CODE,
	O_DELAY,
	O_DROP,
	O_MUTE,
	O_SEED,
	O_CISCO,
	O_WORKERS,
	O_METRICS_LISTEN,
	O_PCAP,
	O_NO_GATE,
	O_DATA_DTLS,
	O_DTLS_PSK,
	O_TIMELINE,
	O_TIMELINE_AFTER,
	O_CLIENTS, /* SIM_CLIENTS_N of them */
};

static const struct option wlc_longopts[] = {
	{ "listen", required_argument, NULL, O_LISTEN },
	{ "advertise", required_argument, NULL, O_ADVERTISE },
	{ "name", required_argument, NULL, O_NAME },
	{ "max-wtps", required_argument, NULL, O_MAX_WTPS },
	{ "max-handshake-rate", required_argument, NULL, O_HS_RATE },
	{ "sw-version", required_argument, NULL, O_SW },
	{ "image-size", required_argument, NULL, O_IMAGE },
	{ "image", required_argument, NULL, O_IMAGE_FILE },
	{ "image-max-downloads", required_argument, NULL, O_IMAGE_MAX },
	{ "image-starts-per-min", required_argument, NULL, O_IMAGE_RATE },
	{ "echo-interval", required_argument, NULL, O_ECHO },
	{ "discovery-interval", required_argument, NULL, O_DISC },
	{ "wait-join", required_argument, NULL, O_WAIT_JOIN },
	{ "auth-list", required_argument, NULL, O_AUTH },
	{ "pki", required_argument, NULL, O_PKI },
	{ "cert", required_argument, NULL, O_CERT },
	{ "key", required_argument, NULL, O_KEY },
	{ "ca", required_argument, NULL, O_CA },
	{ "no-verify-aps", no_argument, NULL, O_NO_VERIFY },
	{ "dtls-version", required_argument, NULL, O_VERSION },
	{ "ciphers", required_argument, NULL, O_CIPHERS },
	{ "mtu", required_argument, NULL, O_MTU },
	{ "reject-share", required_argument, NULL, O_REJECT_SHARE },
	{ "reject-code", required_argument, NULL, O_REJECT_CODE },
	{ "delay", required_argument, NULL, O_DELAY },
	{ "drop-msg", required_argument, NULL, O_DROP },
	{ "mute", no_argument, NULL, O_MUTE },
	{ "seed", required_argument, NULL, O_SEED },
	{ "cisco", no_argument, NULL, O_CISCO },
	{ "workers", required_argument, NULL, O_WORKERS },
	{ "metrics-listen", required_argument, NULL, O_METRICS_LISTEN },
	{ "pcap", required_argument, NULL, O_PCAP },
	{ "no-overload-gate", no_argument, NULL, O_NO_GATE },
	{ "data-dtls", required_argument, NULL, O_DATA_DTLS },
	{ "dtls-psk", required_argument, NULL, O_DTLS_PSK },
	{ "timeline", required_argument, NULL, O_TIMELINE },
	{ "timeline-after", required_argument, NULL, O_TIMELINE_AFTER },
	SIM_CLIENTS_OPTIONS(O_CLIENTS),
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define WLC_GO (-1) /* a step's "go on" (any other value: exit status) */

/* What the command line asked for, and what it holds while it runs. */
struct wlc_cmd {
	struct cs_engine_cfg ec;
	struct cs_dtls_cfg dc;
	const char *listen, *pcap, *cert, *key, *ca, *auth_file, *timeline;
	struct sim_wlc_tl tl;
	unsigned timeline_after;
	char *image_buf; /* its bytes, owned */
	char pkidir[4096];
	uint16_t port;
	struct cs_dtls_ctx *dctx;
	struct cs_pki *pki;
	struct cs_cred *cred;
	struct cs_capture *cap;
	struct cs_metrics_http *http;
	struct event *sigs[4];
	uint8_t (*auth)[6];
	struct sim_clients cl;      /* the WLAN, client subnet and DHCP relay */
	struct cs_dtls_psk_set psk; /* --dtls-psk, owned */
};

/* A client option (sim/run_clients.h): WLC_GO or an exit status. */
static int
wlc_client_option(struct wlc_cmd *o, int c)
{
	int k = c - O_CLIENTS;

	/* the stations' own options are `capsim run`'s */
	if (k == 0 || k == 3 || k == 4 || k == 5) {
		fprintf(stderr,
		    "capsim: wlc: --%s is an option of capsim run (the APs' "
		    "clients)\n",
		    wlc_longopts[c - O_LISTEN].name);
		return SIM_EXIT_USAGE;
	}
	return sim_clients_opt(&o->cl, k, optarg) < 0 ? SIM_EXIT_USAGE : WLC_GO;
}

/* --timeline FILE, --timeline-after N: WLC_GO or -EINVAL. */
static int
wlc_timeline_option(struct wlc_cmd *o, int c)
{
	uint64_t v;

	if (c == O_TIMELINE) {
		o->timeline = optarg;
		return WLC_GO;
	}
	if (sim_parse_uint(optarg, 0, 10000000, &v) < 0)
		return -EINVAL;
	o->timeline_after = (unsigned)v;
	return WLC_GO;
}

/* One option: WLC_GO, -EINVAL for a bad value, or an exit status. */
/* --dtls-psk: WLC_GO or an exit status. */
static int
wlc_psk_option(struct wlc_cmd *o)
{
	if (sim_psk_opt("wlc", optarg, &o->psk) < 0)
		return SIM_EXIT_USAGE;
	o->dc.psk = o->psk.v;
	o->dc.n_psk = o->psk.n;
	o->ec.wlc.security_psk = true; /* AC Descriptor S flag (§4.6.1) */
	return WLC_GO;
}

static int
wlc_option(struct wlc_cmd *o, int c)
{
	uint64_t v;
	double share;

	if (c >= O_IMAGE && c <= O_IMAGE_RATE)
		return sim_image_opt("wlc", &o->ec.wlc, &o->image_buf,
		           (enum sim_image_opt)(c - O_IMAGE), optarg) < 0
		    ? -EINVAL
		    : WLC_GO;
	if (c >= O_CLIENTS && c < O_CLIENTS + SIM_CLIENTS_N)
		return wlc_client_option(o, c);
	if (c == O_DTLS_PSK) /* its own message: the value is a secret */
		return wlc_psk_option(o);
	if (c == O_TIMELINE || c == O_TIMELINE_AFTER)
		return wlc_timeline_option(o, c);
	switch (c) {
	case O_LISTEN:
		if (sim_parse_addr_port(
		        optarg, &o->ec.wlc.listen_ip, &o->port) < 0)
			return -EINVAL;
		break;
	case O_ADVERTISE:
		if (cs_ipv4_parse(optarg, &o->ec.wlc.advertise_ip) < 0)
			return -EINVAL;
		break;
	case O_NAME:
		o->ec.wlc.ac_name = optarg;
		break;
	case O_MAX_WTPS:
		if (sim_parse_uint(optarg, 0, 10000000, &v) < 0)
			return -EINVAL;
		o->ec.wlc.max_wtps = (uint32_t)v;
		break;
	case O_HS_RATE:
		if (sim_parse_uint(optarg, 0, 1000000, &v) < 0)
			return -EINVAL;
		o->ec.wlc_max_hs_rate = (double)v;
		break;
	case O_NO_GATE:
		o->ec.wlc_gate = false;
		break;
	case O_SW:
		o->ec.wlc.sw_version = optarg;
		break;
	case O_ECHO:
		if (sim_parse_duration_s(optarg, 1, 255, &v) < 0)
			return -EINVAL;
		o->ec.wlc.echo_interval_s = (uint8_t)v;
		break;
	case O_DISC:
		if (sim_parse_duration_s(optarg, 2, 180, &v) < 0)
			return -EINVAL;
		o->ec.wlc.discovery_interval_s = (uint8_t)v;
		break;
	case O_WAIT_JOIN:
		if (sim_parse_duration_ms(optarg, &v) < 0 || v == 0 ||
		    v > UINT32_MAX)
			return -EINVAL;
		o->ec.wlc.wait_join_ms = (uint32_t)v;
		break;
	case O_AUTH:
		o->auth_file = optarg;
		break;
	case O_PKI:
		snprintf(o->pkidir, sizeof(o->pkidir), "%s", optarg);
		break;
	case O_CERT:
		o->cert = optarg;
		break;
	case O_KEY:
		o->key = optarg;
		break;
	case O_CA:
		o->ca = optarg;
		break;
	case O_NO_VERIFY:
		o->dc.no_verify = true;
		break;
	case O_VERSION:
		if (sim_parse_dtls_version(optarg, &o->dc.version) < 0)
			return -EINVAL;
		break;
	case O_CIPHERS:
		o->dc.ciphers = sim_ciphers_opt(optarg);
		break;
	case O_MTU:
		if (sim_parse_uint(optarg, CS_DTLS_MIN_MTU, 65000, &v) < 0)
			return -EINVAL;
		o->dc.mtu = (unsigned)v;
		break;
	case O_REJECT_SHARE:
		if (sim_parse_number(optarg, 0, 1, &share) < 0)
			return -EINVAL;
		o->ec.wlc.misbehave.reject_share = share;
		break;
	case O_REJECT_CODE:
		if (sim_parse_uint(optarg, 1, 22, &v) < 0)
			return -EINVAL;
		o->ec.wlc.misbehave.reject_code = (uint32_t)v;
		break;
	case O_DELAY:
		if (sim_parse_duration_ms(optarg, &v) < 0 || v > UINT32_MAX)
			return -EINVAL;
		o->ec.wlc.misbehave.delay_ms = (uint32_t)v;
		break;
	case O_DROP:
		if (sim_parse_uint(optarg, 1, UINT32_MAX, &v) < 0)
			return -EINVAL;
		o->ec.wlc.misbehave.drop_msg_type = (uint32_t)v;
		break;
	case O_MUTE:
		o->ec.wlc.misbehave.mute = true;
		break;
	case O_CISCO:
		o->ec.wlc.cisco = true;
		break;
	case O_DATA_DTLS:
		if (cs_data_dtls_parse(optarg, &o->ec.wlc.data_dtls) < 0)
			return -EINVAL;
		break;
	case O_METRICS_LISTEN:
		o->listen = optarg;
		break;
	case O_PCAP:
		o->pcap = optarg;
		break;
	case O_WORKERS:
		if (sim_parse_uint(optarg, 1, CS_ENGINE_MAX_WORKERS, &v) < 0)
			return -EINVAL;
		o->ec.workers = (unsigned)v;
		break;
	case O_SEED:
		if (sim_parse_uint(optarg, 0, UINT64_MAX, &o->ec.seed) < 0)
			return -EINVAL;
		break;
	case 'v':
		sim_log_verbose.max_level = CS_LOG_INFO;
		break;
	case 'h':
		wlc_usage(stdout);
		return SIM_EXIT_OK;
	default:
		wlc_usage(stderr);
		return SIM_EXIT_USAGE;
	}
	return WLC_GO;
}

/* The command line and the auth list: WLC_GO or an exit status. */
static int
wlc_options(struct wlc_cmd *o, int argc, char **argv)
{
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", wlc_longopts, NULL)) != -1) {
		if ((r = wlc_option(o, c)) == -EINVAL) {
			fprintf(stderr,
			    "capsim: wlc: invalid value '%s' for --%s\n",
			    optarg, wlc_longopts[c - O_LISTEN].name);
			return SIM_EXIT_USAGE;
		}
		if (r != WLC_GO)
			return r;
	}
	if (optind < argc) {
		fprintf(stderr, "capsim: wlc: unexpected argument '%s'\n",
		    argv[optind]);
		return SIM_EXIT_USAGE;
	}
	if ((o->cert == NULL) != (o->key == NULL)) {
		fprintf(stderr, "capsim: wlc: --cert and --key go together\n");
		return SIM_EXIT_USAGE;
	}
	if (o->auth_file != NULL) {
		if (wlc_load_auth(
		        o->auth_file, &o->auth, &o->ec.wlc.auth_count) < 0)
			return SIM_EXIT_USAGE;
		o->ec.wlc.auth_enabled = true;
		o->ec.wlc.auth_macs = (const uint8_t(*)[6])o->auth;
	}
	if (o->timeline == NULL && o->timeline_after > 0) {
		fprintf(stderr,
		    "capsim: wlc: --timeline-after needs "
		    "--timeline\n");
		return SIM_EXIT_USAGE;
	}
	if (o->timeline != NULL && sim_wlc_tl_load(&o->tl, o->timeline) < 0)
		return SIM_EXIT_USAGE;
	o->tl.after_run = o->timeline_after;
	if (sim_clients_apply(&o->cl, &o->ec, false, true, "wlc") < 0)
		return SIM_EXIT_USAGE;
	return WLC_GO;
}

/* Credentials, trust, the capture (with its key log) and the DTLS
 * context: WLC_GO or an exit status. */
static int
wlc_dtls(struct wlc_cmd *o)
{
	struct cs_err err = { 0 };
	int r;

	if (o->cert != NULL) {
		char why[512];

		if ((r = cs_cred_load_why(
		         &o->cred, o->cert, o->key, why, sizeof(why))) < 0) {
			fprintf(stderr, "capsim: wlc: certificate: %s\n", why);
			return SIM_EXIT_USAGE;
		}
		o->dc.cred = o->cred;
	}
	if (o->cert == NULL || o->ca == NULL) {
		if (sim_pki_open(&o->pki, o->pkidir, NULL, NULL, &sim_log) < 0)
			return SIM_EXIT_RUNTIME;
		if (o->cert == NULL)
			o->dc.cred = cs_pki_wlc(o->pki);
		if (o->ca == NULL)
			o->dc.trust = cs_pki_ca(o->pki);
	}
	o->dc.ca_file = o->ca;
	o->dc.log = &sim_log_verbose;
	if (o->pcap != NULL) {
		struct cs_capture_cfg cc = { .pcap_path = o->pcap };

		if (cs_capture_open(&o->cap, &cc, &err) < 0) {
			fprintf(
			    stderr, "capsim: wlc: cannot write %s\n", err.what);
			return SIM_EXIT_USAGE;
		}
		o->ec.capture = o->cap;
		o->ec.capture_at_wlc = true;
		o->dc.keylog = wlc_keylog;
		o->dc.keylog_ctx = o->cap;
	}
	/* RFC 5415 §2.4.4.2: the AC's identity hint names the AC */
	if (o->dc.n_psk > 0)
		o->dc.psk_hint = o->ec.wlc.ac_name;
	if ((r = cs_dtls_ctx_new(&o->dctx, &o->dc, &err)) < 0) {
		fprintf(stderr, "capsim: wlc: DTLS setup failed: %s\n",
		    err.what ? err.what : strerror(-r));
		return SIM_EXIT_USAGE;
	}
	if (o->dc.no_verify)
		fprintf(stderr,
		    "capsim: wlc: WARNING: AP certificates are NOT "
		    "verified (--no-verify-aps)\n");
	return WLC_GO;
}

/* /metrics when asked for, and the signals: WLC_GO or an exit status. */
static int
wlc_listen(struct wlc_cmd *o, struct wlc_run *w)
{
	static const int sig[4] = { SIGINT, SIGTERM, SIGUSR1, SIGHUP };
	int r;

	if (o->listen != NULL) {
		struct cs_metrics_http_ops ops = { .fill = wlc_prom_fill,
			.release = wlc_prom_release,
			.ctx = w };

		if ((r = cs_metrics_http_new(
		         &o->http, w->base, o->listen, &ops)) < 0) {
			fprintf(stderr,
			    "capsim: wlc: cannot serve /metrics on %s: %s\n",
			    o->listen,
			    r == -EINVAL ? "not ADDR:PORT (port 0..65535)"
			                 : strerror(-r));
			return SIM_EXIT_USAGE;
		}
		fprintf(stderr,
		    "capsim: wlc: Prometheus metrics at http://%s/metrics\n",
		    o->listen);
	}
	for (int i = 0; i < 4; i++) {
		o->sigs[i] = evsignal_new(w->base, sig[i], wlc_on_signal, w);
		if (o->sigs[i] != NULL)
			evsignal_add(o->sigs[i], NULL);
	}
	return WLC_GO;
}

/* The engine with its embedded WLC until a signal ends it, then the
 * statistics: an exit status. */
static int
wlc_serve(struct wlc_cmd *o, struct wlc_run *w)
{
	struct cs_engine_cfg *ec = &o->ec;
	char addr[16];
	int r;

	if ((w->base = event_base_new()) == NULL)
		return SIM_EXIT_RUNTIME;
	ec->log = &sim_log_verbose;
	ec->wlc_enabled = true;
	ec->wlc_port = o->port;
	ec->wlc_dtls = o->dctx;
	ec->wlc.log = sim_log_verbose;
	if (cs_engine_new(&w->e, ec) < 0)
		return SIM_EXIT_RUNTIME;
	if ((r = wlc_listen(o, w)) != WLC_GO)
		return r;
	cs_engine_start(w->e);
	if (sim_wlc_tl_start(&o->tl, w->base, w->e, ec->seed) < 0)
		return SIM_EXIT_RUNTIME;
	fprintf(stderr,
	    "capsim: wlc: %s listening on %s:%u (control) and :%u (data); "
	    "capacity %u APs, DTLS %s\n",
	    ec->wlc.ac_name ? ec->wlc.ac_name : "capsim-wlc",
	    cs_ipv4_str(ec->wlc.listen_ip, addr), o->port, o->port + 1,
	    ec->wlc.max_wtps,
	    o->dc.version == CS_DTLS_V1_0        ? "1.0"
	        : o->dc.version == CS_DTLS_V_ANY ? "1.0/1.2"
	                                         : "1.2");
	event_base_dispatch(w->base);
	fprintf(stderr, "capsim: wlc: stopping\n");
	cs_engine_stop(w->e);
	if (o->cap != NULL) {
		struct timespec ts;

		/* the capture ran until now (its end, in an ISB) */
		clock_gettime(CLOCK_REALTIME, &ts);
		cs_capture_end(o->cap,
		    (uint64_t)ts.tv_sec * 1000000u +
		        (uint64_t)ts.tv_nsec / 1000u);
	}
	wlc_print_stats(w->e);
	return SIM_EXIT_OK;
}

int
sim_cmd_wlc(int argc, char **argv)
{
	static struct wlc_cmd cmd;
	struct wlc_cmd *o = &cmd;
	struct wlc_run w = { 0 };
	struct cs_err err = { 0 };
	int rc;

	memset(o, 0, sizeof(*o));
	sim_pki_default_dir(o->pkidir, sizeof(o->pkidir));
	cs_dtls_cfg_init(&o->dc, CS_DTLS_SERVER);
	cs_wlc_cfg_defaults(&o->ec.wlc);
	o->ec.wlc_gate = true;
	cs_ipv4_parse("127.0.0.1", &o->ec.wlc.listen_ip);
	o->ec.seed = 1;
	o->port = CS_WLC_CONTROL_PORT;
	sim_clients_init(&o->cl);
	if ((rc = wlc_options(o, argc, argv)) != WLC_GO) {
		sim_wlc_tl_free(&o->tl);
		cs_dtls_psk_set_free(&o->psk);
		free(o->auth);
		free(o->image_buf);
		return rc;
	}
	if ((rc = wlc_dtls(o)) == WLC_GO)
		rc = wlc_serve(o, &w);
	for (int i = 0; i < 4; i++)
		if (o->sigs[i] != NULL)
			event_free(o->sigs[i]);
	cs_metrics_http_free(o->http);
	sim_wlc_tl_free(&o->tl);
	cs_engine_free(w.e);
	if (w.base != NULL)
		event_base_free(w.base);
	if (o->cap != NULL && cs_capture_close(o->cap, &err) < 0) {
		fprintf(stderr, "capsim: wlc: capture: %s\n", err.what);
		rc = SIM_EXIT_RUNTIME;
	} else if (o->cap != NULL) {
		fprintf(stderr, "capsim: wlc: controller-side capture in %s\n",
		    o->pcap);
	}
	cs_dtls_ctx_free(o->dctx);
	cs_dtls_psk_set_free(&o->psk);
	cs_cred_free(o->cred);
	cs_pki_free(o->pki);
	free(o->auth);
	free(o->image_buf);
	return rc;
}
