/* SPDX-License-Identifier: MIT */
/*
 * `capsim probe`: one AP, step by step, against a real controller (or
 * capsim's mock WLC), to troubleshoot a join: where the controller list
 * came from, each Discovery Response (AC name, software version, load),
 * the DTLS handshake (version, cipher, the controller's certificate with
 * its dates and EKU, or where and why it failed), the Join Response,
 * configuration, Run, and a hint.  `--json` writes the same steps as JSON.
 *
 * The probe runs its own single-AP glue (one UDP socket from lib/net, one
 * cs_dtls session, the cs_ap state machine, poll()) instead of lib/engine,
 * because it must see every datagram and the DTLS session details the
 * engine does not expose.  Messages are decoded here only for display.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>

#include "capsim/ap.h"
#include "capsim/capwap.h"
#include "capsim/dtls.h"
#include "capsim/engine.h"
#include "capsim/ofile.h"
#include "capsim/pki.h"
#include "capsim/profile.h"
#include "capsim/udp.h"
#include "capsim/values.h"
#include "run_discover.h"
#include "sim.h"
#include "simutil.h"

struct probe {
	int fd;
	uint32_t ap_ip;
	uint16_t ap_port;
	uint16_t ac_port;
	uint8_t mac[6];
	struct cs_ap *ap;
	struct cs_dtls_ctx *dctx;
	struct cs_dtls *d;
	bool d_dead; /* dtls_stop ran inside a callback: free later */
	bool d_established;
	uint32_t d_peer;
	const struct cs_cred *cred;
	uint64_t t0_ms;
	uint64_t deadline[CS_AP_T__COUNT]; /* 0 = idle, else due + 1 */
	bool json;
	json_t *steps;
	/* outcome */
	bool done, ok;
	enum cs_phase fail_phase;
	char fail_reason[600];
	uint32_t join_code;
	bool has_join_code;
	unsigned n_disc_resp;
	bool dtls_failed;
	struct cs_dtls_failure dfail;
	bool verify_off;
	uint64_t run_at_ms; /* when Run was reached: wait for the keep-alive */
	bool ka_checked, ka_ok;
};

static uint64_t
probe_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t
probe_rel(const struct probe *p)
{
	return probe_now() - p->t0_ms;
}

/* One step: a line on stdout (unless --json), and a JSON object with
 * "t_ms", "step", "text" and the extra fields in `extra` (stolen). */
static void step(struct probe *p, const char *name, json_t *extra,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
step(struct probe *p, const char *name, json_t *extra, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	json_t *o;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!p->json) {
		printf("[%7.3fs] %-10s %s\n", (double)probe_rel(p) / 1000.0,
		    name, text);
		fflush(stdout);
	}
	o = extra != NULL ? extra : json_object();
	json_object_set_new(o, "t_ms", json_integer((json_int_t)probe_rel(p)));
	json_object_set_new(o, "step", json_string(name));
	json_object_set_new(o, "text", json_string(text));
	json_array_append_new(p->steps, o);
}

static const char *
ipstr(uint32_t ip, char *buf)
{
	return cs_ipv4_str(ip, buf);
}

static void
fmt_time(int64_t t, char *buf, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL) {
		snprintf(buf, cap, "?");
		return;
	}
	strftime(buf, cap, "%Y-%m-%d %H:%M:%SZ", &tm);
}

/* Text of AC Information / descriptor data: a.b.c.d for Cisco's 4 raw
 * bytes, else the bytes as text. */
static void
fmt_version(const uint8_t *d, size_t len, bool raw4, char *buf, size_t cap)
{
	if (raw4 && len == 4) {
		snprintf(buf, cap, "%u.%u.%u.%u", d[0], d[1], d[2], d[3]);
		return;
	}
	snprintf(buf, cap, "%.*s", (int)(len < 64 ? len : 64), (const char *)d);
}

/* ---- display of received messages ---- */

static void
show_discovery_resp(struct probe *p, uint32_t src, const struct cs_msg *m)
{
	struct cs_el_ac_descriptor acd;
	struct cs_el_ac_name an;
	char ip[16], name[80] = "?", sw[80] = "?", ctrl[16] = "?";
	unsigned n;
	json_t *o = json_object();

	p->n_disc_resp++;
	if (cs_el_get_ac_name(cs_msg_find(m, CS_EL_AC_NAME, 0), &an, NULL) == 0)
		snprintf(name, sizeof(name), "%.*s",
		    (int)(an.name.len < 64 ? an.name.len : 64), an.name.s);
	memset(&acd, 0, sizeof(acd));
	if (cs_el_get_ac_descriptor(
	        cs_msg_find(m, CS_EL_AC_DESCRIPTOR, 0), &acd, NULL) == 0) {
		for (unsigned i = 0; i < acd.n_info; i++) {
			const struct cs_ac_info *inf = &acd.info[i];

			if (inf->vendor == CS_CISCO_VENDOR_ID &&
			    inf->type == CS_WTPD_SW_VERSION)
				fmt_version(
				    inf->data, inf->len, true, sw, sizeof(sw));
			else if (inf->type == CS_ACD_INFO_SW)
				fmt_version(
				    inf->data, inf->len, false, sw, sizeof(sw));
		}
	}
	n = cs_msg_count(m, CS_EL_CTRL_IPV4);
	for (unsigned i = 0; i < n; i++) {
		struct cs_el_ctrl_ipv4 ci;

		if (cs_el_get_ctrl_ipv4(
		        cs_msg_find(m, CS_EL_CTRL_IPV4, i), &ci, NULL) == 0 &&
		    i == 0)
			ipstr(ci.addr, ctrl);
	}
	json_object_set_new(o, "from", json_string(ipstr(src, ip)));
	json_object_set_new(o, "ac_name", json_string(name));
	json_object_set_new(o, "software", json_string(sw));
	json_object_set_new(o, "active_wtps", json_integer(acd.active_wtps));
	json_object_set_new(o, "max_wtps", json_integer(acd.max_wtps));
	json_object_set_new(o, "control_ip", json_string(ctrl));
	json_object_set_new(o, "cisco_payloads",
	    json_integer(cs_msg_count(m, CS_EL_VENDOR_PAYLOAD)));
	step(p, "discovery", o,
	    "%s from %s: AC Name '%s', software %s, load %u of %u APs, "
	    "control address %s%s",
	    cs_msg_type_name(m->ctl.type), ip, name, sw, acd.active_wtps,
	    acd.max_wtps, ctrl,
	    cs_msg_count(m, CS_EL_VENDOR_PAYLOAD) > 0
	        ? " (with Cisco vendor payloads)"
	        : "");
}

