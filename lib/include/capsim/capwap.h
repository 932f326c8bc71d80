/* SPDX-License-Identifier: MIT */
/*
 * CAPWAP control-message codec (RFC 5415 §4, RFC 5416): preamble, CAPWAP
 * and DTLS headers, the control header, the message-element TLV walk with
 * one table of element rules (the numbers and names are in
 * capsim/capwap_types.h), a message builder, and typed encoders and
 * decoders for the elements the AP join path uses.  Pure: bytes in, bytes
 * out, no allocation; decoded messages are views into the caller's buffer.
 */
#ifndef CS_CAPWAP_H
#define CS_CAPWAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/capwap_types.h"
#include "capsim/common.h"

struct cs_rd;
struct cs_wr;

/* ---------------------------------------------------------------------
 * Constants
 */

#define CS_CAPWAP_CONTROL_PORT 5246 /* RFC 5415 §3.1 */
#define CS_CAPWAP_DATA_PORT    5247 /* RFC 5415 §3.1 */
/* Largest (reassembled) control message we handle; RFC 5415 §4 requires at
 * least 4096. */
#define CS_CAPWAP_MAX_MSG 8192
#define CS_MAX_ELEMS      128 /* element TLVs per message (STYLE G7) */
#define CS_MAX_SUBELEMS   16  /* sub-elements kept per typed element */
#define CS_MAX_AC_IPV4    16  /* addresses kept from an AC IPv4 List */
#define CS_WBID_IEEE80211 1   /* RFC 5415 §4.3, RFC 5416 §2.1 */
/* Cisco's vendor identifier in CAPWAP (0x00409600), not its IANA PEN 9. */
#define CS_CISCO_VENDOR_ID 4232704u
/* IANA enterprise number of the IEEE 802.11 binding (RFC 5416 §3). */
#define CS_IEEE80211_ENTERPRISE 13277u

/* Sizes on the wire. */
#define CS_CAPWAP_HDR_MIN   8        /* HLEN 2, RFC 5415 §4.3 */
#define CS_CAPWAP_HDR_MAX   (31 * 4) /* HLEN is 5 bits of 4-byte words */
#define CS_CAPWAP_DTLS_HDR  4        /* RFC 5415 §4.2 */
#define CS_CTL_HDR_LEN      8        /* RFC 5415 §4.5.1 */
#define CS_ELEM_HDR_LEN     4        /* type u16 + length u16, RFC 5415 §4.6 */
#define CS_CTL_ELEM_LEN_ADJ 3        /* Msg Element Length counts seq..flags */

/* Decode flags (cs_msg_decode, cs_msg_missing, typed getters that take
 * flags). */
#define CS_MSG_F_CISCO                                                         \
	0x1u /* accept Cisco / draft-7/8 forms (element 42/43,                 \
	      * draft WTP Descriptor, Cisco mandatory sets) */

/* ---------------------------------------------------------------------
 * Preamble and CAPWAP DTLS header (RFC 5415 §4.1, §4.2)
 */

enum cs_preamble_type {
	CS_PREAMBLE_CAPWAP = 0, /* CAPWAP header follows */
	CS_PREAMBLE_DTLS = 1,   /* CAPWAP DTLS header follows */
};

/*
 * Looks at the first byte of a datagram.  Returns 0 and sets *type to a
 * cs_preamble_type; -EBADMSG when len is 0, the version nibble is not 0 or
 * the type nibble is neither 0 nor 1 (*type untouched).
 */
CS_API int cs_capwap_preamble_peek(const uint8_t *p, size_t len, uint8_t *type);

/* Writes the 4-byte CAPWAP DTLS header 01 00 00 00. */
CS_API void cs_capwap_dtls_hdr_put(struct cs_wr *wr);

/*
 * Consumes the CAPWAP DTLS header: preamble version 0, type 1, 24 reserved
 * bits zero.  0 on success; -EBADMSG (cursor untouched) otherwise.
 */
CS_API int cs_capwap_dtls_hdr_get(struct cs_rd *rd, struct cs_err *err);

/* ---------------------------------------------------------------------
 * CAPWAP header (RFC 5415 §4.3)
 */

