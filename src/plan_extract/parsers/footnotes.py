"""Footnotes (``¹ …`` paragraphs) and the marks that point at them."""

from __future__ import annotations

import re

from ..ir import Paragraph
from ..model import Footnote
from .layout import FOOTNOTE_LINE

_SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TO_DIGIT = str.maketrans(_SUPERSCRIPT, "0123456789")


def split_footnotes(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], list[Footnote]]:
    """Footnote paragraphs taken out of the running text."""
    body: list[Paragraph] = []
    notes: list[Footnote] = []
    for p in paragraphs:
        m = FOOTNOTE_LINE.match(p.text)
        if m:
            notes.append(Footnote(mark=m.group("mark").translate(_TO_DIGIT), text=m.group("text").strip()))
        else:
            body.append(p)
    return body, notes


def mark_remover(notes: list[Footnote]):
    """A function that removes the marks of these footnotes from running text
    (a superscript digit after a letter of a unit, as in m², is not a mark)."""
    marks = {n.mark for n in notes}
    if not marks:
        return lambda text: text
    sup_marks = sorted((m.translate(str.maketrans("0123456789", _SUPERSCRIPT)) for m in marks), key=len, reverse=True)
    pattern = re.compile(
        r"(?<!\bm)(?<!\bkm)(?<!\bcm)(" + "|".join(re.escape(s) for s in sup_marks) + r")(?![⁰¹²³⁴⁵⁶⁷⁸⁹])"
    )

    def remove(text: str) -> str:
        if not any(s in text for s in sup_marks):
            return text  # most paragraphs hold no mark: far cheaper than the regex scan
        return pattern.sub("", text)

    return remove
