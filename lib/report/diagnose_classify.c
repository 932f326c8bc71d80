/* SPDX-License-Identifier: MIT */
/*
 * Per-AP classification of the diagnosis: the fixed list of rules (first
 * match wins) that gives one AP its verdict code from its facts, with
 * the sub-case (enum why) its words name.
 */
#include "diagnose-internal.h"

#include <string.h>

#include "capsim/capwap.h"
#include "capsim/dtls.h"
#include "capsim/option43.h"

static bool
alert_is_cert(unsigned d)
{
	return (d >= 42 && d <= 46) || d == 48;
}

static bool
alert_is_mismatch(unsigned d)
{
	return d == 70 || d == 71;
}

static bool
fail_is_cert(unsigned code)
{
	switch (code) {
	case CS_DTLS_FAIL_CERT_EXPIRED:
	case CS_DTLS_FAIL_NOT_YET_VALID:
	case CS_DTLS_FAIL_UNKNOWN_CA:
	case CS_DTLS_FAIL_BAD_EKU:
	case CS_DTLS_FAIL_CN_MISMATCH:
	case CS_DTLS_FAIL_WEAK_SIG:
	case CS_DTLS_FAIL_WEAK_KEY:
	case CS_DTLS_FAIL_BAD_CERT:
	case CS_DTLS_FAIL_NO_CERT:
		return true;
	default:
		return false;
	}
}

/* ---------------------------------------------------------------------
 * Per-AP classification
 */

uint32_t
dtls_down(const struct cs_ap_facts *f)
{
	return (uint32_t)f->hvr + f->sh + f->cert + f->cert_req + f->shd +
	    f->ccs_down + f->fin_down + f->alerts_down + f->app_down +
	    f->dtls_other_down;
}

static bool
joined_ok(const struct cs_ap_facts *f)
{
	return ((f->flags & CS_FACTS_F_JOIN_RC) &&
	           (f->join_rc == CS_RC_SUCCESS ||
	               f->join_rc == CS_RC_SUCCESS_NAT)) ||
	    f->cs_resp > 0 || f->cfg_resp > 0;
}

bool
cert_stalled(const struct cs_ap_facts *f)
{
	return (f->flags & CS_FACTS_F_CERT_STALL) ||
	    (f->cert_seq_set && !(f->flags & CS_FACTS_F_CERT_DONE));
}

/* A stalled Certificate whose first fragment arrived.  The sender cuts
 * its fragments to fill datagrams, so the first one travels in a datagram
 * as big as any of the flight's: a size limit would have lost it too. */
static bool
cert_head_came(const struct cs_ap_facts *f)
{
	return f->cert_head_stall ||
	    (f->cert_seq_set && !(f->flags & CS_FACTS_F_CERT_DONE) &&
	        (f->cert_have & 1u));
}

/* Option 43 decodes but does not name the controller the run used. */
static bool
o43_misses_wlc(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx)
{
	struct cs_opt43 o;

	if (!(f->flags & CS_FACTS_F_O43) || f->o43_err != 0 || ctx->wlc_ip == 0)
		return false;
	if (f->o43_len > CS_FACTS_O43_LEN ||
	    cs_opt43_decode(f->o43, f->o43_len, &o, NULL) != 0)
		return false;
	for (size_t i = 0; i < o.n; i++)
		if (o.ctrl[i] == ctx->wlc_ip)
			return false;
	return true;
}

/* Still in Run, but the echo and at least two retransmissions went
 * unanswered: the trace ends while the AP is losing Run. */
static bool
run_losing(const struct cs_ap_facts *f)
{
	return (f->flags & CS_FACTS_F_IN_RUN) && f->echo_streak >= 3;
}

/* NAT between AP and WLC: a mapping reported by the run, or the
 * controller's Join Result Code 2 (RFC 5415 §4.6.35). */
static bool
nat_seen(const struct cs_ap_facts *f)
{
	return (f->flags & CS_FACTS_F_NAT) ||
	    ((f->flags & CS_FACTS_F_JOIN_RC) &&
	        f->join_rc == CS_RC_SUCCESS_NAT);
}

