/* SPDX-License-Identifier: MIT */
/*
 * The packet path's impairment engine and NAT emulation (DESIGN.md "The
 * packet path"): pure code that turns (datagram, direction, AP, now, seed)
 * into a verdict (drop, deliver after a delay, possibly altered or
 * duplicated, or hold for reordering) and rewrites addresses like a source
 * NAT.  No sockets, no clock, no rand(): the caller supplies `now`, the seed
 * decides every random choice.  Used by lib/engine and by `capsim proxy`.
 */
#ifndef CS_IMPAIR_H
#define CS_IMPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/roles.h"
#include "capsim/values.h"

/* ---------------------------------------------------------------------
 * Classification
 */

/* Packet kinds the matcher knows (from sender hints or from the wire). */
enum cs_pkt_kind {
	CS_PK_ANY,            /* in a rule: any kind */
	CS_PK_DISCOVERY,      /* clear Discovery / Primary Discovery Req/Resp */
	CS_PK_DTLS_HANDSHAKE, /* any handshake record (see hs_mask) */
	CS_PK_DTLS_CCS,
	CS_PK_DTLS_ALERT,
	CS_PK_DTLS_APPDATA,
	CS_PK_CONTROL,   /* a CAPWAP control message, clear or (with a sender
	                    hint) inside DTLS application data; see msg_type */
	CS_PK_KEEPALIVE, /* data-channel keep-alive (K bit, or hint) */
	CS_PK_DATA,      /* anything on the data channel */
	CS_PK_DTLS,      /* any datagram with the CAPWAP DTLS preamble
	                    (RFC 5415 §4.2): every DTLS record, either way */
	CS_PK__COUNT
};

#define CS_PK_BIT(k) (1u << (unsigned)(k))

/* Bits of cs_pkt_class.hs_mask / cs_impair_match.hs_mask: 1u << t for a
 * plaintext RFC 5246 §7.4 HandshakeType t in 0..24 (3 = DTLS
 * HelloVerifyRequest, RFC 6347 §4.2.1), plus this bit for a handshake
 * record in epoch > 0 (encrypted Finished, type invisible). */
#define CS_HS_BIT(t)     (1u << (unsigned)(t))
#define CS_HS_ENCRYPTED  (1u << 31)
#define CS_HS_VALID_MASK (0x01ffffffu | CS_HS_ENCRYPTED)

/* What a wireless client and its controller exchange inside the clear
 * CAPWAP data channel (RFC 5415 §4.4.2: T bit and WBID 1, a native IEEE
 * 802.11 frame, RFC 5416 §2), for rules on client traffic.  Bits of
 * cs_pkt_class.cl_kinds and cs_impair_match.cl_mask.  A data channel
 * protected by DTLS hides them (no bit is set then). */
enum cs_client_kind {
	CS_CK_FRAME,        /* "client": any 802.11 frame */
	CS_CK_AUTH,         /* "auth": Authentication (§9.3.3.12) */
	CS_CK_ASSOC_REQ,    /* "assoc-request" */
	CS_CK_ASSOC_RESP,   /* "assoc-response" */
	CS_CK_REASSOC_REQ,  /* "reassoc-request" */
	CS_CK_REASSOC_RESP, /* "reassoc-response" */
	CS_CK_DEAUTH,       /* "deauth" */
	CS_CK_DISASSOC,     /* "disassoc" */
	CS_CK_EAPOL,        /* "eapol": any EAPOL frame (LLC/SNAP 888e) */
	CS_CK_EAPOL_M1,     /* "eapol-m1".."eapol-m4": 4-way handshake */
	CS_CK_EAPOL_M2,     /* messages by their Key Information bits */
	CS_CK_EAPOL_M3,     /* (IEEE 802.11-2016 §12.7.6) */
	CS_CK_EAPOL_M4,
	CS_CK_EAPOL_G1, /* "eapol-g1", "eapol-g2": group key (§12.7.7) */
	CS_CK_EAPOL_G2,
	CS_CK_DHCP,          /* "dhcp": UDP 67/68 */
	CS_CK_DHCP_DISCOVER, /* "dhcp-discover" .. "dhcp-inform": option 53 */
	CS_CK_DHCP_OFFER,    /* (RFC 2132 §9.6) */
	CS_CK_DHCP_REQUEST,
	CS_CK_DHCP_DECLINE,
	CS_CK_DHCP_ACK,
	CS_CK_DHCP_NAK,
	CS_CK_DHCP_RELEASE,
	CS_CK_DHCP_INFORM,
	CS_CK_ARP,             /* "arp" (LLC/SNAP 0806) */
	CS_CK_ICMP_ECHO_REQ,   /* "icmp-echo-request" (RFC 792) */
	CS_CK_ICMP_ECHO_REPLY, /* "icmp-echo-reply"; "icmp-echo" = both */
	CS_CK__COUNT
};

