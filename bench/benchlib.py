# SPDX-License-Identifier: MIT
"""Helpers shared by bench/join-rate and bench/scale: the capsim binary,
a throw-away lab PKI (CAPSIM_PKI points into a temp dir, so a bench never
touches the user's PKI), process CPU/RSS from /proc, and following the
progress line of a running `capsim run --progress`."""

import os
import json
import re
import shlex
import subprocess
import sys
import time

PROGRESS_RE = re.compile(r"^\s*([0-9.]+)s\s+run (\d+)/(\d+)(.*)$")
FAIL_RE = re.compile(r"fail (\d+)")


def capsim_path():
    p = os.environ.get("CAPSIM", "build/release/capsim")
    if not os.access(p, os.X_OK):
        sys.exit(f"bench: no capsim binary at {p} (build first, or set CAPSIM=path)")
    return os.path.abspath(p)


def make_pki(capsim, tmp):
    """A fresh lab PKI in tmp/pki: ca, wlc, ap (sample), ap-key."""
    pki = os.path.join(tmp, "pki")
    os.environ["CAPSIM_PKI"] = pki
    subprocess.run([capsim, "certs", "--out", pki], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return pki


def build_raw(tmp):
    """bench/raw_dtls.c compiled into tmp (once)."""
    out = os.path.join(tmp, "raw_dtls")
    if os.path.exists(out):
        return out
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "raw_dtls.c")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "openssl"],
                           check=True, capture_output=True, text=True).stdout
    subprocess.run([os.environ.get("CC", "cc"), "-O2", src, "-o", out] +
                   shlex.split(flags) + ["-lpthread"], check=True)
    return out


def openssl_session_kib(tmp, pki, k=2000):
    """What OpenSSL alone keeps per established DTLS session, buffers
    freed (raw_dtls --hold): heap_per_session_kib (client),
    server_heap_per_session_kib, cached_closed_session_kib."""
    p = subprocess.run([build_raw(tmp), pki, "--hold", str(k)], check=True,
                       capture_output=True, text=True)
    return json.loads(p.stdout.strip().splitlines()[-1])


def machine():
    """One line describing the machine and its current load."""
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = 0
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) // (1024 * 1024)
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), {mem} GiB, load average {loadavg()}"


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def proc_cpu_s(pid):
    """utime + stime of a process in seconds (None once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def proc_status(pid, key):
    """A kB value from /proc/PID/status (VmRSS, VmHWM), or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def proc_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def last_progress(path):
    """(elapsed_s, in_run, aps, failures) of the newest progress line in
    a stderr file of `capsim run --progress`, or None."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 8192))
            data = f.read().decode("utf-8", "replace")
    except OSError:
        return None
    for line in reversed(re.split(r"[\r\n]", data)):
        line = line.replace("\x1b[K", "")
        m = PROGRESS_RE.match(line)
        if m:
            fm = FAIL_RE.search(m.group(4))
            return (float(m.group(1)), int(m.group(2)), int(m.group(3)),
                    int(fm.group(1)) if fm else 0)
    return None


def crossing(samples, idx, level):
    """Time at which samples[*][idx] first reaches level, interpolated
    linearly between samples (samples are (t, ...) tuples)."""
    prev = None
    for s in samples:
        if s[idx] >= level:
            if prev is None or s[idx] == prev[idx]:
                return s[0], s
            f = (level - prev[idx]) / (s[idx] - prev[idx])
            return prev[0] + f * (s[0] - prev[0]), s
        prev = s
    return None, None


class Burner:
    """A bounded CPU burner on one core (--contend): a busy loop pinned to
    CPU 0 that ends by itself after `seconds` even if the bench dies."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.p = None

    def __enter__(self):
        code = ("import os, time\n"
                "try:\n    os.sched_setaffinity(0, {0})\n"
                "except OSError:\n    pass\n"
                f"end = time.monotonic() + {float(self.seconds)}\n"
                "while time.monotonic() < end:\n    pass\n")
        self.p = subprocess.Popen([sys.executable, "-c", code])
        return self

    def __exit__(self, *exc):
        if self.p is not None and self.p.poll() is None:
            self.p.terminate()
            self.p.wait()
        return False
