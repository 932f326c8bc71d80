#!/bin/bash
# SPDX-License-Identifier: MIT
# APs in Run as a controller loads them (scenarios/run-events.yaml): the
# embedded WLC sets a 2 s Statistics Timer by Configuration Update, every
# AP then sends WTP Event Requests every 2 s, two APs upload a memory dump
# on request, APs 0-4 get a Reset Request, reboot and join again with
# their AC-initiated reboot count raised in the Configuration Status
# Request.  Checked from the events (AP side) and the WLC's counters and
# message rates (controller side).  On a loopback /16 of its own.
set -u
: "${CAPSIM:?CAPSIM not set}" "${CS_SRC:?CS_SRC not set}"
. "$(dirname "$0")/net.inc"
cs_net_claim16
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export CAPSIM_PKI="$tmp/pki"
cs_scenario_localize "$CS_SRC/scenarios/run-events.yaml" "$tmp/run.yaml"
"$CAPSIM" run "$tmp/run.yaml" -q \
	--json "$tmp/r.json" --events "$tmp/ev.jsonl" 2>"$tmp/err"
rc=$?
grep -v "capsim: info" "$tmp/err" | tail -n 14
[ $rc -eq 0 ] || { echo "FAIL: exit $rc"; exit 1; }
cs_check_report "$tmp/r.json"
grep -q "WLC config-update request sent to 10 APs" "$tmp/err" ||
	{ echo "FAIL: the Configuration Update did not reach all 10 APs"; exit 1; }
grep -q "WLC reset request sent to 5 APs" "$tmp/err" ||
	{ echo "FAIL: the Reset did not reach APs 0-4"; exit 1; }
python3 - "$tmp/ev.jsonl" "$tmp/r.json" <<'EOF'
import json, sys

ev = [json.loads(l) for l in open(sys.argv[1])]
rep = json.load(open(sys.argv[2]))
fail = []

def sent(name, ap=None):
    return [e for e in ev if e["kind"] == "msg-sent" and e.get("msg") == name
            and (ap is None or e["ap"] == ap)]

# every AP answered the Configuration Update with Success (value: code)
cu = sent("Configuration Update Response")
if len(cu) != 10 or any(e["value"] != 0 for e in cu):
    fail.append("Configuration Update Responses: %s" %
                [(e["ap"], e["value"]) for e in cu])
t_cu = min(e["t_ms"] for e in cu) if cu else 0
# at the controller's 2 s Statistics Timer: an AP that stayed up (5-7)
# sends one WTP Event Request every ~2 s from the update to the end
for ap in (6, 7, 8):
    ts = [e["t_ms"] for e in sent("WTP Event Request", ap) if e["t_ms"] > t_cu]
    gaps = [b - a for a, b in zip(ts, ts[1:])]
    if len(ts) < 6 or any(g < 1500 or g > 3500 for g in gaps):
        fail.append("AP %d WTP Event Requests at %s" % (ap, ts))
# the Reset: answered, the AP went Run -> Reset and back to Run
for ap in range(1, 6):
    rr = sent("Reset Response", ap)
    if len(rr) != 1 or rr[0]["value"] != 0:
        fail.append("AP %d Reset Responses %s" % (ap, rr))
        continue
    after = [e for e in ev if e["ap"] == ap and e["t_ms"] >= rr[0]["t_ms"]
             and e["kind"] == "state"]
    if not after or after[0]["to"] != "Reset" or after[-1]["to"] != "Run":
        fail.append("AP %d states after Reset: %s" %
                    (ap, [e["to"] for e in after]))
for ap in range(6, 11):
    if sent("Reset Response", ap):
        fail.append("AP %d was reset but not selected" % ap)
# the memory dump of APs 8-9 (index 7-8 -> ap 9, 10 in events)
dt = [e for e in ev if e["kind"] == "msg-sent" and
      e.get("msg") == "Data Transfer Request"]
if sorted({e["ap"] for e in dt}) != [9, 10]:
    fail.append("Data Transfer Requests from %s" % sorted({e["ap"] for e in dt}))
w = rep.get("wlc_counters", {})
# the rejoined APs reported AC Initiated Count 1 (RFC 5415 4.6.47)
if w.get("reboots_reported") != 5:
    fail.append("reboots_reported %s, expected 5" % w.get("reboots_reported"))
if w.get("wtp_events_bad") != 0 or w.get("wtp_events", 0) < 50:
    fail.append("WLC WTP events %s bad %s" %
                (w.get("wtp_events"), w.get("wtp_events_bad")))
if w.get("data_transfer_bytes", 0) < 200:
    fail.append("data transfer bytes %s" % w.get("data_transfer_bytes"))
rates = rep["rates"].get("control_messages_per_s", {})
up, down = rates.get("ap_to_wlc", {}), rates.get("wlc_to_ap", {})
if not up.get("wtp_event_request") or \
        abs(up["wtp_event_request"] - down.get("wtp_event_response", 0)) > 1e-9:
    fail.append("WTP event rates %s / %s" %
                (up.get("wtp_event_request"), down.get("wtp_event_response")))
if fail:
    print("FAIL: " + "\nFAIL: ".join(fail))
    sys.exit(1)
print("WTP events %d, %.2f/s; resets 5, reboots reported %d" %
      (w["wtp_events"], up["wtp_event_request"], w["reboots_reported"]))
EOF
[ $? -eq 0 ] || exit 1
echo "PASS: run events: statistics at the controller's timer, dump, reset and rejoin"
