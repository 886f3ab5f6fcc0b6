"""One document from file to :class:`DocumentResult`: read (format backend) →
parse (header, sections, footnotes, references, task table) → normalise
(deadlines, agencies, jurisdiction) → check (warnings)."""

from __future__ import annotations

from pathlib import Path

from . import warnings as doc_warnings
from .ir import DocumentIR
from .model import DocumentResult, SourceMeta, warning
from .options import Options, doc_id_for
from .parsers.footnotes import mark_remover, split_footnotes
from .parsers.header import apply_stamp, parse_header
from .parsers.layout import find_zones
from .parsers.references import find_references
from .parsers.sections import parse_sections
from .parsers.tasktable import read_task_tables
from .parsers.tasktable.layout import linearize
from .readers import read

__all__ = ["DEFAULT_OPTIONS", "Options", "build_document", "doc_id_for", "extract_document", "warm_up"]

DEFAULT_OPTIONS = Options()


def warm_up(options: Options) -> None:
    """Import the lazily imported modules of the text path and load its reference data
    (agency registry, gazetteer, header names) now. A process pool forked afterwards
    shares them, instead of every worker loading them again."""
    from .normalize import deadlines  # noqa: F401
    from .normalize.jurisdiction import Gazetteer
    from .readers import text  # noqa: F401
    from .vocabulary import classify_header_cell

    options.registry  # noqa: B018 - a cached property: loads the registry
    Gazetteer.get()
    classify_header_cell("Nội dung")


def extract_document(
    path: Path | str, options: Options | None = None, data: bytes | None = None, sha256: str | None = None
) -> DocumentResult:
    """Extract one document; raises :class:`plan_extract.ir.ReadError` when the input
    cannot be read or is not a plan document. ``sha256``: the hash of ``data``, when
    the caller computed it already."""
    path = Path(path)
    options = options or DEFAULT_OPTIONS
    ir = read(path, data, sha256, options=options.reader)
    return build_document(ir, doc_id_for(path), options)


def build_document(ir: DocumentIR, doc_id: str, options: Options) -> DocumentResult:
    from .errors import NotAPlan

    tasks, table_warnings, tables = read_task_tables(ir.blocks, options.table)
    if tables.layout:
        ir = DocumentIR(ir.source, linearize(ir.blocks, tables.layout), ir.warnings, ir.overlays)
    zones = find_zones(ir)
    header = parse_header(zones)
    apply_stamp(header, ir.overlays)
    body, notes = split_footnotes(zones.texts(zones.body))
    attached, attached_notes = split_footnotes(zones.texts(zones.attached))
    notes += attached_notes
    clean = mark_remover(notes)
    sections, section_warnings = parse_sections(body, clean)
    if attached:
        # the issued document's sections: their own stack, after the decision's
        more, more_warnings = parse_sections(attached, clean)
        for s in more:
            s.parent = s.parent + len(sections) if s.parent is not None else None
        sections += more
        section_warnings += more_warnings
    if not tasks and not sections and header.doc_type is None and header.number_raw is None:
        raise NotAPlan(
            "not a plan document: no number/symbol line, document type, numbered sections or task table found"
        )
    src = ir.source
    doc = DocumentResult(
        doc_id=doc_id,
        source=SourceMeta(
            path=src.path,
            format=src.format,
            sha256=src.sha256,
            encoding=src.encoding,
            size=src.size,
            pages=src.pages,
            element=src.element,
        ),
        header=header,
        sections=sections,
        tasks=tasks,
        footnotes=notes,
        warnings=list(ir.warnings) + section_warnings + table_warnings,
    )
    if not tasks:
        doc.warnings.append(warning("no_task_table", "no task table was found"))
    doc.references = find_references(_citing_texts(doc, zones, clean), own_number=header.number_raw)
    _normalise(doc, zones, options)
    doc.warnings.extend(doc_warnings.check(doc, zones))
    return doc


def _citing_texts(doc: DocumentResult, zones, clean):
    for p in zones.texts(zones.preamble):
        yield p.text, "header"
    for i, s in enumerate(doc.sections):
        yield f"{s.title}\n{s.text}", f"section:{i}"
    for n in doc.footnotes:
        yield n.text, f"footnote:{n.mark}"
    for t in doc.tasks:
        yield "\n".join((t.content, t.product, t.deadline)), f"task:{t.row}"


_MATCHERS: dict = {}


def _matcher(options: Options, jurisdiction, issuer):
    """One matcher per (registry, jurisdiction, issuer), reused across documents so
    that its cache of matched mentions serves a whole batch."""
    from .normalize.agencies import AgencyMatcher

    key = (id(options.registry), repr(jurisdiction), issuer)
    m = _MATCHERS.get(key)
    if m is None:
        if len(_MATCHERS) > 256:
            _MATCHERS.clear()
        m = _MATCHERS[key] = AgencyMatcher(options.registry, jurisdiction, issuer=issuer)
    return m


def _normalise(doc: DocumentResult, zones, options: Options) -> None:
    from .normalize.deadlines import normalize_deadline
    from .normalize.jurisdiction import resolve_jurisdiction

    h = doc.header
    body_text = "\n".join(p.text for p in zones.paragraphs[: zones.closing[0]])
    h.jurisdiction = resolve_jurisdiction(h.place, h.issuer, body_text, h.issue_date)
    matcher = _matcher(options, h.jurisdiction, h.issuer)
    # a missing year is the plan's year: the one its title names, else the issue year (SPEC 4)
    year = doc_warnings.title_plan_year(h.title) or h.year
    month = int(h.issue_date[5:7]) if h.issue_date and len(h.issue_date) >= 7 else None
    for t in doc.tasks:
        if not t.is_group:
            t.deadline_norm = normalize_deadline(t.deadline, year, month)
        t.lead_agencies = matcher.mentions(t.lead) if t.lead.strip() else []
        t.support_agencies = matcher.mentions(t.support) if t.support.strip() else []
