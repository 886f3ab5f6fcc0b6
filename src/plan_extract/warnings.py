"""Suspicious content (SPEC section 6): warnings on the document, never errors.
Each warning is one line, ``code: message``."""
from __future__ import annotations

import re
from typing import Optional

from .model import DocumentResult
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


def check(doc: DocumentResult, zones: Zones) -> list[str]:
    out: list[str] = []
    issue = doc.header.issue_date
    year = plan_year(doc)
    for t in doc.tasks:
        norm = t.deadline_norm
        if norm and (norm.end or norm.start):
            last = norm.end  # open-ended deadlines ("… và các năm tiếp theo") cannot be past
            if issue and last and last < _issue_floor(issue):
                out.append(f"deadline_before_issue: row {t.row} ({t.tt}) deadline '{t.deadline}' ends {last}, "
                           f"before the issue date {issue}")
            elif year and not any(d and d[:4] == str(year) for d in (norm.start, norm.end)) \
                    and not (norm.start and norm.end and norm.start[:4] <= str(year) <= norm.end[:4]):
                out.append(f"deadline_year: row {t.row} ({t.tt}) deadline '{t.deadline}' is not in the plan year {year}")
        if not t.is_group and not t.lead.strip():
            out.append(f"missing_lead: row {t.row} ({t.tt}) has no lead agency")
    if doc.header.issue_date_precision == "day":
        for p in zones.texts(zones.appendix):
            m = _ANNEX_DATE.search(p.text)
            if m:
                d, mo, y = (int(x) for x in m.groups())
                cited = f"{y:04d}-{mo:02d}-{d:02d}"
                if cited != doc.header.issue_date:
                    out.append(f"appendix_date: the appendix cites {cited} (line {p.prov.line}) while the header "
                               f"says {doc.header.issue_date}")
                break
    return out
