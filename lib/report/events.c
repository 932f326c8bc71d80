/* SPDX-License-Identifier: MIT */
/*
 * Event log writer (`--events FILE`); see capsim/events.h.  Each line is
 * built and serialised by the calling worker without the lock (jansson,
 * json_dumpb into a stack buffer); the lock covers only one fwrite into
 * a large stdio buffer, so workers rarely wait on each other or on the
 * disk.
 */
#include "capsim/events.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/ofile.h"
#include "capsim/report.h"
#include "report-internal.h"

#define EVENTS_BUF_BYTES (1u << 20) /* stdio buffer: ~5000 lines */
#define EVENTS_LINE_MAX  1024       /* serialised on the stack up to this */

struct cs_events {
	pthread_mutex_t lock;
	FILE *fp;
	bool close_fp;
	struct cs_ofile *of; /* cs_events_open: renamed into place at close */
	int err;             /* first error, sticky */
	uint64_t epoch_unix_ms; /* wall clock at t_ms 0; 0 = not given */
	uint64_t lines;
	char *vbuf;
};

int
cs_events_open_fp(struct cs_events **ret, FILE *fp, bool close_fp)
{
	struct cs_events *w;

	if (ret == NULL || fp == NULL)
		return -EINVAL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -ENOMEM;
	if (pthread_mutex_init(&w->lock, NULL) != 0) {
		free(w);
		return -ENOMEM;
	}
	/* a big full buffer: one write(2) per ~1 MiB of lines; only on a
	 * stream we own, since setvbuf must precede any other use of it */
	if (close_fp && (w->vbuf = malloc(EVENTS_BUF_BYTES)) != NULL &&
	    setvbuf(fp, w->vbuf, _IOFBF, EVENTS_BUF_BYTES) != 0) {
		free(w->vbuf);
		w->vbuf = NULL;
	}
	w->fp = fp;
	w->close_fp = close_fp;
	*ret = w;
	return 0;
}

int
cs_events_open(struct cs_events **ret, const char *path)
{
	struct cs_ofile *of;
	FILE *fp;
	int r;

	if (ret == NULL || path == NULL)
		return -EINVAL;
	if (strcmp(path, "-") == 0)
		return cs_events_open_fp(ret, stdout, false);
	if ((r = cs_ofile_open_live(&of, path, 0644, NULL, 0)) < 0)
		return r;
	fp = cs_ofile_fp(of);
	if ((r = cs_events_open_fp(ret, fp, true)) < 0) {
		cs_ofile_discard(of);
		return r;
	}
	(*ret)->of = of;
	return 0;
}

static json_t *
events_mac(const uint8_t *mac)
{
	static const char hex[] = "0123456789abcdef";
	char s[18];

	for (int i = 0; i < 6; i++) {
		s[3 * i] = hex[mac[i] >> 4];
		s[3 * i + 1] = hex[mac[i] & 0xf];
		s[3 * i + 2] = i < 5 ? ':' : '\0';
	}
	return json_stringn_nocheck(s, 17);
}

static json_t *
events_ip(uint32_t ip)
{
	char s[16];

	snprintf(s, sizeof(s), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
	    (ip >> 8) & 0xff, ip & 0xff);
	return json_string_nocheck(s);
}

