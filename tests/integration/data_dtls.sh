#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Data channel DTLS (RFC 5415 §4.6.1 DTLS Policy, Cisco "Data DTLS")
# against the embedded WLC and against `capsim wlc`:
#  1. both ask (run --data-dtls required): every AP in Run, one data DTLS
#     session per AP that resumed its control session, every keep-alive
#     the WLC took came inside DTLS, none clear; the wire capture has only
#     DTLS on the data port and, with tshark, every data-port application
#     record decrypts from the embedded Decryption Secrets Block alone into
#     a CAPWAP keep-alive (K flag, Session ID element 35);
#  2. the WLC requires, the AP would rather not (off): the AP abides;
#  3. the AP requires, the WLC offers only clear text: the Join fails with
#     a reason that says so; both off: clear keep-alives as before;
#  4. `capsim wlc --data-dtls required` (its --help shows the default)
#     with `capsim run --wlc ... --data-dtls optional`: in Run, DTLS only
#     on the data port;
#  5. DTLS on the data port dropped (--rule): a failure of its own and the
#     verdict data-dtls-failed;
#  6. the APs power-cycle (no close_notify) and join again from the same
#     data address: the WLC's new data sessions replace the old ones once
#     established, every AP back in Run with its keep-alives in DTLS.
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

port=$(cs_free_port "$CS_NET.250" 2)
common=(--skip-discovery --echo-interval 1s --keepalive-interval 1s
	--data-dead-interval 4s --retransmit-interval 500ms --quiet)

# run NAME EXPECTED_RC ARGS...: capsim run, its JSON in $tmp/NAME.json
run() {
	local name=$1 want=$2 rc=0
	shift 2
	"$CAPSIM" run "${common[@]}" --json "$tmp/$name.json" "$@" \
		>"$tmp/$name.out" 2>&1 || rc=$?
	if [ "$rc" -ne "$want" ]; then
		tail -n 20 "$tmp/$name.out"
		fail "$name: capsim run exited $rc, expected $want"
	fi
}

# check NAME PYTHON-EXPR...: each expression over r (the JSON report) and
# w (its wlc_counters) must hold
check() {
	local name=$1
	shift
	python3 - "$tmp/$name.json" "$name" "$@" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
w = r.get("wlc_counters", {})
d = r.get("diagnosis", {})
code = d.get("code") if isinstance(d, dict) else d
for expr in sys.argv[3:]:
    if not eval(expr):
        sys.exit("FAIL: %s: %s does not hold (wlc %s, in_run %s, failures "
                 "%s, diagnosis %s)" % (sys.argv[2], expr, w, r.get("in_run"),
                 r.get("failures"), code))
PY
}

# dport PCAP PORT: counts of UDP datagrams to/from PORT: "dtls clear"
dport() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
port = int(sys.argv[2])
off, end, dtls, clear = 0, "<", 0, 0
while off + 12 <= len(data):
    if data[off:off + 4] == b"\x0a\x0d\x0d\x0a":
        end = ">" if data[off + 8:off + 12] == b"\x1a\x2b\x3c\x4d" else "<"
    btype, blen = struct.unpack(end + "II", data[off:off + 8])
    body = data[off + 8:off + blen - 4]
    off += blen
    if btype != 6:
        continue
    caplen = struct.unpack(end + "I", body[12:16])[0]
    pkt = body[20:20 + caplen]
    if len(pkt) < 28 or pkt[9] != 17:
        continue
    ihl = (pkt[0] & 0x0F) * 4
    sp, dp = struct.unpack(">HH", pkt[ihl:ihl + 4])
    if port not in (sp, dp):
        continue
    if pkt[ihl + 8] == 0x01:
        dtls += 1
    else:
        clear += 1
print(dtls, clear)
PY
}

