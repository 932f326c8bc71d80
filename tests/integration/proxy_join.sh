#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `capsim proxy` between `capsim run` and `capsim wlc` on loopback
# (a /24 of its own, net.inc): unimpaired, 3 APs join through it; with the founding
# case's firewall rule (WLC->AP DTLS handshake dropped) no AP joins and
# capsim run exits 4 (inconclusive from the APs' side alone); from a
# scenario file whose timeline lifts the rule at 20 s of proxy time, every
# AP joins.  Nothing here depends on the host's speed but case 2's 10 s
# run: the proxy of case 3 starts only once the APs are at the handshake
# (their events file says so), and the runs of cases 1 and 3 end by
# SIGINT once every AP is in Run, not after a fixed time.  The
# WLC's own capture (--pcap) decides what the APs' side
# alone cannot: in case 2 the controller's answers were sent and lost on
# the way back (return-path-loss), although the same capture also holds
# cases 1 and 3 with byte-identical discovery messages.
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

# The WLC advertises the proxy, as a WLC behind NAT advertises its public
# address, so that the APs join through the proxy after discovery.
"$CAPSIM" wlc --listen $CS_NET.31:5246 --advertise $CS_NET.32 \
  --echo-interval 2s --pcap "$tmp/wlc.pcapng" >"$tmp/wlc.out" 2>"$tmp/wlc.err" &
wlc_pid=$!
wait_for "$tmp/wlc.err" listening

start_proxy() { # name, args...
  local name=$1; shift
  "$CAPSIM" proxy --listen $CS_NET.32 --upstream $CS_NET.31 "$@" \
    >"$tmp/$name.out" 2>"$tmp/$name.err" &
  px_pid=$!
  wait_for "$tmp/$name.err" listening
}
stop_proxy() {
  kill "$px_pid"; wait "$px_pid"; px_pid=
}
ap_opts=(--aps 3 --quiet --ap-base-ip $CS_NET.33
  --max-discovery-interval 500ms --discovery-interval 300ms
  --retransmit-interval 500ms --wait-dtls 3s --silent-interval 1s
  --echo-interval 2s --keepalive-interval 2s --data-dead-interval 10s)
run_aps() { # json, duration, more options
  local json=$1 dur=$2
  shift 2
  "$CAPSIM" run --wlc $CS_NET.32 --duration "$dur" "${ap_opts[@]}" "$@" \
    --json "$json"
}
# In the background for long (10 min, never reached): stop_run ends it.
start_run() { # name, --wlc address, more options
  local name=$1 wlc=$2
  shift 2
  "$CAPSIM" run --wlc "$wlc" --duration 10m "${ap_opts[@]}" "$@" \
    --json "$tmp/$name.json" --events "$tmp/$name.ev" \
    >"$tmp/$name.out" 2>"$tmp/$name.err" &
  run_pid=$!
}
wait_aps() { # name, state, count (net.inc: up to 300 s)
  cs_wait_state "$tmp/$1.ev" "$2" "$3" "$run_pid" ||
    { tail "$tmp/$1.err"; fail "$1: fewer than $3 APs reached $2"; }
}
stop_run() { # SIGINT: the reports are written, marked interrupted (exit 3)
  local rc=0
  kill -INT "$run_pid"; wait "$run_pid" || rc=$?; run_pid=
  [ "$rc" -eq 3 ] || { cat "$tmp/$1.err"; fail "$1: interrupted run exited $rc, expected 3"; }
}
# every AP in Run at the end, none ever left it
all_in_run() { # json
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["interrupted"] is True, r["interrupted"]
assert r["joined"] == 3 and r["in_run"] == 3, (r["joined"], r["in_run"])
assert r["left_run"] == 0, r["left_run"]
PY
}
joined() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["joined"])' "$1"; }

# 1. unimpaired relay: every AP reaches Run through it
start_proxy p1 -v
start_run r1 $CS_NET.32
wait_aps r1 Run 3
stop_run r1
stop_proxy
all_in_run "$tmp/r1.json" || { cat "$tmp/r1.json"; tail "$tmp/p1.err"; fail "unimpaired"; }
grep -q "up .*discovery(Discovery Request).*-> pass" "$tmp/p1.out" ||
  fail "no line matching 'up .*discovery(Discovery Request).*-> pass'"
grep -q "down .*dtls-handshake(HelloVerifyRequest).*-> pass" "$tmp/p1.out" ||
  fail "no line matching 'down .*dtls-handshake(HelloVerifyRequest).*-> pass'"
grep -q "data .*keepalive .*-> pass" "$tmp/p1.out" ||
  fail "no line matching 'data .*keepalive .*-> pass'"
echo "proxy_join: unimpaired: 3/3 joined through the proxy"

