/* SPDX-License-Identifier: MIT */
/*
 * Per-AP diagnosis facts (diagnose.h): folds datagrams seen at the AP side,
 * decrypted control messages and AP FSM events into struct cs_ap_facts.
 * Every byte goes through the lib/wire decoders: the CAPWAP header and
 * control header (RFC 5415 §4.3, §4.5.1), cs_msg_decode for the Join
 * Response Result Code (§4.6.35), the DTLS record peek (RFC 6347 §4.1,
 * §4.2.2) and the keep-alive test (§4.4.1).  Anything that does not decode
 * is counted as malformed and otherwise ignored.
 */
#include "capsim/diagnose.h"

#include <errno.h>
#include <string.h>

#include "capsim/ap.h"
#include "capsim/capwap.h"
#include "capsim/capwap_keepalive.h"
#include "capsim/cursor.h"
#include "capsim/dtls.h"
#include "capsim/dtls_peek.h"

/* The server's flight after its ServerHello (RFC 6347 §4.2.4, flight 4) */
#define CS_FACTS_HS_LATER                                                      \
	((1u << CS_DTLS_HS_CERTIFICATE) |                                      \
	    (1u << CS_DTLS_HS_SERVER_KEY_EXCHANGE) |                           \
	    (1u << CS_DTLS_HS_CERTIFICATE_REQUEST) |                           \
	    (1u << CS_DTLS_HS_SERVER_HELLO_DONE))

static void
inc16(uint16_t *c)
{
	if (*c != UINT16_MAX)
		(*c)++;
}

/* Request -> reply timing: *pend holds 1 + the time of the oldest
 * unanswered request (0 = none). */
static void
pend_req(uint32_t *pend, uint32_t rel)
{
	if (*pend == 0)
		*pend = rel == UINT32_MAX ? rel : rel + 1;
}

static void
pend_reply(uint32_t *pend, uint32_t *max_ms, uint32_t rel)
{
	if (*pend == 0)
		return;
	if (rel + 1 >= *pend && rel + 1 - *pend > *max_ms)
		*max_ms = rel + 1 - *pend;
	*pend = 0;
}

static uint16_t
clamp16(size_t v)
{
	return v > UINT16_MAX ? UINT16_MAX : (uint16_t)v;
}

/* Milliseconds since the first fact, clamped to 32 bits; the first call
 * starts the clock.  A clock going backwards counts as 0. */
static uint32_t
facts_rel(struct cs_ap_facts *f, uint64_t now_ms)
{
	uint64_t d;

	if (!(f->flags & CS_FACTS_F_STARTED)) {
		f->flags |= CS_FACTS_F_STARTED;
		f->t_first = now_ms;
	}
	d = now_ms >= f->t_first ? now_ms - f->t_first : 0;
	if (d > UINT32_MAX)
		d = UINT32_MAX;
	if ((uint32_t)d > f->t_last)
		f->t_last = (uint32_t)d;
	return (uint32_t)d;
}

void
cs_facts_init(struct cs_ap_facts *f)
{
	if (f == NULL)
		return;
	memset(f, 0, sizeof(*f));
	f->alert_up_desc = CS_FACTS_NONE8;
	f->alert_down_desc = CS_FACTS_NONE8;
	f->fail_phase = CS_FACTS_NONE8;
}

static void
facts_set_run(struct cs_ap_facts *f, bool on, uint32_t rel)
{
	if (on && !(f->flags & CS_FACTS_F_IN_RUN)) {
		f->flags |= CS_FACTS_F_IN_RUN;
		inc16(&f->runs);
		f->t_run = rel;
		f->echo_streak = 0;
	} else if (!on && (f->flags & CS_FACTS_F_IN_RUN)) {
		f->flags &= (uint16_t)~CS_FACTS_F_IN_RUN;
		inc16(&f->run_lost);
		f->t_run_lost = rel;
		/* what happens next explains the loss */
		f->flags |= CS_FACTS_F_POST;
		f->post_disc_req = f->post_disc_resp = 0;
		f->post_ch = f->post_dtls_down = 0;
		f->post_ka_up = f->post_ka_down = 0;
	}
}

/* A server Certificate is left incomplete: a stall; whether its first
 * chunk had arrived is kept (a size limit cannot let the first fragment,
 * in a datagram as big as any of the flight's, through and lose the
 * others). */
static void
facts_cert_stall(struct cs_ap_facts *f)
{
	if (!f->cert_seq_set || (f->flags & CS_FACTS_F_CERT_DONE))
		return;
	f->flags |= CS_FACTS_F_CERT_STALL;
	if (f->cert_have & 1u)
		f->cert_head_stall = 1;
}

/* A new join attempt (initial ClientHello or Discovery Request): a Run in
 * progress is lost; a server Certificate left incomplete by the previous
 * attempt is remembered as a stall. */
