/* SPDX-License-Identifier: MIT */
/*
 * The capture tap (DESIGN.md "The packet path"): writes what went on the
 * wire as pcapng (raw IPv4 + UDP, one interface), the DTLS secrets as a
 * Decryption Secrets Block placed before the next packet (so before the
 * first record they decrypt) and optionally as an SSLKEYLOGFILE, and a
 * second "clear" pcapng holding every decrypted CAPWAP message as a plain
 * UDP datagram (RFC 5415 §4.1 preamble type 0) on the same addresses and
 * times, which any Wireshark dissects without keys.
 *
 * Thread-safe: engine workers call the tap functions concurrently (one
 * mutex, buffered stdio).  Write errors never crash and never stop the
 * caller: the first one is kept, that file is no longer written, and
 * cs_capture_close() reports it with the path and errno text.
 */
#ifndef CS_CAPTURE_H
#define CS_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/roles.h"

struct cs_capture;

struct cs_capture_cfg {
	const char *pcap_path;   /* wire pcapng; NULL = none */
	const char *clear_path;  /* decrypted-CAPWAP pcapng; NULL = none */
	const char *keylog_path; /* SSLKEYLOGFILE; NULL = none */
	/* Bytes of each IPv4 packet kept (IP + UDP headers included);
	 * 0 = CS_PCAPNG_SNAPLEN (65535, whole datagrams).  Minimum 64. */
	uint32_t snaplen;
	const char *user_appl; /* SHB shb_userappl; NULL = "capsim" */
};

/**
 * Creates (truncates) the pcapng files and writes their headers (Section
 * Header + one Interface Description, link type LINKTYPE_RAW, microsecond
 * timestamps), mode 0644 less umask, written safely (ofile.h: a
 * temporary renamed into place by cs_capture_close, no symbolic link
 * followed, a stale file removed at open); the keylog file is appended
 * to, as SSLKEYLOGFILE writers do, never through a symbolic link, and
 * created 0600 (it holds secrets).  All
 * paths NULL is valid: a tap that writes nothing.
 * @return 0 with *ret set; -EINVAL (NULL ret/cfg, snaplen 1..63, two
 *         outputs on the same path), -ENOMEM,
 *         or the negative errno of the failed open/write (then err->what
 *         is "PATH: strerror text" in a per-thread buffer valid until the
 *         next cs_capture_* call on this thread; err->offset 0).  Nothing
 *         is left open on failure; *ret untouched.
 */
CS_API int cs_capture_open(struct cs_capture **ret,
    const struct cs_capture_cfg *cfg, struct cs_err *err);

/**
 * One datagram as it went on the wire (after impairment on the way out,
 * as received on the way in): @p pkt is the UDP payload (CAPWAP header,
 * or CAPWAP DTLS header + records).  Addresses and ports in host order;
 * @p t_us is wall-clock microseconds since the Unix epoch.  Pending key log
 * lines are written as one DSB first.  @p dir is informational (either
 * direction is written the same way).  Payloads above CS_UDP4_MAX_PAYLOAD
 * are counted as dropped.  No-op when c is NULL or there is no wire file.
 */
CS_API void cs_capture_wire(struct cs_capture *c, uint64_t t_us,
    enum cs_dir dir, uint32_t src_ip, uint16_t src_port, uint32_t dst_ip,
    uint16_t dst_port, const uint8_t *pkt, size_t len);

/**
 * One NSS key log line (e.g. "CLIENT_RANDOM <hex> <hex>", with or without
 * the trailing newline), as the cs_dtls_cfg keylog callback delivers it:
 * appended to the keylog file (flushed at once, so a tool tailing the file
 * can decrypt live) and queued for the wire file, where every queued line
 * goes into one Decryption Secrets Block written before the next packet.
 * A line equal to one of the last 1024 is dropped (both ends of a session
 * log the same line when the WLC is embedded).  The line is copied;
 * queued copies are wiped when written.
 */
CS_API void cs_capture_keylog(struct cs_capture *c, const char *line);

/**
 * One decrypted CAPWAP message (@p capwap starts at the CAPWAP header,
 * preamble version 0 type 0), written to the clear file as a plain UDP
 * datagram with the given addresses and time.  Also for clear traffic
 * (discovery, data keep-alives) so the clear file has the whole
 * conversation.  @p ch is informational.  No-op without a clear file.
 */
CS_API void cs_capture_clear(struct cs_capture *c, uint64_t t_us,
    enum cs_dir dir, enum cs_chan ch, uint32_t src_ip, uint16_t src_port,
    uint32_t dst_ip, uint16_t dst_port, const uint8_t *capwap, size_t len);

/* Counters, for the report. */
struct cs_capture_stats {
	uint64_t wire_pkts;    /* EPBs written to the wire file */
	uint64_t clear_pkts;   /* EPBs written to the clear file */
	uint64_t dsbs;         /* Decryption Secrets Blocks written */
	uint64_t keylog_lines; /* distinct lines taken */
	uint64_t truncated;    /* packets cut to snaplen */
	uint64_t dropped;      /* not written: too large, or after an error */
};

/** Copies the counters (zeroes when c is NULL); thread-safe. */
CS_API void cs_capture_stats(
    struct cs_capture *c, struct cs_capture_stats *out);

/**
 * Writes queued secrets (as a DSB, so a capture that ends right after the
 * handshake still holds them), flushes and closes every file and frees c.
 * Not async-signal-safe: call it from the shutdown path a signal triggers,
 * not from the handler.  c may be NULL (returns 0).
 * @return 0, or the first error seen on any file since open (negative
 *         errno; err->what "PATH: strerror text", per-thread buffer as for
 *         cs_capture_open).  c is freed either way.
 */
/**
 * The capture ran until @p t_us (wall-clock microseconds, as for
 * cs_capture_wire): cs_capture_close() then ends each pcapng with an
 * Interface Statistics Block holding isb_starttime and isb_endtime, so a
 * reader knows the capture was still running after its last packet
 * (`capsim analyze --peer` judges a datagram missing only while the
 * other side's capture ran).  No-op when c is NULL.
 */
CS_API void cs_capture_end(struct cs_capture *c, uint64_t t_us);

/* For a process about to _exit: removes the captures' temporaries (they
 * are renamed into place only by cs_capture_close).  Async-signal-safe. */
CS_API void cs_capture_unlink_tmp(const struct cs_capture *c);
CS_API int cs_capture_close(struct cs_capture *c, struct cs_err *err);

#endif /* CS_CAPTURE_H */
