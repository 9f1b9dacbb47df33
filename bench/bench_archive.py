"""Benchmark regenerating the archive from already-built months (target: under 3 s for 24).

Run: ``.venv/bin/python bench/bench_archive.py [--runs N]``

The twelve sample months' own ``metrics.json`` are computed once (read + metrics,
no notebook, no render) and copied to a second year (2021, ``periode`` rewritten),
giving 24 month folders with a stand-in ``laporan.html`` each. Measured:

1. ``crmlib.publish.archive.build_archive`` in a fresh Python process, imports included
   (what a build pays after its months are published): index, 76 unit pages, the
   kecamatan pages and ``data/ukpd_bulanan.csv``;
2. the same call warm (imports and templates loaded), best of ``--runs``;
3. a warm run right after another, when no page changes (nothing rewritten but the index).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fixtures_archive import sample_output  # noqa: E402

KOTA = "Kota Administrasi Jakarta Timur"


def two_years(out: Path) -> Path:
    """24 month folders: the sample year and a copy of it as 2021."""
    sample_output(out)
    for d in sorted(out.glob("2022-*")):
        twin = out / d.name.replace("2022", "2021")
        twin.mkdir()
        data = json.loads((d / "metrics.json").read_text(encoding="utf-8"))
        data["periode"] = twin.name
        (twin / "metrics.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        shutil.copy(d / "laporan.html", twin / "laporan.html")
    return out


def cold(out: Path) -> float:
    code = (
        "import time; t = time.perf_counter();"
        "from crmlib.publish.archive import build_archive;"
        f"build_archive({str(out)!r}, {KOTA!r});"
        "print(time.perf_counter() - t)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(res.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-arsip-") as tmp:
        out = two_years(Path(tmp) / "output")
        months = len(list(out.glob("20[0-9][0-9]-[0-9][0-9]")))
        t_cold = cold(out)
        from crmlib.publish.archive import build_archive

        shutil.rmtree(out / "ukpd")
        times = []
        for _ in range(args.runs):
            for folder in ("ukpd", "kecamatan", "data"):
                shutil.rmtree(out / folder, ignore_errors=True)
            t = time.perf_counter()
            result = build_archive(out, KOTA)
            times.append(time.perf_counter() - t)
        t = time.perf_counter()
        build_archive(out, KOTA)
        t_same = time.perf_counter() - t
    print(f"months: {months}, unit pages: {result['ukpd']}, kecamatan pages: {result['kecamatan']}")
    print(f"cold process (imports included): {t_cold:.2f} s")
    print(f"warm, every page written (best of {args.runs}): {min(times):.2f} s")
    print(f"warm, nothing changed: {t_same:.2f} s")
    print("target < 3 s:", "met" if t_cold < 3 else "MISSED")


if __name__ == "__main__":
    main()
