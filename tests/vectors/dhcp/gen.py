#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the DHCPv4 wire vectors in this folder (test only).  Built by
# hand from RFC 2131 §2 / RFC 2132 layouts, independent of lib/wire/dhcp.c,
# so the unit tests check the codec against an outside reference.
import struct, os

COOKIE = bytes([99, 130, 83, 99])

def ip(s):
    return bytes(int(x) for x in s.split('.'))

def hdr(op, xid, mac, yiaddr='0.0.0.0', siaddr='0.0.0.0', giaddr='0.0.0.0',
        ciaddr='0.0.0.0', hops=0, secs=0, flags=0, sname=b'', file=b''):
    chaddr = mac + bytes(16 - len(mac))
    return (struct.pack('!BBBBIHH', op, 1, 6, hops, xid, secs, flags) +
            ip(ciaddr) + ip(yiaddr) + ip(siaddr) + ip(giaddr) + chaddr +
            sname.ljust(64, b'\0') + file.ljust(128, b'\0'))

def opt(code, val):
    return bytes([code, len(val)]) + val

def msg(h, opts, pad_to=300):
    b = h + COOKIE + b''.join(opts) + b'\xff'
    return b + bytes(max(0, pad_to - len(b)))

AP_MAC = bytes.fromhex('00271370aabb')
OPT43 = bytes.fromhex('f1080a7e7e020a7f7f02')
OPT138 = ip('10.126.126.2') + ip('10.127.127.2')
VCI = b'Cisco AP c2700'
PRL = bytes([1, 3, 6, 15, 43, 60, 138])

vec = {}
vec['discover_cisco_ap.bin'] = msg(
    hdr(1, 0x3903f326, AP_MAC, flags=0x8000, secs=4),
    [opt(53, b'\x01'), opt(61, b'\x01' + AP_MAC), opt(57, b'\x05\xdc'),
     opt(55, PRL), opt(60, VCI)])
vec['offer_opt43_138.bin'] = msg(
    hdr(2, 0x3903f326, AP_MAC, yiaddr='10.10.10.50', siaddr='10.10.10.1',
        flags=0x8000),
    [opt(53, b'\x02'), opt(54, ip('10.10.10.1')),
     opt(51, struct.pack('!I', 86400)), opt(1, ip('255.255.255.0')),
     opt(3, ip('10.10.10.1')), opt(6, ip('10.10.10.2') + ip('10.10.10.3')),
     opt(15, b'lab.example'), opt(43, OPT43), opt(138, OPT138)])
relay = opt(1, b'Gi1/0/1') + opt(2, AP_MAC)
vec['request_relay.bin'] = msg(
    hdr(1, 0x11223344, AP_MAC, giaddr='10.10.10.1', hops=1),
    [opt(53, b'\x03'), opt(61, b'\x01' + AP_MAC), opt(50, ip('10.10.10.50')),
     opt(54, ip('10.10.10.1')), opt(55, PRL), opt(60, VCI), opt(82, relay)])
# Option overload (RFC 2131 §4.1, RFC 2132 §9.3): value 3, options go on in
# file first, then sname; each field ends with END and is zero-filled.
file_opts = opt(43, OPT43) + opt(138, OPT138) + b'\xff'
sname_opts = opt(15, b'lab.example') + b'\xff'
vec['ack_overload.bin'] = msg(
    hdr(2, 0x11223344, AP_MAC, yiaddr='10.10.10.50', giaddr='10.10.10.1',
        sname=sname_opts, file=file_opts),
    [opt(53, b'\x05'), opt(54, ip('10.10.10.1')), opt(52, b'\x03'),
     opt(51, struct.pack('!I', 3600))])
# Long option split in two instances (RFC 3396): option 43 = first 6 bytes,
# then the last 4; option 6 splits an address across instances.
vec['ack_split_opt43.bin'] = msg(
    hdr(2, 0x55667788, AP_MAC, yiaddr='10.10.10.51'),
    [opt(53, b'\x05'), opt(54, ip('10.10.10.1')), opt(43, OPT43[:6]),
     opt(6, ip('10.10.10.2')[:2]), opt(43, OPT43[6:]),
     opt(6, ip('10.10.10.2')[2:])])
vec['nak.bin'] = msg(hdr(2, 0x11223344, AP_MAC, giaddr='10.10.10.1'),
                     [opt(53, b'\x06'), opt(54, ip('10.10.10.1'))])
vec['release.bin'] = msg(hdr(1, 0x99aabbcc, AP_MAC, ciaddr='10.10.10.50'),
                         [opt(53, b'\x07'), opt(54, ip('10.10.10.1'))])
# ASCII option 43 for Aironet 1500, padded to 548 bytes as some servers do.
vec['offer_ascii43_548.bin'] = msg(
    hdr(2, 0x0badcafe, AP_MAC, yiaddr='10.10.10.52'),
    [opt(53, b'\x02'), opt(54, ip('10.10.10.1')),
     opt(43, b'10.126.126.2,10.127.127.2')], pad_to=548)

here = os.path.dirname(os.path.abspath(__file__))
for name, b in vec.items():
    with open(os.path.join(here, name), 'wb') as f:
        f.write(b)
