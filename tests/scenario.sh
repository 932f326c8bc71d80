#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs one scenario of the library (scenarios/*.yaml, scenarios/field/*.yaml):
# it must pass its own expectations (exit 0), on loopback addresses of its
# own (the scenario's are moved into a /16 claimed for this run, net.inc).
# Then `capsim analyze` reads the run's capture (with the DTLS keys) and
# must reach the same diagnosis code as the live run did, and, where both
# reports list causes, the same number of APs per cause.
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
# client scenarios need a DHCP server behind the controller; their own
# test starts one ("# test: clients (tests/integration/...)")
if grep -q '^# test: clients ' "$scn"; then
	echo "SKIP: $name needs a DHCP server (tests/integration/clients_verdicts.sh)"
	exit 77
fi
# scenarios against several external controllers say so in a comment
# "# test: two capsim wlc (tests/integration/...)"; that test runs them
if grep -q '^# test: two capsim wlc' "$scn"; then
	echo "SKIP: $name needs two \`capsim wlc\` processes (see its header)"
	exit 77
fi
# where the capture for `capsim analyze` is taken: where the APs are,
# unless the scenario says "# test: capture at wlc" (NAT is only visible
# from the controller's side)
at=ap
grep -q '^# test: capture at wlc' "$scn" && at=wlc

# same_aps LIVE.json CAPTURE.json: the APs per cause, where both reports
# list them (diagnosis.causes[]); capsim analyze keys APs by WTP identity,
# so captures behind NAT compare too
same_aps() {
	python3 - "$1" "$2" <<'EOF'
import json, sys

def causes(path):
    d = json.load(open(path)).get("diagnosis", {})
    if not isinstance(d, dict):
        return {}
    out = {}
    for c in d.get("causes", []):
        if isinstance(c, dict) and "cause" in c and "aps" in c:
            out[c["cause"]] = c["aps"]
    return out

live, cap = causes(sys.argv[1]), causes(sys.argv[2])
if not live or not cap:
    print("APs per cause: not listed by both reports, not compared")
    sys.exit(0)
if live != cap:
    print("FAIL: APs per cause differ: live %s, capture %s" % (live, cap))
    sys.exit(1)
print("APs per cause agree: %s" % live)
EOF
}

# code REPORT.json: the diagnosis code of a capsim JSON report
code() {
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
g = d.get("diagnosis", {})
print(g.get("code") if isinstance(g, dict) else g)' "$1"
}

# two_sided: the controller's capture beside the APs' gives the live
# verdict and the same APs (a case the APs' side cannot decide included)
two_sided() {
	local pc parc
	[ ${#peer[@]} -gt 0 ] || return 0
	"$CAPSIM" analyze "$tmp/w.pcapng" --peer "$tmp/wlc.pcapng" --keylog "$tmp/keys.log" \
		--wlc-port "$CS_SCN_PORT" --json "$tmp/p.json" >"$tmp/p.txt" 2>&1
	parc=$?
	if [ $parc -ne 0 ] && [ $parc -ne 3 ] && [ $parc -ne 4 ] && [ $parc -ne 5 ] ||
		[ ! -s "$tmp/p.json" ]; then
		tail -n 15 "$tmp/p.txt"
		echo "FAIL: capsim analyze --peer exited $parc"
		return 1
	fi
	pc=$(code "$tmp/p.json")
	echo "two-sided diagnosis (analyze AP --peer WLC): $pc (exit $parc)"
	# "# test: peer inconclusive (why)": the evidence is the run's own
	# (its length, capsim's health), in neither capture
	if grep -q '^# test: peer inconclusive' "$scn" && [ "$pc" = inconclusive ]; then
		echo "two-sided: inconclusive, as the scenario says it must be"
		return 0
	fi
	if [ "$pc" != "$live" ]; then
		tail -n 15 "$tmp/p.txt"
		echo "FAIL: analyze --peer says '$pc', the live run said '$live'"
		return 1
	fi
	same_aps "$tmp/r.json" "$tmp/p.json"
}

cs_net_claim16
cs_scenario_localize "$scn" "$tmp/$name.yaml"
# with the capture at the APs and the embedded WLC, the run also writes
# the controller's side (--pcap-wlc): `capsim analyze AP --peer WLC` must
# then agree with the live run, APs included
peer=()
if [ "$at" = ap ] && ! grep -Eq '^[[:space:]]+address:' "$scn" &&
	! grep -q '^# test: no capture' "$scn"; then
	peer=(--pcap-wlc "$tmp/wlc.pcapng")
fi
"$CAPSIM" run "$tmp/$name.yaml" -q --json "$tmp/r.json" --pcap "$tmp/w.pcapng" --pcap-at "$at" \
	--keylog "$tmp/keys.log" "${peer[@]}" 2> "$tmp/run.err"
rc=$?
tail -n 40 "$tmp/run.err"
if [ $rc -eq 2 ] && grep -q "unknown diagnosis '" "$tmp/run.err"; then
	# the scenario names a verdict this capsim does not have yet: say so
	# instead of passing or failing on a verdict that cannot be reached
	echo "SKIP: $name expects a diagnosis this capsim does not know:"
	grep -o "unknown diagnosis '[^']*'" "$tmp/run.err" | head -n 1
	exit 77
fi
if [ $rc -ne 0 ]; then
	echo "FAIL: capsim run $name exited $rc (expected 0: expectations hold)"
	exit 1
fi
cs_check_report "$tmp/r.json"
live=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["diagnosis"]["code"])' "$tmp/r.json")
echo "live diagnosis: $live"

# "# test: no capture" says why a capture cannot hold the evidence (e.g.
# nothing ever left the host); the live check above is then the test
if grep -q '^# test: no capture' "$scn"; then
	echo "PASS: $name (live only: $(grep -A1 '^# test: no capture' "$scn" | tr -d '#' | tr '\n' ' '))"
	exit 0
fi

"$CAPSIM" analyze "$tmp/w.pcapng" --keylog "$tmp/keys.log" --wlc-port "$CS_SCN_PORT" \
	--json "$tmp/a.json" > "$tmp/a.txt" 2>&1
arc=$?
tail -n 15 "$tmp/a.txt"
# 0 ok, 3 a cause, 4 inconclusive, 5 capsim limited: all are answers;
# 1 and 2 are errors
if [ $arc -ne 0 ] && [ $arc -ne 3 ] && [ $arc -ne 4 ] && [ $arc -ne 5 ] ||
	[ ! -s "$tmp/a.json" ]; then
	echo "FAIL: capsim analyze exited $arc"
	exit 1
fi
field=$(code "$tmp/a.json")
echo "capture diagnosis: $field (exit $arc)"
if [ $arc -ne 0 ] && [ "$live" = ok ]; then
	echo "FAIL: capsim analyze exited $arc on a healthy capture"
	exit 1
fi
# "# test: capture inconclusive" says why a capture alone cannot decide
# (the evidence is the run's, e.g. its length against the APs' timers):
# the capture must then say inconclusive, never another cause
if grep -q '^# test: capture inconclusive' "$scn" && [ "$field" = inconclusive ]; then
	two_sided || exit 1
	echo "PASS: $name (capture inconclusive, as the scenario says it must be)"
	exit 0
fi
if [ "$field" != "$live" ]; then
	echo "FAIL: analyze says '$field', the live run said '$live'"
	exit 1
fi
same_aps "$tmp/r.json" "$tmp/a.json" || exit 1
two_sided || exit 1
echo "PASS: $name"
