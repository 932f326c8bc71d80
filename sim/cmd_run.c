/* SPDX-License-Identifier: MIT */
/*
 * `capsim run`: N virtual APs join a WLC (a real one with --wlc, or the
 * embedded mock WLC) and stay in Run for --duration; exit 0 when every AP
 * reached Run and stayed there, 3 otherwise.
 */
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capsim/dtls.h"
#include "capsim/engine.h"
#include "capsim/pki.h"
#include "capsim/report.h"
#include "capsim/udp.h"
#include "sim.h"
#include "simutil.h"

static void
run_usage(FILE *f)
{
	fprintf(f,
	    "usage: capsim run [OPTIONS]\n"
	    "\n"
	    "Simulates access points that join a CAPWAP controller the way "
	    "real\n"
	    "ones do: Discovery, DTLS with certificates, Join, Configure,\n"
	    "Data Check, then Run with echoes and data-channel keep-alives.\n"
	    "Without --wlc the mock WLC runs embedded on 127.0.0.1.  Exit "
	    "status\n"
	    "0 when every AP reached Run and stayed there, 3 when not, 2 for "
	    "a\n"
	    "usage error, 1 for a runtime error.\n"
	    "\n"
	    "Options:\n"
	    "  --wlc ADDR[:PORT]      controller to join (default: embedded "
	    "mock)\n"
	    "  --aps N                number of APs (default 1)\n"
	    "  --duration D           how long to run: 60s, 2m, 500ms (default "
	    "60s)\n"
	    "  --json FILE            write the JSON report\n"
	    "  --ap-base-ip ADDR      first AP address (default 127.1.0.1; "
	    "APs\n"
	    "                         take consecutive addresses, which must "
	    "be\n"
	    "                         local: ip route add local 198.18.0.0/15 "
	    "dev "
	    "lo)\n"
	    "  --ap-base-mac MAC      first AP MAC (default "
	    "02:ca:75:00:00:01)\n"
	    "  --ap-name PREFIX       AP names PREFIX00001... (capsim-ap-)\n"
	    "  --rate R               APs started per second (default: all at "
	    "once)\n"
	    "  --ramp D               grow the rate linearly from 0 over D\n"
	    "  --max-inflight N       DTLS handshakes in flight at most; more "
	    "APs\n"
	    "                         wait their turn (default 256; 0 = no "
	    "cap)\n"
	    "  --workers N            worker threads, each with its share of "
	    "the\n"
	    "                         APs and an embedded-WLC shard (default: "
	    "the\n"
	    "                         number of CPUs)\n"
	    "  --image-policy adopt|download   WLC software differs: adopt "
	    "its\n"
	    "                         version (default) or download the image\n"
	    "  --skip-discovery       join the WLC directly (primed "
	    "controller)\n"
	    "RFC 5415 timers (defaults in brackets; short ones make fast "
	    "labs):\n"
	    "  --discovery-interval D [5s]  --max-discovery-interval D [20s]\n"
	    "  --echo-interval D [30s]      --keepalive-interval D [30s]\n"
	    "  --retransmit-interval D [3s] --max-retransmit N [5]\n"
	    "  --wait-dtls D [60s]          --silent-interval D [30s]\n"
	    "  --data-dead-interval D [60s]\n"
	    "PKI (default: the lab PKI in $CAPSIM_PKI or\n"
	    "~/.local/share/capsim/pki, shared with `capsim wlc`):\n"
	    "  --pki DIR              lab PKI directory (ca.pem, ca-key.pem)\n"
	    "  --ca-cert FILE --ca-key FILE   CA that signs the AP "
	    "certificates\n"
	    "  --ap-cert FILE --ap-key FILE   one fixed certificate for every "
	    "AP\n"
	    "  --wlc-ca FILE          CA bundle that verifies the controller\n"
	    "  --no-verify-wlc        do not verify the controller (reported)\n"
	    "  --clock-skew SECONDS   AP clocks off by this much (may be <0)\n"
	    "DTLS:\n"
	    "  --dtls-version 1.2|1.0|any   --ciphers LIST   --mtu BYTES\n"
	    "Other:\n"
	    "  --seed N               seed for every random choice (default "
	    "1)\n"
	    "  --wlc-max-wtps N       capacity of the embedded WLC (default "
	    "65535)\n"
	    "  --wlc-listen ADDR[:PORT]  embedded WLC address "
	    "(127.0.0.1:5246)\n"
	    "  -q, --quiet            no progress line\n"
	    "  -v, --verbose          log every state change\n"
	    "\n"
	    "Example:  capsim run --wlc 127.0.0.1 --aps 200 --duration 60s "
	    "--json "
	    "r.json\n");
}

