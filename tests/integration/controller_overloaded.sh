#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The controller-overloaded verdict (issue 12): `capsim wlc` takes on 5
# DTLS handshakes/s, 200 APs join it at once for 20 s.  The first
# handshakes (few in flight) are fast, the later ones wait in the
# controller's queue: the diagnosis must say controller-overloaded with
# the latency-vs-load evidence, for the APs whose handshake began and did
# not finish.  When capsim itself was overloaded (a loaded host: its loop
# late, kernel drops) it must say simulator-overloaded instead, never
# blame the controller; when its loop ran somewhat late (p99 >= 50 ms)
# the verdict is withheld and the test skips (77) after checking that.
set -euo pipefail
. "$(dirname "$0")/net.inc"
cs_net_claim
tmp=$(mktemp -d)
wlc_pid=
cleanup() {
  [ -n "$wlc_pid" ] && kill "$wlc_pid" 2>/dev/null && wait "$wlc_pid" 2>/dev/null
  rm -rf "$tmp"
}
cs_on_exit cleanup
export CAPSIM_PKI=$tmp/pki

"$CAPSIM" wlc --listen "$CS_NET.250:5246" --max-handshake-rate 5 \
  >"$tmp/wlc.out" 2>"$tmp/wlc.err" &
wlc_pid=$!
cs_wait_for "$tmp/wlc.err" listening || { cat "$tmp/wlc.err"; exit 1; }

rc=0
"$CAPSIM" run --wlc "$CS_NET.250" --aps 200 --skip-discovery \
  --duration 20s --quiet --json "$tmp/r.json" --ap-base-ip "$CS_NET.1" \
  2>"$tmp/run.err" || rc=$?
kill -USR1 "$wlc_pid"; sleep 0.5
kill "$wlc_pid"; wait "$wlc_pid" || true; wlc_pid=
# 3: the controller or the network failed the run; 5: capsim did; 4:
# inconclusive, right only when capsim's loop ran late (checked below)
if [ "$rc" -ne 3 ] && [ "$rc" -ne 4 ] && [ "$rc" -ne 5 ]; then
  echo "capsim run exited $rc (want 3, 4 or 5)"; tail -20 "$tmp/run.err"
  exit 1
fi
# the WLC reports its admission (overload gate, service rate)
grep -q "^handshake admission: overload gate on: .* service rate: [1-9]" \
  "$tmp/wlc.out" || { echo "no admission stats"; tail -5 "$tmp/wlc.out"; exit 1; }
prc=0
python3 - "$tmp/r.json" "$rc" <<'PY' || prc=$?
import json, sys
r = json.load(open(sys.argv[1]))
rc = int(sys.argv[2])
d = r["diagnosis"]
h = r["resources"]["capsim_health"]
n = d["counts"].get("controller-overloaded", 0)
if h["limited_by_capsim"]:
    # capsim could not keep up: its verdict, never the controller's
    assert rc == 5, rc
    assert n == 0, d["counts"]
    assert d["code"] == "simulator-overloaded", d["code"]
    print("controller_overloaded: capsim itself was overloaded on this "
          "host; the verdict says simulator-overloaded (%s)" % d["counts"])
    sys.exit(0)
late = r["resources"]["timer_lateness_ms"]["p99"]
if late >= 50:
    # capsim's loop ran late (not enough to be "limited"): its own CPU
    # may have slowed the handshakes, so the controller is not blamed
    assert n == 0, d["counts"]
    assert d["code"] != "controller-overloaded", d["code"]
    print("SKIP: capsim's loop ran late on this host (timer lateness "
          "p99 %.0f ms >= 50 ms): the verdict is withheld (%s), as it "
          "must be; the controller-overloaded path was not exercised"
          % (late, d["counts"]))
    sys.exit(77)
assert rc == 3, rc
assert 0 < r["joined"] < 200, r["joined"]
assert d["code"] == "controller-overloaded", (d["code"], d["summary"])
assert n > 0 and n + r["joined"] <= 200, d["counts"]
assert "in flight" in d["summary"] and "median of" in d["summary"], d["summary"]
print("controller_overloaded: %d joined, %d controller-overloaded: %s" %
      (r["joined"], n, d["summary"]))
PY
exit "$prc"
