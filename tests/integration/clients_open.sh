#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Wireless clients end to end (issue 14): 10 APs x 8 open-system clients
# join through the mock WLC, embedded and as `capsim wlc`: 802.11
# Authentication and Association in the CAPWAP data channel, DHCP relayed
# by the WLC (giaddr = the WLAN gateway) to a real dnsmasq on this test's
# loopback /24, gateway ARP and ICMP echo answered by the WLC.  tshark
# decodes every 802.11-in-CAPWAP frame of the capture with nothing
# malformed (capwap.swap_fc off: RFC 5416 frames are not swapped).
set -euo pipefail
. "$(dirname "$0")/net.inc"
for t in dnsmasq tshark python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
cs_net_claim
tmp=$(mktemp -d)
dm_pid= wlc_pid=
cleanup() {
	[ -n "$wlc_pid" ] && kill "$wlc_pid" 2>/dev/null && wait "$wlc_pid" 2>/dev/null
	[ -n "$dm_pid" ] && kill "$dm_pid" 2>/dev/null && wait "$dm_pid" 2>/dev/null
	rm -rf "$tmp"
}
cs_on_exit cleanup
export CAPSIM_PKI=$tmp/pki HOME=$tmp
APS=10 PER=8 N=$((10 * 8))

# the DHCP server: DHCP only (no DNS), on an unprivileged port pair; it
# answers the relay at giaddr on its own port (RFC 2131 §4.1).  --no-ping:
# every 127/8 address answers ping, so dnsmasq's conflict check would
# refuse the whole range.
dport=$(cs_free_port 0.0.0.0 2)
dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
	--port=0 --bind-interfaces --interface=lo --listen-address="$CS_NET.240" \
	--dhcp-alternate-port="$dport,$((dport + 1))" --no-ping \
	--dhcp-range="$CS_NET.100,$CS_NET.199,255.255.255.0,1h" \
	--dhcp-leasefile="$tmp/leases" --pid-file="$tmp/dm.pid" \
	--log-dhcp --log-facility="$tmp/dm.log" &
dm_pid=$!
cs_wait_for "$tmp/dm.log" 'DHCP, IP range' 30 || { cat "$tmp/dm.log"; echo "FAIL: dnsmasq did not start"; exit 1; }
cl=(--wlan capsim-open --client-subnet "$CS_NET.0/24"
	--client-dhcp-server "$CS_NET.240:$dport")

check() { # REPORT LABEL [CAPTURE DATA-PORT]
	python3 - "$1" "$2" "$N" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); what = sys.argv[2]; n = int(sys.argv[3])
c = r.get("clients")
assert c is not None, what + ": no clients in the report"
assert r["in_run"] == 10, (what, r["in_run"])
assert c["clients"] == n and c["joined"] == n, (what, c)
assert c["states"]["run"] == n and c["failures"] == {}, (what, c)
assert c["phases"]["dhcp"]["count"] == n, (what, c["phases"]["dhcp"])
assert c["diagnosis"]["code"] == "ok", (what, c["diagnosis"])
print("%s: %d/%d clients in Run, %.0f joined/s, dhcp p99 %.0f ms" %
      (what, c["joined"], n, c["joined_per_s"], c["phases"]["dhcp"]["p99_ms"]))
