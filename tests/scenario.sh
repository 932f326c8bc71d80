#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs one scenario of the library (scenarios/*.yaml): it must pass its own
# expectations (exit 0), run on loopback addresses of its own (the
# scenario's are moved into a /16 claimed for this run, net.inc).  Then `capsim analyze` reads the run's capture
# (with the DTLS keys) and must reach the same diagnosis code as the live
# run did.
set -u
scn=$1
name=$(basename "$scn" .yaml)
. "$(dirname "$0")/integration/net.inc"
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export CAPSIM_PKI="$tmp/pki"

# scenarios that need a lab (namespaces, DHCP) say so in a comment
# "# test: capsim lab ..."; their own ctest runs them that way
if grep -q '^# test: capsim lab' "$scn"; then
	echo "SKIP: $name runs under \`capsim lab\` (tests/integration/lab_*.sh)"
	exit 77
fi
# where the capture for `capsim analyze` is taken: where the APs are,
# unless the scenario says "# test: capture at wlc" (NAT is only visible
# from the controller's side)
at=ap
grep -q '^# test: capture at wlc' "$scn" && at=wlc

cs_net_claim16
cs_scenario_localize "$scn" "$tmp/$name.yaml"
"$CAPSIM" run "$tmp/$name.yaml" -q --json "$tmp/r.json" --pcap "$tmp/w.pcapng" --pcap-at "$at" \
	--keylog "$tmp/keys.log"
rc=$?
if [ $rc -ne 0 ]; then
	echo "FAIL: capsim run $name exited $rc (expected 0: expectations hold)"
	exit 1
fi
cs_check_report "$tmp/r.json"
live=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["diagnosis"]["code"])' "$tmp/r.json")
echo "live diagnosis: $live"

"$CAPSIM" analyze "$tmp/w.pcapng" --keylog "$tmp/keys.log" --wlc-port "$CS_SCN_PORT" \
	--json "$tmp/a.json" > "$tmp/a.txt" 2>&1
arc=$?
cat "$tmp/a.txt" | tail -n 15
# 0 ok, 3 a cause, 4 inconclusive: all are answers; 1 and 2 are errors
if [ $arc -ne 0 ] && [ $arc -ne 3 ] && [ $arc -ne 4 ]; then
	echo "FAIL: capsim analyze exited $arc"
	exit 1
fi
field=$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
g = d.get("diagnosis", {})
print(g.get("code") if isinstance(g, dict) else g)' "$tmp/a.json")
echo "capture diagnosis: $field"
if [ "$field" != "$live" ]; then
	echo "FAIL: analyze says '$field', the live run said '$live'"
	exit 1
fi
echo "PASS: $name"
