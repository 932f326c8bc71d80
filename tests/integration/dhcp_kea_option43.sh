#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# DHCP option 43 from ISC Kea (kea-dhcp4): the Cisco TLV form (type 0xf1,
# one IPv4 address, capwap-facts §4.3) for clients whose option 60 starts
# with "Cisco AP", built the way the Kea manual encapsulates option 43
# (a client class redefining it as an empty option that encapsulates a
# vendor space).  Two namespaces: svc (Kea on 198.18.2.2, config, lease
# file and lock/pid files in the test's temp dir) and ap (capsim run as
# DHCP relay 198.18.16.1, embedded WLC on 198.18.3.10).  3 APs lease
# reserved consecutive addresses, take the WLC from option 43 and reach
# Run.  Kea is killed and every file and namespace removed at exit.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
  echo "SKIP: needs root (network namespaces)"; exit 77
fi
PATH="$PATH:/usr/sbin:/sbin"
command -v ip >/dev/null || { echo "SKIP: ip (iproute2) not installed"; exit 77; }
command -v kea-dhcp4 >/dev/null ||
  { echo "SKIP: kea-dhcp4 not installed (Debian: apt-get install kea-dhcp4-server)"; exit 77; }

tmp=$(mktemp -d)
ap="capsim-kea-$$-ap"; svc="capsim-kea-$$-svc"; kea=""
cleanup() {
  if [ -n "$kea" ]; then
    kill "$kea" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$kea" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$kea" 2>/dev/null || true
    wait "$kea" 2>/dev/null || true
  fi
  ip netns del "$ap" 2>/dev/null || true
  ip netns del "$svc" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "$ap"; ip netns add "$svc"
ip -n "$ap" link set lo up; ip -n "$svc" link set lo up
ip link add "ck$$a" netns "$ap" type veth peer name "ck$$s" netns "$svc"
ip -n "$ap" addr add 198.18.2.1/24 dev "ck$$a"
ip -n "$svc" addr add 198.18.2.2/24 dev "ck$$s"
ip -n "$ap" link set "ck$$a" up; ip -n "$svc" link set "ck$$s" up
# the relay, the leased AP addresses and the embedded WLC are local
ip -n "$ap" route add local 198.18.16.0/24 dev lo
ip -n "$ap" addr add 198.18.3.10/32 dev lo
ip -n "$svc" route add 198.18.16.0/24 via 198.18.2.1
for _ in $(seq 1 600); do  # Kea opens sockets only on a running link
  ip -n "$svc" link show "ck$$s" | grep -q 'LOWER_UP' && break
  sleep 0.1
done

cat >"$tmp/kea-dhcp4.conf" <<EOC
{
  "Dhcp4": {
    "interfaces-config": {
      "interfaces": [ "ck$$s/198.18.2.2" ],
      "dhcp-socket-type": "udp",
      "service-sockets-max-retries": 20, "service-sockets-retry-wait-time": 250
    },
    "lease-database": {
      "type": "memfile", "persist": true,
      "name": "$tmp/kea-leases4.csv", "lfc-interval": 0
    },
    "valid-lifetime": 120, "renew-timer": 60, "rebind-timer": 105,
    "option-def": [
      { "name": "capwap-ac", "code": 241, "space": "cisco-capwap",
        "type": "ipv4-address", "array": true }
    ],
    "client-classes": [
      {
        "name": "cisco-ap",
        "test": "substring(option[60].hex,0,8) == 'Cisco AP'",
        "option-def": [
          { "name": "vendor-encapsulated-options", "code": 43,
            "type": "empty", "encapsulate": "cisco-capwap" }
        ],
        "option-data": [
          { "name": "vendor-encapsulated-options" },
          { "name": "capwap-ac", "space": "cisco-capwap", "data": "198.18.3.10" }
        ]
      }
    ],
    "subnet4": [
      {
        "id": 1,
        "subnet": "198.18.16.0/24",
        "pools": [ { "pool": "198.18.16.100 - 198.18.16.200" } ],
        "option-data": [ { "name": "routers", "data": "198.18.16.1" } ],
        "reservations": [
          { "hw-address": "02:ca:75:00:00:01", "ip-address": "198.18.16.10" },
          { "hw-address": "02:ca:75:00:00:02", "ip-address": "198.18.16.11" },
          { "hw-address": "02:ca:75:00:00:03", "ip-address": "198.18.16.12" }
        ]
      }
    ],
    "loggers": [
      { "name": "kea-dhcp4", "severity": "DEBUG", "debuglevel": 55,
        "output_options": [ { "output": "$tmp/kea.log" } ] }
    ]
  }
}
EOC
ip netns exec "$svc" kea-dhcp4 -t "$tmp/kea-dhcp4.conf" >"$tmp/kea-check.out" 2>&1 ||
  { cat "$tmp/kea-check.out"; echo "FAIL: kea-dhcp4 rejects the test's config"; exit 1; }
KEA_LOCKFILE_DIR="$tmp" KEA_PIDFILE_DIR="$tmp" \
  ip netns exec "$svc" kea-dhcp4 -c "$tmp/kea-dhcp4.conf" >"$tmp/kea.out" 2>&1 &
kea=$!
for _ in $(seq 1 1200); do  # until Kea listens on UDP 67 (120 s: a loaded host)
  ip netns exec "$svc" ss -lun 2>/dev/null | grep -q '198\.18\.2\.2:67 ' && break
  kill -0 "$kea" 2>/dev/null || break
  sleep 0.1
done
ip netns exec "$svc" ss -lun | grep -q '198\.18\.2\.2:67 ' ||
  { cat "$tmp/kea.out" "$tmp/kea.log" 2>/dev/null; echo "FAIL: Kea did not start"; exit 1; }

rc=0
ip netns exec "$ap" "$CAPSIM" run --pki "$tmp/pki" --aps 3 --duration 6s \
  --ap-base-mac 02:ca:75:00:00:01 --discovery dhcp \
  --dhcp-server 198.18.2.2 --dhcp-relay 198.18.16.1 --dhcp-time-factor 0.05 \
  --wlc-listen 198.18.3.10 --discovery-interval 1s --max-discovery-interval 1s \
  --echo-interval 1s --keepalive-interval 1s --retransmit-interval 500ms \
  --discovery-timeout 20s >"$tmp/out" 2>&1 || rc=$?
cat "$tmp/out"
[ "$rc" = 0 ] || { grep -E 'DHCP|Dhcp|ALLOC|OPTION' "$tmp/kea.log" | tail -30; echo "FAIL: capsim run exited $rc"; exit 1; }
grep -Eq 'discovery: 3 APs at 198\.18\.16\.10\.\.198\.18\.16\.12, controller 198\.18\.3\.10 from dhcp-option-43' "$tmp/out" ||
  { echo "FAIL: no option 43 discovery from Kea"; exit 1; }
grep -Eq '3 APs: 3 joined, 3 in Run' "$tmp/out" || { echo "FAIL: APs not in Run"; exit 1; }
# Kea's own account: three leases in its lease file, DHCPACKs sent
for a in 198.18.16.10 198.18.16.11 198.18.16.12; do
  grep -q "^$a,02:ca:75:00:00:" "$tmp/kea-leases4.csv" ||
    { cat "$tmp/kea-leases4.csv"; echo "FAIL: no Kea lease for $a"; exit 1; }
done
grep -q 'DHCP4_LEASE_ALLOC' "$tmp/kea.log" || { echo "FAIL: Kea logged no allocation"; exit 1; }
# what Kea put on the wire (DHCP4_RESPONSE_DATA, debug level 55): option
# 43 of 6 bytes holding sub-option 241 (0xf1) with 198.18.3.10
grep -A2 'type=043, len=006' "$tmp/kea.log" | grep -q 'type=241, len=004: 198\.18\.3\.10' ||
  { echo "FAIL: Kea's option 43 is not f1 04 c6 12 03 0a"; exit 1; }
echo "dhcp_kea_option43: ok"
