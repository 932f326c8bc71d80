#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One AP joins the embedded mock WLC over loopback (CAPWAP + DTLS), stays in
# Run through echoes and keep-alives, and the JSON report says so.
set -euo pipefail
. "$(dirname "$0")/net.inc"
cs_net_claim
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export CAPSIM_PKI=$tmp/pki

"$CAPSIM" run --aps 1 --duration 6s --quiet --json "$tmp/r.json" \
  --wlc-listen "$CS_NET.250:$(cs_free_port "$CS_NET.250" 2)" --ap-base-ip "$CS_NET.1" \
  --max-discovery-interval 100ms --discovery-interval 200ms \
  --echo-interval 1s --keepalive-interval 1s --data-dead-interval 5s

cs_check_report "$tmp/r.json"
python3 - "$tmp/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["aps"] == 1 and r["joined"] == 1 and r["in_run"] == 1, r
assert r["failed"] == 0 and r["failures"] == {}, r["failures"]
for ph in ("discovery", "dtls", "join", "configure", "total"):
    assert r["phases"][ph]["count"] >= 1, ph
    assert r["phases"][ph]["p50_ms"] <= r["phases"][ph]["max_ms"], ph
assert r["passed"] is True
print("join_embedded: 1 AP in Run, total join %.1f ms" % r["phases"]["total"]["p50_ms"])
PY
