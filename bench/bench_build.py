"""Benchmark the batch build where the analyst waits, on scratch copies of the project.

Run: ``.venv/bin/python bench/bench_build.py [--part PART ...] [--pairs N]``

Every figure is measured in this one run, as whole processes (``crm-report ...`` from
its start to its end, imports included), on scratch copies (the real ``output/`` is
never touched), with the machine's load average noted beside it (``bench/measure.py``
measures wall time, CPU and peak memory of the whole process tree). Parts, in order:

``year``    the naive pipeline (per month the ``papermill`` CLI, then the ``jupyter
            nbconvert --to html`` CLI; HTML only) against ``crm-report build --all --force``
            (HTML + PDF, metrics.json, tabel.xlsx, annual report, archive) on the 12
            sample months; then, nothing changed, ``build --all``, ``status`` and
            ``archive`` (24 months: the year copied as 2021).
``steps``   each step of a month alone, in one process, on the 12 sample months: CPU of
            validation, metrics (+ metrics.json), tabel.xlsx, charts, kernel (the
            notebook on a warm kernel given the month and the charts), HTML, PDF, PDF/A
            and the archive; the floor is the sum of the per-month steps / cores.
``ratio``   one month end to end (``build 2022-06 --force --jobs 1``) against bare
            papermill (Python API, papermill imported, fresh kernel), in alternating pairs.
``scale``   72 generated months (2017-2022) built with ``--jobs 2``, then 48 more
            (2023-2026), then ``build --all`` with nothing changed on the 120.
``big``     one month of 20 000 and one of 200 000 reports, built alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CLI = str(BIN / "crm-report")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure  # noqa: E402

from crmlib.data.params import (  # noqa: E402
    list_months,
    load_defaults,
    load_params,
    resolve_data_path,
)
from crmlib.project import Project  # noqa: E402
from crmlib.publish.month import notebook_parameters  # noqa: E402
from crmlib.report.laporan import previous_month_headline  # noqa: E402

# As `make` does: a process that may not write bytecode compiles crmlib again at every start.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
PARTS = ("year", "steps", "ratio", "scale", "big")
STEPS = ("validasi", "kanonik", "metrik", "tabel", "grafik", "kernel", "html", "pdf", "pdf_a")
REPEAT = 5


def say(text: str) -> None:
    print(text, flush=True)


def scratch_project(dest: Path, with_data: bool = True, months: int = 12) -> Project:
    """A copy of the project's notebooks, templates, params (its first ``months``) and data."""
    for name in ("notebooks", "_extensions", "params", *(["data"] if with_data else [])):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copy(ROOT / "_quarto.yml", dest / "_quarto.yml")
    for extra in list_months(dest / "params")[months:]:
        (dest / "params" / f"{extra}.yaml").unlink()
    return Project(dest)


