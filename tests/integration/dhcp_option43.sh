#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# DHCP option 43 from a real server: dnsmasq (vendor class "Cisco AP")
# serves f1 04 c6 13 01 0a through capsim's relay; 3 APs lease consecutive
# addresses, take the WLC from option 43, reach Run through the lab and
# renew their leases while they run.
set -euo pipefail
. "$(dirname "$0")/lab_common.inc"
lab_require
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
lab_run 0 "$tmp/out" -v --fast --aps 3 --duration 8s
lab_expect "$tmp/out" 'discovery: 3 APs at 198\.18\.16\.10\.\.198\.18\.16\.12, controller 198\.19\.1\.10 from dhcp-option-43' "leases and option 43"
lab_expect "$tmp/out" '3 APs: 3 joined, 3 in Run' "3 APs in Run"
# leases of 2 min with the DHCP timers x0.05: renewals (T1 = 3 s) while
# the APs run, REQUEST with ciaddr through the relay, ACKed
acks=$(grep -c 'DHCPACK(' "$tmp/out" || true)
[ "$acks" -ge 6 ] || { echo "FAIL: $acks DHCPACKs, expected renewals (>= 6)"; exit 1; }
echo "dhcp_option43: ok ($acks DHCPACKs for 3 APs)"
