/* SPDX-License-Identifier: MIT */
/*
 * Typed elements of the Run state: the WTP Event Request's reports (RFC
 * 5415 §4.6.17, §4.6.20, §4.6.22, §4.6.46, RFC 5416 §6.16) and the
 * Configuration Update Request's settings (§4.6.48, RFC 5416 §6.23).
 * Same contract as capwap_elems.c: strict decoders that write only on
 * success and report absolute offsets.
 */
#include "capsim/capwap.h"

#include <errno.h>
#include <string.h>

#include "capsim/cursor.h"

#include "capwap-internal.h"

static bool
run_mac_len_ok(uint8_t n)
{
	return n == 6 || n == 8; /* EUI-48 / EUI-64 */
}

static bool
run_radio_ok(uint8_t id)
{
	return id >= 1 && id <= 31;
}

/* §4.6.17 */
void
cs_el_put_decrypt_err_report(
    struct cs_wr *wr, const struct cs_el_decrypt_err_report *v)
{
	size_t at;

	if (!run_radio_ok(v->radio_id) || v->n == 0 || v->n > CS_EL_MAX_MACS ||
	    !run_mac_len_ok(v->mac_len)) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	at = capwap_el_begin(wr, CS_EL_DECRYPT_ERR_REPORT);
	cs_wr_u8(wr, v->radio_id);
	cs_wr_u8(wr, v->n);
	cs_wr_u8(wr, v->mac_len);
	for (unsigned i = 0; i < v->n; i++)
		cs_wr_bytes(wr, v->mac[i], v->mac_len);
	cs_wr_patch16(wr, at);
}

int
cs_el_get_decrypt_err_report(const struct cs_elem *e,
    struct cs_el_decrypt_err_report *v, struct cs_err *err)
{
	struct cs_el_decrypt_err_report t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_DECRYPT_ERR_REPORT, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	if (cs_rd_u8(&rd, &t.radio_id) | cs_rd_u8(&rd, &t.n) |
	    cs_rd_u8(&rd, &t.mac_len))
		return capwap_el_trunc(e, &rd, err);
	if (!run_radio_ok(t.radio_id))
		return cs_err_set(
		    err, -EBADMSG, "Radio ID not 1..31", CAPWAP_EL_VAL_OFF(e));
	if (t.n == 0)
		return cs_err_set(err, -EBADMSG,
		    "Decryption Error Report without entries",
		    CAPWAP_EL_VAL_OFF(e) + 1);
	if (t.n > CS_EL_MAX_MACS)
		return cs_err_set(err, -E2BIG,
		    "more Decryption Error Report entries than kept",
		    CAPWAP_EL_VAL_OFF(e) + 1);
	if (!run_mac_len_ok(t.mac_len))
		return cs_err_set(err, -EBADMSG, "MAC length not 6 or 8",
		    CAPWAP_EL_VAL_OFF(e) + 2);
	r = 0;
	for (unsigned i = 0; i < t.n; i++)
		r |= cs_rd_bytes(&rd, t.mac[i], t.mac_len);
	return capwap_el_fixed_done(e, &rd, r, v, &t, sizeof(t), err);
}

/* §4.6.20 */
void
cs_el_put_delete_station(struct cs_wr *wr, const struct cs_el_delete_station *v)
{
	size_t at;

	if (!run_radio_ok(v->radio_id) || !run_mac_len_ok(v->mac_len)) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	at = capwap_el_begin(wr, CS_EL_DELETE_STATION);
	cs_wr_u8(wr, v->radio_id);
	cs_wr_u8(wr, v->mac_len);
	cs_wr_bytes(wr, v->mac, v->mac_len);
	cs_wr_patch16(wr, at);
}

int
cs_el_get_delete_station(
    const struct cs_elem *e, struct cs_el_delete_station *v, struct cs_err *err)
{
	struct cs_el_delete_station t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_DELETE_STATION, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	if (cs_rd_u8(&rd, &t.radio_id) | cs_rd_u8(&rd, &t.mac_len))
		return capwap_el_trunc(e, &rd, err);
	if (!run_radio_ok(t.radio_id))
		return cs_err_set(
		    err, -EBADMSG, "Radio ID not 1..31", CAPWAP_EL_VAL_OFF(e));
	if (!run_mac_len_ok(t.mac_len))
		return cs_err_set(err, -EBADMSG, "MAC length not 6 or 8",
		    CAPWAP_EL_VAL_OFF(e) + 1);
	r = cs_rd_bytes(&rd, t.mac, t.mac_len);
	return capwap_el_fixed_done(e, &rd, r, v, &t, sizeof(t), err);
}

