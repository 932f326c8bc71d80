/* SPDX-License-Identifier: MIT */
/*
 * IEEE 802.11 management and data frames for the CAPWAP data channel in
 * split-MAC mode (RFC 5416 §2, §4: native frames, no FCS).  The decoder
 * checks every length against its enclosing cursor and names the field
 * that failed; the encoder writes IEs in one canonical order.
 */
#include "capsim/ieee80211.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capsim/cursor.h"
#include "capsim/eapol.h"

static const uint8_t dot11_snap[6] = { 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00 };

/* 802.11 integers are little-endian (IEEE 802.11-2020 §9.2.2). */
static int
rd_le16(struct cs_rd *rd, uint16_t *v)
{
	uint8_t b[2];
	int r;

	if ((r = cs_rd_bytes(rd, b, 2)) < 0)
		return r;
	*v = (uint16_t)(b[0] | b[1] << 8);
	return 0;
}

static void
wr_le16(struct cs_wr *wr, uint16_t v)
{
	cs_wr_u8(wr, v & 0xff);
	cs_wr_u8(wr, v >> 8);
}

static int
dot11_fail(
    struct cs_err *err, int code, const char *what, const struct cs_rd *rd)
{
	return cs_err_set(err, code, what, cs_rd_off(rd));
}

/* RSN element body, §9.4.2.24.1, by the one RSN parser (eapol.c).
 * Version, group suite, pairwise and AKM lists are required here (every
 * client capsim meets sends them), at most CS_DOT11_RSN_MAX suites of a
 * kind; RSN Capabilities optional; PMKID list and group management
 * cipher after it are accepted and not kept. */
static int
dot11_rsn(struct cs_rd *rd, struct cs_dot11_rsn *rsn, struct cs_err *err)
{
	struct cs_rsne r;
	int rc;

	memset(rsn, 0, sizeof(*rsn));
	if ((rc = cs_rsne_body_decode(rd, &r, err)) < 0)
		return rc;
	/* in wire order, as a reader that stops at the first fault */
	if (!r.has_group || !r.has_pairwise)
		return dot11_fail(err, -EBADMSG, "RSN element truncated", rd);
	if (r.n_pairwise > CS_DOT11_RSN_MAX)
		return dot11_fail(
		    err, -E2BIG, "too many RSN pairwise suites", rd);
	if (!r.has_akm)
		return dot11_fail(err, -EBADMSG, "RSN element truncated", rd);
	if (r.n_akm > CS_DOT11_RSN_MAX)
		return dot11_fail(err, -E2BIG, "too many RSN AKM suites", rd);
	rsn->version = r.version;
	rsn->group = r.group;
	rsn->n_pairwise = (uint8_t)r.n_pairwise;
	memcpy(rsn->pairwise, r.pairwise, r.n_pairwise * sizeof(uint32_t));
	rsn->n_akm = (uint8_t)r.n_akm;
	memcpy(rsn->akm, r.akm, r.n_akm * sizeof(uint32_t));
	rsn->has_caps = r.has_caps;
	rsn->caps = r.caps;
	return 0;
}

static int
dot11_rates(struct cs_rd *val, uint8_t len, struct cs_dot11_ies *ies,
    struct cs_err *err)
{
	if (len == 0)
		return dot11_fail(err, -EBADMSG, "empty rates element", val);
	if (ies->n_rates + len > CS_DOT11_RATES_MAX)
		return dot11_fail(err, -E2BIG, "too many rates", val);
	(void)cs_rd_bytes(val, ies->rates + ies->n_rates, len);
	ies->n_rates += len;
	return 0;
}

/* One IE with a known ID.  Duplicates of the IEs kept are malformed:
 * §9.4.2.1 allows each at most once in these frames. */
