"""The extracted document: what the parsers and normalisers produce and the writers
serialise (SPEC sections 2 to 6). Plain dataclasses; ``to_dict`` gives the JSON."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

#: every warning code (SPEC section 6), with its meaning: the one list of the vocabulary
#: (the data dictionary, the JSON schema and :func:`warning` read it from here)
WARNING_CODES: dict[str, str] = {
    "deadline_before_issue": "a task deadline ends before the document's issue date",
    "deadline_year": "a task deadline is not in the plan year named in the title",
    "missing_lead": "a task row has no lead agency",
    "appendix_date": "the appendix cites another date than the header",
    "no_task_table": "no task table was found",
    "columns_unmapped": "some task-table columns have headers of no known meaning (kept in `extra`)",
    "table_skipped": "a table that looks like data was not taken as a task table",
    "repeated_rows": "task-table rows repeated (the same rows twice in one document)",
    "repeated_section_label": "the same section label occurs twice at one level",
    "not_vietnamese": "the text does not look like Vietnamese",
    "mixed_encoding": "the file mixes UTF-8 and Windows-1258 lines; each line was decoded on its own",
    "converted_from_doc": "the input (.doc, .odt or .rtf) was converted to .docx with LibreOffice",
    "encrypted_pdf": "an encrypted PDF opened without a password (owner restrictions only)",
    "page_unreadable": "a PDF page could not be read and was left out",
}


@dataclass
class DocWarning:
    """Suspicious content on a document (SPEC section 6): a ``code`` of
    :data:`WARNING_CODES`, a one-line ``message``, and where it points: task ``row``,
    ``table`` (1-based, in reading order), ``page``, ``line`` (None where it points
    nowhere)."""

    code: str
    message: str
    row: int | None = None
    table: int | None = None
    page: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


# the warnings that say a document needs a reviewer's look (counted in a run's summary):
# no task rows, a data table not taken, text that does not read as Vietnamese, repeated rows
REVIEW_CODES = frozenset({"no_task_table", "table_skipped", "not_vietnamese", "repeated_rows"})


def warning(
    code: str,
    message: str,
    *,
    row: int | None = None,
    table: int | None = None,
    page: int | None = None,
    line: int | None = None,
) -> DocWarning:
    """A warning of a known code (an unknown one is a bug: ValueError)."""
    if code not in WARNING_CODES:
        raise ValueError(f"unknown warning code {code!r} (add it to model.WARNING_CODES)")
    return DocWarning(code, message, row, table, page, line)


@dataclass
class Jurisdiction:
    level: str | None = None  # tinh / huyen / xa
    province: str | None = None
    province_code: str | None = None
    district: str | None = None
    district_code: str | None = None
    commune: str | None = None
    commune_code: str | None = None


@dataclass
class Header:
    number: str | None = None
    symbol: str | None = None
    number_raw: str | None = None
    number_source: str | None = None  # printed / stamp (the signature stamp's); null without a number
    doc_type: str | None = None
    place: str | None = None
    issue_date: str | None = None
    issue_date_precision: str | None = None
    issue_date_source: str | None = None  # printed / stamp; null without a date
    title: str | None = None
    issuer: str | None = None
    signer_name: str | None = None
    signer_position: str | None = None
    signer_authority: str | None = None
    recipients: list[str] = field(default_factory=list)
    legal_bases: list[str] = field(default_factory=list)
    jurisdiction: Jurisdiction | None = None

    @property
    def year(self) -> int | None:
        return int(self.issue_date[:4]) if self.issue_date else None


@dataclass
class Section:
    label: str
    kind: str  # roman, arabic, dotted, letter, article
    level: int
    title: str
    text: str
    parent: int | None
    line: int | None = None
    page: int | None = None


@dataclass
class DeadlineNorm:
    kind: str
    start: str | None = None
    end: str | None = None
    recurrence: str | None = None


@dataclass
class AgencyMention:
    raw: str
    name: str
    id: str | None
    type_id: str | None
    kind: str  # specific / collective / external
    level: str | None
    score: float
    matched: bool


@dataclass
class Task:
    row: int
    tt: str
    content: str
    lead: str = ""
    support: str = ""
    deadline: str = ""
    product: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    is_group: bool = False
    parent_row: int | None = None
    level: int = 1
    deadline_norm: DeadlineNorm | None = None
    lead_agencies: list[AgencyMention] = field(default_factory=list)
    support_agencies: list[AgencyMention] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)


@dataclass
class Reference:
    doc_type: str | None
    number_raw: str
    date: str | None
    issuer: str | None
    text: str
    cited_in: str  # header / section:<index> / task:<row> / footnote:<mark>


@dataclass
class Footnote:
    mark: str
    text: str


@dataclass
class SourceMeta:
    path: str
    format: str
    sha256: str
    encoding: str | None = None
    size: int = 0
    pages: int | None = None
    element: str | None = None  # web pages: the element read as the document (CSS-like path)


@dataclass
class DocumentResult:
    doc_id: str
    source: SourceMeta
    header: Header
    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    warnings: list[DocWarning] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return plain(self)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def plain(obj: Any) -> Any:
    """Dataclasses, lists and dicts to plain JSON-ready values (a faster asdict)."""
    cls = type(obj)
    if cls in (str, int, float, bool) or obj is None:
        return obj
    if cls is list or cls is tuple:
        return [plain(x) for x in obj]
    if cls is dict:
        return {k: plain(v) for k, v in obj.items()}
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(obj))
    return {n: plain(getattr(obj, n)) for n in names}
