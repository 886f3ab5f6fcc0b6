"""Shared fixtures: the five samples extracted once per test session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOLD = Path(__file__).resolve().parent / "gold"


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory) -> Path:
    from plan_extract.cli import main

    out = tmp_path_factory.mktemp("samples-out")
    assert main(["extract", str(SAMPLES), "-o", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="session")
def gold_docs() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(GOLD.glob("*.json"))}


@pytest.fixture(scope="session")
def output_docs(sample_output) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted((sample_output / "json").glob("*.json"))}
