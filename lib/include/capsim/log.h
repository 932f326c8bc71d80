/* SPDX-License-Identifier: MIT */
/*
 * Logging through a callback (STYLE G9): the library never writes to
 * stderr itself.  A NULL callback drops the message.
 */
#ifndef CS_LOG_H
#define CS_LOG_H

#include "capsim/common.h"

enum cs_log_level {
	CS_LOG_ERR,
	CS_LOG_WARN,
	CS_LOG_INFO,
	CS_LOG_DEBUG,
	CS_LOG__COUNT
};

typedef void cs_log_fn(void *ctx, int level, const char *msg);

struct cs_log {
	cs_log_fn *fn;
	void *ctx;
	int max_level; /* messages above this level are dropped */
};

CS_API void cs_logf(const struct cs_log *log, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Logs at CS_LOG_ERR and returns r, so "log and return" is one statement. */
CS_API int cs_log_err(const struct cs_log *log, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
CS_API const char *cs_log_level_name(int level);

#endif /* CS_LOG_H */
