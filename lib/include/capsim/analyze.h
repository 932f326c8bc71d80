/* SPDX-License-Identifier: MIT */
/*
 * `capsim analyze`: the join diagnosis from a capture taken in the field.
 * Frames become UDP datagrams (lib/wire/ipv4.c), datagrams to or from the
 * controller's CAPWAP ports (RFC 5415 §3.1: control 5246, data 5247) are
 * grouped per AP address, each AP's datagrams feed the diagnosis facts in
 * the AP's terms (up = sent by the AP), DTLS associations are decrypted
 * when a key log is known (lib/dtls/dtls_decrypt.c) and their CAPWAP
 * control messages feed the facts too; cs_analyze_finish() runs
 * cs_diagnose() (lib/include/capsim/diagnose.h) over every AP.
 */
#ifndef CS_ANALYZE_H
#define CS_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/diagnose.h"

struct cs_log;
struct cs_analyze;

#define CS_AN_PORTS 8 /* other UDP ports remembered */

/* Called for every CAPWAP datagram taken, with the index of the AP it
 * was given to (cs_analyze_ap_get) and the controller's address in this
 * capture (host order); @p dir UP = sent by the AP.  Returns 0, or a
 * negative errno that stops the analysis (-ENOMEM). */
typedef int cs_analyze_dgram_fn(void *ctx, size_t ap, enum cs_dir dir,
    enum cs_chan ch, uint32_t wlc_ip, uint64_t t_us, const uint8_t *payload,
    size_t len);

struct cs_analyze_cfg {
	uint16_t wlc_port;             /* controller control port; 0 = 5246 */
	uint16_t wlc_data_port;        /* 0 = wlc_port + 1 */
	const struct cs_log *log;      /* borrowed; may be NULL */
	cs_analyze_dgram_fn *on_dgram; /* may be NULL (analyze_peer.h) */
	void *dgram_ctx;
	/* the capture is known to be taken at the APs' side (beside a
	 * controller-side one, or the run's own tee): every datagram in it
	 * reached its end, so answers are taken as they come instead of
	 * being held until the AP shows whether it got them */
	bool at_ap;
};

/* Phases seen for one AP (bits of phases_seen). */
enum cs_an_phase {
	CS_AN_DISCOVERY = 1u << 0, /* Discovery Request seen */
	CS_AN_DISC_RESP = 1u << 1, /* Discovery Response seen */
	CS_AN_DTLS = 1u << 2,      /* ClientHello seen */
	CS_AN_DTLS_DONE = 1u << 3, /* both ChangeCipherSpecs / app data */
	CS_AN_JOIN = 1u << 4,      /* Join Request (decrypted) */
	CS_AN_JOINED = 1u << 5,    /* Join Response */
	CS_AN_CONFIGURE = 1u << 6, /* Configuration Status Request */
	CS_AN_DATA = 1u << 7,      /* data channel keep-alive */
	CS_AN_RUN = 1u << 8,       /* Echo / Run traffic */
};

/* Names of the bits above, in order ("discovery", ...); NULL past end. */
CS_API const char *cs_an_phase_name(unsigned bit_index);

struct cs_analyze_ap {
	uint32_t ap_ip;             /* host order */
	uint32_t wlc_ip;            /* the controller address it talked to most
	                               recently (0 if only broadcast) */
	uint64_t first_us, last_us; /* capture time */
	uint64_t pkts_up, pkts_down, bytes_up, bytes_down;
	unsigned phases_seen; /* CS_AN_* */
	/* retransmissions (same message again, per RFC 6347 §4.2.4 and
	 * RFC 5415 §4.5.3) */
	unsigned retrans_disc; /* Discovery Requests beyond the first in a
	                          row without answer */
	unsigned retrans_dtls; /* handshake messages (type, message_seq)
	                          sent again, both directions */
	unsigned retrans_ctrl; /* control requests (type, seq) sent again */
	/* controller answers (Discovery Response, DTLS server flights) the AP
	 * never acted on: it repeated its request instead, so they were lost
	 * after the capture point (a capture taken at the controller) */
	unsigned unacked_down;
	uint32_t local_ip; /* CAPWAP Local IPv4 Address of its Join Request
	                      (RFC 5415 §4.6.11), 0 if not seen; differing
	                      from ap_ip means a NAT */
	/* the controller certificate's validity when the AP refused it
	 * although the capture time lies inside (its clock is off: the
	 * facts then carry an estimated skew), else 0 */
	int64_t cert_not_before, cert_not_after;
	unsigned port_changes; /* control source port changed without a new
	                          DTLS handshake (NAT rebinding) */
	unsigned wtps; /* APs with a WTP identity seen at this address (> 1:
	                  several APs behind a NAT, each counted) */
	/* keyed by WTP identity (Board Data in a Discovery or Join Request)
	 * rather than by address alone */
	bool has_identity;
	uint8_t base_mac[8];  /* WTP Board Data Base MAC (RFC 5415 §4.6.40) */
	uint8_t base_mac_len; /* 6 or 8; 0 when not seen */
	/* decryption */
	unsigned dtls_sessions; /* distinct ClientHello randoms */
	uint64_t dec_records, dec_ok, dec_failed, dec_nokey;
	uint16_t suite, version; /* of the last session */
	const char *dec_state;   /* cs_dtls_dec_state_name of the last */
	uint64_t ctrl_msgs;      /* decrypted control messages */
	struct cs_ap_facts facts;
	bool has_wlc_side;      /* facts.wlc_* from a capture at the controller
	                           (cs_analyze_set_wlc_side) */
	enum cs_diag_code code; /* cs_diagnose_ap() */
	char verdict[160];      /* its one-line explanation */
	const char *stopped;    /* last phase reached (cs_an_phase_name),
	                           "" when nothing */
};