#define CS_CK_BIT(k)      (1u << (unsigned)(k))
#define CS_CK_VALID_MASK  (CS_CK_BIT(CS_CK__COUNT) - 1u)
#define CS_CLIENT_UNKNOWN CS_APSEL_NO_AP

/* "client", "auth", ...; NULL out of range. */
CS_API const char *cs_client_kind_name(enum cs_client_kind k);

/* Everything the matcher may look at.  Borrowed for the call. */
struct cs_pkt_meta {
	enum cs_dir dir;
	enum cs_chan chan;
	uint32_t src_ip, dst_ip; /* host order */
	uint16_t src_port, dst_port;
	unsigned ap;           /* AP index; CS_AP_UNKNOWN when unknown */
	const uint8_t *ap_mac; /* 6 bytes or NULL */
	const uint8_t *pkt;    /* the datagram as it goes on the wire */
	size_t len;
	const struct cs_pkt_hint *hint; /* sender hint, or NULL */
	uint64_t now_ms;
	/* The run's client MACs, for client index selectors: client i
	 * (0-based over the run) has cl_mac_base + i * cl_mac_step (48-bit
	 * sum); cl_mac_base NULL = unknown (then only client MACs match);
	 * cl_count > 0 bounds i. */
	const uint8_t *cl_mac_base;
	uint32_t cl_mac_step;
	unsigned cl_count;
};

#define CS_AP_UNKNOWN CS_APSEL_NO_AP

/* What a datagram is.  kinds has a bit for every kind it carries (a
 * ServerHello flight is HANDSHAKE only; CCS + encrypted Finished is
 * CCS|HANDSHAKE; a protected Join Request with a hint is
 * APPDATA|CONTROL); kind is the most specific one. */
struct cs_pkt_class {
	enum cs_pkt_kind kind;
	uint32_t kinds;    /* CS_PK_BIT() set */
	uint32_t hs_mask;  /* CS_HS_BIT() set; 0 if no handshake record */
	uint32_t msg_type; /* CAPWAP message type (clear header or hint), 0 */
	bool is_dtls;      /* preamble type 1 */
	bool is_malformed; /* neither valid clear CAPWAP nor valid DTLS */
	/* client traffic in a clear data channel (enum cs_client_kind) */
	uint32_t cl_kinds;     /* CS_CK_BIT() set; 0 = no 802.11 frame */
	bool has_client;       /* the frame names a (unicast) client */
	uint8_t client_mac[6]; /* the station's MAC when has_client */
	unsigned client;       /* its index (meta cl_*), CS_CLIENT_UNKNOWN */
};

/**
 * Classifies a datagram from the wire (lib/wire: cs_capwap_preamble_peek,
 * cs_capwap_hdr_decode, cs_dtls_peek_capwap) and the sender hint, if any.
 * A datagram that parses as neither is kind ANY with is_malformed (still
 * matched by rules whose kind is ANY; on the data channel also DATA).
 * On a clear data channel a native 802.11 frame is read as far as it goes
 * (management subtype, EAPOL-Key message, DHCP message type, ARP, ICMP
 * echo) and its client found (addr2 of a frame to the DS or of a
 * management frame from the station, else addr1); a malformed part only
 * stops the reading there.
 * @return 0, -EINVAL for NULL arguments (out untouched).
 */
