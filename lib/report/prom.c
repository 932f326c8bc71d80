/* SPDX-License-Identifier: MIT */
/*
 * Prometheus text exposition format 0.0.4 (prometheus.io "Exposition
 * formats": one # HELP and # TYPE per family, `name{label="v"} value`
 * lines, histogram _bucket{le} cumulative with le="+Inf", _sum, _count);
 * see capsim/prom.h.
 */
#include "capsim/prom.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/client_metrics.h"
#include "capsim/hist.h"
#include "report-internal.h"

uint64_t
cs_prom_le_us(unsigned idx)
{
	if (idx >= CS_PROM_N_LE)
		return 0;
	return cs_metrics_le_us[idx];
}

/* Label value: backslash, double quote and line feed escaped; bytes
 * outside valid UTF-8 (the format's encoding) become '?'. */
static void
prom_label(FILE *f, const char *v)
{
	const unsigned char *p = (const unsigned char *)(v != NULL ? v : "");

	while (*p != '\0') {
		size_t n = cs_utf8_len(p);

		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '"')
			fputs("\\\"", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (n == 0)
			fputc('?', f);
		else
			fwrite(p, 1, n, f);
		p += n > 0 ? n : 1;
	}
}

static void
prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Microseconds as seconds, exactly, without trailing zeros. */
static void
prom_seconds(FILE *f, uint64_t us)
{
	char frac[8];
	int n;

	snprintf(frac, sizeof(frac), "%06u", (unsigned)(us % 1000000));
	for (n = 6; n > 0 && frac[n - 1] == '0'; n--)
		frac[n - 1] = '\0';
	if (n == 0)
		fprintf(f, "%llu", (unsigned long long)(us / 1000000));
	else
		fprintf(f, "%llu.%s", (unsigned long long)(us / 1000000), frac);
}

static void
prom_state_label(char *out, size_t len, enum cs_ap_state st)
{
	const char *name = cs_ap_state_name(st);
	size_t i;

	for (i = 0; name != NULL && name[i] != '\0' && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)name[i]);
	out[i] = '\0';
}

static void
prom_hist(FILE *f, enum cs_lat l, const struct cs_metrics *m)
{
	const char *phase = cs_lat_name(l);
	const struct cs_hist *h = &m->lat[l];

	for (unsigned k = 0; k < CS_PROM_N_LE; k++) {
		fprintf(f,
		    "capsim_phase_duration_seconds_bucket{phase=\"%s\",le=\"",
		    phase);
		prom_seconds(f, cs_prom_le_us(k));
		fprintf(f, "\"} %llu\n", (unsigned long long)m->le_count[l][k]);
	}
	fprintf(f,
	    "capsim_phase_duration_seconds_bucket{phase=\"%s\",le=\"+Inf\"} "
	    "%llu\n",
	    phase, (unsigned long long)h->count);
	fprintf(f, "capsim_phase_duration_seconds_sum{phase=\"%s\"} ", phase);
	prom_seconds(f, h->sum_us);
	fprintf(f, "\ncapsim_phase_duration_seconds_count{phase=\"%s\"} %llu\n",
	    phase, (unsigned long long)h->count);
}

/* Failures by phase and reason code: reasons that differ only in their
 * numbers ("after 8 s", "after 10 s") are one series. */
static void
prom_failures(FILE *f, const struct cs_metrics *m)
{
	prom_family(f, "capsim_failures_total", "counter",
	    "AP join failures by phase and reason code (the reason text is in "
	    "the JSON report).");
	for (int p = 0; p < CS_PHASE__COUNT; p++) {
		char code[CS_METRICS_MAX_REASONS + 1][48];
		uint64_t count[CS_METRICS_MAX_REASONS + 1];
		unsigned n = 0;

		for (unsigned k = 0; k <= m->n_reasons[p]; k++) {
			char c[48];
			uint64_t v;
			unsigned i;

			if (k < m->n_reasons[p]) {
				cs_reason_code(
				    m->reasons[p][k].reason, c, sizeof(c));
				v = m->reasons[p][k].count;
			} else {
				snprintf(c, sizeof(c), "other");
				v = m->other_reasons[p];
			}
			if (v == 0)
				continue;
			for (i = 0; i < n && strcmp(code[i], c) != 0; i++)
				;
			if (i == n) {
				memcpy(code[n], c, sizeof(c));
				count[n++] = 0;
			}
			count[i] += v;
		}
		for (unsigned i = 0; i < n; i++)
			fprintf(f,
			    "capsim_failures_total{phase=\"%s\",reason=\"%s\"} "
			    "%llu\n",
			    cs_phase_name(p), code[i],
			    (unsigned long long)count[i]);
	}
}