static void
facts_new_attempt(struct cs_ap_facts *f, uint32_t rel)
{
	facts_set_run(f, false, rel);
	facts_cert_stall(f);
	f->cert_seq_set = 0;
	f->att_ch_cookie = 0;
	f->att_cert_tail = 0;
	f->cert_have = 0;
	f->cert_len = 0;
	f->t_ctl_pend = 0;
	f->t_ka_pend = 0;
	f->flags &= (uint16_t) ~(CS_FACTS_F_CERT_DONE | CS_FACTS_F_ATT_SH |
	    CS_FACTS_F_ATT_CS | CS_FACTS_F_ATT_KA | CS_FACTS_F_IN_HS);
}

/* ---------------------------------------------------------------------
 * Server Certificate reassembly coverage (RFC 6347 §4.2.3): 64 chunks of
 * ceil(len / 64) bytes; a chunk counts once a fragment covers all of it.
 */
static void
facts_cert_frag(struct cs_ap_facts *f, const struct cs_dtls_hs_msg *h)
{
	uint32_t chunk, lo, hi, end;

	if (h->length == 0)
		return;
	if (!f->cert_seq_set || f->cert_seq != h->message_seq ||
	    f->cert_len != h->length) {
		facts_cert_stall(f);
		f->cert_seq_set = 1;
		f->cert_seq = h->message_seq;
		f->cert_len = h->length;
		f->cert_have = 0;
		f->flags &= (uint16_t)~CS_FACTS_F_CERT_DONE;
	}
	/* the peek checked frag_offset + frag_length <= length; a chunk
	 * counts when a fragment holds its first byte, so adjacent fragments
	 * tile and any lost fragment of at least one chunk shows */
	chunk = (h->length + 63) / 64;
	end = h->frag_offset + h->frag_length;
	if (end > h->length)
		return;
	lo = (h->frag_offset + chunk - 1) / chunk;
	hi = (end + chunk - 1) / chunk;
	if (hi > 64)
		hi = 64;
	for (uint32_t i = lo; i < hi; i++)
		f->cert_have |= (uint64_t)1 << i;
	/* chunks beyond the message (when len < 64) are trivially had */
	for (uint32_t i = (h->length + chunk - 1) / chunk; i < 64; i++)
		f->cert_have |= (uint64_t)1 << i;
	if (f->cert_have == UINT64_MAX && !(f->flags & CS_FACTS_F_CERT_DONE)) {
		f->flags |= CS_FACTS_F_CERT_DONE;
		inc16(&f->cert);
	}
}

/* ClientHello body (RFC 6347 §4.2.1): version, random, session_id<0..32>,
 * cookie<0..2^8-1>.  True when the first fragment shows a non-empty
 * cookie. */
static bool
client_hello_has_cookie(const uint8_t *pkt, size_t len,
    const struct cs_dtls_peek *pk, const struct cs_dtls_hs_msg *h)
{
	const struct cs_dtls_record *r = &pk->rec[h->record];
	size_t body = h->offset + CS_DTLS_HS_HDR_LEN;
	size_t rec_end = r->offset + CS_DTLS_RECORD_HDR_LEN + r->length;
	size_t avail;
	struct cs_rd rd;
	uint8_t sid_len, cookie_len;

	if (h->frag_offset != 0 || rec_end > len || body > rec_end)
		return false;
	avail = rec_end - body;
	if (avail > h->frag_length)
		avail = h->frag_length;
	cs_rd_init(&rd, pkt + body, avail);
	if (cs_rd_skip(&rd, 2 + 32) != 0 || cs_rd_u8(&rd, &sid_len) != 0 ||
	    cs_rd_skip(&rd, sid_len) != 0 || cs_rd_u8(&rd, &cookie_len) != 0)
		return false;
	return cookie_len > 0;
}

/* A ClientHello without cookie awaiting its HelloVerifyRequest (RFC 6347
 * §4.2.1: the HVR carries the ClientHello's record sequence number).  A
 * ClientHello with record sequence 0 opens a DTLS session (a
 * retransmission always gets a new number, §4.2.4): the ring starts
 * again; when full, the oldest entry goes. */
static void
hvr_track_ch(struct cs_ap_facts *f, uint64_t seq, uint32_t rel)
{
	unsigned i;

	if (seq == 0) {
		f->ch_seq_n = 0;
		f->ch_seq_done = 0;
	}
	if (f->ch_seq_n >= CS_FACTS_CH_SEQ) {
		memmove(f->ch_seq, f->ch_seq + 1,
		    (CS_FACTS_CH_SEQ - 1) * sizeof(f->ch_seq[0]));
		memmove(f->ch_seq_t, f->ch_seq_t + 1,
		    (CS_FACTS_CH_SEQ - 1) * sizeof(f->ch_seq_t[0]));
		f->ch_seq_done >>= 1;
		f->ch_seq_n = CS_FACTS_CH_SEQ - 1;
	}
	i = f->ch_seq_n++;
	f->ch_seq[i] = (uint16_t)seq;
	f->ch_seq_t[i] = rel;
	f->ch_seq_done &= (uint8_t) ~(1u << i);
}