PY
	[ $# -ge 4 ] || return 0
	local opts=(-n -o capwap.swap_fc:FALSE -d "udp.port==$4,capwap.data")
	tshark -r "$3" "${opts[@]}" -Y wlan -T fields -E separator=';' \
		-e frame.number -e frame.protocols -e _ws.malformed \
		-e _ws.expert.severity -e _ws.expert.message >"$tmp/tf.txt" 2>/dev/null
	local status=0 nf=0 num protos malformed sev msg s
	while IFS=';' read -r num protos malformed sev msg; do
		nf=$((nf + 1))
		case "$protos" in *:capwap.data:wlan*) ;; *) echo "FAIL: frame $num: $protos"; status=1 ;; esac
		[ -z "$malformed" ] || { echo "FAIL: frame $num malformed: $msg"; status=1; }
		for s in ${sev//,/ }; do
			[ $((s)) -lt $((0x00800000)) ] || { echo "FAIL: frame $num: $msg"; status=1; }
		done
	done <"$tmp/tf.txt"
	count() { # filter min what
		local got
		got=$(tshark -r "$3" "${opts[@]}" -Y "$1" 2>/dev/null | wc -l)
		[ "$got" -ge "$2" ] || { echo "FAIL: $4: $got frames, expected >= $2"; status=1; }
	}
	count 'wlan.fc.type_subtype == 0x0001 && wlan.fixed.status_code == 0' $N "$3" "Association Responses (success)"
	count 'dhcp.option.dhcp == 5' $N "$3" "DHCPACKs to the clients"
	count 'arp.opcode == 2 && arp.src.proto_ipv4 == '"$CS_NET.1" $N "$3" "gateway ARP replies"
	count 'icmp.type == 0 && ip.src == '"$CS_NET.1" $N "$3" "gateway echo replies"
	[ "$status" -eq 0 ] || exit 1
	echo "$2: tshark: $nf 802.11-in-CAPWAP frames, none malformed"
}

# 1. the embedded WLC
wport=$(cs_free_port "$CS_NET.250" 2)
"$CAPSIM" run --aps $APS --clients-per-ap $PER "${cl[@]}" --duration 12s \
	--skip-discovery --wlc-listen "$CS_NET.250:$wport" \
	--ap-base-ip "$CS_NET.10" --quiet --json "$tmp/e.json" \
	--pcap "$tmp/e.pcapng" 2>"$tmp/e.err" || { cat "$tmp/e.err"; exit 1; }
cs_check_report "$tmp/e.json"
grep -q 'capsim: run: clients 80/80 run, 0 failed' "$tmp/e.err" || { cat "$tmp/e.err"; echo "FAIL: no clients line"; exit 1; }
if grep -q 'still joining' "$tmp/e.err"; then cat "$tmp/e.err"; echo "FAIL: clients still joining"; exit 1; fi
check "$tmp/e.json" embedded "$tmp/e.pcapng" $((wport + 1))

# 2. `capsim wlc` in its own process, its clients line on SIGUSR1
wport=$(cs_free_port "$CS_NET.251" 2)
"$CAPSIM" wlc --listen "$CS_NET.251:$wport" --echo-interval 2s "${cl[@]}" \
	>"$tmp/wlc.out" 2>"$tmp/wlc.err" &
wlc_pid=$!
cs_wait_for "$tmp/wlc.err" listening || { cat "$tmp/wlc.err"; exit 1; }
"$CAPSIM" run --wlc "$CS_NET.251:$wport" --aps $APS --clients-per-ap $PER \
	--wlan capsim-open --duration 12s --ap-base-ip "$CS_NET.30" \
	--max-discovery-interval 500ms --discovery-interval 300ms --quiet \
	--json "$tmp/w.json" 2>"$tmp/w.err" || { cat "$tmp/w.err"; tail -20 "$tmp/wlc.err"; exit 1; }
kill -USR1 "$wlc_pid"
cs_wait_for "$tmp/wlc.out" '^clients: ' 30 || { cat "$tmp/wlc.out"; echo "FAIL: no clients line on SIGUSR1"; exit 1; }
kill "$wlc_pid"; wait "$wlc_pid" || true; wlc_pid=
check "$tmp/w.json" "capsim wlc"
# cumulative counts (the APs left at the end of the run: no client now);
# two echoes per client: the small one and the data-path probe
grep -q "^clients: .* $N associations (0 refused: full), DHCP $((N * 2)) relayed / $N acked, ARP $N, echo $((N * 2))," "$tmp/wlc.out" || {
	grep '^clients' "$tmp/wlc.out"; echo "FAIL: the WLC's clients line"; exit 1; }
# every client leased from dnsmasq through the relay (giaddr = gateway)
acks=$(grep -c 'DHCPACK(' "$tmp/dm.log" || true)
[ "$acks" -ge $((2 * N)) ] || { echo "FAIL: dnsmasq sent $acks DHCPACKs, expected $((2 * N))"; exit 1; }
echo "clients_open: ok"
