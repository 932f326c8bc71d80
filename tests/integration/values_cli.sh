#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The one value grammar on the command line: a bare number as a duration
# is refused with the unit to add (run, wlc, proxy --rule), seconds-only
# values say so, sizes and MACs say why, and the engine refuses APs whose
# MACs run past ff:ff:ff:ff:ff:ff.  Every case fails before any traffic:
# exit 2 (usage or input error).
set -u

: "${CAPSIM:?CAPSIM must point to the capsim binary}"
fails=0
. "$(dirname "$0")/net.inc"
# an address range of this run's own (net.inc), never 127.0.0.1:5246
cs_net_claim
net=$CS_NET
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export CAPSIM_PKI=$tmp/pki

# run's own addresses, so that a check that wrongly passes the option
# still runs on this test's addresses (and briefly: --duration 1s first)
runa=(run --duration 1s --wlc-listen "$net.1:15246" --ap-base-ip "$net.10")

# check NAME WANT_RC WANT_STDERR_LINE -- ARGS...: the exit code, and a
# line of stderr equal to WANT_STDERR_LINE
check() {
	local name=$1 want_rc=$2 want=$3
	shift 4
	local rc
	"$CAPSIM" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		echo "FAIL $name: exit $rc, want $want_rc; stderr:"
		cat "$tmp/err"
		fails=$((fails + 1))
		return
	fi
	if ! grep -qxF -- "$want" "$tmp/err"; then
		echo "FAIL $name: no stderr line '$want'; stderr:"
		cat "$tmp/err"
		fails=$((fails + 1))
		return
	fi
	echo "ok $name"
}

check run-bare-duration 2 "capsim: 90: add a unit (90ms or 90s)" -- \
	"${runa[@]}" --duration 90
check run-bare-timer 2 "capsim: 500: add a unit (500ms or 500s)" -- \
	"${runa[@]}" --echo-interval 500
check run-unknown-unit 2 \
	"capsim: 2min: unknown unit 'min' (use us, ms, s, m, h or d)" -- \
	"${runa[@]}" --duration 2min
check run-skew-bare 2 "capsim: 5: add a unit (5ms or 5s)" -- \
	"${runa[@]}" --clock-skew 5
check run-skew-fraction 2 "capsim: 1.5s: give whole seconds" -- \
	"${runa[@]}" --clock-skew 1.5s
check run-bad-mac 2 \
	"capsim: 00:11:22:33:44: expected a MAC such as 00:11:22:33:44:55, 00-11-22-33-44-55, 0011.2233.4455 or 001122334455" -- \
	"${runa[@]}" --ap-base-mac 00:11:22:33:44
check run-rate-tail 2 "capsim: 5x: expected a number" -- \
	"${runa[@]}" --rate 5x
check run-rule-bare 2 \
	"capsim: run: --rule 'action=drop from=250': at offset 12: 250: add a unit (250ms or 250s)" -- \
	"${runa[@]}" --rule 'action=drop from=250'
check wlc-echo-bare 2 "capsim: 2: add a unit (2ms or 2s)" -- \
	wlc --listen "$net.1" --echo-interval 2
check wlc-echo-fraction 2 "capsim: 1.5s: give whole seconds from 1s to 255s" -- \
	wlc --listen "$net.1" --echo-interval 1.5s
check wlc-reject-share 2 "capsim: 1e-1: expected a number" -- \
	wlc --listen "$net.1" --reject-share 1e-1
check wlc-image-size 2 "capsim: 1.1k: not a whole number of bytes" -- \
	wlc --listen "$net.1" --image-size 1.1k
check proxy-rule-bare 2 \
	"capsim: proxy: --rule 'action=delay delay=200': at column 14: 200: add a unit (200ms or 200s)" -- \
	proxy --listen "$net.2" --upstream "$net.1" --rule 'action=delay delay=200'
check proxy-rule-share 2 \
	"capsim: proxy: --rule 'action=drop share=0.5': at column 13: 0.5: expected a percentage such as 50% or 0.5%" -- \
	proxy --listen "$net.2" --upstream "$net.1" --rule 'action=drop share=0.5'
# MAC = base + index: three APs from ff:ff:ff:ff:ff:fe need one past the end
check run-mac-overflow 2 \
	"capsim: error: engine: 3 APs from the base MAC run past ff:ff:ff:ff:ff:ff" -- \
	"${runa[@]}" --aps 3 --ap-base-mac ff:ff:ff:ff:ff:fe

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all value checks passed"