static int
dot11_ie(uint8_t id, uint8_t len, struct cs_rd *val, const uint8_t *ie,
    struct cs_dot11_ies *ies, struct cs_err *err)
{
	switch (id) {
	case CS_DOT11_IE_SSID:
		if (ies->has_ssid)
			return dot11_fail(err, -EBADMSG, "duplicate SSID", val);
		if (len > CS_DOT11_SSID_MAX)
			return dot11_fail(
			    err, -EBADMSG, "SSID longer than 32 octets", val);
		ies->has_ssid = true;
		ies->ssid_len = len;
		return cs_rd_bytes(val, ies->ssid, len);
	case CS_DOT11_IE_RATES:
		if (len > 8)
			return dot11_fail(err, -EBADMSG,
			    "Supported Rates longer than 8", val);
		return dot11_rates(val, len, ies, err);
	case CS_DOT11_IE_EXT_RATE:
		return dot11_rates(val, len, ies, err);
	case CS_DOT11_IE_RSN:
		if (ies->has_rsn)
			return dot11_fail(err, -EBADMSG, "duplicate RSN", val);
		ies->has_rsn = true;
		ies->rsn_ie = ie;
		ies->rsn_ie_len = (size_t)len + 2;
		return dot11_rsn(val, &ies->rsn, err);
	case CS_DOT11_IE_HT_CAP:
		if (ies->has_ht || len != CS_DOT11_HT_LEN)
			return dot11_fail(err, -EBADMSG,
			    "HT Capabilities not one 26-octet element", val);
		ies->has_ht = true;
		return cs_rd_bytes(val, ies->ht, len);
	case CS_DOT11_IE_VHT_CAP:
		if (ies->has_vht || len != CS_DOT11_VHT_LEN)
			return dot11_fail(err, -EBADMSG,
			    "VHT Capabilities not one 12-octet element", val);
		ies->has_vht = true;
		return cs_rd_bytes(val, ies->vht, len);
	default:
		ies->n_unknown++;
		return 0;
	}
}

/* The IE walk (§9.4.2.1): ID, length, body, to the end of the frame. */
static int
dot11_ies(struct cs_rd *rd, struct cs_dot11_ies *ies, struct cs_err *err)
{
	unsigned n = 0;
	int r;

	while (rd->left > 0) {
		const uint8_t *ie = rd->p;
		struct cs_rd val;
		uint8_t id, len;

		if (++n > CS_DOT11_MAX_IES)
			return dot11_fail(err, -E2BIG, "too many elements", rd);
		if (cs_rd_u8(rd, &id) < 0 || cs_rd_u8(rd, &len) < 0)
			return dot11_fail(
			    err, -EBADMSG, "element header truncated", rd);
		if (cs_rd_sub(rd, len, &val) < 0)
			return dot11_fail(
			    err, -EBADMSG, "element length beyond frame", rd);
		if ((r = dot11_ie(id, len, &val, ie, ies, err)) < 0)
			return r;
		if (val.left != 0)
			return dot11_fail(
			    err, -EBADMSG, "bytes left over in element", &val);
	}
	return 0;
}

static int
dot11_mgmt_body(struct cs_rd *rd, struct cs_dot11_frame *f, struct cs_err *err)
{
	int r = 0;

	switch (f->subtype) {
	case CS_DOT11_AUTH:
		if (rd_le16(rd, &f->auth_alg) < 0 ||
		    rd_le16(rd, &f->auth_seq) < 0 ||
		    rd_le16(rd, &f->status) < 0)
			r = -EBADMSG;
		else if (f->auth_alg == CS_DOT11_AUTH_SAE)
			return dot11_fail(err, -EPROTONOSUPPORT,
			    "SAE authentication not supported", rd);
		break;
	case CS_DOT11_ASSOC_REQ:
		if (rd_le16(rd, &f->capability) < 0 ||
		    rd_le16(rd, &f->listen_interval) < 0)
			r = -EBADMSG;
		break;
	case CS_DOT11_REASSOC_REQ:
		if (rd_le16(rd, &f->capability) < 0 ||
		    rd_le16(rd, &f->listen_interval) < 0 ||
		    cs_rd_bytes(rd, f->current_ap, CS_DOT11_MAC_LEN) < 0)
			r = -EBADMSG;
		break;
	case CS_DOT11_ASSOC_RESP:
	case CS_DOT11_REASSOC_RESP:
		if (rd_le16(rd, &f->capability) < 0 ||
		    rd_le16(rd, &f->status) < 0 || rd_le16(rd, &f->aid) < 0)
			r = -EBADMSG;
		f->aid &= 0x3fff; /* §9.4.1.8: the two top bits are set */
		if (r == 0 && f->aid > 2007)
			return dot11_fail(err, -EBADMSG, "AID above 2007", rd);
		break;
	case CS_DOT11_DISASSOC:
	case CS_DOT11_DEAUTH:
		if (rd_le16(rd, &f->reason) < 0)
			r = -EBADMSG;
		break;
	default:
		return dot11_fail(err, -EPROTONOSUPPORT,
		    "management subtype not supported", rd);
	}
	if (r < 0)
		return dot11_fail(err, r, "management body truncated", rd);
	return dot11_ies(rd, &f->ies, err);
}

