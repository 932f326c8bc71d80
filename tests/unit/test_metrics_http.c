/* SPDX-License-Identifier: MIT */
/* /metrics over a real TCP connection on 127.0.0.51: status, headers,
 * body in the exposition format, 404 and 500 paths, release callback,
 * bind errors.  The client is non-blocking and driven in the same thread
 * as the server's event loop. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/metrics_http.h"

#define TEST_ADDR "127.0.0.51"

struct fix {
	struct event_base *base;
	struct cs_metrics_http *h;
	struct cs_metrics m;
	int fill_rc;
	unsigned fills, releases;
};

static int
fill(void *ctx, struct cs_prom_snapshot *snap)
{
	struct fix *f = ctx;

	f->fills++;
	if (f->fill_rc < 0)
		return f->fill_rc;
	snap->aps = 3;
	snap->states[CS_AP_RUN] = 2;
	snap->states[CS_AP_JOIN] = 1;
	snap->m = &f->m;
	return 0;
}

static void
release(void *ctx, struct cs_prom_snapshot *snap)
{
	struct fix *f = ctx;

	assert_ptr_equal(snap->m, &f->m);
	f->releases++;
}

static int
setup(void **state)
{
	struct cs_metrics_http_ops ops = { fill, release, NULL };
	struct fix *f = calloc(1, sizeof(*f));

	if (f == NULL || (f->base = event_base_new()) == NULL)
		return -1;
	cs_metrics_init(&f->m);
	f->m.joins = 2;
	cs_metrics_lat(&f->m, CS_LAT_TOTAL, 42000);
	ops.ctx = f;
	if (cs_metrics_http_new(&f->h, f->base, TEST_ADDR ":0", &ops) != 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	cs_metrics_http_free(f->h);
	event_base_free(f->base);
	cs_metrics_free(&f->m);
	free(f);
	return 0;
}

/* Sends `req` to the server and returns the whole response (the server
 * closes: Connection: close), running the loop meanwhile. */
