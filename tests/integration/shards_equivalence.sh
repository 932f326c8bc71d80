#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Issue 17: N shard processes (`capsim run --shard I/N --start-at T`)
# against one `capsim wlc`, merged with `capsim merge`, equal one run of
# all the APs: the same joined / in-Run counts, the same verdict, and
# merged percentiles that are exactly those of the union of the shards'
# histograms (the one run's own histogram would hold the same samples;
# its latencies, measured in another run, are only compared loosely).
# N = 1, 2, 4; N = 2 with wireless clients (their counts, percentiles,
# verdict and MACs); then a run where shard 1's path drops the WLC's DTLS
# replies: the merged diagnosis names exactly that shard's APs, as the
# one run with the same drop aimed at those APs does.  Also: a missing
# shard makes the merge incomplete (exit 6) and names it.
set -euo pipefail
. "$(dirname "$0")/net.inc"
cs_net_claim
tmp=$(mktemp -d)
wlc_pid= cwlc_pid= dm_pid=
cleanup() {
	for p in $wlc_pid $cwlc_pid $dm_pid; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
cs_on_exit cleanup
export CAPSIM_PKI=$tmp/pki
fail() { echo "FAIL: $*"; exit 1; }

APS=16
wlc="$CS_NET.250"
"$CAPSIM" wlc --listen "$wlc:5246" --echo-interval 1s --max-wtps 1000 \
	>"$tmp/wlc.out" 2>"$tmp/wlc.err" &
wlc_pid=$!
cs_wait_for "$tmp/wlc.err" listening || { cat "$tmp/wlc.err"; fail "wlc"; }

# the same population, timers and seed for every run
common=(--wlc "$wlc" --aps "$APS" --ap-base-ip "$CS_NET.1" --seed 5
	--quiet --max-discovery-interval 300ms --discovery-interval 300ms
	--echo-interval 1s --keepalive-interval 1s --data-dead-interval 4s
	--retransmit-interval 500ms --max-retransmit 3 --wait-dtls 4s
	--silent-interval 2s --workers 1)

# one_run NAME DURATION ARGS...: the whole population in one process
one_run() {
	local name=$1 dur=$2
	shift 2
	rc=0
	"$CAPSIM" run "${common[@]}" --duration "$dur" \
		--json "$tmp/$name.json" "$@" >"$tmp/$name.out" 2>&1 || rc=$?
	echo "$rc" >"$tmp/$name.rc"
}

# shards NAME N DURATION BAD ARGS...: N shard processes started together;
# shard BAD (or every shard: -1) also gets the extra ARGS; then the merge
shards() {
	local name=$1 n=$2 dur=$3 bad=$4 i pids=() at
	shift 4
	# a start time far enough ahead for every shard's start-up on a
	# loaded host; a late one says so in its report
	at=$(date -u -d '+6 sec' +%FT%T.000Z)
	for ((i = 0; i < n; i++)); do
		if [ "$i" -eq "$bad" ] || [ "$bad" -eq -1 ]; then
			extra=("$@")
		else
			extra=()
		fi
		"$CAPSIM" run "${common[@]}" --duration "$dur" \
			--shard "$i/$n" --start-at "$at" \
			--json "$tmp/$name.$i.json" "${extra[@]}" \
			>"$tmp/$name.$i.out" 2>&1 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || true; done
	files=()
	for ((i = 0; i < n; i++)); do files+=("$tmp/$name.$i.json"); done
	rc=0
	"$CAPSIM" merge "${files[@]}" -o "$tmp/$name.json" \
		--junit "$tmp/$name.xml" --html "$tmp/$name.html" \
		>"$tmp/$name.out" 2>&1 || rc=$?
	echo "$rc" >"$tmp/$name.rc"
}

# compare REF MERGED N [BAD_FIRST BAD_COUNT]
compare() {
	python3 - "$tmp" "$@" <<'PY'
import json, math, sys
tmp, ref, merged, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
bad = (int(sys.argv[5]), int(sys.argv[6])) if len(sys.argv) > 6 else None
R = json.load(open(f"{tmp}/{ref}.json"))
M = json.load(open(f"{tmp}/{merged}.json"))
S = [json.load(open(f"{tmp}/{merged}.{i}.json")) for i in range(n)]
def fail(msg):
    print(f"FAIL {merged}: {msg}")
    sys.exit(1)
# the shards are a partition of the population, by global index
seen = sorted(a["index"] for s in S for a in s["ap_results"]["aps"])
if seen != list(range(R["aps"])):
    fail(f"shards ran APs {seen}, not 0..{R['aps'] - 1} once each")
names = {a["index"]: (a["name"], a["address"], a["mac"])
         for s in S for a in s["ap_results"]["aps"]}
for k, v in names.items():
    want = ("capsim-ap-%05d" % (k + 1))
    if v[0] != want:
        fail(f"AP {k} named {v[0]}, the one run names it {want}")
if not M["merge"]["complete"] or M["merge"]["problems"]:
    fail(f"merge incomplete: {M['merge']['problems']}")
for k in ("aps", "joined", "in_run", "failed", "passed"):
    if M[k] != R[k]:
        fail(f"{k}: merged {M[k]}, one run {R[k]}")
if M["diagnosis"]["code"] != R["diagnosis"]["code"]:
    fail(f"verdict: merged {M['diagnosis']['code']}, one run "
         f"{R['diagnosis']['code']}")
# the merged histogram is the union of the shards' buckets, and its
# percentiles are exactly the nearest-rank ones of that union
for ph, h in M["histograms"].items():
    union = {}
    for s in S:
        for up, c in s["histograms"][ph]["buckets"]:
            union[up] = union.get(up, 0) + c
    count = sum(union.values())
    if count != h["count"] or sorted(union.items()) != \
            sorted((b[0], b[1]) for b in h["buckets"]):
        fail(f"{ph}: merged buckets are not the union of the shards'")
    if count != R["histograms"][ph]["count"]:
        fail(f"{ph}: {count} samples merged, the one run has "
             f"{R['histograms'][ph]['count']}")
    if count == 0:
        continue
    edges = sorted(union.items())
    mx = max(s["histograms"][ph]["max_ms"] for s in S)
    for q, key in ((0.5, "p50_ms"), (0.95, "p95_ms"), (0.99, "p99_ms"),
                   (0.999, "p999_ms")):
        rank, acc = math.ceil(q * count), 0
        for up, c in edges:
            acc += c
            if acc >= rank:
                want = min(up, mx)
                break
        # the bucket edge of the true sample is within 1/128 above it
        if abs(h[key] - want) > 1e-6:
            fail(f"{ph} {key}: merged {h[key]}, union of shards {want}")
    # a separate run of the same APs: the same scale, not the same value
    r50 = R["histograms"][ph]["p50_ms"]
    if ph == "total" and not (h["p50_ms"] < 10 * r50 + 500 and
                              r50 < 10 * h["p50_ms"] + 500):
        fail(f"total p50 {h['p50_ms']} ms vs one run {r50} ms")
if bad is not None:
    first, count = bad
    want = sorted("capsim-ap-%05d" % (k + 1) for k in range(first, first + count))
    causes = M["diagnosis"].get("causes", [])
    got = sorted(a["name"] for c in causes for a in c["ap_list"])
    if got != want:
        fail(f"diagnosis names {got}, shard's APs are {want}")
    rcs = R["diagnosis"].get("causes", [])
    if sorted(a["name"] for c in rcs for a in c["ap_list"]) != want:
        fail("the one run with the same drop names other APs")
    if [c["cause"] for c in causes] != [c["cause"] for c in rcs]:
        fail(f"causes {[c['cause'] for c in causes]}, one run "
             f"{[c['cause'] for c in rcs]}")
    for a in M["ap_results"]["aps"]:
        exp = rcs[0]["cause"] if first <= a["index"] < first + count else "ok"
        if a["verdict"] != exp:
            fail(f"AP {a['index']} verdict {a['verdict']}, want {exp}")
t = M["merge"]["shards"]
print(f"{merged}: {n} shards = one run: joined {M['joined']}/{M['aps']}, "
      f"verdict {M['diagnosis']['code']}, join p50 "
      f"{M['histograms']['total']['p50_ms']:.0f} ms (one run "
      f"{R['histograms']['total']['p50_ms']:.0f} ms); start offsets "
      f"{[s['start_offset_ms'] for s in t]} ms")
PY
}

one_run ref 6s
[ "$(cat "$tmp/ref.rc")" = 0 ] || { cat "$tmp/ref.out"; fail "one run: exit $(cat "$tmp/ref.rc")"; }
for n in 1 2 4; do
	shards "eq$n" "$n" 6s -1
	[ "$(cat "$tmp/eq$n.rc")" = 0 ] || { cat "$tmp/eq$n.out" "$tmp"/eq$n.*.out; fail "merge of $n: exit $(cat "$tmp/eq$n.rc")"; }
	cs_check_report "$tmp/eq$n.json" "$tmp/eq$n.0.json"
	compare ref "eq$n" "$n"
	grep -q '<testsuite' "$tmp/eq$n.xml" || fail "no JUnit"
	grep -q '<html' "$tmp/eq$n.html" || fail "no HTML page"
	[ "$n" = 1 ] || grep -Eq '^capsim merge: the shards started within [0-9]+ ms of each other' "$tmp/eq$n.out" ||
		{ cat "$tmp/eq$n.out"; fail "merge of $n does not say how far apart the shards started"; }
done

# expectations are evaluated again on the merged run: `joined == 16`
# fails in each 8-AP shard and holds for the run
cat >"$tmp/eq.yaml" <<'YAML'
name: shard-expect
expect:
  - joined == 16
  - in_run == 100%
  - diagnosis == ok
YAML
shards expect 2 6s -1 "$tmp/eq.yaml"
[ "$(cat "$tmp/expect.rc")" = 0 ] || { cat "$tmp/expect.out"; fail "merge with expectations: exit $(cat "$tmp/expect.rc")"; }
python3 - "$tmp" <<'PY' || fail "expectations not evaluated again"
import json, sys
t = sys.argv[1]
m = json.load(open(f"{t}/expect.json"))
s0 = json.load(open(f"{t}/expect.0.json"))
assert [e["pass"] for e in m["expectations"]] == [True] * 3, m["expectations"]
assert s0["expectations"][0]["pass"] is False, s0["expectations"][0]
assert m["passed"] is True and s0["passed"] is False
assert m["scenario"]["name"] == "shard-expect"
PY
grep -q 'joined == 16' "$tmp/expect.xml" || fail "JUnit lacks the expectation"

# wireless clients: 2 per AP behind one `capsim wlc --wlan` whose DHCP
# relay reaches a real dnsmasq; 2 shards equal the one run: the same
# client counts and verdict, merged percentiles exactly those of the
# union of the shards' buckets, and the client MACs (sliced by global
# AP index) disjoint between the shards and the one run's set
if command -v dnsmasq >/dev/null; then
	dport=$(cs_free_port 0.0.0.0 2)
	# the clients' subnet is the upper half of this test's /24: its
	# gateway (.129, the WLC's relay address) is no AP's address
	dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv \
		--no-hosts --port=0 --bind-interfaces --interface=lo \
		--listen-address="$CS_NET.240" \
		--dhcp-alternate-port="$dport,$((dport + 1))" --no-ping \
		--dhcp-range="$CS_NET.140,$CS_NET.230,255.255.255.128,1h" \
		--dhcp-leasefile="$tmp/leases" --log-dhcp \
		--log-facility="$tmp/dm.log" &
	dm_pid=$!
	cs_wait_for "$tmp/dm.log" 'DHCP, IP range' 30 ||
		{ cat "$tmp/dm.log"; fail "dnsmasq did not start"; }
	wport=$(cs_free_port "$CS_NET.251" 2)
	"$CAPSIM" wlc --listen "$CS_NET.251:$wport" --echo-interval 1s \
		--max-wtps 1000 --wlan capsim-shards \
		--client-subnet "$CS_NET.128/25" \
		--client-dhcp-server "$CS_NET.240:$dport" \
		>"$tmp/cwlc.out" 2>"$tmp/cwlc.err" &
	cwlc_pid=$!
	cs_wait_for "$tmp/cwlc.err" listening || { cat "$tmp/cwlc.err"; fail "wlc --wlan"; }
	saved=("${common[@]}")
	common[1]="$CS_NET.251:$wport"
	common+=(--clients-per-ap 2 --wlan capsim-shards)
	# --per-ap: the one run lists its clients' facts (and MACs) too
	one_run cref 8s --per-ap
	[ "$(cat "$tmp/cref.rc")" = 0 ] || { cat "$tmp/cref.out"; fail "one run with clients: exit $(cat "$tmp/cref.rc")"; }
	shards cl 2 8s -1
	[ "$(cat "$tmp/cl.rc")" = 0 ] || { cat "$tmp/cl.out" "$tmp"/cl.*.out; fail "merge with clients: exit $(cat "$tmp/cl.rc")"; }
	common=("${saved[@]}")
	kill "$cwlc_pid" "$dm_pid" 2>/dev/null || true
	wait "$cwlc_pid" "$dm_pid" 2>/dev/null || true
	cwlc_pid= dm_pid=
	cs_check_report "$tmp/cref.json" "$tmp/cl.json" "$tmp/cl.0.json"
	compare cref cl 2
	python3 - "$tmp" <<'PY' || fail "clients of the merged run"
import json, math, sys
t = sys.argv[1]
R = json.load(open(f"{t}/cref.json"))["clients"]
M = json.load(open(f"{t}/cl.json"))["clients"]
S = [json.load(open(f"{t}/cl.{i}.json")) for i in range(2)]
def fail(msg):
    print(f"FAIL clients: {msg}")
    sys.exit(1)
want = 16 * 2
for k in ("clients", "joined", "failed", "failures_other"):
    if M[k] != R[k]:
        fail(f"{k}: merged {M[k]}, one run {R[k]}")
if M["clients"] != want or M["joined"] != want:
    fail(f"{M['joined']} of {M['clients']} clients joined, want {want}")
if M["states"] != R["states"]:
    fail(f"states: merged {M['states']}, one run {R['states']}")
if M["diagnosis"]["code"] != R["diagnosis"]["code"]:
    fail(f"verdict: merged {M['diagnosis']['code']}, one run "
         f"{R['diagnosis']['code']}")
# every client once, on its shard's APs, the one run's MACs
fi = M["results"]["fields"]
name, ap = fi.index("name"), fi.index("ap")
per = []
for s in S:
    sh = s["shard"]
    rows = s["clients"]["results"]["clients"]
    for r in rows:
        if not sh["first_ap"] <= r[ap] < sh["first_ap"] + sh["aps"]:
            fail(f"client {r[name]} on AP {r[ap]}, not shard "
                 f"{sh['index']}'s")
    per.append({r[name] for r in rows})
if per[0] & per[1]:
    fail(f"both shards ran clients {sorted(per[0] & per[1])}")
one = [r[name] for r in R["results"]["clients"]]
if len(set(one)) != want or per[0] | per[1] != set(one):
    fail(f"shards' client MACs {sorted(per[0] | per[1])} are not the "
         f"one run's {sorted(one)}")
if sorted(r[name] for r in M["results"]["clients"]) != sorted(one):
    fail("the merged report lists other clients")
# each phase: merged = union of the shards' buckets, nearest rank
for ph, h in M["phases"].items():
    union = {}
    for s in S:
        for up, c in s["clients"]["histograms"][ph]["buckets"]:
            union[up] = union.get(up, 0) + c
    count = sum(union.values())
    if count != h["count"] or count != R["phases"][ph]["count"]:
        fail(f"{ph}: {h['count']} merged, {count} in the shards, "
             f"{R['phases'][ph]['count']} in the one run")
    if count == 0:
        continue
    mx = max(s["clients"]["histograms"][ph]["max_ms"] for s in S)
    for q, key in ((0.5, "p50_ms"), (0.95, "p95_ms"), (0.99, "p99_ms"),
                   (0.999, "p999_ms")):
        rank, acc = math.ceil(q * count), 0
        for up, c in sorted(union.items()):
            acc += c
            if acc >= rank:
                w = min(up, mx)
                break
        if abs(h[key] - w) > 1e-6:
            fail(f"{ph} {key}: merged {h[key]}, union of shards {w}")
    r50 = R["phases"][ph]["p50_ms"]
    if ph == "total" and not (h["p50_ms"] < 10 * r50 + 500 and
                              r50 < 10 * h["p50_ms"] + 500):
        fail(f"total p50 {h['p50_ms']} ms vs one run {r50} ms")
print(f"clients: 2 shards = one run: {M['joined']}/{M['clients']} joined, "
      f"verdict {M['diagnosis']['code']}, total p50 "
      f"{M['phases']['total']['p50_ms']:.0f} ms (one run "
      f"{R['phases']['total']['p50_ms']:.0f} ms)")
PY
	grep -q '"clients"' "$tmp/cl.html" || fail "the merged HTML page has no clients"
	# ... and a browser draws them: the merged run's clients section
	chromium=$(command -v chromium || command -v chromium-browser || true)
	if [ -n "$chromium" ]; then
		"$chromium" --headless --no-sandbox --disable-gpu \
			--user-data-dir="$tmp/cr" --virtual-time-budget=15000 \
			--window-size=1200,900 --dump-dom "file://$tmp/cl.html" \
			>"$tmp/cl.dom" 2>"$tmp/cl.chrome" ||
			{ tail -20 "$tmp/cl.chrome"; fail "chromium --dump-dom"; }
		python3 - "$tmp/cl.dom" <<'PY' || fail "merged HTML page: clients"
import html, json, re, sys
dom = open(sys.argv[1]).read()
m = re.search(r'<pre id="capsim-status"[^>]*>(.*?)</pre>', dom, re.S)
assert m, "the page never wrote #capsim-status"
st = json.loads(html.unescape(m.group(1)))
assert st["errors"] == [], st["errors"]
i = dom.find("Wireless clients")
assert i >= 0, "no clients section"
text = " ".join(re.sub(r"<[^>]+>", " ", dom[i:i + 4000]).split())
assert "created 32 joined 32 failed 0" in text, text[:400]
PY
	else
		echo "NOTE: merged HTML not drawn (no chromium)"
	fi
	grep -q '^capsim merge: clients: 32 of 32 joined, 0 failed' "$tmp/cl.out" ||
		{ cat "$tmp/cl.out"; fail "merge does not say how the clients did"; }
else
	echo "NOTE: clients not checked (no dnsmasq: tools/deps.sh test installs it)"
fi

# shard 1 of 4 (APs 4..7) behind a firewall that drops the WLC's DTLS
# replies; the one run drops the same APs' replies (global indexes).
# Against an external controller whose side capsim cannot see, both say
# the same honest thing: ClientHellos unanswered, forward or return path
# unknown (inconclusive, exit 4), naming those four APs
drop="dir=down kind=dtls-handshake action=drop"
one_run refdrop 10s --rule "$drop aps=4-7"
[ "$(cat "$tmp/refdrop.rc")" = 4 ] || { cat "$tmp/refdrop.out"; fail "one run with drops: exit $(cat "$tmp/refdrop.rc"), want 4"; }
shards drop 4 10s 1 --rule "$drop"
[ "$(cat "$tmp/drop.rc")" = 4 ] || { cat "$tmp/drop.out"; fail "merge with drops: exit $(cat "$tmp/drop.rc"), want 4"; }
cs_check_report "$tmp/drop.json"
compare refdrop drop 4 4 4

# a shard missing: named, the run incomplete (exit 6), the report written
rc=0
"$CAPSIM" merge "$tmp/eq4.0.json" "$tmp/eq4.1.json" "$tmp/eq4.3.json" \
	"$tmp/no-such.json" -o "$tmp/part.json" >"$tmp/part.out" 2>&1 || rc=$?
[ "$rc" = 6 ] || { cat "$tmp/part.out"; fail "partial merge: exit $rc, want 6"; }
grep -q "shard 2/4: no report" "$tmp/part.out" || fail "missing shard not named"
grep -q "no-such.json: cannot read" "$tmp/part.out" || fail "unreadable report not named"
python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
assert m["merge"]["complete"] is False and m["passed"] is False, m["merge"]
assert m["aps"] == 16 and m["joined"] == 12, (m["aps"], m["joined"])
' "$tmp/part.json" || fail "partial merge report"
echo "shards_equivalence: ok"