static int
dot11_data_body(struct cs_rd *rd, struct cs_dot11_frame *f, struct cs_err *err)
{
	const uint8_t *snap;

	if (f->subtype != CS_DOT11_SUB_DATA &&
	    f->subtype != CS_DOT11_SUB_QOS_DATA)
		return dot11_fail(
		    err, -EPROTONOSUPPORT, "data subtype not supported", rd);
	if (f->has_addr4 && cs_rd_bytes(rd, f->addr4, CS_DOT11_MAC_LEN) < 0)
		return dot11_fail(err, -EBADMSG, "address 4 truncated", rd);
	if (f->subtype == CS_DOT11_SUB_QOS_DATA) {
		if (rd_le16(rd, &f->qos) < 0)
			return dot11_fail(
			    err, -EBADMSG, "QoS Control truncated", rd);
		f->has_qos = true;
		/* §9.2.4.7: Order set in a QoS frame adds HT Control */
		if (f->flags & CS_DOT11_FC_ORDER)
			return dot11_fail(err, -EPROTONOSUPPORT,
			    "HT Control field not supported", rd);
	}
	if (!(f->flags & CS_DOT11_FC_PROTECTED)) {
		/* RFC 1042 encapsulation, as RFC 5416 §2 bridges it */
		if (cs_rd_view(rd, sizeof(dot11_snap), &snap) < 0 ||
		    memcmp(snap, dot11_snap, sizeof(dot11_snap)) != 0)
			return dot11_fail(
			    err, -EBADMSG, "no LLC/SNAP (RFC 1042) header", rd);
		if (cs_rd_u16(rd, &f->ethertype) < 0)
			return dot11_fail(
			    err, -EBADMSG, "ethertype truncated", rd);
	}
	f->payload = rd->p;
	f->payload_len = rd->left;
	return cs_rd_skip(rd, rd->left);
}

int
cs_dot11_decode(struct cs_dot11_frame *f, const uint8_t *buf, size_t len,
    struct cs_err *err)
{
	struct cs_dot11_frame t;
	struct cs_rd rd;
	uint16_t sc;
	uint8_t fc;
	int r;

	if (f == NULL || buf == NULL)
		return -EINVAL;
	memset(&t, 0, sizeof(t));
	cs_rd_init(&rd, buf, len);
	if (cs_rd_u8(&rd, &fc) < 0 || cs_rd_u8(&rd, &t.flags) < 0)
		return dot11_fail(
		    err, -EBADMSG, "frame control truncated", &rd);
	if ((fc & 0x03) != 0)
		return cs_err_set(err, -EBADMSG, "protocol version not 0", 0);
	t.type = (fc >> 2) & 0x03;
	t.subtype = fc >> 4;
	if (t.type != CS_DOT11_MGMT && t.type != CS_DOT11_DATA)
		return cs_err_set(err, -EPROTONOSUPPORT,
		    "control/extension frames not supported", 0);
	if (rd_le16(&rd, &t.duration) < 0 ||
	    cs_rd_bytes(&rd, t.addr1, CS_DOT11_MAC_LEN) < 0 ||
	    cs_rd_bytes(&rd, t.addr2, CS_DOT11_MAC_LEN) < 0 ||
	    cs_rd_bytes(&rd, t.addr3, CS_DOT11_MAC_LEN) < 0 ||
	    rd_le16(&rd, &sc) < 0)
		return dot11_fail(err, -EBADMSG, "MAC header truncated", &rd);
	t.frag = sc & 0x0f;
	t.seq = sc >> 4;
	if (t.type == CS_DOT11_MGMT) {
		if (t.flags &
		    (CS_DOT11_FC_PROTECTED | CS_DOT11_FC_TODS |
		        CS_DOT11_FC_FROMDS))
			return cs_err_set(err, -EPROTONOSUPPORT,
			    "protected or DS-bit management frame", 1);
		r = dot11_mgmt_body(&rd, &t, err);
	} else {
		t.has_addr4 = (t.flags & CS_DOT11_FC_TODS) &&
		    (t.flags & CS_DOT11_FC_FROMDS);
		r = dot11_data_body(&rd, &t, err);
	}
	if (r < 0)
		return r;
	*f = t;
	return 0;
}

