#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Writes the help2man include file for capsim(1): one section per
# command with that command's --help text (build time, sim/CMakeLists.txt):
#   tools/gen-man-include.sh path/to/capsim > capsim.h2m
set -euo pipefail
capsim=$1
cmds=$("$capsim" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
[ -n "$cmds" ] || { echo "gen-man-include: no commands in capsim --help" >&2; exit 1; }
printf '[DESCRIPTION]\n.B capsim\nsimulates CAPWAP (RFC 5415) access points that join a controller over DTLS (RFC 5416), runs a mock controller, and diagnoses where joins stop.\n'
for c in $cmds; do
	printf '\n[COMMAND %s]\n' "$(echo "$c" | tr a-z A-Z)"
	printf '.nf\n'
	# roff: a leading dot or quote would be a request; backslashes escaped
	"$capsim" "$c" --help 2>&1 | sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"
	printf '.fi\n'
done
printf '\n[FILES]\n.TP\n.I ~/.local/share/capsim/pki\nthe lab PKI (or \\fB$CAPSIM_PKI\\fR), created on first use\n'
printf '\n[SEE ALSO]\nThe scenario language: scenarios/README.md; metrics: docs/metrics.md; the JSON report: docs/report.schema.json (in the source tree).\n'