CS_API int cs_impair_classify(
    const struct cs_pkt_meta *m, struct cs_pkt_class *out);

/* "any", "discovery", "dtls-handshake", "dtls-ccs", "dtls-alert",
 * "dtls-appdata", "control", "keepalive", "data", "dtls"; NULL if out of
 * range. */
CS_API const char *cs_pkt_kind_name(enum cs_pkt_kind k);

/* ---------------------------------------------------------------------
 * Rules
 */

#define CS_IMPAIR_MAX_RANGES    CS_APSEL_MAX_RANGES
#define CS_IMPAIR_MAX_MACS      CS_APSEL_MAX_MACS
#define CS_IMPAIR_MAX_MSG_TYPES 8
#define CS_IMPAIR_NAME_MAX      48
#define CS_IMPAIR_MAX_DELIVER   8     /* deliveries in one verdict */
#define CS_IMPAIR_BUF           65536 /* largest datagram altered */
#define CS_IMPAIR_IPV4_UDP_HDR  28    /* IPv4 20 + UDP 8, for MTU limits */

/*
 * What a rule looks at.  Plain data: zero-initialised means "every
 * packet", each field narrows.  A packet matches when every given part
 * holds.  The counts (first/every/after) are evaluated last, over the
 * packets of one AP that passed every other part of this rule (counted
 * per rule per AP, from 1).
 */
struct cs_impair_match {
	unsigned dir_mask; /* 1u << CS_DIR_UP | 1u << CS_DIR_DOWN; 0 = both */
	/* Which APs (capsim/values.h): index ranges, every nth, a share
	 * drawn from (seed, AP), MACs matched against meta.ap_mac.  An
	 * unknown AP (CS_AP_UNKNOWN) passes only an empty selection or the
	 * MAC part. */
	struct cs_apsel aps;
	/* What the packet is.  Without is_kind_list every given part must
	 * hold; a kind list ("kind: [dtls-alert, echo-request]") sets
	 * is_kind_list and then the packet matches when it carries one of
	 * the kinds in kind_list, one of the handshake messages in hs_mask
	 * or one of msg_types (kind stays CS_PK_ANY). */
	enum cs_pkt_kind kind; /* CS_PK_ANY = any; else must be in kinds */
	uint32_t cl_mask;      /* client kinds, CS_CK_BIT() set: 0 = any;
	                          else cl_mask & class.cl_kinds */
	uint32_t hs_mask;      /* 0 = any; else hs_mask & class.hs_mask */
	size_t n_msg_types;
	uint32_t msg_types[CS_IMPAIR_MAX_MSG_TYPES]; /* any of these */
	bool is_kind_list;
	uint32_t kind_list; /* CS_PK_BIT() set (is_kind_list only) */
	bool has_chan;
	enum cs_chan chan;
	size_t size_min, size_max; /* datagram bytes; size_max 0 = none */
	uint16_t port; /* 0 = any; else src_port or dst_port equals it */
	/* Which clients (capsim/values.h selector over client indexes and
	 * client MACs): empty = any packet; else only client frames of a
	 * selected client (its index from cs_pkt_meta.cl_*, or its MAC). */
	struct cs_apsel clients;
	/* Time window [from_ms, until_ms); until_ms 0 = open. */
	uint64_t from_ms, until_ms;
	/* Counts (0 = off): the first N, every nth (n, 2n, ...), after N. */
	uint64_t first, every, after;
};

