"""What Quarto makes of the project, checked without Quarto.

Quarto cannot be installed on the CI machines. These tests check the project's
side of the contract with Quarto 1.10 against the stand-in of tests/quarto_standin.py
(Quarto's own notebook-to-Markdown step, render list, extension lookup,
``pdf-standard``, files left on disk), always on a notebook the build wrote: the
Markdown Quarto receives keeps every heading, paragraph and list on its own line,
a final's PDF standard reaches Typst, and a bare ``quarto render`` or ``quarto
preview`` at the project root never writes into ``output/``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from fixtures_built import built_month_inputs, built_two_months
from fixtures_render import prepare_month
from notebook_checks import blocks, cell_text, lines_quarto_runs_together
from quarto_standin import install, notebook_markdown

from crmlib.errors import RenderError
from crmlib.publish.edisi import Edition
from crmlib.publish.pdfa import FINAL_PDFA, pdf_standard
from crmlib.render.extension import LAYOUT
from crmlib.render.renderer import render_month
from crmlib.report.frontmatter import inject_front_matter

ROOT = Path(__file__).resolve().parents[1]
RENDERED = {"laporan.html", "laporan.pdf"}


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built_notebook(tmp_path_factory):
    """The notebook the build wrote for 2022-06, loaded (only read it)."""
    path = built_two_months(tmp_path_factory) / "output" / "2022-06" / "laporan.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ the Markdown Quarto receives


def _in_order(wanted: list, found: list) -> bool:
    rest = iter(found)
    return all(item in rest for item in wanted)


def test_quarto_receives_headings_paragraphs_and_lists_on_their_own_lines(built_notebook):
    assert lines_quarto_runs_together(built_notebook) == []
    received = blocks(notebook_markdown(built_notebook))
    chapters = [text for kind, text in received if kind == "H1"]
    assert len(chapters) == 3, chapters
    assert chapters[0] == "BAB I PENDAHULUAN" and chapters[2] == "BAB III PENUTUP"
    sections = {text for kind, text in received if kind == "H2"}
    assert {"A. Latar Belakang", "C. Dasar Hukum", "A. Kesimpulan", "B. Saran"} <= sections
    assert sum(kind == "OrderedList" for kind, _ in received) >= 3
    # Every block the analyst wrote in a Markdown cell reaches pandoc as that block, in order.
    cells = [cell_text(c) for c in built_notebook["cells"] if c["cell_type"] == "markdown"]
    assert _in_order(blocks("\n\n".join(cells)), received)


def test_a_cell_stored_as_one_string_runs_together_under_quarto(built_notebook):
    # What the build wrote before issue 22: filled Markdown cells as one string each.
    nb = copy.deepcopy(built_notebook)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = cell_text(cell)
    assert "## A. Latar Belakang" in lines_quarto_runs_together(nb)
    first = next(text for kind, text in blocks(notebook_markdown(nb)) if kind == "H1")
    assert first.startswith("BAB I PENDAHULUAN") and "A. Latar Belakang" in first


# ------------------------------------------------------------------ the Quarto path of a month


@pytest.fixture(scope="module")
def quarto_month(tmp_path_factory):
    """2022-06 as the build renders it with Quarto: in the hidden build folder, rendered once."""
    base = tmp_path_factory.mktemp("quarto-pad")
    month = built_month_inputs(tmp_path_factory, base / "output" / ".tmp-2022-06-123")
    before = _files(month)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATH", f"{install(base / 'bin').parent}{os.pathsep}{os.environ['PATH']}")
        result = render_month(month, renderer="quarto")
    return month, before, result


def test_quarto_path_leaves_only_the_report_in_the_month(quarto_month):
    month, before, result = quarto_month
    assert result["renderer"] == "quarto"
    assert {"quarto_html", "quarto_typst", "total"} <= set(result["timings"])
    assert _files(month) == before | RENDERED  # no .quarto/, _extensions/, layout copy, .typ
    assert not (month / ".quarto").exists()


def test_quarto_html_has_the_chapters_as_h2_and_their_lists(quarto_month):
    month, _, _ = quarto_month
    soup = BeautifulSoup((month / "laporan.html").read_text(encoding="utf-8"), "lxml")
    h2 = [" ".join(h.get_text(" ").split()) for h in soup.find_all("h2")]
    assert h2[0] == "BAB I PENDAHULUAN" and h2[2] == "BAB III PENUTUP", h2
    assert "A. Latar Belakang" in [" ".join(h.get_text(" ").split()) for h in soup.find_all("h3")]
    assert len(soup.find_all("ol")) >= 3


def test_quarto_path_keeps_a_scratch_folder_that_was_there_before(
    tmp_path_factory, tmp_path, quarto_standin
):
    month = built_month_inputs(tmp_path_factory, tmp_path / "2022-06")
    (month / ".quarto").mkdir()
    (month / ".quarto" / "milik-analis.txt").write_text("x")
    render_month(month, renderer="quarto")
    assert (month / ".quarto" / "milik-analis.txt").is_file()
    assert not (month / LAYOUT).exists()


def test_embedded_path_leaves_only_the_report_in_the_month(tmp_path):
    month = prepare_month(tmp_path / "2022-06")  # the small notebook: this is no Quarto test
    render_month(month, renderer="embedded")
    assert _files(month) == {"laporan.ipynb"} | RENDERED


def test_a_final_edition_asks_typst_for_pdfa_through_quarto(
    tmp_path_factory, tmp_path, quarto_standin
):
    month = built_month_inputs(tmp_path_factory, tmp_path / "2022-06")
    inject_front_matter(month / "laporan.ipynb", Edition("2022-06", 1, "uji").front_matter())
    result = render_month(month, renderer="quarto")
    assert pdf_standard(month / "laporan.pdf") in FINAL_PDFA, result["warnings"]


def test_a_quarto_older_than_the_templates_is_refused(tmp_path_factory, tmp_path, monkeypatch):
    # Before 1.9 Quarto ignored `pdf-standard`: its finals would not be PDF/A.
    install(tmp_path / "bin", version="1.8.27")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    month = built_month_inputs(tmp_path_factory, tmp_path / "2022-06")
    with pytest.raises(RenderError, match="incompatible with this quarto version"):
        render_month(month, renderer="quarto")


# ------------------------------------------------------------------ Quarto at the project root


def _project(tmp_path_factory, dest: Path, quarto_yml: str | None = None) -> Path:
    shutil.copytree(built_two_months(tmp_path_factory), dest, symlinks=True)
    if quarto_yml is not None:
        (dest / "_quarto.yml").write_text(quarto_yml, encoding="utf-8")
    return dest


def _quarto(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["quarto", *args], cwd=project, capture_output=True, text=True)


def test_bare_quarto_render_and_preview_leave_output_alone(
    tmp_path_factory, tmp_path, quarto_standin
):
    project = _project(tmp_path_factory, tmp_path / "proj")
    assert (project / "_quarto.yml").read_bytes() == (ROOT / "_quarto.yml").read_bytes()
    before = _snapshot(project / "output")
    for args in (["render"], ["preview", "--no-browser"], ["render", "output"]):
        done = _quarto(project, *args)
        assert done.returncode == 0, done.stderr
        assert _snapshot(project / "output") == before, args


def test_the_stand_in_renders_the_months_an_old_render_list_names(
    tmp_path_factory, tmp_path, quarto_standin
):
    # The render list before issue 22: a bare render rewrote every published month.
    old = yaml.safe_dump({"project": {"type": "default", "render": ["output/*/laporan.ipynb"]}})
    project = _project(tmp_path_factory, tmp_path / "proj", old)
    shutil.rmtree(project / "output" / "2022-05")  # one month shows it
    before = _snapshot(project / "output")
    done = _quarto(project, "render", "--to", "laporan-crm-html")
    assert done.returncode == 0, done.stderr
    after = _snapshot(project / "output")
    assert {k for k in before if before[k] != after.get(k)} == {"2022-06/laporan.html"}


def test_gitignore_already_has_what_quarto_would_add():
    # Quarto appends each missing line (compared whole, trimmed) to .gitignore on
    # every render: `/.quarto/` and, since 1.5, `**/*.quarto_ipynb`.
    lines = [ln.strip() for ln in (ROOT / ".gitignore").read_text().splitlines()]
    assert "/.quarto/" in lines
    assert "**/*.quarto_ipynb" in lines
