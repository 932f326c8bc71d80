#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `capsim proxy` actions that must not stop a join (a loopback
# /24 of its own, net.inc): the Discovery Response delayed, ClientHellos duplicated,
# the first protected message of each AP held back and reordered; every AP
# still joins, and the per-rule counters show each action at work.  The
# run ends by SIGINT once both APs are in Run (their events file says so),
# however long a loaded host takes.
set -euo pipefail
. "$(dirname "$0")/net.inc"
cs_net_claim
tmp=$(mktemp -d)
wlc_pid= px_pid= run_pid=
cleanup() {
  [ -n "$run_pid" ] && kill "$run_pid" 2>/dev/null && wait "$run_pid" 2>/dev/null
  [ -n "$px_pid" ] && kill "$px_pid" 2>/dev/null && wait "$px_pid" 2>/dev/null
  [ -n "$wlc_pid" ] && kill "$wlc_pid" 2>/dev/null && wait "$wlc_pid" 2>/dev/null
  rm -rf "$tmp"
}
cs_on_exit cleanup
export CAPSIM_PKI=$tmp/pki

wait_for() { # file word
  cs_wait_for "$1" "$2" && return 0
  echo "timeout waiting for '$2' in $1"; cat "$1"; exit 1
}
fail() { echo "FAIL: $*"; exit 1; }

"$CAPSIM" wlc --listen $CS_NET.36:5246 --advertise $CS_NET.37 \
  --echo-interval 2s >"$tmp/wlc.out" 2>"$tmp/wlc.err" &
wlc_pid=$!
wait_for "$tmp/wlc.err" listening
"$CAPSIM" proxy --listen $CS_NET.37 --upstream $CS_NET.36 --seed 5 -v \
  --rule 'name=slow dir=down kind=discovery action=delay delay=200ms' \
  --rule 'name=dup dir=up kind=client-hello action=duplicate copies=1' \
  --rule 'name=ro dir=down kind=dtls-appdata first=1 action=reorder hold=1 hold-ms=50ms' \
  >"$tmp/px.out" 2>"$tmp/px.err" &
px_pid=$!
wait_for "$tmp/px.err" listening

# 10 min is never reached: SIGINT once both APs are in Run
"$CAPSIM" run --wlc $CS_NET.37 --aps 2 --duration 10m --quiet \
  --json "$tmp/r.json" --events "$tmp/ev" --ap-base-ip $CS_NET.38 \
  --max-discovery-interval 500ms --discovery-interval 300ms \
  --echo-interval 2s --keepalive-interval 2s --data-dead-interval 10s \
  2>"$tmp/run.err" &
run_pid=$!
cs_wait_state "$tmp/ev" Run 2 "$run_pid" ||
  { tail "$tmp/run.err"; fail "not both APs reached Run"; }
rc=0
kill -INT "$run_pid"; wait "$run_pid" || rc=$?; run_pid=
kill "$px_pid"; wait "$px_pid"; px_pid=
# an interrupted run never passes (exit 3); its report is whole
if [ "$rc" -ne 3 ]; then
  echo "capsim run exited $rc after SIGINT, expected 3"; cat "$tmp/run.err"; tail -40 "$tmp/px.out"; exit 1
fi
cs_check_report "$tmp/r.json"
python3 - "$tmp/r.json" "$tmp/px.out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["interrupted"] is True, r["interrupted"]
assert r["joined"] == 2 and r["in_run"] == 2 and r["left_run"] == 0, r
cols = {}
for line in open(sys.argv[2]):
    f = line.split()
    if len(f) == 10 and f[0].isdigit():
        cols[f[1]] = dict(zip(["matched", "dropped", "delayed", "dup",
                               "corrupt", "trunc", "held"],
                              map(int, f[3:])))
assert cols["slow"]["delayed"] >= 2, cols
assert cols["dup"]["dup"] >= 2, cols
assert cols["ro"]["held"] == 2, cols   # first=1: one per AP
assert all(c["dropped"] == 0 for c in cols.values()), cols
print("proxy_impair: 2/2 joined; counters", cols)
PY
grep -q "HOLD (reorder, rule 2 'ro')" "$tmp/px.out" ||
  fail "no line matching 'HOLD (reorder, rule 2 ro)'"
grep -q "pass x2 after 0 ms" "$tmp/px.out" ||
  fail "no line matching 'pass x2 after 0 ms'"
grep -q "pass x1 after 200 ms" "$tmp/px.out" ||
  fail "no line matching 'pass x1 after 200 ms'"
