#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the IEEE 802.11 wire vectors in this folder (test only).  Built by
# hand from the IEEE 802.11-2020 §9 layouts (little-endian fields, no FCS,
# as RFC 5416 §2 carries them), independent of lib/wifi/ieee80211.c, so
# the unit tests check the codec against an outside reference.  With
# --pcap FILE it also writes them as a LINKTYPE_IEEE802_11 (105) pcap for
# tshark to dissect.
import os, struct, sys

BSSID = bytes.fromhex('0200c0a80101')
STA = bytes.fromhex('02000a000001')
GW = bytes.fromhex('02005e000001')
BCAST = b'\xff' * 6

def fc(ftype, sub, flags=0):
    return bytes([(ftype << 2) | (sub << 4), flags])

def hdr(ftype, sub, a1, a2, a3, seq, flags=0, dur=0):
    return fc(ftype, sub, flags) + struct.pack('<H', dur) + a1 + a2 + a3 + \
        struct.pack('<H', seq << 4)

def ie(i, body):
    return bytes([i, len(body)]) + body

RATES = bytes([0x82, 0x84, 0x8b, 0x96, 0x0c, 0x12, 0x18, 0x24])
EXT = bytes([0x30, 0x48, 0x60, 0x6c])
RSN = struct.pack('<H', 1) + bytes.fromhex('000fac04') + struct.pack('<H', 1) + \
    bytes.fromhex('000fac04') + struct.pack('<H', 1) + bytes.fromhex('000fac02') + \
    struct.pack('<H', 0x000c)
HT = struct.pack('<HB', 0x01ad, 0x17) + bytes([0xff, 0xff] + [0] * 14) + \
    struct.pack('<HIB', 0, 0, 0)
assert len(HT) == 26
VHT = struct.pack('<I', 0x0f8259b2) + struct.pack('<HHHH', 0xfffa, 0, 0xfffa, 0)
assert len(VHT) == 12

IES = ie(0, b'capsim-open') + ie(1, RATES) + ie(50, EXT)

vec = {}
vec['auth_open_req.bin'] = hdr(0, 11, BSSID, STA, BSSID, 1) + \
    struct.pack('<HHH', 0, 1, 0)
vec['auth_open_resp.bin'] = hdr(0, 11, STA, BSSID, BSSID, 1) + \
    struct.pack('<HHH', 0, 2, 0)
vec['assoc_req_open.bin'] = hdr(0, 0, BSSID, STA, BSSID, 2) + \
    struct.pack('<HH', 0x0421, 10) + IES + ie(45, HT)
vec['assoc_req_rsn.bin'] = hdr(0, 0, BSSID, STA, BSSID, 2) + \
    struct.pack('<HH', 0x0431, 10) + ie(0, b'capsim-psk') + ie(1, RATES) + \
    ie(50, EXT) + ie(48, RSN) + ie(45, HT) + ie(191, VHT)
vec['reassoc_req.bin'] = hdr(0, 2, BSSID, STA, BSSID, 3) + \
    struct.pack('<HH', 0x0421, 10) + BSSID + IES
vec['assoc_resp_ok.bin'] = hdr(0, 1, STA, BSSID, BSSID, 7) + \
    struct.pack('<HHH', 0x0421, 0, 0xc000 | 5) + ie(1, RATES) + ie(50, EXT)
vec['assoc_resp_full.bin'] = hdr(0, 1, STA, BSSID, BSSID, 8) + \
    struct.pack('<HHH', 0x0421, 17, 0xc000) + ie(1, RATES)
vec['disassoc_leaving.bin'] = hdr(0, 10, BSSID, STA, BSSID, 9) + \
    struct.pack('<H', 8)
vec['deauth_4way.bin'] = hdr(0, 12, STA, BSSID, BSSID, 10) + \
    struct.pack('<H', 15)
# ARP request from the station for its gateway (RFC 826), To-DS, RFC 1042
ARP = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + STA + \
    bytes([10, 0, 0, 2]) + bytes(6) + bytes([10, 0, 0, 1])
SNAP = bytes.fromhex('aaaa03000000')
vec['data_tods_arp.bin'] = hdr(2, 0, BSSID, STA, BCAST, 11, flags=0x01) + \
    SNAP + struct.pack('!H', 0x0806) + ARP
vec['data_fromds_arp.bin'] = hdr(2, 0, STA, BSSID, GW, 12, flags=0x02) + \
    SNAP + struct.pack('!H', 0x0806) + ARP
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

# ICMP echo request 10.0.0.2 -> 10.0.0.1 (RFC 792), in a QoS Data frame
ICMP = struct.pack('!BBHHH', 8, 0, 0, 0x1234, 1) + b'capsim'
ICMP = ICMP[:2] + struct.pack('!H', csum(ICMP)) + ICMP[4:]
IPH = struct.pack('!BBHHHBBH', 0x45, 0, 20 + len(ICMP), 1, 0, 64, 1, 0) + \
    bytes([10, 0, 0, 2, 10, 0, 0, 1])
IPH = IPH[:10] + struct.pack('!H', csum(IPH)) + IPH[12:]
vec['qos_data_tods.bin'] = hdr(2, 8, BSSID, STA, GW, 13, flags=0x01) + \
    struct.pack('<H', 0) + SNAP + struct.pack('!H', 0x0800) + IPH + ICMP

here = os.path.dirname(os.path.abspath(__file__))
for name, data in vec.items():
    with open(os.path.join(here, name), 'wb') as f:
        f.write(data)

if len(sys.argv) == 3 and sys.argv[1] == '--pcap':
    with open(sys.argv[2], 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 105))
        for i, name in enumerate(sorted(vec)):
            d = vec[name]
            f.write(struct.pack('<IIII', i, 0, len(d), len(d)) + d)
