/* SPDX-License-Identifier: MIT */
/*
 * Typed CAPWAP message elements (RFC 5415 §4.6, RFC 5416 §6.25, draft-7
 * forms Cisco uses): one encoder and one strict decoder per element.
 * Decoders read only the element's value view, write their output only
 * on success and report absolute offsets (from the element's TLV offset).
 */
#include "capsim/capwap.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "capsim/cursor.h"

#include "capwap-internal.h"

int
capwap_el_fail(const struct cs_elem *e, const struct cs_rd *rd,
    struct cs_err *err, int code, const char *what)
{
	return cs_err_set(
	    err, code, what, CAPWAP_EL_VAL_OFF(e) + cs_rd_off(rd));
}

/* Checks arguments, type and the table's length bounds; opens a cursor
 * on the value. */
int
capwap_el_open(const struct cs_elem *e, const void *v, uint16_t type,
    struct cs_rd *rd, struct cs_err *err)
{
	const struct cs_elem_desc *d;

	if (e == NULL || v == NULL || (e->val == NULL && e->len != 0))
		return cs_err_set(err, -EINVAL, "NULL argument", 0);
	if (e->type != type)
		return cs_err_set(err, -EINVAL, "wrong element type", e->off);
	d = cs_elem_desc(type);
	if (d != NULL && (e->len < d->min_len || e->len > d->max_len))
		return cs_err_set(err, -EBADMSG,
		    "message element length out of range for its type",
		    e->off + 2);
	cs_rd_init(rd, e->val, e->len);
	return 0;
}

/* Fixed layouts end exactly at the element's end (STYLE G7). */
int
capwap_el_close(
    const struct cs_elem *e, const struct cs_rd *rd, struct cs_err *err)
{
	if (rd->left != 0)
		return capwap_el_fail(
		    e, rd, err, -EBADMSG, "leftover bytes in message element");
	return 0;
}

int
capwap_el_trunc(
    const struct cs_elem *e, const struct cs_rd *rd, struct cs_err *err)
{
	return capwap_el_fail(
	    e, rd, err, -EBADMSG, "message element truncated");
}

size_t
capwap_el_begin(struct cs_wr *wr, uint16_t type)
{
	cs_wr_u16(wr, type);
	return cs_wr_mark16(wr);
}

void
capwap_el_end(struct cs_wr *wr, size_t at)
{
	cs_wr_patch16(wr, at);
}

static void
el_str_view(struct cs_rd *rd, struct cs_str *s)
{
	const uint8_t *p = NULL;
	size_t n = rd->left;

	(void)cs_rd_view(rd, n, &p);
	s->s = (const char *)p;
	s->len = n;
}

/* A string element: 1..max bytes of UTF-8 (not validated as UTF-8). */
static void
el_put_str(struct cs_wr *wr, uint16_t type, const struct cs_str *s, size_t max)
{
	if (s->len < 1 || s->len > max || s->s == NULL) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	cs_el_put(wr, type, s->s, s->len);
}

static int
el_get_str(const struct cs_elem *e, const void *v, uint16_t type,
    struct cs_str *out, struct cs_err *err)
{
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, type, &rd, err)) < 0)
		return r;
	el_str_view(&rd, out);
	return 0;
}

/* Single-byte elements share one shape. */
#define EL_U8(name, TYPE, field)                                               \
	void cs_el_put_##name(struct cs_wr *wr, const struct cs_el_##name *v)  \
	{                                                                      \
		cs_el_put(wr, TYPE, &v->field, 1);                             \
	}                                                                      \
	int cs_el_get_##name(const struct cs_elem *e, struct cs_el_##name *v,  \
	    struct cs_err *err)                                                \
	{                                                                      \
		struct cs_el_##name t;                                         \
		struct cs_rd rd;                                               \
		int r;                                                         \
		if ((r = capwap_el_open(e, v, TYPE, &rd, err)) < 0)            \
			return r;                                              \
		memset(&t, 0, sizeof(t));                                      \
		if (cs_rd_u8(&rd, &t.field) < 0)                               \
			return capwap_el_trunc(e, &rd, err);                   \
		if ((r = capwap_el_close(e, &rd, err)) < 0)                    \
			return r;                                              \
		memcpy(v, &t, sizeof(t));                                      \
		return 0;                                                      \
	}

/* RFC 5415 §4.6.21, §4.6.16, §4.6.42, §4.6.43, §4.6.44, §4.6.14, §4.6.25 */
EL_U8(discovery_type, CS_EL_DISCOVERY_TYPE, type)
EL_U8(data_transfer_mode, CS_EL_DATA_TRANSFER_MODE, mode)
EL_U8(wtp_fallback, CS_EL_WTP_FALLBACK, mode)
EL_U8(frame_tunnel_mode, CS_EL_FRAME_TUNNEL_MODE, mode)
EL_U8(mac_type, CS_EL_MAC_TYPE, type)
EL_U8(transport_proto, CS_EL_TRANSPORT_PROTO, proto)
EL_U8(ecn_support, CS_EL_ECN_SUPPORT, ecn)

