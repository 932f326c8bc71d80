#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `capsim analyze` on the committed join capture (tests/data/analyze_join.*,
# written by test_analyze with CS_ANALYZE_WRITE): one AP joins and reaches
# Run, one AP's ClientHellos are never answered.  Checked: the text report
# (pcapng with its Decryption Secrets Block), the JSON report (classic pcap
# + --keylog), the same pcap without keys (handshake seen, nothing
# decrypted), a byte-swapped classic pcap, a cut file (partial report, the
# offset named, exit 1), and usage/input errors (exit 2).
set -euo pipefail
: "${CAPSIM:?CAPSIM not set}"
: "${CS_SRC:?CS_SRC not set}"
data=$CS_SRC/tests/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*"
	exit 1
}
expect() { # FILE TEXT
	grep -qF -- "$2" "$1" || {
		cat "$1"
		fail "'$2' not in $(basename "$1")"
	}
}

# 1. pcapng with DSB: text report (AP2's ClientHellos get no answer in a
# capture at the AP: whether they reached the controller is not in it, so
# inconclusive, exit 4)
rc=0
"$CAPSIM" analyze --per-ap "$data/analyze_join.pcapng" >"$tmp/a.txt" 2>"$tmp/a.err" || rc=$?
[ "$rc" -eq 4 ] || { cat "$tmp/a.err"; fail "exit $rc on the pcapng, want 4"; }
expect "$tmp/a.txt" "(pcapng): 40 packets, 32 CAPWAP datagrams, 2 APs"
expect "$tmp/a.txt" "IPv4 fragments: 13, datagrams reassembled 5"
expect "$tmp/a.txt" "keys: 1 CLIENT_RANDOM line (1 Decryption Secrets Block)"
expect "$tmp/a.txt" "AP 127.1.0.1 -> WLC 127.0.0.41"
expect "$tmp/a.txt" "phases seen: discovery, discovery-response, dtls-handshake, dtls-established, join, joined, configure, data-check, run"
expect "$tmp/a.txt" "retransmissions: discovery 1, DTLS handshake 0, control 1"
expect "$tmp/a.txt" "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, DTLS 1.2, 13/13 protected records decrypted (ok), 11 control messages"
expect "$tmp/a.txt" "stopped after: run"
expect "$tmp/a.txt" "AP 127.1.0.2 -> WLC 127.0.0.41"
expect "$tmp/a.txt" "retransmissions: discovery 0, DTLS handshake 5, control 0"
expect "$tmp/a.txt" "stopped after: dtls-handshake"
expect "$tmp/a.txt" "Diagnosis: inconclusive (confidence low; 1 of 2 APs affected)"
expect "$tmp/a.txt" "inconclusive                 1 AP (low): 127.1.0.2"
expect "$tmp/a.txt" "Hint: Missing: the controller's side."
# without --per-ap: the summary grouped by cause only
rc=0
"$CAPSIM" analyze "$data/analyze_join.pcapng" >"$tmp/a2.txt" 2>&1 || rc=$?
[ "$rc" -eq 4 ] || fail "summary: exit $rc"
! grep -q "phases seen" "$tmp/a2.txt" || fail "per-AP detail without --per-ap"
expect "$tmp/a2.txt" "(each AP's detail: --per-ap)"
expect "$tmp/a2.txt" "Diagnosis: inconclusive"

# 2. classic pcap + --keylog, JSON to a file (text still on stdout)
"$CAPSIM" analyze --keylog "$data/analyze_join.keylog" --json "$tmp/a.json" \
	"$data/analyze_join.pcap" >"$tmp/b.txt" || true
