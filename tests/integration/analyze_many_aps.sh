#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `capsim analyze` of a 2 000-AP capture prints a summary grouped by cause
# (a few lines, whatever the AP count), not a block per AP (issue 16: it
# printed 7 799 lines); the per-AP detail comes with --per-ap, and the
# JSON keeps every AP.  The capture is real: 2 000 APs of `capsim run`
# on a loopback /16 of this run send Discovery Requests to an address
# where no controller listens.
set -euo pipefail
: "${CAPSIM:?CAPSIM not set}"
. "$(dirname "$0")/net.inc"
cs_net_claim16
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export CAPSIM_PKI=$tmp/pki
fail() { echo "FAIL: $*"; exit 1; }

rc=0
"$CAPSIM" run --aps 2000 --duration 6s --quiet --wlc "$CS_NET.255.250" \
  --ap-base-ip "$CS_NET.0.1" --discovery-interval 1s \
  --max-discovery-interval 1s --pcap "$tmp/c.pcapng" >"$tmp/run.out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$tmp/run.out"; fail "run exited $rc, want 3 (no controller)"; }

rc=0
"$CAPSIM" analyze "$tmp/c.pcapng" >"$tmp/a.txt" 2>&1 || rc=$?
cat "$tmp/a.txt"
[ "$rc" -eq 3 ] || fail "analyze exited $rc, want 3 (a cause found)"
grep -q "(pcapng): .* 2000 APs" "$tmp/a.txt" || fail "the capture's 2000 APs not counted"
grep -Eq '^  no-controller +2000 APs' "$tmp/a.txt" || fail "no cause line for the 2000 APs"
lines=$(wc -l <"$tmp/a.txt")
[ "$lines" -le 30 ] || fail "$lines lines for 2000 APs (a summary is at most 30)"

"$CAPSIM" analyze --per-ap "$tmp/c.pcapng" >"$tmp/p.txt" 2>&1 || true
per=$(wc -l <"$tmp/p.txt")
[ "$per" -ge 2000 ] || fail "--per-ap printed $per lines for 2000 APs"
"$CAPSIM" analyze --json "$tmp/a.json" "$tmp/c.pcapng" >/dev/null 2>&1 || true
[ "$(jq '.aps | length' "$tmp/a.json")" = 2000 ] || fail "the JSON does not keep every AP"
echo "PASS: 2000 APs: $lines lines of summary, $per with --per-ap"
