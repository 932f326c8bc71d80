#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# capsim capacity finds the knee of a controller whose service rate is
# known: the embedded mock WLC takes on 30 DTLS handshakes/s at most
# (--wlc-max-handshake-rate).  The search must answer within 10 % of 30,
# say the limit is the controller's, and write a JSON and CSV table.
# When capsim itself runs late on a loaded host (exit 5), the search must
# say so, and the test skips: it cannot measure the controller then.
set -euo pipefail
. "$(dirname "$0")/net.inc"
# a /16 of our own for this run (net.inc): the WLC at .0.1, the APs from
# .1.1 on (the last step has a few hundred)
cs_net_claim16
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export CAPSIM_PKI=$tmp/pki
knee=30

set +e
"$CAPSIM" capacity --from 10 --step 10 --to 60 --step-time 6s \
  --settle 2s --grace 3s --refine 2 \
  --json "$tmp/cap.json" --csv "$tmp/cap.csv" --keep "$tmp/steps" -- \
  --skip-discovery --wlc-max-handshake-rate $knee \
  --wlc-listen "$CS_NET.0.1:$(cs_free_port "$CS_NET.0.1" 2)" \
  --ap-base-ip "$CS_NET.1.1" \
  > "$tmp/out.txt" 2>&1
rc=$?
set -e
cat "$tmp/out.txt"
if [ $rc -eq 5 ]; then
  grep -q "the limit is capsim's, not the controller's" "$tmp/out.txt" ||
    { echo "exit 5 without saying capsim limited the search"; exit 1; }
  grep -q '"limit": "capsim"' "$tmp/cap.json" ||
    { echo "exit 5 but the JSON does not say limit capsim"; exit 1; }
  echo "SKIP: capsim's own timers ran late on this host (see above)"
  exit 77
fi
[ $rc -eq 0 ] || { echo "capacity exited $rc (want 0: knee found)"; exit 1; }

python3 - "$tmp/cap.json" "$tmp/cap.csv" $knee <<'PY'
import csv, json, sys
j = json.load(open(sys.argv[1]))
knee = float(sys.argv[3])
steps = j["steps"]
assert len(steps) >= 3, steps
assert j["limit"] == "controller", j["limit"]
n = j["sustains_joins_per_s"]
assert abs(n - knee) <= 0.10 * knee, "found %.1f, knee is %.0f" % (n, knee)
# the steps below the knee kept up; some step above it fell behind
for s in steps:
    assert s["offered_per_s"] > 0 and s["aps"] > 0, s
    for ph in ("dtls", "total"):
        assert s["phases"][ph]["p50_ms"] <= s["phases"][ph]["p99_ms"], s
    if s["verdict"] == "ok":
        assert s["achieved_per_s"] >= 0.95 * s["offered_per_s"], s
assert any(s["verdict"] == "behind-offered-rate" and
           s["offered_per_s"] > knee * 0.95 for s in steps), steps
assert "sustains %.1f joins/s" % n in j["answer"], j["answer"]
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == len(steps), (len(rows), len(steps))
assert float(rows[0]["offered_per_s"]) == steps[0]["offered_per_s"]
print("capacity_knee: found %.1f joins/s for a knee of %.0f" % (n, knee))
PY
ls "$tmp/steps"/step-01.json "$tmp/steps"/step-01.events >/dev/null
