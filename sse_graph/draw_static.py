"""The picture as a file for a report: SVG or PNG sized for an A4 page (landscape).

Drawn server-side from the same :class:`~sse_graph.draw.Scene` as the HTML
picture (same nodes, colours, legend; a focus picture's rows laid out on the page
as picture.js lays them out in a window: lines of even widths filling the page,
each name centred below its node), with a caption under the legend: the date
shown (or every date) and the source documents of the relations drawn.  Labels are real text (SVG
``<text>``, escaped by the XML writer: nothing from the data is markup), at
least 12 px on a 150 dpi A4 page, and placed so that no two label boxes
overlap, with a white halo over the edges: each label tries a few places around its node and keeps the first
free one; a label with no free place is left out (its node stays, the full
name is in the HTML picture's tooltip).  No new dependency: SVG is written by
hand, PNG with Pillow, text measured with the DejaVu Sans font when present.
"""
from __future__ import annotations

import io
import math
from xml.sax.saxutils import escape, quoteattr

from .draw import Scene

__all__ = ["render_svg", "render_png", "layout_labels", "legend_layout", "WIDTH", "HEIGHT", "FONT_PX"]

WIDTH, HEIGHT = 1754, 1240  # A4 landscape at 150 dpi
FONT_PX = 16  # 16 px at 150 dpi = 7.7 pt on paper; ≥ 12 px on screen
MARGIN = 40
LEGEND_H = 70
RADIUS, GAP_X, GAP_Y = 9, 24, 10  # a focus picture's node (the largest drawn), and the room around its name
HALO = ' stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'  # a name stays legible over edges
FONT_FILES = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf"]


def _font(px: int):
    from PIL import ImageFont

    for f in FONT_FILES:
        try:
            return ImageFont.truetype(f, px)
        except OSError:
            continue
    return ImageFont.load_default(px)


def legend_layout(scene: Scene, font) -> tuple[list[tuple[str, str, str, float, float]], float]:
    """The legend's items (kind, colour, text, x, baseline y), wrapped onto as
    many lines as they need at the bottom of the page, and the height it takes."""
    lines: list[list[tuple[str, str, str, float]]] = [[]]
    x = MARGIN
    for kind, colour, text in _legend_items(scene):
        w = font.getlength(text) + 34
        if lines[-1] and x + w > WIDTH - MARGIN:
            lines.append([])
            x = MARGIN
        lines[-1].append((kind, colour, text, x))
        x += w + 12
    for text in _caption_lines(scene, font):  # the date shown and the sources, under the legend
        lines.append([("caption", "#333333", text, MARGIN)])
    step = FONT_PX + 10
    height = max(LEGEND_H, 30 + step * len(lines))
    top = HEIGHT - height + 20
    return [(k, c, t, x, top + i * step) for i, line in enumerate(lines) for k, c, t, x in line], height


def _legend_height(scene: Scene) -> float:
    return legend_layout(scene, _font(FONT_PX))[1]


