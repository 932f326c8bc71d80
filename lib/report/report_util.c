/* SPDX-License-Identifier: MIT */
/*
 * UTF-8-safe jansson helpers for the report writers (report-internal.h)
 * and the process resource figures of the report (capsim/report.h).
 */
#include "report-internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "capsim/diagnose.h"
#include "capsim/impair.h"
#include "capsim/report.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid
 * (RFC 3629 §4: no overlongs, no surrogates, <= U+10FFFF). */
size_t
cs_utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))
			return 0;
		/* U+FFFE and U+FFFF are not XML characters */
		if (c == 0xef && s[1] == 0xbf && s[2] >= 0xbe)
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/* Copy of s with each byte that is not part of a valid UTF-8 sequence
 * replaced by '?'. */
static char *
json_utf8_copy(const char *s)
{
	size_t n = strlen(s), i = 0;
	char *c = malloc(n + 1);

	if (c == NULL)
		return NULL;
	while (i < n) {
		size_t k = cs_utf8_len((const unsigned char *)s + i);

		if (k == 0) {
			c[i++] = '?';
			continue;
		}
		memcpy(c + i, s + i, k);
		i += k;
	}
	c[n] = '\0';
	return c;
}

json_t *
cs_json_str(const char *s)
{
	json_t *v;
	char *c;

	if (s == NULL)
		return NULL;
	if ((v = json_string(s)) != NULL)
		return v;
	if ((c = json_utf8_copy(s)) == NULL)
		return NULL;
	v = json_string(c);
	free(c);
	return v;
}

int
cs_json_set(json_t *o, const char *key, json_t *v)
{
	char *c;
	int r;

	if (v == NULL || key == NULL) {
		json_decref(v);
		return -1;
	}
	if (json_object_set_new(o, key, json_incref(v)) == 0) {
		json_decref(v);
		return 0;
	}
	if ((c = json_utf8_copy(key)) == NULL) {
		json_decref(v);
		return -1;
	}
	r = json_object_set_new(o, c, v);
	free(c);
	return r;
}

