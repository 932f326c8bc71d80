/* SPDX-License-Identifier: MIT */
/*
 * capsim: CAPWAP/DTLS access-point join simulator.  main() only picks the
 * subcommand; each one parses its own options and owns its --help.
 */
#include "sim.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "capsim/common.h"
#include "capsim/log.h"

struct sim_cmd {
	const char *name;
	sim_cmd_fn *fn;
	const char *summary;
};

static const struct sim_cmd sim_cmds[] = {
	{ "run", sim_cmd_run,
	    "simulate APs joining a WLC (real or embedded mock)" },
	{ "capacity", sim_cmd_capacity,
	    "find a controller's join-rate knee (staircase of runs)" },
	{ "wlc", sim_cmd_wlc,
	    "run the mock WLC (CAPWAP AC) until interrupted" },
	{ "probe", sim_cmd_probe, "one verbose AP join against a controller" },
	{ "certs", sim_cmd_certs, "make the lab PKI and broken certificates" },
	{ "option43", sim_cmd_option43,
	    "encode/decode DHCP option 43 (Cisco controller list)" },
	{ "analyze", sim_cmd_analyze, "diagnose AP joins from a capture" },
	{ "proxy", sim_cmd_proxy, "impairing UDP relay between AP and WLC" },
	{ "lab", sim_cmd_lab, "network-namespace lab with a firewall ruleset" },
	{ "report", sim_cmd_report, "HTML page of a JSON run report" },
	{ "merge", sim_cmd_merge, "one report from the shards of a run" },
};

int sim_argc;
char **sim_argv;

void
sim_log_stderr(void *ctx, int level, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "capsim: %s: %s\n", cs_log_level_name(level), msg);
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: capsim COMMAND [OPTIONS]\n\n"
	    "CAPWAP (RFC 5415) and DTLS access-point join simulator.\n\n"
	    "Commands:\n");
	for (size_t i = 0; i < sizeof(sim_cmds) / sizeof(sim_cmds[0]); i++)
		if (sim_cmds[i].fn != NULL)
			fprintf(f, "  %-10s %s\n", sim_cmds[i].name,
			    sim_cmds[i].summary);
	fprintf(f,
	    "\n'capsim COMMAND --help' explains each command.\n"
	    "Exit status: 0 pass, 1 runtime error, 2 usage or input "
	    "error,\n3 failed (expectations not met, or a cause found), 4 "
	    "inconclusive,\n5 capsim itself limited the run, 6 merge: shards "
	    "missing or failed.\n");
}

int
main(int argc, char **argv)
{
	/* a reader that goes away (`capsim run -v 2>&1 | head -1`) must not
	 * kill the run before it writes its reports: writes to a closed
	 * pipe fail with EPIPE instead */
	signal(SIGPIPE, SIG_IGN);
	sim_argc = argc;
	sim_argv = argv;
	if (argc < 2) {
		usage(stderr);
		return SIM_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return SIM_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("capsim %s\n", cs_version());
		return SIM_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(sim_cmds) / sizeof(sim_cmds[0]); i++)
		if (sim_cmds[i].fn != NULL &&
		    strcmp(argv[1], sim_cmds[i].name) == 0)
			return sim_cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "capsim: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return SIM_EXIT_USAGE;
}
