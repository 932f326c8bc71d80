/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the split-MAC controller side: a stream of steps, each
 * an 802.11 frame from one of four APs (first byte: AP and whether it is
 * a DHCP reply from the server instead; then a length byte, or 0xfe and
 * two length bytes, then the bytes).  Whatever comes in, nothing
 * crashes, every frame the controller sends parses, every control
 * request it asks for decodes with the element table, and the client
 * counts stay consistent.  WLAN 2 is WPA2-PSK: EAPOL frames reach the
 * authenticators, and the clock advances 50 ms a step with the timer
 * tick, so retransmissions and deauthentications happen too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/cursor.h"
#include "capsim/ieee80211.h"
#include "capsim/wlc_clients.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fz_aps[4];

static int
fz_send_frame(void *ctx, void *ap, uint8_t rid, const uint8_t *f, size_t len)
{
	struct cs_dot11_frame d;

	(void)ctx;
	(void)ap;
	(void)rid;
	if (cs_dot11_decode(&d, f, len, NULL) != 0)
		abort();
	return 0;
}

static int
fz_send_control(
    void *ctx, void *ap, uint32_t type, const uint8_t *elems, size_t len)
{
	static uint8_t buf[4096];
	struct cs_capwap_hdr h;
	struct cs_msgb b;
	struct cs_msg m;
	struct cs_wr wr;

	(void)ctx;
	(void)ap;
	cs_capwap_hdr_init(&h, 0);
	cs_wr_init(&wr, buf, sizeof(buf));
	cs_msgb_begin(&b, &wr, &h, type, 0);
	cs_wr_bytes(&wr, elems, len);
	if (cs_msgb_end(&b) != 0 || cs_msg_decode(&m, buf, wr.len, 0, NULL) ||
	    m.n_unknown != 0)
		abort();
	return 0;
}

static int
fz_relay(
    void *ctx, uint32_t server, uint32_t giaddr, const uint8_t *p, size_t len)
{
	(void)ctx;
	(void)server;
	(void)giaddr;
	(void)p;
	(void)len;
	return 0;
}

static int
fz_rand(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	memset(buf, 0x42, len);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_wlc_clients_cfg cfg = { .n_wlans = 2,
		.max_per_ap = 2,
		.max_clients = 5,
		.dhcp_server = 0x7f000035 };
	struct cs_wlc_clients_io io = { .send_frame = fz_send_frame,
		.send_control = fz_send_control,
		.relay = fz_relay,
		.rand_bytes = fz_rand };
	struct cs_wlc_clients_stats st;
	struct cs_wlc_clients *c;
	size_t i = 0;

	cfg.wlans[0].wlan_id = 1;
	strcpy(cfg.wlans[0].ssid, "capsim");
	cfg.wlans[0].gateway = 0x0a000001;
	cfg.wlans[0].mask = 0xffffff00;
	cfg.wlans[1] = cfg.wlans[0];
	cfg.wlans[1].wlan_id = 2;
	strcpy(cfg.wlans[1].ssid, "capsim-psk");
	cfg.wlans[1].has_psk = true;
	memset(cfg.wlans[1].pmk, 0x11, sizeof(cfg.wlans[1].pmk));
	if (cs_wlc_clients_new(&c, &cfg, &io) != 0)
		abort();
	(void)cs_wlc_clients_ap_run(c, &fz_aps[0], 2);
	while (i + 2 <= size) {
		uint8_t who = data[i++];
		size_t n = data[i++];

		if (n == 0xfe && size - i >= 2) {
			n = (size_t)data[i] << 8 | data[i + 1];
			i += 2;
		}
		if (n > size - i)
			n = size - i;
		if (who & 0x80)
			(void)cs_wlc_clients_dhcp_reply(
			    c, data + i, n, 0, NULL);
		else if ((who & 0x0f) == 0x0f)
			cs_wlc_clients_ap_gone(c, &fz_aps[who >> 4 & 3]);
		else
			(void)cs_wlc_clients_input(c, &fz_aps[who & 3],
			    (uint8_t)(1 + (who >> 2 & 1)), data + i, n,
			    (uint64_t)i * 50);
		i += n;
		(void)cs_wlc_clients_tick(c, (uint64_t)i * 50);
	}
	cs_wlc_clients_stats(c, &st);
	if (st.per_state[CS_WLC_CL_ASSOC] + st.per_state[CS_WLC_CL_L2AUTH] +
	        st.per_state[CS_WLC_CL_IP_LEARN] + st.per_state[CS_WLC_CL_RUN] >
	    5)
		abort(); /* the global limit holds */
	cs_wlc_clients_free(c);
	return 0;
}
