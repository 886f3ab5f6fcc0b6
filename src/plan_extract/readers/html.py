"""Reader for web pages (.html, .htm, .xhtml): pages of legal-document portals and
Word's "save as web page" exports, read into the same IR as a Word file.

* decoding: byte order mark, then what the page declares (``<meta charset>``, the
  ``http-equiv`` content type, an XML declaration), else detected as for text
  (:mod:`.encoding`); entities resolved by the HTML parser, ``&nbsp;`` a space, NFC;
* parsing: lxml's HTML parser (tolerant of broken markup) with network access off;
  comments, processing instructions, scripts, styles, forms' controls, embedded
  objects and hidden elements (``display:none``, ``visibility:hidden``, ``hidden``,
  Word's ``mso-hide:all``) are dropped before anything is read. Nothing of the page
  is executed and no entity or remote resource is ever loaded;
* the document body is found by structure, not by one site's class names: Word's
  ``WordSection`` divs, else the element holding the quốc hiệu (``CỘNG HÒA XÃ HỘI CHỦ
  NGHĨA VIỆT NAM``), the ``Số …`` line or the document type together with the rest
  of the document (up to ``Nơi nhận`` / the signature and the appendix), without the
  portal's navigation around it. A page holding none of these is rejected. The
  element taken is recorded (``SourceInfo.element``, a CSS-like path);
* blocks as the Word reader gives them: one paragraph per line (``<br>`` starts a new
  line of the same block; Word's tab spans split ``Số …⇥Hà Nội, ngày …`` in two),
  list items with the label the page shows (``<ol>`` numbers, ``-`` for bullets,
  Word's list labels), layout tables (header ``Số …`` | ``CỘNG HÒA …``, closing
  ``Nơi nhận`` | signature) read as paragraphs, left column first, other tables as
  :class:`Table` with ``colspan`` → ``col_span`` and the cells a ``rowspan`` covers
  ``v_merged`` with the text of the cell they belong to; nested tables one line per
  row inside their cell; footnotes (Word's and the portals' ``#_ftn`` links) as
  ``¹ text`` paragraphs after the block that cites them.

:func:`tables_from_fragment` turns a fragment of ``<table>`` markup (as found inside
Markdown) into IR tables with the same rules.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from ..errors import Damaged, Empty, NotAPlan, Unsafe
from ..ir import Block, Cell, DocumentIR, Paragraph, Provenance, Row, SourceInfo, Table
from ..normalize.text import fold
from .encoding import decode
from .tablekind import is_layout_table

MAX_SPAN = 64  # as for Word: a larger colspan is capped
MAX_ROWSPAN = 65534  # the HTML limit; also capped at the rows the table has
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000\ufeff]+")
_HTML_WS = re.compile(r"[ \t\n\r\f]+")
_TABS = re.compile(r"[ \u00a0]*\t[\t \u00a0]*")
_TAB = "\t"
_BR = "\n"

# elements whose content is never document text
_DROP = {
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "title",
    "meta",
    "link",
    "base",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "param",
    "svg",
    "math",
    "canvas",
    "video",
    "audio",
    "source",
    "track",
    "map",
    "img",
    "input",
    "select",
    "option",
    "optgroup",
    "textarea",
    "button",
    "datalist",
    "output",
    "progress",
    "meter",
    "dialog",
    "xml",
}
# page chrome inside the body (semantic elements and ARIA roles of navigation)
_CHROME = {"nav", "aside", "footer", "header", "menu"}
_CHROME_ROLES = {
    "navigation",
    "banner",
    "contentinfo",
    "search",
    "menu",
    "menubar",
    "dialog",
    "alertdialog",
    "complementary",
    "toolbar",
    "tablist",
}
_BLOCK = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "address",
    "center",
    "section",
    "article",
    "main",
    "figure",
    "figcaption",
    "table",
    "tr",
    "td",
    "th",
    "tbody",
    "thead",
    "tfoot",
    "caption",
    "hr",
    "form",
    "fieldset",
    "legend",
    "details",
    "summary",
    "body",
    "html",
    "nav",
    "aside",
    "footer",
    "header",
    "menu",
    "hgroup",
    "listing",
    "plaintext",
    "xmp",
    "dir",
    "colgroup",
    "col",
}
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all)\b", re.I)
_PAGE_BREAK = re.compile(r"page-break-before\s*:\s*always|break-before\s*:\s*page", re.I)
_WORD_SECTION = re.compile(r"^WordSection\d+$")
_MARK_TEXT = re.compile(r"^\s*[\[(]?\s*\*?\d{1,3}\s*[\])]?\s*$")

_QUOC_HIEU = "cong hoa xa hoi chu nghia viet nam"
_NUMBER_CUE = re.compile(r"^Số\s*[:.]?\s*[^\s/]*\s*/\s*\w", re.I)
_DOC_TYPES = {
    "ke hoach",
    "quyet dinh",
    "nghi quyet",
    "chi thi",
    "thong bao",
    "cong van",
    "bao cao",
    "chuong trinh",
    "de an",
    "to trinh",
    "huong dan",
    "ket luan",
    "thong tu",
    "nghi dinh",
    "luat",
    "phap lenh",
    "quy dinh",
    "quy che",
}
_CLOSING_CUE = re.compile(r"^(?:Nơi\s+nhận|(?:KT|TM|TL|TUQ)\s*\.\s*\S)", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""", re.I)
_XML_DECL_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>")
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def clean_line(text: str) -> str:
    """NFC, tabs and exotic spaces to one space, control characters dropped, trimmed."""
    text = unicodedata.normalize("NFC", text)
    if any(unicodedata.category(ch)[0] == "C" for ch in text if ch not in "\t\n"):
        text = "".join(ch for ch in text if ch in "\t\n" or unicodedata.category(ch)[0] != "C")
    return _SPACES.sub(" ", text).strip()


