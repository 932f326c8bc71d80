#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The client verdicts of the scenario library (issue 14 item 7): each
# scenarios/clients-*.yaml runs against the embedded WLC, with a DHCP
# server (dnsmasq) behind it, on loopback addresses of its own, and must
# pass its own expectations (its clients.diagnosis among them); the JSON
# report must then name the verdict with the clients and APs it covers,
# and `capsim analyze` must read the same client phases from the run's
# capture (clients ready, the phase the others stopped in).
# The five runs go three at a time (8 to 12 s each, mostly idle).
set -euo pipefail
. "$(dirname "$0")/net.inc"
for t in dnsmasq python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
src=$(cd "$(dirname "$0")/../../scenarios" && pwd)
cs_net_claim16
tmp=$(mktemp -d)
dm_pid=
cleanup() {
	[ -n "$dm_pid" ] && kill "$dm_pid" 2>/dev/null && wait "$dm_pid" 2>/dev/null
	rm -rf "$tmp"
}
cs_on_exit cleanup
export CAPSIM_PKI=$tmp/pki

# one DHCP server for every run: DHCP only, unprivileged ports; the
# controllers relay to it from the clients' gateway (giaddr).  The runs
# go side by side, so each has a client subnet (and gateway) of its own:
# relays sharing one giaddr and port would take each other's replies
dport=$(cs_free_port 0.0.0.0 2)
ranges=()
for k in 0 1 2 3 4; do
	ranges+=(--dhcp-range="$CS_NET.24$k.10,$CS_NET.24$k.199,255.255.255.0,1h")
done
dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
	--port=0 --bind-interfaces --interface=lo --listen-address="$CS_NET.250.240" \
	--dhcp-alternate-port="$dport,$((dport + 1))" --no-ping "${ranges[@]}" \
	--dhcp-leasefile="$tmp/leases" --pid-file="$tmp/dm.pid" \
	--log-facility="$tmp/dm.log" &
dm_pid=$!
cs_wait_for "$tmp/dm.log" 'DHCP, IP range' 30 || { cat "$tmp/dm.log"; echo "FAIL: dnsmasq did not start"; exit 1; }

run() { # NAME K (its client subnet: $CS_NET.24K.0/24)
	local f=$tmp/$1.yaml rc=0
	cs_scenario_localize "$src/$1.yaml" "$f"
	echo "$CS_SCN_PORT" >"$tmp/$1.port"
	"$CAPSIM" run "$f" -q --json "$tmp/$1.json" --pcap "$tmp/$1.pcapng" \
		--client-subnet "$CS_NET.24$2.0/24" \
		--client-dhcp-server "$CS_NET.250.240:$dport" 2>"$tmp/$1.err" || rc=$?
	echo "$rc" >"$tmp/$1.rc"
}
names=(clients-wrong-psk clients-association-refused clients-dhcp-unanswered
	clients-gateway-unreachable clients-data-path-mtu)
# three, then two at a time; each run claims its own control port in the
# /16 (the pause keeps two claims apart)
pids=()
for ((i = 0; i < ${#names[@]}; i++)); do
	run "${names[i]}" "$i" &
	pids+=($!)
	sleep 0.2
	if [ ${#pids[@]} -eq 3 ] || [ $((i + 1)) -eq ${#names[@]} ]; then
		wait "${pids[@]}"
		pids=()
	fi
done
status=0
for n in "${names[@]}"; do
	if [ "$(cat "$tmp/$n.rc")" != 0 ]; then
		echo "FAIL: $n exited $(cat "$tmp/$n.rc") (expected 0: expectations hold)"
		cat "$tmp/$n.err"
		status=1
	fi
done
[ "$status" -eq 0 ] || exit 1
for n in "${names[@]}"; do
	rc=0
	"$CAPSIM" analyze "$tmp/$n.pcapng" --wlc-port "$(cat "$tmp/$n.port")" \
		--json "$tmp/$n.a.json" >"$tmp/$n.a.txt" 2>&1 || rc=$?
	# 0-5: a diagnosis was reached (the APs joined in every case)
	[ "$rc" -le 5 ] && [ -s "$tmp/$n.a.json" ] ||
		{ cat "$tmp/$n.a.txt"; echo "FAIL: analyze $n exited $rc"; exit 1; }
done
python3 - "$tmp" "${names[@]}" <<'PY'
import json, sys
tmp, names = sys.argv[1], sys.argv[2:]
for n in names:
    c = json.load(open("%s/%s.json" % (tmp, n)))["clients"]
    d = c["diagnosis"]
    want = n[len("clients-"):]
    assert d["code"] == want, (n, d)
    assert d["clients_affected"] == 4, (n, d)
    cause = d["causes"][0]
    assert cause["cause"] == want and cause["clients"] == 4, (n, cause)
    assert cause["aps"] == 2, (n, cause)
    assert cause["client_names"].startswith("02:"), (n, cause)
    print("%s: %s, %d clients on %d APs: %s" % (n, d["code"], cause["clients"],
          cause["aps"], cause["evidence"]))
    # the capture says the same: clients ready, the phase the rest
    # stopped in, by client MAC
    a = json.load(open("%s/%s.a.json" % (tmp, n)))["clients"]
    assert a["readable"] and a["clients"] == c["clients"], (n, a)
    assert a["ready"] == c["joined"], (n, a, c["joined"])
    failed = {k: sum(v.values()) for k, v in c["failures"].items()}
    assert a["failed_in"] == failed, (n, a["failed_in"], failed)
    if want == "association-refused":
        assert a["assoc_status"] == 17, (n, a)
    print("  analyze: %d clients, %d ready, stopped in %s; total mean %.1f ms"
          % (a["clients"], a["ready"], a["failed_in"] or "-",
             a["phases"]["total"]["mean_ms"]))
PY
echo "clients_verdicts: ok"
