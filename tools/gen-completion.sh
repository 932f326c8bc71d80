#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Writes a bash completion script for capsim, generated from the
# program's own --help texts (build time, sim/CMakeLists.txt):
#   tools/gen-completion.sh path/to/capsim > capsim.bash
set -euo pipefail
capsim=$1
cmds=$("$capsim" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
[ -n "$cmds" ] || { echo "gen-completion: no commands in capsim --help" >&2; exit 1; }
cat <<'HEAD'
# bash completion for capsim (generated from `capsim --help` and each
# `capsim COMMAND --help` at build time; do not edit)
_capsim() {
	local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]:-} opts=
	if [ "$COMP_CWORD" -eq 1 ]; then
HEAD
printf '\t\tCOMPREPLY=($(compgen -W "%s --help --version" -- "$cur"))\n' "$(echo $cmds)"
cat <<'MID'
		return
	fi
	case $cmd in
MID
for c in $cmds; do
	opts=$("$capsim" "$c" --help 2>/dev/null | grep -o -- '--[a-z0-9][a-z0-9-]*' | sort -u | tr '\n' ' ')
	printf '\t%s) opts="%s" ;;\n' "$c" "${opts% }"
done
cat <<'TAIL'
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -o filenames -F _capsim capsim
TAIL