/* Elements that are one u16 / u32. */
#define EL_UN(name, TYPE, field, bits)                                         \
	void cs_el_put_##name(struct cs_wr *wr, const struct cs_el_##name *v)  \
	{                                                                      \
		size_t at = capwap_el_begin(wr, TYPE);                         \
		cs_wr_u##bits(wr, v->field);                                   \
		capwap_el_end(wr, at);                                         \
	}                                                                      \
	int cs_el_get_##name(const struct cs_elem *e, struct cs_el_##name *v,  \
	    struct cs_err *err)                                                \
	{                                                                      \
		struct cs_el_##name t;                                         \
		struct cs_rd rd;                                               \
		int r;                                                         \
		if ((r = capwap_el_open(e, v, TYPE, &rd, err)) < 0)            \
			return r;                                              \
		memset(&t, 0, sizeof(t));                                      \
		if (cs_rd_u##bits(&rd, &t.field) < 0)                          \
			return capwap_el_trunc(e, &rd, err);                   \
		if ((r = capwap_el_close(e, &rd, err)) < 0)                    \
			return r;                                              \
		memcpy(v, &t, sizeof(t));                                      \
		return 0;                                                      \
	}

/* §4.6.6, §4.6.24, §4.6.31, §4.6.11, §4.6.35, §4.6.38, draft-7 §4.6.42 */
EL_UN(ac_timestamp, CS_EL_AC_TIMESTAMP, timestamp, 32)
EL_UN(idle_timeout, CS_EL_IDLE_TIMEOUT, timeout, 32)
EL_UN(max_msg_len, CS_EL_MAX_MSG_LEN, max_len, 16)
EL_UN(local_ipv4, CS_EL_LOCAL_IPV4, addr, 32)
EL_UN(result_code, CS_EL_RESULT_CODE, code, 32)
EL_UN(stats_timer, CS_EL_STATS_TIMER, interval, 16)
EL_UN(cisco_wtp_ipv4, CS_EL_CISCO_WTP_IPV4, addr, 32)

/* Elements that are one fixed byte array. */
#define EL_ARR(name, TYPE, field)                                              \
	void cs_el_put_##name(struct cs_wr *wr, const struct cs_el_##name *v)  \
	{                                                                      \
		cs_el_put(wr, TYPE, v->field, sizeof(v->field));               \
	}                                                                      \
	int cs_el_get_##name(const struct cs_elem *e, struct cs_el_##name *v,  \
	    struct cs_err *err)                                                \
	{                                                                      \
		struct cs_el_##name t;                                         \
		struct cs_rd rd;                                               \
		int r;                                                         \
		if ((r = capwap_el_open(e, v, TYPE, &rd, err)) < 0)            \
			return r;                                              \
		memset(&t, 0, sizeof(t));                                      \
		if (cs_rd_bytes(&rd, t.field, sizeof(t.field)) < 0)            \
			return capwap_el_trunc(e, &rd, err);                   \
		if ((r = capwap_el_close(e, &rd, err)) < 0)                    \
			return r;                                              \
		memcpy(v, &t, sizeof(t));                                      \
		return 0;                                                      \
	}

/* §4.6.12, §4.6.37 */
EL_ARR(local_ipv6, CS_EL_LOCAL_IPV6, addr)
EL_ARR(session_id, CS_EL_SESSION_ID, id)

int
capwap_el_fixed_done(const struct cs_elem *e, const struct cs_rd *rd, int bad,
    void *v, const void *t, size_t size, struct cs_err *err)
{
	int r;

	if (bad)
		return capwap_el_trunc(e, rd, err);
	if ((r = capwap_el_close(e, rd, err)) < 0)
		return r;
	memcpy(v, t, size);
	return 0;
}

/* §4.6.9 */
void
cs_el_put_ctrl_ipv4(struct cs_wr *wr, const struct cs_el_ctrl_ipv4 *v)
{
	size_t at = capwap_el_begin(wr, CS_EL_CTRL_IPV4);

	cs_wr_u32(wr, v->addr);
	cs_wr_u16(wr, v->wtp_count);
	capwap_el_end(wr, at);
}

int
cs_el_get_ctrl_ipv4(
    const struct cs_elem *e, struct cs_el_ctrl_ipv4 *v, struct cs_err *err)
{
	struct cs_el_ctrl_ipv4 t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_CTRL_IPV4, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	r = cs_rd_u32(&rd, &t.addr) | cs_rd_u16(&rd, &t.wtp_count);
	return capwap_el_fixed_done(e, &rd, r, v, &t, sizeof(t), err);
}

/* §4.6.10 */
void
cs_el_put_ctrl_ipv6(struct cs_wr *wr, const struct cs_el_ctrl_ipv6 *v)
{
	size_t at = capwap_el_begin(wr, CS_EL_CTRL_IPV6);

	cs_wr_bytes(wr, v->addr, sizeof(v->addr));
	cs_wr_u16(wr, v->wtp_count);
	capwap_el_end(wr, at);
}

int
cs_el_get_ctrl_ipv6(
    const struct cs_elem *e, struct cs_el_ctrl_ipv6 *v, struct cs_err *err)
{
	struct cs_el_ctrl_ipv6 t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_CTRL_IPV6, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	r = cs_rd_bytes(&rd, t.addr, sizeof(t.addr)) |
	    cs_rd_u16(&rd, &t.wtp_count);
	return capwap_el_fixed_done(e, &rd, r, v, &t, sizeof(t), err);
}

/* §4.6.13 */
void
cs_el_put_timers(struct cs_wr *wr, const struct cs_el_timers *v)
{
	size_t at = capwap_el_begin(wr, CS_EL_TIMERS);

	cs_wr_u8(wr, v->discovery);
	cs_wr_u8(wr, v->echo_request);
	capwap_el_end(wr, at);
}

int
cs_el_get_timers(
    const struct cs_elem *e, struct cs_el_timers *v, struct cs_err *err)
{
	struct cs_el_timers t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_TIMERS, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	r = cs_rd_u8(&rd, &t.discovery) | cs_rd_u8(&rd, &t.echo_request);
	return capwap_el_fixed_done(e, &rd, r, v, &t, sizeof(t), err);
}

/* §4.6.18 */
void
cs_el_put_decrypt_err_period(
    struct cs_wr *wr, const struct cs_el_decrypt_err_period *v)
{
	size_t at = capwap_el_begin(wr, CS_EL_DECRYPT_ERR_PERIOD);

	cs_wr_u8(wr, v->radio_id);
	cs_wr_u16(wr, v->report_interval);
	capwap_el_end(wr, at);
}