static char *
http_exchange(struct fix *f, const char *req)
{
	struct sockaddr_in sa;
	size_t cap = 1 << 16, len = 0, sent = 0;
	char *buf = malloc(cap);
	time_t deadline = time(NULL) + 10;
	int fd;

	assert_non_null(buf);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(cs_metrics_http_port(f->h));
	inet_pton(AF_INET, TEST_ADDR, &sa.sin_addr);
	assert_true(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ||
	    errno == EINPROGRESS);
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		assert_true(time(NULL) < deadline);
		event_base_loop(f->base, EVLOOP_NONBLOCK);
		if (sent < strlen(req)) {
			n = send(
			    fd, req + sent, strlen(req) - sent, MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n;
			else
				assert_true(errno == EAGAIN ||
				    errno == ENOTCONN || errno == EINPROGRESS);
		}
		if (poll(&p, 1, 5) <= 0)
			continue;
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n == 0)
			break;
		if (n < 0) {
			assert_true(errno == EAGAIN);
			continue;
		}
		len += (size_t)n;
		assert_true(len < cap - 1);
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* Every body line is a comment or `name{labels} value`. */
static void
check_exposition(const char *body)
{
	const char *p = body;

	assert_true(*body != '\0');
	while (*p != '\0') {
		const char *eol = strchr(p, '\n'), *sp;
		char *end;

		assert_non_null(eol);
		if (*p == '#') {
			assert_true(strncmp(p, "# HELP ", 7) == 0 ||
			    strncmp(p, "# TYPE ", 7) == 0);
			p = eol + 1;
			continue;
		}
		assert_true((*p >= 'a' && *p <= 'z') || *p == '_');
		sp = p;
		while (sp < eol && *sp != ' ' && *sp != '{')
			sp++;
		if (*sp == '{') {
			/* label values never contain an unescaped '}' here */
			sp = memchr(sp, '}', (size_t)(eol - sp));
			assert_non_null(sp);
			sp++;
		}
		assert_int_equal(*sp, ' ');
		if (strncmp(sp + 1, "+Inf\n", 5) != 0) {
			(void)strtod(sp + 1, &end);
			assert_ptr_equal(end, eol);
		}
		p = eol + 1;
	}
}

static void
test_get_metrics(void **state)
{
	struct fix *f = *state;
	char *resp, *body;

	assert_int_not_equal(cs_metrics_http_port(f->h), 0);
	resp = http_exchange(f,
	    "GET /metrics HTTP/1.1\r\nHost: " TEST_ADDR
	    "\r\nConnection: close\r\n\r\n");
	assert_true(strncmp(resp, "HTTP/1.1 200 OK\r\n", 17) == 0);
	assert_non_null(strstr(resp,
	    "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
	body = strstr(resp, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	check_exposition(body);
	assert_non_null(strstr(body, "\ncapsim_aps{state=\"run\"} 2\n"));
	assert_non_null(strstr(body, "\ncapsim_aps{state=\"join\"} 1\n"));
	assert_non_null(strstr(body, "\ncapsim_joins_total 2\n"));
	assert_non_null(strstr(body,
	    "\ncapsim_phase_duration_seconds_bucket{phase=\"total\","
	    "le=\"0.05\"} 1\n"));
	assert_non_null(strstr(body,
	    "\ncapsim_phase_duration_seconds_sum{phase=\"total\"} 0.042\n"));
	assert_int_equal(f->fills, 1);
	assert_int_equal(f->releases, 1);
	free(resp);
	/* a query string is fine; HTTP/1.0 too */
	resp = http_exchange(f, "GET /metrics?x=1 HTTP/1.0\r\n\r\n");
	assert_true(strncmp(resp, "HTTP/1.0 200 OK\r\n", 17) == 0 ||
	    strncmp(resp, "HTTP/1.1 200 OK\r\n", 17) == 0);
	free(resp);
	assert_int_equal(cs_metrics_http_requests(f->h), 2);
}

static void
test_not_found_and_errors(void **state)
{
	struct fix *f = *state;
	char *resp;

	resp = http_exchange(f,
	    "GET / HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n");
	assert_true(strncmp(resp, "HTTP/1.1 404 ", 13) == 0);
	free(resp);
	assert_int_equal(f->fills, 0);
	f->fill_rc = -EAGAIN;
	resp = http_exchange(f,
	    "GET /metrics HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n");
	assert_true(strncmp(resp, "HTTP/1.1 500 ", 13) == 0);
	free(resp);
	assert_int_equal(f->fills, 1);
	assert_int_equal(f->releases, 0); /* nothing lent */
	/* methods other than GET/HEAD are refused */
	resp = http_exchange(f,
	    "POST /metrics HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n");
	assert_true(strncmp(resp, "HTTP/1.1 405 ", 13) == 0 ||
	    strncmp(resp, "HTTP/1.1 501 ", 13) == 0);
	free(resp);
	assert_int_equal(f->fills, 1);
}

static void
test_bind_errors(void **state)
{
	struct fix *f = *state;
	struct cs_metrics_http_ops ops = { fill, NULL, f };
	struct cs_metrics_http *h = (struct cs_metrics_http *)f, *keep = h;
	char addr[64];

	snprintf(addr, sizeof(addr), TEST_ADDR ":%u",
	    (unsigned)cs_metrics_http_port(f->h));
	assert_int_equal(
	    cs_metrics_http_new(&h, f->base, addr, &ops), -EADDRINUSE);
	assert_ptr_equal(h, keep);
	assert_int_equal(
	    cs_metrics_http_new(&h, f->base, "127.0.0.51", &ops), -EINVAL);
	assert_int_equal(
	    cs_metrics_http_new(&h, f->base, "127.0.0.51:", &ops), -EINVAL);
	assert_int_equal(
	    cs_metrics_http_new(&h, f->base, "127.0.0.51:9x", &ops), -EINVAL);
	/* no port beyond 65535 (it used to bind a random one) */
	assert_int_equal(
	    cs_metrics_http_new(&h, f->base, "127.0.0.51:99999", &ops),
	    -EINVAL);
	assert_int_equal(
	    cs_metrics_http_new(&h, f->base, "127.0.0.51:65536", &ops),
	    -EINVAL);
	assert_int_equal(
	    cs_metrics_http_new(&h, f->base, "127.0.0.51:0000080", &ops),
	    -EINVAL);
	assert_int_equal(
	    cs_metrics_http_new(&h, f->base, "[::1:0", &ops), -EINVAL);
	assert_int_equal(
	    cs_metrics_http_new(&h, f->base, "no.such.host.invalid:0", &ops),
	    -EINVAL);
	assert_int_equal(cs_metrics_http_new(&h, NULL, addr, &ops), -EINVAL);
	assert_int_equal(cs_metrics_http_new(&h, f->base, addr, NULL), -EINVAL);
	ops.fill = NULL;
	assert_int_equal(cs_metrics_http_new(&h, f->base, addr, &ops), -EINVAL);
	assert_ptr_equal(h, keep);
	cs_metrics_http_free(NULL);
}

static unsigned
count_fds(void)
{
	unsigned n = 0;

	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

static void
test_free_closes_listener(void **state)
{
	struct fix *f = *state;
	struct cs_metrics_http_ops ops = { fill, NULL, f };
	struct cs_metrics_http *h;
	unsigned before = count_fds();

	for (int i = 0; i < 3; i++) {
		assert_int_equal(
		    cs_metrics_http_new(&h, f->base, "localhost:0", &ops), 0);
		assert_int_not_equal(cs_metrics_http_port(h), 0);
		cs_metrics_http_free(h);
	}
	assert_int_equal(count_fds(), before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_get_metrics, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_not_found_and_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bind_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_free_closes_listener, setup, teardown),
	};

	return cmocka_run_group_tests_name("metrics_http", tests, NULL, NULL);
}