struct run_ctx {
	struct event_base *base;
	struct cs_engine *e;
	unsigned n_aps;
	bool verbose, quiet, interrupted;
	uint64_t duration_ms;
};

static void
run_on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct run_ctx *rc = arg;

	(void)sig;
	(void)what;
	if (rc->interrupted) /* second signal: exit at once */
		_exit(SIM_EXIT_RUNTIME);
	rc->interrupted = true;
	event_base_loopbreak(rc->base);
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
run_on_progress(evutil_socket_t fd, short what, void *arg)
{
	struct run_ctx *rc = arg;
	unsigned st[CS_AP__COUNT];
	const struct cs_metrics *m = cs_engine_metrics(rc->e);

	(void)fd;
	(void)what;
	cs_engine_ap_states(rc->e, st);
	fprintf(stderr,
	    "\r[%5.0fs] run %u  discovery %u  dtls %u  join/config %u  "
	    "idle/sulking %u  failures %llu   ",
	    (double)cs_engine_now_ms(rc->e) / 1000.0, st[CS_AP_RUN],
	    st[CS_AP_DISCOVERY], st[CS_AP_DTLS_SETUP],
	    st[CS_AP_JOIN] + st[CS_AP_IMAGE_DATA] + st[CS_AP_CONFIGURE] +
	        st[CS_AP_DATA_CHECK],
	    st[CS_AP_IDLE] + st[CS_AP_SULKING] + st[CS_AP_DTLS_TEARDOWN] +
	        st[CS_AP_RESET],
	    (unsigned long long)m->failures_total);
}

static void
run_on_ap_event(
    void *ctx, unsigned ap, const uint8_t mac[6], const struct cs_ap_event *ev)
{
	struct run_ctx *rc = ctx;
	char m[18];

	if (!rc->verbose && ev->kind != CS_AP_EV_FAILURE)
		return;
	if (ev->kind != CS_AP_EV_STATE && ev->kind != CS_AP_EV_FAILURE)
		return;
	cs_pki_mac_str(mac, m);
	if (ev->kind == CS_AP_EV_FAILURE)
		fprintf(stderr, "%s%8.3f AP %u %s: %s failed: %s\n",
		    rc->quiet ? "" : "\n", (double)ev->t_ms / 1000.0, ap + 1, m,
		    cs_phase_name(ev->phase), ev->reason ? ev->reason : "?");
	else
		fprintf(stderr, "%8.3f AP %u %s: %s -> %s (%s)\n",
		    (double)ev->t_ms / 1000.0, ap + 1, m,
		    cs_ap_state_name(ev->from), cs_ap_state_name(ev->to),
		    ev->reason ? ev->reason : "");
}

static int
run_timer_opt(const char *arg, uint32_t *ms)
{
	uint64_t v;

	if (sim_parse_duration_ms(arg, &v) < 0 || v == 0 || v > UINT32_MAX)
		return -EINVAL;
	*ms = (uint32_t)v;
	return 0;
}

