#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# docs/report.schema.json and its checker (tools/check-report.py): a real
# report passes, and reports broken the ways the schema exists to catch
# fail: a key in another style (dash, capitals), a missing `interrupted`,
# a start time that is not RFC 3339, a state count that is not a number.
# The other tests check every report they write with it (cs_check_report).
set -euo pipefail
: "${CAPSIM:?CAPSIM not set}" "${CS_SRC:?CS_SRC not set}"
python3 -c 'import jsonschema' 2>/dev/null ||
  { echo "SKIP: python3-jsonschema not installed (tools/deps.sh test)"; exit 77; }
. "$(dirname "$0")/net.inc"
cs_net_claim
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export CAPSIM_PKI=$tmp/pki
check=$CS_SRC/tools/check-report.py

"$CAPSIM" run --aps 2 --duration 3s -q --discovery-interval 200ms \
  --max-discovery-interval 200ms --wlc-listen "$CS_NET.250:$(cs_free_port "$CS_NET.250" 2)" \
  --ap-base-ip "$CS_NET.1" --json "$tmp/r.json" --rule 'name=n dir=up kind=discovery first=1 action=drop' 2>/dev/null || true
python3 "$check" "$tmp/r.json" || fail "a real report is not valid"
breaks=(
  'r["Bad-Key"] = 1'
  'r["states"]["DTLS-Setup"] = r["states"].pop("dtls_setup")'
  'r["phases"]["data-check"] = r["phases"].pop("data_check")'
  'del r["interrupted"]'
  'r["started_at"] = "Mon Dec  7 12:00:00 2026"'
  'r["states"]["run"] = "2"'
  'r["capsim_version"] = 7'
)
for b in "${breaks[@]}"; do
  python3 - "$tmp/r.json" "$tmp/bad.json" "$b" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(r, open(sys.argv[2], "w"))
PY
  rc=0
  python3 "$check" "$tmp/bad.json" 2>"$tmp/err" || rc=$?
  [ "$rc" -eq 1 ] || fail "the schema accepts a report with: $b"
done

# --peer-pcap: the run waits (up to 120 s) for the controller's capture
# after it ends; SIGINT cuts the wait short and the report is still
# written, with a "peer" object saying why the capture was not used
port=$(cs_free_port "$CS_NET.251" 2)
"$CAPSIM" run --aps 2 --duration 2s -q --discovery-interval 200ms \
  --max-discovery-interval 200ms --wlc-listen "$CS_NET.251:$port" \
  --ap-base-ip "$CS_NET.20" --json "$tmp/p.json" \
  --peer-pcap "$tmp/never.pcapng" 2>"$tmp/p.err" &
run_pid=$!
cs_on_exit 'kill "$run_pid" 2>/dev/null || true'
cs_wait_for "$tmp/p.err" 'waiting up to' ||
  { cat "$tmp/p.err"; fail "the run never waited for --peer-pcap"; }
kill -INT "$run_pid"
# generous: the wait itself is up to 120 s, the interrupted one ends
# within a poll (0.2 s); the reports follow
for _ in $(seq 300); do
  kill -0 "$run_pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$run_pid" 2>/dev/null && fail "SIGINT did not end the wait for --peer-pcap"
wait "$run_pid" || true
grep -q 'interrupted while waiting' "$tmp/p.err" || { cat "$tmp/p.err"; fail "no word of the interrupted wait"; }
[ -s "$tmp/p.json" ] || fail "no JSON report after the interrupted wait"
python3 "$check" "$tmp/p.json" || fail "the report with a peer object is not valid"
python3 - "$tmp/p.json" <<'PY' || fail "peer object"
import json, sys
p = json.load(open(sys.argv[1]))["peer"]
assert p["used"] is False, p
assert p["not_used_because"].startswith("interrupted"), p
assert p["path"].endswith("never.pcapng"), p
assert p["aps_taken"] == 0, p
PY
python3 - "$tmp/p.json" "$tmp/bad.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["peer"]["used"] = "no"
json.dump(r, open(sys.argv[2], "w"))
PY
rc=0
python3 "$check" "$tmp/bad.json" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 1 ] || fail "the schema accepts a peer object with used = \"no\""

# the wireless clients (issue 14): a report with "clients" from real
# station events (test_client_metrics) is valid; with a reason key in
# another style it is not
: "${CS_BUILD:?CS_BUILD not set}"
CS_REPORT_OUT=$tmp/clients.json "$CS_BUILD/tests/test_client_metrics" \
  >"$tmp/clients.log" 2>&1 || { cat "$tmp/clients.log"; fail "test_client_metrics"; }
python3 "$check" "$tmp/clients.json" || fail "a report with clients is not valid"
python3 - "$tmp/clients.json" "$tmp/bad.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = r["clients"]["failures"]["dhcp"]
f["No-DHCPOFFER"] = f.pop(next(iter(f)))
json.dump(r, open(sys.argv[2], "w"))
PY
rc=0
python3 "$check" "$tmp/bad.json" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 1 ] || fail "the schema accepts a client failure key in another style"
echo "PASS: schema accepts a real report and rejects ${#breaks[@]} broken ones; --peer-pcap's wait ends on SIGINT with the report written; clients valid"
