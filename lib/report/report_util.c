/* SPDX-License-Identifier: MIT */
/*
 * UTF-8-safe jansson helpers for the report writers (report-internal.h)
 * and the process resource figures of the report (capsim/report.h).
 */
#include "report-internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

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

	out->code = d->code;
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
	    (res->has_health && res->rxq_drops > 0);
	return res->limited;
}
