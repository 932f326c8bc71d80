#!/bin/bash
# SPDX-License-Identifier: MIT
# Cross-checks capsim's CAPWAP encoder and pcapng writer against Wireshark:
# test_tshark_vectors writes one datagram of every control message type
# (and a data keep-alive) to a pcapng; tshark must decode each frame as the
# intended message type, with no malformed packet and no error-level expert
# info.  A Cisco draft-form capture is read with capwap.draft_8_cisco on.
# Skips (77) when tshark or the generator is missing.
set -u
: "${CS_BUILD:?CS_BUILD not set}"
. "$(dirname "$0")/tshark.inc"
cs_tshark_gen "$CS_BUILD/tests/test_tshark_vectors" CS_PCAP_OUT all.pcapng

# The control port is pinned; the data port stays at its default (5247):
# in tshark 4.0 setting capwap.udp.port.data with -o hands that port to the
# control dissector, which then calls every keep-alive malformed.  The
# "swap frame control" preference only touches 802.11 data frames; the
# first pass pins Cisco off, the second turns it on.
opts=(-o capwap.udp.port.control:5246 -o capwap.reassemble:TRUE)
fields=(-T fields -E separator=';' -e frame.number
	-e capwap.control.header.message_type -e capwap.keep_alive.length
	-e _ws.malformed -e _ws.expert.severity -e _ws.expert.message)

status=0
check() { # file expect-file extra-options...
	local file=$1 expect=$2
	shift 2
	if ! tshark -n -r "$file" "${opts[@]}" "$@" "${fields[@]}" \
	    >"$tmp/out.txt" 2>"$tmp/err.txt"; then
		cat "$tmp/err.txt"
		echo "FAIL: tshark could not read $file"
		status=1
		return
	fi
	mapfile -t want <"$expect"
	mapfile -t got <"$tmp/out.txt"
	if [ "${#got[@]}" -ne "${#want[@]}" ]; then
		echo "FAIL: $file: ${#got[@]} frames, expected ${#want[@]}"
		status=1
	fi
	for i in "${!want[@]}"; do
		IFS=';' read -r num mtype kalen malformed sev msg <<<"${got[$i]:-}"
		w=${want[$i]}
		if [ "$w" = 0 ]; then
			if [ -z "$kalen" ]; then
				echo "FAIL: frame $num: not decoded as a keep-alive"
				status=1
			fi
		elif [ "$mtype" != "$w" ]; then
			echo "FAIL: frame $num: message type '$mtype', expected $w"
			status=1
		fi
		if [ -n "$malformed" ]; then
			echo "FAIL: frame $num (type $w): malformed packet: $msg"
			status=1
		fi
		# Severity values: 0x00800000 error, 0x00600000 warn.
		for s in ${sev//,/ }; do
			if [ $((s)) -ge $((0x00800000)) ]; then
				echo "FAIL: frame $num (type $w): error expert info: $msg"
				status=1
			elif [ $((s)) -ge $((0x00600000)) ]; then
				echo "note: frame $num (type $w): warning: $msg"
			fi
		done
	done
	echo "checked $file: ${#want[@]} frames"
}

check "$tmp/all.pcapng" "$tmp/all.pcapng.expect" -o capwap.draft_8_cisco:FALSE
check "$tmp/all.pcapng.cisco" "$tmp/all.pcapng.cisco.expect" \
	-o capwap.draft_8_cisco:TRUE
exit $status
