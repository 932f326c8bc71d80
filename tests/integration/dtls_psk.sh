#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Pre-shared-key DTLS (RFC 5415 §2.4.4.2, RFC 4279) against `capsim wlc`:
#  1. the WLC holds a table of identity -> key (MACs in two spellings) and
#     its certificate; APs with the shared key join on a PSK suite, the
#     WLC's certificate APs still join beside them;
#     the data channel DTLS session resumes a PSK one (embedded WLC);
#  2. `capsim probe --dtls-psk` names the PSK suite, why, and the identity;
#  3. a wrong key: the AP fails in the DTLS handshake with the WLC's
#     decrypt_error alert as its reason and the verdict dtls-mismatch (not
#     a silent network); an AP the table does not list gets
#     unknown_psk_identity;
#  4. bad --dtls-psk values are refused with the file, the line and why,
#     and the key never appears in the message;
#  5. with tshark: the key log decrypts the PSK session (the Join Request
#     inside DTLS reads as CAPWAP, nothing malformed).
set -euo pipefail
: "${CAPSIM:?CAPSIM not set}"
. "$(dirname "$0")/net.inc"
cs_net_claim
tmp=$(mktemp -d)
wlc_pid=
cs_on_exit '[ -n "$wlc_pid" ] && kill "$wlc_pid" 2>/dev/null; rm -rf "$tmp"'
export CAPSIM_PKI=$tmp/pki
export HOME=$tmp
fail() {
	echo "FAIL: $*"
	exit 1
}

key=00112233445566778899aabbccddeeff
cat >"$tmp/keys.txt" <<EOF
# identity (the AP's MAC, any spelling) and key
02:5a:00:00:00:01 $key
025a.0000.0002 $key
02-5a-00-00-00-03 $key
EOF

port=$(cs_free_port "$CS_NET.250" 2)
"$CAPSIM" wlc --listen "$CS_NET.250:$port" --dtls-psk "@$tmp/keys.txt" -v \
	>"$tmp/wlc.out" 2>"$tmp/wlc.err" &
wlc_pid=$!
cs_wait_for "$tmp/wlc.err" listening 60 || {
	cat "$tmp/wlc.err"
	fail "capsim wlc did not start"
}

# run NAME EXPECTED_RC ARGS...: capsim run, its JSON in $tmp/NAME.json
run() {
	local name=$1 want=$2 rc=0
	shift 2
	"$CAPSIM" run --wlc "$CS_NET.250:$port" --skip-discovery --quiet \
		--json "$tmp/$name.json" "$@" >"$tmp/$name.out" 2>&1 || rc=$?
	if [ "$rc" -ne "$want" ]; then
		tail -n 20 "$tmp/$name.out"
		fail "$name: capsim run exited $rc, expected $want"
	fi
}

# check NAME PYTHON-EXPR...: each over r (the JSON report) must hold
check() {
	local name=$1
	shift
	python3 - "$tmp/$name.json" "$name" "$@" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
d = r.get("diagnosis", {})
code = d.get("code") if isinstance(d, dict) else d
reasons = [k for p in r.get("failures", {}).values() for k in p]
for expr in sys.argv[3:]:
    if not eval(expr):
        sys.exit("FAIL: %s: %s does not hold (in_run %s, failures %s, "
                 "diagnosis %s)" % (sys.argv[2], expr, r.get("in_run"),
                 r.get("failures"), d))
PY
}

# 1. three APs with the key, and a certificate AP beside them
run psk 0 --aps 3 --duration 4s --ap-base-mac 02:5a:00:00:00:01 \
	--ap-base-ip "$CS_NET.1" --dtls-psk "$key" \
	--pcap "$tmp/psk.pcapng" --keylog "$tmp/keys.log"
check psk 'r["in_run"] == 3' 'r["failures_total"] == 0' 'code == "ok"' \
	'r["ciphers"].startswith("ECDHE-PSK-AES128-CBC-SHA256:")'
run cert 0 --aps 1 --duration 3s --ap-base-mac 02:5a:00:00:01:01 \
	--ap-base-ip "$CS_NET.11"
check cert 'r["in_run"] == 1' 'code == "ok"'
[ "$(grep -c '^CLIENT_RANDOM ' "$tmp/keys.log")" -ge 3 ] ||
	fail "psk: no key log line per PSK session"

# the data channel (RFC 5415 §4.6.1 DTLS Policy) resumes the PSK session,
# here against the embedded WLC, which gets the same key
eport=$(cs_free_port "$CS_NET.249" 2)
rc=0
"$CAPSIM" run --wlc-listen "$CS_NET.249:$eport" --skip-discovery --quiet \
	--aps 2 --duration 4s --keepalive-interval 1s --data-dtls required \
	--ap-base-ip "$CS_NET.51" --dtls-psk "$key" --json "$tmp/data.json" \
	>"$tmp/data.out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || {
	tail -n 20 "$tmp/data.out"
	fail "data: capsim run exited $rc"
}
check data 'r["in_run"] == 2' 'r["wlc_counters"]["data_dtls_resumed"] == 2' \
	'r["ciphers"].startswith("ECDHE-PSK")'

