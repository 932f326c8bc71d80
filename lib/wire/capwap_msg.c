/* SPDX-License-Identifier: MIT */
/*
 * CAPWAP control messages (RFC 5415 §4.5, §4.6): the strict decoder with
 * its element TLV walk, the mandatory-element rules of RFC 5415 §5-§10 and
 * RFC 5416 §3, the re-encoder and the message builder.
 */
#include "capsim/capwap.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "capsim/cursor.h"

#include "capwap-internal.h"

/* Is element e known and allowed in message bit `mbit`? */
static bool
msg_elem_known(const struct cs_elem_desc *d, uint32_t mbit, unsigned flags)
{
	if (d == NULL)
		return false;
	if ((d->flags & CS_ED_CISCO) && !(flags & CS_MSG_F_CISCO))
		return false;
	/* A message type we do not know: only the table decides. */
	return mbit == 0 || (d->allowed_in & mbit) != 0;
}

int
cs_msg_decode(struct cs_msg *m, const uint8_t *buf, size_t len, unsigned flags,
    struct cs_err *err)
{
	struct cs_msg t;
	struct cs_rd rd, elems;
	uint32_t mbit;
	size_t off;
	int r;

	if (m == NULL || buf == NULL)
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	if (len > CS_CAPWAP_MAX_MSG)
		return cs_err_set(
		    err, -EMSGSIZE, "message longer than CS_CAPWAP_MAX_MSG", 0);
	cs_rd_init(&rd, buf, len);
	if ((r = cs_capwap_hdr_decode(&rd, &t.hdr, err)) < 0)
		return r;
	if (t.hdr.is_fragment)
		return cs_err_set(
		    err, -EBADMSG, "fragment: reassemble before decoding", 1);
	off = cs_rd_off(&rd);
	if ((r = cs_ctl_hdr_decode(&rd, &t.ctl, err)) < 0)
		return r;
	if (t.ctl.flags != 0) /* RFC 5415 §4.5.1: MUST be 0 */
		return cs_err_set(
		    err, -EBADMSG, "control flags not zero", off + 7);
	/* §4.5.1: Msg Element Length counts the bytes after the sequence
	 * number: itself (2), the flags (1) and the elements. */
	if (t.ctl.elem_len < CS_CTL_ELEM_LEN_ADJ)
		return cs_err_set(
		    err, -EBADMSG, "message element length below 3", off + 5);
	if (cs_rd_sub(&rd, t.ctl.elem_len - CS_CTL_ELEM_LEN_ADJ, &elems) < 0)
		return cs_err_set(err, -EBADMSG,
		    "message element length beyond datagram", off + 5);
	if (rd.left != 0)
		return cs_err_set(err, -EBADMSG,
		    "trailing bytes after message elements", cs_rd_off(&rd));

	mbit = cs_msg_bit(t.ctl.type);
	t.n_elems = 0;
	t.n_unknown = 0;
	t.first_unknown = 0;
	while (elems.left > 0) {
		const struct cs_elem_desc *d;
		struct cs_elem *e;
		uint16_t type, elen;
		const uint8_t *val;

		off = cs_rd_off(&elems);
		if (t.n_elems == CS_MAX_ELEMS)
			return cs_err_set(err, -E2BIG,
			    "more than CS_MAX_ELEMS message elements", off);
		if (cs_rd_u16(&elems, &type) < 0 ||
		    cs_rd_u16(&elems, &elen) < 0)
			return cs_err_set(err, -EBADMSG,
			    "message element header truncated", off);
		if (cs_rd_view(&elems, elen, &val) < 0)
			return cs_err_set(err, -EBADMSG,
			    "message element length beyond message", off + 2);
		d = cs_elem_desc(type);
		if (d != NULL && (elen < d->min_len || elen > d->max_len)) {
			/* The draft-7 WTP Descriptor is shorter (>= 31) than
			 * the RFC form (>= 33); the table holds the lower
			 * bound and the typed getter checks the form. */
			return cs_err_set(err, -EBADMSG,
			    "message element length out of range for its type",
			    off + 2);
		}
		if (!msg_elem_known(d, mbit, flags)) {
			if (t.n_unknown++ == 0)
				t.first_unknown = type;
		}
		e = &t.elems[t.n_elems++];
		e->type = type;
		e->len = elen;
		e->val = val;
		e->off = off;
	}
	memcpy(m, &t,
	    offsetof(struct cs_msg, elems) + t.n_elems * sizeof(t.elems[0]));
	m->n_unknown = t.n_unknown;
	m->first_unknown = t.first_unknown;
	return 0;
}