/* A HelloVerifyRequest with record sequence @p seq: the request -> reply
 * time of the ClientHello it answers; the session's earlier ClientHellos
 * still unanswered were skipped (their answers lost, or reordered past
 * a later one: either way not a pure delay). */
static void
hvr_match(struct cs_ap_facts *f, uint64_t seq, uint32_t rel)
{
	for (unsigned i = 0; i < f->ch_seq_n; i++) {
		uint32_t rtt;

		if ((f->ch_seq_done & (1u << i)) ||
		    f->ch_seq[i] != (uint16_t)seq || f->ch_seq_t[i] > rel)
			continue;
		rtt = rel - f->ch_seq_t[i];
		if (f->hvr_matched == 0 || rtt < f->hvr_rtt_min_ms)
			f->hvr_rtt_min_ms = rtt;
		if (rtt > f->hvr_rtt_max_ms)
			f->hvr_rtt_max_ms = rtt;
		inc16(&f->hvr_matched);
		for (unsigned j = 0; j <= i; j++) {
			if (j < i && !(f->ch_seq_done & (1u << j)))
				inc16(&f->hvr_skipped);
			f->ch_seq_done |= (uint8_t)(1u << j);
		}
		return;
	}
}

static bool
is_fatal_alert(const struct cs_dtls_record *r)
{
	return r->has_alert && r->alert_level == 2;
}

/* What the records of one DTLS datagram are (RFC 6347 §4.1): the flags
 * for the caller, the alerts counted here. */
static void
facts_records(struct cs_ap_facts *f, enum cs_dir dir,
    const struct cs_dtls_peek *pk, bool *ccs, bool *enc_hs, bool *app,
    bool *alert)
{
	for (unsigned i = 0; i < pk->n_records; i++) {
		const struct cs_dtls_record *r = &pk->rec[i];

		switch (r->content_type) {
		case CS_DTLS_CT_CHANGE_CIPHER_SPEC:
			*ccs = true;
			break;
		case CS_DTLS_CT_HANDSHAKE:
			if (r->epoch > 0)
				*enc_hs = true;
			break;
		case CS_DTLS_CT_APPLICATION_DATA:
			*app = true;
			break;
		case CS_DTLS_CT_ALERT:
			*alert = true;
			if (dir == CS_DIR_UP) {
				inc16(&f->alerts_up);
				f->alert_up_desc = r->has_alert
				    ? r->alert_desc
				    : f->alert_up_desc;
			} else {
				inc16(&f->alerts_down);
				if (r->has_alert) {
					f->alert_down_desc = r->alert_desc;
					f->alert_down_level = r->alert_level;
					if ((f->flags & CS_FACTS_F_IN_HS) &&
					    !(f->flags & CS_FACTS_F_ATT_SH))
						f->flags |=
						    CS_FACTS_F_ALERT_PRE_SH;
				}
			}
			if (is_fatal_alert(r))
				f->flags &= (uint16_t)~CS_FACTS_F_IN_HS;
			break;
		default:
			break;
		}
	}
}

