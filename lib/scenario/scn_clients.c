/* SPDX-License-Identifier: MIT */
/*
 * The scenario's clients: section (issue 14): wireless clients behind
 * every AP, as `capsim run --clients-per-ap ... --wlan ... --psk ...`.
 */
#include "scn_load.h"

#include <errno.h>
#include <string.h>

enum {
	CK_COUNT,
	CK_MAC_BASE,
	CK_MAC_INCREMENT,
	CK_SSID,
	CK_SECURITY,
	CK_PSK,
	CK_ARRIVAL_RATE,
	CK_LIFETIME,
	CK_WLC_PSK,
	CK_WLC_REFUSE,
	CK_DHCP_TIMEOUT,
	CK_DHCP_TRIES,
	CK__COUNT
};
static const char *const clients_keys[] = {
	[CK_COUNT] = "count",
	[CK_MAC_BASE] = "mac-base",
	[CK_MAC_INCREMENT] = "mac-increment",
	[CK_SSID] = "ssid",
	[CK_SECURITY] = "security",
	[CK_PSK] = "psk",
	[CK_ARRIVAL_RATE] = "arrival-rate",
	[CK_LIFETIME] = "lifetime",
	[CK_WLC_PSK] = "wlc-psk",
	[CK_WLC_REFUSE] = "wlc-refuse-association",
	[CK_DHCP_TIMEOUT] = "dhcp-timeout",
	[CK_DHCP_TRIES] = "dhcp-tries",
	[CK__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(clients_keys) == CK__COUNT + 1,
    "clients_keys[] out of sync with its enum");

static const char *const security_words[] = { "open", "wpa2-psk", NULL };

int
scn_clients(struct scn *p, const yaml_node_t *n)
{
	struct cs_scn_clients *c = &p->s->clients;
	yaml_node_t *v[CK__COUNT + 1];
	char kp[SCN_PATH_LEN];
	uint64_t u;
	unsigned w;
	size_t len;
	int r;

#define KP(k) (scn_key(kp, sizeof(kp), "clients", (k)), kp)
	if ((r = scn_map(p, n, "clients", clients_keys, v)) < 0)
		return r;
	c->given = true;
	if (v[CK_COUNT]) {
		if ((r = scn_uint(p, v[CK_COUNT], KP("count"), 0, 65535, &u)) <
		    0)
			return r;
		c->count = (unsigned)u;
	}
	if (v[CK_MAC_BASE]) {
		if ((r = scn_mac(
		         p, v[CK_MAC_BASE], KP("mac-base"), c->mac_base)) < 0)
			return r;
		c->has_mac_base = true;
	}
	if (v[CK_MAC_INCREMENT] &&
	    (r = scn_u32(p, v[CK_MAC_INCREMENT], KP("mac-increment"), 1, 65535,
	         &c->mac_increment)) < 0)
		return r;
	if (v[CK_SSID]) {
		if ((r = scn_str(p, v[CK_SSID], KP("ssid"), &c->ssid)) < 0)
			return r;
		len = strlen(c->ssid);
		if (len == 0 || len > 32)
			return scn_bad(p, v[CK_SSID], KP("ssid"),
			    "an SSID has 1 to 32 octets");
	}
	if (v[CK_SECURITY]) {
		if ((r = scn_word(p, v[CK_SECURITY], KP("security"),
		         security_words, &w)) < 0)
			return r;
		c->security = w == 1 ? CS_SCN_SEC_WPA2_PSK : CS_SCN_SEC_OPEN;
	}
	if (v[CK_PSK]) {
		if ((r = scn_str(p, v[CK_PSK], KP("psk"), &c->psk)) < 0)
			return r;
		if (c->security != CS_SCN_SEC_WPA2_PSK)
			return scn_bad(p, v[CK_PSK], KP("psk"),
			    "a pre-shared key needs security: wpa2-psk");
		len = strlen(c->psk);
		if (len < 8 || len > 64)
			return scn_bad(p, v[CK_PSK], KP("psk"),
			    "a WPA2 passphrase has 8 to 63 characters (or 64 "
			    "hex digits)");
	} else if (c->security == CS_SCN_SEC_WPA2_PSK) {
		return scn_bad(
		    p, v[CK_SECURITY], KP("security"), "wpa2-psk needs a psk");
	}
	if (v[CK_ARRIVAL_RATE]) {
		if ((r = scn_rate(p, v[CK_ARRIVAL_RATE], KP("arrival-rate"),
		         &c->rate)) < 0)
			return r;
		c->has_rate = true;
	}
	if (v[CK_LIFETIME] &&
	    (r = scn_dur(p, v[CK_LIFETIME], KP("lifetime"), 0, UINT32_MAX,
	         &c->lifetime_ms)) < 0)
		return r;
	if (v[CK_WLC_PSK]) {
		if ((r = scn_str(
		         p, v[CK_WLC_PSK], KP("wlc-psk"), &c->wlc_psk)) < 0)
			return r;
		if (c->security != CS_SCN_SEC_WPA2_PSK)
			return scn_bad(p, v[CK_WLC_PSK], KP("wlc-psk"),
			    "the controller's pre-shared key needs security: "
			    "wpa2-psk");
		len = strlen(c->wlc_psk);
		if (len < 8 || len > 64)
			return scn_bad(p, v[CK_WLC_PSK], KP("wlc-psk"),
			    "a WPA2 passphrase has 8 to 63 characters (or 64 "
			    "hex digits)");
	}
	if (v[CK_WLC_REFUSE]) {
		/* IEEE 802.11-2016 §9.4.1.9: 1..65535 (0 is success) */
		if ((r = scn_uint(p, v[CK_WLC_REFUSE],
		         KP("wlc-refuse-association"), 1, 65535, &u)) < 0)
			return r;
		c->wlc_refuse_assoc = (uint16_t)u;
	}
	/* RFC 2131 §4.1 suggests 4 s doubling to 64 s; shorter for labs */
	if (v[CK_DHCP_TIMEOUT] &&
	    (r = scn_dur(p, v[CK_DHCP_TIMEOUT], KP("dhcp-timeout"), 100, 64000,
	         &c->dhcp_timeout_ms)) < 0)
		return r;
	if (v[CK_DHCP_TRIES]) {
		if ((r = scn_uint(
		         p, v[CK_DHCP_TRIES], KP("dhcp-tries"), 1, 16, &u)) < 0)
			return r;
		c->dhcp_tries = (unsigned)u;
	}
	return 0;
#undef KP
}