enum cs_impair_dist {
	CS_DELAY_NONE,
	CS_DELAY_FIXED,   /* delay_ms */
	CS_DELAY_UNIFORM, /* uniform in [delay_ms, delay_hi_ms] */
	CS_DELAY_NORMAL,  /* mean delay_ms, sigma jitter_ms, clamped >= 0 */
};

/*
 * What a rule does to a matched packet.  Several actions may be given in
 * one rule; they run in this order: link-down, MTU, rate limit, drop,
 * truncate, corrupt, delay, duplicate, reorder.  A probability of 0 means
 * "always" (1.0) for the has_* action it belongs to.
 */
struct cs_impair_action {
	/* link down: every matched packet with from <= now < until is lost
	 * (until 0 = open) */
	bool has_link_down;
	uint64_t down_from_ms, down_until_ms;
	/* MTU: a datagram whose IPv4+UDP size (len + 28) exceeds mtu
	 * vanishes, as a lost IP fragment makes it (0 = off) */
	unsigned mtu;
	/* token bucket policer (0 = off); bucket depth = rate_burst (0 =
	 * one second's worth); state per AP unless rate_shared (then one
	 * bucket per rule, which depends on the interleaving of APs) */
	double rate_pps, rate_bytes_ps; /* packets/s, bytes/s */
	double rate_burst;
	bool rate_shared;
	/* drop with probability; a triggered drop also drops the next
	 * burst - 1 matched packets of this AP */
	bool has_drop;
	double drop_prob;
	unsigned drop_burst;
	/* truncate to N bytes (0 = off) */
	bool has_truncate;
	size_t truncate_to;
	/* corrupt: XOR a non-zero random byte into corrupt_bytes bytes at
	 * random offsets, or at corrupt_offset (+i) when has_corrupt_offset;
	 * offsets past the end are skipped */
	bool has_corrupt;
	double corrupt_prob;
	unsigned corrupt_bytes; /* 0 = 1 */
	bool has_corrupt_offset;
	size_t corrupt_offset;
	/* delay */
	enum cs_impair_dist delay;
	uint64_t delay_ms, delay_hi_ms, jitter_ms;
	/* duplicate: `dup_copies` extra copies (0 = 1), sent right after
	 * the original (same delay) */
	bool has_duplicate;
	double dup_prob;
	unsigned dup_copies;
	/* reorder: hold the packet and release it after `hold_pkts` later
	 * packets of the same AP and direction went through
	 * cs_impair_apply, or after hold_ms, whichever comes first (at least
	 * one must be non-zero) */
	bool has_reorder;
	double reorder_prob;
	unsigned hold_pkts;
	uint64_t hold_ms;
};

/* Per-rule counters (cs_impair_rule_stats). */
struct cs_impair_stats {
	uint64_t matched; /* passed every match part */
	uint64_t dropped; /* by this rule (any drop action) */
	uint64_t delayed, duplicated, corrupted, truncated, held, released;
};

struct cs_impair_rule {
	char name[CS_IMPAIR_NAME_MAX]; /* unique, may be empty */
	bool enabled;
	struct cs_impair_match match;
	struct cs_impair_action action;
};

struct cs_impair;

/**
 * How rules compose.  Rules are evaluated in the order they were added.
 * For each enabled rule that matches, its actions run (order above):
 *  - the first rule that drops the packet ends evaluation (later rules do
 *    not see or count it);
 *  - truncate and corrupt alter the same working copy, in rule order;
 *  - delays add up; duplicate copies add up (to CS_IMPAIR_MAX_DELIVER);
 *  - the first reorder that triggers holds the packet (the altered copy);
 *    a held packet gets no delay or copies and is released by
 *    cs_impair_poll().
 *
 * Determinism: every random choice comes from an RNG seeded from (seed,
 * rule index, AP index, that rule's per-AP packet counter), and every
 * piece of state (counts, bursts, buckets, holds) is kept per rule per AP,
 * so an AP's verdicts do not depend on how its packets interleave with
 * other APs' (except rate_shared buckets).  Not thread-safe: use one
 * engine per thread (same seed and rules give the same per-AP verdicts),
 * or lock.
 */

