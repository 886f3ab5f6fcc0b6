"""Suspicious content (SPEC section 6): warnings on the document, never errors.
Each warning is a :class:`~plan_extract.model.DocWarning` record: a code of
:data:`~plan_extract.model.WARNING_CODES`, a message, and the row or line it points at."""

from __future__ import annotations

import re
from functools import lru_cache

from .model import DocumentResult, DocWarning, warning
from .normalize.text import fold
from .parsers.layout import Zones

_TITLE_YEAR = re.compile(r"\bnăm\s+(\d{4})\b", re.I)
_ANNEX_DATE = re.compile(r"kèm theo\s+(?:các\s+)?[^()]{0,60}?ngày\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})", re.I)


_DATE_YEAR = re.compile(r"(?:ngày\s+\d{1,2}\s+)?tháng\s+\d{1,2}\s+năm\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}", re.I)
_HORIZON = re.compile(r"(?:đến|tới|giai đoạn|tầm nhìn|thời kỳ)\s+(?:năm\s+)?\d{4}(?:\s*[-–]\s*\d{4})?", re.I)


def title_plan_year(title: str | None) -> int | None:
    """The one year a plan for a single year names in its title (``… năm 2026``);
    dates of cited documents (``ngày 22 tháng 12 năm 2024``) and horizons (``đến năm
    2030``, ``giai đoạn 2026 - 2030``) are not plan years. None when no single one."""
    text = _HORIZON.sub(" ", _DATE_YEAR.sub(" ", title or ""))
    years = {int(y) for y in _TITLE_YEAR.findall(text)}
    return years.pop() if len(years) == 1 else None


def plan_year(doc: DocumentResult) -> int | None:
    return title_plan_year(doc.header.title)


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
                out.append(
                    warning(
                        "deadline_before_issue",
                        f"row {t.row} ({t.tt}) deadline '{t.deadline}' ends {last}, before the issue date {issue}",
                        **_at(t),
                    )
                )
            elif (
                year
                and not any(d and d[:4] == str(year) for d in (norm.start, norm.end))
                and not (norm.start and norm.end and norm.start[:4] <= str(year) <= norm.end[:4])
            ):
                out.append(
                    warning(
                        "deadline_year",
                        f"row {t.row} ({t.tt}) deadline '{t.deadline}' is not in the plan year {year}",
                        **_at(t),
                    )
                )
        if not t.is_group and not t.lead.strip():
            out.append(warning("missing_lead", f"row {t.row} ({t.tt}) has no lead agency", **_at(t)))
    if doc.header.issue_date_precision == "day":
        for p in zones.texts(zones.appendix):
            m = _ANNEX_DATE.search(p.text)
            if m:
                d, mo, y = (int(x) for x in m.groups())
                cited = f"{y:04d}-{mo:02d}-{d:02d}"
                if cited != doc.header.issue_date:
                    out.append(
                        warning(
                            "appendix_date",
                            f"the appendix cites {cited} (line {p.prov.line}) while the "
                            f"header says {doc.header.issue_date}",
                            page=p.prov.page,
                            line=p.prov.line,
                        )
                    )
                break
    out += _garbled_rows(doc) + _repeated_rows(doc)
    return out


# a Vietnamese syllable, written without its tone marks: onset, vowels, final consonant
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    r"[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?$"
)
_WORD = re.compile(r"[^\W_]+")
_DIGIT = re.compile(r"\d")
MIN_WORDS = 8  # a cell shorter than this is not judged
MAX_FOREIGN_SHARE = 0.35  # more words than this that no Vietnamese syllable spells: garbled


def foreign_share(text: str) -> tuple[int, int]:
    """(words that no Vietnamese syllable spells, lower-case words) of a text. Words
    with capitals (names, abbreviations: UBND, IoT) are not judged; a word that mixes
    letters and digits (``t2thr0iốể3nn0g``) counts as foreign."""
    bad = total = 0
    for w in _WORD.findall(text):
        verdict = _word_verdict(w)
        if verdict is not None:
            total += 1
            bad += verdict
    return bad, total


@lru_cache(maxsize=65536)  # the same words recur in every row of every document
def _word_verdict(w: str) -> bool | None:
    """True for a word no Vietnamese syllable spells, False for one that is, None for a
    word not judged (capitals, a number)."""
    digits = _DIGIT.search(w) is not None
    if (not digits and not w.islower()) or w.isdigit():
        return None
    return digits or not _SYLLABLE.match(fold(w))


def _garbled_rows(doc: DocumentResult) -> list[DocWarning]:
    """Rows whose text does not read as Vietnamese (letters of a stamp or of two
    columns interleaved, a font without a Unicode map)."""
    out = []
    for t in doc.tasks:
        bad, total = foreign_share(" ".join((t.content, t.lead, t.support, t.deadline, t.product)))
        if total >= MIN_WORDS and bad > MAX_FOREIGN_SHARE * total:
            out.append(
                warning(
                    "not_vietnamese",
                    f"row {t.row} ({t.tt}): {bad} of {total} words are not Vietnamese syllables",
                    **_at(t),
                )
            )
    return out


def _repeated_rows(doc: DocumentResult) -> list[DocWarning]:
    """Task rows equal to an earlier row in every field (a table read twice, a merged
    row duplicated)."""
    seen: dict[tuple, int] = {}
    out = []
    for t in doc.tasks:
        key = (t.tt, t.content, t.lead, t.support, t.deadline, t.product)
        if not any(key[1:]):
            continue
        if key in seen:
            out.append(warning("repeated_rows", f"row {t.row} ({t.tt}) repeats row {seen[key]}", **_at(t)))
        else:
            seen[key] = t.row
    return out