/* When Run was (last) lost, in the caller's clock. */
uint64_t
run_lost_at(const struct cs_ap_facts *f)
{
	uint32_t rel = f->t_run_lost;

	if (run_losing(f))
		rel = f->t_echo_resp > f->t_run ? f->t_echo_resp : f->t_run;
	return f->t_first + rel;
}

static enum cs_diag_code
classify_dtls_fail(const struct cs_ap_facts *f)
{
	bool local = (f->flags & CS_FACTS_F_DTLS_LOCAL) != 0;
	unsigned fc = f->dtls_fail;

	if (fc == CS_DTLS_FAIL_NONE)
		return CS_DIAG__COUNT;
	if (fc == CS_DTLS_FAIL_VERSION || fc == CS_DTLS_FAIL_NO_SHARED_CIPHER ||
	    fc == CS_DTLS_FAIL_PSK)
		return CS_DIAG_DTLS_MISMATCH;
	if (fail_is_cert(fc)) {
		if (!local)
			return CS_DIAG_CERT_REJECTED_BY_WLC;
		if (fc == CS_DTLS_FAIL_NOT_YET_VALID ||
		    (fc == CS_DTLS_FAIL_CERT_EXPIRED &&
		        (f->flags & CS_FACTS_F_SKEW)))
			return CS_DIAG_CLOCK_SKEW;
		return CS_DIAG_CERT_REJECTED_BY_AP;
	}
	return CS_DIAG__COUNT; /* timeout, peer alert, ...: look at the wire */
}

static enum cs_diag_code
classify_alerts(const struct cs_ap_facts *f)
{
	unsigned up = f->alert_up_desc, down = f->alert_down_desc;

	if (up != CS_FACTS_NONE8) {
		/* OpenSSL sends bad_certificate for "not yet valid" and
		 * certificate_expired for "expired" */
		if (alert_is_cert(up))
			return (up == 42 || up == 45) &&
			        (f->flags & CS_FACTS_F_SKEW)
			    ? CS_DIAG_CLOCK_SKEW
			    : CS_DIAG_CERT_REJECTED_BY_AP;
		if (alert_is_mismatch(up))
			return CS_DIAG_DTLS_MISMATCH;
	}
	if (down != CS_FACTS_NONE8) {
		if (alert_is_cert(down))
			return CS_DIAG_CERT_REJECTED_BY_WLC;
		/* 115 unknown_psk_identity (RFC 4279 §2) */
		if (alert_is_mismatch(down) || down == 115 ||
		    (down == 40 && (f->flags & CS_FACTS_F_ALERT_PRE_SH)))
			return CS_DIAG_DTLS_MISMATCH;
	}
	return CS_DIAG__COUNT;
}

uint32_t
sum_classes(const uint16_t *c)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < CS_FACTS_SIZE_CLASSES; i++)
		n += c[i];
	return n;
}

/* Both ends of one direction counted (live with the embedded WLC, or a
 * capture that saw both): sent[] by the sender, got[] by the receiver. */
static bool
sizes_known(const uint16_t *sent)
{
	return sum_classes(sent) > 0;
}

/*
 * MTU signature in one direction: every size class below some size
 * delivered in full (and at least one of them carried traffic), every
 * class above it lost in full; the class holding the limit may be
 * partial.  Returns 1 MTU-shaped, 0 no loss, -1 loss not shaped by size
 * (a small datagram lost while a bigger one arrived).  *limit gets the
 * largest size class delivered in full.
 */
static int
size_shape(const uint16_t *sent, const uint16_t *got, unsigned *limit)
{
	int first_loss = -1, last_full = -1;
	bool below_ok = false;

	for (unsigned i = 0; i < CS_FACTS_SIZE_CLASSES; i++) {
		if (sent[i] > got[i] + 1u && first_loss < 0)
			first_loss = (int)i;
		if (sent[i] > 0 && got[i] >= sent[i])
			last_full = (int)i;
	}
	if (first_loss < 0)
		return 0;
	/* above the limit, datagrams vanish: most of the first lossy
	 * class (it may hold the limit), not one random loss */
	if ((uint32_t)got[first_loss] * 2u >= sent[first_loss])
		return -1;
	for (int i = 0; i < first_loss; i++)
		if (sent[i] > 0 && got[i] > 0)
			below_ok = true;
	/* everything above the first lossy class lost in full */
	for (unsigned i = (unsigned)first_loss + 1; i < CS_FACTS_SIZE_CLASSES;
	     i++)
		if (got[i] > 0)
			return -1;
	*limit = last_full >= 0 && last_full < first_loss
	    ? cs_facts_size_class_max((unsigned)last_full)
	    : 0;
	return below_ok ? 1 : -1;
}