struct cs_capwap_hdr {
	uint8_t hlen;   /* header length in 4-byte words; set by decode, ignored
	                 * (computed) by encode */
	uint8_t rid;    /* Radio ID, 5 bits */
	uint8_t wbid;   /* Wireless Binding ID, 5 bits (1 = IEEE 802.11) */
	bool is_native; /* T: native frame format of the WBID */
	bool is_fragment;   /* F */
	bool is_last;       /* L: last fragment (meaningful with F) */
	bool has_wsi;       /* W: Wireless Specific Information present */
	bool has_radio_mac; /* M: Radio MAC Address present */
	bool is_keepalive;  /* K: data channel Keep-Alive */
	uint8_t flags;      /* the 3 reserved flag bits (kept, not checked) */
	uint16_t frag_id;
	uint16_t frag_off;     /* in units of 8 octets, 13 bits */
	uint8_t radio_mac_len; /* 6 (EUI-48) or 8 (EUI-64) when M */
	uint8_t radio_mac[8];
	uint8_t wsi_len; /* when W */
	uint8_t wsi[255];
};

/* Radio ID 0, WBID 1 (IEEE 802.11), every other field zero/false; `rid`
 * is stored as given (callers pass 0..31). */
CS_API void cs_capwap_hdr_init(struct cs_capwap_hdr *h, uint8_t rid);

/*
 * Decodes the CAPWAP header starting at the preamble byte (type must be 0)
 * and consumes exactly HLEN * 4 bytes.  Checks: version 0, HLEN >= 2,
 * HLEN * 4 within the cursor, radio MAC length 6 or 8, optional fields
 * inside HLEN, padding bytes zero, fragment-offset reserved bits ignored.
 * 0 on success (*h filled); -EBADMSG with *err set, cursor and *h
 * untouched, on failure.
 */
CS_API int cs_capwap_hdr_decode(
    struct cs_rd *rd, struct cs_capwap_hdr *h, struct cs_err *err);

/*
 * Encodes *h (preamble 0), computing HLEN from the optional fields and
 * zero-padding each to a 4-byte boundary.  Errors go to wr->err:
 * -EINVAL for rid/wbid > 31, frag_off > 8191 or a radio MAC length other
 * than 6/8, -EMSGSIZE when the fields need more than 31 words.
 */
CS_API void cs_capwap_hdr_encode(
    struct cs_wr *wr, const struct cs_capwap_hdr *h);

/* Bytes cs_capwap_hdr_encode would write for *h (a multiple of 4; may
 * exceed CS_CAPWAP_HDR_MAX, which encode then rejects). */
CS_API size_t cs_capwap_hdr_len(const struct cs_capwap_hdr *h);

/* ---------------------------------------------------------------------
 * Control header (RFC 5415 §4.5.1); the message types are in
 * capsim/capwap_types.h
 */

struct cs_ctl_hdr { /* RFC 5415 §4.5.1 */
	uint32_t type;
	uint8_t seq;
	uint16_t elem_len; /* as on the wire: element bytes + 3 */
	uint8_t flags;     /* MUST be 0 */
};

/* Reads the 8-byte control header (bounds only; semantic checks are in
 * cs_msg_decode).  0, or -EBADMSG with cursor and *c untouched. */
CS_API int cs_ctl_hdr_decode(
    struct cs_rd *rd, struct cs_ctl_hdr *c, struct cs_err *err);
/* Writes the control header exactly as given. */
CS_API void cs_ctl_hdr_encode(struct cs_wr *wr, const struct cs_ctl_hdr *c);

/* ---------------------------------------------------------------------
 * Decoded message: views into the caller's buffer (STYLE G6)
 */

struct cs_elem {
	uint16_t type;
	uint16_t len;       /* value length */
	const uint8_t *val; /* value bytes (len of them) */
	size_t off;         /* offset of the TLV (type field) in the buffer */
};

