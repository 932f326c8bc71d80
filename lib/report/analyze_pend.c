/* SPDX-License-Identifier: MIT */
/*
 * The answers held back (analyze.c): a datagram from the controller that
 * answers the AP (a Discovery Response, a server handshake flight) is
 * held until the AP's next datagram shows whether it arrived (the AP
 * moves on) or not (the AP repeats itself); what is left at the end is
 * settled by finish.  Also the parts of a server flight without their
 * ServerHello and the flights of an earlier handshake.
 */
#include "analyze-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capread.h"
#include "capsim/capwap.h"
#include "capsim/capwap_keepalive.h"
#include "capsim/cursor.h"
#include "capsim/dtls_decrypt.h"
#include "capsim/dtls_peek.h"
#include "capsim/ipv4.h"
#include "capsim/log.h"
#include "capsim/roles.h"

void
pend_feed(struct ap *ap, unsigned i)
{
	struct pend *p = &ap->pend[i];

	if (!p->is_dtls)
		ap->disc_pending = false; /* the AP got its answer */
	cs_facts_wire_peer(&ap->pub.facts, CS_DIR_DOWN, CS_CHAN_CONTROL,
	    p->wlc_ip, p->wlc_port, p->b, p->len, p->ms);
}

/* Feeds (or, with @p lost, drops) the pending answers of one kind
 * (dtls true: DTLS flights; false: discovery) sent to @p ap_port (0: to
 * any port).  An answer from another address than the one the AP is
 * asking (@p to_ip, 0 = unknown) is fed even when "lost": it may well have
 * arrived and been ignored, and that is the asymmetric-return evidence. */
void
pend_settle(
    struct ap *ap, bool dtls, bool lost, uint16_t ap_port, uint32_t to_ip)
{
	unsigned k = 0;

	for (unsigned i = 0; i < ap->n_pend; i++) {
		if (ap->pend[i].is_dtls != dtls ||
		    (ap_port != 0 && ap->pend[i].ap_port != ap_port)) {
			ap->pend[k++] = ap->pend[i];
			continue;
		}
		if (lost && to_ip != 0 && ap->pend[i].wlc_ip != to_ip) {
			pend_feed(ap, i);
		} else if (lost) {
			ap->pub.unacked_down++;
			ap->lossy = true;
			/* not acted on, yet past the loss that took the
			 * ServerHello (facts.c counts the ones fed) */
			if (ap->pend[i].is_flight_no_sh &&
			    ap->pub.facts.flight_no_sh != UINT16_MAX)
				ap->pub.facts.flight_no_sh++;
		} else {
			pend_feed(ap, i);
		}
		free(ap->pend[i].b);
	}
	ap->n_pend = k;
}

static int
pend_add(struct ap *ap, uint64_t ms, uint32_t wlc_ip, uint16_t wlc_port,
    uint16_t ap_port, bool dtls, bool no_sh, const uint8_t *b, size_t len)
{
	struct pend *p;

	if (ap->n_pend == MAX_PEND) {
		pend_feed(ap, 0);
		free(ap->pend[0].b);
		memmove(ap->pend, ap->pend + 1,
		    (MAX_PEND - 1) * sizeof(ap->pend[0]));
		ap->n_pend--;
	}
	p = &ap->pend[ap->n_pend];
	p->b = malloc(len > 0 ? len : 1);
	if (p->b == NULL)
		return -ENOMEM;
	memcpy(p->b, b, len);
	p->len = len;
	p->ms = ms;
	p->wlc_ip = wlc_ip;
	p->wlc_port = wlc_port;
	p->ap_port = ap_port;
	p->is_dtls = dtls;
	p->is_flight_no_sh = no_sh;
	ap->n_pend++;
	return 0;
}

/* A server datagram holding later parts of its flight (Certificate,
 * ServerKeyExchange, CertificateRequest, ServerHelloDone) while this
 * capture never held the ServerHello of the handshake (hs_track has
 * recorded the datagram itself); a Certificate tail in the handshake
 * excludes it, as in cs_facts_wire. */
static bool
flight_no_sh(const struct flow *f, const uint8_t *p, size_t len)
{
	struct cs_dtls_peek pk;
	bool later = false;

	if (f->hs_seen[CS_DIR_DOWN][CS_DTLS_HS_SERVER_HELLO] != 0 ||
	    f->cert_tail || cs_dtls_peek_capwap(p, len, &pk, NULL) < 0)
		return false;
	for (unsigned i = 0; i < pk.n_hs; i++) {
		const struct cs_dtls_hs_msg *m = &pk.hs[i];

		if (pk.rec[m->record].epoch != 0)
			continue;
		switch (m->msg_type) {
		case CS_DTLS_HS_CERTIFICATE:
			if (m->frag_offset > 0)
				return false; /* as cs_facts_wire */
			later = true;
			break;
		case CS_DTLS_HS_SERVER_KEY_EXCHANGE:
		case CS_DTLS_HS_CERTIFICATE_REQUEST:
		case CS_DTLS_HS_SERVER_HELLO_DONE:
			later = true;
			break;
		default:
			break;
		}
	}
	return later;
}

