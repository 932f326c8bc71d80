/* SPDX-License-Identifier: MIT */
/*
 * Wireless-client options (sim/run_clients.h): what `capsim run` gives
 * its APs' stations and its embedded WLC, and `capsim wlc` its WLAN.
 */
#include "run_clients.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/udp.h"
#include "capsim/wpa_crypto.h"
#include "simutil.h"

#define SIM_CL_MAC_BASE "02:cc:00:00:00:00" /* locally administered */
#define SIM_CL_GW_MAC   "02:cc:ff:ff:ff:fe" /* the WLC's gateway MAC */
#define SIM_CL_SUBNET   "10.20.0.0/16"

const char sim_clients_usage_run[] =
    "Wireless clients (split MAC: 802.11 in CAPWAP data, RFC 5416):\n"
    "  --clients-per-ap N     stations behind every AP (default 0: "
    "none)\n"
    "  --wlan SSID            the WLAN they join; the embedded WLC "
    "serves it\n"
    "                         (default capsim)\n"
    "  --psk PASSPHRASE       WPA2-PSK (8..63 characters or 64 hex "
    "digits);\n"
    "                         default: open system\n"
    "  --client-rate R        stations started per second per AP once "
    "it is\n"
    "                         in Run (default 10; 0 = all at once)\n"
    "  --client-lifetime DUR  time in Run before leaving (DHCPRELEASE, "
    "Disassociation;\n"
    "                         default 0: stay)\n"
    "  --client-mac-base MAC  client k of AP g has MAC + g * N + k "
    "(default\n"
    "                         " SIM_CL_MAC_BASE ", from the global AP index:\n"
    "                         shards slice the clients disjointly)\n"
    "  --client-subnet CIDR   the embedded WLC's client subnet; its "
    "gateway is\n"
    "                         the first address (default " SIM_CL_SUBNET ")\n"
    "  --client-dhcp-server ADDR[:PORT]  the embedded WLC relays client "
    "DHCP\n"
    "                         there from gateway:PORT (default port 67); "
    "without it\n"
    "                         client DHCP is dropped and clients fail "
    "in dhcp\n"
    "Misbehaviour toward clients, for tests (the WLC's side):\n"
    "  --client-refuse-assoc STATUS  refuse every (Re)Association with "
    "this\n"
    "                         IEEE 802.11 status code (default 0: off)\n"
    "  --client-drop-eapol-m3 N|all  never send the first N (or any) "
    "4-way\n"
    "                         message 3 to a client (default 0: off)\n"
    "  --client-no-dhcp-relay relay no client DHCP (no offer ever; "
    "default off)\n";

const char sim_clients_usage_wlc[] =
    "Wireless clients (split MAC: 802.11 in CAPWAP data, RFC 5416):\n"
    "  --wlan SSID            serve this WLAN to every AP in Run (Add "
    "WLAN);\n"
    "                         default: none (802.11 frames dropped)\n"
    "  --psk PASSPHRASE       WPA2-PSK (8..63 characters or 64 hex "
    "digits);\n"
    "                         default: open system\n"
    "  --client-subnet CIDR   client subnet; the gateway (relay agent, "
    "giaddr)\n"
    "                         is its first address (default " SIM_CL_SUBNET
    ")\n"
    "  --client-dhcp-server ADDR[:PORT]  relay client DHCP there from "
    "gateway:PORT\n"
    "                         (default port 67; the gateway must be a "
    "local\n"
    "                         address); without it client DHCP is "
    "dropped and\n"
    "                         clients fail in dhcp (no offer)\n"
    "Misbehaviour toward clients, for tests (the WLC's side):\n"
    "  --client-refuse-assoc STATUS  refuse every (Re)Association with "
    "this\n"
    "                         IEEE 802.11 status code (default 0: off)\n"
    "  --client-drop-eapol-m3 N|all  never send the first N (or any) "
    "4-way\n"
    "                         message 3 to a client (default 0: off)\n"
    "  --client-no-dhcp-relay relay no client DHCP (no offer ever; "
    "default off)\n";

void
sim_clients_init(struct sim_clients *c)
{
	memset(c, 0, sizeof(*c));
	c->rate = 10;
	c->mac_step = 1;
	(void)sim_parse_mac(SIM_CL_MAC_BASE, c->mac_base);
	c->subnet = 10u << 24 | 20u << 16;
	c->mask = 0xffff0000u;
	c->dhcp_port = 67;
}

static int
cl_parse_cidr(const char *s, uint32_t *net, uint32_t *mask)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	uint64_t bits;
	uint32_t ip, m;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (cs_ipv4_parse(buf, &ip) < 0 ||
	    sim_parse_uint(slash + 1, 8, 30, &bits) < 0)
		return -EINVAL;
	m = (uint32_t)(0xffffffffu << (32 - bits));
	if ((ip & ~m) != 0)
		return -EINVAL; /* host bits set: not a subnet */
	*net = ip;
	*mask = m;
	return 0;
}

