#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job (README): installs what is missing, builds capsim, and runs
# the default scenario: 100 virtual APs join the embedded mock WLC over
# CAPWAP + DTLS on loopback and stay in Run; the JSON report goes to
# capsim-report.json.  Extra arguments are passed to `capsim run`.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target capsim_prog >/dev/null
exec build/release/capsim run --aps 100 --duration 30s \
  --max-discovery-interval 2s --discovery-interval 1s \
  --echo-interval 5s --keepalive-interval 5s \
  --json capsim-report.json "$@"