# 1. both ask
run both 0 --aps 3 --duration 6s --data-dtls required \
	--wlc-listen "$CS_NET.250:$port" --ap-base-ip "$CS_NET.1" \
	--pcap "$tmp/both.pcapng" --pcap-clear "$tmp/both-clear.pcapng" \
	--keylog "$tmp/keys.txt"
check both 'r["in_run"] == 3' 'r["failures_total"] == 0' \
	'w["data_dtls_ok"] == 3' 'w["data_dtls_resumed"] == 3' \
	'w["keepalives_dtls"] >= 9' 'w["keepalives_dtls"] == w["keepalives"]' \
	'w["data_clear_refused"] == 0' 'code == "ok"'
read -r dtls clear < <(dport "$tmp/both.pcapng" $((port + 1)))
[ "$dtls" -ge 12 ] && [ "$clear" -eq 0 ] ||
	fail "both: data port carried $dtls DTLS and $clear clear datagrams"
[ "$(grep -c '^CLIENT_RANDOM ' "$tmp/keys.txt")" -eq 6 ] ||
	fail "both: want 6 key lines (3 control + 3 data sessions)"
if command -v tshark >/dev/null 2>&1; then
	ts=(-d "udp.port==$port,capwap" -d "udp.port==$((port + 1)),capwap.data")
	tshark -n -r "$tmp/both.pcapng" "${ts[@]}" \
		-Y "udp.port==$((port + 1)) && dtls.app_data" -T fields \
		-E separator=';' -e data.data >"$tmp/ka.txt" 2>/dev/null ||
		fail "tshark cannot read the wire capture"
	python3 - "$tmp/ka.txt" <<'PY' || exit 1
import sys
lines = [l for l in open(sys.argv[1]).read().splitlines()]
bad = []
for l in lines:
    for h in l.split(","):
        b = bytes.fromhex(h) if h else b""
        # RFC 5415 §4.3 header with K (byte 3, 0x08), then the message
        # element length and Session ID (type 35, length 16), §4.4.1
        if len(b) < 30 or not (b[3] & 0x08) or b[10:14] != b"\x00\x23\x00\x10":
            bad.append(l)
if len(lines) < 12 or bad:
    sys.exit("FAIL: tshark: %d data-port records, not keep-alives or not "
             "decrypted: %s" % (len(lines), bad[:3]))
print("tshark decrypted %d data channel keep-alives" % len(lines))
PY
	tshark -n -r "$tmp/both-clear.pcapng" "${ts[@]}" \
		-Y "udp.port==$((port + 1))" -T fields -E separator=';' \
		-e capwap.header.flags.k -e _ws.malformed >"$tmp/clear.txt" \
		2>/dev/null || fail "tshark cannot read the clear capture"
	if [ "$(grep -c '^1;$\|^True;$' "$tmp/clear.txt")" -lt 12 ] ||
		grep -qv '^1;$\|^True;$' "$tmp/clear.txt"; then
		head -n 5 "$tmp/clear.txt"
		fail "clear capture: data port frames are not all keep-alives"
	fi
else
	echo "note: tshark not installed, decryption not checked"
fi

# 2. the WLC requires, the AP would not ask: it must abide
run abide 0 --aps 2 --duration 5s --data-dtls off --wlc-data-dtls required \
	--wlc-listen "$CS_NET.250:$port" --ap-base-ip "$CS_NET.11"
check abide 'r["in_run"] == 2' 'w["data_dtls_ok"] == 2' \
	'w["data_clear_refused"] == 0'

# 3. the AP requires, the WLC offers clear text only: no option fits
run refuse 4 --aps 1 --duration 4s --data-dtls required --wlc-data-dtls off \
	--wlc-listen "$CS_NET.250:$port" --ap-base-ip "$CS_NET.21"
check refuse 'r["in_run"] == 0' \
	'any("only a clear-text data channel" in k for p in r["failures"].values() for k in p)' \
	'"join" in r["failures"]'
