"""Where a month's data files are: the two sheets located, before anything is read.

Standard library only, because the up-to-date check of ``build`` and ``status`` locates
(and so validates) a month's data path to fingerprint exactly the files the reader
would read, and must not pay for pandas when nothing is rebuilt.
:mod:`crmlib.data.sources` reads the cells of what is located here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from crmlib.errors import InputDataError, Problem

SHEETS = ("laporan", "koordinasi")


@dataclass
class SheetSource:
    """Where one sheet came from, as the user names it in messages."""

    file: str
    sheet: str | None
    path: Path
    delimiter: str = ","

    def problem(self, message: str, **kwargs) -> Problem:
        """A :class:`Problem` located in this sheet."""
        return Problem(file=self.file, sheet=self.sheet, message=message, **kwargs)


def sha256_file(path: Path) -> str:
    """SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def locate_sources(data: Path | str) -> dict[str, SheetSource]:
    """Find the two sheets of a month's data path.

    Parameters
    ----------
    data : path
        An ``.xlsx`` file, or a folder with ``laporan.csv`` and ``koordinasi.csv``
        (a folder holding a single ``.xlsx`` and no CSV is accepted too).
    """
    path = Path(data)
    shown = str(data)
    if not path.exists():
        raise InputDataError(
            [
                Problem(
                    file=shown,
                    message="berkas atau folder data tidak ditemukan",
                    expected="berkas .xlsx (sheet laporan & koordinasi) atau folder berisi "
                    "laporan.csv dan koordinasi.csv",
                )
            ]
        )
    if path.is_dir():
        # Sorted: a folder's listing order differs between file systems, and two names
        # that differ only in case ("Laporan.csv", "laporan.csv") must resolve the same way.
        files = sorted(path.iterdir())
        csvs = {p.name.lower(): p for p in files if p.suffix.lower() == ".csv"}
        xlsxs = [p for p in files if p.suffix.lower() == ".xlsx" and not p.name.startswith("~$")]
        if not csvs and len(xlsxs) == 1:
            return locate_sources(xlsxs[0])
        problems = [
            Problem(
                file=str(Path(shown) / f"{s}.csv"),
                message="berkas tidak ditemukan",
                expected=f"{s}.csv (UTF-8, dipisah koma atau titik koma, baris judul di baris 1)",
            )
            for s in SHEETS
            if f"{s}.csv" not in csvs
        ]
        if problems:
            raise InputDataError(problems)
        return {
            s: SheetSource(str(Path(shown) / csvs[f"{s}.csv"].name), None, csvs[f"{s}.csv"])
            for s in SHEETS
        }
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return {s: SheetSource(shown, s, path) for s in SHEETS}
    raise InputDataError(
        [
            Problem(
                file=shown,
                message="jenis berkas tidak didukung",
                expected="berkas .xlsx atau folder berisi laporan.csv dan koordinasi.csv",
            )
        ]
    )
