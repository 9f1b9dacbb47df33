"""The committed sample months (``data/sample/``): how each is made, regenerate, check, CLI."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd
from openpyxl import load_workbook

from crmlib.data.refdata import Reference, load_reference
from crmlib.samplegen.common import _default_as_of
from crmlib.samplegen.month import generate_month
from crmlib.samplegen.seed_month import build_seed_month
from crmlib.samplegen.seed_report import SEED_AS_OF
from crmlib.samplegen.writers import export_style_values, write_month

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO_ROOT / "data" / "sample"


@dataclass(frozen=True)
class SampleMonth:
    """How one committed sample month is produced and written.

    Attributes
    ----------
    periode : str
        ``YYYY-MM``.
    seed : int or None
        Seed of :func:`generate_month`; None = the constructed seed month.
    form : {"xlsx", "csv"}
        Workbook ``data/sample/<periode>.xlsx`` or folder ``data/sample/<periode>/``.
    as_of : str
        As-of timestamp of the export (``per_tanggal`` in ``params/<periode>.yaml``):
        no time in the data is later.
    headers : {"contract", "alias"}
        Contract column names or real-export headers from ``header_alias.yaml``.
    datetimes : {"iso", "dayfirst"}
        CSV datetime text: ``2022-06-03 16:15:00`` or ``03/06/2022 16:15``.
    values : {"canonical", "export"}
        Canonical values or the spellings of real exports (see :func:`export_style_values`).
    with_nilai : bool
        Whether ``nilai_tl`` is filled (as CRM does) or left for the metric rule.
    """

    periode: str
    seed: int | None
    form: Literal["xlsx", "csv"]
    as_of: str
    headers: Literal["contract", "alias"] = "contract"
    datetimes: Literal["iso", "dayfirst"] = "iso"
    values: Literal["canonical", "export"] = "canonical"
    with_nilai: bool = False


# Odd months as workbooks, even months as CSV folders, so both readers run by
# default; 2022-03 looks like a raw export (aliased headers and values, nilai_tl
# given) and 2022-10 has aliased headers with day-first datetimes.
SAMPLE_MONTHS: tuple[SampleMonth, ...] = (
    SampleMonth("2022-01", 202201, "xlsx", "2022-02-11 08:31:00"),
    SampleMonth("2022-02", 202202, "csv", "2022-03-12 08:32:00"),
    SampleMonth("2022-03", 202203, "xlsx", "2022-04-10 08:33:00",
                headers="alias", values="export", with_nilai=True),
    SampleMonth("2022-04", 202204, "csv", "2022-05-11 08:34:00"),
    SampleMonth("2022-05", 202205, "xlsx", "2022-06-12 08:35:00"),
    SampleMonth("2022-06", None, "csv", SEED_AS_OF),
    SampleMonth("2022-07", 202207, "xlsx", "2022-08-11 08:37:00"),
    SampleMonth("2022-08", 202208, "csv", "2022-09-12 08:38:00"),
    SampleMonth("2022-09", 202209, "xlsx", "2022-10-10 08:39:00"),
    SampleMonth("2022-10", 202210, "csv", "2022-11-11 08:40:00",
                headers="alias", datetimes="dayfirst", with_nilai=True),
    SampleMonth("2022-11", 202211, "xlsx", "2022-12-12 08:41:00"),
    SampleMonth("2022-12", 202212, "csv", "2023-01-10 08:42:00"),
)  # fmt: skip


def sample_path(month: SampleMonth, base: Path | str = SAMPLE_DIR) -> Path:
    """Where a sample month lives: ``<base>/<periode>.xlsx`` or ``<base>/<periode>/``."""
    base = Path(base)
    return base / f"{month.periode}.xlsx" if month.form == "xlsx" else base / month.periode


def _month_frames(month: SampleMonth, ref: Reference) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two tables of one sample month, in the values style it is written with."""
    if month.seed is None:
        lap, kor = build_seed_month(ref)
    else:
        lap, kor = generate_month(
            month.periode, seed=month.seed, reference=ref, as_of=month.as_of,
            with_nilai=month.with_nilai, resolution_s=60 if month.datetimes == "dayfirst" else 1,
        )  # fmt: skip
    if month.values == "export":
        lap, kor = export_style_values(lap, kor, ref)
    return lap, kor


def _select(months: Iterable[str] | None) -> list[SampleMonth]:
    """The sample months named (default all); unknown months are refused."""
    if not months:
        return list(SAMPLE_MONTHS)
    known = {m.periode: m for m in SAMPLE_MONTHS}
    unknown = [p for p in months if p not in known]
    if unknown:
        raise ValueError(f"bulan tidak dikenal: {', '.join(unknown)}; tersedia: {', '.join(known)}")
    return [known[p] for p in months]


