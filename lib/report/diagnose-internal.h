/* SPDX-License-Identifier: MIT */
/*
 * What the diagnosis files share (diagnose.c classifies and aggregates,
 * diagnose_words_*.c give each verdict code its words by family): the
 * growing string, the sub-cases of a verdict, the aggregate over the APs
 * of one code and the helpers of the words.
 */
#ifndef CS_DIAGNOSE_INTERNAL_H
#define CS_DIAGNOSE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/diagnose.h"

/* Growing string (the only allocation of the module). */
struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
	bool fixed; /* p is the caller's buffer: truncate, never grow */
	bool full;  /* fixed and truncated: nothing more goes in */
};

/* Sub-cases of a verdict, for its words: which evidence decided it. */
enum why {
	WHY_NONE,
	WHY_NO_TRAFFIC,     /* nothing sent, nothing received */
	WHY_STILL_TRYING,   /* one request, too early to tell */
	WHY_NO_WLC_SIDE,    /* requests unanswered, not known whether they
	                       reached the controller */
	WHY_FLIGHT_PARTIAL, /* part of the server flight arrived, sizes sent
	                       unknown: MTU or selective loss */
	WHY_RUN_LOST,       /* Run lost, nothing after it explains why */
	WHY_RUN_REJOINED,   /* Run lost, echoes and keep-alives dead, then a
	                       fresh join worked, no restart seen */
	WHY_WLC_FORGOT,     /* as WHY_RUN_REJOINED, and the controller's side
	                       shows the silence was its own (wlc_forgot) */
	WHY_ECHO_NO_POST,   /* echoes unanswered, keep-alives answered, no
	                       rejoin attempt seen yet */
	WHY_CONFLICT,       /* evidence for two causes */
	WHY_RP_AFTER_RUN,   /* return path: the DTLS retry after Run dies */
	WHY_RP_SELECTIVE,   /* return path: small datagrams lost while
	                       bigger ones arrive */
	WHY_MTU_SIZES,      /* MTU: sizes sent and received compared */
	WHY_MTU_FLIGHT,     /* MTU: only the AP's view of the flight */
	WHY_UNRESP_DISC,    /* unresponsive: rediscovery unanswered */
	WHY_UNRESP_ALL,     /* unresponsive: echoes, keep-alives, DTLS
	                       retry all unanswered */
	WHY_WLC_TOTALS,     /* requests unanswered; the WLC's totals say
	                       some APs' arrived, not whether this one's */
	WHY_LATE,           /* handshake open, DTLS replies late, the sizes
	                       the controller sent unknown */
	WHY_RP_CERT_HOLE,   /* return path: the Certificate's first
	                       fragment came, later ones never */
	WHY_LATE_FLIGHTS    /* flights of earlier handshakes arrived in
	                       later ones; loss not countable here */
};

/* Replies later than this are "late" (ms): above the first DTLS
 * retransmission timer (RFC 6347 §4.2.4.1: 1 s) and far above any
 * loopback or LAN round trip. */
#define DIAG_LATE_MS 1000u
/* Sent at least this often without an answer: exhausted (RFC 5415
 * §4.8: MaxRetransmit 5, the first send plus >= 2 retransmissions is
 * already more than a lost datagram). */
#define DIAG_REQ_EXHAUSTED 3u
/* capsim's own loop is "late" beyond these (ms) */
#define DIAG_SELF_LATE_P99_MS    1000u
#define DIAG_SELF_LATE_MAX_MS    5000u
#define DIAG_HEALTHY_LATE_P99_MS 50u  /* capsim kept its timers */
#define DIAG_LOAD_SLOWER_MS      250u /* controller_slowed() */

/* The live WLC's counters are totals over every AP (ctx->wlc_*): they
 * speak for one AP only when none or all of what the APs sent arrived. */
enum glob {
	GLOB_NONE,
	GLOB_CH,  /* ClientHellos the WLC received (wlc_client_hello) */
	GLOB_DISC /* Discovery Requests it received (wlc_disc_req) */
};

/* What all the APs looked at sent (the WLC's totals are compared with
 * it). */
struct sent_all {
	uint64_t ch, disc_req;
};