static void
prom_counter(FILE *f, const char *name, const char *help, uint64_t v)
{
	prom_family(f, name, "counter", help);
	fprintf(f, "%s %llu\n", name, (unsigned long long)v);
}

static void
prom_wlc(FILE *f, const struct cs_prom_snapshot *s)
{
	const struct cs_wlc_counters *w = s->wlc;

	prom_family(f, "capsim_wlc_aps_joined", "gauge",
	    "APs joined to the mock WLC now.");
	fprintf(f, "capsim_wlc_aps_joined %u\n", s->wlc_joined);
	prom_counter(f, "capsim_wlc_discovery_requests_total",
	    "Discovery Requests the mock WLC received.", w->discovery_rx);
	prom_counter(f, "capsim_wlc_dtls_handshake_failures_total",
	    "DTLS handshakes with the mock WLC that failed.", w->dtls_failed);
	prom_counter(f, "capsim_wlc_shadow_handshakes_rejected_total",
	    "Second handshakes from an established session's address that "
	    "failed (the session went on).",
	    w->shadow_rejected);
	prom_counter(f, "capsim_wlc_sessions_opened_total",
	    "DTLS sessions the mock WLC established.", w->sess_opened);
	prom_counter(f, "capsim_wlc_sessions_closed_total",
	    "DTLS sessions of the mock WLC that ended.", w->sess_closed);
	prom_family(f, "capsim_wlc_join_responses_total", "counter",
	    "Join Responses the mock WLC sent, by result code (RFC 5415 "
	    "4.6.35).");
	for (unsigned c = 0; c < CS_ARRAY_SIZE(w->join_result); c++)
		if (c == 0 || w->join_result[c] > 0)
			fprintf(f,
			    "capsim_wlc_join_responses_total{result_code=\"%"
			    "u\"} "
			    "%llu\n",
			    c, (unsigned long long)w->join_result[c]);
	prom_family(f, "capsim_wlc_failures_total", "counter",
	    "AP failures the mock WLC saw, by the phase the AP was in.");
	for (int p = 0; p < CS_PHASE__COUNT; p++)
		fprintf(f, "capsim_wlc_failures_total{phase=\"%s\"} %llu\n",
		    cs_phase_name(p),
		    (unsigned long long)w->failures_by_phase[p]);
	prom_counter(f, "capsim_wlc_disconnects_total",
	    "APs in Run that closed their session in order (close_notify).",
	    w->disconnects);
	prom_counter(f, "capsim_wlc_keepalives_received_total",
	    "Data-channel keep-alives the mock WLC received.", w->keepalive_rx);
	prom_counter(f, "capsim_wlc_keepalives_dtls_total",
	    "Data-channel keep-alives that came inside data channel DTLS.",
	    w->keepalive_dtls);
	prom_counter(f, "capsim_wlc_data_dtls_sessions_total",
	    "Data channel DTLS handshakes completed (RFC 5415 DTLS Policy D).",
	    w->data_dtls_ok);
	prom_counter(f, "capsim_wlc_data_dtls_resumed_total",
	    "Data channel DTLS handshakes that resumed the control session.",
	    w->data_dtls_resumed);
	prom_counter(f, "capsim_wlc_data_dtls_failures_total",
	    "Data channel DTLS handshakes that failed.", w->data_dtls_failed);
	prom_counter(f, "capsim_wlc_data_clear_refused_total",
	    "Clear data packets refused: the WLC requires data DTLS.",
	    w->data_clear_refused);
	prom_counter(f, "capsim_wlc_echo_requests_total",
	    "Echo Requests the mock WLC answered.", w->echo_rx);
	prom_counter(f, "capsim_wlc_malformed_total",
	    "Datagrams the mock WLC discarded as malformed.", w->malformed);
	prom_counter(f, "capsim_wlc_restarts_total",
	    "Times the mock WLC restarted (SIGHUP, scenario timeline).",
	    w->restarts);
	/* the controller's load by message type and direction; labels are
	 * bounded by the RFC 5415 message types (cs_wlc_msg_slot_name) */
	prom_family(f, "capsim_wlc_control_messages_total", "counter",
	    "CAPWAP control messages the mock WLC received from APs "
	    "(ap_to_wlc) and sent to them (wlc_to_ap), by type.");
	for (unsigned t = 0; t < CS_WLC_MSG_SLOTS; t++) {
		if (w->msg_rx[t] > 0)
			fprintf(f,
			    "capsim_wlc_control_messages_total{direction=\"ap_"
			    "to_wlc\",type=\"%s\"} %llu\n",
			    cs_wlc_msg_slot_name(t),
			    (unsigned long long)w->msg_rx[t]);
		if (w->msg_tx[t] > 0)
			fprintf(f,
			    "capsim_wlc_control_messages_total{direction=\"wlc_"
			    "to_ap\",type=\"%s\"} %llu\n",
			    cs_wlc_msg_slot_name(t),
			    (unsigned long long)w->msg_tx[t]);
	}
	prom_counter(f, "capsim_wlc_wtp_events_total",
	    "WTP Event Requests the mock WLC received (RFC 5415 9.4).",
	    w->wtp_events);
	prom_counter(f, "capsim_wlc_reboots_reported_total",
	    "AC-initiated reboots the APs reported in WTP Reboot Statistics.",
	    w->reboots_reported);
	prom_counter(f, "capsim_wlc_images_started_total",
	    "Image downloads the mock WLC started (RFC 5415 9.1).",
	    w->images_started);
	prom_counter(f, "capsim_wlc_images_served_total",
	    "Image downloads the mock WLC completed.", w->images_served);
	prom_counter(f, "capsim_wlc_images_failed_total",
	    "Image downloads that ended without the image (AP gone, refused).",
	    w->images_failed);
	prom_family(f, "capsim_wlc_image_downloads", "gauge",
	    "Image downloads under way and APs waiting for a slot.");
	fprintf(f, "capsim_wlc_image_downloads{state=\"active\"} %llu\n",
	    (unsigned long long)w->image_active);
	fprintf(f, "capsim_wlc_image_downloads{state=\"waiting\"} %llu\n",
	    (unsigned long long)w->image_waiting);
}