static void
show_secure(struct probe *p, const uint8_t *b, size_t len)
{
	struct cs_msg m;
	struct cs_el_result_code rc;
	json_t *o;

	if (cs_msg_decode(&m, b, len, CS_MSG_F_CISCO, NULL) < 0)
		return;
	switch (m.ctl.type) {
	case CS_MSG_JOIN_RESP: {
		struct cs_el_image_id id;
		char img[80] = "";

		if (cs_el_get_result_code(
		        cs_msg_find(&m, CS_EL_RESULT_CODE, 0), &rc, NULL) < 0)
			break;
		p->has_join_code = true;
		p->join_code = rc.code;
		if (cs_el_get_image_id(
		        cs_msg_find(&m, CS_EL_IMAGE_ID, 0), &id, NULL) == 0)
			snprintf(img, sizeof(img), ", image %.*s",
			    (int)(id.len < 64 ? id.len : 64),
			    (const char *)id.data);
		o = json_object();
		json_object_set_new(o, "result_code", json_integer(rc.code));
		json_object_set_new(
		    o, "result", json_string(cs_result_code_name(rc.code)));
		step(p, "join", o, "Join Response: result code %u (%s)%s",
		    rc.code, cs_result_code_name(rc.code), img);
		break;
	}
	case CS_MSG_CONFIG_STATUS_RESP: {
		struct cs_el_timers t;

		o = json_object();
		if (cs_el_get_timers(
		        cs_msg_find(&m, CS_EL_TIMERS, 0), &t, NULL) == 0) {
			json_object_set_new(
			    o, "echo_interval_s", json_integer(t.echo_request));
			json_object_set_new(o, "max_discovery_interval_s",
			    json_integer(t.discovery));
			step(p, "configure", o,
			    "Configuration Status Response: echo interval "
			    "%u s, max discovery interval %u s, %u elements",
			    t.echo_request, t.discovery, m.n_elems);
		} else {
			step(p, "configure", o,
			    "Configuration Status Response: %u elements",
			    m.n_elems);
		}
		break;
	}
	case CS_MSG_CHANGE_STATE_RESP:
		step(p, "data-check", NULL, "Change State Event Response");
		break;
	case CS_MSG_ECHO_RESP:
		step(p, "run", NULL, "Echo Response");
		break;
	default:
		if (cs_msg_type_is_request(m.ctl.type))
			step(p, "request", NULL, "controller sent %s",
			    cs_msg_type_name(m.ctl.type));
		break;
	}
}

/* ---- DTLS glue ---- */

static int
d_send(void *ctx, const uint8_t *b, size_t len)
{
	struct probe *p = ctx;

	return cs_udp_send(p->fd, p->ap_ip, p->d_peer, p->ac_port, b, len);
}

static void
d_recv(void *ctx, const uint8_t *b, size_t len)
{
	struct probe *p = ctx;

	show_secure(p, b, len);
	cs_ap_input_secure(p->ap, b, len, probe_rel(p));
}

static void
show_dtls_ok(struct probe *p)
{
	struct cs_dtls_info di;
	struct cs_cert_info ci;
	char nb[32], na[32];
	json_t *o = json_object();
	int64_t now = (int64_t)time(NULL);

	if (cs_dtls_get_info(p->d, &di) == 0) {
		json_object_set_new(o, "version", json_string(di.version));
		json_object_set_new(o, "cipher", json_string(di.cipher));
		step(p, "dtls", o, "handshake done: %s, cipher %s", di.version,
		    di.cipher);
	}
	if (cs_dtls_peer_cert(p->d, &ci) == 0) {
		fmt_time(ci.not_before, nb, sizeof(nb));
		fmt_time(ci.not_after, na, sizeof(na));
		o = json_object();
		json_object_set_new(o, "subject", json_string(ci.subject));
		json_object_set_new(o, "issuer", json_string(ci.issuer));
		json_object_set_new(o, "not_before", json_string(nb));
		json_object_set_new(o, "not_after", json_string(na));
		json_object_set_new(o, "eku", json_string(ci.eku_text));
		json_object_set_new(
		    o, "key", json_sprintf("%s %d", ci.key_type, ci.key_bits));
		json_object_set_new(o, "signature", json_string(ci.sig_alg));
		step(p, "dtls", o,
		    "controller certificate: subject %s; issuer %s; valid "
		    "%s .. %s%s; EKU %s; %s %d bit, %s%s",
		    ci.subject, ci.issuer, nb, na,
		    now > ci.not_after        ? " (EXPIRED)"
		        : now < ci.not_before ? " (NOT YET VALID)"
		                              : "",
		    ci.has_eku ? ci.eku_text : "none", ci.key_type, ci.key_bits,
		    ci.sig_alg,
		    p->verify_off ? " (NOT verified: --no-verify-wlc)" : "");
	}
}

