/* SPDX-License-Identifier: MIT */
/*
 * The words of the diagnosis for the paths: return and forward path loss,
 * discovery, NAT, addresses, delay (one function per verdict code, dispatched
 * from diagnose.c).
 */
#include "diagnose-internal.h"

#include <errno.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/dtls.h"

void
diag_words_return_path_loss(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;

	if (a->why == WHY_RP_AFTER_RUN) {
		sb_printf(sum,
		    "The AP lost Run (%s%u Echo Requests unanswered "
		    "in a row%s) and its DTLS retry dies on the way "
		    "back: %s%u ClientHello%s after the loss, no DTLS "
		    "reply",
		    upto(a), (unsigned)a->echo_streak, per(a), upto(a),
		    (unsigned)a->post_ch, plural(a->post_ch));
		if (a->post_disc_resp > 0)
			sb_printf(sum,
			    ", while Discovery Responses still come "
			    "back (%u)",
			    (unsigned)a->post_disc_resp);
		if (a->ka_down_in_streak + a->post_ka_down > 0)
			sb_printf(
			    sum, ", while keep-alives are still answered");
		if (ctx->wlc_known)
			sb_printf(sum,
			    "; the controller received %llu "
			    "ClientHellos",
			    (unsigned long long)ctx->wlc_client_hello);
		sb_printf(sum, ".");
		sb_printf(hint,
		    "The return path from the WLC to the APs drops "
		    "CAPWAP control DTLS (UDP 5246) since the APs "
		    "joined (a firewall or VPN change): allow UDP "
		    "5246 from the WLC to the APs.");
		return;
	}
	if (a->why == WHY_RP_CERT_HOLE) {
		sb_printf(sum,
		    "The controller's Certificate arrives in part: its "
		    "first fragment came (ServerHello %s%u times%s, "
		    "largest datagram received %u bytes) while later "
		    "fragments never did.  A size limit would have "
		    "lost the first fragment too: datagrams are lost "
		    "on the way back.",
		    upto(a), (unsigned)a->sh, per(a), (unsigned)a->max_down);
		sb_printf(hint,
		    "Something on the way back from the WLC drops "
		    "part of its DTLS datagrams (loss, a policer, a "
		    "firewall/IPS rule): find the device that drops "
		    "UDP 5246 from the WLC; a capture at the "
		    "controller shows which.");
		return;
	}
	if (a->why == WHY_RP_SELECTIVE) {
		sb_printf(sum,
		    "Datagrams are lost selectively, not by size: "
		    "the controller sent ");
		for (unsigned i = 0; i < CS_FACTS_SIZE_CLASSES; i++)
			if (a->wlc_tx[i] > 0)
				sb_printf(sum, "%u of <= %u B, ",
				    (unsigned)a->wlc_tx[i],
				    cs_facts_size_class_max(i));
		sb_printf(sum, "the AP received ");
		for (unsigned i = 0; i < CS_FACTS_SIZE_CLASSES; i++)
			if (a->wlc_tx[i] > 0 || a->ap_rx[i] > 0)
				sb_printf(sum, "%u of <= %u B, ",
				    (unsigned)a->ap_rx[i],
				    cs_facts_size_class_max(i));
		sb_printf(sum,
		    "so the loss does not follow size: datagrams "
		    "vanish in a size class while bigger ones arrive, "
		    "or only part of a class is lost.");
		sb_printf(hint,
		    "Something on the way back drops some of the "
		    "controller's DTLS datagrams by content (a "
		    "firewall/IPS rule, a policer), not by size: "
		    "find the device that drops UDP 5246 from the "
		    "WLC.");
		return;
	}
	if (f->ch > 0 && f->hvr > 0 && f->ch_cookie == 0) {
		sb_printf(sum,
		    "The controller answers (HelloVerifyRequest sent "
		    "%s%u times%s) but the AP never returns the "
		    "cookie: ClientHello sent %s%u times%s without it.",
		    upto(a), (unsigned)a->hvr, per(a), upto(a), (unsigned)a->ch,
		    per(a));
		sb_printf(hint,
		    "The DTLS replies from the WLC do not reach the "
		    "APs: the return path for UDP 5246 drops them "
		    "(firewall or VPN).");
	} else if (f->ch > 0) {
		sb_printf(sum,
		    "Discovery %s but no DTLS reply reaches the AP: "
		    "ClientHello sent %s%u times%s, no "
		    "HelloVerifyRequest or ServerHello came back.",
		    f->disc_resp > 0 ? "succeeds" : "is not used", upto(a),
		    (unsigned)a->ch, per(a));
		if (ctx->wlc_known)
			sb_printf(sum,
			    " The controller received %llu "
			    "ClientHellos and answered them.",
			    (unsigned long long)ctx->wlc_client_hello);
		wlc_side_words(a, /* down= */ true, sum);
		sb_printf(hint,
		    "The return path for UDP 5246 drops DTLS "
		    "(firewall or VPN).");
		if (f->disc_resp > 0)
			sb_printf(hint,
			    " Routing works: discovery replies come "
			    "back.");
		sb_printf(hint,
		    " The controller will log only \"DTLS handshake "
		    "failure\"; allow UDP 5246 from the WLC to the "
		    "APs.");
	} else if (f->disc_resp > 0) {
		sb_printf(sum,
		    "The controller answers Discovery Requests but "
		    "the AP keeps asking (%s%u more requests%s after "
		    "a response): the responses do not reach it.",
		    upto(a), (unsigned)a->disc_req_after_resp, per(a));
		sb_printf(hint,
		    "The return path from the WLC to the APs drops "
		    "UDP 5246: check routes and firewalls on the way "
		    "back.");
	} else {
		sb_printf(sum,
		    "Discovery Requests reach the controller (it "
		    "received %llu) but no Discovery Response comes "
		    "back.",
		    (unsigned long long)ctx->wlc_disc_req);
		sb_printf(hint,
		    "The return path from the WLC to the APs drops "
		    "UDP 5246: check routes and firewalls on the way "
		    "back.");
	}
}

