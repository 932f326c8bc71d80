/* SPDX-License-Identifier: MIT */
/*
 * `capsim probe`: what each step shows.  The engine runs the AP and
 * calls the hooks here (struct cs_engine_probe, on its worker thread)
 * for every datagram the AP sends or receives and every step of its
 * DTLS session; messages are decoded here only for display.  Also the
 * hint, worded from the diagnosis's verdict.
 */
#include "probe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "capsim/capwap.h"
#include "capsim/udp.h"
#include "capsim/values.h"

uint64_t
probe_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t
probe_rel(const struct probe *p)
{
	return probe_now() - p->t0_ms;
}

void
probe_step(
    struct probe *p, const char *name, json_t *extra, const char *fmt, ...)
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
	probe_step(p, "discovery", o,
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
		probe_step(p, "join", o, "Join Response: result code %u (%s)%s",
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
			probe_step(p, "configure", o,
			    "Configuration Status Response: echo interval "
			    "%u s, max discovery interval %u s, %u elements",
			    t.echo_request, t.discovery, m.n_elems);
		} else {
			probe_step(p, "configure", o,
			    "Configuration Status Response: %u elements",
			    m.n_elems);
		}
		break;
	}
	case CS_MSG_CHANGE_STATE_RESP:
		probe_step(
		    p, "data-check", NULL, "Change State Event Response");
		break;
	case CS_MSG_ECHO_RESP:
		probe_step(p, "run", NULL, "Echo Response");
		break;
	default:
		if (cs_msg_type_is_request(m.ctl.type))
			probe_step(p, "request", NULL, "controller sent %s",
			    cs_msg_type_name(m.ctl.type));
		break;
	}
}

/* Why this suite: what it is, and where it stood in the AP's offer (the
 * controller chooses; RFC 5415 names TLS_RSA_WITH_AES_128_CBC_SHA as the
 * suite every AC and WTP must support with certificates). */
static void
suite_why(const char *offered, const char *cipher, char *buf, size_t cap)
{
	const char *kind;
	unsigned n = 0, at = 0;

	if (strcmp(cipher, "PSK-AES128-CBC-SHA") == 0)
		kind = "RFC 5415's mandatory pre-shared-key suite "
		       "TLS_PSK_WITH_AES_128_CBC_SHA: the key alone, no "
		       "forward secrecy";
	else if (strncmp(cipher, "ECDHE-PSK-", 10) == 0)
		kind = "pre-shared key with ECDHE key exchange, forward "
		       "secrecy (RFC 5489)";
	else if (strncmp(cipher, "DHE-PSK-", 8) == 0)
		kind = "pre-shared key with finite-field DHE, forward secrecy "
		       "(RFC 4279)";
	else if (strncmp(cipher, "PSK-", 4) == 0)
		kind = "pre-shared key alone, no forward secrecy";
	else if (strcmp(cipher, "AES128-SHA") == 0)
		kind = "RFC 5415's mandatory TLS_RSA_WITH_AES_128_CBC_SHA: RSA "
		       "key transport, no forward secrecy; the suite older "
		       "controllers agree on";
	else if (strncmp(cipher, "ECDHE-", 6) == 0)
		kind = "ECDHE key exchange, forward secrecy";
	else if (strncmp(cipher, "DHE-", 4) == 0)
		kind = "finite-field DHE key exchange, forward secrecy";
	else
		kind = "RSA key transport, no forward secrecy";
	for (const char *q = offered; q != NULL && *q != '\0';) {
		size_t len = strcspn(q, ":, ");

		if (len > 0) {
			n++;
			if (len == strlen(cipher) &&
			    strncmp(q, cipher, len) == 0)
				at = n;
		}
		q += len;
		q += *q != '\0';
	}
	if (at == 1 && n == 1)
		snprintf(buf, cap, "%s; the only suite offered", kind);
	else if (at == 1)
		snprintf(buf, cap, "%s; the first of the %u suites offered",
		    kind, n);
	else if (at > 1)
		snprintf(buf, cap,
		    "%s; offered %u of %u: the controller passed over the "
		    "ones before it",
		    kind, at, n);
	else
		snprintf(buf, cap,
		    "%s; matched by a name in the offer that is not a suite "
		    "(\"%s\")",
		    kind, offered);
}

