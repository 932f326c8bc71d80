/* SPDX-License-Identifier: MIT */
/*
 * EAPOL-Key frames (IEEE 802.1X-2004 §7.5, IEEE 802.11-2016 §12.7.2),
 * the key data they carry (RSN element §9.4.2.25, KDEs §12.7.2 Table
 * 12-6) and the RSN element itself.  Pure codec: decoders allocate
 * nothing and return views into the caller's frame.
 *
 * An EAPOL frame here starts at the 802.1X protocol version octet, i.e.
 * after the LLC/SNAP header with EtherType 88-8E that carries it.
 */
#ifndef CS_EAPOL_H
#define CS_EAPOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

struct cs_rd;
struct cs_wr;

#define CS_EAPOL_ETHERTYPE 0x888e
#define CS_EAPOL_HDR_LEN   4  /* version, type, body length */
#define CS_EAPOL_KEY_FIXED 95 /* descriptor .. key data length */
#define CS_EAPOL_KEY_MIN   (CS_EAPOL_HDR_LEN + CS_EAPOL_KEY_FIXED)
#define CS_EAPOL_MIC_OFF   (CS_EAPOL_HDR_LEN + 77) /* MIC field offset */
#define CS_EAPOL_MAX_DATA  1024 /* key data we accept (ours is < 100) */

/* 802.1X-2004 §7.5.4 packet types */
#define CS_EAPOL_TYPE_EAP   0
#define CS_EAPOL_TYPE_START 1
#define CS_EAPOL_TYPE_KEY   3

/* Descriptor types (802.1X-2004 §7.6.1) */
#define CS_EAPOL_DESC_RSN 2
#define CS_EAPOL_DESC_WPA 254

/* Key Information bits (IEEE 802.11-2016 Figure 12-33) */
#define CS_EAPOL_KI_VER_MASK  0x0007
#define CS_EAPOL_KI_PAIRWISE  0x0008 /* Key Type: 1 = pairwise */
#define CS_EAPOL_KI_INSTALL   0x0040
#define CS_EAPOL_KI_ACK       0x0080
#define CS_EAPOL_KI_MIC       0x0100
#define CS_EAPOL_KI_SECURE    0x0200
#define CS_EAPOL_KI_ERROR     0x0400
#define CS_EAPOL_KI_REQUEST   0x0800
#define CS_EAPOL_KI_ENCRYPTED 0x1000 /* Encrypted Key Data */
#define CS_EAPOL_KI_SMK       0x2000

/**
 * A decoded EAPOL-Key frame.  Read-only to callers; `data` points into
 * the decoded buffer and is valid only while it is.
 */
struct cs_eapol_key {
	uint8_t version;    /* 802.1X protocol version (1, 2 or 3) */
	uint8_t descriptor; /* CS_EAPOL_DESC_RSN */
	uint16_t info;      /* Key Information */
	uint16_t key_len;   /* Key Length */
	uint64_t replay;    /* Key Replay Counter */
	uint8_t nonce[32];  /* Key Nonce */
	uint8_t iv[16];     /* EAPOL-Key IV */
	uint8_t rsc[8];     /* Key RSC */
	uint8_t reserved[8];
	uint8_t mic[16]; /* Key MIC (16 octets for AKM 2 and 6) */
	const uint8_t *data;
	uint16_t data_len; /* Key Data Length */
};

/* Which handshake message a frame is (§12.7.6, §12.7.7), by its Key
 * Information bits only. */
enum cs_eapol_msg {
	CS_EAPOL_MSG_UNKNOWN,
	CS_EAPOL_MSG_1,       /* pairwise, Ack, no MIC */
	CS_EAPOL_MSG_2,       /* pairwise, MIC, no Ack, not Secure */
	CS_EAPOL_MSG_3,       /* pairwise, Ack, MIC, Install */
	CS_EAPOL_MSG_4,       /* pairwise, MIC, Secure, no Ack */
	CS_EAPOL_MSG_G1,      /* group, Ack, MIC, Secure */
	CS_EAPOL_MSG_G2,      /* group, MIC, Secure, no Ack */
	CS_EAPOL_MSG_REQUEST, /* Request bit: rekey or MIC failure report */
	CS_EAPOL_MSG__COUNT
};

/**
 * Decodes an EAPOL frame that must be an EAPOL-Key frame with the RSN
 * descriptor.  Checks: packet type 3, body length within the frame (bytes
 * after the body, e.g. Ethernet padding, are ignored as 802.1X says),
 * Key Data Length within the body, at most CS_EAPOL_MAX_DATA.  Returns 0,
 * or -EBADMSG with err saying where; k untouched on failure.
 * Returns the number of bytes the EAPOL PDU spans through *pdu_len (may be
 * NULL), which is what the MIC covers.
 */
