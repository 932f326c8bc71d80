#!/bin/bash
# SPDX-License-Identifier: MIT
# Image download as it happens (scenarios/image-download.yaml, RFC 5415
# §9.1): 10 APs whose image differs from the controller's download its
# 512 KiB image through a limit of 3 at once (one WLC shard, --workers 1,
# so the limit is the controller's, as a 9800's per WNCd), reset and join
# again running it.  Checked: never more than 3 at once and all 10 served
# (controller), each AP one verified download then Configure and Run with
# no second download (AP events), and tshark reads every Image Data
# exchange of the plaintext capture with nothing malformed.
set -u
: "${CAPSIM:?CAPSIM not set}" "${CS_SRC:?CS_SRC not set}"
. "$(dirname "$0")/net.inc"
cs_net_claim16
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export CAPSIM_PKI="$tmp/pki"
export HOME="$tmp" # no user Wireshark preferences
cs_scenario_localize "$CS_SRC/scenarios/image-download.yaml" "$tmp/img.yaml"
"$CAPSIM" run "$tmp/img.yaml" -q --workers 1 --json "$tmp/r.json" \
	--events "$tmp/ev.jsonl" --pcap-clear "$tmp/clear.pcapng" 2>"$tmp/err"
rc=$?
grep -v "capsim: info" "$tmp/err" | tail -n 8
[ $rc -eq 0 ] || { echo "FAIL: exit $rc"; exit 1; }
cs_check_report "$tmp/r.json"
python3 - "$tmp/ev.jsonl" "$tmp/r.json" <<'PY' || exit 1
import json, sys

ev = [json.loads(l) for l in open(sys.argv[1])]
w = json.load(open(sys.argv[2]))["wlc_counters"]
fail = []
if w.get("image_downloads_max") != 3:
    fail.append("at most %s downloads at once, expected 3 (the limit, "
                "reached)" % w.get("image_downloads_max"))
if w.get("images_served") != 10 or w.get("images_started") != 10:
    fail.append("%s downloads started, %s served, expected 10" %
                (w.get("images_started"), w.get("images_served")))
if w.get("images_failed") != 0:
    fail.append("%s downloads failed" % w.get("images_failed"))
if w.get("image_waiting_max", 0) < 1:
    fail.append("no AP ever waited for a slot")
for ap in range(1, 11):
    st = [e for e in ev if e["ap"] == ap and e["kind"] == "state"]
    img = [e for e in st if e["to"] == "Image-Data"]
    done = [e for e in ev if e["ap"] == ap and e["kind"] == "info" and
            "image 17.9.4 downloaded (524288 bytes, MD5 verified)" in
            e.get("reason", "")]
    if len(img) != 1 or len(done) != 1:
        fail.append("AP %d: %d downloads, %d verified" %
                    (ap, len(img), len(done)))
        continue
    after = [e["to"] for e in st if e["t_ms"] > done[0]["t_ms"]]
    # the rejoin runs the new image: Join goes straight to Configure
    if "Configure" not in after or after[-1] != "Run" or \
            "Image-Data" in after:
        fail.append("AP %d after the download: %s" % (ap, after))
if fail:
    print("FAIL: " + "; ".join(fail))
    sys.exit(1)
print("PASS: 10 downloads of 512 KiB, at most 3 at once (%d waited at "
      "most), all 10 APs rejoined running 17.9.4 and in Run" %
      w["image_waiting_max"])
PY
if ! command -v tshark >/dev/null 2>&1; then
	echo "NOTE: tshark not installed: the capture is not cross-checked"
	exit 0
fi
tshark -n -r "$tmp/clear.pcapng" -d "udp.port==$CS_SCN_PORT,capwap" \
	-d "udp.port==$((CS_SCN_PORT + 1)),capwap.data" -T fields \
	-E separator=';' -e frame.number -e capwap.control.header.message_type \
	-e capwap.message_element.type -e _ws.malformed \
	-e _ws.expert.severity >"$tmp/ts.txt" 2>"$tmp/ts.err" || {
	cat "$tmp/ts.err"
	echo "FAIL: tshark could not read the capture"
	exit 1
}
python3 - "$tmp/ts.txt" <<'PY'
import sys

fail, n = [], {15: 0, 16: 0}
init = info = eof = 0
for line in open(sys.argv[1]):
    num, mt, els, malformed, sev = (line.rstrip("\n").split(";") + [""] * 5)[:5]
    if malformed:
        fail.append("frame %s malformed" % num)
    for s in filter(None, sev.split(",")):
        if int(s, 0) >= 0x00800000:
            fail.append("frame %s: error expert info" % num)
    if not mt:
        continue
    mt = int(mt)
    els = [int(x) for x in els.split(",") if x]
    if mt in n:
        n[mt] += 1
    if mt == 15 and 25 in els and 27 in els:
        init += 1  # Image Identifier + Initiate Download (AP)
    if mt == 16 and 26 in els:
        info += 1  # Image Information (controller)
    if mt == 15 and 24 in els:
        eof += 1
# 512 blocks each, answered: at least 10 x 512 requests and responses
if n[15] < 10 * 513 or n[16] < 10 * 513:
    fail.append("Image Data Requests %d, Responses %d" % (n[15], n[16]))
if init != 10 or info != 10:
    fail.append("%d Initiate Download requests, %d Image Information "
                "answers, expected 10" % (init, info))
if fail:
    print("FAIL: tshark: " + "; ".join(fail[:10]))
    sys.exit(1)
print("PASS: tshark: %d Image Data Requests, %d Responses, none malformed"
      % (n[15], n[16]))
PY
