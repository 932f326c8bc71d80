#!/bin/bash
# SPDX-License-Identifier: MIT
# The HTML report in a real browser.  A short run (12 APs, 4 of them
# power-cycled at 4 s, so the timeline has an event) writes its JSON report,
# CSV time series, interval lines and HTML page; `capsim report` makes the
# same page again from the JSON alone.  Headless Chromium then opens the
# page: no console message, every chart drawn with data (read back from the
# uPlot instances through the page's #capsim-status element), and a
# screenshot that is not blank.  Skipped when chromium is not installed.
# Addresses: a /24 of loopback claimed for this run (net.inc).
set -u
: "${CAPSIM:?CAPSIM not set}"
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	echo "SKIP: chromium is not installed (Debian: apt-get install chromium)"
	exit 77
fi
. "$(dirname "$0")/net.inc"
cs_net_claim
tmp=$(mktemp -d)
cs_on_exit 'rm -rf "$tmp"'
export CAPSIM_PKI="$tmp/pki" HOME="$tmp/home"
mkdir -p "$HOME"
fail() { echo "FAIL: $*"; exit 1; }
net=$CS_NET
port=$(cs_free_port "$net.1" 2)

cat > "$tmp/s.yaml" <<EOF
name: html-report <test> & "quotes"
description: 12 APs join; APs 0-3 power-cycle at 4 s and join again.
seed: 7
duration: 9s
aps:
  count: 12
  base-ip: $net.10
  timers:
    discovery-interval: 500ms
    max-discovery-interval: 500ms
    retransmit-interval: 500ms
    echo-interval: 2s
    keepalive: 2s
wlc:
  listen: $net.1:$port
timeline:
  - {at: 4s, ap-reboot: {aps: "0-3"}}
expect:
  - joined == 100%
  - in_run == 100%
  - left_run == 4
EOF

# unwritable outputs are refused before the run, not after it
"$CAPSIM" run "$tmp/s.yaml" --html "$tmp/none/r.html" -q 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "--html into a missing directory: exit $rc, expected 2"
grep -q "cannot write in $tmp/none" "$tmp/err" || { cat "$tmp/err"; fail "unclear --html error"; }
"$CAPSIM" run "$tmp/s.yaml" --interval 10ms -q 2> /dev/null
[ $? -eq 2 ] || fail "--interval 10ms accepted"
"$CAPSIM" run "$tmp/s.yaml" --interval-lines --csv - -q > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || fail "--interval-lines with --csv - accepted"
grep -q "would mix" "$tmp/err" || { cat "$tmp/err"; fail "unclear stdout clash error"; }

"$CAPSIM" run "$tmp/s.yaml" --json "$tmp/r.json" --html "$tmp/r.html" \
	--csv "$tmp/r.csv" --interval 1s --interval-lines -q \
	> "$tmp/lines" 2> "$tmp/err"
rc=$?
[ $rc -eq 0 ] || { cat "$tmp/err"; fail "run exited $rc"; }
[ -s "$tmp/r.html" ] || fail "no HTML page written"

# the same page from the JSON alone (any past run)
"$CAPSIM" report "$tmp/r.json" -o "$tmp/r2.html" ||
	fail "capsim report exited $?"
cmp -s "$tmp/r.html" "$tmp/r2.html" ||
	fail "capsim report made a different page from the run's JSON"

# interval lines: a header, then one line per second
n_lines=$(grep -cE '^\[ *[0-9.]+- *[0-9.]+ s\]' "$tmp/lines")
[ "$n_lines" -ge 8 ] || { cat "$tmp/lines"; fail "$n_lines interval lines, expected >= 8"; }
grep -q 'joins/s' "$tmp/lines" || fail "no interval header line"

cs_check_report "$tmp/r.json"

python3 - "$tmp" <<'PY' || exit 1
import csv, json, sys
tmp = sys.argv[1]
r = json.load(open(tmp + "/r.json"))
ts = r["timeseries"]
n = len(ts["t_s"])
assert ts["interval_s"] == 1.0, ts["interval_s"]
assert n >= 9, n
assert sum(ts["joins"]) == r["joins"], (ts["joins"], r["joins"])
assert r["joins"] >= 16, r["joins"]           # 12 first joins + 4 rejoins
assert ts["states"]["run"][-1] == 12, ts["states"]["run"]
# the reboot is marked at 4 s and shows: the four rejoins fall in the
# intervals after it (with 500 ms discovery timers an AP can be back in
# Run before the next 1 s sample, so the state counts need not dip)
assert [m for m in ts["marks"] if "reboot" in m["what"] and
        abs(m["t_s"] - 4.0) < 0.5], ts["marks"]
