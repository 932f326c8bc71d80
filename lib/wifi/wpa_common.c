/* SPDX-License-Identifier: MIT */
/*
 * Frame building, MIC verification and key data wrapping shared by the
 * WPA supplicant and authenticator (IEEE 802.11-2016 §12.7.2).
 */
#include "wpa-internal.h"

#include <errno.h>
#include <string.h>

#include "capsim/cursor.h"

static const char *const wpa_fail_names[] = {
	[CS_WPA_FAIL_NONE] = "none",
	[CS_WPA_FAIL_WRONG_PSK] = "wrong-psk",
	[CS_WPA_FAIL_NO_MSG2] = "no-msg2",
	[CS_WPA_FAIL_NO_MSG4] = "no-msg4",
	[CS_WPA_FAIL_NO_G2] = "no-group-msg2",
	[CS_WPA_FAIL_NO_MSG1] = "no-msg1",
	[CS_WPA_FAIL_NO_MSG3] = "no-msg3",
	[CS_WPA_FAIL_IE_MISMATCH] = "rsne-mismatch",
	[CS_WPA_FAIL_DEAUTH] = "deauthenticated",
};
_Static_assert(CS_ARRAY_SIZE(wpa_fail_names) == CS_WPA_FAIL__COUNT,
    "wpa_fail_names[] out of sync with enum cs_wpa_fail");

static const char *const wpa_fail_texts[] = {
	[CS_WPA_FAIL_NONE] = "no failure",
	[CS_WPA_FAIL_WRONG_PSK] =
	    "4-way handshake timeout: message 2 failed MIC verification "
	    "(PSK mismatch)",
	[CS_WPA_FAIL_NO_MSG2] =
	    "4-way handshake timeout: no message 2 after message 1",
	[CS_WPA_FAIL_NO_MSG4] =
	    "4-way handshake timeout: no message 4 after message 3",
	[CS_WPA_FAIL_NO_G2] =
	    "group key handshake timeout: no message 2 after message 1",
	[CS_WPA_FAIL_NO_MSG1] = "4-way handshake: no message 1 received",
	[CS_WPA_FAIL_NO_MSG3] =
	    "4-way handshake failed after message 2: no message 3 "
	    "(pre-shared key may be incorrect)",
	[CS_WPA_FAIL_IE_MISMATCH] =
	    "RSN element in 4-way handshake differs from (re)association",
	[CS_WPA_FAIL_DEAUTH] = "deauthenticated during the 4-way handshake",
};
_Static_assert(CS_ARRAY_SIZE(wpa_fail_texts) == CS_WPA_FAIL__COUNT,
    "wpa_fail_texts[] out of sync with enum cs_wpa_fail");

const char *
cs_wpa_fail_name(enum cs_wpa_fail f)
{
	return (unsigned)f < CS_WPA_FAIL__COUNT ? wpa_fail_names[f] : "unknown";
}

const char *
wpa_fail_text(enum cs_wpa_fail f)
{
	return (unsigned)f < CS_WPA_FAIL__COUNT ? wpa_fail_texts[f] : "unknown";
}

int
wpa_build(const struct cs_eapol_key *k, enum cs_wpa_key_ver ver,
    const uint8_t *kck, uint8_t *buf, size_t cap, size_t *len)
{
	uint8_t mic[CS_WPA_MIC_LEN];
	struct cs_wr wr;
	int r;

	cs_wr_init(&wr, buf, cap);
	(void)cs_eapol_key_encode(k, &wr);
	if (wr.err != 0)
		return wr.err;
	if (kck != NULL) {
		memset(buf + CS_EAPOL_MIC_OFF, 0, CS_WPA_MIC_LEN);
		if ((r = cs_wpa_mic(ver, kck, buf, wr.len, mic)) < 0)
			return r;
		memcpy(buf + CS_EAPOL_MIC_OFF, mic, CS_WPA_MIC_LEN);
	}
	*len = wr.len;
	return 0;
}

int
wpa_mic_verify(enum cs_wpa_key_ver ver, const uint8_t *kck, const uint8_t *pdu,
    size_t pdu_len)
{
	uint8_t copy[WPA_PDU_MAX], mic[CS_WPA_MIC_LEN];
	int r;

	if (pdu_len < CS_EAPOL_KEY_MIN || pdu_len > sizeof(copy))
		return -EBADMSG;
	memcpy(copy, pdu, pdu_len);
	memset(copy + CS_EAPOL_MIC_OFF, 0, CS_WPA_MIC_LEN);
	if ((r = cs_wpa_mic(ver, kck, copy, pdu_len, mic)) < 0)
		return r;
	return cs_wpa_memcmp(mic, pdu + CS_EAPOL_MIC_OFF, CS_WPA_MIC_LEN) == 0
	    ? 0
	    : -EBADMSG;
}

int
wpa_kd_wrap(const uint8_t *kek, uint8_t *plain, size_t plain_len,
    size_t plain_cap, uint8_t *out, size_t cap, size_t *out_len)
{
	struct cs_wr wr;
	int r;

	cs_wr_init(&wr, plain, plain_cap);
	wr.len = plain_len;
	cs_eapol_kd_pad(&wr, 0);
	if (wr.err != 0)
		return wr.err;
	if (wr.len + CS_WPA_WRAP_PAD > cap)
		return -ENOBUFS;
	if ((r = cs_wpa_key_wrap(kek, CS_WPA_KEK_LEN, plain, wr.len, out)) < 0)
		return r;
	*out_len = wr.len + CS_WPA_WRAP_PAD;
	return 0;
}
