/* SPDX-License-Identifier: MIT */
/*
 * Two-sided evidence (lib/report/analyze_peer.c): an AP-side and a
 * controller-side analysis fed datagram by datagram, the controller's
 * clock 1000 s ahead (or 1 s, where only discovery is in common) and a
 * NAT in between (other address and port at the controller).  The merge
 * must match the AP by its Board Data and the datagrams by content, count
 * what was lost in which direction, and turn an inconclusive AP-side
 * diagnosis into return-path-loss or forward-path-loss; captures that do
 * not belong together must say why and change nothing.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/analyze.h"
#include "capsim/analyze_peer.h"
#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "capsim/diagnose.h"

#define AP_IN  0x0a000005u /* 10.0.0.5: the AP, inside */
#define AP_OUT 0xc6336407u /* 198.51.100.7: the NAT's address */
#define WLC    0xc0000201u /* 192.0.2.1 */
#define P_IN   40001
#define P_OUT  61000
/* the controller's clock ahead of the AP side's: 1000 s where DTLS is in
 * common, 1 s where only discovery is (which repeats byte for byte from
 * boot to boot: the clocks must agree as well) */
static uint64_t skew_us;

struct side {
	struct cs_analyze *a;
	struct cs_peer_log *log;
};

static void
side_new(struct side *s)
{
	struct cs_analyze_cfg cfg = { 0 };

	assert_int_equal(cs_peer_log_new(&s->log), 0);
	cfg.on_dgram = cs_peer_log_dgram;
	cfg.dgram_ctx = s->log;
	assert_int_equal(cs_analyze_new(&s->a, &cfg), 0);
}

static void
side_free(struct side *s)
{
	cs_analyze_free(s->a);
	cs_peer_log_free(s->log);
}

/* A Discovery Request with WTP Board Data naming Base MAC ..:@p id. */
static size_t
disc_req(uint8_t *buf, size_t cap, uint8_t id, uint8_t seq)
{
	const uint8_t mac[6] = { 0x02, 0xca, 0x75, 0, 0, id };
	struct cs_el_board_data bd = { .vendor = 9, .n_sub = 1 };
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;

	bd.sub[0] = (struct cs_board_sub){ CS_BOARD_BASE_MAC, 6, mac };
	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, buf, cap);
	cs_msgb_begin(&b, &wr, &h, CS_MSG_DISCOVERY_REQ, seq);
	cs_el_put_board_data(&wr, &bd);
	assert_int_equal(cs_msgb_end(&b), 0);
	return wr.len;
}

static size_t
disc_resp(uint8_t *buf, size_t cap, uint8_t seq)
{
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_wr wr;

	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, buf, cap);
	cs_msgb_begin(&b, &wr, &h, CS_MSG_DISCOVERY_RESP, seq);
	cs_el_put_result_code(&wr, &(struct cs_el_result_code){ 0 });
	assert_int_equal(cs_msgb_end(&b), 0);
	return wr.len;
}

/* A CAPWAP DTLS datagram (RFC 5415 §4.1) holding one handshake record
 * (RFC 6347 §4.1, §4.2.2): a ClientHello (type 1) or a
 * HelloVerifyRequest (type 3), record sequence @p rseq. */
static size_t
dtls_hs(uint8_t *buf, size_t cap, uint8_t hs_type, uint16_t rseq)
{
	struct cs_wr wr;
	uint8_t body[64];
	size_t bl;

	memset(body, 0, sizeof(body));
	body[0] = 0xfe;
	body[1] = 0xfd;
	if (hs_type == 1) {
		for (int i = 0; i < 32; i++)
			body[2 + i] = (uint8_t)(0x40 + i); /* random */
		/* session id 0, cookie 0, one suite, one compression */
		body[36] = 0;
		body[37] = 2;
		body[38] = 0xc0;
		body[39] = 0x2f;
		body[40] = 1;
		body[41] = 0;
		bl = 42;
	} else {
		body[2] = 8; /* cookie */
		memset(body + 3, 0xc5, 8);
		bl = 11;
	}
	cs_wr_init(&wr, buf, cap);
	cs_wr_u32(&wr, 0x01000000u); /* preamble: version 0, type 1 */
	cs_wr_u8(&wr, 22);           /* handshake */
	cs_wr_u16(&wr, 0xfefd);
	cs_wr_u16(&wr, 0); /* epoch */
	cs_wr_u16(&wr, 0);
	cs_wr_u32(&wr, rseq);
	cs_wr_u16(&wr, (uint16_t)(12 + bl));
	cs_wr_u8(&wr, hs_type);
	cs_wr_u8(&wr, 0);
	cs_wr_u16(&wr, (uint16_t)bl);
	cs_wr_u16(&wr, 0); /* message_seq */
	cs_wr_u8(&wr, 0);  /* fragment offset */
	cs_wr_u16(&wr, 0);
	cs_wr_u8(&wr, 0); /* fragment length */
	cs_wr_u16(&wr, (uint16_t)bl);
	cs_wr_bytes(&wr, body, bl);
	assert_int_equal(wr.err, 0);
	return wr.len;
}

