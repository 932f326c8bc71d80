#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The issue's acceptance run, with short timers: `capsim wlc` in one
# process, `capsim run --aps 200` in another; every AP joins over DTLS and
# stays in Run through 60 s of echoes and keep-alives with zero failures.
# CS_JOIN_SECONDS shortens it for quick local runs.
set -euo pipefail
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
secs=${CS_JOIN_SECONDS:-60}

"$CAPSIM" wlc --listen "$CS_NET.250:5246" --echo-interval 2s \
  --max-wtps 1000 >"$tmp/wlc.out" 2>"$tmp/wlc.err" &
wlc_pid=$!
cs_wait_for "$tmp/wlc.err" listening || { cat "$tmp/wlc.err"; exit 1; }

rc=0
"$CAPSIM" run --wlc "$CS_NET.250" --aps 200 --duration "${secs}s" --quiet \
  --json "$tmp/r.json" --ap-base-ip "$CS_NET.1" \
  --max-discovery-interval 500ms --discovery-interval 300ms \
  --echo-interval 2s --keepalive-interval 2s --data-dead-interval 10s || rc=$?

kill -USR1 "$wlc_pid"; sleep 0.5
kill "$wlc_pid"; wait "$wlc_pid" || true; wlc_pid=
if [ "$rc" -ne 0 ]; then
  echo "capsim run exited $rc"; cat "$tmp/r.json" 2>/dev/null | head -60
  tail -20 "$tmp/wlc.err"; exit 1
fi
cs_check_report "$tmp/r.json"
python3 - "$tmp/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["aps"] == 200 and r["joined"] == 200 and r["in_run"] == 200, r
assert r["failed"] == 0 and r["failures"] == {}, r["failures"]
assert r["left_run"] == 0
print("join_wlc_200: 200/200 in Run; join p50 %.0f ms p99 %.0f ms" %
      (r["phases"]["total"]["p50_ms"], r["phases"]["total"]["p99_ms"]))
PY
# the WLC saw every AP join and keeps them (its statistics table)
grep -c "02:ca:75" "$tmp/wlc.out" | awk '$1 < 200 { print "WLC stats list only " $1 " APs"; exit 1 }'
