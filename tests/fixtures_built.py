"""A scratch project, and one built two-month project shared by the whole test run.

Building 2022-05 and 2022-06 (notebook executed, HTML and PDF rendered, metrics.json,
tabel.xlsx, archive) is the most expensive setup of the suite, and several modules
need exactly that project: some only read it, the others copy it and change their
copy (copying a built project costs milliseconds, building it seconds). So it is
built once per test run, across xdist workers, under a file lock in the run's shared
temporary folder (a fresh folder per run, so nothing from an earlier run is reused).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from filelock import FileLock

ROOT = Path(__file__).resolve().parents[1]
MONTHS = ("2022-05", "2022-06")


def copy_project(dest: Path, months: tuple[str, ...] | list[str] = MONTHS) -> Path:
    """A project with the sample data of ``months`` (nothing built), data paths made local."""
    for name in ("notebooks", "_extensions"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copy(ROOT / "_quarto.yml", dest / "_quarto.yml")
    (dest / "params").mkdir()
    shutil.copy(ROOT / "params" / "_default.yaml", dest / "params" / "_default.yaml")
    (dest / "data").mkdir()
    return add_months(dest, months)


def add_months(dest: Path, months: tuple[str, ...] | list[str]) -> Path:
    """Add the sample data and params of ``months`` to the project ``dest`` (nothing built)."""
    for m in months:
        lines = (ROOT / "params" / f"{m}.yaml").read_text().splitlines()
        src = ROOT / next(x.split(":", 1)[1].strip() for x in lines if x.startswith("data:"))
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / "data" / src.name)
        lines = [f"data: data/{src.name}" if x.startswith("data:") else x for x in lines]
        (dest / "params" / f"{m}.yaml").write_text("\n".join(lines) + "\n")
    return dest


def built_two_months(tmp_path_factory) -> Path:
    """``copy_project`` with 2022-05 and 2022-06 built (embedded renderer); do not change it.

    Tests that change files work on a copy (``shutil.copytree(..., symlinks=True)``).
    """
    from crmlib.project import Project
    from crmlib.publish.build import build

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by this run's workers
    root, done = base / "built-2022-05-06", base / "built-2022-05-06.done"
    with FileLock(str(base / "built-2022-05-06.lock")):
        if not done.exists():
            shutil.rmtree(root, ignore_errors=True)
            copy_project(root)
            # One process, one warm kernel: a pool would start a kernel per worker.
            results = build(Project(root), list(MONTHS), jobs=1, renderer="embedded")
            assert [r.status for r in results] == ["dibangun", "dibangun"], [
                r.reason for r in results
            ]
            done.write_text("")
    return root


# What the build hands its renderer in a month's folder (the rest is made by rendering).
RENDER_INPUTS = ("laporan.ipynb", "grafik", "metrics.json", "tabel.xlsx")


def built_month_inputs(tmp_path_factory, dest: Path, periode: str = "2022-06") -> Path:
    """``dest`` holding what the build rendered for ``periode``: its own notebook and files.

    The notebook the build wrote (executed, templates filled, front matter merged),
    its charts, ``metrics.json`` and ``tabel.xlsx``, copied from the run's built
    project: what a renderer receives is what users' builds give it.
    """
    month = built_two_months(tmp_path_factory) / "output" / periode
    dest.mkdir(parents=True, exist_ok=True)
    for name in RENDER_INPUTS:
        (shutil.copytree if (month / name).is_dir() else shutil.copyfile)(month / name, dest / name)
    return dest
