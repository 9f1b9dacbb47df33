"""Synthetic CRM exports: the committed sample months and large benchmark data.

Nothing here is real CRM data. The module produces monthly exports in the input
format of the data contract (sheets/files ``laporan`` and ``koordinasi`` with the
contract's column names, as a workbook or a folder of CSV files) so that the
readers, the metrics and the report can be developed, tested and benchmarked
without any reporter's data. No reporter-identifying column is ever produced.
Which month uses which form, headers and datetime style, and everything filled
where the seed report is silent, is written down in ``docs/data-log.md``.

Three kinds of data come out of it:

``build_seed_month()``
    June 2022, constructed so that the contract's metrics reproduce every table and
    figure of the published June 2022 report (the "seed report"): the status recap
    per unit, 388/120 responses, the top units and categories, the four
    fastest/slowest kelurahan tables, the two reports rejected at least twice and
    the one report scored below 100. Where the seed report is silent the values
    are filled plausibly (see ``docs/data-log.md``).
``generate_month()``
    A realistic month (400-700 reports by default) for any period: skewed units and
    categories, JAKI as the dominant channel, heavy-tailed durations, some late
    follow-ups, a few rejections and open reports, and a small share of rows from
    the neighbouring months so that month filtering is exercised.
``generate_many()``
    The same model, fully vectorised, for up to millions of rows over many months
    (benchmarks).

Regenerate the committed sample months (``data/sample/``) with::

    .venv/bin/python -m crmlib.samplegen            # all 12 months of 2022
    .venv/bin/python -m crmlib.samplegen --check    # only verify the committed files
    .venv/bin/python -m crmlib.samplegen --months 2022-06 2022-07 --out /tmp/sample

Output is deterministic: the same code and seeds give the same files (CSV byte for
byte; ``.xlsx`` with fixed zip timestamps and document dates).
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from crmlib.data.refdata import STATUSES, Reference, load_reference

# One pandas-to-openpyxl converter for the project: the sample exports and the tables
# workbook write cells the same way.
from crmlib.report.outputs import _cell_value

__all__ = [
    "DATETIME_COLUMNS",
    "KOORDINASI_COLUMNS",
    "LAPORAN_COLUMNS",
    "SAMPLE_DIR",
    "SAMPLE_MONTHS",
    "SampleMonth",
    "build_seed_month",
    "check_samples",
    "export_style_values",
    "generate_many",
    "generate_month",
    "main",
    "regenerate",
    "sample_path",
    "write_month",
]

# ---------------------------------------------------------------------------
# Contract columns and constants
# ---------------------------------------------------------------------------

from crmlib.metrics import KOORDINASI_COLUMNS, LAPORAN_COLUMNS, MetricParams

DATETIME_COLUMNS: dict[str, tuple[str, ...]] = {
    "laporan": ("waktu_masuk", "waktu_respon", "waktu_selesai"),
    "koordinasi": ("waktu_koordinasi", "waktu_proses"),
}

DEFAULT_SEED = 20220711
REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO_ROOT / "data" / "sample"

MINUTE = 60
HOUR = 3600
DAY = 86400
# Times are handled as int64 seconds since the epoch (naive Jakarta local time);
# numpy's NaT is int64 min, so this sentinel survives the cast to datetime64.
_NAT = np.iinfo(np.int64).min

# Index of each status in refdata.STATUSES ("Complete", "Disposisi", "In Progres", "Wait").
_COMPLETE, _DISPOSISI, _IN_PROGRES, _WAIT = (STATUSES.index(s) for s in STATUSES)

PPPSU = "Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan"
PERIZINAN = "Perizinan Bidang Ketentraman, Ketertiban dan Perlindungan Masyarakat"

# Categories in the order of their June 2022 volume (the Zipf rank used by the
# generator), each with plausible sub-categories (rincian_masalah). "Reklame" is
# not in reference/kategori.csv on purpose: categories are an open set.
KATEGORI_RINCIAN: dict[str, tuple[str, ...]] = {
    PPPSU: (
        "Perbaikan Saluran Air",
        "Perbaikan Jalan Lingkungan",
        "Pembersihan Saluran",
        "Perbaikan Fasilitas Umum",
        "Pengecatan dan Perapihan",
    ),
    "Sampah": ("Sampah Lingkungan", "Tumpukan Sampah", "Sampah Liar", "Pengangkutan Sampah"),
    "Jalan": ("Jalan Rusak", "Jalan Berlubang", "Trotoar Rusak", "Genangan di Jalan"),
    "Parkir Liar": ("Parkir Liar di Badan Jalan", "Parkir Liar di Trotoar", "Juru Parkir Liar"),
    "Gangguan Ketenteraman dan Ketertiban": (
        "Kebisingan",
        "Balap Liar",
        "Tawuran",
        "Pengamen dan Pengemis",
    ),
    "Saluran Air, Kali/Sungai": ("Saluran Tersumbat", "Kali Kotor", "Tutup Saluran Rusak"),
    "Pohon": ("Pohon Tumbang", "Pemangkasan Pohon", "Pohon Rawan Tumbang"),
    "Penerangan Jalan Umum": ("Lampu PJU Mati", "Tiang PJU Rusak"),
    "Pedagang Kaki Lima": ("PKL di Trotoar", "PKL di Badan Jalan"),
    "Fasilitas Umum": ("Fasilitas Umum Rusak", "RPTRA", "Toilet Umum"),
    PERIZINAN: ("Bangunan Tanpa Izin", "Usaha Tanpa Izin", "Izin Keramaian"),
    "Kebersihan Lingkungan": ("Lingkungan Kotor", "Puing Bangunan", "Vandalisme"),
    "Banjir": ("Genangan Air", "Banjir Permukiman"),
    "Administrasi Kependudukan": ("KTP Elektronik", "Kartu Keluarga", "Surat Pindah"),
    "Bangunan": ("Bangunan Melanggar", "Bangunan Rawan Roboh"),
    "Pelayanan Sosial": ("Bantuan Sosial", "Orang Terlantar", "ODGJ"),
    "Pelayanan Kesehatan": ("Fogging", "Jentik Nyamuk", "Puskesmas"),
    "Transportasi dan Perhubungan": ("Halte Rusak", "Rambu Lalu Lintas", "Angkutan Umum"),
    "Taman": ("Taman Tidak Terawat", "Fasilitas Taman Rusak"),
    "Pencemaran Lingkungan": ("Bau Tidak Sedap", "Limbah Cair", "Pencemaran Udara"),
    "Reklame": ("Reklame Tanpa Izin", "Spanduk Liar"),
}

# Share of each intake channel. JAKI (the province's app) carries most reports;
# the desk channels and social media share the rest.
KANAL_WEIGHTS: dict[str, float] = {
    "JAKI": 0.80,
    "Kantor Kelurahan": 0.045,
    "Twitter": 0.03,
    "LAPOR 1708": 0.03,
    "Media Sosial Gubernur": 0.02,
    "Email": 0.02,
    "QLUE": 0.015,
    "Facebook": 0.01,
    "Kantor Kecamatan": 0.008,
    "Kantor Walikota": 0.008,
    "SMS": 0.005,
    "Balai Warga": 0.004,
    "Pendopo Balai Kota": 0.003,
    "Kantor Inspektorat": 0.002,
}

# Reports by hour of day: quiet at night, busy in office hours and the evening.
_HOUR_WEIGHTS = np.array(
    [0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4.0, 5.5, 6.0, 6.0, 5.5]
    + [5.0, 5.0, 5.2, 5.2, 5.0, 4.8, 4.5, 4.8, 5.0, 4.5, 3.0, 1.5]
)
_HOUR_P = _HOUR_WEIGHTS / _HOUR_WEIGHTS.sum()

# ---------------------------------------------------------------------------
# The seed report (June 2022): every figure the constructed month reproduces
# ---------------------------------------------------------------------------

SEED_PERIODE = "2022-06"
SEED_AS_OF = "2022-07-11 08:34:00"
SEED_RANDOM_STATE = 20220611
SEED_TOTAL = 508
SEED_RESPON_TEPAT = 388

# Reports per unit ("Rekap Pengaduan Bulan Juni 2022"); kecamatan offices had none.
SEED_LAPORAN_PER_UKPD: dict[str, int] = {
    f"KELURAHAN {name}": count
    for name, count in (
        ("KAYU MANIS", 3), ("PALMERIAM", 2), ("KEBON MANGGIS", 1), ("PISANGAN BARU", 1),
        ("UTAN KAYU SELATAN", 19), ("UTAN KAYU UTARA", 4),
        ("CIPINANG", 1), ("JATI", 5), ("JATINEGARA KAUM", 1), ("KAYU PUTIH", 5),
        ("PISANGAN TIMUR", 4), ("PULO GADUNG", 8), ("RAWAMANGUN", 25),
        ("BALIMESTER", 1), ("BIDARA CINA", 21), ("CIPINANG BESAR SELATAN", 13),
        ("CIPINANG BESAR UTARA", 2), ("CIPINANG CEMPEDAK", 5), ("CIPINANG MUARA", 11),
        ("KAMPUNG MELAYU", 2), ("RAWA BUNGA", 2),
        ("BALE KAMBANG", 2), ("BATU AMPAR", 9), ("CAWANG", 4), ("CILILITAN", 11),
        ("DUKUH", 4), ("KRAMAT JATI", 3), ("TENGAH", 11),
        ("BARU", 2), ("CIJANTUNG", 2), ("GEDONG", 9), ("KALISARI", 9), ("PEKAYON", 8),
        ("CAKUNG BARAT", 5), ("CAKUNG TIMUR", 8), ("JATINEGARA", 17), ("PENGGILINGAN", 18),
        ("PULO GEBANG", 21), ("RAWA TERATE", 0), ("UJUNG MENTENG", 4),
        ("DUREN SAWIT", 6), ("KLENDER", 7), ("MALAKA JAYA", 1), ("MALAKA SARI", 4),
        ("PONDOK BAMBU", 5), ("PONDOK KELAPA", 19), ("PONDOK KOPI", 5),
        ("CIBUBUR", 19), ("CIRACAS", 10), ("KELAPA DUA WETAN", 15), ("RAMBUTAN", 10),
        ("SUSUKAN", 15),
        ("CIPINANG MELAYU", 3), ("HALIM PERDANA KUSUMA", 6), ("KEBON PALA", 8),
        ("MAKASAR", 9), ("PINANG RANTI", 3),
        ("BAMBU APUS", 18), ("CEGER", 7), ("CILANGKAP", 6), ("CIPAYUNG", 6),
        ("LUBANG BUAYA", 2), ("MUNJUL", 0), ("PONDOK RANGGON", 5), ("SETU", 19),
    )
}  # fmt: skip
SEED_LAPORAN_PER_UKPD["WALIKOTA JAKARTA TIMUR"] = 17

# Reports per category: the seed's top five (with "Pekerja" corrected to
# "Pekerjaan"), then the categories the seed does not show (filled; each < 42 so
# nothing ties with the fifth).
SEED_KATEGORI: dict[str, int] = {
    PPPSU: 92,
    "Sampah": 75,
    "Jalan": 62,
    "Parkir Liar": 48,
    "Gangguan Ketenteraman dan Ketertiban": 42,
    "Saluran Air, Kali/Sungai": 34,
    "Pohon": 27,
    "Penerangan Jalan Umum": 22,
    "Pedagang Kaki Lima": 20,
    "Fasilitas Umum": 16,
    PERIZINAN: 14,
    "Kebersihan Lingkungan": 12,
    "Banjir": 10,
    "Administrasi Kependudukan": 9,
    "Bangunan": 8,
    "Pelayanan Sosial": 6,
    "Pelayanan Kesehatan": 5,
    "Transportasi dan Perhubungan": 3,
    "Taman": 2,
    "Pencemaran Lingkungan": 1,
}

# The four ranking tables: (kelurahan, count, mean). Coordination counts come from
# `koordinasi`, completion counts from `laporan`. Fastest in minutes, slowest in hours.
SEED_KOORDINASI_TERCEPAT: tuple[tuple[str, int, float], ...] = (
    ("CIPAYUNG", 24, 10.63), ("HALIM PERDANA KUSUMA", 5, 12.80), ("CIRACAS", 52, 20.15),
    ("CIPINANG MUARA", 27, 20.26), ("UTAN KAYU UTARA", 12, 23.08),
    ("CIPINANG MELAYU", 19, 24.95), ("RAWA BUNGA", 11, 29.09), ("BALE KAMBANG", 21, 31.62),
    ("CEGER", 28, 35.71), ("GEDONG", 53, 38.00),
)  # fmt: skip
SEED_KOORDINASI_TERLAMA: tuple[tuple[str, int, float], ...] = (
    ("MUNJUL", 10, 9.778), ("BARU", 5, 9.100), ("DUKUH", 11, 8.506), ("BAMBU APUS", 21, 8.140),
    ("LUBANG BUAYA", 16, 6.851), ("JATINEGARA KAUM", 9, 6.128), ("KEBON MANGGIS", 7, 6.067),
    ("CIPINANG CEMPEDAK", 29, 4.280), ("CIJANTUNG", 19, 4.184), ("RAWA TERATE", 17, 3.933),
)  # fmt: skip
SEED_PENYELESAIAN_TERCEPAT: tuple[tuple[str, int, float], ...] = (
    ("CIPAYUNG", 6, 51.17), ("JATI", 5, 60.80), ("GEDONG", 9, 64.00), ("BARU", 2, 70.50),
    ("KAYU MANIS", 3, 79.67), ("PISANGAN BARU", 1, 81.00), ("PONDOK BAMBU", 5, 86.80),
    ("DUREN SAWIT", 6, 90.17), ("PEKAYON", 8, 100.63), ("PENGGILINGAN", 18, 104.83),
)  # fmt: skip
SEED_PENYELESAIAN_TERLAMA: tuple[tuple[str, int, float], ...] = (
    ("KEBON MANGGIS", 1, 67.00), ("BALIMESTER", 1, 50.10), ("CIPINANG CEMPEDAK", 5, 29.53),
    ("PONDOK KOPI", 5, 21.71), ("CAKUNG BARAT", 5, 20.42), ("BAMBU APUS", 18, 19.70),
    ("KEBON PALA", 8, 14.79), ("PULO GADUNG", 8, 14.04), ("DUKUH", 4, 12.83),
    ("KRAMAT JATI", 3, 12.64),
)  # fmt: skip


@dataclass(frozen=True)
class _SeedReport:
    """One report of the seed month whose fields are fixed by the seed report (or by us)."""

    ukpd: str
    kategori: str
    rincian: str
    tl_s: int  # waktu_selesai - waktu_masuk in seconds
    nomor: str | None = None
    masuk: str | None = None
    tolak: int = 0
    max_jam: float | None = None


SEED_SPECIAL_REPORTS: tuple[_SeedReport, ...] = (
    # The one report below 100: Sampah (48 h), 67 h -> 100 - 10 * ceil(19 / 12) = 80.
    _SeedReport("KELURAHAN KEBON MANGGIS", "Sampah", "Sampah Lingkungan", 67 * HOUR,
                nomor="JK2206030245", masuk="2022-06-03 16:15:00"),
    # The two follow-ups rejected at least twice.
    _SeedReport("KELURAHAN PONDOK KOPI", PERIZINAN, "Bangunan Tanpa Izin", 43 * HOUR + 20 * MINUTE,
                nomor="JK2206080126", masuk="2022-06-08 09:41:27", tolak=2),
    _SeedReport("KELURAHAN SETU", PPPSU, "Perbaikan Saluran Air", 52 * HOUR + 40 * MINUTE,
                nomor="JK2206130046", masuk="2022-06-13 07:12:05", tolak=4),
    # Balimester's 50.10 h report: not Sampah, so its 168 h default keeps it at 100.
    _SeedReport("KELURAHAN BALIMESTER", "Saluran Air, Kali/Sungai", "Saluran Tersumbat",
                50 * HOUR + 6 * MINUTE),
    # Filled: a Sampah report over 48 h whose limit was extended by an EWS ticket to
    # 72 h (explicit max_waktu_tl_jam), so it still scores 100.
    _SeedReport("KELURAHAN CIPINANG CEMPEDAK", "Sampah", "Tumpukan Sampah",
                55 * HOUR + 25 * MINUTE, max_jam=72.0),
)  # fmt: skip

# ---------------------------------------------------------------------------
# The committed sample months
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleMonth:
    """How one committed sample month is produced and written.

    Attributes
    ----------
    periode : str
        ``YYYY-MM``.
    seed : int or None
        Seed of :func:`generate_month`; None = the constructed seed month.
    form : {"xlsx", "csv"}
        Workbook ``data/sample/<periode>.xlsx`` or folder ``data/sample/<periode>/``.
    as_of : str
        As-of timestamp of the export (``per_tanggal`` in ``params/<periode>.yaml``):
        no time in the data is later.
    headers : {"contract", "alias"}
        Contract column names or real-export headers from ``header_alias.yaml``.
    datetimes : {"iso", "dayfirst"}
        CSV datetime text: ``2022-06-03 16:15:00`` or ``03/06/2022 16:15``.
    values : {"canonical", "export"}
        Canonical values or the spellings of real exports (see :func:`export_style_values`).
    with_nilai : bool
        Whether ``nilai_tl`` is filled (as CRM does) or left for the metric rule.
    """

    periode: str
    seed: int | None
    form: Literal["xlsx", "csv"]
    as_of: str
    headers: Literal["contract", "alias"] = "contract"
    datetimes: Literal["iso", "dayfirst"] = "iso"
    values: Literal["canonical", "export"] = "canonical"
    with_nilai: bool = False


# Odd months as workbooks, even months as CSV folders, so both readers run by
# default; 2022-03 looks like a raw export (aliased headers and values, nilai_tl
# given) and 2022-10 has aliased headers with day-first datetimes.
SAMPLE_MONTHS: tuple[SampleMonth, ...] = (
    SampleMonth("2022-01", 202201, "xlsx", "2022-02-11 08:31:00"),
    SampleMonth("2022-02", 202202, "csv", "2022-03-12 08:32:00"),
    SampleMonth("2022-03", 202203, "xlsx", "2022-04-10 08:33:00",
                headers="alias", values="export", with_nilai=True),
    SampleMonth("2022-04", 202204, "csv", "2022-05-11 08:34:00"),
    SampleMonth("2022-05", 202205, "xlsx", "2022-06-12 08:35:00"),
    SampleMonth("2022-06", None, "csv", SEED_AS_OF),
    SampleMonth("2022-07", 202207, "xlsx", "2022-08-11 08:37:00"),
    SampleMonth("2022-08", 202208, "csv", "2022-09-12 08:38:00"),
    SampleMonth("2022-09", 202209, "xlsx", "2022-10-10 08:39:00"),
    SampleMonth("2022-10", 202210, "csv", "2022-11-11 08:40:00",
                headers="alias", datetimes="dayfirst", with_nilai=True),
    SampleMonth("2022-11", 202211, "xlsx", "2022-12-12 08:41:00"),
    SampleMonth("2022-12", 202212, "csv", "2023-01-10 08:42:00"),
)  # fmt: skip

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

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _epoch(ts: object) -> int:
    """Seconds since 1970-01-01 of a naive timestamp (no time zone arithmetic)."""
    return int(np.datetime64(pd.Timestamp(ts).to_datetime64(), "s").astype(np.int64))


def _month_bounds(periode: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First instant of the month and of the next month."""
    if not re.fullmatch(r"\d{4}-\d{2}", str(periode)):
        raise ValueError(f"periode harus berbentuk YYYY-MM, bukan {periode!r}")
    start = pd.Timestamp(f"{periode}-01")
    return start, start + pd.offsets.MonthBegin(1)


