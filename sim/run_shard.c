/* SPDX-License-Identifier: MIT */
/*
 * Shards of `capsim run`: the slice of the population a shard runs, the
 * common start, and the clock facts each shard reports (run_shard.h).
 */
#include "run_shard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <time.h>

#include "capsim/diagnose.h"
#include "capsim/engine.h"
#include "capsim/metrics.h"
#include "capsim/udp.h"
#include "capsim/values.h"
#include "sim.h"
#include "simutil.h"

int
run_shard_opt(struct run_shard *sh, const char *arg)
{
	unsigned long i, n;
	char *end;

	errno = 0;
	i = strtoul(arg, &end, 10);
	if (end == arg || *end != '/' || errno != 0 || arg[0] == '-')
		goto bad;
	arg = end + 1;
	n = strtoul(arg, &end, 10);
	if (end == arg || *end != '\0' || errno != 0 || arg[0] == '-' ||
	    n < 1 || n > 100000 || i >= n)
		goto bad;
	sh->index = (unsigned)i;
	sh->count = (unsigned)n;
	sh->index_given = sh->count_given = true;
	return 0;
bad:
	fprintf(stderr,
	    "capsim: run: --shard wants I/N with 0 <= I < N <= 100000 "
	    "(shard I of N, counted from 0 as a Kubernetes Indexed Job "
	    "does)\n");
	return -EINVAL;
}

int
run_shard_opt_count(struct run_shard *sh, const char *arg)
{
	uint64_t n;

	if (sim_parse_uint(arg, 1, 100000, &n) < 0) {
		fprintf(stderr,
		    "capsim: run: --shards wants a count 1..100000, not "
		    "'%s'\n",
		    arg);
		return -EINVAL;
	}
	if (sh->index_given && sh->count != n) {
		fprintf(stderr,
		    "capsim: run: --shards %s contradicts --shard %u/%u\n", arg,
		    sh->index, sh->count);
		return -EINVAL;
	}
	sh->count = (unsigned)n;
	sh->count_given = true;
	return 0;
}

/* days since 1970-01-01 of a proleptic Gregorian date (no timegm(), which
 * is not POSIX) */
