#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Grows the committed fuzz corpora: runs each named libFuzzer target (fuzz
# preset, built beforehand) for SECONDS at the lowest CPU priority, one
# process at a time, then minimises the committed corpus and what the run
# found into a fresh directory (-merge=1) and puts that in its place.
# Hand-named seeds (regressions, names that are not a SHA-1) are kept even
# when the merge would drop them; a run that found no new feature leaves
# the corpus as it is.  A crash stops that target's merge and
# leaves its artifact in the work directory; the script says so and exits
# non-zero at the end.  Prints one line a target: runs, CPU seconds,
# exec/s per CPU second, cov/ft, corpus files before and after.
#
#   tools/fuzz-campaign.sh SECONDS TARGET...
#   env: WORK (default /tmp/fuzz-campaign), MAX_LEN (default 4096),
#        RUNS (stop after this many runs, or at SECONDS, whichever first),
#        ASAN_OPTIONS (default below: a small quarantine and no malloc
#        fill, which halve the time of allocation-heavy targets; the
#        checks themselves are unchanged)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
[ $# -ge 2 ] || {
  echo "usage: tools/fuzz-campaign.sh SECONDS TARGET..." >&2
  exit 2
}
secs=$1
shift
work=${WORK:-/tmp/fuzz-campaign}
max_len=${MAX_LEN:-4096}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:quarantine_size_mb=16:max_malloc_fill_size=0:malloc_context_size=4}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
for t in "$@"; do
  bin=build/fuzz/tests/$t
  corpus=tests/fuzz/corpus/$t
  if [ ! -x "$bin" ] || [ ! -d "$corpus" ]; then
    echo "$t: no $bin or no $corpus (build the fuzz preset first)" >&2
    failed=1
    continue
  fi
  new=$work/$t/new
  merged=$work/$t/merged
  rm -rf "$merged"
  mkdir -p "$new" "$merged"
  before=$(find "$corpus" -type f | wc -l)
  /usr/bin/time -f '%U %S' -o "$work/$t/cpu" \
    nice -n 19 "$bin" -max_total_time="$secs" -runs="${RUNS:--1}" \
    -max_len="$max_len" \
    -print_final_stats=1 -artifact_prefix="$work/$t/" \
    "$new" "$corpus" >"$work/$t/run.log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t/run.log")
  covft=$(grep -E '^#[0-9]+' "$work/$t/run.log" | tail -1 |
    sed -n 's/.*\(cov: [0-9]* ft: [0-9]*\).*/\1/p')
  cpu=$(awk '{ printf "%.1f", $1 + $2 }' "$work/$t/cpu" 2>/dev/null)
  if [ "$rc" -ne 0 ]; then
    echo "$t: FAILED (exit $rc) after ${runs:-?} runs; see $work/$t/run.log"
    failed=1
    continue
  fi
  ft0=$(sed -n 's/.*INITED .*ft: \([0-9]*\).*/\1/p' "$work/$t/run.log")
  ft1=$(sed -n 's/.*DONE .*ft: \([0-9]*\).*/\1/p' "$work/$t/run.log")
  if [ -z "$ft0" ] || [ -z "$ft1" ] || [ "$ft1" -le "$ft0" ]; then
    # nothing new: a merge would only swap inputs for equivalent ones
    echo "$t: ${runs:-?} runs (at most ${secs} s; ${cpu} s CPU), $covft, nothing new; corpus kept ($before files)"
    continue
  fi
  nice -n 19 "$bin" -merge=1 "$merged" "$corpus" "$new" \
    >"$work/$t/merge.log" 2>&1 || {
    echo "$t: merge failed; see $work/$t/merge.log"
    failed=1
    continue
  }
  for f in "$corpus"/*; do
    b=$(basename "$f")
    [[ $b =~ ^[0-9a-f]{40}$ ]] || cp -p "$f" "$merged/$b"
  done
  rm -rf "$corpus"
  cp -r "$merged" "$corpus"
  after=$(find "$corpus" -type f | wc -l)
  eps=$(awk -v r="${runs:-0}" -v c="${cpu:-0}" \
    'BEGIN { if (c > 0) printf "%d", r / c; else print "?" }')
  echo "$t: ${runs:-?} runs (at most ${secs} s; ${cpu} s CPU, ${eps}/CPU-s), $covft, corpus $before -> $after files"
done
exit $failed
