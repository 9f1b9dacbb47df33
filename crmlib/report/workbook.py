"""The month's tables as one Excel workbook (``tabel.xlsx``), and the writer of any workbook.

One sheet per report table with Indonesian headers; numbers and dates are real Excel
numbers and dates (number formats change only the display), text always stays text
(never a formula). The file is written atomically, as ``metrics.json`` is
(:mod:`crmlib.report.outputs`), its sheets streamed row by row into a zip stored
uncompressed with fixed dates (:mod:`crmlib.report.xlsx_stream`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import crmlib
from crmlib.metrics import NILAI_COLUMNS, STATUSES, Metrics
from crmlib.report import xlsx_stream
from crmlib.report.outputs import _atomic_write, _cell_value
from crmlib.report.tiket import DAFTAR, Daftar, teks_aturan

__all__ = ["Sheet", "write_tables_xlsx", "write_workbook"]


_FMT_INT = "#,##0"
_FMT_2 = "#,##0.00"
_FMT_3 = "#,##0.000"
_FMT_DT = "dd/mm/yyyy hh:mm"
_FMT_DATE = "dd/mm/yyyy"


@dataclasses.dataclass
class Sheet:
    """One worksheet: its name, header row, rows of real values, and number formats."""

    name: str
    header: list[str]
    rows: list[list[Any]]
    formats: dict[int, str]  # 0-based column → Excel number format
    # A filter button on every header cell (the ticket lists: filter by unit, by rule).
    autofilter: bool = False
    # (0-based row, column) → the sheet that cell links to.
    links: dict[tuple[int, int], str] = dataclasses.field(default_factory=dict)


def _columns(df: pd.DataFrame, cols: list[str]) -> list[list[Any]]:
    return [list(row) for row in zip(*(_values(df[c]) for c in cols), strict=True)]


def _values(column: pd.Series) -> list[Any]:
    """A column's values as :func:`_cell_value` gives them, a NumPy column converted at once.

    A ticket list has a row per report: converting value by value was most of the
    time the workbook of a large month took apart from writing it.
    """
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return column.tolist()  # Python ints and bools; never missing
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return [None if v != v else v for v in column.tolist()]  # NaN is missing
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        return [None if v is pd.NaT else v for v in column.array.to_pydatetime()]
    return [v if type(v) is str else _cell_value(v) for v in column.tolist()]


def _numbered(rows: list[list[Any]]) -> list[list[Any]]:
    return [[i, *r] for i, r in enumerate(rows, start=1)]


def _sheets(m: Metrics) -> list[Sheet]:
    """Every sheet of the month's workbook, in the report's order."""
    return [
        _sheet_ringkasan(m),
        *_sheets_rekap(m),
        *_sheets_top(m),
        *_sheets_peringkat(m),
        *_sheets_daftar(m),
        *_sheets_sebaran(m),
        *_sheets_tiket(m),
    ]


def _sheet_ringkasan(m: Metrics) -> Sheet:
    """The headline figures and the settings they were computed with."""
    p = m.params
    ringkasan = [
        ["Periode", m.periode],
        ["Kota", m.kota],
        ["Per Tanggal", _cell_value(m.per_tanggal)],
        ["Jumlah Laporan", m.total_laporan],
        ["Jumlah Laporan Koordinasi", m.total_koordinasi],
        ["Jumlah Laporan Selesai (Dinilai)", m.jumlah_selesai],
        ["Capaian (%)", m.capaian_persen],
        ["Batas Waktu Respon (Jam)", p.batas_respon_jam],
        [f"Direspon ≤ {p.batas_respon_jam:g} Jam", m.respon["tepat_waktu"]],
        [f"Direspon > {p.batas_respon_jam:g} Jam atau Belum Direspon", m.respon["terlambat"]],
        ["Jumlah Peringkat Teratas (UKPD/Kategori)", p.top_n],
        ["Jumlah Peringkat Kelurahan", p.peringkat_n],
        ["Ambang TL Ditolak (Kali)", p.ambang_ditolak],
        ["Langkah Keterlambatan TL (Jam)", p.langkah_jam],
        ["Pengurangan Nilai per Langkah", p.penalti_per_langkah],
        ["Versi crmlib", crmlib.__version__],
    ]
    rows = [[k, _cell_value(v)] for k, v in ringkasan]
    if m.tiket is None:
        return Sheet("Ringkasan", ["Uraian", "Nilai"], rows, {1: "General"})
    return _ringkasan_tiket(m, rows)


# The headline figures each ticket list explains (by Ringkasan row number, 0-based).
_RINGKASAN_TIKET = {
    5: "penyelesaian",
    6: "nilai_dibawah_100",
    8: "respon",
    9: "respon",
}


def _ringkasan_tiket(m: Metrics, rows: list[list[Any]]) -> Sheet:
    """Ringkasan with a third column naming (and linking) the sheet of each figure's tickets."""
    sheet = {d.kunci: d.sheet for d in DAFTAR}
    p = m.params
    tambahan = [
        [
            f"TL Ditolak ≥ {p.ambang_ditolak:g} Kali (Laporan)",
            len(m.tiket.tl_ditolak),
            "tl_ditolak",
        ],
        ["Nilai TL < 100 (Laporan)", len(m.tiket.nilai_dibawah_100), "nilai_dibawah_100"],
        ["Koordinasi Sudah Diproses (Baris)", len(m.tiket.koordinasi), "koordinasi"],
    ]
    links = {(i, 2): sheet[k] for i, k in _RINGKASAN_TIKET.items()}
    out = [[*r, sheet.get(_RINGKASAN_TIKET.get(i, ""))] for i, r in enumerate(rows)]
    for label, value, kunci in tambahan:
        links[(len(out), 2)] = sheet[kunci]
        out.append([label, value, sheet[kunci]])
    out.append(
        [
            "Cara Membaca Daftar Tiket",
            "Klik nama sheet di kolom Daftar Tiket; di sheet itu saring kolom Nama UKPD "
            "(dan Aturan) untuk melihat tiket di balik angka satu UKPD.",
            None,
        ]
    )
    return Sheet("Ringkasan", ["Uraian", "Nilai", "Daftar Tiket"], out, {1: "General"}, links=links)