/* §4.6.22 */
void
cs_el_put_duplicate_ipv4(struct cs_wr *wr, const struct cs_el_duplicate_ipv4 *v)
{
	size_t at;

	if (v->status > CS_DUP_DETECTED || !run_mac_len_ok(v->mac_len)) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	at = capwap_el_begin(wr, CS_EL_DUPLICATE_IPV4);
	cs_wr_u32(wr, v->addr);
	cs_wr_u8(wr, v->status);
	cs_wr_u8(wr, v->mac_len);
	cs_wr_bytes(wr, v->mac, v->mac_len);
	cs_wr_patch16(wr, at);
}

int
cs_el_get_duplicate_ipv4(
    const struct cs_elem *e, struct cs_el_duplicate_ipv4 *v, struct cs_err *err)
{
	struct cs_el_duplicate_ipv4 t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_DUPLICATE_IPV4, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	if (cs_rd_u32(&rd, &t.addr) | cs_rd_u8(&rd, &t.status) |
	    cs_rd_u8(&rd, &t.mac_len))
		return capwap_el_trunc(e, &rd, err);
	if (t.status > CS_DUP_DETECTED)
		return cs_err_set(err, -EBADMSG, "Status not 0 or 1",
		    CAPWAP_EL_VAL_OFF(e) + 4);
	if (!run_mac_len_ok(t.mac_len))
		return cs_err_set(err, -EBADMSG, "MAC length not 6 or 8",
		    CAPWAP_EL_VAL_OFF(e) + 5);
	r = cs_rd_bytes(&rd, t.mac, t.mac_len);
	return capwap_el_fixed_done(e, &rd, r, v, &t, sizeof(t), err);
}

/* §4.6.46 */
void
cs_el_put_radio_stats(struct cs_wr *wr, const struct cs_el_radio_stats *v)
{
	size_t at;

	if (!run_radio_ok(v->radio_id)) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	at = capwap_el_begin(wr, CS_EL_RADIO_STATS);
	cs_wr_u8(wr, v->radio_id);
	cs_wr_u8(wr, v->last_fail_type);
	cs_wr_u16(wr, v->reset_count);
	cs_wr_u16(wr, v->sw_failure_count);
	cs_wr_u16(wr, v->hw_failure_count);
	cs_wr_u16(wr, v->other_failure_count);
	cs_wr_u16(wr, v->unknown_failure_count);
	cs_wr_u16(wr, v->config_update_count);
	cs_wr_u16(wr, v->channel_change_count);
	cs_wr_u16(wr, v->band_change_count);
	cs_wr_u16(wr, (uint16_t)v->noise_floor);
	cs_wr_patch16(wr, at);
}

int
cs_el_get_radio_stats(
    const struct cs_elem *e, struct cs_el_radio_stats *v, struct cs_err *err)
{
	struct cs_el_radio_stats t;
	struct cs_rd rd;
	uint16_t nf = 0;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_RADIO_STATS, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	r = cs_rd_u8(&rd, &t.radio_id) | cs_rd_u8(&rd, &t.last_fail_type) |
	    cs_rd_u16(&rd, &t.reset_count) |
	    cs_rd_u16(&rd, &t.sw_failure_count) |
	    cs_rd_u16(&rd, &t.hw_failure_count) |
	    cs_rd_u16(&rd, &t.other_failure_count) |
	    cs_rd_u16(&rd, &t.unknown_failure_count) |
	    cs_rd_u16(&rd, &t.config_update_count) |
	    cs_rd_u16(&rd, &t.channel_change_count) |
	    cs_rd_u16(&rd, &t.band_change_count) | cs_rd_u16(&rd, &nf);
	if (r == 0 && !run_radio_ok(t.radio_id))
		return cs_err_set(
		    err, -EBADMSG, "Radio ID not 1..31", CAPWAP_EL_VAL_OFF(e));
	t.noise_floor = (int16_t)nf;
	return capwap_el_fixed_done(e, &rd, r, v, &t, sizeof(t), err);
}

/* §4.6.48 */
void
cs_el_put_static_ip_info(struct cs_wr *wr, const struct cs_el_static_ip_info *v)
{
	size_t at;

	if (v->is_static > 1) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	at = capwap_el_begin(wr, CS_EL_STATIC_IP_INFO);
	cs_wr_u32(wr, v->addr);
	cs_wr_u32(wr, v->netmask);
	cs_wr_u32(wr, v->gateway);
	cs_wr_u8(wr, v->is_static);
	cs_wr_patch16(wr, at);
}

