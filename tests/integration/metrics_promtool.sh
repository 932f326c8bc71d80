#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# /metrics as Prometheus users expect (docs/metrics.md): `capsim wlc
# --metrics-listen` and `capsim run --metrics-listen` are scraped while
# APs join; `promtool check metrics` must accept each scrape (skipped
# with a message when promtool is absent), and the values must say what
# happened: the probe's join and its orderly disconnect, the run's APs in
# Run.  On a loopback /24 of its own.
set -euo pipefail
: "${CAPSIM:?CAPSIM not set}"
. "$(dirname "$0")/net.inc"
cs_net_claim
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d)
wlc_pid=
cleanup() {
  [ -n "$wlc_pid" ] && kill "$wlc_pid" 2>/dev/null && wait "$wlc_pid" 2>/dev/null
  rm -rf "$tmp"
}
cs_on_exit cleanup
export CAPSIM_PKI=$tmp/pki
have_promtool=true
command -v promtool >/dev/null || {
  have_promtool=false
  echo "NOTE: promtool not installed (tools/deps.sh test installs it): the"
  echo "      exposition format is not checked, the values still are"
}
scrape() { # url file
  python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' "$1" >"$2"
}
check() { # file
  if $have_promtool; then
    promtool check metrics <"$1" >"$1.lint" 2>&1 ||
      { cat "$1.lint"; fail "promtool check metrics: $1"; }
  fi
}
value() { # file sample-prefix
  awk -v k="$2" 'index($0, k " ") == 1 { print $NF; found = 1 } END { exit !found }' "$1"
}

# the mock WLC: a probe joins and leaves in order
mport=$(cs_free_port "$CS_NET.250")
"$CAPSIM" wlc --listen "$CS_NET.250:5246" --metrics-listen "$CS_NET.250:$mport" \
  >"$tmp/wlc.out" 2>"$tmp/wlc.err" &
wlc_pid=$!
cs_wait_for "$tmp/wlc.err" listening || { cat "$tmp/wlc.err"; fail "WLC did not start"; }
cs_wait_http "http://$CS_NET.250:$mport/metrics" || fail "/metrics did not answer"
"$CAPSIM" probe --wlc "$CS_NET.250" --ap-ip "$CS_NET.1" --profile rfc5415 \
  --timeout 60s >"$tmp/probe.txt" 2>&1 || { cat "$tmp/probe.txt"; fail "probe failed"; }
scrape "http://$CS_NET.250:$mport/metrics" "$tmp/wlc.prom"
check "$tmp/wlc.prom"
[ "$(value "$tmp/wlc.prom" 'capsim_wlc_join_responses_total{result_code="0"}')" = 1 ] ||
  { cat "$tmp/wlc.prom"; fail "WLC: one successful Join Response expected"; }
[ "$(value "$tmp/wlc.prom" capsim_wlc_sessions_opened_total)" = 1 ] ||
  fail "WLC: one session expected"
# the probe left in order (close_notify): a disconnect, not a Run failure,
# in /metrics and in the SIGUSR1 statistics alike
[ "$(value "$tmp/wlc.prom" capsim_wlc_disconnects_total)" = 1 ] ||
  { cat "$tmp/wlc.prom"; fail "WLC: the probe's orderly disconnect not counted"; }
[ "$(value "$tmp/wlc.prom" 'capsim_wlc_failures_total{phase="run"}')" = 0 ] ||
  fail "WLC: the probe's disconnect counted as a Run failure"
kill -USR1 "$wlc_pid"
cs_wait_for "$tmp/wlc.out" "Failures by phase" ||
  { cat "$tmp/wlc.out"; fail "no SIGUSR1 statistics"; }
grep -q "Run 0" "$tmp/wlc.out" || { cat "$tmp/wlc.out"; fail "SIGUSR1: a Run failure"; }
grep -q "1 left Run in order" "$tmp/wlc.out" || { cat "$tmp/wlc.out"; fail "SIGUSR1: no orderly disconnect"; }
grep -q '^# TYPE capsim_process_open_fds gauge' "$tmp/wlc.prom" ||
  fail "WLC: no self-health metrics"
grep -q '^capsim_aps' "$tmp/wlc.prom" && fail "WLC: AP families in capsim wlc"
# capsim's own health (issue 12): the loop's lateness histogram, kernel
# drops, queues, the WLC's overload gate (it admitted the probe), CPU per
# worker
for fam in 'capsim_loop_lateness_seconds histogram' \
    'capsim_kernel_receive_drops_total counter' \
    'capsim_queue_length gauge' 'capsim_worker_cpu_seconds_total counter' \
    'capsim_wlc_handshake_admission_total counter'; do
  grep -q "^# TYPE $fam\$" "$tmp/wlc.prom" || fail "WLC: no $fam"