struct cs_msg {
	struct cs_capwap_hdr hdr;
	struct cs_ctl_hdr ctl;
	unsigned n_elems;
	struct cs_elem elems[CS_MAX_ELEMS];
	/* Elements not in the table (or Cisco-only without CS_MSG_F_CISCO) or
	 * not allowed in this message type; they stay in elems[].  RFC 5415
	 * §4.5.1.5: reply Result Code 21.  For a message type cs_msg_bit()
	 * does not know, only elements missing from the table count. */
	unsigned n_unknown;
	uint16_t first_unknown; /* type of the first one; 0 when none */
};

/*
 * Decodes one complete, unfragmented (or reassembled) control message
 * starting at the preamble (type 0).  flags: CS_MSG_F_*.
 *
 * Checks: len <= CS_CAPWAP_MAX_MSG (-EMSGSIZE); the CAPWAP header (F bit
 * set -> -EBADMSG "fragment: reassemble first"); the control header; the
 * control flags are 0; elem_len >= 3 and elem_len - 3 bytes follow
 * (bytes beyond -> -EBADMSG "trailing bytes after message elements");
 * the TLV walk: each element fits, at most CS_MAX_ELEMS (-E2BIG), each
 * length within the table's min/max for its type (-EBADMSG).
 *
 * Returns 0 with *m filled; a negative errno with *err set and *m
 * untouched.  The element views point into buf.
 */
CS_API int cs_msg_decode(struct cs_msg *m, const uint8_t *buf, size_t len,
    unsigned flags, struct cs_err *err);

/*
 * Checks the mandatory elements of RFC 5415 §5-§10 / RFC 5416 §3, §5 for
 * m->ctl.type (RFC 5416 §5.7: Configuration Status Request also needs
 * the 802.11 Radio Information; WTP Event Request needs one of its listed
 * elements; Data Transfer Request one of Mode/Data).  Returns 1 with *type set
 * to the first missing element (for "one of" sets: the first alternative), 0
 * when complete (or the message type has no rule).  With CS_MSG_F_CISCO the
 * Cisco forms are accepted: Join Request needs one of 30/50/42/43 and no ECN
 * Support (53); Join Response needs neither ECN Support nor a Local IPv4/IPv6
 * Address. Returns -EINVAL for NULL m.
 */
CS_API int cs_msg_missing(
    const struct cs_msg *m, unsigned flags, uint16_t *type);

/* The idx-th (0-based) element of `type`, or NULL. */
CS_API const struct cs_elem *cs_msg_find(
    const struct cs_msg *m, uint16_t type, unsigned idx);
/* Number of elements of `type`. */
CS_API unsigned cs_msg_count(const struct cs_msg *m, uint16_t type);

/*
 * Re-encodes a decoded (or hand-built) message: header (HLEN recomputed),
 * control header (elem_len recomputed from the elements), then each
 * element TLV from its view.  Returns wr->err (0 on success).  For a
 * canonical input b: encode(decode(b)) == b.
 */
CS_API int cs_msg_encode(const struct cs_msg *m, struct cs_wr *wr);

/* ---------------------------------------------------------------------
 * Message builder
 */

struct cs_msgb {
	struct cs_wr *wr;
	size_t start;  /* offset of the preamble */
	size_t len_at; /* offset of the Msg Element Length field */
};

/* Writes the CAPWAP header and a control header with a placeholder
 * length; then add elements with cs_el_put*(b->wr, ...). */
CS_API void cs_msgb_begin(struct cs_msgb *b, struct cs_wr *wr,
    const struct cs_capwap_hdr *hdr, uint32_t type, uint8_t seq);

/* Patches Msg Element Length (element bytes + 3).  Returns wr->err:
 * 0, -ENOBUFS, -EMSGSIZE (over 65535), -EINVAL ... */
CS_API int cs_msgb_end(struct cs_msgb *b);

/* Generic TLV.  -EMSGSIZE in wr->err when len > 65535. */
CS_API void cs_el_put(
    struct cs_wr *wr, uint16_t type, const void *val, size_t len);