def _tab_columns(line: str) -> list[str]:
    """A line laid out in columns with tab stops gives one line per column; a tab after
    a short label (``a)⇥Text``) is a space (as the Word reader does)."""
    if _TAB not in line:
        cleaned = clean_line(line)
        return [cleaned] if cleaned else []
    parts = [clean_line(p) for p in _TABS.split(line)]
    parts = [p for p in parts if p]
    if len(parts) >= 2 and len(parts[0]) > 4:
        return parts
    cleaned = clean_line(line)
    return [cleaned] if cleaned else []


# -- decoding ------------------------------------------------------------------------------------
def _codec(label: bytes) -> str | None:
    name = label.decode("ascii", "ignore").strip().lower()
    if name in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"):
        name = "windows-1252"  # what browsers do with these labels
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


def declared_encoding(data: bytes) -> str | None:
    """The encoding a page declares: an XML declaration, ``<meta charset>`` or the
    ``http-equiv`` content type (looked for in the first 64 KB)."""
    head = data[:65536]
    m = _XML_DECL.match(head) or _META_CHARSET.search(head)
    return _codec(m.group(1)) if m else None


def decode_html(data: bytes) -> tuple[str, str]:
    """(text, encoding name): the byte order mark first, then the declared encoding,
    else detected from the bytes as for text. Bytes that are valid UTF-8 with non-ASCII
    text are UTF-8 whatever the page declares (a legacy code page is never valid UTF-8
    on Vietnamese text)."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode(data)
    declared = declared_encoding(data)
    if declared and codecs.lookup(declared).name not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
        try:
            text = data.decode("utf-8")
            if any(b > 127 for b in data[: 1 << 20]):
                return unicodedata.normalize("NFC", text), "utf-8"
        except UnicodeDecodeError:
            pass
        text = data.decode(declared, errors="replace")
        return unicodedata.normalize("NFC", text), declared
    return decode(data)


# -- parsing and cleaning -------------------------------------------------------------------------
def _parser() -> etree.HTMLParser:
    return lxml.html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, default_doctype=False, huge_tree=False
    )


def parse_html(text: str) -> etree._Element:
    """The page's tree (lxml's HTML parser: no network, entities of a DTD never
    expanded); :class:`ReadError` when nothing can be parsed."""
    text = _XML_DECL_TEXT.sub("", text, count=1)
    parser = _parser()
    try:
        root = etree.fromstring(text.encode("utf-8", "surrogatepass"), parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise Damaged(f"unreadable web page: {str(exc).splitlines()[0] if str(exc) else 'no markup'}") from None
    if any("Excessive depth" in e.message for e in parser.error_log):
        # libxml2 stops there: what follows would be lost silently
        raise Unsafe("rejected web page: elements nested more than 256 levels deep")
    if root is None:
        raise Empty("unreadable web page: no markup")
    return root


def _tag(el) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    if "}" in tag:
        tag = tag.rsplit("}", 1)[1]
    if ":" in tag:
        return tag  # o:p, v:shape, w:sdt … (Word's namespaces): inline, kept for their text
    return tag.lower()


def _hidden_selectors(root: etree._Element) -> tuple[set[str], set[str]]:
    """Classes and ids that a ``<style>`` of the page hides (simple selectors only)."""
    classes: set[str] = set()
    ids: set[str] = set()
    for st in root.iter("style"):
        css = st.text or ""
        if "none" not in css and "hidden" not in css:
            continue
        for sel, decl in _CSS_RULE.findall(css):
            if not _HIDDEN_STYLE.search(";" + decl):
                continue
            for s in sel.split(","):
                s = s.strip()
                if re.fullmatch(r"\.[A-Za-z_][\w-]*", s):
                    classes.add(s[1:])
                elif re.fullmatch(r"#[A-Za-z_][\w-]*", s):
                    ids.add(s[1:])
    return classes, ids


def _is_hidden(el, hidden_classes: set[str], hidden_ids: set[str]) -> bool:
    style = el.get("style")
    if style and _HIDDEN_STYLE.search(";" + style):
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if hidden_classes and el.get("class") and any(c in hidden_classes for c in el.get("class").split()):
        return True
    return bool(hidden_ids) and el.get("id") in hidden_ids


def strip_page(root: etree._Element) -> None:
    """Remove what is never document text: scripts, styles, controls, embedded objects,
    hidden elements (their tails stay: they are the text after them)."""
    classes, ids = _hidden_selectors(root)
    doomed = []
    for el in root.iter():
        tag = _tag(el)
        if not tag:
            doomed.append(el)  # comments, processing instructions left by the parser
        elif tag in _DROP or _is_hidden(el, classes, ids):
            doomed.append(el)
    for el in doomed:
        _remove(el)
    for el in root.iter():  # event handlers and script URLs: never read, dropped all the same
        for name in [a for a in el.attrib if a.lower().startswith("on")]:
            del el.attrib[name]


def _remove(el) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    prev = el.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


# -- the document body ------------------------------------------------------------------------------
def _own_texts(el) -> Iterator[str]:
    if el.text:
        yield el.text
    for ch in el:
        if ch.tail:
            yield ch.tail


def _in_chrome(el) -> bool:
    for a in el.iterancestors():
        if _tag(a) in _CHROME or _tag(a) == "a" or (a.get("role") or "").lower() in _CHROME_ROLES:
            return True
    return False


def _text_len(el) -> int:
    return len("".join(_HTML_WS.sub("", t) for t in el.itertext()))


def _link_len(el) -> int:
    return sum(_text_len(a) for a in el.iter("a"))


def _path(el) -> str:
    """A CSS-like path of an element: from the nearest ancestor with an id (or html)."""
    parts: list[str] = []
    cur = el
    while cur is not None and isinstance(cur.tag, str):
        tag = _tag(cur)
        if cur.get("id"):
            parts.append(f"{tag}#{cur.get('id')}")
            break
        classes = [c for c in (cur.get("class") or "").split() if re.fullmatch(r"[A-Za-z_][\w-]*", c)][:2]
        step = tag + "".join(f".{c}" for c in classes)
        parent = cur.getparent()
        if parent is not None and not classes:
            same = [s for s in parent if _tag(s) == tag]
            if len(same) > 1:
                step += f":nth-of-type({same.index(cur) + 1})"
        parts.append(step)
        cur = parent
    return " > ".join(reversed(parts))


@dataclass
class Body:
    elements: list  # the elements whose content is the document, in order
    path: str


def find_body(root: etree._Element) -> Body:
    """The element(s) holding the document, by structure (see the module docstring)."""
    sections = [el for el in root.iter("div") if _WORD_SECTION.match(el.get("class") or "")]
    if sections:
        top = [s for s in sections if not any(a in sections for a in s.iterancestors())]
        return Body(top, ", ".join(_path(s) for s in top))
    start = closing = None
    first_number = first_type = None
    for el in root.iter():
        if not isinstance(el.tag, str) or _tag(el) in _CHROME:
            continue
        for raw in _own_texts(el):
            line = " ".join(raw.split())
            if not line or len(line) > 160:  # every cue is a short line
                continue
            folded = fold(line)
            if start is None and _QUOC_HIEU in folded and not _in_chrome(el):
                start = el
            elif first_number is None and _NUMBER_CUE.match(line) and not _in_chrome(el):
                first_number = el
            elif first_type is None and folded in _DOC_TYPES and line.isupper() and not _in_chrome(el):
                first_type = el
            if _CLOSING_CUE.match(line) and not _in_chrome(el):
                closing = el
    start = start if start is not None else (first_number if first_number is not None else first_type)
    if start is None:
        raise NotAPlan(
            "not a plan document: the web page holds no document (no quốc hiệu, no 'Số …' line "
            "and no document type heading outside its navigation: an error, login or search page?)"
        )
    cand = start
    if closing is not None:
        ancestors = set(start.iterancestors()) | {start}
        cand = next((a for a in [closing, *closing.iterancestors()] if a in ancestors), start)
    cand = _widen(cand)
    return Body([cand], _path(cand))


def _widen(cand):
    """Climb while the parent adds document text (a sibling block holding the body or
    the appendix), not the page's chrome (links, short labels)."""
    size = _text_len(cand)
    best = cand  # the lowest element holding what has been taken (wrappers add nothing)
    while True:
        parent = cand.getparent()
        if parent is None or _tag(parent) == "html":
            return best
        added = 0
        links = 0
        for sib in parent:
            if sib is cand or not isinstance(sib.tag, str):
                continue
            if _tag(sib) in _CHROME or (sib.get("role") or "").lower() in _CHROME_ROLES:
                continue
            added += _text_len(sib)
            links += _link_len(sib)
        added += len(_HTML_WS.sub("", "".join(_own_texts(parent))))
        if added == 0:
            cand = parent  # a wrapper that adds nothing: the same content
            continue
        if added - links >= 0.15 * size and links < 0.5 * added:
            cand = best = parent
            size += added
            continue
        return best


