"""A workbook's sheets streamed as XML, and the fixed zip the workbook is stored in.

openpyxl builds a Python object per cell (also in its write-only mode) and writes it
element by element through lxml: about 10 µs a cell, most of the time a month's
``tabel.xlsx`` with its ticket lists took (write-only mode alone saved under a third). Here openpyxl still makes every part of the
package (workbook, styles, relationships, document properties, and each sheet's layout
elements: widths, frozen header, filter, links), while each sheet's rows go as XML
text straight into the zip, a few hundred rows at a time: the cell types, values and
styles openpyxl would give the same values, without a cell model in memory.

Used by :func:`crmlib.report.workbook.write_workbook`; the sheet is any object with
``header``, ``rows``, ``formats``, ``links`` and ``autofilter`` (``workbook.Sheet``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from crmlib.report.escape import seperti_rumus

__all__ = ["Gaya", "ZipTetap", "lembar_xml"]

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# Rows written to the zip at a time: large enough to write rarely, small enough that
# a sheet of a large month never sits in memory as text.
_BARIS_PER_POTONG = 512

# openpyxl refuses these (IllegalCharacterError) and lxml these (ValueError): an XML
# file cannot hold them, so they stop the write as they did before.
_ILEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
_BUKAN_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
_PERLU_ESCAPE = re.compile("[&<>\r]")
# Text that Excel reads as an error value; openpyxl writes it as one.
_KODE_GALAT = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
_MAKS_TEKS = 32767  # the longest text a cell holds (openpyxl cuts what is longer)


class Gaya:
    """The workbook's cell styles, each registered once with openpyxl (which writes them).

    Parameters
    ----------
    wb : openpyxl.Workbook
        The workbook whose stylesheet holds the styles.
    """

    def __init__(self, wb) -> None:
        from openpyxl.styles import Alignment, Font

        self._wb = wb
        self._ids: dict[tuple, int] = {}
        self._font = {"tebal": Font(bold=True), "tautan": Font(color="0563C1", underline="single")}
        self._rata = Alignment(vertical="center", wrap_text=False)

    def id(
        self,
        fmt: str | None = None,
        font: str | None = None,
        kutip: bool = False,
        rata: bool = False,
    ) -> int:
        """The style index (``s``) of a cell: number format, font, quote prefix, alignment.

        0 is openpyxl's default style, which a cell does not name.
        """
        key = (fmt, font, kutip, rata)
        found = self._ids.get(key)
        if found is None:
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(self._wb.worksheets[0])
            if fmt is not None:
                cell.number_format = fmt
            if font is not None:
                cell.font = self._font[font]
            if kutip:
                cell.quotePrefix = True
            if rata:
                cell.alignment = self._rata
            found = self._ids[key] = cell.style_id if cell.has_style else 0
        return found


def _teks(value: str) -> tuple[str, str]:
    """A text as openpyxl writes it: cut to a cell's length, escaped; its ``t`` attribute."""
    value = value[:_MAKS_TEKS]
    if _ILEGAL.search(value):
        from openpyxl.utils.exceptions import IllegalCharacterError

        raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
    if _BUKAN_XML.search(value):
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes")
    if not value:  # openpyxl writes an empty text as an empty cell (read back: no value)
        return "inlineStr", ""
    if value in _KODE_GALAT:
        return "e", f"<v>{value}</v>"
    ruang = ' xml:space="preserve"' if value != value.strip() else ""
    if _PERLU_ESCAPE.search(value):
        value = (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")).replace(
            "\r", "&#13;"
        )
    return "inlineStr", f"<is><t{ruang}>{value}</t></is>"


def _angka(value: Any) -> str:
    """A number as openpyxl writes it (16 significant digits; NaN and infinity empty)."""
    if not isinstance(value, int):
        value = float(value)
        if math.isnan(value) or math.isinf(value):
            return ""
    return f"{value:.16g}"


