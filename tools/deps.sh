#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages capsim needs to build and test, when any
# is missing (python3: the integration and scenario tests read the JSON
# reports with it; kea-dhcp4-server: the Kea option 43 test).  Safe to
# run again; needs root (or sudo) only when installing.
set -euo pipefail

pkgs=(build-essential cmake pkg-config clang clang-format-14 libclang-rt-14-dev
  libssl-dev openssl libevent-dev libcmocka-dev libyaml-dev libjansson-dev
  tshark dnsmasq nftables iproute2 procps kea-dhcp4-server python3)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
  $sudo debconf-set-selections 2>/dev/null || true
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
