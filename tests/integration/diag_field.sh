#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The field cases of issue 11 through `capsim run` against a `capsim wlc`
# process that misbehaves (or a --rule): each gets its own verdict and the
# report names the APs it applies to.  Every case uses its own random
# 127.X.Y.0/24, so parallel runs do not meet.
#   advertise   the Discovery Response names a Control IPv4 Address where
#               nothing listens -> control-address-unreachable
#   drop-cfg    the controller never answers Configuration Status Request
#               -> request-ignored, naming the message
#   no-echo     the controller answers everything but Echo Request
#               -> echo-unanswered
#   frozen      the controller process stopped (SIGSTOP) with the APs in Run
#               -> controller-unresponsive (nobody back in Run, never
#               wlc-restart)
#   firewall    WLC->AP DTLS dropped from 5 s on, while in Run
#               -> return-path-loss (never wlc-restart)
#   cipher      AP offers only AES256-SHA, the WLC allows only
#               ECDHE-RSA-AES128-GCM -> dtls-mismatch, and `capsim analyze`
#               of the run's capture says the same
set -euo pipefail
. "$(dirname "$0")/net.inc"
cs_net_claim16 # a /16 of this run (net.inc): one /24 in it per case
tmp=$(mktemp -d)
wlc_pid=
cleanup() {
	if [ -n "$wlc_pid" ]; then
		kill -CONT "$wlc_pid" 2>/dev/null || true
		kill "$wlc_pid" 2>/dev/null || true
		wait "$wlc_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
cs_on_exit cleanup
export CAPSIM_PKI=$tmp/pki
fail() {
	echo "FAIL ($case): $*"
	[ -f "$tmp/$case.json" ] && python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["diagnosis"], indent=1))' "$tmp/$case.json"
	[ -f "$tmp/$case.wlc" ] && tail -5 "$tmp/$case.wlc"
	exit 1
}

# a 127.X.Y.0/24 of the claimed /16 per case: .1 the WLC, .10 up the APs
cases=0
next_net() {
	cases=$((cases + 1))
	n=$CS_NET.$cases
}

start_wlc() { # ADDR ARGS...
	local addr=$1
	shift
	"$CAPSIM" wlc --listen "$addr:5246" --echo-interval 1s \
		--discovery-interval 2s "$@" >"$tmp/$case.wlc.out" \
		2>"$tmp/$case.wlc" &
	wlc_pid=$!
	for _ in $(seq 1200); do # 120 s: a loaded host
		grep -q listening "$tmp/$case.wlc" && return 0
		sleep 0.1
	done
	fail "capsim wlc did not start"
}

stop_wlc() {
	kill -CONT "$wlc_pid" 2>/dev/null || true
	kill "$wlc_pid" 2>/dev/null || true
	wait "$wlc_pid" 2>/dev/null || true
	wlc_pid=
}

run_aps() { # NET WLC ARGS...: 6 APs with short timers; exit code in $rc
	local n=$1 wlc=$2
	shift 2
	rc=0
	"$CAPSIM" run --wlc "$wlc" --aps 6 --quiet --json "$tmp/$case.json" \
		--ap-base-ip "$n.10" \
		--max-discovery-interval 300ms --discovery-interval 300ms \
		--echo-interval 1s --keepalive-interval 1s \
		--data-dead-interval 4s --retransmit-interval 500ms \
		--max-retransmit 3 --silent-interval 2s "$@" \
		>"$tmp/$case.out" 2>&1 || rc=$?
	echo "exit $rc" >"$tmp/$case.rc"
}

