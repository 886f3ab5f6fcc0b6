"""Rejections carry a fixed code beside the one-line reason (SPEC section 6)."""

from __future__ import annotations

import pickle

import pytest

import plan_extract.errors as E
from plan_extract.batch.limits import Limits
from plan_extract.batch.work import WorkItem, process
from plan_extract.options import Options


def test_the_codes_are_the_fixed_vocabulary():
    assert list(E.REJECTION_CODES) == [
        "empty",
        "not_a_plan",
        "damaged",
        "unsafe",
        "encrypted",
        "too_large",
        "timeout",
        "unsupported",
        "unreadable",
        "no_text",
        "duplicate",
        "internal",
    ]
    assert all(E.REJECTION_CODES.values())  # each has its meaning, for the data dictionary


def test_ir_read_error_is_the_same_class_and_errors_survive_pickling():
    from plan_extract.ir import ReadError

    assert ReadError is E.ReadError
    err = pickle.loads(pickle.dumps(E.Damaged("damaged PDF: xref")))
    assert isinstance(err, ReadError) and err.code == "damaged" and str(err) == err.reason == "damaged PDF: xref"


def test_a_bug_is_rejected_as_internal(tmp_path, monkeypatch):
    import plan_extract.pipeline as pipeline

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(pipeline, "extract_document", broken)
    path = tmp_path / "x.txt"
    path.write_text("Số: 1/KH-UBND\n", encoding="utf-8")
    rec = process(WorkItem(str(path), "x"), Options(), Limits(max_seconds=0)).record
    assert (rec.status, rec.code, rec.reason) == ("rejected", "internal", "internal error: ValueError: a bug")


@pytest.mark.parametrize(
    "data, code",
    [(b"", "empty"), (b"%PDF-1.7\n" + bytes(range(256)) * 40, "damaged"), (b"PK\x03\x04" + b"\x00" * 100, "damaged")],
)
def test_readers_raise_the_class_of_the_code(tmp_path, data, code):
    from plan_extract.readers import read

    path = tmp_path / "f.bin"
    path.write_bytes(data)
    with pytest.raises(E.ReadError) as info:
        read(path)
    assert info.value.code == code
