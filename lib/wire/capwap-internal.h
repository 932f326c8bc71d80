/* SPDX-License-Identifier: MIT */
/*
 * Private helpers shared by the CAPWAP codec files (lib/wire/capwap_*.c):
 * message-type bits for the element table and small cursor helpers.
 */
#ifndef CS_CAPWAP_INTERNAL_H
#define CS_CAPWAP_INTERNAL_H

#include <stdint.h>

#include "capsim/capwap.h"

/* Bit of message type t (1..26) in cs_elem_desc.allowed_in. */
#define CS_MB(t)            (1u << ((t)-1))
#define CS_MB_WLAN_CFG_REQ  (1u << 26)
#define CS_MB_WLAN_CFG_RESP (1u << 27)
#define CS_MB_ALL           0x0fffffffu

#endif /* CS_CAPWAP_INTERNAL_H */
