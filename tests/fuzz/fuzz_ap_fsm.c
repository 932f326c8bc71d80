/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the AP state machine: the first byte picks a starting scenario,
 * the rest is a stream of (kind, bytes) steps fed as secure/clear input,
 * timer expiries, DTLS outcomes or well-formed answers from a built-in
 * WLC (so deep states are reachable).  Invariants are asserted after
 * every step.
 */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ap/ap-internal.h"
#include "capsim/ap.h"
#include "capsim/ap_station.h"
#include "capsim/capwap.h"
#include "capsim/cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define AC 0x7f00000aU

struct fz {
	bool armed[CS_AP_T__COUNT];
	uint8_t last[2048]; /* last datagram the AP sent */
	size_t last_len;
	bool last_secure;
	uint32_t rnd;
	unsigned dtls_starts, dtls_stops;
};

static struct fz Z;

static void
fz_keep(const uint8_t *pkt, size_t len, bool secure)
{
	assert(len > 0 && len <= CS_CAPWAP_MAX_MSG);
	if (len > sizeof(Z.last))
		return;
	memcpy(Z.last, pkt, len);
	Z.last_len = len;
	Z.last_secure = secure;
}

static int
fz_send_clear(void *ctx, enum cs_chan ch, uint32_t dst, uint16_t port,
    const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	(void)ctx;
	(void)ch;
	(void)dst;
	(void)hint;
	assert(port == 5246 || port == 5247);
	fz_keep(pkt, len, false);
	return 0;
}

static int
fz_send_secure(
    void *ctx, const uint8_t *pkt, size_t len, const struct cs_pkt_hint *hint)
{
	(void)ctx;
	(void)hint;
	fz_keep(pkt, len, true);
	return 0;
}

static int
fz_dtls_start(void *ctx, uint32_t ip, uint16_t port)
{
	(void)ctx;
	(void)ip;
	(void)port;
	Z.dtls_starts++;
	return 0;
}

static void
fz_dtls_stop(void *ctx, bool graceful)
{
	(void)ctx;
	(void)graceful;
	Z.dtls_stops++;
}

static void
fz_arm(void *ctx, enum cs_ap_timer t, uint64_t d)
{
	(void)ctx;
	(void)d;
	assert((unsigned)t < CS_AP_T__COUNT);
	Z.armed[t] = true;
}

static void
fz_cancel(void *ctx, enum cs_ap_timer t)
{
	(void)ctx;
	assert((unsigned)t < CS_AP_T__COUNT);
	Z.armed[t] = false;
}

static void
fz_event(void *ctx, const struct cs_ap_event *e)
{
	(void)ctx;
	assert(e->reason != NULL);
	assert((unsigned)e->kind < CS_AP_EV__COUNT);
	assert((unsigned)e->from < CS_AP__COUNT);
	assert((unsigned)e->to < CS_AP__COUNT);
	assert((unsigned)e->phase < CS_PHASE__COUNT);
}

static uint32_t
fz_rand(void *ctx, uint32_t bound)
{
	(void)ctx;
	assert(bound > 0);
	Z.rnd = Z.rnd * 1103515245u + 12345u;
	return Z.rnd % bound;
}

/* An Add WLAN from a hostile controller: the stations' parser (issue 14)
 * either takes it or says where it is wrong, inside the element. */
static int
fz_wlan_config(void *ctx, const uint8_t *val, size_t len)
{
	struct cs_add_wlan w;
	struct cs_err err = { 0 };
	int r;

	(void)ctx;
	r = cs_add_wlan_parse(val, len, &w, &err);
	if (r < 0) {
		assert(r == -EBADMSG && err.what != NULL && err.offset <= len);
		return r;
	}
	assert(w.ssid[0] != '\0' && strlen(w.ssid) <= 32);
	return 0;
}

static const struct cs_ap_io fz_io = {
	.send_clear = fz_send_clear,
	.send_secure = fz_send_secure,
	.dtls_start = fz_dtls_start,
	.dtls_stop = fz_dtls_stop,
	.timer_arm = fz_arm,
	.timer_cancel = fz_cancel,
	.event = fz_event,
	.rand = fz_rand,
	.wlan_config = fz_wlan_config,
};

static void
fz_ac(struct cs_wr *wr)
{
	struct cs_el_ac_descriptor d = { .max_wtps = 10, .n_info = 2 };
	struct cs_el_ac_name n = { .name = { "WLC", 3 } };
	struct cs_el_radio_info ri = { .radio_id = 1, .radio_type = 1 };
	struct cs_el_ctrl_ipv4 c = { .addr = AC };
	static const uint8_t v[] = "1";

	d.info[0] = (struct cs_ac_info){ .type = 4, .len = 1, .data = v };
	d.info[1] = (struct cs_ac_info){ .type = 5, .len = 1, .data = v };
	cs_el_put_ac_descriptor(wr, &d);
	cs_el_put_ac_name(wr, &n);
	cs_el_put_radio_info(wr, &ri);
	cs_el_put_ctrl_ipv4(wr, &c);
}

