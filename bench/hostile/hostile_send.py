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
at no more than RATE datagrams per second.  Before the flood, PROVEN
(default 0) on-path attacks: a ClientHello spoofed from an AP's address
and port, the WLC's HelloVerifyRequest to the AP sniffed on lo
(AF_PACKET), the ClientHello sent again with that cookie (RFC 6347
§4.2.1: the address counts as proven), and the handshake then abandoned.
The WLC must keep the AP's established session (issue 18).  Then
PROVEN_ONE_SRC such hellos from one address (PREFIX200) on as many
ports: the WLC holds at most 64 half-open handshakes per address.  Every
cookie is gathered before any proven ClientHello goes out, and those go
out together, so they are half-open at the same time on any host.  The APs are
PREFIX1 ..
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


def client_hello(rand=None, cookie=b"", msg_seq=0):
    # RFC 6347 §4.2.1: the hello with the cookie repeats the first one
    rand = rand if rand is not None else os.urandom(32)
    # extensions (RFC 5246 §7.4.1.4.1, RFC 8422 §5.1): enough for a
    # server to go on with ECDHE (the handshake is then abandoned)
    ext = (struct.pack("!HHH", 0x000D, 6, 4) + b"\x04\x01\x04\x03" +
           struct.pack("!HHH", 0x000A, 4, 2) + b"\x00\x17" +
           struct.pack("!HHB", 0x000B, 2, 1) + b"\x00")
    body = (struct.pack("!H", 0xFEFD) + rand + b"\0" +
            bytes([len(cookie)]) + cookie +
            struct.pack("!H", 4) + b"\xc0\x2f\x00\x2f" + b"\x01\x00" +
            struct.pack("!H", len(ext)) + ext)
    hs = (b"\x01" + len(body).to_bytes(3, "big") +
          struct.pack("!H", msg_seq) + b"\0\0\0" +
          len(body).to_bytes(3, "big") + body)
    return dtls_record(22, 0, random.getrandbits(16), hs)


def hvr_cookie(udp_payload):
    """The cookie of a HelloVerifyRequest (RFC 6347 §4.2.1) in a
    CAPWAP-DTLS datagram, else None."""
    p = udp_payload
    if len(p) < 4 + 13 + 12 + 3 or p[0] != 1 or p[4] != 22:
        return None
    hs = p[4 + 13:]
    if hs[0] != 3:
        return None
    n = hs[12 + 2]
    return bytes(hs[12 + 3:12 + 3 + n])


def proven_hellos(s, wlc_ip, aps, n, one_src=None, n_src=0):
    """On-path ClientHellos that return the WLC's cookie from n AP
    addresses, each from every capsim run port (one of them is the AP's
    established session), then n_src from one address (one_src) with as
    many ports: half-open handshakes the WLC must cap per address.
    Every cookie is gathered first (a ClientHello without one leaves no
    state at the WLC; one still missing is asked for again every 2 s, for
    up to 120 s), then every proven ClientHello is sent at once: the WLC
    holds them half-open together however slow the host, where one after
    the other they could outlive each other's WaitDTLS.
    Returns how many got a cookie."""
    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                          socket.htons(0x0800))
    try:  # root: past rmem_max, so a descheduled sniffer loses nothing
        sniff.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
    except OSError:
        pass
    sniff.bind(("lo", 0x0800))
    sniff.settimeout(0.2)
    ips = sorted(set(ip for ip, _ in aps))
    chosen = set(random.sample(ips, min(n, len(ips))))
    targets = [a for a in aps if a[0] in chosen]
    if one_src is not None:
        targets += [(one_src, 20000 + i) for i in range(n_src)]
    rands = {t: os.urandom(32) for t in targets}
    cookies = {}
    t_end, t_ask = time.monotonic() + 120, 0.0
    while len(cookies) < len(targets) and time.monotonic() < t_end:
        if time.monotonic() >= t_ask:
            for (ip, port), rand in rands.items():
                if (ip, port) not in cookies:
                    s.sendto(ip_udp(ip, port, wlc_ip, 5246,
                                    client_hello(rand)), (wlc_ip, 0))
            t_ask = time.monotonic() + 2
        try:
            pkt = sniff.recv(65535)
        except socket.timeout:
            continue
        ihl = (pkt[0] & 15) * 4
        if pkt[9] != 17 or socket.inet_ntoa(pkt[12:16]) != wlc_ip:
            continue
        key = (socket.inet_ntoa(pkt[16:20]),
               struct.unpack("!H", pkt[ihl + 2:ihl + 4])[0])
        if key in rands and key not in cookies:
            cookie = hvr_cookie(pkt[ihl + 8:])
            if cookie is not None:
                cookies[key] = cookie
    sniff.close()
    for (ip, port), cookie in cookies.items():
        s.sendto(ip_udp(ip, port, wlc_ip, 5246,
                        client_hello(rands[(ip, port)], cookie, 1)),
                 (wlc_ip, 0))
    return len(cookies)


def tlv(t, v):
    return struct.pack("!HH", t, len(v)) + v


def discovery(mac):
    # Board Data (§4.6.40): vendor (Cisco 14179: 0 is refused), model,
    # serial, base MAC (type 4)
    sub = lambda t, v: struct.pack("!HH", t, len(v)) + v
    board = (struct.pack("!I", 14179) + sub(0, b"hostile") + sub(1, mac.hex().encode())
             + sub(4, mac))
    # WTP Descriptor (§4.6.41): max radios, radios in use, one
    # encryption sub-element (WBID 1, capabilities), then hardware,
    # software and boot versions
    desc = (struct.pack("!BBB", 1, 0, 1) + struct.pack("!BH", 1, 0) +
            b"".join(struct.pack("!IHH", 14179, t, 3) + b"1.0" for t in (0, 1, 2)))
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
              "[MIX [PROVEN [PROVEN_ONE_SRC]]]", file=sys.stderr)
        return 2
    wlc_ip, prefix = sys.argv[1], sys.argv[2]
    n_aps, run_pid = int(sys.argv[3]), int(sys.argv[4])
    count, rate = int(sys.argv[5]), float(sys.argv[6])
    mix = sys.argv[7] if len(sys.argv) > 7 else "short,garbled,hello,disc"
    n_proven = int(sys.argv[8]) if len(sys.argv) > 8 else 0
    n_src = int(sys.argv[9]) if len(sys.argv) > 9 else 0
    kinds = mix.split(",")
    aps = ap_ports(prefix, n_aps, run_pid)
    if not aps:
        print("hostile_send: no AP sockets found under " + prefix, file=sys.stderr)
        return 1
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    sent = {k: 0 for k in kinds}
    t0 = time.monotonic()
    if n_proven > 0:
        sent["proven"] = proven_hellos(s, wlc_ip, aps, n_proven,
                                       prefix + "200", n_src)
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