static void
prom_rules(FILE *f, const struct cs_prom_snapshot *s)
{
	static const char *const outcome[] = { "matched", "dropped", "delayed",
		"duplicated", "corrupted", "truncated", "held", "released" };

	prom_family(f, "capsim_impairment_packets_total", "counter",
	    "Datagrams each impairment rule matched, and what it did to "
	    "them.");
	for (size_t i = 0; i < s->n_rules; i++) {
		const struct cs_impair_stats *st = &s->rules[i].st;
		const uint64_t v[] = { st->matched, st->dropped, st->delayed,
			st->duplicated, st->corrupted, st->truncated, st->held,
			st->released };
		char idx[32];
		const char *name = s->rules[i].name;

		if (name == NULL || name[0] == '\0') {
			snprintf(idx, sizeof(idx), "rule-%zu", i);
			name = idx;
		}
		for (size_t k = 0; k < CS_ARRAY_SIZE(v); k++) {
			fputs("capsim_impairment_packets_total{rule=\"", f);
			prom_label(f, name);
			fprintf(f, "\",outcome=\"%s\"} %llu\n", outcome[k],
			    (unsigned long long)v[k]);
		}
	}
}

static void
prom_self(FILE *f, const struct cs_prom_snapshot *s)
{
	prom_family(f, "capsim_uptime_seconds", "gauge",
	    "Seconds since the run started.");
	fprintf(f, "capsim_uptime_seconds %.3f\n", s->uptime_s);
	if (s->lateness != NULL) {
		static const double q[] = { 0.5, 0.99, 1.0 };

		prom_family(f, "capsim_timer_lateness_seconds", "summary",
		    "How late capsim's own timers fired (a loaded host makes "
		    "protocol timers late).");
		for (size_t i = 0; i < CS_ARRAY_SIZE(q); i++) {
			fprintf(f,
			    "capsim_timer_lateness_seconds{quantile=\"%g\"} ",
			    q[i]);
			prom_seconds(f,
			    q[i] < 1.0 ? cs_hist_quantile(s->lateness, q[i])
			               : s->lateness->max_us);
			fputc('\n', f);
		}
		fputs("capsim_timer_lateness_seconds_sum ", f);
		prom_seconds(f, s->lateness->sum_us);
		fprintf(f, "\ncapsim_timer_lateness_seconds_count %llu\n",
		    (unsigned long long)s->lateness->count);
	}
	if (s->res != NULL && s->res->valid) {
		prom_family(f, "capsim_process_max_resident_memory_bytes",
		    "gauge", "Largest resident set of the capsim process.");
		fprintf(f, "capsim_process_max_resident_memory_bytes %llu\n",
		    (unsigned long long)s->res->max_rss_kib * 1024ull);
		prom_family(f, "capsim_process_cpu_seconds_total", "counter",
		    "CPU time of the capsim process.");
		fprintf(f,
		    "capsim_process_cpu_seconds_total{mode=\"user\"} %.3f\n"
		    "capsim_process_cpu_seconds_total{mode=\"system\"} %.3f\n",
		    s->res->cpu_user_s, s->res->cpu_sys_s);
		prom_family(f, "capsim_process_open_fds", "gauge",
		    "File descriptors the capsim process holds.");
		fprintf(f, "capsim_process_open_fds %u\n", s->res->fds);
	}
}