class _Baris:
    """Writes the rows of one sheet; the cells' styles looked up once per column."""

    def __init__(self, sheet: Any, gaya: Gaya, epoch: dt.datetime, per_sel: dict) -> None:
        from openpyxl.cell.cell import get_time_format
        from openpyxl.utils import get_column_letter
        from openpyxl.utils.datetime import to_excel

        lebar = max([len(sheet.header), *(len(r) for r in sheet.rows)])
        self.huruf = [get_column_letter(j + 1) for j in range(lebar)]
        self.fmt = [sheet.formats.get(j) for j in range(lebar)]
        self.s_angka = [gaya.id(f) for f in self.fmt]
        self.to_excel, self.format_waktu = to_excel, get_time_format
        # A date and time keeps openpyxl's own format unless its column names one.
        self.s_waktu = [gaya.id(f or get_time_format(dt.datetime)) for f in self.fmt]
        self.s_kutip = gaya.id(kutip=True)
        self.gaya, self.epoch, self.links = gaya, epoch, sheet.links
        # The cells that are not a column's plain value: a link, or a format of their own.
        self.khusus = {**dict.fromkeys(sheet.links), **dict.fromkeys(per_sel)}
        self.per_sel = per_sel
        self.tautan: list = []

    def kepala(self, header: list[str]) -> str:
        """Row 1: the header, bold, centred vertically; text, never a formula."""
        cells = []
        for j, value in enumerate(header):
            s = self.gaya.id(font="tebal", kutip=seperti_rumus(value), rata=True)
            if value is None:  # a styled empty cell, as openpyxl writes one
                cells.append(f'<c r="{self.huruf[j]}1" s="{s}"/>')
                continue
            kind, body = _teks(value)
            cells.append(f'<c r="{self.huruf[j]}1" s="{s}" t="{kind}">{body}</c>')
        return f'<row r="1">{"".join(cells)}</row>'

    def baris(self, i: int, row: list[Any]) -> str:
        """The sheet's row ``i`` (0-based, under the header) as a ``<row>`` element."""
        r = i + 2
        cells = []
        for j, value in enumerate(row):
            if self.khusus and (i, j) in self.khusus:
                cells.append(self._sel_khusus(i, j, value, r))
                continue
            t = type(value)
            if value is None:
                continue
            if t is str:
                kind, body = _teks(value)
                s = self.s_kutip if seperti_rumus(value) else 0
            elif t is int or t is float:
                kind, body, s = "n", f"<v>{_angka(value)}</v>", self.s_angka[j]
            elif t is dt.datetime:
                kind, s = "n", self.s_waktu[j]
                body = f"<v>{_angka(self.to_excel(value, self.epoch))}</v>"
            else:
                kind, body, s = self._lain(value, self.fmt[j])
            attr = f' s="{s}"' if s else ""
            cells.append(f'<c r="{self.huruf[j]}{r}"{attr} t="{kind}">{body}</c>')
        return f'<row r="{r}">{"".join(cells)}</row>'

    def _lain(self, value: Any, fmt: str | None, font: str | None = None) -> tuple[str, str, int]:
        """A value other than a text, int or float: its type, ``<v>`` and style."""
        from openpyxl.cell.cell import NUMERIC_TYPES, TIME_TYPES

        if isinstance(value, bool):
            return "b", f"<v>{_angka(value)}</v>", self.gaya.id(fmt, font)
        if isinstance(value, NUMERIC_TYPES):
            return "n", f"<v>{_angka(value)}</v>", self.gaya.id(fmt, font)
        if isinstance(value, TIME_TYPES):
            if getattr(value, "tzinfo", None) is not None:
                raise TypeError("Excel does not support timezones in datetimes.")
            fmt = fmt or self.format_waktu(type(value))
            return (
                "n",
                f"<v>{_angka(self.to_excel(value, self.epoch))}</v>",
                self.gaya.id(fmt, font),
            )
        if isinstance(value, bytes):
            return self._teks_bergaya(value.decode("utf-8"), font)
        raise ValueError(f"Cannot convert {value!r} to Excel")

    def _teks_bergaya(self, value: str, font: str | None) -> tuple[str, str, int]:
        kind, body = _teks(value)
        return kind, body, self.gaya.id(font=font, kutip=seperti_rumus(value))

    def _sel_khusus(self, i: int, j: int, value: Any, r: int) -> str:
        """A cell with a link to another sheet, or a number format of its own."""
        from openpyxl.worksheet.hyperlink import Hyperlink

        ref = f"{self.huruf[j]}{r}"
        target = self.links.get((i, j))
        font = "tautan" if target is not None else None
        if target is not None:
            # Inside the workbook (location), never an external relationship.
            location = f"'{target}'!A1"
            self.tautan.append(Hyperlink(ref=ref, location=location))
            value = location if value is None else value  # as openpyxl fills a linked cell
        if value is None:
            return ""
        if isinstance(value, str):
            kind, body, s = self._teks_bergaya(value, font)
        else:
            kind, body, s = self._lain(value, self.per_sel.get((i, j), self.fmt[j]), font)
        attr = f' s="{s}"' if s else ""
        return f'<c r="{ref}"{attr} t="{kind}">{body}</c>'


