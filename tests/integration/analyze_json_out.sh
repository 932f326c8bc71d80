#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `capsim analyze --json` writes through the reports' output layer
# (lib/report/ofile.c), like `capsim run` and `capsim probe`: an
# unwritable path or a symbolic link is refused before the capture is
# read (exit 2, the path and the reason named), a stale file is removed
# when the command starts, the document appears under its name only when
# complete (no temporary left), `-` is stdout, and a closed stdout is an
# error, not a SIGPIPE death (exit 1, never 141).  No network.
set -euo pipefail
: "${CAPSIM:?CAPSIM not set}"
: "${CS_SRC:?CS_SRC not set}"
cap=$CS_SRC/tests/data/analyze_join.pcapng
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*"
	exit 1
}

# an unwritable path: refused at once, before the (missing) capture
rc=0
"$CAPSIM" analyze --json "$tmp/nodir/a.json" "$tmp/missing.pcap" \
	>"$tmp/o1" 2>"$tmp/e1" || rc=$?
[ "$rc" -eq 2 ] || fail "unwritable --json: exit $rc, want 2"
grep -qxF "capsim analyze: cannot write $tmp/nodir/a.json: No such file or directory" "$tmp/e1" ||
	{ cat "$tmp/e1"; fail "unwritable --json: unclear error"; }
[ ! -s "$tmp/o1" ] || fail "unwritable --json: analysis printed anyway"

# a symbolic link is not followed
ln -s "$tmp/target" "$tmp/link.json"
rc=0
"$CAPSIM" analyze --json "$tmp/link.json" "$cap" >/dev/null 2>"$tmp/e2" || rc=$?
[ "$rc" -eq 2 ] || fail "link --json: exit $rc, want 2"
grep -qF "$tmp/link.json: is a symbolic link" "$tmp/e2" || { cat "$tmp/e2"; fail "link: unclear error"; }
[ ! -e "$tmp/target" ] || fail "link --json: the link was followed"

# a stale report is removed when the command starts, even if it then
# fails on its input (exit 2)
echo '{"diagnosis": {"code": "ok"}}' >"$tmp/stale.json"
echo "not a capture" >"$tmp/junk"
rc=0
"$CAPSIM" analyze --json "$tmp/stale.json" "$tmp/junk" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "junk capture: exit $rc, want 2"
[ ! -e "$tmp/stale.json" ] || fail "stale report kept after a failed analysis"

# to a file: complete, valid, the same document as on stdout, no temporary
rc=0
"$CAPSIM" analyze --json "$tmp/a.json" "$cap" >"$tmp/a.txt" 2>&1 || rc=$?
[ "$rc" -eq 4 ] || { cat "$tmp/a.txt"; fail "analysis: exit $rc, want 4 (inconclusive)"; }
rc=0
"$CAPSIM" analyze --json - "$cap" >"$tmp/b.json" 2>/dev/null || rc=$?
[ "$rc" -eq 4 ] || fail "--json -: exit $rc, want 4"
[ "$(jq -r .diagnosis.code "$tmp/a.json")" = inconclusive ] || fail "file: not the analysis"
cmp -s "$tmp/a.json" "$tmp/b.json" || fail "--json FILE and --json - differ"
if ls "$tmp" | grep -q 'tmp-'; then fail "temporary left: $(ls "$tmp")"; fi

# stdout closed before capsim writes (a reader that went away): exit 1
# and a message, not a death by SIGPIPE (141) — the child gets the
# default SIGPIPE disposition from Python's subprocess
python3 - "$CAPSIM" "$cap" "$tmp/e3" <<'PY'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
with open(sys.argv[3], "wb") as err:
    p = subprocess.run([sys.argv[1], "analyze", "--json", "-", sys.argv[2]],
                       stdout=w, stderr=err)
os.close(w)
if p.returncode != 1:
    sys.exit("FAIL: closed stdout: exit %d, want 1" % p.returncode)
PY
grep -qxF "capsim analyze: cannot write -: Broken pipe" "$tmp/e3" ||
	{ cat "$tmp/e3"; fail "closed stdout: unclear error"; }
echo "PASS"
