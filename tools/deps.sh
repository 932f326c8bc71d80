#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages one job needs, when any is missing:
#   tools/deps.sh build   what building capsim and running it needs (the
#                         main job, tools/demo.sh)
#   tools/deps.sh test    that plus what the test suite needs (tools/test.sh)
#   tools/deps.sh image   what building the container image without a
#                         Docker engine needs (tools/check-image.sh)
# Safe to run again; needs root (or sudo) only when installing.  Installs
# are quiet (the apt log is shown only when apt fails) and leave no new
# service enabled or running: dnsmasq-base (the program, not the dnsmasq
# service), and packages that ship a service (kea-dhcp4-server,
# prometheus for promtool) are installed with a temporary policy-rc.d that
# forbids starting services, and their units are disabled afterwards.
set -euo pipefail

build=(build-essential cmake pkg-config libssl-dev openssl libevent-dev
  libyaml-dev libjansson-dev)
# tests: compilers and sanitizer runtimes for the asan-ubsan and fuzz
# presets, cmocka, the format check, the readers each test checks its
# output with (tshark, jq, python3 with jsonschema, promtool, chromium),
# the lab tests' tools (nftables, iproute2, dnsmasq-base, Kea), valgrind,
# help2man (the man page), the deployment checks (nodejs and npm for the
# offline Kubernetes schema check, tools/check-k8s.sh; ansible-core for
# the playbook's syntax check)
test=(clang clang-format-14 libclang-rt-14-dev libcmocka-dev tshark jq
  python3 python3-jsonschema dnsmasq-base nftables iproute2 procps
  kea-dhcp4-server prometheus chromium valgrind help2man nodejs
  ansible-core)
# image: podman builds the Dockerfile daemonless; debootstrap makes its
# Debian 12 base locally (no container registry is needed)
image=(podman debootstrap)
# packages whose Debian postinst enables a systemd unit
services=(kea-dhcp4-server:kea-dhcp4-server.service
  prometheus:prometheus.service
  podman:podman.socket podman:podman.service
  podman:podman-restart.service podman:podman-auto-update.service
  podman:podman-auto-update.timer)

case "${1:-}" in
build) pkgs=("${build[@]}") ;;
test) pkgs=("${build[@]}" "${test[@]}") ;;
image) pkgs=("${image[@]}") ;;
*)
  echo "usage: tools/deps.sh build|test|image" >&2
  exit 2
  ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$p")
done
# npm: Debian's, unless an npm command is there already (a nodejs from
# elsewhere bundles its own, and Debian's npm would not go with it)
if [ "${1:-}" = test ] && ! command -v npm >/dev/null 2>&1; then
  dpkg-query -W -f='${Status}' npm 2>/dev/null | grep -q 'install ok installed' ||
    missing+=(npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
# one install at a time on a host (two copies of the test command, or two
# clones): the second waits here for the first, then counts again (what
# the first installed is no longer missing) and never removes the first
# one's policy-rc.d under it.  The lock goes with the process.
if [ -z "${CS_DEPS_LOCKED:-}" ]; then
  lockf=/tmp/capsim-deps.lock
  [ -e "$lockf" ] || { : >"$lockf" && chmod 666 "$lockf"; } 2>/dev/null || true
  exec 8<"$lockf"
  flock 8
  CS_DEPS_LOCKED=1 exec "$BASH" "$0" "$@"
fi

echo "deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
policy=/usr/sbin/policy-rc.d
own_policy=false
cleanup() {
  if $own_policy; then $sudo rm -f "$policy"; fi
  rm -f "$log"
}
trap cleanup EXIT
# no service may start while we install (invoke-rc.d asks policy-rc.d;
# 101 = action forbidden); an existing policy is the admin's: kept
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# tools/deps.sh: no service starts during install\nexit 101\n' |
    $sudo tee "$policy" >/dev/null
  $sudo chmod 755 "$policy"
  own_policy=true
fi
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
  $sudo debconf-set-selections 2>/dev/null || true
if ! { $sudo apt-get update -qq -o DPkg::Lock::Timeout=600 &&
  $sudo apt-get install -y -qq -o Dpkg::Use-Pty=0 \
    -o DPkg::Lock::Timeout=600 --no-install-recommends \
    "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "deps: apt-get failed" >&2
  exit 1
fi
# a unit the package enabled is disabled again (and stopped, should it
# have started despite the policy)
if command -v systemctl >/dev/null 2>&1; then
  for s in "${services[@]}"; do
    pkg=${s%%:*} unit=${s#*:}
    [[ " ${missing[*]} " == *" $pkg "* ]] || continue
    if systemctl is-enabled --quiet "$unit" 2>/dev/null ||
      systemctl is-active --quiet "$unit" 2>/dev/null; then
      $sudo systemctl disable --now --quiet "$unit" 2>/dev/null || true
      echo "deps: $unit disabled (installed for its programs only)" >&2
    fi
  done
fi
