/* SPDX-License-Identifier: MIT */
/*
 * The numbers of the CAPWAP vocabulary (RFC 5415 §4.5.1, §4.6, §4.6.35,
 * RFC 5416 §3, §6): message types, message element types and the one
 * table of element rules, Result Codes, Cisco vendor-specific element
 * IDs, with their names.  Included by capsim/capwap.h (the codec); a
 * module that only names messages or elements may include it alone.
 */
#ifndef CS_CAPWAP_TYPES_H
#define CS_CAPWAP_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "capsim/common.h"

/* ---------------------------------------------------------------------
 * Message types (RFC 5415 §4.5.1, RFC 5416 §3)
 */

enum cs_msg_type {
	CS_MSG_DISCOVERY_REQ = 1,
	CS_MSG_DISCOVERY_RESP = 2,
	CS_MSG_JOIN_REQ = 3,
	CS_MSG_JOIN_RESP = 4,
	CS_MSG_CONFIG_STATUS_REQ = 5,
	CS_MSG_CONFIG_STATUS_RESP = 6,
	CS_MSG_CONFIG_UPDATE_REQ = 7,
	CS_MSG_CONFIG_UPDATE_RESP = 8,
	CS_MSG_WTP_EVENT_REQ = 9,
	CS_MSG_WTP_EVENT_RESP = 10,
	CS_MSG_CHANGE_STATE_REQ = 11,
	CS_MSG_CHANGE_STATE_RESP = 12,
	CS_MSG_ECHO_REQ = 13,
	CS_MSG_ECHO_RESP = 14,
	CS_MSG_IMAGE_DATA_REQ = 15,
	CS_MSG_IMAGE_DATA_RESP = 16,
	CS_MSG_RESET_REQ = 17,
	CS_MSG_RESET_RESP = 18,
	CS_MSG_PRIMARY_DISCOVERY_REQ = 19,
	CS_MSG_PRIMARY_DISCOVERY_RESP = 20,
	CS_MSG_DATA_TRANSFER_REQ = 21,
	CS_MSG_DATA_TRANSFER_RESP = 22,
	CS_MSG_CLEAR_CONFIG_REQ = 23,
	CS_MSG_CLEAR_CONFIG_RESP = 24,
	CS_MSG_STATION_CONFIG_REQ = 25,
	CS_MSG_STATION_CONFIG_RESP = 26,
	/* RFC 5416 §3: enterprise 13277 << 8 | 1 / 2 */
	CS_MSG_WLAN_CONFIG_REQ = 3398913,
	CS_MSG_WLAN_CONFIG_RESP = 3398914,
};

/* "Join Request", "IEEE 802.11 WLAN Configuration Request", ...;
 * "Unknown" for any other value. */
CS_API const char *cs_msg_type_name(uint32_t type);

/*
 * Bit of a message type in cs_elem_desc.allowed_in: 1u << (type - 1) for
 * types 1..26, bit 26 for 3398913, bit 27 for 3398914, 0 for any other
 * type.
 */
CS_API uint32_t cs_msg_bit(uint32_t type);

/* Requests are odd, responses even (RFC 5415 §4.5.1.1). */
static inline bool
cs_msg_type_is_request(uint32_t type)
{
	return (type & 1u) != 0;
}

/* ---------------------------------------------------------------------
 * Message element types (RFC 5415 §4.6, RFC 5416 §6)
 */

