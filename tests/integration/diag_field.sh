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
trap cleanup EXIT
export CAPSIM_PKI=$tmp/pki
fail() {
	echo "FAIL ($case): $*"
	[ -f "$tmp/$case.json" ] && python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["diagnosis"], indent=1))' "$tmp/$case.json"
	[ -f "$tmp/$case.wlc" ] && tail -5 "$tmp/$case.wlc"
	exit 1
}

# a random 127.X.Y.0/24 per case: .1 the WLC, .10 up the APs
net() { echo "127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1))"; }

start_wlc() { # ADDR ARGS...
	local addr=$1
	shift
	"$CAPSIM" wlc --listen "$addr:5246" --echo-interval 1s \
		--discovery-interval 2s "$@" >"$tmp/$case.wlc.out" \
		2>"$tmp/$case.wlc" &
	wlc_pid=$!
	for _ in $(seq 100); do
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
}

# check CODE COUNT: the diagnosis and how many APs it names
check() {
	python3 - "$tmp/$case.json" "$1" "$2" <<'PY' || fail "diagnosis"
import json, sys
r = json.load(open(sys.argv[1]))
d = r["diagnosis"]
want, n = sys.argv[2], int(sys.argv[3])
assert d["code"] == want, (d["code"], d["summary"])
assert d["counts"].get(want) == n, d["counts"]
assert d["counts"].get("wlc-restart") is None, d["counts"]
assert d["confidence"] in ("low", "medium", "high"), d
assert d["evidence"], d
PY
}

# --- advertise: nothing listens at the advertised control address
case=advertise
n=$(net)
start_wlc "$n.1" --advertise "$n.99"
run_aps "$n" "$n.1" --duration 8s
stop_wlc
[ "$rc" -eq 3 ] || fail "exit $rc, want 3"
check control-address-unreachable 6
grep -q "advertises $n.99" "$tmp/$case.json" || fail "address not named"

# --- drop-cfg: Configuration Status Request never answered
case=drop-cfg
n=$(net)
start_wlc "$n.1" --drop-msg 5
run_aps "$n" "$n.1" --duration 8s
stop_wlc
[ "$rc" -eq 3 ] || fail "exit $rc, want 3"
check request-ignored 6
grep -q "Configuration Status Request" "$tmp/$case.json" || fail "message not named"

# --- no-echo: everything but Echo Request answered
case=no-echo
n=$(net)
start_wlc "$n.1" --drop-msg 13
run_aps "$n" "$n.1" --duration 20s
stop_wlc
[ "$rc" -eq 3 ] || fail "exit $rc, want 3"
check echo-unanswered 6

# --- frozen: SIGSTOP with the APs in Run
case=frozen
n=$(net)
start_wlc "$n.1"
(sleep 4 && kill -STOP "$wlc_pid") &
run_aps "$n" "$n.1" --duration 20s
stop_wlc
[ "$rc" -eq 3 ] || fail "exit $rc, want 3"
check controller-unresponsive 6
! grep -q "rejoined" "$tmp/$case.json" || fail "says rejoined"

# --- firewall: WLC->AP DTLS dropped from 5 s on
case=firewall
n=$(net)
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
n=$(net)
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

echo "PASS: diag_field"
