/* SPDX-License-Identifier: MIT */
/*
 * EAPOL-Key codec, key data (elements and KDEs) and the RSN element
 * (IEEE 802.1X-2004 §7.5-7.6, IEEE 802.11-2016 §12.7.2, §9.4.2.25).
 * Every byte goes through the cursor API; decoders allocate nothing.
 */
#include "capsim/eapol.h"

#include <errno.h>
#include <string.h>

#include "capsim/cursor.h"

static const char *const eapol_msg_names[] = {
	[CS_EAPOL_MSG_UNKNOWN] = "EAPOL-Key",
	[CS_EAPOL_MSG_1] = "4-way 1/4",
	[CS_EAPOL_MSG_2] = "4-way 2/4",
	[CS_EAPOL_MSG_3] = "4-way 3/4",
	[CS_EAPOL_MSG_4] = "4-way 4/4",
	[CS_EAPOL_MSG_G1] = "group 1/2",
	[CS_EAPOL_MSG_G2] = "group 2/2",
	[CS_EAPOL_MSG_REQUEST] = "EAPOL-Key request",
};
_Static_assert(CS_ARRAY_SIZE(eapol_msg_names) == CS_EAPOL_MSG__COUNT,
    "eapol_msg_names[] out of sync with enum cs_eapol_msg");

const char *
cs_eapol_msg_name(enum cs_eapol_msg m)
{
	return (unsigned)m < CS_EAPOL_MSG__COUNT ? eapol_msg_names[m]
	                                         : "unknown";
}

int
cs_eapol_key_decode(struct cs_eapol_key *k, const uint8_t *frame, size_t len,
    size_t *pdu_len, struct cs_err *err)
{
	struct cs_eapol_key o;
	struct cs_rd rd, body;
	uint16_t blen;
	uint8_t type;

	if (k == NULL || frame == NULL)
		return -EINVAL;
	memset(&o, 0, sizeof(o));
	cs_rd_init(&rd, frame, len);
	if (cs_rd_u8(&rd, &o.version) < 0 || cs_rd_u8(&rd, &type) < 0 ||
	    cs_rd_u16(&rd, &blen) < 0)
		return cs_err_set(err, -EBADMSG, "EAPOL header truncated", 0);
	if (o.version == 0)
		return cs_err_set(err, -EBADMSG, "EAPOL protocol version 0", 0);
	if (type != CS_EAPOL_TYPE_KEY)
		return cs_err_set(err, -EBADMSG, "EAPOL packet not a Key", 1);
	/* 802.1X-2004 §7.5.5: octets past the body are padding */
	if (cs_rd_sub(&rd, blen, &body) < 0)
		return cs_err_set(
		    err, -EBADMSG, "EAPOL body length beyond frame", 2);
	if (blen < CS_EAPOL_KEY_FIXED)
		return cs_err_set(
		    err, -EBADMSG, "EAPOL-Key body shorter than 95 octets", 2);
	if (cs_rd_u8(&body, &o.descriptor) < 0 ||
	    cs_rd_u16(&body, &o.info) < 0 || cs_rd_u16(&body, &o.key_len) < 0)
		return cs_err_set(
		    err, -EBADMSG, "EAPOL-Key truncated", cs_rd_off(&body));
	if (o.descriptor != CS_EAPOL_DESC_RSN)
		return cs_err_set(
		    err, -EBADMSG, "EAPOL-Key descriptor type not RSN (2)", 4);
	{
		uint32_t hi, lo;

		if (cs_rd_u32(&body, &hi) < 0 || cs_rd_u32(&body, &lo) < 0)
			return cs_err_set(err, -EBADMSG, "EAPOL-Key truncated",
			    cs_rd_off(&body));
		o.replay = (uint64_t)hi << 32 | lo;
	}
	if (cs_rd_bytes(&body, o.nonce, sizeof(o.nonce)) < 0 ||
	    cs_rd_bytes(&body, o.iv, sizeof(o.iv)) < 0 ||
	    cs_rd_bytes(&body, o.rsc, sizeof(o.rsc)) < 0 ||
	    cs_rd_bytes(&body, o.reserved, sizeof(o.reserved)) < 0 ||
	    cs_rd_bytes(&body, o.mic, sizeof(o.mic)) < 0 ||
	    cs_rd_u16(&body, &o.data_len) < 0)
		return cs_err_set(
		    err, -EBADMSG, "EAPOL-Key truncated", cs_rd_off(&body));
	if (o.data_len > body.left)
		return cs_err_set(err, -EBADMSG,
		    "Key Data Length beyond EAPOL body", cs_rd_off(&body) - 2);
	if (o.data_len != body.left)
		return cs_err_set(err, -EBADMSG,
		    "octets after Key Data inside EAPOL body",
		    cs_rd_off(&body) + o.data_len);
	if (o.data_len > CS_EAPOL_MAX_DATA)
		return cs_err_set(err, -EBADMSG, "Key Data longer than 1024",
		    cs_rd_off(&body) - 2);
	if (cs_rd_view(&body, o.data_len, &o.data) < 0)
		return cs_err_set(
		    err, -EBADMSG, "EAPOL-Key truncated", cs_rd_off(&body));
	*k = o;
	if (pdu_len != NULL)
		*pdu_len = CS_EAPOL_HDR_LEN + (size_t)blen;
	return 0;
}