expect "$tmp/b.txt" "(pcap): 40 packets"
j() { jq -r "$1" "$tmp/a.json"; }
[ "$(j .capture.format)" = pcap ] || fail "format"
[ "$(j .capture.keylog_lines)" = 1 ] || fail "keylog_lines"
[ "$(j .error)" = null ] || fail "error not null"
[ "$(j '.aps | length')" = 2 ] || fail "2 APs"
[ "$(j '.aps[] | select(.ap=="127.1.0.1") | .control_messages')" = 11 ] || fail "control messages"
[ "$(j '.aps[] | select(.ap=="127.1.0.1") | .dtls.decrypted')" = 13 ] || fail "decrypted"
[ "$(j '.aps[] | select(.ap=="127.1.0.1") | .stopped')" = run ] || fail "stopped"
[ "$(j '.aps[] | select(.ap=="127.1.0.1") | .diagnosis.code')" = ok ] || fail "AP1 ok"
[ "$(j '.aps[] | select(.ap=="127.1.0.2") | .diagnosis.code')" = inconclusive ] || fail "AP2 code"
[ "$(j '.aps[] | select(.ap=="127.1.0.2") | .retransmissions.dtls')" = 5 ] || fail "AP2 retrans"
[ "$(j .diagnosis.code)" = inconclusive ] || fail "aggregate"
[ "$(j '.diagnosis.causes[0].ap_names')" = 127.1.0.2 ] || fail "cause APs"
[ "$(j '.diagnosis.causes[0].confidence')" = low ] || fail "cause confidence"
[ "$(j .capture.has_capwap)" = true ] || fail "has_capwap"
[ "$(j .diagnosis.counts.ok)" = 1 ] || fail "counts"
# --json - : JSON only on stdout
"$CAPSIM" analyze --json - "$data/analyze_join.pcapng" >"$tmp/c.json" || true
[ "$(jq -r .diagnosis.code "$tmp/c.json")" = inconclusive ] || fail "json -"

# 3. no keys: handshake seen, nothing decrypted
"$CAPSIM" analyze --json - "$data/analyze_join.pcap" >"$tmp/d.json" || true
[ "$(jq -r '.aps[] | select(.ap=="127.1.0.1") | .dtls.state' "$tmp/d.json")" = no-key ] || fail "no-key state"
[ "$(jq -r '.aps[] | select(.ap=="127.1.0.1") | .control_messages' "$tmp/d.json")" = 0 ] || fail "nothing decrypted"
[ "$(jq -r '.aps[] | select(.ap=="127.1.0.2") | .diagnosis.code' "$tmp/d.json")" = inconclusive ] || fail "AP2 without keys"

# 4. the same pcap in big-endian byte order
python3 - "$data/analyze_join.pcap" "$tmp/be.pcap" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
hdr = struct.unpack('<IHHiIII', b[:24])
out = [struct.pack('>IHHiIII', *hdr)]
at = 24
while at < len(b):
    s, us, incl, orig = struct.unpack('<IIII', b[at:at + 16])
    out.append(struct.pack('>IIII', s, us, incl, orig))
    out.append(b[at + 16:at + 16 + incl])
    at += 16 + incl
open(sys.argv[2], 'wb').write(b''.join(out))
PY
"$CAPSIM" analyze --per-ap --keylog "$data/analyze_join.keylog" "$tmp/be.pcap" >"$tmp/e.txt" || true
expect "$tmp/e.txt" "13/13 protected records decrypted"
expect "$tmp/e.txt" "Diagnosis: inconclusive"

# 5. cut in the middle: partial report, offset named, exit 1
size=$(stat -c %s "$data/analyze_join.pcapng")
head -c $((size - 100)) "$data/analyze_join.pcapng" >"$tmp/cut.pcapng"
rc=0
"$CAPSIM" analyze --per-ap "$tmp/cut.pcapng" >"$tmp/f.txt" 2>"$tmp/f.err" || rc=$?
[ "$rc" -eq 1 ] || fail "cut file: exit $rc, want 1"
expect "$tmp/f.err" "read error at byte offset"
expect "$tmp/f.txt" "AP 127.1.0.1 -> WLC 127.0.0.41"
expect "$tmp/f.txt" "Diagnosis:"
rc=0
"$CAPSIM" analyze --json - "$tmp/cut.pcapng" >"$tmp/f.json" 2>/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "cut file json: exit $rc"
off=$(jq -r .error.offset "$tmp/f.json")
[ "$off" -gt 0 ] && [ "$off" -le $((size - 100)) ] || fail "error offset $off"

