"""Hierarchy of task rows (SPEC section 2, rule 7): label styles, a stack of open
styles, unnumbered rows under the nearest group, and merged heading rows that open
their own series."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

_ROMAN = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_DOTTED = re.compile(r"^\d+(?:\.\d+)+$")


def is_roman(label: str) -> bool:
    return bool(label) and bool(_ROMAN.match(label))


@lru_cache(maxsize=4096)  # the same labels (1, 2, I, a …) recur in every table
def label_style(label: str, open_upper: str | None = None) -> str | None:
    """The style of a label: upper, roman, arabic, dotted<n>, letter; None when the
    row is unnumbered. ``open_upper`` is the last upper-case letter label open on the
    stack, so that C after B is a letter, not roman 100."""
    label = label.strip()
    if not label or not any(ch.isalnum() for ch in label):
        return None
    if label.isdigit():
        return "arabic"
    if _DOTTED.match(label):
        return f"dotted{label.count('.') + 1}"
    if len(label) == 1 and label.isalpha():
        if label.isupper() or label == "Đ":
            if open_upper and ord(label) == ord(open_upper) + 1:
                return "upper"
            return "roman" if label in "IVXLCDM" and label != "D" else "upper"
        return "letter"
    if label.isupper() and is_roman(label):
        return "roman"
    if label.islower() and is_roman(label.upper()):
        return "lroman"
    return "other"


class _Node:
    __slots__ = ("style", "index", "label")

    def __init__(self, style: str, index: int, label: str):
        self.style, self.index, self.label = style, index, label


def assign(labels: Sequence[str], groups: Sequence[bool], headings: Sequence[bool]) -> list[tuple[int | None, int]]:
    """(parent index, level) for each row, indexes 0-based."""
    out: list[tuple[int | None, int]] = []
    stack: list[_Node] = []
    series_base: int | None = None  # stack length just after a merged heading was pushed
    last_group: int | None = None  # the nearest group row above

    def open_upper() -> str | None:
        for node in reversed(stack):
            if node.style == "upper":
                return node.label
        return None

    for i, label in enumerate(labels):
        style = label_style(label, open_upper())
        if style is None:
            out.append((last_group, out[last_group][1] + 1 if last_group is not None else 1))
        else:
            if series_base is not None and (headings[i] or style == "roman"):
                # the series of a merged heading ends at the next heading or roman row
                del stack[series_base - (1 if style == "roman" else 0) :]
                series_base = None
            floor = series_base if series_base is not None else 0
            for k in range(len(stack) - 1, floor - 1, -1):
                if stack[k].style == style:
                    del stack[k:]
                    break
            parent = stack[-1].index if stack else None
            stack.append(_Node(style, i, label))
            out.append((parent, len(stack)))
            if headings[i]:
                series_base = len(stack)
        if groups[i]:
            last_group = i
    return out