# check CODE COUNT [NAMES]: the diagnosis, how many APs it names, and
# which (default: all six, capsim-ap-00001..00006, with MAC and address)
check() {
	python3 - "$tmp/$case.json" "$1" "$2" "${3:-capsim-ap-00001..00006}" <<'PY' || fail "diagnosis"
import json, sys
r = json.load(open(sys.argv[1]))
d = r["diagnosis"]
want, n, names = sys.argv[2], int(sys.argv[3]), sys.argv[4]
assert d["code"] == want, (d["code"], d["summary"])
assert d["counts"].get(want) == n, d["counts"]
assert d["counts"].get("wlc-restart") is None, d["counts"]
assert d["confidence"] in ("low", "medium", "high"), d
assert d["evidence"], d
c = [c for c in d["causes"] if c["cause"] == want][0]
assert c["aps"] == n and c["ap_names"] == names, c
assert len(c["ap_list"]) == n, c
assert c["ap_list"][0]["mac"].count(":") == 5, c["ap_list"][0]
assert c["ap_list"][0]["address"].startswith("127."), c["ap_list"][0]
PY
}

# --- advertise: nothing listens at the advertised control address
case=advertise
next_net
start_wlc "$n.1" --advertise "$n.99"
run_aps "$n" "$n.1" --duration 8s
stop_wlc
[ "$rc" -eq 3 ] || fail "exit $rc, want 3"
check control-address-unreachable 6
grep -q "advertises $n.99" "$tmp/$case.json" || fail "address not named"

# --- drop-cfg: Configuration Status Request never answered
case=drop-cfg
next_net
start_wlc "$n.1" --drop-msg 5
run_aps "$n" "$n.1" --duration 8s
stop_wlc
[ "$rc" -eq 3 ] || fail "exit $rc, want 3"
check request-ignored 6
grep -q "Configuration Status Request" "$tmp/$case.json" || fail "message not named"

# --- no-echo: everything but Echo Request answered
case=no-echo
next_net
start_wlc "$n.1" --drop-msg 13
run_aps "$n" "$n.1" --duration 20s
stop_wlc
[ "$rc" -eq 3 ] || fail "exit $rc, want 3"
check echo-unanswered 6

# --- frozen: SIGSTOP with the APs in Run
case=frozen
next_net
start_wlc "$n.1"
# freeze the controller once all six APs are in Run (the events file is
# flushed every second), however long a loaded host takes to get there
run_aps "$n" "$n.1" --duration 45s --events "$tmp/$case.events" &
run_pid=$!
frozen=0
for _ in $(seq 300); do
	in_run=$({ grep '"to":"Run"' "$tmp/$case.events" 2>/dev/null |
		grep -o '"ap":[0-9]*' || true; } | sort -u | wc -l)
	if [ "${in_run:-0}" -ge 6 ]; then
		kill -STOP "$wlc_pid"
		frozen=1
		break
	fi
	sleep 0.1
done
wait "$run_pid" || true
rc=$(sed -n 's/^exit //p' "$tmp/$case.rc")
stop_wlc
[ "$frozen" -eq 1 ] || fail "the APs never all reached Run"
[ "$rc" -eq 3 ] || fail "exit $rc, want 3"
check controller-unresponsive 6
! grep -q "rejoined" "$tmp/$case.json" || fail "says rejoined"

# --- firewall: WLC->AP DTLS dropped from 5 s on
case=firewall
next_net
start_wlc "$n.1"
fw="dir=down chan=control from=5s action=drop"
run_aps "$n" "$n.1" --duration 24s \
	--rule "$fw kind=dtls-handshake" --rule "$fw kind=dtls-appdata" \
	--rule "$fw kind=dtls-ccs" --rule "$fw kind=dtls-alert"
stop_wlc
[ "$rc" -eq 3 ] || fail "exit $rc, want 3"
check return-path-loss 6

# --- cipher: no shared suite; live and analyze agree
case=cipher
next_net
start_wlc "$n.1" --ciphers ECDHE-RSA-AES128-GCM-SHA256
run_aps "$n" "$n.1" --duration 6s --ciphers AES256-SHA \
	--pcap "$tmp/cipher.pcapng" --pcap-at ap
