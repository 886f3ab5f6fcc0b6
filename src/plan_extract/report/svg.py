"""Inline SVG charts drawn in Python: no JavaScript library, no network. Every text
that comes from the data goes through :func:`esc`."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
LEAD_COLOUR = "#1f5fa8"
SUPPORT_COLOUR = "#9cc3e8"


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _axis(value: int) -> tuple[int, int]:
    """A round axis maximum >= value and its tick step (1, 2, 5, 10, 20, 50 … steps,
    at most 6 ticks)."""
    value = max(int(value), 1)
    step = 1
    while True:
        for mult in (1, 2, 5):
            s = step * mult
            if math.ceil(value / s) <= 6:
                return math.ceil(value / s) * s, s
        step *= 10


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def workload_chart(
    rows: Sequence[tuple[str, int, int]],
    title: str,
    label_chars: int = 60,
    width: int = 1100,
    labels: tuple[str, str] = ("tasks led (chủ trì)", "tasks supported (phối hợp)"),
    tooltip: str = "{name}: {led} led, {supported} supported",
) -> str:
    """Horizontal bars, one group per agency: ``(name, led, supported)``. The led bar is
    the main one (dark); the supported bar is drawn thinner below it (light)."""
    label_w, right_pad, row_h, top_pad = 430, 50, 30, 36
    plot_w = width - label_w - right_pad
    height = top_pad + row_h * len(rows) + 30
    top, tick = _axis(max([max(led, sup) for _, led, sup in rows] or [0]))
    scale = plot_w / top
    out = [
        f'<svg class="chart workload" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}">',
        f"<title>{esc(title)}</title>",
        f'<rect x="{label_w}" y="8" width="12" height="12" fill="{LEAD_COLOUR}"/>'
        f'<text x="{label_w + 18}" y="19" class="legend">{esc(labels[0])}</text>'
        f'<rect x="{label_w + 170}" y="8" width="12" height="12" fill="{SUPPORT_COLOUR}"/>'
        f'<text x="{label_w + 188}" y="19" class="legend">{esc(labels[1])}</text>',
    ]
    for t in range(0, top + 1, tick):
        x = label_w + t * scale
        out.append(
            f'<line x1="{x:.1f}" y1="{top_pad - 4}" x2="{x:.1f}" y2="{height - 26}" class="grid"/>'
            f'<text x="{x:.1f}" y="{height - 10}" class="tick" text-anchor="middle">{t}</text>'
        )
    for i, (name, led, supported) in enumerate(rows):
        y = top_pad + i * row_h
        out.append(
            f'<g class="agency"><title>{esc(tooltip.format(name=name, led=led, supported=supported))}</title>'
            f'<text x="{label_w - 8}" y="{y + 15}" class="label" text-anchor="end">'
            f"{esc(_truncate(name, label_chars))}</text>"
            f'<rect class="bar lead" data-value="{led}" x="{label_w}" y="{y + 3}" '
            f'width="{led * scale:.1f}" height="14" fill="{LEAD_COLOUR}"/>'
            f'<rect class="bar support" data-value="{supported}" x="{label_w}" y="{y + 18}" '
            f'width="{supported * scale:.1f}" height="7" fill="{SUPPORT_COLOUR}"/>'
            f'<text x="{label_w + led * scale + 5:.1f}" y="{y + 15}" class="value">{led}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)


def timeline_chart(
    periods: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[int]]],
    title: str,
    width: int = 1100,
    height: int = 320,
) -> str:
    """Stacked columns: one column per period (label), one stacked segment per series
    ``(key, legend label, counts per period)``; colours from :data:`PALETTE`."""
    left, right, top_pad, bottom = 44, 16, 16, 70
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    totals = [sum(s[2][i] for s in series) for i in range(len(periods))]
    top, tick = _axis(max(totals or [0]))
    n = max(1, len(periods))
    slot = plot_w / n
    bar_w = max(2.0, min(40.0, slot * 0.75))
    out = [
        f'<svg class="chart timeline" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}">',
        f"<title>{esc(title)}</title>",
    ]
    for t in range(0, top + 1, tick):
        y = top_pad + plot_h - t * plot_h / top
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" class="tick" text-anchor="end">{t}</text>'
        )
    label_every = max(1, math.ceil(n / 40))
    for i, period in enumerate(periods):
        x = left + i * slot + (slot - bar_w) / 2
        base: float = top_pad + plot_h
        for k, (key, label, counts) in enumerate(series):
            c = counts[i]
            if not c:
                continue
            h = c * plot_h / top
            base -= h
            out.append(
                f'<rect class="bar" data-value="{c}" data-series="{esc(key)}" x="{x:.1f}" y="{base:.1f}" '
                f'width="{bar_w:.1f}" height="{h:.1f}" fill="{PALETTE[k % len(PALETTE)]}">'
                f"<title>{esc(period)} · {esc(label)}: {c}</title></rect>"
            )
        if totals[i]:
            out.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{base - 4:.1f}" class="value" '
                f'text-anchor="middle">{totals[i]}</text>'
            )
        if i % label_every == 0:
            lx, ly = x + bar_w / 2, top_pad + plot_h + 10
            out.append(
                f'<text x="{lx:.1f}" y="{ly:.1f}" class="tick" text-anchor="end" '
                f'transform="rotate(-55 {lx:.1f} {ly:.1f})">{esc(period)}</text>'
            )
    out.append(
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" y2="{top_pad + plot_h}" class="axis"/></svg>'
    )
    return "".join(out)


def legend(series: Sequence[tuple[str, str]]) -> str:
    """HTML legend for :func:`timeline_chart`: ``(key, label)`` in series order."""
    items = "".join(
        f'<li><span class="swatch" style="background:{PALETTE[k % len(PALETTE)]}"></span>{esc(label)}</li>'
        for k, (_, label) in enumerate(series)
    )
    return f'<ul class="legend">{items}</ul>'
