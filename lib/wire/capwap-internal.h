/* SPDX-License-Identifier: MIT */
/*
 * Private helpers shared by the CAPWAP codec files (lib/wire/capwap_*.c):
 * message-type bits for the element table and the prologue and epilogue
 * of every typed element's decoder and encoder (capwap_elems.c).
 */
#ifndef CS_CAPWAP_INTERNAL_H
#define CS_CAPWAP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "capsim/capwap.h"

/* Bit of message type t (1..26) in cs_elem_desc.allowed_in. */
#define CS_MB(t)            (1u << ((t)-1))
#define CS_MB_WLAN_CFG_REQ  (1u << 26)
#define CS_MB_WLAN_CFG_RESP (1u << 27)
#define CS_MB_ALL           0x0fffffffu

struct cs_rd;
struct cs_wr;

/* Offset of an element value's first byte from the start of the buffer. */
#define CAPWAP_EL_VAL_OFF(e) ((e)->off + CS_ELEM_HDR_LEN)

/* err at the cursor's place in the value (an absolute offset). */
int capwap_el_fail(const struct cs_elem *e, const struct cs_rd *rd,
    struct cs_err *err, int code, const char *what);
/* A typed decoder's start: checks arguments, type and the element
 * table's length bounds; opens rd on the value. */
int capwap_el_open(const struct cs_elem *e, const void *v, uint16_t type,
    struct cs_rd *rd, struct cs_err *err);
/* Fixed layouts end exactly at the element's end (STYLE G7): leftover
 * bytes are -EBADMSG. */
int capwap_el_close(
    const struct cs_elem *e, const struct cs_rd *rd, struct cs_err *err);
/* Ends a fixed-layout getter: `bad` is non-zero when a read failed
 * (truncated); leftover bytes fail too; otherwise copies size bytes of
 * t to v (the output is written only on success). */
int capwap_el_fixed_done(const struct cs_elem *e, const struct cs_rd *rd,
    int bad, void *v, const void *t, size_t size, struct cs_err *err);
/* -EBADMSG "message element truncated" at the cursor. */
int capwap_el_trunc(
    const struct cs_elem *e, const struct cs_rd *rd, struct cs_err *err);
/* A typed encoder's start (type, length placeholder) and end (patch). */
size_t capwap_el_begin(struct cs_wr *wr, uint16_t type);
void capwap_el_end(struct cs_wr *wr, size_t at);

#endif /* CS_CAPWAP_INTERNAL_H */