int
cs_el_get_decrypt_err_period(const struct cs_elem *e,
    struct cs_el_decrypt_err_period *v, struct cs_err *err)
{
	struct cs_el_decrypt_err_period t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_DECRYPT_ERR_PERIOD, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	r = cs_rd_u8(&rd, &t.radio_id) | cs_rd_u16(&rd, &t.report_interval);
	return capwap_el_fixed_done(e, &rd, r, v, &t, sizeof(t), err);
}

/* §4.6.28 */
void
cs_el_put_image_info(struct cs_wr *wr, const struct cs_el_image_info *v)
{
	size_t at = capwap_el_begin(wr, CS_EL_IMAGE_INFO);

	cs_wr_u32(wr, v->file_size);
	cs_wr_bytes(wr, v->hash, sizeof(v->hash));
	capwap_el_end(wr, at);
}

int
cs_el_get_image_info(
    const struct cs_elem *e, struct cs_el_image_info *v, struct cs_err *err)
{
	struct cs_el_image_info t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_IMAGE_INFO, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	r = cs_rd_u32(&rd, &t.file_size) |
	    cs_rd_bytes(&rd, t.hash, sizeof(t.hash));
	return capwap_el_fixed_done(e, &rd, r, v, &t, sizeof(t), err);
}

/* §4.6.33 */
void
cs_el_put_radio_admin_state(
    struct cs_wr *wr, const struct cs_el_radio_admin_state *v)
{
	size_t at = capwap_el_begin(wr, CS_EL_RADIO_ADMIN_STATE);

	cs_wr_u8(wr, v->radio_id);
	cs_wr_u8(wr, v->admin_state);
	capwap_el_end(wr, at);
}

int
cs_el_get_radio_admin_state(const struct cs_elem *e,
    struct cs_el_radio_admin_state *v, struct cs_err *err)
{
	struct cs_el_radio_admin_state t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_RADIO_ADMIN_STATE, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	r = cs_rd_u8(&rd, &t.radio_id) | cs_rd_u8(&rd, &t.admin_state);
	return capwap_el_fixed_done(e, &rd, r, v, &t, sizeof(t), err);
}

/* §4.6.34 */
void
cs_el_put_radio_oper_state(
    struct cs_wr *wr, const struct cs_el_radio_oper_state *v)
{
	size_t at = capwap_el_begin(wr, CS_EL_RADIO_OPER_STATE);

	cs_wr_u8(wr, v->radio_id);
	cs_wr_u8(wr, v->state);
	cs_wr_u8(wr, v->cause);
	capwap_el_end(wr, at);
}

int
cs_el_get_radio_oper_state(const struct cs_elem *e,
    struct cs_el_radio_oper_state *v, struct cs_err *err)
{
	struct cs_el_radio_oper_state t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_RADIO_OPER_STATE, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	r = cs_rd_u8(&rd, &t.radio_id) | cs_rd_u8(&rd, &t.state) |
	    cs_rd_u8(&rd, &t.cause);
	return capwap_el_fixed_done(e, &rd, r, v, &t, sizeof(t), err);
}

/* §4.6.47 */
void
cs_el_put_reboot_stats(struct cs_wr *wr, const struct cs_el_reboot_stats *v)
{
	size_t at = capwap_el_begin(wr, CS_EL_REBOOT_STATS);

	cs_wr_u16(wr, v->reboot_count);
	cs_wr_u16(wr, v->ac_initiated_count);
	cs_wr_u16(wr, v->link_failure_count);
	cs_wr_u16(wr, v->sw_failure_count);
	cs_wr_u16(wr, v->hw_failure_count);
	cs_wr_u16(wr, v->other_failure_count);
	cs_wr_u16(wr, v->unknown_failure_count);
	cs_wr_u8(wr, v->last_failure_type);
	capwap_el_end(wr, at);
}

int
cs_el_get_reboot_stats(
    const struct cs_elem *e, struct cs_el_reboot_stats *v, struct cs_err *err)
{
	struct cs_el_reboot_stats t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_REBOOT_STATS, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	r = cs_rd_u16(&rd, &t.reboot_count) |
	    cs_rd_u16(&rd, &t.ac_initiated_count) |
	    cs_rd_u16(&rd, &t.link_failure_count) |
	    cs_rd_u16(&rd, &t.sw_failure_count) |
	    cs_rd_u16(&rd, &t.hw_failure_count) |
	    cs_rd_u16(&rd, &t.other_failure_count) |
	    cs_rd_u16(&rd, &t.unknown_failure_count) |
	    cs_rd_u8(&rd, &t.last_failure_type);
	return capwap_el_fixed_done(e, &rd, r, v, &t, sizeof(t), err);
}

/* RFC 5416 §6.25 */
void
cs_el_put_radio_info(struct cs_wr *wr, const struct cs_el_radio_info *v)
{
	size_t at = capwap_el_begin(wr, CS_EL_80211_RADIO_INFO);

	cs_wr_u8(wr, v->radio_id);
	cs_wr_u32(wr, v->radio_type);
	capwap_el_end(wr, at);
}

int
cs_el_get_radio_info(
    const struct cs_elem *e, struct cs_el_radio_info *v, struct cs_err *err)
{
	struct cs_el_radio_info t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_80211_RADIO_INFO, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	r = cs_rd_u8(&rd, &t.radio_id) | cs_rd_u32(&rd, &t.radio_type);
	return capwap_el_fixed_done(e, &rd, r, v, &t, sizeof(t), err);
}

/* §4.6.29: no value. */
void
cs_el_put_initiate_download(
    struct cs_wr *wr, const struct cs_el_initiate_download *v)
{
	(void)v;
	cs_el_put(wr, CS_EL_INITIATE_DOWNLOAD, NULL, 0);
}