CS_API int cs_eapol_key_decode(struct cs_eapol_key *k, const uint8_t *frame,
    size_t len, size_t *pdu_len, struct cs_err *err);

/**
 * Encodes k (header and body; body length from data_len).  The writer's
 * sticky error says whether it fit.  Returns the writer offset where the
 * frame started, so the caller can compute the MIC over
 * wr->buf + start .. wr->len and patch it at start + CS_EAPOL_MIC_OFF.
 */
CS_API size_t cs_eapol_key_encode(
    const struct cs_eapol_key *k, struct cs_wr *wr);

CS_API enum cs_eapol_msg cs_eapol_key_msg(const struct cs_eapol_key *k);
CS_API const char *cs_eapol_msg_name(enum cs_eapol_msg m);

/*
 * Key data: a sequence of elements and KDEs (§12.7.2 j).  The parser
 * records what a 4-way or group key handshake needs and skips other
 * KDEs; a 0xdd octet followed only by zeros is padding (§12.7.2 j).
 */
#define CS_KDE_OUI       0x000fac
#define CS_KDE_GTK       1
#define CS_KDE_MAC       3
#define CS_KDE_PMKID     4
#define CS_KDE_IGTK      9
#define CS_IE_RSN        48
#define CS_IE_VENDOR     221
#define CS_EAPOL_GTK_MAX 32

struct cs_eapol_kd {
	const uint8_t *rsne; /* the RSN element, id and length included */
	size_t rsne_len;     /* 0 when absent */
	bool has_gtk;
	uint8_t gtk_keyid; /* 0..3 */
	bool gtk_tx;
	const uint8_t *gtk;
	size_t gtk_len;
	const uint8_t *pmkid; /* 16 octets or NULL */
	unsigned n_kde;       /* KDEs seen, including skipped ones */
};

/** -EBADMSG (err says where) on an element running past the data, a
 * second RSN element or GTK KDE, a GTK KDE shorter than 2 + 5 octets or
 * longer than CS_EAPOL_GTK_MAX, a PMKID KDE not 16 octets. */
CS_API int cs_eapol_kd_parse(struct cs_eapol_kd *kd, const uint8_t *data,
    size_t len, struct cs_err *err);

/* Appends a GTK KDE (§12.7.2 Figure 12-35). */
CS_API void cs_eapol_kd_put_gtk(struct cs_wr *wr, uint8_t keyid, bool tx,
    const uint8_t *gtk, size_t gtk_len);
/* Pads key data to wrap it: to a multiple of 8 octets and at least 16,
 * with 0xdd then zeros (§12.7.2 j).  `start` is where the key data
 * began in the writer. */
CS_API void cs_eapol_kd_pad(struct cs_wr *wr, size_t start);

/*
 * The RSN element (§9.4.2.25).  Suite selectors as 32-bit OUI << 8 |
 * type, e.g. 0x000fac04 for CCMP-128.
 */
#define CS_RSN_CIPHER_CCMP 0x000fac04
#define CS_RSN_CIPHER_TKIP 0x000fac02
#define CS_RSN_MAX_SUITES  8

struct cs_rsne {
	uint16_t version;
	bool has_group;
	uint32_t group;
	bool has_pairwise; /* the count was there (it may be 0) */
	unsigned n_pairwise;
	uint32_t pairwise[CS_RSN_MAX_SUITES];
	bool has_akm;
	unsigned n_akm;
	uint32_t akm[CS_RSN_MAX_SUITES];
	bool has_caps;
	uint16_t caps;
	unsigned n_pmkid;
};

/** Decodes an RSN element given with its id and length octets.  Fields
 * after the last present one are optional (§9.4.2.25.1); version must be
 * 1; more than CS_RSN_MAX_SUITES suites of a kind is -E2BIG. */
CS_API int cs_rsne_decode(
    struct cs_rsne *r, const uint8_t *ie, size_t len, struct cs_err *err);
/** The same for the element's body (after id and length), the one RSN
 * parser of capsim: cs_dot11_decode uses it too.  Reads all of *v on
 * success (what it does not keep, the PMKIDs, a group management cipher
 * and extensions, is skipped); *r written only on success. */
CS_API int cs_rsne_body_decode(
    struct cs_rd *v, struct cs_rsne *r, struct cs_err *err);
/** Writes an RSN element: version 1, group and pairwise CCMP-128, one AKM
 * (00-0F-AC:akm), the given RSN capabilities. */
CS_API void cs_rsne_build(struct cs_wr *wr, unsigned akm, uint16_t caps);

#endif /* CS_EAPOL_H */