int
cs_report_resources_get(struct cs_report_resources *out)
{
	struct rusage ru;
	struct dirent *de;
	unsigned fds = 0;
	DIR *d;

	if (out == NULL)
		return -EINVAL;
	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return -errno;
	if ((d = opendir("/proc/self/fd")) == NULL)
		return -errno;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			fds++;
	closedir(d);
	out->valid = true;
	out->max_rss_kib = (uint64_t)ru.ru_maxrss; /* KiB on Linux */
	out->cpu_user_s =
	    (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	out->cpu_sys_s =
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	out->fds = fds > 0 ? fds - 1 : 0; /* minus the directory's own fd */
	return 0;
}

void
cs_report_rule_impair(struct cs_report_rule *out,
    struct cs_report_kv kv[CS_REPORT_IMPAIR_COUNTERS], const char *name,
    const struct cs_impair_stats *st)
{
	const struct cs_report_kv v[CS_REPORT_IMPAIR_COUNTERS] = {
		{ "matched", st->matched },
		{ "dropped", st->dropped },
		{ "delayed", st->delayed },
		{ "duplicated", st->duplicated },
		{ "corrupted", st->corrupted },
		{ "truncated", st->truncated },
		{ "held", st->held },
		{ "released", st->released },
	};

	memcpy(kv, v, sizeof(v));
	out->name = name;
	out->counters = kv;
	out->n_counters = CS_REPORT_IMPAIR_COUNTERS;
}

void
cs_report_rule_nat(struct cs_report_rule *out,
    struct cs_report_kv kv[CS_REPORT_NAT_COUNTERS], const char *name,
    const struct cs_nat_stats *st)
{
	const struct cs_report_kv v[CS_REPORT_NAT_COUNTERS] = {
		{ "mappings", st->mappings },
		{ "active", st->active },
		{ "expired_idle", st->expired_idle },
		{ "expired_forced", st->expired_forced },
		{ "rebound", st->rebound },
		{ "out_pkts", st->out_pkts },
		{ "in_pkts", st->in_pkts },
		{ "in_no_mapping", st->in_no_mapping },
		{ "in_no_reverse", st->in_no_reverse },
		{ "alloc_failures", st->alloc_failures },
	};

	memcpy(kv, v, sizeof(v));
	out->name = name;
	out->counters = kv;
	out->n_counters = CS_REPORT_NAT_COUNTERS;
}

void
cs_report_diag_from(struct cs_report_diag *out, struct cs_report_kv *kv,
    size_t kv_len, const struct cs_diagnosis *d)
{
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	out->code = d->code;
	out->confidence =
	    d->code != NULL ? cs_diag_conf_name(d->confidence) : NULL;
	out->evidence = d->evidence;
	out->self_bad = d->self_bad;
	out->self_text = d->self_text;
	out->summary = d->summary;
	out->hint = d->hint;
	out->aps_affected = d->aps_affected;
	for (int c = 0; c < CS_DIAG__COUNT && kv != NULL; c++) {
		if (d->count[c] == 0 || n >= kv_len)
			continue;
		kv[n].name = cs_diag_code_name((enum cs_diag_code)c);
		kv[n].value = d->count[c];
		n++;
	}
	out->counts = kv;
	out->n_counts = n;
}

bool
cs_report_health_limited(struct cs_report_resources *res)
{
	if (res == NULL)
		return false;
	res->limited = (res->has_lateness &&
	                   (res->lateness_p99_ms >= 1000.0 ||
	                       res->lateness_max_ms >= 5000.0)) ||
	    (res->has_health && res->rxq_drops > 0) ||
	    (res->has_health && res->hs_queue_own && res->hs_waiting > 0);
	return res->limited;
}

int
cs_report_causes_build(struct cs_report_causes *rc, struct cs_report_diag *out,
    const struct cs_diagnosis *d, const struct cs_report_ap *aps, size_t n,
    size_t max_items)
{
	size_t total = 0, k = 0, used = 0;
	const char **names = NULL;

	if (rc == NULL || out == NULL || d == NULL)
		return -EINVAL;
	memset(rc, 0, sizeof(*rc));
	for (int c = 0; c < CS_DIAG__COUNT; c++)
		if (c != CS_DIAG_OK && d->count[c] > 0)
			total += d->count[c];
	rc->causes = calloc(CS_DIAG__COUNT, sizeof(*rc->causes));
	rc->names = calloc(CS_DIAG__COUNT, sizeof(*rc->names));
	rc->aps = calloc(total > 0 ? total : 1, sizeof(*rc->aps));
	names = calloc(total > 0 ? total : 1, sizeof(*names));
	if (rc->causes == NULL || rc->names == NULL || rc->aps == NULL ||
	    names == NULL)
		goto fail;
	for (int c = 0; c < CS_DIAG__COUNT; c++) {
		struct cs_report_cause *rcs = &rc->causes[k];
		size_t m = 0;
		int len;

		if (c == CS_DIAG_OK || d->count[c] == 0)
			continue;
		rcs->cause = cs_diag_code_name((enum cs_diag_code)c);
		rcs->aps = d->count[c];
		rcs->confidence = cs_diag_conf_name(d->conf[c]);
		rcs->evidence = d->cause_evidence[c];
		rcs->ap_list = rc->aps + used;
		for (unsigned i = 0; d->ap_idx[c] != NULL && i < d->count[c];
		     i++) {
			size_t at = d->ap_idx[c][i];

			if (aps == NULL || at >= n)
				continue;
			rc->aps[used + m] = aps[at];
			names[m] = aps[at].name;
			m++;
		}
		rcs->n_ap_list = m;
		used += m;
		if (m > 0) {
			len = cs_diag_names_compress(
			    names, m, max_items, NULL, 0);
			if (len < 0)
				goto fail;
			rc->names[k] = malloc((size_t)len + 1);
			if (rc->names[k] == NULL)
				goto fail;
			cs_diag_names_compress(
			    names, m, max_items, rc->names[k], (size_t)len + 1);
			rcs->ap_names = rc->names[k];
		}
		k++;
	}
	rc->n = k;
	free(names);
	out->causes = rc->causes;
	out->n_causes = rc->n;
	out->confidence = cs_diag_conf_name(d->confidence);
	out->evidence = d->evidence;
	out->self_bad = d->self_bad;
	out->self_text = d->self_text;
	return 0;
fail:
	free(names);
	cs_report_causes_free(rc);
	return -ENOMEM;
}

void
cs_report_causes_free(struct cs_report_causes *rc)
{
	if (rc == NULL)
		return;
	for (size_t i = 0; rc->names != NULL && i < CS_DIAG__COUNT; i++)
		free(rc->names[i]);
	free(rc->names);
	free(rc->causes);
	free(rc->aps);
	memset(rc, 0, sizeof(*rc));
}

void
cs_report_rfc3339(uint64_t unix_ms, char *buf, size_t len)
{
	time_t t = (time_t)(unix_ms / 1000);
	struct tm tm;
	char day[24];

	if (buf == NULL || len == 0)
		return;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, len, "%s.%03uZ", day, (unsigned)(unix_ms % 1000));
}
