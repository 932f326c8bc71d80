/* SPDX-License-Identifier: MIT */
/*
 * Capture file reader for `capsim analyze`: classic libpcap files (both
 * byte orders, microsecond magic 0xa1b2c3d4 and nanosecond magic
 * 0xa1b23c4d, tcpdump.org "pcap savefile format",
 * draft-ietf-opsawg-pcap) and pcapng (through lib/wire/pcapng.c,
 * draft-ietf-opsawg-pcapng), held whole in memory.  One call returns the
 * next packet or the next Decryption Secrets Block; a truncated or corrupt
 * file stops with an error naming the byte offset, and everything returned
 * before it stays valid.  Pure: no I/O.
 */
#ifndef CS_CAPREAD_H
#define CS_CAPREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/pcapng.h"

/* Classic pcap magic numbers as read in the file's own byte order. */
#define CS_PCAP_MAGIC_US 0xa1b2c3d4u /* microsecond timestamps */
#define CS_PCAP_MAGIC_NS 0xa1b23c4du /* nanosecond timestamps */
#define CS_PCAP_HDR_LEN  24          /* file header */
#define CS_PCAP_REC_LEN  16          /* per-packet record header */
/* A record claiming more than this is corrupt (libpcap's own limit for
 * non-D-Bus link types is 262144). */
#define CS_PCAP_MAX_CAPLEN 262144u

enum cs_cap_format {
	CS_CAP_PCAP,
	CS_CAP_PCAPNG
};

enum cs_cap_kind {
	CS_CAP_PACKET,  /* a captured frame */
	CS_CAP_SECRETS, /* pcapng Decryption Secrets Block */
};

/* One item.  Views point into the caller's buffer.  Read-only. */
struct cs_cap_rec {
	enum cs_cap_kind kind;
	size_t offset; /* of the record/block in the file */
	/* CS_CAP_PACKET */
	uint16_t linktype; /* LINKTYPE_* of the packet's interface */
	uint32_t if_id;    /* pcapng interface (0 for pcap) */
	uint64_t ts_us;    /* microseconds since the Unix epoch */
	uint32_t cap_len;  /* bytes present at data */
	uint32_t orig_len; /* bytes the packet had on the wire */
	const uint8_t *data;
	/* CS_CAP_SECRETS */
	uint32_t secrets_type; /* CS_PCAPNG_SECRETS_TLS for a key log */
	const uint8_t *secrets;
	size_t secrets_len;
};

/* Reader state: a value type for the stack.  Fields are read-only. */
struct cs_capread {
	enum cs_cap_format format;
	const uint8_t *buf;
	size_t len;
	size_t off; /* next record (pcap) */
	/* classic pcap */
	bool swapped; /* file is in the other byte order than big-endian */
	bool nsec;    /* nanosecond timestamps */
	uint16_t major, minor;
	uint32_t snaplen;
	uint16_t linktype;
	/* pcapng */
	struct cs_pcapng_rd ng;
	uint64_t n_records; /* items returned so far */
	uint64_t end_us;    /* latest end the capture recorded (pcapng ISB
	                       isb_endtime or time), 0 none */
};

/**
 * Recognises the format from the first four bytes and checks the file
 * header (pcap: version 2.x, snaplen, link type; pcapng: the first block
 * must be a Section Header, which cs_capread_next() then decodes).
 * @return 0; -EBADMSG (not a capture, or header truncated; err names the
 *         offset), -EINVAL NULL argument.  *cr untouched on failure.
 */
CS_API int cs_capread_init(
    struct cs_capread *cr, const uint8_t *buf, size_t len, struct cs_err *err);

/**
 * Next packet or secrets block; other pcapng blocks (SHB, IDB, NRB, ISB,
 * custom) are consumed silently.
 * @return 1 with *rec filled; 0 at the clean end of the file; -EBADMSG
 *         truncated or corrupt (err->offset is the file offset of the bad
 *         field, err->what says which; the reader stays where it was so
 *         a second call fails the same way), -E2BIG too many pcapng
 *         interfaces, -EINVAL NULL argument.
 */
CS_API int cs_capread_next(
    struct cs_capread *cr, struct cs_cap_rec *rec, struct cs_err *err);

/** "pcap" or "pcapng". */
CS_API const char *cs_capread_format_name(enum cs_cap_format f);

#endif /* CS_CAPREAD_H */
