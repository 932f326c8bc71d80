/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the EAPOL-Key codec, the key data parser and the RSN
 * element decoder, and for both WPA handshake machines fed hostile
 * frames.  The input is tried as an EAPOL PDU (round-trip law: what
 * decoded encodes back to the same PDU), its key data as key data, and
 * the raw input as key data and as an RSN element.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/cursor.h"
#include "capsim/eapol.h"
#include "capsim/wpa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fz_send(void *ctx, const uint8_t *pdu, size_t len)
{
	struct cs_eapol_key k;

	(void)ctx;
	if (cs_eapol_key_decode(&k, pdu, len, NULL, NULL) != 0)
		abort(); /* what the machines send must parse */
	return 0;
}

static void
fz_arm(void *ctx, enum cs_wpa_timer t, uint64_t delay_ms)
{
	(void)ctx;
	(void)t;
	(void)delay_ms;
}

static void
fz_cancel(void *ctx, enum cs_wpa_timer t)
{
	(void)ctx;
	(void)t;
}

static int
fz_rand(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	memset(buf, 0x5a, len);
	return 0;
}

static void
fz_machines(const uint8_t *data, size_t size)
{
	static const uint8_t rsne[] = { 48, 20, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0,
		0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 2, 0, 0 };
	struct cs_wpa_io io = { fz_send, fz_arm, fz_cancel, NULL, fz_rand,
		NULL };
	struct cs_wpa_supp_cfg sc = { .akm = CS_WPA_AKM_PSK,
		.own_rsne = rsne,
		.own_rsne_len = sizeof(rsne),
		.ap_rsne = rsne,
		.ap_rsne_len = sizeof(rsne) };
	struct cs_wpa_auth_cfg ac = { .akm = CS_WPA_AKM_PSK,
		.own_rsne = rsne,
		.own_rsne_len = sizeof(rsne),
		.sta_rsne = rsne,
		.sta_rsne_len = sizeof(rsne),
		.gtk_keyid = 1 };
	struct cs_wpa_supp *s = NULL;
	struct cs_wpa_auth *a = NULL;

	if (cs_wpa_supp_new(&s, &sc, &io) != 0 ||
	    cs_wpa_auth_new(&a, &ac, &io) != 0)
		abort();
	(void)cs_wpa_supp_start(s, 0);
	(void)cs_wpa_auth_start(a, 0);
	(void)cs_wpa_supp_input(s, data, size, 1, NULL);
	(void)cs_wpa_auth_input(a, data, size, 1, NULL);
	cs_wpa_auth_timer(a, CS_WPA_T_RETX, 2);
	cs_wpa_supp_timer(s, CS_WPA_T_HANDSHAKE, 3);
	cs_wpa_supp_free(s);
	cs_wpa_auth_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_eapol_key k, again;
	struct cs_eapol_kd kd;
	struct cs_rsne r;
	static uint8_t out[2048];
	struct cs_wr wr;
	size_t pdu;

	(void)cs_eapol_kd_parse(&kd, data, size, NULL);
	(void)cs_rsne_decode(&r, data, size, NULL);
	fz_machines(data, size);
	if (cs_eapol_key_decode(&k, data, size, &pdu, NULL) < 0)
		return 0;
	(void)cs_eapol_key_msg(&k);
	if (cs_eapol_kd_parse(&kd, k.data, k.data_len, NULL) == 0 &&
	    kd.rsne != NULL)
		(void)cs_rsne_decode(&r, kd.rsne, kd.rsne_len, NULL);
	cs_wr_init(&wr, out, sizeof(out));
	(void)cs_eapol_key_encode(&k, &wr);
	if (wr.err != 0)
		abort(); /* anything we decoded must encode */
	if (wr.len != pdu || memcmp(out, data, pdu) != 0)
		abort(); /* and to the same bytes */
	if (cs_eapol_key_decode(&again, out, wr.len, NULL, NULL) != 0 ||
	    again.replay != k.replay || again.info != k.info ||
	    again.data_len != k.data_len)
		abort();
	return 0;
}
