"""examples/analysis.ipynb runs top to bottom (from a clean clone: it extracts the
samples itself; and on a given output folder) and answers the four questions with the
values of the sample documents."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from test_api import HH, TD, VP_HUYEN_NAME, XL, make_layouts

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "analysis.ipynb"

PROBE = """
import json as _json
print("PROBE" + _json.dumps({
    "output": str(OUTPUT),
    "lead": {n: int(v) for n, v in zip(workload["name"], workload["lead"])},
    "support": {n: int(v) for n, v in zip(workload["name"], workload["support"])},
    "hiep_hoa_months": {str(p): int(v) for p, v in due[hiep_hoa].items() if v},
    "total_due": int(due["total"].sum()),
    "late": [[d, int(r)] for d, r in zip(late["doc_id"], late["row"])],
    "warned": sorted(set(warnings["doc_id"])),
    "report": str(report),
}, ensure_ascii=False))
"""


def run_notebook(env: dict[str, str | None]) -> tuple[nbformat.NotebookNode, dict]:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    saved = {k: os.environ.get(k) for k in env}
    try:
        for k, v in env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        client = NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
        )
        client.execute()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("output_type") == "stream")
    line = next(ln for ln in text.splitlines() if ln.startswith("PROBE"))
    return nb, json.loads(line[len("PROBE") :])


def test_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "clear the notebook's outputs"
    assert {t for c in nb.cells for t in c.metadata.get("tags", [])} >= {"q1", "q2", "q3", "q4"}


def test_notebook_runs_from_a_clean_clone():
    nb, probe = run_notebook({"PLAN_EXTRACT_OUTPUT": None, "PLAN_EXTRACT_SAMPLES": None})
    assert not probe["output"].startswith(str(ROOT))  # extracted into a temporary folder
    # 1. agencies: Văn phòng HĐND và UBND huyện leads 11 + 8 + 13 + 8 rows (see test_api)
    assert probe["lead"][VP_HUYEN_NAME] == 40
    assert probe["lead"]["Văn phòng Sở Nội vụ"] == 24
    assert max(probe["lead"].values()) == 40
    # 2. months of the Hiệp Hòa plan
    assert probe["hiep_hoa_months"] == {
        "2023-01": 1,
        "2023-02": 1,
        "2023-08": 1,
        "2024-02": 1,
        "2024-07": 1,
        "2024-09": 1,
        "2024-12": 7,
    }
    assert probe["total_due"] == 41  # "Thường xuyên trong năm 2024" is not due on 31 December
    # 3. overdue on 2024-06-30: 16 rows, the earliest Xuân Lộc's "31/10/2022"
    assert len(probe["late"]) == 16 and probe["late"][0] == [XL, 6]
    # 4. warnings
    assert {HH, XL, TD} <= set(probe["warned"])
    assert Path(probe["report"]).is_file()
    # every question cell produced a table
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code" and set(tags) & {"q1", "q2", "q3", "q4"}:
            assert any("text/html" in o.get("data", {}) for o in cell.outputs), tags


def test_notebook_reads_a_given_output_folder(sample_output, tmp_path):
    out = make_layouts(sample_output, tmp_path)["file"]
    _, probe = run_notebook({"PLAN_EXTRACT_OUTPUT": str(out)})
    assert probe["output"] == str(out)
    assert probe["lead"][VP_HUYEN_NAME] == 40 and len(probe["late"]) == 16
    assert not (out / "json").exists()  # read, not re-extracted


def test_the_readme_command_that_runs_the_notebook_works(sample_output):
    """The README's command, as written (its `.venv/bin/` made this interpreter's)."""
    import os
    import re
    import shlex
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    line = next(ln for ln in readme.splitlines() if re.match(r"^\.venv/bin/jupyter execute ", ln))
    cmd = shlex.split(line.split("#")[0])
    cmd[0] = str(Path(sys.executable).parent / "jupyter")
    env = {**os.environ, "PLAN_EXTRACT_OUTPUT": str(sample_output)}
    done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
