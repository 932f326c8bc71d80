#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lists the source files in lib/ and sim/ over 1 000 lines and the functions
# over 150 lines, the size limits of the house (issue 13).  lib/wire (the
# codecs) and the two role state machines (lib/ap/ap_fsm.c,
# lib/wlc/ctl_fsm.c) stay whole and are not checked; every other file of
# lib/ap and lib/wlc is.  A function is counted from the line with its name at
# column 0 (house style: the return type on its own line) to the closing
# brace at column 0.  Exit status 1 when anything is over, 0 otherwise.
#   tools/check-size.sh [max-file-lines [max-function-lines]]
set -euo pipefail
cd "$(dirname "$0")/.."
max_file=${1:-1000}
max_fn=${2:-150}
files=$(git ls-files 'lib/*.c' 'lib/*.h' 'sim/*.c' 'sim/*.h' 2>/dev/null ||
  find lib sim -name '*.[ch]')
files=$(printf '%s\n' "$files" | grep -Ev '^lib/wire/|^lib/ap/ap_fsm\.c$|^lib/wlc/ctl_fsm\.c$' | sort)
over=0
for f in $files; do
  n=$(wc -l <"$f")
  if [ "$n" -gt "$max_file" ]; then
    echo "file     $f: $n lines (over $max_file)"
    over=1
  fi
done
# shellcheck disable=SC2086
out=$(awk -v max="$max_fn" '
  FNR == 1 { name = ""; body = 0 }
  /^[A-Za-z_][A-Za-z0-9_]*\(/ { name = $0; sub(/\(.*/, "", name); start = FNR; body = 0 }
  /;$/ && !body { name = "" }
  /^{/ && name != "" { body = 1 }
  /^}/ && body {
    n = FNR - start + 1
    if (n > max)
      printf "function %s:%d %s(): %d lines (over %d)\n", FILENAME, start, name, n, max
    name = ""; body = 0
  }' $files)
if [ -n "$out" ]; then
  echo "$out"
  over=1
fi
[ "$over" -eq 0 ] && echo "check-size: no file over $max_file lines, no function over $max_fn lines"
exit "$over"