# 2. the firewall drops the DTLS return traffic
start_proxy p2 --rule 'name=fw dir=down kind=dtls-handshake action=drop'
# A fixed duration here, since only a run that ends by itself gives its
# verdict (exit 4): 10 s holds two WaitDTLS (3 s) expiries of every AP
# even when a loaded host starts the APs late.
rc=0; run_aps "$tmp/r2.json" 10s --pcap "$tmp/a2.pcapng" --pcap-at ap || rc=$?
stop_proxy
# The controller is another process: from the APs' side alone forward and
# return path loss look the same, so the verdict is inconclusive (exit 4)
# and names what is missing, never a guess.
if [ "$rc" -ne 4 ] || [ "$(joined "$tmp/r2.json")" != 0 ] ||
  [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["diagnosis"]["code"])' "$tmp/r2.json")" != inconclusive ]; then
  echo "DTLS return dropped: expected exit 4 (inconclusive) and 0 joined, got $rc"
  cat "$tmp/r2.json"; cat "$tmp/p2.out"; exit 1
fi
# the per-rule counters at exit: rule 0 'fw' dropped something
awk '$1 == "0" && $2 == "fw" { if ($5 > 0) ok = 1 } END { exit !ok }' "$tmp/p2.out" ||
  { echo "rule counters:"; cat "$tmp/p2.out"; exit 1; }
echo "proxy_join: DTLS return dropped: 0/3 joined, inconclusive (exit 4); $(grep '^0 ' "$tmp/p2.out")"

# 3. the same rule from a scenario, lifted by its timeline at 20 s of
# proxy time.  The APs find the controller directly (it advertises the
# proxy, .32) and try DTLS against the proxy before it listens; the proxy
# starts once an AP is in DTLS-Setup, so its rule meets their next
# ClientHello (a WaitDTLS of 3 s later at most) long before the lift,
# however slow the host.
cat >"$tmp/fw.yaml" <<'YAML'
name: proxy-fw
seed: 7
impairments:
  - name: fw-drop-dtls-return
    match: {dir: down, kind: dtls-handshake}
    action: drop
timeline:
  - {at: 20s, disable: fw-drop-dtls-return}
YAML
start_run r3 $CS_NET.31
wait_aps r3 DTLS-Setup 1
start_proxy p3 --scenario "$tmp/fw.yaml"
wait_aps r3 Run 3
stop_run r3
stop_proxy
all_in_run "$tmp/r3.json" ||
  { cat "$tmp/r3.json"; cat "$tmp/p3.err" "$tmp/p3.out"; fail "scenario"; }
grep -q "rule 'fw-drop-dtls-return' disabled" "$tmp/p3.err" ||
  fail "no line matching 'rule fw-drop-dtls-return disabled'"
awk '$2 == "fw-drop-dtls-return" { if ($5 > 0) ok = 1 } END { exit !ok }' "$tmp/p3.out" ||
  { cat "$tmp/p3.out"; fail "the scenario's rule dropped nothing before it was lifted"; }
echo "proxy_join: scenario: rule lifted at 20 s of proxy time, 3/3 joined"
cs_check_report "$tmp/r1.json" "$tmp/r2.json" "$tmp/r3.json"

# the controller's side of case 2: its capture completes when it stops
kill "$wlc_pid"; wait "$wlc_pid" || fail "capsim wlc exited $?"; wlc_pid=
rc=0; "$CAPSIM" analyze "$tmp/a2.pcapng" --peer "$tmp/wlc.pcapng" \
  --json "$tmp/an2.json" >"$tmp/an2.out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$tmp/an2.out"; fail "analyze --peer exited $rc, expected 3"; }
python3 - "$tmp/an2.json" <<'PY' || { cat "$tmp/an2.out"; exit 1; }
import json, sys
r = json.load(open(sys.argv[1]))
d, p = r["diagnosis"], r["peer"]
assert d["code"] == "return-path-loss" and d["confidence"] == "high", d
assert d["counts"] == {"return-path-loss": 3}, d["counts"]
assert p["aps_in_common"] == 3 and p["lost_wlc_to_ap"] > 0, p
assert p["lost_ap_to_wlc"] == 0, p
PY
echo "proxy_join: DTLS return dropped: the controller's capture says return-path-loss"

# usage errors exit 2
rc=0; "$CAPSIM" proxy --listen $CS_NET.32 --upstream $CS_NET.31 --rule 'dir=sideways' 2>"$tmp/e" || rc=$?
{ [ "$rc" -eq 2 ] && grep -q "column 1" "$tmp/e"; } ||
  fail "a bad --rule: exit $rc, no 'column 1' in the error"
rc=0; "$CAPSIM" proxy --listen $CS_NET.32 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "proxy without --upstream exited $rc, expected 2"
