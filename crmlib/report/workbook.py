"""The month's tables as one Excel workbook (``tabel.xlsx``), and the writer of any workbook.

One sheet per report table with Indonesian headers; numbers and dates are real Excel
numbers and dates (number formats change only the display), text always stays text
(never a formula). The file is written atomically, as ``metrics.json`` is
(:mod:`crmlib.report.outputs`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

import crmlib
from crmlib.metrics import NILAI_COLUMNS, STATUSES, Metrics
from crmlib.report.escape import seperti_rumus
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
    data = [df[c].tolist() for c in cols]
    return [[_cell_value(col[i]) for col in data] for i in range(len(df))]


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


def _text_stays_text(ws) -> None:
    """Write every text value as text: never a formula, not even after editing the cell.

    openpyxl stores a string starting with ``=`` as a formula; the values come from
    the export (``=HYPERLINK(...)`` in a category must stay a category).
    """
    for row in ws.iter_rows():
        for cell in row:
            if seperti_rumus(cell.value):
                cell.data_type = "s"
                # Excel keeps the text as text when the cell is edited.
                cell.quotePrefix = True


def _links_and_filter(ws, sheet: Sheet) -> None:
    """The sheet's links to other sheets, and the filter buttons on its header."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    for (i, j), target in sheet.links.items():
        cell = ws.cell(row=i + 2, column=j + 1)
        # Inside the workbook (location), never an external relationship.
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{target}'!A1")
        cell.font = Font(color="0563C1", underline="single")
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
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        ws.append(sheet.header)
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = Alignment(vertical="center", wrap_text=False)
        for row in sheet.rows:
            ws.append(row)
        _text_stays_text(ws)
        widths = [len(h) for h in sheet.header]
        for row in sheet.rows:
            for j, value in enumerate(row):
                widths[j] = max(widths[j], _width(value))
        for j, width in enumerate(widths):
            ws.column_dimensions[get_column_letter(j + 1)].width = min(max(width + 2, 6), 60)
        for j, fmt in sheet.formats.items():
            for (cell,) in ws.iter_rows(min_row=2, min_col=j + 1, max_col=j + 1):
                if cell.value is not None and not isinstance(cell.value, str):
                    cell.number_format = fmt
        if sheet.name == "Ringkasan":
            for (cell,) in ws.iter_rows(min_row=2, min_col=2, max_col=2):
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = _FMT_DT
                elif isinstance(cell.value, float):
                    cell.number_format = _FMT_3
        ws.freeze_panes = "A2"
        _links_and_filter(ws, sheet)
    created = created or _NO_DATE
    # openpyxl would stamp the modification date (and the zip its parts) with the clock.
    # The document dates are UTC; ``created`` is Jakarta wall time (UTC+7, no DST).
    utc = created - dt.timedelta(hours=7)
    wb.properties.created = wb.properties.modified = utc
    wb.properties.creator = f"crmlib {crmlib.__version__}"
    wb.properties.title = title

    def write(tmp: Path) -> None:
        from openpyxl.xml.functions import tostring

        wb.save(tmp)  # stamps the modification date with the clock: put back below
        wb.properties.modified = utc
        _rezip(tmp, created, {"docProps/core.xml": tostring(wb.properties.to_tree())})

    return _atomic_write(Path(path), write)


_NO_DATE = dt.datetime(2000, 1, 1)


def _rezip(path: Path, when: dt.datetime, replace: dict[str, bytes]) -> None:
    """Rewrite a zip with every part dated ``when`` and stored uncompressed; parts in ``replace`` replaced.

    Same parts in, same bytes out on any machine: no clock, no time zone, and no
    dependence on the zlib the Python at hand was built with (zlib and zlib-ng
    deflate the same bytes differently). A workbook of the report is under 100 kB
    either way.
    """
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = [(i.filename, replace.get(i.filename) or z.read(i)) for i in z.infolist()]
    stamp = when.timetuple()[:6]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3  # Unix, wherever it is written
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