def _rows_fit(scene: Scene, font) -> dict[str, tuple[float, float]]:
    """A focus picture's rows (world at the top, local at the bottom) laid out on
    the page as picture.js lays them out in the browser: each row wrapped to the
    page's width into lines of even widths, each node given the width of its name
    (drawn centred below it), the nodes of a line spread over the width and the
    lines over the height (twice the room between two levels)."""
    from .draw import even_lines

    names = {n["iri"]: n["label"] for n in scene.nodes}
    width = WIDTH - 2 * MARGIN
    lines: list[tuple[int, bool, list[str], list[float]]] = []  # (level, first line of a new level, nodes, widths)
    for level, row in scene.rows:
        ws = [max(font.getlength(names[iri]), 2 * RADIUS) + GAP_X for iri in row]
        starts = even_lines(ws, width)
        for a, b in zip(starts, [*starts[1:], len(row)]):
            lines.append((level, bool(lines) and lines[-1][0] != level, row[a:b], ws[a:b]))
    need = 2 * RADIUS + FONT_PX + 8 + GAP_Y  # a line: its nodes, their names below, the room under them
    height = HEIGHT - _legend_height(scene) - 2 * MARGIN
    spare = height - need * len(lines)
    weights = [0.0] + [2.0 if new_level else 1.0 for _level, new_level, _row, _ws in lines[1:]]
    total = 0.2 + sum(weights)
    if spare >= 0:  # the room left goes between the lines, a little above and below
        top, step, gaps = spare * 0.1 / total, need, [spare * w / total for w in weights]
    else:  # too many lines: closer (a name that collides then moves or is left out)
        top, step, gaps = 0.0, (height - need) / max(1, len(lines) - 1), [0.0] * len(lines)
    out = {}
    y = MARGIN + top
    for i, (_level, _new, row, ws) in enumerate(lines):
        if i:
            y += step + gaps[i]
        room = max(0.0, (width - sum(ws)) / len(row))
        x = MARGIN
        for iri, w in zip(row, ws):
            out[iri] = (x + (w + room) / 2, y + RADIUS)
            x += w + room
    widths = {iri: w for _level, _new, row, ws in lines for iri, w in zip(row, ws)}
    return _off_edges(scene, out, widths)