# -- the walk ----------------------------------------------------------------------------------------
def _style(el) -> str:
    return (el.get("style") or "").lower()


def _centred(el) -> bool:
    align = (el.get("align") or "").lower()
    return align == "center" or bool(re.search(r"text-align\s*:\s*center", _style(el)))


_MARGIN = re.compile(r"(?:^|;)\s*(mso-)?margin(-top|-bottom)?(?:-alt)?\s*:\s*([^;]+)")


def _margins(el, default: bool) -> tuple[bool, bool]:
    """(space before, space after): whether the paragraph sets a margin above / below."""
    before = after = default
    for _mso, side, value in _MARGIN.findall(_style(el)):
        vals = value.split()
        nonzero = [not re.fullmatch(r"0(?:\.0+)?(?:[a-z%]+)?|auto", v) for v in vals]
        if side == "-top":
            before = nonzero[0] if nonzero else before
        elif side == "-bottom":
            after = nonzero[0] if nonzero else after
        elif vals:
            before = nonzero[0]
            after = nonzero[2] if len(nonzero) > 2 else nonzero[0]
    return before, after


@dataclass
class _Para:
    lines: list[str]
    breaks: list[bool]
    el: object | None = None


@dataclass
class _Walker:
    path: str
    word: bool = False  # a Word export: paragraphs have no margins unless they say so
    notes: dict = field(default_factory=dict)  # footnote reference <a> → the note's text
    note_blocks: set = field(default_factory=set)  # elements holding footnote texts: not body text
    has_block: set = field(default_factory=set)  # inline elements holding block elements
    note_queue: list[str] = field(default_factory=list)
    note_count: int = 0
    pending_break: bool = False
    task_width: int | None = None
    table_depth: int = 0

    # -- containers --------------------------------------------------------------------------
    def container(self, el, top_level: bool = False) -> list[Block]:
        """The blocks of an element holding blocks and inline content mixed."""
        out: list[Block] = []
        state = {"prev": None}
        inline: list[str] = []

        def flush_inline() -> None:
            if inline:
                para = self._make_para("".join(inline), None)
                self._emit(para, out, state)
                inline.clear()

        if el.text:
            inline.append(_HTML_WS.sub(" ", el.text))
        for ch in el:
            tag = _tag(ch)
            if not tag:
                if ch.tail:
                    inline.append(_HTML_WS.sub(" ", ch.tail))
                continue
            if ch in self.note_blocks:
                pass
            elif self._is_block(ch, tag):
                flush_inline()
                self._block(ch, tag, out, state)
                if top_level or self.table_depth == 0:
                    out.extend(self._flush_notes())
            else:
                self._inline(ch, inline)
            if ch.tail:
                inline.append(_HTML_WS.sub(" ", ch.tail))
        flush_inline()
        if top_level or self.table_depth == 0:
            out.extend(self._flush_notes())
        return out

    def _is_block(self, el, tag: str) -> bool:
        return tag in _BLOCK or el in self.has_block

    def _block(self, el, tag: str, out: list[Block], state: dict) -> None:
        style = _style(el)
        if style and _PAGE_BREAK.search(style):
            self.pending_break = True
        if tag == "table":
            out.extend(self.table(el))
            state["prev"] = None
        elif tag in ("ul", "ol", "dir", "menu"):
            self._list(el, tag, out, state)
        elif tag == "hr":
            return
        elif tag == "pre" or tag in ("xmp", "listing", "plaintext"):
            text = "".join(el.itertext())
            para = _Para([], [], el)
            for ln in text.split("\n"):
                for part in _tab_columns(ln):
                    para.lines.append(part)
                    para.breaks.append(self._take_break())
            self._emit(para, out, state)
        elif tag in (
            "p",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "dt",
            "dd",
            "caption",
            "legend",
            "summary",
            "figcaption",
            "address",
        ) and not any(c in self.has_block or _tag(c) in _BLOCK for c in el.iter() if c is not el):
            parts: list[str] = []
            if el.text:
                parts.append(_HTML_WS.sub(" ", el.text))
            for ch in el:
                if _tag(ch):
                    self._inline(ch, parts)
                if ch.tail:
                    parts.append(_HTML_WS.sub(" ", ch.tail))
            self._emit(self._make_para("".join(parts), el), out, state)
        else:  # div, section, li outside a list, td in broken markup, a paragraph holding blocks …
            if _WORD_SECTION.match(el.get("class") or "") and out:
                self.pending_break = True
            blocks = self.container(el)
            out.extend(blocks)
            state["prev"] = None if blocks else state["prev"]

    def _list(self, el, tag: str, out: list[Block], state: dict) -> None:
        kind = (el.get("type") or "1") if tag == "ol" else "-"
        style = _style(el)
        m = re.search(r"list-style(?:-type)?\s*:\s*([\w-]+)", style)
        if m:
            kind = {
                "none": "",
                "decimal": "1",
                "lower-alpha": "a",
                "lower-latin": "a",
                "upper-alpha": "A",
                "upper-latin": "A",
                "lower-roman": "i",
                "upper-roman": "I",
                "disc": "-",
                "circle": "-",
                "square": "-",
            }.get(m.group(1), kind)
        try:
            n = int(el.get("start", "1")) if tag == "ol" else 1
        except ValueError:
            n = 1
        if el.text and el.text.strip():
            self._emit(self._make_para(_HTML_WS.sub(" ", el.text), None), out, state)
        for li in el:
            t = _tag(li)
            if not t or li in self.note_blocks:
                continue
            if t != "li":
                if self._is_block(li, t):
                    self._block(li, t, out, state)
                else:
                    parts: list[str] = []
                    self._inline(li, parts)
                    self._emit(self._make_para("".join(parts), None), out, state)
                continue
            if li.get("value", "").strip().lstrip("-").isdigit():
                n = int(li.get("value"))
            label = _list_label(kind, n)
            n += 1
            blocks = self.container(li)
            first = next((b for b in blocks if isinstance(b, Paragraph)), None)
            if label and first is not None and blocks and blocks[0] is first:
                first.text = f"{label} {first.text}"
            elif label:
                blocks.insert(0, Paragraph(label, Provenance(self.path)))
            out.extend(blocks)
            state["prev"] = None

    # -- paragraphs ----------------------------------------------------------------------------
    def _take_break(self) -> bool:
        brk, self.pending_break = self.pending_break, False
        return brk

    def _make_para(self, raw: str, el) -> _Para:
        para = _Para([], [], el)
        for line in raw.split(_BR):
            for part in _tab_columns(line):
                para.lines.append(part)
                para.breaks.append(self._take_break())
        return para

    def _emit(self, para: _Para, out: list[Block], state: dict) -> None:
        if not para.lines:
            return
        prev = state["prev"]
        joined = prev is not None and self._one_block(prev, para)
        for i, line in enumerate(para.lines):
            out.append(
                Paragraph(
                    line, Provenance(self.path), gap_before=(i == 0 and not joined), page_break_before=para.breaks[i]
                )
            )
        state["prev"] = para

    def _one_block(self, prev: _Para, para: _Para) -> bool:
        """Consecutive centred paragraphs with no space between them: one visual block
        (as the Word reader reads them)."""
        a, b = prev.el, para.el
        if a is None or b is None or not (_centred(a) and _centred(b)) or any(para.breaks[:1]):
            return False
        return not _margins(a, not self.word)[1] and not _margins(b, not self.word)[0]

    def _inline(self, el, parts: list[str]) -> None:
        """The text of an inline element (and its tail is the caller's)."""
        tag = _tag(el)
        if not tag or el in self.note_blocks:
            return
        style = _style(el)
        if tag == "br":
            if "page-break-before" in style and _PAGE_BREAK.search(style):
                self.pending_break = True
            parts.append(_BR)
            return
        if "mso-tab-count" in style:
            parts.append(_TAB)
            return
        if tag == "a" and el in self.notes:
            parts.append(self._note_mark(self.notes[el]))
            return
        if tag == "wbr":
            return
        if el.text:
            parts.append(_HTML_WS.sub(" ", el.text))
        for ch in el:
            if _tag(ch):
                if self._is_block(ch, _tag(ch)):
                    parts.append(_BR + " ".join(cell_text(self.container(ch)).split("\n")) + _BR)
                else:
                    self._inline(ch, parts)
            if ch.tail:
                parts.append(_HTML_WS.sub(" ", ch.tail))

    def _note_mark(self, text: str) -> str:
        self.note_count += 1
        mark = str(self.note_count).translate(_SUPERSCRIPT)
        self.note_queue.append(f"{mark} {text}")
        return mark

    def _flush_notes(self) -> list[Block]:
        notes: list[Block] = [Paragraph(t, Provenance(self.path)) for t in self.note_queue]
        self.note_queue.clear()
        return notes

    # -- tables --------------------------------------------------------------------------------
    def table(self, tbl) -> list[Block]:
        brk = self.pending_break
        self.table_depth += 1
        try:
            grid, headers, captions = self._grid(tbl)
        finally:
            self.table_depth -= 1
        out: list[Block] = list(captions)
        texts = [[c.text for c in row] for row in grid]
        if not any(t for row in texts for t in row):
            return out  # a table of nothing (Word's drawing placeholders, spacer tables)
        if is_layout_table(texts, self.task_width):
            out.extend(_layout_blocks(grid))
            return out
        self.pending_break = False
        self.task_width = max((sum(c.span for c in row) for row in grid), default=0)
        rows = [
            Row([Cell(c.text, c.span, c.v_merged, c.bold) for c in row], Provenance(self.path), header_hint=hdr)
            for row, hdr in zip(grid, headers)
            if row
        ]
        out.append(Table(rows, Provenance(self.path), layout=False, page_break_before=brk))
        return out

    def _grid(self, tbl) -> tuple[list[list[_CellRead]], list[bool], list[Block]]:
        trs: list[tuple[etree._Element, bool]] = []
        captions: list[Block] = []
        for ch in tbl:
            tag = _tag(ch)
            if tag == "tr":
                trs.append((ch, False))
            elif tag in ("thead", "tbody", "tfoot"):
                trs.extend((tr, tag == "thead") for tr in ch if _tag(tr) == "tr")
            elif tag == "caption":
                captions.extend(self.container(ch))
        grid: list[list[_CellRead]] = []
        headers: list[bool] = []
        pending: dict[int, list] = {}  # column → [origin cell, rows still covered]
        nrows = len(trs)
        for r, (tr, hdr) in enumerate(trs):
            row: list[_CellRead] = []
            col = 0

            def fill_covered(row: list[_CellRead] = row) -> None:
                nonlocal col
                while col in pending:
                    origin, left = pending[col]
                    row.append(_CellRead(col, origin.span, origin.blocks, origin.text, v_merged=True, bold=origin.bold))
                    if left <= 1:
                        del pending[col]
                    else:
                        pending[col][1] = left - 1
                    col += origin.span

            for td in tr:
                if _tag(td) not in ("td", "th"):
                    continue
                fill_covered()
                span = min(max(_int(td.get("colspan")), 1), MAX_SPAN)
                rowspan = _int(td.get("rowspan"))
                rowspan = nrows - r if rowspan == 0 and td.get("rowspan") is not None else max(rowspan, 1)
                rowspan = min(rowspan, MAX_ROWSPAN, nrows - r)
                blocks = self.container(td)
                cell = _CellRead(col, span, blocks, cell_text(blocks), bold=_all_bold(td))
                row.append(cell)
                if rowspan > 1:
                    pending[col] = [cell, rowspan - 1]
                col += span
            # cells covered from above to the right of the last cell of this row
            for c in sorted(k for k in pending if k >= col):
                col = c
                fill_covered()
            grid.append(row)
            headers.append(hdr)
        return grid, headers, captions


