#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fails when any tracked .c/.h file is not formatted as clang-format 14
# would format it (the version is pinned: others format differently).
set -euo pipefail
cd "$(dirname "$0")/.."
cf=clang-format-14
command -v "$cf" >/dev/null || cf=clang-format
"$cf" --version | grep -q 'version 14\.' || {
  echo "check-format: clang-format 14 required, found: $($cf --version)" >&2
  exit 1
}
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find lib sim tests bench -name '*.[ch]')
[ -n "$files" ] || exit 0
# shellcheck disable=SC2086
"$cf" --dry-run -Werror $files
