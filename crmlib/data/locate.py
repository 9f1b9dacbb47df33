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

from crmlib.data import limits
from crmlib.errors import InputDataError, Problem

SHEETS = ("laporan", "koordinasi")
# Other spreadsheet formats, and what to do about each (an export is saved as .xlsx).
OTHER_FORMATS = {
    ".xls": "format Excel 97-2003 (.xls)",
    ".xlsb": "format Excel biner (.xlsb)",
    ".ods": "format OpenDocument (.ods)",
    ".numbers": "format Numbers",
}
SAVE_AS_XLSX = (
    "buka di Excel lalu Simpan Sebagai 'Excel Workbook (.xlsx)', atau ekspor ulang dari CRM"
)


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
        raise InputDataError([_not_found(path, shown)])
    _check_limits(path, shown, is_data_file=False)
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
        found = {
            s: SheetSource(str(Path(shown) / csvs[f"{s}.csv"].name), None, csvs[f"{s}.csv"])
            for s in SHEETS
        }
        for src in found.values():
            _check_limits(src.path, src.file)
        return found
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return {s: SheetSource(shown, s, path) for s in SHEETS}
    what = OTHER_FORMATS.get(path.suffix.lower())
    raise InputDataError(
        [
            Problem(
                file=shown,
                message=f"{what} tidak didukung" if what else "jenis berkas tidak didukung",
                expected=SAVE_AS_XLSX
                if what
                else "berkas .xlsx atau folder berisi laporan.csv dan koordinasi.csv",
            )
        ]
    )


def _check_limits(path: Path, shown: str, is_data_file: bool = True) -> None:
    """:func:`crmlib.data.limits.check_path` as the analyst's refusal (by ``stat`` only)."""
    try:
        limits.check_path(path, is_data_file)
    except limits.LimitExceeded as exc:
        raise InputDataError(
            [Problem(file=shown, message=exc.message, expected=exc.expected)]
        ) from None
    except OSError as exc:
        raise InputDataError(
            [Problem(file=shown, message=f"tidak dapat dibaca ({exc.strerror})")]
        ) from None


def _not_found(path: Path, shown: str) -> Problem:
    """A data path that does not exist, with the exports of that name found nearby."""
    near = similar_exports(path)
    hint = f"; mungkin maksudnya: {', '.join(near)}" if near else ""
    return Problem(
        file=shown,
        message=f"berkas atau folder data tidak ditemukan{hint}",
        expected="berkas .xlsx (sheet laporan & koordinasi) atau folder berisi laporan.csv dan "
        "koordinasi.csv; data contoh bulan mana pun: crm-report contoh YYYY-MM --ke "
        f"{shown}",
    )


def similar_exports(path: Path, depth: int = 3, limit: int = 3) -> list[str]:
    """Exports named like ``path`` (same month, either form) in the folders near it.

    ``data/2022-07.xlsx`` when the samples are in ``data/sample/``: the analyst typed the
    README's path. The nearest existing folder above ``path`` is searched ``depth`` levels
    down (hidden folders skipped, a bounded number of entries, never a whole disk).
    """
    base = path.parent
    while not base.is_dir() and base != base.parent:
        base = base.parent
    if not base.is_dir() or base.resolve() == Path(base.resolve().anchor):
        return []
    stem = path.name[: -len(path.suffix)] if path.suffix.lower() == ".xlsx" else path.name
    found: list[str] = []
    folders, budget = [base], 5000
    for _ in range(depth + 1):
        below = []
        for entry in (e for folder in folders for e in _entries(folder)):
            budget -= 1
            if budget < 0:
                return found[:limit]
            if _is_export_named(entry, stem):
                found.append(str(entry))
            elif entry.is_dir() and not entry.name.startswith("."):
                below.append(entry)
        folders = below
    return found[:limit]


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []


def _is_export_named(entry: Path, stem: str) -> bool:
    """``<stem>.xlsx``, or a folder ``<stem>`` holding ``laporan.csv``."""
    if entry.is_file():
        return entry.name.lower() == f"{stem}.xlsx".lower()
    return entry.name.lower() == stem.lower() and (entry / "laporan.csv").is_file()