/* ---------------------------------------------------------------------
 * Typed elements.  For each: struct cs_el_<name>,
 *   void cs_el_put_<name>(struct cs_wr *wr, const struct cs_el_<name> *v)
 *     writes the whole TLV; invalid field values -> wr->err = -EINVAL;
 *   int cs_el_get_<name>(const struct cs_elem *e, struct cs_el_<name> *v,
 *                        struct cs_err *err)
 *     decodes from the view: -EINVAL when e->type is not the element's
 *     type, -EBADMSG on truncation, lying inner lengths or leftover bytes
 *     in fixed layouts, -E2BIG over a CS_MAX_* cap; *v written only on
 *     success; err->offset is absolute in the original buffer (e->off
 *     based).  Views in *v point into the same buffer as e->val.
 * Multi-byte values are in host order; IPv4 addresses are uint32_t in host
 * byte order (10.0.0.1 == 0x0a000001).
 */

struct cs_str { /* UTF-8, not NUL-terminated */
	const char *s;
	size_t len;
};

/* AC Descriptor (1), RFC 5415 §4.6.1 */
#define CS_ACD_SEC_S        0x04 /* pre-shared secret */
#define CS_ACD_SEC_X        0x02 /* X.509 */
#define CS_ACD_RMAC_YES     1
#define CS_ACD_RMAC_NO      2
#define CS_ACD_DTLS_D       0x04 /* DTLS-enabled data channel */
#define CS_ACD_DTLS_C       0x02 /* clear-text data channel */
#define CS_ACD_INFO_HW      4    /* AC Information type: hardware version */
#define CS_ACD_INFO_SW      5    /* software version */
#define CS_SUBELEM_MAX_DATA 1024 /* RFC 5415 §4.6.1/§4.6.40/§4.6.41 */
struct cs_ac_info {
	uint32_t vendor;
	uint16_t type;
	uint16_t len;
	const uint8_t *data;
};
struct cs_el_ac_descriptor {
	uint16_t stations, limit, active_wtps, max_wtps;
	uint8_t security, rmac, reserved, dtls_policy;
	unsigned n_info;
	struct cs_ac_info info[CS_MAX_SUBELEMS];
};

/* AC IPv4 List (2), §4.6.2 */
struct cs_el_ac_ipv4_list {
	unsigned n;
	uint32_t addr[CS_MAX_AC_IPV4];
};

/* AC Name (4), §4.6.4: 1..512 bytes */
struct cs_el_ac_name {
	struct cs_str name;
};

/* AC Name with Priority (5), §4.6.5 */
struct cs_el_ac_name_prio {
	uint8_t priority; /* 1 = primary, 2 = secondary, ... */
	struct cs_str name;
};

/* AC Timestamp (6), §4.6.6: NTP seconds */
struct cs_el_ac_timestamp {
	uint32_t timestamp;
};

/* CAPWAP Control IPv4 Address (10), §4.6.9 */
struct cs_el_ctrl_ipv4 {
	uint32_t addr;
	uint16_t wtp_count;
};

/* CAPWAP Control IPv6 Address (11), §4.6.10 */
struct cs_el_ctrl_ipv6 {
	uint8_t addr[16];
	uint16_t wtp_count;
};

/* CAPWAP Timers (12), §4.6.13: seconds */
struct cs_el_timers {
	uint8_t discovery;
	uint8_t echo_request;
};

/* Data Transfer Data (13), §4.6.15 */
#define CS_DT_TYPE_DATA  1
#define CS_DT_TYPE_EOF   2
#define CS_DT_TYPE_ERROR 5
#define CS_DT_MODE_CRASH 1
#define CS_DT_MODE_DUMP  2
struct cs_el_data_transfer_data {
	uint8_t data_type;
	uint8_t data_mode;
	uint16_t len; /* Data Length, must equal the bytes that follow */
	const uint8_t *data;
};

/* Data Transfer Mode (14), §4.6.16 */
struct cs_el_data_transfer_mode {
	uint8_t mode; /* CS_DT_MODE_* */
};

/* Decryption Error Report Period (16), §4.6.18 */
struct cs_el_decrypt_err_period {
	uint8_t radio_id;
	uint16_t report_interval; /* seconds */
};

/* Discovery Type (20), §4.6.21 */
#define CS_DISC_UNKNOWN     0
#define CS_DISC_STATIC      1
#define CS_DISC_DHCP        2
#define CS_DISC_DNS         3
#define CS_DISC_AC_REFERRAL 4
struct cs_el_discovery_type {
	uint8_t type;
};