/* The loop's lateness as a histogram: each bucket counts the values
 * whose histogram bucket lies wholly at or below `le` (the log-linear
 * buckets are within 0.8 % of a value, capsim/hist.h). */
static void
prom_lateness(FILE *f, const struct cs_hist *h)
{
	static const uint64_t le_us[] = { 1000, 5000, 10000, 25000, 50000,
		100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000 };
	uint64_t n = 0;
	unsigned b = 0;

	prom_family(f, "capsim_loop_lateness_seconds", "histogram",
	    "How late capsim's event loops served their timers (the AP "
	    "and WLC protocol timers; > 50 ms: a loaded host).");
	for (size_t i = 0; i < CS_ARRAY_SIZE(le_us); i++) {
		for (; h->b != NULL && b < CS_HIST_BUCKETS &&
		     cs_hist_bucket_hi(b) <= le_us[i];
		     b++)
			n += h->b[b];
		fputs("capsim_loop_lateness_seconds_bucket{le=\"", f);
		prom_seconds(f, le_us[i]);
		fprintf(f, "\"} %llu\n", (unsigned long long)n);
	}
	fprintf(f, "capsim_loop_lateness_seconds_bucket{le=\"+Inf\"} %llu\n",
	    (unsigned long long)h->count);
	fputs("capsim_loop_lateness_seconds_sum ", f);
	prom_seconds(f, h->sum_us);
	fprintf(f, "\ncapsim_loop_lateness_seconds_count %llu\n",
	    (unsigned long long)h->count);
}

