/* SPDX-License-Identifier: MIT */
/*
 * The `--metrics-listen ADDR:PORT` endpoint: a libevent evhttp server on
 * the caller's event_base that answers GET /metrics with the Prometheus
 * text of capsim/prom.h.  Runs on the main loop; workers are never
 * blocked (the caller's fill callback decides how to gather numbers).
 */
#ifndef CS_METRICS_HTTP_H
#define CS_METRICS_HTTP_H

#include <stdint.h>

#include "capsim/common.h"
#include "capsim/prom.h"

struct event_base;
struct cs_metrics_http;

struct cs_metrics_http_ops {
	/* Fills *snap for one request (snap is zeroed first).  Returns 0,
	 * or a negative errno for a 500 response. */
	int (*fill)(void *ctx, struct cs_prom_snapshot *snap);
	/* Called after the text was built when fill returned 0, to release
	 * what fill lent (e.g. a merged cs_metrics); may be NULL. */
	void (*release)(void *ctx, struct cs_prom_snapshot *snap);
	void *ctx;
};

/*
 * Listens on `addr` ("ADDR:PORT" with a numeric IPv4 address, "[V6]:PORT",
 * "localhost:PORT", or ":PORT" / "*:PORT" for every address; no DNS;
 * port 0 picks a free one) on `base`.  Returns 0 and *ret, or -EINVAL (bad
 * address or arguments), -EADDRINUSE/-EACCES/... (bind failed), -ENOMEM; *ret
 * untouched on failure.
 */
CS_API int cs_metrics_http_new(struct cs_metrics_http **ret,
    struct event_base *base, const char *addr,
    const struct cs_metrics_http_ops *ops);
/* The bound port (host order). */
CS_API uint16_t cs_metrics_http_port(const struct cs_metrics_http *h);
/* Requests answered so far (any status). */
CS_API uint64_t cs_metrics_http_requests(const struct cs_metrics_http *h);
/* Stops listening and frees; NULL is a no-op. */
CS_API void cs_metrics_http_free(struct cs_metrics_http *h);

#endif /* CS_METRICS_HTTP_H */
