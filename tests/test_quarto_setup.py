"""What Quarto leaves behind, checked without Quarto.

Quarto cannot be installed on the CI machines. These tests check the project's
side of the contract with it: the files a Quarto render leaves in a month folder
(simulated by a stand-in ``quarto`` command that writes what Quarto 1.10 wrote),
the post-render step of ``_quarto.yml``, and the ``.gitignore`` lines Quarto
would otherwise add to the tracked file.
"""

from __future__ import annotations

import os
import runpy
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from fixtures_render import prepare_month

from crmlib.render.extension import LAYOUT
from crmlib.render.renderer import render_month

ROOT = Path(__file__).resolve().parents[1]
POST_RENDER = ROOT / "_extensions" / "laporan-crm" / "post-render.py"

# What a month folder holds after rendering, whichever renderer made it.
PUBLISHED = {"laporan.ipynb", "laporan.html", "laporan.pdf"}

# A stand-in for `quarto render laporan.ipynb --to FORMAT`: it writes the output and
# leaves what Quarto 1.10 left in a month rendered outside the project (the build's
# hidden `.tmp-<month>-<pid>/` folder): its scratch folder `.quarto/` and the copy
# of the extension's format-resources.
FAKE_QUARTO = textwrap.dedent(
    """\
    #!{python}
    import shutil, sys
    from pathlib import Path
    args = sys.argv[1:]
    fmt = args[args.index("--to") + 1]
    here = Path.cwd()
    ext = here / "_extensions" / "laporan-crm"
    (here / ".quarto" / "typst" / "packages").mkdir(parents=True, exist_ok=True)
    (here / ".quarto" / "available-fonts.json").write_text("[]")
    if fmt.endswith("typst"):
        shutil.copyfile(ext / "{layout}", here / "{layout}")
        (here / "laporan.pdf").write_bytes(b"%PDF-1.7 stand-in")
    else:
        (here / "laporan.html").write_text("<!doctype html><title>x</title>")
    """
)


@pytest.fixture
def fake_quarto(tmp_path, monkeypatch):
    """A `quarto` command on PATH that behaves, on disk, like Quarto's render."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "quarto"
    script.write_text(FAKE_QUARTO.format(python=sys.executable, layout=LAYOUT))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return script


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_quarto_path_leaves_only_the_report_in_the_month(tmp_path, fake_quarto):
    # The build renders in a hidden folder, which Quarto treats as outside the project.
    month = prepare_month(tmp_path / "output" / ".tmp-2022-06-123")
    result = render_month(month, renderer="quarto")
    assert result["renderer"] == "quarto"
    assert _files(month) == PUBLISHED
    assert not (month / ".quarto").exists()


def test_quarto_path_keeps_a_scratch_folder_that_was_there_before(tmp_path, fake_quarto):
    month = prepare_month(tmp_path / "2022-06")
    (month / ".quarto").mkdir()
    (month / ".quarto" / "milik-analis.txt").write_text("x")
    render_month(month, renderer="quarto")
    assert (month / ".quarto" / "milik-analis.txt").is_file()


def test_embedded_path_leaves_only_the_report_in_the_month(tmp_path):
    month = prepare_month(tmp_path / "2022-06")
    render_month(month, renderer="embedded")
    assert _files(month) == PUBLISHED


def _project_with_rendered_months(base: Path) -> Path:
    (base / "_extensions").mkdir()
    shutil.copytree(ROOT / "_extensions" / "laporan-crm", base / "_extensions" / "laporan-crm")
    shutil.copyfile(ROOT / "_quarto.yml", base / "_quarto.yml")
    layout = (base / "_extensions" / "laporan-crm" / LAYOUT).read_bytes()
    for m in ("2022-05", "2022-06"):
        folder = base / "output" / m
        folder.mkdir(parents=True)
        (folder / "laporan.pdf").write_bytes(b"%PDF")
        (folder / LAYOUT).write_bytes(layout)  # what a bare `quarto render` leaves
    return base


def test_post_render_step_removes_the_layout_copies(tmp_path):
    project = _project_with_rendered_months(tmp_path)
    hand_made = project / "output" / "2022-05" / LAYOUT
    hand_made.write_text("// diubah analis\n")
    env = {
        **os.environ,
        "QUARTO_PROJECT_DIR": str(project),
        "QUARTO_PROJECT_OUTPUT_FILES": "output/2022-06/laporan.pdf\n",
    }
    done = subprocess.run(
        [sys.executable, str(POST_RENDER)], cwd=project, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert _files(project / "output" / "2022-06") == {"laporan.pdf"}
    assert hand_made.is_file()  # not Quarto's copy: kept
    assert (project / "_extensions" / "laporan-crm" / LAYOUT).is_file()


def test_quarto_project_runs_the_post_render_step():
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    steps = config["project"]["post-render"]
    steps = [steps] if isinstance(steps, str) else steps
    assert [(ROOT / s).resolve() for s in steps] == [POST_RENDER.resolve()]
    # Standard library only: Quarto runs it with whatever python is on PATH.
    namespace = runpy.run_path(str(POST_RENDER))
    assert callable(namespace["remove_layout_copies"])


def test_gitignore_already_has_what_quarto_would_add():
    # Quarto appends each missing line (compared whole, trimmed) to .gitignore on
    # every render: `/.quarto/` and, since 1.5, `**/*.quarto_ipynb`.
    lines = [ln.strip() for ln in (ROOT / ".gitignore").read_text().splitlines()]
    assert "/.quarto/" in lines
    assert "**/*.quarto_ipynb" in lines