def _all_bold(td) -> bool:
    """All the text of the cell sits inside ``<b>`` / ``<strong>`` (or a ``font-weight:
    bold`` style)."""
    texts = "".join(t for t in td.itertext()).split()
    if not texts:
        return False
    bold = []
    for el in td.iter():
        if not isinstance(el.tag, str):
            continue
        style = (el.get("style") or "").replace(" ", "").lower()
        if el.tag.lower() in ("b", "strong") or "font-weight:bold" in style or "font-weight:700" in style:
            bold += "".join(el.itertext()).split()
    return bold == texts or (len(bold) >= len(texts) and set(texts) <= set(bold))


@dataclass
class _CellRead:
    col: int
    span: int
    blocks: list
    text: str
    v_merged: bool = False
    bold: bool = False


def cell_text(blocks: list[Block]) -> str:
    """A cell's paragraphs joined with ``\\n`` (a nested table: one line per row)."""
    lines: list[str] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            lines.append(b.text)
        else:
            for row in b.rows:
                line = " ".join(c.text.replace("\n", " ") for c in row.cells if c.text and not c.v_merged)
                if line:
                    lines.append(line)
    return "\n".join(ln for ln in lines if ln)


def _layout_blocks(grid: list[list[_CellRead]]) -> list[Block]:
    """A layout table read as text: within each band of rows with the same cells, the
    left column first, then the next one (as the Word reader reads them)."""
    out: list[Block] = []
    band: list[list[_CellRead]] = []

    def flush() -> None:
        if not band:
            return
        ncols = max(len(r) for r in band)
        for ci in range(ncols):
            for row in band:
                if ci < len(row) and not row[ci].v_merged:
                    out.extend(_as_cell_block(row[ci].blocks))
        band.clear()

    for row in grid:
        real = [c for c in row if not c.v_merged]
        if band and len(real) != len([c for c in band[-1] if not c.v_merged]):
            flush()
        band.append(row)
    flush()
    return out


