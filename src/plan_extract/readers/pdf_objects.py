"""The few things the PDF reader needs from a page, taken straight from pdfminer's
layout (``page.layout``): glyphs (text, box, size) and the axis-aligned edges that
lines, rectangles and curves draw. pdfplumber's own object model converts every
attribute of every glyph, which costs as much as parsing the page; reading the
layout objects directly keeps a text page cheap and lets only pages that draw
rulings pay for table finding (given the edges found here)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from pdfminer.layout import LTAnno, LTChar, LTContainer, LTCurve, LTImage, LTLine, LTRect

from ..options import PdfOptions
from .pdf_layout import Glyph
from .pdf_overlay import RawGlyph, classify, rgb

MIN_EDGE = 1.0  # points: shorter strokes are not rulings
WHITE = 0.99  # a colour whose RGB components are all at least this is the paper's


@dataclass
class PageObjects:
    width: float
    height: float
    glyphs: list[Glyph]
    edges: list[dict]  # pdfplumber-style edge dicts (orientation "h" / "v")
    overlay: dict = field(default_factory=dict)  # kind -> RawGlyphs drawn over the page
    turn_box: Callable = lambda box: box  # a page box into the frame the glyphs are in

    def counts(self) -> tuple[int, int]:
        h = sum(1 for e in self.edges if e["orientation"] == "h")
        return h, len(self.edges) - h


def _walk(container) -> Iterator:
    for obj in container:
        if isinstance(obj, LTContainer) and not isinstance(obj, LTChar):
            yield from _walk(obj)
        else:
            yield obj


def _edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict:
    return {
        "object_type": "line_edge",
        "orientation": orientation,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
        "doctop": top,
    }


def _direction(matrix) -> int:
    """Reading direction of a glyph in quarter turns (0 upright, 1 upwards, 2 upside
    down, 3 downwards), from its text rendering matrix."""
    a, b = matrix[0], matrix[1]
    if abs(a) >= abs(b):
        return 0 if a > 0 else 2
    return 1 if b > 0 else 3


def _turn(box: tuple[float, float, float, float], turns: int, w: float, h: float) -> tuple:
    """A top-left-origin box after turning the page so that text of direction
    ``turns`` reads upright."""
    x0, top, x1, bottom = box
    if turns == 1:
        return h - bottom, x0, h - top, x1
    if turns == 3:
        return top, w - x1, bottom, w - x0
    if turns == 2:
        return w - x1, h - bottom, w - x0, h - top
    return box


def _raw_glyph(obj, seq: int, px0: float, py1: float):
    m = obj.matrix
    a, b = m[0], m[1]
    scale = math.hypot(a, b) or 1.0
    gs = getattr(obj, "graphicstate", None)
    return RawGlyph(
        obj.get_text(),
        (obj.x0 - px0, py1 - obj.y1, obj.x1 - px0, py1 - obj.y0),
        _direction(m),
        min(abs(a), abs(b)) / scale,
        math.atan2(b, a),
        obj.size,
        getattr(obj, "fontname", ""),
        rgb(getattr(gs, "ncolor", None)),
        seq,
        (m[4], m[5]),
        getattr(obj, "adv", 0.0) * scale,
    )


def page_objects(layout, options: PdfOptions | None = None, annotations: Sequence[Sequence] = ()) -> PageObjects:
    """Glyphs and edges of a pdfminer ``LTPage``, in top-left page coordinates. A page
    whose text runs sideways (a landscape table set on a portrait page, or a page
    turned by ``/Rotate``) is turned so that its text reads upright. Text drawn over
    the page (:mod:`.pdf_overlay`; ``annotations``: the glyphs each annotation's
    appearance draws) is set apart in ``overlay``, by kind."""
    opts = options or PdfOptions()
    px0, py1 = layout.x0, layout.y1
    w, h = layout.width, layout.height
    raw: list = []
    shapes: list = []
    images: list[tuple] = []
    votes = [0, 0, 0, 0]
    for obj in _walk(layout):
        if isinstance(obj, LTChar):
            text = obj.get_text()
            if text:
                g = _raw_glyph(obj, len(raw), px0, py1)
                if not text.isspace() and g.turn <= opts.overlay_min_turn:
                    votes[g.direction] += 1
                raw.append(g)
        elif isinstance(obj, LTAnno):
            continue
        elif isinstance(obj, LTImage):
            images.append((obj.x0 - px0, py1 - obj.y1, obj.x1 - px0, py1 - obj.y0))
        elif isinstance(obj, (LTRect, LTLine, LTCurve)) and _paints(obj):
            shapes.append(obj)
    turns = max(range(4), key=lambda k: votes[k]) if any(votes) else 0
    body, overlay = classify(raw, images, turns, opts)
    annotated = []
    for chars in annotations:
        annotated += [_raw_glyph(c, -1, px0, py1) for c in chars if c.get_text() and not c.get_text().isspace()]
    if annotated:
        overlay = dict(overlay)
        overlay["annotation"] = annotated
    glyphs: list[Glyph] = []
    for g in body:
        box, size = g.box, g.size
        if turns:
            box = _turn(box, turns, w, h)
            size = box[3] - box[1]
        glyphs.append(Glyph(g.text, box[0], box[2], box[1], box[3], size))
    edges: list[dict] = []
    for obj in shapes:
        for box in _shape_segments(obj, px0, py1):
            x0, top, x1, bottom = _turn(box, turns, w, h) if turns else box
            if bottom - top < 0.5 and x1 - x0 >= MIN_EDGE:
                y = (top + bottom) / 2
                edges.append(_edge("h", x0, x1, y, y))
            elif x1 - x0 < 0.5 and bottom - top >= MIN_EDGE:
                x = (x0 + x1) / 2
                edges.append(_edge("v", x, x, top, bottom))
    pw, ph = (h, w) if turns in (1, 3) else (w, h)
    objects = PageObjects(pw, ph, glyphs, edges)
    objects.overlay = overlay
    objects.turn_box = (lambda box: _turn(box, turns, w, h)) if turns else (lambda box: box)
    return objects


def _paints(obj) -> bool:
    """Does a line, rect or curve leave a visible mark: a stroke or a fill in another
    colour than white, the paper's? A white fill draws nothing on the page (Word's
    white paragraph or character shading, a white box behind text) and its edges are no
    rulings: taken for rules, they cut a cell's lines into a table of their own."""
    return bool(
        obj.stroke
        and not _white(getattr(obj, "stroking_color", None))
        or obj.fill
        and not _white(getattr(obj, "non_stroking_color", None))
    )


