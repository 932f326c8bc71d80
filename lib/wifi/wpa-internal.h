/* SPDX-License-Identifier: MIT */
/*
 * What the supplicant and the authenticator share: building an EAPOL-Key
 * frame with its MIC, verifying a received MIC, wrapping and unwrapping
 * key data.  Internal to lib/wifi.
 */
#ifndef CS_WPA_INTERNAL_H
#define CS_WPA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "capsim/eapol.h"
#include "capsim/wpa.h"
#include "capsim/wpa_crypto.h"

/* The largest EAPOL-Key PDU we build or verify. */
#define WPA_PDU_MAX (CS_EAPOL_KEY_MIN + CS_EAPOL_MAX_DATA)
/* Key data we build before wrapping: RSN element, GTK KDE, padding. */
#define WPA_KD_MAX (CS_WPA_RSNE_MAX + 2 + 6 + CS_EAPOL_GTK_MAX + 16)

#define WPA_EAPOL_VERSION 2 /* 802.1X-2004 */
#define WPA_DEF_RETX_MS   1000
#define WPA_DEF_TRIES     3
#define WPA_DEF_HS_MS     10000

/* Encodes k into buf and, when kck is not NULL, computes the MIC over the
 * PDU (MIC field zero) and patches it in.  *len on success. */
int wpa_build(const struct cs_eapol_key *k, enum cs_wpa_key_ver ver,
    const uint8_t *kck, uint8_t *buf, size_t cap, size_t *len);
/* 0 when the MIC of the received PDU (pdu_len octets) verifies under kck;
 * -EBADMSG when it does not. */
int wpa_mic_verify(enum cs_wpa_key_ver ver, const uint8_t *kck,
    const uint8_t *pdu, size_t pdu_len);
/* Pads plain key data and wraps it under kek into out (cap octets). */
int wpa_kd_wrap(const uint8_t *kek, uint8_t *plain, size_t plain_len,
    size_t plain_cap, uint8_t *out, size_t cap, size_t *out_len);
/* Name tables shared by both roles' logs */
const char *wpa_fail_text(enum cs_wpa_fail f);

#endif /* CS_WPA_INTERNAL_H */