def _as_cell_block(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    first = True
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(Paragraph(b.text, b.prov, gap_before=first, page_break_before=b.page_break_before))
            first = False
        else:
            out.append(b)
            first = True
    return out


def _list_label(kind: str, n: int) -> str:
    if kind == "":
        return ""
    if kind == "-":
        return "-"
    if kind in ("a", "A"):
        s = ""
        k = max(n, 1)
        while k:
            k, rem = divmod(k - 1, 26)
            s = chr(ord("a") + rem) + s
        return (s if kind == "a" else s.upper()) + "."
    if kind in ("i", "I") and 0 < n < 4000:
        vals = [
            (1000, "m"),
            (900, "cm"),
            (500, "d"),
            (400, "cd"),
            (100, "c"),
            (90, "xc"),
            (50, "l"),
            (40, "xl"),
            (10, "x"),
            (9, "ix"),
            (5, "v"),
            (4, "iv"),
            (1, "i"),
        ]
        s = ""
        k = n
        for v, sym in vals:
            while k >= v:
                s += sym
                k -= v
        return (s if kind == "i" else s.upper()) + "."
    return f"{n}."


def _int(value: str | None) -> int:
    m = re.match(r"\s*(\d{1,9})", value or "")
    return int(m.group(1)) if m else 0


# -- footnotes ------------------------------------------------------------------------------------
def _find_notes(root, scope: Iterable, walker: _Walker) -> None:
    """Footnote references (``<a href="#_ftn1">[1]</a>`` and the like: a link whose text
    is a number, to an anchor that links back) and the blocks holding their texts
    (anywhere in the page: Word puts its footnote list after the last section)."""
    targets: dict[str, etree._Element] = {}
    links: list = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for key in ("id", "name"):
            v = el.get(key)
            if v and v not in targets:
                targets[v] = el
    for top in scope:
        for el in top.iter("a"):
            if (el.get("href") or "").startswith("#"):
                links.append(el)
    used: set = set()
    for a in links:  # in document order: a reference comes before the note linking back to it
        if a in used:
            continue
        target = targets.get(a.get("href")[1:])
        if target is None or not _MARK_TEXT.match("".join(a.itertext())):
            continue
        back = target if _tag(target) == "a" else next(iter(target.iter("a")), None)
        own = {a.get("id"), a.get("name")} - {None}
        if back is None or (back.get("href") or "")[1:] not in own:
            continue
        holder = _note_holder(back)
        if holder is None or a in set(holder.iter()):
            continue
        skip = set(back.iter())
        text = _note_text(holder, skip)
        if text:
            walker.notes[a] = text
            walker.note_blocks.add(holder)
            used.add(back)


def _note_holder(anchor):
    """The element holding a footnote's text: Word's footnote div, else the nearest
    paragraph-like block."""
    for a in anchor.iterancestors():
        if "mso-element:footnote" in _style(a).replace(" ", "") and "list" not in _style(a):
            return a
    for a in anchor.iterancestors():
        if _tag(a) in ("p", "li", "div", "dd", "td"):
            return a
    return None


def _note_text(holder, skip: set) -> str:
    parts: list[str] = []

    def walk(el) -> None:
        if el in skip:
            if el.tail:
                parts.append(el.tail)
            return
        if _tag(el) == "br" or _tag(el) in _BLOCK:
            parts.append(" ")
        if el.text:
            parts.append(el.text)
        for ch in el:
            if isinstance(ch.tag, str):
                walk(ch)
            elif ch.tail:
                parts.append(ch.tail)
        if el is not holder and el.tail:
            parts.append(el.tail)

    walk(holder)
    return clean_line(_HTML_WS.sub(" ", "".join(parts)))


# -- entry points ----------------------------------------------------------------------------------
def _mark_block_holders(scope: Iterable, walker: _Walker) -> None:
    """Inline elements (``<span>``, ``<font>``, ``<a>``, Word's ``<o:p>``) that hold block
    elements are read as containers: broken or lax markup keeps its paragraphs."""
    marked = walker.has_block
    for top in scope:
        for el in top.iter():
            if not isinstance(el.tag, str) or _tag(el) not in _BLOCK or _tag(el) in ("col", "colgroup"):
                continue
            for a in el.iterancestors():
                if a is top or _tag(a) in _BLOCK:
                    break
                if a in marked:
                    break
                marked.add(a)


def _is_word_export(root: etree._Element) -> bool:
    for m in root.iter("meta"):
        if (m.get("name") or "").lower() in ("progid", "generator") and "word" in (m.get("content") or "").lower():
            return True
    return False


def read_html(data: bytes, info: SourceInfo) -> DocumentIR:
    text, encoding = decode_html(data)
    info.encoding = encoding
    root = parse_html(text)
    word = _is_word_export(root) or "MsoNormal" in text[:200000]
    strip_page(root)
    body = find_body(root)
    info.element = body.path
    for top in body.elements:  # chrome inside the body (a portal's toolbar within the text)
        for el in [
            e
            for e in top.iter()
            if isinstance(e.tag, str)
            and e is not top
            and (_tag(e) in _CHROME or (e.get("role") or "").lower() in _CHROME_ROLES)
        ]:
            _remove(el)
    walker = _Walker(path=info.path, word=word)
    _find_notes(root, body.elements, walker)
    _mark_block_holders(body.elements, walker)
    blocks: list[Block] = []
    try:
        for k, top in enumerate(body.elements):
            if k:
                walker.pending_break = True
            blocks.extend(walker.container(top, top_level=True))
    except RecursionError:
        raise Unsafe("rejected web page: elements nested too deeply to read") from None
    blocks.extend(walker._flush_notes())
    doc = DocumentIR(source=info, blocks=_number_lines(blocks, info.path))
    if not any(isinstance(b, Paragraph) and b.text for b in blocks) and not doc.tables():
        raise Empty("empty web page (no text in its document body)")
    return doc


def _number_lines(blocks: list[Block], path: str) -> list[Block]:
    """Provenance in reading order: ``line`` counts paragraphs and table rows."""
    out: list[Block] = []
    line = 0
    for b in blocks:
        if isinstance(b, Paragraph):
            line += 1
            out.append(Paragraph(b.text, Provenance(path, line=line), b.gap_before, b.page_break_before))
        else:
            rows = []
            first = line + 1
            for r in b.rows:
                line += 1
                rows.append(Row(r.cells, Provenance(path, line=line), r.header_hint))
            out.append(Table(rows, Provenance(path, line=first), b.layout, b.page_break_before))
    return out


def tables_from_fragment(markup: str, prov: Provenance) -> list[Table]:
    """The tables of a fragment of HTML (``<table>`` markup inside Markdown or text), as
    IR tables with every row given ``prov``: ``colspan`` → ``col_span``, cells a
    ``rowspan`` covers ``v_merged`` with the text of the cell they belong to, nested
    tables one line per row in their cell. A layout table comes back with
    ``layout=True``. Text outside the tables is not returned."""
    if "<" not in markup:
        return []
    root = parse_html(f"<html><body>{markup}</body></html>")
    strip_page(root)
    walker = _Walker(path=prov.file)
    body = root.find("body")
    if body is None:
        return []
    _mark_block_holders([body], walker)
    out: list[Table] = []
    for tbl in body.iter("table"):
        if any(_tag(a) == "table" for a in tbl.iterancestors()):
            continue
        walker.table_depth += 1
        try:
            grid, headers, _captions = walker._grid(tbl)
        except RecursionError:
            raise Unsafe("rejected HTML table: nested too deeply to read") from None
        finally:
            walker.table_depth -= 1
        texts = [[c.text for c in row] for row in grid]
        if not any(t for row in texts for t in row):
            continue
        layout = is_layout_table(texts, walker.task_width)
        if not layout:
            walker.task_width = max((sum(c.span for c in row) for row in grid), default=0)
        rows = [
            Row([Cell(c.text, c.span, c.v_merged, c.bold) for c in row], prov, header_hint=hdr)
            for row, hdr in zip(grid, headers)
            if row
        ]
        out.append(Table(rows, prov, layout=layout, page_break_before=False))
    return out