void
diag_words_forward_path_loss(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;

	(void)ctx;

	if (f->ch > 0) {
		sb_printf(sum,
		    "ClientHello sent %s%u times%s and the controller "
		    "logged none: DTLS from the APs never reaches "
		    "it.",
		    upto(a), (unsigned)a->ch, per(a));
		wlc_side_words(a, /* down= */ false, sum);
	} else {
		sb_printf(sum,
		    "Discovery Requests sent %s%u times%s; the "
		    "controller received none it could read (lost, "
		    "or damaged on the way).",
		    upto(a), (unsigned)a->disc_req, per(a));
	}
	sb_printf(hint,
	    "The path from the APs to the WLC drops UDP 5246 "
	    "(firewall, ACL or VPN selector); traffic in the other "
	    "direction is not the problem.");
}

void
diag_words_no_controller(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	(void)ctx;

	sb_printf(sum,
	    "Discovery Requests sent %s%u times%s, no Discovery "
	    "Response at all.",
	    upto(a), (unsigned)a->disc_req, per(a));
	sb_printf(hint,
	    "No controller answers: check the discovery targets "
	    "(static list, DHCP option 43, DNS "
	    "CISCO-CAPWAP-CONTROLLER, broadcast domain) and that a "
	    "WLC listens on UDP 5246.");
}

void
diag_words_nat_no_return(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;
	char ip[16];

	(void)ctx;

	ip_text(f->nat_ip, ip, sizeof(ip));
	sb_printf(sum,
	    "The APs reach the controller through NAT (it sees them "
	    "as %s:%u) but ",
	    ip, (unsigned)f->nat_port);
	if (f->disc_resp > 0)
		sb_printf(sum,
		    "its Discovery Responses never reach them: %s%u "
		    "more requests%s after a response.",
		    upto(a), (unsigned)a->disc_req_after_resp, per(a));
	else
		sb_printf(sum,
		    "nothing comes back: %s%u Discovery Request%s%s, "
		    "no response.",
		    upto(a), (unsigned)a->disc_req, plural(a->disc_req),
		    per(a));
	sb_printf(hint,
	    "Replies to the NAT's external address are not "
	    "translated back: the NAT lacks the reverse mapping "
	    "for UDP 5246/5247 (static NAT or a return rule).");
}

