#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `capsim run --per-ap`: every AP's status and last failure in a 9800's
# vocabulary (`show wireless stats ap join summary`: Last Failure Phase
# Dtls-Handshake ...), as a table at the end and as ap_results in the JSON
# (valid against docs/report.schema.json, no facts outside shard reports).
# AP 2's DTLS replies are dropped: it alone is Not Joined, failed in
# Dtls-Handshake, with its verdict; the others are Joined with no failure.
set -euo pipefail
fail() { echo "FAIL: $*"; exit 1; }
. "$(dirname "$0")/net.inc"
cs_net_claim
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export CAPSIM_PKI=$tmp/pki
rc=0
"$CAPSIM" run --aps 3 --duration 20s --skip-discovery --wait-dtls 3s \
  --wlc-listen "$CS_NET.250" --ap-base-ip "$CS_NET.1" --per-ap -q \
  --json "$tmp/r.json" --rule "dir=down aps=1 kind=dtls-handshake action=drop" \
  2>"$tmp/err" || rc=$?
[ "$rc" -eq 3 ] || { cat "$tmp/err"; fail "exit $rc, expected 3 (APs failed, the network blamed)"; }
grep -q "^AP Name  *AP MAC  *IP Address  *Status  *Last Failure Phase  *Verdict  *Last Failure Reason" "$tmp/err" ||
  { cat "$tmp/err"; fail "no join summary header"; }
grep -Eq "^capsim-ap-00002 +02:ca:75:00:00:02 +$CS_NET.2 +Not Joined +Dtls-Handshake +return-path-loss +WaitDTLS expired" "$tmp/err" ||
  { cat "$tmp/err"; fail "AP 2's row"; }
for ap in 1 3; do
  grep -Eq "^capsim-ap-0000$ap +02:ca:75:00:00:0$ap +$CS_NET.$ap +Joined +- +ok +-$" "$tmp/err" ||
    { cat "$tmp/err"; fail "AP $ap's row"; }
done
python3 "$CS_SRC/tools/check-report.py" "$tmp/r.json" || fail "report not valid against the schema"
python3 - "$tmp/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
aps = r["ap_results"]["aps"]
assert "fact_fields" not in r["ap_results"], r["ap_results"].keys()
assert [a["index"] for a in aps] == [0, 1, 2], aps
assert all("facts" not in a for a in aps), aps
b = aps[1]
assert b["last_failure_phase"] == "Dtls-Handshake" and b["verdict"] == "return-path-loss", b
assert b["last_failure_reason"].startswith("WaitDTLS expired"), b
for a in (aps[0], aps[2]):
    assert a["in_run"] and "last_failure_phase" not in a and a["verdict"] == "ok", a
print("per_ap: AP 2 failed in Dtls-Handshake, 1 and 3 joined")
PY
