#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A controller reload (SIGHUP to `capsim wlc`) drops every session; the APs
# notice (no Echo Response), tear down, rediscover and join again, as
# RFC 5415 §2.3 prescribes.  The report shows the Run-phase failure and the
# rejoin.  From the APs' side (the run, its capture) a restart and a cut
# that healed look alike: inconclusive.  The controller's own capture
# (`capsim wlc --pcap`) beside the APs' shows the silence was the
# controller's and that it took the APs back from scratch: `capsim
# analyze AP --peer WLC` says wlc-restart for the 5 APs.
set -euo pipefail
fail() { echo "FAIL: $*"; exit 1; }
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

"$CAPSIM" wlc --listen "$CS_NET.250:5246" --echo-interval 1s --discovery-interval 2s -v \
  --pcap "$tmp/wlc.pcapng" >"$tmp/wlc.out" 2>"$tmp/wlc.err" &
wlc_pid=$!
cs_wait_for "$tmp/wlc.err" listening || { cat "$tmp/wlc.err"; exit 1; }
# the reload once all 5 APs are in Run (polled: no fixed wait)
( for _ in $(seq 1200); do
    [ "$(grep -c 'is in Run' "$tmp/wlc.err")" -ge 5 ] && break
    sleep 0.1
  done
  kill -HUP "$wlc_pid" ) &

rc=0
"$CAPSIM" run --wlc "$CS_NET.250" --aps 5 --duration 25s --quiet \
  --json "$tmp/r.json" --ap-base-ip "$CS_NET.1" --pcap "$tmp/ap.pcapng" --pcap-at ap \
  --max-discovery-interval 300ms --discovery-interval 300ms \
  --echo-interval 1s --keepalive-interval 1s --data-dead-interval 4s \
  --retransmit-interval 500ms --max-retransmit 2 --silent-interval 2s || rc=$?
# Every AP is back in Run, but none stayed there the whole time.  The
# controller is another process: the APs saw their echoes die and a fresh
# join succeed, which a restart and a healed network cut both explain, so
# the verdict is inconclusive (exit 4), never a guessed wlc-restart.
[ "$rc" -eq 4 ] || { echo "capsim run exited $rc, expected 4"; cat "$tmp/r.json"; cat "$tmp/wlc.err"; exit 1; }
grep -q "restart (SIGHUP)" "$tmp/wlc.err" ||
  fail "no line matching 'restart (SIGHUP)'"
cs_check_report "$tmp/r.json"
python3 - "$tmp/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["in_run"] == 5, r
# every AP left Run once and came back; the reason names the lost echo
assert r["left_run"] == 5, r["left_run"]
assert r["failures"]["run"]["no Echo Response after 2 retransmissions"] == 5, r["failures"]
assert r["phases"]["total"]["count"] == 10, r["phases"]["total"]
assert r["diagnosis"]["code"] == "inconclusive", r["diagnosis"]
print("wlc_restart: 5 APs rejoined after the reload")
PY

# the controller's capture is complete once it stops
kill -TERM "$wlc_pid"
wait "$wlc_pid" || true
wlc_pid=
[ -s "$tmp/wlc.pcapng" ] || fail "capsim wlc --pcap wrote nothing"
rc=0
"$CAPSIM" analyze "$tmp/ap.pcapng" --json "$tmp/a.json" >"$tmp/a.txt" 2>&1 || rc=$?
[ "$rc" -eq 4 ] || { cat "$tmp/a.txt"; fail "analyze of the APs' side exited $rc, expected 4 (inconclusive)"; }
grep -q -- "--peer WLC.pcapng" "$tmp/a.txt" || { cat "$tmp/a.txt"; fail "the APs' side does not say that the controller's capture decides"; }
rc=0
"$CAPSIM" analyze "$tmp/ap.pcapng" --peer "$tmp/wlc.pcapng" --json "$tmp/p.json" >"$tmp/p.txt" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$tmp/p.txt"; fail "analyze --peer exited $rc, expected 3 (a cause)"; }
python3 - "$tmp/p.json" <<'PY' || { cat "$tmp/p.txt"; fail "two-sided verdict"; }
import json, sys
d = json.load(open(sys.argv[1]))["diagnosis"]
assert d["code"] == "wlc-restart", d
causes = {c["cause"]: c["aps"] for c in d["causes"]}
assert causes == {"wlc-restart": 5}, causes
assert "its own silence" in d["summary"], d["summary"]
print("wlc_restart: analyze AP --peer WLC: wlc-restart, 5 APs")
PY
