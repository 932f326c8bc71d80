/* SPDX-License-Identifier: MIT */
/*
 * `/metrics` over HTTP with libevent's evhttp on the caller's loop; see
 * capsim/metrics_http.h.  The listening socket is made here (not by
 * evhttp_bind_socket) so that a bind failure returns its real errno.
 */
#include "capsim/metrics_http.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#define METRICS_HTTP_TIMEOUT_S 10
#define METRICS_HTTP_BACKLOG   16

struct cs_metrics_http {
	struct evhttp *http;
	struct cs_metrics_http_ops ops;
	uint16_t port;
	uint64_t requests;
};

/* "ADDR:PORT", "[V6]:PORT" or ":PORT" into host (NULL = any) and port. */
static int
metrics_http_split(const char *addr, char *host, size_t hlen, const char **port)
{
	const char *colon, *h = addr;
	size_t n;

	if (addr[0] == '[') {
		const char *end = strchr(addr, ']');

		if (end == NULL || end[1] != ':')
			return -EINVAL;
		h = addr + 1;
		n = (size_t)(end - h);
		colon = end + 1;
	} else {
		if ((colon = strrchr(addr, ':')) == NULL)
			return -EINVAL;
		n = (size_t)(colon - addr);
	}
	if (n >= hlen || colon[1] == '\0')
		return -EINVAL;
	memcpy(host, h, n);
	host[n] = '\0';
	for (const char *p = colon + 1; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return -EINVAL;
	/* a TCP port is 0..65535 (getaddrinfo would take 99999 modulo) */
	if (strlen(colon + 1) > 5 || atol(colon + 1) > 65535)
		return -EINVAL;
	*port = colon + 1;
	return 0;
}

/* A non-blocking listening TCP socket: fd, or a negative errno. */
static int
metrics_http_listen(const char *addr, uint16_t *bound)
{
	struct addrinfo hints, *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	const char *port;
	char host[256];
	int fd, r, one = 1;

	if ((r = metrics_http_split(addr, host, sizeof(host), &port)) < 0)
		return r;
	/* numeric addresses only (no blocking DNS on the main loop), plus
	 * "localhost"; an empty host or "*" means every address */
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	else if (strcmp(host, "*") == 0)
		host[0] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV | AI_NUMERICHOST;
	if (getaddrinfo(host[0] != '\0' ? host : NULL, port, &hints, &ai) !=
	        0 ||
	    ai == NULL)
		return -EINVAL;
	fd = socket(
	    ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		freeaddrinfo(ai);
		return r;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    listen(fd, METRICS_HTTP_BACKLOG) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		r = -errno;
		close(fd);
		freeaddrinfo(ai);
		return r;
	}
	freeaddrinfo(ai);
	if (ss.ss_family == AF_INET)
		*bound = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else
		*bound = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static void
metrics_http_reply(struct evhttp_request *req, int code, const char *reason,
    const char *ctype, const char *body, size_t len)
{
	struct evbuffer *out = evhttp_request_get_output_buffer(req);

	evhttp_add_header(
	    evhttp_request_get_output_headers(req), "Content-Type", ctype);
	if (body != NULL)
		evbuffer_add(out, body, len);
	evhttp_send_reply(req, code, reason, NULL);
}

static void
metrics_http_handle(struct evhttp_request *req, void *arg)
{
	struct cs_metrics_http *h = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	static const char text[] = "text/plain; charset=utf-8";
	struct cs_prom_snapshot snap;
	char *body;

	h->requests++;
	if (path == NULL || strcmp(path, "/metrics") != 0) {
		static const char nf[] = "not found; try /metrics\n";

		metrics_http_reply(
		    req, HTTP_NOTFOUND, "Not Found", text, nf, sizeof(nf) - 1);
		return;
	}
	memset(&snap, 0, sizeof(snap));
	if (h->ops.fill(h->ops.ctx, &snap) < 0) {
		static const char busy[] = "metrics unavailable\n";

		metrics_http_reply(req, HTTP_INTERNAL, "Internal Server Error",
		    text, busy, sizeof(busy) - 1);
		return;
	}
	body = cs_prom_text(&snap);
	if (h->ops.release != NULL)
		h->ops.release(h->ops.ctx, &snap);
	if (body == NULL) {
		static const char oom[] = "out of memory\n";

		metrics_http_reply(req, HTTP_INTERNAL, "Internal Server Error",
		    text, oom, sizeof(oom) - 1);
		return;
	}
	/* HEAD: evhttp sends the headers and drops the body itself */
	metrics_http_reply(req, HTTP_OK, "OK",
	    "text/plain; version=0.0.4; charset=utf-8", body, strlen(body));
	free(body);
}

int
cs_metrics_http_new(struct cs_metrics_http **ret, struct event_base *base,
    const char *addr, const struct cs_metrics_http_ops *ops)
{
	struct cs_metrics_http *h;
	uint16_t port = 0;
	int fd, r;

	if (ret == NULL || base == NULL || addr == NULL || ops == NULL ||
	    ops->fill == NULL)
		return -EINVAL;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return -ENOMEM;
	h->ops = *ops;
	if ((h->http = evhttp_new(base)) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_timeout(h->http, METRICS_HTTP_TIMEOUT_S);
	evhttp_set_gencb(h->http, metrics_http_handle, h);
	if ((fd = metrics_http_listen(addr, &port)) < 0) {
		r = fd;
		goto fail;
	}
	/* evhttp owns fd from here (closed by evhttp_free) */
	if (evhttp_accept_socket_with_handle(h->http, fd) == NULL) {
		close(fd);
		r = -ENOMEM;
		goto fail;
	}
	h->port = port;
	*ret = h;
	return 0;
fail:
	cs_metrics_http_free(h);
	return r;
}

uint16_t
cs_metrics_http_port(const struct cs_metrics_http *h)
{
	return h != NULL ? h->port : 0;
}

uint64_t
cs_metrics_http_requests(const struct cs_metrics_http *h)
{
	return h != NULL ? h->requests : 0;
}

void
cs_metrics_http_free(struct cs_metrics_http *h)
{
	if (h == NULL)
		return;
	if (h->http != NULL)
		evhttp_free(h->http);
	free(h);
}