/* A server handshake message of an earlier handshake on this flow: a
 * message_seq >= 1 before the AP sent this handshake's ClientHello with
 * the cookie (RFC 6347 §4.2.2; as cs_facts_wire counts stale_down).  It
 * answers nothing the AP waits for, so the AP's next datagram cannot say
 * whether it arrived: it is not held (hs_track has recorded it). */
static bool
flight_stale(const struct flow *f, const uint8_t *p, size_t len)
{
	struct cs_dtls_peek pk;
	bool later = false;

	if (!f->have_cr ||
	    (f->hs_seen[CS_DIR_UP][CS_DTLS_HS_CLIENT_HELLO] & ~1u) != 0 ||
	    cs_dtls_peek_capwap(p, len, &pk, NULL) < 0)
		return false;
	for (unsigned i = 0; i < pk.n_hs; i++) {
		const struct cs_dtls_hs_msg *m = &pk.hs[i];

		if (pk.rec[m->record].epoch != 0)
			continue;
		if (m->message_seq == 0 &&
		    m->msg_type == CS_DTLS_HS_SERVER_HELLO)
			return false; /* no cookie exchange */
		if (m->message_seq >= 1 &&
		    m->msg_type != CS_DTLS_HS_HELLO_VERIFY_REQUEST)
			later = true;
	}
	return later;
}

/* A HelloVerifyRequest after the AP sent its ClientHello with the cookie
 * (message_seq 1, RFC 6347 §4.2.2): it answers an earlier ClientHello
 * (facts.c matches it by record sequence number), nothing the AP waits
 * for, so the AP's next datagram cannot say whether it arrived: it is not
 * held. */
static bool
hvr_stale(const struct flow *f, const uint8_t *p, size_t len)
{
	return (f->hs_seen[CS_DIR_UP][CS_DTLS_HS_CLIENT_HELLO] & ~1u) != 0 &&
	    cs_dtls_classify_dgram(p, len, true) ==
	    CS_DTLS_KIND_HELLO_VERIFY_REQUEST;
}

/* Whether a controller datagram answers an AP request. */
static bool
is_answer(const uint8_t *p, size_t len, bool dtls)
{
	uint32_t type;
	uint8_t seq;
	bool frag;

	if (!dtls)
		return ctl_type(p, len, &type, &seq, &frag) &&
		    (type == CS_MSG_DISCOVERY_RESP ||
		        type == CS_MSG_PRIMARY_DISCOVERY_RESP);
	switch (cs_dtls_classify_dgram(p, len, true)) {
	case CS_DTLS_KIND_HELLO_VERIFY_REQUEST:
	case CS_DTLS_KIND_SERVER_HELLO_FLIGHT:
	case CS_DTLS_KIND_CERTIFICATE:
	case CS_DTLS_KIND_CCS_FINISHED:
	case CS_DTLS_KIND_ENCRYPTED_HANDSHAKE:
		return true;
	default:
		return false;
	}
}

/* An answer from the controller is held (*@p held) until the AP shows
 * whether it got it; an AP datagram settles what is held (see above).
 * @return 0, -ENOMEM. */
int
answers_track(struct ap *ap, const struct flow *f, enum cs_dir dir,
    enum cs_chan ch, bool is_capwap, bool is_dtls, enum hs_verdict hv,
    uint32_t wlc_ip, uint16_t wlc_port, uint16_t ap_port, uint64_t ms,
    const uint8_t *p, size_t len, bool *held)
{
	if (ch == CS_CHAN_CONTROL && is_capwap) {
		if (dir == CS_DIR_DOWN && is_answer(p, len, is_dtls) &&
		    !(f != NULL &&
		        (flight_stale(f, p, len) || hvr_stale(f, p, len)))) {
			if (pend_add(ap, ms, wlc_ip, wlc_port, ap_port, is_dtls,
			        f != NULL && flight_no_sh(f, p, len), p,
			        len) < 0)
				return -ENOMEM;
			*held = true;
		} else if (dir == CS_DIR_UP && is_dtls) {
			/* a repeat or a new session: the flights did not
			 * arrive; the discovery answer did (DTLS started) */
			pend_settle(ap, true,
			    hv == HS_REPEAT || hv == HS_NEW_SESSION, ap_port,
			    wlc_ip);
			pend_settle(ap, false, false, ap_port, wlc_ip);
		} else if (dir == CS_DIR_UP) {
			uint32_t type;
			uint8_t seq;
			bool frag;
			bool disc = ctl_type(p, len, &type, &seq, &frag) &&
			    (type == CS_MSG_DISCOVERY_REQ ||
			        type == CS_MSG_PRIMARY_DISCOVERY_REQ);

			/* back to discovery: answers pending were lost */
			pend_settle(ap, true, disc, ap_port, wlc_ip);
			pend_settle(ap, false, disc, ap_port, wlc_ip);
		}
	} else if (ch == CS_CHAN_DATA && dir == CS_DIR_UP) {
		pend_settle(ap, true, false, 0, 0);
		pend_settle(ap, false, false, 0, 0);
	}
	return 0;
}
