#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The founding case through a real firewall: nftables drops WLC->AP
# datagrams from UDP 5246 whose CAPWAP preamble byte is 0x01 (DTLS) and
# lets the clear Discovery Response (0x00) through.  Discovery works, no
# AP joins, exit 3.  The lab's controller is a process of its own, so the
# APs' side alone cannot tell forward from return path loss: the diagnosis
# is inconclusive and says which evidence is missing (never a guess).
set -euo pipefail
. "$(dirname "$0")/lab_common.inc"
lab_require
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
lab_run 3 "$tmp/out" --ruleset "$CS_SRC/examples/nft/drop-return-dtls.nft" \
  --duration 14s "$CS_SRC/scenarios/firewall-check.yaml"
lab_expect "$tmp/out" 'from dhcp-option-43' "discovery"
lab_expect "$tmp/out" 'diagnosis: inconclusive' "no guess between forward and return path"
lab_expect "$tmp/out" 'forward from return path' "what is missing"
lab_expect "$tmp/out" 'FAIL joined == 100%.*0 of 4' "no AP joined"
echo "lab_firewall_dtls_return: ok"