static bool
run_lost_any(const struct cs_ap_facts *f)
{
	return f->run_lost > 0 || run_losing(f);
}

struct verdict
mkv(enum cs_diag_code c, enum cs_diag_conf conf, enum why why)
{
	struct verdict v = { c, conf, why, false, GLOB_NONE };

	return v;
}

/* A verdict read from the WLC's totals stands when they speak for every
 * AP: none of the requests arrived, or at least as many as all the APs
 * sent.  Otherwise some APs' requests arrived and others' may not have:
 * the totals cannot say which, so this AP is undecided. */
struct verdict
glob_check(
    struct verdict v, const struct cs_diag_ctx *ctx, const struct sent_all *all)
{
	uint64_t got, sent;

	if (v.glob == GLOB_NONE)
		return v;
	got = v.glob == GLOB_CH ? ctx->wlc_client_hello : ctx->wlc_disc_req;
	sent = v.glob == GLOB_CH ? all->ch : all->disc_req;
	if (got == 0 || got >= sent)
		return v;
	return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_WLC_TOTALS);
}

/* Run was lost: what happened next says why (echoes, keep-alives, the
 * rediscovery and the DTLS retry). */
/* The controller's side of the AP, datagram by datagram (a capture at
 * the controller beside the APs', or an external controller's capture
 * given to the run): every datagram the AP sent reached the controller
 * and nothing it sent was lost, so the unanswered echoes and keep-alives
 * were the controller's own silence; the AP's fresh handshake then
 * worked: the controller forgot the sessions (a restart, a failover).
 * Not for the embedded WLC, whose restarts the run sees itself. */
static bool
wlc_forgot(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx)
{
	if ((ctx->live && ctx->wlc_known) || !sizes_known(f->wlc_rx) ||
	    f->wlc_side_by_flight)
		return false;
	return sum_classes(f->wlc_rx) >= sum_classes(f->ap_tx) &&
	    sum_classes(f->wlc_tx) <= sum_classes(f->ap_rx);
}

