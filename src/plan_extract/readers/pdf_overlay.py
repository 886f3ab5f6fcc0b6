"""Text drawn over a PDF page rather than set in it: digital-signature stamps, text
drawn over a signature image, watermarks, the number and date that signing software
stamps into the blanks of the printed header. Such text is kept apart from lines,
paragraphs and cells (SPEC section 3) and given to the IR as
:class:`~plan_extract.ir.Overlay` records.

A glyph is overlay text when what is found on the page says so (thresholds in
:class:`~plan_extract.options.PdfOptions`):

* ``turned`` — its text matrix is turned off the page's reading direction (a rotated
  stamp or watermark), by a quarter turn or by any angle;
* ``overlap`` — it belongs to a *run* (glyphs drawn one after the other in the same
  font, size and colour) of which a good share overlaps the boxes of other text, and
  its style is the rarer of the two on the page (or, the same style, drawn later);
  the same text drawn twice at almost the same place (a fake bold) is a duplicate
  and is dropped;
* ``image`` — its run lies inside a drawn image and its colour or size is unlike
  the body text's (red or blue signing details over a signature image);
* ``annotation`` — it comes from an annotation's appearance stream (a signature
  widget); pdfminer does not draw these, :func:`annotation_glyphs` does.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..ir import Overlay
from ..options import PdfOptions
from .pdf_layout import Glyph, Line, Word, lines_from_glyphs


@dataclass(slots=True)
class RawGlyph:
    """One glyph as drawn: box in top-left page coordinates (before any turn)."""

    text: str
    box: tuple[float, float, float, float]  # x0, top, x1, bottom
    direction: int  # quarter turns of its reading direction
    turn: float  # |sin| of its angle off the nearest quarter turn
    angle: float  # radians
    size: float
    font: str
    colour: tuple[float, float, float]
    seq: int
    origin: tuple[float, float]  # text origin, PDF coordinates (y up)
    advance: float


def rgb(ncolor) -> tuple[float, float, float]:
    """A fill colour as RGB in 0..1 (grey, RGB and CMYK; anything else black)."""
    try:
        if isinstance(ncolor, (int, float)):
            g = float(ncolor)
            return g, g, g
        vals = [float(v) for v in ncolor]
    except (TypeError, ValueError):
        return 0.0, 0.0, 0.0
    if len(vals) == 1:
        return vals[0], vals[0], vals[0]
    if len(vals) == 3:
        return vals[0], vals[1], vals[2]
    if len(vals) == 4:
        c, m, y, k = vals
        return (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    return 0.0, 0.0, 0.0


def _distance(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    return math.dist(a, b) / math.sqrt(3)


def _area(b: tuple[float, float, float, float]) -> float:
    return max(b[2] - b[0], 0.0) * max(b[3] - b[1], 0.0)


def _overlap(a: tuple, b: tuple) -> float:
    """Shared area over the smaller box's area."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / max(min(_area(a), _area(b)), 0.01)


def _style(g: RawGlyph) -> tuple:
    return g.font, round(g.size, 1), tuple(round(c, 2) for c in g.colour)


def _runs(glyphs: Sequence[RawGlyph]) -> list[int]:
    """Run id of each glyph (stream order): a new run where the style changes or the
    drawing jumps back up the page or far down it."""
    ids: list[int] = []
    run = -1
    prev: RawGlyph | None = None
    for g in glyphs:
        if (
            prev is None
            or _style(g) != _style(prev)
            or g.box[1] < prev.box[1] - 0.6 * g.size
            or g.box[1] > prev.box[3] + 2.5 * g.size
        ):
            run += 1
        ids.append(run)
        prev = g
    return ids