/* What one side saw: up datagrams from the AP, down to it. */
static void
up(struct side *s, uint64_t t, bool at_wlc, const uint8_t *m, size_t n)
{
	assert_int_equal(cs_analyze_udp(s->a, at_wlc ? t + skew_us : t,
	                     at_wlc ? AP_OUT : AP_IN, at_wlc ? P_OUT : P_IN,
	                     WLC, 5246, m, n),
	    0);
}

static void
down(struct side *s, uint64_t t, bool at_wlc, const uint8_t *m, size_t n)
{
	assert_int_equal(
	    cs_analyze_udp(s->a, at_wlc ? t + skew_us : t, WLC, 5246,
	        at_wlc ? AP_OUT : AP_IN, at_wlc ? P_OUT : P_IN, m, n),
	    0);
}

enum loss {
	LOSS_NONE,
	LOSS_DOWN_DTLS, /* the controller's DTLS answers never arrive */
	LOSS_UP_DTLS    /* the ClientHellos never arrive */
};

/* Discovery, four ClientHellos (each answered by a HelloVerifyRequest
 * where they arrive), rediscovery 20 s later: the AP side into @p ap,
 * the controller side into @p wlc (its clock @p skew ahead). */
static void
scenario(struct side *ap, struct side *wlc, uint8_t id, enum loss loss)
{
	uint8_t m[256];
	uint64_t t = 1700000000000000ull;
	size_t n;

	for (uint8_t round = 0; round < 2; round++) {
		n = disc_req(m, sizeof(m), id, round);
		up(ap, t, false, m, n);
		up(wlc, t + 500, true, m, n);
		n = disc_resp(m, sizeof(m), round);
		down(wlc, t + 1000, true, m, n);
		down(ap, t + 1500, false, m, n);
		t += 100000;
		for (uint16_t k = 0; round == 0 && k < 4; k++) {
			n = dtls_hs(m, sizeof(m), 1, k);
			up(ap, t, false, m, n);
			if (loss != LOSS_UP_DTLS) {
				up(wlc, t + 500, true, m, n);
				n = dtls_hs(m, sizeof(m), 3, k);
				down(wlc, t + 1000, true, m, n);
				if (loss != LOSS_DOWN_DTLS)
					down(ap, t + 1500, false, m, n);
			}
			t += 1000000u << k;
		}
		t += 20000000;
	}
}

static void
check_merged(enum loss loss, enum cs_diag_code want)
{
	struct side ap = { 0 }, wlc = { 0 };
	struct cs_peer_stats st;
	struct cs_diagnosis d;

	skew_us = loss == LOSS_UP_DTLS ? 1000000u : 1000000000u;
	side_new(&ap);
	side_new(&wlc);
	scenario(&ap, &wlc, 1, loss);
	assert_int_equal(cs_peer_merge(ap.a, ap.log, wlc.a, wlc.log, &st), 0);
	assert_null(st.why);
	assert_int_equal(st.aps_matched, 1);
	assert_int_equal(st.aps_by_content, 0); /* by Board Data */
	assert_true(st.has_offset);
	/* the offset from the datagrams in common: 1000 s, to the path
	 * delay */
	assert_true(st.offset_us > (int64_t)skew_us - 2000 &&
	    st.offset_us < (int64_t)skew_us + 2000);
	assert_int_equal(st.up_lost, loss == LOSS_UP_DTLS ? 4 : 0);
	assert_int_equal(st.down_lost, loss == LOSS_DOWN_DTLS ? 4 : 0);
	assert_int_equal(cs_analyze_finish(ap.a, &d), 0);
	assert_int_equal(cs_analyze_ap_get(ap.a, 0)->code, want);
	assert_int_equal(d.primary, want);
	if (want != CS_DIAG_INCONCLUSIVE)
		assert_int_equal(d.confidence, CS_DIAG_CONF_HIGH);
	/* the evidence names what the controller's side showed */
	if (want == CS_DIAG_RETURN_PATH_LOSS)
		assert_non_null(strstr(d.summary,
		    "At the controller: it sent 6 datagrams to the AP, 2 "
		    "arrived."));
	if (want == CS_DIAG_FORWARD_PATH_LOSS)
		assert_non_null(strstr(d.summary,
		    "At the controller: it received 2 of the 6 "
		    "datagrams the AP sent."));
	cs_diagnosis_free(&d);
	side_free(&ap);
	side_free(&wlc);
}