def _default_as_of(periode: str) -> pd.Timestamp:
    """Exports are pulled around the 10th of the next month, before office hours."""
    return _month_bounds(periode)[1] + pd.Timedelta(days=9, hours=8, minutes=30)


def _zipf(n: int, s: float, q: float) -> np.ndarray:
    """Zipf-Mandelbrot weights ``(rank + q) ** -s`` for ranks 0..n-1, summing to 1."""
    w = (np.arange(n) + q) ** -s
    return w / w.sum()


def _draw_times(rng: np.random.Generator, n: int, start_s: int, n_days: int) -> np.ndarray:
    """``n`` times (int64 s) in ``[start, start + n_days)`` with a day/night profile."""
    day = rng.integers(0, n_days, n)
    hour = rng.choice(24, size=n, p=_HOUR_P)
    sec = rng.integers(0, HOUR, n)
    return start_s + day * DAY + hour * HOUR + sec


def _to_datetime(seconds: np.ndarray) -> pd.Series:
    """int64 seconds (``_NAT`` = missing) -> datetime64[us] Series."""
    return pd.Series(np.asarray(seconds, dtype=np.int64).astype("datetime64[s]")).astype(
        "datetime64[us]"
    )


def _to_str(names: np.ndarray, codes: np.ndarray) -> pd.Series:
    """``names[codes]`` as pandas' default string dtype.

    A pyarrow ``take`` avoids materialising millions of Python string objects.
    """
    text = pa.array(np.asarray(names, dtype=object).astype(str).tolist(), type=pa.string())
    return _arrow_str(text.take(pa.array(np.asarray(codes, dtype=np.int64))))


