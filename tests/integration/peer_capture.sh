#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Two-sided evidence on loopback (issue 11): `capsim wlc --pcap` writes
# the controller's side, `capsim run --pcap --pcap-at ap` the APs' side,
# and `capsim analyze AP --peer WLC` reads them side by side; `capsim
# run --peer-pcap` reads the controller's capture itself after the run
# (it waits for it: the capture is complete once the controller stops)
# and its live diagnosis agrees.  The APs'
# side alone cannot tell forward from return path loss (inconclusive);
# with the controller's side: DTLS answers dropped on the way back ->
# return-path-loss, ClientHellos dropped on the way there ->
# forward-path-loss, nothing dropped -> ok.  Captures with no datagram in
# common, with no AP in common, or one capture given twice say so and
# stay with the APs' side alone; a file that is no capture is a usage
# error.
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

# one_run NAME RULE EXPECTED_RUN_EXIT: the WLC with its capture, 3 APs
# with theirs, reading the WLC's after the run
one_run() {
  "$CAPSIM" wlc --listen "$CS_NET.250:5246" --pcap "$tmp/w-$1.pcapng" \
    >"$tmp/wlc-$1.out" 2>"$tmp/wlc-$1.err" &
  wlc_pid=$!
  cs_wait_for "$tmp/wlc-$1.err" listening || { cat "$tmp/wlc-$1.err"; exit 1; }
  local run_pid rc=0
  "$CAPSIM" run --wlc "$CS_NET.250" --aps 3 --duration 8s --quiet \
    --ap-base-ip "$CS_NET.1" --max-discovery-interval 300ms \
    --discovery-interval 300ms --retransmit-interval 500ms --wait-dtls 5s \
    --rule "$2" --pcap "$tmp/a-$1.pcapng" --pcap-at ap \
    --peer-pcap "$tmp/w-$1.pcapng" --json "$tmp/r-$1.json" \
    >"$tmp/run-$1.out" 2>&1 &
  run_pid=$!
  cs_wait_for "$tmp/run-$1.out" "waiting up to" ||
    { cat "$tmp/run-$1.out"; fail "capsim run never waited for the controller's capture"; }
  # the controller keeps capturing a little longer than the APs sent:
  # their last ClientHellos are judged, not in flight
  sleep 3
  kill -TERM "$wlc_pid"; wait "$wlc_pid" || fail "capsim wlc exited $?"
  wlc_pid=
  wait "$run_pid" || rc=$?
  [ "$rc" = "$3" ] || { cat "$tmp/run-$1.out"; fail "$1: capsim run --peer-pcap exited $rc, expected $3"; }
  grep -q "controller's side taken for 3 of 3 APs" "$tmp/run-$1.out" ||
    { cat "$tmp/run-$1.out"; fail "$1: the run did not take the controller's side"; }
  grep -q "controller-side capture in" "$tmp/wlc-$1.err" ||
    fail "capsim wlc did not complete its capture on SIGTERM"
}

# analyze_pair NAME EXPECTED_EXIT EXPECTED_CODE: both sides, JSON checked
analyze_pair() {
  local rc=0
  "$CAPSIM" analyze "$tmp/a-$1.pcapng" --peer "$tmp/w-$1.pcapng" \
    --json "$tmp/j-$1.json" >/dev/null 2>"$tmp/an-$1.err" || rc=$?
  [ "$rc" = "$2" ] || { cat "$tmp/an-$1.err"; fail "$1: analyze --peer exited $rc, expected $2"; }
  python3 - "$tmp/j-$1.json" "$3" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
d, p = r["diagnosis"], r["peer"]
assert d["code"] == sys.argv[2], (d, p)
assert p["not_used_because"] is None, p
assert p["aps_in_common"] == 3 and p["aps"] == 3, p
if sys.argv[2] != "ok":
    assert d["confidence"] == "high", d
    assert d["counts"] == {sys.argv[2]: 3}, d["counts"]
    c = [c for c in d["causes"] if c["cause"] == sys.argv[2]][0]
    assert len(c["ap_list"]) == 3, c
PY
}

