#!/bin/bash
# SPDX-License-Identifier: MIT
# Cross-checks capsim's WPA2-PSK handshake against Wireshark's own key
# derivation: test_wpa writes a 4-way and a group key handshake made by
# capsim's authenticator and supplicant as an 802.11 capture; tshark, given
# only the passphrase and SSID, must dissect messages 1-4 and group 1-2
# with nothing malformed and find the GTKs it decrypted from message 3 and
# group message 1.  With a wrong passphrase it must not find them (so the
# check can fail).  Both PSK AKMs: 2 and 6.  Skips (77) when tshark or test_wpa is missing.
set -u
: "${CS_BUILD:?CS_BUILD not set}"
: "${CS_SRC:?CS_SRC not set}"
. "$(dirname "$0")/tshark.inc"
cs_tshark_gen "$CS_BUILD/tests/test_wpa" CS_WPA_PCAP_OUT wpa.pcapng

decode() { # passphrase [capture]
	tshark -r "${2:-$tmp/wpa.pcapng}" -o wlan.enable_decryption:TRUE \
		-o "uat:80211_keys:\"wpa-pwd\",\"$1:ThisIsASSID\"" \
		-T fields -E separator=';' -e frame.number \
		-e wlan_rsna_eapol.keydes.msgnr -e wlan.rsn.ie.gtk_kde.gtk \
		-e _ws.malformed -e _ws.expert.severity 2>"$tmp/tshark.err"
}

status=0
# frame 1 is the Beacon; then 1/4 2/4 3/4 4/4 and group 1/2 2/2
want="1;;;;
2;1;;;
3;2;;;
4;3;101112131415161718191a1b1c1d1e1f;;
5;4;;;
6;1;5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a;;
7;2;;;"
# AKM 2 (PRF-384, HMAC-SHA1 MIC) and AKM 6 (KDF-SHA256, AES-CMAC MIC)
for cap in "$tmp/wpa.pcapng" "$tmp/wpa.pcapng.akm6"; do
	out=$(decode "correct horse battery" "$cap")
	echo "$out"
	if [ "$out" != "$want" ]; then
		echo "FAIL: ${cap##*/}: tshark's view differs from the handshake:"
		diff <(echo "$want") <(echo "$out")
		cat "$tmp/tshark.err"
		status=1
	fi
	if decode "not the passphrase" "$cap" | grep -q '5a5a5a5a'; then
		echo "FAIL: ${cap##*/}: a wrong passphrase decrypted the GTK"
		status=1
	fi
done
[ "$status" -eq 0 ] && echo "PASS: Wireshark derives the same keys"
exit "$status"