/*
 * Mandatory elements, RFC 5415 §5-§10 and RFC 5416 §3, §5.  Each row is
 * one requirement for one message type: at least one of alt[] must be
 * present.  `mode` limits a row to RFC or Cisco (CS_MSG_F_CISCO) decoding.
 */
enum mand_mode {
	MAND_BOTH,
	MAND_RFC,
	MAND_CISCO
};

struct mand_rule {
	uint32_t msg;
	uint8_t mode;
	uint16_t alt[11]; /* zero-terminated */
};

#define DISC_REQ_RULES(m)                                                      \
	{ m, MAND_BOTH, { CS_EL_DISCOVERY_TYPE } },                            \
	    { m, MAND_BOTH, { CS_EL_BOARD_DATA } },                            \
	    { m, MAND_BOTH, { CS_EL_WTP_DESCRIPTOR } },                        \
	    { m, MAND_BOTH, { CS_EL_FRAME_TUNNEL_MODE } },                     \
	    { m, MAND_BOTH, { CS_EL_MAC_TYPE } },                              \
	{                                                                      \
		m, MAND_BOTH,                                                  \
		{                                                              \
			CS_EL_80211_RADIO_INFO                                 \
		}                                                              \
	}
#define DISC_RESP_RULES(m)                                                     \
	{ m, MAND_BOTH, { CS_EL_AC_DESCRIPTOR } },                             \
	    { m, MAND_BOTH, { CS_EL_AC_NAME } },                               \
	    { m, MAND_BOTH, { CS_EL_80211_RADIO_INFO } },                      \
	{                                                                      \
		m, MAND_BOTH,                                                  \
		{                                                              \
			CS_EL_CTRL_IPV4, CS_EL_CTRL_IPV6                       \
		}                                                              \
	}