def _white(color) -> bool:
    return min(rgb(color)) >= WHITE


def _shape_segments(obj, px0: float, py1: float) -> Iterator[tuple[float, float, float, float]]:
    """Axis-aligned segments (as degenerate top-left boxes) a line, rect or curve draws."""
    if isinstance(obj, LTRect):
        x0, x1 = obj.x0 - px0, obj.x1 - px0
        top, bottom = py1 - obj.y1, py1 - obj.y0
        if bottom - top < 2 and x1 - x0 >= MIN_EDGE:  # a thin bar: one rule
            mid = (top + bottom) / 2
            yield x0, mid, x1, mid
        elif x1 - x0 < 2 and bottom - top >= MIN_EDGE:
            mid = (x0 + x1) / 2
            yield mid, top, mid, bottom
        else:
            yield x0, top, x1, top
            yield x0, bottom, x1, bottom
            yield x0, top, x0, bottom
            yield x1, top, x1, bottom
        return
    pts = [(x - px0, py1 - y) for x, y in obj.pts]
    for (ax, ay), (bx, by) in zip(pts, pts[1:]):
        if abs(ay - by) < 0.5:
            y = (ay + by) / 2
            yield min(ax, bx), y, max(ax, bx), y
        elif abs(ax - bx) < 0.5:
            x = (ax + bx) / 2
            yield x, min(ay, by), x, max(ay, by)
