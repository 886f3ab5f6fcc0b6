"""The shared text helpers of the readers, parsers and normalisers (one of each: import
them from here): ``fold`` (Vietnamese diacritics and case folded for matching, never
for output), ``one_line``, ``collapse``, ``nfc``, ``sentence_case``."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WS = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, diacritics removed (đ → d), punctuation to spaces, spaces collapsed."""
    text = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w]+", " ", text)
    return _WS.sub(" ", text).strip()


def nfc(text: str) -> str:
    """Unicode NFC: composed letters (``ệ`` one code point), as the parsers expect."""
    return unicodedata.normalize("NFC", text)


def collapse(text: str) -> str:
    """Runs of spaces collapsed, line breaks kept, ends trimmed."""
    lines = [_WS.sub(" ", ln).strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def one_line(text: str) -> str:
    """Runs of whitespace (line breaks included) as one space, ends trimmed."""
    if text.isprintable() and "  " not in text and not text.startswith(" ") and not text.endswith(" "):
        return text  # already one line: the only whitespace that is printable is the space
    return " ".join(text.split())


def sentence_case(text: str) -> str:
    text = one_line(text).lower()
    return text[:1].upper() + text[1:]
