#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The founding case through a real firewall: nftables drops WLC->AP
# datagrams from UDP 5246 whose CAPWAP preamble byte is 0x01 (DTLS) and
# lets the clear Discovery Response (0x00) through.  Discovery works, no
# AP joins, exit 3.  The lab's controller is a process of its own, so the
# APs' side alone cannot tell forward from return path loss: the run's
# diagnosis is inconclusive and says which evidence is missing (never a
# guess).  The lab then reads the capture it took at the controller
# beside the APs' one: the controller sent its HelloVerifyRequests, none
# arrived, so the two-sided diagnosis is return-path-loss, naming the
# APs; `capsim analyze ap.pcapng --peer wlc.pcapng` says the same.
set -euo pipefail
. "$(dirname "$0")/lab_common.inc"
lab_require
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/cap"
lab_run 3 "$tmp/out" --ruleset "$CS_SRC/examples/nft/drop-return-dtls.nft" \
  --duration 14s --captures "$tmp/cap" "$CS_SRC/scenarios/firewall-check.yaml"
lab_expect "$tmp/out" 'from dhcp-option-43' "discovery"
lab_expect "$tmp/out" 'diagnosis: inconclusive' "no guess from the APs' side alone"
lab_expect "$tmp/out" 'forward from return path' "what is missing"
lab_expect "$tmp/out" 'FAIL joined == 100%.*0 of 4' "no AP joined"
# the two-sided diagnosis the lab prints
lab_expect "$tmp/out" 'controller-side capture .*wlc.pcapng' "the controller's capture read"
lab_expect "$tmp/out" 'APs in both captures: 4 of 4' "every AP matched by identity"
lab_expect "$tmp/out" 'lost on the way: AP -> controller 0, controller -> AP [1-9]' \
  "the controller's answers lost on the way back"
lab_expect "$tmp/out" '^Diagnosis: return-path-loss \(confidence high; 4 of 4' "the verdict"
lab_expect "$tmp/out" 'return-path-loss +4 APs \(high\): ' "the APs named"
lab_expect "$tmp/out" 'At the controller: it sent [0-9]+ datagrams to the APs, [0-9]+ arrived' "the controller's side in the evidence"
# and capsim analyze agrees, in JSON, with the APs named
rc=0
"$CAPSIM" analyze "$tmp/cap/ap.pcapng" --peer "$tmp/cap/wlc.pcapng" \
  --json "$tmp/an.json" >"$tmp/an.out" 2>&1 || rc=$?
cat "$tmp/an.out"
[ "$rc" = 3 ] || { echo "FAIL: capsim analyze --peer exited $rc, expected 3"; exit 1; }
python3 - "$tmp/an.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
d = r["diagnosis"]
assert d["code"] == "return-path-loss", d
assert d["confidence"] == "high", d
assert d["counts"] == {"return-path-loss": 4}, d["counts"]
c = [c for c in d["causes"] if c["cause"] == "return-path-loss"][0]
assert len(c["ap_list"]) == 4, c
p = r["peer"]
assert p["aps_in_common"] == 4 and p["lost_ap_to_wlc"] == 0, p
assert p["lost_wlc_to_ap"] > 0 and p["not_used_because"] is None, p
print("lab_firewall_dtls_return: both sides agree on return-path-loss")
PY
# the AP-side capture alone stays inconclusive
rc=0
"$CAPSIM" analyze "$tmp/cap/ap.pcapng" >"$tmp/one.out" 2>&1 || rc=$?
[ "$rc" = 4 ] || { cat "$tmp/one.out"; echo "FAIL: one side exited $rc, expected 4"; exit 1; }
echo "lab_firewall_dtls_return: ok"
