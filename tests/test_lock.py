"""The lock (requirements/lock.txt) and pyproject.toml agree: every dependency that
pyproject.toml declares (the run's, the test extra's, the build backend's) is pinned in
the lock, with a hash, at a version its declared range accepts."""

from __future__ import annotations

import re
from pathlib import Path

import tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def locked() -> dict[str, Version]:
    """name -> pinned version; every pin carries at least one hash."""
    pins: dict[str, Version] = {}
    lines = LOCK.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        m = _PIN.match(line)
        if not m:
            continue
        assert i + 1 < len(lines) and "--hash=sha256:" in lines[i + 1], f"{m.group(1)} has no hash in the lock"
        pins[canonicalize_name(m.group(1))] = Version(m.group(2))
    return pins


def declared() -> list[Requirement]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = list(data["project"]["dependencies"]) + list(data["project"]["optional-dependencies"]["test"])
    reqs += data["build-system"]["requires"]
    return [Requirement(r) for r in reqs]


def test_lock_pins_every_declared_dependency_in_its_range():
    pins = locked()
    assert len(pins) > 20
    problems = []
    for req in declared():
        if req.marker is not None and not req.marker.evaluate():
            continue
        name = canonicalize_name(req.name)
        if name not in pins:
            problems.append(f"{req}: not in the lock")
        elif not req.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{req}: the lock pins {pins[name]}")
    assert problems == [], "pyproject.toml and requirements/lock.txt disagree (run `make lock`): " + "; ".join(problems)


def test_lock_header_says_what_it_was_resolved_for():
    head = LOCK.read_text(encoding="utf-8")[:600]
    assert "Python 3.11" in head and "Linux x86_64" in head


def test_src_imports_only_declared_packages():
    """Every third-party module that src/ imports belongs to a declared dependency
    (``distributed`` to the dask extra)."""
    import ast
    import sys

    provided = {
        "docx": "python-docx",
        "pdfminer": "pdfminer.six",
        "distributed": "dask",
        "plan_extract": "plan-extract",
    }
    names = {canonicalize_name(r.name) for r in declared()}
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names |= {
        canonicalize_name(Requirement(r).name)
        for extra in data["project"]["optional-dependencies"].values()
        for r in extra
    }
    missing = set()
    for path in (ROOT / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods = [node.module]
            else:
                continue
            for mod in mods:
                top = mod.split(".")[0]
                if top in sys.stdlib_module_names:
                    continue
                dist = canonicalize_name(provided.get(top, top))
                if dist not in names and dist != "plan-extract":
                    missing.add(f"{top} ({path.relative_to(ROOT)})")
    assert missing == set()