/* A well-formed answer to the AP's last request; `bump` skews the seq. */
static void
fz_answer(struct cs_ap *ap, uint8_t bump, uint8_t variant, uint64_t now)
{
	struct cs_msg m;
	uint8_t out[1024];
	struct cs_wr wr;
	struct cs_msgb b;
	struct cs_capwap_hdr h;
	struct cs_el_result_code rc = { .code = variant % 4 == 3 ? 4 : 0 };

	if (Z.last_len == 0 ||
	    cs_msg_decode(&m, Z.last, Z.last_len, 0, NULL) < 0)
		return;
	cs_wr_init(&wr, out, sizeof(out));
	cs_capwap_hdr_init(&h, 0);
	cs_msgb_begin(&b, &wr, &h, m.ctl.type + 1, (uint8_t)(m.ctl.seq + bump));
	switch (m.ctl.type) {
	case CS_MSG_DISCOVERY_REQ:
		fz_ac(&wr);
		break;
	case CS_MSG_JOIN_REQ: {
		struct cs_el_local_ipv4 l = { .addr = AC };
		struct cs_el_ecn_support e = { 0 };

		cs_el_put_result_code(&wr, &rc);
		fz_ac(&wr);
		cs_el_put_local_ipv4(&wr, &l);
		cs_el_put_ecn_support(&wr, &e);
		if (variant & 4) {
			struct cs_el_image_id id = { .vendor = 1,
				.data = (const uint8_t *)"9.9",
				.len = 3 };

			cs_el_put_image_id(&wr, &id);
		}
		break;
	}
	case CS_MSG_CONFIG_STATUS_REQ: {
		struct cs_el_timers t = { .discovery = variant,
			.echo_request = variant };
		struct cs_el_decrypt_err_period p = { .radio_id = 1 };
		struct cs_el_idle_timeout it = { 300 };
		struct cs_el_wtp_fallback fb = { 1 };
		struct cs_el_ac_ipv4_list al = { .n = 1, .addr = { AC } };

		if (!(variant & 8))
			cs_el_put_timers(&wr, &t);
		cs_el_put_decrypt_err_period(&wr, &p);
		cs_el_put_idle_timeout(&wr, &it);
		cs_el_put_wtp_fallback(&wr, &fb);
		cs_el_put_ac_ipv4_list(&wr, &al);
		break;
	}
	case CS_MSG_IMAGE_DATA_REQ:
	case CS_MSG_ECHO_REQ:
	case CS_MSG_CHANGE_STATE_REQ:
		if (m.ctl.type == CS_MSG_IMAGE_DATA_REQ)
			cs_el_put_result_code(&wr, &rc);
		break;
	default:
		return;
	}
	if (cs_msgb_end(&b) != 0)
		return;
	if (m.ctl.type == CS_MSG_DISCOVERY_REQ)
		cs_ap_input_clear(
		    ap, CS_CHAN_CONTROL, AC, 5246, out, wr.len, now);
	else
		cs_ap_input_secure(ap, out, wr.len, now);
}

/* An AC-initiated request: Image Data, Reset, Config Update, unknown. */
static void
fz_ac_request(struct cs_ap *ap, uint8_t sel, uint8_t seq, uint64_t now)
{
	static const uint32_t types[] = { CS_MSG_IMAGE_DATA_REQ,
		CS_MSG_RESET_REQ, CS_MSG_CONFIG_UPDATE_REQ, 27,
		CS_MSG_DATA_TRANSFER_REQ, CS_MSG_WLAN_CONFIG_REQ };
	uint8_t out[512];
	struct cs_wr wr;
	struct cs_msgb b;
	struct cs_capwap_hdr h;
	uint32_t type = types[sel % 6];

	cs_wr_init(&wr, out, sizeof(out));
	cs_capwap_hdr_init(&h, 0);
	cs_msgb_begin(&b, &wr, &h, type, seq);
	if (type == CS_MSG_IMAGE_DATA_REQ) {
		static const uint8_t d[16];
		struct cs_el_image_data id = {
			.data_type = (sel & 8) ? CS_IMG_EOF : CS_IMG_DATA,
			.data = d,
			.len = sizeof(d)
		};

		cs_el_put_image_data(&wr, &id);
	} else if (type == CS_MSG_RESET_REQ) {
		struct cs_el_image_id id = {
			.vendor = 1, .data = (const uint8_t *)"8.8", .len = 3
		};

		cs_el_put_image_id(&wr, &id);
	}
	if (cs_msgb_end(&b) == 0)
		cs_ap_input_secure(ap, out, wr.len, now);
}