struct verdict {
	enum cs_diag_code code;
	enum cs_diag_conf conf;
	enum why why;
	bool plain_run; /* Run lost, the AP's own facts do not say why:
	                   the aggregate looks for a restart */
	enum glob glob; /* decided by the WLC's totals over all APs, not by
	                   this AP's own counts: the aggregate checks that
	                   the totals can only mean this */
};

struct agg {
	unsigned n;
	uint32_t disc_req, disc_resp, disc_req_after_resp, ch, ch_cookie, hvr;
	uint32_t sh, cert, flight_no_sh, stale_down;
	uint32_t hvr_matched, hvr_rtt_min_ms, hvr_rtt_max_ms;
	uint32_t ka_up, ka_down, echo_streak, runs, run_lost;
	uint32_t max_up, max_down, run_idle_ms;
	uint32_t dtls_delay_max_ms, ka_delay_max_ms, disc_delay_max_ms;
	uint32_t post_ch, post_disc_req, post_disc_resp, post_ka_down;
	uint32_t req_sent, send_err, ka_down_in_streak, ka_up_in_streak;
	uint32_t echo_req, echo_resp, join_resp;
	uint32_t ap_rx[CS_FACTS_SIZE_CLASSES], wlc_tx[CS_FACTS_SIZE_CLASSES];
	uint32_t ap_tx[CS_FACTS_SIZE_CLASSES], wlc_rx[CS_FACTS_SIZE_CLASSES];
	enum cs_diag_conf conf;           /* lowest of the APs */
	enum why why;                     /* of the sample */
	const struct cs_ap_facts *sample; /* first AP with this code */
};

const char *alert_name(unsigned d);
void sb_printf(struct sbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ip_text(uint32_t ip, char *buf, size_t len);
bool cert_stalled(const struct cs_ap_facts *f);
uint32_t sum_classes(const uint16_t *c);
uint32_t sum_u32(const uint32_t *c);
const char *upto(const struct agg *a);
const char *per(const struct agg *a);
const char *plural(unsigned v);
const char *dtls_fail_text(unsigned code);
void self_text(const struct cs_self_health *h, struct sbuf *sb);
void wlc_side_words(const struct agg *a, bool down, struct sbuf *sum);

/* diagnose_classify.c: one AP's verdict from its facts */
uint32_t dtls_down(const struct cs_ap_facts *f);
uint64_t run_lost_at(const struct cs_ap_facts *f);
struct verdict mkv(enum cs_diag_code c, enum cs_diag_conf conf, enum why why);
struct verdict glob_check(struct verdict v, const struct cs_diag_ctx *ctx,
    const struct sent_all *all);
struct verdict diag_classify(
    const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx);

/* diagnose_words.c: what is missing to decide */
void reason_text(const struct cs_ap_facts *f, struct sbuf *sb);
void peer_hint(const struct cs_diag_ctx *ctx, struct sbuf *hint);
void inconclusive_words(const struct cs_ap_facts *f, const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);

/* diagnose_words_path.c: the paths: return and forward path loss, discovery,
 * NAT, addresses, delay */
void diag_words_return_path_loss(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_forward_path_loss(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_no_controller(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_nat_no_return(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_asymmetric_return(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_option43_wrong(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_return_path_delay(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_control_addr_unreach(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);

/* diagnose_words_dtls.c: DTLS and the join: certificates, clock, MTU,
 * version/cipher mismatch, Join Result Codes */
void diag_words_cert_rejected_by_ap(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_cert_rejected_by_wlc(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_clock_skew(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint);
void diag_words_mtu_fragment_loss(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_join_rejected(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_wlc_capacity(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint);
void diag_words_dtls_mismatch(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);

/* diagnose_words_run.c: Run: echoes, keep-alives, NAT rebinding, restarts,
 * ignored requests */
void diag_words_ok(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint);
void diag_words_nat_rebinding(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_data_channel_blocked(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_data_dtls_failed(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_wlc_restart(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint);
void diag_words_controller_failover(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_controller_unresponsive(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_echo_unanswered(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_data_channel_latency(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_request_ignored(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);

/* diagnose_words_self.c: capsim itself and the load: overload, send errors, a
 * run too short */
void diag_words_controller_overloaded(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_sim_overloaded(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_local_send_error(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);
void diag_words_run_too_short(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint);

#endif /* CS_DIAGNOSE_INTERNAL_H */