static void
facts_dtls(struct cs_ap_facts *f, enum cs_dir dir, const uint8_t *pkt,
    size_t len, uint32_t rel, uint32_t peer_ip)
{
	struct cs_dtls_peek pk;
	uint32_t seen = 0; /* handshake types in this datagram (< 32) */
	bool ccs = false, enc_hs = false, app = false, alert = false;
	bool cookie = false, later_seq = false, sh_seq0 = false;
	bool cert_tail = false;
	uint64_t ch_seq = UINT64_MAX, hvr_seq = UINT64_MAX;

	if (cs_dtls_peek_capwap(pkt, len, &pk, NULL) < 0) {
		if (dir == CS_DIR_DOWN)
			inc16(&f->malformed_down);
		return;
	}
	for (unsigned i = 0; i < pk.n_hs; i++) {
		const struct cs_dtls_hs_msg *h = &pk.hs[i];

		if (h->msg_type < 32)
			seen |= (uint32_t)1 << h->msg_type;
		/* a HelloVerifyRequest is stateless: it answers whatever
		 * ClientHello came, never a stale flight */
		if (h->message_seq >= 1 &&
		    h->msg_type != CS_DTLS_HS_HELLO_VERIFY_REQUEST)
			later_seq = true;
		else if (h->msg_type == CS_DTLS_HS_SERVER_HELLO)
			sh_seq0 = true; /* a server without cookie exchange */
		if (h->msg_type == CS_DTLS_HS_CERTIFICATE && h->frag_offset > 0)
			cert_tail = true;
		if (dir == CS_DIR_UP &&
		    h->msg_type == CS_DTLS_HS_CLIENT_HELLO &&
		    client_hello_has_cookie(pkt, len, &pk, h))
			cookie = true;
		if (pk.rec[h->record].epoch == 0 && h->frag_offset == 0) {
			if (dir == CS_DIR_UP &&
			    h->msg_type == CS_DTLS_HS_CLIENT_HELLO)
				ch_seq = pk.rec[h->record].seq;
			else if (dir == CS_DIR_DOWN &&
			    h->msg_type == CS_DTLS_HS_HELLO_VERIFY_REQUEST)
				hvr_seq = pk.rec[h->record].seq;
		}
		if (dir == CS_DIR_DOWN && h->msg_type == CS_DTLS_HS_CERTIFICATE)
			facts_cert_frag(f, h);
	}
	facts_records(f, dir, &pk, &ccs, &enc_hs, &app, &alert);

	if (dir == CS_DIR_UP) {
		if (seen & (1u << CS_DTLS_HS_CLIENT_HELLO)) {
			if (!cookie && !(f->flags & CS_FACTS_F_IN_HS)) {
				facts_new_attempt(f, rel);
				f->flags |= CS_FACTS_F_IN_HS;
			}
			inc16(&f->ch);
			if (cookie) {
				inc16(&f->ch_cookie);
				f->att_ch_cookie = 1;
			}
			if (f->flags & CS_FACTS_F_POST)
				inc16(&f->post_ch);
			if (peer_ip != 0)
				f->ch_to_ip = peer_ip;
			pend_req(&f->t_ch_pend, rel);
			if (!cookie && ch_seq != UINT64_MAX)
				hvr_track_ch(f, ch_seq, rel);
		}
		if (ccs)
			inc16(&f->ccs_up);
		if (app)
			inc16(&f->app_up);
		return;
	}
	/* RFC 6347 §4.2.2: before our ClientHello with the cookie only
	 * message_seq 0 can answer it (HelloVerifyRequest, or a ServerHello
	 * without a cookie exchange): a later message is an earlier
	 * handshake's, arriving late (unless this handshake's ServerHello
	 * came as message_seq 0: no cookie exchange).  It answers nothing
	 * the AP is waiting for. */
	if (later_seq && !sh_seq0 && (f->flags & CS_FACTS_F_IN_HS) &&
	    !f->att_ch_cookie && !(f->flags & CS_FACTS_F_ATT_SH))
		inc16(&f->stale_down);
	else if (!(seen == (1u << CS_DTLS_HS_HELLO_VERIFY_REQUEST) &&
	             f->att_ch_cookie))
		pend_reply(&f->t_ch_pend, &f->dtls_delay_max_ms, rel);
	/* (a HelloVerifyRequest after the ClientHello with the cookie went
	 * out answers an earlier ClientHello, not the one waiting) */
	if (hvr_seq != UINT64_MAX)
		hvr_match(f, hvr_seq, rel);
	if (f->flags & CS_FACTS_F_POST)
		inc16(&f->post_dtls_down);
	if (alert && (f->flags & CS_FACTS_F_IN_RUN))
		inc16(&f->alerts_down_run);
	if (seen & (1u << CS_DTLS_HS_HELLO_VERIFY_REQUEST))
		inc16(&f->hvr);
	if (seen & (1u << CS_DTLS_HS_SERVER_HELLO)) {
		inc16(&f->sh);
		f->flags |= CS_FACTS_F_ATT_SH;
	}
	/* a Certificate tail (in this attempt) says the datagram that went
	 * missing was a big one (the start rides with the ServerHello): that
	 * is left to the size readings */
	if (cert_tail)
		f->att_cert_tail = 1;
	if ((seen & CS_FACTS_HS_LATER) && !f->att_cert_tail &&
	    !(f->flags & CS_FACTS_F_ATT_SH))
		inc16(&f->flight_no_sh);
	if (seen & (1u << CS_DTLS_HS_CERTIFICATE_REQUEST))
		inc16(&f->cert_req);
	if (seen & (1u << CS_DTLS_HS_SERVER_HELLO_DONE))
		inc16(&f->shd);
	if (ccs)
		inc16(&f->ccs_down);
	if (enc_hs)
		inc16(&f->fin_down);
	if (app)
		inc16(&f->app_down);
	if (seen == 0 && !ccs && !enc_hs && !app && !alert)
		inc16(&f->dtls_other_down);
	/* The server's Finished (after its ChangeCipherSpec) ends a full
	 * handshake; application data from the server proves one too. */
	if ((f->flags & CS_FACTS_F_IN_HS) && ((ccs && enc_hs) || app)) {
		f->flags &= (uint16_t)~CS_FACTS_F_IN_HS;
		inc16(&f->hs_done);
	}
}

/* Message type of a clear CAPWAP control datagram (or the first fragment
 * of one); false when it does not decode. */
