#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README workflow: `capsim lab --ruleset examples/nft/pass.nft
# scenarios/firewall-check.yaml` passes (exit 0) and cleans up.
set -euo pipefail
. "$(dirname "$0")/lab_common.inc"
lab_require
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
lab_run 0 "$tmp/out" --ruleset "$CS_SRC/examples/nft/pass.nft" \
  --duration 10s "$CS_SRC/scenarios/firewall-check.yaml"
lab_expect "$tmp/out" 'from dhcp-option-43' "option 43 discovery"
lab_expect "$tmp/out" 'PASS in_run == 100%' "the expectation"
echo "lab_firewall_pass: ok"