int
cs_el_get_initiate_download(const struct cs_elem *e,
    struct cs_el_initiate_download *v, struct cs_err *err)
{
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_INITIATE_DOWNLOAD, &rd, err)) < 0 ||
	    (r = capwap_el_close(e, &rd, err)) < 0)
		return r;
	v->unused = 0;
	return 0;
}

/* Strings: §4.6.4, §4.6.30, §4.6.45 */
void
cs_el_put_ac_name(struct cs_wr *wr, const struct cs_el_ac_name *v)
{
	el_put_str(wr, CS_EL_AC_NAME, &v->name, 512);
}

int
cs_el_get_ac_name(
    const struct cs_elem *e, struct cs_el_ac_name *v, struct cs_err *err)
{
	return el_get_str(
	    e, v, CS_EL_AC_NAME, v != NULL ? &v->name : NULL, err);
}

void
cs_el_put_location(struct cs_wr *wr, const struct cs_el_location *v)
{
	el_put_str(wr, CS_EL_LOCATION, &v->location, 1024);
}

int
cs_el_get_location(
    const struct cs_elem *e, struct cs_el_location *v, struct cs_err *err)
{
	return el_get_str(
	    e, v, CS_EL_LOCATION, v != NULL ? &v->location : NULL, err);
}

void
cs_el_put_wtp_name(struct cs_wr *wr, const struct cs_el_wtp_name *v)
{
	el_put_str(wr, CS_EL_WTP_NAME, &v->name, 512);
}

int
cs_el_get_wtp_name(
    const struct cs_elem *e, struct cs_el_wtp_name *v, struct cs_err *err)
{
	return el_get_str(
	    e, v, CS_EL_WTP_NAME, v != NULL ? &v->name : NULL, err);
}

/* §4.6.5: Priority + AC Name (1..512) */
void
cs_el_put_ac_name_prio(struct cs_wr *wr, const struct cs_el_ac_name_prio *v)
{
	size_t at;

	if (v->name.len < 1 || v->name.len > 512 || v->name.s == NULL) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	at = capwap_el_begin(wr, CS_EL_AC_NAME_PRIO);
	cs_wr_u8(wr, v->priority);
	cs_wr_bytes(wr, v->name.s, v->name.len);
	capwap_el_end(wr, at);
}

int
cs_el_get_ac_name_prio(
    const struct cs_elem *e, struct cs_el_ac_name_prio *v, struct cs_err *err)
{
	struct cs_el_ac_name_prio t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_AC_NAME_PRIO, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	if (cs_rd_u8(&rd, &t.priority) < 0)
		return capwap_el_trunc(e, &rd, err);
	if (rd.left == 0)
		return capwap_el_fail(e, &rd, err, -EBADMSG, "AC name empty");
	el_str_view(&rd, &t.name);
	memcpy(v, &t, sizeof(t));
	return 0;
}

/* §4.6.2: a list of IPv4 addresses */
void
cs_el_put_ac_ipv4_list(struct cs_wr *wr, const struct cs_el_ac_ipv4_list *v)
{
	size_t at;

	if (v->n < 1 || v->n > CS_MAX_AC_IPV4) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	at = capwap_el_begin(wr, CS_EL_AC_IPV4_LIST);
	for (unsigned i = 0; i < v->n; i++)
		cs_wr_u32(wr, v->addr[i]);
	capwap_el_end(wr, at);
}

int
cs_el_get_ac_ipv4_list(
    const struct cs_elem *e, struct cs_el_ac_ipv4_list *v, struct cs_err *err)
{
	struct cs_el_ac_ipv4_list t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_AC_IPV4_LIST, &rd, err)) < 0)
		return r;
	if (e->len % 4 != 0)
		return cs_err_set(err, -EBADMSG,
		    "AC IPv4 List length not a multiple of 4", e->off + 2);
	if (e->len / 4 > CS_MAX_AC_IPV4)
		return cs_err_set(err, -E2BIG,
		    "more than CS_MAX_AC_IPV4 addresses", e->off + 2);
	memset(&t, 0, sizeof(t));
	while (rd.left > 0)
		(void)cs_rd_u32(&rd, &t.addr[t.n++]);
	memcpy(v, &t, sizeof(t));
	return 0;
}

/* §4.6.15: Data Type, Data Mode, Data Length, Data */
void
cs_el_put_data_transfer_data(
    struct cs_wr *wr, const struct cs_el_data_transfer_data *v)
{
	size_t at;

	if (v->len < 1 || v->data == NULL) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	at = capwap_el_begin(wr, CS_EL_DATA_TRANSFER_DATA);
	cs_wr_u8(wr, v->data_type);
	cs_wr_u8(wr, v->data_mode);
	cs_wr_u16(wr, v->len);
	cs_wr_bytes(wr, v->data, v->len);
	capwap_el_end(wr, at);
}

int
cs_el_get_data_transfer_data(const struct cs_elem *e,
    struct cs_el_data_transfer_data *v, struct cs_err *err)
{
	struct cs_el_data_transfer_data t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_DATA_TRANSFER_DATA, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	if (cs_rd_u8(&rd, &t.data_type) < 0 ||
	    cs_rd_u8(&rd, &t.data_mode) < 0 || cs_rd_u16(&rd, &t.len) < 0)
		return capwap_el_trunc(e, &rd, err);
	if (t.len != rd.left)
		return capwap_el_fail(e, &rd, err, -EBADMSG,
		    "Data Length does not match the element");
	(void)cs_rd_view(&rd, t.len, &t.data);
	memcpy(v, &t, sizeof(t));
	return 0;
}

/* §4.6.26: Data Type + up to 1024 bytes */
void
cs_el_put_image_data(struct cs_wr *wr, const struct cs_el_image_data *v)
{
	size_t at;

	if (v->len > CS_IMG_MAX_DATA || (v->len > 0 && v->data == NULL)) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	at = capwap_el_begin(wr, CS_EL_IMAGE_DATA);
	cs_wr_u8(wr, v->data_type);
	cs_wr_bytes(wr, v->data, v->len);
	capwap_el_end(wr, at);
}

