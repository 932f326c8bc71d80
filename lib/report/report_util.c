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

#include "capsim/report.h"

static char *
json_ascii_copy(const char *s)
{
	size_t n = strlen(s);
	char *c = malloc(n + 1);

	if (c == NULL)
		return NULL;
	for (size_t i = 0; i <= n; i++)
		c[i] = (unsigned char)s[i] >= 0x80 ? '?' : s[i];
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
	if ((c = json_ascii_copy(s)) == NULL)
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
	if ((c = json_ascii_copy(key)) == NULL) {
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
