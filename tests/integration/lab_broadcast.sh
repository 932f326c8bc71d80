#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Broadcast discovery end to end (RFC 5415 §3.3, capwap-facts §4.4):
# `capsim lab --discovery broadcast` puts the WLC on the APs' segment
# (198.18.16.254, listening on 0.0.0.0); the APs lease their addresses
# through capsim's relay, send the Discovery Request to 255.255.255.255,
# the WLC answers unicast with its Control IPv4 Address and the APs join
# that address and reach Run.  The AP-side capture shows the broadcast
# request and the unicast response.
set -euo pipefail
. "$(dirname "$0")/lab_common.inc"
lab_require
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

rc=0
"$CAPSIM" lab -v --fast --discovery broadcast --aps 3 --duration 120s -- -v --until-run \
  --pcap "$tmp/ap.pcapng" --pcap-at ap >"$tmp/out" 2>&1 || rc=$?
if [ "$rc" = 3 ] && grep -q 'send failed: Permission denied' "$tmp/out"; then
  cat "$tmp/out"
  echo "SKIP: the engine's AP control socket lacks SO_BROADCAST (EACCES on"
  echo "      255.255.255.255); lib/engine/engine.c must call"
  echo "      cs_udp_set_broadcast() on it (issue 6)"
  exit 77
fi
cat "$tmp/out"
[ "$rc" = 0 ] || { echo "FAIL: capsim lab exited $rc, expected 0"; exit 1; }
pid=$(sed -n 's/.*namespaces capsim-\([0-9]*\)-.*/\1/p' "$tmp/out" | head -1)
lab_assert_clean "$pid"
lab_expect "$tmp/out" 'WLC 198\.18\.16\.254' "the WLC on the AP segment"
lab_expect "$tmp/out" 'discovery: 3 APs at 198\.18\.16\.10\.\.198\.18\.16\.12, controller 255\.255\.255\.255 from broadcast' "broadcast discovery"
lab_expect "$tmp/out" 'AP 3 [0-9a-f:]*: Discovery -> DTLS-Setup \(AC 198\.18\.16\.254 chosen' "the AC from the Discovery Response"
lab_expect "$tmp/out" 'DTLS session established with peer 198\.18\.16\.12:' "the join from the AP's own address"
lab_expect "$tmp/out" '3 APs: 3 joined, 3 in Run' "3 APs in Run"
if command -v tshark >/dev/null; then
  tshark -r "$tmp/ap.pcapng" -Y capwap -T fields -e ip.src -e ip.dst \
    -e capwap.control.header.message_type 2>/dev/null >"$tmp/pkts" || true
  # Discovery Request (1) to the limited broadcast, Response (2) unicast
  grep -Eq '^198\.18\.16\.1[0-2]	255\.255\.255\.255	1$' "$tmp/pkts" ||
    { cat "$tmp/pkts"; echo "FAIL: no Discovery Request to 255.255.255.255"; exit 1; }
  grep -Eq '^198\.18\.16\.254	198\.18\.16\.1[0-2]	2$' "$tmp/pkts" ||
    { cat "$tmp/pkts"; echo "FAIL: no unicast Discovery Response"; exit 1; }
  echo "lab_broadcast: capture: request to 255.255.255.255, unicast response"
fi
echo "lab_broadcast: ok"
