/* SPDX-License-Identifier: MIT */
/*
 * The words of the diagnosis for DTLS and the join: certificates, clock, MTU,
 * version/cipher mismatch, Join Result Codes (one function per verdict code,
 * dispatched from diagnose.c).
 */
#include "diagnose-internal.h"

#include <errno.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/dtls.h"

void
diag_words_cert_rejected_by_ap(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;

	(void)ctx;

	sb_printf(sum, "The AP rejected the controller's certificate");
	if (f->dtls_fail != 0 && (f->flags & CS_FACTS_F_DTLS_LOCAL))
		sb_printf(sum, " (%s)", dtls_fail_text(f->dtls_fail));
	if (f->alert_up_desc != CS_FACTS_NONE8)
		sb_printf(sum, ": it sent the alert %s",
		    alert_name(f->alert_up_desc));
	sb_printf(sum, ".");
	sb_printf(hint,
	    "Check the WLC certificate chain against the AP's trust "
	    "store (CA, validity, CAPWAP EKU); the AP logs "
	    "\"Certificate verified failed!\" and sends a fatal "
	    "alert.");
}

void
diag_words_cert_rejected_by_wlc(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;

	(void)ctx;

	sb_printf(sum, "The controller rejected the AP's certificate");
	if (f->alert_down_desc != CS_FACTS_NONE8)
		sb_printf(sum, ": the AP received the alert %s",
		    alert_name(f->alert_down_desc));
	else if (f->dtls_fail != 0)
		sb_printf(sum, " (%s)", dtls_fail_text(f->dtls_fail));
	sb_printf(sum, ".");
	sb_printf(hint,
	    "Check the AP certificate (MIC/SSC expiry, issuing CA "
	    "trusted by the WLC, AP authorization list); the WLC "
	    "logs \"DTLS handshake failure ... alert bad "
	    "certificate\" or \"Current time outside AP cert "
	    "validity interval\".");
}

void
diag_words_clock_skew(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;

	(void)ctx;

	sb_printf(sum,
	    "The AP's clock is outside the controller "
	    "certificate's validity (%s)",
	    f->dtls_fail != 0 ? dtls_fail_text(f->dtls_fail)
	                      : alert_name(f->alert_up_desc));
	if (f->flags & CS_FACTS_F_SKEW)
		sb_printf(
		    sum, "; the AP clock is off by %ld s", (long)f->skew_s);
	sb_printf(sum, ".");
	sb_printf(hint,
	    "Set the time right (NTP on the AP's network or the "
	    "controller's time) rather than replacing the "
	    "certificate.");
}

void
diag_words_mtu_fragment_loss(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;

	(void)ctx;

	if (a->why == WHY_MTU_SIZES) {
		bool down = sum_classes(f->wlc_tx) > 0;
		const uint32_t *sent = down ? a->wlc_tx : a->ap_tx;
		const uint32_t *got = down ? a->ap_rx : a->wlc_rx;

		sb_printf(sum,
		    "%s datagrams above a size vanish, smaller ones "
		    "arrive: ",
		    down ? "WLC->AP" : "AP->WLC");
		for (unsigned i = 0; i < CS_FACTS_SIZE_CLASSES; i++)
			if (sent[i] > 0)
				sb_printf(sum, "%s<= %u B: %u sent, %u arrived",
				    i > 0 ? "; " : "",
				    cs_facts_size_class_max(i),
				    (unsigned)sent[i], (unsigned)got[i]);
		sb_printf(sum, ".");
	} else if (f->sh > 0 && cert_stalled(f)) {
		sb_printf(sum,
		    "The handshake stalls in the controller's "
		    "Certificate flight: ServerHello arrived %s%u "
		    "times%s but the Certificate never completed "
		    "(largest datagram received %u bytes).",
		    upto(a), (unsigned)a->sh, per(a), (unsigned)a->max_down);
	} else if (f->sh == 0) {
		sb_printf(sum,
		    "The cookie exchange works (HelloVerifyRequest "
		    "received) but after ClientHello with cookie "
		    "(sent %s%u times%s) the controller's large "
		    "ServerHello/Certificate flight never arrives "
		    "(largest datagram received %u bytes).",
		    upto(a), (unsigned)a->ch_cookie, per(a),
		    (unsigned)a->max_down);
	} else {
		sb_printf(sum,
		    "The controller's flight arrives repeatedly "
		    "(%s%u times%s) but it never answers the AP's "
		    "Certificate flight (largest datagram sent %u "
		    "bytes).",
		    upto(a), (unsigned)a->sh, per(a), (unsigned)a->max_up);
	}
	sb_printf(hint,
	    "Large DTLS datagrams (certificate flights) are lost: an "
	    "MTU below the datagram size with IP fragments dropped, "
	    "or DF set and ICMP \"fragmentation needed\" filtered. "
	    "Allow fragments or lower the CAPWAP/DTLS MTU.");
}

void
diag_words_join_rejected(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;

	(void)ctx;

	sb_printf(sum,
	    "The controller rejected the Join Request: Result Code "
	    "%u (%s).",
	    (unsigned)f->join_rc, cs_result_code_name(f->join_rc));
	sb_printf(hint,
	    "Check the controller's join policy for these APs (AP "
	    "authorization list, regulatory domain, supported "
	    "model, duplicate session).");
}

void
diag_words_wlc_capacity(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;

	(void)ctx;

	sb_printf(sum,
	    "The controller refused the Join for capacity: Result "
	    "Code %u (%s).",
	    (unsigned)f->join_rc, cs_result_code_name(f->join_rc));
	sb_printf(hint,
	    "The WLC is at its AP limit (licence or platform "
	    "maximum): add capacity or move APs to another "
	    "controller.");
}

void
diag_words_dtls_mismatch(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;

	(void)ctx;

	sb_printf(sum, "The DTLS handshake fails before agreement");
	if (f->dtls_fail != 0)
		sb_printf(sum, " (%s)", dtls_fail_text(f->dtls_fail));
	if (f->alert_down_desc != CS_FACTS_NONE8)
		sb_printf(sum, ": the controller sent %s",
		    alert_name(f->alert_down_desc));
	else if (f->alert_up_desc != CS_FACTS_NONE8)
		sb_printf(
		    sum, ": the AP sent %s", alert_name(f->alert_up_desc));
	sb_printf(sum, ".");
	if (f->dtls_fail == CS_DTLS_FAIL_PSK || f->alert_down_desc == 115) {
		sb_printf(hint,
		    "AP and controller do not share the pre-shared key "
		    "(RFC 5415 2.4.4.2; the AP's identity is its MAC in "
		    "hex): a decrypt_error alert means the keys differ, "
		    "unknown_psk_identity that the controller has no key "
		    "for this AP; set the same key on both.");
		return;
	}
	sb_printf(hint,
	    "AP and controller share no DTLS version or cipher "
	    "suite (e.g. a DTLS 1.0 AP against a 1.2-only WLC, or "
	    "an ECDSA-only cipher list with an RSA certificate): "
	    "align the WLC's DTLS version and ciphers with the "
	    "APs.");
}