int
cs_el_get_static_ip_info(
    const struct cs_elem *e, struct cs_el_static_ip_info *v, struct cs_err *err)
{
	struct cs_el_static_ip_info t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_STATIC_IP_INFO, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	r = cs_rd_u32(&rd, &t.addr) | cs_rd_u32(&rd, &t.netmask) |
	    cs_rd_u32(&rd, &t.gateway) | cs_rd_u8(&rd, &t.is_static);
	if (r == 0 && t.is_static > 1)
		return cs_err_set(err, -EBADMSG, "Static not 0 or 1",
		    CAPWAP_EL_VAL_OFF(e) + 12);
	return capwap_el_fixed_done(e, &rd, r, v, &t, sizeof(t), err);
}

/* RFC 5416 §6.16 */
void
cs_el_put_80211_statistics(
    struct cs_wr *wr, const struct cs_el_80211_statistics *v)
{
	size_t at;

	if (!run_radio_ok(v->radio_id)) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	at = capwap_el_begin(wr, CS_EL_80211_STATISTICS);
	cs_wr_u8(wr, v->radio_id);
	cs_wr_zero(wr, 3); /* reserved */
	for (unsigned i = 0; i < CS_80211_ST__COUNT; i++)
		cs_wr_u32(wr, v->c[i]);
	cs_wr_patch16(wr, at);
}

int
cs_el_get_80211_statistics(const struct cs_elem *e,
    struct cs_el_80211_statistics *v, struct cs_err *err)
{
	struct cs_el_80211_statistics t;
	struct cs_rd rd;
	uint8_t rsv[3];
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_80211_STATISTICS, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	r = cs_rd_u8(&rd, &t.radio_id) | cs_rd_bytes(&rd, rsv, sizeof(rsv));
	for (unsigned i = 0; i < CS_80211_ST__COUNT; i++)
		r |= cs_rd_u32(&rd, &t.c[i]);
	if (r == 0 && !run_radio_ok(t.radio_id))
		return cs_err_set(
		    err, -EBADMSG, "Radio ID not 1..31", CAPWAP_EL_VAL_OFF(e));
	return capwap_el_fixed_done(e, &rd, r, v, &t, sizeof(t), err);
}

/* RFC 5416 §6.23 */
void
cs_el_put_80211_radio_config(
    struct cs_wr *wr, const struct cs_el_80211_radio_config *v)
{
	size_t at;

	if (!run_radio_ok(v->radio_id) || v->short_preamble > 1 ||
	    v->num_bssids < 1 || v->num_bssids > 16) {
		cs_wr_fail(wr, -EINVAL);
		return;
	}
	at = capwap_el_begin(wr, CS_EL_80211_RADIO_CONFIG);
	cs_wr_u8(wr, v->radio_id);
	cs_wr_u8(wr, v->short_preamble);
	cs_wr_u8(wr, v->num_bssids);
	cs_wr_u8(wr, v->dtim_period);
	cs_wr_bytes(wr, v->bssid, sizeof(v->bssid));
	cs_wr_u16(wr, v->beacon_period);
	cs_wr_bytes(wr, v->country, sizeof(v->country));
	cs_wr_patch16(wr, at);
}

int
cs_el_get_80211_radio_config(const struct cs_elem *e,
    struct cs_el_80211_radio_config *v, struct cs_err *err)
{
	struct cs_el_80211_radio_config t;
	struct cs_rd rd;
	int r;

	if ((r = capwap_el_open(e, v, CS_EL_80211_RADIO_CONFIG, &rd, err)) < 0)
		return r;
	memset(&t, 0, sizeof(t));
	r = cs_rd_u8(&rd, &t.radio_id) | cs_rd_u8(&rd, &t.short_preamble) |
	    cs_rd_u8(&rd, &t.num_bssids) | cs_rd_u8(&rd, &t.dtim_period) |
	    cs_rd_bytes(&rd, t.bssid, sizeof(t.bssid)) |
	    cs_rd_u16(&rd, &t.beacon_period) |
	    cs_rd_bytes(&rd, t.country, sizeof(t.country));
	if (r == 0 && !run_radio_ok(t.radio_id))
		return cs_err_set(
		    err, -EBADMSG, "Radio ID not 1..31", CAPWAP_EL_VAL_OFF(e));
	if (r == 0 && (t.num_bssids < 1 || t.num_bssids > 16))
		return cs_err_set(err, -EBADMSG, "Num of BSSIDs not 1..16",
		    CAPWAP_EL_VAL_OFF(e) + 2);
	return capwap_el_fixed_done(e, &rd, r, v, &t, sizeof(t), err);
}
