#!/bin/bash
# SPDX-License-Identifier: MIT
# `capsim certs --out DIR --broken` writes the lab PKI: files exist, keys
# are mode 0600, openssl shows the CAPWAP EKUs and the broken kinds are
# broken in the way their name says.  Also runs certs/make-lab-pki.sh.
set -eu  # no pipefail: `grep -q` may close a pipe early

: "${CAPSIM:?CAPSIM not set}"
: "${CS_SRC:?CS_SRC not set}"
command -v openssl >/dev/null || { echo "SKIP: no openssl CLI"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$CAPSIM" certs --help | grep -q "FOR LABS ONLY" || fail "--help"
"$CAPSIM" certs --bogus >/dev/null 2>&1 && fail "bad option accepted"
[ "$("$CAPSIM" certs --ap-mac nope >/dev/null 2>&1; echo $?)" = 2 ] ||
	fail "bad MAC: exit status"

out=$("$CAPSIM" certs --out "$tmp/pki" --broken)
echo "$out"
d=$tmp/pki
for f in ca.pem ca-key.pem wlc.pem wlc-key.pem ap.pem ap-key.pem \
	ap-expired.pem ap-not-yet-valid.pem ap-unknown-ca.pem ap-wrong-eku.pem \
	ap-sha1.pem ap-rsa1024.pem ap-rsa1024-key.pem \
	wlc-expired.pem wlc-not-yet-valid.pem wlc-unknown-ca.pem \
	wlc-wrong-eku.pem wlc-sha1.pem wlc-rsa1024.pem wlc-rsa1024-key.pem; do
	[ -s "$d/$f" ] || fail "$f missing"
	echo "$out" | grep -q " $f " || fail "$f not reported"
done
[ "$(stat -c %a "$d")" = 700 ] || fail "dir mode"
for k in "$d"/*key.pem; do
	[ "$(stat -c %a "$k")" = 600 ] || fail "$k mode $(stat -c %a "$k")"
	openssl pkey -in "$k" -noout || fail "$k does not parse"
done

eku() { openssl x509 -in "$1" -noout -ext extendedKeyUsage; }
eku "$d/wlc.pem" | grep -q "Ctrl/provision WAP Access" || fail "WLC EKU"
eku "$d/ap.pem" | grep -q "Ctrl/Provision WAP Termination" || fail "AP EKU"
eku "$d/ap-wrong-eku.pem" | grep -q "WAP" && fail "wrong-eku has CAPWAP EKU"
openssl x509 -in "$d/ap.pem" -noout -subject | grep -q "CN = 00:11:22:33:44:55" ||
	fail "AP CN"
openssl verify -CAfile "$d/ca.pem" "$d/wlc.pem" "$d/ap.pem" >/dev/null ||
	fail "good certs do not verify"
vfy() { openssl verify -CAfile "$d/ca.pem" "$1" 2>&1 || true; }
vfy "$d/ap-expired.pem" | grep -q "certificate has expired" || fail "expired"
vfy "$d/wlc-not-yet-valid.pem" | grep -q "not yet valid" || fail "not yet valid"
openssl verify -CAfile "$d/ca.pem" "$d/ap-unknown-ca.pem" >/dev/null 2>&1 &&
	fail "unknown-ca verifies"
txt() { openssl x509 -in "$1" -noout -text; }
[[ "$(txt "$d/ap-sha1.pem")" == *sha1WithRSAEncryption* ]] || fail "sha1"
[[ "$(txt "$d/wlc-rsa1024.pem")" == *"(1024 bit)"* ]] || fail "rsa1024"
openssl x509 -in "$d/wlc.pem" -noout -checkend $((19 * 365 * 86400)) >/dev/null ||
	fail "WLC validity < 19 years"

# EC and bring-your-own CA.
"$CAPSIM" certs --out "$tmp/ec" --key-type ec-p256 --ap-mac 0011.2233.4466 \
	>/dev/null || fail "ec"
openssl x509 -in "$tmp/ec/ap.pem" -noout -subject | grep -q "00:11:22:33:44:66" ||
	fail "--ap-mac"
"$CAPSIM" certs --out "$tmp/byo" --ca-cert "$d/ca.pem" --ca-key "$d/ca-key.pem" \
	>/dev/null || fail "byo"
[ -e "$tmp/byo/ca-key.pem" ] && fail "BYO CA key copied"
openssl verify -CAfile "$d/ca.pem" "$tmp/byo/ap.pem" >/dev/null || fail "byo verify"

# A link where an output goes is refused, never followed: its target is
# left as it was (issue 18: --out must not truncate anyone's file).
for f in ap-key.pem wlc.pem; do
	mkdir "$tmp/ln-$f"
	echo precious >"$tmp/victim-$f"
	ln -s "$tmp/victim-$f" "$tmp/ln-$f/$f"
	rc=0
	"$CAPSIM" certs --out "$tmp/ln-$f" >"$tmp/ln.out" 2>&1 || rc=$?
	[ "$rc" -ne 0 ] || fail "$f: a symbolic link as output was accepted"
	grep -q "$f.*symbolic link" "$tmp/ln.out" || { cat "$tmp/ln.out"; fail "$f: no symlink error"; }
	[ "$(cat "$tmp/victim-$f")" = precious ] || fail "$f: the link's target was overwritten"
	[ -L "$tmp/ln-$f/$f" ] || fail "$f: the link was replaced"
done
# rewriting a PKI leaves no temporary behind, and keys stay 0600
"$CAPSIM" certs --out "$d" >/dev/null || fail "rewrite"
ls "$d" | grep -q 'tmp-' && fail "temporary files left in $d"
for k in ca-key.pem wlc-key.pem ap-key.pem; do
	[ "$(stat -c %a "$d/$k")" = 600 ] || fail "$k mode $(stat -c %a "$d/$k")"
done

# The openssl-CLI twin.
bash "$CS_SRC/certs/make-lab-pki.sh" "$tmp/cli" >/dev/null || fail "script"
eku "$tmp/cli/wlc.pem" | grep -q "Ctrl/provision WAP Access" || fail "script EKU"
[ "$(stat -c %a "$tmp/cli/wlc-key.pem")" = 600 ] || fail "script key mode"
openssl verify -CAfile "$tmp/cli/ca.pem" "$tmp/cli/wlc.pem" >/dev/null ||
	fail "script verify"
echo PASS
