/* SPDX-License-Identifier: MIT */
/*
 * IEEE 802.11 frames as the CAPWAP data channel carries them in local
 * (split-MAC) mode: native frames with the T bit set, WBID 1, no FCS
 * (RFC 5415 §4.3, RFC 5416 §2, §4).  The management frames a station's
 * join needs (Authentication, (Re)Association Request/Response,
 * Disassociation, Deauthentication) with the IEs a real client sends, and
 * data frames with LLC/SNAP.  Pure: no I/O, no allocation; decoded frames
 * view the caller's buffer.  802.11 fields are little-endian (IEEE
 * 802.11-2020 §9.2.2), unlike CAPWAP.
 */
#ifndef CS_IEEE80211_H
#define CS_IEEE80211_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

struct cs_wr;

#define CS_DOT11_MAC_LEN   6
#define CS_DOT11_HDR_LEN   24 /* three-address header, §9.3.3.2 */
#define CS_DOT11_SSID_MAX  32 /* §9.4.2.2 */
#define CS_DOT11_RATES_MAX 32 /* Supported + Extended Supported Rates */
#define CS_DOT11_RSN_MAX   4  /* pairwise / AKM suites kept */
#define CS_DOT11_HT_LEN    26 /* HT Capabilities body, §9.4.2.55 */
#define CS_DOT11_VHT_LEN   12 /* VHT Capabilities body, §9.4.2.157 */
#define CS_DOT11_MAX_IES   64 /* IEs walked per frame */

/* Frame type, §9.2.4.1.3. */
enum cs_dot11_type {
	CS_DOT11_MGMT = 0,
	CS_DOT11_CTRL = 1,
	CS_DOT11_DATA = 2,
};

/* Management subtypes, §9.2.4.1.3 table 9-1. */
enum cs_dot11_mgmt {
	CS_DOT11_ASSOC_REQ = 0,
	CS_DOT11_ASSOC_RESP = 1,
	CS_DOT11_REASSOC_REQ = 2,
	CS_DOT11_REASSOC_RESP = 3,
	CS_DOT11_PROBE_REQ = 4,
	CS_DOT11_PROBE_RESP = 5,
	CS_DOT11_BEACON = 8,
	CS_DOT11_DISASSOC = 10,
	CS_DOT11_AUTH = 11,
	CS_DOT11_DEAUTH = 12,
	CS_DOT11_ACTION = 13,
};

/* Data subtypes capsim emits: Data (0) and QoS Data (8). */
#define CS_DOT11_SUB_DATA     0
#define CS_DOT11_SUB_QOS_DATA 8

/* Frame Control flags (second octet), §9.2.4.1. */
#define CS_DOT11_FC_TODS      0x01
#define CS_DOT11_FC_FROMDS    0x02
#define CS_DOT11_FC_MOREFRAG  0x04
#define CS_DOT11_FC_RETRY     0x08
#define CS_DOT11_FC_PWRMGT    0x10
#define CS_DOT11_FC_MOREDATA  0x20
#define CS_DOT11_FC_PROTECTED 0x40
#define CS_DOT11_FC_ORDER     0x80

/* Element IDs, §9.4.2 table 9-92. */
#define CS_DOT11_IE_SSID     0
#define CS_DOT11_IE_RATES    1
#define CS_DOT11_IE_HT_CAP   45
#define CS_DOT11_IE_RSN      48
#define CS_DOT11_IE_EXT_RATE 50
#define CS_DOT11_IE_VHT_CAP  191

/* Authentication algorithm numbers, §9.4.1.1. */
#define CS_DOT11_AUTH_OPEN 0
#define CS_DOT11_AUTH_SAE  3

/* Capability Information bits, §9.4.1.4. */
#define CS_DOT11_CAP_ESS      0x0001
#define CS_DOT11_CAP_PRIVACY  0x0010
#define CS_DOT11_CAP_SHORT_PR 0x0020
#define CS_DOT11_CAP_SHORT_ST 0x0400