/* Idle Timeout (23), §4.6.24: seconds */
struct cs_el_idle_timeout {
	uint32_t timeout;
};

/* Image Data (24), §4.6.26 */
#define CS_IMG_DATA     1
#define CS_IMG_EOF      2
#define CS_IMG_ERROR    5
#define CS_IMG_MAX_DATA 1024
struct cs_el_image_data {
	uint8_t data_type; /* CS_IMG_* */
	const uint8_t *data;
	size_t len; /* <= CS_IMG_MAX_DATA */
};

/* Image Identifier (25), §4.6.27 */
struct cs_el_image_id {
	uint32_t vendor;
	const uint8_t *data;
	size_t len; /* 1..1024 */
};

/* Image Information (26), §4.6.28 */
struct cs_el_image_info {
	uint32_t file_size;
	uint8_t hash[16]; /* MD5 */
};

/* Initiate Download (27), §4.6.29: empty */
struct cs_el_initiate_download {
	uint8_t unused; /* no fields; present so the API shape is uniform */
};

/* Location Data (28), §4.6.30: 1..1024 bytes */
struct cs_el_location {
	struct cs_str location;
};

/* Maximum Message Length (29), §4.6.31 */
struct cs_el_max_msg_len {
	uint16_t max_len;
};

/* CAPWAP Local IPv4 Address (30), §4.6.11 */
struct cs_el_local_ipv4 {
	uint32_t addr;
};

/* CAPWAP Local IPv6 Address (50), §4.6.12 */
struct cs_el_local_ipv6 {
	uint8_t addr[16];
};

/* Radio Administrative State (31), §4.6.33 */
#define CS_RADIO_ALL      0xff /* radio_id for the whole WTP */
#define CS_ADMIN_ENABLED  1
#define CS_ADMIN_DISABLED 2
struct cs_el_radio_admin_state {
	uint8_t radio_id;
	uint8_t admin_state;
};

/* Radio Operational State (32), §4.6.34.  Cisco/draft-7 inverts state
 * (1 disables, 2 enables); values are passed through unchanged. */
#define CS_OPER_ENABLED        1
#define CS_OPER_DISABLED       2
#define CS_OPER_CAUSE_NORMAL   0
#define CS_OPER_CAUSE_RADIO    1
#define CS_OPER_CAUSE_SOFTWARE 2
#define CS_OPER_CAUSE_ADMIN    3
struct cs_el_radio_oper_state {
	uint8_t radio_id;
	uint8_t state;
	uint8_t cause;
};

/* Result Code (33), §4.6.35 */
struct cs_el_result_code {
	uint32_t code; /* enum cs_result_code */
};

/* Returned Message Element (34), §4.6.36 */
#define CS_RET_UNKNOWN_ELEM      1
#define CS_RET_UNSUPPORTED_ELEM  2
#define CS_RET_UNKNOWN_VALUE     3
#define CS_RET_UNSUPPORTED_VALUE 4
struct cs_el_returned_elem {
	uint8_t reason;
	uint8_t len;         /* bytes of the returned element (4..255) */
	const uint8_t *elem; /* the returned TLV as received */
};

/* Session ID (35), §4.6.37 */
struct cs_el_session_id {
	uint8_t id[16];
};

/* Statistics Timer (36), §4.6.38: seconds */
struct cs_el_stats_timer {
	uint16_t interval;
};

/* Vendor Specific Payload (37), §4.6.39 */
#define CS_VSP_MAX_DATA 2048
struct cs_el_vendor_payload {
	uint32_t vendor;
	uint16_t element_id;
	const uint8_t *data;
	size_t len; /* 1..2048 */
};

/* WTP Board Data (38), §4.6.40 */
#define CS_BOARD_MODEL    0
#define CS_BOARD_SERIAL   1
#define CS_BOARD_ID       2
#define CS_BOARD_REVISION 3
#define CS_BOARD_BASE_MAC 4
struct cs_board_sub {
	uint16_t type;
	uint16_t len; /* <= 1024 */
	const uint8_t *data;
};
struct cs_el_board_data {
	uint32_t vendor; /* MUST NOT be 0 */
	unsigned n_sub;
	struct cs_board_sub sub[CS_MAX_SUBELEMS];
};
/* First sub-element of `type`, or NULL. */
CS_API const struct cs_board_sub *cs_board_data_find(
    const struct cs_el_board_data *v, uint16_t type);
