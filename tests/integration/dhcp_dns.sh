#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# DNS discovery through dnsmasq: lease through capsim's relay, then
# CISCO-CAPWAP-CONTROLLER.<option 15> resolved at the server of option 6
# (libevent evdns) gives the WLC; the APs join and stay in Run.
set -euo pipefail
. "$(dirname "$0")/lab_common.inc"
lab_require
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
lab_run 0 "$tmp/out" --fast --aps 2 --duration 120s --discovery dns -- --until-run
lab_expect "$tmp/out" 'controller 198\.19\.1\.10 from dns' "controller from DNS"
lab_expect "$tmp/out" '2 APs: 2 joined, 2 in Run' "2 APs in Run"
echo "dhcp_dns: ok"
