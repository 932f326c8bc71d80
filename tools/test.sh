#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The test command (README, .ci/run): installs what is missing, checks the
# format, builds and runs every ctest test twice — a normal build with
# assertions and -Werror, and an ASan+UBSan build — then replays the fuzz
# corpora under libFuzzer for a short run.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/deps.sh
jobs=$(nproc)

echo "== format (clang-format-14)"
tools/check-format.sh

for preset in dev asan-ubsan; do
  echo "== build $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== test $preset"
  # most tests wait on protocol timers, not the CPU: twice the cores
  ctest --preset "$preset" -j "$((jobs * 2))"
done

echo "== fuzz (clang libFuzzer, short runs)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"
ctest --preset fuzz -L fuzz -j "$jobs"