static int64_t
shard_days(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

int
run_shard_parse_time(const char *s, uint64_t *unix_ms)
{
	unsigned y, mo, d, h, mi, sec, ms = 0;
	int n = 0, off_min = 0;
	const char *p;
	int64_t t;

	if (sscanf(s, "%4u-%2u-%2u%n", &y, &mo, &d, &n) != 3 || n != 10 ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
		return -EINVAL;
	p = s + 11;
	if (sscanf(p, "%2u:%2u:%2u%n", &h, &mi, &sec, &n) != 3 || n != 8)
		return -EINVAL;
	p += 8;
	if (*p == '.') {
		unsigned digits = 0;

		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 3)
				ms = ms * 10 + (unsigned)(*p - '0');
		if (digits == 0)
			return -EINVAL;
		for (; digits < 3; digits++)
			ms *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		unsigned oh, om;

		if (sscanf(p + 1, "%2u:%2u%n", &oh, &om, &n) != 2 || n != 5 ||
		    oh > 23 || om > 59)
			return -EINVAL;
		off_min = (int)(oh * 60 + om) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return -EINVAL; /* RFC 3339 §5.6: the offset is required */
	}
	if (*p != '\0' || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	t = shard_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    (int64_t)off_min * 60;
	if (t < 0)
		return -EINVAL;
	*unix_ms = (uint64_t)t * 1000 + ms;
	return 0;
}

int
run_shard_opt_start_at(struct run_shard *sh, const char *arg)
{
	if (run_shard_parse_time(arg, &sh->start_at_unix_ms) < 0) {
		fprintf(stderr,
		    "capsim: run: --start-at wants an RFC 3339 time such as "
		    "2026-12-07T15:40:00Z (date -u -d '+30 sec' "
		    "+%%FT%%TZ), not '%s'\n",
		    arg);
		return -EINVAL;
	}
	return 0;
}

int
run_shard_opt_ip(struct run_shard *sh, const char *arg)
{
	if (cs_ipv4_parse(arg, &sh->site_ip) < 0 || sh->site_ip == 0) {
		fprintf(stderr,
		    "capsim: run: --shard-ip wants an IPv4 address, not '%s'\n",
		    arg);
		return -EINVAL;
	}
	return 0;
}

/* An environment variable as a count within [min, max]: 1 taken, 0
 * absent, -EINVAL after printing why. */
static int
shard_env(const char *name, uint64_t min, uint64_t max, unsigned *out)
{
	const char *v = getenv(name);
	uint64_t n;

	if (v == NULL || v[0] == '\0')
		return 0;
	if (sim_parse_uint(v, min, max, &n) < 0) {
		fprintf(stderr,
		    "capsim: run: %s=%s is not a number in %llu..%llu\n", name,
		    v, (unsigned long long)min, (unsigned long long)max);
		return -EINVAL;
	}
	*out = (unsigned)n;
	return 1;
}

int
run_shard_resolve(struct run_shard *sh, struct cs_engine_cfg *ec)
{
	unsigned total = ec->n_aps, first, n, v;
	const char *from = "--shard";
	int r;

	if (!sh->count_given) {
		if ((r = shard_env("CAPSIM_SHARDS", 1, 100000, &v)) < 0)
			return SIM_EXIT_USAGE;
		if (r > 0) {
			sh->count = v;
			sh->count_given = true;
		}
	}
	if (!sh->index_given && sh->count_given) {
		/* a Kubernetes Indexed Job numbers its pods 0..N-1 */
		if ((r = shard_env("JOB_COMPLETION_INDEX", 0, 99999, &v)) < 0)
			return SIM_EXIT_USAGE;
		if (r == 0) {
			fprintf(stderr,
			    "capsim: run: %u shards but which one is this? "
			    "Give --shard I/N or set JOB_COMPLETION_INDEX\n",
			    sh->count);
			return SIM_EXIT_USAGE;
		}
		sh->index = v;
		sh->index_given = true;
		from = "JOB_COMPLETION_INDEX";
	}
	if (!sh->count_given) {
		if (sh->site_ip != 0) {
			fprintf(stderr,
			    "capsim: run: --shard-ip is for shards (--shard "
			    "I/N); the whole run takes --ap-base-ip\n");
			return SIM_EXIT_USAGE;
		}
		return 0; /* the whole run */
	}
	if (sh->index >= sh->count) {
		fprintf(stderr,
		    "capsim: run: %s says shard %u of %u shards "
		    "(counted from 0)\n",
		    from, sh->index, sh->count);
		return SIM_EXIT_USAGE;
	}
	if (total < sh->count) {
		fprintf(stderr,
		    "capsim: run: %u APs cannot make %u shards: some would "
		    "be empty\n",
		    total, sh->count);
		return SIM_EXIT_USAGE;
	}
	/* shard I takes APs [I*total/N, (I+1)*total/N): contiguous, so the
	 * whole run's arrival curve starts them in the same order and at
	 * the same times (lib/engine pacing by global index) */
	first = (unsigned)((uint64_t)sh->index * total / sh->count);
	n = (unsigned)((uint64_t)(sh->index + 1) * total / sh->count) - first;
	if ((uint64_t)ec->ap_base_ip + total - 1 > UINT32_MAX ||
	    cs_ap_id_mac(ec->ap_base_mac, total - 1, (uint8_t[6]){ 0 }) < 0) {
		fprintf(stderr,
		    "capsim: run: %u APs from the base address or MAC run "
		    "past the last one\n",
		    total);
		return SIM_EXIT_USAGE;
	}
	{
		uint8_t mac[6];

		(void)cs_ap_id_mac(ec->ap_base_mac, first, mac);
		memcpy(ec->ap_base_mac, mac, 6);
	}
	/* a branch site's shard keeps the names, MACs and indexes of its
	 * slice, with addresses of its own subnet */
	if (sh->site_ip != 0) {
		if ((uint64_t)sh->site_ip + n - 1 > UINT32_MAX) {
			fprintf(stderr,
			    "capsim: run: %u APs from --shard-ip run "
			    "past 255.255.255.255\n",
			    n);
			return SIM_EXIT_USAGE;
		}
		ec->ap_base_ip = sh->site_ip;
	} else {
		ec->ap_base_ip += first;
	}
	ec->ap_index_base = first;
	ec->ap_index_total = total;
	ec->n_aps = n;
	/* the in-flight cap was the whole run's: each shard takes its part */
	if (ec->max_inflight != 0)
		ec->max_inflight =
		    (ec->max_inflight + sh->count - 1) / sh->count;
	sh->enabled = true;
	sh->rep.index = sh->index;
	sh->rep.count = sh->count;
	sh->rep.first_ap = first;
	sh->rep.n_aps = n;
	sh->rep.total_aps = total;
	sh->rep.start_at_unix_ms = sh->start_at_unix_ms;
	return 0;
}

static uint64_t
shard_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

bool
run_shard_wait(struct run_shard *sh, volatile sig_atomic_t *stop)
{
	struct timex tx = { 0 };
	uint64_t now = shard_wall_ms();
	int st;

	/* what the kernel knows of its clock (read only: modes 0) */
	if ((st = ntp_adjtime(&tx)) >= 0) {
		sh->rep.has_clock = true;
		sh->rep.clock_synced =
		    st != TIME_ERROR && !(tx.status & STA_UNSYNC);
		sh->rep.clock_est_error_us = (uint64_t)tx.esterror;
		sh->rep.clock_max_error_us = (uint64_t)tx.maxerror;
	}
	if (sh->start_at_unix_ms == 0)
		return true;
	if (now > sh->start_at_unix_ms) {
		fprintf(stderr,
		    "capsim: run: warning: --start-at was %.3f s ago: "
		    "starting now, late (the report says by how much)\n",
		    (double)(now - sh->start_at_unix_ms) / 1000.0);
		return true;
	}
	fprintf(stderr,
	    "capsim: run: shard %u/%u waits %.3f s for --start-at (clock %s)\n",
	    sh->index, sh->count, (double)(sh->start_at_unix_ms - now) / 1000.0,
	    !sh->rep.has_clock ? "state unknown"
	        : sh->rep.clock_synced
	        ? "NTP-synchronised"
	        : "NOT synchronised: shards may not start "
	          "together");
	while ((now = shard_wall_ms()) < sh->start_at_unix_ms) {
		uint64_t left = sh->start_at_unix_ms - now;
		struct timespec ts = { (time_t)(left / 1000),
			(long)(left % 1000) * 1000000 };

		if (*stop)
			return false;
		(void)nanosleep(&ts, NULL); /* a signal cuts it short */
	}
	return !*stop;
}

void
run_shard_started(struct run_shard *sh, uint64_t started_unix_ms)
{
	if (sh->start_at_unix_ms != 0)
		sh->rep.start_offset_ms =
		    (int64_t)started_unix_ms - (int64_t)sh->start_at_unix_ms;
}

int
run_shard_ap_results(struct cs_report_ap_result **out,
    const struct cs_engine *e, const struct cs_engine_cfg *ec,
    const struct cs_report_ap *ids, const struct cs_diagnosis *d)
{
	struct cs_report_ap_result *r;
	unsigned n = ec->n_aps;

	if ((r = calloc(n ? n : 1, sizeof(*r))) == NULL)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		const struct cs_ap_track *t = cs_engine_ap_track(e, i);

		r[i].index = ec->ap_index_base + i;
		if (ids != NULL) {
			r[i].name = ids[i].name;
			r[i].mac = ids[i].mac;
			r[i].address = ids[i].address;
		}
		r[i].joined = t->has_joined;
		r[i].in_run = t->in_run;
		r[i].failed = t->has_failed;
		r[i].left_run = t->has_left_run;
		r[i].facts = cs_engine_ap_facts(e, i);
		if (r[i].facts != NULL &&
		    r[i].facts->fail_phase < CS_PHASE__COUNT) {
			r[i].last_phase = cs_phase_wlc_name(
			    (enum cs_phase)r[i].facts->fail_phase);
			r[i].last_reason = r[i].facts->reason;
		}
	}
	for (int c = 0; d != NULL && c < CS_DIAG__COUNT; c++)
		for (unsigned k = 0; d->ap_idx[c] != NULL && k < d->count[c];
		     k++)
			if (d->ap_idx[c][k] < n)
				r[d->ap_idx[c][k]].verdict =
				    cs_diag_code_name((enum cs_diag_code)c);
	*out = r;
	return 0;
}