static bool
capwap_type(const uint8_t *pkt, size_t len, uint32_t *type)
{
	struct cs_capwap_hdr h;
	struct cs_ctl_hdr c;
	struct cs_rd rd;

	cs_rd_init(&rd, pkt, len);
	if (cs_capwap_hdr_decode(&rd, &h, NULL) != 0)
		return false;
	if (h.is_fragment && h.frag_off != 0)
		return false;
	if (cs_ctl_hdr_decode(&rd, &c, NULL) != 0)
		return false;
	*type = c.type;
	return true;
}

static void
facts_clear(struct cs_ap_facts *f, enum cs_dir dir, const uint8_t *pkt,
    size_t len, uint32_t rel, uint32_t peer_ip)
{
	uint32_t type;

	if (!capwap_type(pkt, len, &type)) {
		if (dir == CS_DIR_DOWN)
			inc16(&f->malformed_down);
		return;
	}
	if (dir == CS_DIR_UP &&
	    (type == CS_MSG_DISCOVERY_REQ ||
	        type == CS_MSG_PRIMARY_DISCOVERY_REQ)) {
		if (type == CS_MSG_DISCOVERY_REQ)
			facts_new_attempt(f, rel);
		inc16(&f->disc_req);
		if (f->disc_resp > 0)
			inc16(&f->disc_req_after_resp);
		if (f->flags & CS_FACTS_F_POST)
			inc16(&f->post_disc_req);
		pend_req(&f->t_disc_pend, rel);
	} else if (dir == CS_DIR_DOWN &&
	    (type == CS_MSG_DISCOVERY_RESP ||
	        type == CS_MSG_PRIMARY_DISCOVERY_RESP)) {
		inc16(&f->disc_resp);
		if (f->flags & CS_FACTS_F_POST)
			inc16(&f->post_disc_resp);
		if (peer_ip != 0)
			f->disc_from_ip = peer_ip;
		pend_reply(&f->t_disc_pend, &f->disc_delay_max_ms, rel);
	}
}

static bool
ip_is_group(uint32_t ip)
{
	return ip == UINT32_MAX || (ip >> 28) == 0xe ||
	    (ip & 0xffu) == 0xffu; /* broadcast-looking: subnet broadcast */
}

static void
facts_peer(struct cs_ap_facts *f, enum cs_dir dir, uint32_t ip, uint16_t port)
{
	bool group = false;

	if (ip == 0)
		return;
	if (dir == CS_DIR_UP) {
		for (unsigned i = 0; i < CS_ARRAY_SIZE(f->sent_ip); i++)
			if (f->sent_ip[i] == ip)
				return;
		f->sent_ip[f->sent_next % CS_ARRAY_SIZE(f->sent_ip)] = ip;
		f->sent_next =
		    (uint8_t)((f->sent_next + 1) % CS_ARRAY_SIZE(f->sent_ip));
		return;
	}
	for (unsigned i = 0; i < CS_ARRAY_SIZE(f->sent_ip); i++) {
		if (f->sent_ip[i] == ip)
			return;
		if (f->sent_ip[i] != 0 && ip_is_group(f->sent_ip[i]))
			group = true;
	}
	/* replies to a broadcast/multicast discovery come from anyone;
	 * before the AP has sent anything there is nothing to compare */
	if (group || f->sent_ip[0] == 0)
		return;
	inc16(&f->other_src);
	f->other_ip = ip;
	f->other_port = port;
}

static void facts_ka(struct cs_ap_facts *f, enum cs_dir dir, const uint8_t *pkt,
    size_t len, uint32_t rel);

void
cs_facts_wire_peer(struct cs_ap_facts *f, enum cs_dir dir, enum cs_chan ch,
    uint32_t peer_ip, uint16_t peer_port, const uint8_t *pkt, size_t len,
    uint64_t now_ms)
{
	uint32_t rel;
	uint8_t pre;

	if (f == NULL || (dir != CS_DIR_UP && dir != CS_DIR_DOWN))
		return;
	if (pkt == NULL)
		len = 0;
	rel = facts_rel(f, now_ms);
	if (dir == CS_DIR_UP) {
		if (f->flags & CS_FACTS_F_IN_RUN) {
			uint32_t from =
			    f->t_last_up > f->t_run ? f->t_last_up : f->t_run;

			if (rel >= from && rel - from > f->run_idle_ms)
				f->run_idle_ms = rel - from;
		}
		f->t_last_up = rel;
		if (clamp16(len) > f->max_up)
			f->max_up = clamp16(len);
		inc16(&f->ap_tx[cs_facts_size_class(len)]);
	} else {
		f->t_last_down = rel;
		if (clamp16(len) > f->max_down)
			f->max_down = clamp16(len);
		inc16(&f->ap_rx[cs_facts_size_class(len)]);
	}
	facts_peer(f, dir, peer_ip, peer_port);
	if (len == 0) {
		if (dir == CS_DIR_DOWN)
			inc16(&f->malformed_down);
		return;
	}

	if (ch == CS_CHAN_DATA) {
		if (cs_capwap_preamble_peek(pkt, len, &pre) == 0 &&
		    pre == CS_PREAMBLE_DTLS) {
			inc16(dir == CS_DIR_UP ? &f->ddtls_up : &f->ddtls_down);
			return;
		}
		facts_ka(f, dir, pkt, len, rel);
		return;
	}
	if (ch != CS_CHAN_CONTROL)
		return;
	if (cs_capwap_preamble_peek(pkt, len, &pre) != 0) {
		if (dir == CS_DIR_DOWN)
			inc16(&f->malformed_down);
		return;
	}
	if (pre == CS_PREAMBLE_DTLS)
		facts_dtls(f, dir, pkt, len, rel, peer_ip);
	else
		facts_clear(f, dir, pkt, len, rel, peer_ip);
}

