"""Benchmark the batch build against the naive pipeline, on the 12 sample months.

Run: ``.venv/bin/python bench/bench_build.py [--months N]``

Measured in one run, on a scratch copy of the project (the real ``output/`` is
never touched):

1. naive pipeline: per month, the ``papermill`` CLI on the notebook, then the
   ``jupyter nbconvert --to html`` CLI, sequentially (HTML only);
2. ``crm-report build --all --force`` cold (HTML + PDF, parallel, warm kernels);
3. ``crm-report build --all`` again with nothing changed (whole CLI process);
4. one month end to end (``crm-report build 2022-06 --force --jobs 1``) against the
   bare ``papermill`` execution of the same notebook (Python API, one kernel).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from crmlib.data.params import list_months, load_params, resolve_data_path  # noqa: E402
from crmlib.project import Project  # noqa: E402
from crmlib.publish.month import notebook_parameters  # noqa: E402
from crmlib.report.laporan import previous_month_headline  # noqa: E402


def scratch_project(dest: Path) -> Project:
    for name in ("notebooks", "_extensions", "params", "data"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copy(ROOT / "_quarto.yml", dest / "_quarto.yml")
    return Project(dest)


def timed(cmd: list[str], cwd: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def naive(project: Project, months: list[str]) -> float:
    work = project.root / "naive"
    work.mkdir()
    total = 0.0
    for periode in months:
        params = load_params(project.params_dir, periode)
        month_dir = work / periode
        month_dir.mkdir()
        data_rel = os.path.relpath(resolve_data_path(params, project.root), month_dir)
        p = notebook_parameters(params, data_rel, {}, previous_month_headline(project, periode))
        (month_dir / "params.yaml").write_text(yaml.safe_dump(p, allow_unicode=True))
        total += timed(
            [
                str(BIN / "papermill"),
                str(project.notebook),
                "laporan.ipynb",
                "-f",
                "params.yaml",
                "--cwd",
                ".",
                "--no-progress-bar",
            ],
            month_dir,
        )
        total += timed(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "laporan.ipynb"], month_dir
        )
    return total


def bare_papermill(project: Project, periode: str) -> float:
    import papermill as pm

    params = load_params(project.params_dir, periode)
    month_dir = project.root / "bare" / periode
    shutil.rmtree(month_dir, ignore_errors=True)
    month_dir.mkdir(parents=True)
    data_rel = os.path.relpath(resolve_data_path(params, project.root), month_dir)
    p = notebook_parameters(params, data_rel, {}, previous_month_headline(project, periode))
    t0 = time.perf_counter()
    pm.execute_notebook(
        str(project.notebook),
        str(month_dir / "laporan.ipynb"),
        parameters=p,
        cwd=str(month_dir),
        progress_bar=False,
        kernel_name="python3",
    )
    return time.perf_counter() - t0


def ratio_pairs(cli: str, pairs: int, periode: str = "2022-06") -> None:
    """Side by side, alternating: ``build PERIODE --force --jobs 1`` vs bare papermill."""
    import statistics

    with tempfile.TemporaryDirectory(prefix="crm-bench-") as tmp:
        project = scratch_project(Path(tmp))
        rows = []
        for _ in range(pairs):
            one = timed([cli, "build", periode, "--force", "--jobs", "1"], project.root)
            month = project.output_dir / periode
            steps = json.loads((month / "build-info.json").read_text())["langkah_detik"]
            ahead = next(
                (
                    line.split(": ", 1)[1]
                    for line in (month / "build.log").read_text().splitlines()
                    if "grafik digambar lebih dulu" in line
                ),
                "-",
            )
            bare = bare_papermill(project, periode)
            rows.append((one, bare, one / bare))
            print(
                f"build {one:5.2f} s  papermill {bare:5.2f} s  ratio {one / bare:.2f}  "
                f"steps {steps}  drawn ahead: {ahead}",
                flush=True,
            )
    ratios = [r[2] for r in rows]
    print(
        f"median build {statistics.median(r[0] for r in rows):.2f} s, papermill "
        f"{statistics.median(r[1] for r in rows):.2f} s, ratio median "
        f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f}), "
        f"load {os.getloadavg()[0]:.2f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--months", type=int, default=12, help="number of sample months (default 12)")
    ap.add_argument(
        "--only-ratio",
        type=int,
        metavar="PAIRS",
        help="only the single-month ratio: PAIRS alternating runs of build and bare papermill",
    )
    args = ap.parse_args()
    cli = str(BIN / "crm-report")
    if args.only_ratio:
        ratio_pairs(cli, args.only_ratio)
        return
    with tempfile.TemporaryDirectory(prefix="crm-bench-") as tmp:
        project = scratch_project(Path(tmp))
        months = list_months(project.params_dir)[: args.months]
        for extra in list_months(project.params_dir)[args.months :]:
            (project.params_dir / f"{extra}.yaml").unlink()

        t_naive = naive(project, months)
        print(f"naive done: {t_naive:.1f} s", flush=True)
        t_cold = timed([cli, "build", "--all", "--force"], project.root)
        print(f"cold build done: {t_cold:.1f} s", flush=True)
        t_noop = min(timed([cli, "build", "--all"], project.root) for _ in range(3))
        t_one = min(
            timed([cli, "build", "2022-06", "--force", "--jobs", "1"], project.root)
            for _ in range(2)
        )
        t_bare = min(bare_papermill(project, "2022-06") for _ in range(2))
        shutil.rmtree(project.root / "bare", ignore_errors=True)

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    print(f"machine: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}")
    print(f"months: {len(months)}")
    print(f"naive pipeline (papermill CLI + nbconvert CLI, HTML only): {t_naive:7.1f} s")
    print(
        f"crm-report build --all --force (HTML + PDF):             {t_cold:7.1f} s  "
        f"-> {t_naive / t_cold:.1f}x faster"
    )
    print(f"crm-report build --all, nothing changed:                  {t_noop:7.2f} s")
    print(f"one month end to end (CLI, execute + HTML + PDF):         {t_one:7.1f} s")
    print(
        f"bare papermill execution of the same notebook:            {t_bare:7.1f} s  "
        f"-> ratio {t_one / t_bare:.2f}"
    )


if __name__ == "__main__":
    main()
