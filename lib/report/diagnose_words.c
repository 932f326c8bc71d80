/* SPDX-License-Identifier: MIT */
/*
 * The helpers of the diagnosis's words (numbers, alerts, addresses,
 * capsim's own health, the controller's side) and the words of an
 * inconclusive verdict: what was seen and what is missing to decide.
 */
#include "diagnose-internal.h"

#include <stdio.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/dtls.h"
#include "capsim/option43.h"

/* TLS/DTLS alert descriptions, RFC 5246 §7.2, RFC 8446 §6. */
const char *
alert_name(unsigned d)
{
	switch (d) {
	case 0:
		return "close_notify";
	case 10:
		return "unexpected_message";
	case 20:
		return "bad_record_mac";
	case 22:
		return "record_overflow";
	case 40:
		return "handshake_failure";
	case 42:
		return "bad_certificate";
	case 43:
		return "unsupported_certificate";
	case 44:
		return "certificate_revoked";
	case 45:
		return "certificate_expired";
	case 46:
		return "certificate_unknown";
	case 47:
		return "illegal_parameter";
	case 48:
		return "unknown_ca";
	case 49:
		return "access_denied";
	case 50:
		return "decode_error";
	case 51:
		return "decrypt_error";
	case 70:
		return "protocol_version";
	case 71:
		return "insufficient_security";
	case 80:
		return "internal_error";
	case 90:
		return "user_canceled";
	case 100:
		return "no_renegotiation";
	case 110:
		return "unsupported_extension";
	case 115:
		return "unknown_psk_identity";
	default:
		return "alert";
	}
}

void
ip_text(uint32_t ip, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", (unsigned)(ip >> 24) & 0xffu,
	    (unsigned)(ip >> 16) & 0xffu, (unsigned)(ip >> 8) & 0xffu,
	    (unsigned)ip & 0xffu);
}

/* "6 times" for one AP, "up to 6 times per AP" for several: upto()
 * goes before the number, per() after the noun. */
const char *
upto(const struct agg *a)
{
	return a->n > 1 ? "up to " : "";
}

const char *
per(const struct agg *a)
{
	return a->n > 1 ? " per AP" : "";
}

const char *
plural(unsigned v)
{
	return v == 1 ? "" : "s";
}

const char *
dtls_fail_text(unsigned code)
{
	const char *s = cs_dtls_fail_name((enum cs_dtls_fail)code);

	return s != NULL ? s : "failure";
}

/* capsim's own health, as numbers ("; loop up to 22000 ms late, ..."). */
void
self_text(const struct cs_self_health *h, struct sbuf *sb)
{
	if (h->has_lateness &&
	    (h->lateness_p99_ms >= DIAG_SELF_LATE_P99_MS ||
	        h->lateness_max_ms >= DIAG_SELF_LATE_MAX_MS))
		sb_printf(sb,
		    "; its event loop ran late (timer lateness p99 %u ms, "
		    "max %u ms)",
		    (unsigned)h->lateness_p99_ms, (unsigned)h->lateness_max_ms);
	if (h->has_rxq && h->rxq_drops > 0)
		sb_printf(sb,
		    "; the kernel dropped %llu datagram%s on its full "
		    "receive queues (SO_RXQ_OVFL)",
		    (unsigned long long)h->rxq_drops,
		    h->rxq_drops == 1 ? "" : "s");
	if (h->has_hs_queue && h->hs_queue_wait_max_ms > 0 &&
	    h->hs_queue_wait_max_ms * 2ull >=
	        (h->wait_dtls_ms ? h->wait_dtls_ms : 60000u))
		sb_printf(sb,
		    "; APs waited up to %u ms for a handshake slot (WaitDTLS "
		    "%u ms)",
		    (unsigned)h->hs_queue_wait_max_ms,
		    (unsigned)(h->wait_dtls_ms ? h->wait_dtls_ms : 60000u));
}

/* The stored failure reason, cut at a word boundary when it filled its
 * buffer (never "(3 fai."). */
void
reason_text(const struct cs_ap_facts *f, struct sbuf *sb)
{
	const char *nul = memchr(f->reason, '\0', sizeof(f->reason));
	size_t rl = nul != NULL ? (size_t)(nul - f->reason) : sizeof(f->reason);
	bool cut = nul == NULL || rl + 1 >= sizeof(f->reason);

	if (cut) {
		while (rl > 0 && f->reason[rl - 1] != ' ')
			rl--;
		while (rl > 0 &&
		    (f->reason[rl - 1] == ' ' || f->reason[rl - 1] == '(' ||
		        f->reason[rl - 1] == ',' || f->reason[rl - 1] == ':'))
			rl--;
	}
	sb_printf(
	    sb, "%.*s%s", (int)rl, f->reason, cut && rl > 0 ? " ..." : "");
}

/* How the controller's side gets in: live, the run reads the
 * controller's capture; from a capture, analyze reads both. */
