#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Wireless clients through `capsim lab`'s firewall (issue 14): the client
# subnet 198.19.64.0/18 and its gateway (the WLC) sit behind the firewall,
# the WLC relays client DHCP to a dnsmasq the lab starts in the
# controller's namespace.
#  0. bad client options: exit 2 with the reason.
#  1. pass.nft, scenarios/lab-clients.yaml (2 APs x 4 WPA2-PSK clients
#     from its clients: section): every client joins, leases an address
#     from the lab's client subnet through the relay, and the gateway
#     answers ARP and echo; the APs' capture shows it (tshark).
#  2. block-data-5247.nft (control open, CAPWAP data dropped), the same
#     clients from the command line: no client joins, the APs' diagnosis
#     is data-channel-blocked and the clients' says why, naming no client
#     fault (never wrong-psk).
#  3. pass.nft, the stations given another passphrase (-- --psk): the
#     same lab blames the PSK, so verdict 2 is not a default.
# Each lab names its namespaces after its own pid (unique per run) and
# removes them at exit; the test checks nothing is left behind.
set -euo pipefail
. "$(dirname "$0")/lab_common.inc"
lab_require
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
tmp=$(mktemp -d)
lab_pid=
cleanup() {
	# an interrupted test stops its lab, which removes its namespaces
	if [ -n "$lab_pid" ]; then
		kill -TERM "$lab_pid" 2>/dev/null || true
		wait "$lab_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# lab WANT-EXIT NAME ARGS...: one lab in the background (so the traps can
# stop it), its output in $tmp/NAME.out, then no leftovers
lab() {
	local want=$1 name=$2 rc=0 pid
	shift 2
	"$CAPSIM" lab "$@" >"$tmp/$name.out" 2>&1 &
	lab_pid=$!
	wait "$lab_pid" || rc=$?
	lab_pid=
	cat "$tmp/$name.out"
	[ "$rc" = "$want" ] || { echo "FAIL: $name: capsim lab exited $rc, expected $want"; exit 1; }
	pid=$(sed -n 's/.*namespaces capsim-\([0-9]*\)-.*/\1/p' "$tmp/$name.out" | head -1)
	[ -n "$pid" ] || { echo "FAIL: $name: no lab namespaces announced"; exit 1; }
	lab_assert_clean "$pid"
}

# 0. bad client options: exit 2 with the reason, before any namespace
bad() { # WHAT-REGEX ARGS...
	local want=$1 rc=0
	shift
	"$CAPSIM" lab "$@" >"$tmp/bad.out" 2>&1 || rc=$?
	[ "$rc" = 2 ] || { cat "$tmp/bad.out"; echo "FAIL: capsim lab $* exited $rc, expected 2"; exit 1; }
	lab_expect "$tmp/bad.out" "$want" "the reason for $*"
}
bad "lab: --clients-per-ap '65': expected 0 to 64" --clients-per-ap 65
bad 'lab: --psk: passphrase must be 8\.\.63 characters' --clients-per-ap 1 --psk short
bad 'lab: --wlan/--psk need clients' --wlan corp

# 1. clients end to end through the firewall
mkdir "$tmp/cap"
lab 0 pass --ruleset "$CS_SRC/examples/nft/pass.nft" --captures "$tmp/cap" \
	"$CS_SRC/scenarios/lab-clients.yaml" -- --json "$tmp/pass.json"
lab_expect "$tmp/pass.out" "clients: 4 per AP on WLAN 'lab-psk' \(WPA2-PSK\), subnet 198\.19\.64\.0/18" "the clients announced"
lab_expect "$tmp/pass.out" 'clients 8/8 run, 0 failed' "every client in Run"
# echo 16: each station pings the gateway small, then large (the
# data-path probe)
lab_expect "$tmp/pass.out" 'the controller at exit: clients: .* 8 associations .*DHCP [0-9]+ relayed / 8 acked, ARP 8, echo 16, L2 auth 8 done / 0 wrong-psk' \
	"the controller's counts"
lab_expect "$tmp/pass.out" 'client DHCP server 198\.19\.2\.2 .*: 8 DHCPACKs, 8 leases, 8 in 198\.19\.64\.0/18' "the leases"
python3 - "$tmp/pass.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["clients"]
assert c["clients"] == 8 and c["joined"] == 8, c
assert c["states"]["run"] == 8 and c["failures"] == {}, c
assert c["phases"]["dhcp"]["count"] == 8, c["phases"]
assert c["diagnosis"]["code"] == "ok", c["diagnosis"]
print("lab_clients: 8/8 clients in Run through the firewall")
PY
# the APs' side of the firewall: every client leased an address of the
# lab's client subnet, the gateway answered its ARP and its pings
if command -v tshark >/dev/null; then
	ts() { tshark -r "$tmp/cap/ap.pcapng" -n -o capwap.swap_fc:FALSE "$@" 2>/dev/null; }
	acks=$(ts -Y 'dhcp.option.dhcp == 5' -T fields -e dhcp.hw.mac_addr -e dhcp.ip.your | sort -u)
	echo "$acks"
	n=$(echo "$acks" | awk 'NF == 2' | cut -f1 | sort -u | wc -l)
	[ "$n" = 8 ] || { echo "FAIL: DHCPACKs for $n clients in the capture, expected 8"; exit 1; }
	python3 - "$acks" <<'PY'
import ipaddress, sys
net = ipaddress.ip_network("198.19.64.0/18")
for line in sys.argv[1].splitlines():
    mac, ip = line.split("\t")
    assert ipaddress.ip_address(ip) in net, (mac, ip)
print("lab_clients: every DHCPACK's address is in", net)
PY
	arp=$(ts -Y 'arp.opcode == 2 && arp.src.proto_ipv4 == 198.19.64.1' | wc -l)
	echo=$(ts -Y 'icmp.type == 0 && ip.src == 198.19.64.1' | wc -l)
	[ "$arp" -ge 8 ] || { echo "FAIL: $arp gateway ARP replies, expected >= 8"; exit 1; }
	[ "$echo" -ge 8 ] || { echo "FAIL: $echo gateway echo replies, expected >= 8"; exit 1; }
	echo "lab_clients: capture: gateway ARP replies $arp, echo replies $echo"
else
	echo "lab_clients: tshark not installed: capture not checked"
fi

# 2. UDP 5247 dropped: the clients' frames have no path
lab 3 block --ruleset "$CS_SRC/examples/nft/block-data-5247.nft" \
	--clients-per-ap 2 --wlan lab-psk --psk 'correct horse battery' \
	--duration 14s "$CS_SRC/scenarios/firewall-check.yaml" -- --json "$tmp/block.json"
lab_expect "$tmp/block.out" 'diagnosis: data-channel-blocked' "the APs' verdict"
lab_expect "$tmp/block.out" 'the controller at exit: clients: .* 0 associations ' "no association at the controller"
lab_expect "$tmp/block.out" ': 0 DHCPACKs, 0 leases' "no lease"
lab_expect "$tmp/block.out" 'clients: 8 of 8 never started \(their AP never got the WLAN from the controller\)' \
	"why the counts show no client"
python3 - "$tmp/block.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["diagnosis"]["code"] == "data-channel-blocked", r["diagnosis"]
c = r["clients"]
assert c["joined"] == 0, c
d = c["diagnosis"]
# the clients are not to blame: no client-side verdict, above all not
# the PSK, and the words say their AP's data channel is the reason
assert d["code"] == "no-data-channel", d
assert d["clients_affected"] == 8, d
assert "data channel" in d["summary"], d
assert all(x["cause"] == "no-data-channel" for x in d["causes"]), d
print("lab_clients: 5247 dropped:", d["summary"])
PY

# 3. the stations with another passphrase: the same lab blames the PSK
lab 0 wrongpsk --ruleset "$CS_SRC/examples/nft/pass.nft" --aps 1 --fast \
	--duration 12s --clients-per-ap 2 --wlan lab-psk \
	--psk 'correct horse battery' -- --psk 'incorrect horse battery' \
	--json "$tmp/wrong.json"
lab_expect "$tmp/wrongpsk.out" 'L2 auth 0 done / 2 wrong-psk' "the controller's MIC failures"
python3 - "$tmp/wrong.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["clients"]
assert c["joined"] == 0 and list(c["failures"]) == ["l2auth"], c
assert c["diagnosis"]["code"] == "wrong-psk", c["diagnosis"]
print("lab_clients: wrong PSK:", c["diagnosis"]["summary"])
PY
echo "lab_clients: ok"
