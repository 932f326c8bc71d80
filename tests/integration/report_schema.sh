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
echo "PASS: schema accepts a real report and rejects ${#breaks[@]} broken ones"
