/* SPDX-License-Identifier: MIT */
/* Event log: exact JSON lines parsed back with jansson, free-form
 * records, concurrent writers (no torn or lost lines, per-thread order
 * kept), write errors sticky and reported at close, throughput. */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/capwap.h"
#include "capsim/events.h"

static char *
slurp(FILE *fp, size_t *len)
{
	long n;
	char *buf;

	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static void
test_ap_event_lines(void **state)
{
	static const uint8_t mac[6] = { 0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e };
	struct cs_events_ap ap = { 17, mac, "AP-0017" };
	struct cs_ap_event ev = { 0 };
	struct cs_events *w;
	FILE *fp = tmpfile();
	char *text, *nl;
	size_t len;

	(void)state;
	assert_non_null(fp);
	assert_int_equal(cs_events_open_fp(&w, fp, false), 0);
	ev.t_ms = 1234;
	ev.kind = CS_AP_EV_STATE;
	ev.from = CS_AP_DTLS_SETUP;
	ev.to = CS_AP_JOIN;
	ev.phase = CS_PHASE_DTLS;
	ev.peer_ip = 0x7f000001;
	ev.reason = "DTLS established";
	assert_int_equal(cs_events_ap(w, &ap, &ev), 0);
	memset(&ev, 0, sizeof(ev));
	ev.t_ms = 5000;
	ev.kind = CS_AP_EV_RETRANSMIT;
	ev.phase = CS_PHASE_JOIN;
	ev.msg_type = CS_MSG_JOIN_REQ;
	ev.value = 2;
	assert_int_equal(cs_events_ap(w, NULL, &ev), 0);
	memset(&ev, 0, sizeof(ev));
	ev.kind = CS_AP_EV_FAILURE;
	ev.phase = CS_PHASE_DTLS;
	ev.reason = "quote \" backslash \\ newline \n bad \xff";
	ap.mac = NULL;
	ap.name = NULL;
	assert_int_equal(cs_events_ap(w, &ap, &ev), 0);
	assert_int_equal(cs_events_count(w), 3);
	assert_int_equal(cs_events_close(w), 0);
	text = slurp(fp, &len);
	fclose(fp);
	/* exact bytes: keys in a fixed order, one object per line */
	nl = strchr(text, '\n');
	assert_non_null(nl);
	*nl = '\0';
	assert_string_equal(text,
	    "{\"t_ms\":1234,\"ap\":18,\"mac\":\"00:1a:2b:3c:4d:5e\","
	    "\"name\":\"AP-0017\",\"kind\":\"state\",\"from\":\"DTLS-Setup\","
	    "\"to\":\"Join\",\"phase\":\"dtls-handshake\","
	    "\"reason\":\"DTLS established\",\"value\":0,"
	    "\"peer\":\"127.0.0.1\"}");
	text[strlen(text)] = '\n';
	{
		char *l2 = nl + 1, *l3 = strchr(l2, '\n') + 1;
		json_t *j;

		assert_memory_equal(l2,
		    "{\"t_ms\":5000,\"kind\":\"retransmit\",\"phase\":\"join\","
		    "\"msg\":\"Join Request\",\"value\":2}\n",
		    strlen("{\"t_ms\":5000,\"kind\":\"retransmit\",\"phase\":"
		           "\"join\",\"msg\":\"Join Request\",\"value\":2}\n"));
		j = json_loads(l3, JSON_DISABLE_EOF_CHECK, NULL);
		assert_non_null(j);
		assert_string_equal(
		    json_string_value(json_object_get(j, "reason")),
		    "quote \" backslash \\ newline \n bad ?");
		assert_int_equal(
		    json_integer_value(json_object_get(j, "ap")), 18);
		assert_null(json_object_get(j, "mac"));
		assert_null(json_object_get(j, "from"));
		assert_null(json_object_get(j, "peer"));
		json_decref(j);
		/* exactly three lines */
		assert_ptr_equal(strchr(l3, '\n') + 1, text + len);
	}
	free(text);
}

static void
test_free_form(void **state)
{
	struct cs_events_ap ap = { 3, NULL, "x" };
	struct cs_events_rec r = { 0 };
	struct cs_events *w;
	FILE *fp = tmpfile();
	char *text;
	size_t len;

	(void)state;
	assert_int_equal(cs_events_open_fp(&w, fp, false), 0);
	r.t_ms = 60000;
	r.kind = "timeline";
	r.msg = "wlc-restart";
	assert_int_equal(cs_events_write(w, &r), 0);
	r.ap = &ap;
	r.kind = "reboot";
	r.msg = NULL;
	r.has_value = true;
	r.value = -5;
	r.peer_ip = 0xc6120001;
	assert_int_equal(cs_events_write(w, &r), 0);
	assert_int_equal(cs_events_close(w), 0);
	text = slurp(fp, &len);
	fclose(fp);
	assert_string_equal(text,
	    "{\"t_ms\":60000,\"kind\":\"timeline\",\"msg\":\"wlc-restart\"}\n"
	    "{\"t_ms\":60000,\"ap\":4,\"name\":\"x\",\"kind\":\"reboot\","
	    "\"value\":-5,\"peer\":\"198.18.0.1\"}\n");
	free(text);
}

static void
test_flush(void **state)
{
	char path[] = "/tmp/capsim-test-events-XXXXXX", line[128];
	struct cs_events_rec r = { 0 };
	struct cs_events *w;
	FILE *fp;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(cs_events_open(&w, path), 0);
	r.kind = "tick";
	assert_int_equal(cs_events_write(w, &r), 0);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_null(fgets(line, sizeof(line), fp)); /* still buffered */
	assert_int_equal(cs_events_flush(w), 0);
	clearerr(fp);
	assert_non_null(fgets(line, sizeof(line), fp));
	assert_string_equal(line, "{\"t_ms\":0,\"kind\":\"tick\"}\n");
	fclose(fp);
	assert_int_equal(cs_events_close(w), 0);
	unlink(path);
}

static void
test_long_line(void **state)
{
	struct cs_events_rec r = { 0 };
	struct cs_events *w;
	FILE *fp = tmpfile();
	char reason[3000], *text;
	size_t len;
	json_t *j;

	(void)state;
	memset(reason, 'r', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	assert_int_equal(cs_events_open_fp(&w, fp, false), 0);
	r.reason = reason; /* longer than the stack buffer */
	assert_int_equal(cs_events_write(w, &r), 0);
	r.reason = "short";
	assert_int_equal(cs_events_write(w, &r), 0);
	assert_int_equal(cs_events_close(w), 0);
	text = slurp(fp, &len);
	fclose(fp);
	j = json_loads(text, JSON_DISABLE_EOF_CHECK, NULL);
	assert_non_null(j);
	assert_string_equal(
	    json_string_value(json_object_get(j, "reason")), reason);
	json_decref(j);
	assert_string_equal(
	    strchr(text, '\n') + 1, "{\"t_ms\":0,\"reason\":\"short\"}\n");
	free(text);
}

#define N_THREADS 4
#define N_PER     25000

struct worker {
	struct cs_events *w;
	unsigned id;
};

static void *
worker_main(void *arg)
{
	struct worker *wk = arg;
	struct cs_events_ap ap = { wk->id, NULL, NULL };
	struct cs_ap_event ev = { 0 };

	ev.kind = CS_AP_EV_STATE;
	ev.from = CS_AP_JOIN;
	ev.to = CS_AP_CONFIGURE;
	ev.phase = CS_PHASE_JOIN;
	ev.reason = "Join Response result 0";
	for (unsigned i = 0; i < N_PER; i++) {
		ev.t_ms = i;
		ev.value = i;
		if (cs_events_ap(wk->w, &ap, &ev) != 0)
			return (void *)1;
	}
	return NULL;
}

static void
test_concurrent_writers(void **state)
{
	char path[] = "/tmp/capsim-test-events-XXXXXX";
	struct worker wk[N_THREADS];
	pthread_t th[N_THREADS];
	uint32_t next[N_THREADS] = { 0 };
	struct timespec t0, t1;
	struct cs_events *w;
	char line[512];
	unsigned lines = 0;
	double secs;
	FILE *fp;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(cs_events_open(&w, path), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 0; i < N_THREADS; i++) {
		wk[i].w = w;
		wk[i].id = i;
		assert_int_equal(
		    pthread_create(&th[i], NULL, worker_main, &wk[i]), 0);
	}
	for (unsigned i = 0; i < N_THREADS; i++) {
		void *rv;

		assert_int_equal(pthread_join(th[i], &rv), 0);
		assert_null(rv);
	}
	assert_int_equal(cs_events_count(w), N_THREADS * N_PER);
	assert_int_equal(cs_events_close(w), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("events: %u lines from %u threads in %.3f s "
	              "(%.0f lines/s)\n",
	    N_THREADS * N_PER, N_THREADS, secs,
	    (double)(N_THREADS * N_PER) / secs);
	fp = fopen(path, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		json_error_t e;
		json_t *j = json_loads(line, 0, &e);
		unsigned ap, v;

		if (j == NULL)
			fail_msg("torn line %u: %s", lines, line);
		/* "ap" counts from 1 */
		ap = (unsigned)json_integer_value(json_object_get(j, "ap")) - 1;
		v = (unsigned)json_integer_value(json_object_get(j, "value"));
		assert_true(ap < N_THREADS);
		assert_int_equal(v, next[ap]); /* per-writer order kept */
		next[ap]++;
		json_decref(j);
		lines++;
	}
	fclose(fp);
	unlink(path);
	assert_int_equal(lines, N_THREADS * N_PER);
}

static void
test_errors(void **state)
{
	struct cs_events_rec r = { 0 };
	struct cs_events *w = (struct cs_events *)&r, *keep;

	(void)state;
	keep = w;
	assert_int_equal(
	    cs_events_open(&w, "/nonexistent-dir/ev.jsonl"), -ENOENT);
	assert_ptr_equal(w, keep); /* untouched */
	assert_int_equal(cs_events_open(NULL, "x"), -EINVAL);
	assert_int_equal(cs_events_open(&w, NULL), -EINVAL);
	assert_int_equal(cs_events_open_fp(&w, NULL, false), -EINVAL);
	assert_int_equal(cs_events_write(NULL, &r), -EINVAL);
	assert_int_equal(cs_events_ap(NULL, NULL, NULL), -EINVAL);
	assert_int_equal(cs_events_close(NULL), 0);
	assert_int_equal(cs_events_flush(NULL), -EINVAL);
	/* a full disk shows at the latest when the buffer is flushed */
	assert_int_equal(cs_events_open(&w, "/dev/full"), 0);
	r.kind = "x";
	assert_int_equal(cs_events_write(w, &r), 0); /* buffered */
	assert_int_equal(cs_events_flush(w), -EIO);
	assert_int_equal(cs_events_write(w, &r), -EIO); /* sticky */
	assert_int_equal(cs_events_close(w), -EIO);
	assert_int_equal(cs_events_open(&w, "/dev/full"), 0);
	assert_int_equal(cs_events_write(w, &r), 0);
	assert_int_equal(cs_events_close(w), -EIO); /* close flushes */
	/* more than the buffer: the error comes back from a write, sticks */
	assert_int_equal(cs_events_open(&w, "/dev/full"), 0);
	{
		int rc = 0;

		for (unsigned i = 0; i < 100000 && rc == 0; i++)
			rc = cs_events_write(w, &r);
		assert_int_equal(rc, -EIO);
		assert_int_equal(cs_events_write(w, &r), -EIO);
	}
	assert_int_equal(cs_events_close(w), -EIO);
}

/* With the run's start known, each line carries its wall-clock time. */
static void
test_wall_clock(void **state)
{
	struct cs_events_rec r = { 0 };
	struct cs_events *w;
	char *text;
	size_t len;
	FILE *fp = tmpfile();

	(void)state;
	assert_non_null(fp);
	assert_int_equal(cs_events_open_fp(&w, fp, false), 0);
	cs_events_set_epoch(w, 1796644800000ull); /* 2026-12-07T12:00:00Z */
	r.t_ms = 1250;
	r.kind = "tick";
	assert_int_equal(cs_events_write(w, &r), 0);
	assert_int_equal(cs_events_close(w), 0);
	text = slurp(fp, &len);
	fclose(fp);
	assert_string_equal(text,
	    "{\"t_ms\":1250,\"time\":\"2026-12-07T12:00:01.250Z\","
	    "\"kind\":\"tick\"}\n");
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ap_event_lines),
		cmocka_unit_test(test_free_form),
		cmocka_unit_test(test_flush),
		cmocka_unit_test(test_wall_clock),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_concurrent_writers),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests_name("events", tests, NULL, NULL);
}
