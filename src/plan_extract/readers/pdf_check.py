"""Is a PDF's text layer usable? A scanned PDF has none; a PDF set in a legacy
Vietnamese font (TCVN3/ABC, VNI) or with fonts that lack a Unicode map has glyphs
that decode to nonsense (``KÕ ho¹ch``, ``(cid:42)``). Both are rejected with a reason
that says what to do."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from ..errors import NoText

_VIETNAMESE_EXTRA = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư")
_PUNCT = set("–—‘’“”…•°§×±²³¹⁰⁴⁵⁶⁷⁸⁹№€\u00a0\u2002\u2003\u2009\u202f")
MIN_CHARS = 40
MAX_BAD_SHARE = 0.05


def is_plausible(ch: str) -> bool:
    o = ord(ch)
    if 0x20 <= o < 0x7F or ch in _VIETNAMESE_EXTRA or ch in _PUNCT:
        return True
    if 0x1EA0 <= o <= 0x1EF9:  # Latin Extended Additional: Vietnamese letters
        return True
    if unicodedata.combining(ch) and o in (0x300, 0x301, 0x303, 0x309, 0x323, 0x302, 0x306, 0x31B):
        return True
    return False


def check_text_layer(texts: Iterable[str], pages: int, overlays: int = 0) -> None:
    """Raise :class:`ReadError` when the text layer is missing or undecodable. Text
    drawn over the pages (``overlays``: a signature stamp's) is no text layer."""
    total = bad = 0
    for text in texts:
        if "(cid:" in text:
            n = text.count("(cid:")
            bad += n
            total += n
            continue
        for ch in text:
            if ch.isspace():
                continue
            total += 1
            if not is_plausible(ch):
                bad += 1
    if total < MIN_CHARS:
        stamp = f"; only {overlays} stamp(s) drawn over them" if overlays and total == 0 else ""
        raise NoText(f"PDF has no text layer ({pages} page(s) of images?{stamp}): OCR it first")
    if bad / total > MAX_BAD_SHARE:
        raise NoText(
            f"PDF text layer is broken: {bad / total:.0%} of the glyphs do not decode to "
            "Vietnamese text (legacy TCVN3/VNI font or no Unicode map); OCR it or export it again"
        )