/* Model / serial number as strings: 0, or -ENOENT (*out untouched). */
CS_API int cs_board_data_model(
    const struct cs_el_board_data *v, struct cs_str *out);
CS_API int cs_board_data_serial(
    const struct cs_el_board_data *v, struct cs_str *out);
/* Base MAC (6 or 8 bytes): returns its length and copies it to mac[];
 * -ENOENT when absent, -EBADMSG when its length is not 6 or 8. */
CS_API int cs_board_data_base_mac(
    const struct cs_el_board_data *v, uint8_t mac[8]);

/* WTP Descriptor (39), §4.6.41; draft-7 §4.6.39 form for Cisco */
#define CS_WTPD_HW_VERSION    0
#define CS_WTPD_SW_VERSION    1
#define CS_WTPD_BOOT_VERSION  2
#define CS_WTPD_OTHER_VERSION 3
struct cs_wtpd_encrypt {
	uint8_t wbid;  /* 5 bits; the 3 bits above are reserved (zero) */
	uint16_t caps; /* Encryption Capabilities */
};
struct cs_wtpd_sub {
	uint32_t vendor;
	uint16_t type;
	uint16_t len; /* <= 1024 */
	const uint8_t *data;
};
struct cs_el_wtp_descriptor {
	uint8_t max_radios;
	uint8_t radios_in_use;
	bool is_cisco_form; /* draft form: one u16 caps, no Num Encrypt */
	unsigned n_encrypt; /* RFC form: 1..CS_MAX_SUBELEMS */
	struct cs_wtpd_encrypt encrypt[CS_MAX_SUBELEMS];
	uint16_t cisco_encrypt_caps; /* draft form */
	unsigned n_sub;
	struct cs_wtpd_sub sub[CS_MAX_SUBELEMS];
};
/* Put writes the form selected by v->is_cisco_form.  get: RFC form only;
 * get_cisco: draft form only; get_auto: with CS_MSG_F_CISCO the draft form
 * first, then the RFC form; without it the RFC form only. */
CS_API int cs_el_get_wtp_descriptor_cisco(const struct cs_elem *e,
    struct cs_el_wtp_descriptor *v, struct cs_err *err);
CS_API int cs_el_get_wtp_descriptor_auto(const struct cs_elem *e,
    unsigned flags, struct cs_el_wtp_descriptor *v, struct cs_err *err);

/* WTP Fallback (40), §4.6.42 */
struct cs_el_wtp_fallback {
	uint8_t mode; /* 1 enabled, 2 disabled */
};

/* WTP Frame Tunnel Mode (41), §4.6.43 */
#define CS_FTM_NATIVE 0x08
#define CS_FTM_8023   0x04
#define CS_FTM_LOCAL  0x02
struct cs_el_frame_tunnel_mode {
	uint8_t mode;
};

/* WTP MAC Type (44), §4.6.44 */
#define CS_MAC_LOCAL 0
#define CS_MAC_SPLIT 1
#define CS_MAC_BOTH  2
struct cs_el_mac_type {
	uint8_t type;
};

/* WTP Name (45), §4.6.45: 1..512 bytes */
struct cs_el_wtp_name {
	struct cs_str name;
};

/* WTP Reboot Statistics (48), §4.6.47 */
struct cs_el_reboot_stats {
	uint16_t reboot_count, ac_initiated_count, link_failure_count;
	uint16_t sw_failure_count, hw_failure_count, other_failure_count;
	uint16_t unknown_failure_count;
	uint8_t last_failure_type;
};

/* CAPWAP Transport Protocol (51), §4.6.14 */
#define CS_TRANSPORT_UDPLITE 1
#define CS_TRANSPORT_UDP     2
struct cs_el_transport_proto {
	uint8_t proto;
};

/* MTU Discovery Padding (52), §4.6.32: len bytes of 0xFF */
struct cs_el_mtu_padding {
	size_t len;
};

