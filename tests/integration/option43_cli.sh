#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `capsim option43` end to end: exact output and exit codes of encode and
# decode, and exit 2 with the precise message for each malformed class.
set -u

: "${CAPSIM:?CAPSIM must point to the capsim binary}"
fails=0
errf=$(mktemp)
tmp=$(mktemp -d)
trap 'rm -f "$errf"; rm -rf "$tmp"' EXIT

# check NAME WANT_RC WANT_STDOUT_FIRST_LINES WANT_STDERR -- ARGS...
check() {
	local name=$1 want_rc=$2 want_out=$3 want_err=$4
	shift 5
	local out err rc
	out=$("$CAPSIM" option43 "$@" 2>"$errf")
	rc=$?
	err=$(cat "$errf")
	if [ "$rc" != "$want_rc" ]; then
		echo "FAIL $name: exit $rc, want $want_rc (stderr: $err)"
		fails=$((fails + 1))
		return
	fi
	if [ -n "$want_out" ]; then
		local n
		n=$(printf '%s\n' "$want_out" | wc -l)
		if [ "$(printf '%s\n' "$out" | head -n "$n")" != "$want_out" ]; then
			echo "FAIL $name: stdout"
			echo "--- got:"; printf '%s\n' "$out" | head -n "$n"
			echo "--- want:"; printf '%s\n' "$want_out"
			fails=$((fails + 1))
			return
		fi
	fi
	if [ "$err" != "$want_err" ]; then
		echo "FAIL $name: stderr"
		echo "--- got:  $err"
		echo "--- want: $want_err"
		fails=$((fails + 1))
		return
	fi
	echo "ok   $name"
}

# contains NAME NEEDLE -- ARGS...: stdout of a successful run has a line.
contains() {
	local name=$1 needle=$2
	shift 3
	if "$CAPSIM" option43 "$@" 2>/dev/null | grep -qxF -- "$needle"; then
		echo "ok   $name"
	else
		echo "FAIL $name: no line '$needle'"
		fails=$((fails + 1))
	fi
}

two="controller 1: 10.126.126.2
controller 2: 10.127.127.2"

check "encode tlv" 0 "f1080a7e7e020a7f7f02" "" -- encode 10.126.126.2 10.127.127.2
contains "encode ios line" " option 43 hex f108.0a7e.7e02.0a7f.7f02" -- encode 10.126.126.2 10.127.127.2
contains "encode isc line" "option vendor-encapsulated-options f1:08:0a:7e:7e:02:0a:7f:7f:02;" -- encode 10.126.126.2 10.127.127.2
contains "encode kea data" '  "option-data": [ { "code": 43, "csv-format": false, "data": "F1080A7E7E020A7F7F02" } ] }' -- encode 10.126.126.2 10.127.127.2
contains "encode dnsmasq" "dhcp-option=tag:ciscoap,43,f1:08:0a:7e:7e:02:0a:7f:7f:02" -- encode 10.126.126.2 10.127.127.2
contains "encode windows" "Set-DhcpServerv4OptionValue -ScopeId <scope> -OptionId 43 -Value 0xF1,0x08,0x0A,0x7E,0x7E,0x02,0x0A,0x7F,0x7F,0x02" -- encode 10.126.126.2 10.127.127.2
check "encode ascii" 0 "10.126.126.2,10.127.127.2" "" -- encode --format ascii 10.126.126.2 10.127.127.2
contains "encode ascii ios" ' option 43 ascii "10.126.126.2,10.127.127.2"' -- encode --format ascii 10.126.126.2 10.127.127.2
check "encode json" 0 '{"form":"tlv","hex":"f1080a7e7e020a7f7f02","controllers":["10.126.126.2","10.127.127.2"]}' "" -- encode --json - 10.126.126.2 10.127.127.2
check "encode bad address" 2 "" "capsim: option43: invalid IPv4 address '10.1.1.300' (argument 2)" -- encode 10.1.1.1 10.1.1.300
check "encode nothing" 2 "" "capsim: option43: encode needs at least one controller address" -- encode
check "encode bad format" 2 "" "capsim: option43: --format must be tlv or ascii, not 'xml'" -- encode --format xml 10.1.1.1
many=()
for i in $(seq 1 64); do many+=("10.0.0.$i"); done
check "encode 64" 2 "" "capsim: option43: 64 controllers; option 43 holds at most 63 (255 bytes)" -- encode "${many[@]}"
check "encode 63" 0 "" "" -- encode "${many[@]:0:63}"
check "encode ascii too long" 2 "" "capsim: option43: 30 controllers do not fit in 255 bytes of ASCII option 43" -- encode --format ascii "${many[@]:0:30}"