void
diag_words_asymmetric_return(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;
	char ip[16];

	(void)ctx;

	ip_text(f->other_ip, ip, sizeof(ip));
	sb_printf(sum,
	    "Replies come from %s:%u, an address the AP never sent "
	    "to, so the AP ignores them.",
	    ip, (unsigned)f->other_port);
	sb_printf(hint,
	    "Asymmetric return: the controller answers from another "
	    "interface or the return route is NATed differently. "
	    "Make the WLC reply from the address the APs use "
	    "(management interface, AP-manager, NAT address).");
}

void
diag_words_option43_wrong(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;

	(void)ctx;

	if (f->o43_err == 1) {
		sb_printf(sum, "DHCP gave no option 43");
	} else {
		sb_printf(sum, "DHCP option 43 (");
		for (unsigned i = 0; i < f->o43_len && i < CS_FACTS_O43_LEN;
		     i++)
			sb_printf(sum, "%02x", f->o43[i]);
		sb_printf(sum, ") %s",
		    f->o43_err != 0 ? "does not decode"
		                    : "does not name the controller");
	}
	sb_printf(sum, "; %s%u Discovery Request%s%s got no response.", upto(a),
	    (unsigned)a->disc_req, plural(a->disc_req), per(a));
	sb_printf(hint,
	    "Fix option 43 on the DHCP server: TLV f1, length 4 "
	    "per controller, the WLC management addresses in hex "
	    "(Windows DHCP wants hex, not ASCII).");
}

void
diag_words_return_path_delay(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	(void)ctx;

	sb_printf(sum,
	    "Replies arrive, but late: ClientHello -> first DTLS "
	    "reply took %s%u ms%s (the retransmission timer starts "
	    "at %u ms), ",
	    upto(a), (unsigned)a->dtls_delay_max_ms, per(a), DIAG_LATE_MS);
	if (a->hvr + a->sh < a->ch && a->hvr_matched > 0 &&
	    a->hvr_rtt_min_ms >= DIAG_LATE_MS)
		sb_printf(sum,
		    "and none was lost: each HelloVerifyRequest, "
		    "matched to its ClientHello by record sequence "
		    "number (RFC 6347 §4.2.1), came %u to %u ms after "
		    "it (%s%u%s, none skipped) although the AP had "
		    "retransmitted meanwhile.",
		    (unsigned)a->hvr_rtt_min_ms, (unsigned)a->hvr_rtt_max_ms,
		    upto(a), (unsigned)a->hvr_matched, per(a));
	else
		sb_printf(sum,
		    "and nothing was lost (%u sent by the AP, %u DTLS "
		    "replies received).",
		    (unsigned)a->ch, (unsigned)(a->hvr + a->sh));
	sb_printf(hint,
	    "Something between the APs and the controller holds the "
	    "controller's DTLS datagrams back (a shaper, a congested "
	    "VPN, an overloaded firewall); the handshake retransmits "
	    "and may time out.  Measure the WLC->AP delay on UDP "
	    "5246.");
}

void
diag_words_control_addr_unreach(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;
	char ip[16], cip[16];

	(void)ctx;
	ip_text(f->disc_from_ip, ip, sizeof(ip));
	ip_text(f->ch_to_ip, cip, sizeof(cip));
	sb_printf(sum,
	    "Discovery was answered by %s, which advertises %s as "
	    "its Control IPv4 Address; the AP sent ClientHello "
	    "there %s%u times%s and nothing answered.",
	    ip, cip, upto(a), (unsigned)a->ch, per(a));
	sb_printf(hint,
	    "The Control IPv4 Address in the Discovery Response "
	    "(RFC 5415 §4.6.9) is not reachable from the APs: "
	    "correct the controller's management/AP-manager "
	    "address, or the NAT address it advertises.");
}
