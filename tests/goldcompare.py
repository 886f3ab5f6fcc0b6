"""The project's own comparison of an output document with its gold (SPEC: text is
compared as case-folded words; dates and kinds exactly)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

_TAG = re.compile(r"</?(?:b|p|li|ul|ol|i|em|strong|br|span|div|td|tr)\b[^>]*>", re.I)
TEXT_FIELDS = ("tt", "content", "lead", "support", "deadline", "product")
HEADER_FIELDS = (
    "number",
    "symbol",
    "doc_type",
    "place",
    "issue_date",
    "title",
    "signer_name",
    "signer_position",
    "signer_authority",
)
NORM_FIELDS = ("kind", "start", "end", "recurrence")


def words(value) -> tuple[str, ...]:
    if value is None:
        return ()
    s = unicodedata.normalize("NFC", str(value))
    s = _TAG.sub(" ", s).replace("**", " ")
    return tuple(re.findall(r"\w+", s.casefold()))


def row_key(row: dict) -> tuple:
    return words(row.get("tt")) + ("|",) + words(row.get("content"))[:12]


@dataclass
class TaskScore:
    gold_rows: int = 0
    pred_rows: int = 0
    matched: int = 0
    perfect: int = 0
    norm_total: int = 0
    norm_ok: int = 0
    misses: list = field(default_factory=list)


def score_tasks(gold: list[dict], pred: list[dict]) -> TaskScore:
    s = TaskScore(gold_rows=len(gold), pred_rows=len(pred))
    sm = SequenceMatcher(a=[row_key(r) for r in gold], b=[row_key(r) for r in pred], autojunk=False)
    pairs = {}
    for block in sm.get_matching_blocks():
        for k in range(block.size):
            pairs[block.a + k] = block.b + k
    s.matched = len(pairs)
    pred_row_to_gold = {pred[j]["row"]: i for i, j in pairs.items()}
    for i, g in enumerate(gold):
        j = pairs.get(i)
        p = pred[j] if j is not None else None
        bad = []
        if p is None:
            bad.append("unmatched")
        else:
            bad += [f for f in TEXT_FIELDS if words(g.get(f)) != words(p.get(f))]
            if bool(g["is_group"]) != bool(p["is_group"]):
                bad.append("is_group")
            if g["level"] != p["level"]:
                bad.append("level")
            gp, pp = g["parent_row"], p["parent_row"]
            if not (
                (gp is None and pp is None)
                or (gp is not None and pp is not None and pred_row_to_gold.get(pp) == gp - 1)
            ):
                bad.append("parent")
        if not bad:
            s.perfect += 1
        else:
            s.misses.append((g["row"], bad))
        if g.get("deadline_norm"):
            s.norm_total += 1
            pn = (p or {}).get("deadline_norm") or {}
            s.norm_ok += all(g["deadline_norm"].get(f) == pn.get(f) for f in NORM_FIELDS)
    return s


def score_header(gold: dict, pred: dict) -> dict[str, bool]:
    gh, ph = gold.get("header", {}), pred.get("header") or {}
    return {
        f: words(gh.get(f)) == words(ph.get(f))
        for f in HEADER_FIELDS
        if f in gh and (words(gh.get(f)) or words(ph.get(f)))
    }


def section_hits(gold: list[dict], pred: list[dict]) -> int:
    def key(s: dict) -> tuple:
        return (s.get("kind"), words(s.get("label")), s.get("level"), words(s.get("title"))[:8])

    sm = SequenceMatcher(a=[key(s) for s in gold], b=[key(s) for s in pred], autojunk=False)
    return sum(b.size for b in sm.get_matching_blocks())