size_t
cs_eapol_key_encode(const struct cs_eapol_key *k, struct cs_wr *wr)
{
	size_t start = wr->len;

	if (k->data_len > 0 && k->data == NULL) {
		cs_wr_fail(wr, -EINVAL);
		return start;
	}
	cs_wr_u8(wr, k->version);
	cs_wr_u8(wr, CS_EAPOL_TYPE_KEY);
	cs_wr_u16(wr, (uint16_t)(CS_EAPOL_KEY_FIXED + k->data_len));
	cs_wr_u8(wr, k->descriptor);
	cs_wr_u16(wr, k->info);
	cs_wr_u16(wr, k->key_len);
	cs_wr_u32(wr, (uint32_t)(k->replay >> 32));
	cs_wr_u32(wr, (uint32_t)k->replay);
	cs_wr_bytes(wr, k->nonce, sizeof(k->nonce));
	cs_wr_bytes(wr, k->iv, sizeof(k->iv));
	cs_wr_bytes(wr, k->rsc, sizeof(k->rsc));
	cs_wr_bytes(wr, k->reserved, sizeof(k->reserved));
	cs_wr_bytes(wr, k->mic, sizeof(k->mic));
	cs_wr_u16(wr, k->data_len);
	if (k->data_len > 0)
		cs_wr_bytes(wr, k->data, k->data_len);
	return start;
}

enum cs_eapol_msg
cs_eapol_key_msg(const struct cs_eapol_key *k)
{
	uint16_t i = k->info;
	bool ack = i & CS_EAPOL_KI_ACK, mic = i & CS_EAPOL_KI_MIC;
	bool sec = i & CS_EAPOL_KI_SECURE;

	if (i & (CS_EAPOL_KI_REQUEST | CS_EAPOL_KI_SMK))
		return CS_EAPOL_MSG_REQUEST;
	if (i & CS_EAPOL_KI_PAIRWISE) {
		if (ack && !mic)
			return CS_EAPOL_MSG_1;
		if (ack && mic && (i & CS_EAPOL_KI_INSTALL))
			return CS_EAPOL_MSG_3;
		if (!ack && mic)
			return sec ? CS_EAPOL_MSG_4 : CS_EAPOL_MSG_2;
		return CS_EAPOL_MSG_UNKNOWN;
	}
	if (ack && mic && sec)
		return CS_EAPOL_MSG_G1;
	if (!ack && mic && sec)
		return CS_EAPOL_MSG_G2;
	return CS_EAPOL_MSG_UNKNOWN;
}

/* A KDE body: OUI 00-0F-AC, data type, data (§12.7.2 Figure 12-34). */
static int
kd_kde(struct cs_eapol_kd *kd, struct cs_rd *v, size_t at, struct cs_err *err)
{
	uint32_t oui;
	uint8_t type, b0, b1;

	if (cs_rd_u24(v, &oui) < 0 || cs_rd_u8(v, &type) < 0)
		return cs_err_set(
		    err, -EBADMSG, "KDE shorter than 4 octets", at);
	kd->n_kde++;
	if (oui != CS_KDE_OUI)
		return 0; /* another vendor's element: skipped */
	switch (type) {
	case CS_KDE_GTK:
		if (kd->has_gtk)
			return cs_err_set(err, -EBADMSG, "second GTK KDE", at);
		if (cs_rd_u8(v, &b0) < 0 || cs_rd_u8(v, &b1) < 0 ||
		    v->left < 5 || v->left > CS_EAPOL_GTK_MAX)
			return cs_err_set(
			    err, -EBADMSG, "GTK KDE length out of range", at);
		kd->has_gtk = true;
		kd->gtk_keyid = b0 & 0x03;
		kd->gtk_tx = (b0 & 0x04) != 0;
		kd->gtk_len = v->left;
		(void)cs_rd_view(v, v->left, &kd->gtk);
		break;
	case CS_KDE_PMKID:
		if (v->left != 16)
			return cs_err_set(
			    err, -EBADMSG, "PMKID KDE not 16 octets", at);
		(void)cs_rd_view(v, 16, &kd->pmkid);
		break;
	default:
		break; /* MAC address, IGTK, ...: not needed here */
	}
	return 0;
}