int
sim_cmd_run(int argc, char **argv)
{
	enum {
		O_WLC = 256,
		O_APS,
		O_DURATION,
		O_JSON,
		O_BASE_IP,
		O_BASE_MAC,
		O_NAME,
		O_RATE,
		O_INFLIGHT,
		O_IMAGE,
		O_SKIP_DISC,
		O_T_DISC,
		O_T_MAXDISC,
		O_T_ECHO,
		O_T_KA,
		O_T_RETR,
		O_MAX_RETR,
		O_T_WAITDTLS,
		O_T_SILENT,
		O_T_DEAD,
		O_PKI,
		O_CA_CERT,
		O_CA_KEY,
		O_AP_CERT,
		O_AP_KEY,
		O_WLC_CA,
		O_NO_VERIFY,
		O_SKEW,
		O_VERSION,
		O_CIPHERS,
		O_MTU,
		O_SEED,
		O_WLC_MAX,
		O_WLC_LISTEN,
		O_WORKERS,
		O_RAMP,
	};
	static const struct option opts[] = {
		{ "wlc", required_argument, NULL, O_WLC },
		{ "aps", required_argument, NULL, O_APS },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "json", required_argument, NULL, O_JSON },
		{ "ap-base-ip", required_argument, NULL, O_BASE_IP },
		{ "ap-base-mac", required_argument, NULL, O_BASE_MAC },
		{ "ap-name", required_argument, NULL, O_NAME },
		{ "rate", required_argument, NULL, O_RATE },
		{ "max-inflight", required_argument, NULL, O_INFLIGHT },
		{ "image-policy", required_argument, NULL, O_IMAGE },
		{ "skip-discovery", no_argument, NULL, O_SKIP_DISC },
		{ "discovery-interval", required_argument, NULL, O_T_DISC },
		{ "max-discovery-interval", required_argument, NULL,
		    O_T_MAXDISC },
		{ "echo-interval", required_argument, NULL, O_T_ECHO },
		{ "keepalive-interval", required_argument, NULL, O_T_KA },
		{ "retransmit-interval", required_argument, NULL, O_T_RETR },
		{ "max-retransmit", required_argument, NULL, O_MAX_RETR },
		{ "wait-dtls", required_argument, NULL, O_T_WAITDTLS },
		{ "silent-interval", required_argument, NULL, O_T_SILENT },
		{ "data-dead-interval", required_argument, NULL, O_T_DEAD },
		{ "pki", required_argument, NULL, O_PKI },
		{ "ca-cert", required_argument, NULL, O_CA_CERT },
		{ "ca-key", required_argument, NULL, O_CA_KEY },
		{ "ap-cert", required_argument, NULL, O_AP_CERT },
		{ "ap-key", required_argument, NULL, O_AP_KEY },
		{ "wlc-ca", required_argument, NULL, O_WLC_CA },
		{ "no-verify-wlc", no_argument, NULL, O_NO_VERIFY },
		{ "clock-skew", required_argument, NULL, O_SKEW },
		{ "dtls-version", required_argument, NULL, O_VERSION },
		{ "ciphers", required_argument, NULL, O_CIPHERS },
		{ "mtu", required_argument, NULL, O_MTU },
		{ "seed", required_argument, NULL, O_SEED },
		{ "wlc-max-wtps", required_argument, NULL, O_WLC_MAX },
		{ "wlc-listen", required_argument, NULL, O_WLC_LISTEN },
		{ "workers", required_argument, NULL, O_WORKERS },
		{ "ramp", required_argument, NULL, O_RAMP },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cs_engine_cfg ec = { 0 };
	struct cs_dtls_cfg dc, wdc;
	struct cs_dtls_ctx *dctx = NULL, *wctx = NULL;
	struct cs_pki *pki = NULL;
	struct cs_cred *ap_cred = NULL;
	struct cs_err err = { 0 };
	struct run_ctx rc = { 0 };
	struct event *sigs[2] = { NULL, NULL }, *end = NULL, *prog = NULL;
	char pkidir[4096], wlcdesc[64], addr[16];
	const char *json_path = NULL, *ca_cert = NULL, *ca_key = NULL;
	const char *ap_cert = NULL, *ap_key = NULL, *wlc_ca = NULL;
	const char *dtls_ver = "1.2";
	uint32_t wlc_ip = 0;
	uint16_t wlc_port = CS_WLC_CONTROL_PORT;
	bool embedded = true;
	uint64_t v, run_elapsed_ms = 0;
	int c, r, exit_code = SIM_EXIT_RUNTIME;

	sim_pki_default_dir(pkidir, sizeof(pkidir));
	cs_dtls_cfg_init(&dc, CS_DTLS_CLIENT);
	cs_dtls_cfg_init(&wdc, CS_DTLS_SERVER);
	cs_ap_cfg_defaults(&ec.ap);
	cs_wlc_cfg_defaults(&ec.wlc);
	ec.wlc.max_wtps = 65535;
	ec.n_aps = 1;
	ec.seed = 1;
	ec.max_inflight = 256;
	{
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

		ec.workers = ncpu < 1              ? 1
		    : ncpu > CS_ENGINE_MAX_WORKERS ? CS_ENGINE_MAX_WORKERS
		                                   : (unsigned)ncpu;
	}
	cs_ipv4_parse("127.1.0.1", &ec.ap_base_ip);
	cs_pki_mac_parse("02:ca:75:00:00:01", ec.ap_base_mac);
	rc.duration_ms = 60000;
	rc.quiet = !isatty(STDERR_FILENO);
	optind = 1;
	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		switch (c) {
		case O_WLC:
			if (sim_parse_addr_port(optarg, &wlc_ip, &wlc_port) < 0)
				goto bad_arg;
			embedded = false;
			break;
		case O_APS:
			if (sim_parse_uint(optarg, 1, 1000000, &v) < 0)
				goto bad_arg;
			ec.n_aps = (unsigned)v;
			break;
		case O_DURATION:
			if (sim_parse_duration_ms(optarg, &rc.duration_ms) < 0)
				goto bad_arg;
			break;
		case O_JSON:
			json_path = optarg;
			break;
		case O_BASE_IP:
			if (cs_ipv4_parse(optarg, &ec.ap_base_ip) < 0)
				goto bad_arg;
			break;
		case O_BASE_MAC:
			if (cs_pki_mac_parse(optarg, ec.ap_base_mac) < 0)
				goto bad_arg;
			break;
		case O_NAME:
			ec.ap_name_prefix = optarg;
			break;
		case O_RATE:
			ec.rate = strtod(optarg, NULL);
			if (ec.rate <= 0)
				goto bad_arg;
			break;
		case O_WORKERS:
			if (sim_parse_uint(
			        optarg, 1, CS_ENGINE_MAX_WORKERS, &v) < 0)
				goto bad_arg;
			ec.workers = (unsigned)v;
			break;
		case O_RAMP:
			if (sim_parse_duration_ms(optarg, &v) < 0)
				goto bad_arg;
			ec.rate_ramp_s = (double)v / 1000.0;
			break;
		case O_INFLIGHT:
			if (sim_parse_uint(optarg, 0, 1000000, &v) < 0)
				goto bad_arg;
			ec.max_inflight = (unsigned)v;
			break;
		case O_IMAGE:
			if (strcmp(optarg, "adopt") == 0)
				ec.ap.image_policy = CS_AP_IMAGE_ADOPT;
			else if (strcmp(optarg, "download") == 0)
				ec.ap.image_policy = CS_AP_IMAGE_DOWNLOAD;
			else
				goto bad_arg;
			break;
		case O_SKIP_DISC:
			ec.ap.skip_discovery = true;
			break;
		case O_T_DISC:
			if (run_timer_opt(
			        optarg, &ec.ap.discovery_interval_ms) < 0)
				goto bad_arg;
			break;
		case O_T_MAXDISC:
			if (run_timer_opt(
			        optarg, &ec.ap.max_discovery_interval_ms) < 0)
				goto bad_arg;
			break;
		case O_T_ECHO:
			if (run_timer_opt(optarg, &ec.ap.echo_interval_ms) < 0)
				goto bad_arg;
			break;
		case O_T_KA:
			if (run_timer_opt(optarg, &ec.ap.keepalive_ms) < 0)
				goto bad_arg;
			break;
		case O_T_RETR:
			if (run_timer_opt(
			        optarg, &ec.ap.retransmit_interval_ms) < 0)
				goto bad_arg;
			break;
		case O_MAX_RETR:
			if (sim_parse_uint(optarg, 0, 100, &v) < 0)
				goto bad_arg;
			ec.ap.max_retransmit = (uint32_t)v;
			break;
		case O_T_WAITDTLS:
			if (run_timer_opt(optarg, &ec.ap.wait_dtls_ms) < 0)
				goto bad_arg;
			break;
		case O_T_SILENT:
			if (run_timer_opt(optarg, &ec.ap.silent_interval_ms) <
			    0)
				goto bad_arg;
			break;
		case O_T_DEAD:
			if (run_timer_opt(optarg, &ec.ap.data_dead_ms) < 0)
				goto bad_arg;
			break;
		case O_PKI:
			snprintf(pkidir, sizeof(pkidir), "%s", optarg);
			break;
		case O_CA_CERT:
			ca_cert = optarg;
			break;
		case O_CA_KEY:
			ca_key = optarg;
			break;
		case O_AP_CERT:
			ap_cert = optarg;
			break;
		case O_AP_KEY:
			ap_key = optarg;
			break;
		case O_WLC_CA:
			wlc_ca = optarg;
			break;
		case O_NO_VERIFY:
			dc.no_verify = true;
			break;
		case O_SKEW: {
			char *endp;
			long long s = strtoll(optarg, &endp, 10);

			if (*endp != '\0')
				goto bad_arg;
			ec.ap_clock_skew_s = s;
			break;
		}
		case O_VERSION:
			if (sim_parse_dtls_version(optarg, &dc.version) < 0)
				goto bad_arg;
			dtls_ver = optarg;
			break;
		case O_CIPHERS:
			dc.ciphers = optarg;
			break;
		case O_MTU:
			if (sim_parse_uint(optarg, CS_DTLS_MIN_MTU, 65000, &v) <
			    0)
				goto bad_arg;
			dc.mtu = (unsigned)v;
			wdc.mtu = (unsigned)v;
			break;
		case O_SEED:
			if (sim_parse_uint(optarg, 0, UINT64_MAX, &ec.seed) < 0)
				goto bad_arg;
			break;
		case O_WLC_LISTEN:
			if (sim_parse_addr_port(optarg, &wlc_ip, &wlc_port) < 0)
				goto bad_arg;
			break;
		case O_WLC_MAX:
			if (sim_parse_uint(optarg, 0, 65535, &v) < 0)
				goto bad_arg;
			ec.wlc.max_wtps = (uint16_t)v;
			break;
		case 'q':
			rc.quiet = true;
			break;
		case 'v':
			rc.verbose = true;
			sim_log_verbose.max_level = CS_LOG_INFO;
			break;
		case 'h':
			run_usage(stdout);
			return SIM_EXIT_OK;
		default:
			run_usage(stderr);
			return SIM_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "capsim: run: unexpected argument '%s'\n",
		    argv[optind]);
		return SIM_EXIT_USAGE;
	}
	if ((ap_cert == NULL) != (ap_key == NULL)) {
		fprintf(stderr,
		    "capsim: run: --ap-cert and --ap-key go together\n");
		return SIM_EXIT_USAGE;
	}
	if (embedded && wlc_ip == 0)
		cs_ipv4_parse("127.0.0.1", &wlc_ip);
	ec.ap.targets[0] = wlc_ip;
	ec.ap.target_count = 1;
	ec.ap.ac_port = wlc_port;

	/* PKI: AP certificates from the lab CA (or the user's), the
	 * controller verified against the lab CA (or --wlc-ca). */
	if (ap_cert != NULL) {
		if ((r = cs_cred_load(&ap_cred, ap_cert, ap_key)) < 0) {
			fprintf(stderr,
			    "capsim: run: cannot load %s / %s: %s\n", ap_cert,
			    ap_key, strerror(-r));
			exit_code = SIM_EXIT_USAGE;
			goto out;
		}
		ec.ap_cred = ap_cred;
	}
	if (ap_cert == NULL || wlc_ca == NULL || embedded) {
		if (sim_pki_open(&pki, pkidir, ca_cert, ca_key, &sim_log) < 0) {
			exit_code = SIM_EXIT_USAGE;
			goto out;
		}
		if (ap_cert == NULL)
			ec.ap_pki = pki;
	}
	dc.trust = wlc_ca == NULL ? cs_pki_ca(pki) : NULL;
	dc.ca_file = wlc_ca;
	dc.log = &sim_log_verbose;
	if ((r = cs_dtls_ctx_new(&dctx, &dc, &err)) < 0) {
		fprintf(stderr, "capsim: run: DTLS setup failed: %s\n",
		    err.what ? err.what : strerror(-r));
		exit_code = SIM_EXIT_USAGE;
		goto out;
	}
	ec.ap_dtls = dctx;
	if (dc.no_verify)
		fprintf(stderr,
		    "capsim: run: WARNING: the controller's "
		    "certificate is NOT verified (--no-verify-wlc)\n");
	if (embedded) {
		wdc.cred = cs_pki_wlc(pki);
		wdc.trust = cs_pki_ca(pki);
		wdc.version = dc.version;
		wdc.ciphers = dc.ciphers;
		wdc.log = &sim_log_verbose;
		if ((r = cs_dtls_ctx_new(&wctx, &wdc, &err)) < 0) {
			fprintf(stderr,
			    "capsim: run: WLC DTLS setup failed: %s\n",
			    err.what ? err.what : strerror(-r));
			goto out;
		}
		ec.wlc_enabled = true;
		ec.wlc_dtls = wctx;
		ec.wlc_port = wlc_port;
		ec.wlc.listen_ip = wlc_ip;
		ec.wlc.log = sim_log_verbose;
		/* the embedded WLC hands out the AP's own echo interval in
		 * CAPWAP Timers (whole seconds, RFC 5415 §4.6.13) */
		ec.wlc.echo_interval_s =
		    (uint8_t)(ec.ap.echo_interval_ms < 1000 ? 1
		            : ec.ap.echo_interval_ms > 255000
		            ? 255
		            : (ec.ap.echo_interval_ms + 999) / 1000);
		snprintf(wlcdesc, sizeof(wlcdesc), "embedded %s:%u",
		    cs_ipv4_str(wlc_ip, addr), wlc_port);
	} else {
		snprintf(wlcdesc, sizeof(wlcdesc), "%s:%u",
		    cs_ipv4_str(wlc_ip, addr), wlc_port);
	}

	if ((rc.base = event_base_new()) == NULL)
		goto out;
	rc.n_aps = ec.n_aps;
	ec.log = &sim_log;
	ec.on_ap_event = run_on_ap_event;
	ec.obs_ctx = &rc;
	if ((r = cs_engine_new(&rc.e, &ec)) < 0) {
		exit_code = r == -EINVAL || r == -EADDRNOTAVAIL
		    ? SIM_EXIT_USAGE
		    : SIM_EXIT_RUNTIME;
		goto out;
	}
	sigs[0] = evsignal_new(rc.base, SIGINT, run_on_signal, &rc);
	sigs[1] = evsignal_new(rc.base, SIGTERM, run_on_signal, &rc);
	for (int i = 0; i < 2; i++)
		if (sigs[i] != NULL)
			evsignal_add(sigs[i], NULL);
	end = evtimer_new(rc.base, run_on_end, &rc);
	{
		struct timeval tv = { (time_t)(rc.duration_ms / 1000),
			(suseconds_t)(rc.duration_ms % 1000) * 1000 };

		evtimer_add(end, &tv);
	}
	if (!rc.quiet) {
		struct timeval one = { 1, 0 };

		prog = event_new(rc.base, -1, EV_PERSIST, run_on_progress, &rc);
		event_add(prog, &one);
	}
	fprintf(stderr, "capsim: run: %u APs from %s against %s for %.1f s\n",
	    ec.n_aps, cs_ipv4_str(ec.ap_base_ip, addr), wlcdesc,
	    (double)rc.duration_ms / 1000.0);
	cs_engine_start(rc.e);
	event_base_dispatch(rc.base);
	if (!rc.quiet)
		fprintf(stderr, "\n");
	run_elapsed_ms = cs_engine_now_ms(rc.e);
	/* APs send close_notify; workers stop; results are final */
	cs_engine_stop(rc.e);

	{
		struct cs_run_summary s = { 0 };
		char *json;

		cs_engine_ap_states(rc.e, s.states);
		s.aps = ec.n_aps;
		for (unsigned i = 0; i < ec.n_aps; i++) {
			const struct cs_ap_track *t =
			    cs_engine_ap_track(rc.e, i);

			s.joined += t->has_joined;
			s.in_run += t->in_run;
			s.failed += t->has_failed;
		}
		s.left_run = (unsigned)cs_engine_metrics(rc.e)->left_run;
		s.duration_s = (double)run_elapsed_ms / 1000.0;
		s.seed = ec.seed;
		s.wlc = wlcdesc;
		s.wlc_verify_off = dc.no_verify;
		s.dtls_version = dtls_ver;
		s.ciphers = dc.ciphers ? dc.ciphers : CS_DTLS_DEFAULT_CIPHERS;
		s.m = cs_engine_metrics(rc.e);
		s.passed =
		    !rc.interrupted && s.in_run == s.aps && s.left_run == 0;
		fprintf(stderr,
		    "capsim: run: %u APs: %u joined, %u in Run at the end, %u "
		    "had failures; join p50 %.0f ms p99 %.0f ms\n",
		    s.aps, s.joined, s.in_run, s.failed,
		    (double)cs_hist_quantile(&s.m->lat[CS_LAT_TOTAL], 0.5) /
		        1000.0,
		    (double)cs_hist_quantile(&s.m->lat[CS_LAT_TOTAL], 0.99) /
		        1000.0);
		if (json_path != NULL) {
			FILE *f;

			if ((json = cs_report_json(&s)) == NULL ||
			    (f = fopen(json_path, "w")) == NULL) {
				fprintf(stderr,
				    "capsim: run: cannot write %s: %s\n",
				    json_path, strerror(errno));
				free(json);
				goto out;
			}
			fputs(json, f);
			fputc('\n', f);
			free(json);
			if (fclose(f) != 0) {
				fprintf(stderr, "capsim: run: writing %s: %s\n",
				    json_path, strerror(errno));
				goto out;
			}
		}
		exit_code = s.passed ? SIM_EXIT_OK : SIM_EXIT_FAILED;
	}
out:
	for (int i = 0; i < 2; i++)
		if (sigs[i] != NULL)
			event_free(sigs[i]);
	if (end != NULL)
		event_free(end);
	if (prog != NULL)
		event_free(prog);
	cs_engine_free(rc.e);
	if (rc.base != NULL)
		event_base_free(rc.base);
	cs_dtls_ctx_free(dctx);
	cs_dtls_ctx_free(wctx);
	cs_cred_free(ap_cred);
	cs_pki_free(pki);
	return exit_code;
bad_arg:
	fprintf(stderr, "capsim: run: invalid value '%s' for --%s\n", optarg,
	    opts[c - O_WLC].name);
	return SIM_EXIT_USAGE;
}