enum cs_elem_type {
	CS_EL_AC_DESCRIPTOR = 1,
	CS_EL_AC_IPV4_LIST = 2,
	CS_EL_AC_IPV6_LIST = 3,
	CS_EL_AC_NAME = 4,
	CS_EL_AC_NAME_PRIO = 5,
	CS_EL_AC_TIMESTAMP = 6,
	CS_EL_ADD_MAC_ACL = 7,
	CS_EL_ADD_STATION = 8,
	/* 9 reserved */
	CS_EL_CTRL_IPV4 = 10,
	CS_EL_CTRL_IPV6 = 11,
	CS_EL_TIMERS = 12,
	CS_EL_DATA_TRANSFER_DATA = 13,
	CS_EL_DATA_TRANSFER_MODE = 14,
	CS_EL_DECRYPT_ERR_REPORT = 15,
	CS_EL_DECRYPT_ERR_PERIOD = 16,
	CS_EL_DELETE_MAC_ACL = 17,
	CS_EL_DELETE_STATION = 18,
	/* 19 reserved */
	CS_EL_DISCOVERY_TYPE = 20,
	CS_EL_DUPLICATE_IPV4 = 21,
	CS_EL_DUPLICATE_IPV6 = 22,
	CS_EL_IDLE_TIMEOUT = 23,
	CS_EL_IMAGE_DATA = 24,
	CS_EL_IMAGE_ID = 25,
	CS_EL_IMAGE_INFO = 26,
	CS_EL_INITIATE_DOWNLOAD = 27,
	CS_EL_LOCATION = 28,
	CS_EL_MAX_MSG_LEN = 29,
	CS_EL_LOCAL_IPV4 = 30,
	CS_EL_RADIO_ADMIN_STATE = 31,
	CS_EL_RADIO_OPER_STATE = 32,
	CS_EL_RESULT_CODE = 33,
	CS_EL_RETURNED_ELEM = 34,
	CS_EL_SESSION_ID = 35,
	CS_EL_STATS_TIMER = 36,
	CS_EL_VENDOR_PAYLOAD = 37,
	CS_EL_BOARD_DATA = 38,
	CS_EL_WTP_DESCRIPTOR = 39,
	CS_EL_WTP_FALLBACK = 40,
	CS_EL_FRAME_TUNNEL_MODE = 41,
	/* 42/43 reserved in RFC 5415; draft-7 "WTP IPv4/IPv6 IP Address",
	 * sent by Cisco APs (known only with CS_MSG_F_CISCO) */
	CS_EL_CISCO_WTP_IPV4 = 42,
	CS_EL_CISCO_WTP_IPV6 = 43,
	CS_EL_MAC_TYPE = 44,
	CS_EL_WTP_NAME = 45,
	/* 46 unused/reserved */
	CS_EL_RADIO_STATS = 47,
	CS_EL_REBOOT_STATS = 48,
	CS_EL_STATIC_IP_INFO = 49,
	CS_EL_LOCAL_IPV6 = 50,
	CS_EL_TRANSPORT_PROTO = 51,
	CS_EL_MTU_PADDING = 52,
	CS_EL_ECN_SUPPORT = 53,
	/* RFC 5416 §6 (IEEE 802.11 binding) */
	CS_EL_80211_ADD_WLAN = 1024,
	CS_EL_80211_ANTENNA = 1025,
	CS_EL_80211_ASSIGNED_BSSID = 1026,
	CS_EL_80211_DELETE_WLAN = 1027,
	CS_EL_80211_DSSS_CONTROL = 1028,
	CS_EL_80211_INFO_ELEMENT = 1029,
	CS_EL_80211_MAC_OPERATION = 1030,
	CS_EL_80211_MIC_COUNTERMEASURES = 1031,
	CS_EL_80211_MULTI_DOMAIN_CAP = 1032,
	CS_EL_80211_OFDM_CONTROL = 1033,
	CS_EL_80211_RATE_SET = 1034,
	CS_EL_80211_RSNA_ERROR_REPORT = 1035,
	CS_EL_80211_STATION = 1036,
	CS_EL_80211_STATION_QOS = 1037,
	CS_EL_80211_STATION_SESSION_KEY = 1038,
	CS_EL_80211_STATISTICS = 1039,
	CS_EL_80211_SUPPORTED_RATES = 1040,
	CS_EL_80211_TX_POWER = 1041,
	CS_EL_80211_TX_POWER_LEVEL = 1042,
	CS_EL_80211_UPDATE_STATION_QOS = 1043,
	CS_EL_80211_UPDATE_WLAN = 1044,
	CS_EL_80211_WTP_QOS = 1045,
	CS_EL_80211_RADIO_CONFIG = 1046,
	CS_EL_80211_RADIO_FAIL_ALARM = 1047,
	CS_EL_80211_RADIO_INFO = 1048,
};

/* "AC Descriptor", "IEEE 802.11 WTP Radio Information", ...; "Unknown". */
CS_API const char *cs_elem_name(uint16_t type);

/* Element rules: one static table in capwap_elem_table.c (STYLE G7). */
#define CS_ED_CISCO 0x1u /* known only with CS_MSG_F_CISCO (draft-7 42/43) */
#define CS_ED_MULTI 0x2u /* may occur more than once in a message */

struct cs_elem_desc {
	uint16_t type;
	uint16_t min_len, max_len; /* value length bounds */
	uint32_t allowed_in;       /* bitmask of cs_msg_bit() values */
	uint8_t flags;             /* CS_ED_* */
	const char *name;          /* for logs */
};

/* The table row for `type`, or NULL when the type is not in the table. */
CS_API const struct cs_elem_desc *cs_elem_desc(uint16_t type);

/* ---------------------------------------------------------------------
 * Result codes (RFC 5415 §4.6.35)
 */

