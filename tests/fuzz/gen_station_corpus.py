#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the fuzz_station seeds that walk a station past DHCP (test only):
# mode byte 2 (open, pre-joined to DHCP), then DHCPOFFER and DHCPACK for
# xid 0 (the harness's counter RNG gives the first xid 0), then the
# gateway's ARP reply, each a from-DS RFC 1042 data frame.
import os, struct

BSSID = bytes.fromhex('0200c0a80101')
STA = bytes.fromhex('02000a000001')
GW = bytes.fromhex('02005e000001')
GW_IP, STA_IP = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 42])

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def data(ethertype, payload, seq):
    return bytes([0x08, 0x02]) + b'\0\0' + STA + BSSID + GW + \
        struct.pack('<H', seq << 4) + bytes.fromhex('aaaa03000000') + \
        struct.pack('!H', ethertype) + payload

def udp_ip(payload):
    u = struct.pack('!HHHH', 67, 68, 8 + len(payload), 0) + payload
    h = struct.pack('!BBHHHBBH', 0x45, 0, 20 + len(u), 1, 0, 64, 17, 0) + \
        GW_IP + STA_IP
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + u

def dhcp(mtype):
    b = struct.pack('!BBBBIHH', 2, 1, 6, 0, 0, 0, 0) + bytes(4) + STA_IP + \
        GW_IP + bytes(4) + STA + bytes(10) + bytes(192) + \
        bytes([99, 130, 83, 99])
    o = bytes([53, 1, mtype, 54, 4]) + GW_IP + bytes([51, 4, 0, 0, 14, 16]) + \
        bytes([1, 4, 255, 255, 255, 0, 3, 4]) + GW_IP + b'\xff'
    return b + o

arp = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 2) + GW + GW_IP + STA + STA_IP

def step(b):
    return bytes([0xfe]) + struct.pack('!H', len(b)) + b

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus',
                    'fuzz_station')
offer, ack = data(0x0800, udp_ip(dhcp(2)), 1), data(0x0800, udp_ip(dhcp(5)), 2)
arpf = data(0x0806, arp, 3)
seeds = {
    'offer': bytes([2]) + step(offer),
    'offer_ack': bytes([2]) + step(offer) + step(ack),
    'offer_ack_arp': bytes([2]) + step(offer) + step(ack) + step(arpf),
    'offer_ack_arp_leave': bytes([6]) + step(offer) + step(ack) + step(arpf) +
    bytes([0, 1, 2, 3, 0xff]),
}
for name, b in seeds.items():
    with open(os.path.join(here, name), 'wb') as f:
        f.write(b)