int
sim_clients_opt(struct sim_clients *c, int which, const char *arg)
{
	uint64_t v;
	size_t n;

	switch (which) {
	case 0:
		if (sim_parse_uint(arg, 0, 65535, &v) < 0)
			goto bad;
		c->per_ap = (unsigned)v;
		return 0;
	case 1:
		n = strlen(arg);
		if (n == 0 || n > 32) {
			fprintf(stderr,
			    "capsim: --wlan: an SSID has 1..32 octets\n");
			return -EINVAL;
		}
		memcpy(c->ssid, arg, n + 1);
		return 0;
	case 2:
		c->psk = arg;
		return 0;
	case 3:
		if (sim_parse_number(arg, 0, 1e6, &c->rate) < 0)
			goto bad;
		return 0;
	case 4:
		if (sim_parse_duration_ms(arg, &c->lifetime_ms) < 0 ||
		    c->lifetime_ms > UINT32_MAX)
			goto bad;
		return 0;
	case 5:
		return sim_parse_mac(arg, c->mac_base);
	case 6:
		if (cl_parse_cidr(arg, &c->subnet, &c->mask) < 0) {
			fprintf(stderr,
			    "capsim: --client-subnet: '%s' is not "
			    "ADDR/BITS (a subnet, /8 to /30)\n",
			    arg);
			return -EINVAL;
		}
		return 0;
	case 7:
		if (sim_parse_addr_port(arg, &c->dhcp_server, &c->dhcp_port) <
		        0 ||
		    c->dhcp_server == 0 || c->dhcp_port == 0)
			goto bad;
		return 0;
	case 8:
		if (sim_parse_uint(arg, 1, 65535, &v) < 0)
			goto bad;
		c->refuse_assoc = (uint16_t)v;
		return 0;
	case 9:
		if (strcmp(arg, "all") == 0)
			c->drop_m3 = CS_WLC_DROP_ALL;
		else if (sim_parse_uint(arg, 0, UINT32_MAX - 1, &v) == 0)
			c->drop_m3 = (uint32_t)v;
		else
			goto bad;
		return 0;
	case 10:
		c->no_dhcp_relay = true;
		return 0;
	default:
		return -EINVAL;
	}
bad:
	fprintf(
	    stderr, "capsim: invalid value '%s' for a client option\n", arg);
	return -EINVAL;
}

int
sim_clients_apply(struct sim_clients *c, struct cs_engine_cfg *ec, bool aps,
    bool wlc, const char *cmd)
{
	struct cs_wlc_wlan *wl = &c->wcc.wlans[0];
	uint8_t pmk[CS_WPA_PMK_LEN], wlc_pmk[CS_WPA_PMK_LEN];
	const char *why = NULL;

	if (c->ssid[0] == '\0' &&
	    (c->per_ap > 0 || c->psk != NULL ||
	        (!aps && c->dhcp_server != 0))) {
		if (!aps) {
			fprintf(stderr,
			    "capsim: %s: client options need --wlan SSID\n",
			    cmd);
			return -EINVAL;
		}
		snprintf(c->ssid, sizeof(c->ssid), "capsim");
	}
	if (c->ssid[0] == '\0' || (aps && c->per_ap == 0))
		return 0; /* no clients */
	if (c->psk != NULL &&
	    cs_wpa_pmk_from_psk(c->psk, (const uint8_t *)c->ssid,
	        strlen(c->ssid), pmk, &why) < 0) {
		fprintf(stderr, "capsim: %s: --psk: %s\n", cmd,
		    why != NULL ? why : "not a valid pre-shared key");
		return -EINVAL;
	}
	memcpy(wlc_pmk, pmk, sizeof(pmk));
	if (c->psk != NULL && c->wlc_psk != NULL &&
	    cs_wpa_pmk_from_psk(c->wlc_psk, (const uint8_t *)c->ssid,
	        strlen(c->ssid), wlc_pmk, &why) < 0) {
		fprintf(stderr, "capsim: %s: clients.wlc-psk: %s\n", cmd,
		    why != NULL ? why : "not a valid pre-shared key");
		cs_wpa_cleanse(pmk, sizeof(pmk));
		return -EINVAL;
	}
	if (aps && c->per_ap > 0) {
		struct cs_engine_clients *k = &ec->clients;

		k->per_ap = c->per_ap;
		memcpy(k->mac_base, c->mac_base, 6);
		k->mac_step = c->mac_step;
		k->rate = c->rate;
		cs_sta_cfg_defaults(&k->sta);
		k->sta.security =
		    c->psk != NULL ? CS_STA_WPA2_PSK : CS_STA_OPEN;
		k->sta.lifetime_ms = (uint32_t)c->lifetime_ms;
		if (c->dhcp_timeout_ms != 0)
			k->sta.dhcp_timeout_ms = c->dhcp_timeout_ms;
		if (c->dhcp_tries != 0)
			k->sta.dhcp_tries = c->dhcp_tries;
		k->has_pmk = c->psk != NULL;
		if (k->has_pmk)
			memcpy(k->pmk, pmk, sizeof(pmk));
	}
	if (wlc) {
		memset(&c->wcc, 0, sizeof(c->wcc));
		c->wcc.n_wlans = 1;
		wl->wlan_id = 1;
		memcpy(wl->ssid, c->ssid, sizeof(wl->ssid));
		wl->gateway = c->subnet + 1;
		wl->mask = c->mask;
		(void)sim_parse_mac(SIM_CL_GW_MAC, wl->gateway_mac);
		wl->has_psk = c->psk != NULL;
		if (wl->has_psk)
			memcpy(wl->pmk, wlc_pmk, sizeof(wlc_pmk));
		c->wcc.dhcp_server = c->dhcp_server;
		c->wcc.refuse_assoc_status = c->refuse_assoc;
		c->wcc.drop_eapol_m3 = c->drop_m3;
		c->wcc.no_dhcp_relay = c->no_dhcp_relay;
		ec->wlc.clients = &c->wcc;
		ec->wlc_dhcp_port = c->dhcp_port;
	}
	cs_wpa_cleanse(pmk, sizeof(pmk));
	cs_wpa_cleanse(wlc_pmk, sizeof(wlc_pmk));
	return 0;
}
