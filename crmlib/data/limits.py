"""Bounds on what a month's data may cost to read, checked before it is read.

A CRM export is a few hundred to a few thousand rows; a file that would take
gigabytes of memory or never end (a named pipe, ``/dev/zero``, a zip bomb, a sheet
with one cell at XFD1048576) is refused with a message naming the file, before
pandas or calamine see it. Each limit is a named constant, listed for the analyst
in ``docs/format-data.md`` ("Size limits"):

- the data path is a regular file or a folder (:func:`check_path`, by ``stat``
  only: cheap enough for the up-to-date check, never opens a pipe or a device);
- a data file is at most :data:`FILE_MAX_BYTES` on disk (same check);
- an ``.xlsx`` unpacks, by its zip directory, to at most
  :data:`XLSX_MAX_UNPACKED_BYTES` at a compression ratio of at most
  :data:`XLSX_MAX_RATIO` (:func:`check_workbook`);
- each of its sheets spans at most :data:`XLSX_MAX_CELLS` cells counted from A1
  (calamine allocates that whole rectangle, empty cells included) and at most
  :data:`MAX_ROWS` data rows, found by scanning the sheet's XML in chunks;
- a sheet or CSV has at most :data:`MAX_ROWS` data rows, and a cell at most
  :data:`CELL_MAX_CHARS` characters (Excel's own limit), checked after reading
  (:mod:`crmlib.data.sources`, :mod:`crmlib.data.validation`).

Standard library only: the up-to-date check (:mod:`crmlib.publish.fingerprint`)
locates a month's files through these checks without importing pandas.
"""

from __future__ import annotations

import html
import os
import re
import stat
import zipfile
from pathlib import Path

#: Largest data file (CSV or .xlsx) read, in bytes: 100 MB (a month is under 1 MB).
FILE_MAX_BYTES = 100 * 10**6
#: Largest total of an .xlsx's unpacked parts, from its zip directory: 200 MB.
XLSX_MAX_UNPACKED_BYTES = 200 * 10**6
#: Largest ratio of unpacked to packed size of an .xlsx (an export packs about 8:1).
XLSX_MAX_RATIO = 100
#: Largest rectangle of cells one sheet may span, from A1 to its last filled cell.
XLSX_MAX_CELLS = 4_000_000
#: Most data rows in one sheet or CSV (the header row not counted).
MAX_ROWS = 500_000
#: Longest text in one cell, in characters: Excel's own limit.
CELL_MAX_CHARS = 32_767

# Sheet XML is scanned in chunks of this many bytes (memory stays small for any sheet).
_CHUNK = 4 * 2**20
_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml\Z")
# Start tags of rows and cells (any namespace prefix); a cell written <c .../> has no value.
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(\s[^>]*?)?(/?)>")
_REF = re.compile(rb'\sr="([A-Z]*)([0-9]*)"')
# Fast path: every cell carries its address as its first attribute (<c r="B7" ...>, as
# Excel and openpyxl write it) and no tag has a namespace prefix.
_FIRST_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row)[\s>/]")


class LimitExceeded(Exception):
    """A data path or file is beyond one of this module's bounds (the message says which)."""

    def __init__(
        self,
        message: str,
        expected: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.expected = message, expected
        self.sheet, self.row, self.column = sheet, row, column


def _size(n: float) -> str:
    """A byte count as the analyst reads it (``297 KB``, ``300 MB``)."""
    return f"{n / 10**6:.0f} MB" if n >= 10**6 else f"{max(1, round(n / 10**3))} KB"


def _count(n: int) -> str:
    """A round limit in words (``500 ribu``, ``4 juta``); other numbers as digits."""
    for unit, word in ((10**6, "juta"), (10**3, "ribu")):
        if n >= unit and n % unit == 0:
            return f"{n // unit} {word}"
    return str(n)


def _column_letters(n: int) -> str:
    """A 1-based column number as Excel letters (1 -> A, 16384 -> XFD)."""
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def check_path(path: Path, is_data_file: bool = True) -> None:
    """Refuse, by ``stat`` only, what is neither a folder nor a regular file of bounded size.

    Parameters
    ----------
    path : Path
        A month's data path, or a file inside its folder.
    is_data_file : bool
        False for a path that may also be a folder.

    Raises
    ------
    LimitExceeded
        A pipe, device or socket; a file over :data:`FILE_MAX_BYTES`.
    """
    info = os.stat(path)
    if stat.S_ISDIR(info.st_mode) and not is_data_file:
        return
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "folder"
            if stat.S_ISDIR(info.st_mode)
            else "bukan berkas biasa (pipa, perangkat atau soket)"
        )
        raise LimitExceeded(
            f"{kind}: tidak dibaca",
            "berkas .xlsx biasa atau folder berisi laporan.csv dan koordinasi.csv",
        )
    if info.st_size > FILE_MAX_BYTES:
        raise LimitExceeded(
            f"berkas terlalu besar ({_size(info.st_size)}, batas {_size(FILE_MAX_BYTES)}); tidak dibaca",
            "ekspor satu bulan (biasanya di bawah 1 MB); periksa apakah berkasnya benar",
        )


