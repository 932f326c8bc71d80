#!/bin/sh
# SPDX-License-Identifier: MIT
# Makes a lab PKI for CAPWAP DTLS with the openssl CLI: a CA, a WLC (AC)
# certificate with EKU id-kp-capwapAC (1.3.6.1.5.5.7.3.18, RFC 5415 §12.8)
# and a sample AP (WTP) certificate with id-kp-capwapWTP (.19) and
# CN = its MAC (§12.6).  `capsim certs` makes the same in-process.
# LAB USE ONLY: unencrypted keys, a CA that signs anything.
#
# usage: make-lab-pki.sh [DIR] [AP-MAC]     (default ./lab-pki 00:11:22:33:44:55)
set -eu

dir=${1:-lab-pki}
mac=${2:-00:11:22:33:44:55}
days=7300 # 20 years, so labs do not break on expiry day

umask 077
mkdir -p "$dir"
cd "$dir"

key() { # key FILE: RSA-2048, created mode 0600 (umask 077)
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
	chmod 600 "$1"
}

key ca-key.pem
openssl req -x509 -new -key ca-key.pem -sha256 -days "$days" \
	-subj "/O=capsim lab/CN=capsim lab CA" \
	-addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" \
	-out ca.pem

issue() { # issue NAME CN EKU
	key "$1-key.pem"
	openssl req -new -key "$1-key.pem" -subj "/O=capsim lab/CN=$2" -out "$1.csr"
	printf '%s\n' \
		"basicConstraints=critical,CA:FALSE" \
		"keyUsage=critical,digitalSignature,keyEncipherment" \
		"extendedKeyUsage=$3" \
		"subjectKeyIdentifier=hash" \
		"authorityKeyIdentifier=keyid" >"$1.ext"
	openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca-key.pem \
		-CAcreateserial -sha256 -days "$days" -extfile "$1.ext" \
		-out "$1.crt" 2>/dev/null
	cat "$1.crt" ca.pem >"$1.pem" # leaf + chain
	rm -f "$1.csr" "$1.ext" "$1.crt"
}

issue wlc capsim-wlc "1.3.6.1.5.5.7.3.18,serverAuth"
issue ap "$mac" "1.3.6.1.5.5.7.3.19,clientAuth"
rm -f ca.srl
chmod 644 ca.pem wlc.pem ap.pem

echo "lab PKI in $dir/ (for labs only, never production):"
ls -l
