/* SPDX-License-Identifier: MIT */
/*
 * The one table of CAPWAP message-element rules (STYLE G7): every element
 * of RFC 5415 §4.6 and RFC 5416 §6 with its value-length bounds, the
 * messages that may carry it (RFC 5415 §5-§10, RFC 5416 §3, §5, §6) and
 * its name.  cs_msg_decode checks lengths and placement from here before
 * any element parser runs.  The names of messages and result codes live
 * here too, so every CAPWAP rule has one home.
 */
#include "capsim/capwap.h"

#include <stddef.h>

#include "capwap-internal.h"

/* Short names for the message bits. */
#define DISC_REQ   CS_MB(CS_MSG_DISCOVERY_REQ)
#define DISC_RESP  CS_MB(CS_MSG_DISCOVERY_RESP)
#define JOIN_REQ   CS_MB(CS_MSG_JOIN_REQ)
#define JOIN_RESP  CS_MB(CS_MSG_JOIN_RESP)
#define CSTAT_REQ  CS_MB(CS_MSG_CONFIG_STATUS_REQ)
#define CSTAT_RESP CS_MB(CS_MSG_CONFIG_STATUS_RESP)
#define CUPD_REQ   CS_MB(CS_MSG_CONFIG_UPDATE_REQ)
#define CUPD_RESP  CS_MB(CS_MSG_CONFIG_UPDATE_RESP)
#define EVT_REQ    CS_MB(CS_MSG_WTP_EVENT_REQ)
#define EVT_RESP   CS_MB(CS_MSG_WTP_EVENT_RESP)
#define CHST_REQ   CS_MB(CS_MSG_CHANGE_STATE_REQ)
#define IMG_REQ    CS_MB(CS_MSG_IMAGE_DATA_REQ)
#define IMG_RESP   CS_MB(CS_MSG_IMAGE_DATA_RESP)
#define RST_REQ    CS_MB(CS_MSG_RESET_REQ)
#define RST_RESP   CS_MB(CS_MSG_RESET_RESP)
#define PDISC_REQ  CS_MB(CS_MSG_PRIMARY_DISCOVERY_REQ)
#define PDISC_RESP CS_MB(CS_MSG_PRIMARY_DISCOVERY_RESP)
#define DT_REQ     CS_MB(CS_MSG_DATA_TRANSFER_REQ)
#define DT_RESP    CS_MB(CS_MSG_DATA_TRANSFER_RESP)
#define CLR_RESP   CS_MB(CS_MSG_CLEAR_CONFIG_RESP)
#define STA_REQ    CS_MB(CS_MSG_STATION_CONFIG_REQ)
#define STA_RESP   CS_MB(CS_MSG_STATION_CONFIG_RESP)
#define WLAN_REQ   CS_MB_WLAN_CFG_REQ
#define WLAN_RESP  CS_MB_WLAN_CFG_RESP

#define ANY_DISC_REQ  (DISC_REQ | PDISC_REQ)
#define ANY_DISC_RESP (DISC_RESP | PDISC_RESP)
/* Every response that carries a Result Code (RFC 5415 §4.6.35 users).  A
 * WTP Event Response carries none when all is well (§9.5) but one on an
 * error, as §4.5.1.5 asks of any response to a bad request. */
#define RC_MSGS                                                                \
	(JOIN_RESP | CUPD_RESP | CHST_REQ | IMG_RESP | RST_RESP | DT_RESP |    \
	    CLR_RESP | STA_RESP | WLAN_RESP | EVT_RESP)
/* RFC 5416 radio configuration elements: Configuration Status Request
 * (WTP reports), Configuration Status Response and Configuration Update
 * Request (AC sets). */
#define RADIO_CFG (CSTAT_REQ | CSTAT_RESP | CUPD_REQ)

#define U16MAX 0xffff