static void
show_dtls_fail(struct probe *p)
{
	const struct cs_dtls_failure *f = cs_dtls_failure(p->d);
	json_t *o = json_object();
	struct cs_cert_info ci;

	p->dtls_failed = true;
	p->dfail = *f;
	json_object_set_new(
	    o, "failure", json_string(cs_dtls_fail_name(f->code)));
	json_object_set_new(
	    o, "phase", json_string(cs_dtls_phase_name(f->phase)));
	json_object_set_new(o, "detected_by", json_string(f->detector));
	json_object_set_new(o, "alert", json_integer(f->alert));
	json_object_set_new(o, "reason", json_string(f->reason));
	step(p, "dtls", o,
	    "handshake FAILED at %s (%s), detected by the %s%s: %s",
	    cs_dtls_phase_name(f->phase), cs_dtls_fail_name(f->code),
	    f->detector != NULL ? f->detector : "?",
	    f->alert >= 0 ? (f->local ? ", alert sent" : ", alert received")
	                  : "",
	    f->reason);
	if (cs_dtls_peer_cert(p->d, &ci) == 0) {
		char nb[32], na[32];

		fmt_time(ci.not_before, nb, sizeof(nb));
		fmt_time(ci.not_after, na, sizeof(na));
		step(p, "dtls", NULL,
		    "controller certificate was: subject %s; issuer %s; "
		    "valid %s .. %s; EKU %s",
		    ci.subject, ci.issuer, nb, na,
		    ci.has_eku ? ci.eku_text : "none");
	}
}

static void
probe_dtls_free(struct probe *p)
{
	cs_dtls_free(p->d);
	p->d = NULL;
	p->d_dead = false;
	p->d_established = false;
}

/* ---- AP io ---- */

static int
ap_send_clear(void *ctx, enum cs_chan ch, uint32_t dst, uint16_t port,
    const uint8_t *b, size_t len, const struct cs_pkt_hint *h)
{
	struct probe *p = ctx;
	char ip[16];

	if (h != NULL && h->msg_type == CS_MSG_DISCOVERY_REQ)
		step(p, "discovery", NULL,
		    "Discovery Request to %s:%u (%zu bytes)", ipstr(dst, ip),
		    port, len);
	else if (h != NULL && h->msg_type == CS_MSG_PRIMARY_DISCOVERY_REQ)
		step(p, "run", NULL, "Primary Discovery Request to %s:%u",
		    ipstr(dst, ip), port);
	(void)ch;
	return cs_udp_send(p->fd, p->ap_ip, dst, port, b, len);
}

static int
ap_send_secure(
    void *ctx, const uint8_t *b, size_t len, const struct cs_pkt_hint *h)
{
	struct probe *p = ctx;

	if (p->d == NULL || p->d_dead)
		return -ENOTCONN;
	if (h != NULL && h->msg_type != 0 && !h->is_retransmit)
		step(p, "send", NULL, "%s (%zu bytes)",
		    cs_msg_type_name(h->msg_type), len);
	return cs_dtls_send(p->d, b, len);
}

static int
ap_dtls_start(void *ctx, uint32_t ip, uint16_t port)
{
	struct probe *p = ctx;
	struct cs_dtls_io io = { .send = d_send, .recv = d_recv, .ctx = p };
	uint8_t peer[6];
	char s[16];
	int r;

	if (p->d != NULL)
		probe_dtls_free(p);
	p->d_peer = ip;
	p->ac_port = port;
	if ((r = cs_dtls_new(&p->d, p->dctx, &io)) < 0)
		return r;
	peer[0] = (uint8_t)(ip >> 24);
	peer[1] = (uint8_t)(ip >> 16);
	peer[2] = (uint8_t)(ip >> 8);
	peer[3] = (uint8_t)ip;
	peer[4] = (uint8_t)(port >> 8);
	peer[5] = (uint8_t)port;
	cs_dtls_set_peer(p->d, peer, sizeof(peer));
	if (p->cred != NULL)
		cs_dtls_set_cred(p->d, p->cred);
	step(p, "dtls", NULL, "ClientHello to %s:%u", ipstr(ip, s), port);
	r = cs_dtls_start(p->d);
	return r < 0 ? r : 0;
}

static void
ap_dtls_stop(void *ctx, bool graceful)
{
	struct probe *p = ctx;

	if (p->d == NULL)
		return;
	if (graceful && p->d_established)
		cs_dtls_shutdown(p->d);
	p->d_dead = true; /* freed by the main loop, outside callbacks */
}

static void
ap_timer_arm(void *ctx, enum cs_ap_timer t, uint64_t ms)
{
	struct probe *p = ctx;

	p->deadline[t] = probe_rel(p) + ms + 1;
}

static void
ap_timer_cancel(void *ctx, enum cs_ap_timer t)
{
	((struct probe *)ctx)->deadline[t] = 0;
}

static void
ap_event(void *ctx, const struct cs_ap_event *ev)
{
	struct probe *p = ctx;
	json_t *o;

	switch (ev->kind) {
	case CS_AP_EV_STATE:
		o = json_object();
		json_object_set_new(
		    o, "from", json_string(cs_ap_state_name(ev->from)));
		json_object_set_new(
		    o, "to", json_string(cs_ap_state_name(ev->to)));
		step(p, "state", o, "%s -> %s%s%s", cs_ap_state_name(ev->from),
		    cs_ap_state_name(ev->to), ev->reason != NULL ? ": " : "",
		    ev->reason != NULL ? ev->reason : "");
		if (ev->to == CS_AP_RUN && p->run_at_ms == 0)
			p->run_at_ms = probe_rel(p) + 1;
		break;
	case CS_AP_EV_FAILURE:
		if (!p->done) {
			p->done = true;
			p->ok = false;
			p->fail_phase = ev->phase;
			snprintf(p->fail_reason, sizeof(p->fail_reason), "%s",
			    ev->reason != NULL ? ev->reason : "?");
		}
		o = json_object();
		json_object_set_new(
		    o, "phase", json_string(cs_phase_name(ev->phase)));
		step(p, "failure", o, "phase %s: %s", cs_phase_name(ev->phase),
		    ev->reason != NULL ? ev->reason : "?");
		break;
	case CS_AP_EV_INFO:
		step(p, "info", NULL, "%s",
		    ev->reason != NULL ? ev->reason : "");
		break;
	case CS_AP_EV_DROPPED:
		step(p, "dropped", NULL, "%s%s%s",
		    ev->msg_type != 0 ? cs_msg_type_name(ev->msg_type) : "",
		    ev->msg_type != 0 ? ": " : "",
		    ev->reason != NULL ? ev->reason : "");
		break;
	case CS_AP_EV_RETRANSMIT:
		step(p, "retransmit", NULL, "%s retransmitted (%u)",
		    cs_msg_type_name(ev->msg_type), ev->value);
		break;
	default:
		break;
	}
}

