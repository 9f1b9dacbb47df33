"""Writing a month as CRM exports it: a workbook or a folder of CSV files.

Only the export the reader reads is written here (the report's published workbook
is :mod:`crmlib.report.outputs`' business): real Excel datetimes, empty values as
absent cells, fixed zip timestamps so that a rerun gives identical bytes, and on
request the headers and value spellings of raw CRM exports.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Literal

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from crmlib.data.refdata import Reference, load_reference
from crmlib.samplegen.common import PPPSU

DATETIME_COLUMNS: dict[str, tuple[str, ...]] = {
    "laporan": ("waktu_masuk", "waktu_respon", "waktu_selesai"),
    "koordinasi": ("waktu_koordinasi", "waktu_proses"),
}


# Real-export headers (each one listed in reference/header_alias.yaml).
ALIAS_HEADERS: dict[str, dict[str, str]] = {
    "laporan": {
        "nomor_laporan": "No. Laporan",
        "kanal": "Kanal Laporan",
        "kategori": "Kategori",
        "rincian_masalah": "Rincian Masalah",
        "ukpd": "Nama SKPD",
        "status": "Status Laporan",
        "waktu_masuk": "Tgl Masuk",
        "waktu_respon": "Tgl Respon",
        "waktu_selesai": "Tgl TL",
        "max_waktu_tl_jam": "Max Waktu TL",
        "jumlah_tl_ditolak": "Total TL yang ditolak",
        "nilai_tl": "Nilai TL",
    },
    "koordinasi": {
        "nomor_laporan": "No. Laporan",
        "ukpd": "Kelurahan",
        "waktu_koordinasi": "Tgl Koordinasi",
        "waktu_proses": "Tgl Proses",
    },
}

_DATETIME_FORMATS = {"iso": "%Y-%m-%d %H:%M:%S", "dayfirst": "%d/%m/%Y %H:%M"}


def export_style_values(
    laporan: pd.DataFrame, koordinasi: pd.DataFrame, reference: Reference | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rewrite canonical values the way raw CRM exports spell them.

    Statuses as their Indonesian labels (``Selesai``, ``Dalam Proses``,
    ``Menunggu``), channels by their full description (``JAKI (Jakarta Kini)``),
    the seed report's unit spellings ``PULOGEBANG``/``PULOGADUNG``, and the seed's
    category typo "Pekerja Penanganan ...". Every spelling is an alias in the
    reference data, so a reader maps it back.
    """
    ref = reference or load_reference()
    lap = laporan.copy()
    kor = koordinasi.copy()
    lap["status"] = lap["status"].map(ref.status_labels)
    desc = dict(zip(ref.kanal["kanal"], ref.kanal["keterangan"], strict=True))
    lap["kanal"] = lap["kanal"].map(desc)
    units = {"PULO GEBANG": "PULOGEBANG", "PULO GADUNG": "PULOGADUNG"}
    for frame in (lap, kor):
        for old, new in units.items():
            frame["ukpd"] = frame["ukpd"].str.replace(old, new, regex=False)
    lap["kategori"] = lap["kategori"].replace({PPPSU: PPPSU.replace("Pekerjaan", "Pekerja", 1)})
    return lap, kor


def _csv_text(frame: pd.DataFrame, sheet: str, datetimes: str, headers: str) -> str:
    """One sheet as CSV text, datetimes and headers in the requested style."""
    out = frame.copy()
    fmt = _DATETIME_FORMATS[datetimes]
    for col in DATETIME_COLUMNS[sheet]:
        if col in out:
            text = out[col].dt.strftime(fmt).astype(object)
            if datetimes == "iso":
                # Milliseconds only where there are any (the sub-second tie).
                ms = (out[col] - out[col].dt.floor("s")).dt.total_seconds() * 1000
                frac = (ms > 0).to_numpy()
                text[frac] = text[frac] + ms[frac].round().astype(int).map(".{:03d}".format)
            out[col] = text
    if headers == "alias":
        out = out.rename(columns=ALIAS_HEADERS[sheet])
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n", float_format="%.10g")
    return buf.getvalue()


_FIXED_ZIP_TIME = (2022, 1, 1, 0, 0, 0)
_FIXED_DOC_TIME = "2022-01-01T00:00:00Z"


def _export_cell(value: object) -> object:
    """A cell as an export holds it: missing values absent, times as Python datetimes."""
    if pd.isna(value):
        return None
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value


def _write_xlsx(sheets: dict[str, pd.DataFrame], dest: Path) -> None:
    """Workbook with real Excel datetimes; empty values are absent cells, not ''."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(list(frame.columns))
        for c in ws[1]:
            c.font = Font(bold=True)
        is_dt = [pd.api.types.is_datetime64_any_dtype(frame[c]) for c in frame.columns]
        for row in frame.itertuples(index=False, name=None):
            ws.append([_export_cell(v) for v in row])
        for j, flag in enumerate(is_dt, start=1):
            if flag:
                for (c,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    c.number_format = "yyyy-mm-dd hh:mm:ss"
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    dest.write_bytes(_normalise_zip(buf.getvalue()))


def _normalise_zip(data: bytes) -> bytes:
    """Fixed timestamps in the zip and the document properties: identical bytes on rerun."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    rf"\g<1>{_FIXED_DOC_TIME}\g<2>",
                    content.decode("utf-8"),
                )
                content = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, content)
    return out.getvalue()


def write_month(
    laporan: pd.DataFrame,
    koordinasi: pd.DataFrame,
    dest: Path | str,
    form: Literal["xlsx", "csv"],
    *,
    headers: Literal["contract", "alias"] = "contract",
    datetimes: Literal["iso", "dayfirst"] = "iso",
) -> Path:
    """Write a month in one of the contract's two input forms.

    Parameters
    ----------
    laporan, koordinasi : pandas.DataFrame
        Tables with the contract's columns (as from :func:`generate_month`).
    dest : path
        ``xlsx``: the workbook file (``.xlsx`` is added when missing). ``csv``: the
        folder that receives ``laporan.csv`` and ``koordinasi.csv``.
    form : {"xlsx", "csv"}
        Workbook with sheets ``laporan``/``koordinasi`` and native Excel datetimes, or
        a folder of UTF-8 CSV files with ``YYYY-MM-DD HH:MM:SS`` datetimes.
    headers : {"contract", "alias"}
        Contract column names, or real-export headers (:data:`ALIAS_HEADERS`).
    datetimes : {"iso", "dayfirst"}
        CSV only: ISO datetimes or day-first ``03/06/2022 16:15`` (minutes).

    Returns
    -------
    pathlib.Path
        The workbook or folder written.
    """
    dest = Path(dest)
    sheets = {"laporan": laporan, "koordinasi": koordinasi}
    if form == "xlsx":
        if headers == "alias":
            sheets = {k: v.rename(columns=ALIAS_HEADERS[k]) for k, v in sheets.items()}
        if dest.suffix.lower() != ".xlsx":
            dest = dest.with_name(dest.name + ".xlsx")
        dest.parent.mkdir(parents=True, exist_ok=True)
        _write_xlsx(sheets, dest)
        return dest
    if form != "csv":
        raise ValueError(f"form harus 'xlsx' atau 'csv', bukan {form!r}")
    dest.mkdir(parents=True, exist_ok=True)
    for name, frame in sheets.items():
        text = _csv_text(frame, name, datetimes, headers)
        (dest / f"{name}.csv").write_text(text, encoding="utf-8", newline="")
    return dest
