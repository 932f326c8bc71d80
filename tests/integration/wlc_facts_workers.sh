#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The embedded WLC's per-AP counts reach the diagnosis whichever worker
# handled the datagram.  The WLC shards are steered by source address
# modulo the workers (cs_udp_reuseport_by_src), the APs go to workers by
# index: with --workers 2 and an odd base address every AP's datagrams
# land on the other worker's shard.  The counts once went missing there,
# and every AP read `inconclusive` ("missing: the sizes the controller
# sent").  Here only the WLC's ServerHello and Certificate
# datagrams are dropped on the way back: with the controller's counts
# every AP reads return-path-loss from the sizes sent and received.
set -euo pipefail
. "$(dirname "$0")/net.inc"
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export CAPSIM_PKI=$tmp/pki
n=12

cs_net_claim
port=$(cs_free_port "$CS_NET.1" 2)
cat >"$tmp/s.yaml" <<EOF
name: wlc-facts-workers
seed: 7
duration: 12s
aps:
  count: $n
  base-ip: $CS_NET.11
  timers:
    discovery-interval: 500ms
    max-discovery-interval: 500ms
    retransmit-interval: 500ms
    max-retransmit: 3
    wait-dtls: 8s
    silent-interval: 2s
    max-discoveries: 3
wlc:
  listen: $CS_NET.1:$port
impairments:
  - name: drop-server-flight
    match: {dir: down, kind: [server-hello, certificate]}
    action: drop
expect:
  - joined == 0
  - rule.drop-server-flight.dropped > 0
EOF
rc=0
"$CAPSIM" run "$tmp/s.yaml" --workers 2 -q --json "$tmp/r.json" \
	2>"$tmp/run.err" || rc=$?
tail -n 12 "$tmp/run.err"
if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then
	echo "FAIL: capsim run exited $rc"
	exit 1
fi
python3 - "$tmp/r.json" "$n" <<'EOF'
import json, re, sys

d = json.load(open(sys.argv[1]))["diagnosis"]
n = int(sys.argv[2])
causes = {c["cause"]: c for c in d.get("causes", [])}
rp = causes.get("return-path-loss")
if rp is None or rp["aps"] != n:
    print("FAIL: return-path-loss for %s of %d APs (causes: %s): the "
          "WLC-side counts of APs on the other worker are missing"
          % (rp["aps"] if rp else 0, n,
             {k: v["aps"] for k, v in causes.items()}))
    sys.exit(1)
ev = rp["evidence"]
m = re.search(r"the controller sent (.*?), the AP received", ev)
if m is None:
    print("FAIL: the evidence has no WLC-side counts: %s" % ev)
    sys.exit(1)
sent = sum(int(x) for x in re.findall(r"(\d+) of <=", m.group(1)))
# every AP got at least a HelloVerifyRequest and one flight (ServerHello,
# Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone)
if sent < 6 * n:
    print("FAIL: the controller sent only %d datagrams to %d APs by its "
          "counts: %s" % (sent, n, ev))
    sys.exit(1)
print("PASS: %d of %d APs return-path-loss from the WLC's counts (%d "
      "datagrams sent)" % (rp["aps"], n, sent))
EOF
