"""The corpus's Word documents with a task table, printed to PDF by LibreOffice as an
office would print them, read like the Word files (SPEC section 1: all formats give the
same result for the same document): the task rows score as the Word form's against
the gold (tests/corpus/gold, scored by tests/corpus/score.py), and the header in full.

The PDFs are made in a temporary folder at each run (never committed); without
LibreOffice the tests are skipped.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus"
sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))

from make_pdf import docx_to_pdf, soffice  # noqa: E402

# the corpus's Word files with a task table and gold
DOC_IDS = [
    "lao-cai-2026-chi-thi-11-khoang-san",
    "lao-cai-so-cong-thuong-2026-vat-lieu-no",
    "lao-cai-so-cong-thuong-2026-2242-kiem-tra-gcn",
    "lam-dong-2026-tuyen-truyen-cchc",
]


def _load_score():
    spec = importlib.util.spec_from_file_location("corpus_score_pdf", CORPUS / "score.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


score = _load_score()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    """``{"docx": out, "pdf": out}``: the Word files and their PDFs extracted."""
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) not installed: the corpus's Word files cannot be printed to PDF")
    from plan_extract.cli import main

    root = tmp_path_factory.mktemp("corpus-pdf")
    word = root / "docx"
    word.mkdir()
    for d in DOC_IDS:
        shutil.copy(CORPUS / "docs" / f"{d}.docx", word / f"{d}.docx")
    pdf = root / "pdf"
    docx_to_pdf(sorted(word.glob("*.docx")), pdf)
    out = {}
    for form, folder in (("docx", word), ("pdf", pdf)):
        out[form] = root / f"out-{form}"
        assert main(["extract", str(folder), "-o", str(out[form]), "-q"]) == 0
    return out


def _scores(out: Path, doc_id: str) -> tuple[dict, dict]:
    gold = json.loads((CORPUS / "gold" / f"{doc_id}.json").read_text("utf-8"))
    f = out / "json" / f"{doc_id}.json"
    pred = json.loads(f.read_text("utf-8")) if f.exists() else {}
    return score.score_tasks(gold, pred), score.score_header(gold, pred)


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_printed_word_document_reads_as_the_word_file(outputs, doc_id):
    word_tasks, _ = _scores(outputs["docx"], doc_id)
    tasks, header = _scores(outputs["pdf"], doc_id)
    assert (tasks["perfect_rows"], tasks["pred_rows"], tasks["misses"]) == (
        word_tasks["perfect_rows"],
        word_tasks["pred_rows"],
        word_tasks["misses"],
    )
    assert header and sum(header.values()) / len(header) == 1.0, [f for f, ok in header.items() if not ok]
