"""Benchmark the embedded renderer: HTML + PDF of one month (target: under 2 s).

Run: ``.venv/bin/python bench/bench_render.py [--runs N]``

The month is a full-size synthetic report built from the test fixture notebook:
the recap table with all 65 kelurahan of the 10 kecamatan (76 rows), seven
ranking tables, the ten-column table of late follow-ups and three charts, about
the size of the June 2022 report. Measured:

1. ``render_month(..., renderer="embedded")`` in a warm process (imports done),
   per stage: notebook to Markdown, pandoc → Typst, Typst → PDF (bounded child),
   pandoc → HTML (in parallel with the previous two), total;
2. the same call in a fresh Python process (``python -c``), imports included,
   i.e. what one ``crm-report render`` of a single month costs.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fixtures_render import load_notebook, prepare_month  # noqa: E402

from crmlib.render.renderer import render_month  # noqa: E402

KECAMATAN = {
    "MATRAMAN": 6,
    "PULOGADUNG": 7,
    "JATINEGARA": 8,
    "KRAMAT JATI": 7,
    "PASAR REBO": 5,
    "CAKUNG": 7,
    "DUREN SAWIT": 7,
    "CIRACAS": 5,
    "MAKASAR": 5,
    "CIPAYUNG": 8,
}


def _md_output(teks: str) -> dict:
    return {"output_type": "display_data", "metadata": {}, "data": {"text/markdown": teks}}


def _cell(i: int, outputs: list[dict], source: str = "display(Markdown(x))\n") -> dict:
    return {
        "cell_type": "code",
        "execution_count": i,
        "id": f"b{i}",
        "metadata": {},
        "outputs": outputs,
        "source": source,
    }


def full_size_notebook() -> dict:
    """The fixture notebook grown to the size of a real month."""
    nb = load_notebook()
    png = next(
        o["data"]["image/png"]
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if "image/png" in o.get("data", {})
    )
    rows = []
    for kec, n in KECAMATAN.items():
        rows.append(f"| | KECAMATAN {kec} | | | | | {n * 9} |")
        rows += [f"| {i} | KELURAHAN {kec} {i} | 9 | | | | 9 |" for i in range(1, n + 1)]
    rows += ["| | WALIKOTA JAKARTA TIMUR | 17 | | | | 17 |", "| | Grand Total | 602 | | | | 602 |"]
    rekap = (
        "## B. Hasil Pelaksanaan\n\n::: {.tabel-rekap}\n"
        "| No. | Unit | Complete | Disposisi | In Progres | Wait | TOTAL |\n"
        "|---:|:---|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n\n"
        ": Rekap Pengaduan Bulan Juni 2022 {#tbl-rekap}\n:::\n"
    )
    peringkat = []
    for k in range(7):
        baris = "\n".join(
            f"| {i} | Kelurahan {i} | {50 - i} | {i * 3},{i}5 |" for i in range(1, 11)
        )
        peringkat.append(
            f"Peringkat {k + 1}:\n\n| No | Nama Kelurahan | Jumlah | Rerata (Menit) |\n"
            f"|---:|:---|---:|---:|\n{baris}\n\n: Peringkat {k + 1} {{#tbl-peringkat-{k}}}\n"
        )
    lebar = (
        "| No | No. Laporan | Nama SKPD | Kategori | Rincian Masalah | Tgl Masuk | Tgl TL "
        "| Max Waktu TL | Waktu TL | Nilai TL |\n"
        "|---:|:---|:---|:---|:---|:---|:---|---:|---:|---:|\n"
        + "\n".join(
            f"| {i} | JK22060302{i:02d} | KELURAHAN KEBON MANGGIS | Sampah | Sampah lingkungan "
            "di pinggir jalan dekat saluran air | 3 Juni 2022 16:15 | 6 Juni 2022 11:15 "
            "| 48 | 67 | 80 |"
            for i in range(1, 9)
        )
        + "\n\n: Daftar UKPD dengan nilai tindak lanjut di bawah 100% {#tbl-nilai-tl}\n"
    )
    bab_ii = next(
        i for i, c in enumerate(nb["cells"]) if "BAB II" in json.dumps(c.get("outputs", ""))
    )
    # The full recap replaces the fixture's short one.
    nb["cells"] = [c for c in nb["cells"] if "{#tbl-rekap}" not in json.dumps(c.get("outputs", ""))]
    tambahan = [_cell(100, [_md_output(rekap)])]
    for j in range(3):
        tambahan.append(
            _cell(
                101 + j,
                [{"output_type": "display_data", "metadata": {}, "data": {"image/png": png}}],
                f"#| label: fig-grafik-{j}\n#| fig-cap: Grafik {j + 1}\nplot()\n",
            )
        )
    tambahan += [_cell(110 + k, [_md_output(p)]) for k, p in enumerate(peringkat)]
    tambahan.append(_cell(120, [_md_output(lebar)]))
    nb["cells"][bab_ii + 1 : bab_ii + 1] = tambahan
    assert base64.b64decode(png)[:4] == b"\x89PNG"
    return nb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        month = prepare_month(Path(tmp) / "output" / "2022-06", notebook=full_size_notebook())
        # First call in this process: Typst has nothing memoized yet.
        first = render_month(month, renderer="embedded")["timings"]
        runs = []
        for _ in range(args.runs):
            runs.append(render_month(month, renderer="embedded")["timings"])
        from pypdf import PdfReader

        pages = len(PdfReader(month / "laporan.pdf").pages)
        html_kb = (month / "laporan.html").stat().st_size / 1024
        pdf_kb = (month / "laporan.pdf").stat().st_size / 1024

        cold = []
        code = (
            "from crmlib.render.renderer import render_month; "
            f"render_month({str(month)!r}, renderer='embedded')"
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=env)
            cold.append(time.perf_counter() - t)

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"month: {pages} PDF pages ({pdf_kb:.0f} KiB), HTML {html_kb:.0f} KiB")
    print(f"{'stage':<34}{'median s':>10}")
    for key, label in (
        ("notebook", "notebook → Markdown"),
        ("pandoc_typst", "pandoc → Typst"),
        ("typst", "Typst → PDF (bounded child)"),
        ("pandoc_html", "pandoc → HTML (parallel, from start)"),
        ("total", "render_month total (warm process)"),
    ):
        print(f"{label:<34}{med(key):>10.3f}")
    print(
        f"{'min / max total (warm)':<34}{min(r['total'] for r in runs):>10.3f} / "
        f"{max(r['total'] for r in runs):.3f}"
    )
    print(
        f"{'first call in the process (total)':<34}{first['total']:>10.3f}"
        f"  (Typst alone {first['typst']:.3f})"
    )
    print(
        f"{'fresh process, imports included':<34}{statistics.median(cold):>10.3f}"
        f"  (runs: {', '.join(f'{c:.2f}' for c in cold)})"
    )


if __name__ == "__main__":
    main()