# 1. the founding case: the controller's DTLS answers dropped on the way back
one_run ret 'dir=down kind=dtls-handshake action=drop' 3
grep -q "diagnosis: return-path-loss (confidence high; 3 of 3 APs)" "$tmp/run-ret.out" ||
  { cat "$tmp/run-ret.out"; fail "the live diagnosis with --peer-pcap is not return-path-loss"; }
rc=0; "$CAPSIM" analyze "$tmp/a-ret.pcapng" >"$tmp/one.out" 2>&1 || rc=$?
[ "$rc" = 4 ] || { cat "$tmp/one.out"; fail "the APs' side alone exited $rc, expected 4 (inconclusive)"; }
analyze_pair ret 3 return-path-loss
"$CAPSIM" analyze "$tmp/a-ret.pcapng" --peer "$tmp/w-ret.pcapng" >"$tmp/ret.txt" || true
grep -Eq 'lost on the way: AP -> controller 0, controller -> AP [1-9]' "$tmp/ret.txt" ||
  { cat "$tmp/ret.txt"; fail "no controller->AP loss counted"; }
# the controller's side alone also holds it: its answers were never acted on
"$CAPSIM" analyze "$tmp/w-ret.pcapng" >/dev/null 2>&1 || true

# 2. the ClientHellos dropped on the way to the controller
one_run fwd 'dir=up kind=dtls-handshake action=drop' 3
grep -q "diagnosis: forward-path-loss (confidence high; 3 of 3 APs)" "$tmp/run-fwd.out" ||
  { cat "$tmp/run-fwd.out"; fail "the live diagnosis with --peer-pcap is not forward-path-loss"; }
analyze_pair fwd 3 forward-path-loss

# 3. nothing dropped (a 1 ms delay rule only): ok, nothing lost
one_run ok 'dir=down kind=dtls-handshake action=delay delay=1ms' 0
analyze_pair ok 0 ok
python3 - "$tmp/j-ok.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["peer"]
assert p["lost_ap_to_wlc"] == 0 and p["lost_wlc_to_ap"] == 0, p
assert p["datagrams_in_common"] > 0, p
PY

# 4. the wrong peer: another run's controller (same AP identities, no
# datagram in common), the same capture twice, a capture of other APs,
# and a file that is no capture
not_used() { # AP PEER REGEX
  local rc=0
  "$CAPSIM" analyze "$1" --peer "$2" >"$tmp/nu.out" 2>&1 || rc=$?
  [ "$rc" = 4 ] || { cat "$tmp/nu.out"; fail "$2 as peer exited $rc, expected 4"; }
  grep -Eq "not used: $3" "$tmp/nu.out" || { cat "$tmp/nu.out"; fail "no reason /$3/"; }
}
not_used "$tmp/a-ret.pcapng" "$tmp/w-fwd.pcapng" "only discovery messages in common"
not_used "$tmp/a-ret.pcapng" "$tmp/a-ret.pcapng" "both captures hold the same datagrams"
# given the wrong way round (the controller's first): says so; the
# controller's side alone still shows its answers never acted on
rc=0; "$CAPSIM" analyze "$tmp/w-ret.pcapng" --peer "$tmp/a-ret.pcapng" >"$tmp/sw.out" 2>&1 || rc=$?
grep -q "not used: .*the captures are the wrong way round" "$tmp/sw.out" ||
  { cat "$tmp/sw.out"; fail "captures given the wrong way round not named"; }
not_used "$tmp/a-ret.pcapng" "$CS_SRC/tests/data/analyze_join.pcapng" "no AP in common"
echo "this is a text file, not a capture" >"$tmp/text"
rc=0; "$CAPSIM" analyze "$tmp/a-ret.pcapng" --peer "$tmp/text" >"$tmp/bad.out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "a file that is no capture as peer exited $rc, expected 2"
grep -q "controller-side capture $tmp/text: byte offset 0: not a pcap" "$tmp/bad.out" ||
  { cat "$tmp/bad.out"; fail "no clear error for a peer that is no capture"; }
cs_check_report "$tmp/r-ret.json" "$tmp/r-fwd.json" "$tmp/r-ok.json"
echo "peer_capture: ok"