/* ECN Support (53), §4.6.25 */
#define CS_ECN_LIMITED 0
#define CS_ECN_FULL    1
struct cs_el_ecn_support {
	uint8_t ecn;
};

/* IEEE 802.11 WTP Radio Information (1048), RFC 5416 §6.25 */
#define CS_RADIO_TYPE_B 0x01
#define CS_RADIO_TYPE_A 0x02
#define CS_RADIO_TYPE_G 0x04
#define CS_RADIO_TYPE_N 0x08
struct cs_el_radio_info {
	uint8_t radio_id; /* 1..31 */
	uint32_t radio_type;
};

/* Cisco / draft-7 WTP IPv4 IP Address (42), draft-07 §4.6.42 */
struct cs_el_cisco_wtp_ipv4 {
	uint32_t addr;
};

#define CS_EL_DECLARE(name)                                                    \
	CS_API void cs_el_put_##name(                                          \
	    struct cs_wr *wr, const struct cs_el_##name *v);                   \
	CS_API int cs_el_get_##name(const struct cs_elem *e,                   \
	    struct cs_el_##name *v, struct cs_err *err)

CS_EL_DECLARE(ac_descriptor);
CS_EL_DECLARE(ac_ipv4_list);
CS_EL_DECLARE(ac_name);
CS_EL_DECLARE(ac_name_prio);
CS_EL_DECLARE(ac_timestamp);
CS_EL_DECLARE(ctrl_ipv4);
CS_EL_DECLARE(ctrl_ipv6);
CS_EL_DECLARE(timers);
CS_EL_DECLARE(data_transfer_data);
CS_EL_DECLARE(data_transfer_mode);
CS_EL_DECLARE(decrypt_err_period);
CS_EL_DECLARE(discovery_type);
CS_EL_DECLARE(idle_timeout);
CS_EL_DECLARE(image_data);
CS_EL_DECLARE(image_id);
CS_EL_DECLARE(image_info);
CS_EL_DECLARE(initiate_download);
CS_EL_DECLARE(location);
CS_EL_DECLARE(max_msg_len);
CS_EL_DECLARE(local_ipv4);
CS_EL_DECLARE(local_ipv6);
CS_EL_DECLARE(radio_admin_state);
CS_EL_DECLARE(radio_oper_state);
CS_EL_DECLARE(result_code);
CS_EL_DECLARE(returned_elem);
CS_EL_DECLARE(session_id);
CS_EL_DECLARE(stats_timer);
CS_EL_DECLARE(vendor_payload);
CS_EL_DECLARE(board_data);
CS_EL_DECLARE(wtp_descriptor);
CS_EL_DECLARE(wtp_fallback);
CS_EL_DECLARE(frame_tunnel_mode);
CS_EL_DECLARE(mac_type);
CS_EL_DECLARE(wtp_name);
CS_EL_DECLARE(reboot_stats);
CS_EL_DECLARE(transport_proto);
CS_EL_DECLARE(mtu_padding);
CS_EL_DECLARE(ecn_support);
CS_EL_DECLARE(radio_info);
CS_EL_DECLARE(cisco_wtp_ipv4);

/* ---------------------------------------------------------------------
 * Elements of the Run state (RFC 5415 §4.6.17-§4.6.48, RFC 5416 §6.16),
 * lib/wire/capwap_elems_run.c.  Same contract as the typed elements
 * above.
 */

#define CS_EL_MAX_MACS 32 /* MACs kept from a Decryption Error Report */

/* Decryption Error Report (15), §4.6.17: one MAC length for all entries */
struct cs_el_decrypt_err_report {
	uint8_t radio_id; /* 1..31 */
	uint8_t n;        /* Num Of Entries, 1..CS_EL_MAX_MACS */
	uint8_t mac_len;  /* 6 (EUI-48) or 8 (EUI-64) */
	uint8_t mac[CS_EL_MAX_MACS][8];
};

/* Delete Station (18), §4.6.20 */
struct cs_el_delete_station {
	uint8_t radio_id; /* 1..31 */
	uint8_t mac_len;  /* 6 or 8 */
	uint8_t mac[8];
};

