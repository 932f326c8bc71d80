#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a complete WPA2-PSK (AKM 2) 4-way and group key handshake as
EAPOL PDUs, m1.bin .. m4.bin, g1.bin, g2.bin, built independently of
capsim with Python's hashlib/hmac and the `cryptography` package's AES key
wrap, following IEEE 802.11-2016 §12.7.  test_wpa checks that capsim's
authenticator and supplicant produce these exact bytes from the same
inputs, and the fuzz_eapol corpus is seeded from them.

Inputs: passphrase "ThisIsAPassword", SSID "ThisIsASSID" (§J.4.2),
AA a0:a1:a2:a3:a4:a5, SPA b0:b1:b2:b3:b4:b5, ANonce e0..ff, SNonce c0..df,
GTK 10..1f with key id 1 and RSC 0, replay counters 1 (M1/M2), 2 (M3/M4),
3 (G1/G2).  Run from this directory: python3 gen.py
"""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives.keywrap import aes_key_wrap

PMK = hashlib.pbkdf2_hmac("sha1", b"ThisIsAPassword", b"ThisIsASSID", 4096, 32)
AA = bytes.fromhex("a0a1a2a3a4a5")
SPA = bytes.fromhex("b0b1b2b3b4b5")
ANONCE = bytes(range(0xE0, 0x100))
SNONCE = bytes(range(0xC0, 0xE0))
GTK = bytes(range(0x10, 0x20))
RSNE = bytes.fromhex("3014" "0100" "000fac04" "0100" "000fac04" "0100"
                     "000fac02" "0000")

PAIRWISE, INSTALL, ACK, MIC, SECURE, ENC = 0x8, 0x40, 0x80, 0x100, 0x200, 0x1000
VER = 2  # HMAC-SHA1-128 MIC, AES key wrap


def prf(key, label, data, n):
    out, i = b"", 0
    while len(out) < n:
        out += hmac.new(key, label + b"\0" + data + bytes([i]), "sha1").digest()
        i += 1
    return out[:n]


PTK = prf(PMK, b"Pairwise key expansion",
          min(AA, SPA) + max(AA, SPA) + min(ANONCE, SNONCE)
          + max(ANONCE, SNONCE), 48)
KCK, KEK = PTK[:16], PTK[16:32]


def frame(info, key_len, replay, nonce=bytes(32), rsc=bytes(8), data=b"",
          mic=False):
    body = struct.pack(">BHHQ", 2, VER | info, key_len, replay)
    body += nonce + bytes(16) + rsc + bytes(8) + bytes(16)
    body += struct.pack(">H", len(data)) + data
    pdu = struct.pack(">BBH", 2, 3, len(body)) + body
    if mic:
        m = hmac.new(KCK, pdu, "sha1").digest()[:16]
        pdu = pdu[:81] + m + pdu[97:]
    return pdu


def wrap(plain):
    if len(plain) % 8 or len(plain) < 16:
        plain += b"\xdd"
        while len(plain) % 8 or len(plain) < 16:
            plain += b"\0"
    return aes_key_wrap(KEK, plain)


GTK_KDE = bytes([0xDD, 22]) + bytes.fromhex("000fac01") + bytes([1, 0]) + GTK

out = {
    "m1": frame(PAIRWISE | ACK, 16, 1, ANONCE),
    "m2": frame(PAIRWISE | MIC, 0, 1, SNONCE, data=RSNE, mic=True),
    "m3": frame(PAIRWISE | INSTALL | ACK | MIC | SECURE | ENC, 16, 2, ANONCE,
                data=wrap(RSNE + GTK_KDE), mic=True),
    "m4": frame(PAIRWISE | MIC | SECURE, 0, 2, mic=True),
    "g1": frame(ACK | MIC | SECURE | ENC, 0, 3, data=wrap(GTK_KDE), mic=True),
    "g2": frame(MIC | SECURE, 0, 3, mic=True),
}
for name, pdu in out.items():
    with open(name + ".bin", "wb") as f:
        f.write(pdu)
