#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The test command (README, .ci/run): installs what is missing, checks the
# format, builds and runs every ctest test twice — a normal build with
# assertions and -Werror, and an ASan+UBSan build — then runs the fuzzers
# under libFuzzer for a short run (new inputs go to the build tree, never
# to tests/fuzz/corpus/).  Every step runs even when an earlier one
# failed; the failures are listed at the end and the exit status is 1
# when there was any.  Tests take loopback addresses of their own
# (tests/integration/net.inc), so two copies may run side by side.
set -uo pipefail
cd "$(dirname "$0")/.."

tools/deps.sh test || exit 1
jobs=$(nproc)
failed=()
# what the tree holds before the tests (a developer's own changes are
# not the suite's doing)
tree_before=$(git status --porcelain --untracked-files=all 2>/dev/null)

step() { # name, command...
  local name=$1
  shift
  echo "== $name"
  if ! "$@"; then
    failed+=("$name")
    echo "== $name: FAILED"
  fi
}

step "format (clang-format-14)" tools/check-format.sh

for preset in dev asan-ubsan fuzz; do
  echo "== build $preset"
  if ! cmake --preset "$preset" >/dev/null; then
    failed+=("configure $preset")
    continue
  fi
  if [ "$preset" = fuzz ]; then
    target=(--target fuzzers)
  else
    target=()
  fi
  if ! cmake --build --preset "$preset" -j "$jobs" "${target[@]}"; then
    failed+=("build $preset")
    continue
  fi
  # this run's failed tests only, listed at the end
  rm -f "build/$preset/Testing/Temporary/LastTestsFailed.log"
  if [ "$preset" = fuzz ]; then
    step "test fuzz (libFuzzer, short runs)" \
      ctest --preset fuzz -L fuzz -j "$jobs"
  else
    # the diagnose sweep scores verdicts, and the perf tests assert rates
    # and memory figures that ASan changes: the dev run has them, the
    # sanitizer run leaves them out
    extra=()
    [ "$preset" = asan-ubsan ] && extra=(-LE 'sweep|perf')
    # most tests wait on protocol timers, not the CPU: twice the cores
    step "test $preset" ctest --preset "$preset" -j "$((jobs * 2))" "${extra[@]}"
  fi
done

# the suite leaves the source tree as it found it
tree_after=$(git status --porcelain --untracked-files=all 2>/dev/null)
if [ "$tree_after" != "$tree_before" ]; then
  diff <(printf '%s\n' "$tree_before") <(printf '%s\n' "$tree_after") |
    sed -n 's/^> /   /p' | head -20
  failed+=("tree changed by the tests")
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "== FAILED: ${#failed[@]} step(s):"
  printf '   %s\n' "${failed[@]}"
  for preset in dev asan-ubsan fuzz; do
    f=build/$preset/Testing/Temporary/LastTestsFailed.log
    [ -s "$f" ] || continue
    echo "== failed tests ($preset):"
    sed 's/^[0-9]*:/   /' "$f"
  done
  exit 1
fi
echo "== all steps passed"
