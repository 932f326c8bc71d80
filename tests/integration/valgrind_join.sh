#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A short join under valgrind memcheck with --error-exitcode: 2 APs join
# the embedded WLC (DTLS, the SO_REUSEPORT steering filter, the workers)
# and stay in Run; any invalid read, write or use of uninitialised memory
# (such as the padding of a struct passed to the kernel) fails the test.
# Skips without valgrind and for sanitizer builds (valgrind cannot run
# them).  On a loopback /24 of its own.
set -euo pipefail
: "${CAPSIM:?CAPSIM not set}"
command -v valgrind >/dev/null || { echo "SKIP: valgrind not installed (tools/deps.sh test)"; exit 77; }
if grep -q __asan_init "$CAPSIM" 2>/dev/null; then
  echo "SKIP: $CAPSIM is an ASan build (valgrind runs the dev build)"
  exit 77
fi
. "$(dirname "$0")/net.inc"
cs_net_claim
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export CAPSIM_PKI=$tmp/pki
# the lab CA made outside valgrind, with EC keys: RSA signing and
# handshakes under memcheck take minutes
"$CAPSIM" certs --out "$tmp/pki" --key-type ec-p256 >/dev/null

rc=0
valgrind --error-exitcode=99 --leak-check=no --track-origins=yes \
  --log-file="$tmp/vg.%p" \
  "$CAPSIM" run --aps 2 --workers 2 --duration 20s -q \
  --wlc-listen "$CS_NET.250:$(cs_free_port "$CS_NET.250" 2)" --ap-base-ip "$CS_NET.1" \
  --discovery-interval 500ms --max-discovery-interval 500ms \
  --retransmit-interval 3s --wait-dtls 30s \
  --echo-interval 2s --keepalive-interval 2s --json "$tmp/r.json" \
  2>"$tmp/err" || rc=$?
if [ "$rc" -eq 99 ]; then
  cat "$tmp"/vg.*
  fail "valgrind found errors"
fi
[ "$rc" -eq 0 ] || { cat "$tmp/err"; tail -20 "$tmp"/vg.*; fail "capsim run under valgrind exited $rc"; }
grep -q "ERROR SUMMARY: 0 errors" "$tmp"/vg.* || { cat "$tmp"/vg.*; fail "no clean error summary"; }
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["in_run"] == 2, d["in_run"]' \
  "$tmp/r.json" || fail "not both APs in Run under valgrind"
echo "PASS: 2 APs joined under valgrind memcheck, 0 errors"
