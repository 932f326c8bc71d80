/* SPDX-License-Identifier: MIT */
/*
 * The capsim program's subcommands.  Each lives in sim/cmd_<name>.c and is
 * declared weak here, so a subcommand that is not built simply does not
 * appear; main() dispatches by name.  Exit codes (DESIGN.md): 0 pass,
 * 1 runtime error, 2 usage or input error, 3 expectations not met.
 */
#ifndef CS_SIM_H
#define CS_SIM_H

enum {
	SIM_EXIT_OK = 0,
	SIM_EXIT_RUNTIME = 1,
	SIM_EXIT_USAGE = 2,
	SIM_EXIT_FAILED = 3,
	SIM_EXIT_INCONCLUSIVE = 4, /* the evidence does not decide */
	SIM_EXIT_SELF = 5,         /* capsim's own health limited the run */
	SIM_EXIT_INCOMPLETE = 6,   /* merge: shards missing or failed */
};

typedef int sim_cmd_fn(int argc, char **argv);

sim_cmd_fn sim_cmd_option43 __attribute__((weak));
sim_cmd_fn sim_cmd_certs __attribute__((weak));
sim_cmd_fn sim_cmd_wlc __attribute__((weak));
sim_cmd_fn sim_cmd_run __attribute__((weak));
sim_cmd_fn sim_cmd_capacity __attribute__((weak));
sim_cmd_fn sim_cmd_probe __attribute__((weak));
sim_cmd_fn sim_cmd_analyze __attribute__((weak));
sim_cmd_fn sim_cmd_proxy __attribute__((weak));
sim_cmd_fn sim_cmd_report __attribute__((weak));
sim_cmd_fn sim_cmd_merge __attribute__((weak));
sim_cmd_fn sim_cmd_lab __attribute__((weak));

/* The whole command line, "capsim" first (for the reports). */
extern int sim_argc;
extern char **sim_argv;

/* stderr log sink for library callbacks ("capsim: warning: ..."). */
void sim_log_stderr(void *ctx, int level, const char *msg);

#endif /* CS_SIM_H */
