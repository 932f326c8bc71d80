#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A wrong option 43 (sub-option type 0xf2 instead of 0xf1) and no DNS
# record: the APs get leases but no controller; capsim run exits 3 and the
# diagnosis names option 43 and the bytes received.  With the DNS record
# the APs fall back to DNS like real ones and still join, with a warning.
set -euo pipefail
. "$(dirname "$0")/lab_common.inc"
lab_require
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
lab_run 3 "$tmp/out" --fast --aps 2 --duration 4s --no-dns-record \
  --option43 "f2 04 c6 13 01 0a"
lab_expect "$tmp/out" 'diagnosis: controller-discovery: 2 of 2 APs got no controller' "the diagnosis"
lab_expect "$tmp/out" 'option 43 unusable \(unsupported sub-option type 0xf2.*received \[f2 04 c6 13 01 0a\]' "option 43 bytes"
lab_expect "$tmp/out" 'DNS CISCO-CAPWAP-CONTROLLER\.lab\.test' "the DNS name tried"

lab_run 0 "$tmp/out2" --fast --aps 2 --duration 120s --option43 "f2 04 c6 13 01 0a" \
  -- --until-run
lab_expect "$tmp/out2" 'warning: DHCP option 43 unusable .*received \[f2 04 c6 13 01 0a\]; controllers came from dns' "the fallback warning"
echo "dhcp_wrong_option43: ok"