static uint32_t
ap_rand(void *ctx, uint32_t bound)
{
	(void)ctx;
	return bound <= 1 ? 0 : (uint32_t)random() % bound;
}

/* ---- the hint ---- */

static const char *
probe_hint(const struct probe *p)
{
	if (p->ok && p->ka_ok)
		return "the AP reached Run: the controller accepts this AP "
		       "model, its certificate and the path (UDP 5246/5247 "
		       "both ways)";
	if (p->ok)
		return "the AP reached Run, but the data channel keep-alive "
		       "was not answered: check UDP 5247 in both directions "
		       "(firewall, NAT) - a real AP would drop out after "
		       "DataChannelDeadInterval";
	if (p->n_disc_resp == 0 && p->fail_phase == CS_PHASE_DISCOVERY)
		return "no Discovery Response: check that UDP 5246 reaches "
		       "the controller and its replies come back (firewall, "
		       "ACL, NAT), that --wlc is the controller's management "
		       "(AireOS) or wireless management (9800) address, and "
		       "that the controller is up";
	if (p->dtls_failed) {
		switch (p->dfail.code) {
		case CS_DTLS_FAIL_TIMEOUT:
			return "no answer to the ClientHello: UDP 5246 from "
			       "the controller is blocked (return path), or "
			       "the controller has no certificate to offer "
			       "(9800-CL: create one with `wireless config "
			       "vwlc-ssc key-size 2048 signature-algo sha256 "
			       "password 0 <pw>`)";
		case CS_DTLS_FAIL_UNKNOWN_CA:
		case CS_DTLS_FAIL_BAD_CERT:
		case CS_DTLS_FAIL_CN_MISMATCH:
			return "this AP does not trust the controller's "
			       "certificate: pass its CA with --wlc-ca FILE "
			       "(or look once with --no-verify-wlc)";
		case CS_DTLS_FAIL_CERT_EXPIRED:
		case CS_DTLS_FAIL_NOT_YET_VALID:
			return "a certificate is outside its validity: check "
			       "the clocks of controller and host (NTP) and "
			       "the dates shown above";
		case CS_DTLS_FAIL_BAD_EKU:
			return "the controller certificate's EKU does not "
			       "allow a CAPWAP controller (RFC 5415 §12.8)";
		case CS_DTLS_FAIL_VERSION:
			return "no common DTLS version: try --dtls-version "
			       "any (AireOS before 8.3 speaks DTLS 1.0 only; "
			       "9800: `ap dtls-version`)";
		case CS_DTLS_FAIL_NO_SHARED_CIPHER:
			return "no common cipher: try --ciphers "
			       "AES128-SHA (9800: `ap dtls-cipher`)";
		case CS_DTLS_FAIL_PEER_ALERT:
			return "the controller rejected the AP certificate: "
			       "make it trust the lab CA (9800: trustpoint, "
			       "see `capsim certs authlist --9800`; AireOS: "
			       "SSC hash, see `capsim certs authlist "
			       "--aireos`)";
		default:
			return "the DTLS handshake failed: see the reason "
			       "above";
		}
	}
	if (p->has_join_code) {
		switch (p->join_code) {
		case CS_RC_JOIN_FAIL_UNKNOWN_SRC:
			return "result code 5: the AP is not on the "
			       "controller's authorization list (`capsim "
			       "certs authlist` prints the MAC lines)";
		case CS_RC_JOIN_FAIL_RESOURCE:
			return "result code 4: the controller is at its AP "
			       "limit (licences / platform maximum)";
		case CS_RC_FAIL_MISSING_ELEM:
		case CS_RC_JOIN_FAIL_BAD_DATA:
		case CS_RC_JOIN_FAIL_HW_UNSUPPORTED:
			return "the controller refused the AP model or its "
			       "encoding: use a Cisco profile (--profile "
			       "c9120, c2700, ...) that this controller "
			       "release supports";
		default:
			return "the controller refused the join: see its log "
			       "(AireOS `debug capwap errors enable`, 9800 "
			       "`show wireless stats ap join summary`)";
		}
	}
	if (p->fail_phase == CS_PHASE_DTLS)
		return "the DTLS session did not come up: see the steps "
		       "above";
	return "see the failing step above";
}

/* ---- where the controller list came from ---- */

static void
probe_static_step(struct probe *p, const struct cs_ap_cfg *ac, uint16_t port)
{
	json_t *o = json_object();
	json_t *t = json_array();
	char list[200] = "", ip[16];

	for (unsigned i = 0; i < ac->target_count; i++) {
		size_t n = strlen(list);

		json_array_append_new(
		    t, json_string(ipstr(ac->targets[i], ip)));
		snprintf(
		    list + n, sizeof(list) - n, "%s%s", i > 0 ? ", " : "", ip);
	}
	json_object_set_new(o, "source", json_string("static"));
	json_object_set_new(o, "controllers", t);
	step(p, "controllers", o,
	    "controller list from static --wlc: %s (port %u)", list, port);
}

/* DHCP (option 43 / 138) or DNS discovery with lib/engine/discover.c
 * through sim/run_discover.c, for one AP; the result configures the AP.
 * 0, or an exit code. */
