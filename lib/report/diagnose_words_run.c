/* SPDX-License-Identifier: MIT */
/*
 * The words of the diagnosis for Run: echoes, keep-alives, NAT rebinding,
 * restarts, ignored requests (one function per verdict code, dispatched from
 * diagnose.c).
 */
#include "diagnose-internal.h"

#include <errno.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/dtls.h"

void
diag_words_ok(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	(void)a;
	(void)ctx;
	(void)hint;

	sb_printf(sum, "Joined and in Run.");
}

void
diag_words_nat_rebinding(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;

	(void)ctx;

	sb_printf(sum,
	    "The AP reached Run, then lost it: %s%u Echo Requests "
	    "unanswered in a row%s, ",
	    upto(a), (unsigned)a->echo_streak, per(a));
	if (a->run_lost > 0)
		sb_printf(sum, "Run lost %u time%s", (unsigned)a->run_lost,
		    plural(a->run_lost));
	else
		sb_printf(sum, "still unanswered when the trace ends");
	if (f->nat_changes_run == 0 && (f->flags & CS_FACTS_F_JOIN_RC) &&
	    f->join_rc == CS_RC_SUCCESS_NAT)
		sb_printf(sum,
		    "; the controller reported NAT (Join Result "
		    "Code 2)");
	if (f->nat_changes_run > 0)
		sb_printf(sum,
		    "; the NAT mapping changed %u time%s while in Run",
		    (unsigned)f->nat_changes_run, plural(f->nat_changes_run));
	if (a->run_idle_ms > 0)
		sb_printf(
		    sum, "; longest idle gap %u ms", (unsigned)a->run_idle_ms);
	sb_printf(sum, ".");
	sb_printf(hint,
	    "A NAT in the path rebinds or expires the AP's mapping "
	    "while the session is idle, so the controller drops "
	    "packets from the new port; raise the NAT UDP idle "
	    "timeout above the CAPWAP echo interval or pin the "
	    "mapping.");
}

void
diag_words_data_channel_blocked(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;

	(void)ctx;

	if (f->ka_up > 0)
		sb_printf(sum,
		    "Control channel joined but the data channel never "
		    "answers: %s%u keep-alives sent%s, %u received.",
		    upto(a), (unsigned)a->ka_up, per(a), (unsigned)a->ka_down);
	else
		sb_printf(sum,
		    "Control channel joined and reached Run, but not "
		    "one data channel keep-alive was seen (UDP 5247) "
		    "and Run was lost.");
	sb_printf(hint,
	    "UDP 5247 (CAPWAP data) is blocked while 5246 works: "
	    "open UDP 5247 both ways.");
}

void
diag_words_data_dtls_failed(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;

	(void)ctx;
	if (f->ddtls_down == 0)
		sb_printf(sum,
		    "Control channel DTLS works (joined), but the data "
		    "channel's DTLS handshake on UDP 5247 got no answer: "
		    "%u DTLS datagram%s sent, none came back.",
		    (unsigned)f->ddtls_up, plural(f->ddtls_up));
	else
		sb_printf(sum,
		    "Control channel DTLS works (joined), but the data "
		    "channel's DTLS session on UDP 5247 failed: %u DTLS "
		    "datagram%s sent, %u back, and the AP gave it up.",
		    (unsigned)f->ddtls_up, plural(f->ddtls_up),
		    (unsigned)f->ddtls_down);
	if (f->ddtls_down == 0)
		sb_printf(hint,
		    "The path passes CAPWAP DTLS on UDP 5246 but not on 5247 "
		    "(a firewall or VPN rule that allows only clear CAPWAP "
		    "data, or only 5246): open UDP 5247 both ways for DTLS, "
		    "or turn data DTLS off on the controller (DTLS Policy).");
	else
		sb_printf(hint,
		    "The controller answered on UDP 5247, then the data "
		    "session ended: the AP's failure reason says how (an "
		    "alert, a close, a handshake that stalled half-way, as "
		    "when a middlebox passes only some of the DTLS flights on "
		    "5247).");
}

void
diag_words_wlc_restart(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;

	sb_printf(sum,
	    "The APs lost Run at the same time (Run lost %s%u "
	    "time%s%s)",
	    upto(a), (unsigned)a->run_lost, plural(a->run_lost), per(a));
	if (f->runs >= 2 || (f->flags & CS_FACTS_F_IN_RUN))
		sb_printf(sum, " and rejoined with a fresh handshake");
	sb_printf(sum, ".");
	if (ctx->wlc_restarts > 0)
		sb_printf(sum, " The controller restarted %u time%s.",
		    ctx->wlc_restarts, plural(ctx->wlc_restarts));
	else if (a->why == WHY_WLC_FORGOT)
		sb_printf(sum,
		    " At the controller: it received all %u "
		    "datagrams the APs sent and none it sent was "
		    "lost, so the unanswered echoes and keep-alives "
		    "were its own silence; then it accepted new "
		    "sessions from scratch: it forgot them all at "
		    "once.",
		    (unsigned)sum_u32(a->ap_tx));
	else
		sb_printf(sum,
		    " No restart was seen directly: the controller "
		    "dropped the sessions (%u alert%s in Run, "
		    "keep-alives unanswered %u of %u) and accepted "
		    "new ones from scratch.",
		    (unsigned)f->alerts_down_run, plural(f->alerts_down_run),
		    (unsigned)a->ka_up_in_streak -
		        (unsigned)a->ka_down_in_streak,
		    (unsigned)a->ka_up_in_streak);
	sb_printf(hint,
	    "The controller restarted or failed over: every AP "
	    "rediscovers and rejoins at once (a join storm); check "
	    "the controller's uptime and crash logs.");
}