after = [j for t, j in zip(ts["t_s"], ts["joins"]) if t > 4.0]
assert sum(after) >= 4, (ts["t_s"], ts["joins"])
rows = list(csv.DictReader(open(tmp + "/r.csv")))
assert len(rows) == n, (len(rows), n)
assert sum(int(x["joins"]) for x in rows) == r["joins"]
assert float(rows[-1]["t_end_s"]) == ts["t_s"][-1]
PY

cr="$tmp/chrome"
"$chromium" --headless --no-sandbox --disable-gpu --user-data-dir="$cr" \
	--enable-logging=stderr --v=0 --virtual-time-budget=15000 \
	--window-size=1200,900 --dump-dom "file://$tmp/r.html" \
	> "$tmp/dom.html" 2> "$tmp/chrome.err"
rc=$?
[ $rc -eq 0 ] || { tail -20 "$tmp/chrome.err"; fail "chromium --dump-dom exited $rc"; }
if grep -q ':CONSOLE' "$tmp/chrome.err"; then
	grep ':CONSOLE' "$tmp/chrome.err"
	fail "the page wrote to the browser console"
fi

python3 - "$tmp" <<'PY' || exit 1
import html, json, re, sys
tmp = sys.argv[1]
dom = open(tmp + "/dom.html").read()
m = re.search(r'<pre id="capsim-status"[^>]*>(.*?)</pre>', dom, re.S)
assert m, "the page never wrote #capsim-status (script failed?)"
st = json.loads(html.unescape(m.group(1)))
assert st["errors"] == [], st["errors"]
want = ["states", "joins", "failures", "latency", "health", "cdf"]
for c in want:
    ch = st["charts"].get(c)
    assert ch is not None, "chart %s missing: %s" % (c, st["charts"])
    assert "absent" not in ch, "chart %s not drawn: %s" % (c, ch["absent"])
    assert ch["series"] >= 1 and ch["points"] >= 2, (c, ch)
    assert ch["values"] >= 2, (c, ch)
    assert ch["canvas_px"] > 10000, (c, ch)
# escaped, not executed: the scenario name reads as text in the title
assert "<title>capsim html-report &lt;test&gt; &amp; &quot;quotes&quot;" in dom \
    or "<title>capsim html-report &lt;test&gt; &amp; \"quotes\"" in dom, \
    re.search(r"<title>.*?</title>", dom).group(0)
assert 'id="verdict" class="pass"' in dom
PY

"$chromium" --headless --no-sandbox --disable-gpu --user-data-dir="$cr" \
	--virtual-time-budget=15000 --hide-scrollbars --window-size=1200,1800 \
	--screenshot="$tmp/shot.png" "file://$tmp/r.html" \
	> /dev/null 2> "$tmp/chrome2.err"
[ -s "$tmp/shot.png" ] || { tail -20 "$tmp/chrome2.err"; fail "no screenshot"; }

# not blank: decode the PNG (zlib + row filters, no PIL) and count colours
python3 - "$tmp/shot.png" <<'PY' || exit 1
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype in (2, 6), (depth, ctype)
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours, non_white, i = set(), 0, 0
for y in range(h):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 4 == 0:
        for x in range(0, stride, bpp * 4):
            px = bytes(line[x:x + 3])
            colours.add(px)
            non_white += px != b"\xff\xff\xff"
    prev = line
sampled = (h // 4 + 1) * (w // 4 + 1)
print("screenshot %dx%d: %d colours, %.1f %% not white" %
      (w, h, len(colours), 100.0 * non_white / sampled))
assert len(colours) >= 50, "screenshot looks blank: %d colours" % len(colours)
assert non_white > sampled * 0.03, "screenshot is almost all white"
PY
echo "PASS: HTML report drawn in $chromium"
