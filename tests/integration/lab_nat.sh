#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# nftables masquerade between the APs and the WLC (RFC 5415 §11): the APs
# still join and stay in Run, and the WLC sees the NAT in the Join
# exchange (Local IPv4 Address 198.18.16.x vs source 198.19.1.1): it
# logs "joined (NAT detected)" and answers with result code 2.
set -euo pipefail
. "$(dirname "$0")/lab_common.inc"
lab_require
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
lab_run 0 "$tmp/out" -v --fast --aps 2 --duration 120s \
  --ruleset "$CS_SRC/examples/nft/masquerade.nft" -- --until-run
lab_expect "$tmp/out" 'capsim-ap-00001\) joined \(NAT detected\)' "NAT detected for AP 1"
lab_expect "$tmp/out" 'capsim-ap-00002\) joined \(NAT detected\)' "NAT detected for AP 2"
lab_expect "$tmp/out" 'counter packets [1-9][0-9]* bytes [0-9]+ masquerade' "masquerade counter"
lab_expect "$tmp/out" '2 APs: 2 joined, 2 in Run' "2 APs in Run"
echo "lab_nat: ok"
