#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job (README): installs what is missing, builds capsim, and runs
# the default scenario (scenarios/default.yaml): 100 virtual APs join the
# embedded mock WLC over CAPWAP + DTLS on loopback and stay in Run; exit 0
# when every expectation of the scenario holds.  Reports: capsim-report.json
# (JSON), capsim-report.xml (JUnit), capsim-report.html (the page with its
# charts), capsim.pcapng (the wire with its DTLS keys).  Extra arguments
# are passed to `capsim run`.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh build
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target capsim_prog >/dev/null
exec build/release/capsim run scenarios/default.yaml \
  --json capsim-report.json --junit capsim-report.xml \
  --html capsim-report.html --pcap capsim.pcapng "$@"
