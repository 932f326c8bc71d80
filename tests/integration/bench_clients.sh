#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/clients --scale small (20 APs x 16 clients, open and WPA2-PSK,
# the mock WLC embedded, DHCP relayed to the bench's own dnsmasq) on this
# test's loopback /16: its final JSON line has every figure the bench
# promises, and every client of both modes joined with 0 failures.  No
# timing is asserted (the host is shared): only that the figures exist.
set -euo pipefail
. "$(dirname "$0")/net.inc"
for t in dnsmasq python3 cc pkg-config; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
pkg-config --exists openssl || { echo "SKIP: no OpenSSL development files"; exit 77; }
cs_net_claim16
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export HOME=$tmp
CAPSIM=$CAPSIM python3 "$CS_SRC/bench/clients" --scale small --net "$CS_NET" \
	--hold 2 >"$tmp/out.txt" 2>&1 || { cat "$tmp/out.txt"; echo "FAIL: bench/clients"; exit 1; }
tail -1 "$tmp/out.txt" >"$tmp/last.json"
python3 - "$tmp/last.json" <<'PY' || { cat "$tmp/out.txt"; exit 1; }
import json, sys
r = json.load(open(sys.argv[1]))
num = (int, float)
assert r["aps"] == 20 and r["clients_per_ap"] == 16, r
assert r["clients"] == 320 and r["wlc"] == "embedded", r
assert r["dhcp_server"] in ("kea", "dnsmasq"), r
raw = r["raw"]
assert raw["datagram_us"] > 0 and raw["fourway_us"] > 0 and raw["cpus"] >= 1, raw
assert isinstance(r["no_clients"]["vmrss_kib"], int), r["no_clients"]
assert r["no_clients"]["aps_in_run"] == 20, r["no_clients"]
for m in ("open", "wpa2"):
    x = r[m]
    assert x["clients"] == 320 and x["joined"] == 320, (m, x)
    assert x["failed"] == 0 and x["failures"] == {}, (m, x)
    assert x["in_run_at_end"] == 320 and x["ap_failures"] == 0, (m, x)
    assert x["diagnosis"] == "ok", (m, x)
    assert x["bound"] in ("offered rate", "host"), (m, x)
    assert x["targets"]["zero_failures"] is True, (m, x)
    # a join is at least Authentication, Association and DHCP both ways
    assert x["datagrams_per_client"] >= 8, (m, x)
    for k in ("joined_per_s", "raw_per_s", "ratio", "raw_us_per_client",
              "rss_per_client_kib", "lateness_p99_ms", "cpu_s"):
        assert isinstance(x[k], num), (m, k, x.get(k))
    for k in ("joined_per_s", "raw_per_s", "ratio", "raw_us_per_client"):
        assert x[k] > 0, (m, k, x[k])
    assert set(x["targets"]) == {"joined_per_s_ge_1000",
        "rss_per_client_le_2kib", "zero_failures", "lateness_p99_lt_50ms"}, x
    assert isinstance(x["dhcp_server_cpu_us_per_client"], num), (m, x)
    assert x["phases"]["dhcp"]["count"] == 320, (m, x["phases"])
    assert x["phases"]["total"]["count"] == 320, (m, x["phases"])
# WPA2-PSK adds the 4-way handshake: more datagrams and its crypto
assert r["wpa2"]["datagrams_per_client"] > r["open"]["datagrams_per_client"], r
assert r["wpa2"]["raw_us_per_client"] > r["open"]["raw_us_per_client"], r
assert r["wpa2"]["phases"]["l2auth"]["count"] == 320, r["wpa2"]["phases"]
assert r["open"]["phases"]["l2auth"]["count"] == 0, r["open"]["phases"]
print("bench_clients: open %.0f/s, wpa2 %.0f/s, 0 failures" %
      (r["open"]["joined_per_s"], r["wpa2"]["joined_per_s"]))
PY
echo "bench_clients: ok"
