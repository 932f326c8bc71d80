/* SPDX-License-Identifier: MIT */
/*
 * What the rule parsers of lib/net share (impair_parse.c, impair_field.c).
 */
#ifndef CS_IMPAIR_INTERNAL_H
#define CS_IMPAIR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cs_pkt_class;
struct cs_pkt_meta;

/* yes/true/on/1 or no/false/off/0: 0, or -EINVAL. */
int impair_bool(const char *s, bool *out);

/* One client kind word ("eapol-m3", "icmp-echo", ...): its CS_CK_BIT()
 * set, 0 when the word is not one (impair_client.c). */
uint32_t impair_client_word(const char *w, size_t len);

/* Adds the client part of c (cl_kinds, has_client, client_mac, client)
 * for a clear data-channel datagram of m (impair_client.c). */
void impair_classify_client(
    const struct cs_pkt_meta *m, struct cs_pkt_class *c);

#endif /* CS_IMPAIR_INTERNAL_H */