def _segment_distance(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / ((dx * dx + dy * dy) or 1)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _off_edges(scene: Scene, pos: dict[str, tuple[float, float]], widths: dict[str, float]) -> dict[str, tuple[float, float]]:
    """A node lying on an edge it is no end of would read as a step of that edge (SAW-B alone
    under ConcertES, ConcertES → ACFI passing through it: ACFI read as SAW-B's member): such a
    node moves sideways, away from the edge, where its line has room for its name (a node of a
    full line stays: its name would cover a neighbour's)."""
    clear = 2.5 * RADIUS

    def crossing(iri, x, y):
        return next(((pos[e["a"]], pos[e["b"]]) for e in scene.edges if iri not in (e["a"], e["b"])
                     and min(pos[e["a"]][1], pos[e["b"]][1]) < y < max(pos[e["a"]][1], pos[e["b"]][1])
                     and _segment_distance((x, y), pos[e["a"]], pos[e["b"]]) < clear), None)

    def room(iri, x, y):
        half = widths[iri] / 2
        return MARGIN + half <= x <= WIDTH - MARGIN - half and all(
            abs(x - ox) >= (widths[iri] + widths[o]) / 2 for o, (ox, oy) in pos.items() if o != iri and oy == y)

    for iri in list(pos):
        start = pos[iri]
        for _ in range(8):  # step by step away from each edge it meets
            x, y = pos[iri]
            hit = crossing(iri, x, y)
            if hit is None:
                break
            (ax, ay), (bx, by) = hit
            at = ax + (bx - ax) * (y - ay) / ((by - ay) or 1)  # the edge's x on this node's line
            nx = at + (1.0 if x >= at else -1.0) * (clear + 2 * RADIUS)
            if not room(iri, nx, y):
                pos[iri] = start  # no room on its line: it stays where it was
                break
            pos[iri] = (nx, y)
        else:
            pos[iri] = start
    return pos


def _fit(scene: Scene) -> dict[str, tuple[float, float]]:
    """Node positions scaled to fill the drawing area (y grows downward); the
    whole network is first spread evenly (as in the HTML picture), the focus
    view is laid out in rows (:func:`_rows_fit`)."""
    from .draw import spread_positions

    if scene.focus_label is not None and scene.rows:
        return _rows_fit(scene, _font(FONT_PX))
    at = {n["iri"]: (n["x"], n["y"]) for n in scene.nodes}
    if scene.focus_label is None and len(at) > 2:
        at = spread_positions(at)
    xs = [x for x, _y in at.values()]
    ys = [y for _x, y in at.values()]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    legend_h = _legend_height(scene)
    w, h = WIDTH - 2 * MARGIN - 200, HEIGHT - 2 * MARGIN - legend_h - 40  # room for the labels on the right
    sx = w / (x1 - x0) if x1 > x0 else 0
    sy = h / (y1 - y0) if y1 > y0 else 0
    cx, cy = (WIDTH - 200) / 2, (HEIGHT - legend_h) / 2
    return {iri: (MARGIN + 100 + (x - x0) * sx if sx else cx,
                  MARGIN + 20 + (y - y0) * sy if sy else cy) for iri, (x, y) in at.items()}


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def layout_labels(scene: Scene, pos, font) -> dict[str, tuple[float, float, float, float]]:
    """A box (x0, y0, x1, y1) per labelled node, no two overlapping, none over a node."""
    radius = 7
    discs = [(x - radius, y - radius, x + radius, y + radius) for x, y in pos.values()]
    placed: list[tuple] = []
    out = {}
    bottom = HEIGHT - _legend_height(scene)
    # the focus and the biggest nodes choose first; the first few may cover other nodes
    # (a hub sits among its members), never another label
    top = max(5, round(0.03 * len(scene.nodes)))
    for rank, n in enumerate(sorted(scene.nodes, key=lambda n: (not n["focus"], -n["size"], n["label"]))):
        x, y = pos[n["iri"]]
        w = font.getlength(n["label"])
        h = FONT_PX + 2
        tries = [(radius + 3, -h / 2), (-w / 2, radius + 2), (-w / 2, -radius - h - 2), (-w - radius - 3, -h / 2),
                 (radius + 3, -h - 4), (radius + 3, 4), (-w / 2, radius + h + 4), (-w / 2, -radius - 2 * h - 4)]
        if scene.rows:  # a focus picture's nodes are spaced for their names below them
            tries.insert(0, tries.pop(1))
        for dx, dy in tries:
            box = (x + dx, y + dy, x + dx + w, y + dy + h)
            if box[0] < 2 or box[2] > WIDTH - 2 or box[1] < 2 or box[3] > bottom:
                continue
            if any(_overlap(box, p) for p in placed) or (rank >= top and any(_overlap(box, d) for d in discs)):
                continue
            placed.append(box)
            out[n["iri"]] = box
            break
    return out


def _caption_lines(scene: Scene, font) -> list[str]:
    """The picture's caption (:func:`sse_graph.draw.caption`), wrapped at word ends to the page's width."""
    from .draw import caption

    out = []
    for line in caption(scene):
        current = ""
        for word in line.split(" "):
            trial = f"{current} {word}" if current else word
            if current and font.getlength(trial) > WIDTH - 2 * MARGIN:
                out.append(current)
                current = word
            else:
                current = trial
        out.append(current)
    return out


def _legend_items(scene: Scene):
    from .draw import LEGEND_FR

    items = [("node", c, LEGEND_FR.get(name, name) if scene.lang == "fr" else name) for name, c, _s in scene.legend]
    items += [("edge", c, rel) for rel, c in scene.relations]
    return items


def render_svg(scene: Scene) -> bytes:
    """An A4-landscape SVG: labels are ``<text>`` elements, the full name in each node's ``<title>``."""
    font = _font(FONT_PX)
    pos = _fit(scene)
    boxes = layout_labels(scene, pos, font)
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="297mm" height="210mm" viewBox="0 0 {WIDTH} {HEIGHT}" '
         f'font-family="DejaVu Sans, sans-serif" font-size="{FONT_PX}">',
         f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
         '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
         'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>']
    for e in scene.edges:
        (x1, y1), (x2, y2) = pos[e["a"]], pos[e["b"]]
        d = math.hypot(x2 - x1, y2 - y1) or 1
        x2, y2 = x2 - (x2 - x1) * 8 / d, y2 - (y2 - y1) * 8 / d
        o.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke={quoteattr(e["colour"])} '
                 f'stroke-width="{4 if e["chain"] else 1.2}" marker-end="url(#arrow)">'
                 f'<title>{escape(e["relation"])}</title></line>')
    for n in scene.nodes:
        x, y = pos[n["iri"]]
        o.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{9 if n["focus"] else 7}" fill={quoteattr(n["colour"])} '
                 f'stroke="#222" stroke-width="{3 if n["focus"] else 0.8}"><title>{escape(n["full"])}</title></circle>')
    for n in scene.nodes:
        if n["iri"] in boxes:
            x0, y0, _x1, y1 = boxes[n["iri"]]
            weight = ' font-weight="bold"' if n["focus"] else ""
            o.append(f'<g><title>{escape(n["full"])}</title>'
                     f'<text x="{x0:.1f}" y="{y1 - 4:.1f}"{weight}{HALO}>{escape(n["label"])}</text></g>')
    for kind, colour, text, x, y in legend_layout(scene, font)[0]:
        if kind == "caption":
            o.append(f'<text x="{x}" y="{y}" fill={quoteattr(colour)}>{escape(text)}</text>')
            continue
        if kind == "node":
            o.append(f'<circle cx="{x + 7}" cy="{y - 5}" r="7" fill={quoteattr(colour)}/>')
        else:
            o.append(f'<line x1="{x}" y1="{y - 5}" x2="{x + 18}" y2="{y - 5}" stroke={quoteattr(colour)} stroke-width="3"/>')
        o.append(f'<text x="{x + 24}" y="{y}">{escape(text)}</text>')
    o.append("</svg>")
    return "\n".join(o).encode("utf-8")


