#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `capsim certs authlist`: MAC lines numbered like `capsim run` (base + i,
# carrying into the next byte), AireOS SSC lines whose hash is the SHA-1 of
# the AP public key (the certificate's Subject Key Identifier, method 1 of
# RFC 5280 §4.2.1.2, checked with openssl when installed), and the 9800
# trustpoint block with the lab CA PEM.
set -euo pipefail
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$CAPSIM" certs --out "$tmp/pki" >/dev/null
"$CAPSIM" certs authlist --format macs --aps 3 --ap-base-mac 02:ca:75:00:00:ff >"$tmp/macs"
printf '02:ca:75:00:00:ff\n02:ca:75:00:01:00\n02:ca:75:00:01:01\n' | diff - "$tmp/macs"
"$CAPSIM" certs authlist --pki "$tmp/pki" --aps 2 >"$tmp/all"
grep -q '^config auth-list add mic 02:ca:75:00:00:02$' "$tmp/all" ||
  fail "no line matching '^config auth-list add mic 02:ca:75:00:00:02\$'"
hash=$(sed -n 's/^config auth-list add ssc 02:ca:75:00:00:01 \([0-9a-f]\{40\}\)$/\1/p' "$tmp/all")
[ -n "$hash" ] || { echo "no SSC line"; cat "$tmp/all"; exit 1; }
if command -v openssl >/dev/null; then
  ski=$(openssl x509 -in "$tmp/pki/ap.pem" -noout -ext subjectKeyIdentifier |
    tail -1 | tr -d ' :' | tr 'A-F' 'a-f')
  [ "$ski" = "$hash" ] || { echo "SSC hash $hash != SKI $ski"; exit 1; }
fi
grep -q '^crypto pki trustpoint CAPSIM-LAB-CA$' "$tmp/all" ||
  fail "no line matching '^crypto pki trustpoint CAPSIM-LAB-CA\$'"
grep -q '^-----BEGIN CERTIFICATE-----$' "$tmp/all" ||
  fail "no line matching '^-----BEGIN CERTIFICATE-----\$'"
grep -q '^username 02ca75000002 mac$' "$tmp/all" ||
  fail "no line matching '^username 02ca75000002 mac\$'"
rc=0
"$CAPSIM" certs authlist --format bogus >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "authlist --format bogus exited $rc, expected 2"
echo "cisco_authlist: MAC, SSC and trustpoint lines as expected"
