"""Where a month's two sheets are, and their raw cells.

A month is either an ``.xlsx`` workbook with sheets ``laporan`` and ``koordinasi``
or a folder holding ``laporan.csv`` and ``koordinasi.csv`` (data contract §1).
Cells are read as the user typed them (CSV as text), with the file-level refusals:
a missing, empty, unreadable or corrupt file, a sheet missing or doubled, a CSV
that is not UTF-8 or has a broken row, a sheet with a header and no data.
"""

from __future__ import annotations

import re
import zipfile

import pandas as pd

from crmlib.data.locate import SHEETS, SheetSource, locate_sources, sha256_file
from crmlib.data.parsing import is_blank
from crmlib.errors import InputDataError, Problem

__all__ = ["SHEETS", "SheetSource", "header_only", "locate_sources", "read_raw", "sha256_file"]


def read_raw(sources: dict[str, SheetSource]) -> dict[str, pd.DataFrame]:
    """The raw cells of both sheets, headers as written; all file problems of a CSV folder at once.

    Parameters
    ----------
    sources : dict
        The sheets as :func:`locate_sources` found them.
    """
    if next(iter(sources.values())).sheet is not None:
        return _read_raw_xlsx(sources)
    raws, problems = {}, []
    for sheet, src in sources.items():
        try:
            raws[sheet] = _read_raw_csv(src)
        except InputDataError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputDataError(problems)
    return raws


def _read_raw_csv(src: SheetSource) -> pd.DataFrame:
    """One CSV as text, every cell as typed; the delimiter found is kept in ``src``."""
    try:
        raw = src.path.read_bytes()
    except OSError as exc:
        raise InputDataError([src.problem(f"berkas tidak dapat dibaca ({exc.strerror})")]) from None
    if not raw.strip():
        raise InputDataError([src.problem("berkas kosong", expected="baris judul dan data")])
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputDataError(
            [src.problem("berkas bukan teks UTF-8", row=line, expected="CSV dengan encoding UTF-8")]
        ) from None
    src.delimiter = _csv_delimiter(raw)
    try:
        # Everything as text first: validation needs the value the user typed, and
        # skip_blank_lines=False keeps row numbers equal to what the user sees.
        return pd.read_csv(
            src.path,
            sep=src.delimiter,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            encoding="utf-8-sig",
        )
    except pd.errors.ParserError as exc:
        msg = str(exc)
        m = re.search(r"line (\d+)", msg)
        raise InputDataError(
            [
                src.problem(
                    "baris CSV rusak (jumlah kolom tidak sesuai judul)",
                    row=int(m.group(1)) if m else None,
                    expected="setiap baris memiliki jumlah kolom yang sama dengan baris judul",
                )
            ]
        ) from None
    except pd.errors.EmptyDataError:
        raise InputDataError(
            [src.problem("berkas kosong", expected="baris judul dan data")]
        ) from None


def _csv_delimiter(raw: bytes) -> str:
    """``;`` when the header line has more semicolons than commas (Excel with an
    Indonesian locale saves "CSV" that way), else ``,``."""
    header = raw.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    return ";" if header.count(b";") > header.count(b",") else ","


def _duplicate_sheets(file: str, names: list[str]) -> list[Problem]:
    """Two sheets that both read as ``laporan`` (or ``koordinasi``) once spaces and case go."""
    problems = []
    for sheet in SHEETS:
        same = [n for n in names if n.strip().lower() == sheet]
        if len(same) > 1:
            problems.append(
                Problem(
                    file=file,
                    sheet=sheet,
                    message="nama sheet ganda: "
                    + " dan ".join(f"'{n}'" for n in same)
                    + " sama setelah spasi dan huruf besar/kecil diabaikan",
                    expected=f"tepat satu sheet '{sheet}'; hapus atau ganti nama sheet yang lain",
                )
            )
    return problems


def _read_raw_xlsx(sources: dict[str, SheetSource]) -> dict[str, pd.DataFrame]:
    """Both sheets of a workbook, the first row as header."""
    src0 = next(iter(sources.values()))
    book = _open_workbook(src0)
    by_key = {name.strip().lower(): df for name, df in book.items()}
    out, problems = {}, _duplicate_sheets(src0.file, list(book))
    if problems:
        raise InputDataError(problems)
    for sheet, src in sources.items():
        df = by_key.get(sheet)
        if df is None:
            problems.append(
                Problem(
                    file=src.file,
                    sheet=sheet,
                    message="sheet tidak ditemukan",
                    expected=f"sheet bernama '{sheet}' (ada: {', '.join(book) or '-'})",
                )
            )
            continue
        if df.empty or df.dropna(how="all").empty:
            problems.append(
                src.problem("sheet kosong", expected="baris judul di baris 1 dan data di bawahnya")
            )
            continue
        header = ["" if pd.isna(h) else str(h) for h in df.iloc[0]]
        body = df.iloc[1:].reset_index(drop=True)
        body.columns = header
        out[sheet] = body
    if problems:
        raise InputDataError(problems)
    return out


def _open_workbook(src0: SheetSource) -> dict[str, pd.DataFrame]:
    """Every sheet of the workbook, raw; an empty, non-Excel or corrupt file refused."""
    path = src0.path
    if path.stat().st_size == 0:
        raise InputDataError(
            [
                Problem(
                    file=src0.file,
                    message="berkas kosong",
                    expected="workbook .xlsx dengan sheet laporan dan koordinasi",
                )
            ]
        )
    if not zipfile.is_zipfile(path):
        raise InputDataError(
            [
                Problem(
                    file=src0.file,
                    message="berkas tidak dapat dibaca sebagai Excel (.xlsx)",
                    expected="workbook .xlsx yang valid",
                )
            ]
        )
    try:
        return pd.read_excel(path, sheet_name=None, engine="calamine", header=None, dtype=object)
    except Exception as exc:  # calamine raises several unrelated types for corrupt files
        raise InputDataError(
            [
                Problem(
                    file=src0.file,
                    message=f"berkas Excel rusak ({type(exc).__name__})",
                    expected="workbook .xlsx yang valid",
                )
            ]
        ) from None


def header_only(raws: dict[str, pd.DataFrame], sources: dict[str, SheetSource]) -> list[Problem]:
    """A sheet or CSV with a header row and not one row of data."""
    problems = []
    for sheet, raw in raws.items():
        # Some cell of some row has a value: stops at the first column that has one.
        has_data = any(not is_blank(raw[c]).all() for c in raw.columns)
        if len(raw.columns) and not has_data:
            src = sources[sheet]
            problems.append(
                src.problem(
                    f"{'sheet' if src.sheet else 'berkas'} hanya berisi baris judul, tanpa baris data",
                    expected=f"baris data {sheet} di bawah judul; periksa apakah ekspornya lengkap "
                    "(bila bulan ini memang tanpa laporan: --izinkan-kosong atau "
                    "'izinkan_kosong: true' di params)",
                )
            )
    return problems