static void
prom_health(FILE *f, const struct cs_prom_health *h)
{
	static const char *const cause[] = { "latency", "lateness", "drops",
		"cpu" };
	static const char *const gate[] = { "admitted", "deferred", "shed" };

	if (h->lateness != NULL)
		prom_lateness(f, h->lateness);
	prom_counter(f, "capsim_kernel_receive_drops_total",
	    "Datagrams the kernel dropped on capsim's full receive queues "
	    "(SO_RXQ_OVFL; learnt with the next datagram a socket gets).",
	    h->rxq_drops);
	prom_family(f, "capsim_handshakes_in_flight", "gauge",
	    "AP DTLS handshakes running now.");
	fprintf(f, "capsim_handshakes_in_flight %u\n", h->hs_active);
	prom_family(f, "capsim_queue_length", "gauge",
	    "Work waiting in capsim's own queues: APs waiting for a "
	    "handshake slot (ap_handshake_slots), new handshakes the mock "
	    "WLC holds back (wlc_handshakes).");
	fprintf(f, "capsim_queue_length{queue=\"ap_handshake_slots\"} %u\n",
	    h->hs_waiting);
	if (h->has_wlc)
		fprintf(f, "capsim_queue_length{queue=\"wlc_handshakes\"} %u\n",
		    h->wlc_queued);
	if (h->has_window) {
		prom_family(f, "capsim_inflight_window", "gauge",
		    "Handshakes the adaptive window lets run at once (all "
		    "workers; bounded by --max-inflight).");
		fprintf(f, "capsim_inflight_window %u\n", h->hs_window);
		prom_family(f, "capsim_inflight_window_cuts_total", "counter",
		    "Times the window was halved, by what made it: the "
		    "controller's answers slowing down, capsim's loop late, "
		    "kernel drops, a worker's CPU saturated.");
		for (size_t i = 0; i < CS_ARRAY_SIZE(cause); i++)
			fprintf(f,
			    "capsim_inflight_window_cuts_total{cause=\"%s\"} "
			    "%llu\n",
			    cause[i], (unsigned long long)h->window_cuts[i]);
	}
	if (h->has_wlc) {
		prom_family(f, "capsim_wlc_handshake_admission_total",
		    "counter",
		    "New handshakes (ClientHellos with the cookie) the mock "
		    "WLC's overload gate admitted, deferred or shed.");
		for (size_t i = 0; i < CS_ARRAY_SIZE(gate); i++)
			fprintf(f,
			    "capsim_wlc_handshake_admission_total{outcome=\"%"
			    "s\"}"
			    " %llu\n",
			    gate[i], (unsigned long long)h->wlc_gate[i]);
	}
	prom_family(f, "capsim_worker_cpu_seconds_total", "counter",
	    "CPU time used by each worker thread.");
	for (unsigned k = 0; k < h->n_workers && k < CS_PROM_MAX_WORKERS; k++)
		fprintf(f,
		    "capsim_worker_cpu_seconds_total{worker=\"%u\"} %.3f\n", k,
		    h->worker_cpu_s[k]);
}

char *
cs_prom_text(const struct cs_prom_snapshot *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	bool bad, bad_clients = false;

	if (s == NULL)
		return NULL;
	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	if (s->m != NULL) {
		prom_family(
		    f, "capsim_aps", "gauge", "Simulated APs by FSM state.");
		for (int st = 0; st < CS_AP__COUNT; st++) {
			char label[32];

			prom_state_label(label, sizeof(label), st);
			fprintf(f, "capsim_aps{state=\"%s\"} %u\n", label,
			    s->states[st]);
		}
		prom_family(f, "capsim_aps_configured", "gauge",
		    "APs the run simulates.");
		fprintf(f, "capsim_aps_configured %u\n", s->aps);
		prom_counter(f, "capsim_joins_total",
		    "Times an AP reached the Run state.", s->m->joins);
		prom_counter(f, "capsim_left_run_total",
		    "Times an AP left the Run state.", s->m->left_run);
		prom_failures(f, s->m);
		prom_counter(f, "capsim_retransmits_total",
		    "Control requests the APs retransmitted.",
		    s->m->retransmits);
		prom_family(f, "capsim_phase_duration_seconds", "histogram",
		    "Time APs spent in each join phase (total: start to Run).");
		for (int l = 0; l < CS_LAT__COUNT; l++)
			prom_hist(f, (enum cs_lat)l, s->m);
	}
	if (s->clients != NULL) {
		char *c = cs_client_metrics_prom(s->clients);

		if (c == NULL)
			bad_clients = true; /* out of memory: no partial text */
		else
			fputs(c, f);
		free(c);
	}
	if (s->wlc != NULL)
		prom_wlc(f, s);
	if (s->n_rules > 0 && s->rules != NULL)
		prom_rules(f, s);
	prom_self(f, s);
	if (s->health != NULL)
		prom_health(f, s->health);
	bad = ferror(f) != 0 || bad_clients;
	if (fclose(f) != 0 || bad) {
		free(buf);
		return NULL;
	}
	return buf;
}
