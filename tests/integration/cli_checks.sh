#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The command line's rough edges (issue 16): `capsim --version`; one
# default WLC capacity, shown by both --help texts; certificate errors
# that name the file and the reason; `capsim probe --json -` writes one
# valid JSON document to stdout; an output path that is a symbolic link
# is refused and its target left alone.  On a loopback /24 of its own.
set -euo pipefail
: "${CAPSIM:?CAPSIM not set}"
. "$(dirname "$0")/net.inc"
cs_net_claim
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d)
wlc_pid=
cleanup() {
  [ -n "$wlc_pid" ] && kill "$wlc_pid" 2>/dev/null && wait "$wlc_pid" 2>/dev/null
  rm -rf "$tmp"
}
cs_on_exit cleanup
export CAPSIM_PKI=$tmp/pki

# --version: the CMake project version
v=$("$CAPSIM" --version)
[[ "$v" =~ ^capsim\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "--version says '$v'"

# no --help lists an option twice (probe --help listed --discovery twice),
# and probe's says one thing about option 60
for c in run wlc probe proxy analyze option43 certs lab capacity report merge; do
  "$CAPSIM" "$c" --help >"$tmp/help" 2>&1 || fail "capsim $c --help exited $?"
  grep -oE '^ {1,4}(-[a-zA-Z], )?--[a-z0-9-]+' "$tmp/help" | sed 's/.*--/--/' |
    sort | uniq -d >"$tmp/dup"
  [ ! -s "$tmp/dup" ] || fail "capsim $c --help lists twice: $(tr '\n' ' ' <"$tmp/dup")"
done
"$CAPSIM" probe --help >"$tmp/help"
[ "$(grep -c -- '--discovery dhcp|dns|static|broadcast' "$tmp/help")" = 1 ] ||
  fail "probe --help: --discovery not listed once"
[ "$(grep -ci 'option 60' "$tmp/help")" = 1 ] ||
  { grep -i 'option 60' "$tmp/help"; fail "probe --help: option 60 explained more than once"; }
grep -A1 -- '--vendor-class TEXT' "$tmp/help" | grep -q "the profile's, else" ||
  fail "probe --help: --vendor-class default not shown"

# one default capacity, the same number in both --help texts
wlc_cap=$("$CAPSIM" wlc --help | sed -n 's/.*(default \([0-9]*\), the embedded.*/\1/p')
run_cap=$("$CAPSIM" run --help | sed -n 's/.*--wlc-max-wtps N.*(\([0-9]*\)).*/\1/p')
[ -n "$wlc_cap" ] || fail "capsim wlc --help shows no default capacity"
[ "$wlc_cap" = "$run_cap" ] || fail "capacity: wlc $wlc_cap, embedded $run_cap"

# certificate errors name the file and say why
"$CAPSIM" certs --out "$tmp/pki" >/dev/null
rc=0
"$CAPSIM" wlc --listen "$CS_NET.250" --cert "$tmp/pki/wlc.pem" \
  --key "$tmp/pki/ap-key.pem" 2>"$tmp/e" || rc=$?
[ "$rc" -eq 2 ] || fail "mismatched key: exit $rc, expected 2"
grep -q "ap-key.pem: not the key of the certificate in .*wlc.pem" "$tmp/e" ||
  { cat "$tmp/e"; fail "mismatched key: the error does not name the files"; }
rc=0
"$CAPSIM" wlc --listen "$CS_NET.250" --ca "$tmp/nonexist.pem" 2>"$tmp/e" || rc=$?
[ "$rc" -eq 2 ] || fail "missing CA: exit $rc, expected 2"
grep -q "CA file $tmp/nonexist.pem: No such file or directory" "$tmp/e" ||
  { cat "$tmp/e"; fail "missing CA: the error does not name the file"; }
rc=0
"$CAPSIM" probe --wlc "$CS_NET.250" --ap-cert "$tmp/pki/ap.pem" \
  --ap-key "$tmp/pki/nope.pem" >"$tmp/e" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "missing AP key: exit $rc, expected 2"
grep -q "nope.pem: No such file or directory" "$tmp/e" ||
  { cat "$tmp/e"; fail "missing AP key: the error does not name the file"; }

# probe --json -: one valid JSON document on stdout
"$CAPSIM" wlc --listen "$CS_NET.250:5246" --echo-interval 2s \
  >"$tmp/wlc.out" 2>"$tmp/wlc.err" &
wlc_pid=$!
cs_wait_for "$tmp/wlc.err" listening || { cat "$tmp/wlc.err"; fail "WLC did not start"; }
rc=0
"$CAPSIM" probe --wlc "$CS_NET.250" --ap-ip "$CS_NET.1" --profile rfc5415 \
  --timeout 60s --json - >"$tmp/p.json" 2>"$tmp/p.err" || rc=$?
[ "$rc" -eq 0 ] || { cat "$tmp/p.err"; fail "probe exited $rc"; }
python3 - "$tmp/p.json" <<'PY' || fail "probe --json - is not one valid JSON document"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["result"] == "run", d["result"]
assert any(s.get("step") == "join" or "join" in json.dumps(s).lower() for s in d["steps"])
PY

# an output path that is a symbolic link: refused before the run, the
# link's target untouched
echo precious >"$tmp/victim"
ln -s "$tmp/victim" "$tmp/link.json"
rc=0
"$CAPSIM" probe --wlc "$CS_NET.250" --ap-ip "$CS_NET.2" --profile rfc5415 \
  --timeout 60s --json "$tmp/link.json" >/dev/null 2>"$tmp/e" || rc=$?
[ "$rc" -eq 2 ] || fail "probe --json to a symlink: exit $rc, expected 2"
grep -q "link.json: is a symbolic link" "$tmp/e" || { cat "$tmp/e"; fail "no symlink error"; }
[ "$(cat "$tmp/victim")" = precious ] || fail "the symlink's target was written"
echo "PASS: cli checks"
