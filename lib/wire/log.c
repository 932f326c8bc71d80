/* SPDX-License-Identifier: MIT */
/* Log callback plumbing; formats into a bounded line and hands it on. */
#include "capsim/log.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const log_level_names[] = {
	[CS_LOG_ERR] = "error",
	[CS_LOG_WARN] = "warning",
	[CS_LOG_INFO] = "info",
	[CS_LOG_DEBUG] = "debug",
};
_Static_assert(CS_ARRAY_SIZE(log_level_names) == CS_LOG__COUNT,
    "log_level_names[] out of sync with enum cs_log_level");

const char *
cs_log_level_name(int level)
{
	if (level < 0 || level >= CS_LOG__COUNT)
		return "?";
	return log_level_names[level];
}

static void __attribute__((format(printf, 3, 0)))
log_v(const struct cs_log *log, int level, const char *fmt, va_list ap)
{
	char line[1024];

	if (log == NULL || log->fn == NULL || level > log->max_level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	log->fn(log->ctx, level, line);
}

void
cs_logf(const struct cs_log *log, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(log, level, fmt, ap);
	va_end(ap);
}

int
cs_log_err(const struct cs_log *log, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(log, CS_LOG_ERR, fmt, ap);
	va_end(ap);
	return r;
}
