#!/usr/bin/env python3
"""Renders the HTML run report in headless Chromium and checks that its plots really draw.

1. `kvsim report --current FIXTURE --html report.html` writes the page.
2. `chromium --dump-dom` of the page: the parsed DOM must hold the sections, one <svg> per plot,
   and in them the series lines, markers, bars, axes and legends the report promises.
3. A screenshot of the top of the page must not be blank (text, table and the first plot).
4. Each plot's <svg> is rendered at its own size on a blank page; in its part of the screenshot
   every colour its data is drawn with must appear, the plot area must hold coloured pixels, and
   the text must be there (dark pixels around the axes).

Python 3 standard library only (PNG decoding with zlib). The browser is the first of chromium,
chromium-browser, google-chrome(-stable) on PATH, or $CHROMIUM. Exit 0 when every check passes,
1 when one fails, 77 (CTest's skip code) when no browser is found, unless --require-chromium.
"""

import argparse
import collections
import html.parser
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SKIP = 77
BROWSERS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]


def find_chromium():
    if os.environ.get("CHROMIUM"):
        return shutil.which(os.environ["CHROMIUM"])
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium(browser, profile, *args, timeout=120):
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--no-first-run", "--hide-scrollbars", "--force-device-scale-factor=1",
           f"--user-data-dir={profile}", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return done.stdout


def read_png(path):
    """(width, height, rows of RGB(A) bytes, bytes per pixel) of an 8-bit non-interlaced PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise RuntimeError(f"{path} is not a PNG")
    pos, idat = 8, []
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or interlace != 0 or colour not in (2, 6):
                raise RuntimeError(f"{path}: unsupported PNG (depth {depth}, colour {colour})")
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for x in range(stride):
                left = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + ((left + prev[x]) >> 1)) & 255
        elif f == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, rows, bpp


def pixels(png, box=None):
    """RGB tuples of the image, or of box = (x0, y0, x1, y1)."""
    w, h, rows, bpp = png
    x0, y0, x1, y1 = box or (0, 0, w, h)
    for y in range(max(0, y0), min(h, y1)):
        row = rows[y]
        for x in range(max(0, x0), min(w, x1)):
            i = x * bpp
            yield row[i], row[i + 1], row[i + 2]


def hex_rgb(colour):
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def near(p, q, tol=40):
    return sum(abs(a - b) for a, b in zip(p, q)) <= tol


def coloured(p):
    return max(p) - min(p) > 60


class DomCounter(html.parser.HTMLParser):
    """Counts elements by tag and by (tag, class), and section ids, in the dumped DOM."""

    def __init__(self):
        super().__init__()
        self.tags, self.classes, self.sections = {}, {}, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for c in (a.get("class") or "").split():
            self.classes[(tag, c)] = self.classes.get((tag, c), 0) + 1
        if tag == "section":
            self.sections.append(a.get("id"))

    handle_startendtag = handle_starttag


class Checks:
    def __init__(self):
        self.failures = 0

    def expect(self, ok, what):
        print(("ok    " if ok else "FAIL  ") + what)
        if not ok:
            self.failures += 1


def check_dom(checks, dom):
    d = DomCounter()
    d.feed(dom)
    print(f"DOM: {d.tags.get('svg', 0)} svg, {d.classes.get(('path', 'series-line'), 0)} series "
          f"lines, {d.classes.get(('circle', 'marker'), 0) + d.classes.get(('path', 'marker'), 0)}"
          f" markers, {d.classes.get(('rect', 'bar'), 0)} bars")
    checks.expect(d.tags.get("script", 0) == 0, "the page has no scripts")
    for section in ["points", "errors", "kv-memory", "latency", "roofline", "memory", "cost"]:
        checks.expect(section in d.sections, f"section #{section} is in the DOM")
    checks.expect(d.classes.get(("svg", "kvsim-chart"), 0) == 8,
                  "8 plots: KV timeline, 3 latency CDFs, 2 rooflines, memory, cost")
    checks.expect(d.classes.get(("path", "series-line"), 0) >= 4 * 4,
                  "series lines for 4 points in the timeline and the CDFs")
    checks.expect(d.classes.get(("circle", "marker"), 0) >= 4 * 3,
                  "roofline markers for the decode operators")
    checks.expect(d.classes.get(("rect", "bar"), 0) >= 4 * 5 + 2, "memory and cost bars")
    checks.expect(d.classes.get(("g", "x-axis"), 0) == 8, "a bottom axis on every plot")
    checks.expect(d.classes.get(("g", "y-axis"), 0) == 6, "a left axis on every XY plot")
    checks.expect(d.classes.get(("g", "legend"), 0) == 8, "a legend on every plot")
    checks.expect(d.tags.get("tr", 0) >= 6 + 1, "the points table has a row per point")


def chart_size(svg):
    m = re.search(r'<svg [^>]*width="([\d.]+)" height="([\d.]+)"', svg)
    return int(float(m.group(1)) + 0.5), int(float(m.group(2)) + 0.5)


def render_charts(browser, profile, workdir, svgs):
    """Screenshot of every plot stacked on a blank page; returns it and each plot's top offset."""
    offsets, y, width = [], 0, 0
    body = []
    for svg in svgs:
        w, h = chart_size(svg)
        offsets.append(y)
        body.append(f'<div style="height:{h}px;overflow:hidden">{svg}</div>')
        y += h
        width = max(width, w)
    page = os.path.join(workdir, "charts.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0;'
                'background:#fff} svg{display:block}</style></head><body>' + "".join(body) +
                "</body></html>")
    shot = os.path.join(workdir, "charts.png")
    chromium(browser, profile, f"--window-size={width},{y}", f"--screenshot={shot}",
             "file://" + page)
    return read_png(shot), offsets


