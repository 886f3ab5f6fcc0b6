"""The five samples against their gold, field by field: the figures the text
pipeline must reach (perfect rows, row precision/recall, header, sections)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from goldcompare import score_header, score_tasks, section_hits


def test_every_gold_document_has_output(gold_docs, output_docs):
    assert set(gold_docs) == set(output_docs)


@pytest.mark.parametrize(
    "doc_id",
    [
        "ha-tinh-so-noi-vu-2024-kiem-soat-tthc",
        "hiep-hoa-2024-kiem-soat-tthc",
        "tam-duong-2021-de-an-468",
        "vinh-bao-2024-kiem-soat-tthc",
        "xuan-loc-2022-cai-cach-hanh-chinh",
    ],
)
def test_task_rows_are_perfect(doc_id, gold_docs, output_docs):
    s = score_tasks(gold_docs[doc_id]["tasks"], output_docs[doc_id]["tasks"])
    assert s.misses == []
    assert s.pred_rows == s.gold_rows == s.matched


def test_summary_figures(gold_docs, output_docs):
    assert_summary_figures(gold_docs, output_docs)


def assert_summary_figures(gold_docs, output_docs):
    totals = dict(gold=0, pred=0, matched=0, perfect=0, hdr=0, hdr_n=0, sec_hit=0, sec_gold=0, sec_pred=0)
    for doc_id, gold in gold_docs.items():
        pred = output_docs[doc_id]
        t = score_tasks(gold["tasks"], pred["tasks"])
        totals["gold"] += t.gold_rows
        totals["pred"] += t.pred_rows
        totals["matched"] += t.matched
        totals["perfect"] += t.perfect
        h = score_header(gold, pred)
        totals["hdr"] += sum(h.values())
        totals["hdr_n"] += len(h)
        totals["sec_hit"] += section_hits(gold["sections"], pred["sections"])
        totals["sec_gold"] += len(gold["sections"])
        totals["sec_pred"] += len(pred["sections"])
    assert totals["perfect"] / totals["gold"] == 1.0
    assert totals["matched"] / totals["pred"] == 1.0  # row precision
    assert totals["matched"] / totals["gold"] == 1.0  # row recall
    assert totals["hdr"] == totals["hdr_n"] == 39  # header = 1.000 over every field the gold states
    p = totals["sec_hit"] / totals["sec_pred"]
    r = totals["sec_hit"] / totals["sec_gold"]
    assert 2 * p * r / (p + r) >= 0.98


@pytest.mark.parametrize(
    "doc_id",
    [
        "ha-tinh-so-noi-vu-2024-kiem-soat-tthc",
        "hiep-hoa-2024-kiem-soat-tthc",
        "tam-duong-2021-de-an-468",
        "vinh-bao-2024-kiem-soat-tthc",
        "xuan-loc-2022-cai-cach-hanh-chinh",
    ],
)
def test_header_fields(doc_id, gold_docs, output_docs):
    gh, ph = gold_docs[doc_id]["header"], output_docs[doc_id]["header"]
    for f in (
        "number",
        "symbol",
        "number_raw",
        "doc_type",
        "issue_date",
        "issue_date_precision",
        "signer_position",
        "signer_authority",
    ):
        assert ph[f] == gh[f], f
    scored = score_header(gold_docs[doc_id], output_docs[doc_id])
    assert len(scored) >= 7 and all(scored.values()), scored


def test_deadline_norm_matches_gold(gold_docs, output_docs):
    ok = total = 0
    for doc_id, gold in gold_docs.items():
        s = score_tasks(gold["tasks"], output_docs[doc_id]["tasks"])
        ok += s.norm_ok
        total += s.norm_total
    assert total == 143
    assert ok == total


# -- the same documents as web pages (tests/fixtures/make_html.py): a portal's page and
# Word's "save as web page" export score the same figures as the text ----------------------------
@pytest.fixture(scope="module")
def html_output_docs(tmp_path_factory) -> dict[str, dict[str, dict]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
    from make_html import KINDS, build_all
    from make_pdf import extracted

    files = build_all(tmp_path_factory.mktemp("html-gold"))
    return {kind: {d: extracted(p) for d, p in files[kind].items()} for kind in KINDS}


@pytest.mark.parametrize("kind", ["portal", "word"])
def test_web_pages_score_the_summary_figures(kind, gold_docs, html_output_docs):
    docs = html_output_docs[kind]
    assert set(docs) == set(gold_docs)
    assert_summary_figures(gold_docs, docs)
    for doc_id, gold in gold_docs.items():
        s = score_tasks(gold["tasks"], docs[doc_id]["tasks"])
        assert s.misses == [] and s.pred_rows == s.gold_rows == s.matched == s.perfect, doc_id
        assert s.norm_ok == s.norm_total, doc_id
