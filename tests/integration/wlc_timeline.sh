#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `capsim wlc --timeline FILE`: the standalone mock WLC sends the requests
# a controller sends on its own, to WTPs joined from another process.  Once
# all 4 APs have joined (--timeline-after 4, polled by the WLC), it sets a
# 1 s Statistics Timer on every AP by Configuration Update and resets two
# APs chosen by MAC; those answer, reboot and join again with their
# AC-initiated reboot count raised (RFC 5415 §4.6.47), the others stay.
# Bad timelines are refused at start with the entry and the reason.
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

# refused at start: an action on the network, an index selector
printf 'timeline:\n  - {at: 1s, link-down: 2s}\n' >"$tmp/bad1.yaml"
rc=0; "$CAPSIM" wlc --listen "$CS_NET.250:5246" --timeline "$tmp/bad1.yaml" 2>"$tmp/bad1.err" || rc=$?
[ "$rc" -eq 2 ] || fail "link-down in a WLC timeline: exit $rc, expected 2"
grep -q "entry 1 (at 1.0 s): link-down acts on capsim's APs or network" "$tmp/bad1.err" ||
  { cat "$tmp/bad1.err"; fail "no reason for the refused link-down"; }
printf 'timeline:\n  - {at: 1s, wlc-request: {type: reset, to: {share: 50%%}}}\n' >"$tmp/bad2.yaml"
rc=0; "$CAPSIM" wlc --listen "$CS_NET.250:5246" --timeline "$tmp/bad2.yaml" 2>"$tmp/bad2.err" || rc=$?
[ "$rc" -eq 2 ] || fail "index selector: exit $rc, expected 2"
grep -q "select APs by mac" "$tmp/bad2.err" || { cat "$tmp/bad2.err"; fail "no reason for the index selector"; }
rc=0; "$CAPSIM" wlc --listen "$CS_NET.250:5246" --timeline-after 3 2>"$tmp/bad3.err" || rc=$?
[ "$rc" -eq 2 ] || fail "--timeline-after alone: exit $rc, expected 2"

cat >"$tmp/tl.yaml" <<'YAML'
timeline:
  - {at: 2s, wlc-request: {type: config-update, statistics-timer: 1s}}
  - {at: 4s, wlc-request: {type: reset, to: {macs: ["02:7a:00:00:00:02", "02:7a:00:00:00:03"]}}}
YAML
"$CAPSIM" wlc --listen "$CS_NET.250:5246" --echo-interval 2s -v \
  --timeline "$tmp/tl.yaml" --timeline-after 4 >"$tmp/wlc.out" 2>"$tmp/wlc.err" &
wlc_pid=$!
cs_wait_for "$tmp/wlc.err" listening || { cat "$tmp/wlc.err"; exit 1; }
# the run ends once the Reset went out and the two APs are back (polled)
( for _ in $(seq 3000); do
    grep -q "reset request sent" "$tmp/wlc.err" 2>/dev/null &&
      [ "$(grep -c 'is in Run' "$tmp/wlc.err")" -ge 6 ] && break
    sleep 0.1
  done
  sleep 3
  pkill -INT -f "capsim run --wlc $CS_NET.250 " ) &
rc=0
"$CAPSIM" run --wlc "$CS_NET.250" --aps 4 --duration 300s --quiet \
  --ap-base-mac 02:7a:00:00:00:01 --ap-base-ip "$CS_NET.1" \
  --json "$tmp/r.json" --events "$tmp/ev.jsonl" \
  --discovery-interval 300ms --max-discovery-interval 300ms \
  --echo-interval 2s --keepalive-interval 2s --retransmit-interval 500ms || rc=$?
cat "$tmp/wlc.err" | grep -v "capsim: info" | grep "timeline\|request sent" || true
grep -q "config-update request sent to 4 APs in Run" "$tmp/wlc.err" ||
  fail "the Configuration Update did not reach all 4 APs"
grep -q "reset request sent to 2 APs in Run" "$tmp/wlc.err" ||
  fail "the Reset did not reach the 2 APs chosen by MAC"
cs_check_report "$tmp/r.json"
python3 - "$tmp/ev.jsonl" "$tmp/r.json" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
r = json.load(open(sys.argv[2]))
def sent(name, ap):
    return [e for e in ev if e["kind"] == "msg-sent" and e.get("msg") == name and e["ap"] == ap]
fail = []
for ap in (1, 2, 3, 4):
    cu = sent("Configuration Update Response", ap)
    if len(cu) < 1 or cu[0]["value"] != 0:
        fail.append("AP %d Configuration Update Responses %s" % (ap, cu))
    # at the 1 s Statistics Timer the AP sends WTP Event Requests
    if len(sent("WTP Event Request", ap)) < 2:
        fail.append("AP %d sent %d WTP Event Requests" % (ap, len(sent("WTP Event Request", ap))))
for ap in (2, 3):
    rr = sent("Reset Response", ap)
    if len(rr) != 1 or rr[0]["value"] != 0:
        fail.append("AP %d Reset Responses %s" % (ap, rr))
for ap in (1, 4):
    if sent("Reset Response", ap):
        fail.append("AP %d was reset but not selected" % ap)
if r["in_run"] != 4 or r["left_run"] != 2:
    fail.append("in_run %s left_run %s" % (r["in_run"], r["left_run"]))
if fail:
    print("FAIL:", *fail, sep="\n  ")
    sys.exit(1)
print("wlc_timeline: 4 APs updated, the 2 chosen by MAC reset and back in Run")
PY