/* A data channel keep-alive (RFC 5415 §4.4.1), clear or from inside the
 * data channel DTLS session. */
static void
facts_ka(struct cs_ap_facts *f, enum cs_dir dir, const uint8_t *pkt, size_t len,
    uint32_t rel)
{
	if (!cs_keepalive_is(pkt, len))
		return;
	if (dir == CS_DIR_UP) {
		inc16(&f->ka_up);
		if (f->flags & CS_FACTS_F_POST)
			inc16(&f->post_ka_up);
		if (f->echo_streak >= 2)
			inc16(&f->ka_up_in_streak);
		pend_req(&f->t_ka_pend, rel);
	} else {
		inc16(&f->ka_down);
		if (f->flags & CS_FACTS_F_POST)
			inc16(&f->post_ka_down);
		if (f->echo_streak >= 2)
			inc16(&f->ka_down_in_streak);
		f->t_ka_down = rel;
		pend_reply(&f->t_ka_pend, &f->ka_delay_max_ms, rel);
		f->flags |= CS_FACTS_F_ATT_KA;
		if (f->flags & CS_FACTS_F_ATT_CS)
			facts_set_run(f, true, rel);
	}
}

void
cs_facts_data_secure(struct cs_ap_facts *f, enum cs_dir dir, const uint8_t *pkt,
    size_t len, uint64_t now_ms)
{
	if (f == NULL || pkt == NULL ||
	    (dir != CS_DIR_UP && dir != CS_DIR_DOWN))
		return;
	facts_ka(f, dir, pkt, len, facts_rel(f, now_ms));
}

void
cs_facts_data_dtls_fail(struct cs_ap_facts *f)
{
	if (f != NULL)
		f->ddtls_fail = 1;
}

void
cs_facts_wire(struct cs_ap_facts *f, enum cs_dir dir, enum cs_chan ch,
    const uint8_t *pkt, size_t len, uint64_t now_ms)
{
	cs_facts_wire_peer(f, dir, ch, 0, 0, pkt, len, now_ms);
}

/* Join Response Result Code (RFC 5415 §4.6.35); false when absent or the
 * message does not decode (a fragment, hostile bytes). */
static bool
join_result(const uint8_t *msg, size_t len, uint32_t *rc)
{
	struct cs_msg m;
	struct cs_el_result_code r;
	const struct cs_elem *e;

	if (cs_msg_decode(&m, msg, len, CS_MSG_F_CISCO, NULL) != 0)
		return false;
	e = cs_msg_find(&m, CS_EL_RESULT_CODE, 0);
	if (e == NULL || cs_el_get_result_code(e, &r, NULL) != 0)
		return false;
	*rc = r.code;
	return true;
}

/* The AP obeys the controller's Reset Request (RFC 5415 §9.2): leaving
 * Run on its order is no loss; the reboot starts a new life, as a power
 * cycle does (the metrics keep that Run was left). */
static void
facts_new_life(struct cs_ap_facts *f, uint64_t now_ms)
{
	int32_t skew = f->skew_s;
	uint16_t live = f->flags & CS_FACTS_F_LIVE;

	cs_facts_init(f);
	cs_facts_clock_skew(f, skew);
	(void)facts_rel(f, now_ms);
	f->flags |= live;
}

/* A control request sent by the AP (RFC 5415 §4.5.1): the same type
 * again is a retransmission (or a repeat nobody answered); a new type
 * starts over and keeps its element types for the explanation. */
