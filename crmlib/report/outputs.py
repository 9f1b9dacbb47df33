"""Machine-readable outputs of a month: ``metrics.json`` and the tables workbook.

``metrics.json`` follows the data contract (§2) exactly: fixed key names, canonical
upper-case unit names, unrounded numbers as plain JSON numbers, ISO datetimes. Keys
beyond the contract (``rekap_kecamatan``, ``per_kanal``, ``harian``, ``provenance``,
...) are additions only. Both files are written atomically (temporary file in the
same folder, then :func:`os.replace`), so a failed build never leaves a half-written
file where a published one was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import crmlib
from crmlib.metrics import NILAI_COLUMNS, STATUSES, MetricParams, Metrics
from crmlib.report.escape import seperti_rumus

__all__ = [
    "CONTRACT_KEYS",
    "Sheet",
    "build_provenance",
    "month_provenance",
    "metrics_to_dict",
    "write_metrics_json",
    "write_tables_xlsx",
    "write_workbook",
]

#: Top-level keys the data contract (§2) fixes, in its order.
CONTRACT_KEYS: tuple[str, ...] = (
    "periode",
    "kota",
    "per_tanggal",
    "total_laporan",
    "capaian_persen",
    "respon",
    "rekap_status",
    "top_ukpd",
    "top_kategori",
    "koordinasi_tercepat",
    "koordinasi_terlama",
    "penyelesaian_tercepat",
    "penyelesaian_terlama",
    "tl_ditolak",
    "nilai_tl_dibawah_100",
)


# --------------------------------------------------------------------------- plain values


def _missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _int(value: Any) -> int:
    return int(value)


def _float(value: Any) -> float | None:
    return None if _missing(value) else float(value)


def _number(value: Any) -> int | float | None:
    """Plain int where the value is integral (48, 80), else float: JSON as the contract shows."""
    if _missing(value):
        return None
    f = float(value)
    return int(f) if f.is_integer() else f


def _text(value: Any) -> str | None:
    return None if _missing(value) else str(value)


def _iso(value: Any) -> str | None:
    return None if _missing(value) else pd.Timestamp(value).isoformat()


def _records(df: pd.DataFrame, convert: dict[str, Callable[[Any], Any]]) -> list[dict]:
    """Rows of ``df`` as dicts with the given keys, each value converted to a plain type."""
    columns = {key: df[key].tolist() for key in convert}
    return [{key: fn(columns[key][i]) for key, fn in convert.items()} for i in range(len(df))]


def _status_records(df: pd.DataFrame, head: dict[str, Callable[[Any], Any]]) -> list[dict]:
    out = []
    for rec in _records(df, {**head, **{s: _int for s in STATUSES}, "total": _int}):
        status = {s: rec.pop(s) for s in STATUSES}
        total = rec.pop("total")
        out.append({**rec, "status": status, "total": total})
    return out


def _ranking(df: pd.DataFrame, value: str) -> list[dict]:
    return _records(df, {"peringkat": _int, "ukpd": str, "jumlah": _int, value: _float})


# --------------------------------------------------------------------------- metrics.json


def metrics_to_dict(m: Metrics, provenance: dict | None = None) -> dict:
    """The month's metrics in the shape of ``metrics.json`` (data contract §2).

    Parameters
    ----------
    m : Metrics
        Result of :func:`crmlib.metrics.compute_all`.
    provenance : dict, optional
        Added under ``provenance`` (see :func:`build_provenance`).

    Returns
    -------
    dict
        The contract's keys in the contract's order with plain Python values
        (``int`` for counts and integral scores/limits, ``float`` otherwise, ``None``
        where the contract allows null), followed by additions: ``total_koordinasi``,
        ``jumlah_selesai`` (the base of ``capaian_persen``), ``rekap_kecamatan``,
        ``per_kanal``, ``harian``, ``parameter``, ``per_ukpd`` (every unit's figures,
        :func:`crmlib.metrics.compute_per_ukpd`) and, if given, ``provenance``.
    """
    out: dict[str, Any] = {
        "periode": m.periode,
        "kota": m.kota,
        "per_tanggal": _iso(m.per_tanggal),
        "total_laporan": int(m.total_laporan),
        "capaian_persen": _float(m.capaian_persen),
        "respon": {
            "batas_jam": _number(m.respon["batas_jam"]),
            "tepat_waktu": int(m.respon["tepat_waktu"]),
            "terlambat": int(m.respon["terlambat"]),
        },
        "rekap_status": _status_records(m.rekap_status, {"ukpd": str, "kecamatan": str}),
        "top_ukpd": _records(m.top_ukpd, {"peringkat": _int, "ukpd": str, "jumlah": _int}),
        "top_kategori": _records(
            m.top_kategori, {"peringkat": _int, "kategori": str, "jumlah": _int}
        ),
        "koordinasi_tercepat": _ranking(m.koordinasi_tercepat, "rerata_menit"),
        "koordinasi_terlama": _ranking(m.koordinasi_terlama, "rerata_jam"),
        "penyelesaian_tercepat": _ranking(m.penyelesaian_tercepat, "rerata_menit"),
        "penyelesaian_terlama": _ranking(m.penyelesaian_terlama, "rerata_jam"),
        "tl_ditolak": _records(
            m.tl_ditolak,
            {
                "nomor_laporan": str,
                "ukpd": str,
                "kanal": str,
                "kategori": str,
                "status": str,
                "jumlah_ditolak": _int,
            },
        ),
        "nilai_tl_dibawah_100": _records(
            m.nilai_tl_dibawah_100,
            {
                "nomor_laporan": str,
                "ukpd": str,
                "kategori": str,
                "rincian_masalah": _text,
                "waktu_masuk": _iso,
                "waktu_selesai": _iso,
                "max_waktu_tl_jam": _number,
                "waktu_tl_jam": _float,
                "nilai_tl": _number,
            },
        ),
        # Additions (the contract allows new keys, never renamed or dropped ones).
        "total_koordinasi": int(m.total_koordinasi),
        "jumlah_selesai": int(m.jumlah_selesai),
        "rekap_kecamatan": _status_records(m.rekap_kecamatan, {"kelompok": str, "tingkat": str}),
        "per_kanal": _records(m.per_kanal, {"kanal": str, "jumlah": _int}),
        "harian": _records(
            m.harian, {"tanggal": lambda v: pd.Timestamp(v).date().isoformat(), "jumlah": _int}
        ),
        "parameter": _params_dict(m.params),
    }
    if m.per_ukpd is not None:
        out["per_ukpd"] = _per_ukpd_records(m.per_ukpd)
    if provenance is not None:
        out["provenance"] = provenance
    return out


#: Per-unit figures of ``per_ukpd`` besides the unit, its statuses and total.
PER_UKPD_FIGURES: dict[str, Callable[[Any], Any]] = {
    "tepat_waktu": _int,
    "terlambat": _int,
    "jumlah_selesai": _int,
    "capaian_persen": _float,
    "koordinasi_jumlah": _int,
    "koordinasi_rerata_menit": _float,
    "penyelesaian_jumlah": _int,
    "penyelesaian_rerata_menit": _float,
    "tl_ditolak": _int,
    "nilai_dibawah_100": _int,
    "peringkat_laporan": _int,
    "peringkat_koordinasi": _int,
    "peringkat_penyelesaian": _int,
}


def _per_ukpd_records(df: pd.DataFrame) -> list[dict]:
    head = {"ukpd": str, "tingkat": str, "kecamatan": str}
    figures = _records(df, PER_UKPD_FIGURES)
    return [{**rec, **fig} for rec, fig in zip(_status_records(df, head), figures, strict=True)]


def _params_dict(params: MetricParams) -> dict[str, int | float]:
    return {k: _number(v) for k, v in dataclasses.asdict(params).items()}


def _atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Run ``write(tmp)`` on a temporary file beside ``path``, then move it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        # mkstemp creates 0600; published files must be readable by a static web server.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_metrics_json(m: Metrics, path: Path | str, provenance: dict | None = None) -> Path:
    """Write ``metrics.json`` atomically and deterministically.

    Parameters
    ----------
    m : Metrics
        The month's metrics.
    path : path
        Target file (parent folders are created).
    provenance : dict, optional
        Added under ``provenance``.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    Same metrics in, same bytes out: keys in the contract's order (arrays already
    come sorted by the metric functions), UTF-8 without ``\\u`` escapes, two-space
    indent, newline at the end. NaN can never appear (``allow_nan=False``).
    """
    text = (
        json.dumps(metrics_to_dict(m, provenance), ensure_ascii=False, indent=2, allow_nan=False)
        + "\n"
    )

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())

    return _atomic_write(Path(path), write)


def build_provenance(
    sources: Iterable[dict],
    counts: dict | None,
    params: MetricParams,
    *,
    dropped_columns: dict | None = None,
    notices: Iterable[str] | None = None,
) -> dict:
    """Where a month's figures come from: inputs, parameters, software, row counts.

    Parameters
    ----------
    sources : iterable of dict
        Input files as the reader reports them (``MonthData.sources``): each with a
        ``sha256`` and a ``name``, ``file`` or ``path``. Only the base name is kept,
        so the output does not depend on (or reveal) where the files lay.
    counts : dict
        Per sheet ``read``/``kept``/``left_out`` row counts (``MonthData.counts``).
    params : MetricParams
        Settings the metrics were computed with.
    dropped_columns : dict, optional
        Per sheet, what the reader dropped (``MonthData.dropped_columns``): a number of
        reporter-identifying columns and the names of other unknown columns.
    notices : iterable of str, optional
        Non-error notices of the reader.

    Returns
    -------
    dict
        ``crmlib_version``, ``input`` (``[{name, sha256}]`` sorted by name),
        ``parameter``, ``baris`` and, when given, ``kolom_dibuang`` / ``catatan``.
    """
    inputs = []
    for src in sources:
        where = src.get("name") or src.get("file") or src.get("path")
        if where is None or "sha256" not in src:
            raise ValueError(f"source needs a name/file/path and a sha256: {src!r}")
        inputs.append({"name": Path(str(where)).name, "sha256": str(src["sha256"])})
    out: dict[str, Any] = {
        "crmlib_version": crmlib.__version__,
        "input": sorted(inputs, key=lambda d: (d["name"], d["sha256"])),
        "parameter": _params_dict(params),
        "baris": {
            sheet: {k: int(v) for k, v in per.items()} for sheet, per in (counts or {}).items()
        },
    }
    if dropped_columns is not None:
        out["kolom_dibuang"] = dropped_columns
    if notices:
        out["catatan"] = list(notices)
    return out


# --------------------------------------------------------------------------- tables workbook

_FMT_INT = "#,##0"
_FMT_2 = "#,##0.00"
_FMT_3 = "#,##0.000"
_FMT_DT = "dd/mm/yyyy hh:mm"
_FMT_DATE = "dd/mm/yyyy"


def month_provenance(month: Any, m: Metrics, per_tanggal: object = None) -> dict:
    """The provenance of a month read by :func:`crmlib.data.reader.read_month` and computed as ``m``.

    ``per_tanggal`` is the as-of time that was asked for; without one the
    provenance records none (the metrics may still have derived one).
    """
    provenance = build_provenance(
        month.sources,
        month.counts,
        m.params,
        dropped_columns=month.dropped_columns,
        notices=month.notices,
    )
    provenance["periode"] = month.periode
    provenance["per_tanggal"] = m.per_tanggal.isoformat() if per_tanggal is not None else None
    return provenance


@dataclasses.dataclass
class Sheet:
    """One worksheet: its name, header row, rows of real values, and number formats."""

    name: str
    header: list[str]
    rows: list[list[Any]]
    formats: dict[int, str]  # 0-based column → Excel number format


def _cell_value(value: Any) -> Any:
    """A value openpyxl writes as a real number/date (never a string of digits)."""
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).to_pydatetime()
    return value


def _columns(df: pd.DataFrame, cols: list[str]) -> list[list[Any]]:
    data = [df[c].tolist() for c in cols]
    return [[_cell_value(col[i]) for col in data] for i in range(len(df))]


def _numbered(rows: list[list[Any]]) -> list[list[Any]]:
    return [[i, *r] for i, r in enumerate(rows, start=1)]


def _sheets(m: Metrics) -> list[Sheet]:
    p = m.params
    status_fmt = dict.fromkeys(range(4, 9), _FMT_INT)
    rekap_rows = _numbered(
        _columns(m.rekap_status, ["ukpd", "tingkat", "kecamatan", *STATUSES, "total"])
    )
    totals = [int(m.rekap_status[c].sum()) for c in (*STATUSES, "total")]
    rekap_rows.append([None, "Grand Total", None, None, *totals])
    kec_rows = _numbered(_columns(m.rekap_kecamatan, ["kelompok", *STATUSES, "total"]))

    def ranking(df: pd.DataFrame, value: str, sheet: str, unit: str, fmt: str) -> Sheet:
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
    return [
        Sheet(
            "Ringkasan",
            ["Uraian", "Nilai"],
            [[k, _cell_value(v)] for k, v in ringkasan],
            {1: "General"},
        ),
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
        ranking(m.koordinasi_tercepat, "rerata_menit", "Koordinasi Tercepat", "Menit", _FMT_2),
        ranking(m.koordinasi_terlama, "rerata_jam", "Koordinasi Terlama", "Jam", _FMT_3),
        ranking(m.penyelesaian_tercepat, "rerata_menit", "Penyelesaian Tercepat", "Menit", _FMT_2),
        ranking(m.penyelesaian_terlama, "rerata_jam", "Penyelesaian Terlama", "Jam", _FMT_2),
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
    ``Per Kanal``, ``Harian``) with Indonesian headers. Numbers and dates are real
    Excel numbers/dates (unrounded; number formats only change the display), the
    header row is frozen and bold, columns are sized to their content. Unit names
    stay canonical (``KELURAHAN CIPAYUNG``) so they match ``metrics.json``. Text is
    always written as text, never as a formula (``=HYPERLINK(...)`` in a category
    stays those characters).
    """
    created = m.per_tanggal.to_pydatetime() if m.per_tanggal is not None else None
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
        The document's creation date; from the data, not the clock, so that
        rebuilding the same data changes nothing.

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
    if created is not None:
        wb.properties.created = created
    wb.properties.creator = f"crmlib {crmlib.__version__}"
    wb.properties.title = title
    return _atomic_write(Path(path), lambda tmp: wb.save(tmp))