static struct verdict
classify_run_lost(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx)
{
	bool echo_dead = f->echo_streak_max_run >= 2 || run_losing(f);
	/* the data channel answered while the echoes did not (after the
	 * loss there is no data channel until the AP joins again) */
	bool ka_alive = f->ka_down_in_streak > 0;
	bool ka_dead = f->ka_up_in_streak > 0 && f->ka_down_in_streak == 0;
	bool rejoined = f->post_dtls_down > 0 &&
	    (f->runs >= 2 || f->hs_done >= 2 || (f->flags & CS_FACTS_F_IN_RUN));
	struct verdict v;

	/* back in Run on another controller than the one lost: the AP
	 * failed over.  Whether the lost one died or the path to it was
	 * cut the AP cannot tell, so the verdict names the loss and the
	 * failover, not a cause; a restart seen is the restart's */
	if (f->failovers > 0 && f->fo_to != 0 && f->fo_to != f->fo_from &&
	    (f->flags & CS_FACTS_F_IN_RUN) && ctx->wlc_restarts == 0)
		return mkv(
		    CS_DIAG_CONTROLLER_FAILOVER, CS_DIAG_CONF_MEDIUM, WHY_NONE);

	if (f->nat_changes_run > 0)
		return mkv(CS_DIAG_NAT_REBINDING, CS_DIAG_CONF_HIGH, WHY_NONE);
	if (ctx->wlc_restarts > 0)
		return mkv(CS_DIAG_WLC_RESTART, CS_DIAG_CONF_HIGH, WHY_NONE);
	if (nat_seen(f) && !(f->post_ch >= 2 && f->post_dtls_down == 0))
		return mkv(
		    CS_DIAG_NAT_REBINDING, CS_DIAG_CONF_MEDIUM, WHY_NONE);
	/* the DTLS retry dies on the way back */
	if (f->post_ch >= 2 && f->post_dtls_down == 0) {
		if (f->post_disc_resp > 0 || ka_alive)
			return mkv(CS_DIAG_RETURN_PATH_LOSS,
			    ctx->wlc_known && ctx->wlc_client_hello > 0
			        ? CS_DIAG_CONF_HIGH
			        : CS_DIAG_CONF_MEDIUM,
			    WHY_RP_AFTER_RUN);
		if (ctx->wlc_known && ctx->wlc_client_hello > 0)
			return mkv(CS_DIAG_RETURN_PATH_LOSS,
			    CS_DIAG_CONF_MEDIUM, WHY_RP_AFTER_RUN);
		if (f->post_disc_req >= 2 && f->post_disc_resp == 0)
			return mkv(CS_DIAG_CONTROLLER_UNRESPONSIVE,
			    CS_DIAG_CONF_MEDIUM, WHY_UNRESP_DISC);
		if (echo_dead && (ka_dead || f->ka_up == 0))
			return mkv(CS_DIAG_CONTROLLER_UNRESPONSIVE,
			    ka_dead ? CS_DIAG_CONF_MEDIUM : CS_DIAG_CONF_LOW,
			    WHY_UNRESP_ALL);
	}
	/* rediscovery gets no answer at all */
	if (f->post_disc_req >= 2 && f->post_disc_resp == 0 &&
	    f->post_dtls_down == 0 && !ka_alive)
		return mkv(CS_DIAG_CONTROLLER_UNRESPONSIVE, CS_DIAG_CONF_MEDIUM,
		    WHY_UNRESP_DISC);
	/* only the echoes go unanswered: the data channel shows the
	 * controller alive and the path up */
	if (echo_dead && ka_alive) {
		/* an earlier loss of the same kind was followed by a new
		 * Run (runs counts entries into Run): the controller took
		 * the AP back, even when the trace ends before this loss's
		 * retry is answered */
		if (rejoined || f->post_dtls_down > 0 ||
		    (f->runs >= 2 && f->run_lost >= 2))
			return mkv(CS_DIAG_ECHO_UNANSWERED, CS_DIAG_CONF_HIGH,
			    WHY_NONE);
		return mkv(
		    CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_ECHO_NO_POST);
	}
	/* echoes (and keep-alives, when used) dead, then a fresh join
	 * works: the controller forgot the session */
	if (echo_dead && rejoined) {
		v = mkv(
		    CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_RUN_REJOINED);
		v.plain_run = true;
		if (!ctx->live && f->alerts_down_run > 0) {
			v.code = CS_DIAG_WLC_RESTART;
			v.conf = CS_DIAG_CONF_MEDIUM;
		} else if (wlc_forgot(f, ctx)) {
			v.why = WHY_WLC_FORGOT; /* a restart if all at once */
		}
		return v;
	}
	if (echo_dead && f->ka_up > 0 && f->ka_down == 0 && !ctx->live)
		return mkv(
		    CS_DIAG_DATA_CHANNEL_BLOCKED, CS_DIAG_CONF_LOW, WHY_NONE);
	v = mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_RUN_LOST);
	v.plain_run = echo_dead;
	return v;
}

/* From the AP's side alone: the HelloVerifyRequests, matched to their
 * ClientHellos by record sequence number (RFC 6347 §4.2.1), all came
 * late while the AP retransmitted, none was skipped, and the
 * controller's flight came as well: delayed, not lost. */
static bool
hvr_late(const struct cs_ap_facts *f)
{
	return f->hvr_matched >= 2 && f->hvr_skipped == 0 &&
	    f->hvr_rtt_min_ms >= DIAG_LATE_MS && f->sh > 0;
}

