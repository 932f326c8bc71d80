#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every shipped profile loads and joins through `capsim run --profile NAME`:
# the Cisco profiles against `capsim wlc --cisco` (which refuses anything
# that is not a Cisco join), rfc5415 against the plain mock WLC; 4 APs each
# must reach Run.  A broken profile file is refused with FILE:LINE:COL and
# exit code 2.
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
unset CAPSIM_PROFILES
# addresses from a /24 claimed for this run (net.inc): other build trees
# run the same test at the same time
net=$CS_NET

"$CAPSIM" wlc --cisco --listen "$net.250:5246" --sw-version 17.9.4.27 \
  >"$tmp/wlc.out" 2>"$tmp/wlc.err" &
wlc_pid=$!
cs_wait_for "$tmp/wlc.err" listening || { cat "$tmp/wlc.err"; exit 1; }

profiles=$(cd "$CS_SRC/profiles" && ls ./*.yaml | sed 's|^\./||; s|\.yaml$||')
n=0
for prof in $profiles; do
  n=$((n + 1))
  wlc=(--wlc "$net.250")
  if [ "$prof" = rfc5415 ]; then
    wlc=(--wlc-listen "$net.251")   # the plain embedded mock WLC
  fi
  rc=0
  "$CAPSIM" run "${wlc[@]}" --profile "$prof" --aps 4 --duration 4s --quiet \
    --ap-base-ip "$net.$((n * 10))" --ap-base-mac "02:ca:78:00:$(printf %02x $n):01" \
    --max-discovery-interval 300ms --discovery-interval 300ms \
    --json "$tmp/$prof.json" >"$tmp/$prof.out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "FAIL: capsim run --profile $prof exited $rc"
    cat "$tmp/$prof.out"; tail -20 "$tmp/wlc.err"; exit 1
  fi
  python3 - "$tmp/$prof.json" "$prof" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["in_run"] == 4, (sys.argv[2], r.get("in_run"), r.get("failures"))
PY
done
if grep -q "refused: not a Cisco AP join" "$tmp/wlc.err"; then
  echo "FAIL: the Cisco-mode WLC refused a shipped Cisco profile"
  grep "refused" "$tmp/wlc.err"; exit 1
fi

# a broken profile: FILE:LINE:COL and exit 2
printf 'model: M\nradios: [bgn, q]\n' >"$tmp/broken.yaml"
rc=0
"$CAPSIM" run --profile "$tmp/broken.yaml" --aps 1 --duration 1s --quiet \
  >"$tmp/broken.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || { echo "FAIL: broken profile exit $rc"; cat "$tmp/broken.out"; exit 1; }
grep -q "broken.yaml:2:15: key 'radios'" "$tmp/broken.out" ||
  { echo "FAIL: no FILE:LINE:COL"; cat "$tmp/broken.out"; exit 1; }
echo "cisco_profiles_run: $n profiles joined with capsim run --profile"