done
[ "$(value "$tmp/wlc.prom" 'capsim_wlc_handshake_admission_total{outcome="admitted"}')" = 1 ] ||
  { cat "$tmp/wlc.prom"; fail "WLC: the probe's handshake not admitted once"; }
[ "$(value "$tmp/wlc.prom" 'capsim_loop_lateness_seconds_bucket{le="+Inf"}')" = \
  "$(value "$tmp/wlc.prom" capsim_loop_lateness_seconds_count)" ] ||
  fail "WLC: lateness +Inf bucket is not the count"
value "$tmp/wlc.prom" 'capsim_worker_cpu_seconds_total{worker="0"}' >/dev/null ||
  fail "WLC: no CPU for worker 0"
grep -q '^capsim_inflight_window' "$tmp/wlc.prom" &&
  fail "WLC: an AP-side window in capsim wlc"

# capsim run: 20 APs join the WLC; a scrape while they run has the
# AP side's window and its handshake queue (scraped as soon as /metrics
# answers: the run is long enough for a loaded host)
rport=$(cs_free_port "$CS_NET.251")
"$CAPSIM" run --wlc "$CS_NET.250" --aps 20 --skip-discovery --duration 20s \
  --quiet --ap-base-ip "$CS_NET.10" --max-inflight 4 \
  --metrics-listen "$CS_NET.251:$rport" >"$tmp/run.out" 2>"$tmp/run.err" &
run_pid=$!
cs_wait_http "http://$CS_NET.251:$rport/metrics" || fail "run: /metrics did not answer"
scrape "http://$CS_NET.251:$rport/metrics" "$tmp/run.prom"
wait "$run_pid" || { cat "$tmp/run.err"; fail "run: capsim run failed"; }
check "$tmp/run.prom"
w=$(value "$tmp/run.prom" capsim_inflight_window) ||
  { cat "$tmp/run.prom"; fail "run: no capsim_inflight_window"; }
[ "$w" -ge 1 ] && [ "$w" -le 4 ] || fail "run: window $w outside 1..4 (--max-inflight 4)"
value "$tmp/run.prom" 'capsim_queue_length{queue="ap_handshake_slots"}' >/dev/null ||
  fail "run: no AP handshake queue"
value "$tmp/run.prom" 'capsim_inflight_window_cuts_total{cause="latency"}' >/dev/null ||
  fail "run: no window cuts by cause"
value "$tmp/run.prom" capsim_handshakes_in_flight >/dev/null ||
  fail "run: no handshakes in flight"

# an out-of-range port is refused, not bound at random
rc=0
"$CAPSIM" wlc --listen "$CS_NET.251" --metrics-listen "$CS_NET.251:99999" \
  2>"$tmp/e" || rc=$?
[ "$rc" -eq 2 ] || fail "--metrics-listen :99999 exited $rc, expected 2"
grep -q "cannot serve /metrics on $CS_NET.251:99999" "$tmp/e" || { cat "$tmp/e"; fail "no error for :99999"; }

# the wireless clients' families (issue 14): test_client_metrics renders
# them from real station events (joins, a DHCP failure, two association
# refusals with status 17); the text must lint and carry bounded labels
: "${CS_BUILD:?CS_BUILD not set}"
CS_PROM_OUT=$tmp/clients.prom "$CS_BUILD/tests/test_client_metrics" \
  >"$tmp/clients.log" 2>&1 || { cat "$tmp/clients.log"; fail "test_client_metrics"; }
check "$tmp/clients.prom"
v=$(value "$tmp/clients.prom" 'capsim_client_failures_total{phase="assoc",reason="association-refused",code="17"}') ||
  { cat "$tmp/clients.prom"; fail "clients: no association refusals by code"; }
[ "$v" -eq 2 ] || fail "clients: $v association refusals, expected 2"
v=$(value "$tmp/clients.prom" 'capsim_clients{state="run"}') || fail "clients: no capsim_clients"
[ "$v" -eq 2 ] || fail "clients: $v in run, expected 2"
v=$(value "$tmp/clients.prom" 'capsim_client_phase_duration_seconds_count{phase="dhcp"}') ||
  fail "clients: no DHCP phase histogram"
[ "$v" -eq 2 ] || fail "clients: $v DHCP samples, expected 2"
echo "PASS: metrics (promtool: $have_promtool)"