static bool
dot11_ies_valid(const struct cs_dot11_ies *ies)
{
	return ies->ssid_len <= CS_DOT11_SSID_MAX &&
	    ies->n_rates <= CS_DOT11_RATES_MAX &&
	    (!ies->has_rsn ||
	        (ies->rsn.n_pairwise <= CS_DOT11_RSN_MAX &&
	            ies->rsn.n_akm <= CS_DOT11_RSN_MAX &&
	            ies->rsn.version == 1));
}

static void
dot11_put_ies(struct cs_wr *wr, const struct cs_dot11_ies *ies)
{
	const struct cs_dot11_rsn *rsn = &ies->rsn;
	uint8_t n8 = ies->n_rates > 8 ? 8 : ies->n_rates;

	if (ies->has_ssid) {
		cs_wr_u8(wr, CS_DOT11_IE_SSID);
		cs_wr_u8(wr, ies->ssid_len);
		cs_wr_bytes(wr, ies->ssid, ies->ssid_len);
	}
	if (n8 > 0) {
		cs_wr_u8(wr, CS_DOT11_IE_RATES);
		cs_wr_u8(wr, n8);
		cs_wr_bytes(wr, ies->rates, n8);
	}
	if (ies->n_rates > 8) {
		cs_wr_u8(wr, CS_DOT11_IE_EXT_RATE);
		cs_wr_u8(wr, ies->n_rates - 8);
		cs_wr_bytes(wr, ies->rates + 8, ies->n_rates - 8u);
	}
	if (ies->has_rsn) {
		cs_wr_u8(wr, CS_DOT11_IE_RSN);
		cs_wr_u8(wr,
		    (uint8_t)(2 + 4 + 2 + 4 * rsn->n_pairwise + 2 +
		        4 * rsn->n_akm + (rsn->has_caps ? 2 : 0)));
		wr_le16(wr, rsn->version);
		cs_wr_u32(wr, rsn->group);
		wr_le16(wr, rsn->n_pairwise);
		for (unsigned i = 0; i < rsn->n_pairwise; i++)
			cs_wr_u32(wr, rsn->pairwise[i]);
		wr_le16(wr, rsn->n_akm);
		for (unsigned i = 0; i < rsn->n_akm; i++)
			cs_wr_u32(wr, rsn->akm[i]);
		if (rsn->has_caps)
			wr_le16(wr, rsn->caps);
	}
	if (ies->has_ht) {
		cs_wr_u8(wr, CS_DOT11_IE_HT_CAP);
		cs_wr_u8(wr, CS_DOT11_HT_LEN);
		cs_wr_bytes(wr, ies->ht, CS_DOT11_HT_LEN);
	}
	if (ies->has_vht) {
		cs_wr_u8(wr, CS_DOT11_IE_VHT_CAP);
		cs_wr_u8(wr, CS_DOT11_VHT_LEN);
		cs_wr_bytes(wr, ies->vht, CS_DOT11_VHT_LEN);
	}
}

static int
dot11_put_mgmt(struct cs_wr *wr, const struct cs_dot11_frame *f)
{
	switch (f->subtype) {
	case CS_DOT11_AUTH:
		if (f->auth_alg == CS_DOT11_AUTH_SAE)
			return -EINVAL;
		wr_le16(wr, f->auth_alg);
		wr_le16(wr, f->auth_seq);
		wr_le16(wr, f->status);
		break;
	case CS_DOT11_ASSOC_REQ:
	case CS_DOT11_REASSOC_REQ:
		wr_le16(wr, f->capability);
		wr_le16(wr, f->listen_interval);
		if (f->subtype == CS_DOT11_REASSOC_REQ)
			cs_wr_bytes(wr, f->current_ap, CS_DOT11_MAC_LEN);
		break;
	case CS_DOT11_ASSOC_RESP:
	case CS_DOT11_REASSOC_RESP:
		if (f->aid > 2007) /* §9.4.1.8 */
			return -EINVAL;
		wr_le16(wr, f->capability);
		wr_le16(wr, f->status);
		wr_le16(wr, f->aid | 0xc000);
		break;
	case CS_DOT11_DISASSOC:
	case CS_DOT11_DEAUTH:
		wr_le16(wr, f->reason);
		break;
	default:
		return -EINVAL;
	}
	if (!dot11_ies_valid(&f->ies))
		return -EINVAL;
	dot11_put_ies(wr, &f->ies);
	return 0;
}