/* Status codes (§9.4.1.9) and reason codes (§9.4.1.7) capsim uses. */
#define CS_DOT11_STATUS_SUCCESS       0
#define CS_DOT11_STATUS_UNSPECIFIED   1
#define CS_DOT11_STATUS_AP_FULL       17 /* too many associated STAs */
#define CS_DOT11_STATUS_BASIC_RATES   18
#define CS_DOT11_STATUS_INVALID_RSNE  72
#define CS_DOT11_REASON_UNSPECIFIED   1
#define CS_DOT11_REASON_PREV_AUTH     2 /* previous auth no longer valid */
#define CS_DOT11_REASON_LEAVING       3 /* deauth: STA is leaving */
#define CS_DOT11_REASON_INACTIVITY    4
#define CS_DOT11_REASON_AP_FULL       5
#define CS_DOT11_REASON_DISASSOC_LEAV 8 /* disassoc: STA is leaving */
#define CS_DOT11_REASON_4WAY_TIMEOUT  15

/* RSN suite selectors (OUI 00-0F-AC, §9.4.2.24.2/3) as 32-bit values. */
#define CS_DOT11_SUITE_CCMP  0x000fac04
#define CS_DOT11_SUITE_PSK   0x000fac02
#define CS_DOT11_SUITE_8021X 0x000fac01

/* RSN element (§9.4.2.24), the fields up to RSN Capabilities.  PMKIDs
 * and the group management cipher are not kept (clients capsim plays do
 * not send them; a decoded one with them is still accepted). */
struct cs_dot11_rsn {
	uint16_t version; /* 1 */
	uint32_t group;
	uint8_t n_pairwise, n_akm;
	uint32_t pairwise[CS_DOT11_RSN_MAX];
	uint32_t akm[CS_DOT11_RSN_MAX];
	bool has_caps;
	uint16_t caps;
};

/* The IEs of an Association/Reassociation Request or Response. */
struct cs_dot11_ies {
	bool has_ssid;
	uint8_t ssid_len;
	uint8_t ssid[CS_DOT11_SSID_MAX];
	uint8_t n_rates; /* Supported (first 8) then Extended Rates */
	uint8_t rates[CS_DOT11_RATES_MAX];
	bool has_rsn;
	struct cs_dot11_rsn rsn;
	const uint8_t *rsn_ie; /* decoded: the whole RSN IE (id, len, body)
	                          as sent, for the 4-way handshake; NULL when
	                          built */
	size_t rsn_ie_len;
	bool has_ht;
	uint8_t ht[CS_DOT11_HT_LEN];
	bool has_vht;
	uint8_t vht[CS_DOT11_VHT_LEN];
	unsigned n_unknown; /* IEs skipped (not re-encoded) */
};

/*
 * One 802.11 frame.  Value type: callers keep it on the stack.  Fields
 * are read-only after decode; `body` views the decoded buffer.  Which
 * body fields mean something depends on type/subtype:
 *   AUTH          auth_alg, auth_seq, status
 *   ASSOC_REQ     capability, listen_interval, ies
 *   REASSOC_REQ   capability, listen_interval, current_ap, ies
 *   (RE)ASSOC_RESP capability, status, aid, ies
 *   DISASSOC/DEAUTH reason
 *   DATA/QOS_DATA has_qos/qos, then LLC/SNAP ethertype and payload (a
 *                 protected frame keeps its body in payload, ethertype 0)
 */
struct cs_dot11_frame {
	uint8_t type, subtype;
	uint8_t flags; /* CS_DOT11_FC_* */
	uint16_t duration;
	uint8_t addr1[CS_DOT11_MAC_LEN]; /* receiver */
	uint8_t addr2[CS_DOT11_MAC_LEN]; /* transmitter */
	uint8_t addr3[CS_DOT11_MAC_LEN];
	bool has_addr4; /* ToDS and FromDS both set */
	uint8_t addr4[CS_DOT11_MAC_LEN];
	uint16_t seq; /* sequence number, 12 bits */
	uint8_t frag; /* fragment number, 4 bits */
	/* management bodies */
	uint16_t auth_alg, auth_seq, status;
	uint16_t capability, listen_interval, aid, reason;
	uint8_t current_ap[CS_DOT11_MAC_LEN];
	struct cs_dot11_ies ies;
	/* data bodies */
	bool has_qos;
	uint16_t qos;
	uint16_t ethertype;
	const uint8_t *payload;
	size_t payload_len;
};