/** New engine with no rules.  @return 0, -EINVAL, -ENOMEM. */
CS_API int cs_impair_new(struct cs_impair **ret, uint64_t seed);
/** Frees the engine and every held packet.  NULL is a no-op. */
CS_API void cs_impair_free(struct cs_impair *imp);

/**
 * Appends a copy of @p rule.  @return 0 and *id (0, 1, ...); -EINVAL for a
 * rule that makes no sense (probability outside 0..1, hs_mask with unknown
 * bits, size_min > size_max, until <= from, reorder with neither hold_pkts
 * nor hold_ms, too many ranges, ...); -EEXIST for a non-empty name already
 * used; -ENOMEM.
 */
CS_API int cs_impair_add(
    struct cs_impair *imp, const struct cs_impair_rule *rule, unsigned *id);
/** Switches a rule on or off.  @return 0, -ENOENT unknown id. */
CS_API int cs_impair_enable(struct cs_impair *imp, unsigned id, bool on);
/** Rule id by name.  @return id (>= 0) or -ENOENT. */
CS_API int cs_impair_find(const struct cs_impair *imp, const char *name);
/** Number of rules. */
CS_API unsigned cs_impair_count(const struct cs_impair *imp);
/** The rule as added (enabled reflects cs_impair_enable); NULL if unknown. */
CS_API const struct cs_impair_rule *cs_impair_rule_get(
    const struct cs_impair *imp, unsigned id);
/** Copies the counters of rule @p id.  @return 0, -ENOENT. */
CS_API int cs_impair_rule_stats(
    const struct cs_impair *imp, unsigned id, struct cs_impair_stats *out);

enum cs_verdict_kind {
	CS_VERDICT_PASS, /* send deliveries[0..n_deliver) */
	CS_VERDICT_DROP, /* send nothing */
	CS_VERDICT_HOLD, /* send nothing now: cs_impair_poll() releases it */
};

/* The outcome of one cs_impair_apply().  Large (it carries a buffer for an
 * altered copy): keep one per thread rather than on a small stack. */
struct cs_verdict {
	enum cs_verdict_kind kind;
	int rule;           /* rule that dropped or held; -1 */
	const char *why;    /* "drop", "mtu", "rate", "link-down", "reorder",
	                       NULL when passed */
	const uint8_t *pkt; /* bytes to send: meta->pkt or buf */
	size_t len;
	unsigned n_deliver;
	uint64_t delay_ms[CS_IMPAIR_MAX_DELIVER]; /* relative to now */
	struct cs_pkt_class cls;                  /* the classification used */
	uint8_t buf[CS_IMPAIR_BUF];
};

/**
 * Decides what happens to one datagram.  With no matching rule the
 * verdict is PASS with one delivery at delay 0 of the original bytes.
 * v->pkt points into m->pkt (borrowed: valid while that is) or into v->buf.
 * HOLD copies the datagram (and m's addresses) inside the engine.
 * @return 0 (v filled); -EINVAL NULL arguments or m->len > CS_IMPAIR_BUF;
 *         -ENOMEM when per-AP state or a hold could not be stored (v then
 *         says PASS with one delivery at delay 0, bytes possibly altered).
 */
CS_API int cs_impair_apply(
    struct cs_impair *imp, const struct cs_pkt_meta *m, struct cs_verdict *v);

/* A held packet being released: m has the original addresses, AP, dir,
 * chan, now_ms = the poll time, pkt/len = the (possibly altered) bytes
 * (valid only during the callback; hint is NULL). */
typedef void cs_impair_release_fn(void *ctx, const struct cs_pkt_meta *m);

/**
 * Releases every held packet that is due at @p now_ms (its hold time
 * elapsed, or enough later packets passed), in the order they were held,
 * by calling @p fn.  fn must not call cs_impair_free; it may call
 * cs_impair_apply (for other packets).
 * @return number released (>= 0), -EINVAL.
 */