static int
probe_discover(struct probe *p, struct sim_disc *disc, struct cs_ap_cfg *ac,
    const struct cs_profile *prof, struct event_base **basep)
{
	struct cs_engine_cfg ec;
	const struct cs_disc_result *r;
	json_t *o = json_object(), *t = json_array();
	char list[200] = "", ip[16], lease[16], hex[520] = "";
	int rc;

	if (prof != NULL && prof->option60 != NULL)
		disc->vendor_class = prof->option60;
	if ((*basep = event_base_new()) == NULL)
		return SIM_EXIT_RUNTIME;
	memset(&ec, 0, sizeof(ec));
	ec.n_aps = 1;
	ec.seed = 1;
	ec.ap = *ac;
	ec.ap_base_ip = p->ap_ip;
	memcpy(ec.ap_base_mac, p->mac, 6);
	step(p, "controllers", NULL,
	    "discovery %s, option 60 '%s' (progress on stderr)",
	    cs_disc_mode_name(disc->mode), disc->vendor_class);
	rc = sim_disc_run(disc, &ec, *basep);
	r = disc->res != NULL ? &disc->res[0] : NULL;
	if (r != NULL && r->has_opt43)
		for (size_t i = 0; i < r->opt43_len && 2 * i + 3 < sizeof(hex);
		     i++)
			snprintf(hex + 2 * i, 3, "%02x", r->opt43[i]);
	if (r != NULL) {
		json_object_set_new(
		    o, "source", json_string(cs_disc_source_name(r->source)));
		json_object_set_new(
		    o, "lease_ip", json_string(ipstr(r->ip, lease)));
		if (r->has_opt43) {
			json_object_set_new(o, "option43", json_string(hex));
			json_object_set_new(
			    o, "option43_error", json_string(r->opt43_error));
		}
		if (r->dns_name[0] != '\0') {
			json_object_set_new(
			    o, "dns_name", json_string(r->dns_name));
			json_object_set_new(
			    o, "dns_error", json_string(r->dns_error));
		}
		for (size_t i = 0; i < r->n_targets; i++) {
			size_t n = strlen(list);

			json_array_append_new(
			    t, json_string(ipstr(r->targets[i], ip)));
			snprintf(list + n, sizeof(list) - n, "%s%s",
			    i > 0 ? ", " : "", ip);
		}
	}
	json_object_set_new(o, "controllers", t);
	if (rc != 0 || r == NULL || r->status != 0) {
		bool pending = r != NULL && r->status > 0;

		p->fail_phase =
		    !pending && r != NULL && r->phase == CS_PHASE_DHCP
		    ? CS_PHASE_DHCP
		    : pending && disc->mode == CS_DISC_MODE_DHCP
		    ? CS_PHASE_DHCP
		    : CS_PHASE_DISCOVERY;
		snprintf(p->fail_reason, sizeof(p->fail_reason), "%s",
		    pending ? "no result before the discovery timeout (no DHCP "
		              "offer or DNS answer)"
		        : r != NULL && r->reason[0] ? r->reason
		                                    : "discovery failed");
		step(p, "controllers", o, "no controller list: %s%s%s%s",
		    p->fail_reason,
		    r != NULL && r->has_opt43 ? " (option 43 " : "",
		    r != NULL && r->has_opt43 ? hex : "",
		    r != NULL && r->has_opt43 ? ")" : "");
		step(p, "hint",
		    json_pack("{s:s,s:s,s:s}", "result", "failed", "phase",
		        cs_phase_name(p->fail_phase), "reason", p->fail_reason),
		    "the AP got no controller list: check the DHCP scope's "
		    "option 43 for this option 60 (type 0xf1, 4 bytes per "
		    "controller) or the DNS name "
		    "CISCO-CAPWAP-CONTROLLER.<domain>");
		return rc != 0 ? rc : SIM_EXIT_FAILED;
	}
	step(p, "controllers", o,
	    "controller list from %s: %s; AP address %s%s%s%s%s",
	    cs_disc_source_name(r->source), list, lease,
	    r->has_opt43 ? ", option 43 " : "", r->has_opt43 ? hex : "",
	    r->dns_name[0] ? ", DNS name " : "", r->dns_name);
	ac->target_count = ec.ap.target_count;
	memcpy(ac->targets, ec.ap.targets, sizeof(ac->targets));
	ac->discovery_type = ec.ap.discovery_type;
	p->ap_ip = ec.ap_base_ip;
	return 0;
}

/* ---- main ---- */

static void
probe_usage(FILE *f)
{
	fputs("usage: capsim probe --wlc ADDR[:PORT] [OPTIONS]\n"
	      "One AP joins a controller step by step and says where it "
	      "stops.\n"
	      "Controller:\n"
	      "  --wlc ADDR[:PORT]      controller to discover (repeat for "
	      "several; static list;\n"
	      "                         or --discovery below, as a real AP "
	      "does)\n"
	      "AP:\n"
	      "  --profile NAME|FILE    AP model profile (default c9120; "
	      "rfc5415 = plain RFC AP)\n"
	      "  --ap-ip ADDR           source address (default: chosen by "
	      "the kernel)\n"
	      "  --ap-mac MAC           base MAC (default 02:ca:75:00:00:01)\n"
	      "  --ap-name NAME         AP name (default capsim-probe)\n"
	      "  --image-policy adopt|download  (default adopt)\n"
	      "Certificates (default: lab PKI in ~/.local/share/capsim/pki):\n"
	      "  --pki DIR              lab PKI directory\n"
	      "  --ap-cert FILE --ap-key FILE  this AP's certificate and key\n"
	      "  --wlc-ca FILE          CA that verifies the controller\n"
	      "  --no-verify-wlc        do not verify the controller (says "
	      "so)\n"
	      "  --dtls-version 1.2|1.0|any (default 1.2)   --ciphers LIST "
	      "(default\n"
	      "                         the 9800 set)\n",
	    f);
	fputs(sim_disc_usage, f);
	fputs("Output:\n"
	      "  --timeout DURATION     give up after this (default 90s)\n"
	      "  --json FILE            steps as JSON ('-' = stdout, then "
	      "no text)\n"
	      "Exit: 0 Run reached, 3 join failed, 1 runtime, 2 usage.\n",
	    f);
}