/*
 * Decodes one frame (no FCS).  Returns 0 with *f filled, or a negative
 * errno with err (may be NULL) naming what and where, *f untouched:
 *   -EBADMSG         truncated header or body, protocol version not 0,
 *                    IE length beyond the frame, an IE too long for its
 *                    type (SSID > 32, HT/VHT not 26/12, RSN malformed),
 *                    a data frame that is not protected and has no
 *                    LLC/SNAP header
 *   -E2BIG           more than CS_DOT11_MAX_IES IEs or
 *                    CS_DOT11_RATES_MAX rates, RSN suite count above
 *                    CS_DOT11_RSN_MAX
 *   -EPROTONOSUPPORT control frames, management subtypes other than
 *                    those above, data subtypes other than (QoS) Data
 *   -EINVAL          NULL argument
 */
CS_API int cs_dot11_decode(struct cs_dot11_frame *f, const uint8_t *buf,
    size_t len, struct cs_err *err);

/*
 * Encodes *f: header, then the body for its subtype; IEs in the order
 * SSID, Supported Rates, Extended Supported Rates, RSN, HT, VHT.  Errors
 * go to wr->err and are returned: -EINVAL for a type/subtype the decoder
 * would refuse or a field out of range (ssid_len > 32, n_rates > 32,
 * suite counts > 4), -ENOBUFS from the writer.  decode(encode(f)) gives
 * back f's fields.
 */
CS_API int cs_dot11_encode(const struct cs_dot11_frame *f, struct cs_wr *wr);

/* Clears *f and fills the header of a management frame from sa to da
 * with BSSID bssid (any may be NULL: zero address). */
CS_API void cs_dot11_init_mgmt(struct cs_dot11_frame *f, uint8_t subtype,
    const uint8_t *da, const uint8_t *sa, const uint8_t *bssid);

/* Clears *f and fills a data frame.  to_ds: station to AP (addr1 BSSID,
 * addr2 SA, addr3 DA); otherwise from the AP to a station (addr1 DA,
 * addr2 BSSID, addr3 SA).  The payload is borrowed until encode. */
CS_API void cs_dot11_init_data(struct cs_dot11_frame *f, bool to_ds,
    const uint8_t *bssid, const uint8_t *sa, const uint8_t *da,
    uint16_t ethertype, const uint8_t *payload, size_t len);

/* Source and destination addresses of a data frame, whatever its DS
 * bits (§9.3.2.1 table 9-30).  NULL on a non-data frame. */
CS_API const uint8_t *cs_dot11_data_sa(const struct cs_dot11_frame *f);
CS_API const uint8_t *cs_dot11_data_da(const struct cs_dot11_frame *f);

/*
 * CAPWAP data channel carriage (RFC 5415 §4.3, RFC 5416 §2): a CAPWAP
 * header with T set (native 802.11), WBID 1, the Radio ID and, when
 * radio_mac is not NULL, the radio's MAC (M bit), then the frame.
 * Errors go to wr->err (-EINVAL rid > 31).
 */
CS_API void cs_dot11_capwap_wrap(struct cs_wr *wr, uint8_t rid,
    const uint8_t *radio_mac, const uint8_t *frame, size_t len);

/*
 * The 802.11 frame in a CAPWAP data datagram: 0 with *rid and a view of
 * the frame; -EPROTONOSUPPORT for a keep-alive, a fragment (reassemble
 * first), T clear (802.3) or another WBID; -EBADMSG a malformed header
 * (err set).
 */
CS_API int cs_dot11_capwap_unwrap(const uint8_t *pkt, size_t len, uint8_t *rid,
    const uint8_t **frame, size_t *frame_len, struct cs_err *err);

/* "Association Request" etc., for logs; "unknown" otherwise. */
CS_API const char *cs_dot11_subtype_name(uint8_t type, uint8_t subtype);
/* "success", "AP full" ... / "leaving", "inactivity" ...: short names of
 * the status and reason codes above, the number otherwise ("status 7"
 * written into buf). */
CS_API const char *cs_dot11_status_name(uint16_t status, char *buf, size_t cap);
CS_API const char *cs_dot11_reason_name(uint16_t reason, char *buf, size_t cap);

#endif /* CS_IEEE80211_H */