void
diag_words_controller_unresponsive(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint)
{
	(void)ctx;

	sb_printf(sum,
	    "The AP was joined, then the controller stopped "
	    "answering: %s%u Echo Requests unanswered in a row%s",
	    upto(a), (unsigned)a->echo_streak, per(a));
	if (a->ka_up_in_streak > 0)
		sb_printf(sum, ", %u of %u keep-alives unanswered",
		    (unsigned)(a->ka_up_in_streak - a->ka_down_in_streak),
		    (unsigned)a->ka_up_in_streak);
	if (a->post_disc_req > 0)
		sb_printf(sum,
		    ", then %u Discovery Request%s and %u "
		    "ClientHello%s after losing Run, %u answer%s",
		    (unsigned)a->post_disc_req, plural(a->post_disc_req),
		    (unsigned)a->post_ch, plural(a->post_ch),
		    (unsigned)a->post_disc_resp, plural(a->post_disc_resp));
	else if (a->post_ch > 0)
		sb_printf(sum,
		    ", then %u ClientHello%s after losing Run, "
		    "nothing back",
		    (unsigned)a->post_ch, plural(a->post_ch));
	sb_printf(sum, "; no AP came back to Run.");
	sb_printf(hint,
	    "The controller is hung or unreachable on every port "
	    "(control, data and discovery all silent): check the "
	    "controller process/CPU and its reachability.");
}

void
diag_words_echo_unanswered(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	(void)ctx;

	sb_printf(sum,
	    "In Run, %s%u Echo Requests went unanswered in a row%s "
	    "while the data channel kept answering (%u keep-alive%s "
	    "back in that time), and the AP could join again: the "
	    "controller ignores Echo Requests only.",
	    upto(a), (unsigned)a->echo_streak, per(a),
	    (unsigned)a->ka_down_in_streak, plural(a->ka_down_in_streak));
	sb_printf(hint,
	    "Check the controller's echo handling and control-plane "
	    "policing (CoPP) or an ACL that drops CAPWAP Echo on UDP "
	    "5246.");
}

void
diag_words_data_channel_latency(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint)
{
	(void)ctx;

	sb_printf(sum,
	    "Keep-alive replies on the data channel arrive late: "
	    "%s%u ms%s from keep-alive to reply (%u sent, %u back, "
	    "the rest on their way when Run ended), echoes "
	    "answered.",
	    upto(a), (unsigned)a->ka_delay_max_ms, per(a), (unsigned)a->ka_up,
	    (unsigned)a->ka_down);
	sb_printf(hint,
	    "The data channel (UDP 5247) is delayed beyond the "
	    "AP's DataChannelDeadInterval (RFC 5415 §4.7.5): find "
	    "the queue or shaper that holds UDP 5247 back, or raise "
	    "the dead interval.");
}

void
diag_words_request_ignored(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;
	const char *mt = cs_msg_type_name(f->req_type);

	(void)ctx;
	sb_printf(sum,
	    "DTLS stays up but the controller never answers the "
	    "%s (type %u): sent %s%u times%s without a response",
	    mt != NULL ? mt : "control request", (unsigned)f->req_type, upto(a),
	    (unsigned)a->req_sent, per(a));
	if (f->req_n_elems > 0) {
		sb_printf(sum, "; it carried ");
		for (unsigned i = 0;
		     i < f->req_n_elems && i < CS_ARRAY_SIZE(f->req_elems);
		     i++) {
			const char *en = cs_elem_name(f->req_elems[i]);

			sb_printf(sum, "%s%s (%u)", i > 0 ? ", " : "",
			    en != NULL ? en : "element",
			    (unsigned)f->req_elems[i]);
		}
		if (f->req_elems_more)
			sb_printf(sum, ", ...");
	}
	sb_printf(sum, ".");
	sb_printf(hint,
	    "The controller silently drops this request (it "
	    "dislikes one of its elements, or its policy rejects "
	    "it without a Result Code): check the controller's "
	    "log for the message and element named.");
}

void
diag_words_controller_failover(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;
	char from[16], to[16];

	(void)ctx;
	ip_text(f->fo_from, from, sizeof(from));
	ip_text(f->fo_to, to, sizeof(to));
	sb_printf(sum,
	    "Controller lost in Run, then failed over: the APs stopped "
	    "hearing %s (%s%u Echo Requests unanswered%s) and are back in "
	    "Run on %s, their next controller.",
	    from, upto(a), (unsigned)a->echo_streak, per(a), to);
	sb_printf(hint,
	    "From the APs' side a dead controller and a cut path to it look "
	    "alike: check %s (its logs, or whether it still answers "
	    "Discovery) before blaming the network; the path to %s works.",
	    from, to);
}
