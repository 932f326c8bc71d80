#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# capsim lab removes every namespace, interface, process and file when it
# is interrupted (SIGINT, SIGTERM) in the middle of a run, when nft
# rejects the ruleset, and refuses to run without root (exit 2).
set -euo pipefail
. "$(dirname "$0")/lab_common.inc"
lab_require
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

for sig in INT TERM; do
  "$CAPSIM" lab --fast --aps 2 --duration 60s >"$tmp/out" 2>&1 &
  pid=$!
  for _ in $(seq 1 1200); do  # until the APs run (120 s: a loaded host)
    grep -q 'APs from 198' "$tmp/out" && break
    sleep 0.1
  done
  grep -q 'APs from 198' "$tmp/out" || { cat "$tmp/out"; echo "FAIL: run did not start"; exit 1; }
  ip netns list | grep -q "^capsim-$pid-ap" || { echo "FAIL: no namespaces while running"; exit 1; }
  kill -s "$sig" "$pid"
  rc=0; wait "$pid" || rc=$?
  cat "$tmp/out"
  [ "$rc" != 0 ] || { echo "FAIL: interrupted lab exited 0"; exit 1; }
  grep -q 'interrupted' "$tmp/out" || { echo "FAIL: no interruption message"; exit 1; }
  lab_assert_clean "$pid"
  pgrep -f "pki=/tmp/capsim-lab-$pid/" >/dev/null && { echo "FAIL: capsim left running"; exit 1; }
  echo "lab_cleanup: SIG$sig: clean"
done

# SIGKILL leaves the namespaces (and the two dnsmasq, APs' and clients',
# which drop capabilities and so their PDEATHSIG); capsim run and wlc die
# with the lab; the next lab removes what is left
"$CAPSIM" lab --fast --aps 1 --clients-per-ap 1 --duration 60s >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 1 1200); do  # 120 s: a loaded host
  grep -q 'APs from 198' "$tmp/out" && break
  sleep 0.1
done
grep -q 'APs from 198' "$tmp/out" || { cat "$tmp/out"; echo "FAIL: run did not start"; exit 1; }
kill -9 "$pid"; wait "$pid" || true
# capsim run and wlc get SIGKILL from the kernel (PDEATHSIG) when the lab
# dies; give them up to 30 s to be gone on a loaded host
for _ in $(seq 1 300); do
  pgrep -f "pki=/tmp/capsim-lab-$pid/" >/dev/null || break
  sleep 0.1
done
if pgrep -f "pki=/tmp/capsim-lab-$pid/" >/dev/null; then
  echo "FAIL: capsim survived the killed lab"; pgrep -fa "capsim-lab-$pid/"; exit 1
fi
# leftovers, unless a lab of another copy of the suite (its own pid)
# started in that second and reaped them already
if ! ip netns list | grep -q "^capsim-$pid-"; then
  pgrep -f "capsim lab" | grep -qvx "$$" ||
    { echo "FAIL: expected leftovers"; exit 1; }
  echo "lab_cleanup: leftovers of $pid already reaped by a parallel lab"
fi
lab_run 0 "$tmp/out2" --fast --aps 1 --duration 120s --discovery static -- --until-run
# (another lab started in parallel may have reaped them first)
grep -q "removing namespace capsim-$pid-ap left by a killed lab" "$tmp/out2" ||
  echo "lab_cleanup: leftovers of $pid reaped by a parallel lab"
lab_assert_clean "$pid"
echo "lab_cleanup: SIGKILL: leftovers reaped by the next lab"

# a ruleset nft rejects: exit 2, still clean
echo 'table inet x { chain y { bogus } }' >"$tmp/bad.nft"
lab_run 2 "$tmp/out" --ruleset "$tmp/bad.nft" --discovery static
lab_expect "$tmp/out" 'nft rejected' "the nft error"

# not root: exit 2 with a clear message (a copy of the binary the
# unprivileged user can reach)
if command -v setpriv >/dev/null; then
  nr=$(mktemp -d); chmod 755 "$nr"; cp "$CAPSIM" "$nr/capsim"
  rc=0
  (cd / && setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$nr/capsim" lab) >"$tmp/out" 2>&1 || rc=$?
  rm -rf "$nr"
  cat "$tmp/out"
  [ "$rc" = 2 ] || { echo "FAIL: non-root lab exited $rc"; exit 1; }
  lab_expect "$tmp/out" 'needs root' "the root message"
  echo "lab_cleanup: non-root: exit 2"
fi
echo "lab_cleanup: ok"
