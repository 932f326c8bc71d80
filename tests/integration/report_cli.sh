#!/bin/bash
# SPDX-License-Identifier: MIT
# `capsim report`: the page from a JSON report given as a file or on stdin,
# and clear errors (file:line:col and why) with exit 2 for what is not a
# capsim run report; nothing is written then.  No network.
set -u
: "${CAPSIM:?CAPSIM not set}"
: "${CS_SRC:?CS_SRC not set}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
seed="$CS_SRC/tests/fuzz/corpus/fuzz_html/seed-run"

"$CAPSIM" report "$seed" -o "$tmp/a.html" || fail "report exited $?"
grep -q '<p id="verdict" class="pass">PASS: ok' "$tmp/a.html" ||
	fail "no PASS headline in the page"
"$CAPSIM" report - -o - < "$seed" > "$tmp/b.html" ||
	fail "report from stdin to stdout exited $?"
cmp -s "$tmp/a.html" "$tmp/b.html" || fail "stdin/stdout page differs"

printf '{"aps": 3,\n  "phases": {,}}\n' > "$tmp/bad.json"
"$CAPSIM" report "$tmp/bad.json" -o "$tmp/bad.html" 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "malformed JSON: exit $rc, expected 2"
grep -q "bad.json:2:14: not JSON" "$tmp/err" ||
	{ cat "$tmp/err"; fail "no file:line:col in the error"; }
[ ! -e "$tmp/bad.html" ] || fail "a page was written for bad input"

echo '{"tool": "something else"}' > "$tmp/other.json"
"$CAPSIM" report "$tmp/other.json" -o "$tmp/o.html" 2> "$tmp/err"
[ $? -eq 2 ] || fail "not a run report: exit not 2"
grep -q "not a capsim run report" "$tmp/err" || { cat "$tmp/err"; fail "unclear error"; }

"$CAPSIM" report "$tmp/missing.json" -o "$tmp/m.html" 2> "$tmp/err"
[ $? -eq 2 ] || fail "missing file: exit not 2"
grep -q "cannot read .*missing.json: No such file" "$tmp/err" ||
	{ cat "$tmp/err"; fail "unclear error for a missing file"; }
"$CAPSIM" report "$seed" 2> "$tmp/err"
[ $? -eq 2 ] || fail "no -o: exit not 2"
grep -q -- "-o FILE.html" "$tmp/err" || fail "no hint about -o"
"$CAPSIM" report "$seed" -o "$tmp/nodir/x.html" 2> "$tmp/err"
[ $? -eq 1 ] || fail "unwritable output: exit not 1"
grep -q "cannot write .*nodir/x.html" "$tmp/err" || { cat "$tmp/err"; fail "unclear write error"; }
"$CAPSIM" report --help | grep -q "capsim report \[OPTIONS\] RUN.json" ||
	fail "--help"
echo "PASS"