def render_png(scene: Scene) -> bytes:
    """An A4-landscape PNG at 150 dpi, the same drawing as :func:`render_svg`."""
    from PIL import Image, ImageDraw

    font = _font(FONT_PX)
    bold = font
    pos = _fit(scene)
    boxes = layout_labels(scene, pos, font)
    img = Image.new("RGB", (WIDTH, HEIGHT), "white")
    d = ImageDraw.Draw(img)
    for e in scene.edges:
        (x1, y1), (x2, y2) = pos[e["a"]], pos[e["b"]]
        d.line([(x1, y1), (x2, y2)], fill=e["colour"], width=4 if e["chain"] else 1)
        dist = math.hypot(x2 - x1, y2 - y1) or 1
        ux, uy = (x2 - x1) / dist, (y2 - y1) / dist
        tx, ty = x2 - ux * 8, y2 - uy * 8
        d.polygon([(tx, ty), (tx - ux * 9 - uy * 4, ty - uy * 9 + ux * 4), (tx - ux * 9 + uy * 4, ty - uy * 9 - ux * 4)],
                  fill="#555")
    for n in scene.nodes:
        x, y = pos[n["iri"]]
        r = 9 if n["focus"] else 7
        d.ellipse([x - r, y - r, x + r, y + r], fill=n["colour"], outline="#222", width=3 if n["focus"] else 1)
    for n in scene.nodes:
        if n["iri"] in boxes:
            x0, y0, _x1, _y1 = boxes[n["iri"]]
            d.text((x0, y0), n["label"], fill="#111", font=bold, stroke_width=2, stroke_fill="white")  # legible over edges
    for kind, colour, text, x, y in legend_layout(scene, font)[0]:
        if kind == "caption":
            d.text((x, y - FONT_PX + 2), text, fill=colour, font=font)
            continue
        if kind == "node":
            d.ellipse([x, y - 12, x + 14, y + 2], fill=colour)
        else:
            d.line([(x, y - 5), (x + 18, y - 5)], fill=colour, width=3)
        d.text((x + 24, y - FONT_PX + 2), text, fill="#111", font=font)
    buf = io.BytesIO()
    img.save(buf, format="PNG", dpi=(150, 150))
    return buf.getvalue()