/* DTLS never finished (ClientHellos sent, handshake open). */
static struct verdict
classify_hs(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx)
{
	uint32_t down = dtls_down(f);
	bool quiet = f->alerts_down == 0 && f->alerts_up == 0;
	unsigned limit = 0;
	int shape;

	/* the controller answered, the AP never used the cookie: seen from
	 * the WLC's side of a return-path loss */
	if (f->ch >= 2 && f->hvr > 0 && f->ch_cookie == 0 && f->sh == 0 &&
	    f->alerts_down == 0)
		return ctx->wlc_known && ctx->wlc_client_hello == 0
		    ? mkv(CS_DIAG_FORWARD_PATH_LOSS, CS_DIAG_CONF_HIGH,
		          WHY_NONE)
		    : mkv(CS_DIAG_RETURN_PATH_LOSS, CS_DIAG_CONF_HIGH,
		          WHY_NONE);
	if (down == 0) {
		if (f->ch < 2)
			return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW,
			    WHY_STILL_TRYING);
		/* Join goes to the advertised Control IPv4 Address, another
		 * address than the one that answered discovery */
		if (f->disc_resp > 0 && f->disc_from_ip != 0 &&
		    f->ch_to_ip != 0 && f->ch_to_ip != f->disc_from_ip)
			return mkv(CS_DIAG_CONTROL_ADDR_UNREACH,
			    CS_DIAG_CONF_HIGH, WHY_NONE);
		/* the controller's side of this AP is known: it sent
		 * replies that never arrived, or never got the requests */
		if (sum_classes(f->wlc_tx) > sum_classes(f->ap_rx))
			return mkv(CS_DIAG_RETURN_PATH_LOSS, CS_DIAG_CONF_HIGH,
			    WHY_NONE);
		if (sizes_known(f->wlc_rx) &&
		    sum_classes(f->wlc_rx) + f->ch <= sum_classes(f->ap_tx))
			return mkv(CS_DIAG_FORWARD_PATH_LOSS, CS_DIAG_CONF_HIGH,
			    WHY_NONE);
		if (ctx->wlc_known) {
			struct verdict v = ctx->wlc_client_hello == 0
			    ? mkv(CS_DIAG_FORWARD_PATH_LOSS, CS_DIAG_CONF_HIGH,
			          WHY_NONE)
			    : mkv(CS_DIAG_RETURN_PATH_LOSS, CS_DIAG_CONF_HIGH,
			          WHY_NONE);

			v.glob = GLOB_CH;
			return v;
		}
		return mkv(
		    CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_NO_WLC_SIDE);
	}
	/* replies do come, late, and none is missing.  Alerts speak against
	 * it only when nothing explains them: flights of an earlier
	 * handshake arriving in a later one (stale_down) spoil it (a
	 * ServerHello random that the new signature does not match) */
	if (f->dtls_delay_max_ms >= DIAG_LATE_MS &&
	    (quiet || f->stale_down > 0)) {
		/* the controller's counts, datagram by datagram (live); a
		 * capture's count cannot show a loss after it (at the AP
		 * side the lost ones are in neither count) */
		bool by_dgram =
		    sizes_known(f->wlc_tx) && !f->wlc_side_by_flight;
		bool none_lost = by_dgram
		    ? sum_classes(f->ap_rx) + 1u >= sum_classes(f->wlc_tx)
		    : (uint32_t)f->hvr + f->sh >= f->ch || hvr_late(f);

		if (none_lost)
			return mkv(CS_DIAG_RETURN_PATH_DELAY,
			    by_dgram ? CS_DIAG_CONF_HIGH : CS_DIAG_CONF_MEDIUM,
			    WHY_NONE);
	}
	/* sizes known at both ends, datagram by datagram: the loss is
	 * shaped by size or not */
	if (sizes_known(f->wlc_tx) && !f->wlc_side_by_flight) {
		shape = size_shape(f->wlc_tx, f->ap_rx, &limit);
		if (shape > 0)
			return mkv(CS_DIAG_MTU_FRAGMENT_LOSS, CS_DIAG_CONF_HIGH,
			    WHY_MTU_SIZES);
		if (shape < 0)
			return mkv(CS_DIAG_RETURN_PATH_LOSS, CS_DIAG_CONF_HIGH,
			    WHY_RP_SELECTIVE);
	}
	if (sizes_known(f->wlc_rx) && !f->wlc_side_by_flight) {
		shape = size_shape(f->ap_tx, f->wlc_rx, &limit);
		if (shape > 0)
			return mkv(CS_DIAG_MTU_FRAGMENT_LOSS, CS_DIAG_CONF_HIGH,
			    WHY_MTU_SIZES);
		if (shape < 0)
			return mkv(CS_DIAG_FORWARD_PATH_LOSS, CS_DIAG_CONF_HIGH,
			    WHY_RP_SELECTIVE);
	}
	/* both ends counted and nothing lost by size or otherwise: the
	 * AP-only flight reading below would contradict them */
	if ((sizes_known(f->wlc_tx) || sizes_known(f->wlc_rx)) &&
	    !f->wlc_side_by_flight)
		return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_NONE);
	/* flights of earlier handshakes arrived during later ones: the
	 * replies are late, and the flight readings below (a flight the AP
	 * did not act on taken as lost) do not hold */
	if (f->stale_down > 0)
		return mkv(
		    CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_LATE_FLIGHTS);
	if (!quiet)
		return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_NONE);
	/* only the AP's view from here.  The controller's Certificate
	 * arrived whole (no size limit on the way back) and its replies
	 * came late: the AP's flight lost by size would leave the
	 * controller silent, not late; delayed or lost flights, which this
	 * side alone cannot tell apart */
	if (f->dtls_delay_max_ms >= DIAG_LATE_MS && f->cert > 0 &&
	    !cert_stalled(f))
		return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_LATE);
	/* only the AP's view: ServerHello came, the Certificate never
	 * completed, and every datagram that arrived was small */
	if (f->sh > 0 && (cert_stalled(f) || f->cert == 0)) {
		if (cert_head_came(f))
			return mkv(CS_DIAG_RETURN_PATH_LOSS,
			    CS_DIAG_CONF_MEDIUM, WHY_RP_CERT_HOLE);
		return mkv(CS_DIAG_MTU_FRAGMENT_LOSS, CS_DIAG_CONF_LOW,
		    WHY_MTU_FLIGHT);
	}
	if (f->hvr > 0 && f->sh == 0 && f->ch_cookie >= 2) {
		/* later parts of the flight arrived, the ServerHello never
		 * did: size-based or selective, the sizes sent decide */
		if (f->shd > 0 || f->cert_req > 0 || f->cert_seq_set ||
		    f->flight_no_sh > 0)
			return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW,
			    WHY_FLIGHT_PARTIAL);
		return mkv(CS_DIAG_MTU_FRAGMENT_LOSS, CS_DIAG_CONF_LOW,
		    WHY_MTU_FLIGHT);
	}
	/* the AP's own flight lost by size: it was sent (its CCS went
	 * out) and the controller never answered it; an AP that never sent
	 * its flight was still waiting for the controller's */
	if (f->sh >= 2 && f->cert > 0 && f->ccs_down == 0 && f->ccs_up > 0)
		return mkv(CS_DIAG_MTU_FRAGMENT_LOSS, CS_DIAG_CONF_LOW,
		    WHY_MTU_FLIGHT);
	return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_NONE);
}