int
cs_eapol_kd_parse(
    struct cs_eapol_kd *kd, const uint8_t *data, size_t len, struct cs_err *err)
{
	struct cs_eapol_kd o;
	struct cs_rd rd;
	int r;

	if (kd == NULL || (data == NULL && len > 0))
		return -EINVAL;
	memset(&o, 0, sizeof(o));
	cs_rd_init(&rd, data, len);
	while (rd.left > 0) {
		size_t at = cs_rd_off(&rd);
		struct cs_rd v;
		uint8_t id, elen;
		const uint8_t *whole;

		(void)cs_rd_peek_u8(&rd, 0, &id);
		if (id == CS_IE_VENDOR) {
			/* padding: 0xdd then zeros to the end */
			bool pad = true;

			for (size_t i = 1; i < rd.left && pad; i++) {
				uint8_t b;

				(void)cs_rd_peek_u8(&rd, i, &b);
				pad = b == 0;
			}
			if (pad)
				break;
		}
		whole = rd.p;
		if (cs_rd_u8(&rd, &id) < 0 || cs_rd_u8(&rd, &elen) < 0 ||
		    cs_rd_sub(&rd, elen, &v) < 0)
			return cs_err_set(err, -EBADMSG,
			    "key data element beyond key data", at);
		if (id == CS_IE_RSN) {
			if (o.rsne != NULL)
				return cs_err_set(err, -EBADMSG,
				    "second RSN element in key data", at);
			o.rsne = whole;
			o.rsne_len = (size_t)elen + 2;
		} else if (id == CS_IE_VENDOR) {
			if ((r = kd_kde(&o, &v, at, err)) < 0)
				return r;
		}
		/* other elements are skipped (§12.7.2 j: ignore unknown) */
	}
	*kd = o;
	return 0;
}

void
cs_eapol_kd_put_gtk(struct cs_wr *wr, uint8_t keyid, bool tx,
    const uint8_t *gtk, size_t gtk_len)
{
	if (gtk == NULL || gtk_len < 5 || gtk_len > CS_EAPOL_GTK_MAX ||
	    keyid > 3) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	cs_wr_u8(wr, CS_IE_VENDOR);
	cs_wr_u8(wr, (uint8_t)(4 + 2 + gtk_len));
	cs_wr_u24(wr, CS_KDE_OUI);
	cs_wr_u8(wr, CS_KDE_GTK);
	cs_wr_u8(wr, (uint8_t)(keyid | (tx ? 0x04 : 0)));
	cs_wr_u8(wr, 0);
	cs_wr_bytes(wr, gtk, gtk_len);
}

void
cs_eapol_kd_pad(struct cs_wr *wr, size_t start)
{
	size_t n = wr->len - start;

	if (n >= 16 && n % 8 == 0)
		return;
	cs_wr_u8(wr, CS_IE_VENDOR);
	n++;
	while (n < 16 || n % 8 != 0) {
		cs_wr_u8(wr, 0);
		n++;
	}
}

/* A suite count (little endian, §9.2.2) and its list; *has is false when
 * the element ends before the count. */
static int
rsne_suite_list(struct cs_rd *rd, unsigned *n, uint32_t *out, bool *has,
    const char *truncated, const char *too_many, struct cs_err *err)
{
	uint16_t cnt;
	uint8_t lo, hi;

	*has = false;
	if (rd->left == 0)
		return 0;
	if (cs_rd_u8(rd, &lo) < 0 || cs_rd_u8(rd, &hi) < 0)
		return cs_err_set(err, -EBADMSG, truncated, cs_rd_off(rd));
	cnt = (uint16_t)(hi << 8 | lo);
	if (cnt > CS_RSN_MAX_SUITES)
		return cs_err_set(err, -E2BIG, too_many, cs_rd_off(rd) - 2);
	for (unsigned i = 0; i < cnt; i++)
		if (cs_rd_u32(rd, &out[i]) < 0)
			return cs_err_set(
			    err, -EBADMSG, truncated, cs_rd_off(rd));
	*n = cnt;
	*has = true;
	return 0;
}

