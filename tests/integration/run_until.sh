#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `capsim run --until-run`: the run ends at the first second every AP is
# in Run (long before --duration), the report says so and passes; APs that
# cannot join keep the run going to --duration and it fails; a scenario
# with a timeline is refused (its effects come after its entries).
set -euo pipefail
. "$(dirname "$0")/net.inc"
cs_net_claim
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export CAPSIM_PKI=$tmp/pki
fail() { echo "FAIL: $*"; exit 1; }
fast=(--max-discovery-interval 100ms --discovery-interval 200ms
  --echo-interval 1s --keepalive-interval 1s)

# every AP in Run: the run ends early, passes, and says why
rc=0
"$CAPSIM" run --aps 5 --until-run --duration 300s --quiet --json "$tmp/r.json" \
  --wlc-listen "$CS_NET.250:$(cs_free_port "$CS_NET.250" 2)" \
  --ap-base-ip "$CS_NET.1" "${fast[@]}" 2>"$tmp/err" || rc=$?
cat "$tmp/err"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0"
grep -q "^capsim: run: every AP in Run after [0-9.]* s: ending the run (--until-run)" \
  "$tmp/err" || fail "no line saying the run ended because every AP was in Run"
grep -q "for up to 300.0 s (until every AP is in Run)" "$tmp/err" ||
  fail "the start line does not say the run may end early"
cs_check_report "$tmp/r.json"
python3 - "$tmp/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["in_run"] == 5 and r["joined"] == 5 and r["passed"] is True, r
# ended at the tick after the last join, not at --duration
assert r["duration_s"] < 300, r["duration_s"]
print("run_until: 5 of 5 in Run, run ended after %.1f s" % r["duration_s"])
PY

# a controller nobody answers for: the run lasts --duration and fails
rc=0
"$CAPSIM" run --aps 2 --until-run --duration 3s --quiet --json "$tmp/n.json" \
  --wlc "$CS_NET.251:$(cs_free_port "$CS_NET.251" 2)" \
  --ap-base-ip "$CS_NET.20" "${fast[@]}" 2>"$tmp/err2" || rc=$?
[ "$rc" -eq 3 ] || { cat "$tmp/err2"; fail "unreachable WLC: exit $rc, expected 3"; }
if grep -q "ending the run (--until-run)" "$tmp/err2"; then
  cat "$tmp/err2"; fail "the run ended early with APs not in Run"
fi
python3 -c "
import json, sys
r = json.load(open('$tmp/n.json'))
assert r['in_run'] == 0 and r['duration_s'] >= 3.0, (r['in_run'], r['duration_s'])"

# a scenario with a timeline: refused, before anything runs
rc=0
"$CAPSIM" run "$CS_SRC/scenarios/wlc-restart-rejoin.yaml" --until-run \
  >"$tmp/out3" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || { cat "$tmp/out3"; fail "timeline + --until-run: exit $rc, expected 2"; }
grep -q "until-run cannot end scenario wlc-restart-rejoin early" "$tmp/out3" ||
  { cat "$tmp/out3"; fail "no reason given for refusing --until-run"; }
echo "run_until: ok"