static const struct mand_rule mand_rules[] = {
	/* §5.1, §5.3, RFC 5416 §5.1, §5.3 */
	DISC_REQ_RULES(CS_MSG_DISCOVERY_REQ),
	DISC_REQ_RULES(CS_MSG_PRIMARY_DISCOVERY_REQ),
	/* §5.2, §5.4, RFC 5416 §5.2, §5.4 */
	DISC_RESP_RULES(CS_MSG_DISCOVERY_RESP),
	DISC_RESP_RULES(CS_MSG_PRIMARY_DISCOVERY_RESP),
	/* §6.1, RFC 5416 §5.5; Cisco carries draft-7 42/43 and no ECN
	 * Support (actube join_request_elements) */
	{ CS_MSG_JOIN_REQ, MAND_BOTH, { CS_EL_LOCATION } },
	{ CS_MSG_JOIN_REQ, MAND_BOTH, { CS_EL_BOARD_DATA } },
	{ CS_MSG_JOIN_REQ, MAND_BOTH, { CS_EL_WTP_DESCRIPTOR } },
	{ CS_MSG_JOIN_REQ, MAND_BOTH, { CS_EL_WTP_NAME } },
	{ CS_MSG_JOIN_REQ, MAND_BOTH, { CS_EL_SESSION_ID } },
	{ CS_MSG_JOIN_REQ, MAND_BOTH, { CS_EL_FRAME_TUNNEL_MODE } },
	{ CS_MSG_JOIN_REQ, MAND_BOTH, { CS_EL_MAC_TYPE } },
	{ CS_MSG_JOIN_REQ, MAND_BOTH, { CS_EL_80211_RADIO_INFO } },
	{ CS_MSG_JOIN_REQ, MAND_RFC, { CS_EL_ECN_SUPPORT } },
	{ CS_MSG_JOIN_REQ, MAND_RFC, { CS_EL_LOCAL_IPV4, CS_EL_LOCAL_IPV6 } },
	{ CS_MSG_JOIN_REQ, MAND_CISCO,
	    { CS_EL_LOCAL_IPV4, CS_EL_LOCAL_IPV6, CS_EL_CISCO_WTP_IPV4,
	        CS_EL_CISCO_WTP_IPV6 } },
	/* §6.2, RFC 5416 §5.6 */
	{ CS_MSG_JOIN_RESP, MAND_BOTH, { CS_EL_RESULT_CODE } },
	{ CS_MSG_JOIN_RESP, MAND_BOTH, { CS_EL_AC_DESCRIPTOR } },
	{ CS_MSG_JOIN_RESP, MAND_BOTH, { CS_EL_AC_NAME } },
	{ CS_MSG_JOIN_RESP, MAND_BOTH, { CS_EL_80211_RADIO_INFO } },
	{ CS_MSG_JOIN_RESP, MAND_RFC, { CS_EL_ECN_SUPPORT } },
	{ CS_MSG_JOIN_RESP, MAND_BOTH, { CS_EL_CTRL_IPV4, CS_EL_CTRL_IPV6 } },
	{ CS_MSG_JOIN_RESP, MAND_RFC, { CS_EL_LOCAL_IPV4, CS_EL_LOCAL_IPV6 } },
	/* §8.2, RFC 5416 §5.7 (Radio Information for every radio) */
	{ CS_MSG_CONFIG_STATUS_REQ, MAND_BOTH, { CS_EL_AC_NAME } },
	{ CS_MSG_CONFIG_STATUS_REQ, MAND_BOTH, { CS_EL_RADIO_ADMIN_STATE } },
	{ CS_MSG_CONFIG_STATUS_REQ, MAND_BOTH, { CS_EL_STATS_TIMER } },
	{ CS_MSG_CONFIG_STATUS_REQ, MAND_BOTH, { CS_EL_REBOOT_STATS } },
	{ CS_MSG_CONFIG_STATUS_REQ, MAND_BOTH, { CS_EL_80211_RADIO_INFO } },
	/* §8.3 */
	{ CS_MSG_CONFIG_STATUS_RESP, MAND_BOTH, { CS_EL_TIMERS } },
	{ CS_MSG_CONFIG_STATUS_RESP, MAND_BOTH, { CS_EL_DECRYPT_ERR_PERIOD } },
	{ CS_MSG_CONFIG_STATUS_RESP, MAND_BOTH, { CS_EL_IDLE_TIMEOUT } },
	{ CS_MSG_CONFIG_STATUS_RESP, MAND_BOTH, { CS_EL_WTP_FALLBACK } },
	{ CS_MSG_CONFIG_STATUS_RESP, MAND_BOTH,
	    { CS_EL_AC_IPV4_LIST, CS_EL_AC_IPV6_LIST } },
	/* §8.4: only MAY elements.  §8.5 */
	{ CS_MSG_CONFIG_UPDATE_RESP, MAND_BOTH, { CS_EL_RESULT_CODE } },
	/* §8.6 */
	{ CS_MSG_CHANGE_STATE_REQ, MAND_BOTH, { CS_EL_RADIO_OPER_STATE } },
	{ CS_MSG_CHANGE_STATE_REQ, MAND_BOTH, { CS_EL_RESULT_CODE } },
	/* §8.8 none; §8.9 */
	{ CS_MSG_CLEAR_CONFIG_RESP, MAND_BOTH, { CS_EL_RESULT_CODE } },
	/* §9.1.1 none; §9.1.2 */
	{ CS_MSG_IMAGE_DATA_RESP, MAND_BOTH, { CS_EL_RESULT_CODE } },
	/* §9.2; §9.3 none */
	{ CS_MSG_RESET_REQ, MAND_BOTH, { CS_EL_IMAGE_ID } },
	/* §9.4 "MUST contain one of", RFC 5416 §5.12 adds binding ones */
	{ CS_MSG_WTP_EVENT_REQ, MAND_BOTH,
	    { CS_EL_DECRYPT_ERR_REPORT, CS_EL_DUPLICATE_IPV4,
	        CS_EL_DUPLICATE_IPV6, CS_EL_RADIO_STATS, CS_EL_REBOOT_STATS,
	        CS_EL_DELETE_STATION, CS_EL_VENDOR_PAYLOAD,
	        CS_EL_80211_MIC_COUNTERMEASURES, CS_EL_80211_RSNA_ERROR_REPORT,
	        CS_EL_80211_STATISTICS } },
	/* §9.6.1: Mode when sent by the AC, Data when sent by the WTP */
	{ CS_MSG_DATA_TRANSFER_REQ, MAND_BOTH,
	    { CS_EL_DATA_TRANSFER_MODE, CS_EL_DATA_TRANSFER_DATA } },
	/* §9.6.2 */
	{ CS_MSG_DATA_TRANSFER_RESP, MAND_BOTH, { CS_EL_RESULT_CODE } },
	/* §10.1 only MAY elements; §10.2 */
	{ CS_MSG_STATION_CONFIG_RESP, MAND_BOTH, { CS_EL_RESULT_CODE } },
	/* RFC 5416 §3.1 "Only one message element MUST be present" */
	{ CS_MSG_WLAN_CONFIG_REQ, MAND_BOTH,
	    { CS_EL_80211_ADD_WLAN, CS_EL_80211_DELETE_WLAN,
	        CS_EL_80211_UPDATE_WLAN } },
	/* RFC 5416 §3.2 */
	{ CS_MSG_WLAN_CONFIG_RESP, MAND_BOTH, { CS_EL_RESULT_CODE } },
};