int
cs_rsne_body_decode(struct cs_rd *v, struct cs_rsne *r, struct cs_err *err)
{
	struct cs_rsne o;
	uint8_t lo, hi;
	size_t at;
	int rc;

	if (v == NULL || r == NULL)
		return -EINVAL;
	memset(&o, 0, sizeof(o));
	at = cs_rd_off(v);
	if (cs_rd_u8(v, &lo) < 0 || cs_rd_u8(v, &hi) < 0)
		return cs_err_set(err, -EBADMSG, "RSN version truncated", at);
	o.version = (uint16_t)(hi << 8 | lo);
	if (o.version != 1)
		return cs_err_set(err, -EBADMSG, "RSN version not 1", at);
	if (v->left > 0) {
		if (cs_rd_u32(v, &o.group) < 0)
			return cs_err_set(err, -EBADMSG,
			    "RSN group cipher truncated", cs_rd_off(v));
		o.has_group = true;
	}
	if ((rc = rsne_suite_list(v, &o.n_pairwise, o.pairwise, &o.has_pairwise,
	         "RSN pairwise suite list truncated",
	         "too many RSN pairwise suites", err)) < 0 ||
	    (rc = rsne_suite_list(v, &o.n_akm, o.akm, &o.has_akm,
	         "RSN AKM suite list truncated", "too many RSN AKM suites",
	         err)) < 0)
		return rc;
	if (v->left > 0) {
		if (cs_rd_u8(v, &lo) < 0 || cs_rd_u8(v, &hi) < 0)
			return cs_err_set(err, -EBADMSG,
			    "RSN capabilities truncated", cs_rd_off(v));
		o.caps = (uint16_t)(hi << 8 | lo);
		o.has_caps = true;
	}
	if (v->left > 0) {
		uint16_t cnt;

		if (cs_rd_u8(v, &lo) < 0 || cs_rd_u8(v, &hi) < 0)
			return cs_err_set(err, -EBADMSG,
			    "RSN PMKID count truncated", cs_rd_off(v));
		cnt = (uint16_t)(hi << 8 | lo);
		if (cs_rd_skip(v, (size_t)cnt * 16) < 0)
			return cs_err_set(err, -EBADMSG,
			    "RSN PMKID list beyond element", cs_rd_off(v));
		o.n_pmkid = cnt;
	}
	/* Group Management Cipher Suite (4 octets) may follow; anything
	 * else is an extension this decoder ignores (§9.4.2.25.1) */
	(void)cs_rd_skip(v, v->left);
	*r = o;
	return 0;
}

int
cs_rsne_decode(
    struct cs_rsne *r, const uint8_t *ie, size_t len, struct cs_err *err)
{
	struct cs_rd rd, v;
	uint8_t id, elen;

	if (r == NULL || ie == NULL)
		return -EINVAL;
	cs_rd_init(&rd, ie, len);
	if (cs_rd_u8(&rd, &id) < 0 || cs_rd_u8(&rd, &elen) < 0)
		return cs_err_set(err, -EBADMSG, "RSN element truncated", 0);
	if (id != CS_IE_RSN)
		return cs_err_set(err, -EBADMSG, "not an RSN element (48)", 0);
	if (cs_rd_sub(&rd, elen, &v) < 0)
		return cs_err_set(
		    err, -EBADMSG, "RSN element length beyond buffer", 1);
	if (rd.left != 0)
		return cs_err_set(
		    err, -EBADMSG, "octets after RSN element", cs_rd_off(&rd));
	return cs_rsne_body_decode(&v, r, err);
}

void
cs_rsne_build(struct cs_wr *wr, unsigned akm, uint16_t caps)
{
	cs_wr_u8(wr, CS_IE_RSN);
	cs_wr_u8(wr, 20);
	cs_wr_u8(wr, 1); /* version 1, little endian */
	cs_wr_u8(wr, 0);
	cs_wr_u32(wr, CS_RSN_CIPHER_CCMP); /* group */
	cs_wr_u8(wr, 1);
	cs_wr_u8(wr, 0);
	cs_wr_u32(wr, CS_RSN_CIPHER_CCMP); /* pairwise */
	cs_wr_u8(wr, 1);
	cs_wr_u8(wr, 0);
	cs_wr_u32(wr, (uint32_t)CS_KDE_OUI << 8 | (akm & 0xff));
	cs_wr_u8(wr, (uint8_t)(caps & 0xff));
	cs_wr_u8(wr, (uint8_t)(caps >> 8));
}