def check_chart(checks, png, top, svg):
    w, h = chart_size(svg)
    title = re.search(r"<title>(.*?)</title>", svg).group(1)
    # Colours are counted above the legend, whose swatches repeat them.
    legend = svg[svg.find('<g class="legend"'):]
    legend_top = min([float(v) for v in re.findall(r' (?:y|y1|cy)="([\d.]+)"', legend)] + [h])
    counts = collections.Counter(pixels(png, (0, top, w, top + int(legend_top) - 12)))
    # The colours the chart's data is drawn with (series lines, markers and bars).
    data = svg[svg.find('<g class="data"'):svg.find('<g class="legend"')]
    colours = set(re.findall(r'(?:stroke|fill)="(#[0-9A-Fa-f]{6})"', data))
    colours -= {"#ffffff", "#FFFFFF"}
    missing = sorted(c for c in colours
                     if sum(n for p, n in counts.items() if near(p, hex_rgb(c))) < 8)
    checks.expect(not missing and len(colours) >= 2,
                  f"plot '{title}': all {len(colours)} data colours drawn"
                  + (f" (missing {missing})" if missing else ""))
    dark = sum(n for p, n in counts.items() if max(p) < 90)
    checks.expect(dark > w * h * 0.002, f"plot '{title}': axis text and lines rendered "
                                        f"({dark} dark pixels)")
    area = re.search(r'class="plot-area" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" '
                     r'height="([\d.]+)"', svg)
    if area:
        x, y, aw, ah = (float(v) for v in area.groups())
        box = (int(x), top + int(y), int(x + aw), top + int(y + ah))
        inside = sum(1 for p in pixels(png, box) if coloured(p))
        checks.expect(inside > 150, f"plot '{title}': {inside} coloured pixels inside the plot area")
    else:
        colourful = sum(n for p, n in counts.items() if coloured(p))
        checks.expect(colourful > w * h * 0.01, f"plot '{title}': {colourful} coloured pixels")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kvsim", required=True, help="the built kvsim binary")
    ap.add_argument("--fixture", required=True, help="a run result JSON")
    ap.add_argument("--keep", help="keep the page and screenshots in this directory")
    ap.add_argument("--require-chromium", action="store_true",
                    help="fail instead of skipping when Chromium is missing")
    args = ap.parse_args()
    browser = find_chromium()
    if browser is None:
        print(("FAIL" if args.require_chromium else "SKIP") + ": no Chromium found (" +
              ", ".join(BROWSERS) + "; Debian package 'chromium')")
        return 1 if args.require_chromium else SKIP
    workdir = args.keep or tempfile.mkdtemp(prefix="kvsim_html_")
    os.makedirs(workdir, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="kvsim_chromium_")
    try:
        page = os.path.join(workdir, "report.html")
        subprocess.run([args.kvsim, "report", "--current", args.fixture, "--html", page],
                       check=True)
        html_text = open(page, encoding="utf-8").read()
        checks = Checks()
        url = "file://" + os.path.abspath(page)
        check_dom(checks, chromium(browser, profile, "--dump-dom", url))

        shot = os.path.join(workdir, "page_top.png")
        chromium(browser, profile, "--window-size=1200,1400", f"--screenshot={shot}", url)
        png = read_png(shot)
        counts = collections.Counter(pixels(png))
        colours = {p for p in counts if coloured(p)}
        dark = sum(n for p, n in counts.items() if max(p) < 90)
        checks.expect(dark > 5000, f"top of the page shows text ({dark} dark pixels)")
        checks.expect(len(colours) > 20, f"top of the page shows coloured plots "
                                         f"({len(colours)} distinct colours)")

        svgs = re.findall(r"<svg xmlns.*?</svg>", html_text, flags=re.S)
        checks.expect(len(svgs) == 8, f"{len(svgs)} plots in the page")
        if svgs:
            png, offsets = render_charts(browser, profile, workdir, svgs)
            for top, svg in zip(offsets, svgs):
                check_chart(checks, png, top, svg)
        print(f"{checks.failures} check(s) failed" if checks.failures else "all checks passed")
        return 1 if checks.failures else 0
    finally:
        shutil.rmtree(profile, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