/*
 * One AP.  Each verdict needs its evidence present and the evidence
 * against it absent; where the facts do not decide, inconclusive with the
 * missing piece named (enum why).
 */
struct verdict
diag_classify(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx)
{
	enum cs_diag_code c;
	bool in_run = (f->flags & CS_FACTS_F_IN_RUN) != 0;
	bool hs_open = f->hs_done == 0 || (f->flags & CS_FACTS_F_IN_HS);
	bool lost = run_lost_any(f);
	uint32_t down = dtls_down(f);

	/* nothing happened at all */
	if (!(f->flags & CS_FACTS_F_STARTED) ||
	    (sum_classes(f->ap_tx) == 0 && sum_classes(f->ap_rx) == 0 &&
	        f->send_err == 0 && f->runs == 0 && f->join_req == 0 &&
	        f->join_resp == 0 && f->cfg_req == 0 && f->cfg_resp == 0 &&
	        f->echo_req == 0 && f->echo_resp == 0 &&
	        !(f->flags & CS_FACTS_F_JOIN_RC) &&
	        f->fail_phase == CS_FACTS_NONE8 && f->dtls_fail == 0 &&
	        !(f->flags & CS_FACTS_F_O43)))
		return mkv(
		    CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_NO_TRAFFIC);
	/* capsim's host could not send: nothing left it */
	if (f->send_err > 0 && down == 0 && f->disc_resp == 0 && !joined_ok(f))
		return mkv(
		    CS_DIAG_LOCAL_SEND_ERROR, CS_DIAG_CONF_HIGH, WHY_NONE);
	/* control DTLS joined, the data channel's own DTLS session (RFC
	 * 5415 §4.6.1 D) never came up: its records unanswered (a path that
	 * passes 5246 but drops DTLS on 5247), or answered and given up by
	 * the AP (an alert, a close) */
	if (joined_ok(f) && f->ka_down == 0 &&
	    ((f->ddtls_up >= 2 && f->ddtls_down == 0) ||
	        (f->ddtls_fail && f->ddtls_up > 0)))
		return mkv(
		    CS_DIAG_DATA_DTLS_FAILED, CS_DIAG_CONF_HIGH, WHY_NONE);
	/* control joined, data channel keep-alives never answered (Run may
	 * have come and gone by DataChannelDeadInterval) */
	if (joined_ok(f) && f->ka_up >= 2 && f->ka_down == 0)
		return mkv(
		    CS_DIAG_DATA_CHANNEL_BLOCKED, CS_DIAG_CONF_HIGH, WHY_NONE);
	/* keep-alive replies come, late, none missing; echoes answered */
	if (joined_ok(f) && f->ka_down > 0 &&
	    f->ka_delay_max_ms >= DIAG_LATE_MS &&
	    /* replies still on their way when Run ended (or the trace
	     * did) are not lost: at least half came back */
	    (uint32_t)f->ka_down * 2u >= f->ka_up &&
	    f->echo_streak_max_run < 2 && (lost || !in_run))
		return mkv(
		    CS_DIAG_DATA_CHANNEL_LATENCY, CS_DIAG_CONF_HIGH, WHY_NONE);
	/* a capture (at the WLC, say) where Run came and went without a
	 * single keep-alive on UDP 5247 */
	if (!ctx->live && joined_ok(f) && f->runs > 0 && lost &&
	    f->ka_up == 0 && f->ka_down == 0 && f->echo_streak_max_run < 2)
		return mkv(
		    CS_DIAG_DATA_CHANNEL_BLOCKED, CS_DIAG_CONF_LOW, WHY_NONE);
	if (lost)
		return classify_run_lost(f, ctx);
	if (in_run)
		return mkv(CS_DIAG_OK, CS_DIAG_CONF_HIGH, WHY_NONE);
	/* option 43 never led to a controller */
	if ((f->flags & CS_FACTS_F_O43) && f->disc_resp == 0 &&
	    (f->o43_err != 0 || o43_misses_wlc(f, ctx)))
		return mkv(CS_DIAG_OPTION43_WRONG, CS_DIAG_CONF_HIGH, WHY_NONE);
	/* the WLC refused the Join (RFC 5415 §4.6.35) */
	if ((f->flags & CS_FACTS_F_JOIN_RC) && f->join_rc != CS_RC_SUCCESS &&
	    f->join_rc != CS_RC_SUCCESS_NAT)
		return mkv(f->join_rc == CS_RC_JOIN_FAIL_RESOURCE
		        ? CS_DIAG_WLC_CAPACITY
		        : CS_DIAG_JOIN_REJECTED,
		    CS_DIAG_CONF_HIGH, WHY_NONE);
	/* DTLS failed for a reason one side named */
	c = classify_dtls_fail(f);
	if (c == CS_DIAG__COUNT)
		c = classify_alerts(f);
	if (c != CS_DIAG__COUNT)
		return mkv(c, CS_DIAG_CONF_HIGH, WHY_NONE);
	/* replies came from an address the AP never sent to */
	if (f->other_src > 0 && !joined_ok(f))
		return mkv(
		    CS_DIAG_ASYMMETRIC_RETURN, CS_DIAG_CONF_HIGH, WHY_NONE);
	/* a control request retransmitted to exhaustion while DTLS stays up
	 * (no alert, no new handshake) */
	/* a control request retransmitted to exhaustion while DTLS stays
	 * up: the controller never complained (no alert from it); the AP
	 * closing the session after giving up (close_notify, encrypted:
	 * description unknown) is not a complaint */
	if (!hs_open && f->req_type != 0 && f->req_sent >= DIAG_REQ_EXHAUSTED &&
	    f->alerts_down == 0 &&
	    (f->alert_up_desc == CS_FACTS_NONE8 || f->alert_up_desc == 0)) {
		/* the controller's own counts (datagram by datagram) show
		 * datagrams it sent that never reached the AP: its answers
		 * may be among them, so the request was not shown to be
		 * ignored; the shape of the loss decides */
		if (sizes_known(f->wlc_tx) && !f->wlc_side_by_flight &&
		    sum_classes(f->wlc_tx) > sum_classes(f->ap_rx)) {
			unsigned limit;
			int shape = size_shape(f->wlc_tx, f->ap_rx, &limit);

			if (shape > 0)
				return mkv(CS_DIAG_MTU_FRAGMENT_LOSS,
				    CS_DIAG_CONF_HIGH, WHY_MTU_SIZES);
			if (shape < 0)
				return mkv(CS_DIAG_RETURN_PATH_LOSS,
				    CS_DIAG_CONF_HIGH, WHY_RP_SELECTIVE);
			return mkv(
			    CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_NONE);
		}
		return mkv(CS_DIAG_REQUEST_IGNORED,
		    f->join_resp >= 2 || f->req_sent >= 5 ? CS_DIAG_CONF_HIGH
		                                          : CS_DIAG_CONF_MEDIUM,
		    WHY_NONE);
	}
	if (f->ch > 0 && hs_open)
		return classify_hs(f, ctx);
	/* discovery answered (the WLC's side shows the responses) but the
	 * AP keeps asking: the responses do not reach it */
	if (f->ch == 0 && f->disc_resp > 0 && f->disc_req_after_resp >= 2)
		return mkv(nat_seen(f) ? CS_DIAG_NAT_NO_RETURN
		                       : CS_DIAG_RETURN_PATH_LOSS,
		    CS_DIAG_CONF_MEDIUM, WHY_NONE);
	/* discovery never answered */
	if (f->ch == 0 && f->disc_req > 0 && f->disc_resp == 0) {
		if (f->disc_req < 2)
			return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW,
			    WHY_STILL_TRYING);
		if ((f->flags & CS_FACTS_F_NAT) &&
		    (!ctx->wlc_known || ctx->wlc_disc_req > 0))
			return mkv(CS_DIAG_NAT_NO_RETURN, CS_DIAG_CONF_MEDIUM,
			    WHY_NONE);
		if (ctx->wlc_known) {
			struct verdict v = mkv(ctx->wlc_disc_req > 0
			        ? CS_DIAG_RETURN_PATH_LOSS
			        : CS_DIAG_FORWARD_PATH_LOSS,
			    CS_DIAG_CONF_HIGH, WHY_NONE);

			v.glob = GLOB_DISC;
			return v;
		}
		return mkv(
		    CS_DIAG_NO_CONTROLLER, CS_DIAG_CONF_MEDIUM, WHY_NONE);
	}
	/* an encrypted capture: handshake done, traffic both ways, no
	 * failure seen */
	if (!hs_open && f->app_up > 0 && f->app_down > 0 &&
	    f->fail_phase == CS_FACTS_NONE8 && f->alerts_down == 0 &&
	    f->alerts_up == 0)
		return mkv(CS_DIAG_OK, CS_DIAG_CONF_MEDIUM, WHY_NONE);
	return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_NONE);
}
