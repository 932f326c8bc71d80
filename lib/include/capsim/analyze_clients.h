/* SPDX-License-Identifier: MIT */
/*
 * `capsim analyze`: the wireless clients' phases from a capture (issue
 * 14).  Fed every CAPWAP data-channel datagram of the capture (the
 * analysis' cs_analyze_dgram_fn), it follows each client MAC through
 * Authentication, (Re)Association, the 4-way handshake, DHCP, the
 * gateway's ARP (seen as the first echo request after the ACK) and the
 * echo reply, with the times and the phase a client stopped in.  Only a
 * clear data channel can be read: DTLS-protected data datagrams are
 * counted, not guessed at.  Pure: bytes and times in, facts out.
 */
#ifndef CS_ANALYZE_CLIENTS_H
#define CS_ANALYZE_CLIENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/roles.h"

struct cs_an_clients;

/* One client as the capture shows it; times in capture microseconds, 0
 * when not seen. */
struct cs_an_client {
	uint8_t mac[6];
	size_t ap; /* the analysis' AP index of its first frame */
	uint64_t t_auth, t_assoc, t_l2, t_dhcp, t_arp, t_ready;
	uint16_t assoc_status; /* a refused (Re)Association, 0 none */
	bool has_eapol;        /* a 4-way handshake started */
};

/** @return 0, -EINVAL, -ENOMEM. */
CS_API int cs_an_clients_new(struct cs_an_clients **ret);
/** NULL is a no-op. */
CS_API void cs_an_clients_free(struct cs_an_clients *c);
/**
 * One CAPWAP datagram of AP @p ap (UP = from the AP).  Control-channel
 * datagrams are ignored.  @return 0, -EINVAL, -ENOMEM.
 */
CS_API int cs_an_clients_feed(struct cs_an_clients *c, size_t ap,
    enum cs_dir dir, enum cs_chan ch, uint64_t t_us, const uint8_t *pkt,
    size_t len);
CS_API size_t cs_an_clients_count(const struct cs_an_clients *c);
CS_API const struct cs_an_client *cs_an_clients_get(
    const struct cs_an_clients *c, size_t i);
/** DTLS-protected data-channel datagrams seen (their clients unread). */
CS_API uint64_t cs_an_clients_protected(const struct cs_an_clients *c);
/** The phase a client stopped in: "auth", "assoc", "l2auth", "dhcp",
 * "arp", "ping", or NULL when it reached "ready". */
CS_API const char *cs_an_client_failed_in(const struct cs_an_client *cl);

#endif /* CS_ANALYZE_CLIENTS_H */
