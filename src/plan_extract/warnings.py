"""Suspicious content (SPEC section 6): warnings on the document, never errors.
Each warning is a :class:`~plan_extract.model.DocWarning` record: a code of
:data:`~plan_extract.model.WARNING_CODES`, a message, and the row or line it points at."""
from __future__ import annotations

import re
from typing import Optional

from .model import DocumentResult, DocWarning, warning
from .parsers.layout import Zones

_TITLE_YEAR = re.compile(r"\bnăm\s+(\d{4})\b", re.I)
_ANNEX_DATE = re.compile(r"kèm theo\s+(?:các\s+)?[^()]{0,60}?ngày\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})", re.I)


def plan_year(doc: DocumentResult) -> Optional[int]:
    m = _TITLE_YEAR.search(doc.header.title or "")
    return int(m.group(1)) if m else None


def _issue_floor(issue: str) -> str:
    """The first day the issue date can be (2024-01 -> 2024-01-01)."""
    parts = issue.split("-")
    return "-".join(parts + ["01"] * (3 - len(parts)))


def _at(t) -> dict:
    """Where a task row's warning points: its row, page and line."""
    return {"row": t.row, "page": t.provenance.get("page"), "line": t.provenance.get("line")}


def check(doc: DocumentResult, zones: Zones) -> list[DocWarning]:
    out: list[DocWarning] = []
    issue = doc.header.issue_date
    year = plan_year(doc)
    for t in doc.tasks:
        norm = t.deadline_norm
        if norm and (norm.end or norm.start):
            last = norm.end  # open-ended deadlines ("… và các năm tiếp theo") cannot be past
            if issue and last and last < _issue_floor(issue):
                out.append(warning("deadline_before_issue", f"row {t.row} ({t.tt}) deadline '{t.deadline}' ends "
                                   f"{last}, before the issue date {issue}", **_at(t)))
            elif year and not any(d and d[:4] == str(year) for d in (norm.start, norm.end)) \
                    and not (norm.start and norm.end and norm.start[:4] <= str(year) <= norm.end[:4]):
                out.append(warning("deadline_year", f"row {t.row} ({t.tt}) deadline '{t.deadline}' is not in the "
                                   f"plan year {year}", **_at(t)))
        if not t.is_group and not t.lead.strip():
            out.append(warning("missing_lead", f"row {t.row} ({t.tt}) has no lead agency", **_at(t)))
    if doc.header.issue_date_precision == "day":
        for p in zones.texts(zones.appendix):
            m = _ANNEX_DATE.search(p.text)
            if m:
                d, mo, y = (int(x) for x in m.groups())
                cited = f"{y:04d}-{mo:02d}-{d:02d}"
                if cited != doc.header.issue_date:
                    out.append(warning("appendix_date", f"the appendix cites {cited} (line {p.prov.line}) while the "
                                       f"header says {doc.header.issue_date}", page=p.prov.page, line=p.prov.line))
                break
    return out