int
cs_dot11_encode(const struct cs_dot11_frame *f, struct cs_wr *wr)
{
	uint8_t flags;
	int r = 0;

	if (f == NULL || wr == NULL)
		return -EINVAL;
	flags = f->flags;
	if (f->type == CS_DOT11_MGMT)
		r = (flags &
		        (CS_DOT11_FC_PROTECTED | CS_DOT11_FC_TODS |
		            CS_DOT11_FC_FROMDS))
		    ? -EINVAL
		    : 0;
	else if (f->type == CS_DOT11_DATA)
		r = (f->subtype != CS_DOT11_SUB_DATA &&
		        f->subtype != CS_DOT11_SUB_QOS_DATA) ||
		        (f->subtype == CS_DOT11_SUB_QOS_DATA &&
		            (flags & CS_DOT11_FC_ORDER)) ||
		        (f->payload == NULL && f->payload_len > 0)
		    ? -EINVAL
		    : 0;
	else
		r = -EINVAL;
	if (r < 0 || f->seq > 0x0fff || f->frag > 0x0f) {
		cs_wr_fail(wr, -EINVAL);
		return -EINVAL;
	}
	cs_wr_u8(wr, (uint8_t)(f->type << 2 | f->subtype << 4));
	cs_wr_u8(wr, flags);
	wr_le16(wr, f->duration);
	cs_wr_bytes(wr, f->addr1, CS_DOT11_MAC_LEN);
	cs_wr_bytes(wr, f->addr2, CS_DOT11_MAC_LEN);
	cs_wr_bytes(wr, f->addr3, CS_DOT11_MAC_LEN);
	wr_le16(wr, (uint16_t)(f->seq << 4 | f->frag));
	if (f->type == CS_DOT11_MGMT) {
		if ((r = dot11_put_mgmt(wr, f)) < 0) {
			cs_wr_fail(wr, r);
			return r;
		}
		return wr->err;
	}
	if ((flags & CS_DOT11_FC_TODS) && (flags & CS_DOT11_FC_FROMDS))
		cs_wr_bytes(wr, f->addr4, CS_DOT11_MAC_LEN);
	if (f->subtype == CS_DOT11_SUB_QOS_DATA)
		wr_le16(wr, f->qos);
	if (!(flags & CS_DOT11_FC_PROTECTED)) {
		cs_wr_bytes(wr, dot11_snap, sizeof(dot11_snap));
		cs_wr_u16(wr, f->ethertype);
	}
	if (f->payload_len > 0)
		cs_wr_bytes(wr, f->payload, f->payload_len);
	return wr->err;
}

static void
dot11_copy_mac(uint8_t *dst, const uint8_t *src)
{
	if (src != NULL)
		memcpy(dst, src, CS_DOT11_MAC_LEN);
	else
		memset(dst, 0, CS_DOT11_MAC_LEN);
}

void
cs_dot11_init_mgmt(struct cs_dot11_frame *f, uint8_t subtype, const uint8_t *da,
    const uint8_t *sa, const uint8_t *bssid)
{
	memset(f, 0, sizeof(*f));
	f->type = CS_DOT11_MGMT;
	f->subtype = subtype;
	dot11_copy_mac(f->addr1, da);
	dot11_copy_mac(f->addr2, sa);
	dot11_copy_mac(f->addr3, bssid);
}

void
cs_dot11_init_data(struct cs_dot11_frame *f, bool to_ds, const uint8_t *bssid,
    const uint8_t *sa, const uint8_t *da, uint16_t ethertype,
    const uint8_t *payload, size_t len)
{
	memset(f, 0, sizeof(*f));
	f->type = CS_DOT11_DATA;
	f->subtype = CS_DOT11_SUB_DATA;
	if (to_ds) {
		f->flags = CS_DOT11_FC_TODS;
		dot11_copy_mac(f->addr1, bssid);
		dot11_copy_mac(f->addr2, sa);
		dot11_copy_mac(f->addr3, da);
	} else {
		f->flags = CS_DOT11_FC_FROMDS;
		dot11_copy_mac(f->addr1, da);
		dot11_copy_mac(f->addr2, bssid);
		dot11_copy_mac(f->addr3, sa);
	}
	f->ethertype = ethertype;
	f->payload = payload;
	f->payload_len = len;
}

