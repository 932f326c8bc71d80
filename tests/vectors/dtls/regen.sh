#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerates the DTLS datagram vectors with the openssl CLI over loopback
# (TEST ONLY: a throwaway self-signed key is made in a temp dir and not kept).
# The unit test tables in tests/unit/test_dtls_peek.c describe each file, so
# re-check them after regenerating: OpenSSL versions split flights differently.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -out c.pem \
    -days 36500 -subj /CN=capsim-test-ac 2>/dev/null
run() { # prefix server-options client-options
	openssl s_server $2 -accept 127.0.0.1:24433 -cert c.pem -key k.pem \
	    -listen -quiet >/dev/null 2>&1 &
	sp=$!
	python3 "$here/udp_tap.py" 24434 24433 "$tmp/$1" 5 &
	tp=$!
	sleep 0.5
	(echo hello-capwap; sleep 2) | timeout 4 openssl s_client $3 \
	    -connect 127.0.0.1:24434 -quiet >/dev/null 2>&1 || true
	wait "$tp"
	kill "$sp" 2>/dev/null || true
	for f in "$tmp/$1"/*.bin; do cp "$f" "$here/$1-$(basename "$f")"; done
}
run dtls12 "-dtls1_2 -cipher AES128-SHA -mtu 600" \
    "-dtls1_2 -cipher AES128-SHA -mtu 600"
run dtls10-clientauth \
    "-dtls1 -cipher AES128-SHA:@SECLEVEL=0 -Verify 1 -CAfile c.pem -mtu 500" \
    "-dtls1 -cipher AES128-SHA:@SECLEVEL=0 -cert c.pem -key k.pem -mtu 500"
# The client rejects the self-signed server: a plaintext fatal alert.
run dtls12-alert "-dtls1_2" \
    "-dtls1_2 -verify_return_error -CAfile /etc/ssl/certs/ca-certificates.crt"
rm -f "$here"/dtls12-alert-0[1-3]-*.bin