int
sim_cmd_probe(int argc, char **argv)
{
	enum {
		O_WLC = 256,
		O_PROFILE,
		O_AP_IP,
		O_AP_MAC,
		O_AP_NAME,
		O_IMAGE,
		O_PKI,
		O_AP_CERT,
		O_AP_KEY,
		O_WLC_CA,
		O_NO_VERIFY,
		O_VERSION,
		O_CIPHERS,
		O_TIMEOUT,
		O_JSON,
		O_DISC, /* SIM_DISC_N values from here */
	};
	static const struct option opts[] = {
		{ "wlc", required_argument, NULL, O_WLC },
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "ap-ip", required_argument, NULL, O_AP_IP },
		{ "ap-mac", required_argument, NULL, O_AP_MAC },
		{ "ap-name", required_argument, NULL, O_AP_NAME },
		{ "image-policy", required_argument, NULL, O_IMAGE },
		{ "pki", required_argument, NULL, O_PKI },
		{ "ap-cert", required_argument, NULL, O_AP_CERT },
		{ "ap-key", required_argument, NULL, O_AP_KEY },
		{ "wlc-ca", required_argument, NULL, O_WLC_CA },
		{ "no-verify-wlc", no_argument, NULL, O_NO_VERIFY },
		{ "dtls-version", required_argument, NULL, O_VERSION },
		{ "ciphers", required_argument, NULL, O_CIPHERS },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "json", required_argument, NULL, O_JSON },
		SIM_DISC_OPTIONS(O_DISC),
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct probe p = { .fd = -1 };
	struct cs_ap_cfg ac;
	struct cs_dtls_cfg dc;
	struct cs_profile *prof = NULL;
	struct cs_pki *pki = NULL;
	struct cs_cred *cred = NULL;
	struct cs_err err = { 0 };
	struct cs_ap_io io = { .send_clear = ap_send_clear,
		.send_secure = ap_send_secure,
		.dtls_start = ap_dtls_start,
		.dtls_stop = ap_dtls_stop,
		.timer_arm = ap_timer_arm,
		.timer_cancel = ap_timer_cancel,
		.event = ap_event,
		.rand = ap_rand,
		.ctx = &p };
	const char *profile = "c9120", *json_path = NULL, *ap_cert = NULL;
	const char *ap_key = NULL, *wlc_ca = NULL;
	struct sim_disc disc;
	struct event_base *base = NULL;
	bool vc_given = false, freebind = false;
	char pkidir[4096], why[512], ip[16], macs[18];
	struct cs_ofile *json_out = NULL;
	uint64_t timeout_ms = 90000, v;
	uint16_t port = CS_CAPWAP_CONTROL_PORT;
	int c, r, rc = SIM_EXIT_RUNTIME;

	sim_pki_default_dir(pkidir, sizeof(pkidir));
	sim_disc_init(&disc);
	cs_ap_cfg_defaults(&ac);
	cs_dtls_cfg_init(&dc, CS_DTLS_CLIENT);
	memcpy(p.mac, "\x02\xca\x75\x00\x00\x01", 6);
	ac.name = "capsim-probe";
	ac.target_count = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_WLC: {
			uint32_t a;
			uint16_t pt = CS_CAPWAP_CONTROL_PORT;

			if (sim_parse_addr_port(optarg, &a, &pt) < 0 ||
			    ac.target_count >= CS_AP_MAX_TARGETS)
				goto bad_arg;
			ac.targets[ac.target_count++] = a;
			port = pt;
			break;
		}
		case O_PROFILE:
			profile = optarg;
			break;
		case O_AP_IP:
			if (cs_ipv4_parse(optarg, &p.ap_ip) < 0)
				goto bad_arg;
			break;
		case O_AP_MAC:
			if (sim_parse_mac(optarg, p.mac) < 0)
				goto bad_arg;
			break;
		case O_AP_NAME:
			ac.name = optarg;
			break;
		case O_IMAGE:
			if (strcmp(optarg, "adopt") == 0)
				ac.image_policy = CS_AP_IMAGE_ADOPT;
			else if (strcmp(optarg, "download") == 0)
				ac.image_policy = CS_AP_IMAGE_DOWNLOAD;
			else
				goto bad_arg;
			break;
		case O_PKI:
			snprintf(pkidir, sizeof(pkidir), "%s", optarg);
			break;
		case O_AP_CERT:
			ap_cert = optarg;
			break;
		case O_AP_KEY:
			ap_key = optarg;
			break;
		case O_WLC_CA:
			wlc_ca = optarg;
			break;
		case O_NO_VERIFY:
			dc.no_verify = true;
			break;
		case O_VERSION:
			if (sim_parse_dtls_version(optarg, &dc.version) < 0)
				goto bad_arg;
			break;
		case O_CIPHERS:
			dc.ciphers = optarg;
			break;
		case O_TIMEOUT:
			if (sim_parse_duration_ms(optarg, &v) < 0 || v == 0)
				goto bad_arg;
			timeout_ms = v;
			break;
		case O_JSON:
			json_path = optarg;
			break;
		case 'h':
			probe_usage(stdout);
			return SIM_EXIT_OK;
		default:
			if (c >= O_DISC && c < O_DISC + SIM_DISC_N) {
				if (c == O_DISC + 5)
					vc_given = true;
				if (sim_disc_opt(&disc, c - O_DISC, optarg) < 0)
					goto bad_arg;
				break;
			}
			probe_usage(stderr);
			return SIM_EXIT_USAGE;
		}
	}
	if (optind != argc || (ac.target_count == 0 && !disc.enabled)) {
		fprintf(stderr,
		    "capsim: probe: --wlc ADDR or --discovery is required\n");
		probe_usage(stderr);
		return SIM_EXIT_USAGE;
	}
	if ((ap_cert == NULL) != (ap_key == NULL)) {
		fprintf(stderr,
		    "capsim: probe: --ap-cert and --ap-key go together\n");
		return SIM_EXIT_USAGE;
	}
	p.json = json_path != NULL && strcmp(json_path, "-") == 0;
	/* the output is checked (and a stale one removed) before any work */
	if (json_path != NULL &&
	    (r = cs_ofile_open(&json_out, json_path, 0644, why, sizeof(why))) <
	        0) {
		fprintf(stderr, "capsim: probe: cannot write %s\n", why);
		return SIM_EXIT_USAGE;
	}
	p.steps = json_array();
	p.verify_off = dc.no_verify;
	p.t0_ms = probe_now();
	srandom((unsigned)p.t0_ms);

	if ((r = cs_profile_load(&prof, profile, NULL, why, sizeof(why))) < 0) {
		fprintf(stderr, "capsim: probe: %s\n", why);
		rc = SIM_EXIT_USAGE;
		goto out;
	}
	cs_profile_apply(prof, &ac);
	memcpy(ac.mac, p.mac, 6);
	ac.serial = ac.name;
	ac.ac_port = port;
	p.ac_port = port;
	ac.discovery_type = CS_DISC_STATIC;
	/* one try per step is enough for a probe: fail fast */
	ac.max_discoveries = 3;
	ac.discovery_interval_ms = 3000;
	ac.max_discovery_interval_ms = 1000;
	ac.max_failed_dtls = 1;
	ac.wait_dtls_ms = 30000;
	/* step 1: the controller list (and, with DHCP, the AP address) */
	if (disc.enabled) {
		bool had_ip = p.ap_ip != 0;

		if ((r = probe_discover(
		         &p, &disc, &ac, vc_given ? NULL : prof, &base)) != 0) {
			rc = r;
			goto summary;
		}
		/* a leased address need not be configured locally yet */
		freebind = !had_ip;
	} else {
		probe_static_step(&p, &ac, port);
	}

	if (ap_cert != NULL) {
		if ((r = cs_cred_load_why(
		         &cred, ap_cert, ap_key, why, sizeof(why))) < 0) {
			fprintf(
			    stderr, "capsim: probe: certificate: %s\n", why);
			rc = SIM_EXIT_USAGE;
			goto out;
		}
	}
	if (ap_cert == NULL || wlc_ca == NULL) {
		if (sim_pki_open(&pki, pkidir, NULL, NULL, &sim_log) < 0) {
			rc = SIM_EXIT_USAGE;
			goto out;
		}
		if (cred == NULL &&
		    (r = cs_pki_issue_ap(pki, p.mac, CS_PKI_GOOD, &cred)) < 0) {
			fprintf(stderr,
			    "capsim: probe: cannot issue the AP certificate: "
			    "%s\n",
			    strerror(-r));
			goto out;
		}
	}
	p.cred = cred;
	dc.trust = wlc_ca == NULL ? cs_pki_ca(pki) : NULL;
	dc.ca_file = wlc_ca;
	dc.log = &sim_log;
	if ((r = cs_dtls_ctx_new(&p.dctx, &dc, &err)) < 0) {
		fprintf(stderr, "capsim: probe: DTLS setup failed: %s\n",
		    err.what != NULL ? err.what : strerror(-r));
		rc = SIM_EXIT_USAGE;
		goto out;
	}
	if ((p.fd = cs_udp_open(p.ap_ip, 0, freebind)) < 0) {
		fprintf(stderr,
		    "capsim: probe: cannot open a UDP socket on %s: "
		    "%s\n",
		    ipstr(p.ap_ip, ip), strerror(-p.fd));
		goto out;
	}
	cs_udp_local_port(p.fd, &p.ap_port);
	ac.ip = p.ap_ip;
	if ((r = cs_ap_new(&p.ap, &ac, &io)) < 0) {
		fprintf(stderr, "capsim: probe: invalid AP configuration\n");
		rc = SIM_EXIT_USAGE;
		goto out;
	}

	cs_val_mac_str(p.mac, macs);
	{
		json_t *o = json_object();

		json_object_set_new(o, "profile", json_string(prof->name));
		json_object_set_new(o, "model", json_string(prof->model));
		json_object_set_new(o, "mac", json_string(macs));
		json_object_set_new(o, "cisco", json_boolean(prof->is_cisco));
		step(&p, "ap", o,
		    "AP %s, MAC %s, profile %s (%s, %s), software %s, source "
		    "port %u, certificate CN %s",
		    ac.name, macs, prof->name, prof->model,
		    prof->is_cisco ? "Cisco encodings" : "RFC 5415",
		    prof->sw_version, p.ap_port, macs);
	}
	cs_ap_start(p.ap, probe_rel(&p));

	while (!p.done && probe_rel(&p) < timeout_ms) {
		if (p.run_at_ms != 0) {
			/* Run: the data channel keep-alive must come back
			 * (RFC 5415 §4.4.1) for UDP 5247 to be open both ways
			 */
			const struct cs_ap_stats *st = cs_ap_stats(p.ap);

			if (st->keepalives_received > 0 ||
			    probe_rel(&p) >= p.run_at_ms + 5000) {
				p.ka_ok = st->keepalives_received > 0;
				p.ka_checked = true;
				step(&p, "run",
				    json_pack(
				        "{s:b}", "keepalive_answered", p.ka_ok),
				    p.ka_ok
				        ? "data channel keep-alive answered "
				          "(UDP %u both ways)"
				        : "no answer to the data channel "
				          "keep-alive within 5 s (UDP %u)",
				    (unsigned)p.ac_port + 1);
				p.done = true;
				p.ok = true;
				break;
			}
		}
		uint8_t bufs[8][CS_CAPWAP_MAX_MSG + 64];
		struct cs_udp_pkt pk[8];
		struct pollfd pfd = { .fd = p.fd, .events = POLLIN };
		uint64_t now = probe_rel(&p), next = timeout_ms, dms;
		int n;

		for (unsigned t = 0; t < CS_AP_T__COUNT; t++)
			if (p.deadline[t] != 0 && p.deadline[t] - 1 < next)
				next = p.deadline[t] - 1;
		if (p.run_at_ms != 0 && p.run_at_ms + 5000 < next)
			next = p.run_at_ms + 5000;
		if (p.d != NULL && cs_dtls_timeout_ms(p.d, &dms) == 1 &&
		    now + dms < next)
			next = now + dms;
		poll(&pfd, 1, next > now ? (int)(next - now) : 0);
		now = probe_rel(&p);
		/* timers */
		for (unsigned t = 0; t < CS_AP_T__COUNT && !p.done; t++) {
			if (p.deadline[t] != 0 && p.deadline[t] - 1 <= now) {
				p.deadline[t] = 0;
				cs_ap_timer_fired(
				    p.ap, (enum cs_ap_timer)t, now);
			}
		}
		if (p.d != NULL && !p.d_dead && !p.d_established &&
		    cs_dtls_timeout_ms(p.d, &dms) == 1 && dms == 0) {
			r = cs_dtls_on_timer(p.d);
			if (r == -ETIMEDOUT) {
				struct cs_dtls_outcome o = { .ok = false };

				show_dtls_fail(&p);
				o.reason = p.dfail.reason;
				cs_ap_dtls_done(p.ap, &o, now);
			} else if (r >= 0) {
				step(&p, "dtls", NULL,
				    "no answer yet: flight retransmitted");
			}
		}
		if (p.d_dead)
			probe_dtls_free(&p);
		for (unsigned i = 0; i < 8; i++)
			pk[i] = (struct cs_udp_pkt){ .buf = bufs[i],
				.cap = sizeof(bufs[i]) };
		n = cs_udp_recv_batch(p.fd, pk, 8);
		for (int i = 0; i < n && !p.done; i++) {
			uint8_t type;

			now = probe_rel(&p);
			if (pk[i].src_port == (uint16_t)(p.ac_port + 1)) {
				cs_ap_input_clear(p.ap, CS_CHAN_DATA,
				    pk[i].src_ip, pk[i].src_port, pk[i].buf,
				    pk[i].len, now);
				continue;
			}
			if (cs_capwap_preamble_peek(
			        pk[i].buf, pk[i].len, &type) < 0)
				continue;
			if (type == CS_PREAMBLE_CAPWAP) {
				struct cs_msg m;

				if (cs_msg_decode(&m, pk[i].buf, pk[i].len,
				        CS_MSG_F_CISCO, NULL) == 0 &&
				    (m.ctl.type == CS_MSG_DISCOVERY_RESP ||
				        m.ctl.type ==
				            CS_MSG_PRIMARY_DISCOVERY_RESP))
					show_discovery_resp(
					    &p, pk[i].src_ip, &m);
				cs_ap_input_clear(p.ap, CS_CHAN_CONTROL,
				    pk[i].src_ip, pk[i].src_port, pk[i].buf,
				    pk[i].len, now);
				continue;
			}
			if (p.d == NULL || p.d_dead || pk[i].src_ip != p.d_peer)
				continue;
			r = cs_dtls_input(p.d, pk[i].buf, pk[i].len);
			if (r == CS_DTLS_ESTABLISHED && !p.d_established) {
				struct cs_dtls_outcome o = { .ok = true };

				p.d_established = true;
				show_dtls_ok(&p);
				cs_ap_dtls_done(p.ap, &o, now);
			} else if (r == -EPROTO) {
				struct cs_dtls_outcome o = { .ok = false };

				show_dtls_fail(&p);
				o.reason = p.dfail.reason;
				cs_ap_dtls_done(p.ap, &o, now);
			} else if (r == CS_DTLS_CLOSED) {
				struct cs_dtls_outcome o = { .ok = false,
					.reason = "controller closed the DTLS "
					          "session" };

				step(&p, "dtls", NULL,
				    "controller closed the session "
				    "(close_notify)");
				cs_ap_dtls_done(p.ap, &o, now);
			}
			if (p.d_dead)
				probe_dtls_free(&p);
		}
	}
	if (!p.done) {
		p.fail_phase = cs_ap_state(p.ap) == CS_AP_DISCOVERY
		    ? CS_PHASE_DISCOVERY
		    : CS_PHASE_DTLS;
		snprintf(p.fail_reason, sizeof(p.fail_reason),
		    "no progress within %" PRIu64 " ms (AP in %s)", timeout_ms,
		    cs_ap_state_name(cs_ap_state(p.ap)));
		step(&p, "failure", NULL, "%s", p.fail_reason);
	}
	{
		json_t *o = json_object();
		const char *hint = probe_hint(&p);

		json_object_set_new(
		    o, "result", json_string(p.ok ? "run" : "failed"));
		if (!p.ok) {
			json_object_set_new(o, "phase",
			    json_string(cs_phase_name(p.fail_phase)));
			json_object_set_new(
			    o, "reason", json_string(p.fail_reason));
		}
		json_object_set_new(o, "hint", json_string(hint));
		step(&p, "hint", o, "%s", hint);
	}
	rc = p.ok ? SIM_EXIT_OK : SIM_EXIT_FAILED;