int
cs_el_get_image_data(
    const struct cs_elem *e, struct cs_el_image_data *v, struct cs_err *err)
{
	struct cs_el_image_data t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_IMAGE_DATA, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	if (cs_rd_u8(&rd, &t.data_type) < 0)
		return capwap_el_trunc(e, &rd, err);
	t.len = rd.left;
	(void)cs_rd_view(&rd, t.len, &t.data);
	memcpy(v, &t, sizeof(t));
	return 0;
}

/* §4.6.27: Vendor + 1..1024 bytes */
void
cs_el_put_image_id(struct cs_wr *wr, const struct cs_el_image_id *v)
{
	size_t at;

	if (v->len < 1 || v->len > 1024 || v->data == NULL) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	at = capwap_el_begin(wr, CS_EL_IMAGE_ID);
	cs_wr_u32(wr, v->vendor);
	cs_wr_bytes(wr, v->data, v->len);
	capwap_el_end(wr, at);
}

int
cs_el_get_image_id(
    const struct cs_elem *e, struct cs_el_image_id *v, struct cs_err *err)
{
	struct cs_el_image_id t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_IMAGE_ID, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	if (cs_rd_u32(&rd, &t.vendor) < 0)
		return capwap_el_trunc(e, &rd, err);
	if (rd.left == 0)
		return capwap_el_fail(
		    e, &rd, err, -EBADMSG, "image identifier empty");
	t.len = rd.left;
	(void)cs_rd_view(&rd, t.len, &t.data);
	memcpy(v, &t, sizeof(t));
	return 0;
}

/* §4.6.36: Reason, Length, the returned element (TLV as received) */
void
cs_el_put_returned_elem(struct cs_wr *wr, const struct cs_el_returned_elem *v)
{
	size_t at;

	if (v->len < CS_ELEM_HDR_LEN || v->elem == NULL) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	at = capwap_el_begin(wr, CS_EL_RETURNED_ELEM);
	cs_wr_u8(wr, v->reason);
	cs_wr_u8(wr, v->len);
	cs_wr_bytes(wr, v->elem, v->len);
	capwap_el_end(wr, at);
}

int
cs_el_get_returned_elem(
    const struct cs_elem *e, struct cs_el_returned_elem *v, struct cs_err *err)
{
	struct cs_el_returned_elem t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_RETURNED_ELEM, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	if (cs_rd_u8(&rd, &t.reason) < 0 || cs_rd_u8(&rd, &t.len) < 0)
		return capwap_el_trunc(e, &rd, err);
	if (t.len != rd.left)
		return capwap_el_fail(e, &rd, err, -EBADMSG,
		    "returned element length does not match the element");
	if (t.len < CS_ELEM_HDR_LEN)
		return capwap_el_fail(e, &rd, err, -EBADMSG,
		    "returned element shorter than a TLV header");
	(void)cs_rd_view(&rd, t.len, &t.elem);
	memcpy(v, &t, sizeof(t));
	return 0;
}

/* §4.6.39: Vendor Identifier, Element ID, 1..2048 bytes of data */
void
cs_el_put_vendor_payload(struct cs_wr *wr, const struct cs_el_vendor_payload *v)
{
	size_t at;

	if (v->len < 1 || v->len > CS_VSP_MAX_DATA || v->data == NULL) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	at = capwap_el_begin(wr, CS_EL_VENDOR_PAYLOAD);
	cs_wr_u32(wr, v->vendor);
	cs_wr_u16(wr, v->element_id);
	cs_wr_bytes(wr, v->data, v->len);
	capwap_el_end(wr, at);
}

int
cs_el_get_vendor_payload(
    const struct cs_elem *e, struct cs_el_vendor_payload *v, struct cs_err *err)
{
	struct cs_el_vendor_payload t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_VENDOR_PAYLOAD, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	if (cs_rd_u32(&rd, &t.vendor) < 0 || cs_rd_u16(&rd, &t.element_id) < 0)
		return capwap_el_trunc(e, &rd, err);
	if (rd.left == 0)
		return capwap_el_fail(e, &rd, err, -EBADMSG,
		    "vendor specific payload without data");
	t.len = rd.left;
	(void)cs_rd_view(&rd, t.len, &t.data);
	memcpy(v, &t, sizeof(t));
	return 0;
}

/* §4.6.32: padding made of 0xFF bytes */
void
cs_el_put_mtu_padding(struct cs_wr *wr, const struct cs_el_mtu_padding *v)
{
	size_t at;

	if (v->len > UINT16_MAX) {
		cs_wr_fail(wr, -EMSGSIZE);
		return;
	}
	at = capwap_el_begin(wr, CS_EL_MTU_PADDING);
	for (size_t i = 0; i < v->len; i++)
		cs_wr_u8(wr, 0xff);
	capwap_el_end(wr, at);
}

int
cs_el_get_mtu_padding(
    const struct cs_elem *e, struct cs_el_mtu_padding *v, struct cs_err *err)
{
	struct cs_rd rd;
	uint8_t b;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_MTU_PADDING, &rd, err)) < 0)
		return r;
	while (rd.left > 0) {
		struct cs_rd at = rd;

		(void)cs_rd_u8(&rd, &b);
		if (b != 0xff)
			return capwap_el_fail(
			    e, &at, err, -EBADMSG, "MTU padding byte not 0xFF");
	}
	v->len = e->len;
	return 0;
}

/* Vendor/Type/Length/Data sub-elements of §4.6.1 and §4.6.41; at most
 * CS_MAX_SUBELEMS, each at most 1024 bytes. */
struct el_vsub {
	uint32_t vendor;
	uint16_t type;
	uint16_t len;
	const uint8_t *data;
};

