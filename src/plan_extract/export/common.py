"""What the workbook, the calendar and the report share: document labels that tell
documents apart, deadline classes (due / ongoing / recurring / undated), the agencies of
each task by canonical name, warnings in either form, safe sheet and file names."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

import pandas as pd

from ..api import DUE_KINDS, Dataset
from ..i18n import Messages

_TITLE_YEAR = re.compile(r"\bnăm\s+(\d{4})\b", re.IGNORECASE)
_CODE = re.compile(r"^([a-z][a-z0-9_]*)\s*:\s*(.*)$", re.DOTALL)
_ROW = re.compile(r"\brow (\d+)\b")
_LINE = re.compile(r"\bline (\d+)\b")
_PAGE = re.compile(r"\bpage (\d+)\b")
#: characters Excel refuses in a sheet name
_SHEET_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
SHEET_MAX = 31
#: office abbreviations that shorten agency names for sheet names (the reverse of the
#: expansions the canonical names carry)
_ABBREV = [
    ("Hội đồng nhân dân", "HĐND"),
    ("Ủy ban nhân dân", "UBND"),
    ("Văn phòng", "VP"),
    ("Mặt trận Tổ quốc Việt Nam", "MTTQVN"),
    ("thành phố", "TP"),
    ("Thành phố", "TP"),
]


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def text(value) -> str:
    return "" if _blank(value) else str(value)


# ------------------------------------------------------------------ documents
def plan_year(title, issue_date, year=None) -> int | None:
    """The plan's year: the one year its title names (``… năm 2024``), else the year of
    issue (SPEC section 4)."""
    years = set(_TITLE_YEAR.findall(text(title)))
    if len(years) == 1:
        return int(years.pop())
    if not _blank(issue_date):
        return pd.Timestamp(issue_date).year
    return None if _blank(year) else int(year)


def _short(title: str, limit: int = 70) -> str:
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def doc_labels(documents: pd.DataFrame, m: Messages) -> dict[str, str]:
    """A label per document that office staff recognise and that tells documents apart:
    ``Kế hoạch số 15/KH-UBND ngày 26/01/2022``; a document whose number was left blank
    (``Số: /KH-UBND``) by its type, symbol and date: ``Kế hoạch …/KH-UBND (chưa ghi số)
    ngày 01/2024``. Labels still alike get the title, then the place, then the doc_id."""
    labels: dict[str, str] = {}
    titles: dict[str, str] = {}
    for d in documents.itertuples(index=False):
        dtype = text(d.doc_type) or m("doc.default_type")
        precision = text(getattr(d, "issue_date_precision", None)) or "day"
        date = m.date(d.issue_date, precision if precision in ("day", "month", "year") else "day")
        when = f" {m('doc.issued_on', date=date)}" if date else ""
        if not _blank(d.number):
            label = m("doc.label_number", type=dtype, number=text(d.number_raw) or text(d.number)) + when
        else:
            raw = text(d.number_raw) or (f"/{d.symbol}" if not _blank(d.symbol) else "")
            shown = ("…" + raw) if raw.startswith("/") else raw
            label = (
                " ".join(m("doc.label_no_number", type=dtype, number=shown, no_number=m("doc.no_number")).split())
                + when
            )
        labels[d.doc_id] = label
        titles[d.doc_id] = text(d.title)
    places = dict(zip(documents["doc_id"], documents["place"]))
    steps = ((": {}", lambda i: _short(titles[i])), (" — {}", lambda i: text(places.get(i))), (" [{}]", lambda i: i))
    for pattern, extra in steps:
        counts = Counter(labels.values())
        for doc_id, label in list(labels.items()):
            if counts[label] > 1 and extra(doc_id):
                labels[doc_id] = label + pattern.format(extra(doc_id))
    return labels


# ------------------------------------------------------------------ deadlines
def deadline_classes(tasks: pd.DataFrame) -> pd.Series:
    """Per task row: ``due`` (a due date: ``deadline_end`` of a kind in DUE_KINDS),
    ``recurring`` (a repetition without a due date: ``Báo cáo theo quý``), ``ongoing``
    (``continuous``; ``per_plan`` with a period), ``undated`` (on_event, other, missing,
    per_plan without a period), None for group rows."""
    kind = tasks["deadline_kind"].astype(object)
    end = tasks["deadline_end"]
    due = kind.isin(DUE_KINDS) & end.notna()
    rec = tasks["deadline_recurrence"].notna()
    ongoing = (kind == "continuous") | ((kind == "per_plan") & (tasks["deadline_start"].notna() | end.notna()))
    out = pd.Series("undated", index=tasks.index, dtype=object)
    out[ongoing] = "ongoing"
    out[rec & ~due] = "recurring"
    out[due] = "due"
    out[tasks["is_group"].astype(bool)] = None
    return out


# ------------------------------------------------------------------- agencies
def agency_names(ds: Dataset) -> dict[str, dict[tuple[str, int], list[str]]]:
    """role -> (doc_id, row) -> canonical names of that role, in cell order, each once."""
    out: dict[str, dict[tuple[str, int], list[str]]] = {"lead": {}, "support": {}}
    ta = ds.task_agencies
    if ta.empty:
        return out
    ta = ta.dropna(subset=["name"]).sort_values(["doc_id", "row", "role", "mention"], kind="stable")
    for doc_id, row, role, name in zip(ta["doc_id"], ta["row"], ta["role"].astype(object), ta["name"]):
        names = out.setdefault(str(role), {}).setdefault((doc_id, int(row)), [])
        if name not in names:
            names.append(name)
    return out


# ------------------------------------------------------------------- warnings
def warning_records(values: Iterable) -> list[dict]:
    """Document warnings as records ``code, message, row, table, page, line``: the newest
    outputs store records, older ones ``code: message`` strings (row / line / page read
    from the message where it names them)."""
    out = []
    for w in values if values is not None else []:
        if isinstance(w, dict):
            rec = {k: w.get(k) for k in ("code", "message", "row", "table", "page", "line")}
            for k in ("row", "table", "page", "line"):
                v = rec[k]
                rec[k] = None if v is None or _blank(v) else int(v)
            rec["code"], rec["message"] = text(rec["code"]), text(rec["message"])
            out.append(rec)
            continue
        s = text(w)
        m = _CODE.match(s)
        code, message = (m.group(1), m.group(2)) if m else ("", s)
        rec = {"code": code, "message": message, "row": None, "table": None, "page": None, "line": None}
        for key, rx in (("row", _ROW), ("line", _LINE), ("page", _PAGE)):
            hit = rx.search(message)
            if hit:
                rec[key] = int(hit.group(1))
        out.append(rec)
    return out


# ------------------------------------------------------------------------ names
def sheet_names(names: Iterable[str], taken: Iterable[str] = ()) -> dict[str, str]:
    """A valid, unique Excel sheet name per name: characters Excel forbids (``[ ] : * ?
    / \\``) replaced, office abbreviations (UBND, HĐND, VP) used when the name is longer
    than 31 characters, then cut with ``…``; names alike (case-insensitively) numbered."""
    used = {t.casefold() for t in taken}
    out: dict[str, str] = {}
    for name in names:
        base = _SHEET_BAD.sub("-", text(name)).strip().strip("'").strip() or "-"
        if len(base) > SHEET_MAX:
            for long, short in _ABBREV:
                base = base.replace(long, short)
        if len(base) > SHEET_MAX:
            base = base[: SHEET_MAX - 1].rstrip() + "…"
        candidate, k = base, 2
        while candidate.casefold() in used or candidate.casefold() == "history":
            suffix = f" ({k})"
            candidate = base[: SHEET_MAX - len(suffix)].rstrip() + suffix
            k += 1
        used.add(candidate.casefold())
        out[name] = candidate
    return out


def slug(value: str, limit: int = 80) -> str:
    """An ASCII file-name slug: ``Văn phòng Sở Nội vụ`` -> ``van-phong-so-noi-vu``."""
    s = text(value).replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-").lower()
    return s[:limit].rstrip("-") or "x"


def unique_slugs(names: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        base = slug(name)
        candidate, k = base, 2
        while candidate in used:
            candidate, k = f"{base}-{k}", k + 1
        used.add(candidate)
        out[name] = candidate
    return out