static void
facts_req(struct cs_ap_facts *f, uint32_t type, const uint8_t *msg, size_t len)
{
	struct cs_msg m;

	if (type == f->req_type && f->req_sent > 0) {
		inc16(&f->req_sent);
		return;
	}
	f->req_type = type;
	f->req_sent = 1;
	f->req_n_elems = 0;
	f->req_elems_more = 0;
	if (cs_msg_decode(&m, msg, len, CS_MSG_F_CISCO, NULL) != 0)
		return;
	for (unsigned i = 0; i < m.n_elems; i++) {
		if (f->req_n_elems < CS_ARRAY_SIZE(f->req_elems))
			f->req_elems[f->req_n_elems++] = m.elems[i].type;
		else
			f->req_elems_more = 1;
	}
}

void
cs_facts_control(struct cs_ap_facts *f, enum cs_dir dir, const uint8_t *msg,
    size_t len, uint64_t now_ms)
{
	uint32_t rel, type, rc;

	if (f == NULL || (dir != CS_DIR_UP && dir != CS_DIR_DOWN))
		return;
	rel = facts_rel(f, now_ms);
	if (msg == NULL || !capwap_type(msg, len, &type)) {
		if (dir == CS_DIR_DOWN)
			inc16(&f->malformed_down);
		return;
	}
	if (dir == CS_DIR_UP) {
		if (type % 2 == 1)
			pend_req(&f->t_ctl_pend, rel);
		if (type % 2 == 1 && type != CS_MSG_ECHO_REQ)
			facts_req(f, type, msg, len);
		switch (type) {
		case CS_MSG_JOIN_REQ:
			facts_set_run(f, false, rel);
			inc16(&f->join_req);
			break;
		case CS_MSG_RESET_RESP:
			/* §9.3: no Result Code, or Success, and the AP
			 * reboots (a capture sees this, not the state) */
			if ((f->flags & CS_FACTS_F_IN_RUN) &&
			    (!join_result(msg, len, &rc) || rc == 0)) {
				facts_new_life(f, now_ms);
				return;
			}
			break;
		case CS_MSG_CONFIG_STATUS_REQ:
			inc16(&f->cfg_req);
			break;
		case CS_MSG_CHANGE_STATE_REQ:
			inc16(&f->cs_req);
			break;
		case CS_MSG_ECHO_REQ:
			inc16(&f->echo_req);
			if (f->flags & CS_FACTS_F_IN_RUN) {
				inc16(&f->echo_streak);
				if (f->echo_streak > f->echo_streak_max_run)
					f->echo_streak_max_run = f->echo_streak;
			}
			break;
		default:
			break;
		}
		return;
	}
	if (type % 2 == 0)
		pend_reply(&f->t_ctl_pend, &f->ctl_delay_max_ms, rel);
	if (f->req_type != 0 && type == f->req_type + 1)
		f->req_sent = 0;
	switch (type) {
	case CS_MSG_JOIN_RESP:
		inc16(&f->join_resp);
		if (join_result(msg, len, &rc)) {
			f->join_rc = rc;
			f->flags |= CS_FACTS_F_JOIN_RC;
		}
		break;
	case CS_MSG_CONFIG_STATUS_RESP:
		inc16(&f->cfg_resp);
		break;
	case CS_MSG_CHANGE_STATE_RESP:
		/* Data Check -> Run (RFC 5415 §2.3, as lib/ap does it) */
		inc16(&f->cs_resp);
		f->flags |= CS_FACTS_F_ATT_CS;
		facts_set_run(f, true, rel);
		break;
	case CS_MSG_ECHO_RESP:
		inc16(&f->echo_resp);
		f->echo_streak = 0;
		f->t_echo_resp = rel;
		/* Echo only happens in Run (RFC 5415 §7.1) */
		if (f->flags & CS_FACTS_F_ATT_CS)
			facts_set_run(f, true, rel);
		break;
	default:
		break;
	}
}

static void
facts_reason(struct cs_ap_facts *f, const char *prefix, const char *reason)
{
	size_t n = 0;

	if (reason == NULL)
		return;
	if (prefix != NULL) {
		n = strlen(prefix);
		if (n >= sizeof(f->reason))
			n = sizeof(f->reason) - 1;
		memcpy(f->reason, prefix, n);
	}
	for (const char *p = reason; *p != '\0' && n + 1 < sizeof(f->reason);
	     p++)
		f->reason[n++] = *p;
	f->reason[n] = '\0';
}

