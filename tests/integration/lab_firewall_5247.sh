#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A ruleset that opens UDP 5246 but not 5247: the APs join, then lose the
# data channel (no keep-alives back): exit 3, failure on the data channel.
set -euo pipefail
. "$(dirname "$0")/lab_common.inc"
lab_require
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
lab_run 3 "$tmp/out" --ruleset "$CS_SRC/examples/nft/block-data-5247.nft" \
  --duration 10s "$CS_SRC/scenarios/firewall-check.yaml"
lab_expect "$tmp/out" 'data channel dead: no keep-alive from AC .*UDP 5247' "the data-channel failure"
lab_expect "$tmp/out" 'FAIL in_run == 100%' "the failed expectation"
echo "lab_firewall_5247: ok"
