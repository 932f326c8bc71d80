/* SPDX-License-Identifier: MIT */
/*
 * DHCPv4 codec (RFC 2131 / RFC 2132): BOOTP header, magic cookie, option
 * walk with overload (option 52) and long-option concatenation (RFC 3396),
 * typed accessors for the options an AP needs to find its controller, and
 * a builder for client and server messages.  Pure: no I/O, no allocation.
 */
#ifndef CS_DHCP_H
#define CS_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

struct cs_wr;

#define CS_DHCP_HDR_LEN        236        /* fixed BOOTP part, RFC 2131 §2 */
#define CS_DHCP_COOKIE         0x63825363 /* 99.130.83.99, RFC 2131 §3 */
#define CS_DHCP_MIN_LEN        300        /* BOOTP minimum, RFC 1542 §2.1 */
#define CS_DHCP_MAX_OPTS       64 /* option instances kept per message */
#define CS_DHCP_SNAME_LEN      64
#define CS_DHCP_FILE_LEN       128
#define CS_DHCP_CHADDR_LEN     16
#define CS_DHCP_FLAG_BROADCAST 0x8000 /* RFC 2131 §2, figure 2 */
#define CS_DHCP_SERVER_PORT    67
#define CS_DHCP_CLIENT_PORT    68

enum cs_dhcp_op {
	CS_DHCP_BOOTREQUEST = 1,
	CS_DHCP_BOOTREPLY = 2,
};

/* Option 53 values, RFC 2132 §9.6. */
enum cs_dhcp_type {
	CS_DHCP_DISCOVER = 1,
	CS_DHCP_OFFER = 2,
	CS_DHCP_REQUEST = 3,
	CS_DHCP_DECLINE = 4,
	CS_DHCP_ACK = 5,
	CS_DHCP_NAK = 6,
	CS_DHCP_RELEASE = 7,
	CS_DHCP_INFORM = 8,
};

/* Option codes capsim looks at (RFC 2132 unless noted). */
enum cs_dhcp_code {
	CS_DHCP_OPT_PAD = 0,
	CS_DHCP_OPT_SUBNET_MASK = 1,
	CS_DHCP_OPT_ROUTERS = 3,
	CS_DHCP_OPT_DNS = 6,
	CS_DHCP_OPT_DOMAIN = 15,
	CS_DHCP_OPT_VENDOR = 43,
	CS_DHCP_OPT_REQ_IP = 50,
	CS_DHCP_OPT_LEASE = 51,
	CS_DHCP_OPT_OVERLOAD = 52,
	CS_DHCP_OPT_MSG_TYPE = 53,
	CS_DHCP_OPT_SERVER_ID = 54,
	CS_DHCP_OPT_PRL = 55,
	CS_DHCP_OPT_VCI = 60,
	CS_DHCP_OPT_CLIENT_ID = 61,
	CS_DHCP_OPT_RELAY = 82,      /* RFC 3046 */
	CS_DHCP_OPT_CAPWAP_AC = 138, /* RFC 5417 §3 */
	CS_DHCP_OPT_END = 255,
};

/* Where an option instance sits: RFC 2131 §4.1 reads "options", then
 * "file", then "sname" when option 52 says so. */
enum cs_dhcp_area {
	CS_DHCP_AREA_OPTIONS = 0,
	CS_DHCP_AREA_FILE = 1,
	CS_DHCP_AREA_SNAME = 2,
};

/* One option instance as it appears on the wire.  A decoded instance
 * views the caller's buffer (val != NULL).  A built one may instead keep
 * up to 4 bytes inline (val == NULL, bytes in inl). */
struct cs_dhcp_opt {
	uint8_t code;
	uint8_t len;
	uint8_t area; /* enum cs_dhcp_area */
	uint8_t inl[4];
	const uint8_t *val;
};

/* The value bytes of an instance, wherever they are kept. */
CS_API const uint8_t *cs_dhcp_opt_data(const struct cs_dhcp_opt *o);

/*
 * A DHCP message (RFC 2131 §2).  Value type: callers keep it on the stack.
 * Fields are read-only after decode; option values view the buffer given
 * to cs_dhcp_decode() and are valid only while it is.  Addresses are host
 * order (10.1.2.3 == 0x0a010203).
 */