def lembar_xml(ws, sheet: Any, gaya: Gaya, per_sel: dict | None = None) -> Iterator[bytes]:
    """The XML of one worksheet, in pieces: layout from openpyxl's ``ws``, rows from ``sheet``.

    Parameters
    ----------
    ws : openpyxl worksheet
        The sheet in openpyxl's workbook, its column widths, frozen panes and filter set.
    sheet : workbook.Sheet
        Header, rows, number formats per column, links to other sheets.
    gaya : Gaya
        The workbook's styles.
    per_sel : dict, optional
        (0-based row, column) → a number format for that cell instead of its column's.

    Yields
    ------
    bytes
        The worksheet part, in the element order of the schema (as openpyxl writes it).
    """
    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.worksheet.hyperlink import HyperlinkList
    from openpyxl.xml.functions import tostring

    tulis = _Baris(sheet, gaya, ws.parent.epoch, per_sel or {})
    akhir = f"{tulis.huruf[-1] if tulis.huruf else 'A'}{len(sheet.rows) + 1}"
    yield f'<worksheet xmlns="{_NS}">'.encode()
    yield tostring(ws.sheet_properties.to_tree())
    yield tostring(SheetDimension(f"A1:{akhir}").to_tree())
    yield tostring(ws.views.to_tree())
    yield tostring(ws.sheet_format.to_tree())
    cols = ws.column_dimensions.to_tree()
    if cols is not None:
        yield tostring(cols)
    potong = ["<sheetData>", tulis.kepala(sheet.header)]
    for i, row in enumerate(sheet.rows):
        potong.append(tulis.baris(i, row))
        if len(potong) >= _BARIS_PER_POTONG:
            yield "".join(potong).encode()
            potong = []
    potong.append("</sheetData>")
    yield "".join(potong).encode()
    if ws.auto_filter:
        yield tostring(ws.auto_filter.to_tree())
    if tulis.tautan:
        yield tostring(HyperlinkList(tulis.tautan).to_tree())
    yield tostring(ws.page_margins.to_tree())
    yield b"</worksheet>"


class ZipTetap(zipfile.ZipFile):
    """A workbook's zip: every part stored uncompressed, dated ``when``, its sheets streamed.

    Same parts in, same bytes out on any machine: no clock, no time zone, no file
    dates, and no dependence on the zlib the Python at hand was built with (zlib and
    zlib-ng deflate the same bytes differently). openpyxl's writer adds its parts
    through ``writestr`` and ``write``; the sheets named in ``lembar`` are written from
    their pieces instead of openpyxl's (empty) sheet file.

    Parameters
    ----------
    path : path
        The zip file to write.
    when : datetime
        The date of every part.
    lembar : dict
        Part name (``xl/worksheets/sheet1.xml``) → a callable giving its pieces.
    """

    def __init__(
        self, path: Path | IO[bytes], when: dt.datetime, lembar: dict[str, Callable]
    ) -> None:
        super().__init__(path, "w", zipfile.ZIP_STORED)
        self._stamp = when.timetuple()[:6]
        self._lembar = dict(lembar)

    def _info(self, name: str, size: int = 0) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._stamp)
        info.create_system = 3  # Unix, wherever it is written
        info.external_attr = 0o644 << 16
        info.file_size = size  # decides the zip64 fields before the part is written
        return info

    def writestr(self, name, data, *args, **kwargs) -> None:
        if isinstance(name, zipfile.ZipInfo):
            name = name.filename
        if name == "xl/styles.xml" and self._lembar:
            # A sheet written after the stylesheet could name a style it lacks.
            raise RuntimeError(f"openpyxl wrote the styles before {sorted(self._lembar)}")
        data = data.encode("utf-8") if isinstance(data, str) else data
        super().writestr(self._info(name, len(data)), data)

    def write(self, filename, arcname=None, *args, **kwargs) -> None:
        name = arcname or Path(filename).name
        pieces = self._lembar.pop(name, None)
        if pieces is None:
            with open(filename, "rb") as src:
                self.writestr(name, src.read())
            return
        # Streamed: the sheet is never whole in memory. Without zip64 a part stops at
        # 2 GiB, far above a sheet of Excel's 1 048 576 rows of the report's columns.
        with self.open(self._info(name), "w") as dst:
            for piece in pieces():
                dst.write(piece)

    def selesai(self) -> None:
        """Check every sheet was written (openpyxl names sheet parts by position)."""
        if self._lembar:
            raise RuntimeError(f"sheets openpyxl did not write: {sorted(self._lembar)}")