static int
el_get_vsubs(const struct cs_elem *e, struct cs_rd *rd, struct el_vsub *out,
    unsigned *n, struct cs_err *err)
{
	*n = 0;
	while (rd->left > 0) {
		struct cs_rd at = *rd;
		struct el_vsub s;

		if (*n == CS_MAX_SUBELEMS)
			return capwap_el_fail(e, &at, err, -E2BIG,
			    "more than CS_MAX_SUBELEMS sub-elements");
		if (cs_rd_u32(rd, &s.vendor) < 0 ||
		    cs_rd_u16(rd, &s.type) < 0 || cs_rd_u16(rd, &s.len) < 0)
			return capwap_el_fail(e, &at, err, -EBADMSG,
			    "sub-element header truncated");
		if (s.len > CS_SUBELEM_MAX_DATA)
			return capwap_el_fail(e, &at, err, -EBADMSG,
			    "sub-element longer than 1024");
		if (cs_rd_view(rd, s.len, &s.data) < 0)
			return capwap_el_fail(e, &at, err, -EBADMSG,
			    "sub-element length beyond element");
		out[(*n)++] = s;
	}
	return 0;
}

static bool
el_put_vsub_ok(uint16_t len, const uint8_t *data)
{
	return len <= CS_SUBELEM_MAX_DATA && (len == 0 || data != NULL);
}

static void
el_put_vsub(struct cs_wr *wr, uint32_t vendor, uint16_t type, uint16_t len,
    const uint8_t *data)
{
	cs_wr_u32(wr, vendor);
	cs_wr_u16(wr, type);
	cs_wr_u16(wr, len);
	cs_wr_bytes(wr, data, len);
}

/* §4.6.1 */
void
cs_el_put_ac_descriptor(struct cs_wr *wr, const struct cs_el_ac_descriptor *v)
{
	size_t at;

	if (v->n_info > CS_MAX_SUBELEMS) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	for (unsigned i = 0; i < v->n_info; i++) {
		if (!el_put_vsub_ok(v->info[i].len, v->info[i].data)) {
			cs_wr_fail(wr, -EINVAL);
			return;
		}
	}
	at = capwap_el_begin(wr, CS_EL_AC_DESCRIPTOR);
	cs_wr_u16(wr, v->stations);
	cs_wr_u16(wr, v->limit);
	cs_wr_u16(wr, v->active_wtps);
	cs_wr_u16(wr, v->max_wtps);
	cs_wr_u8(wr, v->security);
	cs_wr_u8(wr, v->rmac);
	cs_wr_u8(wr, v->reserved);
	cs_wr_u8(wr, v->dtls_policy);
	for (unsigned i = 0; i < v->n_info; i++)
		el_put_vsub(wr, v->info[i].vendor, v->info[i].type,
		    v->info[i].len, v->info[i].data);
	capwap_el_end(wr, at);
}

int
cs_el_get_ac_descriptor(
    const struct cs_elem *e, struct cs_el_ac_descriptor *v, struct cs_err *err)
{
	struct cs_el_ac_descriptor t;
	struct el_vsub subs[CS_MAX_SUBELEMS];
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_AC_DESCRIPTOR, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	if (cs_rd_u16(&rd, &t.stations) < 0 || cs_rd_u16(&rd, &t.limit) < 0 ||
	    cs_rd_u16(&rd, &t.active_wtps) < 0 ||
	    cs_rd_u16(&rd, &t.max_wtps) < 0 || cs_rd_u8(&rd, &t.security) < 0 ||
	    cs_rd_u8(&rd, &t.rmac) < 0 || cs_rd_u8(&rd, &t.reserved) < 0 ||
	    cs_rd_u8(&rd, &t.dtls_policy) < 0)
		return capwap_el_trunc(e, &rd, err);
	if ((r = el_get_vsubs(e, &rd, subs, &t.n_info, err)) < 0)
		return r;
	for (unsigned i = 0; i < t.n_info; i++) {
		t.info[i].vendor = subs[i].vendor;
		t.info[i].type = subs[i].type;
		t.info[i].len = subs[i].len;
		t.info[i].data = subs[i].data;
	}
	memcpy(v, &t, sizeof(t));
	return 0;
}

/* §4.6.40: Vendor (not 0), then Type/Length/Value sub-elements */
void
cs_el_put_board_data(struct cs_wr *wr, const struct cs_el_board_data *v)
{
	size_t at;

	if (v->vendor == 0 || v->n_sub > CS_MAX_SUBELEMS) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	for (unsigned i = 0; i < v->n_sub; i++) {
		if (!el_put_vsub_ok(v->sub[i].len, v->sub[i].data)) {
			cs_wr_fail(wr, -EINVAL);
			return;
		}
	}
	at = capwap_el_begin(wr, CS_EL_BOARD_DATA);
	cs_wr_u32(wr, v->vendor);
	for (unsigned i = 0; i < v->n_sub; i++) {
		cs_wr_u16(wr, v->sub[i].type);
		cs_wr_u16(wr, v->sub[i].len);
		cs_wr_bytes(wr, v->sub[i].data, v->sub[i].len);
	}
	capwap_el_end(wr, at);
}

int
cs_el_get_board_data(
    const struct cs_elem *e, struct cs_el_board_data *v, struct cs_err *err)
{
	struct cs_el_board_data t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_BOARD_DATA, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	if (cs_rd_u32(&rd, &t.vendor) < 0)
		return capwap_el_trunc(e, &rd, err);
	if (t.vendor == 0)
		return cs_err_set(err, -EBADMSG, "board data vendor is 0",
		    CAPWAP_EL_VAL_OFF(e));
	while (rd.left > 0) {
		struct cs_rd at = rd;
		struct cs_board_sub *s;

		if (t.n_sub == CS_MAX_SUBELEMS)
			return capwap_el_fail(e, &at, err, -E2BIG,
			    "more than CS_MAX_SUBELEMS sub-elements");
		s = &t.sub[t.n_sub];
		if (cs_rd_u16(&rd, &s->type) < 0 || cs_rd_u16(&rd, &s->len) < 0)
			return capwap_el_fail(e, &at, err, -EBADMSG,
			    "sub-element header truncated");
		if (s->len > CS_SUBELEM_MAX_DATA)
			return capwap_el_fail(e, &at, err, -EBADMSG,
			    "sub-element longer than 1024");
		if (cs_rd_view(&rd, s->len, &s->data) < 0)
			return capwap_el_fail(e, &at, err, -EBADMSG,
			    "sub-element length beyond element");
		t.n_sub++;
	}
	memcpy(v, &t, sizeof(t));
	return 0;
}