struct cs_dhcp_msg {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[CS_DHCP_CHADDR_LEN];
	uint8_t sname[CS_DHCP_SNAME_LEN]; /* zero when overloaded */
	uint8_t file[CS_DHCP_FILE_LEN];   /* zero when overloaded */
	uint8_t overload;                 /* option 52 value, 0 if absent */
	uint16_t min_len; /* encoder pads with zeros up to this length */
	size_t nopts;
	struct cs_dhcp_opt opts[CS_DHCP_MAX_OPTS]; /* wire order */
};

/*
 * Decodes a DHCP datagram (UDP payload).  On success fills *m and returns
 * 0; on failure returns a negative errno, fills err (may be NULL) with
 * what/offset and leaves *m untouched:
 *   -EBADMSG  truncated header, bad op, hlen > 16, bad cookie, option
 *             length beyond its field, bad option 52, missing END in an
 *             overloaded file/sname field or in the options field
 *   -E2BIG    more than CS_DHCP_MAX_OPTS option instances
 *   -EINVAL   NULL m or buf
 * Bytes after END are ignored; when they are all zero (pad), min_len is
 * the datagram length so the encoder reproduces them.
 */
CS_API int cs_dhcp_decode(
    struct cs_dhcp_msg *m, const uint8_t *buf, size_t len, struct cs_err *err);

/*
 * Encodes *m: header, cookie, the option instances of each area in order,
 * END in each used area, zero fill of overloaded fields, then zero
 * padding up to m->min_len.  Returns 0, or a negative errno: -EINVAL for
 * an inconsistent message (an option in file/sname without option 52
 * saying so, option value missing), -ENOBUFS/-EMSGSIZE from the writer
 * (the writer's sticky error is set too).  Canonical messages round-trip:
 * encode(decode(b)) == b.
 */
CS_API int cs_dhcp_encode(const struct cs_dhcp_msg *m, struct cs_wr *wr);

/* Clears *m and sets op, htype 1 (Ethernet), hlen 6, xid, chaddr (6
 * bytes, may be NULL) and min_len CS_DHCP_MIN_LEN.  -EINVAL on NULL m. */
CS_API int cs_dhcp_init(
    struct cs_dhcp_msg *m, uint8_t op, uint32_t xid, const uint8_t *mac);

/*
 * Appends option `code` with `len` bytes viewed at val (borrowed until
 * encode).  A value longer than 255 bytes is split into several instances
 * (RFC 3396 §7).  Values of up to 4 bytes are copied inline.  Returns 0,
 * -EINVAL (bad code 0/255, val NULL with len > 0, bad area, file/sname
 * area before option 52 allows it), -E2BIG (no
 * room for more instances; *m untouched).
 */
CS_API int cs_dhcp_add_opt(struct cs_dhcp_msg *m, uint8_t code, const void *val,
    size_t len, enum cs_dhcp_area area);
CS_API int cs_dhcp_add_u8(struct cs_dhcp_msg *m, uint8_t code, uint8_t v);
CS_API int cs_dhcp_add_u32(struct cs_dhcp_msg *m, uint8_t code, uint32_t v);

/* Client message parameters (RFC 2131 §4.4, table 5).  Zero/NULL fields
 * are left out.  With giaddr set the message is what a relay agent
 * forwards (RFC 2131 §4.1, RFC 1542 §4): hops should then be >= 1. */
struct cs_dhcp_client_params {
	enum cs_dhcp_type type; /* DISCOVER, REQUEST, DECLINE, RELEASE,
	                           INFORM */
	uint32_t xid;
	const uint8_t *mac; /* 6 bytes */
	uint16_t secs;
	bool broadcast;
	uint8_t hops;
	uint32_t ciaddr, giaddr;
	uint32_t requested_ip;    /* option 50 */
	uint32_t server_id;       /* option 54 */
	const char *vendor_class; /* option 60, e.g. "Cisco AP c2700" */
	const uint8_t *client_id; /* option 61 */
	size_t client_id_len;
	const uint8_t *prl; /* option 55 */
	size_t prl_len;
	const uint8_t *relay_info; /* option 82 (already encoded) */
	size_t relay_info_len;
};

