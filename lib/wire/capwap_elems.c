/* SPDX-License-Identifier: MIT */
/*
 * Typed CAPWAP message elements (skeleton; filled in next).
 */
#include "capsim/capwap.h"

#include <errno.h>

#include "capsim/cursor.h"

void
cs_el_put_ac_descriptor(struct cs_wr *wr, const struct cs_el_ac_descriptor *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_ac_descriptor(
    const struct cs_elem *e, struct cs_el_ac_descriptor *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_ac_ipv4_list(struct cs_wr *wr, const struct cs_el_ac_ipv4_list *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_ac_ipv4_list(
    const struct cs_elem *e, struct cs_el_ac_ipv4_list *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_ac_name(struct cs_wr *wr, const struct cs_el_ac_name *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_ac_name(
    const struct cs_elem *e, struct cs_el_ac_name *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_ac_name_prio(struct cs_wr *wr, const struct cs_el_ac_name_prio *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_ac_name_prio(
    const struct cs_elem *e, struct cs_el_ac_name_prio *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_ac_timestamp(struct cs_wr *wr, const struct cs_el_ac_timestamp *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_ac_timestamp(
    const struct cs_elem *e, struct cs_el_ac_timestamp *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_ctrl_ipv4(struct cs_wr *wr, const struct cs_el_ctrl_ipv4 *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_ctrl_ipv4(
    const struct cs_elem *e, struct cs_el_ctrl_ipv4 *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_ctrl_ipv6(struct cs_wr *wr, const struct cs_el_ctrl_ipv6 *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_ctrl_ipv6(
    const struct cs_elem *e, struct cs_el_ctrl_ipv6 *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_timers(struct cs_wr *wr, const struct cs_el_timers *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_timers(
    const struct cs_elem *e, struct cs_el_timers *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_data_transfer_data(
    struct cs_wr *wr, const struct cs_el_data_transfer_data *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_data_transfer_data(const struct cs_elem *e,
    struct cs_el_data_transfer_data *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_data_transfer_mode(
    struct cs_wr *wr, const struct cs_el_data_transfer_mode *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_data_transfer_mode(const struct cs_elem *e,
    struct cs_el_data_transfer_mode *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_decrypt_err_period(
    struct cs_wr *wr, const struct cs_el_decrypt_err_period *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_decrypt_err_period(const struct cs_elem *e,
    struct cs_el_decrypt_err_period *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_discovery_type(struct cs_wr *wr, const struct cs_el_discovery_type *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_discovery_type(
    const struct cs_elem *e, struct cs_el_discovery_type *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_idle_timeout(struct cs_wr *wr, const struct cs_el_idle_timeout *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_idle_timeout(
    const struct cs_elem *e, struct cs_el_idle_timeout *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_image_data(struct cs_wr *wr, const struct cs_el_image_data *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_image_data(
    const struct cs_elem *e, struct cs_el_image_data *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_image_id(struct cs_wr *wr, const struct cs_el_image_id *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_image_id(
    const struct cs_elem *e, struct cs_el_image_id *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_image_info(struct cs_wr *wr, const struct cs_el_image_info *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_image_info(
    const struct cs_elem *e, struct cs_el_image_info *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_initiate_download(
    struct cs_wr *wr, const struct cs_el_initiate_download *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_initiate_download(const struct cs_elem *e,
    struct cs_el_initiate_download *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_location(struct cs_wr *wr, const struct cs_el_location *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_location(
    const struct cs_elem *e, struct cs_el_location *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_max_msg_len(struct cs_wr *wr, const struct cs_el_max_msg_len *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_max_msg_len(
    const struct cs_elem *e, struct cs_el_max_msg_len *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_local_ipv4(struct cs_wr *wr, const struct cs_el_local_ipv4 *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_local_ipv4(
    const struct cs_elem *e, struct cs_el_local_ipv4 *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_local_ipv6(struct cs_wr *wr, const struct cs_el_local_ipv6 *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_local_ipv6(
    const struct cs_elem *e, struct cs_el_local_ipv6 *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_radio_admin_state(
    struct cs_wr *wr, const struct cs_el_radio_admin_state *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_radio_admin_state(const struct cs_elem *e,
    struct cs_el_radio_admin_state *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_radio_oper_state(
    struct cs_wr *wr, const struct cs_el_radio_oper_state *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_radio_oper_state(const struct cs_elem *e,
    struct cs_el_radio_oper_state *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_result_code(struct cs_wr *wr, const struct cs_el_result_code *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_result_code(
    const struct cs_elem *e, struct cs_el_result_code *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_returned_elem(struct cs_wr *wr, const struct cs_el_returned_elem *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_returned_elem(
    const struct cs_elem *e, struct cs_el_returned_elem *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_session_id(struct cs_wr *wr, const struct cs_el_session_id *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_session_id(
    const struct cs_elem *e, struct cs_el_session_id *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_stats_timer(struct cs_wr *wr, const struct cs_el_stats_timer *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_stats_timer(
    const struct cs_elem *e, struct cs_el_stats_timer *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_vendor_payload(struct cs_wr *wr, const struct cs_el_vendor_payload *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_vendor_payload(
    const struct cs_elem *e, struct cs_el_vendor_payload *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_board_data(struct cs_wr *wr, const struct cs_el_board_data *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_board_data(
    const struct cs_elem *e, struct cs_el_board_data *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_wtp_descriptor(struct cs_wr *wr, const struct cs_el_wtp_descriptor *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_wtp_descriptor(
    const struct cs_elem *e, struct cs_el_wtp_descriptor *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_wtp_fallback(struct cs_wr *wr, const struct cs_el_wtp_fallback *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_wtp_fallback(
    const struct cs_elem *e, struct cs_el_wtp_fallback *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_frame_tunnel_mode(
    struct cs_wr *wr, const struct cs_el_frame_tunnel_mode *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_frame_tunnel_mode(const struct cs_elem *e,
    struct cs_el_frame_tunnel_mode *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_mac_type(struct cs_wr *wr, const struct cs_el_mac_type *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_mac_type(
    const struct cs_elem *e, struct cs_el_mac_type *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_wtp_name(struct cs_wr *wr, const struct cs_el_wtp_name *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_wtp_name(
    const struct cs_elem *e, struct cs_el_wtp_name *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_reboot_stats(struct cs_wr *wr, const struct cs_el_reboot_stats *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_reboot_stats(
    const struct cs_elem *e, struct cs_el_reboot_stats *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_transport_proto(
    struct cs_wr *wr, const struct cs_el_transport_proto *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_transport_proto(const struct cs_elem *e,
    struct cs_el_transport_proto *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_mtu_padding(struct cs_wr *wr, const struct cs_el_mtu_padding *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_mtu_padding(
    const struct cs_elem *e, struct cs_el_mtu_padding *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_ecn_support(struct cs_wr *wr, const struct cs_el_ecn_support *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_ecn_support(
    const struct cs_elem *e, struct cs_el_ecn_support *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_radio_info(struct cs_wr *wr, const struct cs_el_radio_info *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_radio_info(
    const struct cs_elem *e, struct cs_el_radio_info *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

void
cs_el_put_cisco_wtp_ipv4(struct cs_wr *wr, const struct cs_el_cisco_wtp_ipv4 *v)
{
	(void)v;
	cs_wr_fail(wr, -ENOSYS);
}

int
cs_el_get_cisco_wtp_ipv4(
    const struct cs_elem *e, struct cs_el_cisco_wtp_ipv4 *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

int
cs_el_get_wtp_descriptor_cisco(
    const struct cs_elem *e, struct cs_el_wtp_descriptor *v, struct cs_err *err)
{
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

int
cs_el_get_wtp_descriptor_auto(const struct cs_elem *e, unsigned flags,
    struct cs_el_wtp_descriptor *v, struct cs_err *err)
{
	(void)flags;
	(void)v;
	return cs_err_set(err, -ENOSYS, "not implemented yet", e->off);
}

const struct cs_board_sub *
cs_board_data_find(const struct cs_el_board_data *v, uint16_t type)
{
	(void)v;
	(void)type;
	return NULL;
}

int
cs_board_data_model(const struct cs_el_board_data *v, struct cs_str *out)
{
	(void)v;
	(void)out;
	return -ENOENT;
}

int
cs_board_data_serial(const struct cs_el_board_data *v, struct cs_str *out)
{
	(void)v;
	(void)out;
	return -ENOENT;
}

int
cs_board_data_base_mac(const struct cs_el_board_data *v, uint8_t mac[8])
{
	(void)v;
	(void)mac;
	return -ENOENT;
}

const char *
cs_cisco_vsp_name(uint16_t element_id)
{
	(void)element_id;
	return "Unknown";
}
