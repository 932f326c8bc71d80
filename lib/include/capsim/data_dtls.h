/* SPDX-License-Identifier: MIT */
/*
 * Data channel DTLS policy (RFC 5415 §4.6.1 DTLS Policy, §2.3.1 "q"): what
 * an AC offers in its AC Descriptor, what a WTP wants, and the choice the
 * WTP makes from the two.  Pure: no I/O, no OpenSSL.
 */
#ifndef CS_DATA_DTLS_H
#define CS_DATA_DTLS_H

#include <stdbool.h>
#include <stdint.h>

#include "capsim/common.h"

/* One side's setting for DTLS on the data channel. */
enum cs_data_dtls {
	CS_DATA_DTLS_OFF,      /* AC: clear only (C); WTP: clear if offered */
	CS_DATA_DTLS_OPTIONAL, /* AC: both (C|D); WTP: DTLS if offered */
	CS_DATA_DTLS_REQUIRED, /* AC: DTLS only (D); WTP: refuses clear */
	CS_DATA_DTLS__COUNT
};

/* "off", "optional", "required"; NULL out of range. */
CS_API const char *cs_data_dtls_name(enum cs_data_dtls p);
/* Inverse of cs_data_dtls_name; -EINVAL for another word or NULL. */
CS_API int cs_data_dtls_parse(const char *word, enum cs_data_dtls *out);

/* The AC Descriptor's DTLS Policy bits (CS_ACD_DTLS_C / _D) for an AC
 * with setting p. */
CS_API uint8_t cs_data_dtls_ac_policy(enum cs_data_dtls p);

/*
 * The WTP's choice (RFC 5415 §4.6.1: "The WTP MUST abide by one of the
 * options communicated by AC"): DTLS when the AC offers only DTLS, or
 * offers it and the WTP wants it; clear otherwise.  0 and *use_dtls, or
 * -EPROTO when no option fits (the AC offers neither, or the WTP requires
 * DTLS and the AC offers only clear text); -EINVAL for NULL.  *use_dtls
 * is untouched on failure.
 */
CS_API int cs_data_dtls_choose(
    enum cs_data_dtls wtp, uint8_t ac_policy, bool *use_dtls);

#endif /* CS_DATA_DTLS_H */
