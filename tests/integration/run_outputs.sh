#!/bin/bash
# SPDX-License-Identifier: MIT
# `capsim run` outputs while it runs and when it is interrupted: Prometheus
# text at /metrics during the run (scraped until every AP is in Run), then
# SIGINT: the APs stop, and the JSON report, JUnit XML, event log and
# capture are written complete; exit 3 (interrupted runs do not pass).
# A second signal exits at once.  On a loopback /16 of its own (net.inc).
set -u
: "${CAPSIM:?CAPSIM not set}"
. "$(dirname "$0")/net.inc"
cs_net_claim16
pid=
tmp=$(mktemp -d)
cs_on_exit '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$tmp"'
wlc=$CS_NET.255.1
mport=$(cs_free_port "$wlc")
metrics=http://$wlc:$mport/metrics
export CAPSIM_PKI="$tmp/pki"
fail() { echo "FAIL: $*"; exit 1; }

"$CAPSIM" run --aps 6 --duration 120s --wlc-listen "$wlc:$(cs_free_port "$wlc" 2)" \
	--ap-base-ip "$CS_NET.0.1" --discovery-interval 500ms \
	--max-discovery-interval 500ms --echo-interval 2s \
	--keepalive-interval 2s --metrics-listen "$wlc:$mport" \
	--json "$tmp/r.json" --junit "$tmp/r.xml" --events "$tmp/ev.jsonl" \
	--pcap "$tmp/w.pcapng" -q 2> "$tmp/err" &
pid=$!

# polled for up to 120 s: generous on a loaded host
in_run=0
for _ in $(seq 1 600); do
	sleep 0.2
	kill -0 $pid 2>/dev/null || break
	in_run=$(python3 - "$metrics" <<'PY' 2>/dev/null
import sys, urllib.request
try:
    t = urllib.request.urlopen(sys.argv[1], timeout=2).read().decode()
except Exception:
    print(0); raise SystemExit
for line in t.splitlines():
    if line.startswith('capsim_aps{state="run"}') or line.startswith('capsim_aps{state="Run"}'):
        print(int(float(line.split()[-1]))); break
else:
    print(0)
PY
)
	[ "${in_run:-0}" = 6 ] && break
done
[ "${in_run:-0}" = 6 ] || { cat "$tmp/err"; fail "/metrics never showed 6 APs in Run (last: ${in_run:-none})"; }
curl_text=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' "$metrics")
grep -q '^# TYPE capsim_phase_duration_seconds histogram' <<<"$curl_text" ||
	fail "/metrics has no phase histogram"
grep -q '^capsim_joins_total 6' <<<"$curl_text" || fail "/metrics: joins_total is not 6"

kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 3 ] || { cat "$tmp/err"; fail "interrupted run exited $rc, expected 3"; }
grep -q "interrupted" "$tmp/err" || fail "no 'interrupted' message"

cs_check_report "$tmp/r.json"
python3 - "$tmp" <<'PY' || exit 1
import json, sys, xml.etree.ElementTree as ET
tmp = sys.argv[1]
r = json.load(open(tmp + "/r.json"))
assert r["aps"] == 6 and r["joined"] == 6 and r["in_run"] == 6, r
assert r["passed"] is False, "an interrupted run must not pass"
assert r["phases"]["total"]["count"] == 6, r["phases"]["total"]
assert r["resources"]["fds"] < 64, r["resources"]
assert "diagnosis" in r, "no diagnosis"
x = ET.parse(tmp + "/r.xml").getroot()
assert x.tag in ("testsuites", "testsuite"), x.tag
lines = open(tmp + "/ev.jsonl").read().splitlines()
ev = [json.loads(l) for l in lines]
runs = [e for e in ev if e.get("kind") == "state" and e.get("to") == "Run"]
assert len(runs) == 6, len(runs)
# numbered like the log ("AP 1"), with the wall-clock time
assert {e["ap"] for e in runs} == set(range(1, 7)), runs
assert all(e["time"].endswith("Z") and "T" in e["time"] for e in runs), runs[0]
print("report, JUnit and %d events OK" % len(ev))
PY
[ -s "$tmp/w.pcapng" ] || fail "no capture written"
if command -v tshark >/dev/null 2>&1; then
	n=$(tshark -n -r "$tmp/w.pcapng" 2>/dev/null | wc -l)
	[ "$n" -gt 20 ] || fail "capture has only $n packets"
fi

# a second signal exits at once, without finishing the orderly stop.
# The stop is held in place, not raced: the JUnit report goes to a FIFO
# whose buffer the test has filled, so writing it blocks until the
# second signal comes.
mkfifo "$tmp/full.xml"
exec 3<>"$tmp/full.xml"
head -c 65536 /dev/zero >&3
"$CAPSIM" run --aps 5 --duration 120s \
	--wlc-listen "$wlc:$(cs_free_port "$wlc" 2)" \
	--ap-base-ip "$CS_NET.16.1" -q --json "$tmp/r2.json" \
	--junit "$tmp/full.xml" 2> "$tmp/err2" &
pid=$!
cs_wait_for "$tmp/err2" "APs from" || { cat "$tmp/err2"; fail "second run did not start"; }
kill -INT $pid
# held: the report is being written into the full FIFO
blocked() { [[ "$(cat /proc/$pid/wchan 2>/dev/null)" == *pipe_write ]]; }
for _ in $(seq 1200); do
	blocked && break
	sleep 0.1
done
blocked || { cat "$tmp/err2"; fail "the interrupted run never reached its reports"; }
kill -TERM $pid
wait $pid
rc=$?
pid=
exec 3>&-
# 1: _exit on the second signal (3 would be: second signal ignored)
[ $rc -eq 1 ] || fail "double interrupt exited $rc, expected 1"
# no report's temporary left behind
ls "$tmp" | grep -q 'tmp-' && fail "double interrupt left $(ls "$tmp" | grep tmp-)"
echo "PASS: outputs while running and after SIGINT; a second signal exits at once"
