"""Benchmark ``crm-report preview``: from a file save to the new page being served.

Run: ``.venv/bin/python bench/bench_preview.py [--repeat N]``

On a scratch copy of the project (June 2022, May for the comparison), one
:class:`crmlib.cli.preview.Preview` is started; then, ``--repeat`` times each, the
script saves

1. a Markdown cell of the notebook with new wording (target ≤ 1 s),
2. ``params/2022-06.yaml`` with a new kendala (notebook executed again on the
   warm kernel; target ≤ 2 s),
3. ``params/2022-06.yaml`` with a new ``tempat`` (cover/signature only),
4. the stylesheet of ``_extensions/laporan-crm/`` (template edit),

and polls ``/`` every 10 ms until the page holds the change. Times are wall
seconds from just before the write to the first response that shows it.
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
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crmlib.cli.preview import Preview  # noqa: E402
from crmlib.render.execute import shutdown_warm_kernel  # noqa: E402


def scratch_project(dest: Path) -> Path:
    for name in ("notebooks", "_extensions"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copy(ROOT / "_quarto.yml", dest / "_quarto.yml")
    (dest / "params").mkdir()
    for name in ("_default.yaml", "2022-05.yaml", "2022-06.yaml"):
        shutil.copy(ROOT / "params" / name, dest / "params" / name)
    (dest / "data" / "sample").mkdir(parents=True)
    shutil.copy(ROOT / "data/sample/2022-05.xlsx", dest / "data/sample/2022-05.xlsx")
    shutil.copytree(ROOT / "data/sample/2022-06", dest / "data/sample/2022-06")
    return dest


def served_after(url: str, write, marker: str, timeout: float = 120) -> float:
    t0 = time.perf_counter()
    write()
    while time.perf_counter() - t0 < timeout:
        with urllib.request.urlopen(url, timeout=30) as r:
            if marker in r.read().decode("utf-8"):
                return time.perf_counter() - t0
        time.sleep(0.01)
    raise SystemExit(f"not served within {timeout} s: {marker!r}")


def edit_markdown(nb_path: Path, old: str, new: str):
    def write() -> None:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                cell["source"] = "".join(cell["source"]).replace(old, new)
        nb_path.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")

    return write


def append(path: Path, text: str):
    base = path.read_text(encoding="utf-8")
    return lambda: path.write_text(base + text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = scratch_project(Path(tmp))
        t0 = time.perf_counter()
        pv = Preview(root, "2022-06", port=0, log=lambda _: None)
        pv.start()
        first = time.perf_counter() - t0
        nb = pv.notebook
        params = root / "params" / "2022-06.yaml"
        css = root / "_extensions" / "laporan-crm" / "laporan.css"
        hasil: dict[str, list[float]] = {k: [] for k in ("teks", "params", "sampul", "templat")}
        kata = "Berdasarkan tabel rekapitulasi di atas"
        for i in range(args.repeat):
            baru = f"Menurut rekapitulasi ({i})"
            hasil["teks"].append(served_after(pv.url, edit_markdown(nb, kata, baru), baru))
            kata = baru
            k = f"Kendala pratinjau nomor {i}."
            tulis = append(params, f'\nkendala:\n  - "{k}"\n')
            hasil["params"].append(served_after(pv.url, tulis, k))
            tempat = f"Tempat{i}"
            tulis = append(params, f'\nkendala:\n  - "{k}"\ntempat: "{tempat}"\n')
            hasil["sampul"].append(served_after(pv.url, tulis, tempat))
            penanda = f"/* bench {i} */"
            hasil["templat"].append(served_after(pv.url, append(css, f"\n{penanda}\n"), penanda))
        pv.stop()
        shutdown_warm_kernel()
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    print(f"first build (execute + HTML, cold kernel): {first:.2f} s")
    for k, v in hasil.items():
        print(
            f"{k:8s} median {statistics.median(v):.2f} s  min {min(v):.2f}  max {max(v):.2f}"
            f"  (n={len(v)})"
        )


if __name__ == "__main__":
    main()
