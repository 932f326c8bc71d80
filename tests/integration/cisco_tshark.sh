#!/bin/bash
# SPDX-License-Identifier: MIT
# Cross-checks the Cisco profile's encodings against Wireshark's Cisco mode
# (capwap-facts §3, §4.12): test_ap_cisco runs a c2700 profile AP against
# the mock WLC in Cisco mode in memory and writes the exchange (Discovery,
# Join, Configuration Status, Change State, Primary Discovery, both ways)
# as plain CAPWAP/UDP in a pcapng.  tshark with capwap.draft_8_cisco:TRUE
# must decode every frame as the intended message type with no malformed
# packet and no warning- or error-level expert info (notes such as "not
# implemented" for Cisco vendor elements are allowed).  Skips (77) when
# tshark or the generator is missing.
set -u
: "${CS_BUILD:?CS_BUILD not set}"
. "$(dirname "$0")/tshark.inc"
cs_tshark_gen "$CS_BUILD/tests/test_ap_cisco" CS_PCAP_OUT cisco.pcapng
if ! tshark -n -r "$tmp/cisco.pcapng" -o capwap.udp.port.control:5246 \
    -o capwap.draft_8_cisco:TRUE -T fields -E separator=';' \
    -e frame.number -e capwap.control.header.message_type \
    -e _ws.malformed -e _ws.expert.severity -e _ws.expert.message \
    >"$tmp/out.txt" 2>"$tmp/err.txt"; then
	cat "$tmp/err.txt"
	echo "FAIL: tshark could not read the capture"
	exit 1
fi
mapfile -t want <"$tmp/cisco.pcapng.expect"
mapfile -t got <"$tmp/out.txt"
status=0
if [ "${#got[@]}" -ne "${#want[@]}" ]; then
	echo "FAIL: ${#got[@]} frames, expected ${#want[@]}"
	status=1
fi
seen_disc=0 seen_join=0
for i in "${!want[@]}"; do
	IFS=';' read -r num mtype malformed sev msg <<<"${got[$i]:-}"
	w=${want[$i]}
	if [ "$mtype" != "$w" ]; then
		echo "FAIL: frame $((i + 1)): message type '$mtype', expected $w"
		status=1
	fi
	if [ -n "$malformed" ]; then
		echo "FAIL: frame $((i + 1)) (type $w): malformed: $msg"
		status=1
	fi
	# PI_WARN is 0x00600000, PI_ERROR 0x00800000
	IFS=',' read -r -a sevs <<<"$sev"
	for s in "${sevs[@]}"; do
		if [ -n "$s" ] && [ "$s" -ge 6291456 ]; then
			echo "FAIL: frame $((i + 1)) (type $w): expert $s: $msg"
			status=1
		fi
	done
	[ "$w" = 1 ] && seen_disc=1
	[ "$w" = 3 ] && seen_join=1
done
if [ $seen_disc = 0 ] || [ $seen_join = 0 ]; then
	echo "FAIL: capture lacks a Discovery or Join Request"
	status=1
fi
if [ $status = 0 ]; then
	echo "OK: ${#want[@]} Cisco-profile frames decoded by tshark" \
		"(draft_8_cisco) without malformed packets"
fi
exit $status