/* §9.3.2.1 table 9-30: address fields by ToDS/FromDS. */
const uint8_t *
cs_dot11_data_sa(const struct cs_dot11_frame *f)
{
	if (f == NULL || f->type != CS_DOT11_DATA)
		return NULL;
	switch (f->flags & (CS_DOT11_FC_TODS | CS_DOT11_FC_FROMDS)) {
	case 0:
	case CS_DOT11_FC_TODS:
		return f->addr2;
	case CS_DOT11_FC_FROMDS:
		return f->addr3;
	default:
		return f->addr4;
	}
}

const uint8_t *
cs_dot11_data_da(const struct cs_dot11_frame *f)
{
	if (f == NULL || f->type != CS_DOT11_DATA)
		return NULL;
	switch (f->flags & (CS_DOT11_FC_TODS | CS_DOT11_FC_FROMDS)) {
	case 0:
	case CS_DOT11_FC_FROMDS:
		return f->addr1;
	default:
		return f->addr3;
	}
}

const char *
cs_dot11_subtype_name(uint8_t type, uint8_t subtype)
{
	static const char *const mgmt[16] = {
		[CS_DOT11_ASSOC_REQ] = "Association Request",
		[CS_DOT11_ASSOC_RESP] = "Association Response",
		[CS_DOT11_REASSOC_REQ] = "Reassociation Request",
		[CS_DOT11_REASSOC_RESP] = "Reassociation Response",
		[CS_DOT11_PROBE_REQ] = "Probe Request",
		[CS_DOT11_PROBE_RESP] = "Probe Response",
		[CS_DOT11_BEACON] = "Beacon",
		[CS_DOT11_DISASSOC] = "Disassociation",
		[CS_DOT11_AUTH] = "Authentication",
		[CS_DOT11_DEAUTH] = "Deauthentication",
		[CS_DOT11_ACTION] = "Action",
	};

	if (type == CS_DOT11_MGMT && subtype < 16 && mgmt[subtype] != NULL)
		return mgmt[subtype];
	if (type == CS_DOT11_DATA && subtype == CS_DOT11_SUB_DATA)
		return "Data";
	if (type == CS_DOT11_DATA && subtype == CS_DOT11_SUB_QOS_DATA)
		return "QoS Data";
	return "unknown";
}

const char *
cs_dot11_status_name(uint16_t status, char *buf, size_t cap)
{
	switch (status) {
	case CS_DOT11_STATUS_SUCCESS:
		return "success";
	case CS_DOT11_STATUS_UNSPECIFIED:
		return "unspecified failure";
	case CS_DOT11_STATUS_AP_FULL:
		return "AP unable to handle more stations";
	case CS_DOT11_STATUS_BASIC_RATES:
		return "basic rates not supported";
	case CS_DOT11_STATUS_INVALID_RSNE:
		return "invalid RSNE";
	}
	if (buf != NULL && cap > 0)
		snprintf(buf, cap, "status %u", status);
	return buf != NULL ? buf : "unknown status";
}

const char *
cs_dot11_reason_name(uint16_t reason, char *buf, size_t cap)
{
	switch (reason) {
	case CS_DOT11_REASON_UNSPECIFIED:
		return "unspecified";
	case CS_DOT11_REASON_PREV_AUTH:
		return "previous authentication no longer valid";
	case CS_DOT11_REASON_LEAVING:
		return "deauthenticated: station leaving";
	case CS_DOT11_REASON_INACTIVITY:
		return "inactivity";
	case CS_DOT11_REASON_AP_FULL:
		return "AP unable to handle all associated stations";
	case CS_DOT11_REASON_DISASSOC_LEAV:
		return "disassociated: station leaving";
	case CS_DOT11_REASON_4WAY_TIMEOUT:
		return "4-way handshake timeout";
	}
	if (buf != NULL && cap > 0)
		snprintf(buf, cap, "reason %u", reason);
	return buf != NULL ? buf : "unknown reason";
}
