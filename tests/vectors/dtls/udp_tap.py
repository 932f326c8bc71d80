# SPDX-License-Identifier: MIT
# UDP relay used by regen.sh: client -> 127.0.0.1:LPORT -> 127.0.0.1:SPORT,
# saving each datagram in arrival order as NN-c2s.bin / NN-s2c.bin.
import os
import select
import socket
import sys
import time

lport, sport, outdir, secs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
os.makedirs(outdir, exist_ok=True)
ls = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ls.bind(("127.0.0.1", lport))
ss = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ss.bind(("127.0.0.1", 0))
client, n, end = None, 0, time.time() + secs
while time.time() < end:
    ready, _, _ = select.select([ls, ss], [], [], 0.2)
    for s in ready:
        d, a = s.recvfrom(65536)
        if s is ls:
            client, tag = a, "c2s"
            ss.sendto(d, ("127.0.0.1", sport))
        else:
            tag = "s2c"
            ls.sendto(d, client)
        n += 1
        with open(f"{outdir}/{n:02d}-{tag}.bin", "wb") as f:
            f.write(d)
