#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The .deb from CPack (cmake/CsPackage.cmake): built from this build tree,
# installed with dpkg into a throwaway root (its own dpkg database, so the
# host's packages are untouched), where `capsim --version` answers, the
# man page, bash completion and profiles are in place and a 3-AP run
# passes with the installed program and profiles; then dpkg removes it
# and nothing is left.  Needs root for dpkg; skips otherwise.
set -euo pipefail
: "${CAPSIM:?CAPSIM not set}" "${CS_BUILD:?CS_BUILD not set}"
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: dpkg needs root (run the suite as root to test the .deb)"
  exit 77
fi
for t in cpack dpkg dpkg-deb; do
  command -v "$t" >/dev/null || { echo "SKIP: no $t"; exit 77; }
done
. "$(dirname "$0")/net.inc"
cs_net_claim
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export CAPSIM_PKI=$tmp/pki

cpack --config "$CS_BUILD/CPackConfig.cmake" -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log"; fail "cpack"; }
deb=$(ls "$tmp"/pkg/capsim_*.deb)
dpkg-deb -I "$deb" >"$tmp/info"
grep -q '^ Package: capsim$' "$tmp/info" || { cat "$tmp/info"; fail "package name"; }
grep -q '^ Depends: .*libssl3' "$tmp/info" || { cat "$tmp/info"; fail "no shared-library dependencies"; }
dpkg-deb -c "$deb" >"$tmp/list"
for f in bin/capsim share/man/man1/capsim.1 share/bash-completion/completions/capsim \
  share/capsim/profiles/c9120.yaml; do
  grep -q "$f\$" "$tmp/list" || { cat "$tmp/list"; fail "$f not in the package"; }
done

root=$tmp/root admin=$tmp/admin
mkdir -p "$root" "$admin/info" "$admin/updates" "$admin/triggers"
: >"$admin/status"
dpk() { dpkg --root="$root" --admindir="$admin" --force-depends --force-script-chrootless "$@"; }
dpk -i "$deb" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i"; }
bin=$(find "$root" -path '*/bin/capsim' -type f)
[ -x "$bin" ] || fail "no capsim installed"
[ "$("$bin" --version)" = "capsim $("$CAPSIM" --version | cut -d' ' -f2)" ] ||
  fail "installed capsim --version"
prof=$(dirname "$(find "$root" -name c9120.yaml)")
CAPSIM_PROFILES=$prof "$bin" run --aps 3 --duration 4s --profile rfc5415 -q \
  --wlc-listen "$CS_NET.250:$(cs_free_port "$CS_NET.250" 2)" --ap-base-ip "$CS_NET.1" \
  --discovery-interval 200ms --max-discovery-interval 200ms \
  --json "$tmp/r.json" 2>"$tmp/run.err" || { cat "$tmp/run.err"; fail "3-AP run with the installed capsim"; }
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["in_run"] == 3, d' "$tmp/r.json" ||
  fail "installed run: not 3 APs in Run"
man -l "$(find "$root" -name capsim.1)" 2>/dev/null | grep -q 'capsim run' ||
  { command -v man >/dev/null && fail "the man page does not show capsim run"; }
bash -c ". '$(find "$root" -path '*completions/capsim')'; complete -p capsim" >/dev/null ||
  fail "bash completion does not load"
dpk -r capsim >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -r"; }
left=$(find "$root" -type f | wc -l)
[ "$left" -eq 0 ] || { find "$root" -type f; fail "$left files left after dpkg -r"; }
echo "PASS: .deb installs, runs 3 APs, removes cleanly"
