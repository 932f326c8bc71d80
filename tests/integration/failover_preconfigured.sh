#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Failover with pre-configured controllers (--skip-discovery): 6 APs join
# the primary (--wlc) directly; the primary is SIGKILLed once all are in
# Run on it; each AP goes straight to the next primed controller
# (--wlc-secondary) without Discovery, as Cisco APs do with primed
# controllers, and the report gives the failover time.
set -euo pipefail
fail() { echo "FAIL: $*"; exit 1; }
. "$(dirname "$0")/net.inc"
cs_net_claim
tmp=$(mktemp -d)
pa= pb=
cleanup() {
  for p in $pa $pb; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
cs_on_exit cleanup
export CAPSIM_PKI=$tmp/pki
A=$CS_NET.251 B=$CS_NET.252 N=6

"$CAPSIM" wlc --listen "$A:5246" --name wlc-a --echo-interval 1s -v \
  >"$tmp/a.out" 2>"$tmp/a.err" &
pa=$!
cs_wait_for "$tmp/a.err" listening || { cat "$tmp/a.err"; exit 1; }
"$CAPSIM" wlc --listen "$B:5246" --name wlc-b --echo-interval 1s -v \
  >"$tmp/b.out" 2>"$tmp/b.err" &
pb=$!
cs_wait_for "$tmp/b.err" listening || { cat "$tmp/b.err"; exit 1; }
( for _ in $(seq 1200); do
    [ "$(grep -c 'is in Run' "$tmp/a.err")" -ge $N ] && break
    sleep 0.1
  done
  kill -KILL "$pa" ) &
killer=$!

rc=0
"$CAPSIM" run --skip-discovery --wlc "$A" --wlc-secondary "$B" --aps $N \
  --duration 20s --json "$tmp/r.json" --ap-base-ip "$CS_NET.1" \
  --events "$tmp/ev.jsonl" --echo-interval 1s --keepalive-interval 1s \
  --retransmit-interval 500ms --max-retransmit 2 \
  >"$tmp/run.out" 2>"$tmp/run.err" || rc=$?
wait "$killer" || true
wait "$pa" 2>/dev/null || true
pa=
cat "$tmp/run.err"
[ "$rc" -eq 3 ] || { echo "capsim run exited $rc, expected 3"; exit 1; }
[ "$(grep -c 'is in Run' "$tmp/b.err")" -ge $N ] ||
  fail "the secondary did not take all $N APs"
cs_check_report "$tmp/r.json"
python3 - "$tmp/r.json" "$tmp/ev.jsonl" "$N" "$B" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
n, b = int(sys.argv[3]), sys.argv[4]
assert r["in_run"] == n, r["in_run"]
assert r["failover"] == {"controller_losses": n, "failovers": n}, r["failover"]
assert r["diagnosis"]["code"] == "controller-failover", r["diagnosis"]
f = r["phases"]["failover"]
# 1 s echo + 0.5 + 1 + 2 s retransmissions + DTLSSessionDelete 5 s, then
# DTLS and join: no Discovery in between
assert f["count"] == n and 8500 <= f["p50_ms"] <= f["p99_ms"] < 15000, f
disc_after = 0
lost = set()
for line in open(sys.argv[2]):
    e = json.loads(line)
    if e.get("kind") == "info" and "lost in Run" in e.get("reason", ""):
        lost.add(e["ap"])
    if e["ap"] in lost and e.get("kind") == "state" and e.get("to") == "Discovery":
        disc_after += 1
    if e.get("kind") == "failover":
        assert "failed over to " + b in e["reason"], e
assert len(lost) == n, lost
assert disc_after == 0, "an AP ran Discovery instead of the next primed controller"
print("failover_preconfigured: %d APs, p50 %.0f ms p99 %.0f ms" %
      (n, f["p50_ms"], f["p99_ms"]))
PY