# 6. usage and input errors: exit 2
for args in "" "--bogus x" "--wlc-port 0 x" "--wlc-port 70000 x" "a b" \
	"$tmp/missing.pcap" "--keylog $tmp/missing $data/analyze_join.pcap"; do
	rc=0
	# shellcheck disable=SC2086
	"$CAPSIM" analyze $args >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || fail "'analyze $args' exited $rc, want 2"
done
echo "not a capture" >"$tmp/junk"
rc=0
"$CAPSIM" analyze "$tmp/junk" >/dev/null 2>"$tmp/g.err" || rc=$?
[ "$rc" -eq 2 ] || fail "junk exit $rc"
expect "$tmp/g.err" "byte offset 0: not a pcap or pcapng file"
printf 'CLIENT_RANDOM zz 00\n' >"$tmp/bad.keylog"
rc=0
"$CAPSIM" analyze --keylog "$tmp/bad.keylog" "$data/analyze_join.pcap" >/dev/null 2>"$tmp/h.err" || rc=$?
[ "$rc" -eq 2 ] || fail "bad keylog exit $rc"
expect "$tmp/h.err" "byte offset 0: key log: client random"
"$CAPSIM" analyze --help | grep -q -- "--keylog" || fail "--help"

# 7. a capture without CAPWAP (wrong interface): never "ok", says what it
# holds, exit 4; IPv4 header checksums left to the NIC (offload) count but
# do not hide packets
python3 - "$tmp/dns.pcap" <<'PY'
import struct, sys
def ip_udp(sport, dport, payload, bad_cksum=False):
    udp = struct.pack('>HHHH', sport, dport, 8 + len(payload), 0) + payload
    tot = 20 + len(udp)
    h = struct.pack('>BBHHHBBH4s4s', 0x45, 0, tot, 1, 0, 64, 17, 0,
                    bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    s = sum(struct.unpack('>10H', h))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    ck = 0x1234 if bad_cksum else (~s & 0xffff)
    return h[:10] + struct.pack('>H', ck) + h[12:] + udp
pk = [ip_udp(40000 + i, 53, b'q' * 20) for i in range(5)]
pk += [ip_udp(40100, 443, b'x' * 30, bad_cksum=True)]
out = [struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101)]
for i, p in enumerate(pk):
    out.append(struct.pack('<IIII', 1000 + i, 0, len(p), len(p)) + p)
open(sys.argv[1], 'wb').write(b''.join(out))
PY
rc=0
"$CAPSIM" analyze "$tmp/dns.pcap" >"$tmp/n.txt" 2>&1 || rc=$?
[ "$rc" -eq 4 ] || { cat "$tmp/n.txt"; fail "no CAPWAP: exit $rc, want 4"; }
expect "$tmp/n.txt" "no CAPWAP in this capture: 6 packets, none to or from UDP 5246/5247; UDP ports seen: 53 (5) 443 (1)"
expect "$tmp/n.txt" "IPv4 header checksum wrong (checksum offload at the capture point?), taken anyway: 1"
expect "$tmp/n.txt" "Diagnosis: inconclusive"
! grep -q "Nothing to fix" "$tmp/n.txt" || fail "no CAPWAP: Nothing to fix"
rc=0
"$CAPSIM" analyze --json - "$tmp/dns.pcap" >"$tmp/n.json" || rc=$?
[ "$rc" -eq 4 ] || fail "no CAPWAP json: exit $rc"
[ "$(jq -r .capture.has_capwap "$tmp/n.json")" = false ] || fail "has_capwap false"
[ "$(jq -r '.capture.other_udp_ports["53"]' "$tmp/n.json")" = 5 ] || fail "port 53 count"
[ "$(jq -r .capture.bad_ip_checksum "$tmp/n.json")" = 1 ] || fail "bad_ip_checksum"
echo "PASS"
