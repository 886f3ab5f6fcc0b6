"""Two-column zones of a PDF page: the header ``Số …`` | ``CỘNG HÒA …`` and the
closing ``Nơi nhận`` | signature, laid out by borderless tables or tab stops. A zone is
seeded by a line with a wide gap and grows over the lines that leave the same gutter
free; it is read left column first, then the right one, as the Word reader reads
layout tables."""

from __future__ import annotations

from .pdf_layout import Line, Measure, widest_free

MIN_GUTTER = 18.0  # points between the two columns of a layout zone


def _segments(line: Line) -> list[tuple[float, float]]:
    """Horizontal extents of the parts of a line separated by wide gaps."""
    segs: list[list[float]] = []
    gap_min = max(MIN_GUTTER, 1.6 * line.size)
    for w in line.words:
        if segs and w.x0 - segs[-1][1] < gap_min:
            segs[-1][1] = max(segs[-1][1], w.x1)
        else:
            segs.append([w.x0, w.x1])
    return [(a, b) for a, b in segs]


def _widest_gap(segs: list[tuple[float, float]]) -> tuple[float, float] | None:
    gaps = [(segs[i][1], segs[i + 1][0]) for i in range(len(segs) - 1)]
    return max(gaps, key=lambda g: g[1] - g[0]) if gaps else None


def _fits(line: Line, gutter: tuple[float, float]) -> tuple[float, float] | None:
    """The widest part of the gutter that no word of the line crosses, or None. A line
    with words on both sides must leave a real gutter, not a justified word space."""
    best = widest_free(line, gutter)
    if best is None or best[1] - best[0] < 4.0:
        return None
    both_sides = any(w.x1 <= best[0] for w in line.words) and any(w.x0 >= best[1] for w in line.words)
    if both_sides and best[1] - best[0] < 0.75 * max(MIN_GUTTER, 1.6 * line.size):
        return None
    return best


def mark_zones(lines: list[Line], measures: dict[int, Measure] | None = None) -> None:
    """Find runs of lines laid out in two columns; set ``column`` and ``zone``. A line
    centred on the page (the document type under the header) ends a zone."""
    measures = measures or {}

    def page_centred(ln: Line) -> bool:
        m = measures.get(ln.page)
        return (
            m is not None
            and abs((ln.x0 + ln.x1) / 2 - (m.left + m.right) / 2) < 3
            and _widest_gap(_segments(ln)) is None
        )

    zone_id = 0
    i = 0
    while i < len(lines):  # the list grows as zones split lines: its length is read anew
        ln = lines[i]
        gap = _widest_gap(_segments(ln)) if ln.zone < 0 else None
        if gap is None or gap[1] - gap[0] < MIN_GUTTER:
            i += 1
            continue
        gutter = gap
        members = [i]
        for j in range(i - 1, -1, -1):  # upwards, on the same page
            if lines[j].zone >= 0 or lines[j].page != ln.page or lines[j].x0 < gutter[0] or page_centred(lines[j]):
                break  # upwards only through lines of the right column
            g = _fits(lines[j], gutter)
            if g is None:
                break
            gutter = g
            members.insert(0, j)
        k = i + 1
        while k < len(lines):
            cand = lines[k]
            if cand.page != lines[k - 1].page and abs(cand.page_width - ln.page_width) > 1 or page_centred(cand):
                break
            g = _fits(cand, gutter)
            if g is None:
                break
            gutter = g
            members.append(k)
            k += 1
        mid = (gutter[0] + gutter[1]) / 2
        for m in members:
            lines[m].zone = zone_id
            lines[m].column = 0
            lines[m].split = mid
        zone_id += 1
        added = _split_columns(lines, members, mid)
        _centre_columns(lines[members[0] : members[-1] + 1 + added])
        i = k + added


def _centre_columns(zone: list[Line]) -> None:
    """Mark the columns of a zone whose lines are centred (a common centre)."""
    for col in (1, 2):
        lines = [ln for ln in zone if ln.column == col]
        centres = sorted((ln.x0 + ln.x1) / 2 for ln in lines)
        if len(centres) >= 2 and centres[-1] - centres[0] < 6:
            for ln in lines:
                ln.col_centre = centres[len(centres) // 2]


def _split_columns(lines: list[Line], members: list[int], mid: float) -> int:
    """Split zone lines whose words sit on both sides of the gutter into two lines;
    the number of lines added."""
    added = 0
    for m in reversed(members):
        ln = lines[m]
        left = [w for w in ln.words if w.x1 <= mid]
        right = [w for w in ln.words if w.x1 > mid]
        if left and right:
            a = Line(left, ln.page, ln.page_width, ln.page_height, zone=ln.zone, index=ln.index, split=mid).finish()
            b = Line(right, ln.page, ln.page_width, ln.page_height, zone=ln.zone, index=ln.index, split=mid).finish()
            a.column, b.column = 1, 2
            lines[m : m + 1] = [a, b]
            added += 1
        else:
            ln.column = 1 if left else 2
    return added


def reading_order(lines: list[Line]) -> list[Line]:
    """Zones read left column first, then right; everything else in page order."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        z = lines[i].zone
        if z < 0:
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].zone == z:
            j += 1
        members = lines[i:j]
        out.extend(ln for ln in members if ln.column == 1)
        out.extend(ln for ln in members if ln.column == 2)
        i = j
    return out
