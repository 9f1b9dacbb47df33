"""The committed report notebook is a thin, clean template."""

from __future__ import annotations

import ast
import subprocess

import nbformat
import pytest
from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.name)
def nb(request):
    return nbformat.read(request.param, as_version=4)


def test_there_is_a_report_notebook():
    assert ROOT / "notebooks" / "laporan_bulanan.ipynb" in NOTEBOOKS


def test_committed_without_outputs(nb):
    dirty = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count"))
    ]
    assert not dirty, f"cells {dirty} carry outputs: run nbstripout"


def test_git_index_copy_is_clean_too():
    """What is committed (not only the work tree) must be stripped."""
    for path in NOTEBOOKS:
        rel = path.relative_to(ROOT).as_posix()
        shown = subprocess.run(["git", "show", f":{rel}"], cwd=ROOT, capture_output=True, text=True)
        if shown.returncode != 0:
            pytest.skip("not a git checkout with the notebook staged")
        staged = nbformat.reads(shown.stdout, as_version=4)
        assert not any(c.get("outputs") for c in staged.cells if c.cell_type == "code")


def test_kernelspec_kept_for_papermill(nb):
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_exactly_one_parameters_cell_first_among_code(nb):
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and code[0] is tagged[0]


def test_no_function_or_class_definitions(nb):
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        tree = ast.parse(c.source)
        defs = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda)
        ]
        assert not defs, f"logic belongs in crmlib, not the notebook: {c.source[:60]!r}"


def test_front_matter_hides_code(nb):
    first = nb.cells[0]
    assert first.cell_type == "raw" and first.source.startswith("---")
    assert "echo: false" in first.source
