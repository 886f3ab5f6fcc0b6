"""Markup in converted text: HTML fragments (``<b>``, ``<p>``, ``<ul>``, ``<li>``,
``<br>``) and markdown emphasis/headings. Only known tag names are markup; a literal
``<mã loại giấy tờ>`` is text and is kept. Paragraph and list-item boundaries
become ``\\n``."""

from __future__ import annotations

import html
import re
from functools import lru_cache

_TAGS = (
    "b|strong|i|em|u|s|strike|sup|sub|span|font|a|p|div|ul|ol|li|br|h[1-6]|"
    "table|thead|tbody|tr|td|th|mark|small|big|code|pre|blockquote|hr|center"
)
# block-level boundaries: a new line starts here
_BLOCK_OPEN = re.compile(r"<(?:p|div|li|h[1-6]|tr|blockquote|pre)\b[^<>]*>", re.I)
_BREAK = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6]|tr|ul|ol|blockquote|pre)\s*>", re.I)
_ANY_TAG = re.compile(rf"</?(?:{_TAGS})\b(?:\s[^<>]*)?/?>", re.I)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{1,6}|#x[0-9a-fA-F]{1,6});")
_EMPH = re.compile(r"(?<![\w*])\*{1,3}(?=[^\s*])|(?<=[^\s*])\*{1,3}(?![\w*])")
_LONE_EMPH = re.compile(r"(?:(?<=\s)|^)\*{2,3}(?=\s|$)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")
# a character that markup stripping or space collapsing may change (a double space
# is tested with ``in``: an alternation would make the regex try it at every position)
_NEEDS_WORK = re.compile(r"[<*&\\#\n\t\u00a0\u2000-\u200b\u202f\u3000]")


def has_markup(text: str) -> bool:
    return "<" in text or "*" in text or "&" in text or "\\" in text or "#" in text


def strip_html(text: str) -> str:
    """Remove known tags; block boundaries become newlines."""
    if "<" in text:
        text = _BLOCK_OPEN.sub("\n", text)
        text = _BREAK.sub("\n", text)
        text = _ANY_TAG.sub("", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    return text


def strip_markdown(text: str) -> str:
    text = _HEADING.sub("", text)
    if "*" in text:
        text = _EMPH.sub("", text)
        text = _LONE_EMPH.sub("", text)
    if "\\" in text:
        text = _MD_ESCAPE.sub(r"\1", text)
    return text


@lru_cache(maxsize=32768)  # cells (agencies, deadlines, headers) repeat across documents
def clean_inline(text: str) -> str:
    """Markup stripped, runs of spaces collapsed, line breaks kept, ends trimmed."""
    if "  " not in text and not _NEEDS_WORK.search(text):
        return text.strip()
    if has_markup(text):
        text = strip_markdown(strip_html(text))
    lines = [_SPACES.sub(" ", ln).strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)
