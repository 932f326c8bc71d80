#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `capsim run --pcap --pcap-clear --keylog` checked against Wireshark: two
# APs join the embedded WLC; tshark 4.0 must decrypt every DTLS application
# record of the wire capture from its embedded Decryption Secrets Block
# alone (no key log preference), with each decrypted length equal to a
# CAPWAP message of the clear capture on the same addresses; the secrets
# must precede the first protected record; the clear capture must decode
# as CAPWAP (Discovery, Join, Configuration Status, Echo requests and their
# responses) with no malformed packet and no error-level expert info.
# Runs twice: with a clear data channel, and with data channel DTLS
# (--data-dtls required), where the data port's records must decrypt from
# the same block into the keep-alives of the clear capture.
# Skips (77) without tshark, or while `capsim run` has no --pcap.
set -euo pipefail
: "${CAPSIM:?CAPSIM not set}"
if [ -z "${CS_CAPTURE_DATA_DTLS:-}" ]; then
	CS_CAPTURE_DATA_DTLS=off bash "$0" || exit $?
	CS_CAPTURE_DATA_DTLS=required exec bash "$0"
fi
echo "data channel DTLS: $CS_CAPTURE_DATA_DTLS"
if ! command -v tshark >/dev/null 2>&1; then
	echo "SKIP: tshark not installed"
	exit 77
fi
help=$("$CAPSIM" run --help 2>&1 || true)
if ! grep -q -- '--pcap-clear' <<<"$help"; then
	echo "SKIP: capsim run has no --pcap/--pcap-clear/--keylog yet"
	exit 77
fi
. "$(dirname "$0")/net.inc"
cs_net_claim
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export CAPSIM_PKI=$tmp/pki
export HOME=$tmp # no user Wireshark preferences (and no key log file there)

port=$(cs_free_port "$CS_NET.250" 2)
# tshark decodes CAPWAP on its default ports only unless told
tsopts=(-d "udp.port==$port,capwap" -d "udp.port==$((port + 1)),capwap.data")
rc=0
"$CAPSIM" run --aps 2 --duration 8s --quiet --json "$tmp/r.json" \
	--wlc-listen "$CS_NET.250:$port" --ap-base-ip "$CS_NET.1" \
	--max-discovery-interval 100ms --discovery-interval 200ms \
	--echo-interval 1s --keepalive-interval 1s --data-dead-interval 5s \
	--pcap "$tmp/wire.pcapng" --pcap-clear "$tmp/clear.pcapng" \
	--keylog "$tmp/keys.txt" --data-dtls "$CS_CAPTURE_DATA_DTLS" || rc=$?
if [ "$rc" -ne 0 ]; then
	echo "FAIL: capsim run exited $rc"
	exit 1
fi
for f in wire.pcapng clear.pcapng keys.txt; do
	if [ ! -s "$tmp/$f" ]; then
		echo "FAIL: $f missing or empty"
		exit 1
	fi
done

# Wire: every application record, with the decrypted length (data.len is
# empty when tshark could not decrypt).
if ! tshark -n -r "$tmp/wire.pcapng" "${tsopts[@]}" -Y dtls.app_data -T fields \
	-E separator=';' -e frame.time_epoch -e ip.src -e udp.srcport \
	-e ip.dst -e udp.dstport -e data.len >"$tmp/wire.txt" 2>"$tmp/tshark.err"; then
	cat "$tmp/tshark.err"
	echo "FAIL: tshark cannot read the wire capture"
	exit 1
fi
# Clear: every frame with its CAPWAP message type (empty for data-channel
# frames), keep-alive flag, UDP payload length, malformed and severity.
if ! tshark -n -r "$tmp/clear.pcapng" "${tsopts[@]}" -T fields -E separator=';' \
	-e frame.time_epoch -e ip.src -e udp.srcport -e ip.dst -e udp.dstport \
	-e udp.length -e capwap.control.header.message_type \
	-e capwap.header.flags.k -e _ws.malformed -e _ws.expert.severity \
	>"$tmp/clear.txt" 2>"$tmp/tshark.err"; then
	cat "$tmp/tshark.err"
	echo "FAIL: tshark cannot read the clear capture"
	exit 1
fi

python3 - "$tmp" "$CS_CAPTURE_DATA_DTLS" "$((port + 1))" <<'PY'
import struct, sys

tmp = sys.argv[1]
data_dtls = sys.argv[2] == "required"
data_port = sys.argv[3]
fail = []

