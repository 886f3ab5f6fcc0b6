"""Reader for PDFs with a text layer (pdfplumber).

Per page: glyphs and ruling edges are taken once from pdfminer's layout objects
(:mod:`.pdf_objects`); only a page that draws rulings (at least two horizontal and two
vertical edges) pays for table finding, on those edges; tables without rulings are
found where the remaining lines form columns (:mod:`.pdf_columns`). Words inside a table go to its
cells (:mod:`.pdf_tables`), the others to the running text
(:mod:`.pdf_layout`): running headers, footers and page numbers dropped, layout
columns read left first (:mod:`.pdf_zones`), paragraphs rejoined across lines and page
breaks (:mod:`.pdf_paragraphs`). Table
fragments that continue on the next page are joined into one table.

Rejected with a reason: encrypted PDFs that need a password, damaged files, PDFs
without a text layer or with one that does not decode (:mod:`.pdf_check`), and PDFs
of more pages than ``ReaderOptions.max_pdf_pages``
(:data:`~plan_extract.options.MAX_PDF_PAGES` unless the caller says otherwise,
``--max-pages``), counted before any page is laid out.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from ..errors import Damaged, Encrypted, ReadError, TooLarge, limit_error
from ..ir import Block, DocumentIR, Overlay, Paragraph, Provenance, SourceInfo, Table
from ..model import DocWarning, warning
from ..options import PdfOptions, ReaderOptions
from .pdf_check import check_text_layer
from .pdf_columns import borderless_tables
from .pdf_layout import Line, Measure, drop_running_lines, group_lines, lines_from_glyphs, measure_of
from .pdf_objects import PageObjects, page_objects
from .pdf_overlay import annotation_glyphs, set_contexts, to_overlays
from .pdf_paragraphs import paragraphs
from .pdf_tables import Fragment, LogicalTable, append_fragment, build_fragment, continues, start_table, to_table
from .pdf_zones import mark_zones, reading_order
from .tablekind import is_layout_table

TABLE_SETTINGS = {"vertical_strategy": "explicit", "horizontal_strategy": "explicit"}


@dataclass
class PageContent:
    number: int
    width: float
    height: float
    lines: list[Line]
    fragments: list[Fragment]
    overlays: list[Overlay] = field(default_factory=list)


def has_rulings(objects: PageObjects) -> bool:
    """Cheap test: does the page draw at least two horizontal and two vertical edges?"""
    h, v = objects.counts()
    return h >= 2 and v >= 2


def find_table_cells(page, objects: PageObjects) -> list[tuple[tuple, list[tuple]]]:
    """(bbox, cell boxes) of each ruled table, pdfplumber's table finder run on the
    edges already collected."""
    from pdfplumber.table import TableFinder

    settings = dict(
        TABLE_SETTINGS,
        explicit_vertical_lines=[e for e in objects.edges if e["orientation"] == "v"],
        explicit_horizontal_lines=[e for e in objects.edges if e["orientation"] == "h"],
    )
    return [(t.bbox, t.cells) for t in TableFinder(page, settings).tables]


def _inside(inner: tuple, outer: tuple, tol: float = 1.0) -> bool:
    """Does box ``inner`` lie within box ``outer``?"""
    return (
        inner[0] >= outer[0] - tol
        and inner[1] >= outer[1] - tol
        and inner[2] <= outer[2] + tol
        and inner[3] <= outer[3] + tol
    )


def _too_long(count: str, limit: int) -> ReadError:
    return TooLarge(f"PDF too long: {count} pages (limit {limit} pages, --max-pages)")


def _check_page_count(doc, limit: int | None) -> None:
    """The page tree's declared /Count first (free), then the pages themselves, listed
    no further than the limit (the /Count may lie)."""
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import resolve1

    if limit is None:
        return
    try:
        declared = resolve1(resolve1(doc.catalog.get("Pages")).get("Count"))
    except Exception as exc:
        stop = limit_error(exc)  # (not ``limit``: the page count below still needs it)
        if stop is not None:
            raise stop from None
        declared = None
    if isinstance(declared, int) and declared > limit:
        raise _too_long(str(declared), limit)
    for n, _page in enumerate(PDFPage.create_pages(doc), start=1):
        if n > limit:
            raise _too_long(f"more than {limit}", limit)


def _open(data: bytes, limit: int | None = None):
    import pdfplumber

    pdf = None
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _check_page_count(pdf.doc, limit)
        _ = pdf.pages  # parse the page tree now, so a broken file fails here
        return pdf
    except Exception as exc:
        if pdf is not None:
            pdf.stream.close()  # not pdf.close(): that lists every page first
        if isinstance(exc, ReadError):
            raise
        raise _open_error(exc) from None


def _open_error(exc: Exception) -> BaseException:
    """The reason a PDF does not open; the time or memory limit itself when that is
    what stopped it (pdfplumber wraps pdfminer's errors in PdfminerException)."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    limit = limit_error(exc)
    if limit is not None:
        return limit
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    if isinstance(cause, PDFPasswordIncorrect):
        return Encrypted("encrypted PDF: a password is needed to open it")
    if isinstance(cause, PDFEncryptionError):
        return Encrypted(f"encrypted PDF: cannot decrypt ({str(cause)[:120]})")
    if isinstance(cause, PDFSyntaxError):
        return Damaged(f"damaged PDF: {str(cause)[:160]}")
    if isinstance(cause, RecursionError):
        return Damaged("damaged PDF: objects nested too deeply (a reference loop?)")
    return Damaged(f"unreadable PDF: {type(cause).__name__}: {str(cause)[:120]}")


def _read_page(page, number: int, options: PdfOptions) -> PageContent:
    annotations = annotation_glyphs(page, getattr(page.pdf, "rsrcmgr", None)) if page.page_obj.annots else []
    objects = page_objects(page.layout, options, annotations)
    lines = lines_from_glyphs(objects.glyphs, number, objects.width, objects.height)
    overlays = to_overlays(objects.overlay, number, objects.turn_box)
    set_contexts(overlays, lines, options)
    fragments: list[Fragment] = []
    if has_rulings(objects):
        words = [w for ln in lines for w in ln.words]
        found = find_table_cells(page, objects)
        for k, (bbox, cells) in enumerate(found):
            if any(j != k and _inside(bbox, other) and not _inside(other, bbox) for j, (other, _) in enumerate(found)):
                continue  # a table drawn inside a cell of another: its text is that cell's (as docx reads it)
            frag = build_fragment(number, bbox, cells, words)
            if frag is not None and (frag.ncols > 1 or frag.nrows > 1):
                fragments.append(frag)
        if fragments:
            boxes = [f.bbox for f in fragments]
            outside = [
                w
                for w in words
                if not any(
                    b[0] - 1 <= (w.x0 + w.x1) / 2 <= b[2] + 1 and b[1] - 1 <= (w.top + w.bottom) / 2 <= b[3] + 1
                    for b in boxes
                )
            ]
            if len(outside) != len(words):
                lines = group_lines(outside, number, objects.width, objects.height)
    lines, borderless = borderless_tables(lines, number, options)
    fragments += borderless
    return PageContent(number, objects.width, objects.height, lines, fragments, overlays)


def _measures(pages: list[PageContent]) -> dict[int, Measure]:
    """Text measure per page: the running text of all pages of the same width (body
    pages set it); a page of another width with little text of its own takes it from
    the tables it holds."""
    by_width: dict[int, list[Line]] = {}
    for p in pages:
        by_width.setdefault(round(p.width), []).extend(p.lines)
    shared = {w: measure_of(lines) for w, lines in by_width.items() if len(lines) >= 12}
    out: dict[int, Measure] = {}
    for p in pages:
        if round(p.width) in shared:
            out[p.number] = shared[round(p.width)]
        elif p.fragments:
            out[p.number] = Measure(min(f.bbox[0] for f in p.fragments), max(f.bbox[2] for f in p.fragments))
        else:
            out[p.number] = measure_of(p.lines)
    return out


Item = Line | Fragment


def _stream(pages: list[PageContent]) -> list[Item]:
    """Lines and table fragments of all pages in page order."""
    items: list[Item] = []
    for p in pages:
        merged: list[tuple[float, int, Item]] = [(ln.top, 1, ln) for ln in p.lines]
        merged += [(f.bbox[1], 0, f) for f in p.fragments]
        merged.sort(key=lambda t: (t[0], t[1]))
        items.extend(it for _, _, it in merged)
    return items


def _blocks(items: list[Item], measures: dict[int, Measure], path: str) -> list[Block]:
    blocks: list[Block] = []
    run: list[Line] = []
    current: LogicalTable | None = None
    last_item: Item | None = None
    task_width: int | None = None

    def flush_run() -> None:
        if not run:
            return
        mark_zones(run, measures)
        for para in paragraphs(reading_order(run), measures):
            blocks.append(
                Paragraph(
                    para.text,
                    Provenance(path, page=para.page, line=para.lines[0].index or None),
                    para.gap_before,
                    para.page_break_before,
                )
            )
        run.clear()

    def flush_table() -> None:
        nonlocal current, task_width
        if current is None:
            return
        table = to_table(current, path)
        current = None
        texts = [[c.text for c in r.cells if not c.v_merged] for r in table.rows]
        if is_layout_table(texts, task_width):
            blocks.extend(layout_paragraphs(table))
        else:
            task_width = max((len(r.cells) for r in table.rows), default=None)
            blocks.append(table)

    for item in items:
        if isinstance(item, Line):
            if current is not None:
                flush_table()
            run.append(item)
        else:
            first_on_page = last_item is None or _page_of(last_item) != item.page
            if current is not None and first_on_page and isinstance(last_item, Fragment) and continues(current, item):
                append_fragment(current, item)
            else:
                flush_run()
                flush_table()
                current = start_table(item)
        last_item = item
    flush_run()
    flush_table()
    return blocks


def layout_paragraphs(table: Table) -> list[Paragraph]:
    """A ruled table that only lays out the header or the closing, read as text: the
    left column first, each cell one block of lines (as the Word reader does)."""
    out: list[Paragraph] = []
    ncols = max((len(r.cells) for r in table.rows), default=0)
    for ci in range(ncols):
        for row in table.rows:
            if ci >= len(row.cells) or row.cells[ci].v_merged:
                continue
            for k, line in enumerate(ln for ln in row.cells[ci].text.split("\n") if ln.strip()):
                out.append(Paragraph(line.strip(), row.prov, gap_before=(k == 0)))
    return out


def _page_of(item: Item) -> int:
    return item.page


def read_pdf(data: bytes, info: SourceInfo, options: ReaderOptions | None = None) -> DocumentIR:
    """Read a PDF's text layer (``options``: the page limit and the thresholds)."""
    options = options or ReaderOptions()
    limit = options.max_pdf_pages
    pdf = _open(data, limit if limit and limit > 0 else None)
    warnings: list[DocWarning] = []
    try:
        if getattr(pdf.doc, "encryption", None):
            warnings.append(
                warning("encrypted_pdf", "encrypted PDF opened without a password (owner restrictions only)")
            )
        info.pages = len(pdf.pages)
        pages: list[PageContent] = []
        for number, page in enumerate(pdf.pages, start=1):
            try:
                pages.append(_read_page(page, number, options.pdf))
            except Exception as exc:  # a broken content stream spoils one page, not the file
                stop = limit_error(exc)  # but the time and memory limits stop the file
                if stop is not None:
                    raise stop from None
                warnings.append(
                    warning(
                        "page_unreadable",
                        f"page {number} unreadable: {type(exc).__name__}: {str(exc)[:100]}",
                        page=number,
                    )
                )
            finally:
                page.close()
    finally:
        pdf.close()
    if not pages:
        raise Damaged("damaged PDF: no page could be read")
    check_text_layer(_texts(pages), info.pages or 0, sum(len(p.overlays) for p in pages))
    cleaned = drop_running_lines([p.lines for p in pages])
    for p, lines in zip(pages, cleaned):
        p.lines = lines
        for i, ln in enumerate(lines, start=1):
            ln.index = i
    blocks = _blocks(_stream(pages), _measures(pages), info.path)
    return DocumentIR(source=info, blocks=blocks, warnings=warnings, overlays=[o for p in pages for o in p.overlays])


def _texts(pages: list[PageContent]):
    for p in pages:
        for ln in p.lines:
            yield ln.text
        for f in p.fragments:
            for c in f.cells:
                yield c.text