def _sheets_rekap(m: Metrics) -> list[Sheet]:
    """The status recap per unit (with its grand total) and per kecamatan."""
    status_fmt = dict.fromkeys(range(4, 9), _FMT_INT)
    rekap_rows = _numbered(
        _columns(m.rekap_status, ["ukpd", "tingkat", "kecamatan", *STATUSES, "total"])
    )
    totals = [int(m.rekap_status[c].sum()) for c in (*STATUSES, "total")]
    rekap_rows.append([None, "Grand Total", None, None, *totals])
    kec_rows = _numbered(_columns(m.rekap_kecamatan, ["kelompok", *STATUSES, "total"]))
    return [
        Sheet(
            "Rekap Status",
            ["No", "Nama UKPD", "Tingkat", "Kecamatan", *STATUSES, "Total"],
            rekap_rows,
            {0: "0", **status_fmt},
        ),
        Sheet(
            "Rekap Kecamatan",
            ["No", "Kecamatan", *STATUSES, "Total"],
            kec_rows,
            {0: "0", **dict.fromkeys(range(2, 7), _FMT_INT)},
        ),
    ]


def _sheets_top(m: Metrics) -> list[Sheet]:
    """The units and categories with the most reports."""
    return [
        Sheet(
            "Top UKPD",
            ["Peringkat", "Nama UKPD", "Jumlah Laporan"],
            _columns(m.top_ukpd, ["peringkat", "ukpd", "jumlah"]),
            {0: "0", 2: _FMT_INT},
        ),
        Sheet(
            "Top Kategori",
            ["Peringkat", "Kategori Aduan", "Jumlah Aduan"],
            _columns(m.top_kategori, ["peringkat", "kategori", "jumlah"]),
            {0: "0", 2: _FMT_INT},
        ),
    ]


def _sheets_peringkat(m: Metrics) -> list[Sheet]:
    """The four fastest/slowest kelurahan rankings."""
    return [
        _ranking(m.koordinasi_tercepat, "rerata_menit", "Koordinasi Tercepat", "Menit", _FMT_2),
        _ranking(m.koordinasi_terlama, "rerata_jam", "Koordinasi Terlama", "Jam", _FMT_3),
        _ranking(m.penyelesaian_tercepat, "rerata_menit", "Penyelesaian Tercepat", "Menit", _FMT_2),
        _ranking(m.penyelesaian_terlama, "rerata_jam", "Penyelesaian Terlama", "Jam", _FMT_2),
    ]


def _ranking(df: pd.DataFrame, value: str, sheet: str, unit: str, fmt: str) -> Sheet:
    """One kelurahan ranking: rank, name, number of reports, mean time."""
    # Completion tables get completion headers: the seed's copy of the coordination
    # headers there is a known fault (contract §4).
    kind = sheet.split()[0]
    counted = "Koordinasi" if kind == "Koordinasi" else "Selesai"
    header = [
        "Peringkat",
        "Nama Kelurahan",
        f"Jumlah Laporan {counted}",
        f"Rerata Waktu {kind} ({unit})",
    ]
    return Sheet(
        sheet,
        header,
        _columns(df, ["peringkat", "ukpd", "jumlah", value]),
        {0: "0", 2: _FMT_INT, 3: fmt},
    )