/* Sorted by type; cs_elem_desc() does a binary search. */
static const struct cs_elem_desc elem_table[] = {
	/* RFC 5415 §4.6.1: 12 fixed bytes + AC Information sub-elements */
	{ CS_EL_AC_DESCRIPTOR, 12, U16MAX, ANY_DISC_RESP | JOIN_RESP, 0,
	    "AC Descriptor" },
	/* §4.6.2: n x IPv4 */
	{ CS_EL_AC_IPV4_LIST, 4, 1024, JOIN_RESP | CSTAT_RESP, 0,
	    "AC IPv4 List" },
	/* §4.6.3: n x IPv6 */
	{ CS_EL_AC_IPV6_LIST, 16, 1024, JOIN_RESP | CSTAT_RESP, 0,
	    "AC IPv6 List" },
	/* §4.6.4: 1..512 */
	{ CS_EL_AC_NAME, 1, 512, ANY_DISC_RESP | JOIN_RESP | CSTAT_REQ, 0,
	    "AC Name" },
	/* §4.6.5: priority + name 1..512 */
	{ CS_EL_AC_NAME_PRIO, 2, 513, CSTAT_REQ | CUPD_REQ, CS_ED_MULTI,
	    "AC Name with Priority" },
	/* §4.6.6 */
	{ CS_EL_AC_TIMESTAMP, 4, 4, CUPD_REQ, 0, "AC Timestamp" },
	/* §4.6.7: num + n x {len, MAC} */
	{ CS_EL_ADD_MAC_ACL, 8, U16MAX, CUPD_REQ, 0, "Add MAC ACL Entry" },
	/* §4.6.8: radio, len, MAC, VLAN name */
	{ CS_EL_ADD_STATION, 8, U16MAX, STA_REQ, CS_ED_MULTI, "Add Station" },
	/* §4.6.9 */
	{ CS_EL_CTRL_IPV4, 6, 6, ANY_DISC_RESP | JOIN_RESP, CS_ED_MULTI,
	    "CAPWAP Control IPv4 Address" },
	/* §4.6.10 */
	{ CS_EL_CTRL_IPV6, 18, 18, ANY_DISC_RESP | JOIN_RESP, CS_ED_MULTI,
	    "CAPWAP Control IPv6 Address" },
	/* §4.6.13 */
	{ CS_EL_TIMERS, 2, 2, CSTAT_RESP | CUPD_REQ, 0, "CAPWAP Timers" },
	/* §4.6.15: type, mode, length u16, data */
	{ CS_EL_DATA_TRANSFER_DATA, 5, U16MAX, DT_REQ, 0,
	    "Data Transfer Data" },
	/* §4.6.16 */
	{ CS_EL_DATA_TRANSFER_MODE, 1, 1, DT_REQ, 0, "Data Transfer Mode" },
	/* §4.6.17: radio, num, len, MACs */
	{ CS_EL_DECRYPT_ERR_REPORT, 9, U16MAX, EVT_REQ, CS_ED_MULTI,
	    "Decryption Error Report" },
	/* §4.6.18 */
	{ CS_EL_DECRYPT_ERR_PERIOD, 3, 3, CSTAT_RESP | CUPD_REQ, CS_ED_MULTI,
	    "Decryption Error Report Period" },
	/* §4.6.19 */
	{ CS_EL_DELETE_MAC_ACL, 8, U16MAX, CUPD_REQ, 0,
	    "Delete MAC ACL Entry" },
	/* §4.6.20: radio, len, MAC */
	{ CS_EL_DELETE_STATION, 8, U16MAX, STA_REQ | EVT_REQ, CS_ED_MULTI,
	    "Delete Station" },
	/* §4.6.21 */
	{ CS_EL_DISCOVERY_TYPE, 1, 1, ANY_DISC_REQ, 0, "Discovery Type" },
	/* §4.6.22: IPv4, status, len, MAC */
	{ CS_EL_DUPLICATE_IPV4, 12, U16MAX, EVT_REQ, CS_ED_MULTI,
	    "Duplicate IPv4 Address" },
	/* §4.6.23: IPv6, status, len, MAC */
	{ CS_EL_DUPLICATE_IPV6, 24, U16MAX, EVT_REQ, CS_ED_MULTI,
	    "Duplicate IPv6 Address" },
	/* §4.6.24 */
	{ CS_EL_IDLE_TIMEOUT, 4, 4, CSTAT_RESP | CUPD_REQ, 0, "Idle Timeout" },
	/* §4.6.26: type + data <= 1024 */
	{ CS_EL_IMAGE_DATA, 1, 1025, IMG_REQ, 0, "Image Data" },
	/* §4.6.27: vendor + data 1..1024 */
	{ CS_EL_IMAGE_ID, 5, 1028, JOIN_RESP | CUPD_REQ | IMG_REQ | RST_REQ, 0,
	    "Image Identifier" },
	/* §4.6.28: file size + MD5 */
	{ CS_EL_IMAGE_INFO, 20, 20, IMG_RESP, 0, "Image Information" },
	/* §4.6.29 */
	{ CS_EL_INITIATE_DOWNLOAD, 0, 0, IMG_REQ, 0, "Initiate Download" },
	/* §4.6.30: 1..1024 */
	{ CS_EL_LOCATION, 1, 1024, JOIN_REQ | CUPD_REQ, 0, "Location Data" },
	/* §4.6.31 */
	{ CS_EL_MAX_MSG_LEN, 2, 2, JOIN_REQ | JOIN_RESP, 0,
	    "Maximum Message Length" },
	/* §4.6.11 */
	{ CS_EL_LOCAL_IPV4, 4, 4, JOIN_REQ | JOIN_RESP, 0,
	    "CAPWAP Local IPv4 Address" },
	/* §4.6.33: one per radio */
	{ CS_EL_RADIO_ADMIN_STATE, 2, 2, CSTAT_REQ | CUPD_REQ, CS_ED_MULTI,
	    "Radio Administrative State" },
	/* §4.6.34: one per radio */
	{ CS_EL_RADIO_OPER_STATE, 3, 3, CHST_REQ | CUPD_RESP | CSTAT_RESP,
	    CS_ED_MULTI, "Radio Operational State" },
	/* §4.6.35 */
	{ CS_EL_RESULT_CODE, 4, 4, RC_MSGS, 0, "Result Code" },
	/* §4.6.36: reason, len, element (4..255) */
	/* §4.5.1.5: any response reporting Result Code 21 returns the
	 * element */
	{ CS_EL_RETURNED_ELEM, 6, 257, RC_MSGS, CS_ED_MULTI,
	    "Returned Message Element" },
	/* §4.6.37 */
	{ CS_EL_SESSION_ID, 16, 16, JOIN_REQ, 0, "Session ID" },
	/* §4.6.38 */
	{ CS_EL_STATS_TIMER, 2, 2, CSTAT_REQ | CUPD_REQ, 0,
	    "Statistics Timer" },
	/* §4.6.39: vendor, element id, data 1..2048; any message */
	{ CS_EL_VENDOR_PAYLOAD, 7, 2054, CS_MB_ALL, CS_ED_MULTI,
	    "Vendor Specific Payload" },
	/* §4.6.40: vendor + sub-elements */
	{ CS_EL_BOARD_DATA, 14, U16MAX, ANY_DISC_REQ | JOIN_REQ, 0,
	    "WTP Board Data" },
	/* §4.6.41 (draft-7 form is 31+, see capwap_elems.c) */
	{ CS_EL_WTP_DESCRIPTOR, 31, U16MAX, ANY_DISC_REQ | JOIN_REQ, 0,
	    "WTP Descriptor" },
	/* §4.6.42 */
	{ CS_EL_WTP_FALLBACK, 1, 1, CSTAT_RESP | CUPD_REQ, 0, "WTP Fallback" },
	/* §4.6.43 */
	{ CS_EL_FRAME_TUNNEL_MODE, 1, 1, ANY_DISC_REQ | JOIN_REQ, 0,
	    "WTP Frame Tunnel Mode" },
	/* draft-ietf-capwap-protocol-specification-07 §4.6.42/43: Cisco */
	{ CS_EL_CISCO_WTP_IPV4, 4, 4, JOIN_REQ, CS_ED_CISCO,
	    "WTP IPv4 IP Address (draft-7)" },
	{ CS_EL_CISCO_WTP_IPV6, 16, 16, JOIN_REQ, CS_ED_CISCO,
	    "WTP IPv6 IP Address (draft-7)" },
	/* §4.6.44 */
	{ CS_EL_MAC_TYPE, 1, 1, ANY_DISC_REQ | JOIN_REQ, 0, "WTP MAC Type" },
	/* §4.6.45: 1..512 */
	{ CS_EL_WTP_NAME, 1, 512, JOIN_REQ | CUPD_REQ, 0, "WTP Name" },
	/* §4.6.46 */
	{ CS_EL_RADIO_STATS, 20, 20, EVT_REQ, CS_ED_MULTI,
	    "WTP Radio Statistics" },
	/* §4.6.47 */
	{ CS_EL_REBOOT_STATS, 15, 15, JOIN_REQ | CSTAT_REQ | EVT_REQ, 0,
	    "WTP Reboot Statistics" },
	/* §4.6.48 */
	{ CS_EL_STATIC_IP_INFO, 13, 13, CSTAT_REQ | CUPD_REQ, 0,
	    "WTP Static IP Address Information" },
	/* §4.6.12 */
	{ CS_EL_LOCAL_IPV6, 16, 16, JOIN_REQ | JOIN_RESP, 0,
	    "CAPWAP Local IPv6 Address" },
	/* §4.6.14 */
	{ CS_EL_TRANSPORT_PROTO, 1, 1,
	    JOIN_REQ | JOIN_RESP | CSTAT_REQ | IMG_REQ, 0,
	    "CAPWAP Transport Protocol" },
	/* §4.6.32: any length of 0xFF */
	{ CS_EL_MTU_PADDING, 0, U16MAX, ANY_DISC_REQ, 0,
	    "MTU Discovery Padding" },
	/* §4.6.25 */
	{ CS_EL_ECN_SUPPORT, 1, 1, JOIN_REQ | JOIN_RESP, 0, "ECN Support" },

	/* RFC 5416 §6.1: radio, wlan, capability, key index/status/len,
	 * key, TSC 6, QoS, auth, MAC mode, tunnel mode, suppress, SSID */
	{ CS_EL_80211_ADD_WLAN, 20, U16MAX, WLAN_REQ, 0,
	    "IEEE 802.11 Add WLAN" },
	/* §6.2 */
	{ CS_EL_80211_ANTENNA, 5, U16MAX, RADIO_CFG, CS_ED_MULTI,
	    "IEEE 802.11 Antenna" },
	/* §6.3 */
	{ CS_EL_80211_ASSIGNED_BSSID, 8, 8, WLAN_RESP, 0,
	    "IEEE 802.11 Assigned WTP BSSID" },
	/* §6.4 */
	{ CS_EL_80211_DELETE_WLAN, 2, 2, WLAN_REQ, 0,
	    "IEEE 802.11 Delete WLAN" },
	/* §6.5 */
	{ CS_EL_80211_DSSS_CONTROL, 8, 8, RADIO_CFG, CS_ED_MULTI,
	    "IEEE 802.11 Direct Sequence Control" },
	/* §6.6: radio, wlan, flags, IE */
	{ CS_EL_80211_INFO_ELEMENT, 4, U16MAX, WLAN_REQ, CS_ED_MULTI,
	    "IEEE 802.11 Information Element" },
	/* §6.7 */
	{ CS_EL_80211_MAC_OPERATION, 16, 16, RADIO_CFG, CS_ED_MULTI,
	    "IEEE 802.11 MAC Operation" },
	/* §6.8 */
	{ CS_EL_80211_MIC_COUNTERMEASURES, 8, 8, EVT_REQ, CS_ED_MULTI,
	    "IEEE 802.11 MIC Countermeasures" },
	/* §6.9 */
	{ CS_EL_80211_MULTI_DOMAIN_CAP, 8, 8, RADIO_CFG, CS_ED_MULTI,
	    "IEEE 802.11 Multi-Domain Capability" },
	/* §6.10 */
	{ CS_EL_80211_OFDM_CONTROL, 8, 8, RADIO_CFG, CS_ED_MULTI,
	    "IEEE 802.11 OFDM Control" },
	/* §6.11: radio + 2..8 rates */
	{ CS_EL_80211_RATE_SET, 3, 9, CSTAT_RESP | CUPD_REQ, CS_ED_MULTI,
	    "IEEE 802.11 Rate Set" },
	/* §6.12 */
	{ CS_EL_80211_RSNA_ERROR_REPORT, 40, 40, EVT_REQ | CUPD_REQ,
	    CS_ED_MULTI, "IEEE 802.11 RSNA Error Report From Station" },
	/* §6.13 */
	{ CS_EL_80211_STATION, 14, U16MAX, STA_REQ, CS_ED_MULTI,
	    "IEEE 802.11 Station" },
	/* §6.14 */
	{ CS_EL_80211_STATION_QOS, 8, 8, STA_REQ, CS_ED_MULTI,
	    "IEEE 802.11 Station QoS Profile" },
	/* §6.15 */
	{ CS_EL_80211_STATION_SESSION_KEY, 25, U16MAX, STA_REQ, CS_ED_MULTI,
	    "IEEE 802.11 Station Session Key" },
	/* §6.16 */
	{ CS_EL_80211_STATISTICS, 80, 80, EVT_REQ, CS_ED_MULTI,
	    "IEEE 802.11 Statistics" },
	/* §6.17: radio + 2..8 rates */
	{ CS_EL_80211_SUPPORTED_RATES, 3, 9, CSTAT_REQ | CSTAT_RESP,
	    CS_ED_MULTI, "IEEE 802.11 Supported Rates" },
	/* §6.18 */
	{ CS_EL_80211_TX_POWER, 4, 4, RADIO_CFG, CS_ED_MULTI,
	    "IEEE 802.11 Tx Power" },
	/* §6.19: radio, num, n x u16 */
	{ CS_EL_80211_TX_POWER_LEVEL, 4, U16MAX, CSTAT_REQ, CS_ED_MULTI,
	    "IEEE 802.11 Tx Power Level" },
	/* §6.20 */
	{ CS_EL_80211_UPDATE_STATION_QOS, 14, 14, STA_REQ, CS_ED_MULTI,
	    "IEEE 802.11 Update Station QoS" },
	/* §6.21 */
	{ CS_EL_80211_UPDATE_WLAN, 8, U16MAX, WLAN_REQ, 0,
	    "IEEE 802.11 Update WLAN" },
	/* §6.22 */
	{ CS_EL_80211_WTP_QOS, 34, 34, CSTAT_RESP | CUPD_REQ, CS_ED_MULTI,
	    "IEEE 802.11 WTP Quality of Service" },
	/* §6.23 */
	{ CS_EL_80211_RADIO_CONFIG, 16, 16, RADIO_CFG, CS_ED_MULTI,
	    "IEEE 802.11 WTP Radio Configuration" },
	/* §6.24; RFC 5416 §5.11 places it in Change State Event Request */
	{ CS_EL_80211_RADIO_FAIL_ALARM, 4, 4, CHST_REQ | EVT_REQ, CS_ED_MULTI,
	    "IEEE 802.11 WTP Radio Fail Alarm Indication" },
	/* §6.25: one per radio; RFC 5416 §5.1-§5.7 */
	{ CS_EL_80211_RADIO_INFO, 5, 5,
	    ANY_DISC_REQ | ANY_DISC_RESP | JOIN_REQ | JOIN_RESP | CSTAT_REQ,
	    CS_ED_MULTI, "IEEE 802.11 WTP Radio Information" },
};

