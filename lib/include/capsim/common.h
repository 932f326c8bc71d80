/* SPDX-License-Identifier: MIT */
/*
 * Things every capsim module shares: the export macro and the decoder
 * error report (STYLE G5).
 */
#ifndef CS_COMMON_H
#define CS_COMMON_H

#include <stddef.h>

#define CS_API __attribute__((visibility("default")))

#define CS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Why a decoder failed.  Filled only on failure, and only when the caller
 * passes one (NULL is allowed everywhere).  `what` points to a static
 * string; `offset` is the byte offset, from the start of the buffer the
 * caller handed in, where the problem was found.
 */
struct cs_err {
	int code; /* negative errno, as returned */
	const char
	    *what;     /* static text, e.g. "element length beyond message" */
	size_t offset; /* byte offset into the caller's buffer */
};

/* Records an error and returns `code`, so that "report and return" is one
 * statement.  `err` may be NULL. */
CS_API int cs_err_set(
    struct cs_err *err, int code, const char *what, size_t offset);

/* capsim's version ("0.1.0", the CMake project version), for --version
 * and every report. */
CS_API const char *cs_version(void);

#endif /* CS_COMMON_H */
