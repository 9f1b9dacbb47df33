"""Where a month's two sheets are, and their raw cells.

A month is either an ``.xlsx`` workbook with sheets ``laporan`` and ``koordinasi``
or a folder holding ``laporan.csv`` and ``koordinasi.csv`` (data contract §1).
Cells are read as the user typed them (CSV as text), with the file-level refusals:
a missing, empty, unreadable or corrupt file, a sheet missing or doubled, a CSV
that is not UTF-8 or has a broken row, a sheet with a header and no data, and
anything beyond the bounds of :mod:`crmlib.data.limits` (checked before reading).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pandas as pd

from crmlib.data import limits
from crmlib.data.locate import (
    OTHER_FORMATS,
    SAVE_AS_XLSX,
    SHEETS,
    SheetSource,
    locate_sources,
    sha256_file,
    similar_exports,
)
from crmlib.data.parsing import is_blank
from crmlib.errors import InputDataError, Problem

__all__ = [
    "OTHER_FORMATS",
    "SAVE_AS_XLSX",
    "SHEETS",
    "SheetSource",
    "header_only",
    "locate_sources",
    "read_raw",
    "sha256_file",
    "similar_exports",
]


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
        raw_frame = pd.read_csv(
            io.BytesIO(raw),
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
    _check_rows(len(raw_frame), src)
    raw_frame.columns = _csv_header(raw, src.delimiter, len(raw_frame.columns))
    return raw_frame


def _check_rows(n: int, src: SheetSource) -> None:
    """Refuse a sheet or CSV with more than :data:`crmlib.data.limits.MAX_ROWS` data rows."""
    if n > limits.MAX_ROWS:
        raise InputDataError(
            [
                src.problem(
                    f"terlalu banyak baris: {n:,} baris data".replace(",", "."),
                    row=limits.MAX_ROWS + 2,
                    expected=f"paling banyak {limits.MAX_ROWS:,} baris data".replace(",", ".")
                    + " (ekspor satu bulan)",
                )
            ]
        )


def _csv_header(raw: bytes, delimiter: str, n: int) -> list[str]:
    """The header row as written: pandas renames a repeated title (``kategori.1``), and a
    repeated column must be refused like a near-duplicate one, by both column letters."""
    text = raw.decode("utf-8-sig", errors="replace")
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    return [*header, *("" for _ in range(n - len(header)))][:n]


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
    names, book = _open_workbook(src0)
    by_key = {name.strip().lower(): df for name, df in book.items()}
    out, problems = {}, _duplicate_sheets(src0.file, names)
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
                    expected=f"sheet bernama '{sheet}' (ada: {', '.join(names) or '-'})",
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
        _check_rows(len(body), src)
        out[sheet] = body
    if problems:
        raise InputDataError(problems)
    return out


# The first bytes of an OLE2 compound file: an Excel 97-2003 workbook, or an encrypted .xlsx.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _open_workbook(src0: SheetSource) -> tuple[list[str], dict[str, pd.DataFrame]]:
    """The workbook's sheet names and, raw, the sheets that may be ``laporan``/``koordinasi``.

    Refused before calamine reads anything: an empty file, an Excel 97-2003 or
    password-protected file, a file that is not a zip archive, and a workbook beyond
    the bounds of :mod:`crmlib.data.limits`. Only the sheets named like the two the
    month needs are read.
    """
    path = src0.path

    def refuse(message: str, expected: str = "workbook .xlsx yang valid", **where):
        return InputDataError(
            [Problem(file=src0.file, message=message, expected=expected, **where)]
        )

    with open(path, "rb") as fh:
        head = fh.read(len(_OLE2))
    if not head:
        raise refuse("berkas kosong", "workbook .xlsx dengan sheet laporan dan koordinasi")
    if head == _OLE2:
        raise refuse(
            "berkas ini format Excel 97-2003 (.xls) atau workbook yang dikunci kata sandi, "
            "bukan .xlsx",
            SAVE_AS_XLSX + " (tanpa kata sandi)",
        )
    if not zipfile.is_zipfile(path):
        raise refuse("berkas tidak dapat dibaca sebagai Excel (.xlsx)")
    try:
        limits.check_workbook(path)
    except limits.LimitExceeded as exc:
        where = {"sheet": exc.sheet, "row": exc.row, "column": exc.column}
        raise refuse(exc.message, exc.expected, **where) from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise refuse(f"berkas Excel rusak ({type(exc).__name__})") from None
    try:
        with pd.ExcelFile(path, engine="calamine") as xl:
            names = [str(n) for n in xl.sheet_names]
            wanted = [n for n in names if n.strip().lower() in SHEETS]
            return names, pd.read_excel(xl, sheet_name=wanted, header=None, dtype=object)
    except Exception as exc:  # calamine raises several unrelated types for corrupt files
        raise refuse(f"berkas Excel rusak ({type(exc).__name__})") from None


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