const struct cs_elem_desc *
cs_elem_desc(uint16_t type)
{
	size_t lo = 0, hi = CS_ARRAY_SIZE(elem_table);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (elem_table[mid].type == type)
			return &elem_table[mid];
		if (elem_table[mid].type < type)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *
cs_elem_name(uint16_t type)
{
	const struct cs_elem_desc *d = cs_elem_desc(type);

	return d != NULL ? d->name : "Unknown";
}

uint32_t
cs_msg_bit(uint32_t type)
{
	if (type >= CS_MSG_DISCOVERY_REQ && type <= CS_MSG_STATION_CONFIG_RESP)
		return CS_MB(type);
	if (type == CS_MSG_WLAN_CONFIG_REQ)
		return CS_MB_WLAN_CFG_REQ;
	if (type == CS_MSG_WLAN_CONFIG_RESP)
		return CS_MB_WLAN_CFG_RESP;
	return 0;
}

/* RFC 5415 §4.5.1.1 */
static const char *const msg_names[] = {
	[CS_MSG_DISCOVERY_REQ] = "Discovery Request",
	[CS_MSG_DISCOVERY_RESP] = "Discovery Response",
	[CS_MSG_JOIN_REQ] = "Join Request",
	[CS_MSG_JOIN_RESP] = "Join Response",
	[CS_MSG_CONFIG_STATUS_REQ] = "Configuration Status Request",
	[CS_MSG_CONFIG_STATUS_RESP] = "Configuration Status Response",
	[CS_MSG_CONFIG_UPDATE_REQ] = "Configuration Update Request",
	[CS_MSG_CONFIG_UPDATE_RESP] = "Configuration Update Response",
	[CS_MSG_WTP_EVENT_REQ] = "WTP Event Request",
	[CS_MSG_WTP_EVENT_RESP] = "WTP Event Response",
	[CS_MSG_CHANGE_STATE_REQ] = "Change State Event Request",
	[CS_MSG_CHANGE_STATE_RESP] = "Change State Event Response",
	[CS_MSG_ECHO_REQ] = "Echo Request",
	[CS_MSG_ECHO_RESP] = "Echo Response",
	[CS_MSG_IMAGE_DATA_REQ] = "Image Data Request",
	[CS_MSG_IMAGE_DATA_RESP] = "Image Data Response",
	[CS_MSG_RESET_REQ] = "Reset Request",
	[CS_MSG_RESET_RESP] = "Reset Response",
	[CS_MSG_PRIMARY_DISCOVERY_REQ] = "Primary Discovery Request",
	[CS_MSG_PRIMARY_DISCOVERY_RESP] = "Primary Discovery Response",
	[CS_MSG_DATA_TRANSFER_REQ] = "Data Transfer Request",
	[CS_MSG_DATA_TRANSFER_RESP] = "Data Transfer Response",
	[CS_MSG_CLEAR_CONFIG_REQ] = "Clear Configuration Request",
	[CS_MSG_CLEAR_CONFIG_RESP] = "Clear Configuration Response",
	[CS_MSG_STATION_CONFIG_REQ] = "Station Configuration Request",
	[CS_MSG_STATION_CONFIG_RESP] = "Station Configuration Response",
};
_Static_assert(CS_ARRAY_SIZE(msg_names) == CS_MSG_STATION_CONFIG_RESP + 1,
    "msg_names[] out of sync with enum cs_msg_type");

const char *
cs_msg_type_name(uint32_t type)
{
	if (type >= CS_MSG_DISCOVERY_REQ && type <= CS_MSG_STATION_CONFIG_RESP)
		return msg_names[type];
	if (type == CS_MSG_WLAN_CONFIG_REQ)
		return "IEEE 802.11 WLAN Configuration Request";
	if (type == CS_MSG_WLAN_CONFIG_RESP)
		return "IEEE 802.11 WLAN Configuration Response";
	return "Unknown";
}

/* RFC 5415 §4.6.35 */
static const char *const rc_names[] = {
	[CS_RC_SUCCESS] = "Success",
	[CS_RC_FAILURE_AC_LIST] = "Failure (AC List Message Element MUST "
	                          "Be Present)",
	[CS_RC_SUCCESS_NAT] = "Success (NAT Detected)",
	[CS_RC_JOIN_FAIL_UNSPEC] = "Join failure (unspecified)",
	[CS_RC_JOIN_FAIL_RESOURCE] = "Join failure (resource depletion)",
	[CS_RC_JOIN_FAIL_UNKNOWN_SRC] = "Join failure (unknown source)",
	[CS_RC_JOIN_FAIL_BAD_DATA] = "Join failure (incorrect data)",
	[CS_RC_JOIN_FAIL_SESSION_IN_USE] = "Join failure (session ID already "
	                                   "in use)",
	[CS_RC_JOIN_FAIL_HW_UNSUPPORTED] = "Join failure (WTP hardware not "
	                                   "supported)",
	[CS_RC_JOIN_FAIL_BINDING_UNSUPPORTED] = "Join failure (binding not "
	                                        "supported)",
	[CS_RC_RESET_FAIL_UNABLE] = "Reset failure (unable to reset)",
	[CS_RC_RESET_FAIL_FW_WRITE] = "Reset failure (failed to write "
	                              "firmware)",
	[CS_RC_CONFIG_FAIL_SERVICE_ANYHOW] = "Configuration failure (unable "
	                                     "to set, service provided "
	                                     "anyhow)",
	[CS_RC_CONFIG_FAIL_NO_SERVICE] = "Configuration failure (unable to "
	                                 "set, service not provided)",
	[CS_RC_IMAGE_ERR_CHECKSUM] = "Image data error (invalid checksum)",
	[CS_RC_IMAGE_ERR_LENGTH] = "Image data error (invalid data length)",
	[CS_RC_IMAGE_ERR_OTHER] = "Image data error (other error)",
	[CS_RC_IMAGE_ERR_PRESENT] = "Image data error (image already "
	                            "present)",
	[CS_RC_MSG_UNEXPECTED_STATE] = "Message unexpected (invalid in "
	                               "current state)",
	[CS_RC_MSG_UNEXPECTED_UNRECOGNIZED] = "Message unexpected "
	                                      "(unrecognized request)",
	[CS_RC_FAIL_MISSING_ELEM] = "Failure (missing mandatory message "
	                            "element)",
	[CS_RC_FAIL_UNRECOGNIZED_ELEM] = "Failure (unrecognized message "
	                                 "element)",
	[CS_RC_DATA_TRANSFER_NO_INFO] = "Data transfer error (no information "
	                                "to transfer)",
};
_Static_assert(CS_ARRAY_SIZE(rc_names) == CS_RC__COUNT,
    "rc_names[] out of sync with enum cs_result_code");

const char *
cs_result_code_name(uint32_t code)
{
	return code < CS_RC__COUNT ? rc_names[code] : "Unknown";
}