def classify(
    glyphs: list[RawGlyph], images: Sequence[tuple], turns: int, opts: PdfOptions
) -> tuple[list[RawGlyph], dict[str, list[RawGlyph]]]:
    """Body glyphs (in stream order) and overlay glyphs by kind."""
    overlay: dict[str, list[RawGlyph]] = defaultdict(list)
    upright: list[RawGlyph] = []
    for g in glyphs:
        if g.direction != turns or g.turn > opts.overlay_min_turn:
            if not g.text.isspace():
                overlay["turned"].append(g)
        else:
            upright.append(g)
    ink = [g for g in upright if not g.text.isspace()]
    if not ink:
        return upright, overlay
    run_of = dict(zip((id(g) for g in upright), _runs(upright)))  # a space goes with its run
    run_len = Counter(run_of[id(g)] for g in ink)
    style_count = Counter(_style(g) for g in ink)
    # overlapping glyphs of different runs, found through a coarse grid
    cell = 24.0
    grid: dict[tuple[int, int], list[RawGlyph]] = defaultdict(list)
    losers: dict[int, set[int]] = defaultdict(set)  # run -> glyph ids that lose an overlap
    duplicates: set[int] = set()
    for g in ink:
        x0, t, x1, b = g.box
        seen: set[int] = set()
        for gx in range(int(x0 // cell), int(x1 // cell) + 1):
            for gy in range(int(t // cell), int(b // cell) + 1):
                for other in grid[(gx, gy)]:
                    if id(other) in seen or run_of[id(other)] == run_of[id(g)]:
                        continue
                    seen.add(id(other))
                    if _overlap(g.box, other.box) < opts.overlay_overlap:
                        continue
                    if (
                        g.text == other.text
                        and abs(g.box[0] - other.box[0]) < 0.25 * g.size
                        and abs(g.box[1] - other.box[1]) < 0.25 * g.size
                    ):
                        duplicates.add(id(g))  # drawn twice: a fake bold or a shadow
                        continue
                    # the rarer style on the page loses; the same style: the later one
                    key = (style_count[_style(g)], -g.seq) < (style_count[_style(other)], -other.seq)
                    loser = g if key else other
                    losers[run_of[id(loser)]].add(id(loser))
                grid[(gx, gy)].append(g)
    over_runs = {r for r, ids in losers.items() if len(ids) >= opts.overlay_run_share * run_len[r]}
    body_ink = [g for g in ink if run_of[id(g)] not in over_runs and id(g) not in duplicates]
    colours = Counter(tuple(round(c, 2) for c in g.colour) for g in body_ink)
    sizes = Counter(round(g.size, 1) for g in body_ink)
    body_colour = rgb(colours.most_common(1)[0][0]) if colours else (0.0, 0.0, 0.0)
    body_size = sizes.most_common(1)[0][0] if sizes else 0.0
    image_runs: set[int] = set()
    if images:
        inside: Counter = Counter()
        unlike: Counter = Counter()
        for g in body_ink:
            cx, cy = (g.box[0] + g.box[2]) / 2, (g.box[1] + g.box[3]) / 2
            if any(i[0] <= cx <= i[2] and i[1] <= cy <= i[3] for i in images):
                inside[run_of[id(g)]] += 1
                ratio = max(g.size, 0.1) / max(body_size, 0.1)
                if (
                    _distance(g.colour, body_colour) >= opts.overlay_colour_distance
                    or max(ratio, 1 / ratio) >= opts.overlay_size_ratio
                ):
                    unlike[run_of[id(g)]] += 1
        image_runs = {r for r, n in inside.items() if n >= 0.5 * run_len[r] and unlike[r] >= 0.5 * run_len[r]}
    body: list[RawGlyph] = []
    for g in upright:
        r = run_of[id(g)]
        if id(g) in duplicates:
            continue
        elif r in over_runs:
            if not g.text.isspace():
                overlay["overlap"].append(g)
        elif r in image_runs:
            if not g.text.isspace():
                overlay["image"].append(g)
        else:
            body.append(g)
    return body, overlay


# -- overlay glyphs to overlay records ------------------------------------------------------------
@dataclass
class _Piece:
    line: Line  # words in reading frame
    bbox: tuple[float, float, float, float]  # on the page


class _FrameGlyph:
    """A glyph in its own reading frame (for text set at an angle)."""

    __slots__ = ("text", "x0", "x1", "top", "bottom", "size", "page_box")

    def __init__(self, g: RawGlyph, angle: float, size: float):
        ca, sa = math.cos(angle), math.sin(angle)
        ox, oy = g.origin
        u = ox * ca + oy * sa
        v = -ox * sa + oy * ca
        self.text = g.text
        self.x0, self.x1 = u, u + max(g.advance, 0.1)
        self.top, self.bottom = -v - 0.8 * size, -v + 0.2 * size
        self.size = size  # pdfminer's size of a turned glyph is its box's, not the font's
        self.page_box = g.box


def _pieces(glyphs: Sequence, page: int, page_boxes: Sequence[tuple]) -> list[_Piece]:
    """Lines of overlay glyphs split where a wide gap parts them."""
    box_of = {id(g): b for g, b in zip(glyphs, page_boxes)}
    out: list[_Piece] = []
    lines = lines_from_glyphs(glyphs, page, 0.0, 0.0)
    # lines_from_glyphs makes words; map words back to page boxes through their glyphs
    spans = sorted(glyphs, key=lambda g: (g.top, g.x0))
    for ln in lines:
        segs: list[list[Word]] = []
        for w in ln.words:
            if segs and w.x0 - segs[-1][-1].x1 > 2.5 * max(w.size, 1.0):
                segs.append([w])
            elif segs:
                segs[-1].append(w)
            else:
                segs.append([w])
        for seg in segs:
            sx0, sx1 = seg[0].x0, seg[-1].x1
            members = [
                box_of[id(g)]
                for g in spans
                if sx0 - 0.5 <= g.x0 and g.x1 <= sx1 + 0.5 and ln.top - 1 <= g.top <= ln.bottom + 1
            ]
            if not members:
                continue
            bbox = (
                min(b[0] for b in members),
                min(b[1] for b in members),
                max(b[2] for b in members),
                max(b[3] for b in members),
            )
            out.append(_Piece(Line(seg, page).finish(), bbox))
    return out


def _cluster(pieces: list[_Piece]) -> list[list[_Piece]]:
    """Pieces one above the other and close together make one overlay."""
    pieces.sort(key=lambda p: (p.bbox[1], p.bbox[0]))
    groups: list[list[_Piece]] = []
    for p in pieces:
        size = max(p.line.size, 1.0)
        for grp in groups:
            last = grp[-1]
            if (
                0 <= p.bbox[1] - last.bbox[3] < 1.2 * size
                and min(p.bbox[2], last.bbox[2]) - max(p.bbox[0], last.bbox[0]) > -size
            ):
                grp.append(p)
                break
        else:
            groups.append([p])
    return groups


def to_overlays(kind_glyphs: dict[str, list], page: int, turn_box) -> list[Overlay]:
    """Overlay records of one page. ``turn_box`` maps a page box into the page's
    reading frame (the frame body lines use)."""
    out: list[Overlay] = []
    for kind, glyphs in kind_glyphs.items():
        if not glyphs:
            continue
        pieces: list[_Piece] = []
        if kind == "turned":
            by_angle: dict[int, list[RawGlyph]] = defaultdict(list)
            for g in glyphs:
                by_angle[round(math.degrees(g.angle) / 5)].append(g)
            for key, members in by_angle.items():
                size = sorted(g.size for g in members)[len(members) // 2]
                frame = [_FrameGlyph(g, math.radians(key * 5), size) for g in members]
                pieces += _pieces(frame, page, [turn_box(g.box) for g in members])
        else:
            plain = []
            boxes = []
            for g in glyphs:
                b = turn_box(g.box)
                plain.append(Glyph(g.text, b[0], b[2], b[1], b[3], b[3] - b[1] if g.direction % 2 else g.size))
                boxes.append(b)
            pieces = _pieces(plain, page, boxes)
        for grp in _cluster(pieces):
            bbox = (
                min(p.bbox[0] for p in grp),
                min(p.bbox[1] for p in grp),
                max(p.bbox[2] for p in grp),
                max(p.bbox[3] for p in grp),
            )
            lines = [p.line.text for p in grp if p.line.text]
            if lines:
                ov = Overlay(
                    lines, page, (round(bbox[0], 1), round(bbox[1], 1), round(bbox[2], 1), round(bbox[3], 1)), kind
                )
                ov._words = [w for p in grp for w in p.line.words] if len(grp) == 1 else None  # type: ignore
                out.append(ov)
    out.sort(key=lambda o: (o.bbox[1], o.bbox[0]))
    return out


def set_contexts(overlays: list[Overlay], lines: Sequence[Line], opts: PdfOptions) -> None:
    """For each one-line overlay drawn on a body line: that line's part around it,
    read with the overlay text in its place (all overlays on the line filled in)."""
    on_line: dict[int, list[Overlay]] = defaultdict(list)
    for ov in overlays:
        words = getattr(ov, "_words", None)
        if not words or ov.kind == "turned":
            continue
        top, bottom = ov.bbox[1], ov.bbox[3]
        mid = (top + bottom) / 2
        for k, ln in enumerate(lines):
            if ln.top <= mid <= ln.bottom or top <= (ln.top + ln.bottom) / 2 <= bottom:
                if not any(w.x0 < o.x1 - 0.5 and o.x0 < w.x1 - 0.5 for w in ln.words for o in words):
                    on_line[k].append(ov)  # drawn into a blank of the line, not over its words
                break
    for k, ovs in on_line.items():
        ln = lines[k]
        placed: list[tuple[Word, Overlay | None]] = [(w, None) for w in ln.words]
        for ov in ovs:
            placed += [(w, ov) for w in ov._words]  # type: ignore[attr-defined]
        placed.sort(key=lambda t: t[0].x0)
        gap = max(opts.min_half_gap, opts.half_gap_sizes * max(ln.size, 1.0))
        segments: list[list[tuple[Word, Overlay | None]]] = [[placed[0]]]
        for item in placed[1:]:
            if item[0].x0 - segments[-1][-1][0].x1 >= gap:
                segments.append([item])
            else:
                segments[-1].append(item)
        for seg in segments:
            text = " ".join(w.text for w, _ in seg)
            for _, drawn in seg:
                if drawn is not None:
                    drawn.context = text
    for ov in overlays:
        if hasattr(ov, "_words"):
            del ov._words


# -- annotation appearance streams ----------------------------------------------------------------
SKIP_SUBTYPES = {"Link", "Popup"}
HIDDEN_FLAGS = 2 | 32  # Hidden, NoView
MAX_ANNOTATIONS = 64


def annotation_glyphs(page, rsrcmgr=None) -> list[list]:
    """The LTChar objects each annotation's normal appearance draws on a pdfplumber
    page (one list per annotation), positioned in the page's layout coordinates."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTContainer
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdftypes import PDFStream, resolve1

    page_obj = page.page_obj
    annots = resolve1(getattr(page_obj, "annots", None))
    if not annots:
        return []
    out: list[list] = []
    rsrcmgr = rsrcmgr or PDFResourceManager(caching=True)
    for ref in list(annots)[:MAX_ANNOTATIONS]:
        a = resolve1(ref)
        if not isinstance(a, dict):
            continue
        subtype = resolve1(a.get("Subtype"))
        if getattr(subtype, "name", None) in SKIP_SUBTYPES:
            continue
        flags = resolve1(a.get("F")) or 0
        if isinstance(flags, int) and flags & HIDDEN_FLAGS:
            continue
        ap = resolve1(a.get("AP"))
        normal = resolve1(ap.get("N")) if isinstance(ap, dict) else None
        if isinstance(normal, dict):  # appearance states: the one in /AS
            state = resolve1(a.get("AS"))
            normal = resolve1(normal.get(getattr(state, "name", None))) if state is not None else None
        if not isinstance(normal, PDFStream):
            continue
        rect = [float(v) for v in resolve1(a.get("Rect")) or []]
        bbox = [float(v) for v in resolve1(normal.attrs.get("BBox")) or []]
        if len(rect) != 4 or len(bbox) != 4:
            continue
        matrix = [float(v) for v in resolve1(normal.attrs.get("Matrix")) or [1, 0, 0, 1, 0, 0]]
        corners = [
            (x * matrix[0] + y * matrix[2] + matrix[4], x * matrix[1] + y * matrix[3] + matrix[5])
            for x in (bbox[0], bbox[2])
            for y in (bbox[1], bbox[3])
        ]
        bx0, bx1 = min(c[0] for c in corners), max(c[0] for c in corners)
        by0, by1 = min(c[1] for c in corners), max(c[1] for c in corners)
        rx0, rx1 = sorted((rect[0], rect[2]))
        ry0, ry1 = sorted((rect[1], rect[3]))
        sx = (rx1 - rx0) / (bx1 - bx0) if bx1 > bx0 else 1.0
        sy = (ry1 - ry0) / (by1 - by0) if by1 > by0 else 1.0
        ops = b"q %f 0 0 %f %f %f cm /PXAP Do Q" % (sx, sy, rx0 - sx * bx0, ry0 - sy * by0)
        content = PDFStream({"Length": len(ops)}, ops)
        content.set_objid(-1, 0)  # not a file object; pdfminer runs only streams with an id
        fake = _FakePage(page_obj, {"XObject": {"PXAP": normal}}, [content])
        device = PDFPageAggregator(rsrcmgr, laparams=None)
        try:
            # a duck-typed page: the interpreter reads only the attributes _FakePage has
            PDFPageInterpreter(rsrcmgr, device).process_page(fake)  # type: ignore[arg-type]
        except Exception:  # a broken appearance stream spoils that annotation only
            continue
        layout = device.get_result()
        chars: list[LTChar] = []

        def walk(container, chars: list = chars) -> None:
            for obj in container:
                if isinstance(obj, LTChar):
                    chars.append(obj)
                elif isinstance(obj, LTContainer):
                    walk(obj, chars)

        walk(layout)
        if chars:
            out.append(chars)
    return out


class _FakePage:
    """What pdfminer's interpreter reads of a page, with other contents."""

    def __init__(self, page_obj, resources, contents):
        self.pageid = getattr(page_obj, "pageid", 0)
        self.mediabox = page_obj.mediabox
        self.cropbox = getattr(page_obj, "cropbox", page_obj.mediabox)
        self.rotate = getattr(page_obj, "rotate", 0)
        self.resources = resources
        self.contents = contents
        self.attrs = {}
        self.annots = None
        self.beads = None
        self.label = None