def _sheets_daftar(m: Metrics) -> list[Sheet]:
    """The reports listed one by one: rejected follow-ups and scores below 100."""
    return [
        Sheet(
            "TL Ditolak",
            [
                "No",
                "Nama UKPD",
                "No. Laporan",
                "Kanal Laporan",
                "Kategori",
                "Status Laporan",
                "Total TL Ditolak",
            ],
            _numbered(
                _columns(
                    m.tl_ditolak,
                    ["ukpd", "nomor_laporan", "kanal", "kategori", "status", "jumlah_ditolak"],
                )
            ),
            {0: "0", 6: _FMT_INT},
        ),
        Sheet(
            "Nilai TL < 100",
            [
                "No",
                "No. Laporan",
                "Nama UKPD",
                "Kategori",
                "Rincian Masalah",
                "Tgl Masuk",
                "Tgl TL",
                "Max Waktu TL (Jam)",
                "Waktu TL (Jam)",
                "Nilai TL",
            ],
            _numbered(
                _columns(
                    m.nilai_tl_dibawah_100,
                    NILAI_COLUMNS,
                )
            ),
            {0: "0", 5: _FMT_DT, 6: _FMT_DT, 7: "General", 8: _FMT_2, 9: "General"},
        ),
    ]


def _sheets_sebaran(m: Metrics) -> list[Sheet]:
    """Reports per intake channel and per day."""
    return [
        Sheet(
            "Per Kanal",
            ["No", "Kanal", "Keterangan", "Jumlah Laporan"],
            _numbered(_kanal_rows(m.per_kanal)),
            {0: "0", 3: _FMT_INT},
        ),
        Sheet(
            "Harian",
            ["Tanggal", "Jumlah Laporan"],
            _columns(m.harian, ["tanggal", "jumlah"]),
            {0: _FMT_DATE, 1: _FMT_INT},
        ),
    ]


_TIKET_FORMAT = {"waktu": _FMT_DT, "jam": _FMT_2, "menit": _FMT_2, "angka": "General"}


def _sheets_tiket(m: Metrics) -> list[Sheet]:
    """A sheet per ticket list (when computed): unit first, filterable header."""
    if m.tiket is None:
        return []
    aturan = teks_aturan(dataclasses.asdict(m.params))
    return [_sheet_tiket(d, getattr(m.tiket, d.kunci), aturan) for d in DAFTAR]


def _sheet_tiket(daftar: Daftar, df: pd.DataFrame, aturan: dict[str, str]) -> Sheet:
    """One ticket list: No, Nama UKPD, its columns; the rule code as its text."""
    df = df.assign(aturan=df["aturan"].map(aturan))
    formats = {
        j + 2: _TIKET_FORMAT[k.jenis]
        for j, k in enumerate(daftar.kolom)
        if k.jenis in _TIKET_FORMAT
    }
    return Sheet(
        daftar.sheet,
        ["No", "Nama UKPD", *(k.judul for k in daftar.kolom)],
        _numbered(_columns(df, ["ukpd", *(k.kunci for k in daftar.kolom)])),
        {0: "0", **formats},
        autofilter=True,
    )


def _kanal_rows(df: pd.DataFrame) -> list[list[Any]]:
    ket = df["keterangan"] if "keterangan" in df.columns else df["kanal"]
    return _columns(df.assign(_ket=ket), ["kanal", "_ket", "jumlah"])


def _width(value: Any) -> int:
    if type(value) is str:  # most cells: checked first
        return len(value)
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, float):
        return len(f"{value:,.3f}")
    if isinstance(value, int):
        return len(f"{value:,}")
    return len(str(value))


def _column_widths(sheet: Sheet) -> list[float]:
    """Each column's width: its longest value (or header) plus a margin, 6 to 60 characters.

    A streaming sheet writes its column widths before its first row, so they are
    computed from the values first.
    """
    widths = [len(h) for h in sheet.header]
    for row in sheet.rows:
        for j, value in enumerate(row):
            if value is not None:
                widths[j] = max(widths[j], _width(value))
    return [min(max(width + 2, 6), 60) for width in widths]


def _per_sel(sheet: Sheet) -> dict[tuple[int, int], str]:
    """Cells with a number format of their own: Ringkasan's one column of every kind of figure."""
    if sheet.name != "Ringkasan":
        return {}
    out = {}
    for i, row in enumerate(sheet.rows):
        value = row[1] if len(row) > 1 else None
        if isinstance(value, dt.datetime):
            out[(i, 1)] = _FMT_DT
        elif isinstance(value, float):
            out[(i, 1)] = _FMT_3
    return out


