#!/usr/bin/env python3
"""map_check.py [--dom-only] MAP.html LAYOUT OUTDIR: opens `pgwalkctl map`'s
page in headless Chromium and checks what it drew against the scenario's
layout (pgwalk-scenario diff-steps, before any step):

- the DOM (chromium --dump-dom) has a run of the expected class covering
  each region: "unmap" (written pages) 4K, "split" (a THP) THP, "map"
  (untouched pages) none; a VMA named /memfd:pgwalk-diff-dirty; a legend;
- the screenshot (chromium --screenshot) shows, at the middle of each of
  those runs, the colour of that class's swatch in the legend.

With --dom-only the page's own markup is checked, without Chromium (the
page has no script, so it is the DOM Chromium builds): what the booted
guests run, where Chromium under emulation takes minutes. Tests/host/run.sh
runs the whole check on a page drawn from a recorded stream.

Exit 0 when all hold, 77 when Chromium cannot run here (the reason on
stderr)."""
import os
import re
import struct
import subprocess
import sys
import zlib
from html.parser import HTMLParser

args = sys.argv[1:]
dom_only = "--dom-only" in args
html_path, layout_path, outdir = [a for a in args if a != "--dom-only"][:3]
chromium = os.environ.get("CHROMIUM", "chromium")
flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
         "--user-data-dir=" + os.path.join(outdir, "chromium-profile")]
url = "file://" + os.path.abspath(html_path)


def run(args):
    try:
        return subprocess.run([chromium] + flags + args, capture_output=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        sys.stderr.write(f"chromium cannot run here: {e}\n")
        sys.exit(77)


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.items = []

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, dict(attrs)))


if dom_only:
    markup = open(html_path, encoding="utf-8").read()
else:
    dom = run(["--dump-dom", url])
    if dom.returncode != 0 or b"<svg" not in dom.stdout:
        sys.stderr.write("chromium --dump-dom failed: " + dom.stderr.decode(errors="replace")[-600:] + "\n")
        sys.exit(77 if dom.returncode != 0 else 1)
    markup = dom.stdout.decode()
parser = Elements()
parser.feed(markup)
svg = next(a for t, a in parser.items if t == "svg")
width, height = int(svg["width"]), int(svg["height"])
runs = [a for t, a in parser.items if t == "rect" and a.get("class") == "run"]
vmas = [a for t, a in parser.items if t == "rect" and a.get("class") == "vma"]
legend = {}
current = None
for t, a in parser.items:
    if t == "g" and a.get("class") == "legend":
        current = a["data-class"]
    elif t == "rect" and current:
        legend[current] = a
        current = None

regions = {}
for line in open(layout_path):
    f = line.split()
    if len(f) >= 4 and f[0] == "region":
        regions[f[1]] = (int(f[2], 16), int(f[3], 16))

want = [("unmap", "4K"), ("map", "none")]
if "split" in regions:
    want.append(("split", "THP"))
errors = []
found = []
for name, cls in want:
    lo, hi = regions[name]
    # The runs drawn over the region (one per run of the walk's rows) must
    # all be of the class and cover it whole.
    over = sorted((r for r in runs if int(r["data-start"], 16) < hi and int(r["data-end"], 16) > lo),
                  key=lambda r: int(r["data-start"], 16))
    at = lo
    for r in over:
        if int(r["data-start"], 16) <= at:
            at = max(at, int(r["data-end"], 16))
    if not over or at < hi or any(r["data-class"] != cls for r in over):
        near = [(r["data-class"], r["data-start"], r["data-end"]) for r in over]
        errors.append(f"DOM: {name} {lo:#x}-{hi:#x} is not covered by {cls} runs: {near}")
    else:
        found.append((name, cls, max(over, key=lambda r: float(r["width"]))))
if not any("pgwalk-diff-dirty" in v.get("data-name", "") for v in vmas):
    errors.append("DOM: no VMA named /memfd:pgwalk-diff-dirty")
for cls in ("4K", "THP", "hugetlb", "swap", "marker", "none"):
    if cls not in legend:
        errors.append(f"DOM: no legend entry {cls}")

if dom_only:
    if errors:
        print("\n".join(errors))
        sys.exit(1)
    print(", ".join(f"{name}: {cls}" for name, cls, _ in found))
    sys.exit(0)

shot = os.path.join(outdir, "map.png")
r = run([f"--screenshot={shot}", f"--window-size={width},{height}", url])
if r.returncode != 0 or not os.path.exists(shot):
    sys.stderr.write("chromium --screenshot failed: " + r.stderr.decode(errors="replace")[-600:] + "\n")
    sys.exit(1)


def png_pixels(path):
    """RGB(A) 8-bit non-interlaced PNG -> (width, height, rows of bytes, bytes per pixel)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, rows, bpp


w, h, rows, bpp = png_pixels(shot)


def pixel(x, y):
    x, y = int(x), int(y)
    if not (0 <= x < w and 0 <= y < h):
        return None
    return tuple(rows[y][x * bpp:x * bpp + 3])


def middle(a):
    return float(a["x"]) + float(a["width"]) / 2, float(a["y"]) + float(a["height"]) / 2


for name, cls, rect in found:
    got = pixel(*middle(rect))
    swatch = pixel(*middle(legend[cls]))
    if got is None or swatch is None or max(abs(p - q) for p, q in zip(got, swatch)) > 8:
        errors.append(f"screenshot: {name} at {middle(rect)} is {got}, the {cls} swatch is {swatch}")
    else:
        print(f"{name}: {cls} {got} at {middle(rect)}")
if len({pixel(*middle(legend[c])) for c in ("4K", "THP", "none")}) != 3:
    errors.append("screenshot: the 4K, THP and none swatches are not three colours")
if errors:
    print("\n".join(errors))
    sys.exit(1)
