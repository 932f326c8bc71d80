#!/bin/bash
# SPDX-License-Identifier: MIT
# The scenario timeline's AP reboot storm (tests/data/ap-reboot-storm.yaml):
# APs 0-9 of 20 power-cycle at 6 s without close_notify, the WLC replaces
# their sessions on the new ClientHellos from the same addresses, and all
# are back in Run: the scenario's own expectations (left_run == 10,
# joins >= 30, in_run == 100%) decide.  On a loopback /16 of its own.
set -u
: "${CAPSIM:?CAPSIM not set}" "${CS_SRC:?CS_SRC not set}"
. "$(dirname "$0")/net.inc"
cs_net_claim16
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export CAPSIM_PKI="$tmp/pki"
cs_scenario_localize "$CS_SRC/tests/data/ap-reboot-storm.yaml" "$tmp/storm.yaml"
"$CAPSIM" run "$tmp/storm.yaml" -q \
	--json "$tmp/r.json" --events "$tmp/ev.jsonl" 2> "$tmp/err"
rc=$?
grep -v "capsim: info" "$tmp/err" | tail -n 12
[ $rc -eq 0 ] || { echo "FAIL: exit $rc"; exit 1; }
cs_check_report "$tmp/r.json"
grep -q "10 APs power-cycled" "$tmp/err" || { echo "FAIL: no reboot"; exit 1; }
n=$(grep -c '"reason":"power-cycled (scenario timeline)"' "$tmp/ev.jsonl")
[ "$n" -eq 10 ] || { echo "FAIL: $n power-cycle events, expected 10"; exit 1; }
echo "PASS: reboot storm: 10 APs power-cycled and back in Run"
