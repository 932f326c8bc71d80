#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scenarios/n-plus-1-failover.yaml against two `capsim wlc` processes:
# the scenario's addresses move into a 127.X.Y.0/24 claimed for this run,
# its 20 APs (primed wlc-a@.251, wlc-b@.252 by the scenario's aps.primed)
# join the primary, which is SIGKILLed once all 20 are in Run on it.  The
# scenario's own expectations decide: all 20 back in Run, 20 failover
# samples with p99 <= 20 s, verdict controller-failover: exit 0.
set -euo pipefail
fail() { echo "FAIL: $*"; exit 1; }
. "$(dirname "$0")/net.inc"
: "${CS_SRC:?CS_SRC not set}"
cs_net_claim
tmp=$(mktemp -d)
pa= pb=
cleanup() {
  for p in $pa $pb; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
cs_on_exit cleanup
export CAPSIM_PKI=$tmp/pki
N=20
sed "s/127\.72\.0\./$CS_NET./g" "$CS_SRC/scenarios/n-plus-1-failover.yaml" \
  >"$tmp/s.yaml"
grep -q "wlc-b@$CS_NET.252" "$tmp/s.yaml" || fail "scenario addresses not moved"

"$CAPSIM" wlc --listen "$CS_NET.251:5246" --name wlc-a --echo-interval 1s \
  --discovery-interval 2s -v >"$tmp/a.out" 2>"$tmp/a.err" &
pa=$!
cs_wait_for "$tmp/a.err" listening || { cat "$tmp/a.err"; exit 1; }
"$CAPSIM" wlc --listen "$CS_NET.252:5246" --name wlc-b --echo-interval 1s \
  --discovery-interval 2s -v >"$tmp/b.out" 2>"$tmp/b.err" &
pb=$!
cs_wait_for "$tmp/b.err" listening || { cat "$tmp/b.err"; exit 1; }
( for _ in $(seq 1200); do
    [ "$(grep -c 'is in Run' "$tmp/a.err")" -ge $N ] && break
    sleep 0.1
  done
  kill -KILL "$pa" ) &
killer=$!

rc=0
"$CAPSIM" run "$tmp/s.yaml" --json "$tmp/r.json" >"$tmp/run.out" \
  2>"$tmp/run.err" || rc=$?
wait "$killer" || true
wait "$pa" 2>/dev/null || true
pa=
cat "$tmp/run.err"
[ "$rc" -eq 0 ] || { echo "capsim run exited $rc, expected 0"; exit 1; }
[ "$(grep -c 'is in Run' "$tmp/a.err")" -ge $N ] ||
  fail "not all $N APs joined the primary first"
[ "$(grep -c 'is in Run' "$tmp/b.err")" -ge $N ] ||
  fail "the secondary did not take all $N APs"
cs_check_report "$tmp/r.json"
python3 - "$tmp/r.json" "$N" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
assert r["failover"] == {"controller_losses": n, "failovers": n}, r["failover"]
f = r["phases"]["failover"]
print("failover_storm: %d APs failed over, p50 %.0f ms p99 %.0f ms max %.0f ms"
      % (f["count"], f["p50_ms"], f["p99_ms"], f["max_ms"]))
PY
