"""An archive output folder from the twelve sample months' own metrics.json.

Only ``metrics.json`` is produced per month (read + compute, no notebook, no
render), which is all the archive reads; the months' reports are stand-in files so
that the archive's links to them resolve. The twelve files are computed once per
test run: under xdist in the run's folder shared by the workers (file lock, as in
tests/fixtures_built.py), otherwise once per process.
"""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
MONTHS = [f"2022-{m:02d}" for m in range(1, 13)]


def _compute_metrics(out: Path) -> None:
    from crmlib.data.reader import read_month
    from crmlib.data.refdata import load_reference
    from crmlib.report.laporan import compute_month
    from crmlib.report.outputs import write_metrics_json

    ref = load_reference()
    for periode in MONTHS:
        source = SAMPLE / f"{periode}.xlsx"
        if not source.exists():
            source = SAMPLE / periode
        m = compute_month(read_month(source, periode, reference=ref), ref, tiket=True)
        write_metrics_json(m, out / periode / "metrics.json")


def _run_folder(target: Path) -> Path | None:
    """The folder of this run shared by the xdist workers (above popen-gwN), if any."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return None
    return next((p.parent for p in target.resolve().parents if p.name.startswith("popen-")), None)


@cache
def _metrics_dir(shared: Path | None) -> Path:
    """metrics.json of every sample month: computed once per run (``shared``) or process."""
    if shared is None:
        import tempfile

        out = Path(tempfile.mkdtemp(prefix="arsip-sampel-"))
        _compute_metrics(out)
        return out
    from filelock import FileLock

    out, done = shared / "arsip-sampel", shared / "arsip-sampel.done"
    with FileLock(str(shared / "arsip-sampel.lock")):
        if not done.exists():
            shutil.rmtree(out, ignore_errors=True)
            _compute_metrics(out)
            done.write_text("")
    return out


def sample_output(target: Path, months: list[str] = MONTHS) -> Path:
    """``target`` filled with month folders (metrics.json + stand-in laporan.html)."""
    metrics = _metrics_dir(_run_folder(target))
    for periode in months:
        d = target / periode
        d.mkdir(parents=True, exist_ok=True)
        shutil.copy(metrics / periode / "metrics.json", d / "metrics.json")
        (d / "laporan.html").write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
    return target