/* Duplicate IPv4 Address (21), §4.6.22 */
#define CS_DUP_CLEARED  0
#define CS_DUP_DETECTED 1
struct cs_el_duplicate_ipv4 {
	uint32_t addr;   /* the WTP's own address */
	uint8_t status;  /* CS_DUP_*: 1 detected, 0 cleared */
	uint8_t mac_len; /* 6 or 8 */
	uint8_t mac[8];  /* the offending device */
};

/* WTP Radio Statistics (47), §4.6.46 */
#define CS_RSTAT_NOT_SUPPORTED 0
#define CS_RSTAT_SW_FAILURE    1
#define CS_RSTAT_HW_FAILURE    2
#define CS_RSTAT_OTHER_FAILURE 3
#define CS_RSTAT_UNKNOWN       255
struct cs_el_radio_stats {
	uint8_t radio_id;
	uint8_t last_fail_type; /* CS_RSTAT_* */
	uint16_t reset_count, sw_failure_count, hw_failure_count;
	uint16_t other_failure_count, unknown_failure_count;
	uint16_t config_update_count, channel_change_count, band_change_count;
	int16_t noise_floor; /* dBm */
};

/* WTP Reboot Statistics (48) Last Failure Type, §4.6.47 */
#define CS_REBOOT_NOT_SUPPORTED 0
#define CS_REBOOT_AC_INITIATED  1
#define CS_REBOOT_LINK_FAILURE  2
#define CS_REBOOT_SW_FAILURE    3
#define CS_REBOOT_HW_FAILURE    4
#define CS_REBOOT_OTHER_FAILURE 5
#define CS_REBOOT_UNKNOWN       255

/* WTP Static IP Address Information (49), §4.6.48 */
struct cs_el_static_ip_info {
	uint32_t addr, netmask, gateway;
	uint8_t is_static; /* 0 disables, 1 enables; others rejected */
};

/* IEEE 802.11 Statistics (1039), RFC 5416 §6.16: Radio ID, 3 reserved
 * bytes, then 19 counters in this order. */
enum cs_80211_stat {
	CS_80211_ST_TX_FRAGMENT,
	CS_80211_ST_MULTICAST_TX,
	CS_80211_ST_FAILED,
	CS_80211_ST_RETRY,
	CS_80211_ST_MULTIPLE_RETRY,
	CS_80211_ST_FRAME_DUPLICATE,
	CS_80211_ST_RTS_SUCCESS,
	CS_80211_ST_RTS_FAILURE,
	CS_80211_ST_ACK_FAILURE,
	CS_80211_ST_RX_FRAGMENT,
	CS_80211_ST_MULTICAST_RX,
	CS_80211_ST_FCS_ERROR,
	CS_80211_ST_TX_FRAME,
	CS_80211_ST_DECRYPTION_ERRORS,
	CS_80211_ST_DISCARDED_QOS_FRAGMENT,
	CS_80211_ST_ASSOCIATED_STATIONS,
	CS_80211_ST_QOS_CF_POLLS_RECEIVED,
	CS_80211_ST_QOS_CF_POLLS_UNUSED,
	CS_80211_ST_QOS_CF_POLLS_UNUSABLE,
	CS_80211_ST__COUNT
};
struct cs_el_80211_statistics {
	uint8_t radio_id;
	uint32_t c[CS_80211_ST__COUNT];
};

/* IEEE 802.11 WTP Radio Configuration (1046), RFC 5416 §6.23 */
struct cs_el_80211_radio_config {
	uint8_t radio_id;
	uint8_t short_preamble; /* 0 unsupported, 1 supported */
	uint8_t num_bssids;     /* 1..16 */
	uint8_t dtim_period;
	uint8_t bssid[6];
	uint16_t beacon_period; /* TUs */
	uint8_t country[4];     /* country string, 3 octets + 1 reserved */
};

CS_EL_DECLARE(decrypt_err_report);
CS_EL_DECLARE(delete_station);
CS_EL_DECLARE(duplicate_ipv4);
CS_EL_DECLARE(radio_stats);
CS_EL_DECLARE(static_ip_info);
CS_EL_DECLARE(80211_statistics);
CS_EL_DECLARE(80211_radio_config);

#endif /* CS_CAPWAP_H */
