#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The engine's client join window (lib/engine/ap_clients.c): 20 APs x 64
# clients all at once (--client-rate 0) on one worker, more than the
# ENG_CL_JOINING (128) stations it lets join at once.  The rest start as
# joins end: capsim says it paced the arrivals, and every client joins
# with none failed (without the window, 64 000 clients at 10/s per AP
# timed out in Authentication by the tens of thousands on a loaded host:
# retransmissions on top of an offered rate the host could not serve).
set -euo pipefail
. "$(dirname "$0")/net.inc"
for t in dnsmasq python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
cs_net_claim16
tmp=$(mktemp -d)
dm_pid=
cleanup() {
	[ -n "$dm_pid" ] && kill "$dm_pid" 2>/dev/null && wait "$dm_pid" 2>/dev/null
	rm -rf "$tmp"
}
cs_on_exit cleanup
export CAPSIM_PKI=$tmp/pki HOME=$tmp
APS=20 PER=64 N=$((20 * 64))

# the clients' /16: gateway .0.1, dnsmasq .0.2, the WLC .0.3, APs from
# .0.10, leases from .4.0 (dnsmasq's default cap of 1 000 leases raised)
dport=$(cs_free_port "$CS_NET.0.1" 2)
dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
	--port=0 --bind-interfaces --interface=lo --listen-address="$CS_NET.0.2" \
	--dhcp-alternate-port="$dport,$((dport + 1))" --no-ping --leasefile-ro \
	--dhcp-lease-max=$((N + 100)) \
	--dhcp-range="$CS_NET.4.0,$CS_NET.255.254,255.255.0.0,1h" \
	--log-facility="$tmp/dm.log" &
dm_pid=$!
cs_wait_for "$tmp/dm.log" 'DHCP, IP range' 30 || { cat "$tmp/dm.log"; echo "FAIL: dnsmasq did not start"; exit 1; }
wport=$(cs_free_port "$CS_NET.0.3" 2)
"$CAPSIM" run --aps $APS --clients-per-ap $PER --client-rate 0 --workers 1 \
	--wlan capsim-window --client-subnet "$CS_NET.0.0/16" \
	--client-dhcp-server "$CS_NET.0.2:$dport" --duration 30s \
	--skip-discovery --wlc-listen "$CS_NET.0.3:$wport" \
	--ap-base-ip "$CS_NET.0.10" --json "$tmp/r.json" 2>"$tmp/err" || {
	cat "$tmp/err"; exit 1; }
cs_check_report "$tmp/r.json"
grep -q 'worker 0: 128 clients joining at once: more start as joins end (capsim paces the client arrivals)' "$tmp/err" || {
	cat "$tmp/err"; echo "FAIL: capsim did not say it paced the clients"; exit 1; }
python3 - "$tmp/r.json" "$N" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); n = int(sys.argv[2])
c = r["clients"]
assert r["in_run"] == 20, r["in_run"]
assert c["clients"] == n and c["joined"] == n, c
assert c["failed"] == 0 and c["failures"] == {}, c
assert c["states"]["run"] == n, c["states"]
print("clients_window: %d/%d joined, 0 failed, %.0f/s" %
      (c["joined"], n, c["joined_per_s"]))
PY
echo "clients_window: ok"