CS_API int cs_impair_poll(struct cs_impair *imp, uint64_t now_ms,
    cs_impair_release_fn *fn, void *ctx);

/** Earliest hold_ms deadline of a held packet (for a timer).
 * @return 0 and *when_ms; -ENOENT when none is held by time. */
CS_API int cs_impair_next_due(const struct cs_impair *imp, uint64_t *when_ms);

/** Number of packets currently held. */
CS_API size_t cs_impair_held(const struct cs_impair *imp);

/* ---------------------------------------------------------------------
 * Rule text (lib/net/impair_parse.c): the `capsim proxy --rule` syntax,
 * also usable by scenario loaders.  Space-separated key=value words:
 *
 *   name=N  enabled=yes|no
 *   dir=up|down|both  chan=control|data  port=P
 *   kind=WORD   one of the cs_pkt_kind names, or a DTLS handshake type
 *               (client-hello, hello-verify-request, server-hello,
 *               certificate, server-key-exchange, certificate-request,
 *               server-hello-done, certificate-verify,
 *               client-key-exchange, finished, new-session-ticket), or a
 *               CAPWAP message ("discovery-request", "join-request",
 *               "join-response", "echo-request", ... see
 *               cs_impair_kind_parse), or "dtls" for every DTLS
 *               datagram, or client traffic in the data channel
 *               (client, auth, assoc-request, assoc-response,
 *               reassoc-request, reassoc-response, deauth, disassoc,
 *               eapol, eapol-m1..m4, eapol-g1, eapol-g2, dhcp,
 *               dhcp-discover, dhcp-offer, dhcp-request, dhcp-decline,
 *               dhcp-ack, dhcp-nak, dhcp-release, dhcp-inform, arp,
 *               icmp-echo, icmp-echo-request, icmp-echo-reply);
 *               several separated by ',' match any of them
 *   aps=0-9,20  share=10%  every-ap=N  mac=02:..:01[,..]
 *   clients=0-9,20 (client indexes over the run, 0-based)
 *   client-mac=02:..:01[,..]
 *   size=LO-HI  size>N  size<N   from=D until=D  window=FROM-[UNTIL]
 *   first=N  every=N  after=N
 *   action=drop|delay|duplicate|reorder|corrupt|truncate|mtu|rate|link-down
 *   prob=P  burst=N  delay=D | delay=LO-HI | delay=MEAN~SIGMA
 *   copies=N  hold=N  hold-ms=D  bytes=N  offset=N  len=N  mtu=N
 *   pps=R  bps=R  down-from=D  down-until=D
 *
 * D is a duration in the one grammar of capsim/values.h (250ms, 1.5s,
 * 1m30s; whole milliseconds); a bare number is refused with a reason
 * naming the unit to add.  MACs take every form cs_val_mac reads.
 * Several action= words combine.
 */

/**
 * Parses one rule.  @p out is written only on success (enabled defaults to
 * true).  @return 0; -EINVAL with err->what saying why (static text, or
 * per-thread text valid until the next parse on this thread) and
 * err->offset the position of the word in @p text.
 */
CS_API int cs_impair_rule_parse(
    const char *text, struct cs_impair_rule *out, struct cs_err *err);

/**
 * One match key of the rule vocabulary, shared by `--rule` and scenario
 * files (which write the same keys in YAML): dir, chan, port, kind, aps
 * ("0-9,20"), share ("50%"), every-ap, mac / macs ("MAC,MAC"), clients
 * (client indexes, "0-9,20"), client-mac / client-macs ("MAC,MAC"), size
 * (">1200", ">=1200", "<100", "<=100", "100-200", "1200"; or op '<' / '>'
 * with the number), window ("10s-20s", "10s-"), from, until, first, every,
 * after.  @p op is '=' except for size.  @return 0 (m updated); -EINVAL
 * with *why saying what the value must look like (static or per-thread
 * text, valid until the next call on this thread), m untouched; -ENOENT
 * when @p key is not a match key.
 */
