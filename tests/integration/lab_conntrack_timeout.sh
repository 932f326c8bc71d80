#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A conntrack UDP timeout shorter than the echo interval: the firewall
# masquerades the APs with random external ports (masquerade
# fully-random) and its namespace has nf_conntrack_udp_timeout{,_stream}
# = 2 s (capsim lab --fw-sysctl) while the WLC's EchoInterval is 4 s.
# Between two echoes the mapping expires; the next Echo Request leaves
# through a new external port, the WLC has no DTLS session for that peer
# and drops it, the AP's echoes go unanswered and it loses Run: exit 3,
# live diagnosis nat-rebinding.  The same ruleset with the default
# timeouts (30 s / 120 s) keeps the APs in Run.
set -euo pipefail
. "$(dirname "$0")/lab_common.inc"
lab_require
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
rs="$CS_SRC/examples/nft/masquerade-short-timeout.nft"

# only per-namespace (net.*) sysctls are accepted
rc=0; "$CAPSIM" lab --fw-sysctl kernel.pid_max=4096 >"$tmp/out" 2>&1 || rc=$?
[ "$rc" = 2 ] || { cat "$tmp/out"; echo "FAIL: --fw-sysctl kernel.* exited $rc, expected 2"; exit 1; }
lab_expect "$tmp/out" 'fw-sysctl .*KEY under net\.' "the --fw-sysctl usage message"

lab_run 3 "$tmp/out" -v --ruleset "$rs" --fast --echo-interval 4s \
  --fw-sysctl net.netfilter.nf_conntrack_udp_timeout=2 \
  --fw-sysctl net.netfilter.nf_conntrack_udp_timeout_stream=2 \
  --aps 2 --duration 26s
lab_expect "$tmp/out" 'net\.netfilter\.nf_conntrack_udp_timeout = 2' "the sysctl in the firewall namespace"
lab_expect "$tmp/out" 'run failed: no Echo Response after [0-9]+ retransmissions' "loss in Run"
lab_expect "$tmp/out" 'capsim: run: diagnosis: nat-rebinding' "the nat-rebinding diagnosis"
lab_expect "$tmp/out" 'session torn down in phase Run: EchoInterval expired' "the WLC dropping the session"
lab_expect "$tmp/out" 'masquerade fully-random' "the ruleset"
# the rejoin (after the WLC drops the dead session, EchoInterval expiry
# ~16 s after the join) comes from another external port
ports=$(sed -n 's/.*DTLS session established with peer 198\.19\.1\.1:\([0-9]*\) for AP 02:ca:75:00:00:01/\1/p' "$tmp/out" | sort -u | wc -l)
[ "$ports" -ge 2 ] || { echo "FAIL: AP 1 joined from $ports external port(s), expected a new one"; exit 1; }

# control: the default conntrack timeouts outlast the echo interval
lab_run 0 "$tmp/out2" --ruleset "$rs" --fast --echo-interval 4s --aps 2 --duration 12s
lab_expect "$tmp/out2" 'capsim: run: diagnosis: ok' "no diagnosis with default timeouts"
lab_expect "$tmp/out2" '2 APs: 2 joined, 2 in Run at the end, 0 had failures' "2 APs in Run"
echo "lab_conntrack_timeout: ok"