def _arrow_str(array: pa.Array) -> pd.Series:
    """A pyarrow string array as a Series of pandas' default ``str`` dtype."""
    return pd.Series(
        array.to_pandas(types_mapper={pa.string(): pd.StringDtype(na_value=np.nan)}.get)
    )


def _nilai_rule(tl_jam: np.ndarray, max_jam: np.ndarray) -> np.ndarray:
    """Follow-up score by the contract's default rule (12 h steps of 10 points)."""
    over = np.maximum(tl_jam - max_jam, 0.0)
    return np.where(over > 0, np.maximum(0.0, 100.0 - 10.0 * np.ceil(over / 12.0)), 100.0)


def _split_total(
    rng: np.random.Generator, total: int, n: int, lo: int, hi: int, sigma: float = 0.9
) -> np.ndarray:
    """``n`` whole-second durations in ``[lo, hi]`` that sum exactly to ``total``.

    Lognormal weights give the heavy-tailed spread seen in CRM durations; clipping
    and redistributing keeps every value within bounds; the last seconds are handed
    out one by one so the sum (and hence the mean) is exact.
    """
    if n == 0:
        if total:
            raise ValueError("total > 0 tanpa baris")
        return np.zeros(0, dtype=np.int64)
    if not n * lo <= total <= n * hi:
        raise ValueError(f"tidak mungkin membagi {total} s ke {n} baris dalam [{lo}, {hi}]")
    w = rng.lognormal(0.0, sigma, n)
    x = total * w / w.sum()
    for _ in range(500):
        x = np.clip(x, lo, hi)
        diff = total - x.sum()
        if abs(diff) < 1e-6:
            break
        room = x < hi if diff > 0 else x > lo
        x[room] += diff * w[room] / w[room].sum()
    out = np.floor(x).astype(np.int64)
    rest = int(round(total - out.sum()))
    if rest:
        cand = np.flatnonzero(out < hi)
        out[rng.choice(cand, rest, replace=False)] += 1
    if out.sum() != total or out.min() < lo or out.max() > hi:  # pragma: no cover - guard
        raise AssertionError("pembagian durasi gagal")
    return out


def _exact_total(mean: float, unit_s: int, n: int, decimals: int) -> int:
    """Whole seconds for ``n`` durations whose mean rounds to ``mean`` (in ``unit_s`` units).

    The unrounded mean must lie strictly inside the rounding interval, away from the
    half-way boundaries, so that any correct implementation rounds it the same way.
    """
    half = 0.5 * 10.0**-decimals
    base = round(mean * unit_s * n)
    for total in (base, base + 1, base - 1):
        got = total / n / unit_s
        if abs(got - mean) < half * 0.9:
            return int(total)
    raise AssertionError(f"tidak ada total detik untuk rerata {mean} (n={n})")  # pragma: no cover


# ---------------------------------------------------------------------------
# Catalogue: reference data turned into arrays for vectorised draws
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Catalog:
    ukpd: np.ndarray  # canonical unit names in official order (object)
    kelurahan: np.ndarray  # bool per unit
    kecamatan_office: np.ndarray  # bool per unit
    kota_idx: int
    unit_prior: np.ndarray  # Zipf-like base weights of units
    kategori: np.ndarray
    kategori_prior: np.ndarray
    kategori_max: np.ndarray  # default max follow-up hours per category
    kota_ok: np.ndarray  # category plausible for the city office
    sampah: int
    rincian: np.ndarray  # flat list of sub-categories
    rincian_start: np.ndarray
    rincian_count: np.ndarray
    kanal: np.ndarray
    kanal_p: np.ndarray

    def unit_index(self, name: str) -> int:
        return int(np.flatnonzero(self.ukpd == name)[0])


def _catalog(ref: Reference) -> _Catalog:
    units = ref.ukpd
    names = units["ukpd"].to_numpy(dtype=object)
    tingkat = units["tingkat"].to_numpy(dtype=object)
    kel = tingkat == "kelurahan"
    kec = tingkat == "kecamatan"
    kota = np.flatnonzero(tingkat == "kota")
    kota_idx = int(kota[0]) if kota.size else len(names) - 1

    # Units keep their identity from month to month: rank them by their June 2022
    # volume (unknown units of another city: a middling count) and give Zipf weights.
    june = np.array(
        [SEED_LAPORAN_PER_UKPD.get(u, 5 if k else 0) for u, k in zip(names, kel, strict=True)]
    )
    order = np.argsort(-june, kind="stable")
    prior = np.empty(len(names))
    prior[order] = _zipf(len(names), 0.9, 6.0)
    # Kecamatan offices rarely own a report (none in June 2022).
    prior[kec] = prior.min() * 0.15
    prior /= prior.sum()

    kategori = np.array(list(KATEGORI_RINCIAN), dtype=object)
    kat_prior = _zipf(len(kategori), 1.25, 3.0)
    kat_max = np.array([ref.max_waktu_tl_jam(k) for k in kategori], dtype=float)
    # Kelurahan works (PPSU) are never owned by the city office.
    kota_ok = kategori != PPPSU
    rincian = np.array([r for k in kategori for r in KATEGORI_RINCIAN[k]], dtype=object)
    counts = np.array([len(KATEGORI_RINCIAN[k]) for k in kategori])
    starts = np.r_[0, np.cumsum(counts)[:-1]]

    known = set(ref.kanal["kanal"])
    kanal = np.array([k for k in KANAL_WEIGHTS if k in known], dtype=object)
    kanal_p = np.array([KANAL_WEIGHTS[k] for k in kanal])
    return _Catalog(
        ukpd=names,
        kelurahan=kel,
        kecamatan_office=kec,
        kota_idx=kota_idx,
        unit_prior=prior,
        kategori=kategori,
        kategori_prior=kat_prior,
        kategori_max=kat_max,
        kota_ok=kota_ok,
        sampah=int(np.flatnonzero(kategori == "Sampah")[0]),
        rincian=rincian,
        rincian_start=starts,
        rincian_count=counts,
        kanal=kanal,
        kanal_p=kanal_p / kanal_p.sum(),
    )


# ---------------------------------------------------------------------------
# Vectorised simulation shared by generate_month and generate_many
# ---------------------------------------------------------------------------