# 2. probe
"$CAPSIM" probe --wlc "$CS_NET.250:$port" --ap-mac 02:5a:00:00:00:02 \
	--ap-ip "$CS_NET.21" --dtls-psk "$key" --json "$tmp/probe.json" \
	>"$tmp/probe.out" 2>&1 || {
	cat "$tmp/probe.out"
	fail "probe with the PSK did not join"
}
python3 - "$tmp/probe.json" <<'PY' || exit 1
import json, sys
p = json.load(open(sys.argv[1]))
hs = [s for s in p["steps"] if s.get("step") == "dtls" and "cipher" in s]
if not hs:
    sys.exit("FAIL: probe: no handshake step with a cipher: %s" % p["steps"])
s = hs[0]
if not (s["psk"] is True and "PSK" in s["cipher"] and
        s["psk_identity"] == "025a00000002" and
        "pre-shared key" in s["cipher_why"]):
    sys.exit("FAIL: probe: the handshake step does not name the PSK: %s" % s)
h = [s for s in p["steps"] if s.get("step") == "hint"]
if not h or "pre-shared key" not in h[-1]["text"]:
    sys.exit("FAIL: probe: the hint does not speak of the key: %s" % h)
PY

# 3. the wrong key, and an AP the WLC has no key for
run wrong 3 --aps 1 --duration 5s --ap-base-mac 02:5a:00:00:00:03 \
	--ap-base-ip "$CS_NET.31" --dtls-psk "ff${key:2}"
check wrong 'r["in_run"] == 0' 'code == "dtls-mismatch"' \
	'any("decrypt_error" in k and "pre-shared key" in k for k in reasons)' \
	'"pre-shared key" in d["hint"]' '"dtls_handshake" in r["failures"]'
run unknown 3 --aps 1 --duration 4s --ap-base-mac 02:5a:00:00:00:09 \
	--ap-base-ip "$CS_NET.41" --dtls-psk "$key"
check unknown 'code == "dtls-mismatch"' \
	'any("unknown_psk_identity" in k for k in reasons)'
grep -q 'did not decrypt under the pre-shared key of identity "025a00000003"' \
	"$tmp/wlc.err" || fail "capsim wlc did not log why the PSK failed"

# 4. bad values
printf '02:5a:00:00:00:01 %s\n025a.0000.0001 abc\n' "$key" >"$tmp/bad.txt"
rc=0
"$CAPSIM" run --wlc "$CS_NET.250:$port" --dtls-psk "@$tmp/bad.txt" \
	--duration 1s >"$tmp/bad.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] && grep -q "bad.txt:2: key: odd number of hex digits" \
	"$tmp/bad.out" || {
	cat "$tmp/bad.out"
	fail "bad PSK file: exit $rc, want 2 and the line and reason"
}
printf '02:5a:00:00:00:01 %s\n025a.0000.0001 %s\n' "$key" "$key" \
	>"$tmp/dup.txt"
rc=0
"$CAPSIM" wlc --listen "$CS_NET.251:$port" --dtls-psk "@$tmp/dup.txt" \
	>"$tmp/dup.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] && grep -q "dup.txt:2: identity given twice" \
	"$tmp/dup.out" || {
	cat "$tmp/dup.out"
	fail "duplicate identity: exit $rc, want 2 and the reason"
}
rc=0
"$CAPSIM" run --wlc "$CS_NET.250:$port" --dtls-psk "${key}zz" \
	--duration 1s >"$tmp/badarg.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "bad --dtls-psk value: exit $rc, want 2"
if grep -q "$key" "$tmp/badarg.out"; then
	fail "the error message shows the key"
fi

kill "$wlc_pid"
wait "$wlc_pid" 2>/dev/null || true
wlc_pid=
grep -q 'Dtls-Handshake: DTLS handshake failure: the AP' "$tmp/wlc.out" ||
	fail "capsim wlc statistics name no PSK handshake failure"

# 5. tshark decrypts the PSK sessions from the capture's secrets
if command -v tshark >/dev/null 2>&1; then
	tshark -n -r "$tmp/psk.pcapng" -d "udp.port==$port,capwap" \
		-Y "udp.port==$port && dtls.app_data" -T fields \
		-E separator=';' -e data.data -e _ws.malformed \
		>"$tmp/ts.txt" 2>"$tmp/ts.err" || {
		cat "$tmp/ts.err"
		fail "tshark cannot read the capture"
	}
	python3 - "$tmp/ts.txt" <<'PY' || exit 1
import sys
joins, bad = 0, []
for l in open(sys.argv[1]).read().splitlines():
    data, malformed = (l.split(";") + [""])[:2]
    if malformed:
        bad.append(l)
    for h in data.split(","):
        b = bytes.fromhex(h) if h else b""
        # RFC 5415 §4.3: HLEN (5 bits after the first byte) in words,
        # then the control header's Message Type (u32), 3 = Join Request
        if len(b) < 8:
            bad.append(l)
            continue
        off = ((b[1] >> 3) & 0x1F) * 4
        if b[off:off + 4] == b"\x00\x00\x00\x03":
            joins += 1
if joins < 3 or bad:
    sys.exit("FAIL: tshark: %d decrypted Join Requests (want 3), "
             "undecrypted or malformed: %s" % (joins, bad[:3]))
print("tshark decrypted %d Join Requests of PSK sessions" % joins)
PY
else
	echo "note: tshark not installed, decryption not checked"
fi
echo "PASS: dtls_psk"
