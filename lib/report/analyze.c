/* SPDX-License-Identifier: MIT */
/*
 * Capture analysis: frames -> UDP datagrams (lib/wire/ipv4.c) -> CAPWAP
 * flows per AP.  APs are keyed by WTP identity, not by address (behind a
 * source NAT every AP shares one address, and over time its ports): the
 * Base MAC of the WTP Board Data (RFC 5415 §4.6.40) in the Discovery and
 * Join Requests, the Session ID (§4.6.37) of the Join Request and of the
 * data-channel keep-alives (§4.4.1).  Each (address, port) flow belongs
 * to the AP whose identity last came through it; a protected control flow
 * from a new port continues the DTLS record sequence (RFC 6347 §4.1) of
 * the AP that moved there (NAT rebinding).  Only when no identity is
 * visible is a flow given to the AP of its address (counted in
 * by_address when that address carries several APs).  A datagram to the
 * controller's control or data port (RFC 5415 §3.1: 5246/5247 unless told
 * otherwise) was sent by the AP (up); one from those ports was received by it
 * (down).  When both ports are CAPWAP ports (APs that bind 5246 themselves),
 * the controller is the address that answered a Discovery Request or received a
 * ClientHello. Each AP's datagrams feed lib/report's facts; each DTLS
 * association (AP address and port, controller address and port) gets a passive
 * decryptor (lib/dtls/dtls_decrypt.c) whose CAPWAP control plaintext
 * feeds cs_facts_control().  Retransmissions are counted the way the
 * protocols define them: the same handshake message (type, message_seq)
 * again within one DTLS session (RFC 6347 §4.2.4), the same control
 * request (type, sequence number) again (RFC 5415 §4.5.3), a Discovery
 * Request with the previous one unanswered (RFC 5415 §3.3).
 */
#include "capsim/analyze.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze-internal.h"
#include "capsim/capread.h"
#include "capsim/capwap.h"
#include "capsim/capwap_keepalive.h"
#include "capsim/cursor.h"
#include "capsim/dtls_decrypt.h"
#include "capsim/dtls_peek.h"
#include "capsim/ipv4.h"
#include "capsim/log.h"
#include "capsim/roles.h"

static const char *const phase_names[] = { "discovery", "discovery-response",
	"dtls-handshake", "dtls-established", "join", "joined", "configure",
	"data-check", "run" };

const char *
cs_an_phase_name(unsigned bit_index)
{
	return bit_index < CS_ARRAY_SIZE(phase_names) ? phase_names[bit_index]
	                                              : NULL;
}

int
cs_analyze_new(struct cs_analyze **ret, const struct cs_analyze_cfg *cfg)
{
	struct cs_analyze *a;

	if (ret == NULL)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return -ENOMEM;
	if (cfg != NULL)
		a->cfg = *cfg;
	if (a->cfg.wlc_port == 0)
		a->cfg.wlc_port = 5246;
	if (a->cfg.wlc_data_port == 0)
		a->cfg.wlc_data_port = (uint16_t)(a->cfg.wlc_port + 1);
	if (cs_keylog_new(&a->keys) < 0 ||
	    cs_ip4_reasm_new(&a->reasm, NULL) < 0) {
		cs_keylog_free(a->keys);
		free(a);
		return -ENOMEM;
	}
	*ret = a;
	return 0;
}

void
cs_analyze_free(struct cs_analyze *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->n_aps; i++) {
		struct flow *f = a->aps[i]->flows;

		while (f != NULL) {
			struct flow *nx = f->next;

			cs_dtls_dec_free(f->dec);
			free(f);
			f = nx;
		}
		for (unsigned k = 0; k < a->aps[i]->n_pend; k++)
			free(a->aps[i]->pend[k].b);
		free(a->aps[i]);
	}
	free(a->aps);
	free(a->key);
	free(a->val);
	cs_keylog_free(a->keys);
	cs_ip4_reasm_free(a->reasm);
	free(a);
}

int
cs_analyze_keylog(
    struct cs_analyze *a, const char *text, size_t len, struct cs_err *err)
{
	int r;