void
peer_hint(const struct cs_diag_ctx *ctx, struct sbuf *hint)
{
	sb_printf(hint,
	    ctx->live ? "  The controller's capture decides it: capsim run ... "
	                "--peer-pcap WLC.pcapng."
	              : "  The controller's capture decides it: capsim analyze "
	                "CAPTURE --peer WLC.pcapng.");
}

/* Inconclusive in discovery or the handshake: what is missing, by the
 * sub-case.  False when @p a is not one of these. */
static bool
why_words_join(const struct cs_ap_facts *f, const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint)
{
	switch (a->why) {
	case WHY_NO_TRAFFIC:
		sb_printf(sum,
		    "No traffic from or to the AP: nothing to tell "
		    "from.");
		sb_printf(hint,
		    "Missing: any datagram.  Run longer or check that the "
		    "AP started (and that a capture holds its traffic).");
		return true;
	case WHY_STILL_TRYING:
		sb_printf(sum,
		    "Still trying: %u Discovery Request%s, %u ClientHello%s, "
		    "no answer yet.",
		    (unsigned)a->disc_req, plural(a->disc_req), (unsigned)a->ch,
		    plural(a->ch));
		sb_printf(hint,
		    "Missing: a retransmission to tell loss from "
		    "a slow answer.  Run longer.");
		return true;
	case WHY_NO_WLC_SIDE:
		sb_printf(sum,
		    "ClientHello sent %s%u times%s, nothing came back; "
		    "whether they reached the controller is unknown.",
		    upto(a), (unsigned)a->ch, per(a));
		sb_printf(hint,
		    "Missing: the controller's side.  Capture at the "
		    "controller too (or run against the embedded WLC) to "
		    "tell forward from return path loss.");
		peer_hint(ctx, hint);
		return true;
	case WHY_LATE:
		sb_printf(sum,
		    "The handshake never finished and the controller's DTLS "
		    "replies came late (up to %u ms after a ClientHello%s); "
		    "whether datagrams were delayed or lost is unknown "
		    "without what the controller sent.",
		    (unsigned)a->dtls_delay_max_ms, per(a));
		sb_printf(hint,
		    "Missing: the controller's side.  Capture at the "
		    "controller too: every datagram it sent arriving late is "
		    "a delay, some never arriving is loss.");
		peer_hint(ctx, hint);
		return true;
	case WHY_WLC_TOTALS:
		if (f->ch > 0)
			sb_printf(sum,
			    "ClientHello sent %s%u times%s, nothing came back; "
			    "the controller received %llu ClientHellos from "
			    "all APs, fewer than they sent, so whether this "
			    "AP's reached it is unknown.",
			    upto(a), (unsigned)a->ch, per(a),
			    (unsigned long long)ctx->wlc_client_hello);
		else
			sb_printf(sum,
			    "Discovery Requests sent %s%u times%s, no "
			    "response; the controller received %llu from all "
			    "APs, fewer than they sent, so whether this AP's "
			    "reached it is unknown.",
			    upto(a), (unsigned)a->disc_req, per(a),
			    (unsigned long long)ctx->wlc_disc_req);
		sb_printf(hint,
		    "Missing: what the controller received from each AP.  "
		    "Capture at the controller too to tell forward from "
		    "return path loss.");
		peer_hint(ctx, hint);
		return true;
	case WHY_FLIGHT_PARTIAL:
		sb_printf(sum,
		    "The controller's ServerHello never arrived (ClientHello "
		    "with cookie sent %s%u times%s) while later parts of "
		    "its flight got through (%s%u datagram%s with "
		    "Certificate, ServerKeyExchange, CertificateRequest or "
		    "ServerHelloDone and no ServerHello before them%s).",
		    upto(a), (unsigned)a->ch_cookie, per(a), upto(a),
		    (unsigned)a->flight_no_sh, plural(a->flight_no_sh), per(a));
		sb_printf(hint,
		    "Missing: the sizes the controller sent.  With them, "
		    "loss above a size is MTU, loss of small datagrams is "
		    "a selective drop; capture at the controller too.");
		peer_hint(ctx, hint);
		return true;
	case WHY_LATE_FLIGHTS:
		sb_printf(sum,
		    "Replies are late: %s%u handshake message%s of an earlier "
		    "DTLS handshake arrived during a later one%s; whether "
		    "replies were also lost is not known (an answer the AP "
		    "did not act on may be late or lost).",
		    upto(a), (unsigned)a->stale_down, plural(a->stale_down),
		    per(a));
		sb_printf(hint,
		    "Missing: what the controller sent, datagram by "
		    "datagram.  Capture at the controller too (or run "
		    "against the embedded WLC) to tell a delay from a "
		    "delay with loss.");
		peer_hint(ctx, hint);
		return true;
	default:
		return false;
	}
}

/* Inconclusive after Run was lost: what is missing, by the sub-case.
 * False when @p a is not one of these. */