summary:
	if (json_out != NULL) {
		json_t *doc = json_object();
		FILE *f = cs_ofile_fp(json_out);

		json_object_set_new(
		    doc, "result", json_string(p.ok ? "run" : "failed"));
		json_object_set(doc, "steps", p.steps);
		bool written;

		/* one stream, written once: the document, then its newline */
		written = json_dumpf(doc, f, JSON_INDENT(2)) == 0 &&
		    fputc('\n', f) != EOF;
		if (!written) {
			cs_ofile_discard(json_out);
			fprintf(stderr, "capsim: probe: cannot write %s\n",
			    json_path);
		} else if (cs_ofile_commit(json_out, why, sizeof(why)) < 0) {
			fprintf(
			    stderr, "capsim: probe: cannot write %s\n", why);
			written = false;
		}
		json_out = NULL;
		if (!written && rc == SIM_EXIT_OK)
			rc = SIM_EXIT_RUNTIME;
		json_decref(doc);
	}
	if (p.ok && p.d != NULL && p.d_established)
		cs_dtls_shutdown(p.d);
out:
	cs_ofile_discard(json_out);
	cs_ap_free(p.ap);
	cs_dtls_free(p.d);
	cs_dtls_ctx_free(p.dctx);
	cs_cred_free(cred);
	cs_pki_free(pki);
	cs_profile_free(prof);
	sim_disc_free(&disc);
	if (base != NULL)
		event_base_free(base);
	json_decref(p.steps);
	if (p.fd >= 0)
		close(p.fd);
	return rc;
bad_arg:
	fprintf(stderr, "capsim: probe: bad value '%s'\n", optarg);
	probe_usage(stderr);
	return SIM_EXIT_USAGE;
}