# --- the pcapng file itself: DSB before the first protected record ---------
def blocks(path):
    data = open(path, "rb").read()
    off, end = 0, "<"
    while off + 12 <= len(data):
        if data[off:off + 4] == b"\x0a\x0d\x0d\x0a":
            end = ">" if data[off + 8:off + 12] == b"\x1a\x2b\x3c\x4d" else "<"
        btype, blen = struct.unpack(end + "II", data[off:off + 8])
        if blen < 12 or off + blen > len(data):
            raise SystemExit("FAIL: %s: bad block at %d" % (path, off))
        yield btype, data[off + 8:off + blen - 4], end
        off += blen

def protected(udp_payload):
    # RFC 5415 §4.2 CAPWAP DTLS header, then DTLS records (RFC 6347 §4.1)
    if len(udp_payload) < 4 or udp_payload[0] != 0x01:
        return False
    p = 4
    while p + 13 <= len(udp_payload):
        epoch = struct.unpack(">H", udp_payload[p + 3:p + 5])[0]
        rlen = struct.unpack(">H", udp_payload[p + 11:p + 13])[0]
        if epoch != 0:
            return True
        p += 13 + rlen
    return False

first_dsb = first_prot = None
secrets = set()
n = 0
for btype, body, end in blocks(tmp + "/wire.pcapng"):
    n += 1
    if btype == 0x0A:  # DSB
        stype, slen = struct.unpack(end + "II", body[:8])
        assert stype == 0x544C534B, hex(stype)
        secrets.update(l for l in body[8:8 + slen].decode().splitlines() if l)
        if first_dsb is None:
            first_dsb = n
    elif btype == 0x06:  # EPB
        caplen = struct.unpack(end + "I", body[12:16])[0]
        pkt = body[20:20 + caplen]
        ihl = (pkt[0] & 0x0F) * 4
        if first_prot is None and pkt[9] == 17 and protected(pkt[ihl + 8:]):
            first_prot = n
if first_prot is None:
    fail.append("no protected DTLS record in the wire capture")
elif first_dsb is None or first_dsb > first_prot:
    fail.append("Decryption Secrets Block (block %s) not before the first "
                "protected record (block %s)" % (first_dsb, first_prot))
keys = set(l for l in open(tmp + "/keys.txt").read().splitlines() if l)
if len(keys) < 2 or not all(k.startswith("CLIENT_RANDOM ") for k in keys):
    fail.append("key log: want >= 2 CLIENT_RANDOM lines, got %r" % (keys,))
if secrets != keys:
    fail.append("DSB secrets (%d) differ from the key log file (%d)"
                % (len(secrets), len(keys)))

# --- tshark: decrypted lengths match the clear capture -----------------------
clear = []
types = set()
for line in open(tmp + "/clear.txt").read().splitlines():
    t, src, sp, dst, dp, ulen, mtype, k, malformed, sev = line.split(";")
    if malformed or "8388608" in sev.split(","):  # PI_ERROR
        fail.append("clear capture: malformed/error frame: " + line)
    if mtype:
        types.update(int(x) for x in mtype.split(","))
    elif k not in ("1", "True"):
        fail.append("clear capture: neither control nor keep-alive: " + line)
    clear.append([float(t), (src, sp, dst, dp, int(ulen) - 8), False])

records = data_records = 0
for line in open(tmp + "/wire.txt").read().splitlines():
    t, src, sp, dst, dp, lens = line.split(";")
    if data_port in (sp, dp):
        data_records += len(lens.split(",")) if lens else 0
    if not lens:
        fail.append("wire capture: application data not decrypted: " + line)
        continue
    for ln in lens.split(","):
        records += 1
        key = (src, sp, dst, dp, int(ln))
        best = None
        for c in clear:
            if not c[2] and c[1] == key and (
                    best is None or abs(c[0] - float(t)) < abs(best[0] - float(t))):
                best = c
        if best is None or abs(best[0] - float(t)) > 0.5:
            fail.append("decrypted record %s at %s has no clear twin" % (key, t))
        else:
            best[2] = True
if records < 8:
    fail.append("only %d decrypted application records" % records)
# both sessions' keys: 2 APs, control + data (RFC 5415 §4.6.1 D)
if data_dtls and (data_records < 4 or len(keys) < 4):
    fail.append("data channel DTLS: %d decrypted data-port records, %d keys"
                % (data_records, len(keys)))
if not data_dtls and data_records:
    fail.append("clear data channel, yet %d DTLS records on it" % data_records)
# Discovery Request/Response, Join, Configuration Status, Echo (RFC 5415 §4.5)
for want in (1, 2, 3, 4, 5, 6, 13, 14):
    if want not in types:
        fail.append("clear capture: no CAPWAP message type %d" % want)
if fail:
    print("\n".join("FAIL: " + f for f in fail[:20]))
    sys.exit(1)
print("capture_tshark: %d records (%d on the data port) decrypted with the "
      "embedded secrets, %d clear frames, message types %s"
      % (records, data_records, len(clear), sorted(types)))
PY