/* Builds a client message into *m (values are views of p's buffers,
 * which must outlive the encode).  -EINVAL on a bad type or NULL. */
CS_API int cs_dhcp_build_client(
    struct cs_dhcp_msg *m, const struct cs_dhcp_client_params *p);

/* Server reply parameters (RFC 2131 §4.3.1, table 3).  Address lists are
 * packed network-order bytes (4 per address). */
struct cs_dhcp_server_params {
	enum cs_dhcp_type type; /* OFFER, ACK, NAK */
	uint32_t yiaddr, siaddr;
	uint32_t server_id;
	uint32_t lease_s;     /* 0: left out */
	uint32_t subnet_mask; /* 0: left out */
	const uint8_t *routers;
	size_t routers_len;
	const uint8_t *dns;
	size_t dns_len;
	const char *domain;
	const uint8_t *vendor; /* option 43 */
	size_t vendor_len;
	const uint8_t *capwap_ac; /* option 138 */
	size_t capwap_ac_len;
};

/* Builds a reply to `req` (copies xid, flags, giaddr, chaddr, htype,
 * hlen; NAK leaves yiaddr/siaddr zero as §4.3.2 requires). */
CS_API int cs_dhcp_build_reply(struct cs_dhcp_msg *m,
    const struct cs_dhcp_msg *req, const struct cs_dhcp_server_params *p);

/*
 * Typed accessors.  Every one concatenates all instances of its option in
 * wire order (RFC 3396 §6) and returns 0, -ENOENT (option absent),
 * -EBADMSG (value malformed for its type), -ENOBUFS (caller's buffer too
 * small) or -EINVAL (NULL).  Outputs are written only on success.
 */

/* Total concatenated length of option `code` (-ENOENT if absent). */
CS_API int cs_dhcp_opt_len(
    const struct cs_dhcp_msg *m, uint8_t code, size_t *len);
/* Copies the concatenated value of `code` into buf. */
CS_API int cs_dhcp_opt_get(const struct cs_dhcp_msg *m, uint8_t code,
    uint8_t *buf, size_t cap, size_t *len);
/* One IPv4 address (options 1, 50, 54): length must be 4. */
CS_API int cs_dhcp_get_ipv4(
    const struct cs_dhcp_msg *m, uint8_t code, uint32_t *addr);
/* Address list (options 3, 6, 138): length a non-zero multiple of 4. */
CS_API int cs_dhcp_get_ipv4_list(const struct cs_dhcp_msg *m, uint8_t code,
    uint32_t *addrs, size_t cap, size_t *n);
/* Option 51 (seconds, 0xffffffff = infinite). */
CS_API int cs_dhcp_get_lease(const struct cs_dhcp_msg *m, uint32_t *secs);
/* Option 53: length 1, value DISCOVER..INFORM. */
CS_API int cs_dhcp_get_type(
    const struct cs_dhcp_msg *m, enum cs_dhcp_type *type);
/* Text options (15, 60): NUL-terminated copy; trailing NULs some clients
 * send are dropped, an embedded NUL is -EBADMSG. */
CS_API int cs_dhcp_get_string(
    const struct cs_dhcp_msg *m, uint8_t code, char *buf, size_t cap);

/* Option 82 (RFC 3046 §2.0): sub-option 1 circuit id, 2 remote id. */
struct cs_dhcp_relay_info {
	uint8_t circuit_id[255];
	uint8_t circuit_id_len;
	uint8_t remote_id[255];
	uint8_t remote_id_len;
	bool has_circuit_id, has_remote_id;
};
CS_API int cs_dhcp_get_relay_info(
    const struct cs_dhcp_msg *m, struct cs_dhcp_relay_info *ri);
/* Encodes option 82 sub-options 1 and 2 (either may be absent). */
CS_API int cs_dhcp_relay_info_encode(
    const struct cs_dhcp_relay_info *ri, struct cs_wr *wr);

/* "DHCPDISCOVER" etc., "unknown" otherwise. */
CS_API const char *cs_dhcp_type_name(int type);

#endif /* CS_DHCP_H */