def median_run(cmd: list[str], cwd: Path, n: int = REPEAT) -> tuple[measure.Run, list[float]]:
    """``n`` runs of ``cmd``; the median one (by wall time) and every wall time."""
    runs = sorted((measure.run(cmd, cwd) for _ in range(n)), key=lambda r: r.wall)
    return runs[len(runs) // 2], [r.wall for r in runs]


# --------------------------------------------------------------------------- year


def naive(project: Project, months: list[str]) -> tuple[float, float]:
    """Per month: the papermill CLI, then the nbconvert CLI (HTML only), one after the other.

    Returns the wall time and the CPU time (process trees) of the whole pipeline.
    """
    work = project.root / "naive"
    work.mkdir()
    total, cpu = 0.0, 0.0
    for periode in months:
        params = load_params(project.params_dir, periode)
        month_dir = work / periode
        month_dir.mkdir()
        data_rel = os.path.relpath(resolve_data_path(params, project.root), month_dir)
        p = notebook_parameters(params, data_rel, {}, previous_month_headline(project, periode))
        (month_dir / "params.yaml").write_text(yaml.safe_dump(p, allow_unicode=True))
        papermill = [str(BIN / "papermill"), str(project.notebook), "laporan.ipynb"]
        nbconvert = [str(BIN / "jupyter"), "nbconvert", "--to", "html", "laporan.ipynb"]
        for cmd in (
            [*papermill, "-f", "params.yaml", "--cwd", ".", "--no-progress-bar"],
            nbconvert,
        ):
            run = measure.run(cmd, month_dir)
            total, cpu = total + run.wall, cpu + run.cpu
    return total, cpu


def month_steps(project: Project) -> dict[str, dict[str, float]]:
    """Each built month's step times (``build-info.json``, wall seconds)."""
    out = {}
    for info in sorted(project.output_dir.glob("20??-??/build-info.json")):
        out[info.parent.name] = json.loads(info.read_text())["langkah_detik"]
    return out


def two_years(project: Project) -> None:
    """The built year copied as 2021 (what the archive reads: each month's folder)."""
    for month in sorted(project.output_dir.glob("2022-??")):
        twin = project.output_dir / month.name.replace("2022", "2021")
        shutil.copytree(month, twin)
        data = json.loads((twin / "metrics.json").read_text(encoding="utf-8"))
        data["periode"] = twin.name
        (twin / "metrics.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def part_year(tmp: Path, months: int = 12) -> dict:
    project = scratch_project(tmp / "tahun", months=months)
    months = list_months(project.params_dir)
    say(f"[year] naive pipeline, {len(months)} months (load {measure.load_now():.1f}) ...")
    load_naive = measure.load_now()
    t_naive, cpu_naive = naive(project, months)
    say(f"[year] naive {t_naive:.1f} s; cold build ...")
    cold = measure.run([CLI, "build", "--all", "--force"], project.root)
    steps = month_steps(project)
    first = measure.run([CLI, "build", "--all"], project.root)  # hashes every file once
    noop, noop_all = median_run([CLI, "build", "--all"], project.root)
    status, status_all = median_run([CLI, "status"], project.root)
    archive12, _ = median_run([CLI, "archive"], project.root)
    two_years(project)
    archive24, archive_all = median_run([CLI, "archive"], project.root)
    return {
        "months": len(months),
        "naive": t_naive,
        "naive_cpu": cpu_naive,
        "naive_load": f"{load_naive:.1f}→{measure.load_now():.1f}",
        "cold": cold,
        "steps": steps,
        "first_noop": first,
        "noop": noop,
        "noop_all": noop_all,
        "status": status,
        "status_all": status_all,
        "archive12": archive12,
        "archive24": archive24,
        "archive_all": archive_all,
    }


def report_year(r: dict) -> None:
    cold = r["cold"]
    say("\n## Year: naive pipeline against the build (whole processes)\n")
    say("| measurement | result | load | target |\n|---|---:|---|---|")
    say(
        f"| naive pipeline, {r['months']} months (papermill CLI + nbconvert CLI, HTML only); "
        f"CPU {r['naive_cpu']:.0f} s | {r['naive']:.1f} s | {r['naive_load']} | |"
    )
    say(
        f"| `build --all --force`, cold (HTML + PDF + annual + archive); CPU {cold.cpu:.0f} s, "
        f"peak memory {cold.peak_mb:.0f} MB | {cold.wall:.1f} s | {cold.load} | |"
    )
    say(f"| speed-up | **{r['naive'] / cold.wall:.1f}×** | | ≥ 6× |")
    say(f"| CPU naive / CPU build | {r['naive_cpu'] / cold.cpu:.1f}× | | |")
    say(
        f"| first `build --all` after it (every file hashed once) | {r['first_noop'].wall:.3f} s "
        f"| {r['first_noop'].load} | |"
    )
    for key, label, target in (
        ("noop", "`build --all`, nothing changed, 12 months", "< 0.25 s"),
        ("status", "`status`, 12 months", "< 0.3 s"),
    ):
        run, walls = r[key], r[f"{key}_all"]
        say(
            f"| {label} (median of {len(walls)}: {', '.join(f'{w:.3f}' for w in walls)}; "
            f"CPU {run.cpu:.3f} s) | **{run.wall:.3f} s** | {run.load} | {target} |"
        )
    say(
        f"| `archive`, 12 months (median) | {r['archive12'].wall:.3f} s | {r['archive12'].load} | |"
    )
    walls = r["archive_all"]
    say(
        f"| `archive`, 24 months (median of {len(walls)}: {', '.join(f'{w:.3f}' for w in walls)}; "
        f"CPU {r['archive24'].cpu:.3f} s) | **{r['archive24'].wall:.3f} s** "
        f"| {r['archive24'].load} | < 1 s |"
    )
    say("\nPer month, from the cold build's `build-info.json` (wall s, 2 workers):\n")
    say("| month | " + " | ".join(next(iter(r["steps"].values()))) + " |")
    say("|---|" + "---:|" * len(next(iter(r["steps"].values()))))
    for periode, steps in r["steps"].items():
        say(f"| {periode} | " + " | ".join(f"{v:.2f}" for v in steps.values()) + " |")


# --------------------------------------------------------------------------- steps


def _kernel_cpu() -> float:
    import psutil

    from crmlib.render.execute import _warm

    pid = _warm["kernel"].provisioner.process.pid
    t = psutil.Process(pid).cpu_times()
    return t.user + t.system


def _cpu(fn, *args, **kwargs):
    c = time.process_time()
    value = fn(*args, **kwargs)
    return value, time.process_time() - c


def _render_cpu(folder: Path, meta: dict) -> dict[str, float]:
    from crmlib.render.renderer import render_month
    from crmlib.report.frontmatter import inject_front_matter

    inject_front_matter(folder / "laporan.ipynb", meta)
    t = render_month(folder, renderer="embedded")["timings"]
    return {"html": t["cpu_pandoc_html"], "pdf": t["cpu_pandoc_typst"] + t["cpu_typst"]}


def _one_month_steps(project: Project, periode: str, work: Path) -> dict[str, float]:
    """One month, step by step in this process: each step's CPU seconds."""
    from crmlib.data.canonical import FOLDER as CANONICAL
    from crmlib.data.canonical import write_canonical
    from crmlib.data.reader import read_month
    from crmlib.data.refdata import load_reference
    from crmlib.publish.edisi import PDF_STANDARD
    from crmlib.publish.month import month_front_matter
    from crmlib.publish.riwayat import previous_headline
    from crmlib.render.execute import execute_notebook
    from crmlib.report import figures
    from crmlib.report.frontmatter import PDF_STANDARD_KEY
    from crmlib.report.handoff import handoff_key, write_handoff
    from crmlib.report.laporan import compute_month, laporan_dari
    from crmlib.report.outputs import month_provenance, write_metrics_json
    from crmlib.report.workbook import write_tables_xlsx

    p = load_params(project.params_dir, periode)
    data, ref = resolve_data_path(p, project.root), load_reference(p.get("kota", "jakarta-timur"))
    folder = work / periode
    folder.mkdir(parents=True)
    cpu = {}
    export, cpu["validasi"] = _cpu(read_month, data, periode, reference=ref)

    def canonical():
        # As the build does: the canonical folder written, then read back and computed from.
        write_canonical(export, folder / CANONICAL)
        return read_month(folder / CANONICAL, periode, reference=ref)

    month, cpu["kanonik"] = _cpu(canonical)

    def outputs():
        # As the build does: with the ticket lists behind the pay-relevant figures.
        m = compute_month(
            month, ref, metrik=p.get("metrik"), per_tanggal=p.get("per_tanggal"), tiket=True
        )
        prov = month_provenance(month, m, p.get("per_tanggal"))
        write_metrics_json(m, folder / "metrics.json", prov)
        return m, prov

    (metrics, prov), cpu["metrik"] = _cpu(outputs)
    _, cpu["tabel"] = _cpu(write_tables_xlsx, metrics, folder / "tabel.xlsx")
    parameters = notebook_parameters(p, CANONICAL, prov, previous_headline(project, periode)[0])
    lap = laporan_dari(month, ref, metrics, output_dir=folder, riwayat=parameters["riwayat"])
    figures._GRAFIK_CACHE.clear()
    _, cpu["grafik"] = _cpu(figures.gambar_lebih_dulu, lap)
    key = handoff_key(
        periode, folder / CANONICAL, p.get("per_tanggal"), p.get("kota"), p.get("metrik")
    )
    write_handoff(folder, key, month, metrics)
    kernel0 = _kernel_cpu()
    _, own = _cpu(
        execute_notebook,
        project.notebook,
        folder / "laporan.ipynb",
        parameters,
        cwd=folder,
        timeout=600,
        warm=True,
    )
    cpu["kernel"] = own + _kernel_cpu() - kernel0
    cpu.update(_render_cpu(folder, month_front_matter(p, periode, prov, None)))
    final = {"draf": False, "lampiran": True, PDF_STANDARD_KEY: PDF_STANDARD}
    cpu["pdf_a"] = _render_cpu(folder, final)["pdf"]
    return cpu


def part_steps(tmp: Path, months: int = 12) -> dict:
    from crmlib.publish.archive import build_archive
    from crmlib.render.execute import _warm_kernel, shutdown_warm_kernel

    project = scratch_project(tmp / "langkah", months=months)
    months = list_months(project.params_dir)
    work = project.root / "langkah"
    work.mkdir()
    say(f"[steps] {len(months)} months, one step at a time (load {measure.load_now():.1f}) ...")
    _warm_kernel(work)  # booted and warmed up before anything is measured
    load_before = measure.load_now()
    rows = {}
    try:
        for periode in months:
            rows[periode] = _one_month_steps(project, periode, work)
    finally:
        shutdown_warm_kernel()
    for periode in months:  # what the archive reads: each month's folder with its metrics
        (work / periode / "laporan.html").write_text("")
    _, archive = _cpu(build_archive, work, "Kota Administrasi Jakarta Timur")
    return {"rows": rows, "archive": archive, "load": f"{load_before:.1f}→{measure.load_now():.1f}"}


def report_steps(r: dict, cold_wall: float | None) -> None:
    rows, cores = r["rows"], os.cpu_count() or 1
    say(f"\n## Steps (CPU seconds, each step alone, one process; load {r['load']})\n")
    say("| step | per month (median) | min–max | 12 months |\n|---|---:|---:|---:|")
    for step in STEPS:
        v = [row[step] for row in rows.values()]
        say(f"| {step} | {statistics.median(v):.3f} | {min(v):.3f}–{max(v):.3f} | {sum(v):.2f} |")
    say(f"| archive (12 months, once) | | | {r['archive']:.2f} |")
    needed = ("validasi", "kanonik", "metrik", "tabel", "grafik", "kernel", "html", "pdf")
    per_month = sum(statistics.median(row[s] for row in rows.values()) for s in needed)
    total = sum(row[s] for row in rows.values() for s in needed) + r["archive"]
    say(
        f"\nFloor: {per_month:.2f} s of unavoidable CPU per month (draft: no PDF/A); "
        f"{len(rows)} months + archive = {total:.1f} s CPU / {cores} cores = "
        f"**{total / cores:.1f} s**"
        + (f" (cold build took {cold_wall:.1f} s)" if cold_wall else "")
    )


# --------------------------------------------------------------------------- ratio


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


def part_ratio(tmp: Path, pairs: int, periode: str = "2022-06") -> dict:
    """Alternating pairs: ``build PERIODE --force --jobs 1`` vs bare papermill."""
    from crmlib.render.execute import _import_papermill

    _import_papermill()  # "papermill already imported", as the bare side is measured
    project = scratch_project(tmp / "rasio")
    measure.run([CLI, "build", periode, "--jobs", "1"], project.root)  # every file hashed once
    rows = []
    for i in range(pairs):
        one = measure.run([CLI, "build", periode, "--force", "--jobs", "1"], project.root)
        bare = bare_papermill(project, periode)
        rows.append((one.wall, bare, one.load))
        say(
            f"[ratio] pair {i + 1}: build {one.wall:.2f} s, papermill {bare:.2f} s, "
            f"ratio {one.wall / bare:.2f} (load {one.load})"
        )
    return {"rows": rows}


def report_ratio(r: dict) -> None:
    rows = r["rows"]
    ratios = [b / p for b, p, _ in rows]
    say("\n## One month against bare papermill (Python API)\n")
    say("| pair | build 2022-06 --force --jobs 1 | bare papermill | ratio | load |")
    say("|---|---:|---:|---:|---|")
    for i, (b, p, load) in enumerate(rows, 1):
        say(f"| {i} | {b:.2f} s | {p:.2f} s | {b / p:.2f} | {load} |")
    say(
        f"| median | {statistics.median(b for b, _, _ in rows):.2f} s | "
        f"{statistics.median(p for _, p, _ in rows):.2f} s | **{statistics.median(ratios):.2f}** "
        f"({min(ratios):.2f}–{max(ratios):.2f}) | |"
    )


# --------------------------------------------------------------------------- scale


def _month_frames(periode: str, n_laporan: int | None):
    """A generated month; above 20 000 reports, batches of 10 000 (the generator numbers at
    most 9 999 reports a day) with a batch suffix on the report numbers."""
    import pandas as pd

    from crmlib.samplegen import generate_month

    if n_laporan is None or n_laporan <= 20_000:
        return generate_month(periode, n_laporan)
    batches = []
    for i in range(-(-n_laporan // 10_000)):
        lap, kor = generate_month(periode, min(10_000, n_laporan - 10_000 * i), seed=1000 + i)
        lap["nomor_laporan"] = lap["nomor_laporan"] + f"-{i:02d}"
        kor["nomor_laporan"] = kor["nomor_laporan"] + f"-{i:02d}"
        batches.append((lap, kor))
    return tuple(pd.concat(frames, ignore_index=True) for frames in zip(*batches, strict=True))


def generated_months(project: Project, months: list[str], n_laporan: int | None = None) -> None:
    """Generated exports (CSV folders) and their params files for ``months``."""
    from crmlib.samplegen import write_month

    for periode in months:
        laporan, koordinasi = _month_frames(periode, n_laporan)
        write_month(laporan, koordinasi, project.root / "data" / periode, "csv")
        y, m = map(int, periode.split("-"))
        as_of = f"{y + (m == 12)}-{m % 12 + 1:02d}-10 08:30"
        (project.params_dir / f"{periode}.yaml").write_text(
            f'data: data/{periode}\nper_tanggal: "{as_of}"\n', encoding="utf-8"
        )


def _with_budget_years(project: Project, years: range) -> None:
    """``_default.yaml`` with a DPA number for every generated budget year."""
    path = project.params_dir / "_default.yaml"
    text = path.read_text(encoding="utf-8")
    known = load_defaults(project.params_dir)["identitas"]["dpa_nomor"][2022]
    lines = "".join(f'    {y}: "{known}"\n' for y in years if f"    {y}:" not in text)
    head, sep, rest = text.partition("  dpa_nomor:")
    line_end = rest.index("\n") + 1
    path.write_text(head + sep + rest[:line_end] + lines + rest[line_end:], encoding="utf-8")


def part_scale(tmp: Path) -> dict:
    project = scratch_project(tmp / "skala", with_data=False)
    for f in project.params_dir.glob("20??-??.yaml"):
        f.unlink()
    _with_budget_years(project, range(2017, 2027))
    first = [f"{y}-{m:02d}" for y in range(2017, 2023) for m in range(1, 13)]
    more = [f"{y}-{m:02d}" for y in range(2023, 2027) for m in range(1, 13)]
    say(f"[scale] generating {len(first) + len(more)} months ...")
    generated_months(project, first + more)
    for periode in more:  # not yet: added after the first 72 are built
        shutil.move(project.params_dir / f"{periode}.yaml", tmp / f"{periode}.yaml")
    say(f"[scale] building {len(first)} months with --jobs 2 (load {measure.load_now():.1f}) ...")
    built72 = measure.run([CLI, "build", "--all", "--jobs", "2"], project.root)
    for periode in more:
        shutil.move(tmp / f"{periode}.yaml", project.params_dir / f"{periode}.yaml")
    say(f"[scale] {built72.wall:.0f} s; building {len(more)} more ...")
    built48 = measure.run([CLI, "build", "--all", "--jobs", "2"], project.root)
    first_noop = measure.run([CLI, "build", "--all"], project.root)
    noop, walls = median_run([CLI, "build", "--all"], project.root)
    status, _ = median_run([CLI, "status"], project.root)
    return {
        "72": built72,
        "48": built48,
        "first_noop": first_noop,
        "noop": noop,
        "noop_all": walls,
        "status": status,
    }


def report_scale(r: dict) -> None:
    say("\n## Scale: 72 generated months (six cities' year), then 120\n")
    say("| measurement | wall | CPU (tree) | peak memory (tree) | load |\n|---|---:|---:|---:|---|")
    for key, label in (
        ("72", "`build --all --jobs 2`, 72 months from nothing (+ 6 annual reports, archive)"),
        ("48", "`build --all --jobs 2`, 48 months added (+ 4 annual reports, archive)"),
        ("first_noop", "`build --all`, 120 months, first check (every file hashed once)"),
        ("noop", f"`build --all`, 120 months, nothing changed (median of {len(r['noop_all'])})"),
        ("status", "`status`, 120 months (median)"),
    ):
        run = r[key]
        say(
            f"| {label} | **{run.wall:.2f} s** | {run.cpu:.1f} s | {run.peak_mb:.0f} MB "
            f"| {run.load} |"
        )


# --------------------------------------------------------------------------- big


def part_big(tmp: Path, sizes: tuple[int, ...] = (20_000, 200_000)) -> dict:
    out = {}
    for n in sizes:
        project = scratch_project(tmp / f"besar-{n}", with_data=False)
        for f in project.params_dir.glob("20??-??.yaml"):
            f.unlink()
        say(f"[big] generating a month of {n} reports ...")
        generated_months(project, ["2022-06"], n)
        say(f"[big] building it (load {measure.load_now():.1f}) ...")
        run = measure.run([CLI, "build", "2022-06", "--force", "--jobs", "1"], project.root)
        steps = month_steps(project)["2022-06"]
        pdf = project.output_dir / "2022-06" / "laporan.pdf"
        out[n] = {"run": run, "steps": steps, "pdf_mb": pdf.stat().st_size / 2**20}
        say(f"[big] {n}: {run.wall:.1f} s, {run.peak_mb:.0f} MB, steps {steps}")
    return out


def report_big(r: dict) -> None:
    say("\n## One big month, built alone (`build 2022-06 --force --jobs 1`)\n")
    say(
        "| reports | wall | peak memory (tree) | validasi | metrik | notebook | render | PDF | load |"
    )
    say("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for n, v in r.items():
        s, run = v["steps"], v["run"]
        say(
            f"| {n:,} | **{run.wall:.1f} s** | **{run.peak_mb:.0f} MB** | {s['validasi']:.1f} | "
            f"{s['metrik']:.1f} | {s['notebook']:.1f} | {s['render']:.1f} | "
            f"{v['pdf_mb']:.1f} MB | {run.load} |"
        )


# --------------------------------------------------------------------------- main


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", action="append", choices=PARTS, help="only these parts (repeat)")
    ap.add_argument("--pairs", type=int, default=5, help="pairs of the one-month ratio (5)")
    ap.add_argument("--months", type=int, default=12, help="sample months of year/steps (12)")
    ap.add_argument(
        "--quiet-below",
        type=float,
        default=None,
        metavar="LOAD",
        help="before each part, wait (up to 10 min) for the load average to drop below LOAD",
    )
    args = ap.parse_args()
    parts = args.part or list(PARTS)
    say(f"# bench_build.py ({time.strftime('%Y-%m-%d %H:%M %Z')}; {machine()})")
    results = {}
    with tempfile.TemporaryDirectory(prefix="crm-bench-") as tmp:
        for part in parts:
            if args.quiet_below:
                say(f"load before {part}: {measure.wait_for_quiet(args.quiet_below, 600):.1f}")
            runner = globals()[f"part_{part}"]
            extra = {"ratio": args.pairs, "year": args.months, "steps": args.months}
            results[part] = runner(Path(tmp), extra[part]) if part in extra else runner(Path(tmp))
            # Reported at once: a later part that fails loses nothing measured.
            say(f"\n(measured by {time.strftime('%H:%M %Z')})")
            if part == "steps":
                cold = results["year"]["cold"].wall if "year" in results else None
                report_steps(results[part], cold)
            else:
                globals()[f"report_{part}"](results[part])


if __name__ == "__main__":
    main()
