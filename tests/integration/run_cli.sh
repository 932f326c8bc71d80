#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `capsim run`'s command line and outputs (issues 16 and 18):
#  - a reader that goes away (`-v 2>&1 | head -1`) does not kill the run:
#    no exit 141, the JSON report and a whole capture are written;
#  - output paths are checked before the run: a bad --json fails at once
#    with exit 2, and nothing runs;
#  - a misspelt option is an unknown option with a did-you-mean, not a
#    scenario file; --metrics-listen with port 99999 is refused;
#  - --check validates and prints the plan (exit 0), or says where the
#    scenario is wrong (exit 2), and runs nothing;
#  - a run interrupted while it starts (held in start-up by a FIFO output
#    that nobody reads yet) still writes its reports, marked interrupted,
#    and the previous run's report is gone from the start;
#  - --metrics-linger keeps /metrics up after the run for a final scrape,
#    promtool-clean when promtool is installed.
# On a loopback /24 of its own.
set -euo pipefail
: "${CAPSIM:?CAPSIM not set}" "${CS_SRC:?CS_SRC not set}"
. "$(dirname "$0")/net.inc"
cs_net_claim
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  rm -rf "$tmp"
}
cs_on_exit cleanup
export CAPSIM_PKI=$tmp/pki
wlc=$CS_NET.250
fast=(--discovery-interval 200ms --max-discovery-interval 200ms
  --echo-interval 1s --keepalive-interval 1s)

# SIGPIPE: the reader of stderr leaves after one line
rc=0
set +o pipefail
"$CAPSIM" run --aps 3 --duration 4s "${fast[@]}" \
  --wlc-listen "$wlc:$(cs_free_port "$wlc" 2)" --ap-base-ip "$CS_NET.1" \
  --json "$tmp/r.json" --pcap "$tmp/w.pcapng" -v 2>&1 | head -1 >/dev/null
rc=${PIPESTATUS[0]}
set -o pipefail
[ "$rc" -eq 0 ] || fail "run with its reader gone exited $rc (141 = killed by SIGPIPE)"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["in_run"] == 3, d["in_run"]' \
  "$tmp/r.json" || fail "no complete JSON report after SIGPIPE"
cs_check_report "$tmp/r.json"
[ "$(stat -c %s "$tmp/w.pcapng")" -gt 1000 ] || fail "capture cut short after SIGPIPE"
if command -v tshark >/dev/null; then
  tshark -n -r "$tmp/w.pcapng" >/dev/null 2>&1 || fail "tshark cannot read the capture"
fi

# a bad output path fails before the run
rc=0
"$CAPSIM" run --aps 2 --duration 30s --wlc-listen "$wlc:$(cs_free_port "$wlc" 2)" \
  --ap-base-ip "$CS_NET.10" --json /nonexistent/r.json 2>"$tmp/e" || rc=$?
[ "$rc" -eq 2 ] || fail "--json /nonexistent/r.json exited $rc, expected 2"
grep -q "cannot write /nonexistent/r.json: No such file or directory" "$tmp/e" ||
  { cat "$tmp/e"; fail "no clear error for the bad --json"; }
grep -q "APs from" "$tmp/e" && fail "the run started despite the bad --json"

# misspelt option, bad metrics port
rc=0
"$CAPSIM" run --aps 5 --durration 10s 2>"$tmp/e" || rc=$?
[ "$rc" -eq 2 ] || fail "--durration exited $rc, expected 2"
grep -q "unknown option '--durration' (did you mean '--duration'?)" "$tmp/e" ||
  { cat "$tmp/e"; fail "no did-you-mean for --durration"; }
rc=0
"$CAPSIM" run --aps 1 --duration 30s --wlc-listen "$wlc:$(cs_free_port "$wlc" 2)" \
  --ap-base-ip "$CS_NET.20" --metrics-listen "$wlc:99999" 2>"$tmp/e" || rc=$?
[ "$rc" -eq 2 ] || fail "--metrics-listen :99999 exited $rc, expected 2"
grep -q "cannot serve /metrics on $wlc:99999" "$tmp/e" || { cat "$tmp/e"; fail "no error for :99999"; }

# --check
"$CAPSIM" run "$CS_SRC/scenarios/vpn-dtls-return-drop.yaml" --check >"$tmp/plan" ||
  fail "--check of a good scenario failed"
grep -q "is valid; the plan" "$tmp/plan" || fail "--check printed no plan"
grep -q "expect       diagnosis == return-path-loss" "$tmp/plan" ||
  { cat "$tmp/plan"; fail "--check plan lacks the expectations"; }
