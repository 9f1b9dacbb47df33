"""An archive output folder from the twelve sample months' own metrics.json.

Only ``metrics.json`` is produced per month (read + compute, no notebook, no
render), which is all the archive reads; the months' reports are stand-in files so
that the archive's links to them resolve.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
MONTHS = [f"2022-{m:02d}" for m in range(1, 13)]


@cache
def _metrics_dir() -> Path:
    """metrics.json of every sample month, computed once per test process."""
    import tempfile

    from crmlib.outputs import write_metrics_json
    from crmlib.reader import read_month
    from crmlib.refdata import load_reference
    from crmlib.report import compute_month

    ref = load_reference()
    out = Path(tempfile.mkdtemp(prefix="arsip-sampel-"))
    for periode in MONTHS:
        source = SAMPLE / f"{periode}.xlsx"
        if not source.exists():
            source = SAMPLE / periode
        m = compute_month(read_month(source, periode, reference=ref), ref)
        write_metrics_json(m, out / periode / "metrics.json")
    return out


def sample_output(target: Path, months: list[str] = MONTHS) -> Path:
    """``target`` filled with month folders (metrics.json + stand-in laporan.html)."""
    for periode in months:
        d = target / periode
        d.mkdir(parents=True, exist_ok=True)
        shutil.copy(_metrics_dir() / periode / "metrics.json", d / "metrics.json")
        (d / "laporan.html").write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
    return target
