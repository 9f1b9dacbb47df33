"""Lists of single reports: rejected follow-ups and scores below 100."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.data.contract import LAPORAN_COLUMNS
from crmlib.metrics._helpers import _S_PER_H, _codes, _floats, _require, _tl_seconds, _unit_table
from crmlib.metrics.params import MetricParams
from crmlib.metrics.times import _scores


def _in_unit_order(rows: pd.DataFrame, unit_pos: np.ndarray) -> pd.DataFrame:
    """Sort a (small) subset by official unit order, then report number."""
    return (
        rows.assign(_pos=unit_pos)
        .sort_values(["_pos", "nomor_laporan"], kind="stable")
        .drop(columns="_pos")
        .reset_index(drop=True)
    )


TL_DITOLAK_COLUMNS = ["nomor_laporan", "ukpd", "kanal", "kategori", "status", "jumlah_ditolak"]


def _tl_ditolak(laporan: pd.DataFrame, unit: np.ndarray, ambang: int) -> pd.DataFrame:
    ditolak = np.nan_to_num(_floats(laporan["jumlah_tl_ditolak"]), nan=0.0)  # empty = 0
    hit = np.flatnonzero(ditolak >= ambang)
    rows = laporan.iloc[hit][["nomor_laporan", "ukpd", "kanal", "kategori", "status"]]
    rows = rows.assign(jumlah_ditolak=ditolak[hit].astype(np.int64))
    return _in_unit_order(rows, unit[hit])[TL_DITOLAK_COLUMNS]


def compute_tl_ditolak(
    laporan: pd.DataFrame, ukpd_ref: pd.DataFrame, ambang: int = 2
) -> pd.DataFrame:
    """Reports whose follow-up was rejected at least ``ambang`` times.

    Parameters
    ----------
    laporan : pandas.DataFrame
        Canonical reports of the month (needs ``jumlah_tl_ditolak``; empty = 0).
    ukpd_ref : pandas.DataFrame
        Unit reference table (for the official order).
    ambang : int
        Threshold.

    Returns
    -------
    pandas.DataFrame
        ``nomor_laporan, ukpd, kanal, kategori, status, jumlah_ditolak`` in official
        unit order, then by report number.
    """
    _require(
        laporan,
        ("nomor_laporan", "ukpd", "kanal", "kategori", "status", "jumlah_tl_ditolak"),
        "laporan",
    )
    ref = _unit_table(ukpd_ref)
    unit = _codes(laporan["ukpd"], ref["ukpd"], "ukpd")
    return _tl_ditolak(laporan, unit, ambang)


NILAI_COLUMNS = [
    "nomor_laporan",
    "ukpd",
    "kategori",
    "rincian_masalah",
    "waktu_masuk",
    "waktu_selesai",
    "max_waktu_tl_jam",
    "waktu_tl_jam",
    "nilai_tl",
]


def _nilai_dibawah_100(
    laporan: pd.DataFrame, unit: np.ndarray, tl_sec: np.ndarray, nilai: np.ndarray
) -> pd.DataFrame:
    hit = np.flatnonzero(nilai < 100)  # NaN compares False: unscored reports stay out
    cols = ["nomor_laporan", "ukpd", "kategori", "rincian_masalah", "waktu_masuk", "waktu_selesai"]
    rows = laporan.iloc[hit][cols].assign(
        max_waktu_tl_jam=_floats(laporan["max_waktu_tl_jam"].iloc[hit]),
        waktu_tl_jam=tl_sec[hit] / _S_PER_H,
        nilai_tl=nilai[hit],
    )
    return _in_unit_order(rows, unit[hit])[NILAI_COLUMNS]


def compute_nilai_dibawah_100(
    laporan: pd.DataFrame, ukpd_ref: pd.DataFrame, params: MetricParams = MetricParams()
) -> pd.DataFrame:
    """Reports whose follow-up score is below 100.

    Parameters
    ----------
    laporan : pandas.DataFrame
        Canonical reports of the month.
    ukpd_ref : pandas.DataFrame
        Unit reference table (for the official order).
    params : MetricParams
        Rule settings for scores the export does not give.

    Returns
    -------
    pandas.DataFrame
        ``nomor_laporan, ukpd, kategori, rincian_masalah, waktu_masuk, waktu_selesai,
        max_waktu_tl_jam, waktu_tl_jam, nilai_tl`` in official unit order, then by
        report number.
    """
    _require(laporan, LAPORAN_COLUMNS, "laporan")
    ref = _unit_table(ukpd_ref)
    unit = _codes(laporan["ukpd"], ref["ukpd"], "ukpd")
    tl = _tl_seconds(laporan)
    return _nilai_dibawah_100(laporan, unit, tl, _scores(laporan, tl, params))


def _ditolak(laporan: pd.DataFrame, ambang: int) -> np.ndarray:
    # As _tl_ditolak: an empty count means 0 rejections.
    return np.nan_to_num(_floats(laporan["jumlah_tl_ditolak"]), nan=0.0) >= ambang
