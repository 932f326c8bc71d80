#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# N+1 failover with two `capsim wlc` processes: 8 APs primed with a primary
# and a secondary controller (by AC Name and address) join the primary;
# the primary is killed (SIGKILL, no close_notify); every AP sees its
# echoes die (RFC 5415 §4.5.3: MaxRetransmit -> DTLS Teardown), goes to
# Discovery, ranks the answering secondary as "primed secondary" and is
# back in Run on it.  The report gives the failover time (last good echo
# -> Run) per AP and says so; the diagnosis names the lost controller and
# the failover instead of blaming the network.
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
A=$CS_NET.251 B=$CS_NET.252 N=8

"$CAPSIM" wlc --listen "$A:5246" --name wlc-a --echo-interval 1s \
  --discovery-interval 2s -v >"$tmp/a.out" 2>"$tmp/a.err" &
pa=$!
cs_wait_for "$tmp/a.err" listening || { cat "$tmp/a.err"; exit 1; }
"$CAPSIM" wlc --listen "$B:5246" --name wlc-b --echo-interval 1s \
  --discovery-interval 2s -v >"$tmp/b.out" 2>"$tmp/b.err" &
pb=$!
cs_wait_for "$tmp/b.err" listening || { cat "$tmp/b.err"; exit 1; }
# kill the primary once every AP is in Run on it (polled: no fixed wait)
( for _ in $(seq 1200); do
    [ "$(grep -c 'is in Run' "$tmp/a.err")" -ge $N ] && break
    sleep 0.1
  done
  kill -KILL "$pa" ) &
killer=$!

rc=0
"$CAPSIM" run --wlc "wlc-a@$A" --wlc-secondary "wlc-b@$B" --aps $N \
  --duration 25s --json "$tmp/r.json" --ap-base-ip "$CS_NET.1" \
  --events "$tmp/ev.jsonl" \
  --max-discovery-interval 300ms --discovery-interval 300ms \
  --echo-interval 1s --keepalive-interval 1s --data-dead-interval 6s \
  --retransmit-interval 500ms --max-retransmit 2 --silent-interval 2s \
  >"$tmp/run.out" 2>"$tmp/run.err" || rc=$?
wait "$killer" || true
wait "$pa" 2>/dev/null || true
pa=
cat "$tmp/run.err"
# the APs all came back, but they did leave Run: not a pass (exit 3, a
# cause: the controller was lost), never a guessed network fault
[ "$rc" -eq 3 ] || { echo "capsim run exited $rc, expected 3"; cat "$tmp/r.json"; exit 1; }
[ "$(grep -c 'is in Run' "$tmp/b.err")" -ge $N ] ||
  fail "the secondary did not take all $N APs"
grep -q "capsim: failover: $N controller losses in Run, $N back in Run" \
  "$tmp/run.err" || fail "no failover line on stderr"
cs_check_report "$tmp/r.json"
python3 - "$tmp/r.json" "$tmp/ev.jsonl" "$N" "$A" "$B" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
n, a, b = int(sys.argv[3]), sys.argv[4], sys.argv[5]
assert r["in_run"] == n, r["in_run"]
assert r["left_run"] == n, r["left_run"]
assert r["failover"] == {"controller_losses": n, "failovers": n}, r["failover"]
f = r["phases"]["failover"]
assert f["count"] == n, f
# echo 1 s, then 0.5 + 1 + 2 s of retransmissions (MaxRetransmit 2 and
# the wait after the last), DTLSSessionDelete 5 s, Discovery: > 8 s
assert 8000 <= f["p50_ms"] <= f["p99_ms"] < 20000, f
assert "failover" in r["histograms"], r["histograms"].keys()
d = r["diagnosis"]
assert d["code"] == "controller-failover", d
assert a in d["summary"] and b in d["summary"], d["summary"]
# per AP: chosen as the primed primary first, then the primed secondary
fo = {}
chosen = {}
for line in open(sys.argv[2]):
    e = json.loads(line)
    if e.get("kind") == "failover":
        fo[e["ap"]] = e
    if e.get("kind") == "info" and "chosen: primed" in e.get("reason", ""):
        chosen.setdefault(e["ap"], []).append(e["reason"])
assert len(fo) == n, fo
for ap, e in fo.items():
    assert "failed over to " + b in e["reason"], e
    assert [("primary" in c, "secondary" in c) for c in chosen[ap]] == \
        [(True, False), (False, True)], chosen[ap]
print("failover_two_wlc: %d APs failed over, p50 %.0f ms p99 %.0f ms" %
      (n, f["p50_ms"], f["p99_ms"]))
PY