const struct cs_board_sub *
cs_board_data_find(const struct cs_el_board_data *v, uint16_t type)
{
	if (v == NULL)
		return NULL;
	for (unsigned i = 0; i < v->n_sub && i < CS_MAX_SUBELEMS; i++)
		if (v->sub[i].type == type)
			return &v->sub[i];
	return NULL;
}

static int
board_str(const struct cs_el_board_data *v, uint16_t type, struct cs_str *out)
{
	const struct cs_board_sub *s = cs_board_data_find(v, type);

	if (s == NULL || out == NULL)
		return -ENOENT;
	out->s = (const char *)s->data;
	out->len = s->len;
	return 0;
}

int
cs_board_data_model(const struct cs_el_board_data *v, struct cs_str *out)
{
	return board_str(v, CS_BOARD_MODEL, out);
}

int
cs_board_data_serial(const struct cs_el_board_data *v, struct cs_str *out)
{
	return board_str(v, CS_BOARD_SERIAL, out);
}

int
cs_board_data_base_mac(const struct cs_el_board_data *v, uint8_t mac[8])
{
	const struct cs_board_sub *s = cs_board_data_find(v, CS_BOARD_BASE_MAC);

	if (s == NULL || mac == NULL)
		return -ENOENT;
	if (s->len != 6 && s->len != 8)
		return -EBADMSG;
	memcpy(mac, s->data, s->len);
	return s->len;
}

/* §4.6.41 (RFC form) and draft-7 §4.6.39 (Cisco form) */
void
cs_el_put_wtp_descriptor(struct cs_wr *wr, const struct cs_el_wtp_descriptor *v)
{
	size_t at;

	if (v->n_sub > CS_MAX_SUBELEMS ||
	    (!v->is_cisco_form &&
	        (v->n_encrypt < 1 || v->n_encrypt > CS_MAX_SUBELEMS))) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	for (unsigned i = 0; i < v->n_sub; i++) {
		if (!el_put_vsub_ok(v->sub[i].len, v->sub[i].data)) {
			cs_wr_fail(wr, -EINVAL);
			return;
		}
	}
	if (!v->is_cisco_form) {
		for (unsigned i = 0; i < v->n_encrypt; i++) {
			if (v->encrypt[i].wbid > 31) {
				cs_wr_fail(wr, -EINVAL);
				return;
			}
		}
	}
	at = capwap_el_begin(wr, CS_EL_WTP_DESCRIPTOR);
	cs_wr_u8(wr, v->max_radios);
	cs_wr_u8(wr, v->radios_in_use);
	if (v->is_cisco_form) {
		cs_wr_u16(wr, v->cisco_encrypt_caps);
	} else {
		cs_wr_u8(wr, (uint8_t)v->n_encrypt);
		for (unsigned i = 0; i < v->n_encrypt; i++) {
			cs_wr_u8(wr, v->encrypt[i].wbid);
			cs_wr_u16(wr, v->encrypt[i].caps);
		}
	}
	for (unsigned i = 0; i < v->n_sub; i++)
		el_put_vsub(wr, v->sub[i].vendor, v->sub[i].type, v->sub[i].len,
		    v->sub[i].data);
	capwap_el_end(wr, at);
}

static int
wtpd_get(const struct cs_elem *e, bool cisco, struct cs_el_wtp_descriptor *v,
    struct cs_err *err)
{
	struct cs_el_wtp_descriptor t;
	struct el_vsub subs[CS_MAX_SUBELEMS];
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_WTP_DESCRIPTOR, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	t.is_cisco_form = cisco;
	if (cs_rd_u8(&rd, &t.max_radios) < 0 ||
	    cs_rd_u8(&rd, &t.radios_in_use) < 0)
		return capwap_el_trunc(e, &rd, err);
	if (cisco) {
		if (cs_rd_u16(&rd, &t.cisco_encrypt_caps) < 0)
			return capwap_el_trunc(e, &rd, err);
	} else {
		struct cs_rd at = rd;
		uint8_t n;

		if (e->len < 33) /* RFC 5415 §4.6.41: Length >= 33 */
			return cs_err_set(err, -EBADMSG,
			    "WTP Descriptor shorter than 33", e->off + 2);
		(void)cs_rd_u8(&rd, &n);
		if (n == 0)
			return capwap_el_fail(e, &at, err, -EBADMSG,
			    "WTP Descriptor Num Encrypt is 0");
		if (n > CS_MAX_SUBELEMS)
			return capwap_el_fail(e, &at, err, -E2BIG,
			    "more than CS_MAX_SUBELEMS encryption "
			    "sub-elements");
		for (unsigned i = 0; i < n; i++) {
			uint8_t b;

			at = rd;
			if (cs_rd_u8(&rd, &b) < 0 ||
			    cs_rd_u16(&rd, &t.encrypt[i].caps) < 0)
				return capwap_el_trunc(e, &at, err);
			if (b & 0xe0)
				return capwap_el_fail(e, &at, err, -EBADMSG,
				    "encryption sub-element reserved bits "
				    "set");
			t.encrypt[i].wbid = b;
		}
		t.n_encrypt = n;
	}
	if ((r = el_get_vsubs(e, &rd, subs, &t.n_sub, err)) < 0)
		return r;
	for (unsigned i = 0; i < t.n_sub; i++) {
		t.sub[i].vendor = subs[i].vendor;
		t.sub[i].type = subs[i].type;
		t.sub[i].len = subs[i].len;
		t.sub[i].data = subs[i].data;
	}
	memcpy(v, &t, sizeof(t));
	return 0;
}

