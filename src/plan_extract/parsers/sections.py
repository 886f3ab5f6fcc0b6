"""Numbered sections of the body (SPEC section 3): roman, arabic, dotted, letter
and article labels, levels by the stack of open styles, titles with page-break
continuations rejoined and footnote marks removed."""

from __future__ import annotations

from ..ir import Paragraph
from ..model import DocWarning, Section, warning
from ..normalize.text import one_line
from .layout import SECTION_LABEL

KINDS = ("article", "roman", "dotted", "arabic", "letter")


def parse_sections(paragraphs: list[Paragraph], clean=lambda s: s) -> tuple[list[Section], list[DocWarning]]:
    sections: list[Section] = []
    warnings: list[DocWarning] = []
    stack: list[tuple[str, int]] = []  # (style, section index)
    seen: set[tuple[str, str, object]] = set()
    body_lines: list[str] = []

    def close_text() -> None:
        if sections:
            sections[-1].text = "\n".join(body_lines)
        body_lines.clear()

    for p in paragraphs:
        m = SECTION_LABEL.match(p.text)
        if not m:
            if sections:
                body_lines.append(one_line(clean(p.text)))
            continue
        kind = next(k for k in KINDS if m.group(k))
        label = one_line(m.group(kind))
        style = f"dotted{label.count('.') + 1}" if kind == "dotted" else kind
        for k in range(len(stack) - 1, -1, -1):
            if stack[k][0] == style:
                del stack[k:]
                break
        parent = stack[-1][1] if stack else None
        close_text()
        key = (kind, label, parent)
        if key in seen:
            warnings.append(
                warning(
                    "repeated_section_label",
                    f"repeated section label {label} ({kind}) at line {p.prov.line}",
                    page=p.prov.page,
                    line=p.prov.line,
                )
            )
        seen.add(key)
        stack.append((style, len(sections)))
        sections.append(
            Section(
                label=label,
                kind=kind,
                level=len(stack),
                title=one_line(clean(m.group("title"))),
                text="",
                parent=parent,
                line=p.prov.line,
                page=p.prov.page,
            )
        )
    close_text()
    return sections, warnings