enum cs_result_code {
	CS_RC_SUCCESS = 0,
	CS_RC_FAILURE_AC_LIST = 1,
	CS_RC_SUCCESS_NAT = 2,
	CS_RC_JOIN_FAIL_UNSPEC = 3,
	CS_RC_JOIN_FAIL_RESOURCE = 4,
	CS_RC_JOIN_FAIL_UNKNOWN_SRC = 5,
	CS_RC_JOIN_FAIL_BAD_DATA = 6,
	CS_RC_JOIN_FAIL_SESSION_IN_USE = 7,
	CS_RC_JOIN_FAIL_HW_UNSUPPORTED = 8,
	CS_RC_JOIN_FAIL_BINDING_UNSUPPORTED = 9,
	CS_RC_RESET_FAIL_UNABLE = 10,
	CS_RC_RESET_FAIL_FW_WRITE = 11,
	CS_RC_CONFIG_FAIL_SERVICE_ANYHOW = 12,
	CS_RC_CONFIG_FAIL_NO_SERVICE = 13,
	CS_RC_IMAGE_ERR_CHECKSUM = 14,
	CS_RC_IMAGE_ERR_LENGTH = 15,
	CS_RC_IMAGE_ERR_OTHER = 16,
	CS_RC_IMAGE_ERR_PRESENT = 17,
	CS_RC_MSG_UNEXPECTED_STATE = 18,
	CS_RC_MSG_UNEXPECTED_UNRECOGNIZED = 19,
	CS_RC_FAIL_MISSING_ELEM = 20,
	CS_RC_FAIL_UNRECOGNIZED_ELEM = 21,
	CS_RC_DATA_TRANSFER_NO_INFO = 22,
	CS_RC__COUNT
};

/* "Join failure (resource depletion)", ...; "Unknown" above 22. */
CS_API const char *cs_result_code_name(uint32_t code);

/* ---------------------------------------------------------------------
 * Cisco vendor-specific elements (vendor CS_CISCO_VENDOR_ID in capwap.h)
 */

/* Cisco VSP element IDs (vendor CS_CISCO_VENDOR_ID), from Wireshark and
 * actube (capwap-facts.md §4.1); not Cisco-documented. */
enum cs_cisco_vsp {
	CS_CISCO_MWAR_ADDR = 2,
	CS_CISCO_RAD = 3,
	CS_CISCO_RAD_SLOT = 4,
	CS_CISCO_RAD_NAME = 5,
	CS_CISCO_MWAR = 6,
	CS_CISCO_ADD_WLAN = 7,
	CS_CISCO_WTP_RADIO_CFG = 8,
	CS_CISCO_MULTI_DOMAIN_CAP = 10,
	CS_CISCO_MAC_OPERATION = 11,
	CS_CISCO_TX_POWER = 12,
	CS_CISCO_TX_POWER_LEVELS = 13,
	CS_CISCO_DIRECT_SEQ_CTRL = 14,
	CS_CISCO_SUPPORTED_RATES = 16,
	CS_CISCO_DELETE_WLAN = 28,
	CS_CISCO_MWAR_NAME = 31,
	CS_CISCO_LOCATION_DATA = 35,
	CS_CISCO_STATISTICS_TIMER = 37,
	CS_CISCO_ANTENNA = 41,
	CS_CISCO_CERTIFICATE = 44,
	CS_CISCO_WTP_BOARD_DATA = 50,
	CS_CISCO_AP_MODE_AND_TYPE = 54,
	CS_CISCO_AP_QOS = 57,
	CS_CISCO_AC_IPV4_LIST = 59,
	CS_CISCO_AP_STATIC_IP = 83,
	CS_CISCO_SIG_PAYLOAD = 84,
	CS_CISCO_SIG_TOGGLE = 87,
	CS_CISCO_AC_NAME_WITH_INDEX = 91,
	CS_CISCO_SPAM_DOMAIN_SECRET = 96,
	CS_CISCO_SPAM_VENDOR_SPECIFIC = 104,
	CS_CISCO_AP_UPTIME = 108,
	CS_CISCO_AP_GROUP_NAME = 123,
	CS_CISCO_AP_LED_STATE = 125,
	CS_CISCO_AP_REGULATORY_DOMAIN = 126,
	CS_CISCO_AP_MODEL = 127,
	CS_CISCO_AP_RESET_BUTTON = 128,
	CS_CISCO_LWAPP_CHANNEL_POWER = 134,
	CS_CISCO_AP_PRESTD_SWITCH = 137,
	CS_CISCO_AP_POWER_INJECTOR = 138,
	CS_CISCO_AP_MIN_IOS_VERSION = 149,
	CS_CISCO_AP_TIME_SYNC = 151,
	CS_CISCO_AP_DOMAIN = 169,
	CS_CISCO_AP_DNS = 170,
	CS_CISCO_AP_BACKUP_SW_VERSION = 183,
	CS_CISCO_BOARD_DATA_OPTIONS = 207,
	CS_CISCO_MWAR_TYPE = 208,
	CS_CISCO_80211_ASSOC_LIMIT = 213,
	CS_CISCO_TLV_PAYLOAD = 215,
	CS_CISCO_AP_LOG_FACILITY = 224,
	CS_CISCO_AP_RETRANSMIT_PARAM = 240,
	CS_CISCO_AP_VENUE_SETTINGS = 249,
};

/* Name of a Cisco VSP element ID ("AP Time Sync"), "Unknown" otherwise. */
CS_API const char *cs_cisco_vsp_name(uint16_t element_id);

#endif /* CS_CAPWAP_TYPES_H */