def regenerate(
    out_dir: Path | str = SAMPLE_DIR,
    months: Iterable[str] | None = None,
    reference: Reference | None = None,
) -> list[Path]:
    """Write the sample months (default all of :data:`SAMPLE_MONTHS`) under ``out_dir``."""
    ref = reference or load_reference()
    written = []
    for month in _select(months):
        lap, kor = _month_frames(month, ref)
        written.append(
            write_month(
                lap,
                kor,
                sample_path(month, out_dir),
                month.form,
                headers=month.headers,
                datetimes=month.datetimes,
            )  # fmt: skip
        )
    return written


def write_example(
    periode: str, dest: Path | str, *, force: bool = False, reference: Reference | None = None
) -> tuple[Path, str]:
    """A synthetic export of any month, for rehearsing it (``crm-report contoh``).

    A sample month (2022) is its committed sample; any other month is drawn by
    :func:`generate_month` with a seed made of the month, so a month always gives the
    same data. Written to a temporary name beside ``dest`` first, then renamed.

    Parameters
    ----------
    periode : str
        ``YYYY-MM``.
    dest : path
        Ending in ``.xlsx``: a workbook; anything else: a folder with ``laporan.csv`` and
        ``koordinasi.csv``.
    force : bool
        Replace what is at ``dest``; otherwise an existing ``dest`` is a ``FileExistsError``.

    Returns
    -------
    (path, as_of)
        What was written, and the export's as-of time (``YYYY-MM-DD HH:MM``): no time
        in the data is later.
    """
    dest = Path(dest)
    if dest.exists() and not force:
        raise FileExistsError(str(dest))
    ref = reference or load_reference()
    known = {m.periode: m for m in SAMPLE_MONTHS}
    month = known.get(periode) or SampleMonth(
        periode, int(periode.replace("-", "")), "xlsx", str(_default_as_of(periode))
    )
    lap, kor = _month_frames(month, ref)
    form = "xlsx" if dest.suffix.lower() == ".xlsx" else "csv"
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}{dest.suffix}")
    try:
        write_month(lap, kor, tmp, form, headers=month.headers, datetimes=month.datetimes)
        if dest.is_dir():
            shutil.rmtree(dest)
        os.replace(tmp, dest)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists():
            tmp.unlink()
    return dest, pd.Timestamp(month.as_of).strftime("%Y-%m-%d %H:%M")


def _xlsx_values(path: Path) -> dict[str, list[tuple]]:
    """Every cell value of a workbook, sheet by sheet (for comparing two workbooks)."""
    wb = load_workbook(path, read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb}


def check_samples(base: Path | str = SAMPLE_DIR, months: Iterable[str] | None = None) -> list[str]:
    """Compare the committed sample files with a fresh regeneration.

    Returns
    -------
    list of str
        One line per file that is missing or differs; empty when all are current.
        CSV files are compared byte for byte, workbooks cell by cell.
    """
    base = Path(base)
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        regenerate(tmp, months)
        for month in _select(months):
            fresh, committed = sample_path(month, tmp), sample_path(month, base)
            if month.form == "xlsx":
                if not committed.is_file():
                    problems.append(f"{committed}: tidak ada")
                # The generator's workbooks are byte-stable (_normalise_zip), so equal bytes
                # settle it at once; reading both cell by cell is only needed when they differ
                # (e.g. written by another openpyxl version).
                elif fresh.read_bytes() == committed.read_bytes():
                    continue
                elif _xlsx_values(fresh) != _xlsx_values(committed):
                    problems.append(f"{committed}: isi berbeda dari hasil generator")
                continue
            for name in ("laporan.csv", "koordinasi.csv"):
                f, c = fresh / name, committed / name
                if not c.is_file():
                    problems.append(f"{c}: tidak ada")
                elif f.read_bytes() != c.read_bytes():
                    problems.append(f"{c}: isi berbeda dari hasil generator")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: regenerate (or ``--check``) the committed sample months."""
    parser = argparse.ArgumentParser(
        prog="python -m crmlib.samplegen",
        description="Buat ulang data contoh CRM (sintetis) di data/sample/.",
    )
    parser.add_argument(
        "--out", type=Path, default=SAMPLE_DIR, help="folder tujuan (default: data/sample)"
    )
    parser.add_argument(
        "--months", nargs="+", metavar="YYYY-MM", help="hanya bulan ini (default: semua)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="jangan menulis; periksa apakah berkas yang ada sama dengan hasil generator",
    )
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = check_samples(args.out, args.months)
            for p in problems:
                print(p, file=sys.stderr)
            print("data contoh mutakhir" if not problems else f"{len(problems)} berkas berbeda")
            return 1 if problems else 0
        for path in regenerate(args.out, args.months):
            print(path)
    except ValueError as exc:
        parser.error(str(exc))
    return 0
