#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/hostile: the hostile-traffic test at bench size, run by hand (root):
# 1 000 000 spoofed datagrams (default) against `capsim wlc` while
# `capsim run` keeps 200 APs in Run.  Targets (issue 18): 0 sessions lost,
# WLC RSS growth < 64 MB, log output bounded; amplification < 1 before the
# cookie holds by construction (a HelloVerifyRequest is never longer than
# the ClientHello it answers: tests/unit/test_dtls.c).
#   CAPSIM=build/dev/capsim bench/hostile/run.sh [COUNT] [RATE]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
count=${1:-1000000}
rate=${2:-20000}
export CS_SRC=${CS_SRC:-$(cd "$here/../.." && pwd)}
export CAPSIM=${CAPSIM:-$CS_SRC/build/dev/capsim}
export CS_HOSTILE_COUNT=$count CS_HOSTILE_RATE=$rate
# the APs must stay in Run for the whole flood, plus margin
export CS_HOSTILE_DURATION=$((count / rate + 60))
exec bash "$CS_SRC/tests/integration/hostile.sh"
