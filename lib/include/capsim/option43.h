/* SPDX-License-Identifier: MIT */
/*
 * DHCP option 43 as Cisco lightweight APs read it: the controller list in
 * TLV form (sub-option 0xF1, length 4 x N, N IPv4 addresses) or, for the
 * Aironet 1000/1500 series, as a comma-separated dotted-quad string.  Also
 * parses the many ways engineers paste it (plain/colon/0x/IOS dotted hex,
 * IOS "option 43 hex|ascii" lines) with precise, positioned errors.
 */
#ifndef CS_OPTION43_H
#define CS_OPTION43_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

struct cs_wr;

#define CS_OPT43_TYPE_CISCO 0xf1 /* WLC management IPv4 list */
#define CS_OPT43_MAX_LEN    255  /* one DHCP option, RFC 2132 §2 */
#define CS_OPT43_MAX_CTRL   63   /* (255 - 2) / 4 addresses in one TLV */

/* How the option value is laid out. */
enum cs_opt43_form {
	CS_OPT43_FORM_TLV,   /* f1 08 0a7e7e02 0a7f7f02 */
	CS_OPT43_FORM_ASCII, /* "10.126.126.2,10.127.127.2" */
	CS_OPT43_FORM__COUNT
};

/* How the text given to cs_opt43_parse_text() was written. */
enum cs_opt43_text {
	CS_OPT43_TEXT_NONE,       /* decoded from bytes, not from text */
	CS_OPT43_TEXT_HEX,        /* f1080a7e7e020a7f7f02 (spaces allowed) */
	CS_OPT43_TEXT_COLON,      /* f1:08:0a:7e:... */
	CS_OPT43_TEXT_0X,         /* 0xf1 0x08 0x0a ... */
	CS_OPT43_TEXT_IOS_DOTTED, /* f108.0a7e.7e02... */
	CS_OPT43_TEXT_IOS_HEX,    /* option 43 hex f108.0a7e... */
	CS_OPT43_TEXT_ISC,       /* option vendor-encapsulated-options f1:..; */
	CS_OPT43_TEXT_ASCII,     /* 10.126.126.2,10.127.127.2 */
	CS_OPT43_TEXT_IOS_ASCII, /* option 43 ascii "10.126.126.2,..." */
	CS_OPT43_TEXT__COUNT
};

/* A decoded option 43 (value type; owns its bytes). */
struct cs_opt43 {
	enum cs_opt43_form form;
	enum cs_opt43_text text;
	size_t n;                         /* controllers */
	uint32_t ctrl[CS_OPT43_MAX_CTRL]; /* host order */
	size_t len;                       /* option value length */
	uint8_t data[CS_OPT43_MAX_LEN];   /* option value bytes */
};

/*
 * Why parsing failed.  `what` is complete text naming the values involved
 * (e.g. "sub-option length 8 beyond data (6 bytes available)");
 * `offset` counts from 0, in characters of the input text when in_text,
 * otherwise in bytes of the option value.
 */
struct cs_opt43_err {
	int code;
	bool in_text;
	size_t offset;
	char what[160];
};

/*
 * Decodes an option value in TLV form.  Returns 0 and fills *out (form
 * TLV); on failure leaves *out untouched, fills err (may be NULL) and
 * returns:
 *   -EBADMSG  empty, truncated sub-option header, length not a multiple
 *             of 4 or zero, length beyond data, trailing pad/garbage
 *             (0x00/0xff) after the last sub-option
 *   -ENOTSUP  a sub-option type other than 0xF1
 *   -EMSGSIZE more than 255 bytes
 *   -EINVAL   NULL p with len > 0, NULL out
 */
CS_API int cs_opt43_decode_tlv(const uint8_t *p, size_t len,
    struct cs_opt43 *out, struct cs_opt43_err *err);
/* Decodes the comma-separated form (Aironet 1000/1500).  Whitespace
 * around entries and trailing NULs are tolerated.  -EBADMSG for an empty
 * list, empty entry or bad dotted quad; -EMSGSIZE beyond 255 bytes. */
CS_API int cs_opt43_decode_ascii(const uint8_t *p, size_t len,
    struct cs_opt43 *out, struct cs_opt43_err *err);
/* Picks the form: a value starting with a decimal digit is ASCII,
 * anything else TLV. */
CS_API int cs_opt43_decode(const uint8_t *p, size_t len, struct cs_opt43 *out,
    struct cs_opt43_err *err);

/*
 * Parses pasted text (NUL-terminated) in any form listed in enum
 * cs_opt43_text and decodes it.  Errors in the text itself (non-hex
 * character, odd number of hex digits, missing quote, bad address,
 * empty input) have in_text set; errors in the decoded bytes do not.
 * Returns 0 or a negative errno as above; *out untouched on failure.
 */
CS_API int cs_opt43_parse_text(
    const char *text, struct cs_opt43 *out, struct cs_opt43_err *err);

/* Writes the TLV form: 0xF1, 4 x n, addresses.  Returns 0, -EINVAL
 * (n == 0 or NULL), -E2BIG (n > 63), or the writer's error. */
CS_API int cs_opt43_encode_tlv(
    const uint32_t *ctrl, size_t n, struct cs_wr *wr);
/* Writes the ASCII form "a.b.c.d,e.f.g.h" (no NUL).  -EINVAL (n == 0 or
 * NULL), -EMSGSIZE (over 255 bytes), or the writer's error. */
CS_API int cs_opt43_encode_ascii(
    const uint32_t *ctrl, size_t n, struct cs_wr *wr);

/* Strict dotted quad: four decimal fields 0..255, no leading zeros, no
 * other characters.  Returns 0 or -EINVAL; *addr (host order) written on
 * success only. */
CS_API int cs_opt43_parse_ipv4(const char *s, size_t len, uint32_t *addr);

/* Human names, e.g. "IOS dotted hex". */
CS_API const char *cs_opt43_text_name(enum cs_opt43_text t);
CS_API const char *cs_opt43_form_name(enum cs_opt43_form f);

#endif /* CS_OPTION43_H */