CS_API int cs_impair_match_set(struct cs_impair_match *m, const char *key,
    char op, const char *val, const char **why);

/**
 * Sets m->kind / hs_mask / msg_types / cl_mask from one kind word as above
 * ("dtls", "dtls-handshake", "client-hello", "join-request", ...), or a
 * comma-separated list.  A list within one group of handshake messages or
 * of CAPWAP messages keeps the single-word form (hs_mask or msg_types); a
 * list of client kinds keeps cl_mask alone; a
 * list with several packet kinds, or mixing the groups, becomes a kind
 * list (m->kind_list, see struct cs_impair_match).  @return 0, -EINVAL unknown
 * word (m untouched).
 */
CS_API int cs_impair_kind_parse(const char *word, struct cs_impair_match *m);

/* ---------------------------------------------------------------------
 * Action fields (lib/net/impair_field.c): the one grammar of a rule's
 * action values, used by `--rule` (its keys prob, burst, delay, copies,
 * hold, hold-ms, bytes, offset, len, mtu, pps, bps, down-from, down-until)
 * and by scenario files (the action's keys, e.g. drop.probability).
 */
enum cs_impair_field {
	CS_IF_DROP_PROB,         /* 0.3 or 30%, more than 0 */
	CS_IF_DROP_BURST,        /* 1.. */
	CS_IF_DELAY,             /* 200ms, 10ms-50ms or 100ms~20ms */
	CS_IF_DELAY_FIXED,       /* 200ms only */
	CS_IF_DELAY_UNIFORM,     /* 10ms-50ms only */
	CS_IF_DELAY_NORMAL,      /* 100ms~20ms (mean~sigma) only */
	CS_IF_DUP_COPIES,        /* 1..CS_IMPAIR_MAX_DELIVER - 1 */
	CS_IF_DUP_PROB,          /* as drop */
	CS_IF_REORDER_HOLD,      /* packets, 1.. */
	CS_IF_REORDER_HOLD_TIME, /* a duration, at least 1 ms */
	CS_IF_REORDER_PROB,
	CS_IF_CORRUPT_BYTES,  /* 1..65535 */
	CS_IF_CORRUPT_OFFSET, /* 0..65535 */
	CS_IF_CORRUPT_PROB,
	CS_IF_TRUNCATE,    /* bytes kept, 1..65535 */
	CS_IF_MTU,         /* 68..65535 (RFC 791) */
	CS_IF_RATE_PPS,    /* a number, packets per second */
	CS_IF_RATE_BPS,    /* a number, bytes per second */
	CS_IF_RATE_BURST,  /* 1.. */
	CS_IF_RATE_SHARED, /* true / false */
	CS_IF_DOWN_FROM,   /* durations */
	CS_IF_DOWN_UNTIL,
	CS_IF__COUNT
};

/**
 * Sets one action field from its text.  Only the field's own members of
 * @p a change (the has_* flags are the caller's: an action is on when the
 * rule names it).  @return 0; -EINVAL with *why saying what is wrong,
 * quoting the piece of the value at fault where it is malformed (static or
 * per-thread text, valid until the next call on this thread), @p a
 * untouched.
 */
CS_API int cs_impair_field_set(struct cs_impair_action *a,
    enum cs_impair_field f, const char *val, const char **why);
/* "drop.probability", ...: for logs and tests. */
CS_API const char *cs_impair_field_name(enum cs_impair_field f);

/* ---------------------------------------------------------------------
 * NAT emulation (RFC 4787 terms): endpoint-independent source NAT of AP
 * addresses with an idle timeout, plus the broken behaviours of the field.
 */

struct cs_nat;

/* The engine's external port allocator (it may open a socket per
 * external port).  Returns 0 and *ext_port, or a negative errno. */