run clear 0 --aps 1 --duration 4s --wlc-listen "$CS_NET.250:$port" \
	--ap-base-ip "$CS_NET.31" --pcap "$tmp/clear.pcapng"
check clear 'r["in_run"] == 1' 'w["data_dtls_ok"] == 0' 'w["keepalives"] >= 2'
read -r dtls clear < <(dport "$tmp/clear.pcapng" $((port + 1)))
[ "$dtls" -eq 0 ] && [ "$clear" -ge 4 ] ||
	fail "clear: data port carried $dtls DTLS and $clear clear datagrams"

# 4. capsim wlc
"$CAPSIM" wlc --help | grep -q -- '--data-dtls off|optional|required' ||
	fail "capsim wlc --help does not show --data-dtls"
wport=$(cs_free_port "$CS_NET.249" 2)
"$CAPSIM" wlc --listen "$CS_NET.249:$wport" --data-dtls required -v \
	>"$tmp/wlc.out" 2>"$tmp/wlc.err" &
wlc_pid=$!
cs_wait_for "$tmp/wlc.err" listening 30 || {
	cat "$tmp/wlc.err"
	fail "capsim wlc did not start"
}
run ext 0 --aps 2 --duration 5s --data-dtls optional \
	--wlc "$CS_NET.249:$wport" --ap-base-ip "$CS_NET.41" \
	--pcap "$tmp/ext.pcapng"
check ext 'r["in_run"] == 2' 'r["failures_total"] == 0'
read -r dtls clear < <(dport "$tmp/ext.pcapng" $((wport + 1)))
[ "$dtls" -ge 8 ] && [ "$clear" -eq 0 ] ||
	fail "ext: data port carried $dtls DTLS and $clear clear datagrams"
grep -q "Data DTLS session with peer .* established (resumed" "$tmp/wlc.err" ||
	fail "capsim wlc -v did not log a resumed data DTLS session"
kill "$wlc_pid"
wait "$wlc_pid" 2>/dev/null || true
wlc_pid=
# its statistics at exit count the data sessions
grep -q "^data DTLS: 2 sessions (2 resumed the control session), 0 failed" \
	"$tmp/wlc.out" || {
	cat "$tmp/wlc.out"
	fail "capsim wlc statistics: no data DTLS line for 2 resumed sessions"
}

# 5. DTLS on the data port dropped
run blocked 3 --aps 2 --duration 8s --data-dtls required \
	--wlc-listen "$CS_NET.250:$port" --ap-base-ip "$CS_NET.51" \
	--rule 'chan=data kind=dtls action=drop'
check blocked 'r["in_run"] <= 2' \
	'any(k.startswith("data channel DTLS") for k in r["failures"].get("run", {}))' \
	'code == "data-dtls-failed"' 'w["keepalives"] == 0'
# 6. power cycle: a new data handshake beside the old session
cat >"$tmp/reboot.yaml" <<EOF2
name: data-dtls-reboot
seed: 9
duration: 12s
aps:
  count: 2
  base-ip: $CS_NET.61
  skip-discovery: true
  data-dtls: optional
  timers: {retransmit-interval: 500ms, echo-interval: 1s, keepalive: 1s,
    data-dead: 4s}
wlc:
  listen: $CS_NET.250:$port
  data-dtls: required
timeline:
  - {at: 4s, ap-reboot: true}
expect:
  - in_run == 2
  - failures == 0
  - wlc.data_dtls_ok == 4
  - wlc.data_dtls_failed == 0
EOF2
rc=0
"$CAPSIM" run "$tmp/reboot.yaml" --quiet --json "$tmp/reboot.json" \
	>"$tmp/reboot.out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || {
	tail -n 20 "$tmp/reboot.out"
	fail "reboot: capsim run exited $rc"
}
check reboot 'w["keepalives_dtls"] == w["keepalives"]' \
	'w["data_clear_refused"] == 0'
echo "PASS: data_dtls"