stop_wlc
[ "$rc" -eq 3 ] || fail "exit $rc, want 3"
check dtls-mismatch 6
python3 - "$tmp/$case.json" <<'PY' || fail "summary cut"
import json, sys
d = json.load(open(sys.argv[1]))["diagnosis"]
# never a reason cut mid-word ("(3 fai.")
assert not any(w.endswith("fai.") for w in d["summary"].split()), d["summary"]
PY
arc=0
"$CAPSIM" analyze --json "$tmp/a.json" "$tmp/cipher.pcapng" >/dev/null || arc=$?
[ "$arc" -eq 3 ] || fail "analyze exit $arc, want 3"
[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["diagnosis"]["code"])' "$tmp/a.json")" = dtls-mismatch ] || fail "analyze disagrees"

# --- keep-alive replies 8 s late, data-dead interval 6 s (embedded WLC)
case=ka-late
next_net
rc=0
"$CAPSIM" run --aps 6 --duration 20s --quiet --json "$tmp/$case.json" \
	--ap-base-ip "$n.10" --wlc-listen "$n.1" \
	--max-discovery-interval 300ms --discovery-interval 300ms \
	--echo-interval 1s --keepalive-interval 1s --data-dead-interval 6s \
	--retransmit-interval 500ms --max-retransmit 3 --silent-interval 2s \
	--rule "dir=down kind=keepalive action=delay delay=8s" \
	>"$tmp/$case.out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || fail "exit $rc, want 3"
check data-channel-latency 6

# --- only the WLC's ServerHello/Certificate datagrams dropped: small ones
# lost while bigger ones arrive, so not MTU (embedded WLC: both ends
# counted)
case=selective
next_net
rc=0
"$CAPSIM" run --aps 6 --duration 10s --quiet --json "$tmp/$case.json" \
	--ap-base-ip "$n.10" --wlc-listen "$n.1" --workers 1 \
	--max-discovery-interval 300ms --discovery-interval 300ms \
	--retransmit-interval 500ms --max-retransmit 3 --silent-interval 2s \
	--rule "dir=down kind=server-hello,certificate action=drop" \
	>"$tmp/$case.out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || fail "exit $rc, want 3"
check return-path-loss 6
grep -q "not by size" "$tmp/$case.json" || fail "size evidence"

# --- local send error: --wlc 198.18.99.99 from 127.x: nothing leaves
# the host; capsim says so (exit 5), never "allow UDP 5246"
case=send-error
next_net
run_aps "$n" 198.18.99.99 --duration 4s
[ "$rc" -eq 5 ] || fail "exit $rc, want 5"
check local-send-error 6
grep -q "warning: the APs cannot send to the controller" "$tmp/$case.out" || fail "no route warning"
! grep -q "allow UDP 5246" "$tmp/$case.json" || fail "blames the firewall"
[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["diagnosis"]["self_health"]["ok"])' "$tmp/$case.json")" = False ] || fail "self_health ok"

# --- run too short: 10 s while the first Discovery may wait 20 s (RFC
# default MaxDiscoveryInterval), embedded WLC: capsim's limit (exit 5)
case=too-short
next_net
rc=0
"$CAPSIM" run --aps 6 --duration 10s --quiet --json "$tmp/$case.json" \
	--junit "$tmp/$case.xml" --ap-base-ip "$n.10" --wlc-listen "$n.1" \
	--max-discovery-interval 30s >"$tmp/$case.out" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
	[ "$rc" -eq 5 ] || fail "exit $rc, want 5"
	python3 - "$tmp/$case.json" <<'PY' || fail "run-too-short"
import json, sys
d = json.load(open(sys.argv[1]))["diagnosis"]
assert d["code"] == "run-too-short", d
assert "--duration" in d["hint"], d["hint"]
assert d["self_health"]["ok"] is False, d
PY
	grep -q 'type="capsim-limited"' "$tmp/$case.xml" || fail "JUnit error"
fi

echo "PASS: diag_field"
