/* SPDX-License-Identifier: MIT */
/*
 * RFC 1321 MD5, for the Image Information hash (RFC 5415 §4.6.28): the
 * controller hashes the image it serves, the AP what it received.
 */
#ifndef CS_WLC_MD5_H
#define CS_WLC_MD5_H

#include <stddef.h>
#include <stdint.h>

struct cs_wlc_md5 {
	uint32_t h[4];
	uint64_t total;
	uint8_t buf[64];
	size_t fill;
};
void cs_wlc_md5_init(struct cs_wlc_md5 *c);
void cs_wlc_md5_update(struct cs_wlc_md5 *c, const void *data, size_t len);
void cs_wlc_md5_final(struct cs_wlc_md5 *c, uint8_t out[16]);

#endif /* CS_WLC_MD5_H */