def check_workbook(path: Path) -> None:
    """Refuse an .xlsx whose parts or sheets are beyond the bounds, before calamine reads it.

    Raises
    ------
    LimitExceeded
        Unpacked size or ratio from the zip directory, or a sheet's cell rectangle or
        rows (the sheet is named by its part in the file, e.g. ``xl/worksheets/sheet1.xml``).
    zipfile.BadZipFile
        The file is not a readable zip archive.
    """
    with zipfile.ZipFile(path) as book:
        infos = book.infolist()
        unpacked = sum(i.file_size for i in infos)
        packed = max(1, sum(i.compress_size for i in infos))
        if unpacked > XLSX_MAX_UNPACKED_BYTES or unpacked / packed > XLSX_MAX_RATIO:
            raise LimitExceeded(
                f"isi workbook terlalu besar setelah dibuka: {_size(unpacked)} dari "
                f"{_size(packed)} (rasio {unpacked / packed:.0f}:1); tidak dibaca",
                f"paling banyak {_size(XLSX_MAX_UNPACKED_BYTES)} dan rasio "
                f"{XLSX_MAX_RATIO}:1; simpan ulang ekspornya dari Excel",
            )
        names = _sheet_names(book)
        for info in infos:
            if _WORKSHEET.match(info.filename):
                try:
                    _check_sheet_extent(book, info)
                except LimitExceeded as exc:
                    exc.sheet = names.get(info.filename, info.filename)
                    raise


def _check_sheet_extent(book: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a sheet whose filled cells span more than the bounds (scanned in chunks).

    Excel and openpyxl give every cell its address (``r="B7"``): the extent is the
    largest address. A writer may leave addresses out; the sheet is then scanned again,
    counting rows and cells as calamine places them.
    """
    rows = cols = 0
    for data in _chunks(book, info):
        refs = _FIRST_REF.findall(data)
        if len(refs) != data.count(b"<c ") + data.count(b"<c>") or _PREFIXED.search(data):
            _check_sheet_extent_counted(book, info)
            return
        if refs:
            rows = max(rows, *(int(n) for n in {n for _, n in refs}))
            cols = max(cols, *(_column_number(c) for c in {c for c, _ in refs}))
        if rows - 1 > MAX_ROWS or rows * cols > XLSX_MAX_CELLS:
            # Counted over every cell, empty ones too: count again, filled cells only
            # (calamine's extent), before refusing.
            _check_sheet_extent_counted(book, info)
            return


def _check_sheet_extent_counted(book: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """:func:`_check_sheet_extent` for a sheet with cells or rows without an address."""
    row = col = rows = cols = 0
    for data in _chunks(book, info):
        for m in _TAG.finditer(data):
            tag, attrs, empty = m.groups()
            ref = _REF.search(attrs or b"")
            if tag == b"row":
                row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                col = 0
                continue
            if ref and ref.group(1):
                col, at_row = _column_number(ref.group(1)), int(ref.group(2) or row)
            else:
                col, at_row = col + 1, row
            if not empty:
                rows, cols = max(rows, at_row), max(cols, col)
        _check_extent(rows, cols, info.filename)


def _chunks(book: zipfile.ZipFile, info: zipfile.ZipInfo):
    """The part's bytes in chunks of whole tags (each ends at a ``>``)."""
    rest = b""
    with book.open(info) as part:
        while chunk := part.read(_CHUNK):
            data = rest + chunk
            cut = data.rfind(b">") + 1
            yield data[:cut]
            rest = data[cut:]


def _column_number(letters: bytes) -> int:
    """Excel column letters to a 1-based number (A -> 1, AA -> 27)."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _check_extent(rows: int, cols: int, part: str) -> None:
    if rows - 1 > MAX_ROWS or rows * cols > XLSX_MAX_CELLS:
        raise LimitExceeded(
            f"sheet terlalu besar: sel terisi sampai baris {rows} dan kolom "
            f"{_column_letters(cols)} ({rows * cols} sel dihitung dari A1); tidak dibaca",
            f"paling banyak {_count(MAX_ROWS)} baris data dan {_count(XLSX_MAX_CELLS)} sel per "
            "sheet; hapus isi sel di luar tabel data lalu simpan ulang",
            sheet=part,
            row=rows,
            column=_column_letters(cols),
        )


# <sheet name="laporan" ... r:id="rId1"/> in xl/workbook.xml, and its relationship's target.
_SHEET = re.compile(rb"<(?:\w+:)?sheet\s([^>]*)>")
_RELATION = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*)>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


def _sheet_names(book: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part (``xl/worksheets/sheet1.xml``) -> the sheet's name as Excel shows it.

    Read from ``xl/workbook.xml`` and its relationships with regular expressions (no XML
    parser: nothing of the file is trusted yet); ``{}`` when they are absent.
    """
    try:
        workbook = book.read("xl/workbook.xml")
        rels = book.read("xl/_rels/workbook.xml.rels")
    except (KeyError, OSError, zipfile.BadZipFile):
        return {}
    targets = {}
    for m in _RELATION.finditer(rels):
        attrs = dict(_ATTR.findall(m.group(1)))
        target = attrs.get(b"Target", b"").decode("utf-8", "replace").lstrip("/")
        targets[attrs.get(b"Id")] = target if target.startswith("xl/") else f"xl/{target}"
    names = {}
    for m in _SHEET.finditer(workbook):
        attrs = dict(_ATTR.findall(m.group(1)))
        rid = next((v for k, v in attrs.items() if k.endswith(b":id")), None)
        if rid in targets:
            names[targets[rid]] = html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))
    return names
