#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CAPWAP fragments on the live path (RFC 5415 §3.4), both roles, over a
# 576-byte MTU: `capsim wlc --mtu 576` (software version 17.12.1, a 16 KiB
# image) and `capsim run --mtu 576` with the c9120 profile set to
# download images, on a loopback /24 of its own.  The c9120 Join Request
# is padded to about 1300 bytes (Cisco's Path MTU payload), so every AP
# sends it in fragments that the WLC must reassemble; the WLC's 1024-byte
# Image Data blocks go to the APs in fragments that they must reassemble.
# Every AP must join, download the image, join again and be in Run; the
# report and `capsim wlc` (at exit) must count the fragments both ways.
# tshark (when installed) must decode the clear capture: fragments with F
# (and L on the last), reassembled into Join Requests and Image Data
# Requests, nothing malformed, no error-level expert info.
set -euo pipefail
: "${CAPSIM:?CAPSIM not set}"
. "$(dirname "$0")/net.inc"
cs_net_claim
tmp=$(mktemp -d)
wlc_pid=
cleanup() {
	if [ -n "$wlc_pid" ]; then
		kill "$wlc_pid" 2>/dev/null || true
		wait "$wlc_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
cs_on_exit cleanup
export CAPSIM_PKI=$tmp/pki
export HOME=$tmp # no user Wireshark preferences
fail() {
	echo "FAIL: $*"
	exit 1
}

# c9120 with `software: keep` (download when told; it adopts by default)
sed 's/^software: adopt$/software: keep/' \
	"$(dirname "$0")/../../profiles/c9120.yaml" >"$tmp/c9120-dl.yaml"
grep -q '^software: keep$' "$tmp/c9120-dl.yaml" ||
	fail "profiles/c9120.yaml has no 'software: adopt' line to change"

aps=4
port=$(cs_free_port "$CS_NET.250" 2)
"$CAPSIM" wlc --listen "$CS_NET.250:$port" --mtu 576 --sw-version 17.12.1 \
	--image-size 16k >"$tmp/wlc.out" 2>"$tmp/wlc.err" &
wlc_pid=$!
if ! cs_wait_for "$tmp/wlc.err" listening; then
	cat "$tmp/wlc.err"
	fail "capsim wlc did not start"
fi

rc=0
"$CAPSIM" run --wlc "$CS_NET.250:$port" --aps $aps --duration 20s --quiet \
	--profile "$tmp/c9120-dl.yaml" --mtu 576 \
	--ap-base-ip "$CS_NET.1" --json "$tmp/r.json" \
	--pcap-clear "$tmp/clear.pcapng" \
	--max-discovery-interval 200ms --discovery-interval 300ms \
	--echo-interval 2s --keepalive-interval 2s --data-dead-interval 10s \
	>"$tmp/run.out" 2>"$tmp/run.err" || rc=$?
if [ "$rc" -ne 0 ]; then
	cat "$tmp/run.err"
	tail -20 "$tmp/wlc.err"
	fail "capsim run exited $rc"
fi

# the WLC's side: it reassembled every Join Request (2 per AP) and sent
# the Image Data in fragments; it says so when it stops
kill "$wlc_pid"
wait "$wlc_pid" || true
wlc_pid=
if ! grep -q "^CAPWAP fragments: [1-9][0-9]* messages sent in .*fragments; [1-9][0-9]* fragments received, [1-9][0-9]* messages reassembled, 0 sets dropped" "$tmp/wlc.out"; then
	grep "fragments" "$tmp/wlc.out" "$tmp/wlc.err" || true
	fail "capsim wlc did not report its fragments"
fi
grep "^CAPWAP fragments" "$tmp/wlc.out"

python3 - "$tmp/r.json" "$aps" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
aps = int(sys.argv[2])
fail = []
states = r.get("states_at_end") or r.get("states") or {}
run = states.get("run", states.get("Run"))
if r.get("joined") != aps:
    fail.append("joined %r of %d" % (r.get("joined"), aps))

if run is not None and run != aps:
    fail.append("%r of %d in Run at the end" % (run, aps))
fr = r["resources"]["capsim_health"]["capwap_fragments"]
# each AP sends its ~1300-byte Join Request (twice: before and after the
# image) in 3 fragments; the WLC sends 16 Image Data blocks per AP, each
# in 2 fragments
if fr["messages_split"] < 2 * aps or fr["sent"] < 3 * fr["messages_split"]:
    fail.append("APs sent too few fragmented messages: %r" % fr)
if fr["reassembled"] < 16 * aps or fr["received"] < 2 * fr["reassembled"]:
    fail.append("APs reassembled too few Image Data blocks: %r" % fr)
if fr["sets_dropped"] or fr["total_cap_dropped"] or fr["peer_cap_evicted"]:
    fail.append("fragments dropped on a clean path: %r" % fr)
if fail:
    print("\n".join("FAIL: " + f for f in fail))
    sys.exit(1)
print("fragments: %d APs joined over MTU 576; sent %d messages in %d "
      "fragments, reassembled %d messages from %d fragments"
      % (aps, fr["messages_split"], fr["sent"], fr["reassembled"],
         fr["received"]))
PY


if ! command -v tshark >/dev/null 2>&1; then
	echo "tshark not installed: the capture decode was not checked"
	exit 0
fi
tsopts=(-d "udp.port==$port,capwap" -d "udp.port==$((port + 1)),capwap.data"
	-o capwap.reassemble:TRUE -o capwap.draft_8_cisco:TRUE)
if ! tshark -n -r "$tmp/clear.pcapng" "${tsopts[@]}" -T fields \
	-E separator=';' -e frame.number -e capwap.header.flags.f \
	-e capwap.header.flags.l -e capwap.control.header.message_type \
	-e _ws.malformed -e _ws.expert.severity -e _ws.expert.message \
	>"$tmp/clear.txt" 2>"$tmp/tshark.err"; then
	cat "$tmp/tshark.err"
	fail "tshark cannot read the clear capture"
fi
python3 - "$tmp/clear.txt" <<'PY'
import sys
fail = []
frags = last = 0
joined = {}
for line in open(sys.argv[1]).read().splitlines():
    num, f, l, mtype, malformed, sev, msg = (line.split(";") + [""] * 7)[:7]
    if malformed:
        fail.append("frame %s: malformed: %s" % (num, msg))
    if any(s and int(s) >= 0x00800000 for s in sev.split(",")):
        fail.append("frame %s: error-level expert info: %s" % (num, msg))
    if f in ("1", "True"):
        frags += 1
        if l in ("1", "True"):
            last += 1
            # tshark shows the reassembled message on the last fragment
            for t in mtype.split(","):
                if t:
                    joined[int(t)] = joined.get(int(t), 0) + 1
# 3 Join Request (RFC 5415 §4.5), 15 Image Data Request
for want in (3, 15):
    if want not in joined:
        fail.append("no message type %d reassembled from fragments "
                    "(reassembled: %r)" % (want, joined))
if frags < 2 * last or last == 0:
    fail.append("%d fragments, %d last fragments" % (frags, last))
if fail:
    print("\n".join("FAIL: " + f for f in fail[:20]))
    sys.exit(1)
print("tshark: %d CAPWAP fragments, %d messages reassembled %r, nothing "
      "malformed" % (frags, last, joined))
PY
