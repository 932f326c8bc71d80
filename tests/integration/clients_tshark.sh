#!/bin/bash
# SPDX-License-Identifier: MIT
# Cross-checks the wireless clients' frames against Wireshark:
# test_wlc_clients joins 8 stations on 2 APs through the split-MAC
# controller and writes the exchange as it crosses the CAPWAP data
# channel (T bit, WBID 1, native 802.11) into a pcapng; tshark must
# dissect every frame as 802.11 inside CAPWAP data, with no malformed
# packet and no error-level expert info, and find the DHCP, ARP and ICMP
# echo answers of the 6 clients the per-AP limit lets in.
# capwap.swap_fc is turned off: Wireshark swaps the 802.11 Frame Control
# bytes by default ("needed for some APs"), RFC 5416 frames are not
# swapped.  Skips (77) when tshark or the generator is missing.
set -u
: "${CS_BUILD:?CS_BUILD not set}"
. "$(dirname "$0")/tshark.inc"
cs_tshark_gen "$CS_BUILD/tests/test_wlc_clients" CS_PCAP_OUT clients.pcapng
opts=(-n -o capwap.swap_fc:FALSE)
if ! tshark -r "$tmp/clients.pcapng" "${opts[@]}" -T fields -E separator=';' \
    -e frame.number -e frame.protocols -e _ws.malformed \
    -e _ws.expert.severity -e _ws.expert.message \
    >"$tmp/out.txt" 2>"$tmp/err.txt"; then
	cat "$tmp/err.txt"
	echo "FAIL: tshark could not read the capture"
	exit 1
fi
status=0
n=0
while IFS=';' read -r num protos malformed sev msg; do
	n=$((n + 1))
	case "$protos" in
	*:capwap.data:wlan*) ;;
	*)
		echo "FAIL: frame $num: not 802.11 in CAPWAP data: $protos"
		status=1
		;;
	esac
	if [ -n "$malformed" ]; then
		echo "FAIL: frame $num: malformed: $msg"
		status=1
	fi
	for s in ${sev//,/ }; do
		if [ $((s)) -ge $((0x00800000)) ]; then
			echo "FAIL: frame $num: error expert info: $msg"
			status=1
		fi
	done
done <"$tmp/out.txt"
if [ "$n" -lt 90 ]; then
	echo "FAIL: only $n frames in the capture"
	status=1
fi
count() { # display-filter expected what
	local got
	got=$(tshark -r "$tmp/clients.pcapng" "${opts[@]}" -Y "$1" | wc -l)
	if [ "$got" -ne "$2" ]; then
		echo "FAIL: $3: $got frames, expected $2"
		status=1
	fi
}
count 'wlan.fc.type_subtype == 0x000b' 16 "Authentication (8 requests, 8 answers)"
count 'wlan.fixed.status_code == 17' 2 "association refused, AP full"
count 'dhcp.option.dhcp == 5' 6 "DHCPACK"
count 'dhcp.option.dhcp == 1 && dhcp.ip.relay == 0.0.0.0' 6 \
	"DHCPDISCOVER from the stations (giaddr still 0 in the tunnel)"
count 'arp.opcode == 2 && arp.src.proto_ipv4 == 10.20.0.1' 6 \
	"ARP replies for the gateway"
count 'icmp.type == 0 && ip.src == 10.20.0.1' 6 "echo replies from the gateway"
count 'wlan.fc.type_subtype == 0x000a && wlan.fixed.reason_code == 8' 6 \
	"Disassociation, leaving"
[ "$status" -eq 0 ] && echo "PASS: $n frames, all 802.11 in CAPWAP data, none malformed"
exit "$status"