int
cs_el_get_wtp_descriptor(
    const struct cs_elem *e, struct cs_el_wtp_descriptor *v, struct cs_err *err)
{
	return wtpd_get(e, false, v, err);
}

int
cs_el_get_wtp_descriptor_cisco(
    const struct cs_elem *e, struct cs_el_wtp_descriptor *v, struct cs_err *err)
{
	return wtpd_get(e, true, v, err);
}

int
cs_el_get_wtp_descriptor_auto(const struct cs_elem *e, unsigned flags,
    struct cs_el_wtp_descriptor *v, struct cs_err *err)
{
	if ((flags & CS_MSG_F_CISCO) &&
	    cs_el_get_wtp_descriptor_cisco(e, v, NULL) == 0)
		return 0;
	return cs_el_get_wtp_descriptor(e, v, err);
}

/* capwap-facts.md §4.1 (Wireshark / actube names) */
static const struct {
	uint16_t id;
	const char *name;
} cisco_vsp_names[] = {
	{ CS_CISCO_MWAR_ADDR, "MWAR Address" },
	{ CS_CISCO_RAD, "RAD" },
	{ CS_CISCO_RAD_SLOT, "RAD Slot" },
	{ CS_CISCO_RAD_NAME, "RAD Name" },
	{ CS_CISCO_MWAR, "MWAR" },
	{ CS_CISCO_ADD_WLAN, "Add WLAN" },
	{ CS_CISCO_WTP_RADIO_CFG, "WTP Radio Configuration" },
	{ CS_CISCO_MULTI_DOMAIN_CAP, "Multi-Domain Capability" },
	{ CS_CISCO_MAC_OPERATION, "MAC Operation" },
	{ CS_CISCO_TX_POWER, "TX Power" },
	{ CS_CISCO_TX_POWER_LEVELS, "TX Power Levels" },
	{ CS_CISCO_DIRECT_SEQ_CTRL, "Direct Sequence Control" },
	{ CS_CISCO_SUPPORTED_RATES, "Supported Rates" },
	{ CS_CISCO_DELETE_WLAN, "802.11 Delete WLAN" },
	{ CS_CISCO_MWAR_NAME, "MWAR Name" },
	{ CS_CISCO_LOCATION_DATA, "Location Data" },
	{ CS_CISCO_STATISTICS_TIMER, "Statistics Timer" },
	{ CS_CISCO_ANTENNA, "Antenna Payload" },
	{ CS_CISCO_CERTIFICATE, "Certificate" },
	{ CS_CISCO_WTP_BOARD_DATA, "WTP Board Data" },
	{ CS_CISCO_AP_MODE_AND_TYPE, "AP Mode and Type" },
	{ CS_CISCO_AP_QOS, "AP QoS" },
	{ CS_CISCO_AC_IPV4_LIST, "AC IPv4 List" },
	{ CS_CISCO_AP_STATIC_IP, "AP Static IP Address" },
	{ CS_CISCO_SIG_PAYLOAD, "SIG Payload" },
	{ CS_CISCO_SIG_TOGGLE, "SIG Toggle" },
	{ CS_CISCO_AC_NAME_WITH_INDEX, "AC Name with Index" },
	{ CS_CISCO_SPAM_DOMAIN_SECRET, "SPAM Domain Secret" },
	{ CS_CISCO_SPAM_VENDOR_SPECIFIC, "SPAM Vendor Specific" },
	{ CS_CISCO_AP_UPTIME, "AP Uptime" },
	{ CS_CISCO_AP_GROUP_NAME, "AP Group Name" },
	{ CS_CISCO_AP_LED_STATE, "AP LED State Config" },
	{ CS_CISCO_AP_REGULATORY_DOMAIN, "AP Regulatory Domain" },
	{ CS_CISCO_AP_MODEL, "AP Model" },
	{ CS_CISCO_AP_RESET_BUTTON, "AP Reset Button State" },
	{ CS_CISCO_LWAPP_CHANNEL_POWER, "LWAPP Channel Power" },
	{ CS_CISCO_AP_PRESTD_SWITCH, "AP Pre-Std Switch Config" },
	{ CS_CISCO_AP_POWER_INJECTOR, "AP Power Injector Config" },
	{ CS_CISCO_AP_MIN_IOS_VERSION, "AP MinIOS Version" },
	{ CS_CISCO_AP_TIME_SYNC, "AP Time Sync" },
	{ CS_CISCO_AP_DOMAIN, "AP Domain" },
	{ CS_CISCO_AP_DNS, "AP DNS" },
	{ CS_CISCO_AP_BACKUP_SW_VERSION, "AP Backup Software Version" },
	{ CS_CISCO_BOARD_DATA_OPTIONS, "Board Data Options" },
	{ CS_CISCO_MWAR_TYPE, "MWAR Type" },
	{ CS_CISCO_80211_ASSOC_LIMIT, "802.11 Assoc Limit" },
	{ CS_CISCO_TLV_PAYLOAD, "TLV Payload" },
	{ CS_CISCO_AP_LOG_FACILITY, "AP Log Facility" },
	{ CS_CISCO_AP_RETRANSMIT_PARAM, "AP Retransmit Param" },
	{ CS_CISCO_AP_VENUE_SETTINGS, "AP Venue Settings" },
};

const char *
cs_cisco_vsp_name(uint16_t element_id)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(cisco_vsp_names); i++)
		if (cisco_vsp_names[i].id == element_id)
			return cisco_vsp_names[i].name;
	return "Unknown";
}
