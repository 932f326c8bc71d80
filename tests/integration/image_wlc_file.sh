#!/bin/bash
# SPDX-License-Identifier: MIT
# `capsim wlc --image FILE` (RFC 5415 §9.1) as a controller of its own:
# it serves a file of random bytes to 6 APs of `capsim run --image-policy
# download` with at most 2 downloads at once (one shard).  The APs check
# the file's MD5 from Image Information, reset and rejoin running the
# controller's image; the WLC's statistics say 6 served, at most 2 at
# once, some waited.  A missing or empty image file is a usage error.
set -euo pipefail
: "${CAPSIM:?CAPSIM not set}"
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

: >"$tmp/empty.bin"
for f in "$tmp/missing.bin" "$tmp/empty.bin"; do
	rc=0
	"$CAPSIM" wlc --image "$f" >/dev/null 2>"$tmp/bad.err" || rc=$?
	if [ "$rc" -ne 2 ] || ! grep -q "image $f: " "$tmp/bad.err"; then
		cat "$tmp/bad.err"
		echo "FAIL: --image $f: exit $rc"
		exit 1
	fi
done

head -c 200000 /dev/urandom >"$tmp/fw.bin"
port=$(cs_free_port "$CS_NET.250" 2)
"$CAPSIM" wlc --listen "$CS_NET.250:$port" --workers 1 --echo-interval 2s \
	--sw-version 17.9.4 --image "$tmp/fw.bin" --image-max-downloads 2 \
	>"$tmp/wlc.out" 2>"$tmp/wlc.err" &
wlc_pid=$!
cs_wait_for "$tmp/wlc.err" listening || { cat "$tmp/wlc.err"; exit 1; }
rc=0
"$CAPSIM" run --wlc "$CS_NET.250:$port" --aps 6 --skip-discovery \
	--duration 15s --quiet --json "$tmp/r.json" --ap-base-ip "$CS_NET.1" \
	--image-policy download --echo-interval 2s --keepalive-interval 2s \
	--data-dead-interval 10s 2>"$tmp/run.err" || rc=$?
kill "$wlc_pid"
wait "$wlc_pid" || true
wlc_pid=
if [ "$rc" -ne 0 ]; then
	tail -n 20 "$tmp/run.err"
	echo "FAIL: capsim run exited $rc"
	exit 1
fi
python3 - "$tmp/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["in_run"] == 6 and r["failed"] == 0, (r["in_run"], r["failures"])
assert r["phases"]["image"]["count"] == 6, r["phases"]["image"]
PY
line=$(grep '^image downloads:' "$tmp/wlc.out" || true)
case "$line" in
"image downloads: 6 accepted, 6 started, 6 served, 0 failed; at most 2 at once and "[1-4]" waiting"*) ;;
*)
	cat "$tmp/wlc.out"
	echo "FAIL: the WLC's image statistics: '$line'"
	exit 1
	;;
esac
echo "PASS: 6 APs downloaded the 200 kB file, at most 2 at once, all in Run"