	if (a == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	r = cs_keylog_add_text(a->keys, text, len, err);
	if (r > 0)
		a->st.keylog_lines += (uint64_t)r;
	return r;
}

static struct flow *
flow_get(struct cs_analyze *a, struct ap *ap, uint16_t ap_port, uint32_t wlc_ip,
    uint16_t wlc_port, enum cs_chan ch)
{
	struct flow *f;

	for (f = ap->flows; f != NULL; f = f->next)
		if (f->ap_port == ap_port && f->wlc_ip == wlc_ip &&
		    f->wlc_port == wlc_port)
			return f;
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return NULL;
	if (cs_dtls_dec_new(&f->dec, a->keys) < 0) {
		free(f);
		return NULL;
	}
	f->ap_ip = ap->pub.ap_ip;
	f->ap_port = ap_port;
	f->wlc_ip = wlc_ip;
	f->wlc_port = wlc_port;
	f->ch = ch;
	f->next = ap->flows;
	ap->flows = f;
	return f;
}

static bool
is_wlc(const struct cs_analyze *a, uint32_t ip)
{
	for (unsigned i = 0; i < a->n_wlc; i++)
		if (a->wlc[i] == ip)
			return true;
	return false;
}

static void
learn_wlc(struct cs_analyze *a, uint32_t ip)
{
	if (ip == UINT32_MAX || (ip >> 28) == 0xe || is_wlc(a, ip))
		return;
	if (a->n_wlc < MAX_WLC_ADDRS)
		a->wlc[a->n_wlc++] = ip;
}

/* Message type and sequence number of a clear CAPWAP control message. */
bool
ctl_type(
    const uint8_t *p, size_t len, uint32_t *type, uint8_t *seq, bool *fragment)
{
	struct cs_rd rd;
	struct cs_capwap_hdr h;
	struct cs_ctl_hdr c;

	cs_rd_init(&rd, p, len);
	if (cs_capwap_hdr_decode(&rd, &h, NULL) < 0)
		return false;
	*fragment = h.is_fragment;
	if (h.is_fragment && h.frag_off != 0)
		return false;
	if (cs_ctl_hdr_decode(&rd, &c, NULL) < 0)
		return false;
	*type = c.type;
	*seq = c.seq;
	return true;
}

/* Same (type, seq) request again from the same side: a retransmission. */
static void
ctl_retrans(struct cs_analyze_ap *pub, bool *set, uint32_t *ltype,
    uint8_t *lseq, enum cs_dir dir, const uint8_t *p, size_t len)
{
	uint32_t type;
	uint8_t seq;
	bool frag = false;

	if (!ctl_type(p, len, &type, &seq, &frag) ||
	    !cs_msg_type_is_request(type))
		return;
	if (set[dir] && ltype[dir] == type && lseq[dir] == seq)
		pub->retrans_ctrl++;
	set[dir] = true;
	ltype[dir] = type;
	lseq[dir] = seq;
}

/* RFC 5415 middlebox detection: the Join Request's CAPWAP Local IPv4
 * Address against the address the packet came from. */
static void
join_local_ip(struct ap *ap, const struct flow *f, const uint8_t *p, size_t len)
{
	struct cs_msg *m;
	struct cs_el_local_ipv4 l;
	const struct cs_elem *e;
	int r;

	if (len < 16 || (m = malloc(sizeof(*m))) == NULL)
		return;
	r = cs_msg_decode(m, p, len, CS_MSG_F_CISCO, NULL);
	e = r == 0 && m->ctl.type == CS_MSG_JOIN_REQ
	    ? cs_msg_find(m, CS_EL_LOCAL_IPV4, 0)
	    : NULL;
	r = e != NULL ? cs_el_get_local_ipv4(e, &l, NULL) : -ENOENT;
	free(m);
	if (r != 0)
		return;
	ap->pub.local_ip = l.addr;
	if (l.addr != ap->pub.ap_ip && !(ap->pub.facts.flags & CS_FACTS_F_NAT))
		ap_nat(ap, ap->pub.ap_ip, f->ap_port);
}

/* A Join Request decrypted on a flow: the flow belongs to the AP it
 * names (WTP Board Data), and its Session ID names the AP's data-channel
 * keep-alives. */
static void
join_identity(struct cs_analyze *a, struct ap *ap, const struct flow *f,
    const uint8_t *p, size_t len)
{
	uint8_t mac[8], sid[16], mac_len = 0;
	bool has_sid = false;
	uint32_t ctl_type_v;
	uint8_t seq;
	bool frag;
	uint64_t id;
	uint32_t v;

	if (!ctl_type(p, len, &ctl_type_v, &seq, &frag) ||
	    ctl_type_v != CS_MSG_JOIN_REQ)
		return;
	id = wtp_identity(p, len, mac, &mac_len, &has_sid, sid);
	if (id != 0 && ap->board_id == 0 && key_get(a, K_BOARD | id) == 0)
		(void)ap_identify(
		    a, ap, id, mac, mac_len, f->ap_ip, f->ap_port);
	if (id != 0 && ap->board_id != id)
		a->st.identity_conflicts++;
	v = id != 0 && ap->board_id != id ? key_get(a, K_BOARD | id)
	                                  : ap_index(a, ap);
	if (v != 0)
		(void)key_put(
		    a, K_FLOW | (uint64_t)f->ap_ip << 16 | f->ap_port, v);
	if (has_sid && v != 0) {
		(void)key_put(a, sid_key(sid), v);
		if (a->aps[v - 1] == ap) {
			memcpy(ap->sid, sid, 16);
			ap->has_sid = true;
		}
	}
}

static void
on_plain(void *ctx, bool from_client, uint8_t content_type, uint16_t epoch,
    uint64_t seq, const uint8_t *plain, size_t len)
{
	struct cs_analyze *a = ctx;
	struct ap *ap = a->cur_ap;
	struct flow *f = a->cur_flow;
	enum cs_dir dir = from_client ? CS_DIR_UP : CS_DIR_DOWN;

	(void)epoch;
	(void)seq;
	if (content_type != CS_DTLS_CT_APPLICATION_DATA)
		return;
	if (f->ch == CS_CHAN_DATA) {
		uint8_t sid[16];
		uint32_t v;

		/* a keep-alive's Session ID names the AP of this data flow
		 * from now on (RFC 5415 §4.4.1) */
		if (cs_keepalive_is(plain, len) &&
		    cs_keepalive_decode(
		        plain, len, CS_KEEPALIVE_F_LENIENT, sid, NULL) == 0 &&
		    (v = key_get(a, sid_key(sid))) != 0)
			(void)key_put(a,
			    K_FLOW | (uint64_t)f->ap_ip << 16 | f->ap_port, v);
		/* the data channel's plaintext is a CAPWAP data packet:
		 * keep-alives count as on a clear data channel */
		cs_facts_wire(
		    &ap->pub.facts, dir, CS_CHAN_DATA, plain, len, a->cur_ms);
		return;
	}
	ap->pub.ctrl_msgs++;
	if (from_client) {
		join_local_ip(ap, f, plain, len);
		join_identity(a, ap, f, plain, len);
	}
	ctl_retrans(&ap->pub, f->ctl_last_set, f->ctl_last_type,
	    f->ctl_last_seq, dir, plain, len);
	cs_facts_control(&ap->pub.facts, dir, plain, len, a->cur_ms);
}

/* Handshake retransmissions and new sessions, from the clear records. */
enum hs_verdict
hs_track(struct ap *ap, struct flow *f, enum cs_dir dir, const uint8_t *p,
    size_t len)
{
	struct cs_dtls_peek pk;
	enum hs_verdict v = HS_NONE;

	if (cs_dtls_peek_capwap(p, len, &pk, NULL) < 0)
		return HS_NONE;
	for (unsigned i = 0; i < pk.n_hs; i++) {
		const struct cs_dtls_hs_msg *m = &pk.hs[i];
		struct cs_rd rd;
		uint8_t rnd[32];

		if (dir == CS_DIR_DOWN && pk.rec[m->record].epoch == 0 &&
		    m->msg_type == CS_DTLS_HS_CERTIFICATE && m->frag_offset > 0)
			f->cert_tail = true;
		if (pk.rec[m->record].epoch != 0 || m->frag_offset != 0 ||
		    m->msg_type >= 25)
			continue;
		if (m->msg_type == CS_DTLS_HS_CLIENT_HELLO) {
			cs_rd_init(&rd, p + m->offset, len - m->offset);
			if (cs_rd_skip(&rd, CS_DTLS_HS_HDR_LEN + 2) == 0 &&
			    cs_rd_bytes(&rd, rnd, 32) == 0 &&
			    (!f->have_cr || memcmp(rnd, f->cr, 32) != 0)) {
				if (f->have_cr)
					v = HS_NEW_SESSION;
				memcpy(f->cr, rnd, 32);
				f->have_cr = true;
				memset(f->hs_seen, 0, sizeof(f->hs_seen));
				f->cert_tail = false;
				ap->pub.dtls_sessions++;
			}
		}
		if (m->message_seq < 32) {
			uint32_t bit = 1u << m->message_seq;

			if (f->hs_seen[dir][m->msg_type] & bit) {
				ap->pub.retrans_dtls++;
				if (v == HS_NONE || v == HS_PROGRESS)
					v = HS_REPEAT;
			} else if (v == HS_NONE) {
				v = HS_PROGRESS;
			}
			f->hs_seen[dir][m->msg_type] |= bit;
		}
	}
	return v;
}

/* ---- answers held until the AP reacts ------------------------------
 * A capture taken at the controller (or anywhere before the loss) shows
 * answers that never reached the AP.  The AP's next datagram tells: a
 * repeat of its request (same Discovery Request again, same handshake
 * message_seq again, a new ClientHello random) means the answer was lost
 * after the capture point; anything new means it arrived.  Only then are
 * the answers fed to the facts, so the diagnosis reads the capture in the
 * AP's terms wherever it was taken (at the AP side nothing changes: a
 * lost answer is not in the capture at all).
 */

/* Clear CAPWAP on the control channel: discovery bookkeeping. */
static void
clear_track(struct cs_analyze *a, struct ap *ap, enum cs_dir dir,
    uint32_t wlc_ip, const uint8_t *p, size_t len)
{
	uint32_t type;
	uint8_t seq;
	bool frag = false;

	if (!ctl_type(p, len, &type, &seq, &frag))
		return;
	if (dir == CS_DIR_UP &&
	    (type == CS_MSG_DISCOVERY_REQ ||
	        type == CS_MSG_PRIMARY_DISCOVERY_REQ)) {
		if (ap->disc_pending)
			ap->pub.retrans_disc++;
		ap->disc_pending = true;
	} else if (dir == CS_DIR_DOWN &&
	    (type == CS_MSG_DISCOVERY_RESP ||
	        type == CS_MSG_PRIMARY_DISCOVERY_RESP)) {
		/* disc_pending clears when the answer is known to have
		 * reached the AP (pend_feed) */
		learn_wlc(a, wlc_ip);
	} else {
		ctl_retrans(&ap->pub, ap->ctl_last_set, ap->ctl_last_type,
		    ap->ctl_last_seq, dir, p, len);
	}
}

/* Whether a datagram is clearly AP-initiated (Discovery Request or a
 * ClientHello), for flows where both ports are CAPWAP ports. */
static bool
ap_initiated(const uint8_t *p, size_t len)
{
	uint8_t pre;
	uint32_t type;
	uint8_t seq;
	bool frag;

	if (cs_capwap_preamble_peek(p, len, &pre) != 0)
		return false;
	if (pre == CS_PREAMBLE_DTLS)
		return cs_dtls_classify_dgram(p, len, true) ==
		    CS_DTLS_KIND_CLIENT_HELLO;
	return ctl_type(p, len, &type, &seq, &frag) &&
	    (type == CS_MSG_DISCOVERY_REQ ||
	        type == CS_MSG_PRIMARY_DISCOVERY_REQ);
}

static void note_port(struct cs_analyze *a, uint16_t port);

int
cs_analyze_udp(struct cs_analyze *a, uint64_t t_us, uint32_t src,
    uint16_t sport, uint32_t dst, uint16_t dport, const uint8_t *payload,
    size_t len)
{
	uint16_t cp, dp;
	bool s_capwap, d_capwap;
	enum cs_dir dir;
	enum cs_chan ch;
	uint32_t ap_ip, wlc_ip;
	uint16_t ap_port, wlc_port;
	struct ap *ap;
	struct flow *f = NULL;
	uint8_t pre = 0;
	uint64_t ms = t_us / 1000;
	bool is_capwap, is_dtls, held = false, rebind = false;
	enum hs_verdict hv = HS_NONE;
	int r;

	if (a == NULL || (payload == NULL && len > 0))
		return -EINVAL;
	cp = a->cfg.wlc_port;
	dp = a->cfg.wlc_data_port;
	s_capwap = sport == cp || sport == dp;
	d_capwap = dport == cp || dport == dp;
	if (!s_capwap && !d_capwap) {
		a->st.not_capwap++;
		note_port(a, sport < dport ? sport : dport);
		return 0;
	}
	if (s_capwap && d_capwap) {
		if (is_wlc(a, src))
			dir = CS_DIR_DOWN;
		else if (is_wlc(a, dst))
			dir = CS_DIR_UP;
		else
			dir = ap_initiated(payload, len) ? CS_DIR_UP
			                                 : CS_DIR_DOWN;
	} else {
		dir = d_capwap ? CS_DIR_UP : CS_DIR_DOWN;
	}
	if (dir == CS_DIR_UP) {
		ap_ip = src;
		ap_port = sport;
		wlc_ip = dst;
		wlc_port = dport;
	} else {
		ap_ip = dst;
		ap_port = dport;
		wlc_ip = src;
		wlc_port = sport;
	}
	ch = wlc_port == dp && dp != cp ? CS_CHAN_DATA : CS_CHAN_CONTROL;
	ap = ap_find(a, ap_ip, ap_port, dir, ch, payload, len, t_us);
	if (ap == NULL)
		return -ENOMEM;
	a->st.capwap++;
	if (a->cfg.on_dgram != NULL &&
	    (r = a->cfg.on_dgram(a->cfg.dgram_ctx, ap_index(a, ap) - 1u, dir,
	         ch, wlc_ip, t_us, payload, len)) < 0)
		return r;
	if (dir == CS_DIR_UP)
		ap_ports(ap, ch, ap_ip, ap_port);
	if (t_us > ap->pub.last_us)
		ap->pub.last_us = t_us;
	if (dir == CS_DIR_UP) {
		ap->pub.pkts_up++;
		ap->pub.bytes_up += len;
	} else {
		ap->pub.pkts_down++;
		ap->pub.bytes_down += len;
	}
	if (wlc_ip != UINT32_MAX && (wlc_ip >> 28) != 0xe)
		ap->pub.wlc_ip = wlc_ip;
	is_capwap = cs_capwap_preamble_peek(payload, len, &pre) == 0;
	is_dtls = is_capwap && pre == CS_PREAMBLE_DTLS;
	if (is_dtls) {
		rebind = flow_rebind(
		    ap, dir, ch, ap_port, wlc_ip, wlc_port, payload, len);
		f = flow_get(a, ap, ap_port, wlc_ip, wlc_port, ch);
		if (f == NULL)
			return -ENOMEM;
		hv = hs_track(ap, f, dir, payload, len);
	}
	if (!ap->finished && !a->cfg.at_ap &&
	    (r = answers_track(ap, f, dir, ch, is_capwap, is_dtls, hv, wlc_ip,
	         wlc_port, ap_port, ms, payload, len, &held)) < 0)
		return r;
	/* the controller sent it (whether it reached the AP is what the
	 * held answers decide): with ap_rx it shows which sizes are lost */
	if (dir == CS_DIR_DOWN) {
		cs_facts_wlc_side(&ap->pub.facts, CS_DIR_DOWN, len);
		ap->pub.facts.wlc_side_by_flight = 1;
	}
	if (!held)
		cs_facts_wire_peer(&ap->pub.facts, dir, ch, wlc_ip, wlc_port,
		    payload, len, ms);
	if (!is_capwap)
		return 0;
	if (!is_dtls) {
		if (ch == CS_CHAN_CONTROL)
			clear_track(a, ap, dir, wlc_ip, payload, len);
		return 0;
	}
	if (dir == CS_DIR_UP &&
	    cs_dtls_classify_dgram(payload, len, true) ==
	        CS_DTLS_KIND_CLIENT_HELLO)
		learn_wlc(a, wlc_ip);
	/* Protected control traffic from a new AP port without a new
	 * handshake: a NAT gave the AP another mapping (rebinding). */
	if (rebind) {
		ap->pub.port_changes++;
		if (!(ap->pub.facts.flags & CS_FACTS_F_NAT))
			ap_nat(ap, ap_ip, ap->ctl_port);
		cs_facts_nat(&ap->pub.facts, ap_ip, ap_port);
	}
	if (dir == CS_DIR_UP && ch == CS_CHAN_CONTROL) {
		ap->ctl_port = ap_port;
		ap->has_up_seq =
		    first_record(payload, len, &ap->up_epoch, &ap->up_seq);
	}
	a->cur_ap = ap;
	a->cur_flow = f;
	a->cur_ms = ms;
	(void)cs_dtls_dec_input(
	    f->dec, dir == CS_DIR_UP, payload, len, true, on_plain, a, NULL);
	return 0;
}

/* A copy of the frame with its IPv4 header checksum made right (RFC
 * 1071): captures on the sending host carry whatever the NIC will fill
 * in (checksum offload).  NULL when the frame has no IPv4 header. */
static uint8_t *
fix_ip_cksum(const struct cs_cap_rec *rec)
{
	const uint8_t *ip;
	size_t ip_len, at, ihl;
	uint32_t sum = 0;
	uint8_t *copy;

	if (cs_link_ipv4(rec->linktype, rec->data, rec->cap_len, &ip, &ip_len,
	        NULL) != 0 ||
	    ip_len < 20)
		return NULL;
	ihl = (size_t)(ip[0] & 0x0fu) * 4u;
	if (ihl < 20 || ihl > ip_len)
		return NULL;
	at = (size_t)(ip - rec->data);
	copy = malloc(rec->cap_len);
	if (copy == NULL)
		return NULL;
	memcpy(copy, rec->data, rec->cap_len);
	copy[at + 10] = 0;
	copy[at + 11] = 0;
	for (size_t i = 0; i + 1 < ihl; i += 2)
		sum += (uint32_t)(copy[at + i] << 8 | copy[at + i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	sum = ~sum & 0xffffu;
	copy[at + 10] = (uint8_t)(sum >> 8);
	copy[at + 11] = (uint8_t)sum;
	return copy;
}

/* Counts the UDP ports of datagrams that are not CAPWAP, to say what a
 * capture without CAPWAP holds instead. */
static void
note_port(struct cs_analyze *a, uint16_t port)
{
	for (unsigned i = 0; i < CS_AN_PORTS; i++) {
		if (a->st.other_ports[i].port == port) {
			a->st.other_ports[i].count++;
			return;
		}
		if (a->st.other_ports[i].port == 0) {
			a->st.other_ports[i].port = port;
			a->st.other_ports[i].count = 1;
			return;
		}
	}
}

static int
take_frame(struct cs_analyze *a, const struct cs_cap_rec *rec)
{
	struct cs_udp4_dgram d;
	struct cs_err err = { 0 };
	uint8_t *fixed = NULL;
	int r;

	a->st.records++;
	if (a->st.first_us == 0 || rec->ts_us < a->st.first_us)
		a->st.first_us = rec->ts_us;
	if (rec->ts_us > a->st.last_us)
		a->st.last_us = rec->ts_us;
	r = cs_udp4_from_frame(a->reasm, rec->linktype, rec->data, rec->cap_len,
	    rec->ts_us / 1000, &d, &err);
	if (r == -EBADMSG && err.what != NULL &&
	    strcmp(err.what, "IPv4 header checksum wrong") == 0 &&
	    (fixed = fix_ip_cksum(rec)) != NULL) {
		a->st.bad_ip_cksum++;
		memset(&err, 0, sizeof(err));
		r = cs_udp4_from_frame(a->reasm, rec->linktype, fixed,
		    rec->cap_len, rec->ts_us / 1000, &d, &err);
	}
	if (fixed != NULL) {
		int rr = r > 0 ? cs_analyze_udp(a, rec->ts_us, d.src, d.sport,
		                     d.dst, d.dport, d.payload, d.len)
		               : 0;

		free(fixed);
		if (r > 0)
			return rr;
	}
	if (r == -EPROTONOSUPPORT) {
		if (err.what != NULL && strstr(err.what, "UDP") != NULL)
			a->st.not_udp++;
		else
			a->st.not_ipv4++;
		return 0;
	}
	if (r == -EBADMSG) {
		if (rec->cap_len < rec->orig_len)
			a->st.truncated++;
		else
			a->st.malformed++;
		cs_logf(a->cfg.log, CS_LOG_INFO,
		    "packet at file offset %zu: %s (byte %zu of the frame)",
		    rec->offset, err.what != NULL ? err.what : "malformed",
		    err.offset);
		return 0;
	}
	if (r < 0)
		return r;
	if (r == 0)
		return 0;
	return cs_analyze_udp(
	    a, rec->ts_us, d.src, d.sport, d.dst, d.dport, d.payload, d.len);
}

static void
sync_reasm_stats(struct cs_analyze *a)
{
	struct cs_ip4_reasm_stats rs;

	cs_ip4_reasm_stats(a->reasm, &rs);
	a->st.fragments = rs.fragments;
	a->st.reassembled = rs.reassembled;
	a->st.frag_timeouts = rs.timed_out;
	a->st.frag_dropped = rs.evicted + rs.overlaps;
}

int
cs_analyze_capture(
    struct cs_analyze *a, const uint8_t *buf, size_t len, struct cs_err *err)
{
	struct cs_capread cr;
	struct cs_cap_rec rec;
	int r;

	if (a == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	r = cs_capread_init(&cr, buf, len, err);
	if (r < 0)
		return r;
	while ((r = cs_capread_next(&cr, &rec, err)) == 1) {
		if (rec.kind == CS_CAP_SECRETS) {
			struct cs_err kerr = { 0 };

			a->st.secrets++;
			if (rec.secrets_type != CS_PCAPNG_SECRETS_TLS)
				continue;
			if (cs_analyze_keylog(a, (const char *)rec.secrets,
			        rec.secrets_len, &kerr) < 0)
				cs_logf(a->cfg.log, CS_LOG_WARN,
				    "Decryption Secrets Block at file offset "
				    "%zu: %s (byte %zu of the secrets)",
				    rec.offset, kerr.what, kerr.offset);
			continue;
		}
		r = take_frame(a, &rec);
		if (r < 0)
			break;
	}
	if (cr.end_us > a->st.last_us)
		a->st.last_us = cr.end_us;
	sync_reasm_stats(a);
	return r < 0 ? r : 0;
}

static const char *
stopped_name(unsigned phases)
{
	const char *s = "";

	for (unsigned i = 0; i < CS_ARRAY_SIZE(phase_names); i++)
		if (phases & (1u << i))
			s = phase_names[i];
	return s;
}

/* The AP refused the controller's certificate (bad_certificate, which
 * OpenSSL sends for "not yet valid", or certificate_expired; RFC 5246
 * §7.2.2) although the certificate was valid at the capture's time: the
 * AP's clock is off.  The side of the validity window the capture time is
 * nearer to gives the sign of the estimate. */
static void
clock_check(struct ap *ap)
{
	struct cs_ap_facts *f = &ap->pub.facts;
	int64_t nb, na, now = (int64_t)(ap->pub.last_us / 1000000u);

	/* a capture with relative timestamps (before 2000) has no clock to
	 * compare with */
	if ((f->flags & CS_FACTS_F_SKEW) || now < 946684800 ||
	    (f->alert_up_desc != 42 && f->alert_up_desc != 45))
		return;
	for (const struct flow *fl = ap->flows; fl != NULL; fl = fl->next) {
		if (fl->ch != CS_CHAN_CONTROL ||
		    cs_dtls_dec_server_cert_validity(fl->dec, &nb, &na) < 0 ||
		    now < nb || now > na)
			continue;
		ap->pub.cert_not_before = nb;
		ap->pub.cert_not_after = na;
		cs_facts_clock_skew(
		    f, now - nb < na - now ? nb - now - 1 : na - now + 1);
		return;
	}
}

static void
finish_ap(struct ap *ap, const struct cs_diag_ctx *ctx)
{
	struct cs_analyze_ap *p = &ap->pub;
	const struct cs_ap_facts *f = &p->facts;
	unsigned ph = 0;

	clock_check(ap);
	/* Answers still pending at the end: lost when the AP has been losing
	 * them all along, else (capture cut right after them) taken. */
	if (!ap->finished) {
		pend_settle(ap, true, ap->lossy, 0, 0);
		pend_settle(ap, false, ap->lossy, 0, 0);
		ap->finished = true;
	}

	if (f->disc_req > 0)
		ph |= CS_AN_DISCOVERY;
	if (f->disc_resp > 0)
		ph |= CS_AN_DISC_RESP;
	if (f->ch > 0)
		ph |= CS_AN_DTLS;
	if (f->hs_done > 0 || (f->app_up > 0 && f->app_down > 0))
		ph |= CS_AN_DTLS_DONE;
	if (f->join_req > 0)
		ph |= CS_AN_JOIN;
	if (f->join_resp > 0 && (f->flags & CS_FACTS_F_JOIN_RC) &&
	    (f->join_rc == CS_RC_SUCCESS || f->join_rc == CS_RC_SUCCESS_NAT))
		ph |= CS_AN_JOINED;
	if (f->cfg_req > 0 || f->cs_req > 0)
		ph |= CS_AN_CONFIGURE;
	if (f->ka_up > 0)
		ph |= CS_AN_DATA;
	if (f->runs > 0 || f->echo_req > 0 || (f->flags & CS_FACTS_F_IN_RUN))
		ph |= CS_AN_RUN;
	p->phases_seen = ph;
	p->stopped = stopped_name(ph);
	p->dec_records = p->dec_ok = p->dec_failed = p->dec_nokey = 0;
	for (const struct flow *fl = ap->flows; fl != NULL; fl = fl->next) {
		struct cs_dtls_dec_stats st;

		cs_dtls_dec_stats(fl->dec, &st);
		p->dec_records += st.records;
		p->dec_ok += st.decrypted;
		p->dec_failed += st.failed;
		p->dec_nokey += st.undecryptable;
		if (fl->ch == CS_CHAN_CONTROL &&
		    st.state != CS_DTLS_DEC_CLEAR) {
			p->suite = st.suite;
			p->version = st.version;
			p->dec_state = cs_dtls_dec_state_name(st.state);
		}
	}
	p->code = cs_diagnose_ap(f, ctx, p->verdict, sizeof(p->verdict));
}

int
cs_analyze_finish(struct cs_analyze *a, struct cs_diagnosis *out)
{
	const struct cs_ap_facts **v;
	struct cs_diag_ctx ctx;
	int r;

	if (a == NULL || out == NULL)
		return -EINVAL;
	memset(&ctx, 0, sizeof(ctx));
	sync_reasm_stats(a);
	v = calloc(a->n_aps + 1, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < a->n_aps; i++) {
		struct ap *ap = a->aps[i];

		if (ap->pub.has_identity)
			ap->pub.wtps = key_get(a, K_NADDR | ap->pub.ap_ip);
		finish_ap(ap, &ctx);
		v[i] = &ap->pub.facts;
	}
	r = cs_diagnose(v, a->n_aps, &ctx, out);
	free(v);
	return r;
}

size_t
cs_analyze_n_aps(const struct cs_analyze *a)
{
	return a == NULL ? 0 : a->n_aps;
}

const struct cs_analyze_ap *
cs_analyze_ap_get(const struct cs_analyze *a, size_t i)
{
	return a == NULL || i >= a->n_aps ? NULL : &a->aps[i]->pub;
}

uint64_t
cs_analyze_ap_identity(const struct cs_analyze *a, size_t i)
{
	return a == NULL || i >= a->n_aps ? 0 : a->aps[i]->board_id;
}

int
cs_analyze_set_wlc_side(struct cs_analyze *a, size_t i,
    const uint16_t wlc_rx[CS_FACTS_SIZE_CLASSES],
    const uint16_t wlc_tx[CS_FACTS_SIZE_CLASSES])
{
	struct cs_ap_facts *f;

	if (a == NULL || i >= a->n_aps || wlc_rx == NULL || wlc_tx == NULL)
		return -EINVAL;
	f = &a->aps[i]->pub.facts;
	memcpy(f->wlc_rx, wlc_rx, sizeof(f->wlc_rx));
	memcpy(f->wlc_tx, wlc_tx, sizeof(f->wlc_tx));
	f->wlc_side_by_flight = 0; /* known per datagram */
	a->aps[i]->pub.has_wlc_side = true;
	return 0;
}

void
cs_analyze_get_stats(const struct cs_analyze *a, struct cs_analyze_stats *out)
{
	if (out == NULL)
		return;
	if (a == NULL) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = a->st;
	out->aps_identified = 0;
	for (size_t i = 0; i < a->n_aps; i++)
		out->aps_identified += a->aps[i]->pub.has_identity;
	/* most seen first (a handful of entries: insertion sort) */
	for (unsigned i = 1; i < CS_AN_PORTS; i++)
		for (unsigned k = i; k > 0 &&
		     out->other_ports[k].count > out->other_ports[k - 1].count;
		     k--) {
			uint16_t p = out->other_ports[k].port;
			uint64_t c = out->other_ports[k].count;

			out->other_ports[k] = out->other_ports[k - 1];
			out->other_ports[k - 1].port = p;
			out->other_ports[k - 1].count = c;
		}
}