check "decode hex" 0 "input: hex
form: TLV (sub-option 0xf1), 10 bytes
hex: f1080a7e7e020a7f7f02
$two" "" -- decode f1080a7e7e020a7f7f02
check "decode ios line" 0 "input: IOS 'option 43 hex' line
form: TLV (sub-option 0xf1), 10 bytes
hex: f1080a7e7e020a7f7f02
$two" "" -- decode option 43 hex f108.0a7e.7e02.0a7f.7f02
check "decode 0x unquoted" 0 "input: 0x-prefixed hex bytes
form: TLV (sub-option 0xf1), 10 bytes
hex: f1080a7e7e020a7f7f02
$two" "" -- decode 0xf1 0x08 0x0a 0x7e 0x7e 0x02 0x0a 0x7f 0x7f 0x02
check "decode colon" 0 "input: colon-separated hex" "" -- decode f1:08:0a:7e:7e:02:0a:7f:7f:02
check "decode ios dotted" 0 "input: IOS dotted hex" "" -- decode F108.0A7E.7E02.0A7F.7F02
check "decode ascii" 0 "input: ASCII comma list
form: ASCII (comma-separated), 25 bytes
hex: 31302e3132362e3132362e322c31302e3132372e3132372e32
$two" "" -- decode 10.126.126.2,10.127.127.2
check "decode ios ascii" 0 "input: IOS 'option 43 ascii' line" "" -- decode 'option 43 ascii "10.126.126.2,10.127.127.2"'
check "decode json" 0 '{"form":"tlv","input":"hex","hex":"f1040a010101","controllers":["10.1.1.1"]}' "" -- decode --json - f1040a010101

check "odd digits" 2 "" "capsim: option43: odd number of hex digits (19) at char 18" -- decode f1080a7e7e020a7f7f0
check "non-hex" 2 "" "capsim: option43: non-hex character 'g' at char 15" -- decode f1080a7e7e020a7g7f02
check "type f2" 2 "" "capsim: option43: unsupported sub-option type 0xf2 (only 0xf1, the controller IPv4 list, is supported) at byte 0" -- decode f2040a010101
check "length not x4" 2 "" "capsim: option43: sub-option length 7 is not a multiple of 4 at byte 1" -- decode f1070a7e7e020a7f7f
check "length beyond" 2 "" "capsim: option43: sub-option length 8 beyond data (4 bytes available) at byte 1" -- decode f1080a7e7e02
check "trailing" 2 "" "capsim: option43: 1 trailing byte after the last sub-option at byte 6" -- decode f1040a7e7e0200
check "empty" 2 "" "capsim: option43: empty input at char 0" -- decode ""
check "bad ipv4" 2 "" "capsim: option43: bad IPv4 address '10.1.1.256' at char 9" -- decode 10.1.1.1,10.1.1.256
check "decode nothing" 2 "" "capsim: option43: decode needs the option text (see --help)" -- decode
check "unknown action" 2 "" "capsim: option43: unknown action 'frob' (encode or decode)" -- frob
check "help" 0 "usage: capsim option43 encode [--format tlv|ascii] [--vci STRING] [--json FILE|-] ADDR..." "" -- --help

# --json FILE goes through the reports' output layer (lib/report/ofile.c):
# checked before any work, written under a temporary name and renamed
# when complete, never through a symbolic link; an input error leaves no
# file (and removes a stale one)
check "json to a file" 0 "" "" -- encode --json "$tmp/o.json" 10.1.1.1
if [ "$(cat "$tmp/o.json" 2>/dev/null)" = '{"form":"tlv","hex":"f1040a010101","controllers":["10.1.1.1"]}' ]; then
	echo "ok   json file content"
else
	echo "FAIL json file content: $(cat "$tmp/o.json" 2>&1)"
	fails=$((fails + 1))
fi
check "json unwritable" 2 "" "capsim: option43: cannot write $tmp/nodir/o.json: No such file or directory" -- decode --json "$tmp/nodir/o.json" f1040a010101
ln -s "$tmp/target" "$tmp/link.json"
check "json via a link" 2 "" "capsim: option43: cannot write $tmp/link.json: is a symbolic link (not followed: remove it or choose another path)" -- decode --json "$tmp/link.json" f1040a010101
[ ! -e "$tmp/target" ] || { echo "FAIL json via a link: the link was followed"; fails=$((fails + 1)); }
echo stale >"$tmp/stale.json"
check "json after bad input" 2 "" "capsim: option43: odd number of hex digits (3) at char 2" -- decode --json "$tmp/stale.json" f10
[ ! -e "$tmp/stale.json" ] || { echo "FAIL json after bad input: stale file kept"; fails=$((fails + 1)); }
check "json without addresses" 2 "" "capsim: option43: encode needs controller addresses after --json FILE (--json takes a file name, - for stdout)" -- encode --json 10.1.1.1
check "json without value" 2 "" "capsim: option43: missing value for '--json' (see --help)" -- decode f1040a010101 --json
# stdout closed before capsim writes: exit 1 and a message, not a death
# by SIGPIPE (141); the child gets the default SIGPIPE disposition
if python3 - "$CAPSIM" "$errf" <<'PY'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
with open(sys.argv[2], "wb") as err:
    p = subprocess.run([sys.argv[1], "option43", "decode", "--json", "-",
                        "f1040a010101"], stdout=w, stderr=err)
sys.exit(0 if p.returncode == 1 else "exit %d, want 1" % p.returncode)
PY
then
	if grep -qxF "capsim: option43: cannot write -: Broken pipe" "$errf"; then
		echo "ok   json to a closed stdout"
	else
		echo "FAIL json to a closed stdout: $(cat "$errf")"; fails=$((fails + 1))
	fi
else
	echo "FAIL json to a closed stdout"; fails=$((fails + 1))
fi
if ls "$tmp" | grep -q 'tmp-'; then
	echo "FAIL temporaries left: $(ls "$tmp")"; fails=$((fails + 1))
fi

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all option43 CLI checks passed"