int
cs_msg_missing(const struct cs_msg *m, unsigned flags, uint16_t *type)
{
	uint8_t skip = (flags & CS_MSG_F_CISCO) ? MAND_RFC : MAND_CISCO;

	if (m == NULL || type == NULL)
		return -EINVAL;
	for (size_t i = 0; i < CS_ARRAY_SIZE(mand_rules); i++) {
		const struct mand_rule *rule = &mand_rules[i];
		bool found = false;

		if (rule->msg != m->ctl.type || rule->mode == skip)
			continue;
		for (size_t j = 0; j < CS_ARRAY_SIZE(rule->alt) &&
		     rule->alt[j] != 0 && !found;
		     j++)
			found = cs_msg_find(m, rule->alt[j], 0) != NULL;
		if (!found) {
			*type = rule->alt[0];
			return 1;
		}
	}
	return 0;
}

const struct cs_elem *
cs_msg_find(const struct cs_msg *m, uint16_t type, unsigned idx)
{
	if (m == NULL)
		return NULL;
	for (unsigned i = 0; i < m->n_elems; i++) {
		if (m->elems[i].type != type)
			continue;
		if (idx-- == 0)
			return &m->elems[i];
	}
	return NULL;
}

unsigned
cs_msg_count(const struct cs_msg *m, uint16_t type)
{
	unsigned n = 0;

	if (m == NULL)
		return 0;
	for (unsigned i = 0; i < m->n_elems; i++)
		n += m->elems[i].type == type;
	return n;
}

void
cs_el_put(struct cs_wr *wr, uint16_t type, const void *val, size_t len)
{
	if (len > UINT16_MAX) {
		cs_wr_fail(wr, -EMSGSIZE);
		return;
	}
	cs_wr_u16(wr, type);
	cs_wr_u16(wr, (uint16_t)len);
	cs_wr_bytes(wr, val, len);
}

void
cs_msgb_begin(struct cs_msgb *b, struct cs_wr *wr,
    const struct cs_capwap_hdr *hdr, uint32_t type, uint8_t seq)
{
	struct cs_ctl_hdr c = { .type = type, .seq = seq };

	b->wr = wr;
	b->start = wr->len;
	cs_capwap_hdr_encode(wr, hdr);
	b->len_at = wr->len + 5;
	cs_ctl_hdr_encode(wr, &c);
}

int
cs_msgb_end(struct cs_msgb *b)
{
	struct cs_wr *wr = b->wr;
	size_t n;

	if (wr->err != 0)
		return wr->err;
	/* RFC 5415 §4.5.1: bytes following the Sequence Number field. */
	n = wr->len - b->len_at;
	if (n > UINT16_MAX) {
		cs_wr_fail(wr, -EMSGSIZE);
		return wr->err;
	}
	cs_wr_put16_at(wr, b->len_at, (uint16_t)n);
	return wr->err;
}

int
cs_msg_encode(const struct cs_msg *m, struct cs_wr *wr)
{
	struct cs_msgb b;

	cs_msgb_begin(&b, wr, &m->hdr, m->ctl.type, m->ctl.seq);
	for (unsigned i = 0; i < m->n_elems; i++)
		cs_el_put(
		    wr, m->elems[i].type, m->elems[i].val, m->elems[i].len);
	return cs_msgb_end(&b);
}