static void
test_return_path(void **state)
{
	struct side ap = { 0 }, wlc = { 0 };
	struct cs_diagnosis d;

	(void)state;
	skew_us = 1000000000u;
	/* the AP's side alone cannot tell */
	side_new(&ap);
	side_new(&wlc);
	scenario(&ap, &wlc, 1, LOSS_DOWN_DTLS);
	assert_int_equal(cs_analyze_finish(ap.a, &d), 0);
	assert_int_equal(d.primary, CS_DIAG_INCONCLUSIVE);
	cs_diagnosis_free(&d);
	side_free(&ap);
	side_free(&wlc);
	check_merged(LOSS_DOWN_DTLS, CS_DIAG_RETURN_PATH_LOSS);
}

static void
test_forward_path(void **state)
{
	struct side ap = { 0 }, wlc = { 0 };
	struct cs_peer_stats st;

	(void)state;
	check_merged(LOSS_UP_DTLS, CS_DIAG_FORWARD_PATH_LOSS);
	/* only discovery in common and the clocks 1000 s apart: another
	 * boot's capture as likely as this one's */
	skew_us = 1000000000u;
	side_new(&ap);
	side_new(&wlc);
	scenario(&ap, &wlc, 1, LOSS_UP_DTLS);
	assert_int_equal(cs_peer_merge(ap.a, ap.log, wlc.a, wlc.log, &st), 0);
	assert_non_null(st.why);
	assert_non_null(strstr(st.why, "only discovery messages in common"));
	assert_int_equal(st.common_unique, 0);
	side_free(&ap);
	side_free(&wlc);
}

/* Every answer arrived (the AP never completed the handshake: this
 * scenario stops at the cookie): no loss is claimed in either way. */
static void
test_nothing_lost(void **state)
{
	(void)state;
	check_merged(LOSS_NONE, CS_DIAG_INCONCLUSIVE);
}

/* Captures that do not belong together change nothing and say why. */
static void
test_wrong_peer(void **state)
{
	struct side ap = { 0 }, wlc = { 0 }, other = { 0 };
	struct cs_peer_stats st;
	struct cs_diagnosis d;
	uint8_t m[256];
	size_t n;

	(void)state;
	skew_us = 1000000000u;
	side_new(&ap);
	side_new(&wlc);
	side_new(&other);
	scenario(&ap, &wlc, 1, LOSS_DOWN_DTLS);
	/* another AP at the controller */
	n = disc_req(m, sizeof(m), 2, 0);
	up(&other, 5, true, m, n);
	assert_int_equal(
	    cs_peer_merge(ap.a, ap.log, other.a, other.log, &st), 0);
	assert_non_null(st.why);
	assert_non_null(strstr(st.why, "no AP in common"));
	/* the captures the wrong way round: the controller's answers the
	 * APs never got read as "received, never sent", not as lost */
	assert_int_equal(cs_peer_merge(wlc.a, wlc.log, ap.a, ap.log, &st), 0);
	assert_non_null(st.why);
	assert_non_null(strstr(st.why, "wrong way round"));
	assert_int_equal(st.down_lost + st.up_lost, 0);
	/* the AP side given twice */
	assert_int_equal(cs_peer_merge(ap.a, ap.log, ap.a, ap.log, &st), 0);
	assert_non_null(st.why);
	assert_non_null(strstr(st.why, "same datagrams at the same times"));
	/* a controller capture without CAPWAP */
	side_free(&other);
	side_new(&other);
	assert_int_equal(
	    cs_peer_merge(ap.a, ap.log, other.a, other.log, &st), 0);
	assert_non_null(strstr(st.why, "no CAPWAP"));
	/* nothing was taken: still the AP's side alone */
	assert_int_equal(cs_analyze_finish(ap.a, &d), 0);
	assert_int_equal(d.primary, CS_DIAG_INCONCLUSIVE);
	cs_diagnosis_free(&d);
	assert_int_equal(
	    cs_peer_merge(NULL, ap.log, wlc.a, wlc.log, &st), -EINVAL);
	side_free(&ap);
	side_free(&wlc);
	side_free(&other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_return_path),
		cmocka_unit_test(test_forward_path),
		cmocka_unit_test(test_nothing_lost),
		cmocka_unit_test(test_wrong_peer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
