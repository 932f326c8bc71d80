#!/bin/bash
# SPDX-License-Identifier: MIT
# A capsim capture of the Cisco profile, read with Wireshark's Cisco mode:
# two c2700 APs join the embedded WLC in Cisco mode; the wire capture (DTLS
# keys inside) and the clear capture are written; tshark with
# capwap.draft_8_cisco:TRUE must decode the Discovery and Join Requests and
# Responses with no malformed packet (decryption of the wire capture is
# checked by capture_tshark.sh).  On a loopback /24 of its own (net.inc).
# Skips (77) without tshark.
set -u
: "${CAPSIM:?CAPSIM not set}"
command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark not installed"; exit 77; }
. "$(dirname "$0")/net.inc"
cs_net_claim
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export CAPSIM_PKI="$tmp/pki" HOME="$tmp"
fail() { echo "FAIL: $*"; exit 1; }

port=$(cs_free_port "$CS_NET.250" 2)
"$CAPSIM" run --profile c2700 --wlc-cisco --aps 2 --duration 6s \
	--wlc-listen "$CS_NET.250:$port" --ap-base-ip "$CS_NET.1" \
	--discovery-interval 1s --max-discovery-interval 1s \
	--pcap "$tmp/w.pcapng" --pcap-clear "$tmp/c.pcapng" -q 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || { tail -n 20 "$tmp/err"; fail "capsim run exited $rc"; }

opts=(-o capwap.draft_8_cisco:TRUE -o capwap.udp.port.control:$port
	-o capwap.reassemble:TRUE)
tshark -n -r "$tmp/c.pcapng" "${opts[@]}" -T fields -E separator=';' \
	-e capwap.control.header.message_type -e _ws.malformed \
	> "$tmp/types" 2>"$tmp/terr" || { cat "$tmp/terr"; fail "tshark failed"; }
for t in 1 2 3 4; do # Discovery Req/Resp, Join Req/Resp
	n=$(grep -c "^$t;" "$tmp/types")
	[ "$n" -ge 2 ] || fail "message type $t decoded $n times (want >= 2)"
done
if grep -q ';.\+$' "$tmp/types"; then
	grep ';.\+$' "$tmp/types" | head
	fail "malformed packets in the Cisco-mode decode"
fi
# the wire capture carries the protected exchange
n=$(tshark -n -r "$tmp/w.pcapng" -o capwap.udp.port.control:$port \
	-Y dtls.app_data -T fields -e frame.number 2>/dev/null | wc -l)
[ "$n" -ge 8 ] || fail "only $n DTLS application data records in the wire capture"
echo "PASS: c2700 capture decodes in Cisco mode (types 1-4, no malformed), $n protected records"