def _tata_letak(ws, sheet: Sheet) -> None:
    """A sheet's layout: columns sized to their content, header frozen, filter buttons."""
    from openpyxl.utils import get_column_letter

    for j, width in enumerate(_column_widths(sheet)):
        ws.column_dimensions[get_column_letter(j + 1)].width = width
    ws.freeze_panes = "A2"
    if sheet.autofilter:
        last = get_column_letter(len(sheet.header))
        ws.auto_filter.ref = f"A1:{last}{len(sheet.rows) + 1}"


def write_tables_xlsx(m: Metrics, path: Path | str) -> Path:
    """Write the month's report tables as one Excel workbook, atomically.

    Parameters
    ----------
    m : Metrics
        The month's metrics.
    path : path
        Target ``.xlsx`` file (parent folders are created).

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    One sheet per report table (``Ringkasan``, ``Rekap Status``, ``Rekap Kecamatan``,
    ``Top UKPD``, ``Top Kategori``, ``Koordinasi Tercepat``/``Terlama``,
    ``Penyelesaian Tercepat``/``Terlama``, ``TL Ditolak``, ``Nilai TL < 100``,
    ``Per Kanal``, ``Harian``) with Indonesian headers, and, when the metrics hold
    the ticket lists (``m.tiket``), a sheet per list (``Tiket Respon``, ``Tiket TL
    Ditolak``, ``Tiket Nilai TL < 100``, ``Tiket Koordinasi``, ``Tiket
    Penyelesaian``: unit in a column, a filter on the header) that ``Ringkasan``
    names and links beside the figure each explains. Numbers and dates are real
    Excel numbers/dates (unrounded; number formats only change the display), the
    header row is frozen and bold, columns are sized to their content. Unit names
    stay canonical (``KELURAHAN CIPAYUNG``) so they match ``metrics.json``. Text is
    always written as text, never as a formula (``=HYPERLINK(...)`` in a category
    stays those characters).
    """
    if m.per_tanggal is not None:
        created = m.per_tanggal.to_pydatetime()
    else:  # no as-of time: the first moment after the period (never the clock)
        created = (pd.Period(m.periode, "M") + 1).to_timestamp().to_pydatetime()
    title = f"Tabel Laporan Bulanan CRM {m.kota} {m.periode}"
    return write_workbook(_sheets(m), path, title, created)


def write_workbook(
    sheets: list[Sheet], path: Path | str, title: str, created: dt.datetime | None = None
) -> Path:
    """Write sheets as one Excel workbook, atomically; text always stays text.

    Parameters
    ----------
    sheets : list of Sheet
        Name, header, rows (real numbers and dates) and number formats per column.
    path : path
        Target ``.xlsx`` file (parent folders are created).
    title : str
        The workbook's document title.
    created : datetime, optional
        The document's creation (and modification) date and the date of every part
        of the file, naive Jakarta time; from the data, not the clock, so that
        rebuilding the same data changes nothing. Without one, 1 January 2000.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    # openpyxl writes the package; the sheets' rows are streamed by xlsx_stream (an
    # openpyxl cell per value cost most of the time, and memory per cell).
    wb = Workbook(write_only=True)
    parts = {}
    for k, sheet in enumerate(sheets, start=1):
        ws = wb.create_sheet(sheet.name)
        _tata_letak(ws, sheet)
        parts[f"xl/worksheets/sheet{k}.xml"] = (ws, sheet)
    gaya = xlsx_stream.Gaya(wb)
    lembar = {
        name: functools.partial(xlsx_stream.lembar_xml, ws, sheet, gaya, _per_sel(sheet))
        for name, (ws, sheet) in parts.items()
    }
    created = created or _NO_DATE
    # The document dates are UTC; ``created`` is Jakarta wall time (UTC+7, no DST).
    utc = created - dt.timedelta(hours=7)
    wb.properties.created = wb.properties.modified = utc
    wb.properties.creator = f"crmlib {crmlib.__version__}"
    wb.properties.title = title

    def write(tmp: Path) -> None:
        # ExcelWriter, not ``wb.save``: save stamps the modification date with the clock
        # and deflates every part, which a fixed, stored zip would only undo.
        with xlsx_stream.ZipTetap(tmp, created, lembar) as archive:
            ExcelWriter(wb, archive).write_data()
            archive.selesai()

    return _atomic_write(Path(path), write)


_NO_DATE = dt.datetime(2000, 1, 1)
