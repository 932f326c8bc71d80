#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scenarios/examples/full.yaml (every key of the format) runs: its
# aps.discovery mapping names a DHCP server (198.18.2.2) and relay
# (198.18.16.1), which this test provides in two network namespaces of
# its own (names with the test's pid, so copies run side by side): svc
# holds dnsmasq (option 43 = f1 04 7f000001, the scenario's WLC at
# 127.0.0.1, for option 60 "Cisco AP..."; the 200 APs' MACs reserved on
# 198.18.16.10..209), ap holds capsim run full.yaml (relay, leases and
# embedded WLC local there).  Checked: all 200 APs lease consecutive
# addresses and take the WLC from option 43, the run ends (shortened to
# 25 s on the command line) with a schema-valid JSON report that names
# the scenario and a verdict.  The scenario's rules (one truncates every
# datagram to 100 bytes, so the WLC drops each Discovery Request as
# malformed) make that verdict a failure: exit 3, never a usage error
# (2).  Root only.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
  echo "SKIP: needs root (network namespaces)"; exit 77
fi
PATH="$PATH:/usr/sbin:/sbin"
for t in ip dnsmasq; do
  command -v "$t" >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done
. "$(dirname "$0")/net.inc"
: "${CS_SRC:?CS_SRC not set}"

tmp=$(mktemp -d)
ap="capsim-full-$$-ap"; svc="capsim-full-$$-svc"; dns=""
cleanup() {
  if [ -n "$dns" ]; then
    kill "$dns" 2>/dev/null || true
    wait "$dns" 2>/dev/null || true
  fi
  ip netns del "$ap" 2>/dev/null || true
  ip netns del "$svc" 2>/dev/null || true
  rm -rf "$tmp"
}
cs_on_exit cleanup
trap cs_run_exit EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; exit 1; }

ip netns add "$ap"; ip netns add "$svc"
ip -n "$ap" link set lo up; ip -n "$svc" link set lo up
ip link add "cf$$a" netns "$ap" type veth peer name "cf$$s" netns "$svc"
ip -n "$ap" addr add 198.18.2.1/24 dev "cf$$a"
ip -n "$svc" addr add 198.18.2.2/24 dev "cf$$s"
ip -n "$ap" link set "cf$$a" up; ip -n "$svc" link set "cf$$s" up
# the relay and the leased AP addresses are local in the AP namespace
ip -n "$ap" route add local 198.18.16.0/24 dev lo
ip -n "$svc" route add 198.18.16.0/24 via 198.18.2.1

{
  echo "no-resolv"; echo "no-hosts"; echo "port=0"; echo "bind-interfaces"
  echo "listen-address=198.18.2.2"; echo "pid-file="
  echo "dhcp-leasefile=$tmp/leases"; echo "log-facility=$tmp/dnsmasq.log"
  echo "log-dhcp"
  echo "dhcp-range=198.18.16.10,198.18.16.250,255.255.255.0,10m"
  echo "dhcp-vendorclass=set:cisco,Cisco AP"
  echo "dhcp-option=tag:cisco,43,f1:04:7f:00:00:01"
  for i in $(seq 0 199); do
    printf 'dhcp-host=02:00:00:00:%02x:%02x,198.18.16.%d\n' \
      $(((0x1000 + i) >> 8)) $(((0x1000 + i) & 255)) $((10 + i))
  done
} >"$tmp/dnsmasq.conf"
ip netns exec "$svc" dnsmasq --keep-in-foreground --conf-file="$tmp/dnsmasq.conf" \
  >"$tmp/dnsmasq.out" 2>&1 &
dns=$!
cs_wait_for "$tmp/dnsmasq.log" "DHCP, IP range" 60 ||
  { cat "$tmp/dnsmasq.out" "$tmp/dnsmasq.log" 2>/dev/null; fail "dnsmasq did not start"; }

rc=0
ip netns exec "$ap" "$CAPSIM" run "$CS_SRC/scenarios/examples/full.yaml" \
  --duration 25s --pki "$tmp/pki" --quiet --json "$tmp/r.json" \
  >"$tmp/out" 2>&1 || rc=$?
cat "$tmp/out"
[ "$rc" -eq 3 ] || fail "capsim run full.yaml exited $rc, want 3 (ran, expectations failed)"
grep -q 'discovery: 200 APs at 198\.18\.16\.10\.\.198\.18\.16\.209, controller 127\.0\.0\.1 from dhcp-option-43' "$tmp/out" ||
  { tail -20 "$tmp/dnsmasq.log"; fail "no option 43 discovery for the 200 APs"; }
[ "$(grep -c 'DHCPACK(' "$tmp/dnsmasq.log")" -ge 200 ] || fail "dnsmasq acknowledged fewer than 200 leases"
cs_check_report "$tmp/r.json"
python3 - "$tmp/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["scenario"]["name"] == "full-example", r.get("scenario")
assert r["aps"] == 200, r["aps"]
assert r["interrupted"] is False
assert r["passed"] is False
code = r["diagnosis"]["code"]
assert code not in ("", "ok"), code
print("scenario_full: 200 APs leased via option 43, verdict %s" % code)
PY
