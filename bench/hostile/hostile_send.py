#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Bounded hostile-traffic sender for capsim (issue 18), root only.

Sends COUNT spoofed UDP datagrams over loopback through a raw socket
(IP_HDRINCL), a mix of:
  short    20-byte epoch-1 DTLS records, spoofed from the WLC's address and
           port to each AP, and from each AP to the WLC (both directions)
  garbled  epoch-1 records of random length and bytes, both directions
  hello    ClientHellos without a cookie spoofed from the APs' addresses
  disc     Discovery Requests from random addresses of the /24 with random
           MACs (RFC 5415 §4.3, §4.6.40 Board Data base MAC)
at no more than RATE datagrams per second.  The APs are PREFIX1 ..
PREFIX<N_APS>; their ports are those of capsim run's (RUN_PID) sockets,
read from `ss`.  Prints a JSON
summary (datagrams by kind, elapsed seconds).
"""
import json
import os
import random
import socket
import struct
import subprocess
import sys
import time


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def ip_udp(src, sport, dst, dport, payload):
    ulen = 8 + len(payload)
    udp = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, random.getrandbits(16),
                     0, 64, 17, 0, socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + udp


def dtls_record(ctype, epoch, seq, body):
    # CAPWAP DTLS preamble (RFC 5415 §4.2), then the record (RFC 6347 §4.1)
    return (b"\x01\0\0\0" + struct.pack("!BHH", ctype, 0xFEFD, epoch) +
            seq.to_bytes(6, "big") + struct.pack("!H", len(body)) + body)


def client_hello():
    body = (struct.pack("!H", 0xFEFD) + os.urandom(32) + b"\0" + b"\0" +
            struct.pack("!H", 4) + b"\xc0\x2f\x00\x2f" + b"\x01\x00")
    hs = (b"\x01" + len(body).to_bytes(3, "big") + b"\0\0" + b"\0\0\0" +
          len(body).to_bytes(3, "big") + body)
    return dtls_record(22, 0, random.getrandbits(16), hs)


def tlv(t, v):
    return struct.pack("!HH", t, len(v)) + v


def discovery(mac):
    # Board Data (§4.6.40): vendor 0, model, serial, base MAC (type 4)
    sub = lambda t, v: struct.pack("!HH", t, len(v)) + v
    board = (struct.pack("!I", 0) + sub(0, b"hostile") + sub(1, mac.hex().encode())
             + sub(4, mac))
    desc = struct.pack("!BBB", 1, 0, 1) + struct.pack("!BB", 0, 1) + \
        struct.pack("!IHH", 0, 0, 4) + b"1.0."  # §4.6.41
    elems = (tlv(20, b"\x01") + tlv(38, board) + tlv(39, desc) +
             tlv(41, b"\x04") + tlv(44, b"\x00") +
             tlv(1048, b"\x00\x00\x00\x00\x0f"))
    ctl = struct.pack("!IBHB", 1, random.getrandbits(8), len(elems) + 3, 0)
    # preamble 0, HLEN 2 words, RID 1, WBID 1 (§4.3)
    hdr = struct.pack("!BBBB", 0, 0x10, 0x43, 0x00) + b"\0\0\0\0"
    return hdr + ctl + elems


def ap_ports(prefix, n_aps, run_pid):
    """capsim run's AP sockets are per worker, bound to 0.0.0.0 (every AP
    of the worker sends from its own address through them): the APs'
    (address, port) pairs are every AP address with every such port."""
    out = subprocess.run(["ss", "-Huanp"], capture_output=True, text=True).stdout
    ports = set()
    for line in out.splitlines():
        if "pid=%d," % run_pid not in line:
            continue
        ip, _, port = line.split()[3].rpartition(":")
        if ip in ("0.0.0.0", "*"):
            ports.add(int(port))
    return [(prefix + str(i), p) for i in range(1, n_aps + 1) for p in ports]


def main():
    if len(sys.argv) < 7:
        print("usage: hostile_send.py WLC_IP PREFIX N_APS RUN_PID COUNT RATE "
              "[MIX]", file=sys.stderr)
        return 2
    wlc_ip, prefix = sys.argv[1], sys.argv[2]
    n_aps, run_pid = int(sys.argv[3]), int(sys.argv[4])
    count, rate = int(sys.argv[5]), float(sys.argv[6])
    mix = sys.argv[7] if len(sys.argv) > 7 else "short,garbled,hello,disc"
    kinds = mix.split(",")
    aps = ap_ports(prefix, n_aps, run_pid)
    if not aps:
        print("hostile_send: no AP sockets found under " + prefix, file=sys.stderr)
        return 1
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    sent = {k: 0 for k in kinds}
    t0 = time.monotonic()
    for i in range(count):
        k = kinds[i % len(kinds)]
        ap_ip, ap_port = random.choice(aps)
        to_ap = random.random() < 0.5
        if k == "short":
            p = dtls_record(23, 1, random.getrandbits(32), os.urandom(7))
        elif k == "garbled":
            p = dtls_record(random.choice((21, 22, 23)), 1,
                            random.getrandbits(48),
                            os.urandom(random.randrange(0, 120)))
        elif k == "hello":
            p, to_ap = client_hello(), False
        else:
            mac = bytes([0x02]) + os.urandom(5)
            src = prefix + str(random.randrange(201, 250))
            d = ip_udp(src, random.randrange(1024, 65535), wlc_ip, 5246,
                       discovery(mac))
            s.sendto(d, (wlc_ip, 0))
            sent[k] += 1
            continue
        if to_ap:
            d = ip_udp(wlc_ip, 5246, ap_ip, ap_port, p)
            s.sendto(d, (ap_ip, 0))
        else:
            d = ip_udp(ap_ip, ap_port, wlc_ip, 5246, p)
            s.sendto(d, (wlc_ip, 0))
        sent[k] += 1
        if rate > 0:
            ahead = (i + 1) / rate - (time.monotonic() - t0)
            if ahead > 0:
                time.sleep(ahead)
    print(json.dumps({"sent": sent, "aps": len(aps),
                      "seconds": round(time.monotonic() - t0, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