typedef int cs_nat_alloc_fn(
    void *ctx, uint32_t ap_ip, uint16_t ap_port, uint16_t *ext_port);
typedef void cs_nat_release_fn(void *ctx, uint16_t ext_port);

struct cs_nat_cfg {
	uint32_t ext_ip;          /* host order */
	uint64_t idle_timeout_ms; /* 0 = never */
	/* allocator; NULL = internal, sequential in [port_min, port_max]
	 * (defaults 20000..60999) skipping ports in use */
	cs_nat_alloc_fn *alloc;
	cs_nat_release_fn *release; /* may be NULL */
	void *alloc_ctx;
	uint16_t port_min, port_max;
	/* true: replies are not translated back (cs_nat_in -ENOENT), the
	 * "no NAT for return traffic" case */
	bool no_reverse;
	/* replies reach the AP from this source address instead of the
	 * peer's (asymmetric return); 0 = off.  See cs_nat_return_src. */
	uint32_t asym_src_ip;
	/* at this time every mapping gets a new external port (0 = never) */
	uint64_t rebind_at_ms;
	/* at this time every mapping is forgotten (0 = never) */
	uint64_t expire_at_ms;
};

struct cs_nat_stats {
	uint64_t mappings;     /* created */
	uint64_t active;       /* now */
	uint64_t expired_idle; /* removed by idle timeout */
	uint64_t expired_forced;
	uint64_t rebound; /* mappings given a new port */
	uint64_t out_pkts, in_pkts;
	uint64_t in_no_mapping; /* cs_nat_in -ENOENT: no mapping */
	uint64_t in_no_reverse; /* cs_nat_in -ENOENT: reverse off */
	uint64_t alloc_failures;
};

/** Copies @p cfg.  @return 0, -EINVAL (NULL, ext_ip 0, port_min >
 * port_max), -ENOMEM. */
CS_API int cs_nat_new(struct cs_nat **ret, const struct cs_nat_cfg *cfg);
/** Releases every mapping's port (cfg.release) and frees; NULL no-op. */
CS_API void cs_nat_free(struct cs_nat *nat);

/**
 * Outbound (AP -> WLC): the external address for (ap_ip, ap_port),
 * creating or refreshing the mapping.  Scheduled rebinding/expiry whose
 * time has come is applied first.
 * @return 0 (outputs set); -ENOSPC no free port, or the allocator's
 *         error (outputs untouched); -EINVAL.
 */
CS_API int cs_nat_out(struct cs_nat *nat, uint32_t ap_ip, uint16_t ap_port,
    uint64_t now_ms, uint32_t *ext_ip, uint16_t *ext_port);

/**
 * Inbound (WLC -> AP) to (ext_ip, ext_port): the internal address, and the
 * mapping's idle timer is refreshed.  @return 0; -ENOENT no live mapping or
 * reverse translation off (drop the datagram; counted); -EINVAL.
 */
CS_API int cs_nat_in(struct cs_nat *nat, uint32_t ext_ip, uint16_t ext_port,
    uint64_t now_ms, uint32_t *ap_ip, uint16_t *ap_port);

/** The source address an AP sees on a reply from @p peer_ip: asym_src_ip
 * when configured, else peer_ip. */
CS_API uint32_t cs_nat_return_src(const struct cs_nat *nat, uint32_t peer_ip);

/** Gives every mapping a new external port now (timeline action).
 * @return number rebound, or the allocator's error. */
CS_API int cs_nat_rebind(struct cs_nat *nat, uint64_t now_ms);
/** Forgets every mapping now.  @return number forgotten. */
CS_API int cs_nat_expire_all(struct cs_nat *nat, uint64_t now_ms);
/** Removes mappings idle for longer than the timeout.  @return number. */
CS_API int cs_nat_expire_idle(struct cs_nat *nat, uint64_t now_ms);

CS_API void cs_nat_stats(const struct cs_nat *nat, struct cs_nat_stats *out);

#endif /* CS_IMPAIR_H */