grep -q "impairment   1 fw-drops-dtls-return" "$tmp/plan" || fail "--check plan lacks the rule"
# every timeline action is named, the WLC's misbehaviour with its switches
"$CAPSIM" run "$CS_SRC/scenarios/examples/full.yaml" --check >"$tmp/plan" ||
  fail "--check of full.yaml failed"
grep -q "discovery    dhcp, DHCP server 198.18.2.2 via relay 198.18.16.1, timeout 60.0 s" "$tmp/plan" ||
  { cat "$tmp/plan"; fail "--check plan lacks the scenario's discovery"; }
grep -q "the WLC misbehaves: drop=echo-request mute=true" "$tmp/plan" ||
  { cat "$tmp/plan"; fail "--check plan does not name the misbehaviour"; }
! grep -q "s  ?" "$tmp/plan" || { cat "$tmp/plan"; fail "--check plan has an unnamed action"; }
printf 'name: broken\naps:\n  count: nope\n' >"$tmp/bad.yaml"
rc=0
"$CAPSIM" run "$tmp/bad.yaml" --check >/dev/null 2>"$tmp/e" || rc=$?
[ "$rc" -eq 2 ] || fail "--check of a broken scenario exited $rc, expected 2"
grep -q "bad.yaml:3:10: key 'aps.count'" "$tmp/e" || { cat "$tmp/e"; fail "--check: no FILE:LINE:COL"; }

# interrupted while starting: held at the FIFO output, then SIGTERM
mkfifo "$tmp/j.xml"
echo '{"passed": true}' >"$tmp/s.json"
"$CAPSIM" run --aps 3 --duration 60s --wlc-listen "$wlc:$(cs_free_port "$wlc" 2)" \
  --ap-base-ip "$CS_NET.30" --json "$tmp/s.json" --junit "$tmp/j.xml" -q 2>"$tmp/e" &
pid=$!
# blocked in open(2) of the FIFO until a reader comes
at_fifo() { [[ "$(cat /proc/$pid/wchan 2>/dev/null)" == *@(wait_for_partner|fifo_open)* ]]; }
shopt -s extglob
for _ in $(seq 1200); do
  at_fifo && break
  sleep 0.1
done
at_fifo || fail "run never reached its FIFO output"
[ -e "$tmp/s.json" ] && fail "the previous run's report is still there during start-up"
kill -TERM "$pid"
cat "$tmp/j.xml" >"$tmp/j.out" &
rc=0
wait "$pid" || rc=$?
pid=
wait
[ "$rc" -eq 3 ] || { cat "$tmp/e"; fail "run interrupted while starting exited $rc, expected 3"; }
grep -q "interrupted while starting" "$tmp/e" || { cat "$tmp/e"; fail "no start-up interruption message"; }
python3 - "$tmp/s.json" "$tmp/j.out" <<'PY' || fail "reports of the interrupted start"
import json, sys, xml.etree.ElementTree as ET
d = json.load(open(sys.argv[1]))
assert d["interrupted"] is True and d["passed"] is False, d
ET.parse(sys.argv[2])
PY
cs_check_report "$tmp/s.json"
ls "$tmp" | grep -q 'tmp-' && fail "temporary report files left behind"

# --metrics-linger: a final scrape after the run
mport=$(cs_free_port "$wlc")
"$CAPSIM" run --aps 4 --duration 3s "${fast[@]}" \
  --wlc-listen "$wlc:$(cs_free_port "$wlc" 2)" --ap-base-ip "$CS_NET.40" \
  --metrics-listen "$wlc:$mport" --metrics-linger 120s -q 2>"$tmp/e" &
pid=$!
cs_wait_for "$tmp/e" "stays up" || { cat "$tmp/e"; fail "no linger"; }
python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' \
  "http://$wlc:$mport/metrics" >"$tmp/final.prom" || fail "no /metrics after the run"
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
pid=
[ "$rc" -eq 0 ] || { cat "$tmp/e"; fail "the run with linger exited $rc"; }
grep -q '^capsim_joins_total 4$' "$tmp/final.prom" || { cat "$tmp/final.prom"; fail "final scrape: joins"; }
grep -q '^capsim_wlc_aps_joined ' "$tmp/final.prom" || fail "final scrape: no WLC metrics"
if command -v promtool >/dev/null; then
  promtool check metrics <"$tmp/final.prom" || fail "promtool check metrics (capsim run)"
else
  echo "NOTE: promtool not installed: exposition format not checked"
fi
echo "PASS: run command line and outputs"