def _draw_laporan(
    rng: np.random.Generator,
    cat: _Catalog,
    masuk: np.ndarray,
    window_end: int,
    as_of: int,
    unit_w: np.ndarray,
    kat_w: np.ndarray,
) -> dict[str, np.ndarray]:
    """Draw every field of the ``laporan`` rows entered at ``masuk`` (int64 s)."""
    n = masuk.size
    n_units = cat.ukpd.size
    unit = rng.choice(n_units, size=n, p=unit_w)
    kat = rng.choice(cat.kategori.size, size=n, p=kat_w)
    bad = (unit == cat.kota_idx) & ~cat.kota_ok[kat]
    if bad.any():
        w2 = np.where(cat.kota_ok, kat_w, 0.0)
        kat[bad] = rng.choice(cat.kategori.size, size=int(bad.sum()), p=w2 / w2.sum())
    # Sub-category: the first ones of each list are the common ones (u ** 1.7 skews).
    u = rng.random(n) ** 1.7
    rinc = cat.rincian_start[kat] + (u * cat.rincian_count[kat]).astype(np.int64)
    kanal = rng.choice(cat.kanal.size, size=n, p=cat.kanal_p)

    # Each unit has its own pace (admins and field staff differ), partly shared
    # between response and completion, so rankings differ from month to month.
    z = rng.standard_normal((3, n_units))
    pace_resp = np.exp(0.35 * z[0] + 0.25 * z[1])
    pace_tl = np.exp(0.35 * z[0] + 0.25 * z[2])

    # Heavy tails: lognormal durations. Median response ~1.8 h puts roughly a
    # quarter of reports beyond the 6 h limit, as in the seed month (120 of 508).
    resp = np.clip(rng.lognormal(np.log(1.8 * HOUR), 1.3, n) * pace_resp[unit], 20, 96 * HOUR)
    tolak = rng.choice(5, size=n, p=[0.935, 0.05, 0.009, 0.004, 0.002])
    # Waste has a 48 h limit and is handled faster; each rejection means redoing
    # the follow-up, which costs about half a day more.
    work = rng.lognormal(np.log(4.5 * HOUR), 1.15, n) * pace_tl[unit]
    work *= np.where(kat == cat.sampah, 0.5, 1.0)
    work += tolak * rng.lognormal(np.log(10 * HOUR), 0.6, n)
    work = np.clip(work, 5 * MINUTE, 25 * DAY)
    respon = masuk + resp.astype(np.int64)
    selesai = respon + work.astype(np.int64)

    # EWS: for about a third of the reports running over their category's limit, the
    # admin filed an estimated completion time that extends the limit (explicit max).
    default_max = cat.kategori_max[kat]
    tl_jam = (selesai - masuk) / HOUR
    ews = (tl_jam > default_max) & (rng.random(n) < 0.35)
    max_jam = np.where(ews, np.maximum(default_max + 24.0, np.ceil(tl_jam / 24.0) * 24.0), np.nan)

    # Open reports: anything not finished by the as-of time, plus a few stuck ones,
    # more likely the nearer they were entered to the end of the period.
    p_open = 0.004 + 0.05 * np.exp(np.minimum(masuk - window_end, 0) / (4.0 * DAY))
    is_open = (selesai > as_of) | (rng.random(n) < p_open)
    kind = rng.choice(np.array([_WAIT, _DISPOSISI, _IN_PROGRES]), size=n, p=[0.25, 0.3, 0.45])
    kind = np.where(respon > as_of, _WAIT, kind)
    status = np.where(is_open, kind, _COMPLETE)
    respon = np.where(status == _WAIT, _NAT, respon)
    selesai = np.where(is_open, _NAT, selesai)
    return {
        "unit": unit,
        "kat": kat,
        "rinc": rinc,
        "kanal": kanal,
        "status": status,
        "masuk": masuk,
        "respon": respon,
        "selesai": selesai,
        "max_jam": max_jam,
        "tolak": tolak,
        "pace_coord": np.exp(0.3 * z[0] + 0.35 * rng.standard_normal(n_units)),
    }


def _effective_max(cat: _Catalog, lap: dict[str, np.ndarray]) -> np.ndarray:
    return np.where(np.isnan(lap["max_jam"]), cat.kategori_max[lap["kat"]], lap["max_jam"])


def _draw_koordinasi(
    rng: np.random.Generator,
    cat: _Catalog,
    lap: dict[str, np.ndarray],
    foreign_t: np.ndarray,
    as_of: int,
    unit_w: np.ndarray,
) -> dict[str, np.ndarray]:
    """Coordination rows: some of the kelurahan's own reports plus reports of others.

    A kelurahan's own report is coordinated when its admin's first action
    (``waktu_respon``) was to coordinate; it turns to "in process" before the
    follow-up is submitted. ``foreign_t`` are the coordination times of reports
    owned by other units (city agencies), which make this population larger.
    """
    n = lap["unit"].size
    st = lap["status"]
    kel_row = cat.kelurahan[lap["unit"]]
    own = kel_row & (
        ((st == _COMPLETE) & (rng.random(n) < 0.55)) | (st == _DISPOSISI) | (st == _IN_PROGRES)
    )
    own_idx = np.flatnonzero(own)
    pace = lap["pace_coord"]

    def durations(units: np.ndarray) -> np.ndarray:
        d = rng.lognormal(np.log(45 * MINUTE), 1.35, units.size) * pace[units]
        return np.clip(d, 30, 72 * HOUR).astype(np.int64)

    o_unit = lap["unit"][own_idx]
    o_start = lap["respon"][own_idx]
    o_st = st[own_idx]
    o_end = o_start + durations(o_unit)
    o_end = np.where(o_st == _COMPLETE, np.minimum(o_end, lap["selesai"][own_idx]), o_end)
    o_end = np.where(o_st == _IN_PROGRES, np.minimum(o_end, as_of), o_end)
    o_end = np.where(o_st == _DISPOSISI, _NAT, o_end)

    # Reports of other units: spread over the kelurahan (flatter than ownership).
    kel_idx = np.flatnonzero(cat.kelurahan)
    w = unit_w[kel_idx] ** 0.6 * rng.lognormal(0.0, 0.3, kel_idx.size)
    f_unit = kel_idx[rng.choice(kel_idx.size, size=foreign_t.size, p=w / w.sum())]
    f_end = foreign_t + durations(f_unit)
    pending = (rng.random(foreign_t.size) < 0.03) | (f_end > as_of)
    f_end = np.where(pending, _NAT, f_end)
    return {
        "own_idx": own_idx,
        "unit": np.r_[o_unit, f_unit],
        "koordinasi": np.r_[o_start, foreign_t],
        "proses": np.r_[o_end, f_end],
        "n_own": np.int64(own_idx.size),
    }