/* Serialises o plus '\n' and appends it under the lock; consumes o. */
static int
events_emit(struct cs_events *w, json_t *o, bool oom)
{
	char stack[EVENTS_LINE_MAX], *line = stack, *heap = NULL;
	size_t n;
	int r;

	if (o == NULL || oom) {
		json_decref(o);
		r = -ENOMEM;
		goto out_err;
	}
	n = json_dumpb(
	    o, stack, sizeof(stack) - 1, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (n == 0 || n >= sizeof(stack) - 1) {
		if ((heap = json_dumps(
		         o, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL) {
			json_decref(o);
			r = -ENOMEM;
			goto out_err;
		}
		n = strlen(heap);
		line = heap; /* no room for '\n' here: written apart */
	}
	json_decref(o);
	pthread_mutex_lock(&w->lock);
	if (w->err == 0) {
		if (line == stack) {
			stack[n++] = '\n';
			if (fwrite(stack, 1, n, w->fp) != n)
				w->err = -EIO;
		} else if (fwrite(line, 1, n, w->fp) != n ||
		    fputc('\n', w->fp) == EOF) {
			w->err = -EIO;
		}
		if (w->err == 0)
			w->lines++;
	}
	r = w->err;
	pthread_mutex_unlock(&w->lock);
	free(heap);
	return r;
out_err:
	pthread_mutex_lock(&w->lock);
	if (w->err == 0)
		w->err = r;
	pthread_mutex_unlock(&w->lock);
	return r;
}

/* keys are fixed ASCII literals: skip jansson's per-key UTF-8 check */
static void
events_set(json_t *o, const char *key, json_t *v, bool *oom)
{
	if (v == NULL || json_object_set_new_nocheck(o, key, v) < 0)
		*oom = true;
}

/* Wall-clock time of t_ms when the run's start is known (RFC 3339). */
static void
events_time(const struct cs_events *w, json_t *o, uint64_t t_ms, bool *oom)
{
	char t[32];

	if (w->epoch_unix_ms == 0)
		return;
	cs_report_rfc3339(w->epoch_unix_ms + t_ms, t, sizeof(t));
	events_set(o, "time", json_string_nocheck(t), oom);
}

void
cs_events_set_epoch(struct cs_events *w, uint64_t unix_ms)
{
	if (w != NULL)
		w->epoch_unix_ms = unix_ms;
}

static void
events_ap_fields(json_t *o, const struct cs_events_ap *ap, bool *oom)
{
	if (ap == NULL)
		return;
	/* numbered from 1, as the log says "AP 1" */
	events_set(o, "ap", json_integer((json_int_t)ap->index + 1), oom);
	if (ap->mac != NULL)
		events_set(o, "mac", events_mac(ap->mac), oom);
	if (ap->name != NULL)
		events_set(o, "name", cs_json_str(ap->name), oom);
}

int
cs_events_ap(struct cs_events *w, const struct cs_events_ap *ap,
    const struct cs_ap_event *ev)
{
	const char *kind, *phase;
	bool oom = false;
	json_t *o;

	if (w == NULL || ev == NULL)
		return -EINVAL;
	kind = cs_ap_ev_kind_name(ev->kind);
	phase = cs_phase_name(ev->phase);
	if ((o = json_object()) == NULL)
		return events_emit(w, NULL, true);
	events_set(o, "t_ms", json_integer((json_int_t)ev->t_ms), &oom);
	events_time(w, o, ev->t_ms, &oom);
	events_ap_fields(o, ap, &oom);
	events_set(o, "kind",
	    json_string_nocheck(kind != NULL ? kind : "unknown"), &oom);
	if (ev->kind == CS_AP_EV_STATE) {
		const char *from = cs_ap_state_name(ev->from);
		const char *to = cs_ap_state_name(ev->to);

		events_set(o, "from",
		    json_string_nocheck(from ? from : "unknown"), &oom);
		events_set(
		    o, "to", json_string_nocheck(to ? to : "unknown"), &oom);
	}
	if (phase != NULL)
		events_set(o, "phase", json_string_nocheck(phase), &oom);
	if (ev->msg_type != 0)
		events_set(o, "msg",
		    json_string_nocheck(cs_msg_type_name(ev->msg_type)), &oom);
	if (ev->reason != NULL)
		events_set(o, "reason", cs_json_str(ev->reason), &oom);
	events_set(o, "value", json_integer(ev->value), &oom);
	if (ev->peer_ip != 0)
		events_set(o, "peer", events_ip(ev->peer_ip), &oom);
	return events_emit(w, o, oom);
}

int
cs_events_write(struct cs_events *w, const struct cs_events_rec *r)
{
	bool oom = false;
	json_t *o;

	if (w == NULL || r == NULL)
		return -EINVAL;
	if ((o = json_object()) == NULL)
		return events_emit(w, NULL, true);
	events_set(o, "t_ms", json_integer((json_int_t)r->t_ms), &oom);
	events_time(w, o, r->t_ms, &oom);
	events_ap_fields(o, r->ap, &oom);
	if (r->kind != NULL)
		events_set(o, "kind", cs_json_str(r->kind), &oom);
	if (r->from != NULL)
		events_set(o, "from", cs_json_str(r->from), &oom);
	if (r->to != NULL)
		events_set(o, "to", cs_json_str(r->to), &oom);
	if (r->phase != NULL)
		events_set(o, "phase", cs_json_str(r->phase), &oom);
	if (r->msg != NULL)
		events_set(o, "msg", cs_json_str(r->msg), &oom);
	if (r->reason != NULL)
		events_set(o, "reason", cs_json_str(r->reason), &oom);
	if (r->has_value)
		events_set(
		    o, "value", json_integer((json_int_t)r->value), &oom);
	if (r->peer_ip != 0)
		events_set(o, "peer", events_ip(r->peer_ip), &oom);
	return events_emit(w, o, oom);
}

int
cs_events_flush(struct cs_events *w)
{
	int r;

	if (w == NULL)
		return -EINVAL;
	pthread_mutex_lock(&w->lock);
	if (w->err == 0 && fflush(w->fp) != 0)
		w->err = -EIO;
	r = w->err;
	pthread_mutex_unlock(&w->lock);
	return r;
}

uint64_t
cs_events_count(struct cs_events *w)
{
	uint64_t n;

	if (w == NULL)
		return 0;
	pthread_mutex_lock(&w->lock);
	n = w->lines;
	pthread_mutex_unlock(&w->lock);
	return n;
}

void
cs_events_unlink_tmp(const struct cs_events *w)
{
	if (w != NULL)
		cs_ofile_unlink_tmp(w->of);
}

int
cs_events_close(struct cs_events *w)
{
	int r;

	if (w == NULL)
		return 0;
	r = w->err;
	if (fflush(w->fp) != 0 && r == 0)
		r = -EIO;
	if (w->of != NULL) {
		/* whole lines up to a write error are still worth keeping */
		if (cs_ofile_commit_partial(w->of, NULL, 0) < 0 && r == 0)
			r = -EIO;
	} else if (w->close_fp && fclose(w->fp) != 0 && r == 0) {
		r = -EIO;
	}
	pthread_mutex_destroy(&w->lock);
	free(w->vbuf);
	free(w);
	return r;
}