struct cs_analyze_stats {
	uint64_t records;      /* packets read */
	uint64_t secrets;      /* Decryption Secrets Blocks */
	uint64_t keylog_lines; /* CLIENT_RANDOM lines taken */
	uint64_t not_ipv4;     /* other link/network protocols */
	uint64_t not_udp;
	uint64_t not_capwap; /* UDP on other ports */
	uint64_t malformed;  /* bad link/IP/UDP headers */
	uint64_t truncated;  /* cut by the snaplen */
	uint64_t fragments, reassembled, frag_timeouts, frag_dropped;
	uint64_t capwap; /* datagrams taken */
	/* the capture's span: first and last packet time, the last pushed
	 * on by the end a pcapng recorded (ISB isb_endtime); 0 none */
	uint64_t first_us, last_us;
	uint64_t bad_ip_cksum; /* IPv4 header checksum wrong (checksum
	                          offload at the capture point): taken */
	/* AP keying: flows given to an AP by a guess (by address alone
	 * although several identified APs share it; a rebinding whose DTLS
	 * record sequence continues several APs alike and whose keys are
	 * not known), and Join Requests naming another AP than their
	 * flow's */
	uint64_t ap_guessed, identity_conflicts;
	size_t aps_identified; /* APs keyed by WTP identity */
	/* UDP ports of the datagrams that were not CAPWAP (the lower of
	 * source and destination port), most seen first once finished;
	 * port 0 = unused slot */
	struct {
		uint16_t port;
		uint64_t count;
	} other_ports[CS_AN_PORTS];
};

/** @return 0 with *ret set; -ENOMEM; -EINVAL. */
CS_API int cs_analyze_new(
    struct cs_analyze **ret, const struct cs_analyze_cfg *cfg);
CS_API void cs_analyze_free(struct cs_analyze *a);

/** Key log text (SSLKEYLOGFILE); see cs_keylog_add_text(). */
CS_API int cs_analyze_keylog(
    struct cs_analyze *a, const char *text, size_t len, struct cs_err *err);

/**
 * Reads a whole capture held in memory (pcap or pcapng; DSBs add keys).
 * On a read error, everything before it has been analysed.
 * @return 0; -EBADMSG / -E2BIG read error (err->offset = file offset),
 *         -ENOMEM.
 */
CS_API int cs_analyze_capture(
    struct cs_analyze *a, const uint8_t *buf, size_t len, struct cs_err *err);

/** One UDP datagram (for tests and live use): addresses in host order,
 * @p t_us capture time.  Datagrams not on the CAPWAP ports are counted
 * and ignored.  @return 0, -ENOMEM. */
CS_API int cs_analyze_udp(struct cs_analyze *a, uint64_t t_us, uint32_t src,
    uint16_t sport, uint32_t dst, uint16_t dport, const uint8_t *payload,
    size_t len);

/**
 * Classifies every AP (fills code/verdict/stopped) and the aggregate.
 * May be called more than once.  @return 0, -ENOMEM (out untouched).
 * Free @p out with cs_diagnosis_free().
 */
CS_API int cs_analyze_finish(struct cs_analyze *a, struct cs_diagnosis *out);

CS_API size_t cs_analyze_n_aps(const struct cs_analyze *a);
/** APs in order of first appearance; NULL past the end. */
CS_API const struct cs_analyze_ap *cs_analyze_ap_get(
    const struct cs_analyze *a, size_t i);
/** AP @p i's WTP identity (a hash of its Board Data Base MAC, RFC 5415
 * §4.6.40, else of the whole element), the same in every capture of it;
 * 0 when none was seen. */
CS_API uint64_t cs_analyze_ap_identity(const struct cs_analyze *a, size_t i);

/**
 * Replaces AP @p i's controller-side counts (facts wlc_rx / wlc_tx, by
 * size class) with what was established datagram by datagram (a capture
 * at the controller matched with this one: lib/report/analyze_peer.c).
 * Call before cs_analyze_finish().  @return 0, -EINVAL.
 */
CS_API int cs_analyze_set_wlc_side(struct cs_analyze *a, size_t i,
    const uint16_t wlc_rx[CS_FACTS_SIZE_CLASSES],
    const uint16_t wlc_tx[CS_FACTS_SIZE_CLASSES]);

CS_API void cs_analyze_get_stats(
    const struct cs_analyze *a, struct cs_analyze_stats *out);

#endif /* CS_ANALYZE_H */