static void
fz_check(const struct cs_ap *ap)
{
	enum cs_ap_state s = cs_ap_state(ap);
	unsigned n = 0;

	assert((unsigned)s < CS_AP__COUNT);
	assert(ap->armed < (1u << CS_AP_T__COUNT));
	for (unsigned t = 0; t < CS_AP_T__COUNT; t++) {
		/* the AP's view of armed timers matches the glue's */
		assert(Z.armed[t] == ((ap->armed >> t) & 1u));
		n += Z.armed[t];
	}
	/* an outstanding request always has its retransmit timer */
	assert((ap->req != NULL) == Z.armed[CS_AP_T_RETRANSMIT]);
	assert(!ap->has_pending);
	switch (s) {
	case CS_AP_SULKING:
		assert(n == 1 && Z.armed[CS_AP_T_SILENT]);
		break;
	case CS_AP_DTLS_TEARDOWN:
		assert(n == 1 && Z.armed[CS_AP_T_SESSION_DELETE]);
		break;
	case CS_AP_DTLS_SETUP:
		assert(Z.armed[CS_AP_T_WAIT_DTLS]);
		break;
	case CS_AP_IDLE:
	case CS_AP_RESET:
		assert(!ap->started); /* transient once started */
		break;
	case CS_AP_RUN:
		assert(Z.armed[CS_AP_T_ECHO] && Z.armed[CS_AP_T_KEEPALIVE]);
		break;
	case CS_AP_DISCOVERY:
	case CS_AP_JOIN:
	case CS_AP_IMAGE_DATA:
	case CS_AP_CONFIGURE:
	case CS_AP_DATA_CHECK:
		break;
	case CS_AP__COUNT:
		assert(0);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_ap_cfg cfg;
	struct cs_ap *ap;
	uint64_t now = 0;
	size_t i = 1;

	if (size < 1)
		return 0;
	memset(&Z, 0, sizeof(Z));
	Z.rnd = data[0];
	cs_ap_cfg_defaults(&cfg);
	cfg.ip = 0x7f000101;
	cfg.target_count = 1;
	cfg.targets[0] = AC;
	cfg.skip_discovery = (data[0] & 1) != 0;
	cfg.image_policy =
	    (data[0] & 2) ? CS_AP_IMAGE_DOWNLOAD : CS_AP_IMAGE_ADOPT;
	cfg.max_retransmit = data[0] >> 5;
	cfg.primed[0] = (data[0] & 4) ? "WLC" : NULL;
	if (cs_ap_new(&ap, &cfg, &fz_io) != 0)
		return 0;
	if (!(data[0] & 8))
		cs_ap_start(ap, now);
	fz_check(ap);
	while (i < size) {
		uint8_t kind = data[i++];
		uint8_t arg = i < size ? data[i] : 0;

		now += (kind >> 4) * 997u;
		switch (kind & 0x0f) {
		case 0:
		case 1: { /* raw input, length-prefixed */
			size_t n = arg;

			i++;
			if (n > size - (i < size ? i : size))
				n = size - (i < size ? i : size);
			if ((kind & 0x0f) == 0)
				cs_ap_input_secure(ap, data + i, n, now);
			else
				cs_ap_input_clear(ap,
				    (arg & 1) ? CS_CHAN_DATA : CS_CHAN_CONTROL,
				    AC, 5246, data + i, n, now);
			i += n;
			break;
		}
		case 2: { /* fire a timer, armed or not */
			enum cs_ap_timer t =
			    (enum cs_ap_timer)(arg % CS_AP_T__COUNT);

			i++;
			Z.armed[t] = false;
			cs_ap_timer_fired(ap, t, now);
			/* stale expiries keep the AP's mask */
			Z.armed[t] = (ap->armed >> t) & 1u;
			break;
		}
		case 3: { /* DTLS outcome */
			struct cs_dtls_outcome o = { .ok = (arg & 1) != 0,
				.reason = (arg & 2) ? "fuzz" : NULL };

			i++;
			cs_ap_dtls_done(ap, &o, now);
			break;
		}
		case 4:
		case 5:
		case 6: /* answer the last request (maybe with a bad seq) */
			i++;
			fz_answer(ap, (kind & 0x0f) == 6 ? arg : 0, arg, now);
			break;
		case 7: /* echo the last clear datagram back on the data port */
			if (Z.last_len > 0 && !Z.last_secure)
				cs_ap_input_clear(ap, CS_CHAN_DATA, AC, 5247,
				    Z.last, Z.last_len, now);
			break;
		case 8: /* fire whatever is armed first */
			for (unsigned t = 0; t < CS_AP_T__COUNT; t++) {
				if (Z.armed[t]) {
					Z.armed[t] = false;
					cs_ap_timer_fired(
					    ap, (enum cs_ap_timer)t, now);
					break;
				}
			}
			break;
		case 9:
			i++;
			fz_ac_request(ap, arg, i < size ? data[i] : 0, now);
			i++;
			break;
		default: /* replay the last datagram the AP sent as input */
			if (Z.last_len > 0)
				cs_ap_input_secure(ap, Z.last, Z.last_len, now);
			break;
		}
		fz_check(ap);
	}
	cs_ap_free(ap);
	return 0;
}