void
cs_facts_ap_event(struct cs_ap_facts *f, const struct cs_ap_event *ev)
{
	uint32_t rel;

	if (f == NULL || ev == NULL)
		return;
	if (ev->kind == CS_AP_EV_STATE && ev->from == CS_AP_RUN &&
	    ev->to == CS_AP_RESET && ev->reason != NULL &&
	    strcmp(ev->reason, CS_AP_REASON_AC_RESET) == 0) {
		/* the controller's Reset Request (RFC 5415 §9.2) */
		facts_new_life(f, ev->t_ms);
		f->flags |= CS_FACTS_F_LIVE;
		return;
	}
	rel = facts_rel(f, ev->t_ms);
	f->flags |= CS_FACTS_F_LIVE;
	switch (ev->kind) {
	case CS_AP_EV_STATE:
		if (ev->to == CS_AP_RUN) {
			facts_set_run(f, true, rel);
			f->prev_run_ac = f->run_ac;
			f->run_ac = ev->peer_ip;
		} else if (ev->to == CS_AP_DISCOVERY ||
		    (ev->to == CS_AP_DTLS_SETUP &&
		        !(f->flags & CS_FACTS_F_IN_HS)))
			/* also leaves Run; the ClientHello of this attempt
			 * may have been seen first (the engine reports the
			 * state after the send): the wire already started
			 * it, and the handshake must stay open */
			facts_new_attempt(f, rel);
		else if (ev->to == CS_AP_DTLS_SETUP)
			facts_set_run(f, false, rel);
		else if (ev->from == CS_AP_RUN)
			facts_set_run(f, false, rel);
		break;
	case CS_AP_EV_FAILURE:
		f->fail_phase = (unsigned)ev->phase < CS_PHASE__COUNT
		    ? (uint8_t)ev->phase
		    : CS_FACTS_NONE8;
		facts_reason(f, NULL, ev->reason);
		break;
	case CS_AP_EV_FAILOVER:
		if (f->failovers < UINT16_MAX)
			f->failovers++;
		f->fo_from = f->prev_run_ac;
		f->fo_to = ev->peer_ip;
		break;
	case CS_AP_EV_MSG_RECEIVED:
		if (ev->msg_type == CS_MSG_JOIN_RESP && ev->value != 0) {
			/* value carries the Result Code when non-zero */
			f->join_rc = ev->value;
			f->flags |= CS_FACTS_F_JOIN_RC;
		}
		break;
	default:
		break;
	}
}

void
cs_facts_dtls_fail(struct cs_ap_facts *f, int code, bool local, int alert,
    const char *reason, uint64_t now_ms)
{
	if (f == NULL)
		return;
	(void)facts_rel(f, now_ms);
	if (code <= CS_DTLS_FAIL_NONE || code >= CS_DTLS_FAIL__COUNT)
		code = CS_DTLS_FAIL_PROTOCOL;
	f->dtls_fail = (uint8_t)code;
	if (local)
		f->flags |= CS_FACTS_F_DTLS_LOCAL;
	else
		f->flags &= (uint16_t)~CS_FACTS_F_DTLS_LOCAL;
	if (alert >= 0 && alert <= 255) {
		if (local && f->alert_up_desc == CS_FACTS_NONE8)
			f->alert_up_desc = (uint8_t)alert;
		else if (!local && f->alert_down_desc == CS_FACTS_NONE8)
			f->alert_down_desc = (uint8_t)alert;
	}
	f->fail_phase = CS_PHASE_DTLS;
	facts_reason(f, "DTLS: ", reason);
}

void
cs_facts_nat(struct cs_ap_facts *f, uint32_t ext_ip, uint16_t ext_port)
{
	if (f == NULL)
		return;
	if (!(f->flags & CS_FACTS_F_NAT)) {
		f->flags |= CS_FACTS_F_NAT;
		f->nat_ip = ext_ip;
		f->nat_port = ext_port;
		f->nat_next = 1;
		return;
	}
	if (ext_ip == f->nat_ip &&
	    (ext_port == f->nat_port || ext_port == f->nat_port2))
		return;
	if (ext_ip == f->nat_ip && f->nat_port2 == 0) {
		f->nat_port2 = ext_port; /* the other channel's mapping */
		f->nat_next = 0;
		return;
	}
	/* a new mapping: replace the slot not refreshed last */
	inc16(&f->nat_changes);
	if (f->flags & CS_FACTS_F_IN_RUN)
		inc16(&f->nat_changes_run);
	if (ext_ip != f->nat_ip) {
		f->nat_ip = ext_ip;
		f->nat_port = ext_port;
		f->nat_port2 = 0;
		f->nat_next = 1;
	} else if (f->nat_next == 0) {
		f->nat_port = ext_port;
		f->nat_next = 1;
	} else {
		f->nat_port2 = ext_port;
		f->nat_next = 0;
	}
}

void
cs_facts_send_error(struct cs_ap_facts *f, int err, uint64_t now_ms)
{
	if (f == NULL)
		return;
	(void)facts_rel(f, now_ms);
	inc16(&f->send_err);
	if (err < 0)
		err = -err;
	f->send_errno = (int16_t)(err > INT16_MAX ? INT16_MAX : err);
}

void
cs_facts_wlc_side(struct cs_ap_facts *f, enum cs_dir dir, size_t len)
{
	if (f == NULL)
		return;
	if (dir == CS_DIR_UP)
		inc16(&f->wlc_rx[cs_facts_size_class(len)]);
	else if (dir == CS_DIR_DOWN)
		inc16(&f->wlc_tx[cs_facts_size_class(len)]);
}