def _report_codes(rng: np.random.Generator, created: np.ndarray) -> np.ndarray:
    """Report numbers ``yymmddNNNN`` as int64 (``JK`` is added when formatting).

    Within a day, numbers rise with the time of creation (CRM numbers reports of
    the whole province in sequence, so a unit sees gaps); each day's sequence stays
    below 10 000 and numbers are unique by construction.
    """
    n = created.size
    day = created // DAY
    order = np.argsort(created, kind="stable")  # ties in time keep row order, on every CPU
    d_sorted = day[order]
    starts = np.r_[0, np.flatnonzero(np.diff(d_sorted)) + 1] if n else np.zeros(0, np.int64)
    counts = np.diff(np.r_[starts, n])
    if counts.size and counts.max() > 9999:
        raise ValueError("lebih dari 9999 laporan dalam satu hari; perpanjang rentang waktu")
    gap_max = np.clip(9000 // np.maximum(counts, 1), 1, 15)
    gaps = 1 + (rng.random(n) * np.repeat(gap_max, counts)).astype(np.int64)
    csum = np.cumsum(gaps)
    seq_sorted = csum - np.repeat(csum[starts] - gaps[starts], counts)
    seq = np.empty(n, dtype=np.int64)
    seq[order] = seq_sorted
    days = day.astype("datetime64[D]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month0 = days.astype("datetime64[M]")
    month = month0.astype(np.int64) % 12 + 1
    dom = (days - month0.astype("datetime64[D]")).astype(np.int64) + 1
    return (year % 100) * 100_000_000 + month * 1_000_000 + dom * 10_000 + seq


def _format_codes(codes: np.ndarray) -> pd.Series:
    """int64 ``yymmddNNNN`` -> ``JKyymmddNNNN`` (pyarrow: fast for millions of rows)."""
    text = pa.array(np.asarray(codes, dtype=np.int64)).cast(pa.string())
    if codes.size and codes.min() < 1_000_000_000:  # years 2000-2009 need the leading zero
        text = pc.utf8_lpad(text, 10, "0")
    joined = pc.binary_join_element_wise("JK", text, "")
    return pd.Series(
        joined.to_pandas(types_mapper={pa.string(): pd.StringDtype(na_value=np.nan)}.get)
    )


def _frames(
    cat: _Catalog,
    lap: dict[str, np.ndarray],
    lap_codes: np.ndarray,
    kor: dict[str, np.ndarray],
    kor_codes: np.ndarray,
    nilai: np.ndarray | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Assemble the two contract tables; rows sorted by report number / coordination time."""
    order = np.argsort(lap_codes, kind="stable")  # unique numbers; stable all the same
    n = order.size
    laporan = pd.DataFrame(
        {
            "nomor_laporan": _format_codes(lap_codes[order]),
            "kanal": _to_str(cat.kanal, lap["kanal"][order]),
            "kategori": _to_str(cat.kategori, lap["kat"][order]),
            "rincian_masalah": _to_str(cat.rincian, lap["rinc"][order]),
            "ukpd": _to_str(cat.ukpd, lap["unit"][order]),
            "status": _to_str(np.array(STATUSES, dtype=object), lap["status"][order]),
            "waktu_masuk": _to_datetime(lap["masuk"][order]),
            "waktu_respon": _to_datetime(lap["respon"][order]),
            "waktu_selesai": _to_datetime(lap["selesai"][order]),
            "max_waktu_tl_jam": lap["max_jam"][order].astype(float),
            "jumlah_tl_ditolak": lap["tolak"][order].astype(np.int64),
            "nilai_tl": (np.full(n, np.nan) if nilai is None else nilai[order]).astype(float),
        }
    )
    # By coordination time, then number (one key: times in s < 2**33, codes < 10**10).
    key = kor["koordinasi"].astype(np.int64) * 10_000_000_000 + kor_codes
    korder = np.argsort(key, kind="stable")
    koordinasi = pd.DataFrame(
        {
            "nomor_laporan": _format_codes(kor_codes[korder]),
            "ukpd": _to_str(cat.ukpd, kor["unit"][korder]),
            "waktu_koordinasi": _to_datetime(kor["koordinasi"][korder]),
            "waktu_proses": _to_datetime(kor["proses"][korder]),
        }
    )
    return laporan, koordinasi


def _month_weights(rng: np.random.Generator, cat: _Catalog) -> tuple[np.ndarray, np.ndarray]:
    """This month's unit and category weights: the Zipf priors with monthly noise."""
    unit_w = cat.unit_prior * rng.lognormal(0.0, 0.3, cat.ukpd.size)
    kat_w = cat.kategori_prior * rng.lognormal(0.0, 0.25, cat.kategori.size)
    return unit_w / unit_w.sum(), kat_w / kat_w.sum()


# ---------------------------------------------------------------------------
# Public generators
# ---------------------------------------------------------------------------


def generate_month(
    periode: str,
    n_laporan: int | None = None,
    seed: int = DEFAULT_SEED,
    reference: Reference | None = None,
    *,
    as_of: str | pd.Timestamp | None = None,
    with_nilai: bool = False,
    resolution_s: int = 1,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate one realistic month of CRM export data.

    Parameters
    ----------
    periode : str
        The month, ``YYYY-MM``.
    n_laporan : int, optional
        Reports entered in the month; default a draw from 400-700. The export also
        holds a few rows of the neighbouring months (about 2-3 % on top), which a
        correct reader leaves out.
    seed : int
        Random seed; the month is mixed in, so one seed gives different months.
    reference : Reference, optional
        Reference data (units, channels, categories); default ``load_reference()``.
    as_of : str or Timestamp, optional
        When the export was pulled; nothing later appears in the data and reports
        not finished by then are open. Default: the 10th of the next month, 08:30.
    with_nilai : bool
        Fill ``nilai_tl`` by the contract's rule for completed reports (as a CRM
        export does); by default it is left empty for the metric to compute.
    resolution_s : int
        Smallest time step the export writes: 1 (seconds) or 60 (day-first exports
        written to the minute). The boundary rows are placed on this grid, so what is
        written is still exactly at (or one step past) each boundary.

    Returns
    -------
    laporan, koordinasi : pandas.DataFrame
        Columns :data:`LAPORAN_COLUMNS` and :data:`KOORDINASI_COLUMNS`.

    Notes
    -----
    Guaranteed within the month, whatever the seed: at least two completed reports
    rejected two or more times, at least two completed reports over their limit
    (``nilai_tl`` < 100), and at least one report in each open status. Rows are also
    placed exactly on each boundary the report judges (:func:`_place_boundary_rows`)
    and, at whole-second resolution, two kelurahan tie for the fastest completion
    when judged at whole seconds although one of them carries 400 ms more
    (:func:`_subsecond_tie`).
    """
    ref = reference or load_reference()
    cat = _catalog(ref)
    start, end = _month_bounds(periode)
    start_s, end_s = _epoch(start), _epoch(end)
    as_of_s = _epoch(as_of if as_of is not None else _default_as_of(periode))
    if as_of_s < end_s + 3 * DAY:
        raise ValueError("as_of harus paling cepat 3 hari setelah akhir bulan")
    rng = np.random.default_rng([int(seed), start.year, start.month])
    n_in = int(n_laporan) if n_laporan is not None else int(rng.integers(400, 701))
    n_days = (end - start).days

    # Rows of the last two days of the previous month and the first three of the
    # next: exports are pulled by date of activity, not strictly by entry date.
    def month_times(m: int) -> tuple[np.ndarray, np.ndarray]:
        n_prev = 1 + int(rng.binomial(m, 0.01))
        n_next = 1 + int(rng.binomial(m, 0.012))
        t = np.r_[
            _draw_times(rng, m, start_s, n_days),
            _draw_times(rng, n_prev, start_s - 2 * DAY, 2),
            _draw_times(rng, n_next, end_s, 3),
        ]
        inside = np.r_[np.ones(m, bool), np.zeros(n_prev + n_next, bool)]
        return t, inside

    masuk, in_month = month_times(n_in)
    unit_w, kat_w = _month_weights(rng, cat)
    lap = _draw_laporan(rng, cat, masuk, end_s, as_of_s, unit_w, kat_w)
    _ensure_month_features(rng, cat, lap, in_month, end_s, as_of_s)
    bounds = (start_s, end_s, as_of_s)
    used = _place_boundary_rows(cat, lap, in_month, bounds, resolution_s)
    tie_row = _subsecond_tie(cat, lap, in_month, used, as_of_s) if resolution_s == 1 else None

    n_foreign = int(round(n_in * rng.uniform(1.0, 1.4)))
    foreign_t, _ = month_times(n_foreign)
    kor = _draw_koordinasi(rng, cat, lap, foreign_t, as_of_s, unit_w)
    created = np.r_[masuk, foreign_t - rng.integers(5 * MINUTE, 3 * HOUR, foreign_t.size)]
    codes = _report_codes(rng, created)
    lap_codes = codes[: masuk.size]
    kor_codes = np.r_[lap_codes[kor["own_idx"]], codes[masuk.size :]]
    nilai = _nilai_column(cat, lap) if with_nilai else None
    laporan, koordinasi = _frames(cat, lap, lap_codes, kor, kor_codes, nilai)
    if tie_row is not None:
        nomor = _format_codes(lap_codes[[tie_row]]).iloc[0]
        at = laporan["nomor_laporan"] == nomor
        laporan.loc[at, "waktu_selesai"] += pd.Timedelta(milliseconds=SUBSECOND_TIE_MS)
    return laporan, koordinasi


def _nilai_column(cat: _Catalog, lap: dict[str, np.ndarray]) -> np.ndarray:
    done = lap["status"] == _COMPLETE
    tl = (lap["selesai"] - lap["masuk"]) / HOUR
    return np.where(done, _nilai_rule(tl, _effective_max(cat, lap)), np.nan)


def _ensure_month_features(
    rng: np.random.Generator,
    cat: _Catalog,
    lap: dict[str, np.ndarray],
    in_month: np.ndarray,
    end_s: int,
    as_of: int,
) -> None:
    """Make sure a month always shows the cases the report has tables for.

    Random draws usually produce them; small months or unlucky seeds might not,
    and an empty "rejected twice" table would leave a code path untested.
    """
    st = lap["status"]
    used = np.zeros(st.size, bool)

    # Rejected at least twice (completed, so the report lists them as "Selesai").
    rej = in_month & (st == _COMPLETE) & (lap["tolak"] >= 2)
    used |= rej
    cand = np.flatnonzero(in_month & (st == _COMPLETE) & ~used)
    need = min(2 - int(rej.sum()), cand.size)  # tiny months: as many as there are
    if need > 0:
        pick = rng.choice(cand, need, replace=False)
        lap["tolak"][pick] = rng.integers(2, 5, need)
        used[pick] = True

    # Late follow-ups: over the limit -> nilai_tl < 100 by the rule.
    tl = (lap["selesai"] - lap["masuk"]) / HOUR
    late = in_month & (st == _COMPLETE) & (tl > _effective_max(cat, lap))
    used |= late
    room = as_of - lap["masuk"] - 100 * HOUR
    ok = in_month & (st == _COMPLETE) & ~used & np.isnan(lap["max_jam"]) & (room > 0)
    need = min(2 - int(late.sum()), int(ok.sum()))
    if need > 0:
        sampah = ok & (lap["kat"] == cat.sampah)
        cand = np.flatnonzero(sampah if sampah.sum() >= need else ok)
        pick = rng.choice(cand, need, replace=False)
        limit = cat.kategori_max[lap["kat"][pick]]
        extra = limit * HOUR + rng.integers(1 * HOUR, 40 * HOUR, need)
        extra = np.minimum(extra, as_of - lap["masuk"][pick])
        lap["selesai"][pick] = lap["masuk"][pick] + extra.astype(np.int64)
        lap["respon"][pick] = np.minimum(lap["respon"][pick], lap["selesai"][pick] - MINUTE)
        used[pick] = True

    # One report at least in each open status, preferably entered late in the month.
    for status in (_WAIT, _DISPOSISI, _IN_PROGRES):
        if np.any(in_month & (st == status)):
            continue
        # Responded before the as-of time, so "in process" can start before it too.
        base = in_month & (st == _COMPLETE) & ~used & (lap["respon"] <= as_of - HOUR)
        cand = np.flatnonzero(base & (lap["masuk"] > end_s - 7 * DAY))
        if cand.size == 0:
            cand = np.flatnonzero(base)
        if cand.size == 0:
            continue
        i = int(rng.choice(cand))
        st[i] = status
        lap["selesai"][i] = _NAT
        if status == _WAIT:
            lap["respon"][i] = _NAT
        used[i] = True


def _shift_row(lap: dict[str, np.ndarray], i: int, delta: int) -> None:
    """Move report ``i`` in time by ``delta`` seconds, keeping its durations."""
    for col in ("masuk", "respon", "selesai"):
        if lap[col][i] != _NAT:
            lap[col][i] += delta


def _latest(lap: dict[str, np.ndarray], i: int) -> int:
    return max(int(lap[c][i]) for c in ("masuk", "respon", "selesai") if lap[c][i] != _NAT)


def _place_boundary_rows(
    cat: _Catalog,
    lap: dict[str, np.ndarray],
    in_month: np.ndarray,
    bounds: tuple[int, int, int],
    step: int,
) -> np.ndarray:
    """Put rows exactly on each boundary the report judges, and one ``step`` past it.

    Random durations almost never land on a limit, so without these rows the golden
    and end-to-end tests would never see a boundary. Placed (inside the month, on
    completed reports with no rejection): a response exactly at the response limit
    (on time) and one step past it (late); a follow-up completed exactly at its
    category's maximum (score 100) and one step past it (one penalty step); a
    follow-up rejected exactly ``ambang_ditolak`` times (listed) and one rejected one
    time fewer (not listed); a report entered at the month's first second and one at
    its last (``step`` before the next month); outside the month, a row at the next
    month's first second and one at the previous month's last. No random number is
    drawn, so the rest of the month is unchanged. Returns the rows used.
    """
    start_s, end_s, as_of = bounds
    params = MetricParams()
    used = np.zeros(in_month.size, bool)

    def take(cand: np.ndarray) -> int | None:
        free = np.flatnonzero(cand & ~used)
        if free.size == 0:
            return None
        i = int(free[0])
        used[i] = True
        # On the export's grid (day-first exports drop the seconds).
        _shift_row(lap, i, -(int(lap["masuk"][i]) % step))
        return i

    order = np.argsort(lap["masuk"], kind="stable")
    inside = order[in_month[order]]
    targets = [(inside[:1], start_s), (inside[::-1], end_s - step)]
    nxt = order[lap["masuk"][order] >= end_s]
    prev = order[lap["masuk"][order] < start_s]
    targets += [(nxt[:1], end_s), (prev[::-1], start_s - step)]
    for rows, at in targets:
        for i in rows:
            delta = at - int(lap["masuk"][i])
            if _latest(lap, int(i)) + delta <= as_of:
                _shift_row(lap, int(i), delta)
                used[i] = True
                break

    done = in_month & (lap["status"] == _COMPLETE) & (lap["tolak"] == 0)
    tl = lap["selesai"] - lap["masuk"]
    limit_s = int(round(params.batas_respon_jam * HOUR))
    for extra in (0, step):
        i = take(done & (tl >= limit_s + 2 * step + HOUR))
        if i is not None:
            lap["respon"][i] = lap["masuk"][i] + limit_s + extra

    max_s = (_effective_max(cat, lap) * HOUR).astype(np.int64)
    resp = lap["respon"] - lap["masuk"]
    fits = (resp < max_s - HOUR) & (lap["masuk"] + max_s + step <= as_of)
    for extra in (0, step):
        i = take(done & np.isnan(lap["max_jam"]) & fits & (tl < max_s))
        if i is not None:
            lap["selesai"][i] = lap["masuk"][i] + max_s[i] + extra

    for count in (params.ambang_ditolak, params.ambang_ditolak - 1):
        i = take(done)
        if i is not None:
            lap["tolak"][i] = count
    return used


# Extra milliseconds on one completion of the sub-second tie (see _subsecond_tie).
SUBSECOND_TIE_MS = 400


def _subsecond_tie(
    cat: _Catalog, lap: dict[str, np.ndarray], in_month: np.ndarray, used: np.ndarray, as_of: int
) -> int | None:
    """Make the two fastest kelurahan tie on mean completion time at whole seconds.

    Both get the same whole-second mean by lengthening one completed report each
    (never past its maximum or the as-of time; boundary rows are left alone). The
    caller then adds :data:`SUBSECOND_TIE_MS` to the returned report's completion:
    judged at whole seconds, as the contract says, the two still tie; with the
    milliseconds they would not. Returns the report to carry the milliseconds, or
    None when the month offers no such pair.
    """
    rows = np.flatnonzero(in_month & (lap["selesai"] != _NAT) & cat.kelurahan[lap["unit"]])
    unit = lap["unit"][rows]
    tl = lap["selesai"][rows] - lap["masuk"][rows]
    n = np.bincount(unit, minlength=cat.ukpd.size)
    total = np.bincount(unit, weights=tl, minlength=cat.ukpd.size).astype(np.int64)
    ranked = np.flatnonzero(n > 0)
    ranked = ranked[np.argsort(total[ranked] / n[ranked], kind="stable")]
    if ranked.size < 2:
        return None
    fastest, second = (int(u) for u in ranked[:2])
    target = -(-int(total[second]) // int(n[second]))  # the second's mean, rounded up
    max_s = _effective_max(cat, lap)[rows] * HOUR
    picks = []
    for u in (fastest, second):
        add = target * int(n[u]) - int(total[u])
        ok = (
            (unit == u)
            & ~used[rows]
            & (lap["selesai"][rows] + add + 1 <= as_of)
            & (tl + add + 1 <= max_s)
        )
        if not ok.any():
            return None
        picks.append((int(rows[np.flatnonzero(ok)[0]]), add))
    for i, add in picks:
        lap["selesai"][i] += add
    return picks[0][0]


def generate_many(
    n_laporan: int,
    seed: int = DEFAULT_SEED,
    reference: Reference | None = None,
    *,
    start: str = "2020-01-01",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate a large export (benchmarks): ``n_laporan`` reports over many months.

    Everything is vectorised (no Python loop over rows): one million reports and
    their coordination rows take a few seconds.

    Parameters
    ----------
    n_laporan : int
        Number of ``laporan`` rows.
    seed : int
        Random seed.
    reference : Reference, optional
        Reference data; default ``load_reference()``.
    start : str
        First day of the time span. The span is at least a year and long enough to
        keep report numbers unique (at most 9 999 per day).

    Returns
    -------
    laporan, koordinasi : pandas.DataFrame
        Same columns and dtypes as :func:`generate_month`; ``koordinasi`` has about
        1.5 times as many rows as ``laporan``.
    """
    ref = reference or load_reference()
    cat = _catalog(ref)
    rng = np.random.default_rng([int(seed), 7])
    n = int(n_laporan)
    n_days = max(366, -(-n // 2500))
    start_s = _epoch(start)
    end_s = start_s + n_days * DAY
    as_of_s = end_s + 10 * DAY
    masuk = _draw_times(rng, n, start_s, n_days)
    unit_w, kat_w = _month_weights(rng, cat)
    lap = _draw_laporan(rng, cat, masuk, end_s, as_of_s, unit_w, kat_w)
    n_foreign = int(round(n * 1.2))
    foreign_t = _draw_times(rng, n_foreign, start_s, n_days)
    kor = _draw_koordinasi(rng, cat, lap, foreign_t, as_of_s, unit_w)
    created = np.r_[masuk, foreign_t - rng.integers(5 * MINUTE, 3 * HOUR, n_foreign)]
    codes = _report_codes(rng, created)
    lap_codes = codes[:n]
    kor_codes = np.r_[lap_codes[kor["own_idx"]], codes[n:]]
    return _frames(cat, lap, lap_codes, kor, kor_codes)


# ---------------------------------------------------------------------------
# The constructed seed month (June 2022)
# ---------------------------------------------------------------------------


def build_seed_month(reference: Reference | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Construct June 2022 so that the contract's metrics reproduce the seed report.

    Reproduced exactly: 508 reports, all Complete, per unit as in the recap table;
    388 responses within 6 h and 120 later; the top categories 92/75/62/48/42; the
    top units (with the four-way tie at 19); the four fastest/slowest-10 kelurahan
    tables (counts, and means to the printed decimals, each mean kept well inside
    its rounding interval); the reports JK2206080126 (rejected twice) and
    JK2206130046 (four times); JK2206030245 as the only report under 100 (67 h
    against Sampah's 48 h -> 80). Kelurahan the tables do not list get means
    strictly between the fastest-10's slowest and the slowest-10's fastest value,
    so each ranking comes out in the seed's order with no tie at its cut-off.

    Parameters
    ----------
    reference : Reference, optional
        Reference data; default ``load_reference()`` (Jakarta Timur).

    Returns
    -------
    laporan, koordinasi : pandas.DataFrame
        Columns :data:`LAPORAN_COLUMNS` and :data:`KOORDINASI_COLUMNS`, all rows in June.
    """
    ref = reference or load_reference()
    cat = _catalog(ref)
    rng = np.random.default_rng(SEED_RANDOM_STATE)
    start_s = _epoch("2022-06-01")
    end_s = _epoch("2022-07-01")
    as_of_s = _epoch(SEED_AS_OF)

    counts = np.array([SEED_LAPORAN_PER_UKPD.get(u, 0) for u in cat.ukpd])
    unit = np.repeat(np.arange(cat.ukpd.size), counts)
    n = unit.size
    if n != SEED_TOTAL:  # pragma: no cover - guards the constant table
        raise AssertionError(f"tabel unit berjumlah {n}, bukan {SEED_TOTAL}")

    # Fixed reports: the first rows of their units.
    special: dict[int, _SeedReport] = {}
    for rep in SEED_SPECIAL_REPORTS:
        rows = np.flatnonzero(unit == cat.unit_index(rep.ukpd))
        free = [r for r in rows if r not in special]
        special[int(free[0])] = rep

    tl = _seed_completion_times(rng, cat, unit, special)
    masuk = _seed_entry_times(rng, n, start_s, special)
    respon = _seed_response_times(rng, masuk, tl)
    selesai = masuk + tl
    kat, rinc, max_jam = _seed_categories(rng, cat, unit, tl, special)
    kanal = rng.choice(cat.kanal.size, size=n, p=cat.kanal_p)
    jaki = int(np.flatnonzero(cat.kanal == "JAKI")[0])
    tolak = np.zeros(n, dtype=np.int64)
    for i, rep in special.items():
        tolak[i] = rep.tolak
        if rep.nomor:
            kanal[i] = jaki
    # Filled: a handful of follow-ups rejected once (below the listing threshold).
    once = np.flatnonzero((tl > 8 * HOUR) & ~np.isin(np.arange(n), list(special)))
    tolak[rng.choice(once, 9, replace=False)] = 1

    lap = {
        "unit": unit,
        "kat": kat,
        "rinc": rinc,
        "kanal": kanal,
        "status": np.full(n, _COMPLETE),
        "masuk": masuk,
        "respon": respon,
        "selesai": selesai,
        "max_jam": max_jam,
        "tolak": tolak,
    }
    kor, created_foreign = _seed_koordinasi(rng, cat, lap, start_s, end_s, as_of_s)
    codes = _report_codes(rng, np.r_[masuk, created_foreign])
    codes = _pin_codes(codes, special)
    lap_codes = codes[:n]
    kor_codes = np.r_[lap_codes[kor["own_idx"]], codes[n:]]
    if max(selesai.max(), np.max(kor["proses"])) > as_of_s:  # pragma: no cover - guard
        raise AssertionError("waktu setelah per-tanggal")
    return _frames(cat, lap, lap_codes, kor, kor_codes)


def _seed_completion_times(
    rng: np.random.Generator, cat: _Catalog, unit: np.ndarray, special: dict[int, _SeedReport]
) -> np.ndarray:
    """Completion durations (s) per report: exact means for listed kelurahan."""
    fast = {f"KELURAHAN {k}": (c, m, 2, MINUTE) for k, c, m in SEED_PENYELESAIAN_TERCEPAT}
    slow = {f"KELURAHAN {k}": (c, m, 2, HOUR) for k, c, m in SEED_PENYELESAIAN_TERLAMA}
    listed = fast | slow
    tl = np.zeros(unit.size, dtype=np.int64)
    for u in np.unique(unit):
        name = cat.ukpd[u]
        rows = np.flatnonzero(unit == u)
        fixed = [r for r in rows if r in special]
        free = np.array([r for r in rows if r not in special], dtype=np.int64)
        for r in fixed:
            tl[r] = special[r].tl_s
        fixed_s = int(tl[fixed].sum()) if fixed else 0
        if u == cat.kota_idx:
            # The city office is not ranked: a free heavy-tailed draw.
            d = rng.lognormal(np.log(14 * HOUR), 1.0, free.size)
            tl[free] = np.clip(d, 30 * MINUTE, 110 * HOUR).astype(np.int64)
            continue
        if name in listed:
            count, mean, decimals, per = listed[name]
            if count != rows.size:  # pragma: no cover - guards the constant tables
                raise AssertionError(f"{name}: {count} != {rows.size}")
            total = _exact_total(mean, per, count, decimals)
        else:
            # Unlisted: strictly between 104.83 min (fastest-10's slowest) and
            # 12.64 h (slowest-10's fastest), with room for any fixed report.
            low = max(2.4 * HOUR, (fixed_s + free.size * 1.5 * HOUR) / rows.size)
            mean = np.exp(rng.uniform(np.log(low), np.log(11.0 * HOUR)))
            total = int(round(mean * rows.size))
        rest = total - fixed_s
        mean_free = rest / max(free.size, 1)
        lo = int(max(3 * MINUTE, min(20 * MINUTE, 0.15 * mean_free)))
        # 47 h cap: any of these may be a waste report (48 h limit).
        tl[free] = _split_total(rng, rest, free.size, lo, 47 * HOUR)
    return tl


def _seed_entry_times(
    rng: np.random.Generator, n: int, start_s: int, special: dict[int, _SeedReport]
) -> np.ndarray:
    masuk = _draw_times(rng, n, start_s, 30)
    for i, rep in special.items():
        if rep.masuk:
            masuk[i] = _epoch(rep.masuk)
    return masuk


def _seed_response_times(rng: np.random.Generator, masuk: np.ndarray, tl: np.ndarray) -> np.ndarray:
    """Response durations: exactly 120 reports beyond 6 h, the rest within it.

    Only reports that took at least 6.5 h can have answered late (the response
    precedes the follow-up); longer reports are likelier to be among them. Both
    groups stay clear of the 6 h boundary.
    """
    n = masuk.size
    n_late = SEED_TOTAL - SEED_RESPON_TEPAT
    eligible = np.flatnonzero(tl >= 6.5 * HOUR)
    if eligible.size < n_late + 20:  # pragma: no cover - guards the construction
        raise AssertionError(f"hanya {eligible.size} laporan cukup lama untuk respon terlambat")
    p = np.sqrt(tl[eligible].astype(float))
    late = rng.choice(eligible, n_late, replace=False, p=p / p.sum())
    resp = np.minimum(rng.lognormal(np.log(35 * MINUTE), 1.1, n), 0.6 * tl)
    resp = np.clip(resp, 30, 5 * HOUR + 45 * MINUTE)
    resp = np.minimum(resp, 0.6 * tl)
    upper = np.minimum(tl[late] - 15 * MINUTE, 30 * HOUR) - (6 * HOUR + 2 * MINUTE)
    resp[late] = 6 * HOUR + 2 * MINUTE + upper * rng.beta(1.2, 3.0, late.size)
    return masuk + resp.astype(np.int64)


def _seed_categories(
    rng: np.random.Generator,
    cat: _Catalog,
    unit: np.ndarray,
    tl: np.ndarray,
    special: dict[int, _SeedReport],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Categories with the seed's counts; waste (48 h) only where the report took <= 47 h."""
    n = unit.size
    kat_index = {k: i for i, k in enumerate(cat.kategori)}
    remaining = dict(SEED_KATEGORI)
    kat = np.full(n, -1, dtype=np.int64)
    rinc = np.full(n, -1, dtype=np.int64)
    max_jam = np.full(n, np.nan)
    for i, rep in special.items():
        k = kat_index[rep.kategori]
        kat[i] = k
        rinc[i] = cat.rincian_start[k] + KATEGORI_RINCIAN[rep.kategori].index(rep.rincian)
        remaining[rep.kategori] -= 1
        if rep.max_jam is not None:
            max_jam[i] = rep.max_jam
    pool = np.array([kat_index[k] for k, c in remaining.items() for _ in range(c)])
    pool = pool[rng.permutation(pool.size)]

    # City office first, from categories it can own; then everyone else.
    kota_rows = np.flatnonzero((unit == cat.kota_idx) & (kat < 0))
    ok = np.flatnonzero(cat.kota_ok[pool])
    take = ok[: kota_rows.size]
    kat[kota_rows] = pool[take]
    pool = np.delete(pool, take)
    rest = np.flatnonzero(kat < 0)
    kat[rest] = pool

    # Swap waste reports that took longer than 47 h with quick non-waste reports.
    fixed = np.isin(np.arange(n), list(special))
    for i in np.flatnonzero((kat == cat.sampah) & (tl > 47 * HOUR) & ~fixed):
        # Row i takes row j's category: the city office must not get PPSU works.
        fits = cat.kota_ok[kat] | (unit[i] != cat.kota_idx)
        cand = np.flatnonzero((kat != cat.sampah) & (tl <= 47 * HOUR) & ~fixed & fits)
        j = int(rng.choice(cand))
        kat[i], kat[j] = kat[j], kat[i]

    free = rinc < 0
    u = rng.random(n) ** 1.7
    rinc[free] = (cat.rincian_start[kat] + (u * cat.rincian_count[kat]).astype(np.int64))[free]
    return kat, rinc, max_jam


def _seed_koordinasi(
    rng: np.random.Generator,
    cat: _Catalog,
    lap: dict[str, np.ndarray],
    start_s: int,
    end_s: int,
    as_of_s: int,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Coordination rows per kelurahan with the seed's counts and exact means.

    Each kelurahan's durations are fixed first; the shortest are matched to its own
    reports that have room for them (coordination starts at the response and must
    turn to "in process" before the follow-up), the others become reports of other
    units. A few rows still waiting for "in process" are added: they do not count.
    """
    fast = {f"KELURAHAN {k}": (c, m, 2, MINUTE) for k, c, m in SEED_KOORDINASI_TERCEPAT}
    slow = {f"KELURAHAN {k}": (c, m, 3, HOUR) for k, c, m in SEED_KOORDINASI_TERLAMA}
    listed = fast | slow
    unit = lap["unit"]
    own_idx: list[np.ndarray] = []
    own_unit: list[np.ndarray] = []
    own_end: list[np.ndarray] = []
    f_unit: list[np.ndarray] = []
    f_dur: list[np.ndarray] = []
    for u in np.flatnonzero(cat.kelurahan):
        name = cat.ukpd[u]
        if name in listed:
            count, mean, decimals, per = listed[name]
            total = _exact_total(mean, per, count, decimals)
        else:
            # Unlisted: strictly between 38.00 min and 3.933 h.
            n_own = int((unit == u).sum())
            count = max(3, int(round(n_own * rng.uniform(1.2, 3.0))) + int(rng.poisson(6)))
            mean_s = np.exp(rng.uniform(np.log(50 * MINUTE), np.log(200 * MINUTE)))
            total = int(round(mean_s * count))
        lo = int(max(30, min(5 * MINUTE, 0.2 * total / count)))
        d = np.sort(_split_total(rng, total, count, lo, 36 * HOUR, sigma=1.0))

        rows = np.flatnonzero((unit == u) & (lap["respon"] < end_s))
        room = lap["selesai"][rows] - lap["respon"][rows] - MINUTE
        rows = rows[np.argsort(room, kind="stable")]
        room = np.sort(room)
        k = int(round(rng.uniform(0.5, 0.9) * min(rows.size, count)))
        while k > 0 and np.any(d[:k] > room[rows.size - k :]):
            k -= 1
        linked = rows[rows.size - k :]
        own_idx.append(linked)
        own_unit.append(np.full(k, u))
        own_end.append(lap["respon"][linked] + d[:k])
        f_unit.append(np.full(count - k, u))
        f_dur.append(d[k:])

    fu = np.concatenate(f_unit)
    fd = np.concatenate(f_dur)
    # Coordinated at a random June time; "in process" may fall in July (before as-of).
    ft = _draw_times(rng, fu.size, start_s, 30)
    fe = ft + fd
    # Still waiting for "in process" at the as-of time: excluded from the means.
    pend_names = ["KELURAHAN CIPAYUNG", "KELURAHAN MUNJUL"]
    others = [
        u
        for u in cat.ukpd[cat.kelurahan]
        if u not in {f"KELURAHAN {k}" for k, _, _ in SEED_KOORDINASI_TERCEPAT}
        and u not in {f"KELURAHAN {k}" for k, _, _ in SEED_KOORDINASI_TERLAMA}
    ]
    pend_names += list(rng.choice(np.array(others, dtype=object), 6, replace=False))
    pu = np.array([cat.unit_index(str(x)) for x in pend_names])
    pt = _draw_times(rng, pu.size, start_s + 21 * DAY, 9)
    oi = np.concatenate(own_idx)
    kor = {
        "own_idx": oi,
        "unit": np.r_[np.concatenate(own_unit), fu, pu],
        "koordinasi": np.r_[lap["respon"][oi], ft, pt],
        "proses": np.r_[np.concatenate(own_end), fe, np.full(pu.size, _NAT)],
    }
    foreign_t = np.r_[ft, pt]
    created = foreign_t - rng.integers(5 * MINUTE, 4 * HOUR, foreign_t.size)
    if np.any(kor["proses"] > as_of_s):  # pragma: no cover - guard
        raise AssertionError("waktu_proses setelah per-tanggal")
    return kor, created


def _pin_codes(codes: np.ndarray, special: dict[int, _SeedReport]) -> np.ndarray:
    """Give the seed's named reports their published numbers; move any clash aside."""
    codes = codes.copy()
    pinned = {i: int(rep.nomor[2:]) for i, rep in special.items() if rep.nomor}
    taken = set(pinned.values())
    for i, code in pinned.items():
        codes[i] = code
    used = set(codes.tolist())
    for j in range(codes.size):
        if j not in pinned and int(codes[j]) in taken:
            c = int(codes[j])
            while c in used:
                c += 1
            used.add(c)
            codes[j] = c
    if len(set(codes.tolist())) != codes.size:  # pragma: no cover - guard
        raise AssertionError("nomor laporan ganda")
    return codes


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


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
            ws.append([_cell_value(v) for v in row])
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


# ---------------------------------------------------------------------------
# Committed samples: regenerate and check
# ---------------------------------------------------------------------------


def sample_path(month: SampleMonth, base: Path | str = SAMPLE_DIR) -> Path:
    """Where a sample month lives: ``<base>/<periode>.xlsx`` or ``<base>/<periode>/``."""
    base = Path(base)
    return base / f"{month.periode}.xlsx" if month.form == "xlsx" else base / month.periode


def _month_frames(month: SampleMonth, ref: Reference) -> tuple[pd.DataFrame, pd.DataFrame]:
    if month.seed is None:
        lap, kor = build_seed_month(ref)
    else:
        lap, kor = generate_month(
            month.periode, seed=month.seed, reference=ref, as_of=month.as_of,
            with_nilai=month.with_nilai, resolution_s=60 if month.datetimes == "dayfirst" else 1,
        )  # fmt: skip
    if month.values == "export":
        lap, kor = export_style_values(lap, kor, ref)
    return lap, kor


def _select(months: Iterable[str] | None) -> list[SampleMonth]:
    if not months:
        return list(SAMPLE_MONTHS)
    known = {m.periode: m for m in SAMPLE_MONTHS}
    unknown = [p for p in months if p not in known]
    if unknown:
        raise ValueError(f"bulan tidak dikenal: {', '.join(unknown)}; tersedia: {', '.join(known)}")
    return [known[p] for p in months]


def regenerate(
    out_dir: Path | str = SAMPLE_DIR,
    months: Iterable[str] | None = None,
    reference: Reference | None = None,
) -> list[Path]:
    """Write the sample months (default all of :data:`SAMPLE_MONTHS`) under ``out_dir``."""
    ref = reference or load_reference()
    written = []
    for month in _select(months):
        lap, kor = _month_frames(month, ref)
        written.append(
            write_month(
                lap,
                kor,
                sample_path(month, out_dir),
                month.form,
                headers=month.headers,
                datetimes=month.datetimes,
            )  # fmt: skip
        )
    return written


def _xlsx_values(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path, read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb}


def check_samples(base: Path | str = SAMPLE_DIR, months: Iterable[str] | None = None) -> list[str]:
    """Compare the committed sample files with a fresh regeneration.

    Returns
    -------
    list of str
        One line per file that is missing or differs; empty when all are current.
        CSV files are compared byte for byte, workbooks cell by cell.
    """
    base = Path(base)
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        regenerate(tmp, months)
        for month in _select(months):
            fresh, committed = sample_path(month, tmp), sample_path(month, base)
            if month.form == "xlsx":
                if not committed.is_file():
                    problems.append(f"{committed}: tidak ada")
                # The generator's workbooks are byte-stable (_normalise_zip), so equal bytes
                # settle it at once; reading both cell by cell is only needed when they differ
                # (e.g. written by another openpyxl version).
                elif fresh.read_bytes() == committed.read_bytes():
                    continue
                elif _xlsx_values(fresh) != _xlsx_values(committed):
                    problems.append(f"{committed}: isi berbeda dari hasil generator")
                continue
            for name in ("laporan.csv", "koordinasi.csv"):
                f, c = fresh / name, committed / name
                if not c.is_file():
                    problems.append(f"{c}: tidak ada")
                elif f.read_bytes() != c.read_bytes():
                    problems.append(f"{c}: isi berbeda dari hasil generator")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: regenerate (or ``--check``) the committed sample months."""
    parser = argparse.ArgumentParser(
        prog="python -m crmlib.samplegen",
        description="Buat ulang data contoh CRM (sintetis) di data/sample/.",
    )
    parser.add_argument(
        "--out", type=Path, default=SAMPLE_DIR, help="folder tujuan (default: data/sample)"
    )
    parser.add_argument(
        "--months", nargs="+", metavar="YYYY-MM", help="hanya bulan ini (default: semua)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="jangan menulis; periksa apakah berkas yang ada sama dengan hasil generator",
    )
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = check_samples(args.out, args.months)
            for p in problems:
                print(p, file=sys.stderr)
            print("data contoh mutakhir" if not problems else f"{len(problems)} berkas berbeda")
            return 1 if problems else 0
        for path in regenerate(args.out, args.months):
            print(path)
    except ValueError as exc:
        parser.error(str(exc))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
