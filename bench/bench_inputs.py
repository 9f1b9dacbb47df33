"""Benchmark the input guards of issue 23: PII masking on long values, and what the
reading bounds and character cleaning cost on the sample months.

Run: ``.venv/bin/python bench/bench_inputs.py [--repeat N]``

1. ``crmlib.data.pii.mask_text`` on 1 MB values in the shapes that cost the old e-mail
   pattern most (one long word, many ``@``, many addresses, long dotted domains), and
   the old pattern itself on a long word of 10 000, 20 000 and 40 000 characters (it
   grows with the square of the length, so larger values are not tried).
2. On every sample month (``data/sample/``): the whole ``read_month`` and, inside it, the
   checks this issue added: the data path and file checks (``locate_sources``, ``stat``
   only), the workbook checks (``limits.check_workbook``: zip directory and the sheets'
   extent), the cell-length check and the character cleaning. Best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crmlib.data import limits  # noqa: E402
from crmlib.data.characters import clean_sheet  # noqa: E402
from crmlib.data.headers import map_headers  # noqa: E402
from crmlib.data.pii import mask_text  # noqa: E402
from crmlib.data.reader import read_month  # noqa: E402
from crmlib.data.refdata import load_reference  # noqa: E402
from crmlib.data.sources import locate_sources, read_raw  # noqa: E402
from crmlib.data.validation import check_cell_lengths  # noqa: E402

OLD_EMAIL = re.compile(r"[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
MB = 2**20
SHAPES = {
    "one long word": "a" * MB,
    "word ending in an address": "a" * (MB - 20) + "@example.com",
    "at signs (a@a@…)": "a@" * (MB // 2),
    "dotted domain, no TLD": "x@" + "a1." * (MB // 3),
    "addresses (ab@cd.ef …)": "ab@cd.ef " * (MB // 9),
    "digits": "1" * MB,
    "phone-like": "(021) 8" * (MB // 7),
}


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_masking(repeat: int) -> None:
    print("mask_text on 1 MB values (best of", repeat, "runs):")
    for name, text in SHAPES.items():
        print(f"  {name:<28} {best(lambda t=text: mask_text(t), repeat):7.3f} s")
    print("old e-mail pattern on one long word (one run each):")
    for n in (10_000, 20_000, 40_000):
        print(
            f"  {n:>6} characters            {best(lambda n=n: OLD_EMAIL.subn('', 'a' * n), 1):7.2f} s"
        )


def bench_reading(repeat: int) -> None:
    ref = load_reference()
    print(f"reading the sample months (best of {repeat}; ms):")
    print(
        f"  {'month':<16} {'read_month':>10} {'paths':>7} {'workbook':>9} {'cells':>7} {'chars':>7}"
    )
    for data in sorted((ROOT / "data" / "sample").iterdir()):
        sources = locate_sources(data)
        raws = read_raw(sources)
        mapped = {}
        for sheet, raw in raws.items():
            mapped[sheet] = map_headers(raw, sheet, sources[sheet], ref, [])
        t_read = best(lambda d=data: read_month(d, reference=ref), repeat)
        t_paths = best(lambda d=data: locate_sources(d), repeat)
        t_book = (
            best(lambda d=data: limits.check_workbook(d), repeat) if data.suffix == ".xlsx" else 0.0
        )

        def cells(m=mapped, s=sources):
            for sheet, (table, _, shown) in m.items():
                check_cell_lengths(table, s[sheet], shown, [])

        def chars(m=mapped):
            for table, _, _ in m.values():
                clean_sheet(table)

        ms = [1000 * t for t in (t_read, t_paths, t_book, best(cells, repeat), best(chars, repeat))]
        print(
            f"  {data.name:<16} "
            + " ".join(f"{v:>{w}.1f}" for v, w in zip(ms, (10, 7, 9, 7, 7), strict=True))
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(
        f"bench_inputs  python={platform.python_version()} cpus={os.cpu_count()} "
        f"load={os.getloadavg()[0]:.1f}"
    )
    bench_masking(args.repeat)
    bench_reading(args.repeat)


if __name__ == "__main__":
    main()