static void
show_dtls_ok(struct probe *p, const struct cs_dtls *s)
{
	struct cs_dtls_info di;
	struct cs_cert_info ci;
	char nb[32], na[32];
	json_t *o = json_object();
	int64_t now = (int64_t)time(NULL);

	if (cs_dtls_get_info(s, &di) == 0) {
		json_object_set_new(o, "version", json_string(di.version));
		char why[256];

		suite_why(p->ciphers ? p->ciphers : CS_DTLS_DEFAULT_CIPHERS,
		    di.cipher, why, sizeof(why));
		json_object_set_new(o, "cipher", json_string(di.cipher));
		json_object_set_new(o, "cipher_why", json_string(why));
		json_object_set_new(o, "psk", json_boolean(di.is_psk));
		if (di.psk_identity != NULL)
			json_object_set_new(
			    o, "psk_identity", json_string(di.psk_identity));
		probe_step(p, "dtls", o,
		    "handshake done: %s, cipher %s (%s)%s%s", di.version,
		    di.cipher, why,
		    di.is_psk ? "; authenticated by the pre-shared key of "
		                "identity "
		              : "",
		    di.is_psk && di.psk_identity != NULL ? di.psk_identity
		                                         : "");
	}
	if (cs_dtls_peer_cert(s, &ci) == 0) {
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
		probe_step(p, "dtls", o,
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
show_dtls_fail(struct probe *p, const struct cs_dtls *s)
{
	const struct cs_dtls_failure *f = cs_dtls_failure(s);
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
	probe_step(p, "dtls", o,
	    "handshake FAILED at %s (%s), detected by the %s%s: %s",
	    cs_dtls_phase_name(f->phase), cs_dtls_fail_name(f->code),
	    f->detector != NULL ? f->detector : "?",
	    f->alert >= 0 ? (f->local ? ", alert sent" : ", alert received")
	                  : "",
	    f->reason);
	if (cs_dtls_peer_cert(s, &ci) == 0) {
		char nb[32], na[32];

		fmt_time(ci.not_before, nb, sizeof(nb));
		fmt_time(ci.not_after, na, sizeof(na));
		probe_step(p, "dtls", NULL,
		    "controller certificate was: subject %s; issuer %s; "
		    "valid %s .. %s; EKU %s",
		    ci.subject, ci.issuer, nb, na,
		    ci.has_eku ? ci.eku_text : "none");
	}
}

/* The AP's events (cs_engine_cfg.on_ap_event). */
void
probe_on_ap_event(
    void *ctx, unsigned ap, const uint8_t mac[6], const struct cs_ap_event *ev)
{
	struct probe *p = ctx;
	json_t *o;

	(void)ap;
	(void)mac;
	pthread_mutex_lock(&p->mu);
	if (p->closed) {
		pthread_mutex_unlock(&p->mu);
		return;
	}
	switch (ev->kind) {
	case CS_AP_EV_STATE:
		o = json_object();
		json_object_set_new(
		    o, "from", json_string(cs_ap_state_name(ev->from)));
		json_object_set_new(
		    o, "to", json_string(cs_ap_state_name(ev->to)));
		probe_step(p, "state", o, "%s -> %s%s%s",
		    cs_ap_state_name(ev->from), cs_ap_state_name(ev->to),
		    ev->reason != NULL ? ": " : "",
		    ev->reason != NULL ? ev->reason : "");
		p->state = ev->to;
		if (ev->to == CS_AP_RUN && p->run_at_ms == 0)
			p->run_at_ms = probe_rel(p) + 1;
		break;
	case CS_AP_EV_MSG_RECEIVED:
		/* the one message without a type: a data channel keep-alive
		 * answered (RFC 5415 §4.4.1) */
		if (ev->msg_type == 0 && p->run_at_ms != 0)
			p->ka_seen++;
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
		probe_step(p, "failure", o, "phase %s: %s",
		    cs_phase_name(ev->phase),
		    ev->reason != NULL ? ev->reason : "?");
		break;
	case CS_AP_EV_INFO:
	case CS_AP_EV_FAILOVER:
		probe_step(p, "info", NULL, "%s",
		    ev->reason != NULL ? ev->reason : "");
		break;
	case CS_AP_EV_DROPPED:
		probe_step(p, "dropped", NULL, "%s%s%s",
		    ev->msg_type != 0 ? cs_msg_type_name(ev->msg_type) : "",
		    ev->msg_type != 0 ? ": " : "",
		    ev->reason != NULL ? ev->reason : "");
		break;
	case CS_AP_EV_RETRANSMIT:
		probe_step(p, "retransmit", NULL, "%s retransmitted (%u)",
		    cs_msg_type_name(ev->msg_type), ev->value);
		break;
	default:
		break;
	}
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* ---- the engine's probe hook ---- */

/* Takes the probe for a hook; false once the main thread has it. */
static bool
probe_enter(struct probe *p)
{
	pthread_mutex_lock(&p->mu);
	if (!p->closed)
		return true;
	pthread_mutex_unlock(&p->mu);
	return false;
}

static void
probe_sent(void *ctx, enum cs_chan ch, bool is_secure, uint32_t dst,
    uint16_t port, size_t len, const struct cs_pkt_hint *h)
{
	struct probe *p = ctx;
	char ip[16];

	(void)ch;
	if (h == NULL || !probe_enter(p))
		return;
	if (is_secure) {
		if (h->msg_type != 0 && !h->is_retransmit)
			probe_step(p, "send", NULL, "%s (%zu bytes)",
			    cs_msg_type_name(h->msg_type), len);
	} else if (h->msg_type == CS_MSG_DISCOVERY_REQ) {
		probe_step(p, "discovery", NULL,
		    "Discovery Request to %s:%u (%zu bytes)", ipstr(dst, ip),
		    port, len);
	} else if (h->msg_type == CS_MSG_PRIMARY_DISCOVERY_REQ) {
		probe_step(p, "run", NULL, "Primary Discovery Request to %s:%u",
		    ipstr(dst, ip), port);
	}
	pthread_mutex_unlock(&p->mu);
}

static void
probe_received(void *ctx, enum cs_chan ch, bool is_secure, uint32_t src,
    uint16_t port, const uint8_t *b, size_t len)
{
	struct probe *p = ctx;
	struct cs_msg m;
	uint8_t type;

	(void)port;
	if (ch != CS_CHAN_CONTROL || !probe_enter(p))
		return;
	if (is_secure)
		show_secure(p, b, len);
	else if (cs_capwap_preamble_peek(b, len, &type) == 0 &&
	    type == CS_PREAMBLE_CAPWAP &&
	    cs_msg_decode(&m, b, len, CS_MSG_F_CISCO, NULL) == 0 &&
	    (m.ctl.type == CS_MSG_DISCOVERY_RESP ||
	        m.ctl.type == CS_MSG_PRIMARY_DISCOVERY_RESP))
		show_discovery_resp(p, src, &m);
	pthread_mutex_unlock(&p->mu);
}

static void
probe_dtls(void *ctx, enum cs_engine_dtls_step st, const struct cs_dtls *s,
    uint32_t ip, uint16_t port)
{
	struct probe *p = ctx;
	char a[16];

	if (!probe_enter(p))
		return;
	switch (st) {
	case CS_ENGINE_DTLS_BEGIN:
		probe_step(p, "dtls", NULL, "ClientHello to %s:%u",
		    ipstr(ip, a), port);
		break;
	case CS_ENGINE_DTLS_RETRANSMIT:
		probe_step(
		    p, "dtls", NULL, "no answer yet: flight retransmitted");
		break;
	case CS_ENGINE_DTLS_ESTABLISHED:
		show_dtls_ok(p, s);
		break;
	case CS_ENGINE_DTLS_CLOSED:
		probe_step(p, "dtls", NULL,
		    "controller closed the session (close_notify)");
		break;
	case CS_ENGINE_DTLS_FAILED:
		show_dtls_fail(p, s);
		break;
	default:
		break;
	}
	pthread_mutex_unlock(&p->mu);
}

const struct cs_engine_probe probe_hook_tmpl = {
	.sent = probe_sent,
	.received = probe_received,
	.dtls = probe_dtls,
};

/* ---- the hint ---- */

static const char *
probe_dtls_hint(enum cs_dtls_fail code)
{
	switch (code) {
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
		return "no common cipher: try --ciphers legacy, or "
		       "AES128-SHA (9800: `ap dtls-cipher`); a controller "
		       "set up for pre-shared keys needs --dtls-psk";
	case CS_DTLS_FAIL_PSK:
		return "the pre-shared key differs: give --dtls-psk the "
		       "controller's key for this AP (identity = its MAC "
		       "in hex)";
	case CS_DTLS_FAIL_PEER_ALERT:
		return "the controller rejected the AP certificate: "
		       "make it trust the lab CA (9800: trustpoint, "
		       "see `capsim certs authlist --9800`; AireOS: "
		       "SSC hash, see `capsim certs authlist "
		       "--aireos`)";
	default:
		return NULL;
	}
}

static const char *
probe_join_hint(uint32_t code)
{
	switch (code) {
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

const char *
probe_hint(const struct probe *p, const struct cs_diagnosis *d)
{
	const char *h = NULL;

	switch (d->primary) {
	case CS_DIAG_OK:
	case CS_DIAG_DATA_CHANNEL_BLOCKED:
		if (p->ok && p->ka_ok && d->primary == CS_DIAG_OK)
			return p->psk
			    ? "the AP reached Run: the controller accepts "
			      "this AP model, its pre-shared key and the "
			      "path (UDP 5246/5247 both ways)"
			    : "the AP reached Run: the controller accepts "
			      "this AP model, its certificate and the path "
			      "(UDP 5246/5247 both ways)";
		if (p->ok)
			return "the AP reached Run, but the data channel "
			       "keep-alive was not answered: check UDP 5247 "
			       "in both directions (firewall, NAT) - a real "
			       "AP would drop out after "
			       "DataChannelDeadInterval";
		break;
	case CS_DIAG_NO_CONTROLLER:
	case CS_DIAG_RETURN_PATH_LOSS:
	case CS_DIAG_FORWARD_PATH_LOSS:
	case CS_DIAG_NAT_NO_RETURN:
	case CS_DIAG_CONTROL_ADDR_UNREACH:
		if (p->n_disc_resp == 0 && p->fail_phase == CS_PHASE_DISCOVERY)
			return "no Discovery Response: check that UDP 5246 "
			       "reaches the controller and its replies come "
			       "back (firewall, ACL, NAT), that --wlc is the "
			       "controller's management (AireOS) or wireless "
			       "management (9800) address, and that the "
			       "controller is up";
		if (p->dtls_failed)
			h = probe_dtls_hint(p->dfail.code);
		break;
	case CS_DIAG_CERT_REJECTED_BY_AP:
	case CS_DIAG_CERT_REJECTED_BY_WLC:
	case CS_DIAG_CLOCK_SKEW:
	case CS_DIAG_DTLS_MISMATCH:
		if (p->dtls_failed)
			h = probe_dtls_hint(p->dfail.code);
		break;
	case CS_DIAG_JOIN_REJECTED:
	case CS_DIAG_WLC_CAPACITY:
		if (p->has_join_code)
			h = probe_join_hint(p->join_code);
		break;
	default:
		break;
	}
	if (h != NULL)
		return h;
	/* no words of the probe's own for this verdict: the diagnosis's,
	 * which says `inconclusive` where the evidence is missing */
	return d->hint != NULL ? d->hint : "see the failing step above";
}