static bool
why_words_run(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	switch (a->why) {
	case WHY_WLC_FORGOT:
		sb_printf(sum,
		    "Run lost (%s%u Echo Requests unanswered%s), then a "
		    "fresh join worked.  At the controller: it received all "
		    "%u datagrams the AP sent and none it sent was lost, so "
		    "the silence was its own; it then accepted a new session "
		    "from scratch (it forgot this one).",
		    upto(a), (unsigned)a->echo_streak, per(a),
		    (unsigned)sum_u32(a->ap_tx));
		sb_printf(hint,
		    "The controller dropped the AP's session (cleared, "
		    "restarted, failed over); a restart drops every AP's at "
		    "once.  Check its logs at that time.");
		return true;
	case WHY_RUN_REJOINED:
		sb_printf(sum,
		    "Run lost (%s%u Echo Requests unanswered%s), then a "
		    "fresh join worked; no controller restart was seen.",
		    upto(a), (unsigned)a->echo_streak, per(a));
		sb_printf(hint,
		    "Missing: what the controller did (restart, failover, "
		    "session cleared); check its logs at that time.");
		peer_hint(ctx, hint);
		return true;
	case WHY_ECHO_NO_POST:
		sb_printf(sum,
		    "In Run, %s%u Echo Requests unanswered%s while "
		    "keep-alives were answered; the trace ends before the "
		    "AP tried to join again.",
		    upto(a), (unsigned)a->echo_streak, per(a));
		sb_printf(hint,
		    "Missing: the rejoin.  If it works, the controller "
		    "ignores echoes; if its DTLS dies, the control return "
		    "path drops.  Run or capture longer.");
		return true;
	case WHY_RUN_LOST:
		sb_printf(sum,
		    "Run lost %s%u time%s%s; nothing after it says why (%u "
		    "Echo Requests unanswered in a row, %u ClientHello%s, "
		    "%u Discovery Request%s after the loss).",
		    upto(a), (unsigned)a->run_lost, plural(a->run_lost), per(a),
		    (unsigned)a->echo_streak, (unsigned)a->post_ch,
		    plural(a->post_ch), (unsigned)a->post_disc_req,
		    plural(a->post_disc_req));
		sb_printf(hint,
		    "Missing: what happens after Run is lost.  Run "
		    "or capture longer.");
		return true;
	default:
		return false;
	}
}

/* Inconclusive with no sub-case: how far the AP got. */
static void
progress_words(const struct cs_ap_facts *f, struct sbuf *sum, struct sbuf *hint)
{
	if (cs_phase_name((enum cs_phase)f->fail_phase) != NULL) {
		sb_printf(sum, "Stopped in %s",
		    cs_phase_name((enum cs_phase)f->fail_phase));
		if (f->reason[0] != '\0') {
			sb_printf(sum, ": ");
			reason_text(f, sum);
		}
		sb_printf(sum, "; no signature decides the cause.");
	} else if (f->ch > 0) {
		sb_printf(sum,
		    "DTLS in progress: ClientHello sent %u times, "
		    "ServerHello received %u times.",
		    (unsigned)f->ch, (unsigned)f->sh);
	} else if (f->disc_req > 0) {
		sb_printf(sum, "Discovery in progress (%u requests).",
		    (unsigned)f->disc_req);
	} else {
		sb_printf(sum, "Not enough traffic to tell.");
	}
	sb_printf(hint, "No cause has its evidence complete.");
}

/* Inconclusive: what was seen and what is missing to decide. */
void
inconclusive_words(const struct cs_ap_facts *f, const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint)
{
	if (f == NULL) {
		sb_printf(sum, "No AP facts at all.");
		sb_printf(hint,
		    "Nothing was observed: check the capture or "
		    "the run.");
		return;
	}
	if (why_words_join(f, a, ctx, sum, hint) ||
	    why_words_run(a, ctx, sum, hint))
		return;
	progress_words(f, sum, hint);
}

/* What a capture at the controller (or the embedded WLC) counted for
 * these APs, when it shows datagrams lost on the way: @p down the
 * controller's answers, else the APs' requests. */
void
wlc_side_words(const struct agg *a, bool down, struct sbuf *sum)
{
	uint32_t sent = 0, got = 0;

	for (unsigned i = 0; i < CS_FACTS_SIZE_CLASSES; i++) {
		sent += down ? a->wlc_tx[i] : a->ap_tx[i];
		got += down ? a->ap_rx[i] : a->wlc_rx[i];
	}
	if (got >= sent || (!down && got == 0))
		return;
	if (down)
		sb_printf(sum,
		    " At the controller: it sent %u datagram%s to the AP%s, "
		    "%u arrived.",
		    (unsigned)sent, plural(sent), plural(a->n), (unsigned)got);
	else
		sb_printf(sum,
		    " At the controller: it received %u of the %u datagram%s "
		    "the AP%s sent.",
		    (unsigned)got, (unsigned)sent, plural(sent), plural(a->n));
}
